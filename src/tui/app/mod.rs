//! The state of the review interface and its update: `App::handle` takes an action (a key, a
//! worker's answer, a resize) and returns the work to start. Drawing only reads this state.

use std::path::{Path, PathBuf};

use anyhow::Result;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::export_dialog::ExportDialog;
use super::keymap::{Cmd, KeyMap};
use super::results::Results;
use super::textarea::TextArea;
use super::theme::Theme;
use super::worker::{FindingStats, Request, Response};
use crate::export::ExportRequest;
use crate::review::{Journal, Palette};
use crate::search::SortBy;

mod blind;
mod coding;
mod dialogs;
mod groups;
mod progress;
mod query_bar;
mod queue;
mod reading;
mod responses;
mod search;

pub use blind::Blind;
pub use dialogs::Overlay;
pub use groups::GroupOffer;
pub use progress::ProgressScope;
pub use query_bar::QueryBar;
pub use reading::{ReadOutcome, Reading, hit_count};
pub use search::saved_queries;

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

/// Input to the state update.
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

pub struct App {
    pub matter_dir: PathBuf,
    pub matter_name: String,
    pub reviewer: String,
    pub journal: Journal,
    /// The journal is still being replayed (a large matter's takes seconds): tags are not yet
    /// shown and coding waits for it.
    pub journal_loading: bool,
    pub palette: Palette,
    /// The designations a conversation may be coded with (the matter's `config.toml`).
    pub designations: Vec<String>,
    /// The conversation whose missing required note was already asked for: moving on again
    /// goes ahead.
    note_asked: Option<String>,
    /// After a call (a tag of an exclusive group) while reading, open the next conversation
    /// (`auto_advance` in tui.toml; off by default).
    pub auto_advance: bool,
    /// How queries typed here are read (the reviewer's dialect, the matter's text mode).
    pub query_options: crate::query::QueryOptions,
    /// The batch this interface opened on (`review --batch`): its id and conversations.
    pub batch: Option<(String, Vec<String>)>,
    pub keymap: KeyMap,
    pub theme: Theme,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub focus: Focus,
    pub query: QueryBar,
    pub results: Results,
    pub reading: Option<Reading>,
    /// A blind review of a sample (`review --sample NAME`).
    pub blind: Option<Blind>,
    pub last_coding: Option<LastCoding>,
    pub status: Option<(String, Tone)>,
    pub mouse: bool,
    /// Whether the details (tags, note, palette, articles) are shown beside a transcript.
    pub show_details: bool,
    /// The progress screen's counts, over `progress_scope`, from request `stats_generation`.
    pub stats: Option<FindingStats>,
    pub progress_scope: ProgressScope,
    stats_generation: u64,
    pub total_conversations: u64,
    pub export_running: bool,
    /// Ctrl-C stopped an export: the next Ctrl-C quits.
    ctrl_c_armed: bool,
    /// A page request failed: ask again on the next key.
    retry_pages: bool,
    /// Open this result as soon as its page arrives (the next unreviewed, found far ahead).
    open_when_fetched: Option<usize>,
    /// A move asked for while the list was being refetched after coding.
    pending_move: Option<queue::PendingMove>,
    next_generation: u64,
    /// Rows the list shows and lines the transcript shows (from the last draw).
    pub list_height: usize,
    pub page_height: usize,
    pub size: (u16, u16),
    pub quit: bool,
    /// The matter's near-duplicate groups (read again when rebuilt).
    groups: crate::groups::place::Cache,
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
        Self::with_journal(
            matter_dir,
            reviewer,
            keymap,
            theme,
            total_conversations,
            journal,
        )
    }

    /// [`App::new`] with the matter's journal already replayed (a copy of the worker's).
    pub fn with_journal(
        matter_dir: &Path,
        reviewer: &str,
        keymap: KeyMap,
        theme: Theme,
        total_conversations: u64,
        journal: Journal,
    ) -> Result<App> {
        let palette = Palette::load(matter_dir)?;
        let matter_name = matter_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| matter_dir.display().to_string());
        Ok(App {
            matter_dir: matter_dir.to_path_buf(),
            matter_name,
            reviewer: reviewer.to_string(),
            journal,
            journal_loading: false,
            palette,
            designations: crate::review::designation::list(matter_dir)?,
            note_asked: None,
            auto_advance: false,
            query_options: Default::default(),
            batch: None,
            keymap,
            theme,
            screen: Screen::Search,
            overlay: None,
            // The result list first: `?` and `q` work at once; `/` goes to the query.
            focus: Focus::List,
            query: QueryBar::new(Some(matter_dir)),
            results: Results::new(0, "", SortBy::Relevance),
            reading: None,
            blind: None,
            last_coding: None,
            status: None,
            mouse: false,
            show_details: true,
            stats: None,
            progress_scope: ProgressScope::Results,
            stats_generation: 0,
            total_conversations,
            export_running: false,
            ctrl_c_armed: false,
            retry_pages: false,
            open_when_fetched: None,
            pending_move: None,
            next_generation: 1,
            list_height: 10,
            page_height: 10,
            size: (80, 24),
            quit: false,
            groups: Default::default(),
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
        self.query.set(&place.query);
        self.results.sort = SortBy::parse(&place.sort).unwrap_or(self.results.sort);
        let fx = self.run_query();
        if self.results.query == place.query {
            self.results.restore(place.selected, place.id);
        }
        fx
    }

    /// Opens on a batch: its conversations as the queue, its progress said.
    pub fn start_batch(&mut self, batch: &str) -> Vec<Effect> {
        let q = format!("batch:{batch}");
        if let Ok(b) = crate::review::batches::find(&self.matter_dir, batch) {
            self.batch = Some((b.id.clone(), b.ids.clone()));
            let st = self.journal.state();
            let coded = b
                .ids
                .iter()
                .filter(|id| st.get(id).is_some_and(|c| c.reviewed()))
                .count();
            self.say(
                format!(
                    "batch {batch}: {coded} of {} coded (batch:{batch} AND reviewed:no for the rest)",
                    b.ids.len()
                ),
                Tone::Info,
            );
        }
        self.query.set(&q);
        self.run_query()
    }

    /// Quits, keeping this reviewer's place for the next start.
    fn quit_now(&mut self) -> Vec<Effect> {
        if self.blind.is_some() {
            // A blind review's place is the sample itself (the first member not coded).
            self.quit = true;
            return vec![Effect::Quit];
        }
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

    /// Ctrl-C stops a running export first (nothing of it is left on disk) and says so; pressed
    /// again, or with no export running, it quits.
    fn ctrl_c(&mut self) -> Vec<Effect> {
        if !self.export_running || self.ctrl_c_armed {
            return self.quit_now();
        }
        self.ctrl_c_armed = true;
        if let Some(Overlay::Export(d)) = &mut self.overlay {
            d.interrupted = true;
        }
        self.say(
            "Ctrl-C: stopping the export; nothing of it is kept. Ctrl-C again quits",
            Tone::Info,
        );
        vec![Effect::CancelExport]
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
            return self.ctrl_c();
        }
        self.ctrl_c_armed = false;
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
        self.reading = Some(Reading::new(id.clone(), g));
        vec![Effect::Request(Request::Load {
            generation: g,
            id,
            query: self.results.query.clone(),
        })]
    }

    fn command(&mut self, cmd: Cmd) -> Vec<Effect> {
        if self.blind_refuses(cmd) {
            return Vec::new();
        }
        if self.journal_loading
            && matches!(
                cmd,
                Cmd::Tag(_) | Cmd::Note | Cmd::Designate | Cmd::Undo | Cmd::Repeat | Cmd::BulkTag
            )
        {
            self.say(
                format!(
                    "{}: coding waits until it is read…",
                    responses::JOURNAL_LOADING
                ),
                Tone::Info,
            );
            return Vec::new();
        }
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
                self.query.input.select_all();
                Vec::new()
            }
            Cmd::Progress => self.open_progress(),
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
            Cmd::Saved => {
                self.open_saved();
                Vec::new()
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
                    let mut dialog = ExportDialog::new(
                        &self.results.query,
                        self.palette.tags.iter().map(|t| t.name.clone()).collect(),
                        self.designations.clone(),
                        super::export_dialog::recall(&self.matter_dir, &self.reviewer),
                    );
                    dialog.syntax = self.query_options.dialect;
                    self.overlay = Some(Overlay::Export(Box::new(dialog)));
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
            Cmd::Fold => self.toggle_fold(),
            Cmd::GroupList => self.list_group(),
            Cmd::Family => self.list_family(),
            Cmd::Diff => {
                match self
                    .reading
                    .as_mut()
                    .filter(|_| self.screen != Screen::Search)
                {
                    Some(rd) if rd.loaded.as_ref().is_some_and(|l| l.diff.is_some()) => {
                        rd.show_diff = !rd.show_diff;
                        let on = rd.show_diff;
                        self.say(
                            if on {
                                "words that differ from the principal are marked"
                            } else {
                                "differences from the principal not marked"
                            },
                            Tone::Info,
                        );
                    }
                    _ => self.say(
                        "not a near-duplicate: nothing to compare with a principal",
                        Tone::Info,
                    ),
                }
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
                Screen::Transcript | Screen::Compare => self.reading_command(cmd),
                Screen::Progress => self.progress_command(cmd),
            },
        }
    }

    /// A key on the transcript or the compare view.
    fn reading_command(&mut self, cmd: Cmd) -> Vec<Effect> {
        let page = self.page_height;
        let compare = self.screen == Screen::Compare;
        let Some(rd) = self.reading.as_mut() else {
            return Vec::new();
        };
        let outcome = if compare {
            rd.compare(cmd, page)
        } else {
            rd.transcript(cmd, page)
        };
        match outcome {
            ReadOutcome::Nothing => {}
            ReadOutcome::Say(what) => self.say(what, Tone::Info),
            ReadOutcome::ToggleDetails => self.show_details = !self.show_details,
            ReadOutcome::ToTranscript => self.screen = Screen::Transcript,
            ReadOutcome::ToCompare => self.screen = Screen::Compare,
            ReadOutcome::Step(d) => return self.step_conversation(d),
            ReadOutcome::NextUnreviewed => return self.next_unreviewed(true),
        }
        Vec::new()
    }
}
