//! The tantivy index of conversations: schema, analyzers, documents and opening.

pub mod analyzer;
pub mod common_grams;
pub mod compact;
pub mod document;
pub mod merge;
pub mod presence;
pub mod schema;
pub mod sentences;
pub mod shard_union;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use tantivy::directory::MmapDirectory;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

use crate::model::Conversation;
pub use schema::{Fields, INDEX_VERSION};

/// An opened conversation index.
pub struct ConvIndex {
    pub index: Index,
    pub fields: Fields,
    reader: IndexReader,
    /// How the text fields were analysed, and whether boundary marks are indexed.
    mode: (analyzer::TextMode, bool),
    /// A large index opened by a quick command: its search threads, started by the first
    /// query heavy enough to use them (see [`search_threads_on_demand`]).
    on_demand: Option<std::sync::Arc<OnDemandThreads>>,
}

/// Search threads not started until a query needs them.
struct OnDemandThreads {
    threads: usize,
    executor: std::sync::OnceLock<tantivy::Executor>,
}

/// Postings a query reads (a word's documents; four times for a word whose positions are
/// read) below which it runs on the calling thread: about a millisecond of work, less than
/// starting the search threads costs.
const ON_DEMAND_POSTINGS: u64 = 50_000;

/// Segments with more documents than this are not merged further.
pub const MAX_MERGED_DOCS: usize = 200_000;

/// Settings of bulk indexing.
#[derive(Debug, Clone, Copy)]
pub struct WriterSettings {
    /// Indexing threads; 0 means one per core.
    pub threads: usize,
    /// Total indexing memory budget in bytes, shared by the threads.
    pub memory_bytes: usize,
}

impl Default for WriterSettings {
    fn default() -> Self {
        WriterSettings {
            threads: 0,
            memory_bytes: 512 << 20,
        }
    }
}

impl WriterSettings {
    pub fn resolved_threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        }
    }
}

/// Indexes of fewer conversations than this are searched on one thread.
const PARALLEL_SEARCH_DOCS: u64 = 200_000;

/// Search threads at most (a workstation's cores; more gain little over tens of segments).
const MAX_SEARCH_THREADS: usize = 16;

/// The index's writer (tantivy's lock keeps a second one out, with an error that says so).
fn open_writer(index: &Index, settings: WriterSettings) -> Result<tantivy::IndexWriter> {
    let threads = settings.resolved_threads();
    // tantivy needs at least ~15 MB per thread.
    let memory = settings.memory_bytes.max(threads * (16 << 20));
    index
        .writer_with_num_threads(threads, memory)
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => {
                anyhow::anyhow!("another process is writing to this index (is an import running?)")
            }
            other => anyhow::Error::new(other).context("cannot open the index writer"),
        })
}

/// Whether `query` reads postings enough to be worth the search threads ([`ON_DEMAND_POSTINGS`]);
/// `doc_freq` counts a word's documents. A query that names no word, or a word whose count
/// cannot be read, is taken to read everything.
fn worth_threads(
    query: &dyn tantivy::query::Query,
    doc_freq: &dyn Fn(&tantivy::Term) -> tantivy::Result<u64>,
) -> bool {
    let mut postings = 0u64;
    let mut words = 0usize;
    let mut failed = false;
    query.query_terms(&mut |term, positions| {
        words += 1;
        // Once the answer is known, a pattern's thousands of words are not looked up.
        if failed || postings >= ON_DEMAND_POSTINGS {
            return;
        }
        match doc_freq(term) {
            Ok(n) => {
                postings = postings.saturating_add(if positions { n.saturating_mul(4) } else { n })
            }
            Err(_) => failed = true,
        }
    });
    words == 0 || failed || postings >= ON_DEMAND_POSTINGS
}

/// Whether indexes opened from now start their search threads only for a heavy query.
static THREADS_ON_DEMAND: AtomicBool = AtomicBool::new(false);

/// For a process that runs one query or a few (a quick command): a large index opened after
/// this starts its search threads when a query's postings are enough to keep them busy
/// ([`ConvIndex::threads_for`]), instead of before its reader opens. Starting them costs a
/// quick search of a million conversations about a fifth of a millisecond, and a light
/// query (a rare word) is answered before they would have taken their share.
pub fn search_threads_on_demand() {
    THREADS_ON_DEMAND.store(true, Ordering::Relaxed);
}

/// Decompressed blocks of stored conversations each segment keeps (see
/// [`read_each_conversation_once`]).
static DOC_STORE_CACHE_BLOCKS: AtomicUsize = AtomicUsize::new(100);

