//! Importing a delivery as it arrives, against the same conversations as JSON Lines in the same
//! run: a zip of JSONL, a tar.zst of JSONL and a directory of Parquet shards (LMSYS layout,
//! written by pyarrow).
//!
//! cargo bench --bench delivery                                     # 100,000 conversations
//! VERBATIM_BENCH_CONVERSATIONS=1000000 cargo bench --bench delivery # 1,000,000
//!
//! Needs `python3` with pyarrow (scripts/test's venv: `PATH=$PWD/target/test-venv/bin:$PATH`).
//! Each import is a fresh `verbatim import` process; time and peak RSS are the medians of
//! VERBATIM_BENCH_ROUNDS (default 3) runs, interleaved so that the machine's noise falls on all
//! of them alike.

mod common;

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{dataset, env_u64, median};

/// The synthetic conversations rewritten in the LMSYS-Chat-1M record shape (what the Parquet
/// layout holds), so that every input carries the same records.
fn lmsys_jsonl(src: &Path, out: &Path) -> u64 {
    let r = BufReader::new(std::fs::File::open(src).unwrap());
    let mut w = BufWriter::new(std::fs::File::create(out).unwrap());
    let mut n = 0;
    for line in r.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let messages = v["messages"].as_array().cloned().unwrap_or_default();
        let turn = messages.len() / 2;
        let rec = serde_json::json!({
            "conversation_id": v["id"],
            "model": v["model"],
            "conversation": messages
                .iter()
                .map(|m| serde_json::json!({"content": text_of(&m["content"]), "role": m["role"]}))
                .collect::<Vec<_>>(),
            "turn": turn,
            "language": "English",
            "redacted": false,
        });
        serde_json::to_writer(&mut w, &rec).unwrap();
        w.write_all(b"\n").unwrap();
        n += 1;
    }
    w.flush().unwrap();
    n
}

/// LMSYS content is a string: a list of parts is joined.
fn text_of(content: &serde_json::Value) -> String {
    match content {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.as_str().or_else(|| p["text"].as_str()))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn zip_of(jsonl: &Path, out: &Path) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    z.start_file("production/conversations.jsonl", opts)
        .unwrap();
    std::io::copy(&mut std::fs::File::open(jsonl).unwrap(), &mut z).unwrap();
    z.finish().unwrap();
}

fn tar_zst_of(jsonl: &Path, out: &Path) {
    let enc = zstd::stream::write::Encoder::new(std::fs::File::create(out).unwrap(), 3)
        .unwrap()
        .auto_finish();
    let mut b = tar::Builder::new(enc);
    b.append_path_with_name(jsonl, "production/conversations.jsonl")
        .unwrap();
    b.into_inner().unwrap();
}

/// Splits the records into `shards` Parquet files written by pyarrow.
fn parquet_dir(jsonl: &Path, dir: &Path, shards: usize, total: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let per = total.div_ceil(shards as u64);
    let r = BufReader::new(std::fs::File::open(jsonl).unwrap());
    let mut lines = r.lines();
    for s in 0..shards {
        let part = dir.join(format!("part-{s:03}.jsonl"));
        let mut w = BufWriter::new(std::fs::File::create(&part).unwrap());
        for line in lines.by_ref().take(per as usize) {
            writeln!(w, "{}", line.unwrap()).unwrap();
        }
        w.flush().unwrap();
        drop(w);
        let out = dir.join(format!("train-{s:05}-of-{shards:05}.parquet"));
        let ok = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/parquet_fixture.py"))
            .args(["write", "--layout", "lmsys", "--row-group-size", "10000"])
            .arg(&part)
            .arg(&out)
            .status()
            .expect("python3 with pyarrow is needed (PATH=$PWD/target/test-venv/bin:$PATH)");
        assert!(ok.success(), "pyarrow could not write {}", out.display());
        std::fs::remove_file(&part).unwrap();
    }
}

/// One `verbatim import` into a fresh matter: (seconds, peak RSS MiB, conversations imported).
fn import(input: &Path) -> (f64, f64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_verbatim"));
    cmd.arg("--matter")
        .arg(dir.path())
        .args(["--quiet", "import"])
        .arg(input);
    let t = Instant::now();
    let rss = common::child_peak_rss(cmd);
    let secs = t.elapsed().as_secs_f64();
    let n = verbatim::index::ConvIndex::open(&dir.path().join("index"))
        .unwrap()
        .num_docs();
    (secs, rss, n)
}

fn size_of(p: &Path) -> u64 {
    if p.is_dir() {
        verbatim::fsutil::dir_size(p)
    } else {
        std::fs::metadata(p).unwrap().len()
    }
}

fn main() {
    let n = env_u64("VERBATIM_BENCH_CONVERSATIONS", 100_000);
    let rounds = env_u64("VERBATIM_BENCH_ROUNDS", 3).max(1);
    let (src, _) = dataset(n);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/delivery-{n}"));
    let done = dir.join(".complete");
    let jsonl = dir.join("conversations.jsonl");
    let zip = dir.join("delivery.zip");
    let tzst = dir.join("delivery.tar.zst");
    let pq = dir.join("parquet");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let t = Instant::now();
        let records = lmsys_jsonl(&src, &jsonl);
        zip_of(&jsonl, &zip);
        tar_zst_of(&jsonl, &tzst);
        parquet_dir(&jsonl, &pq, 8, records);
        std::fs::write(&done, b"").unwrap();
        println!("inputs written in {:.0} s", t.elapsed().as_secs_f64());
    }
    let inputs: [(&str, PathBuf); 4] = [
        ("JSONL (baseline)", jsonl),
        ("zip of the JSONL (deflate)", zip),
        ("tar.zst of the JSONL", tzst),
        ("Parquet, 8 shards (pyarrow, snappy, 10,000-row groups)", pq),
    ];
    let mut runs: Vec<(Vec<f64>, Vec<f64>, u64)> = vec![(Vec::new(), Vec::new(), 0); inputs.len()];
    for _ in 0..rounds {
        for (i, (_, p)) in inputs.iter().enumerate() {
            let (t, rss, got) = import(p);
            runs[i].0.push(t);
            runs[i].1.push(rss);
            runs[i].2 = got;
        }
    }
    println!("## {n} conversations, median of {rounds}\n");
    println!("| input | size | import | conversations/s | ratio to JSONL | peak RSS |");
    println!("|---|---|---|---|---|---|");
    let base = median(&mut runs[0].0.clone());
    for ((name, p), (times, rss, got)) in inputs.iter().zip(runs.iter_mut()) {
        assert_eq!(*got, n, "{name}: every conversation imported");
        let t = median(times);
        println!(
            "| {name} | {:.0} MiB | {t:.1} s | {:.0} | {:.2} | {:.0} MiB |",
            size_of(p) as f64 / 1048576.0,
            n as f64 / t,
            base / t,
            median(rss)
        );
    }
}
