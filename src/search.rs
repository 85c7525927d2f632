//! Running a query against the index: exact count, a page of hits in the chosen order, and
//! highlighted snippets.

use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::{DocAddress, Order};

use crate::detect::FindingsIndex;
use crate::index::ConvIndex;
use crate::query::budget::Budget;
use crate::query::compile::Env;
use crate::query::{self, Node, highlight};
use crate::review::ReviewState;

/// What queries may consult besides the index: the review state and the stored findings.
#[derive(Clone, Copy, Default)]
pub struct Lookups<'a> {
    pub review: Option<&'a ReviewState>,
    pub findings: Option<&'a FindingsIndex>,
    /// The query's budget (default limits when none is given).
    pub budget: Option<&'a Budget>,
    /// The matter directory, for `viewed:` (its audit trail).
    pub matter_dir: Option<&'a std::path::Path>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Relevance,
    /// Newest first.
    Date,
    /// Oldest first.
    DateAsc,
    /// Longest reproduced run first (needs findings).
    Score,
}

impl SortBy {
    pub fn parse(s: &str) -> Option<SortBy> {
        match s {
            "relevance" | "score" => Some(SortBy::Relevance),
            "date" | "newest" => Some(SortBy::Date),
            "date-asc" | "oldest" => Some(SortBy::DateAsc),
            "finding" | "reproduction" => Some(SortBy::Score),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub sort: SortBy,
    /// Width of snippets in bytes (0: no snippets).
    pub snippet_width: usize,
    /// Mark the hits of every message of each hit (`Hit::hits`); otherwise only those of the
    /// message the snippet shows, which is all a results list needs and much cheaper.
    pub every_message: bool,
}

impl SearchRequest {
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            limit: 20,
            offset: 0,
            sort: SortBy::Relevance,
            snippet_width: 160,
            every_message: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Hit {
    pub id: String,
    /// Relevance score (absent when sorted by date).
    pub score: Option<f32>,
    pub created: Option<chrono::DateTime<chrono::Utc>>,
    pub model: Option<String>,
    pub turns: u64,
    /// Position of the message the snippet comes from, from 0 (`message_index` in JSON; every
    /// display counts messages from 1).
    #[serde(rename = "message_index")]
    pub message: Option<u32>,
    pub snippet: String,
    /// Byte ranges of hits within `snippet`.
    pub highlights: Vec<(usize, usize)>,
    /// Hits per message, as byte ranges in each message's text: of every message with hits
    /// when the request asked for them (`every_message`), else of the snippet's message.
    pub hits: Vec<highlight::MessageHits>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SearchResult {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub millis: f64,
}

/// A query compiled against a fresh searcher, with the lookups' filters and its budget.
struct Compiled {
    searcher: tantivy::Searcher,
    query: Box<dyn tantivy::query::Query>,
    budget: Budget,
    /// Search threads started for this query alone (see [`ConvIndex::threads_for`]); `None`:
    /// the index's own executor.
    threads: Option<tantivy::Executor>,
}

impl Compiled {
    /// Runs the query; a query stopped by its budget fails with the budget's reason.
    fn run<C: tantivy::collector::Collector>(&self, collector: &C) -> Result<C::Fruit> {
        run_on(
            &self.searcher,
            &*self.query,
            collector,
            self.threads.as_ref(),
        )
        .map_err(|e| {
            self.budget
                .explain(anyhow::Error::new(e).context("search failed"))
        })
    }
}

/// Runs `query` on `threads` when given (see [`ConvIndex::threads_for`]), else on the
/// index's own executor; scored as `Searcher::search` would.
fn run_on<C: tantivy::collector::Collector>(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    collector: &C,
    threads: Option<&tantivy::Executor>,
) -> tantivy::Result<C::Fruit> {
    match threads {
        Some(threads) => {
            let scoring = if collector.requires_scoring() {
                tantivy::query::EnableScoring::enabled_from_searcher(searcher)
            } else {
                tantivy::query::EnableScoring::disabled_from_searcher(searcher)
            };
            searcher.search_with_executor(query, collector, threads, scoring)
        }
        None => searcher.search(query, collector),
    }
}

fn compiled(index: &ConvIndex, lookups: Lookups, node: &Node) -> Result<Compiled> {
    let searcher = index.searcher();
    let budget = lookups.budget.cloned().unwrap_or_default();
    let env = Env::new(&index.fields, &searcher, lookups.review)
        .with_findings(lookups.findings)
        .with_budget(budget.clone())
        .with_matter(lookups.matter_dir);
    let query = query::compile::compile(node, &env)?;
    let threads = index.threads_for(&searcher, &*query)?;
    Ok(Compiled {
        searcher,
        query,
        budget,
        threads,
    })
}

/// Parses a dtSearch query for this index (its text mode) and matter (its synonym list,
/// when `matter_dir` is given). A syntax error stays a [`query::QueryError`] inside.
pub fn parse_for(
    index: &ConvIndex,
    matter_dir: Option<&std::path::Path>,
    text: &str,
) -> Result<Node> {
    let opts = match matter_dir {
        Some(dir) => query::QueryOptions::for_matter(dir, index, query::Dialect::Dtsearch)?,
        None => query::QueryOptions::new(query::Dialect::Dtsearch, index.text_mode()),
    };
    Ok(query::parse_with(text, &opts)?)
}

/// Parses and runs a query. A syntax error comes back as a [`query::QueryError`] inside the
/// error, so a caller can point at the column.
pub fn search(
    index: &ConvIndex,
    review: Option<&ReviewState>,
    req: &SearchRequest,
) -> Result<SearchResult> {
    let node = parse_for(index, None, &req.query)?;
    search_parsed(index, review, &node, req)
}

pub fn search_parsed(
    index: &ConvIndex,
    review: Option<&ReviewState>,
    node: &Node,
    req: &SearchRequest,
) -> Result<SearchResult> {
    search_full(
        index,
        Lookups {
            review,
            findings: None,
            budget: None,
            matter_dir: None,
        },
        node,
        req,
    )
}

/// Runs a parsed query with review and finding lookups.
pub fn search_full(
    index: &ConvIndex,
    lookups: Lookups,
    node: &Node,
    req: &SearchRequest,
) -> Result<SearchResult> {
    let mut page = search_page(index, lookups, node, req)?;
    let mut hits = Vec::with_capacity(page.len());
    while let Some(hit) = page.next_hit() {
        hits.push(hit?);
    }
    Ok(SearchResult {
        total: page.total,
        hits,
        millis: page.millis(),
    })
}

/// Ranks one page of matches; its hits are then read and marked one at a time, so that a
/// command line shows the first before the page's last is read.
pub fn search_page<'a>(
    index: &'a ConvIndex,
    lookups: Lookups,
    node: &'a Node,
    req: &'a SearchRequest,
) -> Result<Page<'a>> {
    let started = Instant::now();
    let c = compiled(index, lookups, node)?;
    let (total, page) = ranked_page(&c, lookups, req.sort, req.offset, req.limit)?;
    // A page of no hits (`--limit 0`) still ranks one to learn the total, and shows none.
    let shown = if req.limit > 0 { page.len() } else { 0 };
    Ok(Page {
        c,
        index,
        node,
        req,
        ranked: page.into_iter().take(shown),
        pending: 0,
        total: total as u64,
        started,
    })
}

/// A ranked page whose hits are read on demand: see [`search_page`].
pub struct Page<'a> {
    c: Compiled,
    index: &'a ConvIndex,
    node: &'a Node,
    req: &'a SearchRequest,
    ranked: std::iter::Take<std::vec::IntoIter<Ranked>>,
    /// Highlighting steps counted but not yet flushed into the budget, carried from hit to
    /// hit as one meter over the page would.
    pending: u64,
    /// Every match of the query, not only this page's.
    pub total: u64,
    started: Instant,
}

impl Page<'_> {
    /// Hits not yet read.
    pub fn len(&self) -> usize {
        self.ranked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Milliseconds since the search began.
    pub fn millis(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// The next hit of the page, read and marked.
    pub fn next_hit(&mut self) -> Option<Result<Hit>> {
        let (score, addr) = self.ranked.next()?;
        Some(self.hit(score, addr))
    }

    fn hit(&mut self, score: Option<f32>, addr: DocAddress) -> Result<Hit> {
        let (node, req) = (self.node, self.req);
        let conv = self.index.load(&self.c.searcher, addr)?;
        let mode = self.index.text_mode();
        // Marking hits counts against the query's budget, so a cancel stops it too; a query
        // whose budget is spent by now shows the rest of its page unmarked.
        let mut meter = self.c.budget.meter("highlighting").carrying(self.pending);
        let marked = if req.every_message {
            highlight::hits_metered(node, &conv, mode, &mut meter)
        } else {
            highlight::first_hits_metered(node, &conv, mode, &mut meter)
                .map(|h| h.into_iter().collect())
        };
        self.pending = meter.take_pending();
        let per_message = match marked {
            Ok(h) => h,
            Err(e @ query::budget::Exceeded::Cancelled) => return Err(e.into()),
            Err(_) => Vec::new(),
        };
        let (message, snippet, highlights) = match per_message.first() {
            Some(h) if req.snippet_width > 0 => {
                let text = &conv.messages[h.message as usize].text;
                let (s, r) = highlight::snippet(text, &h.ranges, req.snippet_width);
                (Some(h.message), s, r)
            }
            _ => {
                // No hit to show (a filter-only query): the first prompt says most.
                let first = conv
                    .messages
                    .iter()
                    .find(|m| m.role == crate::model::Role::User)
                    .or(conv.messages.first());
                let text = first.map(|m| m.text.as_str()).unwrap_or("");
                let (s, _) = highlight::snippet(text, &[], req.snippet_width.max(1));
                (first.map(|m| m.index), s, Vec::new())
            }
        };
        Ok(Hit {
            id: conv.id.clone(),
            score,
            created: conv.created,
            model: conv.model.clone(),
            turns: conv.turns(),
            message,
            snippet,
            highlights,
            hits: per_message,
        })
    }
}

/// A match with its score in the order's terms (none when sorted by date).
type Ranked = (Option<f32>, DocAddress);

/// The total and one page of matches in the requested order.
fn ranked_page(
    c: &Compiled,
    lookups: Lookups,
    sort: SortBy,
    offset: usize,
    limit: usize,
) -> Result<(usize, Vec<Ranked>)> {
    let limit = limit.max(1);
    Ok(match sort {
        SortBy::Relevance => {
            let top = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_score();
            let (n, docs) = c.run(&(Count, top))?;
            (n, docs.into_iter().map(|(s, a)| (Some(s), a)).collect())
        }
        SortBy::Date | SortBy::DateAsc => {
            let order = if sort == SortBy::Date {
                Order::Desc
            } else {
                Order::Asc
            };
            let top = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_fast_field::<tantivy::DateTime>("created", order);
            let (n, docs) = c.run(&(Count, top))?;
            (n, docs.into_iter().map(|(_, a)| (None, a)).collect())
        }
        SortBy::Score => {
            // Every match, ordered by its findings' longest reproduced run, then by id.
            let docs = c.run(&tantivy::collector::DocSetCollector)?;
            let mut scored: Vec<(usize, String, DocAddress)> =
                ids_of(&c.searcher, docs.into_iter().collect())?
                    .into_iter()
                    .map(|(addr, id)| {
                        (
                            lookups.findings.map(|f| f.score(&id)).unwrap_or(0),
                            id,
                            addr,
                        )
                    })
                    .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let n = scored.len();
            let page = scored
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|(s, _, a)| (Some(s as f32), a))
                .collect();
            (n, page)
        }
    })
}

/// One match of a shard's part of a page on a cluster: what orders it against the other
/// shards' matches (the score, or the creation time in epoch nanoseconds) and its id.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ShardKey {
    pub score: Option<f32>,
    pub date: Option<i64>,
    pub id: String,
}

