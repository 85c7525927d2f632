//! `verbatim import FILE|DIR...`

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;
use verbatim::import::{self, Format, ImportOptions, ImportSummary, Input};
use verbatim::matter::Matter;

use super::Ctx;
use super::output::{human_bytes, print_json, thousands};
use super::progress_bar::Bar;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Files or directories (searched recursively) to import.
    #[arg(required = true, value_name = "FILE|DIR")]
    paths: Vec<PathBuf>,
    /// Force the format instead of recognising it: chatgpt, openai, sharegpt, lmsys, arena, hh.
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Indexing memory budget in MiB (shared by the indexing threads).
    #[arg(long, default_value_t = 512, value_name = "MIB")]
    memory: usize,
    /// Indexing threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Also commit to the index every N records (it always commits once a minute and at the
    /// end of each file; an interrupted import loses at most the work since the last commit,
    /// and a rerun resumes there).
    #[arg(long, value_name = "N")]
    commit_every: Option<u64>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse_name(s).ok_or_else(|| {
        format!("unknown format \"{s}\" (chatgpt, openai, sharegpt, lmsys, arena, hh)")
    })
}

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<i32> {
    let import::Expanded {
        files,
        ignored,
        skipped,
    } = import::expand_paths(&args.paths)?;
    for why in &skipped {
        eprintln!("note: {why}");
    }
    if files.is_empty() {
        bail!(
            "no importable files (.json, .jsonl, .ndjson, optionally .gz or .zst) in the paths given"
        );
    }
    if !ctx.quiet && !ignored.is_empty() {
        eprintln!(
            "note: {} file(s) with other extensions left out (e.g. {})",
            ignored.len(),
            ignored[0].display()
        );
    }
    let dir = ctx.matter_dir()?;
    let mut matter = Matter::open_or_create(&dir)?;
    let opts = ImportOptions {
        format: args.format,
        writer: verbatim::index::WriterSettings {
            threads: args.threads,
            memory_bytes: args.memory << 20,
        },
        commit_every_records: args.commit_every.unwrap_or(u64::MAX).max(1),
        reviewer: ctx.reviewer.clone(),
        ..ImportOptions::default()
    };
    let inputs: Vec<Input> = files.into_iter().map(Input::File).collect();
    let mut bar = Bar::new(ctx.quiet, "records");
    let summary = import::import(&mut matter, &inputs, &opts, &mut bar, &ctx.cancel)?;
    if ctx.json {
        print_json(&summary)?;
    } else {
        print_summary(&summary, ctx.quiet);
    }
    Ok(exit_code(&summary))
}

/// 1 when a file yielded nothing readable, or the import was interrupted.
pub fn exit_code(s: &ImportSummary) -> i32 {
    if s.interrupted || s.files.iter().any(|f| f.failed) {
        1
    } else {
        0
    }
}

pub fn print_summary(s: &ImportSummary, quiet: bool) {
    for f in &s.files {
        if let Some(why) = &f.skipped {
            println!("{}: skipped, {why}", f.path);
            continue;
        }
        let c = f.counts;
        let mbps = if f.seconds > 0.0 {
            c.text_bytes as f64 / f.seconds / 1e6
        } else {
            0.0
        };
        println!(
            "{}: {} records ({}, {}): {} imported, {} duplicates, {} rejected{}",
            f.path,
            thousands(c.records),
            f.format.as_deref().unwrap_or("format not recognised"),
            f.layout.as_deref().unwrap_or("?"),
            thousands(c.imported),
            thousands(c.duplicates),
            thousands(c.rejected),
            if c.renamed > 0 {
                format!(" ({} kept under a derived id)", thousands(c.renamed))
            } else {
                String::new()
            }
        );
        if let Some(r) = f.resumed_after {
            println!("  resumed after record {r} of an interrupted import");
        }
        if let Some(t) = &f.truncated {
            println!(
                "  truncated: {} (record {} starts at byte {}, line {}); every complete record before it was imported",
                t.reason, t.record, t.offset, t.line
            );
        }
        if let Some(e) = &f.error {
            eprintln!("error: {e}");
        } else if f.failed {
            eprintln!(
                "error: {}: no conversation could be read from this file",
                f.path
            );
        }
        if !quiet {
            for p in &f.problems {
                eprintln!("  rejected: {p}");
            }
            if c.rejected > f.problems.len() as u64 {
                eprintln!(
                    "  ... {} more rejected records listed in rejects.jsonl in the matter",
                    c.rejected - f.problems.len() as u64
                );
            }
            for n in &f.notes {
                eprintln!("  note: {n}");
            }
        }
        if !quiet {
            println!(
                "  {} of message text in {:.1}s ({:.1} MB/s)",
                human_bytes(c.text_bytes),
                f.seconds,
                mbps
            );
        }
    }
    println!(
        "total: {} imported, {} duplicates, {} rejected{}{}",
        thousands(s.imported),
        thousands(s.duplicates),
        thousands(s.rejected),
        if s.truncated { ", input truncated" } else { "" },
        if s.interrupted {
            "; interrupted: run the same command again to finish"
        } else {
            ""
        }
    );
}
