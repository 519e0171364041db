"""Markdown renderer: one table per outcome, RAG and assessments in words.

A bilingual report gives each language in full, one after the other (Welsh first),
separated by a horizontal rule."""

from __future__ import annotations

from perfcore.i18n import translator
from perfcore.report.model import Report, label

__all__ = ["render_markdown"]


def _esc(text: str) -> str:
    # Pipes would split a table cell; angle brackets would become HTML in most viewers.
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;"))


def render_markdown(report: Report) -> str:
    return "\n---\n\n".join(_render_one(v) for v in report.versions())


def _render_one(report: Report) -> str:
    _ = translator(report.lang)
    out = [f"# {_esc(report.title)}", "",
           f"**{_esc(report.organisation_name)}** — {_esc(report.period_label)}", ""]
    for section in report.sections:
        status = f" — {label(section.status, _)}" if section.status else ""
        out += [f"## {_esc(section.title)}{status}", ""]
        meta = [x for x in (section.lead, section.board, section.assessment_type) if x]
        if meta:
            out += [_esc(" · ".join(meta)), ""]
        for k, (statement, rows) in enumerate(section.outcomes):
            o_status = section.outcome_status_of(k)
            mark = f" — {label(o_status, _)}" if o_status else ""
            out += [f"### {_esc(statement)}{mark}", ""]
            heads = [_("Measure"), *(c.heading for c in report.columns)]
            out.append("| " + " | ".join(_esc(h) for h in heads) + " |")
            out.append("|" + "|".join(["---"] + ["---:"] * len(report.columns)) + "|")
            for r in rows:
                cells = [_esc(r.measure.name)]
                for col in report.columns:
                    c = r.cell(col.key)
                    text = c.text
                    if col.key == "dot":
                        text = f"{c.text} {c.label}"
                    elif "." in col.key and c.reasons:
                        text = f"{c.text} ({label(c.reasons[0], _)})"
                    cells.append(_esc(text))
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    out += [f"## {_('Notes')}", ""] + [f"- {_esc(n)}" for n in report.notes]
    return "\n".join(out) + "\n"
