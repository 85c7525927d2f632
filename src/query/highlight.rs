//! Where a query's words and phrases occur in a conversation: byte ranges per message. Only
//! positive clauses mark text; what sits under a NOT marks nothing.

use super::ast::Node;
use super::budget::{Budget, Exceeded, Limits, Meter};
use super::span::{self, Leaf, SpanExpr};
use crate::index::analyzer::{self, TextMode};
use crate::model::{Conversation, Role};

/// Byte ranges of hits in one message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MessageHits {
    pub message: u32,
    pub ranges: Vec<(usize, usize)>,
}

fn field_of(role: Role) -> &'static str {
    match role {
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::System => "system",
        Role::Tool => "tool",
    }
}

/// The positive positional parts of a query (those not under a NOT), each as an expression
/// for the position matcher.
fn matchers(node: &Node, out: &mut Vec<(SpanExpr, Vec<Leaf>)>) {
    match node {
        Node::And(xs) | Node::Or(xs) => xs.iter().for_each(|x| matchers(x, out)),
        Node::Weight { node, .. } => matchers(node, out),
        Node::Phrase { .. } | Node::Near { .. } => {
            let mut leaves = Vec::new();
            if let Some(e) = span::build(node, &mut leaves) {
                out.push((e, leaves));
            }
        }
        _ => {}
    }
}

/// Hits of `query` in each message of `conv` (messages without hits are left out). The same
/// matcher as the index decides, so only words that satisfy a phrase or proximity are marked.
pub fn hits(query: &Node, conv: &Conversation, mode: TextMode) -> Vec<MessageHits> {
    // Marking hits is for display: a query too costly to mark in full gets no marks after a
    // bounded effort (the search itself already ran under its own budget).
    let budget = Budget::new(Limits {
        max_steps: 50_000_000,
        max_time: std::time::Duration::from_secs(2),
        ..Limits::default()
    });
    hits_metered(query, conv, mode, &mut budget.meter("")).unwrap_or_default()
}

/// [`hits`] counted against a query's budget: stops when it is spent or cancelled.
pub fn hits_metered(
    query: &Node,
    conv: &Conversation,
    mode: TextMode,
    meter: &mut Meter,
) -> Result<Vec<MessageHits>, Exceeded> {
    mark(query, conv, mode, meter, false, true)
}

/// The hits of the first message that has any (what a snippet shows), counted against a
/// query's budget. Messages after it are not read.
pub fn first_hits_metered(
    query: &Node,
    conv: &Conversation,
    mode: TextMode,
    meter: &mut Meter,
) -> Result<Option<MessageHits>, Exceeded> {
    Ok(mark(query, conv, mode, meter, true, true)?.pop())
}

/// A positional part of a query: its expression, its leaves, and for each leaf the ASCII
/// pieces one of which every word it matches contains (see [`Pattern::needles`]).
struct Matcher {
    expr: SpanExpr,
    leaves: Vec<Leaf>,
    needles: Vec<Option<Vec<String>>>,
}

impl Matcher {
    /// A single word (or word pattern) with literal pieces: its hits are the words that match.
    fn is_one_word(&self) -> bool {
        self.leaves.len() == 1
            && matches!(&self.expr, SpanExpr::Phrase(ids) if ids == &[0])
            && self.needles[0].is_some()
    }

    fn new(expr: SpanExpr, leaves: Vec<Leaf>) -> Matcher {
        let needles = leaves
            .iter()
            .map(|l| {
                // The test below lower-cases ASCII only: a piece with other letters is not
                // looked for.
                l.pattern
                    .needles()
                    .filter(|ns| ns.iter().all(|n| n.is_ascii()))
            })
            .collect();
        Matcher {
            expr,
            leaves,
            needles,
        }
    }

    /// Whether this part can match in a message of `field` whose text, lower-cased, is
    /// `lower` (`None`: a text whose words may fold into letters it does not spell).
    fn may_match(&self, field: &str, lower: Option<&[u8]>) -> bool {
        let possible = |i: usize| {
            let (leaf, needles) = (&self.leaves[i], &self.needles[i]);
            match (leaf.scope.covers(field), needles, lower) {
                (false, _, _) => false,
                (true, Some(ns), Some(text)) => ns
                    .iter()
                    .any(|n| memchr::memmem::find(text, n.as_bytes()).is_some()),
                _ => true,
            }
        };
        self.expr.may_match(&possible)
    }
}

