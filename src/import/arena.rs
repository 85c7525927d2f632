//! Chatbot Arena: one record holds two conversations, `conversation_a` (by `model_a`) and
//! `conversation_b`; imported as `<question_id>/a` and `<question_id>/b`, a family named by
//! the question id.

use serde_json::{Map, Value};

use super::common::{Reason, RecordCtx, lookup, lookup_string, parse_time, rest, role_messages};
use crate::model::Conversation;

pub fn parse(v: Value, ctx: &RecordCtx) -> Result<Vec<Conversation>, Reason> {
    let Value::Object(mut obj) = v else {
        return Err("an Arena record must be an object".to_string());
    };
    let base = lookup_string(&obj, &["question_id", "id"]).unwrap_or_else(|| ctx.fallback_id());
    let created = lookup(&obj, &["tstamp", "timestamp"]).and_then(parse_time);
    let language = lookup_string(&obj, &["language"]);
    let mut out = Vec::with_capacity(2);
    let lists = [obj.remove("conversation_a"), obj.remove("conversation_b")];
    for (side, list) in ["a", "b"].into_iter().zip(lists) {
        let key = format!("conversation_{side}");
        let Some(list) = list else {
            return Err(format!("Arena record has no `{key}`"));
        };
        let messages = role_messages(list, "role", "content", &key)?;
        let mut metadata: Map<String, Value> = rest(
            obj.clone(),
            &[
                "conversation_a",
                "conversation_b",
                "question_id",
                "language",
            ],
        );
        metadata.insert("arena_side".to_string(), Value::String(side.to_string()));
        out.push(Conversation {
            id: format!("{base}/{side}"),
            source: ctx.source(),
            title: None,
            created,
            model: lookup_string(&obj, &[&format!("model_{side}")]),
            language: language.clone(),
            messages,
            metadata,
            // The battle's two sides are one family.
            family: Some(base.clone()),
        });
    }
    Ok(out)
}
