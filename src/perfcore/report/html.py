"""Single-file HTML renderer: inline CSS and SVG, no network, readable without colour.

Every status and assessment is written in words next to its coloured mark; charts carry
``<title>``/``<desc>`` text alternatives; every text from plans and data is escaped.

The document's ``lang`` is the report's language, so screen readers pronounce it
correctly. A bilingual report holds each language in its own ``<div lang="...">`` (Welsh
first), with links between them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from perfcore.codes import Assessment, Code, Direction, Status, StatusBasis
from perfcore.i18n import LANGUAGE_NAMES, Translator, translator
from perfcore.report.charts.spc import render_xmr_svg
from perfcore.report.model import (
    FLAG_MARKS,
    Cell,
    Report,
    Rolled,
    Row,
    published_text_lines,
    status_words,
)

__all__ = ["render_html"]

_GOOD, _MIDDLE, _BAD = "#1b7837", "#b35806", "#b2182b"
#: Mark colours by code; a code absent here is shown in words only.
_COLOURS: dict[Code, str] = {
    Status.GREEN: _GOOD, Status.AMBER: _MIDDLE, Status.RED: _BAD,
    Assessment.BETTER: _GOOD, Assessment.SIMILAR: _MIDDLE, Assessment.WORSE: _BAD,
    Direction.IMPROVING: _GOOD, Direction.NO_CHANGE: _MIDDLE, Direction.DETERIORATING: _BAD}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem;color:#1a1a1a}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-variant-numeric:tabular-nums}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e5e5e5;text-align:right;vertical-align:middle}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
.meta{color:#555}.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;
margin-right:.3em;vertical-align:baseline}.rag{white-space:nowrap;font-weight:600}
.notes{color:#444;font-size:.9rem}svg{max-width:100%;height:auto}
details{margin:.4rem 0 1rem}summary{cursor:pointer}th{white-space:nowrap}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.hollow{display:inline-block;width:.7em;height:.7em;border:2px solid #555;border-radius:50%;
margin-right:.3em;vertical-align:baseline}.counts{font-size:.8em;font-weight:normal;color:#555}
sup.flag{color:#555}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _mark(code: Code, words: str) -> str:
    """A judgement's words, with a coloured dot when its code has a colour (the words are
    always there: colour is never the only signal). No evidence, no colour: a neutral
    measure has a hollow marker, one not tested or without data its words alone."""
    colour = _COLOURS.get(code)
    if colour is None:
        if code == StatusBasis.NEUTRAL:
            return f'<span class="hollow" aria-hidden="true"></span>{_e(words)}'
        return _e(words)
    return (f'<span class="dot" style="background:{colour}" aria-hidden="true"></span>'
            f"{_e(words)}")


def _sparkline(values: Sequence[float], name: str, _: Translator) -> str:
    pts = [v for v in values if not (isinstance(v, float) and math.isnan(v))]
    if len(pts) < 2:
        return ""
    lo, hi = min(pts), max(pts)
    span = (hi - lo) or 1.0
    w, h = 80, 20
    coords = " ".join(f"{i * w / (len(pts) - 1):.1f},{h - (v - lo) / span * h:.1f}"
                      for i, v in enumerate(pts))
    desc = _e(_("{name}: {n} values from {first} to {last}").format(
        name=name, n=len(pts), first=f"{pts[0]:g}", last=f"{pts[-1]:g}"))
    return (f'<svg role="img" width="{w}" height="{h + 2}" viewBox="0 -1 {w} {h + 2}">'
            f"<title>{desc}</title><polyline fill=\"none\" stroke=\"#333\" "
            f'stroke-width="1.5" points="{coords}"/></svg>')


def _comparison_bars(row: Row, report: Report, _: Translator) -> str:
    """Bars of the organisation's value and each comparator group's value (proportions
    and rates, where group values are on the same scale)."""
    if not (row.measure.kind.uses_pp_change or row.measure.kind.value == "rate"):
        return ""
    bars: list[tuple[str, float, str]] = []
    cur = row.cell("current")
    if cur.value is not None and not math.isnan(cur.value):
        bars.append((report.organisation_name, cur.value, cur.text))
    for col in report.columns:
        c = row.get(col.key)
        if col.key.endswith(".value") and c is not None and c.value is not None \
                and not math.isnan(c.value):
            bars.append((col.heading, c.value, c.text))
    if len(bars) < 2:
        return ""
    top = max(v for _n, v, _t in bars) or 1.0
    height = 22 * len(bars)
    parts = []
    for k, (name, v, text) in enumerate(bars):
        width = 200 * v / top
        y = 22 * k
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{_e(name)}</text>'
                     f'<rect x="90" y="{y + 4}" width="{width:.1f}" height="14" '
                     f'fill="{"#2b5c8a" if k == 0 else "#9bb4cc"}"/>'
                     f'<text x="{95 + width:.1f}" y="{y + 15}" font-size="12">{_e(text)}</text>')
    desc = _e("; ".join(f"{n}: {t}" for n, _v, t in bars))
    return (f'<svg role="img" width="340" height="{height}" viewBox="0 0 340 {height}">'
            f"<title>{_e(_('Comparison with groups'))}: {desc}</title>{''.join(parts)}</svg>")


def _cell(c: Cell) -> str:
    text = _e(c.text) + "".join(f'<sup class="flag">{FLAG_MARKS[f]}</sup>'
                                for f in c.flags if f in FLAG_MARKS)
    if c.code is None:
        return text
    if c.key == "status":
        return f'<span class="rag">{_mark(c.code, c.note)}</span>'
    if c.key == "dot":
        return f"{text} {_mark(c.code, c.note)}"
    return f"{text}<br>{_mark(c.code, c.note)}"


def _rolled(rolled: Rolled, _: Translator) -> str:
    """A roll-up's status mark and what it is made of ("2 red, 1 green, 3 not tested")."""
    shown = rolled.status if rolled.basis is None else rolled.basis
    if shown is None:
        return ""
    counts = f' <span class="counts">({_e(rolled.words)})</span>' if rolled.words else ""
    return f' <span class="rag">{_mark(shown, status_words(_)(shown))}</span>{counts}'


