"""Statistical process control: XmR charts with the Making Data Count rules.

One vectorised core charts thousands of series at once (:func:`xmr_batch`); :func:`xmr`
charts one series through the same core, so the two always agree exactly.

Method (METHODS.md §5; default profile ``nhsr`` = NHSRplotthedots 0.2.2):

* Per rebase group: mean; moving ranges ``|x_t - x_{t-1}|`` inside the group; MR̄;
  process limits ``mean ± 2.66·MR̄``; near limits ``mean ± (2·2.66/3)·MR̄``.
* Screening (on by default): moving ranges ``≥ 3.267·MR̄`` are dropped once and MR̄ is
  recomputed; the mean is kept (profile ``mdc_sql_2_5`` also recomputes the mean).
* Rules: a point outside the limits (strict); a run of 7 on one side of the mean;
  a trend of 7 strictly rising or falling; 2 of 3 beyond the near limits on one side.
  Label precedence: outside limits > trend > 2-of-3 > run > common cause.
* Variation icon from the last point; assurance icon from the target against the
  latest group's limits.

See ``docs/spc.md`` for profiles, switches and edge cases.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.errors import OptionError, SeriesError, TrialLimitsWarning

__all__ = [
    "ASSURANCE_TYPES",
    "POINT_TYPES",
    "PROFILES",
    "RULES",
    "SWITCHES",
    "VARIATION_ICONS",
    "SpcRules",
    "XmrBatchResult",
    "XmrResult",
    "resolve_rules",
    "xmr",
    "xmr_batch",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
CodeArray = npt.NDArray[np.int8]
StrArray = npt.NDArray[np.str_]

#: Process limit width in moving-range units (3σ with σ = MR̄/1.128).
LIMIT: Final = 2.66
#: Near-limit width (2σ), computed exactly as NHSRplotthedots does so limits agree to the bit.
NEAR_LIMIT: Final = 2 * (LIMIT / 3)
#: Upper limit of the moving-range chart (D4 for n = 2), used to screen moving ranges.
MR_SCREEN: Final = 3.267
#: The shortest fixed baseline accepted (NHSRplotthedots `fix_after_n_points` and MDC guidance).
MIN_BASELINE: Final = 12

#: Point types, indexed by ``point_type_code``. ``missing`` marks a gap or padding.
POINT_TYPES: Final = ("common_cause", "special_cause_improvement", "special_cause_concern",
                      "special_cause_neutral_high", "special_cause_neutral_low", "missing")
#: The rule that decided each point's label, indexed by ``rule_code`` (precedence order).
RULES: Final = ("none", "outside_limits", "trend", "two_of_three", "run")
#: Variation icons, indexed by ``variation_code``. ``none`` when a series has no points.
VARIATION_ICONS: Final = ("common_cause", "improvement_high", "improvement_low", "concern_high",
                          "concern_low", "neutral_high", "neutral_low", "none")
#: Assurance icons, indexed by ``assurance_code``. ``none``: no target, or a neutral measure.
ASSURANCE_TYPES: Final = ("none", "consistent_pass", "consistent_fail", "inconsistent")

_PT_COMMON, _PT_IMP, _PT_CON, _PT_NHIGH, _PT_NLOW, _PT_MISSING = range(6)
_R_NONE, _R_OUTSIDE, _R_TREND, _R_TWO, _R_RUN = range(5)
_A_NONE, _A_PASS, _A_FAIL, _A_INCONSISTENT = range(4)
_IMPROVEMENT = {"increase": 1, "decrease": -1, "neutral": 0}


@attrs.frozen(kw_only=True)
class SpcRules:
    """The resolved rule settings one chart was drawn with (a profile plus any switches).

    Attributes
    ----------
    run_length : int
        Consecutive points on one side of the mean that make a run (7; 6 in ``mdc_v5``).
    trend_length : int
        Consecutive strictly rising or falling points that make a trend (7; 6 in ``mdc_v5``).
    screen_outliers : bool
        Drop moving ranges ``≥ 3.267·MR̄`` once and recompute MR̄.
    screen_recomputes_mean : bool
        Screening also drops, from the mean, each point whose incoming moving range was
        screened out (``mdc_sql_2_5``).
    assurance_inclusive : bool
        A target exactly on a process limit counts as beyond it (``>=``/``<=``;
        ``mdc_sql_2_5``). NHSRplotthedots compares strictly: on the limit is inconsistent.
    trends_cross_rebase : bool
        Trends may run across a rebase (``mdc_sql_2_5``, ``mdc_v5``).
    runs_cross_rebase : bool
        Runs and 2-of-3 may run across a rebase, each point judged against its own
        group's mean and limits (``mdc_v5``).
    two_of_three_counts_beyond : bool
        Points beyond the process limits count towards 2-of-3 (off in every profile).
    short_group : int
        A group with fewer points than this has trial limits (NHSRplotthedots warns at
        ``n < 12``; METHODS.md says fewer than 13, used by the MDC profiles).
    """

    run_length: int = 7
    trend_length: int = 7
    screen_outliers: bool = True
    screen_recomputes_mean: bool = False
    assurance_inclusive: bool = False
    trends_cross_rebase: bool = False
    runs_cross_rebase: bool = False
    two_of_three_counts_beyond: bool = False
    short_group: int = 12


#: Named rule profiles. Each differs from ``nhsr`` only where its source does.
PROFILES: Final[Mapping[str, SpcRules]] = {
    "nhsr": SpcRules(),
    "mdc_sql_2_5": SpcRules(screen_recomputes_mean=True, assurance_inclusive=True,
                            trends_cross_rebase=True, short_group=13),
    "mdc_v5": SpcRules(run_length=6, trend_length=6, trends_cross_rebase=True,
                       runs_cross_rebase=True, short_group=13),
}
#: Switch names accepted as keyword arguments by :func:`xmr` and :func:`xmr_batch`.
SWITCHES: Final = tuple(a.name for a in attrs.fields(SpcRules))


def resolve_rules(profile: str = "nhsr", **switches: Any) -> SpcRules:
    """Return the rules of ``profile`` with any ``switches`` applied on top.

    Unknown profiles or switch names, and switch values of the wrong kind, raise
    :class:`~perfcore.errors.OptionError` listing what is allowed.
    """
    if profile not in PROFILES:
        raise OptionError.for_choice("profile", profile, PROFILES)
    for name, value in switches.items():
        if name not in SWITCHES:
            raise OptionError.for_choice("switch", name, SWITCHES)
        if name in ("run_length", "trend_length", "short_group"):
            low = 1 if name == "short_group" else 2
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise OptionError(f"{name}={value!r} must be an integer >= {low}",
                                  option=name, value=value, allowed=f"integers >= {low}")
        elif not isinstance(value, (bool, np.bool_)):
            raise OptionError.for_choice(name, value, (True, False))
    counts = ("run_length", "trend_length", "short_group")
    clean: dict[str, Any] = {k: (int(v) if k in counts else bool(v))
                             for k, v in switches.items()}
    return attrs.evolve(PROFILES[profile], **clean)


@attrs.frozen(kw_only=True)
class XmrBatchResult:
    """XmR charts for many series: per-point arrays are ``(n_series, n_points)``, and
    read-only (``group``, ``mean`` and ``mr_mean`` may be one column per series,
    repeated).

    Padding beyond a series' length and gaps are ``missing`` points: NaN numbers,
    ``False`` flags.

    Attributes
    ----------
    values : ndarray of float
        The charted values (NaN at gaps and padding).
    valid : ndarray of bool
        True where a value was charted.
    lengths : ndarray of int, shape (n_series,)
        Number of time points in each series (gaps included).
    group : ndarray of int
        Rebase group of each point, 0 for the first group.
    mean : ndarray of float
        Centre line of each point's group. ``upl``, ``lpl``, ``near_upl`` and
        ``near_lpl`` (properties) are the process limits (±3σ) and near limits (±2σ),
        derived from ``mean`` and ``mr_mean`` exactly as the rules used them.
    moving_range : ndarray of float
        ``|x_t − x_{t−1}|`` within a group; NaN at a group's first point and next to gaps.
    mr_screened : ndarray of bool
        True where the moving range was left out of MR̄ by screening.
    mr_mean : ndarray of float
        MR̄ of each point's group, after screening.
    outside_limits, trend, two_of_three, run : ndarray of bool
        Which rules flagged each point (several may fire at once).
    rule_code : ndarray of int8
        The rule that decided the label, indexing :data:`RULES` (precedence order).
    point_type_code : ndarray of int8
        Indexes :data:`POINT_TYPES`; ``point_type`` gives the names.
    trial : ndarray of bool
        True where the point's group has trial limits (too few points).
    trial_limits : ndarray of bool, shape (n_series,)
        True when any group of the series has trial limits.
    variation_code, assurance_code : ndarray of int8, shape (n_series,)
        Index :data:`VARIATION_ICONS` and :data:`ASSURANCE_TYPES`.
    improvement : ndarray of int8, shape (n_series,)
        +1 increase is improvement, −1 decrease, 0 neutral.
    target : ndarray of float, shape (n_series,)
        Target per series (NaN: none).
    series_ids : tuple
        Series identifiers (given, or 0..n−1).
    rules : SpcRules
        The resolved rule settings.
    """

    values: FloatArray = attrs.field(eq=False, repr=False)
    valid: BoolArray = attrs.field(eq=False, repr=False)
    lengths: IntArray = attrs.field(eq=False, repr=False)
    group: npt.NDArray[np.int32] = attrs.field(eq=False, repr=False)
    mean: FloatArray = attrs.field(eq=False, repr=False)
    moving_range: FloatArray = attrs.field(eq=False, repr=False)
    mr_screened: BoolArray = attrs.field(eq=False, repr=False)
    mr_mean: FloatArray = attrs.field(eq=False, repr=False)
    outside_limits: BoolArray = attrs.field(eq=False, repr=False)
    trend: BoolArray = attrs.field(eq=False, repr=False)
    two_of_three: BoolArray = attrs.field(eq=False, repr=False)
    run: BoolArray = attrs.field(eq=False, repr=False)
    rule_code: CodeArray = attrs.field(eq=False, repr=False)
    point_type_code: CodeArray = attrs.field(eq=False, repr=False)
    trial: BoolArray = attrs.field(eq=False, repr=False)
    trial_limits: BoolArray = attrs.field(eq=False, repr=False)
    variation_code: CodeArray = attrs.field(eq=False, repr=False)
    assurance_code: CodeArray = attrs.field(eq=False, repr=False)
    improvement: CodeArray = attrs.field(eq=False, repr=False)
    target: FloatArray = attrs.field(eq=False, repr=False)
    series_ids: tuple[Any, ...]
    rules: SpcRules

    @property
    def upl(self) -> FloatArray:
        """Upper process limit, ``mean + 2.66·MR̄`` (3σ)."""
        out: FloatArray = self.mean + (LIMIT * self.mr_mean)
        return out

    @property
    def lpl(self) -> FloatArray:
        """Lower process limit, ``mean − 2.66·MR̄`` (3σ)."""
        out: FloatArray = self.mean - (LIMIT * self.mr_mean)
        return out

    @property
    def near_upl(self) -> FloatArray:
        """Upper near limit, ``mean + (2/3)·2.66·MR̄`` (2σ)."""
        out: FloatArray = self.mean + (NEAR_LIMIT * self.mr_mean)
        return out

    @property
    def near_lpl(self) -> FloatArray:
        """Lower near limit, ``mean − (2/3)·2.66·MR̄`` (2σ)."""
        out: FloatArray = self.mean - (NEAR_LIMIT * self.mr_mean)
        return out

    @property
    def point_type(self) -> StrArray:
        """Point type names, shape ``(n_series, n_points)``."""
        return np.asarray(POINT_TYPES)[self.point_type_code]

    @property
    def rule(self) -> StrArray:
        """Name of the rule that decided each point's label."""
        return np.asarray(RULES)[self.rule_code]

    @property
    def variation_icon(self) -> StrArray:
        """Variation icon name per series."""
        return np.asarray(VARIATION_ICONS)[self.variation_code]

    @property
    def assurance(self) -> StrArray:
        """Assurance icon name per series."""
        return np.asarray(ASSURANCE_TYPES)[self.assurance_code]

    def __len__(self) -> int:
        return len(self.series_ids)

    def series(self, i: int) -> XmrResult:
        """The chart of series ``i`` (by position) as an :class:`XmrResult`."""
        n = int(self.lengths[i])

        def row(a: npt.NDArray[Any]) -> Any:
            return np.array(a[i, :n])

        return XmrResult(
            values=row(self.values), valid=row(self.valid), group=row(self.group),
            mean=row(self.mean),
            moving_range=row(self.moving_range), mr_screened=row(self.mr_screened),
            mr_mean=row(self.mr_mean), outside_limits=row(self.outside_limits),
            trend=row(self.trend), two_of_three=row(self.two_of_three), run=row(self.run),
            rule_code=row(self.rule_code), point_type_code=row(self.point_type_code),
            trial=row(self.trial), trial_limits=bool(self.trial_limits[i]),
            variation_icon=VARIATION_ICONS[self.variation_code[i]],
            assurance=ASSURANCE_TYPES[self.assurance_code[i]],
            improvement=("neutral", "increase", "decrease")[int(self.improvement[i])],
            target=None if np.isnan(self.target[i]) else float(self.target[i]),
            series_id=self.series_ids[i], rules=self.rules)


