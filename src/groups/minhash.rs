//! MinHash signatures of word-shingle sets and the banding that finds candidate pairs: 5-word
//! shingles hashed once with XXH3 to 32 bits (two of a unit's few hundred shingles collide
//! with probability about 10^-5, and the store and the cache need half the space), 128 min-hashes from that one hash by multiply-add families,
//! 21 bands of 6 rows. A pair at Jaccard 0.8 shares a band with probability
//! 1 - (1 - 0.8^6)^21 ≈ 0.998; at 0.5, 0.28 (the exact check decides).

use xxhash_rust::xxh3::xxh3_64;

pub const SHINGLE_WORDS: usize = 5;
pub const HASHES: usize = 128;
pub const BANDS: usize = 21;
pub const ROWS: usize = 6;

/// The hashed 5-word shingles of a text (its words as the index splits them), sorted and
/// deduplicated. A text shorter than one shingle is one shingle of all its words. Each word
/// is hashed once; a shingle's hash is the low 32 bits of the hash of its words' hashes.
pub fn shingles(text: &str) -> Vec<u32> {
    let words: Vec<u64> = crate::index::analyzer::tokenize(text)
        .into_iter()
        .map(|t| xxh3_64(t.0.as_bytes()))
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let join = |w: &[u64]| {
        let mut bytes = [0u8; SHINGLE_WORDS * 8];
        for (k, h) in w.iter().enumerate() {
            bytes[k * 8..(k + 1) * 8].copy_from_slice(&h.to_le_bytes());
        }
        xxh3_64(&bytes[..w.len() * 8]) as u32
    };
    let mut out: Vec<u32> = if words.len() < SHINGLE_WORDS {
        vec![join(&words)]
    } else {
        words.windows(SHINGLE_WORDS).map(join).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Multipliers and offsets of the hash family (fixed: signatures are comparable across runs).
fn family() -> &'static [(u64, u64); HASHES] {
    static F: std::sync::OnceLock<[(u64, u64); HASHES]> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let mut f = [(0u64, 0u64); HASHES];
        for (i, slot) in f.iter_mut().enumerate() {
            let a = xxh3_64(format!("verbatim-minhash-a-{i}").as_bytes()) | 1;
            let b = xxh3_64(format!("verbatim-minhash-b-{i}").as_bytes());
            *slot = (a, b);
        }
        f
    })
}

/// The MinHash signature of a shingle set (empty set: all `u64::MAX`).
pub fn signature(shingles: &[u32]) -> [u64; HASHES] {
    let mut sig = [u64::MAX; HASHES];
    for (i, &(a, b)) in family().iter().enumerate() {
        let mut m = u64::MAX;
        for &s in shingles {
            let h = (s as u64).wrapping_mul(a).wrapping_add(b).rotate_left(29);
            m = m.min(h);
        }
        sig[i] = m;
    }
    sig
}

/// The key of band `b` of a signature: 32 bits (a collision only adds a candidate, which the
/// exact check turns away).
pub fn band_key(sig: &[u64; HASHES], b: usize) -> u32 {
    let mut bytes = [0u8; ROWS * 8 + 1];
    bytes[0] = b as u8;
    for (k, v) in sig[b * ROWS..(b + 1) * ROWS].iter().enumerate() {
        bytes[1 + k * 8..1 + (k + 1) * 8].copy_from_slice(&v.to_le_bytes());
    }
    xxh3_64(&bytes) as u32
}

/// Every band key of a shingle set.
pub fn band_keys(shingles: &[u32]) -> [u32; BANDS] {
    let sig = signature(shingles);
    std::array::from_fn(|b| band_key(&sig, b))
}

/// Exact Jaccard similarity of two sorted, deduplicated sets.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (a.len() + b.len() - both) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_estimate_jaccard() {
        let base: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
        let a = shingles(&base.join(" "));
        let mut other = base.clone();
        for w in other.iter_mut().step_by(25) {
            *w = "changed".into();
        }
        let b = shingles(&other.join(" "));
        let exact = jaccard(&a, &b);
        let (sa, sb) = (signature(&a), signature(&b));
        let est = sa.iter().zip(&sb).filter(|(x, y)| x == y).count() as f64 / HASHES as f64;
        assert!((est - exact).abs() < 0.15, "estimate {est} against {exact}");
        assert_eq!(jaccard(&a, &a), 1.0);
        assert!(shingles("").is_empty());
        assert_eq!(shingles("one two").len(), 1);
    }
}
