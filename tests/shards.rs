//! A sharded matter (`shard split`) answers as the same matter unsplit: the same counts,
//! scores, findings, coding and productions. A split that fails or is killed leaves the matter
//! as it was.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

/// A synthetic production with planted reproductions, imported with its articles into `a`,
/// and a copy of it split into `shards` in `b`.
fn twins(tmp: &Path, conversations: u64, shards: u32) -> (PathBuf, PathBuf, PathBuf) {
    let data = tmp.join("data");
    synth_planted(&data, conversations, 60, 7);
    let a = tmp.join("a");
    run_ok(
        &a,
        &[
            "--quiet",
            "import",
            data.join("conversations.jsonl").to_str().unwrap(),
        ],
    );
    run_ok(
        &a,
        &[
            "--quiet",
            "articles",
            "import",
            data.join("articles.jsonl").to_str().unwrap(),
        ],
    );
    let b = tmp.join("b");
    copy_dir(&a, &b);
    let n = shards.to_string();
    let v = json(&run(&b, &["--json", "shard", "split", "--shards", &n]));
    assert_eq!(v["shards"], shards);
    assert_eq!(v["conversations"], conversations);
    (a, b, data)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Every hit of a query as (score to 4 places, id), sorted, and the total.
fn all_hits(m: &Path, query: &str) -> (u64, Vec<(i64, String)>) {
    let v = json(&run(m, &["--json", "search", query, "--limit", "100000"]));
    let mut hits: Vec<(i64, String)> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                (h["score"].as_f64().unwrap_or(0.0) * 1e4).round() as i64,
                h["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    hits.sort();
    (v["total"].as_u64().unwrap(), hits)
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
        let out = run(&m, &["shard", "split", "--shards", n]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(why), "{n}: {}", stderr(&out));
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
    let more = write(
        tmp.path(),
        "more.jsonl",
        openai_line("new", "a", "b").as_bytes(),
    );
    let out = run(&m, &["import", more.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("split into 3 shards"),
        "{}",
        stderr(&out)
    );
    // A build that knows no shards refuses the matter rather than finding it empty.
    let meta: Value =
        serde_json::from_slice(&std::fs::read(m.join("matter.json")).unwrap()).unwrap();
    assert_eq!(meta["schema"], 2);
    assert_eq!(meta["shards"], 3);

    // A shard that went missing is named, not read as an empty matter.
    std::fs::remove_dir_all(m.join("shards/001/index")).unwrap();
    let out = run(&m, &["search", "barrier"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("shards/001/index is missing"),
        "{}",
        stderr(&out)
    );

    let empty = tmp.path().join("empty");
    verbatim::matter::Matter::open_or_create(&empty).unwrap();
    let out = run(&empty, &["shard", "split", "--shards", "2"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no conversations"),
        "{}",
        stderr(&out)
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
