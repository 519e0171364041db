"""Tests for perfcore.report.charts: round ticks, the MDC-style XmR chart, the sparkline,
the peer chart and the funnel plot — each parsed as XML, checked for its text
alternatives, legend and self-containment, and drawn from real data in ``examples/data``.
"""

from __future__ import annotations

import csv
import math
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import rate_ci
from perfcore.calc.spc import VARIATION_ICONS, xmr
from perfcore.errors import OptionError, TrialLimitsWarning
from perfcore.report.charts import (
    assurance_icon_svg,
    funnel_plot_svg,
    funnel_table_html,
    nice_ticks,
    peer_chart_svg,
    peer_table_html,
    render_xmr_svg,
    sparkline_svg,
    variation_icon_svg,
    xmr_table_html,
)
from perfcore.report.charts.axes import spread, thin_indices
from perfcore.report.charts.svg import number_text, wrap

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "data"
# Gwent's Most Similar Group as the example plan gives it (examples/gwent/plan-2020-21.toml:
# illustrative membership).
GWENT_MSG = ["Gwent", "South Wales", "Cleveland", "Humberside", "Lancashire",
             "Nottinghamshire", "Northumbria", "Merseyside"]


# --------------------------------------------------------------------------- helpers


def accessible(svg: str) -> ET.Element:
    """Parse a chart and check what every chart must have: role="img", a viewBox, a
    <title> and <desc> its aria-labelledby names, and nothing fetched from outside."""
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox") or "")
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert (root.get("aria-labelledby") or "").split() == [title.get("id"), desc.get("id")]
    outside = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http" not in outside
    assert "href" not in outside and "@import" not in outside and "<image" not in outside
    return root


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "text")
            if cls is None or cls in (t.get("class") or "").split()]


def parse_table(html: str) -> ET.Element:
    table = ET.fromstring(html)  # the helpers write well-formed, escaped XHTML
    assert table.tag == "table"
    assert table.find("caption") is not None
    assert all(th.get("scope") == "col" for th in table.iter("th")
               if th in list(table.find("thead/tr")))  # type: ignore[arg-type]
    return table


def table_rows(table: ET.Element) -> list[list[str]]:
    return [["".join(c.itertext()) for c in tr] for tr in table.iter("tr")][1:]


def burglary() -> tuple[list[str], list[float]]:
    """Gwent burglary, July 2022 to June 2025, from police.uk (36 months)."""
    path = EXAMPLES / "policeuk-gwent" / "street_counts_by_month_crime_type.csv"
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["crime_type"] == "Burglary"]
    return [r["month"] for r in rows], [float(r["count"]) for r in rows]


def forces_2019() -> dict[str, tuple[float, float]]:
    """Total recorded crime (excluding fraud) and population of the 43 police force
    areas, year ending March 2019 (ONS tables P1 and P3)."""
    root = EXAMPLES / "prc-pfa"
    with (root / "ons_pfa_p1_offences.csv").open(encoding="utf-8") as f:
        crimes = {r["area_name"]: float(r["number_of_offences"]) for r in csv.DictReader(f)
                  if r["area_type"] == "police_force_area" and r["period_end"] == "2019-03-31"
                  and r["offence_group"] == "Total recorded crime (excluding fraud)"}
    with (root / "ons_pfa_p3_population.csv").open(encoding="utf-8") as f:
        pop = {r["area_name"]: float(r["population"]) for r in csv.DictReader(f)
               if r["area_type"] == "police_force_area" and r["period_end"] == "2019-03-31"}
    return {k: (crimes[k], pop[k]) for k in sorted(crimes)}


# --------------------------------------------------------------------------- axes


def test_round_ticks_for_the_odd_spc_range() -> None:
    # The standalone chart used to label 52.1 / 101.1 / 247.9 (issue 16).
    t = nice_ticks(52.1, 247.9)
    assert t.values == (50.0, 100.0, 150.0, 200.0, 250.0)
    assert t.labels == ("50", "100", "150", "200", "250")


