//! The article table of a matter, on disk: `articles/table/` holds the arrays of
//! [`ArticleTable`] as files, memory-mapped when detection runs, so a corpus of millions of
//! articles is read from the page cache on demand instead of held on the heap.
//!
//! - `words.bin`: every article's word hashes (u64), one article after another;
//! - `index.bin`: per article, and one past the last, its first word and the first byte of
//!   its line in `articles.jsonl` (the record, read only for an article a finding names);
//! - `entries.bin`: the sampled k-grams, sorted (12 bytes each), boilerplate dropped;
//! - `buckets.bin`: where each of the 2^20 buckets of entries starts (u64);
//! - `manifest.json`: version, corpus SHA-256 and length, counts, `max_df`; written last.
//!
//! The build streams `articles.jsonl` once, in batches tokenised on every core, and writes
//! each sampled k-gram to one of P partition files by the top bits of its hash (P chosen so
//! that a partition fits in a quarter of the memory budget). Each partition is then sorted
//! alone and appended: an external sort in one pass, with memory bounded by the budget, not
//! by the corpus. The table is built in `table.new/` and swapped in by rename, so an
//! interrupted build leaves the previous table (or none) and is redone next time; a table
//! whose manifest, version, corpus or file sizes do not match is rebuilt, with the reason said.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::normalize;
use super::table::{
    ArticleTable, Bytes, ENTRY_BYTES, INDEX_BYTES, MAX_BUCKET_BITS, MIN_BUCKET_BITS, RAW_BYTES,
    RawEntry, Texts, bucket_bits_for, sample, write_offsets, write_sorted,
};
use crate::fsutil;
use crate::progress::Progress;

/// Layout version of the files; a table of another version is rebuilt.
pub const STORE_VERSION: u32 = 1;
/// Default memory budget of a build, in MiB (`--memory`).
pub const DEFAULT_MEMORY_MIB: u64 = 2048;
const DIR: &str = "table";
const NEW_DIR: &str = "table.new";
const LOCK_FILE: &str = "table.lock";
const MANIFEST: &str = "manifest.json";
/// Tables with more bytes of entries than this are read with prefetching: smaller ones stay
/// in the CPU's caches, where asking ahead only costs instructions.
const PREFETCH_FROM: u64 = 32 << 20;
/// Partition files open at once during a build (well under the usual limit of 1,024 open
/// files); a partition that outgrows the budget is split when it is sorted.
const MAX_PARTITIONS: usize = 256;

/// What the table's contents depend on besides the corpus: the k-gram length, the sampling
/// stride and the tokeniser (through the detector version). A table built otherwise is rebuilt.
fn algorithm() -> String {
    format!(
        "k{}-stride{}-detector{}",
        super::table::K,
        super::table::STRIDE,
        super::DETECTOR_VERSION
    )
}

/// What `manifest.json` records about a built table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub version: u32,
    /// K-gram length, stride and detector version the table was built with.
    pub algorithm: String,
    /// SHA-256 and length of the committed `articles.jsonl` the table was built from.
    pub corpus_sha256: String,
    pub corpus_bytes: u64,
    pub articles: u64,
    pub words: u64,
    pub entries: u64,
    pub max_df: usize,
    pub boilerplate_dropped: u64,
    /// Buckets of the k-gram table: 2^bucket_bits.
    pub bucket_bits: u32,
    pub built: DateTime<Utc>,
    pub seconds: f64,
    pub memory_mib: u64,
    pub partitions: usize,
}

/// A build that happened, and why.
#[derive(Debug, Clone)]
pub struct Built {
    pub why: String,
    pub manifest: Manifest,
}

fn dir_of(matter_dir: &Path) -> PathBuf {
    matter_dir.join(crate::articles::DIR).join(DIR)
}

