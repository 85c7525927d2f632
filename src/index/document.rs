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
    if let Some(c) = conv.created {
        doc.add_date(fields.created, DateTime::from_timestamp_secs(c.timestamp()));
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