/// For a process that reads each stored conversation at most once (a quick command's page of
/// hits): indexes opened after this keep only the last decompressed block, so each block's
/// memory is freed and reused for the next instead of held, and a page of twenty hits does not
/// fault in twenty fresh blocks of memory. Conversations read in index order (a long listing)
/// still decompress each block once.
pub fn read_each_conversation_once() {
    DOC_STORE_CACHE_BLOCKS.store(1, Ordering::Relaxed);
}

impl ConvIndex {
    /// Opens the index in `dir`, creating an empty one when there is none.
    pub fn open_or_create(dir: &Path) -> Result<ConvIndex> {
        Self::open_or_create_with(dir, analyzer::TextMode::Standard)
    }

    /// Opens the index in `dir`, creating one that analyses text as `mode` when there is none
    /// (an existing index keeps its own mode: see [`ConvIndex::text_mode`]).
    pub fn open_or_create_with(dir: &Path, mode: analyzer::TextMode) -> Result<ConvIndex> {
        crate::fsutil::create_matter_subdir(dir)?;
        let mmap = MmapDirectory::open(dir)
            .with_context(|| format!("cannot open index directory {}", dir.display()))?;
        let index = if Index::exists(&mmap).unwrap_or(false) {
            Index::open(mmap).with_context(|| format!("cannot open index {}", dir.display()))?
        } else {
            let (schema, _) = schema::build_with(mode);
            Index::create(mmap, schema, tantivy::IndexSettings::default())
                .with_context(|| format!("cannot create index in {}", dir.display()))?
        };
        Self::from_index(index)
    }

    /// Creates an index in `dir` whose text fields use the analyzer registered as `analyzer`
    /// (for benchmarks: an index of an older analyzer, written the same way).
    pub fn create_with_analyzer(dir: &Path, analyzer: &str) -> Result<ConvIndex> {
        let (schema, _) = schema::build_named(analyzer);
        let mmap = MmapDirectory::open(dir)
            .with_context(|| format!("cannot open index directory {}", dir.display()))?;
        let index = Index::create(mmap, schema, tantivy::IndexSettings::default())
            .with_context(|| format!("cannot create index in {}", dir.display()))?;
        Self::from_index(index)
    }

    /// Opens an existing index read-only; an absent index is an error.
    pub fn open(dir: &Path) -> Result<ConvIndex> {
        Self::open_sized(dir, None)
    }

    /// As [`ConvIndex::open`]; `docs` is how many conversations the index is expected to
    /// hold, when known (see [`ConvIndex::from_index`]).
    fn open_sized(dir: &Path, docs: Option<u64>) -> Result<ConvIndex> {
        if !dir.join("meta.json").exists() {
            bail!(
                "no conversations have been imported into this matter yet (no index at {}); run `verbatim import FILE` first",
                dir.display()
            );
        }
        let index = Index::open_in_dir(dir)
            .with_context(|| format!("cannot open index {}", dir.display()))?;
        Self::from_index_sized(index, docs)
    }

    /// Opens the index of a matter from its index directories: one, or a sharded matter's
    /// shards read as one index ([`shard_union`]).
    /// The conversations of `matter`: its index, or its shards read as one once each has
    /// been checked to belong to it.
    pub fn open_matter(matter: &crate::matter::Matter) -> Result<ConvIndex> {
        matter.check_shards()?;
        // The matter's record of its imports says how large the index is before it is read
        // (an archive's record counts its members again: a hint that errs large only starts
        // search threads a smaller index would not need).
        let imported = matter
            .meta
            .sources
            .iter()
            .fold(0u64, |n, s| n.saturating_add(s.imported));
        ConvIndex::open_all_sized(&matter.index_dirs(), Some(imported))
    }

    pub fn open_all(dirs: &[std::path::PathBuf]) -> Result<ConvIndex> {
        Self::open_all_sized(dirs, None)
    }

    fn open_all_sized(dirs: &[std::path::PathBuf], docs: Option<u64>) -> Result<ConvIndex> {
        match dirs {
            [one] => Self::open_sized(one, docs),
            many => {
                let union = shard_union::ShardUnion::open(many)?;
                let index = Index::open(union).context("cannot open the shards as one index")?;
                Self::from_index_sized(index, docs)
            }
        }
    }

    /// Creates an empty index in `dir` with the schema (fields and analyzers) of `like`.
    pub fn create_like(dir: &Path, like: &ConvIndex) -> Result<ConvIndex> {
        crate::fsutil::create_matter_subdir(dir)?;
        let mmap = MmapDirectory::open(dir)
            .with_context(|| format!("cannot open index directory {}", dir.display()))?;
        let index = Index::create(mmap, like.index.schema(), tantivy::IndexSettings::default())
            .with_context(|| format!("cannot create index in {}", dir.display()))?;
        Self::from_index(index)
    }

