//! Estimates from reviewed samples: prevalence (single or stratified), detector
//! validation (precision, elusion, recall), QC overturn rate, and allocation of a
//! sample across strata.
//!
//! Reviewed items are treated as a simple random sample of their stratum. That
//! holds for a review still in progress too, as long as it follows the draw's
//! review order (any prefix of it is a random sample; see `super::draw`).

use serde::{Deserialize, Serialize};

use super::interval::{Method, check_confidence, interval, z_two_sided};

/// Counts for one stratum (or for an unstratified population: one stratum).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratumCounts {
    pub name: String,
    /// Items in the stratum (N_h).
    pub population: u64,
    /// Items drawn into the sample (n_h).
    pub sampled: u64,
    /// Sampled items reviewed so far (r_h); the estimate uses these.
    pub reviewed: u64,
    /// Reviewed items judged positive (x_h).
    pub positives: u64,
}

impl StratumCounts {
    pub fn new(
        name: impl Into<String>,
        population: u64,
        sampled: u64,
        reviewed: u64,
        positives: u64,
    ) -> Self {
        StratumCounts {
            name: name.into(),
            population,
            sampled,
            reviewed,
            positives,
        }
    }

    fn validate(&self) -> Result<(), String> {
        let n = &self.name;
        if self.population == 0 {
            return Err(format!(
                "stratum {n:?} is empty (population 0); leave it out"
            ));
        }
        if self.sampled > self.population {
            return Err(format!(
                "stratum {n:?}: sampled ({}) exceeds population ({})",
                self.sampled, self.population
            ));
        }
        if self.reviewed > self.sampled {
            return Err(format!(
                "stratum {n:?}: reviewed ({}) exceeds sampled ({})",
                self.reviewed, self.sampled
            ));
        }
        if self.positives > self.reviewed {
            return Err(format!(
                "stratum {n:?}: positives ({}) exceed reviewed ({})",
                self.positives, self.reviewed
            ));
        }
        if self.reviewed == 0 {
            return Err(format!(
                "stratum {n:?}: nothing reviewed yet, so its rate cannot be estimated"
            ));
        }
        Ok(())
    }

    fn rate(&self) -> f64 {
        self.positives as f64 / self.reviewed as f64
    }
}

/// Whole-item counts projected to a population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// rate × N, rounded to the nearest item.
    pub point: u64,
    /// low × N rounded down, but never below the positives actually found.
    pub low: u64,
    /// high × N rounded up, but never above N minus the negatives actually found.
    pub high: u64,
}

/// Projects a rate interval onto N items. Clipping to what the review proves
/// (found positives exist; found negatives are not positive) only ever narrows
/// the interval toward the truth.
fn project(
    rate: f64,
    low: f64,
    high: f64,
    population: u64,
    positives: u64,
    negatives: u64,
) -> Projection {
    let n = population as f64;
    let lo = ((low * n).floor() as u64).max(positives);
    let hi = ((high * n).ceil() as u64)
        .min(population - negatives)
        .max(lo);
    let point = ((rate * n).round() as u64).clamp(lo, hi);
    Projection {
        point,
        low: lo,
        high: hi,
    }
}

/// A rate with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateEstimate {
    pub positives: u64,
    pub reviewed: u64,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
    pub method: Method,
    pub confidence: f64,
}

/// One stratum's part of an [`Estimate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StratumEstimate {
    pub name: String,
    pub population: u64,
    pub sample: u64,
    pub reviewed: u64,
    pub positives: u64,
    /// W_h = N_h / N.
    pub weight: f64,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
    pub projected: Projection,
    pub incomplete: bool,
    pub unreviewed: u64,
}

/// Prevalence estimate over all strata, with its per-stratum parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub population: u64,
    pub sample: u64,
    pub reviewed: u64,
    pub positives: u64,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
    pub projected: Projection,
    /// Interval method used for each stratum.
    pub method: Method,
    /// How the overall interval was obtained, in words.
    pub combined_method: String,
    pub confidence: f64,
    /// True when some sampled items are not reviewed yet.
    pub incomplete: bool,
    pub unreviewed: u64,
    pub strata: Vec<StratumEstimate>,
}

