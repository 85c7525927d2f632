//! Near-duplicate groups against brute force over the same shingles, on planted near-duplicate
//! families among unrelated texts: every pair of conversations at Jaccard >= 0.8 ends in one
//! group (recall), and every member is at 0.8 or above against its principal (precision of
//! what a group claims).

mod common;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

use common::*;
use verbatim::groups::{self, Scope, minhash};
use verbatim::index::ConvIndex;

fn texts() -> Vec<String> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let vocab: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
    let mut out = Vec::new();
    for _family in 0..15 {
        let base: Vec<String> = (0..150).map(|_| vocab[next(vocab.len())].clone()).collect();
        out.push(base.join(" "));
        // Variants: a word in 100 changed (near), one in 45 (about the threshold), or one in
        // 12 (far below it).
        for v in 0..8 {
            let rate = match v {
                0..3 => 100,
                3..6 => 45,
                _ => 12,
            };
            let t: Vec<String> = base
                .iter()
                .map(|w| {
                    if next(rate) == 0 {
                        vocab[next(vocab.len())].clone()
                    } else {
                        w.clone()
                    }
                })
                .collect();
            out.push(t.join(" "));
        }
    }
    for _ in 0..150 {
        let t: Vec<String> = (0..150).map(|_| vocab[next(vocab.len())].clone()).collect();
        out.push(t.join(" "));
    }
    out
}

/// The matter's conversation groups at 0.8, built apart from the matter's own store.
fn conversation_groups(m: &std::path::Path) -> groups::Groups {
    let idx = ConvIndex::open(&m.join("index")).unwrap();
    groups::build_once(
        &idx,
        0.8,
        Scope::Conversation,
        20,
        "t",
        &AtomicBool::new(false),
    )
    .unwrap()
}

