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

/// Runs an import whose writer leaves alone segments of 10 conversations or more (as it
/// leaves alone those of 100,000 or more in a real import), so that small imports keep
/// segments of their own (one each: one indexing thread).
fn import(m: &Path, flags: &[&str], file: &Path) -> std::process::Output {
    bin()
        .env("VERBATIM_TEST_SEGMENT_DOCS", "20")
        .arg("--matter")
        .arg(m)
        .args(["import", "--threads", "1"])
        .args(flags)
        .arg(file)
        .output()
        .unwrap()
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
        // Each import's segment kept as it is (an import merges by itself otherwise).
        let out = import(&m, &["--no-compact"], &p);
        assert!(out.status.success(), "{}", stderr(&out));
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
        .map(|q| {
            hit_set(&json(&run(
                m,
                &["--json", "search", q, "--limit", "100000"],
            )))
        })
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
    run_ok(
        &m,
        &["--quiet", "import", "--no-compact", more.to_str().unwrap()],
    );
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
        let now = answers(&m);
        for (q, (a, b)) in QUERIES.iter().zip(now.iter().zip(&before)) {
            if a != b {
                let da: Vec<_> = a.1.iter().filter(|x| !b.1.contains(x)).take(5).collect();
                let db: Vec<_> = b.1.iter().filter(|x| !a.1.contains(x)).take(5).collect();
                panic!(
                    "{q} after a kill at {delay} ms: {} vs {}: {da:?} / {db:?}",
                    a.0, b.0
                );
            }
        }
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

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A file of `n` conversations named from `from` on.
fn production(tmp: &Path, name: &str, from: usize, n: usize) -> std::path::PathBuf {
    let lines: Vec<String> = (from..from + n)
        .map(|i| {
            openai_line(
                &format!("c{i}"),
                &format!("tell me about the penguin colony number {i}"),
                &format!("The penguin colony number {i} has {} facts.", i % 7),
            )
        })
        .collect();
    write(tmp, name, lines.join("\n").as_bytes())
}

#[test]
fn an_import_leaves_one_segment_per_core_and_changes_no_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_imports(tmp.path(), cores() + 1, 40);
    assert_eq!(segments(&m).len(), cores() + 1);
    let before = answers(&m);

    // One more import of the same size: it and every segment no larger are merged.
    let p = production(tmp.path(), "last.jsonl", 100_000, 40);
    let out = import(&m, &[], &p);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "merged the index's {} segments into {}",
            cores() + 2,
            cores()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(segments(&m).len(), cores());
    assert!(stray_files(&m).is_empty(), "{:?}", stray_files(&m));
    // The earlier answers hold (the same conversations; scores move with the matter's word
    // statistics), and the forty new conversations are found beside them.
    let ids = |a: &(u64, Vec<(i64, String)>)| -> std::collections::BTreeSet<String> {
        a.1.iter().map(|h| h.1.clone()).collect()
    };
    let after = answers(&m);
    for (q, (b, a)) in QUERIES.iter().zip(before.iter().zip(&after)) {
        let new: Vec<String> = ids(a).difference(&ids(b)).cloned().collect();
        assert!(ids(a).is_superset(&ids(b)), "{q}");
        if q.contains("penguin") && !q.contains("NOT") || q.contains("colony") {
            assert_eq!(new.len(), 40, "{q}");
            assert!(new.iter().all(|id| id.starts_with("c1000")), "{q}: {new:?}");
        } else {
            assert!(new.is_empty(), "{q}: {new:?}");
        }
    }
    let trail = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    let merged: Vec<serde_json::Value> = trail
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["event"] == "compact")
        .collect();
    assert_eq!(merged.len(), 1, "{trail}");
    assert_eq!(merged[0]["data"]["after_import"], true, "{}", merged[0]);
    let verify = run(&m, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));

    // --no-compact leaves the import's segment as it is.
    let p = production(tmp.path(), "kept.jsonl", 200_000, 40);
    let out = import(&m, &["--no-compact"], &p);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(segments(&m).len(), cores() + 1);
}

