//! ChatGPT data export (`conversations.json`): a tree of message nodes in `mapping`. The
//! thread the user saw is the path from the root to `current_node`; other branches
//! (regenerations, edits) are kept in the metadata as `other_branches`.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::common::{Reason, RecordCtx, kind_of, lookup_string, parse_time, rest};
use crate::model::{Conversation, Message, Role};

pub fn parse(v: Value, ctx: &RecordCtx) -> Result<Conversation, Reason> {
    let Value::Object(obj) = v else {
        return Err("a ChatGPT export record must be an object".to_string());
    };
    let mapping = match obj.get("mapping") {
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(format!(
                "`mapping` must be an object, found {}",
                kind_of(other)
            ));
        }
        None => return Err("record has no `mapping`".to_string()),
    };
    let mut notes = Map::new();
    let leaf = match obj.get("current_node").and_then(Value::as_str) {
        Some(n) if mapping.contains_key(n) => n.to_string(),
        other => {
            // Without a usable current node, show the newest leaf.
            notes.insert(
                "current_node_missing".to_string(),
                json!(other.unwrap_or("(none)")),
            );
            newest_leaf(mapping).ok_or("`mapping` has no nodes")?
        }
    };
    // Walk up from the leaf; a cycle or a dangling parent ends the walk.
    let mut path = Vec::new();
    let mut seen = HashSet::new();
    let mut cur = Some(leaf);
    while let Some(id) = cur {
        if !seen.insert(id.clone()) {
            notes.insert("mapping_cycle".to_string(), json!(id));
            break;
        }
        let Some(node) = mapping.get(&id) else {
            notes.insert("dangling_parent".to_string(), json!(id));
            break;
        };
        path.push(id.clone());
        cur = node
            .get("parent")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    path.reverse();
    let on_path: HashSet<&str> = path.iter().map(String::as_str).collect();

    let mut messages = Vec::new();
    let mut model_from_messages = None;
    for id in &path {
        let Some(msg) = mapping.get(id).and_then(|n| n.get("message")) else {
            continue;
        };
        if msg.is_null() {
            continue;
        }
        let Some((role, author, created, text)) = read_message(msg)? else {
            continue;
        };
        if role == Role::Assistant
            && let Some(slug) = msg.pointer("/metadata/model_slug").and_then(Value::as_str)
        {
            model_from_messages = Some(slug.to_string());
        }
        messages.push(Message {
            index: messages.len() as u32,
            role,
            author,
            created,
            text,
        });
    }

    // Other branches: every node off the shown path that has text.
    let mut branches = Vec::new();
    for (id, node) in mapping {
        if on_path.contains(id.as_str()) {
            continue;
        }
        let Some(msg) = node.get("message").filter(|m| !m.is_null()) else {
            continue;
        };
        if let Ok(Some((role, _, _, text))) = read_message(msg) {
            branches.push(json!({
                "node": id,
                "parent": node.get("parent").cloned().unwrap_or(Value::Null),
                "role": role.as_str(),
                "text": text,
            }));
        }
    }
    if !branches.is_empty() {
        notes.insert("other_branches".to_string(), Value::Array(branches));
    }

    let id = lookup_string(&obj, &["conversation_id", "id"]).unwrap_or_else(|| ctx.fallback_id());
    let created = obj.get("create_time").and_then(parse_time);
    let title = lookup_string(&obj, &["title"]);
    let model = lookup_string(&obj, &["default_model_slug"]).or(model_from_messages);
    let mut metadata = rest(
        obj,
        &[
            "mapping",
            "title",
            "create_time",
            "conversation_id",
            "current_node",
        ],
    );
    metadata.extend(notes);
    Ok(Conversation {
        id,
        source: ctx.source(),
        title,
        created,
        model,
        language: None,
        messages,
        metadata,
    })
}

type ReadMessage = Option<(
    Role,
    Option<String>,
    Option<chrono::DateTime<chrono::Utc>>,
    String,
)>;

/// Role, author name, time and text of one node's message; `None` when it has no text.
fn read_message(msg: &Value) -> Result<ReadMessage, Reason> {
    let role_s = msg
        .pointer("/author/role")
        .and_then(Value::as_str)
        .ok_or("a message has no author.role")?;
    let role = Role::parse(role_s).ok_or_else(|| format!("unknown author role \"{role_s}\""))?;
    let author = msg
        .pointer("/author/name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let created = msg.get("create_time").and_then(parse_time);
    let text = content_text(msg.get("content").unwrap_or(&Value::Null));
    if text.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some((role, author, created, text)))
}

/// Text of a message `content` by its `content_type`.
fn content_text(c: &Value) -> String {
    let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let parts = || {
        c.get("parts")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| match p {
                        Value::String(s) => Some(s.as_str()),
                        Value::Object(o) => o.get("text").and_then(Value::as_str),
                        _ => None,
                    })
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    };
    match c
        .get("content_type")
        .and_then(Value::as_str)
        .unwrap_or("text")
    {
        "text" | "multimodal_text" => parts(),
        "code" | "execution_output" | "system_error" => s("text"),
        "tether_quote" => {
            let title = s("title");
            let text = s("text");
            if title.is_empty() {
                text
            } else {
                format!("{title}\n{text}")
            }
        }
        "tether_browsing_display" => {
            let r = s("result");
            if r.is_empty() { s("summary") } else { r }
        }
        "model_editable_context" => s("model_set_context"),
        "user_editable_context" => [s("user_profile"), s("user_instructions")]
            .join("\n")
            .trim()
            .to_string(),
        _ => {
            let p = parts();
            if p.is_empty() { s("text") } else { p }
        }
    }
}

/// The leaf (node without children) with the latest message time.
fn newest_leaf(mapping: &Map<String, Value>) -> Option<String> {
    mapping
        .iter()
        .filter(|(_, n)| {
            n.get("children")
                .and_then(Value::as_array)
                .is_none_or(|c| c.is_empty())
        })
        .max_by(|a, b| {
            let t = |n: &Value| {
                n.pointer("/message/create_time")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
            };
            t(a.1).total_cmp(&t(b.1))
        })
        .map(|(id, _)| id.clone())
}
