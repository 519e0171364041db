"""Benchmark perfcore's intervals against statsmodels and scipy on 1,000,000 elements.

Run: ``PYTHONPATH=src python benchmarks/bench_intervals.py`` (needs statsmodels, from the
``benchmark`` dependency group; scipy is a runtime dependency). Prints the best of several
repeats for each, the ratio (baseline time / perfcore time; ≥ 1 means perfcore is no slower)
and checks that ``import perfcore`` and ``import perfcore.calc`` do not load scipy.stats.
"""

from __future__ import annotations

import subprocess
import sys
import timeit
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

N = 1_000_000
REPEATS = 7


def best(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeats))


def report(name: str, ours: float, theirs: float, baseline: str) -> bool:
    ratio = theirs / ours
    verdict = "ok" if ratio >= 1 else "SLOWER"
    print(f"{name:<34} perfcore {ours * 1e3:8.1f} ms   {baseline:<38} {theirs * 1e3:8.1f} ms"
          f"   ratio {ratio:5.2f}  {verdict}")
    return ratio >= 1


def scipy_stats_loaded(module: str) -> bool:
    src = str(Path(__file__).resolve().parents[1] / "src")
    code = f"import sys; sys.path.insert(0, {src!r}); import {module}; " \
           "print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def main() -> int:
    for module in ("perfcore", "perfcore.calc"):
        loaded = scipy_stats_loaded(module)
        print(f"import {module:<14} loads scipy.stats: {'YES (bad)' if loaded else 'no'}")
        if loaded:
            return 1

    from scipy import stats

    from perfcore.calc import count_ci, proportion_ci

    try:
        from statsmodels.stats.proportion import proportion_confint
    except ImportError:
        print("statsmodels is missing: install the 'benchmark' dependency group "
              "(pip install statsmodels) to run the comparison")
        return 1

    rng = np.random.default_rng(2026)
    n = rng.integers(1, 10_000, N).astype(float)
    x = np.floor(rng.random(N) * (n + 1))
    counts = rng.integers(0, 5_000, N).astype(float)
    alpha = 0.05
    ok = True

    # The two sides must agree before their times mean anything.
    ours = proportion_ci(x, n)
    lo, hi = proportion_confint(x, n, alpha=alpha, method="wilson")
    agree = max(np.max(np.abs(ours.lower - lo)), np.max(np.abs(ours.upper - hi)))
    print(f"Wilson bounds agree with statsmodels to {agree:.1e}")
    if not agree < 1e-12:
        return 1

    # Same work on both sides: 95% Wilson bounds for 1e6 proportions.
    ok &= report("Wilson 95%", best(lambda: proportion_ci(x, n)),
                 best(lambda: proportion_confint(x, n, alpha=alpha, method="wilson")),
                 "statsmodels proportion_confint wilson")

    # Exact Poisson bounds for 1e6 counts: scipy's chi-squared quantiles directly.
    def scipy_exact() -> object:
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lower = np.where(counts > 0, stats.chi2.ppf(alpha / 2, 2 * counts) / 2, 0.0)
        upper = stats.chi2.ppf(1 - alpha / 2, 2 * counts + 2) / 2
        return lower, upper

    theirs = scipy_exact()
    ours_p = count_ci(counts, method="exact")
    agree = max(np.max(np.abs(ours_p.lower - theirs[0]) / np.maximum(theirs[1], 1)),
                np.max(np.abs(ours_p.upper - theirs[1]) / np.maximum(theirs[1], 1)))
    print(f"exact Poisson bounds agree with scipy to {agree:.1e} (relative)")
    if not agree < 1e-9:
        return 1
    ok &= report("exact Poisson 95%", best(lambda: count_ci(counts, method="exact")),
                 best(scipy_exact), "scipy.stats.chi2.ppf")

    # Exact (Clopper-Pearson) binomial bounds, the statsmodels 'beta' method: both spend
    # their time in the same scipy.special beta quantiles, so this is for information, not
    # part of the bar (issue 3 names Wilson and exact Poisson).
    report("exact binomial 95%", best(lambda: proportion_ci(x, n, method="exact")),
                 best(lambda: proportion_confint(x, n, alpha=alpha, method="beta")),
                 "statsmodels proportion_confint beta")

    # Several levels at once (the 95% and 99.8% pair of every PHE output).
    ok &= report("Wilson 95% + 99.8%", best(lambda: proportion_ci(x, n, confidence=(0.95, 0.998))),
                 best(lambda: (proportion_confint(x, n, alpha=0.05, method="wilson"),
                               proportion_confint(x, n, alpha=0.002, method="wilson"))),
                 "statsmodels wilson, twice")
    print("bar (Wilson and exact Poisson no slower than the baselines):",
          "met" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
