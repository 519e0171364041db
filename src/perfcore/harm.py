"""Harm weighting: the ONS Crime Severity Score (CSS).

CSS = Σ (count of offences of each Home Office offence code × its ONS severity weight)
÷ population × 1,000 (METHODS.md §7). Weights ship with perfcore
(``perfcore/data/css_weights.csv``, ONS experimental statistics, one vintage). ONS also
indexes the score to year ending March 2003 = 1 for England and Wales; that indexing is
not reproduced.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
from collections.abc import Mapping, Sequence
from importlib import resources
from types import MappingProxyType

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import FlagArray, FloatArray, Reason, broadcast, warn_invalid
from perfcore.errors import ShapeError, UnknownCodeError

__all__ = ["SeverityScore", "crime_severity_score", "css_weights"]


@functools.cache
def css_weights() -> Mapping[str, float]:
    """ONS severity weight by Home Office offence code (e.g. ``"1"`` homicide 7,973.39)."""
    text = resources.files("perfcore.data").joinpath("css_weights.csv").read_text("utf-8")
    return MappingProxyType({r["ho_offence_code"]: float(r["css_weight"])
                             for r in csv.DictReader(io.StringIO(text))})


@attrs.frozen(kw_only=True)
class SeverityScore:
    """Result of :func:`crime_severity_score`.

    Attributes
    ----------
    score : ndarray
        Weighted offences per ``per`` population.
    weighted_total : ndarray
        Σ count × weight.
    per : float
        Population base (1,000 by default, as ONS publishes).
    reasons : ndarray of uint16
        ``MISSING`` when any count or the population is missing, ``ZERO_DENOMINATOR`` for a
        zero population, ``NEGATIVE`` for negative inputs.
    """

    score: FloatArray = attrs.field(eq=False)
    weighted_total: FloatArray = attrs.field(eq=False)
    per: float
    reasons: FlagArray = attrs.field(eq=False)


def crime_severity_score(
    counts: npt.ArrayLike,
    codes: Sequence[str],
    population: npt.ArrayLike,
    *,
    per: float = 1000,
    weights: Mapping[str, float] | None = None,
) -> SeverityScore:
    """Crime Severity Score from counts by offence code (offence codes on the last axis).

    Every code must have a weight: unknown codes raise :class:`UnknownCodeError` listing
    them (an offence is never silently weighted 0). A missing count makes that element's
    score NaN with ``MISSING`` rather than treating it as 0.
    """
    w = css_weights() if weights is None else weights
    unknown = [c for c in codes if c not in w]
    if unknown:
        near = tuple(m for c in unknown[:3] for m in difflib.get_close_matches(c, list(w), n=1))
        raise UnknownCodeError(
            f"no severity weight for offence code(s) {unknown}; pass weights= for codes "
            "outside the ONS list", kind="offence code", codes=tuple(unknown), suggestions=near)
    arr = np.asarray(counts, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != len(codes):
        raise ShapeError(f"counts must have the {len(codes)} offence codes on its last axis; "
                         f"it has shape {arr.shape}", shapes={"counts": arr.shape})
    weight = np.array([w[c] for c in codes])
    weighted = arr @ weight
    total, pop = broadcast(weighted_total=weighted, population=population)
    reasons = np.zeros(total.shape, dtype=np.uint16)
    missing_count = np.broadcast_to(np.isnan(arr).any(axis=-1), total.shape)
    negative = np.broadcast_to((arr < 0).any(axis=-1), total.shape)
    reasons[missing_count | np.isnan(pop)] |= np.uint16(Reason.MISSING)
    reasons[negative | (pop < 0)] |= np.uint16(Reason.NEGATIVE)
    reasons[pop == 0] |= np.uint16(Reason.ZERO_DENOMINATOR)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(reasons != 0, np.nan, total / np.where(pop == 0, 1, pop) * per)
    warn_invalid(reasons, "crime_severity_score")
    return SeverityScore(score=score, weighted_total=total, per=per, reasons=reasons)
