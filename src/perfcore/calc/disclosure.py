"""Small-number disclosure control (methodology §8): which cells of a public table to
withhold so that no small count can be read from it, directly or by arithmetic.

Three steps, each a pure function over a flat vector of cells:

- **primary**: every count below the threshold (:func:`primary_suppression`);
- **derived**: every figure computed from a withheld count — a change whose previous or
  current value is withheld, a rate or proportion whose count or base is below the
  threshold;
- **secondary** (complementary): for every relation a table shows — a total and its
  parts, a (previous, current, change) triple — a withheld cell must not be the only
  cell the reader does not know, or the relation gives it back (total − the parts shown;
  current − change). :func:`secondary_suppression` withholds the smallest cell shown in
  such a relation, and repeats until no withheld cell can be worked out.

:class:`AdditiveStructure` describes the relations; :func:`recoverable` is the audit:
the withheld cells that the cells shown determine exactly, by any combination of the
sums (linear algebra, so totals of totals are covered) or by a change. Protection is
against exact recovery, the standard of cell-suppression rules: a withheld count may
still be bounded (a pair withheld together is known to sum to the difference).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    BoolArray,
    FloatArray,
    Int8Array,
    IntArray,
    as_float,
    positive_option,
)
from perfcore.codes import SuppressionReason
from perfcore.errors import OptionError, ShapeError

__all__ = ["DEFAULT_THRESHOLD", "AdditiveStructure", "Suppression", "primary_suppression",
           "recoverable", "secondary_suppression"]

#: Counts below this are withheld unless a threshold is given (methodology §8: "< 5").
DEFAULT_THRESHOLD = 5

#: Singular values below this are zero: the sums hold small whole coefficients.
_TOLERANCE = 1e-9


def _cells(name: str, index: npt.ArrayLike, size: int) -> IntArray:
    out = np.asarray(index, dtype=np.int64).reshape(-1)
    bad = out[(out < 0) | (out >= size)]
    if bad.size:
        raise ShapeError(reason=f"{name} names cell {int(bad[0])}, outside a table of {size} "
                         "cells",
                         shapes={name: out.shape}, argument=name)
    return out


@attrs.frozen(kw_only=True)
class AdditiveStructure:
    """How the cells of a table (a flat vector of ``size`` cells) depend on one another.

    Attributes
    ----------
    size : int
        The number of cells.
    sums : ndarray of int8, shape (relations, size)
        One row per total: the coefficients of Σ coefficient × cell = 0, −1 for the total
        and +1 for each of its parts (a cell that is a part of two totals is in two rows).
    changes : ndarray of int64, shape (triples, 3)
        ``(previous, current, change)`` cell indices: the change is computed from the two
        values, so any two of the three give the third.
    """

    size: int
    sums: Int8Array = attrs.field(eq=False, repr=False)
    changes: IntArray = attrs.field(eq=False, repr=False)

    @classmethod
    def of(cls, size: int, *, totals: Sequence[tuple[int, Sequence[int]]] = (),
           changes: Sequence[tuple[int, int, int]] = ()) -> AdditiveStructure:
        """From ``totals`` — ``(total, parts)`` pairs of cell indices — and ``changes``
        — ``(previous, current, change)`` triples.

        Examples
        --------
        >>> s = AdditiveStructure.of(4, totals=[(0, [1, 2, 3])])
        >>> s.sums.tolist()
        [[-1, 1, 1, 1]]
        """
        sums = np.zeros((len(totals), size), dtype=np.int8)
        for r, (total, parts) in enumerate(totals):
            cells = _cells("totals", parts, size)
            if cells.size == 0 or int(total) in cells.tolist():
                # -total = 0 alone would say the total is 0, whatever is withheld.
                raise OptionError(option="totals", value=(total, list(parts)),
                                  reason="a total needs at least one part, and is not one "
                                  "of its own parts")
            sums[r, cells] = 1
            sums[r, _cells("totals", total, size)] = -1
        triples = _cells("changes", np.asarray(changes, dtype=np.int64), size).reshape(-1, 3)
        if any(len(set(t)) < 3 for t in triples.tolist()):
            raise OptionError(option="changes", value=[tuple(c) for c in changes],
                              reason="each (previous, current, change) names three cells")
        return cls(size=size, sums=sums, changes=triples)

    def members(self) -> BoolArray:
        """Every relation's cells, one row per relation: the sums, then the triples."""
        triples = np.zeros((len(self.changes), self.size), dtype=bool)
        triples[np.arange(len(self.changes))[:, None], self.changes] = True
        return np.vstack([self.sums != 0, triples])


