//! Masking of residual personal data in exported text: email addresses, phone numbers, US
//! social security numbers, payment card numbers (Luhn-checked) and IP addresses. Each match
//! becomes `[REDACTED-KIND]`; an [`OffsetMap`] carries byte offsets of the original text (the
//! findings' spans) over to the masked text.

use std::collections::BTreeMap;
use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// What a masked value was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Email,
    Card,
    Ssn,
    Ipv6,
    Ipv4,
    Phone,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "EMAIL",
            Kind::Card => "CARD",
            Kind::Ssn => "SSN",
            Kind::Ipv6 => "IPV6",
            Kind::Ipv4 => "IPV4",
            Kind::Phone => "PHONE",
        }
    }

    fn mask(self) -> String {
        format!("[REDACTED-{}]", self.name())
    }
}

/// Counts of masked values per kind.
pub type Counts = BTreeMap<&'static str, u64>;

/// One replacement: `orig` bytes of the original became `new` bytes of the masked text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edit {
    orig: (usize, usize),
    new: (usize, usize),
}

/// Maps byte offsets of an original text onto its masked form.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    edits: Vec<Edit>,
}

impl OffsetMap {
    /// Where the span starting at `pos` starts after masking (a start inside a masked value
    /// moves to the start of its mask).
    pub fn start(&self, pos: usize) -> usize {
        self.map(pos, false)
    }

    /// Where the span ending at `pos` ends after masking (an end inside a masked value moves
    /// to the end of its mask).
    pub fn end(&self, pos: usize) -> usize {
        self.map(pos, true)
    }

    fn map(&self, pos: usize, is_end: bool) -> usize {
        // The last edit that starts before `pos` decides the shift.
        let i = self.edits.partition_point(|e| e.orig.0 < pos);
        if i == 0 {
            return pos;
        }
        let e = self.edits[i - 1];
        if pos >= e.orig.1 {
            e.new.1 + (pos - e.orig.1)
        } else if is_end {
            e.new.1
        } else {
            e.new.0
        }
    }
}

/// A masked text with its offset map and counts.
#[derive(Debug, Clone)]
pub struct Masked {
    pub text: String,
    pub map: OffsetMap,
    pub counts: Counts,
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b")
        .expect("email pattern")
});
// 13 to 19 digits, optionally grouped by single spaces or hyphens.
static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d(?:[ \-]?\d){12,18}\b").expect("card pattern"));
static SSN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{3})-(\d{2})-(\d{4})\b").expect("ssn pattern"));
static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b").expect("ipv4 pattern")
});
// Candidates only; `Ipv6Addr` decides.
static IPV6: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:[0-9a-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4})(?:%[0-9a-z]+)?",
    )
    .expect("ipv6 pattern")
});
// North American: optional +1, area code (parenthesised or not), exchange, line.
static PHONE_NA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+1[ .\-]?)?(?:\([2-9]\d{2}\)|\b[2-9]\d{2})[ .\-]?[2-9]\d{2}[ .\-]\d{4}\b")
        .expect("phone pattern")
});
// International: a leading + and country code, then groups of digits.
static PHONE_INTL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+\d{1,3}(?:[ .\-]?\(?\d{1,5}\)?){2,6}\b").expect("intl phone pattern")
});

/// Masks personal data in `text`.
pub fn mask(text: &str) -> Masked {
    let mut found: Vec<(usize, usize, Kind)> = Vec::new();
    for m in EMAIL.find_iter(text) {
        found.push((m.start(), m.end(), Kind::Email));
    }
    for m in CARD.find_iter(text) {
        if let Some(len) = card_prefix(m.as_str()) {
            found.push((m.start(), m.start() + len, Kind::Card));
        }
    }
    for c in SSN.captures_iter(text) {
        let (a, g, s) = (&c[1], &c[2], &c[3]);
        let area_ok = a != "000" && a != "666" && !a.starts_with('9');
        if area_ok && g != "00" && s != "0000" {
            let m = c.get(0).expect("whole match");
            found.push((m.start(), m.end(), Kind::Ssn));
        }
    }
    for m in IPV6.find_iter(text) {
        if let Some((s, e)) = ipv6_at(text, m.start(), m.end()) {
            found.push((s, e, Kind::Ipv6));
        }
    }
    for c in IPV4.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        let octets_ok = (1..=4).all(|i| c[i].parse::<u16>().is_ok_and(|v| v <= 255));
        if octets_ok && !looks_like_version(text, m.start(), m.end()) {
            found.push((m.start(), m.end(), Kind::Ipv4));
        }
    }
    for re in [&*PHONE_NA, &*PHONE_INTL] {
        for m in re.find_iter(text) {
            let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
            if (10..=15).contains(&digits) && !inside_longer_number(text, m.start(), m.end()) {
                found.push((m.start(), m.end(), Kind::Phone));
            }
        }
    }
    apply(text, found)
}

