"""Columnar input (the optional ``arrow`` extra: ``pip install 'perfcore[arrow]'``).

* The ``parquet`` loader (:func:`load_parquet`): a Parquet file in perfcore's long format
  (the columns of the ``csv`` loader), read batch by batch and checked the same way.
* :func:`write_parquet`: a dataset to such a file (what ``perfcore aggregate`` writes).
* The ``csv`` loader's fast path (:func:`read_long_csv_fast`): pyarrow reads the file,
  key columns dictionary-encoded and numbers as float64, so that no Python object is made
  per row. It gives the dataset the ``csv`` loader's own parser gives, and hands the file
  back to that parser (returns ``None``) whenever it meets anything it does not handle
  itself: a percent sign, a thousands separator or a missing-value marker other than
  those below, text that is not UTF-8, a ragged row, a header problem, and any bad cell,
  so that errors are always the ``csv`` loader's, with its spreadsheet rows.

Keys are checked once per distinct value with the ``csv`` loader's own checks
(:mod:`perfcore.io._table`). For Parquet input a bad value is reported at the first row
holding it (rows are positions in the file, from 0).

In-memory Arrow data (pyarrow tables, Polars, DuckDB) is read with
:meth:`perfcore.dataset.Dataset.from_arrow`.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from perfcore._arrow import Codes, KeyEncoder, LongColumns, dataset_columns, pyarrow, read_long
from perfcore.dataset import FIELDS, Dataset
from perfcore.errors import (
    DataFileError,
    DuplicateObservationError,
    InvalidValueError,
    OutputError,
)
from perfcore.io._table import (
    MISSING,
    FloatArray,
    IntArray,
    Problems,
    RegistryOption,
    Table,
    _Header,
    check_measure_ids,
    normalise_header,
    parse_numbers,
    parse_periods,
    resolve_organisations,
    source_codes,
)
from perfcore.periods import Kind, Period

__all__ = ["load_parquet", "read_long_csv_fast", "write_parquet"]

KEYS = ("measure", "organisation", "period")
CONTEXT = {"measure": "measure", "organisation": "organisation", "period": "period"}
#: Missing-value markers the fast path reads itself (as pyarrow null values): the
#: spellings of :data:`perfcore.io._table.MISSING` in lower, upper and title case.
NULL_VALUES = sorted({s for m in MISSING for s in (m, m.upper(), m.title())})


class _Unhandled(Exception):
    """The fast path met something it leaves to the ``csv`` loader's parser."""


# --- the csv loader's fast path ---------------------------------------------------------


def read_long_csv_fast(path: str | Path, *, columns: Mapping[str, str] | None = None,
                       ignore_columns: Collection[str] = (), registry: RegistryOption = None,
                       prefer: str | None = None, source: str | None = None,
                       encoding: str = "utf-8-sig") -> Dataset | None:
    """The long-format CSV file read with pyarrow, or ``None`` where the ``csv`` loader's
    own parser must read it (see the module docs); the options are the ``csv``
    loader's."""
    try:
        positions, width = _csv_header(path, encoding, columns, ignore_columns)
        long = _read_csv_columns(path, positions, width)
        return _dataset(long, {}, file=str(path), registry=registry, prefer=prefer,
                        source=source or Path(path).name, strict=False)
    except _Unhandled:
        return None


def _csv_header(path: str | Path, encoding: str, rename: Mapping[str, str] | None,
                ignore: Collection[str]) -> tuple[dict[str, int], int]:
    """The position of each column to read, and the number of columns, from a header
    the fast path can take (one physical line, UTF-8, passing the ``csv`` loader's
    header checks)."""
    try:
        if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
            raise _Unhandled
        with Path(path).open(newline="", encoding=encoding) as f:
            reader = csv.reader(f)
            first = next(reader, None)
            if first is None or reader.line_num != 1:
                raise _Unhandled
    except (OSError, UnicodeError, LookupError, ValueError, csv.Error):
        raise _Unhandled from None  # perfcore's own parser says what is wrong
    problems = Problems(str(path))
    header = _Header(first, rename, problems)
    header.check(required=KEYS, allowed={*KEYS, *FIELDS, "source"},
                 ignored={normalise_header(c) for c in ignore}, extra="error", what="")
    if problems or header.unnamed:
        raise _Unhandled
    wanted = {*KEYS, *FIELDS, "source"}
    return {k: p for k, p in header.positions.items() if k in wanted}, len(first)


