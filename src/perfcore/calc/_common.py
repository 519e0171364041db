"""Shared plumbing for the vectorised calculations: reason flags, input checking,
broadcasting, option checking and confidence levels.

Every calc function uses these so that a bad element is treated the same way
everywhere: it becomes NaN, its reason bit is set, and one :class:`InvalidInputWarning`
says how many elements were affected. One convention for inputs: a NaN is ``MISSING``, an
infinity ``NON_FINITE``, and the checks on values (negative, zero denominator, numerator
above denominator) apply to finite values only, so a non-finite input carries its own
reason and no other.
"""

from __future__ import annotations

import enum
import functools
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.codes import Code, Polarity
from perfcore.errors import (
    InvalidInputWarning,
    KeywordArgumentError,
    NotNumericError,
    OptionError,
    ShapeError,
)

__all__ = [
    "INVALID",
    "BoolArray",
    "FlagArray",
    "FloatArray",
    "Int8Array",
    "IntArray",
    "Reason",
    "StrArray",
    "as_float",
    "blank_overflow",
    "broadcast",
    "broadcast_signs",
    "check_choice",
    "check_fractions",
    "confidence_levels",
    "count_reasons",
    "fill_invalid",
    "flag",
    "float_or_inf",
    "input_reasons",
    "invalid",
    "keyword_periods",
    "names_of",
    "polarity_signs",
    "positive_option",
    "ratio_reasons",
    "reason_names",
    "scalar_fields",
    "set_reason",
    "to_float64",
    "warn_invalid",
    "z_value",
]

FloatArray = npt.NDArray[np.float64]
FlagArray = npt.NDArray[np.uint16]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]
StrArray = npt.NDArray[np.str_]


class Reason(enum.IntFlag):
    """Why an element of a result is NaN, or carries a caveat.

    Results hold these as a ``uint16`` bit mask per element (``result.reasons``);
    ``reason_names(mask)`` turns one element's mask into names.
    """

    NONE = 0
    MISSING = enum.auto()  #: an input was NaN / missing
    ZERO_BASE = enum.auto()  #: previous value is 0: % change undefined
    SMALL_BASE = enum.auto()  #: previous value below the small-base threshold (a caveat)
    NEGATIVE = enum.auto()  #: a count or denominator was negative
    NON_FINITE = enum.auto()  #: an input was +/-inf
    X_GT_N = enum.auto()  #: numerator exceeds denominator
    ZERO_DENOMINATOR = enum.auto()  #: denominator or population is 0
    TOO_FEW = enum.auto()  #: too few points / members for the method
    NOT_INTEGER = enum.auto()  #: a count was required to be whole
    #: the inputs are beyond what the method can compute (a % change from a base of
    #: 5e-324 is too large for a float; an exact interval for n = 1e300): never ±inf
    OVERFLOW = enum.auto()


#: Reasons that make a value unusable (as opposed to SMALL_BASE, a caveat only).
INVALID = (Reason.MISSING | Reason.ZERO_BASE | Reason.NEGATIVE | Reason.NON_FINITE
           | Reason.X_GT_N | Reason.ZERO_DENOMINATOR | Reason.TOO_FEW | Reason.NOT_INTEGER
           | Reason.OVERFLOW)


def reason_names(mask: int | np.integer[Any]) -> tuple[str, ...]:
    """Names (lower case) of the reason bits set in one element's mask."""
    m = int(mask)
    return tuple(r.name.lower() for r in Reason if r and r.name and m & r)


def names_of(vocabulary: type[Code], codes: npt.NDArray[np.integer[Any]]) -> StrArray:
    """The names of an array of ``vocabulary`` codes (``Direction`` codes → "improving"
    ...), same shape: results store codes and give their names through this."""
    names: StrArray = _name_table(vocabulary)[codes]
    return names


@functools.cache
def _name_table(vocabulary: type[Code]) -> StrArray:
    table = np.asarray(vocabulary.names())
    table.flags.writeable = False  # shared by every result
    return table


def flag(reasons: FlagArray, reason: Reason) -> BoolArray:
    """Boolean array: True where ``reason`` is set in ``reasons``."""
    return np.asarray((reasons & np.uint16(reason)) != 0)


def invalid(reasons: FlagArray) -> BoolArray:
    """Boolean array: True where a reason in :data:`INVALID` is set (the value is NaN)."""
    return np.asarray((reasons & np.uint16(INVALID)) != 0)


def set_reason(reasons: FlagArray, mask: BoolArray | np.bool_, reason: Reason) -> None:
    """Set ``reason`` in ``reasons`` (in place) where ``mask`` is True."""
    reasons[mask] |= np.uint16(reason)


