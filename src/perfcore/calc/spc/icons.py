"""Making Data Count icons of a chart: variation (from its last point) and assurance
(its target against the latest group's process limits), as NHSRplotthedots'
``ptd_get_icons`` and ``ptd_calculate_assurance_type`` give them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from perfcore.codes import AssuranceIcon, PointType, VariationIcon

__all__ = ["assurance_codes", "variation_codes"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int8]


def variation_codes(last_type: CodeArray, signs: CodeArray, any_valid: BoolArray) -> CodeArray:
    """:class:`~perfcore.codes.VariationIcon` per series from the point type of its last
    charted point; ``NONE`` where a series has no points."""
    # Improvement is "high" when increase is improvement; concern is "low" when increase
    # is improvement (and the mirror for decrease).
    inc = signs >= 0
    improvement = last_type == PointType.SPECIAL_CAUSE_IMPROVEMENT
    concern = last_type == PointType.SPECIAL_CAUSE_CONCERN
    code = np.select(
        [last_type == PointType.COMMON_CAUSE, improvement & inc, improvement, concern & inc,
         concern, last_type == PointType.SPECIAL_CAUSE_NEUTRAL_HIGH,
         last_type == PointType.SPECIAL_CAUSE_NEUTRAL_LOW],
        [VariationIcon.COMMON_CAUSE, VariationIcon.IMPROVEMENT_HIGH,
         VariationIcon.IMPROVEMENT_LOW, VariationIcon.CONCERN_LOW, VariationIcon.CONCERN_HIGH,
         VariationIcon.NEUTRAL_HIGH, VariationIcon.NEUTRAL_LOW], default=VariationIcon.NONE)
    return np.where(any_valid, code, VariationIcon.NONE).astype(np.int8)


def assurance_codes(target: FloatArray, signs: CodeArray, upl: FloatArray, lpl: FloatArray,
                    inclusive: bool, any_valid: BoolArray) -> CodeArray:
    """:class:`~perfcore.codes.AssuranceIcon` per series: the target beyond the process
    limits on the good side passes consistently, on the bad side fails consistently,
    between them inconsistently. ``NONE`` without a target, for a neutral series, with no
    points or no limits. ``inclusive``: a target on a limit counts as beyond it."""
    with np.errstate(invalid="ignore"):
        above = target >= upl if inclusive else target > upl
        below = target <= lpl if inclusive else target < lpl
    # Order as NHSRplotthedots' case_when: "target above UPL" is tested first.
    inc = signs > 0
    code = np.where(above, np.where(inc, AssuranceIcon.CONSISTENT_FAIL,
                                    AssuranceIcon.CONSISTENT_PASS),
                    np.where(below, np.where(inc, AssuranceIcon.CONSISTENT_PASS,
                                             AssuranceIcon.CONSISTENT_FAIL),
                             AssuranceIcon.INCONSISTENT))
    none = np.isnan(target) | (signs == 0) | ~any_valid | np.isnan(upl) | np.isnan(lpl)
    return np.where(none, AssuranceIcon.NONE, code).astype(np.int8)
