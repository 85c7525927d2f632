//! The work the interface must never wait for: searches, counts, loading transcripts and their
//! findings, bulk selections and exports. Each runs on a worker thread that keeps only the
//! newest pending request; answers carry the request's generation number so the interface can
//! drop stale ones.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use serde_json::json;

use super::reader::{Asked, Reader};
use crate::articles::Article;
use crate::detect::Finding;
use crate::export::{self, ExportRequest};
use crate::index::ConvIndex;
use crate::model::Conversation;
use crate::query::budget::{Budget, Limits};
use crate::query::{self, Node, QueryError, highlight::MessageHits};
use crate::review::Journal;
use crate::search::{self, SearchRequest, SortBy};

/// One row of the result list.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub created: Option<chrono::DateTime<chrono::Utc>>,
    pub model: Option<String>,
    pub turns: u64,
    /// Longest reproduced run of the conversation's findings (words).
    pub finding: usize,
    /// Longest echoed run (words the user supplied), shown when nothing was reproduced.
    pub echo: usize,
    /// How the main finding came about.
    pub elicitation: Option<crate::detect::elicitation::Elicitation>,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
    /// The near-duplicate group the row is in (folded: the group it stands for).
    pub group: Option<super::fold::RowGroup>,
}

#[derive(Debug, Clone)]
pub enum Request {
    /// A page of results (offset 0 also counts them and is written to the audit trail).
    Search {
        generation: u64,
        query: String,
        sort: SortBy,
        offset: usize,
        limit: usize,
        /// One row per near-duplicate group.
        fold: bool,
    },
    /// A transcript with the query's hits, its findings and the matched articles.
    Load {
        generation: u64,
        id: String,
        query: String,
    },
    /// Every id matching the query (for bulk tagging).
    Ids { generation: u64, query: String },
    /// Review and findings counted for the progress screen, over the conversations matching
    /// `query` (`None`: the whole matter).
    Stats {
        generation: u64,
        query: Option<String>,
    },
    /// The first result at or after `from` that carries no tag.
    FindUnreviewed {
        generation: u64,
        query: String,
        sort: SortBy,
        from: usize,
        open: bool,
        fold: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Loaded {
    pub conversation: Conversation,
    pub hits: Vec<MessageHits>,
    pub findings: Vec<Finding>,
    pub articles: HashMap<String, Article>,
    /// Where the conversation was produced (the production register).
    pub produced: Vec<crate::export::register::Place>,
    /// The matter's default designation (a conversation's own is in the review state).
    pub matter_designation: Option<String>,
    /// Per matched article: its text supplied earlier in the conversation (marked in the
    /// compare view's article pane and in the transcript's user messages).
    pub supplied: HashMap<String, crate::detect::elicitation::SuppliedText>,
    /// The matter's highlight set: each term's hits here, in its colour.
    pub highlights: Vec<HighlightHits>,
    /// A near-duplicate's words that differ from its group's principal.
    pub diff: Option<super::fold::DiffView>,
}

/// One term of the highlight set in one conversation.
#[derive(Debug, Clone)]
pub struct HighlightHits {
    pub term: crate::review::highlights::Term,
    pub hits: Vec<query::highlight::MessageHits>,
    /// Marked stretches in the conversation.
    pub count: usize,
    /// The term does not parse (a set saved with another matter's synonyms, say).
    pub error: Option<String>,
}

/// One sample on the progress screen.
#[derive(Debug, Clone)]
pub struct SampleLine {
    pub name: String,
    pub reviewed: u64,
    pub size: u64,
    pub positive: String,
    /// Rate, low, high (none until every stratum has a reviewed member).
    pub estimate: Option<(f64, f64, f64)>,
}

/// Review and findings counted for the progress screen, over one set of conversations.
#[derive(Debug, Clone, Default)]
pub struct FindingStats {
    /// Conversations in the set, and those coded in it.
    pub total: u64,
    pub coded: u64,
    /// Conversations per tag, and coded per reviewer (who coded last), within the set.
    pub tags: Vec<(String, u64)>,
    pub by_reviewer: Vec<(String, u64)>,
    pub by_label: Vec<(String, u64)>,
    /// Findings per elicitation (unprompted, requested, primed, echo).
    pub by_elicitation: Vec<(String, u64)>,
    /// (YYYY-MM of the conversation, conversations with a finding).
    pub by_month: Vec<(String, u64)>,
    /// (longest run bucket label, conversations).
    pub by_score: Vec<(String, u64)>,
    pub conversations: u64,
    pub strong: u64,
    /// Conversations with findings and no date (not in `by_month`).
    pub undated: u64,
    /// The matter's samples: name, reviewed, size, and the running estimate of the share
    /// positive (the palette's first call) with its 95 % Clopper-Pearson interval.
    pub samples: Vec<SampleLine>,
    /// Conversations someone opened, and those coded (e.g. in bulk) that nobody opened.
    pub viewed: u64,
    pub coded_unviewed: u64,
}

#[derive(Debug)]
pub enum Response {
    Page {
        generation: u64,
        offset: usize,
        total: u64,
        rows: Vec<Row>,
        millis: f64,
    },
    Loaded {
        generation: u64,
        loaded: Box<Loaded>,
    },
    Ids {
        generation: u64,
        ids: Vec<String>,
    },
    Stats {
        generation: u64,
        stats: Box<FindingStats>,
    },
    /// Where the next unreviewed result is (None: none within the rows scanned).
    Found {
        generation: u64,
        index: Option<usize>,
        scanned: usize,
        open: bool,
    },
    /// A request failed; a query error carries its column.
    Failed {
        generation: u64,
        what: &'static str,
        message: String,
        column: Option<usize>,
    },
    /// The export's phase and how far it is (`total` 0: not known).
    ExportProgress {
        phase: String,
        done: u64,
        total: u64,
    },
    ExportDone(Result<Box<export::Summary>, String>),
    /// The review journal, replayed after the first frame (the interface codes once it has
    /// it).
    Journal(Result<Box<Journal>, String>),
}

/// What the workers share: the matter, read-only.
pub struct Core {
    pub matter_dir: PathBuf,
    pub reviewer: String,
    /// The matter's conversations: its index here, or its shards on a cluster.
    reader: Reader,
    /// Replayed by the first request that needs the review state (or by `journal_copy`):
    /// searches without review filters do not wait for it.
    journal: Mutex<Option<Journal>>,
    findings: Vec<Finding>,
    by_conv: HashMap<String, Vec<usize>>,
    findings_index: crate::detect::FindingsIndex,
    /// Where each article is in the store, built on first use.
    articles: Mutex<Option<crate::line_index::LineIndex>>,
    /// Which search is current, so that older ones stop early.
    pub searches: Arc<SearchControl>,
    /// How queries are read: the reviewer's dialect, the matter's text mode and synonyms.
    pub query: query::QueryOptions,
    /// The matter's near-duplicate groups, read again when `groups.json` changes.
    groups: Mutex<crate::groups::place::Cache>,
    /// The last folded list: (query, journal length, groups), and the fold.
    folded: Mutex<Option<(FoldKey, Arc<super::fold::Fold>)>>,
}

type FoldKey = (String, u64, usize);

/// The interface's word on which search is current: a search of an older generation, or one
/// cancelled, stops at its budget's next check.
#[derive(Default)]
pub struct SearchControl {
    newest: AtomicU64,
    cancelled: AtomicU64,
}

impl SearchControl {
    /// A search of `generation` was asked for.
    pub fn started(&self, generation: u64) {
        self.newest.fetch_max(generation, Ordering::Relaxed);
    }

    /// Stops every search up to `generation`.
    pub fn cancel(&self, generation: u64) {
        self.cancelled.fetch_max(generation, Ordering::Relaxed);
    }

    pub fn superseded(&self, generation: u64) -> bool {
        self.newest.load(Ordering::Relaxed) > generation
            || self.cancelled.load(Ordering::Relaxed) >= generation
    }
}

/// The matter's index: its one index, or its shards read as one.
fn open_index(matter_dir: &Path) -> Result<ConvIndex> {
    if matter_dir.join("matter.json").exists() {
        ConvIndex::open_matter(&crate::matter::Matter::open(matter_dir)?)
    } else {
        ConvIndex::open(&matter_dir.join("index"))
    }
}

impl Core {
    pub fn open(matter_dir: &Path, reviewer: &str) -> Result<Core> {
        Self::open_with(matter_dir, reviewer, query::Dialect::default())
    }

    /// [`Core::open`] reading queries in `dialect`.
    pub fn open_with(matter_dir: &Path, reviewer: &str, dialect: query::Dialect) -> Result<Core> {
        Self::open_on(
            matter_dir,
            reviewer,
            dialect,
            Reader::Local(open_index(matter_dir)?),
        )
    }

    /// [`Core::open_with`] reading the conversations from `reader` (a cluster's shards).
    pub fn open_on(
        matter_dir: &Path,
        reviewer: &str,
        dialect: query::Dialect,
        reader: Reader,
    ) -> Result<Core> {
        let query = query::QueryOptions::for_matter_mode(matter_dir, reader.text_mode(), dialect)?;
        let findings = crate::detect::findings::load(matter_dir)?;
        let mut by_conv: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            by_conv.entry(f.conversation.clone()).or_default().push(i);
        }
        let findings_index = crate::detect::FindingsIndex::new(&findings);
        Ok(Core {
            matter_dir: matter_dir.to_path_buf(),
            reviewer: reviewer.to_string(),
            reader,
            journal: Mutex::new(None),
            findings,
            by_conv,
            findings_index,
            articles: Mutex::new(None),
            searches: Arc::default(),
            query,
            groups: Mutex::default(),
            folded: Mutex::default(),
        })
    }

    /// Reads a query with the reviewer's options; saved searches are read afresh when the
    /// query names one (a colleague may have saved it since the interface opened).
    fn parse(&self, text: &str) -> std::result::Result<Node, query::QueryError> {
        if text.contains('@') {
            let mut opts = self.query.clone();
            opts.saved = crate::tui::app::saved_queries(&self.matter_dir);
            return query::parse_with(text, &opts);
        }
        query::parse_with(text, &self.query)
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.num_docs()
    }

    fn audit(&self, event: &str, data: serde_json::Value) {
        // The trail is part of the record: a failure to write it is reported on stderr by the
        // command line; here it must not take the interface down.
        let _ = crate::audit::append(&self.matter_dir, &self.reviewer, event, data);
    }

    fn failed(generation: u64, what: &'static str, e: anyhow::Error) -> Response {
        let column = e.downcast_ref::<QueryError>().map(|q| q.column);
        Response::Failed {
            generation,
            what,
            message: format!("{e:#}"),
            column,
        }
    }

    /// Runs one request.
    pub fn serve(&self, req: Request) -> Response {
        #[cfg(debug_assertions)]
        if let Request::Search { query, .. } = &req
            && query.contains("boom")
        {
            super::terminal::test_fault("worker");
        }
        match req {
            Request::Search {
                generation,
                query,
                sort,
                offset,
                limit,
                fold,
            } => match self.search(&query, sort, offset, limit, fold, generation) {
                Ok((total, rows, millis)) => {
                    if offset == 0 {
                        let mut entry = json!({"query": query, "count": total, "via": "review"});
                        if let Some(s) = self.reader.scheduler() {
                            entry["scheduler"] = s.into();
                        }
                        self.audit("search", entry);
                    }
                    Response::Page {
                        generation,
                        offset,
                        total,
                        rows,
                        millis,
                    }
                }
                Err(e) => Self::failed(generation, "search", e),
            },
            Request::Load {
                generation,
                id,
                query,
            } => match self.load(&id, &query) {
                Ok(loaded) => {
                    self.audit("view", json!({"conversation": id, "via": "review"}));
                    Response::Loaded {
                        generation,
                        loaded: Box::new(loaded),
                    }
                }
                Err(e) => Self::failed(generation, "load", e),
            },
            Request::Ids { generation, query } => match self.ids(&query, generation) {
                Ok(ids) => Response::Ids { generation, ids },
                Err(e) => Self::failed(generation, "selection", e),
            },
            Request::FindUnreviewed {
                generation,
                query,
                sort,
                from,
                open,
                fold,
            } => match self.find_unreviewed(&query, sort, from, fold, generation) {
                Ok((index, scanned)) => Response::Found {
                    generation,
                    index,
                    scanned,
                    open,
                },
                Err(e) => Self::failed(generation, "search", e),
            },
            Request::Stats { generation, query } => {
                match self.stats(query.as_deref(), generation) {
                    Ok(stats) => Response::Stats {
                        generation,
                        stats: Box::new(stats),
                    },
                    Err(e) => Self::failed(generation, "statistics", e),
                }
            }
        }
    }

    /// A copy of the worker's journal, replayed first if no request has yet.
    pub fn journal_copy(&self) -> Result<Journal> {
        self.with_state(|j| Ok(j.clone()))
    }

    fn with_state<T>(&self, f: impl FnOnce(&Journal) -> Result<T>) -> Result<T> {
        let mut guard = self
            .journal
            .lock()
            .map_err(|_| anyhow::anyhow!("journal lock poisoned"))?;
        match guard.as_mut() {
            // Catch up with coding done since the last request (here or by others).
            Some(j) => j.refresh()?,
            None => *guard = Some(Journal::open(&self.matter_dir)?),
        }
        match guard.as_ref() {
            Some(j) => f(j),
            None => anyhow::bail!("the review journal did not open"),
        }
    }

    /// `f` with the review state when `needed` (a query with review filters), else at once
    /// with none, without waiting for the journal.
    fn with_review<T>(
        &self,
        needed: bool,
        f: impl FnOnce(Option<&crate::review::ReviewState>) -> Result<T>,
    ) -> Result<T> {
        if needed {
            self.with_state(|j| f(Some(j.state())))
        } else {
            f(None)
        }
    }

    /// What queries consult besides the index: the review state (for review filters) and the
    /// findings; and the budget of the request.
    fn lookups<'a>(
        &'a self,
        review: Option<&'a crate::review::ReviewState>,
        budget: &'a Budget,
    ) -> search::Lookups<'a> {
        search::Lookups {
            review,
            findings: Some(&self.findings_index),
            budget: Some(budget),
            matter_dir: Some(&self.matter_dir),
        }
    }

    /// A query as the reader runs it: the tree here, the text on a cluster.
    fn asked<'a>(&self, node: &'a Node, text: &'a str) -> Asked<'a> {
        Asked {
            node,
            text,
            dialect: self.query.dialect,
        }
    }

    /// The budget of a request of `generation`: default limits, and stopped as soon as a newer
    /// search starts or this one is cancelled (Esc).
    fn budget(&self, generation: u64) -> Budget {
        let control = self.searches.clone();
        Budget::cancellable(Limits::default(), move || control.superseded(generation))
    }

    fn search(
        &self,
        query_text: &str,
        sort: SortBy,
        offset: usize,
        limit: usize,
        fold: bool,
        generation: u64,
    ) -> Result<(u64, Vec<Row>, f64)> {
        let started = Instant::now();
        let placed = self.placed();
        let (node, folded) = self.folded(self.parse(query_text)?, query_text, fold, generation)?;
        let budget = self.budget(generation);
        let result = self.with_review(node.uses_review(), |review| {
            let lookups = self.lookups(review, &budget);
            let req = SearchRequest {
                query: query_text.to_string(),
                limit,
                offset,
                sort,
                snippet_width: 400,
                every_message: false,
            };
            self.reader
                .search(lookups, &self.asked(&node, query_text), &req)
        })?;
        let rows = result
            .hits
            .into_iter()
            .map(|h| Row {
                group: placed
                    .as_deref()
                    .and_then(|p| super::fold::row_group(p, &h.id, folded.as_deref())),
                finding: self.findings_index.score(&h.id),
                echo: self.findings_index.echo(&h.id),
                elicitation: self.findings_index.elicitation(&h.id),
                id: h.id,
                created: h.created,
                model: h.model,
                turns: h.turns,
                snippet: h.snippet,
                highlights: h.highlights,
            })
            .collect();
        Ok((result.total, rows, started.elapsed().as_secs_f64() * 1000.0))
    }

    /// Scans the results from `from` in pages for one without tags, up to a bound.
    fn find_unreviewed(
        &self,
        query_text: &str,
        sort: SortBy,
        from: usize,
        fold: bool,
        generation: u64,
    ) -> Result<(Option<usize>, usize)> {
        let budget = self.budget(generation);
        const PAGE: usize = 1_000;
        const MAX_SCAN: usize = 50_000;
        let (node, _) = self.folded(self.parse(query_text)?, query_text, fold, generation)?;
        let asked = self.asked(&node, query_text);
        let mut offset = from;
        let mut scanned = 0;
        while scanned < MAX_SCAN {
            let page = self.with_state(|j| {
                let ids = self.reader.page_ids(
                    self.lookups(Some(j.state()), &budget),
                    &asked,
                    sort,
                    offset,
                    PAGE,
                )?;
                let st = j.state();
                Ok(ids
                    .iter()
                    .position(|id| !st.get(id).is_some_and(|c| c.reviewed()))
                    .map(|i| offset + i)
                    .ok_or(ids.len()))
            })?;
            match page {
                Ok(i) => return Ok((Some(i), scanned + (i - offset) + 1)),
                Err(0) => break,
                Err(n) => {
                    scanned += n;
                    offset += n;
                }
            }
        }
        Ok((None, scanned))
    }

    /// The matter's groups (none when not built or unreadable: the list is then unfolded;
    /// none on a cluster, where the groups' members are not read).
    fn placed(&self) -> Option<Arc<crate::groups::place::Placed>> {
        self.reader.local()?;
        let mut cache = self.groups.lock().ok()?;
        cache.get(&self.matter_dir).ok().flatten()
    }

    /// The query as the list runs it: folded, the members a group's row stands for are left
    /// out. The fold is kept for the pages of one list (same query, journal and groups).
    fn folded(
        &self,
        node: Node,
        query_text: &str,
        fold: bool,
        generation: u64,
    ) -> Result<(Node, Option<Arc<super::fold::Fold>>)> {
        let Some(placed) = self.placed().filter(|_| fold) else {
            return Ok((node, None));
        };
        // The journal's length: the fold is kept while nothing is appended (a stat, where the
        // last line may be a bulk event of many megabytes).
        let journal_len = std::fs::metadata(Journal::path_in(&self.matter_dir))
            .map(|m| m.len())
            .unwrap_or(0);
        let key: FoldKey = (
            query_text.to_string(),
            journal_len,
            Arc::as_ptr(&placed) as usize,
        );
        let cached = self.folded.lock().ok().and_then(|c| {
            c.as_ref()
                .filter(|(k, _)| *k == key)
                .map(|(_, f)| f.clone())
        });
        let f = match cached {
            Some(f) => f,
            None => {
                // Only grouped conversations can be folded: match those alone.
                let grouped = Node::And(vec![
                    node.clone(),
                    Node::Filter(query::Filter::Group("ANY".into())),
                ]);
                let budget = self.budget(generation);
                let ids = self.with_review(grouped.uses_review(), |review| {
                    let index = self
                        .reader
                        .local()
                        .context("groups are folded on this machine")?;
                    search::matching_ids_full(index, self.lookups(review, &budget), &grouped)
                })?;
                let f = Arc::new(super::fold::fold(&placed, &ids));
                if let Ok(mut c) = self.folded.lock() {
                    *c = Some((key, f.clone()));
                }
                f
            }
        };
        if f.hidden.is_empty() {
            return Ok((node, Some(f)));
        }
        let hidden = Node::Filter(query::Filter::Ids(f.hidden.clone()));
        Ok((Node::And(vec![node, Node::Not(Box::new(hidden))]), Some(f)))
    }

    fn ids(&self, query_text: &str, generation: u64) -> Result<Vec<String>> {
        let node = self.parse(query_text)?;
        let budget = self.budget(generation);
        self.with_review(node.uses_review(), |review| {
            self.reader.matching_ids(
                self.lookups(review, &budget),
                &self.asked(&node, query_text),
            )
        })
    }

    pub fn load(&self, id: &str, query_text: &str) -> Result<Loaded> {
        let conversation = self
            .reader
            .get(id)?
            .with_context(|| format!("conversation {id} is not in the index"))?;
        let node = self.parse(query_text).unwrap_or(Node::All);
        let hits = query::highlight::hits(&node, &conversation, self.reader.text_mode());
        let findings: Vec<Finding> = self
            .by_conv
            .get(id)
            .map(|v| v.iter().map(|&i| self.findings[i].clone()).collect())
            .unwrap_or_default();
        let mut findings = findings;
        findings.sort_by(|a, b| {
            b.longest_run_words
                .cmp(&a.longest_run_words)
                .then(a.article.cmp(&b.article))
        });
        for f in &mut findings {
            f.spans.sort_by_key(|s| (s.message, s.start));
        }
        let mut articles = HashMap::new();
        for f in &findings {
            if !articles.contains_key(&f.article)
                && let Some(a) = self.article(&f.article)?
            {
                articles.insert(f.article.clone(), a);
            }
        }
        // What of each article was supplied before the first reply that copies it.
        let supplied = findings
            .iter()
            .filter_map(|f| {
                let first = f.spans.iter().map(|s| s.message).min()?;
                let a = articles.get(&f.article)?;
                Some((
                    f.article.clone(),
                    crate::detect::elicitation::supplied_text(&conversation, first, &a.text),
                ))
            })
            .collect();
        // Read per opened conversation: another reviewer may have produced it meanwhile.
        let produced = crate::export::register::load_cached(&self.matter_dir)?
            .places(id)
            .to_vec();
        let highlights = self.highlights(&conversation);
        let diff = match self.placed() {
            Some(p) => super::fold::diff_view(&p, &conversation, |id| self.reader.get(id))?,
            None => None,
        };
        Ok(Loaded {
            diff,
            conversation,
            hits,
            findings,
            articles,
            produced,
            matter_designation: crate::review::designation::matter_default(&self.matter_dir)?,
            supplied,
            highlights,
        })
    }

    /// The matter's highlight set marked in a conversation (read afresh: a lead may change it
    /// while the team works).
    fn highlights(&self, conv: &crate::model::Conversation) -> Vec<HighlightHits> {
        let Ok(Some(set)) = crate::review::highlights::load(&self.matter_dir) else {
            return Vec::new();
        };
        let mut opts = self.query.clone();
        opts.dialect = set.syntax;
        opts.saved = crate::tui::app::saved_queries(&self.matter_dir);
        set.terms
            .into_iter()
            .map(|term| match query::parse_with(&term.query, &opts) {
                Ok(node) => {
                    let hits = query::highlight::hits(&node, conv, self.reader.text_mode());
                    let count = hits.iter().map(|h| h.ranges.len()).sum();
                    HighlightHits {
                        term,
                        hits,
                        count,
                        error: None,
                    }
                }
                Err(e) => HighlightHits {
                    term,
                    hits: Vec::new(),
                    count: 0,
                    error: Some(e.to_string()),
                },
            })
            .collect()
    }

    /// One article from the store (the id index is built on first use).
    fn article(&self, id: &str) -> Result<Option<Article>> {
        let mut lookup = self
            .articles
            .lock()
            .map_err(|_| anyhow::anyhow!("article lock poisoned"))?;
        if lookup.is_none() {
            *lookup = Some(crate::articles::lookup(&self.matter_dir)?);
        }
        match lookup.as_ref() {
            Some(l) => crate::articles::get(l, id),
            None => Ok(None),
        }
    }

    /// Each sample's review so far and its running estimate.
    fn sample_lines(&self) -> Result<Vec<SampleLine>> {
        let palette = crate::review::Palette::load(&self.matter_dir)?;
        // The positive call: the first tag of an exclusive group, else the first tag.
        let positive = palette
            .exclusive
            .values()
            .find_map(|g| g.first().cloned())
            .or_else(|| palette.tags.first().map(|t| t.name.clone()))
            .unwrap_or_default();
        let samples = crate::sample::list(&self.matter_dir)?;
        self.with_state(|j| {
            Ok(samples
                .iter()
                .filter(|s| matches!(s.kind, crate::sample::Kind::Sample))
                .map(|s| {
                    let p = crate::sample::counts::progress(s, j.state(), &positive);
                    let estimate = crate::estimate::stratified::estimate(
                        &p.counts(),
                        0.95,
                        crate::estimate::interval::Method::ClopperPearson,
                    )
                    .ok()
                    .map(|e| (e.rate, e.low, e.high));
                    SampleLine {
                        name: s.name.clone(),
                        reviewed: p.reviewed(),
                        size: p.size(),
                        positive: positive.clone(),
                        estimate,
                    }
                })
                .collect())
        })
    }

    fn stats(&self, query_text: Option<&str>, generation: u64) -> Result<FindingStats> {
        let mut st = FindingStats::default();
        // The set: every conversation, or those the query matches.
        let node = match query_text {
            Some(q) => self.parse(q)?,
            None => Node::All,
        };
        // On a cluster the query's matches come with their dates: asked for once, for the set
        // and the chart below.
        let keys = match (&self.reader, query_text) {
            (Reader::Cluster(c), Some(q)) => Some(c.production_keys(q, self.query.dialect)?),
            _ => None,
        };
        let set: Option<HashSet<String>> = match (query_text, &keys) {
            (_, Some(k)) => Some(k.iter().map(|(_, _, id)| id.clone()).collect()),
            (Some(q), None) => Some(self.ids(q, generation)?.into_iter().collect()),
            (None, None) => None,
        };
        let within = |id: &str| set.as_ref().is_none_or(|s| s.contains(id));
        st.total = set
            .as_ref()
            .map(|s| s.len() as u64)
            .unwrap_or_else(|| self.num_docs());
        let viewed = crate::audit::viewed(&self.matter_dir)?;
        st.viewed = viewed.iter().filter(|id| within(id)).count() as u64;
        self.with_state(|j| {
            let mut tags: std::collections::BTreeMap<String, u64> = Default::default();
            let mut reviewers: std::collections::BTreeMap<String, u64> = Default::default();
            for (id, c) in j.state().convs() {
                if !within(id) {
                    continue;
                }
                for t in c.tags() {
                    *tags.entry(t.to_string()).or_default() += 1;
                }
                if !c.reviewed() {
                    continue;
                }
                st.coded += 1;
                if !viewed.contains(id) {
                    st.coded_unviewed += 1;
                }
                if let Some(r) = c.last_reviewer() {
                    *reviewers.entry(r.to_string()).or_default() += 1;
                }
            }
            st.tags = tags.into_iter().collect();
            st.by_reviewer = reviewers.into_iter().collect();
            Ok(())
        })?;
        let mut labels: HashMap<&str, u64> = HashMap::new();
        for f in self.findings.iter().filter(|f| within(&f.conversation)) {
            *labels.entry(f.label.as_str()).or_default() += 1;
        }
        st.by_label = labels
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        st.by_label.sort();
        let mut elicited: std::collections::BTreeMap<&str, u64> = Default::default();
        for f in self.findings.iter().filter(|f| within(&f.conversation)) {
            if let Some(e) = f.elicitation {
                *elicited.entry(e.as_str()).or_default() += 1;
            }
        }
        st.by_elicitation = crate::detect::elicitation::Elicitation::ALL
            .iter()
            .filter_map(|e| {
                elicited
                    .get(e.as_str())
                    .map(|n| (e.as_str().to_string(), *n))
            })
            .collect();
        let convs = || {
            self.findings_index
                .by_conversation
                .iter()
                .filter(|(id, _)| within(id))
                .map(|(_, c)| c)
        };
        st.conversations = convs().count() as u64;
        st.strong = convs().filter(|c| c.strong).count() as u64;
        let buckets = [
            (20, "20-29"),
            (30, "30-49"),
            (50, "50-99"),
            (100, "100-199"),
            (200, "200+"),
        ];
        let mut by_score = vec![0u64; buckets.len()];
        for c in convs() {
            if let Some(i) = buckets.iter().rposition(|(min, _)| c.score >= *min) {
                by_score[i] += 1;
            }
        }
        st.by_score = buckets
            .iter()
            .zip(by_score)
            .map(|((_, l), n)| (l.to_string(), n))
            .collect();
        let with_findings = Node::Filter(query::Filter::Score(
            query::ast::Bound::Included(1),
            query::ast::Bound::Unbounded,
        ));
        let node = match node {
            Node::All => with_findings,
            other => Node::And(vec![with_findings, other]),
        };
        let budget = self.budget(generation);
        let dates: Vec<Option<i64>> = match &self.reader {
            Reader::Local(index) => self
                .with_review(node.uses_review(), |review| {
                    search::production_order(index, self.lookups(review, &budget), &node)
                })?
                .1
                .into_iter()
                .map(|(_, created)| created)
                .collect(),
            // The shards are asked for the query's matches; those with findings are kept here.
            Reader::Cluster(c) => match keys {
                Some(k) => k,
                None => c.production_keys("", self.query.dialect)?,
            }
            .into_iter()
            .filter(|(_, _, id)| self.findings_index.score(id) >= 1)
            .map(|(created, _, _)| created)
            .collect(),
        };
        let mut months: std::collections::BTreeMap<String, u64> = Default::default();
        for created in dates {
            // Undated conversations have no month: counted apart, never a bar of the chart.
            match created {
                Some(ns) => {
                    let d = chrono::DateTime::from_timestamp_nanos(ns);
                    *months.entry(d.format("%Y-%m").to_string()).or_default() += 1;
                }
                None => st.undated += 1,
            }
        }
        st.by_month = months.into_iter().collect();
        st.samples = self.sample_lines()?;
        Ok(st)
    }
}

