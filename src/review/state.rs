//! Review state: the tags and note of every conversation, as the replay of the journal.
//!
//! Kept packed, because a matter coded through holds millions of conversations: ids, tags and
//! reviewers are interned (`intern.rs`), a conversation's review is a short list of tag holds
//! with the last event that changed each, and events keep their changes beside them
//! (`stored.rs`). [`ConvReview`] is a conversation's review as plain values, made on request;
//! [`ReviewView`] reads the packed record in place, for walks over every coded conversation.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::derived::{Derived, DerivedCache};
use super::intern::{Interner, NONE, Sym};
use super::journal::{Action, Event};
use super::stored::{Change, LineEvent, Packed, StoredEvent, pack, pack_line, unpack};

/// What the review decided about one conversation, as plain values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConvReview {
    /// Every tag someone holds on the conversation.
    pub tags: BTreeSet<String>,
    /// Who applied each current tag. A tag is held per reviewer: one reviewer's undo removes
    /// only that reviewer's application, never another's.
    pub tag_by: BTreeMap<String, BTreeSet<String>>,
    pub note: Option<String>,
    /// The confidentiality designation coded for this conversation (else the matter's default).
    pub designation: Option<String>,
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

/// One reviewer's hold on one tag, and the last event that changed it (kept after the hold
/// is released, for undo's check that nobody changed it since).
#[derive(Debug, Clone, Copy)]
struct Hold {
    tag: Sym,
    reviewer: Sym,
    /// The last event's sequence number, shifted left once; the low bit: held.
    seq_held: u64,
}

impl Hold {
    fn held(&self) -> bool {
        self.seq_held & 1 == 1
    }
    fn seq(&self) -> u64 {
        self.seq_held >> 1
    }
}

/// What few conversations have: a note, a designation, more than one reviewer.
#[derive(Debug, Clone, Default)]
struct Extra {
    note: Option<Box<str>>,
    note_seq: Option<u64>,
    designation: Option<Sym>,
    designation_seq: Option<u64>,
    /// Everyone who coded the conversation (by name number), once more than one has.
    reviewers: Vec<Sym>,
}

/// A conversation's review, packed.
#[derive(Debug, Clone)]
struct Conv {
    holds: Vec<Hold>,
    last_time: DateTime<Utc>,
    /// `NONE` while no event has touched the conversation (its id is only named by one).
    last_reviewer: Sym,
    extra: Option<Box<Extra>>,
}

impl Conv {
    fn untouched() -> Conv {
        Conv {
            holds: Vec::new(),
            last_time: DateTime::<Utc>::default(),
            last_reviewer: NONE,
            extra: None,
        }
    }

    fn touched(&self) -> bool {
        self.last_reviewer != NONE
    }

    fn extra(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Default::default)
    }

    fn hold(&self, tag: Sym, reviewer: Sym) -> Option<&Hold> {
        self.holds
            .iter()
            .find(|h| h.tag == tag && h.reviewer == reviewer)
    }

    fn holders(&self, tag: Sym) -> Vec<Sym> {
        self.holds
            .iter()
            .filter(|h| h.tag == tag && h.held())
            .map(|h| h.reviewer)
            .collect()
    }

    fn set_hold(&mut self, tag: Sym, reviewer: Sym, on: bool, seq: u64) {
        let v = (seq << 1) | u64::from(on);
        match self
            .holds
            .iter_mut()
            .find(|h| h.tag == tag && h.reviewer == reviewer)
        {
            Some(h) => h.seq_held = v,
            None => {
                // Most conversations hold one tag: no room kept for more.
                self.holds.reserve_exact(1);
                self.holds.push(Hold {
                    tag,
                    reviewer,
                    seq_held: v,
                });
            }
        }
    }
}

/// A conversation's review read in place.
#[derive(Clone, Copy)]
pub struct ReviewView<'a> {
    st: &'a ReviewState,
    c: &'a Conv,
}

