//! End-to-end checks: the files parse, the ground truth points at exactly the planted text in
//! every shape, and the corpus properties the detector's evaluation relies on hold.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use super::*;

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!(
            "verbatim-synth-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn opts(
    dir: &Path,
    format: SynthFormat,
    conversations: u64,
    articles: u64,
    seed: u64,
) -> SynthOptions {
    SynthOptions {
        conversations,
        articles,
        seed,
        format,
        out: dir.to_path_buf(),
        plant_rate: 0.25,
        near_duplicates: 0.0,
    }
}

fn run(o: &SynthOptions) -> SynthSummary {
    synth(o, &mut |_| {}).expect("synth runs")
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("file exists")
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// Article id -> text.
fn read_articles(dir: &Path) -> HashMap<String, String> {
    read_jsonl(&dir.join("articles.jsonl"))
        .into_iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A conversation as an importer sees it: id, language and (role, text) in thread order,
/// empty messages dropped.
struct Seen {
    id: String,
    language: Option<String>,
    model: String,
    messages: Vec<(String, String)>,
}

fn content_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => panic!("unexpected content {v}"),
    }
}

fn read_conversations(dir: &Path, format: SynthFormat) -> Vec<Seen> {
    let path = dir.join(format.file_name());
    let records: Vec<Value> = match format {
        SynthFormat::OpenAi => read_jsonl(&path),
        _ => {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
                .expect("one JSON array");
            v.as_array().expect("array").clone()
        }
    };
    records
        .into_iter()
        .map(|r| match format {
            SynthFormat::OpenAi => Seen {
                id: r["id"].as_str().unwrap().to_string(),
                language: r["language"].as_str().map(str::to_string),
                model: r["model"].as_str().unwrap().to_string(),
                messages: r["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| {
                        (
                            m["role"].as_str().unwrap().to_string(),
                            content_text(&m["content"]),
                        )
                    })
                    .filter(|(_, t)| !t.trim().is_empty())
                    .collect(),
            },
            SynthFormat::ShareGpt => Seen {
                id: r["id"].as_str().unwrap().to_string(),
                language: r["language"].as_str().map(str::to_string),
                model: r["model"].as_str().unwrap().to_string(),
                messages: r["conversations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| {
                        let role = match m["from"].as_str().unwrap() {
                            "human" => "user",
                            "gpt" => "assistant",
                            other => other,
                        };
                        (role.to_string(), m["value"].as_str().unwrap().to_string())
                    })
                    .filter(|(_, t)| !t.trim().is_empty())
                    .collect(),
            },
            SynthFormat::ChatGpt => {
                let mapping = r["mapping"].as_object().expect("mapping");
                let mut path = Vec::new();
                let mut cur = r["current_node"].as_str().map(str::to_string);
                while let Some(id) = cur {
                    let node = &mapping[&id];
                    path.push(id.clone());
                    cur = node["parent"].as_str().map(str::to_string);
                }
                path.reverse();
                let mut messages = Vec::new();
                for id in &path {
                    let m = &mapping[id]["message"];
                    if m.is_null() {
                        continue;
                    }
                    let text = m["content"]["parts"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("\n");
                    if text.trim().is_empty() {
                        continue;
                    }
                    messages.push((m["author"]["role"].as_str().unwrap().to_string(), text));
                }
                Seen {
                    id: r["conversation_id"].as_str().unwrap().to_string(),
                    language: None,
                    model: r["default_model_slug"].as_str().unwrap().to_string(),
                    messages,
                }
            }
        })
        .collect()
}

const FORMATS: [SynthFormat; 3] = [
    SynthFormat::OpenAi,
    SynthFormat::ShareGpt,
    SynthFormat::ChatGpt,
];

