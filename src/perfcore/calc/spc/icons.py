"""Making Data Count icons of a chart: variation (from its last point) and assurance
(its target against the latest group's process limits), as NHSRplotthedots'
``ptd_get_icons`` and ``ptd_calculate_assurance_type`` give them."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from perfcore.calc._common import BoolArray, FloatArray, Int8Array
from perfcore.codes import AssuranceIcon, PointType, VariationIcon
from perfcore.errors import ShapeError

__all__ = ["assurance_codes", "variation_codes"]


# The codes as numpy scalars, looked up once: an enum attribute costs a Python call, which
# shows when a chart is a single short series.
_COMMON, _IMPROVEMENT, _CONCERN, _NEUTRAL_HIGH, _NEUTRAL_LOW = (np.int8(t) for t in (
    PointType.COMMON_CAUSE, PointType.SPECIAL_CAUSE_IMPROVEMENT,
    PointType.SPECIAL_CAUSE_CONCERN, PointType.SPECIAL_CAUSE_NEUTRAL_HIGH,
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW))
#: Variation icon of the last point, in the order of variation_codes' conditions.
_VARIATION_CHOICES = [np.int8(v) for v in (
    VariationIcon.COMMON_CAUSE, VariationIcon.IMPROVEMENT_HIGH, VariationIcon.IMPROVEMENT_LOW,
    VariationIcon.CONCERN_LOW, VariationIcon.CONCERN_HIGH, VariationIcon.NEUTRAL_HIGH,
    VariationIcon.NEUTRAL_LOW)]
_NO_VARIATION = np.int8(VariationIcon.NONE)
_NO_ASSURANCE, _PASS, _FAIL, _INCONSISTENT = (np.int8(a) for a in (
    AssuranceIcon.NONE, AssuranceIcon.CONSISTENT_PASS, AssuranceIcon.CONSISTENT_FAIL,
    AssuranceIcon.INCONSISTENT))


def variation_codes(last_type: Int8Array, signs: Int8Array, any_valid: BoolArray) -> Int8Array:
    """:class:`~perfcore.codes.VariationIcon` per series from the point type of its last
    charted point; ``NONE`` where a series has no points."""
    _one_per_series(last_type=last_type, signs=signs, any_valid=any_valid)
    # Improvement is "high" when increase is improvement; concern is "low" when increase
    # is improvement (and the mirror for decrease).
    inc = signs >= 0
    improvement = last_type == _IMPROVEMENT
    concern = last_type == _CONCERN
    code = np.select(
        [last_type == _COMMON, improvement & inc, improvement, concern & inc, concern,
         last_type == _NEUTRAL_HIGH, last_type == _NEUTRAL_LOW],
        _VARIATION_CHOICES, default=_NO_VARIATION)
    return np.where(any_valid, code, _NO_VARIATION).astype(np.int8)


def assurance_codes(target: FloatArray, signs: Int8Array, upl: FloatArray, lpl: FloatArray,
                    inclusive: bool, any_valid: BoolArray) -> Int8Array:
    """:class:`~perfcore.codes.AssuranceIcon` per series: the target beyond the process
    limits on the good side passes consistently, on the bad side fails consistently,
    between them inconsistently. ``NONE`` without a target, for a neutral series, with no
    points or no limits. ``inclusive``: a target on a limit counts as beyond it."""
    _one_per_series(target=target, signs=signs, upl=upl, lpl=lpl, any_valid=any_valid)
    with np.errstate(invalid="ignore"):
        above = target >= upl if inclusive else target > upl
        below = target <= lpl if inclusive else target < lpl
    # Order as NHSRplotthedots' case_when: "target above UPL" is tested first.
    inc = signs > 0
    code = np.where(above, np.where(inc, _FAIL, _PASS),
                    np.where(below, np.where(inc, _PASS, _FAIL), _INCONSISTENT))
    none = np.isnan(target) | (signs == 0) | ~any_valid | np.isnan(upl) | np.isnan(lpl)
    return np.where(none, _NO_ASSURANCE, code).astype(np.int8)


def _one_per_series(**arrays: npt.NDArray[Any]) -> None:
    shapes = {k: np.shape(a) for k, a in arrays.items()}
    if len(set(shapes.values())) > 1:
        raise ShapeError(reason="one value per series in each argument", shapes=shapes)
