//! Near-duplicate groups: conversations (or assistant replies) whose 5-word shingle sets have
//! a Jaccard similarity at or above a threshold, found by MinHash banding and confirmed
//! exactly, gathered around principals (the longest first, as review platforms choose them):
//! every member is near its principal, with its similarity to it. Kept in `groups.json` with the parameters
//! they were built with.

pub mod coding;
pub mod diff;
pub mod minhash;
pub mod place;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::index::ConvIndex;
use crate::model::Role;

/// What is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Whole conversations (every message's text).
    Conversation,
    /// Each assistant reply on its own.
    Reply,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "conversation" => Some(Scope::Conversation),
            "reply" => Some(Scope::Reply),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub threshold: f64,
    pub scope: Scope,
    /// Units with fewer words are not grouped (a one-line "ok" is no evidence of copying).
    #[serde(default)]
    pub min_words: usize,
    pub shingle_words: usize,
    pub hashes: usize,
    pub bands: usize,
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub conversation: String,
    /// The reply's message number (reply scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<u32>,
    pub words: usize,
    /// Exact Jaccard similarity of its shingles to the principal's (1 for the principal).
    pub similarity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    /// The principal first, then the others by similarity (highest first).
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Groups {
    pub params: Params,
    pub built: DateTime<Utc>,
    pub by: String,
    /// Units compared (conversations or replies with at least one word).
    pub units: usize,
    /// Pairs confirmed at or above the threshold.
    pub pairs: usize,
    pub groups: Vec<Group>,
}

/// One compared unit.
struct Unit {
    conversation: String,
    message: Option<u32>,
    words: usize,
    shingles: Vec<u64>,
}

/// Buckets larger than this compare their members to a few anchors only (boilerplate that
/// thousands of replies share would otherwise cost every pair).
const FULL_BUCKET: usize = 64;
const ANCHORS: usize = 4;