/// Replaces the chosen matches: where matches overlap, the one found by the stronger detector
/// (the order of [`Kind`]) wins, then the longer.
fn apply(text: &str, mut found: Vec<(usize, usize, Kind)>) -> Masked {
    found.sort_by(|a, b| a.2.cmp(&b.2).then((b.1 - b.0).cmp(&(a.1 - a.0))));
    let mut chosen: Vec<(usize, usize, Kind)> = Vec::new();
    for f in found {
        if chosen.iter().all(|c| f.1 <= c.0 || f.0 >= c.1) {
            chosen.push(f);
        }
    }
    chosen.sort_by_key(|c| c.0);
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::with_capacity(chosen.len());
    let mut counts = Counts::new();
    let mut at = 0;
    for (s, e, kind) in chosen {
        out.push_str(&text[at..s]);
        let mask = kind.mask();
        let new_start = out.len();
        out.push_str(&mask);
        edits.push(Edit {
            orig: (s, e),
            new: (new_start, out.len()),
        });
        *counts.entry(kind.name()).or_default() += 1;
        at = e;
    }
    out.push_str(&text[at..]);
    Masked {
        text: out,
        map: OffsetMap { edits },
        counts,
    }
}

/// The length in bytes of the card number at the start of a run of digit groups: the whole
/// run, or (a card followed by more digits, such as its security code) the longest prefix
/// ending at a group boundary that is one.
fn card_prefix(run: &str) -> Option<usize> {
    if is_card(run) {
        return Some(run.len());
    }
    run.char_indices()
        .rev()
        .filter(|(_, c)| *c == ' ' || *c == '-')
        .map(|(i, _)| i)
        .find(|&i| is_card(&run[..i]))
}

/// 13-19 digits passing the Luhn check, not one digit repeated.
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

/// The IPv6 address in the candidate `text[s..e]`, trimmed of stray colons, if it is one.
/// Clock times (`10:30:00`) and lone `::` are not addresses.
fn ipv6_at(text: &str, s: usize, mut e: usize) -> Option<(usize, usize)> {
    // A sentence may end an address with a colon ("at fe80::1: it failed").
    if text[s..e].ends_with(':') && !text[s..e].ends_with("::") {
        e -= 1;
    }
    let cand = &text[s..e];
    let hexes = cand.bytes().filter(u8::is_ascii_hexdigit).count();
    let letters = cand.bytes().any(|b| b.is_ascii_alphabetic());
    if hexes < 2 {
        return None;
    }
    // Neighbouring word characters mean this is part of something else (a hash, a word).
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '.')
        || after.is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    let addr_part = cand.split('%').next().unwrap_or(cand);
    let addr: Ipv6Addr = addr_part.parse().ok()?;
    // Without letters or `::`, all-decimal groups look like times or ratios (`12:30:45:10`).
    if !letters && !addr_part.contains("::") {
        return None;
    }
    if addr.is_unspecified() {
        return None;
    }
    Some((s, e))
}

/// Whether a dotted quad reads as a version or section number rather than an address.
fn looks_like_version(text: &str, s: usize, e: usize) -> bool {
    let before = &text[..s];
    let after = &text[e..];
    // Part of a longer dotted sequence (1.2.3.4.5) or a word (v1.2.3.4, build-1.2.3.4).
    if before.ends_with('.') && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    if after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    if before.ends_with(|c: char| c.is_alphabetic() || c == '-' || c == '_') {
        return true;
    }
    let window: String = before
        .chars()
        .rev()
        .take(24)
        .collect::<String>()
        .chars()
        .rev()
        .collect::<String>()
        .to_lowercase();
    [
        "version", "release", "build", "ver.", "ver ", "firmware", "section", "§", "rule",
    ]
    .iter()
    .any(|w| window.contains(w))
}

/// Whether digits continue right next to the match (a phone pattern inside a longer number).
fn inside_longer_number(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    let joined = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    joined(before) || joined(after)
}

