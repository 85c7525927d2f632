//! Duplicate conversation ids. An exact repeat (same id, same content) is kept once; an id
//! seen again with different content is kept under a derived id (`ID#2`, `ID#3`, ...), never
//! dropped. The table is rebuilt from the index's fast fields, so it always agrees with the
//! last commit.

use std::collections::HashMap;

use anyhow::{Context, Result};
use xxhash_rust::xxh3::Xxh3;

use crate::index::ConvIndex;
use crate::model::Conversation;

/// What to do with an incoming conversation.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// New: index it under this id.
    New(String),
    /// Its id was taken by different content: index it under a derived id.
    Renamed(String),
    /// Already present with identical content.
    Duplicate,
}

#[derive(Default)]
pub struct DedupeTable {
    /// Content hash of the first conversation seen per id hash.
    first: HashMap<u64, u64>,
    /// Content hashes of every further variant, for the rare ids that have several.
    more: HashMap<u64, Vec<u64>>,
}

pub fn id_hash(id: &str) -> u64 {
    crate::hashing::xxh3(id.as_bytes())
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

impl DedupeTable {
    /// Loads the table from every committed document.
    pub fn from_index(index: &ConvIndex) -> Result<DedupeTable> {
        let mut t = DedupeTable::default();
        let searcher = index.searcher();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let ids = ff.u64("id_hash").context("index has no id_hash column")?;
            let contents = ff
                .u64("content_hash")
                .context("index has no content_hash column")?;
            for doc in 0..seg.max_doc() {
                if let (Some(i), Some(c)) = (ids.first(doc), contents.first(doc)) {
                    t.insert(i, c);
                }
            }
        }
        Ok(t)
    }

    fn insert(&mut self, idh: u64, ch: u64) {
        match self.first.get(&idh) {
            None => {
                self.first.insert(idh, ch);
            }
            Some(_) => self.more.entry(idh).or_default().push(ch),
        }
    }

    /// Decides about `conv` (whose source id is `conv.id`) and records it as present.
    pub fn admit(&mut self, id: &str, idh: u64, ch: u64) -> Verdict {
        let Some(&first) = self.first.get(&idh) else {
            self.first.insert(idh, ch);
            return Verdict::New(id.to_string());
        };
        let more = self.more.entry(idh).or_default();
        if first == ch || more.contains(&ch) {
            if more.is_empty() {
                self.more.remove(&idh);
            }
            return Verdict::Duplicate;
        }
        more.push(ch);
        Verdict::Renamed(format!("{id}#{}", more.len() + 1))
    }

    pub fn len(&self) -> usize {
        self.first.len() + self.more.values().map(Vec::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.first.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_repeats_and_clashes() {
        let mut t = DedupeTable::default();
        let h = id_hash("a");
        assert_eq!(t.admit("a", h, 1), Verdict::New("a".into()));
        assert_eq!(t.admit("a", h, 1), Verdict::Duplicate);
        assert_eq!(t.admit("a", h, 2), Verdict::Renamed("a#2".into()));
        assert_eq!(t.admit("a", h, 2), Verdict::Duplicate);
        assert_eq!(t.admit("a", h, 3), Verdict::Renamed("a#3".into()));
        assert_eq!(t.admit("b", id_hash("b"), 1), Verdict::New("b".into()));
        assert_eq!(t.len(), 4);
    }
}