@attrs.frozen(kw_only=True)
class Suppression:
    """Which cells a public table withholds, and why.

    Attributes
    ----------
    reason : ndarray of int8
        A :class:`~perfcore.codes.SuppressionReason` code per cell (``NONE``: shown).
    """

    reason: Int8Array = attrs.field(eq=False, repr=False)

    @property
    def mask(self) -> BoolArray:
        """True where a cell is withheld."""
        return np.asarray(self.reason != SuppressionReason.NONE)

    def count(self, reason: SuppressionReason) -> int:
        """How many cells are withheld for ``reason``."""
        return int(np.count_nonzero(self.reason == reason))


def primary_suppression(counts: npt.ArrayLike, *,
                        threshold: float = DEFAULT_THRESHOLD) -> BoolArray:
    """True where a count is below ``threshold`` (0 included); missing counts are not.

    Examples
    --------
    >>> primary_suppression([0, 4, 5, float("nan")]).tolist()
    [True, True, False, False]
    """
    limit = positive_option("threshold", threshold)
    x = as_float(counts, "counts")
    small: BoolArray = np.isfinite(x) & (x < limit)
    return small


def recoverable(values: npt.ArrayLike, hidden: npt.ArrayLike,
                structure: AdditiveStructure) -> BoolArray:
    """The withheld cells a reader can work out exactly from the cells shown.

    A cell is recoverable through the sums when every solution of the sums, given the
    cells shown, agrees on it (its coordinate is zero across the null space of the sums
    restricted to the unknown cells), and through a change when it is the only unknown
    of its (previous, current, change) triple. Missing values (NaN) are unknown to the
    reader too, and protect like withheld cells.
    """
    v = as_float(values, "values")
    withheld = np.asarray(hidden, dtype=bool)
    unknown = withheld | np.isnan(v)
    out = _determined_by_sums(structure.sums, unknown)
    u = unknown[structure.changes]
    alone = u.sum(axis=1) == 1
    out[structure.changes[alone][u[alone]]] = True
    found: BoolArray = out & withheld
    return found


def _determined_by_sums(sums: Int8Array, unknown: BoolArray) -> BoolArray:
    out = np.zeros(unknown.shape, dtype=bool)
    cols = np.flatnonzero(unknown & np.any(sums != 0, axis=0))
    if cols.size == 0:
        return out
    m = sums[:, cols].astype(np.float64)
    _, s, vh = np.linalg.svd(m)
    null = vh[int(np.count_nonzero(s > _TOLERANCE)):]
    out[cols] = ~np.any(np.abs(null) > _TOLERANCE, axis=0)
    return out


