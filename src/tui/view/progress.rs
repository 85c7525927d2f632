//! Review progress: reviewed against the whole matter, counts per tag and per reviewer as bars,
//! findings by label, by the conversations' month (a sparkline) and by longest run.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Sparkline};

use super::{block, clip, thousands};
use crate::tui::app::App;

/// Text bars: readable without colour and at any width.
fn bars(rows: &[(String, u64)], width: usize, app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let label_w = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let room = width.saturating_sub(label_w + 10).max(1);
    rows.iter()
        .map(|(label, n)| {
            let len = ((*n as f64 / max as f64) * room as f64).round() as usize;
            let len = if *n > 0 { len.max(1) } else { 0 };
            Line::from(vec![
                Span::styled(format!("{:<label_w$} ", clip(label, label_w)), t.base),
                Span::styled("█".repeat(len), t.title),
                Span::styled(format!(" {}", thousands(*n)), t.dim),
            ])
        })
        .collect()
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let st = app.journal.state();
    let reviewed = st.reviewed_count();
    let total = app.total_conversations.max(reviewed);
    let tag_counts = st.tag_counts();
    let mut per_reviewer: BTreeMap<String, u64> = BTreeMap::new();
    for c in st.convs.values() {
        if let Some(r) = c.last_reviewer.as_ref().filter(|_| c.reviewed()) {
            *per_reviewer.entry(r.clone()).or_default() += 1;
        }
    }
    let [gauge, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(4)]).areas(area);
    let ratio = super::ratio(reviewed, total);
    f.render_widget(
        Gauge::default()
            .block(block(app, " reviewed "))
            .gauge_style(app.theme.title)
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!(
                "{} of {} coded ({:.1}%), {} to go{}",
                thousands(reviewed),
                thousands(total),
                ratio * 100.0,
                thousands(total - reviewed),
                // Coded and opened are kept apart: bulk coding reads nothing.
                app.stats
                    .as_ref()
                    .map(|s| format!(
                        " · {} opened · {} coded unopened",
                        thousands(s.viewed),
                        thousands(s.coded_unviewed)
                    ))
                    .unwrap_or_default()
            )),
        gauge,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let w = left.width.saturating_sub(2) as usize;
    let mut lines = vec![Line::styled("conversations per tag", app.theme.dim)];
    let mut rows: Vec<(String, u64)> = app
        .palette
        .tags
        .iter()
        .map(|t| {
            (
                format!("{} {}", t.key, t.name),
                *tag_counts.get(&t.name).unwrap_or(&0),
            )
        })
        .collect();
    for (tag, n) in &tag_counts {
        if !app.palette.contains(tag) {
            rows.push((format!("- {tag}"), *n));
        }
    }
    lines.extend(bars(&rows, w, app));
    lines.push(Line::raw(""));
    lines.push(Line::styled("reviewed, by who coded last", app.theme.dim));
    let rrows: Vec<(String, u64)> = per_reviewer.into_iter().collect();
    if rrows.is_empty() {
        lines.push(Line::styled("nothing coded yet", app.theme.dim));
    }
    lines.extend(bars(&rrows, w, app));
    f.render_widget(Paragraph::new(lines).block(block(app, " review ")), left);

    let w = right.width.saturating_sub(2) as usize;
    let Some(stats) = app.stats.clone() else {
        f.render_widget(
            Paragraph::new("counting findings…").block(block(app, " findings ")),
            right,
        );
        return;
    };
    // Undated conversations have no months: the chart would be an empty box.
    let spark_h = if stats.by_month.is_empty() { 0 } else { 5 };
    let [spark_area, rest] =
        Layout::vertical([Constraint::Length(spark_h), Constraint::Min(3)]).areas(right);
    if !stats.by_month.is_empty() {
        let months: Vec<u64> = stats.by_month.iter().map(|m| m.1).collect();
        let span = match (stats.by_month.first(), stats.by_month.last()) {
            (Some(a), Some(b)) => {
                format!(" conversations with findings by month, {} to {} ", a.0, b.0)
            }
            _ => " conversations with findings by month ".into(),
        };
        f.render_widget(
            Sparkline::default()
                .block(block(app, clip(&span, w)))
                .data(&months)
                .style(app.theme.title),
            spark_area,
        );
    }
    let mut lines = vec![Line::styled(
        format!(
            "{} conversations with findings, {} strong",
            thousands(stats.conversations),
            thousands(stats.strong)
        ),
        app.theme.base,
    )];
    lines.push(Line::styled("findings by label", app.theme.dim));
    lines.extend(bars(&stats.by_label, w, app));
    lines.push(Line::styled(
        "conversations by longest run (words)",
        app.theme.dim,
    ));
    lines.extend(bars(&stats.by_score, w, app));
    f.render_widget(Paragraph::new(lines).block(block(app, " findings ")), rest);
}
