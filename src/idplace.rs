//! Where an incoming item (a conversation, an article) is kept, by id. One policy for both
//! stores: an item whose id is free keeps it; an exact repeat (same id, same content, or the
//! same content already kept for that id under a derived id) is kept once; an id that holds
//! different content gives the newcomer the first free derived id `ID#n` (n ≥ 2). "Free" means
//! no item in the store holds that id, whether it arrived literally (a source id `x#2`) or was
//! derived, in whatever order they come, so ids are always unique.
//!
//! The table holds hashes only (16 bytes an item), so it fits a sample of tens of millions.

use std::collections::HashMap;

/// The key of an id (its xxh3 hash; the index stores the same key as `id_key`).
pub fn key(id: &str) -> u64 {
    crate::hashing::xxh3(id.as_bytes())
}

/// Where an item goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Placement {
    /// Its id is free: kept under it.
    New,
    /// Already kept with the same content.
    Duplicate,
    /// Its id holds different content: kept under this derived id.
    Renamed(String),
}

#[derive(Default)]
pub struct IdTable {
    /// Content hash of the item kept under each id, by id key.
    taken: HashMap<u64, u64>,
    /// For ids whose arrivals were renamed: what they hold, by key of the id they arrived with.
    families: HashMap<u64, Family>,
}

#[derive(Default)]
struct Family {
    /// Contents kept under derived ids of this id.
    contents: Vec<u64>,
    /// The first suffix worth trying.
    next: u32,
}

/// `ID#n` (n ≥ 2, no leading zero) split into `ID` and n.
pub fn split_suffix(id: &str) -> Option<(&str, u32)> {
    let (base, n) = id.rsplit_once('#')?;
    if base.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = n.parse().ok()?;
    (n >= 2).then_some((base, n))
}

impl IdTable {
    /// Records an item already in the store: it arrived as `source` (a key) and is kept under
    /// `stored` (a key) with `content`.
    pub fn record(&mut self, source: u64, stored: u64, content: u64) {
        self.taken.entry(stored).or_insert(content);
        if source != stored {
            let f = self.families.entry(source).or_default();
            f.contents.push(content);
            f.next = f.next.max(f.contents.len() as u32 + 1);
        }
    }

    /// Records an item kept under `stored` when the id it arrived with is not known (a store
    /// that keeps only final ids): a derived-looking id counts as derived from its base.
    pub fn record_stored(&mut self, stored: &str, content: u64) {
        let source = split_suffix(stored).map_or(stored, |(base, _)| base);
        self.record(key(source), key(stored), content);
        if let Some((base, n)) = split_suffix(stored) {
            let f = self.families.entry(key(base)).or_default();
            f.next = f.next.max(n.saturating_add(1));
        }
    }

    /// Where an item arriving as `id` with `content` goes (nothing is recorded).
    pub fn place(&self, id: &str, content: u64) -> Placement {
        let k = key(id);
        let Some(&held) = self.taken.get(&k) else {
            return Placement::New;
        };
        let family = self.families.get(&k);
        if held == content || family.is_some_and(|f| f.contents.contains(&content)) {
            return Placement::Duplicate;
        }
        let mut n = family.map_or(2, |f| f.next.max(2));
        loop {
            let candidate = format!("{id}#{n}");
            if !self.taken.contains_key(&key(&candidate)) {
                return Placement::Renamed(candidate);
            }
            n = n.saturating_add(1);
        }
    }

    /// Places an item and records it where it went.
    pub fn admit(&mut self, id: &str, content: u64) -> Placement {
        let placement = self.place(id, content);
        match &placement {
            Placement::New => self.record(key(id), key(id), content),
            Placement::Renamed(new_id) => self.record(key(id), key(new_id), content),
            Placement::Duplicate => {}
        }
        placement
    }

    /// Items kept.
    pub fn len(&self) -> usize {
        self.taken.len()
    }

    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed(s: &str) -> Placement {
        Placement::Renamed(s.to_string())
    }

    #[test]
    fn exact_repeats_and_clashes() {
        let mut t = IdTable::default();
        assert_eq!(t.admit("a", 1), Placement::New);
        assert_eq!(t.admit("a", 1), Placement::Duplicate);
        assert_eq!(t.admit("a", 2), renamed("a#2"));
        assert_eq!(t.admit("a", 2), Placement::Duplicate);
        assert_eq!(t.admit("a", 3), renamed("a#3"));
        assert_eq!(t.admit("b", 1), Placement::New);
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn a_literal_suffix_before_or_after_keeps_ids_unique() {
        // The literal id first: the derived id skips it.
        let mut t = IdTable::default();
        assert_eq!(t.admit("dup#2", 9), Placement::New);
        assert_eq!(t.admit("dup", 1), Placement::New);
        assert_eq!(t.admit("dup", 2), renamed("dup#3"));
        // The literal id after its derived twin: it is renamed in turn.
        let mut t = IdTable::default();
        assert_eq!(t.admit("dup", 1), Placement::New);
        assert_eq!(t.admit("dup", 2), renamed("dup#2"));
        assert_eq!(t.admit("dup#2", 9), renamed("dup#2#2"));
        assert_eq!(t.admit("dup", 3), renamed("dup#3"));
    }

    #[test]
    fn every_kept_id_is_unique_whatever_the_order() {
        // Ids drawn from a small set with suffixes, contents from a small set: every kept id
        // is distinct, and every (id, content) seen is kept under some id.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200 {
            let mut t = IdTable::default();
            let mut kept = std::collections::HashSet::new();
            for _ in 0..60 {
                let base = ["x", "x#2", "x#3", "x#2#2", "y"][(next() % 5) as usize];
                let content = next() % 6;
                let id = match t.admit(base, content) {
                    Placement::New => base.to_string(),
                    Placement::Renamed(id) => id,
                    Placement::Duplicate => continue,
                };
                assert!(kept.insert(id.clone()), "{id} given twice");
            }
            assert_eq!(kept.len(), t.len());
        }
    }

    #[test]
    fn a_store_of_final_ids_rebuilds_the_same_table() {
        let mut t = IdTable::default();
        t.record_stored("a", 1);
        t.record_stored("a#2", 2);
        assert_eq!(t.place("a", 2), Placement::Duplicate);
        assert_eq!(t.place("a", 3), renamed("a#3"));
        assert_eq!(t.place("a#2", 4), renamed("a#2#2"));
    }
}
