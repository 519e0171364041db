"""An XmR (SPC) chart in the Making Data Count style, as a standalone, accessible SVG string
with no plotting dependency, and the HTML table of its data.

The chart shows the values (a grey line, broken at gaps), the mean and process limits of
each group (recalculated after a rebase, which is marked by a vertical line and its note),
the target, each point coloured by its type (special-cause points are also larger; the
data table names every point's type), the variation and assurance icons drawn as the
Making Data Count icons, round axis ticks and a legend.

Colours are those of NHSRplotthedots 0.2.2 (``R/ptd_spc_colours.R``), standardised with
the Making Data Count team (issue #196): common cause grey ``#a6a6a6``, improvement blue
``#00b0f0``, concern orange ``#e46c0a``, neutral purple ``#490092``, mean line black,
process limits grey, target red ``#de1b1b``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import attrs
import numpy as np

from perfcore.calc.spc import XmrResult
from perfcore.errors import OptionError
from perfcore.i18n import PluralTranslator, Translator, plural_translator, translator
from perfcore.labels import ASSURANCE_WORDS, POINT_WORDS, VARIATION_WORDS
from perfcore.report.charts.axes import Linear, Ticks, nice_ticks, spread, thin_indices
from perfcore.report.charts.icons import assurance_icon, variation_icon
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

__all__ = ["COLOURS", "XMR_FORMATS", "rebase_starts", "render_xmr_svg", "xmr_table_html"]

#: The files an XmR chart is written as (``perfcore spc -o``), with their extensions: the
#: SVG itself, or an HTML page holding it and the table of its data.
XMR_FORMATS: Mapping[str, tuple[str, ...]] = {"svg": (".svg",), "html": (".html", ".htm")}

#: NHSRplotthedots 0.2.2 ``ptd_spc_colours()`` defaults.
COLOURS = {
    "common_cause": "#a6a6a6",
    "special_cause_improvement": "#00b0f0",
    "special_cause_concern": "#e46c0a",
    "special_cause_neutral": "#490092",
    "value_line": "#a6a6a6",
    "mean_line": "#000000",
    "limits": "#a6a6a6",
    "target": "#de1b1b",
}
#: The vertical line marking a rebase.
_REBASE = "#425563"
_LIMIT_DASH = "6 4"
_TARGET_DASH = "2 3"

_POINT_COLOUR = {
    "common_cause": COLOURS["common_cause"],
    "special_cause_improvement": COLOURS["special_cause_improvement"],
    "special_cause_concern": COLOURS["special_cause_concern"],
    "special_cause_neutral_high": COLOURS["special_cause_neutral"],
    "special_cause_neutral_low": COLOURS["special_cause_neutral"],
}
_ICON = 54.0


def rebase_starts(result: XmrResult) -> list[int]:
    """Positions where a new group (recalculated mean and limits) starts."""
    g = np.asarray(result.group)
    return [int(i) for i in np.flatnonzero(g[1:] != g[:-1]) + 1]


def _num(v: float, decimals: int | None, _: Translator) -> str:
    return number_text(v, decimals, na=_("n/a"))


def _labels(result: XmrResult, labels: Sequence[object] | None) -> list[str]:
    n = len(result.values)
    labs = [str(v) for v in labels] if labels is not None else [str(i + 1) for i in range(n)]
    if len(labs) != n:
        raise OptionError(reason=f"has {len(labs)} entries for {n} points", option="labels",
                          value=labels, allowed=f"{n} labels, one per point")
    return labs


def _notes(result: XmrResult, rebase_notes: Mapping[int, str] | None, labs: Sequence[str],
           _: Translator) -> dict[int, str]:
    """The note shown at each rebase: the caller's, or "Rebased <label>"."""
    starts = rebase_starts(result)
    given = dict(rebase_notes or {})
    wrong = sorted(set(given) - set(starts))
    if wrong:
        raise OptionError(reason=f"names positions where no new group starts; groups start "
                          f"at {starts}", option="rebase_notes", value=wrong,
                          allowed=tuple(starts))
    return {i: given.get(i) or _("Rebased {label}").format(label=labs[i]) for i in starts}


