//! Detection on real text: real BBC articles planted into real chatbot conversations at known
//! places (verbatim, with edits, pasted by the user), scored like the synthetic evaluation;
//! then every finding on the untouched real conversations against the real corpora.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{Value, json};
use verbatim::articles::Article;
use verbatim::detect::findings::scan;
use verbatim::detect::table::ArticleTable;
use verbatim::detect::{Label, Thresholds};
use verbatim::model::{Conversation, Message, Role};

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

/// A small deterministic generator (xorshift), so the planted edits are the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A number written out in words ("12" -> "twelve", "2005" -> "two thousand and five").
fn spelled(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    match n {
        0..=19 => ONES[n as usize].to_string(),
        20..=99 if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        20..=99 => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        100..=999 if n.is_multiple_of(100) => format!("{} hundred", ONES[(n / 100) as usize]),
        100..=999 => format!(
            "{} hundred and {}",
            ONES[(n / 100) as usize],
            spelled(n % 100)
        ),
        1000..=9999 if n.is_multiple_of(1000) => format!("{} thousand", spelled(n / 1000)),
        1000..=9999 => format!("{} thousand and {}", spelled(n / 1000), spelled(n % 1000)),
        _ => "many".to_string(),
    }
}

const FILLER: [&str; 12] = [
    "really", "also", "quite", "the", "new", "said", "very", "major", "local", "just", "now",
    "still",
];

/// The number a word holds ("12," -> 12), when it is one.
fn number(w: &str) -> Option<u64> {
    let d = w.trim_matches(|c: char| !c.is_ascii_digit());
    (!d.is_empty() && d.len() <= 4 && d.chars().all(|c| c.is_ascii_digit()))
        .then(|| d.parse().unwrap())
}

/// `words` with an edit at each word with probability 1 / `every`: the word replaced, dropped,
/// preceded by an inserted word, swapped with the next, or the next number (within 8 words)
/// written out.
fn edited(words: &[&str], every: usize, rng: &mut Rng) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut spell: Option<usize> = None;
    let mut k = 0;
    while k < words.len() {
        let w = words[k].to_string();
        if spell == Some(k) {
            out.push(spelled(number(&w).unwrap()));
            spell = None;
            k += 1;
            continue;
        }
        if rng.below(every) != 0 {
            out.push(w);
            k += 1;
            continue;
        }
        match rng.below(5) {
            0 => out.push(FILLER[rng.below(FILLER.len())].to_string()),
            1 => {}
            2 => {
                out.push(FILLER[rng.below(FILLER.len())].to_string());
                out.push(w);
            }
            3 if k + 1 < words.len() => {
                out.push(words[k + 1].to_string());
                out.push(w);
                k += 1;
            }
            _ => match (k..(k + 8).min(words.len())).find(|&n| number(words[n]).is_some()) {
                Some(n) if n == k => out.push(spelled(number(&w).unwrap())),
                Some(n) => {
                    spell = Some(n);
                    out.push(w);
                }
                None => out.push("indeed".to_string()),
            },
        }
        k += 1;
    }
    out.join(" ")
}

fn real_conversation(v: &Value, i: usize) -> Option<Conversation> {
    let msgs = v["messages"].as_array()?;
    let mut messages = Vec::new();
    for m in msgs {
        let (Some(role), Some(text)) = (
            m["role"].as_str().and_then(Role::parse),
            m["content"].as_str(),
        ) else {
            continue;
        };
        messages.push(Message {
            index: messages.len() as u32,
            role,
            author: None,
            created: None,
            text: text.to_string(),
        });
    }
    Some(Conversation {
        id: format!("c{i}"),
        source: Default::default(),
        title: None,
        created: None,
        model: None,
        language: None,
        messages,
        metadata: Default::default(),
        family: None,
    })
}

/// Where a passage was planted: the message and the byte range of the passage in it.
struct Plant {
    message: u32,
    start: usize,
    end: usize,
}

/// Appends `passage` to the first assistant reply that follows a user message; returns where.
fn plant(conv: &mut Conversation, passage: &str) -> Option<Plant> {
    let first_user = conv.messages.iter().position(|m| m.role == Role::User)?;
    let m = conv.messages[first_user..]
        .iter_mut()
        .find(|m| m.role == Role::Assistant)?;
    let prefix = format!("{}\n\nAs the article put it: \"", m.text);
    let start = prefix.len();
    m.text = format!("{prefix}{passage}\" That is how it was reported.");
    Some(Plant {
        message: m.index,
        start,
        end: start + passage.len(),
    })
}

/// Share of the planted bytes covered by reproduced spans of `article` in the planted message.
fn coverage(found: &[verbatim::detect::Finding], article: &str, p: &Plant) -> f64 {
    let mut covered = vec![false; p.end - p.start];
    for f in found.iter().filter(|f| f.article == article) {
        for s in f
            .spans
            .iter()
            .filter(|s| s.message == p.message && s.label == Label::Reproduced)
        {
            for c in covered
                .iter_mut()
                .take(s.end.min(p.end).saturating_sub(p.start))
                .skip(s.start.saturating_sub(p.start))
            {
                *c = true;
            }
        }
    }
    covered.iter().filter(|c| **c).count() as f64 / covered.len().max(1) as f64
}

/// Findings whose spans touch the planted bytes.
fn touching(found: &[verbatim::detect::Finding], p: &Plant) -> usize {
    found
        .iter()
        .filter(|f| {
            f.spans
                .iter()
                .any(|s| s.message == p.message && s.start < p.end && p.start < s.end)
        })
        .count()
}

