"""Harm weighting: the ONS Crime Severity Score (CSS), docs/methodology.md §7.

CSS = Σ (count of offences of each Home Office offence code × its ONS severity weight)
÷ population × 1,000. The weights are an argument: perfcore ships one vintage of the ONS
weights, read by :func:`perfcore.data.css_weights` (calc reads no files), and a caller may
pass another. ONS also indexes the score to year ending March 2003 = 1 for England and
Wales; that indexing is not reproduced.

Examples
--------
>>> from perfcore.data import css_weights
>>> s = crime_severity_score([[2, 100]], ["1", "92E"], 500_000, weights=css_weights())
>>> round(float(s.score[0]), 3)
32.248
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    FlagArray,
    FloatArray,
    Reason,
    as_float,
    blank_overflow,
    broadcast,
    input_reasons,
    positive_option,
    ratio_reasons,
    scalar_fields,
    set_reason,
    warn_invalid,
)
from perfcore.errors import OptionError, ShapeError, UnknownCodeError, near_matches

__all__ = ["SeverityScore", "crime_severity_score"]


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
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
        ``MISSING`` when any count or the population is missing, ``NON_FINITE`` for an
        infinite one, ``ZERO_DENOMINATOR`` for a zero population, ``NEGATIVE`` for
        negative inputs, ``OVERFLOW`` for a score too large for a float.
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
    weights: Mapping[str, float],
    per: float = 1000,
) -> SeverityScore:
    """Crime Severity Score from counts by offence code (offence codes on the last axis).

    Parameters
    ----------
    counts : array_like, shape (..., len(codes))
        Offences recorded, one column per offence code.
    codes : sequence of str
        Home Office offence codes of the columns (``"1"``, ``"92E"`` ...).
    population : array_like
        Population, broadcast against the leading axes of ``counts``.
    weights : mapping of str to float
        Severity weight per offence code: :func:`perfcore.data.css_weights` for the ONS
        weights shipped with perfcore. Required, so that the vintage used is the caller's
        choice and calc reads no files.
    per : float, default 1000
        Population base.

    Returns
    -------
    SeverityScore
        A missing count makes that element's score NaN with ``MISSING`` rather than
        treating it as 0.

    Raises
    ------
    UnknownCodeError
        A code has no weight (an offence is never silently weighted 0); lists the codes.
    ShapeError
        ``counts`` does not have one column per code on its last axis.
    """
    if not isinstance(weights, Mapping):
        raise OptionError(option="weights", value=weights,
                          allowed="a mapping of offence code to weight")
    if isinstance(codes, (str, bytes)) or not isinstance(codes, Iterable):
        raise OptionError(option="codes", value=codes,
                          allowed="a sequence of offence codes, one per column of counts")
    codes = list(codes)
    unknown = [c for c in codes if c not in weights]
    if unknown:
        near = tuple(m for c in unknown[:3] for m in near_matches(c, weights, n=1))
        raise UnknownCodeError(
            kind="offence code", codes=tuple(unknown), where="the severity weights",
            suggestions=near, hint="pass weights= for codes outside the ONS list")
    per = positive_option("per", per)
    arr = as_float(counts, "counts")
    if arr.ndim == 0 or arr.shape[-1] != len(codes):
        raise ShapeError(reason=f"counts must have the {len(codes)} offence codes on its last "
                         "axis", shapes={"counts": arr.shape})
    with np.errstate(over="ignore", invalid="ignore"):
        weighted = arr @ np.array([weights[c] for c in codes], dtype=np.float64)
    total, pop = broadcast(weighted_total=weighted, population=population)
    # Each count's own reasons (a negative count could hide inside a positive total).
    per_count = np.bitwise_or.reduce(input_reasons(arr), axis=-1)
    reasons = ratio_reasons(total, pop, proportion=False)
    reasons |= per_count
    with np.errstate(invalid="ignore"):
        set_reason(reasons, np.broadcast_to((arr < 0).any(axis=-1), total.shape),
                   Reason.NEGATIVE)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        score = np.where(reasons != 0, np.nan, total / np.where(pop == 0, 1, pop) * per)
    reasons, score = blank_overflow(reasons, score)
    warn_invalid(reasons, "crime_severity_score")
    return SeverityScore(score=score, weighted_total=total, per=per, reasons=reasons)
