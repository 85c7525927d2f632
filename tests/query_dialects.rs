//! Conformance of the query dialects (dtSearch, Westlaw, Lexis) on sentences, paragraphs,
//! messages and each dialect's connectors and wildcards, over a corpus written here; the
//! same-sentence connectors against a brute-force scan of sentence spans; the differences of
//! a Relativity-compatible index. Expectations are worked out by hand from README's "Query
//! language".

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use common::*;
use serde_json::json;
use verbatim::import::{self, ImportOptions, Input};
use verbatim::index::ConvIndex;
use verbatim::index::analyzer::TextMode;
use verbatim::matter::Matter;
use verbatim::progress::Silent;
use verbatim::query::{Dialect, QueryOptions};
use verbatim::search;

fn corpus() -> Vec<serde_json::Value> {
    let conv = |id: &str, msgs: &[(&str, &str)]| json!({"id": id, "messages": msgs.iter().map(|(r, t)| json!({"role": r, "content": t})).collect::<Vec<_>>()});
    vec![
        conv(
            "d01",
            &[
                (
                    "user",
                    "Iran sold oil. Prices rose after that.\n\nA new paragraph about Iran and gas.",
                ),
                (
                    "assistant",
                    "Mr. Smith said the oil deal with Iran was final.",
                ),
            ],
        ),
        conv(
            "d02",
            &[
                ("user", "The oil price fell 3.5 percent. Iran denied it."),
                ("assistant", "ok"),
            ],
        ),
        conv(
            "d03",
            &[(
                "user",
                "Oil exports from Iran grew in 2019. Sanctions followed in 2020.",
            )],
        ),
        conv("d04", &[("user", "Iran"), ("assistant", "oil")]),
        conv(
            "d05",
            &[("user", "He said \"Iran will sell oil.\" Then he left.")],
        ),
        conv(
            "d06",
            &[("user", "Smythe and Smith met. The cat_box was red.")],
        ),
        conv(
            "d07",
            &[(
                "user",
                "Contracts were signed. The contract was breached.\n\nBreach damages followed.",
            )],
        ),
        conv(
            "d08",
            &[("user", "Applying the application was applied. Apple pie.")],
        ),
        conv(
            "d09",
            &[("user", "Items:\n- Iran\n- oil\nthe list ends here")],
        ),
        conv("d10", &[("user", "Part p1234 and part p12 and sh1ll.")]),
        conv("d11", &[("user", "The objection was noted.")]),
        conv("d12", &[("user", "Objects were moved.")]),
        conv(
            "d13",
            &[("user", "supercalifragilisticexpialidociousandthensome wins")],
        ),
    ]
}

/// A matter of the corpus indexed as `mode`, with a synonym list.
fn matter(dir: &Path, mode: TextMode) -> ConvIndex {
    let lines: Vec<String> = corpus().iter().map(|v| v.to_string()).collect();
    let f = write(dir, "c.jsonl", lines.join("\n").as_bytes());
    let m = dir.join("m");
    let mut matter = Matter::open_or_create(&m).unwrap();
    std::fs::write(m.join("config.toml"), "[synonyms]\nsold = [\"sell\"]\n").unwrap();
    import::import(
        &mut matter,
        &[Input::File(f)],
        &ImportOptions {
            compat: Some(mode),
            ..Default::default()
        },
        &mut Silent,
        &AtomicBool::new(false),
    )
    .unwrap();
    ConvIndex::open(&m.join("index")).unwrap()
}

fn ids(idx: &ConvIndex, dir: &Path, q: &str, dialect: Dialect) -> Result<BTreeSet<String>, String> {
    let opts = QueryOptions::for_matter(&dir.join("m"), idx, dialect).unwrap();
    let node = verbatim::query::parse_with(q, &opts).map_err(|e| e.to_string())?;
    Ok(search::matching_ids(idx, None, &node)
        .map_err(|e| format!("{e:#}"))?
        .into_iter()
        .collect())
}

