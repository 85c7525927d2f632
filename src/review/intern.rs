//! Strings stored once and named by a dense number: the conversation ids, tags, reviewers and
//! designations of the review state. A matter coded through at 10M conversations holds each
//! id once, in one buffer, instead of in every record, event and change that mentions it.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// The number of an interned string.
pub type Sym = u32;

/// No string: the `Sym` that marks an absent value in packed records.
pub const NONE: Sym = Sym::MAX;

#[derive(Clone, Default)]
#[allow(clippy::len_without_is_empty)] // a count of names, never tested for none
pub struct Interner {
    /// Every string, one after another.
    bytes: String,
    /// Where each string ends in `bytes` (it starts where the one before ends).
    ends: Vec<usize>,
    table: HashTable<Sym>,
    hasher: DefaultHashBuilder,
}

fn slice<'a>(bytes: &'a str, ends: &[usize], i: Sym) -> &'a str {
    let i = i as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &bytes[start..ends[i]]
}

impl Interner {
    /// The number of `s`, if it was interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        let h = self.hasher.hash_one(s);
        self.table
            .find(h, |&i| slice(&self.bytes, &self.ends, i) == s)
            .copied()
    }

    /// The number of `s`, interning it first if it is new; also whether it is new.
    pub fn intern(&mut self, s: &str) -> (Sym, bool) {
        let h = self.hasher.hash_one(s);
        let Interner {
            bytes,
            ends,
            table,
            hasher,
        } = self;
        if let Some(&i) = table.find(h, |&i| slice(bytes, ends, i) == s) {
            return (i, false);
        }
        // Past four billion distinct strings the numbers would wrap; no journal comes near.
        let i = Sym::try_from(ends.len())
            .ok()
            .filter(|&i| i != NONE)
            .unwrap_or_else(|| panic!("more than {} distinct names in the review", NONE));
        bytes.push_str(s);
        ends.push(bytes.len());
        table.insert_unique(h, i, |&j| hasher.hash_one(slice(bytes, ends, j)));
        (i, true)
    }

    /// The string numbered `i` (which this interner gave out).
    pub fn str(&self, i: Sym) -> &str {
        slice(&self.bytes, &self.ends, i)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Interner({} strings)", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_reads_back() {
        let mut t = Interner::default();
        let words: Vec<String> = (0..5000).map(|i| format!("conv-{i:07}")).collect();
        for (n, w) in words.iter().enumerate() {
            assert_eq!(t.intern(w), (n as Sym, true));
        }
        // The empty string and non-ASCII text are strings like any other.
        let (e, new) = t.intern("");
        assert!(new);
        let (k, _) = t.intern("会話-é");
        for (n, w) in words.iter().enumerate() {
            assert_eq!(t.intern(w), (n as Sym, false));
            assert_eq!(t.get(w), Some(n as Sym));
            assert_eq!(t.str(n as Sym), w);
        }
        assert_eq!(t.str(e), "");
        assert_eq!(t.get(""), Some(e));
        assert_eq!(t.str(k), "会話-é");
        assert_eq!(t.get("conv-9999999"), None);
        assert_eq!(t.len(), 5002);
        let c = t.clone();
        assert_eq!(c.get("会話-é"), Some(k));
    }
}