@attrs.frozen(kw_only=True)
class XmrResult:
    """An XmR chart of one series; per-point arrays have the series' length.

    The per-point fields mean what they mean in :class:`XmrBatchResult`.

    Attributes
    ----------
    values, valid, group, mean, moving_range, mr_screened, mr_mean, outside_limits, trend,
    two_of_three, run, rule_code, point_type_code, trial
        Per-point arrays (see :class:`XmrBatchResult`); ``upl``, ``lpl``, ``near_upl``,
        ``near_lpl``, ``point_type``, ``rule`` and ``special_cause`` are derived properties.
    trial_limits : bool
        True when any group has trial limits (fewer points than ``rules.short_group``).
    variation_icon : str
        One of :data:`VARIATION_ICONS`, from the last charted point.
    assurance : str
        One of :data:`ASSURANCE_TYPES`.
    improvement : str
        ``"increase"``, ``"decrease"`` or ``"neutral"``.
    target : float or None
        The target the assurance icon was judged against.
    series_id : object
        The identifier given (or 0).
    rules : SpcRules
        The resolved rule settings.
    """

    values: FloatArray = attrs.field(eq=False, repr=False)
    valid: BoolArray = attrs.field(eq=False, repr=False)
    group: npt.NDArray[np.int32] = attrs.field(eq=False, repr=False)
    mean: FloatArray = attrs.field(eq=False, repr=False)
    moving_range: FloatArray = attrs.field(eq=False, repr=False)
    mr_screened: BoolArray = attrs.field(eq=False, repr=False)
    mr_mean: FloatArray = attrs.field(eq=False, repr=False)
    outside_limits: BoolArray = attrs.field(eq=False, repr=False)
    trend: BoolArray = attrs.field(eq=False, repr=False)
    two_of_three: BoolArray = attrs.field(eq=False, repr=False)
    run: BoolArray = attrs.field(eq=False, repr=False)
    rule_code: CodeArray = attrs.field(eq=False, repr=False)
    point_type_code: CodeArray = attrs.field(eq=False, repr=False)
    trial: BoolArray = attrs.field(eq=False, repr=False)
    trial_limits: bool
    variation_icon: str
    assurance: str
    improvement: str
    target: float | None
    series_id: Any
    rules: SpcRules

    @property
    def upl(self) -> FloatArray:
        """Upper process limit, ``mean + 2.66·MR̄`` (3σ)."""
        out: FloatArray = self.mean + (LIMIT * self.mr_mean)
        return out

    @property
    def lpl(self) -> FloatArray:
        """Lower process limit, ``mean − 2.66·MR̄`` (3σ)."""
        out: FloatArray = self.mean - (LIMIT * self.mr_mean)
        return out

    @property
    def near_upl(self) -> FloatArray:
        """Upper near limit, ``mean + (2/3)·2.66·MR̄`` (2σ)."""
        out: FloatArray = self.mean + (NEAR_LIMIT * self.mr_mean)
        return out

    @property
    def near_lpl(self) -> FloatArray:
        """Lower near limit, ``mean − (2/3)·2.66·MR̄`` (2σ)."""
        out: FloatArray = self.mean - (NEAR_LIMIT * self.mr_mean)
        return out

    @property
    def point_type(self) -> StrArray:
        """Point type name of each point (see :data:`POINT_TYPES`)."""
        return np.asarray(POINT_TYPES)[self.point_type_code]

    @property
    def rule(self) -> StrArray:
        """Name of the rule that decided each point's label (see :data:`RULES`)."""
        return np.asarray(RULES)[self.rule_code]

    @property
    def special_cause(self) -> BoolArray:
        """True where a point is special cause variation."""
        out: BoolArray = ((self.point_type_code != _PT_COMMON)
                          & (self.point_type_code != _PT_MISSING))
        return out


