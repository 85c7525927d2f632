//! HTML reduced to the text a reader sees: enough for news pages saved from a browser, with no
//! external parser.
//!
//! The contents of `script`, `style`, `head` (when it is closed), `title`, `noscript`,
//! `template` and `svg` are dropped; block elements become paragraph breaks, list items and
//! table rows line breaks, `<br>` a newline; character references are decoded (named common
//! ones, decimal and hexadecimal, the Windows-1252 range as browsers read it); runs of white
//! space collapse to one space except inside `<pre>`. Malformed markup never fails: a `<`
//! that does not start a tag is text, an unterminated comment or raw-text element runs to the
//! end.

/// The text of a page and its `<title>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduced {
    pub title: Option<String>,
    pub text: String,
}

/// Elements whose content is never text.
const DROPPED: &[&str] = &[
    "script", "style", "title", "noscript", "template", "svg", "head",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "details",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

/// Elements that start a new line.
const LINES: &[&str] = &["dd", "dt", "li", "tr", "option"];

/// Reduces an HTML document to its title and text.
pub fn reduce(html: &str) -> Reduced {
    // ASCII lower-casing keeps every byte index, so searches in `lower` are positions in `html`.
    let lower = html.to_ascii_lowercase();
    let title = find_title(html, &lower);
    let bytes = html.as_bytes();
    let mut out = TextOut::default();
    let mut pre_depth = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            match parse_markup(html, &lower, i) {
                Some(Markup::Skip(end)) => {
                    i = end;
                    continue;
                }
                Some(Markup::Tag(tag)) => {
                    i = tag.end;
                    let name = tag.name.as_str();
                    if !tag.closing && !tag.self_closing && DROPPED.contains(&name) {
                        match find_close(&lower, i, name) {
                            Some(after) => i = after,
                            // `<head>` without `</head>` is common: its children are handled
                            // one by one instead. Anything else runs to the end.
                            None if name == "head" => {}
                            None => i = bytes.len(),
                        }
                        continue;
                    }
                    if name == "br" {
                        out.line_break();
                    } else if BLOCKS.contains(&name) {
                        out.paragraph_break();
                        if name == "pre" {
                            if tag.closing {
                                pre_depth = pre_depth.saturating_sub(1);
                            } else if !tag.self_closing {
                                pre_depth += 1;
                            }
                        }
                    } else if LINES.contains(&name) {
                        out.newline();
                    } else if matches!(name, "td" | "th") && !tag.closing {
                        out.space();
                    }
                    continue;
                }
                None => {
                    // Not markup: a literal '<'.
                    out.push_text("<", pre_depth > 0);
                    i += 1;
                    continue;
                }
            }
        }
        let end = memchr::memchr(b'<', &bytes[i..]).map_or(bytes.len(), |k| i + k);
        out.push_text(&decode_entities(&html[i..end]), pre_depth > 0);
        i = end;
    }
    Reduced {
        title,
        text: out.finish(),
    }
}

/// The first `<title>`'s text, entities decoded and white space collapsed.
fn find_title(html: &str, lower: &str) -> Option<String> {
    let mut from = 0;
    while let Some(k) = lower[from..].find("<title") {
        let start = from + k;
        from = start + 6;
        let after = lower.as_bytes().get(start + 6).copied();
        if !matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')) {
            continue;
        }
        let Some(Markup::Tag(tag)) = parse_markup(html, lower, start) else {
            continue;
        };
        let close = lower[tag.end..].find("</title").map(|k| tag.end + k)?;
        let title = collapse_ws(&decode_entities(&html[tag.end..close]));
        return (!title.is_empty()).then_some(title);
    }
    None
}

fn collapse_ws(s: &str) -> String {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    /// Index just after the closing `>`.
    end: usize,
}

enum Markup {
    Tag(Tag),
    /// A comment, doctype or processing instruction, skipped up to this index.
    Skip(usize),
}

