//! Corpora larger than the news grammar can keep distinct. The grammar writes each article
//! with a global check that no 8-word run repeats, which slows as the corpus fills; past
//! [`GRAMMAR_ARTICLES`] articles the rest are derived from those: article `i` is grammar
//! article `i % B` (its variant `j = i / B`) with every fourth word replaced by a coined word
//! (a capital kept, punctuation kept). Every window of 8 words then holds two coined words,
//! and the coined words at a position differ between any two variants of one article with
//! the same replaced positions, so no 8-word run is shared by two articles except inside the
//! grammar articles' pool quotes. The length, paragraphs, names, numbers and punctuation are
//! the grammar's; the sense is not. Written in parallel batches, streamed.

use std::collections::HashSet;

use chrono::Duration;

use super::articles::Article;

/// Articles written by the grammar itself; the rest of a larger corpus is derived.
pub const GRAMMAR_ARTICLES: u64 = 20_000;

/// Coined words (a power of two, so that an odd step visits them all before repeating).
const COINED: usize = 1 << 16;
const ONSETS: [&str; 16] = [
    "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr",
];
const VOWELS: [&str; 8] = ["a", "e", "i", "o", "u", "ai", "ou", "ea"];
const CODAS: [&str; 4] = ["n", "r", "l", "s"];

/// The coined-word vocabulary, none of which is a word of `base`.
pub fn coined_words(base: &[Article]) -> Vec<String> {
    let mut known: HashSet<String> = HashSet::new();
    for a in base {
        for w in a.text.split(|c: char| !c.is_alphanumeric()) {
            if !w.is_empty() {
                known.insert(w.to_lowercase());
            }
        }
    }
    let mut out = Vec::with_capacity(COINED);
    let mut x: usize = 0;
    while out.len() < COINED {
        // Three syllables and a coda: 16*8 * 16*8 * 16*8 * 4 = 8.4M candidates.
        let mut w = String::with_capacity(10);
        let mut y = x;
        for _ in 0..3 {
            w.push_str(ONSETS[y % 16]);
            y /= 16;
            w.push_str(VOWELS[y % 8]);
            y /= 8;
        }
        w.push_str(CODAS[y % 4]);
        x += 1;
        if !known.contains(&w) {
            out.push(w);
        }
    }
    out
}

fn mix(a: u64, b: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F));
    z ^= z >> 31;
    z = z.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^ (z >> 29)
}

/// `text` with the words at positions `k % 4 == variant % 4` replaced by coined words chosen
/// by (base, position, variant / 4).
fn replace_words(text: &str, base: u64, variant: u64, salt: u64, coined: &[String]) -> String {
    let residue = (variant % 4) as usize;
    let step = (variant / 4) as usize * 40_503; // odd: distinct for each variant / 4 < COINED
    let mut out = String::with_capacity(text.len() + 64);
    let mut k = 0usize;
    let mut rest = text;
    while !rest.is_empty() {
        let ws = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..ws]);
        rest = &rest[ws..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if word.is_empty() {
            continue;
        }
        let has_alnum = word.chars().any(char::is_alphanumeric);
        if has_alnum && k % 4 == residue {
            let lead = word.len()
                - word
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .len();
            let core_end = word
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .len()
                .max(lead);
            let core = &word[lead..core_end];
            let pick = (mix(base ^ salt, k as u64) as usize).wrapping_add(step) % coined.len();
            let c = &coined[pick];
            out.push_str(&word[..lead]);
            if core.chars().next().is_some_and(char::is_uppercase) {
                let mut cs = c.chars();
                if let Some(f) = cs.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(cs.as_str());
                }
            } else {
                out.push_str(c);
            }
            out.push_str(&word[core_end..]);
        } else {
            out.push_str(word);
        }
        if has_alnum {
            k += 1;
        }
    }
    out
}

/// Article number `index` (0-based, at least `base.len()`), derived from `base`.
pub fn derive(base: &[Article], index: u64, coined: &[String]) -> Article {
    let b = index % base.len() as u64;
    let variant = index / base.len() as u64;
    let src = &base[b as usize];
    let mut a = src.clone();
    a.id = format!("art-{:06}", index + 1);
    a.text = replace_words(&src.text, b, variant, 0, coined);
    a.title = replace_words(&src.title, b, variant, 1, coined);
    a.url = match src.url.strip_suffix(".html") {
        Some(stem) => format!("{stem}-v{variant}.html"),
        None => format!("{}-v{variant}", src.url),
    };
    a.published = src.published + Duration::days((variant % 365) as i64);
    // The pool quote was rewritten with the rest: no longer a quote to plant.
    a.quote = None;
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::normalize;
    use std::collections::HashMap;

    #[test]
    fn derived_articles_share_no_run_of_eight_words() {
        let kit = super::super::articles::NewsKit::new().unwrap();
        let pool = super::super::quotes::build_pool(7, 300);
        let mut maker = super::super::articles::ArticleMaker::new(&kit, &pool, 7, 40).unwrap();
        let base: Vec<Article> = (0..40).map(|i| maker.make(i)).collect();
        let coined = coined_words(&base);
        // 40 grammar articles and 60 variants of each.
        let all: Vec<Article> = (0..2_440)
            .map(|i| {
                if i < 40 {
                    base[i as usize].clone()
                } else {
                    derive(&base, i, &coined)
                }
            })
            .collect();
        let mut seen: HashMap<u64, usize> = HashMap::new();
        let mut shared = 0;
        for (n, a) in all.iter().enumerate() {
            let h: Vec<u64> = normalize::tokens(&a.text).iter().map(|t| t.hash).collect();
            let mut own = HashSet::new();
            for w in h.windows(8) {
                let g = crate::detect::table::kgram_of(w.iter().copied());
                if !own.insert(g) {
                    continue;
                }
                if let Some(&other) = seen.get(&g) {
                    // Grammar articles may share a pool quote, by design.
                    if !(n < 40 && other < 40) {
                        shared += 1;
                    }
                } else {
                    seen.insert(g, n);
                }
            }
        }
        assert_eq!(shared, 0);
        // Read like their base: same paragraphs, same number of words.
        let d = &all[1_000];
        let src = &base[1_000 % 40];
        assert_eq!(
            d.text.matches("\n\n").count(),
            src.text.matches("\n\n").count()
        );
        assert_eq!(
            d.text.split_whitespace().count(),
            src.text.split_whitespace().count()
        );
        assert_ne!(d.text, src.text);
        let ids: HashSet<&str> = all.iter().map(|a| a.id.as_str()).collect();
        let urls: HashSet<&str> = all.iter().map(|a| a.url.as_str()).collect();
        assert_eq!((ids.len(), urls.len()), (all.len(), all.len()));
    }
}
