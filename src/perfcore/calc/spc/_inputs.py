"""Reading and checking the inputs of an XmR batch: values (rectangular or ragged), where
each series ends, gaps and non-finite values, and the per-series options (improvement,
target, fixed baseline, rebase positions). Errors name the series and the position."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    BoolArray,
    FloatArray,
    Int8Array,
    IntArray,
    float_or_inf,
    to_float64,
)
from perfcore.codes import Polarity
from perfcore.errors import OptionError, SeriesError

__all__ = [
    "LARGEST",
    "MIN_BASELINE",
    "MIN_POINTS",
    "baselines",
    "check_points",
    "improvement_signs",
    "read_values",
    "rebase_starts",
    "row_floats",
    "series_name",
    "targets",
]


#: The fewest points a chart is read from: its limits come from the moving ranges, and
#: two points make the first.
MIN_POINTS: Final = 2
#: The shortest fixed baseline accepted (NHSRplotthedots `fix_after_n_points` and MDC guidance).
MIN_BASELINE: Final = 12
#: The largest value charted: its moving ranges, their mean and the limits stay far
#: inside the range of a float (and of the exact sums of perfcore.calc._exact).
LARGEST: Final = 1e150


def series_name(ids: Sequence[Any] | None, i: int) -> Any:
    """How errors name series ``i``: its identifier, or its position."""
    return ids[i] if ids is not None else i


def row_floats(row: Any, series: Any) -> FloatArray:
    """One series as float64, or SeriesError at the first element that is not a number."""
    try:
        out = to_float64(row)
    except (TypeError, ValueError):
        out = None
    if out is not None and out.ndim == 1:
        return out
    if out is not None:
        raise SeriesError(reason=f"values must be one-dimensional, got shape {out.shape}",
                          series=series)
    for j, v in enumerate(list(row)):
        if isinstance(v, (bool, np.bool_)):
            continue
        try:
            float_or_inf(v)
        except (TypeError, ValueError):
            raise SeriesError(reason=f"value {v!r} is not a number", series=series,
                              position=j) from None
    raise SeriesError(reason="values are not numeric", series=series)


def _values_2d(values: Any, ids: Sequence[Any] | None) -> tuple[FloatArray, IntArray]:
    """Values as an ``(S, T)`` float array padded with NaN, and each row's length."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise SeriesError(reason=f"values must be 2-D (series × time), got shape "
                              f"{arr.shape}")
        return arr, np.full(arr.shape[0], arr.shape[1], dtype=np.int64)
    if not isinstance(values, np.ndarray):
        try:  # a rectangular list of numbers converts in one go
            rect: FloatArray | None = to_float64(values)
        except (TypeError, ValueError):
            rect = None
        if rect is not None and rect.ndim == 1:  # one series, as a 1-D array is
            rect = rect[None, :]
        if rect is not None and rect.ndim == 2:
            return rect, np.full(rect.shape[0], rect.shape[1], dtype=np.int64)
        if ((rect is not None and rect.ndim == 0) or isinstance(values, (str, bytes))
                or not isinstance(values, Iterable)):
            raise SeriesError(reason="values must be series of numbers (series × time, or "
                              f"one series), not a single {type(values).__name__}")
    rows = [row_floats(r, series_name(ids, i)) for i, r in enumerate(values)]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    width = int(lengths.max()) if len(rows) else 0
    arr = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):  # only when given a ragged Python list, never per series later
        arr[i, :len(r)] = r
    return arr, lengths


def read_values(values: Any, ids: Sequence[Any] | None, *, lengths: Any,
                mask: Any) -> tuple[FloatArray, IntArray]:
    """Values as ``(n_series, width)`` float64 padded with NaN, and each series' length
    (from the ragged rows, ``lengths`` or the prefix ``mask``). With no points at all the
    width is 1 (one column of padding keeps the shapes regular)."""
    y, lens = _values_2d(values, ids)
    n, width = y.shape
    if ids is not None and len(ids) != n:
        raise OptionError(reason=f"has {len(ids)} names for {n} series", option="series_ids",
                          value=ids, allowed=f"{n} names, one per series")
    if mask is not None:
        m = np.asarray(mask, dtype=bool)
        if m.shape != y.shape:
            raise OptionError(reason=f"the mask's shape, not the values' shape {y.shape}",
                              option="mask", value=m.shape, allowed=y.shape)
        lens = m.sum(axis=1).astype(np.int64)
        bad = m != (np.arange(width) < lens[:, None])
        if bad.any():
            i, j = map(int, np.argwhere(bad)[0])
            raise SeriesError(reason="mask must be True for a prefix of the row; mark gaps "
                              "with NaN and allow_gaps", series=series_name(ids, i),
                              position=j)
    if lengths is not None:
        try:
            lens = np.broadcast_to(np.asarray(lengths, dtype=np.int64), (n,)).copy()
        except (TypeError, ValueError, OverflowError):
            raise OptionError(option="lengths", value=lengths,
                              allowed=f"one whole number, or one per series ({n})") from None
        if np.any((lens < 0) | (lens > width)):
            i = int(np.argmax((lens < 0) | (lens > width)))
            raise OptionError(option="lengths", value=int(lens[i]), allowed=f"0..{width}",
                              series=series_name(ids, i))
    if width == 0:
        y = np.full((n, 1), np.nan)
    return y, lens


