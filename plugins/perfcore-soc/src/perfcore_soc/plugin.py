"""The hook implementations perfcore discovers through the ``soc`` entry point."""

from __future__ import annotations

from perfcore import DerivedMeasureSpec, DomainSpec, hookimpl
from perfcore_soc import __version__
from perfcore_soc.derived import DERIVED
from perfcore_soc.measures import MEASURES


@hookimpl
def perfcore_register_domains() -> list[DomainSpec]:
    return [DomainSpec(
        name="soc",
        title="Serious and organised crime",
        version=__version__,
        description="Organised crime groups, disruptions under the 4P framework (pursue, "
                    "prevent, protect, prepare), modern slavery and human trafficking, "
                    "seizures and county lines.",
        measures=MEASURES,
    )]


@hookimpl
def perfcore_register_derived_measures() -> tuple[DerivedMeasureSpec, ...]:
    # Totals, the 4P balance and the severity index from disruption counts.
    return DERIVED
