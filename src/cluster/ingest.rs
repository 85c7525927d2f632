//! An import into a sharded matter on a cluster: the coordinator reads, deduplicates and
//! numbers the conversations as on one machine (`crate::import`), and each shard's server
//! indexes the ones of its shard, one round per commit, through the transport.

use anyhow::{Result, bail};

use super::merge::{Cluster, Transport, reply};
use super::protocol::{ImportState, Ingested, Request, unpack_rows};
use crate::import::{Ingest, RemoteShards, ShardState};
use crate::index::WriterSettings;

impl<T: Transport> RemoteShards for Cluster<T> {
    fn shards(&self) -> u32 {
        self.shards
    }

    fn state(&mut self) -> Result<Vec<ShardState>> {
        let parts: Vec<ImportState> = self.ask_all(&Request::ImportState)?;
        parts
            .into_iter()
            .map(|p| {
                Ok(ShardState {
                    payload: p.payload,
                    ids: unpack_rows(&p.ids)?,
                })
            })
            .collect()
    }

    fn reconcile(&mut self, from_ord: u64, payload: Option<&str>) -> Result<()> {
        let _: Vec<Ingested> = self.ask_all(&Request::Reconcile {
            from_ord,
            payload: payload.map(str::to_string),
        })?;
        Ok(())
    }

    fn round(
        &mut self,
        base: Option<&str>,
        payload: &str,
        parts: Vec<Vec<Ingest>>,
        settings: WriterSettings,
    ) -> Result<()> {
        if parts.len() != self.shards as usize {
            bail!("{} parts for {} shards", parts.len(), self.shards);
        }
        let sent: Vec<usize> = parts.iter().map(Vec::len).collect();
        let asks = parts
            .into_iter()
            .enumerate()
            .map(|(k, conversations)| {
                (
                    k as u32,
                    Request::Ingest {
                        base: base.map(str::to_string),
                        payload: payload.to_string(),
                        conversations,
                        threads: settings.threads,
                        memory_bytes: settings.memory_bytes,
                    },
                )
            })
            .collect();
        let replies = self.transport.ask(asks)?;
        if replies.len() != sent.len() {
            bail!("{} answers from {} shards", replies.len(), sent.len());
        }
        for (k, v) in replies.into_iter().enumerate() {
            let got: Ingested = reply(k as u32, v)?;
            // A retried round (the answer to the first lost with its worker) was committed
            // whole the first time.
            if !got.already && got.added != sent[k] {
                bail!(
                    "shard {k:03} indexed {} of the {} conversations sent",
                    got.added,
                    sent[k]
                );
            }
        }
        Ok(())
    }
}
