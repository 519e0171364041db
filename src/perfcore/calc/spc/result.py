"""The result of charting: :class:`XmrBatchResult` holds every series' arrays, once;
:class:`XmrResult` is one series of it, read through a view (no copy).

The limits and the point and rule names are derived from the stored centre lines, MR̄
and codes in one place (:class:`_Derived`), for both classes; the icon names from the
codes (arrays for a batch, strings for one series).
"""

from __future__ import annotations

from typing import Any, Final, Generic, TypeVar, overload

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import BoolArray, FloatArray, Int8Array, IntArray, StrArray, names_of
from perfcore.calc.spc.rules import LIMIT, NEAR_LIMIT, SpcRules, limit_line
from perfcore.codes import AssuranceIcon, PointType, SpcRule, VariationIcon

__all__ = [
    "ASSURANCE_TYPES",
    "POINT_TYPES",
    "RULES",
    "VARIATION_ICONS",
    "XmrBatchResult",
    "XmrResult",
]


#: Point types, indexed by ``point_type_code`` (:class:`~perfcore.codes.PointType`);
#: ``missing`` marks a gap or padding.
POINT_TYPES: Final = PointType.names()
#: The rule that decided each point's label, indexed by ``rule_code``
#: (:class:`~perfcore.codes.SpcRule`, precedence order).
RULES: Final = SpcRule.names()
#: Variation icons, indexed by ``variation_code`` (:class:`~perfcore.codes.VariationIcon`);
#: ``none`` when a series has no points.
VARIATION_ICONS: Final = VariationIcon.names()
#: Assurance icons, indexed by ``assurance_code`` (:class:`~perfcore.codes.AssuranceIcon`);
#: ``none``: no target, or a neutral measure.
ASSURANCE_TYPES: Final = AssuranceIcon.names()
#: Improvement direction names, indexed by the sign (+1 increase, -1 decrease, 0 neutral).
_IMPROVEMENT_NAMES: Final = ("neutral", "increase", "decrease")


class _Derived:
    """Per-point quantities derived from the stored arrays, exactly as the rules used
    them: limits from ``mean`` and ``mr_mean``, names from the codes."""

    __slots__ = ()
    mean: FloatArray
    mr_mean: FloatArray
    rule_code: Int8Array
    point_type_code: Int8Array

    @property
    def upl(self) -> FloatArray:
        """Upper process limit, ``mean + 2.66·MR̄`` (3σ)."""
        return limit_line(self.mean, self.mr_mean, LIMIT)

    @property
    def lpl(self) -> FloatArray:
        """Lower process limit, ``mean − 2.66·MR̄`` (3σ)."""
        return limit_line(self.mean, self.mr_mean, -LIMIT)

    @property
    def near_upl(self) -> FloatArray:
        """Upper near limit, ``mean + (2/3)·2.66·MR̄`` (2σ)."""
        return limit_line(self.mean, self.mr_mean, NEAR_LIMIT)

    @property
    def near_lpl(self) -> FloatArray:
        """Lower near limit, ``mean − (2/3)·2.66·MR̄`` (2σ)."""
        return limit_line(self.mean, self.mr_mean, -NEAR_LIMIT)

    @property
    def point_type(self) -> StrArray:
        """Point type name of each point (see :data:`POINT_TYPES`)."""
        return names_of(PointType, self.point_type_code)

    @property
    def rule(self) -> StrArray:
        """Name of the rule that decided each point's label (see :data:`RULES`)."""
        return names_of(SpcRule, self.rule_code)

    @property
    def special_cause(self) -> BoolArray:
        """True where a point is special cause variation."""
        out: BoolArray = ((self.point_type_code != PointType.COMMON_CAUSE)
                          & (self.point_type_code != PointType.MISSING))
        return out


