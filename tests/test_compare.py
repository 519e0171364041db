"""Tests for perfcore.calc.compare: benchmark rule, funnels, MSG averages, ranks, bands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import (
    Reason,
    compare_to_benchmark,
    descriptive_band,
    funnel_axis,
    funnel_limits,
    funnel_significance,
    group_average,
    ordinal,
    overdispersion,
    rank_in_group,
)
from perfcore.errors import InvalidInputWarning, OptionError, ShapeError

DATA = Path(__file__).parent / "data"


def _csv(name: str, cols: tuple[int, ...], dtype: type = float) -> np.ndarray:
    with open(DATA / name) as fh:
        skip = sum(1 for line in fh if line.startswith("#")) + 1
    return np.genfromtxt(DATA / name, delimiter=",", skip_header=skip, usecols=cols,
                         dtype=dtype, autostrip=True)


# --- compare_to_benchmark ---------------------------------------------------------------

def test_benchmark_rule_labels() -> None:
    # Fingertips rule: benchmark outside the force's own CI -> higher/lower, else similar;
    # limits inclusive (a benchmark equal to a limit is "similar").
    r = compare_to_benchmark([15.9, 15.9, 15.9, 15.9, 15.9],
                             [15.0, 15.0, 15.0, 15.0, np.nan],
                             [16.8, 16.8, 16.8, 16.8, 16.8],
                             [14.3, 17.0, 15.5, 15.0, 14.3], polarity="higher")
    assert r.relation.tolist() == ["higher", "lower", "similar", "similar", "not_compared"]
    assert r.assessment.tolist() == ["better", "worse", "similar", "similar", "not_compared"]
    assert r.code.tolist() == [1, -1, 0, 0, 0]
    assert r.reasons[4] == Reason.MISSING
    low = compare_to_benchmark(48618, 48000, 49000, 50000, polarity="lower_is_better")
    assert (str(low.relation), str(low.assessment)) == ("lower", "better")
    neutral = compare_to_benchmark([10, 10], [9, 9], [11, 11], [5, 10], polarity="neutral")
    assert neutral.assessment.tolist() == ["higher", "similar"]


def test_benchmark_several_confidence_levels() -> None:
    lower = [[14.9], [14.5]]   # 95% and 99.8% limits
    upper = [[16.9], [17.3]]
    r = compare_to_benchmark(15.9, lower, upper, 14.7, polarity="higher", confidence=(95, 99.8))
    assert r.confidence == (0.95, 0.998)
    assert r.assessment[:, 0].tolist() == ["better", "similar"]
    with pytest.raises(ShapeError):
        compare_to_benchmark(15.9, 15, 17, 14, polarity="higher", confidence=(95, 99.8))


@given(st.floats(-1e3, 1e3), st.floats(0, 100), st.floats(0, 100), st.floats(0, 100),
       st.floats(-1e3, 1e3), st.sampled_from(["higher", "lower", "neutral"]))
def test_widening_ci_never_creates_a_difference(v: float, a: float, b: float, widen: float,
                                                bm: float, pol: str) -> None:
    narrow = compare_to_benchmark(v, v - a, v + b, bm, polarity=pol)
    wide = compare_to_benchmark(v, v - a - widen, v + b + widen, bm, polarity=pol)
    if str(narrow.relation) == "similar":
        assert str(wide.relation) == "similar"


# --- funnels against PHEindicatormethods ------------------------------------------------

def test_proportion_funnel_significance_matches_phe() -> None:
    # ukhsa-collaboration/PHEindicatormethods tests/testthat/testFunnels.R,
    # "Significance for proportions calculates correctly" (data commit 3352ce5d).
    num, den = _csv("phe_funnel_prop_inputs.csv", (0, 1)).T
    expected = _csv("phe_funnel_prop_inputs.csv", (2,), str)
    r = funnel_significance(num, den, statistic="proportion")
    assert r.label.tolist() == expected.tolist()
    assert float(r.baseline) * 100 == pytest.approx(80.642448, abs=1e-6)


def test_proportion_funnel_limits_match_phe() -> None:
    # PHEindicatormethods testFunnels.R "confidence limits calculate correctly for
    # proportions" (testdata_funnel_prop_outputs.csv, commit 63894a99): axis and limits.
    num, den = _csv("phe_funnel_prop_inputs.csv", (0, 1)).T
    out = _csv("phe_funnel_prop_outputs.csv", (0, 1, 2, 3, 4, 5))
    axis = funnel_axis(den, statistic="proportion")
    np.testing.assert_array_equal(axis, out[:, 0])
    lim = funnel_limits(axis, statistic="proportion", baseline=num.sum() / den.sum(),
                        multiplier=100)
    for i, name in enumerate(["lower_2s", "upper_2s", "lower_3s", "upper_3s"], start=1):
        # The reference CSV is rounded to 6 decimals.
        np.testing.assert_allclose(getattr(lim, name), out[:, i], atol=1e-6, rtol=0)
    np.testing.assert_allclose(lim.baseline, 80.642448, atol=1e-6)


def test_ratio_funnel_significance_matches_phe() -> None:
    # PHEindicatormethods testFunnels.R "Significance for ratios calculates correctly"
    # (testdata_funnel_ratio_inputs.csv, commit b79d6448).
    obs, exp = _csv("phe_funnel_ratio_inputs.csv", (0, 1)).T
    expected = _csv("phe_funnel_ratio_inputs.csv", (2,), str)
    assert funnel_significance(obs, exp, statistic="ratio").label.tolist() == expected.tolist()


def test_ratio_funnel_limits_match_phe() -> None:
    # PHEindicatormethods testFunnels.R "confidence limits calculate correctly for ratios
    # (count)" and "(isr)", testdata_funnel_ratio_outputs.csv (commit 8ac28e54).
    out = _csv("phe_funnel_ratio_outputs.csv", tuple(range(13)))
    obs = out[:, 0]
    phe = funnel_limits(obs, statistic="ratio", ratio_type="count", poisson="phe_bisection")
    isr = funnel_limits(obs, statistic="ratio", ratio_type="isr", multiplier=100,
                        poisson="phe_bisection")
    for name, (x_col, count_col) in {"lower_2s": (1, 2), "upper_2s": (4, 5),
                                     "lower_3s": (7, 8), "upper_3s": (10, 11)}.items():
        np.testing.assert_allclose(getattr(phe, name + "_x"), out[:, x_col], rtol=1e-6)
        np.testing.assert_allclose(getattr(phe, name), out[:, count_col], rtol=1e-6)
        np.testing.assert_allclose(getattr(isr, name), out[:, count_col + 1], rtol=1e-6)
    # The exact (default) limits differ from PHE's bisection by at most its step:
    # |ΔE| <= (1 + O)·2⁻²³/(1 - v)², far below 1e-6 relative except at 1-2 events.
    exact = funnel_limits(obs, statistic="ratio", ratio_type="count")
    for name, x_col in {"lower_2s": 1, "upper_2s": 4, "lower_3s": 7, "upper_3s": 10}.items():
        np.testing.assert_allclose(getattr(exact, name + "_x"), out[:, x_col],
                                   rtol=5e-7, atol=2.5e-7)
    # Independent: P(X <= 1 | m) = 0.025 at m = 5.5716 (Poisson cdf by hand).
    m = exact.lower_2s_x[0]
    assert np.exp(-m) * (1 + m) == pytest.approx(0.025, rel=1e-10)


def test_rate_funnel_significance_matches_phe() -> None:
    # PHEindicatormethods testFunnels.R "Significance for rates ... crude per 100,000 with
    # 0" and "without 0" (testdata_funnel_rate_dsr_inputs.csv, commit 5adcb8c4).
    count, pop = _csv("phe_funnel_rate_inputs.csv", (0, 1)).T
    labels = _csv("phe_funnel_rate_inputs.csv", (3, 4), str)
    assert funnel_significance(count, pop, statistic="rate").label.tolist() == \
        labels[:, 0].tolist()
    assert funnel_significance(count[:-1], pop[:-1], statistic="rate").label.tolist() == \
        labels[:-1, 1].tolist()


def test_rate_funnel_limits_are_exact_poisson() -> None:
    # At each limit, the events sit exactly in the 0.025 tail of Poisson(baseline·pop).
    from scipy import stats
    lim = funnel_limits([20.0, 200.0], statistic="rate", baseline=7e-3, multiplier=1e5,
                        years_of_data=1)
    mean_low = 7e-3 * lim.lower_2s_x
    np.testing.assert_allclose(stats.poisson.cdf([20, 200], mean_low), 0.025, rtol=1e-9)
    np.testing.assert_allclose(lim.lower_2s, [20, 200] / lim.lower_2s_x * 1e5, rtol=1e-12)


def test_funnel_bad_input_and_options() -> None:
    with pytest.warns(InvalidInputWarning, match="1 element"):
        r = funnel_significance([5, 8, -1], [10, 10, 10], statistic="proportion")
    assert r.label.tolist()[2] == ""
    assert r.reasons[2] & Reason.NEGATIVE
    r = funnel_significance([5, 3], [10, 0], statistic="proportion")
    assert r.reasons[1] & Reason.ZERO_DENOMINATOR
    assert r.label[1] == ""
    with pytest.raises(OptionError, match="'proportion', 'ratio', 'rate'"):
        funnel_significance([1], [2], statistic="pop")
    with pytest.raises(OptionError):
        funnel_limits([10], statistic="proportion")  # no baseline


def test_overdispersion_additive() -> None:
    # Independent re-derivation of Spiegelhalter (2005) eqs. for a small set, by hand.
    x = np.array([30.0, 45, 60, 20, 90, 55, 40, 70, 35, 80])
    n = np.array([100.0, 120, 150, 90, 200, 130, 110, 160, 95, 170])
    od = overdispersion(x, n, statistic="proportion", trim=0.1)
    target = np.arcsin(np.sqrt(x.sum() / n.sum()))
    z = (np.arcsin(np.sqrt(x / n)) - target) * 2 * np.sqrt(n)
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    w = 4 * n
    tau2 = max(0.0, (10 * phi - 9) / (w.sum() - (w**2).sum() / w.sum()))
    assert float(od.phi) == pytest.approx(phi, rel=1e-12)
    assert float(od.tau2) == pytest.approx(tau2, rel=1e-12)
    assert tau2 > 0  # these data are overdispersed
    sig = funnel_significance(x, n, statistic="proportion", adjust="additive")
    plain = funnel_significance(x, n, statistic="proportion")
    # Allowing for overdispersion can only make fewer units significant.
    assert np.count_nonzero(sig.code) <= np.count_nonzero(plain.code)
    lim = funnel_limits(n, statistic="proportion", baseline=x.sum() / n.sum(), tau2=tau2)
    assert np.all(lim.upper_3s > lim.upper_2s)
    assert lim.method == "additive random effects"


# --- group averages ---------------------------------------------------------------------

def test_msg_pooled_average_excludes_self() -> None:
    # Outcome rate style: force 0 and 3 peers; pooled Σx/Σn, self excluded by default.
    num = np.array([[159.0, 150, 140, 160]])
    den = np.array([[1000.0, 1000, 1000, 1000]])
    members = np.ones((4, 4), dtype=bool)  # one MSG for everyone
    excl = group_average(numerator=num, denominator=den, members=members, multiplier=100)
    incl = group_average(numerator=num, denominator=den, members=members, multiplier=100,
                         include_self=True)
    assert excl.value[0, 0] == pytest.approx(15.0)        # (150+140+160)/3000
    assert incl.value[0, 0] == pytest.approx(15.225)      # 609/4000
    assert excl.n_members[0, 0] == 3
    assert incl.n_members[0, 0] == 4
    mean = group_average([[15.9, 15.0, 14.0, 16.0]], members=members, method="mean")
    assert mean.value[0, 0] == pytest.approx(15.0)
    pw = group_average([[10.0, 20.0, 30.0]], population=[[1.0, 1.0, 3.0]],
                       members=[[0, 1, 2]], self_index=[0], method="population_weighted")
    assert pw.value[0, 0] == pytest.approx((20 + 90) / 4)


def test_group_average_reports_missing_members() -> None:
    members = np.ones((3, 3), dtype=bool)
    r = group_average(numerator=[[1.0, np.nan, 3.0]], denominator=[[10.0, 10, 10]],
                      members=members)
    assert r.n_used.tolist() == [[1, 2, 1]]
    assert r.n_missing.tolist() == [[1, 0, 1]]
    assert r.reasons[0, 0] & Reason.MISSING
    assert not r.reasons[0, 1] & Reason.MISSING
    assert r.value[0, 0] == pytest.approx(0.3)
    lonely = group_average(numerator=[[1.0, np.nan]], denominator=[[10.0, 10]],
                           members=np.ones((2, 2), bool))
    assert np.isnan(lonely.value[0, 0])
    assert lonely.reasons[0, 0] & Reason.TOO_FEW


def test_group_average_bad_options() -> None:
    with pytest.raises(OptionError, match="'pooled', 'mean', 'population_weighted'"):
        group_average([[1.0]], members=[[True]], method="median")
    with pytest.raises(ShapeError):
        group_average(numerator=np.ones((2, 43)), denominator=np.ones((2, 43)),
                      members=np.ones((43, 42), dtype=bool))


# --- ranks and ordinals -----------------------------------------------------------------

def test_ordinal() -> None:
    got = [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)]
    assert got == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd",
                   "23rd", "101st", "111th", "112th"]


def test_rank_fifth_of_eight() -> None:
    # Seed 003: "Gwent had the 5th (out of 8) largest crime reduction (in %)" in its MSG.
    change = np.array([-9.0, -7.5, -6.1, -5.8, -5.4, -4.0, -3.2, -1.0])  # Gwent last-but-3
    r = rank_in_group(change, polarity="lower", members=[np.arange(8)], self_index=[4])
    assert r.rank.tolist() == [5]
    assert r.group_size.tolist() == [8]
    assert r.text(style="out_of").tolist() == ["5th (out of 8)"]
    ties = rank_in_group([3.0, 1.0, 1.0, 2.0, np.nan], polarity="lower")
    assert ties.rank.tolist() == [4, 1, 1, 3, 0]
    assert ties.group_size.tolist() == [4, 4, 4, 4, 4]
    assert ties.text().tolist()[:2] == ["4th of 4", "1st of 4"]
    assert ties.reasons[4] == Reason.MISSING


def test_rank_within_each_msg_vectorised() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(size=(5, 43))
    members = np.zeros((43, 43), dtype=bool)
    for i in range(43):  # test fixture only: a random 7-peer MSG per force
        members[i, rng.choice(np.delete(np.arange(43), i), 7, replace=False)] = True
    r = rank_in_group(values, polarity="higher", members=members)
    assert r.rank.shape == (5, 43)
    assert np.all(r.group_size == 8)
    for m in range(5):
        for i in (0, 17, 42):
            peers = values[m, members[i] | (np.arange(43) == i)]
            assert r.rank[m, i] == 1 + np.sum(peers > values[m, i])


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=12),
       st.sampled_from(["higher", "lower"]))
def test_rank_respects_order_and_polarity(vals: list[int], pol: str) -> None:
    v = np.array(vals, dtype=float)
    r = rank_in_group(v, polarity=pol).rank
    flipped = rank_in_group(v, polarity="lower" if pol == "higher" else "higher").rank
    sign = 1 if pol == "higher" else -1
    for i in range(len(v)):
        for j in range(len(v)):
            if sign * v[i] > sign * v[j]:
                assert r[i] < r[j]
                assert flipped[i] > flipped[j]
            elif v[i] == v[j]:
                assert r[i] == r[j]
    perm = np.random.default_rng(len(vals)).permutation(len(v))
    np.testing.assert_array_equal(rank_in_group(v[perm], polarity=pol).rank, r[perm])


# --- descriptive band -------------------------------------------------------------------

def test_descriptive_band() -> None:
    vals = np.array([[20.0, 10, 12, 14, 16, 18]])
    members = np.ones((6, 6), dtype=bool)
    b = descriptive_band(vals, members=members)
    peers = vals[0, 1:]
    assert b.mean[0, 0] == pytest.approx(peers.mean())
    assert b.sd[0, 0] == pytest.approx(peers.std(ddof=1))
    assert b.position[0, 0] == "above"
    assert b.position[0, 3] == "within"
    assert "significant" not in " ".join(b.position.ravel().tolist())
