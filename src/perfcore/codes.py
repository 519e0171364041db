"""perfcore's vocabularies: every code a figure, a status or a chart carries.

Codes cross the stages (calculation → evaluation → scores → report); words are made from
them only at the edge, in the report's language (:mod:`perfcore.labels`). Two shapes:

- :class:`Polarity` and :class:`MeasureKind` are the plan's own vocabulary: their values
  are the words plan files use, and ``parse`` accepts the documented synonyms.
- Every other vocabulary is a :class:`Code`: an ``IntEnum`` whose values ``0 .. n-1`` are
  what result arrays hold (one byte per cell), and whose lower-case name is the code JSON
  and CSV output show (``Direction.IMPROVING`` is ``1`` in an array and ``"improving"`` in
  a report). ``Direction.names()`` is the name table an array of codes indexes:
  ``np.asarray(Direction.names())[codes]``.
"""

from __future__ import annotations

import enum
import functools
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from perfcore.errors import OptionError

__all__ = [
    "Assessment",
    "AssuranceIcon",
    "Code",
    "ComparatorSource",
    "Direction",
    "IntervalMethod",
    "MeasureKind",
    "PointType",
    "Polarity",
    "Relation",
    "SpcRule",
    "Status",
    "StatusBasis",
    "SuppressionReason",
    "TargetStatus",
    "TrendMarker",
    "UntestedReason",
    "VariationIcon",
]


class Polarity(enum.Enum):
    """Which direction of movement is good for a measure."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neutral."""
        # Looked up by value: hashing a str is a C call, hashing an Enum member a Python
        # one (this is read per measure at every step of an evaluation).
        return _SIGN[self._value_]

    @classmethod
    def parse(cls, value: Polarity | str, *, option: str = "polarity") -> Polarity:
        """Accept a Polarity or one of its spellings (``"higher"``, ``"lower is better"``,
        ``"decrease"``, ``"neutral"`` ...). Anything else raises :class:`OptionError`
        naming ``option``.

        The one polarity vocabulary: plan files, :func:`perfcore.calc.direction_of_travel`,
        :func:`perfcore.calc.compare_to_benchmark`, the SPC functions' ``improvement``
        and ``perfcore chart --improvement`` all read it through this.
        """
        if isinstance(value, Polarity):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            if key in _ALIASES:
                return _ALIASES[key]
        raise OptionError.for_choice(option, value, sorted(_ALIASES))

    @classmethod
    def spellings(cls) -> tuple[str, ...]:
        """Every spelling :meth:`parse` accepts, sorted."""
        return tuple(sorted(_ALIASES))


_SIGN = {Polarity.HIGHER_IS_BETTER.value: 1, Polarity.LOWER_IS_BETTER.value: -1,
         Polarity.NEUTRAL.value: 0}
_ALIASES = {
    "higher_is_better": Polarity.HIGHER_IS_BETTER,
    "higher": Polarity.HIGHER_IS_BETTER,
    "increase": Polarity.HIGHER_IS_BETTER,
    "up": Polarity.HIGHER_IS_BETTER,
    "lower_is_better": Polarity.LOWER_IS_BETTER,
    "lower": Polarity.LOWER_IS_BETTER,
    "decrease": Polarity.LOWER_IS_BETTER,
    "down": Polarity.LOWER_IS_BETTER,
    "neutral": Polarity.NEUTRAL,
    "none": Polarity.NEUTRAL,
}


class MeasureKind(enum.Enum):
    """What a measure's value is; it decides which statistics apply.

    count      -- a number of events (Poisson): change is a % change
    rate       -- a count per N population: change is a % change, CI from the count
    proportion -- a numerator over a denominator (or survey respondents): change is in pp
    mean       -- an average of values (mean, sd, n): change is a % change
    money      -- an amount of money: change is a % change, no CI
    qualitative -- a status and commentary, no figures
    """

    COUNT = "count"
    RATE = "rate"
    PROPORTION = "proportion"
    MEAN = "mean"
    MONEY = "money"
    QUALITATIVE = "qualitative"

    @classmethod
    def parse(cls, value: MeasureKind | str) -> MeasureKind:
        """Accept a MeasureKind or a spelling (``"percentage"`` means proportion,
        ``"rate_per_1000"`` means rate, ``"amount"`` means money)."""
        if isinstance(value, MeasureKind):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            if key in _KIND_ALIASES:
                return _KIND_ALIASES[key]
            if key.startswith("rate_per_"):
                return MeasureKind.RATE
        raise OptionError.for_choice("kind", value, [k.value for k in MeasureKind])

    @property
    def uses_pp_change(self) -> bool:
        """True when change is reported in percentage points rather than as a % change."""
        return self is MeasureKind.PROPORTION


