//! Compare: the assistant reply beside the matched article, both scrolled to the span under
//! the cursor. Reproduced spans are bold and underlined, echoed spans italic (and coloured when
//! colour is on); the current span is in reverse video.

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
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
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
    let w = left.width.saturating_sub(2).max(10) as usize;
    let ranges = line_ranges(reply_text, w);
    let lines = styled_lines(reply_text, &ranges, t.base, &reply_marks);
    let at = line_at(&ranges, cur.start);
    let title = format!(
        " reply · message {} · span {}/{} · {} {} words ",
        cur.message + 1,
        current + 1,
        spans.len(),
        cur.label.as_str(),
        cur.words
    );
    draw_scrolled(f, app, left, title, lines, at, height);

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
    let at = line_at(&ranges, cur.article_start);
    let name = article
        .and_then(|a| a.title.clone())
        .unwrap_or_else(|| finding.article.clone());
    let title = format!(
        " article {}/{} · {} · {} · {} ",
        rd.article + 1,
        l.findings.len(),
        crate::textfmt::visible(&finding.article),
        name,
        finding.run_description()
    );
    draw_scrolled(f, app, right, title, lines, at, height);
}

fn draw_scrolled(
    f: &mut Frame,
    app: &App,
    area: Rect,
    title: String,
    lines: Vec<Line<'static>>,
    at: usize,
    height: usize,
) {
    // Scroll-locked: the current span sits a third of the way down in both panes.
    let max = lines.len().saturating_sub(height);
    let scroll = at.saturating_sub(height / 3).min(max);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    f.render_widget(
        Paragraph::new(shown).block(block(app, super::clip(&title, area.width as usize - 2))),
        area,
    );
}
