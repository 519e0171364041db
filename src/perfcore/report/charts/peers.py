"""A peer chart: how a force compares with the members of its group (its Most Similar
Group, or the forces of England and Wales) on one measure.

Horizontal bars, one per member, best first by the measure's polarity (highest first for
a neutral measure), each with its confidence interval as a whisker when given; the force
of the report in dark blue, its name in bold and pointed at by a marker (so it is found
without colour); the group average as a dashed vertical line; the force's rank ("5th of
8") in the heading. :func:`peer_table_html` gives the same data as a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

import attrs
import numpy as np

from perfcore.calc import rank_in_group
from perfcore.codes import Polarity
from perfcore.errors import OptionError
from perfcore.i18n import Translator, translator
from perfcore.labels import ordinal, rank_text
from perfcore.report.charts.axes import Linear, nice_ticks
from perfcore.report.charts.svg import (
    GRID,
    INK,
    MUTED,
    LegendItem,
    document,
    fmt,
    heading,
    legend,
    line,
    number_text,
    table_html,
    text,
    text_width,
)
from perfcore.report.charts.svg import chart_id as make_id

__all__ = ["peer_chart_svg", "peer_table_html"]

_FORCE = "#005eb8"
_OTHER = "#aeb7bd"
_ROW = 26.0
_MARKER = "M-5 -5 L4 0 L-5 5 Z"
_SQUARE = "M-7 -6 H7 V6 H-7 Z"


@attrs.frozen(kw_only=True)
class _Peers:
    """The members in the order shown (best first), their ranks, and the force's row."""

    names: tuple[str, ...]
    values: tuple[float, ...]
    lower: tuple[float, ...] | None
    upper: tuple[float, ...] | None
    ranks: tuple[int, ...]
    size: int
    force: int


def _floats(xs: Sequence[float | None] | None, n: int, name: str) -> list[float] | None:
    if xs is None:
        return None
    out = [math.nan if v is None else float(v) for v in xs]
    if len(out) != n:
        raise OptionError(reason=f"has {len(out)} entries for {n} members", option=name,
                          value=xs, allowed=f"{n} numbers, one per member")
    return out


def _peers(names: Sequence[str], values: Sequence[float | None], highlight: str,
           lower: Sequence[float | None] | None, upper: Sequence[float | None] | None,
           polarity: Polarity | str) -> _Peers:
    n = len(names)
    vals = _floats(values, n, "values") or []
    lo, hi = _floats(lower, n, "lower"), _floats(upper, n, "upper")
    if highlight not in names:
        raise OptionError.for_choice("highlight", highlight, names)
    pol = Polarity.parse(polarity)
    ranked = rank_in_group(np.asarray(vals, dtype=float), polarity=pol)
    ranks = [int(r) for r in ranked.rank]
    # Best first; members without a value last, in the order given.
    order = sorted(range(n), key=lambda i: (ranks[i] == 0, ranks[i], i))

    def pick(xs: list[float] | None) -> tuple[float, ...] | None:
        return None if xs is None else tuple(xs[i] for i in order)

    return _Peers(names=tuple(str(names[i]) for i in order),
                  values=tuple(vals[i] for i in order), lower=pick(lo), upper=pick(hi),
                  ranks=tuple(ranks[i] for i in order), size=int(ranked.group_size[0]),
                  force=order.index(list(names).index(highlight)))


def _rank_line(p: _Peers, rank: int | None, size: int | None, polarity: Polarity | str,
               _: Translator) -> str:
    r = p.ranks[p.force] if rank is None else rank
    s = p.size if size is None else size
    words = str(rank_text(r, s, _)[()])
    best = (_("{first} is the lowest value") if Polarity.parse(polarity)
            is Polarity.LOWER_IS_BETTER else _("{first} is the highest value"))
    return _("{name}: {rank}").format(name=p.names[p.force], rank=words) + " (" + \
        best.format(first=ordinal(1, _)) + ")"


def _describe(p: _Peers, title: str, rank_line: str, neutral: bool, average: float | None,
              average_label: str, decimals: int | None, _: Translator) -> str:
    def num(v: float) -> str:
        return number_text(v, decimals, na=_("n/a"))

    lead = (_("{title}: bar chart of {n} members, highest first.") if neutral
            else _("{title}: bar chart of {n} members, best first."))
    parts = [lead.format(title=title, n=len(p.names)), rank_line + "."]
    if average is not None and math.isfinite(average):
        parts.append(f"{average_label}: {num(average)}.")
    parts.append("; ".join(f"{name} {num(v)}" for name, v in zip(p.names, p.values,
                                                                  strict=True)) + ".")
    return " ".join(parts)


