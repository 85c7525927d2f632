//! `verbatim synth`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use verbatim::synth::{self, SynthFormat, SynthOptions};

use super::Ctx;
use super::output::{human_bytes, print_json, thousands};

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Number of conversations.
    #[arg(long, default_value_t = 1000)]
    conversations: u64,
    /// Number of articles in the corpus.
    #[arg(long, default_value_t = 100)]
    articles: u64,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Conversation format: sharegpt, openai or chatgpt.
    #[arg(long, default_value = "openai")]
    format: SynthFormat,
    /// Share of conversations with a planted case.
    #[arg(long, default_value_t = 0.25)]
    plant_rate: f64,
    /// Share of conversations planted as near-duplicates of the family head before them
    /// (every 20th conversation heads one; replies reworded at 1-10 % of their words; truth in
    /// near_duplicates.jsonl).
    #[arg(long, default_value_t = 0.0)]
    near_duplicates: f64,
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(ctx: &Ctx, a: SynthArgs) -> Result<i32> {
    let started = Instant::now();
    let opts = SynthOptions {
        conversations: a.conversations,
        articles: a.articles,
        seed: a.seed,
        format: a.format,
        out: a.out,
        plant_rate: a.plant_rate,
        near_duplicates: a.near_duplicates,
    };
    let show = !ctx.quiet && std::io::stderr().is_terminal();
    let bar = show.then(|| {
        let b = indicatif::ProgressBar::new(opts.conversations);
        if let Ok(s) = indicatif::ProgressStyle::with_template(
            "{spinner} synth [{bar:30}] {pos}/{len} conversations {per_sec} ETA {eta}",
        ) {
            b.set_style(s.progress_chars("=> "));
        }
        b
    });
    let mut tick = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let summary = synth::synth(&opts, &mut tick)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    if ctx.json {
        print_json(&serde_json::json!({
            "conversations": summary.conversations,
            "articles": summary.articles,
            "cases": summary.cases,
            "bytes": summary.bytes_written,
            "seconds": secs,
            "files": summary.files,
        }))?;
    } else {
        println!(
            "wrote {} conversations and {} articles ({}) in {:.1}s",
            thousands(summary.conversations),
            thousands(summary.articles),
            human_bytes(summary.bytes_written),
            secs
        );
        for (case, n) in &summary.cases {
            println!("  {case}: {}", thousands(*n));
        }
        for f in &summary.files {
            println!("  {}", f.display());
        }
    }
    Ok(0)
}
