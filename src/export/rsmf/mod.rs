//! RSMF (Relativity Short Message Format) 2.0.0: one `.rsmf` file per conversation, an
//! RFC 5322 message whose text body is a readable preview and whose one attachment,
//! `rsmf.zip`, holds `rsmf_manifest.json`: the participants (one per role and author), the
//! conversation, and each message as an event. Findings go in each event's `custom` fields
//! (the format has no annotations of its own); the designation and Bates number in the
//! conversation's `custom` fields and in `X-RSMF-` headers. Every manifest is checked against
//! Relativity's published schema (vendored beside this file, see SCHEMA_SOURCE.md) before it
//! is written. Output is deterministic: the same record gives the same bytes.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::record::{ArticleMap, Record, article_label};
use crate::detect::Label;
use crate::model::Message;

pub const VERSION: &str = "2.0.0";
const SCHEMA: &str = include_str!("rsmf_schema.json");

fn validator() -> Result<&'static jsonschema::Validator> {
    static V: OnceLock<std::result::Result<jsonschema::Validator, String>> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
        jsonschema::validator_for(&schema).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| anyhow::anyhow!("the RSMF schema does not compile: {e}"))
}

/// Checks a manifest against the RSMF 2.0.0 schema; the error lists what is wrong, where.
pub fn validate(manifest: &Value) -> Result<()> {
    let errors: Vec<String> = validator()?
        .iter_errors(manifest)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        bail!(
            "the RSMF manifest does not conform to the schema: {}",
            errors.join("; ")
        )
    }
}

fn timestamp(d: chrono::DateTime<chrono::Utc>) -> String {
    // RFC 3339 with a zone, as the schema's `date-time` requires.
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn participant_id(m: &Message) -> String {
    match &m.author {
        Some(a) => format!("{}:{a}", m.role.as_str()),
        None => m.role.as_str().to_string(),
    }
}

fn participant_display(m: &Message, model: Option<&str>) -> String {
    let role = m.role.as_str();
    let mut title: String = role.chars().take(1).flat_map(char::to_uppercase).collect();
    title.push_str(&role[role.chars().next().map_or(0, char::len_utf8)..]);
    match (&m.author, m.role.as_str(), model) {
        (Some(a), _, _) => format!("{title} ({a})"),
        (None, "assistant", Some(model)) => format!("{title} ({model})"),
        _ => title,
    }
}

fn custom(pairs: &[(&str, String)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect(),
    )
}

/// The manifest of one conversation.
pub fn manifest(r: &Record, articles: &ArticleMap) -> Value {
    let c = &r.conversation;
    let model = c.model.as_deref();
    let mut participants: BTreeMap<String, String> = BTreeMap::new();
    for m in &c.messages {
        participants
            .entry(participant_id(m))
            .or_insert_with(|| participant_display(m, model));
    }
    let mut conv_custom = vec![
        ("Designation", r.designation.clone().unwrap_or_default()),
        ("Bates", r.bates.clone().unwrap_or_default()),
        ("Model", model.unwrap_or_default().to_string()),
    ];
    if r.contents.provenance {
        conv_custom.push(("Source", r.source_line()));
    }
    if r.contents.coding {
        conv_custom.push(("Tags", r.tags.join("; ")));
        conv_custom.push(("Note", r.note.clone().unwrap_or_default()));
        conv_custom.push(("Reviewers", r.reviewers.join("; ")));
    }
    for f in &r.findings {
        conv_custom.push((
            "Finding",
            format!(
                "{} \"{}\" [{}]: longest run {} words, {} words reproduced, {} echoed",
                f.label.as_str(),
                article_label(articles, &f.article),
                f.article,
                f.longest_run_words,
                f.reproduced_words,
                f.echoed_words
            ),
        ));
    }
    let conversation = json!({
        "id": c.id,
        "display": c.title.clone().unwrap_or_else(|| c.id.clone()),
        "platform": "chatbot",
        "type": "direct",
        "participants": participants.keys().collect::<Vec<_>>(),
        "custom": custom(&conv_custom),
    });
    let mut n = 0usize;
    let events: Vec<Value> = c
        .messages
        .iter()
        .map(|m| {
            let mut e = json!({
                "id": format!("m{}", m.index + 1),
                "type": "message",
                "participant": participant_id(m),
                "conversation": c.id,
                "body": m.text,
            });
            if let Some(t) = m.created.or(c.created) {
                e["timestamp"] = json!(timestamp(t));
            }
            let mut fields = vec![("Message number", (m.index + 1).to_string())];
            for f in &r.findings {
                for s in f.spans.iter().filter(|s| s.message == m.index) {
                    n += 1;
                    fields.push((
                        "Span",
                        format!(
                            "[{n}] {} {} words, characters {}-{} of this message = characters {}-{} of \"{}\" [{}]",
                            match s.label {
                                Label::Reproduced => "reproduced",
                                Label::Echoed => "echoed (user supplied)",
                            },
                            s.words,
                            s.start,
                            s.end,
                            s.article_start,
                            s.article_end,
                            article_label(articles, &f.article),
                            f.article
                        ),
                    ));
                }
            }
            e["custom"] = custom(&fields);
            e
        })
        .collect();
    json!({
        "version": VERSION,
        "participants": participants
            .iter()
            .map(|(id, display)| json!({"id": id, "display": display}))
            .collect::<Vec<_>>(),
        "conversations": [conversation],
        "events": events,
    })
}

/// `rsmf.zip`: the manifest alone, stored, with fixed times so the bytes are reproducible.
fn zip_manifest(manifest: &Value) -> Result<Vec<u8>> {
    let bytes = serde_json::to_vec_pretty(manifest).context("cannot encode the RSMF manifest")?;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o600);
    z.start_file("rsmf_manifest.json", opts)
        .context("cannot write rsmf.zip")?;
    z.write_all(&bytes).context("cannot write rsmf.zip")?;
    Ok(z.finish().context("cannot write rsmf.zip")?.into_inner())
}

