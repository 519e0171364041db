"""Arrow data as perfcore columns: key columns as distinct values and one code per row,
numeric columns as float64 numpy arrays, read batch by batch with no Python object per
row. Shared by :meth:`perfcore.dataset.Dataset.from_arrow` and the columnar loaders
(:mod:`perfcore.io.arrow`); it imports nothing of perfcore but errors and periods, so
that both can use it.

Any Arrow data is accepted: a ``pyarrow.Table``, ``RecordBatch`` or
``RecordBatchReader``, an iterable of record batches, or any object exporting the Arrow
PyCapsule stream interface (``__arrow_c_stream__``: a Polars DataFrame, a DuckDB
relation, a pandas DataFrame) or array interface (``__arrow_c_array__``).

pyarrow (the ``arrow`` extra) is imported only when these functions are called.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from perfcore.errors import DataError, MissingDependencyError
from perfcore.periods import Month

if TYPE_CHECKING:
    import pyarrow as pa

FloatArray = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int32]

#: Key columns of the long format, and its optional text column.
KEYS = ("measure", "organisation", "period")


def pyarrow() -> ModuleType:
    """The pyarrow module, or :class:`~perfcore.errors.MissingDependencyError` saying
    which extra installs it."""
    return MissingDependencyError.require("pyarrow", extra="arrow",
                                          purpose="reading Arrow and Parquet data")


def has_pyarrow() -> bool:
    """Whether pyarrow can be imported (without importing it when it cannot)."""
    import importlib.util
    return importlib.util.find_spec("pyarrow") is not None


def record_batches(data: Any) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """The schema of ``data`` (see the module docs for what it may be) and its record
    batches, read one at a time where ``data`` streams them."""
    pa = pyarrow()
    if isinstance(data, pa.Table):
        return data.schema, iter(data.to_batches())
    if isinstance(data, pa.RecordBatch):
        return data.schema, iter([data])
    if isinstance(data, pa.RecordBatchReader):
        return data.schema, iter(data)
    if hasattr(data, "__arrow_c_stream__"):
        reader = pa.RecordBatchReader.from_stream(data)
        return reader.schema, iter(reader)
    if hasattr(data, "__arrow_c_array__"):
        batch = pa.record_batch(data)
        return batch.schema, iter([batch])
    if isinstance(data, Iterable) and not isinstance(data, (str, bytes, Mapping)):
        batches = list(data)
        if batches and all(isinstance(b, pa.RecordBatch) for b in batches):
            return batches[0].schema, iter(batches)
    raise DataError(
        reason=f"cannot read a {type(data).__name__} as Arrow data: give a pyarrow Table, "
        "RecordBatch or RecordBatchReader, record batches, or an object with the Arrow "
        "stream interface (a Polars DataFrame, a DuckDB relation)")


class KeyEncoder:
    """One key column read batch by batch: its distinct values (first seen first) and
    each row's code into them. Each batch is dictionary-encoded in Arrow, so Python sees
    only the distinct values of a batch. Nulls are blank text (``""``); a date or
    timestamp column gives the :class:`~perfcore.periods.Month` each value falls in.

    Codes are made when asked for (:meth:`codes`), optionally through a final mapping of
    the distinct values (their sorted order), so that each row is written once."""

    def __init__(self) -> None:
        self._lookup: dict[Any, int] = {}
        self._parts: list[tuple[Codes, npt.NDArray[np.integer[Any]]]] = []
        self.n = 0

    def add(self, array: pa.Array | pa.ChunkedArray) -> None:
        pa = pyarrow()
        chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
        for chunk in chunks:
            values, indices = _dictionary(chunk)
            remap = np.fromiter(map(self._code, values), dtype=np.int32, count=len(values))
            self._parts.append((remap, indices))
            self.n += len(indices)

    def _code(self, value: Any) -> int:
        return self._lookup.setdefault(value, len(self._lookup))

    @property
    def distinct(self) -> list[Any]:
        return list(self._lookup)

    def codes(self, final: npt.NDArray[np.integer[Any]] | None = None) -> Codes:
        """Each row's code into :attr:`distinct`, or into ``final[distinct]``."""
        out: Codes = np.empty(self.n, dtype=np.int32)
        start = 0
        for remap, indices in self._parts:
            end = start + len(indices)
            if len(indices):
                table = remap if final is None else final[remap].astype(np.int32)
                np.take(table, indices, out=out[start:end])
            start = end
        return out


def _dictionary(chunk: pa.Array) -> tuple[list[Any], npt.NDArray[np.integer[Any]]]:
    """A chunk's distinct values (as Python objects) and each row's index into them."""
    pa = pyarrow()
    import pyarrow.compute as pc
    kind = chunk.type
    if pa.types.is_dictionary(kind):
        if chunk.null_count or chunk.dictionary.null_count:
            chunk = chunk.dictionary_decode()
            kind = chunk.type
        else:
            return _values(chunk.dictionary), chunk.indices.to_numpy(zero_copy_only=False)
    if pa.types.is_temporal(kind) and not pa.types.is_time(kind) \
            and not pa.types.is_duration(kind):
        month = pc.add(pc.multiply(pc.year(chunk).cast(pa.int64()), 12),
                       pc.subtract(pc.month(chunk).cast(pa.int64()), 1))
        encoded = pc.dictionary_encode(month, null_encoding="encode")
        values = [None if m is None else Month.from_index(m)
                  for m in encoded.dictionary.to_pylist()]
        return values, encoded.indices.to_numpy(zero_copy_only=False)
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        chunk = chunk.cast(pa.string())
    encoded = pc.dictionary_encode(chunk, null_encoding="encode")
    return _values(encoded.dictionary), encoded.indices.to_numpy(zero_copy_only=False)


