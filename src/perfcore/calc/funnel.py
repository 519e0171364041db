"""Funnel plots (PHEindicatormethods-compatible) and overdispersion (Spiegelhalter 2005).

Methods: docs/methodology-comparison.md §3. Every function is vectorised: organisations
lie along the **last axis** of the data arrays, and any leading axes (measures, periods)
broadcast through.

References
----------
- Fingertips / PHEindicatormethods (UKHSA, GPL-3): funnel limits
  (``calculate_funnel_limits``) and funnel significance (``assign_funnel_significance``),
  read for behaviour and expected values only.
- Spiegelhalter D. (2005) "Funnel plots for comparing institutional performance",
  Statistics in Medicine 24:1185-1202; the additive random-effects overdispersion as
  implemented in NHS-R FunnelPlotR (``R/od_adjustment.R``).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    FlagArray,
    FloatArray,
    IntArray,
    Reason,
    StrArray,
    as_float,
    blank_overflow,
    broadcast,
    check_choice,
    check_fractions,
    fill_invalid,
    input_reasons,
    invalid,
    positive_option,
    ratio_reasons,
    scalar_fields,
    set_reason,
    warn_invalid,
)
from perfcore.errors import OptionError, ShapeError

__all__ = [
    "FUNNEL_LABELS",
    "FunnelLimits",
    "FunnelSignificance",
    "Overdispersion",
    "funnel_axis",
    "funnel_limits",
    "funnel_significance",
    "overdispersion",
]


@functools.cache
def _control_z() -> tuple[float, float]:
    """Two-sided z for the funnel's two control levels (95% and 99.8%), computed on first
    use so that importing perfcore does not import scipy."""
    from scipy import special
    return float(special.ndtri(0.975)), float(special.ndtri(0.999))

_FUNNEL_STATISTICS = ("proportion", "ratio", "rate")

#: Funnel significance labels exactly as PHEindicatormethods prints them, by code.
FUNNEL_LABELS: dict[int, str] = {
    2: "High (0.001)",
    1: "High (0.025)",
    0: "Not significant",
    -1: "Low (0.025)",
    -2: "Low (0.001)",
}


def _wilson_inverse(p: float, size: FloatArray, baseline: FloatArray, side: int) -> FloatArray:
    """Proportion at which a unit of this ``size`` sits exactly on the funnel limit.

    Closed-form inverse of the Wilson score interval: the observed proportion whose
    Wilson bound at one-sided probability ``p`` equals ``baseline``. ``side`` is -1 for
    the lower funnel, +1 for the upper.
    """
    from scipy import special
    z2 = float(special.ndtri(p)) ** 2
    a = size / z2 + 1.0
    b = 1.0 / z2 + 1.0 / size
    quad = (baseline * a) ** 2 - b * baseline * (
        size * (baseline * (size / z2 + 2.0) - 1.0) + z2 * (baseline - 1.0))
    with np.errstate(invalid="ignore"):
        root = np.sqrt(quad)
    return np.asarray((baseline * a + side * root) / b / size, dtype=np.float64)


def _poisson_mean_at(observed: FloatArray, tail: float, side: str) -> FloatArray:
    """Poisson mean at which ``observed`` events sit in the given tail.

    ``side="upper"``: mean m with P(X >= observed | m) = tail (the count is high).
    ``side="lower"``: mean m with P(X <= observed | m) = tail (the count is low).
    Exact via the Poisson-gamma identity, P(X >= k | m) = P(k, m) (regularised gamma).
    """
    from scipy import special
    if side == "upper":
        with np.errstate(invalid="ignore"):
            out = special.gammaincinv(observed, tail)
        return np.asarray(np.where(observed > 0, out, np.nan), dtype=np.float64)
    return np.asarray(special.gammainccinv(observed + 1.0, tail), dtype=np.float64)


def _poisson_mean_bisection(observed: FloatArray, tail: float, side: str) -> FloatArray:
    """As :func:`_poisson_mean_at`, by the fixed bisection PHEindicatormethods uses
    (``poisson_funnel``: mean = (1 + O)·v/(1 - v), v halved until the step is ≤ 1e-7).

    Only for reproducing PHE's published tables exactly; its result differs from the
    closed form by up to about (1 + O)·2⁻²³/(1 - v)² in the mean.
    """
    from scipy import special
    v = np.full(observed.shape, 0.5)
    dv = 0.5
    # A fixed 23-step search over whole arrays, mirroring the reference's stopping rule.
    while dv > 1e-7:
        dv /= 2
        mean = (1.0 + observed) * v / (1.0 - v)
        with np.errstate(invalid="ignore"):
            if side == "upper":
                step_down = special.gammainc(observed, mean) > tail
            else:
                step_down = special.gammaincc(observed + 1.0, mean) < tail
        v = np.where(step_down, v - dv, v + dv)
    mean = np.asarray((1.0 + observed) * v / (1.0 - v), dtype=np.float64)
    # Where the search ran to an end of its range it bracketed nothing (a fraction of an
    # event, or an enormous count): the closed form gives the mean the search was after.
    # Where the closed form has no mean (no event to bound), neither has the search.
    stuck = (v < 1e-6) | (v > 1.0 - 1e-6)
    exact = _poisson_mean_at(observed, tail, side)
    return np.asarray(np.where(stuck | np.isnan(exact), exact, mean), dtype=np.float64)


def _count_limits(count: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Limits for a Poisson count as PHEindicatormethods' funnel significance uses them:
    exact (chi-square) below 10 events, Byar's approximation from 10."""
    from scipy import special
    tail = (1.0 - confidence) / 2.0
    z = float(special.ndtri(1.0 - tail))
    with np.errstate(invalid="ignore", divide="ignore"):
        exact_lo = np.where(count > 0, special.gammaincinv(np.maximum(count, 1e-300), tail), 0.0)
        exact_hi = special.gammaincinv(count + 1.0, 1.0 - tail)
        c1 = count + 1.0
        byar_lo = count * (1.0 - 1.0 / (9.0 * count) - z / (3.0 * np.sqrt(count))) ** 3
        byar_hi = c1 * (1.0 - 1.0 / (9.0 * c1) + z / (3.0 * np.sqrt(c1))) ** 3
    small = count < 10
    return (np.asarray(np.where(small, exact_lo, byar_lo), dtype=np.float64),
            np.asarray(np.where(small, exact_hi, byar_hi), dtype=np.float64))


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class FunnelLimits:
    """Funnel-plot control limits at 95% (two-sided 0.025 tails) and 99.8% (0.001 tails).

    Attributes
    ----------
    statistic : str
        ``"proportion"``, ``"ratio"`` or ``"rate"``.
    size : ndarray
        The axis the limits were computed for: the denominator for proportions, the
        observed events for ratios and rates (as PHEindicatormethods), or the expected
        events for overdispersed ratios.
    baseline : ndarray
        The centre line, times ``multiplier`` (for ratios: 1 x multiplier for ``isr``,
        0 for ``count``).
    lower_2s, upper_2s, lower_3s, upper_3s : ndarray
        Lower/upper limits at 95% ("2s") and 99.8% ("3s"), times ``multiplier``.
        Proportion limits are clipped to [0, 1 x multiplier].
    lower_2s_x, upper_2s_x, lower_3s_x, upper_3s_x : ndarray
        Where each limit is plotted on the horizontal axis: equal to ``size`` for
        proportions; the expected events for ratios; the population per year for rates.
    multiplier : float
    tau2 : float
        The additive between-unit variance used (0 for plain limits).
    method : str
        ``"Wilson"`` for proportions, ``"Poisson"`` for ratios and rates,
        ``"additive random effects"`` for overdispersed limits.
    reasons : ndarray of uint16
        :class:`~perfcore.calc.Reason` bits per point; every limit and position is NaN
        where one is set: ``MISSING`` / ``NON_FINITE`` / ``NEGATIVE`` (a size or
        baseline), ``ZERO_DENOMINATOR`` (a size of 0), ``X_GT_N`` (a proportion baseline
        above 1), ``ZERO_BASE`` (a rate baseline of 0), ``OVERFLOW``.
    """

    statistic: str
    size: FloatArray = attrs.field(eq=False)
    baseline: FloatArray = attrs.field(eq=False)
    lower_2s: FloatArray = attrs.field(eq=False)
    upper_2s: FloatArray = attrs.field(eq=False)
    lower_3s: FloatArray = attrs.field(eq=False)
    upper_3s: FloatArray = attrs.field(eq=False)
    lower_2s_x: FloatArray = attrs.field(eq=False)
    upper_2s_x: FloatArray = attrs.field(eq=False)
    lower_3s_x: FloatArray = attrs.field(eq=False)
    upper_3s_x: FloatArray = attrs.field(eq=False)
    multiplier: float
    tau2: float
    method: str
    reasons: FlagArray = attrs.field(eq=False, factory=lambda: np.zeros((), dtype=np.uint16))


