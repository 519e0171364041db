"""docs/computes.md ("What perfcore computes for a board"): every figure its worked examples
quote is recomputed here with perfcore and compared with the page's text.

The page marks each example's table with ``<!-- figures: KEY ... -->`` (one key per result
column). For every row, each expected fragment (a figure formatted as the page formats it,
or a word such as "improving") must appear in the cell, and every number in the cell must
belong to an expected fragment: a figure that perfcore no longer computes, or one the test
does not know, fails. The illustrative examples (a mean, a survey with respondents, a typed
assessment) are the page's own Python block, run here as written."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import perfcore
from perfcore.calc import mean_change_test, pp_change_ci, rate_ratio_ci
from perfcore.codes import Assessment, Direction, IntervalMethod, Status, StatusBasis
from perfcore.errors import PerfcoreWarning
from perfcore.i18n import translator
from perfcore.labels import direction_words
from perfcore.pipeline import score_plan

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "computes.md"
EXAMPLES = ROOT / "examples"
MARK = re.compile(r"<!-- figures: ([\w. ]+?) -->\n((?:\|.*\n)+)")
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
MINUS = "\u2212"

Fragments = dict[str, list[str]]


# --- formatting as the page does: half away from zero, thousands, a true minus sign ------

def num(x: float, decimals: int = 0, *, sign: bool = False) -> str:
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(q):,.{decimals}f}"
    if q < 0:
        return MINUS + text
    return ("+" if sign and q > 0 else "") + text


def pct(fraction: float, decimals: int = 1, *, sign: bool = False) -> str:
    return num(fraction * 100, decimals, sign=sign) + "%"


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {num(p, 3)}"


def ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def status_word(status: Status, basis: StatusBasis) -> str:
    if status is Status.GREY:
        return {StatusBasis.NOT_TESTED: "grey, not tested"}.get(basis, f"grey, {basis.code}")
    return status.name.capitalize()


def significance(significant: bool) -> str:
    # With the colon, "significant" is not found inside "not significant".
    return ": significant" if significant else ": not significant"


# --- perfcore's results --------------------------------------------------------------------

class Cell:
    """One measure of one organisation of an evaluation, and its score."""

    def __init__(self, run: Any, measure: str, evaluation: Any = None,
                 scores: Any = None) -> None:
        self.ev = evaluation if evaluation is not None else run.evaluation
        self.scores = scores if scores is not None else run.scores
        self.measure = measure
        self.i = self.ev.measure_index(measure)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ev, name)

    def at(self, array: Any) -> Any:
        return array[self.i, 0]

    @property
    def direction(self) -> tuple[str, str]:
        # In the words the report prints ("no significant change" for no_change by a test).
        code = Direction(int(self.at(self.ev.direction.assessment)))
        return (str(self.at(self.ev.direction.arrow)),
                direction_words(code, self.ev.direction.method, translator("en")))

    @property
    def interval_method(self) -> str:
        method = IntervalMethod(int(self.at(self.ev.interval.method))).code
        return {"byar": "Byar's", "wilson": "Wilson", "t": "Student's t"}[method]

    def status(self) -> list[str]:
        status, _ = self.scores.status_of(self.measure)
        basis = self.scores.basis_of(self.measure)
        return [status_word(status, basis), basis.code]

    def comparison(self, slot: str) -> tuple[Any, str]:
        c = self.ev.comparisons[slot]
        return c, Assessment(int(self.at(c.assessment))).code


def _run(plan: str, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        # seed 002's plan has measures with no data for the period: warned about, expected.
        warnings.simplefilter("ignore", PerfcoreWarning)
        return perfcore.run(EXAMPLES / plan, **kwargs)


@pytest.fixture(scope="module")
def gwent() -> Any:
    return _run("gwent/plan-2020-21.toml")


@pytest.fixture(scope="module")
def illustrative() -> dict[str, Any]:
    """The page's Python block, run as written (its prints silenced)."""
    page = PAGE.read_text("utf-8")
    (code,) = re.findall(r"<!-- example: illustrative -->\n```python\n(.*?)```", page, re.S)
    namespace: dict[str, Any] = {"print": lambda *a, **k: None}
    exec(compile(code, str(PAGE), "exec"), namespace)
    return namespace


# --- what the page must say, example by example --------------------------------------------

