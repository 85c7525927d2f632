//! The shard server (`verbatim shard serve --shard DIR`): one shard of a sharded matter,
//! opened once and kept open, answering the coordinator's requests ([`Request`]) one JSON
//! line at a time until its input ends. It reads the matter's shared part (the review
//! journal, findings, saved searches, synonyms) from the matter directory and writes nothing
//! there: the coordinator keeps the audit trail. It writes its own index only when an import
//! sends it conversations, one round at a time (the writer is opened and closed per round, so
//! a round retried on another worker holding the shard finds no lock held).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::protocol::{
    Detected, Hits, ImportState, Info, Ingested, Loaded, Production, Ranked, Request, Total,
};
use crate::detect::FindingsIndex;
use crate::index::ConvIndex;
use crate::matter::Matter;
use crate::query::{self, Dialect, Node, QueryOptions};
use crate::review::Journal;
use crate::search::{self, Lookups, SearchRequest, SortBy};

pub struct ShardServer {
    matter_dir: PathBuf,
    shard_dir: PathBuf,
    index: ConvIndex,
    /// Opened on the first query with review filters, then brought up to date per query.
    journal: Option<Journal>,
}

impl ShardServer {
    /// Opens the shard at `shard_dir` of the matter at `matter_dir`.
    pub fn open(matter_dir: &Path, shard_dir: &Path) -> Result<ShardServer> {
        let matter = Matter::open(matter_dir)?;
        if !matter.is_sharded() {
            bail!(
                "{} is not a sharded matter (verbatim shard split --shards N)",
                matter_dir.display()
            );
        }
        let shard = Matter::open(shard_dir)
            .with_context(|| format!("{} is not a shard", shard_dir.display()))?;
        if shard.is_sharded() {
            bail!("{} is a sharded matter, not a shard", shard_dir.display());
        }
        // A copy of a shard elsewhere answers for the same place.
        let k = super::local::shard_number(shard_dir)?;
        matter.check_shard(&shard, k)?;
        let index = ConvIndex::open(&shard.index_dir())
            .with_context(|| format!("cannot open the index of {}", shard_dir.display()))?;
        Ok(ShardServer {
            matter_dir: matter_dir.to_path_buf(),
            shard_dir: shard_dir.to_path_buf(),
            index,
            journal: None,
        })
    }