#: The fields of FunnelLimits that are limits or their positions.
_LIMIT_FIELDS = tuple(f"{side}_{k}{x}" for side in ("lower", "upper") for k in ("2s", "3s")
                      for x in ("", "_x"))


def funnel_limits(
    size: npt.ArrayLike,
    *,
    statistic: str,
    baseline: npt.ArrayLike | None = None,
    multiplier: float = 1.0,
    ratio_type: str = "count",
    years_of_data: float = 1.0,
    tau2: float | None = None,
    poisson: str = "exact",
) -> FunnelLimits:
    """Funnel-plot control limits, as PHEindicatormethods ``calculate_funnel_limits``.

    Parameters
    ----------
    size : array_like
        Points along the funnel's horizontal axis: denominators (proportion); observed
        events (ratio, rate). :func:`funnel_axis` makes PHE's 100-point axis.
    statistic : {"proportion", "ratio", "rate"}
        - proportion: closed-form inverse Wilson limits around ``baseline`` (the pooled
          proportion Σx/Σn, a fraction), clipped to [0, 1] x multiplier;
        - ratio: exact Poisson limits of observed / expected around 1; ``ratio_type``
          ``"count"`` reports ratio - 1, ``"isr"`` reports ratio x multiplier;
        - rate: exact Poisson limits around ``baseline`` (a rate per head, Σx/Σpop),
          reported x multiplier, and the population per year each limit sits at.
    baseline : array_like, optional
        Required for proportions and rates; ignored for ratios (the target is 1). A
        proportion's baseline is a fraction: when every value is above 1 and at most
        100 it is taken for per cents and :class:`~perfcore.errors.OptionError` says so.
    multiplier : float
        100 for percentages, 1e5 for rates per 100,000 ...
    years_of_data : float
        Rates only: divides the plotted population to give a population per year.
    tau2 : float, optional
        Additive overdispersion (Spiegelhalter 2005, from :func:`overdispersion`). When
        given, ``size`` is the denominator (proportion) or the **expected** events
        (ratio), and the limits are the random-effects limits of NHS-R FunnelPlotR:
        proportions on the arcsine-square-root scale,
        sin²(asin√θ ± z·√(1/(4n) + τ²)); ratios on the log scale, exp(±z·√(1/E + τ²)).
    poisson : {"exact", "phe_bisection"}
        How ratio and rate limits find the Poisson mean at which the observed events
        sit in a 0.025 / 0.001 tail. ``"exact"`` (default) inverts the regularised gamma
        function (the chi-square identity). ``"phe_bisection"`` repeats the 23-step
        bisection of PHEindicatormethods' ``poisson_funnel`` to reproduce its tables to
        1e-6; it is off by up to ~5e-8 in the expected events, which matters only at
        1-2 events (e.g. the 99.8% upper limit at O = 1 is 998.45 there, 998.50 exact).

    Returns
    -------
    FunnelLimits
        A bad point (a size or baseline that is missing, negative, 0 ...) has NaN limits
        and a reason in ``reasons``; ``multiplier``, ``years_of_data`` and ``tau2`` are
        options, and a value that is not a finite number > 0 (≥ 0 for ``tau2``) raises
        :class:`~perfcore.errors.OptionError`.
    """
    check_choice("statistic", statistic, _FUNNEL_STATISTICS)
    check_choice("ratio_type", ratio_type, ("count", "isr"))
    check_choice("poisson", poisson, ("exact", "phe_bisection"))
    m = positive_option("multiplier", multiplier)
    years = positive_option("years_of_data", years_of_data)
    tau = None if tau2 is None else positive_option("tau2", tau2, allow_zero=True)
    if statistic != "ratio" and baseline is None:
        raise OptionError(reason=f"statistic={statistic!r} needs a baseline (the pooled "
                          "average)", option="baseline", value=None, allowed="a number")
    x, theta = broadcast(size=size, baseline=1.0 if baseline is None or statistic == "ratio"
                         else baseline)
    if statistic == "proportion":
        check_fractions("funnel_limits", baseline=theta)
    reasons = _limit_reasons(x, theta, statistic)
    bad = invalid(reasons)
    xs, th = fill_invalid(x, bad, 1.0), fill_invalid(theta, bad, 0.5)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        if tau is not None:
            lims = _overdispersed_limits(xs, statistic, th, m, tau, ratio_type)
        elif statistic == "proportion":
            lims = _wilson_limits(xs, th, m)
        else:
            lims = _poisson_limits(xs, statistic, th, m, ratio_type, years,
                                   _poisson_mean_at if poisson == "exact"
                                   else _poisson_mean_bisection)
    shape = reasons.shape
    arrays = [np.where(bad, np.nan, np.broadcast_to(getattr(lims, k), shape))
              for k in _LIMIT_FIELDS]
    reasons, *arrays = blank_overflow(reasons, *arrays)
    blanked: dict[str, Any] = dict(zip(_LIMIT_FIELDS, arrays, strict=True))
    _nest(blanked, np.broadcast_to(lims.baseline, shape))
    return attrs.evolve(lims, size=x, reasons=reasons, **blanked)


