//! The query parser of every dialect. Words; in dtSearch and Lexis adjacent words form a
//! phrase (in Westlaw they are alternatives); `"quotes"` make connector words plain; AND, OR,
//! NOT, BUT NOT; proximity by words, sentence, paragraph or message; word patterns; field
//! scopes and filters (verbatim's own, in every dialect); parentheses. Errors carry the
//! 1-based character column.
//!
//! Order of processing, tightest first:
//! - dtSearch (which documents none; this follows the reading Relativity users are taught,
//!   and `--explain` always shows the result): a phrase or group; unary `NOT`; `OR`; every
//!   proximity connector, left to right; `AND`. So `a AND b OR c` is `a AND (b OR c)`.
//! - Westlaw: a phrase; `or` (a space); `/n` and `+n`, smallest n first; `/s`, `+s`; `/p`,
//!   `+p`; `&`; `%`.
//! - Lexis: a phrase; `or`; `w/n`, `pre/n`, `not w/n`, smallest n first; `w/s`; `w/p`;
//!   `w/seg`; `and`; `and not`.

use chrono::{NaiveDate, TimeZone, Utc};

use super::ast::{Bound, Filter, NearKind, Node, Reach, Scope};
pub use super::lex::{QueryError, mixed_connectors};
use super::lex::{Spanned, Tok, err, lex};
use super::options::{Dialect, QueryOptions};
use super::words::phrase;
use crate::index::analyzer;

/// How deeply groups, `NOT`s, field scopes and proximity chains may nest. Real requests stay
/// well under ten levels; the limit keeps the recursive parser, compiler and matcher far from
/// the stack's end whatever is typed or pasted.
pub const MAX_DEPTH: usize = 100;

struct Parser<'a> {
    toks: &'a [Spanned],
    pos: usize,
    end_col: usize,
    depth: usize,
    opts: &'a QueryOptions,
}

/// Parses a dtSearch query for a standard index. An empty query, or a lone `*`, matches
/// everything.
pub fn parse(input: &str) -> Result<Node, QueryError> {
    parse_with(input, &QueryOptions::default())
}

/// Parses a query in the options' dialect, for an index of the options' text mode.
pub fn parse_with(input: &str, opts: &QueryOptions) -> Result<Node, QueryError> {
    if input.trim() == "*" {
        return Ok(Node::All);
    }
    let toks = lex(input, opts.dialect)?;
    if toks.is_empty() {
        return Ok(Node::All);
    }
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end_col: input.chars().count() + 1,
        depth: 0,
        opts,
    };
    let node = p.expr(0, Scope::Any)?;
    if let Some(t) = p.peek() {
        return Err(match t.tok {
            Tok::RParen => err(t.col, "unmatched ')'"),
            _ => err(t.col, format!("unexpected \"{}\"", t.text)),
        });
    }
    Ok(node)
}

/// The words of a quoted phrase: Westlaw and Lexis quote exact text, so their wildcard
/// characters inside quotes are searched as punctuation there too.
fn quoted_words(text: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Dtsearch => text.to_string(),
        _ => text
            .chars()
            .map(|c| if "!*?%~=#&".contains(c) { ' ' } else { c })
            .collect(),
    }
}

/// `node` with its unscoped words put in `scope` (a saved search inside a field scope); a word
/// already scoped elsewhere can never match there.
fn rescope(node: Node, scope: Scope, what: &str, col: usize) -> Result<Node, QueryError> {
    if scope == Scope::Any {
        return Ok(node);
    }
    let again = |n: Node| rescope(n, scope, what, col);
    Ok(match node {
        Node::Phrase {
            scope: Scope::Any,
            items,
        } => Node::Phrase { scope, items },
        Node::Phrase { scope: s, items } if s == scope => Node::Phrase { scope: s, items },
        Node::Phrase { scope: s, .. } => {
            return Err(err(
                col,
                format!(
                    "{what} searches {}:, which inside {}: can never match",
                    s.name(),
                    scope.name()
                ),
            ));
        }
        Node::And(xs) => Node::And(xs.into_iter().map(again).collect::<Result<_, _>>()?),
        Node::Or(xs) => Node::Or(xs.into_iter().map(again).collect::<Result<_, _>>()?),
        Node::Not(x) => Node::Not(Box::new(again(*x)?)),
        Node::Near {
            left,
            right,
            reach,
            kind,
        } => Node::Near {
            left: Box::new(again(*left)?),
            right: Box::new(again(*right)?),
            reach,
            kind,
        },
        Node::Weight { node, weight } => Node::Weight {
            node: Box::new(again(*node)?),
            weight,
        },
        other @ (Node::Filter(_) | Node::All) => other,
    })
}

