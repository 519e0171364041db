"""Confidence intervals (docs/methodology.md §2), with PHEindicatormethods' defaults.

One-sample intervals
    :func:`proportion_ci` (Wilson score, or exact Clopper–Pearson), :func:`count_ci`
    (exact Poisson or Byar's), :func:`rate_ci` (a count's interval over a population)
    and :func:`mean_ci` (Student's t). They return an :class:`IntervalResult`.

Two-sample intervals, for the significance of a change
    :func:`pp_change_ci` (Newcombe's hybrid score interval for a difference of two
    proportions, in percentage points) returns a :class:`DifferenceResult`;
    :func:`rate_ratio_ci` (conditional exact interval and test for the ratio of two
    Poisson counts) returns a :class:`RatioResult`.

Confidence levels
    ``confidence`` is one level (0.95, or 95) or a sequence of levels such as
    ``(0.95, 0.998)``. With one level given as a number, bounds have the broadcast
    shape of the inputs. With a sequence (even of one level), bounds gain a leading
    axis, one entry per level: ``result.lower[i]`` is the lower bound at
    ``result.confidence[i]``. ``result.confidence`` is always a tuple of fractions.
    Values and ``reasons`` never have the level axis.

Only :mod:`scipy.special` is used, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    BoolArray,
    FlagArray,
    FloatArray,
    Int8Array,
    Reason,
    blank_overflow,
    broadcast,
    check_choice,
    confidence_levels,
    count_reasons,
    fill_invalid,
    flag,
    input_reasons,
    invalid,
    keyword_periods,
    positive_option,
    ratio_reasons,
    scalar_fields,
    set_reason,
    warn_invalid,
    z_value,
)
from perfcore.codes import IntervalMethod

__all__ = [
    "DifferenceResult",
    "IntervalResult",
    "RatioResult",
    "count_ci",
    "effective_sample_size",
    "mean_ci",
    "pp_change_ci",
    "proportion_ci",
    "rate_ci",
    "rate_ratio_ci",
]

Confidence = float | Sequence[float]
# The maths of checked inputs runs under np.errstate(all="ignore"): what overflows, or
# is out of reach of a special function, comes out non-finite and becomes NaN with
# OVERFLOW (calc._common.blank_overflow), not a numpy warning.

_PROPORTION_METHODS = ("wilson", "exact")
#: The interval of the methods that use one for every element (proportions and means).
_SINGLE_METHODS = {"wilson": IntervalMethod.WILSON, "exact": IntervalMethod.EXACT,
                   "t": IntervalMethod.T}
_COUNT_METHODS = ("auto", "exact", "byar")

# scipy.stats.binomtest's relative tolerance for "as or less likely than observed"; using
# the same keeps two-sided p-values identical when probabilities tie up to rounding.
_TIE_TOLERANCE = 1 + 1e-7


# --------------------------------------------------------------------------- results


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class IntervalResult:
    """An estimate with its confidence interval, element by element. ``method_code``
    (property) says per element which interval was computed, as
    :class:`~perfcore.codes.IntervalMethod` values.

    Attributes
    ----------
    value : ndarray of float64
        The estimate: proportion × multiplier, count, rate per ``per``, or mean.
    lower, upper : ndarray of float64
        Confidence bounds. Shape of ``value``, or ``(len(confidence), *value.shape)``
        when ``confidence`` was given as a sequence: ``lower[i]`` is for
        ``confidence[i]``.
    confidence : tuple of float
        The levels, as fractions (0.95, 0.998).
    method : str
        The method option used (``"wilson"``, ``"exact"``, ``"auto"``, ``"byar"``, ``"t"``).
    exact : ndarray of bool or None
        For counts and rates: True where the exact Poisson interval was used, False
        where Byar's was (with ``method="auto"`` this is ``x < exact_below``). None for
        proportions and means.
    statistic : str
        What ``value`` is: ``"proportion of 1"``, ``"percentage"``, ``"count"``,
        ``"rate per 1000"``, ``"mean"``.
    reasons : ndarray of uint16
        :class:`~perfcore.calc.Reason` bits; value and bounds are NaN where an
        invalidating reason is set.
    """

    value: FloatArray = attrs.field(eq=False)
    lower: FloatArray = attrs.field(eq=False)
    upper: FloatArray = attrs.field(eq=False)
    confidence: tuple[float, ...]
    method: str
    exact: BoolArray | None = attrs.field(eq=False, default=None, repr=False)
    statistic: str
    reasons: FlagArray = attrs.field(eq=False, repr=False)

    def flag(self, reason: Reason) -> BoolArray:
        """Boolean array: True where ``reason`` is set."""
        return flag(self.reasons, reason)

    @property
    def method_code(self) -> Int8Array:
        """:class:`~perfcore.codes.IntervalMethod` of each element's interval: ``WILSON``,
        ``EXACT`` (Clopper–Pearson or exact Poisson), ``BYAR`` or ``T``; ``NONE`` where no
        interval was computed (an invalidating reason)."""
        if self.exact is not None:  # counts and rates: per element
            code = np.where(self.exact, IntervalMethod.EXACT, IntervalMethod.BYAR)
        else:
            code = np.full(np.shape(self.value), _SINGLE_METHODS[self.method])
        return np.where(invalid(self.reasons), IntervalMethod.NONE, code).astype(np.int8)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class DifferenceResult:
    """Difference of two proportions (period 2 minus period 1) in percentage points.

    Attributes
    ----------
    p1, p2 : ndarray of float64
        The two proportions as fractions (x1/n1 previous, x2/n2 current).
    value : ndarray of float64
        ``(p2 − p1) × 100``, percentage points.
    lower, upper : ndarray of float64
        Newcombe's hybrid score interval (method 10) in pp; a leading level axis when
        ``confidence`` was a sequence (see the module notes).
    significant : ndarray of bool
        True where the interval excludes 0. This, not ``pvalue``, decides significance
        (same level axis as the bounds).
    pvalue : ndarray of float64
        Two-sided p-value of the pooled two-proportion z-test (the score test:
        ``z = (p2 − p1) / √(p̄(1 − p̄)(1/n1 + 1/n2))``), for information. It is a
        different test from the interval, so on a knife edge the two can disagree.
        1 where both proportions are 0 or both are 1.
    confidence : tuple of float
    reasons : ndarray of uint16
    """

    p1: FloatArray = attrs.field(eq=False)
    p2: FloatArray = attrs.field(eq=False)
    value: FloatArray = attrs.field(eq=False)
    lower: FloatArray = attrs.field(eq=False)
    upper: FloatArray = attrs.field(eq=False)
    significant: BoolArray = attrs.field(eq=False)
    pvalue: FloatArray = attrs.field(eq=False)
    confidence: tuple[float, ...]
    reasons: FlagArray = attrs.field(eq=False, repr=False)

    def flag(self, reason: Reason) -> BoolArray:
        """Boolean array: True where ``reason`` is set."""
        return flag(self.reasons, reason)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class RatioResult:
    """Ratio of two Poisson rates, current (2) over previous (1), with an exact interval.

    Attributes
    ----------
    ratio : ndarray of float64
        ``(x2 / exposure2) / (x1 / exposure1)``. NaN with ``ZERO_BASE`` when x1 = 0.
    lower, upper : ndarray of float64
        Conditional exact interval for the ratio (Clopper–Pearson on x2 out of x1 + x2,
        transformed to the ratio). ``upper`` is NaN (not +inf) when x1 = 0; a leading
        level axis when ``confidence`` was a sequence.
    pct_change, pct_change_lower, pct_change_upper : ndarray of float64
        The same as a % change: ``(ratio − 1) × 100`` and its bounds.
    significant : ndarray of bool
        True where the interval excludes the ratio 1 (decided on the binomial
        proportion, so it is defined even when x1 = 0).
    pvalue : ndarray of float64
        Exact two-sided p-value of the conditional binomial test of x2 out of x1 + x2
        against ``exposure2 / (exposure1 + exposure2)``; outcomes as likely as or less
        likely than the one observed are summed (as ``scipy.stats.binomtest`` and
        ``statsmodels`` ``test_poisson_2indep(method="exact-cond")`` do). 1 when
        x1 = x2 = 0.
    confidence : tuple of float
    reasons : ndarray of uint16
        ``ZERO_BASE`` (x1 = 0, or both 0), ``NEGATIVE``, ``NOT_INTEGER`` (exact methods
        need whole counts), ``ZERO_DENOMINATOR`` (an exposure ≤ 0), ``MISSING``,
        ``NON_FINITE``.
    """

    ratio: FloatArray = attrs.field(eq=False)
    lower: FloatArray = attrs.field(eq=False)
    upper: FloatArray = attrs.field(eq=False)
    pct_change: FloatArray = attrs.field(eq=False)
    pct_change_lower: FloatArray = attrs.field(eq=False)
    pct_change_upper: FloatArray = attrs.field(eq=False)
    significant: BoolArray = attrs.field(eq=False)
    pvalue: FloatArray = attrs.field(eq=False)
    confidence: tuple[float, ...]
    reasons: FlagArray = attrs.field(eq=False, repr=False)

    def flag(self, reason: Reason) -> BoolArray:
        """Boolean array: True where ``reason`` is set."""
        return flag(self.reasons, reason)


# --------------------------------------------------------------------------- helpers


def _levels(confidence: Confidence) -> tuple[tuple[float, ...], bool]:
    """(levels, stacked): stacked is True when bounds get a leading level axis."""
    stacked = not np.isscalar(confidence)
    return confidence_levels(confidence), stacked


def _stack(parts: list[FloatArray], stacked: bool) -> FloatArray:
    return np.stack(parts) if stacked else parts[0]


# --------------------------------------------------------------------------- proportions


def _wilson(x: FloatArray, n: FloatArray, z: float,
            out: tuple[FloatArray, FloatArray] | None = None) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds (no continuity correction) as fractions of 1.

    The textbook lower bound [2x + z² − z√(z² + 4x(1 − x/n))] / [2(n + z²)] subtracts two
    nearly equal numbers when x is small. Multiplying through by the conjugate,
    (2x + z²)² − z²(z² + 4x(1 − x/n)) = 4x²(1 + z²/n), and (1 + z²/n)/(n + z²) = 1/n, so

        lower = 2x² / (n (2x + z² + h)),   h = z√(z² + 4x(n − x)/n),

    the same value with no cancellation; x = 0 gives exactly 0. h is symmetric in x and
    n − x, and so is the interval: upper(x) = 1 − lower(n − x). Written out, with
    m = n − x and t = z² + h, that is

        upper = (2mx + n·t) / (n(2m + t)),

    a ratio of sums of non-negative terms, so a tiny upper bound (x = 1, n = 10⁹) keeps
    its relative precision, which ``1 − lower(n − x)`` loses to cancellation; x = n gives
    exactly 1. Both are computed with p = x/n taken out first,

        lower = p · x / (x + t/2),   upper = (m·p + t/2) / (m + t/2),   h = z√(z² + 4m·p),

    so that no intermediate exceeds n (x·m or n·t would overflow for n above 10¹⁵⁴).
    Both bounds stay in [0, 1] (the upper one is clipped at 1 against a last-place
    rounding when x is within an ulp of n), contain x/n and widen with z. In-place
    operations (into ``out`` when given) keep this as fast as the textbook form.
    """
    if np.ndim(x) == 0:  # the in-place steps below need arrays, not numpy scalars
        lo, up = _wilson(np.reshape(x, (1,)), np.reshape(n, (1,)), z)
        if out is not None:
            out[0][...], out[1][...] = lo[0], up[0]
            return out
        return lo.reshape(()), up.reshape(())
    z2 = z * z
    m = n - x
    p = x / n
    h = m * p
    h *= 4.0
    h += z2
    # max(…, 0) guards x fractionally above n by rounding (x ≤ n is checked already).
    np.maximum(h, 0.0, out=h)
    np.sqrt(h, out=h)
    h *= z
    h += z2
    h *= 0.5  # t/2
    lower = np.add(x, h, out=None if out is None else out[0])
    np.divide(x, lower, out=lower)
    lower *= p
    upper = np.add(m, h, out=None if out is None else out[1])  # m + t/2
    m *= p
    m += h  # m·p + t/2
    np.divide(m, upper, out=upper)
    np.minimum(upper, 1.0, out=upper)
    return lower, upper


