//! Readers for the three kinds of article input: JSON Lines (or a JSON array, through the
//! shared record scanner), CSV with a header row, and a folder of text, Markdown and HTML files.
//!
//! Each reader hands out one [`ReadItem`] at a time: an article, or a rejected record with where
//! it was and why. An `Err` from a reader means the file itself could not be read (an I/O error,
//! a corrupt compressed stream); bad records never are errors.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use super::Article;
use super::html;
use crate::import::records::{Item, RawRecord, Scanner};
use crate::import::source::{self, RawTap};

/// Bytes of a rejected record kept in `rejects.jsonl`.
pub(super) const EXCERPT: usize = 200;
/// Text files larger than this are rejected rather than read into memory.
const MAX_TEXT_FILE: u64 = 64 << 20;
/// A title taken from a first line is cut to this many characters.
const MAX_TITLE_CHARS: usize = 500;
/// How deep a folder is walked.
const MAX_DEPTH: u32 = 64;

/// What an input is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Jsonl,
    Csv,
    Folder,
    /// A file that is none of the above (only ever skipped).
    Other,
}

impl Kind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Jsonl => "jsonl",
            Kind::Csv => "csv",
            Kind::Folder => "folder",
            Kind::Other => "other",
        }
    }
}

/// One unit of import: a data file, the text files of a folder, or something skipped.
#[derive(Debug, Clone)]
pub(super) enum Job {
    File {
        path: PathBuf,
        kind: Kind,
    },
    Folder {
        /// The folder ids are relative to.
        root: PathBuf,
        /// The path the user gave.
        display: PathBuf,
        /// Text files, relative to `root`, sorted.
        files: Vec<PathBuf>,
        /// Files with other extensions (relative to `root`), skipped.
        others: Vec<PathBuf>,
    },
    Skip {
        path: PathBuf,
        kind: Kind,
        reason: String,
    },
}

impl Job {
    pub(super) fn display(&self) -> String {
        match self {
            Job::File { path, .. } | Job::Skip { path, .. } => path.display().to_string(),
            Job::Folder { display, .. } => display.display().to_string(),
        }
    }

    pub(super) fn kind(&self) -> Kind {
        match self {
            Job::File { kind, .. } | Job::Skip { kind, .. } => *kind,
            Job::Folder { .. } => Kind::Folder,
        }
    }
}

/// Turns the paths the user gave into jobs. A path that does not exist is an error (before
/// anything is imported); everything else becomes a job, possibly a skipped one.
pub(super) fn plan(inputs: &[PathBuf]) -> Result<Vec<Job>> {
    let mut jobs = Vec::new();
    for p in inputs {
        let meta = fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            let mut found = Found::default();
            walk(p, Path::new(""), &mut found, 0)?;
            let had_data = !found.data.is_empty() || !found.docs.is_empty();
            for rel in found.docs {
                jobs.push(Job::Skip {
                    path: p.join(rel),
                    kind: Kind::Other,
                    reason: "a README, LICENSE or similar file, not an article (name it on its \
                             own to import it anyway)"
                        .to_string(),
                });
            }
            for (rel, kind) in found.data {
                jobs.push(Job::File {
                    path: p.join(rel),
                    kind,
                });
            }
            if !found.texts.is_empty() {
                jobs.push(Job::Folder {
                    root: p.clone(),
                    display: p.clone(),
                    files: found.texts,
                    others: found.others,
                });
            } else if !found.others.is_empty() {
                jobs.push(Job::Skip {
                    path: p.clone(),
                    kind: Kind::Folder,
                    reason: others_note(&found.others),
                });
            } else if !had_data {
                jobs.push(Job::Skip {
                    path: p.clone(),
                    kind: Kind::Folder,
                    reason: "no article files (.jsonl, .json, .csv, .txt, .md, .html, .htm) in it"
                        .to_string(),
                });
            }
            continue;
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(kind) = data_kind(&name) {
            jobs.push(Job::File {
                path: p.clone(),
                kind,
            });
        } else if is_text_name(&name) {
            let root = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            jobs.push(Job::Folder {
                root,
                display: p.clone(),
                files: vec![PathBuf::from(&name)],
                others: Vec::new(),
            });
        } else if looks_like_json(p) {
            jobs.push(Job::File {
                path: p.clone(),
                kind: Kind::Jsonl,
            });
        } else {
            jobs.push(Job::Skip {
                path: p.clone(),
                kind: Kind::Other,
                reason: "not an article file: expected .jsonl, .json, .csv, .txt, .md, .html, .htm or a folder".to_string(),
            });
        }
    }
    Ok(jobs)
}

