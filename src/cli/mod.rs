//! Command-line front-end: argument parsing (clap) and dispatch to the commands.

mod audit_cmd;
mod batch_cmd;
mod cluster_cmd;
mod compact_cmd;
mod conflicts_cmd;
mod demo_cmd;
mod designation_cmd;
mod detect_cmd;
mod docs_cmd;
mod estimate_cmd;
mod export_cmd;
mod groups_cmd;
mod highlights_cmd;
mod import_cmd;
mod output;
mod productions_cmd;
mod progress_bar;
mod report_cmd;
mod review_cmd;
mod review_ui;
mod sample_cmd;
mod saved_cmd;
mod search_cmd;
mod session;
mod shard_cmd;
mod show_cmd;
mod stats_cmd;
mod synth_cmd;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Offline workbench for reviewing chatbot conversations for reproduced news articles.
#[derive(Parser, Debug)]
#[command(name = "verbatim", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    globals: Globals,
    #[command(subcommand)]
    command: Option<Command>,
}

/// The options every command takes.
#[derive(clap::Args, Debug)]
struct Globals {
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
    /// Run on the Dask cluster whose scheduler is here (tls://HOST:PORT): import, search,
    /// report, stats, detect, export and review of a sharded matter, one task per shard.
    #[arg(long, global = true, env = "VERBATIM_SCHEDULER", value_name = "ADDR")]
    scheduler: Option<String>,
    /// The cluster's TLS files (`verbatim cluster certs DIR`); default: the matter's
    /// cluster/certs.
    #[arg(long, global = true, env = "VERBATIM_TLS", value_name = "DIR")]
    tls: Option<PathBuf>,
    /// Allow a scheduler without TLS (tcp://) when it is on 127.0.0.0/8: a trial on one
    /// machine, where nothing crosses a network.
    #[arg(long, global = true)]
    insecure_loopback: bool,
}

/// The quick commands alone, parsed first: building the whole command tree (every command's
/// options, the global ones copied into each) costs a quick command about a fifth of its
/// time. The arguments are the same types as [`Command`]'s, so a command line that parses
/// here parses to the same values there; anything else (help, version, an error, another
/// command) is parsed again by [`Cli`], which says what it always says.
#[derive(Parser, Debug)]
#[command(name = "verbatim", disable_help_subcommand = true)]
struct QuickCli {
    #[command(flatten)]
    globals: Globals,
    #[command(subcommand)]
    command: QuickCommand,
}

#[derive(Subcommand, Debug)]
enum QuickCommand {
    Search(search_cmd::SearchArgs),
    Show(show_cmd::ShowArgs),
    Stats,
    Tag(review_cmd::TagArgs),
    Untag(review_cmd::TagArgs),
    Note(review_cmd::NoteArgs),
    Undo(review_cmd::UndoArgs),
    Tags(review_cmd::TagsArgs),
    History(review_cmd::HistoryArgs),
}

impl From<QuickCommand> for Command {
    fn from(q: QuickCommand) -> Command {
        match q {
            QuickCommand::Search(a) => Command::Search(a),
            QuickCommand::Show(a) => Command::Show(a),
            QuickCommand::Stats => Command::Stats,
            QuickCommand::Tag(a) => Command::Tag(a),
            QuickCommand::Untag(a) => Command::Untag(a),
            QuickCommand::Note(a) => Command::Note(a),
            QuickCommand::Undo(a) => Command::Undo(a),
            QuickCommand::Tags(a) => Command::Tags(a),
            QuickCommand::History(a) => Command::History(a),
        }
    }
}

