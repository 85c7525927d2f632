//! The search screen: the query bar with its parsed reading (or the error at its column), the
//! result list, the count and the time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{block, clip, date, tags_of, thousands};
use crate::search::SortBy;
use crate::tui::app::{App, Focus};

fn sort_label(s: SortBy) -> &'static str {
    match s {
        SortBy::Relevance => "relevance",
        SortBy::Date => "newest",
        SortBy::DateAsc => "oldest",
        SortBy::Score => "finding score",
    }
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let [bar, reading, list] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let t = app.theme.clone();
    let editing = app.focus == Focus::Query;
    // A reviewer who types Westlaw or Lexis sees it named on the bar.
    let dialect = match app.query.options.dialect {
        crate::query::Dialect::Dtsearch => String::new(),
        d => format!(" · {}", d.name()),
    };
    let title = if editing {
        format!(" Query{dialect} (Enter: search · ↑↓: history · Esc: results · ^U: clear) ")
    } else {
        format!(" Query{dialect} (/ to edit) ")
    };
    let query_block = block(app, title).border_style(if editing { t.title } else { t.border });
    let inner = query_block.inner(bar);
    f.render_widget(query_block, bar);
    // The query scrolls horizontally to keep the cursor in view.
    let width = inner.width.max(1) as usize;
    let chars: Vec<char> = app.query.input.text.chars().collect();
    let first = app
        .query
        .input
        .cursor
        .saturating_sub(width.saturating_sub(1));
    let shown: String = chars.iter().skip(first).take(width).collect();
    // A selected query (just after `/`) is shown reversed: typing replaces it.
    let style = if editing && app.query.input.selected {
        t.base.add_modifier(ratatui::style::Modifier::REVERSED)
    } else {
        t.base
    };
    f.render_widget(Paragraph::new(shown).style(style), inner);
    if editing {
        f.set_cursor_position(Position::new(
            inner.x + (app.query.input.cursor - first) as u16,
            inner.y,
        ));
    }

    // The parsed reading, or the error pointing at its column.
    let line = match &app.query.preview {
        Ok(r) => {
            let mut spans = vec![
                Span::styled(" reading: ", t.dim),
                Span::styled(r.clone(), t.base),
            ];
            if let Some(note) = &app.query.mixed_note {
                spans.push(Span::styled(
                    format!("  ⚠ {}", first_sentence(note)),
                    t.error,
                ));
            }
            Line::from(spans)
        }
        Err((msg, col)) => {
            // Column 1 is under the first character inside the bar's border.
            let pad = (*col).saturating_sub(first);
            Line::from(vec![
                Span::raw(" ".repeat(pad.min(width))),
                Span::styled(format!("^ {msg}"), t.error),
            ])
        }
    };
    f.render_widget(
        Paragraph::new(clip_line(line, reading.width as usize)),
        reading,
    );

    let r = &app.results;
    let count = match (r.total, &r.error) {
        (_, Some((e, _))) => format!(" {} ", clip(e, 40)),
        (None, _) => " searching… ".to_string(),
        (Some(n), _) => {
            format!(
                " {} of {} conversations · {:.0} ms · {}{} ",
                thousands(n),
                thousands(app.total_conversations),
                r.millis,
                sort_label(r.sort),
                batch_progress(app)
            ) + if r.fold { "· one row per group " } else { "" }
        }
    };
    let pos = if r.is_empty() {
        String::new()
    } else {
        format!(
            " {}/{} ",
            thousands(r.selected as u64 + 1),
            thousands(r.len() as u64)
        )
    };
    // The legend of the `how` column, when any row on the page has a finding.
    let shown = r.top..(r.top + 200).min(r.len());
    let legend = shown
        .filter_map(|i| r.row(i))
        .any(|row| row.elicitation.is_some())
        .then_some(" how: U unprompted · R requested · P primed · E echo ");
    let pos_w = pos.chars().count();
    let mut list_block = block(app, Line::from(count))
        .title_bottom(Line::from(pos).right_aligned())
        .border_style(if editing { t.border } else { t.title });
    if let Some(l) = legend
        && list.width as usize > l.chars().count() + pos_w + 4
    {
        list_block = list_block.title_bottom(Line::styled(l, t.dim).left_aligned());
    }
    let inner = list_block.inner(list);
    f.render_widget(list_block, list);
    let rows_area = inner;
    let height = rows_area.height as usize;
    app.list_height = height.saturating_sub(1).max(1);
    let h = app.list_height;
    let sel = app.results.selected;
    app.results.select(sel, h);
    let w = rows_area.width as usize;
    let wide = w >= 120;
    // Ids are cited: never cut. The column is as wide as the longest id on the page (the
    // snippet gets the rest); an id wider than half the row goes on lines of its own.
    let id_w = (app.results.top..(app.results.top + h).min(app.results.len()))
        .filter_map(|i| app.results.row(i))
        .map(|r| crate::textfmt::visible(&r.id).chars().count())
        .filter(|n| *n <= w / 2)
        .max()
        .unwrap_or(0)
        .max(if wide { 22 } else { 16 });
    // The group column, when a row on the page is in a near-duplicate group.
    let grouped = (app.results.top..(app.results.top + h).min(app.results.len()))
        .filter_map(|i| app.results.row(i))
        .any(|r| r.group.is_some());
    let group_col = |g: Option<&crate::tui::fold::RowGroup>| -> String {
        if grouped {
            format!(
                "{:<11} ",
                clip(&g.map(|g| g.label()).unwrap_or_default(), 11)
            )
        } else {
            String::new()
        }
    };
    let header = if wide {
        format!(
            "{:<id_w$} {:<10} {:<16} {:>5} {:<22} {:>5} {:<3} {}snippet",
            "id",
            "date",
            "model",
            "turns",
            "tags",
            "run",
            "how",
            if grouped { "group       " } else { "" }
        )
    } else {
        format!(
            "{:<id_w$} {:<10} {:>3} {:<12} {:>4} {:<1} {}snippet",
            "id",
            "date",
            "trn",
            "tags",
            "run",
            "h",
            if grouped { "group       " } else { "" }
        )
    };
    let mut lines = vec![Line::styled(clip(&header, w), t.dim)];
    let results = &app.results;
    for i in results.top..(results.top + h).min(results.len()) {
        let selected = i == results.selected;
        let Some(row) = results.row(i) else {
            lines.push(Line::styled("  …", t.dim));
            continue;
        };
        let tags = tags_of(app, &row.id);
        let id = crate::textfmt::visible(&row.id).into_owned();
        let own_line = id.chars().count() > id_w;
        if own_line {
            let chars: Vec<char> = id.chars().collect();
            for piece in chars.chunks(w.max(1)) {
                let mut line = Line::styled(piece.iter().collect::<String>(), t.base);
                if selected {
                    line = line.style(t.selected);
                }
                lines.push(line);
            }
        }
        let id = if own_line { String::new() } else { id };
        // An echo-only conversation shows its echoed run, marked: `e45`.
        let run = if row.finding > 0 {
            row.finding.to_string()
        } else if row.echo > 0 {
            format!("e{}", row.echo)
        } else {
            String::new()
        };
        // How the main finding came about: U unprompted, R requested, P primed, E echo.
        let how = row
            .elicitation
            .map(|e| e.letter().to_string())
            .unwrap_or_default();
        let lead = if wide {
            format!(
                "{:<id_w$} {:<10} {:<16} {:>5} {:<22} {:>5} {:<3} {}",
                id,
                date(row.created),
                clip(row.model.as_deref().unwrap_or("-"), 16),
                row.turns,
                clip(&tags, 22),
                run,
                how,
                group_col(row.group.as_ref())
            )
        } else {
            format!(
                "{:<id_w$} {:<10} {:>3} {:<12} {:>4} {:<1} {}",
                id,
                date(row.created),
                row.turns,
                clip(&tags, 12),
                run,
                how,
                group_col(row.group.as_ref())
            )
        };
        let room = w.saturating_sub(lead.chars().count());
        let mut spans = vec![Span::styled(
            lead,
            if tags.is_empty() { t.base } else { t.tag },
        )];
        spans.extend(snippet_spans(&row.snippet, &row.highlights, room, &t));
        let mut line = Line::from(spans);
        if selected {
            line = line.style(t.selected);
        }
        lines.push(line);
    }
    if results.total == Some(0) {
        lines.push(Line::styled(
            "  no conversation matches; / to change the query",
            t.dim,
        ));
    }
    f.render_widget(Paragraph::new(lines), rows_area);
}

