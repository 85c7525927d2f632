//! The parsed form of a query, shared by the compiler (tantivy queries), the highlighter and
//! `--explain`.

use std::fmt;

pub use super::pattern::Pattern;

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

    /// Whether this scope covers the field `name`.
    pub fn covers(self, name: &str) -> bool {
        self.fields().contains(&name)
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
    /// A model name pattern (`gpt-4*`: `*` any run, `?` one character).
    ModelLike(String),
    Language(String),
    Id(String),
    /// A conversation id pattern (`chatbot_arena_*`).
    IdLike(String),
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
    /// Longest reproduced run (words) of the conversation's findings.
    Score(Bound<u64>, Bound<u64>),
    /// Conversations with a finding on this article.
    Article(String),
    /// Conversations with a finding of this label (reproduced or echoed).
    Label(String),
    /// Conversations with (or without) a strong finding.
    Strong(bool),
    /// Conversations someone opened (true) or nobody opened (false), from the audit trail:
    /// kept apart from `Reviewed`, which bulk coding sets without anyone reading.
    Viewed(bool),
    /// Conversations whose pages carry this designation (lowercase; `none`: no designation).
    Designation(String),
    /// Conversations in (true) or never in (false) a production of the register.
    Produced(bool),
    /// Conversations produced under this Bates number (a final `*`: numbers starting so).
    Bates(String),
    /// Members of the matter's sample of this name (`samples/NAME.json`).
    Sample(String),
    /// Conversations of the matter's list of this name (`lists/NAME.json`).
    List(String),
    /// Conversations of a batch (`SET-003`) or of every batch of a set (`SET`).
    Batch(String),
    /// Members of a near-duplicate group (`G000012`; `any`: of any group, `none`: of none).
    Group(String),
    /// Conversations of one family (`family:ID`): a ChatGPT conversation's branches, an Arena
    /// battle's sides, an HH record's chosen and rejected transcripts.
    Family(String),
    /// These conversations (built by the interface, e.g. the members a collapsed list hides;
    /// never typed).
    Ids(Vec<String>),
    /// Conversations that are (or are not) a group's principal.
    Principal(bool),
    /// Group members whose similarity to their principal is in range, in thousandths.
    Similarity(Bound<u64>, Bound<u64>),
    /// Conversations with a finding of this elicitation (unprompted, requested, primed, echo).
    Elicitation(String),
    /// Most article words supplied before a reproduction, over the conversation's findings.
    Supplied(Bound<u64>, Bound<u64>),
}

/// How far apart the two sides of a proximity connector may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Within N words (`w/N`, Westlaw `/N`).
    Words(u32),
    /// In one sentence (`w/s`, Westlaw `/s`).
    Sentence,
    /// In one paragraph (`w/p`, Westlaw `/p`).
    Paragraph,
    /// In one message (Lexis `w/seg`: a message is this data's segment).
    Message,
}

impl Reach {
    /// The reach as typed after `w/` (`5`, `s`, `p`, `seg`).
    pub fn suffix(self) -> String {
        match self {
            Reach::Words(n) => n.to_string(),
            Reach::Sentence => "s".to_string(),
            Reach::Paragraph => "p".to_string(),
            Reach::Message => "seg".to_string(),
        }
    }

    fn words(self) -> String {
        match self {
            Reach::Words(n) => format!("within {n} words"),
            Reach::Sentence => "in the same sentence".to_string(),
            Reach::Paragraph => "in the same paragraph".to_string(),
            Reach::Message => "in the same message".to_string(),
        }
    }
}

/// The proximity connectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearKind {
    /// `a w/N b`: within N words, either order.
    Within,
    /// `a pre/N b`: a before b, within N words.
    Pre,
    /// `a NOT w/N b`: occurrences of a with no b within N words.
    NotWithin,
}

