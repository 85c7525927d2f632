//! The query language's golden conformance table: every operator, both sides of every
//! boundary, over a small corpus written here. Expectations are worked out by hand from the
//! documented semantics (README, "Query language").

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::json;
use verbatim::index::ConvIndex;
use verbatim::search;

fn corpus() -> Vec<serde_json::Value> {
    let conv = |id: &str, msgs: &[(&str, &str)]| json!({"id": id, "messages": msgs.iter().map(|(r, t)| json!({"role": r, "content": t})).collect::<Vec<_>>()});
    let mut v = vec![
        conv(
            "c01",
            &[
                ("user", "contract one two three four five breach"),
                ("assistant", "noted"),
            ],
        ),
        conv(
            "c02",
            &[
                ("user", "contract one two three four breach"),
                ("assistant", "noted"),
            ],
        ),
        conv(
            "c03",
            &[
                ("user", "breach one two three four contract"),
                ("assistant", "noted"),
            ],
        ),
        conv(
            "c04",
            &[
                ("user", "breach of contract claims"),
                ("assistant", "the contract breach was material"),
            ],
        ),
        conv(
            "c05",
            &[
                ("user", "the last word is contract"),
                ("user", "breach is the first word"),
                ("assistant", "understood"),
            ],
        ),
        conv(
            "c06",
            &[
                ("user", "apply application applied apple"),
                ("assistant", "apples are fruit"),
            ],
        ),
        conv(
            "c07",
            &[
                ("user", "banana bananna bonana"),
                ("assistant", "fruit salad"),
            ],
        ),
        conv(
            "c08",
            &[
                ("user", "he applies and keeps applying"),
                ("assistant", "ok"),
            ],
        ),
        conv(
            "c09",
            &[("user", "Café résumé naïve"), ("assistant", "accents")],
        ),
        conv(
            "c10",
            &[
                ("user", "send an e-mail, don't wait"),
                ("assistant", "email sent"),
            ],
        ),
        conv(
            "c11",
            &[
                ("user", "to be or not to be"),
                ("assistant", "that is the question"),
            ],
        ),
        conv(
            "c12",
            &[
                ("user", "apple one pear two three four five six seven apple"),
                ("assistant", "fruit"),
            ],
        ),
        conv(
            "c13",
            &[("user", "apple pie and cake"), ("assistant", "I like cake")],
        ),
        conv(
            "c15",
            &[
                ("system", "you are terse"),
                ("user", "hello there"),
                ("assistant", "hello"),
            ],
        ),
        conv(
            "c16",
            &[
                ("tool", "Council minutes: the bridge was approved"),
                ("user", "what happened"),
                ("assistant", "the bridge was approved"),
            ],
        ),
    ];
    let mut c14 = conv(
        "c14",
        &[
            ("user", "what is in the report"),
            ("assistant", "the report says revenue rose"),
        ],
    );
    c14["title"] = json!("Quarterly report");
    v.push(c14);
    v
}

const ALL: &[&str] = &[
    "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09", "c10", "c11", "c12", "c13",
    "c14", "c15", "c16",
];

