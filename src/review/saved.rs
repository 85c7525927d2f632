//! Saved searches and lists, shared by everyone on the matter. A saved search is a named
//! query (with the dialect it is written in), used inside any query as `@NAME`; a list is a
//! frozen set of conversation ids (the matches of a query when it was made), used as
//! `list:NAME`. Saved searches live in `saved.json`, each list in `lists/NAME.json`; every
//! change is a read-modify-write under `saved.lock`, written atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fsutil;
use crate::query::Dialect;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSearch {
    pub query: String,
    #[serde(default)]
    pub syntax: Dialect,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub by: String,
    pub time: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedFile {
    #[serde(default)]
    pub searches: BTreeMap<String, SavedSearch>,
}

/// A list: the ids a query matched when the list was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List {
    pub name: String,
    pub query: String,
    #[serde(default)]
    pub syntax: Dialect,
    pub by: String,
    pub time: DateTime<Utc>,
    pub ids: Vec<String>,
}

fn saved_path(dir: &Path) -> PathBuf {
    dir.join("saved.json")
}

fn lists_dir(dir: &Path) -> PathBuf {
    dir.join("lists")
}

fn list_path(dir: &Path, name: &str) -> PathBuf {
    lists_dir(dir).join(format!("{name}.json"))
}

/// Names of saved searches and lists: letters, digits, `-` and `_` (as tags), so that
/// `@NAME` and `list:NAME` read unambiguously and a list's file name is safe.
pub fn check_name(name: &str) -> Result<()> {
    if !crate::review::palette::valid_tag_name(name) || name.len() > 64 {
        bail!("\"{name}\" is not a valid name (letters, digits, - and _, at most 64)");
    }
    Ok(())
}

/// The saved searches (none when nothing was saved).
pub fn load(dir: &Path) -> Result<SavedFile> {
    let path = saved_path(dir);
    match super::named::read(&path)? {
        Some(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not readable", path.display())),
        None => Ok(SavedFile::default()),
    }
}

fn locked<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    super::named::locked(dir, "saved.lock", f)
}

/// Saves a search; an existing name is replaced only when `replace` is set.
pub fn save_search(dir: &Path, name: &str, search: SavedSearch, replace: bool) -> Result<()> {
    check_name(name)?;
    locked(dir, || {
        let mut file = load(dir)?;
        if file.searches.contains_key(name) && !replace {
            bail!("a saved search \"{name}\" exists; --replace to change it");
        }
        file.searches.insert(name.to_string(), search);
        write(dir, &file)
    })
}

/// Removes a saved search; the removed one is returned.
pub fn remove_search(dir: &Path, name: &str) -> Result<SavedSearch> {
    locked(dir, || {
        let mut file = load(dir)?;
        let Some(old) = file.searches.remove(name) else {
            bail!("no saved search \"{name}\"");
        };
        write(dir, &file)?;
        Ok(old)
    })
}

fn write(dir: &Path, file: &SavedFile) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(file).context("cannot encode saved.json")?;
    fsutil::write_atomic(&saved_path(dir), &bytes)
}

/// Freezes a list; an existing name is replaced only when `replace` is set.
pub fn save_list(dir: &Path, list: &List, replace: bool) -> Result<()> {
    check_name(&list.name)?;
    locked(dir, || {
        let path = list_path(dir, &list.name);
        if path.exists() && !replace {
            bail!(
                "a list \"{}\" exists; --replace to make it again",
                list.name
            );
        }
        fsutil::create_matter_subdir(&lists_dir(dir))?;
        let bytes = serde_json::to_vec(list).context("cannot encode the list")?;
        fsutil::write_atomic(&path, &bytes)
    })
}

/// A list by name.
pub fn load_list(dir: &Path, name: &str) -> Result<List> {
    check_name(name)?;
    let path = list_path(dir, name);
    let bytes = match super::named::read(&path)? {
        Some(b) => b,
        None => {
            let known = list_names(dir).unwrap_or_default();
            bail!(
                "no list \"{name}\"{}",
                if known.is_empty() {
                    " (there are none: `verbatim list add NAME --query QUERY`)".to_string()
                } else {
                    format!(" (lists: {})", known.join(", "))
                }
            );
        }
    };
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not readable", path.display()))
}

/// The names of the matter's lists, sorted.
pub fn list_names(dir: &Path) -> Result<Vec<String>> {
    super::named::names(&lists_dir(dir))
}

/// Removes a list.
pub fn remove_list(dir: &Path, name: &str) -> Result<List> {
    locked(dir, || {
        let list = load_list(dir, name)?;
        std::fs::remove_file(list_path(dir, name))
            .with_context(|| format!("cannot remove the list \"{name}\""))?;
        Ok(list)
    })
}