/// Parses the markup starting at `html[start] == '<'`. `None` when it is not markup (the `<`
/// is then text).
fn parse_markup(html: &str, lower: &str, start: usize) -> Option<Markup> {
    let b = html.as_bytes();
    let mut i = start + 1;
    match b.get(i)? {
        b'!' => {
            if lower[i..].starts_with("!--") {
                let end = lower[i + 3..]
                    .find("-->")
                    .map_or(b.len(), |k| i + 3 + k + 3);
                return Some(Markup::Skip(end));
            }
            let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |k| i + k + 1);
            return Some(Markup::Skip(end));
        }
        b'?' => {
            let end = memchr::memchr(b'>', &b[i..]).map_or(b.len(), |k| i + k + 1);
            return Some(Markup::Skip(end));
        }
        _ => {}
    }
    let closing = b[i] == b'/';
    if closing {
        i += 1;
    }
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let name_start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'-' | b':' | b'_')) {
        i += 1;
    }
    let name = lower[name_start..i].to_string();
    // Attributes: quotes delimit only right after '='.
    let mut self_closing = false;
    loop {
        let c = *b.get(i)?;
        match c {
            b'>' => {
                return Some(Markup::Tag(Tag {
                    name,
                    closing,
                    self_closing,
                    end: i + 1,
                }));
            }
            b'=' => {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let k = memchr::memchr(q, &b[i + 1..])?;
                        i += k + 2;
                    }
                    _ => {
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                    }
                }
                self_closing = false;
            }
            b'/' => {
                self_closing = true;
                i += 1;
            }
            _ => {
                if !c.is_ascii_whitespace() {
                    self_closing = false;
                }
                i += 1;
            }
        }
    }
}

/// The index just after `</name ...>` at or after `from`, if there is one.
fn find_close(lower: &str, from: usize, name: &str) -> Option<usize> {
    let b = lower.as_bytes();
    let mut at = from;
    loop {
        let k = lower[at..].find("</")?;
        let start = at + k;
        let name_at = start + 2;
        at = name_at;
        if lower[name_at..].starts_with(name) {
            let after = name_at + name.len();
            match b.get(after) {
                None => return Some(b.len()),
                Some(c) if c.is_ascii_whitespace() || matches!(c, b'>' | b'/') => {
                    return Some(
                        memchr::memchr(b'>', &b[after..]).map_or(b.len(), |k| after + k + 1),
                    );
                }
                _ => {}
            }
        }
    }
}

/// Builds the text: white space collapsed, breaks merged, nothing at either end.
#[derive(Default)]
struct TextOut {
    out: String,
    pending_space: bool,
    /// Newlines owed before the next text (1 or 2).
    pending_break: u8,
}

impl TextOut {
    fn push_text(&mut self, s: &str, pre: bool) {
        if pre {
            if s.is_empty() {
                return;
            }
            self.flush_pending();
            for c in s.chars() {
                match c {
                    '\r' => {}
                    '\u{a0}' => self.out.push(' '),
                    c => self.out.push(c),
                }
            }
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() {
                // Includes U+00A0 (&nbsp;): a non-breaking space is a space in the text.
                self.pending_space = true;
            } else {
                self.flush_pending();
                self.out.push(c);
            }
        }
    }

