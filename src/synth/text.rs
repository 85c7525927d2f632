//! Word-level helpers shared by the generator and its tests: word spans, normalised tokens,
//! shingle hashes and a Bloom filter of shingles.

/// Number of words in a shingle: two texts "share a run" when they share this many
/// consecutive normalised words.
pub const SHINGLE: usize = 8;

/// Byte ranges of the whitespace-separated words of `text` that contain a letter or digit
/// (a lone dash is punctuation, not a word).
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut start = None;
    let mut has_alnum = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take()
                && has_alnum
            {
                out.push((s, i));
            }
            has_alnum = false;
        } else {
            if start.is_none() {
                start = Some(i);
            }
            has_alnum |= c.is_alphanumeric();
        }
    }
    if let Some(s) = start
        && has_alnum
    {
        out.push((s, text.len()));
    }
    out
}

/// Number of words as `word_spans` counts them.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Hash of one word after normalisation (lower case, letters and digits only), or `None` for
/// a token with no letters or digits. FNV-1a: simple, fixed and fast enough here.
pub fn token_hash(word: &str) -> Option<u64> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut any = false;
    for c in word.chars() {
        if c.is_alphanumeric() {
            any = true;
            for l in c.to_lowercase() {
                let mut buf = [0u8; 4];
                for b in l.encode_utf8(&mut buf).bytes() {
                    h ^= b as u64;
                    h = h.wrapping_mul(0x0000_0100_0000_01B3);
                }
            }
        }
    }
    any.then_some(h)
}

/// Hash of the `SHINGLE` tokens ending at `toks[end - 1]`.
pub fn shingle_at(toks: &[u64], end: usize) -> u64 {
    ngram_hash(&toks[end - SHINGLE..end])
}

/// Hash of a run of token hashes.
pub fn ngram_hash(toks: &[u64]) -> u64 {
    let mut h: u64 = 0x2545_F491_4F6C_DD1D;
    for &t in toks {
        h = (h.rotate_left(23) ^ t).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    h ^ (h >> 29)
}

/// Normalised words of a text (for tests and checks that compare text rather than hashes).
pub fn norm_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter_map(|w| {
            let s: String = w
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            (!s.is_empty()).then_some(s)
        })
        .collect()
}

/// A Bloom filter of shingle hashes. It may say "seen" for a shingle never added (which only
/// costs a redrawn sentence) but never the reverse, so what it lets through is truly new.
pub struct Bloom {
    bits: Vec<u64>,
    mask: u64,
}

impl Bloom {
    /// Sized for `expected` items at about 16 bits each.
    pub fn new(expected: usize) -> Bloom {
        let want = (expected.max(1 << 12) * 16).next_power_of_two();
        Bloom {
            bits: vec![0; want / 64],
            mask: want as u64 - 1,
        }
    }

    fn probes(&self, h: u64) -> [u64; 4] {
        let h2 = h.rotate_left(32).wrapping_mul(0xC2B2_AE3D_27D4_EB4F) | 1;
        [
            h & self.mask,
            h.wrapping_add(h2) & self.mask,
            h.wrapping_add(h2.wrapping_mul(2)) & self.mask,
            h.wrapping_add(h2.wrapping_mul(3)) & self.mask,
        ]
    }

    pub fn insert(&mut self, h: u64) {
        for p in self.probes(h) {
            self.bits[(p >> 6) as usize] |= 1 << (p & 63);
        }
    }

    pub fn contains(&self, h: u64) -> bool {
        self.probes(h)
            .iter()
            .all(|&p| self.bits[(p >> 6) as usize] & (1 << (p & 63)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_tokens() {
        let t = "BOSTON — The “plan,” she said.\n\nIt’s 4.5 percent";
        let spans = word_spans(t);
        let words: Vec<&str> = spans.iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(
            words,
            [
                "BOSTON",
                "The",
                "“plan,”",
                "she",
                "said.",
                "It’s",
                "4.5",
                "percent"
            ]
        );
        assert_eq!(count_words(t), 8);
        assert_eq!(norm_words(t)[2], "plan");
        assert_eq!(token_hash("Plan,"), token_hash("“plan”"));
        assert_eq!(token_hash("—"), None);
    }

    #[test]
    fn bloom_has_no_false_negatives() {
        let mut b = Bloom::new(1000);
        for i in 0..5000u64 {
            b.insert(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        for i in 0..5000u64 {
            assert!(b.contains(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        }
    }
}
