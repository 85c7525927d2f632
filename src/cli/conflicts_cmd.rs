//! `verbatim conflicts [--all]` and `verbatim conflicts resolve ID CALL`: second-level review,
//! the calls reviewers disagree on and the lead's decisions.

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::review::Palette;
use verbatim::review::conflicts::{self, Decision};

use super::Ctx;
use super::output::{print_json, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct ConflictsArgs {
    #[command(subcommand)]
    command: Option<ConflictsCommand>,
    /// Also the conflicts a decision settled.
    #[arg(long)]
    all: bool,
}

#[derive(Subcommand, Debug)]
enum ConflictsCommand {
    /// Settle a conflict: the calling reviewer (the lead) makes the call, recorded as a
    /// decision with an optional note, and the conversation is tagged with it.
    Resolve {
        id: String,
        call: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

pub fn run(ctx: &Ctx, args: ConflictsArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let dir = s.matter.dir.clone();
    let palette = Palette::load(&dir)?;
    match args.command {
        None => {
            let decisions = conflicts::decisions(&dir)?;
            let all = conflicts::find(s.state()?, &palette, &decisions);
            let shown: Vec<_> = all
                .into_iter()
                .filter(|c| args.all || c.decision.is_none())
                .collect();
            if ctx.json {
                print_json(&shown)?;
                return Ok(0);
            }
            if shown.is_empty() {
                println!("no conflicting calls");
            }
            for c in &shown {
                let calls: Vec<String> = c
                    .calls
                    .iter()
                    .map(|(r, x)| format!("{} {}", visible_line(r), x.tag))
                    .collect();
                let settled = match &c.decision {
                    Some(d) => format!("  → decided {} by {}", d.call, visible_line(&d.by)),
                    None => String::new(),
                };
                println!(
                    "{}  {}: {}{settled}",
                    visible_line(&c.conversation),
                    c.group,
                    calls.join(" · ")
                );
            }
        }
        Some(ConflictsCommand::Resolve { id, call, note }) => {
            let Some(group) = palette.group_of(&call).map(str::to_string) else {
                bail!("\"{call}\" is not a call: a tag of an exclusive group of the palette");
            };
            drop(s);
            super::review_cmd::tag_one(ctx, &id, &call)?;
            let d = Decision {
                conversation: id.clone(),
                group: group.clone(),
                call: call.clone(),
                by: ctx.reviewer.clone(),
                time: chrono::Utc::now(),
                note: note.clone(),
            };
            conflicts::record(&dir, &d)?;
            verbatim::audit::append(
                &dir,
                &ctx.reviewer,
                "conflict-decision",
                json!({"conversation": id, "group": group, "call": call, "note": note}),
            )?;
            if !ctx.quiet {
                println!("{}: {group} decided {call}", visible_line(&id));
            }
        }
    }
    Ok(0)
}
