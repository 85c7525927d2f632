//! The review interface's state update, driven the way the event loop drives it: keys go to
//! `App::handle`, the requests it returns are served by the real worker core against a real
//! demo matter, and the answers go back in. Snapshots draw each screen on a `TestBackend`.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use verbatim::search::SortBy;
use verbatim::tui::app::{Action, App, Effect, Focus, Overlay, Screen};
use verbatim::tui::keymap::KeyMap;
use verbatim::tui::theme::{Theme, ThemeName};
use verbatim::tui::worker::{Core, Response};

struct Rig {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    core: Core,
    app: App,
}

fn rig_with(color: bool) -> Rig {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    verbatim::demo::build(&dir, &mut verbatim::progress::Silent).unwrap();
    rig_on(tmp, dir, color)
}

/// The interface over the matter at `dir` (inside `tmp`).
/// A matter `m` under `tmp` with the conversations of file `f` imported.
fn matter_of_file(tmp: &std::path::Path, f: PathBuf) -> PathBuf {
    let dir = tmp.join("m");
    let mut matter = verbatim::matter::Matter::open_or_create(&dir).unwrap();
    verbatim::import::import(
        &mut matter,
        &[verbatim::import::Input::File(f)],
        &verbatim::import::ImportOptions::default(),
        &mut verbatim::progress::Silent,
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap();
    dir
}

fn rig_on(tmp: tempfile::TempDir, dir: PathBuf, color: bool) -> Rig {
    let core = Core::open(&dir, "ann").unwrap();
    let app = App::new(
        &dir,
        "ann",
        KeyMap::defaults(),
        Theme::new(ThemeName::Dark, color),
        core.num_docs(),
    )
    .unwrap();
    let mut r = Rig {
        _tmp: tmp,
        dir,
        core,
        app,
    };
    let fx = r.app.start();
    r.pump(fx);
    r
}

fn rig() -> Rig {
    rig_with(false)
}

fn key(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Action {
    Action::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

impl Rig {
    /// Serves the requests as the workers would, feeding answers back until none are left.
    fn pump(&mut self, mut fx: Vec<Effect>) {
        // As the event loop does after every frame: rows the list needs now.
        fx.extend(self.app.page_effects());
        let mut rounds = 0;
        while !fx.is_empty() {
            rounds += 1;
            assert!(rounds < 100, "requests never settle");
            let mut next = Vec::new();
            for e in fx {
                match e {
                    Effect::Request(r) => {
                        if let verbatim::tui::worker::Request::Search { generation, .. } = &r {
                            self.core.searches.started(*generation);
                        }
                        let resp = self.core.serve(r);
                        next.extend(self.app.handle(Action::Response(resp)));
                    }
                    Effect::Export(req) => {
                        let index =
                            verbatim::index::ConvIndex::open(&self.dir.join("index")).unwrap();
                        let findings = verbatim::detect::FindingsIndex::load(&self.dir).unwrap();
                        let inputs = verbatim::export::Inputs {
                            matter_dir: &self.dir,
                            index: &index,
                            review: self.app.journal.state(),
                            findings: &findings,
                        };
                        let res = verbatim::export::run(
                            &inputs,
                            &req,
                            &mut verbatim::progress::Silent,
                            &std::sync::atomic::AtomicBool::new(false),
                        )
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                        next.extend(self.app.handle(Action::Response(Response::ExportDone(res))));
                    }
                    Effect::CancelSearch(g) => self.core.searches.cancel(g),
                    Effect::CancelExport | Effect::Mouse(_) | Effect::Quit => {}
                }
            }
            next.extend(self.app.page_effects());
            fx = next;
        }
    }

    fn press(&mut self, a: Action) {
        let fx = self.app.handle(a);
        self.pump(fx);
    }

    fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.press(key(c));
        }
    }

    fn search(&mut self, q: &str) {
        let (fx, _) = self.start_search(q);
        self.pump(fx);
    }

    /// Types a query and presses Enter, but leaves its requests unserved (a search still
    /// running): returns them and the search's generation.
    fn start_search(&mut self, q: &str) -> (Vec<Effect>, u64) {
        if self.app.focus != Focus::Query {
            self.press(key('/'));
        }
        self.press(Action::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
        self.keys(q);
        let fx = self.app.handle(code(KeyCode::Enter));
        (fx, self.app.results.generation)
    }

    fn draw(&mut self, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| verbatim::tui::view::draw(f, &mut self.app))
            .unwrap();
        t
    }

    fn core_index(&self) -> verbatim::index::ConvIndex {
        verbatim::index::ConvIndex::open(&self.dir.join("index")).unwrap()
    }

    fn text(&mut self, w: u16, h: u16) -> String {
        self.draw(w, h).backend().to_string()
    }
}

#[test]
fn starts_on_every_conversation_and_searches() {
    let mut r = rig();
    assert_eq!(r.app.results.total, Some(300));
    // The result list has the focus: `?` opens the help instead of being typed.
    assert_eq!(r.app.focus, Focus::List);
    r.press(key('?'));
    assert!(matches!(r.app.overlay, Some(Overlay::Help { .. })));
    r.press(code(KeyCode::Esc));
    r.search("assistant:\"according to\"");
    assert_eq!(r.app.focus, Focus::List);
    let n = r.app.results.total.unwrap();
    assert!(n > 5 && n < 300, "{n}");
    assert_eq!(
        r.app.query.history.last().unwrap(),
        "assistant:\"according to\""
    );
    // The history is kept in the matter.
    let kept = std::fs::read_to_string(r.dir.join("query-history.jsonl")).unwrap();
    assert!(kept.contains("according to"));
    // `/` selects the old query: typing replaces it, a movement keeps it.
    r.press(key('/'));
    assert_eq!(r.app.focus, Focus::Query);
    assert!(r.app.query.input.selected);
    r.press(key('x'));
    assert_eq!(r.app.query.input.text, "x");
    r.press(code(KeyCode::Esc));
    r.press(key('/'));
    r.press(code(KeyCode::Left));
    r.press(key('y'));
    assert_eq!(r.app.query.input.text, "yx");
    // Esc, however often, goes back and never quits; q at the top quits.
    r.press(code(KeyCode::Esc));
    r.press(code(KeyCode::Enter));
    assert_eq!(r.app.screen, Screen::Transcript);
    for _ in 0..3 {
        r.press(code(KeyCode::Esc));
    }
    assert!(!r.app.quit);
    assert_eq!(r.app.screen, Screen::Search);
    // Up in the bar brings the last query back.
    r.press(key('/'));
    assert_eq!(r.app.focus, Focus::Query);
    r.press(Action::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    r.press(code(KeyCode::Up));
    assert_eq!(r.app.query.input.text, "assistant:\"according to\"");
    // Searches are in the audit trail.
    let audit = std::fs::read_to_string(r.dir.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"search\"") && audit.contains("according to"));
}

#[test]
fn a_westlaw_reviewer_types_westlaw() {
    let mut r = rig();
    let total = |r: &mut Rig, q: &str| {
        r.search(q);
        r.app.results.total
    };
    let dt_sentence = total(&mut r, "according w/s report");
    let dt_either = total(&mut r, "according OR report");
    let err = r.app.results.error.clone();
    let both = total(&mut r, "according AND report");
    assert!(
        dt_sentence.is_some_and(|n| n > 0),
        "{dt_sentence:?} {err:?} {both:?}"
    );
    let opts =
        verbatim::query::QueryOptions::new(verbatim::query::Dialect::Westlaw, Default::default());
    r.core.query = opts.clone();
    r.app.query_options = opts.clone();
    r.app.query.options = opts;
    r.press(code(KeyCode::Esc));
    r.press(key('/'));
    r.keys("according report");
    let Ok(reading) = r.app.query.preview.clone() else {
        panic!("{:?}", r.app.query.preview)
    };
    assert_eq!(reading, "(according or report)", "a space is OR in Westlaw");
    let screen = r.text(80, 24);
    assert!(screen.contains("Query · westlaw"), "{screen}");
    assert_eq!(total(&mut r, "according report"), dt_either);
    assert_eq!(total(&mut r, "according /s report"), dt_sentence);
    // dtSearch's connector is refused by name, at its column, and runs nothing.
    r.press(key('/'));
    r.press(Action::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    r.keys("according w/5 report");
    let Err((msg, col)) = r.app.query.preview.clone() else {
        panic!("no error")
    };
    assert!(msg.contains("Westlaw writes"), "{msg}");
    assert_eq!(col, 11);
}

#[test]
fn the_saved_picker_runs_a_saved_search_or_a_list() {
    let mut r = rig();
    r.press(code(KeyCode::Esc));
    // Nothing saved yet: said, no overlay.
    r.press(key('\''));
    assert!(r.app.overlay.is_none());
    // A colleague saves a search and a list while this reviewer works.
    let search = verbatim::review::saved::SavedSearch {
        query: "according w/s report".into(),
        syntax: Default::default(),
        description: String::new(),
        by: "bob".into(),
        time: chrono::Utc::now(),
    };
    verbatim::review::saved::save_search(&r.dir, "acc", search, false).unwrap();
    r.search("according w/s report");
    let want = r.app.results.total;
    let list = verbatim::review::saved::List {
        name: "two".into(),
        query: "x".into(),
        syntax: Default::default(),
        by: "bob".into(),
        time: chrono::Utc::now(),
        ids: (0..2)
            .map(|i| r.app.results.row(i).unwrap().id.clone())
            .collect(),
    };
    verbatim::review::saved::save_list(&r.dir, &list, false).unwrap();
    r.search("tag:nothing-here");
    r.press(code(KeyCode::Esc));
    r.press(key('\''));
    let Some(Overlay::Saved { items, selected }) = &r.app.overlay else {
        panic!("no picker: {:?}", r.app.status)
    };
    assert_eq!(items.len(), 2);
    assert_eq!(*selected, 0);
    let screen = r.text(80, 24);
    assert!(screen.contains("@acc  according w/s report"), "{screen}");
    assert!(screen.contains("list:two  (2 conversations)"), "{screen}");
    r.press(code(KeyCode::Enter));
    assert!(r.app.overlay.is_none());
    assert_eq!(r.app.results.query, "@acc");
    assert_eq!(r.app.results.total, want);
    r.press(key('\''));
    r.press(key('j'));
    r.press(code(KeyCode::Enter));
    assert_eq!(r.app.results.query, "list:two");
    assert_eq!(r.app.results.total, Some(2));
}

#[test]
fn the_highlight_set_is_marked_in_its_colours_and_counted() {
    let mut r = rig_with(true);
    verbatim::review::highlights::save(
        &r.dir,
        &verbatim::review::highlights::HighlightSet {
            syntax: Default::default(),
            by: "lead".into(),
            time: chrono::Utc::now(),
            terms: verbatim::review::highlights::parse_terms(
                "red: report\ncyan: \"according to\"\n",
            )
            .unwrap(),
        },
    )
    .unwrap();
    r.search("assistant:\"according to\"");
    r.press(code(KeyCode::Enter));
    let loaded = r.app.reading.as_ref().unwrap().loaded.as_ref().unwrap();
    assert_eq!(loaded.highlights.len(), 2);
    let according = loaded.highlights[1].clone();
    assert!(according.count > 0 && according.error.is_none());
    // The details list each term with its count here.
    r.press(key('i'));
    let screen = r.text(120, 40);
    assert!(screen.contains("highlights (hits here):"), "{screen}");
    assert!(
        screen.contains(&format!("\"according to\"  {}", according.count)),
        "{screen}"
    );
    // The transcript carries the set's colours (red underline for "report").
    r.press(code(KeyCode::Esc));
    let styled = styled(&r.draw(120, 40));
    assert!(styled.contains("Red"), "no red mark");
}

#[test]
fn syntax_errors_point_at_the_column_and_run_nothing() {
    let mut r = rig();
    r.press(code(KeyCode::Esc));
    r.press(key('/'));
    r.keys("tidal AND (barrier");
    let Err((msg, col)) = r.app.query.preview.clone() else {
        panic!("no error")
    };
    assert!(msg.contains("unclosed"), "{msg}");
    assert_eq!(col, 11);
    let before = r.app.results.generation;
    r.press(code(KeyCode::Enter));
    assert_eq!(r.app.results.generation, before, "a bad query must not run");
    assert!(matches!(
        r.app.status,
        Some((_, verbatim::tui::app::Tone::Error))
    ));
    assert_eq!(r.app.focus, Focus::Query);
    let screen = r.text(80, 24);
    assert!(screen.contains("^ unclosed"), "{screen}");
    // The caret stands under the character it names.
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let has = |l: &Vec<char>, s: &str| l.iter().collect::<String>().contains(s);
    let bar = lines.iter().find(|l| has(l, "tidal AND")).unwrap();
    let caret = lines.iter().find(|l| has(l, "^ unclosed")).unwrap();
    let at = |l: &Vec<char>, c: char| l.iter().position(|x| *x == c).unwrap();
    assert_eq!(at(caret, '^'), at(bar, '('), "{screen}");
    // A valid query afterwards clears the error.
    r.search("tidal AND barrier");
    assert!(r.app.status.is_none(), "{:?}", r.app.status);
}

#[test]
fn navigation_pages_lazily_through_the_list() {
    let mut r = rig();
    r.press(code(KeyCode::Esc));
    r.app.list_height = 10;
    r.keys("jjj");
    assert_eq!(r.app.results.selected, 3);
    r.press(key('k'));
    assert_eq!(r.app.results.selected, 2);
    r.press(key('G'));
    assert_eq!(r.app.results.selected, 299);
    // The last page was fetched on demand and far pages dropped.
    assert!(r.app.results.row(299).is_some());
    assert!(r.app.results.rows_held() <= 300);
    r.press(key('g'));
    assert_eq!(r.app.results.selected, 0);
    assert!(r.app.results.row(0).is_some());
    r.press(code(KeyCode::PageDown));
    assert_eq!(r.app.results.selected, 10);
}

#[test]
fn stale_answers_are_dropped() {
    let mut r = rig();
    let old = r.app.results.generation;
    r.search("according");
    let total = r.app.results.total;
    let fx = r.app.handle(Action::Response(Response::Page {
        generation: old,
        offset: 0,
        total: 1,
        rows: Vec::new(),
        millis: 0.0,
    }));
    assert!(fx.is_empty());
    assert_eq!(r.app.results.total, total);
}

#[test]
fn ids_are_never_cut_in_the_result_list() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = [
        "wildchat_001e1a4dd4c9f0e2b7a3c5d6e8f9a0b1".to_string(),
        "chatbot_arena_0a1b2c3d4e5f60718293a4b5c6d7e8f9_turn1".to_string(),
        "chatbot_arena_0a1b2c3d4e5f60718293a4b5c6d7e8f9_turn2".to_string(),
        format!("sharegpt_{}", "x".repeat(120)),
        "short".to_string(),
    ];
    let lines: Vec<String> = ids
        .iter()
        .map(|id| {
            serde_json::json!({"id": id, "messages": [
                {"role": "user", "content": "tell me about the harbour barrier"},
                {"role": "assistant", "content": "The barrier protects the harbour."}]})
            .to_string()
        })
        .collect();
    let f = tmp.path().join("long.jsonl");
    std::fs::write(&f, lines.join("\n")).unwrap();
    let dir = matter_of_file(tmp.path(), f);
    let mut r = rig_on(tmp, dir, false);
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let screen = r.text(w, h);
        // The screen's text without line breaks: an id on lines of its own reads through.
        let flat: String = screen
            .lines()
            .map(|l| l.trim_matches('"').trim_end())
            .map(|l| l.trim_start_matches('│').trim_end_matches('│'))
            .collect();
        for id in &ids {
            assert!(flat.contains(id.as_str()), "{id} cut at {w}x{h}:\n{screen}");
        }
    }
}

