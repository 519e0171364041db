"""A funnel plot: one measure across many forces (typically all 43), each force's value
against its size, with the 95% and 99.8% control limits around the average.

x is the denominator (the population for a rate, the base for a proportion); y the
value. The limits come from :mod:`perfcore.calc.funnel` (``funnel_axis`` and
``funnel_limits``, PHEindicatormethods-compatible) and each force's position from
``funnel_significance``. A force inside the 95% limits is a small grey dot; beyond a
limit it is a triangle pointing up (above) or down (below), hollow between the 95% and
99.8% limits and filled beyond 99.8% — shape as well as colour (blue better, orange
worse, purple for a neutral measure). The force of the report is ringed in black and
named. A force far off the scale (the City of London, with its small resident
population, has a crime rate about ten times the others') is drawn at the edge as an
arrow with its name and value, so it neither hides nor flattens everyone else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import attrs
import numpy as np

from perfcore.calc import funnel_axis, funnel_limits, funnel_significance
from perfcore.codes import Polarity
from perfcore.errors import OptionError
from perfcore.i18n import N_, Translator, translator
from perfcore.report.charts.axes import Linear, Ticks, nice_ticks
from perfcore.report.charts.icons import MDC_COLOURS
from perfcore.report.charts.svg import (
    GRID,
    INK,
    MUTED,
    LegendItem,
    capitalise,
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

__all__ = ["FUNNEL_WORDS", "funnel_plot_svg", "funnel_table_html"]

#: Where a force sits, by funnel_significance code (+2 .. -2).
FUNNEL_WORDS = {
    2: N_("above the 99.8% limit"),
    1: N_("above the 95% limit"),
    0: N_("within the 95% limits"),
    -1: N_("below the 95% limit"),
    -2: N_("below the 99.8% limit"),
}
_STATISTICS = ("rate", "proportion")
_ADJUST = ("none", "additive")
_UP = "M0 -6 L5.5 4 L-5.5 4 Z"
_DOWN = "M0 6 L5.5 -4 L-5.5 -4 Z"
_LIMIT_COLOUR = "#768692"


@attrs.frozen(kw_only=True)
class _Funnel:
    """The forces' values, positions and the limit curves, in plotted units."""

    names: tuple[str, ...]
    num: tuple[float, ...]
    den: tuple[float, ...]
    value: tuple[float, ...]
    code: tuple[int, ...]
    centre: float
    curves: dict[str, tuple[np.ndarray, np.ndarray]]
    tau2: float
    force: int


def _floats(xs: Sequence[float | None], n: int, option: str) -> np.ndarray:
    out = np.asarray([math.nan if v is None else float(v) for v in xs], dtype=float)
    if out.shape != (n,):
        raise OptionError(reason=f"has {out.size} entries for {n} names", option=option,
                          value=xs, allowed=f"{n} numbers, one per name")
    return out


def _x_max(den: np.ndarray) -> float:
    """The end of the x axis: the round tick at or after the largest denominator."""
    return nice_ticks(0.0, float(den.max()), include_zero=True).hi


def _limits(num: np.ndarray, den: np.ndarray, statistic: str, theta: float,
            multiplier: float, adjust: str) -> tuple[np.ndarray, dict[str, Any], float]:
    """Each force's position (funnel_significance codes) and the four limit curves as
    (x, y) in the plot's units; and the overdispersion τ² used (0 for plain limits).

    With ``adjust="additive"`` a rate is treated as the ratio of observed to expected
    events (expected = population × baseline), whose random-effects limits
    (Spiegelhalter 2005) are mapped back to rates and populations."""
    if adjust == "none":
        sig = funnel_significance(num, den, statistic=statistic, baseline=theta)
        axis = funnel_axis(np.append(den, _x_max(den)), statistic=statistic,
                           baseline=theta if statistic == "rate" else None)
        lim = funnel_limits(axis, statistic=statistic, baseline=theta, multiplier=multiplier)
        scale_x, tau2 = 1.0, 0.0
    elif statistic == "rate":
        expected = den * theta
        sig = funnel_significance(num, expected, statistic="ratio", adjust="additive")
        tau2 = float(sig.overdispersion.tau2) if sig.overdispersion is not None else 0.0
        # PHE's ratio axis stops short of its end: add the end, the limits are closed-form.
        end = _x_max(den) * theta
        axis = np.append(funnel_axis(np.append(expected, end), statistic="ratio"), end)
        lim = funnel_limits(axis, statistic="ratio",
                            ratio_type="isr", multiplier=theta * multiplier, tau2=tau2)
        scale_x = 1.0 / theta
    else:
        sig = funnel_significance(num, den, statistic="proportion", adjust="additive")
        tau2 = float(sig.overdispersion.tau2) if sig.overdispersion is not None else 0.0
        axis = funnel_axis(np.append(den, _x_max(den)), statistic="proportion")
        lim = funnel_limits(axis, statistic="proportion",
                            baseline=theta, multiplier=multiplier, tau2=tau2)
        scale_x = 1.0
    curves = {k: (np.asarray(getattr(lim, k + "_x"), dtype=float) * scale_x,
                  np.asarray(getattr(lim, k), dtype=float))
              for k in ("lower_2s", "upper_2s", "lower_3s", "upper_3s")}
    return np.asarray(sig.code), curves, tau2


