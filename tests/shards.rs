//! A sharded matter (`shard split`) answers as the same matter unsplit: the same counts,
//! scores, findings, coding and productions. A split that fails or is killed leaves the matter
//! as it was.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// Runs `args` on `m`, which must fail with `why` in its error.
fn fails_with(m: &Path, args: &[&str], why: &str) {
    let out = run(m, args);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(stderr(&out).contains(why), "{args:?}: {}", stderr(&out));
}

/// Every hit of a query as (score to 4 places, id), sorted, and the total.
fn all_hits(m: &Path, query: &str) -> (u64, Vec<(i64, String)>) {
    hit_set(&json(&run(
        m,
        &["--json", "search", query, "--limit", "100000"],
    )))
}

const QUERIES: &[&str] = &[
    "said the",
    "\"according to\"",
    "climat* OR weather",
    "model:gpt-4 AND turns:>=2",
    "assistant:\"the\" w/5 minister",
    "NOT said",
    "created:>=2024-01-01",
];

#[test]
fn a_split_matter_answers_as_the_unsplit_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, data) = twins(tmp.path(), 1500, 4);
    assert!(
        !b.join("index").exists(),
        "the single index is removed once the shards hold every conversation"
    );
    let stats = json(&run(&b, &["--json", "stats"]));
    assert_eq!(stats["shards"], 4);
    assert_eq!(stats["conversations"], 1500);
    let per_shard: u64 = (0..4)
        .map(|k| {
            let shard = b.join("shards").join(format!("{k:03}"));
            let n = json(&run(&shard, &["--json", "stats"]))["conversations"]
                .as_u64()
                .unwrap();
            assert!((250..500).contains(&n), "shard {k}: {n}");
            n
        })
        .sum();
    assert_eq!(per_shard, 1500);

    // Scores are the whole matter's: a word's rarity is counted over every shard.
    for q in QUERIES {
        let (ta, ha) = all_hits(&a, q);
        let (tb, hb) = all_hits(&b, q);
        assert!(ta > 0, "{q} matches nothing");
        assert_eq!((ta, &ha), (tb, &hb), "{q}");
    }

    // Detection reads the conversations through the shards and finds the same.
    for m in [&a, &b] {
        run_ok(m, &["--quiet", "detect"]);
    }
    let findings = |m: &Path| {
        let mut lines: Vec<String> = run_ok(m, &["findings"])
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    let fa = findings(&a);
    assert!(fa.len() > 100, "{}", fa.len());
    assert_eq!(fa, findings(&b));
    let eval = json(&run(
        &b,
        &[
            "--json",
            "eval",
            "--truth",
            data.join("truth.jsonl").to_str().unwrap(),
        ],
    ));
    assert!(eval["precision"].as_f64().unwrap() >= 0.99, "{eval}");

    // Coding lives with the matter; filters and term reports see it through the shards.
    for m in [&a, &b] {
        run_ok(
            m,
            &[
                "--quiet",
                "tag",
                "--yes",
                "--query",
                "\"according to\"",
                "hot",
            ],
        );
        run_ok(m, &["--quiet", "tag", "conv-0000007", "cold"]);
    }
    for q in ["tag:hot", "tag:cold OR said", "NOT tag:hot AND minister"] {
        assert_eq!(all_hits(&a, q), all_hits(&b, q), "{q}");
    }
    let terms = write(
        tmp.path(),
        "terms.txt",
        b"said\nminister\n\"according to\"\ntag:hot\nclimat*\n",
    );
    // The header names the matter and the time of the run; the counts must agree.
    let report = |m: &Path| {
        run_ok(m, &["report", terms.to_str().unwrap()])
            .lines()
            .filter(|l| !l.starts_with("# matter:") && !l.starts_with("# run:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(report(&a), report(&b));

    // A production numbers the same conversations in the same order.
    let produced = |m: &Path| {
        let out = tmp
            .path()
            .join(format!("prod-{}", m.file_name().unwrap().to_str().unwrap()));
        run_ok(
            m,
            &[
                "--quiet",
                "export",
                "--tag",
                "hot",
                "--format",
                "jsonl",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        std::fs::read_to_string(out.join("conversations.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["id"].as_str().unwrap().to_string()
            })
            .collect::<Vec<_>>()
    };
    let pa = produced(&a);
    assert!(pa.len() > 10, "{pa:?}");
    assert_eq!(pa, produced(&b));

    // The trail records the split; it still verifies.
    let audit = std::fs::read_to_string(b.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"shard-split\""), "{audit}");
    run_ok(&b, &["audit", "verify"]);
}

#[test]
fn splits_that_cannot_be_done_are_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..40)
        .map(|i| openai_line(&format!("c{i}"), "hello", "the barrier holds"))
        .collect();
    let m = matter_of_lines(tmp.path(), &lines);
    for (n, why) in [
        ("1", "2 to 1024"),
        ("0", "2 to 1024"),
        ("5000", "2 to 1024"),
    ] {
        fails_with(&m, &["shard", "split", "--shards", n], why);
    }
    // Leftovers of a split that died are cleared by the next one.
    std::fs::create_dir_all(m.join("shards.partial/000/index")).unwrap();
    std::fs::write(m.join("shards.partial/000/index/meta.json"), b"{garbage").unwrap();
    std::fs::create_dir_all(m.join("shards/007")).unwrap();
    run_ok(&m, &["--quiet", "shard", "split", "--shards", "3"]);
    assert!(!m.join("shards.partial").exists());
    assert!(!m.join("shards/007").exists());
    assert_eq!(
        json(&run(&m, &["--json", "search", "--count", "barrier"]))["total"],
        40
    );
    let out = run(&m, &["shard", "split", "--shards", "2"]);
    assert!(
        stderr(&out).contains("already split into 3"),
        "{}",
        stderr(&out)
    );
    // A later import goes into the shards, each conversation to the shard of its id.
    let more = write(
        tmp.path(),
        "more.jsonl",
        openai_line("new", "a", "the barrier is new").as_bytes(),
    );
    let out = run(
        &m,
        &["--quiet", "import", "--shards", "5", more.to_str().unwrap()],
    );
    assert!(
        stderr(&out).contains("split into 3 shards, not 5"),
        "{}",
        stderr(&out)
    );
    // Part of the old index, as a split killed while removing it leaves it: the next import
    // clears it.
    std::fs::create_dir_all(m.join("index")).unwrap();
    std::fs::write(m.join("index/0a1b.idx"), b"left over").unwrap();
    run_ok(&m, &["--quiet", "import", more.to_str().unwrap()]);
    assert!(!m.join("index").exists());
    assert_eq!(
        json(&run(&m, &["--json", "search", "--count", "barrier"]))["total"],
        41
    );
    let k = verbatim::matter::shard_of("new", 3);
    let shard = m.join("shards").join(format!("{k:03}"));
    assert_eq!(
        json(&run(&shard, &["--json", "search", "--count", "id:new"]))["total"],
        1
    );
    let unsplit = tmp.path().join("unsplit");
    run_ok(&unsplit, &["--quiet", "import", more.to_str().unwrap()]);
    let out = run(
        &unsplit,
        &["import", "--shards", "2", more.to_str().unwrap()],
    );
    assert!(
        stderr(&out).contains("shard split --shards 2"),
        "{}",
        stderr(&out)
    );
    // A build that knows no shards refuses the matter rather than finding it empty.
    let meta: Value =
        serde_json::from_slice(&std::fs::read(m.join("matter.json")).unwrap()).unwrap();
    assert_eq!(meta["schema"], 2);
    assert_eq!(meta["shards"], 3);

    // Another matter's shard put in one's place (same schema, its own conversations): refused
    // by every reader, whichever matter it says it is from; and a shard in another place of
    // the same matter too.
    let twin = tmp.path().join("twin");
    run_ok(
        &twin,
        &["--quiet", "import", "--shards", "3", more.to_str().unwrap()],
    );
    std::fs::rename(m.join("shards/001"), tmp.path().join("kept-001")).unwrap();
    copy_dir(&twin.join("shards/001"), &m.join("shards/001"));
    fails_with(&m, &["search", "barrier"], "does not belong here");
    fails_with(&m, &["stats"], "does not belong here");
    let serve = bin()
        .args(["--matter", m.to_str().unwrap(), "shard", "serve", "--shard"])
        .arg(m.join("shards/001"))
        .output()
        .unwrap();
    assert!(
        stderr(&serve).contains("does not belong here"),
        "{}",
        stderr(&serve)
    );
    std::fs::remove_dir_all(m.join("shards/001")).unwrap();
    std::fs::rename(tmp.path().join("kept-001"), m.join("shards/001")).unwrap();
    std::fs::rename(m.join("shards/002"), tmp.path().join("kept-002")).unwrap();
    copy_dir(&m.join("shards/001"), &m.join("shards/002"));
    fails_with(&m, &["search", "barrier"], "not shard 002");
    std::fs::remove_dir_all(m.join("shards/002")).unwrap();
    std::fs::rename(tmp.path().join("kept-002"), m.join("shards/002")).unwrap();
    assert_eq!(
        json(&run(&m, &["--json", "search", "--count", "barrier"]))["total"],
        41
    );

    // A shard that went missing is named, not read as an empty matter.
    std::fs::remove_dir_all(m.join("shards/001/index")).unwrap();
    fails_with(&m, &["search", "barrier"], "shards/001/index is missing");

    // A shard from another matter (another schema) is refused by name, not searched.
    let other = tmp.path().join("other");
    run_ok(
        &other,
        &[
            "--quiet",
            "import",
            "--compat",
            "relativity",
            more.to_str().unwrap(),
        ],
    );
    std::fs::rename(other.join("index"), m.join("shards/001/index")).unwrap();
    fails_with(
        &m,
        &["search", "barrier"],
        "schema differs from the first shard's",
    );
    // A matter.json edited to name no shards.
    let mut meta = meta;
    meta["shards"] = 0.into();
    std::fs::write(m.join("matter.json"), meta.to_string()).unwrap();
    let out = run(&m, &["search", "barrier"]);
    assert!(stderr(&out).contains("no shards"), "{}", stderr(&out));

    let empty = tmp.path().join("empty");
    verbatim::matter::Matter::open_or_create(&empty).unwrap();
    fails_with(
        &empty,
        &["shard", "split", "--shards", "2"],
        "no conversations",
    );
}

#[test]
fn a_split_killed_at_any_moment_leaves_a_whole_matter() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    synth_planted(&data, 4000, 30, 3);
    let m = tmp.path().join("m");
    run_ok(
        &m,
        &[
            "--quiet",
            "import",
            data.join("conversations.jsonl").to_str().unwrap(),
        ],
    );
    let count = |m: &Path| json(&run(m, &["--json", "search", "--count", "said"]))["total"].clone();
    let want = count(&m);
    // How long a whole split takes here, on a copy; the kills are spread over that time,
    // down to its last moments (the rename, matter.json, the old index removed).
    let probe = tmp.path().join("probe");
    copy_dir(&m, &probe);
    let t = std::time::Instant::now();
    run_ok(&probe, &["--quiet", "shard", "split", "--shards", "4"]);
    let whole = t.elapsed();
    for f in [0.05, 0.3, 0.6, 0.8, 0.9, 0.95, 0.98, 0.995] {
        if json(&run(&m, &["--json", "stats"]))["shards"].is_number() {
            break;
        }
        let mut child = bin()
            .arg("--matter")
            .arg(&m)
            .args(["--quiet", "shard", "split", "--shards", "4"])
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(f));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(count(&m), want, "after a kill at {f} of a split");
        assert_eq!(
            json(&run(&m, &["--json", "stats"]))["conversations"],
            4000,
            "after a kill at {f} of a split"
        );
    }
    if !json(&run(&m, &["--json", "stats"]))["shards"].is_number() {
        run_ok(&m, &["--quiet", "shard", "split", "--shards", "4"]);
    }
    assert_eq!(count(&m), want);
    assert!(!m.join("shards.partial").exists());
    assert_eq!(json(&run(&m, &["--json", "stats"]))["shards"], 4);
}

