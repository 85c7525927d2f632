//! Latency of proximity, wildcard and fuzzy queries against plain phrase queries, and a
//! 100-term search term report.
//!
//! cargo bench --bench query                                   # 100,000 conversations
//! VERBATIM_BENCH_CONVERSATIONS=1000000 cargo bench --bench query

use std::time::Instant;

use verbatim::index::ConvIndex;
use verbatim::{report, search};

#[path = "common/mod.rs"]
mod common;
use common::{env_u64, matter, percentile};

const PHRASE: [&str; 6] = [
    "\"according to\"",
    "\"the government\"",
    "\"in a statement\"",
    "\"climate change\"",
    "\"last year\"",
    "\"prime minister\"",
];
const PROXIMITY: [&str; 6] = [
    "according w/5 report",
    "government pre/3 said",
    "minister w/10 budget",
    "climate w/3 change",
    "company NOT w/5 shares",
    "(election OR vote) w/8 results",
];
const WILDCARD: [&str; 6] = ["govern*", "minist*", "comp?ny", "*tion", "rep*t", "elect*"];
const FUZZY: [&str; 6] = [
    "gov%ernment",
    "min%ister",
    "rep%%ort",
    "comp%any",
    "bud%get",
    "elec%tion",
];

/// p50 and p99 over `rounds` rounds after a first, unrecorded one (which reads the index's
/// pages from disk: at 10M they do not all stay in memory).
fn measure(index: &ConvIndex, qs: &[&str], rounds: usize) -> (f64, f64) {
    for q in qs {
        std::hint::black_box(search::count(index, None, q).unwrap());
    }
    let mut lat = Vec::new();
    for _ in 0..rounds {
        for q in qs {
            let t = Instant::now();
            std::hint::black_box(search::count(index, None, q).unwrap());
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    (percentile(&mut lat, 0.5), percentile(&mut lat, 0.99))
}

fn main() {
    let n = env_u64("VERBATIM_BENCH_CONVERSATIONS", 100_000);
    let rounds = env_u64("VERBATIM_BENCH_ROUNDS", 5) as usize;
    let m = matter(n);
    let index = ConvIndex::open(&m.join("index")).unwrap();
    println!("## query latency, {n} conversations (count, {rounds} rounds after a first)\n");
    println!("| queries | p50 | p99 |");
    println!("|---|---|---|");
    let base = measure(&index, &PHRASE, rounds);
    println!(
        "| phrase (baseline) | {:.1} ms | {:.1} ms |",
        base.0, base.1
    );
    for (name, qs) in [
        ("proximity", &PROXIMITY),
        ("wildcard", &WILDCARD),
        ("fuzzy", &FUZZY),
    ] {
        let (p50, p99) = measure(&index, qs, rounds);
        println!(
            "| {name} | {p50:.1} ms ({:.1}x) | {p99:.1} ms ({:.1}x) |",
            p50 / base.0,
            p99 / base.1
        );
    }
    // A 100-term report mixing every kind of term.
    let all: Vec<&str> = PHRASE
        .iter()
        .chain(&PROXIMITY)
        .chain(&WILDCARD)
        .chain(&FUZZY)
        .copied()
        .collect();
    let terms: Vec<(usize, String)> = (0..100)
        .map(|i| (i + 1, all[i % all.len()].to_string()))
        .collect();
    let t = Instant::now();
    let rep = report::run(
        &index,
        Default::default(),
        &terms,
        None,
        &Default::default(),
    )
    .unwrap();
    println!(
        "| report over 100 terms | {:.2} s ({} conversations hit by any term) | |",
        t.elapsed().as_secs_f64(),
        rep.any
    );
}