def _nest(limits: dict[str, Any], centre: FloatArray) -> None:
    """The 99.8% limits outside the 95% ones, both around the centre line (filled in
    place): at the extremes of a float (a size of 1e300) each limit is the centre within
    a unit in the last place, and rounding may leave them out of order by one."""
    lo2, up2 = np.minimum(limits["lower_2s"], centre), np.maximum(limits["upper_2s"], centre)
    limits["lower_2s"], limits["upper_2s"] = lo2, up2
    limits["lower_3s"] = np.minimum(limits["lower_3s"], lo2)
    limits["upper_3s"] = np.maximum(limits["upper_3s"], up2)


def _limit_reasons(x: FloatArray, theta: FloatArray, statistic: str) -> FlagArray:
    """Why a funnel point has no limits: its size or the baseline is missing, infinite,
    negative or 0, or a proportion's baseline is above 1."""
    reasons = input_reasons(x, theta)
    fin = np.isfinite(x) & np.isfinite(theta)
    set_reason(reasons, fin & ((x < 0) | (theta < 0)), Reason.NEGATIVE)
    set_reason(reasons, fin & (x == 0), Reason.ZERO_DENOMINATOR)
    if statistic == "proportion":
        set_reason(reasons, fin & (theta > 1), Reason.X_GT_N)
    elif statistic == "rate":
        set_reason(reasons, fin & (theta == 0), Reason.ZERO_BASE)
    return reasons


