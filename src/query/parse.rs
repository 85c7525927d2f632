//! The query parser: dtSearch-style search requests. Words; adjacent words form a phrase;
//! `"quotes"` make connector words plain; `AND`, `OR`, `NOT`, `AND NOT`; `w/N`, `pre/N` and
//! `NOT w/N` proximity; `*` `?` wildcards, `word~` stemming, `%` fuzzy; field scopes and
//! filters; parentheses. Errors carry the 1-based character column.
//!
//! Precedence, tightest first (dtSearch does not document one; this follows the reading
//! Relativity users are taught, and `--explain` always shows the result):
//! a phrase or parenthesised group; unary `NOT`; `OR`; `w/N`, `pre/N`, `NOT w/N`; `AND`.
//! So `a AND b OR c` is `a AND (b OR c)`, and `a OR b w/5 c` is `(a OR b) w/5 c`.

use chrono::{NaiveDate, TimeZone, Utc};

use super::ast::{Bound, Filter, NearKind, Node, Pattern, Scope};
use crate::index::analyzer::{self, MESSAGE_GAP};

/// A syntax error at a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// 1-based character column.
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at column {}", self.message, self.column)
    }
}

impl std::error::Error for QueryError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Near(NearKind, u32),
    /// `name:` directly followed by something.
    Field(String),
    Word(String),
    Quoted(String),
}

#[derive(Debug, Clone)]
struct Spanned {
    tok: Tok,
    /// 1-based character column.
    col: usize,
    /// The text as typed (for messages).
    text: String,
}

fn err(column: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        column,
        message: message.into(),
    }
}

/// `w/5`, `W/12`, `pre/3`: the kind and distance, or an error for a bad distance.
fn near_token(word: &str, col: usize) -> Option<Result<(NearKind, u32), QueryError>> {
    let lower = word.to_ascii_lowercase();
    let (kind, digits) = if let Some(d) = lower.strip_prefix("w/") {
        (NearKind::Within, d)
    } else if let Some(d) = lower.strip_prefix("pre/") {
        (NearKind::Pre, d)
    } else {
        return None;
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Some(Err(err(
            col,
            format!("\"{word}\" needs a number of words, like w/5"),
        )));
    }
    let n: u32 = match digits.parse() {
        Ok(n) => n,
        Err(_) => return Some(Err(err(col, format!("\"{word}\": distance too large")))),
    };
    if n == 0 {
        return Some(Err(err(
            col,
            format!("\"{word}\": a distance of 0 matches nothing; use a phrase for adjacent words"),
        )));
    }
    if n as usize >= MESSAGE_GAP {
        return Some(Err(err(
            col,
            format!(
                "\"{word}\": distances are limited to {} words",
                MESSAGE_GAP - 1
            ),
        )));
    }
    Some(Ok((kind, n)))
}

fn lex(input: &str) -> Result<Vec<Spanned>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out: Vec<Spanned> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' | ')' => {
                out.push(Spanned {
                    tok: if c == '(' { Tok::LParen } else { Tok::RParen },
                    col,
                    text: c.to_string(),
                });
                i += 1;
            }
            '"' | '“' | '”' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && !matches!(chars[j], '"' | '“' | '”') {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(err(col, "unclosed quote"));
                }
                let text: String = chars[start..j].iter().collect();
                if text.trim().is_empty() {
                    return Err(err(col, "empty quotes: put the words to find between them"));
                }
                out.push(Spanned {
                    tok: Tok::Quoted(text.clone()),
                    col,
                    text: format!("\"{text}\""),
                });
                i = j + 1;
            }
            _ => {
                // `-name:value` is `NOT name:value`.
                if c == '-' {
                    let rest: String = chars[i + 1..].iter().take_while(|c| **c != ':').collect();
                    if chars.get(i + 1 + rest.chars().count()) == Some(&':') && is_field_name(&rest)
                    {
                        out.push(Spanned {
                            tok: Tok::Not,
                            col,
                            text: "-".to_string(),
                        });
                        i += 1;
                        continue;
                    }
                }
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"' | '“' | '”')
                {
                    // `name:` ends a field prefix when name is a known field.
                    if chars[i] == ':' {
                        let name: String = chars[start..i].iter().collect();
                        if is_field_name(&name) {
                            i += 1;
                            break;
                        }
                        // A misspelled field would silently become words that find nothing.
                        // (A URL's `scheme://` is text, not a field.)
                        let glued = chars.get(i + 1).is_some_and(|c| !c.is_whitespace())
                            && !(chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/'));
                        let rest: String = chars[i + 1..]
                            .iter()
                            .take_while(|c| !c.is_whitespace() && !matches!(c, '(' | ')'))
                            .collect();
                        if glued && let Some(why) = unsupported_syntax(&format!("{name}:{rest}")) {
                            return Err(err(col, why));
                        }
                        if glued && name.len() >= 2 && name.chars().all(|c| c.is_ascii_alphabetic())
                        {
                            let hint = nearest_field(&name)
                                .map(|f| format!("; did you mean \"{f}:\"?"))
                                .unwrap_or_default();
                            return Err(err(
                                col,
                                format!(
                                    "unknown field \"{name}:\"{hint} (a literal colon goes in quotes)"
                                ),
                            ));
                        }
                    }
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let tok = if let Some(name) = word.strip_suffix(':').filter(|n| is_field_name(n)) {
                    Tok::Field(name.to_ascii_lowercase())
                } else if let Some(why) = unsupported_syntax(&word) {
                    return Err(err(col, why));
                } else if let Some(near) = near_token(&word, col) {
                    let (kind, n) = near?;
                    // `NOT w/N` is one connector.
                    if kind == NearKind::Within
                        && out
                            .last()
                            .is_some_and(|t| t.tok == Tok::Not && t.text != "-")
                    {
                        let not = out.pop().map(|t| t.col).unwrap_or(col);
                        out.push(Spanned {
                            tok: Tok::Near(NearKind::NotWithin, n),
                            col: not,
                            text: format!("NOT {word}"),
                        });
                        continue;
                    }
                    Tok::Near(kind, n)
                } else {
                    match word.to_ascii_uppercase().as_str() {
                        "AND" => Tok::And,
                        "OR" => Tok::Or,
                        "NOT" => Tok::Not,
                        _ => Tok::Word(word.clone()),
                    }
                };
                out.push(Spanned {
                    tok,
                    col,
                    text: word,
                });
            }
        }
    }
    Ok(out)
}