/// Masks every string inside a JSON value (metadata), counting into `counts`.
pub fn mask_json(v: &mut serde_json::Value, counts: &mut Counts) {
    match v {
        serde_json::Value::String(s) => {
            let m = mask(s);
            if !m.counts.is_empty() {
                merge(counts, &m.counts);
                *s = m.text;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| mask_json(x, counts)),
        serde_json::Value::Object(o) => {
            let entries = std::mem::take(o);
            for (k, mut x) in entries {
                mask_json(&mut x, counts);
                let m = mask(&k);
                merge(counts, &m.counts);
                o.insert(m.text, x);
            }
        }
        _ => {}
    }
}

pub fn merge(into: &mut Counts, from: &Counts) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(s: &str) -> String {
        mask(s).text
    }

    #[test]
    fn emails() {
        assert_eq!(
            masked("write to jane.doe+news@example.co.uk today"),
            "write to [REDACTED-EMAIL] today"
        );
        assert_eq!(masked("not an email: a@b"), "not an email: a@b");
    }

    #[test]
    fn cards_are_luhn_checked() {
        assert_eq!(masked("card 4111 1111 1111 1111."), "card [REDACTED-CARD].");
        assert_eq!(masked("card 5500-0000-0000-0004"), "card [REDACTED-CARD]");
        // A card followed by its security code: the card is still found.
        assert_eq!(
            masked("card 4111 1111 1111 1111 123"),
            "card [REDACTED-CARD] 123"
        );
        // One digit off: fails Luhn, left alone (and too long for a phone number).
        assert_eq!(masked("ref 4111 1111 1111 1112"), "ref 4111 1111 1111 1112");
        assert_eq!(masked("0000000000000000"), "0000000000000000");
    }

    #[test]
    fn ssns() {
        assert_eq!(masked("SSN 123-45-6789"), "SSN [REDACTED-SSN]");
        assert_eq!(
            masked("000-12-3456 and 666-12-3456"),
            "000-12-3456 and 666-12-3456"
        );
    }

    #[test]
    fn phones_not_dates() {
        assert_eq!(
            masked("call (212) 555-0142 now"),
            "call [REDACTED-PHONE] now"
        );
        assert_eq!(masked("call 212-555-0142"), "call [REDACTED-PHONE]");
        assert_eq!(masked("+1 415.555.2671"), "[REDACTED-PHONE]");
        assert_eq!(masked("ring +44 20 7946 0958"), "ring [REDACTED-PHONE]");
        assert_eq!(masked("+33 1 42 68 53 00"), "[REDACTED-PHONE]");
        for date in [
            "2024-11-29",
            "11/29/2024",
            "29.11.2024",
            "on 2023-01-15 at 10:30",
        ] {
            assert_eq!(masked(date), date);
        }
        // Too few digits for a phone number.
        assert_eq!(masked("555-0142"), "555-0142");
    }

    #[test]
    fn ip_addresses_not_versions() {
        assert_eq!(masked("from 192.168.1.20."), "from [REDACTED-IPV4].");
        assert_eq!(masked("host 10.0.0.1 down"), "host [REDACTED-IPV4] down");
        for v in [
            "version 1.2.3.4",
            "v10.0.0.1",
            "release 2.0.1.15 notes",
            "1.2.3.4.5",
            "999.1.1.1",
        ] {
            assert_eq!(masked(v), v, "{v}");
        }
        assert_eq!(
            masked("ping 2001:db8::8a2e:370:7334"),
            "ping [REDACTED-IPV6]"
        );
        assert_eq!(masked("at fe80::1%eth0 ok"), "at [REDACTED-IPV6] ok");
        assert_eq!(
            masked("at fe80::1: it failed"),
            "at [REDACTED-IPV6]: it failed"
        );
        assert_eq!(
            masked("from ::ffff:192.168.1.1 ok"),
            "from [REDACTED-IPV6] ok"
        );
        for t in ["at 10:30:00", "ratio 3:2", "a::b::c", "std::fs::read"] {
            assert_eq!(masked(t), t, "{t}");
        }
    }

    #[test]
    fn counts_by_kind() {
        let m = mask("a@b.org, c@d.org, 123-45-6789");
        assert_eq!(m.counts.get("EMAIL"), Some(&2));
        assert_eq!(m.counts.get("SSN"), Some(&1));
    }

    #[test]
    fn offsets_follow_the_masking() {
        let text = "mail me at jane@example.com then read: the quick brown fox jumps";
        let m = mask(text);
        let s = text.find("the quick").unwrap();
        let e = text.len();
        let (ns, ne) = (m.map.start(s), m.map.end(e));
        assert_eq!(&m.text[ns..ne], &text[s..e]);
        // Before any edit nothing moves.
        assert_eq!(m.map.start(3), 3);
        // A span boundary inside a masked value snaps to the mask's edges.
        let inside = text.find("example").unwrap();
        assert_eq!(
            &m.text[m.map.start(inside)..m.map.end(inside + 3)],
            "[REDACTED-EMAIL]"
        );
    }

    #[test]
    fn luhn_known_values() {
        let d = |s: &str| s.chars().filter_map(|c| c.to_digit(10)).collect::<Vec<_>>();
        assert!(luhn(&d("79927398713")));
        assert!(!luhn(&d("79927398710")));
    }
}
