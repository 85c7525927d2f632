//! A faster reading of the common record shapes (OpenAI chat, ShareGPT, LMSYS/WildChat): the
//! message list is deserialised straight into typed messages and the other fields into a
//! small map, skipping the generic JSON tree that dominates import time. Whenever anything is
//! unusual, it declines and the generic reader runs, so errors and edge cases are reported
//! exactly as before.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::common::{content_text, parse_time};
use super::format::Format;
use crate::model::{Message, Role};

#[derive(Deserialize)]
struct TypedMessage<'a> {
    #[serde(borrow, alias = "from")]
    role: Cow<'a, str>,
    #[serde(borrow, alias = "value")]
    content: Option<&'a RawValue>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow, default)]
    created: Option<&'a RawValue>,
    #[serde(borrow, default)]
    create_time: Option<&'a RawValue>,
    #[serde(borrow, default)]
    created_at: Option<&'a RawValue>,
}

/// The key holding the message list of a format with a fast path.
fn list_key(f: Format) -> Option<&'static str> {
    match f {
        Format::OpenAiChat => Some("messages"),
        Format::ShareGpt => Some("conversations"),
        Format::Lmsys => Some("conversation"),
        _ => None,
    }
}

/// The record's other fields and its messages; `None` to let the generic reader decide.
pub fn split(bytes: &[u8], format: Format) -> Option<(Map<String, Value>, Vec<Message>)> {
    let key = list_key(format)?;
    // One pass over the record: the message list goes straight into typed messages.
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let rec = serde::de::DeserializeSeed::deserialize(RecordSeed { key }, &mut de).ok()?;
    de.end().ok()?;
    let typed = rec.list?;
    let obj = rec.other;
    let mut messages = Vec::with_capacity(typed.len());
    for m in typed {
        let role = Role::parse(&m.role)?;
        let text = match m.content {
            None => String::new(),
            Some(raw) if raw.get().starts_with('"') => {
                serde_json::from_str::<String>(raw.get()).ok()?
            }
            Some(raw) => content_text(&serde_json::from_str::<Value>(raw.get()).ok()?).ok()?,
        };
        if text.trim().is_empty() {
            continue;
        }
        // The same keys, in the same order, as the generic reader.
        let mut created = None;
        for raw in [m.timestamp, m.created, m.create_time, m.created_at]
            .into_iter()
            .flatten()
        {
            if let Some(t) = parse_time(&serde_json::from_str::<Value>(raw.get()).ok()?) {
                created = Some(t);
                break;
            }
        }
        messages.push(Message {
            index: messages.len() as u32,
            role,
            author: m.name.map(Cow::into_owned),
            created,
            text,
        });
    }
    Some((obj, messages))
}

/// A record split while parsing: the message list under `key`, every other field as JSON.
struct Record<'a> {
    list: Option<Vec<TypedMessage<'a>>>,
    other: Map<String, Value>,
}

struct RecordSeed {
    key: &'static str,
}

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed {
    type Value = Record<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Record<'de>, D::Error> {
        struct V {
            key: &'static str,
        }
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Record<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Record<'de>, M::Error> {
                let mut rec = Record {
                    list: None,
                    other: Map::new(),
                };
                while let Some(k) = m.next_key::<Cow<'de, str>>()? {
                    if k == self.key {
                        if rec.list.is_some() {
                            return Err(serde::de::Error::custom("duplicate message list"));
                        }
                        rec.list = Some(m.next_value()?);
                    } else {
                        let v: Value = m.next_value()?;
                        rec.other.insert(k.into_owned(), v);
                    }
                }
                Ok(rec)
            }
        }
        d.deserialize_map(V { key: self.key })
    }
}