def _read_csv_columns(path: str | Path, positions: Mapping[str, int], width: int
                      ) -> LongColumns:
    pa = pyarrow()
    import pyarrow.csv as pacsv
    names = [f"c{i}" for i in range(width)]
    text = pa.dictionary(pa.int32(), pa.string())
    kinds = {names[p]: (pa.float64() if k in FIELDS else text) for k, p in positions.items()}
    try:
        table = pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(skip_rows=1, column_names=names,
                                                 block_size=4 << 20),
            # A value can only hold a line break inside quotes; with no quote after the
            # header, pyarrow may split the file at any line (much faster).
            parse_options=pacsv.ParseOptions(newlines_in_values=_quoted(path)),
            convert_options=pacsv.ConvertOptions(
                column_types=kinds, include_columns=list(kinds), null_values=NULL_VALUES,
                strings_can_be_null=False),
            # The C library's allocator, not Arrow's default (jemalloc): measured on a
            # 10M-row file, 1.6 s against 2.1-2.6 s, and half the system time (jemalloc's
            # fresh arenas fault in far more pages when another process has just freed
            # its memory).
            memory_pool=pa.system_memory_pool())
    except (pa.ArrowException, OSError):
        raise _Unhandled from None
    if table.num_rows == 0:
        raise _Unhandled
    by_name = {k: names[p] for k, p in positions.items()}
    long, _ = read_long(table, keys=(*KEYS, "source"), numeric=FIELDS,
                        rename={v: k for k, v in by_name.items()})
    return long


def _quoted(path: str | Path) -> bool:
    """Whether the file has a double quote after its first line (searched in place,
    mapped rather than copied into blocks: a third of the time on a large file)."""
    import mmap
    with Path(path).open("rb") as f:
        first = len(f.readline())
        try:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return mapped.find(b'"', first) >= 0
        except (OSError, ValueError):  # not mappable (a pipe, an empty file): read it
            block = bytearray(16 << 20)
            while n := f.readinto(block):
                if block.find(b'"', 0, n) >= 0:
                    return True
            return False


# --- Parquet ----------------------------------------------------------------------------


def load_parquet(path: str | Path, *, columns: Mapping[str, str] | None = None,
                 ignore_columns: Collection[str] = (), registry: RegistryOption = None,
                 prefer: Kind | None = None, source: str | None = None) -> Dataset:
    """Read a Parquet file in perfcore's long format (the ``csv`` loader's columns) into a
    :class:`~perfcore.dataset.Dataset`, batch by batch.

    Key columns may be text or dictionary-encoded; a date or timestamp ``period`` is the
    calendar month it falls in. Numeric columns may be numbers (null: no figure) or text
    (read as the ``csv`` loader reads a cell: ``48,618``, ``15.9%`` in ``value``, ``[x]``).
    Options as for the ``csv`` loader. Problems are listed together in one
    :class:`~perfcore.errors.DataValidationError`, each at the first row (from 0)
    holding the bad value.
    """
    pa = pyarrow()
    import pyarrow.parquet as pq
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataFileError(path=str(path), reason=f"cannot read it as Parquet: {exc}") from exc
    names = file.schema_arrow.names
    problems = Problems(str(path))
    header = _Header(names, columns, problems)
    header.check(required=KEYS, allowed={*KEYS, *FIELDS, "source"},
                 ignored={normalise_header(c) for c in ignore_columns}, extra="error",
                 what=" for the long layout")
    problems.raise_if_any()
    wanted = [names[p] for k, p in header.positions.items() if k in {*KEYS, *FIELDS, "source"}]
    rename = {names[p]: k for k, p in header.positions.items()}
    batches = pa.RecordBatchReader.from_batches(
        file.schema_arrow.empty_table().select(wanted).schema,
        file.iter_batches(columns=wanted, batch_size=1 << 20))
    long, written = read_long(batches, keys=(*KEYS, "source"), numeric=FIELDS,
                              rename=rename)
    ds = _dataset(long, written, file=str(path), registry=registry, prefer=prefer,
                  source=source or Path(path).name, strict=True)
    assert ds is not None
    return ds


