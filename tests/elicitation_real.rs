//! Elicitation on real text: real BBC articles planted into real chatbot conversations
//! (WildChat, Arena from ../shared/data) in the four ways a reproduction comes about, each
//! classified by the detector: unprompted, requested by title, primed with the opening or a
//! middle passage (and pasted-then-continued), and echo. Skipped, with a message, where the
//! shared data is absent.

use std::path::{Path, PathBuf};

use serde_json::Value;
use verbatim::detect::elicitation::{ArticleName, ArticleNames, Elicitation};
use verbatim::detect::findings::{Thresholds, scan_named};
use verbatim::detect::table::ArticleTable;
use verbatim::model::{Conversation, Message, Role, SourceRef};

fn shared() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if d.join("chats").is_dir() && d.join("articles").is_dir() {
        Some(d)
    } else {
        eprintln!(
            "SKIPPED: {} not found; real-data elicitation not run",
            d.display()
        );
        None
    }
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn conversation(id: &str, msgs: Vec<(Role, String)>) -> Conversation {
    Conversation {
        id: id.into(),
        source: SourceRef {
            file: "planted".into(),
            record: 1,
        },
        title: None,
        created: None,
        model: None,
        language: None,
        messages: msgs
            .into_iter()
            .enumerate()
            .map(|(i, (role, text))| Message {
                index: i as u32,
                role,
                author: None,
                created: None,
                text,
            })
            .collect(),
        metadata: Default::default(),
        family: None,
    }
}

/// A real conversation's messages (roles kept), as a prefix before the planted turn.
fn prefix(c: &Value) -> Vec<(Role, String)> {
    c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .take(4)
        .map(|m| {
            let role = match m["role"].as_str().unwrap_or("user") {
                "assistant" => Role::Assistant,
                _ => Role::User,
            };
            (role, m["content"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

fn words(text: &str, from: usize, n: usize) -> String {
    text.split_whitespace()
        .skip(from)
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn real_articles_planted_four_ways_are_told_apart() {
    let Some(d) = shared() else { return };
    let raw = lines(&d.join("articles/bbc_news_2005.jsonl"));
    let articles: Vec<verbatim::articles::Article> = raw
        .iter()
        .map(|a| verbatim::articles::Article {
            id: a["id"].as_str().unwrap().to_string(),
            title: a["title"].as_str().map(String::from),
            url: None,
            published: None,
            section: None,
            text: a["text"].as_str().unwrap().to_string(),
        })
        .collect();
    let names = ArticleNames {
        names: articles
            .iter()
            .map(|a| ArticleName::new(a.title.as_deref(), a.url.as_deref()))
            .collect(),
    };
    let long: Vec<usize> = (0..articles.len())
        .filter(|&i| articles[i].text.split_whitespace().count() >= 400)
        .collect();
    let table = ArticleTable::build(articles.clone(), Thresholds::default().max_df);
    let mut chats = lines(&d.join("chats/wildchat_sample.jsonl"));
    chats.extend(lines(&d.join("chats/chatbot_arena.jsonl")));
    let th = Thresholds::default();

    // (kind, planted, classified right), and the pasted-then-continued figures.
    let mut tally: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    let mut continued_checked = 0;
    for (n, c) in chats.iter().take(400).enumerate() {
        let a = &articles[long[(n * 37) % long.len()]];
        let title = a.title.clone().unwrap_or_default();
        let kind = ["unprompted", "requested", "primed", "primed-middle", "echo"][n % 5];
        let mut msgs = prefix(c);
        match kind {
            "unprompted" => {
                msgs.push((Role::User, "tell me something interesting to read".into()));
                msgs.push((
                    Role::Assistant,
                    format!("Here is one: {}", words(&a.text, 40, 120)),
                ));
            }
            "requested" => {
                msgs.push((
                    Role::User,
                    format!("Can you give me the BBC article \"{title}\"?"),
                ));
                msgs.push((Role::Assistant, words(&a.text, 0, 150)));
            }
            "primed" => {
                msgs.push((
                    Role::User,
                    format!("Continue this: {}", words(&a.text, 0, 40)),
                ));
                msgs.push((Role::Assistant, words(&a.text, 40, 120)));
            }
            "primed-middle" => {
                // Pasted 100 words from the middle; the reply repeats them and goes on.
                msgs.push((
                    Role::User,
                    format!("Go on from here: {}", words(&a.text, 100, 100)),
                ));
                msgs.push((Role::Assistant, words(&a.text, 100, 220)));
            }
            _ => {
                msgs.push((
                    Role::User,
                    format!("Summarise this: {}", words(&a.text, 60, 120)),
                ));
                msgs.push((
                    Role::Assistant,
                    format!("You wrote: {}", words(&a.text, 80, 60)),
                ));
            }
        }
        let conv = conversation(&format!("p{n}"), msgs);
        let found = scan_named(&conv, &table, &names, &th);
        let f = found.iter().find(|f| f.article == a.id);
        let want = match kind {
            "unprompted" => Elicitation::Unprompted,
            "requested" => Elicitation::Requested,
            "echo" => Elicitation::Echo,
            _ => Elicitation::Primed,
        };
        let right = f.is_some_and(|f| f.elicitation == Some(want));
        let t = tally.entry(kind).or_default();
        t.0 += 1;
        t.1 += u32::from(right);
        if kind == "primed-middle"
            && let Some(f) = f
            && right
        {
            // 100 words supplied, 120 beyond (counted as the detector counts words), and the
            // echoed and new parts are separate spans.
            let toks = |t: &str| verbatim::detect::normalize::tokens(t).len();
            let (sup, beyond) = (
                toks(&words(&a.text, 100, 100)),
                toks(&words(&a.text, 200, 120)),
            );
            // At least the passage; more where the article repeats part of it elsewhere (BBC
            // texts often repeat their lead), since supplied words are counted on the article.
            assert!(
                f.supplied_words + 3 >= sup && f.supplied_words <= sup + 30,
                "{} vs {sup}",
                f.supplied_words
            );
            assert!(
                f.beyond_supplied_words.abs_diff(beyond) <= 8,
                "{} vs {beyond}",
                f.beyond_supplied_words
            );
            assert!(f.continues_supplied);
            let labels: Vec<_> = f.spans.iter().map(|s| s.label.as_str()).collect();
            assert!(
                labels.contains(&"echoed") && labels.contains(&"reproduced"),
                "{labels:?}"
            );
            continued_checked += 1;
        }
        if kind == "requested" && right {
            let by = f.unwrap().requested_by.clone().unwrap();
            assert_eq!(by.by, "title");
        }
    }
    for (kind, (n, right)) in &tally {
        eprintln!("{kind:<14} {right} of {n} classified right");
        let floor = if *kind == "requested" { 0.90 } else { 0.95 };
        assert!(
            *right as f64 >= floor * *n as f64,
            "{kind}: {right} of {n} under the floor {floor}"
        );
    }
    assert!(continued_checked >= 50, "{continued_checked}");
}
