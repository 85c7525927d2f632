//! The data model shared by every part of the core: a conversation and its messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who wrote a message. Tool output (browsing quotes, code execution) is text the model was
/// given, so detection treats it like user text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::System, Role::User, Role::Assistant, Role::Tool];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }

    /// Maps the many role spellings found in the wild onto the four roles.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "system" | "developer" => Some(Role::System),
            "user" | "human" | "prompter" => Some(Role::User),
            "assistant" | "gpt" | "chatgpt" | "bing" | "bard" | "model" | "bot" | "ai"
            | "claude" | "gemini" => Some(Role::Assistant),
            "tool" | "function" | "ipython" | "observation" => Some(Role::Tool),
            _ => None,
        }
    }
}

/// Where a conversation came from: the source file and its record number (1-based).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub record: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Position in the conversation as shown (0-based, dense).
    pub index: u32,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: String,
    pub source: SourceRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub messages: Vec<Message>,
    /// The family the conversation belongs to, from the data itself: the branches of one
    /// ChatGPT conversation (regenerations, edits), an Arena battle's two sides, an HH
    /// record's chosen and rejected transcripts. The family's id is the source record's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Every field of the source record that is not mapped above, kept as found.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

impl Conversation {
    /// Number of turns: user prompts (a turn is one prompt and what answers it).
    pub fn turns(&self) -> u64 {
        self.messages
            .iter()
            .filter(|m| m.role == Role::User)
            .count() as u64
    }

    pub fn count_role(&self, role: Role) -> u64 {
        self.messages.iter().filter(|m| m.role == role).count() as u64
    }

    /// Total bytes of message text.
    pub fn text_bytes(&self) -> u64 {
        self.messages.iter().map(|m| m.text.len() as u64).sum()
    }
}
