"""Workforce representation against a community benchmark, and officer uplift.

**Representation.** Seed 000: officers from an ethnic minority "risen from 2.5% in June
2020 to 2.97% at the end of December 2021 ... closer to our community representation of
5.1%". ``representation`` reports the gap in percentage points (share − benchmark), the
representation ratio (share / benchmark; 1 = representative) and, given a headcount, how
many more officers from the group the force would need *at that headcount* to match the
benchmark (rounded up, never negative). It is descriptive: no interval is implied.

**Uplift.** ``uplift`` is recruited / target, with the shortfall in officers.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["Representation", "Uplift", "representation", "uplift"]

FloatArray = npt.NDArray[np.float64]


@attrs.frozen(kw_only=True)
class Representation:
    """``gap_pp`` in percentage points, ``ratio`` share/benchmark, ``additional_needed``
    officers (NaN without a headcount)."""

    share: FloatArray | float = attrs.field(eq=False)
    benchmark: FloatArray | float = attrs.field(eq=False)
    gap_pp: FloatArray | float = attrs.field(eq=False)
    ratio: FloatArray | float = attrs.field(eq=False)
    additional_needed: FloatArray | float = attrs.field(eq=False)


@attrs.frozen(kw_only=True)
class Uplift:
    """``progress`` = recruited / target; ``shortfall`` = max(target − recruited, 0)."""

    progress: FloatArray | float = attrs.field(eq=False)
    shortfall: FloatArray | float = attrs.field(eq=False)


def _out(a: npt.ArrayLike) -> FloatArray | float:
    arr = np.asarray(a, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def representation(share: npt.ArrayLike, benchmark: npt.ArrayLike, *,
                   headcount: npt.ArrayLike | None = None) -> Representation:
    """Representation of a group (``share`` of the workforce, as a fraction) against its
    ``benchmark`` share of the community."""
    s = np.asarray(share, dtype=np.float64)
    b = np.asarray(benchmark, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b > 0, s / np.where(b > 0, b, 1.0), np.nan)
    if headcount is None:
        needed: npt.ArrayLike = np.full(np.broadcast(s, b).shape, np.nan)
    else:
        n = np.asarray(headcount, dtype=np.float64)
        # Round s·n to whole people first: the share was computed from a whole count.
        needed = np.maximum(np.ceil(b * n - 1e-9) - np.round(s * n), 0.0)
    return Representation(share=_out(s), benchmark=_out(b), gap_pp=_out((s - b) * 100),
                          ratio=_out(ratio), additional_needed=_out(needed))


def uplift(recruited: npt.ArrayLike, target: npt.ArrayLike) -> Uplift:
    """Progress of officer recruitment against the uplift target (NaN when target ≤ 0)."""
    r = np.asarray(recruited, dtype=np.float64)
    t = np.asarray(target, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(t > 0, r / np.where(t > 0, t, 1.0), np.nan)
    return Uplift(progress=_out(progress), shortfall=_out(np.maximum(t - r, 0.0)))
