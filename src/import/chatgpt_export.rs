//! ChatGPT data export (`conversations.json`): a tree of message nodes in `mapping`. The
//! thread the user saw is the path from the root to `current_node`; every other branch
//! (a regeneration, an edit) is a conversation of its own from the root to its leaf, and all
//! of them are one family, the shown thread first.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::common::{Reason, RecordCtx, kind_of, lookup_string, parse_time, rest};
use crate::model::{Conversation, Message, Role};

/// Branches imported as conversations, at most (a hostile tree of thousands of leaves would
/// copy its shared prefix into each); the rest stay in the metadata as `other_branches`.
const MAX_BRANCHES: usize = 64;
/// Messages over all imported branches, at most.
const MAX_BRANCH_MESSAGES: usize = 20_000;

/// The shown thread, then (when the tree has other branches) each branch as a conversation of
/// its own: `ID/branch-2`, `ID/branch-3`... from the root to that leaf, all of family `ID`.
pub fn parse(v: Value, ctx: &RecordCtx) -> Result<Vec<Conversation>, Reason> {
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
    let path = thread(mapping, &leaf, Some(&mut notes));
    let on_path: HashSet<&str> = path.iter().map(String::as_str).collect();
    let (messages, model_from_messages) = messages_of(mapping, &path)?;

    // Other branches: the threads to every other leaf that leave the shown path with text.
    let parents: HashSet<&str> = mapping
        .values()
        .filter_map(|n| n.get("parent").and_then(Value::as_str))
        .collect();
    let mut leaves: Vec<(&String, f64)> = mapping
        .iter()
        .filter(|(id, _)| !parents.contains(id.as_str()) && !on_path.contains(id.as_str()))
        .map(|(id, n)| {
            let t = n
                .pointer("/message/create_time")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            (id, t)
        })
        .collect();
    leaves.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let mut branches: Vec<(String, Vec<Message>)> = Vec::new();
    let mut branch_messages = 0usize;
    let mut left_over: HashSet<String> = HashSet::new();
    for (leaf_id, _) in leaves {
        let bpath = thread(mapping, leaf_id, None);
        let off: Vec<&String> = bpath
            .iter()
            .filter(|n| !on_path.contains(n.as_str()))
            .collect();
        let (bmsgs, _) = messages_of(mapping, &bpath)?;
        let has_own_text = off.iter().any(|n| {
            mapping
                .get(n.as_str())
                .and_then(|x| x.get("message"))
                .is_some_and(|m| matches!(read_message(m), Ok(Some(_))))
        });
        if !has_own_text {
            continue;
        }
        if branches.len() >= MAX_BRANCHES || branch_messages + bmsgs.len() > MAX_BRANCH_MESSAGES {
            left_over.extend(off.into_iter().cloned());
            continue;
        }
        branch_messages += bmsgs.len();
        branches.push((leaf_id.clone(), bmsgs));
    }
    // Branches past the bounds are kept, node by node, in the metadata.
    if !left_over.is_empty() {
        let mut kept = Vec::new();
        for (id, node) in mapping {
            if !left_over.contains(id) {
                continue;
            }
            let Some(msg) = node.get("message").filter(|m| !m.is_null()) else {
                continue;
            };
            if let Ok(Some((role, _, _, text))) = read_message(msg) {
                kept.push(json!({
                    "node": id,
                    "parent": node.get("parent").cloned().unwrap_or(Value::Null),
                    "role": role.as_str(),
                    "text": text,
                }));
            }
        }
        notes.insert("other_branches".to_string(), Value::Array(kept));
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
    let family = (!branches.is_empty()).then(|| id.clone());
    let mut shown_meta = metadata.clone();
    if family.is_some() {
        shown_meta.insert(
            "branch".to_string(),
            json!({"shown": true, "leaf": leaf, "of": branches.len() + 1}),
        );
    }
    let mut out = vec![Conversation {
        id: id.clone(),
        source: ctx.source(),
        title: title.clone(),
        created,
        model: model.clone(),
        language: None,
        messages,
        family: family.clone(),
        metadata: shown_meta,
    }];
    let of = branches.len() + 1;
    for (k, (leaf_id, bmsgs)) in branches.into_iter().enumerate() {
        let mut meta = metadata.clone();
        meta.insert(
            "branch".to_string(),
            json!({"shown": false, "leaf": leaf_id, "number": k + 2, "of": of}),
        );
        out.push(Conversation {
            id: format!("{id}/branch-{}", k + 2),
            source: ctx.source(),
            title: title.clone(),
            created,
            model: model.clone(),
            language: None,
            messages: bmsgs,
            family: family.clone(),
            metadata: meta,
        });
    }
    Ok(out)
}

/// The node ids from the root down to `leaf`. A cycle or a dangling parent ends the walk (and
/// is noted, for the shown thread).
fn thread(
    mapping: &Map<String, Value>,
    leaf: &str,
    mut notes: Option<&mut Map<String, Value>>,
) -> Vec<String> {
    let mut path = Vec::new();
    let mut seen = HashSet::new();
    let mut cur = Some(leaf.to_string());
    while let Some(id) = cur {
        if !seen.insert(id.clone()) {
            if let Some(n) = notes.as_deref_mut() {
                n.insert("mapping_cycle".to_string(), json!(id));
            }
            break;
        }
        let Some(node) = mapping.get(&id) else {
            if let Some(n) = notes.as_deref_mut() {
                n.insert("dangling_parent".to_string(), json!(id));
            }
            break;
        };
        path.push(id.clone());
        cur = node
            .get("parent")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    path.reverse();
    path
}

/// The messages along a thread, and the model named by its last assistant message.
fn messages_of(
    mapping: &Map<String, Value>,
    path: &[String],
) -> Result<(Vec<Message>, Option<String>), Reason> {
    let mut messages = Vec::new();
    let mut model = None;
    for id in path {
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
            model = Some(slug.to_string());
        }
        messages.push(Message {
            index: messages.len() as u32,
            role,
            author,
            created,
            text,
        });
    }
    Ok((messages, model))
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
