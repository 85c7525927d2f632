//! Phone numbers, validated against the numbering plans of libphonenumber (the `phonenumber`
//! crate): international numbers (`+44 20 7946 0958`, `0044 20 7946 0958`) when the plan says
//! they are valid; North American numbers in their usual layouts (`(212) 555-0143`,
//! `212.555.0143`); national numbers of other countries, and bare ten-digit runs, only where
//! the text says it is a phone number ("call me at", "Handynummer", "電話番号"). A tracking,
//! order or routing number is not a phone number whatever its digits.

use std::sync::LazyLock;

use phonenumber::country::Id;
use regex::Regex;

use super::context;

/// A run of digit groups, with an optional `+` or `00` prefix and parenthesised groups.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+|\b00)?[ ]?(?:\(\d{1,5}\)[ .\-]?)?\d{1,15}(?:(?:[ .\-/]|[ ]?\(\d{1,5}\)[ ]?)\d{1,12}){0,7}",
    )
    .expect("phone pattern")
});

static NANP_LAYOUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .\-])\d{3}[ .\-]\d{4}$")
        .expect("layout pattern")
});

/// Words saying that the number next to them is a phone number.
const SAYS_PHONE: &[&str] = &[
    "line",
    "fisso",
    "telemóvel",
    "telemovel",
    "telefone",
    "natel",
    "number",
    "phone",
    "telephone",
    "tel",
    "mobile",
    "cell",
    "cellphone",
    "landline",
    "call",
    "ring",
    "text",
    "sms",
    "whatsapp",
    "dial",
    "fax",
    "hotline",
    "nummer",
    "telefon",
    "telefonnummer",
    "handy",
    "handynummer",
    "festnetz",
    "festnetznummer",
    "rufen",
    "anrufen",
    "erreichen",
    "erreichbar",
    "numéro",
    "téléphone",
    "portable",
    "appeler",
    "appelle",
    "appelez",
    "joindre",
    "fixe",
    "número",
    "teléfono",
    "móvil",
    "celular",
    "llamar",
    "llamarme",
    "llámame",
    "fijo",
    "telefoon",
    "mobiel",
    "bel",
    "bellen",
    "numero",
    "telefono",
    "cellulare",
    "chiamami",
    "chiamare",
];
/// Written without spaces: looked for in the characters before the number.
const SAYS_PHONE_CJK: &[&str] = &["電話", "携帯", "电话", "전화"];
/// Written without spaces, saying it is some other number (an order, an invoice).
const SAYS_OTHER_CJK: &[&str] = &["注文", "請求", "伝票", "订单", "发票", "주문"];
/// Words saying it is some other number.
const SAYS_OTHER: &[&str] = &[
    "pedido",
    "encomenda",
    "protocollo",
    "consignment",
    "catalog",
    "catalogue",
    "commande",
    "bestellung",
    "bestellnummer",
    "auftrag",
    "rechnung",
    "factura",
    "fattura",
    "ordine",
    "kit",
    "lot",
    "code",
    "product",
    "component",
    "no",
    "nr",
    "tracking",
    "order",
    "invoice",
    "routing",
    "serial",
    "part",
    "model",
    "ticket",
    "policy",
    "confirmation",
    "booking",
    "patent",
    "registration",
    "customer",
    "member",
    "account",
    "isbn",
    "lot",
    "batch",
    "docket",
    "claim",
    "case",
    "reference",
    "ref",
    "version",
    "build",
    "page",
    "pages",
    "table",
    "figure",
    "population",
    "total",
    "id",
    "imei",
    "vin",
    "sku",
    "asset",
    "ext",
    "extension",
];

/// National numbering plans tried for a number written without a country code.
const REGIONS: &[Id] = &[
    Id::US,
    Id::GB,
    Id::IE,
    Id::DE,
    Id::FR,
    Id::ES,
    Id::IT,
    Id::NL,
    Id::BE,
    Id::CH,
    Id::AT,
    Id::AU,
    Id::NZ,
    Id::JP,
    Id::IN,
    Id::BR,
    Id::MX,
    Id::CA,
    Id::PL,
    Id::PT,
    Id::SE,
    Id::DK,
    Id::NO,
    Id::FI,
    Id::CN,
    Id::KR,
    Id::SG,
    Id::ZA,
];

fn valid_in(digits: &str, region: Option<Id>) -> bool {
    phonenumber::parse(region, digits).is_ok_and(|n| phonenumber::is_valid(&n))
}

