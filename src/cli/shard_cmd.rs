//! `verbatim shard split --shards N`: the matter's conversations split into N shards.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::matter::Matter;

use super::Ctx;
use super::output::{print_json, thousands};
use super::progress_bar::Bar;

#[derive(Args, Debug)]
pub struct ShardArgs {
    #[command(subcommand)]
    action: ShardAction,
}

#[derive(Subcommand, Debug)]
enum ShardAction {
    /// Split the matter's conversations into N shards, each a matter of its own under
    /// `shards/`, a conversation placed by a fixed hash of its id. Searches, review, detection
    /// and exports then read the shards as one index, with the same results.
    Split {
        /// How many shards.
        #[arg(long, value_name = "N")]
        shards: u32,
    },
    /// Serve one shard to a cluster's coordinator: JSON requests on standard input, one per
    /// line, each answered on standard output, until the input ends. A Dask worker runs it;
    /// it writes nothing in the matter.
    Serve {
        /// The shard's directory (`shards/NNN` of the matter, or a copy of it).
        #[arg(long, value_name = "DIR")]
        shard: std::path::PathBuf,
    },
}

pub fn run(ctx: &Ctx, args: ShardArgs) -> Result<i32> {
    match args.action {
        ShardAction::Serve { shard } => {
            let mut server =
                verbatim::cluster::serve::ShardServer::open(&ctx.matter_dir()?, &shard)?;
            let stdin = std::io::stdin();
            server.serve(
                stdin.lock(),
                std::io::BufWriter::new(std::io::stdout().lock()),
            )?;
            Ok(0)
        }
        ShardAction::Split { shards } => {
            let mut matter = Matter::open(&ctx.matter_dir()?)?;
            let mut bar = Bar::new(ctx.quiet || ctx.json, "conversations");
            let summary = verbatim::shard::split(&mut matter, shards, &mut bar, &ctx.cancel)?;
            verbatim::audit::append(
                &matter.dir,
                &ctx.reviewer,
                "shard-split",
                json!({"shards": summary.shards, "conversations": summary.conversations, "per_shard": summary.per_shard}),
            )?;
            if ctx.json {
                print_json(&summary)?;
            } else {
                println!(
                    "split {} conversations into {} shards in {:.1} s ({} to {} per shard)",
                    thousands(summary.conversations),
                    summary.shards,
                    summary.seconds,
                    thousands(summary.per_shard.iter().copied().min().unwrap_or(0)),
                    thousands(summary.per_shard.iter().copied().max().unwrap_or(0)),
                );
            }
            Ok(0)
        }
    }
}
