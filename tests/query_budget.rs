//! Queries run under a budget: a runaway proximity or pattern query stops with an error that
//! names the part that is too broad, a cancelled search stops, and the parser and compiler
//! survive a hundred thousand random and adversarial queries (10,000-deep nesting included)
//! without a panic, an abort or running over the budget.

mod common;

use std::time::Duration;

use common::*;
use verbatim::index::ConvIndex;
use verbatim::query::budget::{Budget, Exceeded, Limits};
use verbatim::search::{self, Lookups, SearchRequest};

/// A matter of conversations whose answers are long runs of words starting with `t`.
fn t_matter(dir: &std::path::Path, n: usize) -> ConvIndex {
    let words: Vec<String> = (0..400).map(|i| format!("t{}", i % 37)).collect();
    let text = words.join(" ");
    let lines: Vec<String> = (0..n)
        .map(|i| openai_line(&format!("c{i}"), "tell me", &text))
        .collect();
    let f = write(dir, "t.jsonl", lines.join("\n").as_bytes());
    let m = dir.join("m");
    import_files(&m, &[f]);
    ConvIndex::open(&m.join("index")).unwrap()
}

/// A budget of `n` position comparisons, other limits at their defaults.
fn steps(n: u64) -> Budget {
    Budget::new(Limits {
        max_steps: n,
        ..Limits::default()
    })
}

fn run(index: &ConvIndex, q: &str, budget: &Budget) -> anyhow::Result<u64> {
    let node = verbatim::query::parse(q)?;
    let lookups = Lookups {
        budget: Some(budget),
        ..Lookups::default()
    };
    search::count_full(index, lookups, &node)
}

#[test]
fn a_runaway_proximity_query_stops_with_the_part_named() {
    let tmp = tempfile::tempdir().unwrap();
    let index = t_matter(tmp.path(), 60);
    let budget = steps(2_000_000);
    let err = run(&index, "t* w/999 t* w/999 t* w/999 t*", &budget).unwrap_err();
    let e = err
        .chain()
        .find_map(|c| c.downcast_ref::<Exceeded>())
        .unwrap_or_else(|| panic!("{err:#}"));
    let Exceeded::TooBroad { part, .. } = e else {
        panic!("{e:?}")
    };
    assert!(part.to_lowercase().contains("t* w/999 t*"), "{part}");
    assert!(err.to_string().contains("too broad"), "{err}");
    // The same through a page of results (the path the review interface takes).
    let node = verbatim::query::parse("t* w/999 t* w/999 t*").unwrap();
    let budget = steps(2_000_000);
    let lookups = Lookups {
        budget: Some(&budget),
        ..Lookups::default()
    };
    let err = search::search_full(&index, lookups, &node, &SearchRequest::new("x")).unwrap_err();
    assert!(
        err.chain().any(|c| c.downcast_ref::<Exceeded>().is_some()),
        "{err:#}"
    );
    // A reasonable query under the same budget runs.
    let budget = steps(2_000_000);
    assert_eq!(run(&index, "t1 w/2 t3", &budget).unwrap(), 60);
}

#[test]
fn patterns_over_the_term_budget_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let index = t_matter(tmp.path(), 5);
    let budget = Budget::new(Limits {
        max_terms: 20,
        ..Limits::default()
    });
    let err = run(&index, "hello OR t*", &budget).unwrap_err();
    assert!(err.to_string().contains("`t*`"), "{err:#}");
}

