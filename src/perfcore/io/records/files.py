"""Record-level files for loaders: one row per case (a disclosure application, an absence
spell), read and validated whole, for a loader to count into observations.

Plugins that compute figures from case records register a loader
(``perfcore_register_loaders``) that reads its file with :func:`read_records`, counts the
cases of each organisation × period with numpy (``np.bincount`` over
:meth:`Records.cells`) and returns a :class:`~perfcore.dataset.Dataset`. This module gives
those loaders what the built-in loaders share: the header checked, every bad cell (a date
that is not a date, an unknown force) listed in one
:class:`~perfcore.errors.DataValidationError` with its spreadsheet row, and rows a loader
decides to leave out reported in a :class:`~perfcore.errors.SkippedRowsWarning` with their
count and rows, so that no row is dropped silently.

Dates are read as ISO dates (``2023-01-31``, a time after it is ignored) or as UK dates
(``31/01/2023``); a blank cell is "not happened" (``NaT``).
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.errors import OptionError, SkippedRowsWarning
from perfcore.i18n import counted, plural
from perfcore.io._table import (
    RegistryOption,
    Table,
    factorize_text,
    parse_numbers,
    read_table,
    resolve_organisations,
    rows_of,
)
from perfcore.periods import CalendarYear, FinancialQuarter, FinancialYear, Month, Period

__all__ = ["PERIODS", "Records", "read_records"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DateArray = npt.NDArray[np.datetime64]

#: What a record's date can be counted into.
PERIODS = ("financial_year", "quarter", "month", "calendar_year")
PeriodKind = Literal["financial_year", "quarter", "month", "calendar_year"]

_EPOCH_MONTH = 1970 * 12  # numpy's datetime64[M] counts months from January 1970


@attrs.frozen(kw_only=True, eq=False)
class Records:
    """The rows of a record file, parsed. Row ``i`` is spreadsheet row ``rows[i]``.

    ``organisation_code[i]`` indexes ``organisations`` (ONS codes, or names as written
    when read with ``registry=False``); ``dates``, ``numbers`` and ``text`` hold the
    other columns read, by column name (absent optional columns are not there).
    """

    file: str
    rows: IntArray
    organisations: tuple[str, ...]
    organisation_code: IntArray
    dates: Mapping[str, DateArray]
    numbers: Mapping[str, FloatArray]
    text: Mapping[str, tuple[str, ...]]

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    def periods(self, column: str, *, period: PeriodKind = "financial_year",
                ) -> tuple[tuple[Period, ...], IntArray]:
        """The period each row's date in ``column`` falls in: the distinct periods
        (sorted) and each row's index into them, -1 where the date is blank."""
        if period not in PERIODS:
            raise OptionError.for_choice("period", period, PERIODS)
        dates = self.dates[column]
        ok = ~np.isnat(dates)
        month = np.full(dates.shape, -1, dtype=np.int64)
        month[ok] = dates[ok].astype("datetime64[M]").astype(np.int64) + _EPOCH_MONTH
        distinct, inverse = np.unique(month[ok], return_inverse=True)
        per_month = [_period_of(Month.from_index(int(i)), period) for i in distinct.tolist()]
        cats = tuple(sorted(set(per_month)))
        lookup = np.array([cats.index(p) for p in per_month], dtype=np.int64)
        codes = np.full(dates.shape, -1, dtype=np.int64)
        codes[ok] = lookup[np.ravel(inverse)] if distinct.size else 0
        return cats, codes

    def cells(self, period_code: IntArray, n_periods: int) -> IntArray:
        """Each row's organisation × period cell (``organisation * n_periods + period``),
        -1 where the period is -1: the key to ``np.bincount`` counts by."""
        return np.where(period_code >= 0, self.organisation_code * n_periods + period_code,
                        -1)

    def skip(self, mask: npt.ArrayLike, reason: str) -> None:
        """Report the rows where ``mask`` is true as left out, and why, in one
        :class:`~perfcore.errors.SkippedRowsWarning` (nothing when none are)."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not idx.size:
            return
        shown = ", ".join(str(r) for r in self.rows[idx[:10]].tolist())
        more = f" and {idx.size - 10} more" if idx.size > 10 else ""
        warnings.warn(f"{self.file}: {counted(idx.size, 'row')} left out: {reason} "
                      f"({plural(idx.size, 'row')} {shown}{more})", SkippedRowsWarning,
                      stacklevel=2)


def _period_of(month: Month, period: PeriodKind) -> Period:
    if period == "financial_year":
        return FinancialYear.containing(month)
    if period == "quarter":
        return FinancialQuarter.containing(month)
    if period == "calendar_year":
        return CalendarYear(month.year)
    return month


def read_records(path: str | Path, *, dates: Collection[str] = (),
                 numbers: Collection[str] = (), text: Collection[str] = (),
                 optional: Collection[str] = (), organisation: str = "organisation",
                 registry: RegistryOption = None, ignore_columns: Collection[str] = (),
                 columns: Mapping[str, str] | None = None, layout: str = "records",
                 encoding: str = "utf-8-sig") -> Records:
    """Read a record-level CSV file.

    Parameters
    ----------
    path
        The file.
    dates, numbers, text
        The columns to read as dates, numbers and text (normalised header names: a header
        ``Request date`` is ``request_date``). Each is required unless also in
        ``optional``.
    organisation
        The column naming the force (or other organisation) of each record; resolved to
        ONS codes through ``registry`` (the shipped one by default; ``False`` keeps names
        as written), also without a trailing "Police" or "Constabulary".
    ignore_columns, columns
        Extra columns to accept unread; renames (header as written → column).
    layout
        What the file is, for messages (``"DVDS cases"``).

    Raises
    ------
    DataValidationError
        Listing every problem: a missing or unknown column, a date or number that cannot
        be read, a blank or unknown organisation; each with its row and column.
    """
    wanted = {organisation, *dates, *numbers, *text}
    required = wanted - set(optional)
    table = read_table(path, required=required, optional=wanted & set(optional),
                       ignore=ignore_columns, rename=columns, encoding=encoding,
                       layout=layout, context={"organisation": organisation})
    # Records systems often write the force as "Gwent Police".
    orgs, o_raw = resolve_organisations(table, organisation, registry,
                                        strip_force_suffix=True)
    parsed_dates = {c: _dates(table, c) for c in dates if c in table}
    parsed_numbers = {c: parse_numbers(table, c)[0] for c in numbers if c in table}
    table.problems.raise_if_any()
    # Several spellings may resolve to one code: one category each.
    cats = tuple(sorted({o for o in orgs if o is not None}))
    remap = np.array([cats.index(o) if o is not None else -1 for o in orgs], dtype=np.int64)
    return Records(file=Path(path).name, rows=table.row_numbers, organisations=cats,
                   organisation_code=remap[o_raw], dates=parsed_dates,
                   numbers=parsed_numbers,
                   text={c: tuple(x.strip() for x in table[c]) for c in text if c in table})


def _dates(table: Table, column: str) -> DateArray:
    """``column`` as datetime64[D], each distinct cell parsed once; bad cells are
    problems with their rows."""
    distinct, codes = factorize_text(table[column])
    out = np.empty(len(distinct), dtype="datetime64[D]")
    for k, cell in enumerate(distinct):
        day = _parse_date(cell)
        if day is None:
            table.problems.at(f"{cell!r} is not a date (write 2023-01-31 or 31/01/2023; "
                              "leave blank for not yet happened)", rows_of(codes, k),
                              column=table.name(column))
            out[k] = np.datetime64("NaT")
        else:
            out[k] = day
    return out[codes] if len(distinct) else np.empty(0, dtype="datetime64[D]")


def _parse_date(cell: str) -> np.datetime64 | None:
    if not cell:
        return np.datetime64("NaT")
    try:
        return np.datetime64(_dt.date.fromisoformat(cell[:10]), "D")
    except ValueError:
        pass
    try:
        return np.datetime64(_dt.datetime.strptime(cell, "%d/%m/%Y").date(), "D")
    except ValueError:
        return None
