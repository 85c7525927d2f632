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

/// Runs `print` with SIGPIPE ignored, so that a reader that stops early (`| head`) ends the
/// printing with an error instead of ending the process before its audit entry is committed.
/// Returns whether everything was written (false: the reader went away).
pub fn print_then_commit(
    print: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>,
    commit: impl FnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    #[cfg(unix)]
    // SAFETY: changes the disposition of SIGPIPE only, restored below.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let printed = {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        print(&mut out).and_then(|_| Ok(std::io::Write::flush(&mut out)?))
    };
    // A reader that went away gets nothing more: SIGPIPE stays ignored for the rest of the
    // process, whose last flush would otherwise end it before it returns.
    #[cfg(unix)]
    if printed.is_ok() {
        // SAFETY: as above.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    commit()?;
    match printed {
        Ok(()) => Ok(true),
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}
