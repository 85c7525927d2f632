//! The article corpus of a matter: the news articles that conversations are checked against.
//!
//! Articles come from JSON Lines (or a JSON array), CSV with a header row, or a folder of text,
//! Markdown and HTML files (see `read.rs`). They are kept in `<matter>/articles/`:
//!
//! - `articles.jsonl`: one [`Article`] per line, in import order, appended;
//! - `sources.json`: every input read (path, size, SHA-256, kind, counts, time) and the
//!   committed lengths of the two `.jsonl` files; replaced atomically;
//! - `rejects.jsonl`: one line per record that could not be used (file, record number, byte
//!   offset / line where known, reason, excerpt);
//! - `import.lock`: held while an import writes.
//!
//! Every record read is imported, a duplicate, or rejected, and the three add up. An id seen
//! again with the same text is a duplicate (kept once); with a different text it is stored as
//! `ID#2` (then `#3`...) and counted as renamed: nothing is ever dropped silently.
//!
//! # Durability
//!
//! Each input file is one unit. Its articles and rejects are appended straight to
//! `articles.jsonl` and `rejects.jsonl`; at the end of the file both are flushed and fsynced,
//! and only then is `sources.json` replaced (temporary file, fsync, rename) with the file's
//! record and the new lengths of the two logs. Those recorded lengths are the commit point:
//! readers ([`load`], [`stats`], [`corpus_sha256`]) read only that many bytes, so neither a
//! crash nor an import running at the same time can show them a torn line or half a file, and
//! the next import truncates whatever an interrupted one left past them before it writes. This
//! gives the guarantee of a per-file temporary file without copying every article twice. A file
//! whose reading fails part-way (an I/O error, a corrupt compressed stream) is rolled back the
//! same way and not recorded, so running the import again retries it.

pub mod html;
mod html_parse;
mod read;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::idplace::{self, IdTable, Placement};
use crate::progress::Progress;
use read::{Job, Loc, ReadItem};

/// The folder of the article store inside a matter.
pub const DIR: &str = "articles";
const ARTICLES_FILE: &str = "articles.jsonl";
const SOURCES_FILE: &str = "sources.json";
const REJECTS_FILE: &str = "rejects.jsonl";
const LOCK_FILE: &str = "import.lock";
const SOURCES_VERSION: u32 = 1;
/// Problems listed per file in a summary; the rest are counted.
const MAX_PROBLEMS: usize = 5;
/// Key of [`ArticleStats::sections`] for articles without a section.
pub const NO_SECTION: &str = "(none)";

/// One news article.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Article {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// ISO 8601 (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS`, or with `Z` when the input gave a zone)
    /// when the input's date was recognised; otherwise as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub text: String,
}

/// What happened to one input (a data file, or the text files of a folder).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ArticleFileSummary {
    pub path: String,
    /// "jsonl" | "csv" | "folder" ("other" for a file that is none of these: always skipped).
    pub kind: String,
    /// Records read: `imported + duplicates + rejected`.
    pub read: u64,
    /// Articles stored, renamed ones included.
    pub imported: u64,
    pub duplicates: u64,
    /// Stored under `ID#n` because the id already held a different text.
    pub renamed: u64,
    pub rejected: u64,
    /// Why nothing was read, when nothing was (already imported, not an article file, ...).
    pub skipped: Option<String>,
    /// The first few problems, human readable.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ArticleImportSummary {
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub files: Vec<ArticleFileSummary>,
    /// Articles in the store after the import.
    pub total_articles: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ArticleStats {
    pub articles: u64,
    /// White-space separated words of the texts.
    pub words: u64,
    /// UTF-8 bytes of the texts.
    pub bytes: u64,
    /// Articles per section ([`NO_SECTION`] for those without one).
    pub sections: BTreeMap<String, u64>,
    /// Earliest and latest ISO 8601 publication dates (dates kept as written are left out).
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    /// The records of `sources.json`, one per input read.
    pub sources: Vec<serde_json::Value>,
    /// Lines of `rejects.jsonl`.
    pub rejects: u64,
    pub corpus_sha256: String,
}

/// `sources.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SourcesFile {
    version: u32,
    /// Committed length of `articles.jsonl`: bytes past it are an unfinished import's.
    articles_bytes: u64,
    /// Committed length of `rejects.jsonl`.
    rejects_bytes: u64,
    sources: Vec<SourceEntry>,
}

/// One input that was read.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SourceEntry {
    path: String,
    kind: String,
    /// Bytes as stored (for a folder: of its text files).
    size: u64,
    /// Of the file's bytes; for a folder, of its manifest (see `read::Job::identify`).
    sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    files: Option<u64>,
    read: u64,
    imported: u64,
    duplicates: u64,
    renamed: u64,
    rejected: u64,
    time: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    problems: Vec<String>,
}

/// One line of `rejects.jsonl`.
#[derive(Serialize)]
struct RejectLine<'a> {
    time: DateTime<Utc>,
    file: &'a str,
    record: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u64>,
    reason: &'a str,
    excerpt: &'a str,
}

/// Imports `inputs` (files or folders) into the matter's article store. Inputs already imported
/// (same SHA-256) are skipped and say so. Every path must exist: a missing one is an error
/// before anything is written. Takes the store's lock: a second import at the same time fails.
pub fn import(
    matter_dir: &Path,
    inputs: &[PathBuf],
    progress: &mut dyn Progress,
) -> Result<ArticleImportSummary> {
    import_observed(matter_dir, inputs, progress, &mut Unobserved)
}

/// Sees each article line an import appends to `articles.jsonl` and each commit point (the
/// article table is built from them while the import runs).
pub trait Observer {
    /// `line` (the JSON and its newline) was appended at byte `offset`, not yet committed.
    fn appended(&mut self, offset: u64, line: &[u8]);
    /// The committed length is now `len`; lines seen past it were rolled back.
    fn committed(&mut self, len: u64);
}

struct Unobserved;

impl Observer for Unobserved {
    fn appended(&mut self, _: u64, _: &[u8]) {}
    fn committed(&mut self, _: u64) {}
}

