//! How a reproduction came about. Each finding is one of:
//! - `unprompted`: nothing of the article (no text, title or URL) in any earlier user, system
//!   or tool message;
//! - `requested`: an earlier user message names the article (its URL or slug, its title or
//!   most of the title's distinctive words, or a run of four headline words) and supplies none
//!   of its text;
//! - `primed`: an earlier message supplied text of the article and the assistant went on to
//!   produce article text beyond it;
//! - `echo`: the assistant only repeated supplied text.
//!
//! Supplied article text is counted on the article: an article word is supplied when a window
//! of `SUPPLY_K` words around it occurred in an earlier non-assistant message.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::normalize::{self, Token};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Elicitation {
    Unprompted,
    Requested,
    Primed,
    Echo,
}

impl Elicitation {
    pub const ALL: [Elicitation; 4] = [
        Elicitation::Unprompted,
        Elicitation::Requested,
        Elicitation::Primed,
        Elicitation::Echo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Elicitation::Unprompted => "unprompted",
            Elicitation::Requested => "requested",
            Elicitation::Primed => "primed",
            Elicitation::Echo => "echo",
        }
    }

    pub fn parse(s: &str) -> Option<Elicitation> {
        Elicitation::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The one-letter mark of the result list.
    pub fn letter(self) -> char {
        match self {
            Elicitation::Unprompted => 'U',
            Elicitation::Requested => 'R',
            Elicitation::Primed => 'P',
            Elicitation::Echo => 'E',
        }
    }
}

/// How an earlier user message named the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedBy {
    /// `url`, `title` or `headline`.
    pub by: String,
    /// The user message (1-based, as every display numbers messages).
    pub message_number: u32,
}

/// What names an article: its title's words and its URL.
#[derive(Debug, Clone, Default)]
pub struct ArticleName {
    /// The title's word hashes, in order.
    title: Vec<u64>,
    /// The title's distinctive words (not function words).
    distinctive: Vec<u64>,
    /// The URL, lower case, without scheme and `www.`.
    url: Option<String>,
    /// The URL's last path segment when it reads as a slug (three words or more).
    slug: Option<String>,
}

/// The names of every article, in the table's order.
#[derive(Debug, Clone, Default)]
pub struct ArticleNames {
    pub names: Vec<ArticleName>,
}

/// Words that say nothing about which article is meant.
const FUNCTION_WORDS: [&str; 40] = [
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "from", "and", "or",
    "but", "is", "are", "was", "were", "be", "as", "its", "it", "this", "that", "after", "over",
    "up", "new", "says", "say", "said", "will", "has", "have", "not", "no", "into", "out", "about",
];

fn hashes(text: &str) -> Vec<u64> {
    normalize::tokens(text)
        .into_iter()
        .map(|t| t.hash)
        .collect()
}

fn bare_url(u: &str) -> String {
    let u = u.trim().to_lowercase();
    let u = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .unwrap_or(&u);
    let u = u.strip_prefix("www.").unwrap_or(u);
    u.trim_end_matches('/').to_string()
}

impl ArticleName {
    pub fn new(title: Option<&str>, url: Option<&str>) -> ArticleName {
        static STOP: std::sync::OnceLock<HashSet<u64>> = std::sync::OnceLock::new();
        let stop = STOP.get_or_init(|| FUNCTION_WORDS.iter().flat_map(|w| hashes(w)).collect());
        let title = title.map(hashes).unwrap_or_default();
        let mut seen = HashSet::new();
        let distinctive = title
            .iter()
            .copied()
            .filter(|h| !stop.contains(h) && seen.insert(*h))
            .collect();
        let url = url.map(bare_url).filter(|u| u.len() >= 8);
        let slug = url.as_ref().and_then(|u| {
            let last = u.rsplit('/').next()?;
            let last = last.split(['.', '?', '#']).next()?;
            (last.split(['-', '_']).filter(|w| !w.is_empty()).count() >= 3)
                .then(|| last.to_string())
        });
        ArticleName {
            title,
            distinctive,
            url,
            slug,
        }
    }

