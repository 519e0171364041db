"""Change between periods (docs/methodology.md §1): pct_change, pp_change, cagr,
project_year_end.

Seed figures are from the seed documents in tests/data/seeds (public Gwent Police / PCC
documents).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import (
    Reason,
    cagr,
    pct_change,
    pp_change,
    project_year_end,
    round_half_away,
)
from perfcore.errors import InvalidInputWarning, NotNumericError, OptionError, ShapeError

# --------------------------------------------------------------------------- seeds


def test_seed_001_all_crime_annual_change() -> None:
    # Seed 001 (Chief Constable's Delivery Plan 2020/21), "All Crime Trend":
    # 2018-19 58577, 2019-20 57116, 2020-21 48618, "Annual change %" −14.9%.
    r = pct_change(current=48618, previous=57116)
    assert float(r.value) == pytest.approx(-14.878492891658, rel=1e-12)
    assert round_half_away(float(r.value), 1) == -14.9
    assert float(r.absolute) == -8498
    assert r.unit == "%"
    assert int(r.reasons) == 0


def test_seed_001_the_58577_column() -> None:
    # The 2018-19 column: 2019-20 against 2018-19 is −2.5%, and the two-year change to
    # 2020-21 is −17.0%. The published −14.9% is the one-year change (2020-21 vs 2019-20),
    # not against 2018-19: this test pins which base the table uses.
    r = pct_change(current=[57116, 48618, 48618], previous=[58577, 58577, 57116])
    np.testing.assert_array_equal(round_half_away(r.value, 1), [-2.5, -17.0, -14.9])
    np.testing.assert_array_equal(r.absolute, [-1461, -9959, -8498])


def test_seed_003_crime_reduction_and_fewer_crimes_are_consistent() -> None:
    # Seed 003: "an overall crime reduction of 5.4% … (3,136 fewer crimes)" for the 12 months
    # to June 2020. The base is not published; −3136 / previous prints as −5.4% only for a
    # previous total from 57,542 to 58,616 (e.g. 58,074), which this pins at both edges.
    r = pct_change(current=58074 - 3136, previous=58074)
    assert round_half_away(float(r.value), 1) == -5.4
    assert float(r.absolute) == -3136
    prev = np.array([57541, 57542, 58616, 58617])
    edges = pct_change(current=prev - 3136, previous=prev)
    np.testing.assert_array_equal(round_half_away(edges.value, 1), [-5.5, -5.4, -5.4, -5.3])


def test_seed_001_outcome_rate_pp_change() -> None:
    # Seed 001, "All Crime Outcome Rates": 11.8% (2019-20) → 15.9% (2020-21), "+4.1 pp".
    r = pp_change(current=0.159, previous=0.118)
    assert float(r.value) == pytest.approx(4.1, rel=1e-12)
    assert round_half_away(float(r.value), 1) == 4.1
    assert float(r.absolute) == pytest.approx(0.041, rel=1e-12)
    assert r.unit == "pp"


def test_seed_002_victim_satisfaction_pp_change() -> None:
    # Seed 002: victim satisfaction "78.9% as at Dec 2013 (reduction from 82.2% in Dec 2012)":
    # −3.3 pp; and "Being Kept Informed 63.7% … (an increase from 55.3%)": +8.4 pp.
    r = pp_change(current=[0.789, 0.637], previous=[0.822, 0.553])
    np.testing.assert_array_equal(round_half_away(r.value, 1), [-3.3, 8.4])


def test_seed_000_outcome_16_rate() -> None:
    # Seed 000: "December saw 170 No Further Actions from 220 DA Custody Records, resulting in
    # a 58.3% Outcome 16 rate". 170/220 is 77.3% (the NFA rate), not 58.3%. No whole number
    # of Outcome 16s over 170 NFAs or 220 records prints as 58.3% (99/170 = 58.2%,
    # 100/170 = 58.8%, 128/220 = 58.2%, 129/220 = 58.6%), so the 58.3% rests on a
    # denominator the seed does not give (e.g. 7/12, 95/163, 102/175 all print 58.3%).
    # What is consistent and tested: the NFA proportion, and that neither stated count is
    # the Outcome 16 denominator.
    from perfcore.calc import proportion_ci

    nfa = proportion_ci(170, 220, multiplier=100)
    assert round_half_away(float(nfa.value), 1) == 77.3
    near = proportion_ci([99, 100, 128, 129], [170, 170, 220, 220], multiplier=100).value
    assert 58.3 not in set(round_half_away(near, 1).tolist())
    assert round_half_away(float(proportion_ci(102, 175, multiplier=100).value), 1) == 58.3


# --------------------------------------------------------------------------- pct_change


def test_zero_base_is_nan_never_inf_and_absolute_is_kept() -> None:
    r = pct_change(current=[5, 0], previous=[0, 0])
    assert np.isnan(r.value).all()
    assert not np.isinf(r.value).any()
    assert r.flag(Reason.ZERO_BASE).all()
    np.testing.assert_array_equal(r.absolute, [5, 0])
    np.testing.assert_array_equal(r.valid, [False, False])


def test_small_base_is_a_caveat_only() -> None:
    r = pct_change(current=[6, 12, 30], previous=[4, 10, 9.99], small_base=10)
    np.testing.assert_allclose(r.value, [50.0, 20.0, (30 / 9.99 - 1) * 100], rtol=1e-12)
    np.testing.assert_array_equal(r.flag(Reason.SMALL_BASE), [True, False, True])
    assert r.valid.all()
    off = pct_change(current=6, previous=4, small_base=0)
    assert not off.flag(Reason.SMALL_BASE)


def test_missing_and_broadcasting() -> None:
    r = pct_change(current=[[110, np.nan, 90]], previous=[[100], [50]])
    assert r.value.shape == (2, 3)
    np.testing.assert_allclose(r.value[0], [10.0, np.nan, -10.0])
    np.testing.assert_allclose(r.value[1], [120.0, np.nan, 80.0])
    assert r.flag(Reason.MISSING)[:, 1].all()
    assert np.isnan(r.absolute[:, 1]).all()


def test_bad_elements_warn_once() -> None:
    with pytest.warns(InvalidInputWarning) as record:
        r = pct_change(current=[1, 2, 3, 4], previous=[-1, np.inf, -2, 5])
    assert len(record) == 1
    assert "2 elements" in str(record[0].message) or "3 elements" in str(record[0].message)
    np.testing.assert_array_equal(r.flag(Reason.NEGATIVE), [True, False, True, False])
    assert r.flag(Reason.NON_FINITE)[1]
    assert np.isnan(r.value[:3]).all()
    assert r.value[3] == pytest.approx(-20.0)


def test_zero_base_and_missing_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pct_change(current=[1, np.nan], previous=[0, 1])


def test_options_and_shapes() -> None:
    with pytest.raises(OptionError, match="small_base"):
        pct_change(current=1, previous=2, small_base=-1)
    with pytest.raises(ShapeError, match="current"):
        pct_change(current=[1, 2, 3], previous=[1, 2])


def test_a_non_numeric_argument_is_named_not_called_a_shape() -> None:
    # Text is not a shape problem: the error names the argument and shows what it got,
    # and is caught as TypeError and (as the ShapeError it replaced was) as ValueError.
    with pytest.raises(NotNumericError, match=r"^current must be a number or an array-like "
                       r"of numbers; got str 'abc'$") as info:
        pp_change(current="abc", previous=0.5)
    assert info.value.fields == {"argument": "current", "value": "abc"}
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    assert not isinstance(info.value, ShapeError)
    with pytest.raises(NotNumericError, match=r"^previous .* got list \['0.5', 'n/a'\]$"):
        pp_change(current=[0.5, 0.6], previous=["0.5", "n/a"])
    with pytest.raises(NotNumericError, match=r"^history .* got dict"):
        project_year_end([1, 2], history={"a": 1}, method="seasonal")
    # A ragged list is a shape problem, and says so.
    with pytest.raises(ShapeError, match=r"^current is ragged"):
        pct_change(current=[1, [2, 3]], previous=1)


# --------------------------------------------------------------------------- pp_change


def test_pp_change_rejects_percentages_passed_by_mistake() -> None:
    with pytest.warns(InvalidInputWarning):
        r = pp_change(current=[15.9, 0.5], previous=[11.8, -0.1])
    assert r.flag(Reason.X_GT_N)[0]
    assert r.flag(Reason.NEGATIVE)[1]
    assert np.isnan(r.value).all()


unit_interval = st.floats(0, 1, allow_nan=False)


@given(unit_interval, unit_interval)
def test_pp_change_antisymmetry(a: float, b: float) -> None:
    forward = pp_change(current=a, previous=b).value
    assert float(forward) == -float(pp_change(current=b, previous=a).value)


@given(st.floats(1, 1e7), st.floats(1, 1e7))
def test_pct_change_round_trip(prev: float, cur: float) -> None:
    r = pct_change(current=cur, previous=prev)
    # 1 + v/100 cancels when cur << prev, so allow an error relative to prev as well.
    assert prev * (1 + float(r.value) / 100) == pytest.approx(cur, rel=1e-9, abs=prev * 1e-13)


# --------------------------------------------------------------------------- cagr


def test_cagr_textbook_and_seed_style() -> None:
    # 1.18³ = 1.643032 exactly: a measure that "increased on average by 18% each year" over
    # three years (seed 004's MARAC referral phrase; the seed gives no counts) multiplies
    # by 1.643032.
    r = cagr(first=[100, 1000], last=[164.3032, 1643.032], years=3)
    np.testing.assert_allclose(r.value, [18.0, 18.0], rtol=1e-12)
    # Seed 003 MSHT table, "MARAC referrals" 9 (2017-18) → 29 (2019-20): √(29/9) − 1 = 79.5%.
    msht = cagr(first=9, last=29, years=2)
    assert round_half_away(float(msht.value), 1) == 79.5
    # Falling series and everything lost.
    np.testing.assert_allclose(cagr(first=[100, 100], last=[81, 0], years=2).value,
                               [-10.0, -100.0], rtol=1e-12)


def test_cagr_bad_elements() -> None:
    with pytest.warns(InvalidInputWarning) as record:
        r = cagr(first=[0, -1, 10, 10, 10], last=[5, 5, -5, 5, 5], years=[2, 2, 2, 0, -1])
    assert len(record) == 1
    assert np.isnan(r.value).all()
    np.testing.assert_array_equal(r.flag(Reason.ZERO_BASE), [1, 0, 0, 0, 0])
    np.testing.assert_array_equal(r.flag(Reason.NEGATIVE), [0, 1, 1, 0, 1])
    np.testing.assert_array_equal(r.flag(Reason.ZERO_DENOMINATOR), [0, 0, 0, 1, 0])


@given(st.floats(1, 1e6), st.floats(0.01, 100), st.integers(1, 30))
def test_cagr_compounds_back(first: float, growth_pct: float, years: int) -> None:
    last = first * (1 + growth_pct / 100) ** years
    growth = cagr(first=first, last=last, years=years).value
    assert float(growth) == pytest.approx(growth_pct, rel=1e-9)


# --------------------------------------------------------------------------- projection


def test_linear_projection_and_change_against_last_year() -> None:
    # Six months of 4,000 crimes → 48,000 for the year; against 57,116 last year that is
    # 9,116 fewer (−16.0%).
    r = project_year_end(np.full(6, 4000.0), previous_year_total=57116)
    assert r.method == "linear"
    assert r.months == 6
    assert float(r.projected) == 48000.0
    assert float(r.share) == 0.5
    assert r.change is not None
    assert float(r.change.absolute) == -9116
    assert round_half_away(float(r.change.value), 1) == -16.0


def test_seasonal_projection_uses_earlier_years_share() -> None:
    # Earlier years: first quarter quieter (100 a month) than the rest (150 a month):
    # Q1 share = 300 / 1650 per year, pooled over two years the same. So 330 so far in Q1
    # projects to 330 × 1650 / 300 = 1815, where linear would say 1320.
    hist = np.array([[100] * 3 + [150] * 9, [100] * 3 + [150] * 9], dtype=float)
    r = project_year_end([110, 110, 110], history=hist, method="seasonal")
    assert float(r.share) == pytest.approx(300 / 1650, rel=1e-12)
    assert float(r.projected) == pytest.approx(1815.0, rel=1e-12)
    lin = project_year_end([110, 110, 110])
    assert float(lin.projected) == pytest.approx(1320.0, rel=1e-12)


def test_projection_vectorised_over_series() -> None:
    so_far = np.array([[10, 20], [30, np.nan], [5, 5]])
    hist = np.array([[[1.0] * 12], [[1.0] * 12], [[0.0] * 2 + [1.0] * 10]])  # (3, 1, 12)
    r = project_year_end(so_far, history=hist, method="seasonal",
                         previous_year_total=[150, 100, 60])
    assert r.projected.shape == (3,)
    assert float(r.projected[0]) == pytest.approx(180.0)
    assert np.isnan(r.projected[1])
    assert r.flag(Reason.MISSING)[1]
    # A history with nothing in these months gives no share: NaN, not inf.
    assert np.isnan(r.projected[2])
    assert r.flag(Reason.ZERO_DENOMINATOR)[2]
    assert r.change is not None
    assert float(r.change.value[0]) == pytest.approx(20.0)


def test_projection_options_and_shapes() -> None:
    with pytest.raises(OptionError, match="'linear', 'seasonal'"):
        project_year_end([1, 2], method="trend")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="history"):
        project_year_end([1, 2], method="seasonal")
    with pytest.raises(OptionError, match="months_in_year"):
        project_year_end([1, 2], months_in_year=0)
    with pytest.raises(ShapeError):
        project_year_end(np.ones(13))
    with pytest.raises(ShapeError):
        project_year_end(np.ones((2, 0)))
    with pytest.raises(ShapeError, match="history"):
        project_year_end([1, 2], history=np.ones((2, 11)), method="seasonal")
    with pytest.raises(ShapeError):
        project_year_end(np.ones((3, 2)), history=np.ones((2, 1, 12)), method="seasonal")


def test_projection_negative_month_warns() -> None:
    with pytest.warns(InvalidInputWarning):
        r = project_year_end([[1, -2], [3, 4]])
    assert np.isnan(r.projected[0])
    assert float(r.projected[1]) == 42.0
