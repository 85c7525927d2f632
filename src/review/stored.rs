//! Journal events as the review state keeps them: conversation ids, tag names and reviewers
//! as interned numbers, and the changes each event made beside it. An event is unpacked into
//! an [`Event`] equal to the journal line it was read from when someone asks for it (history,
//! undo, audit); the replay itself never does.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::intern::{Interner, NONE, Sym};
use super::journal::{Action, Event};

/// A `value` or `prev` of an event, packed when it has one of the usual shapes.
#[derive(Debug, Clone)]
pub(super) enum Packed {
    Null,
    /// A string from the names (a tag or a designation).
    Name(Sym),
    /// An event's sequence number (an undo's target).
    Seq(u64),
    /// Conversation ids (a tag's `prev`).
    Ids(Box<[Sym]>),
    /// Anything else, as read.
    Other(Box<Value>),
}

/// One unit of state an event changed, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// `reviewer`'s hold on `tag` went to `on` (from `!on`).
    Hold {
        conv: Sym,
        tag: Sym,
        reviewer: Sym,
        on: bool,
    },
    /// The note went from one text to another: `texts[text]` holds (before, after), the
    /// other way round when `flip`.
    Note { conv: Sym, text: u32, flip: bool },
    /// The designation went from `before` to `after` (names; `NONE` for none).
    Designation { conv: Sym, before: Sym, after: Sym },
}

impl Change {
    pub(super) fn conv(&self) -> Sym {
        match *self {
            Change::Hold { conv, .. }
            | Change::Note { conv, .. }
            | Change::Designation { conv, .. } => conv,
        }
    }

    /// The same change undone.
    pub(super) fn reversed(self) -> Change {
        match self {
            Change::Hold {
                conv,
                tag,
                reviewer,
                on,
            } => Change::Hold {
                conv,
                tag,
                reviewer,
                on: !on,
            },
            Change::Note { conv, text, flip } => Change::Note {
                conv,
                text,
                flip: !flip,
            },
            Change::Designation {
                conv,
                before,
                after,
            } => Change::Designation {
                conv,
                before: after,
                after: before,
            },
        }
    }
}

/// An event of the journal, packed.
#[derive(Debug, Clone)]
pub(super) struct StoredEvent {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub reviewer: Sym,
    pub action: Action,
    /// `NONE` when the event lists `conversations` instead.
    pub conversation: Sym,
    pub conversations: Box<[Sym]>,
    pub value: Packed,
    pub prev: Packed,
    pub replaces: Box<[Sym]>,
    pub via: Option<Box<Value>>,
    /// What the event changed, as replayed (an undo reverts exactly this).
    pub changes: Box<[Change]>,
}

impl StoredEvent {
    pub(super) fn targets(&self) -> impl Iterator<Item = Sym> + '_ {
        (self.conversation != NONE)
            .then_some(self.conversation)
            .into_iter()
            .chain(self.conversations.iter().copied())
    }

    /// The tag (or designation) an event names, if its value is a string.
    pub(super) fn name(&self) -> Option<Sym> {
        match self.value {
            Packed::Name(s) => Some(s),
            _ => None,
        }
    }
}

/// A journal line read in place: ids and names borrowed from the line where they need no
/// unescaping, `prev` kept as its text until packed. Exactly as strict as [`Event`]: a line
/// one reads, the other reads the same.
#[derive(Deserialize)]
pub(super) struct LineEvent<'a> {
    seq: u64,
    time: DateTime<Utc>,
    #[serde(borrow)]
    reviewer: Cow<'a, str>,
    #[serde(default, borrow)]
    conversation: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    conversations: Vec<Cow<'a, str>>,
    action: Action,
    value: Value,
    #[serde(default, borrow)]
    prev: Option<&'a RawValue>,
    #[serde(default, borrow)]
    replaces: Vec<Cow<'a, str>>,
    #[serde(default)]
    via: Option<Value>,
}

/// Packs `e`, interning its ids into `ids` (calling `new_id` for each id seen first) and its
/// names into `names`.
pub(super) fn pack(
    e: &Event,
    ids: &mut Interner,
    names: &mut Interner,
    new_id: &mut impl FnMut(),
) -> StoredEvent {
    // The same path as a line read from the journal, so that both pack alike.
    let prev = serde_json::value::to_raw_value(&e.prev).ok();
    let line = LineEvent {
        seq: e.seq,
        time: e.time,
        reviewer: Cow::Borrowed(&e.reviewer),
        conversation: e.conversation.as_deref().map(Cow::Borrowed),
        conversations: e
            .conversations
            .iter()
            .map(|c| Cow::Borrowed(c.as_str()))
            .collect(),
        action: e.action,
        value: e.value.clone(),
        prev: prev.as_deref(),
        replaces: e
            .replaces
            .iter()
            .map(|r| Cow::Borrowed(r.as_str()))
            .collect(),
        via: e.via.clone(),
    };
    pack_line(line, ids, names, new_id)
}