def _bars(p: _Peers, sx: Linear, top: float, label_w: float, decimals: int | None,
          _: Translator) -> tuple[list[str], list[str]]:
    """The members' names, bars and intervals; and their values, drawn last, so that
    their halo keeps the group average's line from crossing them."""
    out: list[str] = []
    values: list[str] = []
    for k, (name, v) in enumerate(zip(p.names, p.values, strict=True)):
        y = top + k * _ROW + _ROW / 2
        me = k == p.force
        weight = "bold" if me else "normal"
        out.append(text(label_w - 4, y + 4, name, anchor="end", size=12, weight=weight,
                        cls="peer-name" + (" peer-force" if me else "")))
        if me:
            out.append(f'<path class="peer-marker" d="{_MARKER}" transform="translate('
                       f'{fmt(label_w - 8 - text_width(name, 12) - 6)} {fmt(y)})" '
                       f'fill="{_FORCE}"/>')
        if not math.isfinite(v):
            out.append(text(sx(0) + 4, y + 4, _("n/a"), size=11, fill=MUTED))
            continue
        x0, x1 = sx(0.0), sx(v)
        tip = f"{name}: {number_text(v, decimals)}"
        out.append(f'<rect class="peer-bar{" peer-force" if me else ""}" '
                   f'x="{fmt(min(x0, x1))}" y="{fmt(y - 7)}" width="{fmt(abs(x1 - x0))}" '
                   f'height="14" fill="{_FORCE if me else _OTHER}"><title>'
                   f"{escape(tip)}</title></rect>")
        end = max(x0, x1)  # a negative bar ends at zero: its label goes after that
        lo = p.lower[k] if p.lower else math.nan
        hi = p.upper[k] if p.upper else math.nan
        if math.isfinite(lo) and math.isfinite(hi):
            out += [line(sx(lo), y, sx(hi), y, stroke=INK, width=1.2, cls="peer-ci"),
                    line(sx(lo), y - 5, sx(lo), y + 5, stroke=INK, width=1.2, cls="peer-ci"),
                    line(sx(hi), y - 5, sx(hi), y + 5, stroke=INK, width=1.2, cls="peer-ci")]
            end = max(end, sx(hi))
        values.append(text(end + 5, y + 4, number_text(v, decimals, na=_("n/a")), size=11,
                           weight=weight, cls="peer-value", fill=INK if me else MUTED,
                           halo=True))
    return out, values