/// Byte ranges of the phone numbers in `text`.
pub fn find(text: &str, out: &mut Vec<(usize, usize)>) {
    for m in CANDIDATE.find_iter(text) {
        let (s, e) = trim(text, m.start(), m.end());
        if s >= e || joined(text, s, e) {
            continue;
        }
        let cand = &text[s..e];
        let digits: String = cand.chars().filter(char::is_ascii_digit).collect();
        if !(7..=15).contains(&digits.len()) {
            continue;
        }
        let before = context::words_before(text, s, 6);
        let after = context::words_after(text, e, 5);
        let near_cjk = context::chars_before(text, s, 12);
        let other = context::any_in(&before[..before.len().min(3)], SAYS_OTHER)
            || SAYS_OTHER_CJK.iter().any(|w| near_cjk.contains(w));
        // "reached" and "contact" say phone only with a preposition: "reached on", not "the
        // counter reached".
        let weak = matches!(
            before.get(1).map(String::as_str),
            Some("reach" | "reached" | "contact")
        ) && matches!(
            before.first().map(String::as_str),
            Some("on" | "at" | "via" | "under" | "by")
        );
        let says = !other
            && (weak
                || context::any_in(&before, SAYS_PHONE)
                || context::any_in(
                    &after[..after.len().min(2)],
                    &["call", "calls", "texts", "anrufen", "an"],
                )
                || context::any_in(&after, &["number", "phone", "mobile", "cell"])
                || SAYS_PHONE_CJK.iter().any(|w| near_cjk.contains(w)));
        let international = cand.starts_with('+') || cand.starts_with("00");
        let ok = if international {
            // `+44 (0)20 ...`: the trunk prefix in brackets is not dialled from abroad.
            let rest = cand
                .strip_prefix('+')
                .or_else(|| cand.strip_prefix("00"))
                .unwrap_or(cand);
            let dialled = format!("+{}", rest.replace("(0)", ""));
            !other && valid_in(&dialled, None)
        } else {
            let nanp = NANP_LAYOUT.is_match(cand) && !other && valid_in(cand, Some(Id::US));
            // Where the text says it is a phone number, a number of the usual national shape
            // counts even outside the plans (reserved and newly opened ranges).
            let national_shape = (digits.starts_with('0') && (10..=11).contains(&digits.len()))
                || (digits.len() == 10 && !digits.starts_with(['0', '1']));
            nanp || (says && (national_shape || REGIONS.iter().any(|r| valid_in(cand, Some(*r)))))
        };
        if ok {
            out.push((s, e));
        }
    }
}

/// The candidate without separators at its ends.
fn trim(text: &str, mut s: usize, mut e: usize) -> (usize, usize) {
    let sep = |c: u8| matches!(c, b' ' | b'.' | b'-' | b'/');
    while s < e && sep(text.as_bytes()[s]) {
        s += 1;
    }
    while e > s && sep(text.as_bytes()[e - 1]) {
        e -= 1;
    }
    (s, e)
}

/// Whether the candidate is part of something longer: a word (`INC0012345678`), a decimal
/// (`1.5`), a list of amounts (`+15.25`).
fn joined(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after: Vec<char> = text[e..].chars().take(2).collect();
    if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
        return true;
    }
    if before == Some('.') || before == Some(',') {
        let b2 = text[..s].chars().rev().nth(1);
        if b2.is_some_and(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    match after.as_slice() {
        [c, ..] if c.is_ascii_alphanumeric() || *c == '_' => true,
        ['.' | ',' | ':', d, ..] if d.is_ascii_digit() => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<&str> {
        super::super::found_by(find, t)
    }

    #[test]
    fn countries_and_context() {
        assert_eq!(found("call (212) 555-0142 now"), ["(212) 555-0142"]);
        assert_eq!(found("ok call me at 3125550178 tomorrow"), ["3125550178"]);
        assert_eq!(
            found("My London number is 020 7946 0958."),
            ["020 7946 0958"]
        );
        assert_eq!(found("dial 0044 20 7946 0817 now"), ["0044 20 7946 0817"]);
        assert_eq!(found("+44 (0)20 7946 0958"), ["+44 (0)20 7946 0958"]);
        assert_eq!(
            found("東京の電話番号は 03-1234-5678 です"),
            ["03-1234-5678"]
        );
        for t in [
            "a counter of 8589934591 ticks",
            "The FedEx tracking number is 7722 1234 5678",
            "+15.25 16.75 18.50",
            "2024-11-29",
            "555-0142",
            "On 2024-11-29 I read release 1.2.3.4 notes; call ext 555-0142",
        ] {
            assert!(found(t).is_empty(), "{t}");
        }
    }
}
