//! Merging an index's segments into a few large ones (`verbatim compact`). An import leaves
//! segments of at most [`super::MAX_MERGED_DOCS`] conversations, so that its merges stay
//! bounded in memory and time; a production that is done being imported is then read far
//! more often than written, and every search opens, and looks each term up in, every segment.
//! One segment per search thread keeps every core busy on a heavy query and opens the fewest
//! files for a light one.
//!
//! A merge writes new segment files and then commits the index's metadata in one atomic
//! rename: a kill or a full disk part way leaves the index as it was, and the files of the
//! unfinished merge are removed by the next writer (tantivy's garbage collection).

use std::path::Path;

use anyhow::{Context, Result, bail};
use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;

use super::WriterSettings;

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Compacted {
    pub segments_before: usize,
    pub segments_after: usize,
    /// Live conversations, the same before and after.
    pub conversations: u64,
    /// Bytes of segment files written by the merges.
    pub bytes_merged: u64,
}

/// Groups segments (an id and its conversations each) into at most `target` groups of
/// similar size, the largest first, each to the group with the fewest conversations so far;
/// a group of one needs no merge.
pub fn plan<T: Copy + Ord>(segments: &[(T, u64)], target: usize) -> Vec<Vec<T>> {
    // More groups than segments would only be empty ones (and a huge `--segments` a huge
    // allocation).
    let target = target.min(segments.len()).max(1);
    let mut sorted = segments.to_vec();
    sorted.sort_by_key(|&(id, docs)| (std::cmp::Reverse(docs), id));
    let mut groups: Vec<(u64, Vec<T>)> = vec![(0, Vec::new()); target];
    for (id, docs) in sorted {
        let g = groups
            .iter_mut()
            .min_by_key(|g| g.0)
            .expect("at least one group");
        g.0 += docs;
        g.1.push(id);
    }
    groups
        .into_iter()
        .map(|g| g.1)
        .filter(|g| !g.is_empty())
        .collect()
}

/// Bytes of the files of `segments` in `dir` (what their merge writes again, at most).
fn segment_bytes(dir: &Path, segments: &[SegmentId]) -> Result<u64> {
    let names: Vec<String> = segments.iter().map(|s| s.uuid_string()).collect();
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if names.iter().any(|n| name.starts_with(n.as_str())) {
            total += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    Ok(total)
}

/// Free bytes on the file system of `dir`.
fn free_bytes(dir: &Path) -> Result<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .context("the index path holds a NUL byte")?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `st` a writable statvfs.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("cannot read the free space of {}", dir.display()));
    }
    Ok(st.f_bavail as u64 * st.f_frsize as u64)
}

/// Removes the index's files that no committed segment uses.
fn collect_garbage(writer: &tantivy::IndexWriter) -> Result<()> {
    writer
        .garbage_collect_files()
        .wait()
        .context("cannot remove the index's unused files")?;
    Ok(())
}

fn open(dir: &Path) -> Result<tantivy::Index> {
    tantivy::Index::open_in_dir(dir).with_context(|| format!("cannot open index {}", dir.display()))
}

/// Each searchable segment's id and conversations. Only ids are kept: every live
/// `SegmentMeta` keeps its segment's files from the garbage collection.
fn sizes(index: &tantivy::Index) -> Result<Vec<(SegmentId, u64)>> {
    Ok(index
        .searchable_segment_metas()
        .context("cannot read the index's segments")?
        .iter()
        .map(|s| (s.id(), u64::from(s.num_docs())))
        .collect())
}

/// Segments of the index in `dir`.
pub fn segments(dir: &Path) -> Result<usize> {
    Ok(sizes(&open(dir)?)?.len())
}

/// Which segments a compaction may merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every segment (`verbatim compact`).
    All,
    /// Segments of at most this many conversations; larger ones are left as they are. An
    /// import merges what it wrote with the segments no larger than it, so that a small
    /// import into a large matter does not rewrite the whole index, and each conversation is
    /// rewritten only a few times however many imports follow.
    AtMost(u64),
}

/// The merges that leave at most `target` segments (at least one group of those in
/// `scope`); none when there are `target` or fewer, and a group of one is no merge.
fn merges<T: Copy + Ord>(segments: &[(T, u64)], target: usize, scope: Scope) -> Vec<Vec<T>> {
    if segments.len() <= target {
        return Vec::new();
    }
    let (mergeable, kept): (Vec<_>, Vec<_>) = segments.iter().copied().partition(|s| match scope {
        Scope::All => true,
        Scope::AtMost(limit) => s.1 <= limit,
    });
    plan(&mergeable, target.saturating_sub(kept.len()).max(1))
        .into_iter()
        .filter(|g| g.len() > 1)
        .collect()
}

/// Whether [`compact_scope`] would merge anything in the index in `dir`.
pub fn would_merge(dir: &Path, target: usize, scope: Scope) -> Result<bool> {
    Ok(!merges(&sizes(&open(dir)?)?, target, scope).is_empty())
}

/// Conversations in the index in `dir` (0 when nothing was imported there yet).
pub fn conversations(dir: &Path) -> Result<u64> {
    if !dir.join("meta.json").exists() {
        return Ok(0);
    }
    Ok(sizes(&open(dir)?)?.iter().map(|s| s.1).sum())
}

/// Merges the segments of the index in `dir` into at most `target`. The caller holds the
/// matter's writer lock; tantivy's own lock keeps any other writer out as well. The index is
/// opened here, with no reader of its own: a reader's segments are kept from the garbage
/// collection that removes the merged ones.
pub fn compact(dir: &Path, target: usize) -> Result<Compacted> {
    compact_scope(dir, target, Scope::All)
}

