//! The pool of "famous" lines: short invented sayings, each credited to an invented person, that
//! several articles quote. They are the only text that distinct articles may share, which is
//! what makes the famous-quote case (a short, widely repeated line) distinct from reproduction.

use std::collections::HashSet;

use super::rng::Rng;
use super::text::count_words;
use super::vocab::{FIRST_NAMES, LAST_NAMES, list};

/// Sayings with `@` (a concrete noun) and `%` (a second, different one). No apostrophes or
/// quote marks, so a line can be copied byte for byte between an article and a chat reply.
const PATTERNS: &[&str] = &[
    "A town that forgets its @ will soon forget its own name",
    "Nobody ever built a @ by waiting for perfect weather",
    "The @ you ignore today becomes the % you pay for tomorrow",
    "Every @ is a promise made to people we will never meet",
    "You cannot argue with a @, but you can learn to read it",
    "The hardest part of any @ is deciding what to leave out",
    "A good @ asks more of us than a comfortable one",
    "When the @ goes quiet, listen harder to the people who stayed",
    "There is no such thing as a small @ in a small town",
    "We did not inherit the @; we are only keeping it warm",
    "Give a child a @ and the rest of the argument is over",
    "The first draft of every @ is written in the dark",
    "A @ without a % is only half a plan",
    "Most of what matters happens after the @ has closed for the night",
    "If the @ cannot be fixed by Friday, fix the % instead",
    "Hope is a @ that has to be repaired every single morning",
    "The best @ is the one that still works when you are tired",
    "Nothing teaches patience like a @ that refuses to grow",
    "We keep the @ open because someone always comes back",
    "Courage is mostly showing up to the @ a second time",
    "A country is only as honest as its smallest @",
    "You learn more from one broken @ than from ten new ones",
    "The loudest @ in the room is rarely the most useful",
    "Measure twice, then ask the people who will use the @",
    "Every generation gets the @ it is willing to argue for",
    "A @ is a conversation that somebody decided to finish",
    "Do not mistake a quiet @ for an empty one",
    "The cheapest @ is the one you only have to build once",
    "Weather changes; the @ has to stay where people can find it",
    "Nobody remembers the @ that opened on time and worked",
    "It takes a whole town to keep one @ standing",
    "The future is just a @ that nobody has swept yet",
    "Trust is built like a @, one careful plank at a time",
    "A @ should outlive the people who argued about it",
    "Some days the only honest work is tending the @",
    "If you want to know a city, walk past its @ at dawn",
    "The @ does not care who gets the credit",
    "Small hands, big @, and nobody asking permission",
    "Every @ starts as an argument between two stubborn people",
    "The work of a @ is never finished, only handed on",
];

const NOUNS: &str = "bridge|river|garden|library|harbor|map|school|road|song|machine|market|\
field|orchard|lighthouse|well|kitchen|clock|ladder|fence|bakery|workshop|ferry|choir|\
telescope|boat|classroom|newspaper|railway|mill|lantern|theater|quilt|fire station|wheelbarrow|\
greenhouse|post office|piano|river wall|playground|tool shed";

const ROLES: &str = "the poet|the novelist|the architect|the essayist|the labor organizer|\
the economist|the philosopher|the playwright|the jazz pianist|the civil engineer|the schoolteacher|\
the photographer|the historian|the mountaineer|the physician|the bridge builder|\
the former mayor|the folk singer|the stage director|the sculptor|the union leader|\
the children's author|the astronomer|the gardener and broadcaster";

#[derive(Debug, Clone)]
pub struct FamousQuote {
    /// The line, without closing punctuation.
    pub text: String,
    /// Who it is credited to, with a role: "the poet Ada Wrenfield".
    pub who: String,
    /// A word a user might remember it by (the noun it is about).
    pub keyword: String,
}

/// Builds `n` distinct lines of 8 to 15 words. The pool depends only on `seed`.
pub fn build_pool(seed: u64, n: usize) -> Vec<FamousQuote> {
    let mut rng = Rng::new(seed ^ 0x51_u64.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let nouns = list(NOUNS);
    let roles = list(ROLES);
    let firsts = list(FIRST_NAMES);
    let lasts = list(LAST_NAMES);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(n);
    let mut guard = 0;
    while out.len() < n && guard < n * 200 {
        guard += 1;
        let pat = *rng.pick(PATTERNS);
        let a = *rng.pick(&nouns);
        let mut b = *rng.pick(&nouns);
        while b == a {
            b = *rng.pick(&nouns);
        }
        let mut text = pat.replace('@', a).replace('%', b);
        // "a orchard" -> "an orchard" where the noun follows the article.
        for noun in [a, b] {
            if super::grammar::wants_an(noun) {
                text = text.replace(&format!(" a {noun}"), &format!(" an {noun}"));
                text = text.replace(&format!("A {noun}"), &format!("An {noun}"));
            }
        }
        let words = count_words(&text);
        if !(8..=15).contains(&words) || !seen.insert(text.clone()) {
            continue;
        }
        let who = format!(
            "{} {} {}",
            rng.pick(&roles),
            rng.pick(&firsts),
            rng.pick(&lasts)
        );
        out.push(FamousQuote {
            text,
            who,
            keyword: a.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_is_distinct_and_sized() {
        let pool = build_pool(1, 300);
        assert_eq!(pool.len(), 300);
        let texts: HashSet<&str> = pool.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts.len(), 300);
        for q in &pool {
            let n = count_words(&q.text);
            assert!((8..=15).contains(&n), "{}", q.text);
            assert!(!q.text.contains(['\'', '"', '’', '“']));
            assert!(!q.text.contains(" a orchard"), "{}", q.text);
        }
    }
}
