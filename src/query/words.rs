//! The words of a query: text between connectors made into phrase items (word patterns), in
//! the dialect's word syntax (Westlaw's `!` and `*`, dtSearch's `#`, `&`, `~~`, `=`), split
//! the way the matter's index splits text, with noise words of a Relativity-compatible matter
//! standing for any one word.

use super::ast::{Node, Pattern, Scope};
use super::lex::{QueryError, err};
use super::options::{Dialect, QueryOptions};
use super::pattern::OPTIONAL_CHAR;
use crate::index::analyzer::{self, FIRST_MARK, LAST_MARK, TextMode};

/// Splits text into phrase items: words are broken at punctuation the way the index breaks
/// them (`e-mail` is the phrase "e mail"); `*`, `?`, `%`, `=` and a final `~` stay with their
/// word.
pub(crate) fn phrase(
    scope: Scope,
    text: &str,
    col: usize,
    opts: &QueryOptions,
) -> Result<Node, QueryError> {
    let mut items = Vec::new();
    for raw in text.split_whitespace() {
        let raw = dialect_word(raw, col, opts.dialect)?;
        if let Some(p) = special(&raw, col, opts)? {
            items.push(p);
            continue;
        }
        let mut piece = String::new();
        let chars: Vec<char> = raw.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let keep = c.is_alphanumeric()
                || matches!(c, '*' | '?' | '%' | '=')
                || *c == OPTIONAL_CHAR
                || (*c == '_' && opts.mode == TextMode::Relativity)
                || (*c == '~' && i + 1 == chars.len());
            if keep {
                piece.push(*c);
            } else {
                push_item(&mut items, &piece, col, opts.mode)?;
                piece.clear();
            }
        }
        push_item(&mut items, &piece, col, opts.mode)?;
    }
    if opts.mode == TextMode::Relativity {
        noise_words(&mut items, text, col)?;
    }
    Ok(Node::Phrase { scope, items })
}

/// Noise words of a Relativity-compatible index are not indexed: inside a phrase each stands
/// for any one word (dtSearch's reading); at either end it adds nothing; alone it cannot be
/// searched at all.
fn noise_words(items: &mut Vec<Pattern>, text: &str, col: usize) -> Result<(), QueryError> {
    for p in items.iter_mut() {
        if let Pattern::Exact(w) = p
            && analyzer::is_noise(w)
        {
            *p = Pattern::AnyWord(w.clone());
        }
    }
    let noise = |p: &Pattern| matches!(p, Pattern::AnyWord(_));
    if !items.is_empty() && items.iter().all(noise) {
        return Err(err(
            col,
            format!(
                "\"{}\" is made of noise words, which this matter's Relativity-compatible index \
                 does not hold",
                text.trim()
            ),
        ));
    }
    while items.first().is_some_and(noise) {
        items.remove(0);
    }
    while items.last().is_some_and(noise) {
        items.pop();
    }
    Ok(())
}