/// A synthetic production of `n` conversations imported into `a` (one index); `c` is where a
/// test imports it into shards. Returns (a, c, the production).
fn import_both(tmp: &Path, n: u64) -> (PathBuf, PathBuf, PathBuf) {
    let data = tmp.join("data");
    synth_planted(&data, n, 40, 11);
    let file = data.join("conversations.jsonl");
    let a = tmp.join("a");
    run_ok(&a, &["--quiet", "import", file.to_str().unwrap()]);
    (a, tmp.join("c"), file)
}

fn same_answers(a: &Path, c: &Path) {
    for q in QUERIES {
        assert_eq!(all_hits(a, q), all_hits(c, q), "{q}");
    }
    let sa = json(&run(a, &["--json", "stats"]));
    let sc = json(&run(c, &["--json", "stats"]));
    assert_eq!(sa["conversations"], sc["conversations"]);
    assert_eq!(sa["sources"][0]["imported"], sc["sources"][0]["imported"]);
    assert_eq!(
        sa["sources"][0]["duplicates"],
        sc["sources"][0]["duplicates"]
    );
    assert_eq!(sc["sources"][0]["status"], "complete");
}

#[test]
fn an_import_into_shards_answers_as_one_index() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, c, file) = import_both(tmp.path(), 1200);
    let v = json(&run(
        &c,
        &["--json", "import", "--shards", "3", file.to_str().unwrap()],
    ));
    assert_eq!(v["imported"], 1200, "{v}");
    assert!(!c.join("index").exists());
    assert_eq!(json(&run(&c, &["--json", "stats"]))["shards"], 3);
    same_answers(&a, &c);
    // Importing the same file again finds every conversation already there, in its shard.
    let v = json(&run(&c, &["--json", "import", file.to_str().unwrap()]));
    assert_eq!(v["imported"], 0, "{v}");
    assert_eq!(json(&run(&c, &["--json", "stats"]))["conversations"], 1200);
}

