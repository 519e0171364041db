"""The hook implementations perfcore discovers through the ``victims`` entry point."""

from __future__ import annotations

from perfcore import hookimpl
from perfcore.plugins.specs import (
    CatalogueSpec,
    DerivedMeasureSpec,
    DomainSpec,
    LoaderSpec,
)
from perfcore_victims import __version__
from perfcore_victims.derived import DERIVED
from perfcore_victims.measures import MEASURES


@hookimpl
def perfcore_register_domains() -> list[DomainSpec]:
    return [DomainSpec(
        name="victims",
        title="Supporting victims",
        version=__version__,
        description="Victim satisfaction surveys, Victims' Code compliance, repeat "
                    "victimisation and domestic abuse (arrests, Outcome 16, DVDS, MARAC).",
        measures=MEASURES,
    )]


@hookimpl
def perfcore_register_derived_measures() -> tuple[DerivedMeasureSpec, ...]:
    # The arrest rate from arrests and crimes; MARAC growth from yearly referrals.
    return DERIVED


@hookimpl
def perfcore_register_loaders() -> list[LoaderSpec]:
    # DVDS compliance is counted from one row per application (perfcore_victims.dvds_cases).
    return [LoaderSpec(name="dvds_cases",
                       description="DVDS applications (organisation, requested, contacted, "
                                   "disclosed dates) counted into 10-day contact and 28-day "
                                   "disclosure compliance",
                       patterns=("dvds-cases*.csv", "dvds_cases*.csv"),
                       # imported when a DVDS file is loaded, not with the plugin
                       load="perfcore_victims.dvds_cases:load_dvds_cases")]


@hookimpl
def perfcore_register_catalogues() -> list[CatalogueSpec]:
    # locale/cy/LC_MESSAGES/perfcore_victims.{po,mo}: the measure names in Welsh, so a
    # Welsh report needs no plan translations for them.
    return [CatalogueSpec(name="perfcore_victims", package="perfcore_victims",
                          description="Welsh names of the victims measures")]
