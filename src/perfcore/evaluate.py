"""Plan + Dataset → Evaluation: every figure a performance report needs.

For each measure of the plan and each organisation, :func:`evaluate` computes — in one
vectorised pass over measures × organisations, never a Python loop per force — the
current and previous values, the change (a % change for counts, rates, means and money; a
percentage-point change for proportions), confidence intervals, the significance of the
change, direction of travel with polarity, and for each comparator group (a force's MSG,
England & Wales, a country or region) the group's value and change, the difference, the
force's rank in the group and a significance label.

Every figure can explain itself: :meth:`Evaluation.explain` returns its inputs, formula,
method and options as data.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc import FlagArray, FloatArray, Reason, polarity_signs, reason_names
from perfcore.calc.benchmark import compare_to_benchmark
from perfcore.calc.change import pct_change, pp_change
from perfcore.calc.direction import TREND_LABEL, direction_of_travel, trend_test
from perfcore.calc.groups import group_average, rank_in_group
from perfcore.calc.intervals import count_ci, pp_change_ci, proportion_ci, rate_ci, rate_ratio_ci
from perfcore.codes import MeasureKind
from perfcore.dataset import FIELDS, Dataset
from perfcore.errors import (
    DataError,
    NotCoveredError,
    OptionError,
    PerfcoreWarning,
    UnknownMeasureError,
    UnknownOrganisationError,
)
from perfcore.i18n import N_
from perfcore.model import Measure, Plan
from perfcore.organisations import ComparatorGroup
from perfcore.periods import Month, Period, parse_period

__all__ = ["Comparison", "Evaluation", "Explanation", "NotAvailableWarning", "evaluate"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Where a comparator figure came from.
COMPUTED, DATASET_ROW, PUBLISHED = 0, 1, 2
SOURCE_NAMES = {COMPUTED: N_("computed from member data"),
                DATASET_ROW: N_("the group's own row"), PUBLISHED: N_("published figure"),
                -1: N_("not available")}


#: A target status per measure and organisation.
TARGET_STATUSES = ("met", "not_met", "not_available", "no_target")


class NotAvailableWarning(PerfcoreWarning):
    """Some measures or organisations had no data for a period; their figures are NaN
    with reason ``missing`` ("not available"), never zero."""


def _u16(reason: Reason) -> np.uint16:
    return np.uint16(reason)


@attrs.frozen(kw_only=True)
class Explanation:
    """How one figure was computed: enough for a board paper's footnote."""

    measure: str
    organisation: str
    figure: str
    value: float
    formula: str
    method: str
    options: Mapping[str, Any]
    inputs: Mapping[str, Any]
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        ins = ", ".join(f"{k} = {v}" for k, v in self.inputs.items())
        why = f" [{', '.join(self.reasons)}]" if self.reasons else ""
        return (f"{self.measure} / {self.organisation} / {self.figure} = {self.value:g}{why}\n"
                f"  formula: {self.formula}\n  method: {self.method}\n  inputs: {ins}")


@attrs.frozen(kw_only=True)
class Comparison:
    """Figures comparing each organisation with one comparator slot (e.g. its MSG).

    All arrays are measures × organisations. ``group`` names each organisation's group id
    ("" where it has none). ``value``/``previous`` are the group's figures (pooled by
    default); ``change`` the group's change in the measure's change unit; ``difference``
    the organisation's value minus the group's (in pp for proportions); ``rank`` is
    1 = best by polarity among the group's members and the organisation itself
    (0 = not ranked) out of ``group_size``; ``relation``/``assessment`` the significance
    label (higher/lower/similar, better/worse/similar, not_compared); ``source`` says
    whether the group figure was computed, the group's own data row or a published
    figure (see ``SOURCE_NAMES``).
    """

    slot: str
    method: str
    include_self: bool
    group: tuple[str, ...]
    value: FloatArray = attrs.field(eq=False)
    previous: FloatArray = attrs.field(eq=False)
    change: FloatArray = attrs.field(eq=False)
    difference: FloatArray = attrs.field(eq=False)
    rank: IntArray = attrs.field(eq=False)
    group_size: IntArray = attrs.field(eq=False)
    relation: npt.NDArray[np.str_] = attrs.field(eq=False)
    assessment: npt.NDArray[np.str_] = attrs.field(eq=False)
    source: npt.NDArray[np.int8] = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)