def count(gwent: Any) -> Fragments:
    c = Cell(gwent, "all_crime")
    previous, current = c.at(c.previous), c.at(c.current)
    ratio = rate_ratio_ci(previous=previous, current=current)
    msg, msg_said = c.comparison("msg")
    ew, ew_said = c.comparison("K04000001")
    assert bool(c.at(c.test.significant)) is bool(ratio.significant)
    assert float(c.at(c.test.pvalue)) == pytest.approx(float(ratio.pvalue), rel=1e-9)
    return {
        "inputs": [f"{c.previous_period}: {num(previous)}", f"{c.period}: {num(current)}"],
        "value": [f"{num(current)} crimes"],
        "interval": [f"{num(c.at(c.interval.lower), 1)} to {num(c.at(c.interval.upper), 1)}",
                     c.interval_method],
        "change": [f"{num(c.at(c.change.value), 1, sign=True)}%",
                   f"{num(-c.at(c.change.absolute))} fewer"],
        "significance": [f"{num(ratio.pct_change_lower, 1, sign=True)}% to "
                         f"{num(ratio.pct_change_upper, 1, sign=True)}%",
                         p_text(float(ratio.pvalue)), significance(bool(ratio.significant))],
        "direction of travel": list(c.direction),
        "comparator": [f"MSG {num(c.at(msg.change), 1, sign=True)}% ({msg_said})",
                       f"England and Wales {num(c.at(ew.change), 1, sign=True)}% ({ew_said})"],
        "status": c.status(),
    }


def proportion(gwent: Any) -> Fragments:
    c = Cell(gwent, "all_crime_outcome_rate")
    n1, n2 = c.at(c.counts.previous_denominator), c.at(c.counts.denominator)
    p1, p2 = c.at(c.previous), c.at(c.current)
    diff = pp_change_ci(previous=p1 * n1, previous_n=n1, current=p2 * n2, current_n=n2)
    msg, msg_said = c.comparison("msg")
    ew, ew_said = c.comparison("K04000001")
    assert float(c.at(c.test.pvalue)) == pytest.approx(float(diff.pvalue), rel=1e-9)
    return {
        "inputs": [f"{c.previous_period}: {pct(p1)} of {num(n1)}",
                   f"{c.period}: {pct(p2)} of {num(n2)}"],
        "value": [pct(p2)],
        "interval": [f"{pct(c.at(c.interval.lower))} to {pct(c.at(c.interval.upper))}",
                     c.interval_method],
        "change": [f"{num(c.at(c.change.value), 1, sign=True)} pp"],
        "significance": [f"{num(diff.lower, 1, sign=True)} to {num(diff.upper, 1, sign=True)} pp",
                         p_text(float(diff.pvalue)), significance(bool(diff.significant))],
        "direction of travel": list(c.direction),
        "comparator": [f"MSG {pct(c.at(msg.value))} ({msg_said})",
                       f"England and Wales {pct(c.at(ew.value))} ({ew_said})"],
        "status": c.status(),
    }


def rate(national: Any) -> Fragments:
    c = Cell(national, "all_crime_rate")
    x1, x2 = c.at(c.counts.previous_numerator), c.at(c.counts.numerator)
    e1, e2 = c.at(c.counts.previous_denominator), c.at(c.counts.denominator)
    ratio = rate_ratio_ci(previous=x1, current=x2, previous_exposure=e1, current_exposure=e2)
    assert float(c.at(c.test.pvalue)) == pytest.approx(float(ratio.pvalue), rel=1e-9)
    per = c.measures[c.i].per
    out: Fragments = {
        "inputs": [f"{c.previous_period}: {num(x1)} crimes, {num(e1)} people",
                   f"{c.period}: {num(x2)} crimes, {num(e2)} people"],
        "value": [f"{num(c.at(c.current), 1)} per {num(per)}"],
        "interval": [f"{num(c.at(c.interval.lower), 1)} to {num(c.at(c.interval.upper), 1)}",
                     c.interval_method],
        "change": [f"{num(c.at(c.change.value), 1, sign=True)}%",
                   f"from {num(c.at(c.previous), 1)}"],
        "significance": [f"{num(ratio.pct_change_lower, 1, sign=True)}% to "
                         f"{num(ratio.pct_change_upper, 1, sign=True)}%",
                         p_text(float(ratio.pvalue)), significance(bool(ratio.significant))],
        "direction of travel": list(c.direction),
        "comparator": [],
        "status": c.status(),
    }
    for slot, name in (("K04000001", "England and Wales"), ("W92000004", "Wales")):
        comp, said = c.comparison(slot)
        out["comparator"] += [f"{name} {num(c.at(comp.value), 1)} ({said})",
                              f"{ordinal(int(c.at(comp.rank)))} of {int(c.at(comp.group_size))}"]
    return out


