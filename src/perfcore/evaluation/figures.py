"""The headline figures of measures × organisations: the interval of the current value,
the change since the previous period and the test of that change, by measure kind.

Each kind is computed with one vectorised call per calculation over all its measures and
every organisation; the values themselves come from :func:`.values.measure_values`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc import (
    FlagArray,
    FloatArray,
    count_ci,
    effective_sample_size,
    mean_change_test,
    mean_ci,
    pct_change,
    pp_change,
    pp_change_ci,
    proportion_ci,
    rate_ci,
    rate_ratio_ci,
)
from perfcore.codes import IntervalMethod, MeasureKind, UntestedReason
from perfcore.errors import InvalidInputWarning
from perfcore.evaluation.records import Change, ChangeTest, Counts, Interval
from perfcore.evaluation.values import MeasureValues
from perfcore.model import Measure

__all__ = ["Headline", "headline_figures"]

Rows = npt.NDArray[np.intp]


@attrs.frozen(kw_only=True)
class Headline:
    """Everything :func:`headline_figures` computes, for every organisation.

    ``compared`` holds, per cell, the estimate a comparator is tested against and its
    interval: the ratio current/previous and its interval for counts (a group's change is
    compared with the force's), the value and its interval otherwise."""

    current: FloatArray
    previous: FloatArray
    counts: Counts
    interval: Interval
    change: Change
    test: ChangeTest
    compared: tuple[FloatArray, FloatArray, FloatArray]
    reasons: FlagArray


def headline_figures(values: MeasureValues, measures: Sequence[Measure], *,
                     confidence: float, small_base: float, overlapping: bool = False,
                     design_effect: float = 1.0) -> Headline:
    """Figures of the last two periods of ``values`` (previous, current).

    ``overlapping`` periods (rolling years sharing months) are not independent samples:
    their change is not tested. ``design_effect`` divides survey sample sizes (Kish's
    effective sample size) for the intervals and tests of survey proportions."""
    nm, no = values.value.shape[:2]
    kinds = [m.kind for m in measures]

    def rows(*wanted: MeasureKind) -> Rows:
        return np.array([i for i, k in enumerate(kinds) if k in wanted], dtype=np.intp)

    cur, prev = values.value[..., 1], values.value[..., 0]
    out = _Arrays.empty(nm, no)
    with warnings.catch_warnings():
        # Element-level problems are reported through reasons on the Evaluation.
        warnings.simplefilter("ignore", InvalidInputWarning)
        _counts(out, rows(MeasureKind.COUNT), values, confidence)
        _rates(out, rows(MeasureKind.RATE), values, measures, confidence)
        _proportions(out, rows(MeasureKind.PROPORTION), _effective(values, design_effect),
                     confidence)
        _means(out, rows(MeasureKind.MEAN), values, confidence)
        change = _change(cur, prev, rows(MeasureKind.PROPORTION),
                         rows(MeasureKind.COUNT, MeasureKind.RATE, MeasureKind.MEAN,
                              MeasureKind.MONEY), small_base)
    untested = _untested(values, kinds, out, overlapping)
    tested = untested == UntestedReason.NONE
    method = tuple(_TEST_METHODS.get(k, "") for k in kinds)
    return Headline(
        current=cur, previous=prev,
        counts=Counts(numerator=values.x[..., 1], denominator=values.n[..., 1],
                      previous_numerator=values.x[..., 0],
                      previous_denominator=values.n[..., 0]),
        interval=Interval(lower=out.lower, upper=out.upper, method=out.ci_method,
                          confidence=confidence),
        change=change,
        test=ChangeTest(tested=tested, significant=tested & (out.significant == 1),
                        pvalue=np.where(tested, out.pvalue, np.nan), method=method,
                        untested=untested),
        compared=(out.cmp_value, out.cmp_lower, out.cmp_upper), reasons=out.reasons)


#: The test of each kind's change (ChangeTest.method).
_TEST_METHODS = {MeasureKind.PROPORTION: "newcombe", MeasureKind.COUNT: "rate_ratio",
                 MeasureKind.RATE: "rate_ratio", MeasureKind.MEAN: "welch"}


def _effective(values: MeasureValues, design_effect: float) -> MeasureValues:
    """Survey proportions with the effective sample size n / design effect."""
    if design_effect == 1.0 or not values.survey.any():
        return values
    n = np.where(values.survey, effective_sample_size(values.n, design_effect), values.n)
    x = np.where(values.survey, values.value * n, values.x)
    return attrs.evolve(values, x=x, n=n)


def _untested(v: MeasureValues, kinds: Sequence[MeasureKind], out: _Arrays,
              overlapping: bool) -> npt.NDArray[np.int8]:
    """Why each cell's change was not tested (``NONE`` where it was), naming the missing
    input first: a reader can supply it."""
    shape = v.value.shape[:2]
    reason = np.full(shape, UntestedReason.NONE, dtype=np.int8)
    kind = np.array([k.value for k in kinds])[:, None]
    missing = np.isnan(v.value).any(axis=2)
    no_x, no_n = np.isnan(v.x).any(axis=2), np.isnan(v.n).any(axis=2)
    # Overlapping periods come before missing inputs: no input could make them testable.
    rules = [
        (missing, UntestedReason.NO_DATA),
        (kind == MeasureKind.QUALITATIVE.value, UntestedReason.NOT_A_SAMPLE),
        (kind == MeasureKind.MONEY.value, UntestedReason.NOT_A_SAMPLE),
        (np.full(shape, overlapping), UntestedReason.OVERLAPPING),
        ((kind == MeasureKind.PROPORTION.value) & no_n, UntestedReason.NO_BASE),
        ((kind == MeasureKind.RATE.value) & no_x, UntestedReason.NO_COUNT),
        ((kind == MeasureKind.RATE.value) & no_n, UntestedReason.NO_POPULATION),
        ((kind == MeasureKind.MEAN.value) & (np.isnan(v.sd).any(axis=2) if v.sd is not None
                                             else True), UntestedReason.NO_SD),
        ((kind == MeasureKind.MEAN.value) & no_n, UntestedReason.NO_BASE),
        (np.isnan(out.significant), UntestedReason.INVALID),
    ]
    for where, why in reversed(rules):  # the first rule that applies names the reason
        reason = np.where(where, why, reason).astype(np.int8)
    return reason


@attrs.define
class _Arrays:
    """Per-cell outputs filled kind by kind."""

    lower: FloatArray
    upper: FloatArray
    ci_method: npt.NDArray[np.int8]
    significant: FloatArray  # 1 / 0 / NaN (not tested)
    pvalue: FloatArray
    cmp_value: FloatArray
    cmp_lower: FloatArray
    cmp_upper: FloatArray
    reasons: FlagArray

    @classmethod
    def empty(cls, nm: int, no: int) -> _Arrays:
        def nan() -> FloatArray:
            return np.full((nm, no), np.nan)
        return cls(lower=nan(), upper=nan(),
                   ci_method=np.full((nm, no), IntervalMethod.NONE, dtype=np.int8),
                   significant=nan(), pvalue=nan(), cmp_value=nan(), cmp_lower=nan(),
                   cmp_upper=nan(), reasons=np.zeros((nm, no), dtype=np.uint16))


def _counts(out: _Arrays, r: Rows, v: MeasureValues, confidence: float) -> None:
    """% change tested by the conditional exact test of the ratio of two counts."""
    if not r.size:
        return
    x = v.x[r]
    ci = count_ci(x[..., 1], confidence=confidence)
    out.lower[r], out.upper[r] = ci.lower, ci.upper
    out.ci_method[r] = ci.method_code
    rr = rate_ratio_ci(previous=x[..., 0], current=x[..., 1], confidence=confidence)
    out.significant[r] = np.where(rr.reasons != 0, np.nan, rr.significant)
    out.pvalue[r] = rr.pvalue
    out.cmp_value[r], out.cmp_lower[r], out.cmp_upper[r] = rr.ratio, rr.lower, rr.upper
    out.reasons[r] |= ci.reasons


def _rates(out: _Arrays, r: Rows, v: MeasureValues, measures: Sequence[Measure],
           confidence: float) -> None:
    """Interval from the count; the change tested as a ratio of counts with exposure."""
    if not r.size:
        return
    x, pop = v.x[r], v.n[r]
    per = np.array([measures[i].rate_per for i in r], dtype=float)
    ci_reasons = np.zeros(x.shape[:2], dtype=np.uint16)
    for base in np.unique(per):
        # rate_ci takes one population base; plans rarely use more than one.
        sel = per == base
        ci = rate_ci(x[sel, :, 1], pop[sel, :, 1], per=float(base), confidence=confidence)
        out.lower[r[sel]], out.upper[r[sel]] = ci.lower, ci.upper
        out.ci_method[r[sel]] = ci.method_code
        ci_reasons[sel] = ci.reasons
    rr = rate_ratio_ci(previous=x[..., 0], current=x[..., 1], previous_exposure=pop[..., 0],
                       current_exposure=pop[..., 1], confidence=confidence)
    out.significant[r] = np.where(rr.reasons != 0, np.nan, rr.significant)
    out.pvalue[r] = rr.pvalue
    out.cmp_value[r] = v.value[r][..., 1]
    out.cmp_lower[r], out.cmp_upper[r] = out.lower[r], out.upper[r]
    out.reasons[r] |= np.where(~np.isnan(x[..., 1]), ci_reasons, 0).astype(np.uint16)


def _proportions(out: _Arrays, r: Rows, v: MeasureValues, confidence: float) -> None:
    """Wilson interval; the pp change tested by Newcombe's hybrid score interval."""
    if not r.size:
        return
    x, n = v.x[r], v.n[r]
    ci = proportion_ci(x[..., 1], n[..., 1], confidence=confidence)
    out.lower[r], out.upper[r] = ci.lower, ci.upper
    out.ci_method[r] = ci.method_code
    d = pp_change_ci(previous=x[..., 0], previous_n=n[..., 0], current=x[..., 1],
                     current_n=n[..., 1], confidence=confidence)
    out.significant[r] = np.where(d.reasons != 0, np.nan, d.significant)
    out.pvalue[r] = d.pvalue
    out.cmp_value[r], out.cmp_lower[r], out.cmp_upper[r] = (v.value[r][..., 1], ci.lower,
                                                            ci.upper)
    out.reasons[r] |= np.where(~np.isnan(n[..., 1]), ci.reasons, 0).astype(np.uint16)


def _means(out: _Arrays, r: Rows, v: MeasureValues, confidence: float) -> None:
    """Student's t interval of the mean; the change tested by Welch's t-test, where the
    data give each period's standard deviation and sample size."""
    if not r.size or v.sd is None:
        return
    m, sd, n = v.value[r], v.sd[r], v.n[r]
    ci = mean_ci(m[..., 1], sd[..., 1], n[..., 1], confidence=confidence)
    out.lower[r], out.upper[r] = ci.lower, ci.upper
    out.ci_method[r] = ci.method_code
    d = mean_change_test(previous=m[..., 0], previous_sd=sd[..., 0], previous_n=n[..., 0],
                         current=m[..., 1], current_sd=sd[..., 1], current_n=n[..., 1],
                         confidence=confidence)
    out.significant[r] = np.where(d.reasons != 0, np.nan, d.significant)
    out.pvalue[r] = d.pvalue
    out.cmp_value[r], out.cmp_lower[r], out.cmp_upper[r] = m[..., 1], ci.lower, ci.upper
    out.reasons[r] |= np.where(~np.isnan(sd[..., 1]), ci.reasons, 0).astype(np.uint16)


def _change(cur: FloatArray, prev: FloatArray, pp_rows: Rows, pct_rows: Rows,
            small_base: float) -> Change:
    """% change for counts, rates, means and money; percentage points for proportions."""
    value = np.full(cur.shape, np.nan)
    absolute = np.full(cur.shape, np.nan)
    reasons = np.zeros(cur.shape, dtype=np.uint16)
    if pct_rows.size:
        c = pct_change(current=cur[pct_rows], previous=prev[pct_rows], small_base=small_base)
        value[pct_rows], absolute[pct_rows], reasons[pct_rows] = c.value, c.absolute, c.reasons
    if pp_rows.size:
        c = pp_change(current=cur[pp_rows], previous=prev[pp_rows])
        value[pp_rows], absolute[pp_rows], reasons[pp_rows] = c.value, c.absolute, c.reasons
    units = ["%"] * cur.shape[0]
    for i in pp_rows.tolist():
        units[i] = "pp"
    return Change(value=value, absolute=absolute, unit=tuple(units), reasons=reasons)