def secondary_suppression(values: npt.ArrayLike, primary: npt.ArrayLike,
                          structure: AdditiveStructure, *,
                          derived: npt.ArrayLike | None = None,
                          threshold: float | None = None) -> Suppression:
    """Withhold enough more cells that no withheld cell can be worked out, nor (given
    ``threshold``) the small sum of a total's withheld parts.

    Parameters
    ----------
    values : array-like of float, shape (size,)
        The table's cells (NaN: not available, which the reader does not know either).
    primary : array-like of bool
        The counts below the threshold (:func:`primary_suppression`).
    structure : AdditiveStructure
        The table's totals and changes.
    derived : array-like of bool, optional
        Figures withheld because they rest on a small count (a rate or proportion whose
        count or base is below the threshold).
    threshold : float, optional
        The disclosure threshold. Given, a total shown whose withheld parts add up to
        less than it (three strands of 0, 1 and 1 under a total: 2) has its smallest
        part shown withheld too: a reader takes the parts shown from the total, and
        a sum of small counts below the threshold is itself a small count.

    Returns
    -------
    Suppression
        ``PRIMARY`` for ``primary``; ``DERIVED`` for ``derived`` and for every change
        whose previous or current value is withheld; ``SECONDARY`` for the complementary
        cells: in each relation that would give a withheld cell back, the smallest cell
        shown, repeated until :func:`recoverable` finds none.

    Examples
    --------
    A total of 20 shown with parts 3, 8 and 9: withholding the 3 alone leaves
    20 − 8 − 9 = 3, so the next smallest part, 8, is withheld too.

    >>> s = AdditiveStructure.of(4, totals=[(0, [1, 2, 3])])
    >>> r = secondary_suppression([20, 3, 8, 9], [False, True, False, False], s)
    >>> [str(SuppressionReason(c)) for c in r.reason]
    ['none', 'primary', 'secondary', 'none']
    """
    v = as_float(values, "values").reshape(-1)
    if v.size != structure.size:
        raise ShapeError(reason=f"values has {v.size} cells; the structure describes "
                         f"{structure.size}", shapes={"values": v.shape}, argument="values")
    reason = _first_reasons(v.size, primary, derived)
    members = structure.members()
    # Each pass withholds at least one more cell, so at most one pass per cell.
    for _ in range(v.size + 1):
        hidden = reason != SuppressionReason.NONE
        stale = _stale_changes(hidden, structure.changes)
        if stale.any():
            reason[stale] = SuppressionReason.DERIVED
            continue
        exposed = recoverable(v, hidden, structure)
        extra = _complements(v, hidden, exposed, members) if exposed.any() else exposed
        if not extra.any() and threshold is not None:
            extra = _small_sums(v, hidden, structure.sums,
                                positive_option("threshold", threshold))
        if not extra.any():
            break
        reason[extra] = SuppressionReason.SECONDARY
    return Suppression(reason=reason)


def _small_sums(values: FloatArray, hidden: BoolArray, sums: Int8Array,
                threshold: float) -> BoolArray:
    """The smallest part shown of each total shown whose withheld parts sum to less than
    ``threshold``: the reader gets that sum as the total less the parts shown (a part not
    available, NaN, keeps it unknown)."""
    parts, totals = sums > 0, sums < 0
    known = ~(totals & (hidden | np.isnan(values))).any(axis=1)
    known &= ~(parts & np.isnan(values)).any(axis=1)
    withheld = parts & hidden
    combined = np.where(withheld, values, 0.0).sum(axis=1)
    small = known & withheld.any(axis=1) & (combined < threshold)
    shown = parts & ~hidden & ~np.isnan(values)
    small &= shown.any(axis=1)
    extra = np.zeros(values.shape, dtype=bool)
    if small.any():
        extra[np.where(shown[small], values, np.inf).argmin(axis=1)] = True
    return extra


def _first_reasons(size: int, primary: npt.ArrayLike,
                   derived: npt.ArrayLike | None) -> Int8Array:
    reason = np.zeros(size, dtype=np.int8)
    if derived is not None:
        reason[np.broadcast_to(np.asarray(derived, dtype=bool), (size,))] = \
            SuppressionReason.DERIVED
    reason[np.broadcast_to(np.asarray(primary, dtype=bool), (size,))] = \
        SuppressionReason.PRIMARY
    return reason


def _stale_changes(hidden: BoolArray, changes: IntArray) -> BoolArray:
    """Changes shown whose previous or current value is withheld."""
    out = np.zeros(hidden.shape, dtype=bool)
    out[changes[hidden[changes[:, :2]].any(axis=1), 2]] = True
    return out & ~hidden


def _complements(values: FloatArray, hidden: BoolArray, exposed: BoolArray,
                 members: BoolArray) -> BoolArray:
    """The smallest cell shown of each relation that gives a withheld cell back:
    relations where it is the only unknown first, then any relation holding it, then
    (a cell pinned by sums elsewhere) any relation holding a withheld cell."""
    unknown = hidden | np.isnan(values)
    shown = members & ~unknown
    open_ = shown.any(axis=1)
    holds = members[:, exposed].any(axis=1)
    alone = (members & unknown).sum(axis=1) == 1
    extra = np.zeros(values.shape, dtype=bool)
    for hit in (holds & alone & open_, holds & open_, (members & hidden).any(axis=1) & open_):
        if hit.any():
            extra[np.where(shown[hit], values, np.inf).argmin(axis=1)] = True
            break
    return extra
