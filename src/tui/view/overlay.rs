//! Overlays: help (generated from the key map), the note editor, the bulk-tag prompt and
//! confirmation, and the export dialog.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

use super::{block, clip, popup, thousands};
use crate::export::Format;
use crate::tui::app::{App, Overlay};
use crate::tui::export_dialog::{ExportDialog, Field};
use crate::tui::keymap::TEXT_KEYS;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let Some(o) = &app.overlay else {
        return;
    };
    match o {
        Overlay::Help { scroll } => help(f, app, area, *scroll),
        Overlay::Saved { items, selected } => saved(f, app, area, items, *selected),
        Overlay::Details { scroll } => {
            let r = popup(f, area, 100, area.height.saturating_sub(2));
            let lines = super::transcript::details_lines(app, true);
            let title = match app.reading.as_ref() {
                Some(rd) => format!(" {} · j/k scroll · any other key closes ", rd.id),
                None => " details ".to_string(),
            };
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(ratatui::widgets::Wrap { trim: false })
                    .scroll((*scroll as u16, 0))
                    .block(block(app, title)),
                r,
            );
        }
        Overlay::Note {
            id,
            area: text,
            discard_armed,
        } => {
            let r = popup(f, area, 70, 14);
            let keys = if *discard_armed {
                "Ctrl-S save · Esc again: discard"
            } else {
                "Ctrl-S save · Esc cancel"
            };
            let b = block(app, format!(" note on {id} ({keys}) "));
            let inner = b.inner(r);
            let lines: Vec<Line> = text.lines.iter().map(|l| Line::raw(l.clone())).collect();
            let top = text
                .row
                .saturating_sub(inner.height.saturating_sub(1) as usize);
            f.render_widget(
                Paragraph::new(lines)
                    .style(app.theme.base)
                    .scroll((top as u16, 0))
                    .block(b),
                r,
            );
            let col: usize = text.lines[text.row]
                .chars()
                .take(text.col)
                .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                .sum();
            f.set_cursor_position(Position::new(
                (inner.x + col as u16).min(inner.right().saturating_sub(1)),
                inner.y + (text.row - top) as u16,
            ));
        }
        Overlay::BulkPick => {
            let r = popup(f, area, 64, 4 + app.palette.tags.len() as u16);
            let mut lines = vec![Line::raw(format!(
                "Tag all {} results of the query with:",
                thousands(app.results.len() as u64)
            ))];
            for t in &app.palette.tags {
                lines.push(Line::raw(format!("  {}  {}", t.key, t.name)));
            }
            lines.push(Line::styled("any other key cancels", app.theme.dim));
            f.render_widget(Paragraph::new(lines).block(block(app, " bulk tag ")), r);
        }
        Overlay::BulkConfirm {
            tag, count, ids, ..
        } => {
            let r = popup(f, area, 64, 6);
            let q = if app.results.query.is_empty() {
                "(every conversation)".to_string()
            } else {
                app.results.query.clone()
            };
            let lines = match ids {
                None => vec![Line::raw(format!(
                    "Collecting the {} matching conversations…",
                    thousands(*count)
                ))],
                Some(_) => vec![
                    Line::from(vec![
                        Span::raw("Tag "),
                        Span::styled(
                            format!("{} conversations", thousands(*count)),
                            app.theme.title,
                        ),
                        Span::raw(format!(" with {tag}?")),
                    ]),
                    Line::styled(clip(&format!("query: {q}"), 60), app.theme.dim),
                    Line::raw("y: tag them all · any other key: cancel"),
                ],
            };
            f.render_widget(
                Paragraph::new(lines)
                    .block(block(app, " confirm bulk tag "))
                    .wrap(Wrap { trim: false }),
                r,
            );
        }
        Overlay::Export(d) => export(f, app, area, d),
        Overlay::GroupOffer(o) => group_offer(f, app, area, o),
    }
}

/// After a principal's call: the group's members at each similarity floor, one chosen.
fn group_offer(f: &mut Frame, app: &App, area: Rect, o: &crate::tui::app::GroupOffer) {
    let t = &app.theme;
    let r = popup(f, area, 66, 9);
    let (floor, n) = o.floor();
    let mut floors = vec![Span::styled("similarity ≥ ", t.dim)];
    for (i, (fl, count)) in o.floors.iter().enumerate() {
        let label = format!(" {fl:.2}: {count} ");
        floors.push(if i == o.chosen {
            Span::styled(label, t.selected)
        } else {
            Span::styled(label, t.base)
        });
    }
    let lines = vec![
        Line::from(vec![
            Span::raw(format!(
                "{} leads group {}. Apply ",
                crate::textfmt::visible(&o.principal),
                o.group
            )),
            Span::styled(o.tag.clone(), t.tag),
            Span::raw(" to the "),
            Span::styled(format!("{} other members", thousands(n as u64)), t.title),
            Span::raw(format!(" with similarity ≥ {floor:.2}?")),
        ]),
        Line::raw(""),
        Line::from(floors),
        Line::raw(""),
        Line::styled(
            "←/→: similarity · y: apply (one event, u undoes it) · other key: no",
            t.dim,
        ),
    ];
    f.render_widget(
        Paragraph::new(lines)
            .block(block(app, " code the group? "))
            .wrap(Wrap { trim: false }),
        r,
    );
}

