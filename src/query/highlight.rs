//! Where a query's words and phrases occur in a conversation: byte ranges per message. Only
//! positive clauses mark text; what sits under a NOT marks nothing.

use super::ast::Node;
use super::budget::{Budget, Exceeded, Limits, Meter};
use super::span::{self, Leaf, SpanExpr};
use crate::index::analyzer::{self, TextMode};
use crate::model::{Conversation, Role};

/// Byte ranges of hits in one message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MessageHits {
    pub message: u32,
    pub ranges: Vec<(usize, usize)>,
}

fn field_of(role: Role) -> &'static str {
    match role {
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::System => "system",
        Role::Tool => "tool",
    }
}

/// The positive positional parts of a query (those not under a NOT), each as an expression
/// for the position matcher.
fn matchers(node: &Node, out: &mut Vec<(SpanExpr, Vec<Leaf>)>) {
    match node {
        Node::And(xs) | Node::Or(xs) => xs.iter().for_each(|x| matchers(x, out)),
        Node::Weight { node, .. } => matchers(node, out),
        Node::Phrase { .. } | Node::Near { .. } => {
            let mut leaves = Vec::new();
            if let Some(e) = span::build(node, &mut leaves) {
                out.push((e, leaves));
            }
        }
        _ => {}
    }
}

/// Hits of `query` in each message of `conv` (messages without hits are left out). The same
/// matcher as the index decides, so only words that satisfy a phrase or proximity are marked.
pub fn hits(query: &Node, conv: &Conversation, mode: TextMode) -> Vec<MessageHits> {
    // Marking hits is for display: a query too costly to mark in full gets no marks after a
    // bounded effort (the search itself already ran under its own budget).
    let budget = Budget::new(Limits {
        max_steps: 50_000_000,
        max_time: std::time::Duration::from_secs(2),
        ..Limits::default()
    });
    hits_metered(query, conv, mode, &mut budget.meter("")).unwrap_or_default()
}

/// [`hits`] counted against a query's budget: stops when it is spent or cancelled.
pub fn hits_metered(
    query: &Node,
    conv: &Conversation,
    mode: TextMode,
    meter: &mut Meter,
) -> Result<Vec<MessageHits>, Exceeded> {
    let mut ms = Vec::new();
    matchers(query, &mut ms);
    if ms.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for m in &conv.messages {
        let field = field_of(m.role);
        if !ms
            .iter()
            .any(|(_, leaves)| leaves.iter().any(|l| l.scope.covers(field)))
        {
            continue;
        }
        let toks = analyzer::tokenize_with_positions(&m.text, mode);
        let mut ranges = Vec::new();
        for (expr, leaves) in &ms {
            let positions: Vec<Vec<u32>> = leaves
                .iter()
                .map(|l| {
                    if !l.scope.covers(field) {
                        return Vec::new();
                    }
                    toks.iter()
                        .filter(|t| l.pattern.matches(&t.0))
                        .map(|t| t.2)
                        .collect()
                })
                .collect();
            meter.tick(toks.len() as u64)?;
            for sp in span::eval(expr, &positions, meter)? {
                for (a, b) in sp.marks {
                    let start = toks.partition_point(|t| t.2 < a);
                    let end = toks.partition_point(|t| t.2 <= b);
                    // Words only: a boundary mark alone (xlastword) marks no text.
                    if start < end && toks[start].1.start < toks[end - 1].1.end {
                        ranges.push((toks[start].1.start, toks[end - 1].1.end));
                    }
                }
            }
        }
        if ranges.is_empty() {
            continue;
        }
        ranges.sort_unstable();
        // Merge overlapping ranges so each byte is marked once.
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
                _ => merged.push(r),
            }
        }
        out.push(MessageHits {
            message: m.index,
            ranges: merged,
        });
    }
    Ok(out)
}

/// A one-line excerpt of `text` around `ranges`, at most about `width` bytes, with the ranges
/// that fall inside it re-based onto the excerpt. Line breaks become spaces (same length).
pub fn snippet(
    text: &str,
    ranges: &[(usize, usize)],
    width: usize,
) -> (String, Vec<(usize, usize)>) {
    let first = ranges.first().map(|r| r.0).unwrap_or(0);
    let mut start = first.saturating_sub(width / 3);
    let mut end = (start + width).min(text.len());
    if end == text.len() {
        start = end.saturating_sub(width);
    }
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // Start and end at word boundaries when one is near.
    if start > 0
        && let Some(sp) = text[start..first.max(start)].find(' ')
    {
        start += sp + 1;
    }
    if end < text.len()
        && let Some(sp) = text[start..end].rfind(' ')
        && start + sp > first
    {
        end = start + sp;
    }
    let body: String = text[start..end]
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let (prefix, suffix) = (
        if start > 0 { "…" } else { "" },
        if end < text.len() { "…" } else { "" },
    );
    let shift = prefix.len();
    let rel = ranges
        .iter()
        .filter(|r| r.0 >= start && r.1 <= end)
        .map(|r| (r.0 - start + shift, r.1 - start + shift))
        .collect();
    (format!("{prefix}{body}{suffix}"), rel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Message, SourceRef};

    fn conv(texts: &[(Role, &str)]) -> Conversation {
        Conversation {
            id: "c".into(),
            source: SourceRef {
                file: "f".into(),
                record: 1,
            },
            title: None,
            created: None,
            model: None,
            language: None,
            messages: texts
                .iter()
                .enumerate()
                .map(|(i, (r, t))| Message {
                    index: i as u32,
                    role: *r,
                    author: None,
                    created: None,
                    text: t.to_string(),
                })
                .collect(),
            metadata: Default::default(),
            family: None,
        }
    }

    #[test]
    fn marks_phrases_not_negations() {
        let c = conv(&[
            (Role::User, "Apple pie and apple tart"),
            (Role::Assistant, "I like pie. Apple pie!"),
        ]);
        let q = super::super::parse("\"apple pie\" NOT tart");
        let h = hits(&q.unwrap(), &c, TextMode::Standard);
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].ranges, vec![(0, 9)]);
        assert_eq!(h[1].ranges, vec![(12, 21)]);
        let q = super::super::parse("assistant:pie").unwrap();
        let h = hits(&q, &c, TextMode::Standard);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].message, 1);
    }

    #[test]
    fn snippet_rebases_ranges() {
        let text = "one two three four five six seven eight nine ten";
        let at = text.find("five").unwrap();
        let (s, r) = snippet(text, &[(at, at + 4)], 20);
        let (a, b) = r[0];
        assert_eq!(&s[a..b], "five");
    }
}
