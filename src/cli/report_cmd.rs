//! `verbatim report TERMS_FILE`: the search term report as CSV.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::json;
use verbatim::matter::Matter;
use verbatim::report;

use super::Ctx;
use super::output::print_json;
use super::session::Session;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A file with one term (any query) per line; blank lines and `#` lines are skipped.
    terms: PathBuf,
    /// Only count conversations this query selects.
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true)]
    within: Option<String>,
    /// Write the CSV here instead of standard output.
    #[arg(long, value_name = "FILE.csv")]
    out: Option<PathBuf>,
    /// The syntax the terms (and --within) are written in: dtsearch, westlaw or lexis. Without
    /// it, a `# syntax: westlaw` line in the terms file says; else dtsearch.
    #[arg(long)]
    syntax: Option<verbatim::query::Dialect>,
    /// Also make the terms the matter's highlight set (marked in every transcript).
    #[arg(long)]
    set_highlights: bool,
}

pub fn run(ctx: &Ctx, args: ReportArgs) -> Result<i32> {
    let bytes = std::fs::read(&args.terms)
        .with_context(|| format!("cannot read {}", args.terms.display()))?;
    let text = String::from_utf8(bytes.clone())
        .with_context(|| format!("{} is not UTF-8 text", args.terms.display()))?;
    let terms = report::read_terms(&text);
    let syntax = match args.syntax {
        Some(d) => d,
        None => report::syntax_line(&text)
            .with_context(|| format!("in {}", args.terms.display()))?
            .unwrap_or_default(),
    };
    // On a cluster each shard reports its conversations and the counts add up.
    let cluster = ctx.cluster()?;
    let (session, matter, rep, mode) = match &cluster {
        Some(opts) => {
            if args.set_highlights {
                bail!(
                    "--set-highlights is set on this machine: run the report without --scheduler"
                );
            }
            let matter = Matter::open(&ctx.matter_dir()?)?;
            let super::cluster_cmd::Connected {
                cluster: mut c,
                mode,
                ..
            } = super::cluster_cmd::connect(&matter, opts)?;
            let rep = c.report(&terms, args.within.as_deref(), syntax.name())?;
            (None, matter, rep, mode)
        }
        None => {
            let s = Session::open(ctx)?;
            let opts = verbatim::query::QueryOptions::for_matter(&s.matter.dir, &s.index, syntax)?;
            let rep = report::run(
                &s.index,
                s.lookups()?,
                &terms,
                args.within.as_deref(),
                &opts,
            )?;
            let matter = Matter::open(&s.matter.dir)?;
            (Some(s), matter, rep, opts.mode)
        }
    };
    let header = vec![
        "verbatim search term report".to_string(),
        format!("matter: {}", matter.dir.display()),
        format!(
            "index version: {}; analyzer: {}; verbatim {}",
            verbatim::index::INDEX_VERSION,
            // The analyzer this matter's index was built with (older matters keep theirs).
            matter.meta.analyzer,
            env!("CARGO_PKG_VERSION")
        ),
        format!(
            "syntax: {}; text mode: {}",
            syntax.name(),
            match mode {
                verbatim::index::analyzer::TextMode::Standard => "standard (every word indexed)",
                verbatim::index::analyzer::TextMode::Relativity =>
                    "relativity (noise words not indexed, words cut to 32 characters, _ joins words)",
            }
        ),
        format!(
            "run: {} by {}",
            chrono::Utc::now().to_rfc3339(),
            ctx.reviewer
        ),
        format!(
            "terms file: {} (SHA-256 {})",
            args.terms.display(),
            verbatim::hashing::sha256_hex(&bytes)
        ),
        format!(
            "within: {} ({} conversations)",
            args.within.as_deref().unwrap_or("(all conversations)"),
            rep.universe
        ),
    ];
    let mut entry = json!({
        "terms_file": args.terms.display().to_string(),
        "terms_sha256": verbatim::hashing::sha256_hex(&bytes),
        "terms": rep.rows.len(),
        "any": rep.any,
        "within": args.within,
        "syntax": syntax.name(),
    });
    if let Some(c) = &cluster {
        entry["scheduler"] = json!(c.scheduler);
    }
    verbatim::audit::append(&matter.dir, &ctx.reviewer, "report", entry)?;
    if args.set_highlights
        && let Some(s) = &session
    {
        let n = super::highlights_cmd::set_from_terms(s, &text, syntax)?;
        s.audit(
            "highlights",
            json!({"file": args.terms.display().to_string(), "sha256": verbatim::hashing::sha256_hex(&bytes), "terms": n, "syntax": syntax.name(), "from": "report"}),
        )?;
    }
    let csv = report::to_csv(&rep, &header);
    match &args.out {
        Some(p) => {
            verbatim::fsutil::write_atomic(p, csv.as_bytes())?;
            if !ctx.quiet {
                eprintln!(
                    "wrote {} ({} terms, {} conversations hit by any term)",
                    p.display(),
                    rep.rows.len(),
                    rep.any
                );
            }
        }
        None if ctx.json => print_json(&rep)?,
        None => print!("{csv}"),
    }
    let errors = rep.rows.iter().filter(|r| r.error.is_some()).count();
    if errors > 0 && !ctx.quiet {
        eprintln!("warning: {errors} term(s) did not parse; see the error column");
    }
    Ok(0)
}
