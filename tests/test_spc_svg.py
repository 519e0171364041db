"""Tests for perfcore.report.charts.spc (an accessible SVG XmR chart)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from perfcore.calc.spc import xmr
from perfcore.errors import OptionError, TrialLimitsWarning
from perfcore.report.charts.spc import COLOURS, render_xmr_svg

NS = {"s": "http://www.w3.org/2000/svg"}
# 15 stable points then a shift up: improvement with increase as the direction
SHIFT = [10.0, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 30]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_svg_parses_and_has_accessible_text() -> None:
    r = xmr(SHIFT, target=15)
    root = parse(render_xmr_svg(r, title="Burglary <all> & 'dwelling'"))
    assert root.get("role") == "img"
    title = root.find("s:title", NS)
    desc = root.find("s:desc", NS)
    assert title is not None
    assert title.text == "Burglary <all> & 'dwelling'"
    assert desc is not None
    assert desc.text is not None
    assert "improvement (higher values)" in desc.text
    assert "inconsistently pass and fail the target" in desc.text
    assert "Latest value 30 (16)" in desc.text


def test_svg_elements_and_colours() -> None:
    with pytest.warns(TrialLimitsWarning):
        r = xmr(SHIFT, target=15, rebase=[8])
    root = parse(render_xmr_svg(r, title="t", labels=[f"M{i}" for i in range(16)]))
    circles = root.findall(".//s:circle[@class]", NS)
    assert len(circles) == 16
    last = circles[-1]
    assert last.get("class") == "spc-point special_cause_improvement"
    assert last.get("fill") == COLOURS["special_cause_improvement"] == "#00b0f0"
    assert circles[0].get("fill") == "#a6a6a6"
    assert len(root.findall(".//s:line[@class='spc-mean']", NS)) == 2  # one per group
    assert len(root.findall(".//s:line[@class='spc-upl']", NS)) == 2
    assert len(root.findall(".//s:line[@class='spc-target']", NS)) == 1
    icons = {g.get("data-icon") for g in root.findall(".//s:g", NS)}
    assert icons == {"improvement_high", "inconsistent"}
    labels = [t.text for t in root.findall(".//s:text[@class='spc-xlabel']", NS)]
    assert labels[0] == "M0"


def test_svg_concern_colour_gap_and_no_assurance() -> None:
    y = [*SHIFT[:8], float("nan"), *SHIFT[9:]]
    r = xmr(y, improvement="decrease", allow_gaps=True)
    svg = render_xmr_svg(r, title="Gaps")
    root = parse(svg)
    assert len(root.findall(".//s:circle[@class]", NS)) == 15  # the gap has no point
    assert len(root.findall(".//s:polyline", NS)) == 2  # the line breaks at the gap
    assert root.findall(".//s:circle[@class]", NS)[-1].get("fill") == "#e46c0a"
    assert {g.get("data-icon") for g in root.findall(".//s:g", NS)} == {"concern_high"}
    desc = root.find("s:desc", NS)
    assert desc is not None
    assert desc.text is not None
    assert "Assurance: not assessed" in desc.text


def test_svg_neutral_purple_and_label_escaping() -> None:
    r = xmr(SHIFT, improvement="neutral")
    root = parse(render_xmr_svg(r, title="x", labels=[f"<{i}&>" for i in range(16)]))
    assert root.findall(".//s:circle[@class]", NS)[-1].get("fill") == "#490092"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<0&>" in texts


def test_svg_labels_length_checked() -> None:
    with pytest.raises(OptionError):
        render_xmr_svg(xmr(SHIFT), title="x", labels=["a"])
