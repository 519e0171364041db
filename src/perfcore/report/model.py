"""The report model: what a report shows, independent of how it is rendered.

:func:`build_report` turns an :class:`~perfcore.evaluate.Evaluation` (and, when given,
scores) into sections (priorities) of rows (measures) of cells. Every cell keeps its
unrounded value, its display text, an accessible label and the method behind it, so each
renderer only lays out what is already decided and the JSON renderer can expose every
figure with its provenance. Display rounding happens here, half away from zero.

Every word comes from the message catalogue of the report's language (:mod:`perfcore.i18n`)
and every plan text goes through the plan's translations; ``lang="en+cy"`` builds one
version per language, Welsh first, for the renderers to lay out together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from perfcore.calc.rounding import round_half_away
from perfcore.codes import MeasureKind
from perfcore.errors import UnknownOrganisationError
from perfcore.evaluate import Evaluation
from perfcore.i18n import (
    ENGLISH,
    N_,
    Fallback,
    TextTranslator,
    Translator,
    parse_languages,
    translator,
)
from perfcore.model import Measure
from perfcore.organisations import default_registry
from perfcore.periods import Period, parse_period

__all__ = ["LABELS", "Cell", "Column", "Report", "Row", "Section", "build_report",
           "format_number", "label"]

SCHEMA_VERSION = "1.1"

#: Words for the codes the calculations return (translated through the catalogue).
LABELS = {
    "improving": N_("improving"), "deteriorating": N_("deteriorating"),
    "no_change": N_("no change"), "not_assessed": N_("not assessed"),
    "better": N_("better"), "worse": N_("worse"), "similar": N_("similar"),
    "higher": N_("higher"), "lower": N_("lower"), "not_compared": N_("not compared"),
    "green": N_("Green"), "amber": N_("Amber"), "red": N_("Red"),
    "grey": N_("Not assessed"), "met": N_("met"), "not_met": N_("not met"),
    "no_target": N_("no target"), "not_available": N_("not available"),
}

#: Words for the method codes the notes name (group averages, direction of travel).
METHOD_NAMES = {
    "pooled": N_("pooled"), "mean": N_("mean"),
    "population_weighted": N_("population weighted"), "published": N_("published"),
    "significance": N_("significance"), "sign": N_("sign"),
}


def label(code: str, _: Translator) -> str:
    """Display words for a result code, in the report's language."""
    return _(LABELS.get(code, code.replace("_", " ")))


_SLOT_HEADINGS = {"msg": N_("MSG"), "K04000001": N_("E&W"), "W92000004": N_("Wales"),
                  "E92000001": N_("England")}


@attrs.frozen(kw_only=True)
class Cell:
    """One figure as shown: ``text`` for the eye, ``label`` for a screen reader,
    ``value`` unrounded (None for words), ``method`` and ``source`` for provenance."""

    key: str
    text: str
    value: float | None = None
    label: str = ""
    method: str = ""
    source: str = ""
    reasons: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Column:
    key: str
    heading: str


@attrs.frozen(kw_only=True)
class Row:
    measure: Measure
    cells: tuple[Cell, ...]
    history: tuple[float, ...] = ()
    status: str | None = None
    status_reasons: tuple[str, ...] = ()
    spc_svg: str = ""

    def cell(self, key: str) -> Cell:
        for c in self.cells:
            if c.key == key:
                return c
        raise KeyError(key)


@attrs.frozen(kw_only=True)
class Section:
    """A priority of the plan with its outcomes' rows."""

    id: str
    title: str
    lead: str
    board: str
    assessment_type: str
    outcomes: tuple[tuple[str, tuple[Row, ...]], ...]
    status: str | None = None
    #: Each outcome's rolled-up status, in the order of ``outcomes`` (empty: not scored).
    outcome_status: tuple[str | None, ...] = ()

    def outcome_status_of(self, k: int) -> str | None:
        return self.outcome_status[k] if k < len(self.outcome_status) else None


@attrs.frozen(kw_only=True)
class Report:
    title: str
    organisation: str
    organisation_name: str
    period: str
    period_label: str
    previous_period: str
    columns: tuple[Column, ...]
    sections: tuple[Section, ...]
    comparators: Mapping[str, str]
    notes: tuple[str, ...]
    lang: str = "en"
    schema_version: str = SCHEMA_VERSION
    #: The same report in the other languages of a bilingual report, in display order
    #: (``lang="en+cy"`` gives the Welsh report with the English one here).
    translations: tuple[Report, ...] = ()

    def rows(self) -> list[Row]:
        return [r for s in self.sections for _, rows in s.outcomes for r in rows]

    def versions(self) -> tuple[Report, ...]:
        """This report and its translations, in the order a bilingual layout shows them."""
        return (self, *self.translations)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(v.lang for v in self.versions())


