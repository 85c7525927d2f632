//! The words around a match, for detectors whose decision depends on what the text says the
//! value is ("call me at", "SSN", "firewall rule", "version").

/// Up to `n` words before byte `at`, nearest first, lowercased. A word is a run of letters,
/// digits, `#` or `§`; other characters separate words.
pub fn words_before(text: &str, at: usize, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text[..at].chars().rev() {
        if is_word_char(c) {
            word.push(c);
        } else if !word.is_empty() {
            out.push(word.chars().rev().collect::<String>().to_lowercase());
            word.clear();
            if out.len() == n {
                return out;
            }
        }
    }
    if !word.is_empty() && out.len() < n {
        out.push(word.chars().rev().collect::<String>().to_lowercase());
    }
    out
}

/// Up to `n` words after byte `at`, nearest first, lowercased.
pub fn words_after(text: &str, at: usize, n: usize) -> Vec<String> {
    text[at..]
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .take(n)
        .map(str::to_lowercase)
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '#' || c == '§'
}

/// Whether any of `words` is in `list`.
pub fn any_in(words: &[String], list: &[&str]) -> bool {
    words.iter().any(|w| list.contains(&w.as_str()))
}

/// The `n` characters before byte `at`, lowercased (for scripts written without spaces).
pub fn chars_before(text: &str, at: usize, n: usize) -> String {
    let v: Vec<char> = text[..at].chars().rev().take(n).collect();
    v.into_iter().rev().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_around() {
        let t = "Please call me at 555, thanks a lot";
        let at = t.find("555").unwrap();
        assert_eq!(words_before(t, at, 2), ["at", "me"]);
        assert_eq!(words_after(t, at + 3, 2), ["thanks", "a"]);
        assert_eq!(words_before(t, 6, 5), ["please"]);
    }
}
