//! The coordinator's side: each command's requests to the shards, and their replies put
//! together into what the matter read as one index answers. Totals add up (a conversation is
//! in one shard); a ranked page takes three rounds: the statistics the query's scoring reads
//! on each shard (summed, so every shard scores as the whole matter), each shard's first
//! `offset + limit` matches (merged in the page's order, ties in shard order as the index read
//! as one has them), then the page's hits from the shards that hold them.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::protocol::{Detected, Hits, Info, Loaded, Production, Ranked, Request, Total};
use super::stats::CorpusStats;
use crate::report::Report;
use crate::search::{Hit, SearchRequest, SearchResult, ShardKey, SortBy};

/// How requests reach the shards (a Dask cluster, through its driver).
pub trait Transport {
    /// Sends each request to its shard; the replies come back in the same order.
    fn ask(&mut self, requests: Vec<(u32, Request)>) -> Result<Vec<Value>>;
}

/// A sharded matter's shards, reached through a transport.
pub struct Cluster<T: Transport> {
    pub transport: T,
    pub shards: u32,
}

/// A shard's reply as `R`, or its error naming the shard.
pub(crate) fn reply<R: DeserializeOwned>(shard: u32, v: Value) -> Result<R> {
    if v.get("ok") != Some(&Value::Bool(true)) {
        let why = v
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("no answer");
        bail!("shard {shard:03}: {why}");
    }
    serde_json::from_value(v).with_context(|| format!("shard {shard:03}: an answer not understood"))
}

/// The syntax name a shard parses a query with.
fn sort_name(sort: SortBy) -> &'static str {
    match sort {
        SortBy::Relevance => "relevance",
        SortBy::Date => "date",
        SortBy::DateAsc => "date-asc",
        SortBy::Score => "finding",
    }
}

/// Two shards' matches in the page's order (ties are then taken in shard order).
pub fn page_order(sort: SortBy, a: &ShardKey, b: &ShardKey) -> Ordering {
    let score = |k: &ShardKey| k.score.unwrap_or(f32::NEG_INFINITY);
    match sort {
        SortBy::Relevance => score(b).total_cmp(&score(a)),
        SortBy::Score => score(b).total_cmp(&score(a)).then_with(|| a.id.cmp(&b.id)),
        // Undated conversations come last either way, as in the index read as one.
        SortBy::Date => (a.date.is_none(), std::cmp::Reverse(a.date))
            .cmp(&(b.date.is_none(), std::cmp::Reverse(b.date))),
        SortBy::DateAsc => (a.date.is_none(), a.date).cmp(&(b.date.is_none(), b.date)),
    }
}

/// Merges the shards' ranked lists (each in the page's order) into one, keeping for each
/// match its shard; ties in shard order, then in each shard's order.
pub fn merge_ranked(sort: SortBy, parts: Vec<(u32, Vec<ShardKey>)>) -> Vec<(u32, ShardKey)> {
    let mut all: Vec<(u32, usize, ShardKey)> = parts
        .into_iter()
        .flat_map(|(s, keys)| keys.into_iter().enumerate().map(move |(i, k)| (s, i, k)))
        .collect();
    all.sort_by(|(sa, ia, a), (sb, ib, b)| {
        page_order(sort, a, b).then(sa.cmp(sb)).then(ia.cmp(ib))
    });
    all.into_iter().map(|(s, _, k)| (s, k)).collect()
}

/// Findings set aside during detection: work product, removed however the run ends.
struct Spool<'a>(&'a std::path::Path);

impl Drop for Spool<'_> {
    fn drop(&mut self) {
        std::fs::remove_dir_all(self.0).ok();
    }
}

impl<T: Transport> Cluster<T> {
    fn all(&self, req: &Request) -> Vec<(u32, Request)> {
        (0..self.shards).map(|k| (k, req.clone())).collect()
    }

    pub(crate) fn ask_all<R: DeserializeOwned>(&mut self, req: &Request) -> Result<Vec<R>> {
        let replies = self.transport.ask(self.all(req))?;
        if replies.len() != self.shards as usize {
            bail!("{} answers from {} shards", replies.len(), self.shards);
        }
        replies
            .into_iter()
            .enumerate()
            .map(|(k, v)| reply(k as u32, v))
            .collect()
    }

