//! The review journal under crashes and concurrent writers, and review filters in queries.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::json;
use verbatim::review::{Action, Draft, Journal};

const CHILD_ENV: &str = "VERBATIM_TEST_JOURNAL_CHILD";

/// Not a test on its own: the body of the child processes below. Appends events in a loop
/// and prints `saved SEQ` once each is acknowledged (fsynced).
#[test]
#[ignore]
fn journal_child_writer() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.split(',');
    let dir = std::path::PathBuf::from(parts.next().unwrap());
    let who = parts.next().unwrap().to_string();
    let count: u64 = parts.next().unwrap().parse().unwrap();
    let mut j = Journal::open(&dir).unwrap();
    for i in 0..count {
        let e = j
            .append(&who, |_| {
                Ok(vec![Draft {
                    conversations: vec![format!("{who}-{i}")],
                    action: if i % 3 == 2 {
                        Action::Note
                    } else {
                        Action::Tag
                    },
                    value: json!(format!("t{}", i % 7)),
                    replaces: Vec::new(),
                    via: None,
                }])
            })
            .unwrap();
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "saved {} {}",
            e[0].seq,
            e[0].conversation.as_deref().unwrap()
        )
        .unwrap();
        out.flush().unwrap();
    }
}

fn child(dir: &std::path::Path, who: &str, count: u64) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--ignored",
        "--exact",
        "journal_child_writer",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD_ENV, format!("{},{who},{count}", dir.display()))
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    c
}

/// A small deterministic generator for kill times.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn killed_writer_never_loses_an_acknowledged_event() {
    let tmp = tempfile::tempdir().unwrap();
    let mut seed = 0x9e3779b97f4a7c15u64;
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..50 {
        let mut proc = child(tmp.path(), &format!("r{round}"), 1_000_000)
            .spawn()
            .unwrap();
        let stdout = proc.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("saved ") {
                    let _ = tx.send(rest.to_string());
                }
            }
        });
        // Wait for the first acknowledgement so the child is really writing, then kill it
        // a random moment later.
        let first = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("child never wrote");
        acknowledged.push(first);
        std::thread::sleep(Duration::from_micros(next(&mut seed) % 40_000));
        // SAFETY: sending a signal to our own child.
        unsafe { libc::kill(proc.id() as i32, libc::SIGKILL) };
        let _ = proc.wait();
        reader.join().unwrap();
        acknowledged.extend(rx.try_iter());
        // Every acknowledged event is in the replay.
        let j = Journal::open(tmp.path()).unwrap();
        let state = j.state();
        for a in &acknowledged {
            let (seq, conv) = a.split_once(' ').unwrap();
            let seq: u64 = seq.parse().unwrap();
            let e = state
                .event(seq)
                .unwrap_or_else(|| panic!("round {round}: event {seq} lost"));
            assert_eq!(e.conversation.as_deref(), Some(conv), "round {round}");
        }
        // At most the torn tail of the killed write is reported.
        assert!(j.problems().len() <= 1, "round {round}: {:?}", j.problems());
    }
    assert!(acknowledged.len() >= 50);
}

#[test]
fn two_concurrent_writers_never_corrupt_the_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let a = child(tmp.path(), "ann", 1000).spawn().unwrap();
    let b = child(tmp.path(), "bob", 1000).spawn().unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    let j = Journal::open(tmp.path()).unwrap();
    assert!(j.problems().is_empty(), "{:?}", j.problems());
    let events: Vec<_> = j.state().events().collect();
    assert_eq!(events.len(), 2000);
    // Sequence numbers are 1..=2000 with no gap or repeat, and each writer's events are all there.
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
    }
    for who in ["ann", "bob"] {
        assert_eq!(events.iter().filter(|e| e.reviewer == who).count(), 1000);
    }
}