    fn from_index(index: Index) -> Result<ConvIndex> {
        Self::from_index_sized(index, None)
    }

    /// `docs`: the conversations the index is expected to hold. When that is enough for
    /// searches on every core, the threads are set up before the reader is opened; otherwise
    /// the reader's count decides, and a large index is opened a second time with them.
    fn from_index_sized(mut index: Index, docs: Option<u64>) -> Result<ConvIndex> {
        analyzer::register(&index);
        let fields = Fields::from_schema(&index.schema()).context(
            "the index does not have the expected fields; it was built by an incompatible version",
        )?;
        let open_reader = |index: &Index| -> Result<IndexReader> {
            index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .doc_store_cache_num_blocks(DOC_STORE_CACHE_BLOCKS.load(Ordering::Relaxed))
                .try_into()
                .context("cannot open an index reader")
        };
        // Searches run over the segments on every core: a heavy query (a phrase of common
        // words over ten million conversations) is bound by one core's speed otherwise. A
        // small index answers before threads would start and hand work over.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = |index: &mut Index| -> Result<()> {
            if cores > 1 {
                index
                    .set_multithread_executor(cores.min(MAX_SEARCH_THREADS))
                    .context("cannot start the search threads")?;
            }
            Ok(())
        };
        let on_demand = THREADS_ON_DEMAND.load(Ordering::Relaxed);
        let expected_large = docs.is_some_and(|d| d >= PARALLEL_SEARCH_DOCS);
        if expected_large && !on_demand {
            threads(&mut index)?;
        }
        let mut reader = open_reader(&index)?;
        // Without a count beforehand, the reader's decides (reading the index's metadata again
        // costs a quick command more than a second reader costs a large index).
        let docs: u64 = reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum();
        let large = docs >= PARALLEL_SEARCH_DOCS && cores > 1;
        let on_demand = (on_demand && large).then(|| {
            std::sync::Arc::new(OnDemandThreads {
                threads: cores.min(MAX_SEARCH_THREADS),
                executor: std::sync::OnceLock::new(),
            })
        });
        if on_demand.is_none() && !expected_large && large {
            threads(&mut index)?;
            // The searchers carry the index they were opened from, executor and all.
            reader = open_reader(&index)?;
        }
        let mode = text_mode_of(&index.schema(), fields.assistant);
        Ok(ConvIndex {
            index,
            fields,
            reader,
            mode,
            on_demand,
        })
    }

    /// The search threads to run `query` on, when this index starts them on demand and the
    /// query reads enough postings to use them: the sum of its words' document counts, a
    /// word whose positions are read counted four times. A query that names no word (a
    /// wildcard, a range, a filter alone) may read anything, so it gets them.
    pub fn threads_for(
        &self,
        searcher: &Searcher,
        query: &dyn tantivy::query::Query,
    ) -> Result<Option<tantivy::Executor>> {
        let Some(od) = &self.on_demand else {
            return Ok(None);
        };
        if !worth_threads(query, &|t| searcher.doc_freq(t)) {
            return Ok(None);
        }
        if let Some(e) = od.executor.get() {
            return Ok(Some(e.clone()));
        }
        let e = tantivy::Executor::multi_thread(od.threads, "search-")
            .context("cannot start the search threads")?;
        Ok(Some(od.executor.get_or_init(|| e).clone()))
    }

    /// How this index's text was analysed (`import --compat`).
    pub fn text_mode(&self) -> analyzer::TextMode {
        self.mode.0
    }

    /// The analyzer this index's text fields record.
    pub fn analyzer_name(&self) -> String {
        analyzer_of(&self.index.schema(), self.fields.assistant).to_string()
    }

    /// Whether sentence, paragraph and message boundaries are indexed (indexes built before
    /// they were have none).
    pub fn has_boundaries(&self) -> bool {
        self.mode.1
    }

    /// A searcher over the last commit.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Makes the latest commit visible to `searcher()`.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().context("cannot reload the index")
    }

    /// The payload stored with the last commit (import progress).
    pub fn commit_payload(&self) -> Result<Option<String>> {
        Ok(self
            .index
            .load_metas()
            .context("cannot read index metadata")?
            .payload)
    }

    pub fn writer(&self, settings: WriterSettings) -> Result<tantivy::IndexWriter> {
        let writer = open_writer(&self.index, settings)?;
        // Segments stop growing by merges at this size, so merge memory and time stay
        // bounded whatever the production's size; searches over a few dozen segments stay fast.
        // Tests set a small size to have segments the policy leaves alone without importing
        // hundreds of thousands of conversations.
        let target_docs = std::env::var("VERBATIM_TEST_SEGMENT_DOCS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(MAX_MERGED_DOCS as u32);
        writer.set_merge_policy(Box::new(merge::BoundedMergePolicy {
            target_docs,
            ..Default::default()
        }));
        Ok(writer)
    }

    /// Loads the stored conversation of a document.
    pub fn load(&self, searcher: &Searcher, addr: DocAddress) -> Result<Conversation> {
        let doc: TantivyDocument = searcher.doc(addr).context("cannot read stored document")?;
        document::conversation_of(&doc, &self.fields)
    }

    /// The address of every live document of `searcher`, segment by segment.
    pub fn doc_addresses(searcher: &Searcher) -> Vec<DocAddress> {
        searcher
            .segment_readers()
            .iter()
            .enumerate()
            .flat_map(|(s, seg)| {
                seg.doc_ids_alive()
                    .map(move |d| DocAddress::new(s as u32, d))
            })
            .collect()
    }

    /// Number of conversations in the last commit.
    pub fn num_docs(&self) -> u64 {
        self.searcher().num_docs()
    }
}

