//! `verbatim estimate NAME --positive TAG`: the rate of positives in a reviewed sample and its
//! projection to the population, per stratum and combined, with the interval method named;
//! detector validation (precision, elusion, recall) when the sample has a flagged and an
//! unflagged stratum; the overturn rate of a QC sample.

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::json;
use verbatim::estimate::interval::Method;
use verbatim::estimate::stratified::{self, Estimate, Validation};
use verbatim::sample::{self, Kind, Sample};

use super::Ctx;
use super::output::{print_json, thousands, visible_line};
use super::session::Session;

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  verbatim estimate s1 --positive reproduces-article
  verbatim estimate flagged-vs-rest --positive reproduces-article --html estimate.html --csv estimate.csv
  verbatim estimate qc-ann                                   # a QC sample: the overturn rate")]
pub struct EstimateArgs {
    /// The sample.
    name: String,
    /// The tag that makes a reviewed member positive (not needed for a QC sample).
    #[arg(long)]
    positive: Option<String>,
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// The interval for a proportion: clopper-pearson (exact, the default), wilson, jeffreys.
    #[arg(long, default_value = "clopper-pearson")]
    method: String,
    /// The stratum of conversations the detector flagged, and the one it did not: detector
    /// validation (default: strata named flagged and, when there are two, the other one).
    #[arg(long)]
    flagged: Option<String>,
    #[arg(long)]
    unflagged: Option<String>,
    /// Write the validation report as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    html: Option<std::path::PathBuf>,
    /// Write the figures as CSV (and FILE.provenance.csv beside it).
    #[arg(long, value_name = "FILE")]
    csv: Option<std::path::PathBuf>,
}

fn pct(p: f64) -> String {
    if p > 0.0 && p < 0.0001 {
        format!("{:.2e} %", p * 100.0)
    } else {
        format!("{:.2} %", p * 100.0)
    }
}

/// The flagged and unflagged strata, if the sample has them.
fn validation_strata(smp: &Sample, a: &EstimateArgs) -> Result<Option<(String, String)>> {
    let names: Vec<&str> = smp.strata.iter().map(|s| s.name.as_str()).collect();
    let has = |n: &str| names.contains(&n);
    match (&a.flagged, &a.unflagged) {
        (Some(f), Some(u)) => {
            for n in [f, u] {
                if !has(n) {
                    bail!(
                        "{} has no stratum {n} (it has {})",
                        smp.name,
                        names.join(", ")
                    );
                }
            }
            Ok(Some((f.clone(), u.clone())))
        }
        (Some(_), None) | (None, Some(_)) => bail!("give both --flagged and --unflagged"),
        (None, None) if has("flagged") && names.len() == 2 => {
            let other = names.iter().find(|n| **n != "flagged").unwrap_or(&"");
            Ok(Some(("flagged".into(), other.to_string())))
        }
        (None, None) => Ok(None),
    }
}

