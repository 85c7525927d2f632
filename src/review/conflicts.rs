//! Second-level review: where reviewers' calls on a conversation disagree (the tags of an
//! exclusive group each reviewer last applied and did not undo), and the lead's decisions
//! that settle them (`decisions.jsonl`, appended under a lock).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::journal::Action;
use super::palette::Palette;
use super::state::ReviewState;

/// A reviewer's last call in a group on a conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    pub tag: String,
    pub seq: u64,
    pub time: DateTime<Utc>,
}

/// A lead's decision on a conversation's call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub conversation: String,
    pub group: String,
    pub call: String,
    pub by: String,
    pub time: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Reviewers who called one conversation differently in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub conversation: String,
    pub group: String,
    /// Reviewer to their last call.
    pub calls: BTreeMap<String, Call>,
    /// The lead's decision made after every call, if any.
    pub decision: Option<Decision>,
}

/// Every conversation and group where two reviewers' standing calls differ, in conversation
/// order; with the decision that settles each, if one was made after the calls.
/// The journal's events are read twice, one at a time (never all held at once).
pub fn find(review: &ReviewState, palette: &Palette, decisions: &[Decision]) -> Vec<Conflict> {
    // Undone events, newest first (an undone undo leaves its target standing).
    let mut undone: HashSet<u64> = HashSet::new();
    for e in review.events().rev() {
        if undone.contains(&e.seq) {
            continue;
        }
        if e.action == Action::Undo
            && let Some(target) = e.value.as_u64()
        {
            undone.insert(target);
        }
    }
    let mut calls: BTreeMap<(String, String), BTreeMap<String, Call>> = BTreeMap::new();
    for e in review.events().filter(|e| !undone.contains(&e.seq)) {
        let Some(tag) = e.value.as_str() else {
            continue;
        };
        let Some(group) = palette.group_of(tag) else {
            continue;
        };
        for id in e.targets() {
            let key = (id.to_string(), group.to_string());
            match e.action {
                Action::Tag => {
                    calls.entry(key).or_default().insert(
                        e.reviewer.clone(),
                        Call {
                            tag: tag.to_string(),
                            seq: e.seq,
                            time: e.time,
                        },
                    );
                }
                // Taking the tag off withdraws that reviewer's call.
                Action::Untag => {
                    if let Some(c) = calls.get_mut(&key)
                        && c.get(&e.reviewer).is_some_and(|x| x.tag == tag)
                    {
                        c.remove(&e.reviewer);
                    }
                }
                _ => {}
            }
        }
    }
    calls
        .into_iter()
        .filter(|(_, c)| {
            let mut tags = c.values().map(|x| x.tag.as_str());
            let first = tags.next();
            tags.any(|t| Some(t) != first)
        })
        .map(|((conversation, group), calls)| {
            // A decision settles the conflict while every call that differs from it is older
            // (a later call agreeing with it changes nothing).
            let decision = decisions
                .iter()
                .rev()
                .find(|d| d.conversation == conversation && d.group == group)
                .filter(|d| {
                    calls
                        .values()
                        .filter(|c| c.tag != d.call)
                        .all(|c| c.time <= d.time)
                })
                .cloned();
            Conflict {
                conversation,
                group,
                calls,
                decision,
            }
        })
        .collect()
}

fn path(matter: &Path) -> std::path::PathBuf {
    matter.join("decisions.jsonl")
}

/// The lead's decisions, oldest first.
pub fn decisions(matter: &Path) -> Result<Vec<Decision>> {
    let p = path(matter);
    if !p.exists() {
        return Ok(Vec::new());
    }
    crate::fsutil::read_jsonl(&p, "a decision")
}

/// Appends a decision (fsynced, under the lock).
pub fn record(matter: &Path, d: &Decision) -> Result<()> {
    use std::io::Write;
    super::named::locked(matter, "decisions.lock", || {
        let mut f = crate::fsutil::open_append_private(&path(matter))?;
        let mut line = serde_json::to_vec(d).context("cannot encode the decision")?;
        line.push(b'\n');
        f.write_all(&line)
            .and_then(|_| f.sync_all())
            .context("cannot write decisions.jsonl")
    })
}