def _describe(result: XmrResult, title: str, labels: Sequence[str], notes: Mapping[int, str],
              decimals: int | None, _: Translator, ngettext: PluralTranslator) -> str:
    n_valid = int(result.valid.sum())
    if len(labels):
        parts = [ngettext("{title}: XmR chart of {n} point from {first} to {last}.",
                          "{title}: XmR chart of {n} points from {first} to {last}.",
                          n_valid).format(title=title, n=n_valid, first=labels[0],
                                          last=labels[-1])]
    else:
        parts = [ngettext("{title}: XmR chart of {n} point.", "{title}: XmR chart of {n} points.",
                          n_valid).format(title=title, n=n_valid)]
    valid_idx = np.flatnonzero(result.valid)
    if valid_idx.size:
        last = int(valid_idx[-1])
        parts.append(_("Latest value {value} ({label}); mean {mean}, process limits "
                       "{lower} to {upper}.").format(
            value=_num(float(result.values[last]), decimals, _), label=labels[last],
            mean=_num(float(result.mean[last]), decimals, _),
            lower=_num(float(result.lpl[last]), decimals, _),
            upper=_num(float(result.upl[last]), decimals, _)))
    parts += [_("Mean and process limits recalculated from {label}: {note}.").format(
        label=labels[i], note=note) for i, note in notes.items()]
    parts.append(_("Variation: {words}.").format(
        words=_(VARIATION_WORDS[result.variation_icon])))
    if result.assurance in ASSURANCE_WORDS:
        parts.append(_("Assurance against the target of {target}: {words}.").format(
            target=_num(float(result.target or 0), decimals, _),
            words=_(ASSURANCE_WORDS[result.assurance])))
    else:
        parts.append(_("Assurance: not assessed (no target, or a neutral measure)."))
    n_special = int(result.special_cause.sum())
    if n_special:
        # Phrased without a plural: Welsh counts with a singular noun in any case.
        parts.append(_("Points showing special cause variation: {n}.").format(n=n_special))
    if result.trial_limits:
        parts.append(_("Limits are trial limits (too few points)."))
    return " ".join(parts)


@attrs.frozen(kw_only=True)
class _Frame:
    """The plotting area, its scales and ticks: point index -> x, value -> y."""

    n: int
    left: float
    top: float
    pw: float
    ph: float
    ticks: Ticks

    @property
    def right(self) -> float:
        return self.left + self.pw

    @property
    def bottom(self) -> float:
        return self.top + self.ph

    def sx(self, i: float) -> float:
        inner = self.pw - 16
        return self.left + 8 + (inner * i / (self.n - 1) if self.n > 1 else inner / 2)

    def sy(self, v: float) -> float:
        return Linear(self.ticks.lo, self.ticks.hi, self.bottom, self.top)(v)


def _ticks(result: XmrResult, count: int) -> Ticks:
    """Round ticks covering every value, limit and the target."""
    series = [result.values, result.upl, result.lpl]
    if result.target is not None:
        series.append(np.array([result.target]))
    allv = np.concatenate([np.asarray(a, dtype=float).ravel() for a in series])
    allv = allv[np.isfinite(allv)]
    lo, hi = (float(allv.min()), float(allv.max())) if allv.size else (0.0, 1.0)
    return nice_ticks(lo, hi, count=count)


