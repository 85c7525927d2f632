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

fn send(session: &str, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", session];
    args.extend_from_slice(keys);
    tmux(&args);
}

#[test]
fn search_open_hit_tag_undo_tag_quit_in_tmux() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("demo");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    let session = format!("verbatim-e2e-{}", std::process::id());
    let done = tmp.path().join("done");
    let stty = tmp.path().join("stty");
    let script = format!(
        "NO_COLOR=1 VERBATIM_TUI_CONFIG=/nonexistent '{}' --matter '{}' --reviewer e2e review; echo $? > '{}.code'; stty -a > '{}'; touch '{}'; sleep 30",
        env!("CARGO_BIN_EXE_verbatim"),
        m.display(),
        done.display(),
        stty.display(),
        done.display()
    );
    tmux(&["kill-session", "-t", &session]);
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "100",
        "-y",
        "30",
        &script,
    ]);
    let guard = KillSession(session.clone());

    wait_for(&session, "300 of 300 conversations", 30);
    send(&session, &["assistant:\"according to\"", "Enter"]);
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
    let t = Instant::now();
    while !done.exists() {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "the interface did not quit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let code = std::fs::read_to_string(format!("{}.code", done.display())).unwrap();
    assert_eq!(code.trim(), "0");
    // Terminal restored: back on the main screen, canonical mode and echo on.
    assert_eq!(
        tmux(&["display", "-p", "-t", &session, "#{alternate_on}"]).trim(),
        "0"
    );
    let modes = std::fs::read_to_string(&stty).unwrap();
    let words: Vec<&str> = modes.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig"] {
        assert!(words.contains(&flag), "{flag} not restored: {modes}");
    }
    drop(guard);

    // The journal holds tag, undo, tag by e2e on one conversation; it ends tagged.
    let j = verbatim::review::Journal::open(&m).unwrap();
    let ev = &j.state().events;
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

struct KillSession(String);

impl Drop for KillSession {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}
