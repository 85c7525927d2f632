//! Printable reports of an estimate: one self-contained HTML page, fit to attach
//! to a court declaration, and CSV exports of the numbers and the provenance.
//!
//! The HTML page loads nothing from anywhere (inline CSS, inline SVG chart, no
//! scripts), is well-formed (every tag closed), and escapes every text value that
//! comes from data. Numbers are formatted without locale: `.` as the decimal
//! point, `,` between thousands, percentages with at least 2 decimals and at
//! least 2 significant digits (so 0.0012 %, not 0.00 %).

use std::fmt::Write as _;

use serde::Serialize;

use super::interval::Method;
use super::stratified::{COMBINED_NORMAL, Estimate, StratumEstimate, Validation};

/// What one sampled item is called in sentences.
const ITEM: &str = "conversation";
const ITEMS: &str = "conversations";

/// Where a sample came from, as recorded at the draw (plus report metadata).
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// Sample name.
    pub sample: String,
    /// When the sample was drawn (RFC 3339).
    pub created: String,
    pub created_by: String,
    pub seed: u64,
    /// Draw algorithm, e.g. "sha256-bottom-k v1".
    pub algorithm: String,
    pub population_query: String,
    /// Items in the population at the draw.
    pub population: u64,
    pub population_sha256: String,
    /// What counts as positive, e.g. "tag:reproduces-article".
    pub positive: String,
    /// Matter name.
    pub matter: String,
    /// When this report was generated (RFC 3339).
    pub generated: String,
    pub tool_version: String,
    /// Set when the matter's population changed since the draw.
    pub current_population_sha256: Option<String>,
    pub strata: Vec<StratumSource>,
}

/// How one stratum was defined at the draw.
#[derive(Debug, Clone, Serialize)]
pub struct StratumSource {
    pub name: String,
    pub query: String,
    pub population_sha256: String,
}

// ---------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------

/// Escapes text for HTML element content and quoted attribute values. Control
/// characters other than tab and newlines (not allowed in XML) become U+FFFD.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// 20000000 → "20,000,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A proportion as a percentage: 2 decimals, more when needed for 2 significant
/// digits of the value (below 0.1 %) or of its distance to 100 % (above 99.9 %).
fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let p = x * 100.0;
    let decimals = if p > 0.0 && p < 100.0 {
        let small = p.min(100.0 - p);
        (1 - small.log10().floor() as i32).clamp(2, 12) as usize
    } else {
        2
    };
    format!("{p:.decimals$} %")
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// 0.95 → "95 %", 0.995 → "99.5 %".
fn confidence_pct(c: f64) -> String {
    format!("{} %", trim_zeros(format!("{:.6}", c * 100.0)))
}

fn noun(n: u64) -> &'static str {
    if n == 1 { ITEM } else { ITEMS }
}

fn was_were(n: u64) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

fn method_phrase(m: Method) -> &'static str {
    match m {
        Method::ClopperPearson => "Clopper-Pearson exact interval",
        Method::Wilson => "Wilson score interval",
        Method::Jeffreys => "Jeffreys interval",
    }
}

/// The overall interval's method in words, for sentences.
fn combined_phrase(e: &Estimate) -> String {
    if e.strata.len() == 1 {
        method_phrase(e.method).to_string()
    } else if e.combined_method == COMBINED_NORMAL {
        "stratified normal approximation with finite population correction, \
         Cochran 1977 eq. 5.7"
            .to_string()
    } else if e
        .combined_method
        .starts_with("sum of per-stratum exact bounds")
    {
        "conservative sum of per-stratum Clopper-Pearson exact bounds, \
         Bonferroni-adjusted"
            .to_string()
    } else {
        e.combined_method.clone()
    }
}

