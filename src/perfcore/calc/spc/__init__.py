"""Statistical process control: XmR charts with the Making Data Count rules.

One vectorised core charts thousands of series at once (:func:`xmr_batch`); :func:`xmr`
charts one series through the same core, so the two always agree exactly: its
:class:`XmrResult` is a view of one row of an :class:`XmrBatchResult`.

Method (docs/spc.md §5; default profile ``nhsr`` = NHSRplotthedots 0.2.2):

* Per rebase group: mean; moving ranges ``|x_t - x_{t-1}|`` inside the group; MR̄;
  process limits ``mean ± 2.66·MR̄``; near limits ``mean ± (2·2.66/3)·MR̄``.
* Screening (on by default): moving ranges ``≥ 3.267·MR̄`` are dropped once and MR̄ is
  recomputed; the mean is kept (profile ``mdc_sql_2_5`` also recomputes the mean).
* Rules: a point outside the limits (strict); a run of 7 on one side of the mean;
  a trend of 7 strictly rising or falling; 2 of 3 beyond the near limits on one side.
  Label precedence: outside limits > trend > 2-of-3 > run > common cause.
* Variation icon from the last point; assurance icon from the target against the
  latest group's limits.

Modules: :mod:`~perfcore.calc.spc.rules` (settings, the rule tests, labels),
:mod:`~perfcore.calc.spc.icons`, :mod:`~perfcore.calc.spc.result` and
:mod:`~perfcore.calc.spc.chart`. See ``docs/spc.md`` for profiles, switches and edge cases.
"""

from perfcore.calc.spc._inputs import MIN_BASELINE, MIN_POINTS
from perfcore.calc.spc.chart import xmr, xmr_batch
from perfcore.calc.spc.icons import assurance_codes, variation_codes
from perfcore.calc.spc.result import (
    ASSURANCE_TYPES,
    POINT_TYPES,
    RULES,
    VARIATION_ICONS,
    XmrBatchResult,
    XmrResult,
)
from perfcore.calc.spc.rules import (
    LIMIT,
    MR_SCREEN,
    NEAR_LIMIT,
    PROFILES,
    SWITCHES,
    SpcRules,
    resolve_rules,
    run_flags,
    trend_flags,
    two_of_three_flags,
)

__all__ = [
    "ASSURANCE_TYPES",
    "LIMIT",
    "MIN_BASELINE",
    "MIN_POINTS",
    "MR_SCREEN",
    "NEAR_LIMIT",
    "POINT_TYPES",
    "PROFILES",
    "RULES",
    "SWITCHES",
    "VARIATION_ICONS",
    "SpcRules",
    "XmrBatchResult",
    "XmrResult",
    "assurance_codes",
    "resolve_rules",
    "run_flags",
    "trend_flags",
    "two_of_three_flags",
    "variation_codes",
    "xmr",
    "xmr_batch",
]
