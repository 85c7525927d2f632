//! The packed review state against the reference (plain sets of strings, as the state was
//! first written) over random journals: tags by several reviewers, exclusive groups, bulk
//! events, notes, designations, undo of anything (undo included), and values no writer
//! makes. After every event both agree on every conversation's review, what each event
//! changed, what each undo left alone, and what each reviewer would undo next; every event
//! reads back as written.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};
use verbatim::review::{Action, Event, ReviewState};

#[path = "reference/review_state.rs"]
mod reference;

const IDS: [&str; 6] = ["c1", "c2", "c3", "会話", "", "c 5"];
const TAGS: [&str; 4] = ["hot", "echo-only", "not-relevant", "needs-second-look"];
const WHO: [&str; 3] = ["ann", "bob", "cy"];

#[derive(Debug, Clone)]
enum Step {
    Tag(usize, Vec<usize>, usize, bool, Vec<usize>),
    Note(usize, usize, Option<&'static str>),
    Designate(usize, Vec<usize>, Option<&'static str>),
    Undo(usize, u64),
    Odd(usize, usize, u8),
}

fn step() -> impl Strategy<Value = Step> {
    let ids = prop::collection::vec(0..IDS.len(), 1..4);
    prop_oneof![
        5 => (0..WHO.len(), ids.clone(), 0..TAGS.len(), any::<bool>(), prop::collection::vec(0..TAGS.len(), 0..3))
            .prop_map(|(w, i, t, on, r)| Step::Tag(w, i, t, on, r)),
        2 => (0..WHO.len(), 0..IDS.len(), prop::option::of(prop::sample::select(vec!["see ¶4", "x", "", "second"])))
            .prop_map(|(w, i, n)| Step::Note(w, i, n)),
        1 => (0..WHO.len(), ids, prop::option::of(prop::sample::select(vec!["CONFIDENTIAL", "AEO", ""])))
            .prop_map(|(w, i, d)| Step::Designate(w, i, d)),
        3 => (0..WHO.len(), 0u64..40).prop_map(|(w, s)| Step::Undo(w, s)),
        1 => (0..WHO.len(), 0..IDS.len(), 0u8..4).prop_map(|(w, i, k)| Step::Odd(w, i, k)),
    ]
}

fn event(seq: u64, s: &Step) -> Event {
    let mut e = Event {
        seq,
        time: Utc.timestamp_opt(1_700_000_000 + seq as i64, 7).unwrap(),
        reviewer: String::new(),
        conversation: None,
        conversations: Vec::new(),
        action: Action::Tag,
        value: Value::Null,
        prev: Value::Null,
        replaces: Vec::new(),
        via: None,
    };
    let targets = |e: &mut Event, ids: &[usize]| {
        let ids: Vec<String> = ids.iter().map(|&i| IDS[i].to_string()).collect();
        if ids.len() == 1 {
            e.conversation = ids.into_iter().next();
        } else {
            e.conversations = ids;
        }
    };
    match s {
        Step::Tag(w, ids, t, on, r) => {
            e.reviewer = WHO[*w].into();
            targets(&mut e, ids);
            e.action = if *on { Action::Tag } else { Action::Untag };
            e.value = json!(TAGS[*t]);
            e.prev = json!(ids.iter().map(|&i| IDS[i]).collect::<Vec<_>>());
            e.replaces = r.iter().map(|&i| TAGS[i].to_string()).collect();
        }
        Step::Note(w, i, n) => {
            e.reviewer = WHO[*w].into();
            targets(&mut e, &[*i]);
            e.action = Action::Note;
            e.value = n.map_or(Value::Null, |n| json!(n));
            e.prev = json!("earlier");
        }
        Step::Designate(w, ids, d) => {
            e.reviewer = WHO[*w].into();
            targets(&mut e, ids);
            e.action = Action::Designate;
            e.value = d.map_or(Value::Null, |d| json!(d));
        }
        Step::Undo(w, target) => {
            e.reviewer = WHO[*w].into();
            targets(&mut e, &[0]);
            e.action = Action::Undo;
            e.value = json!(target);
        }
        Step::Odd(w, i, k) => {
            e.reviewer = WHO[*w].into();
            targets(&mut e, &[*i]);
            // Shapes no writer makes: a tag named by a number, an undo of a fraction or of a
            // negative number, a conversation named both ways.
            match k {
                0 => e.value = json!(3),
                1 => {
                    e.action = Action::Undo;
                    e.value = json!(2.0);
                }
                2 => {
                    e.action = Action::Undo;
                    e.value = json!(-1);
                }
                _ => {
                    e.conversations = vec!["c2".into(), "c3".into()];
                    e.value = json!("hot");
                    e.prev = json!(["c1", 4]);
                    e.via = Some(json!({"group": "g1"}));
                }
            }
        }
    }
    e
}

fn agree(new: &ReviewState, old: &reference::ReviewState, events: &[Event]) {
    for id in IDS {
        assert_eq!(new.get(id).as_ref(), old.get(id), "review of {id:?}");
        assert_eq!(new.note(id), old.note(id));
        for t in TAGS {
            assert_eq!(new.has_tag(id, t), old.has_tag(id, t));
            for w in WHO {
                for add in [true, false] {
                    assert_eq!(
                        new.tag_would_change(id, t, w, add),
                        old.tag_would_change(id, t, w, add)
                    );
                }
            }
        }
        if let Some(v) = new.view(id) {
            let o = old.get(id).unwrap();
            assert_eq!(v.reviewed(), o.reviewed());
            for w in WHO {
                assert_eq!(v.has_reviewer(w), o.reviewers.contains(w));
                assert_eq!(
                    v.held_by(w),
                    o.tag_by.values().any(|holders| holders.contains(w))
                );
            }
        }
    }
    let mut a: Vec<&str> = new.ids_where(|c| c.reviewed());
    let mut b: Vec<&str> = old.ids_where(|c| c.reviewed());
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(new.tag_counts(), old.tag_counts());
    assert_eq!(new.reviewed_count(), old.reviewed_count());
    assert_eq!(new.last_seq(), old.last_seq());
    for e in events {
        assert_eq!(
            new.changed(e.seq),
            old.changed(e.seq),
            "changes of #{}",
            e.seq
        );
        let (c1, c2) = (new.conflicts(e.seq), old.conflicts(e.seq));
        assert_eq!(c1.len(), c2.len());
        for (x, y) in c1.iter().zip(c2) {
            assert_eq!(x.to_string(), y.to_string());
        }
        assert_eq!(new.event(e.seq).as_ref(), Some(e));
    }
    assert_eq!(new.events().collect::<Vec<_>>(), events);
    for w in WHO {
        assert_eq!(
            new.last_undoable(w).as_ref(),
            reference::last_undoable(events, w)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_packed_state_agrees_with_the_reference(steps in prop::collection::vec(step(), 1..40)) {
        let mut new = ReviewState::default();
        let mut old = reference::ReviewState::default();
        let mut events = Vec::new();
        for (i, s) in steps.iter().enumerate() {
            let e = event(i as u64 + 1, s);
            new.apply(&e);
            old.apply(&e);
            events.push(e);
            agree(&new, &old, &events);
        }
        // A copy is the same state.
        let copy = new.clone();
        assert_eq!(copy.snapshot(), new.snapshot());
        // Replayed from the journal's lines (read in place, not as events), the same again.
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for e in &events {
            text.push_str(&serde_json::to_string(e).unwrap());
            text.push('\n');
        }
        std::fs::write(dir.path().join("review.jsonl"), text).unwrap();
        let j = verbatim::review::Journal::open(dir.path()).unwrap();
        assert!(j.problems().is_empty());
        agree(j.state(), &old, &events);
    }
}
