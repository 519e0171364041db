"""The report model: what a report shows, independent of how it is rendered.

:func:`build_report` turns an :class:`~perfcore.evaluate.Evaluation` (and, when given,
scores) into sections (priorities) of rows (measures) of cells. Every cell keeps its
unrounded value, its display text, an accessible label and the method behind it, so each
renderer only lays out what is already decided and the JSON renderer can expose every
figure with its provenance. Display rounding happens here, half away from zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from perfcore._enums import MeasureKind
from perfcore.calc.rounding import round_half_away
from perfcore.errors import UnknownOrganisationError
from perfcore.evaluate import Evaluation
from perfcore.i18n import Translator, translator
from perfcore.model import Measure
from perfcore.organisations import default_registry
from perfcore.periods import Period, parse_period

__all__ = ["LABELS", "Cell", "Column", "Report", "Row", "Section", "build_report",
           "format_number", "label"]

SCHEMA_VERSION = "1.0"

#: Words for the codes the calculations return (translated through the catalogue).
LABELS = {
    "improving": "improving", "deteriorating": "deteriorating", "no_change": "no change",
    "not_assessed": "not assessed", "better": "better", "worse": "worse",
    "similar": "similar", "higher": "higher", "lower": "lower",
    "not_compared": "not compared", "green": "Green", "amber": "Amber", "red": "Red",
    "grey": "Not assessed", "met": "met", "not_met": "not met", "no_target": "no target",
    "not_available": "not available",
}


def label(code: str, _: Translator) -> str:
    """Display words for a result code, in the report's language."""
    return _(LABELS.get(code, code.replace("_", " ")))


_SLOT_HEADINGS = {"msg": "MSG", "K04000001": "E&W", "W92000004": "Wales",
                  "E92000001": "England"}


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

    def rows(self) -> list[Row]:
        return [r for s in self.sections for _, rows in s.outcomes for r in rows]


