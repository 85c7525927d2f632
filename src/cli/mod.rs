//! Command-line front-end: argument parsing (clap) and dispatch to the commands.

mod demo_cmd;
mod import_cmd;
mod output;
mod progress_bar;
mod search_cmd;
mod stats_cmd;
mod synth_cmd;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Offline workbench for reviewing chatbot conversations for reproduced news articles.
#[derive(Parser, Debug)]
#[command(name = "verbatim", version, about, long_about = None)]
pub struct Cli {
    /// The matter directory (all state of one review).
    #[arg(long, global = true, env = "VERBATIM_MATTER", value_name = "DIR")]
    matter: Option<PathBuf>,
    /// Who is reviewing (recorded with decisions); defaults to the OS user.
    #[arg(long, global = true, env = "VERBATIM_REVIEWER", value_name = "NAME")]
    reviewer: Option<String>,
    /// Print data as JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// No progress bars or notes on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the demo matter from the bundled sample and show what it holds.
    Demo(demo_cmd::DemoArgs),
    /// Import conversations (files or directories; format recognised automatically).
    Import(import_cmd::ImportArgs),
    /// Search the conversations.
    Search(search_cmd::SearchArgs),
    /// Counts: conversations, messages, models, dates, sources, rejects.
    Stats,
    /// Generate a synthetic production, article corpus and ground truth.
    Synth(synth_cmd::SynthArgs),
}

/// Shared context of every command.
pub struct Ctx {
    pub matter: Option<PathBuf>,
    #[allow(dead_code)]
    pub reviewer: String,
    pub json: bool,
    pub quiet: bool,
    /// Set by Ctrl-C: long jobs stop cleanly at the next record.
    pub cancel: Arc<AtomicBool>,
}

impl Ctx {
    pub fn matter_dir(&self) -> Result<PathBuf> {
        match &self.matter {
            Some(d) => Ok(d.clone()),
            None => verbatim::matter::Matter::default_dir(),
        }
    }
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    };
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // First Ctrl-C: finish cleanly. Second: leave now (committed work is safe).
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!(
                "\ninterrupted: stopping after the current record (Ctrl-C again to quit now)"
            );
        });
    }
    verbatim::fsutil::restrict_umask();
    let ctx = Ctx {
        matter: cli.matter,
        reviewer: cli
            .reviewer
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .unwrap_or_else(|| "unknown".to_string()),
        json: cli.json,
        quiet: cli.quiet,
        cancel,
    };
    let result = match cli.command {
        Some(Command::Demo(a)) => demo_cmd::run(&ctx, a),
        Some(Command::Import(a)) => import_cmd::run(&ctx, a),
        Some(Command::Search(a)) => search_cmd::run(&ctx, a),
        Some(Command::Stats) => stats_cmd::run(&ctx),
        Some(Command::Synth(a)) => synth_cmd::run(&ctx, a),
        None => stats_cmd::run(&ctx),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}
