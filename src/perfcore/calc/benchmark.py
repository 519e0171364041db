"""Comparison with a benchmark by the Fingertips rule (docs/methodology-comparison.md §3).

Every function is vectorised: organisations lie along the **last axis** of the data arrays,
and any leading axes (measures, periods) broadcast through.

References
----------
- Fingertips / PHEindicatormethods (UKHSA, GPL-3): the benchmark comparison rule, read for
  behaviour and expected values only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    FlagArray,
    FloatArray,
    Int8Array,
    StrArray,
    broadcast,
    broadcast_signs,
    confidence_levels,
    input_reasons,
    names_of,
    scalar_fields,
    warn_invalid,
)
from perfcore.codes import Assessment, Relation
from perfcore.errors import ShapeError

__all__ = ["BenchmarkComparison", "compare_to_benchmark"]

@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class BenchmarkComparison:
    """How a force's value compares with a benchmark, by the Fingertips rule.

    Attributes
    ----------
    relation_code : ndarray of int8
        :class:`~perfcore.codes.Relation` per element: ``HIGHER`` when the benchmark lies
        below the force's lower confidence limit, ``LOWER`` when it lies above the upper
        limit, ``SIMILAR`` when it lies inside the interval (limits inclusive),
        ``NOT_COMPARED`` when a bound or the benchmark is missing. Independent of polarity.
        ``relation`` (property) gives the names.
    assessment_code : ndarray of int8
        :class:`~perfcore.codes.Assessment` per element: the relation read through the
        polarity, ``BETTER`` / ``WORSE`` / ``SIMILAR`` / ``NOT_COMPARED``. For a
        **neutral** measure the assessment is the relation itself (``HIGHER`` /
        ``LOWER`` / ``SIMILAR``), as Fingertips does for indicators whose polarity is "not
        applicable". ``assessment`` (property) gives the names.
    code : ndarray of int8
        +1 force above the benchmark, -1 below, 0 similar **or** not compared (use
        ``relation_code`` to tell these apart).
    confidence : tuple of float or None
        The confidence level(s) of the interval used, as fractions (0.95, 0.998). When
        several levels are given the arrays have a leading axis, one row per level.
    value, benchmark : ndarray
        The inputs, broadcast.
    reasons : ndarray of uint16
        :class:`~perfcore.calc.Reason` bits per element (``missing``, ``non_finite``).
    """

    relation_code: Int8Array = attrs.field(eq=False)
    assessment_code: Int8Array = attrs.field(eq=False)
    code: Int8Array = attrs.field(eq=False)
    confidence: tuple[float, ...] | None
    value: FloatArray = attrs.field(eq=False)
    benchmark: FloatArray = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)

    @property
    def relation(self) -> StrArray:
        """``"higher"``, ``"lower"``, ``"similar"`` or ``"not_compared"`` per element."""
        return names_of(Relation, self.relation_code)

    @property
    def assessment(self) -> StrArray:
        """``"better"``, ``"worse"``, ``"similar"``, ``"not_compared"`` (or, neutral,
        ``"higher"`` / ``"lower"``) per element."""
        return names_of(Assessment, self.assessment_code)


#: The assessment of a neutral measure is its relation: Relation code -> Assessment code.
_NEUTRAL_ASSESSMENT = np.array([Assessment.parse(r.code) for r in Relation], dtype=np.int8)


def compare_to_benchmark(
    value: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    benchmark: npt.ArrayLike,
    *,
    polarity: Any,
    confidence: float | Sequence[float] | None = None,
) -> BenchmarkComparison:
    """Compare each value with a benchmark using the force's own confidence interval.

    Fingertips rule (PHE technical guidance; PHEindicatormethods): the force is
    significantly *higher* than the benchmark when the benchmark is below its lower
    limit, *lower* when the benchmark is above its upper limit, otherwise *similar*.
    The benchmark may be an MSG average, the England & Wales figure or a target.

    Parameters
    ----------
    value, lower, upper, benchmark : array_like
        The force's value and confidence limits, and the comparator; they broadcast.
        With several ``confidence`` levels, ``lower`` and ``upper`` carry a leading
        axis of that length (one row per level).
    polarity : Polarity, str, int or array_like of these
        Which direction is good; broadcasts with the values.
    confidence : float or sequence of float, optional
        Recorded in the result so a report can say which interval was used
        (0.95 / 95, 0.998 / 99.8).

    Returns
    -------
    BenchmarkComparison
    """
    levels = None if confidence is None else confidence_levels(confidence)
    v, lo, hi, bm = broadcast(value=value, lower=lower, upper=upper, benchmark=benchmark)
    if levels is not None and len(levels) > 1 and (lo.ndim == 0 or lo.shape[0] != len(levels)):
        raise ShapeError(
            reason=f"{len(levels)} confidence levels need lower/upper with a leading axis of "
            f"length {len(levels)}", shapes={"lower": lo.shape})
    sign = broadcast_signs(polarity, v.shape, f"values of shape {v.shape}")
    reasons = input_reasons(v, lo, hi, bm)
    usable = reasons == 0
    with np.errstate(invalid="ignore"):
        code = np.where(usable & (bm < lo), 1, np.where(usable & (bm > hi), -1, 0)).astype(np.int8)
    relation = np.where(code > 0, Relation.HIGHER,
                        np.where(code < 0, Relation.LOWER, Relation.SIMILAR)).astype(np.int8)
    relation[~usable] = Relation.NOT_COMPARED
    signed = code * sign
    assessment = np.where(signed > 0, Assessment.BETTER,
                          np.where(signed < 0, Assessment.WORSE, Assessment.SIMILAR))
    assessment = np.where(sign == 0, _NEUTRAL_ASSESSMENT[relation], assessment).astype(np.int8)
    assessment[~usable] = Assessment.NOT_COMPARED
    warn_invalid(reasons, "compare_to_benchmark")
    return BenchmarkComparison(relation_code=relation, assessment_code=assessment, code=code,
                               confidence=levels, value=v, benchmark=bm, reasons=reasons)
