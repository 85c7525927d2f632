//! The export's directory: built under a temporary name next to the destination, every file
//! hashed as it is written into `manifest.sha256`, and renamed into place only when complete.
//! A killed export leaves nothing under the final name.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::fsutil;

pub const MANIFEST: &str = "manifest.sha256";
const PARTIAL: &str = ".verbatim-partial-";

/// A file being written, hashed on the way.
pub struct HashedFile {
    rel: String,
    out: BufWriter<File>,
    hash: Sha256,
    bytes: u64,
}

impl Write for HashedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The directory an export is written into.
pub struct OutDir {
    dest: PathBuf,
    tmp: PathBuf,
    manifest: BufWriter<File>,
    force: bool,
    pub files: u64,
    pub bytes: u64,
    done: bool,
}

/// What a finished export left behind.
pub struct Finished {
    pub path: PathBuf,
    pub manifest_sha256: String,
    pub files: u64,
    pub bytes: u64,
}

impl OutDir {
    /// Starts an export to `dest`. An existing destination is refused unless `force`.
    pub fn create(dest: &Path, force: bool) -> Result<OutDir> {
        fsutil::restrict_umask();
        if dest.exists() {
            if !force {
                bail!(
                    "{} already exists; choose another --out or pass --force to replace it",
                    dest.display()
                );
            }
            check_replaceable(dest)?;
        }
        let name = dest
            .file_name()
            .with_context(|| format!("{} does not name a directory", dest.display()))?
            .to_string_lossy()
            .into_owned();
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        remove_stale_partials(&parent, &name);
        let tmp = parent.join(format!(".{name}{PARTIAL}{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).with_context(|| format!("cannot clear {}", tmp.display()))?;
        }
        fsutil::create_private_dir(&tmp)?;
        let manifest = BufWriter::new(fsutil::create_private(&tmp.join(MANIFEST))?);
        Ok(OutDir {
            dest: dest.to_path_buf(),
            tmp,
            manifest,
            force,
            files: 0,
            bytes: 0,
            done: false,
        })
    }

    /// Opens `rel` (a `/`-separated path inside the export) for writing.
    pub fn open(&mut self, rel: &str) -> Result<HashedFile> {
        let path = self.tmp.join(rel);
        if let Some(dir) = path.parent()
            && !dir.exists()
        {
            fsutil::create_private_dir(dir)?;
        }
        Ok(HashedFile {
            rel: rel.to_string(),
            out: BufWriter::with_capacity(1 << 16, fsutil::create_private(&path)?),
            hash: Sha256::new(),
            bytes: 0,
        })
    }

    /// Finishes a file and enters it in the manifest.
    pub fn close(&mut self, mut f: HashedFile) -> Result<()> {
        f.out
            .flush()
            .with_context(|| format!("cannot write {}", f.rel))?;
        let sha = crate::hashing::hex(&f.hash.finalize());
        writeln!(self.manifest, "{sha}  {}", f.rel).context("cannot write the manifest")?;
        self.files += 1;
        self.bytes += f.bytes;
        Ok(())
    }

    /// Writes a whole file at once.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let mut f = self.open(rel)?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {rel}"))?;
        self.close(f)
    }

    /// Where `rel` goes in the directory being built, for a file another program writes
    /// (then entered in the manifest by [`OutDir::adopt`]).
    pub fn staging_path(&self, rel: &str) -> PathBuf {
        self.tmp.join(rel)
    }

    /// Enters a file another program wrote at [`OutDir::staging_path`] in the manifest, owner
    /// readable only like the rest.
    pub fn adopt(&mut self, rel: &str) -> Result<()> {
        let path = self.tmp.join(rel);
        fsutil::set_mode(&path, 0o600)?;
        let f = File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = f.metadata().map(|m| m.len()).unwrap_or(0);
        let sha = crate::hashing::sha256_reader(f)
            .with_context(|| format!("cannot hash {}", path.display()))?;
        writeln!(self.manifest, "{sha}  {rel}").context("cannot write the manifest")?;
        self.files += 1;
        self.bytes += bytes;
        Ok(())
    }

