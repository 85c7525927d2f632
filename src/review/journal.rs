//! `review.jsonl`: the append-only review journal. One event per line; the review state is
//! its replay. An event is written and fsynced, under an exclusive file lock, before anyone is
//! told it is saved. Undo appends an inverse event; nothing is ever rewritten.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::ReviewState;
use crate::fsutil;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Tag,
    Untag,
    /// Sets the note (an empty value clears it).
    Note,
    /// Reverses the event whose `seq` is the value.
    Undo,
    /// Sets the conversation's confidentiality designation (an empty value: the matter's
    /// default applies again).
    Designate,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Tag => "tag",
            Action::Untag => "untag",
            Action::Note => "note",
            Action::Undo => "undo",
            Action::Designate => "designate",
        }
    }

    /// Whether an audit entry named `name` records a journal event.
    pub fn is_coding_name(name: &str) -> bool {
        matches!(name, "tag" | "untag" | "note" | "undo" | "designate")
    }
}

/// How much of the journal a refresh reads at a time.
const REFRESH_BLOCK: usize = 8 << 20;

/// Reads until `buf` is full or the file ends; how many bytes were read.
fn read_full(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub reviewer: String,
    /// The conversation (absent for a bulk event, which lists `conversations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conversations: Vec<String>,
    pub action: Action,
    /// Tag name, note text, or the undone event's `seq`.
    pub value: Value,
    /// What the event replaced: for tag/untag the conversations whose state it changed; for a
    /// note the previous note (null if none); for undo null.
    #[serde(default)]
    pub prev: Value,
    /// For a tag: the tags of its exclusive group it removed from the same conversations, in
    /// the same event (so one undo restores them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    /// What a bulk action came from, when it is more than a query: coding a near-duplicate
    /// group names the group, its principal and the similarity floor the reviewer chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Value>,
}

impl Event {
    /// Every conversation the event is about.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.conversation
            .iter()
            .map(String::as_str)
            .chain(self.conversations.iter().map(String::as_str))
    }

    pub fn is_bulk(&self) -> bool {
        !self.conversations.is_empty()
    }
}

/// An event to write: the journal fills in `seq`, `time` and `prev`.
#[derive(Debug, Clone)]
pub struct Draft {
    pub conversations: Vec<String>,
    pub action: Action,
    pub value: Value,
    /// For a tag: the other tags of its exclusive group, removed in the same event.
    pub replaces: Vec<String>,
    /// See `Event::via`.
    pub via: Option<Value>,
}

/// A line of the journal that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub line: u64,
    pub offset: u64,
    pub reason: String,
}

/// The journal of a matter, with the state replayed so far. A clone is a second reader (and
/// writer) that starts where this one is, without replaying the file again.
#[derive(Clone, Debug)]
pub struct Journal {
    path: PathBuf,
    state: ReviewState,
    /// Bytes of the file already replayed.
    read_to: u64,
    lines_read: u64,
    problems: Vec<Problem>,
}

impl Journal {
    pub fn path_in(matter_dir: &Path) -> PathBuf {
        matter_dir.join("review.jsonl")
    }

    /// The journal of `matter_dir` before any of it is read: an empty state, which the first
    /// refresh (or append) brings up to date by replaying the file.
    pub fn unread(matter_dir: &Path) -> Journal {
        Journal {
            path: Self::path_in(matter_dir),
            state: ReviewState::default(),
            read_to: 0,
            lines_read: 0,
            problems: Vec::new(),
        }
    }

    /// Opens and replays the journal (a missing journal is an empty one).
    pub fn open(matter_dir: &Path) -> Result<Journal> {
        let mut j = Journal {
            path: Self::path_in(matter_dir),
            state: ReviewState::default(),
            read_to: 0,
            lines_read: 0,
            problems: Vec::new(),
        };
        j.refresh()?;
        Ok(j)
    }

