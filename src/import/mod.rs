//! Import: reads conversation files in any supported format into the matter's index.
//!
//! Streaming throughout: one record is in memory at a time (plus what tantivy buffers). Every
//! record read ends up imported, a duplicate, or rejected (with its location in
//! `rejects.jsonl`), and the three add up. Progress is committed with the index, so an
//! interrupted import resumes where its last commit left off.

pub mod archive;
pub mod arena;
pub mod chatgpt_export;
pub mod common;
pub mod container;
pub mod dedupe;
pub mod fast_path;
pub mod format;
pub mod hh_transcript;
pub mod lmsys;
pub mod manifest;
pub mod openai_chat;
mod parquet_import;
pub mod parquet_rows;
pub mod records;
pub mod rejects;
pub mod sharegpt;
mod sink;
pub mod source;
mod target;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::idplace::Placement;
use crate::index::WriterSettings;
use crate::matter::{Matter, SourceRecord, SourceStatus};
use crate::progress::Progress;
pub use format::Format;
use records::{Item, Layout, RawRecord, Scanner, json_error};
use rejects::{Reject, RejectLog};
pub use sink::{Ingest, RemoteShards, ShardState};
pub use target::delete_from;

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Force a format instead of recognising it.
    pub format: Option<Format>,
    pub writer: WriterSettings,
    /// Commit at least this often (records), so an interruption loses little.
    pub commit_every_records: u64,
    pub commit_every: Duration,
    pub max_record_bytes: usize,
    /// Who imports: named in the audit trail.
    pub reviewer: String,
    /// The password of encrypted zip members (from `--password-file`).
    pub password: Option<Vec<u8>>,
    /// The column map of a Parquet layout that is not recognised (`--columns`).
    pub columns: Option<String>,
    /// How a new matter's text is indexed (`--compat`); an existing index keeps its own and
    /// refuses another.
    pub compat: Option<crate::index::analyzer::TextMode>,
    /// Split a new matter's conversations into this many shards (`--shards`); a matter split
    /// before is imported into its shards without it.
    pub shards: Option<u32>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            writer: WriterSettings::default(),
            // Commits cost throughput (each flushes and later merges segments): by default
            // the index commits once a minute, so a crash loses at most a minute of work.
            commit_every_records: u64::MAX,
            commit_every: Duration::from_secs(60),
            max_record_bytes: records::DEFAULT_MAX_RECORD,
            compat: None,
            reviewer: "unknown".to_string(),
            password: None,
            columns: None,
            shards: None,
        }
    }
}

/// Outcome counts of one file. `imported + duplicates + rejected` is the number of
/// conversations read (a record rejected whole counts once; an Arena or HH pair counts two).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub records: u64,
    pub imported: u64,
    pub duplicates: u64,
    /// Conversations imported under a derived id (`ID#2`) because the id was taken; included
    /// in `imported`.
    pub renamed: u64,
    pub rejected: u64,
    /// Bytes of message text imported.
    pub text_bytes: u64,
}

/// Where a file was cut off.
#[derive(Debug, Clone, Serialize)]
pub struct Truncation {
    pub record: u64,
    pub offset: u64,
    pub line: u64,
    pub reason: String,
}

/// What happened to one input file.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub format: Option<String>,
    pub layout: Option<String>,
    pub compression: Option<String>,
    #[serde(flatten)]
    pub counts: Counts,
    pub truncated: Option<Truncation>,
    /// Why the file was not read (already imported).
    pub skipped: Option<String>,
    /// The file's import resumed after this many records of an interrupted run.
    pub resumed_after: Option<u64>,
    /// No conversation could be read from it, or it could not be read to its end.
    pub failed: bool,
    /// Why the file could not be read to its end (cannot open, not JSON, corrupt compressed
    /// data): every complete record before the failure is imported.
    pub error: Option<String>,
    pub bytes: u64,
    pub seconds: f64,
    /// The first problems, for the terminal (all are in rejects.jsonl).
    pub problems: Vec<String>,
    /// Duplicates and renamed ids, first few.
    pub notes: Vec<String>,
    /// An archive ("zip", "tar.gz") or Parquet file: an archive's own summary carries no
    /// counts (its members' summaries follow it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// A member's archive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Members of an archive left out, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_members: Vec<String>,
}

