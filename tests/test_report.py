"""Report model and the built-in renderers (text, Markdown, HTML, JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from perfcore.evaluation import evaluate
from perfcore.labels import format_number
from perfcore.model import Measure, Outcome, Plan, Priority
from perfcore.organisations import default_registry
from perfcore.report import build_report
from perfcore.report.data import render_csv, render_json
from perfcore.report.html import render_html
from perfcore.report.markdown import render_markdown
from perfcore.report.text import render_text

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
import seed001_plan


def seed_report(plan: Plan = seed001_plan.PLAN):  # type: ignore[no-untyped-def]
    ev = evaluate(plan, seed001_plan.dataset(), period="2020-21", organisation="Gwent",
                  compare_with=[seed001_plan.MSG, default_registry().group("England and Wales")],
                  history_periods=["2018-19"])
    return build_report(ev)


def test_format_number_rounds_half_away_from_zero() -> None:
    assert format_number(-14.85, 1, suffix="%") == "-14.9%"  # round() would give -14.8
    assert format_number(0.05, 1) == "0.1"
    assert format_number(48618, 0, thousands=True) == "48,618"
    assert format_number(float("nan"), 1) == "n/a"
    assert format_number(4.1, 1, sign=True, suffix=" pp") == "+4.1 pp"


def test_text_report_shows_seed_001_figures() -> None:
    text = render_text(seed_report())
    rows = [" ".join(line.split()) for line in text.splitlines()]
    # seed 001: 57116 → 48618, -14.9%, ↓; MSG and E&W -14.1% (●, similar)
    assert ("All Crime Trend 58577 57116 48618 -14.9% ↓ improving -14.1% (similar) "
            "-14.1% (similar)") in rows
    # The outcome rate's base (the year's crimes) makes its change and comparisons testable.
    assert ("All Crime Outcome Rates 11.4% 11.8% 15.9% +4.1 pp ↑ improving 15.0% (better) "
            "14.3% (better)") in rows
    assert "\033[" not in text
    coloured = render_text(seed_report(), colour=True)
    assert "\033[34mimproving\033[0m" in coloured


def test_markdown_table() -> None:
    md = render_markdown(seed_report())
    assert ("| All Crime Trend | 58577 | 57116 | 48618 | -14.9% | ↓ improving | -14.1% (similar) |"
            in md)


def test_json_has_every_figure_unrounded_with_method_and_source() -> None:
    data = json.loads(render_json(seed_report()))
    assert data["schema_version"] == "2.2"
    assert data["organisation"] == {"code": "W15000002", "name": "Gwent"}
    m = data["sections"][0]["outcomes"][0]["measures"][0]
    assert m["id"] == "all_crime"
    change = m["figures"]["change"]
    assert change["value"] == pytest.approx((48618 - 57116) / 57116 * 100)
    assert change["display"] == "-14.9%" and change["method"] == "pct_change"
    assert m["figures"]["msg.change"]["source"] == "published figure"
    rate = data["sections"][0]["outcomes"][0]["measures"][1]
    assert rate["figures"]["change"]["display"] == "+4.1 pp"


def test_csv_is_tidy() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(seed_report()))))
    change = next(r for r in rows if r["measure"] == "all_crime" and r["figure"] == "change")
    assert change["display"] == "-14.9%"
    assert float(change["value"]) == pytest.approx(-14.8785, abs=1e-4)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag == "script":
            self.scripts += 1
        if tag not in ("meta", "br", "rect", "polyline", "circle", "line", "path", "text",
                       "polygon"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()


def test_html_is_self_contained_accessible_and_escaped() -> None:
    evil = Measure(id="all_crime", name="All crime <script>alert(1)</script>", kind="count",
                   polarity="lower")
    rate = seed001_plan.PLAN.measure("all_crime_outcome_rate")
    plan = Plan(id="x", title="Plan & <b>bold</b>", priorities=[Priority(
        id="p", title="Crime Reduction", outcomes=[Outcome(id="o", statement="S <i>",
                                                          measures=[evil, rate])])])
    page = render_html(seed_report(plan))
    checker = _Checker()
    checker.feed(page)
    assert checker.scripts == 0  # the injected script is text, not a tag
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Plan &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    # Nothing fetched: no attribute is a URL (an SVG's xmlns names its namespace; no
    # browser fetches it).
    assert not any(v and v.startswith(("http:", "https:", "//")) for k, v in checker.attrs
                   if not k.startswith("xmlns"))
    assert "improving" in page and "similar" in page  # words, not colour alone
    assert "<title " in page.split("<body>")[1]  # charts carry text alternatives
    assert checker.stack == []  # every opened element closed


def test_renderers_are_registered_through_the_plugin_hook() -> None:
    from perfcore.plugins import get_plugin_manager, renderers, reset_plugin_manager
    reset_plugin_manager()
    try:
        get_plugin_manager(autoload=True)
        names = {r.name for r in renderers()}
    finally:
        reset_plugin_manager()
    assert {"text", "markdown", "html", "json", "csv"} <= names


def test_json_numbers_carry_no_binary_noise() -> None:
    # Issue 19: 11.8% was written 0.11799999999999998 and +4.1 pp 4.1000000000000005.
    # A value keeps its display precision plus 4 digits, in its own units.
    import re
    text = render_json(seed_report())
    data = json.loads(text)
    rate = data["sections"][0]["outcomes"][0]["measures"][1]["figures"]
    assert rate["previous"]["value"] == 0.118 and rate["change"]["value"] == 4.1
    crime = data["sections"][0]["outcomes"][0]["measures"][0]["figures"]
    assert crime["change"]["value"] == -14.87849  # shown -14.9%: 1 + 4 decimals
    assert not re.search(r"\d\.\d*(0000000|9999999)\d", text)


def test_a_roll_up_is_marked_with_one_code_in_every_renderer() -> None:
    # What a grey roll-up rests on (not tested) is what it is marked with, else its status;
    # text and HTML both take it from Rolled.shown.
    from perfcore.codes import Status, StatusBasis
    from perfcore.report.html import _rolled
    from perfcore.report.model import Rolled, rolled_text

    grey = Rolled(status=Status.GREY, basis=StatusBasis.NOT_TESTED, words="3 not tested")
    red = Rolled(status=Status.RED, words="2 red")
    assert (grey.shown, red.shown, Rolled().shown) == (StatusBasis.NOT_TESTED, Status.RED,
                                                       None)
    words = {StatusBasis.NOT_TESTED: "Not tested", Status.RED: "Red"}.__getitem__
    assert rolled_text(grey, words) == "Not tested: 3 not tested"
    assert rolled_text(red, words) == "Red: 2 red"
    assert "Not tested" in _rolled(grey, lambda s: s) and "Red" in _rolled(red, lambda s: s)
    assert _rolled(Rolled(), lambda s: s) == rolled_text(Rolled(), words) == ""
