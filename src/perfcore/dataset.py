"""Dataset: observations keyed by measure × organisation × period, held as numpy columns.

Each observation has a ``value`` and, where they apply, a ``numerator``, ``denominator``,
``sample_size`` (survey respondents, or the n of a mean), ``population`` and ``sd`` (the
standard deviation behind a mean); absent fields are NaN. Keys are
stored as integer codes into the sorted tuples ``measures``, ``organisations`` and
``periods``, so that gathering a measure × organisation × period cube for a national
evaluation is one fancy-indexing step (:meth:`Dataset.cube`).

Published comparator figures ("MSG change −14.1%", "E&W SR 14.3%" in seed 001) are held
beside the observations as :class:`PublishedFigure` records, marked as published rather
than computed.
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.errors import (
    DataError,
    DuplicateObservationError,
    InvalidValueError,
    OptionError,
    PerfcoreWarning,
    UnknownMeasureError,
    UnknownOrganisationError,
    UnknownPeriodError,
    advise,
)
from perfcore.i18n import counted, plural
from perfcore.organisations import OrganisationRegistry, default_registry, organisation_name
from perfcore.periods import (
    CalendarYear,
    FinancialQuarter,
    FinancialYear,
    Month,
    Period,
    Rolling,
    parse_period,
)

__all__ = ["AGGREGATIONS", "FIELDS", "FIELD_RULES", "Aggregation", "Dataset", "FieldRule",
           "IncompletePeriodWarning", "PublishedFigure", "broken_rules", "written"]

#: The numeric fields of an observation, in order.
FIELDS = ("value", "numerator", "denominator", "sample_size", "population", "sd")
FIGURES = ("value", "pct_change", "pp_change", "rank")
#: The periods monthly observations aggregate to (:meth:`Dataset.aggregate`).
Aggregation = Literal["financial_year", "quarter", "calendar_year", "rolling12"]
AGGREGATIONS: tuple[Aggregation, ...] = get_args(Aggregation)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
#: Row codes as any integer array (factorize gives int64, stored codes are int32).
Codes = npt.NDArray[np.integer[Any]]


_CODE_FIELDS = ("measure_code", "organisation_code", "period_code")


class IncompletePeriodWarning(PerfcoreWarning):
    """Monthly data did not cover every month of some periods being aggregated to."""


@attrs.frozen(kw_only=True)
class PublishedFigure:
    """A figure taken from a publication rather than computed from data.

    ``group`` is the comparator group id (or organisation code) the figure describes, e.g.
    Gwent's MSG; ``figure`` is what it is: the group's ``value``, its ``pct_change`` or
    ``pp_change`` into ``period``, or a ``rank``.
    """

    measure: str
    group: str
    period: Period = attrs.field(converter=parse_period)
    figure: str = attrs.field(validator=attrs.validators.in_(FIGURES))
    value: float
    source: str = ""


def _as_float_column(name: str, values: Sequence[Any] | npt.ArrayLike | None,
                     n: int) -> FloatArray:
    if values is None:
        # An absent field costs no memory: one NaN seen n times (datasets are read-only).
        return np.broadcast_to(np.float64(np.nan), (n,))
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.shape != (n,):
        raise DataError(reason=f"has {arr.shape[0] if arr.ndim else 1} values but the key "
                        f"columns have {n}", column=name)
    if arr.dtype.kind in "fiub":
        out = _own_finite(arr)
        if out is not None:
            return out
        out = _own(arr, np.float64)
    else:
        out = np.empty(n, dtype=np.float64)
        bad: list[tuple[int, Any]] = []
        for i, v in enumerate(arr.tolist()):
            if v is None or (isinstance(v, str) and v.strip() == ""):
                out[i] = np.nan
                continue
            try:
                out[i] = float(v.replace(",", "") if isinstance(v, str) else v)
            except (TypeError, ValueError):
                bad.append((i, v))
                out[i] = np.nan
        if bad:
            shown = ", ".join(repr(v) for _, v in bad[:10])
            more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
            verb = "is not a number" if len(bad) == 1 else "are not numbers"
            raise DataError(reason=f"{counted(len(bad), 'value')} {verb}: {shown}{more}",
                            column=name, rows=tuple(i for i, _ in bad))
    if not np.isinf(out).any():  # the usual case: no index array made
        return out
    infinite = np.flatnonzero(np.isinf(out))
    raise DataError(reason=counted(infinite.size, "infinite value"), column=name,
                    rows=tuple(infinite.tolist()))


def _percent_column(values: npt.ArrayLike | None, n: int) -> npt.NDArray[np.bool_] | None:
    """The ``percent`` marks as a bool column of ``n`` rows (``None`` when none is set)."""
    if values is None:
        return None
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise DataError(reason=f"has {arr.size} marks but the key columns have {n}",
                        column="percent")
    if arr.dtype != np.bool_:
        if arr.dtype.kind not in "biu" or not np.isin(arr, (0, 1)).all():
            raise DataError(reason="must hold true or false per row", column="percent")
        arr = arr.astype(bool)
    return arr if arr.any() else None


def written(value: float, *, percent: bool = False) -> str:
    """A figure as a person would have written it, for messages: ``410``, ``1.5``,
    ``5e-324``, or ``150%`` for a fraction that was written as a percentage."""
    if percent:
        return f"{round(value * 100, 10):g}%"
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


@attrs.frozen(kw_only=True)
class FieldRule:
    """A rule every observation's ``field`` keeps, whatever its measure's kind (each
    kind's own rules are checked where a plan's kinds meet the data: see
    :func:`perfcore.evaluation.values.measure_values`).

    ``broken`` takes the observation columns by name and says where the rule is broken;
    ``reason`` says what is wrong (``{other}`` is the value of the ``other`` field of the
    same observation) and ``allowed`` what would be valid."""

    field: str
    reason: str
    allowed: str
    broken: Callable[[Mapping[str, FloatArray]], npt.NDArray[np.bool_]]
    other: str | None = None


def _not_positive(denominator: FloatArray, numerator: FloatArray) -> npt.NDArray[np.bool_]:
    """Denominators below 0, or 0 with a numerator other than 0 (NaN included). Only a
    denominator of 0 or less can be one: those are found first, in one pass, and the
    numerators read only if there are any (usually there are none)."""
    broken: npt.NDArray[np.bool_] = denominator <= 0
    if broken.any():
        broken &= (denominator < 0) | ~(numerator == 0)
    return broken


#: The rules of the observation fields: the Dataset boundary refuses any observation that
#: breaks one (:class:`~perfcore.errors.InvalidValueError`), and loaders list each broken
#: cell with its file row. A denominator of 0 is allowed with a numerator of 0 only ("0
#: of 0": no cases, the proportion not available), so that monthly figures still add up.
FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule(field="numerator", reason="is negative",
              allowed="a numerator counts events: 0 or more",
              broken=lambda c: c["numerator"] < 0),
    FieldRule(field="denominator", reason="is not positive",
              allowed="a denominator is more than 0 (0 only with a numerator of 0: no cases)",
              broken=lambda c: _not_positive(c["denominator"], c["numerator"])),
    FieldRule(field="numerator", reason="is more than its denominator, {other}",
              allowed="a numerator counts some of its denominator: at most the denominator",
              broken=lambda c: c["numerator"] > c["denominator"], other="denominator"),
    FieldRule(field="sample_size", reason="is not positive",
              allowed="a sample size counts respondents or values: more than 0",
              broken=lambda c: c["sample_size"] <= 0),
    FieldRule(field="population", reason="is not positive",
              allowed="a population is more than 0",
              broken=lambda c: c["population"] <= 0),
    FieldRule(field="sd", reason="is negative", allowed="a standard deviation is 0 or more",
              broken=lambda c: c["sd"] < 0),
)


def _absent(column: FloatArray) -> bool:
    # A field no row has is one NaN broadcast (see _as_float_column): no rule can break.
    return column.size == 0 or (column.strides == (0,) and bool(np.isnan(column[0])))


def broken_rules(columns: Mapping[str, FloatArray]
                 ) -> list[tuple[FieldRule, npt.NDArray[np.intp]]]:
    """Each :data:`FIELD_RULES` rule that some rows of ``columns`` (observation fields by
    name; fields not given are absent) break, with those rows, in the rules' order."""
    out: list[tuple[FieldRule, npt.NDArray[np.intp]]] = []
    n = next((c.shape[0] for c in columns.values()), 0)
    nan: FloatArray = np.broadcast_to(np.float64(np.nan), (n,))
    cols = {f: columns.get(f, nan) for f in FIELDS}
    for rule in FIELD_RULES:
        if _absent(cols[rule.field]) or (rule.other and _absent(cols[rule.other])):
            continue
        with np.errstate(invalid="ignore"):
            rows = np.flatnonzero(rule.broken(cols))
        if rows.size:
            out.append((rule, rows))
    return out


