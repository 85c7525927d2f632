//! Properties of the query language: proximity counts equal a brute-force scan of word
//! positions on random documents, and the parser of every dialect never panics on any
//! input; what it reads, written back in dtSearch's words, reads again.

mod common;

use common::*;
use proptest::prelude::*;
use serde_json::json;
use verbatim::index::ConvIndex;
use verbatim::search;

const VOCAB: [&str; 6] = ["alpha", "beta", "gamma", "delta", "eps", "zeta"];

/// Brute force: does any message have `a` and `b` at positions within `n` (either order, or
/// `a` before `b` for pre)?
fn brute(doc: &[Vec<usize>], a: usize, b: usize, n: usize, pre: bool, not_within: bool) -> bool {
    doc.iter().any(|msg| {
        let pa: Vec<usize> = msg
            .iter()
            .enumerate()
            .filter(|(_, w)| **w == a)
            .map(|(i, _)| i)
            .collect();
        let pb: Vec<usize> = msg
            .iter()
            .enumerate()
            .filter(|(_, w)| **w == b)
            .map(|(i, _)| i)
            .collect();
        if not_within {
            return pa
                .iter()
                .any(|x| !pb.iter().any(|y| x != y && x.abs_diff(*y) <= n));
        }
        pa.iter().any(|x| {
            pb.iter().any(|y| {
                if pre {
                    y > x && y - x <= n
                } else {
                    x != y && x.abs_diff(*y) <= n
                }
            })
        })
    })
}

/// Every dialect, each for both text modes.
fn dialect_options() -> Vec<verbatim::query::QueryOptions> {
    let mut out = Vec::new();
    for d in verbatim::query::Dialect::ALL {
        for m in [
            verbatim::index::analyzer::TextMode::Standard,
            verbatim::index::analyzer::TextMode::Relativity,
        ] {
            out.push(verbatim::query::QueryOptions::new(d, m));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn proximity_agrees_with_brute_force(
        docs in prop::collection::vec(
            prop::collection::vec(prop::collection::vec(0usize..VOCAB.len(), 0..30), 1..4),
            20..40,
        ),
        queries in prop::collection::vec((0usize..VOCAB.len(), 0usize..VOCAB.len(), 1usize..8, 0u8..3), 6),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let lines: Vec<String> = docs
            .iter()
            .enumerate()
            .map(|(i, msgs)| {
                let messages: Vec<serde_json::Value> = msgs
                    .iter()
                    .map(|m| {
                        let text: Vec<&str> = m.iter().map(|w| VOCAB[*w]).collect();
                        // Empty messages are dropped on import; keep one word so indexes align.
                        let text = if text.is_empty() { "filler".to_string() } else { text.join(" ") };
                        json!({"role": "user", "content": text})
                    })
                    .collect();
                json!({"id": format!("d{i}"), "messages": messages}).to_string()
            })
            .collect();
        let f = write(tmp.path(), "p.jsonl", lines.join("\n").as_bytes());
        let m = tmp.path().join("m");
        import_files(&m, &[f]);
        let idx = ConvIndex::open(&m.join("index")).unwrap();
        for (a, b, n, kind) in queries {
            let (op, pre, not) = match kind {
                0 => ("w", false, false),
                1 => ("pre", true, false),
                _ => ("NOT w", false, true),
            };
            let q = format!("{} {op}/{n} {}", VOCAB[a], VOCAB[b]);
            let want = docs
                .iter()
                .filter(|d| {
                    let d: Vec<Vec<usize>> = d.to_vec();
                    brute(&d, a, b, n, pre, not)
                })
                .count() as u64;
            let got = search::count(&idx, None, &q).unwrap();
            prop_assert_eq!(got, want, "{}", q);
        }
    }

    #[test]
    fn parser_never_panics(s in "\\PC{0,60}") {
        let _ = verbatim::query::parse(&s);
        let _ = verbatim::query::mixed_connectors(&s);
        for opts in dialect_options() {
            let _ = verbatim::query::parse_with(&s, &opts);
        }
    }

    #[test]
    fn dialect_parsers_never_panic_and_round_trip(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", "and", "or", "not", "but", "AND", "NOT", "&", "%", "/s", "/p", "+s",
                "+p", "/3", "+2", "w/s", "w/p", "w/seg", "pre/3", "not w/2", "and not", "!",
                "ab!", "a*b", "ab*", "a?b", "(", ")", "\"", "#ab", "ab&", "1~~9", "ab:3", "a=b",
                "xfirstword", "xlastword", "the", "of", "cat_box", "user:", "tag:", "ti(", ":",
            ]),
            0..14,
        )
    ) {
        for q in [parts.join(" "), parts.concat()] {
            for opts in dialect_options() {
                // Whatever parses reads back the same in dtSearch's words.
                if let Ok(n) = verbatim::query::parse_with(&q, &opts) {
                    let _ = n.in_dialect(opts.dialect);
                    // A reading in brackets has no dtSearch form.
                    if n.to_string().contains('[') {
                        continue;
                    }
                    let again = verbatim::query::parse_with(&n.to_string(), &verbatim::query::QueryOptions {
                        dialect: verbatim::query::Dialect::Dtsearch,
                        ..opts.clone()
                    });
                    prop_assert!(again.is_ok(), "{q} ({}) read as {n}: {:?}", opts.dialect, again.err());
                }
            }
        }
    }

    #[test]
    fn parser_never_panics_on_query_like_input(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", "AND", "OR", "NOT", "w/3", "pre/2", "w/", "(", ")", "\"", "user:", "model:",
                "created:", "2023-01", "..", "*", "?", "%", "~", "-tag:", "x*y", "é", "turns:>", ":",
            ]),
            0..14,
        )
    ) {
        let q = parts.join(" ");
        let _ = verbatim::query::parse(&q);
        let q = parts.concat();
        let _ = verbatim::query::parse(&q);
    }
}
