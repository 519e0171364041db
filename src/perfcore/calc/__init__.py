"""Pure, vectorised calculations: change, intervals, comparison with a benchmark, funnel
plots, peer groups, direction of travel, crime outcomes, crime severity, SPC, disclosure
control.

No I/O and no plugins here. Every function takes numpy array-likes that broadcast, takes
its options as keywords, and returns a frozen result class with named fields. A bad
element becomes NaN with a reason bit in ``result.reasons``; a bad option raises
:class:`perfcore.errors.OptionError`.
"""

from perfcore.calc._common import FlagArray, FloatArray, Reason, polarity_signs, reason_names
from perfcore.calc.benchmark import BenchmarkComparison, compare_to_benchmark
from perfcore.calc.change import (
    CagrResult,
    ChangeResult,
    ProjectionResult,
    cagr,
    pct_change,
    pp_change,
    project_year_end,
)
from perfcore.calc.crime_outcomes import OutcomeBasis, OutcomeRate, outcome_rate
from perfcore.calc.direction import (
    TREND_CRITICAL_VALUE,
    TREND_SLOPES,
    DirectionResult,
    TrendResult,
    direction_of_travel,
    trend_test,
)
from perfcore.calc.disclosure import (
    AdditiveStructure,
    Suppression,
    primary_suppression,
    recoverable,
    secondary_suppression,
)
from perfcore.calc.funnel import (
    FunnelLimits,
    FunnelSignificance,
    Overdispersion,
    funnel_axis,
    funnel_limits,
    funnel_significance,
    overdispersion,
)
from perfcore.calc.groups import (
    DescriptiveBand,
    GroupAverage,
    GroupRank,
    descriptive_band,
    group_average,
    membership_matrix,
    rank_in_group,
)
from perfcore.calc.intervals import (
    DifferenceResult,
    IntervalResult,
    RatioResult,
    count_ci,
    effective_sample_size,
    mean_ci,
    pp_change_ci,
    proportion_ci,
    rate_ci,
    rate_ratio_ci,
)
from perfcore.calc.means import MeanChangeResult, mean_change_test
from perfcore.calc.rounding import round_half_away
from perfcore.calc.severity import SeverityScore, crime_severity_score

__all__ = [
    "TREND_CRITICAL_VALUE",
    "TREND_SLOPES",
    "AdditiveStructure",
    "BenchmarkComparison",
    "CagrResult",
    "ChangeResult",
    "DescriptiveBand",
    "DifferenceResult",
    "DirectionResult",
    "FlagArray",
    "FloatArray",
    "FunnelLimits",
    "FunnelSignificance",
    "GroupAverage",
    "GroupRank",
    "IntervalResult",
    "MeanChangeResult",
    "OutcomeBasis",
    "OutcomeRate",
    "Overdispersion",
    "ProjectionResult",
    "RatioResult",
    "Reason",
    "SeverityScore",
    "Suppression",
    "TrendResult",
    "cagr",
    "compare_to_benchmark",
    "count_ci",
    "crime_severity_score",
    "descriptive_band",
    "direction_of_travel",
    "effective_sample_size",
    "funnel_axis",
    "funnel_limits",
    "funnel_significance",
    "group_average",
    "mean_change_test",
    "mean_ci",
    "membership_matrix",
    "outcome_rate",
    "overdispersion",
    "pct_change",
    "polarity_signs",
    "pp_change",
    "pp_change_ci",
    "primary_suppression",
    "project_year_end",
    "proportion_ci",
    "rank_in_group",
    "rate_ci",
    "rate_ratio_ci",
    "reason_names",
    "recoverable",
    "round_half_away",
    "secondary_suppression",
    "trend_test",
]
