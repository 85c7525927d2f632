//! Coding from the command line: `tag`, `untag`, `note`, `undo`, `tags`, `history`.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::json;
use verbatim::review::{Action, Draft, Event, Palette, ReviewState, palette::valid_tag_name};
use verbatim::search;

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct TagArgs {
    /// `ID TAG...`, or with --query only `TAG...`.
    #[arg(required = true, value_name = "ID TAG")]
    words: Vec<String>,
    /// Tag every conversation this query matches (one bulk event per tag).
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// Do not ask before a bulk change.
    #[arg(long)]
    yes: bool,
}

#[derive(Args, Debug)]
pub struct NoteArgs {
    /// The conversation.
    id: String,
    /// The note (several words are joined by spaces; nothing clears the note).
    text: Vec<String>,
}

#[derive(Args, Debug)]
pub struct UndoArgs {
    /// Undo this event instead of your last coding action.
    #[arg(long)]
    seq: Option<u64>,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// The conversation.
    id: String,
}

pub(super) fn print_saved(ctx: &Ctx, state: &ReviewState, events: &[Event]) -> Result<()> {
    for e in events {
        // What an undo left alone, because someone changed it since, is always said.
        for c in state.conflicts(e.seq) {
            eprintln!("note: {c}");
        }
        if ctx.json {
            print_json(e)?;
        } else {
            let what = match e.conversation.as_deref() {
                Some(id) => id.to_string(),
                None => format!("{} conversations", thousands(e.conversations.len() as u64)),
            };
            let value = match e.action {
                Action::Note | Action::Designate if e.value.as_str().is_some_and(str::is_empty) => {
                    "(cleared)".to_string()
                }
                _ => match &e.value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            };
            let also = if e.replaces.is_empty() {
                String::new()
            } else {
                format!(" (removing {} where held)", e.replaces.join(", "))
            };
            println!(
                "saved #{}: {} {} on {}{also}",
                e.seq,
                e.action.as_str(),
                visible_line(&value),
                visible_line(&what)
            );
        }
    }
    Ok(())
}

pub(super) fn audit_events(s: &Session, events: &[Event]) -> Result<()> {
    for e in events {
        s.audit(
            e.action.as_str(),
            verbatim::audit::reconcile::coding_data(e, false),
        )?;
    }
    Ok(())
}

fn check_tags(ctx: &Ctx, s: &Session, tags: &[String]) -> Result<()> {
    let palette = Palette::load(&s.matter.dir)?;
    for t in tags {
        if !valid_tag_name(t) {
            bail!("\"{t}\" is not a valid tag name (letters, digits, - and _)");
        }
        if !palette.contains(t) && !ctx.quiet {
            eprintln!("warning: \"{t}\" is not in the matter's tag palette (config.toml)");
        }
    }
    Ok(())
}

pub(super) fn require_conversation(s: &Session, id: &str) -> Result<()> {
    if search::get(&s.index, id)?.is_none() {
        bail!("no conversation with id \"{id}\" in this matter");
    }
    Ok(())
}

/// Tags one conversation, as `verbatim tag ID TAG` does.
pub fn tag_one(ctx: &Ctx, id: &str, tag_name: &str) -> Result<i32> {
    tag(
        ctx,
        TagArgs {
            words: vec![id.to_string(), tag_name.to_string()],
            query: None,
            yes: true,
        },
        Action::Tag,
    )
}

pub fn tag(ctx: &Ctx, args: TagArgs, action: Action) -> Result<i32> {
    let mut s = Session::open(ctx)?;
    let (ids, tags): (Vec<String>, Vec<String>) = match &args.query {
        Some(q) => {
            let node = search::parse_for(&s.index, Some(&s.matter.dir), q)
                .context("the query does not parse")?;
            let ids = search::matching_ids_full(&s.index, s.lookups()?, &node)?;
            (ids, args.words.clone())
        }
        None => {
            if args.words.len() < 2 {
                bail!("give a conversation id and at least one tag (or --query QUERY TAG...)");
            }
            require_conversation(&s, &args.words[0])?;
            (vec![args.words[0].clone()], args.words[1..].to_vec())
        }
    };
    check_tags(ctx, &s, &tags)?;
    let palette = Palette::load(&s.matter.dir)?;
    if action == Action::Tag {
        for (i, a) in tags.iter().enumerate() {
            if let Some(b) = tags[i + 1..].iter().find(|b| palette.rivals(a).contains(b)) {
                bail!(
                    "{a} and {b} are in the exclusive group \"{}\": a conversation holds one of them",
                    palette.group_of(a).unwrap_or_default()
                );
            }
        }
    }
    if ids.is_empty() {
        println!("no conversation matches; nothing to do");
        return Ok(0);
    }
    if args.query.is_some() && !args.yes {
        let question = format!(
            "{} {} conversation(s) with {}? [y/N] ",
            if action == Action::Tag {
                "Tag"
            } else {
                "Untag"
            },
            thousands(ids.len() as u64),
            tags.join(", ")
        );
        if !confirm(&question)? {
            println!("nothing changed");
            return Ok(1);
        }
    }
    write_tags(ctx, &mut s, &ids, &tags, action, None)
}

