//! Common grams: a pair of adjacent common words ("said the", "of the") indexed as one more
//! term beside the two words, at the first word's position. A phrase made only of common words
//! otherwise intersects two posting lists that cover most of the matter and checks positions in
//! every shared conversation; its pairs' lists are far shorter. The words themselves are indexed
//! as before, so every other query reads the index as it did.
//!
//! A pair is indexed exactly when its two words stand at consecutive positions, which is what a
//! phrase query tests: a phrase of common words and the same phrase read through its pairs
//! match the same conversations (tests/common_grams.rs checks it on random text).

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::analyzer::MARK;

/// The prefix of a pair's term: a boundary mark, so no text produces it and no pattern
/// expands to it (see `Pattern::matches`).
pub const GRAM_MARK: &str = "\u{1}g";

/// The commonest words of English prose (and of news: "said"), sorted. Part of the index
/// layout: changing the list is a new analyzer version.
pub const COMMON_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "for", "from", "had", "has", "have", "he", "her",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "like", "may", "me",
    "more", "most", "my", "no", "not", "now", "of", "on", "one", "only", "or", "other", "our",
    "out", "over", "said", "she", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "to", "up", "was", "we", "were", "what", "when",
    "which", "who", "will", "with", "would", "you", "your",
];

/// Whether a normalised word is one of [`COMMON_WORDS`].
pub fn is_common(word: &str) -> bool {
    common_id(word).is_some()
}

/// The word's place in [`COMMON_WORDS`]. Looked up for every word indexed, so through a
/// table built at compile time: the word packed into an integer, one multiply, one probe.
fn common_id(word: &str) -> Option<u8> {
    let key = pack(word.as_bytes())?;
    let mut slot = slot_of(key);
    loop {
        match TABLE.0[slot] {
            0 => return None,
            k if k == key => return Some(TABLE.1[slot]),
            _ => slot = (slot + 1) % SLOTS,
        }
    }
}

/// Slots of the lookup table (a power of two, well above the list's length).
const SLOTS: usize = 512;

/// A word of 1 to 5 bytes as one integer: its bytes, and its length in the top byte (so no
/// word packs to 0, the empty slot).
const fn pack(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 5 {
        return None;
    }
    let mut k = (b.len() as u64) << 56;
    let mut i = 0;
    while i < b.len() {
        k |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    Some(k)
}

const fn slot_of(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 55) as usize % SLOTS
}

/// Keys and their places in the list, open addressing with linear probing.
const TABLE: ([u64; SLOTS], [u8; SLOTS]) = {
    let mut keys = [0u64; SLOTS];
    let mut ids = [0u8; SLOTS];
    let mut i = 0;
    while i < COMMON_WORDS.len() {
        let Some(key) = pack(COMMON_WORDS[i].as_bytes()) else {
            panic!("a common word has 1 to 5 bytes");
        };
        let mut slot = slot_of(key);
        while keys[slot] != 0 {
            slot = (slot + 1) % SLOTS;
        }
        keys[slot] = key;
        ids[slot] = i as u8;
        i += 1;
    }
    (keys, ids)
};

/// The term of the pair `first second`.
pub fn gram(first: &str, second: &str) -> String {
    let mut s = String::with_capacity(GRAM_MARK.len() + first.len() + 1 + second.len());
    push_gram(&mut s, first, second);
    s
}

fn push_gram(s: &mut String, first: &str, second: &str) {
    s.push_str(GRAM_MARK);
    s.push_str(first);
    s.push(' ');
    s.push_str(second);
}