@pytest.mark.parametrize(("lo", "hi", "labels"), [
    (0.1, 0.3, ("0.10", "0.15", "0.20", "0.25", "0.30")),
    (0, 8_817_300, ("0", "2,500,000", "5,000,000", "7,500,000", "10,000,000")),
    (100, 100, ("90", "95", "100", "105", "110")),
    (23.2, 37.64, ("20", "25", "30", "35", "40")),
])
def test_round_ticks_examples(lo: float, hi: float, labels: tuple[str, ...]) -> None:
    assert nice_ticks(lo, hi).labels == labels


def test_round_ticks_no_float_noise_and_options() -> None:
    t = nice_ticks(0.1, 0.7)
    assert all(repr(v) == repr(round(v, 6)) for v in t.values)
    assert nice_ticks(40, 90, include_zero=True).lo == 0
    assert all(float(v).is_integer() for v in nice_ticks(0, 3, integer=True).values)
    assert nice_ticks(math.nan, 1).labels  # no finite range: a default axis, no error


@given(st.floats(-1e7, 1e7), st.floats(1e-3, 1e7))
def test_round_ticks_cover_the_range_with_round_steps(lo: float, span: float) -> None:
    hi = lo + span
    t = nice_ticks(lo, hi)
    tol = 1e-9 * max(span, abs(lo), abs(hi))  # float noise in lo / step, far below a pixel
    assert t.lo <= lo + tol and t.hi >= hi - tol
    assert 3 <= len(t.values) <= 9
    mantissa = t.step / 10 ** math.floor(math.log10(t.step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    assert len(set(t.labels)) == len(t.labels)


def test_thin_indices_spread_number_text_and_wrap() -> None:
    assert thin_indices(36, 12) == list(range(0, 36, 3))
    assert thin_indices(5, 12) == [0, 1, 2, 3, 4]
    assert thin_indices(0, 3) == []
    ys = spread([10, 12, 13, 50], 11, 0, 60)
    assert ys == [10, 21, 32, 50]
    assert spread([55, 56, 57], 11, 0, 60) == [38, 49, 60]
    assert number_text(58536.0) == "58,536"
    assert number_text(99.6018) == "99.6"
    assert number_text(-0.0001, 1) == "0.0"  # no "-0.0"
    assert number_text(0.000123) == "0.000123"
    assert number_text(float("nan"), na="dim ar gael") == "dim ar gael"
    assert wrap("a bb ccc", 20, 12) == ["a", "bb", "ccc"]


# --------------------------------------------------------------------------- MDC icons


@pytest.mark.parametrize("icon", VARIATION_ICONS)
def test_variation_icons_are_drawn_not_letters(icon: str) -> None:
    root = accessible_icon(variation_icon_svg(icon))
    g = root.find("s:g", NS)
    assert g is not None and g.get("data-icon") == icon
    ring = g.find("s:circle", NS)
    assert ring is not None and ring.get("r") == "44"  # the ringed circle
    if icon != "none":
        assert g.find("s:path", NS) is not None  # the little chart of five dots
        assert len(g.findall("s:circle", NS)) == 6
    if icon.endswith(("_high", "_low")):
        assert texts(g) == ["H" if icon.endswith("high") else "L"]
    title = g.find("s:title", NS)
    assert title is not None and (title.text or "").startswith("Variation: ")


def accessible_icon(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find("s:title", NS) is not None
    return root


def test_assurance_icons_colours_and_target_line() -> None:
    colours = {"consistent_pass": "#00b0f0", "consistent_fail": "#e46c0a",
               "inconsistent": "#a6a6a6"}
    for icon, colour in colours.items():
        g = accessible_icon(assurance_icon_svg(icon)).find("s:g", NS)
        assert g is not None
        ring = g.find("s:circle", NS)
        assert ring is not None and ring.get("stroke") == colour
        target = g.find("s:line", NS)
        assert target is not None and target.get("stroke-dasharray")
    assert assurance_icon_svg("none") == ""
    cy = ET.fromstring(assurance_icon_svg("consistent_fail", lang="cy")).find("s:title", NS)
    assert cy is not None and (cy.text or "").startswith("Sicrwydd: ")


# --------------------------------------------------------------------------- XmR chart

REBASE_NOTE = "Rebased October 2023: recording change"


def burglary_chart() -> tuple[list[str], str, object]:
    labels, values = burglary()
    assert len(values) == 36 and labels[15] == "2023-10"
    r = xmr(values, improvement="decrease", target=150, rebase=[15])
    svg = render_xmr_svg(r, title="Burglary, Gwent", labels=labels,
                         rebase_notes={15: REBASE_NOTE}, y_label="Crimes a month")
    return labels, svg, r


def test_xmr_chart_on_gwent_burglary_with_a_rebase() -> None:
    labels, svg, _r = burglary_chart()
    root = accessible(svg)
    # Round ticks: every y tick a multiple of one round step.
    ticks = [float(s.replace(",", "")) for s in texts(root, "spc-tick")]
    step = ticks[1] - ticks[0]
    assert step in (10, 20, 25, 50, 100) and all(t % step == 0 for t in ticks)
    # The rebase at October 2023: a marker, its note, two groups of mean and limits.
    assert len(root.findall(".//s:line[@class='spc-rebase']", NS)) == 1
    assert texts(root, "spc-rebase-note") == [REBASE_NOTE]
    assert len(root.findall(".//s:line[@class='spc-mean']", NS)) == 2
    desc = root.find("s:desc", NS)
    assert desc is not None and desc.text is not None
    assert f"recalculated from 2023-10: {REBASE_NOTE}" in desc.text
    # x labels thinned to fit: every quarter from the first month.
    assert texts(root, "spc-xlabel") == labels[::3]
    # Every point is drawn with its type in its tooltip.
    points = root.findall(".//s:circle[@class]", NS)
    assert len(points) == 36
    assert all(p.find("s:title", NS) is not None for p in points)


def test_xmr_chart_legend_and_icons() -> None:
    _labels, svg, _r = burglary_chart()
    root = accessible(svg)
    legend = texts(root, "legend-text")
    assert legend == ["Data", "Mean", "Process limits", "Target", "Rebase", "Common cause",
                      "Special cause improvement", "Special cause concern"]
    icons = root.findall(".//s:g[@data-icon]", NS)
    assert [g.get("class") for g in icons] == ["mdc-icon spc-variation-icon",
                                               "mdc-icon spc-assurance-icon"]
    for g in icons:
        assert g.find("s:circle", NS) is not None and g.find("s:title", NS) is not None
    assert texts(root, "spc-icon-caption") == ["Variation", "Assurance"]
    # No letters standing in for icons outside the drawn icons.
    in_icons = {id(t) for g in icons for t in g.iter(SVG + "text")}
    loose = [t.text for t in root.iter(SVG + "text")
             if id(t) not in in_icons and t.text in {"H", "L", "~", "P", "F", "?"}]
    assert loose == []


def test_xmr_chart_neutral_legend_and_default_rebase_note() -> None:
    values = [10.0, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 30]
    with pytest.warns(TrialLimitsWarning):
        r = xmr(values, improvement="neutral", rebase=[8])
    root = accessible(render_xmr_svg(r, title="t"))
    assert "Special cause neutral" in texts(root, "legend-text")
    assert "Target" not in texts(root, "legend-text")
    assert texts(root, "spc-rebase-note") == ["Rebased 9"]


def test_xmr_chart_rebase_notes_checked_and_ids_distinct() -> None:
    labels, values = burglary()
    r = xmr(values, rebase=[15])
    with pytest.raises(OptionError, match="groups start at"):
        render_xmr_svg(r, title="x", labels=labels, rebase_notes={14: "wrong month"})
    a = ET.fromstring(render_xmr_svg(r, title="A", labels=labels))
    b = ET.fromstring(render_xmr_svg(r, title="B", labels=labels))
    c = ET.fromstring(render_xmr_svg(r, title="A", labels=labels, chart_id="burglary"))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")
    assert c.get("aria-labelledby") == "burglary-title burglary-desc"


def test_xmr_chart_in_welsh() -> None:
    labels, values = burglary()
    r = xmr(values, improvement="decrease", rebase=[15])
    root = accessible(render_xmr_svg(r, title="Byrgleriaeth", labels=labels, lang="cy"))
    assert "Cymedr" in texts(root, "legend-text")
    assert texts(root, "spc-icon-caption") == ["Amrywiad"]
    assert "Ailsylfaenwyd 2023-10" in texts(root, "spc-rebase-note")


def test_xmr_table() -> None:
    labels, _svg, r = burglary_chart()
    table = parse_table(xmr_table_html(r, title="Burglary & <co>", labels=labels,  # type: ignore[arg-type]
                                       rebase_notes={15: REBASE_NOTE}))
    caption = table.find("caption")
    assert caption is not None and caption.text == "Burglary & <co>: the chart's data"
    heads = ["".join(th.itertext()) for th in table.iter("th")][:7]
    assert heads == ["Period", "Value", "Mean", "Lower process limit", "Upper process limit",
                     "Point", "Note"]
    rows = table_rows(table)
    assert len(rows) == 36
    assert rows[0][:2] == ["2022-07", "177"]
    assert rows[15][6] == REBASE_NOTE
    assert {row[5] for row in rows} <= {"common cause", "special cause improvement",
                                        "special cause concern"}


def test_xmr_chart_with_a_gap_in_welsh_table() -> None:
    values = [10.0, 12, 11, 13, float("nan"), 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 9]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        r = xmr(values, allow_gaps=True)
    rows = table_rows(parse_table(xmr_table_html(r, title="t", lang="cy")))
    assert rows[4][1] == "dim ar gael" and rows[4][5] == "dim ar gael"


# --------------------------------------------------------------------------- sparkline


def test_sparkline_on_burglary() -> None:
    labels, values = burglary()
    svg = sparkline_svg(values, name="Burglary", labels=labels)
    root = accessible(svg)
    title = root.find("s:title", NS)
    assert title is not None
    assert title.text == "Burglary: 177 in 2022-07 to 166 in 2025-06"
    desc = root.find("s:desc", NS)
    assert desc is not None
    assert desc.text == "36 values; lowest 61 in 2023-04, highest 239 in 2024-04."
    assert texts(root, "spark-max") == ["239"] and texts(root, "spark-min") == ["61"]
    assert len(root.findall(".//s:circle[@class='spark-last']", NS)) == 1
    assert len(root.findall(".//s:polyline", NS)) == 1


def test_sparkline_needs_three_values_and_honours_gaps() -> None:
    assert sparkline_svg([1.0, 2.0], name="x") == ""
    assert sparkline_svg([1.0, None, float("nan"), 2.0], name="x") == ""
    root = accessible(sparkline_svg([5.0, 6.0, None, 4.0, 7.0], name="Crime & <disorder>",
                                    labels=["a", "b", "c", "d", "e"]))
    assert len(root.findall(".//s:polyline", NS)) == 2
    title = root.find("s:title", NS)
    assert title is not None and title.text == "Crime & <disorder>: 5 in a to 7 in e"
    with pytest.raises(OptionError):
        sparkline_svg([1.0, 2.0, 3.0], name="x", labels=["a"])
    cy = ET.fromstring(sparkline_svg([1.0, 2.0, 3.0], name="x", lang="cy")).find("s:title", NS)
    assert cy is not None and cy.text == "x: 1 yn 1 i 3 yn 3"


# --------------------------------------------------------------------------- peers


def msg_chart(lang: str = "en") -> tuple[str, str]:
    data = forces_2019()
    crimes = [data[n][0] for n in GWENT_MSG]
    pops = [data[n][1] for n in GWENT_MSG]
    ci = rate_ci(crimes, pops, per=1000)
    values = [c / p * 1000 for c, p in zip(crimes, pops, strict=True)]
    peers = [i for i, n in enumerate(GWENT_MSG) if n != "Gwent"]
    average = sum(crimes[i] for i in peers) / sum(pops[i] for i in peers) * 1000
    kw = {"highlight": "Gwent", "lower": ci.lower.tolist(), "upper": ci.upper.tolist(),
          "polarity": "lower_is_better", "lang": lang}
    svg = peer_chart_svg(GWENT_MSG, values, title="Recorded crime per 1,000 people",
                         average=average, average_label="MSG average", **kw)
    table = peer_table_html(GWENT_MSG, values, title="Recorded crime per 1,000", **kw)
    return svg, table


def test_peer_chart_of_gwent_msg() -> None:
    svg, _table = msg_chart()
    root = accessible(svg)
    # Recorded crime per 1,000, year ending March 2019: South Wales 84.3, Nottinghamshire
    # 93.2, Merseyside 95.3, Gwent 99.6 ... (ONS table P1 / P3): Gwent is 4th, lowest first.
    assert texts(root, "peer-rank") == ["Gwent: 4th of 8 (1st is the lowest value)"]
    names = texts(root, "peer-name")
    assert names[:4] == ["South Wales", "Nottinghamshire", "Merseyside", "Gwent"]
    assert names[-1] == "Cleveland"
    force = [t for t in root.iter(SVG + "text") if "peer-force" in (t.get("class") or "")]
    assert len(force) == 1 and force[0].get("font-weight") == "bold"
    assert len(root.findall(".//s:path[@class='peer-marker']", NS)) == 1
    bars = root.findall(".//s:rect", NS)[1:]
    fills = {b.get("fill") for b in bars if "peer-force" in (b.get("class") or "")}
    assert len(fills) == 1 and fills != {b.get("fill") for b in bars[:1]}
    assert len(root.findall(".//s:line[@class='peer-average']", NS)) == 1
    assert texts(root, "peer-average-label") == ["MSG average 102.0"]
    assert len(root.findall(".//s:line[@class='peer-ci']", NS)) == 3 * 8
    assert "Other members" in texts(root, "legend-text")


def test_peer_table_and_welsh_rank() -> None:
    _svg, html = msg_chart()
    rows = table_rows(parse_table(html))
    assert [r[0] for r in rows][:4] == ["South Wales", "Nottinghamshire", "Merseyside", "Gwent"]
    assert rows[3][1] == "4th of 8"
    table = ET.fromstring(html)
    marked = [tr for tr in table.iter("tr") if tr.get("class") == "highlight"]
    assert len(marked) == 1 and marked[0].find("th/strong") is not None
    svg, html = msg_chart("cy")
    assert texts(accessible(svg), "peer-rank") == ["Gwent: 4ydd o 8 (1af yw'r gwerth isaf)"]
    assert table_rows(parse_table(html))[3][1] == "4ydd o 8"


def test_peer_chart_rank_given_missing_values_and_errors() -> None:
    root = accessible(peer_chart_svg(["A", "B", "C"], [3.0, None, 5.0], highlight="A",
                                     title="t", rank=2, size=3))
    assert texts(root, "peer-rank") == ["A: 2nd of 3 (1st is the highest value)"]
    assert texts(root, "peer-name") == ["C", "A", "B"]  # no value: last
    assert "n/a" in texts(root)
    with pytest.raises(OptionError):
        peer_chart_svg(["A"], [1.0], highlight="Z", title="t")
    with pytest.raises(OptionError):
        peer_chart_svg(["A", "B"], [1.0], highlight="A", title="t")


# --------------------------------------------------------------------------- funnel


def funnel_inputs() -> tuple[list[str], list[float], list[float]]:
    data = forces_2019()
    assert len(data) == 43
    names = list(data)
    return names, [data[n][0] for n in names], [data[n][1] for n in names]


def test_funnel_plot_of_43_forces() -> None:
    names, crimes, pops = funnel_inputs()
    svg = funnel_plot_svg(names, crimes, pops, highlight="Gwent", polarity="lower",
                          title="Recorded crime per 1,000 people, year ending March 2019")
    root = accessible(svg)
    limits = root.findall(".//s:polyline", NS)
    assert sorted(p.get("class") or "" for p in limits) == [
        "funnel-limit funnel-lower-2s", "funnel-limit funnel-lower-3s",
        "funnel-limit funnel-upper-2s", "funnel-limit funnel-upper-3s"]
    assert all(p.get("clip-path") for p in limits)
    points = [e for e in root.iter() if "funnel-point" in (e.get("class") or "")]
    assert len(points) == 43
    # Poisson limits around tens of thousands of crimes are narrow: every force is beyond
    # one (police counts are overdispersed). Beyond a limit a force is a triangle, up or
    # down, filled beyond 99.8% and hollow between 95% and 99.8% (shape, not only colour).
    assert all(e.tag == SVG + "path" for e in points)
    shapes = {(e.get("d"), e.get("fill") == "#ffffff") for e in points}
    assert len({d for d, _hollow in shapes}) == 2  # up and down
    assert {hollow for _d, hollow in shapes} == {True, False}
    # Gwent: 99.6 per 1,000 against 88.4 for the 43 forces pooled, above the 99.8% limit.
    gwent = [e for e in points if "funnel-force" in (e.get("class") or "")]
    assert len(gwent) == 1 and gwent[0].tag == SVG + "path"
    assert len(root.findall(".//s:circle[@class='funnel-force-ring']", NS)) == 1
    assert "Gwent 99.6" in texts(root, "funnel-label")
    # The City of London (934 per 1,000: a small resident population) is off the scale.
    assert any("London, City of: 934.4" in t for t in texts(root, "funnel-label"))
    legend = texts(root, "legend-text")
    assert legend[:3] == ["Average 88.4", "95% limits", "99.8% limits"]
    desc = root.find("s:desc", NS)
    assert desc is not None and desc.text is not None
    assert "Gwent: 99.6, above the 99.8% limit." in desc.text


def test_funnel_overdispersion_widens_the_limits() -> None:
    names, crimes, pops = funnel_inputs()
    root = accessible(funnel_plot_svg(names, crimes, pops, highlight="Gwent", title="t",
                                      adjust="additive"))
    points = [e for e in root.iter() if "funnel-point" in (e.get("class") or "")]
    outside = [e for e in points if e.tag == SVG + "path"]
    inside = [e for e in points if e.tag == SVG + "circle"]
    assert 0 < len(outside) < 10 and len(inside) + len(outside) == 43
    assert "95% limits, adjusted for overdispersion" in texts(root, "legend-text")


def test_funnel_table_proportions_and_errors() -> None:
    names, crimes, pops = funnel_inputs()
    rows = table_rows(parse_table(funnel_table_html(names, crimes, pops, highlight="Gwent",
                                                    title="t")))
    assert len(rows) == 43
    assert rows[0][0] == "London, City of" and rows[0][3] == "934.4"
    gwent = next(r for r in rows if r[0] == "Gwent")
    assert gwent[1:] == ["58,536", "587,700", "99.6", "above the 99.8% limit"]
    # A proportion: 30 of 100 etc., pooled 0.3.
    accessible(funnel_plot_svg(["A", "B", "C", "D"], [30, 10, 300, 0], [100, 50, 1000, 0],
                               highlight="B", title="p", statistic="proportion",
                               multiplier=100))
    with pytest.raises(OptionError):
        funnel_plot_svg(["A"], [1], [1], highlight="A", title="t", statistic="ratio")
    with pytest.raises(OptionError):
        funnel_plot_svg(["A"], [1], [1], highlight="Z", title="t")
    with pytest.raises(OptionError):
        funnel_plot_svg(["A"], [1], [1], highlight="A", title="t", adjust="lots")


def test_charts_of_little_or_no_data_still_parse() -> None:
    for values in ([], [5.0], [5.0, 5.0, 5.0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TrialLimitsWarning)
            r = xmr(values)
        accessible(render_xmr_svg(r, title="t"))
        parse_table(xmr_table_html(r, title="t"))
    root = accessible(peer_chart_svg(["A", "B"], [None, None], highlight="A", title="t"))
    assert texts(root, "peer-rank") == ["A: not ranked (1st is the highest value)"]
    root = accessible(funnel_plot_svg(["A", "B", "C"], [10, None, 30], [1000, 2000, 0],
                                      highlight="B", title="t"))
    desc = root.find("s:desc", NS)
    assert desc is not None and "B: n/a, n/a." in (desc.text or "")
