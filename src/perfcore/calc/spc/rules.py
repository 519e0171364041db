"""The XmR rules: their settings (:class:`SpcRules`, the named profiles and single
switches), the vectorised tests that flag the points each rule catches, the precedence
that picks the rule deciding a point's label, and the point type that label is.

Every test works on a block of series at once, ``(n_series, n_points)``, with loops only
over a rule's window length.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np

from perfcore.calc._common import BoolArray, FloatArray, Int8Array
from perfcore.codes import PointType, SpcRule
from perfcore.errors import OptionError, ShapeError

__all__ = [
    "LIMIT",
    "MR_SCREEN",
    "NEAR_LIMIT",
    "PROFILES",
    "SWITCHES",
    "SpcRules",
    "limit_line",
    "point_type_codes",
    "resolve_rules",
    "rule_codes",
    "run_flags",
    "trend_flags",
    "two_of_three_flags",
]


#: Process limit width in moving-range units (3σ with σ = MR̄/1.128).
LIMIT: Final = 2.66
#: Near-limit width (2σ), computed exactly as NHSRplotthedots does so limits agree to the bit.
NEAR_LIMIT: Final = 2 * (LIMIT / 3)
#: Upper limit of the moving-range chart (D4 for n = 2), used to screen moving ranges.
MR_SCREEN: Final = 3.267


def limit_line(mean: FloatArray, mr_mean: FloatArray, width: float) -> FloatArray:
    """The line ``width`` moving-range units from the centre line, below it for a
    negative width: ``limit_line(mean, mr_mean, -LIMIT)`` is the lower process limit,
    ``mean − 2.66·MR̄`` to the bit (negating a product is exact)."""
    line: FloatArray = mean + width * mr_mean
    return line


@attrs.frozen(kw_only=True)
class SpcRules:
    """The resolved rule settings one chart was drawn with (a profile plus any switches).

    Attributes
    ----------
    run_length : int
        Consecutive points on one side of the mean that make a run (7; 6 in ``mdc_v5``).
    trend_length : int
        Consecutive strictly rising or falling points that make a trend (7; 6 in ``mdc_v5``).
    screen_outliers : bool
        Drop moving ranges ``≥ 3.267·MR̄`` once and recompute MR̄.
    screen_recomputes_mean : bool
        Screening also drops, from the mean, each point whose incoming moving range was
        screened out (``mdc_sql_2_5``).
    assurance_inclusive : bool
        A target exactly on a process limit counts as beyond it (``>=``/``<=``;
        ``mdc_sql_2_5``). NHSRplotthedots compares strictly: on the limit is inconsistent.
    trends_cross_rebase : bool
        Trends may run across a rebase (``mdc_sql_2_5``, ``mdc_v5``).
    runs_cross_rebase : bool
        Runs and 2-of-3 may run across a rebase, each point judged against its own
        group's mean and limits (``mdc_v5``).
    two_of_three_counts_beyond : bool
        Points beyond the process limits count towards 2-of-3 (off in every profile).
    trend_side_from_trend : bool
        Each point of a trend takes the direction of the trend it belongs to (a point
        shared by a rising and a falling trend, the trend it ends). Off in every profile:
        NHSRplotthedots 0.2.2's rule is used instead — the step to the next point when
        that point is in a trend too, else the step from the previous point — which
        differs only where two trends meet (see :func:`point_type_codes`).
    short_group : int
        A group with fewer points than this has trial limits: 13 in every profile, as
        NHSRplotthedots 0.2.2 computes it (``ptd_add_short_group_warnings``:
        ``n() < getOption("ptd_spc.warning_threshold", 13)``, although its message and
        its documentation say 12) and docs/spc.md §5 says ("fewer than 13 points").
    """

    run_length: int = 7
    trend_length: int = 7
    screen_outliers: bool = True
    screen_recomputes_mean: bool = False
    assurance_inclusive: bool = False
    trends_cross_rebase: bool = False
    runs_cross_rebase: bool = False
    two_of_three_counts_beyond: bool = False
    trend_side_from_trend: bool = False
    short_group: int = 13


#: Named rule profiles. Each differs from ``nhsr`` only where its source does.
PROFILES: Final[Mapping[str, SpcRules]] = {
    "nhsr": SpcRules(),
    "mdc_sql_2_5": SpcRules(screen_recomputes_mean=True, assurance_inclusive=True,
                            trends_cross_rebase=True),
    "mdc_v5": SpcRules(run_length=6, trend_length=6, trends_cross_rebase=True,
                       runs_cross_rebase=True),
}
#: Switch names accepted as keyword arguments by :func:`xmr` and :func:`xmr_batch`.
SWITCHES: Final = tuple(a.name for a in attrs.fields(SpcRules))
_COUNTS = ("run_length", "trend_length", "short_group")

# The codes as numpy scalars, looked up once: an enum attribute costs a Python call, which
# shows when a chart is a single short series.
_NO_RULE, _OUTSIDE, _TREND, _TWO_OF_THREE, _RUN = (np.int8(r) for r in (
    SpcRule.NONE, SpcRule.OUTSIDE_LIMITS, SpcRule.TREND, SpcRule.TWO_OF_THREE, SpcRule.RUN))
#: The rules in precedence order (their codes run in this order, from 1).
_PRECEDENCE: Final = (SpcRule.OUTSIDE_LIMITS, SpcRule.TREND, SpcRule.TWO_OF_THREE, SpcRule.RUN)
assert [int(r) for r in _PRECEDENCE] == [1, 2, 3, 4]  # what rule_codes counts on
_COMMON, _IMPROVEMENT, _CONCERN, _NEUTRAL_HIGH, _NEUTRAL_LOW, _MISSING = (np.int8(t) for t in (
    PointType.COMMON_CAUSE, PointType.SPECIAL_CAUSE_IMPROVEMENT,
    PointType.SPECIAL_CAUSE_CONCERN, PointType.SPECIAL_CAUSE_NEUTRAL_HIGH,
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW, PointType.MISSING))
# point_type_codes counts on these: improvement one below concern, neutral high one
# below neutral low, common cause 0.
assert (int(_CONCERN - _IMPROVEMENT), int(_NEUTRAL_LOW - _NEUTRAL_HIGH), int(_COMMON)) == (1, 1, 0)


def resolve_rules(profile: str = "nhsr", **switches: Any) -> SpcRules:
    """Return the rules of ``profile`` with any ``switches`` applied on top.

    Unknown profiles or switch names, and switch values of the wrong kind, raise
    :class:`~perfcore.errors.OptionError` listing what is allowed.
    """
    if not isinstance(profile, str) or profile not in PROFILES:
        raise OptionError.for_choice("profile", profile, PROFILES)
    for name, value in switches.items():
        if name == "rules":
            raise OptionError(
                option="rules", value=value,
                reason="there is no rules= option: choose the rule set with profile= and "
                "switch single rules by name", allowed=tuple(PROFILES),
                hint=f"profile= is one of {', '.join(PROFILES)}; the switches are "
                f"{', '.join(SWITCHES)}")
        if name not in SWITCHES:
            raise OptionError.for_choice("switch", name, SWITCHES)
        if name in _COUNTS:
            low = 1 if name == "short_group" else 2
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise OptionError(option=name, value=value, allowed=f"an integer >= {low}")
        elif not isinstance(value, (bool, np.bool_)):
            raise OptionError.for_choice(name, value, (True, False))
    clean: dict[str, Any] = {k: (int(v) if k in _COUNTS else bool(v))
                             for k, v in switches.items()}
    return attrs.evolve(PROFILES[profile], **clean)


# --------------------------------------------------------------------------- rule tests
#
# Each test shifts a block of series along time. Shifting the flattened block (one
# contiguous run of memory) is several times faster than shifting a 2-D one row by row;
# the few results that straddle two series are those at a series' first points, which
# every test clears or which a link (False at each series' first point) rules out.


def _flat(x: np.ndarray) -> np.ndarray:
    """``x`` as one contiguous run of memory (a view unless it must be copied)."""
    return np.ascontiguousarray(x).reshape(-1)


def check_block(length: int | None = None, **arrays: Any) -> None:
    """:class:`ShapeError` unless ``arrays`` are 2-D (series × points) of one shape;
    :class:`OptionError` unless a rule's window ``length`` is a whole number ≥ 2. The
    rule tests are public, so a caller's mistake is named rather than a numpy error."""
    shapes = {k: np.shape(a) for k, a in arrays.items()}
    if len(set(shapes.values())) > 1 or any(len(v) != 2 for v in shapes.values()):
        raise ShapeError(reason="the rule tests need 2-D arrays (series × points) of one "
                         "shape", shapes=shapes)
    if length is not None and (isinstance(length, bool)
                               or not isinstance(length, (int, np.integer)) or length < 2):
        raise OptionError(option="length", value=length, allowed="a whole number, at least 2")