/// A shard's part of a page: every match counted, and its first `k` in the page's order.
/// Relevance is scored with `stats` (the whole matter's statistics) when given, so that a
/// shard's scores are the ones the matter read as one index gives.
pub fn shard_rank(
    index: &ConvIndex,
    lookups: Lookups,
    node: &Node,
    sort: SortBy,
    k: usize,
    stats: Option<&dyn tantivy::query::Bm25StatisticsProvider>,
) -> Result<(u64, Vec<ShardKey>)> {
    let c = compiled(index, lookups, node)?;
    let k = k.max(1);
    // Each match's score or date (epoch nanoseconds), and where it is.
    type Keyed = (Option<f32>, Option<i64>, DocAddress);
    let (total, ranked): (usize, Vec<Keyed>) = match sort {
        SortBy::Relevance => {
            let both = (Count, TopDocs::with_limit(k).order_by_score());
            let (n, docs) = match stats {
                Some(p) => c
                    .searcher
                    .search_with_statistics_provider(&*c.query, &both, p)
                    .map_err(|e| {
                        c.budget
                            .explain(anyhow::Error::new(e).context("search failed"))
                    })?,
                None => c.run(&both)?,
            };
            (
                n,
                docs.into_iter().map(|(s, a)| (Some(s), None, a)).collect(),
            )
        }
        SortBy::Date | SortBy::DateAsc => {
            let order = if sort == SortBy::Date {
                Order::Desc
            } else {
                Order::Asc
            };
            let top =
                TopDocs::with_limit(k).order_by_fast_field::<tantivy::DateTime>("created", order);
            let (n, docs) = c.run(&(Count, top))?;
            (
                n,
                docs.into_iter()
                    .map(|(d, a)| (None, d.map(|d| d.into_timestamp_nanos()), a))
                    .collect(),
            )
        }
        SortBy::Score => {
            let (n, page) = ranked_page(&c, lookups, sort, 0, k)?;
            (n, page.into_iter().map(|(s, a)| (s, None, a)).collect())
        }
    };
    let pos: std::collections::HashMap<DocAddress, usize> = ranked
        .iter()
        .enumerate()
        .map(|(i, (_, _, a))| (*a, i))
        .collect();
    let mut keys: Vec<ShardKey> = ranked
        .iter()
        .map(|(score, date, _)| ShardKey {
            score: *score,
            date: *date,
            id: String::new(),
        })
        .collect();
    each_id(
        &c.searcher,
        ranked.iter().map(|(_, _, a)| *a).collect(),
        |addr, id| {
            if let Some(i) = pos.get(&addr) {
                keys[*i].id = id.to_string();
            }
        },
    )?;
    Ok((total as u64, keys))
}

