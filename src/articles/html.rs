//! HTML pages reduced to the article a reader came for. The page is parsed by html5ever
//! (through `scraper`), which runs the HTML standard's parsing algorithm as browsers do, so
//! malformed markup, unclosed elements, character references and raw-text elements are read
//! as a browser reads them.
//!
//! What is kept: the page's main article (the `<article>` or `articleBody` element with the
//! most text, else `<main>`, else the body) without what is never article text: scripts,
//! styles, forms, buttons, embedded frames, hidden elements, navigation, asides (related
//! stories), footers, and headers outside an article (site banners). Block elements become
//! paragraph breaks, list items and table rows line breaks, `<br>` a newline; white space
//! collapses to one space except inside `<pre>`. The title, canonical URL, publication date and
//! section come from the page's metadata (Open Graph, `article:` properties, JSON-LD) when it
//! has them; else the title is the `<title>`.

use std::collections::HashMap;

use scraper::node::Element;
use scraper::{ElementRef, Html, Node, Selector};

/// The article of a page and what its metadata says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reduced {
    pub title: Option<String>,
    pub url: Option<String>,
    /// As written in the page (the caller normalises dates).
    pub published: Option<String>,
    pub section: Option<String>,
    pub text: String,
}

/// Elements whose content is never article text, wherever they are.
const DROPPED: &[&str] = &[
    "script", "style", "title", "noscript", "template", "svg", "head", "iframe", "object", "embed",
    "canvas", "button", "select", "form", "input", "textarea", "nav", "aside", "footer", "dialog",
    "math", "audio", "video", "picture", "map",
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

/// An article element is the page's article when it holds at least this share of the text the
/// whole page keeps; a listing of teasers holds far less, and then the page is read whole.
const ARTICLE_SHARE: f64 = 0.4;

/// Reduces an HTML document to its article and metadata.
pub fn reduce(html: &str) -> Reduced {
    match super::html_parse::document(html) {
        Some(doc) => from_tree(&doc),
        None => from_pieces(html),
    }
}

/// A page nested too deep for a tree (see `html_parse`), read from its tags in order: the
/// same elements dropped and the same breaks, but the whole page (no article is chosen).
fn from_pieces(html: &str) -> Reduced {
    use super::html_parse::Piece;
    let mut meta = Reduced::default();
    let mut out = TextOut::default();
    let mut pre_depth = 0u32;
    let mut in_article = 0u32;
    // The dropped element being skipped, and how many of its name are open inside it.
    let mut skipping: Option<(String, u32)> = None;
    let mut title: Option<String> = None;
    let mut in_title = false;
    super::html_parse::pieces(html, |p| match p {
        Piece::Open(name, attrs) => {
            if let Some((skip, n)) = &mut skipping {
                if name == skip {
                    *n += 1;
                }
                return;
            }
            let attr = |k: &str| {
                attrs
                    .iter()
                    .find(|a| &*a.name.local == k)
                    .map(|a| &*a.value)
            };
            if name == "meta" {
                let key = attr("property").or(attr("name")).or(attr("itemprop"));
                meta_field(&mut meta, key.unwrap_or(""), attr("content"));
            }
            if name == "title" && title.is_none() {
                in_title = true;
                title = Some(String::new());
            }
            let hidden = attr("hidden").is_some() || attr("style").is_some_and(hides);
            if dropped_name(name, in_article > 0) || hidden {
                if !VOID.contains(&name) {
                    skipping = Some((name.to_string(), 1));
                }
                return;
            }
            if name == "article" {
                in_article += 1;
            }
            open(&mut out, name, &mut pre_depth);
        }
        Piece::Close(name) => {
            if name == "title" {
                in_title = false;
            }
            if let Some((skip, n)) = &mut skipping {
                if name == skip {
                    *n -= 1;
                    if *n == 0 {
                        skipping = None;
                    }
                }
                return;
            }
            if name == "article" {
                in_article = in_article.saturating_sub(1);
            }
            close(&mut out, name, &mut pre_depth);
        }
        Piece::Text(t) => {
            if in_title {
                if let Some(title) = &mut title {
                    title.push_str(t);
                }
            } else if skipping.is_none() {
                out.push_text(t, pre_depth > 0);
            }
        }
    });
    if meta.title.is_none() {
        meta.title = title.map(|t| collapse_ws(&t)).filter(|t| !t.is_empty());
    }
    Reduced {
        text: out.finish(),
        ..meta
    }
}

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

fn from_tree(doc: &Html) -> Reduced {
    let mut meta = metadata(doc);
    let body = first(doc, "body").unwrap_or_else(|| doc.root_element());
    // One pass over the page measures every candidate: nested candidates are not read again.
    let articles = all(doc, "article, [itemprop=articleBody]");
    let mains = all(doc, "main, [role=main]");
    let mut spans = HashMap::new();
    for e in articles.iter().chain(&mains) {
        spans.insert(e.id(), (0usize, 0usize));
    }
    let whole = text_of(body, &mut spans);
    let len = |e: &ElementRef| spans[&e.id()].1 - spans[&e.id()].0;
    let enough = |e: &ElementRef| len(e) as f64 >= ARTICLE_SHARE * whole.len() as f64;
    let chosen = articles
        .iter()
        .filter(|e| enough(e))
        .max_by_key(|e| (len(e), std::cmp::Reverse(e.id())))
        .or_else(|| mains.iter().find(|e| enough(e)));
    // The chosen element's text is its stretch of the page's: breaks owed before its first
    // text were not yet written when it opened.
    let text = match chosen {
        Some(e) => {
            // The page's text lost its trailing white space (a `<pre>` may end the element).
            let to = spans[&e.id()].1.min(whole.len());
            let from = spans[&e.id()].0.min(to);
            whole[from..to]
                .trim_start_matches('\n')
                .trim_end()
                .to_string()
        }
        None => whole,
    };
    if meta.title.is_none() {
        meta.title = first(doc, "title").map(|t| collapse_ws(&t.text().collect::<String>()));
    }
    meta.title = meta.title.filter(|t| !t.is_empty());
    Reduced { text, ..meta }
}

/// The selectors a page is read with, parsed once.
fn selector(css: &'static str) -> &'static Selector {
    use std::sync::{LazyLock, Mutex};
    static PARSED: LazyLock<Mutex<HashMap<&'static str, &'static Selector>>> =
        LazyLock::new(Default::default);
    let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
    parsed.entry(css).or_insert_with(|| {
        // A handful of built-in selectors, kept for the process's life.
        Box::leak(Box::new(
            Selector::parse(css).expect("a valid built-in selector"),
        ))
    })
}

fn first<'a>(doc: &'a Html, css: &'static str) -> Option<ElementRef<'a>> {
    doc.select(selector(css)).next()
}

fn all<'a>(doc: &'a Html, css: &'static str) -> Vec<ElementRef<'a>> {
    doc.select(selector(css)).collect()
}

/// The text a reader sees in `root`, without what is never article text; and where in it each
/// element named in `spans` starts and ends (empty when it is dropped).
fn text_of(root: ElementRef<'_>, spans: &mut HashMap<ego_tree::NodeId, (usize, usize)>) -> String {
    use ego_tree::iter::Edge;
    let mut out = TextOut::default();
    let mut pre_depth = 0u32;
    // Nesting of `<article>` elements around the current node (a header inside one is the
    // article's own: its headline and byline).
    let mut in_article = 0u32;
    // The element whose subtree is being skipped.
    let mut skipping: Option<ego_tree::NodeId> = None;
    // Iterative: a page nested 100,000 elements deep must not exhaust the stack.
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => out.push_text(t, pre_depth > 0),
                    Node::Element(e) => {
                        let name = e.name();
                        if dropped(e, in_article > 0) {
                            skipping = Some(node.id());
                            continue;
                        }
                        if name == "article" {
                            in_article += 1;
                        }
                        open(&mut out, name, &mut pre_depth);
                        if let Some(at) = spans.get_mut(&node.id()) {
                            *at = (out.len(), out.len());
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(e) = node.value() {
                    let name = e.name();
                    if name == "article" {
                        in_article = in_article.saturating_sub(1);
                    }
                    close(&mut out, name, &mut pre_depth);
                    if let Some(at) = spans.get_mut(&node.id()) {
                        at.1 = out.len();
                    }
                }
            }
        }
    }
    out.finish()
}

fn dropped(e: &Element, in_article: bool) -> bool {
    dropped_name(e.name(), in_article)
        || e.attr("hidden").is_some()
        || e.attr("style").is_some_and(hides)
}

fn dropped_name(name: &str, in_article: bool) -> bool {
    DROPPED.contains(&name) || (name == "header" && !in_article)
}

/// An inline style that hides the element.
fn hides(style: &str) -> bool {
    let st: String = style.chars().filter(|c| !c.is_whitespace()).collect();
    st.to_ascii_lowercase().contains("display:none")
}

fn open(out: &mut TextOut, name: &str, pre_depth: &mut u32) {
    if name == "br" {
        out.line_break();
    } else if BLOCKS.contains(&name) {
        out.paragraph_break();
        if name == "pre" {
            *pre_depth += 1;
        }
    } else if LINES.contains(&name) {
        out.newline();
    } else if matches!(name, "td" | "th") {
        out.space();
    }
}

fn close(out: &mut TextOut, name: &str, pre_depth: &mut u32) {
    if BLOCKS.contains(&name) {
        out.paragraph_break();
        if name == "pre" {
            *pre_depth = pre_depth.saturating_sub(1);
        }
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Title, URL, date and section from `<meta>`, `<link rel=canonical>` and JSON-LD.
fn metadata(doc: &Html) -> Reduced {
    let mut m = Reduced::default();
    for e in doc.select(selector("meta")) {
        let key = e
            .attr("property")
            .or_else(|| e.attr("name"))
            .or_else(|| e.attr("itemprop"))
            .unwrap_or("");
        meta_field(&mut m, key, e.attr("content"));
    }
    if let Some(l) = first(doc, "link[rel=canonical]") {
        set(&mut m.url, l.attr("href"));
    }
    for s in doc.select(selector(r#"script[type="application/ld+json"]"#)) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&s.text().collect::<String>()) else {
            continue;
        };
        for item in ld_items(&v) {
            let kind = item.get("@type").map(|t| t.to_string()).unwrap_or_default();
            if !kind.contains("Article") && !kind.contains("Posting") {
                continue;
            }
            let field = |k: &str| item.get(k).and_then(|x| x.as_str());
            set(&mut m.title, field("headline"));
            set(&mut m.published, field("datePublished"));
            set(&mut m.section, field("articleSection"));
            set(&mut m.url, field("url"));
        }
    }
    m
}

/// A `<meta>` property the page's article is described by.
fn meta_field(m: &mut Reduced, key: &str, v: Option<&str>) {
    let slot = match key.to_ascii_lowercase().as_str() {
        "og:title" | "twitter:title" | "headline" => &mut m.title,
        "og:url" => &mut m.url,
        "article:published_time" | "datepublished" | "og:published_time" | "pubdate" | "date" => {
            &mut m.published
        }
        "article:section" | "articlesection" => &mut m.section,
        _ => return,
    };
    set(slot, v);
}

/// Fills an empty slot with a non-empty value, white space collapsed.
fn set(slot: &mut Option<String>, v: Option<&str>) {
    if slot.is_none()
        && let Some(v) = v.map(collapse_ws).filter(|v| !v.is_empty())
    {
        *slot = Some(v);
    }
}

/// The objects of a JSON-LD block: one, an array of them, or an `@graph`.
fn ld_items(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    match v {
        serde_json::Value::Array(a) => a.iter().flat_map(ld_items).collect(),
        serde_json::Value::Object(o) => match o.get("@graph") {
            Some(g) => ld_items(g),
            None => vec![v],
        },
        _ => Vec::new(),
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
        // Words are copied whole; white space between them (U+00A0, &nbsp;, included: a
        // non-breaking space is a space in the text) becomes one pending space.
        let mut rest = s;
        while !rest.is_empty() {
            let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if word > 0 {
                self.flush_pending();
                self.out.push_str(&rest[..word]);
                rest = &rest[word..];
            }
            let space = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            if space > 0 {
                self.pending_space = true;
                rest = &rest[space..];
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

    /// Bytes written so far.
    fn len(&self) -> usize {
        self.out.len()
    }

    fn finish(self) -> String {
        let mut s = self.out;
        let end = s.trim_end().len();
        s.truncate(end);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
<div hidden>not shown</div><div style="display: none">nor this</div>
</body></html>"#;
        let r = reduce(html);
        assert_eq!(r.title.as_deref(), Some("Storm hits & floods coast"));
        assert_eq!(
            r.text,
            "Storm hits coast\n\nThe storm arrived on Tuesday, officials said.\n\n\
             Line one\nLine two\nLine three\n\nFirst\nSecond\n\n\
             It’s 5 < 6 — “quoted”\n\n  keep   this\n   spacing\n\na b"
        );
    }

    #[test]
    fn the_article_not_the_page_around_it() {
        let html = r#"<html><head>
<meta property="og:title" content="Rates held">
<meta property="article:published_time" content="2024-03-01T09:30:00Z">
<meta property="article:section" content="Business">
<link rel="canonical" href="https://news.example/rates">
<title>Rates held - Example News</title></head><body>
<header><a href="/">Example News</a><ul><li>World</li><li>Business</li></ul></header>
<main><article><header><h1>Rates held</h1><p class="byline">By A. Writer</p></header>
<figure><img src="x.jpg" alt="a bank"><figcaption>The central bank in 2023.</figcaption></figure>
<p>The bank held its rate at 5%, as expected.</p>
<aside><h2>Related</h2><a href="/y">Other story</a></aside>
<p>Markets rose.</p><footer>Topics: rates</footer></article>
<section class="more"><h2>More stories</h2><p>Short teaser.</p></section></main>
<footer>© Example News</footer></body></html>"#;
        let r = reduce(html);
        assert_eq!(r.title.as_deref(), Some("Rates held"));
        assert_eq!(r.url.as_deref(), Some("https://news.example/rates"));
        assert_eq!(r.published.as_deref(), Some("2024-03-01T09:30:00Z"));
        assert_eq!(r.section.as_deref(), Some("Business"));
        assert_eq!(
            r.text,
            "Rates held\n\nBy A. Writer\n\nThe central bank in 2023.\n\n\
             The bank held its rate at 5%, as expected.\n\nMarkets rose."
        );
    }

    #[test]
    fn an_article_ending_the_page_in_preformatted_text() {
        let r = reduce("<nav>menu</nav><article><p>Lead.</p><pre>  code  \n\n  </pre></article>  ");
        assert_eq!(r.text, "Lead.\n\n  code");
    }

    #[test]
    fn json_ld_and_teaser_listings() {
        let html = r#"<html><head><script type="application/ld+json">
{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},
 {"@type":"NewsArticle","headline":"Quake strikes","datePublished":"2023-02-06",
  "articleSection":"World","url":"https://x.example/quake"}]}</script></head>
<body><article><p>Teaser one.</p></article><article><p>Teaser two.</p></article>
<div><p>The full story of the day, told at length in the page body and not in any of
the teasers, which hold a small part of what the page says.</p></div></body></html>"#;
        let r = reduce(html);
        assert_eq!(r.title.as_deref(), Some("Quake strikes"));
        assert_eq!(r.published.as_deref(), Some("2023-02-06"));
        assert_eq!(r.section.as_deref(), Some("World"));
        assert_eq!(r.url.as_deref(), Some("https://x.example/quake"));
        // No article element holds the page: all of it is kept.
        assert!(
            r.text
                .starts_with("Teaser one.\n\nTeaser two.\n\nThe full story")
        );
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
    fn malformed_markup_is_read_as_browsers_read_it() {
        assert_eq!(reduce("a < b and 3<4").text, "a < b and 3<4");
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
        assert_eq!(reduce("AT&T &bogus; &amp &#146;").text, "AT&T &bogus; & ’");
        assert_eq!(
            reduce("<p>unclosed<p>second<div>third").text,
            "unclosed\n\nsecond\n\nthird"
        );
    }

    #[test]
    fn deep_nesting_is_read_in_linear_time() {
        // Without the bound, html5ever's scope checks make this minutes of work.
        let html = format!(
            "<title>Deep</title><nav>menu</nav>{}deep <b>text</b>{}<script>x()</script><p>after</p>",
            "<div><span>".repeat(200_000),
            "</span></div>".repeat(200_000)
        );
        let t = std::time::Instant::now();
        let r = reduce(&html);
        assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
        assert_eq!(r.title.as_deref(), Some("Deep"));
        assert_eq!(r.text, "deep text\n\nafter");
        // Formatting elements the parser would re-open around every paragraph.
        let mut html = String::new();
        for i in 0..5_000 {
            html.push_str(&format!("<b class=c{i}>"));
        }
        html.push_str(&"<p>x</p>".repeat(5_000));
        let r = reduce(&html);
        assert!(r.text.starts_with("x\n\nx"));
        // Just under the bound: read as a tree, article chosen.
        let html = format!(
            "<nav>menu</nav><article>{}kept{}</article>",
            "<div>".repeat(super::super::html_parse::MAX_DEPTH - 10),
            "</div>".repeat(super::super::html_parse::MAX_DEPTH - 10)
        );
        assert_eq!(reduce(&html).text, "kept");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "(<|>|/|&|#|;|x|[a-z]|é|\"|'|=| |\n|!|-|p|br|script|title|article|main|meta)*") {
            let _ = reduce(&s);
        }
    }
}
