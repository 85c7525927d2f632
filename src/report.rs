//! Search term reports: for a list of terms (any query each), the documents each hits, the
//! documents only it hits, and the documents any of them hits. The figures litigants compare
//! in meet-and-confer.

use std::collections::HashSet;

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::DocAddress;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query};

use crate::index::ConvIndex;
use crate::query::{self, compile::Env};

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TermRow {
    /// 1-based line of the terms file.
    pub line: usize,
    pub term: String,
    /// Conversations the term hits (None when it does not parse).
    pub documents: Option<u64>,
    /// Conversations hit by this term and no other.
    pub unique: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Report {
    pub rows: Vec<TermRow>,
    /// Conversations hit by at least one term.
    pub any: u64,
    pub within: Option<String>,
    /// Conversations the `within` query selects (all when none).
    pub universe: u64,
}

/// The dialect a terms file names in a comment line `# syntax: westlaw` (before its first
/// term), if any.
pub fn syntax_line(text: &str) -> Result<Option<query::Dialect>> {
    let mut seen_term = false;
    let mut found = None;
    for (n, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        let Some(comment) = l.strip_prefix('#') else {
            seen_term = true;
            continue;
        };
        // `# syntax: westlaw`, `# Syntax westlaw`, `#syntax=lexis`.
        let c = comment.trim();
        let Some(rest) = c
            .get(..6)
            .filter(|k| k.eq_ignore_ascii_case("syntax"))
            .map(|_| &c[6..])
        else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with([':', '=', ' ', '\t']) {
            continue;
        }
        let name = rest.trim_start_matches([':', '=', ' ', '\t']).trim();
        let d = query::Dialect::parse(name).with_context(|| {
            format!(
                "line {}: \"{l}\": the syntax is dtsearch, westlaw or lexis",
                n + 1
            )
        })?;
        if seen_term {
            anyhow::bail!(
                "line {}: \"{l}\" comes after a term; a syntax line goes before the first term",
                n + 1
            );
        }
        if found.is_some_and(|f| f != d) {
            anyhow::bail!("line {}: a second syntax line names another syntax", n + 1);
        }
        found = Some(d);
    }
    Ok(found)
}

/// Reads a terms file: one query per line; blank lines and lines starting with `#` are
/// skipped (their line numbers still count).
pub fn read_terms(text: &str) -> Vec<(usize, String)> {
    // A byte-order mark (as Notepad saves) is not part of the first line.
    text.trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim().to_string()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

pub fn run(
    index: &ConvIndex,
    lookups: crate::search::Lookups,
    terms: &[(usize, String)],
    within: Option<&str>,
    opts: &query::QueryOptions,
) -> Result<Report> {
    let searcher = index.searcher();
    let env = Env::new(&index.fields, &searcher, lookups.review)
        .with_findings(lookups.findings)
        .with_matter(lookups.matter_dir);
    let within_q: Option<Box<dyn Query>> = match within {
        Some(w) => {
            let node = query::parse_with(w, opts).context("--within")?;
            Some(query::compile::compile(&node, &env)?)
        }
        None => None,
    };
    let universe = match &within_q {
        Some(q) => searcher.search(q.as_ref(), &tantivy::collector::Count)?,
        None => searcher.num_docs() as usize,
    } as u64;
    let mut sets: Vec<Option<HashSet<DocAddress>>> = Vec::with_capacity(terms.len());
    let mut rows = Vec::with_capacity(terms.len());
    for (line, term) in terms {
        let compiled = query::parse_with(term, opts)
            .map_err(|e| e.to_string())
            .and_then(|n| query::compile::compile(&n, &env).map_err(|e| format!("{e:#}")));
        match compiled {
            Ok(q) => {
                let q: Box<dyn Query> = match &within_q {
                    Some(w) => Box::new(BooleanQuery::new(vec![
                        (Occur::Must, q),
                        (Occur::Must, w.box_clone()),
                    ])),
                    None => q,
                };
                let docs = searcher
                    .search(q.as_ref(), &DocSetCollector)
                    .with_context(|| format!("term on line {line} failed"))?;
                rows.push(TermRow {
                    line: *line,
                    term: term.clone(),
                    documents: Some(docs.len() as u64),
                    unique: None,
                    error: None,
                });
                sets.push(Some(docs));
            }
            Err(e) => {
                rows.push(TermRow {
                    line: *line,
                    term: term.clone(),
                    documents: None,
                    unique: None,
                    error: Some(e),
                });
                sets.push(None);
            }
        }
    }
    // How many terms hit each document.
    let mut hits: std::collections::HashMap<DocAddress, u32> = std::collections::HashMap::new();
    for s in sets.iter().flatten() {
        for d in s {
            *hits.entry(*d).or_default() += 1;
        }
    }
    for (row, set) in rows.iter_mut().zip(&sets) {
        if let Some(s) = set {
            row.unique = Some(s.iter().filter(|d| hits.get(d) == Some(&1)).count() as u64);
        }
    }
    Ok(Report {
        rows,
        any: hits.len() as u64,
        within: within.map(str::to_string),
        universe,
    })
}

/// One CSV field, quoted when needed.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(['=', '+', '-', '@']) {
        // A leading formula character is neutralised so a spreadsheet shows text.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV, after `#` comment lines stating what it was run on.
pub fn to_csv(report: &Report, header_lines: &[String]) -> String {
    let mut out = String::new();
    for h in header_lines {
        out.push_str("# ");
        out.push_str(h);
        out.push('\n');
    }
    out.push_str("line,term,documents,unique_documents,error\n");
    for r in &report.rows {
        let n = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            r.line,
            csv_field(&crate::textfmt::visible_line(&r.term)),
            n(r.documents),
            n(r.unique),
            csv_field(&crate::textfmt::visible_line(
                r.error.as_deref().unwrap_or("")
            ))
        ));
    }
    out.push_str(&format!(",(any term),{},,\n", report.any));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_file_and_csv_quoting() {
        let t = read_terms("apple\n\n# comment\n\"a, b\"\n");
        assert_eq!(
            t,
            vec![(1, "apple".to_string()), (4, "\"a, b\"".to_string())]
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("-tag:x"), "\"'-tag:x\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