/// The statistics a query's scoring reads on this index (a shard): phase one of a ranked
/// page on a cluster, summed over the shards and given back to [`shard_rank`].
pub fn shard_stats(
    index: &ConvIndex,
    lookups: Lookups,
    node: &Node,
) -> Result<crate::cluster::stats::CorpusStats> {
    let c = compiled(index, lookups, node)?;
    let recorder = crate::cluster::stats::Recorder::new(&c.searcher);
    c.query
        .weight(
            tantivy::query::EnableScoring::enabled_from_statistics_provider(&recorder, &c.searcher),
        )
        .map_err(|e| {
            c.budget
                .explain(anyhow::Error::new(e).context("search failed"))
        })?;
    recorder
        .into_stats()
        .context("cannot read the index's statistics")
}

/// The conversations of `ids`, in that order; an id the index does not hold is an error.
pub fn load_ids(index: &ConvIndex, ids: &[String]) -> Result<Vec<crate::model::Conversation>> {
    let searcher = index.searcher();
    ids.iter()
        .map(|id| {
            let addr = address_of(index, &searcher, id)?
                .with_context(|| format!("no conversation {id} in this index"))?;
            index.load(&searcher, addr)
        })
        .collect()
}

/// Where the conversation `id` is in the index.
fn address_of(
    index: &ConvIndex,
    searcher: &tantivy::Searcher,
    id: &str,
) -> Result<Option<DocAddress>> {
    let q = query::compile::compile(
        &Node::Filter(query::Filter::Id(id.to_string())),
        &Env::new(&index.fields, searcher, None),
    )?;
    let top = searcher
        .search(&q, &TopDocs::with_limit(1).order_by_score())
        .context("lookup failed")?;
    Ok(top.first().map(|(_, a)| *a))
}

