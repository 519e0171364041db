"""mean_change_test: Welch's t-test for the change in a mean, against scipy and a
published example."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from perfcore.calc import MeanChangeResult, Reason, mean_change_test
from perfcore.errors import InvalidInputWarning, OptionError

# Welch's t-test, Wikipedia, example 1 (the two samples of 15 listed there): t = -2.46 for
# A1 - A2, df = 25.0, p = 0.021.
A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7,
      21.4]
A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5,
      24.4]


def _summary(a: list[float]) -> tuple[float, float, int]:
    x = np.asarray(a)
    return float(x.mean()), float(x.std(ddof=1)), x.size


def test_textbook_example_and_scipy_interval_from_the_data() -> None:
    (m1, s1, n1), (m2, s2, n2) = _summary(A1), _summary(A2)
    r = mean_change_test(current=m2, current_sd=s2, current_n=n2, previous=m1, previous_sd=s1,
                         previous_n=n1)
    assert isinstance(r, MeanChangeResult)
    assert (round(float(r.statistic), 2), round(float(r.df), 1),
            round(float(r.pvalue), 3)) == (2.46, 25.0, 0.021)
    # scipy from the raw data (its own path): A2 - A1 is minus its A1 - A2.
    ref = stats.ttest_ind(A2, A1, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert float(r.statistic) == pytest.approx(ref.statistic, rel=1e-12)
    assert float(r.df) == pytest.approx(ref.df, rel=1e-12)
    assert float(r.pvalue) == pytest.approx(ref.pvalue, rel=1e-10)
    assert (float(r.lower), float(r.upper)) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert bool(r.significant)
    assert float(r.value) == pytest.approx(np.mean(A2) - np.mean(A1), rel=1e-14)


finite = st.floats(-1e6, 1e6, allow_nan=False)
sds = st.floats(1e-3, 1e4, allow_nan=False)
sizes = st.integers(2, 10_000)


@given(st.lists(st.tuples(finite, sds, sizes, finite, sds, sizes), min_size=1, max_size=20),
       st.sampled_from([0.8, 0.95, 0.99, 0.998]))
def test_matches_scipy_ttest_ind_from_stats(rows: list[tuple[float, ...]], c: float) -> None:
    m1, s1, n1, m2, s2, n2 = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    r = mean_change_test(previous=m1, previous_sd=s1, previous_n=n1, current=m2, current_sd=s2,
                         current_n=n2, confidence=c)
    ref = stats.ttest_ind_from_stats(m2, s2, n2, m1, s1, n1, equal_var=False)
    np.testing.assert_allclose(r.statistic, ref.statistic, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.pvalue, ref.pvalue, rtol=1e-8, atol=1e-300)
    # The interval is d ± t(1 - α/2; df)·se with scipy's t quantile; it excludes 0
    # exactly when p < α (up to rounding on the boundary).
    half = stats.t.ppf(1 - (1 - c) / 2, r.df) * np.sqrt(s1**2 / n1 + s2**2 / n2)
    for bound in (r.upper - r.value, r.value - r.lower):  # each to rounding of d ± half
        assert (np.abs(bound - half) <= 1e-9 * half + 4e-16 * np.abs(r.value)).all()
    clear = np.abs(r.pvalue - (1 - c)) > 1e-9
    assert (r.significant[clear] == (r.pvalue[clear] < 1 - c)).all()


def test_levels_stack_and_reasons() -> None:
    r = mean_change_test(previous=10, previous_sd=2, previous_n=30, current=12, current_sd=3,
                         current_n=40, confidence=(0.95, 0.998))
    assert r.lower.shape == (2,) and r.confidence == (0.95, 0.998)
    assert r.lower[1] < r.lower[0] < r.upper[0] < r.upper[1]
    with pytest.warns(InvalidInputWarning, match="2 elements"):
        bad = mean_change_test(previous=[1, 1, 1, 1, np.nan, 1],
                               previous_sd=[1, -1, 1, 1, 1, 1],
                               previous_n=[10, 10, 1, 10, 10, 10], current=2,
                               current_sd=[1, 1, 1, np.inf, 1, 1], current_n=10)
    assert bad.reasons[0] == 0
    assert bad.reasons[1] & Reason.NEGATIVE
    assert bad.reasons[2] & Reason.TOO_FEW
    assert bad.reasons[3] & Reason.NON_FINITE
    assert bad.reasons[4] & Reason.MISSING
    assert np.isnan(bad.value[1:5]).all() and np.isnan(bad.pvalue[1:5]).all()
    assert not bad.significant[1:5].any()
    assert bad.reasons[5] == 0 and bool(bad.significant[5])
    with pytest.raises(OptionError):
        mean_change_test(previous=1, previous_sd=1, previous_n=5, current=2, current_sd=1,
                         current_n=5, confidence=100)


def test_no_variation_measured() -> None:
    # Both sds 0: a difference is certain (scipy too: t = -inf, p = 0 for A1 - A2), no
    # difference is no change (p = 1; scipy gives NaN).
    r = mean_change_test(previous=[1.0, 1.0], previous_sd=[0.0, 0.0], previous_n=[5, 5],
                         current=[2.0, 1.0], current_sd=[0.0, 0.0], current_n=[5, 5])
    assert r.pvalue.tolist() == [0.0, 1.0]
    assert r.significant.tolist() == [True, False]
    assert r.lower.tolist() == r.upper.tolist() == [1.0, 0.0]
    assert r.statistic[0] == np.inf and np.isnan(r.statistic[1])
    # One sd 0: df is n - 1 of the other sample.
    one = mean_change_test(previous=1.0, previous_sd=0.0, previous_n=5, current=2.0,
                           current_sd=1.0, current_n=8)
    assert float(one.df) == pytest.approx(7.0, rel=1e-14)
