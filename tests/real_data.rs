//! Imports every real chat file in `../shared/data/chats` (when present) and checks counts and
//! searches against an independent reading of the same files.

mod common;

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn data_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/chats");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!(
            "SKIPPED: {} not found; real-data checks not run",
            d.display()
        );
        None
    }
}

fn read_lines(path: &Path) -> Vec<Value> {
    let mut text = String::new();
    let f = std::fs::File::open(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(f)
            .read_to_string(&mut text)
            .unwrap();
    } else {
        std::io::BufReader::new(f)
            .read_to_string(&mut text)
            .unwrap();
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Words as an independent reader would split them: runs of letters and digits, lower-cased.
fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

#[test]
fn jsonl_files_import_exactly_and_searches_match_a_scan() {
    let Some(d) = data_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    let mut expected_messages = 0u64;
    let mut texts: Vec<String> = Vec::new();
    for name in ["chatbot_arena.jsonl", "wildchat_sample.jsonl"] {
        let recs = read_lines(&d.join(name));
        let out = run(&m, &["--json", "import", d.join(name).to_str().unwrap()]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let s = json(&out);
        assert_eq!(s["imported"].as_u64().unwrap(), recs.len() as u64, "{name}");
        assert_eq!(s["rejected"], 0, "{name}");
        assert_eq!(s["duplicates"], 0, "{name}");
        assert_eq!(s["truncated"], false, "{name}");
        for r in &recs {
            let mut all = String::new();
            for msg in r["messages"].as_array().unwrap() {
                let t = msg["content"].as_str().unwrap_or("");
                if !t.trim().is_empty() {
                    expected_messages += 1;
                    all.push_str(t);
                    all.push('\n');
                }
            }
            texts.push(all);
        }
    }
    let st = json(&run(&m, &["--json", "stats"]));
    assert_eq!(st["conversations"].as_u64().unwrap(), texts.len() as u64);
    assert_eq!(st["messages"]["total"].as_u64().unwrap(), expected_messages);
    assert_eq!(st["languages"]["english"].as_u64().unwrap(), 186);

    // Word searches count exactly the conversations an independent scan finds. Words are
    // ASCII so accent folding does not come into it.
    let bags: Vec<HashSet<String>> = texts.iter().map(|t| words(t)).collect();
    for w in [
        "python", "climate", "recipe", "contract", "poem", "the", "zebra", "2023",
    ] {
        let expect = bags.iter().filter(|b| b.contains(w)).count();
        let out = run(&m, &["search", "--count", w]);
        assert_eq!(stdout(&out).trim(), expect.to_string(), "{w}");
    }
    // Two words in the same conversation.
    let expect = bags
        .iter()
        .filter(|b| b.contains("python") && b.contains("code"))
        .count();
    let out = run(&m, &["search", "--count", "python AND code"]);
    assert_eq!(stdout(&out).trim(), expect.to_string());
}

#[test]
fn hh_transcripts_export_and_invalid_file() {
    let Some(d) = data_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");

    // HH-RLHF: each line holds two transcripts.
    let hh = d.join("hh_rlhf_harmless_test.jsonl.gz");
    let lines = read_lines(&hh);
    let s = json(&run(&m, &["--json", "import", hh.to_str().unwrap()]));
    assert_eq!(s["imported"].as_u64().unwrap(), 2 * lines.len() as u64);
    assert_eq!(
        s["files"][0]["records"].as_u64().unwrap(),
        lines.len() as u64
    );
    assert_eq!(s["files"][0]["compression"], "gzip");

    // The ChatGPT export: one conversation; the shown thread is the current_node path.
    let export = d.join("chatgpt_export_2024.json");
    let v: Value = serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    let conv = &v[0];
    let mapping = conv["mapping"].as_object().unwrap();
    let mut node = conv["current_node"].as_str().map(str::to_string);
    let mut path_texts = 0;
    while let Some(id) = node {
        let parts = &mapping[&id]["message"]["content"]["parts"];
        let text: String = parts
            .as_array()
            .map(|ps| ps.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !text.trim().is_empty() {
            path_texts += 1;
        }
        node = mapping[&id]["parent"].as_str().map(str::to_string);
    }
    let s = json(&run(&m, &["--json", "import", export.to_str().unwrap()]));
    assert_eq!(s["imported"], 1);
    assert_eq!(s["files"][0]["format"], "chatgpt");
    let id = conv["conversation_id"].as_str().unwrap();
    let out = run(&m, &["--json", "search", &format!("id:{id}")]);
    let r = json(&out);
    assert_eq!(r["total"], 1);
    assert_eq!(r["hits"][0]["id"], id);
    let m_open = verbatim::matter::Matter::open(&m).unwrap();
    let idx = verbatim::index::ConvIndex::open(&m_open.index_dir()).unwrap();
    let c = verbatim::search::get(&idx, id).unwrap().unwrap();
    // Every node on the current path with text, in order; hidden empty system nodes dropped.
    assert_eq!(c.messages.len(), path_texts);
    assert_eq!(c.messages[0].role, verbatim::model::Role::User);
    assert_eq!(c.title.as_deref(), conv["title"].as_str());

    // The invalid export fails cleanly, naming the position.
    let bad = d.join("chatgpt_export_2023_redacted_invalid.json");
    let out = run(&m, &["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no conversation could be read"), "{err}");
    assert!(
        err.contains("invalid JSON at byte 37 (line 1, column 38)"),
        "{err}"
    );

    let st = json(&run(&m, &["--json", "stats"]));
    assert_eq!(
        st["conversations"].as_u64().unwrap(),
        2 * lines.len() as u64 + 1
    );
    assert_eq!(st["rejects"], 1);
}

/// Word positions of a message as an independent reader counts them: runs of letters and
/// digits, lower-cased.
fn positions(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

#[test]
fn proximity_counts_match_a_brute_force_scan_of_real_text() {
    let Some(d) = data_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    let mut convs: Vec<Vec<Vec<String>>> = Vec::new();
    for name in ["chatbot_arena.jsonl", "wildchat_sample.jsonl"] {
        let out = run(&m, &["--quiet", "import", d.join(name).to_str().unwrap()]);
        assert!(out.status.success());
        for r in read_lines(&d.join(name)) {
            convs.push(
                r["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|m| m["content"].as_str())
                    .filter(|t| !t.trim().is_empty())
                    .map(positions)
                    .collect(),
            );
        }
    }
    let near = |msg: &[String], a: &str, b: &str, n: usize, kind: &str| -> bool {
        let pa: Vec<usize> = msg
            .iter()
            .enumerate()
            .filter(|(_, w)| *w == a)
            .map(|(i, _)| i)
            .collect();
        let pb: Vec<usize> = msg
            .iter()
            .enumerate()
            .filter(|(_, w)| *w == b)
            .map(|(i, _)| i)
            .collect();
        match kind {
            "w" => pa
                .iter()
                .any(|x| pb.iter().any(|y| x != y && x.abs_diff(*y) <= n)),
            "pre" => pa.iter().any(|x| pb.iter().any(|y| y > x && y - x <= n)),
            _ => pa
                .iter()
                .any(|x| !pb.iter().any(|y| x != y && x.abs_diff(*y) <= n)),
        }
    };
    let mut checked = 0;
    for (a, b) in [
        ("the", "of"),
        ("python", "code"),
        ("i", "you"),
        ("climate", "change"),
        ("data", "model"),
        ("can", "help"),
    ] {
        for n in [1usize, 3, 10] {
            for (kind, op) in [("w", "w"), ("pre", "pre"), ("not", "NOT w")] {
                let expect = convs
                    .iter()
                    .filter(|c| c.iter().any(|msg| near(msg, a, b, n, kind)))
                    .count();
                let q = format!("{a} {op}/{n} {b}");
                let out = run(&m, &["search", "--count", &q]);
                assert_eq!(stdout(&out).trim(), expect.to_string(), "{q}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 54);
}