def _wilson_limits(x: FloatArray, theta: FloatArray, m: float) -> FunnelLimits:
    """Proportion limits: the inverse Wilson score interval around ``theta``, clipped to
    [0, 1] x multiplier."""
    lims: dict[str, Any] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for key, p in (("2s", 0.975), ("3s", 0.999)):
            lims["lower_" + key] = np.clip(_wilson_inverse(p, x, theta, -1) * m, 0.0, None)
            lims["upper_" + key] = np.minimum(_wilson_inverse(p, x, theta, +1) * m, 1.0 * m)
    xs: dict[str, Any] = {k + "_x": x for k in lims}
    return FunnelLimits(statistic="proportion", size=x,
                        baseline=np.asarray(theta * m, np.float64), multiplier=m, tau2=0.0,
                        method="Wilson", **lims, **xs)


def _poisson_limits(x: FloatArray, statistic: str, theta: FloatArray, m: float,
                    ratio_type: str, years_of_data: float,
                    mean_at: Callable[[FloatArray, float, str], FloatArray]) -> FunnelLimits:
    """Ratio and rate limits: the Poisson means at which ``x`` observed events sit in the
    0.025 and 0.001 tails, as observed / expected (ratios, around 1) or as rates around
    ``theta`` (plotted at the population per year)."""
    lims: dict[str, Any] = {}
    xs: dict[str, Any] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for key, tail in (("2s", 0.025), ("3s", 0.001)):
            lo_mean = mean_at(x, tail, "lower")
            hi_mean = mean_at(x, tail, "upper")
            lims["lower_" + key] = x / lo_mean
            lims["upper_" + key] = x / hi_mean
            xs["lower_" + key + "_x"] = lo_mean
            xs["upper_" + key + "_x"] = hi_mean
        if statistic == "ratio":
            shift, scale = (1.0, 1.0) if ratio_type == "count" else (0.0, m)
            lims = {k: (v - shift) * scale for k, v in lims.items()}
            centre = np.asarray((1.0 - shift) * scale)
        else:
            lims = {k: v * theta * m for k, v in lims.items()}
            xs = {k: v / theta / years_of_data for k, v in xs.items()}
            centre = theta * m
    return FunnelLimits(statistic=statistic, size=x, baseline=np.asarray(centre, np.float64),
                        multiplier=m, tau2=0.0, method="Poisson", **lims, **xs)


