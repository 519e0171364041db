"""Targets as a board reads them: the Target, Gap to target and Against target columns in
every renderer (and none where no measure has a target), the gap in the measure's own
units, a target status that agrees with a status resting on it, a public edition that
does not give a withheld figure back through the gap, and `perfcore validate` listing
every target problem with its place in the plan.

The figures are seed 001's (Gwent, Chief Constable's Delivery Plan 2020/21): all crime
57,116 (2019-20) and 48,618 (2020-21); an outcome rate of 15.9% (7,730 of 48,618). The
targets are set here to exercise each status: "20% reduction in crime over the course of
the current parliament" read as from 2019-20 by 2024-25 (seed 000), an outcome rate of
19% by 2020-21, and the £2.3m savings of seed 002 with no deadline."""

from __future__ import annotations

import csv
import io
import json
import textwrap
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfcore
from perfcore.cli import main
from perfcore.codes import Status, StatusBasis, SuppressionReason, TargetStatus
from perfcore.dataset import Dataset
from perfcore.errors import PlanValidationError
from perfcore.evaluation import NotAvailableWarning, evaluate
from perfcore.model import Measure, Outcome, Plan, Priority, Target
from perfcore.pipeline import load_plan, loads_plan, render, report_plan
from perfcore.report import Report
from perfcore.scoring import score

ROOT = Path(__file__).parents[1]

DATA = """\
measure,organisation,period,value,numerator,denominator
all_crime,Gwent,2019-20,57116,,
all_crime,Gwent,2020-21,48618,,
outcome_rate,Gwent,2019-20,,6740,57116
outcome_rate,Gwent,2020-21,,7730,48618
savings,Gwent,2019-20,1500000,,
savings,Gwent,2020-21,1800000,,
asb,Gwent,2019-20,19000,,
asb,Gwent,2020-21,21000,,
calls,Gwent,2019-20,180000,,
calls,Gwent,2020-21,175000,,
"""

PLAN = """\
[plan]
title = "Delivery plan"
organisation = "Gwent"
period = "2020-21"

[display]
thousands = true

[[data]]
path = "data.csv"

[[priorities]]
id = "crime"
title = "Crime Reduction"

  [[priorities.outcomes]]
  id = "less_crime"
  statement = "People of Gwent are less affected by crime"

    [[priorities.outcomes.measures]]
    id = "all_crime"
    name = "All crime"
    kind = "count"
    polarity = "lower"
    unit = "crimes"
    target = { change = "-20%", baseline = "2019-20", by = "2024-25" }

    [[priorities.outcomes.measures]]
    id = "outcome_rate"
    name = "Outcome rate"
    kind = "proportion"
    polarity = "higher"
    target = { value = 0.19, by = "2020-21" }

    [[priorities.outcomes.measures]]
    id = "savings"
    name = "Savings"
    kind = "money"
    polarity = "higher"
    target = { value = 2300000 }

    [[priorities.outcomes.measures]]
    id = "asb"
    name = "ASB incidents"
    kind = "count"
    polarity = "lower"

  [[priorities.outcomes]]
  id = "demand"
  statement = "Demand"

    [[priorities.outcomes.measures]]
    id = "calls"
    name = "Calls"
    kind = "count"
    polarity = "neutral"
"""

TARGET_KEYS = ("target", "target_gap", "target_status")


def _write(tmp: Path, plan: str = PLAN, data: str = DATA) -> Path:
    (tmp / "data.csv").write_text(data, "utf-8")
    (tmp / "plan.toml").write_text(plan, "utf-8")
    return tmp / "plan.toml"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> perfcore.pipeline.Run:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        return perfcore.run(_write(tmp_path_factory.mktemp("targets")))


def _row(report: Report, measure: str) -> Any:
    return next(r for r in report.rows() if r.measure.id == measure)