/// Writes one event per tag over `ids` (only those it changes) and audits them; `via` names
/// what a group coding came from.
pub(super) fn write_tags(
    ctx: &Ctx,
    s: &mut Session,
    ids: &[String],
    tags: &[String],
    action: Action,
    via: Option<serde_json::Value>,
) -> Result<i32> {
    let palette = Palette::load(&s.matter.dir)?;
    let reviewer = s.reviewer.clone();
    let add = action == Action::Tag;
    // A tag that requires a note is refused where the conversation has none.
    if add {
        let needy: Vec<&String> = tags
            .iter()
            .filter(|t| palette.require.note.contains(t))
            .collect();
        if let Some(t) = needy.first() {
            let st = s.state()?;
            let lacking: Vec<&String> = ids
                .iter()
                .filter(|id| st.note(id).is_none_or(|n| n.trim().is_empty()))
                .collect();
            match lacking.as_slice() {
                [] => {}
                [one] => bail!(
                    "{t} requires a note and {} has none: add it first (verbatim note {} TEXT)",
                    visible_line(one),
                    visible_line(one)
                ),
                many => bail!(
                    "{t} requires a note and {} of the {} conversations have none (first: {}); \
                     nothing was tagged",
                    thousands(many.len() as u64),
                    thousands(ids.len() as u64),
                    visible_line(many[0])
                ),
            }
        }
    }
    // Only what would change is recorded: untagging a tag that is not there is no event.
    let events = s.journal_mut()?.append(&reviewer, |st| {
        Ok(tags
            .iter()
            .filter_map(|t| {
                // Tagging one of an exclusive group replaces the others, in the same event.
                let replaces = if add { palette.rivals(t) } else { Vec::new() };
                let changed: Vec<String> = ids
                    .iter()
                    .filter(|id| {
                        st.tag_would_change(id, t, &reviewer, add)
                            || replaces.iter().any(|r| st.has_tag(id, r))
                    })
                    .cloned()
                    .collect();
                (!changed.is_empty()).then(|| Draft {
                    conversations: changed,
                    action,
                    value: json!(t),
                    replaces,
                    via: via.clone(),
                })
            })
            .collect())
    })?;
    if events.is_empty() {
        let what = if add { "already tagged" } else { "not tagged" };
        if ctx.json {
            print_json(&json!({"saved": [], "unchanged": what}))?;
        } else {
            println!("{what} {}: nothing recorded", tags.join(", "));
        }
        return Ok(0);
    }
    audit_events(s, &events)?;
    print_saved(ctx, s.state()?, &events)?;
    Ok(0)
}

/// Asks on the terminal; refuses when there is no terminal to ask on.
pub(super) fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("a bulk change needs confirmation: pass --yes");
    }
    eprint!("{question}");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the answer")?;
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

pub fn note(ctx: &Ctx, args: NoteArgs) -> Result<i32> {
    let mut s = Session::open(ctx)?;
    require_conversation(&s, &args.id)?;
    let text = args.text.join(" ");
    let reviewer = s.reviewer.clone();
    let events = s.journal_mut()?.append(&reviewer, |_| {
        Ok(vec![Draft {
            conversations: vec![args.id.clone()],
            action: Action::Note,
            value: json!(text),
            replaces: Vec::new(),
            via: None,
        }])
    })?;
    audit_events(&s, &events)?;
    print_saved(ctx, s.state()?, &events)?;
    Ok(0)
}

pub fn undo(ctx: &Ctx, args: UndoArgs) -> Result<i32> {
    let mut s = Session::open(ctx)?;
    let reviewer = s.reviewer.clone();
    let events = s.journal_mut()?.append(&reviewer, |st| {
        let target = match args.seq {
            Some(seq) => st
                .event(seq)
                .with_context(|| format!("there is no event #{seq}"))?,
            None => st
                .last_undoable(&reviewer)
                .with_context(|| format!("{reviewer} has no coding action to undo"))?,
        };
        let conversations: Vec<String> = target.targets().map(String::from).collect();
        Ok(vec![Draft {
            conversations,
            action: Action::Undo,
            value: json!(target.seq),
            replaces: Vec::new(),
            via: None,
        }])
    })?;
    audit_events(&s, &events)?;
    print_saved(ctx, s.state()?, &events)?;
    Ok(0)
}

#[derive(Args, Debug)]
pub struct TagsArgs {
    /// List the conversations that break a palette rule (a required note missing, two tags
    /// of an exclusive group); exit 1 when there are any.
    #[arg(long)]
    check: bool,
}

