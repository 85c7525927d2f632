//! Findings: per (conversation, article), the copied spans with their labels and the scores
//! that decide whether it is a finding. Stored as `findings.jsonl` in the matter, replaced
//! atomically by each run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::attribution::{self, Label, Supplied};
use super::elicitation::{self, ArticleNames, Asked, Elicitation, RequestedBy};
use super::matcher;
use super::normalize;
use super::table::ArticleTable;
use crate::model::{Conversation, Role};

pub use crate::matter::Thresholds;

/// One copied span: byte offsets in the message text and in the article text.
///
/// In JSON the message is named twice, for what each number is: `message_index` counts from 0
/// (the position in the conversation's `messages`), `message_number` from 1 (what every
/// display and export shows people). Files written before the rename say `message`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(from = "StoredSpan")]
pub struct Span {
    #[serde(rename = "message_index")]
    pub message: u32,
    pub message_number: u32,
    pub start: usize,
    pub end: usize,
    pub article_start: usize,
    pub article_end: usize,
    pub label: Label,
    /// Words of the span that match the article (edited words excluded).
    pub words: usize,
}

#[derive(Deserialize)]
struct StoredSpan {
    #[serde(rename = "message_index", alias = "message")]
    message: u32,
    start: usize,
    end: usize,
    article_start: usize,
    article_end: usize,
    label: Label,
    words: usize,
}

