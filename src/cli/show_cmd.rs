//! `verbatim show ID`: print a transcript (recorded in the audit trail as a view).

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;
use verbatim::search;

use super::Ctx;
use super::output::{print_json, visible, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The conversation.
    id: String,
}

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let Some(conv) = search::get(&s.index, &args.id)? else {
        bail!("no conversation with id \"{}\" in this matter", args.id);
    };
    s.audit("view", json!({"conversation": conv.id}))?;
    if ctx.json {
        print_json(&conv)?;
        return Ok(0);
    }
    // Everything below is produced data: control characters in it are shown, never obeyed.
    println!("conversation {}", visible_line(&conv.id));
    if let Some(t) = &conv.title {
        println!("title: {}", visible_line(t));
    }
    println!(
        "created: {}   model: {}   turns: {}   source: {} record {}",
        conv.created
            .map(|d| d.to_rfc3339())
            .unwrap_or_else(|| "-".into()),
        visible_line(conv.model.as_deref().unwrap_or("-")),
        conv.turns(),
        visible_line(&conv.source.file),
        conv.source.record
    );
    if let Some(r) = s.state()?.get(&conv.id) {
        println!(
            "tags: [{}]{}",
            r.tags.iter().cloned().collect::<Vec<_>>().join(", "),
            r.note
                .as_deref()
                .map(|n| format!("   note: {}", visible_line(n)))
                .unwrap_or_default()
        );
    }
    for m in &conv.messages {
        println!();
        let who = match &m.author {
            Some(a) => format!("{} ({a})", m.role.as_str()),
            None => m.role.as_str().to_string(),
        };
        println!("── [{}] {} ──", m.index, visible_line(&who.to_uppercase()));
        println!("{}", visible(&m.text));
    }
    Ok(0)
}