    fn flush_pending(&mut self) {
        if self.out.is_empty() {
            self.pending_break = 0;
            self.pending_space = false;
            return;
        }
        if self.pending_break > 0 {
            while self.out.ends_with([' ', '\t']) {
                self.out.pop();
            }
            let have = self.out.len() - self.out.trim_end_matches('\n').len();
            for _ in have..self.pending_break as usize {
                self.out.push('\n');
            }
        } else if self.pending_space && !self.out.ends_with(['\n', ' ']) {
            self.out.push(' ');
        }
        self.pending_break = 0;
        self.pending_space = false;
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn newline(&mut self) {
        self.pending_break = self.pending_break.max(1);
        self.pending_space = false;
    }

    fn line_break(&mut self) {
        // `<br>` always adds a line, even after another `<br>`.
        if self.out.is_empty() {
            return;
        }
        if self.pending_break >= 1 {
            self.pending_break = (self.pending_break + 1).min(2);
        } else {
            self.pending_break = 1;
        }
        self.pending_space = false;
    }

    fn paragraph_break(&mut self) {
        self.pending_break = 2;
        self.pending_space = false;
    }

    fn finish(self) -> String {
        let mut s = self.out;
        let end = s.trim_end().len();
        s.truncate(end);
        s
    }
}

/// Decodes HTML character references. Unknown names and malformed references stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(k) = memchr::memchr(b'&', &b[i..]) {
        let amp = i + k;
        i = amp + 1;
        if let Some((c, end)) = reference_at(s, amp) {
            out.push_str(&s[copied..amp]);
            out.push(c);
            copied = end;
            i = end;
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// The character of the reference at `s[amp] == '&'` and the index after it.
fn reference_at(s: &str, amp: usize) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let mut i = amp + 1;
    if b.get(i) == Some(&b'#') {
        i += 1;
        let hex = matches!(b.get(i), Some(b'x' | b'X'));
        if hex {
            i += 1;
        }
        let digits_start = i;
        while i < b.len()
            && (if hex {
                b[i].is_ascii_hexdigit()
            } else {
                b[i].is_ascii_digit()
            })
        {
            i += 1;
        }
        if i == digits_start {
            return None;
        }
        let digits = &s[digits_start..i];
        let value = u32::from_str_radix(digits, if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
        if b.get(i) == Some(&b';') {
            i += 1;
        }
        return Some((numeric_char(value), i));
    }
    let name_start = i;
    while i < b.len() && b[i].is_ascii_alphanumeric() && i - name_start < 32 {
        i += 1;
    }
    let name = &s[name_start..i];
    if name.is_empty() {
        return None;
    }
    if b.get(i) == Some(&b';') {
        return named(name).map(|c| (c, i + 1));
    }
    // A few references are read without ';' by browsers; only when the name ends there.
    match name {
        "amp" | "lt" | "gt" | "quot" | "nbsp" => named(name).map(|c| (c, i)),
        _ => None,
    }
}

/// A numeric reference as HTML reads it: 0x80–0x9F are the Windows-1252 characters, invalid
/// code points become U+FFFD.
fn numeric_char(value: u32) -> char {
    if (0x80..=0x9f).contains(&value) {
        return cp1252_high(value as u8);
    }
    match char::from_u32(value) {
        Some('\0') | None => '\u{fffd}',
        Some(c) => c,
    }
}

/// The Windows-1252 character of a byte in 0x80..=0x9F (undefined bytes map to themselves).
pub fn cp1252_high(byte: u8) -> char {
    const TABLE: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}',
        '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}',
        '\u{178}',
    ];
    match byte {
        0x80..=0x9f => TABLE[(byte - 0x80) as usize],
        b => b as char,
    }
}

