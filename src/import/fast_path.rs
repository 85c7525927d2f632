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
    let fields: Vec<(Cow<str>, &RawValue)> = serde_json::from_slice::<OrderedFields>(bytes).ok()?.0;
    let mut obj = Map::new();
    let mut list = None;
    for (k, raw) in fields {
        if k == key {
            if list.is_some() {
                return None;
            }
            list = Some(raw);
        } else {
            let v: Value = serde_json::from_str(raw.get()).ok()?;
            obj.insert(k.into_owned(), v);
        }
    }
    let typed: Vec<TypedMessage> = serde_json::from_str(list?.get()).ok()?;
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

/// A JSON object's fields in order, values left unparsed.
struct OrderedFields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for OrderedFields<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = OrderedFields<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<Cow<'de, str>, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(OrderedFields(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}
