//! Near-duplicate groups: conversations (or assistant replies) whose 5-word shingle sets have
//! a Jaccard similarity at or above a threshold, found by MinHash banding and confirmed
//! exactly, gathered around principals (the longest first, as review platforms choose them):
//! every member is near its principal, with its similarity to it. Kept in `groups.json` with the parameters
//! they were built with.

pub mod build;
pub mod coding;
pub mod diff;
mod gather;
pub mod minhash;
pub mod place;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::index::ConvIndex;

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
    /// The word `--scope` takes.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Conversation => "conversation",
            Scope::Reply => "reply",
        }
    }

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

/// Builds the groups of an index from scratch, with its work files in a temporary directory
/// (the matter's own builds keep them in `groups/`, see [`build::build`]).
pub fn build_once(
    index: &ConvIndex,
    threshold: f64,
    scope: Scope,
    min_words: usize,
    by: &str,
    cancel: &AtomicBool,
) -> Result<Groups> {
    let tmp = tempfile::tempdir().context("cannot create a work directory")?;
    let opts = build::Options {
        threshold,
        scope,
        min_words,
    };
    let (g, _) = build::build(
        index,
        &tmp.path().join("groups"),
        &opts,
        None,
        false,
        by,
        cancel,
    )?;
    Ok(g)
}

/// The matter's work files for building groups.
pub fn store_dir(matter: &Path) -> std::path::PathBuf {
    matter.join("groups")
}

fn path(matter: &Path) -> std::path::PathBuf {
    matter.join("groups.json")
}

pub fn save(matter: &Path, g: &Groups) -> Result<()> {
    let bytes = serde_json::to_vec(g).context("cannot encode the groups")?;
    crate::fsutil::write_atomic(&path(matter), &bytes)
}

/// Whether the matter's groups were built.
pub fn built(matter: &Path) -> bool {
    path(matter).exists()
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
