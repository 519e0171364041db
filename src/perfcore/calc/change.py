"""Change between periods (docs/methodology.md §1): % change, percentage-point change, average
annual growth and year-end projection.

All functions are vectorised over array-likes that broadcast. A value that cannot be
computed (a zero base, a missing input) is NaN with its reason bit set in ``reasons``;
never ±inf, never an exception for a bad element.
"""

from __future__ import annotations

from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    BoolArray,
    FlagArray,
    FloatArray,
    Reason,
    as_float,
    blank_overflow,
    broadcast,
    check_choice,
    check_fractions,
    flag,
    input_reasons,
    invalid,
    keyword_periods,
    positive_option,
    scalar_fields,
    set_reason,
    warn_invalid,
)
from perfcore.errors import OptionError, ShapeError

__all__ = [
    "CagrResult",
    "ChangeResult",
    "ProjectionResult",
    "cagr",
    "pct_change",
    "pp_change",
    "project_year_end",
]

_PROJECTION_METHODS = ("linear", "seasonal")


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class ChangeResult:
    """A change between a previous and a current value, element by element.

    Attributes
    ----------
    current, previous : ndarray of float64
        The inputs, broadcast together.
    value : ndarray of float64
        The change in ``unit``: % change ``(current − previous) / previous × 100`` for
        :func:`pct_change` (−14.88 for 57,116 → 48,618), or percentage points
        ``(current − previous) × 100`` for :func:`pp_change` (+4.1 for 0.118 → 0.159).
        NaN where a reason in ``INVALID`` is set.
    absolute : ndarray of float64
        ``current − previous`` in the inputs' own units ("8,498 fewer crimes"); computed
        even when ``value`` is NaN for a zero base.
    reasons : ndarray of uint16
        :class:`~perfcore.calc.Reason` bit mask per element: ``ZERO_BASE`` (previous is 0,
        % change undefined), ``SMALL_BASE`` (a caveat only: value still computed),
        ``MISSING``, ``NON_FINITE``, ``NEGATIVE``, ``X_GT_N`` (a proportion above 1),
        ``OVERFLOW`` (a change too large for a float: from a base of 5e-324).
    unit : str
        ``"%"`` or ``"pp"``.
    """

    current: FloatArray = attrs.field(eq=False, repr=False)
    previous: FloatArray = attrs.field(eq=False, repr=False)
    value: FloatArray = attrs.field(eq=False)
    absolute: FloatArray = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)
    unit: str

    def flag(self, reason: Reason) -> BoolArray:
        """Boolean array: True where ``reason`` is set (``result.flag(Reason.SMALL_BASE)``)."""
        return flag(self.reasons, reason)

    @property
    def valid(self) -> BoolArray:
        """True where ``value`` was computed (no invalidating reason; caveats allowed)."""
        return ~invalid(self.reasons)


@keyword_periods("current", "previous")
def pct_change(*, current: npt.ArrayLike, previous: npt.ArrayLike,
               small_base: float = 10) -> ChangeResult:
    """Percentage change of a count or amount: ``(current − previous) / previous × 100``.

    Parameters
    ----------
    current, previous : array-like of float
        Values for the current and the previous period, by keyword only (swapped, they
        would flip the change's sign): they broadcast together.
    small_base : float, default 10
        ``previous`` values below this (and above 0) get the ``SMALL_BASE`` caveat; the
        change is still computed. ``0`` switches the caveat off.

    Returns
    -------
    ChangeResult
        ``unit="%"``. previous = 0 gives NaN with ``ZERO_BASE`` (never ±inf), and so
        does a previous value so near 0 that the change overflows (``5e-324``); a negative
        previous value gives NaN with ``NEGATIVE`` (a % change of a negative base has no
        direction) and one :class:`~perfcore.errors.InvalidInputWarning`; a change too
        large for a float (121 from a previous value of 5e-324) is NaN with ``OVERFLOW``.

    Examples
    --------
    >>> round(pct_change(current=48618, previous=57116).value, 2)
    -14.88
    """
    sb = positive_option("small_base", small_base, allow_zero=True)
    cur, prev = broadcast(current=current, previous=previous)
    reasons = input_reasons(cur, prev)
    finite = np.isfinite(prev)
    # A subnormal base (5e-324) is zero for a % change: dividing by it overflows.
    zero = finite & (np.abs(prev) < np.finfo(np.float64).tiny)
    set_reason(reasons, zero, Reason.ZERO_BASE)
    set_reason(reasons, finite & ~zero & (prev < 0), Reason.NEGATIVE)
    set_reason(reasons, finite & ~zero & (prev > 0) & (prev < sb), Reason.SMALL_BASE)
    bad = invalid(reasons)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value = np.where(bad, np.nan, (cur - prev) / np.where(bad, 1.0, prev) * 100.0)
    # A base so small beside the current value that the change overflows: no % change.
    overflow = ~bad & ~np.isfinite(value)
    set_reason(reasons, overflow, Reason.ZERO_BASE)
    value = np.where(overflow, np.nan, value)
    absolute = _absolute(cur, prev, reasons)
    reasons, value, absolute = blank_overflow(reasons, value, absolute)
    warn_invalid(reasons, "pct_change", stacklevel=4)
    return ChangeResult(current=cur, previous=prev, value=value, absolute=absolute,
                        reasons=reasons, unit="%")