#[test]
fn esc_cancels_a_running_search_instead_of_quitting() {
    let mut r = rig();
    let (running, g) = r.start_search("according");
    assert!(r.app.results.pending());
    let fx = r.app.handle(code(KeyCode::Esc));
    assert!(
        matches!(fx.as_slice(), [Effect::CancelSearch(x)] if *x == g),
        "{fx:?}"
    );
    assert!(!r.app.quit, "Esc stops the search first");
    r.pump(fx);
    // The worker, reaching its budget check, gives up and says so; the answer is not retried.
    for e in running {
        if let Effect::Request(req) = e {
            let resp = r.core.serve(req);
            let Response::Failed { message, .. } = &resp else {
                panic!("{resp:?}")
            };
            assert!(message.contains("cancelled"), "{message}");
            assert!(r.app.handle(Action::Response(resp)).is_empty());
        }
    }
    assert!(r.app.page_effects().is_empty());
    assert!(r.text(80, 24).contains("search cancelled"));
    // A new search runs normally; it is not affected by the cancel of the old one.
    r.search("according");
    assert!(r.app.results.total.unwrap() > 0);
    // A newer search supersedes an older one still running.
    let (old, _) = r.start_search("according");
    r.search("river");
    for e in old {
        if let Effect::Request(req) = e {
            let resp = r.core.serve(req);
            assert!(matches!(resp, Response::Failed { .. }), "{resp:?}");
        }
    }
}

