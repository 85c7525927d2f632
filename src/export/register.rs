//! The production register: `productions.jsonl` in the matter, one line per production
//! (who, when, to whom, what selection, designation, contents, Bates range), and beside it
//! `productions/ID.jsonl` with each produced conversation's Bates number. A team knows from it
//! what it has handed over before; `produced:` and `bates:` search it.
//!
//! A production is registered after its directory is in place and before it is audited; the
//! Bates lock is held throughout, so two productions never register out of order.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::fsutil;

const FILE: &str = "productions.jsonl";
const DIR: &str = "productions";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Production {
    pub id: String,
    pub time: chrono::DateTime<chrono::Utc>,
    pub by: String,
    #[serde(default)]
    pub recipient: Option<String>,
    pub format: String,
    pub selection: serde_json::Value,
    /// The run's designation (each conversation's own is in its numbers file).
    #[serde(default)]
    pub designation: Option<String>,
    pub contents: Vec<String>,
    pub prefix: String,
    pub bates_first: Option<String>,
    pub bates_last: Option<String>,
    pub conversations: u64,
    pub destination: PathBuf,
    pub manifest_sha256: String,
    /// `productions/ID.jsonl`, relative to the matter.
    pub numbers: String,
    pub numbers_sha256: String,
}

/// One produced conversation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Produced {
    pub conversation: String,
    pub bates: String,
    #[serde(default)]
    pub designation: Option<String>,
}

/// Where a conversation was produced: the production and its Bates number there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub production: String,
    pub prefix: String,
    pub bates: String,
}

/// The register as read: every production, and every conversation's places.
#[derive(Debug, Default)]
pub struct Register {
    pub productions: Vec<Production>,
    pub by_conversation: HashMap<String, Vec<Place>>,
}

