//! The review interface on a large matter, driven through `App` with a `TestBackend`: start to
//! first frame, key-press to frame for navigation (p50/p99), time to first results of typical
//! queries, and memory while scrolling through 100,000 results.
//!
//! cargo bench --bench tui                                   # 100,000 conversations
//! VERBATIM_BENCH_CONVERSATIONS=1000000 cargo bench --bench tui

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use verbatim::tui::app::{Action, App, Effect};
use verbatim::tui::keymap::KeyMap;
use verbatim::tui::theme::{Theme, ThemeName};
use verbatim::tui::worker::{Core, Response};

#[path = "common/mod.rs"]
mod common;
use common::{env_u64, matter, median, percentile, rss_anon_mib};

/// Serves requests the way the workers do (outside the timed key-to-frame path).
fn serve(core: &Core, app: &mut App, mut fx: Vec<Effect>) {
    while !fx.is_empty() {
        let mut next = Vec::new();
        for e in fx {
            if let Effect::Request(r) = e {
                next.extend(app.handle(Action::Response(core.serve(r))));
            }
        }
        next.extend(app.page_effects());
        fx = next;
    }
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn main() {
    let n = env_u64("VERBATIM_BENCH_CONVERSATIONS", 100_000);
    let m = matter(n);
    // With VERBATIM_BENCH_CODED (percent), the matter starts with a journal that codes that
    // share of it in bulk events of 1,000 (the matter's own journal is set aside meanwhile).
    let coded = n * env_u64("VERBATIM_BENCH_CODED", 0).min(100) / 100;
    let journal = m.join("review.jsonl");
    let aside = m.join("review.jsonl.bench-aside");
    if coded > 0 {
        if journal.exists() {
            std::fs::rename(&journal, &aside).unwrap();
        }
        common::coded_journal(&journal, n, coded, 1000);
    }
    println!("## review interface, {n}-conversation matter, {coded} coded, 160x48 TestBackend\n");
    println!("| measure | value |");
    println!("|---|---|");

    // Start to first frame: open the matter, run the opening search, draw. As the interface
    // starts: the journal is replayed meanwhile on another thread (the worker's, copied for
    // the interface), and coding waits for it; the second figure is when it arrives.
    let mut starts = Vec::new();
    let mut readies = Vec::new();
    let mut kept = None;
    for _ in 0..5 {
        let t = Instant::now();
        let core = std::sync::Arc::new(Core::open(&m, "bench").unwrap());
        let loader = {
            let core = core.clone();
            std::thread::spawn(move || core.journal_copy().unwrap())
        };
        let mut app = App::with_journal(
            &m,
            "bench",
            KeyMap::defaults(),
            Theme::new(ThemeName::Dark, true),
            core.num_docs(),
            verbatim::review::Journal::unread(&m),
        )
        .unwrap();
        app.reading_journal();
        let fx = app.start();
        serve(&core, &mut app, fx);
        let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
        term.draw(|f| verbatim::tui::view::draw(f, &mut app))
            .unwrap();
        starts.push(t.elapsed().as_secs_f64() * 1000.0);
        let journal = loader.join().unwrap();
        let fx = app.handle(Action::Response(Response::Journal(Ok(Box::new(journal)))));
        serve(&core, &mut app, fx);
        term.draw(|f| verbatim::tui::view::draw(f, &mut app))
            .unwrap();
        readies.push(t.elapsed().as_secs_f64() * 1000.0);
        kept = Some((core, app, term));
    }
    println!(
        "| start to first frame (median of 5) | {:.0} ms |",
        median(&mut starts)
    );
    println!(
        "| start to the journal read and drawn, coding possible (median of 5) | {:.0} ms |",
        median(&mut readies)
    );
    let (core, mut app, mut term) = kept.unwrap();

    // Time to first results: Enter on a query until its first page is drawn.
    for q in [
        "price w/5 increase",
        "assistant:\"according to\"",
        "model:gpt-4 AND turns:>=3",
        "climat* OR weather",
    ] {
        let mut times = Vec::new();
        for _ in 0..5 {
            app.handle(key(KeyCode::Char('/')));
            app.handle(Action::Key(KeyEvent::new(
                KeyCode::Char('u'),
                KeyModifiers::CONTROL,
            )));
            for c in q.chars() {
                app.handle(key(KeyCode::Char(c)));
            }
            let t = Instant::now();
            let fx = app.handle(key(KeyCode::Enter));
            serve(&core, &mut app, fx);
            term.draw(|f| verbatim::tui::view::draw(f, &mut app))
                .unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "| first results of `{q}` ({} hits), median | {:.0} ms |",
            app.results.total.unwrap_or(0),
            median(&mut times)
        );
    }

    // Navigation: key to frame, page fetches served off the timed path as the workers would.
    let fx = {
        app.handle(key(KeyCode::Char('/')));
        app.handle(Action::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
        app.handle(key(KeyCode::Enter))
    };
    serve(&core, &mut app, fx);
    let mut nav = Vec::new();
    for i in 0..2000 {
        let k = match i % 10 {
            0..=5 => KeyCode::Char('j'),
            6 | 7 => KeyCode::PageDown,
            8 => KeyCode::Char('k'),
            _ => KeyCode::PageUp,
        };
        let t = Instant::now();
        let fx = app.handle(key(k));
        term.draw(|f| verbatim::tui::view::draw(f, &mut app))
            .unwrap();
        nav.push(t.elapsed().as_secs_f64() * 1000.0);
        serve(&core, &mut app, fx);
        let fx = app.page_effects();
        serve(&core, &mut app, fx);
    }
    println!(
        "| result list key to frame (j/k/PgDn/PgUp, 2,000 keys) p50 / p99 | {:.2} / {:.2} ms |",
        percentile(&mut nav, 0.50),
        percentile(&mut nav, 0.99)
    );
    // Transcript: open, then scroll and jump between hits.
    app.handle(key(KeyCode::Char('/')));
    for c in "the".chars() {
        app.handle(key(KeyCode::Char(c)));
    }
    let fx = app.handle(key(KeyCode::Enter));
    serve(&core, &mut app, fx);
    let fx = app.handle(key(KeyCode::Enter));
    serve(&core, &mut app, fx);
    let mut tr = Vec::new();
    for i in 0..1000 {
        let k = match i % 4 {
            0 => KeyCode::Char('n'),
            1 | 2 => KeyCode::Char('j'),
            _ => KeyCode::Char('N'),
        };
        let t = Instant::now();
        let fx = app.handle(key(k));
        term.draw(|f| verbatim::tui::view::draw(f, &mut app))
            .unwrap();
        tr.push(t.elapsed().as_secs_f64() * 1000.0);
        serve(&core, &mut app, fx);
    }
    println!(
        "| transcript key to frame (n/N/j, 1,000 keys) p50 / p99 | {:.2} / {:.2} ms |",
        percentile(&mut tr, 0.50),
        percentile(&mut tr, 0.99)
    );

    // Memory while scrolling 100,000 results.
    app.handle(key(KeyCode::Char('q')));
    app.handle(key(KeyCode::Char('/')));
    app.handle(Action::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    let fx = app.handle(key(KeyCode::Enter));
    serve(&core, &mut app, fx);
    let before = rss_anon_mib();
    let mut peak: f64 = before;
    let goal = 100_000.min(app.results.len());
    let t = Instant::now();
    while app.results.selected + 1 < goal {
        let fx = app.handle(key(KeyCode::PageDown));
        serve(&core, &mut app, fx);
        term.draw(|f| verbatim::tui::view::draw(f, &mut app))
            .unwrap();
        if app.results.selected % 5_000 < 50 {
            peak = peak.max(rss_anon_mib());
        }
    }
    peak = peak.max(rss_anon_mib());
    println!(
        "| scrolling {} results page by page: anonymous RSS before / peak | {:.0} / {:.0} MiB ({} rows held at the end, {:.1} s) |",
        goal,
        before,
        peak,
        app.results.rows_held(),
        t.elapsed().as_secs_f64()
    );
    if coded > 0 {
        drop((core, app));
        std::fs::remove_file(&journal).unwrap();
        if aside.exists() {
            std::fs::rename(&aside, &journal).unwrap();
        }
    }
}
