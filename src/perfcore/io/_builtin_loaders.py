"""perfcore's own data loaders, registered through the ``perfcore`` entry-point group
exactly as a third-party plugin's would be (entry point ``perfcore-loaders``)."""

from __future__ import annotations

from collections.abc import Iterable

from perfcore.hookspecs import hookimpl
from perfcore.io.long_csv import load_long_csv
from perfcore.specs import LoaderSpec


@hookimpl
def perfcore_register_loaders() -> Iterable[LoaderSpec]:
    return [
        LoaderSpec(name="csv", description="perfcore long-format CSV: measure, organisation, "
                   "period, value, numerator, denominator, sample_size, population, source",
                   patterns=("*.csv",), load=load_long_csv),
    ]
