//! The producing party's list of file hashes, checked against what was received before any of
//! it is imported: `sha256sum`, `sha1sum` and `md5sum` output (GNU and BSD styles), or a CSV
//! with a path column and a hash column.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha256,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
        }
    }

    fn from_len(hex_len: usize) -> Option<Algorithm> {
        match hex_len {
            32 => Some(Algorithm::Md5),
            40 => Some(Algorithm::Sha1),
            64 => Some(Algorithm::Sha256),
            _ => None,
        }
    }

    fn from_name(name: &str) -> Option<Algorithm> {
        let n: String = name
            .to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        match n.as_str() {
            "md5" | "md5hash" | "md5sum" => Some(Algorithm::Md5),
            "sha1" | "sha1hash" | "sha1sum" => Some(Algorithm::Sha1),
            "sha256" | "sha256hash" | "sha256sum" => Some(Algorithm::Sha256),
            _ => None,
        }
    }
}

/// One listed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// As listed, with `/` separators and no leading `./`.
    pub path: String,
    /// Lower-case hex.
    pub hash: String,
    pub algorithm: Algorithm,
    /// Line of the manifest it came from (1-based).
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: PathBuf,
    pub sha256: String,
    pub entries: Vec<Entry>,
}

/// Reads a manifest; a line that is neither a hash line nor blank nor a comment is an error
/// naming it (a manifest half understood would let files through unchecked).
pub fn parse(path: &Path) -> Result<Manifest> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the manifest {}", path.display()))?;
    let sha256 = crate::hashing::sha256_hex(&bytes);
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!(
            "the manifest {} is not UTF-8 text (UTF-16? convert it with iconv first)",
            path.display()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let entries = if looks_like_csv(text) {
        parse_csv(text)
    } else {
        parse_sums(text)
    }
    .with_context(|| format!("the manifest {} cannot be read", path.display()))?;
    if entries.is_empty() {
        bail!("the manifest {} lists no files", path.display());
    }
    let mut seen: BTreeMap<String, Entry> = BTreeMap::new();
    for e in &entries {
        if let Some(prev) = seen.get(&e.path)
            && (prev.hash != e.hash || prev.algorithm != e.algorithm)
        {
            bail!(
                "the manifest {} lists {} twice with different hashes (lines {} and {})",
                path.display(),
                e.path,
                prev.line,
                e.line
            );
        }
        seen.entry(e.path.clone()).or_insert_with(|| e.clone());
    }
    // A line repeated is one file.
    let mut entries: Vec<Entry> = seen.into_values().collect();
    entries.sort_by_key(|e| e.line);
    Ok(Manifest {
        path: path.to_path_buf(),
        sha256,
        entries,
    })
}

fn looks_like_csv(text: &str) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let lower = first.to_ascii_lowercase();
    (first.contains(',') || first.contains('\t'))
        && [
            "path", "file", "name", "hash", "sha", "md5", "checksum", "digest",
        ]
        .iter()
        .any(|k| lower.contains(k))
        && !is_hex_token(first.split_whitespace().next().unwrap_or(""))
}

fn is_hex_token(s: &str) -> bool {
    Algorithm::from_len(s.len()).is_some() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `HASH  NAME`, `HASH *NAME` (GNU), `\HASH  NAME` (GNU, escaped name) and
/// `SHA256 (NAME) = HASH` (BSD, `--tag`).
fn parse_sums(text: &str) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let n = i + 1;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(e) = parse_bsd(line, n) {
            out.push(e);
            continue;
        }
        let (escaped, body) = match line.strip_prefix('\\') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let Some((hash, rest)) = body.split_once(' ') else {
            bail!("line {n} is not `HASH  FILE`: {}", shown(line));
        };
        let algorithm = Algorithm::from_len(hash.len())
            .filter(|_| hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .with_context(|| {
                format!(
                    "line {n}: `{}` is not an MD5, SHA-1 or SHA-256 hash",
                    shown(hash)
                )
            })?;
        // GNU separates with two spaces (text mode) or a space and `*` (binary mode).
        let name = rest
            .strip_prefix(' ')
            .or_else(|| rest.strip_prefix('*'))
            .unwrap_or(rest);
        let name = if escaped {
            unescape(name)
        } else {
            name.to_string()
        };
        out.push(Entry {
            path: normalise(&name),
            hash: hash.to_ascii_lowercase(),
            algorithm,
            line: n,
        });
    }
    Ok(out)
}

