//! Wraps a query so that each segment's matches are collected into a bit set first. Used for
//! excluded clauses: tantivy's exclusion probes a clause with `seek_danger`, which its phrase
//! scorer does not support for targets behind its current document; a bit set answers any
//! probe correctly.

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TERMINATED};

#[derive(Debug)]
pub struct Materialized(pub Box<dyn Query>);

impl Clone for Materialized {
    fn clone(&self) -> Self {
        Materialized(self.0.box_clone())
    }
}

impl Query for Materialized {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(MaterializedWeight(self.0.weight(scoring)?)))
    }

    /// The wrapped clause's words: its postings are read in full.
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct MaterializedWeight(Box<dyn Weight>);

impl MaterializedWeight {
    fn bits(&self, reader: &SegmentReader) -> tantivy::Result<BitSet> {
        let mut bits = BitSet::with_max_value(reader.max_doc().max(1));
        let mut scorer = self.0.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            bits.insert(doc);
            doc = scorer.advance();
        }
        Ok(bits)
    }
}

impl Weight for MaterializedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            BitSetDocSet::from(self.bits(reader)?),
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}
