"""The Making Data Count icons, drawn in SVG.

Variation icons (the last point of an XmR chart): a ringed circle holding a small
chart of five dots — level and grey for common cause; for special cause the last two
dots rise (``high``, with an "H" above) or fall (``low``, with an "L" below) in blue
(improvement), orange (concern) or purple (neither). Assurance icons (the target against
the process limits): a ringed circle with a dashed target line and a grey process line —
the process above the target with a "P" (consistently passes, blue), below it with an "F"
(consistently fails, orange), the target through it with a "?" (hit and miss, grey).
These are the shapes and colours of NHS England's Making Data Count icons (as drawn by
NHSRplotthedots 0.2.2, ``inst/icons``), redrawn here on a 100 × 100 grid.

Every icon is a ``<g>`` with a ``<title>`` giving its words (a tooltip, and the text a
screen reader reads); the words also appear in each chart's ``<desc>`` and data table.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from perfcore.i18n import Translator, translator
from perfcore.labels import ASSURANCE_WORDS, VARIATION_WORDS
from perfcore.report.charts.svg import FONT, chart_id, fmt

__all__ = ["ASSURANCE_COLOURS", "MDC_COLOURS", "VARIATION_COLOURS", "assurance_icon",
           "assurance_icon_svg", "variation_icon", "variation_icon_svg"]

#: The Making Data Count colours (NHSRplotthedots ``ptd_spc_colours()``).
MDC_COLOURS = {"common_cause": "#a6a6a6", "improvement": "#00b0f0", "concern": "#e46c0a",
               "neutral": "#490092"}
#: Darker grey for the icons' lines and letters on white.
_LINE_GREY = "#7f7f7f"

#: Variation icon -> colour of its ring and special-cause dots.
VARIATION_COLOURS = {
    "common_cause": MDC_COLOURS["common_cause"],
    "improvement_high": MDC_COLOURS["improvement"],
    "improvement_low": MDC_COLOURS["improvement"],
    "concern_high": MDC_COLOURS["concern"],
    "concern_low": MDC_COLOURS["concern"],
    "neutral_high": MDC_COLOURS["neutral"],
    "neutral_low": MDC_COLOURS["neutral"],
    "none": MDC_COLOURS["common_cause"],
}
#: Assurance icon -> colour of its ring, letter and target line.
ASSURANCE_COLOURS = {
    "consistent_pass": MDC_COLOURS["improvement"],
    "consistent_fail": MDC_COLOURS["concern"],
    "inconsistent": MDC_COLOURS["common_cause"],
}

_DOT_X = (24.0, 37.0, 50.0, 63.0, 76.0)
#: Heights of the five dots (the last two are the special-cause ones).
_DOT_Y = {"common": (56.0, 64.0, 52.0, 62.0, 56.0),
          "high": (66.0, 70.0, 66.0, 57.0, 50.0),
          "low": (36.0, 32.0, 36.0, 45.0, 52.0)}
#: The process line of the assurance icons and where each puts the target.
_PROCESS = "M20 63 C28 50 36 50 43 59 S55 71 62 62 S72 56 80 61"
_TARGET_Y = {"consistent_pass": 77.0, "consistent_fail": 48.0, "inconsistent": 62.0}
_LETTERS = {"consistent_pass": "P", "consistent_fail": "F", "inconsistent": "?"}


def _ring(colour: str) -> str:
    return (f'<circle cx="50" cy="50" r="44" fill="#ffffff" stroke="{colour}" '
            'stroke-width="7"/>')


def _letter(s: str, y: float, colour: str) -> str:
    return (f'<text x="50" y="{fmt(y)}" font-size="25" font-weight="bold" '
            f'text-anchor="middle" fill="{colour}">{escape(s)}</text>')


def _variation_body(icon: str) -> list[str]:
    colour = VARIATION_COLOURS.get(icon, MDC_COLOURS["common_cause"])
    out = [_ring(colour)]
    if icon == "none":
        return [*out, f'<line x1="34" y1="50" x2="66" y2="50" stroke="{_LINE_GREY}" '
                'stroke-width="5"/>']
    shape = "common" if icon == "common_cause" else icon.rsplit("_", 1)[1]
    ys = _DOT_Y[shape]
    d = "M" + " L".join(f"{fmt(x)} {fmt(y)}" for x, y in zip(_DOT_X, ys, strict=True))
    out.append(f'<path d="{d}" fill="none" stroke="{_LINE_GREY}" stroke-width="3"/>')
    for k, (x, y) in enumerate(zip(_DOT_X, ys, strict=True)):
        fill = colour if shape != "common" and k >= 3 else (
            MDC_COLOURS["common_cause"] if shape == "common" else _LINE_GREY)
        out.append(f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="6" fill="{fill}"/>')
    if shape == "high":
        out.append(_letter("H", 38, colour))
    elif shape == "low":
        out.append(_letter("L", 80, colour))
    return out


def _assurance_body(icon: str) -> list[str]:
    colour = ASSURANCE_COLOURS[icon]
    letter_colour = _LINE_GREY if icon == "inconsistent" else colour
    ty = _TARGET_Y[icon]
    return [_ring(colour), _letter(_LETTERS[icon], 38, letter_colour),
            f'<path d="{_PROCESS}" fill="none" stroke="{_LINE_GREY}" stroke-width="4"/>',
            f'<line x1="14" y1="{fmt(ty)}" x2="86" y2="{fmt(ty)}" stroke="{colour}" '
            'stroke-width="3.5" stroke-dasharray="8 3"/>']


def _group(kind: str, icon: str, title: str, body: Sequence[str], x: float, y: float,
           size: float) -> str:
    return (f'<g class="mdc-icon spc-{kind}-icon" data-icon={quoteattr(icon)} '
            f'transform="translate({fmt(x)} {fmt(y)}) scale({size / 100:.4g})">'
            f"<title>{escape(title)}</title>" + "".join(body) + "</g>")


def variation_icon(icon: str, x: float, y: float, size: float, _: Translator) -> str:
    """The variation icon ``icon`` (a :data:`perfcore.calc.spc.VARIATION_ICONS` name)
    as a ``<g>`` of ``size`` pixels with its top-left corner at (x, y)."""
    title = _("Variation: {words}").format(words=_(VARIATION_WORDS[icon]))
    return _group("variation", icon, title, _variation_body(icon), x, y, size)


def assurance_icon(icon: str, x: float, y: float, size: float, _: Translator) -> str:
    """The assurance icon ``icon`` (``consistent_pass``, ``consistent_fail`` or
    ``inconsistent``) as a ``<g>``; ``""`` for ``none`` (no target, or neutral)."""
    if icon not in ASSURANCE_COLOURS:
        return ""
    title = _("Assurance: {words}").format(words=_(ASSURANCE_WORDS[icon]))
    return _group("assurance", icon, title, _assurance_body(icon), x, y, size)


def _standalone(group: str, title: str, size: float) -> str:
    ident = chart_id("mdc-icon", title, size)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{fmt(size)}" '
            f'height="{fmt(size)}" viewBox="0 0 {fmt(size)} {fmt(size)}" role="img" '
            f'aria-labelledby="{ident}" font-family="{FONT}" class="mdc-icon">'
            f'<title id="{ident}">{escape(title)}</title>{group}</svg>')


def variation_icon_svg(icon: str, *, size: float = 40, lang: str = "en") -> str:
    """A variation icon as a standalone ``<svg>`` (e.g. for a table cell), its
    ``<title>`` saying what it means ("Variation: common cause variation")."""
    _ = translator(lang)
    title = _("Variation: {words}").format(words=_(VARIATION_WORDS[icon]))
    return _standalone(variation_icon(icon, 0, 0, size, _), title, size)


def assurance_icon_svg(icon: str, *, size: float = 40, lang: str = "en") -> str:
    """An assurance icon as a standalone ``<svg>``; ``""`` for ``none``."""
    _ = translator(lang)
    if icon not in ASSURANCE_COLOURS:
        return ""
    title = _("Assurance: {words}").format(words=_(ASSURANCE_WORDS[icon]))
    return _standalone(assurance_icon(icon, 0, 0, size, _), title, size)