_KIND_ALIASES = {k.value: k for k in MeasureKind} | {
    "percentage": MeasureKind.PROPORTION,
    "percent": MeasureKind.PROPORTION,
    "rate_per_population": MeasureKind.RATE,
    "amount": MeasureKind.MONEY,
    "number": MeasureKind.COUNT,
}


class Code(enum.IntEnum):
    """A vocabulary of result codes: the value is what arrays hold, the lower-case name
    what reports show (``str(code)``). Values run ``0 .. n-1`` so that :meth:`names` is
    the table an array of codes indexes."""

    def __str__(self) -> str:
        return self.name.lower()

    # Codes of different vocabularies share values (Status.GREEN and Direction.IMPROVING
    # are both 1) but are different things: they never compare equal, so a table keyed by
    # codes of several vocabularies keeps them apart. A code still equals (and hashes as)
    # its plain int, so arrays of codes and tables keyed by ints work as before.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Code) and type(other) is not type(self):
            return False
        return int(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return int.__hash__(self)

    @property
    def code(self) -> str:
        """The lower-case name (``"improving"``)."""
        return self.name.lower()

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every member's code, indexed by value."""
        return _names(cls)

    @classmethod
    def name_array(cls, codes: npt.ArrayLike) -> npt.NDArray[np.str_]:
        """An array of codes as an array of their names (``"improving"`` ...)."""
        return np.asarray(cls.names())[np.asarray(codes, dtype=np.intp)]

    @classmethod
    def parse(cls, value: Any) -> Self:
        """A member from itself, its value or its code (``"improving"``, any case);
        anything else raises :class:`~perfcore.errors.OptionError` listing the codes."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace(" ", "_").replace("-", "_")
            for member in cls:
                if member.code == key:
                    return member
        elif isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        raise OptionError.for_choice(cls.__name__, value, cls.names())


@functools.cache
def _names(cls: type[Code]) -> tuple[str, ...]:
    members = sorted(cls, key=int)
    if [int(m) for m in members] != list(range(len(members))):
        raise TypeError(f"{cls.__name__}: code values must run 0 .. n-1")
    return tuple(m.code for m in members)


class Status(Code):
    """A measure's (or a roll-up's) RAG status, ordered by severity for roll-ups. ``GREY``
    means no judgement was made (the reasons and, from the scoring stage, the status basis
    say why)."""

    GREY = 0
    GREEN = 1
    AMBER = 2
    RED = 3


class StatusBasis(Code):
    """The evidence a status rests on. Only the evidence bases (``CHANGE_SIGNIFICANT``,
    ``SPC``, ``TARGET``, ``COMPARATOR_SIGNIFICANT``, ``MANUAL``) give red, amber or
    green; the others leave a measure grey and say why."""

    NO_DATA = 0
    NOT_TESTED = 1
    NEUTRAL = 2
    CHANGE_SIGNIFICANT = 3
    SPC = 4
    TARGET = 5
    COMPARATOR_SIGNIFICANT = 6
    MANUAL = 7

    @property
    def is_evidence(self) -> bool:
        """True for the bases a red, amber or green status may rest on."""
        return self >= StatusBasis.CHANGE_SIGNIFICANT


class UntestedReason(Code):
    """Why the change of a measure was not tested for significance (``NONE``: it was)."""

    NONE = 0
    NO_DATA = 1  #: a value of one of the two periods is missing
    NO_BASE = 2  #: a proportion without its denominator or sample size
    NO_COUNT = 3  #: a rate without the count behind it
    NO_POPULATION = 4  #: a rate without the population of one period
    NO_SD = 5  #: a mean without its standard deviation and n
    NOT_A_SAMPLE = 6  #: an amount of money (or a qualitative item): no sampling error
    OVERLAPPING = 7  #: the two periods share months (rolling years): not independent
    INVALID = 8  #: a zero or invalid base (see the change's reasons)


class SuppressionReason(Code):
    """Why a public edition withholds a figure (``NONE``: it is shown). ``PRIMARY``: a
    count below the disclosure threshold; ``SECONDARY``: a complementary figure withheld
    so that a total minus the parts shown cannot reveal a primary one; ``DERIVED``: a
    figure computed from a withheld count (a change, or a rate or proportion whose count
    or base is below the threshold)."""

    NONE = 0
    PRIMARY = 1
    SECONDARY = 2
    DERIVED = 3


class Direction(Code):
    """Direction of travel read with the measure's polarity. ``NOT_TESTED``: the method
    asks for a significant change but the change could not be tested (the arrow still
    shows its sign); ``INCREASED`` / ``DECREASED``: a neutral measure that moved (by the
    method: significantly, or at all), neither better nor worse; ``NOT_ASSESSED``: no
    change to read (a missing value)."""

    NOT_ASSESSED = 0
    IMPROVING = 1
    NO_CHANGE = 2
    DETERIORATING = 3
    NOT_TESTED = 4
    INCREASED = 5
    DECREASED = 6


class Relation(Code):
    """Where a force's figure lies against a comparator (independent of polarity)."""

    NOT_COMPARED = 0
    SIMILAR = 1
    HIGHER = 2
    LOWER = 3