# --------------------------------------------------------------------------- inputs


def _name(ids: Sequence[Any] | None, i: int) -> Any:
    return ids[i] if ids is not None else i


def _row_floats(row: Any, series: Any) -> FloatArray:
    """One series as float64, or SeriesError at the first element that is not a number."""
    try:
        out = np.asarray(row, dtype=np.float64)
    except (TypeError, ValueError):
        out = None
    if out is not None and out.ndim == 1:
        return out
    if out is not None:
        raise SeriesError(f"series {series!r}: values must be one-dimensional, got shape "
                          f"{out.shape}", series=series, position=None)
    for j, v in enumerate(list(row)):
        if isinstance(v, (bool, np.bool_)):
            continue
        try:
            float(v)
        except (TypeError, ValueError):
            raise SeriesError(f"series {series!r}, position {j}: value {v!r} is not a number",
                              series=series, position=j) from None
    raise SeriesError(f"series {series!r}: values are not numeric", series=series,
                      position=None)


def _values_2d(values: Any, ids: Sequence[Any] | None) -> tuple[FloatArray, IntArray]:
    """Values as an ``(S, T)`` float array padded with NaN, and each row's length."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise SeriesError(f"values must be 2-D (series × time), got shape {arr.shape}",
                              series=None, position=None)
        return arr, np.full(arr.shape[0], arr.shape[1], dtype=np.int64)
    if not isinstance(values, np.ndarray):
        try:  # a rectangular list of numbers converts in one go
            rect: FloatArray | None = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            rect = None
        if rect is not None and rect.ndim == 2:
            return rect, np.full(rect.shape[0], rect.shape[1], dtype=np.int64)
    rows = [_row_floats(r, _name(ids, i)) for i, r in enumerate(values)]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    width = int(lengths.max()) if len(rows) else 0
    arr = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):  # only when given a ragged Python list, never per series later
        arr[i, :len(r)] = r
    return arr, lengths


def _per_series(value: Any, n: int, name: str) -> npt.NDArray[Any]:
    arr = np.asarray(value, dtype=object)
    if arr.ndim == 0:
        return np.full(n, arr.item(), dtype=object)
    if arr.shape != (n,):
        raise OptionError(f"{name} must be one value or one per series ({n}); got shape "
                          f"{arr.shape}", option=name, value=value, allowed=f"scalar or ({n},)")
    return arr


def _improvement(value: Any, n: int) -> CodeArray:
    arr = _per_series(value, n, "improvement")
    names, inverse = np.unique(arr.astype(str), return_inverse=True)
    for v in names.tolist():
        if v not in _IMPROVEMENT:
            raise OptionError.for_choice("improvement", v, _IMPROVEMENT)
    codes = np.array([_IMPROVEMENT[v] for v in names.tolist()], dtype=np.int8)
    out: CodeArray = codes[inverse.reshape(-1)]
    return out


def _targets(value: Any, n: int) -> FloatArray:
    if value is None:
        return np.full(n, np.nan)
    try:
        direct = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        direct = None
    if direct is not None and direct.shape in ((), (n,)):
        return np.broadcast_to(direct, (n,)).copy()
    arr = _per_series(value, n, "target")
    try:
        return np.array([np.nan if v is None else float(v) for v in arr.tolist()])
    except (TypeError, ValueError):
        raise OptionError(f"target={value!r} must be numbers (None or NaN for no target)",
                          option="target", value=value, allowed="numbers or None") from None


def _baselines(value: Any, n: int, ids: Sequence[Any] | None) -> IntArray:
    if value is None:
        return np.zeros(n, dtype=np.int64)
    arr = _per_series(value, n, "baseline")
    out = np.zeros(n, dtype=np.int64)
    for i, v in enumerate(arr.tolist()):
        if v is None or v == 0:
            continue
        series = _name(ids, i)
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < MIN_BASELINE:
            raise OptionError(
                f"series {series!r}: baseline={v!r} is too short; a fixed baseline needs at "
                f"least {MIN_BASELINE} points (or None for no fixed baseline)",
                option="baseline", value=v, allowed=f"None or an integer >= {MIN_BASELINE}",
                series=series, position=None)
        out[i] = v
    return out


def _rebase_starts(value: Any, shape: tuple[int, int], lengths: IntArray,
                   ids: Sequence[Any] | None) -> BoolArray:
    """True at each point that starts a new rebase group."""
    n, width = shape
    starts = np.zeros(shape, dtype=bool)
    if value is None:
        return starts
    if isinstance(value, np.ndarray) and value.dtype == np.bool_ and value.ndim == 2:
        if value.shape != shape:
            raise OptionError(f"a rebase mask must have the values' shape {shape}",
                              option="rebase", value=value.shape, allowed=shape)
        starts[:] = value
        beyond = starts & (np.arange(width) >= lengths[:, None])
        if beyond.any():
            i, j = map(int, np.argwhere(beyond)[0])
            raise SeriesError(f"series {_name(ids, i)!r}: rebase at position {j} is beyond "
                              f"the series' {int(lengths[i])} points",
                              series=_name(ids, i), position=j)
    else:
        if len(value) != n:
            raise OptionError(f"rebase must give one list of positions per series ({n})",
                              option="rebase", value=value, allowed=f"{n} sequences")
        rows_list = [[] if v is None else v for v in value]
        try:
            counts = np.fromiter(map(len, rows_list), dtype=np.int64, count=n)
        except TypeError:
            raise OptionError("rebase must give, per series, a sequence of positions "
                              "(or None)", option="rebase", value=value,
                              allowed="one sequence of int positions per series") from None
        flat = list(chain.from_iterable(rows_list))
        pairs = list(zip(np.repeat(np.arange(n), counts).tolist(), flat, strict=True))
        if pairs:
            rows = np.array([i for i, _ in pairs], dtype=np.int64)
            given = np.array([p for _, p in pairs], dtype=object)
            try:
                cols = given.astype(np.int64)
                ok = np.array([type(p) is int or isinstance(p, np.integer) for p in given])
            except (TypeError, ValueError, OverflowError):
                cols = np.full(len(pairs), -1, dtype=np.int64)
                ok = np.zeros(len(pairs), dtype=bool)
            bad = ~ok | (cols < 0) | (cols >= lengths[rows])
            if bad.any():
                i, p = pairs[int(np.argmax(bad))]
                raise SeriesError(
                    f"series {_name(ids, i)!r}: rebase position {p!r} is out of range; "
                    f"positions run from 0 to {int(lengths[i]) - 1}",
                    series=_name(ids, i), position=p)
            starts[rows, cols] = True
    starts[:, 0] = False  # a rebase at the first point starts the group that starts anyway
    return starts


# --------------------------------------------------------------------------- core


def _linked_or_first(linked: BoolArray) -> BoolArray:
    out = np.array(linked, dtype=bool)
    out[:, :1] = False  # the first point continues nothing
    return out


def _all_of_last(x: BoolArray, width: int) -> BoolArray:
    """True at ``t`` when ``x`` is True at each of ``t-width+1 .. t`` (False before)."""
    out = np.zeros(x.shape, dtype=bool)
    span = x.shape[1] - width + 1
    if span <= 0:
        return out
    acc = x[:, width - 1:].copy()
    for j in range(1, width):  # a loop over the window length only; each step spans all series
        acc &= x[:, width - 1 - j: width - 1 - j + span]
    out[:, width - 1:] = acc
    return out


def _spread_back(ends: BoolArray, width: int) -> BoolArray:
    """Mark every point of each window of ``width`` that ends where ``ends`` is True."""
    part = ends.copy()
    for j in range(1, min(width, ends.shape[1])):
        part[:, :-j] |= ends[:, j:]
    return part


def run_flags(side: CodeArray, linked: BoolArray, length: int) -> BoolArray:
    """Points in a run of ``length`` or more on one side of the mean.

    ``side`` is −1/0/+1 (0: on the mean or missing, which breaks a run); ``linked[t]``
    says point ``t`` may continue a run from ``t−1`` (False across a rebase that runs may
    not cross).
    """
    eq = _linked_or_first(linked) & (side != 0)
    eq[:, 1:] &= side[:, 1:] == side[:, :-1]
    # a run of `length` points is `length - 1` links, ending at a point off the mean
    ends = _all_of_last(eq, length - 1)
    ends[:, : length - 1] = False
    return _spread_back(ends, length)


def trend_flags(y: FloatArray, linked: BoolArray, length: int, *,
                diff: FloatArray | None = None) -> tuple[BoolArray, CodeArray]:
    """Points in a trend of ``length`` strictly rising or falling points, and step signs.

    Returns the flags and ``step`` (sign of ``y_t − y_{t−1}``; 0 where ``t`` is not linked
    to ``t−1``, next to a gap, and for ties, each of which breaks a trend). ``diff`` is
    ``y[:, 1:] - y[:, :-1]`` when the caller has it already.
    """
    step = np.zeros(y.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        if diff is None:
            diff = y[:, 1:] - y[:, :-1]
        step[:, 1:] = (diff > 0).view(np.int8) - (diff < 0).view(np.int8)
    step[~_linked_or_first(linked)] = 0
    ends = _all_of_last(step == 1, length - 1) | _all_of_last(step == -1, length - 1)
    ends[:, : length - 1] = False
    return _spread_back(ends, length), step


def two_of_three_flags(near: BoolArray, side: CodeArray, linked: BoolArray) -> BoolArray:
    """Near-limit points in 3 consecutive points with ≥ 2 near a limit, all 3 on one side."""
    hit = np.zeros(near.shape, dtype=bool)
    if near.shape[1] >= 3:
        lk = _linked_or_first(linked)
        count = near[:, :-2].view(np.int8) + near[:, 1:-1].view(np.int8) + near[:, 2:].view(
            np.int8)
        sides = side[:, :-2] + side[:, 1:-1] + side[:, 2:]
        hit[:, 2:] = (count >= 2) & (np.abs(sides) == 3) & lk[:, 1:-1] & lk[:, 2:]
    return near & _spread_back(hit, 3)


def _group_mean(x: FloatArray, use: BoolArray, group: npt.NDArray[np.int32], n_groups: int,
                exact: bool) -> tuple[FloatArray, FloatArray]:
    """The mean of ``x`` over ``use`` in each point's rebase group, and that count.

    With one group (no rebase) both are one column, (series, 1), which broadcasts
    against the points: nothing is spread over every point until an output needs it.
    With several, both are per point, from a loop over group number (rarely more than 2
    or 3), each step numpy work across all series. With ``exact`` the sum is of
    deviations from one of the group's own values, so a constant group's mean is that
    value exactly (a plain sum/n can be an ulp off, which would put every point of a
    constant series on one side of its mean).
    """
    rows = np.arange(x.shape[0])
    mean = count = np.empty((x.shape[0], 1))
    if n_groups > 1:
        mean, count = np.empty(x.shape), np.empty(x.shape)
    for k in range(n_groups):
        in_k = group == k if n_groups > 1 else None
        m = use & in_k if in_k is not None else use
        # As float once per series: broadcasting ints into a float array casts per point.
        n = np.count_nonzero(m, axis=1).astype(np.float64)
        if exact:
            ref = np.where(n > 0, x[rows, np.argmax(m, axis=1)], 0.0)
            tot = np.add.reduce(x - ref[:, None], axis=1, where=m)
        else:
            ref = np.zeros(x.shape[0])
            tot = np.add.reduce(x, axis=1, where=m)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_k = ref + tot / n
        if in_k is None:
            return mean_k[:, None], n[:, None]
        np.copyto(mean, mean_k[:, None], where=in_k)
        np.copyto(count, n[:, None], where=in_k)
    return mean, count


def xmr_batch(values: Any, *, lengths: Any = None, mask: Any = None,
              improvement: Any = "increase", target: Any = None, rebase: Any = None,
              baseline: Any = None, profile: str = "nhsr",
              series_ids: Sequence[Any] | None = None, allow_gaps: bool = False,
              is_rolling_sum: Any = False, force: bool = False,
              workers: int | None = None, **switches: Any) -> XmrBatchResult:
    """XmR charts with Making Data Count rules for many series at once.

    Parameters
    ----------
    values : array-like, shape (n_series, n_points), or a list of sequences
        One series per row, oldest first. A list of sequences of different lengths is
        padded; otherwise ``lengths`` or ``mask`` say where each row ends.
    lengths : array-like of int, optional
        Points in each row; the rest is padding.
    mask : array-like of bool, optional
        True where a row has a point; must be a prefix of each row (use NaN with
        ``allow_gaps`` for gaps inside a series).
    improvement : {"increase", "decrease", "neutral"} or one per series
        Which direction is improvement.
    target : float or one per series, optional
        Target for the assurance icon (None/NaN: no target).
    rebase : list of position lists (one per series) or bool mask, optional
        Positions where a new group (recalculated mean and limits) starts.
    baseline : int or one per series, optional
        Fix each group's mean and limits from its first ``baseline`` points (≥ 12).
    profile : {"nhsr", "mdc_sql_2_5", "mdc_v5"}
        Rule profile; ``**switches`` (see :data:`SWITCHES`) override single settings.
    series_ids : sequence, optional
        Names used in errors and kept on the result.
    allow_gaps : bool
        Accept NaN inside a series as a gap (see docs/spc.md); otherwise a SeriesError.
    is_rolling_sum : bool or one per series
        The values are rolling sums (e.g. rolling 12 months): refused unless ``force``.
    force : bool
        Chart rolling sums anyway.
    workers : int, optional
        Threads charting blocks of series at once when there are 200,000 points or
        more (default: the CPUs this process may use, at most 4; 1 charts everything in
        the calling thread). The charts are the same whatever the number.

    Returns
    -------
    XmrBatchResult

    Raises
    ------
    SeriesError
        Non-numeric or non-finite values, NaN without ``allow_gaps``, a rebase position
        out of range, a rolling sum without ``force``; names the series and position.
    OptionError
        Unknown profile, switch or improvement; a baseline shorter than 12 points.
    """
    rules = resolve_rules(profile, **switches)
    ids = list(series_ids) if series_ids is not None else None
    y, lens = _values_2d(values, ids)
    n, width = y.shape
    if ids is not None and len(ids) != n:
        raise OptionError(f"series_ids has {len(ids)} names for {n} series",
                          option="series_ids", value=len(ids), allowed=n)
    if mask is not None:
        m = np.asarray(mask, dtype=bool)
        if m.shape != y.shape:
            raise OptionError(f"mask must have the values' shape {y.shape}, got {m.shape}",
                              option="mask", value=m.shape, allowed=y.shape)
        lens = m.sum(axis=1).astype(np.int64)
        bad = m != (np.arange(width) < lens[:, None])
        if bad.any():
            i, j = map(int, np.argwhere(bad)[0])
            raise SeriesError(f"series {_name(ids, i)!r}: mask must be True for a prefix of "
                              f"the row (position {j}); mark gaps with NaN and allow_gaps",
                              series=_name(ids, i), position=j)
    if lengths is not None:
        lens = np.broadcast_to(np.asarray(lengths, dtype=np.int64), (n,)).copy()
        if np.any((lens < 0) | (lens > width)):
            i = int(np.argmax((lens < 0) | (lens > width)))
            raise OptionError(f"lengths[{i}]={int(lens[i])} is outside 0..{width}",
                              option="lengths", value=int(lens[i]), allowed=f"0..{width}",
                              series=_name(ids, i))
    if width == 0:  # no points at all: one column of padding keeps the shapes regular
        y, width = np.full((n, 1), np.nan), 1
    inside = np.arange(width) < lens[:, None]

    rolling = _per_series(is_rolling_sum, n, "is_rolling_sum").astype(bool)
    if rolling.any() and not force:
        i = int(np.argmax(rolling))
        raise SeriesError(
            f"series {_name(ids, i)!r} is a rolling sum: consecutive rolling sums share most "
            "of their months, so they are autocorrelated and the XmR rules (runs, trends, "
            "limits from moving ranges) would signal special causes that are not there. "
            "Chart the monthly values instead, or pass force=True to chart it anyway.",
            series=_name(ids, i), position=None)

    nonfinite = inside & np.isinf(y)
    missing = inside & np.isnan(y)
    if nonfinite.any():
        i, j = map(int, np.argwhere(nonfinite)[0])
        raise SeriesError(f"series {_name(ids, i)!r}, position {j}: value {y[i, j]} is not "
                          "finite", series=_name(ids, i), position=j)
    if missing.any() and not allow_gaps:
        i, j = map(int, np.argwhere(missing)[0])
        raise SeriesError(f"series {_name(ids, i)!r}, position {j}: value is missing (NaN); "
                          "fill it, or pass allow_gaps=True to chart it as a gap",
                          series=_name(ids, i), position=j)

    signs = _improvement(improvement, n)
    targets = _targets(target, n)
    fix = _baselines(baseline, n, ids)
    starts = _rebase_starts(rebase, (n, width), lens, ids)

    # Chart blocks of series at a time: every step is numpy work across the block, and a
    # block's arrays stay in cache. Blocks are independent, each writing its own rows of
    # the outputs, so with several threads numpy's work on large blocks runs in parallel.
    threads = _threads(workers)  # checked whether or not threads are used
    if n * width < _THREAD_FROM_POINTS:
        threads = 1
    rows = max(1, _BLOCK_POINTS // width)
    if threads > 1:
        rows = max(rows, min(-(-n // threads), _THREAD_BLOCK_POINTS // width))
    blocks = [slice(a, a + rows) for a in range(0, max(n, 1), rows)]
    out = {name: np.empty((n, width) if per_point else (n,), dtype=dtype)
           for name, (dtype, per_point) in _BLOCK_OUTPUTS.items()}

    def chart(b: slice) -> dict[str, npt.NDArray[Any]]:
        block = _chart_block(y[b], inside[b], missing[b], starts[b], fix[b], signs[b],
                             targets[b], rules)
        for name in _BLOCK_OUTPUTS:
            out[name][b] = block[name]
        return {name: block[name] for name in _BLOCK_LEVELS}

    if threads > 1 and len(blocks) > 1:
        from concurrent.futures import ThreadPoolExecutor  # only for large batches

        with ThreadPoolExecutor(min(threads, len(blocks))) as pool:
            parts = list(pool.map(chart, blocks))
    else:
        parts = [chart(b) for b in blocks]
    # Groups, centre lines and MR̄ come back one column per series where a block has one
    # group (and, for the levels, no padding); spread over the points only if some block
    # needs that.
    for name in _BLOCK_LEVELS:
        levels = [p[name] for p in parts]
        if all(v.shape[1] == 1 for v in levels):
            # Read-only, like the one column it repeats.
            out[name] = np.broadcast_to(np.concatenate(levels), (n, width))
        else:
            out[name] = np.concatenate([np.broadcast_to(v, (v.shape[0], width))
                                        for v in levels])
    trial_limits = out["trial_limits"]

    if trial_limits.any():
        k = int(trial_limits.sum())
        warnings.warn(
            f"{k} series ha{'s' if k == 1 else 've'} a group with fewer than "
            f"{rules.short_group} points: their limits are trial limits and will move as "
            "points are added (see result.trial)", TrialLimitsWarning, stacklevel=2)

    for v in out.values():
        v.flags.writeable = False  # a frozen result, as its repeated columns must be
    return XmrBatchResult(
        lengths=lens, improvement=signs, target=targets,
        series_ids=tuple(ids) if ids is not None else tuple(range(n)), rules=rules, **out)


#: Points charted per block (see xmr_batch): small enough for the working set to stay in
#: cache, large enough that per-call overhead is negligible (measured best between about
#: 40,000 and 60,000 points for series of 24 to 150 points).
_BLOCK_POINTS: Final = 50_000
#: With threads, blocks are one per thread up to this size: numpy releases the GIL
#: within each operation, so large blocks keep the threads busy rather than waiting on
#: each other (6,450 series of 150 points chart about 1.5x as fast on 2 cores; small
#: blocks gain nothing), while each block's temporaries stay under about 100 MB.
_THREAD_BLOCK_POINTS: Final = 500_000
#: Fewer points than this are charted in the calling thread only.
_THREAD_FROM_POINTS: Final = 200_000
#: Outputs written block by block: dtype, and whether there is one per point (else one
#: per series). _BLOCK_LEVELS are assembled separately.
_BLOCK_OUTPUTS: Final[Mapping[str, tuple[Any, bool]]] = {
    "values": (np.float64, True), "valid": (np.bool_, True),
    "moving_range": (np.float64, True), "mr_screened": (np.bool_, True),
    "outside_limits": (np.bool_, True), "trend": (np.bool_, True),
    "two_of_three": (np.bool_, True), "run": (np.bool_, True), "rule_code": (np.int8, True),
    "point_type_code": (np.int8, True), "trial": (np.bool_, True),
    "trial_limits": (np.bool_, False), "variation_code": (np.int8, False),
    "assurance_code": (np.int8, False)}
#: Outputs that may come back one column per series.
_BLOCK_LEVELS: Final = ("group", "mean", "mr_mean")


def _threads(workers: int | None) -> int:
    """Threads for charting: ``workers``, or the CPUs this process may run on (at most
    4, beyond which memory bandwidth rather than cores limits the charting)."""
    if workers is not None:
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise OptionError(f"workers must be a whole number of threads ≥ 1, not "
                              f"{workers!r}", option="workers", value=workers,
                              allowed="an int ≥ 1, or None")
        return workers
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _chart_block(y: FloatArray, inside: BoolArray, missing: BoolArray, starts: BoolArray,
                 fix: IntArray, signs: CodeArray, targets: FloatArray,
                 rules: SpcRules) -> dict[str, npt.NDArray[Any]]:
    """The vectorised XmR core for a block of validated series."""
    n, width = y.shape
    valid = inside & ~missing
    y = np.where(valid, y, np.nan)
    t_idx = np.arange(width)

    # Rebase groups: contiguous, numbered from 0 within each series.
    if starts.any():
        group: npt.NDArray[np.int32] = np.cumsum(starts, axis=1, dtype=np.int32)
        n_groups = int(group[:, -1].max()) + 1
    else:  # one group: one column of zeros, like the one-column means below
        group, n_groups = np.zeros((n, 1), dtype=np.int32), 1
    same_group = ~starts
    same_group[:, :1] = False
    if fix.any():
        group_start = np.maximum.accumulate(np.where(starts, t_idx, 0), axis=1)
        base = valid & ((fix[:, None] == 0) | (t_idx - group_start < fix[:, None]))
    else:
        base = valid

    # Steps between consecutive points: their signs make trends, their sizes moving ranges.
    diff = np.empty(y.shape)
    diff[:, :1] = np.nan
    np.subtract(y[:, 1:], y[:, :-1], out=diff[:, 1:])
    mr = np.abs(diff)
    mr[~same_group] = np.nan
    mr_base = same_group & base
    mr_base[:, 1:] &= base[:, :-1]

    mean, n_base = _group_mean(y, base, group, n_groups, exact=True)
    amr, _ = _group_mean(mr, mr_base, group, n_groups, exact=False)
    screened = np.zeros(y.shape, dtype=bool)
    if rules.screen_outliers:
        # NHSRplotthedots keeps MR < 3.267·MR̄. When MR̄ = 0 (a constant group) that keeps
        # nothing and its limits become NaN; we keep every MR instead so limits = mean.
        with np.errstate(invalid="ignore"):
            screened = mr_base & ~(mr < MR_SCREEN * amr) & (amr > 0)
        if screened.any():
            amr, _ = _group_mean(mr, mr_base & ~screened, group, n_groups, exact=False)
            if rules.screen_recomputes_mean:
                mean, _ = _group_mean(y, base & ~screened, group, n_groups, exact=True)
    # A group with no moving range (one point, or only gaps between points) has no
    # measured variation: limits collapse onto the mean rather than becoming NaN.
    amr = np.where(np.isnan(amr) & ~np.isnan(mean), 0.0, amr)
    # mean and amr are (series, 1) without rebasing: so are the limits. Padding needs no
    # masking here, as y is NaN there and compares False with any limit.
    lpl = mean - (LIMIT * amr)
    upl = mean + (LIMIT * amr)
    nlpl = mean - (NEAR_LIMIT * amr)
    nupl = mean + (NEAR_LIMIT * amr)

    with np.errstate(invalid="ignore"):
        outside = (y > upl) | (y < lpl)  # NaN compares False: gaps are never outside
        side = (y > mean).view(np.int8) - (y < mean).view(np.int8)
        beyond_near = (y < nlpl) | (y > nupl)
    close = beyond_near & ~outside
    across = np.ones(y.shape, dtype=bool)
    run_linked = across if rules.runs_cross_rebase else same_group
    trend_linked = across if rules.trends_cross_rebase else same_group

    run = run_flags(side, run_linked, rules.run_length)
    trend, step = trend_flags(y, trend_linked, rules.trend_length, diff=diff[:, 1:])
    near = beyond_near if rules.two_of_three_counts_beyond else close
    two = two_of_three_flags(near, side, run_linked)

    rule_code = np.full(y.shape, _R_NONE, dtype=np.int8)
    for code, flag in ((_R_RUN, run), (_R_TWO, two), (_R_TREND, trend),
                       (_R_OUTSIDE, outside)):  # lowest precedence first, so higher overwrite
        rule_code[flag] = code

    # Direction of a trend point (NHSRplotthedots 0.2.2, fix for issue #171): the step to
    # the next point when that point is also in a trend, else the step from the previous.
    nxt_in = np.zeros(y.shape, dtype=bool)
    nxt_in[:, :-1] = trend[:, 1:] & trend[:, :-1] & trend_linked[:, 1:]
    right = np.zeros(y.shape, dtype=np.int8)
    right[:, :-1] = step[:, 1:]
    # +1 for "high" (above the mean, or a rising trend), -1 for "low"
    high = np.where(rule_code == _R_TREND, np.where(nxt_in, right, step) == 1, side > 0)
    direction = high.view(np.int8) * np.int8(2) - np.int8(1)
    oriented = direction * signs[:, None]
    # improvement if oriented > 0, concern if < 0; neutral measures by high/low instead
    point_type = np.where(oriented > 0, np.int8(_PT_IMP), np.int8(_PT_CON))
    neutral = signs == 0
    if neutral.any():
        nh = np.where(high, np.int8(_PT_NHIGH), np.int8(_PT_NLOW))
        point_type[neutral] = nh[neutral]
    point_type[rule_code == _R_NONE] = _PT_COMMON
    point_type[~valid] = _PT_MISSING

    # Trial limits: groups with fewer points than rules.short_group.
    _, n_valid = (mean, n_base) if not fix.any() else _group_mean(
        y, valid, group, n_groups, exact=False)
    trial = inside & (n_valid < rules.short_group)
    trial_limits: BoolArray = np.asarray(trial.any(axis=1), dtype=bool)

    # Icons come from the last charted point (gaps and padding skipped).
    any_valid: BoolArray = np.asarray(valid.any(axis=1), dtype=bool)
    last = (np.where(any_valid, width - 1 - np.argmax(valid[:, ::-1], axis=1), 0) if width
            else np.zeros(n, dtype=np.int64))
    rows = np.arange(n)
    last_type = point_type[rows, last] if width else np.full(n, _PT_MISSING, np.int8)
    variation = _variation_codes(last_type, signs, any_valid)
    upl_last = np.broadcast_to(upl, y.shape)[rows, last] if width else targets
    lpl_last = np.broadcast_to(lpl, y.shape)[rows, last] if width else targets
    assurance = _assurance_codes(targets, signs, upl_last, lpl_last,
                                 rules.assurance_inclusive, any_valid)

    if mean.shape[1] != 1 or not inside.all():  # per point, NaN in padding
        mean, amr = np.where(inside, mean, np.nan), np.where(inside, amr, np.nan)
    return {
        "values": y, "valid": valid, "group": group, "mean": mean,
        "moving_range": mr,  # NaN beyond the end already: y is NaN there
        "mr_screened": screened, "mr_mean": amr,
        "outside_limits": outside, "trend": trend,
        "two_of_three": two, "run": run, "rule_code": rule_code,
        "point_type_code": point_type, "trial": trial, "trial_limits": trial_limits,
        "variation_code": variation, "assurance_code": assurance}


def _variation_codes(last_type: CodeArray, signs: CodeArray, any_valid: BoolArray) -> CodeArray:
    # NHSRplotthedots ptd_get_icons: improvement is "high" when increase is improvement;
    # concern is "low" when increase is improvement (and the mirror for decrease).
    inc = signs >= 0
    code = np.select(
        [last_type == _PT_COMMON, (last_type == _PT_IMP) & inc, last_type == _PT_IMP,
         (last_type == _PT_CON) & inc, last_type == _PT_CON, last_type == _PT_NHIGH,
         last_type == _PT_NLOW],
        [0, 1, 2, 4, 3, 5, 6], default=7)
    return np.where(any_valid, code, 7).astype(np.int8)


def _assurance_codes(target: FloatArray, signs: CodeArray, upl: FloatArray, lpl: FloatArray,
                     inclusive: bool, any_valid: BoolArray) -> CodeArray:
    with np.errstate(invalid="ignore"):
        above = target >= upl if inclusive else target > upl
        below = target <= lpl if inclusive else target < lpl
    # Order as NHSRplotthedots' case_when: "target above UPL" is tested first.
    inc = signs > 0
    code = np.where(above, np.where(inc, _A_FAIL, _A_PASS),
                    np.where(below, np.where(inc, _A_PASS, _A_FAIL), _A_INCONSISTENT))
    none = np.isnan(target) | (signs == 0) | ~any_valid | np.isnan(upl) | np.isnan(lpl)
    return np.where(none, _A_NONE, code).astype(np.int8)


def xmr(values: Any, *, improvement: str = "increase", target: float | None = None,
        rebase: Sequence[int] | None = None, baseline: int | None = None,
        profile: str = "nhsr", series_id: Any = None, allow_gaps: bool = False,
        is_rolling_sum: bool = False, force: bool = False, **switches: Any) -> XmrResult:
    """An XmR chart of one series with Making Data Count rules.

    Parameters are those of :func:`xmr_batch` for one series: ``values`` is 1-D,
    ``rebase`` a sequence of positions that start a new group (or a boolean array of the
    series' length), ``series_id`` names the series in errors.

    Examples
    --------
    >>> r = xmr([20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18],
    ...         screen_outliers=False)
    >>> round(float(r.mean[0]), 2), round(float(r.upl[0]), 2), round(float(r.lpl[0]), 2)
    (23.2, 37.64, 8.76)
    """
    ids = None if series_id is None else [series_id]
    row = _row_floats(values, _name(ids, 0))
    if rebase is not None:
        rb = np.asarray(rebase)
        rebase_b: Any = ([np.flatnonzero(rb).tolist()] if rb.dtype == np.bool_
                         else [list(rebase)])
    else:
        rebase_b = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = xmr_batch(
            [row], improvement=improvement, target=target, rebase=rebase_b,
            baseline=baseline, profile=profile, series_ids=ids, allow_gaps=allow_gaps,
            is_rolling_sum=is_rolling_sum, force=force, **switches)
    for w in caught:  # re-emit so the warning points at the caller of xmr
        msg = str(w.message)
        if issubclass(w.category, TrialLimitsWarning):
            msg = (f"series {batch.series_ids[0]!r} has a group with fewer than "
                   f"{batch.rules.short_group} points: its limits are trial limits and "
                   "will move as points are added (see result.trial)")
        warnings.warn(msg, w.category, stacklevel=2)
    return batch.series(0)