def input_reasons(*arrays: FloatArray) -> FlagArray:
    """``MISSING`` where any of ``arrays`` is NaN, ``NON_FINITE`` where any is ±inf, in
    the arrays' broadcast shape."""
    reasons = np.zeros(np.broadcast_shapes(*(a.shape for a in arrays)), dtype=np.uint16)
    for a in arrays:
        reasons |= np.where(np.isnan(a), np.uint16(Reason.MISSING), np.uint16(0))
        reasons |= np.where(np.isinf(a), np.uint16(Reason.NON_FINITE), np.uint16(0))
    return reasons


def count_reasons(x: FloatArray, reasons: FlagArray, *, whole: bool = False) -> None:
    """Add the reasons a count is unusable to ``reasons`` (in place): ``NEGATIVE``, and
    with ``whole`` ``NOT_INTEGER`` for a fraction (exact methods need whole counts)."""
    finite = np.isfinite(x)
    set_reason(reasons, finite & (x < 0), Reason.NEGATIVE)
    if whole:
        set_reason(reasons, finite & (x != np.floor(x)), Reason.NOT_INTEGER)


def ratio_reasons(x: FloatArray, n: FloatArray, *, proportion: bool = True) -> FlagArray:
    """Reasons a numerator ``x`` over a denominator ``n`` is unusable: the input reasons
    of either, then for finite pairs ``NEGATIVE`` (either below 0), ``ZERO_DENOMINATOR``
    (n = 0) and, for a ``proportion``, ``X_GT_N`` (x > n > 0)."""
    reasons = input_reasons(x, n)
    fin = np.isfinite(x) & np.isfinite(n)
    set_reason(reasons, fin & ((x < 0) | (n < 0)), Reason.NEGATIVE)
    set_reason(reasons, fin & (n == 0), Reason.ZERO_DENOMINATOR)
    if proportion:
        set_reason(reasons, fin & (n > 0) & (x > n), Reason.X_GT_N)
    return reasons


def fill_invalid(arr: FloatArray, bad: BoolArray, fill: float) -> FloatArray:
    """``arr`` with invalid elements replaced by a harmless value for the maths (their
    results are blanked afterwards); ``arr`` itself, uncopied, where none is invalid."""
    return np.where(bad, fill, arr) if bad.any() else arr


def blank_overflow(reasons: npt.ArrayLike, *results: FloatArray,
                   usable: BoolArray | None = None) -> list[npt.NDArray[Any]]:
    """``[reasons, *results]``: the results with NaN wherever one of them came out ±inf
    or NaN from usable inputs, and a copy of ``reasons`` with ``OVERFLOW`` set there: a
    figure too large for a float, or one the method's special functions cannot reach,
    is not a figure. ``usable`` (default: no invalidating reason) says where the results
    must be numbers. A result may carry leading axes (confidence levels) beyond
    ``reasons``' shape; an element failing at any level is blanked at every one.
    Compute the results under ``np.errstate`` with overflow ignored."""
    flags = np.array(reasons, dtype=np.uint16)
    over = np.zeros(flags.shape, dtype=bool)
    for r in results:
        bad = ~np.isfinite(r)
        if bad.ndim > flags.ndim:
            bad = np.asarray(bad.any(axis=tuple(range(bad.ndim - flags.ndim))))
        over |= bad
    over &= ~invalid(flags) if usable is None else usable
    if not over.any():
        return [flags, *results]
    set_reason(flags, over, Reason.OVERFLOW)
    return [flags, *(np.where(over, np.nan, r) for r in results)]


