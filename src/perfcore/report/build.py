"""Evaluation (+ scores) → :class:`~perfcore.report.model.Report`: the edge where codes
become words.

:func:`build_report` lays out one organisation's figures as sections (priorities) of
outcomes of rows (measures). Display rounding happens here, half away from zero; every
word comes from the message catalogue of the report's language (:mod:`perfcore.i18n`,
:mod:`perfcore.labels`) and every plan text goes through the plan's translations;
``lang="en+cy"`` builds one version per language, Welsh first, for the renderers to lay
out together. Everything shown comes from the Evaluation and the Scores: the report never
reads the data again.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from perfcore.calc import Reason
from perfcore.codes import (
    Assessment,
    ComparatorSource,
    Direction,
    MeasureKind,
    Polarity,
    Status,
    StatusBasis,
    TargetStatus,
    UntestedReason,
)
from perfcore.dataset import PublishedFigure
from perfcore.errors import UnknownOrganisationError, advise
from perfcore.evaluation import Evaluation
from perfcore.i18n import (
    ENGLISH,
    N_,
    Fallback,
    PluralTranslator,
    TextTranslator,
    Translator,
    parse_languages,
    plural_translator,
)
from perfcore.i18n import translator as catalogue
from perfcore.labels import (
    BASIS_WORDS,
    COMPARATOR_SOURCE_WORDS,
    METHOD_NAMES,
    UNTESTED_WORDS,
    change_text,
    direction_words,
    gap_text,
    label,
    level_text,
    published_text,
    rank_text,
    target_text,
    value_text,
)
from perfcore.model import Display, Measure, Priority
from perfcore.organisations import default_registry
from perfcore.report.chart_data import funnel_chart, peer_charts
from perfcore.report.model import (
    Cell,
    Column,
    FlagNote,
    Outcome,
    Report,
    Rolled,
    Row,
    Section,
)
from perfcore.report.published import fill_from_published, published_lines
from perfcore.scoring import Rollup, Scores

__all__ = ["build_report"]

Catalogues = Callable[[str], Iterable[gettext.NullTranslations]]

#: A roll-up's counts, by category (see perfcore.scoring.ROLLUP_CATEGORIES).
_COUNT_WORDS = {"red": N_("{n} red"), "amber": N_("{n} amber"), "green": N_("{n} green"),
                "not_tested": N_("{n} not tested"), "neutral": N_("{n} neutral"),
                "no_data": N_("{n} no data"), "not_assessed": N_("{n} not assessed")}

#: The tests of change, by ChangeTest.method.
_TEST_NAMES = {"rate_ratio": N_("conditional exact test of two counts"),
               "newcombe": N_("Newcombe's interval of a difference of proportions"),
               "welch": N_("Welch's test of two means")}

#: Short names of the comparator slots, in column headings.
_SLOT_HEADINGS = {"msg": N_("MSG"), "K04000001": N_("E&W"), "W92000004": N_("Wales"),
                  "E92000001": N_("England")}

#: A comparator's columns: the group's change (counts, amounts, means: compared by their
#: change), its rate (rates and proportions: compared by their level), the force's rank.
_COMPARATOR_FIGURES = {"change": N_("{group} change"), "value": N_("{group} rate"),
                       "rank": N_("{group} rank")}

#: The target columns, shown when a measure of the report has a target.
_TARGET_COLUMNS = (("target", N_("Target")), ("target_gap", N_("Gap to target")),
                   ("target_status", N_("Against target")))

#: Groups with more members than this are named by their size in the notes, not listed.
_LISTED_MEMBERS = 10


def build_report(evaluation: Evaluation, scores: Scores | None = None, *,
                 organisation: str | None = None, display: Display | None = None,
                 lang: str = ENGLISH, title: str | None = None,
                 texts: Mapping[str, Mapping[str, str]] | None = None,
                 fallback: Fallback = "error", catalogues: Catalogues | None = None) -> Report:
    """Lay out one organisation's evaluation (and scores) as a report.

    ``display`` says how figures are shown (decimals, thousands, renamed column
    headings; :class:`~perfcore.model.Display`); the columns of earlier periods are those
    the evaluation carries (``evaluate(history_periods=...)``).

    ``lang`` is ``"en"``, another shipped language (``"cy"``) or a bilingual pair
    (``"en+cy"``: the Welsh report, with the English one in ``translations``). Plan texts
    (titles, names, statements, leads, boards) are translated through ``texts``
    (``{language: {English text: translation}}``, as ``PlanFile.texts``) and then through
    ``catalogues(lang)`` (default: the message catalogues installed plugins register); a
    text with neither raises :class:`~perfcore.errors.MissingTranslationError` naming
    every such text, unless ``fallback="mark"``, which shows it in English behind a
    visible marker. ``title``, when given, is English too and is translated the same way.
    """
    catalogues = catalogues or default_catalogues
    langs = parse_languages(lang)
    resolvers = [TextTranslator(x, texts, fallback=fallback,
                                catalogues=functools.partial(catalogues, x)) for x in langs]
    j = _organisation(evaluation, organisation)
    versions = [ReportBuilder(evaluation, scores, j, display or Display(), x, tr).report(title)
                for x, tr in zip(langs, resolvers, strict=True)]
    for tr in resolvers:
        tr.raise_missing()
    return attrs.evolve(versions[0], translations=tuple(versions[1:]))


def default_catalogues(lang: str) -> Iterable[gettext.NullTranslations]:
    """The message catalogues the installed plugins register for ``lang``."""
    from perfcore.plugins import registry
    return registry().translations(lang)


def _rolled_category(status: Status, basis: StatusBasis | None) -> str:
    """The roll-up count category of the status a roll-up shows: its colour, why it is
    grey, or "not assessed" (qualitative items only)."""
    if basis is not None:
        return basis.code
    return "not_assessed" if status is Status.GREY else status.code


def _number(x: float) -> float | None:
    return None if x != x else float(x)


def _blank(cell: Cell) -> bool:
    """A cell with no figure: none given, or NaN."""
    return cell.value is None or cell.value != cell.value


def _organisation(ev: Evaluation, organisation: str | None) -> int:
    if organisation is None and len(ev.organisations) != 1:
        names = [ev.organisation_name(o) or o for o in ev.organisations]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise UnknownOrganisationError(
            reason=f"name the organisation to report on: the data cover "
            f"{len(ev.organisations)} ({shown})", organisation=None,
            hint=advise(python="organisation='Gwent'", cli="--organisation Gwent",
                        plan='organisation = "Gwent" in the plan\'s [plan] table'))
    return ev.organisation_index(organisation)


class ReportBuilder:
    """One language's report of one organisation (column ``j`` of the evaluation)."""

    def __init__(self, ev: Evaluation, scores: Scores | None, j: int, display: Display,
                 lang: str, tr: TextTranslator) -> None:
        self.ev, self.scores, self.j, self.display = ev, scores, j, display
        self.lang, self.tr = lang, tr
        self._: Translator = catalogue(lang)
        self.ngettext: PluralTranslator = plural_translator(lang)
        self.index = {m.id: i for i, m in enumerate(ev.measures)}
        self.earlier = ev.history.shown

    def report(self, title: str | None) -> Report:
        ev, _ = self.ev, self._
        org = ev.organisations[self.j]
        # Texts are translated in reading order, so missing translations are listed so.
        plan_title = self.tr(title, "report title") if title else self.tr(ev.plan.title,
                                                                          "plan title")
        sections = tuple(s for p in ev.plan.priorities if (s := self.section(p)) is not None)
        shown = {c.key for s in sections for o in s.outcomes for c in o.columns}
        flagged = self.flag_notes(sections)
        return Report(
            title=plan_title, organisation=org, organisation_name=self.organisation_name(org),
            period=str(ev.period), period_label=ev.period.label(self.lang),
            previous_period=str(ev.previous_period),
            columns=tuple(c for c in self.columns() if c.key in shown or not sections),
            sections=sections,
            comparators={slot: ev.comparisons[slot].group[self.j] for slot in self.slots()},
            notes=self.notes() + self.empty_period_notes(sections)
            + tuple(f.text for f in flagged), flag_notes=flagged, lang=self.lang)

    def organisation_name(self, org: str) -> str:
        """An organisation's name in the report's language: the plan's translation, else
        the registry's (Welsh names of the Welsh forces and areas), else as written (a
        force's name is a proper name)."""
        try:
            found = default_registry().get(org)
        except UnknownOrganisationError:
            return self.tr(org, "organisation name", required=False)
        own = found.name_in(self.lang)
        if own != found.name:
            return own
        return self.tr(found.name, "organisation name", required=False)

    def slots(self) -> list[str]:
        """The comparator slots that apply to the organisation (an English force has no
        Wales group: no column, no note)."""
        return [slot for slot, c in self.ev.comparisons.items() if c.group[self.j]]

    def columns(self) -> tuple[Column, ...]:
        """Every column any outcome's table may show, in order; each outcome shows those
        its rows fill (:meth:`outcome_columns`)."""
        ev, _ = self.ev, self._
        cols = [*(Column(key=f"history:{p}", heading=p.display(self.lang))
                  for p in self.earlier),
                Column(key="previous", heading=ev.previous_period.display(self.lang)),
                Column(key="current", heading=ev.period.display(self.lang)),
                Column(key="change", heading=self.change_heading()),
                Column(key="dot", heading=_("Direction of travel"))]
        cols += [Column(key=f"{slot}.{fig}", heading=self.comparator_heading(slot, fig))
                 for slot in self.slots() for fig in _COMPARATOR_FIGURES]
        if any(m.target is not None for m in ev.measures):
            cols += [Column(key=key, heading=_(heading)) for key, heading in _TARGET_COLUMNS]
        if self.scores is not None:
            cols.append(Column(key="status", heading=_("Status")))
        return tuple(self.relabel(c) for c in cols)

    def comparator_heading(self, slot: str, figure: str) -> str:
        """"MSG change", "E&W rate", "Wales rank": the plan's label of the slot, if any,
        in the heading's pattern."""
        return self._(_COMPARATOR_FIGURES[figure]).format(group=self.slot_name(slot))

    def slot_name(self, slot: str) -> str:
        """A comparator slot's short name, as its columns are headed: the plan's label,
        else "MSG", "E&W", "Wales", else the group's name."""
        label = self.display.labels.get(slot)
        if label is not None:
            return self.tr(label, f"column {slot!r} label")
        if slot in _SLOT_HEADINGS:
            return self._(_SLOT_HEADINGS[slot])
        c = self.ev.comparisons[slot].group_of(self.j)
        return c.name if c is not None else slot

    @staticmethod
    def outcome_columns(columns: tuple[Column, ...], rows: Iterable[Row]
                        ) -> tuple[Column, ...]:
        """The columns an outcome's table shows: all but comparator and target columns
        none of its rows fills (a table of counts has no "MSG rate", one of measures
        without targets no target columns)."""
        filled = {c.key for r in rows for c in r.cells}
        return tuple(c for c in columns if c.key in filled
                     or ("." not in c.key and not c.key.startswith("target")))

    def change_heading(self) -> str:
        """The change column named by its gap: "Annual change" only for a year apart;
        "18-month change", "2-year change", or "Change since June 2020" otherwise."""
        _, cur, prev = self._, self.ev.period, self.ev.previous_period
        if prev == cur.same_period_last_year():
            return _("Annual change")
        gap = cur.last - prev.last
        if cur.length == prev.length and gap % 12 == 0:
            return _("{years}-year change").format(years=gap // 12)
        if cur.length == prev.length:
            return _("{months}-month change").format(months=gap)
        return _("Change since {period}").format(period=prev.display(self.lang))

    def relabel(self, column: Column) -> Column:
        text = self.display.labels.get(column.key)
        if text is None:
            return column
        return Column(key=column.key, heading=self.tr(text, f"column {column.key!r} label"))

    def section(self, p: Priority) -> Section | None:
        """A priority's outcomes with their evaluated measures; an outcome the plan gives
        no measures is listed too (a board sees the aim is not measured), one whose
        measures were all left out of the evaluation is not."""
        shown = [(o, [m for m in o.measures if m.id in self.index]) for o in p.outcomes]
        shown = [(o, ms) for o, ms in shown if ms or not o.measures]
        if not any(ms for _o, ms in shown):
            return None
        where = f"priority {p.id!r}"
        heads = {f: self.tr(getattr(p, f), f"{where} {f}")
                 for f in ("title", "lead", "board", "assessment_type")}
        scores = self.scores
        columns = self.columns()
        outcomes = []
        for o, ms in shown:
            rows = tuple(self.row(m) for m in ms)
            outcomes.append(Outcome(
                id=o.id, statement=self.tr(o.statement, f"outcome {o.id!r} statement"), rows=rows,
                columns=self.outcome_columns(columns, rows),
                rolled=self.rolled(scores.outcomes[o.id] if scores and rows else None)))
        return Section(id=p.id, **heads, outcomes=tuple(outcomes),
                       rolled=self.rolled(scores.priorities[p.id] if scores else None))

    def rolled(self, r: Rollup | None) -> Rolled:
        """A roll-up with what it is made of, in words."""
        if r is None:
            return Rolled()
        _, j = self._, self.j
        counts = r.summary(j)
        status, basis = r.of(j), r.basis(j)
        if list(counts) == [_rolled_category(status, basis)]:
            # Every measure has the roll-up's own status: "Not tested (23 not tested)"
            # would say it twice; say how many it covers instead.
            (category, n), = counts.items()
            # Only qualitative items (objectives, updates) are "not assessed".
            items = category == "not_assessed"
            if n == 2:  # English says "both", Welsh "y ddau"/"y ddwy": not a plural form
                words = _("both items") if items else _("both measures")
            else:
                words = (self.ngettext("{n} item", "all {n} items", n) if items
                         else self.ngettext("{n} measure", "all {n} measures", n)).format(n=n)
        else:
            words = ", ".join(_(_COUNT_WORDS[c]).format(n=n) for c, n in counts.items())
        return Rolled(status=status, basis=basis, counts=counts,
                      basis_counts=r.basis_summary(j), words=words)

    def translate_measure(self, m: Measure) -> Measure:
        if self.tr.lang == ENGLISH:
            return m
        where = f"measure {m.id!r}"
        # Symbols ("%", "£") read the same in every language; worded units need translating.
        unit = self.tr(m.unit, f"{where} unit", required=any(ch.isalpha() for ch in m.unit))
        return attrs.evolve(m, name=self.tr(m.name, f"{where} name"), unit=unit)

    def row(self, measure: Measure, *, charts: bool = True) -> Row:
        """A measure's row: its cells, status and reasons, published figures and (unless
        ``charts`` is false: a league keeps only the cells) the data of its charts."""
        ev, j, _ = self.ev, self.j, self._
        i = self.index[measure.id]
        m = self.translate_measure(measure)
        decimals = self.display.decimals_for(measure)
        history = ev.history
        cells = [self.recorded(f"history:{p}", m, i, history.at(p), decimals)
                 for p in self.earlier]
        low = self.low_count(i)
        cells += [self.recorded("previous", m, i, history.at(ev.previous_period), decimals),
                  attrs.evolve(self.recorded("current", m, i, history.at(ev.period),
                                             decimals),
                               flags=("low_count",) if low else ()),
                  self.change_cell(m, i), self.direction_cell(i)]
        cells += [c for slot in self.slots() for c in self.comparator_cells(slot, m, i, decimals)]
        cells += self.target_cells(m, i, decimals)
        cells, used = fill_from_published(cells, m, ev.published_of(measure.id, ev.period),
                                          ev.organisations[j],
                                          self.published_text(m, decimals), _)
        status: Status | None = None
        basis: StatusBasis | None = None
        reasons: tuple[str, ...] = ()
        internal: tuple[str, ...] = ()
        if self.scores is not None:
            score = self.scores.score(measure.id, ev.organisations[j], lang=self.lang)
            status, basis = score.status, score.basis
            reasons = self.assessment_texts(measure, score.reasons, score.inputs)
            if score.inputs.get("commentary_internal"):
                internal = self.assessment_texts(measure, (str(score.inputs["commentary"]),),
                                                 score.inputs)
            cells.append(self.status_cell(status, basis, measure.kind))
        cells = [attrs.evolve(c, precision=self.precision(c.key, m, decimals))
                 for c in cells]
        return Row(measure=m, cells=tuple(cells), status=status, status_basis=basis,
                   status_reasons=tuple(reasons), internal=internal,
                   published=published_lines(ev, j, measure, used, self.who,
                                             self.published_text(m, decimals), _, self.lang),
                   **(self.charts(measure, m, i, decimals) if charts else {}))

    def assessment_texts(self, measure: Measure, reasons: tuple[str, ...],
                         inputs: Mapping[str, Any]) -> tuple[str, ...]:
        """A qualitative item's commentary and evidence are plan texts: in the report's
        language from the plan's translations, like its name (the scorer gives them as
        the plan wrote them, in English)."""
        if measure.kind is not MeasureKind.QUALITATIVE:
            return reasons
        where = f"measure {measure.id!r}"
        own = {str(e): f"{where} evidence" for e in inputs.get("evidence", ())}
        own[str(inputs.get("commentary", ""))] = f"{where} commentary"
        return tuple(self.tr(r, own[r]) if r and r in own else r for r in reasons)

    def precision(self, key: str, m: Measure, decimals: int) -> int | None:
        """The decimals a cell's value is shown to, in the value's own units."""
        if key in ("previous", "current", "target") or key.startswith("history:") \
                or key.endswith(".value"):
            return decimals + (2 if m.kind is MeasureKind.PROPORTION else 0)
        if key == "change" or key.endswith(".change"):
            return self.display.change_decimals
        if key == "target_gap":
            return decimals
        return 0 if key.endswith(".rank") else None

    def charts(self, measure: Measure, m: Measure, i: int, decimals: int) -> dict[str, Any]:
        """The data of a row's charts: its sparkline (3 or more values of its series), its
        monthly XmR chart with its rebases' notes, its peer charts and funnel plot."""
        ev, j, _ = self.ev, self.j, self._
        values = tuple(float(v) for v in ev.history.series_values(i, j))
        drawn = sum(not np.isnan(v) for v in values) >= 3
        chart = ev.spc_chart(measure.id, ev.organisations[j])
        notes = {r.position: self.tr(r.note, f"measure {measure.id!r} rebase note")
                 for r in ev.spc_rebases(measure.id) if r.position is not None} if chart else {}
        return dict(
            history=values if drawn else (), decimals=decimals,
            thousands=self.display.thousands,
            history_labels=tuple(p.display(self.lang) for p in ev.history.series)
            if drawn else (),
            spc=chart, spc_notes=notes,
            spc_labels=tuple(str(mo) for mo in ev.spc.months_of(i)) if chart else (),
            spc_title=f"{m.name}: {_('monthly XmR chart')}" if chart else "",
            peers=peer_charts(ev, i, j, m, self.organisation_name, self.group_name, decimals,
                              self.display.change_decimals, _,
                              change_heading=self.change_heading()),
            funnel=funnel_chart(ev, i, j, m, self.organisation_name, self.group_name,
                                decimals, _))

    def group_name(self, slot: str) -> str:
        """A comparator group's name: "most similar group of Gwent", "Wales"."""
        c = self.ev.comparisons[slot]
        group = c.group_of(self.j)
        if group is None:
            return self._(_SLOT_HEADINGS.get(slot, slot))
        if group.kind == "msg":
            return self._("most similar group of {force}").format(
                force=self.organisation_name(group.focal or ""))
        return self.organisation_name(group.name)

    def published_text(self, m: Measure, decimals: int) -> Callable[[PublishedFigure], str]:
        """A published figure to the precision it was published with (38% stays "+38%",
        not "+38.0%"), never more than the report's own decimals."""
        def text(f: PublishedFigure) -> str:
            limit = self.display.change_decimals if f.figure.endswith("change") else decimals
            scale = 100 if f.figure == "value" and m.kind is MeasureKind.PROPORTION else 1
            shown = next((d for d in range(limit) if round(f.value * scale, d)
                          == round(f.value * scale, 9)), limit)
            return published_text(m, f.figure, f.value, shown, self.display.thousands,
                                  self._)
        return text

    def who(self, group: str) -> str:
        """Whom a published figure describes: the organisation or area by name, a
        comparator group by its short name ("MSG")."""
        for slot, c in self.ev.comparisons.items():
            if group in c.group:
                return self._(_SLOT_HEADINGS.get(slot, slot))
        return self.organisation_name(group)

    def recorded(self, key: str, m: Measure, i: int, k: int, decimals: int) -> Cell:
        h, j = self.ev.history, self.j
        v = float(h.values[i, j, k])
        return Cell(key=key, text=value_text(m, v, decimals, self.display.thousands, self._),
                    value=v, method="as recorded", source=h.source_of(i, j, k),
                    count=_number(h.numerator[i, j, k]), base=_number(h.denominator[i, j, k]))

    def low_count(self, i: int) -> bool:
        """A figure resting on fewer events than the small-base threshold (a count, or the
        count behind a rate or proportion): its interval is wide and it moves by chance."""
        m = self.ev.measures[i]
        if m.kind not in (MeasureKind.COUNT, MeasureKind.RATE, MeasureKind.PROPORTION):
            return False
        x = float(self.ev.counts.numerator[i, self.j])
        return bool(x == x and x < self.ev.options.small_base)

    def status_cell(self, status: Status, basis: StatusBasis, kind: MeasureKind) -> Cell:
        """A status in words; one that rests on no evidence says why instead ("Not
        tested", "Neutral", "No data"; a qualitative item not yet rated "Not assessed")
        and carries that basis as its code, never a colour."""
        _ = self._
        if status is Status.GREY and not basis.is_evidence:
            words = (label(Status.GREY, _) if kind is MeasureKind.QUALITATIVE
                     else _(BASIS_WORDS[basis.code]))
            return Cell(key="status", text=words, label=words, code=basis, note=words)
        words = label(status, _)
        return Cell(key="status", text=words, label=words, code=status, note=words)

    def change_cell(self, m: Measure, i: int) -> Cell:
        _ = self._
        change = float(self.ev.change.value[i, self.j])
        text = change_text(m, change, self.display.change_decimals, _)
        small = bool(self.ev.change.reasons[i, self.j] & Reason.SMALL_BASE)
        return Cell(key="change", text=text, value=change,
                    method="pp_change" if m.kind.uses_pp_change else "pct_change",
                    label=(_("{change} (percentage points)") if m.kind.uses_pp_change
                           else _("{change} (per cent)")).format(change=text),
                    flags=("small_base",) if small else ())

    def direction_cell(self, i: int) -> Cell:
        d = self.ev.direction
        code = Direction(int(d.assessment[i, self.j]))
        arrow = str(d.arrow[i, self.j])
        words = direction_words(code, d.method, self._)
        return Cell(key="dot", text=arrow if arrow.strip() else "–", label=words,
                    method=d.method, code=code, note=words)

    def comparator_cells(self, slot: str, m: Measure, i: int, decimals: int) -> list[Cell]:
        """The group's rate (rates, proportions) or change (other kinds), with its
        assessment, and the force's rank among the group where it was ranked."""
        _, j = self._, self.j
        c = self.ev.comparisons[slot]
        by_value = m.kind.uses_pp_change or m.kind is MeasureKind.RATE
        if by_value:
            v = float(c.value[i, j])
            text = value_text(m, v, decimals, self.display.thousands, _)
            what = _("group rate")
        else:
            v = float(c.change[i, j])
            text = change_text(m, v, self.display.change_decimals, _)
            what = _("group change")
        code = Assessment(int(c.assessment[i, j]))
        words = label(code, _)
        source = ComparatorSource(int(c.source[i, j])).code
        cells = [Cell(key=f"{slot}.{'value' if by_value else 'change'}", text=text, value=v,
                      label=f"{what}: {text}; {words}", method=c.method,
                      source=_(COMPARATOR_SOURCE_WORDS[source]), code=code, note=words)]
        rank = int(c.rank[i, j])
        if rank > 0:
            size = int(c.group_size[i, j])
            text = str(rank_text(rank, size, _))
            rank_source = (ComparatorSource.COMPUTED if c.rank_source is None
                           else ComparatorSource(int(c.rank_source[i, j])))
            cells.append(Cell(key=f"{slot}.rank", text=text, value=float(rank),
                              label=_("rank in the group: {rank}").format(rank=text),
                              method="rank",
                              source=_(COMPARATOR_SOURCE_WORDS[rank_source.code])))
        return cells

    def target_cells(self, m: Measure, i: int, decimals: int) -> list[Cell]:
        """A measure's target as a board reads it: the target ("20% reduction from
        2019-20 by 2024-25", "at least 5.1%"; its value the level it asks for), the gap to
        it in the measure's units ("-2,925 crimes", "-2.1 pp"; for disclosure control,
        the count and base of the baseline it is measured from), and where the measure
        stands ("on trajectory (final target not yet due)", "not met"). None without a
        target."""
        t, tg, j, _ = m.target, self.ev.targets, self.j, self._
        if t is None:
            return []
        text = target_text(m, self.lang, _)
        level = float(tg.level[i, j])
        kind = "level" if t.value is not None else "change"
        gap = float(tg.gap[i, j])
        gap_words = gap_text(m, gap, decimals, self.display.thousands, _)
        code = TargetStatus(int(tg.status[i, j]))
        words = label(code, _)
        if t.change is not None and level == level:
            text = _("{target} (to {level})").format(
                target=text, level=value_text(m, level, decimals, self.display.thousands, _))
        return [Cell(key="target", text=text, value=_number(level),
                     label=_("target: {target}").format(target=text),
                     method=f"target_{kind}"),
                Cell(key="target_gap", text=gap_words, value=_number(gap),
                     label=_("gap to target: {gap}").format(gap=gap_words),
                     method="target_gap", count=_number(tg.baseline_count[i, j]),
                     base=_number(tg.baseline_base[i, j])),
                Cell(key="target_status", text=words, label=words, method="target",
                     code=code, note=words)]

    def notes(self) -> tuple[str, ...]:
        ev, _, j = self.ev, self._, self.j
        out = []
        for slot in self.slots():
            c = ev.comparisons[slot]
            srcs = sorted({int(s) for s in np.unique(c.source[:, j])}
                          - {int(ComparatorSource.NOT_AVAILABLE)})
            slot_name = _(_SLOT_HEADINGS.get(slot, slot))
            group = self.group_words(slot)
            out.append(_("{group}; figures: {how}; average: {method}").format(
                group=group if group.startswith(slot_name) else f"{slot_name}: {group}",
                how=", ".join(_(COMPARATOR_SOURCE_WORDS[ComparatorSource(s).code])
                              for s in srcs) or _("not available"),
                method=_(METHOD_NAMES.get(c.method, c.method))))
        out += self.rank_notes()
        out += self.exception_notes()
        dot = next(c.heading for c in self.columns() if c.key == "dot")
        if dot != _("Direction of travel"):
            out.append(_("{heading}: direction of travel.").format(heading=dot))
        out.append(_("Change: % for counts, rates and amounts; percentage points (pp) for "
                     "proportions."))
        out += self.target_notes()
        out += self.test_notes()
        return tuple(out)

    def exception_notes(self) -> list[str]:
        """The measures worse than the comparator and deteriorating, in one note naming
        the comparator (one note per measure said the same sentence over and over)."""
        if self.scores is None:
            return []
        ev, j = self.ev, self.j
        names = {m.id: m for m in ev.measures}
        by_slot: dict[str, list[str]] = {}
        for e in self.scores.exceptions():
            if e.organisation == ev.organisations[j] and e.kind == "red_red":
                by_slot.setdefault(e.slot, []).append(
                    self.translate_measure(names[e.measure]).name)
        return [self.ngettext("Exception, worse than {group} and deteriorating: {measures}.",
                              "Exceptions, worse than {group} and deteriorating: "
                              "{measures}.", len(measures)).format(
                    group=self.slot_name(slot), measures=", ".join(measures))
                for slot, measures in by_slot.items()]

    def rank_notes(self) -> list[str]:
        """What a rank column's "38th of 43" means, when the report shows a rank perfcore
        computed (a published rank is the publication's own)."""
        ev, _, j = self.ev, self._, self.j
        ranked = [i for c in (ev.comparisons[slot] for slot in self.slots())
                  for i in range(len(ev.measures)) if c.rank[i, j] > 0
                  and (c.rank_source is None
                       or c.rank_source[i, j] == ComparatorSource.COMPUTED)]
        if not ranked:
            return []
        out = [_("Rank: 1st is the best in the group (the lowest where lower is better); "
                 "a count is ranked by its change, other measures by their value; ties "
                 "share a rank.")]
        if any(ev.measures[i].polarity is Polarity.NEUTRAL for i in ranked):
            out.append(_("Rank of a neutral measure: 1st is the highest."))
        return out

    def target_notes(self) -> list[str]:
        """What the target columns say, and which measures with a target take their
        status from another basis (the plan's scoring order), so that a status and the
        target beside it are never read as contradicting each other."""
        ev, _, j = self.ev, self._, self.j
        if not any(m.target is not None for m in ev.measures):
            return []
        out = [_("Target: a level to reach, or a change from a baseline year, by a "
                 "deadline."),
               _("Gap to target: the figure less the level the target asks for, in the "
                 "measure's units (pp for proportions): + beaten, − short."),
               _("Against target: met or not met once the deadline comes; before it, on or "
                 "behind trajectory (the straight line from the baseline to the target), or "
                 "not yet met; without a deadline, on track while moving towards it, off "
                 "track otherwise.")]
        if self.scores is None:
            return out
        other = []
        for m in ev.measures:
            if m.target is None or m.kind is MeasureKind.QUALITATIVE:
                continue
            basis = self.scores.basis_of(m.id, ev.organisations[j])
            if basis.is_evidence and basis is not StatusBasis.TARGET:
                other.append(_("{measure} ({basis})").format(
                    measure=self.translate_measure(m).name, basis=_(BASIS_WORDS[basis.code])))
        if other:
            out.append(_("Status from another basis than the target, as the plan's scoring "
                         "orders them: {measures}.").format(measures=", ".join(other)))
        return out

    def empty_period_notes(self, sections: tuple[Section, ...]) -> tuple[str, ...]:
        """A period column that is n/a for every measure, said once: a board otherwise
        sees a column of n/a (and of changes n/a) with nothing saying why."""
        rows = [r for s in sections for o in s.outcomes for r in o.rows
                if r.measure.kind is not MeasureKind.QUALITATIVE]
        out = []
        no_change = all(_blank(c) for r in rows if (c := r.get("change")) is not None)
        for column in self.columns():
            key = column.key
            if not (key in ("previous", "current") or key.startswith("history:")):
                continue
            cells = [c for r in rows if (c := r.get(key)) is not None]
            if cells and all(_blank(c) for c in cells):
                out.append((self._("{period}: no figure for any measure, so no change could "
                                   "be worked out.") if key == "previous" and no_change
                            else self._("{period}: no figure for any measure."))
                           .format(period=column.heading))
        return tuple(out)

    def flag_notes(self, sections: tuple[Section, ...]) -> tuple[FlagNote, ...]:
        """What the marks of flagged cells mean, each naming the measures whose cells
        carry it: † a % change from a small previous value, ‡ a figure resting on few
        events, § a published figure in a cell."""
        ev, _, j = self.ev, self._, self.j
        measured = [i for i, m in enumerate(ev.measures) if m.kind is not MeasureKind.QUALITATIVE]
        small = tuple(self.translate_measure(ev.measures[i]) for i in measured
                      if ev.change.reasons[i, j] & Reason.SMALL_BASE)
        low = tuple(self.translate_measure(ev.measures[i]) for i in measured if self.low_count(i))
        published = tuple(r.measure for s in sections for o in s.outcomes for r in o.rows
                          if any("published" in c.flags for c in r.cells))
        n = ev.options.small_base
        notes = (
            FlagNote(flag="small_base", measures=small, values={"n": n}, words=_(
                "† Small base (previous value below {n:g}): the % change is unstable: "
                "{measures}.")),
            FlagNote(flag="low_count", measures=low, values={"n": n}, words=_(
                "‡ Low count (fewer than {n:g} events): the figure moves by chance: "
                "{measures}.")),
            FlagNote(flag="published", measures=published, words=_(
                "§ Published figure (the publication's own, not computed from data: its "
                "counts were not given): {measures}.")))
        return tuple(f for f in notes if f.measures)

    def group_words(self, slot: str) -> str:
        """A group as a reader knows it: "most similar group of Gwent (illustrative): South
        Wales, Cleveland, …" or "England and Wales (43 forces)" — never its code."""
        _, c = self._, self.ev.comparisons[slot]
        group = c.group_of(self.j)
        if group is None:
            return c.group[self.j]
        name = self.group_name(slot)
        if group.illustrative or group.version == "illustrative":
            name += " " + _("(illustrative)")
        members = [self.organisation_name(m) for m in group.members if m != group.focal]
        if group.kind == "msg":
            return _("{name}: {members}").format(name=name, members=", ".join(members))
        if len(members) > _LISTED_MEMBERS:
            return _("{name} ({n} forces)").format(name=name, n=len(members))
        return self.ngettext("{name} ({n} force: {members})", "{name} ({n} forces: {members})",
                             len(members)).format(name=name, n=len(members),
                                                  members=", ".join(members))

    def test_notes(self) -> list[str]:
        """Which changes were tested, how, and which were not and why."""
        ev, _, j = self.ev, self._, self.j
        shown = [i for i, m in enumerate(ev.measures) if m.kind is not MeasureKind.QUALITATIVE]
        tested = [i for i in shown if ev.test.tested[i, j]]
        out = []
        if tested:
            methods = sorted({ev.test.method[i] for i in tested})
            out.append(self.ngettext(
                "Tested for significance at {conf}: {n} change ({methods}); "
                "direction of travel by {method}.",
                "Tested for significance at {conf}: {n} changes ({methods}); "
                "direction of travel by {method}.", len(tested)).format(
                conf=level_text(ev.options.confidence), n=len(tested),
                methods=", ".join(_(_TEST_NAMES[m]) for m in methods),
                method=_(METHOD_NAMES.get(ev.direction.method, ev.direction.method))))
        untested: dict[str, list[str]] = {}
        for i in shown:
            why = UntestedReason(int(ev.test.untested[i, j]))
            if why not in (UntestedReason.NONE, UntestedReason.NO_DATA):
                name = self.translate_measure(ev.measures[i]).name
                untested.setdefault(_(UNTESTED_WORDS[why.code]), []).append(name)
        # Every measure of the report for one reason: counted, not listed name by name.
        out += [self.ngettext("Not tested ({why}): the {n} measure.",
                              "Not tested ({why}): all {n} measures.", len(names)).format(
                    why=why, n=len(names))
                if len(names) == len(shown) > 1
                else _("Not tested ({why}): {measures}.").format(why=why,
                                                                measures=", ".join(names))
                for why, names in untested.items()]
        return out

