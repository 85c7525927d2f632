//! Where an import writes: the matter's one index, or its shards (`import --shards N` on a new
//! matter, or a matter split before), each conversation to the shard of its id.
//!
//! Every shard's commit carries the same progress record. A crash between two shards' commits
//! leaves them at different records; the next import takes the older record and deletes from
//! every shard what was imported after it (by import ordinal, which follows reading order), so
//! that all shards stand at the same point before reading resumes from it.

use std::ops::Bound;

use anyhow::{Context, Result, bail};
use tantivy::query::RangeQuery;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::ImportOptions;
use crate::index::{ConvIndex, WriterSettings};
use crate::matter::{Matter, shard_of};

pub(crate) struct Target {
    /// The matter's conversations read as one index: its fields, the id table, the progress.
    pub view: ConvIndex,
    /// One writer per shard; one for an unsharded matter.
    writers: Vec<IndexWriter>,
    /// Commits made by this import, for the fault a test can ask for.
    #[cfg(debug_assertions)]
    commits: u64,
}

impl Target {
    /// Opens (or creates) what the import writes to, with the progress record of the last
    /// commit every shard shares.
    pub fn open(matter: &mut Matter, opts: &ImportOptions) -> Result<(Target, Option<String>)> {
        match (matter.meta.shards, opts.shards) {
            (None, None) => Self::open_single(matter, opts),
            (Some(n), None) => Self::open_shards(matter, n, opts),
            (Some(n), Some(want)) if n == want => Self::open_shards(matter, n, opts),
            (Some(n), Some(want)) => bail!(
                "the matter is split into {n} shards, not {want}; import without --shards to add to them"
            ),
            (None, Some(n)) => {
                if !(2..=crate::shard::MAX_SHARDS).contains(&n) {
                    bail!(
                        "--shards takes 2 to {} shards, not {n}",
                        crate::shard::MAX_SHARDS
                    );
                }
                let has_index = matter.index_dir().join("meta.json").exists();
                let holds = has_index && ConvIndex::open(&matter.index_dir())?.num_docs() > 0;
                if holds || matter.meta.sources.iter().any(|s| s.imported > 0) {
                    bail!(
                        "the matter already holds conversations in one index: --shards applies to a new matter \
                         (or split this one with `verbatim shard split --shards {n}`)"
                    );
                }
                if has_index {
                    std::fs::remove_dir_all(matter.index_dir()).with_context(|| {
                        format!("cannot remove the empty {}", matter.index_dir().display())
                    })?;
                }
                Self::open_shards(matter, n, opts)
            }
        }
    }

    fn open_single(matter: &mut Matter, opts: &ImportOptions) -> Result<(Target, Option<String>)> {
        let mut index =
            ConvIndex::open_or_create_with(&matter.index_dir(), opts.compat.unwrap_or_default())?;
        // A matter that holds nothing yet (a first import that failed) may still choose its mode.
        if let Some(want) = opts.compat
            && want != index.text_mode()
            && index.num_docs() == 0
            && matter.meta.sources.iter().all(|s| s.imported == 0)
        {
            drop(index);
            std::fs::remove_dir_all(matter.index_dir())
                .with_context(|| format!("cannot replace {}", matter.index_dir().display()))?;
            index = ConvIndex::open_or_create_with(&matter.index_dir(), want)?;
            // Files that gave nothing are read again, in the new mode.
            matter.meta.sources.clear();
            matter.save()?;
        }
        check_mode(matter, &index, opts)?;
        let payload = index.commit_payload()?;
        let writer = index.writer(opts.writer)?;
        Ok((
            Target {
                view: index,
                writers: vec![writer],
                #[cfg(debug_assertions)]
                commits: 0,
            },
            payload,
        ))
    }

    fn open_shards(
        matter: &mut Matter,
        n: u32,
        opts: &ImportOptions,
    ) -> Result<(Target, Option<String>)> {
        // What a split killed while removing the old index left of it: nothing reads it.
        if matter.meta.shards == Some(n) && matter.index_dir().exists() {
            std::fs::remove_dir_all(matter.index_dir()).with_context(|| {
                format!(
                    "cannot remove {}, left by a split into shards",
                    matter.index_dir().display()
                )
            })?;
        }
        let mode = opts.compat.unwrap_or(matter.meta.text_mode);
        let mut shards = Vec::with_capacity(n as usize);
        for k in 0..n {
            let dir = matter.shard_dir(k);
            let mut m = Matter::open_or_create(&dir)?;
            matter.check_shard(&m, k)?;
            let index = ConvIndex::open_or_create_with(&m.index_dir(), mode)?;
            // A shard made now says whose it is; one made before says nothing and is left so.
            let claim = (m.meta.shard_of.is_none() && index.num_docs() == 0)
                .then(|| matter.shard_claim(k, n));
            if m.meta.text_mode != index.text_mode()
                || m.meta.analyzer != index.analyzer_name()
                || claim.is_some()
            {
                m.meta.text_mode = index.text_mode();
                m.meta.analyzer = index.analyzer_name();
                if claim.is_some() {
                    m.meta.shard_of = claim;
                }
                m.save()?;
            }
            shards.push(index);
        }
        if shards
            .iter()
            .any(|s| s.analyzer_name() != shards[0].analyzer_name())
        {
            bail!("the matter's shards were indexed differently; they do not belong together");
        }
        if matter.meta.shards != Some(n) {
            matter.meta.shards = Some(n);
            matter.save()?;
        }
        check_mode(matter, &shards[0], opts)?;
        let threads = (opts.writer.resolved_threads() / n as usize).max(1);
        let settings = WriterSettings {
            threads,
            memory_bytes: opts.writer.memory_bytes / n as usize,
        };
        let mut writers = shards
            .iter()
            .map(|s| s.writer(settings))
            .collect::<Result<Vec<_>>>()?;
        let payload = reconcile(&shards, &mut writers)?;
        drop(shards);
        let view = ConvIndex::open_all(&matter.index_dirs())?;
        Ok((
            Target {
                view,
                writers,
                #[cfg(debug_assertions)]
                commits: 0,
            },
            payload,
        ))
    }

