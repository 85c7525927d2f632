//! `audit.jsonl`: the hash-chained audit trail. One entry per import, search, view, coding
//! event, export and matter open; each carries the SHA-256 of the previous line, and
//! `audit.head` records the newest entry, signed with the writer's key (see [`anchor`]), so
//! an edited, deleted, inserted or reordered line (or a cut-off tail) is found by [`verify`],
//! and a rewritten chain cannot carry a valid signature. [`anchor`] makes signed checkpoints
//! to keep outside the machine; [`reconcile`] cross-checks the trail against the matter.

pub mod anchor;
mod head;
pub mod reconcile;

use head::Head;
pub use head::{GAP_EVENT, Unvouched};

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
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
    /// The journal `seq` of the newest coding entry up to and including this one (0: none
    /// yet), carried from entry to entry so that the trail's last line alone answers
    /// [`last_coding_seq`]. Absent from entries written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coded: Option<u64>,
}

pub fn path_in(matter_dir: &Path) -> PathBuf {
    matter_dir.join("audit.jsonl")
}

fn keys_path(matter_dir: &Path) -> PathBuf {
    matter_dir.join("audit.keys")
}

/// The public keys (hex) that have signed this matter's trail.
pub fn known_keys(matter_dir: &Path) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct K {
        key: String,
    }
    let ks: Vec<K> = fsutil::read_jsonl(&keys_path(matter_dir), "an audit key")?;
    Ok(ks.into_iter().map(|k| k.key).collect())
}

/// The journal `seq` of the newest coding entry of the trail, if any. Every command that
/// opens the matter asks (to find coding that missed the trail): the last whole line says,
/// in its `coded`; a trail whose last line predates that field is read from its end, a chunk
/// at a time, parsing only coding lines.
fn last_coding_seq(matter_dir: &Path) -> Result<Option<u64>> {
    let Some(f) = fsutil::open_read(&path_in(matter_dir))? else {
        return Ok(None);
    };
    if let Some(last) = last_lines_of(&f)?.0.0
        && let Ok(e) = serde_json::from_slice::<Entry>(&last)
        && let Some(coded) = e.coded
    {
        return Ok((coded > 0).then_some(coded));
    }
    scan_coding_seq(f)
}

/// [`last_coding_seq`] for a trail whose last line does not carry `coded`.
fn scan_coding_seq(mut f: File) -> Result<Option<u64>> {
    const CHUNK: u64 = 1 << 20;
    let mut end = f.metadata().context("cannot stat the audit trail")?.len();
    // Bytes of a line cut by the chunk's start, joined to the chunk before.
    let mut carry: Vec<u8> = Vec::new();
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        let mut buf = vec![0u8; (end - start) as usize];
        f.seek(SeekFrom::Start(start))
            .and_then(|_| f.read_exact(&mut buf))
            .context("cannot read the audit trail")?;
        buf.extend_from_slice(&carry);
        // Unless this chunk starts the file, its first line may be cut: keep it for the next.
        let whole_from = if start == 0 {
            0
        } else {
            match memchr::memchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => buf.len(),
            }
        };
        for line in buf[whole_from..].rsplit(|b| *b == b'\n') {
            if is_coding_line(line)
                && let Ok(e) = serde_json::from_slice::<Entry>(line)
                && crate::review::Action::is_coding_name(&e.event)
            {
                return Ok(e.data.get("seq").and_then(Value::as_u64));
            }
        }
        buf.truncate(whole_from);
        carry = buf;
        end = start;
    }
    Ok(None)
}

/// Whether an entry's line names a coding event, without parsing it: `event` is written
/// before `data`, and a quote inside a value is escaped, so the first `"event":"` is the field.
fn is_coding_line(line: &[u8]) -> bool {
    const KEY: &[u8] = b"\"event\":\"";
    let Some(at) = memchr::memmem::find(line, KEY) else {
        return false;
    };
    let rest = &line[at + KEY.len()..];
    let name = &rest[..memchr::memchr(b'"', rest).unwrap_or(rest.len())];
    std::str::from_utf8(name).is_ok_and(crate::review::Action::is_coding_name)
}

/// Appends an entry, fsynced, under an exclusive lock.
pub fn append(matter_dir: &Path, reviewer: &str, event: &str, data: Value) -> Result<Entry> {
    begin(matter_dir, reviewer, event, data)?.commit()
}

/// An entry written to the trail but not yet synced to disk nor named by `audit.head`. A
/// command writes the entry before it shows what the entry records (a search's results) and
/// commits it after, so the disk's sync does not delay the answer; the trail stays locked in
/// between. Dropped without a commit, it commits itself.
pub struct Pending {
    matter_dir: PathBuf,
    file: File,
    key: anchor::SigningKey,
    staged: Option<(Entry, Vec<u8>)>,
}

impl Pending {
    /// Syncs the entry and names it in `audit.head`; unlocks the trail.
    pub fn commit(mut self) -> Result<Entry> {
        self.finish()
    }

