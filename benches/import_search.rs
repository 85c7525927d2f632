//! Import throughput against a bare tantivy writer, peak memory of the command, index size,
//! synth speed, and search latency. Prints a Markdown table for BENCHMARKS.md.
//!
//! cargo bench --bench import_search                       # 100,000 conversations
//! VERBATIM_BENCH_CONVERSATIONS=1000000 cargo bench --bench import_search
//! VERBATIM_BENCH_CONVERSATIONS=10000000 cargo bench --bench import_search  # streamed, below
//!
//! Past 2,000,000 conversations (or with VERBATIM_BENCH_STREAM=1) the conversations do not fit
//! in memory: one `verbatim import` child process builds target/bench-data/matter-N (kept for
//! the review, query and interface benches), sampled for anonymous memory, and then the bare
//! writer reads the same production file, each line parsed and indexed at once, all of it
//! timed. (It used to be fed conversations read back from the index in untimed chunks of
//! 250,000, while its threads went on indexing and merging: at 10M that gave it minutes of
//! free time.) Below that size the file-fed writer is measured too, beside the writer handed
//! conversations already in memory. `verbatim import` ends by merging its segments into one per
//! core: the streamed baseline does the same, timed, and below 2,000,000 both closing merges are
//! timed apart from the indexing.
//!
//! The machine is noisy: each measurement is repeated (VERBATIM_BENCH_ROUNDS, default 3),
//! baseline and verbatim alternate, and medians and their ratio are reported.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use verbatim::import::{self, ImportOptions, Input};
use verbatim::index::{ConvIndex, WriterSettings, document};
use verbatim::matter::Matter;
use verbatim::model::Conversation;
use verbatim::progress::Silent;
use verbatim::search::{self, SearchRequest};

// The same allocator as the `verbatim` binary, for baseline and import alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/mod.rs"]
mod common;
use common::{dataset, env_u64, median, percentile};

fn read_all(file: &Path) -> Vec<Conversation> {
    // The baseline is handed conversations already parsed: it measures indexing alone.
    let dir = tempfile::tempdir().unwrap();
    let mut m = Matter::open_or_create(dir.path()).unwrap();
    import::import(
        &mut m,
        &[Input::File(file.to_path_buf())],
        &ImportOptions::default(),
        &mut Silent,
        &AtomicBool::new(false),
    )
    .unwrap();
    let idx = ConvIndex::open(&m.index_dir()).unwrap();
    let searcher = idx.searcher();
    ConvIndex::doc_addresses(&searcher)
        .into_iter()
        .map(|a| idx.load(&searcher, a).unwrap())
        .collect()
}

fn baseline(convs: &[Conversation], settings: WriterSettings) -> f64 {
    baseline_with(convs, settings, verbatim::index::analyzer::TEXT_ANALYZER).0
}

/// The bare writer with the text analyzer `analyzer`: seconds and index bytes.
fn baseline_with(convs: &[Conversation], settings: WriterSettings, analyzer: &str) -> (f64, u64) {
    let (t, size, _) = baseline_kept(convs, settings, analyzer);
    (t, size)
}

/// [`baseline_with`], and the index's directory (removed when dropped).
fn baseline_kept(
    convs: &[Conversation],
    settings: WriterSettings,
    analyzer: &str,
) -> (f64, u64, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let idx = ConvIndex::create_with_analyzer(dir.path(), analyzer).unwrap();
    let mut w = idx.writer(settings).unwrap();
    for (i, c) in convs.iter().enumerate() {
        let d = document::build(c, &idx.fields, i as u64, i as u64, i as u64).unwrap();
        w.add_document(d).unwrap();
    }
    w.commit().unwrap();
    w.wait_merging_threads().unwrap();
    let size = verbatim::fsutil::dir_size(dir.path());
    (t.elapsed().as_secs_f64(), size, dir)
}

/// A record of the synthetic production, as a script using tantivy alone would read it.
#[derive(serde::Deserialize)]
struct BareRecord {
    id: String,
    model: Option<String>,
    timestamp: Option<chrono::DateTime<chrono::Utc>>,
    language: Option<String>,
    messages: Vec<BareMessage>,
}

#[derive(serde::Deserialize)]
struct BareMessage {
    role: verbatim::model::Role,
    content: BareContent,
}

/// A message's content: a string, or parts of which the text ones are kept. Read by a visitor
/// (an untagged enum would buffer every string first and slow the baseline down).
enum BareContent {
    Text(String),
    Parts(Vec<BarePart>),
}

#[derive(serde::Deserialize)]
struct BarePart {
    text: Option<String>,
}