#[test]
fn a_small_import_does_not_rewrite_a_larger_segment() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_imports(tmp.path(), 3, 200);
    run_ok(&m, &["--quiet", "compact", "--segments", "1"]);
    let big = segments(&m);
    assert_eq!(big.len(), 1);
    // Small imports, each merged with the segments no larger than itself, never with the
    // large one: like a binary counter, the small segments stay few.
    let imports = cores() + 3;
    for k in 0..imports {
        let p = production(tmp.path(), &format!("small{k}.jsonl"), 10_000 + k * 10, 10);
        let out = import(&m, &[], &p);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            segments(&m).contains(&big[0]),
            "the large segment was rewritten"
        );
    }
    let n = segments(&m).len();
    assert!(n < 1 + imports, "{n} segments: nothing merged");
    assert!(n <= cores() + 2, "{n} segments");
    assert!(stray_files(&m).is_empty(), "{:?}", stray_files(&m));
    let (n, _) = hit_set(&json(&run(
        &m,
        &["--json", "search", "penguin", "--limit", "1000"],
    )));
    assert!(n >= 10 * (cores() as u64 + 2), "{n}");
}

/// The merge at the end of an import, killed (SIGKILL) at moments spread over the import or
/// interrupted (Ctrl-C) once it has begun: the import is kept whole, every search answers,
/// and the next import or compaction finishes the job.
#[test]
fn an_import_stopped_while_it_merges_keeps_every_conversation() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let count = |m: &Path| {
        json(&run(m, &["--json", "search", "number", "--limit", "1"]))["total"]
            .as_u64()
            .unwrap()
    };
    let mut interrupted = 0;
    let mut last = None;
    for (k, delay) in [0u64, 0, 150, 0, 400, 0].into_iter().enumerate() {
        // A matter of its own each time, in segments smaller than the import, so that the
        // import's merge takes in every one of them.
        let home = tmp.path().join(format!("k{k}"));
        std::fs::create_dir(&home).unwrap();
        let m = matter_of_imports(&home, cores() + 1, 1000);
        // A merge long enough for Ctrl-C to land in it.
        let n = if k % 2 == 1 { 20_000 } else { 5000 };
        let expected = 1000 * (cores() as u64 + 1) + n as u64;
        let p = production(&home, "late.jsonl", 100_000, n);
        let mut child = bin()
            .env("VERBATIM_TEST_SEGMENT_DOCS", "20")
            .arg("--matter")
            .arg(&m)
            .args(["import", "--threads", "1"])
            .arg(&p)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut all = String::new();
            for l in lines.map_while(Result::ok) {
                if l.contains("merging the segments") {
                    let _ = tx.send(());
                }
                all.push_str(&l);
                all.push('\n');
            }
            all
        });
        if k % 2 == 0 {
            // A kill anywhere: in the import, its commit or the merge.
            std::thread::sleep(Duration::from_millis(delay));
            unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        } else if rx.recv_timeout(Duration::from_secs(60)).is_ok() {
            // Ctrl-C once the merge has begun.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        }
        let status = child.wait().unwrap();
        let err = reader.join().unwrap();
        if k % 2 == 1 {
            assert!(
                err.contains("merging the segments"),
                "no merge after the import: {err}"
            );
            if err.contains("merge stopped: the import is complete") {
                assert_eq!(status.code(), Some(130), "{err}");
                interrupted += 1;
            } else {
                assert!(status.success(), "{err}");
            }
        }
        // Whatever was cut off is imported by running the import again; nothing is lost or
        // doubled.
        let again = import(&m, &[], &p);
        assert!(again.status.success(), "{}", stderr(&again));
        assert_eq!(count(&m), expected, "import {k}");
        let verify = run(&m, &["audit", "verify"]);
        assert!(verify.status.success(), "{}", stdout(&verify));
        last = Some(m);
    }
    let m = last.unwrap();
    assert!(
        interrupted > 0,
        "no Ctrl-C landed while the import's segments were merged"
    );
    run_ok(&m, &["--quiet", "compact"]);
    assert!(segments(&m).len() <= cores());
    assert!(stray_files(&m).is_empty(), "{:?}", stray_files(&m));
}