@attrs.frozen(kw_only=True)
class Evaluation:
    """Every figure for measures × organisations for one period (see :func:`evaluate`).

    Arrays are shaped ``(len(measures), len(organisations))``. Values of proportions are
    fractions (0–1); rates are per ``measure.rate_per`` population; ``change`` is in % for
    counts, rates, means and money and in percentage points for proportions
    (``change_unit``).

    ``trend`` holds the Fingertips trend marker over the last five periods of the same
    kind; ``target_status`` is met / not_met / no_target / not_available with
    ``target_gap`` (how far from the target, in the measure's units; positive = better);
    ``spc_variation``/``spc_assurance`` the Making Data Count icons of the monthly XmR
    chart ending with the period ("" where there was no complete monthly series).
    """

    plan: Plan
    period: Period
    previous_period: Period
    measures: tuple[Measure, ...]
    organisations: tuple[str, ...]
    confidence: float
    dot_method: str
    current: FloatArray = attrs.field(eq=False)
    previous: FloatArray = attrs.field(eq=False)
    numerator: FloatArray = attrs.field(eq=False)
    denominator: FloatArray = attrs.field(eq=False)
    previous_numerator: FloatArray = attrs.field(eq=False)
    previous_denominator: FloatArray = attrs.field(eq=False)
    lower: FloatArray = attrs.field(eq=False)
    upper: FloatArray = attrs.field(eq=False)
    ci_method: npt.NDArray[np.str_] = attrs.field(eq=False)
    change: FloatArray = attrs.field(eq=False)
    absolute_change: FloatArray = attrs.field(eq=False)
    change_unit: tuple[str, ...]
    change_reasons: FlagArray = attrs.field(eq=False)
    significant: FloatArray = attrs.field(eq=False)  # 1.0 / 0.0 / NaN (not tested)
    p_value: FloatArray = attrs.field(eq=False)
    arrow: npt.NDArray[np.str_] = attrs.field(eq=False)
    direction: npt.NDArray[np.str_] = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)
    comparisons: Mapping[str, Comparison] = attrs.field(eq=False)
    trend: npt.NDArray[np.str_] = attrs.field(eq=False)
    target_status: npt.NDArray[np.str_] = attrs.field(eq=False)
    target_gap: FloatArray = attrs.field(eq=False)
    spc_variation: npt.NDArray[np.str_] = attrs.field(eq=False)
    spc_assurance: npt.NDArray[np.str_] = attrs.field(eq=False)
    spc_row: npt.NDArray[np.int64] = attrs.field(eq=False)
    spc: Any = attrs.field(eq=False, default=None)
    spc_months: tuple[Month, ...] = ()

    def spc_chart(self, measure: str, organisation: str | None = None) -> Any:
        """The XmR chart (an :class:`perfcore.calc.spc.XmrResult`) of one measure's monthly
        series for one organisation, or None where the data did not allow one."""
        i, j = self._index(measure, organisation)
        row = int(self.spc_row[i, j])
        return None if row < 0 or self.spc is None else self.spc.series(row)

    def _index(self, measure: str, organisation: str | None) -> tuple[int, int]:
        ids = [m.id for m in self.measures]
        if measure not in ids:
            raise UnknownMeasureError(f"the evaluation has no measure {measure!r}",
                                      measure=measure, suggestions=())
        if organisation is None:
            if len(self.organisations) != 1:
                raise UnknownOrganisationError(
                    "name the organisation: the evaluation covers "
                    f"{len(self.organisations)}", organisation=None, suggestions=())
            return ids.index(measure), 0
        if organisation not in self.organisations:
            from perfcore.organisations import default_registry
            with contextlib.suppress(UnknownOrganisationError):
                organisation = default_registry().code(organisation)
        if organisation not in self.organisations:
            raise UnknownOrganisationError(
                f"the evaluation does not cover organisation {organisation!r}",
                organisation=organisation, suggestions=())
        return ids.index(measure), self.organisations.index(organisation)

    def figure(self, measure: str, figure: str, organisation: str | None = None) -> float:
        """One figure's unrounded value, e.g. ``ev.figure("all_crime", "change", "Gwent")``.

        Comparator figures are named ``"<slot>.<field>"``: ``"msg.value"``,
        ``"msg.change"``, ``"msg.rank"``, ``"K04000001.difference"``.
        """
        return self.explain(measure, figure, organisation).value

    def explain(self, measure: str, figure: str,
                organisation: str | None = None) -> Explanation:
        """Inputs, formula, method and options of one figure, as data."""
        i, j = self._index(measure, organisation)
        m = self.measures[i]
        org = self.organisations[j]
        kind = m.kind
        base_inputs: dict[str, Any] = {
            "period": str(self.period), "previous_period": str(self.previous_period),
            "current": float(self.current[i, j]), "previous": float(self.previous[i, j])}
        if kind in (MeasureKind.RATE, MeasureKind.PROPORTION) and not np.isnan(
                self.numerator[i, j]):
            base_inputs.update(numerator=float(self.numerator[i, j]),
                               denominator=float(self.denominator[i, j]),
                               previous_numerator=float(self.previous_numerator[i, j]),
                               previous_denominator=float(self.previous_denominator[i, j]))
        if "." in figure:
            return self._explain_comparison(i, j, m, org, figure, base_inputs)
        formulas = {
            "current": (_value_formula(m), "as recorded"),
            "previous": (_value_formula(m), "as recorded"),
            "change": (("current% − previous% (percentage points)" if kind.uses_pp_change
                        else "(current − previous) / previous × 100"),
                       "pp_change" if kind.uses_pp_change else "pct_change"),
            "absolute_change": ("current − previous", "difference"),
            "lower": (f"{self.confidence:.1%} confidence interval, lower bound",
                      str(self.ci_method[i, j])),
            "upper": (f"{self.confidence:.1%} confidence interval, upper bound",
                      str(self.ci_method[i, j])),
            "significant": (("Newcombe hybrid score interval of the pp change excludes 0"
                             if kind.uses_pp_change else
                             "conditional exact interval of the ratio current/previous "
                             "excludes 1"),
                            "pp_change_ci" if kind.uses_pp_change else "rate_ratio_ci"),
            "direction": ("arrow = sign of change; assessment from polarity "
                          f"({m.polarity.value})", self.dot_method),
        }
        if figure not in formulas:
            raise OptionError.for_choice("figure", figure, [*formulas, "<slot>.<field>"])
        formula, method = formulas[figure]
        arr = getattr(self, figure)
        raw = arr[i, j]
        value = float(raw) if figure != "direction" else float("nan")
        reasons = self.change_reasons if figure in ("change", "absolute_change") else self.reasons
        inputs = dict(base_inputs)
        if figure == "direction":
            inputs["assessment"] = str(raw)
            inputs["arrow"] = str(self.arrow[i, j])
            inputs["change"] = float(self.change[i, j])
        return Explanation(measure=m.id, organisation=org, figure=figure, value=value,
                           formula=formula, method=method,
                           options={"confidence": self.confidence, "kind": kind.value,
                                    "polarity": m.polarity.value},
                           inputs=inputs, reasons=reason_names(reasons[i, j]))

    def _explain_comparison(self, i: int, j: int, m: Measure, org: str, figure: str,
                            inputs: dict[str, Any]) -> Explanation:
        slot, _, field = figure.partition(".")
        if slot not in self.comparisons:
            raise OptionError.for_choice("comparator slot", slot, list(self.comparisons))
        c = self.comparisons[slot]
        fields = ("value", "previous", "change", "difference", "rank", "group_size",
                  "relation", "assessment")
        if field not in fields:
            raise OptionError.for_choice("comparator field", field, fields)
        raw = getattr(c, field)[i, j]
        value = float(raw) if field not in ("relation", "assessment") else float("nan")
        pooled = {"pooled": "Σ numerators / Σ denominators of the members",
                  "mean": "mean of the members' values",
                  "population_weighted": "population-weighted mean of the members' values"}
        formula = {
            "value": pooled.get(c.method, c.method),
            "previous": pooled.get(c.method, c.method) + " (previous period)",
            "change": "change of the group value between the periods",
            "difference": "organisation value − group value",
            "rank": "1 = best by polarity among the members and the organisation",
            "group_size": "members plus the organisation",
            "relation": "group value outside the organisation's confidence interval → "
                        "higher/lower, else similar (Fingertips)",
            "assessment": "relation read with the measure's polarity",
        }[field]
        inputs = dict(inputs, group=c.group[j], group_value=float(c.value[i, j]),
                      group_source=SOURCE_NAMES[int(c.source[i, j])])
        if field in ("relation", "assessment"):
            inputs["label"] = str(raw)
        return Explanation(measure=m.id, organisation=org, figure=figure, value=value,
                           formula=formula, method=f"group average: {c.method}",
                           options={"include_self": c.include_self,
                                    "confidence": self.confidence},
                           inputs=inputs, reasons=reason_names(c.reasons[i, j]))


