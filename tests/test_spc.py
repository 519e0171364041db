"""Tests for perfcore.calc.spc (XmR charts, Making Data Count rules)."""

from __future__ import annotations

import random
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from perfcore.calc import spc
from perfcore.calc.spc import (
    ASSURANCE_TYPES,
    SWITCHES,
    chart,
    resolve_rules,
    run_flags,
    trend_flags,
    two_of_three_flags,
    xmr,
    xmr_batch,
)
from perfcore.calc.spc._inputs import _rebase_positions
from perfcore.errors import OptionError, PerfcoreError, SeriesError, TrialLimitsWarning

# R: set.seed(123); rnorm(20), as printed (8 d.p.) in NHSRplotthedots'
# tests/testthat/_snaps/ptd_spc_standard.md (cran/NHSRplotthedots, 0.1.0; the limit
# calculations in R/ptd_spc_standard.R are unchanged in 0.2.2).
RNORM20 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
           0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
           0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
           0.70135590, -0.47279141]
# glimpse() prints 7 significant figures: the published precision of these references.
SNAP = {"rtol": 6e-7, "atol": 0.0}

MDC_EXAMPLE = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]


def quiet_xmr(*args: object, **kwargs: object) -> spc.XmrResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        return xmr(*args, **kwargs)  # type: ignore[arg-type]