@attrs.frozen(kw_only=True)
class XmrBatchResult(_Derived):
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
        :class:`~perfcore.codes.SpcRule` that decided the label (precedence order);
        ``rule`` gives the names.
    point_type_code : ndarray of int8
        :class:`~perfcore.codes.PointType` of each point; ``point_type`` gives the names
        and ``special_cause`` says which are special cause variation.
    trial : ndarray of bool
        True where the point's group has trial limits (too few points).
    trial_limits : ndarray of bool, shape (n_series,)
        True when any group of the series has trial limits.
    variation_code, assurance_code : ndarray of int8, shape (n_series,)
        :class:`~perfcore.codes.VariationIcon` and :class:`~perfcore.codes.AssuranceIcon`;
        ``variation_icon`` and ``assurance`` give the names.
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
    rule_code: Int8Array = attrs.field(eq=False, repr=False)
    point_type_code: Int8Array = attrs.field(eq=False, repr=False)
    trial: BoolArray = attrs.field(eq=False, repr=False)
    trial_limits: BoolArray = attrs.field(eq=False, repr=False)
    variation_code: Int8Array = attrs.field(eq=False, repr=False)
    assurance_code: Int8Array = attrs.field(eq=False, repr=False)
    improvement: Int8Array = attrs.field(eq=False, repr=False)
    target: FloatArray = attrs.field(eq=False, repr=False)
    series_ids: tuple[Any, ...]
    rules: SpcRules

    @property
    def variation_icon(self) -> StrArray:
        """Variation icon name per series."""
        return names_of(VariationIcon, self.variation_code)

    @property
    def assurance(self) -> StrArray:
        """Assurance icon name per series."""
        return names_of(AssuranceIcon, self.assurance_code)

    def __len__(self) -> int:
        return len(self.series_ids)

    def series(self, i: int) -> XmrResult:
        """The chart of series ``i`` (by position; negative counts from the end) as an
        :class:`XmrResult` viewing this batch's arrays."""
        return XmrResult(batch=self, index=range(len(self))[i])


A = TypeVar("A", bound=npt.NDArray[Any])


class _Row(Generic[A]):
    """A per-point array of :class:`XmrResult`: its series' row of the batch's array of
    the same name, up to the series' length (a read-only view)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _Row[A]: ...
    @overload
    def __get__(self, obj: XmrResult, owner: type | None = None) -> A: ...

    def __get__(self, obj: XmrResult | None, owner: type | None = None) -> _Row[A] | A:
        if obj is None:
            return self
        i = obj.index
        row: A = getattr(obj.batch, self.name)[i, :int(obj.batch.lengths[i])]
        return row


@attrs.frozen(kw_only=True, repr=False)
class XmrResult(_Derived):
    """An XmR chart of one series: one row of an :class:`XmrBatchResult`, which holds the
    numbers (``xmr`` charts a batch of one). Per-point arrays have the series' length and
    are read-only views of the batch's.

    Attributes
    ----------
    batch : XmrBatchResult
        The batch the series belongs to.
    index : int
        Its position in the batch.
    values, valid, group, mean, moving_range, mr_screened, mr_mean, outside_limits, trend,
    two_of_three, run, rule_code, point_type_code, trial
        Per-point arrays (see :class:`XmrBatchResult`); ``upl``, ``lpl``, ``near_upl``,
        ``near_lpl``, ``point_type``, ``rule`` and ``special_cause`` are derived.
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
        The identifier given (or the position).
    rules : SpcRules
        The resolved rule settings.
    """

    batch: XmrBatchResult = attrs.field(repr=False)
    index: int

    values = _Row[FloatArray]()
    valid = _Row[BoolArray]()
    group = _Row[npt.NDArray[np.int32]]()
    mean = _Row[FloatArray]()
    moving_range = _Row[FloatArray]()
    mr_screened = _Row[BoolArray]()
    mr_mean = _Row[FloatArray]()
    outside_limits = _Row[BoolArray]()
    trend = _Row[BoolArray]()
    two_of_three = _Row[BoolArray]()
    run = _Row[BoolArray]()
    rule_code = _Row[Int8Array]()
    point_type_code = _Row[Int8Array]()
    trial = _Row[BoolArray]()

    @property
    def trial_limits(self) -> bool:
        return bool(self.batch.trial_limits[self.index])

    @property
    def variation_icon(self) -> str:
        return VARIATION_ICONS[int(self.batch.variation_code[self.index])]

    @property
    def assurance(self) -> str:
        return ASSURANCE_TYPES[int(self.batch.assurance_code[self.index])]

    @property
    def improvement(self) -> str:
        return _IMPROVEMENT_NAMES[int(self.batch.improvement[self.index])]

    @property
    def target(self) -> float | None:
        t = float(self.batch.target[self.index])
        return None if np.isnan(t) else t

    @property
    def series_id(self) -> Any:
        return self.batch.series_ids[self.index]

    @property
    def rules(self) -> SpcRules:
        return self.batch.rules

    def __repr__(self) -> str:
        return (f"XmrResult(series_id={self.series_id!r}, points={len(self.values)}, "
                f"trial_limits={self.trial_limits}, variation_icon={self.variation_icon!r}, "
                f"assurance={self.assurance!r}, improvement={self.improvement!r}, "
                f"target={self.target!r}, rules={self.rules!r})")
