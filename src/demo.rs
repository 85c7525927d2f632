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

/// Builds (or reuses) the demo matter in `dir`: the conversations, the article corpus and a
/// detection run. A second run finds everything already done.
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
        &ImportOptions {
            reviewer: "demo".to_string(),
            ..ImportOptions::default()
        },
        progress,
        &cancel,
    )?;
    if crate::articles::load(&matter.dir)?.is_empty() {
        // The importer reads files; the bundled corpus goes through a private temporary one.
        let tmp = matter.dir.join(".demo-articles.jsonl");
        crate::fsutil::write_atomic(&tmp, ARTICLES)?;
        let result = crate::articles::import(&matter.dir, std::slice::from_ref(&tmp), progress);
        let _ = std::fs::remove_file(&tmp);
        result.context("cannot import the demo articles")?;
    }
    if matter.meta.detection.is_none() {
        crate::detect::run(
            &mut matter,
            &crate::detect::Thresholds::default(),
            progress,
            &cancel,
            &mut |_| Ok(()),
        )?;
    }
    Ok((matter, summary))
}

/// A query worth trying on the demo data: strong reproductions where the user did not paste.
pub const EXAMPLE_QUERY: &str = "strong:yes AND NOT user:(article* w/3 paste*)";
