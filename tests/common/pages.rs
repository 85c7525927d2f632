//! Real news texts (the BBC and Reuters corpora in ../shared/data, read when present) saved as
//! the pages a browser would save: site header and navigation, cookie banner, scripts and
//! JSON-LD, a byline, a figure, inline links and character references, asides of related
//! stories, advertising slots and a footer. Each page comes with the words a reader sees in
//! its article, in order.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Source {
    pub id: String,
    pub title: String,
    pub section: String,
    pub paragraphs: Vec<String>,
}

pub struct Page {
    pub name: String,
    pub html: String,
    pub title: String,
    pub section: String,
    pub url: String,
    pub published: String,
    /// The article a reader sees, as text (paragraphs separated by blank lines).
    pub expected: String,
}

fn shared() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/articles");
    d.is_dir().then_some(d)
}

fn read(
    name: &str,
    limit: usize,
    f: impl Fn(&serde_json::Value) -> Option<Source>,
) -> Option<Vec<Source>> {
    let text = std::fs::read_to_string(shared()?.join(name)).ok()?;
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| f(&v))
            .take(limit)
            .collect(),
    )
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// BBC articles (paragraphs separated by blank lines).
pub fn bbc(limit: usize) -> Option<Vec<Source>> {
    read("bbc_news_2005.jsonl", limit, |v| {
        Some(Source {
            id: v["id"].as_str()?.replace('/', "-"),
            title: collapse(v["title"].as_str()?),
            section: v["category"].as_str()?.to_string(),
            paragraphs: v["text"]
                .as_str()?
                .split("\n\n")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect(),
        })
    })
}

/// Reuters stories with a body (paragraphs start with an indented line; the "Reuter" trailer
/// goes).
pub fn reuters(limit: usize) -> Option<Vec<Source>> {
    read("reuters21578.jsonl", limit, |v| {
        let text = v["text"]
            .as_str()?
            .trim_end()
            .trim_end_matches("Reuter")
            .trim_end();
        let paragraphs: Vec<String> = text
            .split("\n    ")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        if paragraphs.len() < 2 {
            return None;
        }
        Some(Source {
            id: v["id"].as_str()?.replace('/', "-"),
            title: collapse(v["title"].as_str()?),
            section: "markets".to_string(),
            paragraphs,
        })
    })
}

/// Text as a page writes it: markup characters escaped, and (varying with `k`) quotes and
/// apostrophes as named or numeric references, as publishing systems do.
pub fn esc(s: &str, k: usize) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match (c, k % 3) {
            ('&', _) => out.push_str("&amp;"),
            ('<', _) => out.push_str("&lt;"),
            ('>', _) => out.push_str("&gt;"),
            ('"', 0) => out.push_str("&quot;"),
            ('"', 1) => out.push_str("&#34;"),
            ('\'', 1) => out.push_str("&#39;"),
            ('\'', 2) => out.push_str("&apos;"),
            ('£', 0) => out.push_str("&pound;"),
            ('£', 1) => out.push_str("&#xA3;"),
            (c, _) => out.push(c),
        }
    }
    out
}

