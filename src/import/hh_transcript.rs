//! Plain transcripts in the HH-RLHF style: strings of the form
//! `"\n\nHuman: ...\n\nAssistant: ..."`. A `{"chosen", "rejected"}` record holds two
//! conversations (`<record>/chosen`, `<record>/rejected`), a family named by the record; a
//! bare string holds one.

use serde_json::{Map, Value};

use super::common::{Reason, RecordCtx};
use crate::model::{Conversation, Message, Role};

const SPEAKERS: [(&str, Role); 4] = [
    ("Human:", Role::User),
    ("Assistant:", Role::Assistant),
    ("H:", Role::User),
    ("A:", Role::Assistant),
];

pub fn looks_like(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("Human:") || s.contains("\n\nHuman:") || s.contains("\n\nAssistant:")
}

/// Splits a transcript at speaker labels that start a paragraph.
pub fn split_transcript(s: &str) -> Vec<Message> {
    let mut cuts: Vec<(usize, usize, Role)> = Vec::new();
    let bytes = s.as_bytes();
    // Candidates: the first non-blank character, and every paragraph start.
    let mut i = s.len() - s.trim_start().len();
    while i < s.len() {
        for (label, role) in SPEAKERS {
            if s[i..].starts_with(label) {
                cuts.push((i, i + label.len(), role));
                break;
            }
        }
        // Next candidate: after the next blank line.
        match memchr::memmem::find(&bytes[i..], b"\n\n") {
            Some(k) => i += k + 2,
            None => break,
        }
    }
    let mut out = Vec::with_capacity(cuts.len());
    for (n, (_, body_start, role)) in cuts.iter().enumerate() {
        let end = cuts.get(n + 1).map(|c| c.0).unwrap_or(s.len());
        let text = s[*body_start..end].trim();
        if text.is_empty() {
            continue;
        }
        out.push(Message {
            index: out.len() as u32,
            role: *role,
            author: None,
            created: None,
            text: text.to_string(),
        });
    }
    out
}

pub fn parse(v: Value, ctx: &RecordCtx) -> Result<Vec<Conversation>, Reason> {
    let one = |id: String, text: &str, metadata: Map<String, Value>| {
        let messages = split_transcript(text);
        Conversation {
            id,
            source: ctx.source(),
            title: None,
            created: None,
            model: None,
            language: None,
            messages,
            metadata,
            family: None,
        }
    };
    match v {
        Value::String(s) => Ok(vec![one(ctx.record.to_string(), &s, Map::new())]),
        Value::Object(obj) => {
            let keys = ["chosen", "rejected", "text", "transcript"];
            let others: Map<String, Value> = obj
                .iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut out = Vec::new();
            for k in keys {
                match obj.get(k) {
                    Some(Value::String(s)) => {
                        let id = if k == "text" || k == "transcript" {
                            ctx.record.to_string()
                        } else {
                            format!("{}/{k}", ctx.record)
                        };
                        out.push(one(id, s, others.clone()));
                    }
                    Some(other) if !other.is_null() => {
                        return Err(format!(
                            "`{k}` must be a transcript string, found {}",
                            super::common::kind_of(other)
                        ));
                    }
                    _ => {}
                }
            }
            if out.is_empty() {
                return Err("record has no transcript string (chosen, rejected or text)".into());
            }
            // Chosen and rejected answers to one prompt are a family.
            if out.len() > 1 {
                for c in &mut out {
                    c.family = Some(ctx.record.to_string());
                }
            }
            Ok(out)
        }
        other => Err(format!(
            "a transcript record must be a string or an object, found {}",
            super::common::kind_of(&other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_turns() {
        let m = split_transcript("\n\nHuman: hi there\n\nAssistant: hello\n\nok\n\nHuman: bye");
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].role, Role::User);
        assert_eq!(m[1].text, "hello\n\nok");
        assert_eq!(m[2].text, "bye");
    }
}