#[test]
fn open_jump_between_hits_and_conversations() {
    let mut r = rig();
    r.search("the");
    r.press(code(KeyCode::Enter));
    assert_eq!(r.app.screen, Screen::Transcript);
    let rd = r.app.reading.as_ref().unwrap();
    let first_id = rd.id.clone();
    let hits = verbatim::tui::app::hit_count(rd.loaded.as_ref().unwrap());
    assert!(hits > 2);
    assert_eq!(rd.hit, Some(0));
    r.press(key('n'));
    assert_eq!(r.app.reading.as_ref().unwrap().hit, Some(1));
    r.press(key('N'));
    r.press(key('N'));
    assert_eq!(
        r.app.reading.as_ref().unwrap().hit,
        Some(hits - 1),
        "wraps around"
    );
    let screen = r.text(80, 24);
    assert!(screen.contains(&format!("hit {hits}/{hits}")), "{screen}");
    // Tab hides the details for more transcript, and shows them again.
    assert!(r.text(80, 24).contains("details"));
    r.press(code(KeyCode::Tab));
    assert!(!r.text(80, 24).contains("details"));
    r.press(code(KeyCode::Tab));
    assert!(r.app.show_details);
    r.press(key(']'));
    let second = r.app.reading.as_ref().unwrap().id.clone();
    assert_ne!(second, first_id);
    r.press(key('['));
    assert_eq!(r.app.reading.as_ref().unwrap().id, first_id);
    // Every view is in the audit trail.
    let audit = std::fs::read_to_string(r.dir.join("audit.jsonl")).unwrap();
    assert!(
        audit.contains(&format!(
            "\"view\",\"data\":{{\"conversation\":\"{second}\""
        )) || audit.contains(&second)
    );
    r.press(key('q'));
    assert_eq!(r.app.screen, Screen::Search);
}

#[test]
fn tag_undo_repeat_and_note_are_saved() {
    let mut r = rig();
    r.press(code(KeyCode::Esc));
    let id = r.app.results.selected_row().unwrap().id.clone();
    r.press(key('5'));
    assert!(r.app.journal.state().has_tag(&id, "hot"));
    assert!(r.app.status.as_ref().unwrap().0.contains("saved #1"));
    r.press(key('5'));
    assert!(!r.app.journal.state().has_tag(&id, "hot"), "toggles off");
    r.press(key('u'));
    assert!(
        r.app.journal.state().has_tag(&id, "hot"),
        "undo of the untag"
    );
    // Repeat: the last coding action (untag hot) on the next conversation does nothing new;
    // tag it first, then repeat on the next one.
    r.press(key('j'));
    let next = r.app.results.selected_row().unwrap().id.clone();
    r.press(key('1'));
    r.press(key('j'));
    let third = r.app.results.selected_row().unwrap().id.clone();
    r.press(key('.'));
    assert!(r.app.journal.state().has_tag(&next, "reproduces-article"));
    assert!(r.app.journal.state().has_tag(&third, "reproduces-article"));
    // Note: a multi-line text area, saved with Ctrl-S.
    r.press(key('a'));
    assert!(matches!(r.app.overlay, Some(Overlay::Note { .. })));
    r.keys("first");
    r.press(code(KeyCode::Enter));
    r.keys("second");
    r.press(Action::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    assert!(r.app.overlay.is_none());
    assert_eq!(r.app.journal.state().note(&third), Some("first\nsecond"));
    // Another process sees every decision: the journal on disk replays to the same state.
    let j = verbatim::review::Journal::open(&r.dir).unwrap();
    assert!(j.state().has_tag(&id, "hot"));
    assert_eq!(j.state().note(&third), Some("first\nsecond"));
    assert_eq!(j.state().event_count(), 6);
    assert!(j.state().events().all(|e| e.reviewer == "ann"));
}

/// As the interface starts on a large matter: the first frame is drawn before the journal is
/// replayed. Until it arrives tags are not shown, the status bar says so, and coding keys save
/// nothing; searches without review filters answer meanwhile, and those with one wait for
/// the journal rather than match nothing.
#[test]
fn the_first_frame_comes_before_the_journal_and_coding_waits_for_it() {
    let mut r = rig();
    r.press(code(KeyCode::Esc));
    let id = r.app.results.selected_row().unwrap().id.clone();
    r.press(key('5'));
    assert!(r.app.journal.state().has_tag(&id, "hot"));
    let before = std::fs::read(r.dir.join("review.jsonl")).unwrap();
    // A fresh start on the same matter, the journal not yet read.
    let core = Core::open(&r.dir, "ann").unwrap();
    let mut app = App::with_journal(
        &r.dir,
        "ann",
        KeyMap::defaults(),
        Theme::new(ThemeName::Dark, false),
        core.num_docs(),
        verbatim::review::Journal::unread(&r.dir),
    )
    .unwrap();
    app.reading_journal();
    r.core = core;
    r.app = app;
    let fx = r.app.start();
    r.pump(fx);
    assert!(r.app.journal_loading);
    assert_eq!(r.app.results.total, Some(300), "the list is there");
    let screen = r.text(100, 20);
    assert!(screen.contains("reading journal"), "{screen}");
    assert!(!screen.contains("hot"), "{screen}");
    r.press(code(KeyCode::Esc));
    for k in ['5', '1', 'u', '.', 'a', 'D', 'B'] {
        r.press(key(k));
        assert!(r.app.overlay.is_none(), "{k}");
        assert!(
            r.app.status.as_ref().unwrap().0.contains("coding waits"),
            "{k}: {:?}",
            r.app.status
        );
    }
    assert_eq!(
        std::fs::read(r.dir.join("review.jsonl")).unwrap(),
        before,
        "nothing saved while the journal was being read"
    );
    // A search with a review filter reads the journal first: it finds the tagged one.
    r.search("tag:hot");
    assert_eq!(r.app.results.total, Some(1));
    // The journal arrives; the tag shows and coding works again.
    let journal = r.core.journal_copy().unwrap();
    r.press(Action::Response(Response::Journal(Ok(Box::new(journal)))));
    assert!(!r.app.journal_loading);
    assert!(r.app.status.is_none(), "{:?}", r.app.status);
    let screen = r.text(100, 20);
    assert!(!screen.contains("reading journal"), "{screen}");
    assert!(screen.contains("hot"), "{screen}");
    r.press(code(KeyCode::Esc));
    r.press(key('5'));
    assert!(!r.app.journal.state().has_tag(&id, "hot"), "toggled off");
}

#[test]
fn coding_refreshes_results_that_depend_on_it() {
    let mut r = rig();
    r.search("reviewed:no");
    assert_eq!(r.app.results.total, Some(300));
    let first = r.app.results.selected_row().unwrap().id.clone();
    r.press(key('5'));
    // The tagged conversation left the set; the list shows the next one at the same place.
    assert_eq!(r.app.results.total, Some(299));
    let now = r.app.results.selected_row().unwrap().id.clone();
    assert_ne!(now, first);
    // Deep in the list, nothing is skipped: every row below is still unreviewed.
    r.press(key('G'));
    let st = r.app.journal.state();
    let last = r.app.results.selected_row().unwrap();
    assert!(!st.get(&last.id).is_some_and(|c| c.reviewed()));
}

#[test]
fn next_unreviewed_looks_beyond_the_fetched_rows() {
    let mut r = rig();
    r.press(code(KeyCode::Esc));
    r.app.list_height = 10;
    // Everything reviewed but the conversation at row 250.
    r.press(key('G'));
    r.press(key('g'));
    let target = {
        r.app.results.select(250, 10);
        let fx = r.app.page_effects();
        r.pump(fx);
        r.app.results.selected_row().unwrap().id.clone()
    };
    r.press(key('g'));
    let ids = verbatim::search::matching_ids(
        &verbatim::index::ConvIndex::open(&r.dir.join("index")).unwrap(),
        None,
        &verbatim::query::Node::All,
    )
    .unwrap();
    let others: Vec<String> = ids.into_iter().filter(|i| *i != target).collect();
    r.app
        .journal
        .append("ann", |_| {
            Ok(vec![verbatim::review::Draft {
                conversations: others,
                action: verbatim::review::Action::Tag,
                value: serde_json::json!("hot"),
                replaces: Vec::new(),
                via: None,
            }])
        })
        .unwrap();
    // Only the first page is held, as after a fresh search.
    r.app.results.invalidate();
    let fx = r.app.page_effects();
    r.pump(fx);
    assert!(r.app.results.row(250).is_none(), "row 250 is not fetched");
    r.press(key('r'));
    assert_eq!(r.app.results.selected, 250);
    assert_eq!(r.app.results.selected_row().unwrap().id, target);
    // While reading, r opens it once its page is there.
    r.press(key('g'));
    r.press(code(KeyCode::Enter));
    r.app.results.invalidate();
    let fx = r.app.page_effects();
    r.pump(fx);
    assert!(r.app.results.row(250).is_none());
    r.press(key('r'));
    assert_eq!(r.app.reading.as_ref().unwrap().id, target);
}

#[test]
fn bulk_tag_states_the_count_and_asks() {
    let mut r = rig();
    r.search("strong:yes");
    let n = r.app.results.total.unwrap();
    assert!(n > 10);
    r.press(key('B'));
    assert!(matches!(r.app.overlay, Some(Overlay::BulkPick)));
    r.press(key('5'));
    match &r.app.overlay {
        Some(Overlay::BulkConfirm {
            count, ids, tag, ..
        }) => {
            assert_eq!(*count, n);
            assert_eq!(ids.as_ref().unwrap().len() as u64, n);
            assert_eq!(tag, "hot");
        }
        o => panic!("{o:?}"),
    }
    let screen = r.text(80, 24);
    assert!(
        screen.contains(&format!("Tag {n} conversations with hot?")),
        "{screen}"
    );
    // Anything but y cancels; y tags them all in one event.
    r.press(key('x'));
    assert_eq!(r.app.journal.state().tag_counts().get("hot"), None);
    r.press(key('B'));
    r.press(key('5'));
    r.press(key('y'));
    assert_eq!(r.app.journal.state().tag_counts().get("hot"), Some(&n));
    assert_eq!(r.app.journal.state().event_count(), 1);
}

#[test]
fn compare_steps_through_spans_and_articles() {
    let mut r = rig();
    r.search("strong:yes");
    r.press(key('c'));
    assert_eq!(r.app.screen, Screen::Compare);
    let rd = r.app.reading.as_ref().unwrap();
    let l = rd.loaded.as_ref().unwrap();
    assert!(!l.findings.is_empty());
    assert!(l.articles.contains_key(&l.findings[0].article));
    let spans = l.findings[0].spans.len();
    r.press(key('n'));
    assert_eq!(r.app.reading.as_ref().unwrap().span, 1 % spans);
    let screen = r.text(100, 30);
    assert!(screen.contains("reply · message"), "{screen}");
    assert!(screen.contains("article 1/"), "{screen}");
    r.press(key('q'));
    assert_eq!(r.app.screen, Screen::Transcript);
}

#[test]
fn sort_help_progress_and_export_dialog() {
    let mut r = rig();
    r.press(code(KeyCode::Esc));
    r.press(key('s'));
    assert_eq!(r.app.results.sort, SortBy::Date);
    assert_eq!(r.app.results.total, Some(300));
    r.press(key('?'));
    assert!(matches!(r.app.overlay, Some(Overlay::Help { .. })));
    // Tall enough for every key at once (at 48 rows the help scrolls).
    let screen = r.text(160, 64);
    // Help comes from the key map.
    for (keys, _, what) in r.app.keymap.help() {
        assert!(
            screen.contains(&keys) && screen.contains(what),
            "{keys} {what}"
        );
    }
    r.press(code(KeyCode::Esc));
    assert!(r.app.overlay.is_none());
    r.press(key('p'));
    assert_eq!(r.app.screen, Screen::Progress);
    assert!(r.app.stats.as_ref().unwrap().conversations > 0);
    r.press(key('q'));

    // Export from the dialog: csv of the current results.
    r.search("strong:yes");
    let n = r.app.results.total.unwrap();
    r.press(key('e'));
    let out = r.dir.parent().unwrap().join("from-ui");
    if let Some(Overlay::Export(d)) = &mut r.app.overlay {
        d.destination.set(out.to_str().unwrap());
    }
    r.press(code(KeyCode::Down)); // format
    r.press(code(KeyCode::Right)); // csv
    r.press(code(KeyCode::Enter));
    let Some(Overlay::Export(d)) = &r.app.overlay else {
        panic!("dialog closed")
    };
    let s = d.result.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(s.conversations, n);
    assert!(out.join("conversations.csv").exists());
    assert!(r.app.status.as_ref().unwrap().0.contains("exported"));
}

#[test]
fn tiny_terminals_get_a_message() {
    let mut r = rig();
    let screen = r.text(40, 10);
    assert!(screen.contains("too small"), "{screen}");
}

/// Snapshot text with the volatile parts (timings) made constant.
fn stable(s: String) -> String {
    let re = regex::Regex::new(r"\d+ ms").unwrap();
    re.replace_all(&s, "N ms").into_owned()
}

/// The buffer with styles: each line's runs of equal style as `[style]text`.
fn styled(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut last = None;
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            let st = (c.fg, c.bg, c.modifier);
            if last != Some(st) {
                out.push_str(&format!("[{:?},{:?},{:?}]", c.fg, c.bg, c.modifier));
                last = Some(st);
            }
            out.push_str(c.symbol());
        }
        out.push('\n');
    }
    out
}