/// Packs a line read in place, as [`pack`] packs the [`Event`] of the same line.
pub(super) fn pack_line(
    e: LineEvent<'_>,
    ids: &mut Interner,
    names: &mut Interner,
    new_id: &mut impl FnMut(),
) -> StoredEvent {
    let mut id = interner(ids, new_id);
    let conversation = e.conversation.as_deref().map(&mut id).unwrap_or(NONE);
    let conversations = e.conversations.iter().map(|s| id(s)).collect();
    let prev = match e.prev {
        None => Packed::Null,
        Some(raw) => {
            let text = raw.get();
            let list = if matches!(e.action, Action::Tag | Action::Untag)
                && text.starts_with('[')
                && let Ok(list) = serde_json::from_str::<Vec<Cow<'_, str>>>(text)
            {
                Some(list)
            } else {
                None
            };
            match list {
                Some(list) => Packed::Ids(list.iter().map(|s| id(s)).collect()),
                None => {
                    // A shape no writer makes for this action: read it whole. It parsed as
                    // part of the line, so it parses alone.
                    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
                    pack_value(&v, e.action, names)
                }
            }
        }
    };
    StoredEvent {
        seq: e.seq,
        time: e.time,
        reviewer: names.intern(&e.reviewer).0,
        action: e.action,
        conversation,
        conversations,
        value: pack_value(&e.value, e.action, names),
        prev,
        replaces: e.replaces.iter().map(|r| names.intern(r).0).collect(),
        via: e.via.map(Box::new),
        changes: Box::new([]),
    }
}

fn interner<'a>(
    ids: &'a mut Interner,
    new_id: &'a mut impl FnMut(),
) -> impl FnMut(&str) -> Sym + 'a {
    move |s: &str| {
        let (i, new) = ids.intern(s);
        if new {
            new_id();
        }
        i
    }
}

fn pack_value(v: &Value, action: Action, names: &mut Interner) -> Packed {
    match v {
        Value::Null => Packed::Null,
        Value::String(s) if matches!(action, Action::Tag | Action::Untag | Action::Designate) => {
            Packed::Name(names.intern(s).0)
        }
        // Only a number held as an unsigned integer reads back the same.
        Value::Number(n) if n.is_u64() => Packed::Seq(n.as_u64().unwrap_or_default()),
        v => Packed::Other(Box::new(v.clone())),
    }
}

fn unpack_value(p: &Packed, ids: &Interner, names: &Interner) -> Value {
    match p {
        Packed::Null => Value::Null,
        Packed::Name(s) => Value::String(names.str(*s).to_string()),
        Packed::Seq(n) => Value::from(*n),
        Packed::Ids(list) => list
            .iter()
            .map(|&i| Value::String(ids.str(i).to_string()))
            .collect(),
        Packed::Other(v) => (**v).clone(),
    }
}

