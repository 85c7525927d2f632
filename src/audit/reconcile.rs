//! The audit trail against the rest of the matter: every imported source, every coding event
//! and every signing key must have its entry. A trail deleted or cut back to nothing verifies
//! as a chain, but not against a matter that holds conversations and decisions.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use super::Entry;
use crate::review::{Action, Event, ReviewState};

/// Coding events are audited under their action's name, with the journal's `seq`.
fn is_coding(e: &Entry) -> bool {
    Action::is_coding_name(&e.event)
}

/// Journal sequence numbers that have an audit entry.
fn audited_seqs(entries: &[Entry]) -> HashSet<u64> {
    entries
        .iter()
        .filter(|e| is_coding(e))
        .filter_map(|e| e.data.get("seq").and_then(Value::as_u64))
        .collect()
}

/// Paths named by import entries (`files` as strings, or objects with a `path`).
fn imported_paths(entries: &[Entry]) -> HashSet<String> {
    let mut out = HashSet::new();
    for e in entries
        .iter()
        .filter(|e| e.event == "import" || e.event == "import-start")
    {
        for f in e
            .data
            .get("files")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(p) = f.as_str().or_else(|| f.get("path").and_then(Value::as_str)) {
                out.insert(p.to_string());
            }
        }
    }
    out
}

/// What the matter holds that the trail does not account for.
pub fn cross_check(matter_dir: &Path, entries: &[Entry]) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if let Ok(m) = crate::matter::Matter::open(matter_dir) {
        let paths = imported_paths(entries);
        for s in &m.meta.sources {
            if !paths.contains(&s.path) {
                problems.push(format!(
                    "the matter holds {} conversations from {} but the trail has no import of it",
                    s.imported, s.path
                ));
            }
        }
    }
    let journal = crate::review::Journal::open(matter_dir)?;
    let audited = audited_seqs(entries);
    let missing: Vec<u64> = journal
        .state()
        .seqs()
        .filter(|s| !audited.contains(s))
        .collect();
    if let Some(first) = missing.first() {
        problems.push(format!(
            "{} coding event(s) in review.jsonl have no audit entry (first: #{first})",
            missing.len()
        ));
    }
    // A bulk event's conversations, as the trail fixed them when it was written.
    for e in entries.iter().filter(|e| is_coding(e)) {
        let (Some(seq), Some(want)) = (
            e.data.get("seq").and_then(Value::as_u64),
            e.data.get("conversations_sha256").and_then(Value::as_str),
        ) else {
            continue;
        };
        if let Some(ev) = journal.state().event(seq)
            && coding_data(&ev, false)["conversations_sha256"].as_str() != Some(want)
        {
            problems.push(format!(
                "review.jsonl event #{seq} does not list the conversations the audit trail recorded for it"
            ));
        }
    }
    let introduced: HashSet<&str> = entries
        .iter()
        .filter(|e| e.event == "audit-key")
        .filter_map(|e| e.data.get("key").and_then(Value::as_str))
        .collect();
    for k in super::known_keys(matter_dir)? {
        if !introduced.contains(k.as_str()) {
            problems.push(format!(
                "audit.keys lists key {} that no audit-key entry introduced",
                k.chars().take(16).collect::<String>()
            ));
        }
    }
    Ok(problems)
}

/// Whether the trail's newest coding entry is for the journal event `last` (its last), so
/// that no coding event can lack an entry: looks at the newest coding entry alone.
pub fn in_step(matter_dir: &Path, last: u64) -> Result<bool> {
    Ok(last == 0 || super::last_coding_seq(matter_dir)? == Some(last))
}

/// Whether the trail can lack an entry for no event of the journal, told from the journal's
/// last line and the trail's newest coding entry without replaying the journal (a last line
/// that does not read: not known, so false).
pub fn journal_in_step(matter_dir: &Path) -> Result<bool> {
    match crate::review::Journal::last_seq_on_disk(matter_dir)? {
        Some(seq) => in_step(matter_dir, seq),
        None => Ok(false),
    }
}

/// Writes the audit entries of coding events that reached the journal without one (a crash
/// between the two writes), each marked `reconciled`. Cheap when nothing is missing: only the
/// newest coding entry is looked at unless it lags the journal. Returns how many were written.
pub fn reconcile_journal(matter_dir: &Path, state: &ReviewState, reviewer: &str) -> Result<usize> {
    if in_step(matter_dir, state.last_seq())? {
        return Ok(0);
    }
    let entries = super::read(matter_dir)?;
    let audited = audited_seqs(&entries);
    let mut n = 0;
    for e in state.events().filter(|e| !audited.contains(&e.seq)) {
        super::append(
            matter_dir,
            reviewer,
            e.action.as_str(),
            coding_data(&e, true),
        )?;
        n += 1;
    }
    Ok(n)
}

/// The audit entry's data for a coding event.
pub fn coding_data(e: &Event, reconciled: bool) -> Value {
    let mut v = json!({
        "seq": e.seq,
        "conversation": e.conversation,
        "conversations": e.conversations.len(),
        "value": e.value,
        "by": e.reviewer,
    });
    if reconciled {
        v["reconciled"] = json!(true);
    }
    if e.action == Action::Undo {
        v["undoes"] = e.value.clone();
    }
    if e.is_bulk() {
        // The ids are in the journal event; the trail fixes which ones, so neither file can
        // be changed alone.
        let mut ids: Vec<&str> = e.conversations.iter().map(String::as_str).collect();
        ids.sort_unstable();
        v["conversations_sha256"] = json!(crate::hashing::sha256_hex(ids.join("\n").as_bytes()));
    }
    if let Some(via) = &e.via {
        // Group coding: the source conversation, the group and the similarity floor.
        v["group_coding"] = via.clone();
    }
    v
}