#[test]
fn tag_filters_combine_with_queries() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..10)
        .map(|i| {
            let topic = if i % 2 == 0 {
                "tidal barrage"
            } else {
                "wind farm"
            };
            openai_line(
                &format!("c{i}"),
                &format!("tell me about the {topic}"),
                "Here you go.",
            )
        })
        .collect();
    let f = write(tmp.path(), "in.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(
        run(&m, &["--quiet", "import", f.to_str().unwrap()])
            .status
            .success()
    );
    let count = |q: &str| -> u64 {
        let out = run(&m, &["search", "--count", q]);
        assert!(out.status.success(), "{q}: {}", stderr(&out));
        stdout(&out).trim().parse().unwrap()
    };
    assert!(
        run(
            &m,
            &[
                "--reviewer",
                "ann",
                "tag",
                "c0",
                "hot",
                "reproduces-article"
            ]
        )
        .status
        .success()
    );
    assert!(
        run(&m, &["--reviewer", "bob", "tag", "c1", "hot"])
            .status
            .success()
    );
    assert!(
        run(
            &m,
            &[
                "--reviewer",
                "bob",
                "note",
                "c2",
                "Compare",
                "with",
                "the",
                "Times"
            ]
        )
        .status
        .success()
    );
    // Bulk: needs confirmation when there is no terminal to ask on.
    let out = run(&m, &["tag", "--query", "wind farm", "not-relevant"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--yes"));
    let out = run(
        &m,
        &[
            "--reviewer",
            "cy",
            "--json",
            "tag",
            "--query",
            "wind farm",
            "not-relevant",
            "--yes",
        ],
    );
    assert!(out.status.success());
    let ev = json(&out);
    assert_eq!(
        ev["conversations"].as_array().unwrap().len(),
        5,
        "one bulk event listing them"
    );

    assert_eq!(count("tag:hot"), 2);
    assert_eq!(count("tag:hot AND tidal"), 1);
    assert_eq!(count("wind AND -tag:hot"), 4);
    assert_eq!(count("tidal NOT tag:hot"), 4);
    assert_eq!(count("reviewed:yes"), 6);
    assert_eq!(count("reviewed:no"), 4);
    assert_eq!(count("reviewed:no AND tidal"), 4);
    assert_eq!(count("reviewer:bob"), 2);
    assert_eq!(count("reviewer:cy OR tag:reproduces-article"), 6);
    assert_eq!(count("note:times"), 1);
    assert_eq!(count("note:\"with the times\""), 1);
    assert_eq!(count("tag:echo-only"), 0);

    // Undo the bulk event: its five conversations are unreviewed again.
    assert!(run(&m, &["--reviewer", "cy", "undo"]).status.success());
    assert_eq!(count("reviewed:no"), 8);
    let v = json(&run(&m, &["--json", "tags"]));
    assert_eq!(v["reviewed"], 1 + 1);
    assert_eq!(v["by_reviewer"]["hot"]["ann"], 1);
    assert_eq!(v["by_reviewer"]["hot"]["bob"], 1);

    // Every coding event and search is in an intact audit trail.
    let out = run(&m, &["audit", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let trail = stdout(&run(&m, &["--json", "audit", "--by", "bob"]));
    assert_eq!(trail.lines().count(), 2, "{trail}");
    let path = m.join("audit.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"hot\"", "\"cold\"", 1)).unwrap();
    let out = run(&m, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("BROKEN at entry"), "{}", stdout(&out));
}

/// A matter of conversations c0, c1, c2.
fn three_conversations() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..3)
        .map(|i| common::openai_line(&format!("c{i}"), "hello", "hi"))
        .collect();
    let f = common::write(tmp.path(), "in.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(
        common::run(&m, &["import", f.to_str().unwrap()])
            .status
            .success()
    );
    (tmp, m)
}

#[test]
fn a_call_replaces_the_rest_of_its_exclusive_group_in_one_undoable_event() {
    let (_tmp, m) = three_conversations();
    let tags = |id: &str| -> Vec<String> {
        Journal::open(&m)
            .unwrap()
            .state()
            .get(id)
            .map(|c| c.tags.iter().cloned().collect())
            .unwrap_or_default()
    };
    let ok = |args: &[&str]| {
        let o = common::run(&m, args);
        assert!(o.status.success(), "{args:?}: {}", common::stderr(&o));
        common::stdout(&o)
    };
    ok(&[
        "--reviewer",
        "ann",
        "tag",
        "c1",
        "reproduces-article",
        "hot",
    ]);
    // bob's call replaces ann's: one event, which names what it removed.
    let out = ok(&["--reviewer", "bob", "tag", "c1", "echo-only"]);
    assert!(out.contains("removing"), "{out}");
    let mut now = tags("c1");
    now.sort();
    assert_eq!(now, ["echo-only", "hot"], "hot is in no group and stays");
    // One undo restores the call as it was.
    ok(&["--reviewer", "bob", "undo"]);
    let mut now = tags("c1");
    now.sort();
    assert_eq!(now, ["hot", "reproduces-article"]);
    // Two calls of one group at once are refused; a bulk call replaces too.
    let o = common::run(&m, &["tag", "c2", "echo-only", "not-relevant"]);
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("exclusive group"),
        "{}",
        common::stderr(&o)
    );
    ok(&["tag", "--query", "hello", "not-relevant", "--yes"]);
    for id in ["c0", "c1", "c2"] {
        assert!(
            !tags(id).contains(&"reproduces-article".to_string()),
            "{id}"
        );
        assert!(tags(id).contains(&"not-relevant".to_string()), "{id}");
    }
}

