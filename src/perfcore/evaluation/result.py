"""What an evaluation holds, and how each of its figures was computed.

:class:`Evaluation` groups its figures in the records of :mod:`.records`; every figure can
explain itself (:meth:`Evaluation.explain`: inputs, formula, method and options, as data),
and the whole evaluation comes out as tidy records (:meth:`Evaluation.rows`) or a pandas
DataFrame (:meth:`Evaluation.to_frame`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from perfcore.calc import FlagArray, FloatArray, reason_names
from perfcore.calc.spc import XmrResult
from perfcore.codes import (
    Assessment,
    AssuranceIcon,
    ComparatorSource,
    Direction,
    IntervalMethod,
    MeasureKind,
    Relation,
    TargetStatus,
    TrendMarker,
    VariationIcon,
)
from perfcore.dataset import PublishedFigure
from perfcore.errors import (
    MissingDependencyError,
    OptionError,
    UnknownMeasureError,
    UnknownOrganisationError,
)
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
from perfcore.i18n import counted
from perfcore.model import Measure, Plan
from perfcore.organisations import default_registry
from perfcore.periods import Period

__all__ = ["COMPARISON_FIGURES", "FIGURES", "Evaluation", "Explanation", "frame"]


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
    code: str = ""
    #: The organisation's name ("Gwent"), where the organisation registry knows it.
    organisation_name: str = ""
    #: Why there is no figure, where ``value`` is NaN and there is no code ("no MSG
    #: figure: ..."): ``explain`` says so rather than print ``nan``.
    missing: str = ""

    def __str__(self) -> str:
        # Floats to 12 significant digits: the figures, not their binary noise.
        ins = ", ".join(f"{k} = {f'{v:.12g}' if isinstance(v, float) else v}"
                        for k, v in self.inputs.items())
        why = f" [{', '.join(self.reasons)}]" if self.reasons else ""
        org = (f"{self.organisation_name} ({self.organisation})" if self.organisation_name
               and self.organisation_name != self.organisation else self.organisation)
        head = f"{self.measure} / {org} / {self.figure}"
        if self.code:
            head += f" = {self.code}{why}"
        elif self.missing:
            head += f": {self.missing}"
        else:
            head += f" = {self.value:.12g}{why}"
        return (f"{head}\n  formula: {self.formula}\n  method: {self.method}\n"
                f"  inputs: {ins}")


#: Figures :meth:`Evaluation.explain` knows, besides ``"<slot>.<field>"``.
FIGURES = ("current", "previous", "change", "absolute_change", "lower", "upper",
           "significant", "pvalue", "direction", "trend", "target_status", "target_level",
           "target_gap", "spc_variation", "spc_assurance")
COMPARISON_FIGURES = ("value", "previous", "change", "difference", "rank", "group_size",
                      "relation", "assessment")


@attrs.frozen(kw_only=True, repr=False)
class Evaluation:
    """Every figure for measures × organisations for one period (see
    :func:`perfcore.evaluation`).

    Values of proportions are fractions (0–1); rates are per ``measure.rate_per``
    population. ``current`` / ``previous`` are the values compared; ``counts`` the counts
    and bases behind them; ``interval`` the current value's confidence interval;
    ``change`` and ``test`` the change and its significance; ``direction`` the direction
    of travel; ``comparisons`` one :class:`Comparison` per comparator slot; ``trend``,
    ``targets``, ``spc`` and ``history`` the figures over more periods; ``reasons`` the
    :class:`~perfcore.calc.Reason` bits of the current value; ``peers`` every
    organisation's figure (all those of the dataset), for peer charts, funnel plots and
    league tables; ``published`` the figures publications give for the measures (any
    period), which reports show beside the computed ones.
    """

    plan: Plan
    period: Period
    previous_period: Period
    measures: tuple[Measure, ...]
    organisations: tuple[str, ...]
    options: EvaluationOptions
    current: FloatArray = attrs.field(eq=False, repr=False)
    previous: FloatArray = attrs.field(eq=False, repr=False)
    counts: Counts
    interval: Interval
    change: Change
    test: ChangeTest
    direction: DirectionOfTravel
    comparisons: Mapping[str, Comparison] = attrs.field(eq=False)
    trend: Trend
    targets: Targets
    spc: Spc
    history: History
    reasons: FlagArray = attrs.field(eq=False, repr=False)
    peers: Peers | None = attrs.field(default=None, eq=False, repr=False)
    published: tuple[PublishedFigure, ...] = attrs.field(default=(), eq=False, repr=False)
    #: ``published`` by measure id (every measure of the evaluation, with or without
    #: figures), built once: a report looks a measure's figures up for each of its rows,
    #: and a league has a row per force and measure.
    _published_by_measure: Mapping[str, tuple[PublishedFigure, ...]] = attrs.field(
        init=False, eq=False, repr=False,
        default=attrs.Factory(lambda self: _by_measure(self.measures, self.published),
                              takes_self=True))

    # ------------------------------------------------------------------ lookup

    def measure_index(self, measure: str) -> int:
        ids = [m.id for m in self.measures]
        if measure not in ids:
            raise UnknownMeasureError.near(measure, ids, where="the evaluation")
        return ids.index(measure)

    def published_of(self, measure: str, period: Period | None = None
                     ) -> tuple[PublishedFigure, ...]:
        """A measure's published figures, in the order given (``()`` for a measure
        without any); only those for ``period`` when one is given."""
        found = self._published_by_measure.get(measure)
        if found is None:
            raise UnknownMeasureError.near(measure, [m.id for m in self.measures],
                                           where="the evaluation")
        return found if period is None else tuple(f for f in found if f.period == period)

    def organisation_index(self, organisation: str | None) -> int:
        """Position of an organisation (code or name); ``None`` when there is only one."""
        if organisation is None:
            if len(self.organisations) != 1:
                raise UnknownOrganisationError(
                    reason="name the organisation: the evaluation covers "
                    f"{len(self.organisations)}", organisation=None)
            return 0
        if organisation not in self.organisations:
            with contextlib.suppress(UnknownOrganisationError):
                organisation = default_registry().code(organisation)
        if organisation not in self.organisations:
            raise UnknownOrganisationError(organisation=organisation, where="the evaluation")
        return self.organisations.index(organisation)

    def organisation_name(self, organisation: str) -> str:
        """The name of an organisation of the evaluation ("Gwent" for ``"W15000002"``),
        from the organisation registry; ``""`` for one it does not know."""
        return default_registry().name_of(organisation)

    def spc_chart(self, measure: str, organisation: str | None = None) -> XmrResult | None:
        """The XmR chart of one measure's monthly series for one organisation, or None
        where the data did not allow one."""
        i, j = self.measure_index(measure), self.organisation_index(organisation)
        return self.spc.chart(i, j)

    def spc_rebases(self, measure: str) -> tuple[SpcRebase, ...]:
        """A measure's rebases, each with its month, note and place in the chart
        (``position``; None for one that splits nothing: outside the months charted)."""
        return self.spc.rebases[self.measure_index(measure)]

    # ------------------------------------------------------------------ explain

    def figure(self, measure: str, figure: str, organisation: str | None = None) -> float:
        """One figure's unrounded value, e.g. ``ev.figure("all_crime", "change", "Gwent")``
        (codes such as ``direction`` are NaN here: :meth:`explain` gives their code).

        Comparator figures are named ``"<slot>.<field>"``: ``"msg.value"``,
        ``"msg.change"``, ``"msg.rank"``, ``"K04000001.difference"``.
        """
        return self.explain(measure, figure, organisation).value

    def explain(self, measure: str, figure: str,
                organisation: str | None = None) -> Explanation:
        """Inputs, formula, method and options of one figure, as data."""
        return _explain(self, self.measure_index(measure),
                        self.organisation_index(organisation), figure)

    # ------------------------------------------------------------------ output

    def __repr__(self) -> str:
        orgs = self.organisations
        shown = ", ".join(orgs[:3]) + (f" and {len(orgs) - 3} more" if len(orgs) > 3 else "")
        slots = ", ".join(self.comparisons) or "none"
        charted = int(self.spc.charted.sum())
        return (f"<Evaluation of {self.plan.title!r}: {counted(len(self.measures), 'measure')}"
                f" × {counted(len(orgs), 'organisation')} ({shown}); {self.period} against "
                f"{self.previous_period}; comparators: {slots}; "
                f"{counted(charted, 'SPC chart')}>")

    def rows(self) -> list[dict[str, Any]]:
        """The evaluation as tidy records: one per measure × organisation × figure, with
        the number (``value``) and, for coded figures, the code (``code``)."""
        return _tidy_rows(self)

    def to_frame(self) -> Any:
        """The evaluation as a tidy pandas DataFrame (:meth:`rows`); needs the ``pandas``
        extra (``pip install perfcore[pandas]``)."""
        return frame(self.rows())


def frame(rows: list[dict[str, Any]]) -> Any:
    pd = MissingDependencyError.require("pandas", extra="pandas", purpose="to_frame()")
    return pd.DataFrame.from_records(rows)


#: Vocabulary of each coded figure.
CODE_FIGURES: Mapping[str, Any] = {
    "direction": Direction, "trend": TrendMarker, "target_status": TargetStatus,
    "spc_variation": VariationIcon, "spc_assurance": AssuranceIcon,
    "relation": Relation, "assessment": Assessment, "source": ComparatorSource,
    "interval_method": IntervalMethod}


#: How a group's value is averaged, by method.
_GROUP_FORMULAS = {"pooled": "Σ numerators / Σ denominators of the members",
                   "mean": "mean of the members' values",
                   "population_weighted": "population-weighted mean of the members' values"}


def _value_formula(m: Measure) -> str:
    if m.kind is MeasureKind.RATE:
        return f"numerator / population × {m.rate_per:,}"
    if m.kind is MeasureKind.PROPORTION:
        return "numerator / denominator (or value, with sample size n)"
    return "value"


def _figure_array(ev: Evaluation, figure: str) -> Any:
    """The measures × organisations array behind a figure name (``significant`` is NaN
    where no test ran)."""
    if "." in figure:
        slot, _, field = figure.partition(".")
        return getattr(ev.comparisons[slot], field)
    arrays: dict[str, Any] = {
        "current": ev.current, "previous": ev.previous, "change": ev.change.value,
        "absolute_change": ev.change.absolute, "lower": ev.interval.lower,
        "upper": ev.interval.upper, "pvalue": ev.test.pvalue,
        "direction": ev.direction.assessment, "trend": ev.trend.marker,
        "target_status": ev.targets.status, "target_gap": ev.targets.gap,
        "target_level": ev.targets.level,
        "spc_variation": ev.spc.variation, "spc_assurance": ev.spc.assurance}
    if figure == "significant":
        return np.where(ev.test.tested, ev.test.significant.astype(float), np.nan)
    return arrays[figure]


# The test of a change, by ``ChangeTest.method``: what "significant" means, and the function.
_TESTS = {
    "rate_ratio": ("conditional exact interval of the ratio current/previous excludes 1",
                   "rate_ratio_ci"),
    "newcombe": ("Newcombe hybrid score interval of the pp change excludes 0", "pp_change_ci"),
    "welch": ("Welch's t interval of the difference of the means excludes 0",
              "mean_change_test"),
    "": ("no test of a change for this kind of measure", "none"),
}


def _formulas(ev: Evaluation, m: Measure, i: int, j: int) -> dict[str, tuple[str, str]]:
    pp = m.kind.uses_pp_change
    ci_method = IntervalMethod(int(ev.interval.method[i, j])).code
    return {
        "current": (_value_formula(m), "as recorded"),
        "previous": (_value_formula(m), "as recorded"),
        "change": (("current% − previous% (percentage points)" if pp
                    else "(current − previous) / previous × 100"),
                   "pp_change" if pp else "pct_change"),
        "absolute_change": ("current − previous", "difference"),
        "lower": (f"{ev.interval.confidence:.1%} confidence interval, lower bound", ci_method),
        "upper": (f"{ev.interval.confidence:.1%} confidence interval, upper bound", ci_method),
        "significant": _TESTS[ev.test.method[i]],
        "pvalue": ("two-sided p-value of the test of the change", _TESTS[ev.test.method[i]][1]),
        "direction": ("arrow = sign of change; assessment from polarity "
                      f"({m.polarity.value})", ev.direction.method),
        "trend": (f"Fingertips trend marker over the last {ev.trend.points} periods",
                  "trend_test"),
        "target_status": ("met / not met once the target is due; before it, a change "
                          "target's change since its baseline against the straight line "
                          "from the baseline to the deadline (on or off trajectory), or "
                          "without a deadline whether the measure moves towards it (on or "
                          "off track)", "target"),
        "target_level": (("baseline + change (pp)" if pp else "baseline × (1 + change)")
                         if m.target is not None and m.target.change is not None
                         else "the target's value", "target"),
        "target_gap": ("(current − target level) × polarity"
                       + (" × 100 (percentage points)" if m.kind is MeasureKind.PROPORTION
                          else " (in the measure's units)")
                       + ": positive when the target is beaten", "target"),
        "spc_variation": ("Making Data Count variation icon of the monthly XmR chart",
                          "xmr"),
        "spc_assurance": ("Making Data Count assurance icon against the target", "xmr"),
    }


def _explain(ev: Evaluation, i: int, j: int, figure: str) -> Explanation:
    """The explanation of ``figure`` for measure ``i`` and organisation ``j``."""
    m = ev.measures[i]
    inputs: dict[str, Any] = {
        "period": str(ev.period), "previous_period": str(ev.previous_period),
        "current": float(ev.current[i, j]), "previous": float(ev.previous[i, j])}
    c = ev.counts
    if m.kind in (MeasureKind.RATE, MeasureKind.PROPORTION) and not np.isnan(c.numerator[i, j]):
        inputs.update(numerator=float(c.numerator[i, j]), denominator=float(c.denominator[i, j]),
                      previous_numerator=float(c.previous_numerator[i, j]),
                      previous_denominator=float(c.previous_denominator[i, j]))
    if "." in figure:
        return _explain_comparison(ev, i, j, figure, inputs)
    if figure not in FIGURES:
        raise OptionError.for_choice("figure", figure, [*FIGURES, "<slot>.<field>"])
    formula, method = _formulas(ev, m, i, j)[figure]
    raw = _figure_array(ev, figure)[i, j]
    code = ""
    value = float(raw)
    if figure in CODE_FIGURES:
        code, value = CODE_FIGURES[figure](int(raw)).code, float("nan")
    if figure == "direction":
        inputs.update(assessment=code, arrow=str(ev.direction.arrow[i, j]),
                      change=float(ev.change.value[i, j]))
    if figure.startswith("spc_"):
        inputs.update(_spc_inputs(ev.spc, i))
    if figure.startswith("target_"):
        inputs.update(_target_inputs(ev, i, j))
    reasons = reason_names((ev.change.reasons if figure in ("change", "absolute_change")
                            else ev.reasons)[i, j])
    missing = "" if code or value == value else _missing(ev, i, j, figure, reasons)
    return Explanation(measure=m.id, organisation=ev.organisations[j], figure=figure,
                       value=value, code=code, formula=formula, method=method,
                       options={"confidence": ev.options.confidence, "kind": m.kind.value,
                                "polarity": m.polarity.value},
                       inputs=inputs, reasons=reasons,
                       organisation_name=ev.organisation_name(ev.organisations[j]),
                       missing=missing)


#: What each figure is called when saying there is none.
_FIGURE_WORDS = {"current": "current value", "previous": "previous value",
                 "change": "change", "absolute_change": "change", "lower": "interval",
                 "upper": "interval", "significant": "test of the change",
                 "pvalue": "test of the change", "target_gap": "target gap"}


def _missing(ev: Evaluation, i: int, j: int, figure: str, reasons: tuple[str, ...]) -> str:
    """Why measure ``i`` has no ``figure`` for organisation ``j``: "no change: ..."."""
    what = f"no {_FIGURE_WORDS.get(figure, figure)}"
    if figure == "target_gap" and ev.measures[i].target is None:
        return f"{what}: the measure has no target"
    if figure in ("significant", "pvalue") and not ev.test.method[i]:
        return f"{what}: {_TESTS[''][0]}"
    if reasons:
        return f"{what}: {', '.join(r.replace('_', ' ') for r in reasons)}"
    if np.isnan(ev.current[i, j]) or np.isnan(ev.previous[i, j]):
        return f"{what}: the data have no value for {ev.period} or {ev.previous_period}"
    return f"{what}: not computed for a {ev.measures[i].kind.value}"


def _target_inputs(ev: Evaluation, i: int, j: int) -> dict[str, Any]:
    """What a target figure was worked out from: the target, its level and baseline, and
    for a change target the change achieved against the change needed by now (in % or
    pp, as the change is)."""
    t, tg = ev.measures[i].target, ev.targets
    if t is None:
        return {"target": "none"}
    out: dict[str, Any] = {"target": repr(t), "level": float(tg.level[i, j]),
                           "gap": float(tg.gap[i, j])}
    if t.change is not None:
        out.update(baseline=float(tg.baseline[i, j]), achieved=float(tg.achieved[i, j]),
                   required_by_now=float(tg.required[i, j]))
    if t.by is not None:
        out["due"] = ev.period.last >= t.by.last
    return out


def _spc_inputs(spc: Spc, i: int) -> dict[str, Any]:
    """What a measure's chart was drawn from: its months, rule profile and rebases."""
    months = spc.months_of(i)
    out: dict[str, Any] = {"months": f"{months[0]} to {months[-1]}" if months else "none",
                           "points": len(months), "rules": spc.rules[i]}
    for r in spc.rebases[i]:
        where = (f"new group from point {r.position}" if r.applied
                 else "outside the months charted: not applied")
        out[f"rebase {r.month}"] = f"{where}{'; ' + r.note if r.note else ''}"
    return out


