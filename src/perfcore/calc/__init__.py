"""Pure, vectorised calculations: change, intervals, comparison, direction of travel, SPC.

No I/O and no plugins here. Every function takes numpy array-likes that broadcast, takes
its options as keywords, and returns a frozen result class with named fields. A bad
element becomes NaN with a reason bit in ``result.reasons``; a bad option raises
:class:`perfcore.errors.OptionError`.
"""

from perfcore.calc._common import Reason, reason_names
from perfcore.calc.compare import (
    BenchmarkComparison,
    DescriptiveBand,
    FunnelLimits,
    FunnelSignificance,
    GroupAverage,
    GroupRank,
    Overdispersion,
    compare_to_benchmark,
    descriptive_band,
    funnel_axis,
    funnel_limits,
    funnel_significance,
    group_average,
    membership_matrix,
    ordinal,
    overdispersion,
    rank_in_group,
)
from perfcore.calc.direction import (
    TREND_CRITICAL_VALUE,
    DirectionResult,
    TrendResult,
    direction_of_travel,
    phrase,
    trend_test,
)

__all__ = [
    "TREND_CRITICAL_VALUE",
    "BenchmarkComparison",
    "DescriptiveBand",
    "DirectionResult",
    "FunnelLimits",
    "FunnelSignificance",
    "GroupAverage",
    "GroupRank",
    "Overdispersion",
    "Reason",
    "TrendResult",
    "compare_to_benchmark",
    "descriptive_band",
    "direction_of_travel",
    "funnel_axis",
    "funnel_limits",
    "funnel_significance",
    "group_average",
    "membership_matrix",
    "ordinal",
    "overdispersion",
    "phrase",
    "rank_in_group",
    "reason_names",
    "trend_test",
]
