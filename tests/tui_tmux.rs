//! The real binary in a real terminal (tmux): search, open, jump to a hit, tag, undo, tag,
//! quit; then the journal holds exactly those decisions and the terminal is back to normal
//! (no alternate screen, no raw mode).

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux is needed for this test (.ci/run installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(session: &str, what: &str, secs: u64) -> String {
    let t = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", session]);
        if screen.contains(what) {
            return screen;
        }
        assert!(
            t.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what:?}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Focuses the query bar, waits until it is being edited (so that no letter of the query is
/// taken for a command key), types `q` and runs it.
fn query(session: &str, q: &str) {
    send(session, &["/"]);
    wait_for(session, "Enter: search", 20);
    send(session, &[q, "Enter"]);
}

/// Enter opens the selected row once the new results are in: pressed until a transcript is
/// open.
fn open_selected(session: &str) {
    let t = Instant::now();
    loop {
        send(session, &["Enter"]);
        std::thread::sleep(Duration::from_millis(300));
        if tmux(&["capture-pane", "-p", "-t", session]).contains("message 1/") {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the transcript never opened"
        );
    }
}

fn send(session: &str, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", session];
    args.extend_from_slice(keys);
    tmux(&args);
}

/// The review interface of the real binary in a detached tmux session of `w`x`h`, with `env`
/// before the command; when it ends, its exit status and `stty -a` are written beside `done`.
struct Review {
    session: String,
    done: std::path::PathBuf,
    _kill: KillSession,
}

impl Review {
    fn start(
        session: &str,
        matter: &std::path::Path,
        reviewer: &str,
        env: &str,
        size: (u16, u16),
    ) -> Review {
        Self::start_with(session, matter, reviewer, env, size, "")
    }

    /// [`Review::start`] with more arguments after `review`.
    fn start_with(
        session: &str,
        matter: &std::path::Path,
        reviewer: &str,
        env: &str,
        size: (u16, u16),
        extra: &str,
    ) -> Review {
        let done = matter.with_file_name(format!("{session}.done"));
        let script = format!(
            "{env} NO_COLOR=1 VERBATIM_TUI_CONFIG=/nonexistent '{}' --matter '{}' --reviewer {reviewer} review {extra} 2>/dev/null; echo $? > '{d}.code'; stty -a > '{d}.stty'; touch '{d}'; sleep 30",
            env!("CARGO_BIN_EXE_verbatim"),
            matter.display(),
            d = done.display(),
        );
        tmux(&["kill-session", "-t", session]);
        let (w, h) = (size.0.to_string(), size.1.to_string());
        // Run where the matter is: anything written to the working directory stays there.
        let cwd = matter
            .parent()
            .unwrap_or(matter)
            .to_string_lossy()
            .into_owned();
        tmux(&[
            "new-session",
            "-d",
            "-s",
            session,
            "-c",
            &cwd,
            "-x",
            &w,
            "-y",
            &h,
            &script,
        ]);
        Review {
            session: session.to_string(),
            done,
            _kill: KillSession(session.to_string()),
        }
    }

    /// Waits for the interface to end; checks the terminal was given back (main screen,
    /// cursor shown, canonical mode, echo and signals on); returns the exit status.
    fn ended(&self, what: &str) -> String {
        let t = Instant::now();
        while !self.done.exists() {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "{what}: the interface did not end"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let screen = tmux(&[
            "display",
            "-p",
            "-t",
            &self.session,
            "#{alternate_on} #{cursor_flag}",
        ]);
        assert_eq!(screen.trim(), "0 1", "{what}: main screen and cursor back");
        let modes = std::fs::read_to_string(format!("{}.stty", self.done.display())).unwrap();
        let words: Vec<&str> = modes.split_whitespace().collect();
        for flag in ["icanon", "echo", "isig"] {
            assert!(
                words.contains(&flag),
                "{what}: {flag} not restored: {modes}"
            );
        }
        std::fs::read_to_string(format!("{}.code", self.done.display()))
            .unwrap()
            .trim()
            .to_string()
    }
}

#[test]
fn search_open_hit_tag_undo_tag_quit_in_tmux() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("demo");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    let session = format!("verbatim-e2e-{}", std::process::id());
    let review = Review::start(&session, &m, "e2e", "", (100, 30));
    wait_for(&session, "300 of 300 conversations", 30);
    query(&session, "assistant:\"according to\"");
    let screen = wait_for(&session, "37 of 300 conversations", 30);
    assert!(
        screen.contains("reading: assistant:\"according to\""),
        "{screen}"
    );
    send(&session, &["Enter"]);
    wait_for(&session, "hit 1/", 30);
    send(&session, &["n"]);
    wait_for(&session, "message", 10);
    send(&session, &["5"]);
    wait_for(&session, "saved #1: +hot", 10);
    send(&session, &["u"]);
    wait_for(&session, "saved #2: undid #1", 10);
    send(&session, &["5"]);
    wait_for(&session, "saved #3: +hot", 10);
    assert_eq!(
        tmux(&["display", "-p", "-t", &session, "#{alternate_on}"]).trim(),
        "1",
        "the interface runs on the alternate screen"
    );
    send(&session, &["q"]);
    wait_for(&session, "Query (", 10);
    send(&session, &["q"]);
    assert_eq!(review.ended("quit"), "0");

    // The journal holds tag, undo, tag by e2e on one conversation; it ends tagged.
    let j = verbatim::review::Journal::open(&m).unwrap();
    let ev: Vec<_> = j.state().events().collect();
    let actions: Vec<&str> = ev.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["tag", "undo", "tag"]);
    assert!(ev.iter().all(|e| e.reviewer == "e2e"));
    let id = ev[0].conversation.clone().unwrap();
    assert!(j.state().has_tag(&id, "hot"));
    // And the view is in the audit trail.
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains(&format!("\"conversation\":\"{id}\"")));
    assert!(verbatim::audit::verify(&m).is_ok());
}

/// A reviewer checks out a batch, reviews it as the queue in the real binary at 80x24, codes
/// each conversation, and checks it in: the batch is coded whole, by that reviewer.
#[test]
fn a_reviewer_checks_out_a_batch_codes_it_and_checks_it_in_in_tmux() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("demo");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_verbatim"))
            .arg("--matter")
            .arg(&m)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    cli(&[
        "batch",
        "create",
        "b",
        "--query",
        "reviewed:no",
        "--size",
        "5",
    ]);
    assert!(cli(&["--reviewer", "bq", "batch", "checkout"]).contains("b-001"));
    let session = format!("verbatim-batch-{}", std::process::id());
    let review = Review::start_with(&session, &m, "bq", "", (80, 24), "--batch");
    wait_for(&session, "5 of 300 conversations", 30);
    wait_for(&session, "batch b-001: 0 of 5 coded", 10);
    wait_for(&session, "batch b-001: 0/5 coded", 10);
    open_selected(&session);
    for i in 1..=5 {
        send(&session, &["1"]);
        wait_for(&session, &format!("saved #{i}:"), 15);
        if i < 5 {
            send(&session, &["]"]);
            std::thread::sleep(Duration::from_millis(400));
        }
    }
    send(&session, &["q"]);
    wait_for(&session, "batch b-001: 5/5 coded", 10);
    send(&session, &["q"]);
    assert_eq!(review.ended("quit"), "0");
    let text = cli(&["--reviewer", "bq", "batch", "checkin"]);
    assert!(text.contains("b-001 checked in: 5 of 5 coded"), "{text}");
    let j = verbatim::review::Journal::open(&m).unwrap();
    assert!(j.state().events().all(|e| e.reviewer == "bq"));
    assert_eq!(j.state().event_count(), 5);
}