impl FileSummary {
    pub fn new(path: String, bytes: u64) -> FileSummary {
        FileSummary {
            path,
            format: None,
            layout: None,
            compression: None,
            counts: Counts::default(),
            truncated: None,
            skipped: None,
            resumed_after: None,
            failed: false,
            error: None,
            bytes,
            seconds: 0.0,
            problems: Vec::new(),
            notes: Vec::new(),
            container: None,
            archive: None,
            skipped_members: Vec::new(),
        }
    }
}

/// The whole import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub imported: u64,
    pub rejected: u64,
    pub duplicates: u64,
    pub renamed: u64,
    pub truncated: bool,
    pub interrupted: bool,
    pub files: Vec<FileSummary>,
    pub seconds: f64,
    pub text_bytes: u64,
}

/// A source to import: a file on disk, or bytes in memory (the bundled demo).
pub enum Input {
    File(PathBuf),
    Bytes { name: String, bytes: &'static [u8] },
}

impl Input {
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => std::fs::canonicalize(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string(),
            Input::Bytes { name, .. } => name.clone(),
        }
    }

    fn size(&self) -> Result<u64> {
        match self {
            Input::File(p) => Ok(std::fs::metadata(p)
                .with_context(|| format!("cannot read {}", p.display()))?
                .len()),
            Input::Bytes { bytes, .. } => Ok(bytes.len() as u64),
        }
    }

    fn open(&self) -> Result<source::Opened<'static>> {
        match self {
            Input::File(p) => source::open(p),
            Input::Bytes { bytes, .. } => source::open_reader(Box::new(*bytes)),
        }
    }

    fn sha256(&self) -> Result<String> {
        match self {
            Input::File(p) => source::sha256_file(p),
            Input::Bytes { bytes, .. } => Ok(crate::hashing::sha256_hex(bytes)),
        }
    }
}

/// Expands directories (recursively, sorted, supported file names only) into files.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Expanded> {
    let mut out = Expanded::default();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut out, &mut seen_dirs, 0)?;
        } else if meta.is_file() {
            out.files.push(p.clone());
        } else {
            // Named on the command line: refusing it is the clear answer (a FIFO would hang).
            bail!(
                "{} is not a regular file (a FIFO, socket or device); nothing imported",
                p.display()
            );
        }
    }
    Ok(out)
}

/// The files a set of paths names, and what was left out.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    /// Files with other extensions.
    pub ignored: Vec<PathBuf>,
    /// Entries skipped with the reason: not regular files, broken links, link loops.
    pub skipped: Vec<String>,
}

fn walk(
    dir: &Path,
    out: &mut Expanded,
    seen_dirs: &mut HashSet<PathBuf>,
    depth: u32,
) -> Result<()> {
    if depth > 64 {
        bail!("directories nested too deep at {}", dir.display());
    }
    // A symlink back up the tree would be walked forever: each real directory once.
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen_dirs.insert(real) {
        out.skipped.push(format!(
            "{}: a directory already walked (a symbolic-link loop); skipped",
            dir.display()
        ));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    entries.sort();
    for p in entries {
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                // A broken link or a link loop (ELOOP): report, go on.
                out.skipped
                    .push(format!("{}: cannot read ({e}); skipped", p.display()));
                continue;
            }
        };
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if meta.is_dir() {
            walk(&p, out, seen_dirs, depth + 1)?;
        } else if !meta.is_file() {
            if source::is_supported_name(&name) {
                out.skipped.push(format!(
                    "{}: not a regular file (a FIFO, socket or device); skipped",
                    p.display()
                ));
            }
        } else if source::is_supported_name(&name) {
            out.files.push(p);
        } else {
            out.ignored.push(p);
        }
    }
    Ok(())
}

/// Progress of the file being imported, saved with each index commit.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
struct CommitPayload {
    /// The file this commit was made for.
    source: String,
    size: u64,
    /// Records of `source` fully processed (imported, counted or rejected).
    records_done: u64,
    complete: bool,
    counts: Counts,
    next_ord: u64,
    /// Length of rejects.jsonl at this commit; anything after it belongs to lost work.
    rejects_len: u64,
    format: Option<String>,
    /// Where every interrupted file stands, by path, so that importing another file before
    /// the rerun does not lose the place (the fields above are the last file's).
    #[serde(default)]
    partial: BTreeMap<String, ResumePoint>,
}

/// How far an interrupted file got, as of a commit.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ResumePoint {
    size: u64,
    records_done: u64,
    counts: Counts,
    format: Option<String>,
}

