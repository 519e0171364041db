"""Centre lines and MR̄ of XmR charts are correctly rounded means (issue 15).

The reference is exact rational arithmetic: ``float(Fraction(sum) / n)`` is the double
nearest the exact mean (Python's int / int division rounds correctly), which is what R's
``mean`` — and so NHSRplotthedots — gives. ``math.fsum(v) / len(v)`` is *not* that: its
sum is exact but rounded, then the division rounds again (for 18 copies of
33550480.591165785 it is not the value itself, and for about a quarter of series of
decimal rates it is an ulp off); the tests below show where it differs.
"""

from __future__ import annotations

import itertools
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc._exact import row_means
from perfcore.calc.spc import MR_SCREEN, XmrResult, xmr, xmr_batch
from perfcore.errors import TrialLimitsWarning


def quiet_xmr(*args: object, **kwargs: object) -> XmrResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        return xmr(*args, **kwargs)  # type: ignore[arg-type]


def exact_mean(values: list[float]) -> float:
    """The double nearest the exact mean (ties to even)."""
    return float(sum(map(Fraction, values)) / len(values))


def nhsr_limits(y: list[float]) -> tuple[float, float, float, float]:
    """Mean, MR̄, LPL and UPL of one group as NHSRplotthedots computes them
    (R/ptd_spc_standard.R: mean(y); mr = abs(diff(y)); amr = mean(mr); screening keeps
    mr < 3.267 * amr; amr = mean(kept); limits mean ∓ 2.66 * amr), each mean exact."""
    mean = exact_mean(y)
    mr = [abs(b - a) for a, b in itertools.pairwise(y)]
    amr = exact_mean(mr)
    kept = [v for v in mr if v < MR_SCREEN * amr] if amr > 0 else mr
    amr = exact_mean(kept)
    return mean, amr, mean - 2.66 * amr, mean + 2.66 * amr


decimals = st.integers(-10**7, 10**7).map(lambda k: k / 100)  # rates to 2 d.p.
anything = st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False)


@given(st.lists(st.one_of(decimals, anything), min_size=2, max_size=40))
def test_mean_and_mr_mean_are_correctly_rounded(y: list[float]) -> None:
    r = quiet_xmr(y)
    mean, amr, lpl, upl = nhsr_limits(y)
    assert r.mean[0] == mean
    assert r.mr_mean[0] == amr
    assert (r.lpl[0], r.upl[0]) == (lpl, upl)


@given(st.lists(decimals, min_size=4, max_size=40), st.data())
def test_means_per_rebase_group_and_recomputed_mean(y: list[float], data: st.DataObject,
                                                     ) -> None:
    cut = data.draw(st.integers(2, len(y) - 2))
    r = quiet_xmr(y, rebase=[cut])
    for part, at in ((y[:cut], 0), (y[cut:], cut)):
        mean, amr, lpl, upl = nhsr_limits(part)
        assert (r.mean[at], r.mr_mean[at], r.lpl[at], r.upl[at]) == (mean, amr, lpl, upl)
    # mdc_sql_2_5: screening also drops from the mean each point whose incoming moving
    # range was screened out.
    s = quiet_xmr(y, profile="mdc_sql_2_5")
    kept = [v for i, v in enumerate(y) if not s.mr_screened[i]]
    assert s.mean[0] == exact_mean(kept)


@given(st.lists(st.lists(st.one_of(decimals, anything), min_size=1, max_size=30),
                min_size=1, max_size=8))