def _overdispersed_limits(x: FloatArray, statistic: str, theta: FloatArray, m: float,
                          tau2: float, ratio_type: str) -> FunnelLimits:
    if statistic == "rate":
        raise OptionError(reason="overdispersed limits are available for proportions and "
                          "ratios only", option="statistic", value=statistic,
                          allowed=("proportion", "ratio"))
    lims: dict[str, Any] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for key, z in zip(("2s", "3s"), _control_z(), strict=True):
            if statistic == "proportion":
                half = z * np.sqrt(1.0 / (4.0 * x) + tau2)
                centre_t = np.arcsin(np.sqrt(theta))
                lo = np.sin(np.clip(centre_t - half, 0.0, np.pi / 2)) ** 2 * m
                hi = np.sin(np.clip(centre_t + half, 0.0, np.pi / 2)) ** 2 * m
            else:
                half = z * np.sqrt(1.0 / x + tau2)
                lo, hi = np.exp(-half), np.exp(half)
                if ratio_type == "count":
                    lo, hi = lo - 1.0, hi - 1.0
                else:
                    lo, hi = lo * m, hi * m
            lims["lower_" + key], lims["upper_" + key] = lo, hi
    if statistic == "proportion":
        centre = theta * m
    else:
        centre = np.asarray(0.0 if ratio_type == "count" else m)
    xs: dict[str, Any] = {k + "_x": x for k in lims}
    return FunnelLimits(statistic=statistic, size=x, baseline=np.asarray(centre, np.float64),
                        multiplier=m, tau2=tau2, method="additive random effects",
                        **lims, **xs)


#: The axis is a Python recurrence, a point at a time: PHE draws 100 points, and beyond
#: this many a chart gains nothing (10**400 would not even be a float to divide by).
_MAX_AXIS_POINTS = 100_000


def _signif_floor(x: float) -> float:
    # PHE's axis rounding: 95% of x, floored to its leading digit.
    if x == 0:
        return 0.0
    v = math.floor(x * 0.95)
    n = len(str(v)) - 1
    return float(math.floor(x * 0.95 / 10**n) * 10**n)


def _signif_ceiling(x: float) -> float:
    # PHE's axis rounding: 105% of x, ceiled to its two leading digits.
    if x == 0:
        return 0.0
    v = math.ceil(x * 1.05)
    n = len(str(v)) - 2
    return float(math.ceil(x * 1.05 / 10**n) * 10**n)