    /// The sequence number of the journal's last complete line, read from the end of the file
    /// without replaying it: `Some(0)` for a missing or empty journal, `None` when that line
    /// does not read as an event (only a replay can tell then).
    pub fn last_seq_on_disk(matter_dir: &Path) -> Result<Option<u64>> {
        const CHUNK: u64 = 64 * 1024;
        let Some(mut f) = fsutil::open_read(&Self::path_in(matter_dir))? else {
            return Ok(Some(0));
        };
        let len = f.metadata().context("cannot stat the journal")?.len();
        // Bytes from `start` to the end of the file, read backwards a chunk at a time until
        // they hold the last complete line whole.
        let mut start = len;
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let lines = if let Some(end) = memchr::memrchr(b'\n', &tail) {
                let from = memchr::memrchr(b'\n', &tail[..end]).map(|i| i + 1);
                match from {
                    Some(from) => Some(&tail[from..end]),
                    None if start == 0 => Some(&tail[..end]),
                    None => None,
                }
            } else if start == 0 {
                // No complete line: nothing was ever saved.
                return Ok(Some(0));
            } else {
                None
            };
            if let Some(line) = lines {
                if line.iter().all(u8::is_ascii_whitespace) {
                    return Ok(None);
                }
                // Only the sequence number is kept: the rest of a bulk event's line (millions
                // of ids) is skipped, not read into strings.
                #[derive(Deserialize)]
                struct Seq {
                    seq: u64,
                    #[allow(dead_code)] // present, as every event has it
                    action: Action,
                }
                return Ok(serde_json::from_slice::<Seq>(line).ok().map(|e| e.seq));
            }
            // Each read doubles what is held, so a last line of a hundred megabytes (a bulk
            // event over millions of conversations) costs a few reads, not thousands.
            let from = start.saturating_sub(CHUNK.max(tail.len() as u64));
            let mut chunk = vec![0u8; (start - from) as usize];
            f.seek(SeekFrom::Start(from))
                .and_then(|_| f.read_exact(&mut chunk))
                .context("cannot read the journal")?;
            chunk.extend_from_slice(&tail);
            tail = chunk;
            start = from;
        }
    }

    pub fn state(&self) -> &ReviewState {
        &self.state
    }

    /// Lines that could not be read (garbage, or a torn last line), skipped on replay.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Reads events appended since the last read (by this or another process).
    pub fn refresh(&mut self) -> Result<()> {
        let Some(mut f) = fsutil::open_read(&self.path)? else {
            return Ok(());
        };
        let len = f.metadata().context("cannot stat the journal")?.len();
        if len < self.read_to {
            // Only a torn tail set aside by a writer can shrink the file; replay from scratch.
            self.state = ReviewState::default();
            self.read_to = 0;
            self.lines_read = 0;
            self.problems.clear();
        }
        f.seek(SeekFrom::Start(self.read_to))
            .context("cannot read the journal")?;
        // Read a block at a time: a journal that codes millions of conversations is never
        // held whole, only the state it replays to.
        let block = (len.saturating_sub(self.read_to) as usize + 1).clamp(4096, REFRESH_BLOCK);
        let mut buf: Vec<u8> = Vec::with_capacity(block);
        let mut eof = false;
        while !eof {
            let have = buf.len();
            buf.resize(have + block, 0);
            let n = read_full(&mut f, &mut buf[have..]).context("cannot read the journal")?;
            buf.truncate(have + n);
            eof = n == 0;
            let mut start = 0usize;
            while let Some(nl) = memchr::memchr(b'\n', &buf[start..]) {
                self.replay_line(&buf[start..start + nl], self.read_to + start as u64);
                start += nl + 1;
            }
            self.read_to += start as u64;
            buf.drain(..start);
        }
        if !buf.is_empty() {
            // A last line without its newline: a write that never finished. It is not
            // applied; the next writer sets it aside.
            let offset = self.read_to;
            if !self.problems.iter().any(|p| p.offset == offset) {
                self.problems.push(Problem {
                    line: self.lines_read + 1,
                    offset,
                    reason: "torn last line (an interrupted write); ignored".to_string(),
                });
            }
        }
        Ok(())
    }

    fn replay_line(&mut self, line: &[u8], offset: u64) {
        self.lines_read += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        // Read in place; a line that does not read is read again as an `Event` for the
        // reason to report (the two refuse the same lines).
        match serde_json::from_slice::<super::stored::LineEvent>(line) {
            Ok(e) => self.state.apply_line(e),
            Err(_) => match serde_json::from_slice::<Event>(line) {
                Ok(e) => self.state.apply(&e),
                Err(err) => self.problems.push(Problem {
                    line: self.lines_read,
                    offset,
                    reason: format!("unreadable event: {err}"),
                }),
            },
        }
    }

    /// Appends events computed from the freshest state, under the journal's exclusive lock,
    /// and fsyncs them before returning. `make` sees the state including every event other
    /// writers appended before the lock was taken.
    pub fn append(
        &mut self,
        reviewer: &str,
        make: impl FnOnce(&ReviewState) -> Result<Vec<Draft>>,
    ) -> Result<Vec<Event>> {
        let mut file = fsutil::open_append_private(&self.path)?;
        file.lock().context("cannot lock the review journal")?;
        let result = self.append_locked(&mut file, reviewer, make);
        let _ = file.unlock();
        result
    }

    fn append_locked(
        &mut self,
        file: &mut File,
        reviewer: &str,
        make: impl FnOnce(&ReviewState) -> Result<Vec<Draft>>,
    ) -> Result<Vec<Event>> {
        self.set_aside_torn_tail()?;
        self.refresh()?;
        let drafts = make(&self.state)?;
        let mut out = Vec::with_capacity(drafts.len());
        let mut bytes = Vec::new();
        for d in drafts {
            if d.conversations.is_empty() {
                bail!("an event needs at least one conversation");
            }
            let e = self.complete(d, reviewer)?;
            serde_json::to_writer(&mut bytes, &e).context("cannot serialise event")?;
            bytes.push(b'\n');
            // Later drafts in the same call see the earlier ones.
            self.state.apply(&e);
            out.push(e);
        }
        if bytes.is_empty() {
            return Ok(out);
        }
        file.write_all(&bytes)
            .context("cannot write the review journal")?;
        file.sync_data().context("cannot sync the review journal")?;
        self.read_to += bytes.len() as u64;
        self.lines_read += out.len() as u64;
        Ok(out)
    }

    fn complete(&self, d: Draft, reviewer: &str) -> Result<Event> {
        let st = &self.state;
        let prev = match d.action {
            Action::Tag | Action::Untag => {
                let tag = d.value.as_str().context("a tag event needs a tag name")?;
                let add = d.action == Action::Tag;
                Value::Array(
                    d.conversations
                        .iter()
                        .filter(|id| {
                            st.tag_would_change(id, tag, reviewer, add)
                                || d.replaces.iter().any(|r| st.has_tag(id, r))
                        })
                        .map(|id| Value::String(id.clone()))
                        .collect(),
                )
            }
            Action::Note => {
                if d.conversations.len() != 1 {
                    bail!("a note is about one conversation");
                }
                st.note(&d.conversations[0])
                    .map(|s| Value::String(s.to_string()))
                    .unwrap_or(Value::Null)
            }
            Action::Designate => match d.conversations.as_slice() {
                [one] => st
                    .get(one)
                    .and_then(|c| c.designation.clone())
                    .map(Value::String)
                    .unwrap_or(Value::Null),
                _ => Value::Null,
            },
            Action::Undo => Value::Null,
        };
        let (conversation, conversations) = if d.conversations.len() == 1 {
            (d.conversations.into_iter().next(), Vec::new())
        } else {
            (None, d.conversations)
        };
        Ok(Event {
            seq: st.last_seq() + 1,
            time: Utc::now(),
            reviewer: reviewer.to_string(),
            conversation,
            conversations,
            action: d.action,
            value: d.value,
            prev,
            replaces: d.replaces,
            via: d.via,
        })
    }

    /// A torn last line would glue onto the next event: move it to `review.torn` and cut the
    /// journal back to its last complete line. Called with the lock held.
    fn set_aside_torn_tail(&mut self) -> Result<()> {
        let mut f = fsutil::open_rw(&self.path)?;
        let len = f.metadata().context("cannot stat the journal")?.len();
        if len == 0 {
            return Ok(());
        }
        // Find the last newline, reading backwards in blocks.
        let mut end = len;
        let mut keep = 0u64;
        let mut block = vec![0u8; 64 * 1024];
        'search: while end > 0 {
            let start = end.saturating_sub(block.len() as u64);
            let n = (end - start) as usize;
            f.seek(SeekFrom::Start(start))
                .context("cannot read the journal")?;
            f.read_exact(&mut block[..n])
                .context("cannot read the journal")?;
            if let Some(i) = memchr::memrchr(b'\n', &block[..n]) {
                keep = start + i as u64 + 1;
                break 'search;
            }
            end = start;
        }
        if keep == len {
            return Ok(());
        }
        let mut tail = Vec::new();
        f.seek(SeekFrom::Start(keep))
            .context("cannot read the journal")?;
        f.read_to_end(&mut tail)
            .context("cannot read the journal")?;
        let aside = self.path.with_extension("torn");
        let mut a = fsutil::open_append_private(&aside)?;
        writeln!(
            a,
            "{}",
            serde_json::json!({"time": Utc::now(), "offset": keep, "bytes": String::from_utf8_lossy(&tail)})
        )
        .context("cannot write review.torn")?;
        a.sync_data().context("cannot sync review.torn")?;
        f.set_len(keep).context("cannot trim the journal")?;
        f.sync_data().context("cannot sync the journal")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fs::OpenOptions;

    fn tag(id: &str, t: &str) -> Draft {
        Draft {
            conversations: vec![id.to_string()],
            action: Action::Tag,
            value: json!(t),
            replaces: Vec::new(),
            via: None,
        }
    }

    #[test]
    fn the_last_seq_is_read_from_the_end_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let last = || Journal::last_seq_on_disk(dir.path()).unwrap();
        assert_eq!(last(), Some(0), "no journal");
        let path = Journal::path_in(dir.path());
        std::fs::write(&path, "").unwrap();
        assert_eq!(last(), Some(0), "empty");
        std::fs::write(&path, "{\"seq\":1").unwrap();
        assert_eq!(last(), Some(0), "only a torn line");
        let line = |seq: u64, n: usize| {
            let e = Event {
                seq,
                time: Utc::now(),
                reviewer: "ann".into(),
                conversation: None,
                conversations: (0..n).map(|i| format!("conv-{i:07}")).collect(),
                action: Action::Tag,
                value: json!("hot"),
                prev: json!([]),
                replaces: Vec::new(),
                via: None,
            };
            serde_json::to_string(&e).unwrap() + "\n"
        };
        let mut text = line(1, 2) + &line(2, 2);
        std::fs::write(&path, &text).unwrap();
        assert_eq!(last(), Some(2));
        // A torn tail is not the last line.
        std::fs::write(&path, text.clone() + "{\"seq\":3,\"ti").unwrap();
        assert_eq!(last(), Some(2));
        // A last line longer than the chunks it is read back in, whole or with the line
        // before it cut at every chunk boundary.
        for n in [4_000, 5_000, 9_000, 20_000] {
            text.push_str(&line(2 + n as u64, n));
            std::fs::write(&path, &text).unwrap();
            assert_eq!(last(), Some(2 + n as u64), "{n}");
        }
        // A last line that does not read: only a replay can tell.
        std::fs::write(&path, text.clone() + "garbage\n").unwrap();
        assert_eq!(last(), None);
        std::fs::write(&path, text.clone() + "  \n").unwrap();
        assert_eq!(last(), None);
        // The only line, with no newline before it.
        std::fs::write(&path, line(7, 30_000)).unwrap();
        assert_eq!(last(), Some(7));
        // A bulk event over a million conversations (about 15 MB on one line) after another.
        let big = line(8, 1_000_000);
        std::fs::write(&path, line(1, 1) + &big).unwrap();
        assert_eq!(last(), Some(8));
    }

    #[test]
    fn tag_untag_note_undo_replay() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path()).unwrap();
        j.append("ann", |_| Ok(vec![tag("c1", "hot"), tag("c1", "hot")]))
            .unwrap();
        j.append("ann", |_| {
            Ok(vec![Draft {
                conversations: vec!["c1".into()],
                action: Action::Note,
                value: json!("first"),
                replaces: Vec::new(),
                via: None,
            }])
        })
        .unwrap();
        let e = j
            .append("bob", |_| {
                Ok(vec![Draft {
                    conversations: vec!["c1".into()],
                    action: Action::Note,
                    value: json!("second"),
                    replaces: Vec::new(),
                    via: None,
                }])
            })
            .unwrap();
        assert_eq!(e[0].prev, json!("first"));
        assert_eq!(e[0].seq, 4);
        // Undo the second note: the first comes back.
        j.append("bob", |_| {
            Ok(vec![Draft {
                conversations: vec!["c1".into()],
                action: Action::Undo,
                value: json!(4),
                replaces: Vec::new(),
                via: None,
            }])
        })
        .unwrap();
        assert_eq!(j.state().note("c1"), Some("first"));
        // A fresh replay agrees.
        let j2 = Journal::open(dir.path()).unwrap();
        assert_eq!(j2.state().note("c1"), Some("first"));
        assert!(j2.state().has_tag("c1", "hot"));
        assert_eq!(j2.state().get("c1").unwrap().reviewers.len(), 2);
        assert_eq!(j2.state().last_seq(), 5);
    }

    #[test]
    fn bulk_undo_only_reverts_what_it_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path()).unwrap();
        j.append("ann", |_| Ok(vec![tag("a", "hot")])).unwrap();
        let bulk = j
            .append("ann", |_| {
                Ok(vec![Draft {
                    conversations: vec!["a".into(), "b".into(), "c".into()],
                    action: Action::Tag,
                    value: json!("hot"),
                    replaces: Vec::new(),
                    via: None,
                }])
            })
            .unwrap();
        assert!(bulk[0].is_bulk());
        assert_eq!(bulk[0].prev, json!(["b", "c"]));
        j.append("ann", |_| {
            Ok(vec![Draft {
                conversations: vec!["a".into(), "b".into(), "c".into()],
                action: Action::Undo,
                value: json!(bulk[0].seq),
                replaces: Vec::new(),
                via: None,
            }])
        })
        .unwrap();
        let s = j.state();
        assert!(s.has_tag("a", "hot"));
        assert!(!s.has_tag("b", "hot") && !s.has_tag("c", "hot"));
    }

    fn undo(seq: u64, id: &str) -> Draft {
        Draft {
            conversations: vec![id.to_string()],
            action: Action::Undo,
            value: json!(seq),
            replaces: Vec::new(),
            via: None,
        }
    }

    fn note(id: &str, text: &str) -> Draft {
        Draft {
            conversations: vec![id.to_string()],
            action: Action::Note,
            value: json!(text),
            replaces: Vec::new(),
            via: None,
        }
    }

    #[test]
    fn undo_never_erases_another_reviewers_tag_or_note() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path()).unwrap();
        let a = j.append("ann", |_| Ok(vec![tag("c1", "hot")])).unwrap();
        j.append("bob", |_| Ok(vec![tag("c1", "hot")])).unwrap();
        let u = j.append("ann", |_| Ok(vec![undo(a[0].seq, "c1")])).unwrap();
        assert!(
            j.state().has_tag("c1", "hot"),
            "bob's tag survives ann's undo"
        );
        let holders = &j.state().get("c1").unwrap().tag_by["hot"];
        assert_eq!(holders.iter().collect::<Vec<_>>(), ["bob"]);
        assert_eq!(j.state().changed(u[0].seq), 1);

        // Notes: ann writes, bob rewrites, ann undoes hers: bob's note stays, and it is said.
        let n = j.append("ann", |_| Ok(vec![note("c2", "ann's")])).unwrap();
        j.append("bob", |_| Ok(vec![note("c2", "bob's")])).unwrap();
        let u = j.append("ann", |_| Ok(vec![undo(n[0].seq, "c2")])).unwrap();
        assert_eq!(j.state().note("c2"), Some("bob's"));
        let left = j.state().conflicts(u[0].seq);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].since_by, "bob");
        assert!(
            left[0].to_string().contains("note left as is"),
            "{}",
            left[0]
        );

        // An untag by bob removes ann's tag; undoing the untag brings back exactly hers.
        j.append("ann", |_| Ok(vec![tag("c3", "hot")])).unwrap();
        let un = j
            .append("bob", |_| {
                Ok(vec![Draft {
                    conversations: vec!["c3".into()],
                    action: Action::Untag,
                    value: json!("hot"),
                    replaces: Vec::new(),
                    via: None,
                }])
            })
            .unwrap();
        assert!(!j.state().has_tag("c3", "hot"));
        j.append("bob", |_| Ok(vec![undo(un[0].seq, "c3")]))
            .unwrap();
        let holders = &j.state().get("c3").unwrap().tag_by["hot"];
        assert_eq!(holders.iter().collect::<Vec<_>>(), ["ann"]);

        // Undo of an undo re-applies; a fresh replay agrees on everything.
        let t = j.append("ann", |_| Ok(vec![tag("c4", "cold")])).unwrap();
        let u1 = j.append("ann", |_| Ok(vec![undo(t[0].seq, "c4")])).unwrap();
        assert!(!j.state().has_tag("c4", "cold"));
        j.append("ann", |_| Ok(vec![undo(u1[0].seq, "c4")]))
            .unwrap();
        assert!(j.state().has_tag("c4", "cold"));
        let fresh = Journal::open(dir.path()).unwrap();
        assert_eq!(fresh.state().snapshot(), j.state().snapshot());
    }

    #[test]
    fn torn_and_garbage_lines() {
        let dir = tempfile::tempdir().unwrap();
        let mut j = Journal::open(dir.path()).unwrap();
        j.append("ann", |_| Ok(vec![tag("a", "hot")])).unwrap();
        let path = Journal::path_in(dir.path());
        // A garbage line in the middle, then a torn (unterminated) last line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"this is not json\n{\"seq\": 3, \"time\": \"20")
            .unwrap();
        drop(f);
        let j2 = Journal::open(dir.path()).unwrap();
        assert_eq!(j2.problems().len(), 2);
        assert!(j2.problems()[1].reason.contains("torn"));
        assert!(j2.state().has_tag("a", "hot"));
        // The next writer sets the torn tail aside and appends cleanly.
        let mut j3 = Journal::open(dir.path()).unwrap();
        j3.append("bob", |_| Ok(vec![tag("b", "hot")])).unwrap();
        let j4 = Journal::open(dir.path()).unwrap();
        assert!(j4.state().has_tag("b", "hot"));
        assert_eq!(j4.problems().len(), 1, "only the garbage line remains");
        let aside = std::fs::read_to_string(dir.path().join("review.torn")).unwrap();
        assert!(aside.contains("\\\"seq\\\": 3"), "{aside}");
    }

    #[test]
    fn readers_pick_up_new_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut reader = Journal::open(dir.path()).unwrap();
        let mut writer = Journal::open(dir.path()).unwrap();
        writer.append("ann", |_| Ok(vec![tag("a", "x")])).unwrap();
        assert!(!reader.state().has_tag("a", "x"));
        reader.refresh().unwrap();
        assert!(reader.state().has_tag("a", "x"));
        // The reader, writing next, gets the right sequence number.
        let e = reader.append("bob", |_| Ok(vec![tag("b", "x")])).unwrap();
        assert_eq!(e[0].seq, 2);
    }
}
