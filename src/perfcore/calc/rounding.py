"""Display rounding as published statistics print it: half away from zero.

Python's :func:`round` and :func:`numpy.round` round half to even ("banker's rounding"),
so ``round(0.125, 2)`` is 0.12 where a statistical release prints 0.13. They also round
the binary number actually stored, so 2.675 (held as 2.67499999999999982...) becomes
2.67 where anyone reading the figure expects 2.68.

:func:`round_half_away` fixes both. It first takes each value to 15 significant digits,
the precision to which a double faithfully represents a decimal, so that a figure which
was *written* as 2.675 is rounded as 2.675; then it rounds half away from zero. A value
that genuinely lies 1 part in 10¹⁵ below a half is therefore rounded up, which at display
precision is the intended reading.

Rounding is for display only: compute changes from unrounded inputs, then round.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from perfcore.calc._common import FloatArray, as_float
from perfcore.errors import OptionError

__all__ = ["round_half_away"]

# Digits a double carries faithfully (DBL_DIG); beyond this the stored binary noise starts.
_SIGNIFICANT = 15
#: Beyond this many places either way 10**decimals is not a float: to more places a
#: double is unchanged (but for subnormals), to fewer every finite value rounds to 0.
_MAX_DECIMALS = 308


@overload
def round_half_away(x: float, decimals: int = 0) -> float: ...
@overload
def round_half_away(x: npt.ArrayLike, decimals: int = 0) -> FloatArray: ...


def round_half_away(x: npt.ArrayLike, decimals: int = 0) -> float | FloatArray:
    """Round to ``decimals`` places, halves away from zero, as published figures print.

    Parameters
    ----------
    x : array-like of float
        Values to round. NaN and ±inf pass through unchanged.
    decimals : int, default 0
        Number of decimal places; negative rounds to tens, hundreds, ...

    Returns
    -------
    float or ndarray of float64
        A Python float for a scalar input, otherwise an array of the input's shape.
        A result that rounds to zero is +0.0, never -0.0 (which would print as "-0.0").

    Examples
    --------
    >>> round_half_away(-14.88, 1), round_half_away(2.675, 2), round_half_away(2.5)
    (-14.9, 2.68, 3.0)
    """
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
        # int() would take 2.7 as 2 and fail on inf with a bare OverflowError
        raise OptionError(option="decimals", value=decimals,
                          allowed="a whole number of places (2; -2 rounds to hundreds)")
    scalar = np.ndim(x) == 0
    arr = as_float(x, "x")
    d = int(decimals)
    if abs(d) > _MAX_DECIMALS:  # 10**d is not a float: every value rounds to itself, or 0
        out = arr + 0.0 if d > 0 else np.where(np.isfinite(arr), 0.0, arr)
        return float(out) if scalar else np.asarray(out, dtype=np.float64)
    mag = np.abs(arr)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        scaled = mag * 10.0**d if d >= 0 else mag / 10.0 ** (-d)
        # Snap to 15 significant digits so the decimal the value was written as is what rounds.
        # Values far below 0.5 cannot round up; skipping them keeps 10**exponent finite.
        finite_pos = np.isfinite(scaled) & (scaled > 1e-100)
        safe = np.where(finite_pos, scaled, 1.0)
        exponent = _SIGNIFICANT - np.ceil(np.log10(safe))
        snapped = np.where(finite_pos, _scale_round(safe, exponent), scaled)
        rounded = np.floor(snapped + 0.5)
        back = rounded / 10.0**d if d >= 0 else rounded * 10.0 ** (-d)
    # At 2**52 and beyond a double is a whole number at this scale already: unchanged
    # (and 1e308 to 1 place would overflow when scaled).
    kept = ~np.isfinite(arr) | ~(scaled < 2.0**52)
    out = np.where(kept, arr, np.copysign(back, arr)) + 0.0  # + 0.0 drops -0.0
    if scalar:
        return float(out)
    return np.asarray(out, dtype=np.float64)


def _scale_round(values: FloatArray, exponent: FloatArray) -> FloatArray:
    """Round each value to ``exponent`` decimal places (exponent may differ per element)."""
    # Split positive and negative exponents: multiplying by 10**-k for k > 0 would itself
    # add binary error, dividing by the exactly representable 10**k does not.
    up = exponent >= 0
    factor = 10.0 ** np.abs(exponent)
    return np.where(up, np.rint(values * factor) / factor, np.rint(values / factor) * factor)