impl NearKind {
    pub fn connector(self) -> &'static str {
        match self {
            NearKind::Within => "W",
            NearKind::Pre => "PRE",
            NearKind::NotWithin => "NOT W",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Words that must appear consecutively (one item: a single word).
    Phrase {
        scope: Scope,
        items: Vec<Pattern>,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Near {
        left: Box<Node>,
        right: Box<Node>,
        reach: Reach,
        kind: NearKind,
    },
    /// `word:N`: the part's weight in relevance order (dtSearch term weighting); what matches
    /// is unchanged.
    Weight {
        node: Box<Node>,
        weight: u32,
    },
    Filter(Filter),
    /// Matches every conversation (an empty query).
    All,
}

impl Node {
    /// Whether matching needs word positions (phrases with patterns, proximity).
    pub fn is_positional(&self) -> bool {
        match self {
            Node::Near { .. } => true,
            Node::Phrase { items, .. } => items.len() > 1,
            Node::Weight { node, .. } => node.is_positional(),
            _ => false,
        }
    }

    /// Whether a filter of the query satisfies `pred` (under a NOT too).
    pub fn any_filter(&self, pred: &dyn Fn(&Filter) -> bool) -> bool {
        match self {
            Node::Filter(f) => pred(f),
            Node::And(xs) | Node::Or(xs) => xs.iter().any(|x| x.any_filter(pred)),
            Node::Not(x) | Node::Weight { node: x, .. } => x.any_filter(pred),
            Node::Near { left, right, .. } => left.any_filter(pred) || right.any_filter(pred),
            Node::Phrase { .. } | Node::All => false,
        }
    }

    /// Whether the query filters on the review's coding (`tag:`, `reviewed:`, `reviewer:`,
    /// `note:`, `designation:`): it needs the review state.
    pub fn uses_review(&self) -> bool {
        self.any_filter(&|f| {
            matches!(
                f,
                Filter::Tag(_)
                    | Filter::Reviewed(_)
                    | Filter::Reviewer(_)
                    | Filter::NoteWord(_)
                    | Filter::Designation(_)
            )
        })
    }

    /// Whether the query filters on detection findings (`score:`, `article:`, `label:` ...).
    pub fn uses_findings(&self) -> bool {
        self.any_filter(&|f| {
            matches!(
                f,
                Filter::Score(..)
                    | Filter::Article(_)
                    | Filter::Label(_)
                    | Filter::Elicitation(_)
                    | Filter::Supplied(..)
                    | Filter::Strong(_)
            )
        })
    }

    /// A readable tree, one node per line, for `--explain`.
    pub fn tree(&self) -> String {
        let mut out = String::new();
        self.tree_into(&mut out, "", "");
        out
    }

    fn tree_into(&self, out: &mut String, first: &str, rest: &str) {
        let label = match self {
            Node::Phrase { scope, items } => {
                let where_ = if *scope == Scope::Any {
                    String::new()
                } else {
                    format!(" in {}", scope.name())
                };
                if items.len() == 1 {
                    format!("WORD {}{where_}", items[0].describe())
                } else {
                    let words: Vec<String> = items.iter().map(Pattern::describe).collect();
                    format!("PHRASE \"{}\"{where_}", words.join(" "))
                }
            }
            Node::And(_) => "AND (all of)".to_string(),
            Node::Or(_) => "OR (any of)".to_string(),
            Node::Not(_) => "NOT (none of)".to_string(),
            Node::Near { reach, kind, .. } => {
                let (n, words) = (reach.suffix(), reach.words());
                match kind {
                    NearKind::Within => format!("W/{n} ({words}, either order)"),
                    NearKind::Pre => format!("PRE/{n} (first before second, {words})"),
                    NearKind::NotWithin => {
                        format!("NOT W/{n} (first, except {words} as second)")
                    }
                }
            }
            Node::Weight { weight, .. } => format!("WEIGHT {weight} (relevance order only)"),
            Node::Filter(f) => format!("FILTER {}", describe_filter(f)),
            Node::All => "ALL conversations".to_string(),
        };
        out.push_str(first);
        out.push_str(&label);
        out.push('\n');
        let kids: Vec<&Node> = match self {
            Node::And(xs) | Node::Or(xs) => xs.iter().collect(),
            Node::Not(x) => vec![x],
            Node::Weight { node, .. } => vec![node],
            Node::Near { left, right, .. } => vec![left, right],
            _ => Vec::new(),
        };
        for (i, k) in kids.iter().enumerate() {
            let last = i + 1 == kids.len();
            let (f, r) = if last {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            k.tree_into(out, &format!("{rest}{f}"), &format!("{rest}{r}"));
        }
    }
}

/// A filter in the query language's own words (`strong:yes`, `turns:>3`), so that the reading
/// shown back to the user can be typed again.
pub(crate) fn filter_text(f: &Filter) -> String {
    let word = |s: &str| {
        if s.is_empty() || s.chars().any(|c| c.is_whitespace() || "()\"*?".contains(c)) {
            format!("\"{s}\"")
        } else {
            s.to_string()
        }
    };
    let yes = |b: bool| if b { "yes" } else { "no" };
    let bounds = |name: &str, lo: Bound<String>, hi: Bound<String>| {
        let one = |b: Bound<String>, lower: bool| match b {
            Bound::Included(v) => Some(format!("{name}:{}{v}", if lower { ">=" } else { "<=" })),
            Bound::Excluded(v) => Some(format!("{name}:{}{v}", if lower { ">" } else { "<" })),
            Bound::Unbounded => None,
        };
        match (one(lo, true), one(hi, false)) {
            (Some(a), Some(b)) => format!("({a} AND {b})"),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => format!("{name}:*"),
        }
    };
    let date = |s: i64| {
        chrono::DateTime::from_timestamp(s, 0)
            .map(|d| {
                if d.format("%H:%M:%S").to_string() == "00:00:00" {
                    d.format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%dT%H:%M:%S").to_string()
                }
            })
            .unwrap_or_else(|| s.to_string())
    };
    let map = |b: &Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(date(*v)),
        Bound::Excluded(v) => Bound::Excluded(date(*v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    let num = |b: &Bound<u64>| match b {
        Bound::Included(v) => Bound::Included(v.to_string()),
        Bound::Excluded(v) => Bound::Excluded(v.to_string()),
        Bound::Unbounded => Bound::Unbounded,
    };
    match f {
        Filter::Model(m) => format!("model:{}", word(m)),
        Filter::ModelLike(m) => format!("model:{m}"),
        Filter::IdLike(i) => format!("id:{i}"),
        Filter::Language(l) => format!("lang:{}", word(l)),
        Filter::Id(i) => format!("id:{}", word(i)),
        Filter::Created(lo, hi) => bounds("created", map(lo), map(hi)),
        Filter::Turns(lo, hi) => bounds("turns", num(lo), num(hi)),
        Filter::Tag(t) => format!("tag:{t}"),
        Filter::Reviewed(b) => format!("reviewed:{}", yes(*b)),
        Filter::Reviewer(r) => format!("reviewer:{}", word(r)),
        Filter::NoteWord(w) => format!("note:{}", word(w)),
        Filter::Score(lo, hi) => bounds("score", num(lo), num(hi)),
        Filter::Article(a) => format!("article:{}", word(a)),
        Filter::Label(l) => format!("label:{l}"),
        Filter::Strong(b) => format!("strong:{}", yes(*b)),
        Filter::Viewed(b) => format!("viewed:{}", yes(*b)),
        Filter::Designation(d) => format!("designation:{}", word(d)),
        Filter::Produced(b) => format!("produced:{}", yes(*b)),
        Filter::Bates(n) => format!("bates:{}", word(n)),
        Filter::Sample(n) => format!("sample:{}", word(n)),
        Filter::List(n) => format!("list:{}", word(n)),
        Filter::Batch(n) => format!("batch:{}", word(n)),
        Filter::Group(n) if n == "ANY" || n == "NONE" => format!("group:{}", n.to_lowercase()),
        Filter::Group(n) => format!("group:{}", word(n)),
        Filter::Family(n) => format!("family:{}", word(n)),
        Filter::Ids(ids) => format!("ids:({} conversations)", ids.len()),
        Filter::Principal(b) => format!("principal:{}", yes(*b)),
        Filter::Similarity(lo, hi) => {
            let th = |b: &Bound<u64>| match b {
                Bound::Included(v) => Bound::Included(format!("{}", *v as f64 / 1000.0)),
                Bound::Excluded(v) => Bound::Excluded(format!("{}", *v as f64 / 1000.0)),
                Bound::Unbounded => Bound::Unbounded,
            };
            bounds("similarity", th(lo), th(hi))
        }
        Filter::Elicitation(e) => format!("elicitation:{e}"),
        Filter::Supplied(lo, hi) => bounds("supplied", num(lo), num(hi)),
    }
}

fn describe_filter(f: &Filter) -> String {
    let b = |x: &Bound<String>, lower: bool| match x {
        Bound::Included(v) => format!("{}{v}", if lower { ">=" } else { "<=" }),
        Bound::Excluded(v) => format!("{}{v}", if lower { ">" } else { "<" }),
        Bound::Unbounded => String::new(),
    };
    let date = |s: &i64| {
        chrono::DateTime::from_timestamp(*s, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| s.to_string())
    };
    let map_b = |x: &Bound<i64>| match x {
        Bound::Included(v) => Bound::Included(date(v)),
        Bound::Excluded(v) => Bound::Excluded(date(v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    let map_n = |x: &Bound<u64>| match x {
        Bound::Included(v) => Bound::Included(v.to_string()),
        Bound::Excluded(v) => Bound::Excluded(v.to_string()),
        Bound::Unbounded => Bound::Unbounded,
    };
    match f {
        Filter::Model(m) => format!("model is {m}"),
        Filter::ModelLike(m) => format!("model like {m}"),
        Filter::IdLike(i) => format!("id like {i}"),
        Filter::Language(l) => format!("language is {l}"),
        Filter::Id(i) => format!("id is {i}"),
        Filter::Created(lo, hi) => {
            format!("created {} {}", b(&map_b(lo), true), b(&map_b(hi), false))
                .trim_end()
                .to_string()
        }
        Filter::Turns(lo, hi) => format!("turns {} {}", b(&map_n(lo), true), b(&map_n(hi), false))
            .trim_end()
            .to_string(),
        Filter::Tag(t) => format!("tagged {t}"),
        Filter::Reviewed(true) => "reviewed".to_string(),
        Filter::Reviewed(false) => "not reviewed".to_string(),
        Filter::Reviewer(r) => format!("coded by {r}"),
        Filter::NoteWord(w) => format!("note contains {w}"),
        Filter::Score(lo, hi) => format!(
            "longest reproduced run {} {}",
            b(&map_n(lo), true),
            b(&map_n(hi), false)
        )
        .trim_end()
        .to_string(),
        Filter::Article(a) => format!("finding on article {a}"),
        Filter::Label(l) => format!("finding labelled {l}"),
        Filter::Strong(true) => "strong finding".to_string(),
        Filter::Strong(false) => "no strong finding".to_string(),
        Filter::Viewed(true) => "opened by someone".to_string(),
        Filter::Viewed(false) => "opened by nobody".to_string(),
        Filter::Designation(d) if d == "none" => "no designation".to_string(),
        Filter::Designation(d) => format!("designated {d}"),
        Filter::Produced(true) => "produced".to_string(),
        Filter::Produced(false) => "never produced".to_string(),
        Filter::Bates(n) => format!("produced as {n}"),
        Filter::Sample(n) => format!("in sample {n}"),
        Filter::List(n) => format!("in list {n}"),
        Filter::Batch(n) => format!("in batch {n}"),
        Filter::Group(n) if n == "ANY" => "in a near-duplicate group".to_string(),
        Filter::Group(n) if n == "NONE" => "in no near-duplicate group".to_string(),
        Filter::Group(n) => format!("in near-duplicate group {n}"),
        Filter::Family(n) => format!("in family {n}"),
        Filter::Ids(ids) => format!("one of {} conversations", ids.len()),
        Filter::Principal(true) => "a group's principal".to_string(),
        Filter::Principal(false) => "not a group's principal".to_string(),
        Filter::Similarity(lo, hi) => {
            format!(
                "similarity to the principal {} {}",
                b(&map_n(lo), true),
                b(&map_n(hi), false)
            )
            .trim_end()
            .to_string()
                + " (thousandths)"
        }
        Filter::Elicitation(e) => format!("a finding elicited: {e}"),
        Filter::Supplied(lo, hi) => format!(
            "{} article words supplied",
            match (lo, hi) {
                (Bound::Included(a), Bound::Unbounded) => format!("at least {a}"),
                (Bound::Unbounded, Bound::Included(b)) => format!("at most {b}"),
                (Bound::Included(a), Bound::Included(b)) => format!("{a} to {b}"),
                _ => "any number of".to_string(),
            }
        ),
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Phrase { scope, items } => {
                if *scope != Scope::Any {
                    write!(f, "{}:", scope.name())?;
                }
                let words: Vec<String> = items.iter().map(pattern_text).collect();
                if words.len() == 1 && !is_connector_word(&words[0]) {
                    write!(f, "{}", words[0])
                } else {
                    write!(f, "\"{}\"", words.join(" "))
                }
            }
            Node::And(xs) => join(f, xs, " AND "),
            Node::Or(xs) => join(f, xs, " OR "),
            Node::Not(x) => write!(f, "NOT {x}"),
            Node::Near {
                left,
                right,
                reach,
                kind,
            } => write!(
                f,
                "({left} {}/{} {right})",
                kind.connector(),
                reach.suffix()
            ),
            Node::Weight { node, weight } => write!(f, "{node}:{weight}"),
            Node::Filter(flt) => write!(f, "{}", filter_text(flt)),
            Node::All => write!(f, "*"),
        }
    }
}

/// A word that some dialect reads as a connector: written in quotes when shown back.
fn is_connector_word(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "and" | "or" | "not" | "andnot" | "but"
    )
}

/// A pattern as it would be typed.
pub fn pattern_text(p: &Pattern) -> String {
    match p {
        Pattern::Exact(w) => super::pattern::mark_name(w).map_or_else(|| w.clone(), str::to_string),
        // Westlaw's final `*` (at most one character) has no dtSearch form: said in brackets.
        Pattern::Wildcard(w) if w.contains(super::pattern::OPTIONAL_CHAR) => {
            let opt = super::pattern::OPTIONAL_CHAR;
            format!(
                "[{} and up to {} more characters]",
                w.replace(opt, ""),
                w.matches(opt).count()
            )
        }
        Pattern::Wildcard(w) => w.clone(),
        Pattern::Phonic { word, .. } => format!("#{word}"),
        Pattern::Numbers { lo, hi } => format!("{lo}~~{hi}"),
        Pattern::Synonyms { word, .. } => format!("{word}&"),
        Pattern::AnyWord(w) => w.clone(),
        Pattern::Stem { word, .. } => format!("{word}~"),
        Pattern::Fuzzy { prefix, word, max } => {
            format!(
                "{prefix}{}{}",
                "%".repeat(*max as usize),
                &word[prefix.len()..]
            )
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

impl Node {
    /// The reading written back in `dialect`'s own connectors (`--explain`); what that
    /// dialect cannot say is given in dtSearch's words, marked.
    pub fn in_dialect(&self, dialect: super::options::Dialect) -> String {
        use super::options::Dialect;
        if dialect == Dialect::Dtsearch {
            return self.to_string();
        }
        let westlaw = dialect == Dialect::Westlaw;
        let group = |xs: &[Node], sep: &str| {
            let parts: Vec<String> = xs.iter().map(|x| x.in_dialect(dialect)).collect();
            format!("({})", parts.join(sep))
        };
        match self {
            Node::Phrase { scope, items } => {
                let words: Vec<String> =
                    items.iter().map(|p| dialect_pattern(p, westlaw)).collect();
                let body = if words.len() == 1 && !is_connector_word(&words[0]) {
                    words[0].clone()
                } else {
                    format!("\"{}\"", words.join(" "))
                };
                if *scope == Scope::Any {
                    body
                } else {
                    format!("{}:{body}", scope.name())
                }
            }
            Node::And(xs) => {
                // A trailing NOT reads as BUT NOT.
                let (pos, neg): (Vec<&Node>, Vec<&Node>) =
                    xs.iter().partition(|x| !matches!(x, Node::Not(_)));
                let and = if westlaw { " & " } else { " and " };
                let mut s = if pos.len() == 1 {
                    pos[0].in_dialect(dialect)
                } else {
                    let parts: Vec<String> = pos.iter().map(|x| x.in_dialect(dialect)).collect();
                    format!("({})", parts.join(and))
                };
                for n in neg {
                    if let Node::Not(inner) = n {
                        let but = if westlaw { " % " } else { " and not " };
                        s = format!("({s}{but}{})", inner.in_dialect(dialect));
                    }
                }
                s
            }
            Node::Or(xs) => group(xs, " or "),
            Node::Not(x) => format!("[dtSearch: NOT {x}]"),
            Node::Near {
                left,
                right,
                reach,
                kind,
            } => {
                let conn = match (westlaw, kind, reach) {
                    (true, NearKind::Within, Reach::Words(n)) => format!("/{n}"),
                    (true, NearKind::Pre, Reach::Words(n)) => format!("+{n}"),
                    (true, NearKind::Within, Reach::Sentence) => "/s".into(),
                    (true, NearKind::Pre, Reach::Sentence) => "+s".into(),
                    (true, NearKind::Within, Reach::Paragraph) => "/p".into(),
                    (true, NearKind::Pre, Reach::Paragraph) => "+p".into(),
                    (false, NearKind::Within, r) => format!("w/{}", r.suffix()),
                    (false, NearKind::Pre, Reach::Sentence) => "+s".into(),
                    (false, NearKind::Pre, Reach::Paragraph) => "+p".into(),
                    (false, NearKind::Pre, r @ Reach::Words(_)) => format!("pre/{}", r.suffix()),
                    (false, NearKind::NotWithin, r) => format!("not w/{}", r.suffix()),
                    _ => return format!("[dtSearch: {self}]"),
                };
                format!(
                    "({} {conn} {})",
                    left.in_dialect(dialect),
                    right.in_dialect(dialect)
                )
            }
            Node::Weight { node, weight } => {
                format!("{} [dtSearch weight :{weight}]", node.in_dialect(dialect))
            }
            Node::Filter(_) | Node::All => self.to_string(),
        }
    }
}

/// A word pattern in Westlaw's or Lexis's wildcards (`!` any ending, `*` one character).
fn dialect_pattern(p: &Pattern, _westlaw: bool) -> String {
    match p {
        Pattern::Exact(_) | Pattern::AnyWord(_) => pattern_text(p),
        Pattern::Wildcard(w) => {
            let opt = super::pattern::OPTIONAL_CHAR;
            let body = w.trim_end_matches('*');
            let ends_any = body.len() < w.len();
            if body.contains(['*', '=']) || (ends_any && body.contains(opt)) {
                return format!("[dtSearch: {w}]");
            }
            let one = "*";
            let mut s: String = body
                .chars()
                .map(|c| {
                    if c == '?' || c == opt {
                        one.to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            if ends_any {
                s.push('!');
            }
            s
        }
        other => format!("[dtSearch: {}]", pattern_text(other)),
    }
}
