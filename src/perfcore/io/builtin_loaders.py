"""perfcore's own data loaders, registered through the ``perfcore`` entry-point group
exactly as a third-party plugin's would be (entry point ``perfcore-loaders``)."""

from __future__ import annotations

from collections.abc import Iterable

from perfcore.plugins.hookspecs import hookimpl
from perfcore.plugins.specs import LoaderSpec


@hookimpl
def perfcore_register_loaders() -> Iterable[LoaderSpec]:
    # Each loader's module is named, not imported: it is imported the first time a file
    # is loaded with it (perfcore.plugins.calls.LazyCallable), so a report whose data are
    # long CSV never imports the police.uk or Home Office readers.
    return [
        LoaderSpec(name="csv", description="perfcore long-format CSV: measure, organisation, "
                   "period, value, numerator, denominator, sample_size, population, source",
                   patterns=("*.csv",), load="perfcore.io.long_csv:load_long_csv"),
        LoaderSpec(name="published", description="Published comparator figures (MSG, "
                   "E&W): measure, group, period, figure, value, source",
                   patterns=("published*.csv", "*_published.csv", "*-published.csv",
                             "*.published.csv"), load="perfcore.io.published:load_published"),
        LoaderSpec(name="home_office_prc", description="Home Office police recorded crime "
                   "open data (force × quarter × offence) summed to counts",
                   patterns=("prc-pfa-*.csv",),
                   load="perfcore.io.home_office:load_home_office_prc"),
        LoaderSpec(name="ons_pfa", description="ONS police force area tables P1 (offences) "
                   "and P3 (population), long CSV", patterns=("ons_pfa_*.csv", "ons-pfa-*.csv"),
                   load="perfcore.io.ons_pfa:load_ons_pfa"),
        LoaderSpec(name="parquet", description="perfcore long format as a Parquet file "
                   "(the csv loader's columns; needs the arrow extra)",
                   patterns=("*.parquet",), load="perfcore.io.arrow:load_parquet"),
        LoaderSpec(name="police_uk", description="data.police.uk street and outcomes files "
                   "(record-level, or counted) as counts by month × force × category",
                   patterns=("*-street.csv", "*-outcomes.csv", "street_counts_by_*.csv",
                             "outcomes_counts_by_*.csv"),
                   load="perfcore.io.police_uk:load_police_uk"),
        LoaderSpec(name="records", description="record-level police.uk crimes or outcomes "
                   "aggregated on a query engine (Ibis, DuckDB by default; needs the records "
                   "extra) into counts, outcome shares and rates",
                   patterns=("*-street.parquet", "*-outcomes.parquet", "*.records.parquet",
                             "*.records.csv"), load="perfcore.io.records.engine:load_records"),
    ]
