//! The article side: every article's normalised tokens, and a sorted table of sampled word
//! k-gram hashes pointing back into them. With k-grams of K words sampled every STRIDE
//! positions, every copied run of at least K + STRIDE - 1 words contains a sampled k-gram, so
//! it is found; k-grams found in many articles (boilerplate) are dropped. The k-grams are only
//! candidates: the matcher confirms each and aligns around it.

use super::normalize::{self, Token};
use crate::articles::Article;

/// Words per k-gram: short, so that a copy with a changed word every 8 words still holds
/// untouched stretches long enough to seed it.
pub const K: usize = 5;
/// Sampling stride on the article side: runs of K + STRIDE - 1 = 9 words are always found,
/// and a 120-word copy has many chances to be. (1.6 times the entries of 8-grams every 8.)
pub const STRIDE: usize = 5;

/// One sampled k-gram of one article.
#[derive(Debug, Clone, Copy)]
struct Entry {
    kgram: u64,
    article: u32,
    pos: u32,
}

pub struct ArticleTable {
    pub ids: Vec<String>,
    pub texts: Vec<String>,
    pub tokens: Vec<Vec<Token>>,
    entries: Vec<Entry>,
    /// Start of each run of entries sharing the top BUCKET_BITS bits of the k-gram hash:
    /// a lookup searches one small bucket instead of the whole table.
    buckets: Vec<u32>,
    /// K-grams dropped because too many articles share them.
    pub boilerplate_dropped: u64,
}

/// Bits of the k-gram hash that pick a bucket (4 MiB of offsets).
const BUCKET_BITS: u32 = 20;

/// Hash of K consecutive token hashes.
pub fn kgram(tokens: &[Token]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for t in tokens {
        h = (h ^ t.hash).wrapping_mul(0x100000001b3).rotate_left(17);
    }
    h
}

impl ArticleTable {
    /// Builds the table; k-grams present in more than `max_df` articles are dropped.
    pub fn build(articles: Vec<Article>, max_df: usize) -> ArticleTable {
        let mut ids = Vec::with_capacity(articles.len());
        let mut texts = Vec::with_capacity(articles.len());
        let mut tokens = Vec::with_capacity(articles.len());
        let mut entries = Vec::new();
        for (a, art) in articles.into_iter().enumerate() {
            let toks = normalize::tokens(&art.text);
            if toks.len() >= K {
                let mut pos = 0;
                while pos + K <= toks.len() {
                    entries.push(Entry {
                        kgram: kgram(&toks[pos..pos + K]),
                        article: a as u32,
                        pos: pos as u32,
                    });
                    pos += STRIDE;
                }
            }
            ids.push(art.id);
            texts.push(art.text);
            tokens.push(toks);
        }
        entries.sort_unstable_by_key(|e| (e.kgram, e.article, e.pos));
        // Drop boilerplate: k-grams shared by more than max_df distinct articles.
        let mut kept = Vec::with_capacity(entries.len());
        let mut dropped = 0u64;
        let mut i = 0;
        while i < entries.len() {
            let mut j = i;
            let mut distinct = 0;
            let mut last = u32::MAX;
            while j < entries.len() && entries[j].kgram == entries[i].kgram {
                if entries[j].article != last {
                    distinct += 1;
                    last = entries[j].article;
                }
                j += 1;
            }
            if distinct <= max_df {
                kept.extend_from_slice(&entries[i..j]);
            } else {
                dropped += (j - i) as u64;
            }
            i = j;
        }
        kept.shrink_to_fit();
        let mut buckets = vec![0u32; (1 << BUCKET_BITS) + 1];
        for e in &kept {
            buckets[(e.kgram >> (64 - BUCKET_BITS)) as usize + 1] += 1;
        }
        for i in 1..buckets.len() {
            buckets[i] += buckets[i - 1];
        }
        ArticleTable {
            ids,
            texts,
            tokens,
            entries: kept,
            buckets,
            boilerplate_dropped: dropped,
        }
    }

    /// (article, position) of every sampled occurrence of `kg`.
    pub fn lookup(&self, kg: u64) -> impl Iterator<Item = (u32, u32)> + '_ {
        let b = (kg >> (64 - BUCKET_BITS)) as usize;
        let bucket = &self.entries[self.buckets[b] as usize..self.buckets[b + 1] as usize];
        let from = bucket.partition_point(|e| e.kgram < kg);
        bucket[from..]
            .iter()
            .take_while(move |e| e.kgram == kg)
            .map(|e| (e.article, e.pos))
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Bytes held by the k-gram table itself (entries and bucket offsets).
    pub fn table_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>() + self.buckets.len() * 4
    }

    /// Bytes held by the article tokens.
    pub fn token_bytes(&self) -> usize {
        self.tokens
            .iter()
            .map(|t| t.capacity() * std::mem::size_of::<Token>())
            .sum()
    }
}
