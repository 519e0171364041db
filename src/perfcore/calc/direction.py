"""Direction of travel: arrow, assessment and Fingertips trend markers
(docs/methodology-comparison.md §4).

The **arrow** is always the sign of the change (↑ ↓ →). The **assessment** (improving /
deteriorating / no change) reads the arrow through the measure's polarity, but only
when the chosen method found a signal: with ``method="significance"`` a change that is
not significant is ``"no_change"`` even though the arrow shows which way it moved.

:func:`trend_test` gives the trend markers Fingertips (PHE/UKHSA) publishes, following
``TrendMarkerCalculator`` in ``ukhsa-collaboration/fingertips-open``
(``PholioVisualisationWS/Analysis/TrendMarkers``) and its port in
``dhsc-govuk/FingertipsNext`` (``trend-analysis/TrendAnalysisApp/Calculator/Legacy``).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    BoolArray,
    FlagArray,
    FloatArray,
    Int8Array,
    Reason,
    StrArray,
    as_float,
    blank_overflow,
    broadcast,
    broadcast_signs,
    check_choice,
    confidence_level,
    input_reasons,
    keyword_periods,
    names_of,
    polarity_signs,
    positive_option,
    scalar_fields,
    warn_invalid,
    z_value,
)
from perfcore.codes import Direction, TrendMarker
from perfcore.errors import OptionError, ShapeError

__all__ = [
    "FINGERTIPS_SE_DIVISOR",
    "TREND_CRITICAL_VALUE",
    "TREND_LABELS",
    "TREND_SLOPES",
    "DirectionResult",
    "TrendResult",
    "direction_of_travel",
    "trend_test",
]


#: χ²₁ critical value at 99.8% (two-sided 0.002), to the digits of Fingertips'
#: ``TrendMarkerCalculator.ChiSquareConfidence`` (Excel ``CHIINV(0.002, 1)``).
TREND_CRITICAL_VALUE = 9.54953570608324
#: Fingertips' divisor turning 95% limits into a standard error: SE = (U95 − L95) / 3.92
#: (2 × 1.96; ``TrendMarkerCalculator.IsSignificant``).
FINGERTIPS_SE_DIVISOR = 3.92
#: The slope rules of :func:`trend_test` (its ``slopes`` option), the default first.
TREND_SLOPES = ("fingertips", "weighted_p")
#: Trend labels (``trend_test``), indexed by ``TrendResult.label_code``: the names of
#: :class:`~perfcore.codes.TrendMarker`.
TREND_LABELS = TrendMarker.names()
#: A string dtype that holds every trend label.
TREND_LABEL = f"<U{max(map(len, TREND_LABELS))}"

_METHODS = ("sign", "threshold", "significance", "trend")
_ARROWS = np.array(["↓", "→", "↑"])


def _arrow(code: Int8Array, ok: BoolArray) -> StrArray:
    return np.where(ok, _ARROWS[code.astype(np.int64) + 1], "").astype("<U1")


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class TrendResult:
    """Fingertips trend marker over the last ``points`` values (time on the last axis).

    Attributes
    ----------
    statistic : ndarray
        X²: the chi-square test for trend (proportions) or (slope / SE)² from an
        inverse-variance weighted regression (other values). NaN where it is undefined
        (proportions all 0).
    slope : ndarray
        The slope whose sign gives the direction, per period. Proportions: with
        ``slopes="fingertips"`` the unweighted least-squares slope of logit(p) = ln(x/(n −
        x)) (NaN when a count in the window is 0, as logit(0) = −∞); with
        ``"weighted_p"`` the n-weighted slope of p. Other values: the inverse-variance
        weighted slope of the value.
    significant : ndarray of bool
        X² > critical value, the slope is not 0, and (with the leave-one-out guard) the
        guard passed.
    label_code : ndarray of int8
        :class:`~perfcore.codes.TrendMarker` per series, as the Fingertips trend markers:
        ``INCREASING``, ``DECREASING``, ``NO_SIGNIFICANT_CHANGE``,
        ``COULD_NOT_BE_CALCULATED``; with a polarity ``INCREASING_AND_GETTING_BETTER``,
        ``INCREASING_AND_GETTING_WORSE``, ``DECREASING_AND_GETTING_BETTER``,
        ``DECREASING_AND_GETTING_WORSE`` (neutral keeps ``INCREASING`` / ``DECREASING``).
        ``label`` (property) gives the names (``"increasing_and_getting_better"`` ...).
    method : str
        ``"chi_square_trend"`` or ``"weighted_regression"``.
    slopes : str
        The slope rule used: ``"fingertips"`` or ``"weighted_p"`` (see :func:`trend_test`).
    reasons : ndarray of uint16
    """

    statistic: FloatArray = attrs.field(eq=False)
    slope: FloatArray = attrs.field(eq=False)
    significant: BoolArray = attrs.field(eq=False)
    label_code: Int8Array = attrs.field(eq=False)
    method: str
    slopes: str
    reasons: FlagArray = attrs.field(eq=False)

    @property
    def label(self) -> StrArray:
        """The trend marker's name per series (see :data:`TREND_LABELS`)."""
        return names_of(TrendMarker, self.label_code)


