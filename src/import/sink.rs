//! What an import writes to: the matter's indexes on this machine ([`Target`]), or a sharded
//! matter's shards on a cluster ([`RemoteShards`]). On a cluster the import decides everything
//! as on one machine (ids, duplicates, ordinals, progress) and the shards only index: each
//! commit is a round in which every shard indexes the conversations sent to it and commits the
//! same progress record, so a round retried after a lost worker is applied once.

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use super::ImportOptions;
use super::target::{Target, oldest};
use crate::idplace::IdTable;
use crate::index::{WriterSettings, document};
use crate::matter::{Matter, shard_of};
use crate::model::Conversation;

/// A sharded matter's shards held elsewhere (a cluster), reached by requests.
pub trait RemoteShards {
    fn shards(&self) -> u32;
    /// Each shard's id table and last commit record, in shard order.
    fn state(&mut self) -> Result<Vec<ShardState>>;
    /// Every shard deletes what was imported from ordinal `from_ord` on and commits `payload`.
    fn reconcile(&mut self, from_ord: u64, payload: Option<&str>) -> Result<()>;
    /// One round: shard k indexes `parts[k]` and commits `payload`, each on top of the commit
    /// `base`. A shard already at `payload` (a retried round) does nothing.
    fn round(
        &mut self,
        base: Option<&str>,
        payload: &str,
        parts: Vec<Vec<Ingest>>,
        settings: WriterSettings,
    ) -> Result<()>;
}

/// What a shard holds, as the import needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardState {
    /// The progress record of the shard's last commit.
    pub payload: Option<String>,
    /// Its id table rows (source id key, kept id key, content hash), as
    /// [`super::dedupe::id_rows`] gives them.
    pub ids: Vec<(u64, u64, u64)>,
}

/// A conversation sent to its shard, with what the import decided for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ingest {
    pub ord: u64,
    pub id_hash: u64,
    pub content_hash: u64,
    pub conversation: Conversation,
}

/// Where an import writes: indexes on this machine, or shards on a cluster.
pub(crate) enum Sink<'a> {
    Local(Box<Target>),
    Remote(Remote<'a>),
}

pub(crate) struct Remote<'a> {
    shards: &'a mut dyn RemoteShards,
    /// Conversations for each shard since the last commit.
    parts: Vec<Vec<Ingest>>,
    /// The commit every shard stands at.
    base: Option<String>,
    settings: WriterSettings,
}

impl<'a> Sink<'a> {
    /// Opens what the import writes to; returns it, the id table and the shared progress record.
    pub fn open(
        matter: &mut Matter,
        opts: &ImportOptions,
        remote: Option<&'a mut dyn RemoteShards>,
    ) -> Result<(Sink<'a>, IdTable, Option<String>)> {
        let Some(shards) = remote else {
            let (target, payload) = Target::open(matter, opts)?;
            let table = super::dedupe::table_from_index(&target.view)?;
            return Ok((Sink::Local(Box::new(target)), table, payload));
        };
        let n = shards.shards();
        if opts.shards.is_some_and(|want| want != n) {
            bail!("the matter is split into {n} shards; import without --shards to add to them");
        }
        if let Some(want) = opts.compat
            && want != matter.meta.text_mode
        {
            bail!(
                "this matter's text is indexed in {} mode; --compat {} applies to a new matter only",
                matter.meta.text_mode.name(),
                want.name()
            );
        }
        let mut states = shards.state()?;
        if states.len() != n as usize {
            bail!("{} of {n} shards answered", states.len());
        }
        let payloads: Vec<Option<String>> = states.iter().map(|s| s.payload.clone()).collect();
        let payload = match oldest(&payloads)? {
            None => payloads[0].clone(),
            Some((i, ord)) => {
                shards.reconcile(ord, payloads[i].as_deref())?;
                // The id tables without what the reconciliation deleted (read again).
                states = shards.state()?;
                if states.iter().any(|s| s.payload != payloads[i]) {
                    bail!("the shards did not come back to one commit; run the import again");
                }
                payloads[i].clone()
            }
        };
        let mut table = IdTable::default();
        for s in &states {
            for &(source, kept, content) in &s.ids {
                table.record(source, kept, content);
            }
        }
        let settings = WriterSettings {
            threads: (opts.writer.resolved_threads() / n as usize).max(1),
            memory_bytes: opts.writer.memory_bytes / n as usize,
        };
        let remote = Remote {
            shards,
            parts: (0..n).map(|_| Vec::new()).collect(),
            base: payload.clone(),
            settings,
        };
        Ok((Sink::Remote(remote), table, payload))
    }

    /// Adds conversation `conv` with its ordinal and hashes.
    pub fn add(
        &mut self,
        conv: Conversation,
        ord: u64,
        id_hash: u64,
        content_hash: u64,
    ) -> Result<()> {
        match self {
            Sink::Local(t) => {
                let doc = document::build(&conv, &t.view.fields, ord, id_hash, content_hash)?;
                t.add(&conv.id, doc)
            }
            Sink::Remote(r) => {
                let k = shard_of(&conv.id, r.parts.len() as u32) as usize;
                r.parts[k].push(Ingest {
                    ord,
                    id_hash,
                    content_hash,
                    conversation: conv,
                });
                Ok(())
            }
        }
    }

    /// Commits every shard with the same progress record.
    pub fn commit(&mut self, payload: &str) -> Result<()> {
        match self {
            Sink::Local(t) => t.commit(payload),
            Sink::Remote(r) => {
                let n = r.parts.len();
                let parts = std::mem::replace(&mut r.parts, (0..n).map(|_| Vec::new()).collect());
                r.shards
                    .round(r.base.as_deref(), payload, parts, r.settings)?;
                r.base = Some(payload.to_string());
                Ok(())
            }
        }
    }

    /// Waits for the merges the commits started (a cluster's shards wait at each round).
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Local(t) => t.finish(),
            Sink::Remote(_) => Ok(()),
        }
    }
}