def _clopper_pearson(x: FloatArray, n: FloatArray, alpha: float) -> tuple[FloatArray, FloatArray]:
    """Exact (Clopper–Pearson) bounds via the beta quantile; x = 0 → 0, x = n → 1."""
    pos = x >= np.finfo(np.float64).tiny  # the inverse is NaN for subnormal x; its limit is 0
    below = x < n
    a_lo = np.where(pos, x, 1.0)
    lower = np.where(pos, _beta_quantile(a_lo, n - a_lo + 1.0, alpha / 2, upper=False), 0.0)
    a_up = np.where(below, x, 0.0)
    b_up = np.where(below, n - x, 1.0)
    upper = np.where(below, _beta_quantile(a_up + 1.0, b_up, alpha / 2, upper=True), 1.0)
    # For vanishing x the beta inverse bottoms out at the smallest normal double, just
    # above x/n itself; the true bound is below the estimate, so clamp to it.
    p = x / n
    return np.minimum(lower, p), np.maximum(upper, p)


def _beta_quantile(a: FloatArray, b: FloatArray, y: float, *, upper: bool) -> FloatArray:
    """The x where the regularised incomplete beta I_x(a, b) is ``y`` (``upper``: where
    its complement is), elementwise.

    scipy's inverses (Boost's ``ibeta_inv``) can miss by orders of magnitude where b is
    many orders above a: for a = 1000, b = 1e10 and y = 0.025 they return a point where
    I_x is 1 (the quantile is 9.4e-8), so the exact interval of 1,000 events in 1e10
    comes out nowhere near them. The forward functions stay accurate there, so each
    answer is checked with them, and one that misses is found again by safeguarded
    Newton steps on log x (:func:`_beta_quantile_search`).
    """
    from scipy import special
    x = special.betainccinv(a, b, y) if upper else special.betaincinv(a, b, y)
    below = special.betainc(a, b, x)  # (betaincc costs five times as much)
    # A miss is orders of magnitude beyond these (the forward function is good to about
    # 1e-14 of y, and 1 − I_x to a rounding of 1). Only finite, positive parameters have
    # a quantile to find again; others overflow.
    misses = ~(np.abs((1.0 - below if upper else below) - y) <= 1e-9 * y + 4e-16)
    misses &= (a > 0) & (b > 0) & np.isfinite(a) & np.isfinite(b)
    out = np.array(x, dtype=np.float64)
    if not misses.any():
        return out
    a_m, b_m = np.broadcast_to(a, x.shape)[misses], np.broadcast_to(b, x.shape)[misses]
    found = np.empty(a_m.shape)
    # A quantile near 1 is found as 1 minus its mirror's (I_x(a, b) = 1 − I_{1−x}(b, a)),
    # so that log x keeps its digits.
    mirror = a_m > b_m
    for flip in (False, True):
        sel = mirror == flip
        if sel.any():
            q = (_beta_quantile_search(b_m[sel], a_m[sel], y, upper=not upper) if flip
                 else _beta_quantile_search(a_m[sel], b_m[sel], y, upper=upper))
            found[sel] = 1.0 - q if flip else q
    out[misses] = found
    return out