def survey_published(seed002: Any) -> Fragments:
    c = Cell(seed002, "victim_satisfaction_crime")
    assert not c.ev.comparisons and np.isnan(c.at(c.interval.lower))
    assert not c.at(c.test.tested)
    (why,) = c.scores.status_of(c.measure)[1]
    return {
        "inputs": [f"{c.previous_period}: {pct(c.at(c.previous))}",
                   f"{c.period}: {pct(c.at(c.current))}", "no number of respondents"],
        "value": [pct(c.at(c.current))],
        "interval": ["none"],
        "change": [f"{num(c.at(c.change.value), 1, sign=True)} pp"],
        "significance": [why.removeprefix("change ")],
        "direction of travel": list(c.direction),
        "comparator": ["none"],
        "status": c.status(),
    }


def survey_with_respondents(example: dict[str, Any], design_effect: float) -> Fragments:
    plan, data = example["plan"], example["data"]
    ev = perfcore.evaluate(plan.plan, data, period=example["PERIOD"],
                           design_effect=design_effect)
    c = Cell(None, "victim_satisfaction", ev, score_plan(plan, ev))
    n1, n2 = c.at(c.counts.previous_denominator), c.at(c.counts.denominator)
    p1, p2 = c.at(c.previous), c.at(c.current)
    diff = pp_change_ci(previous=p1 * n1, previous_n=n1, current=p2 * n2, current_n=n2,
                        design_effect=design_effect)
    assert float(c.at(c.test.pvalue)) == pytest.approx(float(diff.pvalue), rel=1e-9)
    return {
        "inputs": [f"{pct(p1)} of {num(n1)}", f"{pct(p2)} of {num(n2)}",
                   f"design effect {num(design_effect, 1)}"],
        "value": [pct(p2)],
        "interval": [f"{pct(c.at(c.interval.lower))} to {pct(c.at(c.interval.upper))}"],
        "change": [f"{num(c.at(c.change.value), 1, sign=True)} pp"],
        "significance": [f"{num(diff.lower, 1, sign=True)} to {num(diff.upper, 1, sign=True)} pp",
                         p_text(float(diff.pvalue)), significance(bool(diff.significant))],
        "direction of travel": list(c.direction),
        "comparator": ["none"],
        "status": c.status(),
    }


def mean(example: dict[str, Any]) -> Fragments:
    plan, data = example["plan"], example["data"]
    ev = perfcore.evaluate(plan.plan, data, period=example["PERIOD"])
    c = Cell(None, "attend_minutes", ev, score_plan(plan, ev))
    before, after = sorted((r for r in data.to_records() if r["measure"] == "attend_minutes"),
                           key=lambda r: perfcore.parse_period(r["period"]))
    welch = mean_change_test(previous=before["value"], previous_sd=before["sd"],
                             previous_n=before["sample_size"],
                             current=after["value"], current_sd=after["sd"],
                             current_n=after["sample_size"])
    assert float(c.at(c.test.pvalue)) == pytest.approx(float(welch.pvalue), rel=1e-9)

    def summary(r: dict[str, Any]) -> str:
        return f"mean {num(r['value'], 1)}, sd {num(r['sd'], 1)}, n {num(r['sample_size'])}"

    return {
        "inputs": [summary(before), summary(after)],
        "value": [f"{num(c.at(c.current), 1)} minutes"],
        "interval": [f"{num(c.at(c.interval.lower), 1)} to {num(c.at(c.interval.upper), 1)}",
                     c.interval_method],
        "change": [f"{num(c.at(c.change.value), 1, sign=True)}%",
                   f"{num(c.at(c.change.absolute), 1, sign=True)} minutes"],
        "significance": [f"{num(welch.lower, 1, sign=True)} to {num(welch.upper, 1, sign=True)}"
                         " minutes", f"t = {num(welch.statistic, 2)}",
                         f"{num(welch.df, 0)} degrees of freedom",
                         p_text(float(welch.pvalue)), significance(bool(welch.significant))],
        "direction of travel": list(c.direction),
        "comparator": ["none"],
        "status": c.status(),
    }


