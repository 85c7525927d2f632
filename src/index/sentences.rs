//! Sentence and paragraph boundaries of a message, for the same-sentence and same-paragraph
//! connectors (`w/s`, `/s`, `w/p`, `/p`). Written here rather than taken from Unicode's
//! sentence rules (UAX #29), which end a sentence at every line break and after "Mr." and
//! "U.S." before a capital; it runs on every message at import, so it is one pass over bytes.
//!
//! The rules, in order:
//! - A paragraph starts at the message's first word and after each blank line (a line with
//!   nothing but spaces). Every paragraph start is a sentence start.
//! - A sentence ends at `.`, `!`, `?` (or `…`, `。`, `！`, `？`), with any closing quotes and
//!   brackets after it, when whitespace follows and the next word does not start with a
//!   lower-case letter. So "3.5", "e.g. the" and "U.S.-based" do not end one.
//! - A `.` after a title or other abbreviation (`Mr.`, `Dr.`, `No.`, `Jan.`, `vs.`), after a
//!   single letter (an initial: `J. Smith`, `U.S. Army`) ends nothing. (`etc.`, `Inc.` and
//!   `a.m.` do end a sentence before a capital: they close sentences as often as not.)
//! - A single line break ends a sentence unless the line ends in a lower-case letter or a
//!   comma and the next starts with a lower-case letter (a hard-wrapped sentence), neither
//!   line being a list item (`- `, `* `, `• `, `1. `).
//! - CJK full stops (`。！？`) end a sentence without needing whitespace after them.

/// Abbreviations after which a full stop does not end a sentence (lower case, without the
/// stop).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "mx", "dr", "prof", "rev", "hon", "sr", "jr", "st", "mt", "ft", "sen",
    "rep", "gov", "gen", "col", "lt", "maj", "capt", "cpt", "sgt", "cmdr", "adm", "pres", "supt",
    "insp", "messrs", "mme", "mlle", "vs", "v", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "cf", "al", "ibid", "viz", "approx", "dept",
    "ave", "blvd",
];

/// Abbreviations that end nothing only before a number (`No. 5`, `Fig. 2`, `p. 12`): "said
/// no." and "in paragraph para." end sentences.
const BEFORE_NUMBERS: &[&str] = &[
    "no", "nos", "fig", "figs", "art", "arts", "sec", "secs", "para", "paras", "p", "pp", "vol",
    "vols", "ch", "chap", "tab", "ex", "exh", "doc", "ref",
];

/// Where sentences and paragraphs start in `text`: byte offsets of each start, ascending.
/// The first start is the first non-space character (if any). `paragraph[i]` says whether
/// start `i` also starts a paragraph.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Boundaries {
    pub starts: Vec<usize>,
    pub paragraph: Vec<bool>,
}

impl Boundaries {
    fn push(&mut self, at: usize, paragraph: bool) {
        match self.starts.last() {
            Some(&last) if last == at => {
                let p = self.paragraph.last_mut().expect("same length");
                *p |= paragraph;
            }
            Some(&last) if last > at => {}
            _ => {
                self.starts.push(at);
                self.paragraph.push(paragraph);
            }
        }
    }
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '»' | '’' | '”' | '›' | '」' | '』' | '）'
    )
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '‼' | '⁇')
}

/// A line that starts a list item: `-`, `*`, `•` or `1.` / `1)` and a space.
fn list_item(line: &str) -> bool {
    let mut it = line.chars();
    match it.next() {
        Some('-' | '*' | '•' | '–' | '·') => it.next().is_some_and(char::is_whitespace),
        Some(d) if d.is_ascii_digit() => {
            let rest: Vec<char> = it.take(4).collect();
            let k = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            matches!(rest.get(k), Some('.' | ')'))
                && rest.get(k + 1).is_some_and(|c| c.is_whitespace())
        }
        _ => false,
    }
}

/// The word just before a `.` at byte `dot`: letters, digits and inner dots (`e.g`, `u.s`).
fn word_before(text: &str, dot: usize) -> &str {
    let head = &text[..dot];
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    head[start..].trim_start_matches('.')
}

