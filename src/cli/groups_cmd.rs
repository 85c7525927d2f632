//! `verbatim groups build|list|show`: near-duplicate groups of conversations or replies.

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::groups::build::Options;
use verbatim::groups::{self, Scope, coding};

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct GroupsArgs {
    #[command(subcommand)]
    command: GroupsCommand,
}

#[derive(Subcommand, Debug)]
enum GroupsCommand {
    /// Find near-duplicates (MinHash over 5-word shingles, confirmed by exact Jaccard) and
    /// keep them as groups with a principal (the longest member).
    #[command(after_help = "Examples:
  verbatim groups build                       # whole conversations, similarity 0.8
  verbatim groups build --scope reply --threshold 0.9
  verbatim search 'group:G000001 AND NOT principal:yes'
  verbatim search 'similarity:>=0.95 AND reviewed:no'")]
    Build {
        #[arg(long, default_value_t = 0.8)]
        threshold: f64,
        /// conversation (every message) or reply (each assistant message).
        #[arg(long, default_value = "conversation")]
        scope: String,
        /// Leave out conversations (or replies) of fewer words.
        #[arg(long, default_value_t = 20)]
        min_words: usize,
    },
    /// Compare the conversations imported since the groups were built, with the same
    /// parameters (`import` does this itself once groups exist). Groups keep their ids.
    Update,
    /// The groups, largest first.
    List {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// A group's members with their similarity to the principal.
    Show { id: String },
    /// Code a group from its principal: TAG, which the principal already carries, goes to
    /// every other member at --min-similarity or above, as one bulk event naming the group
    /// (one `undo` reverts it).
    #[command(after_help = "Examples:
  verbatim tag conv-17 reproduces-article      # read and code the principal first
  verbatim groups code G000001 reproduces-article --min-similarity 0.9")]
    Code {
        id: String,
        tag: String,
        #[arg(long, default_value_t = 0.9)]
        min_similarity: f64,
        /// Do not ask before the bulk change.
        #[arg(long)]
        yes: bool,
    },
    /// Groups whose members are coded differently (for a lead to resolve).
    Variance {
        /// Also groups coded alike where some members are not coded yet.
        #[arg(long)]
        include_uncoded: bool,
    },
}

pub fn run(ctx: &Ctx, args: GroupsArgs) -> Result<i32> {
    let mut s = Session::open(ctx)?;
    let dir = s.matter.dir.clone();
    let dir = &dir;
    match args.command {
        GroupsCommand::Build {
            threshold,
            scope,
            min_words,
        } => {
            let Some(scope) = Scope::parse(&scope) else {
                bail!("--scope is conversation or reply");
            };
            let opts = Options {
                threshold,
                scope,
                min_words,
            };
            build_and_save(ctx, &s, Some(opts))?;
        }
        GroupsCommand::Update => {
            if !build_and_save(ctx, &s, None)? {
                groups::require(dir)?;
            }
        }
        GroupsCommand::List { limit } => {
            let g = groups::require(dir)?;
            if ctx.json {
                print_json(&g.groups.iter().take(limit).collect::<Vec<_>>())?;
                return Ok(0);
            }
            println!(
                "{} groups (threshold {}, scope {}, built {} by {})",
                thousands(g.groups.len() as u64),
                g.params.threshold,
                g.params.scope.name(),
                g.built.format("%Y-%m-%d %H:%M"),
                visible_line(&g.by)
            );
            for grp in g.groups.iter().take(limit) {
                let p = &grp.members[0];
                let low = grp
                    .members
                    .iter()
                    .map(|m| m.similarity)
                    .fold(1.0f64, f64::min);
                println!(
                    "{}  {:>5} members  principal {}{}  lowest similarity {low:.2}",
                    grp.id,
                    grp.members.len(),
                    visible_line(&p.conversation),
                    p.message.map(|m| format!(" #{m}")).unwrap_or_default()
                );
            }
        }
        GroupsCommand::Show { id } => {
            let g = groups::require(dir)?;
            let want = id.to_ascii_uppercase();
            let Some(grp) = g.groups.iter().find(|x| x.id == want) else {
                bail!("no group \"{id}\"");
            };
            if ctx.json {
                print_json(grp)?;
                return Ok(0);
            }
            for (k, m) in grp.members.iter().enumerate() {
                println!(
                    "{}{}{}  {:.3}  {} words",
                    if k == 0 { "principal " } else { "          " },
                    visible_line(&m.conversation),
                    m.message.map(|x| format!(" #{x}")).unwrap_or_default(),
                    m.similarity,
                    m.words
                );
            }
        }
        GroupsCommand::Code {
            id,
            tag,
            min_similarity,
            yes,
        } => return code(ctx, &mut s, &id, &tag, min_similarity, yes),
        GroupsCommand::Variance { include_uncoded } => {
            let g = groups::require(dir)?;
            let rows = coding::variance(&g, s.state()?, include_uncoded);
            s.audit(
                "groups-variance",
                json!({"include_uncoded": include_uncoded, "groups": rows.len()}),
            )?;
            if ctx.json {
                print_json(&rows)?;
                return Ok(0);
            }
            if rows.is_empty() {
                println!("every group is coded alike");
                return Ok(0);
            }
            for v in &rows {
                let parts: Vec<String> = v
                    .codings
                    .iter()
                    .map(|(k, ids)| format!("{} {}", visible_line(k), ids.len()))
                    .collect();
                println!(
                    "{}  {:>5} conversations  principal {}  {}{}",
                    v.group,
                    v.conversations,
                    visible_line(&v.principal),
                    parts.join(", "),
                    if v.conflicting {
                        ""
                    } else {
                        "  (partly coded)"
                    }
                );
            }
        }
    }
    Ok(0)
}

/// `groups code`: the principal's call on the group's other members, one bulk event.
fn code(ctx: &Ctx, s: &mut Session, id: &str, tag: &str, floor: f64, yes: bool) -> Result<i32> {
    if !(0.0..=1.0).contains(&floor) {
        bail!("--min-similarity is from 0 to 1");
    }
    let g = groups::require(&s.matter.dir)?;
    let Some(grp) = coding::find(&g, id) else {
        bail!("no group \"{}\" (verbatim groups list)", visible_line(id));
    };
    let principal = grp.members[0].conversation.clone();
    if !s.state()?.has_tag(&principal, tag) {
        bail!(
            "the principal {} does not carry {}: read and code it first (verbatim tag {} {}); \
             the group follows the principal's call",
            visible_line(&principal),
            visible_line(tag),
            visible_line(&principal),
            visible_line(tag)
        );
    }
    let ids = coding::targets(grp, floor);
    if ids.is_empty() {
        println!(
            "no other member of {} stands at similarity {floor} or above; nothing to do",
            grp.id
        );
        return Ok(0);
    }
    if !yes {
        let question = format!(
            "Apply {} to the {} members of {} with similarity >= {floor}? [y/N] ",
            visible_line(tag),
            thousands(ids.len() as u64),
            grp.id
        );
        if !super::review_cmd::confirm(&question)? {
            println!("nothing changed");
            return Ok(1);
        }
    }
    let via = coding::via(grp, floor);
    super::review_cmd::write_tags(
        ctx,
        s,
        &ids,
        &[tag.to_string()],
        verbatim::review::Action::Tag,
        Some(via),
    )
}

/// After an import into a matter with groups: the new conversations compared.
pub fn update_after_import(ctx: &Ctx) -> Result<()> {
    let s = Session::open(ctx)?;
    if !groups::built(&s.matter.dir) {
        return Ok(());
    }
    build_and_save(ctx, &s, None).map(|_| ())
}

/// Builds the groups with `opts`, or updates them with the parameters they were built with
/// (`None`), writes them, audits and reports; false when there were none to update.
fn build_and_save(ctx: &Ctx, s: &Session, opts: Option<Options>) -> Result<bool> {
    let dir = &s.matter.dir;
    let t = std::time::Instant::now();
    // One build at a time per matter: two would write the same store (a second waits, then
    // builds on what the first left).
    let done = verbatim::review::named::locked(dir, "groups.lock", || {
        let previous = groups::load(dir)?;
        let (opts, update) = match (opts, &previous) {
            (Some(o), _) => (o, false),
            (None, Some(p)) => (Options::of(&p.params), true),
            (None, None) => return Ok(None),
        };
        let (g, built) = groups::build::build(
            &s.index,
            &groups::store_dir(dir),
            &opts,
            previous.as_ref(),
            update,
            &s.reviewer,
            &ctx.cancel,
        )?;
        groups::save(dir, &g)?;
        Ok(Some((g, built, opts, update)))
    })?;
    let Some((g, built, opts, update)) = done else {
        return Ok(false);
    };
    let grouped: usize = g.groups.iter().map(|x| x.members.len()).sum();
    let summary = json!({
        "threshold": opts.threshold, "scope": opts.scope, "min_words": opts.min_words,
        "units": g.units, "groups": g.groups.len(), "grouped": grouped, "pairs": g.pairs,
        "read": built.read, "incremental": built.incremental,
    });
    s.audit(
        if update {
            "groups-update"
        } else {
            "groups-build"
        },
        summary.clone(),
    )?;
    if ctx.json {
        print_json(&summary)?;
    } else if !ctx.quiet {
        let how = if built.incremental {
            format!("{} new conversations read", thousands(built.read as u64))
        } else {
            format!("{} conversations read", thousands(built.read as u64))
        };
        println!(
            "{} groups of near-duplicates ({} of {} {} grouped, {} pairs at similarity >= {}; {how}) in {:.1} s",
            thousands(g.groups.len() as u64),
            thousands(grouped as u64),
            thousands(g.units as u64),
            if opts.scope == Scope::Reply {
                "replies"
            } else {
                "conversations"
            },
            thousands(g.pairs as u64),
            opts.threshold,
            t.elapsed().as_secs_f64()
        );
    }
    Ok(true)
}