def _beta_quantile_search(a: FloatArray, b: FloatArray, y: float, *, upper: bool
                          ) -> FloatArray:
    """:func:`_beta_quantile` by Newton steps on t = log x, each kept inside a bracket
    that bisection narrows when a step would leave it; starting from the quantile's
    limit as b grows (a gamma quantile over b), where scipy's inverse fails."""
    from scipy import special
    tail = special.betaincc if upper else special.betainc
    sign = -1.0 if upper else 1.0  # f(t) rises with t in both cases
    log_beta = special.betaln(a, b)
    lo = np.full(a.shape, np.log(np.finfo(np.float64).tiny))
    hi = np.zeros(a.shape)
    g = special.gammainccinv(a, y) if upper else special.gammaincinv(a, y)
    with np.errstate(all="ignore"):  # a flat or overflowing step is replaced by bisection
        t = np.log(g / (g + b))
        t = np.where(np.isfinite(t) & (t > lo) & (t < hi), t, (lo + hi) / 2)
        for _ in range(200):  # bisection alone halves a bracket of 708 to 1e-15 in 60
            x = np.exp(t)
            f = sign * (tail(a, b, x) - y)
            lo, hi = np.where(f < 0, t, lo), np.where(f < 0, hi, t)
            slope = np.exp(a * t + (b - 1.0) * np.log1p(-x) - log_beta)
            step = t - f / slope
            new = np.where(np.isfinite(step) & (step > lo) & (step < hi), step, (lo + hi) / 2)
            done = np.all(np.abs(new - t) <= 1e-15 * np.maximum(1.0, np.abs(t)))
            t = new
            if done:
                break
        return np.exp(t)


def _broadcast2(a: npt.ArrayLike, b: npt.ArrayLike, names: tuple[str, str],
                ) -> tuple[FloatArray, FloatArray]:
    """Two float64 arrays broadcast together, without copying when they already agree."""
    aa = np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else None
    bb = np.asarray(b, dtype=np.float64) if isinstance(b, np.ndarray) else None
    if aa is not None and bb is not None and aa.shape == bb.shape:
        return aa, bb
    first, second = broadcast(**{names[0]: a, names[1]: b})
    return first, second


def _proportion_inputs(x: npt.ArrayLike, n: npt.ArrayLike, what: str,
                       names: tuple[str, str] = ("x", "n"),
                       ) -> tuple[FloatArray, FloatArray, FlagArray, BoolArray | None]:
    """Broadcast x and n and check them; ``bad`` is None when every element is valid."""
    xa, na = _broadcast2(x, n, names)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(xa)
        ok &= np.isfinite(na)
        ok &= xa >= 0
        ok &= na > 0
        ok &= xa <= na
    if ok.all():
        # The common case: one pass of checks and no copies.
        return xa, na, np.zeros(xa.shape, dtype=np.uint16), None
    reasons = ratio_reasons(xa, na)
    bad = invalid(reasons)
    warn_invalid(reasons, what, stacklevel=4)
    return fill_invalid(xa, bad, 0.0), fill_invalid(na, bad, 1.0), reasons, bad


def _finish(arr: FloatArray, bad: BoolArray | None, mult: float = 1.0) -> FloatArray:
    """Scale by ``mult`` (in place: ``arr`` is a fresh array) and blank invalid elements."""
    arr = np.asarray(arr, dtype=np.float64)  # numpy scalars from 0-d maths become arrays
    if mult != 1.0:
        arr *= mult
    if bad is not None:
        arr[..., bad] = np.nan
    return arr