/// One match of a production on a shard: its creation time (epoch nanoseconds), import
/// ordinal and id, which order it among every shard's.
pub type ProductionKey = (Option<i64>, Option<u64>, String);

/// A shard's matches in production order, with what orders them across shards.
pub fn production_keys(
    index: &ConvIndex,
    lookups: Lookups,
    node: &Node,
) -> Result<Vec<ProductionKey>> {
    let (searcher, docs) = production_order(index, lookups, node)?;
    let ords = searcher
        .segment_readers()
        .iter()
        .map(|s| s.fast_fields().u64("ord").ok())
        .collect::<Vec<_>>();
    let pos: std::collections::HashMap<DocAddress, usize> =
        docs.iter().enumerate().map(|(k, (a, _))| (*a, k)).collect();
    let mut keys: Vec<ProductionKey> = docs
        .iter()
        .map(|(a, t)| {
            let ord = ords[a.segment_ord as usize]
                .as_ref()
                .and_then(|c| c.first(a.doc_id));
            (*t, ord, String::new())
        })
        .collect();
    each_id(
        &searcher,
        docs.iter().map(|(a, _)| *a).collect(),
        |addr, id| {
            if let Some(k) = pos.get(&addr) {
                keys[*k].2 = id.to_string();
            }
        },
    )?;
    Ok(keys)
}