    /// Adds the document of conversation `id` to its shard.
    pub fn add(&mut self, id: &str, doc: TantivyDocument) -> Result<()> {
        let k = match self.writers.len() {
            1 => 0,
            n => shard_of(id, n as u32) as usize,
        };
        self.writers[k]
            .add_document(doc)
            .context("cannot add a document to the index")?;
        Ok(())
    }

    /// Commits every shard with the same progress record: all are prepared (their segments
    /// written) before the first commits, so the shards differ only if the process dies among
    /// the last few writes.
    pub fn commit(&mut self, payload: &str) -> Result<()> {
        let mut prepared = Vec::with_capacity(self.writers.len());
        for w in &mut self.writers {
            prepared.push(w.prepare_commit().context("cannot prepare index commit")?);
        }
        #[cfg(debug_assertions)]
        let fault = {
            self.commits += 1;
            std::env::var("VERBATIM_TEST_FAULT")
                .ok()
                .and_then(|f| f.strip_prefix("shard-commit:")?.parse::<u64>().ok())
                == Some(self.commits)
        };
        for mut p in prepared {
            p.set_payload(payload);
            p.commit().context("cannot commit the index")?;
            #[cfg(debug_assertions)]
            if fault {
                // A test's crash between the first shard's commit and the others'.
                std::process::abort();
            }
        }
        Ok(())
    }

    /// Waits for the merges the commits started, so the index is compact when the import
    /// returns.
    pub fn finish(self) -> Result<()> {
        for w in self.writers {
            w.wait_merging_threads().context("index merge failed")?;
        }
        Ok(())
    }
}

/// The text mode asked for must be the index's; matter.json records what the index has.
fn check_mode(matter: &mut Matter, index: &ConvIndex, opts: &ImportOptions) -> Result<()> {
    if let Some(want) = opts.compat
        && want != index.text_mode()
    {
        bail!(
            "this matter's text is indexed in {} mode; --compat {} applies to a new matter only \
             (import into another --matter)",
            index.text_mode().name(),
            want.name()
        );
    }
    if matter.meta.text_mode != index.text_mode()
        || (index.has_boundaries() && matter.meta.analyzer != index.analyzer_name())
    {
        matter.meta.text_mode = index.text_mode();
        if index.has_boundaries() {
            matter.meta.analyzer = index.analyzer_name();
        }
        matter.save()?;
    }
    Ok(())
}

/// The progress record every shard shares. When the shards' last commits differ (a crash
/// between them), the conversations imported after the oldest are deleted from every shard
/// and that record committed on all, which is where the import resumes.
fn reconcile(shards: &[ConvIndex], writers: &mut [IndexWriter]) -> Result<Option<String>> {
    let payloads = shards
        .iter()
        .map(|s| s.commit_payload())
        .collect::<Result<Vec<_>>>()?;
    let Some((oldest, oldest_ord)) = oldest(&payloads)? else {
        return Ok(payloads[0].clone());
    };
    for w in writers.iter_mut() {
        delete_from(w, shards[0].fields.ord, oldest_ord)?;
        let mut prepared = w.prepare_commit().context("cannot prepare index commit")?;
        if let Some(p) = &payloads[oldest] {
            prepared.set_payload(p);
        }
        prepared.commit().context("cannot commit the index")?;
    }
    Ok(payloads[oldest].clone())
}

/// When the shards' records differ: the shard with the oldest and the ordinal it stands at.
pub(crate) fn oldest(payloads: &[Option<String>]) -> Result<Option<(usize, u64)>> {
    if payloads.iter().all(|p| *p == payloads[0]) {
        return Ok(None);
    }
    let next_ord = |p: &Option<String>| -> Result<u64> {
        Ok(match p {
            Some(json) => {
                serde_json::from_str::<super::CommitPayload>(json)
                    .context("a shard's commit record is not readable")?
                    .next_ord
            }
            None => 0,
        })
    };
    let mut oldest = 0;
    let mut oldest_ord = u64::MAX;
    for (i, p) in payloads.iter().enumerate() {
        let o = next_ord(p)?;
        if o < oldest_ord {
            (oldest, oldest_ord) = (i, o);
        }
    }
    Ok(Some((oldest, oldest_ord)))
}

/// Deletes from `w` the conversations imported from ordinal `from` on (`field` is `ord`).
pub fn delete_from(w: &mut IndexWriter, field: tantivy::schema::Field, from: u64) -> Result<()> {
    let after = RangeQuery::new(
        Bound::Included(Term::from_field_u64(field, from)),
        Bound::Unbounded,
    );
    w.delete_query(Box::new(after))
        .context("cannot remove the conversations of an unfinished commit")?;
    Ok(())
}