def test_the_target_cells_say_the_target_the_gap_in_its_units_and_where_it_stands(
        run: perfcore.pipeline.Run) -> None:
    report = run.report
    crime = _row(report, "all_crime")
    # 57,116 less 20% is 45,692.8: 48,618 is 2,925.2 crimes short of the final target,
    # and one year of five in needs -4.0%, which -14.9% beats: on trajectory, green.
    assert crime.cell("target").text == "20% reduction from 2019-20 by 2024-25 (to 45,693)"
    assert crime.cell("target").value == pytest.approx(45692.8)
    assert crime.cell("target").method == "target_change"
    assert (crime.cell("target_gap").text, crime.cell("target_gap").value) == (
        "-2,925 crimes", pytest.approx(-2925.2))
    assert crime.cell("target_status").code == TargetStatus.ON_TRAJECTORY
    assert crime.cell("target_status").text == "on trajectory (final target not yet due)"
    assert (crime.status, crime.status_basis) == (Status.GREEN, StatusBasis.TARGET)
    # 7,730 / 48,618 = 15.90%, against 19% due this year: 3.1 points short, not met, red.
    rate = _row(report, "outcome_rate")
    assert rate.cell("target").text == "at least 19.0% by 2020-21"
    assert rate.cell("target").method == "target_level"
    assert rate.cell("target_gap").text == "-3.1 pp"
    assert rate.cell("target_gap").value == pytest.approx((7730 / 48618 - 0.19) * 100)
    assert (rate.cell("target_status").text, rate.status) == ("not met", Status.RED)
    # £1.8m against £2.3m, no deadline: never due; up from £1.5m, so on track, amber.
    savings = _row(report, "savings")
    assert [savings.cell(k).text for k in TARGET_KEYS] == [
        "at least £2,300,000", "-£500,000", "not yet met, on track"]
    assert savings.status == Status.AMBER
    # A measure without a target has no target cells: its row shows them empty.
    assert all(_row(report, "asb").get(k) is None for k in TARGET_KEYS)


def test_target_columns_only_where_a_measure_has_a_target(run: perfcore.pipeline.Run) -> None:
    report = run.report
    keys = [c.key for c in report.columns]
    assert keys[keys.index("dot") + 1:] == [*TARGET_KEYS, "status"]
    crime, demand = report.sections[0].outcomes
    assert [c.key for c in crime.columns if c.key.startswith("target")] == list(TARGET_KEYS)
    assert not [c.key for c in demand.columns if c.key.startswith("target")]
    assert [c.heading for c in report.columns if c.key in TARGET_KEYS] == [
        "Target", "Gap to target", "Against target"]
    gwent = perfcore.run(ROOT / "examples/gwent/plan-2020-21.toml").report
    assert not [c for c in gwent.columns if c.key.startswith("target")]
    assert "Target" not in render(gwent, "text")
    assert not any(n.startswith("Target:") for n in gwent.notes)


def test_every_renderer_shows_the_target_columns(run: perfcore.pipeline.Run) -> None:
    report = run.report
    text = str(render(report, "text"))
    head = next(line for line in text.splitlines() if line.strip().startswith("Measure"))
    assert "Target" in head and "Gap to target" in head and "Against target" in head
    crime = next(line for line in text.splitlines() if line.strip().startswith("All crime"))
    assert ("20% reduction from 2019-20 by 2024-25 (to 45,693)  -2,925 crimes  on trajectory "
            "(final target not yet due)  Green") in crime
    asb = next(line for line in text.splitlines() if line.strip().startswith("ASB"))
    assert "reduction" not in asb and "met" not in asb and "pp" not in asb
    assert "Gap to target: the figure less the level the target asks for" in text
    md = str(render(report, "markdown"))
    assert ("| at least 19.0% by 2020-21 | -3.1 pp | not met | Red |") in md
    assert "| ASB incidents | 19,000 | 21,000 | +10.5% | ↑ deteriorating |  |  |  | Red |" in md
    html = str(render(report, "html"))
    assert '<th scope="col" class="words">Target</th>' in html
    assert ('<td class="words">on trajectory (final target not yet due)</td>') in html
    assert '<span class="nw">-£500,000</span>' in html
    doc = json.loads(str(render(report, "json")))
    measures = {m["id"]: m for m in doc["sections"][0]["outcomes"][0]["measures"]}
    gap = measures["all_crime"]["figures"]["target_gap"]
    assert (gap["value"], gap["display"], gap["method"]) == (-2925.2, "-2,925 crimes",
                                                              "target_gap")
    assert measures["outcome_rate"]["figures"]["target_gap"]["value"] == pytest.approx(
        -3.10054, abs=5e-6)
    assert measures["outcome_rate"]["figures"]["target"]["value"] == 0.19
    assert measures["savings"]["figures"]["target_status"]["code"] == "on_track"
    assert "target" not in measures["asb"]["figures"]
    assert [c["key"] for c in doc["sections"][0]["outcomes"][1]["columns"]
            if c["key"].startswith("target")] == []
    rows = list(csv.DictReader(io.StringIO(str(render(report, "csv")))))
    got = {(r["measure"], r["figure"]): (r["value"], r["display"]) for r in rows}
    assert got[("savings", "target_gap")] == ("-500000.0", "-£500,000")
    assert got[("all_crime", "target_status")] == ("", "on trajectory (final target not "
                                                       "yet due)")


