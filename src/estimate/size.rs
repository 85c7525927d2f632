//! Sample size calculators.
//!
//! - [`for_margin`] / [`for_relative_margin`]: normal-approximation size for a
//!   proportion, n₀ = z² p(1−p)/e², with the finite population correction
//!   n = n₀ / (1 + (n₀ − 1)/N) (Cochran, Sampling Techniques, 3rd ed. 1977, §4.4,
//!   eq. 4.2 and the FPC that follows it).
//! - [`for_zero_hits`]: the exact size for which finding no positives bounds the
//!   prevalence below a limit (binomial, or hypergeometric when the population is
//!   known), with the rule of three (Hanley & Lippman-Hand 1983) for comparison.

use serde::Serialize;

use super::interval::{check_confidence, z_two_sided};

/// The answer of a size calculation, with what it assumed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizeAnswer {
    /// The sample size to draw (always ≤ population when one is given).
    pub n: u64,
    /// Size for an unlimited population (before any finite population correction).
    pub n_infinite_population: u64,
    /// How `n` was computed, in words.
    pub method: String,
    pub confidence: f64,
    /// The two-sided normal critical value used, when the method uses one.
    pub z: Option<f64>,
    /// The absolute margin of error aimed for (± around the rate).
    pub margin: Option<f64>,
    /// The rate assumed when planning.
    pub expected: Option<f64>,
    /// For zero-hit planning: the prevalence that 0 positives must rule out.
    pub upper: Option<f64>,
    pub population: Option<u64>,
    /// Chance that a sample of `n` contains at least one positive if the rate is
    /// `expected` (or `upper` for zero-hit planning): 1 − (1−p)ⁿ, or the
    /// hypergeometric equivalent when the population is given.
    pub chance_of_at_least_one_positive: Option<f64>,
    /// For zero-hit planning: the rule of three, −ln(1−confidence)/upper rounded up
    /// (≈ 3/upper at 95 %), a binomial approximation shown for comparison.
    pub rule_of_three: Option<u64>,
}

/// Rounds a computed size up, forgiving floating-point noise just above an integer
/// (so that 2401.0000000000005 is 2401, not 2402).
fn ceil_size(v: f64) -> u64 {
    let r = v.round();
    if (v - r).abs() <= 1e-9 * v.max(1.0) {
        r as u64
    } else {
        v.ceil() as u64
    }
}

fn check_rate(name: &str, p: f64) -> Result<(), String> {
    if p.is_finite() && p > 0.0 && p < 1.0 {
        Ok(())
    } else {
        Err(format!(
            "{name} must be strictly between 0 and 1 (a proportion, e.g. 0.05), got {p}"
        ))
    }
}

fn check_population(population: Option<u64>) -> Result<(), String> {
    if population == Some(0) {
        Err("population must be at least 1 when given".to_string())
    } else {
        Ok(())
    }
}

/// Sample size so that a two-sided normal interval for a proportion near
/// `expected` has half-width `margin` at `confidence`.
///
/// n₀ = z² p(1−p)/e² with z the exact normal quantile (1.959963984540054 at 95 %),
/// then the finite population correction n = n₀/(1 + (n₀−1)/N), rounded up
/// (Cochran 1977, §4.4). E.g. e = 0.02, 95 %, p = 0.5, N = 2e7 → 2401;
/// e = 0.01 → n₀ = 9603.65 → 9599.04 → 9600.
pub fn for_margin(
    margin: f64,
    confidence: f64,
    expected: f64,
    population: Option<u64>,
) -> Result<SizeAnswer, String> {
    check_rate("margin", margin)?;
    check_rate("expected rate", expected)?;
    check_population(population)?;
    let z = z_two_sided(confidence)?;
    let n0 = z * z * expected * (1.0 - expected) / (margin * margin);
    let (n, method) = match population {
        Some(big_n) => {
            let corrected = n0 / (1.0 + (n0 - 1.0) / big_n as f64);
            (
                ceil_size(corrected).clamp(1, big_n),
                "normal approximation z²p(1−p)/e² with finite population correction (Cochran 1977)",
            )
        }
        None => (
            ceil_size(n0).max(1),
            "normal approximation z²p(1−p)/e² (Cochran 1977)",
        ),
    };
    Ok(SizeAnswer {
        n,
        n_infinite_population: ceil_size(n0).max(1),
        method: method.to_string(),
        confidence,
        z: Some(z),
        margin: Some(margin),
        expected: Some(expected),
        upper: None,
        population,
        chance_of_at_least_one_positive: Some(chance_of_any(expected, n, population)),
        rule_of_three: None,
    })
}

