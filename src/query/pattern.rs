//! Word patterns of the query language: exact words, `*`/`?` wildcards, `word~` stemming and
//! dtSearch fuzzy terms (`ba%nana`: one difference allowed, `ba` must match exactly). One
//! `matches` decides for both the index (expanding patterns against the term dictionary) and
//! the highlighter (marking tokens of a transcript), so they never disagree.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};
use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer};

use crate::index::analyzer::{self, TextMode};

/// Patterns that match more words than this are refused: the query would be meaningless and
/// slow.
pub const MAX_EXPANSION: usize = 50_000;

/// In a wildcard: at most one character (Westlaw's `*` at the end of a word).
pub const OPTIONAL_CHAR: char = '\u{3}';

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// A normalised word (or a boundary mark of the index).
    Exact(String),
    /// A normalised word with `*` (any run), `?` (one character), `=` (one digit) or
    /// [`OPTIONAL_CHAR`].
    Wildcard(String),
    /// `#word`: every word that sounds alike (same American Soundex code).
    Phonic { word: String, code: String },
    /// `lo~~hi`: every whole number from lo to hi.
    Numbers { lo: u64, hi: u64 },
    /// `word&`: the word and its synonyms from the matter's list.
    Synonyms { word: String, words: Vec<String> },
    /// A noise word of a Relativity-compatible matter inside a phrase: not indexed, so it
    /// stands for any one word there (as in dtSearch).
    AnyWord(String),
    /// `word~`: every word with the same English stem.
    Stem { word: String, stem: String },
    /// `pre%fix`: up to `max` differences after the literal `prefix`.
    Fuzzy {
        prefix: String,
        word: String,
        max: u32,
    },
}

/// What a boundary mark stands for, for messages and `--explain`.
pub fn mark_name(term: &str) -> Option<&'static str> {
    use crate::index::analyzer::{FIRST_MARK, LAST_MARK, PARAGRAPH_MARK, SENTENCE_MARK};
    Some(match term {
        FIRST_MARK => "xfirstword",
        LAST_MARK => "xlastword",
        SENTENCE_MARK => "(sentence start)",
        PARAGRAPH_MARK => "(paragraph start)",
        _ => return None,
    })
}

/// American Soundex of a normalised word (`smith`, `smythe`: S530).
pub fn soundex(word: &str) -> String {
    use rphonetic::Encoder;
    thread_local! {
        static SOUNDEX: rphonetic::Soundex = rphonetic::Soundex::default();
    }
    SOUNDEX.with(|s| s.encode(word))
}

/// Lower-cases and folds accents the way the analyzer does, keeping `*`, `?` and `=`.
fn fold(s: &str) -> String {
    fold_in(s, TextMode::Standard)
}

