//! The article side: every article's word hashes, and a sorted table of sampled word k-gram
//! hashes pointing back into them. With k-grams of K words sampled every STRIDE positions,
//! every copied run of at least K + STRIDE - 1 words contains a sampled k-gram, so it is found;
//! k-grams found in many articles (boilerplate) are dropped. The k-grams are only candidates:
//! the matcher confirms each and aligns around it.
//!
//! The table is a handful of flat little-endian arrays, read in place. A small corpus (tests,
//! the benches) builds them in memory with [`ArticleTable::build`]; a matter keeps them on disk
//! and maps them (`store.rs`), so a corpus of millions of articles costs page cache, not heap.

use std::io::Write;
use std::ops::Deref;

use anyhow::{Context, Result};

use super::elicitation::ArticleName;
use super::normalize;
use crate::articles::Article;

/// Words per k-gram: short, so that a copy with a changed word every 8 words still holds
/// untouched stretches long enough to seed it.
pub const K: usize = 5;
/// Sampling stride on the article side: runs of K + STRIDE - 1 = 9 words are always found,
/// and a 120-word copy has many chances to be. (1.6 times the entries of 8-grams every 8.)
pub const STRIDE: usize = 5;

/// Fewest bits of the k-gram hash that pick a bucket (8 MiB of offsets) ...
pub(crate) const MIN_BUCKET_BITS: u32 = 20;
/// ... and most (2 GiB of offsets, for billions of entries).
pub(crate) const MAX_BUCKET_BITS: u32 = 28;

/// Bucket bits for `entries` entries: about 8 a bucket, so that a lookup's binary search
/// stays within a cache line or two however large the corpus.
pub(crate) fn bucket_bits_for(entries: u64) -> u32 {
    let want = (entries / 8).max(1).next_power_of_two().trailing_zeros();
    want.clamp(MIN_BUCKET_BITS, MAX_BUCKET_BITS)
}
/// Bytes of one stored entry: the next 32 bits of the k-gram hash after the bucket's, the
/// article and the word position. 52 bits of hash are compared; the rare false hit is
/// rejected when the matcher confirms the words.
pub(crate) const ENTRY_BYTES: usize = 12;
/// Bytes of one index record: first word, first byte of the article's line in the store.
pub(crate) const INDEX_BYTES: usize = 16;

/// Hash of K consecutive token hashes.
pub fn kgram(tokens: &[normalize::Token]) -> u64 {
    kgram_of(tokens.iter().map(|t| t.hash))
}

/// Hash of K consecutive word hashes.
pub fn kgram_of(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for t in hashes {
        h = (h ^ t).wrapping_mul(0x100000001b3).rotate_left(17);
    }
    h
}

pub(crate) fn bucket_of(kg: u64, bits: u32) -> usize {
    (kg >> (64 - bits)) as usize
}

fn key_of(kg: u64, bits: u32) -> u32 {
    (kg >> (64 - bits - 32)) as u32
}

/// Bytes owned or mapped from a file of the store.
pub(crate) enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[i * 8..i * 8 + 8]);
    u64::from_le_bytes(x)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(x)
}

/// A prefetch of the cache line holding `bytes[at]` (nothing when out of range).
#[inline]
fn prefetch(bytes: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(p) = bytes.get(at) {
        // Safety: a prefetch is a hint that never faults, and the pointer is in bounds.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (p as *const u8).cast::<i8>(),
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (bytes, at);
}

/// The word hashes of one article, read in place.
#[derive(Clone, Copy)]
pub struct Words<'a>(&'a [u8]);

impl Words<'_> {
    pub fn len(&self) -> usize {
        self.0.len() / 8
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, i: usize) -> u64 {
        u64_at(self.0, i)
    }

    pub fn to_vec(&self) -> Vec<u64> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }
}

/// Where the articles' own records (id, title, URL, text) are read from.
pub(crate) enum Texts {
    Owned(Vec<Article>),
    /// The committed bytes of `articles.jsonl`; the index gives each article's line. Records
    /// parsed are kept for the next conversation that copies the same article.
    Mapped(Bytes, RecordCache),
}

/// Parsed records of a mapped store, up to [`RecordCache::BUDGET`] bytes of article text (then
/// emptied and filled again). Scans call it only for articles a conversation copies, so the
/// lock is rarely contended; without it every such conversation parsed the article's JSON
/// again, which held a small corpus's scan to 0.86 of the in-memory table's.
#[derive(Default)]
pub(crate) struct RecordCache {
    inner: std::sync::Mutex<Records>,
}

/// The records kept, and the bytes of text they hold.
type Records = (
    std::collections::HashMap<u32, std::sync::Arc<Cached>>,
    usize,
);

