"""Trend markers as Fingertips publishes them (docs/methodology-comparison.md §4).

The reference below is written from the description of Fingertips' trend marker
calculator (``TrendMarkerCalculator`` in ukhsa-collaboration/fingertips-open,
``PholioVisualisationWS/Analysis/TrendMarkers``, and its port in dhsc-govuk/FingertipsNext,
``trend-analysis/TrendAnalysisApp/Calculator/Legacy``), not from perfcore's code: one
series at a time, in plain Python loops, with exact rational arithmetic
(:class:`fractions.Fraction` of the floats) so that its signs and its comparison with the
critical value are exact.

* Proportions: X² = N(NΣrt − RΣnt)² / [R(N − R)(NΣnt² − (Σnt)²)], t = 1..5; the slopes
  are unweighted least squares of ln(r / (n − r)) on t for all five points and for each
  set of four (each point keeping its t); a count equal to its denominator cannot be
  calculated; ln(0) = −∞ makes a slope undefined (NaN), which Fingertips counts with the
  positive ones (``slope < 0 ? -1 : 1``), and an undefined full slope gives no marker.
* Other values: weights 1/SE², SE = (U95 − L95)/3.92; slope = (S1·S2 − S3·S4) /
  (S1·S5 − S3²) with S1 = Σw, S2 = Σw·y·t, S3 = Σw·t, S4 = Σw·y, S5 = Σw·t²; X² =
  slope² / (S1 / (S1·S5 − S3²)).
* Significant when X² > 9.54953570608324 and the six slopes are all negative or all not
  negative; the marker is increasing / decreasing by the sign of the full slope.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from perfcore.calc import (
    TREND_CRITICAL_VALUE,
    TREND_SLOPES,
    Reason,
    direction_of_travel,
    trend_test,
)
from perfcore.errors import OptionError

CRITICAL = Fraction(9.54953570608324)
T = [1, 2, 3, 4, 5]


def _subsets() -> list[list[int]]:
    """Indices of the points of each of the six fits: all five, then each left out."""
    return [T[:]] + [[t for t in T if t != left_out] for left_out in T]


def _ols_slope(ts: list[int], ys: list[float]) -> Fraction | None:
    """Unweighted least-squares slope (k·Σty − Σy·Σt) / (k·Σt² − (Σt)²); None if a y is
    −∞ (Fingertips' arithmetic then gives NaN)."""
    if any(math.isinf(y) for y in ys):
        return None
    k = len(ts)
    fy = [Fraction(y) for y in ys]
    sty = sum(t * y for t, y in zip(ts, fy, strict=True))
    return (k * sty - sum(fy) * sum(ts)) / (k * sum(t * t for t in ts) - sum(ts) ** 2)


def _marker(chi2: Fraction | None, slopes: list[Fraction | None]) -> str:
    # Fingertips: slopeSum += slope < 0 ? -1 : 1 (NaN is not < 0), |slopeSum| == 6.
    signs = [-1 if (s is not None and s < 0) else 1 for s in slopes]
    significant = chi2 is not None and chi2 > CRITICAL and abs(sum(signs)) == 6
    full = slopes[0]
    if significant and full is not None and full > 0:
        return "increasing"
    if significant and full is not None and full < 0:
        return "decreasing"
    return "no_significant_change"


def fingertips_proportion(r: list[int], n: list[int]) -> tuple[str, Fraction | None]:
    """Marker and X² of five counts r out of n, oldest first."""
    if any(a == b for a, b in zip(r, n, strict=True)):
        return "could_not_be_calculated", None
    big_n, big_r = sum(n), sum(r)
    s_rt = sum(a * t for a, t in zip(r, T, strict=True))
    s_nt = sum(b * t for b, t in zip(n, T, strict=True))
    s_ntt = sum(b * t * t for b, t in zip(n, T, strict=True))
    den = big_r * (big_n - big_r) * (big_n * s_ntt - s_nt**2)
    chi2 = Fraction(big_n * (big_n * s_rt - big_r * s_nt) ** 2, den) if den else None
    logit = [math.log(a / (b - a)) if a > 0 else -math.inf for a, b in zip(r, n, strict=True)]
    slopes = [_ols_slope(ts, [logit[t - 1] for t in ts]) for ts in _subsets()]
    return _marker(chi2, slopes), chi2


def fingertips_ci(value: list[float], lower: list[float],
                  upper: list[float]) -> tuple[str, Fraction]:
    """Marker and X² of five values with 95% limits, oldest first."""
    w = [1 / Fraction((u - lo) / 3.92) ** 2 for lo, u in zip(lower, upper, strict=True)]
    y = [Fraction(v) for v in value]

    def fit(ts: list[int]) -> tuple[Fraction, Fraction, Fraction]:
        s1 = sum(w[t - 1] for t in ts)
        s2 = sum(w[t - 1] * y[t - 1] * t for t in ts)
        s3 = sum(w[t - 1] * t for t in ts)
        s4 = sum(w[t - 1] * y[t - 1] for t in ts)
        s5 = sum(w[t - 1] * t * t for t in ts)
        d = s1 * s5 - s3**2
        return (s1 * s2 - s3 * s4) / d, s1, d

    fits = [fit(ts) for ts in _subsets()]
    slope, s1, d = fits[0]
    chi2 = slope**2 / (s1 / d)
    return _marker(chi2, [f[0] for f in fits]), chi2


def _proportion_cases(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Five-year series of counts with a trend in the log odds, small and large
    denominators (so zeros and r = n occur too)."""
    rng = np.random.default_rng(seed)
    n = rng.integers(3, 400, size=(count, 5))
    base = rng.uniform(-3, 3, size=(count, 1))
    step = rng.normal(0, 0.35, size=(count, 1))
    p = 1 / (1 + np.exp(-(base + step * np.arange(5))))
    return rng.binomial(n, p).astype(float), n.astype(float)


def test_fingertips_published_unit_tests() -> None:
    # fingertips-open PholioVisualisationWS/AnalysisTest/TrendMarkerCalculatorTest.cs,
    # years 2014-2018 in order. Set1 (CI method): significant, ChiSquare rounds to 46.77;
    # as proportions (SPC for proportions): significant, 47.9; Set2: not significant;
    # ProportionSet2 has Count = Denominator: cannot be calculated.
    value = [24.67, 24.6, 28, 30.2, 30.6]
    lower = [23.16, 23.15, 26.44, 28.63, 28.98]
    upper = [26.25, 26.19, 29.64, 31.9, 32.25]
    r = trend_test(value, lower=lower, upper=upper)
    assert (str(r.label), round(float(r.statistic), 2)) == ("increasing", 46.77)
    p = trend_test(numerator=[994, 1023, 1199, 1332, 1367],
                   denominator=[40299, 41527, 42811, 44064, 44701])
    assert (str(p.label), round(float(p.statistic), 1)) == ("increasing", 47.9)
    s2 = trend_test([20.5506, 19.5952, 19.0349, 21.3966, 18.4372],
                    lower=[18.1803, 17.3444, 16.8421, 19.0918, 16.2925],
                    upper=[23.1427, 22.0602, 21.4394, 23.8975, 20.7941])
    assert str(s2.label) == "no_significant_change"
    full = trend_test(numerator=[5, 3, 1, 1, 2], denominator=[5, 5, 5, 4, 4])  # no warning
    assert str(full.label) == "could_not_be_calculated"
    assert full.reasons & Reason.ZERO_DENOMINATOR


def test_issue_example_leave_one_out_slope_of_logit() -> None:
    # Issue 15: x = [28, 13, 13, 14, 8], n = [48, 40, 90, 76, 23]. X² = 15.55 > 9.5495,
    # but leaving out the first year the logit slope is +0.0598 (the n-weighted slope of p
    # stays negative): Fingertips publishes no significant change; perfcore's earlier
    # rule said "decreasing".
    x, n = [28, 13, 13, 14, 8], [48, 40, 90, 76, 23]
    assert fingertips_proportion(x, n)[0] == "no_significant_change"
    r = trend_test(numerator=x, denominator=n)
    assert str(r.label) == "no_significant_change"
    assert float(r.statistic) == pytest.approx(15.5499149317, rel=1e-10)
    assert float(r.slope) == pytest.approx(-0.2687351338974213, rel=1e-12)  # logit slope
    old = trend_test(numerator=x, denominator=n, slopes="weighted_p")
    assert str(old.label) == "decreasing"
    assert old.slopes == "weighted_p" and r.slopes == "fingertips"


def test_proportions_agree_with_independent_fingertips_reference() -> None:
    x, n = _proportion_cases(400, seed=15)
    res = trend_test(numerator=x, denominator=n)
    old = trend_test(numerator=x, denominator=n, slopes="weighted_p")
    expected, chi2 = zip(*(fingertips_proportion([int(a) for a in xi], [int(b) for b in ni])
                           for xi, ni in zip(x, n, strict=True)), strict=True)
    assert res.label.tolist() == list(expected)
    for got, want in zip(res.statistic, chi2, strict=True):
        if want is not None and not np.isnan(got):
            assert got == pytest.approx(float(want), rel=1e-12)
    # The cases exercise every outcome, and the earlier rule disagrees on some of them.
    kinds = set(expected)
    assert {"increasing", "decreasing", "no_significant_change",
            "could_not_be_calculated"} <= kinds
    assert sum(e in ("increasing", "decreasing") for e in expected) > 100
    assert (old.label != res.label).sum() >= 5
    assert (x == 0).any(axis=1).sum() > 10  # zero counts (logit -inf) are covered


def test_values_with_limits_agree_with_independent_fingertips_reference() -> None:
    rng = np.random.default_rng(1515)
    k = 300
    value = rng.uniform(10, 60, size=(k, 1)) + rng.normal(0, 1.5, size=(k, 1)) * np.arange(
        5) + rng.normal(0, 1.0, size=(k, 5))
    lower = value - rng.uniform(0.3, 4, size=(k, 5))
    upper = value + rng.uniform(0.3, 4, size=(k, 5))
    res = trend_test(value, lower=lower, upper=upper)
    ref = [fingertips_ci(list(v), list(lo), list(up))
           for v, lo, up in zip(value, lower, upper, strict=True)]
    assert res.label.tolist() == [m for m, _ in ref]
    np.testing.assert_allclose(res.statistic, [float(c) for _, c in ref], rtol=1e-10)
    kinds = {m for m, _ in ref}
    assert {"increasing", "decreasing", "no_significant_change"} <= kinds


def test_zero_counts_and_exact_zero_leave_one_out_slopes() -> None:
    # A zero count: the slopes that include it are undefined, so even with a large X²
    # Fingertips' marker is no significant change; perfcore says so and keeps X².
    x, n = [0, 40, 80, 120, 160], [200] * 5
    assert fingertips_proportion(x, n)[0] == "no_significant_change"
    r = trend_test(numerator=x, denominator=n)
    assert str(r.label) == "no_significant_change"
    assert float(r.statistic) > 100 and np.isnan(r.slope)
    assert r.reasons == 0
    # All zero: X² is 0/0; Fingertips gives no significant change (not "cannot be
    # calculated"), as perfcore does with the Fingertips rule.
    z = trend_test(numerator=[0] * 5, denominator=[50] * 5)
    assert str(z.label) == "no_significant_change" and z.reasons == 0
    assert str(trend_test(numerator=[0] * 5, denominator=[50] * 5,
                          slopes="weighted_p").label) == "could_not_be_calculated"
    # Four equal proportions then a jump: leaving out the jump the slope is exactly 0,
    # which Fingertips counts with the positive ones, so the rise is significant; the
    # earlier rule (a 0 slope breaks the guard) said no significant change.
    x2, n2 = [10, 10, 10, 10, 300], [1000] * 5
    assert fingertips_proportion(x2, n2)[0] == "increasing"
    assert str(trend_test(numerator=x2, denominator=n2).label) == "increasing"
    assert str(trend_test(numerator=x2, denominator=n2, slopes="weighted_p").label) == \
        "no_significant_change"


def test_critical_value_and_options() -> None:
    assert TREND_CRITICAL_VALUE == 9.54953570608324  # Excel CHIINV(0.002, 1), Fingertips
    stats = pytest.importorskip("scipy.stats")
    assert float(stats.chi2.isf(0.002, 1)) == pytest.approx(TREND_CRITICAL_VALUE, rel=1e-14)
    assert TREND_SLOPES == ("fingertips", "weighted_p")
    with pytest.raises(OptionError, match="'fingertips', 'weighted_p'"):
        trend_test(numerator=[1] * 5, denominator=[2] * 5, slopes="logit")
    d = direction_of_travel(polarity="higher", method="trend",
                            numerator=[28, 13, 13, 14, 8], denominator=[48, 40, 90, 76, 23],
                            slopes="weighted_p")
    assert str(d.assessment) == "deteriorating"
    assert d.trend is not None and d.trend.slopes == "weighted_p"
    d = direction_of_travel(polarity="higher", method="trend",
                            numerator=[28, 13, 13, 14, 8], denominator=[48, 40, 90, 76, 23])
    assert str(d.assessment) == "no_change"
