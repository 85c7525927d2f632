//! The review interface: a ratatui front-end over the core. The UI thread owns the state and
//! the terminal and waits on one channel (keys, resizes, worker answers); searches, loads and
//! exports run on worker threads. The terminal is restored on every exit, error, panic and
//! fatal signal (see [`terminal`]).

pub mod app;
pub mod export_dialog;
pub mod fold;
pub mod keymap;
pub mod place;
pub mod reader;
pub mod results;
pub mod terminal;
pub mod textarea;
pub mod theme;
pub mod view;
pub mod worker;
pub mod wrap;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::time::Instant;

use anyhow::{Context, Result};
use crossterm::event::{
    self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};

use app::{Action, App, Effect};
use keymap::KeyMap;
use theme::Theme;
use worker::{Core, Request, Response};

/// The user's interface settings (`tui.toml`): theme and key bindings.
pub struct Settings {
    pub theme: theme::ThemeName,
    /// After a call (a tag of an exclusive group), open the next conversation.
    pub auto_advance: bool,
    pub keymap: KeyMap,
    /// The query dialect this reviewer types (`syntax` in tui.toml: dtsearch, westlaw, lexis).
    pub syntax: crate::query::Dialect,
    pub problems: Vec<String>,
    pub path: Option<PathBuf>,
}

/// Where the settings live: `$VERBATIM_TUI_CONFIG`, else the platform config directory.
pub fn settings_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("VERBATIM_TUI_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "verbatim").map(|d| d.config_dir().join("tui.toml"))
}

impl Settings {
    pub fn load() -> Settings {
        let path = settings_path();
        let mut problems = Vec::new();
        let table: toml::Table = match path.as_ref().map(std::fs::read_to_string) {
            Some(Ok(text)) => match toml::from_str(&text) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!(
                        "{}: {e}",
                        path.as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default()
                    ));
                    toml::Table::new()
                }
            },
            _ => toml::Table::new(),
        };
        let theme_name = table.get("theme").and_then(|v| v.as_str());
        if let Some(n) = theme_name
            && theme::ThemeName::parse(n).is_none()
        {
            problems.push(format!("theme \"{n}\" is not dark, light or high-contrast"));
        }
        let keys = table
            .get("keys")
            .and_then(|k| k.as_table())
            .cloned()
            .unwrap_or_default();
        let (keymap, kp) = KeyMap::with_overrides(&keys);
        problems.extend(kp);
        let auto_advance = match table.get("auto_advance") {
            None => false,
            Some(toml::Value::Boolean(b)) => *b,
            Some(_) => {
                problems.push("auto_advance takes true or false".to_string());
                false
            }
        };
        let syntax = match table.get("syntax").and_then(|v| v.as_str()) {
            None => crate::query::Dialect::default(),
            Some(s) => crate::query::Dialect::parse(s).unwrap_or_else(|| {
                problems.push(format!("syntax \"{s}\" is not dtsearch, westlaw or lexis"));
                crate::query::Dialect::default()
            }),
        };
        Settings {
            theme: theme::ThemeName::named(theme_name),
            auto_advance,
            syntax,
            keymap,
            problems,
            path,
        }
    }
}

/// A timestamped trace of keys and frames (`$VERBATIM_TUI_LOG`), for latency measurements.
struct Trace {
    out: Option<std::io::BufWriter<std::fs::File>>,
    t0: Instant,
}

impl Trace {
    fn new() -> Trace {
        let out = std::env::var_os("VERBATIM_TUI_LOG")
            .and_then(|p| crate::fsutil::create_private(Path::new(&p)).ok())
            .map(std::io::BufWriter::new);
        Trace {
            out,
            t0: Instant::now(),
        }
    }

    fn log(&mut self, what: &str) {
        if let Some(o) = &mut self.out {
            let _ = writeln!(o, "{} {what}", self.t0.elapsed().as_micros());
            let _ = o.flush();
        }
    }
}

/// Opens the review interface on a matter and runs it until the user quits; with `sample`,
/// a blind review of that sample.
pub fn run(matter_dir: &Path, reviewer: &str, sample: Option<&str>) -> Result<()> {
    run_with(matter_dir, reviewer, sample, None)
}

/// [`run`], opening on a batch (`batch:ID` as the first query) when one is given.
pub fn run_with(
    matter_dir: &Path,
    reviewer: &str,
    sample: Option<&str>,
    batch: Option<&str>,
) -> Result<()> {
    run_on(matter_dir, reviewer, sample, batch, None)
}

