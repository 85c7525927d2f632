//! `audit.jsonl`: the hash-chained audit trail. One entry per import, search, view, coding
//! event, export and matter open; each carries the SHA-256 of the previous line, and
//! `audit.head` records the newest entry, so an edited, deleted, inserted or reordered line
//! (or a cut-off tail) is found by [`verify`].

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::fsutil;
use crate::hashing::sha256_hex;

/// `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub reviewer: String,
    /// import, search, view, tag, untag, note, undo, export, open, report, ...
    pub event: String,
    /// What the event was about (query and count, conversation, files, ...).
    #[serde(default)]
    pub data: Map<String, Value>,
    /// SHA-256 (hex) of the previous line's bytes.
    pub prev: String,
}

/// The newest entry, kept beside the trail so a cut-off tail is noticed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Head {
    seq: u64,
    hash: String,
}

pub fn path_in(matter_dir: &Path) -> PathBuf {
    matter_dir.join("audit.jsonl")
}

fn head_path(matter_dir: &Path) -> PathBuf {
    matter_dir.join("audit.head")
}

/// Appends an entry, fsynced, under an exclusive lock.
pub fn append(matter_dir: &Path, reviewer: &str, event: &str, data: Value) -> Result<Entry> {
    let path = path_in(matter_dir);
    let mut file = fsutil::open_append_private(&path)?;
    file.lock().context("cannot lock the audit trail")?;
    let result = (|| {
        let (seq, prev) = match last_line(&path)? {
            Some(line) => {
                let e: Entry = serde_json::from_slice(&line)
                    .context("the last audit entry is unreadable; run `verbatim audit verify`")?;
                (e.seq + 1, sha256_hex(&line))
            }
            None => (1, GENESIS.to_string()),
        };
        let data = match data {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                let mut m = Map::new();
                m.insert("value".to_string(), other);
                m
            }
        };
        let entry = Entry {
            seq,
            time: Utc::now(),
            reviewer: reviewer.to_string(),
            event: event.to_string(),
            data,
            prev,
        };
        let line = serde_json::to_vec(&entry).context("cannot serialise audit entry")?;
        let mut bytes = line.clone();
        bytes.push(b'\n');
        file.write_all(&bytes)
            .context("cannot write the audit trail")?;
        file.sync_data().context("cannot sync the audit trail")?;
        let head = Head {
            seq,
            hash: sha256_hex(&line),
        };
        fsutil::write_atomic(
            &head_path(matter_dir),
            &serde_json::to_vec(&head).context("cannot serialise audit head")?,
        )?;
        Ok(entry)
    })();
    let _ = file.unlock();
    result
}

/// The last complete line of `path` (without its newline), if any.
fn last_line(path: &Path) -> Result<Option<Vec<u8>>> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).context("cannot open the audit trail"),
    };
    let len = f.metadata().context("cannot stat the audit trail")?.len();
    if len == 0 {
        return Ok(None);
    }
    let mut tail = Vec::new();
    let mut window = 4096u64;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start))
            .context("cannot read the audit trail")?;
        tail.clear();
        f.read_to_end(&mut tail)
            .context("cannot read the audit trail")?;
        let body = tail.strip_suffix(b"\n").unwrap_or(&tail);
        if let Some(i) = memchr::memrchr(b'\n', body) {
            return Ok(Some(body[i + 1..].to_vec()));
        }
        if start == 0 {
            return Ok(Some(body.to_vec()));
        }
        window *= 4;
    }
}

/// Reads every entry (unreadable lines are an error: the trail must be intact to be read).
pub fn read(matter_dir: &Path) -> Result<Vec<Entry>> {
    let path = path_in(matter_dir);
    let f = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).context("cannot open the audit trail"),
    };
    let mut out = Vec::new();
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.context("cannot read the audit trail")?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .with_context(|| format!("audit line {} is unreadable", i + 1))?,
        );
    }
    Ok(out)
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub entries: u64,
    pub intact: bool,
    /// 1-based line of the first entry that breaks the chain, and why.
    pub first_broken_line: Option<u64>,
    pub reason: Option<String>,
    /// SHA-256 of the newest entry: record it elsewhere to anchor the trail.
    pub head: String,
}

