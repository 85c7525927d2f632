//! Export: the selected conversations (by tag, query or both) written as JSONL, CSV, text or
//! Markdown transcripts, HTML redlines, or a Concordance DAT production with Bates numbers;
//! always with `manifest.sha256` and `export.json`, built under a temporary name and renamed
//! when complete, and recorded in the audit trail.

pub mod bates;
pub mod contents;
pub mod dat;
pub mod exhibit;
pub mod html;
pub mod outdir;
pub mod pdf;
pub mod record;
pub mod redact;
pub mod register;
pub mod rsmf;
pub mod sinks;
pub mod source;
pub mod transcript;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::json;

pub use bates::BatesOptions;
pub use contents::Contents;
use record::{HistoryEntry, Record};

use crate::detect::{Finding, FindingsIndex};
use crate::index::ConvIndex;
use crate::progress::Progress;
use crate::query::{Filter, Node};
use crate::review::ReviewState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jsonl,
    Csv,
    Txt,
    Md,
    Html,
    Dat,
    Exhibit,
    Rsmf,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Jsonl,
        Format::Csv,
        Format::Txt,
        Format::Md,
        Format::Html,
        Format::Dat,
        Format::Exhibit,
        Format::Rsmf,
    ];

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Html => "html",
            Format::Dat => "dat",
            Format::Exhibit => "exhibit",
            Format::Rsmf => "rsmf",
        }
    }

    /// Productions handed over carry Bates numbers; internal exports do not.
    pub fn numbered(self) -> bool {
        matches!(self, Format::Dat | Format::Exhibit | Format::Rsmf)
    }
}

/// Which conversations: any of `tags` (when given) and matching `query` (when given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Selection {
    pub tags: Vec<String>,
    pub query: Option<String>,
    /// The dialect the query is written in.
    #[serde(default)]
    pub syntax: crate::query::Dialect,
}

impl Selection {
    /// The selection as one query tree, its query read for `index` in `matter_dir`.
    pub fn node(
        &self,
        index: &crate::index::ConvIndex,
        matter_dir: &std::path::Path,
    ) -> Result<Node> {
        self.node_for(index.text_mode(), matter_dir)
    }

    /// [`Selection::node`] for an index known by its text mode.
    pub fn node_for(
        &self,
        mode: crate::index::analyzer::TextMode,
        matter_dir: &std::path::Path,
    ) -> Result<Node> {
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            let tags: Vec<Node> = self
                .tags
                .iter()
                .map(|t| Node::Filter(Filter::Tag(t.clone())))
                .collect();
            parts.push(if tags.len() == 1 {
                tags.into_iter().next().unwrap_or(Node::All)
            } else {
                Node::Or(tags)
            });
        }
        if let Some(q) = &self.query {
            parts.push(
                crate::query::QueryOptions::for_matter_mode(matter_dir, mode, self.syntax)
                    .and_then(|opts| Ok(crate::query::parse_with(q, &opts)?))
                    .with_context(|| format!("the query {q:?} does not parse"))?,
            );
        }
        Ok(match parts.len() {
            0 => bail!("say what to export: --tag TAG, --query QUERY, or both"),
            1 => parts.pop().unwrap_or(Node::All),
            _ => Node::And(parts),
        })
    }

    pub fn describe(&self) -> String {
        let mut v = Vec::new();
        if !self.tags.is_empty() {
            v.push(format!("tagged {}", self.tags.join(" or ")));
        }
        if let Some(q) = &self.query {
            v.push(format!("matching {q}"));
        }
        v.join(" and ")
    }
}

#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub selection: Selection,
    pub format: Format,
    /// What goes in; `None`: the format's default ([`Contents::default_for`]).
    pub contents: Option<Contents>,
    pub out: PathBuf,
    pub bates: Option<BatesOptions>,
    pub redact: bool,
    pub force: bool,
    /// Who runs the export (the audit trail's entry).
    pub reviewer: String,
    /// The designation of this run, for conversations without their own (else the matter's).
    pub designation: Option<String>,
    /// Who the production goes to (recorded in the register).
    pub recipient: Option<String>,
    /// Produce conversations again that were produced before under the same Bates prefix.
    pub reproduce: bool,
    /// Exhibits: print them all into `exhibits.pdf` with headless Chromium.
    pub pdf: bool,
}

