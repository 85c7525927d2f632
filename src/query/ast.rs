//! The parsed form of a query, shared by the compiler (tantivy queries), the highlighter and
//! `--explain`.

use std::fmt;

/// Which text a word or phrase must occur in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Any message or the title.
    Any,
    User,
    Assistant,
    Title,
    System,
    Tool,
}

impl Scope {
    pub fn parse(name: &str) -> Option<Scope> {
        Some(match name.to_ascii_lowercase().as_str() {
            "user" => Scope::User,
            "assistant" => Scope::Assistant,
            "title" => Scope::Title,
            "system" => Scope::System,
            "tool" => Scope::Tool,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Scope::Any => "any",
            Scope::User => "user",
            Scope::Assistant => "assistant",
            Scope::Title => "title",
            Scope::System => "system",
            Scope::Tool => "tool",
        }
    }

    /// Index field names this scope searches.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Scope::Any => &crate::index::schema::TEXT_FIELDS,
            Scope::User => &["user"],
            Scope::Assistant => &["assistant"],
            Scope::Title => &["title"],
            Scope::System => &["system"],
            Scope::Tool => &["tool"],
        }
    }
}

/// A bound of a range filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound<T> {
    Included(T),
    Excluded(T),
    Unbounded,
}

/// Conditions on document attributes rather than text. Each kind is one entry here, one arm
/// in the parser's filter table and one in the compiler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Model(String),
    Language(String),
    Id(String),
    /// Epoch seconds.
    Created(Bound<i64>, Bound<i64>),
    Turns(Bound<u64>, Bound<u64>),
    /// Conversations carrying a tag (review journal).
    Tag(String),
    /// Conversations with (true) or without (false) any tag.
    Reviewed(bool),
    /// Conversations a reviewer coded.
    Reviewer(String),
    /// Conversations whose note contains a word.
    NoteWord(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Normalised words that must appear consecutively (one word: a plain term).
    Phrase {
        scope: Scope,
        words: Vec<String>,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Filter(Filter),
    /// Matches every conversation (an empty query).
    All,
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Phrase { scope, words } => {
                if *scope != Scope::Any {
                    write!(f, "{}:", scope.name())?;
                }
                if words.len() == 1 {
                    write!(f, "{}", words[0])
                } else {
                    write!(f, "\"{}\"", words.join(" "))
                }
            }
            Node::And(xs) => join(f, xs, " AND "),
            Node::Or(xs) => join(f, xs, " OR "),
            Node::Not(x) => write!(f, "NOT {x}"),
            Node::Filter(flt) => write!(f, "{flt:?}"),
            Node::All => write!(f, "*"),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, xs: &[Node], sep: &str) -> fmt::Result {
    write!(f, "(")?;
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            write!(f, "{sep}")?;
        }
        write!(f, "{x}")?;
    }
    write!(f, ")")
}
