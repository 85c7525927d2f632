//! `verbatim compact`: the index's segments merged into one per search thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;
use verbatim::index::compact;
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

pub fn run(ctx: &Ctx, args: CompactArgs) -> Result<i32> {
    let matter = Matter::open(&ctx.matter_dir()?)?;
    let _lock = matter.lock_writer()?;
    let dirs = matter.index_dirs();
    if !dirs.iter().all(|d| d.join("meta.json").exists()) {
        bail!("no conversations have been imported into this matter yet; nothing to compact");
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let total = args.segments.map_or(cores, |n| n as usize);
    // Shared among the shards; each keeps at least one.
    let per_dir = (total / dirs.len()).max(1);
    // Recorded before the merges begin, so that a compaction stopped part way is on the
    // trail too.
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "compact-start",
        json!({"segments": total, "indexes": dirs.len()}),
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
                eprintln!("compaction stopped: the index is as it was before the unfinished merge");
                // SAFETY: ends the process at once, as a kill would; nothing is half-written
                // that the next writer does not clean up.
                unsafe { libc::_exit(130) };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let mut done = Vec::new();
    for dir in &dirs {
        if !quiet {
            eprintln!("merging the segments of {} ...", dir.display());
        }
        match compact::compact(dir, per_dir) {
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
    let before = sum(|c| c.segments_before as u64);
    let after = sum(|c| c.segments_after as u64);
    let conversations = sum(|c| c.conversations);
    let seconds = started.elapsed().as_secs_f64();
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "compact",
        json!({"segments_before": before, "segments_after": after, "conversations": conversations, "seconds": seconds}),
    )?;
    if ctx.json {
        print_json(
            &json!({"segments_before": before, "segments_after": after, "conversations": conversations, "seconds": seconds, "indexes": done}),
        )?;
    } else {
        println!(
            "{} conversations: {before} segments merged into {after} in {seconds:.1} s",
            thousands(conversations)
        );
    }
    Ok(0)
}