    fn finish(&mut self) -> Result<Entry> {
        let (entry, line) = self
            .staged
            .take()
            .context("the audit entry was already committed")?;
        let result = seal(
            &self.matter_dir,
            &mut self.file,
            &self.key,
            entry.seq,
            &line,
        );
        let _ = self.file.unlock();
        result.map(|_| entry)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.staged.is_some() {
            let _ = self.finish();
        }
    }
}

/// Writes an entry under the trail's exclusive lock, which is held until the returned
/// [`Pending`] is committed.
pub fn begin(matter_dir: &Path, reviewer: &str, event: &str, data: Value) -> Result<Pending> {
    let (mut file, key) = lock_with_key(matter_dir)?;
    let staged = recover(matter_dir, &mut file, &key, reviewer)
        .and_then(|next| stage_at(matter_dir, &mut file, next, reviewer, event, data));
    pending(matter_dir, file, key, staged)
}

/// The trail's file, opened and locked, and this user's key. Without a key the head would be
/// unsigned, which `verify` cannot tell from a forged head: refuse before writing anything.
fn lock_with_key(matter_dir: &Path) -> Result<(File, anchor::SigningKey)> {
    let file = fsutil::open_append_read_private(&path_in(matter_dir))?;
    file.lock().context("cannot lock the audit trail")?;
    // One key for every entry of this command (reading it derives its public half).
    match anchor::SigningKey::load_or_create() {
        Ok(key) => Ok((file, key)),
        Err(e) => {
            let _ = file.unlock();
            Err(e.context(
                "cannot sign the audit trail: set $VERBATIM_AUDIT_KEY to a key file, or move a damaged key aside to have a new one made",
            ))
        }
    }
}

fn pending(
    matter_dir: &Path,
    file: File,
    key: anchor::SigningKey,
    staged: Result<(Entry, Vec<u8>)>,
) -> Result<Pending> {
    match staged {
        Ok(staged) => Ok(Pending {
            matter_dir: matter_dir.to_path_buf(),
            file,
            key,
            staged: Some(staged),
        }),
        Err(e) => {
            let _ = file.unlock();
            Err(e)
        }
    }
}

/// Where the next entry goes.
struct Next {
    seq: u64,
    /// The hash of the line before it.
    prev: String,
    /// The `coded` of the entry before it (`None`: that entry predates the field).
    coded: Option<u64>,
}

impl Next {
    /// After `entry`, whose line is `line`.
    fn after(entry: &Entry, line: &[u8]) -> Next {
        Next {
            seq: entry.seq + 1,
            prev: sha256_hex(line),
            coded: entry.coded,
        }
    }
}

/// Brings the trail's end into order before an entry is written (called with the lock held):
/// a torn last line set aside, a head that does not cover the trail recorded, an interrupted
/// command's entry sealed, this user's key introduced. Returns where the next entry goes.
fn recover(
    matter_dir: &Path,
    file: &mut File,
    key: &anchor::SigningKey,
    reviewer: &str,
) -> Result<Next> {
    // The head as found, judged against the trail's end below.
    let found = head::read(matter_dir);
    // The trail's end, read through the locked file.
    let (mut end, whole) = last_lines_of(file)?;
    // A torn last line (a crash or a full disk mid-write) is cut off and kept aside first,
    // so the trail's end is whole.
    let torn = if whole {
        None
    } else {
        let torn = set_aside_torn_tail(matter_dir, file)?;
        end = last_lines_of(file)?.0;
        torn
    };
    let keys = known_keys(matter_dir)?;
    // A head that does not cover the trail is recorded before anything else, so the head
    // this command signs does not vouch silently for what none did (see [`head`]).
    let (last, before) = end;
    // The newest entry written here, if any: the next one follows it.
    let mut wrote: Option<(Entry, Vec<u8>)> = None;
    match head::standing(
        found.as_ref(),
        (last.as_deref(), before.as_deref()),
        &keys,
        key,
    )? {
        head::Standing::Covers => {}
        head::Standing::Interrupted { seq } => {
            if let Some(line) = &last {
                seal(matter_dir, file, key, seq, line)?;
            }
        }
        head::Standing::Gap(gap) => {
            wrote = Some(write_entry(
                matter_dir, file, key, reviewer, GAP_EVENT, gap,
            )?);
        }
    }
    // That a torn line was set aside is itself the next entry, so no later command fails
    // on it and nothing is hidden.
    if let Some(mut torn) = torn {
        torn["head_before"] = serde_json::json!(
            head::read(matter_dir).map(|h| serde_json::json!({"seq": h.seq, "hash": h.hash}))
        );
        wrote = Some(write_entry(
            matter_dir,
            file,
            key,
            reviewer,
            "audit-torn-tail",
            torn,
        )?);
    }
    // A key signs heads only after the chain has recorded it.
    let public = key.public_hex();
    if !keys.contains(&public) {
        wrote = Some(write_entry(
            matter_dir,
            file,
            key,
            reviewer,
            "audit-key",
            serde_json::json!({"key": public}),
        )?);
        let mut f = fsutil::open_append_private(&keys_path(matter_dir))?;
        writeln!(
            f,
            "{}",
            serde_json::json!({"key": public, "reviewer": reviewer, "added": Utc::now()})
        )
        .context("cannot write audit.keys")?;
        f.sync_data().context("cannot sync audit.keys")?;
    }
    match wrote {
        Some((entry, line)) => Ok(Next::after(&entry, &line)),
        None => next_after(last.as_deref()),
    }
}