/// A paragraph with inline markup: its fourth word bold, its sixth a link, as articles have.
fn inline(p: &str, k: usize) -> String {
    p.split(' ')
        .enumerate()
        .map(|(i, w)| match i {
            3 => format!("<b>{}</b>", esc(w, k)),
            5 => format!(
                r#"<a href="/news/topics/{i}" class="link">{}</a>"#,
                esc(w, k)
            ),
            _ => esc(w, k),
        })
        .collect::<Vec<_>>()
        .join(if k.is_multiple_of(2) { " " } else { "\n      " })
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

const NAV: &str = r#"<nav class="orbit-nav" aria-label="BBC"><ul>
<li><a href="https://www.bbc.co.uk/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>
<li><a href="/iplayer">iPlayer</a></li><li><a href="/sounds">Sounds</a></li></ul></nav>"#;

/// A BBC News article page.
pub fn bbc_page(s: &Source, k: usize) -> Page {
    let url = format!(
        "https://www.bbc.co.uk/news/{}-{}",
        s.section,
        31_000_000 + k
    );
    let published = format!(
        "2005-{:02}-{:02}T{:02}:15:00Z",
        1 + k % 12,
        1 + k % 28,
        k % 24
    );
    let caption = format!("The {} desk reported the story", s.section);
    let mut body = String::new();
    for (i, p) in s.paragraphs.iter().enumerate() {
        body.push_str(&format!(
            "<div data-component=\"text-block\" class=\"ssrcss-11r1m41\"><p class=\"ssrcss-1q0x1qg\">{}</p></div>\n",
            inline(p, k + i)
        ));
        if i == 1 {
            body.push_str(
                r#"<div data-component="ad-slot"><div id="dotcom-mpu"><script>window.dotcom && dotcom.ads.registerSlot("mpu");</script><noscript><img src="/ads/pixel.gif" alt="advertisement"></noscript></div></div>
<aside data-component="links-block"><h2>Related Internet Links</h2><ul><li><a href="https://example.org/">Company site</a></li></ul><p>The BBC is not responsible for the content of external sites.</p></aside>
"#,
            );
        }
    }
    let html = format!(
        r##"<!DOCTYPE html>
<html lang="en-GB" class="no-js"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_esc} - BBC News</title>
<meta name="description" content="{first_esc}">
<meta property="og:title" content="{title_esc}"><meta property="og:type" content="article">
<meta property="og:url" content="{url}"><meta property="article:section" content="{section}">
<link rel="canonical" href="{url}"><link rel="stylesheet" href="/news/styles.css">
<style>.ssrcss-11r1m41 {{ margin: 0 auto; }} p > a::after {{ content: "<p>"; }}</style>
<script>window.__INITIAL_DATA__ = "{{\"page\":{{\"id\":\"{k}\"}}}}"; if (a < b && b > c) {{ document.write("<p>zzscriptzz</p>"); }}</script>
<script type="application/ld+json">{{"@context":"http://schema.org","@type":"ReportageNewsArticle","url":"{url}","headline":{title_json},"datePublished":"{published}","articleSection":"{section}","publisher":{{"@type":"NewsMediaOrganization","name":"BBC News"}}}}</script>
</head>
<body><a href="#main-content" class="skip-link">Skip to content</a>
<div id="cookie-prompt" class="cookie-banner"><h2>Let us know you agree to cookies</h2><p>We use cookies to give you the best online experience.</p><button>Yes, I agree</button><button>No, take me to settings</button></div>
<header role="banner" class="orbit-header"><a href="https://www.bbc.co.uk" class="orbit-logo"><svg viewBox="0 0 84 24"><title>BBC</title><path d="M0 0h24v24H0z"/></svg></a>
{NAV}
<form role="search" action="/search"><input type="text" name="q" placeholder="Search BBC"><button type="submit">Search</button></form></header>
<nav class="news-nav" aria-label="News"><ul><li><a href="/news">Home</a></li><li><a href="/news/world">World</a></li><li><a href="/news/business">Business</a></li><li><a href="/news/politics">Politics</a></li><li><a href="/news/technology">Tech</a></li></ul></nav>
<main id="main-content" role="main"><article>
<header data-component="headline-block"><h1 id="main-heading" class="ssrcss-15xko80">{title_esc}</h1></header>
<div data-component="byline-block"><p>By <span class="byline-name">Business reporter</span><br>BBC News</p></div>
<div data-component="timestamp-block"><time datetime="{published}">{day} March 2005</time></div>
<figure><div class="image-wrapper"><img src="https://ichef.bbci.co.uk/news/976/{k}.jpg" alt="File picture" width="976" height="549"><span class="copyright" aria-hidden="true">Getty Images</span></div><figcaption>{caption}</figcaption></figure>
{body}<div data-component="share-tools"><button aria-label="Share">Share</button></div>
<footer data-component="topic-list"><h2>Related Topics</h2><ul><li><a href="/news/topics/x">{section}</a></li></ul></footer>
</article>
<section data-component="more-stories" aria-label="More on this story"><h2>More on this story</h2><div><a href="/news/1"><p>An earlier story, a teaser of one line</p></a></div></section>
</main>
<footer role="contentinfo" class="orbit-footer"><ul><li><a href="/terms">Terms of Use</a></li><li><a href="/privacy">Privacy Policy</a></li></ul><p>Copyright &copy; 2005 BBC. The BBC is not responsible for the content of external sites.</p></footer>
<script src="/news/bundle.js" defer></script><script>require(["orb/cookies"], function (c) {{ c.prompt(); }});</script>
</body></html>"##,
        title_esc = esc(&s.title, k),
        first_esc = esc(s.paragraphs.first().map(String::as_str).unwrap_or(""), k),
        title_json = json_str(&s.title),
        section = s.section,
        day = 1 + k % 28,
    );
    let mut expected = vec![
        s.title.clone(),
        "By Business reporter\nBBC News".to_string(),
        format!("{} March 2005", 1 + k % 28),
        format!("Getty Images\n\n{caption}"),
    ];
    expected.extend(s.paragraphs.iter().cloned());
    Page {
        name: format!("{}.html", s.id),
        html,
        title: s.title.clone(),
        section: s.section.clone(),
        url,
        published,
        expected: expected.join("\n\n"),
    }
}