def test_the_workbook_holds_the_gap_as_a_number_in_its_units(
        run: perfcore.pipeline.Run) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(render(run.report, "xlsx")))  # type: ignore[arg-type]
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    gap = next(c for c in cells if isinstance(c.value, float) and "crimes" in c.number_format)
    assert gap.value == pytest.approx(-2925.2) and gap.number_format == '#,##0" crimes"'
    words = {c.value for c in cells}
    assert {"Gap to target", "Against target", "not met", "-3.1 pp"} - words == {"-3.1 pp"}


def test_welsh_labels(run: perfcore.pipeline.Run) -> None:
    cy = report_plan(run.plan_file, run.evaluation, run.scores, lang="cy", fallback="mark")
    assert [c.heading for c in cy.columns if c.key in TARGET_KEYS] == [
        "Targed", "Bwlch i'r targed", "Yn erbyn y targed"]
    crime = _row(cy, "all_crime")
    assert crime.cell("target").text == "gostyngiad o 20% o 2019-20 erbyn 2024-25 (i 45,693)"
    assert crime.cell("target_status").text == ("ar y llwybr (nid yw'r targed terfynol yn "
                                                "ddyledus eto)")
    assert _row(cy, "outcome_rate").cell("target_gap").text == "-3.1 pwynt canran"
    assert _row(cy, "savings").cell("target").text == "o leiaf £2,300,000"
    assert any(n.startswith("Bwlch i'r targed:") for n in cy.notes)


def test_a_status_from_another_basis_is_named_beside_the_target(tmp_path: Path) -> None:
    # The plan puts the test of the change first: the outcome rate is green on its
    # significant rise (+4.1 pp) while its target is not met. The notes say so, so that
    # "not met" beside "Green" is not read as a contradiction.
    plan = PLAN + '\n[scoring]\ndefault = { scorer = "evidence", order = ["change", "target"] }\n'
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        report = perfcore.run(_write(tmp_path, plan)).report
    rate = _row(report, "outcome_rate")
    assert (rate.status, rate.status_basis) == (Status.GREEN, StatusBasis.CHANGE_SIGNIFICANT)
    assert rate.cell("target_status").text == "not met"
    assert ("Status from another basis than the target, as the plan's scoring orders them: "
            "All crime (test of the change), Outcome rate (test of the change).") in report.notes


def test_target_gap_units_in_explain_and_to_frame(run: perfcore.pipeline.Run) -> None:
    ev = run.evaluation
    # Counts in counts, proportions in percentage points, money in pounds.
    assert ev.figure("all_crime", "target_gap") == pytest.approx(-2925.2)
    assert ev.figure("outcome_rate", "target_gap") == pytest.approx(-3.10054, abs=1e-5)
    assert ev.figure("outcome_rate", "target_level") == 0.19
    assert ev.figure("savings", "target_gap") == -500000
    x = ev.explain("all_crime", "target_gap")
    assert x.inputs["level"] == pytest.approx(45692.8)
    assert x.inputs["achieved"] == pytest.approx((48618 / 57116 - 1) * 100)  # -14.9 (%)
    assert x.inputs["required_by_now"] == pytest.approx(-4.0)  # per cent, not -0.04
    assert x.inputs["due"] is False
    assert "percentage points" in ev.explain("outcome_rate", "target_gap").formula
    pytest.importorskip("pandas")
    frame = ev.to_frame()
    got = frame[(frame.measure == "outcome_rate") & (frame.figure == "target_gap")]
    assert float(got.value.iloc[0]) == pytest.approx(-3.10054, abs=1e-5)
    codes = frame[frame.figure == "target_status"].set_index("measure").code.to_dict()
    assert codes == {"all_crime": "on_trajectory", "outcome_rate": "not_met",
                     "savings": "on_track", "asb": "no_target", "calls": "no_target"}


