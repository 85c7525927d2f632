//! Splitting a matter's conversations into shards (`verbatim shard split`): N self-contained
//! matters under `shards/`, each with its own index, a conversation placed by a fixed hash of
//! its id ([`crate::matter::shard_of`]). The journal, the audit trail, the article store and
//! the findings stay with the matter; read commands see the shards as one index.
//!
//! The shards are written beside the index and checked (every conversation in exactly one
//! shard) before `matter.json` names them; a split that fails or is killed leaves the matter
//! as it was, and the next split starts over.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use tantivy::DocAddress;

use crate::index::{ConvIndex, WriterSettings, document};
use crate::matter::{Matter, SHARDS_DIR, SourceStatus, shard_of};
use crate::progress::Progress;

/// The most shards a matter may be split into.
pub const MAX_SHARDS: u32 = 1024;

/// Where shards are written before the matter names them.
const PARTIAL_DIR: &str = "shards.partial";

#[derive(Debug, Clone, Serialize)]
pub struct SplitSummary {
    pub shards: u32,
    pub conversations: u64,
    /// Conversations per shard, in shard order.
    pub per_shard: Vec<u64>,
    pub seconds: f64,
}

/// Splits the conversations of the unsharded `matter` into `n` shards.
pub fn split(
    matter: &mut Matter,
    n: u32,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<SplitSummary> {
    let started = std::time::Instant::now();
    if !(2..=MAX_SHARDS).contains(&n) {
        bail!("a matter is split into 2 to {MAX_SHARDS} shards, not {n}");
    }
    let _lock = matter.lock_writer()?;
    matter.meta = Matter::open(&matter.dir)?.meta;
    if let Some(k) = matter.meta.shards {
        bail!("the matter is already split into {k} shards");
    }
    if let Some(s) = matter
        .meta
        .sources
        .iter()
        .find(|s| s.status == SourceStatus::Partial)
    {
        bail!(
            "the import of {} was interrupted; run it again to finish it before splitting the matter",
            s.path
        );
    }
    let parent = ConvIndex::open(&matter.index_dir())?;
    let partial = matter.dir.join(PARTIAL_DIR);
    let done_dir = matter.dir.join(SHARDS_DIR);
    // Leftovers of a split that did not finish: nothing names them.
    for stale in [&partial, &done_dir] {
        if stale.exists() {
            std::fs::remove_dir_all(stale)
                .with_context(|| format!("cannot remove the unfinished {}", stale.display()))?;
        }
    }
    let written = write_shards(matter, &parent, &partial, n, progress, cancel);
    let per_shard = match written {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    let total: u64 = per_shard.iter().sum();
    if total != parent.num_docs() {
        let _ = std::fs::remove_dir_all(&partial);
        bail!(
            "the shards hold {total} conversations and the index {}; the matter is left unsplit",
            parent.num_docs()
        );
    }
    drop(parent);
    crate::fsutil::sync_dir(&partial);
    std::fs::rename(&partial, &done_dir)
        .with_context(|| format!("cannot move the shards into {}", done_dir.display()))?;
    crate::fsutil::sync_dir(&matter.dir);
    matter.meta.shards = Some(n);
    matter.save()?;
    // The shards now hold every conversation; the single index is no longer read.
    std::fs::remove_dir_all(matter.index_dir()).with_context(|| {
        format!(
            "the matter is split, but its old index {} could not be removed",
            matter.index_dir().display()
        )
    })?;
    Ok(SplitSummary {
        shards: n,
        conversations: total,
        per_shard,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes every conversation of `parent` into its shard under `root`; returns the count per
/// shard as the shards' indexes read them back.
fn write_shards(
    matter: &Matter,
    parent: &ConvIndex,
    root: &Path,
    n: u32,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<Vec<u64>> {
    crate::fsutil::create_private_dir(root)?;
    let settings = WriterSettings {
        threads: 1,
        memory_bytes: ((512usize << 20) / n as usize).max(32 << 20),
    };
    let mut shards = Vec::with_capacity(n as usize);
    for k in 0..n {
        let dir = root.join(format!("{k:03}"));
        let mut m = Matter::open_or_create(&dir)?;
        m.meta.text_mode = matter.meta.text_mode;
        m.meta.analyzer = matter.meta.analyzer.clone();
        m.meta.index_version = matter.meta.index_version;
        m.meta.shard_of = Some(matter.shard_claim(k, n));
        m.save()?;
        let index = ConvIndex::create_like(&m.index_dir(), parent)?;
        let writer = index.writer(settings)?;
        shards.push((index, writer));
    }
    let searcher = parent.searcher();
    let f = &parent.fields;
    progress.begin("splitting", None);
    let mut done = 0u64;
    for (s, seg) in searcher.segment_readers().iter().enumerate() {
        let ff = seg.fast_fields();
        let col = |name: &str| {
            ff.u64(name)
                .with_context(|| format!("the index has no {name} column"))
        };
        let (ord, id_hash, content_hash) = (col("ord")?, col("id_hash")?, col("content_hash")?);
        for doc in seg.doc_ids_alive() {
            if cancel.load(Ordering::Relaxed) {
                bail!("interrupted; the matter is left unsplit");
            }
            let conv = parent.load(&searcher, DocAddress::new(s as u32, doc))?;
            let built = document::build(
                &conv,
                f,
                ord.first(doc).unwrap_or(0),
                id_hash.first(doc).unwrap_or(0),
                content_hash.first(doc).unwrap_or(0),
            )?;
            let k = shard_of(&conv.id, n) as usize;
            shards[k]
                .1
                .add_document(built)
                .context("cannot add a conversation to its shard")?;
            done += 1;
            if done.is_multiple_of(10_000) {
                progress.update(0, done);
            }
        }
    }
    let mut per_shard = Vec::with_capacity(shards.len());
    for (index, mut writer) in shards {
        writer.commit().context("cannot commit a shard")?;
        writer
            .wait_merging_threads()
            .context("cannot finish a shard's merges")?;
        index.reload()?;
        per_shard.push(index.num_docs());
    }
    progress.update(0, done);
    progress.end();
    Ok(per_shard)
}