/// How to reach a screen from a fresh rig.
type Setup = Box<dyn Fn(&mut Rig)>;

fn screens() -> Vec<(&'static str, Setup)> {
    vec![
        (
            "search",
            Box::new(|r: &mut Rig| r.search("assistant:\"according to\"")),
        ),
        (
            "transcript",
            Box::new(|r: &mut Rig| {
                r.search("assistant:\"according to\"");
                r.press(code(KeyCode::Enter));
                r.press(key('n'));
                r.press(key('a'));
                r.keys("user pasted the opening");
                r.press(Action::Key(KeyEvent::new(
                    KeyCode::Char('s'),
                    KeyModifiers::CONTROL,
                )));
            }),
        ),
        (
            "compare",
            Box::new(|r: &mut Rig| {
                r.search("strong:yes");
                r.press(key('c'));
            }),
        ),
        (
            "progress",
            Box::new(|r: &mut Rig| {
                r.press(key('5'));
                r.press(key('p'));
            }),
        ),
        (
            "help",
            Box::new(|r: &mut Rig| {
                r.press(key('?'));
            }),
        ),
        (
            "saved",
            Box::new(|r: &mut Rig| {
                for (name, q) in [
                    ("climate", "\"climate change\" w/s (report OR study)"),
                    ("replies", "assistant:(@climate)"),
                ] {
                    let s = verbatim::review::saved::SavedSearch {
                        query: q.into(),
                        syntax: Default::default(),
                        description: String::new(),
                        by: "ann".into(),
                        time: chrono::Utc::now(),
                    };
                    verbatim::review::saved::save_search(&r.dir, name, s, false).unwrap();
                }
                r.press(code(KeyCode::Esc));
                r.press(key('\''));
                r.press(key('j'));
            }),
        ),
        (
            "export",
            Box::new(|r: &mut Rig| {
                r.press(key('e'));
                if let Some(Overlay::Export(d)) = &mut r.app.overlay {
                    d.destination.set("/cases/acme/export-1");
                }
            }),
        ),
        (
            "production_running",
            Box::new(|r: &mut Rig| {
                export_dialog(r, std::path::Path::new("/cases/acme/prod-1"), "exhibit");
                if let Some(Overlay::Export(d)) = &mut r.app.overlay {
                    d.bates.set("ACME-CHAT-");
                    d.recipient.set("Counsel for Defendant");
                    d.pdf = true;
                    d.phase = Some("exporting".into());
                    d.progress = Some((120, 300));
                }
                r.app.export_running = true;
            }),
        ),
    ]
}

#[test]
fn snapshots_of_every_screen() {
    for color in [false, true] {
        for (name, setup) in screens() {
            for (w, h) in [(80u16, 24u16), (160, 48)] {
                let mut r = rig_with(color);
                // Newest first: an order that does not depend on how segments were built.
                r.press(key('s'));
                setup(&mut r);
                r.app.results.millis = 0.0;
                let t = r.draw(w, h);
                // Styles are part of the picture: without colour, marks live in the modifiers.
                let snap = stable(styled(&t));
                let kind = if color { "color" } else { "plain" };
                insta::assert_snapshot!(format!("{name}_{w}x{h}_{kind}"), snap);
            }
        }
    }
}

/// Codes a 50-conversation queue that shrinks as it is coded (`reviewed:no`), moving on with
/// `step`: every conversation must be visited exactly once, in list order.
fn code_the_queue(step: char) {
    let mut r = rig();
    r.search("reviewed:no");
    let queue: Vec<String> = (0..50)
        .map(|i| r.app.results.row(i).unwrap().id.clone())
        .collect();
    r.press(code(KeyCode::Enter));
    assert_eq!(r.app.screen, Screen::Transcript);
    let mut visited = Vec::new();
    for _ in 0..50 {
        let id = r.app.reading.as_ref().unwrap().id.clone();
        visited.push(id.clone());
        r.press(key('1'));
        assert!(r.app.journal.state().has_tag(&id, "reproduces-article"));
        r.press(key(step));
    }
    assert_eq!(visited, queue, "with '{step}': each once, in list order");
}