def _linked_or_first(linked: BoolArray) -> BoolArray:
    out = np.array(linked, dtype=bool)  # a C-contiguous copy
    out[:, :1] = False  # the first point continues nothing
    return out


def _all_of_last(x: BoolArray, width: int) -> BoolArray:
    """True at ``t`` when ``x`` is True at each of ``t-width+1 .. t`` (False before)."""
    out = np.zeros(x.shape, dtype=bool)
    if x.shape[1] - width + 1 <= 0:
        return out
    xf, of = _flat(x), out.reshape(-1)
    acc = of[width - 1:]
    np.copyto(acc, xf[width - 1:])
    for j in range(1, width):  # a loop over the window length only; each step spans all series
        acc &= xf[width - 1 - j: xf.size - j]
    out[:, :width - 1] = False  # windows that would start in the series before
    return out


def _spread_back(ends: BoolArray, width: int, out: BoolArray | None = None) -> BoolArray:
    """Mark every point of each window of ``width`` that ends where ``ends`` is True
    (into ``out`` when given, C-contiguous). ``ends`` is False in each series' first
    ``width - 1`` points (no window of ``width`` ends there), so nothing spreads into the
    series before."""
    if out is not None and not out.flags.c_contiguous:
        out[...] = _spread_back(ends, width)
        return out
    part = np.array(ends, dtype=bool) if out is None else out
    if out is not None:
        np.copyto(part, ends)
    pf, ef = part.reshape(-1), _flat(ends)
    for j in range(1, min(width, ends.shape[1])):
        pf[:-j] |= ef[j:]
    return part