#[test]
fn format_names_parse() {
    assert_eq!("openai".parse::<SynthFormat>(), Ok(SynthFormat::OpenAi));
    assert_eq!("sharegpt".parse::<SynthFormat>(), Ok(SynthFormat::ShareGpt));
    assert_eq!("chatgpt".parse::<SynthFormat>(), Ok(SynthFormat::ChatGpt));
    assert!("csv".parse::<SynthFormat>().is_err());
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for format in FORMATS {
        let a = Scratch::new("det-a");
        let b = Scratch::new("det-b");
        let c = Scratch::new("det-c");
        run(&opts(&a.0, format, 300, 30, 7));
        run(&opts(&b.0, format, 300, 30, 7));
        run(&opts(&c.0, format, 300, 30, 8));
        for f in ["articles.jsonl", format.file_name(), "truth.jsonl"] {
            let x = std::fs::read(a.0.join(f)).unwrap();
            let y = std::fs::read(b.0.join(f)).unwrap();
            let z = std::fs::read(c.0.join(f)).unwrap();
            assert!(
                x == y,
                "{f} differs between runs with the same seed ({format:?})"
            );
            assert!(x != z, "{f} is the same for different seeds ({format:?})");
        }
    }
}

/// Word-level edit distance (for the near-verbatim check).
fn word_edits(a: &[&str], b: &[&str]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Normalised n-grams of a text, joined with spaces.
fn ngrams(text: &str, n: usize) -> HashSet<String> {
    let w = norm_words(text);
    if w.len() < n {
        return HashSet::new();
    }
    (0..=w.len() - n).map(|i| w[i..i + n].join(" ")).collect()
}

#[test]
fn truth_spans_check_out_in_every_format() {
    for format in FORMATS {
        let dir = Scratch::new("truth");
        let mut o = opts(&dir.0, format, 1500, 60, 11);
        o.plant_rate = 0.6;
        let summary = run(&o);
        let articles = read_articles(&dir.0);
        let convs = read_conversations(&dir.0, format);
        let truth = read_jsonl(&dir.0.join("truth.jsonl"));
        assert_eq!(convs.len(), 1500);
        assert_eq!(truth.len(), convs.len(), "one truth line per conversation");
        let mut seen_cases: HashMap<String, u64> = HashMap::new();
        let mut regen = 0;
        let mut edit_rates = Vec::new();
        for (t, c) in truth.iter().zip(&convs) {
            assert_eq!(
                t["conversation"].as_str().unwrap(),
                c.id,
                "truth is in conversation order"
            );
            let case = t["case"].as_str().unwrap().to_string();
            *seen_cases.entry(case.clone()).or_default() += 1;
            let spans = t["spans"].as_array().unwrap();
            let words = t["words"].as_u64().unwrap() as usize;
            if case == "none" {
                assert!(t["article"].is_null() && spans.is_empty() && words == 0);
                continue;
            }
            let art = &articles[t["article"]
                .as_str()
                .expect("planted case names an article")];
            if case == "paraphrase" {
                assert!(spans.is_empty());
                continue;
            }
            // A continuation may echo the pasted passage first: its last span is the copy.
            if case == "continuation" && spans.len() == 2 {
                let e = &spans[0];
                assert_eq!(e["label"], "echoed");
                let (es, ee) = (
                    e["article_start"].as_u64().unwrap() as usize,
                    e["article_end"].as_u64().unwrap() as usize,
                );
                let mi = e["message"].as_u64().unwrap() as usize;
                assert!(
                    c.messages[mi - 1].1.contains(&art[es..ee]),
                    "the echoed passage is what the user pasted"
                );
            } else {
                assert_eq!(spans.len(), 1, "{case}");
            }
            let s = &spans[spans.len() - 1];
            let mi = s["message"].as_u64().unwrap() as usize;
            let (role, text) = &c.messages[mi];
            assert_eq!(
                role, "assistant",
                "{case}: spans are on the assistant's message"
            );
            let (start, end) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            let (a_start, a_end) = (
                s["article_start"].as_u64().unwrap() as usize,
                s["article_end"].as_u64().unwrap() as usize,
            );
            let got = &text[start..end];
            let want = &art[a_start..a_end];
            let label = s["label"].as_str().unwrap();
            assert_eq!(
                label,
                if case == "pasted" {
                    "echoed"
                } else {
                    "reproduced"
                }
            );
            match case.as_str() {
                "verbatim" | "continuation" | "pasted" | "famous_quote" => {
                    assert_eq!(
                        got, want,
                        "{case} span differs from the article ({format:?})"
                    );
                    assert_eq!(words, count_words(want));
                }
                "near_verbatim" => {
                    assert_ne!(got, want);
                    let a: Vec<&str> = want.split_whitespace().collect();
                    let b: Vec<&str> = got.split_whitespace().collect();
                    edit_rates.push(word_edits(&a, &b) as f64 / a.len() as f64);
                    assert_eq!(words, count_words(want));
                    assert!((30..=300).contains(&words), "{words}");
                }
                other => panic!("unknown case {other}"),
            }
            match case.as_str() {
                "verbatim" => assert!((10..=400).contains(&words), "{words}"),
                "continuation" => {
                    assert!((1..=300).contains(&words));
                    // The user quoted the passage the copy goes on from (the opening, or one
                    // from the middle); the assistant repeats it only in the echo variant.
                    let user = &c.messages[mi - 1].1;
                    let before = art[..a_start].trim_end();
                    let tail: String = {
                        let chars: Vec<char> = before.chars().collect();
                        chars[chars.len().saturating_sub(40)..].iter().collect()
                    };
                    assert!(
                        user.contains(&tail),
                        "user quotes the passage before the copy"
                    );
                    if spans.len() == 1 {
                        assert!(!text.contains(before), "assistant repeats the opening");
                    }
                }
                "pasted" => {
                    assert!((20..=150).contains(&words));
                    assert!(
                        c.messages[mi - 1].1.contains(got),
                        "echo comes from the paste"
                    );
                }
                "famous_quote" => assert!((8..20).contains(&words)),
                _ => {}
            }
        }
        for case in [
            "none",
            "verbatim",
            "near_verbatim",
            "continuation",
            "pasted",
            "paraphrase",
            "famous_quote",
        ] {
            assert!(
                seen_cases.get(case).copied().unwrap_or(0) > 0,
                "no {case} in {format:?}"
            );
            assert_eq!(
                summary.cases[case], seen_cases[case],
                "summary count of {case}"
            );
        }
        for r in &edit_rates {
            assert!(
                (1.0 / 25.0..=1.0 / 8.0).contains(r),
                "near-verbatim edit rate {r}"
            );
        }
        if format == SynthFormat::ChatGpt {
            let raw: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.0.join("conversations.json")).unwrap(),
            )
            .unwrap();
            for r in raw.as_array().unwrap() {
                let mapping = r["mapping"].as_object().unwrap();
                let mut on_path = HashSet::new();
                let mut cur = r["current_node"].as_str();
                while let Some(id) = cur {
                    on_path.insert(id);
                    cur = mapping[id]["parent"].as_str();
                }
                let root = mapping.values().find(|n| n["parent"].is_null()).unwrap();
                assert!(root["message"].is_null());
                let sys = &mapping[root["children"][0].as_str().unwrap()]["message"];
                assert_eq!(sys["author"]["role"], "system");
                assert_eq!(sys["content"]["parts"][0], "");
                assert_eq!(
                    sys["metadata"]["is_visually_hidden_from_conversation"],
                    true
                );
                for n in mapping.values() {
                    let kids = n["children"].as_array().unwrap();
                    if kids.len() == 2 {
                        regen += 1;
                        let (a, b) = (kids[0].as_str().unwrap(), kids[1].as_str().unwrap());
                        assert!(on_path.contains(a) && !on_path.contains(b));
                        let text = |id: &str| mapping[id]["message"]["content"]["parts"][0].clone();
                        assert_ne!(text(a), text(b), "a regenerated reply differs");
                    }
                }
            }
            let share = regen as f64 / 1500.0;
            assert!((0.05..0.16).contains(&share), "regenerated share {share}");
        }
    }
}