@keyword_periods("current", "previous")
def pp_change(*, current: npt.ArrayLike, previous: npt.ArrayLike) -> ChangeResult:
    """Percentage-point change of a rate or proportion: ``(current − previous) × 100``.

    Parameters
    ----------
    current, previous : array-like of float
        Proportions as fractions in [0, 1] (0.159, not 15.9), by keyword only. Per cents
        passed by mistake are caught rather than multiplied by 100 again: when every
        value of either argument is above 1 and at most 100, :class:`OptionError` says
        they look like per cents; otherwise a value outside [0, 1] is NaN with
        ``NEGATIVE`` or ``X_GT_N`` and one warning.

    Returns
    -------
    ChangeResult
        ``unit="pp"``; ``absolute`` is the change as a fraction (0.041).

    Examples
    --------
    >>> round(pp_change(current=0.159, previous=0.118).value, 1)
    4.1
    """
    cur, prev = broadcast(current=current, previous=previous)
    check_fractions("pp_change", current=cur, previous=prev)
    reasons = input_reasons(cur, prev)
    for a in (cur, prev):
        finite = np.isfinite(a)
        set_reason(reasons, finite & (a < 0), Reason.NEGATIVE)
        set_reason(reasons, finite & (a > 1), Reason.X_GT_N)
    absolute = _absolute(cur, prev, reasons)
    value = absolute * 100.0
    warn_invalid(reasons, "pp_change", stacklevel=4)
    return ChangeResult(current=cur, previous=prev, value=value, absolute=absolute,
                        reasons=reasons, unit="pp")


def _absolute(cur: FloatArray, prev: FloatArray, reasons: FlagArray) -> FloatArray:
    # A zero base still has a meaningful absolute change; any other reason does not.
    unusable = invalid(reasons & np.uint16(~Reason.ZERO_BASE & 0xFFFF))
    with np.errstate(invalid="ignore", over="ignore"):  # overflow: see blank_overflow
        return np.where(unusable, np.nan, cur - prev)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class CagrResult:
    """Average annual growth (compound annual growth rate), element by element.

    Attributes
    ----------
    first, last, years : ndarray of float64
        The inputs, broadcast together.
    value : ndarray of float64
        ``((last / first) ** (1 / years) − 1) × 100``: % growth per year (18.0 for
        "increased on average by 18% each year"). NaN where a reason in ``INVALID`` is set.
    reasons : ndarray of uint16
        ``ZERO_BASE`` (first is 0), ``NEGATIVE`` (first, last or years negative),
        ``ZERO_DENOMINATOR`` (years is 0), ``MISSING``, ``NON_FINITE``, ``OVERFLOW`` (growth
        too large for a float).
    """

    first: FloatArray = attrs.field(eq=False, repr=False)
    last: FloatArray = attrs.field(eq=False, repr=False)
    years: FloatArray = attrs.field(eq=False, repr=False)
    value: FloatArray = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)

    def flag(self, reason: Reason) -> BoolArray:
        """Boolean array: True where ``reason`` is set."""
        return flag(self.reasons, reason)


