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
_COMMON, _IMPROVEMENT, _CONCERN, _NEUTRAL_HIGH, _NEUTRAL_LOW, _MISSING = (np.int8(t) for t in (
    PointType.COMMON_CAUSE, PointType.SPECIAL_CAUSE_IMPROVEMENT,
    PointType.SPECIAL_CAUSE_CONCERN, PointType.SPECIAL_CAUSE_NEUTRAL_HIGH,
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW, PointType.MISSING))


def resolve_rules(profile: str = "nhsr", **switches: Any) -> SpcRules:
    """Return the rules of ``profile`` with any ``switches`` applied on top.

    Unknown profiles or switch names, and switch values of the wrong kind, raise
    :class:`~perfcore.errors.OptionError` listing what is allowed.
    """
    if profile not in PROFILES:
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
    out = np.array(linked, dtype=bool)
    out[:, :1] = False  # the first point continues nothing
    return out


def _all_of_last(x: BoolArray, width: int) -> BoolArray:
    """True at ``t`` when ``x`` is True at each of ``t-width+1 .. t`` (False before)."""
    out = np.zeros(x.shape, dtype=bool)
    span = x.shape[1] - width + 1
    if span <= 0:
        return out
    acc = x[:, width - 1:].copy()
    for j in range(1, width):  # a loop over the window length only; each step spans all series
        acc &= x[:, width - 1 - j: width - 1 - j + span]
    out[:, width - 1:] = acc
    return out


def _spread_back(ends: BoolArray, width: int) -> BoolArray:
    """Mark every point of each window of ``width`` that ends where ``ends`` is True."""
    part = ends.copy()
    for j in range(1, min(width, ends.shape[1])):
        part[:, :-j] |= ends[:, j:]
    return part


def run_flags(side: Int8Array, linked: BoolArray, length: int) -> BoolArray:
    """Points in a run of ``length`` or more on one side of the mean.

    ``side`` is −1/0/+1 (0: on the mean or missing, which breaks a run); ``linked[t]``
    says point ``t`` may continue a run from ``t−1`` (False across a rebase that runs may
    not cross).
    """
    check_block(length, side=side, linked=linked)
    eq = _linked_or_first(linked) & (side != 0)
    eq[:, 1:] &= side[:, 1:] == side[:, :-1]
    # a run of `length` points is `length - 1` links, ending at a point off the mean
    ends = _all_of_last(eq, length - 1)
    ends[:, : length - 1] = False
    return _spread_back(ends, length)


def trend_flags(y: FloatArray, linked: BoolArray, length: int, *,
                diff: FloatArray | None = None) -> tuple[BoolArray, Int8Array]:
    """Points in a trend of ``length`` strictly rising or falling points, and step signs.

    Returns the flags and ``step`` (sign of ``y_t − y_{t−1}``; 0 where ``t`` is not linked
    to ``t−1``, next to a gap, and for ties, each of which breaks a trend). ``diff`` is
    ``y[:, 1:] - y[:, :-1]`` when the caller has it already.
    """
    check_block(length, y=y, linked=linked)
    step = np.zeros(y.shape, dtype=np.int8)
    with np.errstate(invalid="ignore", over="ignore"):
        if diff is None:
            diff = y[:, 1:] - y[:, :-1]
        step[:, 1:] = (diff > 0).view(np.int8) - (diff < 0).view(np.int8)
    step[~_linked_or_first(linked)] = 0
    ends = _all_of_last(step == 1, length - 1) | _all_of_last(step == -1, length - 1)
    ends[:, : length - 1] = False
    return _spread_back(ends, length), step


def two_of_three_flags(near: BoolArray, side: Int8Array, linked: BoolArray) -> BoolArray:
    """Near-limit points in 3 consecutive points with ≥ 2 near a limit, all 3 on one side."""
    check_block(near=near, side=side, linked=linked)
    hit = np.zeros(near.shape, dtype=bool)
    if near.shape[1] >= 3:
        lk = _linked_or_first(linked)
        count = near[:, :-2].view(np.int8) + near[:, 1:-1].view(np.int8) + near[:, 2:].view(
            np.int8)
        sides = side[:, :-2] + side[:, 1:-1] + side[:, 2:]
        hit[:, 2:] = (count >= 2) & (np.abs(sides) == 3) & lk[:, 1:-1] & lk[:, 2:]
    return near & _spread_back(hit, 3)


# --------------------------------------------------------------------------- labels


def rule_codes(outside: BoolArray, trend: BoolArray, two_of_three: BoolArray,
               run: BoolArray) -> Int8Array:
    """The :class:`~perfcore.codes.SpcRule` deciding each point's label, by precedence:
    outside limits > trend > 2-of-3 > run > none."""
    code = np.full(outside.shape, _NO_RULE, dtype=np.int8)
    for rule, flag in ((_RUN, run), (_TWO_OF_THREE, two_of_three), (_TREND, trend),
                       (_OUTSIDE, outside)):
        code[flag] = rule  # lowest precedence first, so that higher ones overwrite
    return code


def point_type_codes(rule_code: Int8Array, trend: BoolArray, step: Int8Array,
                     trend_linked: BoolArray, side: Int8Array, signs: Int8Array,
                     valid: BoolArray, *, trend_length: int | None = None) -> Int8Array:
    """The :class:`~perfcore.codes.PointType` of each point.

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
    if trend_length is None:
        nxt_in = np.zeros(trend.shape, dtype=bool)
        nxt_in[:, :-1] = trend[:, 1:] & trend[:, :-1] & trend_linked[:, 1:]
        right = np.zeros(trend.shape, dtype=np.int8)
        right[:, :-1] = step[:, 1:]
        rising = np.where(nxt_in, right, step) == 1
    else:
        rising = _rising_trend_points(step, trend_length)
    high = np.where(rule_code == _TREND, rising, side > 0)
    direction = high.view(np.int8) * np.int8(2) - np.int8(1)  # +1 high, -1 low
    oriented = direction * signs[:, None]
    point_type = np.where(oriented > 0, _IMPROVEMENT, _CONCERN)
    neutral = signs == 0
    if neutral.any():
        nh = np.where(high, _NEUTRAL_HIGH, _NEUTRAL_LOW)
        point_type[neutral] = nh[neutral]
    point_type[rule_code == _NO_RULE] = _COMMON
    point_type[~valid] = _MISSING
    return point_type


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