/// Whether `c` may lower-case or fold into ASCII letters or digits: the ranges that tantivy's
/// lower-caser and ASCII folding map to ASCII (a test checks every other character).
fn may_fold_to_ascii(c: char) -> bool {
    matches!(c as u32,
        0x80..=0x2AF
        | 0x1D00..=0x1EFF
        | 0x2010..=0x2184
        | 0x2460..=0x24FF
        | 0x275B..=0x2793
        | 0x2C60..=0x2C7F
        | 0x2E28..=0x2E29
        | 0xA720..=0xA7FF
        | 0xFB00..=0xFB06
        | 0xFF01..=0xFF5E)
}

/// `text` with ASCII lower-cased, when every word the analyzer makes of it holds the ASCII
/// letters and digits of the text as they stand there: a word can then contain an ASCII piece
/// only if the result does. `None` when a letter could fold into ASCII (`é` into `e`).
fn ascii_words_lowered(text: &str) -> Option<Vec<u8>> {
    // Only letters and digits make words: punctuation (curly quotes, dashes) never enters one,
    // and other scripts stay outside ASCII.
    if !text.is_ascii()
        && text
            .chars()
            .any(|c| !c.is_ascii() && may_fold_to_ascii(c) && c.is_alphanumeric())
    {
        return None;
    }
    Some(text.bytes().map(|b| b.to_ascii_lowercase()).collect())
}

fn mark(
    query: &Node,
    conv: &Conversation,
    mode: TextMode,
    meter: &mut Meter,
    first_only: bool,
    prefilter: bool,
) -> Result<Vec<MessageHits>, Exceeded> {
    let mut parts = Vec::new();
    matchers(query, &mut parts);
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let ms: Vec<Matcher> = parts
        .into_iter()
        .map(|(expr, leaves)| Matcher::new(expr, leaves))
        .collect();
    let any_needles = ms.iter().any(|x| x.needles.iter().any(Option::is_some));
    let mut out = Vec::new();
    for m in &conv.messages {
        let field = field_of(m.role);
        if !ms
            .iter()
            .any(|x| x.leaves.iter().any(|l| l.scope.covers(field)))
        {
            continue;
        }
        // Tokenizing is most of the cost of marking: a message that lacks the letters of a
        // word every match needs is passed over unread.
        // Lower-cased only when some word has pieces to look for (not for `#word` or `1~~9`).
        let lower = if prefilter && any_needles {
            ascii_words_lowered(&m.text)
        } else {
            None
        };
        meter.tick((m.text.len() / 64) as u64)?;
        if prefilter && !ms.iter().any(|x| x.may_match(field, lower.as_deref())) {
            continue;
        }
        let mut ranges = Vec::new();
        match lower.as_deref() {
            Some(lower) if prefilter && ms.iter().all(Matcher::is_one_word) => {
                one_word_hits(&ms, field, &m.text, lower, mode, meter, &mut ranges)?;
            }
            _ => positional_hits(&ms, field, &m.text, mode, meter, &mut ranges)?,
        }
        if ranges.is_empty() {
            continue;
        }
        ranges.sort_unstable();
        // Merge overlapping ranges so each byte is marked once.
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
                _ => merged.push(r),
            }
        }
        out.push(MessageHits {
            message: m.index,
            ranges: merged,
        });
        if first_only {
            break;
        }
    }
    Ok(out)
}

