"""Confidence intervals (docs/methodology.md §2) against PHEindicatormethods, published values,
statsmodels and scipy."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy import special, stats

import perfcore
from perfcore.calc import (
    Reason,
    count_ci,
    effective_sample_size,
    mean_ci,
    pp_change_ci,
    proportion_ci,
    rate_ci,
    rate_ratio_ci,
    round_half_away,
)
from perfcore.codes import IntervalMethod
from perfcore.errors import InvalidInputWarning, OptionError, ShapeError

DATA = Path(__file__).parent / "data"
REL = 1e-9  # agreement required with PHEindicatormethods


def _reference(kind: str) -> list[dict[str, Any]]:
    """Rows of tests/data/phe_reference.csv: values computed with phstatsmethods 0.1.16
    (PyPI, GPL-3.0), the Python port of PHEindicatormethods; see make_phe_reference.py."""
    with (DATA / "phe_reference.csv").open() as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    rows = [r for r in csv.DictReader(lines) if r["kind"] == kind]
    assert rows, kind
    return rows


def _floats(rows: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.array([float(r[key]) for r in rows])


# --------------------------------------------------------------------------- PHE references


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_wilson_matches_phe(confidence: float) -> None:
    rows = [r for r in _reference("wilson") if float(r["confidence"]) == confidence]
    r = proportion_ci(_floats(rows, "x"), _floats(rows, "n"), confidence=confidence)
    np.testing.assert_allclose(r.lower, _floats(rows, "lower"), rtol=REL, atol=1e-15)
    np.testing.assert_allclose(r.upper, _floats(rows, "upper"), rtol=REL)


@pytest.mark.parametrize(
    ("x", "n", "confidence", "bound", "expected"),
    [
        # PHStatsMethods test suite, ph_statistical_methods/tests/test.wilsons.py
        # (DataS-DHSC/PHStatsMethods, commit 39b79b2713f42403a655b8cbd6ad0782d0b1e0c0).
        (20, 360, 0.95, "lower", 0.036248204600072345),
        (550, 2400, 0.998, "lower", 0.20375892211705743),
        (30, 400, 0.95, "upper", 0.10504770626130437),
        (76, 238, 0.998, "upper", 0.418131030603369),
    ],
)
def test_wilson_matches_phstatsmethods_test_suite(x: float, n: float, confidence: float,
                                                  bound: str, expected: float) -> None:
    r = proportion_ci(x, n, confidence=confidence)
    assert float(getattr(r, bound)) == pytest.approx(expected, rel=REL)


def _wilson_decimal(x: float, n: float, confidence: float) -> tuple[float, float]:
    """Wilson bounds in 80-digit decimal arithmetic from the textbook formula
    [2x + z² ∓ z√(z² + 4x(1 − x/n))] / [2(n + z²)], with the same double z: an independent
    reference to the last bit of a double."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 80
        z = Decimal(float(stats.norm.ppf(1 - (1 - confidence) / 2)))
        dx, dn = Decimal(x), Decimal(n)
        root = (z * z + 4 * dx * (1 - dx / dn)).sqrt()
        den = 2 * (dn + z * z)
        return float((2 * dx + z * z - z * root) / den), float((2 * dx + z * z + z * root) / den)


