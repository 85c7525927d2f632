//! `verbatim export`: write the selected conversations out in one format, with a manifest.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use verbatim::export::{self, BatesOptions, Format, Selection};
use verbatim::search;

use super::Ctx;
use super::output::{human_bytes, print_json, thousands};
use super::progress_bar::Bar;
use super::session::Session;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  verbatim export --tag reproduces-article --format dat --bates-prefix NYT-OAI- --out PROD001
  verbatim export --tag hot --format exhibit --bates-prefix NYT-EX- --pdf --out EXHIBITS
  verbatim export --query 'label:reproduced' --format jsonl --out working-set
  verbatim export --tag hot --format html --include transcript,findings,coding --out review-pages
Productions (dat, exhibit, rsmf) need --bates-prefix and are registered (verbatim productions).")]
pub struct ExportArgs {
    /// Conversations carrying this tag (repeat for any of several tags).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Conversations matching this query (with --tag: tagged and matching).
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// The syntax --query is written in: dtsearch (the default), westlaw or lexis.
    #[arg(long, default_value = "dtsearch")]
    syntax: verbatim::query::Dialect,
    /// jsonl, csv, txt, md, html, dat (a Concordance production with Bates numbers) or
    /// exhibit (printable exhibit pages with Bates numbers; --pdf for one PDF of all) or rsmf
    /// (Relativity Short Message Format, one .rsmf file per conversation, Bates-numbered).
    #[arg(long, value_parser = parse_format)]
    format: Format,
    /// The export directory to create.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Bates prefix of a production (dat, exhibit, rsmf), e.g. ABC-CHAT-.
    #[arg(long, value_name = "P")]
    bates_prefix: Option<String>,
    /// First Bates number (default: the next free number of the prefix in this matter).
    #[arg(long, value_name = "N", requires = "bates_prefix")]
    bates_start: Option<u64>,
    /// Digits of the Bates counter.
    #[arg(long, value_name = "W", default_value_t = 7, requires = "bates_prefix")]
    bates_width: usize,
    /// Mask emails, phone numbers, SSNs, card numbers and IP addresses in exported text.
    #[arg(long)]
    redact_pii: bool,
    /// What goes in: transcript, findings, coding (tags, notes, reviewers, history: work
    /// product), provenance (source paths, record numbers), comma-separated, or all. Default:
    /// dat: transcript; html: transcript,findings; jsonl, csv, txt, md: all.
    #[arg(long, value_name = "CLASSES", value_parser = parse_contents)]
    include: Option<export::Contents>,
    /// The confidentiality designation of this run, stamped on every page of conversations
    /// without their own (default: the matter's, `verbatim designation set`).
    #[arg(long, value_name = "TEXT")]
    designation: Option<String>,
    /// Who the production goes to (recorded in the production register).
    #[arg(long, value_name = "NAME")]
    recipient: Option<String>,
    /// Produce again conversations already produced under the same Bates prefix.
    #[arg(long)]
    reproduce: bool,
    /// Exhibits: also print every exhibit into exhibits.pdf (needs headless Chromium).
    #[arg(long)]
    pdf: bool,
    /// Replace the destination if it exists.
    #[arg(long)]
    force: bool,
    /// Write the export even when the selection matches no conversation.
    #[arg(long)]
    allow_empty: bool,
}

