//! `verbatim sample create|list|show|size` and `verbatim qc create`: reproducible random
//! samples of the matter and how large they must be.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use verbatim::estimate::size::{self, SizeAnswer};
use verbatim::estimate::stratified::Allocation;
use verbatim::sample::{self, CreateRequest, Kind, StratumSpec};

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
pub struct SampleArgs {
    #[command(subcommand)]
    command: SampleCommand,
}

#[derive(Subcommand, Debug)]
enum SampleCommand {
    /// Draw a simple or stratified random sample and keep it in the matter.
    #[command(after_help = "Examples:
  verbatim sample create s1 --size 2401
  verbatim sample create flagged-vs-rest --seed 7 \\
      --stratum flagged:300:label:reproduced --stratum rest:2000:-label:reproduced
  verbatim sample create s2 --size 1000 --allocate neyman \\
      --stratum flagged::label:reproduced --stratum rest::-label:reproduced --expected flagged=0.8")]
    Create(CreateArgs),
    /// The matter's samples.
    List,
    /// A sample: how it was drawn, its strata, its review so far, and whether the matter's
    /// population is still the one it was drawn from.
    Show(ShowArgs),
    /// How many conversations to review for a margin of error, or to bound a rate seen zero
    /// times.
    #[command(after_help = "Examples:
  verbatim sample size --margin 0.02 --confidence 0.95 --population 20000000     # 2,401
  verbatim sample size --relative 0.5 --expected 0.001
  verbatim sample size --zero-hits --upper 0.001 --confidence 0.95")]
    Size(SizeArgs),
}

#[derive(Args, Debug)]
struct CreateArgs {
    /// The sample's name (letters, digits, - and _).
    name: String,
    /// The size of a simple sample, or of the whole sample with --allocate.
    #[arg(long)]
    size: Option<u64>,
    /// The population: conversations matching this query (default: every conversation).
    #[arg(long)]
    query: Option<String>,
    /// A stratum NAME:SIZE:QUERY (repeat; the query last, so it may hold colons); with
    /// --allocate, NAME::QUERY.
    #[arg(long = "stratum", value_name = "NAME:SIZE:QUERY")]
    strata: Vec<String>,
    /// Share --size among the strata: proportional to their size, or by Neyman allocation.
    #[arg(long, value_parser = ["proportional", "neyman"])]
    allocate: Option<String>,
    /// Expected rate of a stratum for Neyman allocation (NAME=P; 0.5 where not given).
    #[arg(long, value_name = "NAME=P")]
    expected: Vec<String>,
    /// The seed (default: a fresh one from the operating system, recorded in the sample).
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Args, Debug)]
struct ShowArgs {
    name: String,
    /// The tag that counts as positive, for the progress figures.
    #[arg(long)]
    positive: Option<String>,
    /// List the members in review order.
    #[arg(long)]
    members: bool,
}

#[derive(Args, Debug)]
struct SizeArgs {
    /// Absolute margin of error (e.g. 0.02 for ±2 points).
    #[arg(long)]
    margin: Option<f64>,
    /// Relative margin of error (e.g. 0.5 for ±50 % of the rate).
    #[arg(long)]
    relative: Option<f64>,
    /// Size to bound the rate below --upper when the sample holds no positive.
    #[arg(long)]
    zero_hits: bool,
    /// The rate to bound with --zero-hits.
    #[arg(long)]
    upper: Option<f64>,
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// The expected rate (0.5, the most conservative, when not given).
    #[arg(long)]
    expected: Option<f64>,
    /// The population's size, for the finite population correction.
    #[arg(long)]
    population: Option<u64>,
}

#[derive(Args, Debug)]
pub struct QcArgs {
    #[command(subcommand)]
    command: QcCommand,
}

#[derive(Subcommand, Debug)]
enum QcCommand {
    /// Sample a reviewer's calls for a second reviewer to call again blind.
    Create(QcCreateArgs),
}

#[derive(Args, Debug)]
struct QcCreateArgs {
    name: String,
    /// The reviewer whose calls are checked.
    #[arg(
        long = "of",
        visible_alias = "checked-reviewer",
        value_name = "REVIEWER"
    )]
    of: String,
    #[arg(long)]
    size: u64,
    /// The exclusive group of the calls (config.toml [exclusive]).
    #[arg(long, default_value = "call")]
    group: String,
    #[arg(long)]
    seed: Option<u64>,
}

pub fn run(ctx: &Ctx, args: SampleArgs) -> Result<i32> {
    match args.command {
        SampleCommand::Size(a) => size_cmd(ctx, a),
        SampleCommand::Create(a) => create(ctx, a),
        SampleCommand::List => list(ctx),
        SampleCommand::Show(a) => show(ctx, a),
    }
}