/// The hits of the conversations `ids` (in that order), read and marked as a page's are;
/// an id the index does not hold is left out. For the shard that holds a page's matches.
pub fn hits_of(
    index: &ConvIndex,
    lookups: Lookups,
    node: &Node,
    req: &SearchRequest,
    ids: &[String],
) -> Result<Vec<Hit>> {
    let started = Instant::now();
    let c = compiled(index, lookups, node)?;
    let mut ranked = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(addr) = address_of(index, &c.searcher, id)? {
            ranked.push((None, addr));
        }
    }
    let mut page = Page {
        c,
        index,
        node,
        req,
        ranked: ranked.into_iter().take(ids.len()),
        pending: 0,
        total: 0,
        started,
    };
    let mut hits = Vec::with_capacity(ids.len());
    while let Some(h) = page.next_hit() {
        hits.push(h?);
    }
    Ok(hits)
}

/// The ids of one page of matches in the requested order, without loading the documents
/// (for scanning far through a result list).
pub fn page_ids(
    index: &ConvIndex,
    lookups: Lookups,
    node: &Node,
    sort: SortBy,
    offset: usize,
    limit: usize,
) -> Result<Vec<String>> {
    let c = compiled(index, lookups, node)?;
    let (_, page) = ranked_page(&c, lookups, sort, offset, limit)?;
    let addrs: Vec<DocAddress> = page.iter().map(|(_, a)| *a).collect();
    let by_addr: std::collections::HashMap<DocAddress, String> =
        ids_of(&c.searcher, addrs.clone())?.into_iter().collect();
    Ok(addrs
        .into_iter()
        .filter_map(|a| by_addr.get(&a).cloned())
        .collect())
}