def _chi_square_trend(x: FloatArray, n: FloatArray, t: FloatArray,
                      use: npt.NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    """Chi-square test for trend in proportions (Cochran-Armitage, as in Altman and R's
    ``prop.trend.test``): X² = [Σx·t - X·Σn·t/N]² / [p̄(1-p̄)(Σn·t² - (Σn·t)²/N)].

    Time first: ``x`` and ``n`` are (time, *series); ``use`` and ``t`` broadcast to
    (layers, time, *series), a layer per set of points used; results are (layers,
    *series). Summing over a leading axis adds whole slabs of series at a time."""
    xw, nw, tw = np.where(use, x, 0.0), np.where(use, n, 0.0), np.where(use, t, 0.0)
    big_n, big_x = nw.sum(1), xw.sum(1)
    snt = (nw * tw).sum(1)
    sxx = (nw * tw**2).sum(1) - snt**2 / big_n
    num = (xw * tw).sum(1) - big_x * snt / big_n
    pbar = big_x / big_n
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = num**2 / (pbar * (1.0 - pbar) * sxx)
        slope = num / sxx  # least-squares slope of proportion on t, weighted by n
    return np.asarray(stat), np.asarray(slope)


def _weighted_regression(y: FloatArray, w: FloatArray, t: FloatArray,
                         use: npt.NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    """Inverse-variance weighted least squares of y on t; X² = (b / SE(b))² with the
    scale fixed at 1 (the weights are known variances). Shapes as
    :func:`_chi_square_trend`."""
    ww = np.where(use, w, 0.0)
    yw = np.where(use, y, 0.0)
    sw = ww.sum(1)
    tbar = (ww * t).sum(1) / sw
    ybar = (ww * yw).sum(1) / sw
    dt = np.where(use, t - tbar[:, None], 0.0)
    sxx = (ww * dt**2).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (ww * dt * (yw - ybar[:, None])).sum(1) / sxx
        stat = slope**2 * sxx
    return np.asarray(stat), np.asarray(slope)


def trend_test(
    series: npt.ArrayLike | None = None,
    *,
    polarity: Any = "neutral",
    numerator: npt.ArrayLike | None = None,
    denominator: npt.ArrayLike | None = None,
    lower: npt.ArrayLike | None = None,
    upper: npt.ArrayLike | None = None,
    ci_confidence: float = 0.95,
    points: int = 5,
    critical_value: float = TREND_CRITICAL_VALUE,
    leave_one_out: str = "direction",
    slopes: str = "fingertips",
) -> TrendResult:
    """Fingertips trend marker over the most recent ``points`` periods (last axis = time).

    As Fingertips' ``TrendMarkerCalculator`` (t = 1..points, the oldest point first):

    - **Proportions** (give ``numerator`` x and ``denominator`` n): the chi-square test
      for trend, X² = N·(N·Σx·t − X·Σn·t)² / [X(N − X)(N·Σn·t² − (Σn·t)²)], with N = Σn
      and X = Σx; the direction from the unweighted least-squares slope of
      logit(p) = ln(x / (n − x)) on t.
    - **Other values** (give ``series`` and its ``lower``/``upper`` confidence limits at
      ``ci_confidence``): inverse-variance weighted regression of the value on t with
      SE = (upper − lower) / 3.92 for 95% limits (2·z at another level);
      X² = (slope / SE(slope))².
    - Significant when X² > ``critical_value`` (9.54953570608324, χ²₁ at 99.8%), the
      slope is not 0 and the leave-one-out guard passes. The marker is then increasing
      or decreasing by the sign of the slope.

    Any missing or non-finite value in the window gives ``"could_not_be_calculated"``
    (reason ``missing`` / ``non_finite``); fewer than ``points`` periods give it with
    reason ``too_few``. With ``slopes="fingertips"`` a proportion with x = n at a point
    of the window cannot be calculated (reason ``zero_denominator``: the odds
    x / (n − x) divide by 0; Fingertips refuses it too), while x = 0 is allowed and, as
    logit(0) = −∞ makes the slopes including it undefined, gives "no significant
    change" whatever X² (as Fingertips' marker does).

    Parameters
    ----------
    series, lower, upper : array_like, optional
        Values and their confidence limits (time on the last axis).
    polarity : Polarity, str, int or array_like
        Reads the direction as getting better or worse (neutral: the direction alone).
    numerator, denominator : array_like, optional
        Counts x and denominators n of a proportion (time on the last axis).
    ci_confidence : float
        The level of ``lower``/``upper``.
    points : int
        The number of most recent periods tested (Fingertips: 5).
    critical_value : float
        The X² threshold.
    leave_one_out : {"direction", "significance", "off"}
        The guard against one point making a trend. ``"direction"`` (default, Fingertips):
        the slopes with each point left out in turn (each of the others keeping its t)
        and the slope over all points must all be negative or all be ≥ 0 — Fingertips
        counts a slope of exactly 0 with the positive ones. ``"significance"`` also
        requires each leave-one-out X² to exceed the critical value (not Fingertips);
        ``"off"`` skips the guard.
    slopes : {"fingertips", "weighted_p"}
        ``"fingertips"`` (default): as above. ``"weighted_p"``: the rule perfcore used
        before it matched Fingertips — for proportions the n-weighted least-squares slope
        of p (the slope of the chi-square test), for other values SE = (upper − lower) /
        (2·z) with the exact z; a guard slope of exactly 0 fails the guard, and X² must
        be finite. The two agree on the great majority of series; they differ when the
        logit and p slopes of a leave-one-out subset have different signs (see
        ``docs/methodology-comparison.md``).

    Examples
    --------
    >>> r = trend_test(numerator=[28, 13, 13, 14, 8], denominator=[48, 40, 90, 76, 23])
    >>> str(r.label), round(float(r.statistic), 2)
    ('no_significant_change', 15.55)
    >>> str(trend_test(numerator=[28, 13, 13, 14, 8], denominator=[48, 40, 90, 76, 23],
    ...                slopes="weighted_p").label)
    'decreasing'
    """
    check_choice("leave_one_out", leave_one_out, ("direction", "significance", "off"))
    check_choice("slopes", slopes, TREND_SLOPES)
    ci_confidence = confidence_level(ci_confidence, "ci_confidence")
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 2:
        raise OptionError(option="points", value=points, allowed="a whole number, at least 2")
    critical_value = positive_option("critical_value", critical_value, allow_zero=True)
    arrays, reasons = _trend_window(series, numerator, denominator, lower, upper, points)
    proportion = len(arrays) == 2
    # Series too short, missing or unusable are set aside by their reasons below; values
    # so large that a sum overflows get OVERFLOW.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        stats, slope_layers = _trend_statistics(arrays, reasons, ci_confidence,
                                                leave_one_out, slopes)
    stat, slope = stats[0], slope_layers[0]
    reasons |= np.where((reasons == 0) & (np.isinf(stat) | np.isinf(slope)),
                        np.uint16(Reason.OVERFLOW), np.uint16(0))
    fingertips = slopes == "fingertips"
    with np.errstate(invalid="ignore"):
        significant = (stat > critical_value) & ((slope > 0) | (slope < 0))
        if leave_one_out != "off":
            if fingertips:  # Fingertips: slope < 0 counts -1, anything else +1
                negative = slope_layers < 0
                significant &= (negative == negative[0]).all(axis=0)
            else:
                significant &= (np.sign(slope_layers[1:]) == np.sign(slope)).all(axis=0)
            if leave_one_out == "significance":
                significant &= (stats[1:] > critical_value).all(axis=0)
    if fingertips:
        # An undefined X² (proportions all 0) is "no significant change", as in Fingertips.
        ok = reasons == 0
    else:
        ok = (reasons == 0) & np.isfinite(stat)
        reasons |= np.where((reasons == 0) & ~np.isfinite(stat), np.uint16(Reason.TOO_FEW),
                            np.uint16(0))
    significant &= ok
    label = _trend_markers(slope, broadcast_signs(polarity, reasons.shape,
                                                  f"series of shape {reasons.shape}"),
                           significant, ok)
    warn_invalid(reasons, "trend_test")
    return TrendResult(statistic=np.where(ok, stat, np.nan), slope=np.where(ok, slope, np.nan),
                       significant=np.asarray(significant), label_code=label,
                       method="chi_square_trend" if proportion else "weighted_regression",
                       slopes=slopes, reasons=reasons)


def _trend_window(series: npt.ArrayLike | None, numerator: npt.ArrayLike | None,
                  denominator: npt.ArrayLike | None, lower: npt.ArrayLike | None,
                  upper: npt.ArrayLike | None,
                  points: int) -> tuple[list[FloatArray], FlagArray]:
    """The last ``points`` of the inputs — ``[numerator, denominator]`` for proportions,
    else ``[series, lower, upper]`` — and each series' reasons so far (``too_few`` for a
    shorter series, any point's missing or non-finite value)."""
    if numerator is not None and denominator is not None:
        arrays = list(broadcast(numerator=numerator, denominator=denominator))
    else:
        if series is None or lower is None or upper is None:
            raise OptionError(
                reason="needs numerator and denominator (proportions), or series with "
                "lower and upper confidence limits (other values)", option="method",
                value="trend", allowed=("numerator+denominator", "series+lower+upper"))
        arrays = list(broadcast(series=series, lower=lower, upper=upper))
    if arrays[0].ndim == 0:
        raise ShapeError(reason="trend needs a series with time on the last axis",
                         shapes={"series": arrays[0].shape})
    length = arrays[0].shape[-1]
    arrays = [a[..., -points:] for a in arrays]
    reasons = np.zeros(arrays[0].shape[:-1], dtype=np.uint16)
    if length < points:
        reasons |= np.uint16(Reason.TOO_FEW)
    reasons |= np.bitwise_or.reduce(input_reasons(*arrays), axis=-1)  # any point's reason
    return arrays, reasons


def _time_first(a: FloatArray) -> FloatArray:
    return np.ascontiguousarray(np.moveaxis(a, -1, 0))


def _trend_statistics(arrays: list[FloatArray], reasons: FlagArray, ci_confidence: float,
                      leave_one_out: str, slopes: str) -> tuple[FloatArray, FloatArray]:
    """X² and slope per layer and series, adding the values' reasons to ``reasons`` (in
    place). Layer 0 uses every point; with the leave-one-out guard, layer j + 1 leaves out
    point j (the others keep their t). All the layers are one run over every series (not
    a run per left-out point).
    """
    shape, k = arrays[0].shape[:-1], arrays[0].shape[-1]
    # Time first from here (see _chi_square_trend), t shaped to broadcast over series.
    t = np.arange(1.0, k + 1.0).reshape(k, *[1] * len(shape))
    layers = 1 if leave_one_out == "off" else k + 1
    use = np.ones((layers, k, *[1] * len(shape)), dtype=np.bool_)
    for j in range(layers - 1):
        use[j + 1, j] = False
    if len(arrays) == 2:  # proportions
        x, n = arrays
        with np.errstate(invalid="ignore"):
            reasons |= np.where(((x < 0) | (n < 0)).any(-1), np.uint16(Reason.NEGATIVE),
                                np.uint16(0))
            reasons |= np.where((x > n).any(-1), np.uint16(Reason.X_GT_N), np.uint16(0))
        stats, slope = _chi_square_trend(_time_first(x), _time_first(n), t, use)
        if slopes == "fingertips":
            slope = _logit_slopes(x, n, reasons, t, use)
        return stats, slope
    y, lo, hi = arrays
    divisor = (FINGERTIPS_SE_DIVISOR if slopes == "fingertips" and ci_confidence == 0.95
               else 2.0 * z_value(ci_confidence))
    with np.errstate(invalid="ignore", divide="ignore"):
        se = (hi - lo) / divisor
        w = 1.0 / se**2
    reasons |= np.where((~(se > 0) & np.isfinite(se)).any(-1),
                        np.uint16(Reason.ZERO_DENOMINATOR), np.uint16(0))
    return _weighted_regression(_time_first(y), _time_first(w), t, use)


def _logit_slopes(x: FloatArray, n: FloatArray, reasons: FlagArray, t: FloatArray,
                  use: npt.NDArray[np.bool_]) -> FloatArray:
    """Fingertips' proportion slopes: unweighted least squares of ln(x / (n − x)) on t,
    per layer. x = n gives reason ``ZERO_DENOMINATOR`` (in place), as Fingertips refuses
    it; x = 0 gives logit −∞ and so NaN for every slope whose layer includes it."""
    with np.errstate(invalid="ignore"):
        reasons |= np.where((x == n).any(-1) & (reasons == 0),
                            np.uint16(Reason.ZERO_DENOMINATOR), np.uint16(0))
    with np.errstate(divide="ignore", invalid="ignore"):
        logit = np.log(x / (n - x))
    _, slope = _weighted_regression(_time_first(logit), np.ones_like(t), t, use)
    return slope


def _trend_markers(slope: FloatArray, sign: Int8Array, significant: BoolArray,
                   ok: BoolArray) -> Int8Array:
    """TrendMarker codes: the direction of the slope, read with the polarity ``sign``
    (neutral: the direction alone) where significant."""
    with np.errstate(invalid="ignore"):
        up = slope > 0
        better = np.sign(slope) * sign > 0
    marker = np.where(up, np.where(better, TrendMarker.INCREASING_AND_GETTING_BETTER,
                                   TrendMarker.INCREASING_AND_GETTING_WORSE),
                      np.where(better, TrendMarker.DECREASING_AND_GETTING_BETTER,
                               TrendMarker.DECREASING_AND_GETTING_WORSE))
    marker = np.where(sign == 0, np.where(up, TrendMarker.INCREASING, TrendMarker.DECREASING),
                      marker)
    marker = np.where(significant, marker, TrendMarker.NO_SIGNIFICANT_CHANGE)
    return np.where(ok, marker, TrendMarker.COULD_NOT_BE_CALCULATED).astype(np.int8)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class DirectionResult:
    """Direction of travel for each element.

    :func:`perfcore.labels.direction_phrase` words the result in a report's language.

    Attributes
    ----------
    arrow : ndarray of str
        ``"↑"``, ``"↓"`` or ``"→"``: the sign of the change (or of the trend slope);
        ``""`` where it could not be computed.
    code : ndarray of int8
        +1 up, -1 down, 0 no movement or not computed.
    assessment_code : ndarray of int8
        :class:`~perfcore.codes.Direction` per element: ``IMPROVING``,
        ``DETERIORATING``, ``NO_CHANGE`` or ``NOT_ASSESSED``. ``NO_CHANGE`` whenever the
        method found no signal (below tolerance, not significant, no significant trend)
        even if the arrow moved. **Neutral** polarity: a signalled movement is
        ``NOT_ASSESSED`` (direction is shown by the arrow, but neither better nor worse);
        no signal is still ``NO_CHANGE``. Missing inputs give ``NOT_ASSESSED`` with a
        reason. ``assessment`` (property) gives the names (``"improving"`` ...).
    signal : ndarray of bool
        Whether the method found a change (any change for ``sign``).
    method : str
        The method used: ``sign``, ``threshold``, ``significance`` or ``trend``.
    change : ndarray
        current - previous (NaN for ``trend``, see ``trend.slope``).
    trend : TrendResult or None
        The trend details when ``method="trend"``.
    reasons : ndarray of uint16
    """

    arrow: StrArray = attrs.field(eq=False)
    code: Int8Array = attrs.field(eq=False)
    assessment_code: Int8Array = attrs.field(eq=False)
    signal: BoolArray = attrs.field(eq=False)
    method: str
    change: FloatArray = attrs.field(eq=False)
    trend: TrendResult | None = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)

    @property
    def assessment(self) -> StrArray:
        """``"improving"``, ``"deteriorating"``, ``"no_change"`` or ``"not_assessed"`` per
        element."""
        return names_of(Direction, self.assessment_code)


