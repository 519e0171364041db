"""Average annual growth, as in "since 2019, MARAC referrals have increased on average
by 18% each year" (seed 004).

Two readings of "on average each year" are in use and give different answers, so the
method is an explicit option:

``geometric`` (default; perfcore METHODS §1 "CAGR", :func:`perfcore.calc.cagr`)
    (last / first) ** (1 / k) − 1 over k yearly steps: the constant yearly rate that
    takes the first year to the last;
``arithmetic``
    the mean of the k year-on-year changes; larger than the geometric figure whenever
    growth varies from year to year.

Values run along the last axis (oldest first), so a 2-D array gives one growth per row.
Growth is a fraction (0.18 for 18% a year; ``cagr`` gives per cent, divided by 100 here).
A first value of 0, or any missing value, gives NaN for that row (geometric growth from
zero is undefined; it is never reported as infinite); a negative value gives NaN and an
:class:`~perfcore.errors.InvalidInputWarning` (counts cannot be negative).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from perfcore.calc import cagr
from perfcore.errors import OptionError

__all__ = ["annual_growth", "average_annual_growth"]

_METHODS = ("geometric", "arithmetic")


def annual_growth(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Year-on-year growth along the last axis: v[t] / v[t-1] − 1 (NaN where v[t-1] ≤ 0)."""
    v = np.asarray(values, dtype=np.float64)
    prev, cur = v[..., :-1], v[..., 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(prev > 0, cur / prev - 1.0, np.nan)
    return np.asarray(out, dtype=np.float64)


def average_annual_growth(values: npt.ArrayLike, *, method: str = "geometric",
                          ) -> float | npt.NDArray[np.float64]:
    """Average growth per year of yearly ``values`` (see the module docstring)."""
    if method not in _METHODS:
        raise OptionError.for_choice("method", method, _METHODS)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 0 or v.shape[-1] < 2:
        raise OptionError(reason="average_annual_growth needs at least two yearly values "
                          "along the last axis", option="values", value=v.shape,
                          allowed="≥ 2 values")
    k = v.shape[-1] - 1
    if method == "geometric":
        # cagr looks only at the ends; a year missing in between also makes it NaN.
        whole = np.all(np.isfinite(v), axis=-1)
        growth = cagr(first=v[..., 0], last=v[..., -1], years=k).value
        out = np.where(whole, growth / 100.0, np.nan)
    else:
        out = np.mean(annual_growth(v), axis=-1)
    return float(out) if np.ndim(out) == 0 else np.asarray(out, dtype=np.float64)
