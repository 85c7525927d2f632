//! The review state as it was first written: plain sets of strings, one map entry per unit of
//! state. Kept as the reference that the packed state must agree with, event by event.
#![allow(dead_code)]

//! Review state: the tags and note of every conversation, as the replay of the journal.

use std::collections::{BTreeMap, HashMap, HashSet};

use verbatim::review::{Action, ConvReview, Event};

trait Hold {
    fn holders(&self, tag: &str) -> Vec<String>;
    fn holds(&self, tag: &str, reviewer: &str) -> bool;
    fn set_hold(&mut self, tag: &str, reviewer: &str, on: bool);
}

impl Hold for ConvReview {
    /// Everyone who holds `tag` here.
    fn holders(&self, tag: &str) -> Vec<String> {
        self.tag_by
            .get(tag)
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }

    fn holds(&self, tag: &str, reviewer: &str) -> bool {
        self.tag_by.get(tag).is_some_and(|w| w.contains(reviewer))
    }

    fn set_hold(&mut self, tag: &str, reviewer: &str, on: bool) {
        if on {
            self.tag_by
                .entry(tag.to_string())
                .or_default()
                .insert(reviewer.to_string());
            self.tags.insert(tag.to_string());
        } else if let Some(w) = self.tag_by.get_mut(tag) {
            w.remove(reviewer);
            if w.is_empty() {
                self.tag_by.remove(tag);
                self.tags.remove(tag);
            }
        }
    }
}

/// One unit of review state an event can change: one reviewer's hold on a tag, or a note.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Hold {
        conv: String,
        tag: String,
        reviewer: String,
    },
    Note {
        conv: String,
    },
    Designation {
        conv: String,
    },
}

impl Key {
    fn conv(&self) -> &str {
        match self {
            Key::Hold { conv, .. } | Key::Note { conv } | Key::Designation { conv } => conv,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Val {
    Held(bool),
    Text(Option<String>),
}

#[derive(Debug, Clone)]
struct Change {
    key: Key,
    before: Val,
    after: Val,
}

/// Something an undo left as it was because a later event changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub conversation: String,
    /// `note`, or `tag NAME (REVIEWER's)`.
    pub what: String,
    /// The event that changed it since, and its reviewer.
    pub since_seq: u64,
    pub since_by: String,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} left as is (changed since by {} in #{})",
            self.conversation, self.what, self.since_by, self.since_seq
        )
    }
}

/// The state of the whole review.
#[derive(Debug, Clone, Default)]
pub struct ReviewState {
    pub convs: HashMap<String, ConvReview>,
    /// Events by sequence number (for undo and history).
    pub events: Vec<Event>,
    /// What each event changed, as replayed (an undo reverts exactly this).
    changes: HashMap<u64, Vec<Change>>,
    /// What each undo left alone.
    conflicts: HashMap<u64, Vec<Conflict>>,
    /// The last event that changed each unit of state.
    last_change: HashMap<Key, u64>,
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

    /// What the undo event `seq` left as it was, because someone changed it since.
    pub fn conflicts(&self, seq: u64) -> &[Conflict] {
        self.conflicts.get(&seq).map(Vec::as_slice).unwrap_or(&[])
    }

    /// How many units of state the event `seq` changed (0 for a no-op, or an undo that found
    /// everything changed since).
    pub fn changed(&self, seq: u64) -> usize {
        self.changes.get(&seq).map(Vec::len).unwrap_or(0)
    }

