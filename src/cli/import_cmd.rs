//! `verbatim import FILE|DIR...`

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use verbatim::import::{self, Format, ImportOptions, ImportSummary, Input, manifest};
use verbatim::matter::{DeliveryRecord, Matter};

use super::Ctx;
use super::output::{human_bytes, print_json, thousands, visible_line};
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
    /// end of the import; an interrupted import loses at most the work since the last commit,
    /// and a rerun resumes there).
    #[arg(long, value_name = "N")]
    commit_every: Option<u64>,
    /// The producing party's list of file hashes (sha256sum, sha1sum or md5sum output, or a
    /// CSV of path and hash): every received file is checked against it before anything is
    /// imported. Paths in it are relative to the one directory given, or else to the
    /// manifest's own directory.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Import even when files are missing, extra or do not match the manifest (each exception
    /// is recorded in the audit trail and matter.json).
    #[arg(long, requires = "manifest")]
    accept_mismatch: bool,
    /// A file holding the password of encrypted zip members (its first line).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// Column names of a Parquet layout that is not LMSYS or WildChat:
    /// `id=COL,messages=COL[,model=COL,timestamp=COL,language=COL]`.
    #[arg(long, value_name = "MAP")]
    columns: Option<String>,
    /// Index a new matter so counts match another tool's: `relativity` (dtSearch noise words
    /// not indexed but counted in w/N, words cut to 32 characters, _ inside words). Fixed at
    /// the first import; `standard` is the default.
    #[arg(long, value_name = "MODE", value_parser = parse_compat)]
    compat: Option<verbatim::index::analyzer::TextMode>,
    /// Split a new matter's conversations into N shards as they are imported (each a matter of
    /// its own under `shards/`, a conversation placed by a fixed hash of its id). A matter
    /// split before is imported into its shards without this.
    #[arg(long, value_name = "N")]
    shards: Option<u32>,
    /// Leave the index in the segments the import wrote instead of merging them (with the
    /// index's segments no larger than this import) into one per core at the end. The merge
    /// rewrites what was imported once more: about a tenth of the import's time.
    #[arg(long)]
    no_compact: bool,
}