@keyword_periods("first", "last", "years")
def cagr(*, first: npt.ArrayLike, last: npt.ArrayLike, years: npt.ArrayLike) -> CagrResult:
    """Average annual growth over ``years`` in %: ``((last / first) ** (1 / years) − 1) × 100``.

    Parameters
    ----------
    first, last : array-like of float
        The value at the start and at the end of the span (e.g. 2019-20 and 2022-23), by
        keyword only (swapped, they would flip the growth's sign).
    years : array-like of float
        Number of years between them (3 for 2019-20 → 2022-23), not the number of values.

    Returns
    -------
    CagrResult
        A last value of 0 gives −100% (everything lost); ``first ≤ 0`` gives NaN.

    Examples
    --------
    >>> round(cagr(first=100, last=164.3032, years=3).value, 3)
    18.0
    """
    f, la, k = broadcast(first=first, last=last, years=years)
    reasons = input_reasons(f, la, k)
    ok = np.isfinite(f) & np.isfinite(la) & np.isfinite(k)
    set_reason(reasons, ok & (f == 0), Reason.ZERO_BASE)
    set_reason(reasons, ok & ((f < 0) | (la < 0) | (k < 0)), Reason.NEGATIVE)
    set_reason(reasons, ok & (k == 0), Reason.ZERO_DENOMINATOR)
    bad = invalid(reasons)
    sf = np.where(bad, 1.0, f)
    sk = np.where(bad, 1.0, k)
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        growth = np.power(np.where(bad, 1.0, la) / sf, 1.0 / sk)
        value = np.where(bad, np.nan, (growth - 1.0) * 100)
    reasons, value = blank_overflow(reasons, value)
    warn_invalid(reasons, "cagr", stacklevel=4)
    return CagrResult(first=f, last=la, years=k, value=value, reasons=reasons)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class ProjectionResult:
    """A projected financial-year total from the months so far.

    Attributes
    ----------
    method : str
        ``"linear"`` or ``"seasonal"``.
    months : int
        Number of months of the year observed (the last axis of ``monthly_so_far``).
    months_in_year : int
        Months in the full year (12).
    so_far : ndarray of float64
        Year-to-date total per series (leading dimensions of the input).
    share : ndarray of float64
        Fraction of a year's total the observed months represent: ``months /
        months_in_year`` for ``linear``; for ``seasonal`` the share the same months made
        up in the earlier years (pooled: their total over the earlier years' totals).
    projected : ndarray of float64
        ``so_far / share``: the projected total for the year.
    change : ChangeResult or None
        Projected total against ``previous_year_total`` (``value`` in %, ``absolute`` the
        projected rise or fall in units: "expected to fall by about 7,500 crimes"), or
        None when no previous total was given.
    reasons : ndarray of uint16
        ``MISSING`` (a month so far or the history is missing), ``NEGATIVE``,
        ``NON_FINITE``, ``ZERO_DENOMINATOR`` (the history's share is 0), ``OVERFLOW`` (a
        total too large for a float).
    """

    method: str
    months: int
    months_in_year: int
    so_far: FloatArray = attrs.field(eq=False)
    share: FloatArray = attrs.field(eq=False)
    projected: FloatArray = attrs.field(eq=False)
    change: ChangeResult | None = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)

    def flag(self, reason: Reason) -> BoolArray:
        """Boolean array: True where ``reason`` is set."""
        return flag(self.reasons, reason)