impl CommitPayload {
    /// The resume point of `path`, from this commit's map or (for a record written before the
    /// map existed) from its last-file fields. A file this commit holds complete has one too,
    /// at its end: the process can die after the commit and before matter.json records the
    /// file, and the next run must then finish it with its counts, not read it again as
    /// duplicates. (A file matter.json records complete is skipped before this is asked.)
    fn resume_point(&self, path: &str) -> Option<ResumePoint> {
        if let Some(p) = self.partial.get(path) {
            return Some(p.clone());
        }
        (self.source == path).then(|| ResumePoint {
            size: self.size,
            records_done: self.records_done,
            counts: self.counts,
            format: self.format.clone(),
        })
    }
}

const MAX_PROBLEMS: usize = 5;

pub(crate) struct Importer<'a, 'r> {
    matter: &'a mut Matter,
    target: sink::Sink<'r>,
    table: crate::idplace::IdTable,
    rejects: RejectLog,
    next_ord: u64,
    opts: ImportOptions,
    payload: Option<CommitPayload>,
    /// The Parquet row group and row (0-based) of the record being read, for rejects.
    place: Option<(usize, u64)>,
    /// Something is recorded that the next commit writes.
    dirty: bool,
    last_commit: Instant,
    /// Records read since the last commit.
    since_commit: u64,
    /// Records read in this run, for the progress cadence.
    ticks: u64,
}

/// Imports `inputs` into the matter. `cancel` stops it cleanly (the work done so far is
/// committed and a rerun resumes).
pub fn import(
    matter: &mut Matter,
    inputs: &[Input],
    opts: &ImportOptions,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    import_to(matter, inputs, opts, None, progress, cancel)
}

/// [`import`] into a sharded matter's shards on a cluster, reached through `remote`; the
/// matter's shared part (matter.json, rejects, the audit trail) is written here.
pub fn import_to(
    matter: &mut Matter,
    inputs: &[Input],
    opts: &ImportOptions,
    remote: Option<&mut dyn RemoteShards>,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    // Every import is in the audit trail from the moment it starts, so one killed midway
    // still left its mark; the end entry says what happened to each file.
    let paths: Vec<String> = inputs.iter().map(Input::display).collect();
    let dir = matter.dir.clone();
    crate::audit::append(
        &dir,
        &opts.reviewer,
        "import-start",
        serde_json::json!({ "files": paths }),
    )?;
    let result = import_files(matter, inputs, opts, remote, progress, cancel);
    let data = match &result {
        Ok(summary) => {
            let files: Vec<serde_json::Value> = summary
                .files
                .iter()
                .map(|f| {
                    let sha = matter
                        .source_by_path(&f.path)
                        .map(|s| s.sha256.clone())
                        .unwrap_or_default();
                    serde_json::json!({
                        "path": f.path, "sha256": sha, "format": f.format,
                        "records": f.counts.records, "imported": f.counts.imported,
                        "duplicates": f.counts.duplicates, "rejected": f.counts.rejected,
                        "skipped": f.skipped, "truncated": f.truncated.is_some(),
                        "failed": f.failed, "error": f.error,
                    })
                })
                .collect();
            serde_json::json!({"files": files, "interrupted": summary.interrupted})
        }
        Err(e) => serde_json::json!({"files": paths, "error": format!("{e:#}")}),
    };
    crate::audit::append(&dir, &opts.reviewer, "import", data)?;
    result
}