#[test]
fn next_visits_every_conversation_of_a_shrinking_queue_once() {
    code_the_queue(']');
}

#[test]
fn next_unreviewed_visits_every_conversation_of_a_shrinking_queue_once() {
    code_the_queue('r');
}

#[test]
fn next_pressed_before_the_refetch_arrives_still_lands_on_the_following_row() {
    let mut r = rig();
    r.search("reviewed:no");
    let (a, b) = (
        r.app.results.row(0).unwrap().id.clone(),
        r.app.results.row(1).unwrap().id.clone(),
    );
    r.press(code(KeyCode::Enter));
    // Tag, then press `]` before any answer comes back; serve everything afterwards.
    let mut fx = r.app.handle(key('1'));
    fx.extend(r.app.handle(key(']')));
    r.pump(fx);
    assert!(r.app.journal.state().has_tag(&a, "reproduces-article"));
    assert_eq!(r.app.reading.as_ref().unwrap().id, b);
}

#[test]
fn details_show_the_designation_and_the_bates_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    verbatim::demo::build(&dir, &mut verbatim::progress::Silent).unwrap();
    verbatim::review::designation::set_matter_default(&dir, "ann", Some("CONFIDENTIAL")).unwrap();
    let bin = env!("CARGO_BIN_EXE_verbatim");
    let out = tmp.path().join("prod");
    let o = std::process::Command::new(bin)
        .args(["--quiet", "--matter", dir.to_str().unwrap(), "export"])
        .args([
            "--query",
            "strong:true",
            "--format",
            "dat",
            "--bates-prefix",
            "TUI-",
        ])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut r = rig_on(tmp, dir, false);
    r.search("strong:true");
    r.press(code(KeyCode::Enter));
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = r.text(w, h);
        assert!(
            screen.contains("designation: CONFIDENTIAL (matter)"),
            "{screen}"
        );
        assert!(screen.contains("produced: TUI-0000"), "{screen}");
        // The tags line is still there on a narrow screen.
        assert!(screen.contains("tags: "), "{screen}");
    }
    // Not produced, no designation: the narrow pane keeps its three lines.
    verbatim::review::designation::set_matter_default(&r.dir, "ann", None).unwrap();
    r.press(key('q'));
    r.search("-produced:yes");
    r.press(code(KeyCode::Enter));
    let screen = r.text(80, 24);
    assert!(!screen.contains("designation:"), "{screen}");
    assert!(!screen.contains("produced:"), "{screen}");
}

#[test]
fn d_steps_through_the_designations_and_undo_reverts() {
    let mut r = rig();
    r.search("strong:true");
    r.press(code(KeyCode::Enter));
    let id = r.app.reading.as_ref().unwrap().id.clone();
    let own = |r: &Rig| {
        r.app
            .journal
            .state()
            .get(&id)
            .and_then(|c| c.designation.clone())
    };
    r.press(key('D'));
    assert_eq!(own(&r).as_deref(), Some("CONFIDENTIAL"));
    assert!(r.text(80, 24).contains("designation: CONFIDENTIAL"));
    r.press(key('D'));
    assert_eq!(
        own(&r).as_deref(),
        Some("HIGHLY CONFIDENTIAL - ATTORNEYS' EYES ONLY")
    );
    r.press(key('D'));
    assert_eq!(own(&r), None);
    r.press(key('u'));
    assert_eq!(
        own(&r).as_deref(),
        Some("HIGHLY CONFIDENTIAL - ATTORNEYS' EYES ONLY"),
        "undo restores the designation before"
    );
    let audit = std::fs::read_to_string(r.dir.join("audit.jsonl")).unwrap();
    assert_eq!(audit.matches("\"designate\"").count(), 3);
}

#[test]
fn a_call_replaces_its_group_and_a_required_note_is_asked_for_before_moving_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    verbatim::demo::build(&dir, &mut verbatim::progress::Silent).unwrap();
    verbatim::review::Palette::write_default_if_missing(&dir).unwrap();
    let cfg = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("{cfg}\n[require]\nnote = [\"reproduces-article\"]\n"),
    )
    .unwrap();
    let mut r = rig_on(tmp, dir, false);
    r.search("strong:true");
    r.press(code(KeyCode::Enter));
    let id = r.app.reading.as_ref().unwrap().id.clone();
    let tags = |r: &Rig| -> Vec<String> {
        r.app
            .journal
            .state()
            .get(&id)
            .map(|c| c.tags.iter().cloned().collect())
            .unwrap_or_default()
    };
    r.press(key('1'));
    r.press(key('2'));
    assert_eq!(tags(&r), ["echo-only"], "the call replaced the other");
    let status = r.app.status.clone().map(|s| s.0).unwrap_or_default();
    assert!(status.contains("replaces reproduces-article"), "{status}");
    r.press(key('u'));
    assert_eq!(tags(&r), ["reproduces-article"], "one undo restores it");
    // Moving on without the required note opens the note editor, once.
    r.press(key(']'));
    assert!(r.app.overlay.is_some(), "the note is asked for");
    assert_eq!(r.app.reading.as_ref().unwrap().id, id);
    r.press(code(KeyCode::Esc));
    r.press(key(']'));
    assert_ne!(
        r.app.reading.as_ref().unwrap().id,
        id,
        "asked once, then it moves on"
    );
}

#[test]
fn an_edited_note_is_not_thrown_away_by_one_esc() {
    let mut r = rig();
    r.search("strong:true");
    r.press(code(KeyCode::Enter));
    let id = r.app.reading.as_ref().unwrap().id.clone();
    r.press(key('a'));
    r.keys("half a thought");
    r.press(code(KeyCode::Esc));
    assert!(
        r.app.overlay.is_some(),
        "one Esc keeps the edited note open"
    );
    assert!(r.text(80, 24).contains("Esc again: discard"));
    r.press(code(KeyCode::Esc));
    assert!(r.app.overlay.is_none());
    assert_eq!(
        r.app.journal.state().note(&id),
        None,
        "discarded, not saved"
    );
    // Unedited, one Esc closes.
    r.press(key('a'));
    r.press(code(KeyCode::Esc));
    assert!(r.app.overlay.is_none());
}

#[test]
fn auto_advance_opens_the_next_conversation_after_a_call() {
    let mut r = rig();
    r.app.auto_advance = true;
    r.search("strong:true");
    r.press(code(KeyCode::Enter));
    let first = r.app.reading.as_ref().unwrap().id.clone();
    r.press(key('5')); // hot: in no exclusive group, no advance
    assert_eq!(r.app.reading.as_ref().unwrap().id, first);
    r.press(key('3')); // not-relevant: a call
    let second = r.app.reading.as_ref().unwrap().id.clone();
    assert_ne!(second, first, "a call moves on");
    r.app.auto_advance = false;
    r.press(key('3'));
    assert_eq!(r.app.reading.as_ref().unwrap().id, second, "off: it stays");
}

#[test]
fn help_and_key_hints_are_never_cut_at_80_columns() {
    let mut r = rig();
    let status = |s: &str| s.lines().last().unwrap_or("").to_string();
    assert!(!status(&r.text(80, 24)).contains('…'), "{}", r.text(80, 24));
    r.search("strong:true");
    r.press(code(KeyCode::Enter));
    let s = r.text(80, 24);
    assert!(!status(&s).contains('…'), "{s}");
    assert!(status(&s).contains("? help"), "{s}");
    r.press(key('?'));
    let screen = r.text(80, 70);
    for (_, name, _) in r.app.keymap.help() {
        assert!(
            screen.contains(&format!("[{name}]")),
            "[{name}] cut or missing:\n{screen}"
        );
    }
}

#[test]
fn i_shows_every_detail_with_a_long_note_on_a_narrow_screen() {
    let mut r = rig();
    r.search("strong:true");
    r.press(code(KeyCode::Enter));
    let id = r.app.reading.as_ref().unwrap().id.clone();
    let long: String = (0..60).map(|i| format!("word{i} ")).collect::<String>() + "THE-END";
    r.app
        .journal
        .append("ann", |_| {
            Ok(vec![verbatim::review::Draft {
                conversations: vec![id.clone()],
                action: verbatim::review::Action::Note,
                value: serde_json::json!(long),
                replaces: Vec::new(),
                via: None,
            }])
        })
        .unwrap();
    assert!(
        !r.text(80, 24).contains("THE-END"),
        "the narrow pane cuts it"
    );
    r.press(key('i'));
    let s = r.text(80, 24);
    assert!(s.contains("THE-END"), "{s}");
    assert!(s.contains("palette:"), "{s}");
    r.press(key('x'));
    assert!(r.app.overlay.is_none());
}