fn check_table(dialect: Dialect, cases: &[(&str, &[&str])]) {
    let tmp = tempfile::tempdir().unwrap();
    let idx = matter(tmp.path(), TextMode::Standard);
    let mut failures = Vec::new();
    for (q, want) in cases {
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        match ids(&idx, tmp.path(), q, dialect) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!("{q}: got {got:?}, want {want:?}")),
            Err(e) => failures.push(format!("{q}: {e}")),
        }
    }
    assert!(cases.len() >= 40, "{} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{dialect}: {} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

const IRAN: &[&str] = &["d01", "d02", "d03", "d04", "d05", "d09"];

#[rustfmt::skip]
const DTSEARCH: &[(&str, &[&str])] = &[
    // Same sentence: an abbreviation (Mr.), a decimal (3.5), a quoted sentence, list lines.
    ("iran w/s oil", &["d01", "d03", "d05"]),
    ("iran pre/s oil", &["d01", "d05"]),
    ("oil pre/s iran", &["d01", "d03"]),
    ("iran not w/s oil", &["d01", "d02", "d04", "d09"]),
    ("gas w/s iran", &["d01"]),
    ("gas w/s sold", &[]),
    ("price w/s percent", &["d02"]),
    ("percent w/s denied", &[]),
    ("smith w/s said", &["d01"]),
    ("mr w/s final", &["d01"]),
    ("said w/s oil", &["d01", "d05"]),
    ("then w/s oil", &[]),
    ("items w/s iran", &[]),
    ("list w/s oil", &[]),
    ("contract w/s breached", &["d07"]),
    ("contracts w/s breached", &[]),
    ("applied w/s apple", &[]),
    ("apply~ w/s application", &["d08"]),
    ("\"iran sold oil\" w/s prices", &[]),
    ("iran w/s (oil OR gas)", &["d01", "d03", "d05"]),
    ("(iran w/s oil) AND smith", &["d01"]),
    // Same paragraph: blank lines; a message is one too.
    ("iran w/p oil", &["d01", "d02", "d03", "d05", "d09"]),
    ("iran not w/p oil", &["d01", "d04"]),
    ("gas w/p sold", &[]),
    ("items w/p iran", &["d09"]),
    ("breach w/p contract", &[]),
    ("\"iran sold oil\" w/p prices", &["d01"]),
    ("iran pre/p gas", &["d01"]),
    ("gas pre/p iran", &[]),
    // Same message.
    ("iran w/seg oil", &["d01", "d02", "d03", "d05", "d09"]),
    ("gas w/seg sold", &["d01"]),
    ("breach w/seg contract", &["d07"]),
    // xfirstword / xlastword: virtual words around each message.
    ("iran w/3 xfirstword", &["d01", "d04", "d05", "d09"]),
    ("iran w/4 xfirstword", &["d01", "d03", "d04", "d05", "d09"]),
    ("xfirstword w/1 iran", &["d01", "d04"]),
    ("oil w/1 xlastword", &["d04"]),
    ("here w/1 xlastword", &["d09"]),
    // Phonic, number ranges, digit wildcard, synonyms, weights.
    ("#smith", &["d01", "d06"]),
    ("#smythe", &["d01", "d06"]),
    ("2019~~2020", &["d03"]),
    ("2021~~2030", &[]),
    ("1~~5", &["d02"]),
    ("p12==", &["d10"]),
    ("p12=", &[]),
    ("sh=ll", &["d10"]),
    ("sold&", &["d01", "d05"]),
    ("sell&", &["d01", "d05"]),
    ("sold", &["d01"]),
    ("apple:5 OR contract", &["d07", "d08"]),
    ("iran:3 AND gas", &["d01"]),
];

#[rustfmt::skip]
const WESTLAW: &[(&str, &[&str])] = &[
    ("iran /s oil", &["d01", "d03", "d05"]),
    ("iran +s oil", &["d01", "d05"]),
    ("oil +s iran", &["d01", "d03"]),
    ("iran /p oil", &["d01", "d02", "d03", "d05", "d09"]),
    ("iran +p oil", &["d01", "d05", "d09"]),
    // A space is OR; & is AND; % is BUT NOT.
    ("iran oil", IRAN),
    ("iran & oil", IRAN),
    ("iran % gas", &["d02", "d03", "d04", "d05", "d09"]),
    ("sold or sell", &["d01", "d05"]),
    ("smythe smith", &["d01", "d06"]),
    ("#smythe", &["d06"]),
    ("gas /p sold", &[]),
    ("gas /s iran", &["d01"]),
    ("smith /s said", &["d01"]),
    ("mr /s final", &["d01"]),
    ("items /s iran", &[]),
    ("items /p iran", &["d09"]),
    ("contract /s breached", &["d07"]),
    ("contracts /s breached", &[]),
    ("breach /p contract", &[]),
    ("breach! /p contract", &["d07"]),
    ("contract! /s breached", &["d07"]),
    ("appl! /s application", &["d08"]),
    // ! any ending; * one character inside a word, at most one at its end.
    ("object!", &["d11", "d12"]),
    ("object*", &["d12"]),
    ("object**", &["d12"]),
    ("object***", &["d11", "d12"]),
    ("obj*cts", &["d12"]),
    ("objec*", &[]),
    ("\"iran sold oil\" /s prices", &[]),
    ("\"iran sold oil\" /p prices", &["d01"]),
    // Order of processing: OR, /n +n, /s +s, /p +p, &, %.
    ("iran /s oil gas", &["d01", "d03", "d05"]),
    ("iran gas /s oil", &["d01", "d03", "d05"]),
    ("smith & iran /s oil", &["d01"]),
    ("said /s oil % then", &["d01"]),
    ("sold /s iran % gas", &[]),
    ("iran /s oil /p prices", &["d01"]),
    // /n and +n.
    ("sold /3 iran", &["d01"]),
    ("iran /2 oil", &["d01", "d09"]),
    ("iran +1 oil", &["d09"]),
    ("oil +3 iran", &["d01", "d03"]),
    ("price /s percent", &["d02"]),
    ("percent /s denied", &[]),
    ("items +p oil", &["d09"]),
    ("here +p items", &[]),
    ("contract +s breached", &["d07"]),
    ("breached +s contract", &[]),
    ("breached +p breach", &[]),
];

#[rustfmt::skip]
const LEXIS: &[(&str, &[&str])] = &[
    ("iran w/s oil", &["d01", "d03", "d05"]),
    ("iran /s oil", &["d01", "d03", "d05"]),
    ("iran +s oil", &["d01", "d05"]),
    ("iran w/p oil", &["d01", "d02", "d03", "d05", "d09"]),
    ("iran +p oil", &["d01", "d05", "d09"]),
    ("iran w/seg oil", &["d01", "d02", "d03", "d05", "d09"]),
    ("gas w/seg sold", &["d01"]),
    ("gas w/p sold", &[]),
    ("iran not w/s oil", &["d01", "d02", "d04", "d09"]),
    ("iran not w/p oil", &["d01", "d04"]),
    // and, or, and not; words side by side are a phrase.
    ("iran and oil", IRAN),
    ("iran and not gas", &["d02", "d03", "d04", "d05", "d09"]),
    ("oil and not sold", &["d02", "d03", "d04", "d05", "d09"]),
    ("iran sold oil", &["d01"]),
    ("oil iran", &[]),
    ("iran or sell", IRAN),
    ("smythe or smith", &["d01", "d06"]),
    ("cat box", &["d06"]),
    // Order of processing: or, w/n pre/n (smallest first), w/s, w/p, w/seg, and, and not.
    ("iran w/s oil or gas", &["d01", "d03", "d05"]),
    ("smith and iran w/s oil", &["d01"]),
    ("said w/s oil and not then", &["d01"]),
    ("iran w/s oil and not smith", &["d03", "d05"]),
    ("iran w/s oil w/p prices", &["d01"]),
    ("prices w/p iran w/s oil", &["d01"]),
    ("iran w/10 oil w/3 sold", &["d01"]),
    ("iran and gas or sold", &["d01"]),
    ("contracts or breach w/p damages", &["d07"]),
    // w/n, pre/n.
    ("sold w/3 iran", &["d01"]),
    ("iran w/2 oil", &["d01", "d09"]),
    ("iran pre/1 oil", &["d09"]),
    ("oil pre/3 iran", &["d01", "d03"]),
    // ! any ending; * and ? one character.
    ("object!", &["d11", "d12"]),
    ("object*", &["d12"]),
    ("objec*", &[]),
    ("ob?ects", &["d12"]),
    ("contract! w/s breached", &["d07"]),
    ("appl! w/s application", &["d08"]),
    // Boundaries as in every dialect.
    ("contract w/s breached", &["d07"]),
    ("contracts w/s breached", &[]),
    ("breach w/p contract", &[]),
    ("breach w/seg contract", &["d07"]),
    ("items w/s iran", &[]),
    ("items w/p iran", &["d09"]),
    ("mr w/s final", &["d01"]),
    ("price w/s percent", &["d02"]),
    ("percent w/s denied", &[]),
    ("then w/s oil", &[]),
    ("said w/s oil", &["d01", "d05"]),
    ("\"iran sold oil\" w/s prices", &[]),
    ("iran w/p gas", &["d01"]),
];

#[test]
fn dtsearch_table() {
    check_table(Dialect::Dtsearch, DTSEARCH);
}

#[test]
fn westlaw_table() {
    check_table(Dialect::Westlaw, WESTLAW);
}

#[test]
fn lexis_table() {
    check_table(Dialect::Lexis, LEXIS);
}

#[test]
fn each_dialect_refuses_the_others_syntax_by_name() {
    let parse =
        |q: &str, d| verbatim::query::parse_with(q, &QueryOptions::new(d, Default::default()));
    for (d, q, want) in [
        (Dialect::Dtsearch, "iran /s oil", "w/s"),
        (Dialect::Dtsearch, "iran +s oil", "pre/s"),
        (Dialect::Dtsearch, "iran! oil", "iran*"),
        (Dialect::Dtsearch, "iran & oil", "AND"),
        (Dialect::Westlaw, "iran w/s oil", "Westlaw writes"),
        (Dialect::Westlaw, "iran w/5 oil", "Westlaw writes"),
        (Dialect::Westlaw, "iran /seg oil", "no same-segment"),
        (Dialect::Westlaw, "apply~", "dtSearch's syntax"),
        (Dialect::Westlaw, "iran /3 xfirstword", "dtSearch's"),
        (Dialect::Westlaw, "ti(iran)", "field restrictions"),
        (Dialect::Lexis, "iran % oil", "and not"),
        (Dialect::Lexis, "ba%nana", "dtSearch's syntax"),
        (Dialect::Lexis, "apply~", "dtSearch's syntax"),
        (Dialect::Lexis, "12~~24", "dtSearch's syntax"),
        (Dialect::Lexis, "iran w/x oil", "needs a number"),
    ] {
        match parse(q, d) {
            Ok(n) => panic!("{d}: {q} was read as {n}"),
            Err(e) => assert!(e.message.contains(want), "{d}: {q}: {}", e.message),
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 4, ..Default::default() })]

    /// Same-sentence connectors against a brute-force scan, on 300 random conversations per
    /// case: each message split into sentences by [`verbatim::index::sentences::boundaries`]
    /// and tokenised sentence by sentence.
    #[test]
    fn same_sentence_agrees_with_a_scan_of_sentence_spans(start in 1u64..u64::MAX) {
        same_sentence_case(start);
    }
}

