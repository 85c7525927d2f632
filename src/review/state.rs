//! Review state: the tags and note of every conversation, as the replay of the journal.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::journal::{Action, Event};

/// What the review decided about one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConvReview {
    pub tags: BTreeSet<String>,
    /// Who applied each current tag.
    pub tag_by: BTreeMap<String, String>,
    pub note: Option<String>,
    /// Everyone who coded this conversation.
    pub reviewers: BTreeSet<String>,
    pub last_reviewer: Option<String>,
    pub last_time: Option<DateTime<Utc>>,
}

impl ConvReview {
    /// A conversation counts as reviewed once it carries at least one tag.
    pub fn reviewed(&self) -> bool {
        !self.tags.is_empty()
    }
}

/// The state of the whole review.
#[derive(Debug, Clone, Default)]
pub struct ReviewState {
    pub convs: HashMap<String, ConvReview>,
    /// Events by sequence number (for undo and history).
    pub events: Vec<Event>,
}

impl ReviewState {
    pub fn get(&self, id: &str) -> Option<&ConvReview> {
        self.convs.get(id)
    }

    pub fn has_tag(&self, id: &str, tag: &str) -> bool {
        self.convs.get(id).is_some_and(|c| c.tags.contains(tag))
    }

    pub fn note(&self, id: &str) -> Option<&str> {
        self.convs.get(id).and_then(|c| c.note.as_deref())
    }

    pub fn event(&self, seq: u64) -> Option<&Event> {
        // Sequence numbers are dense from 1, but be robust to gaps.
        let guess = seq.checked_sub(1).map(|i| i as usize);
        match guess.and_then(|i| self.events.get(i)) {
            Some(e) if e.seq == seq => Some(e),
            _ => self.events.iter().find(|e| e.seq == seq),
        }
    }

    pub fn last_seq(&self) -> u64 {
        self.events.last().map(|e| e.seq).unwrap_or(0)
    }

    /// Applies one event (already validated) to the state.
    pub fn apply(&mut self, e: &Event) {
        self.apply_effect(e, &e.action, &e.value, &e.prev, false);
        self.events.push(e.clone());
    }

    fn touch(&mut self, id: &str, e: &Event) -> &mut ConvReview {
        let c = self.convs.entry(id.to_string()).or_default();
        c.reviewers.insert(e.reviewer.clone());
        c.last_reviewer = Some(e.reviewer.clone());
        c.last_time = Some(e.time);
        c
    }

    fn apply_effect(
        &mut self,
        e: &Event,
        action: &Action,
        value: &serde_json::Value,
        prev: &serde_json::Value,
        inverse: bool,
    ) {
        match action {
            Action::Tag | Action::Untag => {
                let Some(tag) = value.as_str() else { return };
                let add = (*action == Action::Tag) != inverse;
                // The conversations the event changed; undo reverses only those.
                let targets: Vec<String> = if inverse {
                    prev.as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default()
                } else {
                    e.targets().map(String::from).collect()
                };
                for id in targets {
                    let c = self.touch(&id, e);
                    if add {
                        c.tags.insert(tag.to_string());
                        c.tag_by.insert(tag.to_string(), e.reviewer.clone());
                    } else {
                        c.tags.remove(tag);
                        c.tag_by.remove(tag);
                    }
                }
            }
            Action::Note => {
                let text = if inverse { prev } else { value };
                let note = text.as_str().filter(|s| !s.is_empty()).map(String::from);
                let ids: Vec<String> = e.targets().map(String::from).collect();
                for id in ids {
                    self.touch(&id, e).note = note.clone();
                }
            }
            Action::Undo => {
                let Some(target) = value.as_u64().and_then(|s| self.event(s).cloned()) else {
                    return;
                };
                // Undoing an undo re-applies the original: inverse of inverse.
                let mut t = target.clone();
                t.reviewer = e.reviewer.clone();
                t.time = e.time;
                self.apply_effect(&t, &target.action, &target.value, &target.prev, !inverse);
            }
        }
    }

    /// Counts per tag, and per tag and reviewer (who last coded the conversation).
    pub fn tag_counts(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for c in self.convs.values() {
            for t in &c.tags {
                *m.entry(t.clone()).or_default() += 1;
            }
        }
        m
    }

    pub fn reviewed_count(&self) -> u64 {
        self.convs.values().filter(|c| c.reviewed()).count() as u64
    }

    /// The ids for which `pred` holds.
    pub fn ids_where(&self, pred: impl Fn(&ConvReview) -> bool) -> Vec<&str> {
        self.convs
            .iter()
            .filter(|(_, c)| pred(c))
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

/// The reviewer's newest tag, untag or note event that is not undone.
pub fn last_undoable<'a>(events: &'a [Event], reviewer: &str) -> Option<&'a Event> {
    let mut undone = HashSet::new();
    for e in events {
        if e.action == Action::Undo
            && let Some(k) = e.value.as_u64()
            && !undone.remove(&k)
        {
            undone.insert(k);
        }
    }
    events
        .iter()
        .rev()
        .find(|e| e.reviewer == reviewer && e.action != Action::Undo && !undone.contains(&e.seq))
}