def test_batch_means_equal_single_series(rows: list[list[float]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        b = xmr_batch(rows)
    assert b.mean[:, 0].tolist() == [exact_mean(r) for r in rows]


def test_row_means_hard_cases() -> None:
    # Values spanning 10^±200, cancellation, exact halfway cases (ties to even), whole
    # numbers, subnormal and huge values, gaps: every row as exact arithmetic rounds it.
    rng = np.random.default_rng(15)
    rows = [
        rng.normal(size=25) * 10.0 ** rng.integers(-200, 200, size=25),
        np.r_[rng.normal(size=10) * 1e16, rng.normal(size=10)],
        [1.0, 2.0**-53, 0.0],  # 1 + 2^-53 is halfway; /3 is not
        [1.0, 1.0 + 2.0**-52],  # the mean is halfway between two doubles: ties to even
        [3.0, 3.0 + 2.0**-51],
        [5e-324, 5e-324, 0.0],
        [1e300, 1.5e300, -2e300],
        rng.integers(0, 10**6, size=40).astype(float),
        rng.poisson(200, size=150) / 7.3,
    ]
    width = max(len(r) for r in rows)
    x = np.full((len(rows), width), np.nan)
    use = np.zeros(x.shape, dtype=bool)
    for i, r in enumerate(rows):
        x[i, :len(r)] = r
        use[i, :len(r)] = True
    use[-1, 7] = False  # a gap
    mean, n = row_means(x, use)
    for i in range(len(rows)):
        assert mean[i] == exact_mean(x[i, use[i]].tolist()), i
    assert n.tolist() == [float(u.sum()) for u in use]
    assert np.isnan(row_means(x[:1], np.zeros((1, width), dtype=bool))[0][0])


def test_fsum_over_len_is_not_the_correctly_rounded_mean() -> None:
    # Why the reference above is exact arithmetic: fsum rounds the sum, the division
    # rounds again. A constant series must have its value as its mean (else every point
    # sits on one side of it and makes a run); fsum/len misses it here.
    v = 33550480.591165785
    assert math.fsum([v] * 18) / 18 != v
    assert exact_mean([v] * 18) == v
    r = quiet_xmr([v] * 18)
    assert (r.mean == v).all() and not r.run.any()


def test_target_exactly_on_the_upper_limit() -> None:
    # MR̄ of this series as a plain sum / n is an ulp below the exact mean, which put the
    # UPL at 64.66127536231883 instead of NHSRplotthedots' 64.66127536231885: a target
    # set on the published limit then read as above it (consistent fail) instead of on
    # it (inconsistent in nhsr, whose comparisons are strict).
    y = [54.5, 44.6, 55.0, 52.3, 43.7, 53.6, 55.4, 54.9, 55.3, 42.9, 48.8, 47.3, 50.3,
         50.5, 55.6, 53.8, 45.9, 54.5, 58.1, 51.5, 42.5, 46.8, 49.1, 41.9]
    _, amr, _, upl = nhsr_limits(y)
    assert upl == 64.66127536231885
    mr = np.abs(np.diff(y))
    kept = mr[mr < MR_SCREEN * exact_mean(mr.tolist())]
    assert float(np.sum(kept) / kept.size) != amr  # the plain mean is an ulp off
    r = xmr(y, target=upl)
    assert r.upl[0] == upl
    assert r.assurance == "inconsistent"
    assert xmr(y, target=upl, profile="mdc_sql_2_5").assurance == "consistent_fail"
    assert xmr(y, target=upl, improvement="decrease").assurance == "inconsistent"


def test_target_exactly_on_the_lower_limit() -> None:
    # Here the mean is the one off: computed as deviations from the first value it was
    # 19.496000000000002, the LPL 13.165200000000002 instead of 13.165199999999999.
    y = [23.63, 17.96, 14.82, 20.58, 22.5, 19.84, 18.05, 18.1, 17.92, 19.32, 19.86, 20.13,
         20.74, 16.8, 22.19]
    mean, _, lpl, _ = nhsr_limits(y)
    assert (mean, lpl) == (19.496, 13.165199999999999)
    r = xmr(y, target=lpl)
    assert (r.mean[0], r.lpl[0]) == (mean, lpl)
    assert r.assurance == "inconsistent"
    # inclusive comparisons: on the LPL counts as below it — every point beats it
    assert xmr(y, target=lpl, profile="mdc_sql_2_5").assurance == "consistent_pass"
    assert xmr(y, target=lpl, improvement="decrease",
               profile="mdc_sql_2_5").assurance == "consistent_fail"


@pytest.mark.parametrize("scale", [1.0, 1 / 7.3, 1e-9, 1e9])
def test_many_series_at_once(scale: float) -> None:
    # A national-sized block of series (several blocks of the batch) against the exact
    # reference, whole numbers and rates.
    rng = np.random.default_rng(int(scale * 1000) % 97)
    y = rng.poisson(200, size=(700, 90)) * scale
    b = xmr_batch(y, workers=1)
    for i in range(0, 700, 7):
        mean, amr, lpl, upl = nhsr_limits(y[i].tolist())
        assert (b.mean[i, 0], b.mr_mean[i, 0], b.lpl[i, 0], b.upl[i, 0]) == (
            mean, amr, lpl, upl)