/// Like [`for_margin`] with the margin given relative to the expected rate:
/// e = relative × expected (e.g. ±20 % of a 5 % rate is ±1 point).
pub fn for_relative_margin(
    relative: f64,
    confidence: f64,
    expected: f64,
    population: Option<u64>,
) -> Result<SizeAnswer, String> {
    if !(relative.is_finite() && relative > 0.0) {
        return Err(format!(
            "relative margin must be positive (e.g. 0.2 for ±20 % of the rate), got {relative}"
        ));
    }
    check_rate("expected rate", expected)?;
    let margin = relative * expected;
    if margin >= 1.0 {
        return Err(format!(
            "relative margin {relative} × expected rate {expected} is not below 1"
        ));
    }
    let mut answer = for_margin(margin, confidence, expected, population)?;
    answer.method = format!("{} with margin = {relative} × expected rate", answer.method);
    Ok(answer)
}

/// The smallest n such that finding 0 positives in n bounds the prevalence below
/// `upper` at `confidence`.
///
/// Without a population: the smallest n with (1−upper)ⁿ ≤ 1 − confidence
/// (binomial; this is the exact Clopper-Pearson one-sided bound for x = 0).
/// With a population N: the smallest n such that, if the population held
/// K = ⌈upper·N⌉ positives, P(0 in a sample of n without replacement)
/// = Π_{i<n} (N−K−i)/(N−i) ≤ 1 − confidence (hypergeometric; never larger than
/// the binomial n).
pub fn for_zero_hits(
    upper: f64,
    confidence: f64,
    population: Option<u64>,
) -> Result<SizeAnswer, String> {
    check_rate("upper prevalence bound", upper)?;
    check_confidence(confidence)?;
    check_population(population)?;
    let ln_target = (1.0 - confidence).ln();
    let ln_keep = (-upper).ln_1p();
    // Smallest n with n·ln(1−u) ≤ ln(1−c); fix up the float estimate by ±1.
    let mut n_binom = (ln_target / ln_keep).ceil().max(1.0) as u64;
    while n_binom > 1 && (n_binom - 1) as f64 * ln_keep <= ln_target {
        n_binom -= 1;
    }
    while n_binom as f64 * ln_keep > ln_target {
        n_binom += 1;
    }
    let rule_of_three = ceil_size(-ln_target / upper);

    let (n, method) = match population {
        None => (
            n_binom,
            "exact binomial: smallest n with (1−upper)^n ≤ 1−confidence".to_string(),
        ),
        Some(big_n) => {
            let positives = ((upper * big_n as f64).ceil() as u64).clamp(1, big_n);
            let mut ln_p0 = 0.0;
            let mut n = 0;
            // P(0 positives) only falls as n grows, and is ≤ the binomial value,
            // so this stops at or before n_binom (or when the negatives run out).
            while ln_p0 > ln_target {
                let remaining = (big_n - n) as f64;
                if n >= big_n - positives {
                    n += 1;
                    break;
                }
                ln_p0 += (-(positives as f64) / remaining).ln_1p();
                n += 1;
            }
            (
                n.min(big_n),
                format!(
                    "exact hypergeometric: smallest n with P(0 positives) ≤ 1−confidence \
                     if {positives} of {big_n} were positive"
                ),
            )
        }
    };
    Ok(SizeAnswer {
        n,
        n_infinite_population: n_binom,
        method,
        confidence,
        z: None,
        margin: None,
        expected: None,
        upper: Some(upper),
        population,
        chance_of_at_least_one_positive: Some(chance_of_any(upper, n, population)),
        rule_of_three: Some(rule_of_three),
    })
}

