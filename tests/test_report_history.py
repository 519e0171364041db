"""History columns: earlier periods the evaluation carries, shown before the previous one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from perfcore.evaluation import Evaluation, evaluate
from perfcore.organisations import default_registry
from perfcore.report import build_report
from perfcore.report.data import report_to_dict

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
import seed001_plan


def _evaluation(history: list[str] | None = None) -> Evaluation:
    return evaluate(seed001_plan.PLAN, seed001_plan.dataset(), period="2020-21",
                    organisation="Gwent", history_periods=history or [],
                    compare_with=[seed001_plan.MSG, default_registry().group("England and Wales")])


def test_history_columns_come_before_previous_with_values_from_the_dataset() -> None:
    # Seed 001 prints 2018-19, 2019-20 and 2020-21.
    # Columns run in time order, whatever order the plan lists them in.
    report = build_report(_evaluation(["2018-19", "2017-18"]))
    assert [c.key for c in report.columns][:4] == ["history:2017-18", "history:2018-19",
                                                   "previous", "current"]
    assert [c.heading for c in report.columns][:2] == ["2017-18", "2018-19"]
    crime, rate = report.rows()
    assert crime.cell("history:2018-19").text == "58577"
    assert crime.cell("history:2018-19").value == 58577
    assert rate.cell("history:2018-19").text == "11.4%"
    # A period the data do not have is "n/a", never 0.
    assert crime.cell("history:2017-18").text == "n/a"
    figures = report_to_dict(report)["sections"][0]["outcomes"][0]["measures"][0]["figures"]
    assert figures["history:2018-19"]["method"] == "as recorded"


def test_the_evaluation_carries_the_history_with_its_sources() -> None:
    h = _evaluation(["2018-19"]).history
    assert [str(p) for p in h.periods] == ["2018-19", "2019-20", "2020-21"]
    assert h.values[0, 0].tolist() == [58577, 57116, 48618]
    assert h.source_of(0, 0, 0).startswith("seed 001")


def test_a_history_period_is_never_a_column_beside_itself() -> None:
    # Issue 16: `--period 2019-20` on the 2020-21 plan (history 2018-19) printed the header
    # "2018-19  2018-19  2019-20": the history period was also the previous period.
    report = build_report(evaluate(seed001_plan.PLAN, seed001_plan.dataset(),
                                   period="2019-20", organisation="Gwent",
                                   history_periods=["2018-19"]))
    assert [c.heading for c in report.columns][:3] == ["2018-19", "2019-20", "Annual change"]


def test_the_sparkline_draws_the_series_of_the_reported_kind() -> None:
    # The seed 001 data hold three years of both measures: a sparkline of three points,
    # whether or not the plan shows 2018-19 as a column.
    for shown in ([], ["2018-19"]):
        crime, rate = build_report(_evaluation(shown)).rows()
        assert crime.history == (58577, 57116, 48618)
        assert crime.history_labels == ("2018-19", "2019-20", "2020-21")
        assert rate.history == pytest.approx((0.114, 0.118, 0.159), abs=5e-4)


def test_no_history_columns_by_default() -> None:
    report = build_report(_evaluation())
    assert [c.key for c in report.columns][:2] == ["previous", "current"]


def test_every_renderer_shows_the_history_columns() -> None:
    from perfcore.plugins import renderers
    report = build_report(_evaluation(["2018-19"]))
    for spec in renderers():
        out = spec.render(report)
        if spec.binary:
            out = _workbook_text(out)
        assert "58577" in out and "2018-19" in out, spec.name


def _workbook_text(xlsx: bytes) -> str:
    """Every cell of a workbook, as text (numbers shown in full)."""
    import io
    openpyxl = pytest.importorskip("openpyxl", reason="the xlsx renderer needs openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
