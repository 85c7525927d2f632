//! Finding copied text in one assistant message: look up every k-gram of the message, keep
//! the hits that have a second hit of the same article close by (a lone short k-gram is
//! usually a common phrase), confirm each word by word, then align outwards from it over word
//! hashes with an X-drop alignment (matched words gain, changed, dropped or inserted words
//! cost) that follows a near-verbatim copy through its edits and stops where the copy ends, so
//! a copy with a changed word every few words comes out as one span.

use super::normalize::Token;
use super::table::{ArticleTable, K, Words, kgram};

/// Alignment score of a matched word.
const MATCH: i32 = 1;
/// Alignment cost of a changed, dropped or inserted word: a copy keeps growing while more
/// than half its words match.
const EDIT: i32 = -1;
/// The alignment stops once its score falls this far below the best so far: a few edits in a
/// row are bridged (a number written out in words, a short inserted clause), the reply's own
/// text after the copy is not.
const X_DROP: i32 = 6;

/// A seed needs another hit of its article within this many article words ...
const SUPPORT_SPAN: u32 = 60;
/// ... shifted by at most this many words (edits between them).
const SUPPORT_SHIFT: i64 = 8;

/// How many k-grams ahead a lookup's memory is asked for.
const PREFETCH: usize = 16;

/// Fewest matched words of a run kept (as many as the k-grams of earlier versions).
const MIN_RUN: usize = 8;

/// Words that must match exactly after the edits for the alignment to leave the band.
const RESUME: usize = 4;

const NONE: i32 = i32::MIN / 2;

/// A copied stretch: message tokens `[m_start, m_end)` against article tokens
/// `[a_start, a_end)`, with every aligned (message, article) token pair that matched.
#[derive(Debug, Clone)]
pub struct Run {
    pub article: u32,
    pub m_start: usize,
    pub m_end: usize,
    pub a_start: usize,
    pub a_end: usize,
    pub pairs: Vec<(u32, u32)>,
}

impl Run {
    pub fn words(&self) -> usize {
        self.m_end - self.m_start
    }
}

fn eq(m: &[Token], a: Words, i: usize, j: usize) -> bool {
    i < m.len() && j < a.len() && m[i].hash == a.get(j)
}

/// Traceback steps of the alignment.
const DIAG: u8 = 0;
const UP: u8 = 1;
const LEFT: u8 = 2;