fn parse_bsd(line: &str, n: usize) -> Option<Entry> {
    let (algo, rest) = line.split_once(" (")?;
    let algorithm = Algorithm::from_name(algo)?;
    let (name, hash) = rest.rsplit_once(") = ")?;
    let hash = hash.trim();
    (Algorithm::from_len(hash.len()) == Some(algorithm)
        && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    .then(|| Entry {
        path: normalise(name),
        hash: hash.to_ascii_lowercase(),
        algorithm,
        line: n,
    })
}

fn unescape(name: &str) -> String {
    let mut out = String::new();
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_csv(text: &str) -> Result<Vec<Entry>> {
    let delimiter = if text.lines().next().unwrap_or("").contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr.headers().context("cannot read the CSV header")?.clone();
    let norm = |h: &str| -> String {
        h.to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let path_col = headers
        .iter()
        .position(|h| {
            matches!(
                norm(h).as_str(),
                "path" | "file" | "filename" | "filepath" | "name" | "relativepath" | "fullpath"
            )
        })
        .context("the CSV has no path column (path, file, filename, file path)")?;
    let hash_col = headers
        .iter()
        .position(|h| {
            Algorithm::from_name(h).is_some()
                || matches!(
                    norm(h).as_str(),
                    "hash" | "checksum" | "digest" | "hashvalue"
                )
        })
        .context("the CSV has no hash column (sha256, sha1, md5, hash, checksum)")?;
    let named = Algorithm::from_name(&headers[hash_col]);
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.with_context(|| format!("line {line}"))?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let path = rec.get(path_col).unwrap_or("").trim();
        let hash = rec.get(hash_col).unwrap_or("").trim();
        if path.is_empty() {
            bail!("line {line}: no path");
        }
        let algorithm = Algorithm::from_len(hash.len())
            .filter(|_| hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|a| named.is_none_or(|n| n == *a))
            .with_context(|| {
                format!(
                    "line {line}: `{}` is not {} hash",
                    shown(hash),
                    named
                        .map(|a| format!("a {}", a.name()))
                        .unwrap_or_else(|| { "an MD5, SHA-1 or SHA-256".to_string() })
                )
            })?;
        out.push(Entry {
            path: normalise(path),
            hash: hash.to_ascii_lowercase(),
            algorithm,
            line,
        });
    }
    Ok(out)
}

/// `/` separators (manifests made on Windows use `\`), no leading `./`.
fn normalise(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut s = p.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

fn shown(s: &str) -> String {
    let cut: String = s.chars().take(80).collect();
    cut.escape_debug().to_string()
}

/// A listed file whose bytes are not the listed ones.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Mismatch {
    pub path: String,
    pub algorithm: Algorithm,
    pub expected: String,
    pub actual: String,
}

/// The result of checking a delivery against its manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verification {
    pub manifest: String,
    pub manifest_sha256: String,
    /// The directory the listed paths are relative to.
    pub root: String,
    pub algorithms: Vec<Algorithm>,
    pub listed: usize,
    pub matched: usize,
    /// Listed, not received (or pointing outside the delivery).
    pub missing: Vec<String>,
    /// Received, not listed.
    pub extra: Vec<String>,
    pub mismatched: Vec<Mismatch>,
    /// Bytes hashed.
    pub bytes: u64,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.mismatched.is_empty()
    }

    /// One line per exception, for the terminal and the audit trail.
    pub fn exceptions(&self) -> Vec<String> {
        let mut out = Vec::new();
        for m in &self.missing {
            out.push(format!(
                "missing: {m} is listed in the manifest but was not received"
            ));
        }
        for m in &self.mismatched {
            out.push(format!(
                "mismatch: {} has {} {} but the manifest lists {}",
                m.path,
                m.algorithm.name(),
                m.actual,
                m.expected
            ));
        }
        for e in &self.extra {
            out.push(format!(
                "extra: {e} was received but is not in the manifest"
            ));
        }
        out
    }
}

/// Checks every file under `root` against the manifest: each listed file must be there with
/// the listed hash, and nothing else may be (the manifest itself aside).
pub fn verify(manifest: &Manifest, root: &Path) -> Result<Verification> {
    let (received, outside) = list_files(root)?;
    let manifest_real = std::fs::canonicalize(&manifest.path).ok();
    let root_real = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    // A manifest made with `find . -type f | xargs sha256sum` lists itself (with the hash of
    // its unfinished self): that line is not a file of the delivery.
    let listed_self = |e: &Entry| {
        manifest_real.is_some()
            && std::fs::canonicalize(root_real.join(&e.path)).ok() == manifest_real
    };
    let entries: Vec<&Entry> = manifest
        .entries
        .iter()
        .filter(|e| !listed_self(e))
        .collect();
    let received: BTreeSet<String> = received
        .into_iter()
        .filter(|(_, real)| Some(real) != manifest_real.as_ref())
        .map(|(rel, _)| rel)
        .collect();
    let listed: BTreeSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    let mut extra: Vec<String> = received
        .iter()
        .filter(|p| !listed.contains(p.as_str()))
        .cloned()
        .collect();
    extra.extend(
        outside
            .into_iter()
            .map(|p| format!("{p} (a link leading outside the delivery; not read)")),
    );
    let results: Vec<Result<(Option<String>, u64)>> = entries
        .par_iter()
        .map(|e| {
            if !inside(&e.path) || !received.contains(&e.path) {
                return Ok((None, 0));
            }
            let path = root.join(&e.path);
            let (hash, bytes) = hash_file(&path, e.algorithm)?;
            Ok((Some(hash), bytes))
        })
        .collect();
    let mut v = Verification {
        manifest: manifest.path.display().to_string(),
        manifest_sha256: manifest.sha256.clone(),
        root: root.display().to_string(),
        algorithms: entries
            .iter()
            .map(|e| e.algorithm)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        listed: entries.len(),
        matched: 0,
        missing: Vec::new(),
        extra,
        mismatched: Vec::new(),
        bytes: 0,
    };
    for (e, r) in entries.iter().zip(results) {
        let (hash, bytes) = r?;
        v.bytes += bytes;
        match hash {
            None => v.missing.push(e.path.clone()),
            Some(h) if h == e.hash => v.matched += 1,
            Some(h) => v.mismatched.push(Mismatch {
                path: e.path.clone(),
                algorithm: e.algorithm,
                expected: e.hash.clone(),
                actual: h,
            }),
        }
    }
    Ok(v)
}

