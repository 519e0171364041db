"""The wellbeing domain's derived measures (``perfcore_register_derived_measures``),
computed with :mod:`perfcore_wellbeing.absence` and :mod:`perfcore_wellbeing.workforce`
for every organisation and period at once (organisations × periods arrays).

``working_days_lost_per_fte``
    working days lost / FTE strength (:func:`~perfcore_wellbeing.absence.days_lost_per_fte`);
``eap_usage_rate``, ``bradford_over_trigger``
    users of the employee assistance programme, and people at or over the Bradford
    trigger, as shares of the workforce headcount (seed 003: "Against headcount, the
    current annual usage for this service is 1.72%");
``officers_ethnic_minority``, ``officers_ethnic_minority_shortfall``
    the ethnic minority share of officers who declared their ethnicity, and how many more
    officers from an ethnic minority would match the community share
    (:func:`~perfcore_wellbeing.workforce.representation`; seed 000: 2.97% against 5.1%).

Shares keep their counts as numerator and denominator, so that perfcore gives them
Wilson intervals.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from perfcore import DerivedMeasureSpec, DerivedValues, DeriveInputs
from perfcore_wellbeing.absence import days_lost_per_fte
from perfcore_wellbeing.workforce import representation

__all__ = ["DERIVED"]

FloatArray = npt.NDArray[np.float64]


def _share(part: FloatArray, whole: FloatArray) -> DerivedValues:
    # Undefined (NaN) where the whole is 0, or the part is larger than the whole.
    ok = (whole > 0) & (part >= 0) & (part <= whole)
    return DerivedValues(value=np.where(ok, part / np.where(ok, whole, 1.0), np.nan),
                         numerator=part, denominator=whole)


def per_fte(inputs: DeriveInputs) -> DerivedValues:
    return DerivedValues(value=days_lost_per_fte(inputs.value("working_days_lost"),
                                                 inputs.value("fte_strength")))


def eap_usage(inputs: DeriveInputs) -> DerivedValues:
    return _share(inputs.value("eap_users"), inputs.value("workforce_headcount"))


def over_trigger(inputs: DeriveInputs) -> DerivedValues:
    return _share(inputs.value("staff_over_bradford_trigger"),
                  inputs.value("workforce_headcount"))


def ethnic_minority_share(inputs: DeriveInputs) -> DerivedValues:
    return _share(inputs.value("officers_ethnic_minority_count"),
                  inputs.value("officers_ethnicity_declared"))


def shortfall(inputs: DeriveInputs) -> DerivedValues:
    count = inputs.value("officers_ethnic_minority_count")
    declared = inputs.value("officers_ethnicity_declared")
    share = _share(count, declared).value
    needed = representation(share, inputs.value("community_ethnic_minority_share"),
                            headcount=declared).additional_needed
    return DerivedValues(value=needed)


DERIVED: tuple[DerivedMeasureSpec, ...] = (
    DerivedMeasureSpec(measure="working_days_lost_per_fte",
                       inputs=("working_days_lost", "fte_strength"), derive=per_fte,
                       description="working days lost to sickness / FTE strength"),
    DerivedMeasureSpec(measure="eap_usage_rate", inputs=("eap_users", "workforce_headcount"),
                       derive=eap_usage,
                       description="employee assistance programme users / workforce "
                                   "headcount"),
    DerivedMeasureSpec(measure="bradford_over_trigger",
                       inputs=("staff_over_bradford_trigger", "workforce_headcount"),
                       derive=over_trigger,
                       description="people at or over the Bradford trigger / workforce "
                                   "headcount"),
    DerivedMeasureSpec(measure="officers_ethnic_minority",
                       inputs=("officers_ethnic_minority_count", "officers_ethnicity_declared"),
                       derive=ethnic_minority_share,
                       description="officers from an ethnic minority / officers who declared "
                                   "their ethnicity"),
    DerivedMeasureSpec(measure="officers_ethnic_minority_shortfall",
                       inputs=("officers_ethnic_minority_count", "officers_ethnicity_declared",
                               "community_ethnic_minority_share"),
                       derive=shortfall,
                       description="ceil(community share × officers declaring) − officers "
                                   "from an ethnic minority, at least 0"),
)