/// Hits of one-word parts, found by tokenizing only the words where the text spells one of
/// their pieces. Each such stretch runs between two ASCII characters that are neither letters,
/// digits nor `_`, so it starts and ends words, and the analyzer makes the same words of it as
/// of the whole text (their positions, which one word does not need, aside).
fn one_word_hits(
    ms: &[Matcher],
    field: &str,
    text: &str,
    lower: &[u8],
    mode: TextMode,
    meter: &mut Meter,
    ranges: &mut Vec<(usize, usize)>,
) -> Result<(), Exceeded> {
    let in_word = |b: u8| !b.is_ascii() || b.is_ascii_alphanumeric() || b == b'_';
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for x in ms.iter().filter(|x| x.leaves[0].scope.covers(field)) {
        for n in x.needles[0].iter().flatten() {
            let mut covered = 0;
            for at in memchr::memmem::find_iter(lower, n.as_bytes()) {
                if at < covered {
                    continue;
                }
                let mut start = at;
                while start > 0 && in_word(lower[start - 1]) {
                    start -= 1;
                }
                let mut end = at + n.len();
                while end < lower.len() && in_word(lower[end]) {
                    end += 1;
                }
                spans.push((start, end));
                covered = end;
            }
        }
    }
    spans.sort_unstable();
    spans.dedup();
    let mut done = 0;
    for (start, end) in spans {
        // Stretches of two parts' pieces may overlap: each word is read once.
        let start = start.max(done);
        if start >= end {
            continue;
        }
        done = end;
        let toks = analyzer::tokenize_with_positions(&text[start..end], mode);
        meter.tick(toks.len() as u64)?;
        for (word, at, _) in &toks {
            if ms
                .iter()
                .any(|x| x.leaves[0].scope.covers(field) && x.leaves[0].pattern.matches(word))
                && at.start < at.end
            {
                ranges.push((start + at.start, start + at.end));
            }
        }
    }
    Ok(())
}

/// Hits of every part, from the positions of the whole text's words.
fn positional_hits(
    ms: &[Matcher],
    field: &str,
    text: &str,
    mode: TextMode,
    meter: &mut Meter,
    ranges: &mut Vec<(usize, usize)>,
) -> Result<(), Exceeded> {
    let toks = analyzer::tokenize_with_positions(text, mode);
    for x in ms {
        let positions: Vec<Vec<u32>> = x
            .leaves
            .iter()
            .map(|l| {
                if !l.scope.covers(field) {
                    return Vec::new();
                }
                toks.iter()
                    .filter(|t| l.pattern.matches(&t.0))
                    .map(|t| t.2)
                    .collect()
            })
            .collect();
        meter.tick(toks.len() as u64)?;
        for sp in span::eval(&x.expr, &positions, meter)? {
            for (a, b) in sp.marks {
                let start = toks.partition_point(|t| t.2 < a);
                let end = toks.partition_point(|t| t.2 <= b);
                // Words only: a boundary mark alone (xlastword) marks no text.
                if start < end && toks[start].1.start < toks[end - 1].1.end {
                    ranges.push((toks[start].1.start, toks[end - 1].1.end));
                }
            }
        }
    }
    Ok(())
}