fn parse_compat(s: &str) -> Result<verbatim::index::analyzer::TextMode, String> {
    verbatim::index::analyzer::TextMode::parse(s)
        .ok_or_else(|| format!("unknown compatibility mode \"{s}\" (relativity or standard)"))
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
        eprintln!("note: {}", visible_line(why));
    }
    if files.is_empty() {
        bail!(
            "no importable files (.json, .jsonl, .ndjson, optionally .gz or .zst; .zip, .tar, \
             .tar.gz, .tgz, .tar.zst archives; .parquet) in the paths given"
        );
    }
    // The manifest is the list of the delivery, not a file left out of it.
    let manifest_real = args
        .manifest
        .as_ref()
        .and_then(|m| std::fs::canonicalize(m).ok());
    let ignored: Vec<PathBuf> = ignored
        .into_iter()
        .filter(|p| manifest_real.is_none() || std::fs::canonicalize(p).ok() != manifest_real)
        .collect();
    if !ctx.quiet && !ignored.is_empty() {
        eprintln!(
            "note: {} file(s) with other extensions left out (e.g. {})",
            ignored.len(),
            visible_line(&ignored[0].display().to_string())
        );
    }
    let dir = ctx.matter_dir()?;
    // On a cluster the matter is a sharded one that exists; nothing is made here.
    let mut matter = if ctx.scheduler.is_some() {
        Matter::open(&dir)?
    } else {
        Matter::open_or_create(&dir)?
    };
    let mut files = files;
    if let Some(manifest) = &args.manifest {
        if let Some(code) = check_delivery(ctx, &mut matter, &args, manifest, &files)? {
            return Ok(code);
        }
        // The manifest is the list, not a delivered file.
        let real = std::fs::canonicalize(manifest).ok();
        files.retain(|f| std::fs::canonicalize(f).ok() != real);
    }
    let password = match &args.password_file {
        Some(p) => Some(read_password(p)?),
        None => None,
    };
    let opts = ImportOptions {
        password,
        compat: args.compat,
        shards: args.shards,
        columns: args.columns.clone(),
        format: args.format,
        writer: verbatim::index::WriterSettings {
            threads: args.threads,
            memory_bytes: args.memory << 20,
        },
        commit_every_records: args.commit_every.unwrap_or(u64::MAX).max(1),
        reviewer: ctx.reviewer.clone(),
        ..ImportOptions::default()
    };
    // Each index's conversations before the import: its last step merges what was added.
    let before: Vec<(PathBuf, u64)> = matter
        .index_dirs()
        .into_iter()
        .map(|d| {
            let n = verbatim::index::compact::conversations(&d).unwrap_or(0);
            (d, n)
        })
        .collect();
    let inputs: Vec<Input> = files.into_iter().map(Input::File).collect();
    let mut bar = Bar::new(ctx.quiet, "records");
    let cluster = ctx.cluster()?;
    let summary = match &cluster {
        None => import::import(&mut matter, &inputs, &opts, &mut bar, &ctx.cancel)?,
        Some(c) => {
            if args.shards.is_some() && !matter.is_sharded() {
                bail!(
                    "--scheduler imports into the shards of a sharded matter; split it first \
                     (import --shards N here, or verbatim shard split --shards N)"
                );
            }
            let mut connected = super::cluster_cmd::connect(&matter, c)?;
            // Each commit is a round of the shards; rounds bound what the coordinator holds.
            let opts = ImportOptions {
                commit_every_records: args.commit_every.unwrap_or_else(cluster_round).max(1),
                ..opts
            };
            import::import_to(
                &mut matter,
                &inputs,
                &opts,
                Some(&mut connected.cluster),
                &mut bar,
                &ctx.cancel,
            )?
        }
    };
    if ctx.json {
        print_json(&summary)?;
    } else {
        print_summary(&summary, ctx.quiet);
    }
    drop(matter);
    if cluster.is_some() {
        if verbatim::groups::load(&dir)?.is_some() && summary.imported > 0 {
            eprintln!(
                "note: near-duplicate groups were not brought up to date on the cluster: run `verbatim groups` on a machine that reads the shards"
            );
        }
        return Ok(exit_code(&summary));
    }
    let stopped = ctx.cancel.load(std::sync::atomic::Ordering::Relaxed);
    let noted = summary.imported > 0
        && !args.no_compact
        && !stopped
        && super::compact_cmd::after_import(ctx, &dir, &before);
    if summary.imported > 0 && !noted && !ctx.quiet && !ctx.json {
        suggest_compact(&dir);
    }
    // Near-duplicate groups, once built, follow the matter: the new conversations are
    // compared (only they are read) and the groups written again.
    if summary.imported > 0 && verbatim::groups::load(&dir)?.is_some() && !stopped {
        super::groups_cmd::update_after_import(ctx)?;
    }
    Ok(exit_code(&summary))
}

/// An index left in more segments than a search has threads is worth compacting once the
/// production is in: say so.
fn suggest_compact(dir: &std::path::Path) {
    let Ok(matter) = verbatim::matter::Matter::open(dir) else {
        return;
    };
    let segments: usize = matter
        .index_dirs()
        .iter()
        .filter_map(|d| verbatim::index::compact::segments(d).ok())
        .sum();
    let cores = super::compact_cmd::cores();
    if segments > cores {
        eprintln!(
            "note: the index is in {segments} segments; `verbatim compact` merges them into {cores} (one per core) so that searches open fewer files"
        );
    }
}

/// Conversations per round of an import on a cluster (`$VERBATIM_CLUSTER_IMPORT_ROUND`, or
/// 10,000: about 20 MB of synthetic conversations sent through the scheduler at once).
fn cluster_round() -> u64 {
    std::env::var("VERBATIM_CLUSTER_IMPORT_ROUND")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// The first line of a password file, without its line ending.
fn read_password(path: &std::path::Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the password file {}", path.display()))?;
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        bail!("the password file {} is empty", path.display());
    }
    Ok(line.to_vec())
}