/// The table of the matter's corpus, built first (and `Built` says why) when there is none
/// or it is out of date. `corpus_bytes` and `corpus_sha256` are the committed corpus's length
/// and hash, taken together (`articles::corpus_fingerprint`; the caller records the hash);
/// `memory_mib` bounds a build's anonymous memory.
pub fn open_or_build(
    matter_dir: &Path,
    corpus_bytes: u64,
    corpus_sha256: &str,
    max_df: usize,
    memory_mib: u64,
    progress: &mut dyn Progress,
) -> Result<(ArticleTable, Option<Built>)> {
    let articles_dir = matter_dir.join(crate::articles::DIR);
    // One build at a time; a second waits and then finds the table built.
    let _lock = lock_table(matter_dir, Wait::Yes(progress))?;
    // Under the lock no build runs: a table.new/ is what a killed one left.
    let stale = articles_dir.join(NEW_DIR);
    if stale.exists() {
        fs::remove_dir_all(&stale).with_context(|| format!("cannot remove {}", stale.display()))?;
    }
    let why = match check(matter_dir, corpus_sha256, corpus_bytes, max_df)? {
        // Files of the right sizes whose offsets disagree are rebuilt like any other damage.
        None => match map(matter_dir) {
            Ok(table) => return Ok((table, None)),
            Err(e) => format!("{e:#}"),
        },
        Some(why) => why,
    };
    progress.note(&format!("{why}; building the article table"));
    let manifest = build(matter_dir, max_df, budget(memory_mib), progress)?;
    if manifest.corpus_sha256 != corpus_sha256 {
        bail!("the article corpus changed while its table was built; run the command again");
    }
    Ok((map(matter_dir)?, Some(Built { why, manifest })))
}

/// The table of the matter's corpus as it is, never built: for a cluster's shard, which reads
/// the table its coordinator built and writes nothing.
pub fn open_built(
    matter_dir: &Path,
    corpus_bytes: u64,
    corpus_sha256: &str,
    max_df: usize,
) -> Result<ArticleTable> {
    if let Some(why) = check(matter_dir, corpus_sha256, corpus_bytes, max_df)? {
        bail!("{why} (the coordinator builds the table: run detect there again)");
    }
    map(matter_dir)
}

/// Builds the table now, whatever is there (after `articles import`).
pub fn rebuild(
    matter_dir: &Path,
    max_df: usize,
    memory_mib: u64,
    progress: &mut dyn Progress,
) -> Result<Manifest> {
    let _lock = lock_table(matter_dir, Wait::Yes(progress))?;
    build(matter_dir, max_df, budget(memory_mib), progress)
}

/// Whether taking the table's lock waits for another process that holds it.
enum Wait<'a> {
    /// Waits, saying so through the progress.
    Yes(&'a mut dyn Progress),
    /// Gives up: None.
    No,
}

/// The lock held while the table is built (`articles/table.lock`).
fn lock_table(matter_dir: &Path, wait: Wait) -> Result<Option<File>> {
    let articles_dir = matter_dir.join(crate::articles::DIR);
    fsutil::create_matter_subdir(&articles_dir)?;
    let lock_path = articles_dir.join(LOCK_FILE);
    let lock = fsutil::open_append_private(&lock_path)?;
    let failed = |e| Err(e).with_context(|| format!("cannot lock {}", lock_path.display()));
    match (lock.try_lock(), wait) {
        (Ok(()), _) => Ok(Some(lock)),
        (Err(fs::TryLockError::WouldBlock), Wait::No) => Ok(None),
        (Err(fs::TryLockError::WouldBlock), Wait::Yes(progress)) => {
            progress.note("another verbatim process is building the article table; waiting for it");
            match lock.lock() {
                Ok(()) => Ok(Some(lock)),
                Err(e) => failed(e),
            }
        }
        (Err(fs::TryLockError::Error(e)), _) => failed(e),
    }
}

/// Bytes of a budget of `mib` MiB (64 at least).
fn budget(mib: u64) -> u64 {
    mib.clamp(64, 1 << 24) << 20
}

/// The manifest of the built table, if any.
pub fn manifest(matter_dir: &Path) -> Result<Option<Manifest>> {
    let path = dir_of(matter_dir).join(MANIFEST);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok(serde_json::from_slice(&bytes).ok())
}

