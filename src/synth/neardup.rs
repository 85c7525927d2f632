//! Near-duplicate families planted in a production: a share of conversations are copies of
//! the family head before them (every 20th conversation heads one), with the same prompts
//! and the replies' words edited at a known rate, as when one reproduced article comes back
//! in many conversations with nearly the same reply. Words inside planted article spans are
//! never edited (the detection truth stays exact; later spans move with the edits). The truth
//! is `near_duplicates.jsonl`: each copy, its head and its edit rate.

use serde::Serialize;

use super::conv::Conv;
use super::rng::{Rng, derive};
use crate::model::Role;

/// Every this many conversations, one heads a family.
pub const FAMILY_EVERY: u64 = 20;
/// Edit rates, in words per thousand, a copy is made at (a 5-word shingle survives an edit
/// rate r with probability (1 - r)^5: about 0.95, 0.90, 0.82, 0.60 of the shingles).
const RATES: [u32; 4] = [10, 20, 40, 100];

/// The head a conversation copies and the rate, when `index` is a planted copy.
pub fn plan(seed: u64, index: u64, share: f64) -> Option<(u64, u32)> {
    if share <= 0.0 || index.is_multiple_of(FAMILY_EVERY) {
        return None;
    }
    let mut rng = Rng::new(derive(seed, 0xD0, index));
    rng.chance(share)
        .then(|| (index - index % FAMILY_EVERY, *rng.pick(&RATES)))
}

/// Makes `head` into the copy `index` (its id, and its replies' words edited at `rate` per
/// thousand outside planted spans).
pub fn copy(mut head: Conv, id: String, seed: u64, index: u64, rate: u32) -> Conv {
    let mut rng = Rng::new(derive(seed, 0xD1, index));
    head.id = id;
    // The ChatGPT shape's regenerated branch belongs to the head alone.
    head.regen = None;
    head.node_seed ^= index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for m in 0..head.messages.len() {
        if head.messages[m].role != Role::Assistant {
            continue;
        }
        let text = std::mem::take(&mut head.messages[m].text);
        let protected: Vec<(usize, usize)> = head
            .spans
            .iter()
            .filter(|s| s.message == m)
            .map(|s| (s.start, s.end))
            .collect();
        let mut out = String::with_capacity(text.len() + 16);
        // (position in the old text, shift) at each edit, to move the spans after it.
        let mut shifts: Vec<(usize, isize)> = Vec::new();
        let mut last = 0;
        for (start, word) in words(&text) {
            let end = start + word.len();
            let inside = protected.iter().any(|&(s, e)| start < e && end > s);
            if inside || rng.below(1000) >= rate as usize {
                continue;
            }
            out.push_str(&text[last..start]);
            let new = *rng.pick(&SUBSTITUTES);
            out.push_str(new);
            shifts.push((end, new.len() as isize - word.len() as isize));
            last = end;
        }
        out.push_str(&text[last..]);
        for s in head.spans.iter_mut().filter(|s| s.message == m) {
            let d: isize = shifts
                .iter()
                .filter(|(at, _)| *at <= s.start)
                .map(|(_, d)| d)
                .sum();
            s.start = (s.start as isize + d) as usize;
            s.end = (s.end as isize + d) as usize;
        }
        head.messages[m].text = out;
    }
    head
}

/// Words a copy's edits put in (common words that read as a rewording).
const SUBSTITUTES: [&str; 12] = [
    "indeed",
    "notably",
    "also",
    "reportedly",
    "largely",
    "still",
    "broadly",
    "often",
    "recently",
    "further",
    "clearly",
    "again",
];

/// Words of a text: (byte offset, word), runs of alphanumeric characters.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// One line of `near_duplicates.jsonl`.
#[derive(Serialize)]
pub struct Truth<'a> {
    pub conversation: &'a str,
    pub copy_of: &'a str,
    /// Share of the replies' words changed.
    pub edit_rate: f64,
}
