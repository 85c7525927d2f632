//! Documents whose conversation id is in a set, tested on the `id_key` column (a hash of the
//! id): one pass over a fast column per segment, whatever the size of the set. Used by the
//! review and finding filters, whose sets can hold millions of conversations.

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{BitSet, DocId, Score, SegmentReader};

#[derive(Clone, Debug)]
pub struct KeySetQuery {
    keys: Arc<HashSet<u64>>,
}

impl KeySetQuery {
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> KeySetQuery {
        KeySetQuery {
            keys: Arc::new(
                ids.into_iter()
                    .map(crate::index::document::id_key)
                    .collect(),
            ),
        }
    }

    fn bits(&self, reader: &SegmentReader) -> tantivy::Result<BitSet> {
        segment_members(reader, self.keys.is_empty(), |k| self.keys.contains(k))
    }
}

/// The documents of `reader`'s segment whose id key is a member (one pass over the `id_key`
/// column; none when the set is `empty`).
pub(super) fn segment_members(
    reader: &SegmentReader,
    empty: bool,
    member: impl Fn(&u64) -> bool,
) -> tantivy::Result<BitSet> {
    let max = reader.max_doc();
    let mut bits = BitSet::with_max_value(max.max(1));
    if empty {
        return Ok(bits);
    }
    let col = reader.fast_fields().u64("id_key")?;
    for doc in 0..max {
        if let Some(k) = col.first(doc)
            && member(&k)
        {
            bits.insert(doc);
        }
    }
    Ok(bits)
}

impl Query for KeySetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for KeySetQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            BitSetDocSet::from(self.bits(reader)?),
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.bits(reader)?.contains(doc) {
            Ok(Explanation::new("conversation in the set", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )))
        }
    }
}
