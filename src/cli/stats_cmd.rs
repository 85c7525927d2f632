//! `verbatim stats`

use anyhow::Result;
use verbatim::matter::Matter;
use verbatim::stats::{self, Stats};

use super::Ctx;
use super::output::{human_bytes, print_json, thousands, visible_line};

pub fn run(ctx: &Ctx) -> Result<i32> {
    let matter = Matter::open(&ctx.matter_dir()?)?;
    if let Some(opts) = ctx.cluster()? {
        return run_cluster(ctx, &matter, &opts);
    }
    let st = stats::compute(&matter)?;
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "open",
        serde_json::json!({"command": "stats"}),
    )?;
    if ctx.json {
        print_json(&st)?;
    } else {
        print(&st);
    }
    Ok(0)
}

pub fn print(st: &Stats) {
    println!("matter: {}", st.matter);
    println!(
        "text mode: {}{}",
        st.text_mode,
        if st.boundaries || st.conversations == 0 {
            ""
        } else {
            " (indexed before sentence and paragraph boundaries: w/s, w/p, w/seg, xfirstword \
             and xlastword need a new matter)"
        }
    );
    println!(
        "conversations: {}   turns: {}   message text: {}",
        thousands(st.conversations),
        thousands(st.turns),
        human_bytes(st.text_bytes)
    );
    let m = &st.messages;
    println!(
        "messages: {} (user {}, assistant {}, system {}, tool {})",
        thousands(m.total),
        thousands(m.user),
        thousands(m.assistant),
        thousands(m.system),
        thousands(m.tool)
    );
    match (st.first_created, st.last_created) {
        (Some(a), Some(b)) => println!(
            "dates: {} to {}{}",
            a.format("%Y-%m-%d"),
            b.format("%Y-%m-%d"),
            if st.undated > 0 {
                format!(" ({} undated)", thousands(st.undated))
            } else {
                String::new()
            }
        ),
        _ => println!("dates: none"),
    }
    let mut models: Vec<_> = st.models.iter().collect();
    models.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if !models.is_empty() {
        let list: Vec<String> = models
            .iter()
            .take(12)
            .map(|(k, v)| format!("{} {}", visible_line(k), thousands(**v)))
            .collect();
        println!("models: {}", list.join(", "));
    }
    let mut langs: Vec<_> = st.languages.iter().collect();
    langs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if !langs.is_empty() {
        let list: Vec<String> = langs
            .iter()
            .take(8)
            .map(|(k, v)| format!("{} {}", visible_line(k), thousands(**v)))
            .collect();
        println!("languages: {}", list.join(", "));
    }
    println!("sources: {}", st.sources.len());
    for s in &st.sources {
        println!(
            "  {} [{}] {}: {} records, {} imported, {} duplicates, {} rejected{}",
            visible_line(&s.path),
            if s.format.is_empty() { "-" } else { &s.format },
            match s.status {
                verbatim::matter::SourceStatus::Complete => "complete",
                verbatim::matter::SourceStatus::Partial => "PARTIAL (run import again to finish)",
            },
            thousands(s.records_read),
            thousands(s.imported),
            thousands(s.duplicates),
            thousands(s.rejected),
            if s.truncated_at.is_some() {
                ", truncated"
            } else {
                ""
            }
        );
    }
    println!("rejects: {} (rejects.jsonl)", thousands(st.rejects));
    if !st.elicitation.is_empty() {
        let parts: Vec<String> = st
            .elicitation
            .iter()
            .map(|(e, c)| {
                format!(
                    "{e} {} ({} conversations)",
                    thousands(c.findings),
                    thousands(c.conversations)
                )
            })
            .collect();
        println!("findings by elicitation: {}", parts.join(", "));
    }
    println!(
        "index: {} in {} segment(s){}",
        human_bytes(st.index_bytes),
        st.segments,
        st.shards
            .map(|n| format!(" across {n} shards"))
            .unwrap_or_default()
    );
}

/// What each shard holds, as the cluster's workers see it.
fn run_cluster(
    ctx: &Ctx,
    matter: &Matter,
    opts: &verbatim::cluster::dask::ClusterOptions,
) -> Result<i32> {
    // What each shard holds came with the connection.
    let super::cluster_cmd::Connected { mode, info, .. } =
        super::cluster_cmd::connect(matter, opts)?;
    let total: u64 = info.iter().map(|i| i.conversations).sum();
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "open",
        serde_json::json!({"command": "stats", "scheduler": opts.scheduler}),
    )?;
    if ctx.json {
        print_json(&serde_json::json!({
            "matter": matter.dir.display().to_string(),
            "scheduler": opts.scheduler,
            "text_mode": mode.name(),
            "conversations": total,
            "shards": info,
        }))?;
    } else {
        println!("matter: {}", matter.dir.display());
        println!(
            "conversations: {} across {} shards on the cluster at {}",
            thousands(total),
            info.len(),
            visible_line(&opts.scheduler)
        );
        for (k, i) in info.iter().enumerate() {
            println!(
                "  shard {k:03}: {} conversations, {} segments ({})",
                thousands(i.conversations),
                i.segments,
                visible_line(&i.shard)
            );
        }
    }
    Ok(0)
}
