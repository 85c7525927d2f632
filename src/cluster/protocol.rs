//! What the coordinator asks a shard server, one JSON object per line, and what it answers:
//! `{"ok": true, ...}` with the op's fields, or `{"ok": false, "error": "..."}`.

use serde::{Deserialize, Serialize};

use super::stats::CorpusStats;
use crate::search::{Hit, ShardKey};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// What the shard holds.
    Info,
    /// The statistics the query's scoring reads on this shard (phase one of a ranked page).
    Stats { query: String, syntax: String },
    /// Every match counted and the first `k` in the page's order (phase two), scored with the
    /// whole matter's statistics.
    Rank {
        query: String,
        syntax: String,
        sort: String,
        k: usize,
        stats: Option<CorpusStats>,
    },
    /// The page's hits this shard holds, read and marked (phase three).
    Hits {
        query: String,
        syntax: String,
        ids: Vec<String>,
        snippet_width: usize,
        every_message: bool,
    },
    /// The number of matches.
    Count { query: String, syntax: String },
    /// The selection's matches on this shard in production order, each with its creation
    /// time, import ordinal and id.
    Production { selection: crate::export::Selection },
    /// Whole conversations, for an export.
    Load { ids: Vec<String> },
    /// Every conversation of the shard scanned against the matter's article table (built by
    /// the coordinator for this corpus), its findings in index order.
    Detect {
        corpus_bytes: u64,
        corpus_sha256: String,
        thresholds: crate::detect::Thresholds,
    },
    /// A search term report of this shard's conversations (`crate::report::Report`): each
    /// term's matches and matches of no other term, which add up over shards.
    Report {
        terms: Vec<(usize, String)>,
        within: Option<String>,
        syntax: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Info {
    /// The shard's directory, as the worker sees it.
    pub shard: String,
    pub conversations: u64,
    pub segments: usize,
    /// The index's text mode (how queries split words).
    pub text_mode: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ranked {
    pub total: u64,
    pub keys: Vec<ShardKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hits {
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Total {
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Detected {
    pub counts: crate::detect::ScanCounts,
    pub findings: Vec<crate::detect::Finding>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Production {
    pub matches: Vec<crate::search::ProductionKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Loaded {
    pub conversations: Vec<crate::model::Conversation>,
}