fn check_rules(ctx: &Ctx, s: &Session) -> Result<i32> {
    let palette = Palette::load(&s.matter.dir)?;
    let mut bad: Vec<(&str, Vec<String>)> = s
        .state()?
        .convs()
        .map(|(id, c)| (id, palette.violations(&c.to_owned())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    bad.sort();
    if ctx.json {
        print_json(&json!(
            bad.iter()
                .map(|(id, v)| json!({"conversation": id, "problems": v}))
                .collect::<Vec<_>>()
        ))?;
    } else if bad.is_empty() {
        println!("every coded conversation keeps the palette's rules");
    } else {
        for (id, v) in &bad {
            println!("{}: {}", visible_line(id), v.join("; "));
        }
        println!(
            "{} conversation(s) break a rule",
            thousands(bad.len() as u64)
        );
    }
    Ok(if bad.is_empty() { 0 } else { 1 })
}

pub fn tags(ctx: &Ctx, args: TagsArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    if args.check {
        return check_rules(ctx, &s);
    }
    s.audit("open", json!({"command": "tags"}))?;
    let st = s.state()?;
    let total = s.index.num_docs();
    let reviewed = st.reviewed_count();
    let mut per_reviewer: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (_, c) in st.convs() {
        for (t, who) in c.holds_list() {
            *per_reviewer
                .entry(t.to_string())
                .or_default()
                .entry(who.to_string())
                .or_default() += 1;
        }
    }
    let counts = st.tag_counts();
    let palette = Palette::load(&s.matter.dir)?;
    // Per batch: who holds it and how much of it is coded.
    let batches: Vec<serde_json::Value> = verbatim::review::batches::all(&s.matter.dir)?
        .iter()
        .flat_map(|set| set.batches.iter())
        .map(|b| {
            let coded = b
                .ids
                .iter()
                .filter(|id| st.view(id).is_some_and(|c| c.reviewed()))
                .count();
            json!({"batch": b.id, "assigned": b.assigned, "checked_in": b.checked_in.is_some(), "coded": coded, "size": b.ids.len()})
        })
        .collect();
    if ctx.json {
        print_json(&json!({
            "conversations": total,
            "reviewed": reviewed,
            "unreviewed": total.saturating_sub(reviewed),
            "tags": counts,
            "by_reviewer": per_reviewer,
            "batches": batches,
            "events": st.last_seq(),
        }))?;
        return Ok(0);
    }
    println!(
        "reviewed {} of {} conversations ({} unreviewed); {} coding events",
        thousands(reviewed),
        thousands(total),
        thousands(total.saturating_sub(reviewed)),
        thousands(st.last_seq())
    );
    let mut names: Vec<String> = palette.tags.iter().map(|t| t.name.clone()).collect();
    for k in counts.keys() {
        if !names.contains(k) {
            names.push(k.clone());
        }
    }
    for name in names {
        let key = palette
            .tags
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.key.to_string())
            .unwrap_or_else(|| "-".to_string());
        let n = counts.get(&name).copied().unwrap_or(0);
        let who: Vec<String> = per_reviewer
            .get(&name)
            .map(|m| m.iter().map(|(r, n)| format!("{r} {n}")).collect())
            .unwrap_or_default();
        println!(
            "  [{key}] {name:<22} {:>8}  {}",
            thousands(n),
            who.join(", ")
        );
    }
    if !batches.is_empty() {
        println!("batches:");
        for b in &batches {
            println!(
                "  {:<16} {:<14} {:>5} of {}{}",
                b["batch"].as_str().unwrap_or(""),
                visible_line(b["assigned"].as_str().unwrap_or("-")),
                b["coded"],
                b["size"],
                if b["checked_in"] == true {
                    "  checked in"
                } else {
                    ""
                }
            );
        }
    }
    Ok(0)
}

pub fn history(ctx: &Ctx, args: HistoryArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    s.audit(
        "open",
        json!({"command": "history", "conversation": args.id}),
    )?;
    let st = s.state()?;
    let events: Vec<Event> = st
        .events_about(&args.id)
        .into_iter()
        .map(|i| st.event_at(i))
        .collect();
    if ctx.json {
        print_json(&events)?;
        return Ok(0);
    }
    if events.is_empty() {
        println!("no coding events for {}", visible_line(&args.id));
    }
    for e in events {
        let value = match &e.value {
            serde_json::Value::String(v) => v.clone(),
            other => other.to_string(),
        };
        let bulk = if let Some(via) = &e.via {
            format!(
                " (group {} from its principal {} at similarity >= {}, {} conversations)",
                via["group"].as_str().unwrap_or("?"),
                visible_line(via["principal"].as_str().unwrap_or("?")),
                via["min_similarity"],
                e.targets().count()
            )
        } else if e.is_bulk() {
            format!(" (bulk, {} conversations)", e.conversations.len())
        } else {
            String::new()
        };
        println!(
            "#{:<6} {}  {:<12} {:<6} {}{}",
            e.seq,
            e.time.format("%Y-%m-%d %H:%M:%S"),
            visible_line(&e.reviewer),
            e.action.as_str(),
            visible_line(&value),
            bulk
        );
    }
    if let Some(c) = st.get(&args.id) {
        println!(
            "now: tags [{}]{}{}",
            c.tags.iter().cloned().collect::<Vec<_>>().join(", "),
            c.note
                .as_deref()
                .map(|n| format!(", note: {}", visible_line(n)))
                .unwrap_or_default(),
            c.designation
                .as_deref()
                .map(|d| format!(", designation: {}", visible_line(d)))
                .unwrap_or_default()
        );
    }
    Ok(0)
}