/// A help entry: the key column, then the description and the command's config name, wrapped
/// under the description (never cut) when the screen is narrow.
fn help_entry<'a>(
    keys: &str,
    what: &str,
    name: Option<&str>,
    width: usize,
    t: &crate::tui::theme::Theme,
) -> Vec<Line<'a>> {
    const KEY_W: usize = 14;
    let room = width.saturating_sub(KEY_W).max(20);
    let mut text = what.to_string();
    if let Some(n) = name {
        text.push_str(&format!("  [{n}]"));
    }
    let ranges = crate::tui::wrap::line_ranges(&text, room);
    let name_at = name.map(|n| text.len() - n.len() - 2);
    ranges
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            let piece = text[a..b].trim_end().to_string();
            let lead = if i == 0 {
                Span::styled(format!("{keys:<KEY_W$}"), t.title)
            } else {
                Span::raw(" ".repeat(KEY_W))
            };
            // The config name is dim wherever the wrapping put it.
            let spans = match name_at {
                Some(at) if at >= b => vec![lead, Span::styled(piece, t.base)],
                Some(at) if at <= a => vec![lead, Span::styled(piece, t.dim)],
                Some(at) => vec![
                    lead,
                    Span::styled(text[a..at].to_string(), t.base),
                    Span::styled(text[at..b].trim_end().to_string(), t.dim),
                ],
                None => vec![lead, Span::styled(piece, t.base)],
            };
            Line::from(spans)
        })
        .collect()
}

fn help(f: &mut Frame, app: &App, area: Rect, scroll: usize) {
    let r = popup(f, area, 90, area.height.saturating_sub(2));
    let t = &app.theme;
    let width = r.width.saturating_sub(2) as usize;
    let mut lines = vec![Line::styled(
        "Keys (from the key map; change them in the config file)",
        t.dim,
    )];
    for (keys, name, what) in app.keymap.help() {
        lines.extend(help_entry(&keys, what, Some(name), width, t));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("In text fields", t.dim));
    for (k, what) in TEXT_KEYS {
        lines.extend(help_entry(k, what, None, width, t));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Tags of the palette (config.toml in the matter):",
        t.dim,
    ));
    for tag in &app.palette.tags {
        let what = format!("{}  {}", tag.name, tag.description);
        lines.extend(help_entry(&format!("  {}", tag.key), &what, None, width, t));
    }
    for (group, members) in &app.palette.exclusive {
        let what = format!("exclusive group {group}: {}", members.join(", "));
        lines.extend(help_entry("", &what, None, width, t));
    }
    let inner_h = r.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(inner_h));
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(block(app, " help · j/k scroll · any other key closes ")),
        r,
    );
}