impl From<StoredSpan> for Span {
    fn from(s: StoredSpan) -> Span {
        Span {
            message: s.message,
            message_number: s.message + 1,
            start: s.start,
            end: s.end,
            article_start: s.article_start,
            article_end: s.article_end,
            label: s.label,
            words: s.words,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    pub conversation: String,
    pub article: String,
    pub label: Label,
    pub strong: bool,
    pub longest_run_words: usize,
    pub longest_run_chars: usize,
    pub reproduced_words: usize,
    pub echoed_words: usize,
    pub longest_echo_words: usize,
    /// Share of the article's words reproduced.
    pub article_coverage: f64,
    /// Share of the assistant's words that are reproduced article text.
    pub reply_share: f64,
    /// How the reproduction came about (none in findings written before it was recorded).
    #[serde(default)]
    pub elicitation: Option<Elicitation>,
    /// Words of the article supplied in earlier user, system or tool messages before the
    /// first reply that reproduces it.
    #[serde(default)]
    pub supplied_words: usize,
    /// Reproduced words that were not supplied.
    #[serde(default)]
    pub beyond_supplied_words: usize,
    /// A reproduced run starts within a few words after a supplied passage of the article.
    #[serde(default)]
    pub continues_supplied: bool,
    /// The earlier user message that named the article (requested findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<RequestedBy>,
    pub spans: Vec<Span>,
}

impl Finding {
    /// How the reproduction came about, in a sentence (for the details pane and the command
    /// line).
    pub fn elicitation_description(&self) -> String {
        match self.elicitation {
            None => "elicitation not recorded (detection ran before it was)".to_string(),
            Some(Elicitation::Unprompted) => {
                "unprompted: nothing of the article was supplied or named before".to_string()
            }
            Some(Elicitation::Requested) => match &self.requested_by {
                Some(r) => format!(
                    "requested: message {} names the article by its {}, and supplies none of its text",
                    r.message_number, r.by
                ),
                None => "requested: the article was named before".to_string(),
            },
            Some(Elicitation::Primed) => format!(
                "primed: {} words of the article were supplied; the model went on for {} words beyond them{}",
                self.supplied_words,
                self.beyond_supplied_words,
                if self.continues_supplied {
                    ", continuing the supplied passage"
                } else {
                    ""
                }
            ),
            Some(Elicitation::Echo) => format!(
                "echo: the model only repeated {} words the user supplied",
                self.longest_echo_words
            ),
        }
    }

    /// The finding's run as a reader should see it: the longest reproduced run, or, for a
    /// finding that only echoes the user's own text, how much of it was echoed.
    pub fn run_description(&self) -> String {
        if self.longest_run_words > 0 {
            format!("run {} words", self.longest_run_words)
        } else {
            format!("echoed {} words the user supplied", self.longest_echo_words)
        }
    }
}

/// Findings of one conversation against the article table, without the articles' titles and
/// URLs (no finding is then `requested`).
pub fn scan(conv: &Conversation, table: &ArticleTable, th: &Thresholds) -> Vec<Finding> {
    scan_named(conv, table, &ArticleNames::default(), th)
}

/// Findings of one conversation against a stored table, each article's title and URL read from
/// the store when a run of it is found.
pub fn scan_stored(
    conv: &Conversation,
    table: &ArticleTable,
    th: &Thresholds,
) -> Result<Vec<Finding>> {
    scan_with(conv, table, Names::FromTable, th)
}

/// What was supplied of an article and who named it, as of the first reply reproducing it.
struct Before {
    supplied: Vec<bool>,
    requested_by: Option<RequestedBy>,
    /// Article token positions where a reproduced stretch starts.
    starts: Vec<usize>,
}

/// Findings of one conversation against the article table; `names` (the articles' titles and
/// URLs, in the table's order) tell requested reproductions apart.
pub fn scan_named(
    conv: &Conversation,
    table: &ArticleTable,
    names: &ArticleNames,
    th: &Thresholds,
) -> Vec<Finding> {
    // An in-memory table reads nothing that could fail.
    scan_with(conv, table, Names::Given(names), th).unwrap_or_default()
}

/// Where the names of articles (title, URL) come from.
#[derive(Clone, Copy)]
enum Names<'a> {
    Given(&'a ArticleNames),
    /// Each article's own record in the table, read when a run of it is found.
    FromTable,
}

fn scan_with(
    conv: &Conversation,
    table: &ArticleTable,
    names: Names,
    th: &Thresholds,
) -> Result<Vec<Finding>> {
    // Records of the articles this conversation copies, asked for once each: a mapped table
    // hands them out from its shared cache, under a lock this spares the later asks.
    type Record<'t> = std::rc::Rc<super::table::ArticleRef<'t>>;
    let mut records: HashMap<u32, Record<'_>> = HashMap::new();
    let mut record = |a: u32| -> Result<Record<'_>> {
        if let Some(r) = records.get(&a) {
            return Ok(r.clone());
        }
        let r = std::rc::Rc::new(table.article(a)?);
        records.insert(a, r.clone());
        Ok(r)
    };
    let mut supplied = Supplied::default();
    let mut asked: Vec<Asked> = Vec::new();
    let mut before: HashMap<u32, Before> = HashMap::new();
    let mut per_article: BTreeMap<u32, Vec<Span>> = BTreeMap::new();
    let mut covered: HashMap<u32, HashSet<u32>> = HashMap::new();
    let mut assistant_words = 0usize;
    for m in &conv.messages {
        let toks = normalize::tokens(&m.text);
        if m.role != Role::Assistant {
            supplied.add(&toks);
            if m.role == Role::User {
                asked.push(Asked::new(m.index + 1, &m.text, &toks));
            }
            continue;
        }
        assistant_words += toks.len();
        // Runs shorter than the smallest span we could report are not worth following.
        for run in matcher::runs(&toks, table, th.min_words.min(10)) {
            let marks = supplied.mark(&toks, run.m_start, run.m_end);
            let b = match before.entry(run.article) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(Before {
                    supplied: supplied.mark_article(table.words(run.article)),
                    requested_by: match names {
                        Names::Given(n) => n
                            .names
                            .get(run.article as usize)
                            .and_then(|n| elicitation::requested_by(n, &asked)),
                        Names::FromTable => {
                            elicitation::requested_by(&record(run.article)?.name(), &asked)
                        }
                    },
                    starts: Vec::new(),
                }),
            };
            for (s, e, label) in attribution::segments(&marks, run.m_start) {
                // Article range: the aligned pairs inside this stretch.
                let inside: Vec<&(u32, u32)> = run
                    .pairs
                    .iter()
                    .filter(|p| (p.0 as usize) >= s && (p.0 as usize) < e)
                    .collect();
                let (Some(first), Some(last)) = (inside.first(), inside.last()) else {
                    continue;
                };
                if label == Label::Reproduced {
                    let c = covered.entry(run.article).or_default();
                    c.extend(inside.iter().map(|p| p.1));
                    b.starts.push(first.1 as usize);
                }
                per_article.entry(run.article).or_default().push(Span {
                    message: m.index,
                    message_number: m.index + 1,
                    start: toks[s].start as usize,
                    end: toks[e - 1].end as usize,
                    // Article words for now; bytes once the finding is kept.
                    article_start: first.1 as usize,
                    article_end: last.1 as usize,
                    label,
                    // Matched words only: words changed in a near-verbatim copy do not count.
                    words: inside.len(),
                });
            }
        }
    }
    let mut out = Vec::new();
    for (article, spans) in per_article {
        let rep: Vec<&Span> = spans
            .iter()
            .filter(|s| s.label == Label::Reproduced)
            .collect();
        let echo: Vec<&Span> = spans.iter().filter(|s| s.label == Label::Echoed).collect();
        let longest_run_words = rep.iter().map(|s| s.words).max().unwrap_or(0);
        let longest_run_chars = rep.iter().map(|s| s.end - s.start).max().unwrap_or(0);
        let longest_echo_words = echo.iter().map(|s| s.words).max().unwrap_or(0);
        let label = if longest_run_words >= th.min_words {
            Label::Reproduced
        } else if longest_echo_words >= th.min_words {
            Label::Echoed
        } else {
            continue;
        };
        let reproduced_words: usize = rep.iter().map(|s| s.words).sum();
        let b = before.remove(&article);
        // A few shared words are a phrase, not a supplied passage: counted as none.
        let supplied_words = b
            .as_ref()
            .map(|b| b.supplied.iter().filter(|x| **x).count())
            .filter(|n| *n >= elicitation::MIN_SUPPLIED)
            .unwrap_or(0);
        let continues_supplied = b.as_ref().is_some_and(|b| {
            b.starts.iter().any(|&a| {
                (a.saturating_sub(elicitation::CONTINUES_WITHIN)..a)
                    .any(|k| b.supplied.get(k).copied().unwrap_or(false))
            })
        });
        let reproduced = label == Label::Reproduced;
        let requested_by = b.and_then(|b| b.requested_by);
        let elicitation = elicitation::classify(reproduced, supplied_words, requested_by.is_some());
        let art_len = table.words(article).len().max(1);
        let stored = record(article)?;
        let coverage = covered.get(&article).map(|c| c.len()).unwrap_or(0) as f64 / art_len as f64;
        let mut finding = Finding {
            conversation: conv.id.clone(),
            article: stored.id.clone(),
            label,
            strong: label == Label::Reproduced
                && (longest_run_words >= th.strong_words || longest_run_chars >= th.strong_chars),
            longest_run_words,
            longest_run_chars,
            reproduced_words,
            echoed_words: echo.iter().map(|s| s.words).sum(),
            longest_echo_words,
            article_coverage: (coverage * 10_000.0).round() / 10_000.0,
            reply_share: if assistant_words == 0 {
                0.0
            } else {
                ((reproduced_words as f64 / assistant_words as f64) * 10_000.0).round() / 10_000.0
            },
            elicitation: Some(elicitation),
            supplied_words,
            beyond_supplied_words: if reproduced { reproduced_words } else { 0 },
            continues_supplied: reproduced && continues_supplied,
            requested_by: if elicitation == Elicitation::Requested {
                requested_by
            } else {
                None
            },
            spans,
        };
        // Byte offsets of the article words the spans end at, and no further.
        let last = finding
            .spans
            .iter()
            .map(|s| s.article_end)
            .max()
            .unwrap_or(0);
        let offsets = normalize::tokens_upto(&stored.text, last + 1);
        for s in &mut finding.spans {
            let (Some(a), Some(b)) = (offsets.get(s.article_start), offsets.get(s.article_end))
            else {
                anyhow::bail!(
                    "article {} no longer has the words its table holds; rebuild the table",
                    stored.id
                );
            };
            (s.article_start, s.article_end) = (a.start as usize, b.end as usize);
        }
        out.push(finding);
    }
    Ok(out)
}