fn size_cmd(ctx: &Ctx, a: SizeArgs) -> Result<i32> {
    let expected = a.expected.unwrap_or(0.5);
    let answer: SizeAnswer = match (a.margin, a.relative, a.zero_hits) {
        (Some(m), None, false) => size::for_margin(m, a.confidence, expected, a.population),
        (None, Some(r), false) => {
            size::for_relative_margin(r, a.confidence, expected, a.population)
        }
        (None, None, true) => {
            let upper = a
                .upper
                .context("--zero-hits needs --upper P (the rate to bound)")?;
            size::for_zero_hits(upper, a.confidence, a.population)
        }
        _ => bail!("give one of --margin E, --relative R or --zero-hits --upper P"),
    }
    .map_err(anyhow::Error::msg)?;
    if ctx.json {
        print_json(&answer)?;
        return Ok(0);
    }
    println!("review {} conversations", thousands(answer.n));
    println!("  method: {}", answer.method);
    if a.population.is_some() && answer.n_infinite_population != answer.n {
        println!(
            "  {} before the finite population correction",
            thousands(answer.n_infinite_population)
        );
    }
    if let Some(r3) = answer.rule_of_three {
        println!("  (the rule of three would say {})", thousands(r3));
    }
    if let Some(p) = answer.chance_of_at_least_one_positive {
        println!(
            "  chance that a sample this size holds at least one positive at the expected rate: {:.1}%",
            p * 100.0
        );
    }
    Ok(0)
}

fn parse_expected(items: &[String]) -> Result<BTreeMap<String, f64>> {
    items
        .iter()
        .map(|e| {
            let (n, p) = e
                .split_once('=')
                .with_context(|| format!("--expected {e:?}: write NAME=P"))?;
            let p: f64 = p
                .parse()
                .ok()
                .filter(|p: &f64| (0.0..=1.0).contains(p))
                .with_context(|| format!("--expected {e:?}: P is a rate between 0 and 1"))?;
            Ok((n.to_string(), p))
        })
        .collect()
}

fn create(ctx: &Ctx, a: CreateArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let strata = a
        .strata
        .iter()
        .map(|t| StratumSpec::parse(t))
        .collect::<Result<Vec<_>>>()?;
    let allocate = a.allocate.as_deref().map(|x| match x {
        "neyman" => Allocation::Neyman,
        _ => Allocation::Proportional,
    });
    let expected = parse_expected(&a.expected)?;
    for name in expected.keys() {
        if !strata.iter().any(|s| &s.name == name) {
            bail!("--expected names {name}, which is not a stratum");
        }
    }
    let req = CreateRequest {
        name: a.name,
        query: a.query,
        size: a.size,
        strata,
        allocate,
        expected,
        seed: a.seed,
        by: ctx.reviewer.clone(),
        kind: Kind::Sample,
    };
    let smp = sample::create(&s.matter.dir, &s.index, &s.lookups()?, &req)?;
    created(
        ctx,
        &s,
        &smp,
        "review it blind with: verbatim review --sample",
    )?;
    Ok(0)
}

/// A new sample: audited, then shown (with how to review it: `next` and its name).
fn created(ctx: &Ctx, s: &Session, smp: &sample::Sample, next: &str) -> Result<()> {
    audit_created(s, smp)?;
    if ctx.json {
        print_json(&summary(smp))?;
    } else {
        print_summary(smp);
        println!("{next} {}", smp.name);
    }
    Ok(())
}

fn audit_created(s: &Session, smp: &sample::Sample) -> Result<()> {
    s.audit(
        "sample",
        json!({
            "name": smp.name,
            "kind": match &smp.kind { Kind::Sample => "sample", Kind::Qc { .. } => "qc" },
            "seed": smp.seed,
            "algorithm": smp.algorithm,
            "query": smp.query,
            "population": smp.population,
            "population_sha256": smp.population_sha256,
            "strata": smp.strata,
            "size": smp.members.len(),
            "members_sha256": smp.members_sha256(),
        }),
    )
}

fn summary(smp: &sample::Sample) -> serde_json::Value {
    json!({
        "name": smp.name,
        "created": smp.created,
        "by": smp.by,
        "algorithm": smp.algorithm,
        "seed": smp.seed,
        "query": smp.query,
        "population": smp.population,
        "population_sha256": smp.population_sha256,
        "allocation": smp.allocation,
        "strata": smp.strata,
        "size": smp.members.len(),
        "members_sha256": smp.members_sha256(),
    })
}