#[test]
fn an_echo_only_conversation_shows_its_echoed_run_in_the_list() {
    let mut r = rig();
    r.search("label:echoed AND -label:reproduced");
    let s = r.text(160, 48);
    let echoed = s
        .lines()
        .filter(|l| l.contains(" e") && l.contains("conv-"))
        .count();
    assert!(
        s.lines().any(|l| l
            .split_whitespace()
            .any(|w| w.starts_with('e') && w[1..].parse::<u32>().is_ok())),
        "{s}"
    );
    assert!(echoed > 0);
}

#[test]
fn the_compare_view_scrolls_both_panes_and_says_what_each_mark_means() {
    let mut r = rig();
    // Tied results come in the index's order, which the import's threads decide: take the
    // strong finding with the longest reply, so that there is something to scroll.
    // (Not the last row: `]` moves on to the next one below.)
    r.search("strong:yes");
    let index = r.core_index();
    let rows = r.app.results.len();
    assert!(rows > 1);
    let (_, longest) = (0..rows - 1)
        .filter_map(|i| r.app.results.row(i).map(|x| (i, x.id.clone())))
        .map(|(i, id)| {
            let c = verbatim::search::get(&index, &id).unwrap().unwrap();
            (c.messages.iter().map(|m| m.text.len()).sum::<usize>(), i)
        })
        .max()
        .unwrap();
    for _ in 0..longest {
        r.press(key('j'));
    }
    assert_eq!(r.app.results.selected, longest);
    r.press(key('c'));
    assert_eq!(r.app.screen, Screen::Compare);
    let before = r.text(80, 24);
    // The header spells the label out and names the article by id; the legend is there.
    assert!(
        before.contains("reproduced") || before.contains("echoed"),
        "{before}"
    );
    assert!(before.contains("underlined: reproduced"), "{before}");
    let art = {
        let rd = r.app.reading.as_ref().unwrap();
        rd.loaded.as_ref().unwrap().findings[0].article.clone()
    };
    assert!(before.contains(&art), "{before}");
    // j scrolls both panes together; the text moves.
    for _ in 0..5 {
        r.press(key('j'));
    }
    let after = r.text(80, 24);
    assert_ne!(before, after, "j scrolls");
    let off = r.app.reading.as_ref().unwrap().cmp_offset;
    assert!(off[0] > 0 || off[1] > 0, "{off:?}");
    // g goes to the top of both texts (context before the span is reachable).
    r.press(key('g'));
    let top = r.app.reading.as_ref().unwrap().cmp_offset;
    assert!(top[0] <= 0 && top[1] <= 0, "{top:?}");
    // L unlocks: j moves one pane only; Tab picks the other.
    r.press(key('L'));
    r.press(key('G'));
    let o = r.app.reading.as_ref().unwrap().cmp_offset;
    r.press(code(KeyCode::Tab));
    r.press(key('j'));
    let o2 = r.app.reading.as_ref().unwrap().cmp_offset;
    r.text(80, 24);
    assert_eq!(o[0], o2[0], "the reply pane stayed");
    r.press(key('L'));
    assert_eq!(
        r.app.reading.as_ref().unwrap().cmp_offset,
        [0, 0],
        "locked again: back to the span"
    );
    // n moves to the next span and back to it.
    r.press(key('n'));
    assert_eq!(r.app.reading.as_ref().unwrap().cmp_offset, [0, 0]);
    // ] moves on to the next conversation, still comparing.
    let id = r.app.reading.as_ref().unwrap().id.clone();
    r.press(key(']'));
    assert_ne!(r.app.reading.as_ref().unwrap().id, id);
}

#[test]
fn echoed_spans_are_bracketed_in_the_compare_view_without_colour() {
    let mut r = rig();
    r.search("label:echoed AND -label:reproduced");
    r.press(key('c'));
    let s = r.text(120, 40);
    assert!(s.contains('⟨') && s.contains('⟩'), "{s}");
    assert!(s.contains("echoed (the user supplied it)"), "{s}");
}

#[test]
fn the_interface_opens_where_the_reviewer_left_it() {
    let mut r = rig();
    r.search("strong:true");
    for _ in 0..3 {
        r.press(key('j'));
    }
    let id = r.app.results.selected_row().unwrap().id.clone();
    r.press(key('q'));
    assert!(r.app.quit);
    let reopen = |r: &mut Rig, who: &str| {
        r.app = App::new(
            &r.dir,
            who,
            KeyMap::defaults(),
            Theme::new(ThemeName::Dark, false),
            r.core.num_docs(),
        )
        .unwrap();
        let fx = r.app.start();
        r.pump(fx);
    };
    reopen(&mut r, "ann");
    assert_eq!(r.app.results.query, "strong:true");
    assert_eq!(r.app.results.selected_row().unwrap().id, id);
    // Another reviewer has a place of their own.
    reopen(&mut r, "bob");
    assert_eq!(r.app.results.query, "");
}

fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn progress_counts_the_set_being_reviewed() {
    let mut r = rig();
    r.search("strong:true");
    let n = r.app.results.total.unwrap();
    assert!(n > 1 && n < 300, "{n}");
    r.press(key('1'));
    r.press(key('p'));
    assert_eq!(r.app.screen, Screen::Progress);
    let st = r.app.stats.clone().unwrap();
    assert_eq!((st.total, st.coded), (n, 1));
    assert_eq!(
        st.conversations, n,
        "every strong conversation has findings"
    );
    let screen = r.text(100, 30);
    assert!(screen.contains("results of strong:true"), "{screen}");
    assert!(screen.contains(&format!("1 of {n} coded")), "{screen}");
    // Tab: the conversations with findings, then the whole matter.
    r.press(code(KeyCode::Tab));
    let st = r.app.stats.clone().unwrap();
    assert!(st.total >= n && st.total < 300);
    assert!(r.text(100, 30).contains("conversations with findings"));
    r.press(code(KeyCode::Tab));
    let st = r.app.stats.clone().unwrap();
    assert_eq!((st.total, st.coded), (300, 1));
    assert!(r.text(100, 30).contains("1 of 300 coded"));
}

/// Opens the export dialog on the current results with `dest` and a format.
fn export_dialog(r: &mut Rig, dest: &std::path::Path, format: &str) {
    r.press(key('e'));
    let Some(Overlay::Export(d)) = &mut r.app.overlay else {
        panic!("no export dialog")
    };
    d.destination.set(dest.to_str().unwrap());
    d.field = verbatim::tui::export_dialog::Field::Format;
    while d.format.name() != format {
        d.key(&KeyEvent::new(KeyCode::Right, KeyModifiers::NONE), false);
    }
}

#[test]
fn ctrl_c_stops_an_export_and_says_so_before_it_quits() {
    let mut r = rig();
    r.search("strong:true");
    let out = r.dir.parent().unwrap().join("stopped");
    export_dialog(&mut r, &out, "html");
    let fx = r.app.handle(code(KeyCode::Enter));
    let Some(Effect::Export(req)) = fx.into_iter().next() else {
        panic!("no export started")
    };
    assert!(r.app.export_running);
    // Ctrl-C while it runs: the export is stopped, the interface stays.
    let fx = r.app.handle(ctrl('c'));
    assert!(matches!(fx.as_slice(), [Effect::CancelExport]), "{fx:?}");
    assert!(!r.app.quit);
    assert!(
        r.app
            .status
            .as_ref()
            .unwrap()
            .0
            .contains("stopping the export")
    );
    let index = verbatim::index::ConvIndex::open(&r.dir.join("index")).unwrap();
    let findings = verbatim::detect::FindingsIndex::load(&r.dir).unwrap();
    let inputs = verbatim::export::Inputs {
        matter_dir: &r.dir,
        index: &index,
        review: r.app.journal.state(),
        findings: &findings,
    };
    let res = verbatim::export::run(
        &inputs,
        &req,
        &mut verbatim::progress::Silent,
        &std::sync::atomic::AtomicBool::new(true),
    )
    .map(Box::new)
    .map_err(|e| format!("{e:#}"));
    r.press(Action::Response(Response::ExportDone(res)));
    assert!(!out.exists(), "a stopped export leaves nothing");
    let screen = r.text(100, 30);
    assert!(screen.contains("stopped by Ctrl-C"), "{screen}");
    assert!(screen.contains("nothing was written"), "{screen}");
    // Nothing running: Ctrl-C quits.
    r.press(ctrl('c'));
    assert!(r.app.quit);
}

