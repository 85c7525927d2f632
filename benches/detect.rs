//! Detection: article import speed, k-gram table memory (and per million articles), scan
//! throughput per core and on every core, against the simplest correct baseline (every
//! 8-word k-gram of every article in a std HashMap, exact runs only) run in the same process.
//!
//! cargo bench --bench detect                                  # 100,000 conversations, 2,000 articles
//! VERBATIM_BENCH_CONVERSATIONS=1000000 cargo bench --bench detect   # 1M conversations, 20,000 articles

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rayon::prelude::*;
use tantivy::DocAddress;
use verbatim::detect::elicitation::{ArticleName, ArticleNames};
use verbatim::detect::{self, Thresholds, findings, normalize, table};
use verbatim::index::ConvIndex;
use verbatim::model::{Conversation, Role};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/mod.rs"]
mod common;
use common::{env_u64, matter};

/// Words per k-gram of the baseline.
const BASELINE_K: usize = 8;

/// The baseline: exact k-gram hits from a HashMap of every article k-gram, extended to exact
/// runs; returns the longest run per message (enough to decide a finding).
fn baseline_scan(
    conv: &Conversation,
    map: &HashMap<u64, Vec<(u32, u32)>>,
    arts: &[Vec<u64>],
) -> usize {
    let mut best = 0;
    for m in conv.messages.iter().filter(|m| m.role == Role::Assistant) {
        let toks = normalize::tokens(&m.text);
        if toks.len() < BASELINE_K {
            continue;
        }
        for i in 0..=toks.len() - BASELINE_K {
            if let Some(hits) = map.get(&table::kgram(&toks[i..i + BASELINE_K])) {
                for &(a, p) in hits {
                    let art = &arts[a as usize];
                    let (mut x, mut y) = (i, p as usize);
                    while x < toks.len() && y < art.len() && toks[x].hash == art[y] {
                        x += 1;
                        y += 1;
                    }
                    best = best.max(x - i);
                }
            }
        }
    }
    best
}

