//! Detection on real text: real BBC articles planted into real chatbot conversations at known
//! places (verbatim, with edits, pasted by the user), scored like the synthetic evaluation;
//! then every finding on the untouched real conversations against the real corpora.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{Value, json};

fn shared() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if d.join("chats").is_dir() && d.join("articles").is_dir() {
        Some(d)
    } else {
        eprintln!(
            "SKIPPED: {} not found; real-data detection checks not run",
            d.display()
        );
        None
    }
}

fn lines(path: &Path) -> Vec<Value> {
    let mut s = String::new();
    std::fs::File::open(path)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn words(text: &str) -> usize {
    verbatim::detect::normalize::tokens(text).len()
}

const SUBSTITUTES: [&str; 6] = [
    "however",
    "meanwhile",
    "notably",
    "reportedly",
    "indeed",
    "likewise",
];

#[test]
fn planted_real_articles_are_found_and_real_chats_stay_clean() {
    let Some(d) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bbc = lines(&d.join("articles/bbc_news_2005.jsonl"));
    let mut convs: Vec<Value> = lines(&d.join("chats/wildchat_sample.jsonl"));
    convs.extend(lines(&d.join("chats/chatbot_arena.jsonl")));

    let mut truth = Vec::new();
    let mut planted_ids = std::collections::HashSet::new();
    for (i, c) in convs.iter_mut().enumerate() {
        let id = c["id"].as_str().unwrap().to_string();
        if i % 4 != 0 {
            continue;
        }
        let art = &bbc[(i * 7) % bbc.len()];
        let art_words: Vec<&str> = art["text"].as_str().unwrap().split_whitespace().collect();
        if art_words.len() < 260 {
            continue;
        }
        let msgs = c["messages"].as_array_mut().unwrap();
        let Some(ai) = msgs
            .iter()
            .position(|m| m["role"] == "assistant" && m["content"].is_string())
        else {
            continue;
        };
        let Some(ui) = msgs
            .iter()
            .position(|m| m["role"] == "user" && m["content"].is_string())
        else {
            continue;
        };
        if ui > ai {
            continue;
        }
        let start = 20 + (i % 50);
        let (case, excerpt, user_prefix) = match (i / 4) % 3 {
            0 => {
                let n = 25 + (i % 100);
                ("verbatim", art_words[start..start + n].join(" "), None)
            }
            1 => {
                let n = 40 + (i % 80);
                let mut ws: Vec<String> = art_words[start..start + n]
                    .iter()
                    .map(|w| w.to_string())
                    .collect();
                for k in (7..ws.len()).step_by(15) {
                    ws[k] = SUBSTITUTES[k % SUBSTITUTES.len()].to_string();
                }
                ("near_verbatim", ws.join(" "), None)
            }
            _ => {
                let pasted = art_words[start..start + 150].join(" ");
                let quote = art_words[start + 30..start + 30 + 40].join(" ");
                ("pasted", quote, Some(pasted))
            }
        };
        if let Some(p) = user_prefix {
            let u = msgs[ui]["content"].as_str().unwrap().to_string();
            msgs[ui]["content"] = json!(format!("Here is an article:\n\n{p}\n\n{u}"));
        }
        let a = msgs[ai]["content"].as_str().unwrap().to_string();
        msgs[ai]["content"] = json!(format!("{a}\n\nAs the article put it: \"{excerpt}\""));
        truth.push(json!({"conversation": id, "case": case, "article": art["id"].as_str().map(String::from).unwrap_or_else(|| art["id"].to_string()), "words": words(&excerpt), "spans": []}));
        planted_ids.insert(id);
    }
    for c in &convs {
        let id = c["id"].as_str().unwrap();
        if !planted_ids.contains(id) {
            truth.push(json!({"conversation": id, "case": "none", "article": null, "words": 0, "spans": []}));
        }
    }
    let conv_file = write(
        tmp.path(),
        "planted.jsonl",
        convs
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    );
    let truth_file = write(
        tmp.path(),
        "truth.jsonl",
        truth
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    );
    let m = tmp.path().join("m");
    assert!(
        run(&m, &["--quiet", "import", conv_file.to_str().unwrap()])
            .status
            .success()
    );
    let out = run(
        &m,
        &[
            "--quiet",
            "articles",
            "import",
            d.join("articles/bbc_news_2005.jsonl").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(run(&m, &["--quiet", "detect"]).status.success());
    let out = run(
        &m,
        &["--json", "eval", "--truth", truth_file.to_str().unwrap()],
    );
    let report = json(&out);
    eprintln!("real planted evaluation: {report}");
    for row in report["rows"].as_array().unwrap() {
        assert!(row["ok"].as_bool().unwrap(), "{row}");
    }
    assert!(report["precision"].as_f64().unwrap() >= 0.99, "{report}");
    assert!(planted_ids.len() > 300);

    // The untouched real conversations against both real corpora.
    let clean = tmp.path().join("clean");
    for f in ["chats/wildchat_sample.jsonl", "chats/chatbot_arena.jsonl"] {
        assert!(
            run(&clean, &["--quiet", "import", d.join(f).to_str().unwrap()])
                .status
                .success()
        );
    }
    for f in [
        "articles/bbc_news_2005.jsonl",
        "articles/reuters21578.jsonl",
    ] {
        assert!(
            run(
                &clean,
                &["--quiet", "articles", "import", d.join(f).to_str().unwrap()]
            )
            .status
            .success()
        );
    }
    let out = run(&clean, &["--json", "detect"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let findings: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for f in &findings {
        eprintln!(
            "finding on unplanted real conversation: {} {} {} {} words",
            f["conversation"], f["article"], f["label"], f["longest_run_words"]
        );
    }
    assert!(
        findings.len() <= 5,
        "{} findings on unplanted conversations",
        findings.len()
    );
}
