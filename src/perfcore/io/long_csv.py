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
                         (``0.159``) or with a percent sign (``15.9%``)
numerator      \\*        the count over a denominator or population
denominator    \\*        what a proportion is out of
sample_size    \\*        survey respondents behind a ``value``
population     \\*        the population a rate is per
source         no        where the figure comes from (default: the file name)
=============  ========  ================================================================

\\* at least one of these. Blank cells (and ``NA``, ``N/A``, ``..``, ``[x]``) are "no
figure". Unknown columns are an error (a misspelt ``numerater`` would otherwise vanish);
name the ones to accept with ``ignore_columns``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal, cast

from perfcore._arrow import has_pyarrow
from perfcore.dataset import FIELDS, Dataset
from perfcore.io._table import (
    FloatArray,
    IntArray,
    RegistryOption,
    Table,
    check_measure_ids,
    duplicates_by_row,
    parse_numbers,
    parse_periods,
    read_table,
    resolve_organisations,
    source_codes,
)
from perfcore.periods import Period

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
                  prefer: str | None = None, source: str | None = None,
                  encoding: str = "utf-8-sig",
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
    engine
        ``"auto"`` (default): with pyarrow installed (the ``arrow`` extra), a fast path
        (:func:`perfcore.io.arrow.read_long_csv_fast`) reads a file of
        :data:`FAST_PATH_MIN_BYTES` or more, handing anything it does not handle itself
        to perfcore's own parser, which gives the same dataset and the same errors;
        ``"python"``: perfcore's own parser only.

    Raises
    ------
    DataValidationError
        Listing every bad cell (numbers, periods, organisations, measure ids) with its
        row and column, after reading the whole file.
    DuplicateObservationError
        Two rows with the same measure × organisation × period (both rows named).
    """
    if engine not in ("auto", "python"):
        from perfcore.errors import OptionError
        raise OptionError.for_choice("engine", engine, ("auto", "python"))
    if engine == "auto" and _size(path) >= FAST_PATH_MIN_BYTES and has_pyarrow():
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
                              source=source or Path(path).name)


def dataset_from_table(table: Table, *, registry: RegistryOption, prefer: str | None,
                       source: str, numbers: Mapping[str, FloatArray] | None = None,
                       periods: tuple[list[Period | None], IntArray] | None = None,
                       ) -> Dataset:
    """The dataset in a long-format table (a CSV file's, or a DataFrame's), validated whole;
    ``numbers`` and ``periods`` give columns already parsed (a DataFrame's floats and
    datetimes)."""
    given = dict(numbers or {})
    present = [f for f in FIELDS if f in table or f in given]
    if not present:
        table.problems.add(f"no figure columns: give at least one of {', '.join(FIELDS)}",
                           rows=(1,))
        table.problems.raise_if_any()
    measures, m_codes = check_measure_ids(table, "measure")
    orgs, o_codes = resolve_organisations(table, "organisation", registry)
    parsed, p_codes = periods or parse_periods(table, "period", prefer=prefer)
    values = {f: given[f] if f in given else
              parse_numbers(table, f, percent="fraction" if f == "value" else "error")[0]
              for f in present}
    table.problems.raise_if_any()
    sources, s_codes = source_codes(table, "source", source)
    with duplicates_by_row(table):
        return Dataset.from_codes(
            measures=measures, measure_code=m_codes,
            # Every key is valid here (problems were raised above): no None remains.
            organisations=[o or "" for o in orgs], organisation_code=o_codes,
            periods=cast(list[Period], parsed), period_code=p_codes,
            sources=sources, source_code=s_codes, **values)