#[test]
fn a_cancelled_or_timed_out_search_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let index = t_matter(tmp.path(), 60);
    let budget = Budget::cancellable(Limits::default(), || true);
    let err = run(&index, "t* w/999 t*", &budget).unwrap_err();
    assert!(
        err.chain()
            .any(|c| c.downcast_ref::<Exceeded>() == Some(&Exceeded::Cancelled)),
        "{err:#}"
    );
    let budget = Budget::new(Limits {
        max_time: Duration::ZERO,
        ..Limits::default()
    });
    let err = run(&index, "t* w/999 t*", &budget).unwrap_err();
    assert!(err.to_string().contains("ran longer than"), "{err:#}");
}

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "t1",
    "t2",
    "t*",
    "*",
    "?",
    "t?",
    "%t1",
    "t%%1",
    "t1~",
    "tell",
    "me",
    "AND",
    "OR",
    "NOT",
    "and",
    "w/1",
    "w/999",
    "w/0",
    "pre/3",
    "not w/2",
    "w/",
    "/5",
    "(",
    ")",
    "\"",
    "'",
    "user:",
    "assistant:",
    "title:",
    "model:",
    "id:",
    "created:",
    "2023-01-01",
    "..",
    "created:2024..",
    "turns:>3",
    "turns:..",
    "turns:5..2",
    "tag:x",
    "-tag:y",
    "reviewed:no",
    "score:>=40",
    "label:reproduced",
    "strong:yes",
    "note:",
    "é",
    "中文",
    "日本語の文",
    "\u{1b}[31m",
    "\u{0}",
    ":",
    "::",
    "-",
    "+",
    "~",
    "%",
    "\\",
    "AND AND",
    "OR OR",
    "NOT NOT",
    "((",
    "))",
    "\"t1 t*\"",
    "\"t* t* t*\"",
    "x*y*z",
    "a\u{301}",
    "🙂",
    "w/4294967296",
    "w/-1",
    "turns:99999999999999999999",
];

fn random_query(rng: &mut Rng) -> String {
    let n = (rng.next() % 24) as usize;
    let mut q = String::new();
    for _ in 0..n {
        q.push_str(rng.pick(PIECES));
        if !rng.next().is_multiple_of(4) {
            q.push(' ');
        }
    }
    q
}

fn adversarial(i: usize) -> String {
    let n = 10_000;
    match i % 10 {
        0 => "(".repeat(n) + "t1" + &")".repeat(n),
        1 => "NOT ".repeat(n) + "t1",
        2 => "user:(".repeat(n) + "t1",
        3 => "(".repeat(n),
        4 => "\"".repeat(n),
        5 => "t* w/999 ".repeat(n / 10) + "t*",
        6 => "t1 OR ".repeat(n) + "t2",
        7 => "(t1 AND ".repeat(n) + "t2" + &")".repeat(n),
        8 => "t".repeat(n * 10),
        _ => "t1 w/1 (".repeat(n) + "t2",
    }
}

#[test]
fn parser_and_compiler_survive_a_hundred_thousand_queries() {
    let tmp = tempfile::tempdir().unwrap();
    let index = t_matter(tmp.path(), 8);
    let searcher = index.searcher();
    let limits = Limits {
        max_steps: 5_000_000,
        max_time: Duration::from_secs(10),
        ..Limits::default()
    };
    let mut rng = Rng(0x5eed_cafe_f00d_beef);
    let (mut parsed, mut ran) = (0, 0);
    for i in 0..100_000 {
        let q = if i % 1_000 < 10 {
            adversarial(i)
        } else {
            random_query(&mut rng)
        };
        let Ok(node) = verbatim::query::parse(&q) else {
            continue;
        };
        parsed += 1;
        let budget = Budget::new(limits);
        let env = verbatim::query::compile::Env::new(&index.fields, &searcher, None)
            .with_budget(budget.clone());
        let compiled = verbatim::query::compile::compile(&node, &env);
        // Every tenth query that compiles also runs, under the same budget.
        if let Ok(query) = compiled
            && i % 10 == 0
        {
            match searcher.search(&*query, &tantivy::collector::Count) {
                Ok(_) => {}
                Err(e) => assert!(budget.tripped().is_some(), "{q:?}: {e}"),
            }
            ran += 1;
        }
    }
    assert!(parsed > 9_000 && ran > 900, "{parsed} parsed, {ran} ran");
}
