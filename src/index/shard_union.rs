//! The shards of a sharded matter read as one index: a read-only tantivy directory whose
//! `meta.json` lists every shard's segments, and whose files are read from the shard that
//! holds them. Searches over it rank with the statistics of the whole matter (a word's
//! document frequency, the average length of a field), so they score as one index of the same
//! conversations does.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

const META: &str = "meta.json";

/// Several index directories read as one; see the module documentation.
#[derive(Clone, Debug)]
pub struct ShardUnion {
    shards: Arc<Vec<(PathBuf, MmapDirectory)>>,
    /// Which shard holds each segment (by id), read from the shards' meta.json again when a
    /// segment is not in it (a shard committed since).
    owners: Arc<RwLock<HashMap<String, usize>>>,
}

impl ShardUnion {
    pub fn open(dirs: &[PathBuf]) -> Result<ShardUnion> {
        if dirs.is_empty() {
            bail!("a sharded matter with no shards");
        }
        let mut shards = Vec::with_capacity(dirs.len());
        for d in dirs {
            if !d.join(META).exists() {
                bail!(
                    "shard index {} is missing (no meta.json); the matter is incomplete",
                    d.display()
                );
            }
            let mmap = MmapDirectory::open(d)
                .with_context(|| format!("cannot open shard index {}", d.display()))?;
            shards.push((d.clone(), mmap));
        }
        Ok(ShardUnion {
            shards: Arc::new(shards),
            owners: Arc::default(),
        })
    }

    /// The shards' `meta.json` merged: the first shard's settings and schema (every shard's
    /// must be the same), every shard's segments, the highest operation stamp, no payload.
    fn merged_meta(&self) -> Result<Vec<u8>, OpenReadError> {
        let mut merged: Option<Value> = None;
        let mut segments = Vec::new();
        let mut opstamp = 0u64;
        for (dir, shard) in self.shards.iter() {
            let bytes = shard.atomic_read(Path::new(META))?;
            let bad = |why: String| OpenReadError::IoError {
                io_error: Arc::new(io::Error::new(io::ErrorKind::InvalidData, why)),
                filepath: dir.join(META),
            };
            let mut meta: Value =
                serde_json::from_slice(&bytes).map_err(|e| bad(format!("not valid JSON: {e}")))?;
            if let Some(Value::Array(s)) = meta.get_mut("segments").map(Value::take) {
                segments.extend(s);
            }
            opstamp = opstamp.max(meta.get("opstamp").and_then(Value::as_u64).unwrap_or(0));
            match &merged {
                None => merged = Some(meta),
                Some(first) if first.get("schema") != meta.get("schema") => {
                    return Err(bad(
                        "this shard's schema differs from the first shard's; the shards do not belong together"
                            .to_string(),
                    ));
                }
                Some(_) => {}
            }
        }
        let mut meta = merged.unwrap_or_default();
        meta["segments"] = Value::Array(segments);
        meta["opstamp"] = opstamp.into();
        meta["payload"] = Value::Null;
        Ok(serde_json::to_vec(&meta).unwrap_or_default())
    }

    /// The shard that holds `path`: a segment's files are named after its id, which is
    /// unique across shards.
    fn owner(&self, path: &Path) -> Option<&MmapDirectory> {
        let segment = segment_of(path)?;
        let known = self.owners.read().ok()?.get(&segment).copied();
        let i = match known {
            Some(i) => i,
            None => {
                let fresh = self.read_owners();
                let i = fresh.get(&segment).copied();
                *self.owners.write().ok()? = fresh;
                i?
            }
        };
        Some(&self.shards[i].1)
    }

    fn read_owners(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for (i, (_, shard)) in self.shards.iter().enumerate() {
            let Ok(bytes) = shard.atomic_read(Path::new(META)) else {
                continue;
            };
            let Ok(meta) = serde_json::from_slice::<Value>(&bytes) else {
                continue;
            };
            for s in meta["segments"].as_array().into_iter().flatten() {
                if let Some(id) = s["segment_id"].as_str() {
                    out.insert(id.replace('-', ""), i);
                }
            }
        }
        out
    }
}

/// The segment id a segment file's name starts with (32 hex digits, before the extension).
fn segment_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.split('.').next()?;
    (stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())).then(|| stem.to_string())
}

fn read_only(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "{} is part of a sharded matter, read here as one index: it cannot be written through the union",
            path.display()
        ),
    )
}

impl Directory for ShardUnion {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        match self.owner(path) {
            Some(shard) => shard.get_file_handle(path),
            None => Err(OpenReadError::FileDoesNotExist(path.to_path_buf())),
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        if path == Path::new(META) {
            return Ok(true);
        }
        match self.owner(path) {
            Some(shard) => shard.exists(path),
            None => Ok(false),
        }
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        if path == Path::new(META) {
            return self.merged_meta();
        }
        // Anything else (the writer's list of managed files) belongs to one shard's writer.
        Err(OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // Readers take the meta lock around reading meta.json; nothing here writes it. The
        // writer's lock is refused: each shard is written through its own index.
        if lock.filepath == tantivy::directory::INDEX_WRITER_LOCK.filepath {
            return Err(LockError::IoError(Arc::new(read_only(&lock.filepath))));
        }
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_files_are_told_by_their_id() {
        let id = "c2ec559a2da94fc195f20812c98bf50c";
        assert_eq!(
            segment_of(Path::new(&format!("{id}.term"))).as_deref(),
            Some(id)
        );
        assert_eq!(
            segment_of(Path::new(&format!("{id}.123.del"))).as_deref(),
            Some(id)
        );
        assert_eq!(segment_of(Path::new("meta.json")), None);
        assert_eq!(segment_of(Path::new(".managed.json")), None);
        assert_eq!(
            segment_of(Path::new("zz2ec559a2da94fc195f20812c98bf50c.idx")),
            None
        );
    }
}