def test_public_edition_withholds_a_gap_that_would_give_a_figure_back(tmp_path: Path) -> None:
    # Knife crime 3 → 4: both below 5, withheld; a gap to a target of 10 would give the 4
    # back (10 - 6). Gun crime 3 → 9: this year's 9 is shown, but a "50% reduction from
    # 2019-20" asks for 1.5 (3 × 0.5): the level and the gap (9 - 1.5) would give last
    # year's 3 back.
    data = ("measure,organisation,period,value\nknife,Gwent,2019-20,3\nknife,Gwent,2020-21,4\n"
            "gun,Gwent,2019-20,3\ngun,Gwent,2020-21,9\n")
    plan = textwrap.dedent("""\
        [plan]
        title = "Small numbers"
        organisation = "Gwent"
        period = "2020-21"

        [[data]]
        path = "data.csv"

        [[priorities]]
        id = "p"
        title = "P"

          [[priorities.outcomes]]
          id = "o"
          statement = "O"

            [[priorities.outcomes.measures]]
            id = "knife"
            name = "Knife crime"
            kind = "count"
            polarity = "lower"
            target = { value = 10 }

            [[priorities.outcomes.measures]]
            id = "gun"
            name = "Gun crime"
            kind = "count"
            polarity = "lower"
            target = { change = "-50%", baseline = "2019-20", by = "2024-25" }
        """)
    r = perfcore.run(_write(tmp_path, plan, data))
    internal = r.report
    assert _row(internal, "knife").cell("target_gap").value == 6
    assert _row(internal, "gun").cell("target_gap").value == -7.5
    public = report_plan(r.plan_file, r.evaluation, r.scores, public=True)
    knife, gun = _row(public, "knife"), _row(public, "gun")
    assert knife.cell("current").suppressed == SuppressionReason.PRIMARY
    assert knife.cell("target_gap").suppressed == SuppressionReason.DERIVED
    assert knife.cell("target_gap").value is None and knife.cell("target_gap").text == "*"
    assert knife.cell("target").text == "at most 10"  # the plan's own figure stays
    assert gun.cell("current").suppressed is None and gun.cell("current").value == 9
    assert gun.cell("target_gap").suppressed == SuppressionReason.DERIVED
    assert gun.cell("target").suppressed == SuppressionReason.DERIVED
    assert gun.cell("target").text == "*" and gun.cell("target").value is None
    # Where the measure stands gives no figure back: it stays (+200% against -10% by now).
    assert gun.cell("target_status").code == TargetStatus.OFF_TRAJECTORY


def test_validate_lists_every_target_problem_with_its_path(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    plan = PLAN.replace('target = { value = 0.19, by = "2020-21" }',
                        'target = { value = "high", change = 0, by = "2019-2x", colour = 1 }')
    plan = plan.replace('kind = "money"\n    polarity = "higher"\n    target = { value = 2300000 }',
                        'kind = "money"\n    polarity = "lower"\n'
                        '    target = { change = "+2 pp", baseline = "2019-20" }')
    assert main(["validate", str(_write(tmp_path, plan))]) == 1
    out, err = capsys.readouterr()
    path = "priorities[0].outcomes[0].measures"
    lines = err.splitlines()
    found = [line.split(" ", 1)[1].split(":")[0] for line in lines if ".toml:" in line]
    assert found == [f"{path}[1].target.by", f"{path}[1].target.change",
                     f"{path}[1].target.change", f"{path}[1].target.colour",
                     f"{path}[1].target.value", f"{path}[2].target", f"{path}[2].target"]
    assert any(line.endswith("target.value: measure 'outcome_rate' target: value must be a "
                             "finite number, not 'high'") for line in lines)
    assert "the target asks for an increase but the measure's polarity is lower" in err
    assert "a money measure's target change must be in per cent" in err
    assert out.endswith("7 problems\n")
    with pytest.raises(PlanValidationError) as info:
        load_plan(tmp_path / "plan.toml")
    assert len(info.value.problems) == 7


def test_validate_flags_a_change_target_with_no_baseline_or_no_baseline_figure(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = PLAN.replace('target = { change = "-20%", baseline = "2019-20", by = "2024-25" }',
                        'target = "reduce by 10%"')
    plan = plan.replace('kind = "money"\n    polarity = "higher"\n    target = { value = 2300000 }',
                        'kind = "money"\n    polarity = "higher"\n'
                        '    target = { change = "+10%", baseline = "2018-19", by = "2022-23" }')
    file = _write(tmp_path, plan)
    assert main(["validate", str(file)]) == 0
    out, err = capsys.readouterr()
    assert out.endswith("; 0 problems; 2 notes\n")
    assert (f"{file}:26 priorities[0].outcomes[0].measures[0].target: note: measure "
            "'all_crime': its change target (10% reduction) has no baseline") in err
    assert (f"{file}:40 priorities[0].outcomes[0].measures[2].target.baseline: note: measure "
            "'savings': the baseline of its change target (10% increase from 2018-19 by "
            "2022-23), period 2018-19, has no figure in the data for Gwent") in err
    assert main(["validate", str(file), "--strict"]) == 1
    out, err = capsys.readouterr()
    assert out.endswith("; 2 problems\n") and err.count(": problem: measure") == 2
    # The report says so too: its target is not available.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        report = perfcore.run(file).report
    assert _row(report, "all_crime").cell("target_status").text == "not available"
    assert _row(report, "savings").cell("target_gap").text == "n/a"


@given(current=st.integers(1, 200_000), base=st.integers(1, 200_000),
       change=st.sampled_from([-0.3, -0.2, -0.05, 0.05, 0.2]),
       span=st.integers(1, 6), elapsed=st.integers(0, 8),
       tolerance=st.sampled_from([0.0, 0.02, 0.5]))
def test_a_target_status_and_a_status_resting_on_it_agree(
        current: int, base: int, change: float, span: int, elapsed: int,
        tolerance: float) -> None:
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2030)]
    m = Measure(id="m", name="M", kind="count", polarity="lower" if change < 0 else "higher",
                target=Target(change=change, baseline=years[0], by=years[span]))
    plan = Plan(id="p", title="P", priorities=[Priority(id="q", title="Q", outcomes=[
        Outcome(id="o", statement="O", measures=[m])])])
    data = Dataset.from_records([
        {"measure": "m", "organisation": "Gwent", "period": p, "value": v}
        for p, v in ((years[0], base), (years[max(elapsed, 1)], current))])
    ev = evaluate(plan, data, period=years[max(elapsed, 1)], previous=years[0],
                  compare_with=[], history_periods=[])
    from perfcore.plugins import registry
    from perfcore.scoring import ScoringConfig
    s = score(ev, ScoringConfig.from_mapping(
        {"default": {"scorer": "target", "tolerance": tolerance}}, measure_ids=["m"],
        scorers=registry().scorers)).score("m")
    code = TargetStatus(int(ev.targets.status[0, 0]))
    due = max(elapsed, 1) >= span
    level = base * (1 + change)
    met = (current - level) * np.sign(change) >= -1e-9 * max(1.0, level)
    assert (code == TargetStatus.MET) == met
    if due:
        assert code in (TargetStatus.MET, TargetStatus.NOT_MET)
    else:
        assert code in (TargetStatus.MET, TargetStatus.ON_TRAJECTORY,
                        TargetStatus.OFF_TRAJECTORY)
    # Green on the target's basis only when met or on trajectory; never once due unmet.
    assert (s.status == Status.GREEN) == (code in (TargetStatus.MET,
                                                   TargetStatus.ON_TRAJECTORY))
    assert s.basis == StatusBasis.TARGET
    assert s.inputs["target_status"] == code.code
    # The gap is in counts: the current count less the level the target asks for.
    assert ev.targets.gap[0, 0] == pytest.approx((current - level) * np.sign(change),
                                                 abs=1e-6 * max(1.0, level))