def _explain_comparison(ev: Evaluation, i: int, j: int, figure: str,
                        inputs: dict[str, Any]) -> Explanation:
    slot, _, field = figure.partition(".")
    if slot not in ev.comparisons:
        raise OptionError.for_choice("comparator slot", slot, list(ev.comparisons))
    c = ev.comparisons[slot]
    if field not in COMPARISON_FIGURES:
        raise OptionError.for_choice("comparator field", field, COMPARISON_FIGURES)
    raw = getattr(c, field)[i, j]
    code = CODE_FIGURES[field](int(raw)).code if field in CODE_FIGURES else ""
    value = float("nan") if code else float(raw)
    if field in ("rank", "group_size") and value <= 0:
        value = float("nan")  # 0: no rank (and no group), not a rank of 0
    pooled = _GROUP_FORMULAS.get(c.method, c.method)
    formula = {
        "value": pooled,
        "previous": pooled + " (previous period)",
        "change": "change of the group value between the periods",
        "difference": "organisation value − group value",
        "rank": "1 = best by polarity among the members and the organisation",
        "group_size": "members plus the organisation",
        "relation": "group value outside the organisation's confidence interval → "
                    "higher/lower, else similar (Fingertips)",
        "assessment": "relation read with the measure's polarity",
    }[field]
    group = c.group_of(j)
    if ComparatorSource(int(c.source[i, j])) is ComparatorSource.PUBLISHED and field in (
            "value", "previous", "change"):
        formula = "the figure the publication gives for the group"
    inputs = dict(inputs, group=c.group[j] if group is None or group.name == c.group[j]
                  else f"{group.name} ({c.group[j]})", group_value=float(c.value[i, j]),
                  group_source=_source_words(c, i, j))
    if code:
        inputs["label"] = code
    missing = "" if code or value == value else (
        f"no {_slot_words(ev, slot, j)} {field if field != 'value' else 'figure'}: "
        + _comparison_gap(ev, c, i, j, field))
    return Explanation(measure=ev.measures[i].id, organisation=ev.organisations[j],
                       figure=figure, value=value, code=code, formula=formula,
                       method=f"group average: {c.method}",
                       options={"include_self": c.include_self,
                                "confidence": ev.options.confidence},
                       inputs=inputs, reasons=reason_names(c.reasons[i, j]),
                       organisation_name=ev.organisation_name(ev.organisations[j]),
                       missing=missing)