/// A listed path that stays inside the delivery (no `..`, not absolute).
fn inside(path: &str) -> bool {
    Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Every regular file below `root`: its path relative to `root` (with `/`) and its real path;
/// and the entries that are links leading outside `root` (never followed).
type Listing = (Vec<(String, PathBuf)>, Vec<String>);

fn list_files(root: &Path) -> Result<Listing> {
    let mut out = Vec::new();
    let mut outside = Vec::new();
    let root_real =
        std::fs::canonicalize(root).with_context(|| format!("cannot read {}", root.display()))?;
    let mut stack = vec![root.to_path_buf()];
    let mut seen = BTreeSet::new();
    while let Some(dir) = stack.pop() {
        let real = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(real) {
            continue;
        }
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
        {
            let p = entry
                .with_context(|| format!("cannot list {}", dir.display()))?
                .path();
            let Ok(meta) = std::fs::metadata(&p) else {
                continue;
            };
            let rel_of = |p: &Path| {
                p.strip_prefix(root)
                    .unwrap_or(p)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            };
            if std::fs::canonicalize(&p).is_ok_and(|real| !real.starts_with(&root_real)) {
                outside.push(rel_of(&p));
                continue;
            }
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let real = std::fs::canonicalize(&p).unwrap_or(p);
                out.push((rel, real));
            }
        }
    }
    Ok((out, outside))
}

fn hash_file(path: &Path, algorithm: Algorithm) -> Result<(String, u64)> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    let mut md5 = <md5::Md5 as md5::Digest>::new();
    let mut sha1 = <sha1::Sha1 as sha1::Digest>::new();
    let mut sha256 = <sha2::Sha256 as sha2::Digest>::new();
    loop {
        let n = r
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        match algorithm {
            Algorithm::Md5 => md5::Digest::update(&mut md5, &buf[..n]),
            Algorithm::Sha1 => sha1::Digest::update(&mut sha1, &buf[..n]),
            Algorithm::Sha256 => sha2::Digest::update(&mut sha256, &buf[..n]),
        }
    }
    let hex = match algorithm {
        Algorithm::Md5 => crate::hashing::hex(&md5::Digest::finalize(md5)),
        Algorithm::Sha1 => crate::hashing::hex(&sha1::Digest::finalize(sha1)),
        Algorithm::Sha256 => crate::hashing::hex(&sha2::Digest::finalize(sha256)),
    };
    Ok((hex, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gnu_bsd_and_csv_manifests_are_read() {
        let sums = format!(
            "# delivery 1\n{}  ./a/one.jsonl\n{} *two.jsonl.gz\n\\{}  new\\nline.json\n",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "d41d8cd98f00b204e9800998ecf8427e",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        let e = parse_sums(&sums).unwrap();
        assert_eq!(e[0].path, "a/one.jsonl");
        assert_eq!(e[1].algorithm, Algorithm::Md5);
        assert_eq!(e[1].path, "two.jsonl.gz");
        assert_eq!(e[2].path, "new\nline.json");
        assert_eq!(e[2].algorithm, Algorithm::Sha1);
        let bsd = parse_sums("SHA256 (x y.jsonl) = E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\n").unwrap();
        assert_eq!(bsd[0].path, "x y.jsonl");
        assert!(bsd[0].hash.starts_with("e3b0"));
        let csv = "File Name,SHA-256\r\nvol1\\a.jsonl,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\r\n";
        assert!(looks_like_csv(csv));
        let c = parse_csv(csv).unwrap();
        assert_eq!(c[0].path, "vol1/a.jsonl");
        assert_eq!(c[0].algorithm, Algorithm::Sha256);
    }

    #[test]
    fn a_line_not_understood_is_an_error_with_its_number() {
        let err = parse_sums("d41d8cd98f00b204e9800998ecf8427e  a.json\nnonsense here\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        let err = parse_csv(
            "path,md5\na.json,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 2") && err.contains("md5"), "{err}");
    }

    #[test]
    fn paths_leaving_the_delivery_are_never_read() {
        assert!(!inside("../etc/passwd"));
        assert!(!inside("/etc/passwd"));
        assert!(inside("a/b.jsonl"));
    }
}