def _value_formula(m: Measure) -> str:
    if m.kind is MeasureKind.RATE:
        return f"numerator / population × {m.rate_per:,}"
    if m.kind is MeasureKind.PROPORTION:
        return "numerator / denominator (or value, with sample size n)"
    return "value"


# --------------------------------------------------------------------------- evaluate


@attrs.frozen
class _Data:
    """Cubes (measures × all organisations × [previous, current])."""

    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray
    sample_size: FloatArray
    population: FloatArray


def _gather(dataset: Dataset, measures: Sequence[Measure], periods: Sequence[Period],
            orgs: Sequence[str]) -> _Data:
    in_data, periods_in_data = set(dataset.measures), set(dataset.periods)
    mi = [i for i, m in enumerate(measures) if m.id in in_data]
    # Qualitative items are assessed by hand: having no figures is expected of them.
    missing = [m.id for m in measures if m.id not in in_data
               and m.kind is not MeasureKind.QUALITATIVE]
    pi = [i for i, p in enumerate(periods) if p in periods_in_data]
    fields = FIELDS  # every field of an observation, as _Data holds them
    shape = (len(measures), len(orgs), len(periods))
    if len(mi) == len(measures) and len(pi) == len(periods):
        out = dataset.cubes(fields, measures=[m.id for m in measures], organisations=orgs,
                            periods=periods)
    else:
        out = {f: np.full(shape, np.nan) for f in fields}
        if mi and pi:
            cubes = dataset.cubes(fields, measures=[measures[i].id for i in mi],
                                  organisations=orgs, periods=[periods[i] for i in pi])
            for f in fields:
                out[f][np.ix_(mi, range(len(orgs)), pi)] = cubes[f]
    if missing:
        warnings.warn(f"no data at all for measure(s) {missing}: their figures are not "
                      "available", NotAvailableWarning, stacklevel=3)
    return _Data(**out)


def _resolve_groups(compare_with: Sequence[ComparatorGroup] | ComparatorGroup,
                    orgs: Sequence[str]) -> dict[str, list[ComparatorGroup]]:
    groups = [compare_with] if isinstance(compare_with, ComparatorGroup) else list(compare_with)
    slots: dict[str, list[ComparatorGroup]] = {}
    for g in groups:
        if not isinstance(g, ComparatorGroup):
            raise OptionError(f"compare_with must hold ComparatorGroup objects, not "
                              f"{type(g).__name__}", option="compare_with", value=g,
                              allowed="ComparatorGroup")
        slot = "msg" if g.kind == "msg" else g.id
        if slot == "msg" and any(x.focal == g.focal for x in slots.get("msg", [])):
            raise OptionError(f"two MSGs given for {g.focal}", option="compare_with",
                              value=g.id, allowed="one MSG per force")
        slots.setdefault(slot, []).append(g)
    return slots


