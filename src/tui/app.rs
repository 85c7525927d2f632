//! The state of the review interface and its update: `App::handle` takes an action (a key, a
//! worker's answer, a resize) and returns the work to start. Drawing only reads this state.

use std::path::{Path, PathBuf};

use anyhow::Result;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use super::export_dialog::ExportDialog;
use super::keymap::{Cmd, KeyMap};
use super::results::{PAGE, Results};
use super::textarea::{Edit, LineInput, TextArea};
use super::theme::Theme;
use super::worker::{FindingStats, Loaded, Request, Response};
use crate::export::ExportRequest;
use crate::query;
use crate::review::{Action as Coding, Draft, Event, Journal, Palette};
use crate::search::SortBy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Search,
    Transcript,
    Compare,
    Progress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Query,
    List,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    /// Every detail of the conversation being read, scrollable.
    Details {
        scroll: usize,
    },
    Note {
        id: String,
        area: TextArea,
        /// Esc was pressed once on edited text: a second Esc discards it.
        discard_armed: bool,
    },
    /// Waiting for the digit of the tag to apply to every result.
    BulkPick,
    /// Waiting for the matching ids, then for y/n.
    BulkConfirm {
        tag: String,
        count: u64,
        ids: Option<Vec<String>>,
        generation: u64,
    },
    Export(Box<ExportDialog>),
}

/// Input to the state update.
/// "Next" or "next unreviewed" (opening it or not), held until refetched rows arrive.
#[derive(Debug, Clone, Copy)]
enum PendingMove {
    Step(isize),
    Unreviewed(bool),
}

#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    Resize(u16, u16),
    Response(Response),
}

/// Work the update asks for.
#[derive(Debug)]
pub enum Effect {
    Request(Request),
    Export(ExportRequest),
    CancelExport,
    /// Stop the running search of this generation.
    CancelSearch(u64),
    Mouse(bool),
    Quit,
}

/// The last coding action, for `.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastCoding {
    Tag { tag: String, add: bool },
    Note(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Saved,
    Error,
}

/// The open conversation.
#[derive(Debug)]
pub struct Reading {
    pub id: String,
    pub generation: u64,
    pub loaded: Option<Box<Loaded>>,
    pub error: Option<String>,
    /// First transcript line shown.
    pub scroll: usize,
    /// The current hit (index into all hits, message order).
    pub hit: Option<usize>,
    /// Set by n/N: the draw scrolls to the hit's line.
    pub jump_to_hit: bool,
    /// Compare: which matched article (strongest first) and which of its spans.
    pub article: usize,
    pub span: usize,
    /// Compare: lines scrolled away from the current span, reply pane and article pane (the
    /// draw keeps them within the text).
    pub cmp_offset: [isize; 2],
    /// Compare: the panes scroll apart (`L`); `cmp_pane` is the one j/k move.
    pub cmp_unlocked: bool,
    pub cmp_pane: usize,
}

pub struct App {
    pub matter_dir: PathBuf,
    pub matter_name: String,
    pub reviewer: String,
    pub journal: Journal,
    pub palette: Palette,
    /// The designations a conversation may be coded with (the matter's `config.toml`).
    pub designations: Vec<String>,
    /// The conversation whose missing required note was already asked for: moving on again
    /// goes ahead.
    note_asked: Option<String>,
    /// After a call (a tag of an exclusive group) while reading, open the next conversation
    /// (`auto_advance` in tui.toml; off by default).
    pub auto_advance: bool,
    pub keymap: KeyMap,
    pub theme: Theme,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub focus: Focus,
    pub input: LineInput,
    pub history: Vec<String>,
    history_pos: Option<usize>,
    /// The parsed reading of the query being typed, or the error and its column.
    pub preview: std::result::Result<String, (String, usize)>,
    pub mixed_note: Option<String>,
    pub results: Results,
    pub reading: Option<Reading>,
    pub last_coding: Option<LastCoding>,
    pub status: Option<(String, Tone)>,
    pub mouse: bool,
    /// Whether the details (tags, note, palette, articles) are shown beside a transcript.
    pub show_details: bool,
    pub stats: Option<FindingStats>,
    pub total_conversations: u64,
    pub export_running: bool,
    /// A page request failed: ask again on the next key.
    retry_pages: bool,
    /// Open this result as soon as its page arrives (the next unreviewed, found far ahead).
    open_when_fetched: Option<usize>,
    /// A move asked for while the list was being refetched after coding.
    pending_move: Option<PendingMove>,
    next_generation: u64,
    /// Rows the list shows and lines the transcript shows (from the last draw).
    pub list_height: usize,
    pub page_height: usize,
    pub size: (u16, u16),
    pub quit: bool,
}

fn history_path(matter_dir: &Path) -> PathBuf {
    matter_dir.join("query-history.jsonl")
}

