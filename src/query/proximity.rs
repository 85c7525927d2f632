//! A tantivy query for positional matches (phrases with patterns, `w/N`, `pre/N`,
//! `NOT w/N`): candidate documents from the postings' doc lists, then the shared position
//! matcher ([`super::span`]) on each candidate's word positions.

use tantivy::postings::Postings;
use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::budget::{Budget, Exceeded};
use super::span::{self, SpanExpr};

/// Documents where `expr` matches in `field`. `leaf_terms[i]` are the indexed words leaf `i`
/// stands for in this field (none when its scope does not cover the field).
#[derive(Clone, Debug)]
pub struct SpanQuery {
    pub field: Field,
    pub expr: SpanExpr,
    pub leaf_terms: Vec<Vec<Term>>,
    /// What this query may cost, and the query text named when it is over.
    pub budget: Budget,
    pub part: String,
}

impl Query for SpanQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    /// Every word it reads, with positions (what a caller weighs its cost by).
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for t in self.leaf_terms.iter().flatten() {
            visitor(t, true);
        }
    }
}

/// Sorted union of sorted lists.
fn union(lists: Vec<Vec<DocId>>) -> Vec<DocId> {
    let mut all: Vec<DocId> = lists.into_iter().flatten().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Sorted intersection of sorted lists.
fn intersect(mut lists: Vec<Vec<DocId>>) -> Vec<DocId> {
    lists.sort_by_key(Vec::len);
    let mut it = lists.into_iter();
    let Some(mut acc) = it.next() else {
        return Vec::new();
    };
    for l in it {
        acc.retain(|d| l.binary_search(d).is_ok());
        if acc.is_empty() {
            break;
        }
    }
    acc
}

/// Documents that could match: every required leaf occurs.
fn candidates(e: &SpanExpr, leaf_docs: &[Vec<DocId>]) -> Vec<DocId> {
    match e {
        SpanExpr::Phrase(ids) => intersect(
            ids.iter()
                .filter(|i| **i != span::ANY_WORD)
                .map(|i| leaf_docs[*i].clone())
                .collect(),
        ),
        SpanExpr::Or(xs) => union(xs.iter().map(|x| candidates(x, leaf_docs)).collect()),
        SpanExpr::And(xs) => intersect(xs.iter().map(|x| candidates(x, leaf_docs)).collect()),
        SpanExpr::Near {
            left, right, kind, ..
        } => {
            let l = candidates(left, leaf_docs);
            if *kind == super::ast::NearKind::NotWithin {
                l
            } else {
                intersect(vec![l, candidates(right, leaf_docs)])
            }
        }
    }
}

impl SpanQuery {
    /// The matching documents of one segment.
    fn matches(&self, reader: &SegmentReader) -> tantivy::Result<tantivy::BitSet> {
        let max_doc = reader.max_doc();
        let mut bits = tantivy::BitSet::with_max_value(max_doc.max(1));
        let inv = reader.inverted_index(self.field)?;
        let mut meter = self.budget.meter(&self.part);
        let over = |e: Exceeded| tantivy::TantivyError::InternalError(e.to_string());
        let mut leaf_docs = Vec::with_capacity(self.leaf_terms.len());
        let mut leaf_postings = Vec::with_capacity(self.leaf_terms.len());
        for terms in &self.leaf_terms {
            let mut docs = Vec::new();
            let mut postings = Vec::new();
            for t in terms {
                if let Some(mut p) = inv.read_postings(t, IndexRecordOption::Basic)? {
                    let mut d = p.doc();
                    while d != TERMINATED {
                        docs.push(d);
                        d = p.advance();
                    }
                }
                meter.tick(1).map_err(over)?;
                if let Some(p) = inv.read_postings(t, IndexRecordOption::WithFreqsAndPositions)? {
                    postings.push(p);
                }
            }
            docs.sort_unstable();
            docs.dedup();
            leaf_docs.push(docs);
            leaf_postings.push(postings);
        }
        let alive = reader.alive_bitset();
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); self.leaf_terms.len()];
        let mut buf = Vec::new();
        for doc in candidates(&self.expr, &leaf_docs) {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            for (leaf, postings) in leaf_postings.iter_mut().enumerate() {
                let out = &mut positions[leaf];
                out.clear();
                for p in postings.iter_mut() {
                    if p.doc() < doc {
                        p.seek(doc);
                    }
                    if p.doc() == doc {
                        buf.clear();
                        p.positions(&mut buf);
                        out.extend_from_slice(&buf);
                    }
                }
                out.sort_unstable();
                out.dedup();
                meter.tick(1 + out.len() as u64).map_err(over)?;
            }
            if !span::eval(&self.expr, &positions, &mut meter)
                .map_err(over)?
                .is_empty()
            {
                bits.insert(doc);
            }
        }
        meter.flush().map_err(over)?;
        Ok(bits)
    }
}

impl Weight for SpanQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let bits = self.matches(reader)?;
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(bits), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let bits = self.matches(reader)?;
        if doc < reader.max_doc() && bits.contains(doc) {
            Ok(Explanation::new("positional match", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )))
        }
    }
}