/// Stack of each worker thread.
const WORKER_STACK: usize = 64 << 20;

impl Request {
    pub fn generation(&self) -> u64 {
        match self {
            Request::Search { generation, .. }
            | Request::Load { generation, .. }
            | Request::Ids { generation, .. }
            | Request::Stats { generation, .. }
            | Request::FindUnreviewed { generation, .. } => *generation,
        }
    }
}

/// A worker thread serving requests from `rx` and answering on `tx`; of several pending
/// requests only the newest is served (search-as-you-go: older ones are stale).
pub fn spawn(core: Arc<Core>, tx: Sender<Response>) -> Sender<Request> {
    let (req_tx, req_rx): (Sender<Request>, Receiver<Request>) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(super::terminal::WORKER_PREFIX.into())
        // Room for deep work (the parser bounds nesting; this is the margin behind it).
        .stack_size(WORKER_STACK)
        .spawn(move || {
            while let Ok(first) = req_rx.recv() {
                let mut pending = vec![first];
                loop {
                    match req_rx.try_recv() {
                        Ok(newer) => pending.push(newer),
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => return,
                    }
                }
                for req in newest_only(pending) {
                    let generation = req.generation();
                    // A bug met by one request fails that request, not the interface.
                    let resp = super::terminal::catch(|| core.serve(req)).unwrap_or_else(|e| {
                        Response::Failed {
                            generation,
                            what: "request",
                            message: format!("internal error: {e}"),
                            column: None,
                        }
                    });
                    if tx.send(resp).is_err() {
                        return;
                    }
                }
            }
        })
        .expect("cannot start a worker thread");
    req_tx
}