def _compute(names: Sequence[str], numerators: Sequence[float | None],
             denominators: Sequence[float | None], highlight: str, statistic: str,
             multiplier: float, baseline: float | None, adjust: str) -> _Funnel:
    if statistic not in _STATISTICS:
        raise OptionError.for_choice("statistic", statistic, _STATISTICS)
    if adjust not in _ADJUST:
        raise OptionError.for_choice("adjust", adjust, _ADJUST)
    if adjust == "additive" and statistic == "proportion" and baseline is not None:
        raise OptionError(reason="overdispersed proportion limits centre on the pooled "
                          "value: leave baseline out with adjust='additive'", option="baseline",
                          value=baseline, allowed="None")
    n = len(names)
    num = _floats(numerators, n, "numerators")
    den = _floats(denominators, n, "denominators")
    if highlight not in names:
        raise OptionError.for_choice("highlight", highlight, names)
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0) & (num >= 0)
    if not ok.any():
        raise OptionError(reason="a funnel plot needs at least one force with a numerator "
                          "and a positive denominator", option="denominators",
                          value=denominators, allowed="positive numbers")
    theta = float(num[ok].sum() / den[ok].sum()) if baseline is None else float(baseline)
    codes, curves, tau2 = _limits(num[ok], den[ok], statistic, theta, multiplier, adjust)
    code = np.zeros(n, dtype=int)
    code[ok] = codes
    value = np.where(ok, num / np.where(ok, den, 1.0) * multiplier, math.nan)
    return _Funnel(names=tuple(str(s) for s in names), num=tuple(num.tolist()),
                   den=tuple(np.where(ok, den, math.nan).tolist()),
                   value=tuple(value.tolist()), code=tuple(int(c) for c in code),
                   centre=theta * multiplier, curves=curves, tau2=tau2,
                   force=list(names).index(highlight))


def _y_range(f: _Funnel) -> tuple[float, float]:
    """The values the y axis covers: the average and every force's value except any far
    outside the rest (beyond three interquartile ranges of the quartiles), which are
    drawn at the edge, and the four limits at the median size."""
    v = np.asarray([x for x in f.value if math.isfinite(x)])
    q1, q3 = np.percentile(v, [25, 75])
    iqr = max(q3 - q1, 1e-12 * max(1.0, abs(f.centre)))
    kept = v[(v >= q1 - 3 * iqr) & (v <= q3 + 3 * iqr)]
    kept = np.append(kept, f.centre)
    # ... and the limits at the median size, so that the funnel's band is seen.
    mid = float(np.median([d for d in f.den if math.isfinite(d)]))
    for xs, ys in f.curves.values():
        ok = np.isfinite(xs) & np.isfinite(ys)
        if ok.sum() > 1:
            order = np.argsort(xs[ok])
            kept = np.append(kept, np.interp(mid, xs[ok][order], ys[ok][order]))
    return float(kept.min()), float(kept.max())


def _colour(code: int, polarity: Polarity) -> str:
    if code == 0:
        return MDC_COLOURS["common_cause"]
    if polarity is Polarity.NEUTRAL:
        return MDC_COLOURS["neutral"]
    better = (code > 0) == (polarity is Polarity.HIGHER_IS_BETTER)
    return MDC_COLOURS["improvement" if better else "concern"]