/// The readable preview: the designation first and last, then each message as
/// "participant, blank line, text".
fn preview(r: &Record) -> String {
    let c = &r.conversation;
    let mut s = String::new();
    if let Some(d) = &r.designation {
        s.push_str(d);
        s.push_str("\n\n");
    }
    for m in &c.messages {
        s.push_str(&participant_display(m, c.model.as_deref()));
        s.push_str("\n\n");
        s.push_str(&m.text);
        s.push_str("\n\n");
    }
    if let Some(d) = &r.designation {
        s.push_str(d);
        s.push('\n');
    }
    s
}

/// A header value from data: control characters (a line break would start a header of its
/// own) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The `.rsmf` file of one conversation.
pub fn file(r: &Record, articles: &ArticleMap) -> Result<Vec<u8>> {
    let c = &r.conversation;
    let manifest = manifest(r, articles);
    validate(&manifest).with_context(|| format!("conversation {}", c.id))?;
    let zip = zip_manifest(&manifest)?;
    let times: Vec<chrono::DateTime<chrono::Utc>> = c
        .messages
        .iter()
        .filter_map(|m| m.created.or(c.created))
        .collect();
    let name = r.bates.clone().unwrap_or_else(|| c.id.clone());
    let local: String = name
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || "-_.".contains(ch) {
                ch
            } else {
                '_'
            }
        })
        .collect();
    let mut b = mail_builder::MessageBuilder::new()
        .message_id(format!("{local}@verbatim.invalid"))
        .from(("User", "user@verbatim.invalid"))
        .to(("Assistant", "assistant@verbatim.invalid"))
        .subject(one_line(&format!(
            "{}{}",
            r.designation
                .as_deref()
                .map(|d| format!("[{d}] "))
                .unwrap_or_default(),
            c.title
                .clone()
                .unwrap_or_else(|| format!("Conversation {}", c.id))
        )))
        .header(
            "X-RSMF-Version",
            mail_builder::headers::raw::Raw::new(VERSION),
        )
        .header(
            "X-RSMF-Generator",
            mail_builder::headers::text::Text::new(format!(
                "verbatim {}",
                env!("CARGO_PKG_VERSION")
            )),
        )
        .header(
            "X-RSMF-EventCount",
            mail_builder::headers::raw::Raw::new(c.messages.len().to_string()),
        )
        .header(
            "X-RSMF-Application",
            mail_builder::headers::text::Text::new("chatbot"),
        );
    if let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) {
        b = b
            .date(first.timestamp())
            .header(
                "X-RSMF-BeginDate",
                mail_builder::headers::raw::Raw::new(timestamp(*first)),
            )
            .header(
                "X-RSMF-EndDate",
                mail_builder::headers::raw::Raw::new(timestamp(*last)),
            );
    } else {
        // No time in the data: a fixed date rather than the clock, for reproducible bytes.
        b = b.date(0i64);
    }
    if let Some(d) = &r.designation {
        b = b.header(
            "X-RSMF-Designation",
            mail_builder::headers::text::Text::new(d.clone()),
        );
    }
    if let Some(bates) = &r.bates {
        b = b.header(
            "X-RSMF-BatesNumber",
            mail_builder::headers::raw::Raw::new(bates.clone()),
        );
    }
    // A boundary from the content, not the clock: the same record gives the same bytes, and
    // a hash of everything inside cannot occur inside.
    let text = preview(r);
    let mut h = crate::hashing::sha256_hex(text.as_bytes());
    h.push_str(&crate::hashing::sha256_hex(&zip));
    let boundary = format!("RSMF-{}", &crate::hashing::sha256_hex(h.as_bytes())[..40]);
    let body = mail_builder::mime::MimePart::new(
        mail_builder::headers::content_type::ContentType::new("multipart/mixed")
            .attribute("boundary", boundary),
        vec![
            mail_builder::mime::MimePart::new("text/plain", text),
            mail_builder::mime::MimePart::new("application/octet-stream", zip)
                .attachment("rsmf.zip"),
        ],
    );
    b.body(body)
        .write_to_vec()
        .context("cannot write an RSMF file")
}
