//! The reproducible sample draw, algorithm "sha256-bottom-k v1".
//!
//! For each id: key = SHA-256(seed || 0x00 || id), where `seed` is the u64 seed
//! written as its decimal string in ASCII (no sign, no leading zeros, e.g. 42 →
//! the two bytes "42"), 0x00 is one zero byte, and `id` is the id's UTF-8 bytes.
//! Keys compare as big-endian 256-bit numbers (i.e. bytewise). The sample is the
//! `k` ids with the smallest keys, and the review order is ascending key.
//!
//! Why this works: the keys behave as independent uniform numbers, so the
//! bottom k is a simple random sample without replacement (bottom-k / "order
//! sampling"; cf. Cohen & Kaplan 2007), anyone holding the seed and the id list
//! can recompute it, and it does not depend on the order ids arrive in. Any
//! prefix of the review order is itself a simple random sample, so a review that
//! stops early still has a valid (smaller) sample.
//!
//! Ids must be unique; [`population_hash`] rejects duplicates, so hash the
//! population first.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Name and version of the draw algorithm, to record next to the seed.
pub const ALGORITHM: &str = "sha256-bottom-k v1";

/// A draw key: SHA-256 output, ordered as a big-endian number.
pub type Key = [u8; 32];

/// The key of `id` under `seed` (see the module docs for the exact bytes).
pub fn key(seed: u64, id: &str) -> Key {
    finish_key(seed_hasher(seed), id)
}

fn seed_hasher(seed: u64) -> Sha256 {
    let mut h = Sha256::new();
    h.update(seed.to_string().as_bytes());
    h.update([0u8]);
    h
}

fn finish_key(mut prefix: Sha256, id: &str) -> Key {
    prefix.update(id.as_bytes());
    prefix.finalize().into()
}

/// One selected id, with its key in hex (so an auditor can check it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drawn {
    pub id: String,
    pub key: String,
}