/// True when a current population hash is recorded and differs from the one at
/// the draw.
fn population_changed(p: &Provenance) -> bool {
    p.current_population_sha256
        .as_deref()
        .is_some_and(|c| !c.trim().eq_ignore_ascii_case(p.population_sha256.trim()))
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

// ---------------------------------------------------------------------------
// Sentences
// ---------------------------------------------------------------------------

/// The estimate in one plain-English paragraph (plain text, not escaped), e.g.
/// "Of 2,401 conversations reviewed, 37 were coded tag:reproduces-article
/// (1.54 %). At 95 % confidence (Clopper-Pearson exact interval) the rate in the
/// population of 20,000,000 is between 1.09 % and 2.12 %, that is between 217,907
/// and 423,401 conversations."
pub fn statement(p: &Provenance, e: &Estimate) -> String {
    let conf = confidence_pct(e.confidence);
    let mut s = if e.strata.len() == 1 {
        format!(
            "Of {} {} reviewed, {} {} coded {} ({}). At {} confidence ({}) the rate in the \
             population of {} is between {} and {}, that is between {} and {} {}.",
            thousands(e.reviewed),
            noun(e.reviewed),
            thousands(e.positives),
            was_were(e.positives),
            p.positive,
            pct(e.rate),
            conf,
            combined_phrase(e),
            thousands(e.population),
            pct(e.low),
            pct(e.high),
            thousands(e.projected.low),
            thousands(e.projected.high),
            ITEMS,
        )
    } else {
        format!(
            "Of {} {} reviewed in {} strata, {} {} coded {}. Weighting each stratum's rate by \
             its share of the population of {}, the estimated rate is {} (about {} {}). At {} \
             confidence ({}) the rate is between {} and {}, that is between {} and {} {}.",
            thousands(e.reviewed),
            noun(e.reviewed),
            e.strata.len(),
            thousands(e.positives),
            was_were(e.positives),
            p.positive,
            thousands(e.population),
            pct(e.rate),
            thousands(e.projected.point),
            noun(e.projected.point),
            conf,
            combined_phrase(e),
            pct(e.low),
            pct(e.high),
            thousands(e.projected.low),
            thousands(e.projected.high),
            ITEMS,
        )
    };
    if e.incomplete {
        let (is, it) = if e.unreviewed == 1 {
            ("is", "it is")
        } else {
            ("are", "they are")
        };
        let _ = write!(
            s,
            " {} of the {} sampled {} {is} not yet reviewed; {it} excluded from this estimate.",
            thousands(e.unreviewed),
            thousands(e.sample),
            ITEMS,
        );
    }
    s
}

/// Detector validation in plain English (plain text, not escaped).
fn validation_statement(v: &Validation) -> String {
    let (pr, el) = (&v.precision, &v.elusion);
    let mut s = format!(
        "At {} confidence ({}): of {} reviewed {} the detector flagged, {} {} positive, a \
         precision of {} (between {} and {}). Of {} reviewed {} it did not flag, {} {} \
         positive, an elusion rate of {} (between {} and {}). ",
        confidence_pct(v.confidence),
        method_phrase(v.method),
        thousands(pr.reviewed),
        noun(pr.reviewed),
        thousands(pr.positives),
        was_were(pr.positives),
        pct(pr.rate),
        pct(pr.low),
        pct(pr.high),
        thousands(el.reviewed),
        noun(el.reviewed),
        thousands(el.positives),
        was_were(el.positives),
        pct(el.rate),
        pct(el.low),
        pct(el.high),
    );
    match v.recall.point {
        Some(r) => {
            let _ = write!(
                s,
                "The estimated recall, the share of all positive {ITEMS} in the population \
                 that the detector flags, is {} (between {} and {}, a conservative interval).",
                pct(r),
                pct(v.recall.low),
                pct(v.recall.high),
            );
        }
        None => {
            let _ = write!(
                s,
                "Recall cannot be estimated because no positives were found in either \
                 sample; it lies between {} and {}.",
                pct(v.recall.low),
                pct(v.recall.high),
            );
        }
    }
    s
}

// ---------------------------------------------------------------------------
// Chart
// ---------------------------------------------------------------------------

struct Bar {
    label: String,
    rate: f64,
    low: f64,
    high: f64,
    combined: bool,
}

/// Smallest of 1, 2, 2.5, 5 × 10^k that is ≥ x (x > 0).
fn nice_ceil(x: f64) -> f64 {
    let base = 10f64.powi(x.log10().floor() as i32);
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|&v| v >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * base)
}

/// Axis maximum for intervals reaching up to `high`: high × 1.1 rounded up to a
/// nice number, at most 100 %, always > 0.
fn axis_max(high: f64) -> f64 {
    nice_ceil((high * 1.1).max(1e-9)).min(1.0)
}

/// Tick positions 0, step, 2·step, … ≤ max, and the step.
fn ticks(max: f64) -> (Vec<f64>, f64) {
    let step = nice_ceil(max / 6.0);
    let n = (max / step + 1e-9).floor() as usize;
    ((0..=n).map(|i| i as f64 * step).collect(), step)
}

fn tick_label(v: f64, step: f64) -> String {
    let decimals = (1 - (step * 100.0).log10().floor() as i32).max(0) as usize;
    format!("{} %", trim_zeros(format!("{:.decimals$}", v * 100.0)))
}

const SVG_W: f64 = 800.0;
const LABEL_X: f64 = 6.0;
const PLOT_X0: f64 = 222.0;
const PLOT_X1: f64 = 560.0;
const VALUE_X: f64 = 576.0;

fn xpos(v: f64, max: f64) -> f64 {
    PLOT_X0 + (v / max).clamp(0.0, 1.0) * (PLOT_X1 - PLOT_X0)
}

/// One interval: line with end caps, and the point (circle, or a diamond for the
/// combined estimate, so black-and-white prints keep them apart).
fn draw_bar(out: &mut String, b: &Bar, cy: f64, max: f64) {
    let (xl, xh, xp) = (xpos(b.low, max), xpos(b.high, max), xpos(b.rate, max));
    let w = if b.combined { 3.0 } else { 2.0 };
    let _ = write!(
        out,
        r##"<line x1="{xl:.1}" y1="{cy:.1}" x2="{xh:.1}" y2="{cy:.1}" stroke="#000" stroke-width="{w}"/><line x1="{xl:.1}" y1="{:.1}" x2="{xl:.1}" y2="{:.1}" stroke="#000" stroke-width="{w}"/><line x1="{xh:.1}" y1="{:.1}" x2="{xh:.1}" y2="{:.1}" stroke="#000" stroke-width="{w}"/>"##,
        cy - 7.0,
        cy + 7.0,
        cy - 7.0,
        cy + 7.0,
    );
    marker(out, xp, cy, b.combined);
    let _ = write!(
        out,
        r#"<text x="{LABEL_X}" y="{:.1}" font-size="13"{}>{}</text><text x="{VALUE_X}" y="{:.1}" font-size="12"{}>{} ({} – {})</text>"#,
        cy + 4.5,
        if b.combined {
            r#" font-weight="bold""#
        } else {
            ""
        },
        escape(&truncate(&b.label, 27)),
        cy + 4.5,
        if b.combined {
            r#" font-weight="bold""#
        } else {
            ""
        },
        pct(b.rate),
        pct(b.low),
        pct(b.high),
    );
}

fn marker(out: &mut String, x: f64, y: f64, combined: bool) {
    if combined {
        let _ = write!(
            out,
            r##"<polygon points="{:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1}" fill="#000" stroke="#fff" stroke-width="1"/>"##,
            x - 7.0,
            y - 7.0,
            x + 7.0,
            y + 7.0,
        );
    } else {
        let _ = write!(
            out,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#000" stroke="#fff" stroke-width="1"/>"##
        );
    }
}