/// Why the stored table cannot serve `corpus_sha256` with `max_df`; None when it can.
fn check(
    matter_dir: &Path,
    corpus_sha256: &str,
    extent: u64,
    max_df: usize,
) -> Result<Option<String>> {
    let dir = dir_of(matter_dir);
    if !dir.join(MANIFEST).exists() {
        return Ok(Some("the matter has no article table yet".into()));
    }
    let Some(m) = manifest(matter_dir)? else {
        return Ok(Some("the article table's manifest is damaged".into()));
    };
    if m.version != STORE_VERSION {
        return Ok(Some(format!(
            "the article table has layout version {} and this build reads version {STORE_VERSION}",
            m.version
        )));
    }
    if m.algorithm != algorithm() {
        return Ok(Some(format!(
            "the article table was built for {} and this build detects with {}",
            m.algorithm,
            algorithm()
        )));
    }
    if !(MIN_BUCKET_BITS..=MAX_BUCKET_BITS).contains(&m.bucket_bits) {
        return Ok(Some("the article table's manifest is damaged".into()));
    }
    if m.corpus_sha256 != corpus_sha256 || m.corpus_bytes != extent {
        return Ok(Some(
            "the article corpus changed since its table was built".into(),
        ));
    }
    if m.max_df != max_df {
        return Ok(Some(format!(
            "the article table drops k-grams in more than {} articles and this run asks for {max_df}",
            m.max_df
        )));
    }
    let sizes = [
        ("words.bin", m.words.checked_mul(8)),
        (
            "index.bin",
            m.articles
                .checked_add(1)
                .and_then(|n| n.checked_mul(INDEX_BYTES as u64)),
        ),
        ("entries.bin", m.entries.checked_mul(ENTRY_BYTES as u64)),
        ("buckets.bin", Some(((1u64 << m.bucket_bits) + 1) * 8)),
    ];
    for (name, len) in sizes {
        let Some(len) = len else {
            return Ok(Some("the article table's manifest is damaged".into()));
        };
        let have = fs::metadata(dir.join(name)).map(|m| m.len()).ok();
        if have != Some(len) {
            return Ok(Some(format!(
                "the article table's {name} is {} where {len} bytes were written",
                have.map_or("missing".to_string(), |h| format!("{h} bytes"))
            )));
        }
    }
    Ok(None)
}

/// How a file of the table is read.
#[derive(Clone, Copy, PartialEq)]
enum Access {
    /// At scattered places: read-ahead on a cold cache would only evict pages that are wanted.
    Random,
    /// Every lookup touches it: mapped whole up front (the bucket offsets, 8 bytes a bucket).
    Populate,
    /// A scan touches nearly every page of it (the entries): the kernel reads it ahead, in
    /// order, while the scan starts, instead of page by page at random on a cold cache.
    WillNeed,
}

fn map_file(path: &Path, access: Access) -> Result<Bytes> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    if file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len()
        == 0
    {
        return Ok(Bytes::Owned(Vec::new()));
    }
    // Safety: the table's files are written once, then only replaced by rename; the
    // committed part of articles.jsonl is only ever appended to, never rewritten.
    let mut options = memmap2::MmapOptions::new();
    if access == Access::Populate {
        options.populate();
    }
    let map =
        unsafe { options.map(&file) }.with_context(|| format!("cannot map {}", path.display()))?;
    // Advice only: a kernel that ignores it reads as usual.
    match access {
        Access::Random => {
            let _ = map.advise(memmap2::Advice::Random);
        }
        Access::WillNeed => {
            let _ = map.advise(memmap2::Advice::WillNeed);
        }
        Access::Populate => {}
    }
    Ok(Bytes::Mapped(map))
}

fn map(matter_dir: &Path) -> Result<ArticleTable> {
    let dir = dir_of(matter_dir);
    let m = manifest(matter_dir)?.context("the article table has no manifest")?;
    let (articles_path, _) = crate::articles::committed(matter_dir)?;
    let texts = map_file(&articles_path, Access::Random)?;
    if (texts.len() as u64) < m.corpus_bytes {
        bail!(
            "{} is shorter than when its table was built",
            articles_path.display()
        );
    }
    let table = ArticleTable {
        prefetch: m.entries * ENTRY_BYTES as u64 > PREFETCH_FROM,
        n: m.articles as usize,
        words: map_file(&dir.join("words.bin"), Access::Random)?,
        index: map_file(&dir.join("index.bin"), Access::Random)?,
        entries: map_file(&dir.join("entries.bin"), Access::WillNeed)?,
        buckets: map_file(&dir.join("buckets.bin"), Access::Populate)?,
        bucket_bits: m.bucket_bits,
        texts: Texts::Mapped(texts, Default::default()),
        boilerplate_dropped: m.boilerplate_dropped,
    };
    // The sizes matched the manifest; the offsets must agree with it too, so that no lookup
    // reads past a file (the entries' article numbers are checked as they are read).
    if let Err(why) = table.validate(m.words, m.corpus_bytes) {
        bail!("the article table is damaged: {why}");
    }
    Ok(table)
}