#[derive(Debug, PartialEq, Eq)]
struct Entry {
    key: Key,
    id: String,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Ties (only possible for a repeated id) fall back to the id for a total order.
        self.key
            .cmp(&other.key)
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Streaming bottom-k selector: feed every id once with [`BottomK::push`], then
/// [`BottomK::finish`]. Memory is O(k): a max-heap of the k smallest keys so far.
pub struct BottomK {
    seed: u64,
    k: usize,
    prefix: Sha256,
    heap: BinaryHeap<Entry>,
    seen: u64,
}

impl BottomK {
    pub fn new(seed: u64, k: usize) -> Self {
        BottomK {
            seed,
            k,
            prefix: seed_hasher(seed),
            heap: BinaryHeap::with_capacity(k.min(1 << 20) + 1),
            seen: 0,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How many ids have been pushed.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    pub fn push(&mut self, id: &str) {
        self.seen += 1;
        if self.k == 0 {
            return;
        }
        let key = finish_key(self.prefix.clone(), id);
        if self.heap.len() == self.k {
            let top = self.heap.peek().expect("heap is full, so not empty");
            // Cheap reject without allocating the id.
            if (key, id) >= (top.key, top.id.as_str()) {
                return;
            }
            self.heap.pop();
        }
        self.heap.push(Entry {
            key,
            id: id.to_string(),
        });
    }

    /// The sample in review order (ascending key).
    pub fn finish(self) -> Vec<Drawn> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|e| Drawn {
                id: e.id,
                key: hex::encode(e.key),
            })
            .collect()
    }
}

/// Draws `k` ids (all of them if k ≥ the population) in review order.
pub fn draw<I, S>(seed: u64, k: usize, ids: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut d = BottomK::new(seed, k);
    for id in ids {
        d.push(id.as_ref());
    }
    d.finish().into_iter().map(|x| x.id).collect()
}

/// SHA-256 (lowercase hex) of the population: the ids sorted bytewise (UTF-8),
/// each followed by one '\n'. Sorts `ids` in place. Rejects duplicate ids and ids
/// containing '\n' (either would make the hash or the draw ambiguous).
pub fn population_hash(ids: &mut [String]) -> Result<String, String> {
    // String's Ord is bytewise on UTF-8, which is the documented order.
    ids.sort_unstable();
    let mut h = Sha256::new();
    for (i, id) in ids.iter().enumerate() {
        if id.contains('\n') {
            return Err(format!("id {id:?} contains a newline"));
        }
        if i > 0 && ids[i - 1] == *id {
            return Err(format!(
                "id {id:?} appears more than once in the population"
            ));
        }
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    Ok(hex::encode(h.finalize()))
}

/// A fresh seed from the operating system's random source.
pub fn random_seed() -> Result<u64, String> {
    getrandom::u64().map_err(|e| format!("could not read the OS random source: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn population(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("id-{i}")).collect()
    }

    #[test]
    fn key_bytes_are_as_documented() {
        let mut h = Sha256::new();
        h.update(b"42\x00conv-1");
        let want: Key = h.finalize().into();
        assert_eq!(key(42, "conv-1"), want);
    }

    #[test]
    fn deterministic_and_order_independent() {
        let ids = population(1000);
        let a = draw(7, 25, &ids);
        assert_eq!(a, draw(7, 25, &ids));
        let mut rev = ids.clone();
        rev.reverse();
        assert_eq!(a, draw(7, 25, &rev));
        let mut shuffled = ids.clone();
        shuffled.sort_by_key(|s| key(99, s));
        assert_eq!(a, draw(7, 25, &shuffled));
        assert_ne!(a, draw(8, 25, &ids));
        assert_eq!(a.len(), 25);
        // Review order is ascending key, and a smaller k is a prefix of a bigger one.
        let keys: Vec<Key> = a.iter().map(|s| key(7, s)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(draw(7, 10, &ids), a[..10]);
    }

    #[test]
    fn small_k_and_whole_population() {
        let ids = population(30);
        assert!(draw(1, 0, &ids).is_empty());
        let all = draw(1, 30, &ids);
        let mut sorted = all.clone();
        sorted.sort();
        let mut want = ids.clone();
        want.sort();
        assert_eq!(sorted, want);
        assert_eq!(draw(1, 1000, &ids), all);
        assert!(draw(1, 5, Vec::<String>::new()).is_empty());
        let mut d = BottomK::new(3, 0);
        d.push("x");
        assert_eq!(d.seen(), 1);
        assert!(d.finish().is_empty());
    }

    #[test]
    fn uniform_selection() {
        // 100 ids, k = 10, 2000 seeds: each id is expected 200 times. The counts
        // are nearly multinomial, so Σ(o−e)²/e is about χ²(99) (mean 99, sd 14);
        // we allow 170 (5 sd) and each count within 200 ± 60 (~4.5 sd).
        let ids = population(100);
        let mut counts = vec![0u32; 100];
        for seed in 0..2000u64 {
            let mut d = BottomK::new(seed, 10);
            for id in &ids {
                d.push(id);
            }
            for x in d.finish() {
                let i: usize = x.id.trim_start_matches("id-").parse().unwrap();
                counts[i] += 1;
            }
        }
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - 200.0).powi(2) / 200.0)
            .sum();
        assert!(chi2 < 170.0, "chi-square {chi2}");
        assert!(
            counts.iter().all(|&c| (140..=260).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn population_hash_rules() {
        let mut a = vec!["b".to_string(), "a".to_string()];
        let h = population_hash(&mut a).unwrap();
        assert_eq!(a, ["a", "b"]);
        let mut hasher = Sha256::new();
        hasher.update(b"a\nb\n");
        assert_eq!(h, hex::encode(hasher.finalize()));
        assert!(population_hash(&mut ["a".into(), "a".into()]).is_err());
        assert!(population_hash(&mut ["a\nb".into()]).is_err());
    }

    #[test]
    fn random_seeds_differ() {
        assert_ne!(random_seed().unwrap(), random_seed().unwrap());
    }
}