/// "N files with other extensions skipped (e.g. a, b, c)".
pub(super) fn others_note(others: &[PathBuf]) -> String {
    let examples: Vec<String> = others
        .iter()
        .take(3)
        .map(|p| p.display().to_string())
        .collect();
    format!(
        "{} file{} with other extensions skipped (e.g. {})",
        others.len(),
        if others.len() == 1 { "" } else { "s" },
        examples.join(", ")
    )
}

#[derive(Default)]
struct Found {
    data: Vec<(PathBuf, Kind)>,
    texts: Vec<PathBuf>,
    /// README, LICENSE and the like: text files that come with a corpus, not articles.
    docs: Vec<PathBuf>,
    others: Vec<PathBuf>,
}

/// Words that name the files distributed beside a corpus rather than in it.
const DOC_WORDS: [&str; 9] = [
    "readme",
    "license",
    "licence",
    "copying",
    "changelog",
    "changes",
    "notice",
    "authors",
    "contributing",
];

/// `README.txt`, `bbc_news_README.TXT`, `LICENSE-MIT.md`: a document word as the name's last
/// word, or as its first followed by at most one more (`license-to-kill.txt` is an article).
pub(super) fn is_doc_name(name: &str) -> bool {
    let stem = name
        .rsplit_once('.')
        .map_or(name, |(s, _)| s)
        .to_ascii_lowercase();
    let words: Vec<&str> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    match (words.first(), words.last()) {
        (Some(first), Some(last)) => {
            DOC_WORDS.contains(last) || (DOC_WORDS.contains(first) && words.len() <= 2)
        }
        _ => false,
    }
}

/// Walks `root/rel` recursively in sorted order. Hidden entries (names starting with '.') are
/// left alone: they are editor and system files, never articles.
fn walk(root: &Path, rel: &Path, found: &mut Found, depth: u32) -> Result<()> {
    let dir = root.join(rel);
    if depth > MAX_DEPTH {
        bail!("folders nested too deep at {}", dir.display());
    }
    let mut names: Vec<std::ffi::OsString> = fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", dir.display()))?;
    names.sort();
    for name in names {
        let name_str = name.to_string_lossy().into_owned();
        if name_str.starts_with('.') {
            continue;
        }
        let rel_path = rel.join(&name);
        let full = root.join(&rel_path);
        let meta =
            fs::metadata(&full).with_context(|| format!("cannot read {}", full.display()))?;
        if meta.is_dir() {
            walk(root, &rel_path, found, depth + 1)?;
        } else if let Some(kind) = data_kind(&name_str) {
            found.data.push((rel_path, kind));
        } else if is_text_name(&name_str) && is_doc_name(&name_str) {
            found.docs.push(rel_path);
        } else if is_text_name(&name_str) {
            found.texts.push(rel_path);
        } else {
            found.others.push(rel_path);
        }
    }
    Ok(())
}

/// JSON (Lines) or CSV by name, compressed or not.
fn data_kind(name: &str) -> Option<Kind> {
    let base = crate::fsutil::uncompressed_name(name);
    if base.ends_with(".jsonl") || base.ends_with(".ndjson") || base.ends_with(".json") {
        Some(Kind::Jsonl)
    } else if base.ends_with(".csv") {
        Some(Kind::Csv)
    } else {
        None
    }
}