def funnel_axis(
    denominator: npt.ArrayLike,
    *,
    statistic: str,
    baseline: float | None = None,
    years_of_data: float = 1.0,
    points: int = 100,
) -> FloatArray:
    """The horizontal axis PHEindicatormethods draws funnel limits on (100 points).

    Geometrically spaced from max(1, axis minimum) to the rounded-up largest denominator;
    the axis starts at 0 when the largest denominator is more than twice the smallest.
    For ratios the points are observed events spanning the expected counts given; for
    rates (``baseline`` = Σx/Σpop) they are events spanning baseline x population.
    """
    check_choice("statistic", statistic, _FUNNEL_STATISTICS)
    if (isinstance(points, bool) or not isinstance(points, (int, np.integer))
            or not 2 <= points <= _MAX_AXIS_POINTS):
        raise OptionError(option="points", value=points,
                          allowed=f"a whole number from 2 to {_MAX_AXIS_POINTS:,}")
    yrs = positive_option("years_of_data", years_of_data) if statistic == "rate" else 1.0
    if statistic == "rate":
        if baseline is None:
            raise OptionError(reason="statistic='rate' needs a baseline (Σx/Σpop)",
                              option="baseline", value=None, allowed="a number")
        rate = positive_option("baseline", baseline)
    d = as_float(denominator, "denominator")
    with np.errstate(invalid="ignore"):
        d = d[np.isfinite(d) & (d >= 0)]
    if d.size == 0:
        raise ShapeError(reason="funnel_axis needs at least one finite denominator ≥ 0",
                         shapes={"denominator": np.shape(denominator)})
    lo_d, hi_d = float(d.min()), float(d.max())
    # The axis ends 5% beyond the largest denominator (and, for rates, at its events).
    end = hi_d / yrs * 1.05 * (rate * yrs if statistic == "rate" else 1.0)
    if not 0 <= end < 1e300:
        raise OptionError(option="denominator", value=hi_d,
                          reason="too large to draw a funnel axis to",
                          allowed="denominators below 1e300")
    axis_min = 0.0 if hi_d > 2 * lo_d else _signif_floor(lo_d / yrs) * yrs
    axis_max = _signif_ceiling(hi_d / yrs) * yrs
    if statistic == "rate":
        axis_min = math.floor(axis_min * rate)
        axis_max = math.ceil(axis_max * rate)
    out = [max(1.0, axis_min)]
    # Each point depends on the one before, so this short recurrence is a loop.
    for j in range(2, points + 1):
        offset = j - 1 if statistic == "ratio" else j
        prev = out[-1]
        nxt = float(np.round((axis_max / prev) ** (1.0 / (points + 1 - offset)) * prev))
        out.append(max(nxt, prev + 1.0))
    return np.asarray(out, dtype=np.float64)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class Overdispersion:
    """Spiegelhalter (2005) overdispersion estimate for a set of units (last axis).

    Attributes
    ----------
    statistic : str
        ``"proportion"`` (arcsine-square-root scale) or ``"ratio"`` (log scale, SHMI).
    target : ndarray
        The centre on the transformed scale.
    z : ndarray
        Unadjusted z-scores, (y - target) / s.
    z_winsorised : ndarray
        ``z`` winsorised at the ``trim`` and 1 - ``trim`` quantiles (linear quantiles,
        as R's default type 7).
    phi : ndarray
        Overdispersion ratio, mean of the squared winsorised z-scores.
    tau2 : ndarray
        Additive between-unit variance: 0 when N·phi < N - 1, else
        (N·phi - (N - 1)) / (Σw - Σw²/Σw), with w = 1/s². NaN with fewer than 2 usable
        units (or values too large for a float).
    z_adjusted : ndarray
        (y - target) / √(s² + τ²): the overdispersion-adjusted z-scores.
    n_used : ndarray of int
        Units with usable data in each set.
    trim : float
    reasons : ndarray of uint16
    """

    statistic: str
    target: FloatArray = attrs.field(eq=False)
    z: FloatArray = attrs.field(eq=False)
    z_winsorised: FloatArray = attrs.field(eq=False)
    phi: FloatArray = attrs.field(eq=False)
    tau2: FloatArray = attrs.field(eq=False)
    z_adjusted: FloatArray = attrs.field(eq=False)
    n_used: IntArray = attrs.field(eq=False)
    trim: float
    reasons: FlagArray = attrs.field(eq=False)