def run_flags(side: Int8Array, linked: BoolArray, length: int, *,
              out: BoolArray | None = None) -> BoolArray:
    """Points in a run of ``length`` or more on one side of the mean.

    ``side`` is −1/0/+1 (0: on the mean or missing, which breaks a run); ``linked[t]``
    says point ``t`` may continue a run from ``t−1`` (False across a rebase that runs may
    not cross). ``out``: a C-contiguous array to write the flags into.
    """
    check_block(length, side=side, linked=linked)
    eq = _linked_or_first(linked)
    eq &= side != 0
    sf = _flat(side)
    eq.reshape(-1)[1:] &= sf[1:] == sf[:-1]  # (each series' first point stays False)
    # a run of `length` points is `length - 1` links, ending at a point off the mean
    ends = _all_of_last(eq, length - 1)
    ends[:, : length - 1] = False
    return _spread_back(ends, length, out)


def step_signs(diff: FloatArray, linked: BoolArray) -> Int8Array:
    """The sign of each step ``y_t − y_{t−1}`` given the steps ``diff`` at every point
    (the first column is not read), 0 where ``t`` is not linked to ``t−1``, next to a
    gap (NaN), and for ties (:func:`trend_flags`' ``step``)."""
    with np.errstate(invalid="ignore"):
        step = np.greater(diff, 0).view(np.int8)
        step -= np.less(diff, 0).view(np.int8)
    step *= _linked_or_first(linked).view(np.int8)
    return step


