//! Helpers shared by the integration tests: temporary matters, fixture files, running the
//! binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

use verbatim::import::{self, ImportOptions, ImportSummary, Input};
use verbatim::matter::Matter;
use verbatim::progress::Silent;

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

/// Imports `paths` into the matter at `dir` with default options.
pub fn import_files(dir: &Path, paths: &[PathBuf]) -> ImportSummary {
    try_import(dir, paths).unwrap()
}

pub fn try_import(dir: &Path, paths: &[PathBuf]) -> anyhow::Result<ImportSummary> {
    let mut m = Matter::open_or_create(dir)?;
    let inputs: Vec<Input> = paths.iter().cloned().map(Input::File).collect();
    import::import(
        &mut m,
        &inputs,
        &ImportOptions::default(),
        &mut Silent,
        &AtomicBool::new(false),
    )
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_verbatim"));
    c.env("NO_COLOR", "1").env_remove("VERBATIM_MATTER");
    c
}

/// Runs the binary with `--matter dir` and `args`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    bin().arg("--matter").arg(dir).args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs the binary on `dir` with `args`, which must succeed; its standard output.
pub fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// A matter `m` under `tmp` holding these JSON Lines, imported by the binary.
pub fn matter_of_lines(tmp: &Path, lines: &[String]) -> PathBuf {
    let f = write(tmp, "in.jsonl", lines.join("\n").as_bytes());
    let m = tmp.join("m");
    run_ok(&m, &["--quiet", "import", f.to_str().unwrap()]);
    m
}

/// Parses the binary's `--json` output.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): stdout={} stderr={}", stdout(o), stderr(o)))
}

/// An OpenAI-chat JSONL line.
pub fn openai_line(id: &str, user: &str, assistant: &str) -> String {
    serde_json::json!({
        "id": id,
        "model": "gpt-4",
        "created": "2023-05-01T10:00:00Z",
        "messages": [
            {"role": "user", "content": user},
            {"role": "assistant", "content": assistant}
        ]
    })
    .to_string()
}

/// Asks an import to stop once `after` records of a file were read, like a Ctrl-C would.
pub struct StopAfter<'a> {
    pub after: u64,
    pub cancel: &'a AtomicBool,
}

impl verbatim::progress::Progress for StopAfter<'_> {
    fn begin(&mut self, _: &str, _: Option<u64>) {}
    fn update(&mut self, _: u64, records: u64) {
        if records >= self.after {
            self.cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    fn end(&mut self) {}
    fn note(&mut self, _: &str) {}
}

/// The Parquet fixture writer and reader (pyarrow), `scripts/parquet_fixture.py`.
pub const PARQUET_FIXTURE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/parquet_fixture.py");

/// Whether python3 with pyarrow is there (scripts/test installs it); where the tools are
/// required (scripts/test, CI) its absence fails the test instead of skipping it.
pub fn have_pyarrow() -> bool {
    have_python_module("pyarrow.parquet", "pyarrow")
}

/// Runs the Parquet fixture script and returns its JSON answer.
pub fn parquet_fixture(args: &[&str]) -> serde_json::Value {
    let out = Command::new("python3")
        .arg(PARQUET_FIXTURE)
        .args(args)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "parquet_fixture.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Conversations in the matter's index (0 when it has none yet).
pub fn docs(m: &Path) -> u64 {
    verbatim::index::ConvIndex::open(&m.join("index"))
        .map(|i| i.num_docs())
        .unwrap_or(0)
}

/// Imports `files` into the matter at `m`, committing every `commit_every` records; with
/// `stop_after`, asks to stop once that many records of a file were read.
pub fn import_stopping(
    m: &Path,
    files: &[PathBuf],
    commit_every: u64,
    stop_after: Option<u64>,
) -> ImportSummary {
    let opts = ImportOptions {
        commit_every_records: commit_every,
        ..Default::default()
    };
    let inputs: Vec<Input> = files.iter().cloned().map(Input::File).collect();
    let cancel = AtomicBool::new(false);
    let mut matter = Matter::open_or_create(m).unwrap();
    let mut stop;
    let mut silent = Silent;
    let progress: &mut dyn verbatim::progress::Progress = match stop_after {
        Some(after) => {
            stop = StopAfter {
                after,
                cancel: &cancel,
            };
            &mut stop
        }
        None => &mut silent,
    };
    import::import(&mut matter, &inputs, &opts, progress, &cancel).unwrap()
}

/// A synthetic OpenAI-chat production with half its conversations planted (reproductions and
/// echoes of its articles), written to `out`.
pub fn synth_planted(out: &Path, conversations: u64, articles: u64, seed: u64) {
    verbatim::synth::synth(
        &verbatim::synth::SynthOptions {
            conversations,
            articles,
            seed,
            format: verbatim::synth::SynthFormat::OpenAi,
            out: out.to_path_buf(),
            plant_rate: 0.5,
            near_duplicates: 0.0,
        },
        &mut |_| {},
    )
    .unwrap();
}

/// Copies a directory tree (a matter, to compare two of the same data).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Whether python3 can import `module` (scripts/test installs scripts/requirements.txt);
/// where the tools are required (scripts/test, CI) its absence fails the test instead of
/// skipping it.
pub fn have_python_module(module: &str, package: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none()
                && std::env::var_os("VERBATIM_REQUIRE_TOOLS").is_none(),
            "python3 with {package} is needed (scripts/test installs scripts/requirements.txt)"
        );
        eprintln!("SKIPPED: python3 with {package} not found; run scripts/test");
    }
    ok
}

/// A synthetic production with planted reproductions, imported with its articles into `a`,
/// and a copy of it split into `shards` in `b`.
pub fn twins(tmp: &Path, conversations: u64, shards: u32) -> (PathBuf, PathBuf, PathBuf) {
    let data = tmp.join("data");
    synth_planted(&data, conversations, 60, 7);
    let a = tmp.join("a");
    run_ok(
        &a,
        &[
            "--quiet",
            "import",
            data.join("conversations.jsonl").to_str().unwrap(),
        ],
    );
    run_ok(
        &a,
        &[
            "--quiet",
            "articles",
            "import",
            data.join("articles.jsonl").to_str().unwrap(),
        ],
    );
    let b = tmp.join("b");
    copy_dir(&a, &b);
    let n = shards.to_string();
    let v = json(&run(&b, &["--json", "shard", "split", "--shards", &n]));
    assert_eq!(v["shards"], shards);
    assert_eq!(v["conversations"], conversations);
    (a, b, data)
}

/// (score to 4 places, id) of every hit, sorted, and the total.
pub fn hit_set(v: &serde_json::Value) -> (u64, Vec<(i64, String)>) {
    let mut hits: Vec<(i64, String)> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                (h["score"].as_f64().unwrap_or(0.0) * 1e4).round() as i64,
                h["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    hits.sort();
    (v["total"].as_u64().unwrap(), hits)
}