/// Whether a `.` at byte `dot` ends an abbreviation or an initial rather than a sentence;
/// `next` is the first character of the next word.
fn abbreviation_before(text: &str, dot: usize, next: char) -> bool {
    let w = word_before(text, dot);
    if w.is_empty() {
        return false;
    }
    let mut chars = w.chars();
    let first = chars.next();
    // One letter: an initial (J. Smith), or the last letter of U.S. / U.K.
    if first.is_some_and(char::is_alphabetic) && chars.next().is_none() {
        return true;
    }
    let lower = w.to_lowercase();
    // Letter-dot chains (u.s, e.g, i.e, a.m are handled: a.m ends a sentence before a capital).
    if lower.len() >= 3
        && lower.split('.').all(|p| p.chars().count() == 1)
        && !matches!(lower.as_str(), "a.m" | "p.m")
    {
        return true;
    }
    ABBREVIATIONS.contains(&lower.as_str())
        || (next.is_ascii_digit() && BEFORE_NUMBERS.contains(&lower.as_str()))
}

/// Bytes that may start a line break or a stop: `\n . ! ?` and the lead bytes of the
/// non-ASCII stops.
static STOP_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t[0xEF] = true;
    t
};

/// Sentence and paragraph starts of one message's text. One pass over the bytes, nothing
/// allocated per character (a message can be tens of megabytes).
pub fn boundaries(text: &str) -> Boundaries {
    let mut out = Boundaries::default();
    let n = text.len();
    let at = |b: usize| text[b..].chars().next();
    // The first non-whitespace byte at or after b.
    let next_word = |mut b: usize| {
        while let Some(c) = at(b) {
            if !c.is_whitespace() {
                break;
            }
            b += c.len_utf8();
        }
        b
    };
    let first = next_word(0);
    if first < n {
        out.push(first, true);
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < n {
        // Most bytes are letters, digits and spaces: skip them without decoding. Only line
        // breaks and stops matter, and the non-ASCII stops (… 。 ！ ？ ‼ ⁇) start with
        // E2, E3 or EF (never a continuation byte, so `i` is at a character then).
        if !STOP_BYTES[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let Some(c) = at(i) else { break };
        if c == '\n' {
            // Blank line(s) ahead: a paragraph. Otherwise maybe a sentence.
            let mut j = i + 1;
            let mut blank = false;
            loop {
                let mut k = j;
                while let Some(d) = at(k)
                    && d != '\n'
                    && d.is_whitespace()
                {
                    k += d.len_utf8();
                }
                if at(k) == Some('\n') {
                    blank = true;
                    j = k + 1;
                } else {
                    break;
                }
            }
            let w = next_word(j);
            let Some(next) = at(w) else { break };
            if blank {
                out.push(w, true);
            } else {
                let prev = text[..i].chars().rev().find(|c| !c.is_whitespace());
                let line_from = text[..i].rfind('\n').map_or(0, |p| p + 1);
                let wrapped = prev.is_some_and(|p| p.is_lowercase() || p == ',')
                    && next.is_lowercase()
                    && !list_item(&text[next_word(line_from)..])
                    && !list_item(&text[w..]);
                if !wrapped {
                    out.push(w, false);
                }
            }
            i = w;
            continue;
        }
        if is_terminal(c) {
            let mut j = i + c.len_utf8();
            while let Some(d) = at(j)
                && (is_terminal(d) || is_closer(d))
            {
                j += d.len_utf8();
            }
            let cjk_stop = matches!(c, '。' | '！' | '？');
            if at(j).is_some_and(|d| !d.is_whitespace()) && !cjk_stop {
                i = j;
                continue;
            }
            // A line break after the stop is handled as a line break (paragraphs).
            if text[j..]
                .chars()
                .take_while(|d| d.is_whitespace())
                .any(|d| d == '\n')
            {
                i = j;
                continue;
            }
            let w = next_word(j);
            if w >= n {
                break;
            }
            // The next word's first letter, past opening quotes and brackets.
            let next = text[w..]
                .chars()
                .take(4)
                .find(|c| c.is_alphanumeric())
                .unwrap_or(' ');
            let abbreviation = c == '.' && j == i + 1 && abbreviation_before(text, i, next);
            if cjk_stop || !(next.is_lowercase() || abbreviation) {
                out.push(w, false);
            }
            i = w;
            continue;
        }
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences of `text` as strings, with `¶` before each paragraph start.
    fn split(text: &str) -> Vec<String> {
        let b = boundaries(text);
        let mut out = Vec::new();
        for (k, &s) in b.starts.iter().enumerate() {
            let e = b.starts.get(k + 1).copied().unwrap_or(text.len());
            let mark = if b.paragraph[k] { "¶" } else { "" };
            out.push(format!("{mark}{}", text[s..e].trim_end()));
        }
        out
    }

    #[test]
    fn abbreviations_decimals_and_quotes() {
        assert_eq!(
            split("Mr. Smith paid $3.50 for it. Then he left! Did he? Yes."),
            [
                "¶Mr. Smith paid $3.50 for it.",
                "Then he left!",
                "Did he?",
                "Yes."
            ]
        );
        assert_eq!(
            split("He said \"Stop.\" Then U.S. forces moved in. J. R. Smith agreed."),
            [
                "¶He said \"Stop.\"",
                "Then U.S. forces moved in.",
                "J. R. Smith agreed."
            ]
        );
        assert_eq!(
            split("Fruit, e.g. apples, is good. See No. 5 and Fig. 2. I said no. It works."),
            [
                "¶Fruit, e.g. apples, is good.",
                "See No. 5 and Fig. 2.",
                "I said no.",
                "It works."
            ]
        );
        assert_eq!(
            split("It ended at 5 p.m. The next day was calm. Apple Inc. Rose."),
            [
                "¶It ended at 5 p.m.",
                "The next day was calm.",
                "Apple Inc.",
                "Rose."
            ]
        );
        // Lower case after a stop: not a sentence end (an abbreviation we do not know).
        assert_eq!(
            split("Approx. ten approx. twenty."),
            ["¶Approx. ten approx. twenty."]
        );
        assert_eq!(split("Wait... what?! No."), ["¶Wait... what?!", "No."]);
        assert_eq!(
            split("It rose. (then fell) Later."),
            ["¶It rose. (then fell) Later."]
        );
        assert_eq!(
            split("(This is one.) And two."),
            ["¶(This is one.)", "And two."]
        );
    }

    #[test]
    fn paragraphs_and_lines() {
        assert_eq!(
            split("First para. Still first.\n\n  Second para.\n \nThird"),
            ["¶First para.", "Still first.", "¶Second para.", "¶Third"]
        );
        // A list: each line a sentence; a hard-wrapped sentence stays whole.
        assert_eq!(
            split("Items:\n- one\n- two\nthis sentence is\nwrapped here, and\ngoes on."),
            [
                "¶Items:",
                "- one",
                "- two",
                "this sentence is\nwrapped here, and\ngoes on."
            ]
        );
        assert_eq!(split(""), Vec::<String>::new());
        assert_eq!(split("  \n\n "), Vec::<String>::new());
        assert_eq!(split("\n\nHello"), ["¶Hello"]);
    }

    #[test]
    fn cjk_full_stops() {
        assert_eq!(
            split("我爱北京。天安门很大！真的？"),
            ["¶我爱北京。", "天安门很大！", "真的？"]
        );
        assert_eq!(split("iran。oil ok"), ["¶iran。", "oil ok"]);
    }

    #[test]
    fn never_panics_and_stays_ascending() {
        for t in [
            ".",
            "..",
            ". .",
            "!\n\n!",
            "a.\u{300}B",
            "é. É",
            "\n",
            "x\n\n\n\ny",
            "’. ’",
            "A.B.C. D",
            "…",
            "1. 2. 3.",
        ] {
            let b = boundaries(t);
            assert!(b.starts.windows(2).all(|w| w[0] < w[1]), "{t:?}");
            assert!(b.starts.iter().all(|s| t.is_char_boundary(*s)));
        }
        // Megabytes of odd text: one pass, every start on a character boundary.
        let big = "é. \n\n x? «Y» … 3.5 Mr. Z!\n- a\n".repeat(60_000);
        let b = boundaries(&big);
        assert!(b.starts.len() > 100_000, "{}", b.starts.len());
        assert!(b.starts.windows(2).all(|w| w[0] < w[1]));
        assert!(b.starts.iter().all(|s| big.is_char_boundary(*s)));
    }
}
