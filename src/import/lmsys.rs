//! LMSYS-Chat-1M and WildChat: `{"conversation_id" | "conversation_hash", "model",
//! "timestamp"?, "conversation": [{"role", "content", ...}], "turn", "language", ...}`.

use serde_json::{Map, Value};

use super::common::{Reason, RecordCtx, lookup, lookup_string, parse_time, rest, role_messages};
use crate::model::{Conversation, Message};

pub fn parse(v: Value, ctx: &RecordCtx) -> Result<Conversation, Reason> {
    let Value::Object(mut obj) = v else {
        return Err("an LMSYS/WildChat record must be an object".to_string());
    };
    let list = obj
        .remove("conversation")
        .ok_or("record has no `conversation`")?;
    let messages = role_messages(list, "role", "content", "conversation")?;
    Ok(build(obj, messages, ctx))
}

/// The conversation from the record's fields (message list removed) and its messages.
pub fn build(obj: Map<String, Value>, messages: Vec<Message>, ctx: &RecordCtx) -> Conversation {
    let id = lookup_string(&obj, &["conversation_id", "conversation_hash", "id"])
        .unwrap_or_else(|| ctx.fallback_id());
    let created = lookup(&obj, &["timestamp", "created", "tstamp"]).and_then(parse_time);
    Conversation {
        id,
        source: ctx.source(),
        title: None,
        created,
        model: lookup_string(&obj, &["model"]),
        language: lookup_string(&obj, &["language"]),
        messages,
        metadata: rest(
            obj,
            &["conversation", "conversation_id", "model", "language"],
        ),
        family: None,
    }
}