fn is_text_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".txt", ".md", ".html", ".htm"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// A file with an unknown name that starts like JSON (or is compressed) is tried as JSON.
fn looks_like_json(path: &Path) -> bool {
    let mut head = [0u8; 1024];
    let Ok(mut f) = fs::File::open(path) else {
        return false;
    };
    let Ok(n) = f.read(&mut head) else {
        return false;
    };
    let head = &head[..n];
    if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return true;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    matches!(
        head.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// What identifies an input's content: re-importing the same content is a no-op.
#[derive(Debug, Clone)]
pub(super) struct Ident {
    pub sha256: String,
    pub size: u64,
    /// For a folder, how many text files it holds.
    pub files: Option<u64>,
}

impl Job {
    /// The input's size in bytes, without reading it: an input of a size no earlier source
    /// had cannot be one of them, so its hash can be taken while it is read.
    pub(super) fn size(&self) -> Result<u64> {
        match self {
            Job::File { path, .. } => Ok(fs::metadata(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .len()),
            Job::Folder { root, files, .. } => Ok(files
                .iter()
                .filter_map(|rel| fs::metadata(root.join(rel)).ok())
                .map(|m| m.len())
                .sum()),
            Job::Skip { path, .. } => bail!("{} is not read", path.display()),
        }
    }

    /// Hashes the input. For a folder the hash is the SHA-256 of a manifest with one line per
    /// text file, `relative/path NUL sha256-of-its-bytes LF`, in sorted order, so the same
    /// files with the same content give the same hash wherever the folder lives.
    pub(super) fn identify(&self) -> Result<Ident> {
        match self {
            Job::File { path, .. } => {
                let size = fs::metadata(path)
                    .with_context(|| format!("cannot read {}", path.display()))?
                    .len();
                Ok(Ident {
                    sha256: source::sha256_file(path)?,
                    size,
                    files: None,
                })
            }
            Job::Folder { root, files, .. } => {
                let mut manifest = String::new();
                let mut size = 0;
                for rel in files {
                    let full = root.join(rel);
                    let digest = fs::File::open(&full)
                        .and_then(|f| {
                            size += f.metadata()?.len();
                            crate::hashing::sha256_reader(std::io::BufReader::new(f))
                        })
                        .unwrap_or_else(|_| "unreadable".to_string());
                    manifest.push_str(&rel_id(rel));
                    manifest.push('\0');
                    manifest.push_str(&digest);
                    manifest.push('\n');
                }
                Ok(Ident {
                    sha256: crate::hashing::sha256_hex(manifest.as_bytes()),
                    size,
                    files: Some(files.len() as u64),
                })
            }
            Job::Skip { path, .. } => bail!("{} is not read", path.display()),
        }
    }

    /// Opens the reader for this job. An error means the file cannot be read at all (not JSON,
    /// no `id` column...).
    pub(super) fn open(&self) -> Result<Box<dyn ArticleSource>> {
        match self {
            Job::File {
                path,
                kind: Kind::Csv,
            } => Ok(Box::new(CsvSource::open(path)?)),
            Job::File { path, .. } => Ok(Box::new(JsonSource::open(path)?)),
            Job::Folder { root, files, .. } => Ok(Box::new(FolderSource {
                root: root.clone(),
                files: files.clone(),
                next: 0,
                bytes: 0,
                cp1252: Vec::new(),
            })),
            Job::Skip { path, .. } => bail!("{} is not read", path.display()),
        }
    }
}

/// Where a record was found. Unknown positions are `None`.
#[derive(Debug, Clone, Default)]
pub(super) struct Loc {
    /// 1-based record number within the input (for a folder: the file's number).
    pub record: u64,
    pub offset: Option<u64>,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// For a folder: the file the record is.
    pub file: Option<String>,
}

#[derive(Debug)]
pub(super) enum ReadItem {
    Article(Article),
    Reject {
        loc: Loc,
        reason: String,
        excerpt: String,
    },
}

/// A reader of one input.
pub(super) trait ArticleSource {
    /// The next record; `Ok(None)` at the end; `Err` when the input cannot be read further.
    fn next_item(&mut self) -> Result<Option<ReadItem>>;
    /// Bytes of the input (as stored, before decompression) read so far, for progress.
    fn bytes_read(&self) -> u64;
    /// Remarks about the whole input, available at the end.
    fn notes(&self) -> Vec<String>;
}

fn reject(loc: Loc, reason: impl Into<String>, bytes: &[u8]) -> ReadItem {
    ReadItem::Reject {
        loc,
        reason: reason.into(),
        excerpt: crate::import::rejects::excerpt(bytes, EXCERPT),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Lines / JSON array

struct JsonSource {
    scanner: Scanner<Box<dyn Read>>,
    tap: RawTap,
}

impl JsonSource {
    fn open(path: &Path) -> Result<JsonSource> {
        let opened = source::open(path)?;
        let scanner = Scanner::new(opened.reader)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(JsonSource {
            scanner,
            tap: opened.tap,
        })
    }
}

fn loc_of(r: &RawRecord) -> Loc {
    Loc {
        record: r.number,
        offset: Some(r.offset),
        line: Some(r.line),
        column: Some(r.column),
        file: None,
    }
}

impl ArticleSource for JsonSource {
    fn next_item(&mut self) -> Result<Option<ReadItem>> {
        let Some(item) = self.scanner.next_item()? else {
            return Ok(None);
        };
        Ok(Some(match item {
            Item::Record(r) => {
                let loc = loc_of(&r);
                match serde_json::from_slice::<Value>(&r.bytes) {
                    Ok(Value::Object(mut map)) => match article_from_map(&mut map) {
                        Ok(a) => ReadItem::Article(a),
                        Err(reason) => reject(loc, reason, &r.bytes),
                    },
                    Ok(_) => reject(loc, "not a JSON object", &r.bytes),
                    Err(e) => reject(loc, format!("invalid JSON: {e}"), &r.bytes),
                }
            }
            Item::Bad { record, reason } => reject(loc_of(&record), reason, &record.bytes),
            Item::Truncated {
                record_number,
                offset,
                line,
                reason,
            } => ReadItem::Reject {
                loc: Loc {
                    record: record_number,
                    offset: Some(offset),
                    line: Some(line),
                    column: None,
                    file: None,
                },
                reason: format!("truncated: {reason}"),
                excerpt: String::new(),
            },
        }))
    }

    fn bytes_read(&self) -> u64 {
        self.tap.bytes()
    }

    fn notes(&self) -> Vec<String> {
        self.scanner
            .trailing_note()
            .map(|n| vec![n.to_string()])
            .unwrap_or_default()
    }
}

/// A JSON object to an article, or the reason it is rejected.
pub(super) fn article_from_map(map: &mut Map<String, Value>) -> Result<Article, String> {
    let id = match map.get("id") {
        None | Some(Value::Null) => return Err("missing id".to_string()),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err("id is not a string or a number".to_string()),
    };
    if id.is_empty() {
        return Err("missing id".to_string());
    }
    let mut saw_text = false;
    let mut text = None;
    for key in ["text", "body"] {
        match map.get_mut(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                saw_text = true;
                if !s.trim().is_empty() {
                    // Taken, not copied: the record is not read again.
                    text = Some(std::mem::take(s));
                    break;
                }
            }
            Some(_) => return Err(format!("'{key}' is not a string")),
        }
    }
    let Some(text) = text else {
        return Err(if saw_text {
            "empty text"
        } else {
            "missing text"
        }
        .to_string());
    };
    let present = |k: &str| map.get(k).filter(|v| !v.is_null());
    let published = present("published")
        .or_else(|| present("date"))
        .and_then(published_from_value);
    let section = present("section")
        .or_else(|| present("category"))
        .and_then(opt_string);
    Ok(Article {
        id,
        title: map.get("title").and_then(opt_string),
        url: map.get("url").and_then(opt_string),
        published,
        section,
        text,
    })
}

/// An optional text field: strings (trimmed, empty is none), numbers, lists of strings.
fn opt_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => {
            let parts: Vec<&str> = items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn published_from_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s).map(|s| normalize_date(&s)),
        Value::Number(n) => Some(
            n.as_i64()
                .and_then(epoch_to_iso)
                .unwrap_or_else(|| n.to_string()),
        ),
        _ => None,
    }
}

/// Seconds or milliseconds since 1970 (told apart by size) to ISO 8601 in UTC. Small numbers
/// (a year, say) are not timestamps.
fn epoch_to_iso(n: i64) -> Option<String> {
    let dt = if (100_000_000..100_000_000_000).contains(&n) {
        DateTime::<Utc>::from_timestamp(n, 0)?
    } else if (100_000_000_000..100_000_000_000_000).contains(&n) {
        DateTime::<Utc>::from_timestamp_millis(n)?
    } else {
        return None;
    };
    Some(dt.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// A publication date as ISO 8601 when it is recognised: `YYYY-MM-DD` for a date,
/// `YYYY-MM-DDTHH:MM:SS` for a local date and time, with `Z` when a zone was given (converted
/// to UTC). Anything else is kept as written. Trailing words after a recognised date (zone
/// names, wire-service codes such as Reuters' `26-FEB-1987 15:01:01.79 RM`) are ignored.
pub(super) fn normalize_date(raw: &str) -> String {
    let s = raw.trim();
    // The common case, already in the form kept, without trying every format in turn (a
    // corpus of millions of articles spent a twentieth of its import there).
    if is_plain_date(s) {
        return s.to_string();
    }
    let utc = |dt: DateTime<chrono::FixedOffset>| {
        dt.with_timezone(&Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return utc(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return utc(dt);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, f) {
            return utc(dt);
        }
    }
    const DATE_TIMES: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%d-%b-%Y %H:%M:%S%.f",
        "%d %b %Y %H:%M:%S",
        "%d %B %Y %H:%M:%S",
        "%a, %d %b %Y %H:%M:%S",
        "%B %d, %Y %H:%M:%S",
    ];
    for f in DATE_TIMES {
        if let Ok((dt, rest)) = NaiveDateTime::parse_and_remainder(s, f)
            && ignorable(rest)
        {
            return dt.format("%Y-%m-%dT%H:%M:%S").to_string();
        }
    }
    const DATES: &[&str] = &[
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%d-%b-%Y",
        "%d %b %Y",
        "%d %B %Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%b. %d, %Y",
        "%A, %B %d, %Y",
        "%a, %d %b %Y",
    ];
    for f in DATES {
        if let Ok((d, rest)) = NaiveDate::parse_and_remainder(s, f)
            && ignorable(rest)
        {
            return d.format("%Y-%m-%d").to_string();
        }
    }
    s.to_string()
}

/// `YYYY-MM-DD`, a date that exists.
fn is_plain_date(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(
            (num(0..4), num(5..7), num(8..10)),
            (Some(y), Some(m), Some(d)) if NaiveDate::from_ymd_opt(y as i32, m, d).is_some()
        )
}

fn ignorable(rest: &str) -> bool {
    rest.chars().all(|c| c.is_ascii_alphabetic() || c == ' ')
}

// ---------------------------------------------------------------------------------------------
// CSV

/// Column positions, from the header row.
#[derive(Debug, Default)]
struct Columns {
    id: usize,
    title: Option<usize>,
    url: Option<usize>,
    published: Option<usize>,
    date: Option<usize>,
    section: Option<usize>,
    category: Option<usize>,
    text: Option<usize>,
    body: Option<usize>,
}

struct CsvSource {
    rdr: csv::Reader<LineTap<Box<dyn Read>>>,
    cols: Columns,
    tap: RawTap,
    lines: Rc<RefCell<LineIndex>>,
    number: u64,
    rec: csv::ByteRecord,
}

/// Line ends seen in a stream, so that a record's byte offset becomes its physical line. (The
/// csv crate's own line count skips newlines inside quoted fields.) Only line-end bytes past the
/// last offset asked about are kept: the reader's read-ahead, or one long record.
#[derive(Default)]
struct LineIndex {
    /// Newlines before the last offset asked about.
    passed: u64,
    /// Offsets of '\r' and '\n' bytes (true for '\n').
    pending: VecDeque<(u64, bool)>,
    /// Bytes seen so far.
    seen: u64,
}

impl LineIndex {
    /// The 1-based line of the record that starts at `offset` (offsets must not decrease). A
    /// record's position can point at the end of the line before it (the '\n' of a CRLF) or at
    /// blank lines: those are stepped over.
    fn line_at(&mut self, offset: u64) -> u64 {
        while let Some(&(p, newline)) = self.pending.front() {
            if p >= offset {
                break;
            }
            self.pending.pop_front();
            self.passed += newline as u64;
        }
        let mut cursor = offset;
        while let Some(&(p, newline)) = self.pending.front() {
            if p != cursor {
                break;
            }
            self.pending.pop_front();
            self.passed += newline as u64;
            cursor += 1;
        }
        self.passed + 1
    }
}

struct LineTap<R> {
    inner: R,
    index: Rc<RefCell<LineIndex>>,
}

impl<R: Read> Read for LineTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut ix = self.index.borrow_mut();
        let base = ix.seen;
        ix.pending.extend(
            memchr::memchr2_iter(b'\r', b'\n', &buf[..n])
                .map(|i| (base + i as u64, buf[i] == b'\n')),
        );
        ix.seen += n as u64;
        Ok(n)
    }
}

impl CsvSource {
    fn open(path: &Path) -> Result<CsvSource> {
        let opened = source::open(path)?;
        let lines = Rc::new(RefCell::new(LineIndex::default()));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(LineTap {
                inner: opened.reader,
                index: lines.clone(),
            });
        let headers = rdr
            .byte_headers()
            .with_context(|| format!("cannot read the CSV header of {}", path.display()))?
            .clone();
        let names: Vec<String> = headers
            .iter()
            .map(|h| {
                let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
                String::from_utf8_lossy(h).trim().to_ascii_lowercase()
            })
            .collect();
        let find = |want: &str| names.iter().position(|n| n == want);
        let Some(id) = find("id") else {
            bail!(
                "the CSV header of {} has no 'id' column (columns: {})",
                path.display(),
                names.join(", ")
            );
        };
        let cols = Columns {
            id,
            title: find("title"),
            url: find("url"),
            published: find("published"),
            date: find("date"),
            section: find("section"),
            category: find("category"),
            text: find("text"),
            body: find("body"),
        };
        if cols.text.is_none() && cols.body.is_none() {
            bail!(
                "the CSV header of {} has no 'text' or 'body' column (columns: {})",
                path.display(),
                names.join(", ")
            );
        }
        Ok(CsvSource {
            rdr,
            cols,
            tap: opened.tap,
            lines,
            number: 0,
            rec: csv::ByteRecord::new(),
        })
    }

    fn row_excerpt(&self) -> String {
        let fields: Vec<&[u8]> = self.rec.iter().collect();
        crate::import::rejects::excerpt(&fields.join(&b","[..]), EXCERPT)
    }

    /// A text field of the current row: `None` when the column is absent; trimmed, empty is
    /// `None` unless `raw` (the text is kept exactly as written).
    fn field(&self, i: Option<usize>, name: &str, raw: bool) -> Result<Option<String>, String> {
        let Some(bytes) = i.and_then(|i| self.rec.get(i)) else {
            return Ok(None);
        };
        let s = std::str::from_utf8(bytes)
            .map_err(|_| format!("invalid UTF-8 in the '{name}' column"))?;
        Ok(if raw {
            Some(s.to_string())
        } else {
            non_empty(s)
        })
    }

    fn row_article(&self) -> Result<Article, String> {
        let c = &self.cols;
        let id = self.field(Some(c.id), "id", false)?.ok_or("missing id")?;
        let text = self.field(c.text, "text", true)?;
        let body = self.field(c.body, "body", true)?;
        let saw_text = text.is_some() || body.is_some();
        let text = [text, body]
            .into_iter()
            .flatten()
            .find(|t| !t.trim().is_empty())
            .ok_or(if saw_text {
                "empty text"
            } else {
                "missing text"
            })?;
        let published = match self.field(c.published, "published", false)? {
            Some(p) => Some(p),
            None => self.field(c.date, "date", false)?,
        };
        let section = match self.field(c.section, "section", false)? {
            Some(s) => Some(s),
            None => self.field(c.category, "category", false)?,
        };
        Ok(Article {
            id,
            title: self.field(c.title, "title", false)?,
            url: self.field(c.url, "url", false)?,
            published: published.map(|p| normalize_date(&p)),
            section,
            text,
        })
    }

    fn row(&self, loc: Loc) -> ReadItem {
        match self.row_article() {
            Ok(a) => ReadItem::Article(a),
            Err(reason) => ReadItem::Reject {
                loc,
                reason,
                excerpt: self.row_excerpt(),
            },
        }
    }
}

impl CsvSource {
    fn loc_at(&self, pos: Option<&csv::Position>) -> Loc {
        Loc {
            record: self.number,
            offset: pos.map(|p| p.byte()),
            line: pos.map(|p| self.lines.borrow_mut().line_at(p.byte())),
            column: None,
            file: None,
        }
    }
}

impl ArticleSource for CsvSource {
    fn next_item(&mut self) -> Result<Option<ReadItem>> {
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(false) => Ok(None),
            Ok(true) => {
                self.number += 1;
                let loc = self.loc_at(self.rec.position());
                Ok(Some(self.row(loc)))
            }
            Err(e) => {
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(anyhow::Error::new(e).context("read error"));
                }
                self.number += 1;
                let (reason, loc) = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        pos,
                        expected_len,
                        len,
                    } => (
                        format!("row has {len} fields but the header has {expected_len}"),
                        self.loc_at(pos.as_ref()),
                    ),
                    _ => (e.to_string(), self.loc_at(e.position())),
                };
                Ok(Some(ReadItem::Reject {
                    loc,
                    reason,
                    excerpt: self.row_excerpt(),
                }))
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.tap.bytes()
    }

    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

// ---------------------------------------------------------------------------------------------
// A folder of text, Markdown and HTML files

struct FolderSource {
    root: PathBuf,
    files: Vec<PathBuf>,
    next: usize,
    bytes: u64,
    /// Files that were not UTF-8 and were read as Windows-1252.
    cp1252: Vec<String>,
}

/// A relative path as an id: components joined with '/'.
pub(super) fn rel_id(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

impl ArticleSource for FolderSource {
    fn next_item(&mut self) -> Result<Option<ReadItem>> {
        let Some(rel) = self.files.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        let path = self.root.join(rel);
        let id = rel_id(rel);
        let loc = Loc {
            record: self.next as u64,
            file: Some(path.display().to_string()),
            ..Loc::default()
        };
        let bytes = match fs::metadata(&path) {
            Ok(m) if m.len() > MAX_TEXT_FILE => {
                self.bytes += m.len();
                return Ok(Some(reject(
                    loc,
                    format!("file larger than {} MiB", MAX_TEXT_FILE >> 20),
                    b"",
                )));
            }
            Ok(_) => match fs::read(&path) {
                Ok(b) => b,
                Err(e) => return Ok(Some(reject(loc, format!("cannot read: {e}"), b""))),
            },
            Err(e) => return Ok(Some(reject(loc, format!("cannot read: {e}"), b""))),
        };
        self.bytes += bytes.len() as u64;
        let (content, was_cp1252) = decode_text(&bytes);
        if was_cp1252 {
            self.cp1252.push(id.clone());
        }
        let lower = id.to_ascii_lowercase();
        // What an HTML page's metadata says: URL, date, section.
        let mut page = (None, None, None);
        let (title, text) = if lower.ends_with(".html") || lower.ends_with(".htm") {
            let r = html::reduce(&content);
            page = (r.url, r.published.map(|d| normalize_date(&d)), r.section);
            let title = r.title.or_else(|| first_line_title(&r.text, false));
            (title, r.text)
        } else if lower.ends_with(".md") {
            let (front_title, body) = split_front_matter(&content);
            let title = front_title.or_else(|| first_line_title(body, true));
            (title, body.to_string())
        } else {
            (first_line_title(&content, false), content)
        };
        if text.trim().is_empty() {
            return Ok(Some(reject(loc, "empty text", &bytes)));
        }
        Ok(Some(ReadItem::Article(Article {
            id,
            title,
            url: page.0,
            published: page.1,
            section: page.2,
            text,
        })))
    }

    fn bytes_read(&self) -> u64 {
        self.bytes
    }

    fn notes(&self) -> Vec<String> {
        if self.cp1252.is_empty() {
            return Vec::new();
        }
        let examples: Vec<&str> = self.cp1252.iter().take(3).map(String::as_str).collect();
        vec![format!(
            "{} file{} not UTF-8, read as Windows-1252 (e.g. {})",
            self.cp1252.len(),
            if self.cp1252.len() == 1 {
                " was"
            } else {
                "s were"
            },
            examples.join(", ")
        )]
    }
}

/// Text of a file: UTF-8 (a byte-order mark dropped), or else Windows-1252, the usual encoding
/// of older saved pages. The flag says the fallback was used.
pub(super) fn decode_text(bytes: &[u8]) -> (String, bool) {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (
            b.iter()
                .map(|&c| match c {
                    0x80..=0x9f => cp1252_high(c),
                    c => c as char,
                })
                .collect(),
            true,
        ),
    }
}

/// The Windows-1252 character of a byte in 0x80..=0x9F (undefined bytes map to themselves).
pub fn cp1252_high(byte: u8) -> char {
    const TABLE: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}',
        '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}',
        '\u{178}',
    ];
    match byte {
        0x80..=0x9f => TABLE[(byte - 0x80) as usize],
        b => b as char,
    }
}

