//! The transcript: messages separated by role headers, wrapped to the width, the query's hits
//! marked (the current one underlined too) and reproduced or echoed text marked; the
//! conversation's tags, note and findings beside it (or above it on a narrow screen).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, date};
use crate::detect::Label;
use crate::model::Role;
use crate::tui::app::{App, hit_count};
use crate::tui::theme::Theme;
use crate::tui::worker::Loaded;
use crate::tui::wrap::{Mark, flatten, line_at, line_ranges, styled_lines};

/// The transcript laid out at a width.
pub struct TranscriptLayout {
    pub lines: Vec<Line<'static>>,
    /// Line of each hit, in hit order.
    pub hit_lines: Vec<usize>,
    /// First line of each message.
    pub message_lines: Vec<usize>,
    /// The first line with a word that differs from the principal.
    pub diff_line: Option<usize>,
}

fn role_style(t: &Theme, role: Role) -> Style {
    match role {
        Role::User => t.user,
        Role::Assistant => t.assistant,
        _ => t.other_role,
    }
}

pub fn layout(
    l: &Loaded,
    width: usize,
    t: &Theme,
    current_hit: Option<usize>,
    show_diff: bool,
) -> TranscriptLayout {
    let mut lines = Vec::new();
    let mut hit_lines = Vec::new();
    let mut message_lines = Vec::new();
    let mut hit_no = 0;
    let mut diff_line = None;
    for m in &l.conversation.messages {
        message_lines.push(lines.len());
        let who = match &m.author {
            Some(a) => format!("{} ({a})", m.role.as_str().to_uppercase()),
            None => m.role.as_str().to_uppercase(),
        };
        let when = m
            .created
            .map(|d| format!(" · {}", d.format("%Y-%m-%d %H:%M")))
            .unwrap_or_default();
        let head = format!("── {} {}{} ", m.index + 1, who, when);
        let fill = width.saturating_sub(head.chars().count());
        lines.push(Line::from(vec![
            Span::styled(head, role_style(t, m.role)),
            Span::styled("─".repeat(fill), t.border),
        ]));
        let mut marks: Vec<Mark> = Vec::new();
        // Words that differ from the group's principal, under every other mark.
        if let Some(d) = l.diff.as_ref().filter(|_| show_diff) {
            for &(s, e) in d.marks.in_message(m.index) {
                marks.push(Mark {
                    start: s,
                    end: e,
                    style: t.changed,
                });
            }
        }
        for f in &l.findings {
            for s in f.spans.iter().filter(|s| s.message == m.index) {
                let style = match s.label {
                    Label::Reproduced => t.reproduced,
                    Label::Echoed => t.echoed,
                };
                marks.push(Mark {
                    start: s.start,
                    end: s.end,
                    style,
                });
            }
        }
        // Article text the user supplied earlier (what a primed reply went on from).
        for st in l.supplied.values() {
            for &(_, s, e) in st.messages.iter().filter(|(i, _, _)| *i == m.index) {
                marks.push(Mark {
                    start: s,
                    end: e,
                    style: t.supplied,
                });
            }
        }
        // The highlight set's terms, each in its colour (the query's hits over them).
        for h in &l.highlights {
            let style = t.highlights[h.term.colour_index() % t.highlights.len()];
            for mh in h.hits.iter().filter(|x| x.message == m.index) {
                for &(s, e) in &mh.ranges {
                    marks.push(Mark {
                        start: s,
                        end: e,
                        style,
                    });
                }
            }
        }
        let first_hit_mark = marks.len();
        let mut my_hits = 0;
        if let Some(h) = l.hits.iter().find(|h| h.message == m.index) {
            for &(s, e) in &h.ranges {
                let style = if Some(hit_no + my_hits) == current_hit {
                    t.current_hit
                } else {
                    t.hit
                };
                marks.push(Mark {
                    start: s,
                    end: e,
                    style,
                });
                my_hits += 1;
            }
        }
        // Where each hit starts, before flattening merges the marks.
        let hit_starts: Vec<usize> = marks[first_hit_mark..].iter().map(|m| m.start).collect();
        let flat = flatten(&marks, t.base);
        let ranges = line_ranges(&m.text, width);
        let wrapped = styled_lines(&m.text, &ranges, t.base, &flat);
        let base = lines.len();
        hit_lines.extend(hit_starts.into_iter().map(|s| base + line_at(&ranges, s)));
        hit_no += my_hits;
        if diff_line.is_none()
            && show_diff
            && let Some(&(s, _)) = l
                .diff
                .as_ref()
                .and_then(|d| d.marks.in_message(m.index).first())
        {
            diff_line = Some(base + line_at(&ranges, s));
        }
        lines.extend(wrapped);
        lines.push(Line::raw(""));
    }
    TranscriptLayout {
        lines,
        hit_lines,
        message_lines,
        diff_line,
    }
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let wide = area.width >= 120;
    let hidden = !app.show_details;
    let (main, side) = if hidden {
        (area, Rect::default())
    } else if wide {
        let [m, s] = Layout::horizontal([Constraint::Min(60), Constraint::Length(40)]).areas(area);
        (m, s)
    } else {
        // A designation or earlier productions take a line of their own.
        let stamped = app.reading.as_ref().is_some_and(|rd| {
            rd.loaded.as_ref().is_some_and(|l| {
                !l.produced.is_empty()
                    || l.matter_designation.is_some()
                    || app
                        .journal
                        .state()
                        .get(&rd.id)
                        .is_some_and(|c| c.designation.is_some())
            })
        });
        let height = if stamped { 6 } else { 5 };
        let [s, m] = Layout::vertical([Constraint::Length(height), Constraint::Min(3)]).areas(area);
        (m, s)
    };
    if !hidden {
        draw_details(f, app, side, wide);
    }
    let t = app.theme.clone();
    let Some(rd) = app.reading.as_mut() else {
        return;
    };
    let title = format!(" {} ", rd.id);
    let Some(l) = rd.loaded.as_ref() else {
        let msg = rd.error.clone().unwrap_or_else(|| "loading…".into());
        let b = block(app, title);
        f.render_widget(Paragraph::new(msg).block(b), main);
        return;
    };
    let inner_w = main.width.saturating_sub(2) as usize;
    let height = main.height.saturating_sub(2) as usize;
    let lay = layout(l, inner_w.max(10), &t, rd.hit, rd.show_diff);
    let total_hits = hit_count(l);
    if rd.jump_to_hit
        && let Some(line) = rd.hit.and_then(|h| lay.hit_lines.get(h))
    {
        rd.scroll = line.saturating_sub(height / 3);
        rd.jump_to_hit = false;
    } else if rd.jump_to_hit
        && rd.hit.is_none()
        && let Some(line) = lay.diff_line
    {
        // No hit to show: the first word that differs from the principal is.
        rd.scroll = line.saturating_sub(height / 3);
        rd.jump_to_hit = false;
    }
    let max_scroll = lay.lines.len().saturating_sub(height);
    rd.scroll = rd.scroll.min(max_scroll);
    let message = lay
        .message_lines
        .iter()
        .rposition(|&s| s <= rd.scroll)
        .map(|i| i + 1)
        .unwrap_or(1);
    let hit = match rd.hit {
        Some(h) if total_hits > 0 => format!("hit {}/{total_hits}", h + 1),
        _ if total_hits == 0 => "no hits".to_string(),
        _ => format!("{total_hits} hits"),
    };
    let pos = format!(
        " {hit} · message {message}/{} · line {}/{} ",
        lay.message_lines.len(),
        rd.scroll + 1,
        lay.lines.len().max(1)
    );
    // A near-duplicate says whose copy it is and how its words differ.
    let diff_note = l.diff.as_ref().map(|d| {
        let marked = if rd.show_diff {
            format!("{} changed", d.marks.changed_words)
        } else {
            "d: mark".to_string()
        };
        format!(" {} {:.2} · {marked} ", d.group, d.similarity)
    });
    let scroll = rd.scroll;
    let shown: Vec<Line> = lay.lines.into_iter().skip(scroll).take(height).collect();
    app.page_height = height.saturating_sub(2).max(1);
    let mut b = block(app, title)
        .title_bottom(Line::from(pos).right_aligned())
        .border_style(t.title);
    if let Some(n) = diff_note {
        b = b.title_bottom(Line::styled(n, t.changed).left_aligned());
    }
    f.render_widget(Paragraph::new(shown).block(b), main);
}

