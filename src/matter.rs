//! The matter directory: all state of one review, and `matter.json`, its record of what was
//! imported.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fsutil;

/// Highest version of `matter.json` this build reads. A matter written with a higher version
/// is refused: this build cannot know what it would break.
pub const SCHEMA_VERSION: u32 = 2;

/// The version an unsharded matter is written with: builds that know no shards read it.
const UNSHARDED_SCHEMA: u32 = 1;

/// The version a sharded matter is written with, so that builds that know no shards refuse it
/// rather than find no index in it.
const SHARDED_SCHEMA: u32 = 2;

/// What `matter.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatterMeta {
    pub schema: u32,
    pub created: DateTime<Utc>,
    /// Version of verbatim that last wrote this file.
    pub written_by: String,
    pub index_version: u32,
    pub analyzer: String,
    /// How text is indexed (`import --compat relativity`): fixed by the first import.
    #[serde(default)]
    pub text_mode: crate::index::analyzer::TextMode,
    #[serde(default)]
    pub sources: Vec<SourceRecord>,
    /// The last reproduction scan (corpus hash, thresholds, version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection: Option<DetectionRecord>,
    /// Deliveries checked against the producing party's hash manifest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<DeliveryRecord>,
    /// How many shards hold the conversations (`shard split`), each a matter of its own under
    /// `shards/`; absent when the matter has one index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
    /// In a shard's own `matter.json`: the matter it belongs to and its place there. Shards
    /// made before it was recorded have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_of: Option<ShardOf>,
}

/// What a shard says it is: shard `index` of the `count` shards of the matter created at
/// `matter_created` (a matter's creation time, to the nanosecond, names it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardOf {
    pub matter_created: DateTime<Utc>,
    pub index: u32,
    pub count: u32,
}

/// What `matter.json` records about the last detection run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DetectionRecord {
    pub version: u32,
    pub time: DateTime<Utc>,
    pub corpus_sha256: String,
    pub articles: usize,
    pub thresholds: Thresholds,
    pub conversations: u64,
    pub findings: u64,
}

/// Thresholds of a detection run.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Thresholds {
    /// A finding needs a reproduced (or, for an echo finding, echoed) run of this many words.
    pub min_words: usize,
    /// A strong finding: a reproduced run of this many words ...
    pub strong_words: usize,
    /// ... or this many characters.
    pub strong_chars: usize,
    /// K-grams shared by more articles than this are boilerplate.
    pub max_df: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_words: 20,
            strong_words: 50,
            strong_chars: 160,
            max_df: 10,
        }
    }
}

/// One check of received files against a manifest (`import --manifest`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeliveryRecord {
    pub time: DateTime<Utc>,
    pub by: String,
    pub manifest: String,
    pub manifest_sha256: String,
    pub root: String,
    pub algorithms: Vec<String>,
    pub listed: usize,
    pub matched: usize,
    /// "verified", "exceptions accepted" or "stopped".
    pub result: String,
    /// Each missing, extra and mismatching file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<String>,
}

/// One imported (or partly imported) source file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceRecord {
    pub path: String,
    pub size: u64,
    /// SHA-256 of the file's bytes as stored (compressed files: of the compressed bytes).
    /// Empty while an import of the file has not finished.
    pub sha256: String,
    pub format: String,
    pub status: SourceStatus,
    pub records_read: u64,
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Where the file was cut off, when it ends mid-record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated_at: Option<u64>,
    pub started: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<DateTime<Utc>>,
    /// An archive or a Parquet file ("zip", "tar.gz", "parquet"): its counts are its members'
    /// (archives) or its rows' (Parquet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// An archive's members read as conversations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u64>,
    /// A member's archive (its path is `ARCHIVE!MEMBER`), and that archive's SHA-256 when the
    /// member was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_sha256: Option<String>,
    /// An archive's members that could not be read (the archive is read again next time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_members: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    /// The import was interrupted; running it again resumes it.
    Partial,
    Complete,
}

/// An opened matter directory.
pub struct Matter {
    pub dir: PathBuf,
    pub meta: MatterMeta,
}

impl Matter {
    /// The default matter: `$VERBATIM_MATTER` is handled by the command line; this is the
    /// platform data directory.
    pub fn default_dir() -> Result<PathBuf> {
        let dirs = directories::ProjectDirs::from("", "", "verbatim")
            .context("cannot find a home directory for the default matter; pass --matter DIR")?;
        Ok(dirs.data_dir().join("default"))
    }

