//! `verbatim audit [verify]`: print or verify the audit trail.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use verbatim::audit;

use super::Ctx;
use super::output::{print_json, visible_line};

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
    /// Only entries about this conversation: its views and coding, bulk coding included (the
    /// bulk event's conversations are read from the review journal).
    #[arg(long, value_name = "ID")]
    conversation: Option<String>,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain, audit.head's signature, and the trail against the matter (every
    /// import and coding event accounted for); exit 0 when intact, 1 naming the first break,
    /// 2 when the chain is whole but some entries no signed head vouched for (written while
    /// audit.head could not be updated, or added by hand).
    Verify {
        /// A checkpoint printed by `verbatim audit anchor`: fail unless the trail still holds
        /// that entry with that hash.
        #[arg(long, value_name = "CHECKPOINT")]
        anchor: Vec<String>,
    },
    /// Print a signed checkpoint of the trail (entry count, head hash, time) to keep outside
    /// this machine: mail it, print it, file it. `verify --anchor` checks the trail against it.
    Anchor,
    /// Print this user's signing key (its public half, made on first use): compare it with the
    /// keys `verify` lists.
    Key,
}

pub fn run(ctx: &Ctx, args: AuditArgs) -> Result<i32> {
    if let Some(AuditCommand::Key) = &args.command {
        let key = audit::anchor::SigningKey::load_or_create()?;
        let path = audit::anchor::SigningKey::path().unwrap_or_default();
        if ctx.json {
            print_json(&serde_json::json!({"key": key.public_hex(), "file": path}))?;
        } else {
            println!("{}", key.public_hex());
            eprintln!("note: the private half is in {}", path.display());
        }
        return Ok(0);
    }
    let dir = ctx.matter_dir()?;
    verbatim::matter::Matter::open(&dir)?;
    match &args.command {
        Some(AuditCommand::Verify { anchor }) => return verify(ctx, &dir, anchor),
        Some(AuditCommand::Anchor) => {
            let c = audit::make_anchor(&dir, &ctx.reviewer)?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "checkpoint": c.encode(), "entry": c.seq, "hash": c.hash,
                    "time": c.time, "key": c.key,
                }))?;
            } else {
                println!("{}", c.encode());
                eprintln!(
                    "note: keep this line outside this machine; `verbatim audit verify --anchor LINE` checks the trail against it"
                );
            }
            return Ok(0);
        }
        Some(AuditCommand::Key) | None => {}
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
    // Bulk coding entries name their event; the journal holds its conversations.
    let bulk_seqs: Option<std::collections::HashSet<u64>> = match &args.conversation {
        Some(id) => {
            let journal = verbatim::review::Journal::open(&dir)?;
            let st = journal.state();
            Some(
                st.events_about(id)
                    .into_iter()
                    .map(|i| st.event_at(i).seq)
                    .collect(),
            )
        }
        None => None,
    };
    let about = |e: &audit::Entry| -> bool {
        let Some(id) = &args.conversation else {
            return true;
        };
        if e.data.get("conversation").and_then(|v| v.as_str()) == Some(id.as_str()) {
            return true;
        }
        verbatim::review::Action::is_coding_name(&e.event)
            && e.data
                .get("seq")
                .and_then(|v| v.as_u64())
                .is_some_and(|s| bulk_seqs.as_ref().is_some_and(|b| b.contains(&s)))
    };
    let entries: Vec<audit::Entry> = audit::read(&dir)?
        .into_iter()
        .filter(|e| since.is_none_or(|d| e.time.date_naive() >= d))
        .filter(|e| who.as_deref().is_none_or(|w| e.reviewer == w))
        .filter(about)
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

fn verify(ctx: &Ctx, dir: &std::path::Path, anchors: &[String]) -> Result<i32> {
    let mut v = audit::verify(dir)?;
    // Each checkpoint kept elsewhere must still be in the trail, byte for byte.
    let mut anchor_results = Vec::new();
    for a in anchors {
        let c = audit::anchor::Checkpoint::parse(a).with_context(|| "--anchor".to_string())?;
        let known = audit::known_keys(dir)?.contains(&c.key);
        match audit::check_anchor(dir, &c) {
            Ok(()) => anchor_results.push(serde_json::json!({
                "entry": c.seq, "ok": true, "key_in_matter": known,
            })),
            Err(why) => {
                if v.intact {
                    v.intact = false;
                    v.first_broken_line = Some(c.seq);
                    v.reason = Some(why.clone());
                }
                anchor_results
                    .push(serde_json::json!({"entry": c.seq, "ok": false, "reason": why}));
            }
        }
    }
    if ctx.json {
        let mut j = serde_json::to_value(&v)?;
        j["anchors"] = serde_json::Value::Array(anchor_results);
        print_json(&j)?;
    } else {
        if v.intact {
            println!("audit trail intact: {} entries; head {}", v.entries, v.head);
            match &v.signed_by {
                Some(k) => println!(
                    "head signed by key {}",
                    k.chars().take(16).collect::<String>()
                ),
                None if dir.join("audit.head").exists() => println!("head unsigned"),
                None => println!("no audit.head"),
            }
            if !anchors.is_empty() {
                println!("{} checkpoint(s) found in the trail", anchors.len());
            }
            for u in &v.unvouched {
                println!(
                    "NOT VOUCHED FOR: entries {}..{} are in the chain, but no signed head covered them: {}",
                    u.from, u.to, u.why
                );
            }
            print_keys(&v.keys);
        } else {
            println!(
                "audit trail BROKEN at entry {}: {}",
                v.first_broken_line.unwrap_or(0),
                v.reason.as_deref().unwrap_or("")
            );
            for u in v.unaccounted.iter().skip(1) {
                println!("  also: {u}");
            }
        }
        for n in &v.notes {
            eprintln!("note: {n}");
        }
    }
    // 2: the chain is whole, but some of it no signature vouches for.
    Ok(match (v.intact, v.unvouched.is_empty()) {
        (false, _) => 1,
        (true, false) => 2,
        (true, true) => 0,
    })
}

/// The keys the chain introduced, this user's marked: a chain rewritten under a key of its own
/// shows as a key no reviewer holds. Names and keys come from the trail, so their control
/// characters are shown, never obeyed.
fn print_keys(keys: &[audit::TrailKey]) {
    let own = audit::anchor::SigningKey::path()
        .filter(|p| p.exists())
        .and_then(|p| audit::anchor::SigningKey::load_or_create_at(&p).ok())
        .map(|k| k.public_hex());
    let short = |k: &str| visible_line(&k.chars().take(16).collect::<String>()).into_owned();
    println!("keys (compare with each reviewer's `verbatim audit key`):");
    for k in keys {
        let mine = if own.as_deref() == Some(k.key.as_str()) {
            "  (this user's key)"
        } else {
            ""
        };
        println!(
            "  {}  introduced at entry {} by {}{mine}",
            short(&k.key),
            k.entry,
            visible_line(&k.reviewer)
        );
    }
}
