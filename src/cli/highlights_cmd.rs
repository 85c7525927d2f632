//! `verbatim highlights set FILE|show|clear`: the team's highlight set, marked in every
//! transcript.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::query::{Dialect, QueryOptions};
use verbatim::review::highlights::{self, HighlightSet};

use super::Ctx;
use super::output::{print_json, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct HighlightsArgs {
    #[command(subcommand)]
    command: HighlightsCommand,
}

#[derive(Subcommand, Debug)]
enum HighlightsCommand {
    /// Make a terms file the matter's highlight set: one query per line, optionally after a
    /// colour (yellow, cyan, magenta, green, blue, red): `red: "climate change"`.
    Set {
        file: std::path::PathBuf,
        #[arg(long, default_value = "dtsearch")]
        syntax: Dialect,
    },
    /// The highlight set.
    Show,
    /// Remove the highlight set.
    Clear,
}

pub fn run(ctx: &Ctx, args: HighlightsArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let dir = &s.matter.dir;
    match args.command {
        HighlightsCommand::Set { file, syntax } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = set_from_terms(&s, &text, syntax)?;
            s.audit(
                "highlights",
                json!({"file": file.display().to_string(), "sha256": verbatim::hashing::sha256_hex(text.as_bytes()), "terms": n, "syntax": syntax.name()}),
            )?;
            if !ctx.quiet {
                println!("highlight set: {n} terms (marked in every transcript)");
            }
        }
        HighlightsCommand::Show => match highlights::load(dir)? {
            Some(set) if ctx.json => print_json(&set)?,
            Some(set) => {
                for t in &set.terms {
                    println!("{:<8} {}", t.colour, visible_line(&t.query));
                }
            }
            None => println!("no highlight set (verbatim highlights set FILE)"),
        },
        HighlightsCommand::Clear => {
            let had = highlights::clear(dir)?;
            s.audit("highlights-cleared", json!({"had": had}))?;
            if !ctx.quiet {
                println!(
                    "{}",
                    if had {
                        "highlight set removed"
                    } else {
                        "no highlight set"
                    }
                );
            }
        }
    }
    Ok(0)
}

/// Makes the terms of `text` the matter's highlight set (each must parse); the number of
/// terms.
pub fn set_from_terms(s: &Session, text: &str, syntax: Dialect) -> Result<usize> {
    let terms = highlights::parse_terms(text)?;
    let opts = QueryOptions::for_matter(&s.matter.dir, &s.index, syntax)?;
    for t in &terms {
        verbatim::query::parse_with(&t.query, &opts)
            .with_context(|| format!("line {}: \"{}\" does not parse", t.line, t.query))?;
    }
    let n = terms.len();
    highlights::save(
        &s.matter.dir,
        &HighlightSet {
            syntax,
            by: s.reviewer.clone(),
            time: chrono::Utc::now(),
            terms,
        },
    )?;
    Ok(n)
}