fn same_sentence_case(start: u64) {
    let words = ["alpha", "beta", "gamma", "delta", "mr", "no"];
    let seps = [
        " ", " ", " ", ". ", "! ", "? ", ".\n", "\n\n", " \"", "\" ", ", ", " 3.5 ", ". The ",
    ];
    let mut seed: u64 = start;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut convs = Vec::new();
    let mut texts = Vec::new();
    for i in 0..300 {
        let mut msgs = Vec::new();
        for _ in 0..1 + next(3) {
            let mut t = String::new();
            for _ in 0..3 + next(25) {
                let w = words[next(words.len())];
                let w = if next(4) == 0 {
                    w.to_uppercase()
                } else {
                    w.to_string()
                };
                t.push_str(&w);
                t.push_str(seps[next(seps.len())]);
            }
            msgs.push(t);
        }
        let roles: Vec<(&str, &str)> = msgs
            .iter()
            .enumerate()
            .map(|(k, t)| (if k % 2 == 0 { "user" } else { "assistant" }, t.as_str()))
            .collect();
        convs.push(json!({"id": format!("p{i:03}"), "messages": roles.iter().map(|(r, t)| json!({"role": r, "content": t})).collect::<Vec<_>>()}).to_string());
        texts.push((format!("p{i:03}"), msgs));
    }
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "p.jsonl", convs.join("\n").as_bytes());
    import_files(&tmp.path().join("m"), &[f]);
    let idx = ConvIndex::open(&tmp.path().join("m/index")).unwrap();
    let sentence_words = |text: &str| -> Vec<Vec<String>> {
        let b = verbatim::index::sentences::boundaries(text);
        (0..b.starts.len())
            .map(|k| {
                let end = b.starts.get(k + 1).copied().unwrap_or(text.len());
                verbatim::index::analyzer::tokenize(&text[b.starts[k]..end])
                    .into_iter()
                    .map(|t| t.0)
                    .collect()
            })
            .collect()
    };
    let mut checked = 0;
    for a in words {
        for b in words {
            let want: BTreeSet<String> = texts
                .iter()
                .filter(|(_, msgs)| {
                    // Two occurrences in one sentence (one word does not pair with itself).
                    msgs.iter().any(|m| {
                        sentence_words(m).iter().any(|s| {
                            let count = |w: &str| s.iter().filter(|t| *t == w).count();
                            if a == b {
                                count(a) >= 2
                            } else {
                                count(a) >= 1 && count(b) >= 1
                            }
                        })
                    })
                })
                .map(|(id, _)| id.clone())
                .collect();
            for (d, q) in [
                (Dialect::Dtsearch, format!("{a} w/s {b}")),
                (Dialect::Westlaw, format!("{a} /s {b}")),
                (Dialect::Lexis, format!("{a} w/s {b}")),
            ] {
                let got = ids(&idx, tmp.path(), &q, d).unwrap();
                assert_eq!(got, want, "{d}: {q}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 108);
}

#[test]
fn relativity_compatible_index_counts_as_relativity_does() {
    let std_dir = tempfile::tempdir().unwrap();
    let rel_dir = tempfile::tempdir().unwrap();
    let std_idx = matter(std_dir.path(), TextMode::Standard);
    let rel_idx = matter(rel_dir.path(), TextMode::Relativity);
    assert_eq!(rel_idx.text_mode(), TextMode::Relativity);
    let meta = Matter::open(&rel_dir.path().join("m")).unwrap().meta;
    assert_eq!(meta.text_mode, TextMode::Relativity);
    let s = |q: &str| ids(&std_idx, std_dir.path(), q, Dialect::Dtsearch).unwrap();
    let r = |q: &str| ids(&rel_idx, rel_dir.path(), q, Dialect::Dtsearch);
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    // `_` joins words: cat_box is one word there, two here.
    assert_eq!(s("cat"), set(&["d06"]));
    assert_eq!(r("cat").unwrap(), set(&[]));
    assert_eq!(s("cat_box"), set(&["d06"]));
    assert_eq!(r("cat_box").unwrap(), set(&["d06"]));
    // A noise word in a phrase stands for any one word.
    assert_eq!(s("\"exports from iran\""), set(&["d03"]));
    assert_eq!(s("\"exports to iran\""), set(&[]));
    assert_eq!(r("\"exports to iran\"").unwrap(), set(&["d03"]));
    // Noise words keep their positions: distances are the same in both modes.
    for q in [
        "sold w/1 iran",
        "iran w/2 oil",
        "oil w/3 iran",
        "deal w/2 iran",
    ] {
        assert_eq!(r(q).unwrap(), s(q), "{q}");
    }
    // A query of noise words alone cannot be answered.
    assert!(r("the").unwrap_err().contains("noise words"));
    assert!(r("\"and the\"").is_err());
    // Words are indexed to 32 characters.
    let first32 = "supercalifragilisticexpialidocio";
    assert_eq!(s(first32), set(&[]));
    assert_eq!(r(first32).unwrap(), set(&["d13"]));
    assert_eq!(
        r("supercalifragilisticexpialidociousandthensome").unwrap(),
        set(&["d13"])
    );
    assert_eq!(
        r("supercalifragilisticexpialidocioXYZ").unwrap(),
        set(&["d13"])
    );
    // An existing matter keeps its mode.
    let mut m = Matter::open(&rel_dir.path().join("m")).unwrap();
    let f = write(
        rel_dir.path(),
        "x.jsonl",
        br#"{"id":"x","messages":[{"role":"user","content":"hi"}]}"#,
    );
    let e = import::import(
        &mut m,
        &[Input::File(f)],
        &ImportOptions {
            compat: Some(TextMode::Standard),
            ..Default::default()
        },
        &mut Silent,
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(format!("{e:#}").contains("relativity mode"), "{e:#}");
}

#[test]
fn an_export_selection_reads_its_query_in_its_dialect() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = matter(tmp.path(), TextMode::Standard);
    let sel = verbatim::export::Selection {
        tags: Vec::new(),
        query: Some("iran +s oil".into()),
        syntax: Dialect::Westlaw,
    };
    let node = sel.node(&idx, &tmp.path().join("m")).unwrap();
    let got: BTreeSet<String> = search::matching_ids(&idx, None, &node)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(got, ["d01", "d05"].iter().map(|s| s.to_string()).collect());
    // The same text as dtSearch is refused by name, not searched as words.
    let sel = verbatim::export::Selection {
        syntax: Dialect::Dtsearch,
        ..sel
    };
    let e = sel.node(&idx, &tmp.path().join("m")).unwrap_err();
    assert!(format!("{e:#}").contains("Westlaw's connector"), "{e:#}");
}

/// What a hostile reading of the dialects found, kept fixed.
#[test]
fn odd_queries_are_refused_or_read_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = matter(tmp.path(), TextMode::Standard);
    let q = |s: &str, d| ids(&idx, tmp.path(), s, d);
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let iran = set(IRAN);
    for (d, text, want) in [
        (Dialect::Dtsearch, "iran AND .", "no letters or digits"),
        (Dialect::Dtsearch, "iran OR #", "no letters or digits"),
        (Dialect::Westlaw, "iran \"!!\"", "no letters or digits"),
        (
            Dialect::Dtsearch,
            "-iran",
            "a leading - excludes only filters",
        ),
        (Dialect::Dtsearch, "iran % oil", "BUT NOT"),
        (Dialect::Dtsearch, "iran but not oil", "here write AND NOT"),
        (Dialect::Dtsearch, "iran near/2 oil", "w/2"),
        (Dialect::Dtsearch, "iran andnot oil", "AND NOT"),
        (Dialect::Dtsearch, "iran~2", "Lucene"),
        (Dialect::Dtsearch, "iran/2 oil", "spaces around a connector"),
        (Dialect::Westlaw, "iran/s oil", "spaces around a connector"),
        (
            Dialect::Lexis,
            "iran w/s oil+p gas",
            "spaces around a connector",
        ),
        (Dialect::Lexis, "not iran", "needs something before it"),
        (Dialect::Lexis, "[dtSearch: NOT iran]", "brackets"),
    ] {
        let e = q(text, d).unwrap_err();
        assert!(e.contains(want), "{d}: {text}: {e}");
    }
    // A weight on a group changes the order only.
    assert_eq!(q("(iran OR oil):3", Dialect::Dtsearch).unwrap(), iran);
    assert_eq!(
        q("(iran):2 AND gas", Dialect::Dtsearch).unwrap(),
        set(&["d01"])
    );
    // A word does not pair with itself in a sentence, as it does not within N words.
    assert_eq!(q("iran w/s iran", Dialect::Dtsearch).unwrap(), set(&[]));
    assert_eq!(q("iran not w/s iran", Dialect::Dtsearch).unwrap(), iran);
    assert_eq!(q("iran /p iran", Dialect::Westlaw).unwrap(), set(&[]));
    assert_eq!(
        q("iran w/seg iran", Dialect::Dtsearch).unwrap(),
        set(&["d01"])
    );
    // 24/7 and URLs stay text; a filter value keeps its colons.
    assert!(q("24/7", Dialect::Dtsearch).is_ok());
    assert!(q("created:<=2023-12-31T23:59:59", Dialect::Dtsearch).is_ok());
    // Every reading --explain shows parses again, in its dialect, to the same reading.
    let opts = |d| QueryOptions::for_matter(&tmp.path().join("m"), &idx, d).unwrap();
    for (d, text) in [
        (Dialect::Westlaw, "\"or\" \"and\" /s iran"),
        (Dialect::Westlaw, "iran oil % gas & (sold /3 iran)"),
        (Dialect::Lexis, "iran and not \"not\" w/s oil"),
        (Dialect::Lexis, "a w/10 b w/3 c or d"),
        (Dialect::Dtsearch, "created:2023 AND \"and\""),
    ] {
        let o = opts(d);
        let n = verbatim::query::parse_with(text, &o).unwrap();
        let again = verbatim::query::parse_with(&n.in_dialect(d), &o)
            .unwrap_or_else(|e| panic!("{d}: {text} -> {}: {e}", n.in_dialect(d)));
        assert_eq!(again.to_string(), n.to_string(), "{d}: {text}");
    }
}

#[test]
fn lucene_syntax_reads_words_not_whole_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = matter(tmp.path(), TextMode::Standard);
    let mut req = search::SearchRequest::new("iran");
    req.limit = 0;
    assert_eq!(search::search_lucene(&idx, &req).unwrap().total, 6);
    req.query = "user:iran AND assistant:oil".into();
    assert_eq!(search::search_lucene(&idx, &req).unwrap().total, 2);
    req.query = "(".repeat(5_000) + "iran";
    assert!(search::search_lucene(&idx, &req).is_err());
}

#[test]
fn an_empty_matter_may_still_choose_its_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    let bad = write(tmp.path(), "bad.jsonl", b"{\"not\": \"a conversation\"}\n");
    let import_as = |f: &Path, mode| {
        let mut matter = Matter::open_or_create(&m).unwrap();
        import::import(
            &mut matter,
            &[Input::File(f.to_path_buf())],
            &ImportOptions {
                compat: Some(mode),
                ..Default::default()
            },
            &mut Silent,
            &AtomicBool::new(false),
        )
    };
    let _ = import_as(&bad, TextMode::Relativity);
    let good = write(
        tmp.path(),
        "good.jsonl",
        br#"{"id":"g","messages":[{"role":"user","content":"the cat_box"}]}"#,
    );
    import_as(&good, TextMode::Standard).unwrap();
    let idx = ConvIndex::open(&m.join("index")).unwrap();
    assert_eq!(idx.text_mode(), TextMode::Standard);
    assert_eq!(Matter::open(&m).unwrap().meta.text_mode, TextMode::Standard);
    // Once it holds conversations, the mode is fixed.
    let e = import_as(&good, TextMode::Relativity).unwrap_err();
    assert!(format!("{e:#}").contains("new matter only"), "{e:#}");
}

