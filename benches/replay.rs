//! The review state of a heavily coded matter: replaying a journal that codes most of the
//! matter, its time and anonymous memory, and the cost of building a review filter's set
//! from it. No index is needed: the ids are the generator's (`conv-0000001`, ...).
//!
//! cargo bench --bench replay                                           # 1M conversations
//! VERBATIM_BENCH_CONVERSATIONS=10000000 cargo bench --bench replay     # 90 % of 10M coded
//!
//! VERBATIM_BENCH_CODED (percent, default 90) and VERBATIM_BENCH_BULK (conversations per
//! tag event, default 1000; 1 is one click per conversation) shape the journal.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use verbatim::review::Journal;

// The binary's allocator: the replay is mostly small allocations.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/mod.rs"]
mod common;
use common::{coded_journal, env_u64, median, rss_anon_mib};

/// Samples this process's anonymous memory every 5 ms until stopped; the peak in MiB.
fn sampler() -> (Arc<AtomicBool>, std::thread::JoinHandle<f64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let s = stop.clone();
    let h = std::thread::spawn(move || {
        while !s.load(Ordering::Relaxed) {
            peak.fetch_max(rss_anon_mib() as u64, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(5));
        }
        peak.fetch_max(rss_anon_mib() as u64, Ordering::Relaxed);
        peak.load(Ordering::Relaxed) as f64
    });
    (stop, h)
}

fn main() {
    let n = env_u64("VERBATIM_BENCH_CONVERSATIONS", 1_000_000);
    let coded = n * env_u64("VERBATIM_BENCH_CODED", 90).min(100) / 100;
    let bulk = env_u64("VERBATIM_BENCH_BULK", 1000).max(1);
    let rounds = env_u64("VERBATIM_BENCH_ROUNDS", 3).max(1);
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let (events, bytes) = coded_journal(&tmp.path().join("review.jsonl"), n, coded, bulk);
    eprintln!(
        "journal: {events} events, {:.0} MiB, written in {:.1} s",
        bytes as f64 / (1 << 20) as f64,
        t.elapsed().as_secs_f64()
    );
    println!("## review state, {n} conversations, {coded} coded, bulk events of {bulk}\n");
    println!("| measure | value |");
    println!("|---|---|");

    let mut secs = Vec::new();
    let mut after = Vec::new();
    let mut peaks = Vec::new();
    let mut reviewed = 0;
    let mut filter_ms = Vec::new();
    for _ in 0..rounds {
        let base = rss_anon_mib();
        let (stop, h) = sampler();
        let t = Instant::now();
        let j = Journal::open(tmp.path()).unwrap();
        secs.push(t.elapsed().as_secs_f64());
        after.push(rss_anon_mib() - base);
        stop.store(true, Ordering::Relaxed);
        peaks.push(h.join().unwrap() - base);
        let st = j.state();
        reviewed = st.reviewed_count();
        // What a review filter's first use walks: every coded conversation.
        let t = Instant::now();
        let hot = st.ids_where(|c| c.has_tag("hot"));
        std::hint::black_box(hot.len());
        filter_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(j);
    }
    // Memory of the first round: later rounds reuse what the allocator kept from the first.
    let per = after[0] * 1048576.0 / coded.max(1) as f64;
    println!(
        "| journal | {events} events, {:.0} MiB |",
        bytes as f64 / 1048576.0
    );
    println!(
        "| replay, median of {rounds} | {:.2} s ({:.0} MB/s of journal) |",
        median(&mut secs),
        bytes as f64 / 1e6 / median(&mut secs)
    );
    println!(
        "| anonymous memory held by the state / peak during replay (first round) | {:.0} MiB / {:.0} MiB ({per:.0} bytes per coded conversation) |",
        after[0], peaks[0]
    );
    println!("| conversations reviewed | {reviewed} |");
    println!(
        "| a review filter's first set (`tag:hot`: walk every coded conversation), median | {:.0} ms |",
        median(&mut filter_ms)
    );
}