    /// Completes the export: the manifest is closed, everything is flushed to disk, and the
    /// directory takes its final name (replacing an old one only under `force`).
    pub fn finish(mut self) -> Result<Finished> {
        self.manifest.flush().context("cannot write the manifest")?;
        let manifest_path = self.tmp.join(MANIFEST);
        let manifest_sha256 = crate::hashing::sha256_reader(
            File::open(&manifest_path).context("cannot reread the manifest")?,
        )
        .context("cannot hash the manifest")?;
        sync_tree(&self.tmp)?;
        let parent = self.tmp.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut old = None;
        if self.dest.exists() {
            if !self.force {
                // The finished export stays where it is, as the message says.
                self.done = true;
                bail!(
                    "{} appeared while exporting; the export is left in {}",
                    self.dest.display(),
                    self.tmp.display()
                );
            }
            let aside = parent.join(format!(
                ".{}.verbatim-replaced-{}",
                self.dest.file_name().unwrap_or_default().to_string_lossy(),
                std::process::id()
            ));
            fs::rename(&self.dest, &aside)
                .with_context(|| format!("cannot move the old {} aside", self.dest.display()))?;
            old = Some(aside);
        }
        if let Err(e) = fs::rename(&self.tmp, &self.dest) {
            // Put the old export back rather than leave it under a hidden name.
            if let Some(old) = &old {
                let _ = fs::rename(old, &self.dest);
            }
            return Err(e).with_context(|| {
                format!(
                    "cannot rename {} to {}",
                    self.tmp.display(),
                    self.dest.display()
                )
            });
        }
        self.done = true;
        fsutil::sync_dir(&parent);
        if let Some(old) = old {
            let cleared = if old.is_dir() {
                fs::remove_dir_all(&old)
            } else {
                fs::remove_file(&old)
            };
            cleared.with_context(|| format!("cannot remove the replaced {}", old.display()))?;
        }
        Ok(Finished {
            path: self.dest.clone(),
            manifest_sha256,
            files: self.files + 1,
            bytes: self.bytes,
        })
    }
}

impl Drop for OutDir {
    /// An export that did not finish (error, cancel) removes its temporary directory.
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// `--force` replaces only an earlier export: a directory holding a manifest. Anything else
/// (a file, a matter, a folder of someone's work) is refused.
fn check_replaceable(dest: &Path) -> Result<()> {
    if !dest.is_dir() || !dest.join(MANIFEST).is_file() {
        bail!(
            "{} is not an earlier export (no {MANIFEST} in it); --force only replaces exports, so remove it yourself or choose another --out",
            dest.display()
        );
    }
    Ok(())
}

/// Flushes every file of the export to disk before it is renamed into place: one `syncfs`
/// where the platform has it, rather than an fsync per file.
fn sync_tree(dir: &Path) -> Result<()> {
    let d = File::open(dir).with_context(|| format!("cannot open {}", dir.display()))?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: the descriptor is valid for the duration of the call.
        if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("cannot flush {} to disk", dir.display()));
        }
    }
    #[cfg(not(target_os = "linux"))]
    d.sync_all()
        .with_context(|| format!("cannot flush {} to disk", dir.display()))?;
    Ok(())
}

/// Removes temporary directories left by killed exports to the same destination (their
/// process is gone).
fn remove_stale_partials(parent: &Path, name: &str) {
    let prefix = format!(".{name}{PARTIAL}");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        if pid as u32 != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn process_alive(pid: i32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_under_the_final_name_until_finished() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        let mut o = OutDir::create(&dest, false).unwrap();
        o.write("a/b.txt", b"hello\n").unwrap();
        assert!(!dest.exists());
        let f = o.finish().unwrap();
        assert_eq!(fs::read(dest.join("a/b.txt")).unwrap(), b"hello\n");
        let manifest = fs::read_to_string(dest.join(MANIFEST)).unwrap();
        assert_eq!(
            manifest,
            format!("{}  a/b.txt\n", crate::hashing::sha256_hex(b"hello\n"))
        );
        assert_eq!(f.files, 2);
        // Refused without force, replaced with it; a dropped export leaves no trace.
        assert!(OutDir::create(&dest, false).is_err());
        let mut o = OutDir::create(&dest, true).unwrap();
        o.write("c.txt", b"x").unwrap();
        drop(o);
        assert!(dest.join("a/b.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        let mut o = OutDir::create(&dest, true).unwrap();
        o.write("c.txt", b"x").unwrap();
        o.finish().unwrap();
        assert!(!dest.join("a").exists());
        assert!(dest.join("c.txt").exists());
    }
}