/// Partition count for a corpus of `bytes`: each partition's entries in a quarter of the
/// budget (about 16 bytes of entry per 30 bytes of stored article).
fn partitions_for(bytes: u64, memory: u64) -> usize {
    let est = bytes / 30 * RAW_BYTES as u64;
    let per = (memory / 4).max(1 << 12);
    (est.div_ceil(per) as usize)
        .next_power_of_two()
        .clamp(1, MAX_PARTITIONS)
}

fn writer(path: &Path, cap: usize) -> Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(cap, fsutil::create_private(path)?))
}

fn finish(w: BufWriter<File>, path: &Path) -> Result<()> {
    let f = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    f.sync_all()
        .with_context(|| format!("cannot sync {}", path.display()))
}

/// Lines of the corpus read together: (line number, byte offset, line), and where they end.
struct Batch {
    lines: Lines,
    end: u64,
}

/// Reads the first `extent` bytes of the corpus in batches of lines, hashing them; returns
/// the SHA-256 (empty for an empty corpus, as `articles::corpus_sha256` says) and the length.
fn read_batches(
    file: File,
    extent: u64,
    batch_bytes: usize,
    path: &Path,
    tx: std::sync::mpsc::SyncSender<Result<Batch>>,
) -> Result<(String, u64)> {
    let mut reader = BufReader::with_capacity(1 << 20, file.take(extent));
    let mut sha = Sha256::new();
    let (mut offset, mut line_no) = (0u64, 0u64);
    loop {
        let mut lines = Vec::new();
        let mut size = 0;
        while size < batch_bytes {
            let mut line = Vec::new();
            let n = match reader.read_until(b'\n', &mut line) {
                Ok(n) => n,
                Err(e) => {
                    let e =
                        anyhow::Error::from(e).context(format!("cannot read {}", path.display()));
                    let _ = tx.send(Err(e));
                    bail!("cannot read {}", path.display());
                }
            };
            if n == 0 {
                break;
            }
            sha.update(&line);
            line_no += 1;
            let at = offset;
            offset += n as u64;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            size += n;
            lines.push((line_no, at, line));
        }
        if lines.is_empty() {
            break;
        }
        if tx.send(Ok(Batch { lines, end: offset })).is_err() {
            // The builder stopped on an error of its own, which it reports.
            break;
        }
    }
    let sha = if offset == 0 {
        String::new()
    } else {
        hex::encode(sha.finalize())
    };
    Ok((sha, offset))
}

/// The first phase of a build: word hashes and the index written in order, sampled k-grams
/// spilled to partition files by the top bits of their hash.
struct Spill {
    new: PathBuf,
    parts: usize,
    part_out: Vec<BufWriter<File>>,
    shift: u32,
    words_out: BufWriter<File>,
    index_out: BufWriter<File>,
    articles: u64,
    words: u64,
    sampled: u64,
    /// Hash of the lines as given, when the caller does not hash the file itself.
    sha: Option<Sha256>,
    /// End of the last line added.
    end: u64,
    started: Instant,
}

/// A stored article's text, borrowed from its line when it holds no escapes (a line without
/// an id is still refused as damaged).
#[derive(serde::Deserialize)]
struct StoredText<'a> {
    #[serde(rename = "id")]
    _id: serde::de::IgnoredAny,
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
}

/// Lines of the corpus: (line number, byte offset, line).
type Lines = Vec<(u64, u64, Vec<u8>)>;

impl Spill {
    /// Starts a build in a fresh `table.new/`, its partitions sized for a corpus of `bytes`.
    fn start(articles_dir: &Path, bytes: u64, memory: u64, hash: bool) -> Result<Spill> {
        let new = articles_dir.join(NEW_DIR);
        if new.exists() {
            fs::remove_dir_all(&new).with_context(|| format!("cannot remove {}", new.display()))?;
        }
        fsutil::create_matter_subdir(&new)?;
        let parts = partitions_for(bytes, memory);
        let part_cap = ((memory / 8) as usize / parts).clamp(1 << 12, 1 << 20);
        let part_out = (0..parts)
            .map(|p| writer(&part_path(&new, p), part_cap))
            .collect::<Result<_>>()?;
        Ok(Spill {
            parts,
            part_out,
            shift: 64 - parts.trailing_zeros(),
            words_out: writer(&new.join("words.bin"), 1 << 20)?,
            index_out: writer(&new.join("index.bin"), 1 << 16)?,
            new,
            articles: 0,
            words: 0,
            sampled: 0,
            sha: hash.then(Sha256::new),
            end: 0,
            started: Instant::now(),
        })
    }

