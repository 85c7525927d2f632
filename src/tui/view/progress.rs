//! Review progress over a set (the results, the conversations with findings, or the matter):
//! coded, opened, counts per tag and per reviewer as bars,
//! findings by label, by the conversations' month (a sparkline) and by longest run.

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
        .min(width * 3 / 5);
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
    let scope = app.progress_scope.label(&app.results.query);
    let [gauge, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(4)]).areas(area);
    let title = clip(
        &format!(" progress over {scope} · Tab: another set "),
        area.width.saturating_sub(4) as usize,
    );
    let Some(stats) = app.stats.clone() else {
        f.render_widget(
            Paragraph::new(format!("counting {scope}…")).block(block(app, title)),
            area,
        );
        return;
    };
    let (coded, total) = (stats.coded, stats.total.max(stats.coded));
    let ratio = super::ratio(coded, total);
    f.render_widget(
        Gauge::default()
            .block(block(app, title))
            .gauge_style(app.theme.title)
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!(
                "{} of {} coded ({:.1}%), {} to go · {} opened · {} coded unopened",
                thousands(coded),
                thousands(total),
                ratio * 100.0,
                thousands(total - coded),
                // Coded and opened are kept apart: bulk coding reads nothing.
                thousands(stats.viewed),
                thousands(stats.coded_unviewed)
            )),
        gauge,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let w = left.width.saturating_sub(2) as usize;
    let mut lines = vec![Line::styled("conversations per tag", app.theme.dim)];
    let count = |tag: &str| {
        stats
            .tags
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let mut rows: Vec<(String, u64)> = app
        .palette
        .tags
        .iter()
        .map(|t| (format!("{} {}", t.key, t.name), count(&t.name)))
        .collect();
    for (tag, n) in &stats.tags {
        if !app.palette.contains(tag) {
            rows.push((format!("- {tag}"), *n));
        }
    }
    lines.extend(bars(&rows, w, app));
    lines.push(Line::raw(""));
    lines.push(Line::styled("coded, by who coded last", app.theme.dim));
    if stats.by_reviewer.is_empty() {
        lines.push(Line::styled("nothing coded yet", app.theme.dim));
    }
    lines.extend(bars(&stats.by_reviewer, w, app));
    if !stats.samples.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "samples (95 % Clopper-Pearson)",
            app.theme.dim,
        ));
        for smp in &stats.samples {
            let est = match smp.estimate {
                Some((p, lo, hi)) => format!(
                    " · {} {:.1}% ({:.1}–{:.1}%)",
                    smp.positive,
                    p * 100.0,
                    lo * 100.0,
                    hi * 100.0
                ),
                None => String::new(),
            };
            lines.push(Line::styled(
                clip(
                    &format!(
                        "{}: {} of {} reviewed{est}",
                        smp.name,
                        thousands(smp.reviewed),
                        thousands(smp.size)
                    ),
                    w,
                ),
                app.theme.base,
            ));
        }
    }
    f.render_widget(Paragraph::new(lines).block(block(app, " review ")), left);

    let w = right.width.saturating_sub(2) as usize;
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
            "{} conversations with findings, {} strong{}",
            thousands(stats.conversations),
            thousands(stats.strong),
            if stats.undated > 0 {
                format!(", {} undated", thousands(stats.undated))
            } else {
                String::new()
            }
        ),
        app.theme.base,
    )];
    lines.push(Line::styled("findings by label", app.theme.dim));
    lines.extend(bars(&stats.by_label, w, app));
    if !stats.by_elicitation.is_empty() {
        lines.push(Line::styled("findings by elicitation", app.theme.dim));
        lines.extend(bars(&stats.by_elicitation, w, app));
    }
    lines.push(Line::styled(
        "conversations by longest run (words)",
        app.theme.dim,
    ));
    lines.extend(bars(&stats.by_score, w, app));
    f.render_widget(Paragraph::new(lines).block(block(app, " findings ")), rest);
}
