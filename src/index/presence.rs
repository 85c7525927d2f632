//! Which indexed fields hold terms in a searcher's segments. A field that no document of a
//! segment has (no system prompts, no titles) has no postings there; asking tantivy for its
//! inverted index then builds an empty term dictionary, which a query over every text field
//! pays on each segment (and a process first builds the dictionary's automaton). The answer for a segment never changes, so it is kept.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use tantivy::Searcher;
use tantivy::directory::{CompositeFile, Directory};
use tantivy::index::SegmentId;
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

/// The fields with postings of every segment the searcher reads. Each segment's postings file
/// is opened by name (as tantivy names it: the segment's id and `.idx`), so the index's
/// metadata is not read again.
fn segment_fields(searcher: &Searcher) -> Option<Vec<(SegmentId, Vec<Field>)>> {
    let schema = searcher.schema();
    let directory = searcher.index().directory();
    let mut out = Vec::new();
    for reader in searcher.segment_readers() {
        let id = reader.segment_id();
        let name = format!("{}.idx", id.uuid_string());
        let postings = directory.open_read(std::path::Path::new(&name)).ok()?;
        let composite = CompositeFile::open(&postings).ok()?;
        let fields = schema
            .fields()
            .filter(|(_, entry)| entry.is_indexed())
            .map(|(f, _)| f)
            .filter(|f| composite.open_read(*f).is_some_and(|p| has_postings(&p)))
            .collect();
        out.push((id, fields));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// A field no document has is not held, one some document has is, and the segments are
    /// found by name (an unreadable segment would answer yes for both).
    #[test]
    fn a_field_without_postings_is_not_held() {
        let mut b = Schema::builder();
        let said = b.add_text_field("said", TEXT | STORED);
        let never = b.add_text_field("never", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for batch in 0..2 {
            let mut d = TantivyDocument::default();
            d.add_text(said, format!("words of batch {batch}"));
            w.add_document(d).unwrap();
            w.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        assert!(segment_fields(&searcher).is_some());
        assert!(holds(&searcher, said));
        assert!(!holds(&searcher, never));
    }
}
