//! Transcripts as plain text and Markdown: a header (id, dates, model, tags, note), the
//! findings summarised, then every message with its role and time.

use std::fmt::Write;

use super::record::{ArticleMap, Record, article_label};
use crate::model::Message;

fn when(d: Option<chrono::DateTime<chrono::Utc>>) -> String {
    d.map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "-".into())
}

fn who(m: &Message) -> String {
    match &m.author {
        Some(a) => format!("{} ({a})", m.role.as_str().to_uppercase()),
        None => m.role.as_str().to_uppercase(),
    }
}

/// One line per finding: label, article, longest run, reproduced and echoed words.
fn finding_lines(r: &Record, articles: &ArticleMap) -> Vec<String> {
    r.findings
        .iter()
        .map(|f| {
            format!(
                "{}{}: \"{}\" [{}]; longest run {} words ({} chars), {} words reproduced, {} echoed, {:.1}% of the article",
                f.label.as_str(),
                if f.strong { " (strong)" } else { "" },
                article_label(articles, &f.article),
                f.article,
                f.longest_run_words,
                f.longest_run_chars,
                f.reproduced_words,
                f.echoed_words,
                f.article_coverage * 100.0
            )
        })
        .collect()
}

fn header_fields(r: &Record) -> Vec<(&'static str, String)> {
    let c = &r.conversation;
    let mut v = vec![("Conversation", c.id.clone())];
    if let Some(b) = &r.bates {
        v.push(("Bates", b.clone()));
    }
    if let Some(t) = &c.title {
        v.push(("Title", t.clone()));
    }
    v.push(("Created", when(c.created)));
    v.push(("Model", c.model.clone().unwrap_or_else(|| "-".into())));
    v.push(("Turns", r.turns.to_string()));
    if r.contents.provenance {
        v.push(("Source", r.source_line()));
    }
    if r.contents.coding {
        v.push(("Tags", r.tags.join(", ")));
        if !r.reviewers.is_empty() {
            v.push(("Reviewers", r.reviewers.join(", ")));
        }
        if let Some(n) = &r.note {
            v.push(("Note", n.clone()));
        }
    }
    v
}

/// The plain-text transcript (also the TEXT/ file of a production). Its first and last
/// lines are the designation, when it has one.
pub fn text(r: &Record, articles: &ArticleMap) -> String {
    let mut s = String::new();
    stamp(&mut s, r);
    for (k, v) in header_fields(r) {
        let _ = writeln!(s, "{k}: {}", v.replace('\n', "\n    "));
    }
    let findings = finding_lines(r, articles);
    if !findings.is_empty() {
        let _ = writeln!(s, "Findings:");
        for f in findings {
            let _ = writeln!(s, "  - {f}");
        }
    }
    for m in &r.conversation.messages {
        let _ = writeln!(s);
        let time = m.created.map(|_| format!("  {}", when(m.created)));
        let _ = writeln!(
            s,
            "--- [{}] {}{} ---",
            m.index + 1,
            who(m),
            time.unwrap_or_default()
        );
        let _ = writeln!(s, "{}", m.text);
    }
    if r.designation.is_some() {
        let _ = writeln!(s);
        stamp(&mut s, r);
    }
    s
}

/// The designation line that opens and closes every transcript file.
fn stamp(s: &mut String, r: &Record) {
    if let Some(d) = &r.designation {
        let _ = writeln!(s, "{d}");
    }
}

/// The Markdown transcript. Message text is indented as a block quote so that Markdown in a
/// reply renders as the reader saw it, while roles stay headings.
pub fn markdown(r: &Record, articles: &ArticleMap) -> String {
    let mut s = String::new();
    if let Some(d) = &r.designation {
        let _ = writeln!(s, "**{}**\n", md_escape(d));
    }
    let _ = writeln!(s, "# Conversation {}\n", md_escape(r.id()));
    for (k, v) in header_fields(r).into_iter().skip(1) {
        let _ = writeln!(s, "- **{k}:** {}", md_escape(&v.replace('\n', " ")));
    }
    let findings = finding_lines(r, articles);
    if !findings.is_empty() {
        let _ = writeln!(s, "\n## Findings\n");
        for f in findings {
            let _ = writeln!(s, "- {}", md_escape(&f));
        }
    }
    let _ = writeln!(s, "\n## Transcript");
    for m in &r.conversation.messages {
        let time = m
            .created
            .map(|_| format!(" · {}", when(m.created)))
            .unwrap_or_default();
        let _ = writeln!(s, "\n### {}. {}{}\n", m.index + 1, who(m), time);
        for line in m.text.lines() {
            if line.is_empty() {
                let _ = writeln!(s, ">");
            } else {
                let _ = writeln!(s, "> {line}");
            }
        }
    }
    if let Some(d) = &r.designation {
        let _ = writeln!(s, "\n**{}**", md_escape(d));
    }
    s
}

/// Escapes characters Markdown would read as formatting in a one-line value.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