/// Text with nothing to search (only punctuation or symbols) is an error: read as an empty
/// phrase it would match nothing, and quietly turn `a AND .` into no hits or `a OR -b` into
/// an AND.
fn searchable(node: &Node, text: &str, col: usize) -> Result<(), QueryError> {
    match node {
        Node::Phrase { items, .. } if items.is_empty() => Err(err(
            col,
            format!(
                "\"{}\" has no letters or digits to search (punctuation is not indexed)",
                text.trim()
            ),
        )),
        _ => Ok(()),
    }
}

/// A level of the order of processing.
#[derive(Debug, Clone, Copy)]
enum Level {
    ButNot,
    And,
    /// Proximity connectors of one reach (`Words(_)`: any distance), or all of them (`None`).
    Near(Option<Reach>),
    Or,
}

impl Parser<'_> {
    /// One level deeper (a group, `NOT`, field scope or proximity link), or an error at `col`.
    fn descend(&mut self, col: usize) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                col,
                format!("the query nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn peek(&self) -> Option<&Spanned> {
        self.toks.get(self.pos)
    }

    fn col(&self) -> usize {
        self.peek().map(|t| t.col).unwrap_or(self.end_col)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    /// After a connector: something must follow.
    fn need_operand(&self, after: &Spanned) -> Result<(), QueryError> {
        match self.peek() {
            None => Err(err(
                after.col,
                format!("expected a word after \"{}\"", after.text),
            )),
            Some(t)
                if matches!(
                    t.tok,
                    Tok::And | Tok::Or | Tok::Near(..) | Tok::RParen | Tok::ButNot
                ) =>
            {
                Err(err(
                    t.col,
                    format!(
                        "expected a word after \"{}\", found \"{}\"",
                        after.text, t.text
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// The operators of `level` in this dialect's order, loosest first.
    fn levels(&self) -> &'static [Level] {
        match self.opts.dialect {
            Dialect::Dtsearch => &[Level::And, Level::Near(None), Level::Or],
            Dialect::Westlaw => &[
                Level::ButNot,
                Level::And,
                Level::Near(Some(Reach::Paragraph)),
                Level::Near(Some(Reach::Sentence)),
                Level::Near(Some(Reach::Words(0))),
                Level::Or,
            ],
            Dialect::Lexis => &[
                Level::ButNot,
                Level::And,
                Level::Near(Some(Reach::Message)),
                Level::Near(Some(Reach::Paragraph)),
                Level::Near(Some(Reach::Sentence)),
                Level::Near(Some(Reach::Words(0))),
                Level::Or,
            ],
        }
    }

    /// Whether the next token starts an operand (for connectors left out between operands).
    fn operand_next(&self) -> bool {
        matches!(
            self.peek_tok(),
            Some(
                Tok::Not
                    | Tok::LParen
                    | Tok::Field(_)
                    | Tok::Quoted(_)
                    | Tok::Word(_)
                    | Tok::Saved(_)
            )
        )
    }

    /// The expression of `level` and tighter. Each level's loop is its own function, kept out
    /// of line: nesting recurses through every level, so small frames keep deep (refused)
    /// nesting far from the stack's end.
    fn expr(&mut self, level: usize, scope: Scope) -> Result<Node, QueryError> {
        match self.levels().get(level) {
            None => self.unary(scope),
            Some(Level::ButNot) => self.but_not_level(level, scope),
            Some(Level::And) => self.and_level(level, scope),
            Some(Level::Near(reach)) => self.near_level(level, *reach, scope),
            Some(Level::Or) => self.or_level(level, scope),
        }
    }

    #[inline(never)]
    fn but_not_level(&mut self, level: usize, scope: Scope) -> Result<Node, QueryError> {
        let mut left = self.expr(level + 1, scope)?;
        while matches!(self.peek_tok(), Some(Tok::ButNot)) {
            let t = self.toks[self.pos].clone();
            self.pos += 1;
            self.need_operand(&t)?;
            let right = self.expr(level + 1, scope)?;
            left = match left {
                Node::And(mut xs) => {
                    xs.push(Node::Not(Box::new(right)));
                    Node::And(xs)
                }
                other => Node::And(vec![other, Node::Not(Box::new(right))]),
            };
        }
        Ok(left)
    }

    #[inline(never)]
    fn and_level(&mut self, level: usize, scope: Scope) -> Result<Node, QueryError> {
        let mut items = vec![self.expr(level + 1, scope)?];
        loop {
            match self.peek_tok() {
                Some(Tok::And) => {
                    let t = self.toks[self.pos].clone();
                    self.pos += 1;
                    self.need_operand(&t)?;
                    items.push(self.expr(level + 1, scope)?);
                }
                // dtSearch and Lexis: `a NOT b` reads as `a AND NOT b`; juxtaposed groups and
                // fields join by AND. (Westlaw joins them by OR, in `or_level`.)
                _ if self.opts.dialect != Dialect::Westlaw && self.operand_next() => {
                    items.push(self.expr(level + 1, scope)?)
                }
                _ => break,
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    #[inline(never)]
    fn or_level(&mut self, level: usize, scope: Scope) -> Result<Node, QueryError> {
        let mut items = vec![self.expr(level + 1, scope)?];
        loop {
            if matches!(self.peek_tok(), Some(Tok::Or)) {
                let t = self.toks[self.pos].clone();
                self.pos += 1;
                self.need_operand(&t)?;
            } else if !(self.opts.dialect == Dialect::Westlaw && self.operand_next()) {
                break;
            }
            items.push(self.expr(level + 1, scope)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    /// A chain of proximity connectors of one level: dtSearch reads it left to right;
    /// Westlaw and Lexis join the smallest distance first (then left to right).
    #[inline(never)]
    fn near_level(
        &mut self,
        level: usize,
        reach: Option<Reach>,
        scope: Scope,
    ) -> Result<Node, QueryError> {
        let belongs = |r: Reach| match reach {
            None => true,
            Some(Reach::Words(_)) => matches!(r, Reach::Words(_)),
            Some(want) => r == want,
        };
        let start_col = self.col();
        let mut operands = vec![(self.expr(level + 1, scope)?, start_col)];
        let mut links: Vec<(NearKind, Reach, Spanned)> = Vec::new();
        let depth = self.depth;
        while let Some(Tok::Near(kind, r)) = self.peek_tok().cloned() {
            if !belongs(r) {
                break;
            }
            let t = self.toks[self.pos].clone();
            // Each link nests the chain one level deeper in the tree.
            self.descend(t.col)?;
            self.pos += 1;
            self.need_operand(&t)?;
            let col = self.col();
            operands.push((self.expr(level + 1, scope)?, col));
            links.push((kind, r, t));
        }
        self.depth = depth;
        for (k, (kind, _, t)) in links.iter().enumerate() {
            let _ = kind;
            check_near_operand(&operands[k].0, operands[k].1, &t.text)?;
            check_near_operand(&operands[k + 1].0, operands[k + 1].1, &t.text)?;
        }
        while !links.is_empty() {
            let pick = if reach.is_none() {
                0
            } else {
                // Smallest distance first; `+n` before `/n` at the same n; then leftmost.
                (0..links.len())
                    .min_by_key(|&i| {
                        let (kind, r, _) = &links[i];
                        let n = match r {
                            Reach::Words(n) => *n,
                            _ => 0,
                        };
                        (n, u8::from(*kind != NearKind::Pre), i)
                    })
                    .unwrap_or(0)
            };
            let (kind, r, _) = links.remove(pick);
            let (right, _) = operands.remove(pick + 1);
            let (left, col) = operands.remove(pick);
            operands.insert(
                pick,
                (
                    Node::Near {
                        left: Box::new(left),
                        right: Box::new(right),
                        reach: r,
                        kind,
                    },
                    col,
                ),
            );
        }
        Ok(operands.remove(0).0)
    }

    fn unary(&mut self, scope: Scope) -> Result<Node, QueryError> {
        if matches!(self.peek_tok(), Some(Tok::Not)) {
            let t = self.toks[self.pos].clone();
            self.pos += 1;
            self.need_operand(&t)?;
            self.descend(t.col)?;
            let inner = self.unary(scope)?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.primary(scope)
    }

    fn primary(&mut self, scope: Scope) -> Result<Node, QueryError> {
        let Some(t) = self.peek().cloned() else {
            return Err(err(self.end_col, "expected a word"));
        };
        match t.tok {
            Tok::LParen => {
                self.pos += 1;
                if matches!(self.peek_tok(), Some(Tok::RParen)) {
                    return Err(err(
                        self.peek().map(|t| t.col).unwrap_or(t.col),
                        "empty parentheses",
                    ));
                }
                self.descend(t.col)?;
                let inner = self.expr(0, scope)?;
                self.depth -= 1;
                match self.peek_tok() {
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        Ok(self.weighted(inner))
                    }
                    _ => Err(err(t.col, "unclosed '('")),
                }
            }
            Tok::RParen => Err(err(t.col, "unmatched ')'")),
            Tok::And | Tok::Or | Tok::Near(..) | Tok::ButNot | Tok::Weight(_) => {
                Err(err(t.col, format!("expected a word before \"{}\"", t.text)))
            }
            Tok::Not => self.unary(scope),
            Tok::Field(name) => {
                self.pos += 1;
                if let Some(s) = Scope::parse(&name) {
                    if self.peek().is_none() {
                        return Err(err(t.col, format!("expected a word after \"{name}:\"")));
                    }
                    if scope != Scope::Any && s != scope {
                        return Err(err(
                            t.col,
                            format!("\"{name}:\" inside \"{}:\" can never match", scope.name()),
                        ));
                    }
                    self.descend(t.col)?;
                    let inner = self.primary(s)?;
                    self.depth -= 1;
                    return Ok(inner);
                }
                self.filter(&name, t.col)
            }
            Tok::Saved(name) => {
                self.pos += 1;
                let node = self.saved(&name, t.col)?;
                // `assistant:(@NAME)`: the scope reaches the saved search's words.
                let node = rescope(node, scope, &format!("@{name}"), t.col)?;
                Ok(self.weighted(node))
            }
            Tok::Quoted(text) => {
                self.pos += 1;
                // A quoted phrase is words as typed: no dialect's operators inside.
                let plain = QueryOptions {
                    dialect: Dialect::Dtsearch,
                    ..self.opts.clone()
                };
                let node = phrase(
                    scope,
                    &quoted_words(&text, self.opts.dialect),
                    t.col,
                    &plain,
                )?;
                searchable(&node, &t.text, t.col)?;
                Ok(self.weighted(node))
            }
            Tok::Word(_) => {
                // dtSearch and Lexis: adjacent plain words form one phrase. Westlaw: one word
                // (a space there is OR).
                let mut words = Vec::new();
                while let Some(Spanned {
                    tok: Tok::Word(w), ..
                }) = self.peek()
                {
                    words.push(w.clone());
                    self.pos += 1;
                    if self.opts.dialect == Dialect::Westlaw {
                        break;
                    }
                }
                let text = words.join(" ");
                let node = phrase(scope, &text, t.col, self.opts)?;
                searchable(&node, &text, t.col)?;
                Ok(self.weighted(node))
            }
        }
    }

    /// `@NAME`: the saved search read in its own dialect (saved searches inside it too; a
    /// cycle is an error).
    fn saved(&mut self, name: &str, col: usize) -> Result<Node, QueryError> {
        let Some((query, dialect)) = self.opts.saved.get(name).cloned() else {
            let known: Vec<&str> = self.opts.saved.keys().map(String::as_str).collect();
            return Err(err(
                col,
                if known.is_empty() {
                    format!("no saved search \"{name}\" (verbatim saved add NAME QUERY)")
                } else {
                    format!("no saved search \"{name}\" (saved: {})", known.join(", "))
                },
            ));
        };
        if let Some(k) = self.opts.expanding.iter().position(|n| n == name) {
            let chain: Vec<String> = self.opts.expanding[k..]
                .iter()
                .chain(std::iter::once(&name.to_string()))
                .map(|n| format!("@{n}"))
                .collect();
            return Err(err(
                col,
                format!("saved searches refer to each other: {}", chain.join(" → ")),
            ));
        }
        self.descend(col)?;
        if self.opts.expanding.len() >= 20 {
            return Err(err(col, "saved searches nest more than 20 deep"));
        }
        let mut inner = QueryOptions {
            dialect,
            ..self.opts.clone()
        };
        inner.expanding.push(name.to_string());
        let node = parse_with(&query, &inner)
            .map_err(|e| err(col, format!("in @{name} ({query}): {}", e.message)))?;
        self.depth -= 1;
        Ok(node)
    }

    /// `node:N` when a weight follows.
    fn weighted(&mut self, node: Node) -> Node {
        if let Some(Tok::Weight(w)) = self.peek_tok().cloned() {
            self.pos += 1;
            return Node::Weight {
                node: Box::new(node),
                weight: w,
            };
        }
        node
    }

    fn filter(&mut self, name: &str, col: usize) -> Result<Node, QueryError> {
        // A quoted value is taken literally; an unquoted one may hold `*` and `?` wildcards
        // (for the filters that take them).
        let quoted = matches!(self.peek().map(|t| &t.tok), Some(Tok::Quoted(_)));
        let value = match self.peek().map(|t| &t.tok) {
            Some(Tok::Word(w)) | Some(Tok::Quoted(w)) => w.clone(),
            _ => {
                return Err(QueryError {
                    column: col,
                    message: format!("expected a value after \"{name}:\""),
                });
            }
        };
        let vcol = self.col();
        self.pos += 1;
        let err = |message: String| QueryError {
            column: vcol,
            message,
        };
        let f = match name {
            "model" if !quoted && value.contains(['*', '?']) => {
                Filter::ModelLike(analyzer::normalize_keyword(&value))
            }
            "model" => Filter::Model(analyzer::normalize_keyword(&value)),
            "lang" | "language" => Filter::Language(analyzer::normalize_keyword(&value)),
            "id" if !quoted && value.contains(['*', '?']) => Filter::IdLike(value),
            "id" => Filter::Id(value),
            "created" => {
                let (lo, hi) = range(&value, parse_date_bound).map_err(err)?;
                Filter::Created(lo, hi)
            }
            "turns" => {
                let (lo, hi) = range(&value, |s, _| {
                    s.parse::<u64>()
                        .map_err(|_| format!("\"{s}\" is not a whole number"))
                })
                .map_err(err)?;
                Filter::Turns(lo, hi)
            }
            "tag" => {
                if !crate::review::palette::valid_tag_name(&value) {
                    return Err(err(format!("\"{value}\" is not a tag name")));
                }
                Filter::Tag(value)
            }
            "reviewed" => match value.to_ascii_lowercase().as_str() {
                "yes" | "true" | "y" => Filter::Reviewed(true),
                "no" | "false" | "n" => Filter::Reviewed(false),
                _ => return Err(err("reviewed: takes yes or no".to_string())),
            },
            "reviewer" => Filter::Reviewer(value),
            "note" => Filter::NoteWord(value.to_lowercase()),
            "score" => {
                let (lo, hi) = range(&value, |s, _| {
                    s.parse::<u64>()
                        .map_err(|_| format!("\"{s}\" is not a whole number of words"))
                })
                .map_err(err)?;
                Filter::Score(lo, hi)
            }
            "article" => Filter::Article(value),
            "label" => match value.to_ascii_lowercase().as_str() {
                l @ ("reproduced" | "echoed") => Filter::Label(l.to_string()),
                _ => return Err(err("label: takes reproduced or echoed".to_string())),
            },
            "viewed" => match value.to_ascii_lowercase().as_str() {
                "yes" | "true" | "y" => Filter::Viewed(true),
                "no" | "false" | "n" => Filter::Viewed(false),
                _ => return Err(err("viewed: takes yes or no".to_string())),
            },
            "designation" => {
                let d = value.trim().to_lowercase();
                if d.is_empty() {
                    return Err(err(
                        "designation: takes a designation in quotes, or none".to_string()
                    ));
                }
                Filter::Designation(d)
            }
            "produced" => match value.to_ascii_lowercase().as_str() {
                "yes" | "true" | "y" => Filter::Produced(true),
                "no" | "false" | "n" => Filter::Produced(false),
                _ => return Err(err("produced: takes yes or no".to_string())),
            },
            "bates" => {
                let n = value.trim();
                if n.is_empty() || n.trim_end_matches('*').contains('*') {
                    return Err(err(
                        "bates: takes a Bates number, or its start followed by *".to_string(),
                    ));
                }
                Filter::Bates(n.to_string())
            }
            "elicitation" => match crate::detect::elicitation::Elicitation::parse(&value) {
                Some(e) => Filter::Elicitation(e.as_str().to_string()),
                None => {
                    return Err(err(
                        "elicitation: takes unprompted, requested, primed or echo".to_string(),
                    ));
                }
            },
            "supplied" => {
                let (lo, hi) = range(&value, |s, _| {
                    s.parse::<u64>()
                        .map_err(|_| format!("\"{s}\" is not a whole number of words"))
                })
                .map_err(err)?;
                Filter::Supplied(lo, hi)
            }
            "group" => Filter::Group(value.trim().to_ascii_uppercase()),
            "family" => {
                let v = value.trim();
                if v.is_empty() {
                    return Err(err("family: takes a family's id".to_string()));
                }
                Filter::Family(v.to_string())
            }
            "principal" => match value.to_ascii_lowercase().as_str() {
                "yes" | "true" | "y" => Filter::Principal(true),
                "no" | "false" | "n" => Filter::Principal(false),
                _ => return Err(err("principal: takes yes or no".to_string())),
            },
            "similarity" => {
                let (lo, hi) = range(&value, |s, _| {
                    let v: f64 = s
                        .parse()
                        .map_err(|_| format!("\"{s}\" is not a similarity (0 to 1)"))?;
                    if !(0.0..=1.0).contains(&v) {
                        return Err(format!("\"{s}\" is not a similarity (0 to 1)"));
                    }
                    Ok((v * 1000.0).round() as u64)
                })
                .map_err(err)?;
                Filter::Similarity(lo, hi)
            }
            "batch" => {
                let n = value.trim();
                if crate::review::saved::check_name(n).is_err() {
                    return Err(err(format!(
                        "batch: takes a batch (SET-001) or a set, not \"{n}\""
                    )));
                }
                Filter::Batch(n.to_string())
            }
            "list" => {
                let n = value.trim();
                if crate::review::saved::check_name(n).is_err() {
                    return Err(err(format!("list: takes a list's name, not \"{n}\"")));
                }
                Filter::List(n.to_string())
            }
            "sample" => {
                let n = value.trim();
                if n.is_empty() {
                    return Err(err("sample: takes the name of a sample".to_string()));
                }
                Filter::Sample(n.to_string())
            }
            "strong" => match value.to_ascii_lowercase().as_str() {
                "yes" | "true" | "y" => Filter::Strong(true),
                "no" | "false" | "n" => Filter::Strong(false),
                _ => return Err(err("strong: takes yes or no".to_string())),
            },
            other => return Err(err(format!("unknown filter \"{other}:\""))),
        };
        Ok(Node::Filter(f))
    }
}

/// Proximity works on words, phrases, OR-groups and nested proximity (and AND-groups, whose
/// members' occurrences all count); NOT and attribute filters have no position.
fn check_near_operand(n: &Node, col: usize, connector: &str) -> Result<(), QueryError> {
    match n {
        Node::Phrase { items, .. } if items.is_empty() => Err(err(
            col,
            format!("\"{connector}\" needs words on both sides"),
        )),
        Node::Phrase { .. } => Ok(()),
        Node::Weight { node, .. } => check_near_operand(node, col, connector),
        Node::Or(xs) | Node::And(xs) => xs
            .iter()
            .try_for_each(|x| check_near_operand(x, col, connector)),
        Node::Near { left, right, .. } => {
            check_near_operand(left, col, connector)?;
            check_near_operand(right, col, connector)
        }
        Node::Not(_) => Err(err(
            col,
            format!(
                "NOT cannot be an operand of \"{connector}\"; use \"NOT w/N\" for an exclusion"
            ),
        )),
        Node::Filter(_) | Node::All => Err(err(
            col,
            format!("\"{connector}\" needs words or phrases, not a filter"),
        )),
    }
}

/// Reads `a..b`, `>=a`, `>a`, `<=a`, `<a`, `=a` or `a`. `parse(s, is_upper)` reads one end.
fn range<T: Copy + PartialOrd>(
    v: &str,
    parse: impl Fn(&str, bool) -> Result<T, String>,
) -> Result<(Bound<T>, Bound<T>), String> {
    if v.is_empty() {
        return Err("expected a value or a range (a..b, >a, <b)".to_string());
    }
    if let Some((a, b)) = v.split_once("..") {
        if a.is_empty() && b.is_empty() {
            return Err("\"..\" needs at least one end (a.., ..b or a..b)".to_string());
        }
        let lo = if a.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Included(parse(a, false)?)
        };
        let hi = if b.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Included(parse(b, true)?)
        };
        if let (Bound::Included(x), Bound::Included(y)) = (lo, hi)
            && x > y
        {
            return Err(format!("\"{v}\" is an empty range: {a} comes after {b}"));
        }
        return Ok((lo, hi));
    }
    for (op, f) in [(">=", 0u8), ("<=", 1), (">", 2), ("<", 3), ("=", 4)] {
        if let Some(rest) = v.strip_prefix(op) {
            return Ok(match f {
                0 => (Bound::Included(parse(rest, false)?), Bound::Unbounded),
                1 => (Bound::Unbounded, Bound::Included(parse(rest, true)?)),
                2 => (Bound::Excluded(parse(rest, true)?), Bound::Unbounded),
                3 => (Bound::Unbounded, Bound::Excluded(parse(rest, false)?)),
                _ => (
                    Bound::Included(parse(rest, false)?),
                    Bound::Included(parse(rest, true)?),
                ),
            });
        }
    }
    Ok((
        Bound::Included(parse(v, false)?),
        Bound::Included(parse(v, true)?),
    ))
}

/// A date `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as epoch seconds: its first second, or its last
/// when it is an upper bound (so `created:2023` covers the whole year).
fn parse_date_bound(s: &str, upper: bool) -> Result<i64, String> {
    let bad = || format!("\"{s}\" is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)");
    // A second, as a reading shows the end of a day (`2023-12-31T23:59:59`).
    if s.contains('T') {
        return chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
            .map(|d| d.and_utc().timestamp())
            .map_err(|_| bad());
    }
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let (start, next) = match parts.as_slice() {
        [y] => {
            let y = num(y)? as i32;
            (
                NaiveDate::from_ymd_opt(y, 1, 1),
                NaiveDate::from_ymd_opt(y + 1, 1, 1),
            )
        }
        [y, m] => {
            let (y, m) = (num(y)? as i32, num(m)?);
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (
                NaiveDate::from_ymd_opt(y, m, 1),
                NaiveDate::from_ymd_opt(ny, nm, 1),
            )
        }
        [y, m, d] => {
            let start = NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?);
            (start, start.and_then(|d| d.succ_opt()))
        }
        _ => return Err(bad()),
    };
    let (Some(start), Some(next)) = (start, next) else {
        return Err(bad());
    };
    let at = |d: NaiveDate| {
        Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .timestamp()
    };
    Ok(if upper { at(next) - 1 } else { at(start) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s).unwrap().to_string()
    }

    #[test]
    fn misspelled_fields_and_empty_quotes_are_errors() {
        let e = parse("oil AND asistant:(oil w/5 prices)").unwrap_err();
        assert_eq!(e.column, 9);
        assert!(
            e.message.contains("did you mean \"assistant:\""),
            "{}",
            e.message
        );
        let e = parse("titel:iran").unwrap_err();
        assert!(e.message.contains("\"title:\""), "{}", e.message);
        let e = parse("zzqx:iran").unwrap_err();
        assert!(
            e.message.contains("unknown field \"zzqx:\""),
            "{}",
            e.message
        );
        assert!(parse("\"\"").unwrap_err().message.contains("empty quotes"));
        // Not fields: a quoted colon, clock times, a colon before a space.
        for ok in [
            "\"x:y\"",
            "https://example.com",
            "10:30",
            "Re: barrier",
            "a :b",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn phrases_and_connectors() {
        assert_eq!(p("apple pie OR cake"), "(\"apple pie\" OR cake)");
        assert_eq!(p("a AND b OR c"), "(a AND (b OR c))");
        assert_eq!(p("a OR b w/5 c"), "((a OR b) W/5 c)");
        assert_eq!(p("a AND b w/5 c"), "(a AND (b W/5 c))");
        assert_eq!(p("a not w/3 b pre/2 c"), "((a NOT W/3 b) PRE/2 c)");
        assert_eq!(p("appl* ba%nana apply~"), "\"appl* ba%nana apply~\"");
        assert_eq!(p("e-mail"), "\"e mail\"");
        assert_eq!(p("a and (b or c)"), "(a AND (b OR c))");
        assert_eq!(p("a NOT b"), "(a AND NOT b)");
        assert_eq!(p("\"and\" or \"not\""), "(\"and\" OR \"not\")");
        // What a reading shows parses again to the same reading.
        for q in [
            "created:2023",
            "created:2023-02..2023-03-04",
            "\"or\" \"and\"",
        ] {
            assert_eq!(p(&p(q)), p(q), "{q}");
        }
        assert_eq!(
            p("user:(foo OR bar) assistant:\"x y\""),
            "((user:foo OR user:bar) AND assistant:\"x y\")"
        );
        assert_eq!(p("Café"), "cafe");
        assert_eq!(p(""), "*");
        assert_eq!(p(" * "), "*");
    }

    #[test]
    fn mixed_connectors_are_noted() {
        assert!(mixed_connectors("a AND b OR c").is_some());
        assert!(mixed_connectors("a AND (b OR c)").is_none());
        assert!(mixed_connectors("a w/5 b OR c").is_some());
        assert!(mixed_connectors("a NOT b OR c").is_some());
        assert!(mixed_connectors("a OR b OR c").is_none());
        assert!(mixed_connectors("NOT a AND b").is_none());
    }

    #[test]
    fn filters() {
        assert_eq!(
            parse("model:GPT-4").unwrap(),
            Node::Filter(Filter::Model("gpt-4".into()))
        );
        match parse("created:2023-01-01..2023-06-30").unwrap() {
            Node::Filter(Filter::Created(Bound::Included(a), Bound::Included(b))) => {
                assert_eq!(a, 1672531200);
                assert_eq!(b, 1688169599);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse("turns:>10").unwrap(),
            Node::Filter(Filter::Turns(Bound::Excluded(10), Bound::Unbounded))
        );
        assert_eq!(
            parse("-tag:hot").unwrap(),
            Node::Not(Box::new(Node::Filter(Filter::Tag("hot".into()))))
        );
        assert_eq!(
            p("x -tag:hot reviewed:no"),
            "(x AND NOT tag:hot AND reviewed:no)"
        );
        assert_eq!(p("well-known"), "\"well known\"");
        // The reading is in the query language's own words, and reads back the same.
        for q in [
            "strong:yes",
            "label:echoed",
            "turns:>3",
            "(created:>=2023-01-01 AND created:<2024-01-01)",
            "model:\"gpt 4\"",
            "score:<=40",
        ] {
            assert_eq!(p(q), q);
            assert_eq!(p(&p(q)), q);
        }
        // An unknown prefix is just text.
        assert_eq!(p("http://x"), "\"http x\"");
    }

    #[test]
    fn syntax_of_other_tools_is_refused_by_name_not_read_as_words() {
        for (q, want) in [
            ("iran /s oil", "w//s"),
            ("iran /p oil", "w//p"),
            ("iran! oil", "root expander"),
            ("iran /5 oil", "w/5"),
            ("iran +3 oil", "pre/3"),
            ("iran & oil", "write AND"),
        ] {
            let e = parse(q).unwrap_err();
            let want = want.replace("//", "/");
            assert!(e.message.contains(&want), "{q}: {}", e.message);
            assert!(e.message.contains("--syntax"), "{q}: {}", e.message);
        }
        // Quoted, the same characters are text.
        assert!(parse("\"iran! oil & gas\"").is_ok());
        assert!(parse("w/5").is_err());
        assert!(parse("iran w/5 oil").is_ok());
    }

    #[test]
    fn dtsearch_operators_read_as_documented() {
        assert_eq!(p("iran w/10 xfirstword"), "(iran W/10 xfirstword)");
        assert_eq!(p("#smith"), "#smith");
        assert_eq!(p("fast& car"), "\"fast& car\"");
        assert_eq!(p("sh=ll"), "sh=ll");
        assert_eq!(p("12~~24"), "12~~24");
        assert_eq!(p("apple:5 AND pear"), "(apple:5 AND pear)");
        assert_eq!(p("\"apple pie\":3"), "\"apple pie\":3");
        assert_eq!(p("iran w/s oil"), "(iran W/s oil)");
        assert_eq!(p("iran pre/p oil"), "(iran PRE/p oil)");
        assert_eq!(p("iran not w/seg oil"), "(iran NOT W/seg oil)");
        assert!(parse("24~~12").unwrap_err().message.contains("empty range"));
        assert!(
            parse("1.5~~3")
                .unwrap_err()
                .message
                .contains("whole numbers")
        );
        assert!(parse("#sm1th").is_err());
    }

    fn pw(s: &str, d: Dialect) -> String {
        parse_with(s, &QueryOptions::new(d, Default::default()))
            .unwrap()
            .to_string()
    }

    #[test]
    fn westlaw_order_of_processing() {
        let w = |s| pw(s, Dialect::Westlaw);
        assert_eq!(w("iran oil"), "(iran OR oil)");
        assert_eq!(w("iran & oil gas"), "(iran AND (oil OR gas))");
        assert_eq!(w("a /s b /p c"), "((a W/s b) W/p c)");
        assert_eq!(w("a /p b /s c"), "(a W/p (b W/s c))");
        assert_eq!(
            w("cat or dog /50 custody /10 contract!"),
            "((cat OR dog) W/50 (custody W/10 contract*))"
        );
        assert_eq!(w("a +3 b /3 c"), "((a PRE/3 b) W/3 c)");
        assert_eq!(w("a & b % c"), "(a AND b AND NOT c)");
        assert_eq!(w("a % b & c"), "(a AND NOT (b AND c))");
        assert_eq!(
            w("\"tidal barrier\" /s collapse"),
            "(\"tidal barrier\" W/s collapse)"
        );
        assert_eq!(w("fea*t"), "fea?t");
        assert!(
            parse_with(
                "iran w/5 oil",
                &QueryOptions::new(Dialect::Westlaw, Default::default())
            )
            .is_err()
        );
    }

    #[test]
    fn lexis_order_of_processing() {
        let l = |s| pw(s, Dialect::Lexis);
        assert_eq!(l("tidal barrier"), "\"tidal barrier\"");
        assert_eq!(l("a and b or c"), "(a AND (b OR c))");
        assert_eq!(l("a w/s b w/5 c"), "(a W/s (b W/5 c))");
        assert_eq!(l("a w/seg b w/p c"), "(a W/seg (b W/p c))");
        assert_eq!(l("a and not b w/5 c"), "(a AND NOT (b W/5 c))");
        assert_eq!(l("a not w/5 b"), "(a NOT W/5 b)");
        assert_eq!(l("a w/10 b w/3 c"), "(a W/10 (b W/3 c))");
        assert_eq!(l("obey! or ob*y"), "(obey* OR ob?y)");
        assert_eq!(l("a /s b"), "(a W/s b)");
        assert!(
            parse_with(
                "a % b",
                &QueryOptions::new(Dialect::Lexis, Default::default())
            )
            .is_err()
        );
    }

    #[test]
    fn errors_have_columns() {
        let e = parse("apple AND").unwrap_err();
        assert_eq!(e.column, 7);
        let e = parse("(apple").unwrap_err();
        assert_eq!((e.column, e.message.as_str()), (1, "unclosed '('"));
        let e = parse("apple)").unwrap_err();
        assert_eq!(e.column, 6);
        let e = parse("a \"b").unwrap_err();
        assert_eq!(e.column, 3);
        let e = parse("created:2023-13-01").unwrap_err();
        assert_eq!(e.column, 9);
        assert!(parse("OR a").is_err());
        assert!(parse("()").is_err());
        assert!(parse("user:").is_err());
    }

    #[test]
    fn open_and_empty_ranges_are_errors_with_a_column() {
        for (q, col) in [
            ("created:..", 9),
            ("turns:..", 7),
            ("score:..", 7),
            ("x turns:\"\"", 9),
            ("created:2024..2023", 9),
            ("turns:9..3", 7),
        ] {
            let e = parse(q).unwrap_err();
            assert_eq!(e.column, col, "{q}: {e}");
        }
        assert!(parse("turns:3..").is_ok());
        assert!(parse("created:..2023").is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for q in [
            "(".repeat(10_000) + "a" + &")".repeat(10_000),
            "NOT ".repeat(10_000) + "a",
            "user:(".repeat(6_000) + "a",
            "a".to_string() + &" w/5 a".repeat(10_000),
        ] {
            let e = parse(&q).unwrap_err();
            assert!(e.message.contains("nests more than"), "{e}");
            for d in [Dialect::Westlaw, Dialect::Lexis] {
                let q = q.replace("NOT ", "(").replace(" w/5 ", " /5 ");
                let e = parse_with(&q, &QueryOptions::new(d, Default::default())).unwrap_err();
                assert!(e.message.contains("nests more than"), "{d}: {e}");
            }
        }
        let ok = "(".repeat(50) + "a" + &")".repeat(50);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "((((",
            "))))",
            "\"",
            "NOT",
            "a OR OR b",
            "::::",
            "user:user:x",
            "é\"",
            "model:",
            "turns:>>",
            "()()",
            "a (",
            "NOT NOT a",
        ] {
            let _ = parse(s);
        }
    }
}