def _encode(values: Sequence[Any]) -> tuple[tuple[Any, ...], IntArray]:
    distinct, raw = factorize(values)
    return _sorted_categories(distinct, raw)


def factorize(values: Sequence[Any]) -> tuple[list[Any], npt.NDArray[np.int64]]:
    """The distinct values in first-seen order, and each row's index into them.

    One pass in C: ``map`` over a ``defaultdict`` whose factory numbers each new value as
    it is first seen, so a national table of a million rows costs tens of milliseconds,
    and anything done per value (parsing periods, resolving names) is done once per
    distinct value. Because the order is first-seen, the first row holding distinct value
    ``k`` is the first row where ``codes == k``, which keeps "row i" in error messages the
    first offending row. A column that comes in long runs of one value (long tables are
    usually sorted by measure and organisation) is read run by run instead, in about half
    the time.
    """
    lookup: defaultdict[Any, int] = defaultdict(itertools.count().__next__)
    codes = None
    if len(values) >= _RUNS_FROM:
        try:
            codes = _factorize_runs(values, lookup)
        except (TypeError, ValueError):  # cells that cannot be compared or hashed: the
            codes = None  # pass below raises the TypeError callers expect of those
    if codes is None:  # the values numbered so far keep their first-seen numbers
        codes = np.fromiter(map(lookup.__getitem__, values), dtype=np.int64,
                            count=len(values))
    return list(lookup), codes


#: Columns shorter than this are factorised value by value (runs cannot pay off).
_RUNS_FROM = 4096
#: Runs must average at least this many values, or reading by runs stops.
_RUN_LENGTH = 16


def _factorize_runs(values: Sequence[Any], lookup: defaultdict[Any, int]
                    ) -> npt.NDArray[np.int64] | None:
    """:func:`factorize` run by run (``itertools.groupby``, in C within a run), or None
    as soon as the runs turn out short: the work given up is then bounded by a pass of
    the value-by-value kind."""
    run_codes: list[int] = []
    run_lengths: list[int] = []
    done = 0
    for value, run in itertools.groupby(values):
        run_codes.append(lookup[value])
        length = len(list(run))
        run_lengths.append(length)
        done += length
        # Give up once the runs average under _RUN_LENGTH, allowing the first 64 runs
        # (a short head, say a header-like block) before judging.
        if len(run_codes) * _RUN_LENGTH > done + 64 * _RUN_LENGTH:
            return None
    return np.repeat(np.array(run_codes, dtype=np.int64), run_lengths)


def _used_categories(categories: Sequence[Any], index: Codes
                     ) -> tuple[tuple[Any, ...], IntArray]:
    """The categories that ``index`` uses, sorted, and ``index`` recoded into them."""
    used = np.bincount(index, minlength=len(categories)) > 0
    recode = (np.cumsum(used) - 1).astype(np.int32)
    return _sorted_categories([categories[i] for i in np.flatnonzero(used).tolist()],
                              np.take(recode, index))


def _code_column(name: str, codes: npt.ArrayLike, k: int, n: int) -> Codes:
    """One key column of codes into ``k`` distinct values, checked: whole numbers in
    0..k-1, one per row (``n`` rows; -1: the first column, which sets n)."""
    arr = np.asarray(codes)
    if arr.ndim != 1 or (n >= 0 and arr.shape[0] != n):
        rows = f" ({n} rows)" if n >= 0 else ""
        raise DataError(reason=f"must hold one code per row{rows}, not an array of shape "
                        f"{arr.shape}", column=name)
    if arr.size and arr.dtype.kind not in "iu":
        raise DataError(reason=f"must hold integer codes, not {arr.dtype}", column=name)
    # Seen as unsigned, a negative code is huge: one pass finds codes below 0 and ≥ k.
    if arr.size and int(arr.view(arr.dtype.str.replace("i", "u")).max()) >= k:
        i = int(np.argmax((arr < 0) | (arr >= k)))
        raise DataError(reason=f"{int(arr[i])} is not a code into the {k} distinct values "
                        f"given (0 to {k - 1})", row=i, column=name)
    return arr


def _shareable(arr: npt.NDArray[Any]) -> bool:
    """Whether no one can change ``arr``'s values: read-only, and so is every array it
    views (a read-only view of a writeable array changes with it), down to memory that
    is its own or immutable (bytes, an Arrow array or buffer read zero-copy)."""
    base: Any = arr
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        base = base.base
    return (base is None or isinstance(base, bytes)
            or (type(base).__module__.startswith("pyarrow")
                and not getattr(base, "is_mutable", False)))


def _own(arr: npt.NDArray[Any], dtype: type[np.generic]) -> npt.NDArray[Any]:
    """``arr`` as ``dtype``, copied unless it is of that type already and no one can
    change it (:func:`_shareable`): then it can be shared."""
    if arr.dtype == dtype and _shareable(arr):
        return arr
    return arr.astype(dtype)


#: Values copied and checked at a time by :func:`_own_finite`: a chunk just copied is
#: checked while it is still in cache.
_CHECK_CHUNK = 1 << 16


def _own_finite(arr: npt.NDArray[Any]) -> FloatArray | None:
    """``arr`` as the dataset's own float64 column (as :func:`_own`) when it holds no
    infinity, else None. Copied and checked a chunk at a time, so that the check reads
    what the copy has just written from cache rather than the whole column again from
    memory (and needs no mark per row)."""
    if arr.dtype == np.float64 and _shareable(arr):
        return None if bool(np.isinf(arr).any()) else arr
    out = np.empty(arr.shape, dtype=np.float64)
    marks = np.empty(min(arr.size, _CHECK_CHUNK), dtype=bool)
    for a in range(0, arr.size, _CHECK_CHUNK):
        chunk = out[a:a + _CHECK_CHUNK]
        np.copyto(chunk, arr[a:a + _CHECK_CHUNK], casting="unsafe")
        if np.isinf(chunk, out=marks[:chunk.size]).any():
            return None
    return out