def peer_chart_svg(names: Sequence[str], values: Sequence[float | None], *, highlight: str,
                   title: str, lower: Sequence[float | None] | None = None,
                   upper: Sequence[float | None] | None = None,
                   average: float | None = None, average_label: str | None = None,
                   rank: int | None = None, size: int | None = None,
                   polarity: Polarity | str = "neutral", interval_label: str | None = None,
                   decimals: int | None = None, width: int = 640, lang: str = "en",
                   chart_id: str | None = None) -> str:
    """A force's value among its group's members, as an accessible SVG bar chart.

    Parameters
    ----------
    names : sequence of str
        The members' names (the force of the report among them), already in the
        report's language.
    values : sequence of float
        Each member's value (None or NaN: no value; drawn as "n/a" at the bottom).
    highlight : str
        The name of the force of the report.
    title : str
        The chart's title (the measure and period).
    lower, upper : sequence of float, optional
        Each member's confidence interval, drawn as whiskers.
    average : float, optional
        The group average, drawn as a dashed line and named ``average_label`` (default
        "Group average").
    rank, size : int, optional
        The force's rank and the group's size as the report gives them (default: ranked
        here with :func:`perfcore.calc.rank_in_group`, 1 = best, ties shared).
    polarity : Polarity or str
        Which way is better: members are shown best first (neutral: highest first).
    interval_label : str, optional
        What the whiskers are (default "95% confidence interval").
    decimals : int, optional
        Decimals of the values shown (default: about three significant figures).
    width : int
        Width in pixels; the height follows from the number of members.
    lang : str
        Language of the chart's own words.
    chart_id : str, optional
        Prefix of the ids inside the SVG (default: a hash of the inputs).

    Returns
    -------
    str
        An ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (the rank, the
        average and every member's value in order).
    """
    _ = translator(lang)
    p = _peers(names, values, highlight, lower, upper, polarity)
    average_label = average_label or _("Group average")
    rank_line = _rank_line(p, rank, size, polarity, _)
    label_w = min(200.0, max(text_width(s, 12) for s in p.names) + 24)
    head, head_y = heading(12, 22, title, width=width - 24, size=15, cls="peer-heading")
    top = head_y + 42
    bottom = top + _ROW * len(p.names)
    extent = [v for v in (*p.values, *(p.upper or ()), *(p.lower or ()),
                          average if average is not None else math.nan) if math.isfinite(v)]
    ticks = nice_ticks(min(extent, default=0.0), max(extent, default=1.0), include_zero=True)
    sx = Linear(ticks.lo, ticks.hi, label_w + 4, width - 60)
    body = [*head, text(12, head_y + 20, rank_line, size=13, weight="bold", cls="peer-rank",
                        fill=_FORCE)]
    for v, lab in zip(ticks.values, ticks.labels, strict=True):
        body += [line(sx(v), top, sx(v), bottom, stroke=GRID, cls="peer-grid"),
                 text(sx(v), bottom + 15, lab, anchor="middle", size=11, fill=MUTED,
                      cls="peer-tick")]
    bars, labels = _bars(p, sx, top, label_w, decimals, _)
    body += bars
    has_average = average is not None and math.isfinite(average)
    if average is not None and has_average:
        body += _average_line(sx(average), top, bottom, width,
                              f"{average_label} {number_text(average, decimals)}")
    body += labels
    items = _legend_items(p, p.lower is not None and p.upper is not None, interval_label,
                          average_label if has_average else None, _)
    leg, leg_h = legend(items, x=12, y=bottom + 26, width=width - 24)
    neutral = Polarity.parse(polarity) is Polarity.NEUTRAL
    return document([*body, *leg], width=width, height=bottom + 26 + leg_h + 8, title=title,
                    desc=_describe(p, title, rank_line, neutral, average, average_label,
                                   decimals, _),
                    ident=chart_id or make_id("peers", title, names, values, highlight),
                    cls="perfcore-chart peer-chart")


def _average_line(x: float, top: float, bottom: float, width: float, words: str) -> list[str]:
    return [line(x, top - 4, x, bottom, stroke=INK, width=1.5, dash="5 3", cls="peer-average"),
            text(x, top - 7, words, anchor="middle" if x < width - 80 else "end", size=11,
                 cls="peer-average-label", halo=True)]


def _legend_items(p: _Peers, with_ci: bool, interval_label: str | None,
                  average_label: str | None, _: Translator) -> list[LegendItem]:
    items = [LegendItem("path", _FORCE, p.names[p.force], d=_SQUARE),
             LegendItem("path", _OTHER, _("Other members"), d=_SQUARE)]
    if with_ci:
        items.append(LegendItem("line", INK, interval_label or _("95% confidence interval"),
                                width=1.2))
    if average_label is not None:
        items.append(LegendItem("line", INK, average_label, dash="5 3", width=1.5))
    return items


def peer_table_html(names: Sequence[str], values: Sequence[float | None], *, highlight: str,
                    title: str, lower: Sequence[float | None] | None = None,
                    upper: Sequence[float | None] | None = None,
                    polarity: Polarity | str = "neutral", value_label: str | None = None,
                    decimals: int | None = None, lang: str = "en") -> str:
    """The data of a peer chart as an accessible HTML table, in the chart's order: each
    member's name, rank, value and confidence interval; the force's row marked
    ``class="highlight"`` and in ``<strong>``."""
    _ = translator(lang)
    p = _peers(names, values, highlight, lower, upper, polarity)
    headers = [_("Name"), _("Rank"), value_label or _("Value")]
    with_ci = p.lower is not None and p.upper is not None
    if with_ci:
        headers += [_("Lower limit"), _("Upper limit")]
    rows = []
    for k, name in enumerate(p.names):
        row = [name, str(rank_text(p.ranks[k], p.size, _)[()]),
               number_text(p.values[k], decimals, na=_("n/a"))]
        if with_ci:
            assert p.lower is not None and p.upper is not None
            row += [number_text(p.lower[k], decimals, na=_("n/a")),
                    number_text(p.upper[k], decimals, na=_("n/a"))]
        rows.append(row)
    return table_html(_("{title}: the chart's data").format(title=title), headers, rows,
                      highlight=p.force, cls="chart-data peer-data")
