//! The bundled demo: a small synthetic production (written by `verbatim synth`, committed in
//! `assets/demo/`) compiled into the binary, so an installed binary can build a demo matter
//! from any directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};

use crate::import::{self, ImportOptions, ImportSummary, Input};
use crate::matter::Matter;
use crate::progress::Progress;

pub const CONVERSATIONS: &[u8] = include_bytes!("../assets/demo/conversations.jsonl");
pub const ARTICLES: &[u8] = include_bytes!("../assets/demo/articles.jsonl");
pub const TRUTH: &[u8] = include_bytes!("../assets/demo/truth.jsonl");

/// Where the demo matter lives when no `--matter` is given.
pub fn default_dir() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "verbatim")
        .context("cannot find a home directory for the demo matter; pass --matter DIR")?;
    Ok(dirs.data_dir().join("demo"))
}

/// Builds (or reuses) the demo matter in `dir`. A second run finds the data already imported.
pub fn build(dir: &Path, progress: &mut dyn Progress) -> Result<(Matter, ImportSummary)> {
    let mut matter = Matter::open_or_create(dir)?;
    let inputs = [Input::Bytes {
        name: "demo:conversations.jsonl".to_string(),
        bytes: CONVERSATIONS,
    }];
    let cancel = AtomicBool::new(false);
    let summary = import::import(
        &mut matter,
        &inputs,
        &ImportOptions::default(),
        progress,
        &cancel,
    )?;
    Ok((matter, summary))
}

/// A query worth trying on the demo data.
pub const EXAMPLE_QUERY: &str = "assistant:(report OR according) AND NOT model:gpt-3.5-turbo";
