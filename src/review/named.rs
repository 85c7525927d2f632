//! Named JSON files of the matter shared by a team (saved searches, lists, batch sets): read
//! without following a planted link, listed by name, changed under a lock file.

use std::path::Path;

use anyhow::{Context, Result};

use crate::fsutil;

/// A matter file's bytes (a symlink refused), or `None` when it is missing.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    use std::io::Read;
    let Some(mut f) = fsutil::open_read(path)? else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(bytes))
}

/// Runs `f` holding the exclusive lock `matter/lock`.
pub fn locked<T>(matter: &Path, lock: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let file = fsutil::open_append_private(&matter.join(lock))?;
    file.lock()
        .with_context(|| format!("cannot lock {}", matter.join(lock).display()))?;
    let out = f();
    let _ = file.unlock();
    out
}

/// The names of the `NAME.json` files in `dir` that are valid names, sorted (none when the
/// directory is missing).
pub fn names(dir: &Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .map(str::to_string)
        })
        .filter(|n| super::saved::check_name(n).is_ok())
        .collect();
    out.sort();
    Ok(out)
}