impl<'a> ReviewView<'a> {
    fn name(&self, s: Sym) -> &'a str {
        self.st.names.str(s)
    }

    /// A conversation counts as reviewed once it carries at least one tag.
    pub fn reviewed(&self) -> bool {
        self.c.holds.iter().any(Hold::held)
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.c
            .holds
            .iter()
            .any(|h| h.held() && self.name(h.tag) == tag)
    }

    /// Whether `reviewer` holds `tag` here.
    pub fn holds(&self, tag: &str, reviewer: &str) -> bool {
        self.c
            .holds
            .iter()
            .any(|h| h.held() && self.name(h.tag) == tag && self.name(h.reviewer) == reviewer)
    }

    /// Whether `reviewer` holds any tag here.
    pub fn held_by(&self, reviewer: &str) -> bool {
        self.c
            .holds
            .iter()
            .any(|h| h.held() && self.name(h.reviewer) == reviewer)
    }

    /// The tags held, in order, each once.
    pub fn tags(&self) -> Vec<&'a str> {
        let mut t: Vec<&str> = self
            .c
            .holds
            .iter()
            .filter(|h| h.held())
            .map(|h| self.name(h.tag))
            .collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// (tag, reviewer) for every hold, in no particular order.
    pub fn holds_list(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let st = self.st;
        self.c
            .holds
            .iter()
            .filter(|h| h.held())
            .map(move |h| (st.names.str(h.tag), st.names.str(h.reviewer)))
    }

    pub fn note(&self) -> Option<&'a str> {
        self.c.extra.as_ref().and_then(|x| x.note.as_deref())
    }

    pub fn designation(&self) -> Option<&'a str> {
        self.c
            .extra
            .as_ref()
            .and_then(|x| x.designation)
            .map(|s| self.name(s))
    }

    pub fn has_reviewer(&self, name: &str) -> bool {
        match self.c.extra.as_ref().filter(|x| !x.reviewers.is_empty()) {
            Some(x) => x.reviewers.iter().any(|&r| self.name(r) == name),
            None => self.name(self.c.last_reviewer) == name,
        }
    }

    pub fn last_reviewer(&self) -> Option<&'a str> {
        Some(self.name(self.c.last_reviewer))
    }

    /// The review as plain values.
    pub fn to_owned(&self) -> ConvReview {
        let mut tag_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (t, r) in self.holds_list() {
            tag_by
                .entry(t.to_string())
                .or_default()
                .insert(r.to_string());
        }
        let reviewers = match self.c.extra.as_ref().filter(|x| !x.reviewers.is_empty()) {
            Some(x) => x
                .reviewers
                .iter()
                .map(|&r| self.name(r).to_string())
                .collect(),
            None => BTreeSet::from([self.name(self.c.last_reviewer).to_string()]),
        };
        ConvReview {
            tags: tag_by.keys().cloned().collect(),
            tag_by,
            note: self.note().map(str::to_string),
            designation: self.designation().map(str::to_string),
            reviewers,
            last_reviewer: self.last_reviewer().map(str::to_string),
            last_time: Some(self.c.last_time),
        }
    }
}

/// Something an undo left as it was because a later event changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// A note before and after a change.
type NoteTexts = (Option<Box<str>>, Option<Box<str>>);

/// The state of the whole review.
#[derive(Debug, Clone, Default)]
pub struct ReviewState {
    /// Conversation ids; `convs[i]` is the review of id `i`.
    ids: Interner,
    convs: Vec<Conv>,
    /// Tags, reviewers and designations.
    names: Interner,
    /// Events in journal order (for undo and history).
    events: Vec<StoredEvent>,
    /// Note texts that changes refer to: (before, after).
    texts: Vec<NoteTexts>,
    /// What each undo left alone.
    conflicts: HashMap<u64, Vec<Conflict>>,
    /// Values derived from this state (review filters' sets), kept current by `apply`.
    derived: DerivedCache,
}

impl ReviewState {
    fn conv(&self, id: &str) -> Option<&Conv> {
        self.ids
            .get(id)
            .map(|i| &self.convs[i as usize])
            .filter(|c| c.touched())
    }

