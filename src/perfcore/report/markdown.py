"""Markdown renderer: one table per outcome, RAG and assessments in words.

A bilingual report gives each language in full, one after the other (Welsh first),
separated by a horizontal rule. Every text is escaped (:mod:`perfcore.report.escape`):
a plan's or a data file's text shows as written, never as a link, an image, HTML or a
heading of its own."""

from __future__ import annotations

from perfcore.i18n import translator
from perfcore.report.escape import markdown_block as _block
from perfcore.report.escape import markdown_inline as _esc
from perfcore.report.model import (
    Report,
    item_text,
    measured,
    published_text_lines,
    qualitative,
    rolled_text,
    status_words,
    text_table,
)

__all__ = ["render_markdown"]


def render_markdown(report: Report) -> str:
    return "\n---\n\n".join(_render_one(v) for v in report.versions())


def _render_one(report: Report) -> str:
    _ = translator(report.lang)
    words = status_words(_)
    out = [f"# {_block(report.title)}", "",
           f"**{_esc(report.organisation_name)}** — {_esc(report.period_label)}", ""]
    for section in report.sections:
        status = (f" — {_esc(rolled_text(section.rolled, words))}" if section.status is not None
                  else "")
        out += [f"## {_block(section.title)}{status}", ""]
        meta = [x for x in (section.lead, section.board, section.assessment_type) if x]
        if meta:
            out += [_block(" · ".join(meta)), ""]
        for outcome in section.outcomes:
            mark = (f" — {_esc(rolled_text(outcome.rolled, words))}" if outcome.status is not None
                    else "")
            out += [f"### {_block(outcome.statement)}{mark}", ""]
            if not outcome.rows:
                out += [f"*({_esc(_('the plan gives this outcome no measures'))})*", ""]
            if measured(outcome):
                head, *rows = text_table(report, outcome, _("Measure"))
                out.append("| " + " | ".join(_esc(h) for h in head) + " |")
                out.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
                out += ["| " + " | ".join(_esc(c) for c in cells) + " |" for cells in rows]
                out.append("")
            published = published_text_lines(outcome, _)
            if published:
                out += [f"*{_esc(_('Published figures'))}:*", ""]
                out += [f"- {_block(p)}" for p in published] + [""]
            for r in qualitative(outcome):
                item, paragraphs = item_text(r, words)
                out += [f"- **{_esc(item)}**"] + [f"  - {_block(p)}" for p in paragraphs]
            if qualitative(outcome):
                out.append("")
    out += [f"## {_esc(_('Notes'))}", ""] + [f"- {_block(n)}" for n in report.notes]
    return "\n".join(out) + "\n"