def _axes(f: _Frame, labs: Sequence[str]) -> list[str]:
    out = []
    for v, lab in zip(f.ticks.values, f.ticks.labels, strict=True):
        y = f.sy(v)
        out.append(line(f.left, y, f.right, y, stroke=GRID, cls="spc-grid"))
        out.append(text(f.left - 6, y + 4, lab, anchor="end", size=11, cls="spc-tick",
                        fill=MUTED))
    out.append(line(f.left, f.bottom, f.right, f.bottom, stroke=MUTED, cls="spc-axis"))
    widest = max((text_width(s, 11) for s in labs), default=10.0)
    shown = thin_indices(f.n, int(f.pw // (widest + 12)))
    if shown and f.sx(f.n - 1) - f.sx(shown[-1]) >= widest + 6:
        shown.append(f.n - 1)  # the latest period is always worth a label
    for i in shown:
        x = f.sx(i)
        out.append(line(x, f.bottom, x, f.bottom + 4, stroke=MUTED, cls="spc-xtick"))
        out.append(text(x, f.bottom + 17, labs[i], anchor="middle", size=11,
                        cls="spc-xlabel", fill=MUTED))
    return out


def _limits(f: _Frame, result: XmrResult) -> list[str]:
    """Mean and process limits: one horizontal segment per rebase group."""
    out = []
    groups = np.asarray(result.group)
    for g in np.unique(groups) if f.n else []:
        idx = np.flatnonzero(groups == g)
        x1, x2 = f.sx(float(idx[0])), f.sx(float(idx[-1]))
        if x1 == x2:
            x1, x2 = x1 - 4, x2 + 4
        i0 = int(idx[0])
        for name, val, colour, dash in (
                ("spc-mean", result.mean[i0], COLOURS["mean_line"], ""),
                ("spc-upl", result.upl[i0], COLOURS["limits"], _LIMIT_DASH),
                ("spc-lpl", result.lpl[i0], COLOURS["limits"], _LIMIT_DASH)):
            if math.isfinite(float(val)):
                y = f.sy(float(val))
                out.append(line(x1, y, x2, y, stroke=colour, width=1.5, dash=dash, cls=name))
    return out


def _target(f: _Frame, result: XmrResult) -> list[str]:
    if result.target is None or not math.isfinite(result.target):
        return []
    ty = f.sy(result.target)
    return [line(f.left, ty, f.right, ty, stroke=COLOURS["target"], width=1.5,
                 dash=_TARGET_DASH, cls="spc-target")]


def _end_labels(f: _Frame, result: XmrResult, decimals: int | None,
                _: Translator) -> list[str]:
    """Values of the latest group's upper limit, mean and lower limit, and the target,
    at the right-hand end of their lines (spread so they never overlap)."""
    items: list[tuple[float, str, str, str]] = []
    # The computed lines, all to one decimal finer than the ticks (8.8, not 8.75).
    d = decimals if decimals is not None else f.ticks.decimals + 1
    if f.n:
        last = f.n - 1
        for val, colour, cls in ((result.upl[last], MUTED, "spc-upl-label"),
                                 (result.mean[last], INK, "spc-mean-label"),
                                 (result.lpl[last], MUTED, "spc-lpl-label")):
            if math.isfinite(float(val)):
                items.append((float(val), _num(float(val), d, _), colour, cls))
    if result.target is not None and math.isfinite(result.target):
        items.append((result.target, _("Target {value}").format(
            value=_num(result.target, decimals, _)), COLOURS["target"], "spc-target-label"))
    ys = spread([f.sy(v) + 4 for v, *_rest in items], 13, f.top + 4, f.bottom + 4)
    return [text(f.right + 6, y, s, size=11, cls=cls, fill=colour, halo=True)
            for (_v, s, colour, cls), y in zip(items, ys, strict=True)]


def _rebases(f: _Frame, notes: Mapping[int, str], y_label: str) -> list[str]:
    """A vertical line between the last point of a group and the first of the next, and
    its note above the plot (moved up a row where it would run into the axis title or
    the note before)."""
    out = []
    row_end = [f.left + text_width(y_label, 11) + 6 if y_label else -math.inf, -math.inf]
    for i, note in notes.items():
        x = (f.sx(i - 1) + f.sx(i)) / 2
        out.append(line(x, f.top - 14, x, f.bottom, stroke=_REBASE, width=1.5, dash="4 3",
                        cls="spc-rebase"))
        w = text_width(note, 11)
        anchor, x0 = ("start", x + 4) if x + 4 + w <= f.right + 80 else ("end", x - 4)
        start = x0 if anchor == "start" else x0 - w
        row = 0 if start > row_end[0] else 1
        row_end[row] = start + w
        out.append(text(x0, f.top - 4 - 14 * row, note, anchor=anchor, size=11,
                        cls="spc-rebase-note", fill=_REBASE, halo=True))
    return out


def _points(f: _Frame, result: XmrResult, labs: Sequence[str], decimals: int | None,
            _: Translator) -> list[str]:
    """The value line, broken at gaps, and each point coloured by its type; special-cause
    points are larger and ringed, so they stand out without colour."""
    out = []
    run: list[str] = []
    for i in range(f.n + 1):
        if i < f.n and result.valid[i]:
            run.append(f"{fmt(f.sx(i))},{fmt(f.sy(float(result.values[i])))}")
            continue
        if len(run) > 1:
            out.append(f'<polyline class="spc-line" points="{" ".join(run)}" fill="none" '
                       f'stroke="{COLOURS["value_line"]}" stroke-width="1.5"/>')
        run = []
    for i, pt in enumerate(result.point_type.tolist()):
        if pt == "missing":
            continue
        v = float(result.values[i])
        special = pt != "common_cause"
        ring = ' stroke="#ffffff" stroke-width="1"' if special else ""
        tip = f"{labs[i]}: {_num(v, decimals, _)} ({_(POINT_WORDS[pt])})"
        out.append(
            f'<circle class={quoteattr("spc-point " + pt)} cx="{fmt(f.sx(i))}" '
            f'cy="{fmt(f.sy(v))}" r="{5 if special else 3.5}" fill="{_POINT_COLOUR[pt]}"'
            f"{ring}><title>{escape(tip)}</title></circle>")
    return out


def _icons(result: XmrResult, width: float, _: Translator) -> list[str]:
    """The variation icon, then the assurance icon, at the top right, each captioned."""
    has_assurance = result.assurance in ASSURANCE_WORDS
    x = width - 10 - _ICON - (_ICON + 18 if has_assurance else 0)
    out = [variation_icon(result.variation_icon, x, 4, _ICON, _),
           text(x + _ICON / 2, _ICON + 16, _("Variation"), anchor="middle", size=10,
                cls="spc-icon-caption", fill=MUTED)]
    if has_assurance:
        x += _ICON + 18
        out += [assurance_icon(result.assurance, x, 4, _ICON, _),
                text(x + _ICON / 2, _ICON + 16, _("Assurance"), anchor="middle", size=10,
                     cls="spc-icon-caption", fill=MUTED)]
    return out


def _legend_items(result: XmrResult, rebased: bool,
                  _: Translator) -> list[LegendItem | None]:
    items: list[LegendItem | None] = [
        LegendItem("line", COLOURS["value_line"], _("Data"), width=1.5),
        LegendItem("line", COLOURS["mean_line"], _("Mean"), width=1.5),
        LegendItem("line", COLOURS["limits"], _("Process limits"), dash=_LIMIT_DASH, width=1.5)]
    if result.target is not None and math.isfinite(result.target):
        items.append(LegendItem("line", COLOURS["target"], _("Target"), dash=_TARGET_DASH))
    if rebased:
        items.append(LegendItem("vline", _REBASE, _("Rebase"), dash="4 3", width=1.5))
    # The points on a row of their own: lines, then what the dots' colours mean.
    items += [None, LegendItem("dot", COLOURS["common_cause"],
                               capitalise(_(POINT_WORDS["common_cause"])))]
    if result.improvement == "neutral":
        items.append(LegendItem("dot", COLOURS["special_cause_neutral"],
                                _("Special cause neutral")))
    else:
        items += [LegendItem("dot", COLOURS[k], capitalise(_(POINT_WORDS[k])))
                  for k in ("special_cause_improvement", "special_cause_concern")]
    return items


def render_xmr_svg(result: XmrResult, *, title: str, labels: Sequence[str] | None = None,
                   width: int = 800, height: int = 400, lang: str = "en",
                   rebase_notes: Mapping[int, str] | None = None, y_label: str = "",
                   decimals: int | None = None, chart_id: str | None = None) -> str:
    """Render one XmR chart as an SVG document in the Making Data Count style.

    Parameters
    ----------
    result : XmrResult
        A chart from :func:`perfcore.calc.spc.xmr` (or a row of an
        :class:`~perfcore.calc.spc.XmrBatchResult`).
    title : str
        Chart title, already in the chart's language; also the SVG ``<title>``.
    labels : sequence of str, optional
        One x-axis label per point (e.g. months); defaults to 1, 2, 3 ... Labels are
        thinned to fit (every 2nd, 3rd, 4th, 6th, 12th ... from the first).
    width, height : int
        Size in pixels (the SVG scales: it has a ``viewBox``).
    lang : str
        Language of the words in the chart and its text alternatives (``"en"``, ``"cy"``).
    rebase_notes : mapping of int to str, optional
        A note for each rebase, keyed by the position of the first point of the new group
        (``{15: "Rebased October 2023: recording change"}``), already in the chart's
        language; a rebase without a note is marked "Rebased <label>". A position where
        no group starts raises :class:`~perfcore.errors.OptionError`.
    y_label : str
        Words for the values' axis (e.g. "Crimes a month"), shown above it.
    decimals : int, optional
        Decimals of the values in labels and text alternatives (default: about three
        significant figures).
    chart_id : str, optional
        Prefix of the ids inside the SVG; give each chart on a page its own (default: a
        hash of the title and values).

    Returns
    -------
    str
        A standalone SVG document with ``role="img"``, a ``<title>`` and a ``<desc>``
        stating the latest value, mean, limits, rebases, variation and assurance. All
        text is XML-escaped. :func:`xmr_table_html` gives the same data as a table.
    """
    _ = translator(lang)
    labs = _labels(result, labels)
    notes = _notes(result, rebase_notes, labs, _)
    ident = chart_id or make_id("spc", title, result.values.tolist(), labs)
    head, head_y = heading(12, 24, title, width=width - 24 - 2 * _ICON - 28,
                           cls="spc-heading")
    left, right = 58.0, 92.0
    top = max(92.0, head_y + 32) + (16 if notes else 0)
    pw = width - left - right
    items = _legend_items(result, bool(notes), _)
    leg_h = legend(items, x=12, y=0, width=width - 24)[1]
    ph = max(60.0, height - top - 30 - leg_h - 6)
    f = _Frame(n=len(result.values), left=left, top=top, pw=pw, ph=ph,
               ticks=_ticks(result, count=max(5, min(7, int(ph // 50)))))
    body = [*head, *_axes(f, labs), *_limits(f, result), *_target(f, result),
            *_rebases(f, notes, y_label), *_points(f, result, labs, decimals, _),
            *([text(f.left, f.top - 8, y_label, size=11, cls="spc-ylabel", fill=MUTED,
                    halo=True)] if y_label else []),
            *_end_labels(f, result, decimals, _), *_icons(result, width, _),
            *legend(items, x=12, y=f.bottom + 30, width=width - 24)[0]]
    return document(body, width=width, height=height, title=title,
                    desc=_describe(result, title, labs, notes, decimals, _,
                                   plural_translator(lang)), ident=ident,
                    cls="perfcore-chart spc-chart")


def xmr_table_html(result: XmrResult, *, title: str, labels: Sequence[str] | None = None,
                   lang: str = "en", rebase_notes: Mapping[int, str] | None = None,
                   decimals: int | None = None) -> str:
    """The data of an XmR chart as an accessible HTML table: each point's label, value,
    mean, process limits and point type in words, and the note of each rebase.

    Parameters are those of :func:`render_xmr_svg`. Returns a ``<table>`` with a
    ``<caption>``, ``scope``-d headers and escaped text.
    """
    _ = translator(lang)
    labs = _labels(result, labels)
    notes = _notes(result, rebase_notes, labs, _)
    headers = [_("Period"), _("Value"), _("Mean"), _("Lower process limit"),
               _("Upper process limit"), _("Point")]
    if notes:
        headers.append(_("Note"))
    rows = []
    for i, pt in enumerate(result.point_type.tolist()):
        row = [labs[i], _num(float(result.values[i]), decimals, _),
               _num(float(result.mean[i]), decimals, _),
               _num(float(result.lpl[i]), decimals, _),
               _num(float(result.upl[i]), decimals, _),
               _(POINT_WORDS[pt]) if pt in POINT_WORDS else _("n/a")]
        if notes:
            row.append(notes.get(i, ""))
        rows.append(row)
    return table_html(_("{title}: the chart's data").format(title=title), headers, rows,
                      cls="chart-data spc-data", numeric=range(1, 5))