    /// How `text` (a user message, and its word hashes) names this article, if it does.
    pub fn named_in(&self, text_lower: &str, words: &[u64]) -> Option<&'static str> {
        if let Some(u) = &self.url
            && text_lower.contains(u.as_str())
        {
            return Some("url");
        }
        if let Some(s) = &self.slug
            && text_lower.contains(s.as_str())
        {
            return Some("url");
        }
        if self.title.len() >= 3 && contains_run(words, &self.title) {
            return Some("title");
        }
        let present: HashSet<u64> = words.iter().copied().collect();
        let found = self
            .distinctive
            .iter()
            .filter(|h| present.contains(h))
            .count();
        // Most of a title's distinctive words (all of them when there are only two).
        let n = self.distinctive.len();
        if n >= 2 && found * 4 >= n * 3 && found >= 2 {
            return Some("title");
        }
        // A headline phrase: four title words in a row.
        if self.title.len() >= 4 && self.title.windows(4).any(|w| contains_run(words, w)) {
            return Some("headline");
        }
        None
    }
}

fn contains_run(hay: &[u64], needle: &[u64]) -> bool {
    !needle.is_empty()
        && hay.len() >= needle.len()
        && hay.windows(needle.len()).any(|w| w == needle)
}

/// An earlier user message, kept to see whether it names an article.
#[derive(Debug, Clone)]
pub struct Asked {
    pub message_number: u32,
    pub lower: String,
    pub words: Vec<u64>,
}

impl Asked {
    pub fn new(message_number: u32, text: &str, toks: &[Token]) -> Asked {
        Asked {
            message_number,
            lower: text.to_lowercase(),
            words: toks.iter().map(|t| t.hash).collect(),
        }
    }
}

/// The first earlier user message that names `name`.
pub fn requested_by(name: &ArticleName, asked: &[Asked]) -> Option<RequestedBy> {
    asked.iter().find_map(|a| {
        name.named_in(&a.lower, &a.words).map(|by| RequestedBy {
            by: by.to_string(),
            message_number: a.message_number,
        })
    })
}

/// Article words an earlier message must hold before it counts as having supplied the
/// article's text: a shorter overlap is a shared phrase (a topic, a name), not a passage.
pub const MIN_SUPPLIED: usize = 12;

/// Words after the end of a supplied passage within which a reproduced run continues it.
pub const CONTINUES_WITHIN: usize = 5;

/// The elicitation of a finding from its figures.
pub fn classify(reproduced: bool, supplied_words: usize, requested: bool) -> Elicitation {
    if !reproduced {
        Elicitation::Echo
    } else if supplied_words >= MIN_SUPPLIED {
        Elicitation::Primed
    } else if requested {
        Elicitation::Requested
    } else {
        Elicitation::Unprompted
    }
}

/// Where an article's supplied text is: byte ranges in the article, and in the earlier
/// non-assistant messages that supplied it (for marking both in the review interface).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuppliedText {
    pub article: Vec<(usize, usize)>,
    /// (message index, start, end) in that message's text.
    pub messages: Vec<(u32, usize, usize)>,
}

/// Merges marked tokens into byte ranges.
fn ranges(toks: &[Token], marked: &[bool]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (t, on) in toks.iter().zip(marked) {
        if !on {
            continue;
        }
        let (s, e) = (t.start as usize, t.end as usize);
        match out.last_mut() {
            // Tokens of one run join across the spaces and punctuation between them.
            Some(last) if marked_gap(last.1, s) => last.1 = e,
            _ => out.push((s, e)),
        }
    }
    out
}

fn marked_gap(prev_end: usize, next_start: usize) -> bool {
    next_start >= prev_end && next_start - prev_end <= 4
}

