//! Exhibit pages: one printable page per conversation, laid out as exhibits to a complaint
//! are: the prompt, the model's output beside the article's own text with reproduced words in
//! red (echoed words, which the user supplied, marked apart and explained), a table of the
//! spans, and on every printed page the Bates number and the designation (print margins).
//! With `--pdf`, all exhibits are also printed by headless Chromium into `exhibits.pdf`.

use std::fmt::Write;

use super::html::{around, esc, page_rules, valid};
use super::record::{ArticleMap, Record, article_label};
use crate::detect::Label;
use crate::model::Message;

const STYLE: &str = "body{font:11pt/1.45 Georgia,'Times New Roman',serif;color:#000;margin:1.5em auto;max-width:60em;padding:0 1em}
h1{font-size:16pt;margin:.2em 0}h2{font-size:12.5pt;margin:1.2em 0 .4em;border-bottom:1px solid #666}
table{border-collapse:collapse;width:100%;table-layout:fixed}td,th{border:1px solid #999;padding:.3em .45em;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th{background:#eee}.meta th{width:9em}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font:9.5pt/1.4 'DejaVu Sans Mono',Menlo,Consolas,monospace}
.role{font:bold 9pt Arial,Helvetica,sans-serif;text-transform:uppercase;margin:.6em 0 .2em}
.rep{color:#d00000;text-decoration:underline solid #d00000 1.5px}
.echo{color:#1a4f8a;text-decoration:underline dotted #1a4f8a 1.5px;font-style:italic}
.echo::before{content:'\\27E8'}.echo::after{content:'\\27E9'}
.supplied{border-bottom:1.5px dashed #7a5c00}
.supplied::before{content:'\\00AB'}.supplied::after{content:'\\00BB'}
sup.n{font:bold 7pt Arial,sans-serif}
.legend{font:9pt Arial,Helvetica,sans-serif;border:1px solid #999;padding:.3em .5em}
.designation{font:bold 12pt Arial,Helvetica,sans-serif;letter-spacing:.04em;text-align:center;border:2px solid #000;padding:.2em;margin:.4em 0}
.cmp td{width:50%}.spans td,.spans th{font:9pt Arial,Helvetica,sans-serif}
.exhibit{break-after:page}.exhibit:last-child{break-after:auto}
@media print{body{margin:0;max-width:none;padding:0}.designation.screen{display:none}a{color:inherit;text-decoration:none}.spans tr{break-inside:avoid}}";

/// A span to mark: its number, byte range in the text, and label.
type Mark = (usize, usize, usize, Label);

fn class(label: Label) -> &'static str {
    match label {
        Label::Reproduced => "rep",
        Label::Echoed => "echo",
    }
}

/// Text with its marks (in order; an overlap keeps the earlier mark), each piece masked
/// first under redaction (article text is not masked in the record, unlike the messages).
fn marked(text: &str, marks: &[Mark], from: usize, to: usize, redact: bool) -> String {
    let esc = |t: &str| {
        if redact {
            esc(&super::redact::mask(t).text)
        } else {
            esc(t)
        }
    };
    let mut out = String::new();
    let mut at = from;
    for &(n, s, e, label) in marks {
        let s = s.max(at);
        if !valid(text, s, e) || s >= e || e > to {
            continue;
        }
        out.push_str(&esc(&text[at..s]));
        let _ = write!(
            out,
            "<span class=\"{}\">{}</span><sup class=\"n\">[{n}]</sup>",
            class(label),
            esc(&text[s..e])
        );
        at = e;
    }
    if valid(text, at, to) {
        out.push_str(&esc(&text[at..to]));
    }
    out
}

fn who(m: &Message) -> String {
    match &m.author {
        Some(a) => format!("{} ({a})", m.role.as_str()),
        None => m.role.as_str().to_string(),
    }
}

/// The exhibit's name: its Bates number (exhibits are always numbered), else the id.
fn name(r: &Record) -> String {
    r.bates.clone().unwrap_or_else(|| r.id().to_string())
}

/// The head of a standalone exhibit file.
pub fn head(title: &str, designation: Option<&str>, page_name: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}\n{}\n</style>\n</head>\n<body>\n",
        esc(title),
        page_rules(designation, page_name)
    )
}

pub const FOOT: &str = "</body>\n</html>\n";

/// One exhibit as a section; `page` names its printed pages (the margins of a combined file
/// carry each exhibit's own Bates number and designation).
pub fn section(r: &Record, articles: &ArticleMap, page: Option<&str>) -> String {
    let c = &r.conversation;
    let name = name(r);
    let mut s = String::new();
    if let Some(p) = page {
        let rules =
            page_rules(r.designation.as_deref(), &name).replacen("@page", &format!("@page {p}"), 1);
        let _ = writeln!(s, "<style>{rules}\n.page-{p}{{page:{p}}}</style>");
    }
    let _ = writeln!(
        s,
        "<section class=\"exhibit{}\">",
        page.map(|p| format!(" page-{p}")).unwrap_or_default()
    );
    if let Some(d) = &r.designation {
        let _ = writeln!(s, "<div class=\"designation screen\">{}</div>", esc(d));
    }
    let _ = writeln!(s, "<h1>Exhibit {}</h1>", esc(&name));
    let _ = writeln!(s, "<table class=\"meta\">");
    let mut row = |k: &str, v: &str| {
        let _ = writeln!(s, "<tr><th>{k}</th><td>{}</td></tr>", esc(v));
    };
    if let Some(b) = &r.bates {
        row("Bates", b);
    }
    row("Designation", r.designation.as_deref().unwrap_or("none"));
    row("Conversation", &c.id);
    if let Some(t) = &c.title {
        row("Title", t);
    }
    row(
        "Created",
        &c.created
            .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| "-".into()),
    );
    row("Model", c.model.as_deref().unwrap_or("-"));
    for f in &r.findings {
        let a = articles.get(&f.article);
        let mut v = format!("{} [{}]", article_label(articles, &f.article), f.article);
        if let Some(u) = a.and_then(|a| a.url.as_deref()) {
            let _ = write!(v, ", {u}");
        }
        if let Some(p) = a.and_then(|a| a.published.as_deref()) {
            let _ = write!(v, ", published {p}");
        }
        let _ = write!(
            v,
            ": {}, {} words reproduced, {} echoed",
            f.label.as_str(),
            f.reproduced_words,
            f.echoed_words
        );
        row("Article", &v);
    }
    let _ = writeln!(s, "</table>");
    let _ = writeln!(
        s,
        "<p class=\"legend\"><span class=\"rep\">Red, solid underline</span>: words of the article the model produced that the user had not supplied. <span class=\"echo\">Blue italic</span> with a dotted underline, between angle brackets: words of the article the model repeated from text the user supplied earlier in the conversation. <span class=\"supplied\">Dashed underline</span> between « »: words of the article the user supplied in the prompt. [n] numbers each span; the table at the end gives its length.</p>"
    );

    // Every span, numbered in message and text order.
    let mut spans: Vec<(&crate::detect::findings::Span, &str)> = r
        .findings
        .iter()
        .flat_map(|f| f.spans.iter().map(move |sp| (sp, f.article.as_str())))
        .collect();
    spans.sort_by_key(|(sp, _)| (sp.message, sp.start, sp.end));
    let first_out = spans.first().map(|(sp, _)| sp.message);

    let msgs = &c.messages;
    let prompt: Vec<&Message> = msgs
        .iter()
        .filter(|m| first_out.is_none_or(|f| m.index < f))
        .collect();
    if !prompt.is_empty() {
        let _ = writeln!(s, "<h2>Prompt</h2>");
        let supplied = r.supplied_ranges(articles);
        for m in prompt {
            let text = match supplied.get(&m.index) {
                Some(ranges) => super::html::supplied_marked(&m.text, ranges),
                None => esc(&m.text),
            };
            let _ = writeln!(
                s,
                "<div class=\"role\">{}. {}</div><div class=\"text\">{text}</div>",
                m.index + 1,
                esc(&who(m)),
            );
        }
    }
    for m in msgs
        .iter()
        .filter(|m| first_out.is_some_and(|f| m.index >= f))
    {
        let mine: Vec<(usize, &crate::detect::findings::Span, &str)> = spans
            .iter()
            .enumerate()
            .filter(|(_, (sp, _))| sp.message == m.index)
            .map(|(i, (sp, a))| (i + 1, *sp, *a))
            .collect();
        if mine.is_empty() {
            let _ = writeln!(
                s,
                "<div class=\"role\">{}. {}</div><div class=\"text\">{}</div>",
                m.index + 1,
                esc(&who(m)),
                esc(&m.text)
            );
            continue;
        }
        let _ = writeln!(
            s,
            "<h2>Output: message {}, {}</h2>",
            m.index + 1,
            esc(&who(m))
        );
        let out_marks: Vec<Mark> = mine
            .iter()
            .map(|(n, sp, _)| (*n, sp.start, sp.end, sp.label))
            .collect();
        let mut right = String::new();
        let mut ids: Vec<&str> = mine.iter().map(|(_, _, a)| *a).collect();
        ids.dedup();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let of: Vec<Mark> = {
                let mut v: Vec<Mark> = mine
                    .iter()
                    .filter(|(_, _, a)| *a == id)
                    .map(|(n, sp, _)| (*n, sp.article_start, sp.article_end, sp.label))
                    .collect();
                v.sort_by_key(|m| (m.1, m.2));
                v
            };
            match articles.get(id) {
                Some(a) => {
                    let lo = of.iter().map(|m| m.1).min().unwrap_or(0);
                    let hi = of.iter().map(|m| m.2).max().unwrap_or(0);
                    if !valid(&a.text, lo, hi) {
                        continue;
                    }
                    let (from, to) = around(&a.text, lo, hi, 240);
                    let body = marked(&a.text, &of, from, to, r.redacted);
                    let _ = writeln!(
                        right,
                        "<div class=\"role\">{} [{}]</div><div class=\"text\">{}{}{}</div>",
                        esc(a.title.as_deref().unwrap_or(&a.id)),
                        esc(&a.id),
                        if from > 0 { "… " } else { "" },
                        body,
                        if to < a.text.len() { " …" } else { "" }
                    );
                }
                None => {
                    let _ = writeln!(
                        right,
                        "<p>[{}] (the article's text is not in the matter)</p>",
                        esc(id)
                    );
                }
            }
        }
        let _ = writeln!(
            s,
            "<table class=\"cmp\"><tr><th>The model's output</th><th>The article</th></tr><tr><td><div class=\"text\">{}</div></td><td>{right}</td></tr></table>",
            marked(&m.text, &out_marks, 0, m.text.len(), false)
        );
    }
    if !spans.is_empty() {
        let _ = writeln!(s, "<h2>Spans</h2>");
        let _ = writeln!(
            s,
            "<table class=\"spans\"><tr><th>#</th><th>Kind</th><th>Words</th><th>Message</th><th>Article</th><th>Article characters</th></tr>"
        );
        for (i, (sp, a)) in spans.iter().enumerate() {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} [{}]</td><td>{}–{}</td></tr>",
                i + 1,
                match sp.label {
                    Label::Reproduced => "reproduced",
                    Label::Echoed => "echoed (user supplied)",
                },
                sp.words,
                sp.message + 1,
                esc(article_label(articles, a)),
                esc(a),
                sp.article_start,
                sp.article_end
            );
        }
        let words: usize = spans
            .iter()
            .filter(|(sp, _)| sp.label == Label::Reproduced)
            .map(|(sp, _)| sp.words)
            .sum();
        let _ = writeln!(
            s,
            "<tr><th colspan=\"2\">Reproduced words</th><th>{words}</th><th colspan=\"3\"></th></tr></table>"
        );
    }
    if let Some(d) = &r.designation {
        let _ = writeln!(s, "<div class=\"designation screen\">{}</div>", esc(d));
    }
    let _ = writeln!(s, "</section>");
    s
}

/// A standalone exhibit page.
pub fn page(r: &Record, articles: &ArticleMap) -> String {
    let name = name(r);
    let mut s = head(&format!("Exhibit {name}"), r.designation.as_deref(), &name);
    s.push_str(&section(r, articles, None));
    s.push_str(FOOT);
    s
}
