"""A public edition of a report: small-number disclosure control (docs/methodology.md §8)
and no internal-only fields.

:func:`public_edition` takes a built :class:`~perfcore.report.model.Report` and returns a
new one, every renderer unchanged:

- every figure resting on a count below the threshold is withheld, with every figure that
  would give it back (:mod:`perfcore.calc.disclosure`): its cell's ``text`` is the
  suppression symbol, its ``value`` None and its ``suppressed`` the reason;
- a row with a withheld figure loses its charts (the sparkline and the SPC chart plot the
  values) and its status reasons (they quote the figures), keeping its status; an SPC
  chart of monthly counts below the threshold is left out, and so is one of a rate or
  proportion, whose monthly counts the report does not carry to check; a funnel plot is
  shown only when no force's count in it is below the threshold, and peer charts never
  (they plot the members' rates and changes without the counts behind them);
- commentary the plan marks ``commentary_internal`` and the recorded sources of figures
  (file names, analysts' descriptions) are dropped;
- the notes say what was withheld, why, and at what threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from perfcore.calc import AdditiveStructure, primary_suppression, secondary_suppression
from perfcore.calc.disclosure import DEFAULT_THRESHOLD, Suppression
from perfcore.codes import MeasureKind, SuppressionReason
from perfcore.errors import OptionError
from perfcore.i18n import Translator, translator
from perfcore.labels import SUPPRESSION_SYMBOLS, SUPPRESSION_WORDS, suppressed_text
from perfcore.model import Measure
from perfcore.report.model import (
    Cell,
    Disclosure,
    FlagNote,
    FunnelChart,
    Outcome,
    Report,
    Row,
)

__all__ = ["public_edition"]

#: Kinds whose figures rest on a count and a base: withheld when either is small.
_ON_COUNTS = (MeasureKind.RATE, MeasureKind.PROPORTION)


def public_edition(report: Report, *, threshold: float = DEFAULT_THRESHOLD,
                   symbol: str = "*",
                   totals: Mapping[str, Sequence[str]] | None = None) -> Report:
    """The report as a public edition: small numbers withheld, internal fields dropped.

    Parameters
    ----------
    report : Report
        An internal edition (:func:`~perfcore.report.build.build_report`), in one language
        or several.
    threshold : float, default 5
        Counts below it are withheld (0 included), with the rates and proportions whose
        count or base is below it.
    symbol : {"*", "<n"}
        What a withheld figure shows: ``"*"``, or ``"<n"`` for a count below the threshold
        as "<5" (any other withheld figure still "*").
    totals : mapping of str to sequence of str, optional
        Count measures that are the sum of others (``{"disruptions": ["pursue",
        "prevent", "protect", "prepare"]}``): a withheld part takes a complementary part
        with it in each period shown, so that the total less the parts shown cannot
        reveal it.
    """
    if symbol not in SUPPRESSION_SYMBOLS:
        raise OptionError.for_choice("symbol", symbol, SUPPRESSION_SYMBOLS)
    if report.disclosure is not None:
        raise OptionError(reason="the report is a public edition already", option="report",
                          value="public edition", allowed="an internal edition")
    table = _Table(report, totals or {})
    result = table.suppress(threshold)
    versions = [_Edition(v, table, result, threshold, symbol).report()
                for v in report.versions()]
    return attrs.evolve(versions[0], translations=tuple(versions[1:]))


def _recorded(cell: Cell) -> bool:
    return cell.key.startswith("history:") or cell.key in ("previous", "current")


def _number(x: float | None) -> float:
    return np.nan if x is None else x


class _Table:
    """A report's cells as one flat table, with its additive structure: each measure's
    (previous, current, change), and in every period shown each declared total and its
    parts."""

    def __init__(self, report: Report, totals: Mapping[str, Sequence[str]]) -> None:
        self.rows = report.rows()
        self.index: dict[tuple[str, str], int] = {}
        cells: list[tuple[Row, Cell]] = []
        for row in self.rows:
            for cell in row.cells:
                self.index[(row.measure.id, cell.key)] = len(cells)
                cells.append((row, cell))
        self.cells = cells
        self.structure = AdditiveStructure.of(len(cells), totals=self.sums(totals),
                                              changes=self.changes())

    def changes(self) -> list[tuple[int, int, int]]:
        at = self.index
        return [(at[(m, "previous")], at[(m, "current")], at[(m, "change")])
                for m in (r.measure.id for r in self.rows)
                if all((m, k) in at for k in ("previous", "current", "change"))]

    def sums(self, totals: Mapping[str, Sequence[str]]) -> list[tuple[int, list[int]]]:
        """A relation per total and period shown; a part the report leaves out is unknown
        to its reader, so its total gives nothing away."""
        at, out = self.index, []
        for total, parts in totals.items():
            keys = [c.key for r, c in self.cells if r.measure.id == total and _recorded(c)]
            out += [(at[(total, k)], [at[(p, k)] for p in parts]) for k in keys
                    if all((p, k) in at for p in parts)]
        return out

    def suppress(self, threshold: float) -> Suppression:
        recorded = np.array([_recorded(c) for _, c in self.cells], dtype=bool)
        kind = [r.measure.kind for r, _ in self.cells]
        counts = np.array([_number(c.count) for _, c in self.cells])
        bases = np.array([_number(c.base) for _, c in self.cells])
        values = np.array([_number(c.value) for _, c in self.cells])
        is_count = recorded & np.array([k is MeasureKind.COUNT for k in kind], dtype=bool)
        on_counts = recorded & np.array([k in _ON_COUNTS for k in kind], dtype=bool)
        small = primary_suppression(counts, threshold=threshold)
        derived = on_counts & (small | primary_suppression(bases, threshold=threshold))
        result = secondary_suppression(values, is_count & small, self.structure,
                                       derived=derived, threshold=threshold)
        return self.target_gaps(result, threshold)

    def target_gaps(self, result: Suppression, threshold: float) -> Suppression:
        """A target's gap is the current figure less a level the plan gives (or its
        baseline's figure moved by the change): it is withheld with the current figure,
        and with the target's level when the baseline rests on a count below the
        threshold (the cell carries the baseline's count and base)."""
        reason = result.reason.copy()
        for row in self.rows:
            m = row.measure.id
            gap, level = self.index.get((m, "target_gap")), self.index.get((m, "target"))
            if gap is None or level is None:
                continue
            cell = self.cells[gap][1]
            base_small = bool(primary_suppression(
                [_number(cell.count)] + ([_number(cell.base)] if row.measure.kind in _ON_COUNTS
                                         else []), threshold=threshold).any())
            current = self.index.get((m, "current"))
            hidden = current is not None and reason[current] != SuppressionReason.NONE
            for k, withheld in ((gap, hidden or base_small), (level, base_small)):
                if withheld and reason[k] == SuppressionReason.NONE:
                    reason[k] = SuppressionReason.DERIVED
        return attrs.evolve(result, reason=reason)


class _Edition:
    """One language's public edition: its cells withheld by ``result`` (positions in the
    :class:`_Table`, shared by every language), its rows, charts and notes."""

    def __init__(self, report: Report, table: _Table, result: Suppression,
                 threshold: float, symbol: str) -> None:
        self.src, self.result = report, result
        self.threshold, self.symbol = threshold, symbol
        self._: Translator = translator(report.lang)
        self.reasons = iter(result.reason.tolist())
        self.charts = self.arrows = 0
        self.withheld_in: list[Measure] = []

    def report(self) -> Report:
        sections = tuple(attrs.evolve(s, outcomes=tuple(self.outcome(o) for o in s.outcomes))
                         for s in self.src.sections)
        r = self.result
        withheld = {str(code): r.count(code) for code in (
            SuppressionReason.PRIMARY, SuppressionReason.SECONDARY, SuppressionReason.DERIVED)}
        withheld[str(SuppressionReason.DERIVED)] += self.arrows
        notes, flagged = self.without_withheld()
        return attrs.evolve(self.src, sections=sections, notes=(*notes, *self.notes(withheld)),
                            flag_notes=flagged,
                            disclosure=Disclosure(threshold=self.threshold, symbol=self.symbol,
                                                  withheld=withheld, charts=self.charts))

    def outcome(self, o: Outcome) -> Outcome:
        return attrs.evolve(o, rows=tuple(self.row(r) for r in o.rows))

    def row(self, row: Row) -> Row:
        cells = tuple(self.cell(c, SuppressionReason(next(self.reasons))) for c in row.cells)
        cells = self.direction_with_its_change(cells)
        withheld = any(c.suppressed is not None for c in cells)
        reasons = tuple(x for x in row.status_reasons if x not in row.internal)
        if withheld:
            _ = self._
            self.withheld_in.append(row.measure)
            reasons = (_("reasons not shown: they cite withheld figures"),)
        spc = row.spc if row.spc is not None and self.chart_shown(row, withheld) else None
        history = () if withheld else row.history
        funnel = row.funnel if row.funnel is not None and self.funnel_shown(row.funnel,
                                                                           withheld) else None
        self.charts += ((spc is None and row.spc is not None) + (len(history) < len(row.history))
                        + (funnel is None and row.funnel is not None) + len(row.peers))
        if withheld:
            cells = tuple(attrs.evolve(c, flags=()) for c in cells)
        # Peer charts plot each member's rate, proportion or change without the counts
        # behind them, so nothing says a member's figure does not rest on a small count.
        return attrs.evolve(row, cells=cells, status_reasons=reasons, internal=(),
                            history=history, spc=spc, funnel=funnel, peers=(),
                            spc_labels=row.spc_labels if spc else (),
                            spc_title=row.spc_title if spc else "")

    def direction_with_its_change(self, cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
        """A withheld change takes its direction of travel with it: the arrow would give
        away the change's sign."""
        change = next((c for c in cells if c.key == "change"), None)
        if change is None or change.suppressed is None:
            return cells
        self.arrows += sum(c.key == "dot" and c.suppressed is None for c in cells)
        return tuple(self.cell(c, SuppressionReason.DERIVED) if c.key == "dot" else c
                     for c in cells)

    def cell(self, cell: Cell, reason: SuppressionReason) -> Cell:
        # Recorded sources are provenance (file names, analysts' notes): internal only.
        source = "" if _recorded(cell) else cell.source
        if reason is SuppressionReason.NONE:
            return attrs.evolve(cell, source=source, count=None, base=None)
        _ = self._
        why = _(SUPPRESSION_WORDS[reason.code]).format(threshold=f"{self.threshold:g}")
        return Cell(key=cell.key, text=suppressed_text(reason, self.symbol, self.threshold),
                    label=_("withheld: {why}").format(why=why), method=cell.method,
                    suppressed=reason)

    def funnel_shown(self, funnel: FunnelChart, withheld: bool) -> bool:
        """A funnel plot (and its data table) lists every force's count: shown only
        beside no withheld figure and when no force's count is below the threshold."""
        counts = np.asarray(funnel.numerators, dtype=np.float64)
        return not withheld and not primary_suppression(counts, threshold=self.threshold).any()

    def chart_shown(self, row: Row, withheld: bool) -> bool:
        """An SPC chart is shown only when every point it plots passes: never beside a
        withheld figure; for counts, no month below the threshold; for rates and
        proportions never, their monthly counts not being in the report to check."""
        assert row.spc is not None
        kind = row.measure.kind
        if withheld or kind in _ON_COUNTS:
            return False
        values = np.asarray(row.spc.values, dtype=np.float64)
        return kind is not MeasureKind.COUNT or not primary_suppression(
            values, threshold=self.threshold).any()

    def without_withheld(self) -> tuple[list[str], tuple[FlagNote, ...]]:
        """The notes with each flag note (†, ‡, §) written again naming only the measures
        with no withheld figure, found by id: "previous value below 10" would narrow a
        figure shown only as "*". A flag note left naming no measure is dropped. Also the
        flag notes so kept."""
        ids = {m.id for m in self.withheld_in}
        flagged = {f.text: f.without(ids) for f in self.src.flag_notes}
        notes: list[str] = []
        for n in self.src.notes:
            if n not in flagged:
                notes.append(n)
            elif (kept := flagged[n]) is not None:
                notes.append(kept.text)
        return notes, tuple(f for f in flagged.values() if f is not None)

    def notes(self, withheld: Mapping[str, int]) -> list[str]:
        _, t = self._, f"{self.threshold:g}"
        shown = "*" if self.symbol == "*" else f"<{t}, *"
        out = [_("Public edition: counts below {threshold} are withheld ({symbol}), with the "
                 "figures that would reveal them; internal commentary and the sources of "
                 "figures are left out.").format(threshold=t, symbol=shown)]
        total = sum(withheld.values())
        if total:
            out.append(_("Figures withheld: {total}. Counts below {threshold} (primary): "
                         "{primary}; complementary figures, so that a total cannot reveal "
                         "them (secondary): {secondary}; figures computed from a withheld "
                         "count, such as a change, rate or proportion (derived): "
                         "{derived}.").format(total=total, threshold=t, **withheld))
            out.append(_("Measures with figures withheld: {measures}.").format(
                measures=", ".join(m.name for m in self.withheld_in)))
        else:
            out.append(_("No figure rests on a count below {threshold}: none is "
                         "withheld.").format(threshold=t))
        if self.charts:
            out.append(_("Charts left out: {n} (they would show withheld figures, or "
                         "figures resting on counts the report does not carry to check)."
                         ).format(
                             n=self.charts))
        return out