class Assessment(Code):
    """A :class:`Relation` read with the measure's polarity. A neutral measure keeps the
    relation (``HIGHER``/``LOWER``), as Fingertips does for indicators without polarity."""

    NOT_COMPARED = 0
    SIMILAR = 1
    BETTER = 2
    WORSE = 3
    HIGHER = 4
    LOWER = 5


class ComparatorSource(Code):
    """Where a comparator group's figure came from: its members' data (``COMPUTED``), the
    members with data in both periods when some have one period only (``PARTIAL``: like
    for like, not the whole group), the group's own data row, or a published figure."""

    NOT_AVAILABLE = 0
    COMPUTED = 1
    DATASET_ROW = 2
    PUBLISHED = 3
    PARTIAL = 4


class TargetStatus(Code):
    """A measure's position against its target in the period evaluated.

    ``NOT_MET`` is said only once the target is due (the period reaches its deadline):
    before then a change target with a baseline and a deadline is ``ON_TRAJECTORY`` or
    ``OFF_TRAJECTORY`` (on or behind the straight line from the baseline to the
    target), a value target with a deadline ``NOT_YET_MET``, and a target without a
    deadline, never due, ``ON_TRACK`` or ``OFF_TRACK`` (moving towards it since the
    previous period, or not). ``NOT_AVAILABLE``: no figure, or a change target with no
    baseline figure to measure from."""

    NO_TARGET = 0
    MET = 1
    NOT_MET = 2
    NOT_AVAILABLE = 3
    ON_TRAJECTORY = 4
    OFF_TRAJECTORY = 5
    NOT_YET_MET = 6
    ON_TRACK = 7
    OFF_TRACK = 8


class IntervalMethod(Code):
    """The confidence-interval method used for a figure (``NONE``: no interval)."""

    NONE = 0
    WILSON = 1
    EXACT = 2
    BYAR = 3
    NORMAL = 4
    T = 5


class TrendMarker(Code):
    """Fingertips trend markers over the last points of a series."""

    INCREASING = 0
    DECREASING = 1
    INCREASING_AND_GETTING_BETTER = 2
    INCREASING_AND_GETTING_WORSE = 3
    DECREASING_AND_GETTING_BETTER = 4
    DECREASING_AND_GETTING_WORSE = 5
    NO_SIGNIFICANT_CHANGE = 6
    COULD_NOT_BE_CALCULATED = 7


class PointType(Code):
    """The SPC label of one point of an XmR chart (``MISSING``: a gap or padding)."""

    COMMON_CAUSE = 0
    SPECIAL_CAUSE_IMPROVEMENT = 1
    SPECIAL_CAUSE_CONCERN = 2
    SPECIAL_CAUSE_NEUTRAL_HIGH = 3
    SPECIAL_CAUSE_NEUTRAL_LOW = 4
    MISSING = 5


class SpcRule(Code):
    """The SPC rule that decided a point's label, in precedence order."""

    NONE = 0
    OUTSIDE_LIMITS = 1
    TREND = 2
    TWO_OF_THREE = 3
    RUN = 4


class VariationIcon(Code):
    """Making Data Count variation icon of a chart's last point (``NONE``: no points)."""

    COMMON_CAUSE = 0
    IMPROVEMENT_HIGH = 1
    IMPROVEMENT_LOW = 2
    CONCERN_HIGH = 3
    CONCERN_LOW = 4
    NEUTRAL_HIGH = 5
    NEUTRAL_LOW = 6
    NONE = 7


class AssuranceIcon(Code):
    """Making Data Count assurance icon against a target (``NONE``: no target, or a
    neutral measure)."""

    NONE = 0
    CONSISTENT_PASS = 1
    CONSISTENT_FAIL = 2
    INCONSISTENT = 3
