//! Near-duplicate groups in the interface: the result list folded to one row per group (the
//! group's first member among the results stands for it, with the number it stands for), the
//! group column of a row, and a member's words that differ from its principal.

use std::collections::{HashMap, HashSet};

use anyhow::Result;

use crate::groups::diff::{self, Marks};
use crate::groups::place::Placed;
use crate::model::Conversation;

/// A result list folded by group.
#[derive(Debug, Default)]
pub struct Fold {
    /// Matching members a group's shown row stands for.
    pub hidden: Vec<String>,
    /// Shown rows that stand for a group: (group, matching conversations of the group).
    pub shown: HashMap<String, (String, usize)>,
}

/// Folds the matching grouped conversations: in each group (largest first) the first member
/// that matches (the principal when it does, else the most similar) is shown and the other
/// matching members are hidden behind it. A conversation shown for one group (reply scope
/// puts a conversation in several) is never hidden by another.
pub fn fold(placed: &Placed, matching: &[String]) -> Fold {
    let matching: HashSet<&str> = matching.iter().map(String::as_str).collect();
    let mut out = Fold::default();
    let mut hidden: HashSet<&str> = HashSet::new();
    for g in &placed.groups.groups {
        let mut seen = HashSet::new();
        let members: Vec<&str> = g
            .members
            .iter()
            .map(|m| m.conversation.as_str())
            .filter(|c| matching.contains(c) && seen.insert(*c))
            .collect();
        let Some(&first) = members.first() else {
            continue;
        };
        let rep = members
            .iter()
            .copied()
            .find(|c| out.shown.contains_key(*c))
            .unwrap_or(first);
        hidden.remove(rep);
        out.shown
            .entry(rep.to_string())
            .or_insert_with(|| (g.id.clone(), members.len()));
        for c in members {
            if c != rep && !out.shown.contains_key(c) {
                hidden.insert(c);
            }
        }
    }
    out.hidden = hidden.into_iter().map(String::from).collect();
    out.hidden.sort_unstable();
    out
}

/// What the list shows of a row's group.
#[derive(Debug, Clone, PartialEq)]
pub struct RowGroup {
    pub id: String,
    pub principal: bool,
    pub similarity: f64,
    /// Folded: the matching conversations of the group this row stands for.
    pub folded: Option<usize>,
}

impl RowGroup {
    /// The list's group column: `G000012 ×37` folded, else `G000012 P` or `G000012 .93`.
    pub fn label(&self) -> String {
        match self.folded {
            Some(n) if n > 1 => format!("{} ×{n}", self.id),
            _ if self.principal => format!("{} P", self.id),
            _ => format!("{} {:.2}", self.id, self.similarity)
                .replace(" 0.", " .")
                .replace(" 1.00", " 1.0"),
        }
    }
}

pub fn row_group(placed: &Placed, id: &str, fold: Option<&Fold>) -> Option<RowGroup> {
    let folded = fold.and_then(|f| f.shown.get(id));
    let place = match folded {
        Some((g, _)) => placed.places(id).into_iter().find(|p| &p.group.id == g),
        None => placed.first(id),
    }?;
    Some(RowGroup {
        id: place.group.id.clone(),
        principal: place.is_principal(),
        similarity: place.similarity(),
        folded: folded.map(|(_, n)| *n),
    })
}

/// A member's comparison with its principal, for the transcript.
#[derive(Debug, Clone)]
pub struct DiffView {
    pub group: String,
    pub principal: String,
    pub similarity: f64,
    /// Words of this conversation not in the principal, per message.
    pub marks: Marks,
    /// Reply scope: the reply compared (message position).
    pub message: Option<u32>,
}

/// The diff of `conv` against the principal of the first group it is a member (not the
/// principal) of; `load` fetches the principal.
pub fn diff_view(
    placed: &Placed,
    conv: &Conversation,
    load: impl Fn(&str) -> Result<Option<Conversation>>,
) -> Result<Option<DiffView>> {
    let Some(place) = placed
        .places(&conv.id)
        .into_iter()
        .find(|p| !p.is_principal() && p.group.members[0].conversation != conv.id)
    else {
        return Ok(None);
    };
    let lead = &place.group.members[0];
    let Some(principal) = load(&lead.conversation)? else {
        return Ok(None);
    };
    let member = &place.group.members[place.member];
    let a = texts(conv, member.message);
    let b = texts(&principal, lead.message);
    Ok(Some(DiffView {
        group: place.group.id.clone(),
        principal: lead.conversation.clone(),
        similarity: member.similarity,
        marks: diff::marks(&a, &b),
        message: member.message,
    }))
}

/// The texts compared: every message, or the one reply (reply scope).
fn texts(c: &Conversation, only: Option<u32>) -> Vec<(u32, &str)> {
    c.messages
        .iter()
        .filter(|m| only.is_none_or(|k| m.index == k))
        .map(|m| (m.index, m.text.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::{Group, Groups, Member, Params, Scope};

    fn placed() -> Placed {
        let m = |c: &str, s: f64| Member {
            conversation: c.into(),
            message: None,
            words: 50,
            similarity: s,
        };
        Placed::new(Groups {
            params: Params {
                threshold: 0.8,
                scope: Scope::Conversation,
                min_words: 20,
                shingle_words: 5,
                hashes: 128,
                bands: 21,
                rows: 6,
            },
            built: chrono::Utc::now(),
            by: "t".into(),
            units: 10,
            pairs: 4,
            groups: vec![
                Group {
                    id: "G000001".into(),
                    members: vec![m("p1", 1.0), m("a", 0.95), m("b", 0.9)],
                },
                Group {
                    id: "G000002".into(),
                    members: vec![m("p2", 1.0), m("c", 0.85)],
                },
            ],
        })
    }

    #[test]
    fn one_row_stands_for_each_group() {
        let p = placed();
        let ids: Vec<String> = ["a", "b", "p2", "c", "x"].map(String::from).to_vec();
        let f = fold(&p, &ids);
        // p1 does not match: the most similar matching member stands for G000001.
        assert_eq!(f.shown["a"], ("G000001".to_string(), 2));
        assert_eq!(f.shown["p2"], ("G000002".to_string(), 2));
        assert_eq!(f.hidden, vec!["b", "c"]);
        let r = row_group(&p, "a", Some(&f)).unwrap();
        assert_eq!(r.label(), "G000001 ×2");
        assert_eq!(row_group(&p, "c", None).unwrap().label(), "G000002 .85");
        assert!(row_group(&p, "x", None).is_none());
    }
}
