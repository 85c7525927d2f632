//! A merge policy that never builds a segment past a fixed size. Small segments (one per
//! indexing flush) are merged in groups up to the target; big segments are left alone. Merge
//! memory, merge time and the pages a merge reads stay bounded however large the production.

use tantivy::SegmentMeta;
use tantivy::indexer::{MergeCandidate, MergePolicy};

#[derive(Debug, Clone)]
pub struct BoundedMergePolicy {
    /// No merge produces more documents than this.
    pub target_docs: u32,
    /// A merge needs at least this many segments (avoids merging the same data over and over).
    pub min_segments: usize,
}

impl Default for BoundedMergePolicy {
    fn default() -> Self {
        BoundedMergePolicy {
            target_docs: 200_000,
            min_segments: 4,
        }
    }
}

impl MergePolicy for BoundedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut small: Vec<&SegmentMeta> = segments
            .iter()
            .filter(|s| s.num_docs() < self.target_docs / 2)
            .collect();
        small.sort_by_key(|s| s.num_docs());
        let mut out = Vec::new();
        let mut group = Vec::new();
        let mut docs = 0u32;
        for s in small {
            if docs + s.num_docs() > self.target_docs {
                if group.len() >= self.min_segments {
                    out.push(MergeCandidate(std::mem::take(&mut group)));
                }
                group.clear();
                docs = 0;
            }
            group.push(s.id());
            docs += s.num_docs();
        }
        if group.len() >= self.min_segments {
            out.push(MergeCandidate(group));
        }
        out
    }
}