/// X-drop alignment of two sequences from their starts (`m(r)`, `a(c)`: the hashes at offset
/// r and c, `mn` and `an` their lengths). Returns the matched (r, c) offsets of the
/// best-scoring alignment in order, the cell it ends at, and whether it stopped there because
/// an exact stretch follows (for the caller to go on). Cells more than X_DROP below the best
/// score are dropped, so the band stays a few cells wide.
fn xdrop(
    mn: usize,
    an: usize,
    m: &impl Fn(usize) -> u64,
    a: &impl Fn(usize) -> u64,
) -> (Vec<(usize, usize)>, (usize, usize), bool) {
    let mut resume = false;
    let mut best = 0;
    let mut best_at = (0usize, 0usize);
    // Row 0: article words skipped before the first message word.
    let width = an.min(X_DROP as usize) + 1;
    let mut prev: Vec<i32> = (0..width as i32).map(|c| c * EDIT).collect();
    // Per row: the first live column and where its steps start in `steps`.
    let mut rows: Vec<(usize, usize)> = vec![(0, 0)];
    let mut steps: Vec<u8> = vec![LEFT; width];
    let mut prev_lo = 0usize;
    let mut cur: Vec<i32> = Vec::new();
    let mut ops: Vec<u8> = Vec::new();
    for r in 1..=mn {
        let prev_hi = prev_lo + prev.len(); // exclusive
        let mh = m(r - 1);
        let at = |c: usize, prev: &[i32]| -> i32 {
            if c >= prev_lo && c < prev_hi {
                prev[c - prev_lo]
            } else {
                NONE
            }
        };
        cur.clear();
        ops.clear();
        let lo = prev_lo;
        let mut c = lo;
        let floor = best - X_DROP;
        loop {
            if c > an {
                break;
            }
            let diag = if c > 0 {
                at(c - 1, &prev) + if mh == a(c - 1) { MATCH } else { EDIT }
            } else {
                NONE
            };
            let up = at(c, &prev) + EDIT;
            let left = if c > lo { cur[c - lo - 1] + EDIT } else { NONE };
            let (mut s, mut op) = (diag, DIAG);
            if up > s {
                (s, op) = (up, UP);
            }
            if left > s {
                (s, op) = (left, LEFT);
            }
            if s < floor {
                s = NONE;
            }
            // Past the previous row's band only a run of skipped article words can reach.
            if c > prev_hi && s == NONE {
                break;
            }
            cur.push(s);
            ops.push(op);
            c += 1;
        }
        // Trim dead cells at both ends of the band.
        let first = cur.iter().position(|&s| s != NONE);
        let Some(first) = first else { break };
        let last = cur.iter().rposition(|&s| s != NONE).unwrap_or(first);
        prev_lo = lo + first;
        prev.clear();
        prev.extend_from_slice(&cur[first..=last]);
        rows.push((prev_lo, steps.len()));
        steps.extend_from_slice(&ops[first..=last]);
        for (k, &s) in cur.iter().enumerate().take(last + 1).skip(first) {
            if s > best {
                best = s;
                best_at = (r, lo + k);
            }
        }
        // Past the edits and back on an exact stretch: the caller follows it word by word,
        // far cheaper than the band.
        let (br, bc) = best_at;
        if br == r && (0..RESUME).all(|k| br + k < mn && bc + k < an && m(br + k) == a(bc + k)) {
            resume = true;
            break;
        }
    }
    // Trace back from the best cell.
    let mut pairs = Vec::new();
    let (mut r, mut c) = best_at;
    while r > 0 || c > 0 {
        let (lo, at) = rows[r];
        match steps[at + c - lo] {
            DIAG => {
                if m(r - 1) == a(c - 1) {
                    pairs.push((r - 1, c - 1));
                }
                r -= 1;
                c -= 1;
            }
            UP => r -= 1,
            _ => c -= 1,
        }
    }
    pairs.reverse();
    (pairs, best_at, resume)
}

/// Exact stretches at least this long are always followed through edits.
const NEAR: usize = 12;
/// Otherwise, of the NEAR message words past the stretch, this many must start a pair of
/// words found together in the article within 3 places of where the copy would put them
/// (single words would be met by chance: "the", "of").
const NEAR_MIN: usize = 2;

/// How many of the NEAR message words from `r0` start a word pair matching the article near
/// `c0` + the same offset.
fn near(
    mn: usize,
    an: usize,
    r0: usize,
    c0: usize,
    m: &impl Fn(usize) -> u64,
    a: &impl Fn(usize) -> u64,
) -> usize {
    (0..NEAR)
        .take_while(|t| r0 + t + 1 < mn)
        .filter(|t| {
            let (h, h2) = (m(r0 + t), m(r0 + t + 1));
            let c = c0 + t;
            (c.saturating_sub(3)..(c + 4).min(an.saturating_sub(1)))
                .any(|c| a(c) == h && a(c + 1) == h2)
        })
        .count()
}

/// Alignment of two sequences from their starts (see `xdrop`): exact stretches followed word
/// by word, the X-drop band only across edits. Returns the matched (r, c) offsets in order.
fn align(
    mn: usize,
    an: usize,
    m: impl Fn(usize) -> u64,
    a: impl Fn(usize) -> u64,
) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let (mut r0, mut c0) = (0, 0);
    let mut first = true;
    loop {
        while r0 < mn && c0 < an && m(r0) == a(c0) {
            pairs.push((r0, c0));
            r0 += 1;
            c0 += 1;
        }
        // Most seeds in ordinary text are chance matches of a common phrase: when the exact
        // stretch is short and the words past it do not match nearby article words either,
        // there is no copy to follow, and the band is not worth setting up.
        if first && K + r0 < NEAR && near(mn, an, r0, c0, &m, &a) < NEAR_MIN {
            return pairs;
        }
        first = false;
        let (more, (r, c), resume) = xdrop(mn - r0, an - c0, &|r| m(r0 + r), &|c| a(c0 + c));
        pairs.extend(more.iter().map(|&(r, c)| (r0 + r, c0 + c)));
        if !resume {
            return pairs;
        }
        (r0, c0) = (r0 + r, c0 + c);
    }
}