/// Groups as sets of (member, similarity), in an order that does not depend on ids.
fn shape(g: &groups::Groups) -> Vec<Vec<(String, String)>> {
    let mut v: Vec<Vec<(String, String)>> = g
        .groups
        .iter()
        .map(|x| {
            x.members
                .iter()
                .map(|m| (m.conversation.clone(), format!("{:.6}", m.similarity)))
                .collect()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn groups_find_the_pairs_brute_force_finds() {
    let texts = texts();
    let lines: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| openai_line(&format!("t{i:03}"), t, ""))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "g.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    import_files(&m, &[f]);
    let g = conversation_groups(&m);
    // The conversation text as the builder reads it: every message joined by a line break.
    let sh: Vec<Vec<u32>> = texts
        .iter()
        .map(|t| minhash::shingles(&format!("{t}\n")))
        .collect();
    let group_of: HashMap<String, &str> = g
        .groups
        .iter()
        .flat_map(|grp| {
            grp.members
                .iter()
                .map(move |m| (m.conversation.clone(), grp.id.as_str()))
        })
        .collect();
    let id = |i: usize| format!("t{i:03}");
    let (mut truth, mut found, mut joined, mut joined_true) = (0, 0, 0, 0);
    let index_of = |c: &str| c[1..].parse::<usize>().unwrap();
    let (mut claims, mut claims_true) = (0, 0);
    for grp in &g.groups {
        let p = index_of(&grp.members[0].conversation);
        for m in &grp.members[1..] {
            let jac = minhash::jaccard(&sh[p], &sh[index_of(&m.conversation)]);
            claims += 1;
            claims_true += usize::from(jac >= 0.8);
            assert!(
                (jac - m.similarity).abs() < 1e-9,
                "stated similarity is exact"
            );
        }
    }
    for i in 0..texts.len() {
        for j in i + 1..texts.len() {
            let jac = minhash::jaccard(&sh[i], &sh[j]);
            let same = matches!((group_of.get(&id(i)), group_of.get(&id(j))), (Some(a), Some(b)) if a == b);
            if jac >= 0.8 {
                truth += 1;
                found += usize::from(same);
            }
            if same {
                joined += 1;
                joined_true += usize::from(jac >= 0.8);
            }
        }
    }
    let recall = found as f64 / truth as f64;
    let precision = claims_true as f64 / claims.max(1) as f64;
    let pairwise = joined_true as f64 / joined.max(1) as f64;
    assert!(truth >= 120, "{truth} true pairs: the data plants too few");
    assert!(recall >= 0.95, "recall {recall} ({found} of {truth})");
    assert!(
        precision >= 0.99,
        "precision {precision} ({claims_true} of {claims})"
    );
    // Each family's near variants share a group whose principal is a member.
    assert!(g.groups.len() >= 15);
    for grp in &g.groups {
        assert_eq!(grp.members[0].similarity, 1.0);
        assert!(
            grp.members
                .iter()
                .all(|m| m.similarity >= 0.0 && m.similarity <= 1.0)
        );
    }
    eprintln!(
        "recall {recall:.3} ({found}/{truth}), precision {precision:.3} ({claims_true}/{claims}), \
         any two members of a group at 0.8 or above: {pairwise:.3} ({joined_true}/{joined})"
    );
}

/// Exports carry each conversation's group, principal and similarity (CSV, DAT, JSONL).
#[test]
fn exports_carry_the_group_fields() {
    let texts = texts();
    let lines: Vec<String> = texts
        .iter()
        .take(30)
        .enumerate()
        .map(|(i, t)| openai_line(&format!("t{i:03}"), t, ""))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_lines(tmp.path(), &lines);
    run_ok(&m, &["groups", "build"]);
    // t001 is a near variant of t000 (the family's base, its principal).
    for (format, file) in [
        ("csv", "conversations.csv"),
        ("jsonl", "conversations.jsonl"),
    ] {
        let dir = export_all(&m, tmp.path().join(format), &["--format", format]);
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("\"t001\"") || l.starts_with("t001,"))
            .unwrap();
        assert!(
            line.contains("G000001") && line.contains("t000"),
            "{format}: {line}"
        );
    }
    // A production carries the groups only when the analysis is asked for, as findings.
    let production = |name: &str, prefix: &str, extra: &[&str]| {
        let mut args = vec!["--format", "dat", "--bates-prefix", prefix];
        args.extend_from_slice(extra);
        let dir = export_all(&m, tmp.path().join(name), &args);
        std::fs::read_to_string(dir.join("loadfile.dat")).unwrap()
    };
    let dat = production("dat", "GRP-", &[]);
    assert!(dat.contains("GROUP_ID") && dat.contains("PRINCIPAL") && dat.contains("SIMILARITY"));
    assert!(!dat.contains("G000001"), "groups left a default production");
    let dat = production("dat2", "GRQ-", &["--include", "transcript,findings"]);
    assert!(dat.contains("G000001"));
}

/// `groups code` applies the principal's call to the members at a floor as one bulk event
/// naming the group; one `undo` reverts it; `groups variance` lists the groups coded apart.
#[test]
fn a_group_is_coded_from_its_principal_in_one_undoable_event() {
    let texts = texts();
    let lines: Vec<String> = texts
        .iter()
        .take(9)
        .enumerate()
        .map(|(i, t)| openai_line(&format!("t{i:03}"), t, ""))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_lines(tmp.path(), &lines);
    run_ok(&m, &["groups", "build"]);
    let g = groups::require(&m).unwrap();
    let grp = g.groups[0].clone();
    let principal = grp.members[0].conversation.clone();
    let tag = "reproduces-article";
    // The principal is read and coded first: the group follows its call, never before.
    let refused = run(&m, &["groups", "code", &grp.id, tag, "--yes"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("code it first"),
        "{}",
        stderr(&refused)
    );
    run_ok(&m, &["tag", &principal, tag]);
    let members = groups::coding::targets(&grp, 0.8);
    assert!(members.len() >= 2, "{members:?}");
    let out = run_ok(
        &m,
        &[
            "groups",
            "code",
            &grp.id,
            tag,
            "--min-similarity",
            "0.8",
            "--yes",
        ],
    );
    assert!(
        out.contains(&format!("{} conversations", members.len())),
        "{out}"
    );
    let j = verbatim::review::Journal::open(&m).unwrap();
    let last = j.state().events().last().unwrap();
    assert_eq!(last.via.as_ref().unwrap()["group"], grp.id.as_str());
    assert_eq!(last.via.as_ref().unwrap()["min_similarity"], 0.8);
    for id in &members {
        assert!(j.state().has_tag(id, tag));
    }
    let audit = std::fs::read_to_string(m.join("audit.jsonl")).unwrap();
    assert!(audit.contains("\"group_coding\""));
    // A member coded otherwise is a variance for the lead.
    assert!(run_ok(&m, &["groups", "variance"]).contains("every group is coded alike"));
    run_ok(&m, &["tag", &members[0], "echo-only"]);
    let v = run_ok(&m, &["groups", "variance"]);
    assert!(v.contains(&grp.id) && v.contains("echo-only 1"), "{v}");
    // Undo goes newest first: the member's own call, then the whole group in one step.
    run_ok(&m, &["undo"]);
    run_ok(&m, &["undo"]);
    let j = verbatim::review::Journal::open(&m).unwrap();
    // (The member recoded since is left as it stands, and the undo says so.)
    for id in &members[1..] {
        assert!(
            !j.state().has_tag(id, tag),
            "{id} still tagged after one undo"
        );
    }
    assert!(j.state().has_tag(&principal, tag));
    // The history names the group the call came from.
    let h = run_ok(&m, &["history", &members[1]]);
    assert!(h.contains(&grp.id), "{h}");
}

/// Exports every conversation of `m` into `out` with `args` (the format and its options);
/// `out`.
fn export_all(m: &std::path::Path, out: std::path::PathBuf, args: &[&str]) -> std::path::PathBuf {
    let mut all = vec!["export", "--query", "*", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    run_ok(m, &all);
    out
}

/// An Arena battle's two sides are one family; exports carry FAMILY_ID (CSV, DAT, JSONL).
#[test]
fn families_come_from_the_data_and_leave_in_every_export() {
    let tmp = tempfile::tempdir().unwrap();
    let arena = serde_json::json!({"question_id": "q7", "model_a": "a-13b", "model_b": "b-13b",
        "conversation_a": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello from a"}],
        "conversation_b": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello from b"}],
        "turn": 1, "language": "English", "tstamp": 1682351591.1});
    let m = matter_of_lines(tmp.path(), &[arena.to_string()]);
    let out = run_ok(&m, &["search", "family:q7", "--count"]);
    assert_eq!(out.trim(), "2", "{out}");
    let csv_dir = export_all(&m, tmp.path().join("csv"), &["--format", "csv"]);
    let csv = std::fs::read_to_string(csv_dir.join("conversations.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains("family_id"));
    assert_eq!(csv.matches(",q7,").count(), 2, "{csv}");
    let dat_dir = export_all(
        &m,
        tmp.path().join("dat"),
        &["--format", "dat", "--bates-prefix", "FAM-"],
    );
    let dat = std::fs::read_to_string(dat_dir.join("loadfile.dat")).unwrap();
    assert!(dat.contains("FAMILY_ID"));
    assert_eq!(dat.matches("\u{fe}q7\u{fe}").count(), 2, "{dat}");
}

/// Groups follow imports: the next import compares only its new conversations, the groups
/// come out as a full build's, and a group led by the same principal keeps its id. A store
/// torn or tampered with is rebuilt, never half read.
#[test]
fn groups_update_after_an_import_as_a_full_build_would() {
    let texts = texts();
    let line = |i: usize| openai_line(&format!("t{i:03}"), &texts[i], "");
    // The families' bases and near variants first; the rest (more variants, noise) later.
    let first: Vec<String> = (0..texts.len()).filter(|i| i % 3 != 2).map(line).collect();
    let later: Vec<String> = (0..texts.len()).filter(|i| i % 3 == 2).map(line).collect();
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_lines(tmp.path(), &first);
    run_ok(&m, &["groups", "build"]);
    let before = groups::require(&m).unwrap();
    let f = write(tmp.path(), "later.jsonl", later.join("\n").as_bytes());
    let out = run_ok(&m, &["import", f.to_str().unwrap()]);
    assert!(
        out.contains(&format!("{} new conversations read", later.len())),
        "{out}"
    );
    let after = groups::require(&m).unwrap();
    let full = conversation_groups(&m);
    assert_eq!(shape(&after), shape(&full));
    assert!(after.units > before.units);
    for old in &before.groups {
        if let Some(now) = after
            .groups
            .iter()
            .find(|g| g.members[0].conversation == old.members[0].conversation)
        {
            assert_eq!(now.id, old.id, "a group kept its principal but lost its id");
        }
    }
    // A torn store (units cut mid-record, garbage after the shingles) is cut back or rebuilt.
    let store = m.join("groups");
    let units = std::fs::read(store.join("units.bin")).unwrap();
    std::fs::write(store.join("units.bin"), &units[..units.len() - 50]).unwrap();
    let mut sh = std::fs::OpenOptions::new()
        .append(true)
        .open(store.join("shingles.bin"))
        .unwrap();
    std::io::Write::write_all(&mut sh, b"garbage").unwrap();
    run_ok(&m, &["groups", "update"]);
    assert_eq!(shape(&groups::require(&m).unwrap()), shape(&full));
    // A store manifest that is not JSON: a full read.
    std::fs::write(store.join("store.json"), b"{not json").unwrap();
    let out = run_ok(&m, &["groups", "update"]);
    assert!(
        out.contains(&format!("{} conversations read", texts.len())),
        "{out}"
    );
    assert_eq!(shape(&groups::require(&m).unwrap()), shape(&full));
}

/// `synth --near-duplicates` plants copies of a family head with their replies reworded at a
/// known rate; the reply groups built over the imported production find them: every copy
/// with a reply at similarity 0.8 or above to its head's (exact Jaccard over the same
/// shingles, both of 20 words or more) sits in a group with its family, and members and
/// principals that are both planted belong to one family.
#[test]
fn planted_near_duplicates_are_grouped_with_their_family() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let m = tmp.path().join("m");
    let s = data.to_str().unwrap();
    run_ok(
        &m,
        &[
            "--quiet",
            "synth",
            "--conversations",
            "800",
            "--articles",
            "40",
            "--near-duplicates",
            "0.5",
            "--seed",
            "7",
            "--out",
            s,
        ],
    );
    let conv = data.join("conversations.jsonl");
    run_ok(&m, &["--quiet", "import", conv.to_str().unwrap()]);
    run_ok(&m, &["--quiet", "groups", "build", "--scope", "reply"]);
    let g = groups::require(&m).unwrap();
    let replies: HashMap<String, Vec<String>> = std::fs::read_to_string(&conv)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let texts = v["messages"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["role"] == "assistant")
                .map(|m| m["content"].as_str().unwrap_or_default().to_string())
                .collect();
            (v["id"].as_str().unwrap().to_string(), texts)
        })
        .collect();
    let truth: Vec<serde_json::Value> = std::fs::read_to_string(data.join("near_duplicates.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(truth.len() > 300, "{} copies planted", truth.len());
    let head_of: HashMap<&str, &str> = truth
        .iter()
        .map(|t| {
            (
                t["conversation"].as_str().unwrap(),
                t["copy_of"].as_str().unwrap(),
            )
        })
        .collect();
    let family = |c: &str| head_of.get(c).copied().unwrap_or(c).to_string();
    let words = |t: &str| verbatim::index::analyzer::tokenize(t).len();
    let (mut should, mut found, mut far) = (0, 0, 0);
    for (&copy, &head) in &head_of {
        let near = replies[copy].iter().zip(&replies[head]).any(|(a, b)| {
            words(a) >= 20
                && words(b) >= 20
                && minhash::jaccard(&minhash::shingles(a), &minhash::shingles(b)) >= 0.8
        });
        if !near {
            far += 1;
            continue;
        }
        should += 1;
        let mine = family(copy);
        found += usize::from(g.groups.iter().any(|grp| {
            grp.members.iter().any(|x| x.conversation == copy)
                && grp
                    .members
                    .iter()
                    .any(|x| x.conversation != copy && family(&x.conversation) == mine)
        }));
    }
    let (mut same, mut pairs) = (0usize, 0usize);
    for grp in &g.groups {
        let p = &grp.members[0].conversation;
        let planted = |c: &str| head_of.contains_key(c) || head_of.values().any(|h| *h == c);
        for mem in grp.members[1..].iter().filter(|x| &x.conversation != p) {
            if planted(&mem.conversation) && planted(p) {
                pairs += 1;
                same += usize::from(family(&mem.conversation) == family(p));
            }
        }
    }
    eprintln!(
        "planted copies: {should} near their head, {found} grouped with their family, {far} reworded below 0.8 or short; {same} of {pairs} planted members with a planted principal of their family"
    );
    assert!(should > 150, "{should} copies near their head");
    let recall = found as f64 / should as f64;
    assert!(recall >= 0.98, "recall {recall:.3} ({found} of {should})");
    assert!(same as f64 >= 0.9 * pairs as f64, "{same} of {pairs}");
}

/// Two builds started at once on one matter (two reviewers) take turns: both succeed, and
/// the store they leave is whole (an update reads nothing new and agrees with a fresh build).
#[test]
fn two_builds_at_once_leave_one_whole_store() {
    let texts = texts();
    let lines: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| openai_line(&format!("t{i:03}"), t, ""))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_lines(tmp.path(), &lines);
    let spawn = || {
        bin()
            .arg("--matter")
            .arg(&m)
            .args(["--quiet", "groups", "build"])
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn(), spawn());
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    let out = run_ok(&m, &["groups", "update"]);
    assert!(out.contains("0 new conversations read"), "{out}");
    assert_eq!(
        shape(&groups::require(&m).unwrap()),
        shape(&conversation_groups(&m))
    );
}

/// A stock reply a hundred conversations share puts them all under one band key, which
/// pairs them only with a few anchors; a longer reply near them leads the group and takes
/// the anchors. The others are near that principal too and must join its group, not be left
/// out because their only known neighbours were taken.
#[test]
fn units_paired_only_with_taken_anchors_still_join_the_group() {
    let stock: Vec<String> = (0..30).map(|i| format!("stock{i}")).collect();
    let stock = stock.join(" ");
    let mut lines: Vec<String> = (0..100)
        .map(|i| openai_line(&format!("s{i:03}"), "hello", &stock))
        .collect();
    // The longer reply last, so that it is not one of the anchors.
    lines.push(openai_line(
        "z-longer",
        "hello",
        &format!("{stock} and three more"),
    ));
    let tmp = tempfile::tempdir().unwrap();
    let m = matter_of_lines(tmp.path(), &lines);
    run_ok(&m, &["--quiet", "groups", "build", "--scope", "reply"]);
    let g = groups::require(&m).unwrap();
    assert_eq!(
        g.groups.len(),
        1,
        "{:?}",
        g.groups.iter().map(|x| x.members.len()).collect::<Vec<_>>()
    );
    let grp = &g.groups[0];
    assert_eq!(grp.members[0].conversation, "z-longer");
    assert_eq!(grp.members.len(), 101);
}
