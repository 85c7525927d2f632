//! Word patterns of the query language: exact words, `*`/`?` wildcards, `word~` stemming and
//! dtSearch fuzzy terms (`ba%nana`: one difference allowed, `ba` must match exactly). One
//! `matches` decides for both the index (expanding patterns against the term dictionary) and
//! the highlighter (marking tokens of a transcript), so they never disagree.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};
use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer};

use crate::index::analyzer;

/// Patterns that match more words than this are refused: the query would be meaningless and
/// slow.
pub const MAX_EXPANSION: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// A normalised word.
    Exact(String),
    /// A normalised word with `*` (any run) and `?` (one character).
    Wildcard(String),
    /// `word~`: every word with the same English stem.
    Stem { word: String, stem: String },
    /// `pre%fix`: up to `max` differences after the literal `prefix`.
    Fuzzy {
        prefix: String,
        word: String,
        max: u32,
    },
}

/// Lower-cases and folds accents the way the analyzer does, keeping `*` and `?`.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if !run.is_empty() {
            for (t, _, _) in analyzer::tokenize_query(run) {
                out.push_str(&t);
            }
            run.clear();
        }
    };
    for c in s.chars() {
        if c == '*' || c == '?' {
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
        if w.chars().all(|c| c == '*' || c == '?') {
            return Err(format!(
                "\"{raw}\" has no letters: a wildcard needs at least one"
            ));
        }
        if w.contains(['*', '?']) {
            Ok(Some(Pattern::Wildcard(w)))
        } else {
            Ok(Some(Pattern::Exact(w)))
        }
    }

    pub fn is_exact(&self) -> bool {
        matches!(self, Pattern::Exact(_))
    }

    /// Does an indexed (normalised) word match?
    pub fn matches(&self, term: &str) -> bool {
        match self {
            Pattern::Exact(w) => w == term,
            Pattern::Wildcard(p) => glob(p.as_bytes(), term.as_bytes()),
            Pattern::Stem { word, stem: s } => term == word || stem(term) == *s,
            Pattern::Fuzzy { prefix, word, max } => {
                term.starts_with(prefix.as_str())
                    && within_edits(&word[prefix.len()..], &term[prefix.len()..], *max)
            }
        }
    }

    /// Every indexed word starts with this (used to bound dictionary scans).
    pub fn literal_prefix(&self) -> &str {
        match self {
            Pattern::Exact(w) => w,
            Pattern::Wildcard(p) => &p[..p.find(['*', '?']).unwrap_or(p.len())],
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
            Pattern::Exact(w) => w.clone(),
            Pattern::Wildcard(p) => format!("{p} (wildcard)"),
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
        if let Pattern::Exact(w) = self {
            out.insert(w.clone());
            return Ok(out);
        }
        let prefix = self.literal_prefix().as_bytes().to_vec();
        for seg in searcher.segment_readers() {
            let inv = seg
                .inverted_index(field)
                .context("cannot read the term dictionary")?;
            let mut range = inv.terms().range().ge(&prefix);
            if let Some(upper) = prefix_upper(&prefix) {
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

/// `*` any run, `?` exactly one character (UTF-8 aware).
fn glob(p: &[u8], t: &[u8]) -> bool {
    let (p, t) = (
        std::str::from_utf8(p).unwrap_or(""),
        std::str::from_utf8(t).unwrap_or(""),
    );
    let p: Vec<char> = p.chars().collect();
    let t: Vec<char> = t.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
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
    fn edits() {
        assert!(within_edits("kitten", "sitting", 3));
        assert!(!within_edits("kitten", "sitting", 2));
        assert!(within_edits("", "ab", 2));
    }
}