impl<'de> serde::Deserialize<'de> for BareContent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = BareContent;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of parts")
            }
            fn visit_str<E>(self, v: &str) -> Result<BareContent, E> {
                Ok(BareContent::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<BareContent, E> {
                Ok(BareContent::Text(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<BareContent, A::Error> {
                let mut parts = Vec::new();
                while let Some(p) = seq.next_element()? {
                    parts.push(p);
                }
                Ok(BareContent::Parts(parts))
            }
        }
        d.deserialize_any(Visit)
    }
}

impl BareContent {
    fn text(self) -> String {
        match self {
            BareContent::Text(t) => t,
            BareContent::Parts(p) => {
                let texts: Vec<String> = p.into_iter().filter_map(|p| p.text).collect();
                texts.join("\n")
            }
        }
    }
}

/// The bare writer fed from the production file itself: each line decompressed, parsed and
/// indexed in turn, all of it timed, as `verbatim import` is. Nothing is checked, hashed or
/// deduplicated, and no progress is committed. Seconds indexing, seconds of the closing merge
/// `verbatim import` ends with (the same segments merged into one per core), and message-text
/// bytes.
fn bare_from_file(file: &Path, settings: WriterSettings) -> (f64, f64, u64) {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let raw = std::fs::File::open(file).unwrap();
    let input: Box<dyn std::io::Read> = if file.extension().is_some_and(|e| e == "zst") {
        Box::new(zstd::Decoder::new(raw).unwrap())
    } else {
        Box::new(raw)
    };
    let idx = ConvIndex::create_with_analyzer(dir.path(), verbatim::index::analyzer::TEXT_ANALYZER)
        .unwrap();
    let mut w = idx.writer(settings).unwrap();
    let (mut text, mut line) = (0u64, String::new());
    let mut reader = std::io::BufReader::with_capacity(1 << 20, input);
    let source = file.display().to_string();
    for k in 0u64.. {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let r: BareRecord = serde_json::from_str(&line).unwrap();
        let conv = Conversation {
            id: r.id,
            source: verbatim::model::SourceRef {
                file: source.clone(),
                record: k + 1,
            },
            title: None,
            created: r.timestamp,
            model: r.model,
            language: r.language,
            messages: (r.messages.into_iter().enumerate())
                .map(|(i, m)| verbatim::model::Message {
                    index: i as u32,
                    role: m.role,
                    author: None,
                    created: None,
                    text: m.content.text(),
                })
                .collect(),
            family: None,
            metadata: Default::default(),
        };
        text += conv.text_bytes();
        w.add_document(document::build(&conv, &idx.fields, k, k, k).unwrap())
            .unwrap();
    }
    w.commit().unwrap();
    w.wait_merging_threads().unwrap();
    let indexing = t.elapsed().as_secs_f64();
    drop(idx);
    (indexing, closing_merge(dir.path()), text)
}

/// Seconds to merge the index in `dir` as `verbatim import` does at its end (a first import:
/// every segment, into one per core).
fn closing_merge(dir: &Path) -> f64 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    verbatim::index::compact::compact(dir, cores).unwrap();
    t.elapsed().as_secs_f64()
}

/// The library's import (no closing merge: `verbatim import` adds it; see `closing_merge`).
fn ours(file: &Path, settings: WriterSettings) -> (f64, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let mut m = Matter::open_or_create(dir.path()).unwrap();
    let opts = ImportOptions {
        writer: settings,
        ..Default::default()
    };
    import::import(
        &mut m,
        &[Input::File(file.to_path_buf())],
        &opts,
        &mut Silent,
        &AtomicBool::new(false),
    )
    .unwrap();
    (t.elapsed().as_secs_f64(), m.index_dir(), dir)
}

/// Peak resident memory of `verbatim import` run as a child process, in MiB.
fn import_peak_rss(file: &Path) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"));
    cmd.arg("--matter")
        .arg(dir.path())
        .args(["--quiet", "import"])
        .arg(file);
    common::child_peak_rss(cmd)
}

const QUERIES: [&str; 20] = [
    "report",
    "climate change",
    "\"according to\"",
    "assistant:government",
    "user:recipe OR user:cooking",
    "minister AND budget",
    "python AND NOT java",
    "model:gpt-4",
    "created:2023-01-01..2023-06-30",
    "turns:>5",
    "(election OR vote) AND assistant:results",
    "the",
    "said the",
    "user:(help me) AND assistant:sure",
    "lang:spanish",
    "title:news OR assistant:headline",
    "percent AND (rise OR fall)",
    "NOT model:gpt-3.5-turbo",
    "\"in a statement\"",
    "company AND shares AND market",
];