fn first_sentence(s: &str) -> &str {
    s.split(": ").next().unwrap_or(s)
}

fn clip_line(line: Line<'static>, width: usize) -> Line<'static> {
    let mut left = width;
    let mut spans = Vec::new();
    for s in line.spans {
        if left == 0 {
            break;
        }
        let text = clip(&s.content, left);
        left = left.saturating_sub(text.chars().count());
        spans.push(Span::styled(text, s.style));
    }
    Line::from(spans)
}

/// A one-line snippet with its hits marked, cut to `room` characters.
fn snippet_spans(
    snippet: &str,
    highlights: &[(usize, usize)],
    room: usize,
    t: &crate::tui::theme::Theme,
) -> Vec<Span<'static>> {
    // Line breaks flatten to spaces (one byte for one, so highlight offsets hold); `clip`
    // shows any other control visibly.
    let flat: String = snippet
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut spans = Vec::new();
    let mut at = 0;
    let mut used = 0;
    // In a narrow column, start shortly before the first hit so that it is on screen.
    if let Some(&(first, _)) = highlights.first()
        && flat.is_char_boundary(first)
    {
        let before = flat[..first].chars().count();
        let lead = room / 4;
        if before > lead + 1 {
            let skip = before - lead;
            at = flat.char_indices().nth(skip).map(|(i, _)| i).unwrap_or(0);
            spans.push(Span::styled("…", t.dim));
            used = 1;
        }
    }
    let push = |s: &str, style, used: &mut usize, spans: &mut Vec<Span<'static>>| {
        if *used >= room {
            return;
        }
        let c = clip(s, room - *used);
        *used += c.chars().count();
        spans.push(Span::styled(c, style));
    };
    for &(s, e) in highlights {
        if s < at || e > flat.len() || !flat.is_char_boundary(s) || !flat.is_char_boundary(e) {
            continue;
        }
        push(&flat[at..s], t.base, &mut used, &mut spans);
        push(&flat[s..e], t.hit, &mut used, &mut spans);
        at = e;
    }
    push(&flat[at..], t.base, &mut used, &mut spans);
    spans
}

/// ` · batch SET-001: 12/50 coded` while the queue is the batch this interface opened on.
fn batch_progress(app: &App) -> String {
    let Some((id, ids)) = &app.batch else {
        return String::new();
    };
    if app.results.query != format!("batch:{id}") {
        return String::new();
    }
    let st = app.journal.state();
    let coded = ids
        .iter()
        .filter(|i| st.get(i).is_some_and(|c| c.reviewed()))
        .count();
    format!(" · batch {id}: {coded}/{} coded", ids.len())
}