#[test]
fn a_crash_between_two_shards_commits_resumes_from_the_older() {
    if !cfg!(debug_assertions) {
        // The fault is built into debug builds only.
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, c, file) = import_both(tmp.path(), 2000);
    for commit in ["1", "3"] {
        let _ = std::fs::remove_dir_all(&c);
        let out = bin()
            .arg("--matter")
            .arg(&c)
            .args([
                "--quiet",
                "import",
                "--shards",
                "3",
                "--commit-every",
                "400",
            ])
            .arg(&file)
            .env("VERBATIM_TEST_FAULT", format!("shard-commit:{commit}"))
            .output()
            .unwrap();
        assert!(!out.status.success(), "the fault must stop the import");
        // Shard 000 committed once more than the others.
        run_ok(&c, &["--quiet", "import", file.to_str().unwrap()]);
        same_answers(&a, &c);
    }
}

#[test]
fn a_sharded_import_killed_at_any_moment_resumes_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, c, file) = import_both(tmp.path(), 3000);
    let probe = tmp.path().join("probe");
    let t = std::time::Instant::now();
    run_ok(
        &probe,
        &[
            "--quiet",
            "import",
            "--shards",
            "4",
            "--commit-every",
            "300",
            file.to_str().unwrap(),
        ],
    );
    let whole = t.elapsed();
    for f in [0.1, 0.35, 0.6, 0.85, 0.97] {
        let mut child = bin()
            .arg("--matter")
            .arg(&c)
            .args([
                "--quiet",
                "import",
                "--shards",
                "4",
                "--commit-every",
                "300",
            ])
            .arg(&file)
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(f));
        let _ = child.kill();
        let _ = child.wait();
    }
    run_ok(&c, &["--quiet", "import", file.to_str().unwrap()]);
    same_answers(&a, &c);
}
