//! Word wrapping of message text to a width, with byte ranges of the text styled (hits,
//! reproduced and echoed spans), and the line on which each range starts (to scroll to it).

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// A styled byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub style: Style,
}

fn width_of(c: char) -> usize {
    if c == '\t' { 1 } else { c.width().unwrap_or(0) }
}

/// Byte ranges of the wrapped lines of `text` at `width` columns.
pub fn line_ranges(text: &str, width: usize) -> Vec<(usize, usize)> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut para_start = 0;
    for para in text.split('\n') {
        let base = para_start;
        para_start += para.len() + 1;
        if para.is_empty() {
            out.push((base, base));
            continue;
        }
        let mut line_start = 0;
        let mut col = 0;
        // Where the line could break: after the last whitespace seen.
        let mut last_break: Option<(usize, usize)> = None;
        for (i, c) in para.char_indices() {
            let w = width_of(c);
            if col + w > width && i > line_start {
                if c.is_whitespace() {
                    // Break here; the space is swallowed.
                    out.push((base + line_start, base + i));
                    line_start = i + c.len_utf8();
                    col = 0;
                    last_break = None;
                    continue;
                }
                match last_break {
                    Some((b, bcol)) if b > line_start => {
                        out.push((base + line_start, base + b));
                        line_start = b;
                        col -= bcol;
                    }
                    _ => {
                        out.push((base + line_start, base + i));
                        line_start = i;
                        col = 0;
                    }
                }
                last_break = None;
            }
            col += w;
            if c.is_whitespace() {
                let next = i + c.len_utf8();
                last_break = Some((next, col));
            }
        }
        out.push((base + line_start, base + para.len()));
    }
    out
}

/// Display form of a slice: control characters are shown visibly, one column each, so the
/// terminal never acts on them and columns stay where the highlights expect.
fn clean(s: &str) -> String {
    crate::textfmt::visible_line(s).into_owned()
}

/// Wraps `text` into styled lines. Marks must be sorted by start; overlaps: the earlier wins.
/// Returns the lines and, per mark, the index of the line holding its start.
pub fn wrap(
    text: &str,
    width: usize,
    base: Style,
    marks: &[Mark],
) -> (Vec<Line<'static>>, Vec<usize>) {
    let ranges = line_ranges(text, width);
    let lines = styled_lines(text, &ranges, base, marks);
    let at = marks.iter().map(|m| line_at(&ranges, m.start)).collect();
    (lines, at)
}

/// The lines of `text` cut at `ranges` (from [`line_ranges`]), with the marks styled.
pub fn styled_lines(
    text: &str,
    ranges: &[(usize, usize)],
    base: Style,
    marks: &[Mark],
) -> Vec<Line<'static>> {
    let mut lines = Vec::with_capacity(ranges.len());
    for &(ls, le) in ranges {
        let mut spans = Vec::new();
        let mut at = ls;
        for m in marks.iter().filter(|m| m.end > ls && m.start < le) {
            let s = m.start.max(at).max(ls);
            let e = m.end.min(le);
            if s >= e || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            if s > at {
                spans.push(Span::styled(clean(&text[at..s]), base));
            }
            spans.push(Span::styled(clean(&text[s..e]), m.style));
            at = e;
        }
        if at < le {
            spans.push(Span::styled(clean(&text[at..le]), base));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// The line (of `ranges`) holding byte `pos`.
pub fn line_at(ranges: &[(usize, usize)], pos: usize) -> usize {
    ranges.iter().rposition(|r| r.0 <= pos).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, w: usize) -> Vec<&str> {
        line_ranges(text, w)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(
            texts("the quick brown fox", 10),
            ["the quick ", "brown fox"]
        );
        assert_eq!(texts("abcdefghijkl", 5), ["abcde", "fghij", "kl"]);
        assert_eq!(texts("a\n\nb", 5), ["a", "", "b"]);
        assert_eq!(texts("", 5), [""]);
        // Wide characters count two columns.
        assert_eq!(texts("日本語テキスト", 6), ["日本語", "テキス", "ト"]);
    }

    #[test]
    fn marks_are_styled_and_located() {
        let text = "one two three four five six";
        let s = text.find("four").unwrap();
        let style = Style::default().add_modifier(ratatui::style::Modifier::REVERSED);
        let (lines, at) = wrap(
            text,
            10,
            Style::default(),
            &[Mark {
                start: s,
                end: s + 4,
                style,
            }],
        );
        assert_eq!(at, vec![1]);
        let l1: Vec<&str> = lines[1].spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(l1.contains(&"four"), "{l1:?}");
        let marked = lines[1].spans.iter().find(|s| s.content == "four").unwrap();
        assert_eq!(marked.style, style);
    }
}

/// Overlapping marks made into non-overlapping ones: where marks overlap, later marks' styles
/// are patched over earlier ones (a hit inside a reproduced span shows both).
pub fn flatten(marks: &[Mark], base: Style) -> Vec<Mark> {
    let mut cuts: Vec<usize> = marks.iter().flat_map(|m| [m.start, m.end]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Mark> = Vec::new();
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let mut style: Option<Style> = None;
        for m in marks
            .iter()
            .filter(|m| m.start <= s && m.end >= e && m.start < m.end)
        {
            style = Some(style.unwrap_or(base).patch(m.style));
        }
        if let Some(style) = style {
            match out.last_mut() {
                Some(last) if last.end == s && last.style == style => last.end = e,
                _ => out.push(Mark {
                    start: s,
                    end: e,
                    style,
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn marked_text_spanning_lines_is_kept() {
        let text = "Intro:\n\nalpha beta gamma delta epsilon zeta eta theta.\n\nEnd.";
        let s = text.find("beta").unwrap();
        let e = text.find("theta").unwrap() + 5;
        let style = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let marks = flatten(
            &[Mark {
                start: s,
                end: e,
                style,
            }],
            Style::default(),
        );
        let (lines, _) = wrap(text, 12, Style::default(), &marks);
        let all: String = lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("|");
        assert!(all.contains("gamma") && all.contains("theta."), "{all}");
    }
}