def value_step_signs(y: FloatArray, linked: BoolArray) -> Int8Array:
    """:func:`step_signs` from the values: ``y_t`` compared with ``y_{t−1}`` rather than
    the sign of their difference, which is the same (a difference of two finite doubles
    is 0 only when they are equal, NaN when either is), with no array of differences to
    make and read. Along the flattened rows; each series' first point, compared with
    the series before, is cleared with the points not linked."""
    yf = _flat(y)
    step = np.zeros(y.shape, dtype=np.int8)
    sf = step.reshape(-1)
    with np.errstate(invalid="ignore"):
        np.greater(yf[1:], yf[:-1], out=sf[1:].view(np.bool_))
        sf[1:] -= np.less(yf[1:], yf[:-1]).view(np.int8)
    step *= _linked_or_first(linked).view(np.int8)
    return step


def trend_steps(step: Int8Array, length: int, *, out: BoolArray | None = None) -> BoolArray:
    """Points in a trend of ``length`` points, from :func:`step_signs` (into ``out``, a
    C-contiguous array, when given)."""
    ends = _all_of_last(step == 1, length - 1)
    ends |= _all_of_last(step == -1, length - 1)
    ends[:, : length - 1] = False
    return _spread_back(ends, length, out)


def trend_flags(y: FloatArray, linked: BoolArray, length: int, *,
                diff: FloatArray | None = None) -> tuple[BoolArray, Int8Array]:
    """Points in a trend of ``length`` strictly rising or falling points, and step signs.

    Returns the flags and ``step`` (sign of ``y_t − y_{t−1}``; 0 where ``t`` is not linked
    to ``t−1``, next to a gap, and for ties, each of which breaks a trend). ``diff`` is
    ``y[:, 1:] - y[:, :-1]`` when the caller has it already.
    """
    check_block(length, y=y, linked=linked)
    if diff is None:  # the signs from the values, as xmr_batch reads them
        step = value_step_signs(y, linked)
    else:
        full = np.empty(y.shape)
        full[:, :1] = 0.0
        full[:, 1:] = diff
        step = step_signs(full, linked)
    return trend_steps(step, length), step


def two_of_three_flags(near: BoolArray, side: Int8Array, linked: BoolArray, *,
                       out: BoolArray | None = None) -> BoolArray:
    """Near-limit points in 3 consecutive points with ≥ 2 near a limit, all 3 on one side
    (into ``out`` when given)."""
    check_block(near=near, side=side, linked=linked)
    hit = np.zeros(near.shape, dtype=bool)
    if near.shape[1] >= 3:
        lk = _flat(_linked_or_first(linked))
        nf, sf = _flat(near).view(np.int8), _flat(side)
        count = nf[:-2] + nf[1:-1]
        count += nf[2:]
        sides = sf[:-2] + sf[1:-1]
        sides += sf[2:]
        got = hit.reshape(-1)[2:]
        np.greater_equal(count, 2, out=got)
        got &= np.abs(sides) == 3
        got &= lk[1:-1]  # (False at each series' first point: no window spans two series)
        got &= lk[2:]
        hit[:, :2] = False
    return np.logical_and(near, _spread_back(hit, 3), out=out)


# --------------------------------------------------------------------------- labels


def rule_codes(outside: BoolArray, trend: BoolArray, two_of_three: BoolArray,
               run: BoolArray, *, out: Int8Array | None = None) -> Int8Array:
    """The :class:`~perfcore.codes.SpcRule` deciding each point's label, by precedence:
    outside limits > trend > 2-of-3 > run > none (into ``out`` when given)."""
    # Rank each rule by precedence (run 1 ... outside limits 4), take the highest that
    # fired, then map rank r to its code: 5 - r (codes run in precedence order), 0 for none.
    rank = np.array(run, dtype=np.int8)
    for r, flag in ((2, two_of_three), (3, trend), (4, outside)):
        np.maximum(rank, np.multiply(flag.view(np.int8), np.int8(r)), out=rank)
    fired = (rank != 0).view(np.int8)
    code: Int8Array = np.subtract(np.int8(len(_PRECEDENCE) + 1), rank, dtype=np.int8,
                                  out=out)
    code *= fired
    return code


