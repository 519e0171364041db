"""Published figures in a report: what a publication gave for a measure, beside what
perfcore computed from data.

A published figure of the organisation itself for the reported period fills the cell
perfcore could not compute (its counts were not given), marked as published; a group's
published figure fills its comparator cell the same way (in the evaluation). Every other
published figure of a measure — another period, or one beside a computed figure — is
listed under the measure with its source, so no stored figure goes unshown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import attrs

from perfcore.codes import ComparatorSource
from perfcore.dataset import PublishedFigure
from perfcore.evaluation import Evaluation
from perfcore.i18n import N_, Translator
from perfcore.labels import COMPARATOR_SOURCE_WORDS
from perfcore.model import Measure
from perfcore.periods import Month, Period
from perfcore.report.model import Cell, Published

__all__ = ["fill_from_published", "published_lines"]

#: What a published figure is, in the words of a listed line.
_FIGURE_WORDS = {"value": N_("value"), "pct_change": N_("change"), "pp_change": N_("change"),
                 "rank": N_("rank")}

#: The cell a published figure of the organisation itself may fill.
_OWN_CELLS = {"value": "current", "pct_change": "change", "pp_change": "change"}


def _empty(cell: Cell) -> bool:
    return cell.value is None or math.isnan(cell.value)


def fill_from_published(cells: Sequence[Cell], m: Measure, figures: Sequence[PublishedFigure],
                        organisation: str, text: Callable[[PublishedFigure], str],
                        _: Translator) -> tuple[list[Cell], set[PublishedFigure]]:
    """The row's cells with each empty own cell (current value, change) filled from the
    organisation's published figure for the period, flagged ``published``; and the
    figures so used. A change is only taken in the measure's own unit (pp for
    proportions, % otherwise)."""
    out, used = list(cells), set()
    unit = "pp_change" if m.kind.uses_pp_change else "pct_change"
    for f in figures:
        key = _OWN_CELLS.get(f.figure)
        if f.group != organisation or key is None or f.figure not in ("value", unit):
            continue
        k = next((n for n, c in enumerate(out) if c.key == key), None)
        if k is None or not _empty(out[k]):
            continue
        shown = text(f)
        out[k] = attrs.evolve(out[k], text=shown, value=f.value, method="published",
                              label=shown, flags=(*out[k].flags, "published"),
                              source=f.source or _(COMPARATOR_SOURCE_WORDS[
                                  ComparatorSource.PUBLISHED.code]))
        used.add(f)
    return out, used


def published_lines(ev: Evaluation, j: int, m: Measure, shown: set[PublishedFigure],
                    who: Callable[[str], str], text: Callable[[PublishedFigure], str],
                    _: Translator, lang: str) -> tuple[Published, ...]:
    """Every published figure of the measure not shown in a cell: who it describes, what
    it is, its period and its source."""
    out = []
    for f in ev.published_of(m.id):
        if f in shown or _in_comparator_cell(ev, j, f):
            continue
        out.append(Published(who=who(f.group), figure=f.figure,
                             what=_(_FIGURE_WORDS[f.figure]), period=_period_words(f.period, lang),
                             value=f.value, text=text(f), source=f.source))
    return tuple(out)


def _period_words(period: Period, lang: str) -> str:
    # A month reads as "December 2021" in a sentence; other periods as their headings do.
    return period.label(lang) if isinstance(period, Month) else period.display(lang)


def _in_comparator_cell(ev: Evaluation, j: int, f: PublishedFigure) -> bool:
    """Whether the evaluation put the group's published figure in a comparator cell (the
    period's figure, used where the group's could not be computed)."""
    if f.period != ev.period:
        return False
    i = ev.measure_index(f.measure)
    for c in ev.comparisons.values():
        if c.group[j] != f.group:
            continue
        if f.figure == "rank":
            return (c.rank_source is not None
                    and int(c.rank_source[i, j]) == ComparatorSource.PUBLISHED
                    and int(c.rank[i, j]) == int(f.value))
        published = int(c.source[i, j]) == ComparatorSource.PUBLISHED
        value = c.value if f.figure == "value" else c.change
        return published and float(value[i, j]) == f.value
    return False
