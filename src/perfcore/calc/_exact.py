"""Correctly rounded means of the rows of arrays, vectorised.

A mean computed as ``sum / n`` in floating point is often one unit in the last place
(ulp) away from the exact mean rounded to the nearest double: the sum rounds, then the
division rounds again (``math.fsum(v) / len(v)`` too: its sum is exact, but the division
rounds a rounded sum). For SPC that ulp matters where a comparison is exact — a target set
on a process limit, a point on the mean. :func:`row_means` gives, for each row, the double
nearest the exact mean of the values it uses, ties to even: what exact rational
arithmetic rounded once gives (R's ``mean``, which refines the mean in extended
precision, agrees but for rare double roundings).

Method
------
1. **The sum, to within a known bound** (Rump, Ogita and Oishi's error-free extraction,
   "Accurate floating-point summation part I", SIAM J. Sci. Comput. 31, 2008). With σ a
   power of two ≥ (n + 2)·max|x| for rows of n values, ``q = (x + σ) − σ`` keeps the
   high bits of each x exactly (multiples of σ·2⁻⁵³), ``x − q`` is the rest, also
   exactly, and the q of any set of values sum exactly in floating point, in any order:
   τ. The rests (each at most σ·2⁻⁵³) are summed in floating point, ρ, which is within
   B = 1.01·n²·2⁻¹⁰⁶·σ of their exact sum (0 when there are none: whole numbers). One σ
   serves all the rows, so these are fast array-scalar operations.
2. **Division with a remainder.** ``hi + lo = τ + ρ`` (TwoSum) and ``q = fl(hi / n)``;
   Dekker's TwoProduct gives ``q·n`` exactly, so the remainder ``hi + lo − q·n`` is known
   to within B plus the (known) rounding errors of adding it up. The exact mean is
   ``q + remainder / n``: when the remainder is clearly below or above half the gap to
   q's neighbour (its side), q or that neighbour is the correctly rounded mean.
3. **Otherwise, exactly**: the mean sits within about 10⁻²⁷ (relative) of halfway
   between two doubles, as it does exactly for 2–4% of rows of decimal values (sums of
   values of one binade fall on a grid). Those rows get a second extraction of their
   rests with a σ of their own, which makes the sum exact (two doubles) for values within
   about 2³⁵ of each other in size, and the remainder exact, so a tie is seen and goes to
   even. A row still left
   (values spanning more than about 2⁸⁰, magnitudes beyond 10²⁹⁰, a mean below 10⁻²⁹⁰:
   never real data) is computed with :class:`fractions.Fraction`.

:func:`without` takes some values out of sums already made (SPC's moving-range
screening) without a second pass over the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from perfcore.calc._common import BoolArray, FloatArray

__all__ = ["RowSums", "mean_of", "row_means", "row_sums", "without"]

_U = 2.0**-53
_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitter for binary64
#: Beyond these magnitudes splitting could overflow or products underflow.
_HUGE = 1e290
_SMALL = 1e-290


class RowSums(NamedTuple):
    """Row sums of one or more arrays of the same shape, stacked: each field has a
    leading axis, one entry per array. Each row's exact sum is ``tau + rho ± bound``
    (``tau`` exact, ``bound`` ≥ 0 bounds the error of ``rho``); ``n`` is the number of
    values used; ``sigma`` each row's extraction σ, kept for :func:`without`."""

    tau: FloatArray
    rho: FloatArray
    bound: FloatArray
    n: FloatArray
    sigma: FloatArray

    def part(self, i: int) -> RowSums:
        """The sums of the ``i``-th array alone (a leading axis of one)."""
        pick = slice(i, i + 1)
        return RowSums(self.tau[pick], self.rho[pick], self.bound[pick], self.n[pick],
                       self.sigma[pick])