pub fn path_in(matter_dir: &Path) -> PathBuf {
    matter_dir.join("findings.jsonl")
}

/// Reads the stored findings (none when detection never ran).
pub fn load(matter_dir: &Path) -> Result<Vec<Finding>> {
    crate::fsutil::read_jsonl(&path_in(matter_dir), "a finding")
}

/// The stored findings by conversation, read on demand (only conversation ids are held).
pub fn lookup(matter_dir: &Path) -> Result<crate::line_index::LineIndex> {
    crate::line_index::LineIndex::build(&path_in(matter_dir), "conversation", None)
}

/// Findings summarised per conversation, for query filters and sorting.
#[derive(Debug, Default, Clone)]
pub struct FindingsIndex {
    pub by_conversation: HashMap<String, ConvFindings>,
}

#[derive(Debug, Default, Clone)]
pub struct ConvFindings {
    /// Longest reproduced run over all its findings (words).
    pub score: usize,
    /// Longest echoed run (words the user supplied, repeated).
    pub echo: usize,
    pub articles: Vec<String>,
    pub labels: HashSet<Label>,
    pub strong: bool,
    pub elicitations: HashSet<Elicitation>,
    /// Most article words supplied before a reproduction (over its findings).
    pub supplied: usize,
    /// Most reproduced words beyond what was supplied.
    pub beyond: usize,
    /// The elicitation of the finding with the longest run (reproduced, else echoed).
    pub main_elicitation: Option<Elicitation>,
    main_run: usize,
}

