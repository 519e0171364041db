"""An XmR (SPC) chart as a standalone, accessible SVG string, with no plotting dependency.

Colours are those of NHSRplotthedots 0.2.2 (``R/ptd_spc_colours.R``), standardised with
the Making Data Count team (issue #196): common cause grey ``#a6a6a6``, improvement blue
``#00b0f0``, concern orange ``#e46c0a``, neutral purple ``#490092``, mean line black,
process limits grey, target red ``#de1b1b``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import attrs
import numpy as np

from perfcore.calc.spc import XmrResult
from perfcore.errors import OptionError
from perfcore.i18n import Translator, translator
from perfcore.labels import ASSURANCE_WORDS, POINT_WORDS, VARIATION_WORDS

__all__ = ["COLOURS", "render_xmr_svg"]

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

_POINT_COLOUR = {
    "common_cause": COLOURS["common_cause"],
    "special_cause_improvement": COLOURS["special_cause_improvement"],
    "special_cause_concern": COLOURS["special_cause_concern"],
    "special_cause_neutral_high": COLOURS["special_cause_neutral"],
    "special_cause_neutral_low": COLOURS["special_cause_neutral"],
}

# icon -> (colour, letter shown). The letters are the icons' own (Making Data Count),
# shown as drawn in every language; the words are in perfcore.labels.
_VARIATION = {
    "common_cause": (COLOURS["common_cause"], "~"),
    "improvement_high": (COLOURS["special_cause_improvement"], "H"),
    "improvement_low": (COLOURS["special_cause_improvement"], "L"),
    "concern_high": (COLOURS["special_cause_concern"], "H"),
    "concern_low": (COLOURS["special_cause_concern"], "L"),
    "neutral_high": (COLOURS["special_cause_neutral"], "H"),
    "neutral_low": (COLOURS["special_cause_neutral"], "L"),
    "none": (COLOURS["common_cause"], "–"),
}
_ASSURANCE = {
    "consistent_pass": (COLOURS["special_cause_improvement"], "P"),
    "consistent_fail": (COLOURS["special_cause_concern"], "F"),
    "inconsistent": (COLOURS["common_cause"], "?"),
}


def _fmt(v: float) -> str:
    return f"{v:.2f}"


def _num(v: float) -> str:
    """A value for people: up to 4 significant figures, no exponent for ordinary sizes."""
    if not math.isfinite(v):
        return "n/a"
    return f"{v:,.4g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.3g}"


def _text(x: float, y: float, s: str, *, anchor: str = "start", size: int = 12,
          cls: str = "", fill: str = "#222222", weight: str = "normal") -> str:
    return (f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}" font-family="Arial, Helvetica, sans-serif"'
            f'{" class=" + quoteattr(cls) if cls else ""}>{escape(s)}</text>')


def _describe(result: XmrResult, title: str, labels: Sequence[str], _: Translator) -> str:
    n_valid = int(result.valid.sum())
    if len(labels):
        parts = [_("{title}: XmR chart of {n} points from {first} to {last}.").format(
            title=title, n=n_valid, first=labels[0], last=labels[-1])]
    else:
        parts = [_("{title}: XmR chart of {n} points.").format(title=title, n=n_valid)]
    valid_idx = np.flatnonzero(result.valid)
    if valid_idx.size:
        last = int(valid_idx[-1])
        parts.append(_("Latest value {value} ({label}); mean {mean}, process limits "
                       "{lower} to {upper}.").format(
            value=_num(float(result.values[last])), label=labels[last],
            mean=_num(float(result.mean[last])), lower=_num(float(result.lpl[last])),
            upper=_num(float(result.upl[last]))))
    parts.append(_("Variation: {words}.").format(
        words=_(VARIATION_WORDS[result.variation_icon])))
    if result.assurance in _ASSURANCE:
        parts.append(_("Assurance against the target of {target}: {words}.").format(
            target=_num(float(result.target or 0)), words=_(ASSURANCE_WORDS[result.assurance])))
    else:
        parts.append(_("Assurance: not assessed (no target, or a neutral measure)."))
    n_special = int(result.special_cause.sum())
    if n_special:
        # Phrased without a plural: Welsh counts with a singular noun in any case.
        parts.append(_("Points showing special cause variation: {n}.").format(n=n_special))
    if result.trial_limits:
        parts.append(_("Limits are trial limits (too few points)."))
    return " ".join(parts)


@attrs.frozen
class _Frame:
    """The plotting area and its scales: point index → x, value → y."""

    n: int
    lo: float
    hi: float
    left: float = 60.0
    top: float = 40.0
    pw: float = 630.0
    ph: float = 310.0

    def sx(self, i: float) -> float:
        return self.left + (self.pw * (i / (self.n - 1)) if self.n > 1 else self.pw / 2)

    def sy(self, v: float) -> float:
        return self.top + self.ph * (1 - (v - self.lo) / (self.hi - self.lo))


def _frame(result: XmrResult, width: int, height: int) -> _Frame:
    """The value range shown: every value, limit and the target, with 5% to spare."""
    series = [result.values, result.upl, result.lpl]
    if result.target is not None:
        series.append(np.array([result.target]))
    finite = np.concatenate([np.asarray(a, dtype=float).ravel() for a in series])
    finite = finite[np.isfinite(finite)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.05
    left, right, top, bottom = 60.0, 110.0, 40.0, 50.0
    return _Frame(n=len(result.values), lo=lo - pad, hi=hi + pad, left=left, top=top,
                  pw=width - left - right, ph=height - top - bottom)


def _axes(f: _Frame, labs: Sequence[str]) -> list[str]:
    out = [f'<line class="spc-axis" x1="{_fmt(f.left)}" y1="{_fmt(f.top + f.ph)}" '
           f'x2="{_fmt(f.left + f.pw)}" y2="{_fmt(f.top + f.ph)}" stroke="#666666"/>',
           f'<line class="spc-axis" x1="{_fmt(f.left)}" y1="{_fmt(f.top)}" x2="{_fmt(f.left)}" '
           f'y2="{_fmt(f.top + f.ph)}" stroke="#666666"/>']
    for k in range(5):
        v = f.lo + (f.hi - f.lo) * k / 4
        out.append(_text(f.left - 6, f.sy(v) + 4, _num(v), anchor="end", size=10,
                         cls="spc-tick"))
    step = max(1, math.ceil(f.n / 12))
    out += [_text(f.sx(i), f.top + f.ph + 16, labs[i], anchor="middle", size=10,
                  cls="spc-xlabel") for i in range(0, f.n, step)]
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
                ("spc-upl", result.upl[i0], COLOURS["limits"], ' stroke-dasharray="6 4"'),
                ("spc-lpl", result.lpl[i0], COLOURS["limits"], ' stroke-dasharray="6 4"')):
            if math.isfinite(float(val)):
                y = _fmt(f.sy(float(val)))
                out.append(f'<line class="{name}" x1="{_fmt(x1)}" y1="{y}" x2="{_fmt(x2)}" '
                           f'y2="{y}" stroke="{colour}" stroke-width="1.5"{dash}/>')
    return out


def _target(f: _Frame, result: XmrResult, _: Translator) -> list[str]:
    if result.target is None or not math.isfinite(result.target):
        return []
    ty = f.sy(result.target)
    return [f'<line class="spc-target" x1="{_fmt(f.left)}" y1="{_fmt(ty)}" '
            f'x2="{_fmt(f.left + f.pw)}" y2="{_fmt(ty)}" stroke="{COLOURS["target"]}" '
            'stroke-width="1.5" stroke-dasharray="2 3"/>',
            _text(f.left + f.pw + 4, ty + 4, _("Target {value}").format(
                value=_num(result.target)), size=10, cls="spc-target-label",
                fill=COLOURS["target"])]


def _points(f: _Frame, result: XmrResult, labs: Sequence[str], _: Translator) -> list[str]:
    """The value line, broken at gaps, and each point coloured by its type."""
    out = []
    run: list[str] = []
    for i in range(f.n + 1):
        if i < f.n and result.valid[i]:
            run.append(f"{_fmt(f.sx(i))},{_fmt(f.sy(float(result.values[i])))}")
            continue
        if len(run) > 1:
            out.append(f'<polyline class="spc-line" points="{" ".join(run)}" fill="none" '
                       f'stroke="{COLOURS["value_line"]}" stroke-width="1.5"/>')
        run = []
    for i, pt in enumerate(result.point_type.tolist()):
        if pt == "missing":
            continue
        v = float(result.values[i])
        out.append(
            f'<circle class={quoteattr("spc-point " + pt)} cx="{_fmt(f.sx(i))}" '
            f'cy="{_fmt(f.sy(v))}" r="4" fill="{_POINT_COLOUR[pt]}">'
            f"<title>{escape(f'{labs[i]}: {_num(v)} ({_(POINT_WORDS[pt])})')}"
            "</title></circle>")
    return out


def _icons(f: _Frame, result: XmrResult, _: Translator) -> list[str]:
    """The variation icon, then the assurance icon, at the top right."""
    cx = f.left + f.pw + 55
    colour, letter = _VARIATION[result.variation_icon]
    words = VARIATION_WORDS[result.variation_icon]
    out = ['<g class="spc-icon spc-variation-icon" '
           f'data-icon={quoteattr(result.variation_icon)}>'
           f"<title>{escape(_('Variation: {words}').format(words=_(words)))}</title>"
           f'<circle cx="{_fmt(cx)}" cy="{_fmt(f.top + 22)}" r="20" fill="#ffffff" '
           f'stroke="{colour}" stroke-width="3"/>'
           + _text(cx, f.top + 28, letter, anchor="middle", size=16, fill=colour,
                   weight="bold") + "</g>"]
    if result.assurance in _ASSURANCE:
        colour, letter = _ASSURANCE[result.assurance]
        words = ASSURANCE_WORDS[result.assurance]
        out.append('<g class="spc-icon spc-assurance-icon" '
                   f'data-icon={quoteattr(result.assurance)}>'
                   f"<title>{escape(_('Assurance: {words}').format(words=_(words)))}</title>"
                   f'<circle cx="{_fmt(cx)}" cy="{_fmt(f.top + 70)}" r="20" fill="{colour}"/>'
                   + _text(cx, f.top + 76, letter, anchor="middle", size=16, fill="#ffffff",
                           weight="bold") + "</g>")
    return out


def render_xmr_svg(result: XmrResult, *, title: str, labels: Sequence[str] | None = None,
                   width: int = 800, height: int = 400, lang: str = "en") -> str:
    """Render one XmR chart as an SVG document.

    Parameters
    ----------
    result : XmrResult
        A chart from :func:`perfcore.calc.spc.xmr`.
    title : str
        Chart title; also the SVG ``<title>``.
    labels : sequence of str, optional
        One x-axis label per point (e.g. months); defaults to 1, 2, 3 ...
    width, height : int
        Size in pixels (the SVG scales: it has a ``viewBox``).
    lang : str
        Language of the words in the chart and its text alternatives (``"en"``, ``"cy"``).

    Returns
    -------
    str
        A standalone SVG document with ``role="img"``, a ``<title>`` and a ``<desc>``
        stating the variation and assurance results. All text is XML-escaped.
    """
    _ = translator(lang)
    n = len(result.values)
    labs = [str(v) for v in labels] if labels is not None else [str(i + 1) for i in range(n)]
    if len(labs) != n:
        raise OptionError(reason=f"has {len(labs)} entries for {n} points", option="labels",
                          value=labels, allowed=f"{n} labels, one per point")
    f = _frame(result, width, height)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="spc-title spc-desc">',
           f'<title id="spc-title">{escape(title)}</title>',
           f'<desc id="spc-desc">{escape(_describe(result, title, labs, _))}</desc>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           _text(f.left, 24, title, size=16, weight="bold", cls="spc-heading"),
           *_axes(f, labs), *_limits(f, result), *_target(f, result, _),
           *_points(f, result, labs, _), *_icons(f, result, _), "</svg>"]
    return "\n".join(out)