/// Builds the groups of the matter's index.
pub fn build(
    index: &ConvIndex,
    threshold: f64,
    scope: Scope,
    min_words: usize,
    by: &str,
    cancel: &AtomicBool,
) -> Result<Groups> {
    if !(0.0..=1.0).contains(&threshold) || threshold < 0.05 {
        bail!("the threshold is a similarity from 0.05 to 1 (0.8: 80 % of shingles shared)");
    }
    let searcher = index.searcher();
    let addrs = ConvIndex::doc_addresses(&searcher);
    let mut units: Vec<Unit> = Vec::new();
    for chunk in addrs.chunks(4096) {
        if cancel.load(Ordering::Relaxed) {
            bail!("interrupted; the previous groups are unchanged");
        }
        let part: Vec<Result<Vec<Unit>>> = chunk
            .par_iter()
            .map(|a| {
                let conv = index.load(&searcher, *a)?;
                let texts: Vec<(Option<u32>, String)> = match scope {
                    Scope::Conversation => vec![(
                        None,
                        conv.messages
                            .iter()
                            .map(|m| m.text.as_str())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    )],
                    Scope::Reply => conv
                        .messages
                        .iter()
                        .filter(|m| m.role == Role::Assistant)
                        .map(|m| (Some(m.index), m.text.clone()))
                        .collect(),
                };
                Ok(texts
                    .into_iter()
                    .filter_map(|(message, text)| {
                        let words = crate::index::analyzer::tokenize(&text).len();
                        let shingles = minhash::shingles(&text);
                        (!shingles.is_empty() && words >= min_words).then(|| Unit {
                            conversation: conv.id.clone(),
                            message,
                            words,
                            shingles,
                        })
                    })
                    .collect())
            })
            .collect();
        for p in part {
            units.extend(p?);
        }
    }
    let sigs: Vec<[u64; minhash::HASHES]> = units
        .par_iter()
        .map(|u| minhash::signature(&u.shingles))
        .collect();
    // Candidate pairs: units sharing a band.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for b in 0..minhash::BANDS {
        let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, s) in sigs.iter().enumerate() {
            buckets
                .entry(minhash::band_key(s, b))
                .or_default()
                .push(i as u32);
        }
        for members in buckets.values().filter(|m| m.len() > 1) {
            if members.len() <= FULL_BUCKET {
                for (k, &x) in members.iter().enumerate() {
                    for &y in &members[k + 1..] {
                        pairs.push((x, y));
                    }
                }
            } else {
                for &anchor in members.iter().take(ANCHORS) {
                    for &y in members {
                        if y != anchor {
                            pairs.push((anchor.min(y), anchor.max(y)));
                        }
                    }
                }
            }
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    let confirmed: Vec<(u32, u32)> = pairs
        .par_iter()
        .copied()
        .filter(|&(x, y)| {
            minhash::jaccard(&units[x as usize].shingles, &units[y as usize].shingles) >= threshold
        })
        .collect();
    // Groups around principals, as review platforms form them: the longest unit not yet in
    // a group leads one, and takes every unit not yet in a group that is near it. So every
    // member is at the threshold or above against its principal (single linkage would chain
    // members that share little with each other).
    let mut near: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for &(x, y) in &confirmed {
        near[x as usize].push(y as usize);
        near[y as usize].push(x as usize);
    }
    let mut order: Vec<usize> = (0..units.len()).filter(|i| !near[*i].is_empty()).collect();
    order.sort_by(|&a, &b| {
        units[b]
            .words
            .cmp(&units[a].words)
            .then(units[a].conversation.cmp(&units[b].conversation))
            .then(units[a].message.cmp(&units[b].message))
    });
    let mut taken = vec![false; units.len()];
    let mut groups: Vec<Vec<Member>> = Vec::new();
    let member = |i: usize, similarity: f64| Member {
        conversation: units[i].conversation.clone(),
        message: units[i].message,
        words: units[i].words,
        similarity,
    };
    for &p in &order {
        if taken[p] {
            continue;
        }
        let mut others: Vec<Member> = near[p]
            .iter()
            .filter(|&&i| !taken[i])
            .map(|&i| member(i, minhash::jaccard(&units[i].shingles, &units[p].shingles)))
            .collect();
        if others.is_empty() {
            continue;
        }
        taken[p] = true;
        for &i in &near[p] {
            taken[i] = true;
        }
        others.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(a.conversation.cmp(&b.conversation))
        });
        let mut members = vec![member(p, 1.0)];
        members.extend(others);
        groups.push(members);
    }
    // Largest groups first, then by principal.
    groups.sort_by(|a: &Vec<Member>, b: &Vec<Member>| {
        b.len()
            .cmp(&a.len())
            .then(a[0].conversation.cmp(&b[0].conversation))
    });
    Ok(Groups {
        params: Params {
            threshold,
            scope,
            min_words,
            shingle_words: minhash::SHINGLE_WORDS,
            hashes: minhash::HASHES,
            bands: minhash::BANDS,
            rows: minhash::ROWS,
        },
        built: Utc::now(),
        by: by.to_string(),
        units: units.len(),
        pairs: confirmed.len(),
        groups: groups
            .into_iter()
            .enumerate()
            .map(|(k, members)| Group {
                id: format!("G{:06}", k + 1),
                members,
            })
            .collect(),
    })
}

fn path(matter: &Path) -> std::path::PathBuf {
    matter.join("groups.json")
}

pub fn save(matter: &Path, g: &Groups) -> Result<()> {
    let bytes = serde_json::to_vec(g).context("cannot encode the groups")?;
    crate::fsutil::write_atomic(&path(matter), &bytes)
}

/// The matter's groups, if built.
pub fn load(matter: &Path) -> Result<Option<Groups>> {
    let p = path(matter);
    match crate::review::named::read(&p)? {
        Some(b) => {
            Ok(Some(serde_json::from_slice(&b).with_context(|| {
                format!("{} is not readable", p.display())
            })?))
        }
        None => Ok(None),
    }
}

/// The groups, or an error saying how to build them.
pub fn require(matter: &Path) -> Result<Groups> {
    load(matter)?.context("no near-duplicate groups yet: verbatim groups build")
}
