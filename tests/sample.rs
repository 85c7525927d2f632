//! Samples and estimates through the binary on the demo matter: sizes, reproducible draws
//! (checked against the documented algorithm run over the matter's ids), strata that must not
//! overlap, `sample:NAME`, a changed population detected, estimates that agree with the
//! statistics module, detector validation, reviewer QC, and the audit trail.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn demo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    (tmp, m)
}

fn ok(m: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json", "--quiet"];
    all.extend_from_slice(args);
    let out = run(m, &all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    json(&out)
}

fn members(m: &Path, name: &str) -> Vec<String> {
    let v = ok(m, &["sample", "show", name, "--members"]);
    v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

fn all_ids(m: &Path, query: &str) -> Vec<String> {
    let index = verbatim::index::ConvIndex::open(&m.join("index")).unwrap();
    let journal = verbatim::review::Journal::open(m).unwrap();
    let findings = verbatim::detect::FindingsIndex::load(m).unwrap();
    let node = verbatim::query::parse(query).unwrap();
    verbatim::search::matching_ids_full(
        &index,
        verbatim::search::Lookups {
            review: Some(journal.state()),
            findings: Some(&findings),
            budget: None,
            matter_dir: Some(m),
        },
        &node,
    )
    .unwrap()
}

#[test]
fn sample_sizes_are_the_textbook_ones() {
    let (_t, m) = demo();
    let v = ok(
        &m,
        &[
            "sample",
            "size",
            "--margin",
            "0.02",
            "--population",
            "20000000",
        ],
    );
    assert_eq!(v["n"], 2401);
    let v = ok(
        &m,
        &[
            "sample",
            "size",
            "--margin",
            "0.01",
            "--population",
            "20000000",
        ],
    );
    assert_eq!(v["n"], 9600);
    // Seeing no positive in n bounds the rate below 0.1 % at 95 %: (0.999)^n <= 0.05.
    let v = ok(&m, &["sample", "size", "--zero-hits", "--upper", "0.001"]);
    let n = v["n"].as_u64().unwrap();
    assert!(0.999f64.powi(n as i32) <= 0.05 && 0.999f64.powi(n as i32 - 1) > 0.05);
    let out = run(&m, &["sample", "size"]);
    assert!(!out.status.success());
}

#[test]
fn a_sample_is_redrawn_from_the_seed_by_the_documented_algorithm() {
    let (_t, m) = demo();
    let v = ok(
        &m,
        &["sample", "create", "s1", "--size", "40", "--seed", "12345"],
    );
    assert_eq!(v["size"], 40);
    assert_eq!(v["population"], 300);
    let got = members(&m, "s1");
    // The same draw, done independently over the matter's ids.
    let mut ids = all_ids(&m, "*");
    let want = verbatim::estimate::draw::draw(12345, 40, &ids);
    assert_eq!(got, want);
    assert_eq!(
        v["population_sha256"].as_str().unwrap(),
        verbatim::estimate::draw::population_hash(&mut ids).unwrap()
    );
    // `sample:NAME` selects exactly its members.
    let c = ok(&m, &["search", "--count", "sample:s1"]);
    assert_eq!(c["total"], 40);
    // The name is taken; an unknown sample in a query is an error.
    assert!(
        !run(&m, &["sample", "create", "s1", "--size", "3"])
            .status
            .success()
    );
    let out = run(&m, &["search", "--count", "sample:nope"]);
    assert!(
        stderr(&out).contains("no sample named nope"),
        "{}",
        stderr(&out)
    );
    // Another matter built the same way draws the same ids from the same seed.
    let (_t2, m2) = demo();
    ok(
        &m2,
        &[
            "sample", "create", "again", "--size", "40", "--seed", "12345",
        ],
    );
    assert_eq!(members(&m2, "again"), got);
}

#[test]
fn strata_must_not_overlap_and_sizes_can_be_allocated() {
    let (_t, m) = demo();
    let out = run(
        &m,
        &[
            "sample",
            "create",
            "bad",
            "--stratum",
            "flagged:10:label:reproduced",
            "--stratum",
            "strong:10:strong:yes",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("overlap"), "{}", stderr(&out));
    let v = ok(
        &m,
        &[
            "sample",
            "create",
            "prop",
            "--seed",
            "3",
            "--size",
            "60",
            "--allocate",
            "proportional",
            "--stratum",
            "flagged::label:reproduced",
            "--stratum",
            "rest::-label:reproduced",
        ],
    );
    let strata = v["strata"].as_array().unwrap();
    let sizes: Vec<u64> = strata.iter().map(|s| s["size"].as_u64().unwrap()).collect();
    let pops: Vec<u64> = strata
        .iter()
        .map(|s| s["population"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes.iter().sum::<u64>(), 60);
    assert_eq!(pops.iter().sum::<u64>(), 300);
    for (s, p) in sizes.iter().zip(&pops) {
        let share = 60.0 * *p as f64 / 300.0;
        assert!((*s as f64 - share).abs() <= 1.0, "{s} vs {share}");
    }
    // Members are interleaved in key order, not grouped by stratum.
    let v = ok(&m, &["sample", "show", "prop", "--members"]);
    let keys: Vec<&str> = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn a_new_import_is_seen_as_a_changed_population() {
    let (t, m) = demo();
    ok(
        &m,
        &["sample", "create", "s", "--size", "10", "--seed", "1"],
    );
    let v = ok(&m, &["sample", "show", "s"]);
    assert_eq!(v["population_now"]["same"], true);
    let f = write(
        t.path(),
        "more.jsonl",
        openai_line("late-1", "hello", "hi there").as_bytes(),
    );
    assert!(
        run(&m, &["--quiet", "import", f.to_str().unwrap()])
            .status
            .success()
    );
    let v = ok(&m, &["sample", "show", "s"]);
    assert_eq!(v["population_now"]["same"], false);
    assert_eq!(v["population_now"]["population"], 301);
    let out = run(&m, &["sample", "show", "s"]);
    assert!(stdout(&out).contains("drawn from an earlier population"));
}

#[test]
fn an_estimate_agrees_with_the_statistics_and_says_what_is_missing() {
    let (_t, m) = demo();
    ok(
        &m,
        &["sample", "create", "s", "--size", "50", "--seed", "9"],
    );
    let ids = members(&m, "s");
    // Nothing reviewed: an error that says so.
    let out = run(&m, &["estimate", "s", "--positive", "reproduces-article"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("nothing of s reviewed"),
        "{}",
        stderr(&out)
    );
    // Review the first 40 in order: 7 positive.
    for (i, id) in ids.iter().take(40).enumerate() {
        let tag = if i % 6 == 0 {
            "reproduces-article"
        } else {
            "not-relevant"
        };
        let out = run(&m, &["--quiet", "tag", id, tag]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let v = ok(&m, &["estimate", "s", "--positive", "reproduces-article"]);
    assert_eq!(v["reviewed"], 40);
    assert_eq!(v["positives"], 7);
    assert_eq!(v["incomplete"], true);
    assert_eq!(v["unreviewed"], 10);
    assert_eq!(v["method"], "clopper-pearson");
    let (lo, hi) = verbatim::estimate::interval::interval(
        7,
        40,
        0.95,
        verbatim::estimate::interval::Method::ClopperPearson,
    )
    .unwrap();
    assert_eq!(v["low"].as_f64().unwrap(), lo);
    assert_eq!(v["high"].as_f64().unwrap(), hi);
    assert_eq!(v["population"], 300);
    let p = &v["projected"];
    assert!(p["low"].as_u64().unwrap() <= 53 && p["high"].as_u64().unwrap() >= 52);
    // Wilson on request, named.
    let v = ok(
        &m,
        &[
            "estimate",
            "s",
            "--positive",
            "reproduces-article",
            "--method",
            "wilson",
        ],
    );
    assert_eq!(v["method"], "wilson");
    // Both estimates are in the audit trail.
    let trail = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(
        trail.matches("\"event\":\"estimate\"").count() >= 2,
        "{trail}"
    );
    assert!(trail.contains("\"event\":\"sample\""));
}

#[test]
fn a_flagged_and_an_unflagged_stratum_validate_the_detector() {
    let (t, m) = demo();
    ok(
        &m,
        &[
            "sample",
            "create",
            "v",
            "--seed",
            "5",
            "--stratum",
            "flagged:20:label:reproduced",
            "--stratum",
            "rest:30:-label:reproduced",
        ],
    );
    let v = ok(&m, &["sample", "show", "v", "--members"]);
    for x in v["members"].as_array().unwrap() {
        let id = x["id"].as_str().unwrap();
        let flagged = x["stratum"] == "flagged";
        // Every flagged member positive but one; one unflagged member positive.
        let positive = flagged != (id == v["members"][0]["id"].as_str().unwrap());
        let tag = if positive {
            "reproduces-article"
        } else {
            "not-relevant"
        };
        assert!(run(&m, &["--quiet", "tag", id, tag]).status.success());
    }
    let html = t.path().join("estimate.html");
    let csv = t.path().join("estimate.csv");
    let e = ok(
        &m,
        &[
            "estimate",
            "v",
            "--positive",
            "reproduces-article",
            "--html",
            html.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    let val = &e["validation"];
    assert_eq!(val["precision"]["reviewed"], 20);
    assert_eq!(val["elusion"]["reviewed"], 30);
    let p = val["precision"]["positives"].as_u64().unwrap();
    let u = val["elusion"]["positives"].as_u64().unwrap();
    // The first member in review order is the exception: a flagged negative or an unflagged
    // positive.
    assert!(p + u == 19 || p + u == 21, "{p} + {u}");
    let recall = val["recall"]["point"].as_f64().unwrap();
    assert!(recall > 0.0 && recall <= 1.0);
    assert!(val["recall"]["low"].as_f64().unwrap() <= recall);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("flagged") && page.contains("recall"));
    assert!(!page.contains("http://") && !page.contains("https://"));
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(rows.lines().any(|l| l.starts_with("combined")), "{rows}");
    assert!(csv.with_extension("provenance.csv").exists());
}

#[test]
fn qc_measures_how_often_a_second_reviewer_overturns_the_first() {
    let (_t, m) = demo();
    let ids = all_ids(&m, "*");
    for id in ids.iter().take(30) {
        assert!(
            run(
                &m,
                &["--quiet", "--reviewer", "ann", "tag", id, "not-relevant"]
            )
            .status
            .success()
        );
    }
    ok(
        &m,
        &[
            "--reviewer",
            "lead",
            "qc",
            "create",
            "qc-ann",
            "--of",
            "ann",
            "--size",
            "10",
            "--seed",
            "4",
        ],
    );
    let sample = members(&m, "qc-ann");
    assert_eq!(sample.len(), 10);
    assert!(sample.iter().all(|id| ids[..30].contains(id)));
    // Bob calls 8 of them again: 3 differently.
    for (i, id) in sample.iter().take(8).enumerate() {
        let tag = if i < 3 {
            "reproduces-article"
        } else {
            "not-relevant"
        };
        assert!(
            run(&m, &["--quiet", "--reviewer", "bob", "tag", id, tag])
                .status
                .success()
        );
    }
    let v = ok(&m, &["estimate", "qc-ann"]);
    assert_eq!(v["overturns"]["rechecked"], 8);
    assert_eq!(v["overturns"]["overturned"], 3);
    assert_eq!(v["overturns"]["disagreements"].as_array().unwrap().len(), 3);
    assert_eq!(v["rate"]["positives"], 3);
    assert_eq!(v["rate"]["reviewed"], 8);
}

#[test]
fn an_altered_or_planted_sample_file_is_refused() {
    let (_t, m) = demo();
    ok(
        &m,
        &["sample", "create", "s", "--size", "10", "--seed", "3"],
    );
    let file = m.join("samples/s.json");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    // A copy under another name was never drawn here.
    v["name"] = "planted".into();
    std::fs::write(m.join("samples/planted.json"), v.to_string()).unwrap();
    let out = run(&m, &["sample", "show", "planted"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no entry of the audit trail"),
        "{}",
        stderr(&out)
    );
    // One member swapped for a conversation outside the sample.
    let members = members(&m, "s");
    let outside = all_ids(&m, "*")
        .into_iter()
        .find(|id| !members.contains(id))
        .unwrap();
    std::fs::write(&file, text.replacen(&members[0], &outside, 1)).unwrap();
    for args in [
        vec!["sample", "show", "s"],
        vec!["estimate", "s", "--positive", "reproduces-article"],
    ] {
        let out = run(&m, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("does not hold the sample drawn"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_symlinked_samples_directory_never_redirects_a_write() {
    let (t, m) = demo();
    let elsewhere = t.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, m.join("samples")).unwrap();
    let out = run(&m, &["sample", "create", "s", "--size", "3"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}