def overdispersion(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    *,
    statistic: str = "proportion",
    trim: float = 0.1,
) -> Overdispersion:
    """Estimate overdispersion with Spiegelhalter's additive random-effects model.

    Defaults follow NHS-R FunnelPlotR: z-scores winsorised at 10% each end, proportions
    on the arcsine-square-root scale around asin√(Σx/Σn) with s = 1/(2√n), ratios
    (observed / expected) on the log scale around 0 with s = 1/√E.

    Parameters
    ----------
    numerator, denominator : array_like
        Counts and denominators (proportion) or observed and expected events (ratio);
        units along the last axis.
    statistic : {"proportion", "ratio"}
    trim : float
        Fraction winsorised at each end, in [0, 0.5).
    """
    check_choice("statistic", statistic, ("proportion", "ratio"))
    if (isinstance(trim, bool) or not isinstance(trim, (int, float, np.integer, np.floating))
            or not 0 <= trim < 0.5):
        raise OptionError(option="trim", value=trim, allowed="a value in [0, 0.5)")
    x, n = broadcast(numerator=numerator, denominator=denominator)
    if x.ndim == 0:
        x, n = x[None], n[None]
    reasons = ratio_reasons(x, n, proportion=statistic == "proportion")
    ok = reasons == 0
    if statistic == "ratio":
        ok &= x > 0  # log scale: a zero count has no z-score
    xs, ns = np.where(ok, x, 0.0), np.where(ok, n, 1.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a set with no usable unit: NaN
        if statistic == "proportion":
            target = np.arcsin(np.sqrt(xs.sum(-1, keepdims=True) / ns.sum(-1, keepdims=True,
                                       where=ok)))
            y = np.arcsin(np.sqrt(xs / ns))
            s = 1.0 / (2.0 * np.sqrt(ns))
        else:
            target = np.zeros((*x.shape[:-1], 1))
            y = np.log(xs / ns)
            s = 1.0 / np.sqrt(ns)
        z = np.where(ok, (y - target) / s, np.nan)
        lo = np.nanquantile(z, trim, axis=-1, keepdims=True) if ok.any() else z[..., :1]
        hi = np.nanquantile(z, 1 - trim, axis=-1, keepdims=True) if ok.any() else z[..., :1]
        zw = np.clip(z, lo, hi)
        n_used = ok.sum(-1)
        phi = np.nansum(zw**2, axis=-1) / n_used
        # z-scores whose squares pass a float's range (an expected count near 1e308) give
        # no dispersion ratio, as overflowing sums give no tau² below.
        phi = np.where(np.isfinite(phi), phi, np.nan)
        w = np.where(ok, 1.0 / s**2, 0.0)
        sw = w.sum(-1)
        tau2 = (n_used * phi - (n_used - 1)) / (sw - (w**2).sum(-1) / sw)
        tau2 = np.where(n_used * phi < n_used - 1, 0.0, np.maximum(tau2, 0.0))
        # One usable unit has no between-unit variance; sums that overflow none either.
        tau2 = np.where((n_used >= 2) & np.isfinite(tau2), tau2, np.nan)
        z_adj = np.where(ok, (y - target) / np.sqrt(s**2 + tau2[..., None]), np.nan)
    warn_invalid(reasons, "overdispersion")
    return Overdispersion(statistic=statistic, target=np.asarray(target[..., 0]), z=z,
                          z_winsorised=zw, phi=np.asarray(phi), tau2=np.asarray(tau2),
                          z_adjusted=z_adj, n_used=np.asarray(n_used, dtype=np.int64),
                          trim=float(trim), reasons=reasons)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class FunnelSignificance:
    """Where each unit falls on a funnel plot.

    Attributes
    ----------
    label : ndarray of str
        ``"High (0.001)"``, ``"High (0.025)"``, ``"Not significant"``, ``"Low (0.025)"``,
        ``"Low (0.001)"`` exactly as PHEindicatormethods prints them; ``""`` where the
        unit could not be assessed (see ``reasons``).
    code : ndarray of int8
        +2 / +1 / 0 / -1 / -2 in the order above (0 also where not assessed).
    baseline : ndarray
        The centre compared against (pooled average; 1 for ratios), a fraction / rate
        per head, without multiplier.
    statistic : str
    overdispersion : Overdispersion or None
        The adjustment used, if any (labels then come from the adjusted z-scores).
    reasons : ndarray of uint16
    """

    label: StrArray = attrs.field(eq=False)
    code: npt.NDArray[np.int8] = attrs.field(eq=False)
    baseline: FloatArray = attrs.field(eq=False)
    statistic: str
    overdispersion: Overdispersion | None = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)