@keyword_periods("current", "previous")
def direction_of_travel(
    *,
    current: npt.ArrayLike | None = None,
    previous: npt.ArrayLike | None = None,
    polarity: Any,
    method: str = "sign",
    tolerance: npt.ArrayLike | None = None,
    significant: npt.ArrayLike | None = None,
    series: npt.ArrayLike | None = None,
    numerator: npt.ArrayLike | None = None,
    denominator: npt.ArrayLike | None = None,
    lower: npt.ArrayLike | None = None,
    upper: npt.ArrayLike | None = None,
    ci_confidence: float = 0.95,
    points: int = 5,
    leave_one_out: str = "direction",
    slopes: str = "fingertips",
) -> DirectionResult:
    """Arrow and assessment for the change from ``previous`` to ``current``.

    Parameters
    ----------
    current, previous : array_like
        Values to compare, by keyword only (not needed for ``method="trend"``).
    polarity : Polarity, str, int or array_like
        In the plans' vocabulary (``"higher"``, ``"lower"``, ``"neutral"``, ``"up"``,
        ``"decrease"`` ...: :meth:`perfcore.codes.Polarity.parse`), or signs +1/−1/0.
    method : {"sign", "threshold", "significance", "trend"}
        ``sign``: any change counts. ``threshold``: \\|change\\| < ``tolerance`` is no
        change. ``significance``: the caller's ``significant`` flags (from pp_change_ci /
        rate_ratio_ci) decide; the arrow still shows the sign. ``trend``: Fingertips trend
        markers over the last ``points`` of a series, see :func:`trend_test`.
    tolerance : array_like
        Required for ``threshold``; same units as the values (pp for proportions).
    significant : array_like of bool (or float with NaN for unknown)
        Required for ``significance``.
    series, numerator, denominator, lower, upper, ci_confidence, points, leave_one_out, slopes
        For ``trend``: see :func:`trend_test`.
    """
    check_choice("method", method, _METHODS)
    trend: TrendResult | None = None
    if method == "trend":
        trend = trend_test(series, polarity=polarity, numerator=numerator,
                           denominator=denominator, lower=lower, upper=upper,
                           ci_confidence=ci_confidence, points=points,
                           leave_one_out=leave_one_out, slopes=slopes)
        reasons = trend.reasons
        ok = reasons == 0
        code = np.where(ok, np.sign(np.nan_to_num(trend.slope)), 0).astype(np.int8)
        signal = trend.significant
        change = np.full(code.shape, np.nan)
        sign = broadcast_signs(polarity, code.shape, f"series of shape {code.shape}")
    else:
        code, signal, reasons, change = _change_signal(current, previous, method, tolerance,
                                                       significant)
        sign = polarity_signs(polarity)
        try:
            shape = np.broadcast_shapes(code.shape, np.shape(sign))
        except ValueError as exc:
            raise ShapeError(reason="polarity does not broadcast with the values",
                             shapes={"values": code.shape, "polarity": np.shape(sign)}) from exc
        code, signal = np.broadcast_to(code, shape), np.broadcast_to(signal, shape)
        reasons, change = np.broadcast_to(reasons, shape), np.broadcast_to(change, shape)
        sign = np.broadcast_to(sign, shape)
        ok = reasons == 0
    signal = np.asarray(signal) & ok
    good = code * sign
    assessment = np.where(good > 0, Direction.IMPROVING,
                          np.where(good < 0, Direction.DETERIORATING, Direction.NOT_ASSESSED))
    assessment = np.where(signal, assessment, Direction.NO_CHANGE)
    assessment = np.where(ok, assessment, Direction.NOT_ASSESSED).astype(np.int8)
    arrow = _arrow(code, ok)
    if method != "trend":
        warn_invalid(reasons, "direction_of_travel", stacklevel=4)
    return DirectionResult(arrow=arrow, code=np.asarray(code), assessment_code=assessment,
                           signal=signal, method=method, change=np.asarray(change),
                           trend=trend, reasons=np.asarray(reasons))


