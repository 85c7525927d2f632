//! Reproduction detection: which conversations contain text of the article corpus, how much,
//! and whether the model produced it or only echoed text it was given.
//!
//! `normalize` (tokens) -> `table` (article k-grams) -> `matcher` (runs in assistant
//! messages) -> `attribution` (reproduced or echoed) -> `findings` (scores, storage). `eval`
//! scores stored findings against the ground truth written by `synth`.

pub mod attribution;
pub mod elicitation;
pub mod eval;
pub mod findings;
pub mod matcher;
pub mod normalize;
pub mod store;
pub mod table;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::Serialize;
use tantivy::DocAddress;

pub use attribution::Label;
pub use findings::{Finding, FindingsIndex, Thresholds};

use crate::index::ConvIndex;
use crate::matter::Matter;
use crate::model::Role;
use crate::progress::Progress;

/// Version of the detector; recorded with the findings it writes.
pub const DETECTOR_VERSION: u32 = 2;

/// Conversations loaded and scanned per batch (memory stays bounded by one batch).
const BATCH: usize = 2048;

#[derive(Debug, Clone, Serialize)]
pub struct DetectSummary {
    pub articles: usize,
    pub conversations: u64,
    pub assistant_bytes: u64,
    pub findings: u64,
    pub reproduced: u64,
    pub echoed: u64,
    pub strong: u64,
    pub conversations_with_findings: u64,
    pub seconds: f64,
    /// Of which scanning the conversations (the rest: hashing the corpus, opening or
    /// building the article table, writing the findings).
    pub scan_seconds: f64,
    pub table_bytes: usize,
    pub boilerplate_dropped: u64,
    /// Why the article table was built first, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_built: Option<String>,
}

impl DetectSummary {
    /// Scan speed over every core, loading conversations from the index included.
    pub fn scan_mb_per_s(&self) -> f64 {
        if self.scan_seconds > 0.0 {
            self.assistant_bytes as f64 / self.scan_seconds / 1e6
        } else {
            0.0
        }
    }

    pub fn mb_per_s(&self) -> f64 {
        if self.seconds > 0.0 {
            self.assistant_bytes as f64 / self.seconds / 1e6
        } else {
            0.0
        }
    }
}

pub use crate::matter::DetectionRecord;

/// Scans every conversation of the matter against its article corpus and replaces the stored
/// findings. `on_finding` sees each finding as it is found (the command line prints them).
/// `cancel` stops the run and leaves the previous findings as they were.
pub fn run(
    matter: &mut Matter,
    th: &Thresholds,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
    on_finding: &mut dyn FnMut(&Finding) -> Result<()>,
) -> Result<DetectSummary> {
    run_with(
        matter,
        th,
        store::DEFAULT_MEMORY_MIB,
        progress,
        cancel,
        on_finding,
    )
}

/// What a scan of conversations counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct ScanCounts {
    pub conversations: u64,
    pub assistant_bytes: u64,
    pub findings: u64,
    pub reproduced: u64,
    pub echoed: u64,
    pub strong: u64,
    pub conversations_with_findings: u64,
}

impl ScanCounts {
    pub fn add(&mut self, o: &ScanCounts) {
        self.conversations += o.conversations;
        self.assistant_bytes += o.assistant_bytes;
        self.findings += o.findings;
        self.reproduced += o.reproduced;
        self.echoed += o.echoed;
        self.strong += o.strong;
        self.conversations_with_findings += o.conversations_with_findings;
    }
}

/// How the conversations are scanned: given the table (and the corpus it was built from, its
/// committed length and SHA-256), each finding goes to the callback in index order (the order
/// of the matter's findings file), and the counts come back.
pub type Scanner<'a> = dyn FnMut(
        &table::ArticleTable,
        (u64, &str),
        &mut dyn Progress,
        &mut dyn FnMut(&Finding) -> Result<()>,
    ) -> Result<ScanCounts>
    + 'a;

/// Scans every conversation of `index` in index order against `table`, in batches loaded
/// and scanned on every core.
pub fn scan_index(
    index: &ConvIndex,
    table: &table::ArticleTable,
    th: &Thresholds,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
    found: &mut dyn FnMut(&Finding) -> Result<()>,
) -> Result<ScanCounts> {
    scan_range(index, None, table, th, progress, cancel, found)
}