    /// Adds a batch of (line number, byte offset, line) of the corpus, in order.
    fn add(&mut self, lines: &[(u64, u64, Vec<u8>)], path: &Path) -> Result<()> {
        let first = self.articles;
        // The corpus hash is sequential: it runs beside the tokenising, not after it.
        let mut sha = self.sha.take();
        let (_, done) = rayon::join(
            || {
                if let Some(sha) = &mut sha {
                    for (_, _, line) in lines {
                        sha.update(line);
                    }
                }
            },
            || tokenise(first, lines, path),
        );
        self.sha = sha;
        for ((_, at, line), d) in lines.iter().zip(done) {
            let (bytes, entries) = d?;
            self.end = at + line.len() as u64;
            self.index_out
                .write_all(&self.words.to_le_bytes())
                .and_then(|_| self.index_out.write_all(&at.to_le_bytes()))
                .context("cannot write the article index")?;
            self.sampled += entries.len() as u64;
            for e in &entries {
                self.part_out[e.kgram.checked_shr(self.shift).unwrap_or(0) as usize]
                    .write_all(&e.encode())
                    .context("cannot write a k-gram partition")?;
            }
            self.words_out
                .write_all(&bytes)
                .context("cannot write the article words")?;
            self.words += (bytes.len() / 8) as u64;
            self.articles += 1;
        }
        Ok(())
    }

    /// Sorts the partitions into the table, writes the manifest and swaps the table in.
    /// `extent` and `sha` describe the corpus the lines came from.
    fn finish(
        mut self,
        matter_dir: &Path,
        extent: u64,
        sha: String,
        max_df: usize,
        memory: u64,
        progress: &mut dyn Progress,
    ) -> Result<Manifest> {
        let new = self.new.clone();
        self.index_out
            .write_all(&self.words.to_le_bytes())
            .and_then(|_| self.index_out.write_all(&extent.to_le_bytes()))
            .context("cannot write the article index")?;
        finish(self.words_out, &new.join("words.bin"))?;
        finish(self.index_out, &new.join("index.bin"))?;
        for (p, w) in self.part_out.into_iter().enumerate() {
            finish(w, &part_path(&new, p))?;
        }
        // Sort each partition alone; partitions follow each other in hash order.
        let entries_path = new.join("entries.bin");
        let mut entries_out = writer(&entries_path, 1 << 20)?;
        let bits = bucket_bits_for(self.sampled);
        let mut counts = vec![0u64; 1usize << bits];
        let mut dropped = 0u64;
        progress.begin("k-gram table", Some(self.parts as u64));
        for p in 0..self.parts {
            let path = part_path(&new, p);
            dropped += sort_partition(
                &path,
                self.parts.trailing_zeros(),
                max_df,
                bits,
                memory,
                &mut entries_out,
                &mut counts,
            )?;
            progress.update(p as u64 + 1, p as u64 + 1);
        }
        progress.end();
        finish(entries_out, &entries_path)?;
        let entries: u64 = counts.iter().sum();
        write_bucket_offsets(&new.join("buckets.bin"), &counts)?;
        let manifest = Manifest {
            version: STORE_VERSION,
            algorithm: algorithm(),
            corpus_sha256: sha,
            corpus_bytes: extent,
            articles: self.articles,
            words: self.words,
            entries,
            max_df,
            boilerplate_dropped: dropped,
            bucket_bits: bits,
            built: Utc::now(),
            seconds: self.started.elapsed().as_secs_f64(),
            memory_mib: memory >> 20,
            partitions: self.parts,
        };
        let bytes =
            serde_json::to_vec_pretty(&manifest).context("cannot encode the table manifest")?;
        fsutil::write_atomic(&new.join(MANIFEST), &bytes)?;
        fsutil::sync_dir(&new);
        // Swap: the old table goes first, so a crash in between leaves none (rebuilt next
        // time), never a mix.
        let articles_dir = matter_dir.join(crate::articles::DIR);
        let dir = dir_of(matter_dir);
        if dir.exists() {
            let old = articles_dir.join("table.old");
            if old.exists() {
                fs::remove_dir_all(&old)
                    .with_context(|| format!("cannot remove {}", old.display()))?;
            }
            fs::rename(&dir, &old).with_context(|| format!("cannot move {}", dir.display()))?;
            fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        }
        fs::rename(&new, &dir).with_context(|| format!("cannot move {}", new.display()))?;
        fsutil::sync_dir(&articles_dir);
        Ok(manifest)
    }
}