/// The first non-empty line, trimmed (for Markdown without its leading `#`s), cut to a sane
/// length.
fn first_line_title(text: &str, markdown: bool) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = if markdown {
        line.trim_start_matches('#').trim()
    } else {
        line
    };
    if line.is_empty() {
        return None;
    }
    Some(match line.char_indices().nth(MAX_TITLE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    })
}

/// Splits YAML front matter (`---` ... `---` at the top of a Markdown file) from the body,
/// returning its `title:` when it has one.
fn split_front_matter(content: &str) -> (Option<String>, &str) {
    let mut lines = content.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return (None, content);
    };
    if first.trim_end() != "---" {
        return (None, content);
    }
    let mut at = first.len();
    let mut title = None;
    for line in lines {
        at += line.len();
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return (title, &content[at..]);
        }
        if title.is_none()
            && let Some(v) = t.strip_prefix("title:")
        {
            title = non_empty(v.trim().trim_matches(|c| c == '"' || c == '\''));
        }
    }
    // Never closed: not front matter.
    (None, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_normalised_when_recognised() {
        let cases = [
            ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01"),
            ("5-MAR-1987 09:05:00.00", "1987-03-05T09:05:00"),
            ("26-FEB-1987 15:01:01.79 RM", "1987-02-26T15:01:01"),
            ("2005-03-01", "2005-03-01"),
            ("2005-03-01T10:20:30", "2005-03-01T10:20:30"),
            ("2005-03-01 10:20", "2005-03-01T10:20:00"),
            ("2005-03-01T10:20:30+02:00", "2005-03-01T08:20:30Z"),
            ("2005-03-01T10:20:30.123Z", "2005-03-01T10:20:30Z"),
            ("Tue, 1 Mar 2005 10:20:30 +0000", "2005-03-01T10:20:30Z"),
            ("March 1, 2005", "2005-03-01"),
            ("1 March 2005", "2005-03-01"),
            ("2005/03/01", "2005-03-01"),
            ("  yesterday ", "yesterday"),
            ("03/01/2005", "03/01/2005"),
            ("2024-02-29", "2024-02-29"),
            ("2005-02-30", "2005-02-30"),
            ("2005-13-01", "2005-13-01"),
            ("20O5-03-01", "20O5-03-01"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_date(raw), want, "{raw}");
        }
        assert_eq!(
            epoch_to_iso(1_109_672_430).as_deref(),
            Some("2005-03-01T10:20:30Z")
        );
        assert_eq!(
            epoch_to_iso(1_109_672_430_000).as_deref(),
            Some("2005-03-01T10:20:30Z")
        );
        assert_eq!(epoch_to_iso(2005), None);
    }

    #[test]
    fn json_fields_and_reasons() {
        let obj = |s: &str| -> Map<String, Value> { serde_json::from_str(s).unwrap() };
        let a = article_from_map(&mut obj(
            r#"{"id": 7, "body": "B", "date": "2005-01-02", "category": "tech", "title": " T ", "x": 1}"#,
        ))
        .unwrap();
        assert_eq!(a.id, "7");
        assert_eq!(a.text, "B");
        assert_eq!(a.published.as_deref(), Some("2005-01-02"));
        assert_eq!(a.section.as_deref(), Some("tech"));
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.url, None);
        // "text" wins over "body"; "published" over "date"; an empty "text" falls back.
        let a = article_from_map(&mut obj(
            r#"{"id": "a", "text": " ", "body": "body", "published": "2001-01-01", "date": "x"}"#,
        ))
        .unwrap();
        assert_eq!(a.text, "body");
        assert_eq!(a.published.as_deref(), Some("2001-01-01"));
        let reason = |s: &str| article_from_map(&mut obj(s)).unwrap_err();
        assert_eq!(reason(r#"{"text": "x"}"#), "missing id");
        assert_eq!(reason(r#"{"id": " ", "text": "x"}"#), "missing id");
        assert_eq!(
            reason(r#"{"id": [1], "text": "x"}"#),
            "id is not a string or a number"
        );
        assert_eq!(reason(r#"{"id": "a", "text": " \n "}"#), "empty text");
        assert_eq!(reason(r#"{"id": "a"}"#), "missing text");
        assert_eq!(
            reason(r#"{"id": "a", "text": 3}"#),
            "'text' is not a string"
        );
    }

    #[test]
    fn text_decoding_and_titles() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFhi"), ("hi".to_string(), false));
        assert_eq!(
            decode_text(b"It\x92s \x93ok\x94 caf\xe9"),
            ("It’s “ok” café".to_string(), true)
        );
        assert_eq!(
            first_line_title("\n\n  ## Heading  \nbody", true).as_deref(),
            Some("Heading")
        );
        assert_eq!(first_line_title(" \n", false), None);
        let long = "x".repeat(MAX_TITLE_CHARS + 10);
        assert_eq!(
            first_line_title(&long, false).unwrap().chars().count(),
            MAX_TITLE_CHARS + 1
        );
        let (t, body) = split_front_matter("---\ntitle: \"Front\"\ndate: 2005\n---\n# H\nText\n");
        assert_eq!(t.as_deref(), Some("Front"));
        assert_eq!(body, "# H\nText\n");
        let (t, body) = split_front_matter("---\nnot closed\n");
        assert_eq!((t, body), (None, "---\nnot closed\n"));
    }
}