fn import_files(
    matter: &mut Matter,
    inputs: &[Input],
    opts: &ImportOptions,
    remote: Option<&mut dyn RemoteShards>,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    let started = Instant::now();
    let _lock = matter.lock_writer()?;
    // What another process recorded before the lock was taken is kept (matter.json was read
    // when the matter was opened).
    matter.meta = Matter::open(&matter.dir)?.meta;
    let (target, table, payload) = sink::Sink::open(matter, opts, remote)?;
    let payload: Option<CommitPayload> = match payload {
        Some(p) => {
            Some(serde_json::from_str(&p).context("the index's commit record is not readable")?)
        }
        None => None,
    };
    // Rejects written after the last commit belong to work that will be redone.
    let rejects_path = matter.rejects_path();
    if let Some(p) = &payload
        && let Ok(m) = std::fs::metadata(&rejects_path)
        && m.len() > p.rejects_len
    {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&rejects_path)
            .context("cannot open rejects.jsonl")?;
        f.set_len(p.rejects_len)
            .context("cannot trim rejects.jsonl")?;
    }
    let mut imp = Importer {
        next_ord: payload.as_ref().map(|p| p.next_ord).unwrap_or(0),
        rejects: RejectLog::open(&rejects_path)?,
        matter,
        target,
        table,
        opts: opts.clone(),
        payload,
        place: None,
        dirty: false,
        last_commit: Instant::now(),
        since_commit: 0,
        ticks: 0,
    };
    let mut files = Vec::new();
    let mut interrupted = false;
    for input in inputs {
        if cancel.load(Ordering::Relaxed) {
            interrupted = true;
            break;
        }
        let (summaries, stopped) = imp.import_one(input, progress, cancel)?;
        files.extend(summaries);
        if stopped {
            interrupted = true;
            break;
        }
    }
    let mut total = ImportSummary {
        imported: 0,
        rejected: 0,
        duplicates: 0,
        renamed: 0,
        truncated: false,
        interrupted,
        files,
        seconds: started.elapsed().as_secs_f64(),
        text_bytes: 0,
    };
    for f in &total.files {
        total.imported += f.counts.imported;
        total.rejected += f.counts.rejected;
        total.duplicates += f.counts.duplicates;
        total.renamed += f.counts.renamed;
        total.text_bytes += f.counts.text_bytes;
        total.truncated |= f.truncated.is_some();
    }
    if imp.dirty {
        imp.commit()?;
    }
    // Merges started by commits finish in the background of the writer; wait for them so the
    // index is compact when we return.
    imp.target.finish()?;
    Ok(total)
}

/// One stream of records to import: a file, or a member of an archive.
pub(crate) struct Unit<'r> {
    /// Where its conversations come from: a path, or `ARCHIVE!MEMBER`.
    pub display: String,
    /// Bytes as stored (a member: its uncompressed size in the archive).
    pub size: u64,
    pub archive: Option<archive::ArchiveRef>,
    pub source: UnitSource<'r>,
}