/// A Westlaw or Lexis word in dtSearch's pattern syntax: `!` (any ending) becomes `*`; a
/// Westlaw `*` is one character inside a word and at most one at its end; a Lexis `*` or
/// `?` is one character. dtSearch's own pattern characters are refused there.
fn dialect_word(raw: &str, col: usize, dialect: Dialect) -> Result<String, QueryError> {
    if dialect == Dialect::Dtsearch {
        return Ok(raw.to_string());
    }
    let name = if dialect == Dialect::Westlaw {
        "Westlaw"
    } else {
        "Lexis"
    };
    // Westlaw's `#` turns off its automatic plurals: verbatim adds none, so it is dropped.
    let raw = if dialect == Dialect::Westlaw {
        raw.strip_prefix('#').unwrap_or(raw)
    } else {
        raw
    };
    if matches!(
        raw.to_ascii_lowercase().as_str(),
        "xfirstword" | "xlastword"
    ) {
        return Err(err(
            col,
            format!("\"{raw}\" is dtSearch's; search with --syntax dtsearch"),
        ));
    }
    if let Some(c) = raw
        .chars()
        .find(|c| matches!(c, '%' | '~' | '=' | '#' | '&'))
        .filter(|_| raw.chars().any(char::is_alphanumeric))
    {
        return Err(err(
            col,
            format!(
                "\"{raw}\": {c} means something only in dtSearch's syntax; {name} words take ! \
                 and * (search with --syntax dtsearch for the rest)"
            ),
        ));
    }
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '!' => {
                let at_end = chars[i + 1..].iter().all(|c| !c.is_alphanumeric());
                if !at_end || i == 0 {
                    return Err(err(
                        col,
                        format!("\"{raw}\": ! goes at the end of a word's root (obey!)"),
                    ));
                }
                out.push('*');
            }
            '*' if dialect == Dialect::Westlaw => {
                let trailing = chars[i..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '*')
                    .all(|c| *c == '*');
                out.push(if trailing { OPTIONAL_CHAR } else { '?' });
            }
            '*' => out.push('?'),
            '?' if dialect == Dialect::Westlaw => out.push(' '),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// dtSearch's word operators, read before a word is split at punctuation: `#word` (sounds
/// like), `word&` (synonyms), `N~~M` (number range), `xfirstword` and `xlastword`.
fn special(raw: &str, col: usize, opts: &QueryOptions) -> Result<Option<Pattern>, QueryError> {
    if opts.dialect != Dialect::Dtsearch {
        return Ok(None);
    }
    let lower = raw.to_lowercase();
    match lower.as_str() {
        "xfirstword" => return Ok(Some(Pattern::Exact(FIRST_MARK.to_string()))),
        "xlastword" => return Ok(Some(Pattern::Exact(LAST_MARK.to_string()))),
        _ => {}
    }
    if let Some(word) = raw.strip_prefix('#')
        && word.chars().any(char::is_alphanumeric)
    {
        return Pattern::phonic(word).map(Some).map_err(|m| err(col, m));
    }
    if let Some(word) = raw.strip_suffix('&')
        && !word.is_empty()
    {
        let toks = analyzer::tokenize_query_for(word, opts.mode);
        let [(w, _, _)] = toks.as_slice() else {
            return Err(err(
                col,
                format!("\"{raw}\": synonym search (&) takes one word"),
            ));
        };
        let mut words = opts.synonyms_of(w);
        if words.is_empty() {
            words.push(w.clone());
        }
        return Ok(Some(Pattern::Synonyms {
            word: w.clone(),
            words,
        }));
    }
    if let Some((a, b)) = raw.split_once("~~") {
        let num = |s: &str| {
            if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
                return Err(err(
                    col,
                    format!(
                        "\"{raw}\": a number range takes two whole numbers, like 12~~24 \
                         (decimal points and signs are not part of indexed numbers)"
                    ),
                ));
            }
            s.parse::<u64>()
                .map_err(|_| err(col, format!("\"{raw}\": number too large")))
        };
        let (lo, hi) = (num(a)?, num(b)?);
        if lo > hi {
            return Err(err(
                col,
                format!("\"{raw}\" is an empty range: {lo} comes after {hi}"),
            ));
        }
        return Ok(Some(Pattern::Numbers { lo, hi }));
    }
    Ok(None)
}

fn push_item(
    items: &mut Vec<Pattern>,
    piece: &str,
    col: usize,
    mode: TextMode,
) -> Result<(), QueryError> {
    if piece.is_empty() || piece == "~" {
        return Ok(());
    }
    // Split the way the index splits: CJK runs into bigrams (one character alone is read as
    // `X*`: every indexed CJK token starting with it), over-long words into pieces.
    let plain = !piece.contains(['*', '?', '%', '~', '=', OPTIONAL_CHAR]);
    let long = piece.len() > analyzer::MAX_TOKEN_BYTES && mode == TextMode::Standard;
    if plain && (long || piece.chars().any(analyzer::is_cjk)) {
        for r in analyzer::segment_pieces(piece, false) {
            let sub = &piece[r];
            let mut cs = sub.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if analyzer::is_cjk(c) => {
                    push_one(items, &format!("{c}*"), col, mode)?
                }
                _ => push_one(items, sub, col, mode)?,
            }
        }
        return Ok(());
    }
    push_one(items, piece, col, mode)
}

fn push_one(
    items: &mut Vec<Pattern>,
    piece: &str,
    col: usize,
    mode: TextMode,
) -> Result<(), QueryError> {
    match Pattern::parse_in(piece, mode) {
        Ok(Some(p)) => {
            items.push(p);
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(message) => Err(err(col, message)),
    }
}