/// The text mode of an index from the analyzer its text fields record, and whether it holds
/// boundary marks.
pub fn text_mode_of(
    schema: &tantivy::schema::Schema,
    field: tantivy::schema::Field,
) -> (analyzer::TextMode, bool) {
    analyzer::TextMode::of_analyzer(analyzer_of(schema, field))
}

/// The name of the analyzer a field records ("" for a field that is not analysed text).
pub fn analyzer_of(schema: &tantivy::schema::Schema, field: tantivy::schema::Field) -> &str {
    match schema.get_field_entry(field).field_type() {
        tantivy::schema::FieldType::Str(o) => o
            .get_indexing_options()
            .map(|i| i.tokenizer())
            .unwrap_or_default(),
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::Term;
    use tantivy::query::{AllQuery, BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption};

    fn term(w: &str) -> Term {
        Term::from_field_text(Field::from_field_id(0), w)
    }

    /// Document counts of a made-up index: `rare` in 10, `common` in 30,000, `every` in
    /// 900,000; `broken` cannot be read.
    fn doc_freq(t: &Term) -> tantivy::Result<u64> {
        match t.value().as_str() {
            Some("rare") => Ok(10),
            Some("common") => Ok(30_000),
            Some("every") => Ok(900_000),
            _ => Err(tantivy::TantivyError::InternalError("unreadable".into())),
        }
    }

    fn word(w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(term(w), IndexRecordOption::WithFreqs))
    }

    #[test]
    fn only_a_query_that_reads_many_postings_starts_the_search_threads() {
        let worth = |q: &dyn Query| worth_threads(q, &doc_freq);
        assert!(!worth(&*word("rare")));
        assert!(!worth(&*word("common")));
        assert!(worth(&*word("every")));
        // The postings of every word are summed.
        let both = BooleanQuery::new(vec![
            (Occur::Should, word("common")),
            (Occur::Should, word("common")),
        ]);
        assert!(worth(&both));
        // Positions are read too: a phrase weighs four times its words.
        let phrase = PhraseQuery::new(vec![term("rare"), term("common")]);
        assert!(worth(&phrase));
        // A proximity query names its words the same way.
        let near = crate::query::proximity::SpanQuery {
            field: Field::from_field_id(0),
            expr: crate::query::span::SpanExpr::Phrase(vec![0, 1]),
            leaf_terms: vec![vec![term("rare")], vec![term("common")]],
            budget: Default::default(),
            part: "rare w/5 common".into(),
        };
        assert!(worth(&near));
        let light = crate::query::proximity::SpanQuery {
            leaf_terms: vec![vec![term("rare")], vec![term("rare")]],
            ..near
        };
        assert!(!worth(&light));
        // An excluded clause, read whole into a bit set, names its words too.
        let excluded = crate::query::materialized::Materialized(word("every"));
        assert!(worth(&excluded));
        // Once the sum is reached, the remaining words are not looked up.
        let looked = std::cell::Cell::new(0);
        let counting = |t: &Term| {
            looked.set(looked.get() + 1);
            doc_freq(t)
        };
        let many = BooleanQuery::new(
            std::iter::once(word("every"))
                .chain((0..1000).map(|_| word("rare")))
                .map(|q| (Occur::Should, q))
                .collect(),
        );
        assert!(worth_threads(&many, &counting));
        assert_eq!(looked.get(), 1);
        // No word named (a filter, a wildcard), or a count not read: anything may be read.
        assert!(worth(&AllQuery));
        assert!(worth(&*word("broken")));
    }
}