#[test]
fn the_export_dialog_replaces_only_when_asked_and_remembers_the_last_choices() {
    let mut r = rig();
    r.search("strong:true");
    let out = r.dir.parent().unwrap().join("prod");
    export_dialog(&mut r, &out, "dat");
    if let Some(Overlay::Export(d)) = &mut r.app.overlay {
        d.bates.set("ACME-");
        d.recipient.set("Counsel for Defendant");
    }
    r.press(code(KeyCode::Enter));
    let Some(Overlay::Export(d)) = &r.app.overlay else {
        panic!("dialog closed")
    };
    let s = d.result.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(s.bates_first.as_deref(), Some("ACME-0000001"));
    r.press(code(KeyCode::Esc));

    // Opened again: the same format, prefix and recipient, a new name in the same directory.
    r.press(key('e'));
    let Some(Overlay::Export(d)) = &mut r.app.overlay else {
        panic!("no dialog")
    };
    assert_eq!(d.format.name(), "dat");
    assert_eq!(d.bates.text, "ACME-");
    assert_eq!(d.recipient.text, "Counsel for Defendant");
    assert!(!d.replace && !d.reproduce);
    assert!(
        d.destination
            .text
            .starts_with(out.parent().unwrap().to_str().unwrap())
    );
    // The same destination: refused before anything runs, until replace is on; then the
    // production is refused as a re-production unless asked for.
    d.destination.set(out.to_str().unwrap());
    r.press(code(KeyCode::Enter));
    let screen = r.text(100, 30);
    assert!(screen.contains("already exists"), "{screen}");
    assert!(!r.app.export_running);
    if let Some(Overlay::Export(d)) = &mut r.app.overlay {
        d.replace = true;
        d.reproduce = true;
    }
    r.press(code(KeyCode::Enter));
    let Some(Overlay::Export(d)) = &r.app.overlay else {
        panic!("dialog closed")
    };
    let s = d.result.as_ref().unwrap().as_ref().unwrap();
    assert!(s.bates_first.as_deref().unwrap() > "ACME-0000001");
    let reg = std::fs::read_to_string(r.dir.join("productions.jsonl")).unwrap();
    assert!(reg.contains("Counsel for Defendant"), "{reg}");

    // A directory that is not an earlier export is never replaced.
    r.press(code(KeyCode::Esc));
    let other = r.dir.parent().unwrap().join("not-an-export");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("brief.docx"), b"draft").unwrap();
    export_dialog(&mut r, &other, "csv");
    if let Some(Overlay::Export(d)) = &mut r.app.overlay {
        d.replace = true;
    }
    r.press(code(KeyCode::Enter));
    let Some(Overlay::Export(d)) = &r.app.overlay else {
        panic!("dialog closed")
    };
    let e = d.result.as_ref().unwrap().as_ref().unwrap_err();
    assert!(e.contains("not an earlier export"), "{e}");
    assert!(other.join("brief.docx").exists());
}

/// A queue whose last conversation is coded: `]` says nothing followed, `[` opens the one
/// before it (not one further back), and `r` finds nothing below.
#[test]
fn the_end_of_a_shrinking_queue_is_said_and_previous_is_the_row_before() {
    let mut r = rig();
    r.search("reviewed:no AND id:conv-000010*");
    let n = r.app.results.len();
    assert!(n >= 3, "{n}");
    let ids: Vec<String> = (0..n)
        .map(|i| r.app.results.row(i).unwrap().id.clone())
        .collect();
    r.press(key('G'));
    r.press(code(KeyCode::Enter));
    assert_eq!(r.app.reading.as_ref().unwrap().id, ids[n - 1]);
    r.press(key('1'));
    assert_eq!(r.app.results.len(), n - 1);
    r.press(key(']'));
    assert_eq!(r.app.reading.as_ref().unwrap().id, ids[n - 1]);
    let status = r.app.status.clone().unwrap().0;
    assert!(status.contains("last conversation"), "{status}");
    // Coded again (nothing changes), then back: the row before the coded one.
    r.press(key('['));
    assert_eq!(r.app.reading.as_ref().unwrap().id, ids[n - 2]);
    r.press(key('1'));
    r.press(key('r'));
    let status = r.app.status.clone().unwrap().0;
    assert!(status.contains("no unreviewed"), "{status}");
    assert!(!status.contains("loading"), "{status}");
}

/// A blind review walks the sample in its order and withholds the findings and others'
/// coding until this reviewer's call.
#[test]
fn a_blind_review_withholds_findings_and_others_calls_until_the_call() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    verbatim::demo::build(&dir, &mut verbatim::progress::Silent).unwrap();
    let index = verbatim::index::ConvIndex::open(&dir.join("index")).unwrap();
    let findings = verbatim::detect::FindingsIndex::load(&dir).unwrap();
    let smp = verbatim::sample::create(
        &dir,
        &index,
        &verbatim::search::Lookups {
            review: None,
            findings: Some(&findings),
            budget: None,
            matter_dir: Some(&dir),
        },
        &verbatim::sample::CreateRequest {
            name: "blind".into(),
            query: Some("strong:yes".into()),
            size: Some(4),
            strata: Vec::new(),
            allocate: None,
            expected: Default::default(),
            seed: Some(11),
            by: "lead".into(),
            kind: verbatim::sample::Kind::Sample,
        },
    )
    .unwrap();
    let members: Vec<String> = smp.members.iter().map(|m| m.id.clone()).collect();
    // Bob has called the first member already.
    let mut j = verbatim::review::Journal::open(&dir).unwrap();
    j.append("bob", |_| {
        Ok(vec![verbatim::review::Draft {
            conversations: vec![members[0].clone()],
            action: verbatim::review::Action::Tag,
            value: serde_json::json!("not-relevant"),
            replaces: Vec::new(),
            via: None,
        }])
    })
    .unwrap();
    let mut r = rig_on(tmp, dir, false);
    let fx = r.app.start_blind("blind", members.clone());
    r.pump(fx);
    assert_eq!(r.app.screen, Screen::Transcript);
    let rd = r.app.reading.as_ref().unwrap();
    assert_eq!(rd.id, members[0]);
    assert!(rd.loaded.as_ref().unwrap().findings.is_empty());
    assert!(rd.withheld.as_ref().is_some_and(|w| !w.findings.is_empty()));
    let screen = r.text(160, 48);
    assert!(
        screen.contains("blind review of sample blind: member 1 of 4"),
        "{screen}"
    );
    assert!(!screen.contains("findings:"), "{screen}");
    assert!(
        !screen.contains("not-relevant ") || !screen.contains("tags: not-relevant"),
        "{screen}"
    );
    assert!(screen.contains("tags: -"), "{screen}");
    // Compare, the list, search and export are not offered before the call.
    r.press(key('c'));
    assert_eq!(r.app.screen, Screen::Transcript);
    assert!(
        r.app
            .status
            .as_ref()
            .unwrap()
            .0
            .contains("once you have made your call")
    );
    for k in ['/', 'e', 'p'] {
        r.press(key(k));
        assert_eq!(r.app.screen, Screen::Transcript);
        assert!(r.app.overlay.is_none());
    }
    r.press(code(KeyCode::Esc));
    assert_eq!(r.app.screen, Screen::Transcript);
    // Ann's call (bob's tag is not hers to toggle off): the findings appear.
    r.press(key('1'));
    let st = r.app.journal.state().get(&members[0]).unwrap().clone();
    assert!(st.tag_by["reproduces-article"].contains("ann"));
    let rd = r.app.reading.as_ref().unwrap();
    assert!(!rd.loaded.as_ref().unwrap().findings.is_empty());
    assert!(r.text(160, 48).contains("findings:"));
    // On through the sample in its order; r skips what ann coded.
    r.press(key(']'));
    assert_eq!(r.app.reading.as_ref().unwrap().id, members[1]);
    r.press(key('['));
    assert_eq!(r.app.reading.as_ref().unwrap().id, members[0]);
    r.press(key('r'));
    assert_eq!(r.app.reading.as_ref().unwrap().id, members[1]);
    for _ in 0..3 {
        r.press(key('3'));
        r.press(key('r'));
    }
    assert!(
        r.app
            .status
            .as_ref()
            .unwrap()
            .0
            .contains("every member of sample blind is coded by you")
    );
}