/// Where the entry after `last` (the trail's last line, if any) goes.
fn next_after(last: Option<&[u8]>) -> Result<Next> {
    Ok(match last {
        Some(line) => {
            let e: Entry = serde_json::from_slice(line)
                .context("the last audit entry is unreadable; run `verbatim audit verify`")?;
            Next::after(&e, line)
        }
        None => Next {
            seq: 1,
            prev: GENESIS.to_string(),
            coded: Some(0),
        },
    })
}

/// Writes and seals an entry; returns it and its line.
fn write_entry(
    matter_dir: &Path,
    file: &mut File,
    key: &anchor::SigningKey,
    reviewer: &str,
    event: &str,
    data: Value,
) -> Result<(Entry, Vec<u8>)> {
    let (entry, line) = stage(matter_dir, file, reviewer, event, data)?;
    seal(matter_dir, file, key, entry.seq, &line)?;
    Ok((entry, line))
}

/// Writes the next entry of the chain (not yet synced); returns it and its line.
fn stage(
    matter_dir: &Path,
    file: &mut File,
    reviewer: &str,
    event: &str,
    data: Value,
) -> Result<(Entry, Vec<u8>)> {
    let next = next_after(last_lines_of(file)?.0.0.as_deref())?;
    stage_at(matter_dir, file, next, reviewer, event, data)
}

/// Writes entry `next` of the chain (not yet synced); returns it and its line.
fn stage_at(
    matter_dir: &Path,
    file: &mut File,
    next: Next,
    reviewer: &str,
    event: &str,
    data: Value,
) -> Result<(Entry, Vec<u8>)> {
    let data = match data {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => {
            let mut m = Map::new();
            m.insert("value".to_string(), other);
            m
        }
    };
    // A coding entry is the newest coding entry; any other carries its predecessor's.
    let coded = match data.get("seq").and_then(Value::as_u64) {
        Some(seq) if crate::review::Action::is_coding_name(event) => seq,
        _ => match next.coded {
            Some(c) => c,
            None => last_coding_seq(matter_dir)?.unwrap_or(0),
        },
    };
    let entry = Entry {
        seq: next.seq,
        time: Utc::now(),
        reviewer: reviewer.to_string(),
        event: event.to_string(),
        data,
        prev: next.prev,
        coded: Some(coded),
    };
    let line = serde_json::to_vec(&entry).context("cannot serialise audit entry")?;
    let mut bytes = line.clone();
    bytes.push(b'\n');
    file.write_all(&bytes)
        .context("cannot write the audit trail")?;
    Ok((entry, line))
}

/// Syncs the trail, then names entry `seq` (whose line is `line`) in a signed `audit.head`.
fn seal(
    matter_dir: &Path,
    file: &mut File,
    key: &anchor::SigningKey,
    seq: u64,
    line: &[u8],
) -> Result<()> {
    file.sync_data().context("cannot sync the audit trail")?;
    let hash = sha256_hex(line);
    let head = Head {
        seq,
        sig: Some(key.sign_hex(&anchor::head_message(seq, &hash))),
        hash,
        key: Some(key.public_hex()),
    };
    fsutil::write_atomic(
        &head::path(matter_dir),
        &serde_json::to_vec(&head).context("cannot serialise audit head")?,
    )
}

/// Moves an unterminated last line to `audit.torn` and cuts the trail back to its last
/// complete line; returns what the recovery entry records. Called with the lock held: reads
/// and trims `file`, the locked trail itself, not whatever its path names by now, and reads
/// back from the end only as far as the torn line goes.
fn set_aside_torn_tail(matter_dir: &Path, file: &File) -> Result<Option<Value>> {
    const CHUNK: u64 = 64 << 10;
    let len = file
        .metadata()
        .context("cannot stat the audit trail")?
        .len();
    if len == 0 {
        return Ok(None);
    }
    let mut last = [0u8; 1];
    read_exact_at(file, &mut last, len - 1).context("cannot read the audit trail")?;
    if last[0] == b'\n' {
        return Ok(None);
    }
    // Chunks read back from the end, newest first, until one holds a newline.
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut from = len;
    let keep = loop {
        let lo = from.saturating_sub(CHUNK);
        let mut chunk = vec![0u8; (from - lo) as usize];
        read_exact_at(file, &mut chunk, lo).context("cannot read the audit trail")?;
        let newline = memchr::memrchr(b'\n', &chunk);
        if let Some(i) = newline {
            chunk.drain(..=i);
        }
        chunks.push(chunk);
        match newline {
            Some(i) => break lo + i as u64 + 1,
            None if lo == 0 => break 0,
            None => from = lo,
        }
    };
    chunks.reverse();
    let tail = chunks.concat();
    let mut aside = fsutil::open_append_private(&matter_dir.join("audit.torn"))?;
    writeln!(
        aside,
        "{}",
        serde_json::json!({"time": Utc::now(), "offset": keep, "bytes": String::from_utf8_lossy(&tail)})
    )
    .context("cannot write audit.torn")?;
    aside.sync_data().context("cannot sync audit.torn")?;
    file.set_len(keep).context("cannot trim the audit trail")?;
    file.sync_data().context("cannot sync the audit trail")?;
    Ok(Some(serde_json::json!({
        "offset": keep,
        "bytes": tail.len(),
        "sha256": sha256_hex(&tail),
    })))
}

