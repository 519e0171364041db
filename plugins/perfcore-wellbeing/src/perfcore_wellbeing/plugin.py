"""The hook implementations perfcore discovers through the ``wellbeing`` entry point."""

from __future__ import annotations

from perfcore import DerivedMeasureSpec, DomainSpec, LoaderSpec, hookimpl
from perfcore_wellbeing import __version__
from perfcore_wellbeing.derived import DERIVED
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


@hookimpl
def perfcore_register_derived_measures() -> tuple[DerivedMeasureSpec, ...]:
    # Days lost per FTE, EAP usage, Bradford share and representation from counts.
    return DERIVED


@hookimpl
def perfcore_register_loaders() -> list[LoaderSpec]:
    # Absence is counted from one row per spell (perfcore_wellbeing.absence_spells).
    return [LoaderSpec(name="absence_spells",
                       description="Sickness absence spells (organisation, person, start, "
                                   "days) counted into working days lost and people over "
                                   "the Bradford trigger",
                       patterns=("absence-spells*.csv", "absence_spells*.csv"),
                       # imported when a spells file is loaded, not with the plugin
                       load="perfcore_wellbeing.absence_spells:load_absence_spells")]