/// Syntax of dtSearch, Westlaw or Lexis that this language does not read yet. Taken as words it
/// would quietly count something else (`#smith` would search `smith`, `iran /s oil` the
/// words `iran`, `s`, `oil`), and counts are compared across the table: it is refused, named.
fn unsupported_syntax(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    let letters = |s: &str| !s.is_empty() && s.chars().all(char::is_alphanumeric);
    let msg = if lower == "xfirstword" || lower == "xlastword" {
        format!("\"{word}\" (dtSearch's start or end of a field) is not supported yet")
    } else if let Some(rest) = word.strip_prefix('#').filter(|r| letters(r)) {
        format!(
            "\"{word}\": phonic search (#word) is not supported yet; list the spellings with OR \
             (\"{rest} OR ...\")"
        )
    } else if let Some(rest) = word.strip_suffix('&').filter(|r| letters(r)) {
        format!(
            "\"{word}\": synonym search (word&) is not supported yet; list the synonyms with OR \
             (\"{rest} OR ...\")"
        )
    } else if word == "&" {
        "\"&\" (Westlaw's and): write AND".to_string()
    } else if word.contains('=')
        && word
            .split('=')
            .all(|p| p.chars().all(char::is_alphanumeric))
        && word.chars().any(char::is_alphanumeric)
    {
        format!(
            "\"{word}\": the one-digit wildcard (=) is not supported yet; ? matches any one character"
        )
    } else if let Some(rest) = word.strip_suffix('!').filter(|r| letters(r)) {
        format!(
            "\"{word}\": ! is the root expander of Westlaw and Lexis; here write \"{rest}*\" (or put \
             the text in quotes)"
        )
    } else if matches!(
        lower.as_str(),
        "/s" | "/p" | "+s" | "+p" | "w/s" | "w/p" | "w/seg" | "pre/s" | "pre/p"
    ) {
        format!(
            "\"{word}\": same-sentence and same-paragraph connectors (Westlaw, Lexis) are not \
             supported yet; use w/N (within N words)"
        )
    } else if let Some(n) = lower
        .strip_prefix('/')
        .or_else(|| lower.strip_prefix('+'))
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
    {
        let conn = if lower.starts_with('+') { "pre" } else { "w" };
        format!("\"{word}\" is Westlaw's connector; here it is written {conn}/{n}")
    } else if let Some((term, weight)) = word.split_once(':')
        && letters(term)
        && term.chars().any(char::is_alphabetic)
        && !weight.is_empty()
        && weight.chars().all(|c| c.is_ascii_digit())
    {
        format!("\"{word}\": term weighting (word:N) is not supported yet; search \"{term}\"")
    } else {
        return None;
    };
    Some(msg)
}

/// Names that take a `name:` prefix: text scopes and filters.
const FILTER_NAMES: [&str; 21] = [
    "model",
    "lang",
    "language",
    "id",
    "created",
    "turns",
    "tag",
    "reviewed",
    "reviewer",
    "note",
    "score",
    "article",
    "label",
    "strong",
    "viewed",
    "designation",
    "produced",
    "bates",
    "sample",
    "elicitation",
    "supplied",
];