def _spc_chart(row: Row, lang: str) -> str:
    if row.spc is None:
        return ""
    return render_xmr_svg(row.spc, title=row.spc_title, labels=row.spc_labels, lang=lang)


def render_html(report: Report) -> str:
    """Render a report as one self-contained, accessible HTML document."""
    versions = report.versions()
    title = " / ".join(f"{v.title} — {v.organisation_name}" for v in versions)
    out = [f'<!DOCTYPE html>\n<html lang="{_e(report.lang)}">\n<head>\n<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title>",
           f"<style>{_CSS}</style>\n</head>\n<body>"]
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
        out.append(f"<section><h2>{_e(s.title)}{_rolled(s.rolled, _)}</h2>")
        meta = [x for x in (s.lead, s.board, s.assessment_type) if x]
        if meta:
            out.append(f'<p class="meta">{_e(" · ".join(meta))}</p>')
        for outcome in s.outcomes:
            statement = outcome.statement
            out.append(f"<h3>{_e(statement)}{_rolled(outcome.rolled, _)}</h3>")
            columns = outcome.columns or report.columns
            out.append(f"<table>\n<caption class=\"sr-only\">{_e(statement)}</caption>\n<thead><tr>"
                       f'<th scope="col">{_e(_("Measure"))}</th>'
                       + "".join(f'<th scope="col">{_e(c.heading)}</th>' for c in columns)
                       + f'<th scope="col">{_e(_("Trend"))}</th></tr></thead>\n<tbody>')
            charts = []
            for r in outcome.rows:
                cells = "".join(f"<td>{'' if (c := r.get(col.key)) is None else _cell(c)}</td>"
                                for col in columns)
                out.append(f'<tr><th scope="row">{_e(r.measure.name)}</th>{cells}'
                           f"<td>{_sparkline(r.history, r.measure.name, _)}</td></tr>")
                extra = _comparison_bars(r, report, _) + _spc_chart(r, report.lang)
                if extra or r.status_reasons:
                    reasons = "".join(f"<li>{_e(x)}</li>" for x in r.status_reasons)
                    charts.append(f"<details><summary>{_e(r.measure.name)}</summary>"
                                  f"{'<ul>' + reasons + '</ul>' if reasons else ''}{extra}"
                                  "</details>")
            out.append("</tbody></table>")
            published = published_text_lines(outcome, _)
            if published:
                out.append(f'<p class="meta">{_e(_("Published figures"))}:</p><ul class="notes">'
                           + "".join(f"<li>{_e(p)}</li>" for p in published) + "</ul>")
            out.extend(charts)
        out.append("</section>")
    out.append(f'<h2>{_e(_("Notes"))}</h2><ul class="notes">'
               + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>")
    return out
