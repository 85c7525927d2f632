//! Batches: a set's matches split into numbered batches that reviewers check out one at a time
//! (`batches/SET.json`). Every change is a read-modify-write under `batches.lock`, so two
//! reviewers checking out at once, from two processes, never get the same batch.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::query::Dialect;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// `SET-001`.
    pub id: String,
    pub ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_out: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_in: Option<DateTime<Utc>>,
}

impl Batch {
    /// Checked out and not yet checked in.
    pub fn open(&self) -> bool {
        self.assigned.is_some() && self.checked_in.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchSet {
    pub name: String,
    pub query: String,
    #[serde(default)]
    pub syntax: Dialect,
    pub size: usize,
    pub by: String,
    pub time: DateTime<Utc>,
    pub batches: Vec<Batch>,
}

fn dir_of(matter: &Path) -> PathBuf {
    matter.join("batches")
}

fn path_of(matter: &Path, name: &str) -> PathBuf {
    dir_of(matter).join(format!("{name}.json"))
}

fn locked<T>(matter: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    super::named::locked(matter, "batches.lock", f)
}

fn write(matter: &Path, set: &BatchSet) -> Result<()> {
    fsutil::create_matter_subdir(&dir_of(matter))?;
    let bytes = serde_json::to_vec_pretty(set).context("cannot encode the batches")?;
    fsutil::write_atomic(&path_of(matter, &set.name), &bytes)
}

/// A batch set by name.
pub fn load(matter: &Path, name: &str) -> Result<BatchSet> {
    super::saved::check_name(name)?;
    let path = path_of(matter, name);
    let Some(bytes) = super::named::read(&path)? else {
        bail!("no batch set \"{name}\" (verbatim batch create NAME --query Q --size N)");
    };
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not readable", path.display()))
}

/// Every batch set, by name.
pub fn all(matter: &Path) -> Result<Vec<BatchSet>> {
    super::named::names(&dir_of(matter))?
        .iter()
        .map(|n| load(matter, n))
        .collect()
}

/// Splits `ids` (in the order given) into batches of `size` and keeps the set. An existing
/// set is never replaced: its batches may be checked out.
pub fn create(
    matter: &Path,
    name: &str,
    query: &str,
    syntax: Dialect,
    size: usize,
    ids: Vec<String>,
    by: &str,
) -> Result<BatchSet> {
    super::saved::check_name(name)?;
    if size == 0 {
        bail!("--size must be at least 1");
    }
    if ids.is_empty() {
        bail!("the query matches no conversation: no batches made");
    }
    locked(matter, || {
        if path_of(matter, name).exists() {
            bail!("a batch set \"{name}\" exists; choose another name");
        }
        let batches = ids
            .chunks(size)
            .enumerate()
            .map(|(k, c)| Batch {
                id: format!("{name}-{:03}", k + 1),
                ids: c.to_vec(),
                assigned: None,
                checked_out: None,
                checked_in: None,
            })
            .collect();
        let set = BatchSet {
            name: name.to_string(),
            query: query.to_string(),
            syntax,
            size,
            by: by.to_string(),
            time: Utc::now(),
            batches,
        };
        write(matter, &set)?;
        Ok(set)
    })
}

/// The set name of a batch id (`SET-003`).
fn set_of(batch: &str) -> Result<&str> {
    batch
        .rsplit_once('-')
        .filter(|(_, n)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .map(|(s, _)| s)
        .with_context(|| format!("\"{batch}\" is not a batch (SET-001)"))
}

/// A batch by id.
pub fn find(matter: &Path, batch: &str) -> Result<Batch> {
    let set = load(matter, set_of(batch)?)?;
    set.batches
        .into_iter()
        .find(|b| b.id == batch)
        .with_context(|| format!("no batch \"{batch}\""))
}

/// The conversations of a batch (`SET-003`), or of every batch of a set (`SET`).
pub fn ids_of(matter: &Path, name: &str) -> Result<Vec<String>> {
    if let Ok(set) = set_of(name)
        && let Ok(s) = load(matter, set)
        && let Some(b) = s.batches.iter().find(|b| b.id == name)
    {
        return Ok(b.ids.clone());
    }
    let s = load(matter, name)?;
    Ok(s.batches.into_iter().flat_map(|b| b.ids).collect())
}

/// The batch `reviewer` holds open (checked out, not checked in), if any.
pub fn held_by(matter: &Path, reviewer: &str) -> Result<Option<Batch>> {
    Ok(all(matter)?
        .into_iter()
        .flat_map(|s| s.batches)
        .find(|b| b.open() && b.assigned.as_deref() == Some(reviewer)))
}

/// What a checkout gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Checkout {
    /// A batch newly assigned.
    New(Batch),
    /// The batch the reviewer already held (check it in first to get another).
    Held(Batch),
}

/// Gives `reviewer` the next batch nobody has (of `set`, or of any set), under the lock; the
/// batch the reviewer already holds open comes back instead. `None`: none is free.
pub fn checkout(matter: &Path, set: Option<&str>, reviewer: &str) -> Result<Option<Checkout>> {
    locked(matter, || {
        if let Some(b) = held_by(matter, reviewer)? {
            return Ok(Some(Checkout::Held(b)));
        }
        let sets = match set {
            Some(n) => vec![load(matter, n)?],
            None => all(matter)?,
        };
        for mut s in sets {
            if let Some(b) = s.batches.iter_mut().find(|b| b.assigned.is_none()) {
                b.assigned = Some(reviewer.to_string());
                b.checked_out = Some(Utc::now());
                let got = b.clone();
                write(matter, &s)?;
                return Ok(Some(Checkout::New(got)));
            }
        }
        Ok(None)
    })
}

/// Checks a batch in (the reviewer's open one when `batch` is `None`); only its holder may.
pub fn checkin(matter: &Path, batch: Option<&str>, reviewer: &str) -> Result<Batch> {
    locked(matter, || {
        let id = match batch {
            Some(b) => b.to_string(),
            None => held_by(matter, reviewer)?
                .map(|b| b.id)
                .with_context(|| format!("{reviewer} holds no batch to check in"))?,
        };
        let mut s = load(matter, set_of(&id)?)?;
        let b = s
            .batches
            .iter_mut()
            .find(|b| b.id == id)
            .with_context(|| format!("no batch \"{id}\""))?;
        if b.assigned.as_deref() != Some(reviewer) {
            bail!(
                "{id} is {}, not {reviewer}'s",
                match &b.assigned {
                    Some(r) => format!("checked out to {r}"),
                    None => "not checked out".to_string(),
                }
            );
        }
        if b.checked_in.is_some() {
            bail!("{id} is checked in already");
        }
        b.checked_in = Some(Utc::now());
        let got = b.clone();
        write(matter, &s)?;
        Ok(got)
    })
}

/// Gives a batch to another reviewer (a lead's decision): checked out to them now, open.
pub fn reassign(matter: &Path, batch: &str, to: &str) -> Result<(Batch, Option<String>)> {
    locked(matter, || {
        let mut s = load(matter, set_of(batch)?)?;
        let b = s
            .batches
            .iter_mut()
            .find(|b| b.id == batch)
            .with_context(|| format!("no batch \"{batch}\""))?;
        let before = b.assigned.replace(to.to_string());
        b.checked_out = Some(Utc::now());
        b.checked_in = None;
        let got = b.clone();
        write(matter, &s)?;
        Ok((got, before))
    })
}