def effective_sample_size(n: npt.ArrayLike, design_effect: npt.ArrayLike) -> FloatArray:
    """Kish's effective sample size, ``n / design_effect``.

    A survey with a complex design (weighting, clustering, stratification) estimates a
    proportion with the variance of a simple random sample of ``n / deff`` respondents,
    where the design effect deff is the ratio of the estimate's actual variance to a
    simple random sample's (Kish 1965). Surveys usually publish it, or the design factor
    deft = √deff; for weighting alone Kish's approximation is deff = 1 + CV², CV the
    coefficient of variation of the weights. NaN where ``design_effect`` is not a finite
    number > 0 or ``n`` is not finite, or the result is too large for a float.

    Examples
    --------
    >>> float(effective_sample_size(1200, 1.5))
    800.0
    """
    na, d = broadcast(n=n, design_effect=design_effect)
    with np.errstate(all="ignore"):
        out: FloatArray = np.where(np.isfinite(d) & (d > 0) & np.isfinite(na), na / d, np.nan)
    return np.where(np.isinf(out), np.nan, out)  # too large for a float


def _is_one(design_effect: npt.ArrayLike) -> bool:
    return np.ndim(design_effect) == 0 and bool(np.asarray(design_effect) == 1)


class _Effective(NamedTuple):
    """Inputs broadcast with a design effect: the originals, the effective numbers
    (divided by it), the reasons with the design effect's own, the invalid elements."""

    original: list[FloatArray]
    effective: list[FloatArray]
    reasons: FlagArray
    bad: BoolArray | None


def _design_effect(arrays: list[FloatArray], reasons: FlagArray, design_effect: npt.ArrayLike,
                   what: str) -> _Effective:
    """``arrays`` broadcast with ``design_effect`` and divided by it; its reasons: NaN
    ``MISSING``, ±inf ``NON_FINITE``, < 0 ``NEGATIVE``, 0 ``ZERO_DENOMINATOR``. Invalid
    elements get harmless values (0 for the first array, 1 for the others)."""
    *parts, d = broadcast(**{f"a{i}": a for i, a in enumerate(arrays)},
                          design_effect=design_effect)
    d_reasons = input_reasons(d)
    finite = np.isfinite(d)
    set_reason(d_reasons, finite & (d < 0), Reason.NEGATIVE)
    set_reason(d_reasons, finite & (d == 0), Reason.ZERO_DENOMINATOR)
    warn_invalid(d_reasons, f"{what} (design_effect)", stacklevel=4)
    reasons = np.broadcast_to(reasons, d.shape) | d_reasons
    bad = invalid(reasons)
    if bad.any():
        parts = [fill_invalid(a, bad, 0.0 if i % 2 == 0 else 1.0) for i, a in enumerate(parts)]
        d = fill_invalid(d, bad, 1.0)
    with np.errstate(all="ignore"):
        effective = [a / d for a in parts]
    return _Effective(parts, effective, reasons, bad if bad.any() else None)


def proportion_ci(x: npt.ArrayLike, n: npt.ArrayLike, *, confidence: Confidence = 0.95,
                  method: Literal["wilson", "exact"] = "wilson",
                  multiplier: float = 1,
                  design_effect: npt.ArrayLike = 1.0) -> IntervalResult:
    """Proportion ``x / n`` with a Wilson score (default) or exact interval.

    Parameters
    ----------
    x, n : array-like of float
        Numerators and denominators (e.g. crimes with a positive outcome, crimes
        recorded; or satisfied respondents, respondents). Non-integer x is allowed
        (weighted survey counts); ``0 ≤ x ≤ n`` and ``n > 0``.
    confidence : float or sequence of float, default 0.95
        Level(s) as fractions or percentages: 0.95, 95, (0.95, 0.998).
    method : {"wilson", "exact"}, default "wilson"
        ``wilson``: Wilson's score interval without continuity correction (Wilson 1927;
        Newcombe & Altman 2000), PHEindicatormethods' ``phe_proportion`` default:
        ``[2x + z² ∓ z√(z² + 4x(1 − x/n))] / [2(n + z²)]``.
        ``exact``: Clopper–Pearson, from beta quantiles (``Beta(α/2; x, n−x+1)``,
        ``Beta(1−α/2; x+1, n−x)``).
        Either way x = 0 gives lower 0 and x = n upper 1 exactly.
    multiplier : float, default 1
        Scale of value and bounds: 100 gives percentages.
    design_effect : float or array-like, default 1
        For a proportion estimated by a survey with a complex design: the interval is
        computed from Kish's effective sample size ``n / design_effect`` (and the same
        proportion, ``x / design_effect`` of them), which widens it by about
        √design_effect (see :func:`effective_sample_size`). 1 (the default) is a simple
        random sample, or a count of every case (recorded crimes): leave it at 1 unless
        the data come from a sample survey that publishes a design effect. Broadcasts
        with ``x`` and ``n``; NaN, infinite, negative or zero values give NaN with a
        reason. The estimate ``x / n`` is unchanged.

    Returns
    -------
    IntervalResult
        ``n = 0`` → NaN with ``ZERO_DENOMINATOR``; negative, non-finite or ``x > n`` →
        NaN with its reason and one :class:`~perfcore.errors.InvalidInputWarning`.

    Examples
    --------
    >>> r = proportion_ci(65, 100)
    >>> round(float(r.lower), 6), round(float(r.upper), 6)
    (0.552544, 0.736358)
    """
    check_choice("method", method, _PROPORTION_METHODS)
    mult = positive_option("multiplier", multiplier)
    levels, stacked = _levels(confidence)
    xs, ns, reasons, bad = _proportion_inputs(x, n, "proportion_ci")
    xe, ne = xs, ns  # the effective numbers the interval comes from
    if not _is_one(design_effect):
        eff = _design_effect([xs, ns], reasons, design_effect, "proportion_ci")
        (xs, ns), (xe, ne), reasons, bad = eff.original, eff.effective, eff.reasons, eff.bad
    # Bounds for every level are written straight into one (levels, ...) array each.
    lower = np.empty((len(levels), *xe.shape))
    upper = np.empty((len(levels), *xe.shape))
    with np.errstate(all="ignore"):
        for i, c in enumerate(levels):
            if method == "wilson":
                _wilson(xe, ne, z_value(c), out=(lower[i, ...], upper[i, ...]))
            else:
                lower[i], upper[i] = _clopper_pearson(xe, ne, 1.0 - c)
        _finish(lower, bad, mult)
        _finish(upper, bad, mult)
        value = _finish(xs / ns, bad, mult)
    reasons, value, lower, upper = blank_overflow(reasons, value, lower, upper)
    statistic = "percentage" if mult == 100 else f"proportion of {mult:g}"
    return IntervalResult(value=value, lower=lower if stacked else lower[0],
                          upper=upper if stacked else upper[0], confidence=levels,
                          method=method, statistic=statistic, reasons=reasons)


