"""Regenerate ``phe_reference.csv`` from PHEindicatormethods' Python port.

Reference implementation: ``phstatsmethods`` 0.1.16 from PyPI (package ``PHStatsMethods``,
DHSC/UKHSA, GPL-3.0; repository DataS-DHSC/PHStatsMethods), the Python port of
PHEindicatormethods (ukhsa-collaboration/PHEindicatormethods). Its functions are *run*
here to produce expected values; none of its code is copied into perfcore.

    pip download --no-deps --no-binary :all: phstatsmethods==0.1.16
    tar xzf phstatsmethods-0.1.16.tar.gz
    PYTHONPATH=phstatsmethods-0.1.16 python tests/data/make_phe_reference.py

Inputs: the x/n pairs of PHEindicatormethods' own Wilson and Byar's tests
(tests/testthat/testWilson.R and testByars.R: 65/100, 1045/5000, 0.445/1; counts 65, 1045,
1, 10), the rate example of R/Rates.R (obs 82, 9, 48, 6500, 8200, 10000, 8, 7, 750, 900
over populations 100 and 10000), plus edge counts 1, 2, 5 and 9 (phstatsmethods
rejects a count of 0 in byars_upper, so x = 0 is tested against the formula instead).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd
from PHStatsMethods import confidence_intervals as ci  # type: ignore[import-not-found]
from PHStatsMethods.means import ph_mean  # type: ignore[import-not-found]
from PHStatsMethods.rates import ph_rate  # type: ignore[import-not-found]

OUT = Path(__file__).with_name("phe_reference.csv")
rows: list[dict[str, object]] = []

wilson_cases = [(65, 100), (1045, 5000), (0.445, 1), (0, 100), (100, 100), (20, 360),
                (550, 2400), (30, 400), (76, 238), (1, 3), (5, 7), (9999, 10000)]
for conf in (0.95, 0.998):
    for x, n in wilson_cases:
        rows.append({"kind": "wilson", "x": x, "n": n, "confidence": conf,
                     "lower": ci.wilson_lower(x, n, conf), "upper": ci.wilson_upper(x, n, conf)})

rate_cases = [(82, 100), (9, 100), (48, 100), (6500, 10000), (8200, 10000), (10000, 10000),
              (8, 10000), (7, 10000), (750, 10000), (900, 10000), (65, 100000),
              (1045, 100000), (1, 1000), (2, 1000), (5, 1000), (10, 1000), (11, 1000)]
for conf in (0.95, 0.998):
    df = pd.DataFrame({"x": [float(x) for x, _ in rate_cases],
                       "n": [float(n) for _, n in rate_cases]})
    out = ph_rate(df, "x", "n", confidence=conf, multiplier=100000)
    lo_col = next(c for c in out.columns if "lower" in c.lower())
    up_col = next(c for c in out.columns if "upper" in c.lower())
    for (x, n), lo, up in zip(rate_cases, out[lo_col], out[up_col], strict=True):
        rows.append({"kind": "rate_per_100000", "x": x, "n": n, "confidence": conf,
                     "lower": lo, "upper": up})

for conf in (0.95, 0.998):
    for x in (65, 1045, 1, 10, 100, 200):
        rows.append({"kind": "byar", "x": x, "n": "", "confidence": conf,
                     "lower": ci.byars_lower(x, conf) if x >= 10 else "",
                     "upper": ci.byars_upper(x, conf) if x >= 10 else ""})
    for x in (1, 2, 5, 9, 10, 65):
        rows.append({"kind": "exact", "x": x, "n": "", "confidence": conf,
                     "lower": ci.exact_lower(x, conf), "upper": ci.exact_upper(x, conf)})

values = {"a": [1.0, 2.0, 3.0, 4.0, 10.0], "b": [12.5, 13.1, 9.8, 11.0, 15.2, 10.4, 12.0, 8.7],
          "c": [100.0, 102.0]}
df = pd.DataFrame([(g, v) for g, vs in values.items() for v in vs], columns=["g", "v"])
for conf in (0.95, 0.998):
    out = ph_mean(df, "v", "g", confidence=conf)
    lo_col = next(c for c in out.columns if "lower" in c.lower())
    up_col = next(c for c in out.columns if "upper" in c.lower())
    for _, r in out.iterrows():
        rows.append({"kind": "mean", "x": r["Value"], "n": r["value_count"], "sd": r["stdev"],
                     "confidence": conf, "lower": r[lo_col], "upper": r[up_col]})

with OUT.open("w", newline="") as fh:
    fh.write("# Expected values computed with phstatsmethods 0.1.16 (PyPI; GPL-3.0; the Python\n"
             "# port of PHEindicatormethods) by tests/data/make_phe_reference.py. Mean rows: x is\n"
             "# the mean, n the count, sd the sample standard deviation.\n")
    w = csv.DictWriter(fh, fieldnames=["kind", "x", "n", "sd", "confidence", "lower", "upper"])
    w.writeheader()
    for row in rows:
        w.writerow({k: (repr(float(v)) if isinstance(v, float) else v) for k, v in row.items()})
print(f"wrote {len(rows)} rows to {OUT}", file=sys.stderr)
