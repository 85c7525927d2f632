//! Bates numbers: a prefix and a zero-padded counter, one number per produced conversation.
//! The next free number of each prefix is kept in the matter (`bates.json`) so that a second
//! production continues where the first stopped.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::fsutil;

const FILE: &str = "bates.json";
const LOCK: &str = "bates.lock";

/// How a production is numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatesOptions {
    pub prefix: String,
    /// First number; by default the next free number of the prefix (1 for a new prefix).
    pub start: Option<u64>,
    /// Digits of the counter.
    pub width: usize,
}

impl BatesOptions {
    pub fn new(prefix: &str) -> BatesOptions {
        BatesOptions {
            prefix: prefix.to_string(),
            start: None,
            width: 7,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Counters {
    /// Next free number per prefix.
    next: BTreeMap<String, u64>,
}

/// The numbering of one production, holding the matter's Bates lock until it is dropped so
/// that two productions cannot hand out the same numbers.
pub struct Numbering {
    path: PathBuf,
    _lock: File,
    counters: Counters,
    prefix: String,
    width: usize,
    pub first: u64,
    next: u64,
}

impl Numbering {
    /// Locks the counters and checks the options: a prefix must be safe in file names, and a
    /// start below the next free number would hand out a number twice.
    pub fn begin(matter_dir: &Path, opts: &BatesOptions) -> Result<Numbering> {
        let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if opts.prefix.is_empty() || !opts.prefix.chars().all(ok) {
            bail!(
                "Bates prefix \"{}\" is not usable in file names: use letters, digits, '-', '_' or '.'",
                opts.prefix
            );
        }
        if !(1..=15).contains(&opts.width) {
            bail!("Bates width must be 1 to 15 digits (got {})", opts.width);
        }
        let lock = fsutil::open_append_private(&matter_dir.join(LOCK))?;
        lock.lock().context("cannot lock the Bates counters")?;
        let path = matter_dir.join(FILE);
        let counters: Counters = match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b)
                .with_context(|| format!("{} is not a Bates counter file", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Counters::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let free = counters.next.get(&opts.prefix).copied().unwrap_or(1);
        let first = match opts.start {
            Some(s) if s < free => bail!(
                "Bates numbers of prefix {} up to {} were already produced; start at {} or later",
                opts.prefix,
                format_number(&opts.prefix, free - 1, opts.width),
                free
            ),
            Some(0) => bail!("Bates numbers start at 1"),
            Some(s) if s.to_string().len() > opts.width => bail!(
                "Bates start {s} has more than {} digits; raise --bates-width",
                opts.width
            ),
            Some(s) => s,
            None => free,
        };
        Ok(Numbering {
            path,
            _lock: lock,
            counters,
            prefix: opts.prefix.clone(),
            width: opts.width,
            first,
            next: first,
        })
    }

    /// Checks that `count` numbers fit the width.
    pub fn check_capacity(&self, count: u64) -> Result<()> {
        let last = self.first.checked_add(count.saturating_sub(1));
        if last.is_none_or(|l| l.to_string().len() > self.width) {
            bail!(
                "{count} conversations from {} need more than {} digits; raise --bates-width",
                self.number(self.first),
                self.width
            );
        }
        Ok(())
    }

    /// The next number of the production.
    pub fn take(&mut self) -> String {
        let n = self.next;
        self.next = self.next.saturating_add(1);
        self.number(n)
    }

    pub fn number(&self, n: u64) -> String {
        format_number(&self.prefix, n, self.width)
    }

    /// The last number handed out, if any.
    pub fn last(&self) -> Option<String> {
        (self.next > self.first).then(|| self.number(self.next - 1))
    }

    /// Records the numbers handed out as used. Called before the production is moved into
    /// place: a crash in between skips numbers but never reuses one.
    pub fn commit(&mut self) -> Result<()> {
        let e = self.counters.next.entry(self.prefix.clone()).or_insert(1);
        *e = (*e).max(self.next);
        let bytes = serde_json::to_vec_pretty(&self.counters).context("cannot encode counters")?;
        fsutil::write_atomic(&self.path, &bytes)
    }
}

pub fn format_number(prefix: &str, n: u64, width: usize) -> String {
    format!("{prefix}{n:0width$}")
}

/// The next free number of every prefix (for `verbatim export --bates-status`-like reports).
pub fn next_numbers(matter_dir: &Path) -> Result<BTreeMap<String, u64>> {
    let path = matter_dir.join(FILE);
    match std::fs::read(&path) {
        Ok(b) => Ok(serde_json::from_slice::<Counters>(&b)
            .with_context(|| format!("{} is not a Bates counter file", path.display()))?
            .next),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_continue_across_productions() {
        let dir = tempfile::tempdir().unwrap();
        let opts = BatesOptions::new("ABC-");
        let mut n = Numbering::begin(dir.path(), &opts).unwrap();
        assert_eq!(n.take(), "ABC-0000001");
        assert_eq!(n.take(), "ABC-0000002");
        n.commit().unwrap();
        drop(n);
        let mut n = Numbering::begin(dir.path(), &opts).unwrap();
        assert_eq!(n.take(), "ABC-0000003");
        drop(n); // not committed: the numbers stay free
        let n = Numbering::begin(dir.path(), &opts).unwrap();
        assert_eq!(n.first, 3);
        drop(n);
        let reuse = BatesOptions {
            start: Some(2),
            ..opts.clone()
        };
        let err = Numbering::begin(dir.path(), &reuse).err().unwrap();
        assert!(err.to_string().contains("already produced"), "{err}");
        assert_eq!(next_numbers(dir.path()).unwrap().get("ABC-"), Some(&3));
    }

    #[test]
    fn bad_prefix_and_width() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Numbering::begin(dir.path(), &BatesOptions::new("a/b")).is_err());
        let mut o = BatesOptions::new("X");
        o.width = 2;
        o.start = Some(99);
        let n = Numbering::begin(dir.path(), &o).unwrap();
        assert!(n.check_capacity(1).is_ok());
        assert!(n.check_capacity(2).is_err());
    }
}