/// What the sources of an export are.
pub struct Inputs<'a> {
    pub matter_dir: &'a Path,
    pub index: &'a ConvIndex,
    pub review: &'a ReviewState,
    pub findings: &'a FindingsIndex,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub out: PathBuf,
    pub format: Format,
    /// The contents classes that went in.
    pub contents: Vec<&'static str>,
    pub conversations: u64,
    pub files: u64,
    pub bytes: u64,
    pub manifest_sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bates_first: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bates_last: Option<String>,
    /// The register's id of this production (productions with Bates numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub production: Option<String>,
    /// The designation of the run (conversations coded otherwise carry their own).
    pub designation: Option<String>,
    /// Conversations stamped with no designation at all.
    pub undesignated: u64,
    /// Masked values per kind (with `--redact-pii`).
    pub redactions: redact::Counts,
    /// DAT values holding þ, 0x14 or ®, which were replaced.
    pub altered_values: u64,
    pub seconds: f64,
}

/// Runs an export. Nothing appears under `req.out` unless every file was written; Ctrl-C
/// (`cancel`) stops it cleanly, leaving nothing behind.
pub fn run(
    inp: &Inputs,
    req: &ExportRequest,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<Summary> {
    let shared = Shared {
        matter_dir: inp.matter_dir,
        mode: inp.index.text_mode(),
        review: inp.review,
        findings: inp.findings,
    };
    run_from(
        &shared,
        &mut source::Local::new(inp.index),
        req,
        progress,
        cancel,
    )
}

/// A production may select from tens of millions of conversations: the selection gets more
/// room than an interactive search, but still a bound.
pub fn selection_budget() -> crate::query::budget::Budget {
    crate::query::budget::Budget::new(crate::query::budget::Limits {
        max_steps: 20_000_000_000,
        max_time: std::time::Duration::from_secs(30 * 60),
        ..Default::default()
    })
}

/// What an export reads besides the conversations: the matter's own part.
pub struct Shared<'a> {
    pub matter_dir: &'a Path,
    /// How the index splits words (how the selection's query is read).
    pub mode: crate::index::analyzer::TextMode,
    pub review: &'a ReviewState,
    pub findings: &'a FindingsIndex,
}

/// Conversations handed to the writers at a time.
const LOAD_BATCH: usize = 256;

