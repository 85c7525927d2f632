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
        for doc in 0..seg.max_doc() {
            if let (Some(s), Some(k), Some(c)) =
                (sources.first(doc), stored.first(doc), contents.first(doc))
            {
                f(s, k, c);
            }
        }
    }
    Ok(())
}
