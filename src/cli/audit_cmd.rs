//! `verbatim audit [verify]`: print or verify the audit trail.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use verbatim::audit;

use super::Ctx;
use super::output::print_json;

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: Option<AuditCommand>,
    /// Only entries on or after this date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Only entries by this reviewer (`--reviewer NAME` on this command line does the same).
    #[arg(long = "by", value_name = "NAME")]
    by: Option<String>,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain; exit 0 when intact, 1 naming the first broken entry otherwise.
    Verify,
}

pub fn run(ctx: &Ctx, args: AuditArgs) -> Result<i32> {
    let dir = ctx.matter_dir()?;
    verbatim::matter::Matter::open(&dir)?;
    if let Some(AuditCommand::Verify) = args.command {
        let v = audit::verify(&dir)?;
        if ctx.json {
            print_json(&v)?;
        } else if v.intact {
            println!("audit trail intact: {} entries; head {}", v.entries, v.head);
        } else {
            println!(
                "audit trail BROKEN at entry {}: {}",
                v.first_broken_line.unwrap_or(0),
                v.reason.as_deref().unwrap_or("")
            );
        }
        return Ok(if v.intact { 0 } else { 1 });
    }
    let since = match &args.since {
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .with_context(|| format!("--since takes a date YYYY-MM-DD, not \"{d}\""))?,
        ),
        None => None,
    };
    // --reviewer is the global "who am I"; filtering uses --by, or --reviewer when given
    // explicitly on this command line.
    let who = args.by.clone().or_else(|| ctx.reviewer_flag.clone());
    let entries: Vec<audit::Entry> = audit::read(&dir)?
        .into_iter()
        .filter(|e| since.is_none_or(|d| e.time.date_naive() >= d))
        .filter(|e| who.as_deref().is_none_or(|w| e.reviewer == w))
        .collect();
    if ctx.json {
        for e in &entries {
            print_json(e)?;
        }
        return Ok(0);
    }
    for e in &entries {
        let data = serde_json::Value::Object(e.data.clone()).to_string();
        println!(
            "#{:<6} {}  {:<12} {:<8} {}",
            e.seq,
            e.time.format("%Y-%m-%d %H:%M:%S"),
            e.reviewer,
            e.event,
            data
        );
    }
    Ok(0)
}
