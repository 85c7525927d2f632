//! Was copied text the model's own output, or text the user (or a tool, or the system prompt)
//! had supplied earlier in the conversation? A word of a run counts as supplied when a window
//! of SUPPLY_K words around it occurred in an earlier non-assistant message.

use super::table::Words;
use std::collections::HashSet;

use super::normalize::Token;

/// Window size for "this text was supplied": a user naming the topic ("the short-term rental
/// plan") does not supply the article; six words in a row from their message do.
pub const SUPPLY_K: usize = 6;
/// Label stretches shorter than this are absorbed by their neighbours (a stray shared phrase).
pub const MIN_SEGMENT: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Reproduced,
    Echoed,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Reproduced => "reproduced",
            Label::Echoed => "echoed",
        }
    }
}

pub(crate) fn window_hash(ts: &[Token]) -> u64 {
    window_hash_of(ts.iter().map(|t| t.hash))
}

fn window_hash_of(hashes: impl Iterator<Item = u64>) -> u64 {
    let mut h: u64 = 0x9e3779b97f4a7c15;
    for t in hashes {
        h = (h ^ t).wrapping_mul(0xff51afd7ed558ccd).rotate_left(23);
    }
    h
}

/// The supplied text seen so far in a conversation.
#[derive(Default)]
pub struct Supplied {
    windows: HashSet<u64>,
}

impl Supplied {
    pub fn add(&mut self, tokens: &[Token]) {
        if tokens.len() >= SUPPLY_K {
            for w in tokens.windows(SUPPLY_K) {
                self.windows.insert(window_hash(w));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// For each token of an article: was it supplied (inside a window that occurred in an
    /// earlier non-assistant message)?
    pub fn mark_article(&self, art: Words) -> Vec<bool> {
        let mut out = vec![false; art.len()];
        if self.windows.is_empty() || art.len() < SUPPLY_K {
            return out;
        }
        for w in 0..=art.len() - SUPPLY_K {
            let window = (w..w + SUPPLY_K).map(|i| art.get(i));
            if self.windows.contains(&window_hash_of(window)) {
                out[w..w + SUPPLY_K].iter_mut().for_each(|x| *x = true);
            }
        }
        out
    }

    /// For each token of `msg[start..end]`: was it supplied?
    pub fn mark(&self, msg: &[Token], start: usize, end: usize) -> Vec<bool> {
        let mut out = vec![false; end - start];
        if self.windows.is_empty() || msg.len() < SUPPLY_K {
            return out;
        }
        for w in start.saturating_sub(SUPPLY_K - 1)..end {
            if w + SUPPLY_K > msg.len() {
                break;
            }
            if self.windows.contains(&window_hash(&msg[w..w + SUPPLY_K])) {
                for k in w.max(start)..(w + SUPPLY_K).min(end) {
                    out[k - start] = true;
                }
            }
        }
        out
    }
}

/// Splits `[start, end)` into labelled stretches, absorbing stretches shorter than
/// MIN_SEGMENT into the neighbour before them (or after, at the start).
pub fn segments(supplied: &[bool], start: usize) -> Vec<(usize, usize, Label)> {
    let mut segs: Vec<(usize, usize, Label)> = Vec::new();
    for (k, s) in supplied.iter().enumerate() {
        let label = if *s { Label::Echoed } else { Label::Reproduced };
        match segs.last_mut() {
            Some(last) if last.2 == label => last.1 = start + k + 1,
            _ => segs.push((start + k, start + k + 1, label)),
        }
    }
    // Absorb short stretches.
    let mut changed = true;
    while changed && segs.len() > 1 {
        changed = false;
        for i in 0..segs.len() {
            if segs[i].1 - segs[i].0 < MIN_SEGMENT {
                let (s, e) = (segs[i].0, segs[i].1);
                if i > 0 {
                    segs[i - 1].1 = e;
                } else {
                    segs[1].0 = s;
                }
                segs.remove(i);
                changed = true;
                break;
            }
        }
        // Merge neighbours that now share a label.
        let mut merged: Vec<(usize, usize, Label)> = Vec::new();
        for s in segs.drain(..) {
            match merged.last_mut() {
                Some(last) if last.2 == s.2 => last.1 = s.1,
                _ => merged.push(s),
            }
        }
        segs = merged;
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_flips_are_absorbed() {
        let mut v = vec![true; 10];
        v.extend(vec![false; 5]);
        v.extend(vec![true; 10]);
        let s = segments(&v, 0);
        assert_eq!(s, vec![(0, 25, Label::Echoed)]);
        let mut v = vec![true; 10];
        v.extend(vec![false; 30]);
        let s = segments(&v, 5);
        assert_eq!(s, vec![(5, 15, Label::Echoed), (15, 45, Label::Reproduced)]);
    }
}
