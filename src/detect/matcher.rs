//! Finding copied text in one assistant message: look up every k-gram of the message, extend
//! each hit to the maximal verbatim run, then across small edits (a few changed, dropped or
//! inserted words, re-anchored on three matching words) so near-verbatim copies come out as
//! one span.

use super::normalize::Token;
use super::table::{ArticleTable, K, kgram};

/// Most words skipped on either side to re-anchor after an edit.
const MAX_SKIP: usize = 3;
/// Words that must match to re-anchor.
const ANCHOR: usize = 3;

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

fn eq(m: &[Token], a: &[Token], i: usize, j: usize) -> bool {
    i < m.len() && j < a.len() && m[i].hash == a[j].hash
}

fn anchored(m: &[Token], a: &[Token], i: usize, j: usize) -> bool {
    (0..ANCHOR).all(|k| eq(m, a, i + k, j + k))
}

/// Tries skips of (di, dj) words on the message and article sides, smallest total first, up to
/// MAX_SKIP each; the first one `try_at` accepts wins.
fn nearest_skip(
    mut try_at: impl FnMut(usize, usize) -> Option<(usize, usize)>,
) -> Option<(usize, usize)> {
    for total in 1..=2 * MAX_SKIP {
        for di in 0..=total.min(MAX_SKIP) {
            let dj = total - di;
            if dj > MAX_SKIP {
                continue;
            }
            if let Some(hit) = try_at(di, dj) {
                return Some(hit);
            }
        }
    }
    None
}

/// Extends a seed match at (i, j) both ways; returns the run.
fn extend(m: &[Token], a: &[Token], article: u32, i: usize, j: usize) -> Run {
    // Backwards, exact then across edits.
    let mut pairs_back: Vec<(u32, u32)> = Vec::new();
    let (mut bi, mut bj) = (i, j);
    loop {
        while bi > 0 && bj > 0 && m[bi - 1].hash == a[bj - 1].hash {
            bi -= 1;
            bj -= 1;
            pairs_back.push((bi as u32, bj as u32));
        }
        // Re-anchor: the nearest skip before the current start where ANCHOR words match.
        let found = nearest_skip(|di, dj| {
            if bi < di + ANCHOR || bj < dj + ANCHOR {
                return None;
            }
            let (ni, nj) = (bi - di - ANCHOR, bj - dj - ANCHOR);
            anchored(m, a, ni, nj).then_some((ni + ANCHOR, nj + ANCHOR))
        });
        match found {
            Some((ni, nj)) => {
                bi = ni;
                bj = nj;
            }
            None => break,
        }
    }
    // Forwards from the seed.
    let mut pairs: Vec<(u32, u32)> = pairs_back.into_iter().rev().collect();
    let (mut fi, mut fj) = (i, j);
    loop {
        while eq(m, a, fi, fj) {
            pairs.push((fi as u32, fj as u32));
            fi += 1;
            fj += 1;
        }
        let found =
            nearest_skip(|di, dj| anchored(m, a, fi + di, fj + dj).then_some((fi + di, fj + dj)));
        match found {
            Some((ni, nj)) => {
                fi = ni;
                fj = nj;
            }
            None => break,
        }
    }
    let (m_start, a_start) = pairs
        .first()
        .map(|p| (p.0 as usize, p.1 as usize))
        .unwrap_or((i, j));
    Run {
        article,
        m_start,
        m_end: fi,
        a_start,
        a_end: fj,
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
    for i in 0..=msg.len() - K {
        let kg = kgram(&msg[i..i + K]);
        for (article, pos) in table.lookup(kg) {
            let pos = pos as usize;
            let covered = found.iter().any(|r| {
                r.article == article
                    && (r.m_start..r.m_end).contains(&i)
                    && (r.a_start..r.a_end).contains(&pos)
            });
            if covered {
                continue;
            }
            let art = &table.tokens[article as usize];
            // The table stores hashes of sampled k-grams; confirm the words really match.
            if !(0..K).all(|k| eq(msg, art, i + k, pos + k)) {
                continue;
            }
            let run = extend(msg, art, article, i, pos);
            if run.words() >= min_words.min(K) {
                found.push(run);
            }
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