fn articles(path: &Path) -> Vec<Article> {
    lines(path)
        .iter()
        .map(|a| Article {
            id: a["id"]
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| a["id"].to_string()),
            title: None,
            url: None,
            published: None,
            section: None,
            text: a["text"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// Heavier near-verbatim copies (an edit every 8 or 15 words over 120-200 words) of real BBC
/// text in real conversations, against the BBC and Reuters corpora; and what must stay
/// unflagged: the same passages with their words shuffled, short quotes, the untouched chats.
#[test]
fn near_verbatim_real_passages_are_found_and_lookalikes_are_not() {
    let Some(d) = shared() else { return };
    let bbc = articles(&d.join("articles/bbc_news_2005.jsonl"));
    let mut all = bbc.clone();
    all.extend(articles(&d.join("articles/reuters21578.jsonl")));
    let th = Thresholds::default();
    let t = std::time::Instant::now();
    let table = ArticleTable::build(all, th.max_df);
    eprintln!(
        "table: {} articles, {} KiB of k-grams, built in {:.1} s",
        table.len(),
        table.table_bytes() / 1024,
        t.elapsed().as_secs_f64()
    );
    let mut convs: Vec<Conversation> = Vec::new();
    for f in ["chats/wildchat_sample.jsonl", "chats/chatbot_arena.jsonl"] {
        for v in lines(&d.join(f)) {
            if let Some(c) = real_conversation(&v, convs.len()) {
                convs.push(c);
            }
        }
    }
    let long: Vec<&Article> = bbc
        .iter()
        .filter(|a| a.text.split_whitespace().count() >= 240)
        .collect();
    let mut rng = Rng(0x9e3779b97f4a7c15);

    // The untouched conversations.
    let clean: usize = convs.iter().map(|c| scan(c, &table, &th).len()).sum();
    for c in &convs {
        for f in scan(c, &table, &th) {
            eprintln!(
                "finding on an untouched real conversation: {} {} {:?} {} words",
                c.id, f.article, f.label, f.longest_run_words
            );
        }
    }

    let mut figures = Vec::new();
    // The last case, shorter copies, is reported without a floor.
    for (case, every, shortest, longest) in [
        ("edit every 8", 8, 120, 200),
        ("edit every 15", 15, 120, 200),
        ("edit every 8, 30-60 words", 8, 30, 60),
    ] {
        let (mut planted, mut found, mut cov_sum) = (0usize, 0usize, 0.0);
        for c in &convs {
            let art = long[rng.below(long.len())];
            let ws: Vec<&str> = art.text.split_whitespace().collect();
            let n = shortest + rng.below(longest - shortest + 1);
            let start = rng.below(ws.len() - n);
            let mut c = c.clone();
            let Some(p) = plant(&mut c, &edited(&ws[start..start + n], every, &mut rng)) else {
                continue;
            };
            let cov = coverage(&scan(&c, &table, &th), &art.id, &p);
            planted += 1;
            cov_sum += cov;
            found += usize::from(cov >= 0.8);
        }
        let recall = found as f64 / planted as f64;
        eprintln!(
            "{case}: {found}/{planted} found (recall {recall:.3}), mean coverage {:.3}",
            cov_sum / planted as f64
        );
        figures.push((case, recall));
    }

    let (mut shuffled, mut shuffled_false) = (0usize, 0usize);
    let (mut quoted, mut quoted_false) = (0usize, 0usize);
    for c in &convs {
        let art = long[rng.below(long.len())];
        let ws: Vec<&str> = art.text.split_whitespace().collect();
        let start = rng.below(ws.len() - 160);
        let mut passage: Vec<&str> = ws[start..start + 150].to_vec();
        for k in (1..passage.len()).rev() {
            passage.swap(k, rng.below(k + 1));
        }
        let mut s = c.clone();
        if let Some(p) = plant(&mut s, &passage.join(" ")) {
            shuffled += 1;
            shuffled_false += touching(&scan(&s, &table, &th), &p);
        }
        // Two quotes of at most 12 words from one article, with the reply's own words between.
        let n = 8 + rng.below(5);
        let q1 = ws[start..start + n].join(" ");
        let q2 = ws[start + 40..start + 40 + n].join(" ");
        let mut q = c.clone();
        if let Some(p) = plant(
            &mut q,
            &format!(
                "{q1}\", and later, after a long account of what others had said about it, \
                 that \"{q2}"
            ),
        ) {
            quoted += 1;
            quoted_false += touching(&scan(&q, &table, &th), &p);
        }
    }
    eprintln!(
        "false findings: untouched {clean} in {} conversations; shuffled {shuffled_false} in \
         {shuffled}; short quotes {quoted_false} in {quoted}",
        convs.len()
    );
    assert!(convs.len() >= 2000);
    for (case, recall) in figures {
        let floor = match case {
            "edit every 8" => 0.95,
            "edit every 15" => 0.99,
            _ => continue,
        };
        assert!(recall >= floor, "{case}: recall {recall} below {floor}");
    }
    assert!(clean <= 3, "{clean} findings on untouched conversations");
    assert!(
        shuffled_false <= 3,
        "{shuffled_false} findings on shuffled passages"
    );
    assert!(quoted_false <= 3, "{quoted_false} findings on short quotes");
}
