//! HTML article pages as publishers serve them (real BBC and Reuters texts in realistic markup,
//! tests/common/pages.rs): `articles import` keeps each page's article, every paragraph in
//! order and nothing of the navigation, banners, scripts, asides or footers around it, with the
//! title, URL, date and section from the page's metadata; damaged pages are imported or
//! rejected with their file named, never fail the import.

mod common;
#[path = "common/pages.rs"]
mod pages;

use std::collections::HashMap;

use common::*;

fn stored(m: &std::path::Path) -> HashMap<String, serde_json::Value> {
    std::fs::read_to_string(m.join("articles/articles.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| (v["id"].as_str().unwrap().to_string(), v))
        .collect()
}

#[test]
fn the_article_of_real_news_pages_is_kept_and_nothing_around_it() {
    let (Some(bbc), Some(reuters)) = (pages::bbc(300), pages::reuters(300)) else {
        eprintln!("skipped: ../shared/data/articles (the BBC and Reuters corpora) is not here");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pages");
    let mut all = Vec::new();
    for (k, s) in bbc.iter().enumerate() {
        all.push(("bbc", pages::bbc_page(s, k)));
    }
    for (k, s) in reuters.iter().enumerate() {
        all.push(("reuters", pages::reuters_page(s, k)));
    }
    for (site, p) in &all {
        std::fs::create_dir_all(dir.join(site)).unwrap();
        std::fs::write(dir.join(site).join(&p.name), &p.html).unwrap();
    }
    let m = tmp.path().join("m");
    run_ok(
        &m,
        &["--quiet", "articles", "import", dir.to_str().unwrap()],
    );
    let got = stored(&m);
    assert_eq!(got.len(), all.len());
    for (site, p) in &all {
        let id = format!("{site}/{}", p.name);
        let a = &got[&id];
        assert_eq!(
            a["text"].as_str().unwrap(),
            p.expected,
            "{id}: the article text"
        );
        assert_eq!(a["title"].as_str(), Some(p.title.as_str()), "{id}: title");
        assert_eq!(a["url"].as_str(), Some(p.url.as_str()), "{id}: url");
        assert_eq!(
            a["section"].as_str(),
            Some(p.section.as_str()),
            "{id}: section"
        );
        assert_eq!(
            a["published"].as_str(),
            Some(p.published.as_str()),
            "{id}: date"
        );
        let text = a["text"].as_str().unwrap();
        for around in [
            "Skip to content",
            "Let us know you agree to cookies",
            "Search BBC",
            "iPlayer",
            "zzscriptzz",
            "Related Internet Links",
            "More on this story",
            "Terms of Use",
            "Sign up for our markets newsletter",
            "Read Next",
            "Another markets story",
            "Scroll to continue",
            "All quotes delayed",
            "window.",
        ] {
            assert!(!text.contains(around), "{id} keeps {around:?}");
        }
    }
}

#[test]
fn damaged_pages_are_imported_or_rejected_never_fail_the_import() {
    let Some(bbc) = pages::bbc(40) else {
        eprintln!("skipped: ../shared/data/articles (the BBC corpus) is not here");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pages");
    std::fs::create_dir_all(&dir).unwrap();
    let mut seed = 11u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (k, s) in bbc.iter().enumerate() {
        let html = pages::bbc_page(s, k).html.into_bytes();
        let mut bytes = html.clone();
        match k % 4 {
            // Cut anywhere (a download that stopped).
            0 => bytes.truncate((next() as usize) % html.len()),
            // Bytes flipped (into invalid UTF-8 too: the page is then read as Windows-1252).
            1 => {
                for _ in 0..20 {
                    let i = (next() as usize) % bytes.len();
                    bytes[i] ^= 0x80 | (next() as u8);
                }
            }
            // The closing tags a careless template leaves out.
            2 => {
                let mut h = String::from_utf8(html).unwrap();
                for t in ["</p>", "</div>", "</li>", "</a>", "</b>", "</figure>"] {
                    h = h.replace(t, "");
                }
                bytes = h.into_bytes();
            }
            // Markup nested past any sensible depth.
            _ => {
                let mut b = "<div><section><blockquote>".repeat(30_000).into_bytes();
                b.extend_from_slice(&html);
                bytes = b;
            }
        }
        std::fs::write(dir.join(format!("{k}.html")), &bytes).unwrap();
    }
    let m = tmp.path().join("m");
    let out = run(&m, &["--json", "articles", "import", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    let (imported, rejected) = (
        v["imported"].as_u64().unwrap(),
        v["rejected"].as_u64().unwrap(),
    );
    assert_eq!(imported + rejected, 40, "{v}");
    // Only a cut page may have lost all its text (a cut inside the head).
    assert!(rejected <= 10, "{v}");
    let got = stored(&m);
    for (k, s) in bbc.iter().enumerate().filter(|(k, _)| k % 4 == 2) {
        let text = got[&format!("{k}.html")]["text"].as_str().unwrap();
        for p in &s.paragraphs {
            assert!(text.contains(p.as_str()), "page {k} lost {p:?}");
        }
    }
    // The deeply nested copies are read from their tags in order (no tree: see
    // articles/html_parse.rs): the whole page less navigation, scripts and footers, the article
    // whole within it.
    for (k, s) in bbc.iter().enumerate().filter(|(k, _)| k % 4 == 3) {
        let text = got[&format!("{k}.html")]["text"].as_str().unwrap();
        assert!(
            text.contains(&pages::bbc_page(s, k).expected),
            "page {k}: {text}"
        );
        assert!(
            !text.contains("iPlayer") && !text.contains("Terms of Use"),
            "page {k}"
        );
    }
}