#[rustfmt::skip]
const CASES: &[(&str, &[&str])] = &[
    // Words, AND, OR, NOT.
    ("contract", &["c01", "c02", "c03", "c04", "c05"]),
    ("contract AND breach", &["c01", "c02", "c03", "c04", "c05"]),
    ("contract OR fruit", &["c01", "c02", "c03", "c04", "c05", "c06", "c07", "c12"]),
    ("contract AND NOT breach", &[]),
    ("contract NOT breach", &[]),
    ("NOT contract", &["c06", "c07", "c08", "c09", "c10", "c11", "c12", "c13", "c14", "c15", "c16"]),
    ("hello", &["c15"]),
    // w/N: positions differ by at most N, either order; never across messages.
    ("contract w/6 breach", &["c01", "c02", "c03", "c04"]),
    ("contract w/5 breach", &["c02", "c03", "c04"]),
    ("contract w/4 breach", &["c04"]),
    ("contract w/2 breach", &["c04"]),
    ("contract w/1 breach", &["c04"]),
    ("breach w/1 contract", &["c04"]),
    ("CONTRACT W/5 BREACH", &["c02", "c03", "c04"]),
    ("there w/1 hello", &["c15"]),
    // pre/N: first before second.
    ("contract pre/5 breach", &["c02", "c04"]),
    ("contract pre/6 breach", &["c01", "c02", "c04"]),
    ("breach pre/5 contract", &["c03", "c04"]),
    ("breach pre/1 contract", &[]),
    ("breach pre/2 contract", &["c04"]),
    ("bridge pre/2 approved", &["c16"]),
    ("approved pre/2 bridge", &[]),
    // NOT w/N: occurrences of the first with none of the second nearby.
    ("contract NOT w/5 breach", &["c01", "c05"]),
    ("contract NOT w/6 breach", &["c05"]),
    ("breach NOT w/5 contract", &["c01", "c05"]),
    ("apple NOT w/2 pear", &["c06", "c12", "c13"]),
    ("apple NOT w/7 pear", &["c06", "c13"]),
    // Phrases: adjacent words, order matters.
    ("apple pie", &["c13"]),
    ("\"apple pie\"", &["c13"]),
    ("pie apple", &[]),
    ("apple pie OR cake", &["c13"]),
    ("\"or not\"", &["c11"]),
    ("\"to be\"", &["c11"]),
    ("to be or not to be", ALL),
    ("like cake", &["c13"]),
    // Wildcards anywhere in a word.
    ("apple", &["c06", "c12", "c13"]),
    ("appl*", &["c06", "c08", "c12", "c13"]),
    ("appl?", &["c06", "c12", "c13"]),
    ("*ication", &["c06"]),
    ("ap?ly", &["c06"]),
    ("a*e", &["c06", "c12", "c13", "c15"]),
    ("appl* pie", &["c13"]),
    ("appl* w/1 one", &["c12"]),
    // Fuzzy: % per allowed difference, letters before the first % exact.
    ("ba%nana", &["c07"]),
    ("bo%nana", &["c07"]),
    ("bx%nana", &[]),
    ("bananna", &["c07"]),
    ("cont%%act", &["c01", "c02", "c03", "c04", "c05"]),
    // Stemming.
    ("apply~", &["c06", "c08"]),
    ("applying~", &["c06", "c08"]),
    ("apply", &["c06"]),
    // Case, accents, punctuation.
    ("cafe", &["c09"]),
    ("CAFÉ", &["c09"]),
    ("resume naive", &["c09"]),
    ("e-mail", &["c10"]),
    ("email", &["c10"]),
    ("don't", &["c10"]),
    ("e-mail w/3 wait", &["c10"]),
    ("e-mail w/2 wait", &[]),
    // Scopes.
    ("user:contract", &["c01", "c02", "c03", "c04", "c05"]),
    ("assistant:contract", &["c04"]),
    ("assistant:(contract w/1 breach)", &["c04"]),
    ("user:(contract w/1 breach)", &[]),
    ("user:(contract w/2 breach)", &["c04"]),
    ("title:report", &["c14"]),
    ("report", &["c14"]),
    ("assistant:report NOT title:quarterly", &[]),
    ("system:terse", &["c15"]),
    ("user:terse", &[]),
    ("tool:bridge", &["c16"]),
    ("tool:(bridge w/2 approved)", &["c16"]),
    ("tool:(bridge w/1 approved)", &[]),
    ("turns:>1", &["c05"]),
    // Operands of proximity: OR-groups, phrases, nesting.
    ("(apple OR pear) w/1 one", &["c12"]),
    ("apple w/1 pear", &[]),
    ("apple w/2 pear", &["c12"]),
    ("(contract w/5 breach) w/3 claims", &["c04"]),
    ("(contract w/5 breach) AND NOT claims", &["c02", "c03"]),
    ("\"breach of contract\" w/1 claims", &["c04"]),
    // Precedence: OR before proximity before AND.
    ("contract w/5 breach OR claims", &["c02", "c03", "c04"]),
    ("fruit AND apple OR cake", &["c06", "c12"]),
    ("fruit AND apple OR pie", &["c06", "c12"]),
    ("salad OR fruit AND apple", &["c06", "c12"]),
];