fn fold_in(s: &str, mode: TextMode) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if !run.is_empty() {
            for (t, _, _) in analyzer::tokenize_query_for(run, mode) {
                out.push_str(&t);
            }
            run.clear();
        }
    };
    for c in s.chars() {
        if c == '*' || c == '?' || c == '=' || c == OPTIONAL_CHAR {
            flush(&mut run, &mut out);
            out.push(c);
        } else {
            run.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The English stem of a normalised word. Called for every dictionary word a `word~` pattern
/// is checked against, so the analyzer is built once per thread.
pub fn stem(word: &str) -> String {
    thread_local! {
        static STEMMER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        );
    }
    STEMMER.with(|a| {
        let mut a = a.borrow_mut();
        let mut s = a.token_stream(word);
        s.next()
            .map(|t| t.text.clone())
            .unwrap_or_else(|| word.to_string())
    })
}

impl Pattern {
    /// Reads one word of a query (already split at punctuation). Returns `None` when nothing
    /// indexable is left.
    pub fn parse(raw: &str) -> Result<Option<Pattern>, String> {
        Self::parse_in(raw, TextMode::Standard)
    }

    /// [`Pattern::parse`] for a matter whose text is indexed as `mode`.
    pub fn parse_in(raw: &str, mode: TextMode) -> Result<Option<Pattern>, String> {
        let fold = |s: &str| fold_in(s, mode);
        if let Some(base) = raw.strip_suffix('~') {
            if base.contains(['*', '?', '%', '~']) {
                return Err(format!(
                    "\"{raw}\": stemming (~) cannot be combined with * ? or %"
                ));
            }
            let word = fold(base);
            if word.is_empty() {
                return Ok(None);
            }
            let stem = stem(&word);
            return Ok(Some(Pattern::Stem { word, stem }));
        }
        if raw.contains('%') {
            if raw.contains(['*', '?']) {
                return Err(format!(
                    "\"{raw}\": fuzzy (%) cannot be combined with * or ?"
                ));
            }
            let first = raw.find('%').unwrap_or(0);
            let max = raw.matches('%').count() as u32;
            let prefix = fold(&raw[..first]);
            let word = fold(&raw.replace('%', ""));
            if word.is_empty() {
                return Ok(None);
            }
            return Ok(Some(Pattern::Fuzzy { prefix, word, max }));
        }
        let w = fold(raw);
        if w.is_empty() {
            return Ok(None);
        }
        if w.chars().all(is_meta) && !w.chars().all(|c| c == '=') {
            return Err(format!(
                "\"{raw}\" has no letters: a wildcard needs at least one"
            ));
        }
        if w.contains(['*', '?', '=', OPTIONAL_CHAR]) {
            Ok(Some(Pattern::Wildcard(w)))
        } else {
            Ok(Some(Pattern::Exact(w)))
        }
    }

    pub fn is_exact(&self) -> bool {
        matches!(self, Pattern::Exact(_))
    }

    /// `#word`.
    pub fn phonic(raw: &str) -> Result<Pattern, String> {
        let word = fold(raw);
        if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!(
                "\"#{raw}\": phonic search takes one word of letters A to Z"
            ));
        }
        let code = soundex(&word);
        Ok(Pattern::Phonic { word, code })
    }

    /// Does an indexed (normalised) word match?
    pub fn matches(&self, term: &str) -> bool {
        // Boundary marks are matched by name only, never by a pattern.
        if term.starts_with(crate::index::analyzer::MARK) {
            return matches!(self, Pattern::Exact(w) if w == term);
        }
        match self {
            Pattern::Exact(w) => w == term,
            Pattern::Wildcard(p) => glob(p.as_bytes(), term.as_bytes()),
            Pattern::Phonic { word, code } => {
                term == word
                    || (term.bytes().all(|b| b.is_ascii_alphabetic())
                        && term.as_bytes().first() == word.as_bytes().first()
                        && soundex(term) == *code)
            }
            Pattern::Numbers { lo, hi } => {
                !term.is_empty()
                    && term.len() <= 20
                    && term.bytes().all(|b| b.is_ascii_digit())
                    && term.parse::<u64>().is_ok_and(|v| (*lo..=*hi).contains(&v))
            }
            Pattern::Synonyms { words, .. } => words.iter().any(|w| w == term),
            Pattern::AnyWord(_) => true,
            Pattern::Stem { word, stem: s } => term == word || stem(term) == *s,
            Pattern::Fuzzy { prefix, word, max } => {
                term.starts_with(prefix.as_str())
                    && within_edits(&word[prefix.len()..], &term[prefix.len()..], *max)
            }
        }
    }

    /// Literal pieces, one of which every word this pattern matches contains (so a text that
    /// holds none of them holds no such word). `None` when a pattern can match words without a
    /// fixed piece: boundary marks, sound-alikes, numbers, stems, any word.
    pub fn needles(&self) -> Option<Vec<String>> {
        let piece = |s: &str| (!s.is_empty()).then(|| vec![s.to_string()]);
        match self {
            Pattern::Exact(w) if w.starts_with(crate::index::analyzer::MARK) => None,
            Pattern::Exact(w) => piece(w),
            Pattern::Wildcard(p) => piece(p.split(is_meta).max_by_key(|s| s.len()).unwrap_or("")),
            Pattern::Fuzzy { prefix, .. } => piece(prefix),
            Pattern::Synonyms { words, .. } => {
                (!words.is_empty() && words.iter().all(|w| !w.is_empty())).then(|| words.clone())
            }
            Pattern::Phonic { .. }
            | Pattern::Numbers { .. }
            | Pattern::AnyWord(_)
            | Pattern::Stem { .. } => None,
        }
    }

    /// Every indexed word starts with this (used to bound dictionary scans).
    pub fn literal_prefix(&self) -> &str {
        match self {
            Pattern::Exact(w) => w,
            Pattern::Wildcard(p) => &p[..p.find(is_meta).unwrap_or(p.len())],
            // Soundex keeps the first letter.
            Pattern::Phonic { word, .. } => &word[..1],
            Pattern::Numbers { .. } | Pattern::Synonyms { .. } | Pattern::AnyWord(_) => "",
            // Stems of English words share their first letters with the word, nearly always;
            // two letters keeps the scan small and safe for words like "ran" / "run".
            Pattern::Stem { word, .. } => {
                &word[..word
                    .char_indices()
                    .nth(2)
                    .map(|c| c.0)
                    .unwrap_or(word.len())]
            }
            Pattern::Fuzzy { prefix, .. } => prefix,
        }
    }

    /// How the pattern reads, for `--explain`.
    pub fn describe(&self) -> String {
        match self {
            Pattern::Exact(w) => mark_name(w).map_or_else(|| w.clone(), str::to_string),
            Pattern::Wildcard(p) if p.contains(OPTIONAL_CHAR) => format!(
                "{} (wildcard; each final * at most one character)",
                p.replace(OPTIONAL_CHAR, "*")
            ),
            Pattern::Wildcard(p) => format!("{p} (wildcard)"),
            Pattern::Phonic { word, code } => format!("#{word} (sounds like: Soundex {code})"),
            Pattern::Numbers { lo, hi } => format!("{lo}~~{hi} (whole numbers {lo} to {hi})"),
            Pattern::Synonyms { word, words } => {
                format!("{word}& (synonyms: {})", words.join(", "))
            }
            Pattern::AnyWord(w) => format!("{w} (noise word: any one word)"),
            Pattern::Stem { word, stem } => format!("{word}~ (stem \"{stem}\")"),
            Pattern::Fuzzy { prefix, word, max } => format!(
                "{word} (fuzzy: up to {max} difference{}{})",
                if *max == 1 { "" } else { "s" },
                if prefix.is_empty() {
                    String::new()
                } else {
                    format!(", starting \"{prefix}\"")
                }
            ),
        }
    }

    /// The indexed words of `field` this pattern matches, over every segment.
    pub fn expand(&self, searcher: &Searcher, field: Field) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        match self {
            Pattern::Exact(w) => {
                out.insert(w.clone());
                return Ok(out);
            }
            Pattern::Synonyms { words, .. } => {
                out.extend(words.iter().cloned());
                return Ok(out);
            }
            Pattern::AnyWord(_) => return Ok(out),
            _ => {}
        }
        // Whole numbers sort between "0" and ":" in the dictionary.
        let (prefix, upper) = match self {
            Pattern::Numbers { .. } => (b"0".to_vec(), Some(b":".to_vec())),
            _ => {
                let p = self.literal_prefix().as_bytes().to_vec();
                let u = prefix_upper(&p);
                (p, u)
            }
        };
        for seg in searcher.segment_readers() {
            let inv = seg
                .inverted_index(field)
                .context("cannot read the term dictionary")?;
            let mut range = inv.terms().range().ge(&prefix);
            if let Some(upper) = &upper {
                range = range.lt(upper);
            }
            let mut stream = range
                .into_stream()
                .context("cannot read the term dictionary")?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if self.matches(term) {
                    out.insert(term.to_string());
                    if out.len() > MAX_EXPANSION {
                        bail!(
                            "\"{}\" matches more than {MAX_EXPANSION} different words; make it more specific",
                            self.describe()
                        );
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The smallest byte string greater than every string starting with `prefix`.
fn prefix_upper(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut p = prefix.to_vec();
    while let Some(last) = p.pop() {
        if last < 0xff {
            p.push(last + 1);
            return Some(p);
        }
    }
    None
}

fn is_meta(c: char) -> bool {
    matches!(c, '*' | '?' | '=') || c == OPTIONAL_CHAR
}

/// `*` any run, `?` exactly one character, `=` one digit, [`OPTIONAL_CHAR`] at most one
/// character (UTF-8 aware).
fn glob(p: &[u8], t: &[u8]) -> bool {
    let (ps, ts) = (
        std::str::from_utf8(p).unwrap_or(""),
        std::str::from_utf8(t).unwrap_or(""),
    );
    if ps.contains(OPTIONAL_CHAR) {
        // Each optional character is present or not: try the (few) readings.
        let n = ps.matches(OPTIONAL_CHAR).count().min(8);
        return (0..1u32 << n).any(|bits| {
            let mut k = 0;
            let reading: String = ps
                .chars()
                .filter_map(|c| {
                    if c != OPTIONAL_CHAR {
                        return Some(c);
                    }
                    k += 1;
                    (bits >> (k - 1) & 1 == 1).then_some('?')
                })
                .collect();
            glob_plain(reading.as_bytes(), ts.as_bytes())
        });
    }
    glob_plain(p, t)
}

fn glob_plain(p: &[u8], t: &[u8]) -> bool {
    let (p, t) = (
        std::str::from_utf8(p).unwrap_or(""),
        std::str::from_utf8(t).unwrap_or(""),
    );
    let p: Vec<char> = p.chars().collect();
    let t: Vec<char> = t.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len()
            && (p[pi] == '?' || p[pi] == t[ti] || (p[pi] == '=' && t[ti].is_ascii_digit()))
        {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Levenshtein distance of `a` and `b` is at most `max`.
pub(crate) fn within_edits(a: &str, b: &str, max: u32) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max as usize {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut best = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            best = best.min(cur[j]);
        }
        if best > max as usize {
            return false;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= max as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::parse(s).unwrap().unwrap()
    }

    #[test]
    fn wildcards_anywhere() {
        assert!(p("appl*").matches("application"));
        assert!(p("appl?").matches("apple"));
        assert!(!p("appl?").matches("applied"));
        assert!(p("*ology").matches("biology"));
        assert!(p("b*o*y").matches("biology"));
        assert!(!p("b*o*y").matches("biologist"));
        assert!(p("CAFÉ*").matches("cafeteria"));
        assert_eq!(p("appl*").literal_prefix(), "appl");
    }

    #[test]
    fn fuzzy_is_dtsearch_like() {
        assert!(p("ba%nana").matches("banana"));
        assert!(p("ba%nana").matches("bananna"));
        assert!(p("ba%nana").matches("banane"));
        assert!(
            !p("ba%nana").matches("bonana"),
            "letters before % must match"
        );
        assert!(!p("ba%nana").matches("bannnanna"));
        assert!(p("ba%%nana").matches("bannnana"));
    }

    #[test]
    fn stemming() {
        let s = p("apply~");
        assert!(s.matches("applies"));
        assert!(s.matches("applied"));
        assert!(!s.matches("apple"));
    }

    #[test]
    fn digits_phonic_numbers() {
        assert!(p("sh=ll").matches("sh1ll"));
        assert!(!p("sh=ll").matches("shell"));
        assert!(p("p12==").matches("p1234"));
        assert!(!p("p12==").matches("p123"));
        let ph = Pattern::phonic("Smith").unwrap();
        assert!(ph.matches("smythe") && ph.matches("smith") && !ph.matches("jones"));
        let n = Pattern::Numbers { lo: 12, hi: 24 };
        assert!(n.matches("12") && n.matches("024") && n.matches("24"));
        assert!(!n.matches("11") && !n.matches("25") && !n.matches("12a"));
        let w = Pattern::Wildcard(format!("object{0}{0}", OPTIONAL_CHAR));
        assert!(w.matches("object") && w.matches("objects") && w.matches("objecti"));
        assert!(!w.matches("objection"));
        // Marks are never reached by a pattern.
        assert!(!p("?s").matches(crate::index::analyzer::SENTENCE_MARK));
    }

    #[test]
    fn edits() {
        assert!(within_edits("kitten", "sitting", 3));
        assert!(!within_edits("kitten", "sitting", 2));
        assert!(within_edits("", "ab", 2));
    }
}