def write_parquet(dataset: Dataset, path: str | Path) -> Path:
    """Write ``dataset``'s observations to a Parquet file in the long format that the
    ``parquet`` loader reads back (see :meth:`~perfcore.dataset.Dataset.to_arrow`);
    returns the path."""
    pa = pyarrow()
    import pyarrow.parquet as pq
    out = Path(path)
    try:
        pq.write_table(pa.table(dataset_columns(dataset)), out)
    except OSError as exc:
        raise OutputError(path=str(out), reason=str(exc.strerror or exc)) from exc
    return out


# --- shared: columns → dataset, checked once per distinct value --------------------------


def _dataset(long: LongColumns, written: Mapping[str, str], *, file: str,
             registry: RegistryOption, prefer: str | None, source: str, strict: bool,
             ) -> Dataset | None:
    """The dataset of ``long``. Problems: with ``strict``, a DataValidationError (each
    at the first row holding the bad value); otherwise :class:`_Unhandled`."""
    checks = _Checks(long, written, file, strict)
    if long.n == 0:
        checks.add("the file has no data rows")
        checks.raise_if_any()
    present = [f for f in FIELDS if f in long.numbers or f in long.text_numbers]
    if not present:
        checks.add(f"no figure columns: give at least one of {', '.join(FIELDS)}")
    # The per-row work (numbers to float64, each row's key codes) is done by two threads
    # while this one checks the distinct values (numpy and Arrow let go of the GIL).
    with ThreadPoolExecutor(max_workers=2) as pool:
        checks.submit = pool.submit
        numbers = {f: pool.submit(long.number, f) for f in long.numbers}
        measures, m_future = checks.keys("measure", check_measure_ids)
        orgs, o_future = checks.keys("organisation",
                                     lambda t, c: resolve_organisations(t, c, registry))
        periods, p_future = checks.periods(prefer)
        values = {f: numbers[f].result() if f in numbers else checks.text_number(f)
                  for f in present}
        marks = checks.marks.get("value")
        m_code, o_code, p_code = m_future.result(), o_future.result(), p_future.result()
    for f in long.numbers:
        checks.finite(f, values[f], long.null_count(f))
    checks.raise_if_any()
    sources, s_code = checks.sources(source)
    try:
        return Dataset.from_codes(
            measures=measures, measure_code=m_code, organisations=[o or "" for o in orgs],
            organisation_code=o_code, periods=periods, period_code=p_code,
            sources=sources, source_code=s_code, percent=marks,
            **_read_only(values, m_code, o_code, p_code))
    except DuplicateObservationError as exc:
        if not strict:
            raise _Unhandled from None
        # A Parquet file's rows are positions, from 0: the dataset's rows as they are.
        raise DuplicateObservationError(**{**exc.fields, "file": file}) from None
    except InvalidValueError as exc:
        # A field breaking the Dataset's rules: the csv loader's parser lists every such
        # cell with its spreadsheet row; a Parquet file's rows are positions, from 0.
        if not strict:
            raise _Unhandled from None
        raise InvalidValueError(**{**exc.fields, "file": file}) from None


def _read_only(values: dict[str, FloatArray], *codes: Codes) -> dict[str, FloatArray]:
    """The arrays this module made, marked read-only: the dataset then keeps them rather
    than copying them (see ``Dataset.from_codes``)."""
    arrays: list[np.ndarray[Any, Any]] = [*values.values(), *codes]
    for arr in arrays:
        arr.flags.writeable = False
    return values


def _done(value: Any) -> Future[Any]:
    """A future already holding ``value``."""
    future: Future[Any] = Future()
    future.set_result(value)
    return future


def _sorted_codes(encoder: KeyEncoder, values: list[Any], merged: IntArray,
                  submit: Callable[..., Future[Codes]]) -> tuple[list[Any], Future[Codes]]:
    """The distinct ``values`` sorted as a dataset sorts its categories, and each row's
    code into them (distinct value ``k`` of ``encoder`` is ``values[merged[k]]``), made
    in one pass over the rows by ``submit`` (in another thread)."""
    cats = sorted(set(values))
    position = {c: i for i, c in enumerate(cats)}
    final = np.array([position[values[m]] for m in merged.tolist()], dtype=np.int32)
    return cats, submit(encoder.codes, final)