    /// Answers requests from `input` on `out` until the input ends. A request that fails is
    /// answered with its error; only a broken output ends the server early.
    pub fn serve(&mut self, input: impl BufRead, mut out: impl Write) -> Result<()> {
        for line in input.lines() {
            let line = line.context("cannot read a request")?;
            if line.trim().is_empty() {
                continue;
            }
            #[cfg(debug_assertions)]
            if let Some(ms) = std::env::var("VERBATIM_TEST_FAULT")
                .ok()
                .and_then(|f| f.strip_prefix("serve-delay:")?.parse::<u64>().ok())
            {
                // A test's slow shard: a worker can be killed while its tasks run.
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            let reply = match serde_json::from_str::<Request>(&line) {
                Ok(req) => self.answer(req),
                Err(e) => Err(anyhow::anyhow!("not a request: {e}")),
            };
            let reply = match reply {
                Ok(Value::Object(mut m)) => {
                    m.insert("ok".into(), Value::Bool(true));
                    Value::Object(m)
                }
                Ok(other) => json!({"ok": true, "value": other}),
                Err(e) => json!({"ok": false, "error": format!("{e:#}")}),
            };
            serde_json::to_writer(&mut out, &reply).context("cannot write a reply")?;
            out.write_all(b"\n").context("cannot write a reply")?;
            out.flush().context("cannot write a reply")?;
        }
        Ok(())
    }

    /// One request's answer.
    pub fn answer(&mut self, req: Request) -> Result<Value> {
        // Imports commit between requests: each answer reads the latest commit.
        self.index.reload()?;
        Ok(match req {
            Request::Info => serde_json::to_value(Info {
                shard: self.shard_dir.display().to_string(),
                conversations: self.index.num_docs(),
                segments: self.index.searcher().segment_readers().len(),
                text_mode: self.index.text_mode().name().to_string(),
                protocol: super::protocol::PROTOCOL,
                version: env!("CARGO_PKG_VERSION").to_string(),
            })?,
            Request::Stats { query, syntax } => {
                let node = self.parse(&query, &syntax)?;
                let findings = self.findings_for(&node, SortBy::Relevance)?;
                self.prepare(&node)?;
                let lookups = self.lookups(&node, findings.as_ref());
                serde_json::to_value(search::shard_stats(&self.index, lookups, &node)?)?
            }
            Request::Rank {
                query,
                syntax,
                sort,
                k,
                stats,
            } => {
                let sort = SortBy::parse(&sort).with_context(|| format!("unknown sort {sort}"))?;
                let node = self.parse(&query, &syntax)?;
                let findings = self.findings_for(&node, sort)?;
                self.prepare(&node)?;
                let lookups = self.lookups(&node, findings.as_ref());
                let provider = stats
                    .as_ref()
                    .map(|s| s as &dyn tantivy::query::Bm25StatisticsProvider);
                let (total, keys) =
                    search::shard_rank(&self.index, lookups, &node, sort, k, provider)?;
                serde_json::to_value(Ranked { total, keys })?
            }
            Request::Hits {
                query,
                syntax,
                ids,
                snippet_width,
                every_message,
            } => {
                let node = self.parse(&query, &syntax)?;
                let findings = self.findings_for(&node, SortBy::Relevance)?;
                self.prepare(&node)?;
                let lookups = self.lookups(&node, findings.as_ref());
                let req = SearchRequest {
                    query,
                    limit: ids.len(),
                    offset: 0,
                    sort: SortBy::Relevance,
                    snippet_width,
                    every_message,
                };
                let hits = search::hits_of(&self.index, lookups, &node, &req, &ids)?;
                serde_json::to_value(Hits { hits })?
            }
            Request::Count { query, syntax } => {
                let node = self.parse(&query, &syntax)?;
                let findings = self.findings_for(&node, SortBy::Relevance)?;
                self.prepare(&node)?;
                let lookups = self.lookups(&node, findings.as_ref());
                serde_json::to_value(Total {
                    total: search::count_full(&self.index, lookups, &node)?,
                })?
            }
            Request::Production { selection } => {
                let node = selection.node(&self.index, &self.matter_dir)?;
                self.refresh_journal()?;
                let findings = FindingsIndex::load(&self.matter_dir)?;
                let budget = crate::export::selection_budget();
                let lookups = Lookups {
                    review: self.journal.as_ref().map(Journal::state),
                    findings: Some(&findings),
                    budget: Some(&budget),
                    matter_dir: Some(&self.matter_dir),
                };
                serde_json::to_value(Production {
                    matches: search::production_keys(&self.index, lookups, &node)?,
                })?
            }
            Request::Load { ids } => serde_json::to_value(Loaded {
                conversations: search::load_ids(&self.index, &ids)?,
            })?,
            Request::Detect {
                corpus_bytes,
                corpus_sha256,
                thresholds,
                from,
                limit,
            } => {
                let table = crate::detect::store::open_built(
                    &self.matter_dir,
                    corpus_bytes,
                    &corpus_sha256,
                    thresholds.max_df,
                )?;
                let mut findings = Vec::new();
                let counts = crate::detect::scan_range(
                    &self.index,
                    Some(from..from.saturating_add(limit)),
                    &table,
                    &thresholds,
                    &mut crate::progress::Silent,
                    &std::sync::atomic::AtomicBool::new(false),
                    &mut |f| {
                        findings.push(f.clone());
                        Ok(())
                    },
                )?;
                serde_json::to_value(Detected {
                    counts,
                    findings,
                    conversations: self.index.num_docs(),
                })?
            }
            Request::ImportState => serde_json::to_value(ImportState {
                payload: self.index.commit_payload()?,
                ids: super::protocol::pack_rows(&crate::import::dedupe::id_rows(&self.index)?),
            })?,
            Request::Ingest {
                base,
                payload,
                conversations,
                threads,
                memory_bytes,
            } => {
                let now = self.index.commit_payload()?;
                if now.as_deref() == Some(payload.as_str()) {
                    return Ok(serde_json::to_value(Ingested {
                        added: 0,
                        already: true,
                    })?);
                }
                if now != base {
                    bail!(
                        "{} stands at another commit than the import's (an import interrupted \
                         elsewhere?): run the import again, it resumes where every shard agrees",
                        self.shard_dir.display()
                    );
                }
                let settings = crate::index::WriterSettings {
                    threads,
                    memory_bytes,
                };
                let w = self.index.writer(settings)?;
                for c in &conversations {
                    let doc = crate::index::document::build(
                        &c.conversation,
                        &self.index.fields,
                        c.ord,
                        c.id_hash,
                        c.content_hash,
                    )?;
                    w.add_document(doc)
                        .context("cannot add a document to the index")?;
                }
                commit(w, Some(&payload))?;
                serde_json::to_value(Ingested {
                    added: conversations.len(),
                    already: false,
                })?
            }
            Request::Reconcile { from_ord, payload } => {
                if self.index.commit_payload()? == payload {
                    return Ok(serde_json::to_value(Ingested {
                        added: 0,
                        already: true,
                    })?);
                }
                let mut w = self.index.writer(crate::index::WriterSettings {
                    threads: 1,
                    memory_bytes: 32 << 20,
                })?;
                crate::import::delete_from(&mut w, self.index.fields.ord, from_ord)?;
                commit(w, payload.as_deref())?;
                serde_json::to_value(Ingested {
                    added: 0,
                    already: false,
                })?
            }
            Request::Report {
                terms,
                within,
                syntax,
            } => {
                let dialect = dialect(&syntax)?;
                let opts = QueryOptions::for_matter(&self.matter_dir, &self.index, dialect)?;
                self.refresh_journal()?;
                let findings = FindingsIndex::load(&self.matter_dir)?;
                let lookups = Lookups {
                    review: self.journal.as_ref().map(Journal::state),
                    findings: Some(&findings),
                    budget: None,
                    matter_dir: Some(&self.matter_dir),
                };
                serde_json::to_value(crate::report::run(
                    &self.index,
                    lookups,
                    &terms,
                    within.as_deref(),
                    &opts,
                )?)?
            }
        })
    }

    fn parse(&self, text: &str, syntax: &str) -> Result<Node> {
        let opts = QueryOptions::for_matter(&self.matter_dir, &self.index, dialect(syntax)?)?;
        Ok(query::parse_with(text, &opts)?)
    }

    /// The findings, when the query filters or the page sorts on them.
    fn findings_for(&self, node: &Node, sort: SortBy) -> Result<Option<FindingsIndex>> {
        if node.uses_findings() || sort == SortBy::Score {
            Ok(Some(FindingsIndex::load(&self.matter_dir)?))
        } else {
            Ok(None)
        }
    }

    fn refresh_journal(&mut self) -> Result<()> {
        match &mut self.journal {
            Some(j) => j.refresh(),
            None => {
                self.journal = Some(Journal::open(&self.matter_dir)?);
                Ok(())
            }
        }
    }

    /// Brings the journal up to date when the query has review filters.
    fn prepare(&mut self, node: &Node) -> Result<()> {
        if node.uses_review() {
            self.refresh_journal()?;
        }
        Ok(())
    }

    fn lookups<'a>(&'a self, node: &Node, findings: Option<&'a FindingsIndex>) -> Lookups<'a> {
        Lookups {
            review: if node.uses_review() {
                self.journal.as_ref().map(Journal::state)
            } else {
                None
            },
            findings,
            budget: None,
            matter_dir: Some(&self.matter_dir),
        }
    }
}

/// Commits what `w` holds with the import's progress record, and waits for the merges it
/// started: the writer and its lock are gone when the round's answer leaves.
fn commit(mut w: tantivy::IndexWriter, payload: Option<&str>) -> Result<()> {
    let mut prepared = w.prepare_commit().context("cannot prepare index commit")?;
    if let Some(p) = payload {
        prepared.set_payload(p);
    }
    prepared.commit().context("cannot commit the index")?;
    w.wait_merging_threads().context("index merge failed")
}

fn dialect(name: &str) -> Result<Dialect> {
    Dialect::parse(name).with_context(|| format!("unknown query syntax {name}"))
}
