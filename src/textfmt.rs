//! Numbers and text made short for people: thousands separators, byte sizes, clipping, and
//! control characters made visible.

use std::borrow::Cow;

/// The visible stand-in for a control character in data, or `None` for a printable one.
/// Produced data must never drive the reviewer's terminal (an ESC could recolour, hide or
/// retitle what is read), so every control shows as one visible column: C0 as its Control
/// Pictures symbol (`ESC` is `␛`), DEL as `␡`, C1 and bidirectional overrides as `�`.
pub fn control_picture(c: char) -> Option<char> {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('␡'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('�'),
        _ => None,
    }
}

/// `s` with every control character shown visibly; line feeds and tabs stay (a transcript
/// keeps its lines).
pub fn visible(s: &str) -> Cow<'_, str> {
    visible_with(s, true)
}

/// `s` on one line: every control character, line feeds and tabs too, shown visibly.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    visible_with(s, false)
}

fn visible_with(s: &str, keep_lines: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_lines && matches!(c, '\n' | '\t');
    if !s.chars().any(|c| !keep(c) && control_picture(c).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match control_picture(c) {
                Some(p) if !keep(c) => p,
                _ => c,
            })
            .collect(),
    )
}

/// `n` with thousands separators.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Shortens `s` to `max` characters with an ellipsis.
/// Control characters are shown visibly (see [`visible_line`]).
pub fn clip(s: &str, max: usize) -> String {
    let s = visible_line(s);
    if s.chars().count() <= max {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_visible_and_lines_kept() {
        let evil = "a\x1b]0;owned\x07b\x1b[2Jc\rd\u{8}e\u{9b}f\u{202e}g\nh\ti";
        let v = visible(evil);
        assert!(
            !v.chars().any(|c| c != '\n' && c != '\t' && c.is_control()),
            "{v:?}"
        );
        assert_eq!(v, "a␛]0;owned␇b␛[2Jc␍d␈e�f�g\nh\ti");
        assert_eq!(visible_line("x\ny\t"), "x␊y␉");
        assert!(matches!(visible("plain text, café"), Cow::Borrowed(_)));
        assert_eq!(clip("\x1bab", 5), "␛ab");
    }
}