pub fn run(ctx: &Ctx, a: EstimateArgs) -> Result<i32> {
    let s = Session::open(ctx)?;
    let smp = sample::load(&s.matter.dir, &a.name)?;
    sample::check_recorded(&s.matter.dir, &smp)?;
    let method = Method::parse(&a.method).map_err(anyhow::Error::msg)?;
    let check = sample::check_population(&s.index, &s.lookups()?, &smp)?;
    if let Kind::Qc { .. } = smp.kind {
        return qc(ctx, &s, &smp, &a, method);
    }
    let positive = a
        .positive
        .clone()
        .context("give --positive TAG: the tag that makes a reviewed conversation positive")?;
    let palette = verbatim::review::Palette::load(&s.matter.dir)?;
    if !palette.contains(&positive) && !s.state()?.tag_counts().contains_key(&positive) {
        bail!("no tag {positive} in the palette or on any conversation");
    }
    let progress = sample::counts::progress(&smp, s.state()?, &positive);
    // Strata with nothing reviewed yet cannot be estimated: say which.
    let waiting: Vec<&str> = progress
        .strata
        .iter()
        .filter(|p| p.counts.reviewed == 0)
        .map(|p| p.name.as_str())
        .collect();
    if !waiting.is_empty() {
        bail!(
            "nothing of {} reviewed yet in stratum {}: review the sample first (verbatim review --sample {})",
            smp.name,
            waiting.join(", "),
            smp.name
        );
    }
    let counts = progress.counts();
    let est = stratified::estimate(&counts, a.confidence, method).map_err(anyhow::Error::msg)?;
    let validation = match validation_strata(&smp, &a)? {
        Some((f, u)) => {
            let get = |n: &str| counts.iter().find(|c| c.name == n).cloned();
            let (Some(fc), Some(uc)) = (get(&f), get(&u)) else {
                bail!("the strata {f} and {u} are not both in the sample");
            };
            Some(
                stratified::detector_validation(&fc, &uc, a.confidence, method)
                    .map_err(anyhow::Error::msg)?,
            )
        }
        None => None,
    };
    s.audit(
        "estimate",
        json!({
            "sample": smp.name,
            "positive": positive,
            "method": method.name(),
            "confidence": a.confidence,
            "reviewed": est.reviewed,
            "positives": est.positives,
            "rate": est.rate,
            "low": est.low,
            "high": est.high,
            "population_changed": !check.same,
        }),
    )?;
    let provenance = verbatim::estimate::report::Provenance {
        sample: smp.name.clone(),
        created: smp.created.to_rfc3339(),
        created_by: smp.by.clone(),
        seed: smp.seed,
        algorithm: smp.algorithm.clone(),
        population_query: smp.query.clone(),
        population: smp.population,
        population_sha256: smp.population_sha256.clone(),
        positive: format!("tag:{positive}"),
        matter: s
            .matter
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        generated: chrono::Utc::now().to_rfc3339(),
        tool_version: format!("verbatim {}", env!("CARGO_PKG_VERSION")),
        current_population_sha256: (!check.same).then(|| check.population_sha256.clone()),
        strata: smp
            .strata
            .iter()
            .map(|st| verbatim::estimate::report::StratumSource {
                name: st.name.clone(),
                query: st.query.clone(),
                population_sha256: st.population_sha256.clone(),
            })
            .collect(),
    };
    write_reports(&a, &provenance, &est, validation.as_ref())?;
    if ctx.json {
        let mut v = json!(est);
        v["sample_name"] = json!(smp.name);
        v["positive"] = json!(positive);
        v["population_changed"] = json!(!check.same);
        v["out_of_order"] = json!(progress.out_of_order());
        if let Some(val) = &validation {
            v["validation"] = json!(val);
        }
        print_json(&v)?;
        return Ok(0);
    }
    print_estimate(&smp, &est, &positive);
    if let Some(val) = &validation {
        print_validation(val);
    }
    if progress.out_of_order() > 0 {
        println!(
            "note: {} reviewed member(s) come after unreviewed ones in the review order; the estimate treats the reviewed members as a random sample of their stratum",
            thousands(progress.out_of_order())
        );
    }
    if !check.same {
        println!(
            "WARNING: the sample was drawn from an earlier population ({} conversations then, {} now): the projection is to the population drawn from",
            thousands(smp.population),
            thousands(check.population)
        );
    }
    Ok(0)
}

fn write_reports(
    a: &EstimateArgs,
    p: &verbatim::estimate::report::Provenance,
    est: &Estimate,
    val: Option<&Validation>,
) -> Result<()> {
    use verbatim::estimate::report;
    if let Some(f) = &a.html {
        verbatim::fsutil::write_atomic(f, report::html(p, est, val).as_bytes())
            .with_context(|| format!("cannot write {}", f.display()))?;
    }
    if let Some(f) = &a.csv {
        verbatim::fsutil::write_atomic(f, report::csv(p, est, val).as_bytes())
            .with_context(|| format!("cannot write {}", f.display()))?;
        let prov = f.with_extension("provenance.csv");
        verbatim::fsutil::write_atomic(&prov, report::provenance_csv(p).as_bytes())
            .with_context(|| format!("cannot write {}", prov.display()))?;
    }
    Ok(())
}