#[test]
fn a_required_note_is_enforced_and_tags_check_lists_what_breaks_a_rule() {
    let (_tmp, m) = three_conversations();
    // Coded before the rule existed: two calls at once (written straight to the journal).
    let mut j = Journal::open(&m).unwrap();
    j.append("old", |_| {
        Ok(["reproduces-article", "echo-only"]
            .iter()
            .map(|t| Draft {
                conversations: vec!["c0".into()],
                action: Action::Tag,
                value: json!(t),
                replaces: Vec::new(),
                via: None,
            })
            .collect())
    })
    .unwrap();
    let cfg = std::fs::read_to_string(m.join("config.toml")).unwrap();
    std::fs::write(
        m.join("config.toml"),
        format!("{cfg}\n[require]\nnote = [\"reproduces-article\"]\n"),
    )
    .unwrap();
    let o = common::run(&m, &["tag", "c1", "reproduces-article"]);
    assert!(!o.status.success());
    assert!(
        common::stderr(&o).contains("requires a note"),
        "{}",
        common::stderr(&o)
    );
    let o = common::run(
        &m,
        &["tag", "--query", "hello", "reproduces-article", "--yes"],
    );
    assert!(
        common::stderr(&o).contains("nothing was tagged"),
        "{}",
        common::stderr(&o)
    );
    assert!(
        common::run(&m, &["note", "c1", "Paragraphs 2-4 verbatim"])
            .status
            .success()
    );
    assert!(
        common::run(&m, &["tag", "c1", "reproduces-article"])
            .status
            .success()
    );
    let o = common::run(&m, &["tags", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = common::stdout(&o);
    assert!(
        out.contains("c0: reproduces-article requires a note"),
        "{out}"
    );
    assert!(out.contains("exclusive group call"), "{out}");
    assert!(!out.contains("c1"), "{out}");
}

/// Review filters keep their member sets with the review state and update them event by
/// event: after every tag, untag, undo and note, by this process or another, and after more
/// conversations arrive in a new segment, each filter counts exactly what a state replayed
/// afresh (which has no kept sets) counts.
#[test]
fn kept_review_filter_sets_follow_every_change() {
    use verbatim::index::ConvIndex;
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    let batch = |from: usize, to: usize, name: &str| {
        let lines: Vec<String> = (from..to)
            .map(|i| openai_line(&format!("c{i}"), "tell me about the barrage", "Here."))
            .collect();
        write(tmp.path(), name, lines.join("\n").as_bytes())
    };
    import_files(&m, &[batch(0, 40, "a.jsonl")]);
    let index = ConvIndex::open(&m.join("index")).unwrap();
    let mut mine = Journal::open(&m).unwrap();
    let mut other = Journal::open(&m).unwrap();
    let queries = [
        "tag:hot",
        "-tag:hot",
        "barrage AND tag:echo-only",
        "reviewed:no",
        "reviewed:yes AND NOT tag:hot",
        "reviewer:ann",
        "reviewer:bob OR tag:hot",
        "note:barrage",
    ];
    let check = |j: &Journal, step: usize| {
        let fresh = j.state().clone();
        for q in queries {
            let kept = verbatim::search::count(&index, Some(j.state()), q).unwrap();
            let afresh = verbatim::search::count(&index, Some(&fresh), q).unwrap();
            assert_eq!(kept, afresh, "step {step}: {q}");
        }
    };
    check(&mine, 0);
    let mut seed = 7u64;
    let mut convs = 40;
    for step in 1..=300 {
        if step == 150 {
            // More conversations, in a new segment the kept sets have not seen.
            import_files(&m, &[batch(40, 60, "b.jsonl")]);
            index.reload().unwrap();
            convs = 60;
        }
        let who = ["ann", "bob"][(next(&mut seed) % 2) as usize];
        let j = if next(&mut seed).is_multiple_of(3) {
            &mut other
        } else {
            &mut mine
        };
        let id = format!("c{}", next(&mut seed) % convs);
        let draft = match next(&mut seed) % 6 {
            0 | 1 => Some((
                Action::Tag,
                json!(["hot", "echo-only"][(next(&mut seed) % 2) as usize]),
            )),
            2 => Some((Action::Untag, json!("hot"))),
            3 => Some((
                Action::Note,
                json!(["barrage ahead", ""][(next(&mut seed) % 2) as usize]),
            )),
            _ => j
                .state()
                .last_undoable(who)
                .map(|e| (Action::Undo, json!(e.seq))),
        };
        let Some((action, value)) = draft else {
            continue;
        };
        let conversations = match action {
            Action::Undo => {
                let target = value.as_u64().unwrap();
                j.state()
                    .event(target)
                    .unwrap()
                    .targets()
                    .map(String::from)
                    .collect()
            }
            _ => vec![id],
        };
        j.append(who, |_| {
            Ok(vec![Draft {
                conversations,
                action,
                value,
                replaces: Vec::new(),
                via: None,
            }])
        })
        .unwrap();
        // Both catch up, as the interface's worker does before each search.
        mine.refresh().unwrap();
        other.refresh().unwrap();
        check(&mine, step);
        check(&other, step);
    }
}