/// The synthetic production of `n` conversations (made now if absent, with its speed said).
fn production(n: u64, how: &str) -> PathBuf {
    let (file, synth_time) = dataset(n);
    let file_bytes = std::fs::metadata(&file).unwrap().len();
    println!(
        "## {n} conversations ({:.2} GiB JSONL), {how}\n",
        file_bytes as f64 / 1073741824.0
    );
    if let Some((secs, bytes)) = synth_time {
        println!(
            "synth: {:.1} s, {:.0} conversations/s, {:.1} MB/s written",
            secs,
            n as f64 / secs,
            bytes as f64 / secs / 1e6
        );
    }
    file
}

/// The streamed measurement for productions that do not fit in memory (see the top).
fn streamed(n: u64) {
    let settings = WriterSettings::default();
    let file = production(n, "streamed");
    let m = common::matter_dir(n);
    if m.join(".complete").exists() {
        // Imported and measured by an earlier run: the search figures alone.
        println!(
            "(the matter {} is kept from an earlier run: search only)\n",
            m.display()
        );
        println!("| measure | value |");
        println!("|---|---|");
        return search_latency(&ConvIndex::open(&m.join("index")).unwrap());
    }
    let _ = std::fs::remove_dir_all(&m);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"));
    cmd.arg("--matter")
        .arg(&m)
        .args(["--quiet", "import"])
        .arg(&file);
    let t = Instant::now();
    let anon = common::child_peak_anon(cmd);
    let mine = t.elapsed().as_secs_f64();
    std::fs::write(m.join(".complete"), b"").unwrap();

    // Second: the production is in the page cache by now, which favours the baseline.
    let (indexing, merging, text) = bare_from_file(&file, settings);
    // `verbatim import` ends with the merge: so does the baseline.
    let timed = indexing + merging;
    let idx = ConvIndex::open(&m.join("index")).unwrap();
    let conversations = idx.searcher().num_docs();
    let mbps = |s: f64| text as f64 / s / 1e6;
    println!(
        "message text: {:.2} GB in {} conversations\n",
        text as f64 / 1e9,
        conversations
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| bare tantivy writer fed from the same file, same schema and settings, then its segments merged into one per core as `verbatim import` ends (one run) | {timed:.0} s ({indexing:.0} s indexing, {merging:.0} s merging), {:.1} MB/s |",
        mbps(timed)
    );
    println!(
        "| `verbatim import` (child process, one run) | {mine:.0} s, {:.1} MB/s |",
        mbps(mine)
    );
    println!(
        "| ratio verbatim / bare (floor 0.85) | {:.2} |",
        timed / mine
    );
    println!("| peak anonymous memory of `verbatim import` | {anon:.0} MiB |");
    let size = verbatim::fsutil::dir_size(&m.join("index"));
    println!(
        "| index size | {:.2} GiB, {:.2} GB per GB of message text |",
        size as f64 / 1073741824.0,
        size as f64 / text as f64
    );
    search_latency(&idx);
}

fn search_latency(idx: &ConvIndex) {
    search_latency_of(&[("", idx)]);
}

/// The query mix over each index in turn, query by query (so a noisy moment hits them alike):
/// p50/p99 of each and its slowest queries; with two, the ratio of every query's medians.
fn search_latency_of(indexes: &[(&str, &ConvIndex)]) {
    let n = indexes.len();
    let mut lat: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut per: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); QUERIES.len()]; n];
    for round in 0..6 {
        for (i, q) in QUERIES.iter().enumerate() {
            for (k, (_, idx)) in indexes.iter().enumerate() {
                let t = Instant::now();
                let r = search::search(idx, None, &SearchRequest::new(q)).unwrap();
                std::hint::black_box(r.total);
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                // The first round reads the index from disk: reported apart.
                if round > 0 {
                    lat[k].push(ms);
                }
                per[k][i].push(ms);
            }
        }
    }
    for (k, (label, _)) in indexes.iter().enumerate() {
        let p50 = percentile(&mut lat[k], 0.5);
        let p99 = percentile(&mut lat[k], 0.99);
        println!(
            "| search latency{label}, 20 queries x 5 after a first round (count + top 20 + snippets) | p50 {p50:.1} ms, p99 {p99:.1} ms |"
        );
        let mut slow: Vec<(f64, f64, &str)> = per[k]
            .iter_mut()
            .zip(QUERIES)
            .map(|(t, q)| (t[0], median(&mut t[1..].to_vec()), q))
            .collect();
        slow.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (first, med, q) in slow.iter().take(4) {
            println!("| slowest{label}: `{q}` | median {med:.1} ms (first round {first:.1} ms) |");
        }
    }
    if n == 2 {
        for (i, q) in QUERIES.iter().enumerate() {
            let a = median(&mut per[0][i][1..].to_vec());
            let b = median(&mut per[1][i][1..].to_vec());
            if q.contains(' ') && !q.contains(':') {
                println!(
                    "| `{q}`, median{} against{} | {a:.1} ms, {b:.1} ms ({:.2}x) |",
                    indexes[0].0,
                    if indexes[1].0.is_empty() {
                        " this index"
                    } else {
                        indexes[1].0
                    },
                    b / a
                );
            }
        }
    }
}

