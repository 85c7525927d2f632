//! The statistics BM25 reads (documents, tokens per field, documents per term), gathered from
//! every shard and summed, so that each shard scores as the whole matter would: the same
//! scores, to the bit, as the shards read as one index.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusStats {
    /// Documents, deleted ones included (as tantivy counts them).
    pub docs: u64,
    /// Tokens per field id (in decimal: JSON keys are strings).
    pub tokens: BTreeMap<String, u64>,
    /// Documents per term ([`term_key`]).
    pub df: BTreeMap<String, u64>,
}

impl CorpusStats {
    /// Adds another shard's statistics.
    pub fn add(&mut self, other: &CorpusStats) {
        self.docs += other.docs;
        for (f, n) in &other.tokens {
            *self.tokens.entry(f.clone()).or_default() += n;
        }
        for (t, n) in &other.df {
            *self.df.entry(t.clone()).or_default() += n;
        }
    }
}

/// A term as the statistics name it: its field id and the hex of its typed value.
pub fn term_key(term: &Term) -> String {
    format!(
        "{}:{}",
        term.field().field_id(),
        hex::encode(term.serialized_value_bytes())
    )
}

impl Bm25StatisticsProvider for CorpusStats {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Ok(self
            .tokens
            .get(&field.field_id().to_string())
            .copied()
            .unwrap_or(0))
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        // A term no shard was asked about is in none of them.
        Ok(self.df.get(&term_key(term)).copied().unwrap_or(0))
    }
}

/// Answers from a shard's searcher and notes what was asked: weighing a query with it gives
/// the statistics the query's scoring needs on that shard.
pub struct Recorder<'a> {
    searcher: &'a Searcher,
    seen: Mutex<CorpusStats>,
}

impl<'a> Recorder<'a> {
    pub fn new(searcher: &'a Searcher) -> Recorder<'a> {
        Recorder {
            searcher,
            seen: Mutex::new(CorpusStats::default()),
        }
    }

    /// What was asked, with this shard's answers.
    pub fn into_stats(self) -> Result<CorpusStats, tantivy::TantivyError> {
        let mut s = self
            .seen
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        s.docs = self.searcher.total_num_docs()?;
        Ok(s)
    }
}

impl Bm25StatisticsProvider for Recorder<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let n = self.searcher.total_num_tokens(field)?;
        if let Ok(mut s) = self.seen.lock() {
            s.tokens.insert(field.field_id().to_string(), n);
        }
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Bm25StatisticsProvider::total_num_docs(self.searcher)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let n = self.searcher.doc_freq(term)?;
        if let Ok(mut s) = self.seen.lock() {
            s.df.insert(term_key(term), n);
        }
        Ok(n)
    }
}