def _marker(x: float, y: float, code: int, colour: str, cls: str, tip: str) -> str:
    title = f"<title>{escape(tip)}</title>"
    if code == 0:
        return (f'<circle class="{cls}" cx="{fmt(x)}" cy="{fmt(y)}" r="4" fill="{colour}" '
                f'fill-opacity="0.85">{title}</circle>')
    fill = colour if abs(code) == 2 else "#ffffff"
    return (f'<path class="{cls}" d="{_UP if code > 0 else _DOWN}" transform="translate('
            f'{fmt(x)} {fmt(y)})" fill="{fill}" stroke="{colour}" stroke-width="1.8">'
            f"{title}</path>")


@attrs.frozen(kw_only=True)
class _Plot:
    left: float
    top: float
    right: float
    bottom: float
    xt: Ticks
    yt: Ticks

    def sx(self, v: float) -> float:
        return Linear(self.xt.lo, self.xt.hi, self.left, self.right)(v)

    def sy(self, v: float) -> float:
        return Linear(self.yt.lo, self.yt.hi, self.bottom, self.top)(v)


def _axes(p: _Plot, x_label: str, y_label: str) -> list[str]:
    out = []
    for v, lab in zip(p.yt.values, p.yt.labels, strict=True):
        out += [line(p.left, p.sy(v), p.right, p.sy(v), stroke=GRID, cls="funnel-grid"),
                text(p.left - 6, p.sy(v) + 4, lab, anchor="end", size=11, fill=MUTED,
                     cls="funnel-ytick")]
    for v, lab in zip(p.xt.values, p.xt.labels, strict=True):
        out += [line(p.sx(v), p.bottom, p.sx(v), p.bottom + 4, stroke=MUTED),
                text(p.sx(v), p.bottom + 17, lab, anchor="middle", size=11, fill=MUTED,
                     cls="funnel-xtick")]
    out += [line(p.left, p.bottom, p.right, p.bottom, stroke=MUTED, cls="funnel-axis"),
            line(p.left, p.top, p.left, p.bottom, stroke=MUTED, cls="funnel-axis"),
            text((p.left + p.right) / 2, p.bottom + 34, x_label, anchor="middle", size=12,
                 cls="funnel-xlabel")]
    if y_label:
        out.append(text(p.left, p.top - 10, y_label, size=12, cls="funnel-ylabel"))
    return out


def _curves(p: _Plot, f: _Funnel, ident: str) -> list[str]:
    out = [f'<clipPath id="{ident}-clip"><rect x="{fmt(p.left)}" y="{fmt(p.top)}" '
           f'width="{fmt(p.right - p.left)}" height="{fmt(p.bottom - p.top)}"/></clipPath>']
    for key, dash, width in (("lower_2s", "6 4", 1.5), ("upper_2s", "6 4", 1.5),
                             ("lower_3s", "", 1.5), ("upper_3s", "", 1.5)):
        xs, ys = f.curves[key]
        keep = np.isfinite(xs) & np.isfinite(ys)  # the clip path cuts them at the axes
        pts = " ".join(f"{fmt(p.sx(float(x)))},{fmt(p.sy(float(y)))}"
                       for x, y in zip(xs[keep], ys[keep], strict=True))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        if pts:
            out.append(f'<polyline class="funnel-limit funnel-{key.replace("_", "-")}" '
                       f'points="{pts}" fill="none" stroke="{_LIMIT_COLOUR}" '
                       f'stroke-width="{width}"{dashes} clip-path="url(#{ident}-clip)"/>')
    yc = p.sy(f.centre)
    out.append(line(p.left, yc, p.right, yc, stroke=INK, width=1.5, cls="funnel-centre"))
    return out


def _points(p: _Plot, f: _Funnel, polarity: Polarity, decimals: int | None,
            _: Translator) -> list[str]:
    """Every force (the report's last, on top), off-scale forces at the edge as arrows."""
    out, labels = [], []
    order = [i for i in range(len(f.names)) if i != f.force] + [f.force]
    for i in order:
        v, d = f.value[i], f.den[i]
        if not (math.isfinite(v) and math.isfinite(d)):
            continue
        x, y = p.sx(d), p.sy(v)
        colour = _colour(f.code[i], polarity)
        shown = number_text(v, decimals, na=_("n/a"))
        tip = f"{f.names[i]}: {shown} ({_(FUNNEL_WORDS[f.code[i]])})"
        cls = "funnel-point" + (" funnel-force" if i == f.force else "")
        if y < p.top or y > p.bottom:
            up = y < p.top
            y = p.top + 6 if up else p.bottom - 6
            out.append(f'<path class="{cls} funnel-offscale" d="{_UP if up else _DOWN}" '
                       f'transform="translate({fmt(x)} {fmt(y)}) scale(1.3)" fill="{colour}">'
                       f"<title>{escape(tip)}</title></path>")
            labels.append((x, y + (4 if up else 0), _("{name}: {value} (off the scale)").format(
                name=f.names[i], value=shown), "normal"))
        else:
            out.append(_marker(x, y, f.code[i], colour, cls, tip))
        if i == f.force:
            out.append(f'<circle class="funnel-force-ring" cx="{fmt(x)}" cy="{fmt(y)}" r="9" '
                       f'fill="none" stroke="{INK}" stroke-width="2"/>')
            labels.append((x, y, f"{f.names[i]} {shown}", "bold"))
    for x, y, s, weight in labels:
        fits = x + 12 + text_width(s, 12) < p.right
        out.append(text(x + 12 if fits else x - 12, y + 4, s, anchor="start" if fits else "end",
                        size=12, weight=weight, cls="funnel-label", halo=True))
    return out