/// Bucket offsets (one more than the buckets, little-endian u64s) from per-bucket counts,
/// streamed: at 2^28 buckets a second array in memory would be 2 GiB.
fn write_bucket_offsets(path: &Path, counts: &[u64]) -> Result<()> {
    let mut w = writer(path, 1 << 20)?;
    write_offsets(counts, &mut w).with_context(|| format!("cannot write {}", path.display()))?;
    finish(w, path)
}

fn part_path(new: &Path, p: usize) -> PathBuf {
    new.join(format!("part-{p:04}.tmp"))
}

/// Sorts one partition file into `out` and removes it. Its entries share their top `prefix`
/// bits. A partition larger than a third of the budget (a corpus larger than its estimate)
/// is first split by the next 4 bits into 16 files, sorted one after another in hash order,
/// so memory stays within the budget whatever the input said of its size.
fn sort_partition(
    path: &Path,
    prefix: u32,
    max_df: usize,
    bits: u32,
    memory: u64,
    out: &mut BufWriter<File>,
    counts: &mut [u64],
) -> Result<u64> {
    let len = fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let dropped = if len > memory / 3 && prefix + 4 <= 64 {
        let sub_path = |k: usize| path.with_extension(format!("{k:02}.tmp"));
        let mut sub_out: Vec<BufWriter<File>> = (0..16)
            .map(|k| writer(&sub_path(k), 1 << 16))
            .collect::<Result<_>>()?;
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut buf = [0u8; RAW_BYTES];
        loop {
            match reader.read_exact(&mut buf) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot read {}", path.display()));
                }
            }
            let kgram = RawEntry::decode(&buf).kgram;
            let k = ((kgram << prefix) >> 60) as usize;
            sub_out[k]
                .write_all(&buf)
                .with_context(|| format!("cannot write {}", sub_path(k).display()))?;
        }
        let mut dropped = 0;
        for (k, w) in sub_out.into_iter().enumerate() {
            finish(w, &sub_path(k))?;
            dropped += sort_partition(&sub_path(k), prefix + 4, max_df, bits, memory, out, counts)?;
        }
        dropped
    } else {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut raw: Vec<RawEntry> = bytes
            .chunks_exact(RAW_BYTES)
            .map(RawEntry::decode)
            .collect();
        drop(bytes);
        write_sorted(&mut raw, max_df, bits, out, counts)?
    };
    fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display()))?;
    Ok(dropped)
}

/// Builds the table within `memory` bytes of working memory (the batches of lines, the
/// partition buffers, one partition's entries being sorted).
fn build(
    matter_dir: &Path,
    max_df: usize,
    memory: u64,
    progress: &mut dyn Progress,
) -> Result<Manifest> {
    let articles_dir = matter_dir.join(crate::articles::DIR);
    let (articles_path, extent) = crate::articles::committed(matter_dir)?;
    let mut spill = Spill::start(&articles_dir, extent, memory, false)?;
    // Stream the committed corpus: one thread reads and hashes batches of lines while the
    // others parse, tokenise and sample the batch before.
    let file = File::open(&articles_path)
        .with_context(|| format!("cannot open {}", articles_path.display()))?;
    let batch_bytes = ((memory / 16) as usize).clamp(1 << 12, 64 << 20);
    progress.begin("article table", Some(extent));
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch>>(1);
    let (sha, offset) = std::thread::scope(|scope| -> Result<(String, u64)> {
        let reader = scope.spawn(|| read_batches(file, extent, batch_bytes, &articles_path, tx));
        // Owned here: dropped on an early return, which stops the reader instead of leaving
        // it blocked on a full channel while the scope waits for it.
        let rx = rx;
        for batch in rx.iter() {
            let batch = batch?;
            spill.add(&batch.lines, &articles_path)?;
            progress.update(batch.end, spill.articles);
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("the corpus reader failed"))?
    })?;
    progress.end();
    spill.finish(matter_dir, offset, sha, max_df, memory, progress)
}