/// Drops requests made stale by newer ones: searches of an older generation (every page of
/// the newest search is kept), and all but the newest load, id list and statistics request.
pub fn newest_only(pending: Vec<Request>) -> Vec<Request> {
    let newest_search = pending
        .iter()
        .filter_map(|r| match r {
            Request::Search { generation, .. } => Some(*generation),
            _ => None,
        })
        .max();
    let kind = |r: &Request| match r {
        Request::Search { .. } => 0,
        Request::Load { .. } => 1,
        Request::Ids { .. } => 2,
        Request::Stats { .. } => 3,
        Request::FindUnreviewed { .. } => 4,
    };
    let last_of_kind: Vec<usize> = (1..5)
        .filter_map(|k| pending.iter().rposition(|r| kind(r) == k))
        .collect();
    pending
        .into_iter()
        .enumerate()
        .filter(|(i, r)| match r {
            Request::Search { generation, .. } => Some(*generation) == newest_search,
            _ => last_of_kind.contains(i),
        })
        .map(|(_, r)| r)
        .collect()
}

/// Runs an export on its own thread, reporting progress; `cancel` stops it.
pub fn spawn_export(
    core: Arc<Core>,
    req: ExportRequest,
    tx: Sender<Response>,
    cancel: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    let name = format!("{}-export", super::terminal::WORKER_PREFIX);
    let spawned = std::thread::Builder::new()
        .name(name)
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let run = || -> Result<export::Summary> {
                let matter_dir = &core.matter_dir;
                let journal = Journal::open(matter_dir)?;
                let findings = crate::detect::FindingsIndex::load(matter_dir)?;
                let mut progress = ChannelProgress {
                    tx: tx.clone(),
                    phase: String::new(),
                    total: 0,
                    last: Instant::now(),
                };
                match &core.reader {
                    Reader::Local(_) => {
                        let index = open_index(matter_dir)?;
                        let inputs = export::Inputs {
                            matter_dir,
                            index: &index,
                            review: journal.state(),
                            findings: &findings,
                        };
                        export::run(&inputs, &req, &mut progress, &cancel)
                    }
                    // From the shards, as `export --scheduler` (searches wait meanwhile: one
                    // driver serves the session).
                    Reader::Cluster(c) => {
                        let shared = export::Shared {
                            matter_dir,
                            mode: c.mode(),
                            review: journal.state(),
                            findings: &findings,
                        };
                        c.with(|cluster| {
                            let mut source = crate::cluster::remote::Remote::new(cluster);
                            export::run_from(&shared, &mut source, &req, &mut progress, &cancel)
                        })
                    }
                }
            };
            // Whatever happens, the interface hears that the export is over.
            let result = match super::terminal::catch(run) {
                Ok(r) => r.map(Box::new).map_err(|e| format!("{e:#}")),
                Err(e) => Err(format!(
                    "the export stopped on an internal error ({e}); nothing was written"
                )),
            };
            let _ = tx.send(Response::ExportDone(result));
            cancel.store(false, Ordering::Relaxed);
        });
    spawned.expect("cannot start the export thread")
}

struct ChannelProgress {
    tx: Sender<Response>,
    phase: String,
    total: u64,
    last: Instant,
}

impl ChannelProgress {
    fn send(&mut self, done: u64) {
        self.last = Instant::now();
        let _ = self.tx.send(Response::ExportProgress {
            phase: self.phase.clone(),
            done,
            total: self.total,
        });
    }
}

impl crate::progress::Progress for ChannelProgress {
    /// Every phase is shown as it starts, so a long one (printing a PDF) never looks stuck.
    fn begin(&mut self, label: &str, total: Option<u64>) {
        self.phase = label.to_string();
        self.total = total.unwrap_or(0);
        self.send(0);
    }

    fn update(&mut self, done: u64, _: u64) {
        // A few updates a second are enough for a gauge.
        if self.last.elapsed().as_millis() >= 100 || done == self.total {
            self.send(done);
        }
    }

    fn end(&mut self) {}
    fn note(&mut self, _: &str) {}
}