fn axis(out: &mut String, y: f64, max: f64, grid_top: Option<f64>, font: f64) {
    let (ts, step) = ticks(max);
    for &t in &ts {
        let x = xpos(t, max);
        if let Some(top) = grid_top {
            let _ = write!(
                out,
                r##"<line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{y:.1}" stroke="#888" stroke-width="0.8" stroke-dasharray="3 3"/>"##
            );
        }
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{:.1}" stroke="#000"/><text x="{x:.1}" y="{:.1}" font-size="{font}" text-anchor="middle">{}</text>"##,
            y + 5.0,
            y + 7.0 + font,
            tick_label(t, step),
        );
    }
    let _ = write!(
        out,
        r##"<line x1="{PLOT_X0}" y1="{y:.1}" x2="{PLOT_X1}" y2="{y:.1}" stroke="#000"/>"##
    );
}

/// The intervals as an inline SVG forest plot, with a caption. One shared axis
/// when every interval is visible on it; otherwise (rates differing by more than
/// ~20×) each row gets its own labelled axis, and the caption says so.
fn chart(e: &Estimate) -> String {
    let mut bars: Vec<Bar> = e
        .strata
        .iter()
        .map(|s| Bar {
            label: s.name.clone(),
            rate: s.rate,
            low: s.low,
            high: s.high,
            combined: false,
        })
        .collect();
    bars.push(Bar {
        label: "Combined (all strata)".to_string(),
        rate: e.rate,
        low: e.low,
        high: e.high,
        combined: true,
    });
    let global = axis_max(bars.iter().map(|b| b.high).fold(0.0, f64::max));
    let shared = bars.iter().all(|b| b.high >= global / 20.0);
    let conf = confidence_pct(e.confidence);

    let mut body = String::new();
    // Legend.
    marker(&mut body, LABEL_X + 6.0, 14.0, false);
    let _ = write!(
        body,
        r#"<text x="{}" y="18.5" font-size="12">stratum point estimate</text>"#,
        LABEL_X + 17.0
    );
    marker(&mut body, 222.0, 14.0, true);
    let _ = write!(
        body,
        r#"<text x="233" y="18.5" font-size="12">combined point estimate</text>"#
    );
    let _ = write!(
        body,
        r##"<line x1="420" y1="14" x2="452" y2="14" stroke="#000" stroke-width="2"/><line x1="420" y1="8" x2="420" y2="20" stroke="#000" stroke-width="2"/><line x1="452" y1="8" x2="452" y2="20" stroke="#000" stroke-width="2"/><text x="462" y="18.5" font-size="12">{conf} confidence interval</text><text x="{VALUE_X}" y="46" font-size="11" font-style="italic">estimate (low – high)</text>"##,
    );

    let top = 56.0;
    let height = if shared {
        let row_h = 32.0;
        let bottom = top + bars.len() as f64 * row_h;
        axis(&mut body, bottom + 4.0, global, Some(top - 4.0), 11.0);
        let sep = top + (bars.len() - 1) as f64 * row_h;
        let _ = write!(
            body,
            r##"<line x1="{LABEL_X}" y1="{sep:.1}" x2="{:.1}" y2="{sep:.1}" stroke="#000" stroke-width="0.8"/>"##,
            SVG_W - 6.0
        );
        for (i, b) in bars.iter().enumerate() {
            draw_bar(&mut body, b, top + i as f64 * row_h + row_h / 2.0, global);
        }
        let _ = write!(
            body,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">rate (percent of the stratum or population)</text>"#,
            (PLOT_X0 + PLOT_X1) / 2.0,
            bottom + 40.0
        );
        bottom + 50.0
    } else {
        let row_h = 64.0;
        for (i, b) in bars.iter().enumerate() {
            let y = top + i as f64 * row_h;
            if i > 0 {
                let _ = write!(
                    body,
                    r##"<line x1="{LABEL_X}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#000" stroke-width="{}"/>"##,
                    SVG_W - 6.0,
                    if b.combined { 0.8 } else { 0.3 }
                );
            }
            let max = axis_max(b.high);
            let cy = y + 20.0;
            axis(&mut body, cy + 16.0, max, None, 10.0);
            draw_bar(&mut body, b, cy, max);
        }
        top + bars.len() as f64 * row_h
    };

    let caption = if shared {
        format!(
            "Figure. Estimated rate per stratum and combined, with {conf} confidence intervals. \
             Dot or diamond: point estimate; horizontal line with end caps: interval. \
             Intervals per stratum: {}. Exact values are in the table above.",
            method_phrase(e.method)
        )
    } else {
        format!(
            "Figure. Estimated rate per stratum and combined, with {conf} confidence intervals. \
             Dot or diamond: point estimate; horizontal line with end caps: interval. \
             The rates differ too much for one common scale, so EACH ROW HAS ITS OWN SCALE \
             (see the percentages under each row); compare rows by their numbers, not by \
             bar positions. Intervals per stratum: {}.",
            method_phrase(e.method)
        )
    };
    format!(
        r#"<figure><svg viewBox="0 0 {SVG_W} {height:.0}" width="{SVG_W}" height="{height:.0}" role="img" aria-label="Interval chart"><title>Estimated rates with {conf} confidence intervals</title>{body}</svg><figcaption>{}</figcaption></figure>"#,
        escape(&caption)
    )
}

// ---------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------

const CSS: &str = r#"
@page { margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0; color: #000; background: #fff;
  font: 10.5pt/1.45 Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 20px 24px; }