def check_points(y: FloatArray, inside: BoolArray, ids: Sequence[Any] | None, *,
                 allow_gaps: bool, rolling: Any, force: bool) -> BoolArray:
    """Refuse rolling sums (unless ``force``), non-finite values and, unless
    ``allow_gaps``, missing ones; return where the points inside the series are missing."""
    n = y.shape[0]
    rolled = (np.zeros(n, dtype=bool) if rolling is False
              else per_series(rolling, n, "is_rolling_sum").astype(bool))
    if rolled.any() and not force:
        i = int(np.argmax(rolled))
        raise SeriesError(
            reason="it is a rolling sum: consecutive rolling sums "
            "share most of their months, so they are autocorrelated and the XmR rules "
            "(runs, trends, limits from moving ranges) would signal special causes that are "
            "not there. Chart the monthly values instead, or pass force=True to chart it "
            "anyway.", series=series_name(ids, i))
    # The usual case, nothing to say and nothing missing, seen from the extremes alone:
    # a NaN makes them NaN and an infinity is one of them, and either fails its test.
    if y.size and y.min() >= -LARGEST and y.max() <= LARGEST:
        return np.zeros(y.shape, dtype=bool)
    nonfinite = inside & np.isinf(y)
    missing: BoolArray = inside & np.isnan(y)
    if nonfinite.any():
        i, j = map(int, np.argwhere(nonfinite)[0])
        raise SeriesError(reason=f"value {y[i, j]} is not finite", series=series_name(ids, i),
                          position=j)
    with np.errstate(invalid="ignore"):
        huge = inside & (np.abs(y) > LARGEST)
    if huge.any():
        i, j = map(int, np.argwhere(huge)[0])
        raise SeriesError(reason=f"value {y[i, j]} is too large to chart (moving ranges and "
                          f"limits must fit in a float: at most {LARGEST:g} in size)",
                          series=series_name(ids, i), position=j)
    if missing.any() and not allow_gaps:
        i, j = map(int, np.argwhere(missing)[0])
        raise SeriesError(reason="value is missing (NaN); fill it, or pass allow_gaps=True to "
                          "chart it as a gap", series=series_name(ids, i), position=j)
    return missing


def per_series(value: Any, n: int, name: str) -> npt.NDArray[Any]:
    """One option value per series: a scalar repeated, or a sequence of length ``n``."""
    arr = np.asarray(value, dtype=object)
    if arr.ndim == 0:
        return np.full(n, arr.item(), dtype=object)
    if arr.shape != (n,):
        raise OptionError(option=name, value=value,
                          allowed=f"one value, or one per series ({n})")
    return arr


