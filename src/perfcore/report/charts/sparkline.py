"""A sparkline: a measure's history in a table cell, as a small accessible SVG.

The line runs oldest to newest, broken where a period has no value; the last value is a
filled dot; the highest and lowest values are small hollow dots, and their numbers are
printed at the left-hand end as a two-number scale (highest above, lowest below), so the
range can be read without hovering. The ``<title>`` states the first and last values
with their periods, and the ``<desc>`` the lowest and highest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from perfcore.errors import OptionError
from perfcore.i18n import plural_translator, translator
from perfcore.report.charts.axes import Linear
from perfcore.report.charts.svg import (
    INK,
    MUTED,
    document,
    fmt,
    number_text,
    text,
    text_width,
)
from perfcore.report.charts.svg import (
    chart_id as make_id,
)

__all__ = ["sparkline_svg"]

_LINE = "#425563"
_LAST = "#005eb8"


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def sparkline_svg(values: Sequence[float | None], *, name: str,
                  labels: Sequence[str] | None = None, width: int = 120, height: int = 32,
                  lang: str = "en", decimals: int | None = None,
                  chart_id: str | None = None, thousands: bool = True) -> str:
    """A sparkline of a measure's history, or ``""`` with fewer than 3 values.

    Parameters
    ----------
    values : sequence of float
        One value per period, oldest first; None or NaN for a period without a value
        (the line breaks there).
    name : str
        The measure's name, already in the report's language.
    labels : sequence of str, optional
        The periods' labels ("2019-20"), one per value; the text alternative names the
        first and last values' periods with them.
    width, height : int
        Size in pixels (it scales: the SVG has a ``viewBox``).
    lang : str
        Language of the text alternative.
    decimals : int, optional
        Decimals of the numbers shown (default: about three significant figures).
    chart_id : str, optional
        Id prefix for the ``<title>``/``<desc>`` (default: a hash of the inputs).
    thousands : bool, default True
        Thousands separators in the numbers, as the report's table shows its figures.

    Returns
    -------
    str
        An ``<svg role="img">`` with a ``<title>`` ("Burglary: 177 in 2022-07 to 166 in
        2025-06") and a ``<desc>`` (number of values, lowest and highest), or ``""``.
    """
    _ = translator(lang)
    vals = [float(v) if _finite(v) else math.nan for v in values]  # type: ignore[arg-type]
    labs = [str(s) for s in labels] if labels is not None else [str(i + 1)
                                                               for i in range(len(vals))]
    if len(labs) != len(vals):
        raise OptionError(reason=f"has {len(labs)} entries for {len(vals)} values",
                          option="labels", value=labels,
                          allowed=f"{len(vals)} labels, one per value")
    idx = [i for i, v in enumerate(vals) if math.isfinite(v)]
    if len(idx) < 3:
        return ""
    first, last = idx[0], idx[-1]
    lo_i = min(idx, key=lambda i: vals[i])
    hi_i = max(idx, key=lambda i: vals[i])

    def num(v: float) -> str:
        return number_text(v, decimals, na=_("n/a"), thousands=thousands)

    title = _("{name}: {first} in {first_label} to {last} in {last_label}").format(
        name=name, first=num(vals[first]), first_label=labs[first], last=num(vals[last]),
        last_label=labs[last])
    desc = plural_translator(lang)(
        "{n} value; lowest {low} in {low_label}, highest {high} in {high_label}.",
        "{n} values; lowest {low} in {low_label}, highest {high} in {high_label}.",
        len(idx)).format(
        n=len(idx), low=num(vals[lo_i]), low_label=labs[lo_i], high=num(vals[hi_i]),
        high_label=labs[hi_i])
    scale_w = max(text_width(num(vals[hi_i]), 9), text_width(num(vals[lo_i]), 9)) + 3
    # Clear of the labels: the first point's marker (r = 2) must not read as a digit.
    sx = Linear(0, len(vals) - 1, scale_w + 7, width - 4)
    sy = Linear(vals[lo_i], vals[hi_i], height - 4, 4)
    body = [text(scale_w, 9, num(vals[hi_i]), anchor="end", size=9, fill=MUTED,
                 cls="spark-max"),
            text(scale_w, height - 1, num(vals[lo_i]), anchor="end", size=9, fill=MUTED,
                 cls="spark-min")]
    runs: list[list[str]] = [[]]
    for i, v in enumerate(vals):
        if math.isfinite(v):
            runs[-1].append(f"{fmt(sx(i))},{fmt(sy(v))}")
        elif runs[-1]:
            runs.append([])
    body += [f'<polyline class="spark-line" points="{" ".join(r)}" fill="none" '
             f'stroke="{_LINE}" stroke-width="1.5" stroke-linejoin="round"/>'
             for r in runs if len(r) > 1]
    body += [f'<circle class="{cls}" cx="{fmt(sx(i))}" cy="{fmt(sy(vals[i]))}" r="2" '
             f'fill="#ffffff" stroke="{MUTED}" stroke-width="1"/>'
             for i, cls in ((hi_i, "spark-high"), (lo_i, "spark-low")) if i != last]
    body.append(f'<circle class="spark-last" cx="{fmt(sx(last))}" cy="{fmt(sy(vals[last]))}" '
                f'r="2.8" fill="{_LAST}" stroke="{INK}" stroke-width="0.5"/>')
    ident = chart_id or make_id("spark", name, vals, labs)
    return document(body, width=width, height=height, title=title, desc=desc, ident=ident,
                    cls="perfcore-chart sparkline")