/// Parses the command line: the quick commands' own parser first, the whole tree otherwise.
fn parse() -> Result<(Globals, Option<Command>, clap::ArgMatches), clap::Error> {
    if let Ok(m) = QuickCli::command().try_get_matches()
        && let Ok(q) = QuickCli::from_arg_matches(&m)
    {
        return Ok((q.globals, Some(q.command.into()), m));
    }
    let m = Cli::command().try_get_matches()?;
    let c = Cli::from_arg_matches(&m)?;
    Ok((c.globals, c.command, m))
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open the review interface on the matter (also what `verbatim` alone does); with
    /// `--sample NAME`, a blind review of that sample in its random order.
    Review(ReviewArgs),
    /// Build the demo matter from the bundled sample, show what it holds and open it.
    Demo(demo_cmd::DemoArgs),
    /// Import conversations (files or directories; format recognised automatically).
    Import(import_cmd::ImportArgs),
    /// Search the conversations.
    Search(search_cmd::SearchArgs),
    /// The article corpus: `articles import FILE|DIR...`, `articles stats`.
    Articles(detect_cmd::ArticlesArgs),
    /// Scan every conversation for reproduced articles and store the findings.
    Detect(detect_cmd::DetectArgs),
    /// Print stored findings (all, or one conversation's).
    Findings(detect_cmd::FindingsArgs),
    /// Score stored findings against a synth ground truth (precision and recall per case).
    Eval(detect_cmd::EvalArgs),
    /// Search term report: hits and unique hits per term, as CSV.
    Report(report_cmd::ReportArgs),
    /// Print one conversation (recorded in the audit trail).
    Show(show_cmd::ShowArgs),
    /// Add tags: `tag ID TAG...`, or `tag --query QUERY TAG...` for every match.
    Tag(review_cmd::TagArgs),
    /// Remove tags: `untag ID TAG...`, or `untag --query QUERY TAG...`.
    Untag(review_cmd::TagArgs),
    /// Set a conversation's note (no text clears it).
    Note(review_cmd::NoteArgs),
    /// Undo your last coding action (or the event given by --seq).
    Undo(review_cmd::UndoArgs),
    /// Review progress: counts per tag and reviewer, reviewed and unreviewed (`--check`: the
    /// conversations that break a palette rule).
    Tags(review_cmd::TagsArgs),
    /// Export tagged or matching conversations: jsonl, csv, txt, md, html, or a DAT production.
    Export(export_cmd::ExportArgs),
    /// Batches for a review team: `batch create SET --query Q --size N`, `checkout`,
    /// `checkin`, `status`, `reassign`.
    Batch(batch_cmd::BatchArgs),
    /// Near-duplicate groups: `groups build [--threshold 0.8] [--scope conversation|reply]`,
    /// `list`, `show ID`; `group:ID`, `principal:yes`, `similarity:>=0.9` in queries.
    Groups(groups_cmd::GroupsArgs),
    /// Second-level review: the calls reviewers disagree on (`conflicts`), and a lead's
    /// decision (`conflicts resolve ID CALL --note N`).
    Conflicts(conflicts_cmd::ConflictsArgs),
    /// The team's highlight set: `highlights set FILE` (one query per line, `red: query`),
    /// `show`, `clear`; marked in every transcript.
    Highlights(highlights_cmd::HighlightsArgs),
    /// Confidentiality designations: the matter's default (`set`, `clear`), a conversation's
    /// own (`code`, `uncode`), and `show`.
    Designation(designation_cmd::DesignationArgs),
    /// The production register: every production with its Bates range and recipient.
    Productions(productions_cmd::ProductionsArgs),
    /// Random samples: `sample create NAME --size N [--stratum NAME:SIZE:QUERY ...]`, `list`,
    /// `show NAME`, and `sample size` (how many to review for a margin of error).
    Sample(sample_cmd::SampleArgs),
    /// Quality control: `qc create NAME --of REVIEWER --size N` samples a reviewer's calls for a
    /// second reviewer to call again blind.
    Qc(sample_cmd::QcArgs),
    /// How many conversations are positive, with a confidence interval, from a reviewed sample
    /// (and detector validation, or a QC sample's overturn rate).
    Estimate(estimate_cmd::EstimateArgs),
    /// Every coding event of a conversation.
    History(review_cmd::HistoryArgs),
    /// Saved searches shared by the matter: `saved add NAME QUERY`, `list`, `rm`; `@NAME` in
    /// any query.
    Saved(saved_cmd::SavedArgs),
    /// Lists: the conversations a query matched, frozen: `list add NAME --query Q`, `ls`,
    /// `show`, `rm`; `list:NAME` in any query.
    List(saved_cmd::ListArgs),
    /// Print the audit trail, or `audit verify` its hash chain.
    Audit(audit_cmd::AuditArgs),
    /// Counts: conversations, messages, models, dates, sources, rejects.
    Stats,
    /// Merge the index's segments into one per core (`--segments N`), so that searches open
    /// fewer files: run once a production is imported. Ctrl-C or a kill leaves the index as
    /// it was.
    Compact(compact_cmd::CompactArgs),
    /// Shards: `shard split --shards N` splits the matter's conversations into N self-contained
    /// shard matters, read as one index by every other command.
    Shard(shard_cmd::ShardArgs),
    /// A Dask cluster for a sharded matter: `cluster certs DIR`, `cluster up --workers N` and
    /// `cluster down` (a trial on this machine), `cluster worker --shards DIR...`.
    Cluster(cluster_cmd::ClusterArgs),
    /// Generate a synthetic production, article corpus and ground truth.
    Synth(synth_cmd::SynthArgs),
    /// Print shell completions: `verbatim completions bash > /etc/bash_completion.d/verbatim`.
    Completions(docs_cmd::CompletionsArgs),
    /// Print the manual page (`verbatim man | man -l -`), or write every page with --out DIR.
    Man(docs_cmd::ManArgs),
}