const SCOPE_NAMES: [&str; 5] = ["user", "assistant", "title", "system", "tool"];

/// The field name closest to a misspelled one (at most two edits away).
fn nearest_field(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    (1..=2).find_map(|edits| {
        SCOPE_NAMES
            .iter()
            .chain(FILTER_NAMES.iter())
            .find(|f| super::pattern::within_edits(&name, f, edits))
            .copied()
    })
}

fn is_field_name(name: &str) -> bool {
    Scope::parse(name).is_some() || FILTER_NAMES.contains(&name.to_ascii_lowercase().as_str())
}

/// How deeply groups, `NOT`s, field scopes and proximity chains may nest. Real requests stay
/// well under ten levels; the limit keeps the recursive parser, compiler and matcher far from
/// the stack's end whatever is typed or pasted.
pub const MAX_DEPTH: usize = 100;

struct Parser<'a> {
    toks: &'a [Spanned],
    pos: usize,
    end_col: usize,
    depth: usize,
}

/// Connectors mixed at one level without parentheses, where precedence decides the reading
/// (dtSearch documents none): a note for the user, with the reading shown by `--explain`.
pub fn mixed_connectors(input: &str) -> Option<String> {
    let toks = lex(input).ok()?;
    // Per parenthesis depth: which of AND / OR / proximity appear.
    let mut stack: Vec<[bool; 3]> = vec![[false; 3]];
    let mut mixed = false;
    let mut prev_operand = false;
    for t in &toks {
        let kind = match t.tok {
            Tok::LParen => {
                stack.push([false; 3]);
                prev_operand = false;
                continue;
            }
            Tok::RParen => {
                stack.pop();
                if stack.is_empty() {
                    stack.push([false; 3]);
                }
                prev_operand = true;
                continue;
            }
            Tok::And => Some(0),
            // `a NOT b` is an implicit AND.
            Tok::Not if prev_operand => Some(0),
            Tok::Or => Some(1),
            Tok::Near(..) => Some(2),
            _ => None,
        };
        prev_operand = matches!(t.tok, Tok::Word(_) | Tok::Quoted(_));
        if let (Some(k), Some(level)) = (kind, stack.last_mut()) {
            level[k] = true;
            mixed |= level.iter().filter(|x| **x).count() > 1;
        }
    }
    mixed.then(|| {
        "this query mixes connectors without parentheses; verbatim reads OR before proximity \
         before AND (dtSearch documents no order): check the reading, or add parentheses"
            .to_string()
    })
}

