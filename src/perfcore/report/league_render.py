"""The league view in every built-in format: text, Markdown, HTML (with its funnel plot or
peer chart), JSON and CSV. Cells read as in a force's own report (:func:`cell_text`);
texts are made safe for each format as a force's report's are
(:mod:`perfcore.report.escape`)."""

from __future__ import annotations

import csv
import io
from typing import Any

from perfcore.errors import OptionError
from perfcore.i18n import translator
from perfcore.report.escape import html_text as _e
from perfcore.report.escape import (
    json_text,
    markdown_block,
    markdown_inline,
    spreadsheet_cell,
    terminal_text,
)
from perfcore.report.html import CSS, cell_html, heading_html
from perfcore.report.html_figures import funnel_html, peers_html
from perfcore.report.league import League, LeagueTable
from perfcore.report.model import cell_text

__all__ = ["LEAGUE_FORMATS", "render_league"]



def _rows(table: LeagueTable) -> list[list[str]]:
    """The table as text: the headings, then a row per force (a marked force's name in
    capitals is not needed: text marks it with ▶)."""
    out = [[table.columns[0].heading, "", *(c.heading for c in table.columns[1:])]]
    for r in table.rows:
        cells = ["" if (c := r.get(col.key)) is None else cell_text(c)
                 for col in table.columns]
        out.append([cells[0], ("▶ " if r.highlight else "") + r.name, *cells[1:]])
    return out


def _text(league: League) -> str:
    _ = translator(league.lang)
    out = [league.title, league.period_label, ""]
    for t in league.tables:
        out.append(f"{t.measure.name} ({t.ranked_by})")
        rows = _rows(t)
        rows[0][1] = _("Force")
        widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
        out += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                for r in rows]
        out.append("")
    out.append(_("Notes"))
    out += [f"  - {n}" for n in league.notes]
    return terminal_text("\n".join(out) + "\n")


def _markdown(league: League) -> str:
    _ = translator(league.lang)
    esc, block = markdown_inline, markdown_block
    out = [f"# {block(league.title)}", "", block(league.period_label), ""]
    for t in league.tables:
        rows = _rows(t)
        rows[0][1] = _("Force")
        out += [f"## {block(t.measure.name)}", "", f"*{esc(t.ranked_by)}*", "",
                "| " + " | ".join(esc(c) for c in rows[0]) + " |",
                "|" + "|".join(["---:", "---"] + ["---:"] * (len(rows[0]) - 2)) + "|"]
        out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows[1:]]
        out.append("")
    out += [f"## {esc(_('Notes'))}", ""] + [f"- {block(n)}" for n in league.notes]
    return "\n".join(out) + "\n"


def _html_table(t: LeagueTable, lang: str) -> list[str]:
    _ = translator(lang)
    head = (f'<th scope="col">{_e(t.columns[0].heading)}</th>'
            f'<th scope="col">{_e(_("Force"))}</th>'
            + "".join(heading_html(c) for c in t.columns[1:]))
    out = [f'<section class="league"><h2>{_e(t.measure.name)}</h2>'
           f'<p class="meta">{_e(t.ranked_by)}</p>',
           f'<div class="table-wrap"><table><caption class="sr-only">{_e(t.measure.name)}'
           f"</caption><thead><tr>{head}</tr></thead><tbody>"]
    for r in t.rows:
        cells = ["" if (c := r.get(col.key)) is None else cell_html(c) for col in t.columns]
        name = f"<strong>▶ {_e(r.name)}</strong>" if r.highlight else _e(r.name)
        mark = ' class="highlight"' if r.highlight else ""
        out.append(f"<tr{mark}><td>{cells[0]}</td><th scope=\"row\">{name}</th>"
                   + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    out.append("</tbody></table></div>")
    if t.funnel is not None:
        out.append(funnel_html(t.funnel, lang, _))
    if t.peers is not None:
        out.append(peers_html(t.peers, lang, _))
    out.append("</section>")
    return out


def _html(league: League) -> str:
    """One document; a bilingual league holds each language in its own ``<div lang>``."""
    versions = league.versions()
    out = [f'<!DOCTYPE html>\n<html lang="{_e(league.lang)}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(' / '.join(v.title for v in versions))}</title>",
           f"<style>{CSS}</style>\n</head>\n<body>"]
    for v in versions:
        _ = translator(v.lang)
        out += [f'<div lang="{_e(v.lang)}">', f"<h1>{_e(v.title)}</h1>",
                f'<p class="meta">{_e(v.period_label)}</p>']
        for t in v.tables:
            out += _html_table(t, v.lang)
        out.append(f'<h2>{_e(_("Notes"))}</h2><ul class="notes">'
                   + "".join(f"<li>{_e(n)}</li>" for n in v.notes) + "</ul></div>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _json(league: League) -> str:
    def one(lg: League) -> dict[str, Any]:
        return {"kind": "league", "title": lg.title, "period": lg.period,
                "period_label": lg.period_label, "previous_period": lg.previous_period,
                "lang": lg.lang, "notes": list(lg.notes),
                "measures": [{
                    "id": t.measure.id, "name": t.measure.name, "ranked_by": t.ranked_by,
                    "columns": [{"key": c.key, "heading": c.heading} for c in t.columns],
                    "forces": [{"code": r.organisation, "name": r.name, "rank": r.rank or None,
                                "highlight": r.highlight,
                                "figures": {c.key: {"value": _num(c.value), "display": c.text,
                                                    "method": c.method,
                                                    "code": None if c.code is None
                                                    else str(c.code)} for c in r.cells}}
                               for r in t.rows]} for t in lg.tables]}
    docs = [one(v) for v in league.versions()]
    return json_text(docs[0] if len(docs) == 1 else docs)


def _num(x: float | None) -> float | None:
    return None if x is None or x != x else x


def _csv(league: League) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["measure", "organisation", "name", "rank", "figure", "value", "display",
                "method"])
    for t in league.tables:
        for r in t.rows:
            for c in r.cells:
                v = _num(c.value)
                w.writerow([t.measure.id, spreadsheet_cell(r.organisation),
                            spreadsheet_cell(r.name), r.rank or "", c.key,
                            "" if v is None else repr(v), spreadsheet_cell(c.text),
                            spreadsheet_cell(c.method)])
    return buf.getvalue()


#: The formats a league renders in.
LEAGUE_FORMATS = {"text": _text, "markdown": _markdown, "html": _html, "json": _json,
                  "csv": _csv}


def render_league(league: League, format: str = "text") -> str:
    """The league in a built-in format (each language in turn for a bilingual league)."""
    if format not in LEAGUE_FORMATS:
        raise OptionError.for_choice("format", format, sorted(LEAGUE_FORMATS))
    if format in ("json", "csv", "html"):
        return LEAGUE_FORMATS[format](league)
    parts = [LEAGUE_FORMATS[format](v) for v in league.versions()]
    return ("\n" + "=" * 72 + "\n\n").join(parts) if format == "text" else "\n".join(parts)
