//! IP addresses. A dotted quad is an address when the text around it is about networks
//! ("server", "firewall", "blocked"); it is a version or a section number when the word before
//! it says so ("version", "Figure", "Clause", "upgrade to") or it continues a dotted sequence;
//! with neither, it is an address when it looks like one people write (a private or
//! documentation range, or a part above 31) rather than `2.4.1.7`.

use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;

use super::context;

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

const NETWORK: &[&str] = &[
    "ip",
    "ips",
    "ipv4",
    "address",
    "addr",
    "server",
    "servers",
    "host",
    "hostname",
    "firewall",
    "dns",
    "gateway",
    "router",
    "subnet",
    "netmask",
    "network",
    "ping",
    "ssh",
    "telnet",
    "connect",
    "connected",
    "connection",
    "blocked",
    "block",
    "allow",
    "allowing",
    "allowed",
    "whitelist",
    "allowlist",
    "blacklist",
    "denylist",
    "proxy",
    "vpn",
    "port",
    "node",
    "agent",
    "machine",
    "lan",
    "wan",
    "dhcp",
    "nat",
    "traffic",
    "packet",
    "packets",
    "interface",
    "curl",
    "http",
    "https",
    "tcp",
    "udp",
    "login",
    "logged",
    "client",
    "device",
    "printer",
    "camera",
    "nas",
    "vm",
    "instance",
    "box",
    "adresse",
    "servidor",
    "dirección",
    "rechner",
];

/// Words naming software versions: the quad after one is a version, whatever the topic.
const SOFTWARE: &[&str] = &[
    "version", "versión", "versao", "versão", "ver", "v", "release", "build", "kernel", "gradle",
    "java", "python", "firmware", "ios", "android", "windows", "macos",
];

/// Words naming parts of documents: the quad after one is a section, unless the text is
/// about networks ("firewall rule 203.0.113.45").
const DOCUMENT: &[&str] = &[
    "section",
    "sect",
    "sec",
    "§",
    "rule",
    "figure",
    "fig",
    "table",
    "chapter",
    "clause",
    "paragraph",
    "para",
    "item",
    "article",
    "art",
    "step",
    "requirement",
    "req",
    "theorem",
    "lemma",
    "appendix",
    "abschnitt",
    "kapitel",
    "artikel",
    "absatz",
    "punkt",
    "apartado",
    "capítulo",
    "artículo",
    "sección",
    "chapitre",
    "oid",
    "code",
    "standard",
    "norm",
    "iso",
    "rfc",
    "tag",
];

fn plausible(octets: &[u16; 4]) -> bool {
    // Loopback names this machine, whoever's it is.
    if octets[0] == 127 {
        return false;
    }
    let private_or_doc = matches!(octets[0], 10 | 169 | 172 | 192 | 198 | 203);
    private_or_doc || octets.iter().any(|&o| o > 31)
}

/// Byte ranges of the IPv4 addresses in `text`.
pub fn find_v4(text: &str, out: &mut Vec<(usize, usize)>) {
    for c in IPV4.captures_iter(text) {
        let m = c.get(0).expect("whole match");
        let mut octets = [0u16; 4];
        let mut ok = true;
        for (i, o) in octets.iter_mut().enumerate() {
            match c[i + 1].parse::<u16>() {
                Ok(v) if v <= 255 => *o = v,
                _ => ok = false,
            }
        }
        if !ok || in_longer_sequence(text, m.start(), m.end()) {
            continue;
        }
        let before = context::words_before(text, m.start(), 6);
        let after = context::words_after(text, m.end(), 3);
        let network = context::any_in(&before, NETWORK) || context::any_in(&after, NETWORK);
        let first = before.first().map(String::as_str).unwrap_or("");
        let second = before.get(1).map(String::as_str).unwrap_or("");
        let software = SOFTWARE.contains(&first)
            || (first == "to"
                && ["upgrade", "update", "bump", "bumped", "upgraded", "updated"]
                    .contains(&second));
        let document = DOCUMENT.contains(&first);
        // A netmask (255.255.255.0), the unspecified and the loopback address name no machine.
        let no_machine = octets[0] == 255 || octets[0] == 127 || octets == [0, 0, 0, 0];
        if !software && !no_machine && (network || (!document && plausible(&octets))) {
            out.push((m.start(), m.end()));
        }
    }
}

/// Part of a longer dotted sequence (`1.2.3.4.5`) or of a word (`v1.2.3.4`, `REQ-4.2.1.9`).
fn in_longer_sequence(text: &str, s: usize, e: usize) -> bool {
    let before = &text[..s];
    let after = &text[e..];
    let digit_after_dot =
        |t: &str| t.starts_with('.') && t[1..].starts_with(|c: char| c.is_ascii_digit());
    if before.ends_with('.') && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    digit_after_dot(after) || before.ends_with(|c: char| c.is_alphabetic() || c == '-' || c == '_')
}

/// Byte ranges of the IPv6 addresses in `text`.
pub fn find_v6(text: &str, out: &mut Vec<(usize, usize)>) {
    for m in IPV6.find_iter(text) {
        if let Some(r) = ipv6_at(text, m.start(), m.end()) {
            out.push(r);
        }
    }
}

/// The IPv6 address in the candidate `text[s..e]`, trimmed of stray colons, if it is one.
/// Clock times (`10:30:00`), lone `::` and code paths (`dead::beef`, `cafe::bad()`) are not.
fn ipv6_at(text: &str, s: usize, mut e: usize) -> Option<(usize, usize)> {
    // A sentence may end an address with a colon ("at fe80::1: it failed").
    if text[s..e].ends_with(':') && !text[s..e].ends_with("::") {
        e -= 1;
    }
    let cand = &text[s..e];
    let hexes = cand.bytes().filter(u8::is_ascii_hexdigit).count();
    let letters = cand.bytes().any(|b| b.is_ascii_alphabetic());
    let digits = cand.bytes().any(|b| b.is_ascii_digit());
    if hexes < 2 || !digits {
        return None;
    }
    // Neighbouring word characters mean this is part of something else (a hash, a word).
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_')
        || after.is_some_and(|c| c.is_alphanumeric() || c == '(' || c == '_')
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
