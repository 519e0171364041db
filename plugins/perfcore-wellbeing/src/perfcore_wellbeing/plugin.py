"""The hook implementations perfcore discovers through the ``wellbeing`` entry point."""

from __future__ import annotations

from perfcore import DomainSpec, hookimpl
from perfcore_wellbeing import __version__
from perfcore_wellbeing.measures import MEASURES


@hookimpl
def perfcore_register_domains() -> list[DomainSpec]:
    return [DomainSpec(
        name="wellbeing",
        title="Wellbeing and people",
        version=__version__,
        description="Sickness absence, attendance, Bradford Factor, occupational health, "
                    "EAP and TRiM use, workforce representation and officer uplift.",
        measures=MEASURES,
        # Representation is judged against its community benchmark, not year on year.
        default_scorers={"officers_ethnic_minority": "target"},
    )]
