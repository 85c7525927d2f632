//! Drawing: one function per screen and overlay, reading the state. The only state drawing
//! writes back is what depends on the size (page heights, the scroll that shows a hit).

mod compare;
mod overlay;
mod progress;
mod search;
mod transcript;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::app::{App, Screen, Tone};
pub use crate::textfmt::{clip, thousands};

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub fn draw(f: &mut Frame, app: &mut App) {
    let area = f.area();
    app.size = (area.width, area.height);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "The terminal is too small ({}x{}); verbatim needs {MIN_WIDTH}x{MIN_HEIGHT}. Enlarge it, or press Ctrl-C to quit.",
            area.width, area.height
        );
        f.render_widget(
            Paragraph::new(msg)
                .style(app.theme.base)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    match app.screen {
        Screen::Search => search::draw(f, app, body),
        Screen::Transcript => transcript::draw(f, app, body),
        Screen::Compare => compare::draw(f, app, body),
        Screen::Progress => progress::draw(f, app, body),
    }
    draw_status(f, app, status);
    overlay::draw(f, app, area);
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    // Until the journal is read, tags are not shown: said on every frame, whatever the message.
    let reading = if app.journal_loading {
        "reading journal · "
    } else {
        ""
    };
    let right = format!(" {reading}{} · {} ", app.reviewer, app.matter_name);
    let (msg, style) = match &app.status {
        Some((m, Tone::Error)) => (m.clone(), t.error),
        Some((m, Tone::Saved)) => (format!("✓ {m}"), t.ok.add_modifier(Modifier::BOLD)),
        Some((m, Tone::Info)) => (m.clone(), t.base),
        None => (String::new(), t.dim),
    };
    let width = area.width as usize;
    let room = width.saturating_sub(right.chars().count() + 1);
    let msg = if app.status.is_none() {
        fit_hints(&hints(app), room)
    } else {
        msg
    };
    let msg = clip(&msg, room);
    let pad = width.saturating_sub(msg.chars().count() + right.chars().count());
    let line = Line::from(vec![
        Span::styled(msg, style),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, t.dim),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

/// As many hints as fit, in order, the help key always among them: a hint is dropped whole,
/// never cut.
fn fit_hints(parts: &[String], room: usize) -> String {
    let Some((help, rest)) = parts.split_last() else {
        return String::new();
    };
    let mut out = String::new();
    for p in rest {
        let need = out.chars().count() + p.chars().count() + 3 + help.chars().count() + 3;
        if need > room {
            break;
        }
        out.push_str(p);
        out.push_str(" · ");
    }
    out.push_str(help);
    out
}

fn hints(app: &App) -> Vec<String> {
    let k = |c| app.keymap.keys(c);
    use super::keymap::Cmd::*;
    let parts = match app.screen {
        Screen::Transcript if app.blind.is_some() => vec![
            format!("{}/{} sample", k(NextConv), k(PrevConv)),
            format!("{} next uncoded", k(NextUnreviewed)),
            "1-9 call".to_string(),
            format!("{} note", k(Note)),
            format!("{} quit", k(Quit)),
        ],
        Screen::Search => vec![
            format!("{} search", k(Search)),
            format!("{} open", k(Open)),
            "1-9 tag".to_string(),
            format!("{} note", k(Note)),
            format!("{} export", k(Export)),
            format!("{} sort", k(Sort)),
            format!("{} bulk", k(BulkTag)),
            format!("{} progress", k(Progress)),
        ],
        Screen::Transcript => vec![
            format!("{}/{} conversations", k(NextConv), k(PrevConv)),
            "1-9 tag".to_string(),
            format!("{} note", k(Note)),
            format!("{} undo", k(Undo)),
            format!("{}/{} hits", k(NextHit), k(PrevHit)),
            format!("{} compare", k(Compare)),
            format!("{} back", k(Back)),
        ],
        Screen::Compare => vec![
            format!("{}/{} spans", k(NextHit), k(PrevHit)),
            format!("{}/{} articles", k(NextArticle), k(PrevArticle)),
            "1-9 tag".to_string(),
            format!("{} back", k(Back)),
        ],
        Screen::Progress => vec![format!("{} back", k(Back))],
    };
    parts
        .into_iter()
        .chain([format!("{} help", k(Help))])
        .collect()
}

/// A bordered block with a title in the theme.
pub fn block<'a>(app: &App, title: impl Into<Line<'a>>) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border)
        .title(title.into().style(app.theme.title))
}

/// A centred rectangle of at most `w` x `h` inside `area`, cleared.
pub fn popup(f: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2));
    let h = h.min(area.height.saturating_sub(2));
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    r
}

/// Tags of a conversation as a short string.
pub fn tags_of(app: &App, id: &str) -> String {
    app.journal
        .state()
        .get(id)
        .map(|c| c.tags.iter().cloned().collect::<Vec<_>>().join(","))
        .unwrap_or_default()
}

pub fn date(d: Option<chrono::DateTime<chrono::Utc>>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "-".into())
}

/// `done` of `total` as a fraction for a gauge (0 when there is nothing to do).
pub fn ratio(done: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    }
}
