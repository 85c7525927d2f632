//! Saved searches (`@NAME`) and lists (`list:NAME`): shared, audited, usable wherever a query
//! is, frozen where they should be, safe with two processes at once.

mod common;

use common::*;

fn matter(tmp: &std::path::Path) -> std::path::PathBuf {
    let lines = [
        openai_line("a", "Iran sold oil. Prices rose.", "ok"),
        openai_line("b", "Oil and gas from Iran.", "ok"),
        openai_line("c", "Gas prices only.", "ok"),
        openai_line("d", "Nothing here.", "ok"),
    ];
    matter_of_lines(tmp, &lines)
}

fn count(m: &std::path::Path, args: &[&str]) -> String {
    run_ok(m, args).trim().to_string()
}

#[test]
fn saved_searches_expand_everywhere_a_query_is() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter(tmp.path());
    let ok = |args: &[&str]| run_ok(&m, args);
    ok(&[
        "saved",
        "add",
        "oily",
        "iran w/s oil",
        "--description",
        "core terms",
    ]);
    ok(&["saved", "add", "fuel", "@oily OR gas"]);
    ok(&[
        "saved",
        "add",
        "wl",
        "iran /s oil % prices",
        "--syntax",
        "westlaw",
    ]);
    assert_eq!(count(&m, &["search", "--count", "@oily"]), "2");
    assert_eq!(count(&m, &["search", "--count", "@fuel"]), "3");
    assert_eq!(
        count(&m, &["search", "--count", "@fuel AND NOT @oily"]),
        "1"
    );
    // A saved search keeps its own dialect inside a query of another.
    assert_eq!(count(&m, &["search", "--count", "@wl"]), "1");
    assert_eq!(
        count(
            &m,
            &["search", "--syntax", "lexis", "--count", "@wl or gas"]
        ),
        "2"
    );
    // A field scope reaches the saved search's words; a clash is said.
    assert_eq!(
        count(&m, &["search", "--count", "user:(@oily)"]),
        count(&m, &["search", "--count", "user:(iran w/s oil)"])
    );
    assert_eq!(count(&m, &["search", "--count", "assistant:(@oily)"]), "0");
    ok(&["saved", "add", "in-user", "user:oil"]);
    let out = run(&m, &["search", "--count", "assistant:(@in-user)"]);
    assert!(stderr(&out).contains("can never match"), "{}", stderr(&out));
    // --explain shows the expansion.
    let text = ok(&["search", "--explain", "@fuel"]);
    assert!(text.contains("((iran W/s oil) OR gas)"), "{text}");
    // In a search term report and an export.
    let terms = write(tmp.path(), "t.txt", b"@oily\n@fuel\n");
    let text = ok(&["report", terms.to_str().unwrap()]);
    // (A cell starting with @ is quoted with ' so that a spreadsheet does not run it.)
    assert!(text.contains("1,\"'@oily\",2,"), "{text}");
    assert!(text.contains("2,\"'@fuel\",3,"), "{text}");
    let out_dir = tmp.path().join("exp");
    ok(&[
        "export",
        "--query",
        "@oily",
        "--format",
        "jsonl",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let jsonl = std::fs::read_to_string(out_dir.join("conversations.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 2);
    // Unknown names and cycles are errors that say so; a cycle can only come by replacing.
    let out = run(&m, &["search", "--count", "iran AND @nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no saved search \"nope\""),
        "{}",
        stderr(&out)
    );
    let out = run(&m, &["saved", "add", "oily", "@fuel", "--replace"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("refer to each other"),
        "{}",
        stderr(&out)
    );
    let out = run(&m, &["saved", "add", "oily", "oil"]);
    assert!(stderr(&out).contains("--replace"), "{}", stderr(&out));
    assert!(
        !run(&m, &["saved", "add", "bad name", "oil"])
            .status
            .success()
    );
    // Listing, removing; every change is in the audit trail.
    let text = ok(&["saved", "list"]);
    assert!(
        text.contains("@oily") && text.contains("core terms"),
        "{text}"
    );
    ok(&["saved", "rm", "wl"]);
    assert!(!ok(&["saved", "list"]).contains("@wl"));
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"saved-search\"") && audit.contains("\"saved-search-removed\""));
    assert!(run(&m, &["audit", "verify"]).status.success());
}

#[test]
fn lists_are_frozen_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter(tmp.path());
    let out = run(&m, &["list", "add", "oil-set", "--query", "oil"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("2 conversations"));
    assert_eq!(count(&m, &["search", "--count", "list:oil-set"]), "2");
    // New matching conversations do not join the list; the query finds them.
    let more = write(
        tmp.path(),
        "more.jsonl",
        openai_line("e", "More oil news.", "ok").as_bytes(),
    );
    assert!(
        run(&m, &["--quiet", "import", more.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(count(&m, &["search", "--count", "oil"]), "3");
    assert_eq!(count(&m, &["search", "--count", "list:oil-set"]), "2");
    assert_eq!(
        count(&m, &["search", "--count", "list:oil-set AND gas"]),
        "1"
    );
    let ids = count(&m, &["list", "show", "oil-set"]);
    let mut ids: Vec<&str> = ids.lines().collect();
    ids.sort();
    assert_eq!(ids, ["a", "b"]);
    assert!(count(&m, &["list", "ls"]).contains("oil-set  2 conversations"));
    // Making it again needs --replace; then it holds today's matches.
    assert!(
        !run(&m, &["list", "add", "oil-set", "--query", "oil"])
            .status
            .success()
    );
    assert!(
        run(
            &m,
            &["list", "add", "oil-set", "--query", "oil", "--replace"]
        )
        .status
        .success()
    );
    assert_eq!(count(&m, &["search", "--count", "list:oil-set"]), "3");
    let out = run(&m, &["search", "--count", "list:nope"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no list \"nope\""),
        "{}",
        stderr(&out)
    );
    assert!(run(&m, &["list", "rm", "oil-set"]).status.success());
    assert!(
        !run(&m, &["search", "--count", "list:oil-set"])
            .status
            .success()
    );
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"list\"") && audit.contains("\"list-removed\""));
}

#[test]
fn two_processes_saving_at_once_lose_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter(tmp.path());
    let handles: Vec<_> = (0..2)
        .map(|p| {
            let m = m.clone();
            std::thread::spawn(move || {
                for k in 0..15 {
                    let name = format!("s{p}-{k}");
                    let out = run(&m, &["--quiet", "saved", "add", &name, "oil"]);
                    assert!(out.status.success(), "{}", stderr(&out));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let text = count(&m, &["saved", "list"]);
    for p in 0..2 {
        for k in 0..15 {
            assert!(
                text.contains(&format!("@s{p}-{k} ")),
                "s{p}-{k} lost:\n{text}"
            );
        }
    }
}

#[test]
fn a_highlight_set_is_kept_checked_and_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let m = matter(tmp.path());
    let ok = |args: &[&str]| run_ok(&m, args);
    let f = write(
        tmp.path(),
        "hl.txt",
        b"# the team's terms\nred: iran w/s oil\ngas\n@nope\n",
    );
    // A term that does not parse: refused with its line, nothing kept.
    let out = run(&m, &["highlights", "set", f.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("line 4"), "{}", stderr(&out));
    assert!(ok(&["highlights", "show"]).contains("no highlight set"));
    let f = write(tmp.path(), "hl.txt", b"red: iran w/s oil\ngas\n");
    assert!(ok(&["highlights", "set", f.to_str().unwrap()]).contains("2 terms"));
    let text = ok(&["highlights", "show"]);
    assert!(
        text.contains("red      iran w/s oil") && text.contains("cyan     gas"),
        "{text}"
    );
    // The search term report can make its terms the set.
    let terms = write(tmp.path(), "t.txt", b"oil\nprices\n");
    ok(&["report", terms.to_str().unwrap(), "--set-highlights"]);
    let text = ok(&["highlights", "show"]);
    assert!(
        text.contains("yellow   oil") && text.contains("cyan     prices"),
        "{text}"
    );
    assert!(ok(&["highlights", "clear"]).contains("removed"));
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"highlights\"") && audit.contains("\"highlights-cleared\""));
}