def format_number(value: float, decimals: int, *, thousands: bool = False,
                  sign: bool = False, suffix: str = "", prefix: str = "") -> str:
    """Display text for one number: rounded half away from zero, NaN as "n/a"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    shown = float(round_half_away(value, decimals))
    spec = f"{'+' if sign else ''}{',' if thousands else ''}.{decimals}f"
    return f"{prefix}{shown:{spec}}{suffix}"


def _value_text(m: Measure, value: float, decimals: int, thousands: bool) -> str:
    if m.kind is MeasureKind.PROPORTION:
        return format_number(value * 100, decimals, suffix="%")
    if m.kind is MeasureKind.MONEY:
        return format_number(value, decimals, thousands=True, prefix=m.unit or "£")
    return format_number(value, decimals, thousands=thousands)


def _change_text(m: Measure, value: float, decimals: int) -> str:
    if m.kind.uses_pp_change:
        return format_number(value, decimals, sign=True, suffix=" pp")
    return format_number(value, decimals, sign=value > 0, suffix="%")


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
    dataset: Any = None,
    history_periods: Sequence[str | Period] = (),
) -> Report:
    """Lay out one organisation's evaluation (and scores) as a report.

    ``decimals`` overrides a measure's display decimals; ``history`` gives earlier values
    per measure for sparklines. ``history_periods`` adds a column for each earlier period,
    before the previous one (seed 001 shows 2018-19, 2019-20 and 2020-21), with the
    values taken from ``dataset`` for the organisation ("n/a" where it has none).
    ``scores``, when given, must offer
    ``status_of(measure_id, organisation) -> (status, reasons)`` and
    ``rollup_of(priority_id, organisation) -> status``.
    """
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
    decimals = dict(decimals or {})
    slots = list(ev.comparisons)
    earlier = [parse_period(p) for p in history_periods]
    earlier_values = _earlier_values(ev, dataset, org, earlier)
    columns = [*(Column(key=f"history:{p}", heading=str(p)) for p in earlier),
               Column(key="previous", heading=str(ev.previous_period)),
               Column(key="current", heading=str(ev.period)),
               Column(key="change", heading=_("Annual change")),
               Column(key="dot", heading=_("DOT"))]
    for slot in slots:
        head = _SLOT_HEADINGS.get(slot, slot)
        columns.append(Column(key=f"{slot}.figure", heading=_(head)))
    if scores is not None:
        columns.append(Column(key="status", heading=_("Status")))

    index = {m.id: i for i, m in enumerate(ev.measures)}
    sections = []
    for p in ev.plan.priorities:
        outcomes = []
        for o in p.outcomes:
            rows = [_row(ev, index[m.id], j, m, decimals.get(m.id, m.display_decimals),
                         change_decimals, thousands, slots, _, scores, org,
                         tuple((history or {}).get(m.id, ())),
                         [(str(p), float(earlier_values[index[m.id], k]))
                          for k, p in enumerate(earlier)])
                    for m in o.measures if m.id in index]
            if rows:
                outcomes.append((o.statement, tuple(rows)))
        if outcomes:
            status = scores.rollup_of(p.id, org) if scores is not None else None
            sections.append(Section(id=p.id, title=p.title, lead=p.lead, board=p.board,
                                    assessment_type=p.assessment_type,
                                    outcomes=tuple(outcomes), status=status))
    comparators = {}
    notes = []
    for slot in slots:
        c = ev.comparisons[slot]
        gid = c.group[j]
        comparators[slot] = gid
        srcs = {int(s) for s in np.unique(c.source[:, j]) if s >= 0}
        from perfcore.evaluate import SOURCE_NAMES
        notes.append(_("{slot}: group {group}; figures: {how}; average: {method}").format(
            slot=_(_SLOT_HEADINGS.get(slot, slot)), group=gid or _("none"),
            how=", ".join(_(SOURCE_NAMES[s]) for s in sorted(srcs)) or _("not available"),
            method=c.method))
    notes.append(_("Change: % for counts, rates and amounts; percentage points (pp) for "
                   "proportions. Direction of travel by {method}; confidence {conf:.0%}.")
                 .format(method=ev.dot_method, conf=ev.confidence))
    return Report(
        title=title or ev.plan.title, organisation=org, organisation_name=org_name,
        period=str(ev.period), period_label=ev.period.label(),
        previous_period=str(ev.previous_period), columns=tuple(columns),
        sections=tuple(sections), comparators=comparators, notes=tuple(notes), lang=lang)


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


def _row(ev: Evaluation, i: int, j: int, m: Measure, decimals: int, change_decimals: int,
         thousands: bool, slots: Sequence[str], _: Translator, scores: Any, org: str,
         history: tuple[float, ...], earlier: Sequence[tuple[str, float]] = ()) -> Row:
    cur, prev = float(ev.current[i, j]), float(ev.previous[i, j])
    change = float(ev.change[i, j])
    direction = str(ev.direction[i, j])
    arrow = str(ev.arrow[i, j])
    cells = [
        *(Cell(key=f"history:{p}", text=_value_text(m, v, decimals, thousands), value=v,
               method="as recorded") for p, v in earlier),
        Cell(key="previous", text=_value_text(m, prev, decimals, thousands), value=prev,
             method="as recorded"),
        Cell(key="current", text=_value_text(m, cur, decimals, thousands), value=cur,
             method="as recorded"),
        Cell(key="change", text=_change_text(m, change, change_decimals), value=change,
             method="pp_change" if m.kind.uses_pp_change else "pct_change",
             label=_("{change} (percentage points)" if m.kind.uses_pp_change
                     else "{change} (per cent)").format(
                         change=_change_text(m, change, change_decimals))),
        Cell(key="dot", text=arrow if arrow.strip() else "–", label=label(direction, _),
             method=ev.dot_method),
    ]
    from perfcore.evaluate import SOURCE_NAMES
    for slot in slots:
        c = ev.comparisons[slot]
        if m.kind.uses_pp_change or m.kind is MeasureKind.RATE:
            v = float(c.value[i, j])
            text = _value_text(m, v, decimals, thousands)
            what = _("group value")
        else:
            v = float(c.change[i, j])
            text = _change_text(m, v, change_decimals)
            what = _("group change")
        assessment = str(c.assessment[i, j])
        cells.append(Cell(key=f"{slot}.figure", text=text, value=v,
                          label=f"{what}: {text}; {label(assessment, _)}",
                          method=c.method, source=_(SOURCE_NAMES[int(c.source[i, j])]),
                          reasons=(assessment,)))
    status, reasons = (None, ())
    if scores is not None:
        status, reasons = scores.status_of(m.id, org)
        cells.append(Cell(key="status", text=label(status, _) if status else "",
                          label=label(status, _) if status else ""))
    chart = ev.spc_chart(m.id, org)
    svg = ""
    if chart is not None:
        from perfcore.report.spc_svg import render_xmr_svg
        svg = render_xmr_svg(chart, title=f"{m.name}: {_('monthly XmR chart')}",
                             labels=[str(mo) for mo in ev.spc_months])
    return Row(measure=m, cells=tuple(cells), history=history, status=status,
               status_reasons=tuple(reasons), spc_svg=svg)
