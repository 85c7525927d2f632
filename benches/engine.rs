//! How close verbatim's search is to the raw engine, on real conversations: a top-20 page
//! with snippets against raw tantivy's count + top-20 on the same index, and a whole
//! `verbatim search` process from start to its first result against starting `/bin/true`.
//!
//! VERBATIM_BENCH_REAL=1000000 cargo bench --bench engine     # the default size
//!
//! The conversations are real (../shared/data/chats: Chatbot Arena and WildChat; the bench
//! skips with a message when they are absent): each is the turns of three real conversations
//! drawn at random, about 6.5 KB of text, the size of a ShareGPT conversation. The matter is
//! imported by `verbatim import` (which merges its segments into one per core at the end) and
//! kept in target/bench-data/real-N.
//!
//! Raw tantivy runs the same query built directly from terms (a term in any of the five text
//! fields, phrases as phrase queries, AND as must, OR as should) with `(Count, TopDocs(20))`
//! on the same searcher: no query language, no documents read. verbatim parses the query,
//! compiles it, counts, ranks, reads the 20 conversations and marks their snippets. Each query
//! runs VERBATIM_BENCH_ROUNDS times (default 30) after a warm-up; baseline and verbatim
//! alternate and medians and their ratio are reported.
//!
//! Then whole processes: `/bin/true`, `verbatim --version` and `verbatim search WORD` (to its
//! first result and to its exit), VERBATIM_BENCH_SPAWNS times each (default 40), on this matter
//! and on one of VERBATIM_BENCH_SMALL real conversations (default 20,000). VERBATIM_BENCH_BINS
//! names the binaries to start instead of this build (paths separated by spaces, run in turn):
//! `VERBATIM_BENCH_BINS=target/release/verbatim` times the release build as users get it.
//! VERBATIM_BENCH_ONLY=TEXT runs only the queries containing TEXT, and no processes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};
use verbatim::index::ConvIndex;
use verbatim::search::{self, Lookups, SearchRequest};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/mod.rs"]
mod common;
use common::{env_u64, median};

/// A query in verbatim's syntax and the same query for the raw engine.
enum Raw {
    Term(&'static str),
    Phrase(&'static [&'static str]),
    And(Vec<Raw>),
    Or(Vec<Raw>),
}

/// Light, medium and heavy queries on words of real chat text.
fn mix() -> Vec<(&'static str, Raw)> {
    use Raw::*;
    vec![
        ("sourdough", Term("sourdough")),
        ("cryptocurrency", Term("cryptocurrency")),
        ("photosynthesis", Term("photosynthesis")),
        ("shakespeare", Term("shakespeare")),
        ("giraffe", Term("giraffe")),
        ("einstein", Term("einstein")),
        ("recipe", Term("recipe")),
        ("python", Term("python")),
        ("poem", Term("poem")),
        ("weather", Term("weather")),
        ("\"machine learning\"", Phrase(&["machine", "learning"])),
        ("\"climate change\"", Phrase(&["climate", "change"])),
        (
            "\"once upon a time\"",
            Phrase(&["once", "upon", "a", "time"]),
        ),
        (
            "python AND function",
            And(vec![Term("python"), Term("function")]),
        ),
        ("poem AND love", And(vec![Term("poem"), Term("love")])),
        ("cat OR dog", Or(vec![Term("cat"), Term("dog")])),
        (
            "(recipe OR cook) AND chicken",
            And(vec![
                Or(vec![Term("recipe"), Term("cook")]),
                Term("chicken"),
            ]),
        ),
        ("the", Term("the")),
    ]
}

fn raw_query(index: &ConvIndex, q: &Raw) -> Box<dyn Query> {
    let fields = index.fields.all_text();
    match q {
        Raw::Term(w) => Box::new(BooleanQuery::new(
            fields
                .iter()
                .map(|f| {
                    let t = Term::from_field_text(*f, w);
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
                    (Occur::Should, q)
                })
                .collect(),
        )),
        Raw::Phrase(ws) => Box::new(BooleanQuery::new(
            fields
                .iter()
                .map(|f| {
                    let terms = ws.iter().map(|w| Term::from_field_text(*f, w)).collect();
                    let q: Box<dyn Query> = Box::new(PhraseQuery::new(terms));
                    (Occur::Should, q)
                })
                .collect(),
        )),
        Raw::And(xs) => Box::new(BooleanQuery::new(
            xs.iter()
                .map(|x| (Occur::Must, raw_query(index, x)))
                .collect(),
        )),
        Raw::Or(xs) => Box::new(BooleanQuery::new(
            xs.iter()
                .map(|x| (Occur::Should, raw_query(index, x)))
                .collect(),
        )),
    }
}

fn raw_page(searcher: &Searcher, q: &dyn Query) -> (usize, usize) {
    let (n, top) = searcher
        .search(q, &(Count, TopDocs::with_limit(20).order_by_score()))
        .unwrap();
    (n, top.len())
}

