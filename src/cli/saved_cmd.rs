//! `verbatim saved add|list|rm` (saved searches, used in any query as `@NAME`) and
//! `verbatim list add|ls|show|rm` (frozen sets of conversations, used as `list:NAME`).

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::query::{Dialect, QueryOptions};
use verbatim::review::saved::{self, List, SavedSearch};

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct SavedArgs {
    #[command(subcommand)]
    command: SavedCommand,
}

#[derive(Subcommand, Debug)]
enum SavedCommand {
    /// Save a query under a name, for everyone on the matter; `@NAME` in any query stands for
    /// it.
    #[command(after_help = "Examples:
  verbatim saved add climate '\"climate change\" w/s (report OR study)' --description 'core terms'
  verbatim saved add climate-replies 'assistant:(@climate)'
  verbatim search '@climate AND NOT tag:not-relevant'")]
    Add {
        name: String,
        #[arg(allow_hyphen_values = true)]
        query: String,
        #[arg(long, default_value = "")]
        description: String,
        /// The syntax the query is written in (it keeps it wherever it is used).
        #[arg(long, default_value = "dtsearch")]
        syntax: Dialect,
        /// Replace a saved search of that name.
        #[arg(long)]
        replace: bool,
    },
    /// The saved searches.
    List,
    /// Remove a saved search.
    Rm { name: String },
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(subcommand)]
    command: ListCommand,
}

#[derive(Subcommand, Debug)]
enum ListCommand {
    /// Freeze the conversations a query matches now as a named list (`list:NAME`); later
    /// imports and coding do not change it.
    #[command(after_help = "Examples:
  verbatim list add hot-set --query 'tag:hot AND label:reproduced'
  verbatim search 'list:hot-set AND NOT reviewed:yes'")]
    Add {
        name: String,
        #[arg(long, allow_hyphen_values = true)]
        query: String,
        #[arg(long, default_value = "dtsearch")]
        syntax: Dialect,
        /// Make an existing list again.
        #[arg(long)]
        replace: bool,
    },
    /// The lists, with their sizes.
    Ls,
    /// A list's conversation ids, one per line.
    Show { name: String },
    /// Remove a list.
    Rm { name: String },
}

pub fn saved(ctx: &Ctx, args: SavedArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let dir = &s.matter.dir;
    match args.command {
        SavedCommand::Add {
            name,
            query,
            description,
            syntax,
            replace,
        } => {
            saved::check_name(&name)?;
            // The query must read, with itself among the saved searches (so a search that
            // names itself is a cycle, said now).
            let mut opts = QueryOptions::for_matter(dir, &s.index, syntax)?;
            opts.saved.insert(name.clone(), (query.clone(), syntax));
            opts.expanding.push(name.clone());
            let node = verbatim::query::parse_with(&query, &opts)
                .with_context(|| format!("the query of \"{name}\" does not parse"))?;
            let search = SavedSearch {
                query: query.clone(),
                syntax,
                description: description.clone(),
                by: s.reviewer.clone(),
                time: chrono::Utc::now(),
            };
            saved::save_search(dir, &name, search, replace)?;
            s.audit(
                "saved-search",
                json!({"name": name, "query": query, "syntax": syntax.name(), "description": description, "replaced": replace}),
            )?;
            if ctx.json {
                print_json(&json!({"name": name, "reading": node.to_string()}))?;
            } else if !ctx.quiet {
                println!("saved @{name}: {}", visible_line(&node.to_string()));
            }
        }
        SavedCommand::List => {
            let file = saved::load(dir)?;
            if ctx.json {
                print_json(&file.searches)?;
            } else if file.searches.is_empty() {
                println!("no saved searches (verbatim saved add NAME QUERY)");
            } else {
                for (name, v) in &file.searches {
                    println!(
                        "@{name}  [{}] {}{}",
                        v.syntax.name(),
                        visible_line(&v.query),
                        if v.description.is_empty() {
                            String::new()
                        } else {
                            format!("  — {}", visible_line(&v.description))
                        }
                    );
                    println!(
                        "    by {} {}",
                        visible_line(&v.by),
                        v.time.format("%Y-%m-%d %H:%M")
                    );
                }
            }
        }
        SavedCommand::Rm { name } => {
            let old = saved::remove_search(dir, &name)?;
            s.audit(
                "saved-search-removed",
                json!({"name": name, "query": old.query, "syntax": old.syntax.name()}),
            )?;
            if !ctx.quiet {
                println!("removed @{name}");
            }
        }
    }
    Ok(0)
}

pub fn list(ctx: &Ctx, args: ListArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let dir = &s.matter.dir;
    match args.command {
        ListCommand::Add {
            name,
            query,
            syntax,
            replace,
        } => {
            saved::check_name(&name)?;
            let opts = QueryOptions::for_matter(dir, &s.index, syntax)?;
            let node = verbatim::query::parse_with(&query, &opts)
                .with_context(|| format!("the query of list \"{name}\" does not parse"))?;
            let ids = verbatim::search::matching_ids_full(&s.index, s.lookups()?, &node)?;
            let list = List {
                name: name.clone(),
                query: query.clone(),
                syntax,
                by: s.reviewer.clone(),
                time: chrono::Utc::now(),
                ids,
            };
            saved::save_list(dir, &list, replace)?;
            let digest = verbatim::hashing::sha256_hex(list.ids.join("\n").as_bytes());
            s.audit(
                "list",
                json!({"name": name, "query": query, "syntax": syntax.name(), "count": list.ids.len(), "ids_sha256": digest, "replaced": replace}),
            )?;
            if ctx.json {
                print_json(&json!({"name": name, "count": list.ids.len()}))?;
            } else if !ctx.quiet {
                println!(
                    "list {name}: {} conversations (frozen; list:{name} in any query)",
                    thousands(list.ids.len() as u64)
                );
            }
        }
        ListCommand::Ls => {
            let names = saved::list_names(dir)?;
            let mut rows = Vec::new();
            for n in &names {
                let l = saved::load_list(dir, n)?;
                rows.push(json!({"name": n, "count": l.ids.len(), "query": l.query, "syntax": l.syntax.name(), "by": l.by, "time": l.time}));
                if !ctx.json {
                    println!(
                        "{n}  {} conversations  [{}] {}  by {} {}",
                        thousands(l.ids.len() as u64),
                        l.syntax.name(),
                        visible_line(&l.query),
                        visible_line(&l.by),
                        l.time.format("%Y-%m-%d %H:%M")
                    );
                }
            }
            if ctx.json {
                print_json(&rows)?;
            } else if names.is_empty() {
                println!("no lists (verbatim list add NAME --query QUERY)");
            }
        }
        ListCommand::Show { name } => {
            let l = saved::load_list(dir, &name)?;
            s.audit("open", json!({"command": "list show", "name": name}))?;
            if ctx.json {
                print_json(&l)?;
            } else {
                for id in &l.ids {
                    println!("{}", visible_line(id));
                }
            }
        }
        ListCommand::Rm { name } => {
            let old = saved::remove_list(dir, &name)?;
            s.audit(
                "list-removed",
                json!({"name": name, "count": old.ids.len(), "query": old.query}),
            )?;
            if !ctx.quiet {
                println!("removed list {name}");
            }
        }
    }
    Ok(0)
}