fn print_estimate(smp: &Sample, e: &Estimate, positive: &str) {
    println!(
        "sample {}: {} of {} reviewed, {} coded {positive}",
        smp.name,
        thousands(e.reviewed),
        thousands(e.sample),
        thousands(e.positives)
    );
    if e.incomplete {
        println!(
            "  incomplete: {} member(s) not reviewed yet are left out",
            thousands(e.unreviewed)
        );
    }
    if e.strata.len() > 1 {
        println!(
            "  {:<12} {:>10} {:>9} {:>6} {:>9}  {:>21}",
            "stratum", "population", "reviewed", "pos.", "rate", "interval"
        );
        for st in &e.strata {
            println!(
                "  {:<12} {:>10} {:>9} {:>6} {:>9}  {:>10} – {:<10}",
                visible_line(&st.name),
                thousands(st.population),
                thousands(st.reviewed),
                thousands(st.positives),
                pct(st.rate),
                pct(st.low),
                pct(st.high)
            );
        }
    }
    println!(
        "rate {} ({} confidence: {} to {}), {}",
        pct(e.rate),
        pct(e.confidence),
        pct(e.low),
        pct(e.high),
        e.combined_method
    );
    println!(
        "in the population of {}: about {} conversations ({} to {})",
        thousands(e.population),
        thousands(e.projected.point),
        thousands(e.projected.low),
        thousands(e.projected.high)
    );
}

fn print_validation(v: &Validation) {
    let line = |what: &str, r: &stratified::RateEstimate| {
        println!(
            "{what}: {} ({} to {}), {} of {}",
            pct(r.rate),
            pct(r.low),
            pct(r.high),
            thousands(r.positives),
            thousands(r.reviewed)
        );
    };
    println!(
        "detector validation ({} stratum against {}):",
        v.flagged.name, v.unflagged.name
    );
    line("  precision (flagged and positive)", &v.precision);
    line("  elusion (unflagged but positive)", &v.elusion);
    match v.recall.point {
        Some(p) => println!(
            "  recall: {} ({} to {}), {}",
            pct(p),
            pct(v.recall.low),
            pct(v.recall.high),
            v.recall.method
        ),
        None => println!("  recall: no positive found in either stratum"),
    }
}

fn qc(ctx: &Ctx, s: &Session, smp: &Sample, a: &EstimateArgs, method: Method) -> Result<i32> {
    let palette = verbatim::review::Palette::load(&s.matter.dir)?;
    let o = sample::qc::overturns(smp, s.state()?, &palette)?;
    if o.rechecked == 0 {
        bail!(
            "no member of {} has been called again by another reviewer yet (verbatim --reviewer NAME review --sample {})",
            smp.name,
            smp.name
        );
    }
    let r = stratified::overturn(o.overturned, o.rechecked, a.confidence, method)
        .map_err(anyhow::Error::msg)?;
    s.audit(
        "estimate",
        json!({"sample": smp.name, "qc_of": o.reviewer, "rechecked": o.rechecked, "overturned": o.overturned, "method": method.name()}),
    )?;
    if ctx.json {
        print_json(&json!({"sample": smp.name, "overturns": o, "rate": r}))?;
        return Ok(0);
    }
    println!(
        "QC of {}'s {} calls: {} of {} rechecked ({} drawn), {} overturned",
        visible_line(&o.reviewer),
        o.group,
        thousands(o.rechecked),
        thousands(o.size),
        thousands(o.size),
        thousands(o.overturned)
    );
    println!(
        "overturn rate {} ({} confidence, {}: {} to {})",
        pct(r.rate),
        pct(a.confidence),
        method.name(),
        pct(r.low),
        pct(r.high)
    );
    for d in &o.disagreements {
        println!(
            "  {}  {} → {} ({})",
            visible_line(&d.id),
            d.first,
            d.second,
            d.second_by.join(", ")
        );
    }
    Ok(0)
}