def _two_sum(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``s = fl(a + b)`` and its exact error ``e``: ``a + b = s + e`` (Knuth)."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def _two_product(a: FloatArray, n: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``p = fl(a·n)`` and its exact error, ``a·n = p + e`` (Dekker's TwoProduct), for
    whole numbers 0 ≤ n < 2²⁶, which need no splitting; barring overflow and
    underflow."""
    p = a * n
    t = _SPLIT * a  # Veltkamp's split of a into halves of at most 26 bits
    ah = t - (t - a)
    e = (ah * n - p) + (a - ah) * n
    return p, e


def _sigma(n: float, mu: float | FloatArray) -> float | FloatArray:
    """2^(ceil(log2(n + 2)) + ceil(log2 μ)), a power of two ≥ (n + 2)·μ."""
    _, e_n = np.frexp(n + 2.0)
    _, e_mu = np.frexp(mu)
    sigma: float | FloatArray = np.ldexp(1.0, e_n + e_mu)
    return sigma


def _extract(v: FloatArray, sigma: float | FloatArray, q: FloatArray) -> FloatArray:
    """Split ``v`` (in place) into its high parts, multiples of σ·2⁻⁵³ (written to ``q``),
    and the rest (at most σ·2⁻⁵³ in size), left in ``v``; return the exact row sums (over
    the last axis) of the high parts. σ (one, or one per row) must be a power of two
    ≥ (n + 2)·max|v| for rows of n values. Buffers are reused: a fresh array of this
    size costs more than the arithmetic."""
    np.add(v, sigma, out=q)
    q -= sigma
    v -= q
    tau: FloatArray = q.sum(axis=-1)
    return tau


def _rest_bound(width: float, sigma: float | FloatArray) -> float | FloatArray:
    """Bound on the error of a floating-point sum of ``width`` rests of an extraction
    with σ, each at most σ·2⁻⁵³: γ(width)·width·σ·2⁻⁵³, with γ(k) = k·u/(1 − k·u)."""
    return 1.01 * width * _U * width * _U * sigma


#: Values extracted at a time by :func:`row_sums`: a chunk's two work arrays stay in
#: cache however large the arrays summed.
_CHUNK = 32_768


def row_sums(xs: Sequence[FloatArray], uses: Sequence[BoolArray]) -> RowSums:
    """Sums of ``x[i, use[i]]`` for each row ``i`` of each 2-D ``x`` of ``xs`` (all of one
    shape, fewer than 2²⁶ columns; values not used may be NaN, the used ones must be
    finite), with its ``use`` in ``uses``, as :class:`RowSums`. Summing several arrays in
    one call shares the work of each step; rows are taken a chunk at a time, each chunk
    with its own σ, in two work arrays that stay in cache."""
    k, rows, width = len(xs), *xs[0].shape
    step = max(1, _CHUNK // max(width * k, 1))
    v, q = np.empty((k, min(step, rows), width)), np.empty((k, min(step, rows), width))
    n = np.empty((k, rows))
    tau, rho, bound, sigma = (np.empty((k, rows)) for _ in range(4))
    whole = [bool(use.all()) for use in uses]
    for a in range(0, rows, step):
        c = slice(a, min(a + step, rows))
        vc, qc = v[:, :c.stop - a], q[:, :c.stop - a]
        for i, (x, use) in enumerate(zip(xs, uses, strict=True)):
            if whole[i]:
                np.copyto(vc[i], x[c])
            else:
                np.copyto(vc[i], 0.0)
                np.copyto(vc[i], x[c], where=use[c])
        _sum_chunk(vc, qc, tau[:, c], rho[:, c], bound[:, c], sigma[:, c])
    for i, use in enumerate(uses):
        n[i] = width if whole[i] else use.view(np.int8).sum(axis=1, dtype=np.int64)
    return RowSums(tau, rho, bound, n, sigma)


def _sum_chunk(v: FloatArray, q: FloatArray, tau: FloatArray, rho: FloatArray,
               bound: FloatArray, sigma: FloatArray) -> None:
    """One chunk of :func:`row_sums` (``v`` its values, ``q`` work space), written into
    the chunk's columns of the outputs."""
    width = float(v.shape[-1])
    with np.errstate(invalid="ignore", over="ignore"):
        s = float(_sigma(width, max(np.max(v, initial=0.0), -np.min(v, initial=0.0))))
        sigma[...] = s
        tau[...] = _extract(v, s, q)
        if v.any():
            np.sum(v, axis=-1, out=rho)
            bound[...] = _rest_bound(width, s)
        else:  # whole numbers at σ's scale: the sums are exact
            rho[...] = 0.0
            bound[...] = 0.0


def without(s: RowSums, x: FloatArray, drop: BoolArray) -> RowSums:
    """The sums ``s`` (of one array ``x``: a leading axis of one) with the values at
    ``drop`` (a subset of the values used) left out: the extraction's parts of each
    dropped value are worked out again and subtracted, the high parts exactly."""
    flat = np.flatnonzero(drop)  # far quicker than np.nonzero for a 2-D mask
    rows = flat // drop.shape[1]
    v = x.reshape(-1)[flat] if x.flags.c_contiguous else x[rows, flat % drop.shape[1]]
    width = float(drop.shape[1])
    sigma = s.sigma[0]
    with np.errstate(invalid="ignore", over="ignore"):
        q = (v + sigma[rows]) - sigma[rows]
        rests = np.bincount(rows, weights=v - q, minlength=drop.shape[0])
        # Multiples of the same σ·2⁻⁵³, every sum below σ: exact in any order.
        tau = s.tau - np.bincount(rows, weights=q, minlength=drop.shape[0])
        rho = s.rho - rests
        # (no bound means there were no rests at all: the dropped ones are 0 too)
        bound = s.bound + np.where(s.bound > 0.0, _rest_bound(width, sigma)
                                   + _U * np.abs(rho), 0.0)
    n = s.n - np.bincount(rows, minlength=drop.shape[0])
    return RowSums(tau, rho, bound, n, s.sigma)


def _round_quotient(hi: FloatArray, lo: FloatArray, n: FloatArray,
                    bound: FloatArray) -> tuple[FloatArray, BoolArray]:
    """The double nearest (hi + lo ± bound) / n, ties to even, and where that was
    decided for certain.

    ``q = fl(hi / n)`` is within 1.5 gaps of the exact quotient (|lo| ≤ ulp(hi)/2), which
    is ``q + R/n`` with the remainder ``R = hi + lo − q·n``. TwoProduct gives ``q·n``
    exactly and ``hi − q·n`` is exact (the two are within a factor 2), so R = r + e1 + e2
    ± bound with TwoSum's errors e1 and e2. Then ``2|R|`` against ``n`` times the gap to
    q's neighbour on R's side (the gaps differ on either side of a power of two) says
    whether q or that neighbour is nearest, or — known exactly — that it is a tie.
    """
    q = hi / n
    p, pe = _two_product(q, n)
    s1, e1 = _two_sum(lo, -pe)
    r, e2 = _two_sum(hi - p, s1)
    err = np.abs(e1) + np.abs(e2) + bound
    neighbour = np.nextafter(q, np.where(r > 0, np.inf, -np.inf))
    twice, slack = 2.0 * np.abs(r), 2.0 * err
    span = n * np.abs(neighbour - q)
    tie = (twice == span) & (err == 0.0) & (r != 0.0)
    step = ((twice - slack > span) & (twice + slack < 3.0 * span)) | (
        tie & ((q.view(np.int64) & 1) == 1))
    sure = (twice + slack < span) | step | tie
    # (with these magnitudes q·n is within a factor 2 of hi, so hi − p is exact)
    sure &= (np.abs(q) > _SMALL) & (np.abs(hi) < _HUGE)
    return np.where(step, neighbour, q), sure | ((hi == 0.0) & (lo == 0.0) & (err == 0.0))


def mean_of(s: RowSums, xs: Sequence[FloatArray], uses: Sequence[BoolArray]) -> FloatArray:
    """The correctly rounded means from the sums ``s`` of ``xs`` over ``uses`` (NaN where
    a row uses nothing), one row of means per array."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        hi, lo = _two_sum(s.tau, s.rho)
        mean, sure = _round_quotient(hi, lo, s.n, s.bound)
    mean = np.where(s.n > 0, mean, np.nan)
    for i, unsure in enumerate(~sure & (s.n > 0)):  # see the module notes, 3
        rows = np.flatnonzero(unsure)
        if rows.size:
            mean[i, rows] = _exact_means(xs[i][rows], uses[i][rows])
    return mean


def _exact_means(x: FloatArray, use: BoolArray) -> FloatArray:
    """Correctly rounded means of a few rows, from sums made exact: two extractions with
    a σ per row, then an exact remainder; :class:`~fractions.Fraction` for what is left."""
    v = np.where(use, x, 0.0)
    q = np.empty_like(v)
    n = np.count_nonzero(use, axis=1).astype(np.float64)
    width = float(v.shape[1])
    taus = []
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for _ in range(2):
            sigma = np.asarray(_sigma(width, np.max(np.abs(v), axis=1)))[:, None]
            taus.append(_extract(v, sigma, q))
        hi, lo = _two_sum(taus[0], taus[1])
        mean, sure = _round_quotient(hi, lo, n, np.zeros_like(n))
    for i in np.flatnonzero(~sure | np.any(v != 0.0, axis=1)):
        used = x[i, use[i]]
        mean[i] = float(sum(map(Fraction, used.tolist())) / len(used))
    return mean


def row_means(x: FloatArray, use: BoolArray) -> tuple[FloatArray, FloatArray]:
    """The correctly rounded mean of ``x[i, use[i]]`` for each row ``i`` (NaN where a row
    uses nothing), and the number of values used (as float). ``x`` as for
    :func:`row_sums`."""
    s = row_sums([x], [use])
    return mean_of(s, [x], [use])[0], s.n[0]