def format_number(value: float, decimals: int, *, thousands: bool = False,
                  sign: bool = False, suffix: str = "", prefix: str = "",
                  na: str = "n/a") -> str:
    """Display text for one number: rounded half away from zero, NaN as ``na``.

    Welsh writes numbers as English does (decimal point, comma thousands separator), so
    only the words around numbers change with the language."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return na
    shown = float(round_half_away(value, decimals))
    spec = f"{'+' if sign else ''}{',' if thousands else ''}.{decimals}f"
    return f"{prefix}{shown:{spec}}{suffix}"


def _value_text(m: Measure, value: float, decimals: int, thousands: bool,
                _: Translator) -> str:
    na = _("n/a")
    if m.kind is MeasureKind.PROPORTION:
        return format_number(value * 100, decimals, suffix="%", na=na)
    if m.kind is MeasureKind.MONEY:
        return format_number(value, decimals, thousands=True, prefix=m.unit or "£", na=na)
    return format_number(value, decimals, thousands=thousands, na=na)


def _change_text(m: Measure, value: float, decimals: int, _: Translator) -> str:
    if m.kind.uses_pp_change:
        shown = format_number(value, decimals, sign=True, na=_("n/a"))
        return shown if math.isnan(value) else _("{change} pp").format(change=shown)
    return format_number(value, decimals, sign=value > 0, suffix="%", na=_("n/a"))


def build_report(
    evaluation: Evaluation,
    *,
    organisation: str | None = None,
    scores: Any = None,
    history: Mapping[str, Sequence[float]] | None = None,
    decimals: Mapping[str, int] | None = None,
    change_decimals: int = 1,
    thousands: bool = False,
    lang: str = "en",
    title: str | None = None,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    fallback: Fallback = "error",
    dataset: Any = None,
    history_periods: Sequence[str | Period] = (),
    labels: Mapping[str, str] | None = None,
) -> Report:
    """Lay out one organisation's evaluation (and scores) as a report.

    ``decimals`` overrides a measure's display decimals; ``history`` gives earlier values
    per measure for sparklines. ``history_periods`` adds a column for each earlier period,
    before the previous one (seed 001 shows 2018-19, 2019-20 and 2020-21), with the
    values taken from ``dataset`` for the organisation ("n/a" where it has none).
    ``scores``, when given, must offer
    ``status_of(measure_id, organisation) -> (status, reasons)`` and
    ``rollup_of(priority_id, organisation) -> status``.

    ``lang`` is ``"en"``, another shipped language (``"cy"``) or a bilingual pair
    (``"en+cy"``: the Welsh report, with the English one in ``translations``). Plan texts
    (titles, names, statements, leads, boards) are translated through ``texts``
    (``{language: {English text: translation}}``, as ``PlanFile.texts``) and then through
    plugins' catalogues; a text with neither raises
    :class:`~perfcore.errors.MissingTranslationError` naming every such text, unless
    ``fallback="mark"``, which shows it in English behind a visible marker. ``title``,
    when given, is English too and is translated the same way.

    ``labels`` renames column headings (a plan's ``[display] labels``): keys are column
    keys (``"change"``, ``"msg.figure"``) or comparator slots (``"msg"``, ``"K04000001"``);
    the headings are plan texts, translated like the others.
    """
    langs = parse_languages(lang)
    from perfcore.plugins import registry
    resolvers = [TextTranslator(x, texts, fallback=fallback,
                                catalogues=lambda x=x: registry().translations(x))
                 for x in langs]
    versions = [_build_one(evaluation, organisation=organisation, scores=scores,
                           history=history, decimals=decimals,
                           change_decimals=change_decimals, thousands=thousands, lang=x,
                           title=title, tr=tr, dataset=dataset,
                           history_periods=history_periods, labels=labels or {})
                for x, tr in zip(langs, resolvers, strict=True)]
    for tr in resolvers:
        tr.raise_missing()
    return attrs.evolve(versions[0], translations=tuple(versions[1:]))


def _build_one(evaluation: Evaluation, *, organisation: str | None, scores: Any,
               history: Mapping[str, Sequence[float]] | None,
               decimals: Mapping[str, int] | None, change_decimals: int, thousands: bool,
               lang: str, title: str | None, tr: TextTranslator, dataset: Any = None,
               history_periods: Sequence[str | Period] = (),
               labels: Mapping[str, str] | None = None) -> Report:
    _ = translator(lang)
    ev = evaluation
    if organisation is None and len(ev.organisations) != 1:
        raise UnknownOrganisationError(
            f"name the organisation to report on: the evaluation covers "
            f"{len(ev.organisations)}", organisation=None, suggestions=())
    org = ev.organisations[0] if organisation is None else organisation
    try:
        j = ev.organisations.index(org)
    except ValueError:
        org = default_registry().code(org)
        j = ev.organisations.index(org)
    try:
        org_name = default_registry().get(org).name
    except UnknownOrganisationError:
        org_name = org
    # A force's name is a proper name: kept as written unless the plan translates it.
    org_name = tr(org_name, "organisation name", required=False)
    decimals = dict(decimals or {})
    slots = list(ev.comparisons)
    earlier = [parse_period(p) for p in history_periods]
    earlier_values = _earlier_values(ev, dataset, org, earlier)
    columns = [*(Column(key=f"history:{p}", heading=p.display(lang)) for p in earlier),
               Column(key="previous", heading=ev.previous_period.display(lang)),
               Column(key="current", heading=ev.period.display(lang)),
               Column(key="change", heading=_("Annual change")),
               Column(key="dot", heading=_("DOT"))]
    for slot in slots:
        head = _SLOT_HEADINGS.get(slot, slot)
        columns.append(Column(key=f"{slot}.figure", heading=_(head)))
    if scores is not None:
        columns.append(Column(key="status", heading=_("Status")))
    if labels:
        columns = [_relabel(c, labels, tr) for c in columns]

    index = {m.id: i for i, m in enumerate(ev.measures)}
    # Provenance of the recorded values shown: the data's own source column.
    sources = (dataset.sources_of(org, [m.id for m in ev.measures],
                                  [*earlier, ev.previous_period, ev.period])
               if dataset is not None else {})
    sections = []
    # Texts are translated in reading order, so missing translations are listed that way.
    plan_title = tr(title, "report title") if title else tr(ev.plan.title, "plan title")
    for p in ev.plan.priorities:
        shown = [(o, [m for m in o.measures if m.id in index]) for o in p.outcomes]
        shown = [(o, ms) for o, ms in shown if ms]
        if not shown:
            continue
        where = f"priority {p.id!r}"
        heads = {f: tr(getattr(p, f), f"{where} {f}")
                 for f in ("title", "lead", "board", "assessment_type")}
        outcomes = []
        outcome_status: list[str | None] = []
        for o, ms in shown:
            outcome_status.append(scores.outcome_of(o.id, org)
                                  if hasattr(scores, "outcome_of") else None)
            statement = tr(o.statement, f"outcome {o.id!r} statement")
            rows = [_row(ev, index[m.id], j, _translate_measure(m, tr), sources,
                         decimals.get(m.id, m.display_decimals), change_decimals, thousands,
                         slots, _, scores, org, tuple((history or {}).get(m.id, ())), lang,
                         [(str(p), float(earlier_values[index[m.id], k]))
                          for k, p in enumerate(earlier)])
                    for m in ms]
            outcomes.append((statement, tuple(rows)))
        status = scores.rollup_of(p.id, org) if scores is not None else None
        sections.append(Section(id=p.id, **heads, outcomes=tuple(outcomes), status=status,
                                outcome_status=tuple(outcome_status)))
    from perfcore.evaluate import SOURCE_NAMES
    comparators = {}
    notes = []
    for slot in slots:
        c = ev.comparisons[slot]
        gid = c.group[j]
        comparators[slot] = gid
        srcs = {int(s) for s in np.unique(c.source[:, j]) if s >= 0}
        notes.append(_("{slot}: group {group}; figures: {how}; average: {method}").format(
            slot=_(_SLOT_HEADINGS.get(slot, slot)), group=gid or _("none"),
            how=", ".join(_(SOURCE_NAMES[s]) for s in sorted(srcs)) or _("not available"),
            method=_(METHOD_NAMES.get(c.method, c.method))))
    if hasattr(scores, "exceptions"):
        names = {m.id: m for m in ev.measures}
        for e in scores.exceptions():
            if e.organisation == org and e.kind == "red_red":
                notes.append(_("Exception: {measure} is worse than its comparator and "
                               "deteriorating").format(
                    measure=_translate_measure(names[e.measure], tr).name))
    notes.append(_("Change: % for counts, rates and amounts; percentage points (pp) for "
                   "proportions. Direction of travel by {method}; confidence {conf:.0%}.")
                 .format(method=_(METHOD_NAMES.get(ev.dot_method, ev.dot_method)),
                         conf=ev.confidence))
    return Report(
        title=plan_title, organisation=org, organisation_name=org_name,
        period=str(ev.period), period_label=ev.period.label(lang),
        previous_period=str(ev.previous_period), columns=tuple(columns),
        sections=tuple(sections), comparators=comparators, notes=tuple(notes), lang=lang)


def _relabel(column: Column, labels: Mapping[str, str], tr: TextTranslator) -> Column:
    text = labels.get(column.key, labels.get(column.key.removesuffix(".figure")))
    if text is None:
        return column
    return Column(key=column.key, heading=tr(text, f"column {column.key!r} label"))


def _translate_measure(m: Measure, tr: TextTranslator) -> Measure:
    if tr.lang == ENGLISH:
        return m
    where = f"measure {m.id!r}"
    # Symbols ("%", "£") read the same in every language; worded units need translating.
    unit = tr(m.unit, f"{where} unit", required=any(ch.isalpha() for ch in m.unit))
    return attrs.evolve(m, name=tr(m.name, f"{where} name"), unit=unit)


def _earlier_values(ev: Evaluation, dataset: Any, org: str,
                    periods: Sequence[Period]) -> Any:
    """Measures × periods values of the organisation in earlier periods (NaN if absent)."""
    if not periods:
        return np.full((len(ev.measures), 0), np.nan)
    if dataset is None:
        from perfcore.errors import OptionError
        raise OptionError("history_periods needs the dataset to take their values from",
                          option="history_periods", value=list(map(str, periods)),
                          allowed="a Dataset passed as dataset=")
    import warnings

    from perfcore.evaluate import NotAvailableWarning, _gather, _values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        data = _gather(dataset, ev.measures, periods, [org])
    return _values(data, [m.kind for m in ev.measures], ev.measures)[0][:, 0, :]


def _row(ev: Evaluation, i: int, j: int, m: Measure,
         sources: Mapping[tuple[str, str], str], decimals: int, change_decimals: int,
         thousands: bool, slots: Sequence[str], _: Translator, scores: Any, org: str,
         history: tuple[float, ...], lang: str,
         earlier: Sequence[tuple[str, float]] = ()) -> Row:
    cur, prev = float(ev.current[i, j]), float(ev.previous[i, j])
    change = float(ev.change[i, j])
    direction = str(ev.direction[i, j])
    arrow = str(ev.arrow[i, j])
    change_text = _change_text(m, change, change_decimals, _)
    cells = [
        *(Cell(key=f"history:{p}", text=_value_text(m, v, decimals, thousands, _), value=v,
               method="as recorded", source=sources.get((m.id, p), "")) for p, v in earlier),
        Cell(key="previous", text=_value_text(m, prev, decimals, thousands, _), value=prev,
             method="as recorded", source=sources.get((m.id, str(ev.previous_period)), "")),
        Cell(key="current", text=_value_text(m, cur, decimals, thousands, _), value=cur,
             method="as recorded", source=sources.get((m.id, str(ev.period)), "")),
        Cell(key="change", text=change_text, value=change,
             method="pp_change" if m.kind.uses_pp_change else "pct_change",
             label=(_("{change} (percentage points)") if m.kind.uses_pp_change
                    else _("{change} (per cent)")).format(change=change_text)),
        Cell(key="dot", text=arrow if arrow.strip() else "–", label=label(direction, _),
             method=ev.dot_method),
    ]
    from perfcore.evaluate import SOURCE_NAMES
    for slot in slots:
        c = ev.comparisons[slot]
        if m.kind.uses_pp_change or m.kind is MeasureKind.RATE:
            v = float(c.value[i, j])
            text = _value_text(m, v, decimals, thousands, _)
            what = _("group value")
        else:
            v = float(c.change[i, j])
            text = _change_text(m, v, change_decimals, _)
            what = _("group change")
        assessment = str(c.assessment[i, j])
        cells.append(Cell(key=f"{slot}.figure", text=text, value=v,
                          label=f"{what}: {text}; {label(assessment, _)}",
                          method=c.method, source=_(SOURCE_NAMES[int(c.source[i, j])]),
                          reasons=(assessment,)))
    status: str | None = None
    reasons: tuple[str, ...] = ()
    if scores is not None:
        from perfcore.scoring import Scores
        status, reasons = (scores.status_of(m.id, org, lang=lang) if isinstance(scores, Scores)
                           else scores.status_of(m.id, org))
        cells.append(Cell(key="status", text=label(status, _) if status else "",
                          label=label(status, _) if status else ""))
    chart = ev.spc_chart(m.id, org)
    svg = ""
    if chart is not None:
        from perfcore.report.spc_svg import render_xmr_svg
        svg = render_xmr_svg(chart, title=f"{m.name}: {_('monthly XmR chart')}",
                             labels=[str(mo) for mo in ev.spc_months], lang=lang)
    return Row(measure=m, cells=tuple(cells), history=history, status=status,
               status_reasons=tuple(reasons), spc_svg=svg)
