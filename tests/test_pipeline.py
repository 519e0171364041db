"""The pipeline (plan file → Dataset → Evaluation → Scores → Report → text) and the public
API a notebook uses: perfcore.run, tidy results, readable reprs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import perfcore
from perfcore import pipeline
from perfcore.codes import Direction, Status
from perfcore.errors import (
    MissingDependencyError,
    NotCoveredError,
    OptionError,
    PerfcoreWarning,
    PeriodError,
)

ROOT = Path(__file__).parents[1]
GWENT = ROOT / "examples" / "gwent" / "plan-2020-21.toml"


@pytest.fixture(scope="module")
def result() -> pipeline.Run:
    return perfcore.run(GWENT)


def test_the_workflow_is_the_public_api() -> None:
    for name in ("load_plan", "load_data", "evaluate", "score", "build_report", "render",
                 "run", "Plan", "Measure", "Dataset", "Evaluation", "Scores", "Report",
                 "hookimpl", "DomainSpec", "ScorerSpec", "ScoreBlock", "Status"):
        assert name in perfcore.__all__ and getattr(perfcore, name) is not None, name
    assert callable(perfcore.evaluate)  # the function; the package is perfcore.evaluation


def test_run_gives_every_stage(result: pipeline.Run) -> None:
    # Seed 001: all crime 57,116 → 48,618, -14.9%, improving; the report shows both rows.
    ev = result.evaluation
    assert ev.figure("all_crime", "change") == pytest.approx(-14.8785, abs=1e-4)
    assert ev.direction.assessment[0, 0] == Direction.IMPROVING
    assert result.scores.status_of("all_crime")[0] == Status.GREEN
    text = result.render("text")
    assert "All Crime Trend          58577    57116    48618    -14.9%" in text
    assert result.render("json").startswith("{")
    with pytest.raises(OptionError, match="format='docx' is not allowed"):
        result.render("docx")


def test_stages_step_by_step_give_what_run_gives(result: pipeline.Run) -> None:
    plan = perfcore.load_plan(GWENT)
    data = perfcore.load_data(plan)
    ev = pipeline.evaluate_plan(plan, data)
    scores = pipeline.score_plan(plan, ev)
    report = pipeline.report_plan(plan, ev, scores)
    assert perfcore.render(report, "markdown") == result.render("markdown")


def test_the_period_defaults_to_the_plan_else_the_latest_the_data_cover() -> None:
    plan = perfcore.load_plan(GWENT)
    data = perfcore.load_data(plan)
    assert str(pipeline.evaluate_plan(plan, data).period) == "2020-21"  # [report] period
    bare = plan.__class__(file=plan.file, plan=plan.plan.__class__(
        id=plan.plan.id, title=plan.plan.title, priorities=plan.plan.priorities),
        data=plan.data)
    with pytest.warns(PerfcoreWarning, match=r"reporting 2020-21, the latest the data cover "
                      r"\(they cover 2018-19, 2019-20, 2020-21\)"):
        assert str(pipeline.evaluate_plan(bare, data).period) == "2020-21"
    with pytest.raises(NotCoveredError, match=r"the data do not cover 2021-22 \(latest "
                       r"periods: 2018-19, 2019-20, 2020-21\)"):
        pipeline.evaluate_plan(bare, data, period="2021-22")


def test_evaluation_repr_is_short_and_says_what_it_holds(result: pipeline.Run) -> None:
    text = repr(result.evaluation)
    assert text == ("<Evaluation of \"Chief Constable's Delivery Plan 2020/21\": 2 measures × "
                    "1 organisation (W15000002); 2020-21 against 2019-20; comparators: "
                    "msg, K04000001; 0 SPC charts>")
    assert "array" not in repr(result.scores)
    # Seed 001's data: 2 measures × Gwent × 3 years, 4 published MSG/E&W figures.
    assert repr(perfcore.load_data(perfcore.load_plan(GWENT))) == (
        "<Dataset of 6 observations: 2 measures (all_crime, all_crime_outcome_rate) × "
        "1 organisation (W15000002) × 3 periods (2018-19 to 2020-21); 4 sources, "
        "4 published figures>")


def test_tidy_frames(result: pipeline.Run) -> None:
    ev = result.evaluation.to_frame()
    row = ev[(ev.measure == "all_crime") & (ev.figure == "change")].iloc[0]
    assert row.value == pytest.approx(-14.8785, abs=1e-4) and row.organisation == "W15000002"
    assert row.organisation_name == "Gwent"
    direction = ev[(ev.measure == "all_crime") & (ev.figure == "direction")].iloc[0]
    assert direction.code == "improving"
    scores = result.scores.to_frame()
    assert scores.set_index("measure").loc["all_crime", "status"] == "green"
    assert set(scores.organisation_name) == {"Gwent"}
    report = result.report.to_frame()
    shown = report[(report.measure == "all_crime") & (report.figure == "change")].iloc[0]
    assert shown.display == "-14.9%"
    assert (shown.organisation, shown.organisation_name) == ("W15000002", "Gwent")
    assert (shown.priority, shown.outcome, shown.statement) == (
        "crime_reduction", "less_crime", "People of Gwent are less affected by crime")


def test_to_frame_without_pandas_names_the_extra(result: pipeline.Run,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'perfcore\[pandas\]'"):
        result.evaluation.to_frame()


def test_a_report_shows_itself_in_a_notebook(result: pipeline.Run) -> None:
    page = result.report._repr_html_()
    assert page.startswith("<!DOCTYPE html>") and "All Crime Trend" in page


def test_a_comparison_period_must_come_before_the_period() -> None:
    plan = perfcore.load_plan(GWENT)
    data = perfcore.load_data(plan)
    for previous in ("2020-21", "2021-22"):
        with pytest.raises(PeriodError, match=f"period '{previous}': the comparison period is "
                                              "not before the period 2020-21"):
            pipeline.evaluate_plan(plan, data, previous=previous)