pub(crate) enum UnitSource<'r> {
    Input(&'r Input),
    Zip(archive::ZipMember<'r>),
    /// A member read in order (tar): its hash is known only once it was read.
    Reader(Box<dyn std::io::Read + 'r>),
}

impl<'r> UnitSource<'r> {
    /// Whether the SHA-256 of the stored bytes can be had without consuming the stream.
    fn can_prehash(&self) -> bool {
        !matches!(self, UnitSource::Reader(_))
    }

    /// The SHA-256 of the stored bytes, read ahead of the import (see `can_prehash`).
    fn prehash(&mut self) -> Result<String> {
        match self {
            UnitSource::Input(i) => i.sha256(),
            UnitSource::Zip(m) => m.sha256(),
            UnitSource::Reader(_) => bail!("a member read in order has no hash before it is read"),
        }
    }

    fn open(self) -> Result<source::Opened<'r>> {
        match self {
            UnitSource::Input(i) => i.open(),
            UnitSource::Zip(m) => m.open(),
            UnitSource::Reader(r) => source::open_reader(r),
        }
    }
}

impl Importer<'_, '_> {
    /// Where an interrupted import of `display` stands (the same size, not recorded complete).
    fn resume_point(&self, display: &str, size: u64) -> Option<ResumePoint> {
        self.payload
            .as_ref()
            .and_then(|p| p.resume_point(display))
            .filter(|p| p.size == size)
            .filter(|_| {
                self.matter
                    .source_by_path(display)
                    .is_none_or(|s| s.status == SourceStatus::Partial)
            })
    }

    /// A complete source of the same kind (`container`: `None` for a stream) with the same
    /// bytes: why it is skipped, and its format. The SHA-256 is asked for only when a source
    /// of that kind and size exists.
    fn imported_before(
        &self,
        container: Option<&str>,
        size: u64,
        sha256: impl FnOnce() -> Result<String>,
    ) -> Result<Option<(String, String)>> {
        let done = |s: &&SourceRecord| {
            s.status == SourceStatus::Complete
                && s.container.as_deref() == container
                && s.failed_members.is_none()
        };
        let sources = &self.matter.meta.sources;
        if !sources.iter().filter(done).any(|s| s.size == size) {
            return Ok(None);
        }
        let sha = sha256()?;
        Ok(sources
            .iter()
            .filter(done)
            .find(|s| s.sha256 == sha)
            .map(|prev| {
                let why = format!(
                    "already imported (same SHA-256 as {}, imported {})",
                    prev.path,
                    prev.finished.map(|t| t.to_rfc3339()).unwrap_or_default()
                );
                (why, prev.format.clone())
            }))
    }

    /// Imports one input: a stream of records, or each member of an archive, or the rows of a
    /// Parquet file. Returns its summaries (an archive's first, then its members') and whether
    /// the import was stopped.
    fn import_one(
        &mut self,
        input: &Input,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<(Vec<FileSummary>, bool)> {
        if let Input::File(path) = input {
            match container::sniff(path) {
                Ok(container::Container::Stream) => {}
                Ok(container::Container::Parquet) => {
                    return self.import_parquet(input, path, progress, cancel);
                }
                Ok(c) => return self.import_archive(input, path, c, progress, cancel),
                Err(e) => {
                    let mut summary = FileSummary::new(input.display(), 0);
                    summary.error = Some(format!("{}: cannot import: {e:#}", input.display()));
                    summary.failed = true;
                    return Ok((vec![summary], false));
                }
            }
        }
        let unit = Unit {
            display: input.display(),
            size: input.size()?,
            archive: None,
            source: UnitSource::Input(input),
        };
        let (summary, stopped) = self.import_stream(unit, progress, cancel)?;
        Ok((vec![summary], stopped))
    }

    /// Imports one stream of records (a file or an archive member).
    pub(crate) fn import_stream(
        &mut self,
        unit: Unit<'_>,
        progress: &mut dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<(FileSummary, bool)> {
        let started = Instant::now();
        let Unit {
            display,
            size,
            archive,
            source: mut unit_source,
        } = unit;
        let mut summary = FileSummary::new(display.clone(), size);
        summary.archive = archive.as_ref().map(|a| a.display.clone());

        // Resume an interrupted import of this very file, or skip one already imported.
        let resume = self.resume_point(&display, size);
        if resume.is_none() {
            // A member of these very archive bytes, read to its end by an earlier run.
            if let Some(a) = &archive
                && let Some(prev) = self.matter.source_by_path(&display).filter(|s| {
                    s.status == SourceStatus::Complete
                        && s.size == size
                        && s.archive_sha256.as_deref() == Some(a.sha256.as_str())
                })
            {
                summary.skipped = Some(format!(
                    "already imported from this archive ({})",
                    prev.finished.map(|t| t.to_rfc3339()).unwrap_or_default()
                ));
                summary.format = Some(prev.format.clone());
                return Ok((summary, false));
            }
            if unit_source.can_prehash() {
                match self.imported_before(None, size, || unit_source.prehash()) {
                    Ok(Some((why, format))) => {
                        summary.skipped = Some(why);
                        summary.format = Some(format);
                        return Ok((summary, false));
                    }
                    Ok(None) => {}
                    // The member cannot be read (encrypted, damaged): its own failure.
                    Err(e) => {
                        summary.error = Some(format!("{display}: cannot import: {e:#}"));
                        summary.failed = true;
                        return Ok((summary, false));
                    }
                }
            }
        }

        // A file that cannot be opened or read is that file's failure, not the import's: the
        // files after it are still imported.
        let opened = match unit_source.open() {
            Ok(o) => o,
            Err(e) => {
                summary.error = Some(format!("{display}: cannot import: {e:#}"));
                summary.failed = true;
                return Ok((summary, false));
            }
        };
        let tap = opened.tap.clone();
        summary.compression = Some(opened.compression.as_str().to_string());
        let mut scanner = match Scanner::with_max_record(opened.reader, self.opts.max_record_bytes)
        {
            Ok(s) => s,
            Err(e) => {
                summary.error = Some(format!("{display}: cannot import: {e:#}"));
                summary.failed = true;
                return Ok((summary, false));
            }
        };
        summary.layout = Some(scanner.layout().as_str().to_string());
        if scanner.layout() == Layout::Empty {
            summary.notes.push("the file is empty".to_string());
        }

        let skip = resume.as_ref().map(|p| p.records_done).unwrap_or(0);
        if let Some(p) = &resume {
            summary.counts = p.counts;
            summary.resumed_after = Some(p.records_done);
            summary.format = p.format.clone();
        }
        let mut format = self
            .opts
            .format
            .or_else(|| summary.format.as_deref().and_then(Format::parse_name));
        summary.format = format.map(|f| f.name().to_string());

        // Record the file as in progress before touching the index.
        let started_at = Utc::now();
        self.set_source(SourceRecord {
            path: display.clone(),
            size,
            sha256: String::new(),
            format: summary.format.clone().unwrap_or_default(),
            status: SourceStatus::Partial,
            records_read: summary.counts.records,
            imported: summary.counts.imported,
            duplicates: summary.counts.duplicates,
            rejected: summary.counts.rejected,
            truncated_at: None,
            started: started_at,
            finished: None,
            container: None,
            members: None,
            archive: archive.as_ref().map(|a| a.display.clone()),
            archive_sha256: archive.as_ref().map(|a| a.sha256.clone()),
            failed_members: None,
        })?;

        progress.begin(&display, Some(size));
        let mut stopped = false;
        let mut records_done = skip;
        loop {
            let item = match scanner.next_item() {
                Ok(Some(item)) => item,
                Ok(None) => break,
                Err(e) => {
                    // Corrupt or cut compressed data, or a read error: keep what was read.
                    summary.error = Some(format!(
                        "{display}: cannot read past uncompressed byte {} (compressed byte {}): \
                         {e:#}; every complete record before it was imported",
                        scanner.offset(),
                        tap.bytes()
                    ));
                    break;
                }
            };
            match item {
                Item::Record(raw) => {
                    if raw.number <= skip {
                        continue;
                    }
                    summary.counts.records += 1;
                    let at_end = scanner.is_finished() && scanner.layout() == Layout::Lines;
                    records_done = raw.number;
                    self.handle_record(raw, &display, &mut format, at_end, &mut summary)?;
                }
                Item::Bad { record, reason } => {
                    if record.number <= skip {
                        continue;
                    }
                    summary.counts.records += 1;
                    self.reject(&display, &record, reason, &mut summary)?;
                    records_done = record.number;
                }
                Item::Truncated {
                    record_number,
                    offset,
                    line,
                    reason,
                } => {
                    summary.truncated = Some(Truncation {
                        record: record_number,
                        offset,
                        line,
                        reason,
                    });
                }
            }
            if self.after_record(
                &display,
                size,
                records_done,
                &summary,
                progress,
                tap.bytes(),
                cancel,
            )? {
                stopped = true;
                break;
            }
        }
        progress.update(tap.bytes(), summary.counts.records);
        progress.end();
        if let Some(note) = scanner.trailing_note() {
            summary.notes.push(note.to_string());
        }
        self.mark(&display, size, records_done, !stopped, &summary);

        let c = summary.counts;
        summary.failed = summary.error.is_some()
            || (c.imported + c.duplicates == 0 && (c.rejected > 0 || summary.truncated.is_some()));
        summary.seconds = started.elapsed().as_secs_f64();
        if !stopped {
            self.set_source(SourceRecord {
                path: display.clone(),
                size,
                sha256: tap.sha256_hex(),
                format: summary.format.clone().unwrap_or_default(),
                status: SourceStatus::Complete,
                records_read: c.records,
                imported: c.imported,
                duplicates: c.duplicates,
                rejected: c.rejected,
                truncated_at: summary
                    .truncated
                    .as_ref()
                    .map(|t| t.offset)
                    .or(summary.error.as_ref().map(|_| scanner.offset())),
                started: started_at,
                finished: Some(Utc::now()),
                container: None,
                members: None,
                archive: archive.as_ref().map(|a| a.display.clone()),
                archive_sha256: archive.as_ref().map(|a| a.sha256.clone()),
                failed_members: None,
            })?;
        }
        Ok((summary, stopped))
    }

    fn handle_record(
        &mut self,
        raw: RawRecord,
        display: &str,
        format: &mut Option<Format>,
        last_line: bool,
        summary: &mut FileSummary,
    ) -> Result<()> {
        if let Some(k) = records::duplicate_message_key(&raw.bytes) {
            let reason = format!(
                "the record has two \"{k}\" lists (a duplicate key); rejected rather than \
                 keep only one of them"
            );
            return self.reject(display, &raw, reason, summary);
        }
        let ctx = common::RecordCtx {
            file: display,
            record: raw.number,
        };
        if let Some(f) = *format
            && let Some(convs) = f.parse_fast(&raw.bytes, &ctx)
        {
            return self.admit_all(convs, display, &raw, summary);
        }
        let value: serde_json::Value = match serde_json::from_slice(&raw.bytes) {
            Ok(v) => v,
            Err(e) => {
                if last_line && e.classify() == serde_json::error::Category::Eof {
                    summary.truncated = Some(Truncation {
                        record: raw.number,
                        offset: raw.offset,
                        line: raw.line,
                        reason: format!("the file ends in the middle of record {}", raw.number),
                    });
                    summary.counts.records -= 1;
                    return Ok(());
                }
                // Two records on one line (a lost line break): each is read on its own.
                if e.classify() == serde_json::error::Category::Syntax
                    && let Some(pieces) = records::split_values(&raw.bytes)
                {
                    summary.counts.records += pieces.len() as u64 - 1;
                    for (a, b) in pieces {
                        let piece = RawRecord {
                            number: raw.number,
                            offset: raw.offset + a as u64,
                            line: raw.line,
                            column: raw.column + a as u64,
                            bytes: raw.bytes[a..b].to_vec(),
                        };
                        self.handle_record(piece, display, format, false, summary)?;
                    }
                    return Ok(());
                }
                let reason = json_error(&raw, &e);
                return self.reject(display, &raw, reason, summary);
            }
        };
        self.handle_value(value, &raw, display, format, summary)
    }

    /// Recognises, parses and admits one record already read as JSON.
    fn handle_value(
        &mut self,
        value: serde_json::Value,
        raw: &RawRecord,
        display: &str,
        format: &mut Option<Format>,
        summary: &mut FileSummary,
    ) -> Result<()> {
        let ctx = common::RecordCtx {
            file: display,
            record: raw.number,
        };
        // A list of whole records where one record was expected (a stray `[` in a JSON array
        // puts the records after it in a list of their own): each is read on its own, rather
        // than all rejected as one record of the wrong shape.
        if let serde_json::Value::Array(items) = &value
            && !items.is_empty()
            && items.iter().all(serde_json::Value::is_object)
            && let Some(f) = format.or_else(|| Format::detect(&items[0]))
            && items.iter().all(|v| f.parse(v.clone(), &ctx).is_ok())
        {
            let serde_json::Value::Array(items) = value else {
                return Ok(());
            };
            summary.counts.records += items.len() as u64 - 1;
            if summary.notes.len() < MAX_PROBLEMS {
                summary.notes.push(format!(
                    "record {} (byte {}): a list of {} records inside the list; each read on its own",
                    raw.number,
                    raw.offset,
                    items.len()
                ));
            }
            for v in items {
                self.handle_value(v, raw, display, format, summary)?;
            }
            return Ok(());
        }
        let fmt = match *format {
            Some(f) => f,
            None => match Format::detect(&value) {
                Some(f) => {
                    *format = Some(f);
                    summary.format = Some(f.name().to_string());
                    f
                }
                None => {
                    let reason = format::unknown_shape(&value);
                    return self.reject(display, raw, reason, summary);
                }
            },
        };
        let convs = match fmt.parse(value, &ctx) {
            Ok(c) => c,
            Err(reason) => {
                let reason = format!("{} record: {reason}", fmt.name());
                return self.reject(display, raw, reason, summary);
            }
        };
        self.admit_all(convs, display, raw, summary)
    }

    /// Deduplicates and indexes the conversations of one record.
    fn admit_all(
        &mut self,
        convs: Vec<crate::model::Conversation>,
        display: &str,
        raw: &RawRecord,
        summary: &mut FileSummary,
    ) -> Result<()> {
        for mut conv in convs {
            if conv.messages.is_empty() {
                let reason = format!("conversation {} has no messages", conv.id);
                self.reject(display, raw, reason, summary)?;
                continue;
            }
            let idh = dedupe::id_hash(&conv.id);
            let ch = dedupe::content_hash(&conv);
            match self.table.admit(&conv.id, ch) {
                Placement::Duplicate => {
                    summary.counts.duplicates += 1;
                    if summary.notes.len() < MAX_PROBLEMS {
                        summary.notes.push(format!(
                            "record {}: {} is an exact duplicate; kept once",
                            raw.number, conv.id
                        ));
                    }
                    continue;
                }
                Placement::Renamed(new_id) => {
                    summary.counts.renamed += 1;
                    if summary.notes.len() < MAX_PROBLEMS {
                        summary.notes.push(format!(
                            "record {}: id {} already holds a different conversation; imported as {new_id}",
                            raw.number, conv.id
                        ));
                    }
                    conv.id = new_id;
                }
                Placement::New => {}
            }
            summary.counts.text_bytes += conv.text_bytes();
            self.target.add(conv, self.next_ord, idh, ch)?;
            self.next_ord += 1;
            summary.counts.imported += 1;
        }
        Ok(())
    }

    fn reject(
        &mut self,
        display: &str,
        raw: &RawRecord,
        reason: String,
        summary: &mut FileSummary,
    ) -> Result<()> {
        let r = Reject {
            time: Utc::now(),
            file: display.to_string(),
            record: raw.number,
            offset: raw.offset,
            line: raw.line,
            column: raw.column,
            reason,
            excerpt: rejects::excerpt(&raw.bytes, 200),
            row_group: self.place.map(|p| p.0),
            row: self.place.map(|p| p.1),
        };
        self.rejects.write(&r)?;
        summary.counts.rejected += 1;
        if summary.problems.len() < MAX_PROBLEMS {
            summary.problems.push(r.describe());
        }
        Ok(())
    }

    /// Records where a stream stands in the payload of the next commit (nothing is written).
    fn mark(
        &mut self,
        display: &str,
        size: u64,
        records_done: u64,
        complete: bool,
        summary: &FileSummary,
    ) {
        let mut partial = BTreeMap::new();
        let mut rejects_len = 0;
        if let Some(p) = self.payload.take() {
            // A record from before the map still gives its unfinished file's place.
            if let Some(point) = p.resume_point(&p.source) {
                partial.insert(p.source.clone(), point);
            }
            partial.extend(p.partial);
            rejects_len = p.rejects_len;
        }
        if complete {
            partial.remove(display);
        } else {
            partial.insert(
                display.to_string(),
                ResumePoint {
                    size,
                    records_done,
                    counts: summary.counts,
                    format: summary.format.clone(),
                },
            );
        }
        self.payload = Some(CommitPayload {
            partial,
            source: display.to_string(),
            size,
            records_done,
            complete,
            counts: summary.counts,
            next_ord: self.next_ord,
            rejects_len,
            format: summary.format.clone(),
        });
        self.dirty = true;
    }

    /// After each record of a stream: progress and the stop check every 512 records, and the
    /// commit cadence (a commit when one is due, after `mark`ing the stream). True when asked
    /// to stop.
    #[allow(clippy::too_many_arguments)]
    fn after_record(
        &mut self,
        display: &str,
        size: u64,
        records_done: u64,
        summary: &FileSummary,
        progress: &mut dyn Progress,
        bytes: u64,
        cancel: &AtomicBool,
    ) -> Result<bool> {
        self.ticks += 1;
        if self.ticks.is_multiple_of(512) {
            progress.update(bytes, summary.counts.records);
            if cancel.load(Ordering::Relaxed) {
                return Ok(true);
            }
        }
        self.since_commit += 1;
        if self.since_commit >= self.opts.commit_every_records
            || self.last_commit.elapsed() >= self.opts.commit_every
        {
            self.mark(display, size, records_done, false, summary);
            // The unfinished source says how far it got as of this commit.
            if let Some(src) = self
                .matter
                .meta
                .sources
                .iter_mut()
                .find(|s| s.path == display)
            {
                let c = summary.counts;
                (src.records_read, src.imported, src.duplicates, src.rejected) =
                    (c.records, c.imported, c.duplicates, c.rejected);
            }
            self.commit()?;
        }
        Ok(false)
    }

    /// Commits the index with the marked payload, then writes matter.json: a source is
    /// recorded complete on disk only once the index holds all of it. Many small files or
    /// members share one commit (a commit costs a flush and later merges).
    fn commit(&mut self) -> Result<()> {
        self.rejects.sync()?;
        let rejects_len = std::fs::metadata(self.matter.rejects_path())
            .map(|m| m.len())
            .unwrap_or(0);
        // Nothing was read yet (an archive with no conversation members): only matter.json.
        if let Some(payload) = self.payload.as_mut() {
            payload.rejects_len = rejects_len;
            payload.next_ord = self.next_ord;
            let json = serde_json::to_string(&payload).context("cannot serialise commit record")?;
            self.target.commit(&json)?;
        }
        self.matter.save()?;
        self.dirty = false;
        self.since_commit = 0;
        self.last_commit = Instant::now();
        Ok(())
    }

    /// Records a source in memory; matter.json is written with the next commit.
    pub(crate) fn set_source(&mut self, rec: SourceRecord) -> Result<()> {
        let sources = &mut self.matter.meta.sources;
        match sources.iter_mut().find(|s| s.path == rec.path) {
            Some(s) => *s = rec,
            None => sources.push(rec),
        }
        self.dirty = true;
        Ok(())
    }
}
