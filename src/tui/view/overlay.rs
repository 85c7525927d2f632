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
    }
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
    let r = popup(f, area, 84, 14);
    let t = &app.theme;
    let b = block(
        app,
        " export (↑↓ field · ←→ change · Enter start · Esc close) ",
    );
    let inner = b.inner(r);
    f.render_widget(b, r);
    let mark = |field: Field| if d.field == field { "▶ " } else { "  " };
    let sel = |field: Field| if d.field == field { t.selected } else { t.base };
    let formats: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    let mut lines = vec![
        Line::from(vec![
            Span::raw(mark(Field::Selection)),
            Span::styled("what:   ", t.dim),
            Span::styled(clip(&d.selection_label(), 60), sel(Field::Selection)),
        ]),
        Line::from(vec![
            Span::raw(mark(Field::Format)),
            Span::styled("format: ", t.dim),
            Span::styled(
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
                sel(Field::Format),
            ),
        ]),
        Line::from(vec![
            Span::raw(mark(Field::Destination)),
            Span::styled("to:     ", t.dim),
            Span::styled(clip(&d.destination.text, 68), sel(Field::Destination)),
        ]),
    ];
    if d.format == Format::Dat {
        lines.push(Line::from(vec![
            Span::raw(mark(Field::Bates)),
            Span::styled("Bates prefix: ", t.dim),
            Span::styled(d.bates.text.clone(), sel(Field::Bates)),
            Span::styled("  (numbers continue from the last production)", t.dim),
        ]));
    }
    lines.push(Line::from(vec![
        Span::raw(mark(Field::Redact)),
        Span::styled("redact personal data: ", t.dim),
        Span::styled(
            if d.redact { "[x] yes" } else { "[ ] no" },
            sel(Field::Redact),
        ),
    ]));
    let contents = crate::export::Contents::default_for(d.format);
    lines.push(Line::from(vec![
        Span::raw("  "),
        Span::styled("contents: ", t.dim),
        Span::raw(contents.names().join(", ")),
        Span::styled(
            if contents.coding {
                " (work product in)"
            } else {
                " (no work product)"
            },
            t.dim,
        ),
    ]));
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
            lines.push(Line::raw(clip(&format!("to {}", s.out.display()), 78)));
            lines.push(Line::raw(format!("manifest.sha256 {}", &s.manifest_sha256)));
            if let (Some(a), Some(b)) = (&s.bates_first, &s.bates_last) {
                lines.push(Line::raw(format!("Bates {a} to {b}")));
            }
            lines.push(Line::styled("any key closes", t.dim));
        }
        Some(Err(e)) => {
            lines.push(Line::styled(clip(e, 240), t.error));
            lines.push(Line::styled("any key closes", t.dim));
        }
        None => {}
    }
    let text_h = inner
        .height
        .saturating_sub(if d.progress.is_some() && d.result.is_none() {
            1
        } else {
            0
        });
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        Rect {
            height: text_h,
            ..inner
        },
    );
    if let (Some((done, total)), None) = (d.progress, &d.result) {
        let ratio = super::ratio(done, total);
        f.render_widget(
            Gauge::default()
                .gauge_style(t.title)
                .ratio(ratio.clamp(0.0, 1.0))
                .label(format!(
                    "{} / {} · Esc cancels",
                    thousands(done),
                    thousands(total)
                )),
            Rect {
                y: inner.bottom().saturating_sub(1),
                height: 1,
                ..inner
            },
        );
    }
    if matches!(d.field, Field::Destination | Field::Bates) && d.result.is_none() {
        let (row, text) = if d.field == Field::Destination {
            (2u16, &d.destination)
        } else {
            (3u16, &d.bates)
        };
        let prefix = if d.field == Field::Destination {
            10
        } else {
            16
        };
        let x = inner.x + prefix + text.cursor.min(68) as u16;
        f.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y + row,
        ));
    }
}