/// The journal event `s` was packed from.
pub(super) fn unpack(s: &StoredEvent, ids: &Interner, names: &Interner) -> Event {
    Event {
        seq: s.seq,
        time: s.time,
        reviewer: names.str(s.reviewer).to_string(),
        conversation: (s.conversation != NONE).then(|| ids.str(s.conversation).to_string()),
        conversations: s
            .conversations
            .iter()
            .map(|&i| ids.str(i).to_string())
            .collect(),
        action: s.action,
        value: unpack_value(&s.value, ids, names),
        prev: unpack_value(&s.prev, ids, names),
        replaces: s
            .replaces
            .iter()
            .map(|&r| names.str(r).to_string())
            .collect(),
        via: s.via.as_deref().cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(line: Value) {
        let e: Event = serde_json::from_value(line.clone()).unwrap();
        let (mut ids, mut names) = (Interner::default(), Interner::default());
        let mut seen = 0;
        let s = pack(&e, &mut ids, &mut names, &mut || seen += 1);
        assert_eq!(seen, ids.len());
        let back = unpack(&s, &ids, &names);
        assert_eq!(back, e, "{line}");
        // Read in place from the line's text, the same event.
        let text = serde_json::to_string(&line).unwrap();
        let raw: LineEvent = serde_json::from_str(&text).unwrap();
        let (mut ids2, mut names2) = (Interner::default(), Interner::default());
        let s2 = pack_line(raw, &mut ids2, &mut names2, &mut || ());
        assert_eq!(unpack(&s2, &ids2, &names2), e, "{line}");
        assert_eq!(
            serde_json::to_value(&back).unwrap(),
            serde_json::to_value(&e).unwrap()
        );
    }

    #[test]
    fn every_shape_of_event_unpacks_to_what_was_read() {
        let t = "2026-01-02T03:04:05.123456789Z";
        for line in [
            json!({"seq":1,"time":t,"reviewer":"ann","conversation":"c1","action":"tag","value":"hot","prev":["c1"]}),
            json!({"seq":2,"time":t,"reviewer":"ann","conversations":["c1","c2","é"],"action":"untag","value":"hot","prev":[]}),
            json!({"seq":3,"time":t,"reviewer":"bob","conversation":"c1","action":"note","value":"see ¶ 4","prev":null}),
            json!({"seq":4,"time":t,"reviewer":"bob","conversation":"c1","action":"undo","value":3,"prev":null}),
            json!({"seq":5,"time":t,"reviewer":"bob","conversation":"c1","action":"designate","value":"CONFIDENTIAL","prev":"AEO"}),
            json!({"seq":6,"time":t,"reviewer":"bob","conversation":"c1","action":"tag","value":"a","prev":["c1"],"replaces":["b","c"],"via":{"group":"g1","floor":0.8}}),
            // Shapes no writer makes, kept as read.
            json!({"seq":7,"time":t,"reviewer":"x","conversation":"c1","conversations":["c2"],"action":"tag","value":7,"prev":["c1",2]}),
            json!({"seq":8,"time":t,"reviewer":"x","conversation":"c1","action":"undo","value":-3,"prev":{"a":1}}),
            json!({"seq":9,"time":t,"reviewer":"x","conversation":"c1","action":"undo","value":3.5,"prev":"p"}),
            json!({"seq":10,"time":t,"reviewer":"x","conversation":"c1","action":"note","value":"","prev":"old"}),
            json!({"seq":0,"time":t,"reviewer":"","conversation":"","action":"designate","value":null,"prev":null}),
            // Escapes: read into owned strings, not borrowed.
            json!({"seq":11,"time":t,"reviewer":"a\"b","conversations":["c\n1","\u{e9}\t","x\\y"],"action":"tag","value":"h\"ot","prev":["c\n1"],"replaces":["r\u{7}"]}),
            json!({"seq":12,"time":t,"reviewer":"x","conversation":"c1","action":"tag","value":"hot"}),
        ] {
            round_trip(line);
        }
    }

    #[test]
    fn a_line_one_reader_refuses_the_other_refuses_too() {
        let t = "2026-01-02T03:04:05Z";
        for line in [
            format!(
                r#"{{"time":"{t}","reviewer":"a","conversation":"c","action":"tag","value":"x"}}"#
            ),
            format!(
                r#"{{"seq":-1,"time":"{t}","reviewer":"a","conversation":"c","action":"tag","value":"x"}}"#
            ),
            r#"{"seq":1,"time":"yesterday","reviewer":"a","conversation":"c","action":"tag","value":"x"}"#
                .to_string(),
            format!(
                r#"{{"seq":1,"time":"{t}","reviewer":7,"conversation":"c","action":"tag","value":"x"}}"#
            ),
            format!(
                r#"{{"seq":1,"time":"{t}","reviewer":"a","conversations":"c","action":"tag","value":"x"}}"#
            ),
            format!(
                r#"{{"seq":1,"time":"{t}","reviewer":"a","conversation":"c","action":"shout","value":"x"}}"#
            ),
            format!(
                r#"{{"seq":1,"time":"{t}","reviewer":"a","conversation":"c","action":"tag","value":"x","replaces":[1]}}"#
            ),
            format!(
                r#"{{"seq":1,"time":"{t}","reviewer":"a","seq":2,"conversation":"c","action":"tag","value":"x"}}"#
            ),
            format!(
                r#"{{"seq":1,"time":"{t}","reviewer":"a","conversation":"c","action":"tag","value":"x","prev":[}}"#
            ),
            r#"{"seq":1"#.to_string(),
            "[]".to_string(),
        ] {
            let a = serde_json::from_str::<Event>(&line).is_ok();
            let b = serde_json::from_str::<LineEvent>(&line).is_ok();
            assert!(!a && !b, "{line}: event {a}, in place {b}");
        }
    }
}
