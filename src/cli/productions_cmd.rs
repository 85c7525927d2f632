//! `verbatim productions`: the production register (what was produced, when, by whom, to
//! whom, under which Bates numbers).

use anyhow::Result;
use clap::Args;
use serde_json::json;
use verbatim::export::register;

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct ProductionsArgs {
    /// Show where this conversation was produced (its Bates numbers).
    #[arg(long, value_name = "ID")]
    conversation: Option<String>,
}

pub fn run(ctx: &Ctx, args: ProductionsArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    s.audit(
        "open",
        json!({"command": "productions", "conversation": args.conversation}),
    )?;
    let reg = register::load(&s.matter.dir)?;
    if let Some(id) = &args.conversation {
        let places = reg.places(id);
        if ctx.json {
            print_json(&places)?;
        } else if places.is_empty() {
            println!("{} was never produced", visible_line(id));
        } else {
            for p in places {
                println!("{}  {}", p.bates, p.production);
            }
        }
        return Ok(0);
    }
    if ctx.json {
        print_json(&reg.productions)?;
        return Ok(0);
    }
    if reg.productions.is_empty() {
        println!("no productions yet (an export with --bates-prefix is registered here)");
        return Ok(0);
    }
    for p in &reg.productions {
        println!(
            "{}  {}  {:<6} {:>8} conversations  {} to {}  by {}{}",
            p.id,
            p.time.format("%Y-%m-%d %H:%M"),
            p.format,
            thousands(p.conversations),
            p.bates_first.as_deref().unwrap_or("-"),
            p.bates_last.as_deref().unwrap_or("-"),
            visible_line(&p.by),
            p.recipient
                .as_deref()
                .map(|r| format!(", to {}", visible_line(r)))
                .unwrap_or_default()
        );
        println!(
            "      designation: {}; contents: {}; {}",
            p.designation.as_deref().unwrap_or("none"),
            p.contents.join(", "),
            p.destination.display()
        );
    }
    Ok(0)
}
