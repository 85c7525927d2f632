//! `verbatim designation`: the matter's default confidentiality designation and each
//! conversation's own, coded in the review journal (undo works on it as on a tag).

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::review::designation;
use verbatim::review::{Action, Draft};
use verbatim::search;

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::review_cmd::{audit_events, confirm, print_saved, require_conversation};
use super::session::Session;

#[derive(Args, Debug)]
pub struct DesignationArgs {
    #[command(subcommand)]
    command: Option<DesignationCommand>,
}

#[derive(Subcommand, Debug)]
enum DesignationCommand {
    /// Show the matter's default, the designations allowed, and how many conversations carry each.
    Show,
    /// Set the matter's default designation (one of the list in config.toml).
    Set { text: String },
    /// Remove the matter's default designation.
    Clear,
    /// Designate conversations: `code ID TEXT`, or `code --query QUERY TEXT`.
    Code(CodeArgs),
    /// Remove conversations' own designation (the default applies again): `uncode ID`, or
    /// `uncode --query QUERY`.
    Uncode(CodeArgs),
}

#[derive(Args, Debug)]
struct CodeArgs {
    /// `ID TEXT` (code), `ID` (uncode); with --query only `TEXT` (code) or nothing (uncode).
    words: Vec<String>,
    /// Every conversation this query matches (one bulk event).
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// Do not ask before a bulk change.
    #[arg(long)]
    yes: bool,
}

pub fn run(ctx: &Ctx, args: DesignationArgs) -> Result<i32> {
    match args.command.unwrap_or(DesignationCommand::Show) {
        DesignationCommand::Show => show(ctx),
        DesignationCommand::Set { text } => {
            let dir = ctx.matter_dir()?;
            verbatim::matter::Matter::open(&dir)?;
            let d = designation::canonical(&text, &designation::list(&dir)?)?;
            designation::set_matter_default(&dir, &ctx.reviewer, Some(&d))?;
            println!("matter designation: {d}");
            Ok(0)
        }
        DesignationCommand::Clear => {
            let dir = ctx.matter_dir()?;
            verbatim::matter::Matter::open(&dir)?;
            designation::set_matter_default(&dir, &ctx.reviewer, None)?;
            println!("matter designation cleared");
            Ok(0)
        }
        DesignationCommand::Code(a) => code(ctx, a, true),
        DesignationCommand::Uncode(a) => code(ctx, a, false),
    }
}

fn show(ctx: &Ctx) -> Result<i32> {
    let s = Session::open(ctx)?;
    let default = designation::matter_default(&s.matter.dir)?;
    let list = designation::list(&s.matter.dir)?;
    let mut coded: BTreeMap<String, u64> = BTreeMap::new();
    for (_, c) in s.state()?.convs() {
        if let Some(d) = c.designation() {
            *coded.entry(d.to_string()).or_default() += 1;
        }
    }
    if ctx.json {
        print_json(&json!({"default": default, "allowed": list, "coded": coded}))?;
        return Ok(0);
    }
    match &default {
        Some(d) => println!("matter designation: {d}"),
        None => println!(
            "matter designation: none (set one: verbatim designation set \"{}\")",
            list.last().map(String::as_str).unwrap_or("CONFIDENTIAL")
        ),
    }
    println!("allowed (config.toml `designations`):");
    for d in &list {
        println!(
            "  {d:<45} {:>8} coded",
            thousands(coded.get(d).copied().unwrap_or(0))
        );
    }
    Ok(0)
}

fn code(ctx: &Ctx, args: CodeArgs, on: bool) -> Result<i32> {
    let mut s = Session::open(ctx)?;
    let need = usize::from(args.query.is_none()) + usize::from(on);
    if args.words.len() != need {
        bail!(
            "{}",
            match (on, args.query.is_some()) {
                (true, false) => "give a conversation id and a designation (or --query QUERY TEXT)",
                (true, true) => "give the designation (one argument, in quotes)",
                (false, false) => "give a conversation id (or --query QUERY)",
                (false, true) => "with --query, uncode takes no other argument",
            }
        );
    }
    let value = if on {
        designation::canonical(
            args.words.last().map(String::as_str).unwrap_or_default(),
            &designation::list(&s.matter.dir)?,
        )?
    } else {
        String::new()
    };
    let ids = match &args.query {
        Some(q) => {
            let node = search::parse_for(&s.index, Some(&s.matter.dir), q)
                .context("the query does not parse")?;
            search::matching_ids_full(&s.index, s.lookups()?, &node)?
        }
        None => {
            require_conversation(&s, &args.words[0])?;
            vec![args.words[0].clone()]
        }
    };
    let want = (!value.is_empty()).then(|| value.clone());
    let reviewer = s.reviewer.clone();
    let st = s.state()?;
    let changed: Vec<String> = ids
        .into_iter()
        .filter(|id| st.view(id).and_then(|c| c.designation()) != want.as_deref())
        .collect();
    if changed.is_empty() {
        println!(
            "{}: nothing recorded",
            if on {
                format!("already designated {value}")
            } else {
                "no designation of its own".to_string()
            }
        );
        return Ok(0);
    }
    if args.query.is_some() && !args.yes {
        let q = format!(
            "{} {} conversation(s){}? [y/N] ",
            if on { "Designate" } else { "Uncode" },
            thousands(changed.len() as u64),
            if on {
                format!(" {}", visible_line(&value))
            } else {
                String::new()
            }
        );
        if !confirm(&q)? {
            println!("nothing changed");
            return Ok(1);
        }
    }
    let events = s.journal_mut()?.append(&reviewer, |st| {
        let now: Vec<String> = changed
            .iter()
            .filter(|id| st.get(id).and_then(|c| c.designation.clone()) != want)
            .cloned()
            .collect();
        Ok(if now.is_empty() {
            Vec::new()
        } else {
            vec![Draft {
                conversations: now,
                action: Action::Designate,
                value: json!(value),
                replaces: Vec::new(),
                via: None,
            }]
        })
    })?;
    audit_events(&s, &events)?;
    print_saved(ctx, s.state()?, &events)?;
    Ok(0)
}
