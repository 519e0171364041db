"""How an evaluation is computed: one small, validated record instead of a dozen
keyword arguments threaded through every step."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from perfcore.calc.spc import PROFILES
from perfcore.errors import OptionError

__all__ = ["DOT_METHODS", "GROUP_METHODS", "EvaluationOptions"]

DOT_METHODS = ("sign", "significance")
GROUP_METHODS = ("pooled", "mean", "population_weighted")


def _choice(allowed: tuple[str, ...]) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in allowed:
            raise OptionError.for_choice(attribute.name, value, allowed)
    return check


def _number(low: float, high: float, *, low_open: bool = True,
            high_open: bool = False) -> Any:
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and (low < value if low_open else low <= value)
              and (value < high if high_open else value <= high))
        if not ok:
            raise OptionError(option=attribute.name, value=value,
                              allowed=f"a value in {interval}")
    return check


def _points(minimum: int, *, optional: bool = False) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if optional and value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise OptionError(option=attribute.name, value=value,
                              allowed=f"a whole number ≥ {minimum}"
                              f"{' or None' if optional else ''}")
    return check


@attrs.frozen(kw_only=True)
class EvaluationOptions:
    """The methods and thresholds of an evaluation (see :func:`perfcore.evaluation`).

    ``confidence``
        confidence level of the intervals and tests (default 95%);
    ``dot_method``
        ``"significance"`` (default: only a significant change is improving or
        deteriorating) or ``"sign"`` (any change counts);
    ``group_method``, ``include_self``
        how a group's value is averaged (docs/methodology-comparison.md; default pooled
        Σx/Σn) and whether an MSG's own force counts in it (default no);
    ``small_base``
        % changes from a previous value below this carry the ``small_base`` flag;
    ``min_coverage``
        share of a group's members that must have data for the group's figure and the
        organisation's rank to be computed (default 1.0: all of them);
    ``spc_points``
        months in each XmR chart, ending with the period's last month, when the dataset
        holds monthly observations (``None`` turns SPC off, but for measures whose own
        ``spc`` settings give ``points``);
    ``spc_rules``
        the XmR rule profile (``"nhsr"``, ``"mdc_sql_2_5"``, ``"mdc_v5"``: docs/spc.md) of
        measures that do not choose their own;
    ``trend_points``
        periods in the trend marker (Fingertips: 5);
    ``series_points``
        periods of the reported period's kind (years, quarters, months, rolling windows)
        in each measure's history, ending with the period: a report's sparkline;
    ``design_effect``
        the design effect of survey samples (default 1: simple random sampling): survey
        proportions (those given with a ``sample_size`` rather than a denominator) are
        tested with the effective sample size n / design effect (Kish). Use the survey's
        published design effect (the CSEW publishes one per estimate, typically 1.2–1.5).
    """

    confidence: float = attrs.field(default=0.95, validator=_number(0.0, 1.0, high_open=True))
    dot_method: Literal["sign", "significance"] = attrs.field(
        default="significance", validator=_choice(DOT_METHODS))
    group_method: Literal["pooled", "mean", "population_weighted"] = attrs.field(
        default="pooled", validator=_choice(GROUP_METHODS))
    include_self: bool = attrs.field(default=False,
                                     validator=attrs.validators.instance_of(bool))
    small_base: float = attrs.field(default=10, validator=_number(
        0.0, float("inf"), low_open=False, high_open=True))
    min_coverage: float = attrs.field(default=1.0, validator=_number(0.0, 1.0))
    spc_points: int | None = attrs.field(default=24, validator=_points(2, optional=True))
    spc_rules: str = attrs.field(default="nhsr", validator=_choice(tuple(PROFILES)))
    trend_points: int = attrs.field(default=5, validator=_points(2))
    series_points: int = attrs.field(default=24, validator=_points(1))
    design_effect: float = attrs.field(default=1.0, validator=_number(
        0.0, float("inf"), high_open=True))
