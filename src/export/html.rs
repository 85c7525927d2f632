//! Standalone HTML pages, one per conversation, plus an index page. Inline CSS only. Each
//! reproduced span is marked red and underlined (readable without colour: underline and a
//! numbered marker), echoed spans blue with a dotted underline, and every span is listed beside
//! the matching article text, like a redline.

use std::fmt::Write;

use super::record::{ArticleMap, Record, article_label};
use crate::detect::Label;
use crate::detect::findings::Span;

const STYLE: &str = "body{font:15px/1.5 Georgia,serif;margin:2em auto;max-width:72em;padding:0 1em;color:#111}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#eee}.meta th{width:10em}
.msg{border-left:4px solid #999;margin:1em 0;padding:.2em 1em}.msg h3{font-size:1em;margin:.3em 0}
.user{border-color:#2a6}.assistant{border-color:#b00}.system,.tool{border-color:#888;background:#f6f6f6}
.text{white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.rep{color:#b00000;text-decoration:underline solid #b00000 2px;background:#fde8e8}
.echo{color:#00407a;text-decoration:underline dotted #00407a 2px;background:#e6f0fa}
.supplied{border-bottom:2px dashed #7a5c00;background:#fff6d5}
.supplied::before{content:'\\00AB'}.supplied::after{content:'\\00BB'}
sup.n{font-size:.7em;font-weight:bold;color:#000}
.redline td{width:45%}.redline td.n{width:3em}
.designation{font:bold 13px/1.4 Arial,Helvetica,sans-serif;letter-spacing:.04em;text-align:center;border:2px solid #000;padding:.2em .5em;margin:.5em 0}
@media print{.msg{break-inside:avoid}.designation.screen{display:none}body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}";

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn head(title: &str, print: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}\n{print}\n</style>\n</head>\n<body>\n",
        esc(title)
    )
}

/// A CSS string literal.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            // Closing the style element early is not possible from inside a CSS string, but
            // `<` is kept out all the same.
            '<' => out.push_str("\\3C "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The print margins of a page: the designation at the top and bottom of every printed page,
/// the Bates number (or the conversation) and the page number beside it.
pub fn page_rules(designation: Option<&str>, name: &str) -> String {
    let d = css_string(designation.unwrap_or(""));
    let n = css_string(name);
    // Short boxes beside the centre one, so the designation keeps its line.
    format!(
        "@page{{size:auto;margin:20mm 14mm 20mm 14mm;\
         @top-center{{content:{d};font:bold 10pt Arial,Helvetica,sans-serif}}\
         @top-right{{content:{n};font:9pt Arial,Helvetica,sans-serif}}\
         @bottom-left{{content:{n};font:9pt Arial,Helvetica,sans-serif}}\
         @bottom-center{{content:{d};font:bold 10pt Arial,Helvetica,sans-serif}}\
         @bottom-right{{content:\"page \" counter(page) \" of \" counter(pages);font:9pt Arial,Helvetica,sans-serif}}}}"
    )
}

/// The designation banner shown on screen at the top and bottom of a page (print has it in
/// the page margins instead, on every page).
pub fn banner(designation: Option<&str>) -> String {
    match designation {
        Some(d) => format!(
            "<div class=\"designation screen\" role=\"note\">{}</div>\n",
            esc(d)
        ),
        None => String::new(),
    }
}

const FOOT: &str = "</body>\n</html>\n";

fn class(label: Label) -> &'static str {
    match label {
        Label::Reproduced => "rep",
        Label::Echoed => "echo",
    }
}

/// A piece of text cut at char boundaries no further than `max` bytes from `[start, end)`.
pub(super) fn around(text: &str, start: usize, end: usize, max: usize) -> (usize, usize) {
    let mut s = start.saturating_sub(max);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (end + max).min(text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    // Whole words only: start after a space, end before one.
    if s > 0
        && let Some((i, c)) = text[s..start]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
    {
        s += i + c.len_utf8();
    }
    if e < text.len()
        && let Some(i) = text[end..e].rfind(char::is_whitespace)
    {
        e = end + i;
    }
    (s, e)
}

pub(super) fn valid(text: &str, s: usize, e: usize) -> bool {
    s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
}

/// The numbered spans of every finding, in message and text order, each with its article.
fn numbered_spans(r: &Record) -> Vec<(usize, &Span, &str)> {
    let mut v: Vec<(&Span, &str)> = r
        .findings
        .iter()
        .flat_map(|f| f.spans.iter().map(move |s| (s, f.article.as_str())))
        .collect();
    v.sort_by_key(|(s, _)| (s.message, s.start, s.end));
    v.into_iter()
        .enumerate()
        .map(|(i, (s, a))| (i + 1, s, a))
        .collect()
}

/// A user, system or tool message with the article text it supplied marked (between « »
/// drawn by the style sheet, so the mark survives printing without colour).
pub(super) fn supplied_marked(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(s, e) in ranges {
        let s = s.max(at);
        if !valid(text, s, e) || s >= e {
            continue;
        }
        out.push_str(&esc(&text[at..s]));
        let _ = write!(
            out,
            "<span class=\"supplied\" title=\"text of the article the user supplied\">{}</span>",
            esc(&text[s..e])
        );
        at = e;
    }
    out.push_str(&esc(&text[at.min(text.len())..]));
    out
}

/// Message text with its spans marked (overlaps: the earlier span wins the shared part).
fn marked_text(text: &str, spans: &[(usize, &Span, &str)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (n, s, _) in spans {
        let start = s.start.max(at);
        if !valid(text, start, s.end) || start >= s.end {
            continue;
        }
        out.push_str(&esc(&text[at..start]));
        let _ = write!(
            out,
            "<span class=\"{}\" id=\"s{n}\" title=\"{} span {n}\">{}</span><sup class=\"n\">[{n}]</sup>",
            class(s.label),
            s.label.as_str(),
            esc(&text[start..s.end])
        );
        at = s.end;
    }
    out.push_str(&esc(&text[at.min(text.len())..]));
    out
}

/// The page of one conversation.
pub fn page(r: &Record, articles: &ArticleMap) -> String {
    let c = &r.conversation;
    let name = r.bates.clone().unwrap_or_else(|| c.id.clone());
    let mut s = head(
        &format!("{name} · verbatim export"),
        &page_rules(r.designation.as_deref(), &name),
    );
    s.push_str(&banner(r.designation.as_deref()));
    let _ = writeln!(
        s,
        "<p><a href=\"../index.html\">← all conversations</a></p>"
    );
    let _ = writeln!(s, "<h1>Conversation {}</h1>", esc(&c.id));
    let _ = writeln!(s, "<table class=\"meta\">");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(s, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    };
    if let Some(b) = &r.bates {
        row("Bates", b.clone());
    }
    if let Some(d) = &r.designation {
        row("Designation", d.clone());
    }
    if let Some(t) = &c.title {
        row("Title", t.clone());
    }
    row(
        "Created",
        c.created
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|| "-".into()),
    );
    row("Model", c.model.clone().unwrap_or_else(|| "-".into()));
    row("Turns", r.turns.to_string());
    if r.contents.provenance {
        row("Source", r.source_line());
    }
    if r.contents.coding {
        row("Tags", r.tags.join(", "));
        row("Reviewers", r.reviewers.join(", "));
        row("Note", r.note.clone().unwrap_or_default());
    }
    let _ = writeln!(s, "</table>");

    if !r.findings.is_empty() {
        let _ = writeln!(s, "<h2>Findings</h2>");
        let _ = writeln!(
            s,
            "<p class=\"legend\"><span class=\"rep\">Reproduced</span> in the reply, not in text the user supplied (red, solid underline) · <span class=\"echo\">Echoed</span> text the user supplied first (blue, dotted underline) · «<span class=\"supplied\">Supplied</span>» text of the article the user gave earlier (dashed underline) · [n] numbers each span in the table beside its message</p>"
        );
        let _ = writeln!(
            s,
            "<table><tr><th>Article</th><th>Label</th><th>Longest run (words)</th><th>Reproduced words</th><th>Echoed words</th><th>Article coverage</th></tr>"
        );
        for f in &r.findings {
            let _ = writeln!(
                s,
                "<tr><td>{} <small>[{}]</small></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
                esc(article_label(articles, &f.article)),
                esc(&f.article),
                f.label.as_str(),
                if f.strong { " (strong)" } else { "" },
                f.longest_run_words,
                f.reproduced_words,
                f.echoed_words,
                f.article_coverage * 100.0
            );
        }
        let _ = writeln!(s, "</table>");
    }

    let spans = numbered_spans(r);
    let supplied = r.supplied_ranges(articles);
    let _ = writeln!(s, "<h2>Transcript</h2>");
    for m in &c.messages {
        let role = m.role.as_str();
        let mine: Vec<_> = spans
            .iter()
            .filter(|(_, sp, _)| sp.message == m.index)
            .copied()
            .collect();
        let who = match &m.author {
            Some(a) => format!("{} ({a})", role.to_uppercase()),
            None => role.to_uppercase(),
        };
        let time = m
            .created
            .map(|d| format!(" · {}", d.to_rfc3339()))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<div class=\"msg {role}\"><h3>{}. {}{}</h3>\n<div class=\"text\">{}</div>",
            m.index + 1,
            esc(&who),
            esc(&time),
            match supplied.get(&m.index) {
                // Only earlier, non-assistant messages supply text: they carry no spans.
                Some(ranges) if mine.is_empty() => supplied_marked(&m.text, ranges),
                _ => marked_text(&m.text, &mine),
            }
        );
        if !mine.is_empty() {
            let _ = writeln!(
                s,
                "<table class=\"redline\"><tr><th>#</th><th>In the reply</th><th>In the article</th></tr>"
            );
            for (n, sp, article) in &mine {
                let reply = if valid(&m.text, sp.start, sp.end) {
                    esc(&m.text[sp.start..sp.end])
                } else {
                    String::new()
                };
                // Under redaction the excerpt is masked like the reply it stands beside.
                let shown = |t: &str| {
                    if r.redacted {
                        esc(&super::redact::mask(t).text)
                    } else {
                        esc(t)
                    }
                };
                let art = match articles.get(*article) {
                    Some(a) if valid(&a.text, sp.article_start, sp.article_end) => {
                        let (cs, ce) = around(&a.text, sp.article_start, sp.article_end, 160);
                        format!(
                            "<b>{}</b> <small>[{}]</small><br>{}…<span class=\"{}\">{}</span>…{}",
                            esc(a.title.as_deref().unwrap_or(&a.id)),
                            esc(&a.id),
                            shown(&a.text[cs..sp.article_start]),
                            class(sp.label),
                            shown(&a.text[sp.article_start..sp.article_end]),
                            shown(&a.text[sp.article_end..ce])
                        )
                    }
                    _ => format!(
                        "<small>[{}] (article text not in the matter)</small>",
                        esc(article)
                    ),
                };
                let _ = writeln!(
                    s,
                    "<tr><td class=\"n\"><a href=\"#s{n}\">[{n}]</a><br><small>{} · {} words</small></td><td><span class=\"{}\">{reply}</span></td><td>{art}</td></tr>",
                    sp.label.as_str(),
                    sp.words,
                    class(sp.label)
                );
            }
            let _ = writeln!(s, "</table>");
        }
        let _ = writeln!(s, "</div>");
    }
    s.push_str(&banner(r.designation.as_deref()));
    s.push_str(FOOT);
    s
}

/// The start of the index page.
pub fn index_head(title: &str, designation: Option<&str>) -> String {
    let mut s = head(title, &page_rules(designation, "index"));
    s.push_str(&banner(designation));
    let _ = writeln!(s, "<h1>{}</h1>", esc(title));
    let _ = writeln!(
        s,
        "<table><tr><th>#</th><th>Conversation</th><th>Created</th><th>Model</th><th>Tags</th><th>Longest run</th><th>Articles</th></tr>"
    );
    s
}

/// One row of the index page, linking to the conversation's page at `href`.
pub fn index_row(r: &Record, href: &str, articles: &ArticleMap) -> String {
    let c = &r.conversation;
    format!(
        "<tr><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        r.ordinal,
        esc(href),
        esc(r.bates.as_deref().unwrap_or(&c.id)),
        c.created
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        esc(c.model.as_deref().unwrap_or("")),
        esc(&r.tags.join(", ")),
        r.strongest()
            .map(|f| f.longest_run_words.to_string())
            .unwrap_or_default(),
        // Once per article id, with the id: two articles may share a title.
        esc(&r
            .matched_articles()
            .iter()
            .map(|a| super::record::article_ref(articles, a))
            .collect::<Vec<_>>()
            .join("; "))
    )
}

pub fn index_foot(count: u64, designation: Option<&str>) -> String {
    format!(
        "</table>\n<p>{count} conversations.</p>\n{}{FOOT}",
        banner(designation)
    )
}