impl App {
    pub fn new(
        matter_dir: &Path,
        reviewer: &str,
        keymap: KeyMap,
        theme: Theme,
        total_conversations: u64,
    ) -> Result<App> {
        let journal = Journal::open(matter_dir)?;
        let palette = Palette::load(matter_dir)?;
        let history: Vec<String> =
            crate::fsutil::read_jsonl(&history_path(matter_dir), "a query").unwrap_or_default();
        let matter_name = matter_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| matter_dir.display().to_string());
        Ok(App {
            matter_dir: matter_dir.to_path_buf(),
            matter_name,
            reviewer: reviewer.to_string(),
            journal,
            palette,
            designations: crate::review::designation::list(matter_dir)?,
            note_asked: None,
            auto_advance: false,
            keymap,
            theme,
            screen: Screen::Search,
            overlay: None,
            // The result list first: `?` and `q` work at once; `/` goes to the query.
            focus: Focus::List,
            input: LineInput::default(),
            history,
            history_pos: None,
            preview: Ok("every conversation".into()),
            mixed_note: None,
            results: Results::new(0, "", SortBy::Relevance),
            reading: None,
            last_coding: None,
            status: None,
            mouse: false,
            show_details: true,
            stats: None,
            total_conversations,
            export_running: false,
            retry_pages: false,
            open_when_fetched: None,
            pending_move: None,
            next_generation: 1,
            list_height: 10,
            page_height: 10,
            size: (80, 24),
            quit: false,
        })
    }

    fn generation(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    fn say(&mut self, text: impl Into<String>, tone: Tone) {
        self.status = Some((text.into(), tone));
    }

    /// The first search: every conversation, so the list is never empty at start.
    /// Opens on the query and conversation this reviewer left, else on every conversation.
    pub fn start(&mut self) -> Vec<Effect> {
        let Some(place) = super::place::load(&self.matter_dir, &self.reviewer) else {
            return self.run_query();
        };
        self.input.set(&place.query);
        self.results.sort = SortBy::parse(&place.sort).unwrap_or(self.results.sort);
        let fx = self.run_query();
        if self.results.query == place.query {
            self.results.restore(place.selected, place.id);
        }
        fx
    }

    /// Quits, keeping this reviewer's place for the next start.
    fn quit_now(&mut self) -> Vec<Effect> {
        let place = super::place::Place {
            query: self.results.query.clone(),
            sort: super::place::sort_name(self.results.sort).to_string(),
            selected: self.results.selected,
            id: self.current_id(),
        };
        // A place not kept is an inconvenience, never a reason not to quit.
        let _ = super::place::save(&self.matter_dir, &self.reviewer, &place);
        self.quit = true;
        vec![Effect::Quit]
    }

    /// The update.
    pub fn handle(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Action::Response(r) => self.on_response(r),
            Action::Key(k) => self.on_key(k),
        }
    }

    fn on_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if std::mem::take(&mut self.retry_pages) {
            self.results.forget_requests();
        }
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            return self.quit_now();
        }
        if let Some(o) = self.overlay.take() {
            return self.overlay_key(o, k);
        }
        if self.screen == Screen::Search && self.focus == Focus::Query {
            return self.query_key(k);
        }
        match self.keymap.lookup(&k) {
            Some(cmd) => self.command(cmd),
            None => Vec::new(),
        }
    }

    fn query_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        match k.code {
            KeyCode::Enter => {
                self.focus = Focus::List;
                self.run_query()
            }
            KeyCode::Esc | KeyCode::Tab => {
                self.focus = Focus::List;
                if k.code == KeyCode::Esc && self.results.pending() {
                    return self.cancel_search();
                }
                Vec::new()
            }
            KeyCode::Up | KeyCode::Down => {
                self.history_step(k.code == KeyCode::Up);
                Vec::new()
            }
            _ => {
                if self.input.key(&k) == Edit::Changed {
                    self.history_pos = None;
                    self.update_preview();
                }
                Vec::new()
            }
        }
    }

    fn history_step(&mut self, older: bool) {
        if self.history.is_empty() {
            return;
        }
        let n = self.history.len();
        let pos = match (self.history_pos, older) {
            (None, true) => Some(n - 1),
            (None, false) => None,
            (Some(p), true) => Some(p.saturating_sub(1)),
            (Some(p), false) if p + 1 < n => Some(p + 1),
            (Some(_), false) => None,
        };
        self.history_pos = pos;
        let text = pos.map(|p| self.history[p].clone()).unwrap_or_default();
        self.input.set(&text);
        self.update_preview();
    }

    pub fn update_preview(&mut self) {
        let text = self.input.text.clone();
        self.preview = match query::parse(&text) {
            Ok(query::Node::All) => Ok("every conversation".into()),
            Ok(node) => Ok(node.to_string()),
            Err(e) => Err((e.message.clone(), e.column)),
        };
        self.mixed_note = query::mixed_connectors(&text);
    }

    /// Runs the query in the bar (kept in the history).
    fn run_query(&mut self) -> Vec<Effect> {
        self.update_preview();
        let text = self.input.text.trim().to_string();
        if let Err((msg, col)) = &self.preview {
            self.say(format!("query: {msg} (column {col})"), Tone::Error);
            self.focus = Focus::Query;
            return Vec::new();
        }
        if !text.is_empty() && self.history.last() != Some(&text) {
            self.history.push(text.clone());
            let line = serde_json::to_string(&text).unwrap_or_default();
            if let Ok(mut f) = crate::fsutil::open_append_private(&history_path(&self.matter_dir)) {
                use std::io::Write;
                let _ = writeln!(f, "{line}");
            }
        }
        self.history_pos = None;
        // An error about an earlier query must not stay under this one.
        if matches!(self.status, Some((_, Tone::Error))) {
            self.status = None;
        }
        if let Ok(node) = query::parse(&text)
            && let Some(w) = query::warnings(&node, &self.palette, self.journal.state()).first()
        {
            self.say(format!("warning: {w}"), Tone::Info);
        }
        let sort = self.results.sort;
        self.search(&text, sort)
    }

    /// Stops the running search: the worker gives up at its next budget check.
    fn cancel_search(&mut self) -> Vec<Effect> {
        self.results.cancelled = true;
        self.results.error = Some(("search cancelled".to_string(), None));
        self.say("search cancelled", Tone::Info);
        vec![Effect::CancelSearch(self.results.generation)]
    }

    fn search(&mut self, text: &str, sort: SortBy) -> Vec<Effect> {
        let g = self.generation();
        self.results = Results::new(g, text, sort);
        vec![Effect::Request(Request::Search {
            generation: g,
            query: text.to_string(),
            sort,
            offset: 0,
            limit: PAGE,
        })]
    }

    /// Page requests for rows the list needs now.
    pub fn page_effects(&mut self) -> Vec<Effect> {
        let g = self.results.generation;
        let q = self.results.query.clone();
        let sort = self.results.sort;
        self.results
            .wanted(self.list_height)
            .into_iter()
            .map(|offset| {
                Effect::Request(Request::Search {
                    generation: g,
                    query: q.clone(),
                    sort,
                    offset,
                    limit: PAGE,
                })
            })
            .collect()
    }

    fn on_response(&mut self, r: Response) -> Vec<Effect> {
        match r {
            Response::Page {
                generation,
                offset,
                total,
                rows,
                millis,
            } => {
                if generation != self.results.generation {
                    return Vec::new();
                }
                self.results.put(offset, total, rows, millis);
                if !self.results.anchor_pending()
                    && let Some(m) = self.pending_move.take()
                {
                    return match m {
                        PendingMove::Step(d) => self.step_conversation(d),
                        PendingMove::Unreviewed(open) => self.next_unreviewed(open),
                    };
                }
                let mut fx = self.page_effects();
                if let Some(i) = self.open_when_fetched
                    && self.results.selected == i
                    && self.results.row(i).is_some()
                {
                    self.open_when_fetched = None;
                    let screen = self.screen;
                    fx.extend(self.open_selected(screen));
                }
                fx
            }
            Response::Loaded { generation, loaded } => {
                if let Some(rd) = &mut self.reading
                    && rd.generation == generation
                {
                    rd.hit = if loaded.hits.is_empty() {
                        None
                    } else {
                        Some(0)
                    };
                    rd.jump_to_hit = rd.hit.is_some();
                    rd.loaded = Some(loaded);
                }
                Vec::new()
            }
            Response::Ids { generation, ids } => {
                if let Some(Overlay::BulkConfirm {
                    generation: g,
                    ids: slot,
                    count,
                    ..
                }) = &mut self.overlay
                    && *g == generation
                {
                    *count = ids.len() as u64;
                    *slot = Some(ids);
                }
                Vec::new()
            }
            Response::Found {
                generation,
                index,
                scanned,
                open,
            } => {
                if generation != self.results.generation {
                    return Vec::new();
                }
                if index.is_none() && self.results.selected + 1 + scanned < self.results.len() {
                    self.say(
                        format!("no unreviewed conversation in the next {scanned} results (add reviewed:no to the query)"),
                        Tone::Info,
                    );
                    return Vec::new();
                }
                self.jump_to_unreviewed(index, open)
            }
            Response::Stats {
                generation: _,
                stats,
            } => {
                self.stats = Some(stats);
                Vec::new()
            }
            Response::Failed {
                generation,
                what,
                message,
                column,
            } => {
                if generation == self.results.generation && self.results.cancelled {
                    // The answer to a cancel: already said.
                    return Vec::new();
                }
                if generation == self.results.generation {
                    self.results.error = Some((message.clone(), column));
                    // Asked again on the next key, not in a loop.
                    self.retry_pages = true;
                }
                if let Some(rd) = &mut self.reading
                    && rd.generation == generation
                {
                    rd.error = Some(message.clone());
                }
                if let Some(Overlay::BulkConfirm { generation: g, .. }) = &self.overlay
                    && *g == generation
                {
                    self.overlay = None;
                }
                self.say(format!("{what} failed: {message}"), Tone::Error);
                Vec::new()
            }
            Response::ExportProgress { done, total } => {
                if let Some(Overlay::Export(d)) = &mut self.overlay {
                    d.progress = Some((done, total));
                }
                Vec::new()
            }
            Response::ExportDone(result) => {
                self.export_running = false;
                let msg = match &result {
                    Ok(s) => format!(
                        "exported {} conversations to {} (manifest {}…)",
                        s.conversations,
                        s.out.display(),
                        &s.manifest_sha256[..12]
                    ),
                    Err(e) => format!("export failed: {e}"),
                };
                let tone = if result.is_ok() {
                    Tone::Saved
                } else {
                    Tone::Error
                };
                if let Some(Overlay::Export(d)) = &mut self.overlay {
                    d.finished(result.map(|s| *s));
                }
                self.say(msg, tone);
                Vec::new()
            }
        }
    }

    /// The conversation the coding keys act on: the open one, else the selected row.
    pub fn current_id(&self) -> Option<String> {
        match self.screen {
            Screen::Transcript | Screen::Compare => self.reading.as_ref().map(|r| r.id.clone()),
            _ => self.results.selected_row().map(|r| r.id.clone()),
        }
    }

    fn open_selected(&mut self, screen: Screen) -> Vec<Effect> {
        let Some(row) = self.results.selected_row() else {
            return Vec::new();
        };
        let id = row.id.clone();
        self.open(id, screen)
    }

    fn open(&mut self, id: String, screen: Screen) -> Vec<Effect> {
        let g = self.generation();
        self.screen = screen;
        self.reading = Some(Reading {
            id: id.clone(),
            generation: g,
            loaded: None,
            error: None,
            scroll: 0,
            hit: None,
            jump_to_hit: false,
            article: 0,
            span: 0,
            cmp_offset: [0, 0],
            cmp_unlocked: false,
            cmp_pane: 0,
        });
        vec![Effect::Request(Request::Load {
            generation: g,
            id,
            query: self.results.query.clone(),
        })]
    }

    fn command(&mut self, cmd: Cmd) -> Vec<Effect> {
        match cmd {
            Cmd::Quit => self.quit_now(),
            Cmd::Help => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Vec::new()
            }
            Cmd::Back if self.screen == Screen::Search => {
                if self.results.pending() {
                    self.cancel_search()
                } else {
                    // Esc twice from a transcript must not end the session.
                    self.say("q quits", Tone::Info);
                    Vec::new()
                }
            }
            Cmd::Back | Cmd::Close => match self.screen {
                // A search still running is stopped first; the next press quits.
                Screen::Search if self.results.pending() => self.cancel_search(),
                Screen::Search => self.quit_now(),
                Screen::Compare => {
                    self.screen = Screen::Transcript;
                    Vec::new()
                }
                Screen::Transcript | Screen::Progress => {
                    self.screen = Screen::Search;
                    Vec::new()
                }
            },
            Cmd::Search => {
                self.screen = Screen::Search;
                self.focus = Focus::Query;
                self.input.select_all();
                Vec::new()
            }
            Cmd::Progress => {
                self.screen = Screen::Progress;
                let g = self.generation();
                vec![Effect::Request(Request::Stats { generation: g })]
            }
            Cmd::Mouse => {
                self.mouse = !self.mouse;
                let on = if self.mouse {
                    "on (hold Shift to select text)"
                } else {
                    "off"
                };
                self.say(format!("mouse capture {on}"), Tone::Info);
                vec![Effect::Mouse(self.mouse)]
            }
            Cmd::Theme => {
                self.theme = Theme::new(self.theme.name.next(), self.theme.color);
                self.say(format!("theme: {}", self.theme.name.label()), Tone::Info);
                Vec::new()
            }
            Cmd::Sort => {
                let next = match self.results.sort {
                    SortBy::Relevance => SortBy::Date,
                    SortBy::Date => SortBy::DateAsc,
                    SortBy::DateAsc => SortBy::Score,
                    SortBy::Score => SortBy::Relevance,
                };
                let q = self.results.query.clone();
                self.search(&q, next)
            }
            Cmd::Export => {
                if self.export_running {
                    self.say("an export is running", Tone::Info);
                } else {
                    self.overlay = Some(Overlay::Export(Box::new(ExportDialog::new(
                        &self.results.query,
                        self.palette.tags.iter().map(|t| t.name.clone()).collect(),
                    ))));
                }
                Vec::new()
            }
            Cmd::Tag(n) => self.toggle_tag(n),
            Cmd::Note => {
                if let Some(id) = self.current_id() {
                    let note = self.journal.state().note(&id).unwrap_or("").to_string();
                    self.overlay = Some(Overlay::Note {
                        id,
                        area: TextArea::new(&note),
                        discard_armed: false,
                    });
                }
                Vec::new()
            }
            Cmd::Designate => {
                self.next_designation();
                Vec::new()
            }
            Cmd::Details => {
                if self.reading.is_some() && self.screen != Screen::Search {
                    self.overlay = Some(Overlay::Details { scroll: 0 });
                } else {
                    self.say("open a conversation to see its details", Tone::Info);
                }
                Vec::new()
            }
            Cmd::Undo => {
                self.undo();
                Vec::new()
            }
            Cmd::Repeat => {
                self.repeat();
                Vec::new()
            }
            Cmd::BulkTag => {
                if self.results.is_empty() {
                    self.say("no results to tag", Tone::Info);
                } else {
                    self.overlay = Some(Overlay::BulkPick);
                }
                Vec::new()
            }
            _ => match self.screen {
                Screen::Search => self.list_command(cmd),
                Screen::Transcript => self.transcript_command(cmd),
                Screen::Compare => self.compare_command(cmd),
                Screen::Progress => Vec::new(),
            },
        }
    }

    fn list_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let h = self.list_height.max(1);
        match cmd {
            Cmd::Up => self.results.move_by(-1, h),
            Cmd::Down => self.results.move_by(1, h),
            Cmd::PageUp => self.results.move_by(-(h as isize), h),
            Cmd::PageDown => self.results.move_by(h as isize, h),
            Cmd::Top => self.results.select(0, h),
            Cmd::Bottom => self.results.select(self.results.len().saturating_sub(1), h),
            Cmd::Open => return self.open_selected(Screen::Transcript),
            Cmd::Compare => return self.open_selected(Screen::Compare),
            Cmd::NextPane => self.focus = Focus::Query,
            Cmd::NextUnreviewed => return self.next_unreviewed(false),
            _ => {}
        }
        self.page_effects()
    }

    /// Before leaving a conversation that holds a tag requiring a note it lacks, the note
    /// editor opens, once: asked and declined, the next move goes ahead.
    fn ask_for_required_note(&mut self) -> bool {
        if self.screen == Screen::Search {
            return false;
        }
        let Some(id) = self.reading.as_ref().map(|r| r.id.clone()) else {
            return false;
        };
        let missing = self.palette.missing_note(self.journal.state().get(&id));
        if missing.is_empty() || self.note_asked.as_deref() == Some(id.as_str()) {
            return false;
        }
        self.note_asked = Some(id.clone());
        self.say(
            format!(
                "{} requires a note: write it (Ctrl-S saves), or Esc and move on again without",
                missing.join(", ")
            ),
            Tone::Info,
        );
        self.overlay = Some(Overlay::Note {
            id,
            area: TextArea::new(""),
            discard_armed: false,
        });
        true
    }

    fn step_conversation(&mut self, delta: isize) -> Vec<Effect> {
        if self.ask_for_required_note() {
            return Vec::new();
        }
        if self.results.anchor_pending() {
            // The list is being refetched after coding: move once it says where we are.
            self.pending_move = Some(PendingMove::Step(delta));
            self.say("loading the results…", Tone::Info);
            return self.page_effects();
        }
        if delta > 0 && self.results.take_on_follower() {
            // The conversation just coded left the list; the selection is already the next.
            let mut fx = self.page_effects();
            let screen = self.screen;
            fx.extend(self.open_selected(screen));
            return fx;
        }
        let before = self.results.selected;
        self.results.move_by(delta, self.list_height.max(1));
        if self.results.selected == before {
            self.say(
                if delta > 0 {
                    "last conversation of the results"
                } else {
                    "first conversation of the results"
                },
                Tone::Info,
            );
            return Vec::new();
        }
        let mut fx = self.page_effects();
        if self.results.selected_row().is_some() {
            let screen = self.screen;
            fx.extend(self.open_selected(screen));
        } else {
            self.say("loading the next page of results…", Tone::Info);
        }
        fx
    }

    /// Selects (and while reading, opens) the next conversation without tags among the rows
    /// fetched so far.
    fn next_unreviewed(&mut self, open: bool) -> Vec<Effect> {
        if open && self.ask_for_required_note() {
            return Vec::new();
        }
        if self.results.anchor_pending() {
            self.pending_move = Some(PendingMove::Unreviewed(open));
            self.say("loading the results…", Tone::Info);
            return self.page_effects();
        }
        // After the coded conversation left the list, the selection is the row after it.
        let start = if self.results.take_on_follower() {
            self.results.selected
        } else {
            self.results.selected + 1
        };
        let st = self.journal.state();
        let fetched_to = (start..self.results.len())
            .find(|&i| self.results.row(i).is_none())
            .unwrap_or(self.results.len());
        let found = (start..fetched_to).find(|&i| {
            self.results
                .row(i)
                .is_some_and(|r| !st.get(&r.id).is_some_and(|c| c.reviewed()))
        });
        if found.is_none() && fetched_to < self.results.len() {
            // Beyond the fetched rows: the worker looks, page by page.
            self.say("looking for the next unreviewed conversation…", Tone::Info);
            return vec![Effect::Request(Request::FindUnreviewed {
                generation: self.results.generation,
                query: self.results.query.clone(),
                sort: self.results.sort,
                from: fetched_to,
                open,
            })];
        }
        self.jump_to_unreviewed(found, open)
    }

    fn jump_to_unreviewed(&mut self, found: Option<usize>, open: bool) -> Vec<Effect> {
        match found {
            Some(i) => {
                self.results.select(i, self.list_height.max(1));
                let mut fx = self.page_effects();
                if open {
                    if self.results.row(i).is_some() {
                        let screen = self.screen;
                        fx.extend(self.open_selected(screen));
                    } else {
                        self.open_when_fetched = Some(i);
                    }
                }
                fx
            }
            None => {
                self.say(
                    "no unreviewed conversation below this one in the results",
                    Tone::Info,
                );
                self.page_effects()
            }
        }
    }

    fn transcript_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let page = self.page_height.max(1);
        let Some(rd) = self.reading.as_mut() else {
            return Vec::new();
        };
        let hits = rd.loaded.as_ref().map(|l| hit_count(l)).unwrap_or(0);
        match cmd {
            Cmd::Up => rd.scroll = rd.scroll.saturating_sub(1),
            Cmd::Down => rd.scroll += 1,
            Cmd::PageUp => rd.scroll = rd.scroll.saturating_sub(page),
            Cmd::PageDown => rd.scroll += page,
            Cmd::Top => rd.scroll = 0,
            Cmd::Bottom => rd.scroll = usize::MAX / 2,
            Cmd::NextPane => self.show_details = !self.show_details,
            Cmd::NextHit | Cmd::PrevHit => {
                if hits == 0 {
                    self.say("no hits of the query in this conversation", Tone::Info);
                    return Vec::new();
                }
                let next = match (rd.hit, cmd == Cmd::NextHit) {
                    (None, true) => 0,
                    (None, false) => hits - 1,
                    (Some(h), true) => (h + 1) % hits,
                    (Some(h), false) => (h + hits - 1) % hits,
                };
                rd.hit = Some(next);
                rd.jump_to_hit = true;
            }
            Cmd::NextConv => return self.step_conversation(1),
            Cmd::PrevConv => return self.step_conversation(-1),
            Cmd::NextUnreviewed => return self.next_unreviewed(true),
            Cmd::Compare => {
                if rd.loaded.as_ref().is_some_and(|l| l.findings.is_empty()) {
                    self.say("no findings in this conversation to compare", Tone::Info);
                } else {
                    self.screen = Screen::Compare;
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn compare_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let Some(rd) = self.reading.as_mut() else {
            return Vec::new();
        };
        let Some(l) = rd.loaded.as_ref() else {
            return Vec::new();
        };
        let articles = l.findings.len();
        if articles == 0 {
            return Vec::new();
        }
        let spans = l
            .findings
            .get(rd.article)
            .map(|f| f.spans.len())
            .unwrap_or(0)
            .max(1);
        let page = self.page_height.max(1) as isize;
        // Scrolling moves both panes while they are locked to the span, else the chosen one.
        let mut scroll = |by: isize| {
            if rd.cmp_unlocked {
                rd.cmp_offset[rd.cmp_pane] = rd.cmp_offset[rd.cmp_pane].saturating_add(by);
            } else {
                for o in &mut rd.cmp_offset {
                    *o = o.saturating_add(by);
                }
            }
        };
        match cmd {
            Cmd::Down => scroll(1),
            Cmd::Up => scroll(-1),
            Cmd::PageDown => scroll(page),
            Cmd::PageUp => scroll(-page),
            Cmd::Top => scroll(isize::MIN / 2),
            Cmd::Bottom => scroll(isize::MAX / 2),
            Cmd::NextHit | Cmd::PrevHit => {
                rd.span = if cmd == Cmd::NextHit {
                    (rd.span + 1) % spans
                } else {
                    (rd.span + spans - 1) % spans
                };
                rd.cmp_offset = [0, 0];
            }
            Cmd::NextArticle | Cmd::PrevArticle => {
                rd.article = if cmd == Cmd::NextArticle {
                    (rd.article + 1) % articles
                } else {
                    (rd.article + articles - 1) % articles
                };
                rd.span = 0;
                rd.cmp_offset = [0, 0];
            }
            Cmd::Lock => {
                rd.cmp_unlocked = !rd.cmp_unlocked;
                if !rd.cmp_unlocked {
                    rd.cmp_offset = [0, 0];
                }
                let what = if rd.cmp_unlocked {
                    "panes unlocked: j/k scroll one pane, Tab switches it, L locks again"
                } else {
                    "panes locked to the span"
                };
                self.say(what, Tone::Info);
            }
            Cmd::NextPane if rd.cmp_unlocked => rd.cmp_pane = 1 - rd.cmp_pane.min(1),
            Cmd::Compare | Cmd::Open => self.screen = Screen::Transcript,
            Cmd::NextConv => return self.step_conversation(1),
            Cmd::PrevConv => return self.step_conversation(-1),
            Cmd::NextUnreviewed => return self.next_unreviewed(true),
            _ => {}
        }
        Vec::new()
    }

    /// Appends coding events; reports them saved (they are fsynced when this returns) and
    /// writes them to the audit trail.
    fn code(&mut self, drafts: Vec<Draft>) -> Option<Vec<Event>> {
        let reviewer = self.reviewer.clone();
        match self.journal.append(&reviewer, move |_| Ok(drafts)) {
            Ok(events) => {
                if self.results_follow_review() {
                    // The set itself changed (e.g. reviewed:no): fetch the rows again, keeping
                    // the reviewer's place by id, not by row number.
                    let current = self.current_id();
                    self.results.invalidate_after_coding(current);
                }
                for e in &events {
                    let mut data = crate::audit::reconcile::coding_data(e, false);
                    data["via"] = json!("review");
                    if let Err(err) =
                        crate::audit::append(&self.matter_dir, &reviewer, e.action.as_str(), data)
                    {
                        // Saved in the journal; the next open reconciles the trail.
                        self.say(format!("saved, but not audited yet: {err:#}"), Tone::Error);
                    }
                }
                Some(events)
            }
            Err(e) => {
                self.say(format!("not saved: {e:#}"), Tone::Error);
                None
            }
        }
    }

    /// Whether the current results depend on coding (tag:, reviewed:, reviewer:, note:).
    fn results_follow_review(&self) -> bool {
        fn reads_review(n: &query::Node) -> bool {
            use query::{Filter, Node};
            match n {
                Node::And(xs) | Node::Or(xs) => xs.iter().any(reads_review),
                Node::Not(x) => reads_review(x),
                Node::Near { left, right, .. } => reads_review(left) || reads_review(right),
                Node::Filter(
                    Filter::Tag(_)
                    | Filter::Reviewed(_)
                    | Filter::Reviewer(_)
                    | Filter::NoteWord(_)
                    | Filter::Designation(_),
                ) => true,
                _ => false,
            }
        }
        query::parse(&self.results.query).is_ok_and(|n| reads_review(&n))
    }

    fn toggle_tag(&mut self, n: u8) -> Vec<Effect> {
        let Some(tag) = self.palette.by_key(n).map(|t| t.name.clone()) else {
            self.say(format!("no tag on key {n} (see config.toml)"), Tone::Info);
            return Vec::new();
        };
        let Some(id) = self.current_id() else {
            return Vec::new();
        };
        let add = !self.journal.state().has_tag(&id, &tag);
        let saved = self.apply_tag(&id, &tag, add);
        let call = saved && add && self.palette.group_of(&tag).is_some();
        if call && self.auto_advance && self.screen != Screen::Search {
            return self.step_conversation(1);
        }
        Vec::new()
    }

    /// Applies or removes a tag; whether it was saved.
    fn apply_tag(&mut self, id: &str, tag: &str, add: bool) -> bool {
        let action = if add { Coding::Tag } else { Coding::Untag };
        // A call replaces the rest of its exclusive group, in the same event.
        let replaced: Vec<String> = if add {
            self.palette
                .rivals(tag)
                .into_iter()
                .filter(|r| self.journal.state().has_tag(id, r))
                .collect()
        } else {
            Vec::new()
        };
        if let Some(ev) = self.code(vec![Draft {
            conversations: vec![id.to_string()],
            action,
            value: json!(tag),
            replaces: if add {
                self.palette.rivals(tag)
            } else {
                Vec::new()
            },
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            let sign = if add { "+" } else { "-" };
            let also = if replaced.is_empty() {
                String::new()
            } else {
                format!(" (replaces {})", replaced.join(", "))
            };
            self.say(
                format!("saved #{seq}: {sign}{tag} on {id}{also}"),
                Tone::Saved,
            );
            self.last_coding = Some(LastCoding::Tag {
                tag: tag.to_string(),
                add,
            });
            return true;
        }
        false
    }

    /// Steps the conversation's own designation through the matter's list, then back to none
    /// (the matter's default applies again). One journal event each, undoable.
    fn next_designation(&mut self) {
        let Some(id) = self.current_id() else {
            return;
        };
        let own = self
            .journal
            .state()
            .get(&id)
            .and_then(|c| c.designation.clone());
        let next = match own.and_then(|d| self.designations.iter().position(|x| *x == d)) {
            Some(i) => self.designations.get(i + 1).cloned(),
            None => self.designations.first().cloned(),
        };
        if let Some(ev) = self.code(vec![Draft {
            conversations: vec![id.clone()],
            action: Coding::Designate,
            value: json!(next.clone().unwrap_or_default()),
            replaces: Vec::new(),
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            let what = next.unwrap_or_else(|| "none of its own (the matter's applies)".into());
            self.say(
                format!("saved #{seq}: designation {what} on {id}"),
                Tone::Saved,
            );
        }
    }

    fn save_note(&mut self, id: &str, text: &str) {
        let old = self.journal.state().note(id).unwrap_or("").to_string();
        if old == text {
            self.say("note unchanged", Tone::Info);
            return;
        }
        if let Some(ev) = self.code(vec![Draft {
            conversations: vec![id.to_string()],
            action: Coding::Note,
            value: json!(text),
            replaces: Vec::new(),
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            self.say(format!("saved #{seq}: note on {id}"), Tone::Saved);
            self.last_coding = Some(LastCoding::Note(text.to_string()));
        }
    }

    fn undo(&mut self) {
        let target =
            crate::review::last_undoable(&self.journal.state().events, &self.reviewer).cloned();
        let Some(target) = target else {
            self.say(format!("{} has nothing to undo", self.reviewer), Tone::Info);
            return;
        };
        if let Some(ev) = self.code(vec![Draft {
            conversations: target.targets().map(String::from).collect(),
            action: Coding::Undo,
            value: json!(target.seq),
            replaces: Vec::new(),
        }]) {
            let seq = ev.last().map(|e| e.seq).unwrap_or(0);
            let what = match target.action {
                Coding::Tag | Coding::Untag => format!(
                    "{} {}",
                    target.action.as_str(),
                    target.value.as_str().unwrap_or("")
                ),
                other => other.as_str().to_string(),
            };
            let targets: Vec<&str> = target.targets().collect();
            let what = match targets.as_slice() {
                [one] => format!("{what} on {}", crate::textfmt::visible(one)),
                many => format!("{what} on {} conversations", many.len()),
            };
            let left = self.journal.state().conflicts(seq);
            match left.first() {
                None => self.say(
                    format!("saved #{seq}: undid #{} ({what})", target.seq),
                    Tone::Saved,
                ),
                Some(first) => {
                    let more = match left.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    self.say(
                        format!(
                            "saved #{seq}: undid #{} ({what}); {first}{more}",
                            target.seq
                        ),
                        Tone::Error,
                    )
                }
            }
        }
    }

    fn repeat(&mut self) {
        let Some(id) = self.current_id() else {
            return;
        };
        match self.last_coding.clone() {
            None => self.say("nothing to repeat yet", Tone::Info),
            Some(LastCoding::Tag { tag, add }) => {
                if self.journal.state().has_tag(&id, &tag) == add {
                    let state = if add { "already has" } else { "does not have" };
                    self.say(format!("{id} {state} {tag}"), Tone::Info);
                } else {
                    self.apply_tag(&id, &tag, add);
                }
            }
            Some(LastCoding::Note(text)) => self.save_note(&id, &text),
        }
    }

    /// A scrolling overlay's new position for a scroll key; `None`: any other key closes it.
    fn scrolled(&self, k: &KeyEvent, scroll: usize) -> Option<usize> {
        match self.keymap.lookup(k) {
            Some(Cmd::Down) => Some(scroll + 1),
            Some(Cmd::Up) => Some(scroll.saturating_sub(1)),
            Some(Cmd::PageDown) => Some(scroll + 10),
            Some(Cmd::PageUp) => Some(scroll.saturating_sub(10)),
            _ => None,
        }
    }

    fn overlay_key(&mut self, o: Overlay, k: KeyEvent) -> Vec<Effect> {
        match o {
            Overlay::Help { scroll } => {
                if let Some(scroll) = self.scrolled(&k, scroll) {
                    self.overlay = Some(Overlay::Help { scroll });
                }
                Vec::new()
            }
            Overlay::Details { scroll } => {
                if let Some(scroll) = self.scrolled(&k, scroll) {
                    self.overlay = Some(Overlay::Details { scroll });
                }
                Vec::new()
            }
            Overlay::Note {
                id,
                mut area,
                discard_armed,
            } => {
                let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
                let saved = self.journal.state().note(&id).unwrap_or("").to_string();
                let edited = area.text().trim_end() != saved.trim_end();
                match k.code {
                    KeyCode::Char('s') if ctrl => self.save_note(&id, area.text().trim_end()),
                    // Typed text is never thrown away by one key.
                    KeyCode::Esc if edited && !discard_armed => {
                        self.say(
                            "the note is edited: Esc again discards it, Ctrl-S saves",
                            Tone::Info,
                        );
                        self.overlay = Some(Overlay::Note {
                            id,
                            area,
                            discard_armed: true,
                        });
                    }
                    KeyCode::Esc if edited => self.say("edited note discarded", Tone::Info),
                    KeyCode::Esc => self.say("note not changed", Tone::Info),
                    _ => {
                        area.key(&k);
                        self.overlay = Some(Overlay::Note {
                            id,
                            area,
                            discard_armed: false,
                        });
                    }
                }
                Vec::new()
            }
            Overlay::BulkPick => {
                let digit = match k.code {
                    KeyCode::Char(c) => c.to_digit(10),
                    _ => None,
                };
                let Some(tag) = digit
                    .and_then(|d| self.palette.by_key(d as u8))
                    .map(|t| t.name.clone())
                else {
                    if k.code != KeyCode::Esc {
                        self.say("bulk tag cancelled (press a palette digit)", Tone::Info);
                    }
                    return Vec::new();
                };
                let g = self.generation();
                self.overlay = Some(Overlay::BulkConfirm {
                    tag,
                    count: self.results.len() as u64,
                    ids: None,
                    generation: g,
                });
                vec![Effect::Request(Request::Ids {
                    generation: g,
                    query: self.results.query.clone(),
                })]
            }
            Overlay::BulkConfirm {
                tag,
                count,
                ids,
                generation,
            } => match (k.code, ids) {
                (KeyCode::Char('y') | KeyCode::Char('Y'), Some(ids)) => {
                    let replaces = self.palette.rivals(&tag);
                    if let Some(ev) = self.code(vec![Draft {
                        conversations: ids,
                        action: Coding::Tag,
                        value: json!(tag),
                        replaces,
                    }]) {
                        let seq = ev.last().map(|e| e.seq).unwrap_or(0);
                        self.say(
                            format!("saved #{seq}: +{tag} on {count} conversations"),
                            Tone::Saved,
                        );
                        self.last_coding = Some(LastCoding::Tag { tag, add: true });
                    }
                    Vec::new()
                }
                (KeyCode::Char('y') | KeyCode::Char('Y'), None) => {
                    // Still counting: keep asking.
                    self.overlay = Some(Overlay::BulkConfirm {
                        tag,
                        count,
                        ids: None,
                        generation,
                    });
                    Vec::new()
                }
                _ => {
                    self.say("bulk tag cancelled; nothing changed", Tone::Info);
                    Vec::new()
                }
            },
            Overlay::Export(mut d) => {
                let running = self.export_running;
                let out = d.key(&k, running);
                match out {
                    super::export_dialog::Outcome::Stay => {
                        self.overlay = Some(Overlay::Export(d));
                        Vec::new()
                    }
                    super::export_dialog::Outcome::Close => Vec::new(),
                    super::export_dialog::Outcome::Cancel => {
                        self.overlay = Some(Overlay::Export(d));
                        vec![Effect::CancelExport]
                    }
                    super::export_dialog::Outcome::Start => match d.request(&self.reviewer) {
                        Ok(req) => {
                            self.export_running = true;
                            self.overlay = Some(Overlay::Export(d));
                            vec![Effect::Export(req)]
                        }
                        Err(e) => {
                            d.error = Some(e);
                            self.overlay = Some(Overlay::Export(d));
                            Vec::new()
                        }
                    },
                }
            }
        }
    }
}

/// Number of hits in a loaded transcript.
pub fn hit_count(l: &Loaded) -> usize {
    l.hits.iter().map(|h| h.ranges.len()).sum()
}