fn parse_contents(s: &str) -> Result<export::Contents, String> {
    export::Contents::parse(s).map_err(|e| e.to_string())
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format \"{s}\"; use one of {}", names.join(", "))
    })
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<i32> {
    let cluster = ctx.cluster()?;
    // On a cluster the shards may be on other machines: the matter's own part is opened here.
    let s = match &cluster {
        Some(_) => None,
        None => Some(Session::open(ctx)?),
    };
    let req = export::ExportRequest {
        selection: Selection {
            tags: args.tags,
            query: args.query,
            syntax: args.syntax,
        },
        format: args.format,
        contents: args.include,
        out: args.out,
        bates: args.bates_prefix.map(|p| BatesOptions {
            prefix: p,
            start: args.bates_start,
            width: args.bates_width,
        }),
        redact: args.redact_pii,
        force: args.force,
        reviewer: ctx.reviewer.clone(),
        designation: args.designation,
        recipient: args.recipient,
        reproduce: args.reproduce,
        pdf: args.pdf,
    };
    let mut bar = Bar::new(ctx.quiet || ctx.json, "conversations");
    let summary = match (&s, &cluster) {
        (Some(s), _) => {
            let inputs = export::Inputs {
                matter_dir: &s.matter.dir,
                index: &s.index,
                review: s.state()?,
                findings: s.findings()?,
            };
            // An empty production is almost always a mistyped tag or query: say so, write
            // nothing.
            if !args.allow_empty {
                let node = req.selection.node(&s.index, &s.matter.dir)?;
                if search::count_full(&s.index, s.lookups()?, &node)? == 0 {
                    bail!("{}", nothing_selected(&req.selection));
                }
            }
            export::run(&inputs, &req, &mut bar, &ctx.cancel)
        }
        (None, Some(opts)) => {
            let matter = verbatim::matter::Matter::open(&ctx.matter_dir()?)?;
            let super::cluster_cmd::Connected {
                cluster: mut c,
                mode,
                ..
            } = super::cluster_cmd::connect(&matter, opts)?;
            let journal = verbatim::review::Journal::open(&matter.dir)?;
            let findings = verbatim::detect::FindingsIndex::load(&matter.dir)?;
            let shared = export::Shared {
                matter_dir: &matter.dir,
                mode,
                review: journal.state(),
                findings: &findings,
            };
            // Ranked once: the export takes the same ranking.
            let mut source = verbatim::cluster::remote::Remote::new(&mut c);
            if !args.allow_empty && source.rank(&req.selection)? == 0 {
                bail!("{}", nothing_selected(&req.selection));
            }
            export::run_from(&shared, &mut source, &req, &mut bar, &ctx.cancel)
        }
        (None, None) => bail!("no matter to export"),
    }
    .with_context(|| format!("export to {} failed", req.out.display()))?;
    if ctx.json {
        print_json(&summary)?;
        return Ok(0);
    }
    println!(
        "exported {} conversations ({}) to {}",
        thousands(summary.conversations),
        summary.format.name(),
        summary.out.display()
    );
    println!(
        "  {} files, {}; manifest.sha256 {}",
        thousands(summary.files),
        human_bytes(summary.bytes),
        summary.manifest_sha256
    );
    if let (Some(a), Some(b)) = (&summary.bates_first, &summary.bates_last) {
        println!(
            "  Bates {a} to {b}{}",
            summary
                .production
                .as_deref()
                .map(|p| format!(", registered as {p} (verbatim productions)"))
                .unwrap_or_default()
        );
    }
    match &summary.designation {
        Some(d) => println!("  designation: {d}"),
        None if summary.undesignated > 0 && summary.format.numbered() => eprintln!(
            "warning: {} conversations carry no confidentiality designation (set one: verbatim \
             designation set TEXT, or pass --designation TEXT)",
            thousands(summary.undesignated)
        ),
        None => {}
    }
    println!(
        "  contents: {} (--include to change)",
        summary.contents.join(", ")
    );
    if req.redact {
        let parts: Vec<String> = summary
            .redactions
            .iter()
            .map(|(k, n)| format!("{} {}", thousands(*n), k.to_lowercase()))
            .collect();
        println!(
            "  masked: {} (see redaction-log.jsonl)",
            if parts.is_empty() {
                "nothing".to_string()
            } else {
                parts.join(", ")
            }
        );
    }
    if summary.altered_values > 0 {
        eprintln!(
            "note: {} DAT values held þ, byte 0x14 or ®, which a load file cannot carry as they are; they were replaced (U+FFFD, space, (R)); the natives keep the original text",
            summary.altered_values
        );
    }
    if summary.conversations == 0 {
        eprintln!(
            "note: the selection matched no conversation; the export holds only its manifest and export.json"
        );
    }
    Ok(0)
}

fn nothing_selected(selection: &Selection) -> String {
    format!(
        "the selection ({}) matches no conversation; nothing was written (--allow-empty writes an empty export)",
        selection.describe()
    )
}
