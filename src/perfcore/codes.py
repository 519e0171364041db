"""Enumerations shared by the model and the calculations.

They live apart from :mod:`perfcore.model` so that :mod:`perfcore.calc` can use them
without importing the plan model.
"""

from __future__ import annotations

import enum

from perfcore.errors import OptionError

__all__ = ["MeasureKind", "Polarity"]


class Polarity(enum.Enum):
    """Which direction of movement is good for a measure."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neutral."""
        return _SIGN[self]

    @classmethod
    def parse(cls, value: Polarity | str) -> Polarity:
        """Accept a Polarity or one of its spellings (``"higher"``, ``"lower is better"``,
        ``"decrease"``, ``"neutral"`` ...). Anything else raises :class:`OptionError`."""
        if isinstance(value, Polarity):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            if key in _ALIASES:
                return _ALIASES[key]
        raise OptionError.for_choice("polarity", value, sorted(_ALIASES))


_SIGN = {Polarity.HIGHER_IS_BETTER: 1, Polarity.LOWER_IS_BETTER: -1, Polarity.NEUTRAL: 0}
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
