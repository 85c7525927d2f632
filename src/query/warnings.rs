//! Queries that parse and run but almost certainly do not mean what was typed: a tag that is
//! neither in the palette nor on any conversation (`tag:reproduce-article`) finds nothing
//! without a word. The query still runs; the warning says so and names the nearest tag.

use super::ast::{Filter, Node};
use crate::review::{Palette, ReviewState};

/// Warnings about `node`, for the command line (stderr) and the review interface's status.
pub fn warnings(node: &Node, palette: &Palette, review: &ReviewState) -> Vec<String> {
    let mut tags = Vec::new();
    collect_tags(node, &mut tags);
    if tags.is_empty() {
        return Vec::new();
    }
    let used = review.tag_counts();
    let known: Vec<&str> = palette
        .tags
        .iter()
        .map(|t| t.name.as_str())
        .chain(used.keys().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for t in tags {
        if known.contains(&t) {
            continue;
        }
        let near = (1..=3).find_map(|edits| {
            known
                .iter()
                .find(|k| super::pattern::within_edits(t, k, edits))
                .copied()
        });
        out.push(match near {
            Some(n) => format!(
                "tag:{t} is neither in the palette nor on any conversation (did you mean tag:{n}?)"
            ),
            None => format!("tag:{t} is neither in the palette nor on any conversation"),
        });
    }
    out.dedup();
    out
}

fn collect_tags<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match node {
        Node::Filter(Filter::Tag(t)) => out.push(t),
        Node::And(xs) | Node::Or(xs) => xs.iter().for_each(|x| collect_tags(x, out)),
        Node::Not(x) => collect_tags(x, out),
        Node::Near { left, right, .. } => {
            collect_tags(left, out);
            collect_tags(right, out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tags_warn_with_the_nearest() {
        let palette = Palette::default();
        let review = ReviewState::default();
        let w = |q: &str| warnings(&crate::query::parse(q).unwrap(), &palette, &review);
        let got = w("iran AND -tag:reproduce-article");
        assert_eq!(got.len(), 1);
        assert!(
            got[0].contains("did you mean tag:reproduces-article"),
            "{got:?}"
        );
        assert!(w("tag:hot OR tag:echo-only").is_empty());
        assert!(!w("tag:zzzzzzzzzz")[0].contains("did you mean"));
    }
}