/// README's table of every example in each dialect: the forms in a row parse, and find the
/// same conversations, on a corpus made of the examples' words.
#[test]
fn readme_examples_mean_the_same_in_each_dialect() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("#### Every example in each dialect")
        .expect("README has the table");
    let table = &readme[start..];
    let table = &table[..table[4..].find("\n####").map_or(table.len(), |e| e + 4)];
    let texts = [
        "I like apple pie and cake. The contract breach was clear.",
        "The agreement was in breach of contract claims, said the draft.",
        "According to the report, fruit and apple sales rose. Iran sold oil.",
        "Iran said the oil deal was done.\n\nSanctions followed on Iran.",
        "The tidal barrier and the Thames barrier held. apple application applied",
        "Please paste the article. The article was long.",
        "banana apply applies. Apple pie. #12 and 18 and p1234",
        "the report said: according to the report sanctions and oil",
    ];
    let lines: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({"id": format!("r{i}"), "created": "2023-03-01T00:00:00Z", "model": "gpt-4", "messages": [
                {"role": "user", "content": format!("{t} draft paste")},
                {"role": "assistant", "content": t},
                {"role": "user", "content": "and more"},
                {"role": "assistant", "content": "ok"},
                {"role": "user", "content": "more"},
                {"role": "assistant", "content": "ok"},
                {"role": "user", "content": "end"},
                {"role": "assistant", "content": "ok"}
            ]})
            .to_string()
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "r.jsonl", lines.join("\n").as_bytes());
    import_files(&tmp.path().join("m"), &[f]);
    let idx = ConvIndex::open(&tmp.path().join("m/index")).unwrap();
    let cell_items = |cell: &str| -> Vec<Option<String>> {
        // `a`, `b` or — (no form), in order.
        let mut out = Vec::new();
        let mut rest = cell.trim();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('`') {
                let end = r.find('`').expect("closing backtick");
                out.push(Some(r[..end].replace("\\|", "|")));
                rest = r[end + 1..].trim_start_matches([',', ' ']);
            } else if let Some(r) = rest.strip_prefix('—') {
                out.push(None);
                rest = r.trim_start_matches([',', ' ']);
            } else {
                panic!("cannot read the cell {cell:?}");
            }
        }
        out
    };
    let mut rows = 0;
    let mut compared = 0;
    let mut nonempty = 0;
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 3, "{line}");
        let base = cell_items(cells[0]);
        for (k, d) in [(1, Dialect::Westlaw), (2, Dialect::Lexis)] {
            let forms = cell_items(cells[k]);
            assert_eq!(forms.len(), base.len(), "{line}");
            for (b, f) in base.iter().zip(&forms) {
                let (Some(b), Some(f)) = (b, f) else {
                    continue;
                };
                let want = ids(&idx, tmp.path(), b, Dialect::Dtsearch)
                    .unwrap_or_else(|e| panic!("{b}: {e}"));
                let got = ids(&idx, tmp.path(), f, d).unwrap_or_else(|e| panic!("{d}: {f}: {e}"));
                assert_eq!(got, want, "{d}: {f} against {b}");
                nonempty += usize::from(!want.is_empty());
                compared += 1;
            }
        }
        rows += 1;
    }
    assert!(
        rows >= 15 && compared >= 25 && nonempty >= 15,
        "{rows} rows, {compared} forms, {nonempty} finding something"
    );
}
