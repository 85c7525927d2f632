//! Numbers that identify a person or an account: US social security numbers, payment cards
//! (Luhn-checked) and IBANs (ISO 7064 mod 97, with each country's length).

use std::sync::LazyLock;

use regex::Regex;

use super::context;

static SSN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{3})([\- ]?)(\d{2})([\- ]?)(\d{4})\b").expect("ssn pattern")
});
// 13 to 19 digits, optionally grouped by one or two spaces or a hyphen.
static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d(?:(?: {1,2}|-)?\d){12,18}\b").expect("card pattern"));
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b").expect("iban pattern")
});

/// Whether the words before a number say it is a social security number.
fn says_ssn(text: &str, s: usize) -> bool {
    let w = context::words_before(text, s, 5);
    let has = |x: &str| w.iter().any(|v| v == x);
    has("ssn")
        || has("ssn#")
        || has("ssns")
        || (has("social") && has("security"))
        || (has("soc") && has("sec"))
}

/// Social security numbers: `123-45-6789` anywhere; `123 45 6789` and `123456789` only where
/// the text says it is one. Never area 000, 666 or 9xx, group 00 or serial 0000.
pub fn find_ssn(text: &str, out: &mut Vec<(usize, usize)>) {
    for c in SSN.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        let (a, g, n) = (&c[1], &c[3], &c[5]);
        if c[2] != c[4] {
            continue;
        }
        let valid = a != "000" && a != "666" && !a.starts_with('9') && g != "00" && n != "0000";
        let dashed = &c[2] == "-";
        // Part of a longer code (`219-77-4410-BLU`), or named as some other number.
        let after = text[m.end()..].chars().next();
        let joined = after.is_some_and(|c| c == '-' || c.is_alphanumeric());
        let words = context::words_before(text, m.start(), 3);
        let other = context::any_in(
            &words,
            &[
                "lot",
                "part",
                "kit",
                "catalog",
                "catalogue",
                "component",
                "code",
                "sku",
                "product",
                "order",
                "invoice",
                "tracking",
                "serial",
                "model",
                "item",
                "batch",
                "ref",
                "reference",
                "ticket",
                "case",
                "docket",
            ],
        );
        if valid && !joined && !other && (dashed || says_ssn(text, m.start())) {
            out.push((m.start(), m.end()));
        }
    }
}

/// Card numbers: 13-19 digits passing the Luhn check, not one digit repeated; a card followed
/// by more digits (its security code) is cut at the group boundary where the card ends.
pub fn find_cards(text: &str, out: &mut Vec<(usize, usize)>) {
    for m in CARD.find_iter(text) {
        if let Some(len) = card_prefix(m.as_str()) {
            out.push((m.start(), m.start() + len));
        }
    }
}

fn card_prefix(run: &str) -> Option<usize> {
    if is_card(run) {
        return Some(run.len());
    }
    run.char_indices()
        .rev()
        .filter(|(_, c)| *c == ' ' || *c == '-')
        .map(|(i, _)| i)
        .find(|&i| is_card(run[..i].trim_end()))
        .map(|i| run[..i].trim_end().len())
}

fn is_card(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) || digits.iter().all(|d| *d == digits[0]) {
        return false;
    }
    luhn(&digits)
}

pub fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// IBAN lengths of the countries that use one most (others: 15 to 34 characters).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AT", 20),
    ("BE", 16),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("TR", 26),
];

/// IBANs, written compact or in groups of four: the longest prefix of the candidate (at a
/// group boundary) that has its country's length and passes mod 97.
pub fn find_ibans(text: &str, out: &mut Vec<(usize, usize)>) {
    for m in IBAN.find_iter(text) {
        let run = m.as_str();
        let ends = run
            .char_indices()
            .filter(|(_, c)| *c == ' ')
            .map(|(i, _)| i)
            .chain([run.len()])
            .rev();
        for end in ends {
            if is_iban(&run[..end]) {
                out.push((m.start(), m.start() + end));
                break;
            }
        }
    }
}

fn is_iban(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let want = IBAN_LENGTHS
        .iter()
        .find(|(cc, _)| compact.starts_with(cc))
        .map(|(_, n)| *n);
    match want {
        Some(n) if compact.len() != n => return false,
        None if !(15..=34).contains(&compact.len()) => return false,
        _ => {}
    }
    // Move the country and check digits to the end; letters count as 10..35.
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(f: super::super::Detector, t: &str) -> Vec<&str> {
        super::super::found_by(f, t)
    }

    #[test]
    fn ssn_forms() {
        assert_eq!(found(find_ssn, "SSN 123-45-6789"), ["123-45-6789"]);
        assert_eq!(found(find_ssn, "SSN 401 83 2257 ok"), ["401 83 2257"]);
        assert_eq!(found(find_ssn, "ssn 604127853, dob"), ["604127853"]);
        assert!(found(find_ssn, "order 604127853").is_empty());
        assert!(found(find_ssn, "part 000-12-3456").is_empty());
    }

    #[test]
    fn cards_and_ibans() {
        assert_eq!(
            found(find_cards, "as 4111  1111  1111  1111 with"),
            ["4111  1111  1111  1111"]
        );
        assert_eq!(
            found(find_cards, "card 4111 1111 1111 1111 123"),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(
            found(find_ibans, "to DE89 3704 0044 0532 0130 00 by Friday"),
            ["DE89 3704 0044 0532 0130 00"]
        );
        assert_eq!(
            found(find_ibans, "IBAN GB82WEST12345698765432."),
            ["GB82WEST12345698765432"]
        );
        assert!(found(find_ibans, "DE89 3704 0044 0532 0130 01").is_empty());
    }

    #[test]
    fn luhn_known_values() {
        let d = |s: &str| s.chars().filter_map(|c| c.to_digit(10)).collect::<Vec<_>>();
        assert!(luhn(&d("79927398713")));
        assert!(!luhn(&d("79927398710")));
    }
}