impl Register {
    pub fn places(&self, id: &str) -> &[Place] {
        self.by_conversation
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Ids of every produced conversation.
    pub fn produced_ids(&self) -> Vec<&str> {
        self.by_conversation.keys().map(String::as_str).collect()
    }

    /// Ids produced as `number` (case-insensitive; a final `*` matches numbers starting so).
    pub fn ids_with_bates(&self, number: &str) -> Vec<&str> {
        let want = number.to_ascii_uppercase();
        let (stem, prefix) = match want.strip_suffix('*') {
            Some(s) => (s.to_string(), true),
            None => (want, false),
        };
        self.by_conversation
            .iter()
            .filter(|(_, places)| {
                places.iter().any(|p| {
                    let b = p.bates.to_ascii_uppercase();
                    if prefix {
                        b.starts_with(&stem)
                    } else {
                        b == stem
                    }
                })
            })
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The id the next production gets.
    pub fn next_id(&self) -> String {
        format!("PROD-{:04}", self.productions.len() + 1)
    }
}

/// Reads the register (an empty one when nothing was produced). A numbers file that does not
/// match its recorded hash is an error: the register is evidence of what was handed over.
pub fn load(matter_dir: &Path) -> Result<Register> {
    let path = matter_dir.join(FILE);
    let mut reg = Register::default();
    let Some(f) = fsutil::open_read(&path)? else {
        return Ok(reg);
    };
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let p: Production = serde_json::from_str(&line)
            .with_context(|| format!("{} line {} is not a production", path.display(), n + 1))?;
        let numbers = matter_dir.join(&p.numbers);
        let bytes = std::fs::read(&numbers)
            .with_context(|| format!("cannot read {} of {}", numbers.display(), p.id))?;
        if crate::hashing::sha256_hex(&bytes) != p.numbers_sha256 {
            anyhow::bail!(
                "{} does not match the SHA-256 the register recorded for {}: the register was altered",
                numbers.display(),
                p.id
            );
        }
        for (i, l) in bytes.split(|b| *b == b'\n').enumerate() {
            if l.is_empty() {
                continue;
            }
            let one: Produced = serde_json::from_slice(l).with_context(|| {
                format!(
                    "{} line {} is not a produced conversation",
                    numbers.display(),
                    i + 1
                )
            })?;
            reg.by_conversation
                .entry(one.conversation)
                .or_default()
                .push(Place {
                    production: p.id.clone(),
                    prefix: p.prefix.clone(),
                    bates: one.bates,
                });
        }
        reg.productions.push(p);
    }
    Ok(reg)
}

/// The register, read again only when `productions.jsonl` changed since this process last
/// read it (its numbers files are written once, before their line): the review interface asks
/// on every conversation it opens, and `produced:`/`bates:` on every search.
pub fn load_cached(matter_dir: &Path) -> Result<std::sync::Arc<Register>> {
    use std::sync::{Arc, Mutex, OnceLock};
    type Stamp = (u64, Option<std::time::SystemTime>);
    type Cache = Mutex<HashMap<PathBuf, (Stamp, Arc<Register>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let path = matter_dir.join(FILE);
    let stamp: Stamp = match std::fs::metadata(&path) {
        Ok(m) => (m.len(), m.modified().ok()),
        Err(_) => (0, None),
    };
    let cache = CACHE.get_or_init(Mutex::default);
    if let Ok(c) = cache.lock()
        && let Some((s, reg)) = c.get(&path)
        && *s == stamp
    {
        return Ok(reg.clone());
    }
    let reg = Arc::new(load(matter_dir)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(path, (stamp, reg.clone()));
    }
    Ok(reg)
}

/// The numbers file of a production being written: under a temporary name in the matter
/// until the production is registered.
pub struct Numbers {
    tmp: PathBuf,
    path: PathBuf,
    rel: String,
    file: Option<std::io::BufWriter<std::fs::File>>,
    hasher: sha2::Sha256,
}

impl Numbers {
    pub fn create(matter_dir: &Path, id: &str) -> Result<Numbers> {
        let dir = matter_dir.join(DIR);
        fsutil::create_matter_subdir(&dir)?;
        let rel = format!("{DIR}/{id}.jsonl");
        let path = matter_dir.join(&rel);
        let tmp = dir.join(format!(".{id}.jsonl.tmp"));
        let _ = std::fs::remove_file(&tmp);
        let file = fsutil::create_private(&tmp)?;
        Ok(Numbers {
            tmp,
            path,
            rel,
            file: Some(std::io::BufWriter::new(file)),
            hasher: sha2::Digest::new(),
        })
    }

    pub fn add(&mut self, p: &Produced) -> Result<()> {
        let mut line = serde_json::to_vec(p).context("cannot encode a Bates number")?;
        line.push(b'\n');
        sha2::Digest::update(&mut self.hasher, &line);
        self.file
            .as_mut()
            .context("the production's numbers are closed")?
            .write_all(&line)
            .context("cannot write the production's numbers")
    }

    /// Moves the numbers file into place; returns its path in the matter and its SHA-256.
    fn finish(mut self) -> Result<(String, String)> {
        let f = self
            .file
            .take()
            .context("the production's numbers are closed")?
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write the production's numbers: {}", e.error()))?;
        f.sync_all()
            .context("cannot sync the production's numbers")?;
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot move {} into place", self.path.display()))?;
        let digest = sha2::Digest::finalize(std::mem::take(&mut self.hasher));
        Ok((std::mem::take(&mut self.rel), crate::hashing::hex(&digest)))
    }
}

impl Drop for Numbers {
    fn drop(&mut self) {
        // Gone once renamed; a production that failed leaves nothing.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Registers a finished production (its numbers file moved into place first).
pub fn register(matter_dir: &Path, mut p: Production, numbers: Numbers) -> Result<Production> {
    let (rel, sha) = numbers.finish()?;
    p.numbers = rel;
    p.numbers_sha256 = sha;
    let mut line = serde_json::to_vec(&p).context("cannot encode the production")?;
    line.push(b'\n');
    let mut f = fsutil::open_append_private(&matter_dir.join(FILE))?;
    f.write_all(&line)
        .context("cannot write the production register")?;
    f.sync_data()
        .context("cannot sync the production register")?;
    Ok(p)
}