#[test]
fn golden_table() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = corpus().iter().map(|v| v.to_string()).collect();
    let f = write(tmp.path(), "c.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    import_files(&m, &[f]);
    let idx = ConvIndex::open(&m.join("index")).unwrap();
    let node_all = verbatim::query::Node::All;
    assert_eq!(
        search::matching_ids(&idx, None, &node_all).unwrap().len(),
        ALL.len()
    );
    let mut failures = Vec::new();
    for (q, want) in CASES {
        let node = verbatim::query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        let got: BTreeSet<String> = search::matching_ids(&idx, None, &node)
            .unwrap_or_else(|e| panic!("{q}: {e:#}"))
            .into_iter()
            .collect();
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        if got != want {
            failures.push(format!("{q}: got {got:?}, want {want:?} (read as {node})"));
        }
        // The count agrees with the id list.
        assert_eq!(
            search::count(&idx, None, q).unwrap(),
            got.len() as u64,
            "{q}"
        );
    }
    assert!(CASES.len() >= 60);
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn malformed_queries_point_at_the_column() {
    for (q, col, msg) in [
        ("contract w/5", 10, "expected a word after \"w/5\""),
        ("w/5 breach", 1, "expected a word before \"w/5\""),
        ("contract w/0 breach", 10, "distance of 0"),
        ("contract w/1000 breach", 10, "limited to 999"),
        ("contract w/x breach", 10, "needs a number"),
        ("contract w/5 NOT breach", 14, "NOT cannot be an operand"),
        ("contract w/5 model:gpt-4", 14, "not a filter"),
        ("(contract w/5 breach", 1, "unclosed '('"),
        ("contract AND", 10, "expected a word after \"AND\""),
        ("contract AND OR breach", 14, "found \"OR\""),
        ("ba%nana*", 1, "cannot be combined"),
        ("user:assistant:x", 6, "can never match"),
        ("24~~12", 1, "empty range"),
        ("***", 1, "no letters"),
    ] {
        let e = verbatim::query::parse(q).expect_err(q);
        assert!(e.message.contains(msg), "{q}: {}", e.message);
        assert_eq!(e.column, col, "{q}: {}", e.message);
    }
}

#[test]
fn highlights_mark_only_what_satisfies_the_match() {
    let tmp = tempfile::tempdir().unwrap();
    let lines: Vec<String> = corpus().iter().map(|v| v.to_string()).collect();
    let f = write(tmp.path(), "c.jsonl", lines.join("\n").as_bytes());
    let m = tmp.path().join("m");
    import_files(&m, &[f]);
    let idx = ConvIndex::open(&m.join("index")).unwrap();
    let marked = |q: &str, id: &str| -> Vec<(u32, String)> {
        let node = verbatim::query::parse(q).unwrap();
        let conv = search::get(&idx, id).unwrap().unwrap();
        verbatim::query::highlight::hits(&node, &conv, Default::default())
            .into_iter()
            .flat_map(|h| {
                let text = conv.messages[h.message as usize].text.clone();
                h.ranges
                    .into_iter()
                    .map(move |(a, b)| (h.message, text[a..b].to_string()))
            })
            .collect()
    };
    // Only the apple that is adjacent to "one", not the last one.
    assert_eq!(
        marked("apple w/1 one", "c12"),
        vec![(0, "apple".to_string()), (0, "one".to_string())]
    );
    // NOT w/N marks the surviving occurrence only.
    assert_eq!(
        marked("apple NOT w/2 pear", "c12"),
        vec![(0, "apple".to_string())]
    );
    let h = marked("apple NOT w/2 pear", "c12");
    let conv = search::get(&idx, "c12").unwrap().unwrap();
    let node = verbatim::query::parse("apple NOT w/2 pear").unwrap();
    let r = &verbatim::query::highlight::hits(&node, &conv, Default::default())[0].ranges;
    assert_eq!(
        r[0].0,
        conv.messages[0].text.rfind("apple").unwrap(),
        "{h:?}"
    );
    // NOT clauses mark nothing; wildcards and fuzzy terms are marked.
    assert!(
        marked("pie AND NOT cake", "c13")
            .iter()
            .all(|(_, w)| w == "pie")
    );
    assert_eq!(
        marked("cake NOT fruit", "c13"),
        vec![(0, "cake".to_string()), (1, "cake".to_string())]
    );
    assert_eq!(
        marked("ba%nana", "c07"),
        vec![(0, "banana".to_string()), (0, "bananna".to_string())]
    );
    assert_eq!(
        marked("appl?", "c06"),
        vec![(0, "apply".to_string()), (0, "apple".to_string())]
    );
    // The phrase marks its words, the stray one is not marked.
    assert_eq!(
        marked("breach of contract", "c04"),
        vec![(0, "breach of contract".to_string())]
    );
    // Across messages: nothing.
    assert!(marked("contract w/5 breach", "c05").is_empty());
}