/// A parsed record, and what names it (title and URL words), made when first asked for.
pub struct Cached {
    article: Article,
    name: std::sync::OnceLock<ArticleName>,
}

impl RecordCache {
    const BUDGET: usize = 64 << 20;

    fn get_or_parse(
        &self,
        a: u32,
        parse: impl FnOnce() -> Result<Article>,
    ) -> Result<std::sync::Arc<Cached>> {
        if let Some(r) = self.lock().0.get(&a) {
            return Ok(r.clone());
        }
        let r = std::sync::Arc::new(Cached {
            article: parse()?,
            name: std::sync::OnceLock::new(),
        });
        let mut g = self.lock();
        let size = r.article.text.len() + 256;
        if g.1 + size > Self::BUDGET {
            g.0.clear();
            g.1 = 0;
        }
        g.1 += size;
        g.0.insert(a, r.clone());
        Ok(r)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Records> {
        // A panic elsewhere while the lock was held leaves a valid map: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An article's record: borrowed from a table in memory, shared from a mapped table's cache.
pub enum ArticleRef<'a> {
    Borrowed(&'a Article),
    Shared(std::sync::Arc<Cached>),
}

impl ArticleRef<'_> {
    /// What names the article, for telling requested copies apart: made once per record a
    /// mapped table keeps (every conversation that copies the article asks).
    pub fn name(&self) -> std::borrow::Cow<'_, ArticleName> {
        let make = |a: &Article| ArticleName::new(a.title.as_deref(), a.url.as_deref());
        match self {
            ArticleRef::Borrowed(a) => std::borrow::Cow::Owned(make(a)),
            ArticleRef::Shared(c) => {
                std::borrow::Cow::Borrowed(c.name.get_or_init(|| make(&c.article)))
            }
        }
    }
}

impl Deref for ArticleRef<'_> {
    type Target = Article;

    fn deref(&self) -> &Article {
        match self {
            ArticleRef::Borrowed(a) => a,
            ArticleRef::Shared(c) => &c.article,
        }
    }
}

/// One sampled k-gram of one article, before it is sorted into the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RawEntry {
    pub kgram: u64,
    pub article: u32,
    pub pos: u32,
}

pub(crate) const RAW_BYTES: usize = 16;

impl RawEntry {
    pub fn encode(&self) -> [u8; RAW_BYTES] {
        let mut b = [0u8; RAW_BYTES];
        b[..8].copy_from_slice(&self.kgram.to_le_bytes());
        b[8..12].copy_from_slice(&self.article.to_le_bytes());
        b[12..].copy_from_slice(&self.pos.to_le_bytes());
        b
    }

    pub fn decode(b: &[u8]) -> RawEntry {
        RawEntry {
            kgram: u64_at(b, 0),
            article: u32_at(b, 8),
            pos: u32_at(b, 12),
        }
    }
}

/// The sampled k-grams of one article's words.
pub(crate) fn sample(article: u32, words: &[u64], mut emit: impl FnMut(RawEntry)) {
    let mut pos = 0;
    while pos + K <= words.len() {
        emit(RawEntry {
            kgram: kgram_of(words[pos..pos + K].iter().copied()),
            article,
            pos: pos as u32,
        });
        pos += STRIDE;
    }
}

/// Sorts `entries` (all of the k-grams of some whole buckets) and writes those that at most
/// `max_df` distinct articles share to `out`, counting them per bucket (of `bits` bits) in
/// `counts`. Returns the entries dropped as boilerplate.
pub(crate) fn write_sorted(
    entries: &mut [RawEntry],
    max_df: usize,
    bits: u32,
    out: &mut impl Write,
    counts: &mut [u64],
) -> Result<u64> {
    // Sorted on every core: at millions of articles this is most of the build's last phase.
    rayon::slice::ParallelSliceMut::par_sort_unstable(entries);
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
            for e in &entries[i..j] {
                let mut b = [0u8; ENTRY_BYTES];
                b[..4].copy_from_slice(&key_of(e.kgram, bits).to_le_bytes());
                b[4..8].copy_from_slice(&e.article.to_le_bytes());
                b[8..].copy_from_slice(&e.pos.to_le_bytes());
                out.write_all(&b).context("cannot write the k-gram table")?;
            }
            counts[bucket_of(entries[i].kgram, bits)] += (j - i) as u64;
        } else {
            dropped += (j - i) as u64;
        }
        i = j;
    }
    Ok(dropped)
}

/// Bucket offsets (one more than the buckets, little-endian u64s) from per-bucket counts.
pub(crate) fn write_offsets(counts: &[u64], out: &mut impl Write) -> std::io::Result<()> {
    let mut at = 0u64;
    out.write_all(&at.to_le_bytes())?;
    for c in counts {
        at += c;
        out.write_all(&at.to_le_bytes())?;
    }
    Ok(())
}

