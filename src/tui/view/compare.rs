//! Compare: the assistant reply beside the matched article, both scrolled to the span under
//! the cursor and scrolled together from there (j/k, pages, g/G; `L` lets them scroll apart).
//! Reproduced spans are bold and underlined, echoed spans italic between ⟨ ⟩ (a mark that
//! shows where italics do not), the current span in reverse video; a header names the span and
//! the article in full, and a legend says what each mark means.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::block;
use crate::detect::Label;
use crate::tui::app::App;
use crate::tui::wrap::{Mark, line_at, line_ranges, styled_lines};

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme.clone();
    let Some(rd) = app.reading.as_ref() else {
        return;
    };
    let Some(l) = rd.loaded.as_ref() else {
        f.render_widget(
            Paragraph::new("loading…").block(block(app, " compare ")),
            area,
        );
        return;
    };
    let Some(finding) = l.findings.get(rd.article) else {
        f.render_widget(
            Paragraph::new("no findings in this conversation").block(block(app, " compare ")),
            area,
        );
        return;
    };
    let spans = &finding.spans;
    let current = rd.span.min(spans.len().saturating_sub(1));
    let Some(cur) = spans.get(current) else {
        return;
    };
    // The header gets a second line when the screen is narrow: it is never cut.
    let head_h = if area.width < 120 { 2 } else { 1 };
    let [head, panes, legend] = Layout::vertical([
        Constraint::Length(head_h),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(panes);
    let height = left.height.saturating_sub(2) as usize;
    let style_of = |label: Label, is_current: bool| {
        let s = match label {
            Label::Reproduced => t.reproduced,
            Label::Echoed => t.echoed,
        };
        if is_current {
            s.add_modifier(Modifier::REVERSED)
        } else {
            s
        }
    };

    // The reply.
    let message = l
        .conversation
        .messages
        .iter()
        .find(|m| m.index == cur.message);
    let reply_text = message.map(|m| m.text.as_str()).unwrap_or("");
    let reply_marks: Vec<Mark> = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.message == cur.message)
        .map(|(i, s)| Mark {
            start: s.start,
            end: s.end,
            style: style_of(s.label, i == current),
        })
        .collect();
    let echoes: Vec<(usize, usize)> = spans
        .iter()
        .filter(|s| s.message == cur.message && s.label == Label::Echoed)
        .map(|s| (s.start, s.end))
        .collect();
    let reply_brackets: Vec<_> = echoes.iter().map(|&(s, e)| (s, e, ECHO)).collect();
    let (reply_shown, reply_marks, at_reply) =
        bracket(reply_text, &reply_marks, &reply_brackets, cur.start);
    let w = left.width.saturating_sub(2).max(10) as usize;
    let ranges = line_ranges(&reply_shown, w);
    let lines = styled_lines(&reply_shown, &ranges, t.base, &reply_marks);
    let at = line_at(&ranges, at_reply);
    let title = format!(" reply · message {}{} ", cur.message + 1, pane_mark(app, 0));
    let offsets = app.reading.as_ref().map(|r| r.cmp_offset).unwrap_or([0, 0]);
    let o0 = draw_scrolled(f, app, left, title, lines, at, height, offsets[0]);

    // The article.
    let article = l.articles.get(&finding.article);
    let art_text = article.map(|a| a.text.as_str()).unwrap_or("");
    let art_marks: Vec<Mark> = {
        let mut v: Vec<(usize, Mark)> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    s.article_start,
                    Mark {
                        start: s.article_start,
                        end: s.article_end,
                        style: style_of(s.label, i == current),
                    },
                )
            })
            .collect();
        v.sort_by_key(|(s, _)| *s);
        v.into_iter().map(|(_, m)| m).collect()
    };
    let art_echoes: Vec<(usize, usize)> = spans
        .iter()
        .filter(|s| s.label == Label::Echoed)
        .map(|s| (s.article_start, s.article_end))
        .collect();
    // What the user supplied of the article and the reply did not copy back: a third mark.
    let taken: Vec<(usize, usize)> = spans
        .iter()
        .map(|s| (s.article_start, s.article_end))
        .collect();
    let supplied = l
        .supplied
        .get(&finding.article)
        .map(|s| minus(&s.article, &taken))
        .unwrap_or_default();
    let mut art_marks = art_marks;
    art_marks.extend(supplied.iter().map(|&(s, e)| Mark {
        start: s,
        end: e,
        style: t.supplied,
    }));
    art_marks.sort_by_key(|m| m.start);
    let mut art_brackets: Vec<_> = art_echoes.iter().map(|&(s, e)| (s, e, ECHO)).collect();
    art_brackets.extend(supplied.iter().map(|&(s, e)| (s, e, SUPPLIED)));
    let (art_shown, art_marks, at_art) =
        bracket(art_text, &art_marks, &art_brackets, cur.article_start);
    let art_text = art_shown.as_str();
    let w = right.width.saturating_sub(2).max(10) as usize;
    let ranges = line_ranges(art_text, w);
    let lines = if art_text.is_empty() {
        vec![Line::styled(
            "the article's text is not in the matter's corpus",
            t.error,
        )]
    } else {
        styled_lines(art_text, &ranges, t.base, &art_marks)
    };
    let at = line_at(&ranges, at_art);
    let name = article
        .and_then(|a| a.title.clone())
        .unwrap_or_else(|| finding.article.clone());
    let title = format!(
        " article {}/{} · {}{} ",
        rd.article + 1,
        l.findings.len(),
        crate::textfmt::visible(&finding.article),
        pane_mark(app, 1)
    );
    // The header says in full what the pane titles abbreviate; it wraps rather than cut.
    let header = format!(
        "span {}/{}: {} {} words · {} · {} [{}]",
        current + 1,
        spans.len(),
        match cur.label {
            Label::Reproduced => "reproduced",
            Label::Echoed => "echoed (the user supplied it)",
        },
        cur.words,
        finding.run_description(),
        name,
        crate::textfmt::visible(&finding.article)
    );
    f.render_widget(
        Paragraph::new(Line::styled(header, t.title)).wrap(ratatui::widgets::Wrap { trim: true }),
        head,
    );
    let o1 = draw_scrolled(f, app, right, title, lines, at, height, offsets[1]);
    f.render_widget(
        Paragraph::new(Line::styled(
            if area.width >= 120 {
                "bold underlined: reproduced · italic ⟨ ⟩: echoed, the user supplied it · « »: supplied, not copied · reversed: this span · n/N spans · >/< articles"
            } else {
                "underlined: reproduced · ⟨italic⟩: echoed · «»: supplied · reversed: this span"
            },
            t.dim,
        )),
        legend,
    );
    if let Some(rd) = app.reading.as_mut() {
        rd.cmp_offset = [o0, o1];
    }
}