/// The terms that find an exact phrase in an index with common grams, each with its offset in
/// the phrase: every pair of adjacent common words becomes its gram, and a word no gram covers
/// stays itself. Pairs may overlap ("one of the": `one of` at 0, `of the` at 1): each is rarer
/// than the word they share. `None` when no two adjacent words are common (the words alone).
pub fn phrase_terms(words: &[&str]) -> Option<Vec<(usize, String)>> {
    let common: Vec<bool> = words.iter().map(|w| is_common(w)).collect();
    let pairs: Vec<usize> = (0..words.len().saturating_sub(1))
        .filter(|&i| common[i] && common[i + 1])
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut covered = vec![false; words.len()];
    let mut out = Vec::new();
    for &i in &pairs {
        covered[i] = true;
        covered[i + 1] = true;
        out.push((i, gram(words[i], words[i + 1])));
    }
    for (i, w) in words.iter().enumerate() {
        if !covered[i] {
            out.push((i, w.to_string()));
        }
    }
    out.sort_by_key(|t| t.0);
    Some(out)
}

/// The filter: after each common word that directly follows another, the pair's term.
#[derive(Clone, Copy)]
pub struct CommonGrams;

impl TokenFilter for CommonGrams {
    type Tokenizer<T: Tokenizer> = CommonGramsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CommonGramsFilter<T> {
        CommonGramsFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CommonGramsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CommonGramsFilter<T> {
    type TokenStream<'a> = CommonGramsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CommonGramsStream {
            tail: self.inner.token_stream(text),
            prev: None,
            gram: Token::default(),
            on_gram: false,
            gram_due: false,
        }
    }
}

pub struct CommonGramsStream<T> {
    tail: T,
    /// The last word, when it was common: its place in the list, position and start.
    prev: Option<(u8, usize, usize)>,
    /// The pair's token, emitted right after its second word.
    gram: Token,
    on_gram: bool,
    gram_due: bool,
}

impl<T: TokenStream> TokenStream for CommonGramsStream<T> {
    fn advance(&mut self) -> bool {
        if self.gram_due {
            self.gram_due = false;
            self.on_gram = true;
            return true;
        }
        self.on_gram = false;
        if !self.tail.advance() {
            return false;
        }
        let t = self.tail.token();
        // Boundary marks share their word's position and break no pair, as they break no
        // phrase.
        if t.text.starts_with(MARK) {
            return true;
        }
        let Some(id) = common_id(&t.text) else {
            self.prev = None;
            return true;
        };
        if let Some((p, at, from)) = self.prev
            && at + 1 == t.position
        {
            let g = &mut self.gram;
            g.text.clear();
            push_gram(&mut g.text, COMMON_WORDS[p as usize], &t.text);
            g.position = at;
            g.position_length = 2;
            g.offset_from = from;
            g.offset_to = t.offset_to;
            self.gram_due = true;
        }
        self.prev = Some((id, t.position, t.offset_from));
        true
    }

    fn token(&self) -> &Token {
        if self.on_gram {
            &self.gram
        } else {
            self.tail.token()
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.on_gram {
            &mut self.gram
        } else {
            self.tail.token_mut()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_lower_case_and_short() {
        assert!(COMMON_WORDS.windows(2).all(|w| w[0] < w[1]));
        for w in COMMON_WORDS {
            assert!(
                w.len() <= 5 && w.bytes().all(|b| b.is_ascii_lowercase()),
                "{w}"
            );
            assert!(is_common(w));
        }
        assert!(!is_common("minister") && !is_common("The") && !is_common(""));
        for w in ["thee", "th", "e", "abouts", "sai", "i\u{0}", "\u{0}"] {
            assert!(!is_common(w), "{w:?}");
        }
    }

    #[test]
    fn a_phrase_reads_through_its_pairs() {
        assert_eq!(phrase_terms(&["climate", "change"]), None);
        assert_eq!(
            phrase_terms(&["said", "the"]),
            Some(vec![(0, gram("said", "the"))])
        );
        assert_eq!(
            phrase_terms(&["one", "of", "the", "best"]),
            Some(vec![
                (0, gram("one", "of")),
                (1, gram("of", "the")),
                (3, "best".to_string())
            ])
        );
        assert_eq!(
            phrase_terms(&["in", "a", "statement"]),
            Some(vec![(0, gram("in", "a")), (2, "statement".to_string())])
        );
    }
}