/// The article's text supplied in non-assistant messages before message `before`: a window
/// of `SUPPLY_K` words shared by the message and the article marks both.
pub fn supplied_text(
    conv: &crate::model::Conversation,
    before: u32,
    article_text: &str,
) -> SuppliedText {
    use super::attribution::{SUPPLY_K, window_hash};
    let art = normalize::tokens(article_text);
    let mut out = SuppliedText::default();
    if art.len() < SUPPLY_K {
        return out;
    }
    let art_windows: std::collections::HashMap<u64, Vec<usize>> = {
        let mut m: std::collections::HashMap<u64, Vec<usize>> = Default::default();
        for (j, w) in art.windows(SUPPLY_K).enumerate() {
            m.entry(window_hash(w)).or_default().push(j);
        }
        m
    };
    let mut art_marked = vec![false; art.len()];
    for m in conv
        .messages
        .iter()
        .filter(|m| m.index < before && m.role != crate::model::Role::Assistant)
    {
        let toks = normalize::tokens(&m.text);
        if toks.len() < SUPPLY_K {
            continue;
        }
        let mut marked = vec![false; toks.len()];
        for (i, w) in toks.windows(SUPPLY_K).enumerate() {
            if let Some(js) = art_windows.get(&window_hash(w)) {
                marked[i..i + SUPPLY_K].iter_mut().for_each(|x| *x = true);
                for &j in js {
                    art_marked[j..j + SUPPLY_K]
                        .iter_mut()
                        .for_each(|x| *x = true);
                }
            }
        }
        out.messages.extend(
            ranges(&toks, &marked)
                .into_iter()
                .map(|(s, e)| (m.index, s, e)),
        );
    }
    out.article = ranges(&art, &art_marked);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(text: &str) -> Vec<Asked> {
        vec![Asked::new(1, text, &normalize::tokens(text))]
    }

    #[test]
    fn a_title_url_slug_or_headline_names_the_article() {
        let n = ArticleName::new(
            Some("Rail fares to rise by 3% in January"),
            Some("https://www.example-news.com/business/rail-fares-to-rise-by-3-in-january"),
        );
        let by = |t: &str| requested_by(&n, &ask(t)).map(|r| r.by);
        assert_eq!(
            by("show me example-news.com/business/rail-fares-to-rise-by-3-in-january"),
            Some("url".into())
        );
        assert_eq!(
            by("what did it say in rail-fares-to-rise-by-3-in-january?"),
            Some("url".into())
        );
        assert_eq!(
            by("Give me the article \"Rail fares to rise by 3% in January\""),
            Some("title".into())
        );
        assert_eq!(
            by("the piece about rail fares rising 3% in January"),
            Some("title".into())
        );
        assert_eq!(
            by("about fares to rise by something"),
            Some("headline".into())
        );
        assert_eq!(by("how do trains work"), None);
        assert_eq!(by("January"), None);
    }

    #[test]
    fn supplied_text_is_found_in_the_message_and_the_article() {
        use crate::model::{Conversation, Message, Role, SourceRef};
        let article = "Rail fares will rise by three percent in January, the operators said on Monday. \
                       Passenger groups called the rise unfair.";
        let msg = |i: u32, role: Role, text: &str| Message {
            index: i,
            role,
            author: None,
            created: None,
            text: text.into(),
        };
        let conv = Conversation {
            id: "c".into(),
            source: SourceRef {
                file: "f".into(),
                record: 1,
            },
            title: None,
            created: None,
            model: None,
            language: None,
            messages: vec![
                msg(
                    0,
                    Role::User,
                    "Continue: rail fares will rise by three percent in January",
                ),
                msg(1, Role::Assistant, "the operators said on Monday."),
            ],
            metadata: Default::default(),
            family: None,
        };
        let s = supplied_text(&conv, 1, article);
        assert_eq!(s.article.len(), 1);
        let (a, b) = s.article[0];
        assert_eq!(
            &article[a..b],
            "Rail fares will rise by three percent in January"
        );
        let (m, a, b) = s.messages[0];
        assert_eq!(m, 0);
        assert_eq!(
            &conv.messages[0].text[a..b],
            "rail fares will rise by three percent in January"
        );
        // Nothing before the first message.
        assert_eq!(supplied_text(&conv, 0, article), SuppliedText::default());
    }

    #[test]
    fn the_classes_follow_the_figures() {
        assert_eq!(classify(false, 100, false), Elicitation::Echo);
        assert_eq!(classify(true, 40, true), Elicitation::Primed);
        // A shared phrase is not a supplied passage.
        assert_eq!(classify(true, 7, false), Elicitation::Unprompted);
        assert_eq!(classify(true, 0, true), Elicitation::Requested);
        assert_eq!(classify(true, 0, false), Elicitation::Unprompted);
        assert_eq!(Elicitation::parse("Primed"), Some(Elicitation::Primed));
        assert_eq!(Elicitation::parse("nope"), None);
    }
}