fn draw_details(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let lines = details_lines(app, wide);
    let title = if wide {
        " details "
    } else {
        " details (i: all of it) "
    };
    let b = block(app, title);
    let p = Paragraph::new(lines).block(b);
    let p = if wide {
        p.wrap(Wrap { trim: false })
    } else {
        p
    };
    f.render_widget(p, area);
}

/// The details of the conversation being read: its dates and model, findings, designation and
/// productions, tags and note; `full` adds the whole note, the palette and the articles (the
/// wide pane and the details overlay).
pub fn details_lines(app: &App, full: bool) -> Vec<Line<'static>> {
    let wide = full;
    let t = &app.theme;
    let Some(rd) = app.reading.as_ref() else {
        return Vec::new();
    };
    // A blind review shows nobody's coding until this reviewer's call.
    let review = app
        .journal
        .state()
        .view(&rd.id)
        .filter(|_| !app.blind_hides(&rd.id));
    let tags = review.map(|c| c.tags().join(", ")).unwrap_or_default();
    let note = review
        .and_then(|c| c.note().map(str::to_string))
        .unwrap_or_default();
    let mut lines: Vec<Line> = Vec::new();
    if let Some(l) = rd.loaded.as_ref() {
        let c = &l.conversation;
        lines.push(Line::from(vec![
            Span::styled(date(c.created), t.base),
            Span::styled(" · ", t.dim),
            Span::styled(c.model.clone().unwrap_or_else(|| "-".into()), t.base),
            Span::styled(format!(" · {} turns", c.turns()), t.dim),
        ]));
        // Its family (f lists it) and its near-duplicate place (Z lists the group).
        if let Some(fam) = &c.family {
            let which = c
                .metadata
                .get("branch")
                .and_then(|b| {
                    if b["shown"] == true {
                        Some("the thread shown".to_string())
                    } else {
                        b["number"].as_u64().map(|n| format!("branch {n}"))
                    }
                })
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled("family: ", t.dim),
                Span::styled(crate::textfmt::visible(fam).into_owned(), t.base),
                Span::styled(
                    if which.is_empty() {
                        " (f: list)".to_string()
                    } else {
                        format!(" · {which} (f: list)")
                    },
                    t.dim,
                ),
            ]));
        }
        if let Some(d) = &l.diff {
            lines.push(Line::from(vec![
                Span::styled("near-duplicate: ", t.dim),
                Span::styled(format!("{} {:.2}", d.group, d.similarity), t.base),
                Span::styled(" to ", t.dim),
                Span::styled(crate::textfmt::visible(&d.principal).into_owned(), t.base),
                Span::styled(" (Z: list)", t.dim),
            ]));
        }
        let best = l
            .findings
            .iter()
            .max_by_key(|f| (f.longest_run_words, f.longest_echo_words));
        if let Some(best) = best {
            let strong = l.findings.iter().any(|f| f.strong);
            let run = if best.longest_run_words > 0 {
                format!("longest {}", best.run_description())
            } else {
                best.run_description()
            };
            lines.push(Line::from(vec![
                Span::styled("findings: ", t.dim),
                Span::styled(
                    format!(
                        "{} article(s), {run}{}",
                        l.findings.len(),
                        if strong { " (strong)" } else { "" }
                    ),
                    t.reproduced,
                ),
                Span::styled(" · c: compare", t.dim),
            ]));
            // How it came about: the question both sides argue.
            if wide {
                lines.push(Line::styled(best.elicitation_description(), t.base));
            }
        }
    }
    if let Some(l) = rd.loaded.as_ref() {
        let own = review.and_then(|c| c.designation().map(str::to_string));
        let designation = own.clone().or_else(|| l.matter_designation.clone());
        // With nothing to say, the narrow pane keeps its three lines.
        if designation.is_some() || !l.produced.is_empty() || wide {
            let mut line = vec![
                Span::styled("designation: ", t.dim),
                Span::styled(designation.unwrap_or_else(|| "none".into()), t.base),
            ];
            if own.is_none() && l.matter_designation.is_some() {
                line.push(Span::styled(" (matter)", t.dim));
            }
            if !l.produced.is_empty() {
                let numbers: Vec<&str> = l.produced.iter().map(|p| p.bates.as_str()).collect();
                line.push(Span::styled(" · produced: ", t.dim));
                line.push(Span::styled(numbers.join(", "), t.base));
            }
            lines.push(Line::from(line));
        }
    }
    let mut tag_line = vec![
        Span::styled("tags: ", t.dim),
        Span::styled(if tags.is_empty() { "-".into() } else { tags }, t.tag),
    ];
    if !wide && !note.is_empty() {
        // Three lines only on a narrow screen: the note shares the tags' line.
        tag_line.push(Span::styled(" · note: ", t.dim));
        tag_line.push(Span::styled(note.replace('\n', " ⏎ "), t.base));
    }
    lines.push(Line::from(tag_line));
    if wide {
        lines.push(Line::styled("note:", t.dim));
        for n in note.lines() {
            lines.push(Line::styled(n.to_string(), t.base));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("palette:", t.dim));
        for tag in &app.palette.tags {
            let on = review.is_some_and(|c| c.has_tag(&tag.name));
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {} ", tag.key),
                    if on { t.selected } else { t.dim },
                ),
                Span::styled(
                    format!(" {}{}", if on { "✓ " } else { "" }, tag.name),
                    if on { t.tag } else { t.base },
                ),
            ]));
        }
        if let Some(l) = rd.loaded.as_ref()
            && !l.highlights.is_empty()
        {
            lines.push(Line::raw(""));
            lines.push(Line::styled("highlights (hits here):", t.dim));
            for h in &l.highlights {
                let style = t.highlights[h.term.colour_index() % t.highlights.len()];
                let count = match &h.error {
                    Some(e) => format!("error: {e}"),
                    None => h.count.to_string(),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!(" {:<7} ", h.term.colour), style),
                    Span::styled(
                        crate::textfmt::visible_line(&h.term.query).into_owned(),
                        t.base,
                    ),
                    Span::styled(format!("  {count}"), t.dim),
                ]));
            }
        }
        if let Some(l) = rd.loaded.as_ref()
            && !l.findings.is_empty()
        {
            lines.push(Line::raw(""));
            lines.push(Line::styled("matched articles:", t.dim));
            for fnd in l.findings.iter().take(8) {
                let title = l
                    .articles
                    .get(&fnd.article)
                    .and_then(|a| a.title.clone())
                    .unwrap_or_else(|| fnd.article.clone());
                // The id tells apart articles that share a title.
                lines.push(Line::styled(
                    format!(
                        " {} · {} · {} · {}",
                        fnd.run_description(),
                        fnd.label.as_str(),
                        crate::textfmt::visible(&fnd.article),
                        title
                    ),
                    t.base,
                ));
            }
        }
    }
    lines
}
