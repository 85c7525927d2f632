//! Coding a near-duplicate group from its principal, and the variance report. Nothing is
//! propagated silently: coding a group is one explicit bulk event that names the group, its
//! principal and the similarity floor the reviewer chose (so one undo reverts it), and the
//! variance report lists the groups whose members were coded differently.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Value, json};

use super::{Group, Groups};
use crate::review::ReviewState;

/// The groups `conversation` leads (reply scope: one per reply it leads).
pub fn led_by<'a>(groups: &'a Groups, conversation: &str) -> Vec<&'a Group> {
    groups
        .groups
        .iter()
        .filter(|g| g.members[0].conversation == conversation)
        .collect()
}

/// The group with this id (case-insensitive).
pub fn find<'a>(groups: &'a Groups, id: &str) -> Option<&'a Group> {
    let want = id.trim().to_ascii_uppercase();
    groups.groups.iter().find(|g| g.id == want)
}

/// The other conversations of the group at `floor` similarity or above, once each, in the
/// group's order (most similar first). The principal's own conversation is never a target.
pub fn targets(group: &Group, floor: f64) -> Vec<String> {
    let principal = &group.members[0].conversation;
    let mut seen = BTreeSet::new();
    group.members[1..]
        .iter()
        .filter(|m| m.similarity + 1e-9 >= floor && &m.conversation != principal)
        .filter(|m| seen.insert(m.conversation.as_str()))
        .map(|m| m.conversation.clone())
        .collect()
}

/// How many other conversations stand at each common floor: what the offer shows.
pub fn floors(group: &Group) -> Vec<(f64, usize)> {
    [1.0, 0.95, 0.9, 0.85, 0.8]
        .into_iter()
        .map(|f| (f, targets(group, f).len()))
        .collect()
}

/// The `via` of a group coding event: the group, its principal and the floor.
pub fn via(group: &Group, floor: f64) -> Value {
    json!({
        "group": group.id,
        "principal": group.members[0].conversation,
        "min_similarity": floor,
    })
}

/// One group whose members carry different coding.
#[derive(Debug, Clone, Serialize)]
pub struct Variance {
    pub group: String,
    pub principal: String,
    /// Conversations in the group.
    pub conversations: usize,
    /// Each distinct coding (its tags joined by `+`, or `uncoded`) and the conversations
    /// carrying it, most common first.
    pub codings: Vec<(String, Vec<String>)>,
    /// Two or more different codings (not only coded against uncoded).
    pub conflicting: bool,
}

/// Groups whose members are coded differently. With `include_uncoded`, also the groups
/// whose members are all coded alike but some are not coded at all.
pub fn variance(groups: &Groups, state: &ReviewState, include_uncoded: bool) -> Vec<Variance> {
    let mut out = Vec::new();
    for g in &groups.groups {
        let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for m in &g.members {
            if !seen.insert(m.conversation.as_str()) {
                continue;
            }
            let key = match state.get(&m.conversation) {
                Some(c) if !c.tags.is_empty() => {
                    c.tags.iter().cloned().collect::<Vec<_>>().join("+")
                }
                _ => "uncoded".to_string(),
            };
            by.entry(key).or_default().push(m.conversation.clone());
        }
        let coded = by.keys().filter(|k| *k != "uncoded").count();
        let conflicting = coded > 1;
        let partly = coded == 1 && by.contains_key("uncoded");
        if !(conflicting || include_uncoded && partly) {
            continue;
        }
        let mut codings: Vec<(String, Vec<String>)> = by.into_iter().collect();
        codings.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        out.push(Variance {
            group: g.id.clone(),
            principal: g.members[0].conversation.clone(),
            conversations: seen.len(),
            codings,
            conflicting,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::Member;

    fn group() -> Group {
        let m = |c: &str, s: f64| Member {
            conversation: c.into(),
            message: None,
            words: 100,
            similarity: s,
        };
        Group {
            id: "G000001".into(),
            members: vec![
                m("p", 1.0),
                m("a", 0.97),
                m("p", 0.95),
                m("b", 0.9),
                m("c", 0.82),
            ],
        }
    }

    #[test]
    fn targets_leave_out_the_principal_and_repeats() {
        let g = group();
        assert_eq!(targets(&g, 0.9), vec!["a", "b"]);
        assert_eq!(targets(&g, 0.8), vec!["a", "b", "c"]);
        assert!(targets(&g, 0.99).is_empty());
        assert_eq!(floors(&g)[2], (0.9, 2));
    }
}