/// Positives and negatives each stratum needs for the normal approximation of the combined
/// interval (r·p ≥ 5, r·(1−p) ≥ 5).
pub const MIN_FOR_NORMAL: u64 = 5;

/// Label of the combined interval when every stratum has at least [`MIN_FOR_NORMAL`]
/// positives and negatives.
pub const COMBINED_NORMAL: &str =
    "stratified normal approximation with finite population correction (Cochran 1977, eq. 5.7)";

/// Estimates the prevalence over `strata`.
///
/// Per stratum: rate x_h/r_h with the `method` interval, projected to N_h.
///
/// Overall:
/// - One stratum: that stratum's rate and interval.
/// - Several: the stratified estimator p_st = Σ W_h p_h (W_h = N_h/N) with
///   v(p_st) = Σ W_h² (1 − r_h/N_h) p_h(1−p_h)/(r_h − 1) (Cochran, Sampling
///   Techniques 1977, eq. 5.7 with the finite population correction), and a
///   normal interval p_st ± z√v clipped to [0, 1].
/// - Several, but some stratum found fewer than 5 positives or fewer than 5
///   negatives (the textbook condition r·p ≥ 5 and r·(1−p) ≥ 5 for the normal
///   approximation fails; at 0 the sample variance is 0 and the normal interval
///   would be falsely narrow, and with rare positives it runs below 0). Then the interval is
///   [Σ W_h low_h, Σ W_h high_h] from per-stratum Clopper-Pearson bounds, each at
///   confidence 1 − (1−c)/H (Bonferroni over the H strata): with probability
///   ≥ c every stratum's interval holds at once, and then so does the weighted
///   sum, so the bound is conservative by construction (usually much wider than
///   needed).
///
/// The projection to the population is rounded outward (floor low, ceil high) and
/// clipped to the positives and negatives actually found.
pub fn estimate(
    strata: &[StratumCounts],
    confidence: f64,
    method: Method,
) -> Result<Estimate, String> {
    check_confidence(confidence)?;
    if strata.is_empty() {
        return Err("no strata given".to_string());
    }
    for s in strata {
        s.validate()?;
    }
    let population: u64 = strata.iter().map(|s| s.population).sum();
    let n = population as f64;
    let mut parts = Vec::with_capacity(strata.len());
    for s in strata {
        let rate = s.rate();
        let (low, high) = interval(s.positives, s.reviewed, confidence, method)?;
        parts.push(StratumEstimate {
            name: s.name.clone(),
            population: s.population,
            sample: s.sampled,
            reviewed: s.reviewed,
            positives: s.positives,
            weight: s.population as f64 / n,
            rate,
            low,
            high,
            projected: project(
                rate,
                low,
                high,
                s.population,
                s.positives,
                s.reviewed - s.positives,
            ),
            incomplete: s.reviewed < s.sampled,
            unreviewed: s.sampled - s.reviewed,
        });
    }

    let (rate, low, high, combined_method) = if let [only] = parts.as_slice() {
        (
            only.rate,
            only.low,
            only.high,
            format!("{} (single stratum)", method.name()),
        )
    } else {
        let rate: f64 = parts.iter().map(|p| p.weight * p.rate).sum();
        let degenerate = strata
            .iter()
            .any(|s| s.positives < MIN_FOR_NORMAL || s.reviewed - s.positives < MIN_FOR_NORMAL);
        if degenerate {
            let per = 1.0 - (1.0 - confidence) / strata.len() as f64;
            let (mut low, mut high) = (0.0, 0.0);
            for (s, p) in strata.iter().zip(&parts) {
                let (l, h) = interval(s.positives, s.reviewed, per, Method::ClopperPearson)?;
                low += p.weight * l;
                high += p.weight * h;
            }
            (
                rate,
                low.clamp(0.0, 1.0),
                high.clamp(0.0, 1.0),
                format!(
                    "sum of per-stratum exact bounds (conservative): clopper-pearson at \
                     confidence {per:.4} in each of {} strata (Bonferroni), weighted by N_h/N; \
                     used because a stratum found fewer than {MIN_FOR_NORMAL} positives or negatives",
                    strata.len()
                ),
            )
        } else {
            let variance: f64 = strata
                .iter()
                .zip(&parts)
                .map(|(s, p)| {
                    let fpc = 1.0 - s.reviewed as f64 / s.population as f64;
                    p.weight * p.weight * fpc * p.rate * (1.0 - p.rate) / (s.reviewed as f64 - 1.0)
                })
                .sum();
            let half = z_two_sided(confidence)? * variance.sqrt();
            (
                rate,
                (rate - half).max(0.0),
                (rate + half).min(1.0),
                COMBINED_NORMAL.to_string(),
            )
        }
    };

    let positives: u64 = strata.iter().map(|s| s.positives).sum();
    let reviewed: u64 = strata.iter().map(|s| s.reviewed).sum();
    let sample: u64 = strata.iter().map(|s| s.sampled).sum();
    Ok(Estimate {
        population,
        sample,
        reviewed,
        positives,
        rate,
        low,
        high,
        projected: project(rate, low, high, population, positives, reviewed - positives),
        method,
        combined_method,
        confidence,
        incomplete: reviewed < sample,
        unreviewed: sample - reviewed,
        strata: parts,
    })
}