h1 { font-size: 18pt; margin: 0 0 2px; overflow-wrap: anywhere; }
.sub { margin: 0 0 12px; color: #222; overflow-wrap: anywhere; }
h2 { font-size: 13pt; margin: 20px 0 8px; padding-bottom: 2px; border-bottom: 1.5px solid #000;
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 14px 0 6px; break-after: avoid; page-break-after: avoid; }
p { margin: 6px 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #666; padding: 3px 5px; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
thead th { background: #e6e6e6; }
th.n, td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.prov th { width: 27%; background: #f0f0f0; font-weight: bold; }
tr.combined td { font-weight: bold; border-top: 2.5px solid #000; }
td.method { font-size: 8.5pt; }
.name { min-width: 7.5em; }
td.measure { min-width: 9em; }
table.keep { break-inside: avoid; page-break-inside: avoid; }
.mono { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, "Courier New", monospace;
  font-size: 0.95em; overflow-wrap: anywhere; word-break: break-all; }
.statement { font-size: 11.5pt; border-left: 4px solid #000; padding: 4px 0 4px 12px; margin: 10px 0; }
.warn { border: 3px solid #b00000; background: #fde8e8; color: #6b0000; padding: 10px 14px;
  margin: 12px 0; overflow-wrap: anywhere; }
.warn strong { font-size: 12pt; }
.note { border: 1.5px dashed #000; padding: 8px 12px; margin: 12px 0; overflow-wrap: anywhere; }
.small { font-size: 9pt; }
figure { margin: 8px 0; }
figure svg { display: block; width: 100%; height: auto; max-width: 800px; font-family: inherit; }
figcaption { font-size: 9pt; margin-top: 4px; }
footer { margin-top: 24px; padding-top: 6px; border-top: 1px solid #000; font-size: 9pt;
  overflow-wrap: anywhere; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  table { font-size: 8pt; }
  th, td { padding: 2px 3px; }
  td.method { font-size: 7.5pt; }
  .statement { font-size: 10.5pt; }
  tr, .warn, .note, .statement, figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .warn, thead th, table.prov th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

fn prov_row(out: &mut String, label: &str, value_html: &str) {
    let _ = write!(out, "<tr><th>{label}</th><td>{value_html}</td></tr>");
}

fn mono(s: &str) -> String {
    format!(r#"<span class="mono">{}</span>"#, escape(s))
}

fn provenance_section(out: &mut String, p: &Provenance) {
    out.push_str(r#"<section><h2>Provenance</h2><table class="prov"><tbody>"#);
    prov_row(out, "Sample", &escape(&p.sample));
    prov_row(out, "Matter", &escape(&p.matter));
    prov_row(out, "Counted as positive", &escape(&p.positive));
    prov_row(out, "Population query", &mono(&p.population_query));
    prov_row(
        out,
        "Population at the draw",
        &format!("{} {}", thousands(p.population), noun(p.population)),
    );
    prov_row(
        out,
        "Population SHA-256 at the draw",
        &mono(&p.population_sha256),
    );
    let current = match &p.current_population_sha256 {
        None => "not recorded (no change since the draw was recorded)".to_string(),
        Some(h) if population_changed(p) => format!(
            "{} <strong>CHANGED: differs from the hash at the draw</strong>",
            mono(h)
        ),
        Some(h) => format!("{} (same as at the draw)", mono(h)),
    };
    prov_row(out, "Current population SHA-256", &current);
    prov_row(out, "Seed", &mono(&p.seed.to_string()));
    prov_row(out, "Draw algorithm", &escape(&p.algorithm));
    prov_row(out, "Drawn (created)", &escape(&p.created));
    prov_row(out, "Drawn by", &escape(&p.created_by));
    prov_row(out, "Report generated", &escape(&p.generated));
    prov_row(out, "Tool version", &escape(&p.tool_version));
    out.push_str("</tbody></table>");
    if !p.strata.is_empty() {
        out.push_str(
            "<h3>Stratum definitions</h3><table><thead><tr><th class=\"name\">Stratum</th><th>Query</th>\
             <th>Population SHA-256 at the draw</th></tr></thead><tbody>",
        );
        for s in &p.strata {
            let _ = write!(
                out,
                r#"<tr><td class="name">{}</td><td>{}</td><td style="width:42%">{}</td></tr>"#,
                escape(&s.name),
                mono(&s.query),
                mono(&s.population_sha256),
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

fn num_cells(out: &mut String, cells: &[String]) {
    for c in cells {
        let _ = write!(out, r#"<td class="n">{c}</td>"#);
    }
}

fn strata_section(out: &mut String, e: &Estimate) {
    let conf = confidence_pct(e.confidence);
    let _ = write!(
        out,
        r#"<section><h2>Strata</h2><table class="keep"><thead><tr><th class="name" rowspan="2">Stratum</th><th class="n" rowspan="2">Population</th><th class="n" rowspan="2">Weight</th><th class="n" rowspan="2">Sampled</th><th class="n" rowspan="2">Reviewed</th><th class="n" rowspan="2">Positives</th><th colspan="3">Rate ({conf} interval)</th><th colspan="3">Projected {ITEMS}</th></tr><tr><th class="n">rate</th><th class="n">low</th><th class="n">high</th><th class="n">point</th><th class="n">low</th><th class="n">high</th></tr></thead><tbody>"#,
    );
    let row = |out: &mut String, s: &StratumEstimate| {
        let _ = write!(out, r#"<td class="name">{}</td>"#, escape(&s.name));
        let reviewed = if s.incomplete {
            format!("{}&#160;*", thousands(s.reviewed))
        } else {
            thousands(s.reviewed)
        };
        num_cells(
            out,
            &[
                thousands(s.population),
                pct(s.weight),
                thousands(s.sample),
                reviewed,
                thousands(s.positives),
                pct(s.rate),
                pct(s.low),
                pct(s.high),
                thousands(s.projected.point),
                thousands(s.projected.low),
                thousands(s.projected.high),
            ],
        );
    };
    for s in &e.strata {
        out.push_str("<tr>");
        row(out, s);
        out.push_str("</tr>");
    }
    out.push_str(r#"<tr class="combined"><td class="name">Combined (all strata)</td>"#);
    num_cells(
        out,
        &[
            thousands(e.population),
            pct(1.0),
            thousands(e.sample),
            if e.incomplete {
                format!("{}&#160;*", thousands(e.reviewed))
            } else {
                thousands(e.reviewed)
            },
            thousands(e.positives),
            pct(e.rate),
            pct(e.low),
            pct(e.high),
            thousands(e.projected.point),
            thousands(e.projected.low),
            thousands(e.projected.high),
        ],
    );
    let _ = write!(
        out,
        r#"</tr><tr><td class="method" colspan="12"><strong>Combined interval method:</strong> {}. <strong>Per-stratum intervals:</strong> {} ({}), {conf} confidence.</td></tr></tbody></table>"#,
        escape(&e.combined_method),
        method_phrase(e.method),
        e.method.name(),
    );
    let mut notes = String::new();
    for s in e.strata.iter().filter(|s| s.incomplete) {
        let _ = write!(
            notes,
            " {}: {} of {} sampled not yet reviewed.",
            escape(&s.name),
            thousands(s.unreviewed),
            thousands(s.sample)
        );
    }
    if !notes.is_empty() {
        let _ = write!(
            out,
            r#"<p class="small">* Review incomplete; unreviewed {ITEMS} are excluded from the rates.{notes}</p>"#
        );
    }
    out.push_str(
        r#"<p class="small">Weight: the stratum's share of the population. Projected: rate × population, rounded to whole conversations; the low and high projections are rounded outward and never fall below the positives actually found or above the population minus the negatives actually found.</p></section>"#,
    );
}

fn validation_section(out: &mut String, v: &Validation) {
    let conf = confidence_pct(v.confidence);
    let _ = write!(
        out,
        r#"<section><h2>Detector validation</h2><p>{}</p><table class="keep"><thead><tr><th>Measure</th><th class="name">Sample</th><th class="n">Population</th><th class="n">Reviewed</th><th class="n">Positives</th><th class="n">Estimate</th><th class="n">low ({conf})</th><th class="n">high ({conf})</th></tr></thead><tbody>"#,
        escape(&validation_statement(v)),
    );
    for (measure, s, r) in [
        (
            "Precision (positive share of flagged)",
            &v.flagged,
            &v.precision,
        ),
        (
            "Elusion (positive share of unflagged)",
            &v.unflagged,
            &v.elusion,
        ),
    ] {
        let _ = write!(
            out,
            r#"<tr><td class="measure">{measure}</td><td class="name">{}</td>"#,
            escape(&s.name)
        );
        num_cells(
            out,
            &[
                thousands(s.population),
                thousands(r.reviewed),
                thousands(r.positives),
                pct(r.rate),
                pct(r.low),
                pct(r.high),
            ],
        );
        out.push_str("</tr>");
    }
    let _ = write!(
        out,
        r#"<tr class="combined"><td class="measure">Recall (share of positives flagged)</td><td class="name">{} + {}</td>"#,
        escape(&v.flagged.name),
        escape(&v.unflagged.name),
    );
    num_cells(
        out,
        &[
            thousands(v.flagged.population + v.unflagged.population),
            thousands(v.precision.reviewed + v.elusion.reviewed),
            thousands(v.precision.positives + v.elusion.positives),
            v.recall.point.map_or_else(|| "undefined".to_string(), pct),
            pct(v.recall.low),
            pct(v.recall.high),
        ],
    );
    let _ = write!(
        out,
        r#"</tr><tr><td class="method" colspan="8"><strong>Interval methods:</strong> precision and elusion: {} ({}), {} confidence; recall: {}.</td></tr></tbody></table><p class="small">Recall = N<sub>f</sub>·p<sub>f</sub> / (N<sub>f</sub>·p<sub>f</sub> + N<sub>u</sub>·p<sub>u</sub>), with N the population and p the positive rate of the flagged (f) and unflagged (u) sets.</p></section>"#,
        method_phrase(v.method),
        v.method.name(),
        confidence_pct(v.confidence),
        escape(&v.recall.method),
    );
}

/// The report as one self-contained HTML page (no external resources, no
/// scripts, inline CSS and SVG; prints on A4 and Letter).
pub fn html(p: &Provenance, e: &Estimate, v: Option<&Validation>) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("Sample estimate: {}", p.sample);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="generator" content="{}"/><title>{}</title><style>{CSS}</style></head><body><main><h1>{}</h1><p class="sub">Matter: <strong>{}</strong> · Positive: <strong>{}</strong> · Generated {}</p>"#,
        escape(&p.tool_version),
        escape(&title),
        escape(&title),
        escape(&p.matter),
        escape(&p.positive),
        escape(&p.generated),
    );
    if population_changed(p) {
        let _ = write!(
            out,
            r#"<div class="warn" role="alert"><strong>⚠ WARNING: the matter's population has changed since this sample was drawn.</strong><br/>Population SHA-256 at the draw: {}<br/>Current population SHA-256: {}<br/>The estimate below describes the population as it was at the draw, not the current one.</div>"#,
            mono(&p.population_sha256),
            mono(p.current_population_sha256.as_deref().unwrap_or("")),
        );
    }
    if p.population != e.population {
        let _ = write!(
            out,
            r#"<div class="note"><strong>Note:</strong> the provenance records a population of {} at the draw, but the strata of this estimate add up to {}.</div>"#,
            thousands(p.population),
            thousands(e.population),
        );
    }
    let _ = write!(
        out,
        r#"<section><h2>Statement</h2><p class="statement">{}</p></section>"#,
        escape(&statement(p, e)).replace(" %", "\u{a0}%"),
    );
    provenance_section(&mut out, p);
    strata_section(&mut out, e);
    let _ = write!(
        out,
        "<section><h2>Interval chart</h2>{}</section>",
        chart(e)
    );
    if let Some(v) = v {
        validation_section(&mut out, v);
    }
    let _ = writeln!(
        out,
        "<footer>Generated {} by {}. Sample {}, matter {}. This page is self-contained: it loads \
         no external resources and runs no scripts.</footer></main></body></html>",
        escape(&p.generated),
        escape(&p.tool_version),
        escape(&p.sample),
        escape(&p.matter),
    );
    out
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// One CSV field: a leading = + - @ (or tab / CR) gets an apostrophe so
/// spreadsheets do not run it as a formula; then RFC 4180 quoting when needed.
fn cell(s: &str) -> String {
    let defused = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| cell(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// Full-precision, locale-free number (Rust's shortest round-trip form).
fn num(x: f64) -> String {
    format!("{x}")
}

pub const CSV_HEADER: [&str; 15] = [
    "row",
    "name",
    "population",
    "weight",
    "sampled",
    "reviewed",
    "positives",
    "rate",
    "low",
    "high",
    "projected",
    "projected_low",
    "projected_high",
    "method",
    "confidence",
];

/// The numbers as CSV (RFC 4180, CRLF line ends): the header [`CSV_HEADER`], one
/// `stratum` row per stratum, one `combined` row, and with a validation
/// `precision`, `elusion` and `recall` rows. Fields that do not apply are empty.
/// Rates are proportions (0.0154, not 1.54 %).
pub fn csv(_p: &Provenance, e: &Estimate, v: Option<&Validation>) -> String {
    let mut out = String::new();
    csv_line(&mut out, &CSV_HEADER.map(String::from));
    let s = |x: u64| x.to_string();
    for st in &e.strata {
        csv_line(
            &mut out,
            &[
                "stratum".into(),
                st.name.clone(),
                s(st.population),
                num(st.weight),
                s(st.sample),
                s(st.reviewed),
                s(st.positives),
                num(st.rate),
                num(st.low),
                num(st.high),
                s(st.projected.point),
                s(st.projected.low),
                s(st.projected.high),
                e.method.name().into(),
                num(e.confidence),
            ],
        );
    }
    csv_line(
        &mut out,
        &[
            "combined".into(),
            String::new(),
            s(e.population),
            num(1.0),
            s(e.sample),
            s(e.reviewed),
            s(e.positives),
            num(e.rate),
            num(e.low),
            num(e.high),
            s(e.projected.point),
            s(e.projected.low),
            s(e.projected.high),
            e.combined_method.clone(),
            num(e.confidence),
        ],
    );
    if let Some(v) = v {
        for (row, st, r) in [
            ("precision", &v.flagged, &v.precision),
            ("elusion", &v.unflagged, &v.elusion),
        ] {
            csv_line(
                &mut out,
                &[
                    row.into(),
                    st.name.clone(),
                    s(st.population),
                    String::new(),
                    s(st.sample),
                    s(r.reviewed),
                    s(r.positives),
                    num(r.rate),
                    num(r.low),
                    num(r.high),
                    s(st.projected.point),
                    s(st.projected.low),
                    s(st.projected.high),
                    r.method.name().into(),
                    num(r.confidence),
                ],
            );
        }
        csv_line(
            &mut out,
            &[
                "recall".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                v.recall.point.map(num).unwrap_or_default(),
                num(v.recall.low),
                num(v.recall.high),
                String::new(),
                String::new(),
                String::new(),
                v.recall.method.clone(),
                num(v.confidence),
            ],
        );
    }
    out
}

/// The provenance as `field,value` CSV rows (RFC 4180, CRLF line ends). Strata
/// are `stratum.N.name`, `stratum.N.query`, `stratum.N.population_sha256`
/// (N from 1); `current_population_sha256` is empty when not set, and
/// `population_changed` is `true` or `false`.
pub fn provenance_csv(p: &Provenance) -> String {
    let mut out = String::new();
    let mut row = |k: &str, v: &str| csv_line(&mut out, &[k.to_string(), v.to_string()]);
    row("field", "value");
    row("sample", &p.sample);
    row("matter", &p.matter);
    row("positive", &p.positive);
    row("created", &p.created);
    row("created_by", &p.created_by);
    row("seed", &p.seed.to_string());
    row("algorithm", &p.algorithm);
    row("population_query", &p.population_query);
    row("population", &p.population.to_string());
    row("population_sha256", &p.population_sha256);
    row(
        "current_population_sha256",
        p.current_population_sha256.as_deref().unwrap_or(""),
    );
    row(
        "population_changed",
        if population_changed(p) {
            "true"
        } else {
            "false"
        },
    );
    row("generated", &p.generated);
    row("tool_version", &p.tool_version);
    for (i, s) in p.strata.iter().enumerate() {
        let n = i + 1;
        row(&format!("stratum.{n}.name"), &s.name);
        row(&format!("stratum.{n}.query"), &s.query);
        row(
            &format!("stratum.{n}.population_sha256"),
            &s.population_sha256,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::interval::Method;
    use super::super::stratified::{StratumCounts, detector_validation, estimate};
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const OTHER: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    fn provenance(strata: &[&str]) -> Provenance {
        Provenance {
            sample: "prevalence-2025-03".into(),
            created: "2025-03-01T10:00:00Z".into(),
            created_by: "J. Doe".into(),
            seed: 8_472_019_234_113_004_321,
            algorithm: "sha256-bottom-k v1".into(),
            population_query: "source:chatlogs AND date:2023".into(),
            population: 20_000_000,
            population_sha256: HASH.into(),
            positive: "tag:reproduces-article".into(),
            matter: "Times v. Example".into(),
            generated: "2025-03-20T08:30:00Z".into(),
            tool_version: "verbatim 0.9.0".into(),
            current_population_sha256: None,
            strata: strata
                .iter()
                .map(|n| StratumSource {
                    name: n.to_string(),
                    query: format!("stratum:{n}"),
                    population_sha256: OTHER.into(),
                })
                .collect(),
        }
    }

    fn single() -> Estimate {
        let s = StratumCounts::new("all", 20_000_000, 2401, 2401, 37);
        estimate(&[s], 0.95, Method::ClopperPearson).unwrap()
    }

    fn two(names: [&str; 2]) -> (Estimate, Validation) {
        let f = StratumCounts::new(names[0], 2_000, 300, 300, 240);
        let r = StratumCounts::new(names[1], 19_998_000, 2_000, 1_990, 2);
        let e = estimate(&[f.clone(), r.clone()], 0.95, Method::ClopperPearson).unwrap();
        let v = detector_validation(&f, &r, 0.95, Method::ClopperPearson).unwrap();
        (e, v)
    }

    /// Checks that every non-void tag is closed in order; returns the first error.
    fn well_formed(html: &str) -> Result<(), String> {
        const VOID: [&str; 8] = ["meta", "br", "hr", "img", "input", "link", "col", "wbr"];
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').ok_or("unterminated tag")?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') || tag.ends_with('/') {
                continue;
            }
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() {
                return Err(format!("bad tag <{tag}>"));
            }
            if tag.starts_with('/') {
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else if !VOID.contains(&name.as_str()) {
                stack.push(name);
            }
        }
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("unclosed: {stack:?}"))
        }
    }

    /// Minimal RFC 4180 parser.
    fn parse_csv(s: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let (mut row, mut field) = (Vec::new(), String::new());
        let mut chars = s.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    c => field.push(c),
                }
            } else {
                match c {
                    '"' => quoted = true,
                    ',' => row.push(std::mem::take(&mut field)),
                    '\r' => {}
                    '\n' => {
                        row.push(std::mem::take(&mut field));
                        rows.push(std::mem::take(&mut row));
                    }
                    c => field.push(c),
                }
            }
        }
        assert!(!quoted, "unterminated quote");
        assert!(field.is_empty() && row.is_empty(), "missing final newline");
        rows
    }

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(20_000_000), "20,000,000");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(pct(0.0154), "1.54 %");
        assert_eq!(pct(0.0), "0.00 %");
        assert_eq!(pct(1.0), "100.00 %");
        assert_eq!(pct(0.5), "50.00 %");
        assert_eq!(pct(0.000_012_3), "0.0012 %");
        assert_eq!(pct(0.000_122), "0.012 %");
        assert_eq!(pct(0.999_97), "99.9970 %");
        assert_eq!(confidence_pct(0.95), "95 %");
        assert_eq!(confidence_pct(0.995), "99.5 %");
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(escape("a\u{0}b"), "a\u{FFFD}b");
        assert_eq!(nice_ceil(0.935), 1.0);
        assert_eq!(axis_max(0.0212), 0.025);
        assert_eq!(axis_max(0.95), 1.0);
        assert!(axis_max(0.0) > 0.0);
        let (t, step) = ticks(0.025);
        assert_eq!(t.len(), 6);
        assert_eq!(tick_label(t[3], step), "1.5 %");
        assert_eq!(tick_label(t[5], step), "2.5 %");
    }

    #[test]
    fn statement_single_stratum() {
        let s = statement(&provenance(&[]), &single());
        assert_eq!(
            s,
            "Of 2,401 conversations reviewed, 37 were coded tag:reproduces-article (1.54 %). \
             At 95 % confidence (Clopper-Pearson exact interval) the rate in the population of \
             20,000,000 is between 1.09 % and 2.12 %, that is between 217,456 and 423,580 \
             conversations."
        );
    }

    #[test]
    fn statement_stratified_incomplete() {
        let (e, _) = two(["flagged", "rest"]);
        let s = statement(&provenance(&["flagged", "rest"]), &e);
        assert!(s.starts_with("Of 2,290 conversations reviewed in 2 strata, 242 were coded"));
        // 2 positives in `rest`: too few for the normal approximation.
        assert!(s.contains("conservative sum of per-stratum"), "{s}");
        assert!(
            s.ends_with(
                " 10 of the 2,300 sampled conversations are not yet reviewed; they are \
                 excluded from this estimate."
            ),
            "{s}"
        );
        let one = StratumCounts::new("all", 1000, 100, 99, 1);
        let e = estimate(&[one], 0.95, Method::Wilson).unwrap();
        let s = statement(&provenance(&[]), &e);
        assert!(s.contains(" 1 was coded "), "{s}");
        assert!(s.contains("1 of the 100 sampled conversations is not yet reviewed; it is"));
    }

    #[test]
    fn html_content() {
        let (e, v) = two(["flagged", "rest"]);
        let p = provenance(&["flagged", "rest"]);
        let h = html(&p, &e, Some(&v));
        well_formed(&h).unwrap();
        for needle in [
            "<title>Sample estimate: prevalence-2025-03</title>",
            "8472019234113004321",
            HASH,
            OTHER,
            ">flagged<",
            ">rest<",
            "conservative",
            "<svg",
            "Detector validation",
            "Precision",
            "Elusion",
            "Recall",
            "verbatim 0.9.0",
            "2025-03-20T08:30:00Z",
            "19,998,000",
            "@media print",
        ] {
            assert!(h.contains(needle), "missing {needle}");
        }
        assert!(h.contains(&escape(&v.recall.method)));
        let statement_html = escape(&statement(&p, &e)).replace(" %", "\u{a0}%");
        assert!(h.contains(&statement_html));
        assert!(h.contains(r#"<span class="mono">8472019234113004321</span>"#));
        assert!(h.contains(&format!(r#"<span class="mono">{HASH}</span>"#)));
        let lower = h.to_ascii_lowercase();
        for bad in [
            "http://", "https://", "<script", "<link", "<img", "url(", "@import", "src=",
        ] {
            assert!(!lower.contains(bad), "found {bad}");
        }
        assert!(!h.contains("changed since this sample was drawn"));
        // Without validation: no section, still well-formed.
        let h = html(&provenance(&[]), &single(), None);
        well_formed(&h).unwrap();
        assert!(!h.contains("Detector validation"));
        assert!(h.contains("clopper-pearson (single stratum)"));
    }

    #[test]
    fn html_escapes_data() {
        let evil = "<script>alert(1)</script>";
        let (e, v) = two([evil, "it's \"quoted\" & <b>"]);
        let mut p = provenance(&[evil]);
        p.sample = evil.into();
        p.population_query = "a < b && c > 'd'".into();
        let h = html(&p, &e, Some(&v));
        well_formed(&h).unwrap();
        assert!(!h.to_ascii_lowercase().contains("<script"));
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(h.contains("it&#39;s &quot;quoted&quot; &amp; &lt;b&gt;"));
        assert!(h.contains("a &lt; b &amp;&amp; c &gt; &#39;d&#39;"));
        assert!(!h.contains("<b>"));
    }

    #[test]
    fn changed_population_warning() {
        let (e, v) = two(["flagged", "rest"]);
        let warning = "population has changed since this sample was drawn";
        let mut p = provenance(&["flagged", "rest"]);
        let shown = |p: &Provenance| html(p, &e, Some(&v)).contains(warning);
        assert!(!shown(&p));
        p.current_population_sha256 = Some(HASH.to_ascii_uppercase());
        assert!(!shown(&p));
        p.current_population_sha256 = Some(OTHER.into());
        assert!(shown(&p));
        well_formed(&html(&p, &e, Some(&v))).unwrap();
        assert!(provenance_csv(&p).contains("population_changed,true\r\n"));
    }

    #[test]
    fn chart_scales() {
        // Similar rates: one shared axis with gridlines.
        let strata = [
            StratumCounts::new("a", 1000, 100, 100, 10),
            StratumCounts::new("b", 9000, 250, 200, 10),
        ];
        let e = estimate(&strata, 0.95, Method::Wilson).unwrap();
        let c = chart(&e);
        well_formed(&c).unwrap();
        assert!(c.contains("stroke-dasharray") && !c.contains("OWN SCALE"));
        assert_eq!(c.matches("<circle").count(), 3); // 2 strata + legend
        assert_eq!(c.matches("<polygon").count(), 2); // combined + legend
        // 80 % vs 0.1 %: one axis per row.
        let (e, _) = two(["flagged", "rest"]);
        assert!(chart(&e).contains("OWN SCALE"));
    }

    #[test]
    fn csv_rows() {
        let (e, v) = two(["=HYPERLINK(\"x\")", "rest, \"all\"\nelse"]);
        let p = provenance(&[]);
        let text = csv(&p, &e, Some(&v));
        assert!(text.starts_with("row,name,population,weight,sampled,reviewed,positives,rate,low,high,projected,projected_low,projected_high,method,confidence\r\n"));
        let rows = parse_csv(&text);
        assert_eq!(rows.len(), 1 + 2 + 1 + 3);
        assert!(rows.iter().all(|r| r.len() == 15), "{rows:?}");
        let kinds: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "row",
                "stratum",
                "stratum",
                "combined",
                "precision",
                "elusion",
                "recall"
            ]
        );
        assert_eq!(rows[1][1], "'=HYPERLINK(\"x\")");
        assert_eq!(rows[2][1], "rest, \"all\"\nelse");
        assert_eq!(rows[2][2], "19998000");
        assert_eq!(rows[2][5], "1990");
        assert_eq!(rows[2][13], "clopper-pearson");
        assert_eq!(rows[3][13], e.combined_method);
        assert_eq!(rows[3][7].parse::<f64>().unwrap(), e.rate);
        assert_eq!(rows[4][7], "0.8");
        assert_eq!(rows[6][7].parse::<f64>().unwrap(), v.recall.point.unwrap());
        assert!(rows[6][2].is_empty() && rows[4][3].is_empty());
        // No validation: no validation rows.
        assert_eq!(parse_csv(&csv(&p, &single(), None)).len(), 3);
        // Every defused prefix.
        for c in ["=", "+", "-", "@"] {
            assert_eq!(cell(&format!("{c}1")), format!("'{c}1"));
        }
        assert_eq!(cell("a'b"), "a'b");
    }

    #[test]
    fn provenance_rows() {
        let mut p = provenance(&["flagged", "rest"]);
        p.created_by = "-cmd|' /C calc'!A0".into();
        let rows = parse_csv(&provenance_csv(&p));
        assert_eq!(rows[0], ["field", "value"]);
        assert!(rows.iter().all(|r| r.len() == 2));
        let get = |k: &str| {
            rows.iter()
                .find(|r| r[0] == k)
                .map(|r| r[1].clone())
                .unwrap()
        };
        assert_eq!(get("seed"), "8472019234113004321");
        assert_eq!(get("population_sha256"), HASH);
        assert_eq!(get("current_population_sha256"), "");
        assert_eq!(get("population_changed"), "false");
        assert_eq!(get("created_by"), "'-cmd|' /C calc'!A0");
        assert_eq!(get("stratum.2.name"), "rest");
        assert_eq!(get("stratum.1.population_sha256"), OTHER);
        assert_eq!(rows.len(), 1 + 14 + 6);
    }
}
