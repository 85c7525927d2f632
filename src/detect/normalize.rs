//! Normalised word tokens for detection. Both sides (articles and conversations) go through
//! this one function: Unicode NFKC, lower case, typographic quotes and dashes folded,
//! punctuation, Markdown markup and list numbering dropped. Each token keeps the byte range of the word in the
//! original text, so evidence is shown exactly as written.

use unicode_normalization::UnicodeNormalization;

/// A word: its hash (of the normalised form) and where it is in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub hash: u64,
    pub start: u32,
    pub end: u32,
}

/// Apostrophes inside a word are dropped ("don't", "don’t" and "dont" are one word).
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '′')
}

/// A list number ("1." or "2)" then a space, first on its line): markup a model adds when it
/// turns prose into a numbered list, not a word of the text.
fn is_list_number(word: &str, line_start: bool, c: char, next: Option<char>) -> bool {
    line_start
        && matches!(c, '.' | ')')
        && next.is_none_or(char::is_whitespace)
        && (1..=3).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `text` into normalised word tokens.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut word = String::new();
    let mut start: Option<usize> = None;
    let mut end = 0usize;
    // No word yet on this line.
    let mut line_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' && start.is_none() {
            line_start = true;
        }
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
                word.clear();
            }
            push_normalised(&mut word, c);
            end = i + c.len_utf8();
        } else if is_apostrophe(c)
            && start.is_some()
            && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric())
        {
            // Inside a word: skip it.
        } else if let Some(s) = start.take() {
            let list = is_list_number(&word, line_start, c, chars.peek().map(|p| p.1));
            line_start = c == '\n';
            if list {
                continue;
            }
            out.push(Token {
                hash: crate::hashing::xxh3(word.as_bytes()),
                start: s as u32,
                end: end as u32,
            });
        }
    }
    if let Some(s) = start {
        out.push(Token {
            hash: crate::hashing::xxh3(word.as_bytes()),
            start: s as u32,
            end: end as u32,
        });
    }
    out
}

fn push_normalised(word: &mut String, c: char) {
    if c.is_ascii() {
        word.push(c.to_ascii_lowercase());
    } else {
        for n in std::iter::once(c).nfkc() {
            word.extend(n.to_lowercase());
        }
    }
}

/// The normalised words themselves (for tests and diagnostics).
pub fn words(text: &str) -> Vec<String> {
    tokens(text)
        .iter()
        .map(|t| {
            let mut w = String::new();
            for c in text[t.start as usize..t.end as usize].chars() {
                if !is_apostrophe(c) {
                    push_normalised(&mut w, c);
                }
            }
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_quotes_markup_and_compatibility_forms() {
        assert_eq!(
            words("**The** “Prime” Minister’s — ﬁnal *plan*: don't-stop"),
            vec!["the", "prime", "ministers", "final", "plan", "dont", "stop"]
        );
        let a = tokens("The Minister's plan");
        let b = tokens("## the MINISTER’S plan!\n\n1. ");
        assert_eq!(
            a.iter().map(|t| t.hash).collect::<Vec<_>>(),
            b.iter().map(|t| t.hash).collect::<Vec<_>>()
        );
        // List numbers are dropped, numbers in the text are not.
        assert_eq!(
            words("1. The plan\n 2) was late by 2.\n10. In 2005. 3 years"),
            vec![
                "the", "plan", "was", "late", "by", "2", "in", "2005", "3", "years"
            ]
        );
        // Offsets point into the original text.
        let text = "say “Ünïcode” ok";
        let t = tokens(text);
        assert_eq!(&text[t[1].start as usize..t[1].end as usize], "Ünïcode");
    }
}