/// Estimated recall of a detector with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecallEstimate {
    /// N_f p_f / (N_f p_f + N_u p_u); None when no positives were found at all.
    pub point: Option<f64>,
    pub low: f64,
    pub high: f64,
    pub method: String,
}

/// Detector validation from a sample of flagged and a sample of unflagged items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub confidence: f64,
    pub method: Method,
    /// Share of flagged items that are positive.
    pub precision: RateEstimate,
    /// Share of unflagged items that are positive (missed).
    pub elusion: RateEstimate,
    pub recall: RecallEstimate,
    pub flagged: StratumEstimate,
    pub unflagged: StratumEstimate,
}

/// Label of the recall interval.
pub const RECALL_METHOD: &str = "conservative combination of clopper-pearson bounds for \
     precision and elusion, each at confidence 1 − (1−c)/2 (Bonferroni)";

/// Validates a detector: precision (positives among reviewed flagged items),
/// elusion (positives among reviewed unflagged items), both with the `method`
/// interval at `confidence`, and recall = N_f p_f / (N_f p_f + N_u p_u).
///
/// Recall interval: recall rises with p_f and falls with p_u, so with
/// Clopper-Pearson bounds (lo_f, hi_f), (lo_u, hi_u) for both rates,
/// low = N_f lo_f / (N_f lo_f + N_u hi_u) and high = N_f hi_f / (N_f hi_f + N_u lo_u).
/// Each of the two rate intervals is taken at confidence 1 − (1−c)/2, so both hold
/// together with probability ≥ c and the recall interval is conservative (it
/// covers at least c, typically more). With no positives found anywhere the point
/// is undefined and the interval is [0, 1].
pub fn detector_validation(
    flagged: &StratumCounts,
    unflagged: &StratumCounts,
    confidence: f64,
    method: Method,
) -> Result<Validation, String> {
    check_confidence(confidence)?;
    let parts = [
        estimate(std::slice::from_ref(flagged), confidence, method)?,
        estimate(std::slice::from_ref(unflagged), confidence, method)?,
    ];
    let [f, u] = parts.map(|mut e| e.strata.remove(0));
    let rate_of = |s: &StratumEstimate| RateEstimate {
        positives: s.positives,
        reviewed: s.reviewed,
        rate: s.rate,
        low: s.low,
        high: s.high,
        method,
        confidence,
    };

    let per = 1.0 - (1.0 - confidence) / 2.0;
    let (lo_f, hi_f) = interval(
        flagged.positives,
        flagged.reviewed,
        per,
        Method::ClopperPearson,
    )?;
    let (lo_u, hi_u) = interval(
        unflagged.positives,
        unflagged.reviewed,
        per,
        Method::ClopperPearson,
    )?;
    let (nf, nu) = (flagged.population as f64, unflagged.population as f64);
    let ratio = |found: f64, missed: f64| {
        if found + missed > 0.0 {
            found / (found + missed)
        } else {
            0.0
        }
    };
    let point_found = nf * f.rate;
    let point_missed = nu * u.rate;
    let recall = RecallEstimate {
        point: (point_found + point_missed > 0.0).then(|| ratio(point_found, point_missed)),
        low: ratio(nf * lo_f, nu * hi_u),
        high: if hi_f > 0.0 {
            ratio(nf * hi_f, nu * lo_u)
        } else {
            1.0
        },
        method: RECALL_METHOD.to_string(),
    };
    Ok(Validation {
        confidence,
        method,
        precision: rate_of(&f),
        elusion: rate_of(&u),
        recall,
        flagged: f,
        unflagged: u,
    })
}

