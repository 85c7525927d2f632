//! The query lexer of every dialect: connectors, groups, quotes, field prefixes and words,
//! each with its 1-based column. What a connector is depends on the dialect (`&` is AND in
//! Westlaw, a synonym marker after a dtSearch word); syntax that belongs to another dialect,
//! or to none that verbatim reads, is refused by name rather than searched as words.

use super::ast::{NearKind, Reach, Scope};
use super::options::Dialect;
use crate::index::analyzer::MESSAGE_GAP;

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

pub(crate) fn err(column: usize, message: impl Into<String>) -> QueryError {
    QueryError {
        column,
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    /// Westlaw `%`, Lexis `and not`: everything but what follows.
    ButNot,
    Near(NearKind, Reach),
    /// `:N` right after a word or phrase (dtSearch term weighting).
    Weight(u32),
    /// `@NAME`: a saved search.
    Saved(String),
    /// `name:` directly followed by something.
    Field(String),
    Word(String),
    Quoted(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Spanned {
    pub tok: Tok,
    /// 1-based character column.
    pub col: usize,
    /// The text as typed (for messages).
    pub text: String,
}

/// A proximity connector of `dialect` (`w/5`, `pre/s`, `/p`, `+3`): its kind and reach, or an
/// error for a bad distance; `None` when `word` is no connector there.
fn near_token(
    word: &str,
    col: usize,
    dialect: Dialect,
) -> Option<Result<(NearKind, Reach), QueryError>> {
    let lower = word.to_ascii_lowercase();
    let (kind, rest) = match dialect {
        Dialect::Dtsearch => {
            if let Some(d) = lower.strip_prefix("w/") {
                (NearKind::Within, d)
            } else if let Some(d) = lower.strip_prefix("pre/") {
                (NearKind::Pre, d)
            } else {
                return None;
            }
        }
        Dialect::Westlaw => {
            if let Some(d) = lower.strip_prefix('/') {
                (NearKind::Within, d)
            } else if let Some(d) = lower.strip_prefix('+') {
                (NearKind::Pre, d)
            } else {
                return None;
            }
        }
        Dialect::Lexis => {
            if let Some(d) = lower
                .strip_prefix("w/")
                .or_else(|| lower.strip_prefix("near/"))
                .or_else(|| lower.strip_prefix('/'))
            {
                (NearKind::Within, d)
            } else if let Some(d) = lower
                .strip_prefix("pre/")
                .or_else(|| lower.strip_prefix("onear/"))
                .or_else(|| lower.strip_prefix('+'))
            {
                (NearKind::Pre, d)
            } else {
                return None;
            }
        }
    };
    let unit = match (dialect, rest) {
        (_, "s") | (Dialect::Lexis, "sent") => Some(Reach::Sentence),
        (_, "p") | (Dialect::Lexis, "para") => Some(Reach::Paragraph),
        (Dialect::Dtsearch | Dialect::Lexis, "seg") => Some(Reach::Message),
        _ => None,
    };
    if let Some(u) = unit {
        return Some(Ok((kind, u)));
    }
    let example = match dialect {
        Dialect::Westlaw => "/5",
        _ => "w/5",
    };
    if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
        // `/` or `+` before other text is not a connector in Westlaw or Lexis (`+1-555`).
        if matches!(dialect, Dialect::Westlaw | Dialect::Lexis)
            && !lower.contains("w/")
            && !lower.contains("pre/")
            && !lower.contains("near/")
        {
            return None;
        }
        return Some(Err(err(
            col,
            format!(
                "\"{word}\" needs a number of words, like {example}, or s (sentence), p \
                 (paragraph){}",
                if dialect == Dialect::Westlaw {
                    ""
                } else {
                    ", seg (message)"
                }
            ),
        )));
    }
    let n: u32 = match rest.parse() {
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
    Some(Ok((kind, Reach::Words(n))))
}

/// Characters that are connectors on their own in a dialect, even glued to words.
fn connector_char(c: char, dialect: Dialect) -> Option<Tok> {
    match (dialect, c) {
        (Dialect::Westlaw, '&') | (Dialect::Lexis, '&') => Some(Tok::And),
        (Dialect::Westlaw, '%') => Some(Tok::ButNot),
        _ => None,
    }
}

/// Reads `input` as `dialect` writes it.
pub(crate) fn lex(input: &str, dialect: Dialect) -> Result<Vec<Spanned>, QueryError> {
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
        if let Some(tok) = connector_char(c, dialect) {
            out.push(Spanned {
                tok,
                col,
                text: c.to_string(),
            });
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
                if c == ')' {
                    weight_suffix(&chars, &mut i, &mut out);
                }
            }
            '@' if chars
                .get(i + 1)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_') =>
            {
                let start = i + 1;
                let mut j = start;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '-')
                {
                    j += 1;
                }
                let name: String = chars[start..j].iter().collect();
                out.push(Spanned {
                    tok: Tok::Saved(name.clone()),
                    col,
                    text: format!("@{name}"),
                });
                i = j;
                weight_suffix(&chars, &mut i, &mut out);
            }
            '[' | ']' => {
                return Err(err(
                    col,
                    "brackets mark a part of a reading that has no form in this syntax \
                     (--explain); they are not query syntax (put bracketed text in quotes)",
                ));
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
                weight_suffix(&chars, &mut i, &mut out);
            }
            _ => {
                // `-word` is not an exclusion here (only `-name:value` is): refused rather
                // than searched as the word.
                if c == '-'
                    && chars
                        .get(i + 1)
                        .is_some_and(|n| n.is_alphabetic() || matches!(n, '(' | '"' | '“' | '@'))
                {
                    let rest: String = chars[i + 1..].iter().take_while(|c| **c != ':').collect();
                    let field = chars.get(i + 1 + rest.chars().count()) == Some(&':')
                        && is_field_name(&rest);
                    if !field {
                        let shown: String = chars[i..]
                            .iter()
                            .take_while(|c| !c.is_whitespace())
                            .collect();
                        return Err(err(
                            col,
                            format!(
                                "\"{shown}\": a leading - excludes only filters (-tag:hot); to \
                                 exclude words write NOT {}",
                                &shown[1..]
                            ),
                        ));
                    }
                }
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
                let mut weight = None;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"' | '“' | '”')
                    && connector_char(chars[i], dialect).is_none()
                {
                    // `name:` ends a field prefix when name is a known field.
                    if chars[i] == ':' {
                        let name: String = chars[start..i].iter().collect();
                        if is_field_name(&name) {
                            i += 1;
                            break;
                        }
                        let rest: String = chars[i + 1..]
                            .iter()
                            .take_while(|c| !c.is_whitespace() && !matches!(c, '(' | ')'))
                            .collect();
                        // `word:N`: dtSearch term weighting.
                        let filter_value = matches!(
                            out.last().map(|t| &t.tok),
                            Some(Tok::Field(f)) if Scope::parse(f).is_none()
                        );
                        if dialect == Dialect::Dtsearch
                            && !filter_value
                            && !name.is_empty()
                            && name
                                .chars()
                                .all(|c| c.is_alphanumeric() || "*?%~=#&_".contains(c))
                            && !rest.is_empty()
                            && rest.chars().all(|c| c.is_ascii_digit())
                            && name.chars().any(char::is_alphabetic)
                        {
                            let n = rest.parse::<u32>().map_err(|_| {
                                err(col, format!("\"{name}:{rest}\": weight too large"))
                            })?;
                            weight = Some((n, i + 1));
                            let end = i + 1 + rest.chars().count();
                            let word: String = chars[start..i].iter().collect();
                            out.push(word_token(word, col, dialect, &out)?);
                            out.push(Spanned {
                                tok: Tok::Weight(n),
                                col: i + 1,
                                text: format!(":{rest}"),
                            });
                            i = end;
                            break;
                        }
                        // A misspelled field would silently become words that find nothing.
                        // (A URL's `scheme://` is text, not a field.)
                        let glued = chars.get(i + 1).is_some_and(|c| !c.is_whitespace())
                            && !(chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/'));
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
                if weight.is_some() {
                    continue;
                }
                let word: String = chars[start..i].iter().collect();
                // Westlaw's field restrictions, `ti(...)`, are not read.
                if dialect != Dialect::Dtsearch
                    && chars.get(i) == Some(&'(')
                    && word.len() <= 4
                    && word.chars().all(|c| c.is_ascii_alphabetic())
                {
                    return Err(err(
                        col,
                        format!(
                            "\"{word}(\": field restrictions of Westlaw and Lexis are not read; \
                             use title:, user: or assistant: (or put a space before the \
                             parenthesis)"
                        ),
                    ));
                }
                // Westlaw and Lexis `but not`: one connector.
                if dialect != Dialect::Dtsearch
                    && word.eq_ignore_ascii_case("not")
                    && matches!(out.last(), Some(Spanned { tok: Tok::Word(b), .. }) if b.eq_ignore_ascii_case("but"))
                {
                    let but = out.pop().map(|t| t.col).unwrap_or(col);
                    out.push(Spanned {
                        tok: Tok::ButNot,
                        col: but,
                        text: "but not".to_string(),
                    });
                    continue;
                }
                let t = word_token(word, col, dialect, &out)?;
                match (&t.tok, out.last().map(|l| &l.tok)) {
                    // `NOT w/N`, Lexis `not /5`: one connector.
                    (Tok::Near(NearKind::Within, reach), Some(Tok::Not))
                        if out.last().is_some_and(|l| l.text != "-") =>
                    {
                        let not = out.pop().map(|t| t.col).unwrap_or(col);
                        out.push(Spanned {
                            tok: Tok::Near(NearKind::NotWithin, *reach),
                            col: not,
                            text: format!("NOT {}", t.text),
                        });
                    }
                    // Lexis `and not`, Westlaw and Lexis `but not`: one connector.
                    (Tok::Not, Some(Tok::And)) if dialect == Dialect::Lexis => {
                        let and = out.pop().map(|t| t.col).unwrap_or(col);
                        out.push(Spanned {
                            tok: Tok::ButNot,
                            col: and,
                            text: "and not".to_string(),
                        });
                    }
                    _ => out.push(t),
                }
            }
        }
    }
    // Lexis: `a not b` is `a and not b` (its lowest connector); a `not` that joined a
    // proximity connector is gone by now.
    if dialect == Dialect::Lexis {
        for k in 0..out.len() {
            if out[k].tok != Tok::Not {
                continue;
            }
            let after_operand = k > 0
                && matches!(
                    out[k - 1].tok,
                    Tok::Word(_) | Tok::Quoted(_) | Tok::RParen | Tok::Weight(_) | Tok::Saved(_)
                );
            if !after_operand {
                return Err(err(
                    out[k].col,
                    "Lexis reads not as and not: it needs something before it to exclude from \
                     (iran and not oil)",
                ));
            }
            out[k].tok = Tok::ButNot;
        }
    }
    // dtSearch has no BUT NOT: `a but NOT b` would search the word "but".
    if dialect == Dialect::Dtsearch
        && let Some(k) = (1..out.len()).find(|&k| {
            out[k].tok == Tok::Not
                && matches!(&out[k - 1].tok, Tok::Word(w) if w.eq_ignore_ascii_case("but"))
        })
    {
        return Err(err(
            out[k - 1].col,
            "\"but not\" is Westlaw's and Lexis's exclusion; here write AND NOT (or search with \
             --syntax westlaw or lexis)",
        ));
    }
    Ok(out)
}

/// `:N` right after a closing quote.
fn weight_suffix(chars: &[char], i: &mut usize, out: &mut Vec<Spanned>) {
    if chars.get(*i) != Some(&':') {
        return;
    }
    let digits: String = chars[*i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return;
    }
    if let Ok(n) = digits.parse::<u32>() {
        out.push(Spanned {
            tok: Tok::Weight(n),
            col: *i + 1,
            text: format!(":{digits}"),
        });
        *i += 1 + digits.len();
    }
}

/// One whitespace-delimited word as a token of `dialect`.
fn word_token(
    word: String,
    col: usize,
    dialect: Dialect,
    before: &[Spanned],
) -> Result<Spanned, QueryError> {
    let tok = if let Some(name) = word.strip_suffix(':').filter(|n| is_field_name(n)) {
        Tok::Field(name.to_ascii_lowercase())
    } else if let Some(why) = unsupported_syntax(&word, dialect) {
        return Err(err(col, why));
    } else if let Some(near) = near_token(&word, col, dialect) {
        let (kind, reach) = near?;
        Tok::Near(kind, reach)
    } else {
        let upper = word.to_ascii_uppercase();
        match (dialect, upper.as_str()) {
            (_, "AND") => Tok::And,
            (_, "OR") => Tok::Or,
            (Dialect::Dtsearch, "NOT") => Tok::Not,
            // Lexis `not` before a proximity connector (`not w/5`) or after `and`.
            (Dialect::Lexis, "NOT") => Tok::Not,
            (Dialect::Lexis, "ANDNOT") => Tok::ButNot,
            _ => {
                let _ = before;
                Tok::Word(word.clone())
            }
        }
    };
    Ok(Spanned {
        tok,
        col,
        text: word,
    })
}

/// Syntax that `dialect` does not read. Taken as words it would quietly count something else
/// (`iran /s oil` in dtSearch would search the words `iran`, `s`, `oil`), and counts are
/// compared across the table: it is refused, named, with the way to write it.
fn unsupported_syntax(word: &str, dialect: Dialect) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    let letters = |s: &str| !s.is_empty() && s.chars().all(char::is_alphanumeric);
    let westlaw_conn = matches!(lower.as_str(), "/s" | "/p" | "+s" | "+p")
        || lower
            .strip_prefix('/')
            .or_else(|| lower.strip_prefix('+'))
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
    // A connector glued to a word (`iran/2`, `iran+s`) would be read as the words.
    if let Some(k) = word.find(['/', '+'])
        && word[..k].chars().last().is_some_and(char::is_alphabetic)
        && !lower.starts_with("w/")
        && !lower.starts_with("pre/")
        && !lower.starts_with("near/")
        && !lower.starts_with("onear/")
    {
        let tail = &lower[k + 1..];
        if matches!(tail, "s" | "p" | "seg")
            || (!tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()))
        {
            return Some(format!(
                "\"{word}\": put spaces around a connector ({} {})",
                &word[..k],
                &word[k..]
            ));
        }
    }
    let msg = match dialect {
        Dialect::Dtsearch => {
            if word == "%" {
                "\"%\" (Westlaw's BUT NOT): write AND NOT, or search with --syntax westlaw"
                    .to_string()
            } else if lower == "andnot" {
                "\"andnot\" (Lexis's and not): write AND NOT".to_string()
            } else if lower.starts_with("near/") || lower.starts_with("onear/") {
                let n = &lower[lower.find('/').map_or(0, |k| k + 1)..];
                let conn = if lower.starts_with('o') { "pre" } else { "w" };
                format!("\"{word}\" is Lexis's connector; here it is written {conn}/{n}")
            } else if lower == "/seg" {
                "\"/seg\" is Lexis's; here it is written w/seg".to_string()
            } else if let Some((w, n)) = word.rsplit_once('~')
                && letters(w)
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit() || c == '.')
            {
                format!(
                    "\"{word}\": ~N is Lucene's fuzzy search; dtSearch writes a fuzzy word with % \
                     ({}%{})",
                    &w[..1],
                    &w[1..]
                )
            } else if word == "&" {
                "\"&\" (Westlaw's and): write AND, or search with --syntax westlaw".to_string()
            } else if let Some(rest) = word.strip_suffix('!').filter(|r| letters(r)) {
                format!(
                    "\"{word}\": ! is the root expander of Westlaw and Lexis; here write \
                     \"{rest}*\" (or search with --syntax westlaw or lexis)"
                )
            } else if westlaw_conn {
                let (conn, rest) = if let Some(r) = lower.strip_prefix('+') {
                    ("pre", r)
                } else {
                    ("w", &lower[1..])
                };
                format!(
                    "\"{word}\" is Westlaw's connector; here it is written {conn}/{rest} (or \
                     search with --syntax westlaw)"
                )
            } else {
                return None;
            }
        }
        Dialect::Westlaw => {
            if lower == "not" {
                "\"not\": Westlaw's exclusion is % (or but not); to search the word, put it in \
                 quotes"
                    .to_string()
            } else if matches!(lower.as_str(), "w/s" | "w/p" | "w/seg" | "pre/s" | "pre/p")
                || lower.starts_with("w/")
                || lower.starts_with("pre/")
            {
                format!(
                    "\"{word}\" is Lexis's and dtSearch's connector; Westlaw writes /N, +N, /s, \
                     /p, +s, +p"
                )
            } else if lower == "/seg" || lower == "+seg" {
                format!("\"{word}\": Westlaw has no same-segment connector; use /p or /s")
            } else {
                return None;
            }
        }
        Dialect::Lexis => {
            if matches!(lower.as_str(), "pre/seg" | "+seg") {
                format!("\"{word}\": Lexis has no preceding-in-segment connector; use w/seg")
            } else if matches!(lower.as_str(), "%") {
                "\"%\" is Westlaw's BUT NOT; Lexis writes and not".to_string()
            } else {
                return None;
            }
        }
    };
    Some(msg)
}

/// Names that take a `name:` prefix: text scopes and filters.
pub(crate) const FILTER_NAMES: [&str; 27] = [
    "group",
    "family",
    "principal",
    "similarity",
    "list",
    "batch",
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

pub(crate) fn is_field_name(name: &str) -> bool {
    Scope::parse(name).is_some() || FILTER_NAMES.contains(&name.to_ascii_lowercase().as_str())
}

/// Connectors mixed at one level without parentheses, where precedence decides the reading
/// (dtSearch documents none): a note for the user, with the reading shown by `--explain`.
/// Westlaw and Lexis document their order of processing, so they get no note.
pub fn mixed_connectors(input: &str) -> Option<String> {
    let toks = lex(input, Dialect::Dtsearch).ok()?;
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
