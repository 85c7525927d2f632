//! Which indexed fields hold terms in a searcher's segments. A field that no document of a
//! segment has (no system prompts, no titles) has no postings there; asking tantivy for its
//! inverted index then builds an empty term dictionary, which a query over every text field
//! pays on each segment (and a process first builds the dictionary's automaton). The answer for a segment never changes, so it is kept.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use tantivy::Searcher;
use tantivy::directory::CompositeFile;
use tantivy::index::{SegmentComponent, SegmentId};
use tantivy::schema::Field;

/// Per segment, the fields with postings.
static KNOWN: LazyLock<Mutex<HashMap<SegmentId, Vec<Field>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether some segment of `searcher` holds terms of `field`. When the segment files cannot be
/// read for this, the answer is yes (the query then asks tantivy as it would anyway).
pub fn holds(searcher: &Searcher, field: Field) -> bool {
    let readers = searcher.segment_readers();
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    if readers.iter().any(|r| !known.contains_key(&r.segment_id())) {
        match segment_fields(searcher) {
            Some(found) => known.extend(found),
            None => return true,
        }
    }
    readers.iter().any(|r| {
        known
            .get(&r.segment_id())
            .is_none_or(|fields| fields.contains(&field))
    })
}

/// Whether a field's postings hold any. They start with the field's token count (8 bytes),
/// which a merged segment writes, as 0, even for a field none of its documents has; the
/// length alone tells, without reading a page of the file.
fn has_postings(postings: &tantivy::directory::FileSlice) -> bool {
    use tantivy::HasLen;
    postings.len() > 8
}

/// The fields with postings of every searchable segment of the searcher's index.
fn segment_fields(searcher: &Searcher) -> Option<Vec<(SegmentId, Vec<Field>)>> {
    let schema = searcher.schema();
    let mut out = Vec::new();
    for segment in searcher.index().searchable_segments().ok()? {
        let postings = segment.open_read(SegmentComponent::Postings).ok()?;
        let composite = CompositeFile::open(&postings).ok()?;
        let fields = schema
            .fields()
            .filter(|(_, entry)| entry.is_indexed())
            .map(|(f, _)| f)
            .filter(|f| composite.open_read(*f).is_some_and(|p| has_postings(&p)))
            .collect();
        out.push((segment.id(), fields));
    }
    Some(out)
}