# --------------------------------------------------------------------------- counts


def _exact_poisson(x: FloatArray, alpha: float) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson bounds: χ²⁻¹(α/2; 2x)/2 and χ²⁻¹(1−α/2; 2x+2)/2.

    χ²⁻¹(q; 2k)/2 is the regularised incomplete gamma inverse P⁻¹(k, q), which gives the
    lower bound directly; the upper one is taken from the χ² upper-tail inverse
    (``chdtri``) so that 99.8% bounds keep their precision (and it is the faster kernel).
    """
    from scipy import special
    if x.size > 4096:
        # Counts are whole numbers with many repeats (a force's monthly burglaries): the
        # bounds of each distinct count, computed once and looked up, are the same
        # numbers at a fraction of the special-function calls.
        with np.errstate(invalid="ignore"):
            lo_x, hi_x = (float(np.min(x)), float(np.max(x))) if x.size else (0.0, 0.0)
        if (np.isfinite(lo_x) and np.isfinite(hi_x) and lo_x >= 0
                and hi_x - lo_x < x.size // 4 and np.array_equal(x, np.floor(x))):
            table = np.arange(lo_x, hi_x + 1.0)
            t_lower, t_upper = _exact_poisson(table, alpha)
            index = (x - lo_x).astype(np.intp)
            return t_lower[index], t_upper[index]
    # Below the smallest normal double the gamma inverse returns NaN; its limit there is 0.
    pos = x >= np.finfo(np.float64).tiny
    lower = np.where(pos, special.gammaincinv(np.where(pos, x, 1.0), alpha / 2), 0.0)
    upper = special.chdtri(2.0 * x + 2.0, alpha / 2) / 2.0
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def _byar(x: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation (Breslow & Day 1987), lower bound clipped at 0.

    Below about x = 0.6 (95%) the lower formula's base turns negative; the clip keeps
    a count's bound non-negative. PHE never reaches it: it uses exact below 10.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        base = np.maximum(1.0 - 1.0 / (9.0 * x) - z / (3.0 * np.sqrt(x)), 0.0)
    # Cubes as products: ** 3 is a general pow() call, some 30 times slower.
    lower = np.where(x > 0, x * (base * base * base), 0.0)
    x1 = x + 1.0
    up = 1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))
    upper = x1 * (up * up * up)
    return lower, upper


def _count_bounds(xs: FloatArray, levels: tuple[float, ...], method: str,
                  exact_below: float) -> tuple[list[FloatArray], list[FloatArray], BoolArray]:
    use_exact = (np.ones(xs.shape, dtype=bool) if method == "exact"
                 else np.zeros(xs.shape, dtype=bool) if method == "byar"
                 else np.asarray(xs < exact_below))
    any_exact, all_exact = bool(use_exact.any()), bool(use_exact.all())
    lowers: list[FloatArray] = []
    uppers: list[FloatArray] = []
    for c in levels:
        if all_exact:
            lo, up = _exact_poisson(xs, 1.0 - c)
        elif not any_exact:
            lo, up = _byar(xs, z_value(c))
        else:
            # Only the elements that need each method are computed.
            lo = np.empty(xs.shape)
            up = np.empty(xs.shape)
            lo[use_exact], up[use_exact] = _exact_poisson(xs[use_exact], 1.0 - c)
            byar = ~use_exact
            lo[byar], up[byar] = _byar(xs[byar], z_value(c))
        lowers.append(lo)
        uppers.append(up)
    return lowers, uppers, use_exact


def count_ci(x: npt.ArrayLike, *, confidence: Confidence = 0.95,
             method: Literal["auto", "exact", "byar"] = "auto",
             exact_below: float = 10) -> IntervalResult:
    """A Poisson count with its confidence interval.

    Parameters
    ----------
    x : array-like of float
        Counts (≥ 0). Non-integer counts are allowed (the formulas are continuous).
    confidence : float or sequence of float, default 0.95
    method : {"auto", "exact", "byar"}, default "auto"
        ``exact``: lower ``χ²⁻¹((1−c)/2; 2x)/2`` (0 when x = 0), upper
        ``χ²⁻¹(1 − (1−c)/2; 2x+2)/2`` (Armitage & Berry 2002); x = 0 at 95% gives
        (0, 3.689).
        ``byar``: ``x(1 − 1/(9x) − z/(3√x))³`` and
        ``(x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³`` (Breslow & Day 1987), lower clipped
        at 0.
        ``auto``: exact when ``x < exact_below``, Byar's otherwise — PHEindicatormethods'
        ``phe_rate`` rule.
    exact_below : float, default 10
        Threshold for ``auto``.

    Returns
    -------
    IntervalResult
        ``exact`` says per element which method was used.
    """
    check_choice("method", method, _COUNT_METHODS)
    eb = positive_option("exact_below", exact_below, allow_zero=True)
    levels, stacked = _levels(confidence)
    xa, = broadcast(x=x)
    reasons = input_reasons(xa)
    count_reasons(xa, reasons)
    bad = invalid(reasons)
    warn_invalid(reasons, "count_ci")
    xs = fill_invalid(xa, bad, 0.0)
    with np.errstate(all="ignore"):
        lowers, uppers, use_exact = _count_bounds(xs, levels, method, eb)
    nan = float("nan")
    reasons, value, lower, upper = blank_overflow(
        reasons, np.where(bad, nan, xs),
        _stack([np.where(bad, nan, lo) for lo in lowers], True),
        _stack([np.where(bad, nan, up) for up in uppers], True))
    return IntervalResult(
        value=value, lower=lower if stacked else lower[0],
        upper=upper if stacked else upper[0], confidence=levels, method=method,
        exact=use_exact & ~invalid(reasons), statistic="count", reasons=reasons)


def rate_ci(x: npt.ArrayLike, population: npt.ArrayLike, *, per: float = 1000,
            confidence: Confidence = 0.95, method: Literal["auto", "exact", "byar"] = "auto",
            exact_below: float = 10) -> IntervalResult:
    """A rate per ``per`` population, ``x / population × per``, with its interval.

    The interval is the count's (:func:`count_ci`, same ``method`` and
    ``exact_below``) divided by the population and multiplied by ``per``: with the
    defaults, exact below 10 events and Byar's from 10 (PHEindicatormethods
    ``phe_rate``).

    Parameters
    ----------
    x : array-like of float
        Event counts (crimes).
    population : array-like of float
        Population (> 0); 0 gives NaN with ``ZERO_DENOMINATOR``.
    per : float, default 1000
        Rate multiplier ("crimes per 1,000 population").
    confidence, method, exact_below
        As for :func:`count_ci`.

    Returns
    -------
    IntervalResult
    """
    check_choice("method", method, _COUNT_METHODS)
    eb = positive_option("exact_below", exact_below, allow_zero=True)
    mult = positive_option("per", per)
    levels, stacked = _levels(confidence)
    xa, pop = broadcast(x=x, population=population)
    reasons = input_reasons(xa, pop)
    count_reasons(xa, reasons)
    ok = np.isfinite(pop)
    set_reason(reasons, ok & (pop < 0), Reason.NEGATIVE)
    set_reason(reasons, ok & (pop == 0), Reason.ZERO_DENOMINATOR)
    bad = invalid(reasons)
    warn_invalid(reasons, "rate_ci")
    xs = fill_invalid(xa, bad, 0.0)
    nan = float("nan")
    with np.errstate(all="ignore"):
        scale = mult / fill_invalid(pop, bad, 1.0)
        lowers, uppers, use_exact = _count_bounds(xs, levels, method, eb)
        reasons, value, lower, upper = blank_overflow(
            reasons, np.where(bad, nan, xs * scale),
            _stack([np.where(bad, nan, lo * scale) for lo in lowers], True),
            _stack([np.where(bad, nan, up * scale) for up in uppers], True))
    return IntervalResult(
        value=value, lower=lower if stacked else lower[0],
        upper=upper if stacked else upper[0], confidence=levels, method=method,
        exact=use_exact & ~invalid(reasons), statistic=f"rate per {mult:g}", reasons=reasons)


# --------------------------------------------------------------------------- means


def mean_ci(mean: npt.ArrayLike, sd: npt.ArrayLike, n: npt.ArrayLike, *,
            confidence: Confidence = 0.95) -> IntervalResult:
    """A mean with its Student's t interval: ``x̄ ± t(1 − (1−c)/2; n−1) · s / √n``.

    Parameters
    ----------
    mean, sd, n : array-like of float
        Sample mean, sample standard deviation (n − 1 divisor) and sample size.
        ``n < 2`` gives NaN with ``TOO_FEW``; a negative sd or n gives ``NEGATIVE``.
    confidence : float or sequence of float, default 0.95

    Returns
    -------
    IntervalResult
        ``method="t"`` (PHEindicatormethods ``phe_mean``).
    """
    from scipy import special
    levels, stacked = _levels(confidence)
    m, s, k = broadcast(mean=mean, sd=sd, n=n)
    reasons = input_reasons(m, s, k)
    ok = np.isfinite(s) & np.isfinite(k)
    set_reason(reasons, ok & ((s < 0) | (k < 0)), Reason.NEGATIVE)
    set_reason(reasons, ok & (k >= 0) & (k < 2), Reason.TOO_FEW)
    bad = invalid(reasons)
    warn_invalid(reasons, "mean_ci")
    ks = fill_invalid(k, bad, 2.0)
    ms = fill_invalid(m, bad, 0.0)
    nan = float("nan")
    lowers: list[FloatArray] = []
    uppers: list[FloatArray] = []
    with np.errstate(all="ignore"):
        se = fill_invalid(s, bad, 0.0) / np.sqrt(ks)
        for c in levels:
            half = special.stdtrit(ks - 1.0, 1.0 - (1.0 - c) / 2) * se
            lowers.append(np.where(bad, nan, ms - half))
            uppers.append(np.where(bad, nan, ms + half))
    reasons, value, lower, upper = blank_overflow(
        reasons, np.where(bad, nan, ms), _stack(lowers, True), _stack(uppers, True))
    return IntervalResult(value=value, lower=lower if stacked else lower[0],
                          upper=upper if stacked else upper[0], confidence=levels, method="t",
                          statistic="mean", reasons=reasons)


# --------------------------------------------------------------------------- two samples


@keyword_periods("previous", "previous_n", "current", "current_n")
def pp_change_ci(*, current: npt.ArrayLike, current_n: npt.ArrayLike, previous: npt.ArrayLike,
                 previous_n: npt.ArrayLike, confidence: Confidence = 0.95,
                 design_effect: npt.ArrayLike = 1.0) -> DifferenceResult:
    """Change in a proportion, ``p2 − p1`` in percentage points, with Newcombe's interval.

    Period 1 is the previous period (``previous / previous_n``), period 2 the current one
    (``current / current_n``), so a rise is positive. The periods are taken by keyword
    only: swapped, they would flip the change's sign.

    The interval is Newcombe's hybrid score interval (Newcombe 1998, method 10), built
    from the two Wilson intervals ``(l1, u1)`` and ``(l2, u2)``:
    ``d − √((p2 − l2)² + (u1 − p1)²)`` to ``d + √((u2 − p2)² + (p1 − l1)²)``.
    ``significant`` is True where it excludes 0. ``pvalue`` is the pooled
    two-proportion z-test's, given for information (see :class:`DifferenceResult`).

    Parameters
    ----------
    current, current_n : array-like of float
        The current period's numerator (cases) and denominator.
    previous, previous_n : array-like of float
        The previous period's.
    confidence : float or sequence of float, default 0.95
    design_effect : float or array-like, default 1
        For proportions from a survey with a complex design, the design effect of both
        periods' estimates: the Wilson intervals, the Newcombe interval and the p-value
        use Kish's effective sample sizes ``n / design_effect`` (see
        :func:`proportion_ci`); leave it at 1 for counts of every case. For different
        design effects in the two periods, pass effective numbers instead
        (``current=x2 / deff2, current_n=n2 / deff2`` ...). The change itself and
        ``p1``, ``p2`` are unchanged.

    Returns
    -------
    DifferenceResult
    """
    from scipy import special
    levels, stacked = _levels(confidence)
    a1, b1, a2, b2 = broadcast(previous=previous, previous_n=previous_n, current=current,
                               current_n=current_n)
    reasons = ratio_reasons(a1, b1)
    reasons |= ratio_reasons(a2, b2)
    bad = invalid(reasons)
    warn_invalid(reasons, "pp_change_ci", stacklevel=4)
    a1, a2 = fill_invalid(a1, bad, 0.0), fill_invalid(a2, bad, 0.0)
    b1, b2 = fill_invalid(b1, bad, 1.0), fill_invalid(b2, bad, 1.0)
    with np.errstate(all="ignore"):
        p1 = est1 = a1 / b1
        p2 = est2 = a2 / b2
        if not _is_one(design_effect):  # the interval from the effective numbers
            eff = _design_effect([a1, b1, a2, b2], reasons, design_effect, "pp_change_ci")
            (a1, b1, a2, b2), reasons = eff.effective, eff.reasons
            bad = eff.bad if eff.bad is not None else np.zeros(reasons.shape, dtype=bool)
            est1, est2 = np.broadcast_to(est1, bad.shape), np.broadcast_to(est2, bad.shape)
            p1, p2 = a1 / b1, a2 / b2
        d = p2 - p1
        nan = float("nan")
        lowers: list[FloatArray] = []
        uppers: list[FloatArray] = []
        sig: list[BoolArray] = []
        for c in levels:
            z = z_value(c)
            l1, u1 = _wilson(a1, b1, z)
            l2, u2 = _wilson(a2, b2, z)
            lo = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
            up = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
            sig.append((lo > 0) | (up < 0))
            lowers.append(np.where(bad, nan, lo * 100.0))
            uppers.append(np.where(bad, nan, up * 100.0))
        pooled = (a1 + a2) / (b1 + b2)
        var = pooled * (1.0 - pooled) * (1.0 / b1 + 1.0 / b2)
        degenerate = var <= 0  # both 0% or both 100%: no difference is possible
        zstat = d / np.where(degenerate, 1.0, np.sqrt(np.where(degenerate, 1.0, var)))
        pvalue = np.where(degenerate, 1.0, 2.0 * special.ndtr(-np.abs(zstat)))
        value = np.where(bad, nan, (est2 - est1) * 100.0)
        # Mathematically lower ≤ d ≤ upper; with huge effective n the interval shrinks to
        # d and rounding could leave a bound a last place on the wrong side.
        lowers = [np.fmin(lo, value) for lo in lowers]
        uppers = [np.fmax(up, value) for up in uppers]
    reasons, value, lower, upper, pvalue = blank_overflow(
        reasons, value, _stack(lowers, True), _stack(uppers, True), np.where(bad, nan, pvalue))
    bad = invalid(reasons)
    significant = np.stack(sig) & ~bad
    return DifferenceResult(
        p1=np.where(bad, nan, est1), p2=np.where(bad, nan, est2), value=value,
        lower=lower if stacked else lower[0], upper=upper if stacked else upper[0],
        significant=significant if stacked else significant[0],
        pvalue=pvalue, confidence=levels, reasons=reasons)


def _binom_logpmf(k: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    # xlogy/xlog1py give 0·log 0 = 0, so p = 0 or 1 and k at the ends are exact.
    from scipy import special
    return np.asarray(special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
                      + special.xlogy(k, p) + special.xlog1py(n - k, -p), dtype=np.float64)


def _binom_cdf(k: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    """P(X ≤ k) for X ~ Bin(n, p), k whole; 0 for k < 0 and 1 for k ≥ n."""
    from scipy import special
    inside = (k >= 0) & (k < n)
    kk = np.where(inside, k, 0.0)
    nn = np.where(inside, n, 1.0)
    val = special.betainc(nn - kk, kk + 1.0, 1.0 - p)
    return np.where(inside, val, np.where(k < 0, 0.0, 1.0))


def _binom_at_least(j: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    """P(X ≥ j) for X ~ Bin(n, p), j whole, from the upper tail directly (no 1 − cdf)."""
    from scipy import special
    inside = (j >= 1) & (j <= n)
    jj = np.where(inside, j, 1.0)
    nn = np.where(inside, n, 1.0)
    val = special.betainc(jj, nn - jj + 1.0, p)
    return np.where(inside, val, np.where(j < 1, 1.0, 0.0))


#: Below this, min(k, n − k) of a binomial with p = ½ has neighbours whose probabilities
#: differ from its own by more than the tie tolerance (by a factor ≥ 1 + 1/(k + 1)), so
#: its two-sided p-value is exactly twice its tail; kept well below 1e7 so that rounding
#: in the log-probabilities of the general search cannot matter either.
_SYMMETRIC_BELOW = 1e6


def _binom_two_sided(k: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    """Exact two-sided binomial p-value: the total probability of every outcome no more
    likely than ``k`` (ties within a relative 1e-7 count as equal).

    With p = ½ (a count against its previous value, equal exposures) the distribution is
    symmetric and the answer is twice the smaller tail; otherwise see
    :func:`_binom_two_sided_search`.
    """
    k, n, p = np.broadcast_arrays(k, n, p)
    shape = k.shape
    k, n, p = k.reshape(-1), n.reshape(-1), p.reshape(-1)
    small = np.minimum(k, n - k)
    symmetric = (p == 0.5) & (small < _SYMMETRIC_BELOW)
    out = np.empty(k.shape)
    if symmetric.any():
        s = symmetric
        out[s] = np.minimum(2.0 * _binom_cdf(small[s], n[s], p[s]), 1.0)
    rest = ~symmetric
    if rest.any():
        out[rest] = _binom_two_sided_search(k[rest], n[rest], p[rest])
    return out.reshape(shape)


def _binom_two_sided_search(k: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    """:func:`_binom_two_sided` for any p: the outcomes on ``k``'s own side of the mean
    that are no more likely than ``k`` are exactly the tail beyond ``k``. On the far side
    the probabilities are monotone, so the tail there is found by bisection, vectorised
    over elements."""
    mean = n * p
    threshold = _binom_logpmf(k, n, p) + np.log(_TIE_TOLERANCE)
    below = k < mean
    # Far side: [ceil(np), n] (pmf falling) when k is below the mean, else [0, floor(np)]
    # (pmf rising). Search it for the first index where `edge` holds; `edge` is false
    # then true along the range in both cases.
    first = np.where(below, np.ceil(mean), 0.0)
    last = np.where(below, n, np.floor(mean)) + 1.0
    # A total too large for a float (x1 + x2 overflowing) bounds no search: such elements
    # end as NaN below, and the step count comes from the finite ones.
    steps = int(np.ceil(np.log2(float(np.max(n, where=np.isfinite(n), initial=1.0))
                                + 2.0))) + 1
    for _ in range(steps):
        open_ = first < last
        if not open_.any():
            break
        mid = np.floor((first + last) / 2.0)
        small = _binom_logpmf(np.minimum(mid, n), n, p) <= threshold
        edge = np.where(below, small, ~small)
        last = np.where(open_ & edge, mid, last)
        first = np.where(open_ & ~edge, mid + 1.0, first)
    # below: far tail is [first, n]; above: far tail is [0, first - 1].
    far = np.where(below, _binom_at_least(first, n, p), _binom_cdf(first - 1.0, n, p))
    near = np.where(below, _binom_cdf(k, n, p), _binom_at_least(k, n, p))
    pval = np.where(k == mean, 1.0, near + far)
    return np.asarray(np.minimum(pval, 1.0), dtype=np.float64)


def _ratio_bounds(c1: FloatArray, c2: FloatArray, n: FloatArray, scale: FloatArray,
                  p0: FloatArray, alpha: float) -> tuple[FloatArray, FloatArray, BoolArray]:
    """The exact bounds of the rate ratio (the current count's share π of ``n`` as odds,
    times ``scale``) and whether they exclude R = 1 (π = ``p0``).

    Clopper–Pearson is computed for the smaller count's share, which is never near 1: the
    odds π / (1 − π) of a share near 1 (1,000 events against 1e14) would keep a few of
    its digits in 1 − π, and the bound could land on the wrong side of the ratio.
    """
    current_smaller = c2 <= c1
    lo, up = _clopper_pearson(np.where(current_smaller, c2, c1), n, alpha)
    lower = np.where(current_smaller, lo / (1.0 - lo), (1.0 - up) / up) * scale
    upper = np.where(current_smaller, up / (1.0 - up), (1.0 - lo) / lo) * scale
    q0 = scale / (1.0 + scale)  # 1 − p0, the previous count's share at R = 1
    excludes = np.where(current_smaller, (lo > p0) | (up < p0), (lo > q0) | (up < q0))
    return lower, upper, excludes


@keyword_periods("previous", "current")
def rate_ratio_ci(*, current: npt.ArrayLike, previous: npt.ArrayLike,
                  current_exposure: npt.ArrayLike = 1, previous_exposure: npt.ArrayLike = 1,
                  confidence: Confidence = 0.95) -> RatioResult:
    """Ratio of two Poisson counts (``current`` x2 over ``previous`` x1) with an exact
    interval; the periods are taken by keyword only.

    Conditional on the total ``x1 + x2``, x2 is binomial with proportion
    ``π = λ2 e2 / (λ1 e1 + λ2 e2)``, so the rate ratio ``R = λ2 / λ1`` is
    ``π / (1 − π) × e1 / e2``. The interval is Clopper–Pearson on π, transformed to R;
    the test is the exact binomial test of π against ``e2 / (e1 + e2)`` (R = 1).
    With equal exposures (the default) R is simply x2 / x1: the ratio behind a %
    change of a count, whose significance this gives.

    Parameters
    ----------
    current, previous : array-like of float
        The current and previous counts (x2, x1); whole numbers ≥ 0.
    current_exposure, previous_exposure : array-like of float, default 1
        Populations or person-time (e2, e1) when they differ between the periods.
    confidence : float or sequence of float, default 0.95

    Returns
    -------
    RatioResult
    """
    levels, stacked = _levels(confidence)
    c1, c2, e1, e2 = broadcast(previous=previous, current=current,
                               previous_exposure=previous_exposure,
                               current_exposure=current_exposure)
    reasons = input_reasons(c1, c2, e1, e2)
    for count in (c1, c2):
        count_reasons(count, reasons, whole=True)
    for e in (e1, e2):
        ok = np.isfinite(e)
        set_reason(reasons, ok & (e < 0), Reason.NEGATIVE)
        set_reason(reasons, ok & (e == 0), Reason.ZERO_DENOMINATOR)
    invalid_in = invalid(reasons)
    warn_invalid(reasons, "rate_ratio_ci", stacklevel=4)
    set_reason(reasons, ~invalid_in & (c1 == 0), Reason.ZERO_BASE)
    c1s, c2s = fill_invalid(c1, invalid_in, 1.0), fill_invalid(c2, invalid_in, 1.0)
    e1s, e2s = fill_invalid(e1, invalid_in, 1.0), fill_invalid(e2, invalid_in, 1.0)
    nan = float("nan")
    with np.errstate(all="ignore"):
        total = c1s + c2s
        empty = total == 0
        n = np.where(empty, 1.0, total)
        scale = e1s / e2s
        p0 = 1.0 / (1.0 + scale)  # e2 / (e1 + e2), which overflows for huge exposures
        zero_base = c1s == 0
        ratio = np.where(invalid_in | zero_base, nan,
                         c2s / np.where(zero_base, 1.0, c1s) * scale)
        lowers: list[FloatArray] = []
        uppers: list[FloatArray] = []
        sig: list[BoolArray] = []
        usable = ~invalid_in & ~empty
        for c in levels:
            lo, up, s = _ratio_bounds(c1s, c2s, n, scale, p0, 1.0 - c)
            sig.append(usable & s)
            # The upper bound is +inf when x1 = 0 (pi = 1): NaN, with ZERO_BASE set.
            # Bounds a rounding away from the ratio (a vanishing interval) are clamped to it.
            lowers.append(np.where(usable, np.where(zero_base, lo, np.minimum(lo, ratio)), nan))
            uppers.append(np.where(usable & ~zero_base, np.maximum(up, ratio), nan))
        pvalue = np.where(empty, 1.0, _binom_two_sided(c2s, n, p0))
        ratios = [ratio, _stack(lowers, True), _stack(uppers, True)]
        pct = [(r - 1.0) * 100.0 for r in ratios]
    reasons, ratio, lower, upper, *pct, pvalue = blank_overflow(
        reasons, *ratios, *pct, np.where(invalid_in, nan, pvalue))
    # x1 = 0: no ratio, but the lower bound stands (reason ZERO_BASE only).
    reasons, lower, pct[1] = blank_overflow(reasons, lower, pct[1],
                                            usable=(reasons == Reason.ZERO_BASE) & ~empty)
    significant = np.stack(sig) & ~invalid(reasons & np.uint16(~Reason.ZERO_BASE & 0xFFFF))
    if not stacked:
        lower, upper, significant = lower[0], upper[0], significant[0]
        pct[1:] = pct[1][0], pct[2][0]
    return RatioResult(ratio=ratio, lower=lower, upper=upper, pct_change=pct[0],
                       pct_change_lower=pct[1], pct_change_upper=pct[2],
                       significant=significant,
                       pvalue=pvalue, confidence=levels, reasons=reasons)
