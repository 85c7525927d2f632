//! Data shared by the benchmarks: a synthetic production and a matter built from it, cached
//! under target/bench-data so that each size is generated and imported once.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use verbatim::import::{self, ImportOptions, Input};
use verbatim::matter::Matter;
use verbatim::progress::Silent;
use verbatim::synth::{self, SynthFormat, SynthOptions};

pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

pub fn percentile(xs: &mut [f64], p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let i = ((xs.len() as f64 - 1.0) * p).round() as usize;
    xs[i]
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

/// The synthetic JSONL file of `n` conversations; also returns (seconds, bytes) when it had
/// to be generated now.
pub fn dataset(n: u64) -> (PathBuf, Option<(f64, u64)>) {
    let dir = root().join(format!("openai-{n}"));
    let file = dir.join("conversations.jsonl");
    if file.exists() {
        return (file, None);
    }
    // Compressed by hand to save disk at 10M (`zstd --rm`): imported as it is.
    let zst = dir.join("conversations.jsonl.zst");
    if zst.exists() {
        return (zst, None);
    }
    let t = Instant::now();
    let s = synth::synth(
        &SynthOptions {
            conversations: n,
            articles: (n / 50).clamp(50, 20_000),
            seed: 42,
            format: SynthFormat::OpenAi,
            out: dir,
            plant_rate: 0.25,
            near_duplicates: 0.0,
        },
        &mut |_| {},
    )
    .expect("synth failed");
    (file, Some((t.elapsed().as_secs_f64(), s.bytes_written)))
}

/// Where the `n`-conversation matter is kept.
pub fn matter_dir(n: u64) -> PathBuf {
    root().join(format!("matter-{n}"))
}

/// A matter with the `n`-conversation dataset imported.
pub fn matter(n: u64) -> PathBuf {
    let dir = matter_dir(n);
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (file, _) = dataset(n);
    import_file(&dir, &file);
    std::fs::write(&done, b"").unwrap();
    dir
}

/// Imports `file` into the matter in `dir` (created when absent) with the default options.
pub fn import_file(dir: &Path, file: &Path) {
    let mut m = Matter::open_or_create(dir).unwrap();
    import::import(
        &mut m,
        &[Input::File(file.to_path_buf())],
        &ImportOptions::default(),
        &mut Silent,
        &AtomicBool::new(false),
    )
    .unwrap();
}

/// Runs `cmd` to completion and returns its own peak resident memory in MiB (wait4 reports
/// the child's usage alone, unlike RUSAGE_CHILDREN, which keeps the maximum of all children).
#[allow(clippy::zombie_processes)] // reaped by wait4 below
pub fn child_peak_rss(mut cmd: std::process::Command) -> f64 {
    let child = cmd
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("cannot start the child");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 fills the status and usage we own, for our own child.
    let r = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert!(r > 0 && status == 0, "child failed (status {status})");
    usage.ru_maxrss as f64 / 1024.0
}

/// Runs `cmd` to completion, sampling its anonymous resident memory (heap, not the file pages
/// of the memory-mapped index) every 10 ms; returns the peak in MiB.
pub fn child_peak_anon(mut cmd: std::process::Command) -> f64 {
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("cannot start the child");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(st) = child.try_wait().expect("cannot wait for the child") {
            assert!(st.success(), "child failed: {st}");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    peak_kb as f64 / 1024.0
}

/// This process's anonymous resident memory in MiB.
pub fn rss_anon_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

const TAGS: [&str; 5] = [
    "reproduces-article",
    "echo-only",
    "not-relevant",
    "needs-second-look",
    "hot",
];

fn synth_id(i: u64) -> String {
    format!("conv-{:07}", i + 1)
}

/// Writes a review journal over the generator's ids (`conv-0000001`, ...) of an `n`-conversation
/// matter that codes `coded` of them, `bulk` to a tag event: every coded conversation gets a tag by one of four reviewers in bulk
/// events; a tenth also gets a second tag by another reviewer; one in a hundred a note (one
/// event each); every hundredth bulk event is undone.
pub fn coded_journal(path: &std::path::Path, n: u64, coded: u64, bulk: u64) -> (u64, u64) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let mut seq = 0u64;
    let mut emit = |w: &mut std::io::BufWriter<std::fs::File>,
                    reviewer: String,
                    ids: Vec<String>,
                    action: verbatim::review::Action,
                    value: serde_json::Value| {
        seq += 1;
        let one = ids.len() == 1;
        let prev = if matches!(action, verbatim::review::Action::Tag) {
            serde_json::json!(ids)
        } else {
            serde_json::Value::Null
        };
        let mut ids = ids;
        let e = verbatim::review::Event {
            seq,
            time: chrono::Utc::now(),
            reviewer,
            conversation: one.then(|| ids.pop().unwrap()),
            conversations: ids,
            action,
            value,
            prev,
            replaces: Vec::new(),
            via: None,
        };
        serde_json::to_writer(&mut *w, &e).unwrap();
        w.write_all(b"\n").unwrap();
        seq
    };
    // A walk over the matter with a stride prime to n: coded conversations spread over it.
    let stride = 7919 % n.max(1);
    let pick = |k: u64| (k * stride.max(1)) % n;
    let mut k = 0u64;
    let mut bulk_events = 0u64;
    while k < coded {
        let m = bulk.min(coded - k);
        let ids: Vec<String> = (k..k + m).map(|j| synth_id(pick(j))).collect();
        let r = format!("reviewer{}", bulk_events % 4);
        let s = emit(
            &mut w,
            r,
            ids,
            verbatim::review::Action::Tag,
            serde_json::json!(TAGS[(bulk_events % 5) as usize]),
        );
        bulk_events += 1;
        if bulk_events.is_multiple_of(100) {
            emit(
                &mut w,
                format!("reviewer{}", (bulk_events - 1) % 4),
                vec![synth_id(pick(k))],
                verbatim::review::Action::Undo,
                serde_json::json!(s),
            );
        }
        k += m;
    }
    // Second opinions on a tenth, by another reviewer, in the same bulk size.
    let mut k = 0u64;
    while k < coded / 10 {
        let m = bulk.min(coded / 10 - k);
        let ids: Vec<String> = (k..k + m).map(|j| synth_id(pick(j * 10))).collect();
        emit(
            &mut w,
            "second".to_string(),
            ids,
            verbatim::review::Action::Tag,
            serde_json::json!("needs-second-look"),
        );
        k += m;
    }
    // Notes on one in a hundred, one event each.
    for j in (0..coded).step_by(100) {
        emit(
            &mut w,
            "reviewer0".to_string(),
            vec![synth_id(pick(j))],
            verbatim::review::Action::Note,
            serde_json::json!(format!("see article {j}")),
        );
    }
    w.flush().unwrap();
    (seq, std::fs::metadata(path).unwrap().len())
}
