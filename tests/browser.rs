//! Produced pages in a real browser: headless Chromium prints an HTML conversation page and
//! the exhibits to PDF; `pdftotext` reads every PDF page back for the designation and the
//! Bates number; the computed colours of reproduced and echoed text are read from the
//! rendered page; and no word runs past the printable width at A4 or Letter.
//!
//! Outside CI the test says it skipped when Chromium or poppler is missing; under CI
//! (`VERBATIM_REQUIRE_BROWSER=1`, set by scripts/test) a missing browser fails it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

const HIGH: &str = "HIGHLY CONFIDENTIAL - ATTORNEYS' EYES ONLY";

fn tools() -> Option<PathBuf> {
    let chromium = verbatim::export::pdf::find_chromium();
    let poppler = Command::new("pdftotext").arg("-v").output().is_ok();
    match (chromium, poppler) {
        (Some(c), true) => Some(c),
        _ => {
            if std::env::var_os("VERBATIM_REQUIRE_BROWSER").is_some() {
                panic!("Chromium and poppler-utils are required here (VERBATIM_REQUIRE_BROWSER)");
            }
            eprintln!("SKIPPED: no headless Chromium or pdftotext on this machine");
            None
        }
    }
}

/// The demo matter with its strong findings tagged and designated, and one echo-only
/// conversation tagged too (for the echo mark).
fn matter() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m");
    verbatim::demo::build(&m, &mut verbatim::progress::Silent).unwrap();
    for args in [
        vec!["tag", "--query", "strong:true", "hot", "--yes"],
        vec![
            "tag",
            "--query",
            "label:echoed AND -label:reproduced",
            "hot",
            "--yes",
        ],
        vec!["designation", "set", HIGH],
    ] {
        let o = run(&m, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    (tmp, m)
}

/// The text of each page of a PDF.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Page widths and the right edge of the rightmost word on each page, in points.
fn right_edges(pdf: &Path) -> Vec<(f64, f64)> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let num = |tag: &str, attr: &str| -> f64 {
        let key = format!("{attr}=\"");
        let i = tag.find(&key).unwrap() + key.len();
        tag[i..].split('"').next().unwrap().parse().unwrap()
    };
    let mut pages = Vec::new();
    for part in html.split("<page ").skip(1) {
        let head = part.split('>').next().unwrap();
        let width = num(head, "width");
        let right = part
            .split("<word ")
            .skip(1)
            .map(|w| num(w.split('>').next().unwrap(), "xMax"))
            .fold(0.0, f64::max);
        pages.push((width, right));
    }
    pages
}

fn print(chromium: &Path, html: &Path, pdf: &Path) {
    verbatim::export::pdf::print(
        chromium,
        html,
        pdf,
        std::time::Duration::from_secs(120),
        None,
    )
    .unwrap();
}