/// Each stored line's token hashes (as bytes for the words file) and its sampled k-grams;
/// `first` numbers the first line's article.
fn tokenise(
    first: u64,
    lines: &[(u64, u64, Vec<u8>)],
    path: &Path,
) -> Vec<Result<(Vec<u8>, Vec<RawEntry>)>> {
    lines
        .par_iter()
        .enumerate()
        .map(|(k, (no, _, line))| {
            // The text alone: the other fields are skipped, not copied.
            let a: StoredText = serde_json::from_slice(line).with_context(|| {
                format!(
                    "{} line {no} is not a stored article: the store is damaged",
                    path.display()
                )
            })?;
            let toks = normalize::tokens(&a.text);
            let mut h = Vec::with_capacity(toks.len());
            let mut bytes = Vec::with_capacity(toks.len() * 8);
            for t in &toks {
                h.push(t.hash);
                bytes.extend_from_slice(&t.hash.to_le_bytes());
            }
            let number = u32::try_from(first + k as u64).context("more than 4 billion articles")?;
            let mut sampled = Vec::with_capacity(h.len() / super::table::STRIDE + 1);
            sample(number, &h, |e| sampled.push(e));
            Ok((bytes, sampled))
        })
        .collect()
}

/// Builds the table while `articles import` writes the corpus, when it starts empty: the
/// import thread parses and stores, a second thread tokenises what was stored, and only the
/// sort is left at the end. Anything irregular (a file rolled back, lines out of order, an
/// error) abandons it, and the caller builds the table the ordinary way.
pub struct Feed {
    tx: Option<std::sync::mpsc::SyncSender<Lines>>,
    worker: Option<std::thread::JoinHandle<Result<Spill>>>,
    pending: Lines,
    pending_bytes: usize,
    batch_bytes: usize,
    /// Where the next line must start, and the last commit point.
    expect: u64,
    committed: u64,
    lines: u64,
    valid: bool,
    _lock: File,
}

impl Feed {
    /// A feed for an import into `matter_dir` of about `bytes` of input; None when the
    /// corpus is not empty (the table is then rebuilt after the import).
    pub fn start(matter_dir: &Path, bytes: u64, memory_mib: u64) -> Result<Option<Feed>> {
        let memory = budget(memory_mib);
        let articles_dir = matter_dir.join(crate::articles::DIR);
        // Another build or import under way: no feed; the table is built after.
        let Some(lock) = lock_table(matter_dir, Wait::No)? else {
            return Ok(None);
        };
        if crate::articles::committed(matter_dir)?.1 != 0 {
            return Ok(None);
        }
        let mut spill = Spill::start(&articles_dir, bytes, memory, true)?;
        let path = articles_dir.join("articles.jsonl");
        let (tx, rx) = std::sync::mpsc::sync_channel::<Lines>(2);
        let worker = std::thread::Builder::new()
            .name("article-table".into())
            .spawn(move || -> Result<Spill> {
                for batch in rx {
                    spill.add(&batch, &path)?;
                }
                Ok(spill)
            })
            .context("cannot start the article table's thread")?;
        Ok(Some(Feed {
            tx: Some(tx),
            worker: Some(worker),
            pending: Vec::new(),
            pending_bytes: 0,
            batch_bytes: ((memory / 32) as usize).clamp(1 << 12, 32 << 20),
            expect: 0,
            committed: 0,
            lines: 0,
            valid: true,
            _lock: lock,
        }))
    }

    fn send(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        if let Some(tx) = &self.tx
            && tx.send(batch).is_err()
        {
            // The worker stopped on an error, which finish() reports by building again.
            self.valid = false;
        }
    }

    /// The table, when the feed saw the whole committed corpus; None when the caller must
    /// build it.
    pub fn finish(
        mut self,
        matter_dir: &Path,
        max_df: usize,
        memory_mib: u64,
        progress: &mut dyn Progress,
    ) -> Result<Option<Manifest>> {
        self.send();
        drop(self.tx.take());
        let spill = match self.worker.take().map(|w| w.join()) {
            Some(Ok(Ok(spill))) => spill,
            _ => return Ok(None),
        };
        let (_, extent) = crate::articles::committed(matter_dir)?;
        if !self.valid
            || self.committed != self.expect
            || extent != self.expect
            || spill.end != extent
        {
            return Ok(None);
        }
        let sha = if extent == 0 {
            String::new()
        } else {
            spill
                .sha
                .clone()
                .map(|s| hex::encode(s.finalize()))
                .unwrap_or_default()
        };
        spill
            .finish(
                matter_dir,
                extent,
                sha,
                max_df,
                budget(memory_mib),
                progress,
            )
            .map(Some)
    }
}

