//! Turning a conversation into a tantivy document and back.

use anyhow::{Context, Result};
use tantivy::schema::Value;
use tantivy::{DateTime, TantivyDocument};

use super::Fields;
use crate::model::{Conversation, Role};

/// Builds the document of `conv`. `ord` is its ordinal; `id_hash` the hash of the source id;
/// `content_hash` the hash of its content.
pub fn build(
    conv: &Conversation,
    fields: &Fields,
    ord: u64,
    id_hash: u64,
    content_hash: u64,
) -> Result<TantivyDocument> {
    let mut doc = TantivyDocument::new();
    doc.add_text(fields.id, &conv.id);
    doc.add_u64(fields.ord, ord);
    if let Some(t) = &conv.title {
        doc.add_text(fields.title, t);
    }
    for m in &conv.messages {
        let field = match m.role {
            Role::User => fields.user,
            Role::Assistant => fields.assistant,
            Role::System => fields.system,
            Role::Tool => fields.tool,
        };
        doc.add_text(field, &m.text);
    }
    if let Some(model) = &conv.model {
        doc.add_text(fields.model, model);
    }
    if let Some(lang) = &conv.language {
        doc.add_text(fields.language, lang);
    }
    // tantivy keeps dates as i64 nanoseconds (years 1677 to 2262): a date outside (a damaged
    // or nonsense timestamp) is kept in the transcript but not indexed, rather than
    // overflowing.
    if let Some(c) = conv.created
        && let Some(nanos) = c.timestamp().checked_mul(1_000_000_000)
    {
        doc.add_date(fields.created, DateTime::from_timestamp_nanos(nanos));
    }
    doc.add_u64(fields.turns, conv.turns());
    doc.add_u64(fields.messages, conv.messages.len() as u64);
    doc.add_u64(fields.n_user, conv.count_role(Role::User));
    doc.add_u64(fields.n_assistant, conv.count_role(Role::Assistant));
    doc.add_u64(fields.n_system, conv.count_role(Role::System));
    doc.add_u64(fields.n_tool, conv.count_role(Role::Tool));
    doc.add_u64(fields.text_bytes, conv.text_bytes());
    doc.add_u64(fields.id_hash, id_hash);
    doc.add_u64(fields.content_hash, content_hash);
    doc.add_u64(fields.id_key, id_key(&conv.id));
    let json = serde_json::to_string(conv).context("cannot serialise conversation")?;
    doc.add_text(fields.transcript, json);
    if let (Some(field), Some(family)) = (fields.family, &conv.family) {
        doc.add_text(field, family);
    }
    Ok(doc)
}

/// The `id_key` of a conversation id.
pub fn id_key(id: &str) -> u64 {
    crate::hashing::xxh3(id.as_bytes())
}

/// Reads the stored conversation back from a document.
pub fn conversation_of(doc: &TantivyDocument, fields: &Fields) -> Result<Conversation> {
    let json = doc
        .get_first(fields.transcript)
        .and_then(|v| v.as_str())
        .context("document has no stored transcript")?;
    serde_json::from_str(json).context("stored transcript is not valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Message, SourceRef};

    #[test]
    fn a_date_tantivy_cannot_hold_is_left_out_not_overflowed() {
        let (_, fields) = crate::index::schema::build();
        for (secs, indexed) in [(1_700_000_000i64, true), (253_402_300_799, false)] {
            let conv = Conversation {
                id: "c".into(),
                source: SourceRef {
                    file: "f".into(),
                    record: 1,
                },
                title: None,
                created: chrono::DateTime::from_timestamp(secs, 0),
                model: None,
                language: None,
                messages: vec![Message {
                    index: 0,
                    role: Role::User,
                    author: None,
                    created: None,
                    text: "hi".into(),
                }],
                metadata: Default::default(),
                family: None,
            };
            let doc = build(&conv, &fields, 0, 0, 0).unwrap();
            assert_eq!(doc.get_first(fields.created).is_some(), indexed, "{secs}");
        }
    }
}
