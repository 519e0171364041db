"""pandas interop (the optional ``pandas`` extra: ``pip install 'perfcore[pandas]'``).

:func:`from_dataframe` reads a long-format DataFrame, one observation per row, with the
columns of the ``csv`` loader's format (``measure``, ``organisation``, ``period`` and any
of ``value``, ``numerator``, ``denominator``, ``sample_size``, ``population``, ``source``),
checked the same way: every problem is listed in one
:class:`~perfcore.errors.DataValidationError`, located by the row's position (``iloc``,
0-based) and column. :func:`to_dataframe` and :func:`published_to_dataframe` go the other
way, so ``from_dataframe(to_dataframe(ds), published=published_to_dataframe(ds)) == ds``.

pandas is imported only when these functions are called.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from perfcore.dataset import FIELDS, Dataset, PublishedFigure, factorize
from perfcore.errors import MissingDependencyError
from perfcore.io._table import (
    FloatArray,
    IntArray,
    RegistryOption,
    Table,
    normalise_header,
)
from perfcore.io.long_csv import KEY_COLUMNS, dataset_from_table
from perfcore.io.published import PUBLISHED_COLUMNS, PUBLISHED_CONTEXT, published_from_table
from perfcore.periods import Kind, Month, Period

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["from_dataframe", "published_to_dataframe", "to_dataframe"]

_LABEL = "DataFrame"


def _pandas() -> ModuleType:
    return MissingDependencyError.require("pandas", extra="pandas",
                                          purpose="reading or writing DataFrames")


def _cells(series: Any) -> tuple[str, ...]:
    """A column as text cells, blanks for NaN/None (what a CSV file would hold)."""
    values = series.tolist()
    return tuple("" if v is None or (isinstance(v, float) and v != v) else str(v)
                 for v in values)


def _table(df: pd.DataFrame, *, required: tuple[str, ...], optional: Collection[str],
           rename: Mapping[str, str] | None, ignore: Collection[str], label: str,
           context: Mapping[str, str], numeric: Collection[str] = ()
           ) -> tuple[Table, dict[str, Any]]:
    """A :class:`Table` of the frame's text columns (numeric ones are returned apart, as
    series, to skip a round trip through text), after the same header checks as a file."""
    from perfcore.io._table import Problems
    renames = {str(k): v for k, v in (rename or {}).items()}
    problems = Problems(label)
    problems.what = f"the {label}"
    names: dict[str, str] = {}
    by_field: dict[str, Any] = {}
    allowed = set(required) | set(optional)
    ignored = {normalise_header(c) for c in ignore}
    unknown: list[str] = []
    for col in df.columns:
        written = str(col)
        field = renames.get(written, normalise_header(written))
        if field in ignored or normalise_header(written) in ignored:
            continue
        if field not in allowed:
            unknown.append(written)
            continue
        if field in by_field:
            problems.add(f"columns {names[field]!r} and {written!r} both give {field}",
                         column=written)
            continue
        names[field] = written
        by_field[field] = df[col]
    missing = [c for c in required if c not in by_field]
    if missing:
        problems.add(f"missing required column{'s' if len(missing) > 1 else ''} "
                     f"{', '.join(missing)}; the frame has: "
                     f"{', '.join(repr(str(c)) for c in df.columns)}")
    if unknown:
        problems.add(f"unknown column{'s' if len(unknown) > 1 else ''} "
                     f"{', '.join(repr(u) for u in unknown)}; known columns are "
                     f"{', '.join(sorted(allowed))} (pass ignore_columns=[...] to accept "
                     "extra columns, or columns={'name': 'field'} to rename one)")
    problems.raise_if_any()
    pd = _pandas()
    raw: dict[str, Any] = {}
    text: dict[str, tuple[str, ...]] = {}
    for field, series in by_field.items():
        if field in numeric and (pd.api.types.is_numeric_dtype(series.dtype)
                                 and not pd.api.types.is_bool_dtype(series.dtype)):
            raw[field] = series
        elif field == "period" and (pd.api.types.is_datetime64_any_dtype(series.dtype)
                                    or isinstance(series.dtype, pd.PeriodDtype)):
            raw[field] = series
            text[field] = _cells(series.astype(str))
        else:
            text[field] = _cells(series)
    table = Table(label, text, names, np.arange(len(df), dtype=np.int64), context)
    table.problems.what = f"the {label} (rows are iloc positions, from 0)"
    return table, raw


def _numbers(table: Table, raw: Mapping[str, Any]) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    for field, series in raw.items():
        if field not in FIELDS:
            continue
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        for i in np.flatnonzero(np.isinf(values)).tolist():
            table.problems.at(f"{values[i]!r} is not a finite number", i,
                              column=table.name(field))
        out[field] = values
    return out


def _marks(table: Table) -> npt.NDArray[np.bool_] | None:
    """The ``percent`` column that :func:`to_dataframe` writes (true: the value was
    written as a percentage), if the frame has one."""
    if "percent" not in table:
        return None
    cells = table["percent"]
    marks = np.array([c.strip().lower() in ("true", "1", "yes") for c in cells], dtype=bool)
    for i, c in enumerate(cells):
        if c.strip().lower() not in ("true", "1", "yes", "false", "0", "no", ""):
            table.problems.at(f"{c!r} is not true or false", i, column=table.name("percent"))
    return marks


def _periods(table: Table, series: Any) -> tuple[list[Period | None], IntArray]:
    """Datetime cells are the month they fall in; pandas monthly periods likewise."""
    pd = _pandas()
    if isinstance(series.dtype, pd.PeriodDtype):
        series = series.dt.to_timestamp()
    years = series.dt.year.to_numpy(dtype=np.float64, na_value=np.nan)
    months = series.dt.month.to_numpy(dtype=np.float64, na_value=np.nan)
    blank = np.isnan(years)
    for i in np.flatnonzero(blank).tolist():
        table.problems.at("the period is blank", i, column=table.name("period"))
    index = np.where(blank, -1, years * 12 + months - 1).astype(np.int64)
    distinct, codes = factorize(index.tolist())
    return [Month.from_index(k) if k >= 0 else None for k in distinct], codes


def from_dataframe(df: pd.DataFrame, *, columns: Mapping[str, str] | None = None,
                   published: pd.DataFrame | Iterable[PublishedFigure] | None = None,
                   ignore_columns: Collection[str] = (), registry: RegistryOption = None,
                   prefer: Kind | None = None, source: str = "",
                   percent: Collection[str] = ()) -> Dataset:
    """A :class:`~perfcore.dataset.Dataset` from a long-format DataFrame.

    Parameters
    ----------
    df
        One observation per row (see the module docs for the columns; the index is not
        read). Numeric columns may hold floats, integers or text (``"48,618"``,
        ``"15.9%"``, read as by the ``csv`` loader); a datetime or monthly-period
        ``period`` column gives calendar months.
    columns
        Renames: frame column → field, e.g. ``{"force": "organisation"}``.
    published
        Published comparator figures: a frame with the ``published`` loader's columns
        (``measure``, ``group``, ``period``, ``figure``, ``value``, ``source``) or
        :class:`~perfcore.dataset.PublishedFigure` records.
    ignore_columns, registry, prefer
        As for the ``csv`` loader.
    source
        The source of rows with no ``source`` (default: blank).
    percent
        Measure ids whose values are in per cent (``15.9`` is 0.159), as for the ``csv``
        loader.
    """
    _pandas()
    table, raw = _table(df, required=KEY_COLUMNS, optional=(*FIELDS, "source", "percent"),
                        rename=columns, ignore=ignore_columns, label=_LABEL,
                        context={"measure": "measure", "organisation": "organisation",
                                 "period": "period"}, numeric=FIELDS)
    numbers = _numbers(table, raw)
    periods = _periods(table, raw["period"]) if "period" in raw else None
    figures = _published(published, registry=registry, prefer=prefer)
    ds = dataset_from_table(table, registry=registry, prefer=prefer, source=source,
                            numbers=numbers, periods=periods, percent=percent,
                            marked=_marks(table))
    return ds if not figures else Dataset.concat(
        [ds, Dataset.from_columns(measure=[], organisation=[], period=[],
                                  published=figures, registry=False)])


def _published(published: pd.DataFrame | Iterable[PublishedFigure] | None, *,
               registry: RegistryOption, prefer: str | None) -> list[PublishedFigure]:
    if published is None:
        return []
    pd = _pandas()
    if isinstance(published, pd.DataFrame):
        table, _ = _table(published, required=PUBLISHED_COLUMNS, optional=("source",),
                          rename=None, ignore=(), label=f"published {_LABEL}",
                          context=PUBLISHED_CONTEXT)
        return published_from_table(table, registry=registry, prefer=prefer, source="")
    items: list[object] = list(cast(Iterable[object], published))
    figures = [f for f in items if isinstance(f, PublishedFigure)]
    if len(figures) != len(items):
        from perfcore.errors import DataError
        odd = next(f for f in items if not isinstance(f, PublishedFigure))
        raise DataError(reason=f"published= holds a {type(odd).__name__}; give "
                        "PublishedFigure records or a DataFrame of published figures")
    return figures


def to_dataframe(dataset: Dataset) -> pd.DataFrame:
    """The dataset's observations as a long-format DataFrame: ``measure``,
    ``organisation`` (ONS code), ``period`` (canonical spelling, an ordered categorical in
    time order), the five numeric fields (NaN where absent) and ``source``. Published
    figures are in :func:`published_to_dataframe`."""
    pdm = _pandas()

    def categorical(codes: Any, categories: Iterable[Any], ordered: bool = False) -> Any:
        return pdm.Categorical.from_codes(codes, categories=[str(c) for c in categories],
                                         ordered=ordered)

    data: dict[str, Any] = {
        "measure": categorical(dataset.measure_code, dataset.measures),
        "organisation": categorical(dataset.organisation_code, dataset.organisations),
        # dataset.periods is sorted in time order, so the categorical sorts by time.
        "period": categorical(dataset.period_code, dataset.periods, ordered=True),
    }
    for f in FIELDS:
        data[f] = np.asarray(getattr(dataset, f), dtype=np.float64)
    data["source"] = categorical(dataset.source_code, dict.fromkeys(dataset.sources))
    if dataset.percent is not None:
        data["percent"] = np.asarray(dataset.percent, dtype=bool)
    frame: pd.DataFrame = pdm.DataFrame(data)
    return frame


def published_to_dataframe(dataset: Dataset) -> pd.DataFrame:
    """The dataset's published figures, one row each, in the ``published`` loader's
    columns (``measure``, ``group``, ``period``, ``figure``, ``value``, ``source``)."""
    pdm = _pandas()
    rows = [(f.measure, f.group, str(f.period), f.figure, f.value, f.source)
            for f in dataset.published]
    frame: pd.DataFrame = pdm.DataFrame(rows, columns=[*PUBLISHED_COLUMNS, "source"])
    return frame.astype({"value": np.float64})
