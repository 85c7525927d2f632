//! Scores stored findings against the ground truth `synth` writes (`truth.jsonl`): recall per
//! planted case type, how often the cases that must not be flagged are, and precision.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::{Finding, Label};

#[derive(Debug, Clone, Deserialize)]
pub struct TruthLine {
    pub conversation: String,
    pub case: String,
    pub article: Option<String>,
    #[serde(default)]
    pub words: usize,
    /// How the planted copy was elicited (truth files written before it was recorded have
    /// none).
    #[serde(default)]
    pub elicitation: Option<String>,
}

/// Elicitation found right, per planted case type and elicitation, among the planted copies
/// the detector found.
#[derive(Debug, Clone, Serialize)]
pub struct ElicitationRow {
    pub case: String,
    pub elicitation: String,
    pub found: u64,
    pub correct: u64,
    pub rate: f64,
    pub floor: f64,
    pub ok: bool,
}

/// What a case type expects of the detector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// A reproduced finding on the planted article.
    Reproduced,
    /// An echoed finding (and no reproduced one) on the planted article.
    Echoed,
    /// No reproduced finding in the conversation.
    NotFlagged,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalRow {
    pub case: String,
    pub expect: Expect,
    pub cases: u64,
    /// Cases where the detector did what the case expects.
    pub correct: u64,
    pub rate: f64,
    /// The floor this rate must reach (for NotFlagged: the most it may reach).
    pub floor: f64,
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub rows: Vec<EvalRow>,
    /// Conversations with a reproduced finding, and how many of them had a planted copy.
    pub flagged_conversations: u64,
    pub true_flagged_conversations: u64,
    /// Share of flagged conversations that had a planted copy.
    pub precision: f64,
    /// Reproduced findings, and how many name the planted article (a corpus with duplicate
    /// articles yields correct findings on the duplicates too, which this does not count).
    pub reproduced_findings: u64,
    pub true_reproduced_findings: u64,
    pub article_precision: f64,
    pub elicitation: Vec<ElicitationRow>,
}

pub fn read_truth(path: &Path) -> Result<Vec<TruthLine>> {
    if !path.exists() {
        anyhow::bail!("cannot open {}: no such file", path.display());
    }
    crate::fsutil::read_jsonl(path, "a truth record")
}

/// The case type a truth line is scored under, what it expects and its floor.
fn class(t: &TruthLine, min_words: usize) -> (String, Expect, f64) {
    match t.case.as_str() {
        "verbatim" if t.words >= min_words => (
            format!("verbatim_{min_words}plus"),
            Expect::Reproduced,
            0.99,
        ),
        "verbatim" => (
            format!("verbatim_under_{min_words}"),
            Expect::NotFlagged,
            f64::NAN,
        ),
        "near_verbatim" => ("near_verbatim".into(), Expect::Reproduced, 0.95),
        "continuation" => ("continuation".into(), Expect::Reproduced, 0.95),
        "pasted" => ("pasted".into(), Expect::Echoed, 0.99),
        other => (other.to_string(), Expect::NotFlagged, 0.005),
    }
}

pub fn evaluate(truth: &[TruthLine], findings: &[Finding], min_words: usize) -> EvalReport {
    let mut by_pair: HashMap<(&str, &str), &Finding> = HashMap::new();
    let mut flagged: HashMap<&str, bool> = HashMap::new();
    for f in findings {
        by_pair.insert((f.conversation.as_str(), f.article.as_str()), f);
        if f.label == Label::Reproduced {
            flagged.insert(f.conversation.as_str(), true);
        }
    }
    let mut rows: BTreeMap<String, (Expect, f64, u64, u64)> = BTreeMap::new();
    let mut planted: HashMap<(&str, &str), bool> = HashMap::new();
    let mut planted_convs: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for t in truth {
        let (name, expect, floor) = class(t, min_words);
        let art = t.article.as_deref().unwrap_or("");
        if matches!(
            t.case.as_str(),
            "verbatim" | "near_verbatim" | "continuation"
        ) {
            planted.insert((t.conversation.as_str(), art), true);
            planted_convs.insert(t.conversation.as_str());
        }
        let f = by_pair.get(&(t.conversation.as_str(), art));
        let correct = match expect {
            Expect::Reproduced => f.is_some_and(|f| f.label == Label::Reproduced),
            Expect::Echoed => f.is_some_and(|f| f.label == Label::Echoed),
            Expect::NotFlagged => !flagged.contains_key(t.conversation.as_str()),
        };
        let row = rows.entry(name).or_insert((expect, floor, 0, 0));
        row.2 += 1;
        row.3 += u64::from(correct);
    }
    let mut elicited: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for t in truth {
        let (Some(want), Some(art)) = (&t.elicitation, &t.article) else {
            continue;
        };
        if let Some(f) = by_pair.get(&(t.conversation.as_str(), art.as_str())) {
            let got = f.elicitation.map(|e| e.as_str()).unwrap_or("");
            let e = elicited.entry((t.case.clone(), want.clone())).or_default();
            e.0 += 1;
            e.1 += u64::from(got == want);
        }
    }
    let elicitation = elicited
        .into_iter()
        .map(|((case, want), (found, correct))| {
            let floor = if want == "requested" { 0.90 } else { 0.95 };
            let rate = if found == 0 {
                0.0
            } else {
                correct as f64 / found as f64
            };
            ElicitationRow {
                case,
                elicitation: want,
                found,
                correct,
                rate: (rate * 10_000.0).round() / 10_000.0,
                floor,
                ok: rate >= floor,
            }
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|(case, (expect, floor, n, correct))| {
            let rate = if n == 0 {
                0.0
            } else {
                correct as f64 / n as f64
            };
            // For cases that must not be flagged, the floor is on the flagged share.
            let (shown, ok) = match expect {
                Expect::NotFlagged => (1.0 - rate, floor.is_nan() || 1.0 - rate <= floor),
                _ => (rate, rate >= floor),
            };
            EvalRow {
                case,
                expect,
                cases: n,
                correct,
                rate: (shown * 10_000.0).round() / 10_000.0,
                floor: if floor.is_nan() { 0.0 } else { floor },
                ok,
            }
        })
        .collect();
    let reproduced: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.label == Label::Reproduced)
        .collect();
    let true_rep = reproduced
        .iter()
        .filter(|f| planted.contains_key(&(f.conversation.as_str(), f.article.as_str())))
        .count() as u64;
    let flagged_n = flagged.len() as u64;
    let true_flagged = flagged
        .keys()
        .filter(|c| planted_convs.contains(*c))
        .count() as u64;
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    EvalReport {
        rows,
        flagged_conversations: flagged_n,
        true_flagged_conversations: true_flagged,
        precision: ratio(true_flagged, flagged_n),
        reproduced_findings: reproduced.len() as u64,
        true_reproduced_findings: true_rep,
        article_precision: ratio(true_rep, reproduced.len() as u64),
        elicitation,
    }
}