struct KillSession(String);

impl Drop for KillSession {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

/// Codes a shrinking 50-conversation queue (`reviewed:no`) in the real binary at 80x24,
/// moving on with `step`; every conversation is coded once, in the order the list showed.
fn code_queue_in_tmux(step: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("demo");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    let listed = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(["--json", "--matter"])
        .arg(&m)
        .args(["search", "reviewed:no", "--limit", "50"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let expected: Vec<String> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(expected.len(), 50);
    let name = if step == "]" { "next" } else { "unreviewed" };
    let session = format!("verbatim-queue-{}-{name}", std::process::id());
    let _review = Review::start(&session, &m, "q", "", (80, 24));
    wait_for(&session, "300 of 300 conversations", 30);
    query(&session, "reviewed:no");
    wait_for(&session, "Query (/ to edit)", 30);
    open_selected(&session);
    // The open conversation's id is the transcript frame's title.
    let open_id = |screen: &str| {
        screen
            .lines()
            .filter_map(|l| l.strip_prefix("┌ "))
            .map(|t| t.split(' ').next().unwrap_or("").to_string())
            .find(|t| t.starts_with("conv-"))
    };
    let mut prev = open_id(&wait_for(&session, "┌ conv-", 15)).unwrap();
    for i in 1..=50 {
        send(&session, &["1"]);
        wait_for(&session, &format!("saved #{i}:"), 15);
        if i == 50 {
            break;
        }
        send(&session, &[step]);
        let t = Instant::now();
        loop {
            let screen = tmux(&["capture-pane", "-p", "-t", &session]);
            if let Some(id) = open_id(&screen).filter(|id| *id != prev) {
                prev = id;
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(15), "{screen}");
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    let j = verbatim::review::Journal::open(&m).unwrap();
    let coded: Vec<String> = j
        .state()
        .events()
        .map(|e| e.conversation.clone().unwrap())
        .collect();
    assert_eq!(coded, expected, "with {step}: each once, in list order");
}

#[test]
fn next_codes_a_shrinking_queue_in_order_in_tmux() {
    code_queue_in_tmux("]");
}

#[test]
fn next_unreviewed_codes_a_shrinking_queue_in_order_in_tmux() {
    code_queue_in_tmux("r");
}

/// How the interface is made to end in [`every_way_of_ending_gives_the_terminal_back`].
enum Ending {
    /// A signal sent to the process from outside.
    Signal(&'static str),
    /// A fault injected with `VERBATIM_TEST_FAULT`, triggered by typing `boom` and Enter.
    Fault(&'static str),
}

#[test]
fn every_way_of_ending_gives_the_terminal_back() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("demo");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    let cases = [
        (Ending::Signal("TERM"), "143"),
        (Ending::Signal("HUP"), "129"),
        (Ending::Signal("INT"), "130"),
        (Ending::Fault("worker-panic"), "0"),
        (Ending::Fault("worker-overflow"), "134"),
        (Ending::Fault("helper-panic"), "101"),
        (Ending::Fault("ui-panic"), "101"),
    ];
    for (i, (ending, want)) in cases.iter().enumerate() {
        let session = format!("verbatim-end-{}-{i}", std::process::id());
        let fault = match ending {
            Ending::Fault(f) => *f,
            Ending::Signal(_) => "",
        };
        // A reviewer per case: each quit keeps its place, which the next start would restore.
        let review = Review::start(
            &session,
            &m,
            &format!("e2e-{i}"),
            &format!("VERBATIM_TEST_FAULT={fault}"),
            (80, 24),
        );
        wait_for(&session, "300 of 300 conversations", 30);
        match ending {
            Ending::Signal(sig) => {
                let shell = tmux(&["display", "-p", "-t", &session, "#{pane_pid}"]);
                let child = Command::new("pgrep")
                    .args(["-P", shell.trim()])
                    .output()
                    .unwrap();
                let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
                assert!(!pid.is_empty(), "no verbatim process under {shell}");
                Command::new("kill")
                    .args([&format!("-{sig}"), &pid])
                    .status()
                    .unwrap();
            }
            Ending::Fault("worker-panic") => {
                // Caught: the request fails, the interface lives on and quits normally.
                query(&session, "boom");
                wait_for(&session, "internal error", 20);
                send(&session, &["q"]);
            }
            Ending::Fault("ui-panic" | "helper-panic") => send(&session, &["/"]),
            Ending::Fault(_) => query(&session, "boom"),
        }
        assert_eq!(
            review.ended(&format!("case {i}")),
            *want,
            "case {i}: exit status"
        );
    }
}