/// Merges the segments `scope` allows into as many groups as leave at most `target`
/// segments in all (at least one group): nothing when the index has `target` or fewer.
pub fn compact_scope(dir: &Path, target: usize, scope: Scope) -> Result<Compacted> {
    // A symbolic link planted for the index must not take the merges' writes elsewhere.
    crate::fsutil::create_matter_subdir(dir)?;
    let index = open(dir)?;
    let segments = sizes(&index)?;
    let conversations: u64 = segments.iter().map(|s| s.1).sum();
    let before = segments.len();
    let groups = merges(&segments, target, scope);
    let settings = WriterSettings {
        threads: 1,
        memory_bytes: 16 << 20,
    };
    let mut writer = super::open_writer(&index, settings)?;
    // Only the merges asked for here: none of the writer's own after each commits.
    writer.set_merge_policy(Box::new(NoMergePolicy));
    // The files of an earlier merge that did not finish (a kill, a full disk) go first, so
    // that their space counts as free; with nothing to merge, that is all there is to do.
    collect_garbage(&writer)?;
    if groups.is_empty() {
        return Ok(Compacted {
            segments_before: before,
            segments_after: before,
            conversations,
            bytes_merged: 0,
        });
    }
    let bytes: Vec<u64> = groups
        .iter()
        .map(|g| segment_bytes(dir, g))
        .collect::<Result<_>>()?;
    let need: u64 = bytes.iter().sum();
    let largest = bytes.iter().copied().max().unwrap_or(0);
    let free = free_bytes(dir)?;
    if largest > free {
        bail!(
            "compacting needs about {} MB free beside the index for the merged segments, and {} has {} MB; \
             nothing was changed",
            largest >> 20,
            dir.display(),
            free >> 20
        );
    }
    // The groups merge side by side, one thread each, when the disk holds all their output
    // at once; otherwise one after another, each group's old files removed before the next
    // begins. What a failed merge wrote is removed.
    let results: Vec<_> = if need <= free {
        let pending: Vec<_> = groups.iter().map(|ids| writer.merge(ids)).collect();
        pending.into_iter().map(|p| p.wait()).collect()
    } else {
        let mut results = Vec::new();
        for ids in &groups {
            let r = writer.merge(ids).wait();
            collect_garbage(&writer)?;
            let failed = r.is_err();
            results.push(r);
            if failed {
                break;
            }
        }
        results
    };
    collect_garbage(&writer)?;
    for r in results {
        r.context(
            "a merge of the index's segments failed; the segments it was merging are as they were",
        )?;
    }
    writer
        .wait_merging_threads()
        .context("cannot finish the merges")?;
    let after = sizes(&index)?;
    let now: u64 = after.iter().map(|s| s.1).sum();
    if now != conversations {
        bail!(
            "the index held {conversations} conversations before the merge and {now} after; run `verbatim audit verify` and re-import"
        );
    }
    Ok(Compacted {
        segments_before: before,
        segments_after: after.len(),
        conversations,
        bytes_merged: need,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_grouped_into_balanced_groups() {
        // The segments an import of a million conversations left.
        let m: Vec<(usize, u64)> = [
            181_950, 181_850, 181_197, 181_110, 120_052, 94_952, 29_593, 29_296,
        ]
        .into_iter()
        .enumerate()
        .collect();
        let docs = |g: &Vec<usize>| -> u64 { g.iter().map(|&i| m[i].1).sum() };
        let two = plan(&m, 2);
        assert_eq!(two.len(), 2);
        assert_eq!(two.iter().map(Vec::len).sum::<usize>(), 8);
        let (a, b) = (docs(&two[0]), docs(&two[1]));
        assert!(a.abs_diff(b) < 60_000, "{a} {b}");
        assert_eq!(plan(&m, 1).len(), 1);
        // More groups than segments: each segment alone, nothing to merge.
        assert!(plan(&m, 20).iter().all(|g| g.len() == 1));
        assert_eq!(plan(&m, 0).len(), 1);
        assert_eq!(plan(&m, usize::MAX).len(), 8);
        assert!(plan::<usize>(&[], 4).is_empty());
    }

    #[test]
    fn an_import_merges_what_it_wrote_with_segments_no_larger() {
        // A first import of a million: everything, into two balanced groups.
        let m: Vec<(usize, u64)> = [181_950, 181_850, 181_197, 120_052, 29_296]
            .into_iter()
            .enumerate()
            .collect();
        let all = merges(&m, 2, Scope::AtMost(694_345));
        assert_eq!(all.len(), 2);
        assert_eq!(all.iter().map(Vec::len).sum::<usize>(), 5);
        // A small import beside two large segments: only the small ones, into one.
        let m = [(0, 500_000), (1, 500_000), (2, 900), (3, 1_000)];
        assert_eq!(merges(&m, 2, Scope::AtMost(1_000)), vec![vec![3, 2]]);
        // Nothing small enough to go with it: no merge, whatever the count.
        let m = [(0, 500_000), (1, 500_000), (2, 2_000), (3, 1_000)];
        assert!(merges(&m, 2, Scope::AtMost(1_000)).is_empty());
        // At or under the target: nothing to do.
        assert!(merges(&m[..2], 2, Scope::All).is_empty());
        assert_eq!(merges(&m, 1, Scope::All).len(), 1);
    }
}
