//! The statistics checked against independent implementations: interval bounds against
//! SciPy/statsmodels (tests/data/estimate/interval_reference.csv, made by
//! interval_reference.py; the command is in its header) and the sample draw against a Python
//! implementation of the documented algorithm (draw_reference.py, draw_reference.txt).

use verbatim::estimate::draw::{BottomK, population_hash};

fn population() -> Vec<String> {
    let mut ids: Vec<String> = (1..=50).map(|i| format!("conv-{i:04}")).collect();
    ids.extend(["é-accent", "日本語", "with space"].map(String::from));
    ids
}

#[test]
fn matches_python_reference() {
    let text = include_str!("data/estimate/draw_reference.txt");
    let mut out = String::from(
        "# regenerate: python3 tests/data/estimate/draw_reference.py > tests/data/estimate/draw_reference.txt\n",
    );
    out += &format!(
        "population_hash {}\n",
        population_hash(&mut population()).unwrap()
    );
    for (seed, k) in [(42u64, 10usize), (0, 5), (u64::MAX, 60)] {
        out += &format!("seed {seed} k {k}\n");
        let mut d = BottomK::new(seed, k);
        for id in population() {
            d.push(&id);
        }
        for x in d.finish() {
            out += &format!("{} {}\n", x.key, x.id);
        }
    }
    assert_eq!(out, text);
}

use verbatim::estimate::interval::{Method, interval, upper_bound_one_sided};

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12 || (got - want).abs() <= 1e-9 * want.abs()
}

#[test]
fn matches_scipy_reference() {
    let text = include_str!("data/estimate/interval_reference.csv");
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    assert!(first.starts_with("# regenerate:"), "first line: {first}");
    assert_eq!(lines.next().unwrap(), "method,x,n,confidence,low,high");
    let mut per_method = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    let mut worst = 0.0_f64;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 6, "bad line {line}");
        let (x, n): (u64, u64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        let conf: f64 = f[3].parse().unwrap();
        let (want_lo, want_hi): (f64, f64) = (f[4].parse().unwrap(), f[5].parse().unwrap());
        let (lo, hi) = if f[0] == "cp-upper-one-sided" {
            (0.0, upper_bound_one_sided(x, n, conf).unwrap())
        } else {
            interval(x, n, conf, Method::parse(f[0]).unwrap()).unwrap()
        };
        for (g, w) in [(lo, want_lo), (hi, want_hi)] {
            if w.abs() > 1e-12 {
                worst = worst.max((g - w).abs() / w.abs());
            }
        }
        if !close(lo, want_lo) || !close(hi, want_hi) {
            failures.push(format!(
                "{line}\n   got {lo:e}, {hi:e} (rel {:.1e}, {:.1e})",
                (lo - want_lo).abs() / want_lo.abs().max(1e-300),
                (hi - want_hi).abs() / want_hi.abs().max(1e-300)
            ));
        }
        *per_method.entry(f[0].to_string()).or_default() += 1;
    }
    eprintln!("worst relative difference from the reference: {worst:.2e}");
    for (m, c) in &per_method {
        assert!(*c >= 40, "{m} has only {c} reference rows");
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