/// Checks the delivery against the manifest and records the check; `Some(1)` when it stops
/// the import.
fn check_delivery(
    ctx: &Ctx,
    matter: &mut Matter,
    args: &ImportArgs,
    manifest: &std::path::Path,
    files: &[PathBuf],
) -> Result<Option<i32>> {
    let m = manifest::parse(manifest)?;
    let root = match args.paths.as_slice() {
        [one] if one.is_dir() => one.clone(),
        _ => manifest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    if !ctx.quiet {
        eprintln!(
            "checking {} files listed in {} against {}...",
            thousands(m.entries.len() as u64),
            visible_line(&manifest.display().to_string()),
            visible_line(&root.display().to_string())
        );
    }
    let mut v = manifest::verify(&m, &root)?;
    // Every file to be imported must be one the check covered: a path given beside the
    // delivery is not let through unchecked.
    let root_real = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    let manifest_real = std::fs::canonicalize(manifest).ok();
    let listed: std::collections::HashSet<&str> =
        m.entries.iter().map(|e| e.path.as_str()).collect();
    for f in files {
        let real = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        if Some(&real) == manifest_real.as_ref() {
            continue;
        }
        let rel = real.strip_prefix(&root_real).ok().map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        });
        match rel {
            Some(rel) if listed.contains(rel.as_str()) => {}
            Some(rel) => {
                if !v.extra.contains(&rel) {
                    v.extra.push(rel);
                }
            }
            None => v.extra.push(format!(
                "{} (outside {}, the directory checked)",
                f.display(),
                root.display()
            )),
        }
    }
    let exceptions = v.exceptions();
    let result = if v.ok() {
        "verified"
    } else if args.accept_mismatch {
        "exceptions accepted"
    } else {
        "stopped"
    };
    let record = DeliveryRecord {
        time: chrono::Utc::now(),
        by: ctx.reviewer.clone(),
        manifest: std::fs::canonicalize(manifest)
            .unwrap_or_else(|_| manifest.to_path_buf())
            .display()
            .to_string(),
        manifest_sha256: v.manifest_sha256.clone(),
        root: std::fs::canonicalize(&root)
            .unwrap_or_else(|_| root.clone())
            .display()
            .to_string(),
        algorithms: v.algorithms.iter().map(|a| a.name().to_string()).collect(),
        listed: v.listed,
        matched: v.matched,
        result: result.to_string(),
        exceptions: exceptions.clone(),
    };
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "delivery-verify",
        serde_json::to_value(&record)?,
    )?;
    {
        let _lock = matter.lock_writer()?;
        // Another import may have written matter.json while the files were hashed.
        matter.meta = Matter::open(&matter.dir)?.meta;
        matter.meta.deliveries.push(record);
        matter.save()?;
    }
    println!(
        "manifest {}: {} of {} listed files match ({}); {} missing, {} mismatched, {} not listed",
        visible_line(&manifest.display().to_string()),
        thousands(v.matched as u64),
        thousands(v.listed as u64),
        v.algorithms
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", "),
        v.missing.len(),
        v.mismatched.len(),
        v.extra.len()
    );
    for e in &exceptions {
        println!("  {}", visible_line(e));
    }
    if v.ok() || args.accept_mismatch {
        if !v.ok() {
            eprintln!(
                "note: importing despite the exceptions above (--accept-mismatch); each is recorded in the audit trail"
            );
        }
        return Ok(None);
    }
    eprintln!(
        "error: the delivery does not match its manifest: nothing imported. Ask the producing \
         party about the files above, or import anyway with --accept-mismatch (each exception \
         is recorded)"
    );
    Ok(Some(1))
}

/// An archive's own line: its members' lines follow it.
fn print_archive(f: &import::FileSummary, kind: &str, read: usize, quiet: bool) {
    println!(
        "{}: {kind} archive, {read} member(s) read, {} left out",
        visible_line(&f.path),
        f.skipped_members.len()
    );
    if !quiet {
        for m in f.skipped_members.iter().take(20) {
            println!("  left out: {}", visible_line(m));
        }
        if f.skipped_members.len() > 20 {
            println!("  ... and {} more", f.skipped_members.len() - 20);
        }
        for n in &f.notes {
            eprintln!("  note: {}", visible_line(n));
        }
    }
    if let Some(e) = &f.error {
        eprintln!("error: {}", visible_line(e));
    }
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
            println!("{}: skipped, {why}", visible_line(&f.path));
            continue;
        }
        if let Some(kind) = f.container.as_deref().filter(|k| *k != "parquet") {
            let read = s
                .files
                .iter()
                .filter(|m| m.archive.as_deref() == Some(f.path.as_str()))
                .count();
            print_archive(f, kind, read, quiet);
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
            visible_line(&f.path),
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
            eprintln!("error: {}", visible_line(e));
        } else if f.failed {
            eprintln!(
                "error: {}: no conversation could be read from this file",
                visible_line(&f.path)
            );
        }
        if !quiet {
            for p in &f.problems {
                eprintln!("  rejected: {}", visible_line(p));
            }
            if c.rejected > f.problems.len() as u64 {
                eprintln!(
                    "  ... {} more rejected records listed in rejects.jsonl in the matter",
                    c.rejected - f.problems.len() as u64
                );
            }
            for n in &f.notes {
                eprintln!("  note: {}", visible_line(n));
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