def quiet_batch(*args: object, **kwargs: object) -> spc.XmrBatchResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        return xmr_batch(*args, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------- NHSRplotthedots values


def test_nhsr_snapshot_r1_limits() -> None:
    # _snaps/ptd_spc_standard.md, "it returns expected values", r1 (screen_outliers = TRUE)
    r = xmr(RNORM20)
    np.testing.assert_allclose(r.mean, 0.1416238, **SNAP)
    np.testing.assert_allclose(r.lpl, -3.01138, rtol=2e-6)  # printed to 6 s.f.
    np.testing.assert_allclose(r.upl, 3.294627, **SNAP)
    assert not r.outside_limits.any()
    close = (r.values < r.near_lpl) | (r.values > r.near_upl)
    assert np.flatnonzero(close).tolist() == [17]  # snapshot prints only the first 8 (FALSE)
    side = np.sign(r.values - r.mean)
    assert side[:15].tolist() == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert (r.point_type == "common_cause").all()
    assert r.variation_icon == "common_cause"


def test_nhsr_snapshot_r2_r3_screening() -> None:
    # _snaps/ptd_spc_standard.md r2 / r3: y[15] <- 10, screen_outliers TRUE / FALSE
    y = list(RNORM20)
    y[14] = 10
    r2 = xmr(y)
    np.testing.assert_allclose(r2.mean, 0.6694159, **SNAP)
    np.testing.assert_allclose(r2.lpl, -2.383666, **SNAP)
    np.testing.assert_allclose(r2.upl, 3.722497, **SNAP)
    assert np.sign(r2.values - r2.mean)[:14].tolist() == [
        -1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1]
    # the two moving ranges either side of the 10 are screened out
    assert np.flatnonzero(r2.mr_screened).tolist() == [14, 15]
    r3 = xmr(y, screen_outliers=False)
    np.testing.assert_allclose(r3.mean, 0.6694159, **SNAP)
    np.testing.assert_allclose(r3.lpl, -4.596625, **SNAP)
    np.testing.assert_allclose(r3.upl, 5.935457, **SNAP)
    assert not r3.mr_screened.any()
    # point 15 is beyond the screened limits and is the only special cause
    assert r2.outside_limits.tolist() == [i == 14 for i in range(20)]
    assert r2.point_type[14] == "special_cause_improvement"


def test_nhsr_facets_as_batch() -> None:
    # _snaps/ptd_spc.md "it outputs expected content", s3: facet = rep(c(0, 1), each = 10)
    # mean 0.0746 / 0.209, lpl -2.60 / -3.28, upl 2.75 / 3.70 (printed to 3 s.f.)
    b = quiet_batch([RNORM20[:10], RNORM20[10:]])
    np.testing.assert_allclose(b.mean[:, 0], [0.0746, 0.209], atol=5e-4)
    np.testing.assert_allclose(b.lpl[:, 0], [-2.60, -3.28], atol=5e-3)
    np.testing.assert_allclose(b.upl[:, 0], [2.75, 3.70], atol=5e-3)
    assert (b.point_type == "common_cause").all()
    assert b.trial_limits.tolist() == [True, True]  # n = 10 < 13: short group warning


def test_nhsr_two_in_three_opposite_sides_is_common_cause() -> None:
    # tests/testthat/test-ptd_spc_standard.R (issue #143, fixed in 0.2.2)
    y = [1.0, -1.0] * 8
    y[14], y[15] = 5.5, -5.5
    r = xmr(y)
    assert r.point_type[-2:].tolist() == ["common_cause", "common_cause"]


def _rows(*vs: list[int]) -> np.ndarray:
    return np.array(vs, dtype=np.int8)


def test_run_rule_matches_nhsr_helpers() -> None:
    # test-ptd_calculate_point_type.R, ptd_seven_point_one_side_mean / ptd_part_of_seven_trend:
    # c(rep(1, 8), -1) ends runs at 7 and 8, so points 1..8 are part of a run.
    chain = np.ones((1, 9), dtype=bool)
    assert run_flags(_rows([1] * 8 + [-1]), chain, 7)[0].tolist() == [True] * 8 + [False]
    assert run_flags(_rows([-1] * 8 + [1]), chain, 7)[0].tolist() == [True] * 8 + [False]
    assert not run_flags(_rows([1] * 6 + [-1]), chain[:, :7], 7).any()
    assert not run_flags(_rows([1] * 6), chain[:, :6], 7).any()
    chain10 = np.ones((1, 10), dtype=bool)
    assert run_flags(_rows([-1] + [1] * 8 + [-1]), chain10, 7)[0].tolist() == (
        [False] + [True] * 8 + [False])
    # a point on the mean (0) breaks a run
    assert not run_flags(_rows([1, 1, 1, 0, 1, 1, 1, 1]), chain[:, :8], 7).any()


def test_trend_rule_matches_nhsr_helpers() -> None:
    # test-ptd_calculate_point_type.R, ptd_seven_point_trend
    def flags(y: list[float]) -> list[bool]:
        a = np.array([y], dtype=float)
        return trend_flags(a, np.ones(a.shape, dtype=bool), 7)[0][0].tolist()

    assert flags([1, 2, 3, 4, 5, 6]) == [False] * 6
    assert flags([1, 2, 3, 3, 4, 5, 6]) == [False] * 7  # a tie breaks a trend
    assert flags([1, 2, 3, 4, 5, 6, 7]) == [True] * 7
    assert flags([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [False] + [True] * 7 + [False]
    assert flags([7, 6, 5, 4, 3, 2, 1]) == [True] * 7  # issue #167: falling trends too
    assert flags([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [False] + [True] * 7 + [False]


@pytest.mark.parametrize(("near", "expected"), [
    # test-ptd_calculate_point_type.R, ptd_two_in_three / ptd_part_of_two_in_three
    ([1, 0, 1], [1, 0, 1]),
    ([0, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
    ([1, 0, 0, 1], [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ([0, 0, 0], [0, 0, 0]),
])
def test_two_in_three_matches_nhsr_helpers(near: list[int], expected: list[int]) -> None:
    n = np.array([near], dtype=bool)
    side = np.ones(n.shape, dtype=np.int8)
    got = two_of_three_flags(n, side, np.ones(n.shape, dtype=bool))
    assert got[0].astype(int).tolist() == expected


@pytest.mark.parametrize(("direction", "expected"), [
    # test-ptd_calculate_assurance_type.R: lpl (1, 5, 1), upl (3, 7, 5), target 4
    (1, ["consistent_fail", "consistent_pass", "inconsistent"]),
    (-1, ["consistent_pass", "consistent_fail", "inconsistent"]),
    (0, ["none", "none", "none"]),
])
def test_assurance_matches_nhsr(direction: int, expected: list[str]) -> None:
    codes = spc.assurance_codes(np.full(3, 4.0), np.full(3, direction, dtype=np.int8),
                                 np.array([3.0, 7, 5]), np.array([1.0, 5, 1]), False,
                                 np.ones(3, dtype=bool))
    assert [ASSURANCE_TYPES[c] for c in codes] == expected


# --------------------------------------------------------------- MDC worked example


def test_mdc_worked_example_screening_off() -> None:
    # Making Data Count worked example (docs/spc.md §5): mean 23.20, UPL 37.64, LPL 8.76
    r = quiet_xmr(MDC_EXAMPLE, screen_outliers=False)
    assert r.mean[0] == pytest.approx(23.2, abs=1e-12)
    assert r.upl[0] == pytest.approx(37.64, abs=1e-12)
    assert r.lpl[0] == pytest.approx(8.76, abs=1e-12)
    # MR̄ = 76/14; near limits are 2/3 of the way out
    assert r.mr_mean[0] == pytest.approx(76 / 14, abs=1e-12)
    assert r.near_upl[0] == pytest.approx(23.2 + 2 * 2.66 / 3 * 76 / 14, abs=1e-12)
    assert (r.point_type == "common_cause").all()


# --------------------------------------------------------------- rules, labels, icons


TREND_ACROSS_MEAN = [4.0, 6, 4, 6, 4, 6, 2, 3, 4, 5, 6, 7, 8, 6, 4, 6, 4, 6, 4, 6]


def test_trend_crossing_the_mean_is_coloured_by_direction() -> None:
    # NHSRplotthedots 0.2.2 NEWS, issue #171: a trend is labelled by its direction,
    # not by each point's side of the mean.
    r = xmr(TREND_ACROSS_MEAN)
    assert r.trend[6:13].all()
    assert not r.trend[:6].any()
    assert not r.trend[13:].any()
    assert (r.point_type[6:13] == "special_cause_improvement").all()
    assert (xmr(TREND_ACROSS_MEAN, improvement="decrease").point_type[6:13]
            == "special_cause_concern").all()
    neutral = xmr(TREND_ACROSS_MEAN, improvement="neutral")
    assert (neutral.point_type[6:13] == "special_cause_neutral_high").all()


# Two trends that meet, inside limits widened by alternating points (12 of them).
_WIDE = [0.0, 20.0] * 6
TIED_TRENDS = [*_WIDE, 8.0, 8.5, 9, 9.5, 10, 10.5, 11,  # a rising trend, a tie,
               11, 11.5, 12, 12.5, 13, 13.5, 14, 0, 20, 0, 20]  # and a second one
PEAK = [*_WIDE, 8.0, 8.5, 9, 9.5, 10, 10.5, 11, 10.5, 10, 9.5, 9, 8.5, 8, 0, 20, 0, 20]


def test_adjacent_trends_nhsr_step_rule_and_trend_side_switch() -> None:
    # NHSRplotthedots 0.2.2 R/ptd_calculate_point_type.R, ptd_special_cause_type: a trend
    # point takes sign(diff(y)) to the next point when that point is part of a trend too,
    # else from the previous one, and "Increasing" only when that sign is 1. So the last
    # point of a rising trend followed by a tie and another rising trend is "Decreasing"
    # (the tie's 0), and a peak shared by a rising and a falling trend is "Decreasing".
    tied = xmr(TIED_TRENDS)
    assert (tied.rule[12:26] == "trend").all()
    assert tied.point_type[18] == "special_cause_concern"  # nhsr (default): the step rule
    assert (np.delete(tied.point_type[12:26], 6) == "special_cause_improvement").all()
    own = xmr(TIED_TRENDS, trend_side_from_trend=True)
    assert own.rules.trend_side_from_trend and not tied.rules.trend_side_from_trend
    assert (own.point_type[12:26] == "special_cause_improvement").all()
    peak = xmr(PEAK)  # rising 12..18, falling 18..25 (down to the 0 after the trend)
    assert (peak.rule[12:26] == "trend").all()
    assert peak.point_type[12:26].tolist() == ["special_cause_improvement"] * 6 + [
        "special_cause_concern"] * 8
    # with the switch the peak goes with the trend it ends (the rising one), so its
    # colour does not change when the falling trend arrives
    peak_own = xmr(PEAK, trend_side_from_trend=True)
    assert peak_own.point_type[12:26].tolist() == ["special_cause_improvement"] * 7 + [
        "special_cause_concern"] * 7
    assert xmr(PEAK[:19], trend_side_from_trend=True).point_type[18] == \
        peak_own.point_type[18]
    neutral = xmr(TIED_TRENDS, improvement="neutral")
    assert neutral.point_type[18] == "special_cause_neutral_low"
    assert xmr(TIED_TRENDS, improvement="neutral", trend_side_from_trend=True).point_type[
        18] == "special_cause_neutral_high"
    for profile in spc.PROFILES:  # no profile turns it on
        assert not spc.PROFILES[profile].trend_side_from_trend


def _trend_windows(y: list[float]) -> list[tuple[int, int]]:
    """(last point, direction) of every 7 points each strictly above (+1) or below (−1)
    the one before: NHSRplotthedots' ptd_seven_point_trend, one point at a time."""
    out = []
    for i in range(6, len(y)):
        d = {int(np.sign(y[j] - y[j - 1])) for j in range(i - 5, i + 1)}
        if d in ({1}, {-1}):
            out.append((i, d.pop()))
    return out


def _nhsr_rising(y: list[float]) -> dict[int, bool]:
    """Trend points and whether NHSRplotthedots 0.2.2 calls them increasing."""
    part = {j for i, _ in _trend_windows(y) for j in range(i - 6, i + 1)}
    out = {}
    for i in part:
        nxt = i + 1 in part
        s = np.sign(y[i + 1] - y[i]) if nxt else (np.sign(y[i] - y[i - 1]) if i else 0)
        out[i] = s == 1
    return out


def _own_rising(y: list[float]) -> dict[int, bool]:
    """Trend points and their trend's direction; where trends meet, the trend the point
    ends (a window in which it is not the first point)."""
    windows = _trend_windows(y)
    out = {}
    for p in {j for i, _ in windows for j in range(i - 6, i + 1)}:
        inside = [d for i, d in windows if i - 6 <= p <= i]
        ending = [d for i, d in windows if i - 6 < p <= i]
        out[p] = (ending or inside)[0] == 1
    return out


def test_trend_point_sides_match_reference_on_many_walks() -> None:
    # 3,000 random walks with ties, charted as one batch per rule; about 1 in 400 has two
    # trends meeting, where the rules differ.
    rng = np.random.default_rng(171)
    walks = [[float(v) for v in np.cumsum(rng.integers(-2, 4, size=rng.integers(8, 41)))]
             + [-50.0, 50.0] for _ in range(3000)]
    differ = 0
    for own, reference in ((False, _nhsr_rising), (True, _own_rising)):
        b = quiet_batch(walks, trend_side_from_trend=own)
        rule, point_type = b.rule, b.point_type  # names of the whole batch, once
        for k, y in enumerate(walks):
            expected = reference(y)
            for i in np.flatnonzero(rule[k] == "trend"):
                want = ("special_cause_improvement" if expected[int(i)]
                        else "special_cause_concern")
                assert point_type[k, i] == want, (k, i, own)
            differ += own and expected != _nhsr_rising(y)
    assert differ >= 3


@given(st.lists(st.integers(-2, 3), min_size=8, max_size=40), st.booleans())
def test_trend_point_sides_match_reference(steps: list[int], own: bool) -> None:
    y = [float(v) for v in np.cumsum(steps)] + [-50.0, 50.0]  # wide limits
    r = quiet_xmr(y, trend_side_from_trend=own)
    expected = (_own_rising if own else _nhsr_rising)(y)
    for i in np.flatnonzero(r.rule == "trend"):
        want = "special_cause_improvement" if expected[int(i)] else "special_cause_concern"
        assert r.point_type[i] == want, (i, y)


_STEP_VALUES = st.sampled_from([0.0, -0.0, 1.0, 1.0 + 2**-52, -3.5, 5e-324, -5e-324,
                                 1e150, -1e150, float("nan")])


@given(data=st.data(), rows=st.integers(1, 4), width=st.integers(2, 12))
def test_step_signs_from_values_are_the_signs_of_the_differences(
        data: st.DataObject, rows: int, width: int) -> None:
    # xmr_batch reads each step's sign by comparing the values (issue 18: no array of
    # differences to make and read again). The same signs, to the last one, as the
    # signs of the differences: ties, signed zeros, neighbouring doubles, subnormals, the
    # largest values charted, gaps (NaN), and points not linked to the one before.
    y = np.array(data.draw(st.lists(_STEP_VALUES, min_size=rows * width,
                                    max_size=rows * width))).reshape(rows, width)
    linked = np.array(data.draw(st.lists(st.booleans(), min_size=rows * width,
                                         max_size=rows * width))).reshape(rows, width)
    diff = np.full(y.shape, np.nan)
    diff[:, 1:] = y[:, 1:] - y[:, :-1]
    want = spc.rules.step_signs(diff, linked)
    got = spc.rules.value_step_signs(y, linked)
    assert got.dtype == want.dtype and got.tolist() == want.tolist()


@given(st.lists(st.lists(st.integers(0, 4), min_size=2, max_size=40), min_size=1,
                max_size=5),
       st.sampled_from(["nhsr", "mdc_v5"]), st.randoms(use_true_random=False))
def test_batch_trends_are_the_trend_rule_on_each_series(
        steps: list[list[int]], profile: str, rng: random.Random) -> None:
    # The trends a batch finds (steps read from the values, a block at a time) are the
    # trends the public rule finds from the differences, series by series, with gaps
    # and rebases (which trends cross in mdc_v5 only). Walks of rising steps or ties
    # (or, turned over, falling) make trends; a few points are gaps.
    rows = [[float("nan") if rng.random() < 0.05 else float(v)
             for v in np.cumsum(s) * rng.choice([1, -1])] for s in steps]
    assume(all(not np.isnan(r).all() for r in rows))
    rebase = [sorted({rng.randrange(len(r)) for _ in range(3)}) for r in rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        batch = xmr_batch(rows, allow_gaps=True, rebase=rebase, profile=profile)
    length = 6 if profile == "mdc_v5" else 7
    for i, (r, starts) in enumerate(zip(rows, rebase, strict=True)):
        linked = np.ones((1, len(r)), dtype=bool)
        if profile == "nhsr":
            linked[0, starts] = False
        want = trend_flags(np.array([r]), linked, length)[0][0]
        assert batch.trend[i, :len(r)].tolist() == want.tolist(), (r, starts)


def test_precedence_outside_limits_over_trend() -> None:
    y = [10.0, 12] * 6 + [10.5, 11, 11.5, 12, 12.5, 13, 40]
    r = quiet_xmr(y)
    assert r.trend[-7:].all()
    assert r.rule[-7:].tolist() == ["trend"] * 6 + ["outside_limits"]


def test_run_of_seven_flags_all_seven() -> None:
    y = [2.0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1.6, 1.7, 1.6, 1.7, 1.6, 1.7, 1.6, 1, 2, 1]
    r = xmr(y)
    assert r.run.tolist() == [False] * 10 + [True] * 7 + [False] * 3
    assert (r.rule[10:17] == "run").all()
    assert (r.point_type[10:17] == "special_cause_improvement").all()
    assert (xmr([-v for v in y]).point_type[10:17] == "special_cause_concern").all()


def test_run_length_switch_and_mdc_v5() -> None:
    y = [2.0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1.6, 1.7, 1.6, 1.7, 1.6, 1.7, 1, 2, 1, 2]
    assert not xmr(y).run.any()
    assert xmr(y, run_length=6).run[10:16].all()
    assert xmr(y, profile="mdc_v5").run[10:16].all()


def test_variation_icons() -> None:
    up = [1.0, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 30]
    assert quiet_xmr(up).variation_icon == "improvement_high"
    assert quiet_xmr(up, improvement="decrease").variation_icon == "concern_high"
    assert quiet_xmr(up, improvement="neutral").variation_icon == "neutral_high"
    down = [-v for v in up]
    assert quiet_xmr(down).variation_icon == "concern_low"
    assert quiet_xmr(down, improvement="decrease").variation_icon == "improvement_low"
    assert quiet_xmr(down, improvement="neutral").variation_icon == "neutral_low"


def test_target_exactly_on_a_limit() -> None:
    r = quiet_xmr(MDC_EXAMPLE, screen_outliers=False)
    upl, lpl = float(r.upl[-1]), float(r.lpl[-1])
    # strict (nhsr): on the limit is inconsistent
    assert quiet_xmr(MDC_EXAMPLE, screen_outliers=False, target=upl).assurance == "inconsistent"
    assert quiet_xmr(MDC_EXAMPLE, screen_outliers=False, target=lpl).assurance == "inconsistent"
    # inclusive (mdc_sql_2_5 or the switch): on the limit counts as beyond it
    assert quiet_xmr(MDC_EXAMPLE, screen_outliers=False, target=upl,
                     assurance_inclusive=True).assurance == "consistent_fail"
    assert quiet_xmr(MDC_EXAMPLE, screen_outliers=False, target=lpl,
                     assurance_inclusive=True).assurance == "consistent_pass"
    assert quiet_xmr(MDC_EXAMPLE, screen_outliers=False, target=lpl, improvement="decrease",
                     assurance_inclusive=True).assurance == "consistent_fail"
    assert quiet_xmr(MDC_EXAMPLE, target=5, improvement="neutral").assurance == "none"
    assert quiet_xmr(MDC_EXAMPLE).assurance == "none"


def test_assurance_uses_latest_group() -> None:
    y = [10.0, 11] * 8 + [50.0, 51] * 8
    r = xmr(y, rebase=[16], target=30)
    assert r.group.tolist() == [0] * 16 + [1] * 16
    assert r.assurance == "consistent_pass"  # target below the new group's LPL
    assert xmr(y, target=30).assurance == "inconsistent"


def test_two_of_three_counts_beyond_switch() -> None:
    # mean 0.837, near UPL 2.916, UPL 3.955: 3.0 is near the limit, 4.0 beyond it
    y = [0.0, 1] * 8 + [3.0, 4.0, 0.9]
    r = xmr(y)
    assert r.values[16] > r.near_upl[16]
    assert not r.outside_limits[16]
    assert r.outside_limits[17]
    assert not r.two_of_three.any()  # the 3σ point does not count (nhsr)
    assert r.rule[-3:].tolist() == ["none", "outside_limits", "none"]
    rb = xmr(y, two_of_three_counts_beyond=True)
    assert rb.rule[-3:].tolist() == ["two_of_three", "outside_limits", "none"]


# --------------------------------------------------------------- edge cases


def test_constant_series_limits_equal_mean() -> None:
    r = xmr([4.0] * 20, target=4.0)
    assert not np.isnan(r.upl).any()
    assert (r.upl == 4).all()
    assert (r.lpl == 4).all()
    assert (r.mean == 4).all()
    assert (r.point_type == "common_cause").all()
    assert r.variation_icon == "common_cause"
    assert r.assurance == "inconsistent"


def test_short_series_warns_and_flags() -> None:
    with pytest.warns(TrialLimitsWarning, match="trial limits"):
        r = xmr(MDC_EXAMPLE[:11])
    assert r.trial_limits
    assert r.trial.all()
    # NHSRplotthedots 0.2.2 R/ptd_add_short_group_warnings.R: short_group_warning =
    # n() < getOption("ptd_spc.warning_threshold", 13) — 12 points are trial limits in
    # every profile (its message says "n < 12", its code compares with 13), 13 are not.
    for profile in ("nhsr", "mdc_sql_2_5", "mdc_v5"):
        with pytest.warns(TrialLimitsWarning):
            assert xmr(MDC_EXAMPLE[:12], profile=profile).trial_limits
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert not xmr(MDC_EXAMPLE[:13], profile=profile).trial_limits


def test_rebase_first_point_is_no_rebase_and_last_point_is_one_point_group() -> None:
    a = xmr(MDC_EXAMPLE, rebase=[0])
    b = xmr(MDC_EXAMPLE)
    assert np.array_equal(a.upl, b.upl)
    assert np.array_equal(a.point_type, b.point_type)
    with pytest.warns(TrialLimitsWarning):
        c = xmr(MDC_EXAMPLE, rebase=[14])
    assert c.group[-1] == 1
    assert c.trial[-1]
    assert not c.trial[0]
    assert c.mean[-1] == c.upl[-1] == c.lpl[-1] == 18
    assert np.isnan(c.moving_range[-1])
    assert c.point_type[-1] == "common_cause"


def test_baseline_fixes_limits_from_first_points() -> None:
    y = [float(v) for v in MDC_EXAMPLE] + [60.0, 61, 62]
    r = xmr(y, baseline=12)
    ref = quiet_xmr(y[:12])  # 12 points: trial limits (NHSRplotthedots 0.2.2: n < 13)
    assert r.mean[0] == ref.mean[0]
    assert r.upl[-1] == ref.upl[0]
    assert r.outside_limits[-3:].all()


def test_gaps_allowed_are_explicit() -> None:
    y = [1.0, 2, 1, 2, np.nan, 2, 1, 2, 1, 2, 1, 2, 1, 2]
    with pytest.raises(SeriesError) as e:
        xmr(y, series_id="burglary")
    assert e.value.series == "burglary"
    assert e.value.position == 4
    r = xmr(y, allow_gaps=True)
    observed = [v for v in y if not np.isnan(v)]
    assert r.mean[0] == pytest.approx(np.mean(observed), abs=1e-15)
    assert np.isnan(r.moving_range[4])
    assert np.isnan(r.moving_range[5])
    # MR̄ uses only pairs of neighbouring observed points: eleven ranges of 1
    assert r.mr_mean[0] == pytest.approx(1.0, abs=1e-15)
    assert r.point_type[4] == "missing"
    assert not r.valid[4]
    # a gap breaks a run: 6 + gap + 6 above the mean is no run of 7
    g = [1.0, 0, 1, 0, 1, 0, 1, 0, 1, 0] + [0.8] * 6 + [np.nan] + [0.8] * 6 + [0, 1]
    assert not xmr(g, allow_gaps=True).run.any()
    assert xmr([v if not np.isnan(v) else 0.8 for v in g]).run.any()


@pytest.mark.parametrize(("bad", "message"), [
    (float("inf"), "not finite"), (-float("inf"), "not finite"),
    (1.0000001e150, "too large to chart"), (-1.0000001e150, "too large to chart"),
    (float("nan"), "missing")])
def test_points_checked_from_the_extremes_alone_are_all_checked(bad: float,
                                                                message: str) -> None:
    # The usual batch (every point a number within ±1e150) is recognised from its
    # smallest and largest values alone; any other is refused naming the point, at
    # either end of the range and wherever it is.
    ok = np.full((3, 13), 1e150)
    ok[1] = -1e150
    assert xmr_batch(ok, workers=1).valid.all()  # the largest values allowed: charted
    for row, col in ((0, 0), (2, 12), (1, 5)):
        y = ok.copy()
        y[row, col] = bad
        with pytest.raises(SeriesError, match=message) as e:
            xmr_batch(y)
        assert (e.value.series, e.value.position) == (row, col)


def test_rolling_sum_refused_unless_forced() -> None:
    with pytest.raises(SeriesError, match="autocorrelated") as e:
        xmr(MDC_EXAMPLE, is_rolling_sum=True, series_id="asb_r12")
    assert e.value.series == "asb_r12"
    assert quiet_xmr(MDC_EXAMPLE, is_rolling_sum=True, force=True).mean[0] == pytest.approx(23.2)


def test_bad_input_errors_name_series_and_position() -> None:
    with pytest.raises(SeriesError) as e:
        xmr([1, 2, "three", 4], series_id="robbery")
    assert (e.value.series, e.value.position) == ("robbery", 2)
    with pytest.raises(SeriesError) as e:
        xmr_batch([[1.0] * 13, [1.0, 2.0, "x"]])
    assert (e.value.series, e.value.position) == (1, 2)
    with pytest.raises(SeriesError) as e:
        xmr_batch(np.array([[1.0] * 13, [1.0] * 12 + [np.inf]]), series_ids=["a", "b"])
    assert (e.value.series, e.value.position) == ("b", 12)
    with pytest.raises(SeriesError) as e:
        xmr_batch(np.ones((2, 14)), rebase=[[3], [14]], series_ids=["a", "b"])
    assert (e.value.series, e.value.position) == ("b", 14)
    with pytest.raises(SeriesError) as e:
        xmr(MDC_EXAMPLE, rebase=[-1])
    assert (e.value.series, e.value.position) == (0, -1)
    with pytest.raises(OptionError) as oe:
        xmr_batch(np.ones((3, 20)), baseline=[12, None, 11])
    assert oe.value.series == 2
    assert oe.value.option == "baseline"


def test_unknown_profile_and_switch() -> None:
    with pytest.raises(OptionError) as e:
        xmr(MDC_EXAMPLE, profile="nhs")
    assert set(e.value.allowed) == {"nhsr", "mdc_sql_2_5", "mdc_v5"}
    with pytest.raises(OptionError) as e:
        xmr(MDC_EXAMPLE, run_lenght=6)
    assert e.value.allowed == SWITCHES
    with pytest.raises(OptionError):
        xmr(MDC_EXAMPLE, run_length=1)
    with pytest.raises(OptionError):
        xmr(MDC_EXAMPLE, screen_outliers="yes")
    with pytest.raises(OptionError) as e:
        xmr(MDC_EXAMPLE, improvement="sideways")
    assert isinstance(e.value, PerfcoreError)
    assert isinstance(e.value, ValueError)


def test_profiles_differ_where_documented() -> None:
    # trends cross a rebase in mdc_sql_2_5 and mdc_v5, not in nhsr
    y = [5.0, 6, 5, 6, 5, 6, 5, 6, 5, 6, 1, 2, 3, 4, 5, 6, 7, 4, 5, 4, 5, 4, 5, 4, 5, 4]
    # (the second group has 12 points: trial limits, NHSRplotthedots 0.2.2: n < 13)
    assert not quiet_xmr(y, rebase=[14]).trend.any()
    assert quiet_xmr(y, rebase=[14], profile="mdc_sql_2_5").trend[10:17].all()
    assert quiet_xmr(y, rebase=[14], trends_cross_rebase=True).trend[10:17].all()
    # screening recomputes the mean in mdc_sql_2_5
    z = [1.0, 2] * 7 + [30.0, 1, 2]
    assert xmr(z).mean[0] == pytest.approx(np.mean(z))
    kept = [v for i, v in enumerate(z) if i not in (14, 15)]
    assert quiet_xmr(z, profile="mdc_sql_2_5").mean[0] == pytest.approx(np.mean(kept))


# --------------------------------------------------------------- properties


def _series() -> st.SearchStrategy[list[float]]:
    return st.lists(st.integers(-20, 20).map(float), min_size=2, max_size=30)


def _clear_of_boundaries(r: spc.XmrResult) -> bool:
    """No point within 1e-6 of a limit, and none near (but not on) the mean."""
    y = r.values
    for line in (r.upl, r.lpl, r.near_upl, r.near_lpl):
        if np.any(np.abs(y - line) <= 1e-6):
            return False
    d = np.abs(y - r.mean)
    return bool(np.all((d > 1e-6) | (d == 0)))


@given(_series(), st.integers(-1000, 1000), st.sampled_from(["increase", "decrease", "neutral"]))
def test_flags_invariant_to_adding_a_constant(y: list[float], c: int, d: str) -> None:
    a = quiet_xmr(y, improvement=d)
    assume(_clear_of_boundaries(a))
    b = quiet_xmr([v + c for v in y], improvement=d)
    assert np.array_equal(a.point_type, b.point_type)
    assert np.array_equal(a.rule, b.rule)
    assert a.variation_icon == b.variation_icon


_SWAP = {"special_cause_improvement": "special_cause_concern",
         "special_cause_concern": "special_cause_improvement",
         "special_cause_neutral_high": "special_cause_neutral_low",
         "special_cause_neutral_low": "special_cause_neutral_high",
         "common_cause": "common_cause", "missing": "missing"}


@given(_series(), st.sampled_from(["increase", "decrease", "neutral"]))
def test_mirror_symmetry(y: list[float], d: str) -> None:
    flip = {"increase": "decrease", "decrease": "increase", "neutral": "neutral"}[d]
    a = quiet_xmr(y, improvement=d)
    neg = [-v for v in y]
    b = quiet_xmr(neg, improvement=d)
    assert [_SWAP[p] for p in a.point_type] == b.point_type.tolist()
    c = quiet_xmr(neg, improvement=flip)
    if d == "neutral":
        assert [_SWAP[p] for p in a.point_type] == c.point_type.tolist()
    else:
        assert np.array_equal(a.point_type, c.point_type)
    np.testing.assert_array_equal(-a.upl, b.lpl)


@given(st.lists(st.tuples(_series(), st.sampled_from(["increase", "decrease", "neutral"]),
                          st.integers(0, 40), st.one_of(st.none(), st.integers(-20, 20))),
                min_size=1, max_size=6),
       st.sampled_from(["nhsr", "mdc_sql_2_5", "mdc_v5"]))
def test_batch_equals_loop_of_singles(rows: list[tuple[list[float], str, int, int | None]],
                                      profile: str) -> None:
    values = [r[0] for r in rows]
    rebases = [[p % len(r[0])] if p < 30 else [] for r, p in zip(rows, [r[2] for r in rows],
                                                                     strict=True)]
    b = quiet_batch(values, improvement=[r[1] for r in rows], target=[r[3] for r in rows],
                    rebase=rebases, profile=profile)
    for i, (y, d, _, t) in enumerate(rows):
        s = quiet_xmr(y, improvement=d, target=t, rebase=rebases[i], profile=profile)
        bi = b.series(i)
        for name in ("mean", "upl", "lpl", "near_upl", "near_lpl", "moving_range", "mr_mean",
                     "point_type_code", "rule_code", "run", "trend", "two_of_three", "trial"):
            np.testing.assert_array_equal(getattr(bi, name), getattr(s, name), err_msg=name)
        assert (bi.variation_icon, bi.assurance) == (s.variation_icon, s.assurance)


def test_batch_ragged_via_lengths_and_mask() -> None:
    a = np.full((2, 20), np.nan)
    a[0, :15] = MDC_EXAMPLE
    a[1, :] = RNORM20
    by_len = xmr_batch(a, lengths=[15, 20])
    mask = ~np.isnan(a)
    by_mask = xmr_batch(a, mask=mask)
    ragged = xmr_batch([MDC_EXAMPLE, RNORM20])
    for r in (by_len, by_mask, ragged):
        assert r.series(0).mean[0] == pytest.approx(quiet_xmr(MDC_EXAMPLE).mean[0])
        assert r.point_type[0, 15:].tolist() == ["missing"] * 5
        np.testing.assert_array_equal(r.series(1).upl, xmr(RNORM20).upl)


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(1, 40))
def test_constant_series_never_nan(c: float, n: int) -> None:
    r = quiet_xmr([c] * n)
    for name in ("mean", "upl", "lpl", "near_upl", "near_lpl", "mr_mean"):
        assert not np.isnan(getattr(r, name)).any()
    assert (r.point_type == "common_cause").all()


# test-ptd_add_short_group_warnings.R (cran/NHSRplotthedots 0.1.0, threshold 12 then);
# NHSRplotthedots 0.2.2 R/ptd_add_short_group_warnings.R compares n() with
# getOption("ptd_spc.warning_threshold", 13): 12 points are short, 13 are not.
def test_short_group_warnings_match_nhsr() -> None:
    rng = np.random.default_rng(7)
    with pytest.warns(TrialLimitsWarning):
        assert xmr(rng.normal(size=12)).trial.tolist() == [True] * 12
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert xmr(rng.normal(size=13)).trial.tolist() == [False] * 13
        # facets a, b of 40 points, rebased every 20: no warnings
        ok = xmr_batch(rng.normal(size=(2, 40)), rebase=[[20], [20]])
        assert not ok.trial.any()
    # facet a has groups of 35 and 5 points: only the 5 have trial limits
    with pytest.warns(TrialLimitsWarning):
        b = xmr_batch(rng.normal(size=(2, 40)), rebase=[[35], [20]])
    assert b.trial[0].tolist() == [False] * 35 + [True] * 5
    assert not b.trial[1].any()
    assert b.trial_limits.tolist() == [True, False]


def test_rebase_as_boolean_mask_equals_positions() -> None:
    y = [10.0, 11] * 8 + [50.0, 51] * 8
    mask = np.zeros(len(y), dtype=bool)
    mask[16] = True
    a, b = xmr(y, rebase=mask), xmr(y, rebase=[16])
    np.testing.assert_array_equal(a.upl, b.upl)
    m2 = np.zeros((2, len(y)), dtype=bool)
    m2[1, 16] = True
    batch = xmr_batch([y, y], rebase=m2)
    np.testing.assert_array_equal(batch.series(1).upl, b.upl)
    np.testing.assert_array_equal(batch.series(0).upl, xmr(y).upl)


def test_empty_and_tiny_series() -> None:
    empty = xmr([], target=3.0)  # nothing charted: no limits, so no trial-limit warning
    assert (len(empty.values), empty.variation_icon, empty.assurance) == (0, "none", "none")
    with pytest.warns(TrialLimitsWarning):
        one = xmr([5.0], target=3.0)
    assert (one.upl[0], one.lpl[0], one.point_type[0]) == (5.0, 5.0, "common_cause")
    assert one.assurance == "consistent_pass"  # target below a collapsed LPL of 5


def test_blocks_with_and_without_one_column_levels_assemble_alike(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # One series per block: a plain series (its centre line one column), a rebased one
    # and a short one (centre lines per point) meet in one result.
    monkeypatch.setattr(chart, "_BLOCK_POINTS", 1)
    rows = [MDC_EXAMPLE, MDC_EXAMPLE[::-1], MDC_EXAMPLE[:12]]
    rebase = [[], [7], []]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        for parts in (rows[:1], rows):  # every block one column; then mixed
            b = xmr_batch(parts, rebase=rebase[:len(parts)])
            for i, y in enumerate(parts):
                s = xmr(y, rebase=rebase[i])
                for name in ("mean", "mr_mean", "upl", "lpl"):
                    np.testing.assert_array_equal(getattr(b.series(i), name), getattr(s, name))
            assert b.mean.shape == b.values.shape
            for name in ("mean", "values", "outside_limits"):
                with pytest.raises(ValueError, match="read-only"):
                    getattr(b, name)[0, 0] = 0
    assert np.isnan(b.mean[2, 12:]).all() and b.mean[1, 0] != b.mean[1, 8]


@pytest.mark.parametrize("workers", [2, 3])
def test_threads_chart_exactly_as_one_thread(monkeypatch: pytest.MonkeyPatch,
                                            workers: int) -> None:
    # Small thresholds, so that a small batch is split over threads in uneven blocks
    # holding plain, rebased, padded and gapped series.
    monkeypatch.setattr(chart, "_THREAD_FROM_POINTS", 1)
    monkeypatch.setattr(chart, "_THREAD_BLOCK_POINTS", 60)
    rng = np.random.default_rng(5)
    values = [rng.poisson(20, size=int(rng.integers(3, 30))).astype(float).tolist()
              for _ in range(40)]
    values[3][2] = float("nan")
    rebase = [[len(v) // 2] if i % 5 == 0 else [] for i, v in enumerate(values)]
    kwargs = {"rebase": rebase, "allow_gaps": True, "improvement": "decrease",
              "target": 18.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        one = xmr_batch(values, workers=1, **kwargs)  # type: ignore[arg-type]
        many = xmr_batch(values, workers=workers, **kwargs)  # type: ignore[arg-type]
    for name in ("values", "mean", "mr_mean", "moving_range", "point_type_code", "rule_code",
                 "trial", "trial_limits", "variation_code", "assurance_code", "group"):
        np.testing.assert_array_equal(getattr(one, name), getattr(many, name), err_msg=name)
    assert one.variation_icon.tolist().count("none") < 40  # the charts are real charts


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_workers_must_be_a_positive_whole_number(workers: object) -> None:
    with pytest.raises(OptionError, match="workers"):
        xmr_batch([MDC_EXAMPLE], workers=workers)  # type: ignore[arg-type]


def test_single_result_is_a_view_of_its_batch() -> None:
    # One source of truth: xmr() is a batch of one, and XmrResult reads its row.
    r = xmr(MDC_EXAMPLE, improvement="decrease", target=20.0, series_id="asb")
    assert isinstance(r.batch, spc.XmrBatchResult) and len(r.batch) == 1 and r.index == 0
    assert np.shares_memory(r.values, r.batch.values)
    with pytest.raises(ValueError, match="read-only"):
        r.values[0] = 0.0
    b = quiet_batch([MDC_EXAMPLE, MDC_EXAMPLE[:13]], series_ids=["a", "b"])
    last = b.series(-1)
    assert (last.index, last.series_id, len(last.values)) == (1, "b", 13)
    with pytest.raises(IndexError):
        b.series(2)
    assert (r.improvement, r.target, r.series_id) == ("decrease", 20.0, "asb")
    assert "series_id='asb'" in repr(r)


# ------------------------------------------------------- rebase positions per series


def _reference_rebase_positions(value: Any, lengths: Any, ids: Any) -> tuple[Any, Any]:
    """The (series, position) pairs of ``rebase=[[...], ...]`` as the pair-by-pair code
    np.repeat replaced read them: series by series, position by position, the first
    position that is not an int within its series an error naming both."""
    rows: list[int] = []
    cols: list[int] = []
    for i, positions in enumerate(value):
        for p in [] if positions is None else positions:
            whole = type(p) is int or isinstance(p, np.integer)
            if not whole or not 0 <= p < lengths[i]:
                raise SeriesError(reason=f"rebase position out of range; positions run "
                                  f"from 0 to {int(lengths[i]) - 1}",
                                  series=i if ids is None else ids[i], position=p)
            rows.append(i)
            cols.append(int(p))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


_POSITION = st.one_of(st.integers(-3, 40), st.integers(-3, 40).map(np.int64), st.booleans(),
                      st.floats(-3, 40, allow_nan=False))


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.one_of(st.none(), st.lists(_POSITION, max_size=4)), min_size=n, max_size=n),
    st.lists(st.integers(0, 30), min_size=n, max_size=n),
    st.booleans())))
# The old code converted every position at once: one that numpy could not make an int64
# ("x", 10**400, nan) marked them all bad and the error named the first position given,
# 3 here, which is fine. Each position is judged on its own now.
@example(([[3, "x"]], [20], False))
@example(([[3], [5, 10**400]], [20, 20], True))
@example(([None, [2, float("nan")]], [20, 20], False))
def test_rebase_positions_are_the_reference_loops(case: tuple[Any, Any, bool]) -> None:
    value, lengths, named = case
    lens = np.array(lengths, dtype=np.int64)
    ids = [f"s{i}" for i in range(len(value))] if named else None
    try:
        expected: Any = _reference_rebase_positions(value, lens, ids)
    except SeriesError as exc:
        expected = exc
    if isinstance(expected, SeriesError):
        with pytest.raises(SeriesError) as info:
            _rebase_positions(value, len(value), lens, ids)
        assert str(info.value) == str(expected)
        assert info.value.fields == expected.fields
    else:
        rows, cols = _rebase_positions(value, len(value), lens, ids)
        assert rows.dtype == cols.dtype == np.int64
        np.testing.assert_array_equal(rows, expected[0])
        np.testing.assert_array_equal(cols, expected[1])


def test_values_of_the_wrong_kind_are_a_series_error_and_a_flat_list_is_one_series() -> None:
    # A single number, text or an object is not series: perfcore's error, not a bare
    # "object is not iterable" TypeError from inside the reader.
    for bad in (5.0, "abc", object()):
        with pytest.raises(SeriesError, match="values must be series of numbers"):
            xmr_batch(bad)
    # A flat list is one series, as a 1-D array already was.
    y = [float(v) for v in MDC_EXAMPLE]
    flat, array = xmr_batch(y), xmr_batch(np.array(y))
    assert flat.mean.shape == (1, len(y)) and (flat.mean == array.mean).all()
    # An unknown rule profile of the wrong type is an OptionError like a misspelt one.
    with pytest.raises(OptionError, match="profile"):
        resolve_rules(profile=["nhsr"])  # type: ignore[arg-type]