/// Runs a query written in tantivy's own (Lucene-like) syntax, for users who prefer it. Hits
/// carry no highlights: that syntax has no position matcher of ours behind it.
pub fn search_lucene(index: &ConvIndex, req: &SearchRequest) -> Result<SearchResult> {
    let started = Instant::now();
    let searcher = index.searcher();
    // tantivy's parser recurses once per parenthesis: deep nesting would end the process.
    let mut depth = 0usize;
    for c in req.query.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > query::parse::MAX_DEPTH {
            anyhow::bail!(
                "the query nests more than {} levels deep",
                query::parse::MAX_DEPTH
            );
        }
    }
    let parser = tantivy::query::QueryParser::new(
        index.index.schema(),
        index.fields.all_text().to_vec(),
        crate::index::analyzer::query_tokenizers(),
    );
    let q = parser
        .parse_query(&req.query)
        .map_err(|e| anyhow::anyhow!("the query does not parse (lucene syntax): {e}"))?;
    let top = TopDocs::with_limit(req.limit.max(1))
        .and_offset(req.offset)
        .order_by_score();
    let threads = index.threads_for(&searcher, &*q)?;
    let (n, docs) =
        run_on(&searcher, &*q, &(Count, top), threads.as_ref()).context("search failed")?;
    let mut hits = Vec::new();
    if req.limit > 0 {
        for (score, addr) in docs {
            let conv = index.load(&searcher, addr)?;
            let text = conv.messages.first().map(|m| m.text.as_str()).unwrap_or("");
            let (snippet, _) = highlight::snippet(text, &[], req.snippet_width.max(1));
            hits.push(Hit {
                id: conv.id.clone(),
                score: Some(score),
                created: conv.created,
                model: conv.model.clone(),
                turns: conv.turns(),
                message: conv.messages.first().map(|m| m.index),
                snippet,
                highlights: Vec::new(),
                hits: Vec::new(),
            });
        }
    }
    Ok(SearchResult {
        total: n as u64,
        hits,
        millis: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Only the number of matching conversations.
pub fn count(index: &ConvIndex, review: Option<&ReviewState>, query_text: &str) -> Result<u64> {
    let node = parse_for(index, None, query_text)?;
    count_parsed(index, review, &node)
}

pub fn count_parsed(index: &ConvIndex, review: Option<&ReviewState>, node: &Node) -> Result<u64> {
    count_full(
        index,
        Lookups {
            review,
            findings: None,
            budget: None,
            matter_dir: None,
        },
        node,
    )
}

pub fn count_full(index: &ConvIndex, lookups: Lookups, node: &Node) -> Result<u64> {
    let n = compiled(index, lookups, node)?.run(&Count)?;
    Ok(n as u64)
}

/// The ids of every matching conversation, in index order (for bulk actions and exports).
pub fn matching_ids(
    index: &ConvIndex,
    review: Option<&ReviewState>,
    node: &Node,
) -> Result<Vec<String>> {
    matching_ids_full(
        index,
        Lookups {
            review,
            findings: None,
            budget: None,
            matter_dir: None,
        },
        node,
    )
}

pub fn matching_ids_full(index: &ConvIndex, lookups: Lookups, node: &Node) -> Result<Vec<String>> {
    let c = compiled(index, lookups, node)?;
    let docs: Vec<DocAddress> = c
        .run(&tantivy::collector::DocSetCollector)?
        .into_iter()
        .collect();
    Ok(ids_of(&c.searcher, docs)?
        .into_iter()
        .map(|(_, id)| id)
        .collect())
}

/// The ids of documents, in index order, reading each segment's id column once.
fn ids_of(
    searcher: &tantivy::Searcher,
    docs: Vec<DocAddress>,
) -> Result<Vec<(DocAddress, String)>> {
    let mut out = Vec::with_capacity(docs.len());
    each_id(searcher, docs, |addr, id| out.push((addr, id.to_string())))?;
    Ok(out)
}

/// Calls `f` with the id of each document, segment by segment and by id within a segment.
/// Each segment's ids are read in one pass over its id dictionary in ordinal order, so every
/// compressed block is decoded once (a lookup per document would decode a block each time).
pub fn each_id(
    searcher: &tantivy::Searcher,
    mut docs: Vec<DocAddress>,
    mut f: impl FnMut(DocAddress, &str),
) -> Result<()> {
    docs.sort();
    let mut start = 0;
    while start < docs.len() {
        let seg = docs[start].segment_ord;
        let end = start + docs[start..].partition_point(|d| d.segment_ord == seg);
        let col = searcher
            .segment_reader(seg)
            .fast_fields()
            .str("id")
            .context("cannot read ids")?
            .context("the index has no id column")?;
        let mut ords: Vec<(u64, DocAddress)> = docs[start..end]
            .iter()
            .filter_map(|a| col.term_ords(a.doc_id).next().map(|o| (o, *a)))
            .collect();
        ords.sort_unstable();
        let only: Vec<u64> = ords.iter().map(|(o, _)| *o).collect();
        let mut addrs = ords.iter().map(|(_, a)| *a);
        let mut bad = false;
        col.dictionary()
            .sorted_ords_to_term_cb(&only, |bytes| {
                let Some(addr) = addrs.next() else { return };
                match std::str::from_utf8(bytes) {
                    Ok(id) => f(addr, id),
                    Err(_) => bad = true,
                }
            })
            .context("cannot read an id")?;
        if bad {
            anyhow::bail!("an id in the index is not UTF-8");
        }
        start = end;
    }
    Ok(())
}

/// Finds one conversation by id.
pub fn get(index: &ConvIndex, id: &str) -> Result<Option<crate::model::Conversation>> {
    let searcher = index.searcher();
    match address_of(index, &searcher, id)? {
        Some(addr) => Ok(Some(index.load(&searcher, addr)?)),
        None => Ok(None),
    }
}

/// The ids of every matching conversation in production order (oldest first, undated last).
pub fn production_ids(index: &ConvIndex, lookups: Lookups, node: &Node) -> Result<Vec<String>> {
    let (searcher, docs) = production_order(index, lookups, node)?;
    let order: std::collections::HashMap<DocAddress, usize> =
        docs.iter().enumerate().map(|(k, (a, _))| (*a, k)).collect();
    let mut ids = vec![String::new(); docs.len()];
    each_id(
        &searcher,
        docs.into_iter().map(|(a, _)| a).collect(),
        |addr, id| {
            if let Some(k) = order.get(&addr) {
                ids[*k] = id.to_string();
            }
        },
    )?;
    Ok(ids)
}

/// A matching document and its creation time (epoch nanoseconds).
pub type DatedDoc = (DocAddress, Option<i64>);

/// Every matching conversation in production order: oldest first, undated last, ties in
/// import order (the ordinal each conversation got on import, which neither merges nor a
/// split into shards changes). 16 bytes per match, nothing else held; the searcher is
/// returned so that the addresses stay valid.
pub fn production_order(
    index: &ConvIndex,
    lookups: Lookups,
    node: &Node,
) -> Result<(tantivy::Searcher, Vec<DatedDoc>)> {
    let c = compiled(index, lookups, node)?;
    let mut docs = c.run(&Dated)?;
    let ords = c
        .searcher
        .segment_readers()
        .iter()
        .map(|s| s.fast_fields().u64("ord").ok())
        .collect::<Vec<_>>();
    let ord_of = |a: &DocAddress| {
        ords[a.segment_ord as usize]
            .as_ref()
            .and_then(|c| c.first(a.doc_id))
    };
    docs.sort_by(|(a, ta), (b, tb)| {
        (ta.is_none(), ta)
            .cmp(&(tb.is_none(), tb))
            .then_with(|| ord_of(a).cmp(&ord_of(b)))
            .then_with(|| a.cmp(b))
    });
    Ok((c.searcher, docs))
}

/// Collects matching documents with their `created` value, segment by segment.
struct Dated;

struct DatedSegment {
    ord: u32,
    created: Option<tantivy::columnar::Column<tantivy::DateTime>>,
    out: Vec<DatedDoc>,
}

impl tantivy::collector::Collector for Dated {
    type Fruit = Vec<DatedDoc>;
    type Child = DatedSegment;

    fn for_segment(
        &self,
        ord: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<DatedSegment> {
        Ok(DatedSegment {
            ord,
            created: segment.fast_fields().date("created").ok(),
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<DatedDoc>>) -> tantivy::Result<Vec<DatedDoc>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl tantivy::collector::SegmentCollector for DatedSegment {
    type Fruit = Vec<DatedDoc>;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        let t = self
            .created
            .as_ref()
            .and_then(|c| c.first(doc))
            .map(|d| d.into_timestamp_nanos());
        self.out.push((DocAddress::new(self.ord, doc), t));
    }

    fn harvest(self) -> Vec<DatedDoc> {
        self.out
    }
}