    /// Opens the matter in `dir`, creating it when it does not exist.
    pub fn open_or_create(dir: &Path) -> Result<Matter> {
        fsutil::restrict_umask();
        fsutil::create_private_dir(dir)?;
        let meta_path = dir.join("matter.json");
        if meta_path.exists() {
            return Self::open(dir);
        }
        let meta = MatterMeta {
            schema: UNSHARDED_SCHEMA,
            created: Utc::now(),
            written_by: env!("CARGO_PKG_VERSION").to_string(),
            index_version: crate::index::INDEX_VERSION,
            analyzer: crate::index::analyzer::TEXT_ANALYZER.to_string(),
            text_mode: Default::default(),
            sources: Vec::new(),
            detection: None,
            deliveries: Vec::new(),
            shards: None,
            shard_of: None,
        };
        let m = Matter {
            dir: dir.to_path_buf(),
            meta,
        };
        m.save()?;
        // The tag palette, written out so the team can edit it.
        crate::review::Palette::write_default_if_missing(dir)?;
        Ok(m)
    }

    /// Opens an existing matter.
    pub fn open(dir: &Path) -> Result<Matter> {
        fsutil::restrict_umask();
        let meta_path = dir.join("matter.json");
        let bytes = std::fs::read(&meta_path).with_context(|| {
            format!(
                "no matter at {} (cannot read {}); import something first or pass --matter",
                dir.display(),
                meta_path.display()
            )
        })?;
        let probe: serde_json::Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not valid JSON", meta_path.display()))?;
        let schema = probe.get("schema").and_then(|v| v.as_u64()).unwrap_or(0);
        if schema > u64::from(SCHEMA_VERSION) {
            bail!(
                "the matter at {} was written by a newer verbatim (matter schema {schema}; this build reads up to {SCHEMA_VERSION}); upgrade verbatim to open it",
                dir.display()
            );
        }
        let meta: MatterMeta = serde_json::from_value(probe).with_context(|| {
            format!("{} does not have the expected fields", meta_path.display())
        })?;
        if meta.index_version > crate::index::INDEX_VERSION {
            bail!(
                "the index of the matter at {} was built by a newer verbatim (index version {}); upgrade verbatim to open it",
                dir.display(),
                meta.index_version
            );
        }
        Ok(Matter {
            dir: dir.to_path_buf(),
            meta,
        })
    }

    /// Writes `matter.json` atomically.
    pub fn save(&self) -> Result<()> {
        let mut meta = self.meta.clone();
        meta.written_by = env!("CARGO_PKG_VERSION").to_string();
        meta.schema = if meta.shards.is_some() {
            SHARDED_SCHEMA
        } else {
            UNSHARDED_SCHEMA
        };
        let bytes = serde_json::to_vec_pretty(&meta).context("cannot serialise matter.json")?;
        fsutil::write_atomic(&self.dir.join("matter.json"), &bytes)
    }

    pub fn index_dir(&self) -> PathBuf {
        self.dir.join("index")
    }

    /// The directories of the matter's index: `index/`, or each shard's.
    pub fn index_dirs(&self) -> Vec<PathBuf> {
        match self.meta.shards {
            Some(n) => (0..n).map(|k| self.shard_dir(k).join("index")).collect(),
            None => vec![self.index_dir()],
        }
    }

    /// The directory of shard `k` (a matter of its own), whether or not the matter is sharded.
    pub fn shard_dir(&self, k: u32) -> PathBuf {
        self.dir.join(SHARDS_DIR).join(format!("{k:03}"))
    }

    /// What shard `k` of `n` of this matter records about itself.
    pub fn shard_claim(&self, k: u32, n: u32) -> ShardOf {
        ShardOf {
            matter_created: self.meta.created,
            index: k,
            count: n,
        }
    }

    /// Refuses a shard that says it belongs to another matter, or to another place in this
    /// one: a shard directory replaced by another matter's (a copy, a symlink) would answer
    /// for conversations this matter does not hold. A shard that says nothing (made before
    /// shards recorded it) is taken as it is.
    pub fn check_shard(&self, shard: &Matter, k: u32) -> Result<()> {
        let n = self.meta.shards.unwrap_or(1);
        match &shard.meta.shard_of {
            Some(of) if *of != self.shard_claim(k, n) => bail!(
                "{} is shard {:03} of {} of the matter created {}, not shard {k:03} of {n} of this one (created {}); it does not belong here",
                shard.dir.display(),
                of.index,
                of.count,
                of.matter_created.to_rfc3339(),
                self.meta.created.to_rfc3339()
            ),
            _ => Ok(()),
        }
    }

