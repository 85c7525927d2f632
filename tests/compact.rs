//! `verbatim compact` merges an index's segments and changes no answer: the same
//! conversations, counts and scores, the merged segments' files gone, the trail intact. A
//! compaction killed at any moment leaves the index whole.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

/// Segment ids named by the index's `meta.json`.
fn segments(m: &Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m.join("index/meta.json")).unwrap()).unwrap();
    meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect()
}

/// Segment files in the index directory that belong to no segment of `meta.json`.
fn stray_files(m: &Path) -> Vec<String> {
    let live = segments(m);
    std::fs::read_dir(m.join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "meta.json")
        .filter(|n| !live.iter().any(|s| n.starts_with(s.as_str())))
        .collect()
}

/// A matter imported from `files` files of `per_file` conversations each, one import (and so
/// at least one segment) per file.
fn matter_of_imports(tmp: &Path, files: usize, per_file: usize) -> std::path::PathBuf {
    let m = tmp.join("m");
    let topics = [
        "budget minister",
        "penguin colony",
        "sourdough starter",
        "harbour bridge",
    ];
    for f in 0..files {
        let lines: Vec<String> = (0..per_file)
            .map(|i| {
                let n = f * per_file + i;
                openai_line(
                    &format!("c{n}"),
                    &format!("tell me about the {} number {n}", topics[n % topics.len()]),
                    &format!(
                        "The {} is a fine subject; here are {} facts about it, number {n}.",
                        topics[(n / 3) % topics.len()],
                        n % 7
                    ),
                )
            })
            .collect();
        let p = write(tmp, &format!("in{f}.jsonl"), lines.join("\n").as_bytes());
        run_ok(&m, &["--quiet", "import", p.to_str().unwrap()]);
    }
    m
}

const QUERIES: &[&str] = &[
    "penguin",
    "\"harbour bridge\"",
    "colony w/8 facts",
    "sourdough OR penguin",
    "number AND NOT penguin",
    "start*",
];

fn answers(m: &Path) -> Vec<(u64, Vec<(i64, String)>)> {
    QUERIES
        .iter()
        .map(|q| hit_set(&json(&run(m, &["--json", "search", q, "--limit", "1000"]))))
        .collect()
}

#[test]
fn compacting_changes_no_answer_and_leaves_no_stray_files() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_imports(tmp.path(), 3, 60);
    assert_eq!(segments(&m).len(), 3, "one segment per import");
    let before = answers(&m);
    assert!(before.iter().all(|(n, _)| *n > 0), "{before:?}");

    let out = run_ok(&m, &["compact", "--segments", "1"]);
    assert!(
        out.contains("180 conversations: 3 segments merged into 1"),
        "{out}"
    );
    assert_eq!(segments(&m).len(), 1);
    assert!(stray_files(&m).is_empty(), "{:?}", stray_files(&m));
    assert_eq!(answers(&m), before);

    // Nothing left to merge: the same again, and the trail records both runs.
    let out = run_ok(&m, &["compact", "--segments", "1"]);
    assert!(out.contains("1 segments merged into 1"), "{out}");
    let verify = run(&m, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    let trail = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert_eq!(trail.matches("\"event\":\"compact-start\"").count(), 2);
    assert_eq!(trail.matches("\"event\":\"compact\"").count(), 2);

    // An import after it adds a segment beside the merged one, searchable as before.
    let more = write(
        tmp.path(),
        "more.jsonl",
        openai_line("late", "a penguin question", "penguin answer").as_bytes(),
    );
    run_ok(&m, &["--quiet", "import", more.to_str().unwrap()]);
    assert_eq!(segments(&m).len(), 2);
    let (n, _) = hit_set(&json(&run(
        &m,
        &["--json", "search", "penguin", "--limit", "1000"],
    )));
    assert_eq!(n, before[0].0 + 1);
}

#[test]
fn compact_refuses_zero_segments_and_a_matter_without_conversations() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("none");
    let out = run(&m, &["compact"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no matter at"), "{}", stderr(&out));
    let m = tmp.path().join("empty");
    verbatim::matter::Matter::open_or_create(&m).unwrap();
    let out = run(&m, &["compact"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("nothing to compact"),
        "{}",
        stderr(&out)
    );
    let m = matter_of_imports(tmp.path(), 1, 5);
    let out = run(&m, &["compact", "--segments", "0"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--segments"), "{}", stderr(&out));
    // An index directory replaced by a symbolic link is not written through.
    let moved = tmp.path().join("moved-index");
    std::fs::rename(m.join("index"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, m.join("index")).unwrap();
    let out = run(&m, &["compact"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    std::fs::remove_file(m.join("index")).unwrap();
    std::fs::rename(&moved, m.join("index")).unwrap();
    // More segments than there are is nothing to do, however many.
    let n = segments(&m).len();
    let out = run_ok(&m, &["compact", "--segments", "4294967295"]);
    assert!(
        out.contains(&format!("{n} segments merged into {n} ")),
        "{out}"
    );
}

/// kill -9 at moments spread over a compaction: every search answers as before, and the next
/// compaction finishes the job and removes what the killed one left.
#[test]
fn a_compaction_killed_at_any_moment_leaves_the_index_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_imports(tmp.path(), 3, 2000);
    let before = answers(&m);
    let mut killed_mid = 0;
    let mut starts = 0;
    for delay in [
        0u64, 5, 10, 20, 30, 45, 60, 80, 100, 130, 160, 200, 250, 300, 400, 500, 700, 1000, 1500,
        2000,
    ] {
        let mut child = bin()
            .arg("--matter")
            .arg(&m)
            .args(["--quiet", "compact", "--segments", "1"])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        let trail = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
        let started = trail.matches("\"event\":\"compact-start\"").count();
        // Killed after the merges began (the start is recorded just before) and before
        // they were committed.
        if !finished && started > starts && segments(&m).len() == 3 {
            killed_mid += 1;
        }
        starts = started;
        assert_eq!(answers(&m), before, "after a kill at {delay} ms");
        let n = segments(&m).len();
        assert!(n == 1 || n == 3, "{n} segments after a kill at {delay} ms");
        if n == 1 {
            break;
        }
    }
    assert!(killed_mid > 0, "no kill landed while the merges ran");
    run_ok(&m, &["--quiet", "compact", "--segments", "1"]);
    assert_eq!(segments(&m).len(), 1);
    assert!(stray_files(&m).is_empty(), "{:?}", stray_files(&m));
    assert_eq!(answers(&m), before);
    let verify = run(&m, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
}
