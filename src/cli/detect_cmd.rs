//! `verbatim articles import|stats`, `verbatim detect`, `verbatim findings`, `verbatim eval`.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::detect::{self, Thresholds, eval};
use verbatim::matter::Matter;

use super::Ctx;
use super::output::{human_bytes, print_json, thousands, visible_line};
use super::progress_bar::Bar;

#[derive(Args, Debug)]
pub struct ArticlesArgs {
    #[command(subcommand)]
    command: ArticlesCommand,
}

#[derive(Subcommand, Debug)]
enum ArticlesCommand {
    /// Load articles: JSONL (id, title, url, published, section, text|body), CSV with a
    /// header, or a folder of .txt/.md/.html files.
    Import {
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// Memory budget of the article table's build, in MiB (it sorts on disk past it).
        #[arg(long, value_name = "MIB", default_value_t = detect::store::DEFAULT_MEMORY_MIB)]
        memory: u64,
    },
    /// Counts of the article corpus.
    Stats,
}

#[derive(Args, Debug)]
pub struct DetectArgs {
    /// A finding needs a reproduced run of at least this many words.
    #[arg(long, default_value_t = 20)]
    min_words: usize,
    /// A strong finding: a reproduced run of at least this many words ...
    #[arg(long, default_value_t = 50)]
    strong_words: usize,
    /// ... or this many characters.
    #[arg(long, default_value_t = 160)]
    strong_chars: usize,
    /// Word sequences shared by more articles than this are boilerplate and ignored.
    #[arg(long, default_value_t = 10)]
    max_df: usize,
    /// Memory budget, in MiB, for building the article table when it must be built first.
    /// The table itself is memory-mapped: the page cache holds what lookups read.
    #[arg(long, value_name = "MIB", default_value_t = detect::store::DEFAULT_MEMORY_MIB)]
    memory: u64,
}

#[derive(Args, Debug)]
pub struct FindingsArgs {
    /// Only this conversation's findings.
    id: Option<String>,
    /// Order: run (longest reproduced run first), coverage (share of the article first),
    /// conversation (by id, the default), article (by article id), beyond (most reproduced
    /// beyond what was supplied first).
    #[arg(long, default_value = "conversation", value_parser = ["run", "coverage", "conversation", "article", "beyond"])]
    sort: String,
    /// At most this many findings.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Only findings of this label: reproduced or echoed.
    #[arg(long, value_parser = ["reproduced", "echoed"])]
    label: Option<String>,
    /// Only findings of the conversations this query matches.
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The ground truth written by `verbatim synth`.
    #[arg(long)]
    truth: PathBuf,
}

