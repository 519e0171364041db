"""Plain-text renderer: aligned tables with ↑ ↓ → arrows, colour only on a terminal.

A bilingual report prints each language in full, one after the other (Welsh first).
Control characters in a plan's or a data file's texts are written as visible escapes
(:func:`perfcore.report.escape.terminal_text`): only perfcore's own colours reach the
terminal."""

from __future__ import annotations

import textwrap

from perfcore.codes import Assessment, Code, Direction
from perfcore.i18n import translator
from perfcore.report.escape import terminal_text
from perfcore.report.model import (
    Cell,
    Report,
    item_text,
    measured,
    published_text_lines,
    qualitative,
    rolled_text,
    status_words,
    text_table,
)

__all__ = ["TERMINAL_COLOURS", "render_text"]

#: Terminal colours by code (blue good, orange bad: readable by the colour-blind); the
#: words are always printed too.
_ANSI: dict[Code, str] = {Direction.IMPROVING: "\033[34m", Direction.DETERIORATING: "\033[33m",
                          Assessment.BETTER: "\033[34m", Assessment.WORSE: "\033[33m"}
_RESET = "\033[0m"

#: The only escape sequences the text renderer writes: its colours.
TERMINAL_COLOURS = (*_ANSI.values(), _RESET)

#: Commentary paragraphs wrap at this width, so a terminal shows them whole.
_WRAP = 96


def _coloured(cell: Cell) -> str:
    """A judgement's words, coloured by its code."""
    colour = _ANSI.get(cell.code) if cell.code is not None else None
    return f"{colour}{cell.note}{_RESET}" if colour else cell.note


def _width(text: str) -> int:
    # Colour codes take no room on the screen.
    for code in (*_ANSI.values(), _RESET):
        text = text.replace(code, "")
    return len(text)


def render_text(report: Report, *, colour: bool = False) -> str:
    """Render a report as text. ``colour`` adds ANSI colour to assessments (callers pass
    ``sys.stdout.isatty()``); the words are always there, so colour is never the only
    signal."""
    text = f"\n{'=' * 72}\n\n".join(_render_one(v, colour) for v in report.versions())
    return _safe(text, colour)


def _safe(text: str, colour: bool) -> str:
    return terminal_text(text, keep=TERMINAL_COLOURS if colour else ())


def _render_one(report: Report, colour: bool) -> str:
    _ = translator(report.lang)
    words = status_words(_)
    out = [report.title, f"{report.organisation_name} — {report.period_label}", ""]
    for section in report.sections:
        head = section.title
        if section.status is not None:
            head += f"  [{rolled_text(section.rolled, words)}]"
        out.append(head)
        meta = [x for x in (section.lead, section.board,
                            _("{kind} assessment").format(kind=section.assessment_type)
                            if section.assessment_type else "") if x]
        if meta:
            out.append("  " + "; ".join(meta))
        for outcome in section.outcomes:
            mark = (f"  [{rolled_text(outcome.rolled, words)}]" if outcome.status is not None
                    else "")
            out.append(f"  {_('Outcome')}: {outcome.statement}{mark}")
            if not outcome.rows:
                out.append(f"    ({_('the plan gives this outcome no measures')})")
            if measured(outcome):
                table = [[_safe(c, colour) for c in row] for row in
                         text_table(report, outcome, _("Measure"), _coloured if colour else None)]
                widths = [max(_width(row[k]) for row in table) for k in range(len(table[0]))]
                for row in table:
                    line = "  ".join(c + " " * (w - _width(c))
                                     for c, w in zip(row, widths, strict=True)).rstrip()
                    out.append("    " + line)
            published = published_text_lines(outcome, _)
            if published:
                out.append(f"    {_('Published figures')}:")
                out.extend(f"      - {p}" for p in published)
            for r in qualitative(outcome):
                head, paragraphs = item_text(r, words)
                out.append(f"    * {head}")
                out.extend(textwrap.fill(p, width=_WRAP, initial_indent="        - ",
                                         subsequent_indent="          ") for p in paragraphs)
        out.append("")
    out.append(_("Notes"))
    out.extend(f"  - {n}" for n in report.notes)
    return "\n".join(out) + "\n"