fn print_summary(smp: &sample::Sample) {
    println!(
        "sample {}: {} of {} conversations, seed {}, {}",
        smp.name,
        thousands(smp.members.len() as u64),
        thousands(smp.population),
        smp.seed,
        smp.algorithm
    );
    println!("  population: {}", visible_line(&smp.query));
    println!("  population sha256: {}", smp.population_sha256);
    if let Kind::Qc {
        reviewer, group, ..
    } = &smp.kind
    {
        println!("  QC of {}'s {group} calls", visible_line(reviewer));
    }
    if smp.strata.len() > 1 || smp.strata[0].query != "*" {
        println!("  strata ({} allocation):", smp.allocation);
        for st in &smp.strata {
            println!(
                "    {:<12} {:>8} of {:>10}  {}",
                st.name,
                thousands(st.size),
                thousands(st.population),
                visible_line(&st.query)
            );
        }
    }
}

fn list(ctx: &Ctx) -> Result<i32> {
    let s = Session::open(ctx)?;
    let all = sample::list(&s.matter.dir)?;
    if ctx.json {
        print_json(&all.iter().map(summary).collect::<Vec<_>>())?;
        return Ok(0);
    }
    if all.is_empty() {
        println!("no samples yet (verbatim sample create NAME --size N)");
    }
    for smp in &all {
        let reviewed = sample::counts::progress(smp, s.state()?, "").reviewed();
        println!(
            "{:<20} {:>8} of {:>10}  {} reviewed  {}{}  by {}",
            smp.name,
            thousands(smp.members.len() as u64),
            thousands(smp.population),
            thousands(reviewed),
            smp.created.format("%Y-%m-%d %H:%M"),
            match &smp.kind {
                Kind::Qc { reviewer, .. } => format!("  QC of {}", visible_line(reviewer)),
                Kind::Sample => String::new(),
            },
            visible_line(&smp.by)
        );
    }
    Ok(0)
}

fn show(ctx: &Ctx, a: ShowArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let smp = sample::load(&s.matter.dir, &a.name)?;
    sample::check_recorded(&s.matter.dir, &smp)?;
    s.audit(
        "open",
        json!({"command": "sample show", "sample": smp.name}),
    )?;
    let check = sample::check_population(&s.index, &s.lookups()?, &smp)?;
    let positive = a.positive.clone().unwrap_or_default();
    let progress = sample::counts::progress(&smp, s.state()?, &positive);
    if ctx.json {
        let mut v = summary(&smp);
        v["population_now"] = json!(check);
        v["progress"] = json!(progress);
        if a.members {
            v["members"] = json!(smp.members);
        }
        print_json(&v)?;
        return Ok(0);
    }
    print_summary(&smp);
    println!(
        "  drawn {} by {}",
        smp.created.format("%Y-%m-%d %H:%M:%S UTC"),
        visible_line(&smp.by)
    );
    if check.same {
        println!("  the matter's population is the one it was drawn from");
    } else {
        println!(
            "  WARNING: drawn from an earlier population: it held {} conversations (sha256 {}), it holds {} now (sha256 {})",
            thousands(smp.population),
            &smp.population_sha256[..16],
            thousands(check.population),
            &check.population_sha256[..16]
        );
        for (name, then, now) in &check.changed {
            println!(
                "    stratum {name}: {} then, {} now",
                thousands(*then),
                thousands(*now)
            );
        }
    }
    println!(
        "  reviewed {} of {}{}",
        thousands(progress.reviewed()),
        thousands(progress.size()),
        if positive.is_empty() {
            String::new()
        } else {
            format!(
                ", {} positive ({positive})",
                thousands(progress.positives())
            )
        }
    );
    if progress.out_of_order() > 0 {
        println!(
            "  note: {} reviewed member(s) come after unreviewed ones in the review order",
            thousands(progress.out_of_order())
        );
    }
    if a.members {
        for m in &smp.members {
            let coded = s.state()?.get(&m.id).is_some_and(|c| c.reviewed());
            println!(
                "{}  {:<12} {}",
                if coded { "✓" } else { " " },
                m.stratum,
                visible_line(&m.id)
            );
        }
    }
    Ok(0)
}

pub fn qc(ctx: &Ctx, args: QcArgs) -> Result<i32> {
    match args.command {
        QcCommand::Create(a) => {
            let s = Session::open(ctx)?;
            let palette = verbatim::review::Palette::load(&s.matter.dir)?;
            let smp = sample::qc::create(
                &s.matter.dir,
                s.state()?,
                &palette,
                &sample::qc::QcRequest {
                    name: &a.name,
                    reviewer: &a.of,
                    group: &a.group,
                    size: a.size,
                    seed: a.seed,
                    by: &ctx.reviewer,
                },
            )?;
            created(
                ctx,
                &s,
                &smp,
                "a second reviewer calls them blind with: verbatim --reviewer NAME review --sample",
            )?;
            Ok(0)
        }
    }
}
