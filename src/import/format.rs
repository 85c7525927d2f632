//! The conversation formats import understands, and recognising them from a record.

use serde_json::Value;

use super::common::{Reason, RecordCtx};
use super::{arena, chatgpt_export, hh_transcript, lmsys, openai_chat, sharegpt};
use crate::model::Conversation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ChatGPT data export `conversations.json`.
    ChatGptExport,
    /// OpenAI chat JSONL (`messages` with role/content).
    OpenAiChat,
    /// ShareGPT (`conversations` with from/value).
    ShareGpt,
    /// LMSYS-Chat-1M and WildChat (`conversation` with role/content).
    Lmsys,
    /// Chatbot Arena (two conversations per record).
    Arena,
    /// HH-RLHF style plain transcripts (`"\n\nHuman: ...\n\nAssistant: ..."`).
    HhTranscript,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::ChatGptExport,
        Format::OpenAiChat,
        Format::ShareGpt,
        Format::Lmsys,
        Format::Arena,
        Format::HhTranscript,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::ChatGptExport => "chatgpt",
            Format::OpenAiChat => "openai",
            Format::ShareGpt => "sharegpt",
            Format::Lmsys => "lmsys",
            Format::Arena => "arena",
            Format::HhTranscript => "hh",
        }
    }

    pub fn parse_name(s: &str) -> Option<Format> {
        let s = s.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .or(match s.as_str() {
                "wildchat" => Some(Format::Lmsys),
                "chatgpt-export" | "conversations.json" => Some(Format::ChatGptExport),
                "hh-rlhf" | "transcript" => Some(Format::HhTranscript),
                _ => None,
            })
    }

    /// Recognises the format of one record from its keys.
    pub fn detect(v: &Value) -> Option<Format> {
        if let Value::String(s) = v {
            return hh_transcript::looks_like(s).then_some(Format::HhTranscript);
        }
        let o = v.as_object()?;
        if o.contains_key("mapping") {
            Some(Format::ChatGptExport)
        } else if o.contains_key("conversation_a") || o.contains_key("conversation_b") {
            Some(Format::Arena)
        } else if o.get("conversations").is_some_and(Value::is_array) {
            Some(Format::ShareGpt)
        } else if o.get("conversation").is_some_and(Value::is_array) {
            Some(Format::Lmsys)
        } else if o.get("messages").is_some_and(Value::is_array) {
            Some(Format::OpenAiChat)
        } else if ["chosen", "rejected", "text", "transcript"]
            .iter()
            .any(|k| {
                o.get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(hh_transcript::looks_like)
            })
        {
            Some(Format::HhTranscript)
        } else {
            None
        }
    }

    /// Reads one record from its bytes, through the fast path when the format has one and the
    /// record is ordinary; `None` when the generic reader must decide (it reports errors).
    pub fn parse_fast(self, bytes: &[u8], ctx: &RecordCtx) -> Option<Vec<Conversation>> {
        let (obj, messages) = super::fast_path::split(bytes, self)?;
        Some(vec![match self {
            Format::OpenAiChat => openai_chat::build(obj, messages, ctx),
            Format::ShareGpt => sharegpt::build(obj, messages, ctx),
            Format::Lmsys => lmsys::build(obj, messages, ctx),
            _ => return None,
        }])
    }

    /// Reads one record into its conversations (two for Arena and HH pairs).
    pub fn parse(self, v: Value, ctx: &RecordCtx) -> Result<Vec<Conversation>, Reason> {
        match self {
            Format::ChatGptExport => chatgpt_export::parse(v, ctx),
            Format::OpenAiChat => openai_chat::parse(v, ctx).map(|c| vec![c]),
            Format::ShareGpt => sharegpt::parse(v, ctx).map(|c| vec![c]),
            Format::Lmsys => lmsys::parse(v, ctx).map(|c| vec![c]),
            Format::Arena => arena::parse(v, ctx),
            Format::HhTranscript => hh_transcript::parse(v, ctx),
        }
    }
}

/// Describes a record that matches no format, naming its keys.
pub fn unknown_shape(v: &Value) -> Reason {
    match v {
        Value::Object(o) => {
            let keys: Vec<&str> = o.keys().map(String::as_str).take(8).collect();
            format!(
                "not a known conversation format (keys: {}); use --format to force one",
                keys.join(", ")
            )
        }
        other => format!(
            "a record must be a JSON object, found {}",
            super::common::kind_of(other)
        ),
    }
}
