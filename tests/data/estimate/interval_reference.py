#!/usr/bin/env python3
# Reference values for src/interval.rs, computed independently with SciPy /
# statsmodels (Boost's incomplete-beta inverse under the hood).
#
# Regenerate (from the crate root):
#   python3 -m venv /tmp/sv && /tmp/sv/bin/pip install scipy statsmodels
#   /tmp/sv/bin/python tests/data/estimate/interval_reference.py > tests/data/estimate/interval_reference.csv
#
# Columns: method,x,n,confidence,low,high
#   clopper-pearson, wilson, jeffreys: two-sided interval at `confidence`
#     (statsmodels proportion_confint methods 'beta', 'wilson', 'jeffreys').
#   jeffreys uses the Brown, Cai & DasGupta (2001) convention: low = 0 when
#     x = 0, high = 1 when x = n (statsmodels does not apply it, so we do here).
#   cp-upper-one-sided: exact one-sided upper bound, low is always 0,
#     high = scipy.stats.beta.isf(1 - confidence, x + 1, n - x), 1 when x = n.
import sys

import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

REGEN = "/tmp/sv/bin/python tests/data/estimate/interval_reference.py > tests/data/estimate/interval_reference.csv"

PAIRS = [
    (0, 1), (1, 1), (0, 2), (1, 2), (0, 10), (3, 10), (10, 10),
    (1, 50), (25, 50), (49, 50), (0, 400), (37, 400), (0, 3000),
    (3, 30000), (29997, 30000), (1234, 5678), (0, 20_000_000),
    (2000, 20_000_000), (1, 20_000_000), (19_999_999, 20_000_000),
]
CONFIDENCES = [0.90, 0.95, 0.99]


def main():
    out = sys.stdout
    out.write(f"# regenerate: {REGEN} (scipy {scipy.__version__}, statsmodels {statsmodels.__version__})\n")
    out.write("method,x,n,confidence,low,high\n")
    for conf in CONFIDENCES:
        alpha = 1.0 - conf
        for x, n in PAIRS:
            for sm_name, name in (("beta", "clopper-pearson"), ("wilson", "wilson"), ("jeffreys", "jeffreys")):
                low, high = proportion_confint(x, n, alpha=alpha, method=sm_name)
                low, high = float(low), float(high)
                if name == "jeffreys":
                    if x == 0:
                        low = 0.0
                    if x == n:
                        high = 1.0
                out.write(f"{name},{x},{n},{conf!r},{low!r},{high!r}\n")
            high = 1.0 if x == n else float(stats.beta.isf(alpha, x + 1, n - x))
            out.write(f"cp-upper-one-sided,{x},{n},{conf!r},0.0,{high!r}\n")


if __name__ == "__main__":
    main()