/// The last line of a file and the one before it, if any.
type LastTwo = (Option<Vec<u8>>, Option<Vec<u8>>);

/// The last two complete lines of `path` (without their newlines), newest first.
#[cfg(test)]
fn last_lines(path: &Path) -> Result<LastTwo> {
    match fsutil::open_read(path)? {
        Some(f) => Ok(last_lines_of(&f)?.0),
        None => Ok((None, None)),
    }
}

/// The last two lines of an open file, newest first, and whether it ends with a newline (if
/// not, its last line is torn and left out). Read with positioned reads, so an appending
/// handle can be read too.
fn last_lines_of(f: &File) -> Result<(LastTwo, bool)> {
    let len = f.metadata().context("cannot stat the audit trail")?.len();
    if len == 0 {
        return Ok(((None, None), true));
    }
    let mut window = 4096u64;
    loop {
        let start = len.saturating_sub(window);
        let mut tail = vec![0u8; (len - start) as usize];
        read_exact_at(f, &mut tail, start).context("cannot read the audit trail")?;
        let whole = tail.last() == Some(&b'\n');
        // A torn last line is left out: the lines are those before it.
        let tail = if whole {
            &tail[..]
        } else {
            match memchr::memrchr(b'\n', &tail) {
                Some(i) => &tail[..=i],
                None if start == 0 => return Ok(((None, None), false)),
                None => {
                    window *= 4;
                    continue;
                }
            }
        };
        let found = |two: LastTwo| Ok((two, whole));
        let body = tail.strip_suffix(b"\n").unwrap_or(tail);
        if let Some(i) = memchr::memrchr(b'\n', body) {
            let last = body[i + 1..].to_vec();
            if let Some(j) = memchr::memrchr(b'\n', &body[..i]) {
                return found((Some(last), Some(body[j + 1..i].to_vec())));
            }
            if start == 0 {
                return found((Some(last), Some(body[..i].to_vec())));
            }
        } else if start == 0 {
            return found((Some(body.to_vec()), None));
        }
        window *= 4;
    }
}

