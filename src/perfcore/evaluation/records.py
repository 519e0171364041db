"""The records an :class:`~perfcore.evaluation.Evaluation` groups its figures in.

Arrays are shaped ``(len(measures), len(organisations))`` unless said otherwise. Codes are
``int8`` arrays of a :mod:`perfcore.codes` vocabulary (``ev.direction.assessment ==
Direction.IMPROVING``); ``Direction.name_array(codes)`` turns them into names. Booleans are
booleans: ``ev.test.significant`` is True only where a test ran (``ev.test.tested``) and
found a change.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc import FlagArray, FloatArray
from perfcore.calc.spc import XmrBatchResult, XmrResult
from perfcore.errors import UnknownOrganisationError, UnknownPeriodError
from perfcore.organisations import ComparatorGroup
from perfcore.periods import Month, Period

__all__ = ["Change", "ChangeTest", "Comparison", "Counts", "DirectionOfTravel", "History",
           "Interval", "Peers", "Spc", "SpcRebase", "Targets", "Trend"]

Codes = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@attrs.frozen(kw_only=True)
class Counts:
    """The counts (x) and bases (n: denominator, sample size or population) behind each
    value, in the current and the previous period (NaN where the kind has none)."""

    numerator: FloatArray = attrs.field(eq=False, repr=False)
    denominator: FloatArray = attrs.field(eq=False, repr=False)
    previous_numerator: FloatArray = attrs.field(eq=False, repr=False)
    previous_denominator: FloatArray = attrs.field(eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Interval:
    """Confidence interval of the current value; ``method`` holds
    :class:`~perfcore.codes.IntervalMethod` codes (``NONE``: no interval)."""

    lower: FloatArray = attrs.field(eq=False, repr=False)
    upper: FloatArray = attrs.field(eq=False, repr=False)
    method: Codes = attrs.field(eq=False, repr=False)
    confidence: float


@attrs.frozen(kw_only=True)
class Change:
    """Change from the previous period: in % for counts, rates, means and money, in
    percentage points for proportions (``unit``, one per measure); ``absolute`` is
    current − previous; ``reasons`` the :class:`~perfcore.calc.Reason` bits (``zero_base``,
    ``small_base`` ...)."""

    value: FloatArray = attrs.field(eq=False, repr=False)
    absolute: FloatArray = attrs.field(eq=False, repr=False)
    unit: tuple[str, ...]
    reasons: FlagArray = attrs.field(eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ChangeTest:
    """Significance of the change: ``tested`` where the inputs allowed a test,
    ``significant`` where it found a change, ``pvalue`` its two-sided p-value (NaN where
    not tested); ``untested`` says why a cell was not tested
    (:class:`~perfcore.codes.UntestedReason` codes: the missing input, overlapping
    periods ...); ``method`` per measure (``"rate_ratio"``: conditional exact test of two
    counts; ``"newcombe"``: Newcombe's interval of a pp change; ``"welch"``: Welch's test
    of two means; ``""``: no test for the kind)."""

    tested: BoolArray = attrs.field(eq=False, repr=False)
    significant: BoolArray = attrs.field(eq=False, repr=False)
    pvalue: FloatArray = attrs.field(eq=False, repr=False)
    untested: Codes = attrs.field(eq=False, repr=False)
    method: tuple[str, ...]


@attrs.frozen(kw_only=True)
class DirectionOfTravel:
    """Arrow (``"↑"``, ``"↓"``, ``"→"``; ``""`` where not computed) and the
    :class:`~perfcore.codes.Direction` read with polarity, by ``method``."""

    arrow: npt.NDArray[np.str_] = attrs.field(eq=False, repr=False)
    assessment: Codes = attrs.field(eq=False, repr=False)
    method: str


@attrs.frozen(kw_only=True)
class Comparison:
    """Figures comparing each organisation with one comparator slot (e.g. its MSG).

    ``group`` names each organisation's group id ("" where it has none). ``value`` /
    ``previous`` are the group's figures (pooled by default); ``change`` the group's
    change in the measure's change unit; ``difference`` the organisation's value minus
    the group's (in pp for proportions); ``rank`` is 1 = best by polarity among the
    group's members and the organisation itself (0 = not ranked) out of ``group_size``;
    ``relation`` / ``assessment`` the significance label
    (:class:`~perfcore.codes.Relation` / :class:`~perfcore.codes.Assessment` codes);
    ``source`` where the group figure came from
    (:class:`~perfcore.codes.ComparatorSource` codes); ``members_used`` of
    ``members_declared`` members had data in both periods and make the computed figure
    (like for like: a member with one period only is left out of both); ``members`` the
    organisations each organisation is ranked among (its group and itself, in the
    dataset's order; :class:`Peers` has their figures).
    """

    slot: str
    method: str
    include_self: bool
    group: tuple[str, ...]
    value: FloatArray = attrs.field(eq=False, repr=False)
    previous: FloatArray = attrs.field(eq=False, repr=False)
    change: FloatArray = attrs.field(eq=False, repr=False)
    difference: FloatArray = attrs.field(eq=False, repr=False)
    rank: IntArray = attrs.field(eq=False, repr=False)
    group_size: IntArray = attrs.field(eq=False, repr=False)
    relation: Codes = attrs.field(eq=False, repr=False)
    assessment: Codes = attrs.field(eq=False, repr=False)
    source: Codes = attrs.field(eq=False, repr=False)
    members_used: IntArray = attrs.field(eq=False, repr=False)
    members_declared: IntArray = attrs.field(eq=False, repr=False)
    reasons: FlagArray = attrs.field(eq=False, repr=False)
    members: tuple[tuple[str, ...], ...] = attrs.field(default=(), eq=False, repr=False)
    groups: tuple[ComparatorGroup, ...] = attrs.field(default=(), eq=False, repr=False)
    rank_source: Codes | None = attrs.field(default=None, eq=False, repr=False)

    def group_of(self, j: int) -> ComparatorGroup | None:
        """Organisation ``j``'s group (None where it has none)."""
        return next((g for g in self.groups if g.id == self.group[j]), None)

    def select(self, columns: npt.ArrayLike) -> Comparison:
        """The comparison of some organisations only (by position)."""
        cols = np.asarray(columns, dtype=np.intp).tolist()
        arrays = {f: getattr(self, f)[:, cols] for f in _COMPARISON_ARRAYS}
        rank_source = None if self.rank_source is None else self.rank_source[:, cols]
        return attrs.evolve(self, group=tuple(self.group[i] for i in cols),
                            members=tuple(self.members[i] for i in cols) if self.members
                            else (), rank_source=rank_source, **arrays)


_COMPARISON_ARRAYS = ("value", "previous", "change", "difference", "rank", "group_size",
                      "relation", "assessment", "source", "members_used",
                      "members_declared", "reasons")


@attrs.frozen(kw_only=True)
class Peers:
    """Every organisation's figure on each measure, for the charts and tables that set an
    organisation among others (a peer chart, a funnel plot, a league table):
    measures × ``organisations`` (all those of the dataset, not only those reported).

    ``estimate`` is what organisations are compared on, with its confidence interval
    (``lower``, ``upper``): the % change for counts (from the ratio of the two periods'
    counts and its interval), the current value otherwise. ``numerator`` and
    ``denominator`` are the counts behind a rate or proportion (a funnel plot's inputs);
    ``current`` the current value of every kind."""

    organisations: tuple[str, ...]
    estimate: FloatArray = attrs.field(eq=False, repr=False)
    lower: FloatArray = attrs.field(eq=False, repr=False)
    upper: FloatArray = attrs.field(eq=False, repr=False)
    current: FloatArray = attrs.field(eq=False, repr=False)
    numerator: FloatArray = attrs.field(eq=False, repr=False)
    denominator: FloatArray = attrs.field(eq=False, repr=False)

    def index(self, organisations: Sequence[str]) -> list[int]:
        """Positions of organisations (codes) in :attr:`organisations`; one not among
        them raises :class:`~perfcore.errors.UnknownOrganisationError`."""
        where = {o: k for k, o in enumerate(self.organisations)}
        missing = next((o for o in organisations if o not in where), None)
        if missing is not None:
            raise UnknownOrganisationError.near(missing, self.organisations,
                                                where="the comparator's members")
        return [where[o] for o in organisations]


@attrs.frozen(kw_only=True)
class Trend:
    """Fingertips trend marker over the last ``points`` periods
    (:class:`~perfcore.codes.TrendMarker` codes)."""

    marker: Codes = attrs.field(eq=False, repr=False)
    points: int


@attrs.frozen(kw_only=True)
class Targets:
    """Position against each measure's target.

    ``status``: :class:`~perfcore.codes.TargetStatus` codes (met and not met only once
    the target is due; on or off trajectory, not yet met, on or off track before).
    ``level``: the value the final target asks for, in the measure's value units (a
    proportion as a fraction, like ``Evaluation.current``): a value target's value, or a
    change target's baseline value moved by the change. ``gap``: the current value less
    that level, signed so that it is positive when the target is beaten, in the
    measure's units — counts in counts, money in pounds, rates per their base, and
    proportions in percentage points (as their change is). ``achieved``: a change
    target's change since its baseline, in the target's units (% for counts, rates and
    money, pp for proportions, as ``Change.value``); ``required``: the change needed by
    now on the straight line from the baseline to the deadline (the whole change once
    due; NaN without a baseline and deadline). ``baseline``, ``baseline_count`` and
    ``baseline_base``: the baseline period's value and the count and base behind it (for
    disclosure control: the gap gives the baseline back)."""

    status: Codes = attrs.field(eq=False, repr=False)
    gap: FloatArray = attrs.field(eq=False, repr=False)
    level: FloatArray = attrs.field(eq=False, repr=False)
    achieved: FloatArray = attrs.field(eq=False, repr=False)
    required: FloatArray = attrs.field(eq=False, repr=False)
    baseline: FloatArray = attrs.field(eq=False, repr=False)
    baseline_count: FloatArray = attrs.field(eq=False, repr=False)
    baseline_base: FloatArray = attrs.field(eq=False, repr=False)


@attrs.frozen(kw_only=True)
class SpcRebase:
    """One of a measure's rebases (:class:`perfcore.model.Rebase`) as its chart has it:
    the month its new group starts, the plan's ``note`` saying why, and ``position``, the
    month's place in the chart (0 = the first month charted), where a report draws the
    marker. A rebase splits a chart only when its month falls after the chart's first
    month and not after its last; any other (a step before the months charted, or after
    them when an earlier period is reported) splits nothing: ``position`` is None."""

    month: Month
    note: str
    position: int | None

    @property
    def applied(self) -> bool:
        """True when the rebase splits the chart."""
        return self.position is not None


@attrs.frozen(kw_only=True)
class Spc:
    """XmR charts of the monthly series ending with the period.

    ``months`` are the months of the longest chart; each measure's chart is the last
    ``points[i]`` of them (its own ``spc.points``, else the evaluation's; 0: none):
    :meth:`months_of`. ``rules[i]`` is the rule profile each measure is charted with;
    the charts are held in ``batches``, one per profile used, and a cell's chart is row
    ``row[i, j]`` of batch ``batch[i, j]`` (-1: not charted: no monthly data or a missing
    month): :meth:`chart`. ``rebases[i]`` are the measure's rebases, with their place in
    its chart. ``variation`` / ``assurance`` are the Making Data Count icons
    (:class:`~perfcore.codes.VariationIcon` / :class:`~perfcore.codes.AssuranceIcon`).
    """

    batches: tuple[XmrBatchResult, ...] = attrs.field(eq=False, repr=False)
    batch: IntArray = attrs.field(eq=False, repr=False)
    row: IntArray = attrs.field(eq=False, repr=False)
    months: tuple[Month, ...]
    points: IntArray = attrs.field(eq=False, repr=False)
    rules: tuple[str, ...]
    rebases: tuple[tuple[SpcRebase, ...], ...]
    variation: Codes = attrs.field(eq=False, repr=False)
    assurance: Codes = attrs.field(eq=False, repr=False)

    @property
    def charted(self) -> BoolArray:
        return self.row >= 0

    def chart(self, i: int, j: int) -> XmrResult | None:
        """The chart of measure ``i`` for organisation ``j`` (None: not charted)."""
        b, r = int(self.batch[i, j]), int(self.row[i, j])
        return None if r < 0 else self.batches[b].series(r)

    def months_of(self, i: int) -> tuple[Month, ...]:
        """The months measure ``i``'s chart covers, oldest first."""
        n = int(self.points[i])
        return self.months[len(self.months) - n:] if n else ()


@attrs.frozen(kw_only=True)
class History:
    """The values of a measure in every period a report shows or draws: ``values`` is
    measures × organisations × ``periods`` (in time order), ``numerator`` and
    ``denominator`` the count and base behind each (as :class:`Counts`); ``source`` codes
    into ``sources`` the recorded source of each observation (-1: none).

    ``shown`` are the earlier periods a report shows as columns before the two compared
    (the plan's ``[display] history``, those before the previous period); ``series`` the
    periods of the reported period's kind ending with it, which a sparkline draws."""

    periods: tuple[Period, ...]
    values: FloatArray = attrs.field(eq=False, repr=False)
    numerator: FloatArray = attrs.field(eq=False, repr=False)
    denominator: FloatArray = attrs.field(eq=False, repr=False)
    source: npt.NDArray[np.int32] = attrs.field(eq=False, repr=False)
    sources: tuple[str, ...]
    shown: tuple[Period, ...] = ()
    series: tuple[Period, ...] = ()

    def at(self, period: Period) -> int:
        """The position of ``period`` in :attr:`periods`; a period not among them raises
        :class:`~perfcore.errors.UnknownPeriodError`."""
        try:
            return self.periods.index(period)
        except ValueError:
            raise UnknownPeriodError(period=str(period), where="the history",
                                     covered=tuple(str(p) for p in self.periods)) from None

    def source_of(self, i: int, j: int, k: int) -> str:
        code = int(self.source[i, j, k])
        return self.sources[code] if code >= 0 else ""

    def series_values(self, i: int, j: int) -> FloatArray:
        """Measure ``i``'s values for organisation ``j`` over :attr:`series`."""
        return self.values[i, j, [self.at(p) for p in self.series]]
