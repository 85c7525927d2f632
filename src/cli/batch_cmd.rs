//! `verbatim batch create|checkout|checkin|status|reassign`: a review split into batches that
//! reviewers check out one at a time.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::query::{Dialect, QueryOptions};
use verbatim::review::batches::{self, Checkout};

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct BatchArgs {
    #[command(subcommand)]
    command: BatchCommand,
}

#[derive(Subcommand, Debug)]
enum BatchCommand {
    /// Split a query's matches (in production order) into numbered batches: SET-001, ...
    #[command(after_help = "Examples:
  verbatim batch create first-pass --query 'label:reproduced AND reviewed:no' --size 50
  verbatim --reviewer ann batch checkout first-pass
  verbatim --reviewer ann review --batch
  verbatim --reviewer ann batch checkin
  verbatim batch status first-pass")]
    Create {
        name: String,
        #[arg(long, allow_hyphen_values = true)]
        query: String,
        #[arg(long, default_value_t = 50)]
        size: usize,
        #[arg(long, default_value = "dtsearch")]
        syntax: Dialect,
    },
    /// Give the calling reviewer the next free batch (of SET, or of any set); the batch they
    /// already hold comes back until they check it in.
    Checkout { set: Option<String> },
    /// Check in the calling reviewer's batch (or the one named).
    Checkin { batch: Option<String> },
    /// Per batch: assigned to, checked out and in when, coded of size.
    Status { set: Option<String> },
    /// Give a batch to another reviewer (checked out to them now).
    Reassign { batch: String, reviewer: String },
}

pub fn run(ctx: &Ctx, args: BatchArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let dir = &s.matter.dir;
    match args.command {
        BatchCommand::Create {
            name,
            query,
            size,
            syntax,
        } => {
            let opts = QueryOptions::for_matter(dir, &s.index, syntax)?;
            let node = verbatim::query::parse_with(&query, &opts)
                .with_context(|| format!("the query of batch set \"{name}\" does not parse"))?;
            let ids = verbatim::search::production_ids(&s.index, s.lookups()?, &node)?;
            let set = batches::create(dir, &name, &query, syntax, size, ids, &s.reviewer)?;
            let total: usize = set.batches.iter().map(|b| b.ids.len()).sum();
            s.audit(
                "batch-create",
                json!({"name": name, "query": query, "syntax": syntax.name(), "size": size, "batches": set.batches.len(), "conversations": total}),
            )?;
            if ctx.json {
                print_json(
                    &json!({"name": name, "batches": set.batches.len(), "conversations": total}),
                )?;
            } else if !ctx.quiet {
                println!(
                    "{name}: {} conversations in {} batches of up to {size} ({} to {})",
                    thousands(total as u64),
                    set.batches.len(),
                    set.batches[0].id,
                    set.batches[set.batches.len() - 1].id
                );
            }
        }
        BatchCommand::Checkout { set } => {
            match batches::checkout(dir, set.as_deref(), &s.reviewer)? {
                Some(Checkout::New(b)) => {
                    s.audit(
                        "batch-checkout",
                        json!({"batch": b.id, "conversations": b.ids.len()}),
                    )?;
                    if ctx.json {
                        print_json(
                            &json!({"batch": b.id, "conversations": b.ids.len(), "new": true}),
                        )?;
                    } else {
                        println!(
                            "{} ({} conversations) checked out to {}",
                            b.id,
                            b.ids.len(),
                            visible_line(&s.reviewer)
                        );
                    }
                }
                Some(Checkout::Held(b)) => {
                    if ctx.json {
                        print_json(
                            &json!({"batch": b.id, "conversations": b.ids.len(), "new": false}),
                        )?;
                    } else {
                        println!(
                            "{} ({} conversations) is already yours: check it in (verbatim batch checkin) for another",
                            b.id,
                            b.ids.len()
                        );
                    }
                }
                None => {
                    if ctx.json {
                        print_json(&json!({"batch": null}))?;
                    } else {
                        println!("no free batch");
                    }
                    return Ok(1);
                }
            }
        }
        BatchCommand::Checkin { batch } => {
            let b = batches::checkin(dir, batch.as_deref(), &s.reviewer)?;
            let coded = coded(&s, &b.ids)?;
            s.audit(
                "batch-checkin",
                json!({"batch": b.id, "coded": coded, "conversations": b.ids.len()}),
            )?;
            if !ctx.quiet {
                println!("{} checked in: {coded} of {} coded", b.id, b.ids.len());
            }
        }
        BatchCommand::Status { set } => {
            let sets = match &set {
                Some(n) => vec![batches::load(dir, n)?],
                None => batches::all(dir)?,
            };
            let mut rows = Vec::new();
            for st in &sets {
                for b in &st.batches {
                    let c = coded(&s, &b.ids)?;
                    rows.push(json!({
                        "batch": b.id, "assigned": b.assigned, "checked_out": b.checked_out,
                        "checked_in": b.checked_in, "coded": c, "size": b.ids.len(),
                    }));
                    if !ctx.json {
                        println!(
                            "{:<16} {:<14} {:<17} {:<17} {c:>5} of {}",
                            b.id,
                            visible_line(b.assigned.as_deref().unwrap_or("-")),
                            b.checked_out
                                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or_else(|| "-".into()),
                            b.checked_in
                                .map(|t| format!("in {}", t.format("%m-%d %H:%M")))
                                .unwrap_or_else(|| {
                                    if b.open() { "open".into() } else { "-".into() }
                                }),
                            b.ids.len()
                        );
                    }
                }
            }
            if ctx.json {
                print_json(&rows)?;
            } else if sets.is_empty() {
                println!("no batches (verbatim batch create NAME --query Q --size N)");
            }
        }
        BatchCommand::Reassign { batch, reviewer } => {
            let (b, before) = batches::reassign(dir, &batch, &reviewer)?;
            s.audit(
                "batch-reassign",
                json!({"batch": b.id, "from": before, "to": reviewer}),
            )?;
            if !ctx.quiet {
                println!(
                    "{} reassigned from {} to {}",
                    b.id,
                    visible_line(before.as_deref().unwrap_or("nobody")),
                    visible_line(&reviewer)
                );
            }
        }
    }
    Ok(0)
}

/// How many of `ids` someone has coded.
fn coded(s: &Session, ids: &[String]) -> Result<usize> {
    let st = s.state()?;
    Ok(ids
        .iter()
        .filter(|id| st.view(id).is_some_and(|c| c.reviewed()))
        .count())
}