impl FindingsIndex {
    pub fn new(findings: &[Finding]) -> FindingsIndex {
        let mut by_conversation: HashMap<String, ConvFindings> = HashMap::new();
        for f in findings {
            let c = by_conversation.entry(f.conversation.clone()).or_default();
            c.score = c.score.max(f.longest_run_words);
            c.echo = c.echo.max(f.longest_echo_words);
            c.articles.push(f.article.clone());
            c.labels.insert(f.label);
            c.strong |= f.strong;
            if let Some(e) = f.elicitation {
                c.elicitations.insert(e);
            }
            c.supplied = c.supplied.max(f.supplied_words);
            c.beyond = c.beyond.max(f.beyond_supplied_words);
            // Reproduced runs outrank echoed ones (an echo counts below any reproduction).
            let run = f.longest_run_words * 1000 + f.longest_echo_words.min(999);
            if c.main_elicitation.is_none() || run > c.main_run {
                c.main_run = run;
                c.main_elicitation = f.elicitation;
            }
        }
        FindingsIndex { by_conversation }
    }

    pub fn load(matter_dir: &Path) -> Result<FindingsIndex> {
        Ok(FindingsIndex::new(&load(matter_dir)?))
    }

    pub fn score(&self, id: &str) -> usize {
        self.by_conversation.get(id).map(|c| c.score).unwrap_or(0)
    }

    /// How the conversation's main finding came about.
    pub fn elicitation(&self, id: &str) -> Option<Elicitation> {
        self.by_conversation
            .get(id)
            .and_then(|c| c.main_elicitation)
    }

    /// The longest echoed run of a conversation (words).
    pub fn echo(&self, id: &str) -> usize {
        self.by_conversation.get(id).map(|c| c.echo).unwrap_or(0)
    }

    pub fn ids_where(&self, pred: impl Fn(&ConvFindings) -> bool) -> Vec<&str> {
        self.by_conversation
            .iter()
            .filter(|(_, c)| pred(c))
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

#[cfg(test)]
mod run_description_tests {
    use super::*;

    #[test]
    fn an_echo_only_finding_says_what_was_echoed() {
        let mut f = Finding {
            conversation: "c".into(),
            article: "a".into(),
            label: Label::Echoed,
            strong: false,
            longest_run_words: 0,
            longest_run_chars: 0,
            reproduced_words: 0,
            echoed_words: 45,
            longest_echo_words: 45,
            article_coverage: 0.0,
            reply_share: 0.0,
            elicitation: None,
            supplied_words: 0,
            beyond_supplied_words: 0,
            continues_supplied: false,
            requested_by: None,
            spans: Vec::new(),
        };
        assert_eq!(f.run_description(), "echoed 45 words the user supplied");
        f.longest_run_words = 12;
        assert_eq!(f.run_description(), "run 12 words");
    }
}