    /// Applies one event (already validated) to the state.
    pub fn apply(&mut self, e: &Event) {
        let mut changes = Vec::new();
        match e.action {
            Action::Tag | Action::Untag => {
                if let Some(tag) = e.value.as_str() {
                    for id in e.targets() {
                        let c = self.touch(id, e);
                        let on = e.action == Action::Tag;
                        // (tag, holders to set): for a tag, the rest of its exclusive group goes
                        // first, whoever held it; an untag is a decision about the
                        // conversation and removes the tag whoever applied it (undo restores
                        // exactly those).
                        let mut steps: Vec<(&str, Vec<String>, bool)> = Vec::new();
                        if on {
                            for rival in e.replaces.iter().filter(|r| r.as_str() != tag) {
                                steps.push((rival, c.holders(rival), false));
                            }
                            if !c.holds(tag, &e.reviewer) {
                                steps.push((tag, vec![e.reviewer.clone()], true));
                            }
                        } else {
                            steps.push((tag, c.holders(tag), false));
                        }
                        for (t, holders, hold) in steps {
                            for r in holders {
                                c.set_hold(t, &r, hold);
                                changes.push(Change {
                                    key: Key::Hold {
                                        conv: id.to_string(),
                                        tag: t.to_string(),
                                        reviewer: r,
                                    },
                                    before: Val::Held(!hold),
                                    after: Val::Held(hold),
                                });
                            }
                        }
                    }
                }
            }
            Action::Note | Action::Designate => {
                let text = e.value.as_str().filter(|s| !s.is_empty()).map(String::from);
                let note = e.action == Action::Note;
                for id in e.targets() {
                    let c = self.touch(id, e);
                    let slot = if note {
                        &mut c.note
                    } else {
                        &mut c.designation
                    };
                    if *slot != text {
                        let before = std::mem::replace(slot, text.clone());
                        let conv = id.to_string();
                        changes.push(Change {
                            key: if note {
                                Key::Note { conv }
                            } else {
                                Key::Designation { conv }
                            },
                            before: Val::Text(before),
                            after: Val::Text(text.clone()),
                        });
                    }
                }
            }
            Action::Undo => {
                let (reverted, conflicts) = self.revert(e);
                changes = reverted;
                if !conflicts.is_empty() {
                    self.conflicts.insert(e.seq, conflicts);
                }
            }
        }
        for c in &changes {
            self.last_change.insert(c.key.clone(), e.seq);
        }
        if !changes.is_empty() {
            self.changes.insert(e.seq, changes);
        }
        self.events.push(e.clone());
    }

    /// The undo `e`: reverses each change of its target event on state nobody changed since;
    /// what someone did change is left and reported. Undoing an undo re-applies what it
    /// reverted, by the same rule.
    fn revert(&mut self, e: &Event) -> (Vec<Change>, Vec<Conflict>) {
        let Some(target) = e.value.as_u64() else {
            return (Vec::new(), Vec::new());
        };
        let todo = self.changes.get(&target).cloned().unwrap_or_default();
        let mut done = Vec::new();
        let mut conflicts = Vec::new();
        for ch in todo {
            let conv = ch.key.conv().to_string();
            let last = self.last_change.get(&ch.key).copied();
            if last != Some(target) {
                let since = last.unwrap_or(0);
                conflicts.push(Conflict {
                    conversation: conv,
                    what: match &ch.key {
                        Key::Hold { tag, reviewer, .. } => format!("tag {tag} ({reviewer}'s)"),
                        Key::Note { .. } => "note".to_string(),
                        Key::Designation { .. } => "designation".to_string(),
                    },
                    since_seq: since,
                    since_by: self
                        .event(since)
                        .map(|x| x.reviewer.clone())
                        .unwrap_or_default(),
                });
                continue;
            }
            let c = self.touch(&conv, e);
            match (&ch.key, &ch.before) {
                (Key::Hold { tag, reviewer, .. }, Val::Held(on)) => c.set_hold(tag, reviewer, *on),
                (Key::Note { .. }, Val::Text(n)) => c.note = n.clone(),
                (Key::Designation { .. }, Val::Text(n)) => c.designation = n.clone(),
                _ => continue,
            }
            done.push(Change {
                key: ch.key,
                before: ch.after,
                after: ch.before,
            });
        }
        (done, conflicts)
    }

    fn touch(&mut self, id: &str, e: &Event) -> &mut ConvReview {
        let c = self.convs.entry(id.to_string()).or_default();
        c.reviewers.insert(e.reviewer.clone());
        c.last_reviewer = Some(e.reviewer.clone());
        c.last_time = Some(e.time);
        c
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
    /// Whether tagging (`add`) or untagging `id` with `tag` by `reviewer` changes anything.
    /// Tags are held per reviewer: a tag changes what this reviewer holds; an untag removes
    /// the tag whoever holds it.
    pub fn tag_would_change(&self, id: &str, tag: &str, reviewer: &str, add: bool) -> bool {
        let holders = self.get(id).and_then(|c| c.tag_by.get(tag));
        let holds = holders.is_some_and(|w| {
            if add {
                w.contains(reviewer)
            } else {
                !w.is_empty()
            }
        });
        holds != add
    }

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
