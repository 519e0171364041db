"""Building blocks every chart shares: SVG elements as strings, the accessible ``<svg>``
wrapper, a legend, numbers for people, stable ids and the HTML data table that goes with
each chart.

Charts are self-contained: no external URLs, no fonts fetched (a generic font stack),
sizes in a ``viewBox`` so they scale, every text XML-escaped.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Collection, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import attrs

from perfcore.labels import format_number

__all__ = [
    "FONT",
    "GRID",
    "INK",
    "MUTED",
    "LegendItem",
    "capitalise",
    "chart_id",
    "document",
    "fmt",
    "heading",
    "legend",
    "line",
    "number_text",
    "table_html",
    "text",
    "text_width",
    "wrap",
]

#: A generic font stack: nothing is fetched.
FONT = "Arial, Helvetica, sans-serif"
#: Text and axis colours (contrast of at least 4.5:1 on white).
INK = "#212b32"
MUTED = "#4c6272"
#: Gridlines, faint behind the data.
GRID = "#e8edee"


def fmt(v: float) -> str:
    """A coordinate: one decimal, no trailing ``.0``."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def text(x: float, y: float, s: str, *, anchor: str = "start", size: float = 12,
         cls: str = "", fill: str = INK, weight: str = "normal", halo: bool = False,
         extra: str = "") -> str:
    """A ``<text>`` element (the font comes from the ``<svg>``); ``halo`` outlines it in
    white so it stays legible over lines."""
    attrs_ = f" class={quoteattr(cls)}" if cls else ""
    if halo:
        extra += ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'

    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (f'<text x="{fmt(x)}" y="{fmt(y)}" font-size="{fmt(size)}" '
            f'text-anchor="{anchor}" fill="{fill}"{bold}{attrs_}{extra}>{escape(s)}</text>')


def line(x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: float = 1,
         dash: str = "", cls: str = "") -> str:
    """A ``<line>`` element."""
    extra = f" class={quoteattr(cls)}" if cls else ""
    dashes = f" stroke-dasharray={quoteattr(dash)}" if dash else ""
    return (f'<line{extra} x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" '
            f'stroke="{stroke}" stroke-width="{fmt(width)}"{dashes}/>')


#: Advance widths (in em) of Arial / Liberation Sans characters that differ most from
#: the default (lower case 0.54, capitals 0.68, digits 0.556).
_EM = {**dict.fromkeys("ijlI.,:;'|! ", 0.278), **dict.fromkeys("ft()[]-r", 0.333),
       **dict.fromkeys("mMw%@", 0.833), "W": 0.944, "s": 0.5, "c": 0.5, "k": 0.5,
       "v": 0.5, "x": 0.5, "y": 0.5, "z": 0.5}


def text_width(s: str, size: float = 12) -> float:
    """An estimate of the width of ``s`` in a sans-serif font of ``size`` pixels (used
    to lay out labels and legends without measuring fonts; a few per cent generous)."""
    em = sum(_EM.get(ch, 0.556 if ch.isdigit() else 0.68 if ch.isupper() else 0.54)
             for ch in s)
    return size * em * 1.03


def wrap(s: str, width: float, size: float = 12) -> list[str]:
    """``s`` broken into lines at spaces so that each fits ``width`` pixels (a word
    longer than the width keeps a line to itself)."""
    lines: list[str] = []
    cur = ""
    for word in s.split():
        trial = f"{cur} {word}" if cur else word
        if cur and text_width(trial, size) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return [*lines, cur] if cur or not lines else lines


def heading(x: float, y: float, s: str, *, width: float, size: float = 16,
            cls: str = "chart-heading", fill: str = INK) -> tuple[list[str], float]:
    """A bold heading wrapped to ``width``: its ``<text>`` lines (the first baseline at
    ``y``) and the baseline of the last line."""
    lines = wrap(s, width, size)
    step = size * 1.25
    return ([text(x, y + k * step, ln, size=size, weight="bold", cls=cls, fill=fill)
             for k, ln in enumerate(lines)], y + (len(lines) - 1) * step)


def capitalise(s: str) -> str:
    """``s`` with its first letter in capitals (legend entries from lower-case words)."""
    return s[:1].upper() + s[1:]


def chart_id(kind: str, *parts: object) -> str:
    """A stable id for a chart's ``<title>``/``<desc>`` (and clip paths): the kind and a
    short hash of what the chart shows, so that the same inputs give the same SVG and
    two different charts on one page do not share ids."""
    digest = hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{kind}-{digest[:10]}"