/// Parses a query. An empty query, or a lone `*`, matches everything.
pub fn parse(input: &str) -> Result<Node, QueryError> {
    if input.trim() == "*" {
        return Ok(Node::All);
    }
    let toks = lex(input)?;
    if toks.is_empty() {
        return Ok(Node::All);
    }
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end_col: input.chars().count() + 1,
        depth: 0,
    };
    let node = p.and_expr(Scope::Any)?;
    if let Some(t) = p.peek() {
        return Err(match t.tok {
            Tok::RParen => err(t.col, "unmatched ')'"),
            _ => err(t.col, format!("unexpected \"{}\"", t.text)),
        });
    }
    Ok(node)
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
            Some(t) if matches!(t.tok, Tok::And | Tok::Or | Tok::Near(..) | Tok::RParen) => {
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

    fn and_expr(&mut self, scope: Scope) -> Result<Node, QueryError> {
        let mut items = vec![self.prox_expr(scope)?];
        loop {
            match self.peek_tok() {
                Some(Tok::And) => {
                    let t = self.toks[self.pos].clone();
                    self.pos += 1;
                    self.need_operand(&t)?;
                    items.push(self.prox_expr(scope)?);
                }
                // `a NOT b` reads as `a AND NOT b`; juxtaposed groups and fields join by AND.
                Some(Tok::Not) | Some(Tok::LParen) | Some(Tok::Field(_)) | Some(Tok::Quoted(_))
                | Some(Tok::Word(_)) => items.push(self.prox_expr(scope)?),
                _ => break,
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn prox_expr(&mut self, scope: Scope) -> Result<Node, QueryError> {
        let start_col = self.peek().map(|t| t.col).unwrap_or(self.end_col);
        let mut left = self.or_expr(scope)?;
        let mut left_col = start_col;
        let depth = self.depth;
        while let Some(Tok::Near(kind, n)) = self.peek_tok().cloned() {
            let t = self.toks[self.pos].clone();
            // Each link nests the chain so far one level deeper in the tree.
            self.descend(t.col)?;
            self.pos += 1;
            self.need_operand(&t)?;
            let right_col = self.peek().map(|t| t.col).unwrap_or(self.end_col);
            let right = self.or_expr(scope)?;
            check_near_operand(&left, left_col, &t.text)?;
            check_near_operand(&right, right_col, &t.text)?;
            left = Node::Near {
                left: Box::new(left),
                right: Box::new(right),
                n,
                kind,
            };
            left_col = start_col;
        }
        self.depth = depth;
        Ok(left)
    }

    fn or_expr(&mut self, scope: Scope) -> Result<Node, QueryError> {
        let mut items = vec![self.unary(scope)?];
        while matches!(self.peek_tok(), Some(Tok::Or)) {
            let t = self.toks[self.pos].clone();
            self.pos += 1;
            self.need_operand(&t)?;
            items.push(self.unary(scope)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
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
                let inner = self.and_expr(scope)?;
                self.depth -= 1;
                match self.peek_tok() {
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(err(t.col, "unclosed '('")),
                }
            }
            Tok::RParen => Err(err(t.col, "unmatched ')'")),
            Tok::And | Tok::Or | Tok::Near(..) => {
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
            Tok::Quoted(text) => {
                self.pos += 1;
                phrase(scope, &text, t.col)
            }
            Tok::Word(_) => {
                // Adjacent plain words form one phrase.
                let mut words = Vec::new();
                while let Some(Spanned {
                    tok: Tok::Word(w), ..
                }) = self.peek()
                {
                    words.push(w.clone());
                    self.pos += 1;
                }
                phrase(scope, &words.join(" "), t.col)
            }
        }
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

/// Splits text into phrase items: words are broken at punctuation the way the index breaks
/// them (`e-mail` is the phrase "e mail"); `*`, `?`, `%` and a final `~` stay with their word.
fn phrase(scope: Scope, text: &str, col: usize) -> Result<Node, QueryError> {
    let mut items = Vec::new();
    for raw in text.split_whitespace() {
        if raw.contains("~~") {
            return Err(err(
                col,
                format!("\"{raw}\": numeric ranges (~~) are not supported"),
            ));
        }
        let mut piece = String::new();
        let chars: Vec<char> = raw.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let keep = c.is_alphanumeric()
                || matches!(c, '*' | '?' | '%')
                || (*c == '~' && i + 1 == chars.len());
            if keep {
                piece.push(*c);
            } else {
                push_item(&mut items, &piece, col)?;
                piece.clear();
            }
        }
        push_item(&mut items, &piece, col)?;
    }
    Ok(Node::Phrase { scope, items })
}

fn push_item(items: &mut Vec<Pattern>, piece: &str, col: usize) -> Result<(), QueryError> {
    if piece.is_empty() || piece == "~" {
        return Ok(());
    }
    // Split the way the index splits: CJK runs into bigrams (one character alone is read as
    // `X*`: every indexed CJK token starting with it), over-long words into pieces.
    let plain = !piece.contains(['*', '?', '%', '~']);
    if plain && (piece.len() > analyzer::MAX_TOKEN_BYTES || piece.chars().any(analyzer::is_cjk)) {
        for r in analyzer::segment_pieces(piece, false) {
            let sub = &piece[r];
            let mut cs = sub.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if analyzer::is_cjk(c) => push_one(items, &format!("{c}*"), col)?,
                _ => push_one(items, sub, col)?,
            }
        }
        return Ok(());
    }
    push_one(items, piece, col)
}

fn push_one(items: &mut Vec<Pattern>, piece: &str, col: usize) -> Result<(), QueryError> {
    match Pattern::parse(piece) {
        Ok(Some(p)) => {
            items.push(p);
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(message) => Err(err(col, message)),
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
        assert_eq!(p("\"and\" or \"not\""), "(and OR not)");
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
            ("iran w/10 xfirstword", "xfirstword"),
            ("#smith", "phonic"),
            ("fast& car", "synonym"),
            ("sh=ll", "one-digit wildcard"),
            ("iran /s oil", "same-sentence"),
            ("iran /p oil", "same-paragraph"),
            ("iran w/p oil", "same-sentence"),
            ("iran! oil", "root expander"),
            ("iran /5 oil", "w/5"),
            ("iran +3 oil", "pre/3"),
            ("iran & oil", "write AND"),
        ] {
            let e = parse(q).unwrap_err();
            assert!(e.message.contains(want), "{q}: {}", e.message);
        }
        let e = parse("oil apple:5").unwrap_err();
        assert_eq!(e.column, 5, "{}", e.message);
        assert!(e.message.contains("term weighting"), "{}", e.message);
        // Quoted, the same characters are text.
        assert!(parse("\"iran! oil & gas\"").is_ok());
        assert!(parse("w/5").is_err());
        assert!(parse("iran w/5 oil").is_ok());
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
