//! A hostile user against the binary: escape sequences in produced data, symlinks planted in
//! the matter, queries that would overflow the stack or never finish, undo across reviewers.

mod common;

use common::*;

fn matter_with(lines: &[String]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m");
    let src = write(dir.path(), "in.jsonl", (lines.join("\n") + "\n").as_bytes());
    let o = run(&m, &["import", src.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, m)
}

/// No byte of a terminal control sequence from the data reaches stdout in human output.
fn assert_inert(out: &str, what: &str) {
    for (i, c) in out.char_indices() {
        assert!(
            !(c.is_control() && c != '\n' && c != '\t'),
            "{what}: control {c:?} at byte {i} in {out:?}"
        );
    }
}

#[test]
fn escape_sequences_in_data_are_shown_not_obeyed() {
    let evil = "pwned\x1b]0;TITLE\x07 \x1b[2J\x1b[31mred\x1b[0m back\x08\x08 bell\x07 \u{9b}31m";
    let (_t, m) = matter_with(&[openai_line(
        "evil\x1b[8m",
        &format!("tell me {evil}"),
        &format!("sure {evil}"),
    )]);
    let id = "evil\x1b[8m";
    run(&m, &["note", id, &format!("note {evil}")]);
    for args in [
        vec!["show", id],
        vec!["search", "pwned"],
        vec!["history", id],
        vec!["stats"],
    ] {
        let o = run(&m, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert_inert(&out, &format!("{args:?}"));
        if args[0] != "stats" {
            assert!(out.contains('␛'), "{args:?}: ESC shown visibly: {out}");
        }
    }
    // --json stays exact: the text round-trips byte for byte.
    let o = run(&m, &["--json", "show", id]);
    let v = json(&o);
    assert!(v["messages"][1]["text"].as_str().unwrap().contains(evil));
}

#[cfg(unix)]
#[test]
fn a_symlinked_matter_file_is_refused_and_its_target_untouched() {
    let (t, m) = matter_with(&[openai_line("c1", "hello there", "general kenobi")]);
    let victim = t.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let journal = m.join("review.jsonl");
    let _ = std::fs::remove_file(&journal);
    std::os::unix::fs::symlink(&victim, &journal).unwrap();
    let o = run(&m, &["tag", "c1", "hot"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

    // The audit trail too.
    std::fs::remove_file(&journal).unwrap();
    let audit = m.join("audit.jsonl");
    let moved = t.path().join("audit-elsewhere.jsonl");
    std::fs::rename(&audit, &moved).unwrap();
    std::os::unix::fs::symlink(&victim, &audit).unwrap();
    let o = run(&m, &["search", "hello"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

#[test]
fn open_ranges_and_deep_nesting_are_usage_errors_not_crashes() {
    let (_t, m) = matter_with(&[openai_line("c1", "hello there", "general kenobi")]);
    let deep_parens = "(".repeat(7000) + "a" + &")".repeat(7000);
    let nots = "NOT ".repeat(2000) + "a";
    let users = "user:(".repeat(6000) + "a";
    for q in [
        "created:..",
        "turns:..",
        deep_parens.as_str(),
        nots.as_str(),
        users.as_str(),
    ] {
        for args in [vec!["search", q], vec!["tag", "--query", q, "hot", "--yes"]] {
            let o = run(&m, &args);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{}: {}",
                &q[..q.len().min(20)],
                stderr(&o)
            );
            assert!(stderr(&o).contains("column"), "{}", stderr(&o));
        }
    }
}

#[test]
fn undo_by_one_reviewer_leaves_anothers_tag() {
    let (_t, m) = matter_with(&[openai_line("c1", "hello there", "general kenobi")]);
    let by = |who: &str, args: &[&str]| {
        let mut a = vec!["--reviewer", who];
        a.extend_from_slice(args);
        run(&m, &a)
    };
    assert!(by("ann", &["tag", "c1", "hot"]).status.success());
    assert!(by("bob", &["tag", "c1", "hot"]).status.success());
    assert!(by("ann", &["undo"]).status.success());
    let v = json(&run(&m, &["--json", "tags"]));
    assert_eq!(v["tags"]["hot"], 1, "{v}");
    assert_eq!(v["by_reviewer"]["hot"]["bob"], 1, "{v}");
    assert!(v["by_reviewer"]["hot"].get("ann").is_none(), "{v}");

    assert!(by("ann", &["note", "c1", "ann wrote"]).status.success());
    assert!(by("bob", &["note", "c1", "bob wrote"]).status.success());
    let o = by("ann", &["undo"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("left as is"), "{}", stderr(&o));
    let h = stdout(&run(&m, &["history", "c1"]));
    assert!(h.contains("note: bob wrote"), "{h}");
}
