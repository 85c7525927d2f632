//! Groups from confirmed pairs, around principals as review platforms form them: the longest
//! unit not yet in a group leads one and takes every unit not yet in a group that is near it,
//! so every member is at the threshold or above against its principal (single linkage would
//! chain members that share little with each other).
//!
//! A unit whose neighbours were all taken by other groups is left over, though it may be
//! near their principal or near other units left over: a large bucket of one band key
//! proposes pairs with a few anchors only, so 700 identical replies may each be paired with
//! the anchors alone. Left-over units join the group of a neighbour whose principal they are
//! near, then the rest are compared among themselves and grouped, for a few rounds.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::build::{NO_MESSAGE, Unit, candidates};
use super::{Group, Member, minhash};

/// Rounds of grouping the units left over.
const ROUNDS: usize = 4;

/// Each unit's confirmed neighbours with their similarity.
type Near = HashMap<u32, Vec<(u32, f64)>>;
/// A group as unit numbers with their similarity to the principal (first, at 1).
type Units = Vec<(u32, f64)>;

/// What the gathering reads.
pub(super) struct Input<'a> {
    pub units: &'a [Unit],
    /// Conversation ids, by `Unit::conv`.
    pub ids: &'a [String],
    /// A unit's shingles, sorted.
    pub set: &'a (dyn Fn(u32) -> Vec<u32> + Sync),
    pub threshold: f64,
}

/// The groups (largest first, members by similarity), and how many pairs the rounds for the
/// units left over confirmed.
pub(super) fn gather(inp: &Input, confirmed: Vec<(u32, u32, f64)>) -> (Vec<Group>, usize) {
    let mut taken: HashSet<u32> = HashSet::new();
    let mut near = near_map(&confirmed);
    drop(confirmed);
    let mut groups = principals(inp, &near, &mut taken);
    let mut extra = 0;
    for _ in 0..ROUNDS {
        let mut left: Vec<u32> = near
            .keys()
            .copied()
            .filter(|u| !taken.contains(u))
            .collect();
        if left.is_empty() {
            break;
        }
        left.sort_unstable();
        let group_of: HashMap<u32, usize> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, m)| m.iter().map(move |&(u, _)| (u, g)))
            .collect();
        let joins: Vec<(u32, usize, f64)> = left
            .par_iter()
            .filter_map(|&y| {
                // Only principals that share a band key with it (as any candidate pair does):
                // the others are almost never near, and reading them costs the most.
                let bands = &inp.units[y as usize].bands;
                let mut gs: Vec<usize> = near[&y]
                    .iter()
                    .filter_map(|(n, _)| group_of.get(n).copied())
                    .filter(|&g| {
                        let p = &inp.units[groups[g][0].0 as usize].bands;
                        p.iter().zip(bands).any(|(a, b)| a == b)
                    })
                    .collect();
                gs.sort_unstable();
                gs.dedup();
                let mine = (inp.set)(y);
                let mut best: Option<(usize, f64)> = None;
                for g in gs {
                    let j = minhash::jaccard(&mine, &(inp.set)(groups[g][0].0));
                    if j >= inp.threshold && best.is_none_or(|(_, b)| j > b) {
                        best = Some((g, j));
                    }
                }
                best.map(|(g, j)| (y, g, j))
            })
            .collect();
        for &(y, g, j) in &joins {
            groups[g].push((y, j));
            taken.insert(y);
        }
        let rest: Vec<u32> = left.into_iter().filter(|u| !taken.contains(u)).collect();
        if rest.len() < 2 {
            break;
        }
        let sub: Vec<Unit> = rest.iter().map(|&u| inp.units[u as usize]).collect();
        let found: Vec<(u32, u32, f64)> = candidates(&sub, 0)
            .par_iter()
            .filter_map(|&(x, y)| {
                let (x, y) = (rest[x as usize], rest[y as usize]);
                let j = minhash::jaccard(&(inp.set)(x), &(inp.set)(y));
                (j >= inp.threshold).then_some((x, y, j))
            })
            .collect();
        extra += found.len();
        near = near_map(&found);
        let more = principals(inp, &near, &mut taken);
        if more.is_empty() {
            break;
        }
        groups.extend(more);
    }
    (finish(inp, groups), extra)
}

fn near_map(pairs: &[(u32, u32, f64)]) -> Near {
    let mut near: Near = HashMap::new();
    for &(x, y, j) in pairs {
        near.entry(x).or_default().push((y, j));
        near.entry(y).or_default().push((x, j));
    }
    near
}

/// Groups led by the longest units of `near` not yet taken, each taking its neighbours not
/// yet taken.
fn principals(inp: &Input, near: &Near, taken: &mut HashSet<u32>) -> Vec<Units> {
    let units = inp.units;
    let mut order: Vec<u32> = near
        .keys()
        .copied()
        .filter(|u| !taken.contains(u))
        .collect();
    order.sort_by(|&a, &b| {
        let (ua, ub) = (&units[a as usize], &units[b as usize]);
        ub.words
            .cmp(&ua.words)
            .then(inp.ids[ua.conv as usize].cmp(&inp.ids[ub.conv as usize]))
            .then(ua.message.cmp(&ub.message))
    });
    let mut out = Vec::new();
    for &p in &order {
        if taken.contains(&p) {
            continue;
        }
        let others: Units = near[&p]
            .iter()
            .filter(|(i, _)| !taken.contains(i))
            .copied()
            .collect();
        if others.is_empty() {
            continue;
        }
        taken.insert(p);
        taken.extend(others.iter().map(|&(i, _)| i));
        let mut g = vec![(p, 1.0)];
        g.extend(others);
        out.push(g);
    }
    out
}

/// Groups of members, each sorted by similarity, largest groups first.
fn finish(inp: &Input, groups: Vec<Units>) -> Vec<Group> {
    let member = |(i, similarity): (u32, f64)| {
        let u = &inp.units[i as usize];
        Member {
            conversation: inp.ids[u.conv as usize].clone(),
            message: (u.message != NO_MESSAGE).then_some(u.message),
            words: u.words as usize,
            similarity,
        }
    };
    let mut out: Vec<Vec<Member>> = groups
        .into_iter()
        .map(|g| {
            let mut it = g.into_iter();
            let mut members: Vec<Member> = it.next().into_iter().map(member).collect();
            let mut others: Vec<Member> = it.map(member).collect();
            others.sort_by(|a, b| {
                b.similarity
                    .total_cmp(&a.similarity)
                    .then(a.conversation.cmp(&b.conversation))
                    .then(a.message.cmp(&b.message))
            });
            members.extend(others);
            members
        })
        .collect();
    out.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then(a[0].conversation.cmp(&b[0].conversation))
            .then(a[0].message.cmp(&b[0].message))
    });
    out.into_iter()
        .map(|members| Group {
            id: String::new(),
            members,
        })
        .collect()
}
