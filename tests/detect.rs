//! Reproduction detection end to end: planted cases from `synth` found with the issue's
//! floors, exhibit-J continuations, exact evidence offsets, filters, interruption.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use serde_json::json;
use verbatim::detect::{self, Label, Thresholds};
use verbatim::matter::Matter;
use verbatim::progress::Silent;

fn article_text() -> String {
    // An invented news story, long enough for several runs.
    "LISBON, Portugal — The harbour authority said on Tuesday that the new tidal barrier \
     would be finished by the spring, two years later than planned and at almost twice the \
     original cost. Engineers told a committee of the city council that the foundations had \
     to be redesigned after surveys found softer clay beneath the estuary than expected. \
     \"We would rather be late than wrong,\" said Marta Quintela, the chief engineer, adding \
     that the barrier would protect forty thousand homes from storm surges. Opposition \
     councillors called for an independent review of the contracts and asked why the \
     warnings in the first survey had been ignored for eighteen months. The authority \
     said the review would start next week and that its findings would be published in \
     full before the summer recess."
        .to_string()
}

fn setup(convs: &[serde_json::Value]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let art = json!({"id": "art-1", "title": "Barrier late", "text": article_text()});
    let a = write(tmp.path(), "articles.jsonl", format!("{art}\n").as_bytes());
    let lines: Vec<String> = convs.iter().map(|c| c.to_string()).collect();
    let c = write(tmp.path(), "c.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    assert!(
        run(&m, &["--quiet", "import", c.to_str().unwrap()])
            .status
            .success()
    );
    let out = run(&m, &["--quiet", "articles", "import", a.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    (tmp, m)
}

fn conv(id: &str, msgs: &[(&str, &str)]) -> serde_json::Value {
    json!({"id": id, "messages": msgs.iter().map(|(r, t)| json!({"role": r, "content": t})).collect::<Vec<_>>()})
}

#[test]
fn exhibit_j_flags_exactly_the_continuation() {
    let text = article_text();
    let words: Vec<&str> = text.split(' ').collect();
    let opening = words[..30].join(" ");
    let continuation = words[30..80].join(" ");
    let (_t, m) = setup(&[
        conv(
            "j1",
            &[
                (
                    "user",
                    &format!("Here is the opening of an article: {opening} Continue it."),
                ),
                ("assistant", &format!("Sure. {continuation}")),
            ],
        ),
        conv(
            "j2",
            &[
                (
                    "user",
                    &format!("Here is the opening of an article: {opening} Continue it."),
                ),
                ("assistant", &format!("{opening} {continuation}")),
            ],
        ),
        conv(
            "paste",
            &[
                (
                    "user",
                    &format!("Summarise this: {}", words[..90].join(" ")),
                ),
                (
                    "assistant",
                    &format!("The key passage: \"{}\"", words[20..60].join(" ")),
                ),
            ],
        ),
        conv(
            "clean",
            &[
                ("user", "what is a tidal barrier"),
                ("assistant", "A barrier that holds back storm surges."),
            ],
        ),
    ]);
    let out = run(&m, &["--json", "detect"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let findings: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let get = |id: &str| findings.iter().find(|f| f["conversation"] == id);
    let j1 = get("j1").expect("j1 flagged");
    assert_eq!(j1["label"], "reproduced");
    assert_eq!(j1["longest_run_words"], 50);
    assert_eq!(j1["echoed_words"], 0);
    // j2 repeats the opening (echoed) and continues it (reproduced).
    let j2 = get("j2").expect("j2 flagged");
    assert_eq!(j2["label"], "reproduced");
    assert_eq!(j2["longest_run_words"], 50);
    // The opening holds 29 words (the dash between dateline and story is not a word).
    let opening_words = detect::normalize::tokens(&opening).len();
    assert_eq!(opening_words, 29);
    assert_eq!(j2["echoed_words"], opening_words);
    let spans = j2["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0]["label"], "echoed");
    assert_eq!(spans[1]["label"], "reproduced");
    // The pasted one is echoed, not reproduced.
    let p = get("paste").expect("paste found");
    assert_eq!(p["label"], "echoed");
    assert_eq!(p["reproduced_words"], 0);
    assert!(get("clean").is_none());

    // Evidence offsets are exact in both texts.
    let matter = Matter::open(&m).unwrap();
    let idx = verbatim::index::ConvIndex::open(&matter.index_dir()).unwrap();
    let c = verbatim::search::get(&idx, "j1").unwrap().unwrap();
    let s = &spans_of(&m, "j1")[0];
    let msg = &c.messages[s.message as usize].text;
    assert_eq!(&msg[s.start..s.end], continuation);
    assert_eq!(&text[s.article_start..s.article_end], continuation);

    // Filters and ordering.
    let count = |q: &str| {
        stdout(&run(&m, &["search", "--count", q]))
            .trim()
            .to_string()
    };
    assert_eq!(count("score:>=50"), "2");
    assert_eq!(count("article:art-1"), "3");
    assert_eq!(count("label:echoed"), "1");
    assert_eq!(count("label:reproduced AND strong:yes"), "2");
    assert_eq!(count("NOT article:art-1"), "1");
    let top = json(&run(&m, &["--json", "search", "--sort", "finding", ""]));
    assert_eq!(top["hits"][0]["score"].as_f64().unwrap() as u64, 50);
    let v = json(&run(&m, &["--json", "stats"]));
    assert_eq!(v["conversations"], 4);
}

fn spans_of(m: &std::path::Path, id: &str) -> Vec<detect::findings::Span> {
    detect::findings::load(m)
        .unwrap()
        .into_iter()
        .filter(|f| f.conversation == id)
        .flat_map(|f| f.spans)
        .filter(|s| s.label == Label::Reproduced)
        .collect()
}

#[test]
fn interrupted_detection_keeps_previous_findings() {
    let text = article_text();
    let (_t, m) = setup(&[conv("a", &[("user", "quote it"), ("assistant", &text)])]);
    assert!(run(&m, &["--quiet", "detect"]).status.success());
    let before = std::fs::read(m.join("findings.jsonl")).unwrap();
    assert!(!before.is_empty());
    let mut matter = Matter::open(&m).unwrap();
    let cancel = AtomicBool::new(true);
    let err = detect::run(
        &mut matter,
        &Thresholds::default(),
        &mut Silent,
        &cancel,
        &mut |_| Ok(()),
    )
    .unwrap_err();
    assert!(format!("{err}").contains("previous findings are unchanged"));
    assert_eq!(std::fs::read(m.join("findings.jsonl")).unwrap(), before);
    assert!(!m.join(".findings.jsonl.tmp").exists());
}

#[test]
fn planted_cases_meet_the_floors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    synth_planted(&out, 3000, 150, 99);
    let m = tmp.path().join("m");
    assert!(
        run(
            &m,
            &[
                "--quiet",
                "import",
                out.join("conversations.jsonl").to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    assert!(
        run(
            &m,
            &[
                "--quiet",
                "articles",
                "import",
                out.join("articles.jsonl").to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    assert!(run(&m, &["--quiet", "detect"]).status.success());
    let out = run(
        &m,
        &[
            "--json",
            "eval",
            "--truth",
            out.join("truth.jsonl").to_str().unwrap(),
        ],
    );
    let report = json(&out);
    for row in report["rows"].as_array().unwrap() {
        assert!(row["ok"].as_bool().unwrap(), "{row} in {report}");
    }
    assert!(report["precision"].as_f64().unwrap() >= 0.99, "{report}");
    assert!(out.status.success());
}

/// The article as a model might lay it out: every form must match as the plain text does,
/// every word of it.
#[test]
fn reformatted_replies_match_as_plain_text() {
    use verbatim::model::{Conversation, Message, Role};
    let text = article_text();
    let table = detect::table::ArticleTable::build(
        vec![verbatim::articles::Article {
            id: "art-1".into(),
            title: None,
            url: None,
            published: None,
            section: None,
            text: text.clone(),
        }],
        10,
    );
    let sentences: Vec<&str> = text.split(". ").collect();
    let curly = text
        .split('"')
        .enumerate()
        .map(|(k, s)| {
            let q = if k == 0 {
                ""
            } else if k % 2 == 1 {
                "“"
            } else {
                "”"
            };
            format!("{q}{}", s.replace('\'', "’"))
        })
        .collect::<String>();
    let mut wrapped = String::new();
    let mut line = 0;
    for w in text.split(' ') {
        if line + w.len() > 60 {
            wrapped.push('\n');
            line = 0;
        } else if line > 0 {
            wrapped.push(' ');
        }
        wrapped.push_str(w);
        line += w.len() + 1;
    }
    let emphasis = text
        .split(' ')
        .enumerate()
        .map(|(k, w)| match k % 9 {
            3 => format!("**{w}**"),
            6 => format!("_{w}_"),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let bullets = sentences
        .iter()
        .map(|s| format!("- {s}."))
        .collect::<Vec<_>>()
        .join("\n");
    let numbered = sentences
        .iter()
        .enumerate()
        .map(|(k, s)| format!("{}. {s}.", k + 1))
        .collect::<Vec<_>>()
        .join("\n");
    let words = detect::normalize::tokens(&text).len();
    for (form, reply) in [
        ("curly quotes", curly),
        ("hard line wraps", wrapped),
        ("markdown emphasis", emphasis),
        ("a bullet per sentence", bullets),
        ("a numbered list", numbered),
    ] {
        let conv = Conversation {
            id: form.into(),
            source: Default::default(),
            title: None,
            created: None,
            model: None,
            language: None,
            messages: [
                (Role::User, "Tell me about the barrier."),
                (Role::Assistant, &reply),
            ]
            .iter()
            .enumerate()
            .map(|(k, (role, t))| Message {
                index: k as u32,
                role: *role,
                author: None,
                created: None,
                text: t.to_string(),
            })
            .collect(),
            metadata: Default::default(),
            family: None,
        };
        let found = detect::findings::scan(&conv, &table, &Thresholds::default());
        assert_eq!(found.len(), 1, "{form}: {found:?}");
        assert_eq!(found[0].label, Label::Reproduced, "{form}");
        assert_eq!(found[0].spans.len(), 1, "{form}: {:?}", found[0].spans);
        assert_eq!(found[0].longest_run_words, words, "{form}");
    }
}