/// Computed styles of the page, read by a script run in the real browser.
fn computed(chromium: &Path, page: &Path, width: u32) -> Value {
    let probe = page.with_extension("probe.html");
    let html = std::fs::read_to_string(page).unwrap().replace(
        "</body>",
        "<script>\
         const c=s=>{const e=document.querySelector(s);return e?getComputedStyle(e).color:null};\
         const d=document.documentElement;\
         const r={rep:c('.rep'),echo:c('.echo'),scroll:d.scrollWidth,client:d.clientWidth};\
         const p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify(r);\
         document.body.appendChild(p);</script></body>",
    );
    std::fs::write(&probe, html).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium)
        .args(verbatim::export::pdf::headless_args(profile.path()))
        .arg(format!("--window-size={width},900"))
        .arg("--dump-dom")
        .arg(format!("file://{}", probe.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + 16;
    let end = start + dom[start..].find("</pre>").unwrap();
    serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap()
}

#[test]
fn produced_pages_print_with_designation_bates_colour_and_fit() {
    let Some(chromium) = tools() else { return };
    let (tmp, m) = matter();
    let ex = tmp.path().join("exhibits");
    let o = run(
        &m,
        &[
            "--quiet",
            "export",
            "--tag",
            "hot",
            "--format",
            "exhibit",
            "--bates-prefix",
            "NYT-EX-",
            "--pdf",
            "--out",
            ex.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let exhibits = std::fs::read_dir(ex.join("exhibits")).unwrap().count();

    // exhibits.pdf: every page carries the designation and its exhibit's Bates number, and
    // every exhibit starts on a page of its own.
    let pages = pdf_pages(&ex.join("exhibits.pdf"));
    assert!(
        pages.len() >= exhibits,
        "{} pages for {exhibits}",
        pages.len()
    );
    let mut starts = 0;
    for (i, p) in pages.iter().enumerate() {
        assert!(p.contains(HIGH), "page {} has no designation:\n{p}", i + 1);
        assert!(
            p.contains("NYT-EX-00000"),
            "page {} has no Bates number",
            i + 1
        );
        starts += p.matches("Exhibit NYT-EX-").count();
    }
    assert_eq!(starts, exhibits);
    let body = pages.join("\n");
    assert!(body.contains("The model's output") && body.contains("The article"));

    // One exhibit, and one HTML conversation page, at A4 and at Letter: nothing past the
    // printable width (the right margin is 14 mm, about 40 pt).
    let one = ex.join("exhibits/NYT-EX-0000001.html");
    let html_out = tmp.path().join("html");
    let o = run(
        &m,
        &[
            "--quiet",
            "export",
            "--tag",
            "hot",
            "--format",
            "html",
            "--out",
            html_out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let conv_page = std::fs::read_dir(html_out.join("conversations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    for (page, name) in [(&one, "exhibit"), (&conv_page, "html")] {
        for paper in ["A4", "letter"] {
            let sized = tmp.path().join(format!("{name}-{paper}.html"));
            let text = std::fs::read_to_string(page)
                .unwrap()
                .replace("</style>", &format!("@page{{size:{paper}}}</style>"));
            std::fs::write(&sized, text).unwrap();
            let pdf = tmp.path().join(format!("{name}-{paper}.pdf"));
            print(&chromium, &sized, &pdf);
            for (n, p) in pdf_pages(&pdf).iter().enumerate() {
                assert!(
                    p.contains(HIGH),
                    "{name} {paper} page {}: no designation",
                    n + 1
                );
                if name == "exhibit" {
                    assert!(
                        p.contains("NYT-EX-0000001"),
                        "{name} {paper} page {}",
                        n + 1
                    );
                }
            }
            for (n, (width, right)) in right_edges(&pdf).into_iter().enumerate() {
                let expected = if paper == "A4" { 595.0 } else { 612.0 };
                assert!(
                    (width - expected).abs() < 2.0,
                    "{name} {paper}: page width {width}"
                );
                assert!(
                    right <= width - 30.0,
                    "{name} {paper} page {}: a word ends at {right} of {width} pt",
                    n + 1
                );
            }
        }
    }

    // Colours as the browser computes them: reproduced red, echoed blue; no sideways scroll
    // at a narrow window.
    let echo_page = std::fs::read_dir(ex.join("exhibits"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("class=\"echo\"")
        })
        .expect("an exhibit with an echoed span");
    for page in [&one, &echo_page] {
        let v = computed(&chromium, page, 700);
        if let Some(rep) = v["rep"].as_str() {
            assert_eq!(rep, "rgb(208, 0, 0)", "{}", page.display());
        }
        if page == &echo_page {
            assert_eq!(v["echo"], "rgb(26, 79, 138)");
        } else {
            assert!(
                v["rep"].is_string(),
                "no reproduced span in {}",
                page.display()
            );
        }
        assert!(
            v["scroll"].as_u64() <= v["client"].as_u64(),
            "{} scrolls sideways at 700 px: {v}",
            page.display()
        );
    }
}