#[test]
fn the_progress_screen_shows_each_sample_with_its_running_estimate() {
    let mut r = rig();
    let bin = env!("CARGO_BIN_EXE_verbatim");
    let out = std::process::Command::new(bin)
        .args([
            "--matter",
            r.dir.to_str().unwrap(),
            "--quiet",
            "sample",
            "create",
            "s",
            "--size",
            "3",
            "--seed",
            "2",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    r.search("sample:s");
    assert_eq!(r.app.results.total, Some(3));
    r.press(key('1'));
    r.press(key('j'));
    r.press(key('3'));
    r.press(key('p'));
    let screen = r.text(160, 48);
    assert!(
        screen.contains("s: 2 of 3 reviewed · reproduces-article 50.0%"),
        "{screen}"
    );
}

/// A primed conversation: the compare view marks the article text the user supplied (and the
/// reply did not copy back) between « », and says what the mark means.
#[test]
fn the_compare_view_marks_what_the_user_supplied() {
    let mut r = rig();
    r.search("elicitation:primed");
    assert!(r.app.results.total.unwrap() > 0);
    r.press(key('c'));
    assert_eq!(r.app.screen, Screen::Compare);
    let rd = r.app.reading.as_ref().unwrap();
    let l = rd.loaded.as_ref().unwrap();
    let f = &l.findings[0];
    assert_eq!(
        f.elicitation,
        Some(verbatim::detect::elicitation::Elicitation::Primed)
    );
    assert!(!l.supplied[&f.article].article.is_empty());
    // Scroll the article pane back to its start, where the supplied opening usually is.
    r.press(key('g'));
    let screen = r.text(160, 48);
    assert!(screen.contains('«') && screen.contains('»'), "{screen}");
    assert!(screen.contains("« »: supplied, not copied"), "{screen}");
    let screen = r.text(80, 24);
    assert!(screen.contains("«»: supplied"), "{screen}");
}

/// The demo with its replies grouped: the same article reproduced in several conversations.
fn grouped_rig() -> Rig {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    verbatim::demo::build(&dir, &mut verbatim::progress::Silent).unwrap();
    let idx = verbatim::index::ConvIndex::open(&dir.join("index")).unwrap();
    let g = verbatim::groups::build_once(
        &idx,
        0.8,
        verbatim::groups::Scope::Reply,
        20,
        "lead",
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap();
    assert!(g.groups.len() > 5, "the demo's reproductions group");
    verbatim::groups::save(&dir, &g).unwrap();
    drop(idx);
    rig_on(tmp, dir, false)
}

#[test]
fn groups_fold_to_one_row_and_a_member_shows_its_differences() {
    let mut r = grouped_rig();
    r.press(key('s'));
    r.search("group:any");
    let all = r.app.results.total.unwrap();
    r.press(key('z'));
    assert!(r.app.results.fold);
    let folded = r.app.results.total.unwrap() as usize;
    assert!((folded as u64) < all, "{folded} rows for {all}");
    let rows: Vec<_> = (0..folded)
        .map(|i| r.app.results.row(i).cloned().unwrap())
        .collect();
    // Every row stands for a group, and together they stand for every match.
    let stood: usize = rows
        .iter()
        .map(|row| row.group.as_ref().unwrap().folded.unwrap())
        .sum();
    assert!(stood as u64 >= all, "{stood} < {all}");
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        r.app.results.millis = 0.0;
        let t = r.draw(w, h);
        insta::assert_snapshot!(format!("groups_folded_{w}x{h}"), stable(styled(&t)));
    }
    r.press(key('z'));
    assert_eq!(r.app.results.total, Some(all));

    // A member that is not its group's principal: its changed words are marked.
    let placed = verbatim::groups::load(&r.dir).unwrap().unwrap();
    let (gid, member) = placed
        .groups
        .iter()
        .flat_map(|g| {
            g.members
                .iter()
                .filter(|m| m.conversation != g.members[0].conversation)
                .map(move |m| (m.similarity, g.id.clone(), m.conversation.clone()))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, g, m)| (g, m))
        .unwrap();
    r.search(&format!("id:{member}"));
    r.press(code(KeyCode::Enter));
    let d = r
        .app
        .reading
        .as_ref()
        .unwrap()
        .loaded
        .as_ref()
        .unwrap()
        .diff
        .clone();
    let d = d.expect("a member is compared with its principal");
    assert_eq!(d.group, gid);
    assert!(d.marks.changed_words + d.marks.missing_words > 0);
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let t = r.draw(w, h);
        insta::assert_snapshot!(format!("groups_diff_{w}x{h}"), stable(styled(&t)));
    }
    r.press(key('d'));
    assert!(!r.app.reading.as_ref().unwrap().show_diff);
    // Z lists the member's group.
    r.press(key('Z'));
    assert_eq!(r.app.screen, Screen::Search);
    assert_eq!(r.app.results.query, format!("group:{gid}"));
    assert!(r.app.results.total.unwrap() >= 2);
}

#[test]
fn coding_a_principal_offers_its_group_as_one_event_one_undo_reverts() {
    let mut r = grouped_rig();
    let placed = verbatim::groups::load(&r.dir).unwrap().unwrap();
    let g = placed
        .groups
        .iter()
        .max_by_key(|g| verbatim::groups::coding::targets(g, 0.8).len())
        .unwrap()
        .clone();
    let principal = g.members[0].conversation.clone();
    let targets = verbatim::groups::coding::targets(&g, 0.8);
    assert!(!targets.is_empty());
    let tag = r.app.palette.by_key(1).unwrap().name.clone();
    r.search(&format!("id:{principal}"));
    r.press(code(KeyCode::Enter));
    r.press(key('1'));
    let Some(Overlay::GroupOffer(o)) = r.app.overlay.clone() else {
        panic!("no offer after coding a principal: {:?}", r.app.overlay);
    };
    assert_eq!(o.group, g.id);
    // Down to the lowest floor (0.80): every member.
    for _ in 0..5 {
        r.press(code(KeyCode::Right));
    }
    let Some(Overlay::GroupOffer(o)) = r.app.overlay.clone() else {
        panic!("the offer closed on an arrow key");
    };
    assert_eq!(o.floor(), (0.8, targets.len()));
    r.press(key('y'));
    let st = r.app.journal.state();
    for id in &targets {
        assert!(st.has_tag(id, &tag), "{id} not coded with the group");
    }
    let last = st.events().last().unwrap();
    assert_eq!(last.targets().count(), targets.len());
    assert_eq!(last.via.as_ref().unwrap()["group"], g.id.as_str());
    assert_eq!(last.via.as_ref().unwrap()["principal"], principal.as_str());
    let audit = std::fs::read_to_string(r.dir.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"group_coding\""));
    // One undo reverts the group; the principal's own call stays.
    r.press(key('u'));
    let st = r.app.journal.state();
    assert!(targets.iter().all(|id| !st.has_tag(id, &tag)));
    assert!(st.has_tag(&principal, &tag));
    // Declined: nothing but the principal's call is written.
    r.press(key('1'));
    assert!(!r.app.journal.state().has_tag(&principal, &tag));
    let before = r.app.journal.state().event_count();
    r.press(key('1'));
    assert!(matches!(r.app.overlay, Some(Overlay::GroupOffer(_))));
    r.press(key('n'));
    assert!(r.app.overlay.is_none());
    assert_eq!(r.app.journal.state().event_count(), before + 1);
}

#[test]
fn a_chatgpt_conversation_s_branches_are_one_family() {
    let tmp = tempfile::tempdir().unwrap();
    let node = |id: &str, parent: Option<&str>, role: &str, text: &str, t: f64| {
        serde_json::json!({"id": id, "parent": parent, "children": [], "message": {
            "id": id, "author": {"role": role}, "create_time": t,
            "content": {"content_type": "text", "parts": [text]}}})
    };
    let export = serde_json::json!([{
        "title": "Regenerated", "conversation_id": "c1", "current_node": "a2",
        "mapping": {
            "u": node("u", None, "user", "Give me the article about the bridge vote.", 1.0),
            "a1": node("a1", Some("u"), "assistant", "A first answer about the bridge vote.", 2.0),
            "a2": node("a2", Some("u"), "assistant", "The regenerated answer about the vote.", 3.0),
        }
    }]);
    let f = tmp.path().join("conversations.json");
    std::fs::write(&f, export.to_string()).unwrap();
    let dir = matter_of_file(tmp.path(), f);
    let mut r = rig_on(tmp, dir, false);
    assert_eq!(r.app.results.total, Some(2));
    r.search("id:c1");
    r.press(code(KeyCode::Enter));
    let text = r.text(100, 30);
    assert!(text.contains("family: c1"), "{text}");
    r.press(key('f'));
    assert_eq!(r.app.results.query, "family:c1");
    assert_eq!(r.app.results.total, Some(2));
    // The two members in either order (their relevance ties): Enter opens one, `]` the other.
    r.press(code(KeyCode::Enter));
    let first = r.app.reading.as_ref().unwrap().id.clone();
    r.press(key(']'));
    let second = r.app.reading.as_ref().unwrap().id.clone();
    let mut both = [first, second];
    both.sort();
    assert_eq!(both, ["c1".to_string(), "c1/branch-2".to_string()]);
}