/// Fills `buf` from `offset` of `f`.
fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
    }
    #[cfg(not(unix))]
    {
        let mut f = f.try_clone()?;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

/// Reads every entry (unreadable lines are an error: the trail must be intact to be read). A
/// torn last line (an interrupted write, set aside by the next write) is left out.
pub fn read(matter_dir: &Path) -> Result<Vec<Entry>> {
    let path = path_in(matter_dir);
    let Some(mut f) = fsutil::open_read(&path)? else {
        return Ok(Vec::new());
    };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .context("cannot read the audit trail")?;
    let complete = match memchr::memrchr(b'\n', &bytes) {
        Some(i) => &bytes[..i],
        None => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for (i, line) in complete.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.push(
            serde_json::from_slice(line)
                .with_context(|| format!("audit line {} is unreadable", i + 1))?,
        );
    }
    Ok(out)
}

/// The conversations someone opened (a `view` entry, in the review interface or with `show`).
/// Only lines that mention a view are decoded.
pub fn viewed(matter_dir: &Path) -> Result<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    let path = path_in(matter_dir);
    let Some(mut f) = fsutil::open_read(&path)? else {
        return Ok(out);
    };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .context("cannot read the audit trail")?;
    let finder = memchr::memmem::Finder::new(b"\"event\":\"view\"");
    for line in bytes.split(|b| *b == b'\n') {
        if finder.find(line).is_none() {
            continue;
        }
        if let Ok(e) = serde_json::from_slice::<Entry>(line)
            && e.event == "view"
            && let Some(Value::String(id)) = e.data.get("conversation")
        {
            out.insert(id.clone());
        }
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
    /// The key that signed the head (hex), if signed.
    pub signed_by: Option<String>,
    /// What the matter holds that the trail does not account for (each one breaks it).
    pub unaccounted: Vec<String>,
    /// Entries of an unbroken chain that no signed head vouched for (written while the head
    /// could not be updated, or added by hand): not a break, but not vouched for either.
    pub unvouched: Vec<Unvouched>,
    /// Worth knowing, not a break: a torn last line awaiting the next write, torn lines
    /// set aside before.
    pub notes: Vec<String>,
    /// Every key the chain introduced, in order: compare them with the reviewers' own keys
    /// (`verbatim audit key`). A chain rewritten wholesale under a key of its own verifies, but
    /// its key shows here, and no reviewer holds it.
    pub keys: Vec<TrailKey>,
}

/// A signing key as the chain introduced it.
#[derive(Debug, Clone, Serialize)]
pub struct TrailKey {
    /// Ed25519 public key (hex).
    pub key: String,
    /// The `audit-key` entry that introduced it, and its reviewer.
    pub entry: u64,
    pub reviewer: String,
}

impl Verdict {
    /// Lists a run of unvouched entries; one that overlaps the run before (the same missing
    /// head found by command after command on a full disk) extends it.
    fn add_unvouched(&mut self, u: Unvouched) {
        match self.unvouched.last_mut() {
            Some(last) if u.from <= last.to + 1 => {
                last.from = last.from.min(u.from);
                last.to = last.to.max(u.to);
                last.why = u.why;
            }
            _ => self.unvouched.push(u),
        }
    }

    fn broken(mut self, line: u64, reason: impl Into<String>) -> Verdict {
        self.intact = false;
        self.first_broken_line = Some(line);
        self.reason = Some(reason.into());
        self
    }
}

/// Checks the whole chain: every line parses, sequence numbers run 1, 2, 3, ..., each `prev`
/// is the hash of the line before, the newest entry matches `audit.head`, whose signature is
/// valid and by a key the chain introduced; set-aside torn lines lost nothing; and the matter
/// holds nothing the trail does not account for (imports, coding events, keys).
pub fn verify(matter_dir: &Path) -> Result<Verdict> {
    let path = path_in(matter_dir);
    let bytes = match fsutil::open_read(&path)? {
        Some(mut f) => {
            let mut b = Vec::new();
            f.read_to_end(&mut b)
                .context("cannot read the audit trail")?;
            b
        }
        None => Vec::new(),
    };
    let head = head::read(matter_dir);
    let mut v = Verdict {
        entries: 0,
        intact: true,
        first_broken_line: None,
        reason: None,
        head: GENESIS.to_string(),
        signed_by: None,
        unaccounted: Vec::new(),
        unvouched: Vec::new(),
        notes: Vec::new(),
        keys: Vec::new(),
    };
    // Appends always end with a newline; an unterminated last line is an interrupted write
    // (set aside by the next write) when audit.head still names the entry before it.
    let complete_len = memchr::memrchr(b'\n', &bytes).map(|i| i + 1).unwrap_or(0);
    let torn = &bytes[complete_len..];
    let body = &bytes[..complete_len.saturating_sub(1)];
    let mut entries: Vec<Entry> = Vec::new();
    // Each line's hash, to read back the heads recorded by gap entries.
    let mut hashes: Vec<String> = Vec::new();
    let mut keys_introduced: Vec<String> = Vec::new();
    if complete_len > 0 {
        for (i, line) in body.split(|b| *b == b'\n').enumerate() {
            let lineno = i as u64 + 1;
            let e: Entry = match serde_json::from_slice(line) {
                Ok(e) => e,
                Err(err) => return Ok(v.broken(lineno, format!("unreadable entry: {err}"))),
            };
            if e.seq != lineno {
                let why = format!(
                    "sequence number {} where {lineno} was expected (an entry was deleted, inserted or moved)",
                    e.seq
                );
                return Ok(v.broken(lineno, why));
            }
            if e.prev != v.head {
                // The line before no longer hashes to what this one recorded: it was changed.
                if lineno == 1 {
                    return Ok(v.broken(1, "the first entry's prev hash was changed"));
                }
                let why = format!(
                    "entry {} was changed after it was written (entry {lineno} recorded a different hash of it)",
                    lineno - 1
                );
                return Ok(v.broken(lineno - 1, why));
            }
            if e.event == "audit-torn-tail" {
                // The recovery recorded what audit.head named: entries after that were lost.
                let before = e
                    .data
                    .get("head_before")
                    .and_then(|h| h.get("seq"))
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                // (or the one before that, when a process stopped before its head.)
                if before != 0 && before + 1 != lineno && before + 2 != lineno {
                    let why = format!(
                        "entries {}..{} were cut off before a torn line was set aside at entry {lineno}",
                        before + 1,
                        lineno - 1
                    );
                    return Ok(v.broken(lineno, why));
                }
                v.notes.push(format!(
                    "entry {lineno}: a torn line ({} bytes) was set aside in audit.torn",
                    e.data.get("bytes").and_then(Value::as_u64).unwrap_or(0)
                ));
            }
            if e.event == GAP_EVENT {
                match head::check_gap(&e.data, lineno, &hashes, &keys_introduced) {
                    Ok(Some(u)) => v.add_unvouched(u),
                    Ok(None) => {}
                    Err((line, why)) => return Ok(v.broken(line, why)),
                }
            }
            if e.event == "audit-key"
                && let Some(k) = e.data.get("key").and_then(Value::as_str)
                && !keys_introduced.iter().any(|known| known == k)
            {
                // A second key under a reviewer's name is worth a look: a new machine, or a
                // key slipped into a rewritten chain.
                if let Some(earlier) = v.keys.iter().find(|t| t.reviewer == e.reviewer) {
                    v.notes.push(format!(
                        "entry {lineno}: {} introduced a second signing key (the first at entry {}); unless they changed machines or keys, ask them",
                        e.reviewer, earlier.entry
                    ));
                }
                v.keys.push(TrailKey {
                    key: k.to_string(),
                    entry: lineno,
                    reviewer: e.reviewer.clone(),
                });
                keys_introduced.push(k.to_string());
            }
            v.head = sha256_hex(line);
            hashes.push(v.head.clone());
            v.entries += 1;
            entries.push(e);
        }
    }
    let n = v.entries;
    match head::check(head.as_ref(), &hashes, &keys_introduced, None) {
        Err((line, why)) => return Ok(v.broken(line, why)),
        // The last entry was written and the process stopped before audit.head was: the
        // next write covers it.
        Ok(Some(u)) if u.from == n && (head.is_some() || n == 1) => v.notes.push(format!(
            "entry {n} is not yet covered by audit.head (an interrupted write); the next command covers it"
        )),
        Ok(Some(u)) => v.add_unvouched(Unvouched {
            why: format!("{}; the next command records this on the trail", u.why),
            ..u
        }),
        Ok(None) => {}
    }
    if !torn.is_empty() {
        v.notes.push(format!(
            "the last line ({} bytes at byte {complete_len}) is an interrupted write; the next command sets it aside",
            torn.len()
        ));
    }
    v.signed_by = head.filter(|h| h.seq > 0).and_then(|h| h.key);
    v.unaccounted = reconcile::cross_check(matter_dir, &entries)?;
    if let Some(first) = v.unaccounted.first().cloned() {
        let line = n + 1;
        return Ok(v.broken(line, first));
    }
    Ok(v)
}

/// A signed checkpoint of the trail as it is now (written to the trail too, so issuing one is
/// on record). Verify the trail first: a checkpoint of a broken trail proves nothing.
pub fn make_anchor(matter_dir: &Path, reviewer: &str) -> Result<anchor::Checkpoint> {
    let key = anchor::SigningKey::load_or_create()?;
    let v = verify(matter_dir)?;
    if !v.intact {
        anyhow::bail!(
            "the audit trail is broken at entry {}: {}; no checkpoint issued",
            v.first_broken_line.unwrap_or(0),
            v.reason.unwrap_or_default()
        );
    }
    let c = anchor::Checkpoint::sign(&key, v.entries, &v.head, Utc::now());
    append(
        matter_dir,
        reviewer,
        "anchor",
        serde_json::json!({"checkpoint": c.encode()}),
    )?;
    Ok(c)
}

/// Whether the trail still holds the checkpoint's entry with the checkpoint's hash; `Err` with
/// the reason when it does not.
pub fn check_anchor(matter_dir: &Path, c: &anchor::Checkpoint) -> Result<(), String> {
    let bytes = std::fs::read(path_in(matter_dir)).unwrap_or_default();
    let line = bytes
        .split(|b| *b == b'\n')
        .nth((c.seq as usize).saturating_sub(1))
        .filter(|l| !l.is_empty() && c.seq > 0);
    match line {
        None => Err(format!(
            "the trail no longer has entry {} (the checkpoint's entry): it was cut or deleted",
            c.seq
        )),
        Some(l) if sha256_hex(l) != c.hash => Err(format!(
            "entry {} no longer hashes to the checkpoint's hash: the trail was rewritten",
            c.seq
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The newest coding entry is found wherever it lies: across a read chunk's edge, first
    /// in the file, or not at all; a search whose query spells a coding event is not one.
    #[test]
    fn last_coding_seq_reads_back_across_chunks() {
        let line = |seq: u64, event: &str, data: Value| {
            serde_json::to_string(&json!({"seq": seq, "time": "2026-01-01T00:00:00Z",
                "reviewer": "ann", "event": event, "data": data, "prev": "0"}))
            .unwrap()
        };
        let tag = line(2, "tag", json!({"seq": 41, "value": "hot"}));
        // A search whose query spells a coding event's name is not one.
        let filler = line(3, "search", json!({"query": "\"event\":\"tag\"", "n": 0}));
        for offset in [0, 1, 30, tag.len() - 1, tag.len(), tag.len() + 1, 5000] {
            let dir = tempfile::tempdir().unwrap();
            let mut text = line(1, "search", json!({"query": "start"})) + "\n";
            let t0 = text.len();
            text += &(tag.clone() + "\n");
            // The file ends two chunks after a point `offset` bytes into the tag's line.
            let target = t0 + offset + 2 * (1 << 20);
            while text.len() + 2 * filler.len() < target {
                text += &(filler.clone() + "\n");
            }
            let last = |k: usize| line(9, "search", json!({"query": "y".repeat(k)})) + "\n";
            let k = target - text.len() - last(0).len();
            text += &last(k);
            assert_eq!(text.len(), target);
            std::fs::write(path_in(dir.path()), &text).unwrap();
            assert_eq!(
                last_coding_seq(dir.path()).unwrap(),
                Some(41),
                "offset {offset}"
            );
            // A coding line alone, first in the file.
            let only = line(2, "undo", json!({"seq": 42})) + "\n";
            std::fs::write(path_in(dir.path()), &only).unwrap();
            assert_eq!(last_coding_seq(dir.path()).unwrap(), Some(42));
        }
        let dir = tempfile::tempdir().unwrap();
        let none = line(1, "search", json!({"query": "tag"})) + "\n";
        std::fs::write(path_in(dir.path()), none.repeat(30_000)).unwrap();
        assert_eq!(last_coding_seq(dir.path()).unwrap(), None);
    }

    /// The last two lines are found whatever their lengths against the read window.
    #[test]
    fn last_lines_reads_back_two_lines_of_any_length() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_in(dir.path());
        assert_eq!(last_lines(&p).unwrap(), (None, None));
        for (a, b, c) in [
            (0, 5, 7),
            (10, 4095, 3),
            (4000, 5000, 20_000),
            (1, 1, 70_000),
        ] {
            let (la, lb, lc) = ("a".repeat(a), "b".repeat(b), "c".repeat(c));
            std::fs::write(&p, format!("{la}\n{lb}\n{lc}\n")).unwrap();
            let (last, before) = last_lines(&p).unwrap();
            assert_eq!(last.unwrap(), lc.as_bytes(), "{a} {b} {c}");
            assert_eq!(before.unwrap(), lb.as_bytes(), "{a} {b} {c}");
            std::fs::write(&p, format!("{lc}\n")).unwrap();
            assert_eq!(
                last_lines(&p).unwrap(),
                (Some(lc.clone().into_bytes()), None)
            );
            // A torn line after them is left out, and said to be there.
            let torn = "t".repeat(c);
            std::fs::write(&p, format!("{la}\n{lb}\n{torn}")).unwrap();
            let f = std::fs::File::open(&p).unwrap();
            let ((last, before), whole) = last_lines_of(&f).unwrap();
            assert!(!whole);
            assert_eq!(last.unwrap(), lb.as_bytes(), "{a} {b} {c}");
            assert_eq!(before.unwrap(), la.as_bytes(), "{a} {b} {c}");
        }
    }

    /// A command stopped between its entry and its head (Ctrl-C while its results print).
    fn interrupted(dir: &Path, q: &str) {
        let mut p = begin(dir, "ann", "search", json!({"query": q})).unwrap();
        p.staged = None;
    }

    /// Appends an entry; then the trail verifies with nothing unvouched, no note and no gap
    /// entry. Returns the trail's events.
    fn next_write_leaves_it_clean(dir: &Path) -> Vec<String> {
        append(dir, "ann", "search", json!({"query": "next"})).unwrap();
        let v = verify(dir).unwrap();
        assert!(
            v.intact && v.unvouched.is_empty() && v.notes.is_empty(),
            "{v:?}"
        );
        let events: Vec<String> = read(dir).unwrap().into_iter().map(|e| e.event).collect();
        assert!(!events.contains(&GAP_EVENT.to_string()), "{events:?}");
        events
    }

    /// Two commands stopped in a row, then one that finishes: nothing is a gap, nothing is
    /// unvouched, the trail is intact.
    #[test]
    fn interrupted_commands_in_a_row_are_not_gaps() {
        let d = trail(2);
        interrupted(d.path(), "x");
        interrupted(d.path(), "y");
        let v = verify(d.path()).unwrap();
        assert!(v.intact && v.unvouched.is_empty(), "{v:?}");
        let events = next_write_leaves_it_clean(d.path());
        assert_eq!(events.len(), 6);
    }

    /// The very first entry written and no head yet (a crash on a new matter) is an
    /// interrupted write like any other, not a trail without a head.
    #[test]
    fn a_first_entry_without_its_head_is_an_interrupted_write() {
        let d = tempfile::tempdir().unwrap();
        let mut f = fsutil::open_append_read_private(&path_in(d.path())).unwrap();
        stage(d.path(), &mut f, "ann", "search", json!({"query": "first"})).unwrap();
        drop(f);
        let v = verify(d.path()).unwrap();
        assert!(v.intact && v.unvouched.is_empty(), "{v:?}");
        assert!(v.notes[0].contains("interrupted"), "{v:?}");
        next_write_leaves_it_clean(d.path());
    }

    /// Every entry carries the newest coding entry's journal `seq`, so the last line answers
    /// alone however many searches followed the coding; a trail written before the field
    /// was kept is read back as before, and the next entry carries what that found.
    #[test]
    fn the_newest_coding_seq_is_carried_to_the_last_line() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(last_coding_seq(d.path()).unwrap(), None);
        append(d.path(), "ann", "search", json!({"query": "a"})).unwrap();
        assert_eq!(last_coding_seq(d.path()).unwrap(), None);
        append(d.path(), "ann", "tag", json!({"seq": 7, "value": "hot"})).unwrap();
        for i in 0..3 {
            append(d.path(), "bob", "search", json!({"query": i})).unwrap();
        }
        let entries = read(d.path()).unwrap();
        let coded: Vec<_> = entries.iter().map(|e| e.coded).collect();
        // The second reviewer's key entry carries it too.
        assert!(coded.iter().skip(2).all(|c| *c == Some(7)), "{coded:?}");
        assert_eq!(last_coding_seq(d.path()).unwrap(), Some(7));
        // The last line is what is read: an answer that only it holds is the answer.
        let text = std::fs::read_to_string(path_in(d.path())).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let last = lines.pop().unwrap().replace("\"coded\":7", "\"coded\":9");
        lines.push(last);
        std::fs::write(path_in(d.path()), lines.join("\n") + "\n").unwrap();
        assert_eq!(last_coding_seq(d.path()).unwrap(), Some(9));
        // Lines without the field (an older trail) are read back from the end.
        let old = tempfile::tempdir().unwrap();
        let line = |seq: u64, event: &str, data: Value| {
            serde_json::to_string(&json!({"seq": seq, "time": "2026-01-01T00:00:00Z",
                "reviewer": "ann", "event": event, "data": data, "prev": "0"}))
            .unwrap()
        };
        let text = [
            line(1, "tag", json!({"seq": 3, "value": "hot"})),
            line(2, "search", json!({"query": "x"})),
        ]
        .join("\n")
            + "\n";
        std::fs::write(path_in(old.path()), text).unwrap();
        assert_eq!(last_coding_seq(old.path()).unwrap(), Some(3));
        let mut f = fsutil::open_append_read_private(&path_in(old.path())).unwrap();
        let (e, _) = stage(old.path(), &mut f, "ann", "search", json!({})).unwrap();
        assert_eq!(e.coded, Some(3));
        let (e, _) = stage(old.path(), &mut f, "ann", "undo", json!({"seq": 4})).unwrap();
        assert_eq!(e.coded, Some(4));
    }

    /// A torn line longer than a read-back chunk, and a trail that is one torn line, are set
    /// aside whole; the trail is cut through the locked file, whatever its path names now.
    #[test]
    fn a_torn_tail_is_set_aside_whole_through_the_locked_file() {
        let d = trail(2);
        let whole = std::fs::read(path_in(d.path())).unwrap();
        let torn = "x".repeat(200 << 10);
        std::fs::write(
            path_in(d.path()),
            [whole.clone(), torn.clone().into_bytes()].concat(),
        )
        .unwrap();
        let file = fsutil::open_append_read_private(&path_in(d.path())).unwrap();
        // The path is made to name another file after the trail was opened and locked.
        std::fs::rename(path_in(d.path()), d.path().join("moved.jsonl")).unwrap();
        std::fs::write(path_in(d.path()), b"decoy").unwrap();
        let v = set_aside_torn_tail(d.path(), &file).unwrap().unwrap();
        assert_eq!(v["offset"], whole.len());
        assert_eq!(v["bytes"], torn.len());
        assert_eq!(std::fs::read(d.path().join("moved.jsonl")).unwrap(), whole);
        assert_eq!(std::fs::read(path_in(d.path())).unwrap(), b"decoy");
        let aside = std::fs::read_to_string(d.path().join("audit.torn")).unwrap();
        assert!(aside.contains(&torn));
        // Nothing torn: nothing done.
        assert!(set_aside_torn_tail(d.path(), &file).unwrap().is_none());

        let one = tempfile::tempdir().unwrap();
        std::fs::write(path_in(one.path()), "{\"seq\":1").unwrap();
        let file = fsutil::open_append_read_private(&path_in(one.path())).unwrap();
        let v = set_aside_torn_tail(one.path(), &file).unwrap().unwrap();
        assert_eq!(
            (v["offset"].as_u64(), v["bytes"].as_u64()),
            (Some(0), Some(8))
        );
        assert_eq!(std::fs::metadata(path_in(one.path())).unwrap().len(), 0);
    }

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
        // The first entry introduces the signing key.
        assert_eq!(v.entries, 6);
        assert_eq!(read(d.path()).unwrap()[0].event, "audit-key");
        assert_eq!(read(d.path()).unwrap()[5].data["query"], "q4");
    }

    #[test]
    fn every_kind_of_tampering_is_caught() {
        // Line 1 introduces the key; q0..q5 are lines 2..7.
        for (what, expect_line) in [
            ("edit", 3u64),
            ("delete", 4),
            ("insert", 4),
            ("reorder", 3),
            ("drop-last", 7),
            ("edit-last", 7),
        ] {
            let d = trail(6);
            let mut l = lines(d.path());
            match what {
                "edit" => l[2] = l[2].replace("q1", "qX"),
                "delete" => {
                    l.remove(3);
                }
                "insert" => l.insert(3, l[2].clone()),
                "reorder" => l.swap(2, 3),
                "drop-last" => {
                    l.pop();
                }
                "edit-last" => l[6] = l[6].replace("q5", "qY"),
                _ => unreachable!(),
            }
            put(d.path(), &l);
            let v = verify(d.path()).unwrap();
            assert!(!v.intact, "{what} not caught");
            assert_eq!(v.first_broken_line, Some(expect_line), "{what}: {v:?}");
        }
    }
}
