//! Random access to a JSON Lines file by a key (an article's id, a finding's conversation):
//! one pass records where each key's lines are, then lines are read back on demand. Memory is
//! proportional to the number of keys, not to the size of the file.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;

pub struct LineIndex {
    path: PathBuf,
    file: Option<File>,
    lines: HashMap<String, Vec<(u64, u32)>>,
}

impl LineIndex {
    /// Indexes the first `extent` bytes of `path` (all of it when `None`; a missing file is
    /// empty) by the string field `field` of each line. Lines without it are skipped.
    pub fn build(path: &Path, field: &str, extent: Option<u64>) -> Result<LineIndex> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(LineIndex {
                    path: path.to_path_buf(),
                    file: None,
                    lines: HashMap::new(),
                });
            }
            Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
        };
        let limit = extent.unwrap_or(u64::MAX);
        let mut reader = BufReader::with_capacity(1 << 16, file.try_clone()?.take(limit));
        let mut lines: HashMap<String, Vec<(u64, u32)>> = HashMap::new();
        let mut buf = Vec::new();
        let mut at = 0u64;
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .with_context(|| format!("cannot read {}", path.display()))?;
            if n == 0 {
                break;
            }
            if let Some(key) = key_of(&buf, field) {
                lines.entry(key).or_default().push((at, n as u32));
            }
            at += n as u64;
        }
        Ok(LineIndex {
            path: path.to_path_buf(),
            file: Some(file),
            lines,
        })
    }

    pub fn contains(&self, key: &str) -> bool {
        self.lines.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Every line of `key`, decoded.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Vec<T>> {
        let (Some(file), Some(places)) = (&self.file, self.lines.get(key)) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(places.len());
        let mut buf = Vec::new();
        for &(at, len) in places {
            buf.resize(len as usize, 0);
            read_at(file, &mut buf, at)
                .with_context(|| format!("cannot read {}", self.path.display()))?;
            out.push(
                serde_json::from_slice(&buf).with_context(|| {
                    format!("{} changed while it was read", self.path.display())
                })?,
            );
        }
        Ok(out)
    }
}

/// The string `field` of a JSON object line, without building the rest of the object.
fn key_of(line: &[u8], field: &str) -> Option<String> {
    type Fields<'a> = HashMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>;
    let map: Fields = serde_json::from_slice(line).ok()?;
    serde_json::from_str(map.get(field)?.get()).ok()
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, at)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(at))?;
    f.read_exact(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jsonl");
        std::fs::write(
            &p,
            "{\"id\":\"a\",\"n\":1}\nnot json\n{\"id\":\"b\",\"n\":2}\n{\"id\":\"a\",\"n\":3}\n",
        )
        .unwrap();
        let ix = LineIndex::build(&p, "id", None).unwrap();
        let a: Vec<serde_json::Value> = ix.get("a").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1]["n"], 3);
        assert!(ix.get::<serde_json::Value>("zzz").unwrap().is_empty());
        // An extent leaves out what lies beyond it.
        let short = LineIndex::build(&p, "id", Some(17)).unwrap();
        assert!(short.contains("a") && !short.contains("b"));
        let missing = LineIndex::build(&dir.path().join("none"), "id", None).unwrap();
        assert!(missing.is_empty());
    }
}