#[derive(clap::Args, Debug)]
struct ReviewArgs {
    /// Review this sample blind: its members in the sample's random order, the detector's
    /// findings and others' coding withheld until you make your call.
    #[arg(long, value_name = "NAME")]
    sample: Option<String>,
    /// Open a batch as the queue: the one you hold (`batch checkout`), or the one named.
    #[arg(long, value_name = "BATCH", num_args = 0..=1, default_missing_value = "", conflicts_with = "sample")]
    batch: Option<String>,
}

/// Shared context of every command.
pub struct Ctx {
    pub matter: Option<PathBuf>,
    pub reviewer: String,
    /// The reviewer named by `--reviewer` on this command line (not from the environment).
    pub reviewer_flag: Option<String>,
    pub json: bool,
    pub quiet: bool,
    /// Set by Ctrl-C: long jobs stop cleanly at the next record.
    pub cancel: Arc<AtomicBool>,
    pub scheduler: Option<String>,
    pub tls: Option<PathBuf>,
    pub insecure_loopback: bool,
}

impl Ctx {
    pub fn matter_dir(&self) -> Result<PathBuf> {
        match &self.matter {
            Some(d) => Ok(d.clone()),
            None => verbatim::matter::Matter::default_dir(),
        }
    }

    /// How to reach the cluster, when `--scheduler` names one; the TLS files default to the
    /// matter's `cluster/certs`.
    pub fn cluster(&self) -> Result<Option<verbatim::cluster::dask::ClusterOptions>> {
        let Some(scheduler) = &self.scheduler else {
            return Ok(None);
        };
        let tls = match &self.tls {
            Some(t) => Some(t.clone()),
            None => Some(self.matter_dir()?.join(verbatim::cluster::dask::CERTS_DIR)),
        };
        let opts = verbatim::cluster::dask::ClusterOptions {
            scheduler: scheduler.clone(),
            tls,
            insecure_loopback: self.insecure_loopback,
        };
        opts.check()?;
        Ok(Some(opts))
    }

    /// Refuses `--scheduler` for a command that does not run on a cluster.
    pub fn on_this_machine(&self, command: &str) -> Result<()> {
        if self.scheduler.is_some() {
            anyhow::bail!(
                "`{command}` does not run on a cluster: run it without --scheduler (it reads the shards on this machine)"
            );
        }
        Ok(())
    }
}

/// The name of the user running the process.
fn os_user() -> Option<String> {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return Some(v);
        }
    }
    #[cfg(unix)]
    {
        // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name
        // out immediately and do not keep the pointer.
        unsafe {
            let pw = libc::getpwuid(libc::getuid());
            if !pw.is_null() && !(*pw).pw_name.is_null() {
                let name = std::ffi::CStr::from_ptr((*pw).pw_name);
                return Some(name.to_string_lossy().into_owned());
            }
        }
    }
    None
}

/// Whether the process may use transparent huge pages (Linux; elsewhere nothing to do).
pub fn huge_pages(on: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes a flag and changes nothing but this process's paging.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, libc::c_ulong::from(!on), 0, 0, 0);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = on;
}

impl Command {
    /// Commands that read or record a little and return: they start no Ctrl-C handler thread
    /// (a Ctrl-C simply ends them; what they write is one appended line, and a torn line is
    /// set aside by the next write) and use no huge pages.
    fn is_quick(&self) -> bool {
        matches!(
            self,
            Command::Search(_)
                | Command::Show(_)
                | Command::Stats
                | Command::Tags(_)
                | Command::History(_)
                | Command::Saved(_)
                | Command::List(_)
                | Command::Completions(_)
                | Command::Man(_)
                | Command::Tag(_)
                | Command::Untag(_)
                | Command::Note(_)
                | Command::Undo(_)
        )
    }
}

