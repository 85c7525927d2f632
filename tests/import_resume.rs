//! Re-importing is a no-op; an interrupted import (Ctrl-C or a kill) leaves the index
//! openable at its last commit, and running the same command again finishes the job without
//! duplicates.

mod common;

use std::time::{Duration, Instant};

use common::*;
use verbatim::matter::{Matter, SourceStatus};

fn corpus(n: usize) -> String {
    (0..n)
        .map(|i| {
            openai_line(
                &format!("id{i}"),
                &format!("question number w{i}x about rivers"),
                "An answer about rivers and their banks.",
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn same_file_twice_is_a_no_op() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "a.jsonl", corpus(20).as_bytes());
    let copy = write(tmp.path(), "copy/a-again.jsonl", corpus(20).as_bytes());
    let m = tmp.path().join("m");
    assert_eq!(import_files(&m, std::slice::from_ref(&f)).imported, 20);
    let again = import_files(&m, &[f, copy]);
    assert_eq!(again.imported + again.duplicates, 0);
    assert!(again.files.iter().all(|f| {
        f.skipped
            .as_deref()
            .unwrap_or("")
            .contains("already imported")
    }));
    assert_eq!(docs(&m), 20);
}

#[test]
fn interrupted_import_resumes_without_duplicates() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "big.jsonl", corpus(5000).as_bytes());
    // A bad line, so rejects are counted across the interruption too.
    let g = write(
        tmp.path(),
        "z.jsonl",
        format!(
            "{}\nnot json\n{}\n{}\n",
            openai_line("z1", "a", "b"),
            openai_line("z2", "a", "b"),
            openai_line("z3", "a", "b")
        )
        .as_bytes(),
    );
    let m = tmp.path().join("m");
    let inputs = [f.clone(), g.clone()];
    let s = import_stopping(&m, &inputs, 300, Some(1500));
    assert!(s.interrupted);
    let first = s.imported;
    assert!((1500..5000).contains(&first), "{first}");
    assert_eq!(docs(&m), first, "work up to the stop is committed");
    let meta = Matter::open(&m).unwrap();
    assert_eq!(meta.meta.sources[0].status, SourceStatus::Partial);

    let s2 = import_stopping(&m, &inputs, 300, None);
    assert!(!s2.interrupted);
    assert_eq!(s2.files[0].resumed_after, Some(first));
    assert_eq!(s2.duplicates, 0);
    assert_eq!(docs(&m), 5003);
    let meta = Matter::open(&m).unwrap();
    let src = &meta.meta.sources[0];
    assert_eq!(src.status, SourceStatus::Complete);
    assert_eq!(
        (src.records_read, src.imported, src.duplicates, src.rejected),
        (5000, 5000, 0, 0)
    );
    assert_eq!(meta.meta.sources[1].rejected, 1);
    assert!(!src.sha256.is_empty());
}

#[test]
fn killed_import_leaves_index_openable_and_rerun_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 60_000;
    let f = write(tmp.path(), "big.jsonl", corpus(n).as_bytes());
    let m = tmp.path().join("m");
    let mut child = bin()
        .arg("--matter")
        .arg(&m)
        .args(["--quiet", "import", "--commit-every", "1000"])
        .arg(&f)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for a few commits, then kill without warning.
    let started = Instant::now();
    let meta = m.join("index").join("meta.json");
    loop {
        let committed = std::fs::read_to_string(&meta)
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .and_then(|v| v["payload"].as_str().map(str::to_string))
            .and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok())
            .and_then(|p| p["records_done"].as_u64())
            .unwrap_or(0);
        if committed >= 3000 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();

    // The index opens at its last commit.
    let st = json(&run(&m, &["--json", "stats"]));
    let partial = st["conversations"].as_u64().unwrap();
    assert!(partial <= n as u64);

    let out = run(
        &m,
        &[
            "--json",
            "import",
            "--commit-every",
            "1000",
            f.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = json(&out);
    assert_eq!(s["duplicates"], 0, "{s}");
    let st = json(&run(&m, &["--json", "stats"]));
    assert_eq!(st["conversations"].as_u64().unwrap(), n as u64);
    for i in [0, 1234, 29_999, n - 1] {
        let out = run(&m, &["search", "--count", &format!("w{i}x")]);
        assert_eq!(stdout(&out).trim(), "1", "w{i}x");
    }
}

#[test]
fn another_file_imported_between_interruption_and_rerun_keeps_the_place() {
    let tmp = tempfile::tempdir().unwrap();
    // 5,000 records with a bad line every 250: 20 rejects, spread across the interruption.
    let lines: Vec<String> = corpus(5000)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i % 250 == 7 {
                "not json".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    let f = write(tmp.path(), "big.jsonl", lines.join("\n").as_bytes());
    let other = write(
        tmp.path(),
        "other.jsonl",
        format!(
            "{}\n{}\n",
            openai_line("o1", "a", "b"),
            openai_line("o2", "c", "d")
        )
        .as_bytes(),
    );
    let m = tmp.path().join("m");
    let s = import_stopping(&m, std::slice::from_ref(&f), 300, Some(1500));
    assert!(s.interrupted);
    let first_records = s.files[0].counts.records;
    // Another file, imported to the end, before the rerun.
    assert_eq!(import_stopping(&m, &[other], 300, None).imported, 2);
    // The rerun resumes where the first run stopped: no false duplicates, no reject twice.
    let s = import_stopping(&m, &[f], 300, None);
    assert_eq!(s.files[0].resumed_after, Some(first_records));
    assert_eq!(s.duplicates, 0);
    let c = s.files[0].counts;
    assert_eq!((c.records, c.imported, c.rejected), (5000, 4980, 20));
    assert_eq!(docs(&m), 4982);
    let rejects = std::fs::read_to_string(m.join("rejects.jsonl")).unwrap();
    assert_eq!(rejects.lines().count(), 20);
    let meta = Matter::open(&m).unwrap();
    let src = meta.source_by_path(&s.files[0].path).unwrap();
    assert_eq!(
        (src.records_read, src.imported, src.rejected),
        (5000, 4980, 20)
    );
}

/// A kill after the index committed a whole file and before matter.json recorded it: the
/// next run finishes the file with its counts, rather than reading it again as duplicates.
#[test]
fn a_file_committed_but_not_recorded_is_finished_with_its_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "a.jsonl", corpus(500).as_bytes());
    for shards in [None, Some("3")] {
        let m = tmp.path().join(format!("m{}", shards.unwrap_or("1")));
        let mut args = vec!["--quiet", "import"];
        if let Some(n) = shards {
            args.extend(["--shards", n]);
        }
        args.push(f.to_str().unwrap());
        run_ok(&m, &args);
        // matter.json as it was before the file's last commit reached it.
        let p = m.join("matter.json");
        let mut meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        meta["sources"] = serde_json::json!([]);
        std::fs::write(&p, meta.to_string()).unwrap();
        let v = json(&run(&m, &["--json", "import", f.to_str().unwrap()]));
        assert_eq!(
            (&v["imported"], &v["duplicates"]),
            (&500.into(), &0.into()),
            "{v}"
        );
        let s = &json(&run(&m, &["--json", "stats"]))["sources"][0];
        assert_eq!(
            (&s["imported"], &s["status"]),
            (&500.into(), &"complete".into())
        );
        let v = json(&run(&m, &["--json", "import", f.to_str().unwrap()]));
        assert!(v["files"][0]["skipped"].is_string(), "{v}");
    }
}
