//! What the coordinator asks a shard server, one JSON object per line, and what it answers:
//! `{"ok": true, ...}` with the op's fields, or `{"ok": false, "error": "..."}`.

use serde::{Deserialize, Serialize};

use super::stats::CorpusStats;
use crate::search::{Hit, ShardKey};

/// The version of these requests and replies; a coordinator refuses shard servers of another
/// (a cluster still running the binary of before an upgrade).
pub const PROTOCOL: u32 = 1;

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
    /// The shard's conversations at positions `from..from + limit` of its index order,
    /// scanned against the matter's article table (built by the coordinator for this corpus),
    /// their findings in that order.
    Detect {
        corpus_bytes: u64,
        corpus_sha256: String,
        thresholds: crate::detect::Thresholds,
        from: usize,
        limit: usize,
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
    /// The server's [`PROTOCOL`] (0: a server from before it was said) and build.
    #[serde(default)]
    pub protocol: u32,
    #[serde(default)]
    pub version: String,
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
    /// The shard's conversations in all (the coordinator checks it holds still).
    pub conversations: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Production {
    pub matches: Vec<crate::search::ProductionKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Loaded {
    pub conversations: Vec<crate::model::Conversation>,
}
