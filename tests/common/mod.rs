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