def test_wilson_tiny_upper_bound_keeps_its_precision() -> None:
    # x = 1, n = 1e9: the upper bound is 5.664934243e-9; computed as 1 − lower(n − x) it
    # was 5.664934299e-9 (the cancellation lost 8 digits).
    r = proportion_ci(1, 1e9)
    assert float(r.upper) == pytest.approx(5.6649342432974385e-09, rel=1e-15)
    assert float(r.upper) == pytest.approx(_wilson_decimal(1, 1e9, 0.95)[1], rel=1e-15)


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.998])
def test_wilson_bounds_to_the_last_bits_against_decimal(confidence: float) -> None:
    # Whole and fractional x from 0 to n, n from 1 to 1e15: within 4 ulps of the
    # 80-digit value (both bounds; relative to the bound itself, so tiny bounds too).
    rng = np.random.default_rng(int(confidence * 1000))
    n = 10.0 ** rng.uniform(0, 15, size=600)
    frac = np.concatenate([rng.uniform(0, 1, 200) ** 6, rng.uniform(0, 1, 200),
                           1 - rng.uniform(0, 1, 200) ** 6])
    x = np.where(np.arange(600) % 2 == 0, np.floor(frac * n), frac * n)
    x = np.r_[x, 0.0, 1.0, 1.0, 1e9 - 1, 1e9, 5.0, 3.0]
    n = np.r_[n, 10.0, 1e9, 1e15, 1e9, 1e9, 5.0, 1e12]
    r = proportion_ci(x, n, confidence=confidence)
    ref = np.array([_wilson_decimal(a, b, confidence) for a, b in zip(x, n, strict=True)])
    np.testing.assert_allclose(r.lower, ref[:, 0], rtol=4 * 2.0**-52, atol=0)
    np.testing.assert_allclose(r.upper, ref[:, 1], rtol=4 * 2.0**-52, atol=0)
    assert (r.upper[x == n] == 1).all() and (r.lower[x == 0] == 0).all()


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_byar_and_exact_match_phe(confidence: float) -> None:
    byar = [r for r in _reference("byar") if float(r["confidence"]) == confidence and r["lower"]]
    got = count_ci(_floats(byar, "x"), confidence=confidence, method="byar")
    np.testing.assert_allclose(got.lower, _floats(byar, "lower"), rtol=REL)
    np.testing.assert_allclose(got.upper, _floats(byar, "upper"), rtol=REL)
    exact = [r for r in _reference("exact") if float(r["confidence"]) == confidence]
    got = count_ci(_floats(exact, "x"), confidence=confidence, method="exact")
    np.testing.assert_allclose(got.lower, _floats(exact, "lower"), rtol=REL)
    np.testing.assert_allclose(got.upper, _floats(exact, "upper"), rtol=REL)


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_rates_match_phe_rate(confidence: float) -> None:
    # phe_rate: exact below 10 events, Byar's from 10, per 100,000 (R/Rates.R's example
    # counts among the inputs).
    rows = [r for r in _reference("rate_per_100000") if float(r["confidence"]) == confidence]
    x, n = _floats(rows, "x"), _floats(rows, "n")
    r = rate_ci(x, n, per=100000, confidence=confidence)
    np.testing.assert_allclose(r.value, x / n * 100000, rtol=1e-15)
    np.testing.assert_allclose(r.lower, _floats(rows, "lower"), rtol=REL)
    np.testing.assert_allclose(r.upper, _floats(rows, "upper"), rtol=REL)
    assert r.exact is not None
    np.testing.assert_array_equal(r.exact, x < 10)
    assert r.statistic == "rate per 100000"


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_means_match_phe_mean(confidence: float) -> None:
    rows = [r for r in _reference("mean") if float(r["confidence"]) == confidence]
    r = mean_ci(_floats(rows, "x"), _floats(rows, "sd"), _floats(rows, "n"),
                confidence=confidence)
    np.testing.assert_allclose(r.lower, _floats(rows, "lower"), rtol=REL)
    np.testing.assert_allclose(r.upper, _floats(rows, "upper"), rtol=REL)


def test_methods_md_anchor_values() -> None:
    # docs/methodology.md §2: z = 1.959964 (95%), 3.090232 (99.8%); x = 0 at 95% → (0, 3.689).
    r = count_ci(0, confidence=[0.95, 0.998])
    assert list(r.lower) == [0.0, 0.0]
    assert float(r.upper[0]) == pytest.approx(3.6888794541139363, rel=1e-12)  # −ln(0.025)
    assert float(r.upper[1]) == pytest.approx(-np.log(0.001), rel=1e-12)
    assert round_half_away(float(r.upper[0]), 3) == 3.689
    assert r.exact is True  # a scalar input: a Python bool


# --------------------------------------------------------------------------- cross-checks


def test_exact_poisson_matches_scipy_chi2() -> None:
    x = np.array([0, 0.5, 1, 3, 9, 9.5, 10, 57, 1045, 48618])
    for c in (0.9, 0.95, 0.99, 0.998):
        r = count_ci(x, confidence=c, method="exact")
        a = 1 - c
        with np.errstate(invalid="ignore"):
            lo = np.where(x > 0, stats.chi2.ppf(a / 2, 2 * x) / 2, 0.0)
        np.testing.assert_allclose(r.lower, lo, rtol=1e-10)
        np.testing.assert_allclose(r.upper, stats.chi2.ppf(1 - a / 2, 2 * x + 2) / 2, rtol=1e-10)