pub struct ArticleTable {
    pub(crate) n: usize,
    /// Every article's word hashes, one after another (u64 each).
    pub(crate) words: Bytes,
    /// Per article and one past the last: first word, first byte of its stored line.
    pub(crate) index: Bytes,
    /// Sorted entries (ENTRY_BYTES each), grouped in buckets by the top bits of the hash.
    pub(crate) entries: Bytes,
    /// Start of each bucket's entries (2^bucket_bits + 1 u64s): a lookup searches one small
    /// bucket.
    pub(crate) buckets: Bytes,
    pub(crate) bucket_bits: u32,
    pub(crate) texts: Texts,
    /// Whether lookups are worth prefetching: not when the table fits in the CPU's caches.
    pub(crate) prefetch: bool,
    /// K-grams dropped because too many articles share them.
    pub boilerplate_dropped: u64,
}

impl ArticleTable {
    /// Builds the table in memory; k-grams present in more than `max_df` articles are dropped.
    pub fn build(articles: Vec<Article>, max_df: usize) -> ArticleTable {
        let mut words = Vec::new();
        let mut index = Vec::with_capacity((articles.len() + 1) * INDEX_BYTES);
        let mut raw = Vec::new();
        let mut count = 0u64;
        for (a, art) in articles.iter().enumerate() {
            let hashes: Vec<u64> = normalize::tokens(&art.text)
                .iter()
                .map(|t| t.hash)
                .collect();
            index.extend_from_slice(&count.to_le_bytes());
            index.extend_from_slice(&0u64.to_le_bytes());
            sample(a as u32, &hashes, |e| raw.push(e));
            for h in &hashes {
                words.extend_from_slice(&h.to_le_bytes());
            }
            count += hashes.len() as u64;
        }
        index.extend_from_slice(&count.to_le_bytes());
        index.extend_from_slice(&0u64.to_le_bytes());
        let mut entries = Vec::with_capacity(raw.len() * ENTRY_BYTES);
        let bits = bucket_bits_for(raw.len() as u64);
        let mut counts = vec![0u64; 1 << bits];
        // Writing to a Vec cannot fail.
        let dropped = write_sorted(&mut raw, max_df, bits, &mut entries, &mut counts).unwrap_or(0);
        ArticleTable {
            n: articles.len(),
            words: Bytes::Owned(words),
            index: Bytes::Owned(index),
            entries: Bytes::Owned(entries),
            buckets: {
                let mut b = Vec::with_capacity((counts.len() + 1) * 8);
                // Writing to a Vec cannot fail.
                let _ = write_offsets(&counts, &mut b);
                Bytes::Owned(b)
            },
            bucket_bits: bits,
            prefetch: false,
            texts: Texts::Owned(articles),
            boilerplate_dropped: dropped,
        }
    }