def document(body: Iterable[str], *, width: float, height: float, title: str, desc: str,
             ident: str, cls: str) -> str:
    """A standalone, accessible ``<svg>`` document: ``role="img"``, labelled by its
    ``<title>`` and described by its ``<desc>``, a white background and a ``viewBox``."""
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{fmt(width)}" '
            f'height="{fmt(height)}" viewBox="0 0 {fmt(width)} {fmt(height)}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" class={quoteattr(cls)} '
            f'font-family="{FONT}">',
            f'<title id="{ident}-title">{escape(title)}</title>',
            f'<desc id="{ident}-desc">{escape(desc)}</desc>',
            f'<rect x="0" y="0" width="{fmt(width)}" height="{fmt(height)}" fill="#ffffff"/>']
    return "\n".join([*head, *body, "</svg>"])


def number_text(value: float | None, decimals: int | None = None, *, na: str = "n/a",
                thousands: bool = True) -> str:
    """A number for people, rounded half away from zero, with thousands separators (unless
    ``thousands`` is false: a report whose tables print 58577 labels its charts so).

    ``decimals`` fixes the decimals; otherwise whole numbers show none and others about
    three significant figures (0 decimals from 1,000, 1 from 10, 2 from 1, then more).
    """
    if value is None or not math.isfinite(value):
        return na
    if decimals is None:
        a = abs(value)
        if a >= 1000 or float(value).is_integer():
            decimals = 0
        elif a >= 10:
            decimals = 1
        elif a >= 1:
            decimals = 2
        else:
            decimals = min(6, 2 - math.floor(math.log10(a)))
    out = format_number(value, decimals, thousands=thousands, na=na)
    if out.startswith("-") and not any(c in "123456789" for c in out):
        out = out[1:]  # no "-0" for a small negative value rounded to zero
    return out


@attrs.frozen
class LegendItem:
    """One legend entry: a ``kind`` of sample (``"line"``, ``"dot"``, ``"path"``), its
    colour, the words, and for lines a dash pattern, for paths the shape's ``d`` around
    (0, 0) and whether it is hollow."""

    kind: str
    colour: str
    words: str
    dash: str = ""
    d: str = ""
    hollow: bool = False
    width: float = 2.0


def _sample(item: LegendItem, x: float, y: float) -> str:
    if item.kind == "line":
        return line(x, y, x + 22, y, stroke=item.colour, width=item.width, dash=item.dash,
                    cls="legend-sample")
    if item.kind == "vline":
        return line(x + 11, y - 7, x + 11, y + 7, stroke=item.colour, width=item.width,
                    dash=item.dash, cls="legend-sample")
    fill = "#ffffff" if item.hollow else item.colour
    if item.kind == "dot":
        return (f'<circle cx="{fmt(x + 11)}" cy="{fmt(y)}" r="4.5" fill="{fill}" '
                f'stroke="{item.colour}" stroke-width="1.5"/>')
    return (f'<path class="legend-sample" d="{item.d}" transform="translate({fmt(x + 11)} '
            f'{fmt(y)})" fill="{fill}" stroke="{item.colour}" stroke-width="1.5"/>')


def legend(items: Sequence[LegendItem | None], *, x: float, y: float, width: float,
           size: float = 11) -> tuple[list[str], float]:
    """Legend entries laid out in rows from (x, y) within ``width`` (``None`` starts a new
    row); returns the elements and the height used. Every sample has its words: the
    legend never relies on colour."""
    out: list[str] = []
    cx, cy = x, y + 8
    for item in items:
        if item is None:
            cx, cy = x, cy + 18
            continue
        w = 26 + text_width(item.words, size) + 12
        if cx > x and cx + w > x + width:
            cx, cy = x, cy + 18
        out.append(_sample(item, cx, cy))
        out.append(text(cx + 26, cy + size * 0.36, item.words, size=size, cls="legend-text"))
        cx += w
    return out, (cy + 10 - y) if any(items) else 0.0


def table_html(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *,
               highlight: int | None = None, cls: str = "chart-data",
               numeric: Collection[int] | None = None) -> str:
    """An accessible HTML table of a chart's data: a ``<caption>``, column headers with
    ``scope="col"``, the first cell of each row a row header (``scope="row"``). The row
    ``highlight`` (an index) is marked with ``class="highlight"`` and ``<strong>``, not
    only by colour. Columns in ``numeric`` (default: all but the first) hold numbers
    (``class="num"``, for right alignment)."""
    numeric = range(1, len(headers)) if numeric is None else numeric
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = []
    for i, row in enumerate(rows):
        strong = i == highlight

        def cell(s: str, strong: bool = strong) -> str:
            return f"<strong>{html.escape(s)}</strong>" if strong else html.escape(s)

        num = ' class="num"'
        cells = "".join(f"<td{num if k in numeric else ''}>{cell(s)}</td>"
                        for k, s in enumerate(row[1:], start=1))
        mark = ' class="highlight"' if strong else ""
        body.append(f'<tr{mark}><th scope="row">{cell(row[0])}</th>{cells}</tr>')
    return (f'<table class="{html.escape(cls)}">\n<caption>{html.escape(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body)
            + "\n</tbody>\n</table>")
