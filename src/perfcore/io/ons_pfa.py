"""The ``ons_pfa`` loader: the ONS police force area data tables, in long (tidy) CSV form.

ONS publishes, with each quarter's *Crime in England and Wales*, workbooks of police
recorded crime by police force area for the rolling 12 months to the quarter's end. This
loader reads two of their tables, laid out one row per figure:

Table P1 (offences) -- columns ``period_end`` (last day of the 12 months, ISO date),
``area_code`` (ONS code: England and Wales, countries, regions, the 43 forces),
``offence_group``, ``parent_group`` (the group a row is part of; blank for the total) and
``number_of_offences``; ``area_name``, ``area_type`` and ``source_file`` are optional.
Gives counts: the total (``parent_group`` blank) as ``all_crime``, its offence groups as
``prc.offence_group.<label>`` and anything below them as ``prc.offence_subgroup.<label>``
(the same ids the ``home_office_prc`` loader gives).

Table P3 (population) -- ``period_end``, ``area_code``, ``population`` and optionally
``total_recorded_crime_excl_fraud_per_1000_published`` and ``population_basis``. Gives the
measure ``all_crime_rate``: the published rate per 1,000 population as ``value``, with the
population.

Loading P1 with ``population=`` naming a P3 file also gives a rate measure
``<count measure>_rate`` for every count, with the count as ``numerator`` and the
population, so rates get confidence intervals (``value`` is ONS's published rate for the
total, the count per 1,000 population otherwise).

Periods: the 12 months ending in March are the financial year (``2018-19`` for the year
ending 31 March 2019) unless ``year_ending_march="rolling"``; other quarters are rolling
12-month periods (``12 months to June 2019``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

import numpy as np

from perfcore.dataset import Dataset, factorize
from perfcore.errors import OptionError
from perfcore.i18n import counted
from perfcore.io._table import (
    FloatArray,
    IntArray,
    RegistryOption,
    Table,
    check_counts,
    check_fields,
    check_mapped_labels,
    dataset_errors_by_row,
    expand,
    label_key,
    label_mapping,
    parse_numbers,
    parse_periods,
    read_header,
    read_table,
    resolve_organisations,
    rows_of,
    warn_skipped,
)
from perfcore.io.home_office import offence_measure_id
from perfcore.periods import FinancialYear, Month, Period, Rolling

__all__ = ["load_ons_pfa"]

_P1 = ("period_end", "area_code", "offence_group", "parent_group", "number_of_offences")
_P3 = ("period_end", "area_code", "population")
_RATE = "total_recorded_crime_excl_fraud_per_1000_published"
_CONTEXT = {"organisation": "area_code", "period": "period_end", "measure": "offence_group"}
_SOURCE = "ONS police force area data tables"


def _period_parser(year_ending_march: str) -> Callable[[str], Period]:
    def parse(text: str) -> Period:
        try:
            day = _dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("not an ISO date (write e.g. 2019-03-31)") from None
        month = Month(day.year, day.month)
        if day != month.end:
            raise ValueError(f"{text} is not the last day of a month")
        if day.month == 3 and year_ending_march == "financial_year":
            return FinancialYear.containing(month)
        return Rolling(month)
    return parse


def _sources(table: Table, default: str) -> list[str] | str:
    if "source_file" not in table:
        return default
    return [f"{_SOURCE} ({c.strip()})" if c.strip() else default
            for c in table["source_file"]]


def _read(path: str | Path, required: tuple[str, ...], year_ending_march: str,
          registry: RegistryOption, encoding: str, layout: str
          ) -> tuple[Table, list[str | None], IntArray, list[Period | None], IntArray]:
    table = read_table(path, required=required, extra="ignore", encoding=encoding,
                       optional=("source_file", "population_basis", _RATE), layout=layout,
                       context=_CONTEXT)
    areas, a_codes = resolve_organisations(table, "area_code", registry)
    periods, p_codes = parse_periods(table, "period_end",
                                     parse=_period_parser(year_ending_march))
    return table, areas, a_codes, periods, p_codes


def _population(path: str | Path, year_ending_march: str, registry: RegistryOption,
                encoding: str) -> tuple[Table, list[str | None], IntArray,
                                        list[Period | None], IntArray, FloatArray, FloatArray]:
    table, areas, a_codes, periods, p_codes = _read(path, _P3, year_ending_march, registry,
                                                    encoding, "ONS Table P3 (population)")
    population, _ = parse_numbers(table, "population")  # blank: not available, as in P1
    rate = (parse_numbers(table, _RATE)[0] if _RATE in table
            else np.full(len(table), np.nan))
    check_fields(table, {"population": population})
    table.problems.raise_if_any()
    return table, areas, a_codes, periods, p_codes, population, rate


def load_ons_pfa(path: str | Path, *, measures: Mapping[str, str] | None = None,
                 total_measure: str = "all_crime",
                 year_ending_march: Literal["financial_year", "rolling"] = "financial_year",
                 population: str | Path | None = None, registry: RegistryOption = None,
                 encoding: str = "utf-8-sig") -> Dataset:
    """Read an ONS police force area Table P1 (offences) or P3 (population) CSV; which
    one is told from its columns (see the module docs). ``measures`` maps offence group
    labels to measure ids of your own, as for the ``home_office_prc`` loader;
    ``population`` (P1 only) names a P3 file to join for rates."""
    if year_ending_march not in ("financial_year", "rolling"):
        raise OptionError.for_choice("year_ending_march", year_ending_march,
                                     ("financial_year", "rolling"))
    mapping = label_mapping(measures)
    columns = read_header(path, encoding)
    if "number_of_offences" not in columns and "population" in columns:
        if population is not None:
            raise OptionError(reason=f"only for Table P1 files; {path} is itself a Table P3 "
                              "(population) file", option="population",
                              value=str(population), allowed="a Table P3 file, with P1")
        return _load_p3(path, mapping.get("total", total_measure), year_ending_march,
                        registry, encoding)
    return _load_p1(path, mapping, total_measure, year_ending_march, population, registry,
                    encoding)


def _load_p3(path: str | Path, total_measure: str, year_ending_march: str,
             registry: RegistryOption, encoding: str) -> Dataset:
    table, areas, a_codes, periods, p_codes, pop, rate = _population(
        path, year_ending_march, registry, encoding)
    basis = (table["population_basis"] if "population_basis" in table
             else ("",) * len(table))
    default = f"{_SOURCE} ({Path(path).name})"
    sources = _sources(table, default)
    if isinstance(sources, str):
        sources = [sources] * len(table)
    sources = [f"{s}; population: {b.strip()}" if b.strip() else s
               for s, b in zip(sources, basis, strict=True)]
    with dataset_errors_by_row(table):
        return Dataset.from_columns(
            measure=[f"{total_measure}_rate"] * len(table),
            organisation=expand(areas, a_codes), period=expand(periods, p_codes),
            value=rate, population=pop, source=sources, registry=False)


def _load_p1(path: str | Path, mapping: dict[str, str], total_measure: str,
             year_ending_march: str, population: str | Path | None,
             registry: RegistryOption, encoding: str) -> Dataset:
    table, areas, a_codes, periods, p_codes = _read(path, _P1, year_ending_march, registry,
                                                    encoding, "ONS Table P1 (offences)")
    # Blank is "not available" (ONS printed no figures for Greater Manchester for the
    # years ending September and December 2019): loaded as NaN, which reports show so.
    count, _ = parse_numbers(table, "number_of_offences")
    labels, l_codes = factorize([c.strip() for c in table["offence_group"]])
    parents = [p.strip() for p in table["parent_group"]]
    parent_of: dict[str, str] = {}
    for lab, par in zip(table["offence_group"], parents, strict=True):
        parent_of.setdefault(lab.strip(), par)
    totals = [lab for lab in labels if not parent_of[lab]]
    if len(totals) > 1:
        table.problems.at(f"more than one offence group has no parent group "
                          f"({', '.join(repr(t) for t in totals)}); only the total should",
                          rows_of(l_codes, labels.index(totals[1])),
                          column=table.name("parent_group"))
    total = totals[0] if totals else None
    ids: list[str] = []
    for lab in labels:
        if lab == total:
            ids.append(mapping.get("total", mapping.get(label_key(lab), total_measure)))
        elif parent_of[lab] == total:
            ids.append(mapping.get(label_key(lab), offence_measure_id("offence_group", lab)))
        else:
            ids.append(mapping.get(label_key(lab), offence_measure_id("offence_subgroup", lab)))
    check_mapped_labels(mapping, {"total", *(label_key(lab) for lab in labels)},
                        what="offence groups", file=table.file, allowed=labels)
    check_counts(table, "number_of_offences", count)
    table.problems.raise_if_any()
    measure = expand(ids, l_codes)
    organisation = expand(areas, a_codes)
    period = expand(periods, p_codes)
    sources = _sources(table, f"{_SOURCE} ({Path(path).name})")
    with dataset_errors_by_row(table):
        counts = Dataset.from_columns(measure=measure, organisation=organisation,
                                      period=period, value=count, source=sources,
                                      registry=False)
    if population is None:
        return counts
    return Dataset.concat([counts, _rates(table, measure, organisation, period, count,
                                          sources, ids[labels.index(total)] if total else "",
                                          population, year_ending_march, registry,
                                          encoding)])


def _rates(table: Table, measure: list[str], organisation: list[str], period: list[Period],
           count: FloatArray, sources: list[str] | str, total_id: str,
           population: str | Path, year_ending_march: str, registry: RegistryOption,
           encoding: str) -> Dataset:
    p3, areas, a_codes, periods, p_codes, pop, rate = _population(
        population, year_ending_march, registry, encoding)
    lookup: dict[tuple[str | None, Period | None], int] = {}
    for i, key in enumerate(zip(expand(areas, a_codes), expand(periods, p_codes),
                                strict=True)):
        lookup.setdefault(key, i)
    where = np.fromiter((lookup.get(k, -1) for k in zip(organisation, period, strict=True)),
                        dtype=np.int64, count=len(organisation))
    found = where >= 0
    if not found.all():
        missing = int((~found).sum())
        i = int(np.flatnonzero(~found)[0])
        warn_skipped(f"{table.file}: {counted(missing, 'offence count')} "
                     f"{'has' if missing == 1 else 'have'} no population in "
                     f"{p3.file}, so no rate (first: {organisation[i]}, {period[i]}); their "
                     "counts are loaded")
    rows = np.flatnonzero(found)
    w = where[rows]
    pop_r = pop[w]
    is_total = np.array([measure[i] == total_id for i in rows.tolist()], dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = np.where(pop_r > 0, count[rows] / pop_r * 1000.0, np.nan)
    value = np.where(is_total & ~np.isnan(rate[w]), rate[w], computed)
    src = (sources if isinstance(sources, str)
           else [sources[i] for i in rows.tolist()])
    return Dataset.from_columns(
        measure=[f"{measure[i]}_rate" for i in rows.tolist()],
        organisation=[organisation[i] for i in rows.tolist()],
        period=[period[i] for i in rows.tolist()], value=value, numerator=count[rows],
        population=pop_r, source=src, registry=False)
