//! Masking of residual personal data in exported text: email addresses (also spelled out),
//! phone numbers (validated against each country's numbering plan), US social security
//! numbers, payment card numbers (Luhn-checked), IBANs (mod 97) and IP addresses (told apart
//! from version and section numbers by their context). One detector per file; overlaps go to
//! the stronger detector. Each match
//! becomes `[REDACTED-KIND]`; an [`OffsetMap`] carries byte offsets of the original text (the
//! findings' spans) over to the masked text.

mod context;
mod email;
mod ip;
mod numbers;
mod phone;

use std::collections::BTreeMap;

use serde::Serialize;

pub use numbers::luhn;

/// What a masked value was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Email,
    Iban,
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
            Kind::Iban => "IBAN",
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

impl Masked {
    /// The byte ranges of the original text that were masked.
    pub fn masked_ranges(&self) -> Vec<(usize, usize)> {
        self.map.edits.iter().map(|e| e.orig).collect()
    }
}

/// A detector: appends the byte ranges of what it finds in a text.
type Detector = fn(&str, &mut Vec<(usize, usize)>);

/// What one detector finds in `text`, as strings (for the detectors' tests).
#[cfg(test)]
fn found_by(detect: Detector, text: &str) -> Vec<&str> {
    let mut v = Vec::new();
    detect(text, &mut v);
    v.iter().map(|&(s, e)| &text[s..e]).collect()
}

/// Masks personal data in `text`.
pub fn mask(text: &str) -> Masked {
    let mut found: Vec<(usize, usize, Kind)> = Vec::new();
    let detectors: [(Kind, Detector); 7] = [
        (Kind::Email, email::find),
        (Kind::Iban, numbers::find_ibans),
        (Kind::Card, numbers::find_cards),
        (Kind::Ssn, numbers::find_ssn),
        (Kind::Ipv6, ip::find_v6),
        (Kind::Ipv4, ip::find_v4),
        (Kind::Phone, phone::find),
    ];
    let mut ranges = Vec::new();
    for (kind, detect) in detectors {
        ranges.clear();
        detect(text, &mut ranges);
        found.extend(ranges.iter().map(|&(s, e)| (s, e, kind)));
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
    fn the_reported_gaps_are_closed() {
        for (text, value) in [
            ("call me at 2125550143 tonight", "2125550143"),
            ("my number is 020 7946 0958.", "020 7946 0958"),
            ("my mobile is 07700 900123", "07700 900123"),
            ("dial 0044 20 7946 0958", "0044 20 7946 0958"),
            ("SSN 123 45 6789", "123 45 6789"),
            ("SSN: 123456789", "123456789"),
            (
                "card 4111  1111  1111  1111 thanks",
                "4111  1111  1111  1111",
            ),
            ("blocked by firewall rule 203.0.113.45", "203.0.113.45"),
            ("the build host 10.20.30.40 is down", "10.20.30.40"),
            ("the release server at 172.16.4.21", "172.16.4.21"),
            ("in section B the server is 10.0.0.12", "10.0.0.12"),
            (
                "mail john dot doe at example dot com",
                "john dot doe at example dot com",
            ),
            ("mail müller@example.de", "müller@example.de"),
            ("mail o'brien@example.ie", "o'brien@example.ie"),
        ] {
            let m = mask(text);
            let s = text.find(value).unwrap();
            let e = s + value.len();
            assert!(
                m.masked_ranges().iter().any(|&(a, b)| a <= s && e <= b),
                "{text:?} -> {:?}",
                m.text
            );
        }
        for text in [
            "upgrade to 1.2.3.4 first",
            "Figure 1.2.3.4 shows it",
            "+15.25 16.75 18.50",
        ] {
            assert_eq!(masked(text), text);
        }
    }
}