fn verbatim_page(index: &ConvIndex, text: &str) -> (u64, usize) {
    let node = search::parse_for(index, None, text).unwrap();
    let req = SearchRequest::new(text);
    let res = search::search_full(
        index,
        Lookups {
            review: None,
            findings: None,
            budget: None,
            matter_dir: None,
        },
        &node,
        &req,
    )
    .unwrap();
    (res.total, res.hits.len())
}

fn chats_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/chats")
}

/// The messages of every real conversation, as `{role, content}` values.
fn real_conversations() -> Option<Vec<Vec<Value>>> {
    let mut out = Vec::new();
    for name in ["chatbot_arena.jsonl", "wildchat_sample.jsonl"] {
        let text = std::fs::read_to_string(chats_dir().join(name)).ok()?;
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let msgs: Vec<Value> = v["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| {
                    let role = m["role"].as_str()?;
                    let content = m["content"].as_str()?;
                    (matches!(role, "user" | "assistant") && !content.is_empty())
                        .then(|| json!({"role": role, "content": content}))
                })
                .collect();
            if !msgs.is_empty() {
                out.push(msgs);
            }
        }
    }
    Some(out)
}

/// A matter of `n` conversations, each the turns of three real ones.
fn real_matter(n: u64, pool: &[Vec<Value>]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = root.join(format!("real-{n}"));
    if dir.join(".complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&root).unwrap();
    let file = root.join(format!("real-{n}.jsonl"));
    let t = Instant::now();
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            // xorshift64*: deterministic, so the matter is the same on every machine.
            rng ^= rng >> 12;
            rng ^= rng << 25;
            rng ^= rng >> 27;
            (rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize
        };
        for k in 0..n {
            let mut msgs = Vec::new();
            for _ in 0..3 {
                msgs.extend(pool[next() % pool.len()].iter().cloned());
            }
            let line = json!({"id": format!("real-{k}"), "messages": msgs});
            serde_json::to_writer(&mut w, &line).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
    }
    let bytes = std::fs::metadata(&file).unwrap().len();
    eprintln!(
        "wrote {n} conversations, {:.2} GB, in {:.0} s; importing",
        bytes as f64 / 1e9,
        t.elapsed().as_secs_f64()
    );
    // Imported as a user imports it: the command, whose last step merges the segments.
    let t = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .arg("--matter")
        .arg(&dir)
        .args(["--quiet", "import"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success(), "verbatim import failed");
    eprintln!("imported in {:.0} s", t.elapsed().as_secs_f64());
    std::fs::remove_file(&file).unwrap();
    std::fs::write(dir.join(".complete"), b"").unwrap();
    dir
}

/// Milliseconds from spawning `cmd` to the first stdout line for which `first` holds, and to
/// its exit.
fn spawn_times(cmd: &mut Command, first: impl Fn(&str) -> bool) -> (f64, f64) {
    let t = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut seen = None;
    loop {
        line.clear();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if seen.is_none() && first(&line) {
            seen = Some(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    assert!(child.wait().unwrap().success());
    let done = t.elapsed().as_secs_f64() * 1000.0;
    (seen.unwrap_or(done), done)
}

fn main() {
    let Some(pool) = real_conversations() else {
        println!(
            "skipped: the real conversations in {} are absent",
            chats_dir().display()
        );
        return;
    };
    let n = env_u64("VERBATIM_BENCH_REAL", 1_000_000);
    let rounds = env_u64("VERBATIM_BENCH_ROUNDS", 30) as usize;
    let dir = real_matter(n, &pool);
    let index = ConvIndex::open(&dir.join("index")).unwrap();
    let searcher = index.searcher();
    // VERBATIM_BENCH_ONLY=word runs only the queries that contain it, and no processes.
    let only = std::env::var("VERBATIM_BENCH_ONLY").ok();
    let queries: Vec<_> = mix()
        .into_iter()
        .filter(|(q, _)| only.as_deref().is_none_or(|o| q.contains(o)))
        .collect();
    let raws: Vec<Box<dyn Query>> = queries.iter().map(|(_, r)| raw_query(&index, r)).collect();

    println!("## Close to the raw engine: {n} real conversations, top 20\n");
    println!("| query | matches | raw tantivy p50 | verbatim p50 | ratio |");
    println!("|---|---|---|---|---|");
    let (mut all_raw, mut all_ours) = (Vec::new(), Vec::new());
    for ((text, _), raw) in queries.iter().zip(&raws) {
        // Warm-up: the index pages and the conversations of the page are read once.
        let (n_raw, _) = raw_page(&searcher, raw.as_ref());
        let (n_ours, _) = verbatim_page(&index, text);
        let (mut r, mut o) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let t = Instant::now();
            std::hint::black_box(raw_page(&searcher, raw.as_ref()));
            r.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            std::hint::black_box(verbatim_page(&index, text));
            o.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        all_raw.extend(r.iter().copied());
        all_ours.extend(o.iter().copied());
        let (mr, mo) = (median(&mut r), median(&mut o));
        let matches = if n_raw as u64 == n_ours {
            format!("{n_ours}")
        } else {
            format!("{n_ours} (raw {n_raw})")
        };
        println!(
            "| `{text}` | {matches} | {mr:.2} ms | {mo:.2} ms | {:.2} |",
            mo / mr
        );
    }
    let (mr, mo) = (median(&mut all_raw), median(&mut all_ours));
    println!(
        "| **all ({} queries x {rounds})** | | **{mr:.2} ms** | **{mo:.2} ms** | **{:.2}** |\n",
        queries.len(),
        mo / mr
    );
    drop(searcher);
    drop(index);
    if only.is_some() {
        return;
    }

    // Whole processes, on this matter (its pages cached by the runs above) and on a small one.
    let small_n = env_u64("VERBATIM_BENCH_SMALL", 20_000);
    let small = real_matter(small_n, &pool);
    let runs = env_u64("VERBATIM_BENCH_SPAWNS", 40) as usize;
    let bins = binaries();
    println!("## A whole `verbatim search` process, {runs} runs each (medians)\n");
    for (m, size) in [(&dir, n), (&small, small_n)] {
        let segments = verbatim::index::compact::segments(&m.join("index")).unwrap_or(0);
        println!("{size} conversations: {segments} segments\n");
    }
    println!("| process | time | against /bin/true |");
    println!("|---|---|---|");
    let matters = [
        (&dir, format!("{n} conversations")),
        (&small, format!("{small_n} conversations")),
    ];
    for (i, (matter, size)) in matters.into_iter().enumerate() {
        let (base, per_bin) = processes(matter, runs, &bins);
        if i == 0 {
            println!("| `/bin/true` (baseline) | {base:.2} ms | 1.00 |");
        }
        for (bin, (version, first, whole)) in bins.iter().zip(per_bin) {
            let who = if bins.len() > 1 {
                format!(" ({bin})")
            } else {
                String::new()
            };
            if i == 0 {
                println!(
                    "| `verbatim --version`{who} | {version:.2} ms | {:.2} |",
                    version / base
                );
            }
            println!(
                "| `verbatim search`{who}, {size} (light words, top 20): first result | {first:.2} ms | {:.2} |",
                first / base
            );
            println!(
                "| `verbatim search`{who}, {size}: exit, audit entry synced | {whole:.2} ms | {:.2} |",
                whole / base
            );
        }
    }
}

/// The binaries whose processes are timed: `$VERBATIM_BENCH_BINS` (paths separated by spaces,
/// started in turn, e.g. the release build and another to compare), or this bench's own build.
fn binaries() -> Vec<String> {
    match std::env::var("VERBATIM_BENCH_BINS") {
        Ok(v) if !v.trim().is_empty() => v.split_whitespace().map(str::to_string).collect(),
        _ => vec![env!("CARGO_BIN_EXE_verbatim").to_string()],
    }
}

/// Medians of `/bin/true`, and for each binary of `verbatim --version` and of a search of
/// light words on `matter` to its first result and to its exit, all run in turn.
fn processes(matter: &Path, runs: usize, bins: &[String]) -> (f64, Vec<(f64, f64, f64)>) {
    let light = [
        "sourdough",
        "cryptocurrency",
        "photosynthesis",
        "shakespeare",
    ];
    let search_cmd = |bin: &str, q: &str| {
        let mut c = Command::new(bin);
        c.env("NO_COLOR", "1")
            .arg("--matter")
            .arg(matter)
            .args(["search", q, "--limit", "20"]);
        c
    };
    for bin in bins {
        for q in light {
            spawn_times(&mut search_cmd(bin, q), |_| true);
        }
    }
    let mut t_true = Vec::new();
    let mut per_bin = vec![(Vec::new(), Vec::new(), Vec::new()); bins.len()];
    for i in 0..runs {
        t_true.push(spawn_times(&mut Command::new("/bin/true"), |_| true).1);
        for (bin, (version, first, whole)) in bins.iter().zip(per_bin.iter_mut()) {
            version.push(spawn_times(Command::new(bin).arg("--version"), |_| true).1);
            let (f, w) = spawn_times(&mut search_cmd(bin, light[i % light.len()]), |l| {
                l.trim_start().starts_with("1.")
            });
            first.push(f);
            whole.push(w);
        }
    }
    let per_bin = per_bin
        .into_iter()
        .map(|(mut v, mut f, mut w)| (median(&mut v), median(&mut f), median(&mut w)))
        .collect();
    (median(&mut t_true), per_bin)
}