def project_year_end(monthly_so_far: npt.ArrayLike, *, months_in_year: int = 12,
                     previous_year_total: npt.ArrayLike | None = None,
                     history: npt.ArrayLike | None = None,
                     method: Literal["linear", "seasonal"] = "linear") -> ProjectionResult:
    """Project a financial year's total from its months so far (April first).

    Parameters
    ----------
    monthly_so_far : array-like, shape (..., m)
        Monthly values of the current year so far, oldest first (April, May, ...); the
        last axis is months, any leading axes are series (forces, measures).
        ``1 ≤ m ≤ months_in_year``.
    months_in_year : int, default 12
    previous_year_total : array-like, optional
        Last year's total, broadcast against the leading axes; gives ``change``.
    history : array-like, shape (..., years, months_in_year), optional
        Earlier years' monthly values (same month order), required for ``seasonal``.
        Leading axes broadcast against those of ``monthly_so_far``.
    method : {"linear", "seasonal"}, default "linear"
        ``linear``: ``so_far × months_in_year / m`` (the year-to-date pace continues).
        ``seasonal``: ``so_far / share``, where ``share`` is the fraction of the earlier
        years' totals that fell in the same first ``m`` months, so a year whose busy
        months are still to come is not under-projected.

    Returns
    -------
    ProjectionResult

    Raises
    ------
    OptionError
        Unknown ``method``, ``months_in_year < 1``, or ``seasonal`` without ``history``.
    ShapeError
        ``m`` is 0 or above ``months_in_year``, ``history``'s last axis is not
        ``months_in_year`` long, or leading axes do not broadcast.
    """
    check_choice("method", method, _PROJECTION_METHODS)
    if isinstance(months_in_year, bool) or not isinstance(months_in_year, (int, np.integer)) \
            or months_in_year < 1:
        raise OptionError(option="months_in_year", value=months_in_year,
                          allowed="a whole number of months, at least 1")
    miy = int(months_in_year)
    months = as_float(monthly_so_far, "monthly_so_far")
    if months.ndim == 0 or not 1 <= months.shape[-1] <= miy:
        raise ShapeError(reason=f"monthly_so_far needs 1 to {miy} months on its last axis",
                         shapes={"monthly_so_far": months.shape})
    m = months.shape[-1]
    reasons = _month_reasons(months)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow: see blank_overflow
        so_far = np.where(invalid(reasons), np.nan, months.sum(axis=-1))

    if method == "linear":
        share = np.full(so_far.shape, m / miy)
    else:
        share, reasons = _seasonal_share(history, months, miy, reasons)
        so_far = np.broadcast_to(so_far, reasons.shape).copy()

    bad = invalid(reasons)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        projected = np.where(bad, np.nan, so_far / np.where(bad, 1.0, share))
    reasons, so_far, projected = blank_overflow(reasons, np.where(bad, np.nan, so_far), projected)
    warn_invalid(reasons, "project_year_end")
    change = None
    if previous_year_total is not None:
        change = pct_change(current=projected, previous=previous_year_total)
    return ProjectionResult(method=method, months=m, months_in_year=miy, so_far=so_far,
                            share=np.asarray(share, dtype=np.float64), projected=projected,
                            change=change, reasons=reasons)


def _seasonal_share(history: npt.ArrayLike | None, months: FloatArray, miy: int,
                    reasons: FlagArray) -> tuple[FloatArray, FlagArray]:
    """The share of a year's total that the same months made up in the earlier years
    (pooled over them), and the reasons with the history's, both broadcast over the
    series of ``months`` and ``history``."""
    if history is None:
        raise OptionError(reason="method='seasonal' needs history (earlier years' months)",
                          option="history", value=None,
                          allowed="array of shape (..., years, months_in_year)")
    hist = as_float(history, "history")
    if hist.ndim < 2 or hist.shape[-1] != miy:
        raise ShapeError(reason=f"history must have shape (..., years, {miy})",
                         shapes={"history": hist.shape})
    hreasons = _month_reasons(hist.reshape(*hist.shape[:-2], -1))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        same = hist[..., :months.shape[-1]].sum(axis=(-2, -1))
        whole = hist.sum(axis=(-2, -1))
        share_h = np.where(whole > 0, same / np.where(whole > 0, whole, 1.0), np.nan)
    no_share = (whole <= 0) | (same <= 0)
    hreasons = hreasons | np.where(no_share, np.uint16(Reason.ZERO_DENOMINATOR), np.uint16(0))
    hreasons = hreasons | np.where(~invalid(hreasons) & np.isinf(whole),
                                   np.uint16(Reason.OVERFLOW), np.uint16(0))
    try:
        share, hr, r0 = np.broadcast_arrays(share_h, hreasons, reasons)
    except ValueError as exc:
        raise ShapeError(
            reason="history's series axes (all but its last two) do not broadcast with "
            "monthly_so_far's (all but its last)",
            shapes={"monthly_so_far": months.shape, "history": hist.shape}) from exc
    return np.array(share, dtype=np.float64), np.asarray(r0 | hr, dtype=np.uint16)


def _month_reasons(months: FloatArray) -> FlagArray:
    """Reasons per series for monthly values on the last axis (any month's reason is the
    series')."""
    reasons = np.asarray(np.bitwise_or.reduce(input_reasons(months), axis=-1), dtype=np.uint16)
    with np.errstate(invalid="ignore"):
        set_reason(reasons, (months < 0).any(axis=-1), Reason.NEGATIVE)
    return reasons