def _change_signal(current: npt.ArrayLike | None, previous: npt.ArrayLike | None, method: str,
                   tolerance: npt.ArrayLike | None, significant: npt.ArrayLike | None,
                   ) -> tuple[Int8Array, BoolArray, FlagArray, FloatArray]:
    """For the methods comparing two values: the sign of the change, whether ``method``
    found a signal, the reasons and the change (current - previous)."""
    if current is None or previous is None:
        raise OptionError(reason="needs current and previous values",
                          option="method", value=method, allowed=_METHODS)
    cur, prev = broadcast(current=current, previous=previous)
    with np.errstate(invalid="ignore", over="ignore"):
        change = np.where(np.isfinite(cur) & np.isfinite(prev), cur - prev, np.nan)
    reasons = input_reasons(cur, prev)
    reasons, change = blank_overflow(reasons, change)  # 1e308 − (−1e308)
    code = np.sign(np.nan_to_num(change)).astype(np.int8)
    if method == "sign":
        signal = code != 0
    elif method == "threshold":
        if tolerance is None:
            raise OptionError(reason="method='threshold' needs tolerance", option="tolerance",
                              value=None, allowed="a non-negative number or array")
        tol = as_float(tolerance, "tolerance")
        with np.errstate(invalid="ignore"):
            if not np.all(tol >= 0):  # NaN too
                raise OptionError(option="tolerance", value=tolerance,
                                  allowed="a non-negative number")
        signal = _fit(np.abs(np.nan_to_num(change)), tol, "tolerance") & (code != 0)
    else:
        if significant is None:
            raise OptionError(reason="method='significance' needs the significant flags",
                              option="significant", value=None,
                              allowed="boolean array-like")
        sig = np.asarray(significant)
        if sig.dtype.kind == "f":
            reasons = _fit(reasons, np.where(np.isnan(sig), np.uint16(Reason.MISSING),
                                             np.uint16(0)), "significant", np.bitwise_or)
            sig = np.nan_to_num(sig) != 0
        signal = _fit(code != 0, sig.astype(np.bool_), "significant", np.logical_and)
    shape = signal.shape
    return (np.broadcast_to(code, shape), signal, np.broadcast_to(reasons, shape),
            np.broadcast_to(change, shape))


def _fit(values: npt.NDArray[Any], other: npt.NDArray[Any], name: str,
         op: Any = np.greater_equal) -> npt.NDArray[Any]:
    """``op(values, other)``, or :class:`ShapeError` when ``other`` (the ``name``
    argument) does not broadcast with the values."""
    try:
        shape = np.broadcast_shapes(values.shape, other.shape)
    except ValueError as exc:
        raise ShapeError(reason=f"{name} does not broadcast with the values",
                         shapes={"values": values.shape, name: other.shape}) from exc
    out: npt.NDArray[Any] = op(np.broadcast_to(values, shape), np.broadcast_to(other, shape))
    return out