    /// The review of `id`, read in place (none for a conversation nobody coded).
    pub fn view(&self, id: &str) -> Option<ReviewView<'_>> {
        self.conv(id).map(|c| ReviewView { st: self, c })
    }

    /// The review of `id` as plain values.
    pub fn get(&self, id: &str) -> Option<ConvReview> {
        self.view(id).map(|v| v.to_owned())
    }

    /// Every coded conversation and its review, in no particular order.
    pub fn convs(&self) -> impl Iterator<Item = (&str, ReviewView<'_>)> + '_ {
        self.convs
            .iter()
            .enumerate()
            .filter(|(_, c)| c.touched())
            .map(|(i, c)| (self.ids.str(i as Sym), ReviewView { st: self, c }))
    }

    pub fn has_tag(&self, id: &str, tag: &str) -> bool {
        self.view(id).is_some_and(|v| v.has_tag(tag))
    }

    pub fn note(&self, id: &str) -> Option<&str> {
        self.view(id).and_then(|v| v.note())
    }

    fn stored(&self, seq: u64) -> Option<&StoredEvent> {
        // Sequence numbers are dense from 1, but be robust to gaps.
        let guess = seq.checked_sub(1).map(|i| i as usize);
        match guess.and_then(|i| self.events.get(i)) {
            Some(e) if e.seq == seq => Some(e),
            _ => self.events.iter().find(|e| e.seq == seq),
        }
    }

    /// The event `seq`, as the journal has it.
    pub fn event(&self, seq: u64) -> Option<Event> {
        self.stored(seq).map(|s| unpack(s, &self.ids, &self.names))
    }

    /// How many events the journal holds.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// The `i`th event in journal order.
    pub fn event_at(&self, i: usize) -> Event {
        unpack(&self.events[i], &self.ids, &self.names)
    }

    /// Every event in journal order.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = Event> + ExactSizeIterator + '_ {
        self.events
            .iter()
            .map(|s| unpack(s, &self.ids, &self.names))
    }

    /// Every event's sequence number, in journal order.
    pub fn seqs(&self) -> impl Iterator<Item = u64> + '_ {
        self.events.iter().map(|s| s.seq)
    }

    /// The positions of the events that name `id` (in journal order).
    pub fn events_about(&self, id: &str) -> Vec<usize> {
        let Some(c) = self.ids.get(id) else {
            return Vec::new();
        };
        self.events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.targets().any(|t| t == c))
            .map(|(i, _)| i)
            .collect()
    }

    /// For every conversation an event names, the positions of those events.
    pub fn history_index(&self) -> HashMap<&str, Vec<usize>> {
        let mut by: HashMap<Sym, Vec<usize>> = HashMap::new();
        for (i, e) in self.events.iter().enumerate() {
            for t in e.targets() {
                by.entry(t).or_default().push(i);
            }
        }
        by.into_iter().map(|(k, v)| (self.ids.str(k), v)).collect()
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
        self.stored(seq).map(|e| e.changes.len()).unwrap_or(0)
    }

    /// The conversation numbered `i`, touched by an event of `reviewer` at `time`.
    fn touch(convs: &mut [Conv], i: Sym, reviewer: Sym, time: DateTime<Utc>) -> &mut Conv {
        let c = &mut convs[i as usize];
        if c.last_reviewer != reviewer && c.last_reviewer != NONE {
            let before = c.last_reviewer;
            let x = c.extra();
            if x.reviewers.is_empty() {
                x.reviewers.push(before);
            }
            if !x.reviewers.contains(&reviewer) {
                x.reviewers.push(reviewer);
            }
        }
        c.last_reviewer = reviewer;
        c.last_time = time;
        c
    }

    /// Applies one event (already validated) to the state.
    pub fn apply(&mut self, e: &Event) {
        let convs = &mut self.convs;
        let s = pack(e, &mut self.ids, &mut self.names, &mut || {
            convs.push(Conv::untouched())
        });
        self.apply_packed(s);
    }

    /// Applies a journal line read in place (the replay's way: no id is copied but into the
    /// state).
    pub(super) fn apply_line(&mut self, e: LineEvent<'_>) {
        let convs = &mut self.convs;
        let s = pack_line(e, &mut self.ids, &mut self.names, &mut || {
            convs.push(Conv::untouched())
        });
        self.apply_packed(s);
    }

    fn apply_packed(&mut self, mut s: StoredEvent) {
        let mut changes = Vec::new();
        match s.action {
            Action::Tag | Action::Untag => {
                if let Some(tag) = s.name() {
                    let on = s.action == Action::Tag;
                    let targets: Vec<Sym> = s.targets().collect();
                    for id in targets {
                        let c = Self::touch(&mut self.convs, id, s.reviewer, s.time);
                        // (tag, holders to set): for a tag, the rest of its exclusive group goes
                        // first, whoever held it; an untag is a decision about the
                        // conversation and removes the tag whoever applied it (undo restores
                        // exactly those). Holders go in name order, as the changes (and so an
                        // undo's report of what it left) list them.
                        let names = &self.names;
                        let holders = |t: Sym| {
                            let mut h = c.holders(t);
                            h.sort_unstable_by(|a, b| names.str(*a).cmp(names.str(*b)));
                            h
                        };
                        let mut steps: Vec<(Sym, Vec<Sym>, bool)> = Vec::new();
                        if on {
                            for &rival in s.replaces.iter().filter(|&&r| r != tag) {
                                steps.push((rival, holders(rival), false));
                            }
                            if !c.hold(tag, s.reviewer).is_some_and(Hold::held) {
                                steps.push((tag, vec![s.reviewer], true));
                            }
                        } else {
                            steps.push((tag, holders(tag), false));
                        }
                        for (t, holders, hold) in steps {
                            for r in holders {
                                c.set_hold(t, r, hold, s.seq);
                                changes.push(Change::Hold {
                                    conv: id,
                                    tag: t,
                                    reviewer: r,
                                    on: hold,
                                });
                            }
                        }
                    }
                }
            }
            Action::Note => {
                let text: Option<Box<str>> = match &s.value {
                    Packed::Other(v) => v.as_str().filter(|t| !t.is_empty()).map(Box::from),
                    _ => None,
                };
                let targets: Vec<Sym> = s.targets().collect();
                for id in targets {
                    let c = Self::touch(&mut self.convs, id, s.reviewer, s.time);
                    let x = c.extra();
                    if x.note != text {
                        let before = std::mem::replace(&mut x.note, text.clone());
                        x.note_seq = Some(s.seq);
                        self.texts.push((before, text.clone()));
                        changes.push(Change::Note {
                            conv: id,
                            text: (self.texts.len() - 1) as u32,
                            flip: false,
                        });
                    }
                }
            }
            Action::Designate => {
                let value = s
                    .name()
                    .filter(|&n| !self.names.str(n).is_empty())
                    .unwrap_or(NONE);
                let targets: Vec<Sym> = s.targets().collect();
                for id in targets {
                    let c = Self::touch(&mut self.convs, id, s.reviewer, s.time);
                    let x = c.extra();
                    let before = x.designation.unwrap_or(NONE);
                    if before != value {
                        x.designation = (value != NONE).then_some(value);
                        x.designation_seq = Some(s.seq);
                        changes.push(Change::Designation {
                            conv: id,
                            before,
                            after: value,
                        });
                    }
                }
            }
            Action::Undo => {
                let (reverted, conflicts) = self.revert(&s);
                changes = reverted;
                if !conflicts.is_empty() {
                    self.conflicts.insert(s.seq, conflicts);
                }
            }
        }
        if !self.derived.is_empty() {
            // Every conversation the event touched (its reviewers change even when its tags
            // do not); an undo touches those it reverted.
            let touched: BTreeSet<Sym> = if s.action == Action::Undo {
                changes.iter().map(Change::conv).collect()
            } else {
                s.targets().collect()
            };
            for id in touched {
                let c = &self.convs[id as usize];
                let now = c.touched().then_some(ReviewView { st: self, c });
                self.derived.changed(self.ids.str(id), now);
            }
        }
        s.changes = changes.into_boxed_slice();
        self.events.push(s);
    }

    /// The undo `e`: reverses each change of its target event on state nobody changed since;
    /// what someone did change is left and reported. Undoing an undo re-applies what it
    /// reverted, by the same rule.
    fn revert(&mut self, e: &StoredEvent) -> (Vec<Change>, Vec<Conflict>) {
        let Packed::Seq(target) = e.value else {
            return (Vec::new(), Vec::new());
        };
        let todo: Vec<Change> = self
            .stored(target)
            .map(|t| t.changes.to_vec())
            .unwrap_or_default();
        let mut done = Vec::new();
        let mut conflicts = Vec::new();
        // Decided on the state before the undo: an event may change one unit twice (a rival
        // named twice), and the undo reverts both, as it would revert one.
        let mut keep = Vec::with_capacity(todo.len());
        for ch in todo {
            let conv = ch.conv();
            let c = &self.convs[conv as usize];
            let last = match ch {
                Change::Hold { tag, reviewer, .. } => c.hold(tag, reviewer).map(Hold::seq),
                Change::Note { .. } => c.extra.as_ref().and_then(|x| x.note_seq),
                Change::Designation { .. } => c.extra.as_ref().and_then(|x| x.designation_seq),
            };
            if last != Some(target) {
                let since = last.unwrap_or(0);
                conflicts.push(Conflict {
                    conversation: self.ids.str(conv).to_string(),
                    what: match ch {
                        Change::Hold { tag, reviewer, .. } => format!(
                            "tag {} ({}'s)",
                            self.names.str(tag),
                            self.names.str(reviewer)
                        ),
                        Change::Note { .. } => "note".to_string(),
                        Change::Designation { .. } => "designation".to_string(),
                    },
                    since_seq: since,
                    since_by: self
                        .stored(since)
                        .map(|x| self.names.str(x.reviewer).to_string())
                        .unwrap_or_default(),
                });
                continue;
            }
            keep.push(ch);
        }
        for ch in keep {
            let conv = ch.conv();
            let back = ch.reversed();
            let c = Self::touch(&mut self.convs, conv, e.reviewer, e.time);
            match back {
                Change::Hold {
                    tag, reviewer, on, ..
                } => c.set_hold(tag, reviewer, on, e.seq),
                Change::Note { text, flip, .. } => {
                    let (a, b) = &self.texts[text as usize];
                    let after = if flip { a } else { b };
                    let x = self.convs[conv as usize].extra();
                    x.note = after.clone();
                    x.note_seq = Some(e.seq);
                }
                Change::Designation { after, .. } => {
                    let x = c.extra();
                    x.designation = (after != NONE).then_some(after);
                    x.designation_seq = Some(e.seq);
                }
            }
            done.push(back);
        }
        (done, conflicts)
    }

    /// Counts per tag.
    pub fn tag_counts(&self) -> BTreeMap<String, u64> {
        let mut by: HashMap<Sym, u64> = HashMap::new();
        for c in &self.convs {
            let mut seen: Vec<Sym> = c.holds.iter().filter(|h| h.held()).map(|h| h.tag).collect();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                *by.entry(t).or_default() += 1;
            }
        }
        by.into_iter()
            .map(|(t, n)| (self.names.str(t).to_string(), n))
            .collect()
    }

    pub fn reviewed_count(&self) -> u64 {
        self.convs
            .iter()
            .filter(|c| c.holds.iter().any(Hold::held))
            .count() as u64
    }

    /// Whether tagging (`add`) or untagging `id` with `tag` by `reviewer` changes anything.
    /// Tags are held per reviewer: a tag changes what this reviewer holds; an untag removes
    /// the tag whoever holds it.
    pub fn tag_would_change(&self, id: &str, tag: &str, reviewer: &str, add: bool) -> bool {
        let holds = self.view(id).is_some_and(|v| {
            if add {
                v.holds(tag, reviewer)
            } else {
                v.has_tag(tag)
            }
        });
        holds != add
    }

    /// The value derived from this state under `key` (made by `make` when absent), kept
    /// current as further events apply.
    pub fn derived<T: Derived>(&self, key: &str, make: impl FnOnce() -> T) -> Arc<T> {
        self.derived.get_or_make(key, make)
    }

    /// The ids for which `pred` holds.
    pub fn ids_where(&self, pred: impl Fn(&ReviewView) -> bool) -> Vec<&str> {
        self.convs()
            .filter(|(_, v)| pred(v))
            .map(|(id, _)| id)
            .collect()
    }

    /// The reviewer's newest tag, untag or note event that is not undone.
    pub fn last_undoable(&self, reviewer: &str) -> Option<Event> {
        let r = self.names.get(reviewer)?;
        let mut undone = HashSet::new();
        for e in &self.events {
            if e.action == Action::Undo
                && let Packed::Seq(k) = e.value
                && !undone.remove(&k)
            {
                undone.insert(k);
            }
        }
        self.events
            .iter()
            .rev()
            .find(|e| e.reviewer == r && e.action != Action::Undo && !undone.contains(&e.seq))
            .map(|s| unpack(s, &self.ids, &self.names))
    }

    /// Every coded conversation's review as plain values, by id (for comparing two states).
    pub fn snapshot(&self) -> BTreeMap<String, ConvReview> {
        self.convs()
            .map(|(id, v)| (id.to_string(), v.to_owned()))
            .collect()
    }
}