    /// What each shard holds.
    pub fn info(&mut self) -> Result<Vec<Info>> {
        self.ask_all(&Request::Info)
    }

    /// The exact number of matches.
    pub fn count(&mut self, query: &str, syntax: &str) -> Result<u64> {
        let parts: Vec<Total> = self.ask_all(&Request::Count {
            query: query.to_string(),
            syntax: syntax.to_string(),
        })?;
        Ok(parts.iter().map(|t| t.total).sum())
    }

    /// The page's keys (shard and key, in the page's order) and the total, ranked in two
    /// rounds: each shard's statistics for the query, summed; each shard's first
    /// `offset + limit` keys, merged.
    pub fn ranked(
        &mut self,
        syntax: &str,
        req: &SearchRequest,
    ) -> Result<(u64, Vec<(u32, ShardKey)>)> {
        let stats = if req.sort == SortBy::Relevance {
            let parts: Vec<CorpusStats> = self.ask_all(&Request::Stats {
                query: req.query.clone(),
                syntax: syntax.to_string(),
            })?;
            let mut sum = CorpusStats::default();
            for p in &parts {
                sum.add(p);
            }
            Some(sum)
        } else {
            None
        };
        let k = req.offset + req.limit.max(1);
        let parts: Vec<Ranked> = self.ask_all(&Request::Rank {
            query: req.query.clone(),
            syntax: syntax.to_string(),
            sort: sort_name(req.sort).to_string(),
            k,
            stats,
        })?;
        let total = parts.iter().map(|p| p.total).sum();
        let merged = merge_ranked(
            req.sort,
            parts
                .into_iter()
                .enumerate()
                .map(|(s, p)| (s as u32, p.keys))
                .collect(),
        );
        let page: Vec<(u32, ShardKey)> = merged
            .into_iter()
            .skip(req.offset)
            .take(req.limit)
            .collect();
        Ok((total, page))
    }

    /// The ids of a page in the page's order, without reading the conversations.
    pub fn page_ids(&mut self, syntax: &str, req: &SearchRequest) -> Result<Vec<String>> {
        Ok(self
            .ranked(syntax, req)?
            .1
            .into_iter()
            .map(|(_, k)| k.id)
            .collect())
    }

