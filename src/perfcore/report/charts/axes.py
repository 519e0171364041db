"""Axes every chart shares: round ticks ("nice numbers"), linear scales, thinned
category labels and labels spread so that they do not overlap.

Round ticks are 1, 2, 2.5 or 5 times a power of ten, about five of them, and the axis
runs from the first tick to the last, so every value drawn lies on a labelled scale::

    >>> nice_ticks(52.1, 247.9).labels
    ('50', '100', '150', '200', '250')
    >>> nice_ticks(0.012, 0.0875).labels
    ('0.000', '0.025', '0.050', '0.075', '0.100')
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from perfcore.report.charts.svg import number_text

__all__ = ["Linear", "Ticks", "nice_ticks", "spread", "thin_indices"]

_MULTIPLES = (1.0, 2.0, 2.5, 5.0)


@attrs.frozen(kw_only=True)
class Ticks:
    """Round tick values and their labels (no float noise: ``0.3``, not
    ``0.30000000000000004``).

    Attributes
    ----------
    values : tuple of float
        The ticks, lowest first; the axis runs from the first to the last.
    labels : tuple of str
        Each tick as text, all with the same decimals, with thousands separators.
    step : float
        The distance between ticks.
    decimals : int
        Decimals the labels show.
    """

    values: tuple[float, ...]
    labels: tuple[str, ...]
    step: float
    decimals: int

    @property
    def lo(self) -> float:
        return self.values[0]

    @property
    def hi(self) -> float:
        return self.values[-1]


def _decimals(step: float) -> int:
    for d in range(12):
        scaled = step * 10**d
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return d
    return 12


def _candidates(span: float, count: int, integer: bool) -> list[float]:
    e = math.floor(math.log10(span / count))
    out = [m * 10.0**k for k in (e - 1, e, e + 1, e + 2) for m in _MULTIPLES]
    return [s for s in out if not integer or (s >= 1 and float(s).is_integer())]


def nice_ticks(lo: float, hi: float, *, count: int = 5, include_zero: bool = False,
               integer: bool = False) -> Ticks:
    """Round ticks covering ``lo`` to ``hi``.

    Parameters
    ----------
    lo, hi : float
        The range the values, limits and lines of a chart cover.
    count : int
        About how many ticks (the step with the tick count nearest ``count`` and the
        least unused axis wins).
    include_zero : bool
        Extend the range to zero (bars must start at zero).
    integer : bool
        Whole-number steps only (counts).

    Returns
    -------
    Ticks
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    lo, hi = min(lo, hi), max(lo, hi)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
        if include_zero and lo < 0 <= lo + pad:
            lo = 0.0
    span = hi - lo
    best: tuple[float, float, int, int] | None = None
    for step in _candidates(span, max(2, count), integer):
        k0 = math.floor(lo / step + 1e-9)
        k1 = math.ceil(hi / step - 1e-9)
        n = k1 - k0 + 1
        waste = ((k1 - k0) * step - span) / ((k1 - k0) * step)
        cost = abs(n - count) + 2 * waste
        if best is None or cost < best[0] - 1e-12:
            best = (cost, step, k0, k1)
    assert best is not None
    _cost, step, k0, k1 = best
    d = _decimals(step)
    values = tuple(round(k * step, d) + 0.0 for k in range(k0, k1 + 1))
    return Ticks(values=values, labels=tuple(number_text(v, d) for v in values), step=step,
                 decimals=d)


@attrs.frozen
class Linear:
    """A linear scale: domain ``(d0, d1)`` to range ``(r0, r1)`` (pixels)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, v: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)


#: Label steps that suit months (every 2nd, quarter, 4 months, half-year, year ...).
_LABEL_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120)


def thin_indices(n: int, room: int) -> list[int]:
    """Which of ``n`` category labels to show when only ``room`` fit: every k-th from
    the first, k the smallest of 1, 2, 3, 4, 6, 12 ... that fits (so monthly labels
    fall on the same months each year)."""
    if n <= 0:
        return []
    room = max(1, room)
    step = next((s for s in _LABEL_STEPS if math.ceil(n / s) <= room),
                math.ceil(n / room))
    return list(range(0, n, step))


def spread(ys: Sequence[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label positions near ``ys`` at least ``gap`` apart and inside ``[lo, hi]``,
    keeping their order (for labels at the end of lines that could overlap)."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    pos = [min(max(ys[i], lo), hi) for i in order]
    for k in range(1, len(pos)):
        pos[k] = max(pos[k], pos[k - 1] + gap)
    if pos and pos[-1] > hi:
        pos[-1] = hi
        for k in range(len(pos) - 2, -1, -1):
            pos[k] = min(pos[k], pos[k + 1] - gap)
    out = [0.0] * len(ys)
    for k, i in enumerate(order):
        out[i] = pos[k]
    return out