class _Checks:
    """The ``csv`` loader's checks run on each key column's distinct values (a
    one-column :class:`Table` of them); where one fails, ``strict`` re-runs it on a table
    whose rows are numbered by the first row holding each value, so that the messages
    name rows of the file."""

    def __init__(self, long: LongColumns, written: Mapping[str, str], file: str,
                 strict: bool) -> None:
        self.long, self.written, self.file, self.strict = long, written, file, strict
        self.problems = Problems(file)
        self.problems.what = f"data file {file} (rows are positions in the file, from 0)"
        #: Runs the per-row work (another thread's, when the caller has a pool).
        self.submit: Callable[..., Future[Any]] = lambda fn, *a: _done(fn(*a))
        #: Per text column, the rows whose cell was a percentage (``15.9%``), if any.
        self.marks: dict[str, npt.NDArray[np.bool_]] = {}

    def add(self, message: str) -> None:
        """A problem of the whole file."""
        if not self.strict:
            raise _Unhandled
        self.problems.add(message)

    def _table(self, column: str, cells: list[Any], encoder: KeyEncoder | None) -> Table:
        if encoder is None:
            rows = np.arange(len(cells), dtype=np.int64)
        else:
            rows = np.zeros(len(cells), dtype=np.int64)
            seen, first = np.unique(encoder.codes(), return_index=True)
            rows[seen] = first
        table = Table(self.file, {column: tuple(cells)},
                      {column: self.written.get(column, column)}, rows, {})
        return table

    def _run(self, column: str, cells: list[Any], encoder: KeyEncoder, check: Any) -> Any:
        table = self._table(column, cells, None)
        result = check(table, column)
        if table.problems:
            if not self.strict:
                raise _Unhandled
            located = self._table(column, cells, encoder)
            check(located, column)
            self.problems.items.extend(located.problems.items)
        return result

    def keys(self, column: str, check: Any) -> tuple[list[Any], Future[Codes]]:
        """The column's values after ``check`` (sorted, as the dataset keeps them) and
        each row's code into them."""
        encoder = self.long.keys[column]
        distinct, merged = self._run(column, [str(v) for v in encoder.distinct],
                                     encoder, check)
        return self._sorted_codes(encoder, distinct, merged)

    def periods(self, prefer: str | None) -> tuple[list[Period], Future[Codes]]:
        encoder = self.long.keys["period"]
        distinct = encoder.distinct
        if distinct and all(isinstance(p, Period) for p in distinct):  # a date column
            return self._sorted_codes(encoder, distinct, np.arange(len(distinct)))
        cells = ["" if p is None else str(p) for p in distinct]
        parsed, merged = self._run("period", cells, encoder,
                                   lambda t, c: parse_periods(t, c, prefer=prefer))
        return self._sorted_codes(encoder, parsed, merged)

    def _sorted_codes(self, encoder: KeyEncoder, values: list[Any], merged: IntArray
                      ) -> tuple[list[Any], Future[Codes]]:
        if self.problems:  # some values are bad (None): the problems are raised first
            return values, _done(np.zeros(0, dtype=np.int32))
        return _sorted_codes(encoder, values, merged, self.submit)

    def text_number(self, field: str) -> FloatArray:
        keys = self.long.text_numbers[field].keys
        percent: Literal["fraction", "error"] = "fraction" if field == "value" else "error"
        values, pct = self._run(
            field, [str(v) for v in keys.distinct], keys,
            lambda t, c: parse_numbers(t, c, percent=percent))
        codes = keys.codes()
        if values.size and pct.any():
            self.marks[field] = pct[codes]
        return values[codes] if values.size else np.full(codes.shape, np.nan)

    def finite(self, field: str, values: FloatArray, nulls: int) -> None:
        """Infinities are problems. NaN is a missing figure; but where the fast path read
        a number as NaN that was not blank ("nan(1)"), the csv loader's parser decides."""
        if not self.strict and np.count_nonzero(np.isnan(values)) != nulls:
            raise _Unhandled
        bad = np.flatnonzero(np.isinf(values))
        if bad.size:
            if not self.strict:
                raise _Unhandled
            self.problems.add(f"{values[bad[0]]!r} is not a finite number", rows=(int(bad[0]),),
                              column=self.written.get(field, field))

    def sources(self, default: str) -> tuple[list[str], IntArray | None]:
        if "source" not in self.long.keys:
            return [default], None
        encoder = self.long.keys["source"]
        cells = [str(v) for v in encoder.distinct]
        table = self._table("source", cells, None)
        distinct, merged = source_codes(table, "source", default)
        codes = encoder.codes()
        return distinct, (None if merged is None else merged[codes])

    def raise_if_any(self) -> None:
        self.problems.raise_if_any()
