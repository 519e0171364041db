"""Pure, vectorised calculations: change, intervals, comparison, direction of travel, SPC.

No I/O and no plugins here. Every function takes numpy array-likes that broadcast, takes
its options as keywords, and returns a frozen result class with named fields. A bad
element becomes NaN with a reason bit in ``result.reasons``; a bad option raises
:class:`perfcore.errors.OptionError`.
"""

from perfcore.calc._common import Reason, reason_names
from perfcore.calc.change import (
    CagrResult,
    ChangeResult,
    ProjectionResult,
    cagr,
    pct_change,
    pp_change,
    project_year_end,
)
from perfcore.calc.intervals import (
    DifferenceResult,
    IntervalResult,
    RatioResult,
    count_ci,
    mean_ci,
    pp_change_ci,
    proportion_ci,
    rate_ci,
    rate_ratio_ci,
)
from perfcore.calc.rounding import round_half_away

__all__ = [
    "CagrResult",
    "ChangeResult",
    "DifferenceResult",
    "IntervalResult",
    "ProjectionResult",
    "RatioResult",
    "Reason",
    "cagr",
    "count_ci",
    "mean_ci",
    "pct_change",
    "pp_change",
    "pp_change_ci",
    "project_year_end",
    "proportion_ci",
    "rate_ci",
    "rate_ratio_ci",
    "reason_names",
    "round_half_away",
]
