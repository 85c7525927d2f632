//! File-system helpers that keep the matter private and its files whole.
//!
//! Everything verbatim writes is under a protective order, so files are created readable by
//! their owner only, and files that must never be seen half-written go through a temporary name,
//! an fsync and a rename.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Restricts every file and directory this process creates (tantivy's included) to its owner.
pub fn restrict_umask() {
    // SAFETY: umask only changes the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` (and parents) and makes sure it is private (0700).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create directory {}", dir.display()))?;
    set_mode(dir, 0o700)
}

/// Creates a directory inside the matter (samples, places, the register, ...) like
/// [`create_private_dir`], but refuses one that is a symbolic link: a link planted in the
/// matter must never redirect a write. (The matter directory itself may be a link the user
/// chose.)
pub fn create_matter_subdir(dir: &Path) -> Result<()> {
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        anyhow::bail!(
            "{} is a symbolic link; a matter's directories must be real directories (remove the link)",
            dir.display()
        );
    }
    create_private_dir(dir)
}

#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set permissions of {}", path.display()))
}

#[cfg(not(unix))]
pub fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

/// Open options that never follow a symbolic link at the last component: a symlink planted
/// in a matter or at an export destination must not redirect a write (or a truncation) to a
/// file elsewhere.
fn no_follow(opts: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW).mode(0o600);
    }
    opts
}

/// The error for a failed open: a symlink refused by name, else `what` with the path.
fn open_error(e: std::io::Error, path: &Path, what: &str) -> anyhow::Error {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        anyhow::anyhow!(
            "refusing to follow the symbolic link {}: matter files and export destinations \
             must be regular files",
            path.display()
        )
    } else {
        anyhow::Error::new(e).context(format!("{what} {}", path.display()))
    }
}

/// Opens `path` for appending, creating it private (0600) when missing; a symlink is refused.
pub fn open_append_private(path: &Path) -> Result<File> {
    open_append(path, false)
}

/// Opens `path` for appending and for reading back (a log whose end is checked before each
/// write), creating it private (0600) when missing; a symlink is refused.
pub fn open_append_read_private(path: &Path) -> Result<File> {
    open_append(path, true)
}

fn open_append(path: &Path, read: bool) -> Result<File> {
    no_follow(OpenOptions::new().create(true).read(read).append(true))
        .open(path)
        .map_err(|e| open_error(e, path, "cannot open for appending"))
}

/// Creates (truncating) `path` as a private file; a symlink is refused.
pub fn create_private(path: &Path) -> Result<File> {
    no_follow(OpenOptions::new().create(true).write(true).truncate(true))
        .open(path)
        .map_err(|e| open_error(e, path, "cannot create"))
}

/// Opens an existing matter file to read; a symlink is refused. `Ok(None)` when it is missing.
pub fn open_read(path: &Path) -> Result<Option<File>> {
    match no_follow(OpenOptions::new().read(true)).open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(open_error(e, path, "cannot open")),
    }
}

/// Opens an existing matter file to read and write (to trim a torn tail); a symlink is refused.
pub fn open_rw(path: &Path) -> Result<File> {
    no_follow(OpenOptions::new().read(true).write(true))
        .open(path)
        .map_err(|e| open_error(e, path, "cannot open"))
}

/// Writes `bytes` to `path` atomically: a reader (or a crash) sees the old content or the new,
/// never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| {
        let mut f = create_private(&tmp)?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("cannot sync {}", tmp.display()))?;
        fs::rename(&tmp, path)
            .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
    })();
    if written.is_err() {
        // A full disk, say: no empty or partial temporary is left behind for each attempt.
        let _ = fs::remove_file(&tmp);
    }
    written?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename durable. Best effort: not every platform can sync a directory.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Reads a JSON Lines file into values (a missing file is empty); a line that does not parse
/// is an error naming the line and `what` it should have been.
pub fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<Vec<T>> {
    use std::io::BufRead;
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .with_context(|| format!("{} line {} is not {what}", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

/// File name without a `.gz`, `.zst` or `.zstd` ending, lower-cased.
pub fn uncompressed_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    for ext in [".gz", ".zst", ".zstd"] {
        if let Some(base) = lower.strip_suffix(ext) {
            return base.to_string();
        }
    }
    lower
}

/// Total size in bytes of the files below `dir`.
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_atomic_write_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        // A directory in the way: the temporary is written, and the rename over it fails, as
        // a write on a full disk fails after creating it.
        let p = dir.path().join("head");
        fs::create_dir(&p).unwrap();
        for _ in 0..3 {
            assert!(write_atomic(&p, b"x").is_err());
        }
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["head"]);
    }
}
