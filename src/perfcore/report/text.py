"""Plain-text renderer: aligned tables with ↑ ↓ → arrows, colour only on a terminal.

A bilingual report prints each language in full, one after the other (Welsh first)."""

from __future__ import annotations

from perfcore.i18n import translator
from perfcore.report.model import Report, label

__all__ = ["render_text"]

_ANSI = {"improving": "\033[34m", "deteriorating": "\033[33m", "better": "\033[34m",
         "worse": "\033[33m"}
_RESET = "\033[0m"


def render_text(report: Report, *, colour: bool = False) -> str:
    """Render a report as text. ``colour`` adds ANSI colour to assessments (callers pass
    ``sys.stdout.isatty()``); the words are always there, so colour is never the only
    signal."""
    return f"\n{'=' * 72}\n\n".join(_render_one(v, colour) for v in report.versions())


def _render_one(report: Report, colour: bool) -> str:
    _ = translator(report.lang)
    out = [report.title, f"{report.organisation_name} — {report.period_label}", ""]
    for section in report.sections:
        head = section.title
        if section.status:
            head += f"  [{label(section.status, _)}]"
        out.append(head)
        meta = [x for x in (section.lead, section.board,
                            _("{kind} assessment").format(kind=section.assessment_type)
                            if section.assessment_type else "") if x]
        if meta:
            out.append("  " + "; ".join(meta))
        for k, (statement, rows) in enumerate(section.outcomes):
            o_status = section.outcome_status_of(k)
            mark = f"  [{label(o_status, _)}]" if o_status else ""
            out.append(f"  {_('Outcome')}: {statement}{mark}")
            headings = [_("Measure"), *(c.heading for c in report.columns)]
            table = [headings]
            for r in rows:
                cells = [r.measure.name]
                for col in report.columns:
                    cell = r.cell(col.key)
                    text = cell.text
                    if col.key == "dot":
                        text = f"{cell.text} {cell.label}"
                    elif "." in col.key and cell.reasons:
                        text = f"{cell.text} ({label(cell.reasons[0], _)})"
                    cells.append(text)
                table.append(cells)
            widths = [max(len(row[k]) for row in table) for k in range(len(headings))]
            for n, row in enumerate(table):
                line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                if colour and n:
                    for word, code in _ANSI.items():
                        line = line.replace(_(word), f"{code}{_(word)}{_RESET}")
                out.append("    " + line)
        out.append("")
    out.append(_("Notes"))
    out.extend(f"  - {n}" for n in report.notes)
    return "\n".join(out) + "\n"