/// [`scan_index`] of the conversations at `range` of the index order (all when None): a
/// cluster's shard scans in parts so that no part's findings are many.
pub fn scan_range(
    index: &ConvIndex,
    range: Option<std::ops::Range<usize>>,
    table: &table::ArticleTable,
    th: &Thresholds,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
    found: &mut dyn FnMut(&Finding) -> Result<()>,
) -> Result<ScanCounts> {
    let searcher = index.searcher();
    let all: Vec<DocAddress> = ConvIndex::doc_addresses(&searcher);
    let addrs = match range {
        Some(r) => &all[r.start.min(all.len())..r.end.min(all.len())],
        None => &all[..],
    };
    let mut counts = ScanCounts::default();
    progress.begin("detect", None);
    for batch in addrs.chunks(BATCH) {
        if cancel.load(Ordering::Relaxed) {
            bail!("detection interrupted; the previous findings are unchanged");
        }
        let results: Vec<Result<(u64, Vec<Finding>)>> = batch
            .par_iter()
            .map(|addr| {
                let conv = index.load(&searcher, *addr)?;
                let bytes: u64 = conv
                    .messages
                    .iter()
                    .filter(|m| m.role == Role::Assistant)
                    .map(|m| m.text.len() as u64)
                    .sum();
                Ok((bytes, findings::scan_stored(&conv, table, th)?))
            })
            .collect();
        for r in results {
            let (bytes, fs) = r?;
            counts.conversations += 1;
            counts.assistant_bytes += bytes;
            if !fs.is_empty() {
                counts.conversations_with_findings += 1;
            }
            for f in fs {
                counts.findings += 1;
                match f.label {
                    Label::Reproduced => counts.reproduced += 1,
                    Label::Echoed => counts.echoed += 1,
                }
                counts.strong += u64::from(f.strong);
                found(&f)?;
            }
        }
        progress.update(counts.assistant_bytes, counts.conversations);
    }
    progress.end();
    Ok(counts)
}

/// [`run`] with a memory budget (MiB) for building the article table when it must be.
pub fn run_with(
    matter: &mut Matter,
    th: &Thresholds,
    memory_mib: u64,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
    on_finding: &mut dyn FnMut(&Finding) -> Result<()>,
) -> Result<DetectSummary> {
    let index = ConvIndex::open_matter(matter)?;
    let th2 = *th;
    run_scanning(
        matter,
        th,
        memory_mib,
        progress,
        on_finding,
        &mut |table, _, progress, found| scan_index(&index, table, &th2, progress, cancel, found),
    )
}

/// [`run_with`] whose conversations are scanned by `scanner` (this machine's index, or the
/// shards of a cluster); the table is opened or built here, the findings written here.
pub fn run_scanning(
    matter: &mut Matter,
    th: &Thresholds,
    memory_mib: u64,
    progress: &mut dyn Progress,
    on_finding: &mut dyn FnMut(&Finding) -> Result<()>,
    scanner: &mut Scanner,
) -> Result<DetectSummary> {
    let started = Instant::now();
    let _lock = matter.lock_writer()?;
    let (corpus_bytes, corpus_sha256) = crate::articles::corpus_fingerprint(&matter.dir)?;
    if corpus_sha256.is_empty() {
        bail!("the matter has no article corpus; run `verbatim articles import FILE` first");
    }
    // The table is mapped from the matter: pages are read as lookups need them.
    let (table, built) = store::open_or_build(
        &matter.dir,
        corpus_bytes,
        &corpus_sha256,
        th.max_df,
        memory_mib,
        progress,
    )?;
    if table.is_empty() {
        bail!("the matter has no article corpus; run `verbatim articles import FILE` first");
    }
    let final_path = findings::path_in(&matter.dir);
    let tmp_path = matter.dir.join(".findings.jsonl.tmp");
    let mut out = std::io::BufWriter::new(crate::fsutil::create_private(&tmp_path)?);
    let scan_started = Instant::now();
    let scanned = scanner(&table, (corpus_bytes, &corpus_sha256), progress, &mut |f| {
        serde_json::to_writer(&mut out, f).context("cannot write findings")?;
        out.write_all(b"\n").context("cannot write findings")?;
        on_finding(f)
    });
    let counts = match scanned {
        Ok(c) => c,
        Err(e) => {
            drop(out);
            let _ = std::fs::remove_file(&tmp_path);
            return Err(e);
        }
    };
    let mut summary = DetectSummary {
        articles: table.len(),
        conversations: counts.conversations,
        assistant_bytes: counts.assistant_bytes,
        findings: counts.findings,
        reproduced: counts.reproduced,
        echoed: counts.echoed,
        strong: counts.strong,
        conversations_with_findings: counts.conversations_with_findings,
        seconds: 0.0,
        scan_seconds: 0.0,
        table_bytes: table.table_bytes(),
        boilerplate_dropped: table.boilerplate_dropped,
        table_built: built.map(|b| b.why),
    };
    summary.scan_seconds = scan_started.elapsed().as_secs_f64();
    let file = out
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write findings: {e}"))?;
    file.sync_all().context("cannot sync findings")?;
    drop(file);
    std::fs::rename(&tmp_path, &final_path).context("cannot replace findings.jsonl")?;
    crate::fsutil::sync_dir(&matter.dir);
    summary.seconds = started.elapsed().as_secs_f64();
    matter.meta.detection = Some(DetectionRecord {
        version: DETECTOR_VERSION,
        time: chrono::Utc::now(),
        corpus_sha256,
        articles: table.len(),
        thresholds: *th,
        conversations: summary.conversations,
        findings: summary.findings,
    });
    matter.save()?;
    Ok(summary)
}