def point_type_codes(rule_code: Int8Array, trend: BoolArray, step: Int8Array,
                     trend_linked: BoolArray, side: Int8Array, signs: Int8Array,
                     valid: BoolArray, *, trend_length: int | None = None,
                     out: Int8Array | None = None) -> Int8Array:
    """The :class:`~perfcore.codes.PointType` of each point (into ``out`` when given).

    A point's side is its side of the mean, except for a point labelled by a trend,
    whose side is a direction (NHSRplotthedots 0.2.2, fix for issue #171: a rising trend
    that starts below the mean is all improvement when increase is good):

    - by default, NHSRplotthedots' rule (``ptd_special_cause_type``): the sign of the
      step to the next point when that point is in a trend too, else of the step from
      the previous point; a step of 0 counts as falling. Inside one trend that is the
      trend's direction. Where two trends meet it is the later one's: the peak shared
      by a rising and a falling trend is falling, and the last point of a rising trend
      followed by a tie and another trend is falling (the tie's step, 0);
    - with ``trend_length`` (switch ``trend_side_from_trend``), the direction of the trend
      of ``trend_length`` points the point belongs to; a point shared by a rising and a
      falling trend takes the one it ends (the step from the previous point), so a
      point's side does not change when later points start another trend.

    The side read with the improvement direction ``signs`` (+1/−1 per series) is
    improvement or concern; a neutral series (0) gets neutral high/low instead.
    """
    high = np.greater(side, 0)
    by_trend = rule_code == _TREND
    if by_trend.any():
        rising = (_rising_next_or_previous(trend, step, trend_linked) if trend_length is None
                  else _rising_trend_points(step, trend_length))
        high &= ~by_trend
        high |= by_trend & rising
    # Improvement: high when increase is good, low when decrease is; concern otherwise.
    # A neutral series is neutral high or low. As codes: 2 - improvement (concern 2,
    # improvement 1) and 4 - high (neutral low 4, high 3).
    s = np.asarray(signs)[:, None]
    key = high ^ (s < 0)
    base = np.where(s == 0, np.int8(_NEUTRAL_LOW), np.int8(_CONCERN)).astype(np.int8)
    point_type: Int8Array = np.subtract(base, key.view(np.int8), dtype=np.int8, out=out)
    point_type *= (rule_code != _NO_RULE).view(np.int8)  # common cause: 0
    if not valid.all():
        invalid = ~valid
        point_type *= valid.view(np.int8)
        point_type += invalid.view(np.int8) * _MISSING
    return point_type


def _rising_next_or_previous(trend: BoolArray, step: Int8Array,
                             trend_linked: BoolArray) -> BoolArray:
    """NHSRplotthedots' direction of each trend point: rising if the step to the next
    point rises when that point is in a trend too (and linked), else if the step from
    the previous point does."""
    tf, sf, lf = _flat(trend), _flat(step), _flat(trend_linked)
    nxt_in = np.zeros(trend.shape, dtype=bool)
    nf = nxt_in.reshape(-1)
    np.logical_and(tf[1:], tf[:-1], out=nf[:-1])
    nf[:-1] &= lf[1:]
    nxt_in[:, -1:] = False  # the last point has no next one
    up = sf == 1
    rising = np.zeros(trend.shape, dtype=bool)
    rf = rising.reshape(-1)
    np.logical_and(nf[:-1], up[1:], out=rf[:-1])
    rf |= ~nf & up
    return rising


def _rising_trend_points(step: Int8Array, length: int) -> BoolArray:
    """True at the points of a rising trend of ``length`` points (``step`` as
    :func:`trend_flags` gives it). A point where a rising and a falling trend meet (in
    both) goes with the trend it ends: rising if its step from the previous point rises."""
    membership = []
    for sign in (1, -1):
        ends = _all_of_last(step == sign, length - 1)
        ends[:, : length - 1] = False
        membership.append(_spread_back(ends, length))
    up, down = membership
    return np.where(up & down, step == 1, up)