def evaluate(
    plan: Plan,
    dataset: Dataset,
    *,
    period: str | Period,
    previous: str | Period | None = None,
    organisation: str | Sequence[str] | None = None,
    compare_with: Sequence[ComparatorGroup] | ComparatorGroup = (),
    confidence: float = 0.95,
    dot_method: Literal["sign", "significance"] = "significance",
    group_method: Literal["pooled", "mean", "population_weighted"] = "pooled",
    include_self: bool = False,
    small_base: float = 10,
    min_coverage: float = 1.0,
    measures: Sequence[str] | None = None,
    spc_points: int | None = 24,
    trend_points: int = 5,
) -> Evaluation:
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
    confidence
        Confidence level of the intervals and tests (default 95%).
    dot_method
        ``"significance"`` (default: only a significant change is improving or
        deteriorating) or ``"sign"`` (any change counts).
    group_method, include_self
        How a group's value is averaged (METHODS.md §3; default pooled Σx/Σn) and whether
        an MSG's own force counts in it (default no).
    small_base
        % changes from a previous value below this carry the ``small_base`` flag.
    min_coverage
        Share of a group's members that must have data for the group's figure and the
        organisation's rank to be computed (default 1.0: all of them). Otherwise the
        group's own data row or a published figure is used, or the figure is not
        available.
    measures
        Evaluate only these measure ids (default: all of the plan's).
    spc_points
        Months in each XmR chart, ending with the period's last month, when the dataset
        holds monthly observations (``None`` turns SPC off). A series with a missing
        month is not charted (its icons are "").
    trend_points
        Periods in the trend marker (Fingertips: 5).
    """
    cur_p = parse_period(period)
    prev_p = parse_period(previous) if previous is not None else cur_p.same_period_last_year()
    if dot_method not in ("sign", "significance"):
        raise OptionError.for_choice("dot_method", dot_method, ("sign", "significance"))
    if not 0 < min_coverage <= 1:
        raise OptionError(f"min_coverage must be in (0, 1], not {min_coverage!r}",
                          option="min_coverage", value=min_coverage, allowed="(0, 1]")
    if group_method not in ("pooled", "mean", "population_weighted"):
        raise OptionError.for_choice("group_method", group_method,
                                     ("pooled", "mean", "population_weighted"))
    plan_measures = list(plan.measures())
    if measures is not None:
        plan_measures = [plan.measure(mid) for mid in measures]
    if cur_p not in dataset.periods:
        have = ", ".join(str(p) for p in dataset.periods[-6:])
        raise NotCoveredError(f"the data do not cover {cur_p} (latest periods: {have})",
                              period=str(cur_p), measure=None)
    all_orgs = list(dataset.organisations)
    if organisation is None:
        focus = list(range(len(all_orgs)))
    else:
        names = [organisation] if isinstance(organisation, str) else list(organisation)
        focus = [dataset.organisation_index(o) for o in names]

    data = _gather(dataset, plan_measures, [prev_p, cur_p], all_orgs)
    kinds = [m.kind for m in plan_measures]
    nm, no = len(plan_measures), len(all_orgs)
    signs = polarity_signs([m.polarity for m in plan_measures]).reshape(nm, 1)

    cur = np.full((nm, no), np.nan)
    prev = np.full((nm, no), np.nan)
    num = np.full((nm, no, 2), np.nan)  # the counts behind each value (x)
    den = np.full((nm, no, 2), np.nan)  # and their base (n or population)
    lower = np.full((nm, no), np.nan)
    upper = np.full((nm, no), np.nan)
    ci_method = np.full((nm, no), "none", dtype=object)
    change = np.full((nm, no), np.nan)
    absolute = np.full((nm, no), np.nan)
    change_reasons = np.zeros((nm, no), dtype=np.uint16)
    significant = np.full((nm, no), np.nan)
    p_value = np.full((nm, no), np.nan)
    reasons = np.zeros((nm, no), dtype=np.uint16)
    # Comparing a force with a group: the force's CI and the estimate to compare.
    cmp_value = np.full((nm, no), np.nan)
    cmp_lower = np.full((nm, no), np.nan)
    cmp_upper = np.full((nm, no), np.nan)

    def rows(*wanted: MeasureKind) -> npt.NDArray[np.intp]:
        return np.array([i for i, k in enumerate(kinds) if k in wanted], dtype=np.intp)

    with warnings.catch_warnings():
        # Element-level problems are reported through reasons on the Evaluation.
        from perfcore.errors import InvalidInputWarning
        warnings.simplefilter("ignore", InvalidInputWarning)

        # Counts: % change; exact/Byar CI; change tested by the conditional exact ratio test.
        r = rows(MeasureKind.COUNT)
        if r.size:
            x = np.where(np.isnan(data.value[r]), data.numerator[r], data.value[r])
            cur[r], prev[r] = x[..., 1], x[..., 0]
            num[r] = x
            ci = count_ci(x[..., 1], confidence=confidence)
            lower[r], upper[r] = ci.lower, ci.upper
            ci_method[r] = _poisson_method(ci.exact, ci.method)
            rr = rate_ratio_ci(x[..., 0], x[..., 1], confidence=confidence)
            significant[r] = np.where(rr.reasons != 0, np.nan, rr.significant)
            p_value[r] = rr.pvalue
            cmp_value[r], cmp_lower[r], cmp_upper[r] = rr.ratio, rr.lower, rr.upper
            reasons[r] |= ci.reasons

        # Rates: numerator per population; CI from the count; ratio test with exposure.
        r = rows(MeasureKind.RATE)
        if r.size:
            per = np.array([plan_measures[i].rate_per for i in r], dtype=float)[:, None]
            x, pop = data.numerator[r], data.population[r]
            has_count = ~np.isnan(x)
            with np.errstate(divide="ignore", invalid="ignore"):
                computed = np.where(pop > 0, x / pop * per[..., None], np.nan)
            value = np.where(has_count, computed, data.value[r])
            cur[r], prev[r] = value[..., 1], value[..., 0]
            num[r], den[r] = x, pop
            ci_reasons = np.zeros(x.shape[:2], dtype=np.uint16)
            for base in np.unique(per):
                # rate_ci takes one population base; plans rarely use more than one.
                sel = per[:, 0] == base
                ci = rate_ci(x[sel, :, 1], pop[sel, :, 1], per=float(base),
                             confidence=confidence)
                lower[r[sel]], upper[r[sel]] = ci.lower, ci.upper
                ci_method[r[sel]] = _poisson_method(ci.exact, ci.method)
                ci_reasons[sel] = ci.reasons
            rr = rate_ratio_ci(x[..., 0], x[..., 1], exposure1=pop[..., 0],
                               exposure2=pop[..., 1], confidence=confidence)
            significant[r] = np.where(rr.reasons != 0, np.nan, rr.significant)
            p_value[r] = rr.pvalue
            cmp_value[r], cmp_lower[r], cmp_upper[r] = cur[r], lower[r], upper[r]
            reasons[r] |= np.where(has_count[..., 1], ci_reasons, 0).astype(np.uint16)

        # Proportions: numerator/denominator, or value with a survey sample size.
        r = rows(MeasureKind.PROPORTION)
        if r.size:
            n = np.where(np.isnan(data.denominator[r]), data.sample_size[r],
                         data.denominator[r])
            x = np.where(np.isnan(data.numerator[r]), data.value[r] * n, data.numerator[r])
            no_base = ~np.isnan(data.numerator[r]) & np.isnan(n)
            if no_base.any():
                mi, oi, pi = np.nonzero(no_base)
                k = (plan_measures[r[mi[0]]].id, all_orgs[oi[0]], str([prev_p, cur_p][pi[0]]))
                raise DataError(
                    f"proportion measure {k[0]!r} has a numerator but no denominator or "
                    f"sample size for organisation {k[1]!r}, period {k[2]!r}", key=k)
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(~np.isnan(n) & (n > 0), x / n, data.value[r])
            cur[r], prev[r] = value[..., 1], value[..., 0]
            num[r], den[r] = x, n
            ci = proportion_ci(x[..., 1], n[..., 1], confidence=confidence)
            lower[r], upper[r] = ci.lower, ci.upper
            ci_method[r] = ci.method
            d = pp_change_ci(x[..., 0], n[..., 0], x[..., 1], n[..., 1], confidence=confidence)
            significant[r] = np.where(d.reasons != 0, np.nan, d.significant)
            p_value[r] = d.pvalue
            cmp_value[r], cmp_lower[r], cmp_upper[r] = cur[r], ci.lower, ci.upper
            has_n = ~np.isnan(n[..., 1])
            reasons[r] |= np.where(has_n, ci.reasons, 0).astype(np.uint16)

        # Means and money: the value as given; no interval without its spread.
        r = rows(MeasureKind.MEAN, MeasureKind.MONEY)
        if r.size:
            cur[r], prev[r] = data.value[r][..., 1], data.value[r][..., 0]

        pct_rows = rows(MeasureKind.COUNT, MeasureKind.RATE, MeasureKind.MEAN,
                        MeasureKind.MONEY)
        if pct_rows.size:
            c = pct_change(cur[pct_rows], prev[pct_rows], small_base=small_base)
            change[pct_rows], absolute[pct_rows] = c.value, c.absolute
            change_reasons[pct_rows] = c.reasons
        pp_rows = rows(MeasureKind.PROPORTION)
        if pp_rows.size:
            c = pp_change(cur[pp_rows], prev[pp_rows])
            change[pp_rows], absolute[pp_rows] = c.value, c.absolute
            change_reasons[pp_rows] = c.reasons

    missing_now = np.isnan(cur)
    reasons[missing_now] |= _u16(Reason.MISSING)
    qual = rows(MeasureKind.QUALITATIVE)
    n_missing = int(missing_now.sum()) - len(qual) * no
    if n_missing > 0 and organisation is not None:
        sub = missing_now[:, focus]
        if sub.any():
            mi, oi = np.nonzero(sub)
            first = (plan_measures[mi[0]].id, all_orgs[focus[oi[0]]])
            warnings.warn(f"{int(sub.sum())} figure(s) not available for {cur_p} (first: "
                          f"measure {first[0]!r}, organisation {first[1]!r})",
                          NotAvailableWarning, stacklevel=2)

    if dot_method == "significance":
        sig = np.where(np.isnan(significant), False, significant > 0)
        # Proportions without a base and means/money have no test: fall back to the sign,
        # and say so through the method recorded per measure in explain().
        untestable = np.isnan(significant)
        dot = direction_of_travel(cur, prev, polarity=signs, method="significance",
                                  significant=np.where(untestable, 1.0, sig))
    else:
        dot = direction_of_travel(cur, prev, polarity=signs, method="sign")

    comparisons = {
        slot: _compare(slot, groups, plan_measures, all_orgs, cur, prev, num, den,
                       data, change, cmp_value, cmp_lower, cmp_upper, signs, dataset,
                       cur_p, prev_p, group_method, include_self, min_coverage)
        for slot, groups in _resolve_groups(compare_with, all_orgs).items()
    }

    trend = _trend(dataset, plan_measures, all_orgs, cur_p, signs, trend_points, confidence)
    target_status, target_gap = _targets(dataset, plan_measures, all_orgs, cur, signs)
    spc_result, spc_row, variation, assurance, spc_months = _spc(
        dataset, plan_measures, all_orgs, focus, cur_p, signs, spc_points)

    def pick(a: Any) -> Any:
        return a[:, focus]

    return Evaluation(
        plan=plan, period=cur_p, previous_period=prev_p, measures=tuple(plan_measures),
        organisations=tuple(all_orgs[i] for i in focus), confidence=confidence,
        dot_method=dot_method,
        current=pick(cur), previous=pick(prev),
        numerator=pick(num[..., 1]), denominator=pick(den[..., 1]),
        previous_numerator=pick(num[..., 0]), previous_denominator=pick(den[..., 0]),
        lower=pick(lower), upper=pick(upper), ci_method=pick(ci_method).astype(str),
        change=pick(change), absolute_change=pick(absolute),
        change_unit=tuple("pp" if k.uses_pp_change else "%" for k in kinds),
        change_reasons=pick(change_reasons), significant=pick(significant),
        p_value=pick(p_value), arrow=pick(np.asarray(dot.arrow)),
        direction=pick(np.asarray(dot.assessment)), reasons=pick(reasons),
        comparisons={k: _select(v, focus) for k, v in comparisons.items()},
        trend=pick(trend), target_status=pick(target_status), target_gap=pick(target_gap),
        spc_variation=variation, spc_assurance=assurance, spc_row=spc_row, spc=spc_result,
        spc_months=spc_months,
    )


def _poisson_method(exact: npt.NDArray[np.bool_] | None, method: str) -> Any:
    """The interval method actually used per element ("auto" picks exact or Byar's)."""
    if exact is None:
        return method
    return np.where(exact, "exact", "byar")


def _select(c: Comparison, focus: Sequence[int]) -> Comparison:
    arrays = {f: getattr(c, f)[:, focus] for f in (
        "value", "previous", "change", "difference", "rank", "group_size", "relation",
        "assessment", "source", "reasons")}
    return attrs.evolve(c, group=tuple(c.group[i] for i in focus), **arrays)


def _compare(slot: str, groups: Sequence[ComparatorGroup], measures: Sequence[Measure],
             orgs: Sequence[str], cur: FloatArray, prev: FloatArray, num: FloatArray,
             den: FloatArray, data: _Data, change: FloatArray, cmp_value: FloatArray,
             cmp_lower: FloatArray, cmp_upper: FloatArray, signs: npt.NDArray[np.int8],
             dataset: Dataset, cur_p: Period, prev_p: Period, method: str,
             include_self: bool, min_coverage: float) -> Comparison:
    nm, no = cur.shape
    index = {o: i for i, o in enumerate(orgs)}
    # members[i, j]: organisation j is in organisation i's group for this slot.
    members = np.zeros((no, no), dtype=bool)
    group_of = [""] * no
    # Members declared by the group, whether or not the dataset has them: coverage is
    # judged against these so a group is never silently represented by part of itself.
    declared = np.zeros(no)
    area_group = groups[0].kind != "msg"
    self_in = include_self or area_group
    for g in groups:
        member_idx = [index[mb] for mb in g.members if mb in index]
        if g.kind == "msg":
            assert g.focal is not None
            if g.focal not in index:
                continue
            targets = [index[g.focal]]
        else:
            # An area group compares its own member forces with it (not, say, a region
            # row that happens to be in the dataset).
            targets = member_idx
        for t in targets:
            members[t, member_idx] = True
            group_of[t] = g.id
            declared[t] = len(g.members) - (0 if self_in or orgs[t] not in g.members else 1)
    has_group = np.array([bool(x) for x in group_of])
    members_avg = members.copy() if self_in else members & ~np.eye(no, dtype=bool)

    kinds = [m.kind for m in measures]
    value = np.full((nm, no), np.nan)
    previous = np.full((nm, no), np.nan)
    pct = np.array([not k.uses_pp_change for k in kinds])
    complete = np.ones((nm, no), dtype=bool)
    for target, idx in ((previous, 0), (value, 1)):
        if method == "pooled":
            x, n = num[..., idx], den[..., idx]
            count_rows = np.array([k is MeasureKind.COUNT for k in kinds])
            # Counts pool to a group total; rates and proportions to Σx/Σn.
            n = np.where(count_rows[:, None], 1.0, n)
            avg = group_average(numerator=x, denominator=n, members=members_avg,
                                self_index=np.arange(no), method="pooled",
                                include_self=self_in)
            g_val = avg.value
            rate_rows = np.array([k is MeasureKind.RATE for k in kinds])
            per = np.array([m.rate_per for m in measures], dtype=float)[:, None]
            g_val = np.where(rate_rows[:, None], g_val * per, g_val)
            # Counts: total over members (Σx/Σ1 is a mean; times members used = total).
            g_val = np.where(count_rows[:, None], g_val * avg.n_used, g_val)
            mean_rows = ~(count_rows | rate_rows
                          | np.array([k is MeasureKind.PROPORTION for k in kinds]))
            if mean_rows.any():
                alt = group_average(values=(cur if idx else prev), members=members_avg,
                                    self_index=np.arange(no), method="mean",
                                    include_self=self_in)
                g_val = np.where(mean_rows[:, None], alt.value, g_val)
        else:
            avg = group_average(values=(cur if idx else prev), members=members_avg,
                                self_index=np.arange(no), method=method,
                                include_self=self_in,
                                population=data.population[..., idx])
            g_val = avg.value
        # A group figure from only some of its members is not the group's figure.
        covered = (avg.n_used >= np.ceil(min_coverage * declared)) & (declared > 0)
        if idx == 1:
            complete = covered
        target[:] = np.where(has_group[None, :] & covered, g_val, np.nan)

    source = np.where(np.isnan(value), -1, COMPUTED).astype(np.int8)
    # Where members had no data, fall back to the group's own row, then a published figure.
    group_ids = sorted({g.id for g in groups})
    for gid in group_ids:
        cols = np.array([x == gid for x in group_of])
        if gid in dataset.organisations:
            row = dataset.organisations.index(gid)
            own_cur = cur[:, row:row + 1]
            own_prev = prev[:, row:row + 1]
            use = cols[None, :] & np.isnan(value) & ~np.isnan(own_cur)
            value = np.where(use, own_cur, value)
            previous = np.where(use, own_prev, previous)
            source = np.where(use, DATASET_ROW, source).astype(np.int8)
    g_change = np.full((nm, no), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        g_change = np.where(pct[:, None], (value - previous) / previous * 100,
                            (value - previous) * 100)
    for fig in dataset.published:
        if fig.group not in group_ids or fig.period != cur_p:
            continue
        try:
            mi = [m.id for m in measures].index(fig.measure)
        except ValueError:
            continue
        cols = np.array([x == fig.group for x in group_of])
        if fig.figure == "value":
            use = cols & np.isnan(value[mi])
            value[mi] = np.where(use, fig.value, value[mi])
            source[mi] = np.where(use, PUBLISHED, source[mi])
        elif fig.figure in ("pct_change", "pp_change"):
            use = cols & np.isnan(g_change[mi])
            g_change[mi] = np.where(use, fig.value, g_change[mi])
            source[mi] = np.where(use & (source[mi] < 0), PUBLISHED, source[mi])

    difference = np.where(pct[:, None], cur - value, (cur - value) * 100)
    # Rank: counts by their change (e.g. "5th of 8 largest reduction"), others by value.
    count_rows = np.array([k is MeasureKind.COUNT for k in kinds])[:, None]
    rank_values = np.where(count_rows, change, cur)
    members_rank = members | np.eye(no, dtype=bool)
    rk = rank_in_group(rank_values, polarity=signs[:, 0], members=members_rank,
                       self_index=np.arange(no))
    ranked = has_group[None, :] & complete & ~np.isnan(rank_values)
    rank = np.where(ranked, rk.rank, 0).astype(np.int64)
    size = np.where(ranked, rk.group_size, 0).astype(np.int64)

    # Significance label: the group's figure outside the force's own interval. For counts
    # the comparison is of change: the group's ratio against the force's ratio CI.
    with np.errstate(divide="ignore", invalid="ignore"):
        bench = np.where(count_rows, 1 + g_change / 100, value)
    lab = compare_to_benchmark(cmp_value, cmp_lower, cmp_upper, bench, polarity=signs)
    reasons = np.where(np.isnan(value) & np.isnan(g_change), np.uint16(Reason.MISSING),
                       np.uint16(0)).astype(np.uint16)
    return Comparison(
        slot=slot, method=method, include_self=self_in, group=tuple(group_of),
        value=value, previous=previous, change=g_change, difference=difference,
        rank=rank, group_size=size, relation=np.asarray(lab.relation),
        assessment=np.asarray(lab.assessment), source=source, reasons=reasons)




def _values(data: _Data, kinds: Sequence[MeasureKind], measures: Sequence[Measure]
            ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Headline values of gathered cubes, plus the counts (x) and bases (n) behind them."""
    x = np.where(np.isnan(data.numerator), data.value, data.numerator)
    n = np.full_like(x, np.nan)
    value = data.value.copy()
    for i, (k, m) in enumerate(zip(kinds, measures, strict=True)):
        if k is MeasureKind.PROPORTION:
            n[i] = np.where(np.isnan(data.denominator[i]), data.sample_size[i],
                            data.denominator[i])
            x[i] = np.where(np.isnan(data.numerator[i]), data.value[i] * n[i],
                            data.numerator[i])
            with np.errstate(divide="ignore", invalid="ignore"):
                value[i] = np.where(n[i] > 0, x[i] / n[i], data.value[i])
        elif k is MeasureKind.RATE:
            n[i] = data.population[i]
            with np.errstate(divide="ignore", invalid="ignore"):
                value[i] = np.where(~np.isnan(data.numerator[i]) & (n[i] > 0),
                                    data.numerator[i] / n[i] * m.rate_per, data.value[i])
        elif k is MeasureKind.COUNT:
            value[i] = x[i]
    return value, x, n


def _trend(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
           cur_p: Period, signs: npt.NDArray[np.int8], points: int,
           confidence: float) -> npt.NDArray[np.str_]:
    periods = [cur_p]
    for _ in range(points - 1):
        periods.insert(0, periods[0].previous())
    nm, no = len(measures), len(orgs)
    out = np.full((nm, no), "could_not_be_calculated", dtype=TREND_LABEL)
    if not all(p in dataset.periods for p in periods):
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        data = _gather(dataset, measures, periods, orgs)
    kinds = [m.kind for m in measures]
    value, x, n = _values(data, kinds, measures)
    from perfcore.errors import InvalidInputWarning
    kind_of = np.array([k.value for k in kinds])
    pol = signs[:, :1].astype(np.int8)  # measures × 1, broadcast over organisations
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InvalidInputWarning)
        # One call per kind of measure, over every measure of that kind and every
        # organisation at once.
        rows = np.flatnonzero(kind_of == MeasureKind.PROPORTION.value)
        if rows.size:
            out[rows] = trend_test(polarity=pol[rows], numerator=x[rows],
                                   denominator=n[rows], points=points).label
        rows = np.flatnonzero(kind_of == MeasureKind.COUNT.value)
        if rows.size:
            ci = count_ci(x[rows], confidence=confidence)
            out[rows] = trend_test(value[rows], polarity=pol[rows], lower=ci.lower,
                                   upper=ci.upper, ci_confidence=confidence,
                                   points=points).label
        rows = np.flatnonzero(kind_of == MeasureKind.RATE.value)
        if rows.size:
            # The interval is linear in the rate's base, so one call serves every base.
            per = np.array([float(measures[int(i)].rate_per) for i in rows])[:, None, None]
            ci = rate_ci(x[rows], n[rows], per=1.0, confidence=confidence)
            out[rows] = trend_test(value[rows], polarity=pol[rows], lower=ci.lower * per,
                                   upper=ci.upper * per, ci_confidence=confidence,
                                   points=points).label
    return out


def _targets(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
             cur: FloatArray, signs: npt.NDArray[np.int8]
             ) -> tuple[npt.NDArray[np.str_], FloatArray]:
    nm, no = cur.shape
    status = np.full((nm, no), "no_target", dtype=f"<U{max(map(len, TARGET_STATUSES))}")
    gap = np.full((nm, no), np.nan)
    for i, m in enumerate(measures):
        t = m.target
        if t is None:
            continue
        sign = int(signs[i, 0])
        if t.value is not None:
            # Gap in the measure's units, positive when the target is beaten.
            g = (cur[i] - t.value) * (sign if sign else 1)
        else:
            base_p = t.baseline
            if base_p is None or base_p not in dataset.periods:
                status[i] = "not_available"
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NotAvailableWarning)
                base_data = _gather(dataset, [m], [base_p], orgs)
            base = _values(base_data, [m.kind], [m])[0][0, :, 0]
            with np.errstate(divide="ignore", invalid="ignore"):
                achieved = ((cur[i] - base) * 100 if t.change_unit == "pp"
                            else (cur[i] - base) / base)
            assert t.change is not None
            g = (achieved - t.change) * sign
        gap[i] = g
        status[i] = np.where(np.isnan(g), "not_available", np.where(g >= 0, "met", "not_met"))
    return status, gap


def _spc(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
         focus: Sequence[int], cur_p: Period, signs: npt.NDArray[np.int8],
         points: int | None) -> tuple[Any, npt.NDArray[np.int64], npt.NDArray[np.str_],
                                      npt.NDArray[np.str_], tuple[Month, ...]]:
    nm, nf = len(measures), len(focus)
    row = np.full((nm, nf), -1, dtype=np.int64)
    from perfcore.calc.spc import ASSURANCE_TYPES, VARIATION_ICONS
    # Fixed-width text sized by the icon names, so nothing is converted per element.
    variation = np.full((nm, nf), "", dtype=f"<U{max(map(len, VARIATION_ICONS))}")
    assurance = np.full((nm, nf), "", dtype=f"<U{max(map(len, ASSURANCE_TYPES))}")
    if points is None or not any(isinstance(p, Month) for p in dataset.periods):
        return None, row, variation, assurance, ()
    months = tuple(Month.from_index(i) for i in range(cur_p.last - points + 1, cur_p.last + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        data = _gather(dataset, measures, months, [orgs[j] for j in focus])
    kinds = [m.kind for m in measures]
    value = _values(data, kinds, measures)[0]
    chartable = ~np.isnan(value).any(axis=2)
    chartable &= np.array([k is not MeasureKind.QUALITATIVE for k in kinds])[:, None]
    mi, fi = np.nonzero(chartable)
    if mi.size == 0:
        return None, row, variation, assurance, months
    from perfcore.calc.spc import xmr_batch
    improvement = np.array(["decrease", "neutral", "increase"])[signs[mi, 0] + 1]
    target = np.array([m.target.value if m.target is not None and m.target.value is not None
                       else np.nan for m in measures])[mi]
    from perfcore.errors import TrialLimitsWarning
    with warnings.catch_warnings():
        # Short series are flagged on the result (``trial``), not warned about per series.
        warnings.simplefilter("ignore", TrialLimitsWarning)
        result = xmr_batch(value[mi, fi], improvement=improvement, target=target,
                           series_ids=[f"{measures[a].id} / {orgs[focus[b]]}"
                                       for a, b in zip(mi.tolist(), fi.tolist(), strict=True)])
    row[mi, fi] = np.arange(mi.size)
    variation[mi, fi] = result.variation_icon
    assurance[mi, fi] = result.assurance
    return result, row, variation, assurance, months
