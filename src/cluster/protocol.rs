//! What the coordinator asks a shard server, one JSON object per line, and what it answers:
//! `{"ok": true, ...}` with the op's fields, or `{"ok": false, "error": "..."}`.

use serde::{Deserialize, Serialize};

use super::stats::CorpusStats;
use crate::search::{Hit, ShardKey};

/// The version of these requests and replies; a coordinator refuses shard servers of another
/// (a cluster still running the binary of before an upgrade).
pub const PROTOCOL: u32 = 2;

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
    /// What an import into the shard starts from: its last commit record and id table.
    ImportState,
    /// One round of an import: index these conversations and commit `payload`, on top of the
    /// commit `base` (a shard already at `payload` has had this round).
    Ingest {
        base: Option<String>,
        payload: String,
        conversations: Vec<crate::import::Ingest>,
        threads: usize,
        memory_bytes: usize,
    },
    /// Delete what was imported from ordinal `from_ord` on and commit `payload` (shards left
    /// at different commits by an interrupted import).
    Reconcile {
        from_ord: u64,
        payload: Option<String>,
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportState {
    pub payload: Option<String>,
    /// The id table rows, each three little-endian u64 in hexadecimal.
    pub ids: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ingested {
    pub added: usize,
    /// The shard had this round already (a retried task).
    pub already: bool,
}

/// Id table rows packed for a reply (a million rows in 48 MB of text, not three times that
/// as JSON numbers).
pub fn pack_rows(rows: &[(u64, u64, u64)]) -> String {
    let mut bytes = Vec::with_capacity(rows.len() * 24);
    for (a, b, c) in rows {
        bytes.extend_from_slice(&a.to_le_bytes());
        bytes.extend_from_slice(&b.to_le_bytes());
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    hex::encode(bytes)
}

pub fn unpack_rows(text: &str) -> anyhow::Result<Vec<(u64, u64, u64)>> {
    let bytes = hex::decode(text).map_err(|e| anyhow::anyhow!("an id table not readable: {e}"))?;
    if bytes.len() % 24 != 0 {
        anyhow::bail!("an id table of {} bytes, not rows of 24", bytes.len());
    }
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
    Ok(bytes
        .chunks_exact(24)
        .map(|r| (word(&r[..8]), word(&r[8..16]), word(&r[16..])))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_rows_survive_packing_and_a_torn_table_is_refused() {
        let rows = vec![(0, u64::MAX, 7), (1 << 63, 42, 0)];
        let text = pack_rows(&rows);
        assert_eq!(text.len(), 2 * 48);
        assert_eq!(unpack_rows(&text).unwrap(), rows);
        assert_eq!(unpack_rows("").unwrap(), vec![]);
        assert!(unpack_rows(&text[..40]).is_err());
        assert!(unpack_rows("zz").is_err());
    }
}
