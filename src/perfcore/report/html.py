"""Single-file HTML renderer: inline CSS and SVG, no network, readable without colour.

Every status and assessment is written in words next to its coloured mark; charts carry
``<title>``/``<desc>`` text alternatives; every text from plans and data is escaped.

The document's ``lang`` is the report's language, so screen readers pronounce it
correctly. A bilingual report holds each language in its own ``<div lang="...">`` (Welsh
first), with links between them.
"""

from __future__ import annotations

from perfcore.codes import Assessment, Code, Direction, Status, StatusBasis
from perfcore.i18n import LANGUAGE_NAMES, Translator, translator
from perfcore.report.escape import html_text as _e
from perfcore.report.html_figures import measure_figures, sparkline
from perfcore.report.model import (
    FLAG_MARKS,
    WORD_CELLS,
    Cell,
    Column,
    Outcome,
    Report,
    Rolled,
    item_text,
    measured,
    published_text_lines,
    qualitative,
    status_words,
)

__all__ = ["CSS", "cell_html", "heading_html", "render_html"]

_GOOD, _MIDDLE, _BAD = "#1b7837", "#b35806", "#b2182b"
#: Mark colours by code; a code absent here is shown in words only.
_COLOURS: dict[Code, str] = {
    Status.GREEN: _GOOD, Status.AMBER: _MIDDLE, Status.RED: _BAD,
    Assessment.BETTER: _GOOD, Assessment.SIMILAR: _MIDDLE, Assessment.WORSE: _BAD,
    Direction.IMPROVING: _GOOD, Direction.NO_CHANGE: _MIDDLE, Direction.DETERIORATING: _BAD}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;
