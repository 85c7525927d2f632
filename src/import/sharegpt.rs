//! ShareGPT: `{"id", "conversations": [{"from": "human"|"gpt"|"system"|..., "value"}]}`.

use serde_json::{Map, Value};

use super::common::{Reason, RecordCtx, lookup, lookup_string, parse_time, rest, role_messages};
use crate::model::{Conversation, Message};

pub fn parse(v: Value, ctx: &RecordCtx) -> Result<Conversation, Reason> {
    let Value::Object(mut obj) = v else {
        return Err("a ShareGPT record must be an object".to_string());
    };
    let list = obj
        .remove("conversations")
        .ok_or("record has no `conversations`")?;
    let messages = role_messages(list, "from", "value", "conversations")?;
    Ok(build(obj, messages, ctx))
}

/// The conversation from the record's fields (message list removed) and its messages.
pub fn build(obj: Map<String, Value>, messages: Vec<Message>, ctx: &RecordCtx) -> Conversation {
    let id = lookup_string(&obj, &["id", "conversation_id"]).unwrap_or_else(|| ctx.fallback_id());
    let created = lookup(&obj, &["timestamp", "created", "create_time"]).and_then(parse_time);
    Conversation {
        id,
        source: ctx.source(),
        title: lookup_string(&obj, &["title"]),
        created,
        model: lookup_string(&obj, &["model"]),
        language: lookup_string(&obj, &["language", "lang"]),
        messages,
        metadata: rest(obj, &["conversations", "id", "title", "model", "language"]),
        family: None,
    }
}
