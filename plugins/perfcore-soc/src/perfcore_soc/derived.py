"""The SOC domain's derived measures (``perfcore_register_derived_measures``), computed
from disruption counts by pillar or severity with :mod:`perfcore_soc.disruption`, for
every organisation and period at once (organisations × periods arrays; the pillars or
severities are stacked on a last axis).

``disruptions``
    the total of the four pillars' disruptions;
``disruption_balance``
    the 4P balance (:func:`~perfcore_soc.disruption.pillar_mix`);
``disruption_index`` and ``disruption_index_per_ocg``
    severity-weighted disruptions (:func:`~perfcore_soc.disruption.disruption_index`,
    default weights 3, 2, 1), and the same per OCG mapped.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from perfcore import DerivedMeasureSpec, DerivedValues, DeriveInputs
from perfcore_soc.disruption import disruption_index, pillar_mix
from perfcore_soc.measures import PILLARS, SEVERITIES

__all__ = ["BY_PILLAR", "BY_SEVERITY", "DERIVED"]

BY_PILLAR = tuple(f"disruptions_{p}" for p in PILLARS)
BY_SEVERITY = tuple(f"disruptions_{s}" for s in SEVERITIES)


def _stacked(inputs: DeriveInputs, ids: tuple[str, ...]) -> npt.NDArray[np.float64]:
    return np.stack([inputs.value(i) for i in ids], axis=-1)


def total(inputs: DeriveInputs) -> DerivedValues:
    return DerivedValues(value=pillar_mix(_stacked(inputs, BY_PILLAR)).total)


def balance(inputs: DeriveInputs) -> DerivedValues:
    return DerivedValues(value=pillar_mix(_stacked(inputs, BY_PILLAR)).balance)


def index(inputs: DeriveInputs) -> DerivedValues:
    return DerivedValues(value=disruption_index(_stacked(inputs, BY_SEVERITY)))


def index_per_ocg(inputs: DeriveInputs) -> DerivedValues:
    return DerivedValues(value=disruption_index(_stacked(inputs, BY_SEVERITY),
                                                per_ocg=inputs.value("ocgs_mapped")))


DERIVED: tuple[DerivedMeasureSpec, ...] = (
    DerivedMeasureSpec(measure="disruptions", inputs=BY_PILLAR, derive=total,
                       description="disruptions under Pursue + Prevent + Protect + Prepare"),
    DerivedMeasureSpec(measure="disruption_balance", inputs=BY_PILLAR, derive=balance,
                       description="Shannon entropy of the four pillars' shares of "
                                   "disruptions / log 4"),
    DerivedMeasureSpec(measure="disruption_index", inputs=BY_SEVERITY, derive=index,
                       description="3 × major + 2 × moderate + 1 × minor disruptions"),
    DerivedMeasureSpec(measure="disruption_index_per_ocg", inputs=(*BY_SEVERITY, "ocgs_mapped"),
                       derive=index_per_ocg,
                       description="(3 × major + 2 × moderate + 1 × minor disruptions) / "
                                   "OCGs mapped"),
)
