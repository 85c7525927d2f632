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
fn is_list_number(word: &[u8], line_start: bool, c: char, next: Option<char>) -> bool {
    line_start
        && matches!(c, '.' | ')')
        && next.is_none_or(char::is_whitespace)
        && (1..=3).contains(&word.len())
        && word.iter().all(u8::is_ascii_digit)
}

/// The character at byte `i` of `text` (a character boundary) and its length.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let x = *text.as_bytes().get(i)?;
    if x < 0x80 {
        return Some((x as char, 1));
    }
    let c = text.get(i..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// Splits `text` into normalised word tokens. ASCII, most of any text, is read byte by byte;
/// only other characters are decoded and normalised.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_upto(text, usize::MAX)
}

/// The first `limit` tokens of `text` (the same as those of [`tokens`]).
pub fn tokens_upto(text: &str, limit: usize) -> Vec<Token> {
    let mut out = Vec::with_capacity((text.len() / 5).min(limit));
    let mut word: Vec<u8> = Vec::with_capacity(32);
    let mut start: Option<usize> = None;
    let mut end = 0usize;
    // No word yet on this line.
    let mut line_start = true;
    let mut i = 0;
    while let Some((c, n)) = char_at(text, i) {
        if out.len() >= limit {
            return out;
        }
        let at = i;
        i += n;
        if c == '\n' && start.is_none() {
            line_start = true;
        }
        let alnum = if n == 1 {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if alnum {
            if start.is_none() {
                start = Some(at);
                word.clear();
            }
            if n == 1 {
                word.push((c as u8).to_ascii_lowercase());
            } else {
                push_normalised_bytes(&mut word, c);
            }
            end = i;
        } else if is_apostrophe(c)
            && start.is_some()
            && char_at(text, i).is_some_and(|(n, _)| n.is_alphanumeric())
        {
            // Inside a word: skip it.
        } else if let Some(s) = start.take() {
            let list = is_list_number(&word, line_start, c, char_at(text, i).map(|p| p.0));
            line_start = c == '\n';
            if list {
                continue;
            }
            out.push(Token {
                hash: crate::hashing::xxh3(&word),
                start: s as u32,
                end: end as u32,
            });
        }
    }
    if let Some(s) = start {
        out.push(Token {
            hash: crate::hashing::xxh3(&word),
            start: s as u32,
            end: end as u32,
        });
    }
    out
}

fn push_normalised_bytes(word: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    for n in std::iter::once(c).nfkc() {
        for l in n.to_lowercase() {
            word.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
        }
    }
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

    /// The tokenizer as first written, char by char: the fast one must agree with it.
    fn reference(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut start: Option<usize> = None;
        let mut end = 0usize;
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
            } else if let Some(s) = start.take() {
                let list =
                    is_list_number(word.as_bytes(), line_start, c, chars.peek().map(|p| p.1));
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

    proptest::proptest! {
        #[test]
        fn fast_tokens_agree_with_the_reference(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[a-zA-Z0-9]{1,8}").unwrap(),
                    proptest::string::string_regex("[ .)\n'’,1-3-]{1,3}").unwrap(),
                    proptest::string::string_regex("[ÉéÜﬁ½²Ⅻ日本語ŉİ‘ʼ′—“”]{1,3}").unwrap(),
                    proptest::string::string_regex("\\PC{1,4}").unwrap(),
                ],
                0..40,
            )
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(tokens(&text), reference(&text));
        }
    }

    #[test]
    fn fast_tokens_agree_on_real_articles() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
        let Ok(entries) = std::fs::read_dir(dir.join("articles")) else {
            return;
        };
        let mut checked = 0;
        for e in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            for chunk in text.lines().take(2_000) {
                assert_eq!(tokens(chunk), reference(chunk));
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

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