pub fn articles(ctx: &Ctx, args: ArticlesArgs) -> Result<i32> {
    let dir = ctx.matter_dir()?;
    match args.command {
        ArticlesCommand::Import { paths, memory } => {
            let matter = Matter::open_or_create(&dir)?;
            let mut bar = Bar::new(ctx.quiet, "articles");
            // The article table is built while the import writes a new corpus; otherwise
            // (articles added to a corpus) it is rebuilt once the import is done.
            let max_df = Thresholds::default().max_df;
            let mut feed = detect::store::Feed::start(
                &matter.dir,
                verbatim::articles::input_bytes(&paths),
                memory,
            )?;
            let s = match feed.as_mut() {
                Some(f) => verbatim::articles::import_observed(&matter.dir, &paths, &mut bar, f)?,
                None => verbatim::articles::import(&matter.dir, &paths, &mut bar)?,
            };
            let wanted = s.total_articles > 0
                && (s.imported > 0 || detect::store::manifest(&matter.dir)?.is_none());
            let mut bar = Bar::new(ctx.quiet, "bytes");
            let fed = match feed {
                Some(f) if wanted => f.finish(&matter.dir, max_df, memory, &mut bar)?,
                unused => {
                    // Its lock goes with it, before a rebuild takes the lock again.
                    drop(unused);
                    None
                }
            };
            let table = match fed {
                Some(m) => Some(m),
                None if wanted => Some(detect::store::rebuild(
                    &matter.dir,
                    max_df,
                    memory,
                    &mut bar,
                )?),
                None => None,
            };
            verbatim::audit::append(
                &matter.dir,
                &ctx.reviewer,
                "articles-import",
                json!({"files": s.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
                       "imported": s.imported, "rejected": s.rejected}),
            )?;
            if ctx.json {
                print_json(&s)?;
                return Ok(0);
            }
            for f in &s.files {
                if let Some(why) = &f.skipped {
                    println!("{}: skipped, {why}", f.path);
                    continue;
                }
                println!(
                    "{} ({}): {} read, {} imported, {} duplicates, {} renamed, {} rejected",
                    f.path,
                    f.kind,
                    thousands(f.read),
                    thousands(f.imported),
                    thousands(f.duplicates),
                    thousands(f.renamed),
                    thousands(f.rejected)
                );
                if !ctx.quiet {
                    for p in &f.problems {
                        eprintln!("  rejected: {p}");
                    }
                }
            }
            println!(
                "total: {} imported, {} duplicates, {} rejected; the corpus holds {} articles",
                thousands(s.imported),
                thousands(s.duplicates),
                thousands(s.rejected),
                thousands(s.total_articles)
            );
            if let Some(t) = table {
                println!(
                    "article table: {} articles, {} words, {} k-grams ({} dropped as boilerplate), built in {:.1} s",
                    thousands(t.articles),
                    thousands(t.words),
                    thousands(t.entries),
                    thousands(t.boilerplate_dropped),
                    t.seconds
                );
            }
            Ok(0)
        }
        ArticlesCommand::Stats => {
            Matter::open(&dir)?;
            let st = verbatim::articles::stats(&dir)?;
            if ctx.json {
                print_json(&st)?;
            } else {
                println!(
                    "articles: {}   words: {}   text: {}",
                    thousands(st.articles),
                    thousands(st.words),
                    human_bytes(st.bytes)
                );
                if let (Some(a), Some(b)) = (&st.first_published, &st.last_published) {
                    println!("published: {a} to {b}");
                }
                let secs: Vec<String> = st
                    .sections
                    .iter()
                    .map(|(k, v)| format!("{} {}", visible_line(k), thousands(*v)))
                    .collect();
                if !secs.is_empty() {
                    println!("sections: {}", secs.join(", "));
                }
                println!(
                    "rejects: {}   corpus SHA-256: {}",
                    thousands(st.rejects),
                    st.corpus_sha256
                );
            }
            Ok(0)
        }
    }
}

/// Conversations a shard scans per round on a cluster (`$VERBATIM_CLUSTER_DETECT_PART`): the
/// coordinator holds one round's findings (about a fifth of the conversations have any, a
/// kilobyte each).
const DETECT_PART: usize = 50_000;