def _slot_words(ev: Evaluation, slot: str, j: int) -> str:
    """A comparator slot as a reader names it: "MSG", "England and Wales"."""
    return "MSG" if slot == "msg" else ev.organisation_name(slot) or slot


def _comparison_gap(ev: Evaluation, c: Comparison, i: int, j: int, field: str) -> str:
    """Why a comparator has no ``field`` for measure ``i`` and organisation ``j``."""
    source = ComparatorSource(int(c.source[i, j]))
    if source is ComparatorSource.PUBLISHED:
        given = [f for f in ("value", "change") if getattr(c, f)[i, j] == getattr(c, f)[i, j]]
        also = f" (it gives the {' and '.join(given)})" if given else ""
        return (f"the group's figures for {ev.period} are published ones, and the "
                f"publication gives no {field}{also}")
    if source is ComparatorSource.NOT_AVAILABLE:
        return (f"the data hold no figures of the group's members for {ev.period}, and none "
                "is published for the group")
    names = reason_names(c.reasons[i, j])
    if names:
        return ", ".join(r.replace("_", " ") for r in names)
    if np.isnan(ev.current[i, j]):
        return f"the organisation has no value for {ev.period}"
    return f"not computed ({_source_words(c, i, j)})"


#: Where a comparator figure came from, as :meth:`Evaluation.explain` says it.
_SOURCE_WORDS = {ComparatorSource.COMPUTED: "computed from member data",
                 ComparatorSource.DATASET_ROW: "the group's own row",
                 ComparatorSource.PUBLISHED: "published figure",
                 ComparatorSource.NOT_AVAILABLE: "not available",
                 ComparatorSource.PARTIAL: "computed from the members with data in both "
                                           "periods"}