fn main() {
    let n = env_u64("VERBATIM_BENCH_CONVERSATIONS", 100_000);
    let sample = env_u64("VERBATIM_BENCH_SAMPLE", 20_000) as usize;
    let m = matter(n);
    let articles_file = m
        .parent()
        .unwrap()
        .join(format!("openai-{n}"))
        .join("articles.jsonl");
    // Article import into a fresh matter.
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let s = verbatim::articles::import(
        tmp.path(),
        std::slice::from_ref(&articles_file),
        &mut verbatim::progress::Silent,
    )
    .unwrap();
    let import_s = t.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&articles_file).unwrap().len();
    let arts = verbatim::articles::load(tmp.path()).unwrap();
    println!(
        "## detection, {n}-conversation matter, {} articles\n",
        arts.len()
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| article import | {} articles in {:.2} s ({:.0} articles/s, {:.1} MB/s) |",
        s.imported,
        import_s,
        s.imported as f64 / import_s,
        bytes as f64 / import_s / 1e6
    );
    let t = Instant::now();
    let tab = table::ArticleTable::build(arts.clone(), Thresholds::default().max_df);
    let build_s = t.elapsed().as_secs_f64();
    let per_m = tab.table_bytes() as f64 / tab.len() as f64 * 1e6 / 1048576.0;
    println!(
        "| k-gram table | built in {:.2} s; {:.1} MiB ({:.0} MiB per million articles); article tokens {:.1} MiB |",
        build_s,
        tab.table_bytes() as f64 / 1048576.0,
        per_m,
        tab.token_bytes() as f64 / 1048576.0
    );
    // Baseline table: every k-gram.
    let t = Instant::now();
    let mut map: HashMap<u64, Vec<(u32, u32)>> = HashMap::new();
    let words: Vec<Vec<u64>> = (0..tab.len() as u32)
        .map(|a| tab.words(a).to_vec())
        .collect();
    for (a, toks) in words.iter().enumerate() {
        for p in 0..toks.len().saturating_sub(BASELINE_K - 1) {
            map.entry(table::kgram_of(toks[p..p + BASELINE_K].iter().copied()))
                .or_default()
                .push((a as u32, p as u32));
        }
    }
    let base_build = t.elapsed().as_secs_f64();
    let base_bytes: usize =
        map.len() * (8 + 24 + 8) + map.values().map(|v| v.capacity() * 8).sum::<usize>();
    println!(
        "| baseline HashMap of every k-gram | built in {:.2} s; about {:.1} MiB ({:.0} MiB per million articles) |",
        base_build,
        base_bytes as f64 / 1048576.0,
        base_bytes as f64 / tab.len() as f64 * 1e6 / 1048576.0
    );

    // A sample of conversations, loaded once.
    let index = ConvIndex::open(&m.join("index")).unwrap();
    let searcher = index.searcher();
    let addrs: Vec<DocAddress> = ConvIndex::doc_addresses(&searcher)
        .into_iter()
        .take(sample)
        .collect();
    let convs: Vec<Conversation> = addrs
        .iter()
        .map(|a| index.load(&searcher, *a).unwrap())
        .collect();
    let text: usize = convs
        .iter()
        .flat_map(|c| c.messages.iter().filter(|m| m.role == Role::Assistant))
        .map(|m| m.text.len())
        .sum();
    let th = Thresholds::default();
    let t = Instant::now();
    let found: usize = convs
        .iter()
        .map(|c| findings::scan(c, &tab, &th).len())
        .sum();
    let one = t.elapsed().as_secs_f64();
    // With the articles' titles and URLs, as `detect` tells requested copies apart (a mapped
    // table reads them from the store): the fair baseline for the mapped table. Median of 3.
    let names = ArticleNames {
        names: arts
            .iter()
            .map(|a| ArticleName::new(a.title.as_deref(), a.url.as_deref()))
            .collect(),
    };
    let mut named = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let n: usize = convs
            .iter()
            .map(|c| findings::scan_named(c, &tab, &names, &th).len())
            .sum();
        std::hint::black_box(n);
        named.push(t.elapsed().as_secs_f64());
    }
    named.sort_by(f64::total_cmp);
    let one_named = named[1];
    let t = Instant::now();
    let base_found = convs
        .iter()
        .filter(|c| baseline_scan(c, &map, &words) >= th.min_words)
        .count();
    let base_one = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let _: usize = convs
        .par_iter()
        .map(|c| findings::scan(c, &tab, &th).len())
        .sum();
    let all = t.elapsed().as_secs_f64();
    println!(
        "| scan, one core ({} conversations, {:.1} MB of assistant text) | {:.1} MB/s ({found} findings) |",
        convs.len(),
        text as f64 / 1e6,
        text as f64 / one / 1e6
    );
    println!(
        "| the same with the articles' titles and URLs (requested copies told apart; median of 3) | {:.1} MB/s |",
        text as f64 / one_named / 1e6
    );
    println!(
        "| baseline scan, one core (exact runs only) | {:.1} MB/s ({base_found} conversations over the threshold); ratio verbatim / baseline {:.2} |",
        text as f64 / base_one / 1e6,
        base_one / one
    );
    println!(
        "| scan, every core ({} threads) | {:.1} MB/s |",
        rayon::current_num_threads(),
        text as f64 / all / 1e6
    );
    drop(map);
    let big = env_u64("VERBATIM_BENCH_ARTICLES", 0) as usize;
    if big > 0 {
        million(&arts, big, &convs, text, &th);
    }
    // The same sample against the article table of another matter, mapped from disk: a large
    // corpus built by `articles import` (benches/article_table.sh leaves one in WORKDIR/m-big).
    let other = std::env::var("VERBATIM_BENCH_TABLE_MATTER").ok();
    // The whole matter, as `verbatim detect` runs it (loading from the index included).
    let mut mt = verbatim::matter::Matter::open(&m).unwrap();
    verbatim::articles::import(&m, &[articles_file], &mut verbatim::progress::Silent).unwrap();
    let t = Instant::now();
    let s = detect::run(
        &mut mt,
        &th,
        &mut verbatim::progress::Silent,
        &AtomicBool::new(false),
        &mut |_| Ok(()),
    )
    .unwrap();
    println!(
        "| `verbatim detect` on all {} conversations | {:.1} s wall, {:.1} MB/s; {} findings ({} reproduced, {} echoed) |",
        s.conversations,
        t.elapsed().as_secs_f64(),
        s.mb_per_s(),
        s.findings,
        s.reproduced,
        s.echoed
    );
    // This matter's own table, now on disk, against the in-memory one built above.
    mapped(&m, "this matter's", &convs, text, &th, one_named);
    if let Some(dir) = other {
        mapped(
            std::path::Path::new(&dir),
            "another matter's",
            &convs,
            text,
            &th,
            one_named,
        );
    }
}