def _read_only(columns: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Columns a builder made and hands over, marked read-only so they are not copied."""
    for column in columns.values():
        column.flags.writeable = False
    return dict(columns)


def _first_row(raw: Codes, k: int) -> int:
    return int(np.argmax(raw == k))


def _sorted_categories(canonical: Sequence[Any], raw: Codes) -> tuple[tuple[Any, ...],
                                                                          IntArray]:
    """Sorted distinct categories, and row codes into them, from the canonical form of
    each first-seen distinct value (several spellings may share one category)."""
    # Periods sort by a computed key: computing it once each beats ~n log n __lt__ calls.
    cats = sorted(set(canonical), key=lambda c: c._key() if isinstance(c, Period) else c)
    if list(canonical) == cats:  # distinct and sorted already (a loader's own categories)
        return tuple(cats), _own(raw, np.int32)
    lookup = {c: i for i, c in enumerate(cats)}
    remap = np.array([lookup[c] for c in canonical], dtype=np.int32)
    # (take from a small table is several times faster than fancy indexing)
    return tuple(cats), np.take(remap, raw) if raw.size else np.zeros(0, dtype=np.int32)


#: Summed over the months of a period; ``percent`` (0/1 per month) counts the months whose
#: value was written as a percentage, so a period is marked if any of its months was.
_SUMMED = ("value", "numerator", "denominator", "sample_size", "percent")
#: The columns aggregate reads: every field (population for its last month) and percent.
_SUMMED_FROM = (*FIELDS, "percent")


def _tiled_sums(slot: npt.NDArray[np.int64], closes: npt.NDArray[np.bool_],
                cols: Mapping[str, FloatArray], absent: set[str], size: int
                ) -> tuple[Codes, dict[str, FloatArray], FloatArray]:
    """Months present, field sums and last-month population per series × window, flat,
    for windows that tile the months (years, quarters). Each month falls in one window
    (``slot``: series × window), so every sum is one weighted ``bincount`` over the rows;
    ``closes`` marks a window's last month. A NaN month makes its window's sum NaN, which
    is the rule (a field is summed only when every month has it)."""
    count = np.bincount(slot, minlength=size)
    sums: dict[str, FloatArray] = {
        f: (np.full(size, np.nan) if f in absent
            else np.bincount(slot, weights=cols[f], minlength=size).astype(np.float64, copy=False))
        for f in _SUMMED}
    pop: FloatArray = np.full(size, np.nan)
    if "population" not in absent:
        pop[slot[closes]] = cols["population"][closes]
    return count, sums, pop


def _slab_window_sums(column: FloatArray, *, blocks: npt.NDArray[np.intp] | None,
                      nt: int, starts: Sequence[int], length: int,
                      last: bool = False) -> FloatArray:
    """Each series' sum over months ``start .. start + length - 1`` for each of
    ``starts`` (its last month's value with ``last``), as (series, starts), from a
    ``column`` of whole series of ``nt`` periods one after another, periods in order
    (``blocks``: the row block holding each series, None when they are in cube order).

    A window is added month by month from 0, in row order, as ``bincount`` adds it in
    :func:`_tiled_sums`, so the sums are the same to the bit. The column is read as a
    (series, months) slab a month at a time: a window's months share each series' cache
    lines, so all but the first are read from cache, and no index of every cell read is
    made or read (gathering the same cells through one took 4-5 times as long)."""
    slab = column.reshape(-1, nt)
    if last:
        out = np.take(slab, [s + length - 1 for s in starts], axis=1)
    else:
        out = np.empty((slab.shape[0], len(starts)))
        total = np.empty(slab.shape[0])
        for k, s in enumerate(starts):
            total[...] = 0.0
            for j in range(s, s + length):
                total += slab[:, j]
            out[:, k] = total
    return out if blocks is None else np.take(out, blocks, axis=0)


def _concat_codes(parts: Sequence[tuple[Sequence[Any], Codes]]) -> tuple[tuple[Any, ...],
                                                                          IntArray]:
    """One key column of several datasets: the categories they use, sorted, and the
    codes of all their rows into them."""
    canonical = [c for cats, _ in parts for c in cats]
    offsets = np.cumsum([0] + [len(cats) for cats, _ in parts[:-1]])
    raw = np.concatenate([np.asarray(codes, dtype=np.int64) + off
                          for (_, codes), off in zip(parts, offsets.tolist(), strict=True)])
    return _used_categories(canonical, raw)


def _one_source(n: int) -> IntArray:
    """Source codes of ``n`` rows with one source: code 0 seen n times, no memory per row
    (datasets are read-only), like an absent field."""
    return np.broadcast_to(np.int32(0), (n,))


def _all_nan(column: FloatArray) -> bool:
    """Whether every value of the column is NaN: an absent field (one NaN seen n times,
    see :func:`_as_float_column`) from its one value; others a growing chunk at a time,
    so that a column with numbers (often near its start) is not read to the end."""
    if column.strides == (0,):
        return column.size == 0 or bool(np.isnan(column[0]))
    start, step = 0, 4096
    while start < column.size:
        if not np.isnan(column[start:start + step]).all():
            return False
        start, step = start + step, step * 4
    return True


#: The kind of period each aggregation makes, for :meth:`Dataset.aggregate`'s ``periods``.
_AGGREGATE_KINDS: Mapping[str, type[Period]] = {
    "financial_year": FinancialYear, "quarter": FinancialQuarter,
    "calendar_year": CalendarYear, "rolling12": Rolling}


def _chosen_windows(to: str, windows: Sequence[tuple[Period, int, int]],
                    periods: Iterable[str | Period] | None) -> list[int]:
    """Positions in ``windows`` of the ``periods`` asked for (all without ``periods``);
    a period of another kind than ``to`` makes raises :class:`OptionError`."""
    if periods is None:
        return list(range(len(windows)))
    kind = _AGGREGATE_KINDS[to]
    wanted = set()
    for given in [periods] if isinstance(periods, (str, Period)) else periods:
        # prefer= settles only month against financial year, the one ambiguous pair.
        p = parse_period(given, prefer=kind if kind in (Month, FinancialYear) else None)
        if type(p) is not kind or (isinstance(p, Rolling) and p.months_long != 12):
            raise OptionError(option="periods", value=str(given),
                              allowed=f"periods of the kind {to!r} makes")
        wanted.add(p)
    return [k for k, w in enumerate(windows) if w[0] in wanted]


def _rolling_sums(series: npt.NDArray[np.int64], month: npt.NDArray[np.int64],
                  cols: Mapping[str, FloatArray], absent: set[str],
                  starts: npt.NDArray[np.int64], length: int, n_series: int
                  ) -> tuple[Codes, dict[str, FloatArray], FloatArray]:
    """As :func:`_tiled_sums` for overlapping windows (rolling 12 months): running sums
    along a dense series × month grid. Missing months and NaNs add 0 to the running sums
    and are counted separately (a NaN would poison every later window)."""
    t0 = int(starts[0])
    nt = int(starts[-1]) + length - t0
    lin = series * nt + (month - t0)
    ends = starts - t0 + length

    def window_sums(flags_or_values: FloatArray | npt.NDArray[np.bool_]) -> FloatArray:
        # A leading zero column, so that window k's sum is run[end] - run[end - length].
        dense = np.zeros((n_series, nt + 1))
        dense.reshape(-1)[lin + series + 1] = flags_or_values
        run = np.cumsum(dense, axis=1)
        return np.asarray(run[:, ends] - run[:, ends - length]).reshape(-1)

    present = np.ones(lin.size, dtype=bool)
    count = window_sums(present).astype(np.int64)
    sums: dict[str, FloatArray] = {}
    for f in _SUMMED:
        if f in absent:
            sums[f] = np.full(count.size, np.nan)
            continue
        ok = ~np.isnan(cols[f])
        total = window_sums(np.where(ok, cols[f], 0.0))
        nhas = count if ok.all() else window_sums(ok).astype(np.int64)
        sums[f] = np.where(nhas == length, total, np.nan)
    pop: FloatArray = np.full(count.size, np.nan)
    if "population" not in absent:
        dense = np.full((n_series, nt), np.nan)
        dense.reshape(-1)[lin] = cols["population"]
        pop = dense[:, ends - 1].reshape(-1)
    return count, sums, pop


def _keep_names() -> str:
    """How to keep organisation names the registry does not know, in the caller's words."""
    return advise(python="pass registry=False to keep organisation names as given",
                  plan="add registry = false to the [[data]] table's options to keep "
                  "organisation names as given")


@attrs.frozen(kw_only=True, eq=False)
class Dataset:
    """Columnar observations. Build with :meth:`from_records` or :meth:`from_columns`."""

    measures: tuple[str, ...]
    organisations: tuple[str, ...]
    periods: tuple[Period, ...]
    measure_code: IntArray = attrs.field(repr=False)
    organisation_code: IntArray = attrs.field(repr=False)
    period_code: IntArray = attrs.field(repr=False)
    value: FloatArray = attrs.field(repr=False)
    numerator: FloatArray = attrs.field(repr=False)
    denominator: FloatArray = attrs.field(repr=False)
    sample_size: FloatArray = attrs.field(repr=False)
    population: FloatArray = attrs.field(repr=False)
    sd: FloatArray = attrs.field(repr=False)
    sources: tuple[str, ...] = ("",)
    source_code: IntArray = attrs.field(repr=False, default=None)
    published: tuple[PublishedFigure, ...] = ()
    #: True where the ``value`` was written as a percentage (``15.9%``, or a measure the
    #: loader was told is given in per cent) and is held as the fraction; ``None``: none
    #: was. Only a proportion may be: evaluation refuses a count written ``50%``.
    percent: npt.NDArray[np.bool_] | None = attrs.field(default=None, repr=False)
    #: Derived layout (the flat cube index of each row), computed once on first use.
    _layout: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Frozen all the way down: the arrays are the dataset's own (every builder makes
        # them), and the layout derived from the codes must stay true.
        for name in (*_CODE_FIELDS, *FIELDS, "source_code", "percent"):
            arr = getattr(self, name)
            if arr is not None:
                arr.flags.writeable = False

    def __len__(self) -> int:
        return int(self.measure_code.shape[0])

    def __repr__(self) -> str:
        # Short, as an Evaluation's: a notebook shows what the dataset holds, not its
        # arrays, its sources or its published figures.
        def listed(items: Sequence[str]) -> str:
            return ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3
                                           else "")
        periods = [str(p) for p in self.periods]
        span = (periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
                if periods else "none")
        return (f"<Dataset of {counted(len(self), 'observation')}: "
                f"{counted(len(self.measures), 'measure')} ({listed(self.measures)}) × "
                f"{counted(len(self.organisations), 'organisation')} "
                f"({listed(self.organisations)}) × {counted(len(periods), 'period')} ({span}); "
                f"{counted(len(self.sources), 'source')}, "
                f"{counted(len(self.published), 'published figure')}>")

    # --- builders ------------------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        *,
        measure: Sequence[str],
        organisation: Sequence[str],
        period: Sequence[str | Period],
        value: npt.ArrayLike | None = None,
        numerator: npt.ArrayLike | None = None,
        denominator: npt.ArrayLike | None = None,
        sample_size: npt.ArrayLike | None = None,
        population: npt.ArrayLike | None = None,
        sd: npt.ArrayLike | None = None,
        source: Sequence[str] | str = "",
        published: Iterable[PublishedFigure] = (),
        registry: OrganisationRegistry | Literal[False] | None = None,
        percent: npt.ArrayLike | None = None,
    ) -> Dataset:
        """Build from long-format columns (one entry per observation).

        Organisation names and codes are resolved to ONS codes through ``registry`` (the
        shipped one by default); pass ``registry=False`` to keep them exactly as given
        (e.g. for basic command units that no registry knows). Duplicate keys raise
        :class:`DuplicateObservationError`; non-numeric cells raise :class:`DataError`
        naming every bad row, and a field breaking one of :data:`FIELD_RULES` (a negative
        numerator, a sample size of 0 ...) :class:`~perfcore.errors.InvalidValueError`.
        ``percent`` marks the values written as percentages (see :attr:`percent`).
        """
        n = len(measure)
        if len(organisation) != n or len(period) != n:
            raise DataError(reason=f"key columns differ in length: measure {n}, organisation "
                            f"{len(organisation)}, period {len(period)}")
        # Each key column is factorised first and then parsed, resolved or checked once
        # per distinct value (see factorize).
        p_distinct, p_raw = factorize(period)
        o_distinct, o_raw = factorize(organisation)
        try:
            m_distinct, m_raw = factorize(measure)
        except TypeError:  # an unhashable cell: found and named by the row check
            m_distinct, m_raw = list(measure), np.arange(n, dtype=np.int32)
        ms, os_, ps = _checked_keys(m_distinct, m_raw, o_distinct, o_raw, p_distinct, p_raw,
                                    registry)
        m_cats, m_code = _sorted_categories(ms, m_raw)
        o_cats, o_code = _sorted_categories(os_, o_raw)
        p_cats, p_code = _sorted_categories(ps, p_raw)
        if not n:
            s_cats, s_code = ("",), np.zeros(0, np.int32)
        elif isinstance(source, str):
            s_cats, s_code = (source,), np.zeros(n, np.int32)
        else:
            s_cats, s_code = _encode(list(source))
        return cls._assemble(
            keys=(m_cats, m_code, o_cats, o_code, p_cats, p_code), n=n,
            columns=(value, numerator, denominator, sample_size, population, sd),
            sources=(s_cats, s_code), published=published, percent=percent)

    @classmethod
    def _assemble(cls, *, keys: tuple[Any, ...], n: int,
                  columns: tuple[npt.ArrayLike | None, ...],
                  sources: tuple[tuple[str, ...], npt.NDArray[np.int32]],
                  published: Iterable[PublishedFigure],
                  percent: npt.ArrayLike | None = None, checked: bool = False) -> Dataset:
        """A dataset from final categories and codes, its keys checked unique and its
        fields checked against :data:`FIELD_RULES`: the one boundary every builder (and
        so every loader) passes. ``checked``: the columns are new float64 arrays of
        numbers or NaN (joined from datasets), kept as they are rather than converted."""
        m_cats, m_code, o_cats, o_code, p_cats, p_code = keys
        fields: dict[str, FloatArray] = {
            f: (np.asarray(v, dtype=np.float64) if checked and v is not None
                else _as_float_column(f, v, n))
            for f, v in zip(FIELDS, columns, strict=True)}
        ds = cls(measures=m_cats, organisations=o_cats, periods=p_cats,
                 measure_code=m_code, organisation_code=o_code, period_code=p_code,
                 **fields,
                 sources=sources[0], source_code=sources[1], published=tuple(published),
                 percent=_percent_column(percent, n))
        ds._check_unique_keys()
        ds._check_fields()
        return ds

    @classmethod
    def from_codes(
        cls,
        *,
        measures: Sequence[str],
        measure_code: npt.ArrayLike,
        organisations: Sequence[str],
        organisation_code: npt.ArrayLike,
        periods: Sequence[Period],
        period_code: npt.ArrayLike,
        value: npt.ArrayLike | None = None,
        numerator: npt.ArrayLike | None = None,
        denominator: npt.ArrayLike | None = None,
        sample_size: npt.ArrayLike | None = None,
        population: npt.ArrayLike | None = None,
        sd: npt.ArrayLike | None = None,
        sources: Sequence[str] = ("",),
        source_code: npt.ArrayLike | None = None,
        published: Iterable[PublishedFigure] = (),
        percent: npt.ArrayLike | None = None,
    ) -> Dataset:
        """Build from keys already factorised by a loader: each key column as distinct
        values (already valid: measure ids, organisation codes as they are to be kept,
        :class:`Period` objects) and one code per row into them. Distinct values may
        repeat (two spellings resolved to one code); they are sorted and merged here, and
        duplicate keys raise :class:`DuplicateObservationError` as in
        :meth:`from_columns`, whose checks and parsing this skips. Columns are copied,
        except read-only ones of the stored type (float64 fields, int32 codes): those
        cannot change, so they are shared (a loader marks the arrays it hands over
        read-only to save a copy: 10 million rows are 80 MB a column)."""
        n = int(np.shape(measure_code)[0]) if np.ndim(measure_code) else -1
        m_cats, m_code = _sorted_categories(
            list(measures), _code_column("measure_code", measure_code, len(measures), n))
        o_cats, o_code = _sorted_categories(
            list(organisations),
            _code_column("organisation_code", organisation_code, len(organisations), n))
        p_cats, p_code = _sorted_categories(
            list(periods), _code_column("period_code", period_code, len(periods), n))
        if source_code is None:
            s_cats, s_code = (tuple(sources[:1]) or ("",)), _one_source(n)
        else:
            s_cats, s_code = _sorted_categories(
                list(sources), _code_column("source_code", source_code, len(sources), n))
        return cls._assemble(
            keys=(m_cats, m_code, o_cats, o_code, p_cats, p_code), n=n,
            columns=(value, numerator, denominator, sample_size, population, sd),
            sources=(s_cats if n else ("",), s_code), published=published, percent=percent)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], *,
                     published: Iterable[PublishedFigure] = (),
                     registry: OrganisationRegistry | Literal[False] | None = None) -> Dataset:
        """Build from mappings with keys ``measure``, ``organisation``, ``period`` and any
        of ``value``, ``numerator``, ``denominator``, ``sample_size``, ``population``,
        ``sd``, ``source`` and ``percent`` (true: the value was written as a percentage).
        Unknown keys raise :class:`DataError` (nothing is silently ignored)."""
        allowed = {"measure", "organisation", "period", "source", "percent", *FIELDS}
        cols: dict[str, list[Any]] = {k: [] for k in allowed}
        for i, rec in enumerate(records):
            extra = set(rec) - allowed
            if extra:
                raise DataError(reason=f"unknown {plural(len(extra), 'field')} "
                                f"{sorted(extra)}; allowed: {', '.join(sorted(allowed))}",
                                row=i)
            for k in ("measure", "organisation", "period"):
                if k not in rec:
                    raise DataError(reason=f"no {k!r} given", row=i, column=k)
            for k in allowed:
                cols[k].append(rec.get(k, "" if k == "source" else None))
        return cls.from_columns(
            measure=cols["measure"], organisation=cols["organisation"], period=cols["period"],
            source=[s or "" for s in cols["source"]], published=published, registry=registry,
            percent=[bool(p) for p in cols["percent"]] if any(cols["percent"]) else None,
            **{f: cols[f] for f in FIELDS})

    @classmethod
    def from_arrow(cls, data: Any, *, columns: Mapping[str, str] | None = None,
                   source: str = "", published: Iterable[PublishedFigure] = (),
                   registry: OrganisationRegistry | Literal[False] | None = None) -> Dataset:
        """Build from Arrow data in the long format, as :meth:`from_columns` does from
        Python columns, without a Python object per row (needs pyarrow: the ``arrow``
        extra).

        ``data`` is a ``pyarrow.Table``, ``RecordBatch``, ``RecordBatchReader`` or
        record batches, or anything with the Arrow C stream interface
        (``__arrow_c_stream__``): a Polars DataFrame, a DuckDB relation. Columns:
        ``measure``, ``organisation``, ``period`` and any of the numeric fields and
        ``source`` (``columns`` renames: column as written → field); other columns are
        an error. Key columns may be text or dictionary-encoded (categoricals); a date
        or timestamp ``period`` gives calendar months. Numeric fields may be numbers
        (nulls are missing) or text, read as :meth:`from_columns` reads it. Keys are
        checked once per distinct value, as in :meth:`from_columns`.
        """
        from perfcore._arrow import read_long
        long, written = read_long(data, keys=(*_KEYS, "source"), numeric=FIELDS,
                                  rename=columns)
        allowed = {*_KEYS, "source", *FIELDS}
        unknown = [w for name, w in written.items() if name not in allowed]
        missing = [k for k in _KEYS if k not in long.keys]
        if unknown or missing:
            raise DataError(reason=f"Arrow data: {_column_problems(missing, unknown, allowed)}")
        m_distinct, o_distinct, p_distinct = (long.keys[k].distinct for k in _KEYS)
        m_raw, o_raw, p_raw = (long.keys[k].codes() for k in _KEYS)
        keys = _checked_keys(m_distinct, m_raw, [str(o) for o in o_distinct], o_raw,
                             p_distinct, p_raw, registry)
        values = {f: long.number(f) for f in long.numbers}
        values.update({f: _text_numbers(f, t.distinct, t.codes())
                       for f, t in long.text_numbers.items()})
        if "source" in long.keys:
            sources = [s.strip() or source for s in map(str, long.keys["source"].distinct)]
            source_code = long.keys["source"].codes()
        else:
            sources, source_code = [source], None
        return cls.from_codes(measures=keys[0], measure_code=m_raw, organisations=keys[1],
                              organisation_code=o_raw, periods=keys[2], period_code=p_raw,
                              sources=sources, source_code=source_code, published=published,
                              **_read_only(values))

    def to_arrow(self) -> Any:
        """The observations as a ``pyarrow.Table`` (needs pyarrow): ``measure``,
        ``organisation`` (ONS code), ``period`` (dictionary-encoded text; a month that
        would read as a financial year is spelt ``December 2011``), the six numeric
        fields (NaN where absent) and ``source``, so that
        ``Dataset.from_arrow(ds.to_arrow(), registry=False) == ds`` (published figures
        are not included)."""
        from perfcore._arrow import dataset_columns, pyarrow
        return pyarrow().table(dataset_columns(self))

    def to_records(self) -> list[dict[str, Any]]:
        """Observations as mappings (periods in canonical spelling, absent fields omitted);
        ``Dataset.from_records(ds.to_records())`` rebuilds an equal dataset."""
        out: list[dict[str, Any]] = []
        cols = {f: getattr(self, f) for f in FIELDS}
        for i in range(len(self)):
            rec: dict[str, Any] = {
                "measure": self.measures[self.measure_code[i]],
                "organisation": self.organisations[self.organisation_code[i]],
                "period": str(self.periods[self.period_code[i]]),
            }
            for f, col in cols.items():
                v = float(col[i])
                if not math.isnan(v):
                    rec[f] = v
            src = self.sources[self.source_code[i]]
            if src:
                rec["source"] = src
            if self.percent is not None and self.percent[i]:
                rec["percent"] = True
            out.append(rec)
        return out

    @classmethod
    def concat(cls, datasets: Sequence[Dataset]) -> Dataset:
        """One dataset holding the observations of several (e.g. monthly observations and
        their financial-year aggregates). Overlapping keys raise
        :class:`DuplicateObservationError`, and so does one published figure given twice
        with different values (given twice with the same value, it is kept once);
        organisation keys are kept as they are."""
        if not datasets:
            raise DataError(reason="concat needs at least one dataset")
        n = sum(len(d) for d in datasets)
        # Key by key: the categories of every dataset, and each dataset's codes moved
        # past those before it, reduced to the categories used (as from_columns would
        # find them in the rows), without a Python object per row.
        keys = [_concat_codes([(getattr(d, cats), getattr(d, codes)) for d in datasets])
                for cats, codes in (("measures", "measure_code"),
                                    ("organisations", "organisation_code"),
                                    ("periods", "period_code"), ("sources", "source_code"))]
        # A field with no value in any dataset stays absent (no memory per row).
        columns = tuple(None if all(_all_nan(getattr(d, f)) for d in datasets)
                        else np.concatenate([getattr(d, f) for d in datasets])
                        for f in FIELDS)
        percent = (None if all(d.percent is None for d in datasets) else np.concatenate(
            [np.zeros(len(d), dtype=bool) if d.percent is None else d.percent
             for d in datasets]))
        (m_cats, m_code), (o_cats, o_code), (p_cats, p_code), (s_cats, s_code) = keys
        return cls._assemble(
            keys=(m_cats, m_code, o_cats, o_code, p_cats, p_code), n=n, columns=columns,
            sources=(s_cats if n else ("",), s_code), published=_merge_published(datasets),
            percent=percent, checked=True)

    # --- checks and look-ups --------------------------------------------------------------

    def _key(self) -> npt.NDArray[np.int64]:
        """Each row's position in the flattened measures × organisations × periods cube."""
        key: npt.NDArray[np.int64] | None = self._layout.get("key")
        if key is None:
            no, np_ = len(self.organisations), len(self.periods)
            # In place: one array of n int64, not four (10 million rows are 80 MB each).
            key = self.measure_code.astype(np.int64)
            key *= no
            key += self.organisation_code
            key *= np_
            key += self.period_code
            n = key.size
            increasing = n < 2 or bool(np.all(key[1:] > key[:-1]))
            self._layout["key"] = key
            self._layout["increasing"] = increasing
            # Rows in cube order with none missing (a cube is then a reshape): n strictly
            # increasing keys in 0..n-1 can only be 0, 1, ..., n-1.
            self._layout["grid"] = bool(
                increasing and n == len(self.measures) * no * np_
                and (n == 0 or (key[0] == 0 and key[-1] == n - 1)))
        return key

    def _grid(self) -> bool:
        """Whether the rows are the cube's cells in order (see :meth:`_key`)."""
        if "grid" not in self._layout:
            self._key()
        grid: bool = self._layout["grid"]
        return grid

    def _series_blocks(self) -> bool:
        """Whether the rows hold every cell as whole series one after another, each
        series' periods in order (long data sorted by measure and organisation, in any
        order of their own; the cube's order is one case). Read from the codes, without
        making the key: the keys are then unique, and a cell's row is where its series
        starts plus its period, so the starts are kept for :meth:`_rows_of_cells` (no
        scatter of every row, nor a row number kept for each)."""
        nt, no = len(self.periods), len(self.organisations)
        shape = (len(self.measures), no, nt)
        if nt == 0 or len(self) != math.prod(shape):
            return False
        steps = np.arange(nt, dtype=self.period_code.dtype)
        if not np.array_equal(self.period_code[:nt], steps):  # a quick look first
            return False
        # Each block of nt rows: the periods in order, one measure and organisation.
        for codes, expected in ((self.period_code, steps), (self.measure_code, None),
                                (self.organisation_code, None)):
            block = codes.reshape(-1, nt)
            if not (block == (block[:, :1] if expected is None else expected)).all():
                return False
        series = self.measure_code[::nt].astype(np.int64) * no + self.organisation_code[::nt]
        if int(np.bincount(series, minlength=series.size).max()) > 1:
            return False
        starts = np.empty(series.size, dtype=np.intp)
        starts[series] = np.arange(0, len(self), nt)
        self._layout["starts"] = starts
        in_order = bool(np.array_equal(series, np.arange(series.size)))
        self._layout["grid"] = self._layout["increasing"] = in_order
        return True

    def _check_unique_keys(self) -> None:
        if self._series_blocks():
            return
        key = self._key()
        # Long data usually arrive sorted by key (strictly increasing: nothing repeats),
        # and their key space is usually dense enough to count keys rather than sort them.
        if self._layout["increasing"]:
            return
        space = len(self.measures) * len(self.organisations) * len(self.periods)
        if space <= 8 * key.size:
            # Dense enough to mark each key seen (a byte a cell): as many seen as rows.
            seen = np.zeros(space, dtype=bool)
            seen[key] = True
            if np.count_nonzero(seen) == key.size:
                return
        order = np.argsort(key, kind="stable")
        dup = np.flatnonzero(key[order][1:] == key[order][:-1])
        if dup.size:
            i, j = int(order[dup[0]]), int(order[dup[0] + 1])
            k = (self.measures[self.measure_code[i]], self.organisations[self.organisation_code[i]],
                 str(self.periods[self.period_code[i]]))
            raise DuplicateObservationError(key=k, rows=(i, j), count=int(dup.size))

    def _check_fields(self) -> None:
        """Raise :class:`~perfcore.errors.InvalidValueError` for the first rule of
        :data:`FIELD_RULES` that some observations break, naming the first of them and
        counting the rest (``rows`` are the dataset's rows, from 0)."""
        broken = broken_rules({f: getattr(self, f) for f in FIELDS})
        if not broken:
            return
        rule, rows = broken[0]
        i = int(rows[0])
        other = (f"{written(float(getattr(self, rule.other)[i]))}" if rule.other else "")
        raise InvalidValueError(
            reason=rule.reason.format(other=other),
            value=written(float(getattr(self, rule.field)[i])), allowed=rule.allowed,
            row=i, rows=tuple(rows[:100].tolist()), count=int(rows.size), column=rule.field,
            measure=self.measures[self.measure_code[i]],
            organisation=organisation_name(self.organisations[self.organisation_code[i]]),
            period=str(self.periods[self.period_code[i]]),
            source=self.sources[self.source_code[i]] or None)

    def sources_of(self, organisation: str, measures: Sequence[str],
                   periods: Sequence[str | Period]) -> dict[tuple[str, str], str]:
        """The recorded source of each (measure, period) observation of one organisation
        that the dataset holds, keyed by measure id and canonical period text."""
        try:
            o = self.organisation_index(organisation)
        except UnknownOrganisationError:
            return {}
        m_codes = [self.measures.index(m) for m in measures if m in self.measures]
        wanted = [parse_period(p) for p in periods]
        p_codes = [self.periods.index(p) for p in wanted if p in self.periods]
        rows = np.flatnonzero((self.organisation_code == o)
                              & np.isin(self.measure_code, m_codes)
                              & np.isin(self.period_code, p_codes))
        return {(self.measures[self.measure_code[r]], str(self.periods[self.period_code[r]])):
                self.sources[self.source_code[r]] for r in rows.tolist()}

    def measure_index(self, measure: str) -> int:
        try:
            return self.measures.index(measure)
        except ValueError:
            raise UnknownMeasureError.near(measure, self.measures,
                                           where="the dataset") from None

    def organisation_index(self, organisation: str) -> int:
        try:
            return self.organisations.index(organisation)
        except ValueError:
            try:
                code = default_registry().code(organisation)
            except UnknownOrganisationError:
                code = None
            if code is not None and code in self.organisations:
                return self.organisations.index(code)
            raise self._unknown_organisation(organisation, code) from None

    def _unknown_organisation(self, organisation: str, code: str | None
                              ) -> UnknownOrganisationError:
        """Close names or codes the data have; a known force the data lack is said to be
        one (a spelling is not its problem); a short list of what the data have."""
        names = {organisation_name(c): c for c in self.organisations}
        notes = []
        if code is not None:
            notes.append(f"{organisation_name(code)} ({code}) is known, but the data have "
                         "no figures for it")
        if 0 < len(names) <= 8:
            notes.append("the data have " + ", ".join(sorted(names)))
        return UnknownOrganisationError.near(
            organisation, [] if code is not None else [*names, *self.organisations],
            where="the dataset", hint="; ".join(notes))

    def period_index(self, period: str | Period) -> int:
        p = parse_period(period)
        try:
            return self.periods.index(p)
        except ValueError:
            raise UnknownPeriodError(period=str(p),
                                     covered=tuple(str(x) for x in self.periods)) from None

    def cube(self, field: str, *, measures: Sequence[str] | None = None,
             organisations: Sequence[str] | None = None,
             periods: Sequence[str | Period] | None = None) -> FloatArray:
        """A measures × organisations × periods array of one field (NaN where absent)."""
        return self.cubes((field,), measures=measures, organisations=organisations,
                          periods=periods)[field]

    def cubes(self, fields: Sequence[str], *, measures: Sequence[str] | None = None,
              organisations: Sequence[str] | None = None,
              periods: Sequence[str | Period] | None = None) -> dict[str, FloatArray]:
        """:meth:`cube` of several fields, looking the keys up once. ``"percent"`` gives
        the :attr:`percent` marks as 1.0 (written as a percentage) or 0.0."""
        for field in fields:
            if field not in (*FIELDS, "percent"):
                raise OptionError.for_choice("field", field, (*FIELDS, "percent"))
        return self._cubes({f: self._percent_marks() if f == "percent" else getattr(self, f)
                            for f in fields}, measures=measures,
                           organisations=organisations, periods=periods)

    def _percent_marks(self) -> FloatArray:
        if self.percent is None:
            return np.broadcast_to(np.float64(0.0), (len(self),))
        return self.percent.astype(np.float64)

    def source_cube(self, measures: Sequence[str], organisations: Sequence[str],
                    periods: Sequence[str | Period]) -> tuple[tuple[str, ...], IntArray]:
        """The recorded source of each observation, as codes into :attr:`sources`
        (measures × organisations × periods; -1 where there is no observation). Measures
        and periods the dataset does not hold are -1 throughout."""
        wanted = [parse_period(p) for p in periods]
        shape = (len(measures), len(organisations), len(wanted))
        out = np.full(shape, -1, dtype=np.int32)
        mi = [i for i, m in enumerate(measures) if m in self.measures]
        pi = [i for i, p in enumerate(wanted) if p in self.periods]
        if not (mi and pi) or self.source_code is None:
            return self.sources, out
        codes = self._cubes({"source": self.source_code.astype(np.float64)},
                            measures=[measures[i] for i in mi], organisations=organisations,
                            periods=[wanted[i] for i in pi])["source"]
        out[np.ix_(mi, range(len(organisations)), pi)] = np.where(np.isnan(codes), -1, codes)
        return self.sources, out

    def _cubes(self, columns: Mapping[str, npt.NDArray[Any]], *,
               measures: Sequence[str] | None, organisations: Sequence[str] | None,
               periods: Sequence[str | Period] | None) -> dict[str, FloatArray]:
        positions = self._layout.get("positions")
        if positions is None:
            positions = self._layout["positions"] = (
                {m: i for i, m in enumerate(self.measures)},
                {o: i for i, o in enumerate(self.organisations)},
                {p: i for i, p in enumerate(self.periods)})
        m_pos, o_pos, p_pos = positions

        def index(wanted: Sequence[Any] | None, pos: dict[Any, int],
                  slow: Any) -> npt.NDArray[np.intp] | None:
            """Positions along one axis; None for the whole axis in order."""
            if wanted is None:
                return None
            ix = np.array([pos[w] if w in pos else slow(w) for w in wanted], dtype=np.intp)
            whole = ix.size == len(pos) and bool(np.array_equal(ix, np.arange(len(pos))))
            return None if whole else ix

        axes = (index(measures, m_pos, self.measure_index),
                index(organisations, o_pos, self.organisation_index),
                index(periods, p_pos, self.period_index))
        shape = (len(self.measures), len(self.organisations), len(self.periods))

        def select(full: npt.NDArray[Any]) -> npt.NDArray[Any]:
            # Axis by axis: taking whole slabs is far faster than one np.ix_ index.
            for axis, ix in enumerate(axes):
                if ix is not None:
                    full = np.take(full, ix, axis=axis)
            return full

        whole = all(ix is None for ix in axes)
        out: dict[str, FloatArray] = {}
        if self._grid():
            for field, column in columns.items():
                # The whole grid is copied so that the caller cannot write into the
                # dataset (a selection is a fresh array already).
                full = column.reshape(shape)
                out[field] = full.copy() if whole else select(full)
            return out
        starts = self._series_starts() if len(self) == math.prod(shape) else None
        if starts is not None:
            # Whole series one after another: each series is a run of rows, copied
            # whole (rows of the columns seen as series x periods).
            block = starts // max(shape[2], 1)
            for axis, ix in enumerate(axes[:2]):
                if ix is not None:
                    block = np.take(block, ix, axis=axis)
            for field, column in columns.items():
                full = np.take(column.reshape(-1, shape[2]), block, axis=0)
                out[field] = full if axes[2] is None else np.take(full, axes[2], axis=2)
            return out
        rows = self._rows_of_cells()
        if rows is not None:
            # Every cell present, rows in another order: gather through the row of each
            # cell.
            cell_rows = select(rows)
            return {field: np.take(column, cell_rows) for field, column in columns.items()}
        key = self._key()
        for field, column in columns.items():
            full = np.full(shape, np.nan)
            full.reshape(-1)[key] = column
            out[field] = select(full)
        return out

    def published_figure(self, measure: str, group: str, period: str | Period,
                         figure: str) -> PublishedFigure | None:
        p = parse_period(period)
        for f in self.published:
            if (f.measure, f.group, f.period, f.figure) == (measure, group, p, figure):
                return f
        return None

    # --- aggregation ---------------------------------------------------------------------

    def aggregate(self, to: Aggregation, *, periods: Iterable[str | Period] | None = None,
                  partial: Literal["exclude", "error"] = "exclude") -> Dataset:
        """Aggregate monthly observations to financial years, quarters, calendar years or
        rolling 12-month windows.

        Sums ``value``, ``numerator``, ``denominator`` and ``sample_size``; where an
        observation has a numerator and denominator the aggregated value is their ratio
        (so a monthly proportion aggregates correctly). ``population`` is taken from the
        period's last month. A period is produced only when every one of its months is
        present; incomplete periods are excluded with an :class:`IncompletePeriodWarning`
        saying how many (``partial="error"`` raises instead). Non-monthly observations are
        not touched and not returned. (Means cannot be summed: aggregate them yourself;
        ``sd`` is not aggregated.)

        ``periods`` (periods of the kind ``to`` makes, or their names) limits the result to
        those periods, and the work to their months: an evaluation reads the latest few
        years of a long monthly series (:func:`perfcore.evaluation.periods_read`). A period
        no month of the data falls in is not produced, as without ``periods``; the
        warning about incomplete periods counts only those asked for. Default: every
        period the months touch.
        """
        is_month = np.array([isinstance(p, Month) for p in self.periods], dtype=bool)
        first_month = np.array([p.first for p in self.periods], dtype=np.int64)
        if not is_month.all():  # months actually used: other periods have codes too
            used_codes = np.bincount(self.period_code, minlength=len(self.periods)) > 0
            is_month &= used_codes
        if not is_month.any():
            raise DataError(reason="the dataset has no monthly observations to aggregate")
        used = first_month[is_month]
        t0, t1 = int(used.min()), int(used.max())
        # Windows: (period, first month index, length) for every target period touching
        # the data; edge periods then count as partial rather than vanishing.
        every = self._windows(to, t0, t1)
        pick = _chosen_windows(to, every, periods)
        windows = [every[k] for k in pick]
        if not windows:
            asked = "" if periods is None else " asked for"
            raise DataError(reason=f"no {to} period{asked} fits within the monthly data "
                            f"({Month.from_index(t0)} to {Month.from_index(t1)})")
        # A field with no value (often sample_size and population) aggregates to NaN
        # everywhere: no sums for it. (A field with values only outside the rows summed
        # sums to NaN in every window with months, as absent fields do.)
        absent = {f for f in FIELDS if _all_nan(getattr(self, f))}
        if self.percent is None:
            absent.add("percent")
        if to != "rolling12" and is_month.all():
            from_cells = self._window_sums_of_cells(windows, first_month, absent)
            if from_cells is not None:
                return self._aggregated(to, windows, *from_cells, partial)
        nm, no, nw = len(self.measures), len(self.organisations), len(windows)
        starts = np.array([w[1] for w in windows], dtype=np.int64)
        length = windows[0][2]
        if to == "rolling12":  # the months of the windows chosen, and those between
            slot = np.where(is_month & (first_month >= starts[0])
                            & (first_month < starts[-1] + length), 0, -1)
        else:  # each month's window among those chosen (-1: none)
            chosen = np.full(len(every), -1, dtype=np.int64)
            chosen[pick] = np.arange(nw)
            window = np.clip((first_month - every[0][1]) // length, 0, len(every) - 1)
            slot = np.where(is_month, chosen[window], -1)
        rows: slice | npt.NDArray[np.intp] = (
            slice(None) if (slot >= 0).all()
            else np.flatnonzero(np.take(slot >= 0, self.period_code)))
        if isinstance(rows, slice):
            period_code = self.period_code
            series = self.measure_code.astype(np.int64)
            cols = {f: self._summed(f) for f in _SUMMED_FROM if f not in absent}
        else:
            period_code = np.take(self.period_code, rows)
            series = np.take(self.measure_code, rows).astype(np.int64)
            cols = {f: np.take(self._summed(f), rows) for f in _SUMMED_FROM
                    if f not in absent}
        series *= no
        series += self.organisation_code[rows]
        if to == "rolling12":
            count, sums, pop = _rolling_sums(series, np.take(first_month, period_code), cols,
                                             absent, starts, length, nm * no)
        else:
            closes = first_month - starts[np.maximum(slot, 0)] == length - 1
            series *= nw
            series += np.take(slot, period_code)
            count, sums, pop = _tiled_sums(series, np.take(closes, period_code), cols, absent,
                                           nm * no * nw)
        return self._aggregated(to, windows, count, sums, pop, partial)

    def _summed(self, field: str) -> FloatArray:
        """A column aggregate reads: a field, or the ``percent`` marks as 0/1."""
        if field == "percent":
            assert self.percent is not None  # (absent otherwise: never read)
            return self.percent.astype(np.float64)
        column: FloatArray = getattr(self, field)
        return column

    def _window_sums_of_cells(self, windows: Sequence[tuple[Period, int, int]],
                              first_month: Codes, absent: set[str]
                              ) -> tuple[Codes, dict[str, FloatArray], FloatArray] | None:
        """:func:`_tiled_sums` read through the cube, when every cell is there and the
        months are consecutive: each window's months added month by month, in row order
        as ``bincount`` adds them (so the sums are the same to the bit), without a pass
        over every row. Whole series one after another are read as a (series, months)
        slab (:func:`_slab_window_sums`); rows in another order through the row of each
        cell (:meth:`_gathered_window_sums`). None when the rows must be summed instead."""
        nm, no, nt = len(self.measures), len(self.organisations), len(self.periods)
        if nt == 0 or not np.array_equal(first_month, first_month[0] + np.arange(nt)):
            return None
        if len(self) != nm * no * nt:  # (keys are unique: every cell has a row)
            return None
        length, nw = windows[0][2], len(windows)
        starts = np.array([w[1] for w in windows], dtype=np.int64) - first_month[0]
        inside = (starts >= 0) & (starts + length <= nt)
        series_starts = self._series_starts()
        read: Callable[..., FloatArray] | None
        if series_starts is not None:
            blocks = None if self._grid() else series_starts.reshape(-1) // nt
            read = functools.partial(_slab_window_sums, blocks=blocks, nt=nt,
                                     starts=starts[inside].tolist(), length=length)
        else:
            read = self._gathered_window_sums(starts[inside], length)
            if read is None:
                return None
        sums: dict[str, FloatArray] = {}
        for f in _SUMMED:
            out = np.full((nm * no, nw), np.nan)
            if f not in absent:
                out[:, inside] = read(self._summed(f))
            sums[f] = out.reshape(-1)
        pop: FloatArray = np.full((nm * no, nw), np.nan)
        if "population" not in absent:
            pop[:, inside] = read(self.population, last=True)
        # Every cell is there: a window has as many months as it overlaps the data.
        overlap = np.minimum(starts + length, nt) - np.maximum(starts, 0)
        count = np.broadcast_to(overlap, (nm * no, nw)).reshape(-1)
        return count, sums, pop.reshape(-1)

    def _gathered_window_sums(self, starts: npt.NDArray[np.int64], length: int
                              ) -> Callable[..., FloatArray] | None:
        """A reader of window sums (as :func:`_slab_window_sums`) for every cell present
        with rows in any order: the cells of the windows' months gathered through the row
        of each cell, month of the window first so that each step adds one contiguous
        slab. None when some window's months do not come in row order (the sums would
        then be added in another order than the rows')."""
        nm, no = len(self.measures), len(self.organisations)
        # The months read, month of the window first: (length, windows).
        months = (np.arange(length)[:, None] + starts[None, :]).reshape(-1)
        cell_rows = self._rows_of_cells(months)
        if cell_rows is None:
            return None
        rows = np.ascontiguousarray(
            np.moveaxis(cell_rows.reshape(nm * no, length, -1), 1, 0))
        if length > 1 and not (rows[1:] > rows[:-1]).all():
            return None

        def read(column: FloatArray, *, last: bool = False) -> FloatArray:
            if last:
                pop: FloatArray = np.take(column, rows[-1])
                return pop
            cells = np.take(column, rows)
            total = np.zeros(cells.shape[1:])
            for j in range(length):
                total += cells[j]
            return total
        return read

    def _series_starts(self) -> npt.NDArray[np.intp] | None:
        """The row where each measure × organisation series starts, when the rows are
        whole series one after another, periods in order (:meth:`_series_blocks`; the
        cube's own order among them); else None."""
        starts: npt.NDArray[np.intp] | None = self._layout.get("starts")
        shape = (len(self.measures), len(self.organisations))
        if starts is None and self._grid():
            starts = np.arange(math.prod(shape), dtype=np.intp) * len(self.periods)
        return None if starts is None else starts.reshape(shape)

    def _rows_of_cells(self, periods: npt.NDArray[np.intp] | None = None
                       ) -> npt.NDArray[np.intp] | None:
        """The row of each measures × organisations × periods cell (only the positions
        ``periods`` along the last axis, when given); None unless every cell has a row."""
        shape = (len(self.measures), len(self.organisations), len(self.periods))
        if len(self) != math.prod(shape):  # (keys are unique: every cell has a row)
            return None
        starts = self._series_starts()
        if starts is not None:  # a cell's row: where its series starts, plus its period
            return starts[..., None] + (np.arange(shape[2]) if periods is None else periods)
        # Rows in another order: keys are unique, so scattering row numbers inverts the
        # permutation (once: cubes read it too).
        rows = self._layout.get("rows")
        if rows is None:
            key = self._key()
            rows = self._layout["rows"] = np.empty(key.size, dtype=np.intp)
            rows[key] = np.arange(key.size)
            # The rows say all the key said (every cell has one): the key need not be
            # kept as well (8 bytes a row), and is made again if ever needed.
            del self._layout["key"]
        cube = rows.reshape(shape)
        return cube if periods is None else np.take(cube, periods, axis=2)

    def _aggregated(self, to: str, windows: Sequence[tuple[Period, int, int]],
                    count: Codes, sums: dict[str, FloatArray], pop: FloatArray,
                    partial: str) -> Dataset:
        """The dataset of the complete series × window cells of :meth:`aggregate`'s sums
        (flat, series-major), after saying which were incomplete."""
        nw, no, length = len(windows), len(self.organisations), windows[0][2]
        complete = count == length
        ratio_ok = ~np.isnan(sums["numerator"]) & ~np.isnan(sums["denominator"])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(sums["denominator"] != 0, sums["numerator"] / sums["denominator"],
                             np.nan)
        value = np.where(ratio_ok, ratio, sums["value"])
        self._say_incomplete((count > 0) & ~complete, windows, partial)
        kept = np.flatnonzero(complete)
        series_k, wi = np.divmod(kept, nw)
        mi, oi = np.divmod(series_k, no)
        # The keys are already codes into valid categories and unique by construction,
        # so the result is assembled from them directly (what from_columns would build
        # from the same rows with registry=False, without re-hashing every key).
        n = int(kept.size)
        m_cats, m_code = _used_categories(self.measures, mi)
        o_cats, o_code = _used_categories(self.organisations, oi)
        p_cats, p_code = _used_categories([w[0] for w in windows], wi)
        return Dataset(
            measures=m_cats, organisations=o_cats, periods=p_cats,
            measure_code=m_code, organisation_code=o_code, period_code=p_code,
            value=value[kept], numerator=sums["numerator"][kept],
            denominator=sums["denominator"][kept], sample_size=sums["sample_size"][kept],
            population=pop[kept], sd=np.full(n, np.nan),
            sources=(f"aggregated from monthly data to {to}",) if n else ("",),
            source_code=_one_source(n), published=tuple(self.published),
            percent=None if self.percent is None else sums["percent"][kept] > 0)

    def _say_incomplete(self, incomplete: npt.NDArray[np.bool_],
                        windows: Sequence[tuple[Period, int, int]], partial: str) -> None:
        """Warn (or, with ``partial="error"``, raise) about the measure × organisation ×
        period cells whose months are not all there, naming the first."""
        n_incomplete = int(np.count_nonzero(incomplete))
        if not n_incomplete:
            return
        nw, no = len(windows), len(self.organisations)
        first = int(np.argmax(incomplete))
        (m0, o0), w0 = divmod(first // nw, no), first % nw
        example = (f"{self.measures[m0]} / {organisation_name(self.organisations[o0])} / "
                   f"{windows[w0][0]}")
        msg = (f"{counted(n_incomplete, 'measure × organisation × period combination')} "
               f"{'lacks' if n_incomplete == 1 else 'lack'} some months and "
               f"{'was' if n_incomplete == 1 else 'were'} not aggregated (first: {example})")
        if partial == "error":
            raise DataError(reason=msg, count=n_incomplete)
        warnings.warn(msg, IncompletePeriodWarning, stacklevel=3)

    @staticmethod
    def _windows(to: str, t0: int, t1: int) -> list[tuple[Period, int, int]]:
        out: list[tuple[Period, int, int]] = []
        if to == "rolling12":
            for end in range(t0 + 11, t1 + 1):
                out.append((Rolling(Month.from_index(end)), end - 11, 12))
            return out
        factories: dict[str, Any] = {
            "financial_year": FinancialYear.containing,
            "quarter": FinancialQuarter.containing,
            "calendar_year": lambda mo: CalendarYear(mo.year),
        }
        if to not in factories:
            raise OptionError.for_choice("to", to, AGGREGATIONS)
        idx = t0
        while idx <= t1:  # one step per period, not per month
            p = factories[to](Month.from_index(idx))
            out.append((p, p.first, p.length))
            idx = p.first + p.length
        return out

    # --- equality ------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (_record_key(self) == _record_key(other)
                and set(self.published) == set(other.published))

    __hash__ = None  # type: ignore[assignment]


def _merge_published(datasets: Sequence[Dataset]) -> tuple[PublishedFigure, ...]:
    kept: dict[tuple[str, str, Period, str], PublishedFigure] = {}
    for d in datasets:
        for f in d.published:
            key = (f.measure, f.group, f.period, f.figure)
            first = kept.setdefault(key, f)
            if first.value != f.value:
                raise DuplicateObservationError(
                    reason=f"published figure {f.figure!r} of measure {f.measure!r} for group "
                    f"{f.group!r}, period {f.period} is given twice with different values: "
                    f"{first.value} ({first.source or 'no source'}) and {f.value} "
                    f"({f.source or 'no source'})", key=(f.measure, f.group, str(f.period)),
                    figure=f.figure)
    return tuple(kept.values())


def _record_key(ds: Dataset) -> list[tuple[tuple[str, Any], ...]]:
    return sorted(tuple(sorted(r.items())) for r in ds.to_records())


_KEYS = ("measure", "organisation", "period")


def _column_problems(missing: Sequence[str], unknown: Sequence[str],
                     allowed: Collection[str]) -> str:
    out = []
    if missing:
        out.append(f"missing {plural(len(missing), 'column')} {', '.join(missing)}")
    if unknown:
        out.append(f"unknown {plural(len(unknown), 'column')} "
                   f"{', '.join(repr(u) for u in unknown)} (known columns "
                   f"are {', '.join(sorted(allowed))}; rename with columns={{'name': "
                   "'field'}})")
    return "; ".join(out)


def _checked_keys(m_distinct: list[Any], m_raw: Codes, o_distinct: list[Any], o_raw: Codes,
                  p_distinct: list[Any], p_raw: Codes,
                  registry: OrganisationRegistry | Literal[False] | None,
                  ) -> tuple[list[str], list[str], list[Period]]:
    """Distinct keys checked as :meth:`Dataset.from_columns` checks them (periods
    parsed, organisations resolved, measures non-empty), each once, in that order; a bad
    one raises naming the first row holding it."""
    periods: list[Period] = []
    for k, p in enumerate(p_distinct):
        try:
            periods.append(parse_period(p))
        except Exception as exc:
            i = _first_row(p_raw, k)
            raise DataError(reason=str(exc), row=i, column="period") from exc
    orgs = o_distinct
    if registry is not False:
        reg = registry or default_registry()
        resolved: list[str] = []
        for k, o in enumerate(orgs):
            try:
                resolved.append(reg.code(o))
            except UnknownOrganisationError as exc:
                i = _first_row(o_raw, k)
                raise UnknownOrganisationError(**{**exc.fields, "row": i,
                                                  "hint": _keep_names()}) from exc
        orgs = resolved
    for k, m in enumerate(m_distinct):
        if not isinstance(m, str) or not m:
            i = _first_row(m_raw, k)
            raise DataError(reason=f"must be a non-empty id, not {m!r}", row=i,
                            column="measure")
    return m_distinct, orgs, periods


def _text_numbers(name: str, cells: list[Any], codes: Codes) -> FloatArray:
    """A text column given as its distinct cells and each row's code, parsed as
    :func:`_as_float_column` parses text, once per distinct cell; a bad cell raises
    naming the first row holding it."""
    try:
        parsed = _as_float_column(name, np.array(cells, dtype=object), len(cells))
    except DataError as exc:
        k = int(exc.fields.get("rows", (0,))[0])
        i = _first_row(codes, k)
        raise DataError(reason=f"{cells[k]!r} is not a number", column=name,
                        row=i) from None
    return parsed[codes] if len(cells) else np.full(codes.shape, np.nan)