    /// One page of the matter's matches in the requested order, with the scores the matter
    /// read as one index gives.
    pub fn search(&mut self, syntax: &str, req: &SearchRequest) -> Result<SearchResult> {
        let started = Instant::now();
        let (total, page) = self.ranked(syntax, req)?;
        let mut by_shard: HashMap<u32, Vec<String>> = HashMap::new();
        for (s, key) in &page {
            by_shard.entry(*s).or_default().push(key.id.clone());
        }
        let mut asks: Vec<(u32, Request)> = by_shard
            .into_iter()
            .map(|(s, ids)| {
                (
                    s,
                    Request::Hits {
                        query: req.query.clone(),
                        syntax: syntax.to_string(),
                        ids,
                        snippet_width: req.snippet_width,
                        every_message: req.every_message,
                    },
                )
            })
            .collect();
        asks.sort_by_key(|(s, _)| *s);
        let shards: Vec<u32> = asks.iter().map(|(s, _)| *s).collect();
        let replies = if asks.is_empty() {
            Vec::new()
        } else {
            self.transport.ask(asks)?
        };
        let mut found: HashMap<(u32, String), Hit> = HashMap::new();
        for (s, v) in shards.into_iter().zip(replies) {
            let hits: Hits = reply(s, v)?;
            for h in hits.hits {
                found.insert((s, h.id.clone()), h);
            }
        }
        let mut hits = Vec::with_capacity(page.len());
        for (s, key) in page {
            let mut h = found
                .remove(&(s, key.id.clone()))
                .with_context(|| format!("shard {s:03}: {} is gone (the shard changed)", key.id))?;
            h.score = key.score;
            hits.push(h);
        }
        Ok(SearchResult {
            total,
            hits,
            millis: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Every shard scanned against the article table, in parts of `part` conversations per
    /// shard and round; each shard's findings in turn (shard order, then index order: the
    /// order of the matter's findings file on one machine) go to `found`, and the counts add
    /// up. A round's findings are set aside in `spool` (one file per shard), so that the
    /// coordinator holds one round's at a time.
    pub fn detect(
        &mut self,
        corpus: (u64, &str),
        thresholds: &crate::detect::Thresholds,
        part: usize,
        spool: &std::path::Path,
        cancel: &std::sync::atomic::AtomicBool,
        found: &mut dyn FnMut(&crate::detect::Finding) -> Result<()>,
    ) -> Result<crate::detect::ScanCounts> {
        use std::io::{BufRead, Write};
        let part = part.max(1);
        crate::fsutil::create_private_dir(spool)?;
        let _spool = Spool(spool);
        let path = |k: u32| spool.join(format!("shard-{k:03}.jsonl"));
        let mut files = Vec::with_capacity(self.shards as usize);
        for k in 0..self.shards {
            files.push(std::io::BufWriter::new(crate::fsutil::create_private(
                &path(k),
            )?));
        }
        let mut counts = crate::detect::ScanCounts::default();
        let mut sizes: Vec<Option<u64>> = vec![None; self.shards as usize];
        let mut round = 0usize;
        loop {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                bail!("detection interrupted; the previous findings are unchanged");
            }
            let from = round * part;
            let asks: Vec<(u32, Request)> = (0..self.shards)
                .filter(|k| sizes[*k as usize].is_none_or(|n| (from as u64) < n))
                .map(|k| {
                    (
                        k,
                        Request::Detect {
                            corpus_bytes: corpus.0,
                            corpus_sha256: corpus.1.to_string(),
                            thresholds: *thresholds,
                            from,
                            limit: part,
                        },
                    )
                })
                .collect();
            if asks.is_empty() {
                break;
            }
            let shards: Vec<u32> = asks.iter().map(|(k, _)| *k).collect();
            let replies = self.transport.ask(asks)?;
            for (k, v) in shards.into_iter().zip(replies) {
                let d: Detected = reply(k, v)?;
                match sizes[k as usize] {
                    Some(n) if n != d.conversations => bail!(
                        "shard {k:03} changed during detection ({n} conversations, then {}); run detect again",
                        d.conversations
                    ),
                    _ => sizes[k as usize] = Some(d.conversations),
                }
                counts.add(&d.counts);
                let out = &mut files[k as usize];
                for f in &d.findings {
                    serde_json::to_writer(&mut *out, f).context("cannot set findings aside")?;
                    out.write_all(b"\n").context("cannot set findings aside")?;
                }
            }
            round += 1;
        }
        for (k, out) in files.into_iter().enumerate() {
            out.into_inner()
                .map_err(|e| anyhow::anyhow!("cannot set findings aside: {e}"))?;
            let file =
                std::fs::File::open(path(k as u32)).context("cannot read findings set aside")?;
            for line in std::io::BufReader::new(file).lines() {
                let f: crate::detect::Finding =
                    serde_json::from_str(&line.context("cannot read findings set aside")?)
                        .context("findings set aside are damaged")?;
                found(&f)?;
            }
        }
        Ok(counts)
    }

    /// Every shard's matches of a production's selection, in production order (oldest
    /// first, undated last, ties in import order), each with its shard.
    pub fn production(
        &mut self,
        selection: &crate::export::Selection,
    ) -> Result<Vec<(u32, String)>> {
        Ok(self
            .production_keys(selection)?
            .into_iter()
            .map(|(s, (_, _, id))| (s, id))
            .collect())
    }

    /// [`Cluster::production`] with each match's creation time and import ordinal.
    pub fn production_keys(
        &mut self,
        selection: &crate::export::Selection,
    ) -> Result<Vec<(u32, crate::search::ProductionKey)>> {
        let parts: Vec<Production> = self.ask_all(&Request::Production {
            selection: selection.clone(),
        })?;
        let mut all: Vec<(u32, crate::search::ProductionKey)> = parts
            .into_iter()
            .enumerate()
            .flat_map(|(s, p)| p.matches.into_iter().map(move |m| (s as u32, m)))
            .collect();
        all.sort_by(|(sa, (ta, oa, _)), (sb, (tb, ob, _))| {
            (ta.is_none(), ta, oa)
                .cmp(&(tb.is_none(), tb, ob))
                .then(sa.cmp(sb))
        });
        Ok(all)
    }

    /// The conversations `which` (shard and id), in that order.
    pub fn load(&mut self, which: &[(u32, String)]) -> Result<Vec<crate::model::Conversation>> {
        let mut by_shard: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
        for (s, id) in which {
            by_shard.entry(*s).or_default().push(id.clone());
        }
        let shards: Vec<u32> = by_shard.keys().copied().collect();
        let asks: Vec<(u32, Request)> = by_shard
            .into_iter()
            .map(|(s, ids)| (s, Request::Load { ids }))
            .collect();
        let replies = if asks.is_empty() {
            Vec::new()
        } else {
            self.transport.ask(asks)?
        };
        let mut found: HashMap<(u32, String), crate::model::Conversation> = HashMap::new();
        for (s, v) in shards.into_iter().zip(replies) {
            let loaded: Loaded = reply(s, v)?;
            for c in loaded.conversations {
                found.insert((s, c.id.clone()), c);
            }
        }
        which
            .iter()
            .map(|(s, id)| {
                found
                    .remove(&(*s, id.clone()))
                    .with_context(|| format!("shard {s:03}: {id} is gone (the shard changed)"))
            })
            .collect()
    }

    /// A search term report over every shard: the counts of each add up.
    pub fn report(
        &mut self,
        terms: &[(usize, String)],
        within: Option<&str>,
        syntax: &str,
    ) -> Result<Report> {
        let parts: Vec<Report> = self.ask_all(&Request::Report {
            terms: terms.to_vec(),
            within: within.map(str::to_string),
            syntax: syntax.to_string(),
        })?;
        let mut parts = parts.into_iter();
        let Some(mut sum) = parts.next() else {
            bail!("a cluster of no shards");
        };
        for p in parts {
            sum.any += p.any;
            sum.universe += p.universe;
            for (row, other) in sum.rows.iter_mut().zip(p.rows) {
                row.documents = row.documents.zip(other.documents).map(|(a, b)| a + b);
                row.unique = row.unique.zip(other.unique).map(|(a, b)| a + b);
            }
        }
        Ok(sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(score: Option<f32>, date: Option<i64>, id: &str) -> ShardKey {
        ShardKey {
            score,
            date,
            id: id.to_string(),
        }
    }

    #[test]
    fn ties_keep_shard_order_and_each_shard_its_own() {
        let merged = merge_ranked(
            SortBy::Relevance,
            vec![
                (
                    1,
                    vec![key(Some(2.0), None, "b1"), key(Some(1.0), None, "b2")],
                ),
                (
                    0,
                    vec![key(Some(2.0), None, "a1"), key(Some(2.0), None, "a2")],
                ),
            ],
        );
        let ids: Vec<&str> = merged.iter().map(|(_, k)| k.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2", "b1", "b2"]);
    }

    #[test]
    fn undated_conversations_come_last_in_both_date_orders() {
        let parts = || {
            vec![
                (0, vec![key(None, Some(5), "a"), key(None, None, "u")]),
                (1, vec![key(None, Some(9), "b"), key(None, Some(1), "c")]),
            ]
        };
        let ids = |sort| {
            merge_ranked(sort, parts())
                .into_iter()
                .map(|(_, k)| k.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(SortBy::Date), ["b", "a", "c", "u"]);
        let mut asc = parts();
        asc[1].1.reverse();
        let ids_asc: Vec<String> = merge_ranked(SortBy::DateAsc, asc)
            .into_iter()
            .map(|(_, k)| k.id)
            .collect();
        assert_eq!(ids_asc, ["c", "a", "b", "u"]);
    }
}
