//! `verbatim compact`: the index's segments merged into one per search thread; and the same
//! merge at the end of an import.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;
use verbatim::index::compact::{self, Scope};
use verbatim::matter::Matter;

use super::Ctx;
use super::output::{print_json, thousands};

#[derive(Args, Debug)]
pub struct CompactArgs {
    /// Segments to leave, at most (default: one per core), shared among a sharded matter's
    /// shards, each of which keeps at least one.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    segments: Option<u32>,
}

/// Search threads, and so segments, a matter's index is merged for.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub fn run(ctx: &Ctx, args: CompactArgs) -> Result<i32> {
    let matter = Matter::open(&ctx.matter_dir()?)?;
    let _lock = matter.lock_writer()?;
    let dirs = matter.index_dirs();
    if !dirs.iter().all(|d| d.join("meta.json").exists()) {
        bail!("no conversations have been imported into this matter yet; nothing to compact");
    }
    let total = args.segments.map_or(cores(), |n| n as usize);
    let jobs: Vec<(PathBuf, Scope)> = dirs.into_iter().map(|d| (d, Scope::All)).collect();
    let m = merge(
        ctx,
        &matter,
        &jobs,
        total,
        "compaction stopped: the index is as it was before the unfinished merge",
    )?;
    if ctx.json {
        print_json(
            &json!({"segments_before": m.before, "segments_after": m.after, "conversations": m.conversations, "seconds": m.seconds, "indexes": m.indexes}),
        )?;
    } else {
        println!(
            "{} conversations: {} segments merged into {} in {:.1} s",
            thousands(m.conversations),
            m.before,
            m.after,
            m.seconds
        );
    }
    Ok(0)
}

/// An import's last step: what it wrote is merged, with the segments no larger than it, so
/// that the index it leaves has one segment per core where it can (`before`: each index's
/// conversations before the import). Nothing is merged when the index is already in that
/// many segments or fewer. A merge that cannot run (a full disk) leaves the import as it is
/// and says so (the return value: whether it did); the import's exit code is its own.
pub fn after_import(ctx: &Ctx, matter_dir: &Path, before: &[(PathBuf, u64)]) -> bool {
    // The import itself is committed: a merge that could not run is a note, not a failed
    // import.
    match merge_after_import(ctx, matter_dir, before) {
        Ok(()) => false,
        Err(e) => {
            eprintln!(
                "note: the import is complete, but its segments were not merged: {e:#}; `verbatim compact` merges them later"
            );
            true
        }
    }
}

fn merge_after_import(ctx: &Ctx, matter_dir: &Path, before: &[(PathBuf, u64)]) -> Result<()> {
    let matter = Matter::open(matter_dir)?;
    let _lock = matter.lock_writer()?;
    let dirs = matter.index_dirs();
    let total = cores();
    let per_dir = (total / dirs.len().max(1)).max(1);
    let mut jobs = Vec::new();
    for d in dirs {
        if !d.join("meta.json").exists() {
            continue;
        }
        let was = before.iter().find(|(p, _)| *p == d).map_or(0, |(_, n)| *n);
        let added = compact::conversations(&d)?.saturating_sub(was);
        let scope = Scope::AtMost(added.max(1));
        // Nothing to merge is nothing to record either.
        if compact::would_merge(&d, per_dir, scope)? {
            jobs.push((d, scope));
        }
    }
    if jobs.is_empty() {
        return Ok(());
    }
    let m = merge(
        ctx,
        &matter,
        &jobs,
        total,
        "merge stopped: the import is complete and the index is as it was before the unfinished merge; `verbatim compact` merges it later",
    )?;
    if !(ctx.quiet || ctx.json) {
        eprintln!(
            "merged the index's {} segments into {} in {:.1} s (searches open fewer files)",
            m.before, m.after, m.seconds
        );
    }
    Ok(())
}

/// What the merges of a matter's indexes did, together.
pub struct Merged {
    pub before: u64,
    pub after: u64,
    pub conversations: u64,
    pub seconds: f64,
    pub indexes: Vec<compact::Compacted>,
}

/// Merges each index of `jobs` within its scope so that the matter keeps at most `total`
/// segments, shared among its indexes (each keeps at least one). The caller holds the
/// matter's writer lock. Recorded in the audit trail: `compact-start` first, then `compact`
/// or `compact-failed`. Ctrl-C leaves at once with `stopped` said.
fn merge(
    ctx: &Ctx,
    matter: &Matter,
    jobs: &[(PathBuf, Scope)],
    total: usize,
    stopped: &'static str,
) -> Result<Merged> {
    let per_dir = (total / matter.index_dirs().len().max(1)).max(1);
    let after_import = jobs.iter().any(|j| matches!(j.1, Scope::AtMost(_)));
    // Recorded before the merges begin, so that a compaction stopped part way is on the
    // trail too.
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "compact-start",
        json!({"segments": total, "indexes": jobs.len(), "after_import": after_import}),
    )?;
    let started = Instant::now();
    // The merges run on tantivy's threads and cannot be stopped part way; Ctrl-C leaves
    // now, which is safe (see `index::compact`), rather than when they end.
    let cancel = ctx.cancel.clone();
    let quiet = ctx.quiet || ctx.json;
    let merging = Arc::new(AtomicBool::new(true));
    let still = merging.clone();
    let watcher = std::thread::spawn(move || {
        while still.load(Ordering::Relaxed) {
            if cancel.load(Ordering::Relaxed) {
                eprintln!("{stopped}");
                // SAFETY: ends the process at once, as a kill would; nothing is half-written
                // that the next writer does not clean up.
                unsafe { libc::_exit(130) };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let mut done = Vec::new();
    for (dir, scope) in jobs {
        if !quiet {
            eprintln!("merging the segments of {} ...", dir.display());
        }
        match compact::compact_scope(dir, per_dir, *scope) {
            Ok(c) => done.push(c),
            Err(e) => {
                // A refusal or a failed merge is on the trail too, not only a start.
                merging.store(false, Ordering::Relaxed);
                let _ = watcher.join();
                verbatim::audit::append(
                    &matter.dir,
                    &ctx.reviewer,
                    "compact-failed",
                    json!({"index": dir.display().to_string(), "error": format!("{e:#}")}),
                )?;
                return Err(e);
            }
        }
    }
    merging.store(false, Ordering::Relaxed);
    let _ = watcher.join();
    let sum = |f: fn(&compact::Compacted) -> u64| done.iter().map(f).sum::<u64>();
    let m = Merged {
        before: sum(|c| c.segments_before as u64),
        after: sum(|c| c.segments_after as u64),
        conversations: sum(|c| c.conversations),
        seconds: started.elapsed().as_secs_f64(),
        indexes: done,
    };
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "compact",
        json!({"segments_before": m.before, "segments_after": m.after, "conversations": m.conversations, "seconds": m.seconds, "after_import": after_import}),
    )?;
    Ok(m)
}
