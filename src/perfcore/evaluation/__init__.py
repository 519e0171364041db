"""Plan + Dataset → Evaluation: every figure a performance report needs.

For each measure of the plan and each organisation, :func:`evaluate` computes — in one
vectorised pass over measures × organisations, never a Python loop per force — the
current and previous values, the change (a % change for counts, rates, means and money; a
percentage-point change for proportions), confidence intervals, the significance of the
change, direction of travel with polarity, and for each comparator group (a force's MSG,
England & Wales, a country or region) the group's value and change, the difference, the
force's rank in the group and a significance label; then trend markers, targets, SPC
charts of monthly series and the values of earlier periods a report shows.

Every figure can explain itself: :meth:`Evaluation.explain` returns its inputs, formula,
method and options as data.

The steps live in their own modules: :mod:`.values` (reading the Dataset and the one
per-kind derivation of values), :mod:`.figures` (interval, change and its test),
:mod:`.comparators`, :mod:`.series` (trend, targets, SPC, history), :mod:`.records` and
:mod:`.result` (what an Evaluation holds, and how each figure explains itself).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from perfcore.calc import Reason, direction_of_travel
from perfcore.codes import Direction, MeasureKind
from perfcore.dataset import Dataset
from perfcore.errors import ModelError, NotCoveredError, OptionError, PeriodError
from perfcore.evaluation.comparators import ComparisonInputs, comparator_slots, compare
from perfcore.evaluation.figures import Headline, headline_figures
from perfcore.evaluation.options import EvaluationOptions
from perfcore.evaluation.records import (
    Change,
    ChangeTest,
    Comparison,
    Counts,
    DirectionOfTravel,
    History,
    Interval,
    Peers,
    Spc,
    SpcRebase,
    Targets,
    Trend,
)
from perfcore.evaluation.result import Evaluation, Explanation
from perfcore.evaluation.series import (
    history,
    history_span,
    spc_charts,
    targets,
    trend_markers,
    trend_window,
)
from perfcore.evaluation.values import (
    MeasureValues,
    NotAvailableWarning,
    check_published,
    gather,
    measure_values,
)
from perfcore.i18n import counted
from perfcore.model import Measure, Plan
from perfcore.organisations import ComparatorGroup, organisation_name
from perfcore.periods import Period, parse_period

__all__ = ["Change", "ChangeTest", "Comparison", "Counts", "DirectionOfTravel", "Evaluation",
           "EvaluationOptions", "Explanation", "History", "Interval", "NotAvailableWarning",
           "Peers", "Spc", "SpcRebase", "Targets", "Trend", "evaluate", "periods_read"]

_OPTION_NAMES = tuple(a.name for a in attrs.fields(EvaluationOptions))


def evaluate(plan: Plan, dataset: Dataset, *, period: str | Period,
             previous: str | Period | None = None,
             organisation: str | Sequence[str] | None = None,
             compare_with: Sequence[ComparatorGroup] | ComparatorGroup = (),
             measures: Sequence[str] | None = None,
             history_periods: Sequence[str | Period] = (),
             options: EvaluationOptions | None = None, **settings: Any) -> Evaluation:
    """Evaluate a plan's measures for one period against the previous one.

    Parameters
    ----------
    plan, dataset
        The framework and its data.
    period
        The period reported on, e.g. ``"2020-21"`` or ``"12 months to June 2020"``.
    previous
        The comparison period (default: the same period a year earlier).
    organisation
        One organisation, several, or ``None`` for every organisation in the dataset.
        Figures are computed for all of them in one vectorised pass.
    compare_with
        Comparator groups: MSGs (each applies to its focal force, slot ``"msg"``) and
        area groups (England and Wales, a country, a region; slot = the group id).
    measures
        Evaluate only these measure ids (default: all of the plan's).
    history_periods
        Earlier periods whose values a report shows before the two compared. Their
        values and sources are in ``Evaluation.history``, with the previous and current
        periods' and the series of the current period's kind that a sparkline draws
        (``series_points``).
    options, **settings
        The methods and thresholds (:class:`EvaluationOptions`); single settings may be
        given as keywords (``confidence=0.998``, ``dot_method="sign"``), which win over
        ``options``.
    """
    opts = _options(options, settings)
    cur_p, prev_p = _periods(dataset, period, previous)
    chosen = list(plan.measures()) if measures is None else [plan.measure(m) for m in measures]
    if not chosen:
        raise ModelError(obj=f"plan {plan.id!r}", field="priorities",
                         reason="has no measures to evaluate: give it [[priorities]] with "
                         "outcomes and their measures")
    check_published(dataset.published, chosen)
    orgs = tuple(dataset.organisations)
    focus = (list(range(len(orgs))) if organisation is None else
             [dataset.organisation_index(o) for o in
              ([organisation] if isinstance(organisation, str) else organisation)])
    obs = gather(dataset, chosen, [prev_p, cur_p], orgs)
    values = measure_values(obs, chosen, organisations=orgs, periods=[prev_p, cur_p])
    head = headline_figures(values, chosen, confidence=opts.confidence,
                            small_base=opts.small_base, overlapping=cur_p.first <= prev_p.last,
                            design_effect=opts.design_effect)
    reasons = head.reasons | np.where(np.isnan(head.current), np.uint16(Reason.MISSING),
                                      np.uint16(0)).astype(np.uint16)
    _warn_missing(head, chosen, [orgs[j] for j in focus], focus, cur_p,
                  organisation is not None)
    inputs = ComparisonInputs(measures=tuple(chosen), organisations=orgs, values=values,
                              population=obs.population, headline=head, dataset=dataset,
                              period=cur_p, options=opts)
    comparisons = {slot: compare(slot, groups, inputs).select(focus)
                   for slot, groups in comparator_slots(compare_with).items()}
    shown = [orgs[j] for j in focus]
    pick = np.asarray(focus, dtype=np.intp)
    current = head.current[:, pick]
    return Evaluation(
        plan=plan, period=cur_p, previous_period=prev_p, measures=tuple(chosen),
        organisations=tuple(shown), options=opts, current=current,
        previous=head.previous[:, pick], counts=_pick(head.counts, pick),
        interval=_pick(head.interval, pick), change=_pick(head.change, pick),
        test=_pick(head.test, pick),
        direction=_direction(head, chosen, opts.dot_method, pick),
        comparisons=comparisons,
        trend=trend_markers(dataset, chosen, shown, cur_p, points=opts.trend_points,
                            confidence=opts.confidence),
        targets=targets(dataset, chosen, shown, current, head.change.value[:, pick], cur_p),
        spc=spc_charts(dataset, chosen, shown, cur_p, points=opts.spc_points,
                       rules=opts.spc_rules),
        history=_history(dataset, chosen, shown, cur_p, prev_p, history_periods,
                         opts.series_points),
        peers=_peers(head, values, chosen, orgs), reasons=reasons[:, pick],
        published=tuple(f for f in dataset.published if f.measure in {m.id for m in chosen}))


def periods_read(period: str | Period, *, previous: str | Period | None = None,
                 history_periods: Sequence[str | Period] = (), plan: Plan | None = None,
                 options: EvaluationOptions | None = None) -> tuple[Period, ...]:
    """The periods whose figures :func:`evaluate` reads (beside monthly series for SPC),
    in order: the period, the one it is compared with, the trend markers' window
    (``trend_points``), the history columns asked for and the target baselines of
    ``plan``'s measures. Monthly data aggregated to only these
    (``dataset.aggregate("financial_year", periods=periods_read(...))``) give the same
    figures, less work, except the sparkline series (``series_points``), which holds the
    periods of the current one's kind the data have.

    Examples
    --------
    >>> [str(p) for p in periods_read("2023-24")]
    ['2019-20', '2020-21', '2021-22', '2022-23', '2023-24']
    """
    opts = options if options is not None else EvaluationOptions()
    cur_p, prev_p = _compared(period, previous)
    window = trend_window(cur_p, opts.trend_points)
    baselines = [m.target.baseline for m in (plan.measures() if plan is not None else ())
                 if m.target is not None and m.target.baseline is not None]
    return tuple(sorted({*window, prev_p, *map(parse_period, history_periods), *baselines}))


def _history(dataset: Dataset, chosen: Sequence[Measure], shown: Sequence[str], cur_p: Period,
             prev_p: Period, history_periods: Sequence[str | Period], points: int) -> History:
    return history(dataset, chosen, shown, *history_span(
        dataset, cur_p, prev_p, [parse_period(p) for p in history_periods], points=points),
        prev_p, cur_p)


def _compared(period: str | Period, previous: str | Period | None) -> tuple[Period, Period]:
    """The period reported and the one it is compared with (default the same period a
    year earlier)."""
    cur_p = parse_period(period)
    return cur_p, (parse_period(previous) if previous is not None
                   else cur_p.same_period_last_year())


def _periods(dataset: Dataset, period: str | Period, previous: str | Period | None
             ) -> tuple[Period, Period]:
    """The period reported (which the data must cover) and the one it is compared with
    (before it), checked."""
    cur_p, prev_p = _compared(period, previous)
    if not prev_p < cur_p:
        raise PeriodError(reason=f"the comparison period is not before the period {cur_p}",
                          text=str(prev_p))
    if cur_p not in dataset.periods:
        raise NotCoveredError(period=str(cur_p),
                              covered=tuple(str(p) for p in dataset.periods))
    return cur_p, prev_p


def _peers(head: Headline, values: MeasureValues, measures: Sequence[Measure],
           orgs: tuple[str, ...]) -> Peers:
    """Every organisation's compared figure: counts by their % change (the ratio of the
    periods and its interval, less one), other kinds by their current value."""
    estimate, lower, upper = head.compared
    counts = np.array([m.kind is MeasureKind.COUNT for m in measures])[:, None]
    as_pct = [np.where(counts, (a - 1) * 100, a) for a in (estimate, lower, upper)]
    return Peers(organisations=orgs, estimate=as_pct[0], lower=as_pct[1], upper=as_pct[2],
                 current=head.current, numerator=values.x[..., 1],
                 denominator=values.n[..., 1])


def _options(options: EvaluationOptions | None, settings: dict[str, Any]) -> EvaluationOptions:
    unknown = sorted(set(settings) - set(_OPTION_NAMES))
    if unknown:
        raise OptionError.for_choice("evaluate option", unknown[0], _OPTION_NAMES)
    base = options if options is not None else EvaluationOptions()
    return attrs.evolve(base, **settings) if settings else base


def _pick(record: Any, pick: np.ndarray) -> Any:
    """The record with each measures × organisations array narrowed to ``pick``."""
    changes = {a.name: getattr(record, a.name)[:, pick] for a in attrs.fields(type(record))
               if isinstance(getattr(record, a.name), np.ndarray)}
    return attrs.evolve(record, **changes)


def _direction(head: Headline, measures: Sequence[Measure], method: str,
               pick: np.ndarray) -> DirectionOfTravel:
    """Arrow and assessment. With ``method="significance"`` a change that could not be
    tested is ``NOT_TESTED`` (its arrow still shows the sign), never improving or
    deteriorating on its sign alone."""
    signs = np.array([m.polarity.sign for m in measures], dtype=np.int8)[:, None]
    cur, prev = head.current[:, pick], head.previous[:, pick]
    test = _pick(head.test, pick)
    if method == "significance":
        dot = direction_of_travel(current=cur, previous=prev, polarity=signs, method="significance",
                                  significant=np.where(test.tested, test.significant, True))
    else:
        dot = direction_of_travel(current=cur, previous=prev, polarity=signs, method="sign")
    assessment = np.asarray(dot.assessment_code, dtype=np.int8)
    # A neutral measure that moved is neither better nor worse: say which way it went.
    moved = (signs == 0) & (assessment == Direction.NOT_ASSESSED) & np.asarray(dot.signal)
    assessment = np.where(moved & (np.asarray(dot.code) > 0), Direction.INCREASED,
                          np.where(moved & (np.asarray(dot.code) < 0), Direction.DECREASED,
                                   assessment)).astype(np.int8)
    if method == "significance":
        judged = np.isin(assessment, (Direction.IMPROVING, Direction.DETERIORATING,
                                      Direction.NO_CHANGE))
        assessment = np.where(judged & ~test.tested, Direction.NOT_TESTED,
                              assessment).astype(np.int8)
    return DirectionOfTravel(arrow=np.asarray(dot.arrow), assessment=assessment,
                             method=method)


def _warn_missing(head: Headline, measures: Sequence[Measure], shown: Sequence[str],
                  focus: Sequence[int], period: Period, named: bool) -> None:
    """Say how many figures of the organisations asked for are not available."""
    if not named:
        return
    qualitative = np.array([m.kind is MeasureKind.QUALITATIVE for m in measures],
                           dtype=bool)[:, None]
    missing = np.isnan(head.current[:, focus]) & ~qualitative
    if missing.any():
        mi, oi = np.nonzero(missing)
        warnings.warn(f"{counted(int(missing.sum()), 'figure')} not available for {period} "
                      "(first: "
                      f"measure {measures[mi[0]].id!r}, organisation "
                      f"{organisation_name(shown[oi[0]])!r})",
                      NotAvailableWarning, stacklevel=3)

