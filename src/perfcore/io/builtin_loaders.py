"""perfcore's own data loaders, registered through the ``perfcore`` entry-point group
exactly as a third-party plugin's would be (entry point ``perfcore-loaders``)."""

from __future__ import annotations

from collections.abc import Iterable

from perfcore.io.arrow import load_parquet
from perfcore.io.home_office import load_home_office_prc
from perfcore.io.long_csv import load_long_csv
from perfcore.io.ons_pfa import load_ons_pfa
from perfcore.io.police_uk import load_police_uk
from perfcore.io.published import load_published
from perfcore.io.records import load_records
from perfcore.plugins.hookspecs import hookimpl
from perfcore.plugins.specs import LoaderSpec


@hookimpl
def perfcore_register_loaders() -> Iterable[LoaderSpec]:
    return [
        LoaderSpec(name="csv", description="perfcore long-format CSV: measure, organisation, "
                   "period, value, numerator, denominator, sample_size, population, source",
                   patterns=("*.csv",), load=load_long_csv),
        LoaderSpec(name="published", description="Published comparator figures (MSG, "
                   "E&W): measure, group, period, figure, value, source",
                   patterns=("published*.csv", "*_published.csv", "*-published.csv",
                             "*.published.csv"), load=load_published),
        LoaderSpec(name="home_office_prc", description="Home Office police recorded crime "
                   "open data (force × quarter × offence) summed to counts",
                   patterns=("prc-pfa-*.csv",), load=load_home_office_prc),
        LoaderSpec(name="ons_pfa", description="ONS police force area tables P1 (offences) "
                   "and P3 (population), long CSV", patterns=("ons_pfa_*.csv", "ons-pfa-*.csv"),
                   load=load_ons_pfa),
        LoaderSpec(name="parquet", description="perfcore long format as a Parquet file "
                   "(the csv loader's columns; needs the arrow extra)",
                   patterns=("*.parquet",), load=load_parquet),
        LoaderSpec(name="police_uk", description="data.police.uk street and outcomes files "
                   "(record-level, or counted) as counts by month × force × category",
                   patterns=("*-street.csv", "*-outcomes.csv", "street_counts_by_*.csv",
                             "outcomes_counts_by_*.csv"), load=load_police_uk),
        LoaderSpec(name="records", description="record-level police.uk crimes or outcomes "
                   "aggregated on a query engine (Ibis, DuckDB by default; needs the records "
                   "extra) into counts, outcome shares and rates",
                   patterns=("*-street.parquet", "*-outcomes.parquet", "*.records.parquet",
                             "*.records.csv"), load=load_records),
    ]