pub fn detect(ctx: &Ctx, args: DetectArgs) -> Result<i32> {
    let mut matter = Matter::open(&ctx.matter_dir()?)?;
    if args.min_words == 0 {
        bail!("--min-words must be at least 1");
    }
    let th = Thresholds {
        min_words: args.min_words,
        strong_words: args.strong_words,
        strong_chars: args.strong_chars,
        max_df: args.max_df.max(1),
    };
    let mut bar = Bar::new(ctx.quiet, "conversations");
    let json_out = ctx.json;
    let mut print = |f: &detect::Finding| -> Result<()> {
        if json_out {
            print_json(f)?;
        }
        Ok(())
    };
    let cluster = ctx.cluster()?;
    let s = match &cluster {
        // Each shard scans its conversations where it is; the table and the findings stay here.
        Some(opts) => {
            let mut c = super::cluster_cmd::connect(&matter, opts)?.cluster;
            let spool = matter.dir.join(".detect-spool");
            let part = std::env::var("VERBATIM_CLUSTER_DETECT_PART")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(DETECT_PART);
            detect::run_scanning(
                &mut matter,
                &th,
                args.memory,
                &mut bar,
                &mut print,
                &mut |_, corpus, _, found| c.detect(corpus, &th, part, &spool, &ctx.cancel, found),
            )?
        }
        None => detect::run_with(
            &mut matter,
            &th,
            args.memory,
            &mut bar,
            &ctx.cancel,
            &mut print,
        )?,
    };
    verbatim::audit::append(&matter.dir, &ctx.reviewer, "detect", {
        let mut e = json!({"conversations": s.conversations, "findings": s.findings,
                   "reproduced": s.reproduced, "echoed": s.echoed, "min_words": th.min_words});
        if let Some(c) = &cluster {
            e["scheduler"] = json!(c.scheduler);
        }
        e
    })?;
    if !ctx.quiet {
        eprintln!(
            "scanned {} conversations ({} of assistant text, {:.1} MB/s; the scan alone {:.1} s, {:.1} MB/s) against {} articles: {} findings ({} reproduced, {} strong; {} echoed) in {} conversations",
            thousands(s.conversations),
            human_bytes(s.assistant_bytes),
            s.mb_per_s(),
            s.scan_seconds,
            s.scan_mb_per_s(),
            thousands(s.articles as u64),
            thousands(s.findings),
            thousands(s.reproduced),
            thousands(s.strong),
            thousands(s.echoed),
            thousands(s.conversations_with_findings)
        );
    }
    Ok(0)
}

pub fn findings(ctx: &Ctx, args: FindingsArgs) -> Result<i32> {
    let matter = Matter::open(&ctx.matter_dir()?)?;
    // An id that is not in the matter is a mistake, not "0 findings".
    if let Some(id) = &args.id {
        let index = verbatim::index::ConvIndex::open_matter(&matter)?;
        if verbatim::search::get(&index, id)?.is_none() {
            anyhow::bail!(
                "no conversation {} in this matter",
                verbatim::textfmt::visible(id)
            );
        }
    }
    let all = detect::findings::load(&matter.dir)?;
    let selected: Option<std::collections::HashSet<String>> = match &args.query {
        Some(q) => {
            let s = super::session::Session::open(ctx)?;
            let node = anyhow::Context::context(
                verbatim::search::parse_for(&s.index, Some(&s.matter.dir), q),
                "the query does not parse",
            )?;
            Some(
                verbatim::search::matching_ids_full(&s.index, s.lookups()?, &node)?
                    .into_iter()
                    .collect(),
            )
        }
        None => None,
    };
    let mut shown: Vec<&detect::Finding> = all
        .iter()
        .filter(|f| args.id.as_deref().is_none_or(|id| f.conversation == id))
        .filter(|f| args.label.as_deref().is_none_or(|l| f.label.as_str() == l))
        .filter(|f| {
            selected
                .as_ref()
                .is_none_or(|s| s.contains(&f.conversation))
        })
        .collect();
    match args.sort.as_str() {
        "run" => shown.sort_by(|a, b| {
            b.longest_run_words
                .cmp(&a.longest_run_words)
                .then(b.longest_echo_words.cmp(&a.longest_echo_words))
                .then(a.conversation.cmp(&b.conversation))
        }),
        // Most reproduced beyond what the user supplied first: the strongest answer to "it was
        // only repeating what it was given".
        "beyond" => shown.sort_by(|a, b| {
            b.beyond_supplied_words
                .cmp(&a.beyond_supplied_words)
                .then(a.conversation.cmp(&b.conversation))
        }),
        "coverage" => shown.sort_by(|a, b| {
            b.article_coverage
                .total_cmp(&a.article_coverage)
                .then(a.conversation.cmp(&b.conversation))
        }),
        "article" => shown.sort_by(|a, b| {
            a.article
                .cmp(&b.article)
                .then(a.conversation.cmp(&b.conversation))
        }),
        _ => shown.sort_by(|a, b| {
            a.conversation
                .cmp(&b.conversation)
                .then(a.article.cmp(&b.article))
        }),
    }
    let matched = shown.len();
    if let Some(n) = args.limit {
        shown.truncate(n);
    }
    verbatim::audit::append(
        &matter.dir,
        &ctx.reviewer,
        "view",
        json!({"findings": args.id.as_deref().unwrap_or("(all)"), "count": shown.len()}),
    )?;
    if ctx.json {
        for f in shown {
            print_json(f)?;
        }
        return Ok(0);
    }
    if matter.meta.detection.is_none() {
        println!("no detection has run in this matter yet: run `verbatim detect`");
        return Ok(0);
    }
    if !shown.is_empty() {
        println!(
            "conversation  article  label  longest run, words reproduced and echoed, article coverage"
        );
    }
    for f in &shown {
        // An echo-only finding says what was echoed, not "longest 0 words".
        let run = if f.longest_run_words > 0 {
            format!(
                "longest {} words / {} chars",
                f.longest_run_words, f.longest_run_chars
            )
        } else {
            f.run_description()
        };
        println!(
            "{}  {}  {}{}  {run}, {} reproduced, {} echoed, {:.1}% of the article",
            visible_line(&f.conversation),
            visible_line(&f.article),
            f.label.as_str(),
            if f.strong { " STRONG" } else { "" },
            f.reproduced_words,
            f.echoed_words,
            f.article_coverage * 100.0
        );
        println!("    {}", f.elicitation_description());
    }
    if shown.len() < matched {
        println!(
            "{} of {} findings (--limit)",
            thousands(shown.len() as u64),
            thousands(matched as u64)
        );
    } else {
        println!("{} findings", thousands(shown.len() as u64));
    }
    Ok(0)
}