/// P(at least one positive in a sample of n) at rate p: binomial 1 − (1−p)ⁿ, or,
/// with a population N, hypergeometric with K = ⌈p·N⌉ positives.
pub fn chance_of_any(p: f64, n: u64, population: Option<u64>) -> f64 {
    match population {
        None => -(n as f64 * (-p).ln_1p()).exp_m1(),
        Some(big_n) => {
            let positives = ((p * big_n as f64).ceil() as u64).min(big_n);
            if n > big_n - positives {
                return 1.0;
            }
            let ln_p0: f64 = (0..n)
                .map(|i| (-(positives as f64) / (big_n - i) as f64).ln_1p())
                .sum();
            -ln_p0.exp_m1()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_reference_numbers() {
        let a = for_margin(0.02, 0.95, 0.5, Some(20_000_000)).unwrap();
        assert_eq!(a.n, 2401);
        assert_eq!(a.n_infinite_population, 2401);
        assert!((a.z.unwrap() - 1.959963984540054).abs() < 1e-15);
        let b = for_margin(0.01, 0.95, 0.5, Some(20_000_000)).unwrap();
        assert_eq!(b.n, 9600);
        assert_eq!(b.n_infinite_population, 9604);
        // Textbook: ±5 % at 95 % with p = 0.5 is 385 (384.15 rounded up).
        assert_eq!(for_margin(0.05, 0.95, 0.5, None).unwrap().n, 385);
        // A small population: n₀ = 384.15 → 384.15/(1 + 383.15/1000) = 277.7 → 278.
        assert_eq!(for_margin(0.05, 0.95, 0.5, Some(1000)).unwrap().n, 278);
        // Never more than the population.
        assert_eq!(for_margin(0.001, 0.99, 0.5, Some(10)).unwrap().n, 10);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["n"], 2401);
        assert!(json["chance_of_at_least_one_positive"].as_f64().unwrap() > 0.999);
    }

    #[test]
    fn relative_margin() {
        // ±20 % of 5 % = ±1 point: n₀ = 1.95996² × 0.0475 / 0.0001 = 1824.6 → 1825.
        let a = for_relative_margin(0.2, 0.95, 0.05, None).unwrap();
        assert_eq!(a.n, 1825);
        assert!((a.margin.unwrap() - 0.01).abs() < 1e-15);
        assert!(for_relative_margin(0.0, 0.95, 0.05, None).is_err());
        assert!(for_relative_margin(30.0, 0.95, 0.05, None).is_err());
    }

    #[test]
    fn margin_errors() {
        assert!(for_margin(0.0, 0.95, 0.5, None).is_err());
        assert!(for_margin(0.02, 1.0, 0.5, None).is_err());
        assert!(for_margin(0.02, 0.95, 0.0, None).is_err());
        assert!(for_margin(0.02, 0.95, 0.5, Some(0)).is_err());
        assert!(for_zero_hits(0.0, 0.95, None).is_err());
        assert!(for_zero_hits(0.01, 0.95, Some(0)).is_err());
    }

    #[test]
    fn zero_hits_binomial() {
        // 0.99^299 = 0.0495 ≤ 0.05 < 0.99^298 = 0.0500.
        let a = for_zero_hits(0.01, 0.95, None).unwrap();
        assert_eq!(a.n, 299);
        assert_eq!(a.rule_of_three, Some(300));
        assert!(a.chance_of_at_least_one_positive.unwrap() >= 0.95);
        // 0.999^2995 ≤ 0.05 < 0.999^2994.
        assert_eq!(for_zero_hits(0.001, 0.95, None).unwrap().n, 2995);
        // The exact upper bound for 0 of n must be just below `upper`.
        for (u, c) in [(0.01, 0.95), (0.001, 0.99), (0.05, 0.9)] {
            let n = for_zero_hits(u, c, None).unwrap().n;
            let bound = super::super::interval::upper_bound_one_sided(0, n, c).unwrap();
            let bound_before = super::super::interval::upper_bound_one_sided(0, n - 1, c).unwrap();
            assert!(bound <= u && bound_before > u, "{u} {c} {n}");
        }
    }

    #[test]
    fn zero_hits_hypergeometric() {
        // N = 1000, K = 10: P(0 in n) = C(990, n)/C(1000, n); smallest n ≤ 0.05 is 258.
        let a = for_zero_hits(0.01, 0.95, Some(1000)).unwrap();
        assert_eq!(a.n, 258);
        assert_eq!(a.n_infinite_population, 299);
        let p0 = |n: u64| {
            (0..n)
                .map(|i| (990 - i) as f64 / (1000 - i) as f64)
                .product::<f64>()
        };
        assert!(p0(258) <= 0.05 && p0(257) > 0.05);
        // A huge population is almost binomial.
        let b = for_zero_hits(0.01, 0.95, Some(20_000_000)).unwrap();
        assert_eq!(b.n, 299);
        // All-positive population: one item is enough.
        assert_eq!(for_zero_hits(0.999, 0.95, Some(5)).unwrap().n, 1);
        // Tiny population: K = 1 of 10 needs n with (10−n)/10 ≤ 0.05 → n = 10.
        assert_eq!(for_zero_hits(0.1, 0.95, Some(10)).unwrap().n, 10);
    }

    #[test]
    fn chance_of_any_values() {
        assert!((chance_of_any(0.01, 299, None) - (1.0 - 0.99f64.powi(299))).abs() < 1e-12);
        assert_eq!(chance_of_any(0.5, 6, Some(10)), 1.0);
        // 1 positive of 4, sample 2: P(0) = 3/4 × 2/3 = 1/2.
        assert!((chance_of_any(0.25, 2, Some(4)) - 0.5).abs() < 1e-15);
    }
}
