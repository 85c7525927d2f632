//! Data shared by the benchmarks: a synthetic production and a matter built from it, cached
//! under target/bench-data so that each size is generated and imported once.
#![allow(dead_code)]

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
