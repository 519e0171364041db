"""The ``csv`` loader: perfcore's documented long format, one observation per row.

Columns (header names are matched ignoring case, spaces and punctuation, so
``Sample size`` is ``sample_size``):

=============  ========  ================================================================
column         required  meaning
=============  ========  ================================================================
measure        yes       the plan's measure id (``all_crime``, ``victims.x``)
organisation   yes       force name or ONS code (``Gwent``, ``W15000002``)
period         yes       any period spelling perfcore reads (``2019-20``, ``Q3 2021-22``)
value          \\*        the figure: a count, a rate, a mean; a proportion as a fraction
                         (``0.159``) or with a percent sign (``15.9%``), or in per cent
                         (``15.9``) for the measures named in the ``percent`` option
numerator      \\*        the count over a denominator or population
denominator    \\*        what a proportion is out of
sample_size    \\*        survey respondents behind a ``value``
population     \\*        the population a rate is per
source         no        where the figure comes from (default: the file name)
=============  ========  ================================================================

\\* at least one of these. Blank cells (and ``NA``, ``N/A``, ``..``, ``[x]``) are "no
figure". Unknown columns are an error (a misspelt ``numerater`` would otherwise vanish);
name the ones to accept with ``ignore_columns``. Every cell breaking a rule of its field
(:data:`perfcore.dataset.FIELD_RULES`: a negative numerator, a numerator above its
denominator, a sample size of 0 ...) or a percentage outside 0% to 100% is listed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal, cast

import numpy as np

from perfcore._arrow import has_pyarrow
from perfcore.dataset import FIELDS, Dataset
from perfcore.errors import OptionError
from perfcore.io._table import (
    BoolArray,
    FloatArray,
    IntArray,
    RegistryOption,
    Table,
    check_fields,
    check_measure_ids,
    dataset_errors_by_row,
    parse_numbers,
    parse_periods,
    read_table,
    resolve_organisations,
    source_codes,
)
from perfcore.periods import Kind, Period

__all__ = ["KEY_COLUMNS", "dataset_from_table", "load_long_csv"]

KEY_COLUMNS = ("measure", "organisation", "period")


#: The smallest file the pyarrow fast path reads: below it perfcore's own parser is
#: faster than importing pyarrow (about 0.4 s; the Gwent plan's 1 kB file parses in 18 ms,
#: and the parser reads about 14 MB a second), so a small plan's report does not pay for
#: an import that only large files repay.
FAST_PATH_MIN_BYTES = 8 * 1024 * 1024


def _size(path: str | Path) -> int:
    try:
        return Path(path).stat().st_size
    except (OSError, ValueError):  # the parser says what is wrong with the path
        return 0


def load_long_csv(path: str | Path, *, columns: Mapping[str, str] | None = None,
                  ignore_columns: Collection[str] = (), registry: RegistryOption = None,
                  prefer: Kind | None = None, source: str | None = None,
                  encoding: str = "utf-8-sig", percent: Collection[str] = (),
                  engine: Literal["auto", "python"] = "auto") -> Dataset:
    """Read a long-format CSV file into a :class:`~perfcore.dataset.Dataset`.

    Parameters
    ----------
    path
        The file.
    columns
        Renames: header as written → column, e.g. ``{"Force": "organisation"}``.
    ignore_columns
        Extra columns to accept and leave unread (e.g. ``["notes"]``).
    registry
        Resolves organisation names to ONS codes (the shipped registry by default);
        ``False`` keeps them as written (basic command units, partner agencies).
    prefer
        ``"financial_year"`` or ``"month"``: how to read ``2011-12``-style periods.
    source
        The source of rows with a blank ``source`` cell (default: the file name).
    encoding
        Text encoding (default UTF-8, with or without a byte-order mark).
    percent
        Measure ids whose ``value`` cells are in per cent: ``15.9`` (like ``15.9%``) is
        the fraction 0.159, and must be from 0 to 100. Other measures' values are read as
        written: a proportion as a fraction, or with a ``%`` sign.
    engine
        ``"auto"`` (default): with pyarrow installed (the ``arrow`` extra), a fast path
        (:func:`perfcore.io.arrow.read_long_csv_fast`) reads a file of
        :data:`FAST_PATH_MIN_BYTES` or more, handing anything it does not handle itself
        to perfcore's own parser, which gives the same dataset and the same errors;
        ``"python"``: perfcore's own parser only. Values declared in per cent
        (``percent``) are read by perfcore's own parser.

    Raises
    ------
    DataValidationError
        Listing every bad cell (numbers, periods, organisations, measure ids, a field
        breaking the Dataset's rules, a percentage outside 0% to 100%) with its row and
        column, after reading the whole file.
    DuplicateObservationError
        Two rows with the same measure × organisation × period (both rows named).
    """
    if engine not in ("auto", "python"):
        raise OptionError.for_choice("engine", engine, ("auto", "python"))
    declared = percent_option(percent)
    if (engine == "auto" and not declared and _size(path) >= FAST_PATH_MIN_BYTES
            and has_pyarrow()):
        from perfcore.io.arrow import read_long_csv_fast
        fast = read_long_csv_fast(path, columns=columns, ignore_columns=ignore_columns,
                                  registry=registry, prefer=prefer, source=source,
                                  encoding=encoding)
        if fast is not None:
            return fast
    table = read_table(path, required=KEY_COLUMNS, optional=(*FIELDS, "source"),
                       ignore=ignore_columns, rename=columns, encoding=encoding,
                       layout="long CSV", context={"measure": "measure",
                                                   "organisation": "organisation",
                                                   "period": "period"})
    return dataset_from_table(table, registry=registry, prefer=prefer,
                              source=source or Path(path).name, percent=declared)


def percent_option(percent: Collection[str]) -> frozenset[str]:
    """The ``percent`` option checked: measure ids (a list, not one string)."""
    if isinstance(percent, str) or not isinstance(percent, Collection) or not all(
            isinstance(m, str) for m in percent):
        raise OptionError(option="percent", value=percent,
                          allowed="a list of measure ids, e.g. percent = [\"outcome_rate\"]")
    return frozenset(percent)


def dataset_from_table(table: Table, *, registry: RegistryOption, prefer: str | None,
                       source: str, numbers: Mapping[str, FloatArray] | None = None,
                       periods: tuple[list[Period | None], IntArray] | None = None,
                       percent: Collection[str] = (), marked: BoolArray | None = None,
                       ) -> Dataset:
    """The dataset in a long-format table (a CSV file's, or a DataFrame's), validated whole;
    ``numbers`` and ``periods`` give columns already parsed (a DataFrame's floats and
    datetimes); ``percent`` names the measures whose values are in per cent, and
    ``marked`` the rows whose values were written as percentages already (a DataFrame's
    ``percent`` column)."""
    declared = percent_option(percent)
    given = dict(numbers or {})
    present = [f for f in FIELDS if f in table or f in given]
    if not present:
        table.problems.add(f"no figure columns: give at least one of {', '.join(FIELDS)}",
                           rows=(1,))
        table.problems.raise_if_any()
    measures, m_codes = check_measure_ids(table, "measure")
    orgs, o_codes = resolve_organisations(table, "organisation", registry)
    parsed, p_codes = periods or parse_periods(table, "period", prefer=prefer)
    values: dict[str, FloatArray] = {}
    marks: BoolArray | None = None
    for f in present:
        if f in given:
            values[f] = given[f]
            continue
        values[f], pct = parse_numbers(table, f, percent="fraction" if f == "value" else "error")
        if f == "value":
            marks = pct
    if marked is not None:
        marks = marked if marks is None else marks | marked
    if "value" in values:
        values["value"], marks = _per_cent(table, values["value"], marks, declared,
                                           [m in declared for m in measures], m_codes)
    check_fields(table, values)
    table.problems.raise_if_any()
    sources, s_codes = source_codes(table, "source", source)
    with dataset_errors_by_row(table):
        return Dataset.from_codes(
            measures=measures, measure_code=m_codes,
            # Every key is valid here (problems were raised above): no None remains.
            organisations=[o or "" for o in orgs], organisation_code=o_codes,
            periods=cast(list[Period], parsed), period_code=p_codes,
            sources=sources, source_code=s_codes, percent=marks, **values)


def _per_cent(table: Table, value: FloatArray, marks: BoolArray | None,
              declared: frozenset[str], is_declared: list[bool], m_codes: IntArray
              ) -> tuple[FloatArray, BoolArray | None]:
    """The ``value`` column with the values of measures declared in per cent made
    fractions, and every value written as a percentage marked. A percentage outside 0% to
    100% is a problem: it is no proportion."""
    pct = np.zeros(value.shape, dtype=bool) if marks is None else marks
    in_pct = (np.asarray(is_declared, dtype=bool)[m_codes] if declared and len(m_codes)
              else np.zeros(value.shape, dtype=bool))
    plain = in_pct & ~pct  # a "15.9%" cell is a fraction already
    value = np.where(plain, value / 100.0, value)
    pct = pct | (in_pct & ~np.isnan(value))
    with np.errstate(invalid="ignore"):
        bad = pct & ((value < 0) | (value > 1))
    column = table.name("value")
    for i in np.flatnonzero(bad).tolist():
        cell = table["value"][i].strip() if "value" in table else f"{value[i] * 100:g}"
        declared_here = " (its measure's values are declared in per cent)" if plain[i] else ""
        table.problems.at(f"{cell!r} is not a percentage from 0% to 100%{declared_here}: a "
                          "percentage is a proportion's value", i, column=column)
    return value, (pct if pct.any() else None)