def positive_option(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """``value`` as a float if it is a finite number > 0 (``>= 0`` with ``allow_zero``),
    else :class:`OptionError` naming the option."""
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond a float
        v = float("nan")
    ok = np.isfinite(v) and (v >= 0 if allow_zero else v > 0)
    if not ok:
        what = ">= 0" if allow_zero else "> 0"
        raise OptionError(option=name, value=value, allowed=f"a finite number {what}")
    return v


def as_float(value: npt.ArrayLike, name: str) -> FloatArray:
    """``value`` as a float64 array; :class:`NotNumericError` naming ``name`` if it holds
    something that is not a number, :class:`ShapeError` if it is ragged (rows of
    different lengths)."""
    try:
        return to_float64(value)
    except (TypeError, ValueError) as exc:
        try:
            np.asarray(value)
        except ValueError:  # numpy cannot give it a shape at all, whatever it holds
            raise ShapeError(reason=f"{name} is ragged: its rows have different lengths",
                             argument=name, shapes={}) from exc
        raise NotNumericError(argument=name, value=value) from exc


def float_or_inf(value: Any) -> float:
    """``float(value)``, or ±inf for an int too large for a float (10**400), as
    ``float("1e400")`` is inf: a number beyond a float's range is non-finite input
    (``NON_FINITE``), not an error for the whole call."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def to_float64(value: Any) -> FloatArray:
    """``np.asarray(value, dtype=np.float64)``, with each int too large for a float as
    ±inf (:func:`float_or_inf`) where numpy raises ``OverflowError``; what is not a number
    raises numpy's ``TypeError`` / ``ValueError``."""
    try:
        return np.asarray(value, dtype=np.float64)
    except OverflowError:  # the slow path, for the rare array holding such an int
        cells = np.asarray(value, dtype=object)
        return np.asarray(np.vectorize(float_or_inf, otypes=[np.float64])(cells),
                          dtype=np.float64)


def broadcast(**arrays: npt.ArrayLike) -> tuple[FloatArray, ...]:
    """Convert each named array-like to float64 and broadcast them together.

    Mismatched shapes raise :class:`ShapeError` naming every argument and its shape.
    """
    converted = [as_float(v, k) for k, v in arrays.items()]
    try:
        out = np.broadcast_arrays(*converted)
    except ValueError as exc:
        shapes = {k: a.shape for k, a in zip(arrays, converted, strict=True)}
        raise ShapeError(shapes=shapes) from exc
    return tuple(np.array(a, dtype=np.float64) for a in out)


def check_choice(option: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`OptionError`."""
    allowed_t = tuple(allowed)
    if value not in allowed_t:
        raise OptionError.for_choice(option, value, allowed_t)
    return value


def confidence_levels(confidence: float | Sequence[float], option: str = "confidence"
                      ) -> tuple[float, ...]:
    """Normalise ``confidence`` (one level or a sequence) to a tuple of levels in (0, 1).

    Levels may be given as fractions (0.95) or percentages (95, 99.8); a bad level
    raises :class:`OptionError` naming ``option``.
    """
    levels = (confidence,) if np.isscalar(confidence) else tuple(confidence)  # type: ignore[arg-type]
    if not levels:
        raise OptionError(reason="must name at least one level", option=option,
                          value=confidence, allowed="levels in (0, 1) or (0, 100)")
    out = []
    for c in levels:
        try:
            cf = float(c)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):  # OverflowError: 10**400
            cf = float("nan")
        if 1 < cf < 100:
            cf = cf / 100
        # A level within a rounding error of 0 (5e-324) has z = 0 and no interval.
        if not (0 < cf < 1 and 1.0 - cf < 1.0):
            raise OptionError(
                reason="not a level; give a fraction in (0, 1) such as 0.95 or a percentage "
                "such as 99.8",
                option=option, value=c, allowed="levels in (0, 1) or (0, 100)")
        out.append(cf)
    return tuple(out)


def confidence_level(confidence: float, option: str = "confidence") -> float:
    """One confidence level (a fraction or a percentage) as a fraction in (0, 1); a
    sequence of levels, where one is meant, raises :class:`OptionError`."""
    if not np.isscalar(confidence):
        raise OptionError(reason="takes one level", option=option, value=confidence,
                          allowed="one level in (0, 1) or (0, 100), such as 0.95")
    # (np.isscalar narrows ``confidence`` to numpy's generic for mypy)
    (level,) = confidence_levels(cast(float, confidence), option)
    return level


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: z = Φ⁻¹(1 − (1 − c)/2). 0.95 → 1.959964."""
    from scipy import special
    return float(special.ndtri(1 - (1 - confidence) / 2))


def polarity_signs(polarity: Any) -> npt.NDArray[np.int8]:
    """Polarity (one, or an array-like of Polarity/str/int) → int8 array of +1/-1/0.

    Integers are taken as signs already (+1 higher is better, -1 lower, 0 neutral).
    """
    if isinstance(polarity, (Polarity, str)):
        return np.asarray(Polarity.parse(polarity).sign, dtype=np.int8)
    arr = np.asarray(polarity)
    if arr.dtype.kind in "iu":
        if np.any((arr < -1) | (arr > 1)):
            raise OptionError(reason="integer polarity must be -1, 0 or +1", option="polarity",
                              value=polarity, allowed=(-1, 0, 1))
        return arr.astype(np.int8)
    flat = [Polarity.parse(p).sign for p in arr.ravel().tolist()]
    return np.asarray(flat, dtype=np.int8).reshape(arr.shape)


def broadcast_signs(polarity: Any, shape: tuple[int, ...], what: str) -> Int8Array:
    """:func:`polarity_signs` broadcast to ``shape`` (read-only), or :class:`ShapeError`
    saying that polarity does not broadcast with ``what``."""
    sign = polarity_signs(polarity)
    try:
        return np.broadcast_to(sign, shape)
    except ValueError as exc:
        raise ShapeError(reason=f"polarity does not broadcast with {what}",
                         shapes={"polarity": np.shape(sign)}) from exc


def warn_invalid(reasons: FlagArray, what: str, *, stacklevel: int = 3) -> None:
    """Emit one :class:`InvalidInputWarning` if any element has an invalid-input reason.

    Only input problems warn (negative, non-finite, x > n); zero bases, zero denominators
    and missing values are ordinary data and are reported through the flags alone.
    """
    bad = Reason.NEGATIVE | Reason.NON_FINITE | Reason.X_GT_N | Reason.NOT_INTEGER
    n = int(np.count_nonzero(np.asarray(reasons) & int(bad)))
    if n:
        warnings.warn(
            f"{what}: {n} element{'s' if n != 1 else ''} had invalid input (negative, "
            "non-finite or numerator > denominator) and became NaN; see result.reasons",
            InvalidInputWarning, stacklevel=stacklevel)


# --------------------------------------------------------------------------- API shape

_F = TypeVar("_F", bound=Callable[..., Any])


def keyword_periods(*order: str) -> Callable[[_F], _F]:
    """Make a two-period calculation refuse its periods by position.

    The function itself declares ``current``, ``previous`` (and their companions) after
    ``*``, so type checkers and ``inspect.signature`` see keyword-only arguments. A
    positional call, which Python would reject with a bare "takes 0 positional
    arguments", raises :class:`KeywordArgumentError` instead, showing the call with
    keywords: ``order`` names the positional arguments in the order callers used to pass
    them (``"current", "previous"`` for ``pct_change(48618, 57116)``).
    """
    def wrap(fn: _F) -> _F:
        keywords = tuple(dict.fromkeys(order))

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            if args:
                named = [f"{k}={_short(v)}" for k, v in zip(order, args, strict=False)]
                named += [f"{k}={_short(v)}" for k, v in kwargs.items()]
                raise KeywordArgumentError(function=fn.__name__, keywords=keywords,
                                           call=f"{fn.__name__}({', '.join(named)})")
            return fn(**kwargs)
        return cast(_F, call)
    return wrap


def _short(value: Any) -> str:
    shown = repr(value.tolist() if isinstance(value, np.ndarray) else value)
    return shown if len(shown) <= 40 else shown[:36] + " ..."


def check_fractions(function: str, **arrays: FloatArray) -> None:
    """Refuse per cents given where proportions are taken as fractions.

    When every finite value of one argument is above 1 and at most 100 (15.9, 11.8), the
    caller almost certainly passed per cents: :class:`OptionError` says so and to divide
    by 100, rather than every element becoming NaN with ``X_GT_N``. An argument with
    some values in [0, 1] keeps the per-element treatment (NaN, ``X_GT_N``, one
    warning), as a stray value above 1 is a data error, not a unit mistake.
    """
    for name, a in arrays.items():
        finite = a[np.isfinite(a)]
        if finite.size and bool(np.all((finite > 1) & (finite <= 100))):
            first = float(finite.flat[0])
            raise OptionError(
                option=name, value=first if a.ndim == 0 else a.tolist(),
                reason=f"looks like per cents (every value is above 1 and at most 100); "
                f"{function} takes proportions as fractions from 0 to 1",
                hint=f"divide by 100: {first:g} → {first / 100:g}")


def _plain(value: Any) -> Any:
    """A 0-d array or numpy scalar as the Python number it holds; anything else as is."""
    if (isinstance(value, np.ndarray) and value.ndim == 0) or isinstance(value, np.generic):
        return value.item()
    return value


def scalar_fields(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """attrs ``field_transformer`` for calc results: scalar inputs give Python numbers.

    Every field without a converter of its own gets one that turns a 0-d array (or a
    numpy scalar) into a Python ``float``, ``int`` or ``bool``, so
    ``pct_change(current=48618, previous=57116).value`` is ``-14.88...`` and not
    ``array(-14.88)``, while array inputs keep array fields. The one place this is done:
    every result class is declared with ``field_transformer=scalar_fields``.
    """
    return [f if f.converter is not None else f.evolve(converter=_plain) for f in fields]