fn export(f: &mut Frame, app: &App, area: Rect, d: &ExportDialog) {
    let t = &app.theme;
    let fields = crate::tui::export_dialog::FIELDS;
    let shown = fields.iter().filter(|x| d.visible(**x)).count() as u16;
    let r = popup(f, area, 84, shown + 9);
    let b = block(
        app,
        " export (↑↓ field · ←→ change · Enter start · Esc close) ",
    );
    let inner = b.inner(r);
    f.render_widget(b, r);
    let w = inner.width as usize;
    let mark = |field: Field| if d.field == field { "▶ " } else { "  " };
    let sel = |field: Field| if d.field == field { t.selected } else { t.base };
    let check = |on: bool| if on { "[x] yes" } else { "[ ] no" };
    let formats: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    // (field, label, value): one line each, labels in one column.
    let mut rows: Vec<(Field, &str, String)> = Vec::new();
    for field in fields.into_iter().filter(|x| d.visible(*x)) {
        let (label, value) = match field {
            Field::Selection => ("what", d.selection_label()),
            Field::Format => (
                "format",
                formats
                    .iter()
                    .map(|n| {
                        if *n == d.format.name() {
                            format!("[{n}]")
                        } else {
                            format!(" {n} ")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(""),
            ),
            Field::Destination => ("to", d.destination.text.clone()),
            Field::Bates => ("Bates prefix", d.bates.text.clone()),
            Field::Designation => ("designation", d.designation_label()),
            Field::Recipient => ("recipient", d.recipient.text.clone()),
            Field::Redact => ("redact personal data", check(d.redact).into()),
            Field::Pdf => ("print exhibits.pdf", check(d.pdf).into()),
            Field::Replace => ("replace an earlier export", check(d.replace).into()),
            Field::Reproduce => ("produce again if produced", check(d.reproduce).into()),
        };
        rows.push((field, label, value));
    }
    let label_w = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0) + 2;
    let value_w = w.saturating_sub(label_w + 2).max(1);
    let mut cursor: Option<(u16, usize)> = None;
    let mut lines: Vec<Line> = Vec::new();
    for (field, label, value) in &rows {
        let text_field = match field {
            Field::Destination => Some(&d.destination),
            Field::Bates => Some(&d.bates),
            Field::Recipient => Some(&d.recipient),
            _ => None,
        };
        // A typed value shows its end (where the cursor is) when it is longer than the room.
        let shown = match text_field {
            Some(input) if d.field == *field => {
                let chars: Vec<char> = value.chars().collect();
                let first = input.cursor.saturating_sub(value_w.saturating_sub(1));
                cursor = Some((lines.len() as u16, input.cursor - first));
                chars[first.min(chars.len())..]
                    .iter()
                    .take(value_w)
                    .collect()
            }
            _ => clip(value, value_w),
        };
        lines.push(Line::from(vec![
            Span::raw(mark(*field)),
            Span::styled(format!("{:<label_w$}", format!("{label}:")), t.dim),
            Span::styled(shown, sel(*field)),
        ]));
    }
    let contents = crate::export::Contents::default_for(d.format);
    let mut notes = vec![format!(
        "contents: {}{}",
        contents.names().join(", "),
        if contents.coding {
            " (work product in)"
        } else {
            " (no work product)"
        }
    )];
    if d.field == Field::Designation {
        notes.push("a conversation coded with its own designation keeps it".into());
    }
    if d.format.numbered() {
        notes.push("Bates numbers continue from the last production under the prefix".into());
    }
    if d.result.is_none() && d.destination_exists() {
        notes.push(if d.replace {
            "the destination exists: it is replaced only if it holds an earlier export".into()
        } else {
            "the destination exists: choose another, or turn on replace".into()
        });
    }
    for n in notes {
        lines.push(Line::from(vec![Span::raw("  "), Span::styled(n, t.dim)]));
    }
    lines.push(Line::raw(""));
    if let Some(e) = &d.error {
        lines.push(Line::styled(e.clone(), t.error));
    }
    match &d.result {
        Some(Ok(s)) => {
            lines.push(Line::styled(
                format!(
                    "✓ exported {} conversations, {} files",
                    thousands(s.conversations),
                    thousands(s.files)
                ),
                t.ok,
            ));
            lines.push(Line::raw(clip(&format!("to {}", s.out.display()), w)));
            if d.interrupted {
                lines.push(Line::styled(
                    "Ctrl-C came after the files were complete: the export was kept",
                    t.error,
                ));
            }
            lines.push(Line::raw(format!("manifest.sha256 {}", &s.manifest_sha256)));
            if let (Some(a), Some(b)) = (&s.bates_first, &s.bates_last) {
                lines.push(Line::raw(format!("Bates {a} to {b}")));
            }
            lines.push(Line::styled("any key closes", t.dim));
        }
        Some(Err(e)) => {
            if d.interrupted {
                lines.push(Line::styled("stopped by Ctrl-C", t.error));
            }
            lines.push(Line::styled(clip(e, 240), t.error));
            lines.push(Line::styled("any key closes", t.dim));
        }
        None => {}
    }
    let running = d.progress.is_some() && d.result.is_none();
    let text_h = inner.height.saturating_sub(if running { 1 } else { 0 });
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Rect {
            height: text_h,
            ..inner
        },
    );
    if let (Some((done, total)), None) = (d.progress, &d.result) {
        let phase = d.phase.as_deref().unwrap_or("exporting");
        let (ratio, count) = if total > 0 {
            (
                super::ratio(done, total),
                format!("{} / {}", thousands(done), thousands(total)),
            )
        } else {
            (0.0, "…".to_string())
        };
        f.render_widget(
            Gauge::default()
                .gauge_style(t.title)
                .ratio(ratio.clamp(0.0, 1.0))
                .label(clip(&format!("{phase} {count} · Esc or Ctrl-C stops"), w)),
            Rect {
                y: inner.bottom().saturating_sub(1),
                height: 1,
                ..inner
            },
        );
    }
    if let Some((row, col)) = cursor
        && d.result.is_none()
    {
        let x = inner.x + 2 + label_w as u16 + col as u16;
        f.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y + row,
        ));
    }
}

/// The picker of saved searches and lists.
fn saved(f: &mut Frame, app: &App, area: Rect, items: &[(String, String)], selected: usize) {
    let h = (items.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let r = popup(f, area, 76, h);
    let b = block(app, " saved searches and lists (Enter: run · Esc: close) ");
    let inner = b.inner(r);
    let rows = inner.height.max(1) as usize;
    let first = selected.saturating_sub(rows.saturating_sub(1));
    let width = inner.width as usize;
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, (label, _))| {
            let text = clip(&crate::textfmt::visible_line(label), width);
            if i == selected {
                Line::styled(text, app.theme.selected)
            } else {
                Line::styled(text, app.theme.base)
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(b), r);
}
