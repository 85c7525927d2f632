//! A member's words that differ from its principal's: a word diff (Myers, by the `similar`
//! crate) over the two texts' words as the index splits them, case folded, mapped back to
//! byte ranges in the member's messages so the transcript can mark them.

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// The changed words of a member, per message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Byte ranges in each message's text (by message position), inserted or replaced words.
    pub changed: Vec<(u32, Vec<(usize, usize)>)>,
    /// Words the member has that the principal does not, and the member's words in all.
    pub changed_words: usize,
    pub words: usize,
    /// Words of the principal missing from the member.
    pub missing_words: usize,
}

impl Marks {
    pub fn in_message(&self, message: u32) -> &[(usize, usize)] {
        self.changed
            .iter()
            .find(|(m, _)| *m == message)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[])
    }
}

struct Word {
    message: u32,
    start: usize,
    end: usize,
}

fn words(texts: &[(u32, &str)]) -> (Vec<String>, Vec<Word>) {
    let mut keys = Vec::new();
    let mut at = Vec::new();
    for &(message, text) in texts {
        for (w, r) in crate::index::analyzer::tokenize(text) {
            keys.push(w);
            at.push(Word {
                message,
                start: r.start,
                end: r.end,
            });
        }
    }
    (keys, at)
}

/// Compares a member's texts (message position, text) with its principal's.
pub fn marks(member: &[(u32, &str)], principal: &[(u32, &str)]) -> Marks {
    let (new, at) = words(member);
    let (old, _) = words(principal);
    let mut out = Marks {
        words: new.len(),
        ..Marks::default()
    };
    let mark = |from: usize, len: usize, out: &mut Marks| {
        for w in &at[from..from + len] {
            out.changed_words += 1;
            match out.changed.last_mut() {
                Some((m, ranges)) if *m == w.message => match ranges.last_mut() {
                    // Neighbouring words join into one range (the space between them too).
                    Some(last) if w.start.saturating_sub(last.1) <= 1 => last.1 = w.end,
                    _ => ranges.push((w.start, w.end)),
                },
                _ => out.changed.push((w.message, vec![(w.start, w.end)])),
            }
        }
    };
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        match op {
            DiffOp::Insert {
                new_index, new_len, ..
            } => mark(new_index, new_len, &mut out),
            DiffOp::Replace {
                new_index,
                new_len,
                old_len,
                ..
            } => {
                out.missing_words += old_len;
                mark(new_index, new_len, &mut out)
            }
            DiffOp::Delete { old_len, .. } => out.missing_words += old_len,
            DiffOp::Equal { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_changed_words_only() {
        let p = [(1, "The minister said the plan would cut emissions by half.")];
        let m = [(
            1,
            "The minister said the scheme would cut emissions by half, sources say.",
        )];
        let d = marks(&m, &p);
        let text = m[0].1;
        let got: Vec<&str> = d.in_message(1).iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(got, vec!["scheme", "sources say"]);
        assert_eq!(d.changed_words, 3);
        assert_eq!(d.missing_words, 1);
    }

    #[test]
    fn case_is_not_a_change_and_messages_stay_apart() {
        let p = [(0, "hello world"), (1, "second reply here")];
        let m = [(0, "Hello World"), (1, "second reply there")];
        let d = marks(&m, &p);
        assert!(d.in_message(0).is_empty());
        assert_eq!(d.in_message(1), &[(13, 18)]);
    }
}