/// [`run`] with the conversations from `source` (this machine's index, or a cluster).
pub fn run_from(
    inp: &Shared,
    source: &mut dyn source::Conversations,
    req: &ExportRequest,
    progress: &mut dyn Progress,
    cancel: &AtomicBool,
) -> Result<Summary> {
    let started = Instant::now();
    if req.bates.is_some() != req.format.numbered() {
        if req.format.numbered() {
            bail!(
                "a {} production needs Bates numbers: pass --bates-prefix (e.g. ABC-CHAT-)",
                req.format.name()
            );
        }
        bail!("Bates numbers apply to productions (--format dat, exhibit or rsmf)");
    }
    if req.pdf && req.format != Format::Exhibit {
        bail!("--pdf prints exhibit pages (--format exhibit)");
    }
    let chromium = if req.pdf {
        Some(pdf::require_chromium()?)
    } else {
        None
    };
    let contents = req
        .contents
        .unwrap_or_else(|| Contents::default_for(req.format));
    if let Some(d) = &req.designation {
        crate::review::designation::check_text(d)?;
    }
    let run_designation = match &req.designation {
        Some(d) => Some(d.clone()),
        None => crate::review::designation::matter_default(inp.matter_dir)?,
    };
    let node = req.selection.node_for(inp.mode, inp.matter_dir)?;
    progress.begin("selecting the conversations", None);
    let budget = selection_budget();
    let lookups = crate::search::Lookups {
        review: Some(inp.review),
        findings: Some(inp.findings),
        budget: Some(&budget),
        matter_dir: Some(inp.matter_dir),
    };
    let total = source.select(&node, &req.selection, lookups)?;
    progress.end();
    // The Bates lock is taken before the register is read, so the check below and the
    // registration at the end see the same register.
    let mut numbering = match &req.bates {
        Some(opts) => {
            let n = bates::Numbering::begin(inp.matter_dir, opts)?;
            n.check_capacity(total)?;
            Some(n)
        }
        None => None,
    };
    // Read only where it is used: the re-production check and the CSV's `bates` column.
    let produced = if req.bates.is_some() || req.format == Format::Csv {
        register::load(inp.matter_dir)?
    } else {
        register::Register::default()
    };
    if let Some(opts) = &req.bates
        && !req.reproduce
    {
        refuse_reproduction(&produced, source, &opts.prefix, total)?;
    }
    let mut numbers = match &req.bates {
        Some(_) => Some(register::Numbers::create(
            inp.matter_dir,
            &produced.next_id(),
        )?),
        None => None,
    };
    let mut undesignated = 0u64;
    // Findings and articles are read per conversation from on-disk indexes, and the history
    // is indexed once over the journal: memory does not grow with the size of the export.
    let findings = crate::detect::findings::lookup(inp.matter_dir)?;
    let articles = crate::articles::lookup(inp.matter_dir)?;
    let history = history_index(inp.review);

    let mut out = outdir::OutDir::create(&req.out, req.force)?;
    let title = if contents.coding {
        format!("verbatim export: {}", req.selection.describe())
    } else {
        "verbatim export".to_string()
    };
    let mut sink = sinks::for_format(
        req.format,
        &mut out,
        &sinks::Heading {
            title: &title,
            designation: run_designation.as_deref(),
            chromium: chromium.as_deref(),
        },
    )?;
    let mut redaction_log = if req.redact {
        Some(out.open("redaction-log.jsonl")?)
    } else {
        None
    };
    let mut redactions = redact::Counts::new();
    progress.begin("exporting", Some(total));
    // Checked per conversation and between the phases after them, up to the rename into
    // place: a stopped export leaves nothing (the temporary directory goes with `out`).
    let stop_if_cancelled = || -> Result<()> {
        if cancel.load(Ordering::Relaxed) {
            bail!(
                "export cancelled; nothing was written to {}",
                req.out.display()
            );
        }
        Ok(())
    };
    // Each conversation's near-duplicate group, when groups were built.
    let groups = match crate::groups::load(inp.matter_dir)? {
        Some(g) => record::GroupPlace::map(&g),
        None => Default::default(),
    };
    let mut batch = std::collections::VecDeque::new();
    for i in 0..total as usize {
        stop_if_cancelled()?;
        if batch.is_empty() {
            batch.extend(source.load(i..(i + LOAD_BATCH).min(total as usize))?);
        }
        let conv = batch
            .pop_front()
            .context("a conversation of the selection is gone")?;
        let id = conv.id.clone();
        let hist = history
            .get(id.as_str())
            .map(|v| {
                v.iter()
                    .map(|&i| HistoryEntry::of(&inp.review.event_at(i)))
                    .collect()
            })
            .unwrap_or_default();
        let found: Vec<Finding> = findings
            .get(&id)
            .with_context(|| format!("cannot read the findings of {id}"))?;
        let mut matched = record::ArticleMap::new();
        for f in &found {
            if !matched.contains_key(&f.article)
                && let Some(a) = crate::articles::get(&articles, &f.article)?
            {
                matched.insert(f.article.clone(), a);
            }
        }
        let review = inp.review.get(&id);
        let mut rec = Record::build(
            i as u64 + 1,
            conv,
            review.as_ref(),
            hist,
            found,
            req.redact,
            contents,
        );
        // Groups are the reviewing side's analysis, like findings: out only when asked for.
        rec.group = groups.get(&id).filter(|_| contents.findings).cloned();
        rec.bates = numbering.as_mut().map(|n| n.take());
        rec.designation = crate::review::designation::effective(
            review.as_ref(),
            run_designation.as_deref(),
            None,
        );
        undesignated += u64::from(rec.designation.is_none());
        rec.produced_as = produced
            .places(&id)
            .iter()
            .map(|p| p.bates.clone())
            .collect();
        if let (Some(nums), Some(b)) = (&mut numbers, &rec.bates) {
            nums.add(&register::Produced {
                conversation: id.clone(),
                bates: b.clone(),
                designation: rec.designation.clone(),
            })?;
        }
        if let Some(log) = &mut redaction_log
            && !rec.redactions.is_empty()
        {
            redact::merge(&mut redactions, &rec.redactions);
            let line =
                json!({"conversation": rec.id(), "bates": rec.bates, "masked": rec.redactions});
            writeln!(log, "{line}").context("cannot write the redaction log")?;
        }
        sink.write(&mut out, &rec, &matched)?;
        progress.update(i as u64 + 1, i as u64 + 1);
    }
    progress.end();
    let altered_values = sink.altered_values();
    progress.begin(
        if chromium.is_some() {
            "printing exhibits.pdf in Chromium"
        } else {
            "finishing the files"
        },
        None,
    );
    // A stop while printing kills Chromium; said as any other stop.
    let finished_files = sink.finish(&mut out, cancel);
    stop_if_cancelled()?;
    finished_files?;
    progress.end();
    if let Some(log) = redaction_log {
        out.close(log)?;
    }
    let bates_first = numbering
        .as_ref()
        .and_then(|n| n.last().map(|_| n.number(n.first)));
    let bates_last = numbering.as_ref().and_then(|n| n.last());
    let description = json!({
        "tool": "verbatim",
        "version": env!("CARGO_PKG_VERSION"),
        "created": chrono::Utc::now(),
        // Who coded and who produced is work product too: named only with `coding`.
        "by": contents.coding.then_some(&req.reviewer),
        // How the conversations were chosen (tags, queries) is work product as well; the
        // audit trail keeps it.
        "selection": if contents.coding { json!(req.selection) } else { json!("withheld: work product (see the matter's audit trail)") },
        "format": req.format,
        "contents": contents.names(),
        "conversations": total,
        "bates_first": bates_first,
        "bates_last": bates_last,
        "production": numbers.as_ref().map(|_| produced.next_id()),
        "recipient": req.recipient,
        "designation": run_designation,
        "redacted": req.redact,
        "redactions": redactions,
        "review_journal_seq": contents.coding.then(|| inp.review.last_seq()),
        "detection": crate::matter::Matter::open(inp.matter_dir).ok().and_then(|m| m.meta.detection),
    });
    out.write(
        "export.json",
        &serde_json::to_vec_pretty(&description).context("cannot encode export.json")?,
    )?;
    stop_if_cancelled()?;
    if let Some(n) = &mut numbering {
        n.commit()?;
    }
    progress.begin("writing the manifest and flushing to disk", None);
    let finished = out.finish()?;
    progress.end();
    let production = match (numbers, &req.bates) {
        (Some(nums), Some(opts)) => Some(register::register(
            inp.matter_dir,
            register::Production {
                id: produced.next_id(),
                time: chrono::Utc::now(),
                by: req.reviewer.clone(),
                recipient: req.recipient.clone(),
                format: req.format.name().to_string(),
                selection: json!(req.selection),
                designation: run_designation.clone(),
                contents: contents.names().iter().map(|s| s.to_string()).collect(),
                prefix: opts.prefix.clone(),
                bates_first: bates_first.clone(),
                bates_last: bates_last.clone(),
                conversations: total,
                destination: finished.path.clone(),
                manifest_sha256: finished.manifest_sha256.clone(),
                numbers: String::new(),
                numbers_sha256: String::new(),
            },
            nums,
        )?),
        _ => None,
    };
    let summary = Summary {
        out: finished.path.clone(),
        format: req.format,
        contents: contents.names(),
        conversations: total,
        files: finished.files,
        bytes: finished.bytes,
        manifest_sha256: finished.manifest_sha256,
        bates_first,
        bates_last,
        production: production.as_ref().map(|p| p.id.clone()),
        designation: run_designation.clone(),
        undesignated,
        redactions,
        altered_values,
        seconds: started.elapsed().as_secs_f64(),
    };
    crate::audit::append(
        inp.matter_dir,
        &req.reviewer,
        "export",
        json!({
            "selection": req.selection,
            "format": req.format,
            "destination": summary.out,
            "conversations": summary.conversations,
            "files": summary.files,
            "bytes": summary.bytes,
            "manifest_sha256": summary.manifest_sha256,
            "bates_first": summary.bates_first,
            "bates_last": summary.bates_last,
            "production": summary.production,
            "recipient": req.recipient,
            "designation": summary.designation,
            "redacted": req.redact,
            "contents": contents.names(),
        }),
    )?;
    Ok(summary)
}