def _source_words(c: Comparison, i: int, j: int) -> str:
    return _SOURCE_WORDS[ComparatorSource(int(c.source[i, j]))]


def _by_measure(measures: tuple[Measure, ...], published: tuple[PublishedFigure, ...]
                ) -> dict[str, tuple[PublishedFigure, ...]]:
    found: dict[str, list[PublishedFigure]] = {m.id: [] for m in measures}
    for f in published:
        found.setdefault(f.measure, []).append(f)
    return {measure: tuple(figures) for measure, figures in found.items()}


def _tidy_rows(ev: Evaluation) -> list[dict[str, Any]]:
    """One record per measure × organisation × figure (comparator figures as
    ``"<slot>.<field>"``): the number in ``value`` (NaN for codes), the code in ``code``,
    the organisation's name beside its code (``""`` where the registry does not know it)."""
    figures = [*FIGURES, *(f"{s}.{f}" for s in ev.comparisons for f in COMPARISON_FIGURES)]
    ids = [m.id for m in ev.measures]
    period = str(ev.period)
    names = {o: ev.organisation_name(o) for o in ev.organisations}
    out: list[dict[str, Any]] = []
    for figure in figures:
        arr = np.asarray(_figure_array(ev, figure))
        field = figure.partition(".")[2] or figure
        vocabulary = CODE_FIGURES.get(field)
        if vocabulary is not None:
            codes = np.asarray(vocabulary.names())[arr.astype(np.intp)].tolist()
            values = [float("nan")] * arr.size
        else:
            codes = [""] * arr.size
            values = arr.astype(float).ravel().tolist()
        cells = ((m, o) for m in ids for o in ev.organisations)
        out.extend({"measure": m, "organisation": o, "organisation_name": names[o],
                    "period": period, "figure": figure, "value": v, "code": c}
                   for (m, o), v, c in zip(cells, values, np.ravel(codes).tolist(), strict=True))
    return out