pub fn run() -> i32 {
    let (globals, command, matches) = match parse() {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    };
    let reviewer_flag = (matches.value_source("reviewer") == Some(ValueSource::CommandLine))
        .then(|| globals.reviewer.clone())
        .flatten();
    let cancel = Arc::new(AtomicBool::new(false));
    let quick = command.as_ref().is_some_and(Command::is_quick);
    if quick {
        verbatim::index::read_each_conversation_once();
        verbatim::index::search_threads_on_demand();
    }
    if !quick {
        huge_pages(true);
        let cancel = cancel.clone();
        // First Ctrl-C: finish cleanly. Second: leave now (committed work is safe).
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: stopping at the next safe point (Ctrl-C again to quit now)");
        });
    }
    verbatim::fsutil::restrict_umask();
    let ctx = Ctx {
        matter: globals.matter,
        reviewer: globals
            .reviewer
            .or_else(os_user)
            .unwrap_or_else(|| "unknown".to_string()),
        reviewer_flag,
        json: globals.json,
        quiet: globals.quiet,
        cancel,
        scheduler: globals.scheduler,
        tls: globals.tls,
        insecure_loopback: globals.insecure_loopback,
    };
    let result = match command {
        Some(Command::Demo(a)) => demo_cmd::run(&ctx, a),
        Some(Command::Import(a)) => import_cmd::run(&ctx, a),
        Some(Command::Search(a)) => search_cmd::run(&ctx, a),
        Some(Command::Show(a)) => show_cmd::run(&ctx, a),
        Some(Command::Articles(a)) => detect_cmd::articles(&ctx, a),
        Some(Command::Detect(a)) => detect_cmd::detect(&ctx, a),
        Some(Command::Findings(a)) => detect_cmd::findings(&ctx, a),
        Some(Command::Eval(a)) => detect_cmd::evaluate(&ctx, a),
        Some(Command::Report(a)) => report_cmd::run(&ctx, a),
        Some(Command::Tag(a)) => review_cmd::tag(&ctx, a, verbatim::review::Action::Tag),
        Some(Command::Untag(a)) => review_cmd::tag(&ctx, a, verbatim::review::Action::Untag),
        Some(Command::Note(a)) => review_cmd::note(&ctx, a),
        Some(Command::Undo(a)) => review_cmd::undo(&ctx, a),
        Some(Command::Tags(a)) => review_cmd::tags(&ctx, a),
        Some(Command::Export(a)) => export_cmd::run(&ctx, a),
        Some(Command::History(a)) => review_cmd::history(&ctx, a),
        Some(Command::Designation(a)) => designation_cmd::run(&ctx, a),
        Some(Command::Productions(a)) => productions_cmd::run(&ctx, a),
        Some(Command::Shard(a)) => shard_cmd::run(&ctx, a),
        Some(Command::Compact(a)) => compact_cmd::run(&ctx, a),
        Some(Command::Sample(a)) => sample_cmd::run(&ctx, a),
        Some(Command::Qc(a)) => sample_cmd::qc(&ctx, a),
        Some(Command::Estimate(a)) => estimate_cmd::run(&ctx, a),
        Some(Command::Audit(a)) => audit_cmd::run(&ctx, a),
        Some(Command::Stats) => stats_cmd::run(&ctx),
        Some(Command::Saved(a)) => saved_cmd::saved(&ctx, a),
        Some(Command::Batch(a)) => batch_cmd::run(&ctx, a),
        Some(Command::Groups(a)) => groups_cmd::run(&ctx, a),
        Some(Command::Conflicts(a)) => conflicts_cmd::run(&ctx, a),
        Some(Command::Highlights(a)) => highlights_cmd::run(&ctx, a),
        Some(Command::List(a)) => saved_cmd::list(&ctx, a),
        Some(Command::Synth(a)) => synth_cmd::run(&ctx, a),
        Some(Command::Cluster(a)) => cluster_cmd::run(&ctx, a),
        Some(Command::Completions(a)) => docs_cmd::completions(&ctx, a),
        Some(Command::Man(a)) => docs_cmd::man(&ctx, a),
        Some(Command::Review(a)) => review_ui::run(&ctx, a.sample.as_deref(), a.batch.as_deref()),
        None => review_ui::run(&ctx, None, None),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // An error may quote the user's text (a query, a config line, a file name): control
            // characters in it are shown, not sent to the terminal.
            eprintln!("error: {}", verbatim::textfmt::visible(&format!("{e:#}")));
            // A query that does not parse, or is too broad to run, is a usage error, whichever
            // command it came to.
            if e.chain().any(|c| {
                c.downcast_ref::<verbatim::query::QueryError>().is_some()
                    || c.downcast_ref::<verbatim::query::budget::Exceeded>()
                        .is_some()
            }) {
                2
            } else {
                1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The commands that start on the system allocator are the quick parser's, and every
    /// global option that takes a value is known to the allocator's reading of the command line.
    #[test]
    fn the_allocator_knows_the_quick_commands() {
        let quick = QuickCli::command();
        let names: Vec<&str> = quick.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(names, crate::allocator::QUICK_COMMANDS);
        for arg in quick
            .get_arguments()
            .filter(|a| a.get_action().takes_values())
        {
            let long = format!("--{}", arg.get_long().expect("global options are long"));
            assert!(
                crate::allocator::is_quick([long.as_bytes(), b"x", b"search"]),
                "{long} takes a value the allocator's reading does not skip"
            );
        }
    }

    /// The quick parser is the whole tree's parser for its commands: same names, aliases and
    /// arguments (each compared whole), same global options; so a command line it accepts
    /// means what it means to the whole tree.
    #[test]
    fn the_quick_parser_agrees_with_the_whole_tree() {
        let mut quick = QuickCli::command();
        let mut full = Cli::command();
        quick.build();
        full.build();
        let args = |c: &clap::Command| -> Vec<String> {
            let mut v: Vec<String> = c.get_arguments().map(|a| format!("{a:?}")).collect();
            v.sort();
            v
        };
        // The whole tree's --version is answered by the whole tree.
        let mut top = args(&full);
        top.retain(|a| !a.starts_with("Arg { id: \"version\""));
        assert_eq!(args(&quick), top);
        let mut n = 0;
        for q in quick.get_subcommands() {
            let f = full
                .find_subcommand(q.get_name())
                .unwrap_or_else(|| panic!("{} is not a command", q.get_name()));
            assert_eq!(args(q), args(f), "{}", q.get_name());
            assert_eq!(
                q.get_all_aliases().collect::<Vec<_>>(),
                f.get_all_aliases().collect::<Vec<_>>()
            );
            let names = |c: &clap::Command| {
                c.get_subcommands()
                    .map(|s| s.get_name().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(names(q), names(f), "{}", q.get_name());
            n += 1;
        }
        assert_eq!(n, 9);
        // Each quick command is quick, and maps to the command of its name.
        for (line, name) in [
            (vec!["verbatim", "search", "a b", "--limit", "3"], "Search"),
            (vec!["verbatim", "--json", "show", "c1"], "Show"),
            (vec!["verbatim", "stats", "--matter", "m"], "Stats"),
            (vec!["verbatim", "tag", "c1", "hot"], "Tag"),
            (vec!["verbatim", "untag", "c1", "hot"], "Untag"),
            (vec!["verbatim", "note", "c1", "text"], "Note"),
            (vec!["verbatim", "undo"], "Undo"),
            (vec!["verbatim", "tags"], "Tags"),
            (vec!["verbatim", "history", "c1"], "History"),
        ] {
            let q = QuickCli::try_parse_from(&line).unwrap();
            let c = Cli::try_parse_from(&line).unwrap();
            let from_quick: Command = q.command.into();
            assert!(from_quick.is_quick(), "{name}");
            assert_eq!(
                format!("{from_quick:?}"),
                format!("{:?}", c.command.unwrap())
            );
            assert_eq!(format!("{:?}", q.globals), format!("{:?}", c.globals));
            assert!(format!("{from_quick:?}").starts_with(name));
        }
        // What the quick parser refuses, the whole tree answers.
        for line in [
            vec!["verbatim"],
            vec!["verbatim", "--version"],
            vec!["verbatim", "search", "--help"],
            vec!["verbatim", "help", "search"],
            vec!["verbatim", "import", "f"],
            vec!["verbatim", "search", "--limit", "x", "q"],
        ] {
            assert!(QuickCli::try_parse_from(&line).is_err(), "{line:?}");
        }
    }
}