def funnel_significance(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike,
    *,
    statistic: str,
    baseline: npt.ArrayLike | None = None,
    adjust: str = "none",
    trim: float = 0.1,
) -> FunnelSignificance:
    """Assign each unit its funnel-plot significance, as PHEindicatormethods
    ``assign_funnel_significance``.

    Parameters
    ----------
    numerator, denominator : array_like
        Units along the last axis. proportion: count and denominator; ratio: observed
        and expected events; rate: events and population (the crude-rate denominator).
    statistic : {"proportion", "ratio", "rate"}
        - proportion: compares x/n with the inverse-Wilson limits around the pooled
          proportion Σx/Σn (95% and 99.8%), strict inequalities;
        - ratio: the exact (fewer than 10 events) or Byar's (10 or more) interval of
          O/E against 1;
        - rate: the same interval for x/pop against the pooled rate Σx/Σpop.
    baseline : array_like, optional
        Override the pooled baseline (e.g. an England & Wales figure, as a fraction or
        rate per head). Broadcasts with the leading axes.
    adjust : {"none", "additive"}
        ``"additive"`` applies Spiegelhalter's random-effects overdispersion adjustment
        (proportions and ratios; see :func:`overdispersion`) and labels by the adjusted
        z-scores against 1.959964 and 3.090232.
    trim : float
        Winsorisation fraction for ``adjust="additive"``.
    """
    check_choice("statistic", statistic, _FUNNEL_STATISTICS)
    check_choice("adjust", adjust, ("none", "additive"))
    x, n = broadcast(numerator=numerator, denominator=denominator)
    if x.ndim == 0:
        x, n = x[None], n[None]
    reasons = ratio_reasons(x, n, proportion=statistic == "proportion")
    if baseline is not None:
        theta = np.asarray(as_float(baseline, "baseline"))[..., None]
        try:
            shape = np.broadcast_shapes(x.shape, theta.shape)
        except ValueError as exc:
            raise ShapeError(reason="baseline must broadcast with the leading axes of the "
                             "data (one per series, not per unit)",
                             shapes={"numerator": x.shape,
                                     "baseline": np.shape(baseline)}) from exc
        if shape != x.shape:
            raise ShapeError(reason="baseline has more series than the data",
                             shapes={"numerator": x.shape, "baseline": np.shape(baseline)})
        theta_reasons = input_reasons(theta)
        set_reason(theta_reasons, np.isfinite(theta) & (theta < 0), Reason.NEGATIVE)
        reasons |= np.broadcast_to(theta_reasons, x.shape)
    ok = reasons == 0
    xs, ns = np.where(ok, x, 0.0), np.where(ok, n, 1.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if baseline is not None:
            theta = np.where(np.isfinite(theta) & (theta >= 0), theta, 0.0)
        elif statistic == "ratio":
            theta = np.ones((*x.shape[:-1], 1))
        else:
            theta = (np.sum(xs, -1, keepdims=True)
                     / np.sum(np.where(ok, n, 0.0), -1, keepdims=True))
        od: Overdispersion | None = None
        if adjust == "additive":
            if statistic == "rate":
                raise OptionError(reason="adjust='additive' is available for proportions and "
                                  "ratios only", option="statistic", value=statistic,
                                  allowed=("proportion", "ratio"))
            od = overdispersion(np.where(ok, x, np.nan), n, statistic=statistic, trim=trim)
            zz = od.z_adjusted
            z95, z998 = _control_z()
            code = (np.where(zz > z998, 2, np.where(zz > z95, 1, 0))
                    - np.where(zz < -z998, 2, np.where(zz < -z95, 1, 0)))
            ok &= np.isfinite(zz)
        elif statistic == "proportion":
            p = xs / ns
            code = np.select(
                [p < _wilson_inverse(0.999, ns, theta, -1),
                 p < _wilson_inverse(0.975, ns, theta, -1),
                 p > _wilson_inverse(0.999, ns, theta, +1),
                 p > _wilson_inverse(0.975, ns, theta, +1)],
                [-2, -1, 2, 1], 0)
        else:
            lo95, hi95 = _count_limits(xs, 0.95)
            lo998, hi998 = _count_limits(xs, 0.998)
            code = np.select(
                [theta < lo998 / ns, theta < lo95 / ns, theta > hi998 / ns, theta > hi95 / ns],
                [2, 1, -2, -1], 0)
    code = np.where(ok, code, 0).astype(np.int8)
    label = np.array([FUNNEL_LABELS[c] for c in (2, 1, 0, -1, -2)])[2 - code.astype(np.int64)]
    label = np.where(ok, label, "").astype("<U15")
    warn_invalid(reasons, "funnel_significance")
    return FunnelSignificance(label=label, code=code, baseline=np.asarray(theta[..., 0]),
                              statistic=statistic, overdispersion=od, reasons=reasons)