/// [`run_with`] reading the conversations from `reader` when given (a cluster's shards).
pub fn run_on(
    matter_dir: &Path,
    reviewer: &str,
    sample: Option<&str>,
    batch: Option<&str>,
    reader: Option<reader::Reader>,
) -> Result<()> {
    let blind = match sample {
        Some(name) => {
            let s = crate::sample::load(matter_dir, name)?;
            crate::sample::check_recorded(matter_dir, &s)?;
            Some((
                name.to_string(),
                s.members.into_iter().map(|m| m.id).collect(),
            ))
        }
        None => None,
    };
    let mut trace = Trace::new();
    trace.log("start");
    let settings = Settings::load();
    let core = Arc::new(match reader {
        Some(r) => Core::open_on(matter_dir, reviewer, settings.syntax, r)?,
        None => Core::open_with(matter_dir, reviewer, settings.syntax)?,
    });
    let total = core.num_docs();
    // The journal is replayed after the first frame (seconds for a matter coded through at
    // millions of conversations): the worker replays it once and the interface gets a copy.
    let mut app = App::with_journal(
        matter_dir,
        reviewer,
        settings.keymap,
        Theme::from_env(settings.theme),
        total,
        crate::review::Journal::unread(matter_dir),
    )?;
    app.reading_journal();
    app.auto_advance = settings.auto_advance;
    app.query_options = core.query.clone();
    app.query.options = core.query.clone();
    if !settings.problems.is_empty() {
        app.status = Some((
            format!("config: {}", settings.problems.join("; ")),
            app::Tone::Error,
        ));
    }
    crate::audit::append(
        matter_dir,
        reviewer,
        "open",
        serde_json::json!({"command": "review", "sample": sample, "batch": batch}),
    )?;
    // Coding that reached the journal without its audit entry goes on the trail first; only
    // then does the journal need replaying here.
    if !crate::audit::reconcile::journal_in_step(matter_dir)? {
        crate::audit::reconcile::reconcile_journal(
            matter_dir,
            crate::review::Journal::open(matter_dir)?.state(),
            reviewer,
        )?;
    }

    let (tx, rx) = channel::<Action>();
    let (resp_tx, resp_rx) = channel::<Response>();
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for r in resp_rx {
                if tx.send(Action::Response(r)).is_err() {
                    return;
                }
            }
        });
    }
    {
        let core = core.clone();
        let tx = resp_tx.clone();
        std::thread::spawn(move || {
            let journal = core
                .journal_copy()
                .map(Box::new)
                .map_err(|e| format!("{e:#}"));
            let _ = tx.send(worker::Response::Journal(journal));
        });
    }
    let search_tx = worker::spawn(core.clone(), resp_tx.clone());
    let load_tx = worker::spawn(core.clone(), resp_tx.clone());
    let cancel_export = Arc::new(AtomicBool::new(false));
    let mut export_thread: Option<std::thread::JoinHandle<()>> = None;

    terminal::install_signal_handlers();
    let _guard = terminal::TerminalGuard;
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    terminal::install_panic_hook();
    spawn_input(tx.clone());

    let mut effects = match (blind, batch) {
        (Some((name, members)), _) => app.start_blind(&name, members),
        (None, Some(b)) => app.start_batch(b),
        (None, None) => app.start(),
    };
    let mut exec = |effects: Vec<Effect>| -> bool {
        for e in effects {
            match e {
                Effect::Quit => return false,
                Effect::Request(r @ Request::Load { .. }) => {
                    let _ = load_tx.send(r);
                }
                Effect::Request(r) => {
                    // A new search stops the one before it.
                    if let Request::Search { generation, .. } = &r {
                        core.searches.started(*generation);
                    }
                    let _ = search_tx.send(r);
                }
                Effect::CancelSearch(generation) => core.searches.cancel(generation),
                Effect::Export(req) => {
                    cancel_export.store(false, Ordering::Relaxed);
                    export_thread = Some(worker::spawn_export(
                        core.clone(),
                        req,
                        resp_tx.clone(),
                        cancel_export.clone(),
                    ));
                }
                Effect::CancelExport => cancel_export.store(true, Ordering::Relaxed),
                Effect::Mouse(on) => {
                    let _ = if on {
                        crossterm::execute!(std::io::stdout(), event::EnableMouseCapture)
                    } else {
                        crossterm::execute!(std::io::stdout(), event::DisableMouseCapture)
                    };
                }
            }
        }
        true
    };
    exec(std::mem::take(&mut effects));
    terminal.draw(|f| view::draw(f, &mut app))?;
    trace.log("frame first");
    #[cfg(debug_assertions)]
    let mut first_key = true;
    while let Ok(first) = rx.recv() {
        let mut running = true;
        let mut next = Some(first);
        // Everything already waiting is handled before the next frame.
        while let Some(action) = next {
            if let Action::Key(k) = &action {
                trace.log(&format!("key {:?}", k.code));
                #[cfg(debug_assertions)]
                {
                    if first_key {
                        terminal::test_fault("ui");
                    }
                    first_key = false;
                }
            }
            let fx = app.handle(action);
            running &= exec(fx);
            next = rx.try_recv().ok();
        }
        if !running || app.quit {
            break;
        }
        terminal.draw(|f| view::draw(f, &mut app))?;
        let fx = app.page_effects();
        exec(fx);
        trace.log("frame");
    }
    // An export still running is cancelled and waited for: it removes its temporary
    // directory, or finishes and records itself in the audit trail.
    cancel_export.store(true, Ordering::Relaxed);
    if let Some(t) = export_thread.take() {
        let _ = t.join();
    }
    Ok(())
}

/// Reads terminal events on their own thread: key presses (not releases), resizes, and the
/// mouse wheel as arrow keys when mouse capture is on.
fn spawn_input(tx: Sender<Action>) {
    std::thread::spawn(move || {
        loop {
            let action = match event::read() {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Action::Key(k),
                Ok(Event::Resize(w, h)) => Action::Resize(w, h),
                Ok(Event::Mouse(m)) => match m.kind {
                    MouseEventKind::ScrollDown => {
                        Action::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE))
                    }
                    MouseEventKind::ScrollUp => {
                        Action::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::NONE))
                    }
                    _ => continue,
                },
                Ok(_) => continue,
                Err(_) => return,
            };
            if tx.send(action).is_err() {
                return;
            }
        }
    });
}
