//! Small helpers for terminal output.

pub use verbatim::textfmt::{human_bytes, thousands, visible, visible_line};

use std::io::IsTerminal;

/// Whether stdout gets ANSI styling: a terminal, and `NO_COLOR` unset.
pub fn styled() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Marks `ranges` of `text`: reverse video on a terminal, «guillemets» otherwise. Control
/// characters in the text are shown visibly; only the marks are escape sequences.
pub fn mark(text: &str, ranges: &[(usize, usize)], styled: bool) -> String {
    let (open, close) = if styled {
        ("\x1b[7m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    for &(a, b) in ranges {
        if a < at || b > text.len() || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&visible(&text[at..a]));
        out.push_str(open);
        out.push_str(&visible(&text[a..b]));
        out.push_str(close);
        at = b;
    }
    out.push_str(&visible(&text[at..]));
    out
}

/// Prints `value` as one line of JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}