def money(seed002_year: Any) -> Fragments:
    c = Cell(seed002_year, "budget_savings")
    target = c.measures[c.i].target
    assert np.isnan(c.at(c.previous)) and np.isnan(c.at(c.change.value))
    reasons = c.scores.status_of(c.measure)[1]
    return {
        "inputs": [f"{c.period}: £{num(c.at(c.current))}",
                   f"target £{num(target.value)} by {target.by}", "no figure for "
                   f"{c.previous_period}"],
        "value": [f"£{num(c.at(c.current))}"],
        "interval": ["none"],
        "change": ["not available"],
        "significance": [reasons[1].removeprefix("change ")],
        "direction of travel": [c.direction[1]],
        "target": [f"not met: gap {MINUS}£{num(-c.at(c.targets.gap))}"],
        "comparator": ["none"],
        "status": c.status(),
    }


def qualitative_seed004(seed004: Any) -> Fragments:
    c = Cell(seed004, "afi_stop_and_search_recording")
    status, reasons = c.scores.status_of(c.measure)
    assert status is Status.GREY
    as_of = re.fullmatch(r"manual assessment \((.+)\)", reasons[0])
    assert as_of is not None
    return {
        "inputs": [f"status grey, as of {as_of[1]}", f"{len(reasons) - 2} pieces of evidence"],
        "figures": ["none"],
        "status": ["not assessed", c.scores.basis_of(c.measure).code],
    }


def qualitative_typed(example: dict[str, Any]) -> Fragments:
    plan, data = example["plan"], example["data"]
    ev = perfcore.evaluate(plan.plan, data, period=example["PERIOD"])
    c = Cell(None, "crime_data_integrity", ev, score_plan(plan, ev))
    status, reasons = c.scores.status_of(c.measure)
    as_of = re.fullmatch(r"manual assessment \((.+)\)", reasons[0])
    assert as_of is not None
    return {
        "inputs": [f"status {status.name.lower()}, as of {as_of[1]}",
                   f"{len(reasons) - 2} pieces of evidence"],
        "figures": ["none"],
        "status": c.status(),
    }


# --- the page against them ---------------------------------------------------------------------

def _tables() -> dict[str, dict[str, str]]:
    """KEY → {step: result cell} for every marked table of the page."""
    found: dict[str, dict[str, str]] = {}
    for keys, table in MARK.findall(PAGE.read_text("utf-8")):
        rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
                for line in table.splitlines()[2:]]
        for k, key in enumerate(keys.split()):
            assert key not in found, f"{key} marks two tables"
            found[key] = {row[0].strip("*"): row[2 + k] for row in rows}
    return found


@pytest.fixture(scope="module")
def expected(gwent: Any, illustrative: dict[str, Any]) -> dict[str, Fragments]:
    national = _run("national/plan.toml")
    seed002 = _run("gwent/seed002-delivery-plan-2013-14.toml",
                   period="12 months to December 2013")
    seed002_year = _run("gwent/seed002-delivery-plan-2013-14.toml")
    seed004 = _run("gwent/seed004-peel-afis.toml")
    makers: dict[str, Callable[[], Fragments]] = {
        "count": lambda: count(gwent),
        "proportion": lambda: proportion(gwent),
        "rate": lambda: rate(national),
        "survey.published": lambda: survey_published(seed002),
        "survey.simple": lambda: survey_with_respondents(illustrative, 1.0),
        "survey.design": lambda: survey_with_respondents(illustrative, 1.3),
        "mean": lambda: mean(illustrative),
        "money": lambda: money(seed002_year),
        "qualitative.seed004": lambda: qualitative_seed004(seed004),
        "qualitative.typed": lambda: qualitative_typed(illustrative),
    }
    return {key: make() for key, make in makers.items()}


def test_every_kind_has_a_worked_example() -> None:
    keys = {key.split(".")[0] for key in _tables()}
    assert keys == {"count", "rate", "proportion", "survey", "mean", "money", "qualitative"}


def test_the_page_is_in_the_site_navigation() -> None:
    assert "computes.md" in (ROOT / "mkdocs.yml").read_text("utf-8")


def test_every_figure_on_the_page_is_what_perfcore_computes(
        expected: dict[str, Fragments]) -> None:
    tables = _tables()
    assert sorted(tables) == sorted(expected)
    problems: list[str] = []
    for key, steps in expected.items():
        page = tables[key]
        if sorted(page) != sorted(steps):
            problems.append(f"{key}: rows {sorted(page)}, expected {sorted(steps)}")
            continue
        for step, fragments in steps.items():
            cell = page[step]
            missing = [f for f in fragments if f not in cell]
            allowed = {n for f in fragments for n in NUMBER.findall(f)}
            stray = [n for n in NUMBER.findall(cell) if n not in allowed]
            if missing or stray:
                problems.append(f"{key} / {step}: cell {cell!r}; missing {missing}; "
                                f"numbers perfcore did not give {stray}")
    assert problems == []