def test_loads_plan_names_the_measure_in_a_target_problem(tmp_path: Path) -> None:
    file = _write(tmp_path)
    with pytest.raises(PlanValidationError) as info:
        loads_plan(PLAN.replace('by = "2024-25" }', 'by = "2018-19" }'), file=file,
                   base_dir=tmp_path)
    assert [str(p) for p in info.value.problems] == [
        f"{file}:26 priorities[0].outcomes[0].measures[0].target.by: measure 'all_crime' "
        "target: the deadline 2018-19 must come after the baseline 2019-20"]


def test_a_gap_is_a_figure_in_a_csv_cell_and_a_formula_is_still_not() -> None:
    from perfcore.report.escape import spreadsheet_cell
    for gap in ("-£500,000", "-2,925 crimes", "-0.4 per 1,000", "+3.1 pwynt canran"):
        assert spreadsheet_cell(gap) == gap
    for formula in ("-£1+cmd|' /C calc'!A0", "-2+3", "=SUM(A1)", "-£ 5"):
        assert spreadsheet_cell(formula) == "'" + formula


def test_a_target_not_available_says_which_figure_is_missing() -> None:
    # Seed 000 reported on Q3 2021-22: officers from an ethnic minority have no figure for
    # that quarter. "target at least 5.10%: not available" did not say what to look for.
    root = Path(__file__).parents[1] / "examples" / "gwent"
    r = load_plan(root / "seed000-priorities.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        ev = perfcore.pipeline.evaluate_plan(r, perfcore.load_data(r), period="Q3 2021-22")
    scores = perfcore.pipeline.score_plan(r, ev)
    measure = "wellbeing.officers_ethnic_minority"
    assert scores.status_of(measure) == (
        Status.GREY, ("target at least 5.10%: no figure for Q3 2021-22",))
    assert scores.status_of(measure, lang="cy")[1] == (
        "targed o leiaf 5.10%: dim ffigur ar gyfer Ch3 2021-22",)