/// A Reuters story page: no `<article>` element, a `<main>` of nested divisions.
pub fn reuters_page(s: &Source, k: usize) -> Page {
    let slug: String = s
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let url = format!("https://www.reuters.com/markets/{slug}-{k}/");
    let published = format!("1987-03-{:02}", 1 + k % 28);
    let mut body = String::new();
    for (i, p) in s.paragraphs.iter().enumerate() {
        body.push_str(&format!(
            "<div data-testid=\"paragraph-{i}\" class=\"text__text__1FZLe article-body__paragraph__2-BtD\">{}</div>\n",
            inline(p, k + i)
        ));
        if i == 0 {
            body.push_str(r#"<div data-testid="promo-box" class="article-body__promo"><aside><p>Sign up for our markets newsletter.</p><form><input type="email"><button>Sign up</button></form></aside></div>
"#);
        }
    }
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title_esc} | Reuters</title>
<meta name="article:published_time" content="{published}"><meta property="og:url" content="{url}">
<meta property="og:title" content="{title_esc}"><meta name="article:section" content="Markets">
<script>window.Fusion=window.Fusion||{{}};Fusion.globalContent={{"type":"story","id":"{k}"}};</script>
</head><body><div id="fusion-app" class="fusion-app">
<header class="site-header"><a href="/" aria-label="Reuters home">Reuters</a>
<nav aria-label="Main"><ul><li><a href="/world/">World</a></li><li><a href="/business/">Business</a></li><li><a href="/markets/">Markets</a></li><li><a href="/sustainability/">Sustainability</a></li></ul></nav>
<button data-testid="Button">Register</button></header>
<div class="leaderboard"><div id="ad-leaderboard" style="display:none">Advertisement · Scroll to continue</div></div>
<main id="main-content" class="regular-article-layout">
<div class="article-header__heading"><h1 data-testid="Heading" class="text__heading_2__1K_hh">{title_esc}</h1></div>
<div class="article-header__dateline"><time datetime="{published}"><span>March {day}, 1987</span></time></div>
<div class="article-body__content__17Yit">{body}<p class="sign-off">Reporting by Staff</p></div>
<div class="read-next"><nav aria-label="Read Next"><a href="/markets/other/">Another markets story</a></nav></div>
</main>
<footer class="site-footer"><p>All quotes delayed a minimum of 15 minutes.</p><p>© 1987 Reuters. All rights reserved</p></footer>
</div><script src="/pf/dist/engine/react.js"></script></body></html>"#,
        title_esc = esc(&s.title, k),
        day = 1 + k % 28,
    );
    let mut expected = vec![s.title.clone(), format!("March {}, 1987", 1 + k % 28)];
    expected.extend(s.paragraphs.iter().cloned());
    expected.push("Reporting by Staff".to_string());
    Page {
        name: format!("{}.html", s.id),
        html,
        title: s.title.clone(),
        section: "Markets".to_string(),
        url,
        published,
        expected: expected.join("\n\n"),
    }
}