/// ` (scrolling)` on the pane j/k move when the panes are unlocked.
fn pane_mark(app: &App, pane: usize) -> &'static str {
    match app.reading.as_ref() {
        Some(rd) if rd.cmp_unlocked && rd.cmp_pane == pane => " · scrolling",
        Some(rd) if rd.cmp_unlocked => " · L: locked again",
        _ => "",
    }
}

/// Echoed text goes between ⟨ ⟩, and article text the user supplied (not copied back) between
/// « »: marks that show without italics or colour.
const ECHO: (&str, &str) = ("⟨", "⟩");
const SUPPLIED: (&str, &str) = ("«", "»");

/// The text with its bracket pair around each range (so the mark shows without italics),
/// the marks moved to the new offsets (a bracketed range's mark covering its brackets), and
/// `pos` moved likewise.
fn bracket(
    text: &str,
    marks: &[Mark],
    bracketed: &[(usize, usize, (&'static str, &'static str))],
    pos: usize,
) -> (String, Vec<Mark>, usize) {
    // (at, text, is_close)
    let mut cuts: Vec<(usize, &str, bool)> = Vec::new();
    for &(s, e, (open, close)) in bracketed {
        if s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e) {
            cuts.push((s, open, false));
            cuts.push((e, close, true));
        }
    }
    // A close before an open at the same place: adjacent ranges stay apart.
    cuts.sort_by_key(|(at, _, close)| (*at, !*close));
    let shift = |p: usize, inclusive_close: bool| -> usize {
        p + cuts
            .iter()
            .filter(|(at, _, close)| *at < p || (*at == p && inclusive_close && *close))
            .map(|(_, m, _)| m.len())
            .sum::<usize>()
    };
    let mut out = String::with_capacity(text.len() + cuts.len() * 3);
    let mut last = 0;
    for (at, m, _) in &cuts {
        out.push_str(&text[last..*at]);
        out.push_str(m);
        last = *at;
    }
    out.push_str(&text[last..]);
    let moved = marks
        .iter()
        .map(|m| {
            // A bracketed range's mark starts on its opening and ends after its closing.
            let close = bracketed
                .iter()
                .find(|(s, e, _)| (*s, *e) == (m.start, m.end))
                .map(|(_, _, (_, c))| c.len());
            let end = shift(m.end, false);
            Mark {
                start: shift(m.start, true),
                end: end + close.unwrap_or(0),
                style: m.style,
            }
        })
        .collect();
    (out, moved, shift(pos, true))
}

/// `ranges` less every part covered by `taken`.
fn minus(ranges: &[(usize, usize)], taken: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &(s, e) in ranges {
        let mut pieces = vec![(s, e)];
        for &(ts, te) in taken {
            pieces = pieces
                .into_iter()
                .flat_map(|(a, b)| {
                    if te <= a || ts >= b {
                        vec![(a, b)]
                    } else {
                        [(a, ts.max(a)), (te.min(b), b)]
                            .into_iter()
                            .filter(|(x, y)| x < y)
                            .collect()
                    }
                })
                .collect();
        }
        out.extend(pieces);
    }
    out
}

/// Draws a pane scrolled `offset` lines from where its span sits (a third of the way down);
/// returns the offset kept within the text.
#[allow(clippy::too_many_arguments)]
fn draw_scrolled(
    f: &mut Frame,
    app: &App,
    area: Rect,
    title: String,
    lines: Vec<Line<'static>>,
    at: usize,
    height: usize,
    offset: isize,
) -> isize {
    let max = lines.len().saturating_sub(height) as isize;
    let base = (at.saturating_sub(height / 3) as isize).min(max);
    let scroll = (base.saturating_add(offset)).clamp(0, max.max(0));
    let kept = scroll - base;
    let scroll = scroll as usize;
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    f.render_widget(
        Paragraph::new(shown).block(block(app, super::clip(&title, area.width as usize - 2))),
        area,
    );
    kept
}