/// A one-line excerpt of `text` around `ranges`, at most about `width` bytes, with the ranges
/// that fall inside it re-based onto the excerpt. Line breaks become spaces (same length).
pub fn snippet(
    text: &str,
    ranges: &[(usize, usize)],
    width: usize,
) -> (String, Vec<(usize, usize)>) {
    let first = ranges.first().map(|r| r.0).unwrap_or(0);
    let mut start = first.saturating_sub(width / 3);
    let mut end = (start + width).min(text.len());
    if end == text.len() {
        start = end.saturating_sub(width);
    }
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // Start and end at word boundaries when one is near.
    if start > 0
        && let Some(sp) = text[start..first.max(start)].find(' ')
    {
        start += sp + 1;
    }
    if end < text.len()
        && let Some(sp) = text[start..end].rfind(' ')
        && start + sp > first
    {
        end = start + sp;
    }
    let body: String = text[start..end]
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let (prefix, suffix) = (
        if start > 0 { "…" } else { "" },
        if end < text.len() { "…" } else { "" },
    );
    let shift = prefix.len();
    let rel = ranges
        .iter()
        .filter(|r| r.0 >= start && r.1 <= end)
        .map(|r| (r.0 - start + shift, r.1 - start + shift))
        .collect();
    (format!("{prefix}{body}{suffix}"), rel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Message, SourceRef};

    fn conv(texts: &[(Role, &str)]) -> Conversation {
        Conversation {
            id: "c".into(),
            source: SourceRef {
                file: "f".into(),
                record: 1,
            },
            title: None,
            created: None,
            model: None,
            language: None,
            messages: texts
                .iter()
                .enumerate()
                .map(|(i, (r, t))| Message {
                    index: i as u32,
                    role: *r,
                    author: None,
                    created: None,
                    text: t.to_string(),
                })
                .collect(),
            metadata: Default::default(),
            family: None,
        }
    }

    #[test]
    fn marks_phrases_not_negations() {
        let c = conv(&[
            (Role::User, "Apple pie and apple tart"),
            (Role::Assistant, "I like pie. Apple pie!"),
        ]);
        let q = super::super::parse("\"apple pie\" NOT tart");
        let h = hits(&q.unwrap(), &c, TextMode::Standard);
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].ranges, vec![(0, 9)]);
        assert_eq!(h[1].ranges, vec![(12, 21)]);
        let q = super::super::parse("assistant:pie").unwrap();
        let h = hits(&q, &c, TextMode::Standard);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].message, 1);
    }

    /// The prefilter's premise: no letter or digit outside its ranges becomes ASCII in a word.
    #[test]
    fn only_the_listed_ranges_fold_into_ascii() {
        for mode in [TextMode::Standard, TextMode::Relativity] {
            let mut a = analyzer::index_analyzer_for(mode);
            for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
                if !c.is_alphanumeric() || may_fold_to_ascii(c) {
                    continue;
                }
                let s = c.to_string();
                let mut st = a.token_stream(&s);
                while let Some(t) = st.next() {
                    assert!(
                        t.text.starts_with(analyzer::MARK) || !t.text.bytes().any(|b| b.is_ascii()),
                        "{c:?} (U+{:04X}) becomes {:?}",
                        c as u32,
                        t.text
                    );
                }
            }
        }
    }

    const LONG_KEYFISH: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxkeyfish";
    const LONG_KEY: &str = "keyxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxkey";

    /// Marks with the prefilter are the marks without it, on text in several scripts with
    /// letters that fold (`é`, `ﬁ`, `Ｋ`, the Kelvin sign) and queries of every positional kind.
    #[test]
    fn prefilter_never_changes_the_marks() {
        use proptest::prelude::*;
        let words = [
            "Café",
            "cafe",
            "CAFE",
            "naïve",
            "naive",
            "ﬁsh",
            "fish",
            "Ｋey",
            "key",
            "\u{212A}ey",
            "привет",
            "Привет",
            "東京都",
            "東京",
            "crypto_currency",
            "crypto",
            "cryptography",
            "Straße",
            "strasse",
            "the",
            "The",
            "a",
            "once",
            "upon",
            "time",
            "2024",
            "²",
            "key_fish",
            "東京key",
            "key東京",
            "fish’s",
            "Mr.",
            "e.g.",
            "KEYkey",
            // Long words are indexed in pieces of 100 bytes: a piece may cut a word in two.
            LONG_KEYFISH,
            LONG_KEY,
        ];
        let queries = [
            "cafe",
            "key",
            "fish",
            "naive",
            "привет",
            "東京",
            "crypto*",
            "crypt?graphy",
            "\"once upon a time\"",
            "cafe w/3 fish",
            "key pre/2 fish",
            "cafe NOT w/2 key",
            "strasse",
            "caf%e",
            "the AND (fish OR key)",
            "user:cafe",
            "assistant:\"the key\"",
            "key OR fish",
            "keyfish",
            "key*",
            "*fish",
            "key_fish",
            "cafe OR user:key",
        ];
        let word = proptest::sample::select(words.to_vec());
        let text = proptest::collection::vec((word, 0..4u8), 0..30).prop_map(|ws| {
            ws.into_iter()
                .map(|(w, sep)| format!("{w}{}", [" ", ". ", "\n\n", "’"][sep as usize]))
                .collect::<String>()
        });
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(
                &(proptest::collection::vec(text, 1..4), 0..queries.len()),
                |(texts, qi)| {
                    let roles = [Role::User, Role::Assistant];
                    let c = conv(
                        &texts
                            .iter()
                            .enumerate()
                            .map(|(i, t)| (roles[i % 2], t.as_str()))
                            .collect::<Vec<_>>(),
                    );
                    let q = super::super::parse(queries[qi]).unwrap();
                    let budget = Budget::default();
                    for mode in [TextMode::Standard, TextMode::Relativity] {
                        for first in [false, true] {
                            let with = mark(&q, &c, mode, &mut budget.meter(""), first, true);
                            let without = mark(&q, &c, mode, &mut budget.meter(""), first, false);
                            prop_assert_eq!(with.unwrap(), without.unwrap());
                        }
                    }
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn snippet_rebases_ranges() {
        let text = "one two three four five six seven eight nine ten";
        let at = text.find("five").unwrap();
        let (s, r) = snippet(text, &[(at, at + 4)], 20);
        let (a, b) = r[0];
        assert_eq!(&s[a..b], "five");
    }
}
