"""The change in a mean between two periods: Welch's t-test (docs/methodology.md §2).

For measures that are means of independent samples — an average satisfaction score, an
average time to attend — summarised per period as a mean, a standard deviation and a
sample size. :func:`mean_change_test` takes those summaries, not the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    BoolArray,
    FlagArray,
    FloatArray,
    Reason,
    blank_overflow,
    broadcast,
    confidence_levels,
    flag,
    input_reasons,
    invalid,
    keyword_periods,
    scalar_fields,
    set_reason,
    warn_invalid,
)

__all__ = ["MeanChangeResult", "mean_change_test"]


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class MeanChangeResult:
    """The change in a mean, period 2 minus period 1, with Welch's t-test.

    With ``confidence`` given as a sequence of levels, ``lower``, ``upper`` and
    ``significant`` gain a leading axis, one entry per level (as the interval functions'
    results do); the other fields never have it.

    Attributes
    ----------
    mean1, mean2 : ndarray of float64
        The two means (previous, current).
    value : ndarray of float64
        ``mean2 − mean1``.
    lower, upper : ndarray of float64
        Welch's confidence interval for the difference:
        ``value ∓ t(1 − α/2; df) · se``.
    se : ndarray of float64
        Standard error of the difference, ``√(sd1²/n1 + sd2²/n2)``.
    statistic : ndarray of float64
        ``t = value / se``.
    df : ndarray of float64
        Welch–Satterthwaite degrees of freedom (not a whole number in general).
    pvalue : ndarray of float64
        Two-sided p-value of the t-test with ``df`` degrees of freedom.
    significant : ndarray of bool
        True where the interval excludes 0 (equivalently, p < 1 − confidence).
    confidence : tuple of float
    reasons : ndarray of uint16
        ``TOO_FEW`` (n < 2), ``NEGATIVE`` (an sd or n below 0), ``MISSING``,
        ``NON_FINITE``, ``OVERFLOW`` (a figure too large for a float); every field is NaN
        (``significant`` False) where one is set.
    """

    mean1: FloatArray = attrs.field(eq=False)
    mean2: FloatArray = attrs.field(eq=False)
    value: FloatArray = attrs.field(eq=False)
    lower: FloatArray = attrs.field(eq=False)
    upper: FloatArray = attrs.field(eq=False)
    se: FloatArray = attrs.field(eq=False)
    statistic: FloatArray = attrs.field(eq=False)
    df: FloatArray = attrs.field(eq=False)
    pvalue: FloatArray = attrs.field(eq=False)
    significant: BoolArray = attrs.field(eq=False)
    confidence: tuple[float, ...]
    reasons: FlagArray = attrs.field(eq=False, repr=False)

    def flag(self, reason: Reason) -> BoolArray:
        """Boolean array: True where ``reason`` is set."""
        return flag(self.reasons, reason)


def _welch_inputs(*given: npt.ArrayLike) -> tuple[list[FloatArray], FlagArray, BoolArray]:
    """The six inputs (previous mean, sd, n, then current) broadcast, their reasons, and
    where they are unusable; unusable elements are replaced by harmless values (mean 0,
    sd 1, n 2) so the arithmetic raises nothing there (their results are blanked)."""
    names = ("previous", "previous_sd", "previous_n", "current", "current_sd", "current_n")
    m1, s1, k1, m2, s2, k2 = broadcast(**dict(zip(names, given, strict=True)))
    reasons = input_reasons(m1, s1, k1, m2, s2, k2)
    with np.errstate(invalid="ignore"):
        for s, k in ((s1, k1), (s2, k2)):
            ok = np.isfinite(s) & np.isfinite(k)
            set_reason(reasons, ok & ((s < 0) | (k < 0)), Reason.NEGATIVE)
            set_reason(reasons, ok & (k >= 0) & (k < 2), Reason.TOO_FEW)
    bad = invalid(reasons)
    warn_invalid(reasons, "mean_change_test", stacklevel=5)
    if bad.any():
        m1, m2 = np.where(bad, 0.0, m1), np.where(bad, 0.0, m2)
        s1, s2 = np.where(bad, 1.0, s1), np.where(bad, 1.0, s2)
        k1, k2 = np.where(bad, 2.0, k1), np.where(bad, 2.0, k2)
    return [m1, s1, k1, m2, s2, k2], reasons, bad


@keyword_periods("previous", "previous_sd", "previous_n", "current", "current_sd", "current_n")
def mean_change_test(*, current: npt.ArrayLike, current_sd: npt.ArrayLike,
                     current_n: npt.ArrayLike, previous: npt.ArrayLike,
                     previous_sd: npt.ArrayLike, previous_n: npt.ArrayLike,
                     confidence: float | Sequence[float] = 0.95) -> MeanChangeResult:
    """Change in a mean from the previous period (1) to the current one (2), with Welch's
    t-test and interval; the periods are taken by keyword only.

    Welch's test does not assume the two periods have the same variance (Welch 1947;
    the Welch–Satterthwaite degrees of freedom, Satterthwaite 1946), so it suits samples
    of different sizes and spreads:

    - ``d = mean2 − mean1``, ``se = √(v1 + v2)`` with ``v = sd²/n``;
    - ``t = d / se``, ``df = (v1 + v2)² / (v1²/(n1 − 1) + v2²/(n2 − 1))``;
    - two-sided ``p = 2·P(T_df > |t|)``; interval ``d ∓ t(1 − α/2; df)·se``, significant
      when it excludes 0.

    Parameters
    ----------
    current, current_sd, current_n : array-like of float
        The current period's sample mean, sample standard deviation (n − 1 divisor) and
        sample size.
    previous, previous_sd, previous_n : array-like of float
        The previous period's. All six broadcast together.
    confidence : float or sequence of float, default 0.95
        Level(s) as fractions or percentages.

    Returns
    -------
    MeanChangeResult
        n < 2 gives NaN with ``TOO_FEW``; a negative sd or n ``NEGATIVE``; NaN or ±inf
        inputs ``MISSING`` / ``NON_FINITE`` (the last two, and ``NEGATIVE``, with one
        :class:`~perfcore.errors.InvalidInputWarning`). Both standard deviations 0: no
        sampling variation was measured, so a difference is certain (t = ±inf, p = 0,
        the interval is the difference itself) and no difference is no change (p = 1,
        t NaN); df is NaN.

    Examples
    --------
    Welch's t-test, Wikipedia, example 1: two samples of 15 (means 20.82 and 22.99,
    standard deviations 2.80 and 1.95) give |t| = 2.46, df = 25.0, p = 0.021:

    >>> r = mean_change_test(current=22.9867, current_sd=1.9526, current_n=15,
    ...                      previous=20.82, previous_sd=2.8049, previous_n=15)
    >>> round(r.statistic, 2), round(r.df, 1), round(r.pvalue, 3)
    (2.46, 25.0, 0.021)
    """
    from scipy import special
    levels = confidence_levels(confidence)
    stacked = not np.isscalar(confidence)
    (m1, s1, k1, m2, s2, k2), reasons, bad = _welch_inputs(
        previous, previous_sd, previous_n, current, current_sd, current_n)
    nan = float("nan")
    lowers: list[FloatArray] = []
    uppers: list[FloatArray] = []
    sig: list[BoolArray] = []
    # Overflow (sds of 1e200) comes out non-finite and becomes NaN with OVERFLOW below.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        d = m2 - m1
        v1, v2 = s1 * s1 / k1, s2 * s2 / k2
        var = v1 + v2
        se = np.sqrt(var)
        flat = var == 0  # no variation measured in either period
        df = np.where(flat, np.nan, var * var / (v1 * v1 / (k1 - 1) + v2 * v2 / (k2 - 1)))
        t = d / se
        p = np.where(flat, np.where(d == 0, 1.0, 0.0), 2.0 * special.stdtr(df, -np.abs(t)))
        for c in levels:
            half = np.where(flat, 0.0, special.stdtrit(np.where(flat, 1.0, df),
                                                       1 - (1 - c) / 2) * se)
            lo, up = d - half, d + half
            sig.append((lo > 0) | (up < 0))
            lowers.append(np.where(bad, nan, lo))
            uppers.append(np.where(bad, nan, up))
    # Both sds 0: df is NaN by definition, not by overflow (so checked as 0 there).
    reasons, d, lower, upper, se, p, _ = blank_overflow(
        reasons, np.where(bad, nan, d), np.stack(lowers), np.stack(uppers),
        np.where(bad, nan, se), np.where(bad, nan, p), np.where(flat, 0.0, df))
    bad = invalid(reasons)
    df = np.where(bad, nan, df)
    significant = np.stack(sig) & ~bad
    return MeanChangeResult(
        mean1=np.where(bad, nan, m1), mean2=np.where(bad, nan, m2), value=d,
        lower=lower if stacked else lower[0], upper=upper if stacked else upper[0],
        se=se, statistic=np.where(bad | (flat & (d == 0)), nan, t), df=df, pvalue=p,
        significant=significant if stacked else significant[0], confidence=levels,
        reasons=reasons)