/// Common named references (the ones news pages use).
fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "shy" => '\u{ad}',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "prime" => '′',
        "Prime" => '″',
        "bull" => '•',
        "middot" => '·',
        "dagger" => '†',
        "Dagger" => '‡',
        "permil" => '‰',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "curren" => '¤',
        "sect" => '§',
        "para" => '¶',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "minus" => '−',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "sup1" => '¹',
        "sup2" => '²',
        "sup3" => '³',
        "micro" => 'µ',
        "ordf" => 'ª',
        "ordm" => 'º',
        "iexcl" => '¡',
        "iquest" => '¿',
        "acute" => '´',
        "uml" => '¨',
        "cedil" => '¸',
        "macr" => '¯',
        "brvbar" => '¦',
        "not" => '¬',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "agrave" => 'à',
        "aacute" => 'á',
        "acirc" => 'â',
        "atilde" => 'ã',
        "auml" => 'ä',
        "aring" => 'å',
        "aelig" => 'æ',
        "ccedil" => 'ç',
        "egrave" => 'è',
        "eacute" => 'é',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "igrave" => 'ì',
        "iacute" => 'í',
        "icirc" => 'î',
        "iuml" => 'ï',
        "eth" => 'ð',
        "ntilde" => 'ñ',
        "ograve" => 'ò',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "otilde" => 'õ',
        "ouml" => 'ö',
        "oslash" => 'ø',
        "ugrave" => 'ù',
        "uacute" => 'ú',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "yacute" => 'ý',
        "yuml" => 'ÿ',
        "thorn" => 'þ',
        "szlig" => 'ß',
        "oelig" => 'œ',
        "scaron" => 'š',
        "Agrave" => 'À',
        "Aacute" => 'Á',
        "Acirc" => 'Â',
        "Atilde" => 'Ã',
        "Auml" => 'Ä',
        "Aring" => 'Å',
        "AElig" => 'Æ',
        "Ccedil" => 'Ç',
        "Egrave" => 'È',
        "Eacute" => 'É',
        "Ecirc" => 'Ê',
        "Euml" => 'Ë',
        "Igrave" => 'Ì',
        "Iacute" => 'Í',
        "Icirc" => 'Î',
        "Iuml" => 'Ï',
        "ETH" => 'Ð',
        "Ntilde" => 'Ñ',
        "Ograve" => 'Ò',
        "Oacute" => 'Ó',
        "Ocirc" => 'Ô',
        "Otilde" => 'Õ',
        "Ouml" => 'Ö',
        "Oslash" => 'Ø',
        "Ugrave" => 'Ù',
        "Uacute" => 'Ú',
        "Ucirc" => 'Û',
        "Uuml" => 'Ü',
        "Yacute" => 'Ý',
        "Yuml" => 'Ÿ',
        "THORN" => 'Þ',
        "OElig" => 'Œ',
        "Scaron" => 'Š',
        "alpha" => 'α',
        "beta" => 'β',
        "gamma" => 'γ',
        "delta" => 'δ',
        "pi" => 'π',
        "sigma" => 'σ',
        "omega" => 'ω',
        "Delta" => 'Δ',
        "Omega" => 'Ω',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_named_numeric_and_malformed() {
        assert_eq!(
            decode_entities(
                "It&#8217;s &amp; &quot;x&quot; &#x2014; &eacute;t&eacute; &mdash; &copy;"
            ),
            "It’s & \"x\" — été — ©"
        );
        // Windows-1252 range and invalid code points, as browsers read them.
        assert_eq!(decode_entities("&#146;&#0;&#x110000;"), "’\u{fffd}\u{fffd}");
        // Unknown names, a bare ampersand and a name that merely starts like one stay as written.
        assert_eq!(
            decode_entities("AT&T &bogus; & &ampx &#; &#xZ"),
            "AT&T &bogus; & &ampx &#; &#xZ"
        );
        // Legacy references without ';'.
        assert_eq!(decode_entities("a &amp b &lt c"), "a & b < c");
        assert_eq!(decode_entities("é&amp;é"), "é&é");
    }

    #[test]
    fn reduces_a_news_page() {
        let html = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title> Storm  hits &amp; floods
  coast </title>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body><!-- a comment <p>hidden</p> -->
<nav><a href="/">Home</a></nav>
<h1>Storm hits coast</h1>
<p class="lede">The storm   arrived on <b>Tuesday</b>,&nbsp;officials said.</p>
<p>Line one<br>Line two<br/>Line three</p>
<ul><li>First</li><li>Second</li></ul>
<script type="text/javascript">document.write("<div>ad</div>")</script>
<p>It&#8217;s 5 &lt; 6 &mdash; &#x201C;quoted&#x201D;</p>
<pre>  keep   this
   spacing</pre>
<table><tr><td>a</td><td>b</td></tr></table>
</body></html>"#;
        let r = reduce(html);
        assert_eq!(r.title.as_deref(), Some("Storm hits & floods coast"));
        assert_eq!(
            r.text,
            "Home\n\nStorm hits coast\n\nThe storm arrived on Tuesday, officials said.\n\n\
             Line one\nLine two\nLine three\n\nFirst\nSecond\n\n\
             It’s 5 < 6 — “quoted”\n\n  keep   this\n   spacing\n\na b"
        );
        assert!(!r.text.contains("color"));
        assert!(!r.text.contains("not text"));
        assert!(!r.text.contains("hidden"));
        assert!(!r.text.contains("ad"));
    }

    #[test]
    fn head_without_close_and_no_title() {
        let r = reduce("<head><meta name=x><TITLE>T</TITLE><BODY><P>Body text</P>");
        assert_eq!(r.title.as_deref(), Some("T"));
        assert_eq!(r.text, "Body text");
        let r = reduce("<p>No title here</p>");
        assert_eq!(r.title, None);
        assert_eq!(r.text, "No title here");
    }

    #[test]
    fn malformed_markup_is_text_or_skipped() {
        assert_eq!(reduce("a < b and 3<4").text, "a < b and 3<4");
        assert_eq!(reduce("x <p unterminated").text, "x <p unterminated");
        assert_eq!(reduce("one<!-- never closed").text, "one");
        assert_eq!(reduce("one<script>never closed").text, "one");
        assert_eq!(
            reduce(r#"<a title="x > y">link</a> text"#).text,
            "link text"
        );
        assert_eq!(reduce("<a title=it's>it</a>").text, "it");
        assert_eq!(reduce("").text, "");
        assert_eq!(reduce("<").text, "<");
        assert_eq!(reduce("&").text, "&");
        assert_eq!(reduce("é<é").text, "é<é");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "(<|>|/|&|#|;|x|[a-z]|é|\"|'|=| |\n|!|-|p|br|script|title)*") {
            let _ = reduce(&s);
            let _ = decode_entities(&s);
        }
    }
}
