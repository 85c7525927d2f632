//! `verbatim sample create` on a large matter: wall time of the draw through the library
//! (median of 3) against listing every matching id (what the draw cannot avoid), and peak
//! memory of the real binary, for simple samples of 1,000, 10,000 and 100,000 and one
//! stratified sample (`label:reproduced` 300, `-label:reproduced` 2,000).
//!
//! cargo bench --bench sample                                      # 1,000,000 conversations
//! VERBATIM_BENCH_SAMPLE_SIZES=200000 cargo bench --bench sample   # other matter sizes
//! VERBATIM_BENCH_SAMPLE_KS=1000,10000 cargo bench --bench sample  # other sample sizes
//!
//! The matter (synthetic data from `target/bench-data`, imported, articles imported and
//! `detect` run so that `label:` has findings) is cached under
//! `target/bench-matters/sample-N`; delete that folder to rebuild it. Peak RSS comes from
//! `/usr/bin/time -v` around `verbatim --matter DIR --quiet sample create ...` (the `time`
//! package); without it, from VmHWM of this process (reset through /proc/self/clear_refs)
//! around the library call.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use verbatim::detect::{self, FindingsIndex, Thresholds};
use verbatim::index::ConvIndex;
use verbatim::matter::Matter;
use verbatim::progress::Silent;
use verbatim::review::Journal;
use verbatim::sample::{self, CreateRequest, Kind, StratumSpec};
use verbatim::search::{self, Lookups};

// The same allocator as the `verbatim` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "common/mod.rs"]
mod common;
use common::{dataset, median};

const ROUNDS: usize = 3;
const STRATA: [&str; 2] = [
    "flagged:300:label:reproduced",
    "rest:2000:-label:reproduced",
];

fn env_list(name: &str, default: &[u64]) -> Vec<u64> {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.split(',')
                .filter_map(|s| s.trim().replace('_', "").parse().ok())
                .collect::<Vec<u64>>()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// The matter of `n` synthetic conversations with findings, built once.
fn matter(n: u64) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-matters/sample-{n}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let t = Instant::now();
    let (file, synth) = dataset(n);
    if let Some((s, _)) = synth {
        eprintln!("synth of {n} conversations: {s:.1} s");
    }
    let t_import = Instant::now();
    common::import_file(&dir, &file);
    eprintln!("import: {:.1} s", t_import.elapsed().as_secs_f64());
    let t_detect = Instant::now();
    let articles = file.parent().unwrap().join("articles.jsonl");
    verbatim::articles::import(&dir, &[articles], &mut Silent).unwrap();
    let mut m = Matter::open(&dir).unwrap();
    let s = detect::run(
        &mut m,
        &Thresholds::default(),
        &mut Silent,
        &AtomicBool::new(false),
        &mut |_| Ok(()),
    )
    .unwrap();
    eprintln!(
        "articles + detect: {:.1} s ({} findings, {} reproduced)",
        t_detect.elapsed().as_secs_f64(),
        s.findings,
        s.reproduced
    );
    std::fs::write(&done, b"").unwrap();
    eprintln!("matter built in {:.1} s", t.elapsed().as_secs_f64());
    dir
}

struct Open {
    dir: PathBuf,
    index: ConvIndex,
    journal: Journal,
    findings: FindingsIndex,
}

impl Open {
    fn lookups(&self) -> Lookups<'_> {
        Lookups {
            review: Some(self.journal.state()),
            findings: Some(&self.findings),
            budget: None,
            matter_dir: Some(&self.dir),
        }
    }
}

fn request(name: &str, k: Option<u64>) -> CreateRequest {
    CreateRequest {
        name: name.to_string(),
        query: None,
        size: k,
        strata: if k.is_some() {
            Vec::new()
        } else {
            STRATA
                .iter()
                .map(|s| StratumSpec::parse(s).unwrap())
                .collect()
        },
        allocate: None,
        expected: Default::default(),
        seed: Some(1),
        by: "bench".to_string(),
        kind: Kind::Sample,
    }
}

fn remove_sample(dir: &Path, name: &str) {
    std::fs::remove_file(sample::dir(dir).join(format!("{name}.json"))).unwrap();
}

/// One draw through the library: seconds and members drawn.
fn draw(m: &Open, name: &str, k: Option<u64>) -> (f64, usize) {
    let req = request(name, k);
    let t = Instant::now();
    let s = sample::create(&m.dir, &m.index, &m.lookups(), &req).unwrap();
    let secs = t.elapsed().as_secs_f64();
    remove_sample(&m.dir, name);
    (secs, s.members.len())
}

/// The baseline: every id matching the population's queries, as `sample::create` lists them.
fn baseline(m: &Open, queries: &[&str]) -> (f64, usize, usize) {
    let t = Instant::now();
    let mut n = 0;
    let mut bytes = 0;
    for q in queries {
        let node = verbatim::query::parse(q).unwrap();
        let ids = search::matching_ids_full(&m.index, m.lookups(), &node).unwrap();
        n += ids.len();
        bytes += ids.iter().map(|s| s.capacity() + 24).sum::<usize>();
        std::hint::black_box(&ids);
    }
    (t.elapsed().as_secs_f64(), n, bytes)
}