/// Extends a confirmed seed of K words at (i, j) both ways; returns the run.
fn extend(m: &[Token], a: Words, article: u32, i: usize, j: usize) -> Run {
    let back = align(i, j, |r| m[i - 1 - r].hash, |c| a.get(j - 1 - c));
    let (fi, fj) = (i + K, j + K);
    let fwd = align(
        m.len() - fi,
        a.len() - fj,
        |r| m[fi + r].hash,
        |c| a.get(fj + c),
    );
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(back.len() + K + fwd.len());
    pairs.extend(
        back.iter()
            .rev()
            .map(|&(r, c)| ((i - 1 - r) as u32, (j - 1 - c) as u32)),
    );
    pairs.extend((0..K).map(|k| ((i + k) as u32, (j + k) as u32)));
    pairs.extend(fwd.iter().map(|&(r, c)| ((fi + r) as u32, (fj + c) as u32)));
    let (first, last) = (pairs[0], pairs[pairs.len() - 1]);
    Run {
        article,
        m_start: first.0 as usize,
        m_end: last.0 as usize + 1,
        a_start: first.1 as usize,
        a_end: last.1 as usize + 1,
        pairs,
    }
}
/// Every copied run of `msg` found in the table, at least `min_words` long, without runs
/// nested in a longer one on the same article.
pub fn runs(msg: &[Token], table: &ArticleTable, min_words: usize) -> Vec<Run> {
    let mut found: Vec<Run> = Vec::new();
    if msg.len() < K {
        return found;
    }
    // Every hit first, then only hits with a second hit of the same article close by on about
    // the same diagonal: a copy of `min_words` words holds several sampled k-grams even with
    // edits, while a lone hit is a common phrase met by chance, not worth reading the article.
    let mut hits: Vec<(u32, u32, u32)> = Vec::new();
    let kgs: Vec<u64> = (0..=msg.len() - K).map(|i| kgram(&msg[i..i + K])).collect();
    // A lookup in a large table is two cache misses (bucket offset, then entries): ask for
    // both well ahead, so that many are in flight at once instead of one after another.
    for &kg in kgs.iter().take(PREFETCH) {
        table.prefetch_bucket(kg);
    }
    for (i, &kg) in kgs.iter().enumerate() {
        if let Some(&next) = kgs.get(i + PREFETCH) {
            table.prefetch_bucket(next);
        }
        if let Some(&next) = kgs.get(i + PREFETCH / 2) {
            table.prefetch_entries(next);
        }
        hits.extend(table.lookup(kg).map(|(a, p)| (a, p, i as u32)));
    }
    hits.sort_unstable();
    let diag = |h: &(u32, u32, u32)| h.1 as i64 - h.2 as i64;
    let near_hit = |x: &(u32, u32, u32), y: &(u32, u32, u32)| {
        x.0 == y.0 && x.1 != y.1 && (diag(x) - diag(y)).abs() <= SUPPORT_SHIFT
    };
    let mut seeds: Vec<(u32, u32, u32)> = Vec::new();
    for (k, h) in hits.iter().enumerate() {
        let close = |y: &&(u32, u32, u32)| y.0 == h.0 && y.1.abs_diff(h.1) <= SUPPORT_SPAN;
        let before = hits[..k]
            .iter()
            .rev()
            .take_while(close)
            .any(|y| near_hit(h, y));
        if before
            || hits[k + 1..]
                .iter()
                .take_while(close)
                .any(|y| near_hit(h, y))
        {
            seeds.push((h.2, h.0, h.1));
        }
    }
    seeds.sort_unstable();
    for (i, article, pos) in seeds {
        let (i, pos) = (i as usize, pos as usize);
        let covered = found.iter().any(|r| {
            r.article == article
                && (r.m_start..r.m_end).contains(&i)
                && (r.a_start..r.a_end).contains(&pos)
        });
        if covered {
            continue;
        }
        let art = table.words(article);
        // The table stores hashes of sampled k-grams; confirm the words really match.
        if !(0..K).all(|k| eq(msg, art, i + k, pos + k)) {
            continue;
        }
        let run = extend(msg, art, article, i, pos);
        // A few matched words are a common phrase, not a copy worth reporting.
        if run.pairs.len() >= min_words.min(MIN_RUN) {
            found.push(run);
        }
    }
    // Keep the longest of overlapping runs on one article.
    found.sort_by(|x, y| {
        x.article
            .cmp(&y.article)
            .then(y.words().cmp(&x.words()))
            .then(x.m_start.cmp(&y.m_start))
    });
    let mut kept: Vec<Run> = Vec::new();
    for r in found {
        let overlaps = kept
            .iter()
            .any(|k| k.article == r.article && r.m_start < k.m_end && k.m_start < r.m_end);
        if !overlaps {
            kept.push(r);
        }
    }
    kept.sort_by_key(|r| (r.m_start, r.article));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::articles::Article;
    use crate::detect::normalize::tokens;

    fn article() -> String {
        (0..300)
            .map(|k| format!("w{}", (k * 7919) % 1000))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn table() -> ArticleTable {
        ArticleTable::build(
            vec![Article {
                id: "a".into(),
                title: None,
                url: None,
                published: None,
                section: None,
                text: article(),
            }],
            10,
        )
    }

    #[test]
    fn one_span_over_a_copy_with_an_edit_every_few_words() {
        let words: Vec<String> = article().split(' ').map(String::from).collect();
        // 120 copied words; every 6th changed, dropped, doubled or swapped with the next.
        let mut copy: Vec<String> = Vec::new();
        let mut k = 40;
        while k < 160 {
            match (k / 6) % 4 {
                _ if k % 6 != 0 => copy.push(words[k].clone()),
                0 => copy.push("changed".into()),
                1 => {}
                2 => {
                    copy.push("extra".into());
                    copy.push(words[k].clone());
                }
                _ => {
                    copy.push(words[k + 1].clone());
                    copy.push(words[k].clone());
                    k += 1;
                }
            }
            k += 1;
        }
        let msg = format!(
            "Here is my own text first. {} And my own end.",
            copy.join(" ")
        );
        let toks = tokens(&msg);
        let runs = runs(&toks, &table(), 10);
        assert_eq!(runs.len(), 1, "{runs:?}");
        let r = &runs[0];
        let first_copied = tokens("Here is my own text first.").len();
        assert_eq!(r.m_start, first_copied);
        assert_eq!(r.m_end, toks.len() - 4);
        assert_eq!((r.a_start, r.a_end), (40, 160));
        // Only matched words count.
        let matched = r.pairs.len();
        assert!((100..=108).contains(&matched), "{matched}");
        assert!(
            r.pairs
                .iter()
                .all(|p| toks[p.0 as usize].hash == tokens(&article())[p.1 as usize].hash)
        );
    }

    #[test]
    fn separate_quotes_stay_separate_and_shuffled_words_are_not_a_copy() {
        let words: Vec<&str> = article().leak().split(' ').collect();
        let msg = format!(
            "{} and then a good many words of the reply's own, more than a few, before {}",
            words[10..22].join(" "),
            words[60..72].join(" ")
        );
        let toks = tokens(&msg);
        let runs = runs(&toks, &table(), 10);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(runs.iter().all(|r| r.pairs.len() == 12));
        let mut shuffled: Vec<&str> = words[100..250].to_vec();
        let mut x: u64 = 0x9e3779b97f4a7c15;
        for k in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(k, (x % (k as u64 + 1)) as usize);
        }
        assert!(
            super::runs(&tokens(&shuffled.join(" ")), &table(), 10)
                .iter()
                .all(|r| r.pairs.len() < 10)
        );
    }
}