#[test]
fn paraphrases_never_copy_ten_words() {
    let dir = Scratch::new("para");
    let mut o = opts(&dir.0, SynthFormat::OpenAi, 2500, 80, 5);
    o.plant_rate = 1.0;
    run(&o);
    let articles = read_articles(&dir.0);
    let convs = read_conversations(&dir.0, SynthFormat::OpenAi);
    let truth = read_jsonl(&dir.0.join("truth.jsonl"));
    let mut checked = 0;
    for (t, c) in truth.iter().zip(&convs) {
        if t["case"] != "paraphrase" {
            continue;
        }
        let art = &articles[t["article"].as_str().unwrap()];
        let art10 = ngrams(art, 10);
        let art8 = ngrams(art, 8);
        for (role, text) in &c.messages {
            if role != "assistant" {
                continue;
            }
            let words = norm_words(text);
            // Brute force over every window of the answer.
            for i in 0..words.len().saturating_sub(9) {
                let w = words[i..i + 10].join(" ");
                assert!(!art10.contains(&w), "paraphrase copies ten words: {w}");
            }
            assert!(
                ngrams(text, 8).is_disjoint(&art8),
                "paraphrase copies eight words"
            );
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} paraphrases");
}

#[test]
fn distinct_articles_share_only_pool_quotes() {
    let n = 300;
    let kit = articles::NewsKit::new().unwrap();
    let pool = quotes::build_pool(3, QUOTE_POOL);
    let mut maker = articles::ArticleMaker::new(&kit, &pool, 3, n).unwrap();
    let corpus: Vec<articles::Article> = (0..n).map(|i| maker.make(i)).collect();
    let pool_shingles: HashSet<String> =
        pool.iter().flat_map(|q| ngrams(&q.text, SHINGLE)).collect();
    let mut owner: HashMap<String, usize> = HashMap::new();
    let mut shared_quote_shingles = 0;
    for (i, a) in corpus.iter().enumerate() {
        for s in ngrams(&a.text, SHINGLE) {
            match owner.get(&s) {
                Some(&j) if j != i => {
                    assert!(
                        pool_shingles.contains(&s),
                        "articles {j} and {i} share \"{s}\", which is not a pool quote"
                    );
                    shared_quote_shingles += 1;
                }
                Some(_) => {}
                None => {
                    owner.insert(s, i);
                }
            }
        }
    }
    assert!(
        shared_quote_shingles > 0,
        "no pool quote appears in two articles"
    );
    let with_quote = corpus.iter().filter(|a| a.quote.is_some()).count();
    assert!(with_quote > 30, "{with_quote} articles quote the pool");
}

#[test]
fn articles_look_like_news() {
    let dir = Scratch::new("articles");
    run(&opts(&dir.0, SynthFormat::OpenAi, 10, 400, 9));
    let arts = read_jsonl(&dir.0.join("articles.jsonl"));
    assert_eq!(arts.len(), 400);
    let sections = [
        "politics",
        "business",
        "technology",
        "sport",
        "health",
        "science",
        "world",
        "culture",
    ];
    let mut mid = 0;
    let mut urls = HashSet::new();
    for (i, a) in arts.iter().enumerate() {
        assert_eq!(a["id"], format!("art-{:06}", i + 1));
        let text = a["text"].as_str().unwrap();
        let words = count_words(text);
        assert!((150..=1500).contains(&words), "article of {words} words");
        if (300..=800).contains(&words) {
            mid += 1;
        }
        assert!(text.contains("\n\n"), "paragraphs");
        assert!(
            text.split("\n\n").next().unwrap().contains(" — "),
            "dateline: {}",
            &text[..200]
        );
        assert!(sections.contains(&a["section"].as_str().unwrap()));
        let url = a["url"].as_str().unwrap();
        assert!(url.starts_with("https://news.example/"), "{url}");
        assert!(urls.insert(url.to_string()), "duplicate url {url}");
        let d = a["published"].as_str().unwrap();
        assert!(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(),
            "{d}"
        );
        assert!(!a["title"].as_str().unwrap().is_empty());
        assert!(
            !text.contains('{') && !text.contains("  "),
            "template residue"
        );
    }
    assert!(
        mid * 2 > arts.len(),
        "most articles are 300-800 words ({mid})"
    );
}

#[test]
fn ordinary_conversations_share_no_run_with_articles() {
    let dir = Scratch::new("noleak");
    run(&opts(&dir.0, SynthFormat::OpenAi, 3000, 150, 13));
    let articles = read_articles(&dir.0);
    let mut art8 = HashSet::new();
    for t in articles.values() {
        art8.extend(ngrams(t, SHINGLE));
    }
    let convs = read_conversations(&dir.0, SynthFormat::OpenAi);
    let truth = read_jsonl(&dir.0.join("truth.jsonl"));
    for (t, c) in truth.iter().zip(&convs) {
        if t["case"] != "none" {
            continue;
        }
        for (_, text) in &c.messages {
            let shared: Vec<_> = ngrams(text, SHINGLE).intersection(&art8).cloned().collect();
            assert!(shared.is_empty(), "{}: shares {:?}", c.id, shared);
        }
    }
}

#[test]
fn conversations_have_realistic_shape() {
    let dir = Scratch::new("shape");
    let summary = run(&opts(&dir.0, SynthFormat::OpenAi, 4000, 60, 21));
    let convs = read_conversations(&dir.0, SynthFormat::OpenAi);
    let raw = read_jsonl(&dir.0.join("conversations.jsonl"));
    let mut foreign = 0;
    let mut words = 0usize;
    let mut pii = 0;
    let mut user_msgs = 0;
    let mut parts_records = 0;
    for (c, r) in convs.iter().zip(&raw) {
        let lang = c.language.as_deref().unwrap();
        if lang != "English" {
            foreign += 1;
            assert!(["Spanish", "French", "German", "Portuguese", "Italian"].contains(&lang));
        }
        let turns = c.messages.iter().filter(|m| m.0 == "user").count();
        assert!((1..=40).contains(&turns));
        let ts = chrono::DateTime::parse_from_rfc3339(r["timestamp"].as_str().unwrap()).unwrap();
        let day = ts.format("%Y-%m-%d").to_string();
        assert!(
            ("2022-12-01".."2024-12-01").contains(&day.as_str()),
            "{day}"
        );
        let released = match c.model.as_str() {
            "gpt-3.5-turbo" => "2022-12-01",
            "gpt-4" => "2023-03-14",
            "gpt-4-turbo" => "2023-11-06",
            "gpt-4o" => "2024-05-13",
            "gpt-4o-mini" => "2024-07-18",
            other => panic!("unexpected model {other}"),
        };
        assert!(day.as_str() >= released, "{} before its release", c.model);
        for (role, text) in &c.messages {
            words += count_words(text);
            if role == "user" {
                user_msgs += 1;
                if text.contains('@') || text.contains("555") || text.contains("+44") {
                    pii += 1;
                }
            }
        }
        if r["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["content"].is_array())
        {
            parts_records += 1;
        }
    }
    let n = convs.len() as f64;
    let foreign_share = foreign as f64 / n;
    assert!(
        (0.03..0.07).contains(&foreign_share),
        "non-English share {foreign_share}"
    );
    let avg = words as f64 / n;
    assert!(
        (250.0..700.0).contains(&avg),
        "average words per conversation {avg}"
    );
    let pii_share = pii as f64 / user_msgs as f64;
    assert!(
        (0.01..0.06).contains(&pii_share),
        "personal data share {pii_share}"
    );
    let parts_share = parts_records as f64 / n;
    assert!(
        (0.05..0.15).contains(&parts_share),
        "parts share {parts_share}"
    );
    assert_eq!(summary.conversations, 4000);
    assert_eq!(summary.cases.values().sum::<u64>(), 4000);
}

#[test]
fn summary_matches_files() {
    let dir = Scratch::new("summary");
    let mut calls = Vec::new();
    let s = synth(
        &opts(&dir.0.join("nested"), SynthFormat::ShareGpt, 2500, 20, 2),
        &mut |n| calls.push(n),
    )
    .unwrap();
    let out = dir.0.join("nested");
    assert_eq!(s.files.len(), 3);
    let total: u64 = s
        .files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    assert_eq!(total, s.bytes_written);
    assert_eq!(read_jsonl(&out.join("articles.jsonl")).len(), 20);
    assert_eq!(read_conversations(&out, SynthFormat::ShareGpt).len(), 2500);
    let truth = read_jsonl(&out.join("truth.jsonl"));
    assert_eq!(truth.len(), 2500);
    let mut counts: HashMap<String, u64> = HashMap::new();
    for t in &truth {
        *counts
            .entry(t["case"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    for (case, n) in &s.cases {
        assert_eq!(counts.get(case).copied().unwrap_or(0), *n, "{case}");
    }
    assert_eq!(calls.last(), Some(&2500));
    assert!(calls.windows(2).all(|w| w[0] <= w[1]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), 0o700);
        for f in &s.files {
            assert_eq!(mode(f), 0o600);
        }
    }
}

#[test]
fn empty_and_invalid_options() {
    let dir = Scratch::new("empty");
    let s = run(&opts(&dir.0, SynthFormat::ChatGpt, 0, 0, 1));
    assert_eq!(s.conversations, 0);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.0.join("conversations.json")).unwrap())
            .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 0);
    // Without articles nothing can be planted.
    let s = run(&opts(&dir.0, SynthFormat::OpenAi, 50, 0, 1));
    assert_eq!(s.cases["none"], 50);
    let mut bad = opts(&dir.0, SynthFormat::OpenAi, 1, 1, 1);
    bad.plant_rate = 1.5;
    assert!(synth(&bad, &mut |_| {}).is_err());
}

/// Throughput check for the report: `cargo test --release -- --ignored --nocapture bench`.
#[test]
#[ignore]
fn bench_100k_openai() {
    let dir = Scratch::new("bench");
    let o = SynthOptions {
        conversations: 100_000,
        articles: 2000,
        seed: 1,
        format: SynthFormat::OpenAi,
        out: dir.0.clone(),
        plant_rate: 0.25,
        near_duplicates: 0.0,
    };
    let t = std::time::Instant::now();
    let s = run(&o);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "100k conversations: {:.1}s, {:.0} conversations/s, {:.1} MB/s, {:.1} MB written, cases {:?}",
        secs,
        s.conversations as f64 / secs,
        s.bytes_written as f64 / 1e6 / secs,
        s.bytes_written as f64 / 1e6,
        s.cases
    );
}

/// Corpus statistics at a larger scale: `cargo test --release -- --ignored --nocapture corpus_stats`.
#[test]
#[ignore]
fn corpus_stats() {
    let n: u64 = std::env::var("NART")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let kit = articles::NewsKit::new().unwrap();
    let pool = quotes::build_pool(1, QUOTE_POOL);
    let mut maker = articles::ArticleMaker::new(&kit, &pool, 1, n).unwrap();
    let t = std::time::Instant::now();
    let mut hist = [0usize; 16];
    let mut no_lead = 0;
    for i in 0..n {
        let a = maker.make(i);
        hist[(count_words(&a.text) / 100).min(15)] += 1;
        if !a.text.split("\n\n").next().unwrap_or("").contains(" — ") {
            no_lead += 1;
        }
    }
    println!(
        "{n} articles in {:.2}s; words by hundreds {hist:?}; without lead {no_lead}; redraws {} local {}",
        t.elapsed().as_secs_f64(),
        maker.redraws,
        maker.local_redraws
    );
}