def test_wilson_and_exact_match_statsmodels() -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    rng = np.random.default_rng(20260401)
    n = rng.integers(1, 5000, 400).astype(float)
    x = np.floor(rng.random(400) * (n + 1))
    x[:5], n[:5] = [0, 7, 7, 1, 0], [7, 7, 10, 1, 1]
    for c in (0.95, 0.998):
        r = proportion_ci(x, n, confidence=c)
        lo, up = proportion.proportion_confint(x, n, alpha=1 - c, method="wilson")
        np.testing.assert_allclose(r.lower, lo, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(r.upper, up, rtol=1e-9)
        e = proportion_ci(x, n, confidence=c, method="exact")
        lo, up = proportion.proportion_confint(x, n, alpha=1 - c, method="beta")
        np.testing.assert_allclose(e.lower, np.nan_to_num(lo), rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(e.upper, np.where(x == n, 1.0, up), rtol=1e-9)


def test_mean_matches_scipy_t_interval() -> None:
    m, s, n = np.array([5.1, -2.0, 300.0]), np.array([1.2, 0.4, 55.0]), np.array([2, 12, 400])
    r = mean_ci(m, s, n, confidence=0.99)
    lo, up = stats.t.interval(0.99, n - 1, loc=m, scale=s / np.sqrt(n))
    np.testing.assert_allclose(r.lower, lo, rtol=1e-12)
    np.testing.assert_allclose(r.upper, up, rtol=1e-12)


# --------------------------------------------------------------------------- Newcombe


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lower", "upper"),
    [
        # Newcombe RG (1998), "Interval estimation for the difference between independent
        # proportions: comparison of eleven methods", Stat Med 17:873–890, Table II, method
        # 10 (hybrid score), examples (a)–(h), to the 4 d.p. printed. The paper's
        # difference is first − second; ours is current (2) − previous (1), so the
        # paper's first sample is our period 2.
        (48, 80, 56, 70, 0.0524, 0.3339),
        (3, 10, 9, 10, 0.1705, 0.8090),
        (2, 7, 6, 7, 0.0582, 0.8062),
        (0, 29, 5, 56, -0.0381, 0.1926),
        (0, 20, 0, 10, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (0, 20, 10, 10, 0.6791, 1.0000),
        (0, 10, 10, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_published_examples(x1: int, n1: int, x2: int, n2: int, lower: float,
                                     upper: float) -> None:
    r = pp_change_ci(previous=x1, previous_n=n1, current=x2, current_n=n2)
    assert round_half_away(float(r.lower) / 100, 4) == lower
    assert round_half_away(float(r.upper) / 100, 4) == upper
    assert float(r.value) == pytest.approx((x2 / n2 - x1 / n1) * 100)
    assert bool(r.significant) == (lower > 0 or upper < 0)


def test_newcombe_matches_statsmodels_and_pvalue_is_pooled_z() -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    rng = np.random.default_rng(7)
    n1 = rng.integers(1, 3000, 200).astype(float)
    n2 = rng.integers(1, 3000, 200).astype(float)
    x1 = np.floor(rng.random(200) * (n1 + 1))
    x2 = np.floor(rng.random(200) * (n2 + 1))
    r = pp_change_ci(previous=x1, previous_n=n1, current=x2, current_n=n2, confidence=0.95)
    for i in range(200):
        lo, up = proportion.confint_proportions_2indep(x2[i], n2[i], x1[i], n1[i],
                                                       method="newcomb", compare="diff")
        assert r.lower[i] / 100 == pytest.approx(lo, rel=1e-9, abs=1e-14)
        assert r.upper[i] / 100 == pytest.approx(up, rel=1e-9, abs=1e-14)
        if 0 < x1[i] + x2[i] < n1[i] + n2[i]:
            _, p = proportion.proportions_ztest([x2[i], x1[i]], [n2[i], n1[i]])
            assert r.pvalue[i] == pytest.approx(p, rel=1e-9, abs=1e-300)


def test_seed_pp_change_significance() -> None:
    # Seed 001: outcome rate 11.8% → 15.9% (+4.1 pp). The seed gives rates, not counts;
    # with all crime as the denominator (57,116 and 48,618 crimes, seed 001) the numerators
    # are 6,740 and 7,730 (11.8% and 15.9% to 1 d.p.), and +4.1 pp is clearly significant.
    r = pp_change_ci(previous=6740, previous_n=57116, current=7730, current_n=48618,
                     confidence=(0.95, 0.998))
    assert round_half_away(float(r.value), 1) == 4.1
    assert r.lower.shape == (2,)
    assert r.confidence == (0.95, 0.998)
    assert r.significant.all()
    assert (r.lower[1] < r.lower[0])
    assert (r.upper[1] > r.upper[0])
    assert float(r.pvalue) < 1e-6
    # Seed 002: satisfaction 82.2% → 78.9% (−3.3 pp). Survey sizes are not given; with 500
    # respondents a year the fall is not significant at 95%, with 5,000 it is.
    small = pp_change_ci(previous=411, previous_n=500, current=394.5, current_n=500)
    large = pp_change_ci(previous=4110, previous_n=5000, current=3945, current_n=5000)
    assert round_half_away(float(small.value), 1) == -3.3
    assert not bool(small.significant)
    assert bool(large.significant)


# --------------------------------------------------------------------------- rate ratio


def test_rate_ratio_matches_scipy_binomtest_and_statsmodels() -> None:
    rates = pytest.importorskip("statsmodels.stats.rates")
    rng = np.random.default_rng(11)
    x1 = rng.integers(0, 300, 150).astype(float)
    x2 = rng.integers(0, 300, 150).astype(float)
    e1 = rng.choice([1.0, 2.0, 0.5, 1.3], 150)
    e2 = rng.choice([1.0, 2.0, 0.5, 1.3], 150)
    x1[:3], x2[:3] = [0, 5, 0], [7, 0, 0]
    r = rate_ratio_ci(previous=x1, current=x2, previous_exposure=e1, current_exposure=e2)
    for i in range(150):
        n = int(x1[i] + x2[i])
        p0 = e2[i] / (e1[i] + e2[i])
        if n == 0:
            assert r.pvalue[i] == 1.0
            assert not r.significant[i]
            continue
        bt = stats.binomtest(int(x2[i]), n, p0)
        assert r.pvalue[i] == pytest.approx(bt.pvalue, rel=1e-9)
        with np.errstate(divide="ignore"):  # statsmodels divides by x1 = 0 for its ratio
            sm = rates.test_poisson_2indep(int(x2[i]), e2[i], int(x1[i]), e1[i],
                                           method="exact-cond")
        assert r.pvalue[i] == pytest.approx(sm.pvalue, rel=1e-9)
        ci = bt.proportion_ci(confidence_level=0.95, method="exact")
        scale = e1[i] / e2[i]
        assert r.lower[i] == pytest.approx(ci.low / (1 - ci.low) * scale, rel=1e-9)
        if ci.high < 1:
            assert r.upper[i] == pytest.approx(ci.high / (1 - ci.high) * scale, rel=1e-9)
        else:
            assert np.isnan(r.upper[i])  # x1 = 0: unbounded above, reported as NaN not inf
        assert bool(r.significant[i]) == (ci.low > p0 or ci.high < p0)


def test_exact_intervals_of_a_few_events_among_very_many() -> None:
    # scipy's beta inverse (Boost's ibeta_inv) misses badly where b is many orders above
    # a: for 1,000 events in 1e10 its 2.5% point is 2.4e-7, above the estimate itself. The
    # references are Clopper–Pearson solved independently: the exact binomial tails summed
    # term by term in 40-digit mpmath 1.3 (P(X ≥ x) = 2.5% and P(X ≤ x) = 2.5%, bisection).
    p = proportion_ci(1000, 1e10, method="exact")
    assert float(p.lower) == pytest.approx(9.38973021225881e-8, rel=1e-12)
    assert float(p.upper) == pytest.approx(1.0639521326142e-7, rel=1e-12)
    # 1,000 then 1e14 events: the ratio 1e11 with the previous count's share of the total
    # (1e-11) as the Clopper–Pearson proportion; the bounds used to be taken from the
    # current count's share, 1 − 1e-11, whose odds kept 5 digits, and the upper bound
    # came out below the ratio (99,999,991,724.96 < 1e11).
    r = rate_ratio_ci(previous=1000, current=1e14)
    assert float(r.lower) == pytest.approx(93989190504.7464, rel=1e-12)
    assert float(r.upper) == pytest.approx(106499332823.866, rel=1e-12)
    assert bool(r.significant) and float(r.pvalue) == 0.0
    # The same counts the other way round: the reciprocal interval.
    back = rate_ratio_ci(previous=1e14, current=1000)
    assert float(back.lower) == pytest.approx(1 / 106499332823.866, rel=1e-12)
    assert float(back.upper) == pytest.approx(1 / 93989190504.7464, rel=1e-12)


@given(st.integers(1, 10**5), st.integers(0, 10**13), st.sampled_from([0.8, 0.95, 0.998]))
@example(1000, 10**10, 0.95)  # scipy's inverse: 2.4e-7 for the lower bound of 1e-7
@example(1000, 10**7, 0.998)
def test_exact_bounds_are_the_beta_quantiles_they_stand_for(x: int, more: int,
                                                             confidence: float) -> None:
    # The forward incomplete beta is accurate where scipy's inverse is not (checked
    # against 40-digit binomial sums above): at the bounds it gives back α/2.
    n = x + more
    r = proportion_ci(x, n, method="exact", confidence=confidence)
    tail = (1 - confidence) / 2
    assert special.betainc(x, n - x + 1, float(r.lower)) == pytest.approx(tail, rel=1e-7)
    if x < n:
        assert special.betaincc(x + 1, n - x, float(r.upper)) == pytest.approx(tail, rel=1e-7)


def test_rate_ratio_seed_all_crime() -> None:
    # Seed 001: 57,116 → 48,618 crimes is −14.9%; as a Poisson rate ratio it is 0.8512 with
    # an exact 95% interval well below 1, so the fall is significant.
    r = rate_ratio_ci(previous=57116, current=48618)
    assert float(r.ratio) == pytest.approx(48618 / 57116, rel=1e-14)
    assert round_half_away(float(r.pct_change), 1) == -14.9
    assert float(r.upper) < 1
    assert bool(r.significant)
    assert float(r.pct_change_lower) < float(r.pct_change) < float(r.pct_change_upper) < 0
    # Seed 003: homicide 3 → 6 doubled (+100%) but is nowhere near significant.
    h = rate_ratio_ci(previous=3, current=6)
    assert float(h.pct_change) == pytest.approx(100.0)
    assert not bool(h.significant)
    assert float(h.pvalue) == pytest.approx(stats.binomtest(6, 9, 0.5).pvalue, rel=1e-12)


def test_rate_ratio_zero_base_and_bad_input() -> None:
    r = rate_ratio_ci(previous=[0, 0], current=[4, 0])
    assert np.isnan(r.ratio).all()
    assert r.flag(Reason.ZERO_BASE).all()
    assert not np.isinf(r.upper).any()
    assert np.isnan(r.upper).all()
    assert float(r.lower[0]) > 0
    assert r.pvalue[1] == 1.0
    with pytest.warns(InvalidInputWarning) as record:
        bad = rate_ratio_ci(previous=[1.5, -1, 3, 3], current=[2, 2, np.inf, 4],
                            current_exposure=[1, 1, 1, 0])
    assert len(record) == 1
    assert bad.flag(Reason.NOT_INTEGER)[0]
    assert bad.flag(Reason.NEGATIVE)[1]
    assert bad.flag(Reason.NON_FINITE)[2]
    assert bad.flag(Reason.ZERO_DENOMINATOR)[3]
    assert np.isnan(bad.pvalue).all()
    assert not bad.significant.any()


# --------------------------------------------------------------------------- shapes, levels


def test_several_levels_stack_on_a_leading_axis() -> None:
    r = proportion_ci([[1, 2, 3]], [[10], [20]], confidence=(0.95, 0.998))
    assert r.value.shape == (2, 3)
    assert r.lower.shape == r.upper.shape == (2, 2, 3)
    assert r.confidence == (0.95, 0.998)
    single = proportion_ci([[1, 2, 3]], [[10], [20]], confidence=0.998)
    np.testing.assert_array_equal(r.lower[1], single.lower)
    percent = proportion_ci(3, 10, confidence=99.8)
    assert percent.confidence == (0.998,)
    assert isinstance(percent.lower, float)  # a scalar input: a Python float
    listed = count_ci([1, 2], confidence=[95])
    assert listed.lower.shape == (1, 2)


def test_multiplier_and_statistic() -> None:
    r = proportion_ci(159, 1000, multiplier=100)
    assert float(r.value) == pytest.approx(15.9)
    assert r.statistic == "percentage"
    plain = proportion_ci(159, 1000)
    assert float(r.lower) == pytest.approx(float(plain.lower) * 100, rel=1e-14)


def test_zero_and_full_proportions_hit_the_limits_exactly() -> None:
    for method in ("wilson", "exact"):
        r = proportion_ci([0, 0.0, 5, 2.5], [5, 7, 5, 2.5], method=method)  # type: ignore[arg-type]
        assert r.lower[0] == 0
        assert r.lower[1] == 0
        assert r.upper[2] == 1
        assert r.upper[3] == 1


def test_bad_elements_nan_reason_and_one_warning() -> None:
    with pytest.warns(InvalidInputWarning) as record:
        r = proportion_ci([-1, 5, np.nan, np.inf, 3, 2], [10, 4, 10, 10, 0, 10])
    assert len(record) == 1
    assert np.isnan(r.value[:5]).all()
    assert np.isnan(r.lower[:5]).all()
    assert not np.isnan(r.value[5])
    np.testing.assert_array_equal(
        [r.flag(x)[i] for i, x in enumerate([Reason.NEGATIVE, Reason.X_GT_N, Reason.MISSING,
                                             Reason.NON_FINITE, Reason.ZERO_DENOMINATOR])],
        [True] * 5)
    with pytest.warns(InvalidInputWarning) as record:
        c = count_ci([-2, 3])
    assert len(record) == 1
    assert np.isnan(c.upper[0])
    assert c.flag(Reason.NEGATIVE)[0]
    with pytest.warns(InvalidInputWarning):
        rr = rate_ci([3, 3, 3], [1000, 0, -5])
    assert rr.flag(Reason.ZERO_DENOMINATOR)[1]
    assert rr.flag(Reason.NEGATIVE)[2]
    assert np.isnan(rr.value[1:]).all()
    assert not np.isinf(rr.upper).any()
    with pytest.warns(InvalidInputWarning):
        m = mean_ci([1, 1, 1], [1, -1, 1], [10, 10, 1])
    assert m.flag(Reason.NEGATIVE)[1]
    assert m.flag(Reason.TOO_FEW)[2]
    assert np.isnan(m.lower[1:]).all()
    assert not np.isnan(m.lower[0])
    with pytest.warns(InvalidInputWarning):
        d = pp_change_ci(previous=[1, 5], previous_n=[10, 4], current=[2, 2], current_n=[10, 10])
    assert d.flag(Reason.X_GT_N)[1]
    assert np.isnan(d.value[1])
    assert not d.significant[1]


def test_zero_denominator_alone_does_not_warn() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = rate_ci(0, 0)
    assert r.flag(Reason.ZERO_DENOMINATOR)
    assert np.isnan(r.value)


def test_bad_options_raise_option_error_listing_allowed() -> None:
    with pytest.raises(OptionError, match="'wilson', 'exact'"):
        proportion_ci(1, 2, method="agresti")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="'auto', 'exact', 'byar'"):
        count_ci(1, method="normal")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="'auto', 'exact', 'byar'"):
        rate_ci(1, 10, method="byars")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="confidence"):
        proportion_ci(1, 2, confidence=150)
    with pytest.raises(OptionError, match="confidence"):
        mean_ci(1, 1, 5, confidence=())
    with pytest.raises(OptionError, match="per"):
        rate_ci(1, 10, per=0)
    with pytest.raises(OptionError, match="multiplier"):
        proportion_ci(1, 2, multiplier=-100)
    with pytest.raises(OptionError, match="exact_below"):
        count_ci(1, exact_below=-1)
    with pytest.raises(OptionError) as info:
        proportion_ci(1, 2, method="x")  # type: ignore[arg-type]
    err = info.value
    assert err.allowed == ("wilson", "exact")
    assert isinstance(err, ValueError)


def test_mismatched_shapes_raise_shape_error() -> None:
    with pytest.raises(ShapeError, match=r"x \(3,\), n \(2,\)"):
        proportion_ci([1, 2, 3], [4, 5])
    with pytest.raises(ShapeError):
        rate_ci([1, 2, 3], [4, 5])
    with pytest.raises(ShapeError):
        pp_change_ci(previous=[1, 2], previous_n=[3, 4], current=[1, 2, 3], current_n=[5, 5, 5])
    with pytest.raises(ShapeError):
        rate_ratio_ci(previous=[1, 2], current=[1, 2, 3])
    with pytest.raises(ShapeError):
        mean_ci([1, 2], [1], [3, 4, 5])


def test_importing_perfcore_does_not_import_scipy_stats() -> None:
    src = str(Path(perfcore.__file__).resolve().parents[1])
    code = ("import sys, perfcore, perfcore.calc; perfcore.calc.proportion_ci(1, 2); "
            "print('scipy.stats' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- properties

counts = st.floats(0, 1e6, allow_nan=False)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998])


@st.composite
def proportions(draw: st.DrawFn) -> tuple[float, float]:
    n = draw(st.floats(1e-3, 1e7, allow_nan=False))
    x = draw(st.floats(0, 1, allow_nan=False)) * n
    return min(x, n), n


@given(proportions(), levels, st.sampled_from(["wilson", "exact"]))
def test_proportion_ci_within_0_1_and_contains_estimate(xn: tuple[float, float], c: float,
                                                        method: str) -> None:
    x, n = xn
    r = proportion_ci(x, n, confidence=c, method=method)  # type: ignore[arg-type]
    assert 0 <= float(r.lower) <= float(r.value) <= float(r.upper) <= 1


@given(proportions(), levels, levels)
def test_ci_widens_with_confidence(xn: tuple[float, float], c1: float, c2: float) -> None:
    lo_c, hi_c = sorted((c1, c2))
    r = proportion_ci(xn[0], xn[1], confidence=(lo_c, hi_c))
    assert r.lower[1] <= r.lower[0]
    assert r.upper[1] >= r.upper[0]
    k = count_ci(xn[0], confidence=(lo_c, hi_c))
    assert k.lower[1] <= k.lower[0]
    assert k.upper[1] >= k.upper[0]


@given(counts, levels, st.sampled_from(["auto", "exact", "byar"]))
def test_count_ci_non_negative_and_contains_count(x: float, c: float, method: str) -> None:
    r = count_ci(x, confidence=c, method=method)  # type: ignore[arg-type]
    assert 0 <= float(r.lower) <= x <= float(r.upper)


@given(st.lists(counts, min_size=2, max_size=20), levels, st.sampled_from(["exact", "byar"]))
def test_count_ci_monotone_in_x(xs: list[float], c: float, method: str) -> None:
    x = np.sort(np.array(xs))
    r = count_ci(x, confidence=c, method=method)  # type: ignore[arg-type]
    # Monotone up to floating-point rounding: x = 0 and x = 7e-16 give Byar's upper bounds
    # one unit in the last place apart, in either order.
    assert (np.diff(r.lower) >= -4 * np.spacing(r.lower[1:])).all()
    assert (np.diff(r.upper) >= -4 * np.spacing(r.upper[1:])).all()


@given(st.lists(st.integers(0, 10**6), min_size=2, max_size=20), levels)
def test_count_ci_auto_monotone_over_whole_counts(xs: list[int], c: float) -> None:
    # The switch from exact to Byar's at 10 keeps the bounds monotone over whole counts.
    x = np.sort(np.array(xs, dtype=float))
    r = count_ci(x, confidence=c)
    assert (np.diff(r.lower) >= 0).all()
    assert (np.diff(r.upper) >= 0).all()


@given(st.floats(-1e6, 1e6), st.floats(0, 1e4), st.floats(2, 1e6), levels)
def test_mean_ci_contains_mean(m: float, s: float, n: float, c: float) -> None:
    r = mean_ci(m, s, n, confidence=c)
    assert float(r.lower) <= m <= float(r.upper)


@given(proportions(), proportions(), levels)
def test_newcombe_contains_difference_and_is_antisymmetric(a: tuple[float, float],
                                                           b: tuple[float, float],
                                                           c: float) -> None:
    r = pp_change_ci(previous=a[0], previous_n=a[1], current=b[0], current_n=b[1], confidence=c)
    s = pp_change_ci(previous=b[0], previous_n=b[1], current=a[0], current_n=a[1], confidence=c)
    assert float(r.lower) <= float(r.value) + 1e-9
    assert float(r.value) <= float(r.upper) + 1e-9
    assert float(r.lower) >= -100 - 1e-9
    assert float(r.upper) <= 100 + 1e-9
    assert float(r.lower) == pytest.approx(-float(s.upper), abs=1e-9)
    assert float(r.pvalue) == pytest.approx(float(s.pvalue), abs=1e-12)


@given(st.integers(0, 5000), st.integers(1, 5000), levels)
def test_rate_ratio_contains_ratio(x1: int, x2: int, c: float) -> None:
    r = rate_ratio_ci(previous=x1, current=x2, confidence=c)
    assert 0 <= float(r.pvalue) <= 1
    if x1 > 0:
        assert float(r.lower) <= float(r.ratio) <= float(r.upper)


def test_exact_poisson_lookup_of_repeated_counts_is_the_direct_computation() -> None:
    # Large arrays of whole counts are served from a table of the distinct counts' bounds;
    # each element must be bit-for-bit what the direct computation gives.
    rng = np.random.default_rng(11)
    x = rng.integers(0, 700, 20_000).astype(float)
    big = count_ci(x, method="exact", confidence=(0.95, 0.998))
    for start in range(0, x.size, 4000):  # ≤ 4096 elements: the direct path
        part = count_ci(x[start:start + 4000], method="exact", confidence=(0.95, 0.998))
        assert np.array_equal(big.lower[:, start:start + 4000], part.lower)
        assert np.array_equal(big.upper[:, start:start + 4000], part.upper)
    # Non-integral or widely spread counts take the direct path.
    y = x + 0.5
    assert np.array_equal(count_ci(y, method="exact").lower[:3],
                          count_ci(y[:3], method="exact").lower)


@given(x1=st.integers(0, 3_000_000), x2=st.integers(0, 3_000_000))
def test_rate_ratio_pvalue_of_equal_exposures_matches_binomtest(x1: int, x2: int) -> None:
    # Equal exposures make the conditional binomial symmetric (p = 1/2), which perfcore
    # answers as twice the smaller tail below a million and by the general search above;
    # both must give scipy.stats.binomtest's exact two-sided p-value.
    r = rate_ratio_ci(previous=x1, current=x2)
    if x1 + x2 == 0:
        assert float(r.pvalue) == 1.0
        return
    assert float(r.pvalue) == pytest.approx(stats.binomtest(x2, x1 + x2, 0.5).pvalue,
                                            rel=1e-9, abs=1e-300)


def test_method_code_says_which_interval_each_element_has() -> None:
    # IntervalMethod codes, derived from the method and (counts) the exact flags.
    with pytest.warns(InvalidInputWarning):
        counts = count_ci([3.0, 30.0, -1.0])
    assert counts.method_code.tolist() == [IntervalMethod.EXACT, IntervalMethod.BYAR,
                                           IntervalMethod.NONE]
    assert proportion_ci([1, 2], [10, 0]).method_code.tolist() == [IntervalMethod.WILSON,
                                                                   IntervalMethod.NONE]
    assert int(proportion_ci(1, 10, method="exact").method_code) == IntervalMethod.EXACT
    assert rate_ci(3, 1000, method="byar").method_code.tolist() == IntervalMethod.BYAR
    assert mean_ci(5.0, 1.0, [10, 1]).method_code.tolist() == [IntervalMethod.T,
                                                               IntervalMethod.NONE]


# --------------------------------------------------------------------------- design effect


def test_design_effect_one_is_unchanged_and_two_halves_the_sample() -> None:
    # Kish's effective sample size n / deff: deff = 2 is the interval of a simple random
    # sample half the size with the same proportion (x/2 of n/2).
    x = np.array([0.0, 12.0, 230.5, 640.0, 999.0, 1000.0])
    n = np.full(6, 1000.0)
    for method in ("wilson", "exact"):
        base = proportion_ci(x, n, method=method, confidence=(0.95, 0.998))  # type: ignore[arg-type]
        one = proportion_ci(x, n, method=method, confidence=(0.95, 0.998),  # type: ignore[arg-type]
                            design_effect=1.0)
        two = proportion_ci(x, n, method=method, confidence=(0.95, 0.998),  # type: ignore[arg-type]
                            design_effect=2.0)
        half = proportion_ci(x / 2, n / 2, method=method,  # type: ignore[arg-type]
                             confidence=(0.95, 0.998))
        for name in ("value", "lower", "upper"):
            np.testing.assert_array_equal(getattr(one, name), getattr(base, name))
            np.testing.assert_array_equal(getattr(two, name), getattr(half, name))
        np.testing.assert_array_equal(two.value, base.value)
        assert (two.upper - two.lower >= base.upper - base.lower).all()
    # any design effect: the interval of (x/deff, n/deff), per element
    deff = np.array([1.0, 1.3, 1.7, 2.5, 0.8, 4.0])
    r = proportion_ci(x, n, design_effect=deff)
    ref = proportion_ci(x / deff, n / deff)
    np.testing.assert_array_equal(r.lower, ref.lower)
    np.testing.assert_array_equal(r.upper, ref.upper)
    np.testing.assert_array_equal(r.value, x / n)


def test_design_effect_in_pp_change() -> None:
    x1, n1, x2, n2 = 420.0, 1000.0, 480.0, 1010.0
    base = pp_change_ci(previous=x1, previous_n=n1, current=x2, current_n=n2)
    assert pp_change_ci(previous=x1, previous_n=n1, current=x2, current_n=n2,
                        design_effect=1).lower == base.lower
    two = pp_change_ci(previous=x1, previous_n=n1, current=x2, current_n=n2, design_effect=2.0)
    half = pp_change_ci(previous=x1 / 2, previous_n=n1 / 2, current=x2 / 2, current_n=n2 / 2)
    for name in ("lower", "upper", "pvalue", "significant", "value", "p1", "p2"):
        np.testing.assert_array_equal(getattr(two, name), getattr(half, name))
    # significant with a simple random sample, not once the design effect widens it
    assert bool(base.significant) and not bool(two.significant)
    assert float(two.value) == pytest.approx(float(base.value), rel=1e-15)


def test_effective_sample_size_and_bad_design_effects() -> None:
    assert effective_sample_size([1200, 1000], [1.5, 2.0]).tolist() == [800.0, 500.0]
    assert np.isnan(effective_sample_size(100, [0.0, -1.0, np.nan, np.inf])).all()
    with pytest.warns(InvalidInputWarning, match="design_effect"):
        r = proportion_ci(50, 100, design_effect=[1.0, -2.0, 0.0, np.nan, np.inf])
    assert r.reasons[0] == 0 and np.isfinite(r.lower[0])
    assert r.reasons[1] & Reason.NEGATIVE
    assert r.reasons[2] & Reason.ZERO_DENOMINATOR
    assert r.reasons[3] & Reason.MISSING
    assert r.reasons[4] & Reason.NON_FINITE
    assert np.isnan(r.lower[1:]).all() and np.isnan(r.value[1:]).all()
    with pytest.warns(InvalidInputWarning):
        d = pp_change_ci(previous=40, previous_n=100, current=50, current_n=100,
                         design_effect=[1.0, -1.0])
    assert d.reasons.tolist()[1] & Reason.NEGATIVE and not d.significant[1]