    /// (article, position) of every sampled occurrence of `kg` (and, rarely, of another
    /// k-gram sharing its first 52 bits).
    pub fn lookup(&self, kg: u64) -> impl Iterator<Item = (u32, u32)> + '_ {
        let b = bucket_of(kg, self.bucket_bits);
        let (from, to) = (
            u64_at(&self.buckets, b) as usize,
            u64_at(&self.buckets, b + 1) as usize,
        );
        let e: &[u8] = &self.entries;
        let key = key_of(kg, self.bucket_bits);
        let key_at = move |i: usize| u32_at(e, i * ENTRY_BYTES);
        // First entry of the bucket with a key >= `key`.
        let (mut lo, mut hi) = (from, to);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if key_at(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo..to)
            .take_while(move |&i| key_at(i) == key)
            .map(move |i| {
                let at = i * ENTRY_BYTES;
                (u32_at(e, at + 4), u32_at(e, at + 8))
            })
    }

    /// Asks the CPU to start loading `kg`'s bucket offsets (a hint; no effect on results).
    #[inline]
    pub fn prefetch_bucket(&self, kg: u64) {
        if !self.prefetch {
            return;
        }
        prefetch(&self.buckets, bucket_of(kg, self.bucket_bits) * 8);
    }

    /// Asks the CPU to start loading the first entries of `kg`'s bucket; best after
    /// [`prefetch_bucket`](Self::prefetch_bucket) had time to bring the offsets in.
    #[inline]
    pub fn prefetch_entries(&self, kg: u64) {
        if !self.prefetch {
            return;
        }
        let b = bucket_of(kg, self.bucket_bits);
        let (from, to) = (
            u64_at(&self.buckets, b) as usize,
            u64_at(&self.buckets, b + 1) as usize,
        );
        prefetch(&self.entries, (from + to) / 2 * ENTRY_BYTES);
    }

    /// The word hashes of article `a` (none for a number the table does not hold).
    pub fn words(&self, a: u32) -> Words<'_> {
        let a = a as usize;
        if a >= self.n {
            return Words(&[]);
        }
        let (from, to) = (
            u64_at(&self.index, a * 2) as usize,
            u64_at(&self.index, a * 2 + 2) as usize,
        );
        Words(self.words.get(from * 8..to * 8).unwrap_or(&[]))
    }

    /// Checks that the index and bucket offsets stay inside the files they point into:
    /// `words` words and `corpus_bytes` bytes of records, as the manifest says.
    pub(crate) fn validate(&self, words: u64, corpus_bytes: u64) -> Result<(), String> {
        let records = self.index.len() / INDEX_BYTES;
        if records != self.n + 1 || self.words.len() as u64 != words * 8 {
            return Err("index.bin and words.bin disagree with the manifest".into());
        }
        let (mut word, mut line) = (0u64, 0u64);
        for r in 0..records {
            let (w, l) = (u64_at(&self.index, r * 2), u64_at(&self.index, r * 2 + 1));
            if w < word || l < line || w > words || l > corpus_bytes {
                return Err(format!("index.bin record {r} is out of order"));
            }
            (word, line) = (w, l);
        }
        if (word, line) != (words, corpus_bytes) {
            return Err("index.bin does not end where the corpus ends".into());
        }
        let entries = (self.entries.len() / ENTRY_BYTES) as u64;
        let offsets = self.buckets.len() / 8;
        if offsets != (1usize << self.bucket_bits) + 1 || u64_at(&self.buckets, 0) != 0 {
            return Err("buckets.bin has the wrong size or start".into());
        }
        let mut at = 0u64;
        for b in 1..offsets {
            let x = u64_at(&self.buckets, b);
            if x < at || x > entries {
                return Err(format!("buckets.bin offset {b} is out of order"));
            }
            at = x;
        }
        if at != entries {
            return Err("buckets.bin does not end where the entries end".into());
        }
        Ok(())
    }

    /// The stored record of article `a` (read from the store on demand when mapped).
    pub fn article(&self, a: u32) -> Result<ArticleRef<'_>> {
        match &self.texts {
            Texts::Owned(v) => v
                .get(a as usize)
                .map(ArticleRef::Borrowed)
                .with_context(|| format!("no article number {a}")),
            Texts::Mapped(bytes, cache) => {
                let i = a as usize;
                if i >= self.n {
                    anyhow::bail!("no article number {a}");
                }
                cache
                    .get_or_parse(a, || {
                        let (from, to) = (
                            u64_at(&self.index, i * 2 + 1) as usize,
                            u64_at(&self.index, i * 2 + 3) as usize,
                        );
                        let line = bytes.get(from..to).with_context(|| {
                            format!("article number {a} is past the store's end")
                        })?;
                        serde_json::from_slice(line).with_context(|| {
                            format!(
                                "article number {a} (bytes {from}..{to} of articles.jsonl) is damaged"
                            )
                        })
                    })
                    .map(ArticleRef::Shared)
            }
        }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Bytes of the k-gram table itself (entries and bucket offsets).
    pub fn table_bytes(&self) -> usize {
        self.entries.len() + self.buckets.len()
    }

    /// Bytes of the article word hashes kept for extension.
    pub fn token_bytes(&self) -> usize {
        self.words.len()
    }

    /// Entries in the k-gram table.
    pub fn entries(&self) -> u64 {
        (self.entries.len() / ENTRY_BYTES) as u64
    }
}

#[cfg(test)]
mod record_cache_tests {
    use super::*;

    fn article(id: &str, bytes: usize) -> Article {
        Article {
            id: id.into(),
            title: None,
            url: None,
            published: None,
            section: None,
            text: "x".repeat(bytes),
        }
    }

    /// A record is parsed once while it fits, handed out again unchanged, and the cache never
    /// holds more than its budget: past it, it starts over.
    #[test]
    fn records_are_parsed_once_within_the_budget() {
        let cache = RecordCache::default();
        let mut parsed = 0;
        for _ in 0..3 {
            let r = cache
                .get_or_parse(7, || {
                    parsed += 1;
                    Ok(article("a7", 10))
                })
                .unwrap();
            assert_eq!(r.article.id, "a7");
        }
        assert_eq!(parsed, 1);
        let big = RecordCache::BUDGET / 3;
        for a in 0..10 {
            cache
                .get_or_parse(a + 100, || Ok(article("big", big)))
                .unwrap();
            let held = cache.lock().1;
            assert!(held <= RecordCache::BUDGET, "{held}");
        }
        assert!(cache.lock().0.len() <= 3);
        // A failed parse is an error and leaves nothing behind.
        assert!(cache.get_or_parse(5, || anyhow::bail!("damaged")).is_err());
        assert!(!cache.lock().0.contains_key(&5));
    }
}
