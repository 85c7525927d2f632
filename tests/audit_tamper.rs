//! The audit trail against an attacker who can edit the matter's files: each rewrite is
//! caught by `verify` (with `--anchor` where the attacker could also re-sign), a torn last line
//! does not stop later commands, and coding never stays off the trail.

mod common;

use common::*;
use sha2::{Digest, Sha256};

fn matter() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..5)
        .map(|i| openai_line(&format!("c{i}"), "hello there", "general kenobi"))
        .collect();
    let f = write(tmp.path(), "in.jsonl", (lines.join("\n") + "\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(run(&m, &["import", f.to_str().unwrap()]).status.success());
    for q in ["hello", "kenobi", "there"] {
        assert!(run(&m, &["search", q]).status.success());
    }
    assert!(run(&m, &["tag", "c1", "hot"]).status.success());
    (tmp, m)
}

fn verify(m: &std::path::Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["audit", "verify"];
    args.extend_from_slice(extra);
    let o = run(m, &args);
    (o.status.success(), stdout(&o) + &stderr(&o))
}

fn sha_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn trail_lines(m: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(m.join("audit.jsonl"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

/// Rewrites the chain from `lines` with every `prev` recomputed, and an unsigned head.
fn rechain(m: &std::path::Path, lines: &[String]) {
    let mut prev = "0".repeat(64);
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
        v["seq"] = serde_json::json!(i + 1);
        v["prev"] = serde_json::json!(prev);
        let s = v.to_string();
        prev = sha_hex(s.as_bytes());
        out.push(s);
    }
    std::fs::write(m.join("audit.jsonl"), out.join("\n") + "\n").unwrap();
    std::fs::write(
        m.join("audit.head"),
        serde_json::json!({"seq": out.len(), "hash": prev}).to_string(),
    )
    .unwrap();
}

#[test]
fn an_intact_trail_verifies_and_anchors() {
    let (_t, m) = matter();
    let (ok, out) = verify(&m, &[]);
    assert!(ok, "{out}");
    assert!(out.contains("head signed by key"), "{out}");
    let o = run(&m, &["audit", "anchor"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cp = stdout(&o).trim().to_string();
    assert!(cp.starts_with("verbatim-anchor:v1:"), "{cp}");
    // More work after the checkpoint: it still verifies against it.
    assert!(run(&m, &["search", "more"]).status.success());
    let (ok, out) = verify(&m, &["--anchor", &cp]);
    assert!(ok, "{out}");
    // An altered checkpoint is refused.
    let forged = cp.replacen(":v1:", ":v1:1", 1);
    let (ok, _) = verify(&m, &["--anchor", &forged]);
    assert!(!ok);
}

#[test]
fn cutting_the_tail_and_rewriting_the_head_is_caught() {
    let (_t, m) = matter();
    let mut l = trail_lines(&m);
    l.truncate(l.len() - 3);
    let last = l.last().unwrap().clone();
    std::fs::write(m.join("audit.jsonl"), l.join("\n") + "\n").unwrap();
    std::fs::write(
        m.join("audit.head"),
        serde_json::json!({"seq": l.len(), "hash": sha_hex(last.as_bytes())}).to_string(),
    )
    .unwrap();
    let (ok, out) = verify(&m, &[]);
    assert!(!ok, "{out}");
    assert!(out.contains("unsigned"), "{out}");
}

#[test]
fn deleting_the_trail_is_caught_by_the_matter_it_no_longer_accounts_for() {
    let (_t, m) = matter();
    std::fs::remove_file(m.join("audit.jsonl")).unwrap();
    std::fs::remove_file(m.join("audit.head")).unwrap();
    let (ok, out) = verify(&m, &[]);
    assert!(!ok, "{out}");
    assert!(out.contains("no import of it"), "{out}");
}

#[test]
fn a_recomputed_chain_is_caught_by_the_signature_and_the_anchor() {
    let (_t, m) = matter();
    let cp = stdout(&run(&m, &["audit", "anchor"])).trim().to_string();
    // Hide a search: drop it and recompute every hash, keeping everything else.
    let l: Vec<String> = trail_lines(&m)
        .into_iter()
        .filter(|x| !x.contains("\"kenobi\""))
        .collect();
    rechain(&m, &l);
    let (ok, out) = verify(&m, &[]);
    assert!(!ok, "{out}");
    // Even if the attacker had the key and re-signed, the checkpoint kept elsewhere fails.
    let (ok, out) = verify(&m, &["--anchor", &cp]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("rewritten") || out.contains("no longer"),
        "{out}"
    );
}

#[test]
fn a_torn_last_line_is_set_aside_and_work_goes_on() {
    let (_t, m) = matter();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(m.join("audit.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut f, b"{\"seq\": 99, \"time\": \"20").unwrap();
    drop(f);
    let (ok, out) = verify(&m, &[]);
    assert!(ok, "a torn tail from a crash is not tampering: {out}");
    assert!(out.contains("interrupted write"), "{out}");
    // Every later command works; the torn bytes are kept and the recovery is on the trail.
    let o = run(&m, &["search", "hello"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(run(&m, &["audit"]).status.success());
    let (ok, out) = verify(&m, &[]);
    assert!(ok, "{out}");
    assert!(out.contains("torn line"), "{out}");
    let torn = std::fs::read_to_string(m.join("audit.torn")).unwrap();
    assert!(torn.contains("seq\\\": 99"), "{torn}");
}

/// A crash between the journal write and the audit write: the journal holds the tag, the
/// trail and its head are as they were before it.
fn crash_before_the_tags_entry(m: &std::path::Path) {
    let trail = std::fs::read(m.join("audit.jsonl")).unwrap();
    let head = std::fs::read(m.join("audit.head")).unwrap();
    assert!(run(m, &["tag", "c2", "warm"]).status.success());
    std::fs::write(m.join("audit.jsonl"), trail).unwrap();
    std::fs::write(m.join("audit.head"), head).unwrap();
}

#[test]
fn coding_is_never_off_the_trail() {
    let (_t, m) = matter();
    crash_before_the_tags_entry(&m);
    let (ok, out) = verify(&m, &[]);
    assert!(!ok);
    assert!(out.contains("no audit entry"), "{out}");
    // The next command puts it on the trail, marked as reconciled: even a search that needs
    // no review state, and so does not replay the journal, sees that the journal's last line
    // is ahead of the trail.
    let o = run(&m, &["search", "hello"]);
    assert!(stderr(&o).contains("reconciled"), "{}", stderr(&o));
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"reconciled\":true"), "{audit}");
    assert!(verify(&m, &[]).0);
    // Once in step, nothing more is written.
    let o = run(&m, &["search", "hello"]);
    assert!(!stderr(&o).contains("reconciled"), "{}", stderr(&o));
}

#[test]
fn a_journal_ending_in_garbage_is_replayed_to_find_what_the_trail_lacks() {
    let (_t, m) = matter();
    crash_before_the_tags_entry(&m);
    // The journal's last complete line does not read: only a replay can tell the last event.
    let mut j = std::fs::read_to_string(m.join("review.jsonl")).unwrap();
    j.push_str("{\"seq\": oops}\n");
    std::fs::write(m.join("review.jsonl"), j).unwrap();
    let o = run(&m, &["search", "hello"]);
    let err = stderr(&o);
    assert!(err.contains("reconciled"), "{err}");
    assert!(err.contains("warning: review.jsonl line"), "{err}");
}

#[test]
fn a_bulk_events_conversations_cannot_be_changed_in_the_journal_alone() {
    let (_t, m) = matter();
    let o = run(&m, &["tag", "--query", "hello", "bulk-set", "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(verify(&m, &[]).0);
    // The bulk event's entry fixes its conversations; `audit --conversation` finds it.
    let listed = stdout(&run(&m, &["audit", "--conversation", "c3"]));
    assert!(listed.contains("bulk-set"), "{listed}");
    assert!(!stdout(&run(&m, &["audit", "--conversation", "c9"])).contains("bulk-set"));
    // Someone removes c3 from the bulk event in review.jsonl.
    let journal = std::fs::read_to_string(m.join("review.jsonl")).unwrap();
    let edited = journal.replace("\"c3\",", "");
    assert_ne!(journal, edited);
    std::fs::write(m.join("review.jsonl"), edited).unwrap();
    let (ok, out) = verify(&m, &[]);
    assert!(!ok, "{out}");
    assert!(out.contains("does not list the conversations"), "{out}");
}

/// A reader that stops after one line (`verbatim search ... | head -1`) ends the printing, not
/// the process: the search's entry is committed and named by the head, and the command
/// succeeds. The entry is in the trail before the first result is printed.
#[test]
fn a_reader_that_stops_early_leaves_a_committed_entry() {
    let tmp = tempfile::tempdir().unwrap();
    // Enough hits that the page is far larger than a pipe holds.
    let lines: Vec<String> = (0..3000)
        .map(|i| {
            openai_line(
                &format!("c{i}"),
                &"hello there ".repeat(30),
                "general kenobi",
            )
        })
        .collect();
    let f = write(tmp.path(), "in.jsonl", (lines.join("\n") + "\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(run(&m, &["import", f.to_str().unwrap()]).status.success());
    let before = trail_lines(&m).len();
    let mut child = bin()
        .arg("--matter")
        .arg(&m)
        .args(["search", "hello", "--limit", "3000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    assert!(first.contains("3,000 conversations match"), "{first}");
    // The entry is on the trail while the results are still being written.
    let during = trail_lines(&m);
    assert_eq!(during.len(), before + 1);
    assert!(during.last().unwrap().contains("\"event\":\"search\""));
    drop(out);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{:?}: {}", o.status, stderr(&o));
    let (ok, report) = verify(&m, &[]);
    assert!(ok, "{report}");
    assert!(!report.contains("interrupted"), "{report}");
}

/// Exit code and output of `audit verify`.
fn verify_code(m: &std::path::Path) -> (i32, String) {
    let o = run(m, &["audit", "verify"]);
    (o.status.code().unwrap(), stdout(&o) + &stderr(&o))
}

/// Entries cut from the end stay a break after later commands sign new heads: each command
/// records the head it found before it writes, and `verify` reads that record back.
#[test]
fn a_cut_tail_is_not_covered_by_the_next_head() {
    let (_t, m) = matter();
    let mut l = trail_lines(&m);
    l.truncate(l.len() - 3);
    std::fs::write(m.join("audit.jsonl"), l.join("\n") + "\n").unwrap();
    let (code, out) = verify_code(&m);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("removed from the end"), "{out}");
    for q in ["later", "later still"] {
        assert!(run(&m, &["search", q]).status.success());
        let (code, out) = verify_code(&m);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("removed from the end"), "{out}");
        assert!(
            out.contains(&format!("when entry {} was written", l.len() + 1)),
            "{out}"
        );
    }
    // No checkpoint is issued over it either.
    assert!(!run(&m, &["audit", "anchor"]).status.success());
}

/// The last entry edited in place, or the head rewritten unsigned to match a cut: both stay
/// breaks after the next command.
#[test]
fn an_edited_last_entry_or_a_forged_head_is_not_covered_by_the_next_head() {
    for how in ["edit-last", "forge-head"] {
        let (_t, m) = matter();
        let mut l = trail_lines(&m);
        match how {
            "edit-last" => {
                let n = l.len() - 1;
                l[n] = l[n].replacen("\"time\":\"2", "\"time\":\"1", 1);
                assert_ne!(l[n], trail_lines(&m)[n]);
            }
            _ => {
                l.truncate(l.len() - 2);
                let last = l.last().unwrap().clone();
                std::fs::write(
                    m.join("audit.head"),
                    serde_json::json!({"seq": l.len(), "hash": sha_hex(last.as_bytes())})
                        .to_string(),
                )
                .unwrap();
            }
        }
        std::fs::write(m.join("audit.jsonl"), l.join("\n") + "\n").unwrap();
        assert_eq!(verify_code(&m).0, 1, "{how}");
        assert!(run(&m, &["search", "after"]).status.success(), "{how}");
        let (code, out) = verify_code(&m);
        assert_eq!(code, 1, "{how}: {out}");
        let expect = if how == "edit-last" {
            "was changed after the head named it"
        } else {
            "unsigned"
        };
        assert!(out.contains(expect), "{how}: {out}");
    }
}

/// Commands that could not update audit.head (a full disk) leave entries no signed head
/// covers; so do lines added by hand. `verify` lists them (exit 2), before and after the next
/// command signs a head past them, and never reads them as a cut.
#[test]
fn entries_written_after_the_last_signed_head_are_never_vouched_for() {
    let (_t, m) = matter();
    let head = std::fs::read(m.join("audit.head")).unwrap();
    let signed = trail_lines(&m).len();
    for q in ["one", "two", "three"] {
        assert!(run(&m, &["search", q]).status.success());
    }
    // As if none of the three could write its head.
    std::fs::write(m.join("audit.head"), &head).unwrap();
    let range = format!("entries {}..{}", signed + 1, signed + 3);
    let (code, out) = verify_code(&m);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("NOT VOUCHED FOR") && out.contains(&range),
        "{out}"
    );
    assert!(!out.contains("removed"), "{out}");
    assert!(run(&m, &["search", "four"]).status.success());
    let (code, out) = verify_code(&m);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&range), "{out}");
    assert!(
        out.contains(&format!("when entry {} was written", signed + 4)),
        "{out}"
    );
    let o = run(&m, &["--json", "audit", "verify"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["intact"], true);
    assert_eq!(j["unvouched"][0]["from"], signed as u64 + 1);
    assert_eq!(j["unvouched"][0]["to"], signed as u64 + 3);
    // Two lines added by hand, chained correctly, are listed too, whatever runs after.
    let mut l = trail_lines(&m);
    for q in ["forged one", "forged two"] {
        let mut v: serde_json::Value = serde_json::from_str(l.last().unwrap()).unwrap();
        v["seq"] = serde_json::json!(l.len() + 1);
        v["prev"] = serde_json::json!(sha_hex(l.last().unwrap().as_bytes()));
        v["event"] = serde_json::json!("search");
        v["data"] = serde_json::json!({"query": q});
        l.push(v.to_string());
    }
    std::fs::write(m.join("audit.jsonl"), l.join("\n") + "\n").unwrap();
    assert!(run(&m, &["search", "five"]).status.success());
    let (code, out) = verify_code(&m);
    assert_eq!(code, 2, "{out}");
    let forged = format!("entries {}..{}", l.len() - 1, l.len());
    assert!(out.contains(&forged), "{out}");
    // A deleted head: the whole chain so far is unvouched, and stays listed.
    std::fs::remove_file(m.join("audit.head")).unwrap();
    let n = trail_lines(&m).len();
    assert!(run(&m, &["search", "six"]).status.success());
    let (code, out) = verify_code(&m);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("entries 1..{n}")) && out.contains("missing"),
        "{out}"
    );
}

/// A process stopped between its entry and its head, then a torn line: the next command
/// sets the tail aside and the trail verifies, with nothing listed as unvouched.
#[test]
fn an_interrupted_write_then_a_torn_line_is_not_a_break() {
    let (_t, m) = matter();
    let head = std::fs::read(m.join("audit.head")).unwrap();
    assert!(run(&m, &["search", "interrupted"]).status.success());
    std::fs::write(m.join("audit.head"), &head).unwrap();
    let (code, out) = verify_code(&m);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("interrupted write"), "{out}");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(m.join("audit.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut f, b"{\"seq\": 77, \"ti").unwrap();
    drop(f);
    assert!(run(&m, &["search", "after"]).status.success());
    let (code, out) = verify_code(&m);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("torn line"), "{out}");
    assert!(!trail_lines(&m).iter().any(|l| l.contains("audit-head-gap")));
}

/// Reviewers with keys of their own take turns: each write checks the head the other signed
/// (one by verifying, one by signing again), nothing is recorded as a gap, and the trail
/// verifies. A head the other "signed" with a forged signature is recorded and stays a break.
#[test]
fn heads_signed_by_each_others_keys_are_not_gaps_but_a_forged_one_is() {
    let (tmp, m) = matter();
    let keys = [tmp.path().join("ann.key"), tmp.path().join("bob.key")];
    let as_ = |k: &std::path::Path, args: &[&str]| {
        bin()
            .env("VERBATIM_AUDIT_KEY", k)
            .arg("--matter")
            .arg(&m)
            .args(args)
            .output()
            .unwrap()
    };
    for round in 0..3 {
        for k in &keys {
            let o = as_(k, &["search", &format!("round {round}")]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
    }
    let (code, out) = verify_code(&m);
    assert_eq!(code, 0, "{out}");
    assert!(!trail_lines(&m).iter().any(|l| l.contains("audit-head-gap")));
    // Bob's last head, its signature altered by one digit.
    let mut head: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m.join("audit.head")).unwrap()).unwrap();
    let sig = head["sig"].as_str().unwrap().to_string();
    let flipped = if sig.starts_with('0') { "1" } else { "0" };
    head["sig"] = serde_json::json!(format!("{flipped}{}", &sig[1..]));
    std::fs::write(m.join("audit.head"), head.to_string()).unwrap();
    // Bob first: his own key's head is checked by signing it again.
    for k in keys.iter().rev() {
        assert!(as_(k, &["search", "after"]).status.success());
        let (code, out) = verify_code(&m);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("signature does not match"), "{out}");
    }
}

/// A writer whose signing key cannot be read writes nothing: an unsigned head could not be told
/// from a forged one. The trail stays as it was and verifies.
#[test]
fn a_command_without_a_usable_signing_key_writes_nothing() {
    let (tmp, m) = matter();
    let bad = tmp.path().join("bad.key");
    std::fs::write(&bad, "not a key\n").unwrap();
    let before = trail_lines(&m);
    let o = bin()
        .env("VERBATIM_AUDIT_KEY", &bad)
        .arg("--matter")
        .arg(&m)
        .args(["search", "hello"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("cannot sign the audit trail"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("match"), "{}", stdout(&o));
    assert_eq!(trail_lines(&m), before);
    assert_eq!(verify_code(&m).0, 0);
}

/// A chain rewritten under a key of the attacker's own (an entry dropped, a fresh key brought
/// in with an `audit-key` entry, the chain recomputed and its head signed with that key) passes
/// the chain's checks: every key the chain introduces signs for it. What shows it is the key
/// list `verify` prints: the attacker's key, introduced by whatever name the attacker wrote,
/// with a note when that name already had a key; and the reviewer's own key missing when the
/// whole chain is redone under the attacker's key. `verify --anchor` catches both.
#[test]
fn a_chain_rewritten_with_a_key_of_its_own_shows_in_the_key_list() {
    use verbatim::audit::anchor::{SigningKey, head_message};
    let sign_head = |m: &std::path::Path, key: &SigningKey| {
        let lines = trail_lines(m);
        let hash = sha_hex(lines.last().unwrap().as_bytes());
        let n = lines.len() as u64;
        let head = serde_json::json!({"seq": n, "hash": hash, "key": key.public_hex(),
            "sig": key.sign_hex(&head_message(n, &hash))});
        std::fs::write(m.join("audit.head"), head.to_string()).unwrap();
    };
    let own = stdout(&bin().args(["audit", "key"]).output().unwrap());
    let own = own.trim()[..16].to_string();

    // A key slipped in under the reviewer's own name, and an entry dropped.
    let (tmp, m) = matter();
    let o = run(&m, &["audit", "anchor"]);
    let checkpoint = stdout(&o).trim().to_string();
    let attacker = SigningKey::load_or_create_at(&tmp.path().join("mallory.key")).unwrap();
    let mut lines = trail_lines(&m);
    let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    let at = lines.iter().position(|l| l.contains("\"kenobi\"")).unwrap();
    lines.remove(at);
    let key_entry = serde_json::json!({"seq": 0, "time": "2026-01-01T00:00:00Z",
        "reviewer": first["reviewer"], "event": "audit-key",
        "data": {"key": attacker.public_hex()}, "prev": ""});
    lines.insert(1, key_entry.to_string());
    rechain(&m, &lines);
    sign_head(&m, &attacker);
    let mut keys = std::fs::read_to_string(m.join("audit.keys")).unwrap();
    keys += &format!("{}\n", serde_json::json!({"key": attacker.public_hex()}));
    std::fs::write(m.join("audit.keys"), keys).unwrap();
    let (code, out) = verify_code(&m);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&attacker.public_hex()[..16]), "{out}");
    assert!(out.contains("introduced a second signing key"), "{out}");
    assert!(
        out.contains(&format!("{own}  introduced at entry 1")),
        "{out}"
    );
    let (ok, out) = verify(&m, &["--anchor", &checkpoint]);
    assert!(!ok, "{out}");

    // The whole chain redone under the attacker's key alone: the reviewer's key is gone.
    let (tmp, m) = matter();
    let attacker = SigningKey::load_or_create_at(&tmp.path().join("mallory.key")).unwrap();
    let mut lines = trail_lines(&m);
    let mut first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first["event"], "audit-key");
    first["data"]["key"] = serde_json::json!(attacker.public_hex());
    lines[0] = first.to_string();
    rechain(&m, &lines);
    sign_head(&m, &attacker);
    std::fs::write(
        m.join("audit.keys"),
        format!("{}\n", serde_json::json!({"key": attacker.public_hex()})),
    )
    .unwrap();
    let (code, out) = verify_code(&m);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("this user's key"), "{out}");
    assert!(!out.contains(&own), "{out}");

    // A second reviewer brought in by their own first command is listed, and a reviewer name
    // with an escape sequence in it is shown, not obeyed.
    let (tmp, m) = matter();
    let o = bin()
        .env("VERBATIM_AUDIT_KEY", tmp.path().join("bob.key"))
        .arg("--matter")
        .arg(&m)
        .args(["--reviewer", "bob\u{1b}[2J", "search", "bob"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let (code, out) = verify_code(&m);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("{own}  introduced at entry 1 by")),
        "{out}"
    );
    assert!(out.contains("(this user's key)"), "{out}");
    assert!(out.contains("by bob"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
}