def _legend_items(f: _Funnel, polarity: Polarity, centre_label: str,
                  _: Translator) -> list[LegendItem | None]:
    adjusted = f.tau2 > 0
    items: list[LegendItem | None] = [LegendItem("line", INK, centre_label, width=1.5),
             LegendItem("line", _LIMIT_COLOUR, _("95% limits, adjusted for overdispersion")
                        if adjusted else _("95% limits"), dash="6 4", width=1.5),
             LegendItem("line", _LIMIT_COLOUR, _("99.8% limits, adjusted for overdispersion")
                        if adjusted else _("99.8% limits"), width=1.5),
             None,  # the points on a row of their own
             LegendItem("dot", MDC_COLOURS["common_cause"], capitalise(_(FUNNEL_WORDS[0])))]
    for code in (2, 1, -1, -2):
        items.append(LegendItem("path", _colour(code, polarity),
                                capitalise(_(FUNNEL_WORDS[code])),
                                d=_UP if code > 0 else _DOWN, hollow=abs(code) == 1))
    return items


def _describe(f: _Funnel, title: str, centre_label: str, decimals: int | None,
              _: Translator) -> str:
    def num(v: float) -> str:
        return number_text(v, decimals, na=_("n/a"))

    n = sum(math.isfinite(v) for v in f.value)
    parts = [_("{title}: funnel plot of {n} forces.").format(title=title, n=n),
             f"{centre_label}: {num(f.centre)}."]
    if f.tau2 > 0:
        parts.append(_("The limits are widened for overdispersion (variation between forces "
                       "beyond chance)."))
    known = math.isfinite(f.value[f.force])
    parts.append(_("{name}: {value}, {position}.").format(
        name=f.names[f.force], value=num(f.value[f.force]),
        position=_(FUNNEL_WORDS[f.code[f.force]]) if known else _("n/a")))
    for code in (2, 1, -1, -2):
        members = [f.names[i] for i in range(len(f.names))
                   if f.code[i] == code and math.isfinite(f.value[i])]
        if members:
            parts.append(f"{capitalise(_(FUNNEL_WORDS[code]))}: {', '.join(members)}.")
    return " ".join(parts)


