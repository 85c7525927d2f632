//! What the interface reads conversations from: the matter's index on this machine, or a
//! sharded matter's shards on a Dask cluster. On a cluster the driver stays open for the
//! session, so a search costs the cluster's rounds (tens of milliseconds), not a driver's start;
//! the queries go to the shards as the reviewer typed them, and the shards read the review
//! journal, findings and saved searches from the matter, as the interface does.

use std::sync::Mutex;

use anyhow::{Context, Result, anyhow};

use crate::cluster::dask::Driver;
use crate::cluster::merge::Cluster;
use crate::export::Selection;
use crate::index::ConvIndex;
use crate::index::analyzer::TextMode;
use crate::model::Conversation;
use crate::query::{Dialect, Node};
use crate::search::{self, Lookups, SearchRequest, SearchResult, SortBy};

pub enum Reader {
    Local(ConvIndex),
    Cluster(OnCluster),
}

/// A sharded matter's shards, reached through a driver kept open.
pub struct OnCluster {
    cluster: Mutex<Cluster<Driver>>,
    mode: TextMode,
    conversations: u64,
    /// The scheduler's address, for the audit trail.
    pub scheduler: String,
}

impl OnCluster {
    pub fn new(
        cluster: Cluster<Driver>,
        mode: TextMode,
        conversations: u64,
        scheduler: &str,
    ) -> OnCluster {
        OnCluster {
            cluster: Mutex::new(cluster),
            mode,
            conversations,
            scheduler: scheduler.to_string(),
        }
    }

    /// Every match of `text` (all conversations when empty) with its creation time (epoch
    /// nanoseconds), in production order.
    pub fn production_keys(
        &self,
        text: &str,
        dialect: Dialect,
    ) -> Result<Vec<crate::search::ProductionKey>> {
        let selection = Selection {
            tags: Vec::new(),
            // Every conversation: the query that matches them all (a selection says what).
            query: Some(if text.trim().is_empty() { "*" } else { text }.to_string()),
            syntax: dialect,
        };
        let keys = self.with(|cl| cl.production_keys(&selection))?;
        Ok(keys.into_iter().map(|(_, k)| k).collect())
    }

    pub fn mode(&self) -> TextMode {
        self.mode
    }

    /// `f` with the cluster, alone (one driver serves the session).
    pub fn with<T>(&self, f: impl FnOnce(&mut Cluster<Driver>) -> Result<T>) -> Result<T> {
        let mut c = self
            .cluster
            .lock()
            .map_err(|_| anyhow!("the cluster connection failed earlier"))?;
        f(&mut c)
    }
}

/// A query as the interface runs it: its tree (for this machine) and its text and dialect
/// (for the shards, which read it themselves). On a cluster nothing is added to the tree
/// (groups are not folded there), so the text stands for it.
pub struct Asked<'a> {
    pub node: &'a Node,
    pub text: &'a str,
    pub dialect: Dialect,
}

impl Reader {
    pub fn num_docs(&self) -> u64 {
        match self {
            Reader::Local(i) => i.num_docs(),
            Reader::Cluster(c) => c.conversations,
        }
    }

    pub fn text_mode(&self) -> TextMode {
        match self {
            Reader::Local(i) => i.text_mode(),
            Reader::Cluster(c) => c.mode,
        }
    }

    /// The index on this machine, when the matter is read here.
    pub fn local(&self) -> Option<&ConvIndex> {
        match self {
            Reader::Local(i) => Some(i),
            Reader::Cluster(_) => None,
        }
    }

    pub fn scheduler(&self) -> Option<&str> {
        match self {
            Reader::Local(_) => None,
            Reader::Cluster(c) => Some(&c.scheduler),
        }
    }

    /// One page of matches with snippets.
    pub fn search(&self, lookups: Lookups, q: &Asked, req: &SearchRequest) -> Result<SearchResult> {
        match self {
            Reader::Local(i) => search::search_full(i, lookups, q.node, req),
            Reader::Cluster(c) => {
                let req = SearchRequest {
                    query: q.text.to_string(),
                    ..req.clone()
                };
                c.with(|cl| cl.search(q.dialect.name(), &req))
            }
        }
    }

    /// The ids of a page, in the page's order.
    pub fn page_ids(
        &self,
        lookups: Lookups,
        q: &Asked,
        sort: SortBy,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<String>> {
        match self {
            Reader::Local(i) => search::page_ids(i, lookups, q.node, sort, offset, limit),
            Reader::Cluster(c) => {
                let req = SearchRequest {
                    query: q.text.to_string(),
                    limit,
                    offset,
                    sort,
                    snippet_width: 0,
                    every_message: false,
                };
                c.with(|cl| cl.page_ids(q.dialect.name(), &req))
            }
        }
    }

    /// Every match's id, in the index's order here, in production order on a cluster.
    pub fn matching_ids(&self, lookups: Lookups, q: &Asked) -> Result<Vec<String>> {
        match self {
            Reader::Local(i) => search::matching_ids_full(i, lookups, q.node),
            Reader::Cluster(c) => Ok(c
                .production_keys(q.text, q.dialect)?
                .into_iter()
                .map(|(_, _, id)| id)
                .collect()),
        }
    }

    /// The conversation `id`, if the matter holds it.
    pub fn get(&self, id: &str) -> Result<Option<Conversation>> {
        match self {
            Reader::Local(i) => search::get(i, id),
            Reader::Cluster(c) => c.with(|cl| {
                let shard = crate::matter::shard_of(id, cl.shards);
                match cl.load(&[(shard, id.to_string())]) {
                    Ok(mut found) => Ok(found.pop()),
                    Err(e) if format!("{e:#}").contains("no conversation") => Ok(None),
                    Err(e) => Err(e).context("cannot read the conversation from its shard"),
                }
            }),
        }
    }
}