def improvement_signs(value: Any, n: int) -> Int8Array:
    """``improvement`` per series as +1 (higher is better), −1 (lower) or 0 (neutral),
    read with the one polarity vocabulary (:meth:`perfcore.codes.Polarity.parse`:
    ``"increase"``, ``"higher"``, ``"lower"``, ``"down"``, ``"neutral"`` ...)."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "U" and value.shape == (n,):
        # One name per series (a batch of measures × organisations): compared as arrays
        # rather than as a Python object each, when they are the SPC words.
        inc, dec = value == "increase", value == "decrease"
        if (inc | dec | (value == "neutral")).all():
            fast: Int8Array = inc.view(np.int8) - dec.view(np.int8)
            return fast
    arr = per_series(value, n, "improvement")
    for v in arr.ravel().tolist():
        if not isinstance(v, (str, Polarity)):
            raise OptionError.for_choice("improvement", v, Polarity.spellings())
    # One parse per distinct spelling: a batch of 100,000 series names a few.
    shown = [v.value if isinstance(v, Polarity) else v for v in arr.tolist()]
    names, inverse = np.unique(np.asarray(shown, dtype=str), return_inverse=True)
    signs = np.array([Polarity.parse(v, option="improvement").sign for v in names.tolist()],
                     dtype=np.int8)
    out: Int8Array = signs[inverse.reshape(-1)]
    return out


def targets(value: Any, n: int) -> FloatArray:
    """``target`` per series as float64, NaN for none."""
    if value is None:
        return np.full(n, np.nan)
    try:
        direct = to_float64(value)
    except (TypeError, ValueError):
        direct = None
    if direct is not None and direct.shape in ((), (n,)):
        return np.broadcast_to(direct, (n,)).copy()
    arr = per_series(value, n, "target")
    try:
        return np.array([np.nan if v is None else float_or_inf(v) for v in arr.tolist()])
    except (TypeError, ValueError):
        raise OptionError(option="target", value=value,
                          allowed="numbers (None or NaN for no target)") from None


def baselines(value: Any, n: int, ids: Sequence[Any] | None) -> IntArray:
    """Fixed baseline length per series (0: none), at least :data:`MIN_BASELINE`."""
    if value is None:
        return np.zeros(n, dtype=np.int64)
    arr = per_series(value, n, "baseline")
    out = np.zeros(n, dtype=np.int64)
    for i, v in enumerate(arr.tolist()):
        if v is None or v == 0:
            continue
        series = series_name(ids, i)
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < MIN_BASELINE:
            raise OptionError(
                option="baseline", value=v, allowed=f"None or an integer >= {MIN_BASELINE}",
                hint=f"a fixed baseline needs at least {MIN_BASELINE} points",
                series=series)
        # No series is longer than an int64 counts: a longer baseline (10**400) is
        # every point, as that is.
        out[i] = min(v, np.iinfo(np.int64).max)
    return out


def rebase_starts(value: Any, shape: tuple[int, int], lengths: IntArray,
                  ids: Sequence[Any] | None) -> BoolArray:
    """True at each point that starts a new rebase group."""
    n, width = shape
    starts = np.zeros(shape, dtype=bool)
    if value is None:
        return starts
    if isinstance(value, np.ndarray) and value.dtype == np.bool_ and value.ndim == 2:
        if value.shape != shape:
            raise OptionError(reason=f"the rebase mask's shape, not the values' shape {shape}",
                              option="rebase", value=value.shape, allowed=shape)
        starts[:] = value
        beyond = starts & (np.arange(width) >= lengths[:, None])
        if beyond.any():
            i, j = map(int, np.argwhere(beyond)[0])
            raise SeriesError(reason=f"a rebase beyond the series' {int(lengths[i])} points",
                              series=series_name(ids, i), position=j)
    else:
        rows, cols = _rebase_positions(value, n, lengths, ids)
        starts[rows, cols] = True
    starts[:, 0] = False  # a rebase at the first point starts the group that starts anyway
    return starts


def _rebase_positions(value: Any, n: int, lengths: IntArray,
                      ids: Sequence[Any] | None) -> tuple[IntArray, IntArray]:
    """(series, position) of each rebase given as one list of positions per series."""
    if len(value) != n:
        raise OptionError(option="rebase", value=value,
                          allowed=f"one list of positions per series ({n})")
    rows_list = [[] if v is None else v for v in value]
    try:
        counts = np.fromiter(map(len, rows_list), dtype=np.int64, count=n)
    except TypeError:
        raise OptionError(option="rebase", value=value,
                          allowed="one sequence of int positions (or None) per series") from None
    rows = np.repeat(np.arange(n, dtype=np.int64), counts)
    given = list(chain.from_iterable(rows_list))
    # Each position judged on its own (-1: not a whole number, or beyond any series), so
    # the first bad one is the one named, whatever the others are.
    cols = np.fromiter(map(_position, given), dtype=np.int64, count=len(given))
    bad = (cols < 0) | (cols >= lengths[rows])
    if bad.any():
        k = int(np.argmax(bad))
        i = int(rows[k])
        raise SeriesError(
            reason=f"rebase position out of range; positions run from 0 to "
            f"{int(lengths[i]) - 1}", series=series_name(ids, i), position=given[k])
    return rows, cols


def _position(p: Any) -> int:
    """A rebase position as an index: an int (not a bool) from 0 to the largest int64,
    else -1."""
    whole = type(p) is int or isinstance(p, np.integer)
    return int(p) if whole and 0 <= p <= np.iinfo(np.int64).max else -1