fn cli_args(dir: &Path, name: &str, k: Option<u64>) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "--matter".into(),
        dir.display().to_string(),
        "--quiet".into(),
        "sample".into(),
        "create".into(),
        name.into(),
    ];
    match k {
        Some(k) => a.extend(["--size".into(), k.to_string()]),
        None => {
            for s in STRATA {
                a.extend(["--stratum".into(), s.into()]);
            }
        }
    }
    a.extend(["--seed".into(), "1".into()]);
    a
}

/// Runs the binary under `/usr/bin/time -v`: (wall seconds, peak RSS MiB).
fn cli_time_v(dir: &Path, name: &str, k: Option<u64>) -> (f64, f64) {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_verbatim"))
        .args(cli_args(dir, name, k))
        .output()
        .expect("cannot run /usr/bin/time");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "sample create failed: {err}");
    remove_sample(dir, name);
    let field = |label: &str| {
        err.lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {label:?} in /usr/bin/time output: {err}"))
    };
    let kb: f64 = field("Maximum resident set size (kbytes):")
        .parse()
        .unwrap();
    // h:mm:ss or m:ss.ss
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):")
        .split(':')
        .fold(0.0, |acc, p| acc * 60.0 + p.parse::<f64>().unwrap());
    (wall, kb / 1024.0)
}

/// Peak anonymous memory of the binary (heap, without the mapped index pages), MiB.
fn cli_anon(dir: &Path, name: &str, k: Option<u64>) -> f64 {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_verbatim"));
    cmd.args(cli_args(dir, name, k));
    let mib = common::child_peak_anon(cmd);
    remove_sample(dir, name);
    mib
}

fn status_kb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0.0)
}

/// Without /usr/bin/time: VmHWM of this process around one library draw (reset first).
fn inproc_peak(m: &Open, name: &str, k: Option<u64>) -> f64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    draw(m, name, k);
    status_kb("VmHWM:") / 1024.0
}

fn main() {
    let sizes = env_list("VERBATIM_BENCH_SAMPLE_SIZES", &[1_000_000]);
    let ks = env_list("VERBATIM_BENCH_SAMPLE_KS", &[1_000, 10_000, 100_000]);
    let have_time = Path::new("/usr/bin/time").exists();
    let pid = std::process::id();
    for n in sizes {
        let dir = matter(n);
        // Memory first, before this process has the index open (it does not matter with
        // /usr/bin/time, whose own fork is small, but keeps the figures comparable).
        let mut cases: Vec<Option<u64>> = ks.iter().copied().map(Some).collect();
        cases.push(None);
        let mut mem = Vec::new();
        for (ci, &k) in cases.iter().enumerate() {
            if have_time {
                let (mut walls, mut rss) = (Vec::new(), Vec::new());
                for r in 0..ROUNDS {
                    let (w, m) = cli_time_v(&dir, &format!("cli-{pid}-{ci}-{r}"), k);
                    walls.push(w);
                    rss.push(m);
                }
                let anon = cli_anon(&dir, &format!("anon-{pid}-{ci}"), k);
                mem.push(Some((median(&mut walls), median(&mut rss), anon)));
            } else {
                mem.push(None);
            }
        }

        let m = Open {
            index: ConvIndex::open(&dir.join("index")).unwrap(),
            journal: Journal::open(&dir).unwrap(),
            findings: FindingsIndex::load(&dir).unwrap(),
            dir: dir.clone(),
        };
        let strata_queries: Vec<String> = STRATA
            .iter()
            .map(|s| format!("({})", StratumSpec::parse(s).unwrap().query))
            .collect();
        let sq: Vec<&str> = strata_queries.iter().map(String::as_str).collect();
        // Warm the page cache and the index once.
        let (_, total, id_bytes) = baseline(&m, &["*"]);
        let (_, in_strata, _) = baseline(&m, &sq);

        println!("## sample create, {n}-conversation matter\n");
        println!(
            "population `*`: {total} ids ({:.1} MiB as Strings); strata queries cover {in_strata}\n",
            id_bytes as f64 / 1048576.0
        );
        println!(
            "| k | library, median of {ROUNDS} | baseline: ids of the population | ratio | `verbatim sample create` wall, median of {ROUNDS} | peak RSS | peak anonymous |"
        );
        println!("|---|---|---|---|---|---|---|");
        for (ci, &k) in cases.iter().enumerate() {
            let queries: &[&str] = if k.is_some() { &["*"] } else { &sq };
            let (mut lib, mut base) = (Vec::new(), Vec::new());
            let mut drawn = 0;
            for r in 0..ROUNDS {
                base.push(baseline(&m, queries).0);
                let (t, d) = draw(&m, &format!("lib-{pid}-{ci}-{r}"), k);
                lib.push(t);
                drawn = d;
            }
            let (l, b) = (median(&mut lib), median(&mut base));
            let label = match k {
                Some(k) => format!("{k}"),
                None => format!("stratified 300 + 2000 ({drawn} drawn)"),
            };
            let (wall, rss, anon) = match mem[ci] {
                Some((w, r, a)) => (
                    format!("{w:.2} s"),
                    format!("{r:.0} MiB"),
                    format!("{a:.0} MiB"),
                ),
                None => (
                    "n/a".to_string(),
                    format!(
                        "{:.0} MiB (VmHWM, in process)",
                        inproc_peak(&m, &format!("hwm-{pid}-{ci}"), k)
                    ),
                    "n/a".to_string(),
                ),
            };
            println!(
                "| {label} | {l:.2} s | {b:.2} s | {:.2} | {wall} | {rss} | {anon} |",
                l / b
            );
        }
        println!();
    }
}