def funnel_plot_svg(names: Sequence[str], numerators: Sequence[float | None],
                    denominators: Sequence[float | None], *, highlight: str, title: str,
                    statistic: str = "rate", multiplier: float = 1000.0,
                    baseline: float | None = None, polarity: Polarity | str = "neutral",
                    x_label: str | None = None, y_label: str = "",
                    centre_label: str | None = None, adjust: str = "none",
                    decimals: int | None = None, width: int = 800, height: int = 520,
                    lang: str = "en", chart_id: str | None = None) -> str:
    """A funnel plot of one measure across forces, as an accessible SVG.

    Parameters
    ----------
    names : sequence of str
        The forces (e.g. the 43 of England and Wales), already in the report's language.
    numerators, denominators : sequence of float
        Each force's count and its denominator (population for a rate, base for a
        proportion); a force with a missing or zero denominator is left out (and listed
        as n/a in the table).
    highlight : str
        The name of the force of the report.
    title : str
        The chart's title.
    statistic : {"rate", "proportion"}
        Exact Poisson limits for a rate, Wilson limits for a proportion
        (:func:`perfcore.calc.funnel_limits`).
    multiplier : float
        1000 for a rate per 1,000, 100 for a percentage ...
    baseline : float, optional
        The centre line as a rate per head or a fraction (a target, or England and
        Wales' published figure); default the pooled value of the forces shown,
        Σnumerator / Σdenominator.
    polarity : Polarity or str
        Colours a force beyond a limit as better (blue) or worse (orange); neutral:
        purple.
    x_label, y_label : str
        Axis titles (default x: "Population" for a rate, "Denominator" otherwise).
    centre_label : str, optional
        Name of the centre line (default "Average").
    adjust : {"none", "additive"}
        ``"additive"`` widens the limits for overdispersion (Spiegelhalter 2005, as NHS-R
        FunnelPlotR; see :func:`perfcore.calc.overdispersion`): police counts vary
        between forces far more than chance alone, so plain Poisson limits around tens
        of thousands of crimes are so narrow that nearly every force falls outside them.
        A rate is treated as observed / expected events (expected = population ×
        baseline). The ``<desc>`` and legend say when limits are adjusted.
    decimals : int, optional
        Decimals of the values shown.
    width, height : int
        Size in pixels (it scales: the SVG has a ``viewBox``).
    lang : str
        Language of the chart's own words.
    chart_id : str, optional
        Prefix of the ids inside the SVG (the limit curves' clip path too); default a
        hash of the inputs.

    Returns
    -------
    str
        An ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` naming the force's
        position and the forces beyond each limit.
    """
    _ = translator(lang)
    pol = Polarity.parse(polarity)
    f = _compute(names, numerators, denominators, highlight, statistic, multiplier, baseline,
                 adjust)
    ident = chart_id or make_id("funnel", title, names, numerators, denominators, baseline,
                                adjust)
    centre_label = centre_label or _("Average")
    x_label = x_label or (_("Population") if statistic == "rate" else _("Denominator"))
    items = _legend_items(f, pol, f"{centre_label} {number_text(f.centre, decimals)}", _)
    leg_h = legend(items, x=12, y=0, width=width - 24)[1]
    head, head_y = heading(12, 24, title, width=width - 24, cls="funnel-heading")
    lo, hi = _y_range(f)
    dens = [d for d in f.den if math.isfinite(d)]
    p = _Plot(left=64, top=head_y + 34, right=width - 44, bottom=height - 52 - leg_h - 8,
              xt=nice_ticks(0, max(dens), include_zero=True), yt=nice_ticks(lo, hi, count=6))
    body = [*head, *_axes(p, x_label, y_label), *_curves(p, f, ident),
            *_points(p, f, pol, decimals, _),
            *legend(items, x=12, y=p.bottom + 44, width=width - 24)[0]]
    return document(body, width=width, height=height, title=title,
                    desc=_describe(f, title, centre_label, decimals, _), ident=ident,
                    cls="perfcore-chart funnel-plot")


def funnel_table_html(names: Sequence[str], numerators: Sequence[float | None],
                      denominators: Sequence[float | None], *, highlight: str, title: str,
                      statistic: str = "rate", multiplier: float = 1000.0,
                      baseline: float | None = None, value_label: str | None = None,
                      numerator_label: str | None = None,
                      denominator_label: str | None = None, adjust: str = "none",
                      decimals: int | None = None, lang: str = "en") -> str:
    """The data of a funnel plot as an accessible HTML table, highest value first: each
    force's name, numerator, denominator, value and position against the limits; the
    force of the report marked ``class="highlight"`` and in ``<strong>``."""
    _ = translator(lang)
    f = _compute(names, numerators, denominators, highlight, statistic, multiplier, baseline,
                 adjust)
    order = sorted(range(len(f.names)),
                   key=lambda i: (not math.isfinite(f.value[i]), -f.value[i]
                                  if math.isfinite(f.value[i]) else 0.0, f.names[i]))
    headers = [_("Name"), numerator_label or _("Count"),
               denominator_label or (_("Population") if statistic == "rate"
                                     else _("Denominator")),
               value_label or _("Value"), _("Position")]
    rows = [[f.names[i], number_text(f.num[i], na=_("n/a")),
             number_text(f.den[i], na=_("n/a")),
             number_text(f.value[i], decimals, na=_("n/a")),
             _(FUNNEL_WORDS[f.code[i]]) if math.isfinite(f.value[i]) else _("n/a")]
            for i in order]
    return table_html(_("{title}: the chart's data").format(title=title), headers, rows,
                      highlight=order.index(f.force), numeric=range(1, 4),
                      cls="chart-data funnel-data")