/// QC overturn rate: `overturned` of `checked` second-level reviews disagreed with
/// the first decision. Just the proportion interval, named for clarity.
pub fn overturn(
    overturned: u64,
    checked: u64,
    confidence: f64,
    method: Method,
) -> Result<RateEstimate, String> {
    let (low, high) = interval(overturned, checked, confidence, method)?;
    Ok(RateEstimate {
        positives: overturned,
        reviewed: checked,
        rate: overturned as f64 / checked as f64,
        low,
        high,
        method,
        confidence,
    })
}

/// How to split a total sample size across strata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// n_h ∝ N_h.
    Proportional,
    /// n_h ∝ N_h √(p_h(1−p_h)) (Neyman 1934; Cochran 1977 §5.5), minimizing the
    /// variance of the stratified estimate for a fixed total.
    Neyman,
}

/// Splits `total` across strata given as (population N_h, expected rate p_h).
///
/// Proportional: n_h ∝ N_h. Neyman: n_h ∝ N_h √(p_h(1−p_h)), p_h defaulting to 0.5
/// (if every weight is 0, e.g. all p_h = 0, proportional is used instead).
/// Then: a stratum whose share exceeds N_h gets N_h and the rest is redistributed
/// among the others; shares are rounded by largest remainder so they sum to
/// min(total, ΣN_h); and when total ≥ the number of non-empty strata, every
/// non-empty stratum gets at least 1 (taken from the stratum furthest above its
/// exact share).
pub fn allocate(
    total: u64,
    strata: &[(u64, Option<f64>)],
    how: Allocation,
) -> Result<Vec<u64>, String> {
    let caps: Vec<u64> = strata.iter().map(|s| s.0).collect();
    let mut weights = Vec::with_capacity(strata.len());
    for (i, &(pop, p)) in strata.iter().enumerate() {
        let w = match how {
            Allocation::Proportional => pop as f64,
            Allocation::Neyman => {
                let p = p.unwrap_or(0.5);
                if !(0.0..=1.0).contains(&p) {
                    return Err(format!(
                        "stratum {i}: expected rate must be between 0 and 1, got {p}"
                    ));
                }
                pop as f64 * (p * (1.0 - p)).sqrt()
            }
        };
        weights.push(w);
    }
    if weights.iter().all(|&w| w == 0.0) {
        weights = caps.iter().map(|&c| c as f64).collect();
    }
    let all: u64 = caps.iter().sum();
    if total >= all {
        return Ok(caps);
    }

    // Exact (real) shares with capping: fix strata whose share reaches N_h, repeat.
    let mut fixed: Vec<bool> = caps.iter().map(|&c| c == 0).collect();
    let mut quota = vec![0.0; caps.len()];
    loop {
        let left = (total
            - (0..caps.len())
                .filter(|&h| fixed[h])
                .map(|h| caps[h])
                .sum::<u64>()) as f64;
        let free: Vec<usize> = (0..caps.len()).filter(|&h| !fixed[h]).collect();
        let mut w: Vec<f64> = weights.clone();
        if free.iter().all(|&h| w[h] == 0.0) {
            // Only zero-weight strata remain (e.g. Neyman with p = 0): go proportional.
            w = caps.iter().map(|&c| c as f64).collect();
        }
        let wsum: f64 = free.iter().map(|&h| w[h]).sum();
        let mut capped = false;
        for &h in &free {
            quota[h] = left * w[h] / wsum;
            if quota[h] >= caps[h] as f64 {
                fixed[h] = true;
                capped = true;
            }
        }
        if !capped {
            break;
        }
    }
    for h in 0..caps.len() {
        if fixed[h] {
            quota[h] = caps[h] as f64;
        }
    }

    // Largest-remainder rounding; floats may be off by one either way, so fix up
    // both directions, never leaving [0, N_h].
    let mut alloc: Vec<u64> = quota
        .iter()
        .zip(&caps)
        .map(|(&q, &c)| (q.floor() as u64).min(c))
        .collect();
    let mut order: Vec<usize> = (0..caps.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (quota[a] - quota[a].floor(), quota[b] - quota[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut sum: u64 = alloc.iter().sum();
    while sum < total {
        let h = *order
            .iter()
            .find(|&&h| alloc[h] < caps[h] && alloc[h] as f64 <= quota[h])
            .or_else(|| order.iter().find(|&&h| alloc[h] < caps[h]))
            .expect("total < ΣN_h, so some stratum has room");
        alloc[h] += 1;
        sum += 1;
    }
    while sum > total {
        let h = *order
            .iter()
            .rev()
            .find(|&&h| alloc[h] > 0)
            .expect("sum > total ≥ 0");
        alloc[h] -= 1;
        sum -= 1;
    }

    let non_empty = caps.iter().filter(|&&c| c > 0).count() as u64;
    if total >= non_empty {
        for h in 0..caps.len() {
            if caps[h] > 0 && alloc[h] == 0 {
                let donor = (0..caps.len())
                    .filter(|&j| alloc[j] >= 2)
                    .max_by(|&a, &b| {
                        (alloc[a] as f64 - quota[a])
                            .total_cmp(&(alloc[b] as f64 - quota[b]))
                            .then(b.cmp(&a))
                    })
                    .expect("total ≥ non-empty strata, so one has ≥ 2 while another has 0");
                alloc[donor] -= 1;
                alloc[h] = 1;
            }
        }
    }
    Ok(alloc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn single_stratum_is_the_exact_interval() {
        let s = StratumCounts::new("all", 20_000_000, 2401, 2401, 120);
        let e = estimate(&[s], 0.95, Method::ClopperPearson).unwrap();
        let (l, h) = interval(120, 2401, 0.95, Method::ClopperPearson).unwrap();
        assert_eq!((e.low, e.high), (l, h));
        assert_eq!(e.rate, 120.0 / 2401.0);
        assert_eq!(e.combined_method, "clopper-pearson (single stratum)");
        assert_eq!(e.projected.low, (l * 2e7).floor() as u64);
        assert_eq!(e.projected.high, (h * 2e7).ceil() as u64);
        assert_eq!(e.projected.point, (120.0 / 2401.0 * 2e7_f64).round() as u64);
        assert!(!e.incomplete);
        assert_eq!(e.strata.len(), 1);
        assert_eq!(e.strata[0].weight, 1.0);
    }

    #[test]
    fn stratified_normal_matches_cochran() {
        // Values computed independently (Python):
        // W = (0.1, 0.9); p = (0.1, 0.05)
        // v = 0.01·0.9·0.09/99 + 0.81·(1 − 200/9000)·0.0475/199
        let strata = [
            StratumCounts::new("a", 1000, 100, 100, 10),
            StratumCounts::new("b", 9000, 250, 200, 10),
        ];
        let e = estimate(&strata, 0.95, Method::Wilson).unwrap();
        assert_eq!(e.combined_method, COMBINED_NORMAL);
        let rate = 0.1 * 0.1 + 0.9 * 0.05;
        let v: f64 = 0.01 * 0.9 * 0.09 / 99.0 + 0.81 * (1.0 - 200.0 / 9000.0) * 0.05 * 0.95 / 199.0;
        let half = 1.959963984540054 * v.sqrt();
        assert!(close(e.rate, 0.055, 1e-12));
        assert!(close(e.rate, rate, 1e-12));
        assert!(close(e.low, rate - half, 1e-12) && close(e.high, rate + half, 1e-12));
        assert!(close(e.low, 0.027474746703189553, 1e-12), "{}", e.low);
        assert!(close(e.high, 0.08252525329681046, 1e-12), "{}", e.high);
        assert!(e.incomplete);
        assert_eq!(e.unreviewed, 50);
        assert_eq!(
            (e.population, e.sample, e.reviewed, e.positives),
            (10_000, 350, 300, 20)
        );
        assert_eq!(e.projected.point, 550);
        assert!(e.strata.iter().all(|p| p.low <= p.rate && p.rate <= p.high));
    }

    #[test]
    fn zero_stratum_uses_conservative_sum() {
        let strata = [
            StratumCounts::new("flagged", 2000, 200, 200, 150),
            StratumCounts::new("rest", 98_000, 400, 400, 0),
        ];
        let e = estimate(&strata, 0.95, Method::ClopperPearson).unwrap();
        assert!(
            e.combined_method
                .starts_with("sum of per-stratum exact bounds (conservative)")
        );
        let per = 1.0 - 0.05 / 2.0;
        let (l1, h1) = interval(150, 200, per, Method::ClopperPearson).unwrap();
        let (l2, h2) = interval(0, 400, per, Method::ClopperPearson).unwrap();
        assert!(close(e.low, 0.02 * l1 + 0.98 * l2, 1e-12));
        assert!(close(e.high, 0.02 * h1 + 0.98 * h2, 1e-12));
        assert!(close(e.rate, 0.02 * 0.75, 1e-12));
        // At least the 150 positives found; at most N − 250 − 400 found negatives.
        assert!(e.projected.low >= 150);
        assert!(e.projected.high <= 100_000 - 650);
        assert!(e.projected.low <= e.projected.point && e.projected.point <= e.projected.high);
    }

    #[test]
    fn census_projection_is_exact() {
        let s = StratumCounts::new("small", 40, 40, 40, 3);
        let e = estimate(&[s], 0.95, Method::Jeffreys).unwrap();
        assert_eq!(
            e.projected,
            Projection {
                point: 3,
                low: 3,
                high: 3
            }
        );
    }

    #[test]
    fn estimate_errors() {
        let ok = StratumCounts::new("a", 10, 5, 5, 1);
        assert!(estimate(&[], 0.95, Method::Wilson).is_err());
        assert!(estimate(std::slice::from_ref(&ok), 1.0, Method::Wilson).is_err());
        for bad in [
            StratumCounts::new("a", 0, 0, 0, 0),
            StratumCounts::new("a", 10, 11, 5, 1),
            StratumCounts::new("a", 10, 5, 6, 1),
            StratumCounts::new("a", 10, 5, 5, 6),
            StratumCounts::new("a", 10, 5, 0, 0),
        ] {
            let err = estimate(&[ok.clone(), bad], 0.95, Method::Wilson).unwrap_err();
            assert!(err.contains("\"a\""), "{err}");
        }
    }

    #[test]
    fn json_shape() {
        let strata = [
            StratumCounts::new("a", 1000, 100, 100, 10),
            StratumCounts::new("b", 9000, 200, 200, 10),
        ];
        let v =
            serde_json::to_value(estimate(&strata, 0.95, Method::ClopperPearson).unwrap()).unwrap();
        for k in [
            "population",
            "sample",
            "reviewed",
            "positives",
            "rate",
            "low",
            "high",
            "projected",
            "method",
            "combined_method",
            "confidence",
            "incomplete",
            "unreviewed",
            "strata",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert_eq!(v["method"], "clopper-pearson");
        assert!(v["projected"]["point"].is_u64());
        assert_eq!(v["strata"][1]["name"], "b");
        assert_eq!(serde_json::to_value(Allocation::Neyman).unwrap(), "neyman");
    }

    #[test]
    fn detector_validation_values() {
        let flagged = StratumCounts::new("flagged", 1000, 200, 200, 160);
        let unflagged = StratumCounts::new("unflagged", 99_000, 500, 500, 2);
        let v = detector_validation(&flagged, &unflagged, 0.95, Method::ClopperPearson).unwrap();
        assert_eq!(v.precision.rate, 0.8);
        assert_eq!(v.elusion.rate, 0.004);
        // Recall point: 800 / (800 + 396).
        assert!(close(v.recall.point.unwrap(), 800.0 / 1196.0, 1e-12));
        let (lf, hf) = interval(160, 200, 0.975, Method::ClopperPearson).unwrap();
        let (lu, hu) = interval(2, 500, 0.975, Method::ClopperPearson).unwrap();
        assert!(close(
            v.recall.low,
            1000.0 * lf / (1000.0 * lf + 99_000.0 * hu),
            1e-12
        ));
        assert!(close(
            v.recall.high,
            1000.0 * hf / (1000.0 * hf + 99_000.0 * lu),
            1e-12
        ));
        assert!(v.recall.low < v.recall.point.unwrap() && v.recall.point.unwrap() < v.recall.high);
        assert_eq!(v.recall.method, RECALL_METHOD);
    }

    #[test]
    fn detector_validation_zero_positives() {
        // Nothing found anywhere: recall is unknown.
        let f = StratumCounts::new("f", 100, 50, 50, 0);
        let u = StratumCounts::new("u", 1000, 50, 50, 0);
        let v = detector_validation(&f, &u, 0.95, Method::Wilson).unwrap();
        assert_eq!(v.recall.point, None);
        assert_eq!((v.recall.low, v.recall.high), (0.0, 1.0));
        // Nothing missed in the sample: point 1, high 1, low > 0.
        let f = StratumCounts::new("f", 100, 50, 50, 40);
        let v = detector_validation(&f, &u, 0.95, Method::Wilson).unwrap();
        assert_eq!(v.recall.point, Some(1.0));
        assert_eq!(v.recall.high, 1.0);
        assert!(v.recall.low > 0.0 && v.recall.low < 1.0);
        assert_eq!(v.elusion.low, 0.0);
    }

    #[test]
    fn overturn_is_the_interval() {
        let o = overturn(3, 120, 0.95, Method::Wilson).unwrap();
        assert_eq!(
            (o.low, o.high),
            interval(3, 120, 0.95, Method::Wilson).unwrap()
        );
        assert_eq!(o.rate, 0.025);
        assert!(overturn(1, 0, 0.95, Method::Wilson).is_err());
    }

    #[test]
    fn allocation_examples() {
        let s = [(6000, None), (3000, None), (1000, None)];
        assert_eq!(
            allocate(100, &s, Allocation::Proportional).unwrap(),
            [60, 30, 10]
        );
        // 1000·(1/3) each: largest remainder gives the extra unit to the first.
        let s = [(1000, None), (1000, None), (1000, None)];
        assert_eq!(
            allocate(100, &s, Allocation::Proportional).unwrap(),
            [34, 33, 33]
        );
        // Neyman: weights 1000·0.5 = 500 and 1000·√(0.01·0.99) = 99.5.
        let s = [(1000, Some(0.5)), (1000, Some(0.01))];
        assert_eq!(allocate(600, &s, Allocation::Neyman).unwrap(), [500, 100]);
        // Capping: weights 5 and 1000·√(0.001·0.999) = 31.6, so the small stratum's
        // share (13.7) exceeds its size (10); the rest goes to the other.
        let s = [(10, Some(0.5)), (1000, Some(0.001))];
        let a = allocate(100, &s, Allocation::Neyman).unwrap();
        assert_eq!(a, [10, 90]);
        // At least one per non-empty stratum; empty strata get none.
        let s = [(100_000, None), (5, None), (0, None)];
        assert_eq!(
            allocate(10, &s, Allocation::Proportional).unwrap(),
            [9, 1, 0]
        );
        // More than everything: everything.
        assert_eq!(
            allocate(200_000, &s, Allocation::Proportional).unwrap(),
            [100_000, 5, 0]
        );
        // Neyman with every p = 0 falls back to proportional.
        let s = [(300, Some(0.0)), (100, Some(0.0))];
        assert_eq!(allocate(40, &s, Allocation::Neyman).unwrap(), [30, 10]);
        assert!(allocate(10, &[(10, Some(1.5))], Allocation::Neyman).is_err());
        assert_eq!(
            allocate(0, &[(10, None), (5, None)], Allocation::Proportional).unwrap(),
            [0, 0]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(20261204),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        #[test]
        fn allocation_invariants(
            total in 0u64..3000,
            strata in prop::collection::vec((0u64..800, prop::option::of(0.0f64..=1.0)), 1..8),
            neyman in any::<bool>(),
        ) {
            let how = if neyman { Allocation::Neyman } else { Allocation::Proportional };
            let a = allocate(total, &strata, how).unwrap();
            let all: u64 = strata.iter().map(|s| s.0).sum();
            prop_assert_eq!(a.iter().sum::<u64>(), total.min(all));
            for (n, s) in a.iter().zip(&strata) {
                prop_assert!(*n <= s.0);
            }
            let non_empty = strata.iter().filter(|s| s.0 > 0).count() as u64;
            if total >= non_empty {
                for (n, s) in a.iter().zip(&strata) {
                    prop_assert!(s.0 == 0 || *n >= 1);
                }
            }
            if !neyman && total < all && strata.iter().all(|s| s.0 > 0) {
                // Without caps or minimums binding, proportional is within 1 of exact.
                let exact: Vec<f64> = strata.iter().map(|s| total as f64 * s.0 as f64 / all as f64).collect();
                if exact.iter().zip(&strata).all(|(e, s)| *e >= 1.0 && *e <= s.0 as f64) {
                    for (n, e) in a.iter().zip(&exact) {
                        prop_assert!((*n as f64 - e).abs() < 1.0 + 1e-9);
                    }
                }
            }
        }

        #[test]
        fn estimate_invariants(
            strata in prop::collection::vec((1u64..5000, 0.0f64..1.0, 0.0f64..1.0, 0.0f64..1.0), 1..5),
            m in 0usize..3,
        ) {
            let counts: Vec<StratumCounts> = strata.iter().enumerate().map(|(i, &(pop, fs, fr, fp))| {
                let sampled = ((pop as f64 * fs).ceil() as u64).clamp(1, pop);
                let reviewed = ((sampled as f64 * fr).ceil() as u64).clamp(1, sampled);
                let positives = (reviewed as f64 * fp).floor() as u64;
                StratumCounts::new(format!("s{i}"), pop, sampled, reviewed, positives)
            }).collect();
            let e = estimate(&counts, 0.95, Method::ALL[m]).unwrap();
            prop_assert!(0.0 <= e.low && e.low <= e.rate + 1e-12 && e.rate <= e.high + 1e-12 && e.high <= 1.0);
            prop_assert!(e.projected.low <= e.projected.point && e.projected.point <= e.projected.high);
            prop_assert!(e.projected.high <= e.population);
            prop_assert!(e.projected.low >= e.positives);
        }
    }
}
