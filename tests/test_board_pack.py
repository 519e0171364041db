"""Issue 16, the board pack: every shipped example runs as a new user would run it, with
no flags, and its reports carry what a board reads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from perfcore.cli import main
from perfcore.periods import parse_period
from perfcore.pipeline import latest_period

ROOT = Path(__file__).parents[1]
EXAMPLE_PLANS = sorted(p for p in ROOT.glob("examples/**/*.toml")
                       if "plugin-template" not in p.parts)


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.name)
def test_every_example_reports_and_validates_with_no_flags(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(path)]) == 0, capsys.readouterr().err
    out, err = capsys.readouterr()
    assert "error" not in err
    assert out.strip()
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.split("; ")[2].startswith("0 problem(s)")


def test_validate_lists_measures_without_data_as_notes_unless_strict(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Seed 002's plan stores the published changes of five measures whose counts it does
    # not give: a report shows what was published, so validating the example is not a
    # failure; --strict makes it one.
    plan = str(ROOT / "examples/gwent/seed002-delivery-plan-2013-14.toml")
    assert main(["validate", plan]) == 0
    out, err = capsys.readouterr()
    assert out.endswith("; 0 problem(s); 5 note(s)\n")
    assert (f"{plan}: note: measure 'domestic_burglary' has no observations in the data; "
            "its report shows the published figures only") in err.splitlines()
    assert main(["validate", plan, "--strict"]) == 1
    out, err = capsys.readouterr()
    assert out.endswith("; 5 problem(s)\n")
    assert f"{plan}: problem: measure 'da_crimes' has no observations" in err


def test_latest_period_prefers_the_longer_of_periods_ending_together() -> None:
    periods = [parse_period(p) for p in ("2020-06", "Q3 2021-22", "2021-12", "2020-21")]
    assert latest_period(periods) == parse_period("Q3 2021-22")
    assert latest_period(periods[:1]) == parse_period("June 2020")


def test_a_plan_without_a_period_reports_the_latest_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data.csv").write_text(textwrap.dedent("""\
        measure,organisation,period,value
        all_crime,Gwent,2019-20,57116
        all_crime,Gwent,2020-21,48618
        """), "utf-8")
    (tmp_path / "plan.toml").write_text(textwrap.dedent("""\
        [plan]
        title = "Delivery plan"
        organisation = "Gwent"

        [[data]]
        path = "data.csv"

        [[priorities]]
        title = "Crime"
          [[priorities.outcomes]]
          statement = "Less crime"
            [[priorities.outcomes.measures]]
            id = "all_crime"
            name = "All crime"
            kind = "count"
            polarity = "lower"
        """), "utf-8")
    assert main(["report", str(tmp_path / "plan.toml")]) == 0
    out, err = capsys.readouterr()
    assert "warning: no period given (--period) or set in the plan's [report] or [plan] " \
           "table: reporting 2020-21, the latest the data cover (they cover 2019-20, " \
           "2020-21)" in err
    assert " ".join(next(x for x in out.splitlines() if "All crime" in x).split()[2:5]) \
        == "57116 48618 -14.9%"