def _values(dictionary: pa.Array) -> list[Any]:
    return ["" if v is None else v for v in dictionary.to_pylist()]


def is_numeric(kind: pa.DataType) -> bool:
    """Whether a column of this type holds numbers (integers, floats, decimals)."""
    pa = pyarrow()
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind)
                or pa.types.is_decimal(kind))


def float_array(array: pa.Array | pa.ChunkedArray) -> FloatArray:
    """A numeric column as float64, NaN where null."""
    pa = pyarrow()
    import pyarrow.compute as pc
    if array.type != pa.float64():
        array = array.cast(pa.float64())
    if array.null_count:
        # Arrow fills the nulls and joins the chunks in one pass (converting each chunk
        # to numpy and concatenating them wrote every value twice: 2-3x slower).
        array = pc.fill_null(array, math.nan)
    out: FloatArray = np.asarray(array.to_numpy(), dtype=np.float64)
    return out


class TextNumbers:
    """A numeric column given as text: its distinct cells and each row's code
    (``keys``), for the caller to parse once per distinct cell."""

    def __init__(self) -> None:
        self.keys = KeyEncoder()

    def add(self, array: pa.Array | pa.ChunkedArray) -> None:
        self.keys.add(array)


class LongColumns:
    """The columns of long-format Arrow data: ``keys`` (key column → encoder),
    ``numbers`` (numeric column → float arrays, one per batch), ``text_numbers``
    (numeric columns given as text) and the row count."""

    def __init__(self, keys: Iterable[str], numeric: Iterable[str], kinds: Mapping[str, Any]
                 ) -> None:
        self.keys = {k: KeyEncoder() for k in keys if k in kinds}
        numeric = [f for f in numeric if f in kinds]
        # Kept as Arrow until asked for (number()), so that a caller may convert them
        # while doing something else.
        self.numbers: dict[str, list[Any]] = {
            f: [] for f in numeric if is_numeric(kinds[f]) or _is_null(kinds[f])}
        self.text_numbers = {f: TextNumbers() for f in numeric if f not in self.numbers}
        self.n = 0

    def add(self, batch: Mapping[str, pa.Array | pa.ChunkedArray], n: int) -> None:
        for name, encoder in self.keys.items():
            encoder.add(batch[name])
        for name, parts in self.numbers.items():
            parts.append(batch[name])
        for name, text in self.text_numbers.items():
            text.add(batch[name])
        self.n += n

    def number(self, name: str) -> FloatArray:
        """A numeric column as float64, NaN where null (made on each call)."""
        parts = self.numbers[name]
        if not parts:
            return np.zeros(0)
        return float_array(parts[0] if len(parts) == 1 else pyarrow().chunked_array(
            [c for p in parts for c in (p.chunks if hasattr(p, "chunks") else [p])],
            type=parts[0].type))

    def null_count(self, name: str) -> int:
        """The nulls of a numeric column."""
        return sum(int(p.null_count) for p in self.numbers[name])


def _is_null(kind: pa.DataType) -> bool:
    return bool(pyarrow().types.is_null(kind))


def read_long(data: Any, *, keys: Iterable[str], numeric: Iterable[str],
              rename: Mapping[str, str] | None = None,
              ) -> tuple[LongColumns, dict[str, str]]:
    """Read ``data`` batch by batch into :class:`LongColumns` (the columns present among
    ``keys`` and ``numeric``, after ``rename``: column as written → column); also the
    column names as written, by column."""
    pa = pyarrow()
    if isinstance(data, pa.Table):  # whole columns at once: one copy of each, not two
        schema, parts = data.schema, iter([data])
    else:
        schema, parts = record_batches(data)
    renames = dict(rename or {})
    written = {renames.get(n, n): n for n in schema.names}
    kinds = {name: schema.field(w).type for name, w in written.items()}
    columns = LongColumns(keys, numeric, kinds)
    for part in parts:
        columns.add({name: part.column(w) for name, w in written.items()}, part.num_rows)
    return columns, written


def dataset_columns(dataset: Any) -> dict[str, Any]:
    """A dataset's observations as Arrow columns (see ``Dataset.to_arrow``): key
    columns dictionary-encoded, periods spelt so that they read back as themselves."""
    pa = pyarrow()

    def coded(codes: Any, values: Iterable[str]) -> Any:
        return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int32)),
                                              pa.array(list(values), pa.string()))

    out: dict[str, Any] = {
        "measure": coded(dataset.measure_code, dataset.measures),
        "organisation": coded(dataset.organisation_code, dataset.organisations),
        "period": coded(dataset.period_code, [unambiguous(p) for p in dataset.periods]),
    }
    for field in ("value", "numerator", "denominator", "sample_size", "population", "sd"):
        out[field] = pa.array(np.asarray(getattr(dataset, field), dtype=np.float64))
    out["source"] = coded(dataset.source_code, dataset.sources)
    return out


def unambiguous(period: Any) -> str:
    """A period's canonical spelling, except a month that would read as a financial
    year (``2011-12``), spelt ``December 2011``."""
    text = str(period)
    if isinstance(period, Month) and text[5:7] == f"{(period.year + 1) % 100:02d}":
        return period.label("en")
    return text
