//! Email addresses: written out (local parts in any script, `o'brien@`, `müller@`), and
//! spelled to dodge scrapers (`john dot doe at example dot com`, `jane [at] example [dot] org`,
//! `jane(at)example.org`). The last label must be a real top-level domain, so file names and
//! package pins (`icon@2x.png`, `lodash@4.17.21`, `getty@tty1.service`) are left alone.

use std::sync::LazyLock;

use regex::Regex;

static WRITTEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[\p{L}\p{M}\p{N}._%+'\-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?\.)+(\p{L}{2,24})\b",
    )
    .expect("email pattern")
});

// `at` and `dot` spelled out, bare or in brackets; `.` also separates labels.
const AT: &str = r"(?:\s+at\s+|\s*[\[(]\s*at\s*[\])]\s*)";
const DOT: &str = r"(?:\s+dot\s+|\s*[\[(]\s*(?:dot|punkt|point|punto)\s*[\])]\s*|\.)";
const LABEL: &str = r"[\p{L}\p{M}\p{N}_%+\-]+";

static SPELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{LABEL}(?:{DOT}{LABEL})*{AT}{LABEL}(?:{DOT}{LABEL})*{DOT}(\p{{L}}{{2,24}})\b"
    ))
    .expect("spelled email pattern")
});

/// Top-level domains: the generic ones seen in practice and every country code.
const GENERIC: &[&str] = &[
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "aero",
    "coop",
    "museum",
    "mobi",
    "jobs",
    "travel",
    "tel",
    "asia",
    "app",
    "dev",
    "page",
    "online",
    "site",
    "tech",
    "store",
    "blog",
    "cloud",
    "email",
    "xyz",
    "top",
    "club",
    "shop",
    "live",
    "news",
    "agency",
    "digital",
    "studio",
    "design",
    "media",
    "global",
    "world",
    "center",
    "company",
    "solutions",
    "services",
    "systems",
    "network",
    "link",
    "life",
    "today",
    "space",
    "website",
    "law",
    "legal",
    "bank",
    "insurance",
    "health",
    "care",
    "consulting",
    "group",
    "partners",
    "academy",
    "school",
    "university",
    "church",
    "family",
    "fun",
    "games",
    "team",
    "tools",
    "photo",
    "photography",
    "art",
    "business",
    "city",
    "london",
    "berlin",
    "paris",
    "nyc",
    "tokyo",
    "mail",
    "me",
    "io",
    "ai",
    "co",
    "tv",
    "eu",
    "uk",
];

const COUNTRY: &str = "ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi \
    bj bl bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy \
    cz de dj dk dm do dz ec ee eg eh er es et fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn \
    gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh \
    ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo \
    mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl \
    pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv \
    sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug um us uy uz va vc ve vg vi vn \
    vu wf ws ye yt za zm zw";

fn real_tld(tld: &str) -> bool {
    let t = tld.to_lowercase();
    GENERIC.contains(&t.as_str()) || (t.len() == 2 && COUNTRY.split_whitespace().any(|c| c == t))
}

/// Byte ranges of the email addresses in `text`.
pub fn find(text: &str, out: &mut Vec<(usize, usize)>) {
    for c in WRITTEN.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        // `git@github.com:org/repo.git` is an SSH remote, not someone's address.
        let rest = &text[m.end()..];
        let ssh_remote = rest.starts_with(':')
            && rest[1..].starts_with(|c: char| c.is_alphanumeric() || c == '/' || c == '~');
        if !real_tld(&c[1]) || ssh_remote {
            continue;
        }
        // A quote or dash before the address is punctuation, not part of it.
        let lead = m.as_str().len() - m.as_str().trim_start_matches(['\'', '.', '-']).len();
        out.push((m.start() + lead, m.end()));
    }
    // Spelled addresses; a rejected candidate is retried one word later, so that a sentence
    // word before the address ("me at john dot doe at ...") does not hide it.
    let mut pos = 0;
    while let Some(c) = SPELLED.captures_at(text, pos) {
        let m = c.get(0).expect("whole match");
        let s = m.as_str().to_lowercase();
        // A bare " at " is only an address when the domain is spelled too ("at example dot
        // com"); "look at example.com" is a sentence about a site.
        let bracketed = s.contains("(at") || s.contains("[at");
        let spelled_dot = s.contains(" dot ")
            || ["dot", "punkt", "point", "punto"]
                .iter()
                .any(|w| s.contains(&format!("{w})")) || s.contains(&format!("{w}]")));
        if real_tld(&c[1]) && !s.contains('@') && (bracketed || spelled_dot) {
            out.push((m.start(), m.end()));
            pos = m.end();
        } else {
            pos = next_word(text, m.start());
        }
        if pos >= text.len() {
            break;
        }
    }
}

/// The start of the word after the one at `at`.
fn next_word(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    let skip = rest
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(i, _)| i);
    let after = &rest[skip..];
    let gap = after
        .char_indices()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(after.len(), |(i, _)| i);
    at + skip + gap
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<&str> {
        super::super::found_by(find, t)
    }

    #[test]
    fn written_and_spelled() {
        assert_eq!(found("mail müller@example.de now"), ["müller@example.de"]);
        assert_eq!(found("to 'o'brien@example.ie'"), ["o'brien@example.ie"]);
        assert_eq!(
            found("Contact me at john dot doe at example dot com, ok"),
            ["john dot doe at example dot com"]
        );
        assert_eq!(
            found("jane [at] example [dot] org"),
            ["jane [at] example [dot] org"]
        );
        assert_eq!(found("jane(at)example.org."), ["jane(at)example.org"]);
        for t in [
            "icon@2x.png",
            "lodash@4.17.21",
            "getty@tty1.service",
            "look at example.com",
        ] {
            assert!(found(t).is_empty(), "{t}");
        }
    }
}
