//! Helpers shared by the format readers: text of message content, timestamps, ids.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use crate::model::{Message, Role};

/// Why a record could not be read. Becomes a line in `rejects.jsonl`.
pub type Reason = String;

/// Where a record came from, for ids and provenance.
pub struct RecordCtx<'a> {
    /// The file as the user named it.
    pub file: &'a str,
    pub record: u64,
}

impl RecordCtx<'_> {
    /// The id of a record that has none of its own: stable for the same file name and record.
    pub fn fallback_id(&self) -> String {
        let name = std::path::Path::new(self.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let h = crate::hashing::xxh3(format!("{name}\0{}", self.record).as_bytes());
        format!("r-{:012x}", h >> 16)
    }

    pub fn source(&self) -> crate::model::SourceRef {
        crate::model::SourceRef {
            file: self.file.to_string(),
            record: self.record,
        }
    }
}

/// The text of a message's `content`: a string, a list of parts (strings or `{type: text,
/// text}` objects; images and other media are skipped), or an object with `text`.
pub fn content_text(v: &Value) -> Result<String, Reason> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for p in parts {
                let piece = match p {
                    Value::String(s) => Some(s.as_str()),
                    Value::Object(o) => o.get("text").and_then(Value::as_str),
                    _ => None,
                };
                if let Some(s) = piece {
                    if !out.is_empty() && !s.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(s);
                }
            }
            Ok(out)
        }
        Value::Object(o) => match o.get("text") {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err("message content is an object without text".to_string()),
        },
        other => Err(format!(
            "message content must be text, found {}",
            kind_of(other)
        )),
    }
}

pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A timestamp: epoch seconds (or milliseconds when too large for seconds), RFC 3339, or a few
/// common spellings of date and time.
pub fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Number(n) => {
            let f = n.as_f64()?;
            if !f.is_finite() || f <= 0.0 {
                return None;
            }
            let secs = if f > 1e11 { f / 1000.0 } else { f };
            Utc.timestamp_opt(secs.trunc() as i64, ((secs.fract()) * 1e9) as u32)
                .single()
        }
        Value::String(s) => parse_time_str(s),
        _ => None,
    }
}

pub fn parse_time_str(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(d.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    }
    if let Ok(f) = s.parse::<f64>() {
        return parse_time(&serde_json::json!(f));
    }
    None
}

/// A string-ish field: strings as they are, numbers written out.
pub fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first of `keys` present in `obj` (or in its nested `metadata` object) as a string.
pub fn lookup_string(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    lookup(obj, keys).and_then(string_of)
}

/// The first of `keys` present in `obj`, or in its nested `metadata` object.
pub fn lookup<'a>(obj: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    for k in keys {
        if let Some(v) = obj.get(*k).filter(|v| !v.is_null()) {
            return Some(v);
        }
    }
    if let Some(Value::Object(meta)) = obj.get("metadata") {
        for k in keys {
            if let Some(v) = meta.get(*k).filter(|v| !v.is_null()) {
                return Some(v);
            }
        }
    }
    None
}

/// Every field of `obj` except `used`, for the conversation's metadata.
pub fn rest(obj: Map<String, Value>, used: &[&str]) -> Map<String, Value> {
    obj.into_iter()
        .filter(|(k, _)| !used.contains(&k.as_str()))
        .collect()
}

/// Reads a list of `{role_key: ..., text_key: ...}` messages (OpenAI, LMSYS, WildChat, Arena,
/// ShareGPT), taking the strings out of the parsed record rather than copying them. Empty
/// messages are left out; an unknown role rejects the record.
pub fn role_messages(
    list: Value,
    role_key: &str,
    text_key: &str,
    what: &str,
) -> Result<Vec<Message>, Reason> {
    let Value::Array(items) = list else {
        return Err(format!(
            "`{what}` must be an array, found {}",
            kind_of(&list)
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(mut obj) = item else {
            return Err(format!(
                "{what}[{i}] must be an object, found {}",
                kind_of(&item)
            ));
        };
        let role_v = obj
            .get(role_key)
            .ok_or_else(|| format!("{what}[{i}] has no `{role_key}`"))?;
        let role_s = role_v
            .as_str()
            .ok_or_else(|| format!("{what}[{i}].{role_key} must be a string"))?;
        let role = Role::parse(role_s)
            .ok_or_else(|| format!("{what}[{i}] has an unknown role \"{role_s}\""))?;
        let text = match obj.remove(text_key) {
            Some(Value::String(s)) => s,
            Some(other) => content_text(&other).map_err(|e| format!("{what}[{i}]: {e}"))?,
            None => String::new(),
        };
        if text.trim().is_empty() {
            continue;
        }
        let created = ["timestamp", "created", "create_time", "created_at"]
            .iter()
            .find_map(|k| obj.get(*k).and_then(parse_time));
        let author = match obj.remove("name") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        out.push(Message {
            index: out.len() as u32,
            role,
            author,
            created,
            text,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times() {
        let a = parse_time(&json!(1710328903.455423)).unwrap();
        assert_eq!(a.timestamp(), 1710328903);
        assert_eq!(
            parse_time(&json!(1710328903455i64)).unwrap().timestamp(),
            1710328903
        );
        assert_eq!(
            parse_time(&json!("2023-11-22T05:52:55+00:00"))
                .unwrap()
                .timestamp(),
            1700632375
        );
        assert_eq!(
            parse_time(&json!("2023-11-22 05:52:55"))
                .unwrap()
                .timestamp(),
            1700632375
        );
        assert!(parse_time(&json!("soon")).is_none());
        assert!(parse_time(&json!(f64::MAX)).is_none());
    }

    #[test]
    fn content_forms() {
        assert_eq!(content_text(&json!("hi")).unwrap(), "hi");
        assert_eq!(
            content_text(&json!([{"type": "text", "text": "a"}, {"type": "image_url"}, "b"]))
                .unwrap(),
            "a\nb"
        );
        assert!(content_text(&json!(5)).is_err());
    }
}