/// A conversation produced before under the same prefix is produced again only when asked:
/// the other side would hold it under two numbers.
fn refuse_reproduction(
    produced: &register::Register,
    source: &mut dyn source::Conversations,
    prefix: &str,
    total: u64,
) -> Result<()> {
    let mut again: Vec<(String, Vec<String>)> = Vec::new();
    source.each_id(&mut |id| {
        let earlier: Vec<String> = produced
            .places(id)
            .iter()
            .filter(|p| p.prefix == prefix)
            .map(|p| format!("{} in {}", p.bates, p.production))
            .collect();
        if !earlier.is_empty() {
            again.push((id.to_string(), earlier));
        }
    })?;
    if again.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = again
        .iter()
        .take(10)
        .map(|(id, e)| format!("{} ({})", crate::textfmt::visible(id), e.join(", ")))
        .collect();
    let more = if again.len() > 10 {
        format!("; and {} more", again.len() - 10)
    } else {
        String::new()
    };
    bail!(
        "{} of the {total} selected conversations were already produced under prefix {prefix}: {}{more}. \
         Pass --reproduce to produce them again under new numbers, or leave them out \
         (add -bates:{prefix}* to the query)",
        again.len(),
        shown.join("; ")
    )
}

/// For each conversation coded in the journal, the positions of the events that touched it.
fn history_index(review: &ReviewState) -> HashMap<&str, Vec<usize>> {
    review.history_index()
}