pub fn evaluate(ctx: &Ctx, args: EvalArgs) -> Result<i32> {
    let matter = Matter::open(&ctx.matter_dir()?)?;
    let Some(det) = &matter.meta.detection else {
        bail!("no detection has run in this matter yet: run `verbatim detect` first");
    };
    let truth = eval::read_truth(&args.truth)?;
    let findings = detect::findings::load(&matter.dir)?;
    let report = eval::evaluate(&truth, &findings, det.thresholds.min_words);
    if ctx.json {
        print_json(&report)?;
    } else {
        println!(
            "{:<22} {:>8} {:>9} {:>8} {:>7}  expectation",
            "case", "cases", "correct", "rate", "floor"
        );
        for r in &report.rows {
            let what = match r.expect {
                eval::Expect::Reproduced => "found as reproduced (rate = recall)",
                eval::Expect::Echoed => "found as echoed, not reproduced",
                eval::Expect::NotFlagged => "not flagged (rate = share flagged)",
            };
            println!(
                "{:<22} {:>8} {:>9} {:>8.4} {:>7} {} {what}",
                r.case,
                r.cases,
                r.correct,
                r.rate,
                if r.floor > 0.0 {
                    format!("{}", r.floor)
                } else {
                    "-".into()
                },
                if r.ok { " " } else { "!" }
            );
        }
        println!(
            "precision (conversations flagged as reproducing that had a planted copy): {:.4} ({} of {})",
            report.precision, report.true_flagged_conversations, report.flagged_conversations
        );
        println!(
            "article precision (reproduced findings naming the planted article): {:.4} ({} of {})",
            report.article_precision, report.true_reproduced_findings, report.reproduced_findings
        );
        if !report.elicitation.is_empty() {
            println!("elicitation right, of the planted copies found:");
            for r in &report.elicitation {
                println!(
                    "  {:<14} {:<11} {:>6} of {:>6}  {:>7.4}  floor {} {}",
                    r.case,
                    r.elicitation,
                    r.correct,
                    r.found,
                    r.rate,
                    r.floor,
                    if r.ok { " " } else { "!" }
                );
            }
        }
    }
    Ok(
        if report.rows.iter().all(|r| r.ok) && report.elicitation.iter().all(|r| r.ok) {
            0
        } else {
            1
        },
    )
}