/// Checks the whole chain: every line parses, sequence numbers run 1, 2, 3, ..., each `prev`
/// is the hash of the line before, and the newest entry matches `audit.head`.
pub fn verify(matter_dir: &Path) -> Result<Verdict> {
    let path = path_in(matter_dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).context("cannot read the audit trail"),
    };
    let head: Option<Head> = match std::fs::read(head_path(matter_dir)) {
        Ok(b) => serde_json::from_slice(&b).ok(),
        Err(_) => None,
    };
    let mut prev_hash = GENESIS.to_string();
    let mut n = 0u64;
    let broken = |line: u64, reason: String, n: u64, head: String| Verdict {
        entries: n,
        intact: false,
        first_broken_line: Some(line),
        reason: Some(reason),
        head,
    };
    let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        // Appends always end with a newline; a missing one means a cut or an edit.
        let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64 + 1;
        return Ok(broken(
            lines,
            "the last line is incomplete".into(),
            n,
            prev_hash,
        ));
    }
    if !body.is_empty() {
        for (i, line) in body.split(|b| *b == b'\n').enumerate() {
            let lineno = i as u64 + 1;
            let e: Entry = match serde_json::from_slice(line) {
                Ok(e) => e,
                Err(err) => {
                    return Ok(broken(
                        lineno,
                        format!("unreadable entry: {err}"),
                        n,
                        prev_hash,
                    ));
                }
            };
            if e.seq != lineno {
                return Ok(broken(
                    lineno,
                    format!(
                        "sequence number {} where {lineno} was expected (an entry was deleted, inserted or moved)",
                        e.seq
                    ),
                    n,
                    prev_hash,
                ));
            }
            if e.prev != prev_hash {
                // The line before no longer hashes to what this one recorded: it was changed.
                if lineno == 1 {
                    return Ok(broken(
                        1,
                        "the first entry's prev hash was changed".into(),
                        n,
                        prev_hash,
                    ));
                }
                return Ok(broken(
                    lineno - 1,
                    format!(
                        "entry {} was changed after it was written (entry {lineno} recorded a different hash of it)",
                        lineno - 1
                    ),
                    n,
                    prev_hash,
                ));
            }
            prev_hash = sha256_hex(line);
            n += 1;
        }
    }
    match head {
        Some(h) if h.seq == n && h.hash == prev_hash => {}
        Some(h) => {
            let line = if h.seq == n { n } else { n + 1 };
            return Ok(broken(
                line,
                format!(
                    "audit.head names entry {} but the trail ends at entry {n} (entries were removed from the end, or the last one was edited)",
                    h.seq
                ),
                n,
                prev_hash,
            ));
        }
        None if n > 0 => {
            return Ok(broken(n + 1, "audit.head is missing".into(), n, prev_hash));
        }
        None => {}
    }
    Ok(Verdict {
        entries: n,
        intact: true,
        first_broken_line: None,
        reason: None,
        head: prev_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn trail(n: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..n {
            append(
                dir.path(),
                "ann",
                "search",
                json!({"query": format!("q{i}"), "count": i}),
            )
            .unwrap();
        }
        dir
    }

    fn lines(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(path_in(dir))
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    fn put(dir: &Path, lines: &[String]) {
        std::fs::write(path_in(dir), lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn intact_chain_verifies() {
        let d = trail(5);
        let v = verify(d.path()).unwrap();
        assert!(v.intact, "{v:?}");
        assert_eq!(v.entries, 5);
        assert_eq!(read(d.path()).unwrap()[4].data["query"], "q4");
    }

    #[test]
    fn every_kind_of_tampering_is_caught() {
        for (what, expect_line) in [
            ("edit", 2u64),
            ("delete", 3),
            ("insert", 3),
            ("reorder", 2),
            ("drop-last", 6),
            ("edit-last", 6),
        ] {
            let d = trail(6);
            let mut l = lines(d.path());
            match what {
                "edit" => l[1] = l[1].replace("q1", "qX"),
                "delete" => {
                    l.remove(2);
                }
                "insert" => l.insert(2, l[1].clone()),
                "reorder" => l.swap(1, 2),
                "drop-last" => {
                    l.pop();
                }
                "edit-last" => l[5] = l[5].replace("q5", "qY"),
                _ => unreachable!(),
            }
            put(d.path(), &l);
            let v = verify(d.path()).unwrap();
            assert!(!v.intact, "{what} not caught");
            assert_eq!(v.first_broken_line, Some(expect_line), "{what}: {v:?}");
        }
    }
}
