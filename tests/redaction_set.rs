//! The redactor on a labelled set (`tests/data/pii`): at least 200 sentences with one piece
//! of personal data each (phones of several countries, emails, SSNs, cards, IBANs, IP
//! addresses) and 200 look-alikes (versions, sections, prices, ISBNs, case numbers, hashes).
//! Floors: recall ≥ 0.97 (the whole value masked), false positives ≤ 1 %. Run with
//! `--nocapture` to see the figures and every miss (BENCHMARKS.md quotes them).

use verbatim::export::redact;

fn rows(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/pii/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// Whether every byte of `text[s..e]` is inside a masked value.
fn covered(m: &redact::Masked, s: usize, e: usize) -> bool {
    m.masked_ranges().iter().any(|&(a, b)| a <= s && e <= b)
}

#[test]
fn recall_and_false_positives_meet_the_floors() {
    evaluate("development", "positives.tsv", "lookalikes.tsv", 200);
}

/// A second set, written independently and never used to tune the detectors.
#[test]
fn held_out_set_meets_the_floors() {
    evaluate(
        "held out",
        "holdout_positives.tsv",
        "holdout_lookalikes.tsv",
        150,
    );
}

fn evaluate(name: &str, positives: &str, lookalikes: &str, at_least: usize) {
    let positives = rows(positives);
    let lookalikes = rows(lookalikes);
    assert!(positives.len() >= at_least && lookalikes.len() >= at_least);
    let mut by_kind: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut misses = Vec::new();
    for r in &positives {
        let (kind, sentence, value) = (&r[0], &r[1], &r[2]);
        let s = sentence
            .find(value.as_str())
            .expect("value in its sentence");
        let m = redact::mask(sentence);
        let hit = covered(&m, s, s + value.len());
        let e = by_kind.entry(kind.clone()).or_default();
        e.0 += hit as usize;
        e.1 += 1;
        if !hit {
            misses.push(format!("miss {kind}: {sentence:?} -> {:?}", m.text));
        }
    }
    let mut false_positives = Vec::new();
    for r in &lookalikes {
        let m = redact::mask(&r[1]);
        if !m.counts.is_empty() {
            false_positives.push(format!(
                "false positive ({}): {:?} -> {:?}",
                r[0], r[1], m.text
            ));
        }
    }
    let found: usize = by_kind.values().map(|v| v.0).sum();
    let recall = found as f64 / positives.len() as f64;
    let fp_rate = false_positives.len() as f64 / lookalikes.len() as f64;
    for (k, (f, n)) in &by_kind {
        println!("{k:6} {f}/{n}");
    }
    println!(
        "{name}: recall {recall:.3} ({found}/{}), false positives {:.2} % ({}/{})",
        positives.len(),
        fp_rate * 100.0,
        false_positives.len(),
        lookalikes.len()
    );
    for l in misses.iter().chain(&false_positives) {
        println!("{l}");
    }
    assert!(recall >= 0.97, "{name}: recall {recall:.3}");
    assert!(
        fp_rate <= 0.01,
        "{name}: false positives {:.2} %",
        fp_rate * 100.0
    );
}