max-width:1320px;padding:0 1rem;color:#1a1a1a;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid #ddd}
h3{margin-top:1.5rem}h4{margin:1rem 0 .3rem}
.table-wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-variant-numeric:tabular-nums;
font-size:.95rem}
th,td{padding:.35rem .3rem;border-bottom:1px solid #e5e5e5;text-align:right;
vertical-align:middle}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4;font-size:.9rem}
tbody th{font-weight:normal;background:none;min-width:9rem;max-width:22rem}
.nw{white-space:nowrap}
.league tbody th,.league thead th:nth-child(2){text-align:left}
.league tbody th{min-width:8rem}tr.highlight{background:#eaf1f8}
td.trend{min-width:124px}td.words,th.words{text-align:left}td.words{min-width:8rem;max-width:14rem}
.meta{color:#555}.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;
margin-right:.3em;vertical-align:baseline}.rag{white-space:nowrap;font-weight:600}
.notes{color:#444;font-size:.9rem}svg{max-width:100%;height:auto}
details{margin:.4rem 0 1rem}summary{cursor:pointer;color:#444}
.data-toggle label{cursor:pointer;color:#444;font-size:.9rem}
.data-toggle label::before{content:"▸ "}.show-data:checked+label::before{content:"▾ "}
.chart-data{display:none}.show-data:checked~.chart-data{display:block}
.show-data{position:absolute;opacity:0}.show-data:focus-visible+label{outline:2px solid #1d70b8}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.hollow{display:inline-block;width:.7em;height:.7em;border:2px solid #555;border-radius:50%;
margin-right:.3em;vertical-align:baseline}.counts{font-size:.8em;font-weight:normal;color:#555;
white-space:nowrap}
sup.flag{color:#555}
.items{padding-left:1.2rem}.items li{margin:.4rem 0}.items p{margin:.2rem 0;color:#333}
.measure-figures{border-top:1px solid #e5e5e5;margin-top:1rem}
.why{margin:.3rem 0 0;font-weight:600}.reasons{margin:.2rem 0 .6rem;color:#333}
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem}.chart{flex:1 1 480px;max-width:820px}
.chart-data table{font-size:.85rem}
@media (max-width:700px){body{margin:1rem auto}th,td{padding:.25rem .3rem}}
@media print{
@page{size:A4;margin:15mm}
body{margin:0;max-width:none;font-size:10pt}
section.priority{break-before:page}section.priority:first-of-type{break-before:auto}
.outcome,.chart,tr{break-inside:avoid}
.table-wrap{overflow:visible}table{width:100%}
th,td{padding:.2rem .3rem}
.chart-data{display:block}.data-toggle label,summary{display:none}
a{color:inherit;text-decoration:none}
}
"""



#: Columns of words, not figures: read from the left, as text is.
_TEXT_COLUMNS = frozenset({"target", "target_status"})
_TEXT_TD = ' class="words"'



def _mark(code: Code, words: str) -> str:
    """A judgement's words, with a coloured dot when its code has a colour (the words are
    always there: colour is never the only signal). No evidence, no colour: a neutral
    measure has a hollow marker, one not tested or without data its words alone."""
    # One unbreakable unit: a narrow column must not leave the dot on one line and its
    # word on the next.
    colour = _COLOURS.get(code)
    if colour is None:
        if code == StatusBasis.NEUTRAL:
            return (f'<span class="nw"><span class="hollow" aria-hidden="true"></span>'
                    f"{_e(words)}</span>")
        return _e(words)
    return (f'<span class="nw"><span class="dot" style="background:{colour}" '
            f'aria-hidden="true"></span>{_e(words)}</span>')


def cell_html(c: Cell) -> str:
    """A cell's HTML: its text and flag marks; a judgement's words with its mark."""
    text = _e(c.text) + "".join(f'<sup class="flag">{FLAG_MARKS[f]}</sup>'
                                for f in c.flags if f in FLAG_MARKS)
    if (c.code is None and c.key not in _TEXT_COLUMNS) or c.key.endswith(".rank"):
        # A figure, a rank or "n/a" ("dim ar gael") is read as one: never split.
        return f'<span class="nw">{text}</span>'
    if c.code is None:
        return text
    if c.key == "status":
        return f'<span class="rag">{_mark(c.code, c.note)}</span>'
    if c.key in WORD_CELLS:
        # Where a measure stands against its target, in words only: the colour is the
        # status's, which may rest on another basis.
        return text
    if c.key == "dot":
        return f"{text} {_mark(c.code, c.note)}"
    return f"{text}<br>{_mark(c.code, c.note)}"


def heading_html(column: Column) -> str:
    """A column heading (a short one kept on one line)."""
    # A period's heading ("2019-20", "Q3 2021-22") must not break at its hyphen; words
    # ("MSG change %") may wrap, to keep the table within the page.
    period = len(column.heading) <= 12 and any(ch.isdigit() for ch in column.heading)
    classes = [name for name, wanted in (("nw", period),
                                         ("words", column.key in _TEXT_COLUMNS)) if wanted]
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f'<th scope="col"{cls}>{_e(column.heading)}</th>'


def _rolled(rolled: Rolled, _: Translator) -> str:
    """A roll-up's status mark and what it is made of ("2 red, 1 green, 3 not tested")."""
    shown = rolled.shown
    if shown is None:
        return ""
    counts = f' <span class="counts">({_e(rolled.words)})</span>' if rolled.words else ""
    return f' <span class="rag">{_mark(shown, status_words(_)(shown))}</span>{counts}'


def render_html(report: Report) -> str:
    """Render a report as one self-contained, accessible HTML document."""
    versions = report.versions()
    title = " / ".join(f"{v.title} — {v.organisation_name}" for v in versions)
    out = [f'<!DOCTYPE html>\n<html lang="{_e(report.lang)}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title>",
           f"<style>{CSS}</style>\n</head>\n<body>"]
    if len(versions) == 1:
        out += _body(report)
    else:
        links = " · ".join(
            f'<a href="#lang-{_e(v.lang)}" lang="{_e(v.lang)}" hreflang="{_e(v.lang)}">'
            f"{_e(LANGUAGE_NAMES.get(v.lang, v.lang))}</a>" for v in versions)
        out.append(f"<nav>{links}</nav>")
        for v in versions:
            out.append(f'<div lang="{_e(v.lang)}" id="lang-{_e(v.lang)}">')
            out += _body(v)
            out.append("</div>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _body(report: Report) -> list[str]:
    _ = translator(report.lang)
    out = [f"<h1>{_e(report.title)}</h1>",
           f'<p class="meta">{_e(report.organisation_name)} — {_e(report.period_label)}</p>']
    for s in report.sections:
        out.append(f'<section class="priority"><h2>{_e(s.title)}{_rolled(s.rolled, _)}</h2>')
        meta = [x for x in (s.lead, s.board, s.assessment_type) if x]
        if meta:
            out.append(f'<p class="meta">{_e(" · ".join(meta))}</p>')
        for outcome in s.outcomes:
            out += _outcome(report, outcome, _)
        out.append("</section>")
    out.append(f'<h2>{_e(_("Notes"))}</h2><ul class="notes">'
               + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>")
    return out


def _outcome(report: Report, outcome: Outcome, _: Translator) -> list[str]:
    """An outcome: its table of measures (with a sparkline in the Trend column), its
    published figures, its qualitative items with their updates, then each measure's
    reasons and charts."""
    statement = outcome.statement
    out = [f'<div class="outcome"><h3>{_e(statement)}{_rolled(outcome.rolled, _)}</h3>']
    rows = measured(outcome)
    if not outcome.rows:
        out.append(f'<p class="meta">({_e(_("the plan gives this outcome no measures"))})</p>')
    if rows:
        columns = outcome.columns or report.columns
        # No history anywhere (two periods only): no Trend column of empty cells.
        sparks = [sparkline(r, report.lang) for r in rows]
        trend = any(sparks)
        out.append('<div class="table-wrap"><table>\n'
                   f'<caption class="sr-only">{_e(statement)}</caption>\n<thead><tr>'
                   f'<th scope="col">{_e(_("Measure"))}</th>'
                   + "".join(heading_html(c) for c in columns)
                   + (f'<th scope="col">{_e(_("Trend"))}</th>' if trend else "")
                   + "</tr></thead>\n<tbody>")
        for r, spark in zip(rows, sparks, strict=True):
            cells = "".join(f"<td{_TEXT_TD if col.key in _TEXT_COLUMNS else ''}>"
                            f"{'' if (c := r.get(col.key)) is None else cell_html(c)}</td>"
                            for col in columns)
            out.append(f'<tr><th scope="row">{_e(r.measure.name)}</th>{cells}'
                       + (f'<td class="trend">{spark}</td>' if trend else "") + "</tr>")
        out.append("</tbody></table></div>")
    published = published_text_lines(outcome, _)
    if published:
        out.append(f'<p class="meta">{_e(_("Published figures"))}:</p><ul class="notes">'
                   + "".join(f"<li>{_e(p)}</li>" for p in published) + "</ul>")
    out += _items(outcome, _)
    out += measure_figures(rows, report.lang, _)
    out.append("</div>")
    return out


def _items(outcome: Outcome, _: Translator) -> list[str]:
    """Qualitative items as a list: name, status (words and mark), update paragraphs."""
    items = qualitative(outcome)
    if not items:
        return []
    out = ['<ul class="items">']
    for r in items:
        cell = r.get("status")
        status = f' — <span class="rag">{_mark(cell.code, cell.text)}</span>' if (
            cell is not None and cell.code is not None) else ""
        _head, paragraphs = item_text(r, status_words(_))
        body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
        out.append(f"<li><strong>{_e(r.measure.name)}</strong>{status}{body}</li>")
    out.append("</ul>")
    return out