impl crate::articles::Observer for Feed {
    fn appended(&mut self, offset: u64, line: &[u8]) {
        if !self.valid {
            return;
        }
        if offset != self.expect {
            self.valid = false;
            return;
        }
        self.expect += line.len() as u64;
        self.lines += 1;
        self.pending_bytes += line.len();
        self.pending.push((self.lines, offset, line.to_vec()));
        if self.pending_bytes >= self.batch_bytes {
            self.send();
        }
    }

    fn committed(&mut self, len: u64) {
        if len != self.expect {
            // Rolled back: what was fed past `len` is gone from the corpus.
            self.valid = false;
        }
        self.committed = len;
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        // Stops the worker (its channel closes) and waits for it: an abandoned feed leaves
        // only table.new/, which the next build removes.
        drop(self.tx.take());
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus sorted in many partitions (a small budget) gives the same table, byte for
    /// byte, as one sorted whole.
    #[test]
    fn partitions_do_not_change_the_table() {
        let tmp = tempfile::tempdir().unwrap();
        let m = tmp.path().join("m");
        fsutil::create_private_dir(&m).unwrap();
        let mut lines = String::new();
        for i in 0..400 {
            let text: Vec<String> = (0..300)
                .map(|k| format!("w{}", (k * 7919 + i * 31) % 5000))
                .collect();
            let a = serde_json::json!({"id": format!("a{i}"), "text": text.join(" ")});
            lines.push_str(&format!("{a}\n"));
        }
        let f = tmp.path().join("a.jsonl");
        fs::write(&f, lines).unwrap();
        crate::articles::import(&m, &[f], &mut crate::progress::Silent).unwrap();
        let read = |name: &str| fs::read(dir_of(&m).join(name)).unwrap();
        let small = build(&m, 10, 64 << 10, &mut crate::progress::Silent).unwrap();
        assert!(small.partitions >= 8, "{}", small.partitions);
        let files: Vec<Vec<u8>> = ["words.bin", "index.bin", "entries.bin", "buckets.bin"]
            .iter()
            .map(|n| read(n))
            .collect();
        let whole = build(&m, 10, 1 << 30, &mut crate::progress::Silent).unwrap();
        assert_eq!(whole.partitions, 1);
        assert_eq!((small.entries, small.words), (whole.entries, whole.words));
        for (k, n) in ["words.bin", "index.bin", "entries.bin", "buckets.bin"]
            .iter()
            .enumerate()
        {
            assert!(files[k] == read(n), "{n} differs");
        }
        assert!(!dir_of(&m).with_file_name(NEW_DIR).exists());
    }

    /// A partition over budget is split by the next bits and comes out the same as one
    /// sorted whole.
    #[test]
    fn an_oversized_partition_is_split_and_sorted_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut raw = Vec::new();
        for i in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Repeats, so that some k-grams are boilerplate (more than 3 articles).
            let kgram = if i % 7 == 0 {
                u64::from(i % 3).wrapping_mul(0x1234_5678_9ABC_DEF1)
            } else {
                x
            };
            raw.extend_from_slice(
                &RawEntry {
                    kgram,
                    article: i % 50,
                    pos: i,
                }
                .encode(),
            );
        }
        let sorted = |memory: u64| {
            let part = tmp.path().join("part-0000.tmp");
            fs::write(&part, &raw).unwrap();
            let out_path = tmp.path().join(format!("out-{memory}"));
            let mut out = writer(&out_path, 1 << 12).unwrap();
            let mut counts = vec![0u64; 1 << 20];
            let dropped = sort_partition(&part, 0, 3, 20, memory, &mut out, &mut counts).unwrap();
            finish(out, &out_path).unwrap();
            assert!(!part.exists());
            (fs::read(&out_path).unwrap(), counts, dropped)
        };
        let whole = sorted(u64::MAX);
        let split = sorted(30_000);
        assert!(whole.2 > 0);
        assert!(whole == split);
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