    /// [`Matter::check_shard`] for every shard of the matter.
    pub fn check_shards(&self) -> Result<()> {
        for k in 0..self.meta.shards.unwrap_or(0) {
            let shard = Matter::open(&self.shard_dir(k)).with_context(|| {
                format!("shard {k:03} of {} cannot be read", self.dir.display())
            })?;
            self.check_shard(&shard, k)?;
        }
        Ok(())
    }

    pub fn is_sharded(&self) -> bool {
        self.meta.shards.is_some()
    }

    pub fn rejects_path(&self) -> PathBuf {
        self.dir.join("rejects.jsonl")
    }

    /// Takes the matter's writer lock, held until the guard is dropped. Two writers never run
    /// at once; readers need no lock.
    pub fn lock_writer(&self) -> Result<WriterLock> {
        let path = self.dir.join("matter.lock");
        let file = fsutil::open_append_private(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(WriterLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another verbatim process is writing to the matter at {} (an import?); wait for it to finish",
                self.dir.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }

    /// The record of a source, found by path.
    pub fn source_by_path(&self, path: &str) -> Option<&SourceRecord> {
        self.meta.sources.iter().find(|s| s.path == path)
    }
}

/// Where a sharded matter's shards are, under the matter.
pub const SHARDS_DIR: &str = "shards";

/// The shard of `n` that holds the conversation `id`: the first eight bytes of the SHA-256 of
/// the id, so that every build and machine places a conversation in the same shard.
pub fn shard_of(id: &str, n: u32) -> u32 {
    use sha2::Digest;
    let h = sha2::Sha256::digest(id.as_bytes());
    let top = u64::from_be_bytes(h[..8].try_into().expect("a SHA-256 has 32 bytes"));
    (top % u64::from(n.max(1))) as u32
}

/// Held while a process writes to the matter.
pub struct WriterLock {
    _file: File,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_private_and_refuses_newer_schema() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("m");
        let m = Matter::open_or_create(&dir).unwrap();
        assert_eq!(m.meta.schema, UNSHARDED_SCHEMA);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700);
            let fmode = std::fs::metadata(dir.join("matter.json"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(fmode, 0o600);
        }
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("matter.json")).unwrap()).unwrap();
        v["schema"] = serde_json::json!(SCHEMA_VERSION + 1);
        std::fs::write(dir.join("matter.json"), v.to_string()).unwrap();
        let err = Matter::open(&dir).err().unwrap().to_string();
        assert!(err.contains("newer verbatim"), "{err}");
    }

    #[test]
    fn a_sharded_matter_is_written_with_the_version_that_knows_shards() {
        let tmp = tempfile::tempdir().unwrap();
        let mut m = Matter::open_or_create(tmp.path()).unwrap();
        m.meta.shards = Some(3);
        m.save().unwrap();
        let m = Matter::open(tmp.path()).unwrap();
        assert_eq!(m.meta.schema, SHARDED_SCHEMA);
        assert_eq!(m.index_dirs().len(), 3);
        assert!(m.index_dirs()[2].ends_with("shards/002/index"));
    }

    #[test]
    fn shards_are_placed_by_a_fixed_hash() {
        // Fixed values: a conversation's shard may never change between builds or machines.
        assert_eq!(shard_of("conv-0000001", 4), shard_of("conv-0000001", 4));
        let placed: Vec<u32> = ["a", "b", "conv-0000001", "中文"]
            .iter()
            .map(|id| shard_of(id, 7))
            .collect();
        assert_eq!(
            placed,
            [4, 0, 0, 6],
            "computed apart: sha256(id)[..8] big-endian mod 7"
        );
        let mut per = [0u32; 4];
        for i in 0..4000 {
            per[shard_of(&format!("c{i}"), 4) as usize] += 1;
        }
        assert!(per.iter().all(|&n| (900..1100).contains(&n)), "{per:?}");
    }

    #[test]
    fn second_writer_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let m = Matter::open_or_create(tmp.path()).unwrap();
        let _g = m.lock_writer().unwrap();
        let m2 = Matter::open(tmp.path()).unwrap();
        assert!(m2.lock_writer().is_err());
    }
}
