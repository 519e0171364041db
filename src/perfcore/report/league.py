"""The national league view: one table per measure of every force, ranked, with its value,
confidence interval, change, direction of travel, comparison with the national figure and
status, and the chart that sets them side by side (a funnel plot for a rate or
proportion, a peer chart of the % change for a count).

``perfcore report examples/national/plan.toml --organisation all`` renders it. Each
force's cells are built exactly as its own report builds them (:mod:`.build`), so a
figure reads the same in both.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from perfcore.calc import rank_in_group
from perfcore.codes import MeasureKind
from perfcore.errors import OptionError, UnknownOrganisationError, advise
from perfcore.evaluation import Evaluation
from perfcore.i18n import ENGLISH, N_, Fallback, TextTranslator, parse_languages
from perfcore.labels import rank_text, value_text
from perfcore.model import Display, Measure
from perfcore.organisations import default_registry
from perfcore.report.build import Catalogues, ReportBuilder, default_catalogues
from perfcore.report.chart_data import change_title, funnel_chart
from perfcore.report.model import Cell, Column, FunnelChart, PeerChart, Row
from perfcore.scoring import Scores

__all__ = ["League", "LeagueRow", "LeagueTable", "build_league"]

#: The columns of a league table, after the rank and the force.
_KEEP = ("previous", "current", "change", "dot", "status")


@attrs.frozen(kw_only=True)
class LeagueRow:
    """One force in a league table: its rank (0: not ranked), code and name, and its
    cells (as its own report shows them, with the confidence interval)."""

    rank: int
    organisation: str
    name: str
    cells: tuple[Cell, ...]
    highlight: bool = False

    def get(self, key: str) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)


@attrs.frozen(kw_only=True)
class LeagueTable:
    """One measure across the forces, best first by polarity (a count by its change)."""

    measure: Measure
    columns: tuple[Column, ...]
    rows: tuple[LeagueRow, ...]
    ranked_by: str
    funnel: FunnelChart | None = None
    peers: PeerChart | None = None


@attrs.frozen(kw_only=True)
class League:
    """Every measure of a plan as a table of all the forces, in one language
    (``translations``: the others of a bilingual league)."""

    title: str
    period: str
    period_label: str
    previous_period: str
    tables: tuple[LeagueTable, ...]
    notes: tuple[str, ...]
    lang: str = ENGLISH
    translations: tuple[League, ...] = ()

    def versions(self) -> tuple[League, ...]:
        return (self, *self.translations)


def build_league(evaluation: Evaluation, scores: Scores | None = None, *,
                 display: Display | None = None, lang: str = ENGLISH,
                 highlight: str | None = None,
                 texts: Mapping[str, Mapping[str, str]] | None = None,
                 fallback: Fallback = "error",
                 catalogues: Catalogues | None = None) -> League:
    """The league of every force the evaluation covers (it must cover the forces: evaluate
    with ``organisation=None``), ``highlight`` (a force's code or name) marked."""
    forces = [j for j, o in enumerate(evaluation.organisations) if _is_force(o)]
    if len(forces) < 2:
        raise OptionError(option="organisation", value=evaluation.organisations,
                          reason="a league needs the forces' figures",
                          hint="evaluate every organisation: " + advise(
                              python="organisation='all'", cli="--organisation all",
                              plan='organisation = "all" in the plan\'s [report] table'))
    mark = default_registry().code(highlight) if highlight else None
    catalogues = catalogues or default_catalogues
    langs = parse_languages(lang)
    resolvers = [TextTranslator(x, texts, fallback=fallback,
                                catalogues=functools.partial(catalogues, x)) for x in langs]
    versions = [_League(evaluation, scores, forces, display or Display(), x, tr, mark).league()
                for x, tr in zip(langs, resolvers, strict=True)]
    for tr in resolvers:
        tr.raise_missing()
    return attrs.evolve(versions[0], translations=tuple(versions[1:]))


def _is_force(code: str) -> bool:
    try:
        return default_registry().get(code).is_force
    except UnknownOrganisationError:  # not in the registry: not a force
        return False


class _League:
    """One language's league: a :class:`ReportBuilder` per force lays out its cells."""

    def __init__(self, ev: Evaluation, scores: Scores | None, forces: Sequence[int],
                 display: Display, lang: str, tr: TextTranslator, mark: str | None) -> None:
        self.ev, self.forces, self.display, self.lang, self.mark = ev, forces, display, lang, mark
        self.builders = {j: ReportBuilder(ev, scores, j, display, lang, tr) for j in forces}
        self.first = self.builders[forces[0]]
        self._ = self.first._

    def league(self) -> League:
        ev, _ = self.ev, self._
        tables = tuple(self.table(m) for m in ev.measures
                       if m.kind is not MeasureKind.QUALITATIVE)
        plan_title = self.first.tr(ev.plan.title, "plan title")
        notes = (_("Ranked among {n} forces, 1 = best; a count by its change, other measures "
                   "by their value; ties share a rank.").format(n=len(self.forces)),
                 *(_("{group}: the comparison of each force with it.").format(
                     group=self.first.group_words(slot)) for slot in self.national()),
                 _("Change: % for counts, rates and amounts; percentage points (pp) for "
                   "proportions."))
        return League(title=plan_title, period=str(ev.period),
                      period_label=ev.period.label(self.lang),
                      previous_period=str(ev.previous_period), tables=tables, notes=notes,
                      lang=self.lang)

    def table(self, measure: Measure) -> LeagueTable:
        ev, _ = self.ev, self._
        i = ev.measure_index(measure.id)
        # Only the cells are kept: no force's charts (each a pass over every force).
        rows = {j: self.builders[j].row(measure, charts=False) for j in self.forces}
        by_change = measure.kind is MeasureKind.COUNT
        basis = ev.change.value if by_change else ev.current
        values = basis[i, list(self.forces)]
        ranked = rank_in_group(values[None, :], polarity=np.array([measure.polarity.sign]),
                               members=np.ones((len(self.forces),) * 2, dtype=bool),
                               self_index=np.arange(len(self.forces)))
        ranks = [int(r) if math.isfinite(v) else 0
                 for r, v in zip(ranked.rank[0].tolist(), values.tolist(), strict=True)]
        order = sorted(range(len(self.forces)), key=lambda k: (ranks[k] == 0, ranks[k],
                                                               self.name(self.forces[k])))
        size = sum(r > 0 for r in ranks)
        out = [self.league_row(rows[self.forces[k]], self.forces[k], ranks[k], size, i)
               for k in order]
        template = rows[self.forces[0]]
        keep = (*_KEEP, *(f"{slot}.{fig}" for slot in self.national()
                          for fig in ("change", "value")))
        shown = {c.key for r in rows.values() for c in r.cells}
        columns = self.with_ci((Column(key="rank", heading=_("Rank")),
                                *(c for c in self.first.columns()
                                  if c.key in keep and c.key in shown)))
        m = template.measure
        return LeagueTable(measure=m, columns=columns, rows=tuple(out),
                           ranked_by=_(_RANKED_BY["change" if by_change else "value"]),
                           funnel=self.funnel(measure, i), peers=self.peers(m, i, ranks))

    def national(self) -> list[str]:
        """The comparator slots of a national group (England and Wales): every force has
        one, so their columns apply to every row."""
        return [slot for slot, c in self.ev.comparisons.items()
                if any(g.kind == "national" for g in c.groups)]

    def with_ci(self, columns: Sequence[Column]) -> tuple[Column, ...]:
        ci = Column(key="ci", heading=self._("{level:.0%} confidence interval").format(
            level=self.ev.options.confidence))
        out = list(columns)
        at = next((k for k, c in enumerate(out) if c.key == "current"), len(out) - 1) + 1
        out.insert(at, ci)
        return tuple(out)

    def name(self, j: int) -> str:
        return self.first.organisation_name(self.ev.organisations[j])

    def league_row(self, row: Row, j: int, rank: int, size: int, i: int) -> LeagueRow:
        _ = self._
        code = self.ev.organisations[j]
        lo, hi = (float(self.ev.interval.lower[i, j]), float(self.ev.interval.upper[i, j]))
        decimals = self.display.decimals_for(row.measure)
        ci = (_("n/a") if not (math.isfinite(lo) and math.isfinite(hi)) else
              f"{value_text(row.measure, lo, decimals, self.display.thousands, _)}–"
              f"{value_text(row.measure, hi, decimals, self.display.thousands, _)}")
        rank_cell = Cell(key="rank", text=str(rank_text(rank, size, _)) if rank else _("n/a"),
                         value=float(rank) if rank else None, method="rank")
        keep = (*_KEEP, *(f"{slot}.{fig}" for slot in self.national()
                          for fig in ("change", "value")))
        cells = (rank_cell, *(c for c in row.cells if c.key in keep),
                 Cell(key="ci", text=ci, method="interval", label=ci))
        return LeagueRow(rank=rank, organisation=code, name=self.name(j), cells=cells,
                         highlight=code == self.mark)

    def funnel(self, measure: Measure, i: int) -> FunnelChart | None:
        j = next((j for j in self.forces if self.ev.organisations[j] == self.mark),
                 self.forces[0])
        chart = funnel_chart(self.ev, i, j, self.first.translate_measure(measure),
                             self.first.organisation_name, self.first.group_name,
                             self.display.decimals_for(measure), self._)
        if chart is not None and self.mark is None:
            chart = attrs.evolve(chart, highlight="")
        return chart

    def peers(self, m: Measure, i: int, ranks: Sequence[int]) -> PeerChart | None:
        """For a count, a chart of every force's % change with its interval."""
        peers = self.ev.peers
        if m.kind is not MeasureKind.COUNT or peers is None:
            return None
        codes = [self.ev.organisations[j] for j in self.forces]
        k = peers.index(codes)
        mark = self.first.organisation_name(self.mark) if self.mark else ""
        return PeerChart(slot="league",
                         title=change_title(m.name, self.first.change_heading(), self._),
                         names=tuple(self.name(j) for j in self.forces),
                         values=tuple(peers.estimate[i, k].tolist()),
                         lower=tuple(peers.lower[i, k].tolist()),
                         upper=tuple(peers.upper[i, k].tolist()), highlight=mark,
                         polarity=m.polarity.value, decimals=self.display.change_decimals)


#: What a league table is ranked by.
_RANKED_BY = {"change": N_("ranked by change"), "value": N_("ranked by value")}