/// Scan speed of the sample against the mapped table of `dir`, one core (median of 3) and
/// every core, and its ratio to the in-memory table's one-core scan (`in_memory`, seconds).
fn mapped(
    dir: &std::path::Path,
    whose: &str,
    convs: &[Conversation],
    text: usize,
    th: &Thresholds,
    in_memory: f64,
) {
    let (bytes, sha) = verbatim::articles::corpus_fingerprint(dir).unwrap();
    let t = Instant::now();
    let (tab, built) = detect::store::open_or_build(
        dir,
        bytes,
        &sha,
        th.max_df,
        detect::store::DEFAULT_MEMORY_MIB,
        &mut verbatim::progress::Silent,
    )
    .unwrap();
    let open_s = t.elapsed().as_secs_f64();
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..3 {
        let t = Instant::now();
        found = convs
            .iter()
            .map(|c| findings::scan_stored(c, &tab, th).unwrap().len())
            .sum::<usize>();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let one = times[1];
    let t = Instant::now();
    let _: usize = convs
        .par_iter()
        .map(|c| findings::scan_stored(c, &tab, th).unwrap().len())
        .sum();
    let all = t.elapsed().as_secs_f64();
    println!(
        "| {whose} table mapped from disk, {} articles ({} MiB of k-grams; opened in {open_s:.2} s{}) | one core {:.1} MB/s (median of 3; {found} findings), ratio to the in-memory table with titles and URLs above {:.2}; every core {:.1} MB/s |",
        tab.len(),
        tab.table_bytes() >> 20,
        if built.is_some() { ", built first" } else { "" },
        text as f64 / one / 1e6,
        in_memory / one,
        text as f64 / all / 1e6
    );
}

/// Table memory and scan speed with a derived corpus of `n` articles.
fn million(
    arts: &[verbatim::articles::Article],
    n: usize,
    convs: &[Conversation],
    text: usize,
    th: &Thresholds,
) {
    const WORDS: [&str; 16] = [
        "amber", "basalt", "cobalt", "delta", "ember", "fjord", "garnet", "harbor", "indigo",
        "jasper", "kelp", "lumen", "marble", "nectar", "onyx", "prism",
    ];
    let t = Instant::now();
    let mut big = Vec::with_capacity(n);
    for i in 0..n {
        let base = &arts[i % arts.len()];
        let mut out = String::with_capacity(base.text.len() + 64);
        for (k, w) in base.text.split(' ').enumerate() {
            if k > 0 {
                out.push(' ');
            }
            if k % 4 == (i / arts.len()) % 4 && i >= arts.len() {
                let x = (i.wrapping_mul(2654435761) ^ k.wrapping_mul(40503))
                    % (WORDS.len() * WORDS.len());
                out.push_str(WORDS[x % WORDS.len()]);
                out.push_str(WORDS[x / WORDS.len()]);
            } else {
                out.push_str(w);
            }
        }
        big.push(verbatim::articles::Article {
            id: format!("derived-{i}"),
            title: None,
            url: None,
            published: None,
            section: None,
            text: out,
        });
    }
    let gen_s = t.elapsed().as_secs_f64();
    let text_bytes: usize = big.iter().map(|a| a.text.len()).sum();
    let t = Instant::now();
    let tab = table::ArticleTable::build(big, th.max_df);
    let build_s = t.elapsed().as_secs_f64();
    println!(
        "| {n} articles (derived) | generated in {gen_s:.1} s; table built in {build_s:.1} s: {:.0} MiB; article tokens {:.0} MiB; texts {:.0} MiB |",
        tab.table_bytes() as f64 / 1048576.0,
        tab.token_bytes() as f64 / 1048576.0,
        text_bytes as f64 / 1048576.0
    );
    let t = Instant::now();
    let found: usize = convs
        .iter()
        .map(|c| findings::scan(c, &tab, th).len())
        .sum();
    let one = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let _: usize = convs
        .par_iter()
        .map(|c| findings::scan(c, &tab, th).len())
        .sum();
    let all = t.elapsed().as_secs_f64();
    println!(
        "| scan with {n} articles | one core {:.1} MB/s, both cores {:.1} MB/s ({found} findings) |",
        text as f64 / one / 1e6,
        text as f64 / all / 1e6
    );
}