/// The total size of the files `inputs` name (folders walked), for planning; 0 where unknown.
pub fn input_bytes(inputs: &[PathBuf]) -> u64 {
    fn walk(p: &Path) -> u64 {
        match fs::metadata(p) {
            Ok(m) if m.is_dir() => fs::read_dir(p)
                .map(|d| d.flatten().map(|e| walk(&e.path())).sum())
                .unwrap_or(0),
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    inputs.iter().map(|p| walk(p)).sum()
}

/// [`import`], telling `observer` what is appended and committed.
pub fn import_observed(
    matter_dir: &Path,
    inputs: &[PathBuf],
    progress: &mut dyn Progress,
    observer: &mut dyn Observer,
) -> Result<ArticleImportSummary> {
    let jobs = read::plan(inputs)?;
    let mut writer = Writer::open(matter_dir, progress)?;
    let mut summary = ArticleImportSummary::default();
    for job in &jobs {
        let fs = writer
            .import_job(job, progress, observer)
            .with_context(|| format!("cannot import articles from {}", job.display()))?;
        summary.imported += fs.imported;
        summary.duplicates += fs.duplicates;
        summary.rejected += fs.rejected;
        summary.files.push(fs);
    }
    summary.total_articles = writer.stored;
    Ok(summary)
}

/// Every stored article, in store order.
pub fn load(matter_dir: &Path) -> Result<Vec<Article>> {
    let dir = matter_dir.join(DIR);
    let sources = read_sources(&dir)?;
    let extent = committed_len(
        &dir.join(ARTICLES_FILE),
        sources.as_ref().map(|s| s.articles_bytes),
    )?;
    let mut out = Vec::new();
    read_store(&dir.join(ARTICLES_FILE), extent, &mut |a| {
        out.push(a);
        Ok(())
    })?;
    Ok(out)
}

/// The stored articles by id, read on demand (only the ids are held in memory).
pub fn lookup(matter_dir: &Path) -> Result<crate::line_index::LineIndex> {
    let dir = matter_dir.join(DIR);
    let sources = read_sources(&dir)?;
    let path = dir.join(ARTICLES_FILE);
    let extent = committed_len(&path, sources.as_ref().map(|s| s.articles_bytes))?;
    crate::line_index::LineIndex::build(&path, "id", Some(extent))
}

/// One stored article by id, through a [`lookup`].
pub fn get(lookup: &crate::line_index::LineIndex, id: &str) -> Result<Option<Article>> {
    Ok(lookup.get::<Article>(id)?.into_iter().next())
}

/// Counts over the stored corpus, its sources and its fingerprint.
pub fn stats(matter_dir: &Path) -> Result<ArticleStats> {
    let dir = matter_dir.join(DIR);
    let sources = read_sources(&dir)?;
    let articles_path = dir.join(ARTICLES_FILE);
    let extent = committed_len(&articles_path, sources.as_ref().map(|s| s.articles_bytes))?;
    let mut st = ArticleStats {
        articles: 0,
        words: 0,
        bytes: 0,
        sections: BTreeMap::new(),
        first_published: None,
        last_published: None,
        sources: Vec::new(),
        rejects: 0,
        corpus_sha256: String::new(),
    };
    read_store(&articles_path, extent, &mut |a| {
        st.articles += 1;
        st.words += a.text.split_whitespace().count() as u64;
        st.bytes += a.text.len() as u64;
        let section = a.section.as_deref().unwrap_or(NO_SECTION);
        *st.sections.entry(section.to_string()).or_default() += 1;
        if let Some(p) = a.published.as_deref().filter(|p| is_iso_date(p)) {
            if st.first_published.as_deref().is_none_or(|f| p < f) {
                st.first_published = Some(p.to_string());
            }
            if st.last_published.as_deref().is_none_or(|l| p > l) {
                st.last_published = Some(p.to_string());
            }
        }
        Ok(())
    })?;
    if let Some(s) = &sources {
        st.sources = s
            .sources
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()
            .context("cannot encode the article sources")?;
    }
    let rejects_path = dir.join(REJECTS_FILE);
    let rejects_extent = match &sources {
        Some(s) => s.rejects_bytes.min(file_len(&rejects_path)?),
        None => committed_len(&rejects_path, None)?,
    };
    st.rejects = count_lines(&rejects_path, rejects_extent)?;
    st.corpus_sha256 = hash_prefix(&articles_path, extent)?;
    Ok(st)
}

/// The store file and its committed length: what readers may read of it.
pub fn committed(matter_dir: &Path) -> Result<(PathBuf, u64)> {
    let dir = matter_dir.join(DIR);
    let sources = read_sources(&dir)?;
    let path = dir.join(ARTICLES_FILE);
    let extent = committed_len(&path, sources.as_ref().map(|s| s.articles_bytes))?;
    Ok((path, extent))
}

/// SHA-256 (lower-case hex) of the committed bytes of `articles/articles.jsonl`; "" when no
/// article is stored.
pub fn corpus_sha256(matter_dir: &Path) -> Result<String> {
    Ok(corpus_fingerprint(matter_dir)?.1)
}

/// The committed length of `articles/articles.jsonl` and the SHA-256 of those bytes, taken
/// together (an import committing meanwhile changes neither).
pub fn corpus_fingerprint(matter_dir: &Path) -> Result<(u64, String)> {
    let (path, extent) = committed(matter_dir)?;
    Ok((extent, hash_prefix(&path, extent)?))
}

// ---------------------------------------------------------------------------------------------
// Reading the store

fn read_sources(dir: &Path) -> Result<Option<SourcesFile>> {
    let path = dir.join(SOURCES_FILE);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let s: SourcesFile = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a valid article source list", path.display()))?;
    if s.version > SOURCES_VERSION {
        bail!(
            "{} was written by a newer verbatim (version {}); upgrade to read it",
            path.display(),
            s.version
        );
    }
    Ok(Some(s))
}

fn file_len(path: &Path) -> Result<u64> {
    match fs::metadata(path) {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// How much of a log is committed: the length recorded in `sources.json`, or, without one (a
/// store written by hand), every complete line. A log shorter than its recorded length was
/// changed outside verbatim: an error, since the corpus can no longer be vouched for.
fn committed_len(path: &Path, recorded: Option<u64>) -> Result<u64> {
    let len = file_len(path)?;
    match recorded {
        Some(r) if len < r => bail!(
            "{} has {len} bytes but {r} were recorded in {SOURCES_FILE}: the article store was changed outside verbatim",
            path.display()
        ),
        Some(r) => Ok(r),
        None => complete_lines_len(path, len),
    }
}

/// The length of `path` up to and including its last newline.
fn complete_lines_len(path: &Path, len: u64) -> Result<u64> {
    if len == 0 {
        return Ok(0);
    }
    let mut f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut end = len;
    let mut buf = vec![0u8; 1 << 16];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let n = (end - start) as usize;
        f.seek(SeekFrom::Start(start))
            .and_then(|_| f.read_exact(&mut buf[..n]))
            .with_context(|| format!("cannot read {}", path.display()))?;
        if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// Calls `f` with each article in the first `extent` bytes of `path`.
fn read_store(path: &Path, extent: u64, f: &mut dyn FnMut(Article) -> Result<()>) -> Result<u64> {
    if extent == 0 {
        return Ok(0);
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 16, file.take(extent));
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut count = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let article: Article = serde_json::from_slice(&line).with_context(|| {
            format!(
                "{} line {number} is not a stored article: the store is damaged",
                path.display()
            )
        })?;
        f(article)?;
        count += 1;
    }
    Ok(count)
}

fn count_lines(path: &Path, extent: u64) -> Result<u64> {
    if extent == 0 {
        return Ok(0);
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = file.take(extent);
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0;
    loop {
        let n = reader
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            return Ok(lines);
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
    }
}

fn hash_prefix(path: &Path, extent: u64) -> Result<String> {
    if extent == 0 {
        return Ok(String::new());
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    crate::hashing::sha256_reader(BufReader::new(file.take(extent)))
        .with_context(|| format!("cannot read {}", path.display()))
}

/// `YYYY-MM-DD...`: the dates that order as text.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

// ---------------------------------------------------------------------------------------------
// Ids: duplicates and renames

/// 64-bit XXH3 of an article's text: "same text" below means the same hash.
fn text_hash(text: &str) -> u64 {
    crate::hashing::xxh3(text.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Writing the store

struct Writer {
    dir: PathBuf,
    _lock: File,
    sources: SourcesFile,
    articles: BufWriter<File>,
    rejects: BufWriter<File>,
    /// Current lengths, uncommitted bytes included.
    articles_len: u64,
    rejects_len: u64,
    table: IdTable,
    stored: u64,
}

/// Per-file bookkeeping while it is read.
struct FileRun {
    display: String,
    time: DateTime<Utc>,
    /// Problems that did not fit in the summary.
    more_problems: u64,
}

impl Writer {
    fn open(matter_dir: &Path, progress: &mut dyn Progress) -> Result<Writer> {
        let dir = matter_dir.join(DIR);
        fsutil::create_matter_subdir(&dir)?;
        let lock = take_lock(&dir)?;
        let existing = read_sources(&dir)?;
        let articles_path = dir.join(ARTICLES_FILE);
        let rejects_path = dir.join(REJECTS_FILE);
        let articles_committed =
            committed_len(&articles_path, existing.as_ref().map(|s| s.articles_bytes))?;
        let rejects_len_now = file_len(&rejects_path)?;
        let rejects_committed = match &existing {
            // A shorter rejects log than recorded (edited by hand) is taken as it is: it is a
            // report, not evidence.
            Some(s) => s.rejects_bytes.min(rejects_len_now),
            None => committed_len(&rejects_path, None)?,
        };
        let articles = fsutil::open_append_private(&articles_path)?;
        let rejects = fsutil::open_append_private(&rejects_path)?;
        truncate_tail(&articles, &articles_path, articles_committed, progress)?;
        truncate_tail(&rejects, &rejects_path, rejects_committed, progress)?;
        let mut sources = existing.unwrap_or_default();
        let first_time = sources.version == 0;
        sources.version = SOURCES_VERSION;
        sources.articles_bytes = articles_committed;
        sources.rejects_bytes = rejects_committed;
        let mut writer = Writer {
            dir,
            _lock: lock,
            sources,
            articles: BufWriter::with_capacity(1 << 16, articles),
            rejects: BufWriter::new(rejects),
            articles_len: articles_committed,
            rejects_len: rejects_committed,
            table: IdTable::default(),
            stored: 0,
        };
        writer.rebuild_table()?;
        if first_time {
            // From here on sources.json always exists and bounds what readers see.
            writer.save_sources()?;
        }
        Ok(writer)
    }

    fn rebuild_table(&mut self) -> Result<()> {
        let mut table = IdTable::default();
        let stored = read_store(
            &self.dir.join(ARTICLES_FILE),
            self.sources.articles_bytes,
            &mut |a| {
                table.record_stored(&a.id, text_hash(&a.text));
                Ok(())
            },
        )?;
        self.table = table;
        self.stored = stored;
        Ok(())
    }

    fn save_sources(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.sources)
            .context("cannot encode the article source list")?;
        fsutil::write_atomic(&self.dir.join(SOURCES_FILE), &bytes)
    }

    fn import_job(
        &mut self,
        job: &Job,
        progress: &mut dyn Progress,
        observer: &mut dyn Observer,
    ) -> Result<ArticleFileSummary> {
        let mut fs = ArticleFileSummary {
            path: job.display(),
            kind: job.kind().as_str().to_string(),
            ..ArticleFileSummary::default()
        };
        // Said once, by whoever reports the summary (the command line prints every file).
        let skip = |fs: &mut ArticleFileSummary, why: String| {
            fs.skipped = Some(why);
        };
        if let Job::Skip { reason, .. } = job {
            skip(&mut fs, reason.clone());
            return Ok(fs);
        }
        let size = match job.size() {
            Ok(n) => n,
            Err(e) => {
                skip(&mut fs, format!("cannot read: {e:#}"));
                return Ok(fs);
            }
        };
        // Only an input the size of an earlier source can be one of them: that one is hashed
        // first; any other is hashed on a thread of its own while it is read.
        let mut ident = Identity::Later(Some({
            let job = job.clone();
            std::thread::spawn(move || job.identify())
        }));
        if self.sources.sources.iter().any(|s| s.size == size) {
            ident = match ident.get() {
                Ok(i) => Identity::Known(i),
                Err(e) => {
                    skip(&mut fs, format!("cannot read: {e:#}"));
                    return Ok(fs);
                }
            };
        }
        if let Identity::Known(ident) = &ident
            && let Some(prev) = self
                .sources
                .sources
                .iter()
                .find(|s| s.sha256 == ident.sha256)
        {
            let why = format!(
                "already imported (same SHA-256 as {}, imported {})",
                prev.path,
                prev.time.format("%Y-%m-%d %H:%M:%S UTC")
            );
            skip(&mut fs, why);
            return Ok(fs);
        }
        let mut source = match job.open() {
            Ok(s) => s,
            Err(e) => {
                skip(&mut fs, format!("not read: {e:#}"));
                return Ok(fs);
            }
        };
        if let Job::Folder { others, .. } = job
            && !others.is_empty()
        {
            let note = read::others_note(others);
            progress.note(&format!("{}: {note}", fs.path));
            fs.problems.push(note);
        }
        let mut run = FileRun {
            display: fs.path.clone(),
            time: Utc::now(),
            more_problems: 0,
        };
        progress.begin(&format!("articles {}", fs.path), Some(size));
        let outcome = loop {
            match source.next_item() {
                Ok(Some(item)) => {
                    self.admit(item, &mut fs, &mut run, observer)?;
                    if fs.read.is_multiple_of(256) {
                        progress.update(source.bytes_read(), fs.read);
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        progress.update(source.bytes_read(), fs.read);
        progress.end();
        if let Err(e) = outcome {
            self.rollback()?;
            observer.committed(self.articles_len);
            let why = format!(
                "failed after {} records: {e:#}; nothing from this file was kept",
                fs.read
            );
            return Ok(ArticleFileSummary {
                path: fs.path,
                kind: fs.kind,
                skipped: Some(why),
                ..ArticleFileSummary::default()
            });
        }
        if run.more_problems > 0 {
            fs.problems.push(format!(
                "… and {} more (rejected records are listed in {DIR}/{REJECTS_FILE})",
                run.more_problems
            ));
        }
        for note in source.notes() {
            progress.note(&format!("{}: {note}", fs.path));
            fs.problems.push(note);
        }
        let ident = match ident.get() {
            Ok(i) => i,
            Err(e) => {
                self.rollback()?;
                observer.committed(self.articles_len);
                let why = format!("cannot read: {e:#}; nothing from this file was kept");
                return Ok(ArticleFileSummary {
                    path: fs.path,
                    kind: fs.kind,
                    skipped: Some(why),
                    ..ArticleFileSummary::default()
                });
            }
        };
        let path = fs::canonicalize(job_path(job))
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| fs.path.clone());
        self.commit(SourceEntry {
            path,
            kind: fs.kind.clone(),
            size: ident.size,
            sha256: ident.sha256,
            files: ident.files,
            read: fs.read,
            imported: fs.imported,
            duplicates: fs.duplicates,
            renamed: fs.renamed,
            rejected: fs.rejected,
            time: run.time,
            problems: fs.problems.clone(),
        })?;
        observer.committed(self.articles_len);
        Ok(fs)
    }

    fn problem(fs: &mut ArticleFileSummary, run: &mut FileRun, text: String) {
        if fs.problems.len() < MAX_PROBLEMS {
            fs.problems.push(text);
        } else {
            run.more_problems += 1;
        }
    }

    fn admit(
        &mut self,
        item: ReadItem,
        fs: &mut ArticleFileSummary,
        run: &mut FileRun,
        observer: &mut dyn Observer,
    ) -> Result<()> {
        fs.read += 1;
        match item {
            ReadItem::Article(mut article) => {
                let hash = text_hash(&article.text);
                let arrived = idplace::key(&article.id);
                match self.table.place(&article.id, hash) {
                    Placement::Duplicate => {
                        fs.duplicates += 1;
                        return Ok(());
                    }
                    Placement::New => {}
                    Placement::Renamed(new_id) => {
                        fs.renamed += 1;
                        let note = format!(
                            "id '{}' already holds a different text: stored as '{new_id}'",
                            article.id
                        );
                        Self::problem(fs, run, note);
                        article.id = new_id;
                    }
                }
                let mut line = serde_json::to_vec(&article).context("cannot encode an article")?;
                line.push(b'\n');
                self.articles
                    .write_all(&line)
                    .with_context(|| format!("cannot write {DIR}/{ARTICLES_FILE}"))?;
                observer.appended(self.articles_len, &line);
                self.articles_len += line.len() as u64;
                self.table.record(arrived, idplace::key(&article.id), hash);
                self.stored += 1;
                fs.imported += 1;
            }
            ReadItem::Reject {
                loc,
                reason,
                excerpt,
            } => {
                fs.rejected += 1;
                let file = loc.file.as_deref().unwrap_or(&run.display);
                let mut line = serde_json::to_vec(&RejectLine {
                    time: run.time,
                    file,
                    record: loc.record,
                    offset: loc.offset,
                    line: loc.line,
                    column: loc.column,
                    reason: &reason,
                    excerpt: &excerpt,
                })
                .context("cannot encode a rejected record")?;
                line.push(b'\n');
                self.rejects
                    .write_all(&line)
                    .with_context(|| format!("cannot write {DIR}/{REJECTS_FILE}"))?;
                self.rejects_len += line.len() as u64;
                Self::problem(fs, run, describe(&loc, &reason));
            }
        }
        Ok(())
    }

    fn flush_and_sync(&mut self) -> Result<()> {
        for (w, name) in [
            (&mut self.articles, ARTICLES_FILE),
            (&mut self.rejects, REJECTS_FILE),
        ] {
            w.flush()
                .and_then(|_| w.get_ref().sync_data())
                .with_context(|| format!("cannot write {DIR}/{name}"))?;
        }
        Ok(())
    }

    /// Makes the file's articles and rejects durable, then records the file and the new
    /// lengths in `sources.json` (the commit point).
    fn commit(&mut self, entry: SourceEntry) -> Result<()> {
        self.flush_and_sync()?;
        self.sources.articles_bytes = self.articles_len;
        self.sources.rejects_bytes = self.rejects_len;
        self.sources.sources.push(entry);
        self.save_sources()
    }

    /// Drops everything written since the last commit.
    fn rollback(&mut self) -> Result<()> {
        self.articles
            .flush()
            .with_context(|| format!("cannot write {DIR}/{ARTICLES_FILE}"))?;
        self.rejects
            .flush()
            .with_context(|| format!("cannot write {DIR}/{REJECTS_FILE}"))?;
        let set = |f: &File, len: u64, name: &str| {
            f.set_len(len)
                .and_then(|_| f.sync_all())
                .with_context(|| format!("cannot truncate {DIR}/{name}"))
        };
        set(
            self.articles.get_ref(),
            self.sources.articles_bytes,
            ARTICLES_FILE,
        )?;
        set(
            self.rejects.get_ref(),
            self.sources.rejects_bytes,
            REJECTS_FILE,
        )?;
        self.articles_len = self.sources.articles_bytes;
        self.rejects_len = self.sources.rejects_bytes;
        self.rebuild_table()
    }
}

/// An input's hash: known, or being taken by a thread while the input is read.
enum Identity {
    Known(read::Ident),
    Later(Option<std::thread::JoinHandle<Result<read::Ident>>>),
}

impl Identity {
    fn get(self) -> Result<read::Ident> {
        match self {
            Identity::Known(i) => Ok(i),
            Identity::Later(h) => h
                .and_then(|h| h.join().ok())
                .unwrap_or_else(|| Err(anyhow::anyhow!("the hashing thread failed"))),
        }
    }
}

fn job_path(job: &Job) -> &Path {
    match job {
        Job::File { path, .. } | Job::Skip { path, .. } => path,
        Job::Folder { display, .. } => display,
    }
}

fn take_lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let file = fsutil::open_append_private(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => bail!(
            "another verbatim process is importing articles into {}; wait for it to finish",
            dir.display()
        ),
        Err(fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// Cuts what an interrupted import left past the committed length.
fn truncate_tail(
    file: &File,
    path: &Path,
    committed: u64,
    progress: &mut dyn Progress,
) -> Result<()> {
    let len = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if len > committed {
        file.set_len(committed)
            .and_then(|_| file.sync_all())
            .with_context(|| format!("cannot truncate {}", path.display()))?;
        progress.note(&format!(
            "{}: removed {} bytes left by an interrupted import",
            path.display(),
            len - committed
        ));
    }
    Ok(())
}

/// "record 12 (line 12): empty text", or for a folder "path/to/file.txt: empty text".
fn describe(loc: &Loc, reason: &str) -> String {
    if let Some(file) = &loc.file {
        return format!("{file}: {reason}");
    }
    match (loc.line, loc.offset) {
        (Some(line), _) => format!("record {} (line {line}): {reason}", loc.record),
        (None, Some(offset)) => format!("record {} (byte {offset}): {reason}", loc.record),
        (None, None) => format!("record {}: {reason}", loc.record),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;
    use std::collections::HashMap;

    fn write(path: &Path, content: &[u8]) {
        if let Some(d) = path.parent() {
            fs::create_dir_all(d).unwrap();
        }
        fs::write(path, content).unwrap();
    }

    fn rejects(matter: &Path) -> Vec<serde_json::Value> {
        let p = matter.join(DIR).join(REJECTS_FILE);
        fs::read_to_string(p)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn adds_up(fs: &ArticleFileSummary) {
        assert_eq!(
            fs.read,
            fs.imported + fs.duplicates + fs.rejected,
            "counts of {} do not add up: {fs:?}",
            fs.path
        );
    }

    #[test]
    fn jsonl_import_rejects_and_counts() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("matter");
        let input = tmp.path().join("news.jsonl");
        write(
            &input,
            br#"{"id": "a1", "title": "One", "url": "https://x/1", "published": "2005-01-02", "section": "world", "text": "First article text."}
{"id": 2, "category": "tech", "date": "26-FEB-1987 15:01:01.79", "body": "Second article.", "extra": [1, 2]}
{"id": "a3", "text": "   "}
{"title": "no id", "text": "Orphan text."}
not json at all
[1, 2]
{"id": "a4", "text": "Fourth."}
"#,
        );
        let s = import(&matter, std::slice::from_ref(&input), &mut Silent).unwrap();
        assert_eq!(s.files.len(), 1);
        let f = &s.files[0];
        assert_eq!(f.kind, "jsonl");
        assert_eq!((f.read, f.imported, f.duplicates, f.rejected), (7, 3, 0, 4));
        adds_up(f);
        assert_eq!((s.imported, s.rejected, s.total_articles), (3, 4, 3));
        assert!(
            f.problems[0].contains("record 3 (line 3): empty text"),
            "{:?}",
            f.problems
        );
        assert!(f.problems[1].contains("missing id"));

        let arts = load(&matter).unwrap();
        assert_eq!(arts.len(), 3);
        assert_eq!(
            arts[0],
            Article {
                id: "a1".into(),
                title: Some("One".into()),
                url: Some("https://x/1".into()),
                published: Some("2005-01-02".into()),
                section: Some("world".into()),
                text: "First article text.".into(),
            }
        );
        assert_eq!(arts[1].id, "2");
        assert_eq!(arts[1].section.as_deref(), Some("tech"));
        assert_eq!(arts[1].published.as_deref(), Some("1987-02-26T15:01:01"));
        assert_eq!(arts[1].text, "Second article.");

        let rj = rejects(&matter);
        assert_eq!(rj.len(), 4);
        assert_eq!(rj[0]["reason"], "empty text");
        assert_eq!(rj[0]["record"], 3);
        assert_eq!(rj[0]["line"], 3);
        assert!(rj[0]["offset"].as_u64().unwrap() > 0);
        assert!(rj[0]["file"].as_str().unwrap().ends_with("news.jsonl"));
        assert!(
            rj[2]["reason"]
                .as_str()
                .unwrap()
                .starts_with("invalid JSON")
        );
        assert_eq!(rj[2]["excerpt"], "not json at all");
        assert_eq!(rj[3]["reason"], "not a JSON object");

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&matter.join(DIR)), 0o700);
            for f in [ARTICLES_FILE, SOURCES_FILE, REJECTS_FILE] {
                assert_eq!(mode(&matter.join(DIR).join(f)), 0o600, "{f}");
            }
        }

        let st = stats(&matter).unwrap();
        assert_eq!(st.articles, 3);
        assert_eq!(st.words, 3 + 2 + 1);
        assert_eq!(
            st.bytes,
            ("First article text.".len() + "Second article.".len() + "Fourth.".len()) as u64
        );
        assert_eq!(st.sections.get("world"), Some(&1));
        assert_eq!(st.sections.get("tech"), Some(&1));
        assert_eq!(st.sections.get(NO_SECTION), Some(&1));
        assert_eq!(st.first_published.as_deref(), Some("1987-02-26T15:01:01"));
        assert_eq!(st.last_published.as_deref(), Some("2005-01-02"));
        assert_eq!(st.rejects, 4);
        assert_eq!(st.sources.len(), 1);
        assert_eq!(st.sources[0]["kind"], "jsonl");
        assert_eq!(st.sources[0]["read"], 7);
        assert_eq!(
            st.sources[0]["sha256"],
            crate::hashing::sha256_hex(&fs::read(&input).unwrap())
        );
        let store_bytes = fs::read(matter.join(DIR).join(ARTICLES_FILE)).unwrap();
        assert_eq!(st.corpus_sha256, crate::hashing::sha256_hex(&store_bytes));
        assert_eq!(corpus_sha256(&matter).unwrap(), st.corpus_sha256);
    }

    #[test]
    fn json_array_and_truncation() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let arr = tmp.path().join("arr.json");
        write(
            &arr,
            br#"[{"id": "x", "text": "X text"},
  {"id": "y", "body": "Y text"}]"#,
        );
        let cut = tmp.path().join("cut.jsonl");
        write(
            &cut,
            b"{\"id\": \"z\", \"text\": \"Z\"}\n{\"id\": \"w\", \"text\": \"W",
        );
        let cut_array = tmp.path().join("cut-array.json");
        write(
            &cut_array,
            b"[{\"id\": \"t1\", \"text\": \"T\"},\n {\"id\": \"t2\", \"te",
        );
        let s = import(&matter, &[arr, cut, cut_array], &mut Silent).unwrap();
        assert_eq!(s.files[0].imported, 2);
        let f = &s.files[1];
        assert_eq!((f.read, f.imported, f.rejected), (2, 1, 1));
        adds_up(f);
        let f = &s.files[2];
        assert_eq!((f.read, f.imported, f.rejected), (2, 1, 1));
        adds_up(f);
        let rj = rejects(&matter);
        assert!(
            rj[0]["reason"]
                .as_str()
                .unwrap()
                .starts_with("invalid JSON")
        );
        assert_eq!(
            rj[1]["reason"],
            "truncated: the file ends in the middle of record 2"
        );
        assert_eq!(rj[1]["line"], 2);
        let ids: Vec<String> = load(&matter).unwrap().into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["x", "y", "z", "t1"]);
    }

    #[test]
    fn empty_matter_reads_as_empty() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(load(tmp.path()).unwrap().is_empty());
        assert_eq!(corpus_sha256(tmp.path()).unwrap(), "");
        let st = stats(tmp.path()).unwrap();
        assert_eq!((st.articles, st.rejects), (0, 0));
        assert!(st.sources.is_empty());
    }

    #[test]
    fn csv_with_bom_multiline_field_and_broken_row() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let input = tmp.path().join("news.csv");
        let mut csv = b"\xEF\xBB\xBFid,Title,published,category,text,url\r\n".to_vec();
        csv.extend_from_slice(
            b"c1,\"Quoted, title\",2005-03-01,business,\"Line one\r\nLine \"\"two\"\"\",https://x/c1\r\n\
c2,Broken,2005-03-02,tech,too,many,fields\r\n\
c3,Third,,,\"Third text\",\r\n\
,No id,,,Some text,\r\n\
c5,Empty,,,\"  \",\r\n",
        );
        write(&input, &csv);
        let s = import(&matter, std::slice::from_ref(&input), &mut Silent).unwrap();
        let f = &s.files[0];
        assert_eq!(f.kind, "csv");
        assert_eq!((f.read, f.imported, f.rejected), (5, 2, 3));
        adds_up(f);
        let arts = load(&matter).unwrap();
        assert_eq!(arts[0].id, "c1");
        assert_eq!(arts[0].title.as_deref(), Some("Quoted, title"));
        assert_eq!(arts[0].text, "Line one\r\nLine \"two\"");
        assert_eq!(arts[0].section.as_deref(), Some("business"));
        assert_eq!(arts[0].published.as_deref(), Some("2005-03-01"));
        assert_eq!(arts[0].url.as_deref(), Some("https://x/c1"));
        assert_eq!(arts[1].id, "c3");
        assert_eq!(arts[1].published, None);
        let rj = rejects(&matter);
        assert_eq!(rj.len(), 3);
        // The broken row starts on line 4: the quoted field of c1 spans lines 2 and 3.
        assert_eq!(rj[0]["line"], 4);
        assert_eq!(rj[0]["record"], 2);
        assert!(
            rj[0]["reason"]
                .as_str()
                .unwrap()
                .contains("7 fields but the header has 6"),
            "{}",
            rj[0]["reason"]
        );
        assert!(rj[0]["excerpt"].as_str().unwrap().starts_with("c2,Broken"));
        assert_eq!(rj[1]["reason"], "missing id");
        assert_eq!(rj[1]["line"], 6);
        assert_eq!(rj[2]["reason"], "empty text");

        // LF line ends, blank lines and a field spanning three lines.
        let lf = tmp.path().join("lf.csv");
        write(&lf, b"id,text\n\nl1,\"a\nb\nc\"\n\n\nl2,x,extra\nl3,fine\n");
        let s = import(&matter, &[lf], &mut Silent).unwrap();
        let f = &s.files[0];
        assert_eq!((f.read, f.imported, f.rejected), (3, 2, 1));
        let rj = rejects(&matter);
        assert_eq!(rj[3]["line"], 8, "{}", rj[3]);
        assert_eq!(load(&matter).unwrap()[2].text, "a\nb\nc");
    }

    #[test]
    fn csv_without_id_column_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let input = tmp.path().join("bad.csv");
        write(&input, b"name,text\nx,y\n");
        let s = import(&matter, &[input], &mut Silent).unwrap();
        let why = s.files[0].skipped.as_deref().unwrap();
        assert!(why.contains("no 'id' column"), "{why}");
        assert_eq!(s.files[0].read, 0);
        assert!(stats(&matter).unwrap().sources.is_empty());
    }

    #[test]
    fn folder_of_text_markdown_and_html() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let root = tmp.path().join("corpus");
        write(
            &root.join("b/2.txt"),
            b"\n\n  Second title  \nBody of two.\n",
        );
        write(
            &root.join("a.md"),
            b"# Markdown Title\n\nSome *markdown* text.\n",
        );
        write(
            &root.join("b/page.html"),
            b"<html><head><title>Page &amp; Title</title><script>x()</script></head>\
<body><p>It&#8217;s here.</p><p>Second&nbsp;paragraph.</p></body></html>",
        );
        write(&root.join("b/c/old.htm"), b"<p>caf\xe9 \x93quoted\x94</p>");
        write(&root.join("empty.txt"), b"  \n");
        write(&root.join("image.jpg"), b"\xff\xd8");
        write(&root.join(".hidden.txt"), b"ignored");
        write(
            &root.join("data/more.jsonl"),
            b"{\"id\": \"j1\", \"text\": \"From the jsonl inside the folder.\"}\n",
        );
        let s = import(&matter, std::slice::from_ref(&root), &mut Silent).unwrap();
        assert_eq!(s.files.len(), 2, "{s:?}");
        assert_eq!(s.files[0].kind, "jsonl");
        assert_eq!(s.files[0].imported, 1);
        let f = &s.files[1];
        assert_eq!(f.kind, "folder");
        assert_eq!((f.read, f.imported, f.rejected), (5, 4, 1));
        adds_up(f);
        assert!(
            f.problems
                .iter()
                .any(|p| p.contains("1 file with other extensions skipped")),
            "{:?}",
            f.problems
        );
        assert!(f.problems.iter().any(|p| p.contains("Windows-1252")));
        let arts = load(&matter).unwrap();
        let by_id: HashMap<&str, &Article> = arts.iter().map(|a| (a.id.as_str(), a)).collect();
        let ids: Vec<&str> = arts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["j1", "a.md", "b/2.txt", "b/c/old.htm", "b/page.html"]);
        assert_eq!(by_id["a.md"].title.as_deref(), Some("Markdown Title"));
        assert_eq!(by_id["b/2.txt"].title.as_deref(), Some("Second title"));
        assert_eq!(by_id["b/page.html"].title.as_deref(), Some("Page & Title"));
        assert_eq!(by_id["b/page.html"].text, "It’s here.\n\nSecond paragraph.");
        assert_eq!(by_id["b/c/old.htm"].text, "café “quoted”");
        assert_eq!(by_id["b/c/old.htm"].title.as_deref(), Some("café “quoted”"));
        let rj = rejects(&matter);
        assert_eq!(rj.len(), 1);
        assert!(rj[0]["file"].as_str().unwrap().ends_with("empty.txt"));
        assert_eq!(rj[0]["reason"], "empty text");

        // The same folder again: both inputs are skipped.
        let again = import(&matter, std::slice::from_ref(&root), &mut Silent).unwrap();
        assert!(again.files.iter().all(|f| f.skipped.is_some()));
        // A changed file makes the folder new: the unchanged files are duplicates.
        write(&root.join("new.txt"), b"A new one.");
        let third = import(&matter, &[root], &mut Silent).unwrap();
        let f = &third.files[1];
        assert_eq!((f.read, f.imported, f.duplicates, f.rejected), (6, 1, 4, 1));
        adds_up(f);
    }

    #[test]
    fn readme_and_licence_files_in_a_corpus_are_skipped_and_said_once() {
        use super::read::is_doc_name;
        for doc in [
            "README.txt",
            "bbc_news_README.TXT",
            "LICENSE-MIT.md",
            "licence.txt",
            "CHANGELOG.md",
        ] {
            assert!(is_doc_name(doc), "{doc}");
        }
        for article in [
            "license-to-kill.txt",
            "readme-of-the-week-edition.txt",
            "2.txt",
            "news.md",
        ] {
            assert!(!is_doc_name(article), "{article}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let root = tmp.path().join("corpus");
        write(&root.join("one.txt"), b"An article about the harbour.\n");
        write(
            &root.join("bbc_news_README.TXT"),
            b"This corpus was collected from...\n",
        );
        write(&root.join("LICENSE"), b"MIT\n");
        let mut notes = Vec::new();
        struct Notes<'a>(&'a mut Vec<String>);
        impl crate::progress::Progress for Notes<'_> {
            fn begin(&mut self, _: &str, _: Option<u64>) {}
            fn update(&mut self, _: u64, _: u64) {}
            fn end(&mut self) {}
            fn note(&mut self, s: &str) {
                self.0.push(s.to_string());
            }
        }
        let s = import(&matter, std::slice::from_ref(&root), &mut Notes(&mut notes)).unwrap();
        let ids: Vec<String> = load(&matter).unwrap().into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["one.txt"]);
        let readme = s
            .files
            .iter()
            .find(|f| f.path.ends_with("bbc_news_README.TXT"))
            .expect("the README is reported");
        assert!(readme.skipped.as_deref().unwrap().contains("README"));
        // Reported in the summary, not also as a progress note.
        assert!(notes.iter().all(|n| !n.contains("README")), "{notes:?}");
        // Named on its own, it is imported.
        let s = import(&matter, &[root.join("bbc_news_README.TXT")], &mut Silent).unwrap();
        assert_eq!(s.files[0].imported, 1);
    }

    #[test]
    fn single_text_file_and_unsupported_file() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let txt = tmp.path().join("story.txt");
        write(&txt, b"Title line\nText.");
        let other = tmp.path().join("notes.docx");
        write(&other, b"PK\x03\x04");
        let s = import(&matter, &[txt, other], &mut Silent).unwrap();
        assert_eq!(s.files[0].imported, 1);
        assert_eq!(load(&matter).unwrap()[0].id, "story.txt");
        assert_eq!(s.files[1].kind, "other");
        assert!(s.files[1].skipped.is_some());
        // A missing path is an error before anything is written.
        let err = import(&matter, &[tmp.path().join("nope.jsonl")], &mut Silent).unwrap_err();
        assert!(format!("{err:#}").contains("nope.jsonl"));
    }

    #[test]
    fn duplicates_renames_and_reimport() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let first = tmp.path().join("first.jsonl");
        write(
            &first,
            b"{\"id\": \"n1\", \"text\": \"alpha\"}\n{\"id\": \"n2\", \"text\": \"beta\"}\n\
{\"id\": \"n1\", \"text\": \"alpha\"}\n",
        );
        let s = import(&matter, std::slice::from_ref(&first), &mut Silent).unwrap();
        let f = &s.files[0];
        assert_eq!((f.read, f.imported, f.duplicates, f.renamed), (3, 2, 1, 0));
        adds_up(f);

        let second = tmp.path().join("second.jsonl");
        write(
            &second,
            b"{\"id\": \"n1\", \"text\": \"alpha\"}\n{\"id\": \"n1\", \"text\": \"gamma\"}\n\
{\"id\": \"n1\", \"text\": \"delta\"}\n{\"id\": \"n1\", \"text\": \"gamma\"}\n\
{\"id\": \"n2\", \"text\": \"epsilon\"}\n",
        );
        let s = import(&matter, std::slice::from_ref(&second), &mut Silent).unwrap();
        let f = &s.files[0];
        assert_eq!((f.read, f.imported, f.duplicates, f.renamed), (5, 3, 2, 3));
        adds_up(f);
        assert!(
            f.problems[0].contains("stored as 'n1#2'"),
            "{:?}",
            f.problems
        );
        let arts = load(&matter).unwrap();
        let got: Vec<(&str, &str)> = arts
            .iter()
            .map(|a| (a.id.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("n1", "alpha"),
                ("n2", "beta"),
                ("n1#2", "gamma"),
                ("n1#3", "delta"),
                ("n2#2", "epsilon")
            ]
        );
        assert_eq!(s.total_articles, 5);

        // The same file again, under its own name or another: skipped, nothing changes.
        let sha_before = corpus_sha256(&matter).unwrap();
        let copy = tmp.path().join("copy-of-second.jsonl");
        fs::copy(&second, &copy).unwrap();
        let s = import(&matter, &[second, copy], &mut Silent).unwrap();
        for f in &s.files {
            let why = f.skipped.as_deref().unwrap();
            assert!(why.starts_with("already imported"), "{why}");
            assert_eq!(f.read, 0);
        }
        assert_eq!(s.total_articles, 5);
        assert_eq!(corpus_sha256(&matter).unwrap(), sha_before);

        // A new file: the table rebuilt from the store still knows the renamed variants.
        let third = tmp.path().join("third.jsonl");
        write(
            &third,
            b"{\"id\": \"n1\", \"text\": \"delta\"}\n{\"id\": \"n1\", \"text\": \"zeta\"}\n",
        );
        let s = import(&matter, &[third], &mut Silent).unwrap();
        let f = &s.files[0];
        assert_eq!((f.imported, f.duplicates, f.renamed), (1, 1, 1));
        assert_eq!(load(&matter).unwrap().last().unwrap().id, "n1#4");
        assert_eq!(stats(&matter).unwrap().sources.len(), 3);
    }

    #[test]
    fn interrupted_import_is_invisible_and_cleaned_up() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let input = tmp.path().join("a.jsonl");
        write(&input, b"{\"id\": \"a\", \"text\": \"A\"}\n");
        import(&matter, &[input], &mut Silent).unwrap();
        let sha = corpus_sha256(&matter).unwrap();
        // What a crash mid-file leaves: complete and torn lines past the commit point.
        let store = matter.join(DIR).join(ARTICLES_FILE);
        let mut f = fs::OpenOptions::new().append(true).open(&store).unwrap();
        f.write_all(b"{\"id\":\"b\",\"text\":\"B\"}\n{\"id\":\"c\",\"te")
            .unwrap();
        drop(f);
        assert_eq!(load(&matter).unwrap().len(), 1);
        assert_eq!(corpus_sha256(&matter).unwrap(), sha);
        assert_eq!(stats(&matter).unwrap().articles, 1);
        // The next import cuts the leftovers before writing.
        let next = tmp.path().join("b.jsonl");
        write(&next, b"{\"id\": \"b\", \"text\": \"B2\"}\n");
        let s = import(&matter, &[next], &mut Silent).unwrap();
        assert_eq!(s.files[0].imported, 1);
        let arts = load(&matter).unwrap();
        assert_eq!(arts.len(), 2);
        assert_eq!(arts[1].text, "B2");
        let bytes = fs::read(&store).unwrap();
        assert!(bytes.ends_with(b"\n"));
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 2);

        // A store shorter than recorded is reported, not silently read.
        let len = bytes.len() as u64;
        fs::OpenOptions::new()
            .write(true)
            .open(&store)
            .unwrap()
            .set_len(len - 3)
            .unwrap();
        let err = load(&matter).unwrap_err();
        assert!(
            format!("{err:#}").contains("changed outside verbatim"),
            "{err:#}"
        );
    }

    #[test]
    fn read_error_mid_file_rolls_back() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        // A gzip stream cut short: records decode, then the stream fails.
        let mut body = String::new();
        for i in 0..2000 {
            body.push_str(&format!(
                "{{\"id\": \"g{i}\", \"text\": \"text number {i} {}\"}}\n",
                "pad ".repeat(i % 50)
            ));
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(body.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let input = tmp.path().join("cut.jsonl.gz");
        write(&input, &gz[..gz.len() / 2]);
        let whole = tmp.path().join("whole.jsonl.gz");
        write(&whole, &gz);
        let s = import(&matter, &[input, whole], &mut Silent).unwrap();
        let f = &s.files[0];
        let why = f.skipped.as_deref().unwrap();
        assert!(why.starts_with("failed after"), "{why}");
        assert_eq!((f.imported, f.rejected), (0, 0));
        // The complete file that follows imports every record as new.
        assert_eq!(s.files[1].imported, 2000);
        assert_eq!(load(&matter).unwrap().len(), 2000);
        assert_eq!(stats(&matter).unwrap().sources.len(), 1);
    }

    #[test]
    fn second_importer_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let _held = Writer::open(&matter, &mut Silent).unwrap();
        let input = tmp.path().join("a.jsonl");
        write(&input, b"{\"id\": \"a\", \"text\": \"A\"}\n");
        let err = import(&matter, &[input], &mut Silent).unwrap_err();
        assert!(
            format!("{err:#}").contains("another verbatim process"),
            "{err:#}"
        );
    }

    #[test]
    fn suffix_parsing() {
        assert_eq!(idplace::split_suffix("a#2"), Some(("a", 2)));
        assert_eq!(idplace::split_suffix("a#b#12"), Some(("a#b", 12)));
        assert_eq!(idplace::split_suffix("a#1"), None);
        assert_eq!(idplace::split_suffix("a#02"), None);
        assert_eq!(idplace::split_suffix("#2"), None);
        assert_eq!(idplace::split_suffix("a#"), None);
        assert_eq!(idplace::split_suffix("a#x"), None);
    }

    /// Expected counts of a JSON Lines file, computed without the module's readers.
    fn expected_counts(path: &Path) -> (u64, u64, u64, u64) {
        let text = fs::read_to_string(path).unwrap();
        let mut seen: HashMap<String, Vec<String>> = HashMap::new();
        let (mut read, mut imported, mut duplicates, mut rejected) = (0, 0, 0, 0);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            read += 1;
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = match &v["id"] {
                serde_json::Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => {
                    rejected += 1;
                    continue;
                }
            };
            let body = [&v["text"], &v["body"]]
                .into_iter()
                .filter_map(|t| t.as_str())
                .find(|t| !t.trim().is_empty());
            let Some(body) = body else {
                rejected += 1;
                continue;
            };
            let texts = seen.entry(id).or_default();
            if texts.iter().any(|t| t == body) {
                duplicates += 1;
            } else {
                texts.push(body.to_string());
                imported += 1;
            }
        }
        (read, imported, duplicates, rejected)
    }

    #[test]
    fn real_news_corpora() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/articles");
        let bbc = data.join("bbc_news_2005.jsonl");
        let reuters = data.join("reuters21578.jsonl");
        if !bbc.exists() || !reuters.exists() {
            eprintln!(
                "skipping: {} or {} is absent",
                bbc.display(),
                reuters.display()
            );
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let matter = tmp.path().join("m");
        let s = import(&matter, std::slice::from_ref(&bbc), &mut Silent).unwrap();
        assert_eq!(s.files[0].imported, 2225);
        assert_eq!(s.total_articles, 2225);
        let arts = load(&matter).unwrap();
        assert_eq!(arts.len(), 2225);
        assert_eq!(arts[0].id, "bbc/business/001");
        assert_eq!(arts[0].section.as_deref(), Some("business"));
        assert_eq!(
            arts[0].title.as_deref(),
            Some("Ad sales boost Time Warner profit")
        );
        assert_eq!(stats(&matter).unwrap().sections.len(), 5);

        let (read, imported, duplicates, rejected) = expected_counts(&reuters);
        assert_eq!(read, 21_578);
        assert!(rejected > 0);
        let s = import(&matter, std::slice::from_ref(&reuters), &mut Silent).unwrap();
        let f = &s.files[0];
        adds_up(f);
        assert_eq!(
            (f.read, f.imported, f.duplicates, f.rejected),
            (read, imported, duplicates, rejected)
        );
        assert!(rejects(&matter).iter().all(|r| r["reason"] == "empty text"));
        assert_eq!(s.total_articles, 2225 + imported);
        let st = stats(&matter).unwrap();
        assert_eq!(st.articles, 2225 + imported);
        assert_eq!(st.first_published.as_deref().map(|d| &d[..4]), Some("1987"));
        assert_eq!(st.rejects, rejected);
    }
}