fn main() {
    let n = env_u64("VERBATIM_BENCH_CONVERSATIONS", 100_000);
    if n > 2_000_000 || std::env::var_os("VERBATIM_BENCH_STREAM").is_some() {
        return streamed(n);
    }
    let rounds = env_u64("VERBATIM_BENCH_ROUNDS", 3).max(1);
    let settings = WriterSettings::default();
    let file = production(n, "in memory");
    // Before this process grows: a forked child starts with the parent's pages counted.
    let rss = import_peak_rss(&file);
    let convs = read_all(&file);
    let text: u64 = convs.iter().map(|c| c.text_bytes()).sum();
    println!(
        "message text: {:.1} MB in {} conversations",
        text as f64 / 1e6,
        convs.len()
    );

    let (mut base, mut mine, mut v3, mut fed) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut fed_merge, mut mine_merge) = (Vec::new(), Vec::new());
    let mut v3_size = 0;
    let mut v3_index = None;
    let mut last_index = None;
    for _ in 0..rounds {
        // The same writer with the analyzer before common grams (v3): what they cost.
        let (t, size, dir) = baseline_kept(
            &convs,
            settings,
            verbatim::index::analyzer::TEXT_ANALYZER_V3,
        );
        v3.push(t);
        v3_size = size;
        v3_index = Some(dir);
        base.push(baseline(&convs, settings));
        let (t, merge, _) = bare_from_file(&file, settings);
        fed.push(t);
        fed_merge.push(merge);
        let (t, idx, dir) = ours(&file, settings);
        mine.push(t);
        mine_merge.push(closing_merge(&idx));
        last_index = Some((idx, dir));
    }
    drop(convs);
    let (b, m) = (median(&mut base), median(&mut mine));
    let mbps = |s: f64| text as f64 / s / 1e6;
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| bare tantivy writer, same schema and settings (median of {rounds}) | {:.1} s, {:.1} MB/s |",
        b,
        mbps(b)
    );
    println!(
        "| verbatim import from the JSONL file (median of {rounds}) | {:.1} s, {:.1} MB/s |",
        m,
        mbps(m)
    );
    println!("| ratio verbatim / bare | {:.2} |", b / m);
    let f = median(&mut fed);
    println!(
        "| bare writer fed from the same file, each line parsed as read (median of {rounds}) | {:.1} s, {:.1} MB/s |",
        f,
        mbps(f)
    );
    println!("| ratio verbatim / bare fed from the file | {:.2} |", f / m);
    let (fm, mm) = (median(&mut fed_merge), median(&mut mine_merge));
    println!(
        "| closing merge into one segment per core (what `verbatim import` ends with), bare / verbatim (median of {rounds}) | {fm:.1} s / {mm:.1} s |"
    );
    println!(
        "| ratio verbatim / bare fed from the file, both with the closing merge | {:.2} |",
        (f + fm) / (m + mm)
    );
    let b3 = median(&mut v3);
    println!(
        "| bare writer, analyzer v3 (no common grams; median of {rounds}) | {:.1} s, {:.1} MB/s; index {:.1} MiB, {:.2} GB per GB |",
        b3,
        mbps(b3),
        v3_size as f64 / 1048576.0,
        v3_size as f64 / text as f64
    );
    println!("| bare writer v4 / v3 (speed) | {:.2} |", b3 / b);

    let (index_dir, _keep) = last_index.unwrap();
    let size = verbatim::fsutil::dir_size(&index_dir);
    println!(
        "| index size | {:.1} MiB, {:.2} GB per GB of message text |",
        size as f64 / 1048576.0,
        size as f64 / text as f64
    );
    println!("| peak RSS of `verbatim import` | {rss:.0} MiB |");

    let idx = ConvIndex::open(&index_dir).unwrap();
    let v3_dir = v3_index.unwrap();
    let v3 = ConvIndex::open(v3_dir.path()).unwrap();
    search_latency_of(&[(" (v3, no common grams)", &v3), ("", &idx)]);
}
