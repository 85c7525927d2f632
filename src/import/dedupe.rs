//! Duplicate conversation ids, by the policy of [`crate::idplace`]: an exact repeat is kept
//! once, an id that holds different content gives the newcomer a free derived id. The table is
//! rebuilt from the index's fast fields (source id key, kept id key, content hash), so it always
//! agrees with the last commit.

use anyhow::{Context, Result};
use xxhash_rust::xxh3::Xxh3;

use crate::idplace::IdTable;
use crate::index::ConvIndex;
use crate::model::Conversation;

pub fn id_hash(id: &str) -> u64 {
    crate::idplace::key(id)
}

/// Hash of what makes two records "the same conversation": title, time, model and the
/// messages. Provenance and extra metadata are not part of it.
pub fn content_hash(c: &Conversation) -> u64 {
    let mut h = Xxh3::new();
    let field = |h: &mut Xxh3, s: Option<&str>| {
        let s = s.unwrap_or("");
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(&mut h, c.title.as_deref());
    field(&mut h, c.model.as_deref());
    h.update(
        &c.created
            .map(|t| t.timestamp())
            .unwrap_or(i64::MIN)
            .to_le_bytes(),
    );
    for m in &c.messages {
        h.update(&[m.role as u8]);
        field(&mut h, Some(&m.text));
    }
    h.digest()
}

/// The id table of every committed document (see [`crate::idplace`] for the policy).
pub fn table_from_index(index: &ConvIndex) -> Result<IdTable> {
    let mut t = IdTable::default();
    each_id_row(index, |s, k, c| t.record(s, k, c))?;
    Ok(t)
}

/// The rows of [`table_from_index`] (source id key, kept id key, content hash), in the index's
/// order: what a shard on a cluster sends the import.
pub fn id_rows(index: &ConvIndex) -> Result<Vec<(u64, u64, u64)>> {
    let mut rows = Vec::new();
    each_id_row(index, |s, k, c| rows.push((s, k, c)))?;
    Ok(rows)
}

fn each_id_row(index: &ConvIndex, mut f: impl FnMut(u64, u64, u64)) -> Result<()> {
    let searcher = index.searcher();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let column = |name: &str| {
            ff.u64(name)
                .with_context(|| format!("index has no {name} column"))
        };
        let (sources, stored, contents) = (
            column("id_hash")?,
            column("id_key")?,
            column("content_hash")?,
        );
        // A conversation deleted (what an interrupted sharded import had committed past the
        // others) is not in the matter: its record, read again, is imported again.
        let alive = seg.alive_bitset();
        for doc in 0..seg.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if let (Some(s), Some(k), Some(c)) =
                (sources.first(doc), stored.first(doc), contents.first(doc))
            {
                f(s, k, c);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{WriterSettings, document};
    use crate::model::{Message, Role, SourceRef};

    fn conv(id: &str) -> Conversation {
        Conversation {
            id: id.into(),
            source: SourceRef {
                file: "f".into(),
                record: 1,
            },
            title: None,
            created: None,
            model: None,
            language: None,
            messages: vec![Message {
                index: 0,
                role: Role::User,
                author: None,
                created: None,
                text: format!("text of {id}"),
            }],
            metadata: Default::default(),
            family: None,
        }
    }

    /// Conversations deleted after a commit (what a sharded import committed past the other
    /// shards) leave the id table, even inside a merged segment: read again, they are
    /// imported again rather than taken for duplicates.
    #[test]
    fn deleted_conversations_leave_the_id_table() {
        let dir = tempfile::tempdir().unwrap();
        let index = ConvIndex::open_or_create_with(dir.path(), Default::default()).unwrap();
        let mut w = index
            .writer(WriterSettings {
                threads: 1,
                memory_bytes: 32 << 20,
            })
            .unwrap();
        for ord in 0..6u64 {
            let c = conv(&format!("c{ord}"));
            let doc =
                document::build(&c, &index.fields, ord, id_hash(&c.id), content_hash(&c)).unwrap();
            w.add_document(doc).unwrap();
            // Two segments, merged into one below.
            if ord == 2 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        index.reload().unwrap();
        assert_eq!(index.searcher().segment_readers().len(), 2);
        let segments = index.index.searchable_segment_ids().unwrap();
        w.merge(&segments).wait().unwrap();
        crate::import::delete_from(&mut w, index.fields.ord, 4).unwrap();
        w.commit().unwrap();
        w.wait_merging_threads().unwrap();
        index.reload().unwrap();
        assert_eq!(index.searcher().segment_readers().len(), 1);
        let rows = id_rows(&index).unwrap();
        assert_eq!(rows.len(), 4, "{rows:?}");
        let mut t = table_from_index(&index).unwrap();
        let c5 = conv("c5");
        assert_eq!(
            t.admit("c5", content_hash(&c5)),
            crate::idplace::Placement::New
        );
        let c1 = conv("c1");
        assert_eq!(
            t.admit("c1", content_hash(&c1)),
            crate::idplace::Placement::Duplicate
        );
    }
}
