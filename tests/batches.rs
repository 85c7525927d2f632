//! Batches: a set split in production order, checked out one at a time under a lock (two
//! processes never get the same batch), checked in, reassigned, reported, audited.

mod common;

use std::collections::BTreeSet;

use common::*;

fn matter(tmp: &std::path::Path, n: usize) -> std::path::PathBuf {
    let lines: Vec<String> = (0..n)
        .map(|i| openai_line(&format!("c{i:03}"), &format!("oil report {i}"), "ok"))
        .collect();
    matter_of_lines(tmp, &lines)
}

fn ok(m: &std::path::Path, args: &[&str]) -> String {
    run_ok(m, args)
}

#[test]
fn create_checkout_code_checkin_status() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter(tmp.path(), 23);
    let text = ok(
        &m,
        &["batch", "create", "first", "--query", "oil", "--size", "10"],
    );
    assert!(text.contains("23 conversations in 3 batches"), "{text}");
    assert!(
        !run(&m, &["batch", "create", "first", "--query", "oil"])
            .status
            .success()
    );
    let text = ok(&m, &["--reviewer", "ann", "batch", "checkout"]);
    assert!(
        text.contains("first-001 (10 conversations) checked out to ann"),
        "{text}"
    );
    // Asking again gives the same batch until it is checked in.
    let text = ok(&m, &["--reviewer", "ann", "batch", "checkout"]);
    assert!(
        text.contains("first-001") && text.contains("already yours"),
        "{text}"
    );
    let text = ok(&m, &["--reviewer", "bob", "batch", "checkout", "first"]);
    assert!(text.contains("first-002"), "{text}");
    // The batch as a query; coding shows in the status.
    assert_eq!(
        ok(&m, &["search", "--count", "batch:first-001"]).trim(),
        "10"
    );
    assert_eq!(ok(&m, &["search", "--count", "batch:first"]).trim(), "23");
    ok(
        &m,
        &[
            "--reviewer",
            "ann",
            "tag",
            "--yes",
            "--query",
            "batch:first-001 AND report",
            "hot",
        ],
    );
    // Only the holder checks a batch in.
    let out = run(&m, &["--reviewer", "bob", "batch", "checkin", "first-001"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("checked out to ann"),
        "{}",
        stderr(&out)
    );
    let text = ok(&m, &["--reviewer", "ann", "batch", "checkin"]);
    assert!(
        text.contains("first-001 checked in: 10 of 10 coded"),
        "{text}"
    );
    let tags = ok(&m, &["tags"]);
    assert!(
        tags.contains("batches:") && tags.contains("first-001"),
        "{tags}"
    );
    let status = ok(&m, &["batch", "status", "first"]);
    let line = |id: &str| {
        status
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .to_string()
    };
    assert!(
        line("first-001").contains("ann") && line("first-001").contains("10 of 10"),
        "{status}"
    );
    assert!(
        line("first-002").contains("bob") && line("first-002").contains("open"),
        "{status}"
    );
    assert!(line("first-003").contains("0 of 3"), "{status}");
    // A lead reassigns; then the batch is the new reviewer's.
    ok(&m, &["batch", "reassign", "first-002", "cy"]);
    assert!(ok(&m, &["--reviewer", "cy", "batch", "checkout"]).contains("first-002"));
    assert!(ok(&m, &["--reviewer", "ann", "batch", "checkout"]).contains("first-003"));
    // Nothing left: said, exit 1.
    let out = run(&m, &["--reviewer", "dee", "batch", "checkout"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no free batch"));
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    for e in [
        "batch-create",
        "batch-checkout",
        "batch-checkin",
        "batch-reassign",
    ] {
        assert!(audit.contains(&format!("\"{e}\"")), "{e}");
    }
    assert!(run(&m, &["audit", "verify"]).status.success());
}

/// Two processes, each checking out and in 50 times as its own reviewers: 100 checkouts, no
/// batch given twice.
#[test]
fn two_processes_never_get_the_same_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter(tmp.path(), 100);
    ok(
        &m,
        &["batch", "create", "set", "--query", "oil", "--size", "1"],
    );
    let handles: Vec<_> = (0..2)
        .map(|p| {
            let m = m.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                for k in 0..50 {
                    let reviewer = format!("r{p}-{k}");
                    let out = run(
                        &m,
                        &["--json", "--reviewer", &reviewer, "batch", "checkout"],
                    );
                    assert!(out.status.success(), "{}", stderr(&out));
                    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    assert_eq!(v["new"], true);
                    got.push(v["batch"].as_str().unwrap().to_string());
                    let out = run(&m, &["--reviewer", &reviewer, "batch", "checkin"]);
                    assert!(out.status.success(), "{}", stderr(&out));
                }
                got
            })
        })
        .collect();
    let all: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(all.len(), 100);
    let distinct: BTreeSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), 100, "a batch was given twice");
}

/// Second-level review: reviewers' differing calls are listed, an undone call withdraws, and
/// a lead's decision settles the conflict (kept, tagged, audited).
#[test]
fn conflicting_calls_are_listed_and_a_lead_decides() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter(tmp.path(), 3);
    ok(&m, &["--reviewer", "bob", "tag", "c002", "hot"]);
    ok(&m, &["--reviewer", "ann", "tag", "c001", "echo-only"]);
    ok(&m, &["--reviewer", "bob", "tag", "c001", "echo-only"]);
    ok(
        &m,
        &["--reviewer", "ann", "tag", "c000", "reproduces-article"],
    );
    ok(&m, &["--reviewer", "bob", "tag", "c000", "not-relevant"]);
    let text = ok(&m, &["conflicts"]);
    assert_eq!(
        text.trim(),
        "c000  call: ann reproduces-article · bob not-relevant",
        "{text}"
    );
    // Bob takes his call back: no conflict; he calls again: the conflict is back.
    ok(&m, &["--reviewer", "bob", "undo"]);
    assert!(ok(&m, &["conflicts"]).contains("no conflicting calls"));
    ok(&m, &["--reviewer", "bob", "tag", "c000", "not-relevant"]);
    assert!(ok(&m, &["conflicts"]).contains("c000"));
    // A lead decides; only a call of an exclusive group is a decision.
    let out = run(
        &m,
        &["--reviewer", "lead", "conflicts", "resolve", "c000", "hot"],
    );
    assert!(!out.status.success());
    ok(
        &m,
        &[
            "--reviewer",
            "lead",
            "conflicts",
            "resolve",
            "c000",
            "reproduces-article",
            "--note",
            "the reply copies the article",
        ],
    );
    assert!(ok(&m, &["conflicts"]).contains("no conflicting calls"));
    let all = ok(&m, &["conflicts", "--all"]);
    assert!(all.contains("decided reproduces-article by lead"), "{all}");
    let held = ok(
        &m,
        &["search", "--count", "id:c000 AND tag:reproduces-article"],
    );
    assert_eq!(held.trim(), "1", "the decision is the conversation's call");
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"conflict-decision\""));
    // A later call that agrees with the decision leaves it settled.
    ok(
        &m,
        &["--reviewer", "ann", "tag", "c000", "reproduces-article"],
    );
    assert!(ok(&m, &["conflicts"]).contains("no conflicting calls"));
    // A later call that differs again opens the conflict again.
    ok(&m, &["--reviewer", "bob", "tag", "c000", "not-relevant"]);
    assert!(ok(&m, &["conflicts"]).contains("c000"));
}
