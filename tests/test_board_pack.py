"""Issue 16, the board pack: every shipped example runs as a new user would run it, with
no flags, and its reports carry what a board reads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import perfcore
from perfcore import pipeline
from perfcore.cli import main
from perfcore.codes import MeasureKind
from perfcore.evaluation import NotAvailableWarning
from perfcore.periods import parse_period
from perfcore.pipeline import latest_period
from perfcore.report.model import Report, text_table

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
    assert capsys.readouterr().out.split("; ")[2].startswith("0 problems")


def test_validate_lists_measures_without_data_as_notes_unless_strict(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Seed 002's plan stores the published changes of five measures whose counts it does
    # not give: a report shows what was published, so validating the example is not a
    # failure; --strict makes it one.
    plan = str(ROOT / "examples/gwent/seed002-delivery-plan-2013-14.toml")
    assert main(["validate", plan]) == 0
    out, err = capsys.readouterr()
    assert out.endswith("; 0 problems; 5 notes\n")
    assert (f"{plan}: note: measure 'domestic_burglary' has no observations in the data; "
            "its report shows the published figures only") in err.splitlines()
    assert main(["validate", plan, "--strict"]) == 1
    out, err = capsys.readouterr()
    assert out.endswith("; 5 problems\n")
    assert f"{plan}: problem: measure 'da_crimes' has no observations" in err


@pytest.mark.filterwarnings("ignore::perfcore.errors.PerfcoreWarning")
@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.name)
def test_every_example_reports_figures_by_default(path: Path) -> None:
    # The default period is one the data hold: a plan's table is not a column of "n/a"
    # (seed 003's CSEW table reports its rolling years, not the financial year).
    rows = [r for r in perfcore.run(path).report.rows()
            if r.measure.kind is not MeasureKind.QUALITATIVE]
    shown = [r for r in rows if (c := r.cell("current")).value is not None
             and c.value == c.value]
    assert not rows or shown


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


# ------------------------------------------------- tables that say what they show


@pytest.fixture(scope="module")
def national() -> perfcore.Run:
    return perfcore.run(ROOT / "examples/national/plan.toml")


def _table(report: Report, outcome: int = 0) -> tuple[list[str], dict[str, list[str]]]:
    out = report.sections[0].outcomes[outcome]
    heads, *rows = text_table(report, out, "Measure")
    return heads, {r[0]: r[1:] for r in rows}


def test_comparator_columns_say_change_rate_and_rank(national: perfcore.Run) -> None:
    report = national.report
    heads, rows = _table(report)
    assert heads == ["Measure", "2017-18", "2018-19", "Annual change", "Direction of travel",
                     "E&W change", "E&W rate", "E&W rank", "Wales change", "Wales rate",
                     "Wales rank", "Status"]
    # A count is compared by its change, a rate by its level: never both under one heading.
    crime, rate = rows["Total recorded crime (excluding fraud)"], rows[
        "Total recorded crime per 1,000 population"]
    assert crime[heads.index("E&W rate") - 1] == "" != crime[heads.index("E&W change") - 1]
    assert rate[heads.index("E&W change") - 1] == "" != rate[heads.index("E&W rate") - 1]


def test_ranks_are_shown_and_agree_with_the_figures(national: perfcore.Run) -> None:
    # Gwent's rank among the four Welsh forces by recorded crime per 1,000 (lower is
    # better), worked out here from every force's rate in the evaluation.
    ev, report = national.evaluation, national.report
    i = ev.measure_index("all_crime_rate")
    welsh = ["W15000001", "W15000002", "W15000003", "W15000004"]
    rates = dict(zip(welsh, ev.peers.current[i, ev.peers.index(welsh)].tolist(), strict=True))
    expected = sorted(rates, key=rates.__getitem__).index("W15000002") + 1
    row = next(r for r in report.rows() if r.measure.id == "all_crime_rate")
    ordinal = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}[expected]
    assert row.cell("W92000004.rank").text == f"{ordinal} of 4"
    assert row.cell("W92000004.rank").value == expected


def test_an_english_force_has_no_wales_columns_or_notes(national: perfcore.Run) -> None:
    report = pipeline.report_plan(national.plan_file, pipeline.evaluate_plan(
        national.plan_file, national.dataset, organisation="Kent"), organisation="Kent")
    text = pipeline.render(report, "text")
    assert "Wales" not in text.replace("England and Wales", "")
    assert "n/a (not compared)" not in text and "group none" not in text
    assert [c.key for c in report.columns if c.key.startswith("W92")] == []


def test_notes_name_groups_not_codes(national: perfcore.Run) -> None:
    notes = national.report.notes
    assert notes[0].startswith("E&W: England and Wales (43 forces); figures: computed")
    assert notes[1].startswith("Wales (4 forces: Dyfed-Powys, Gwent, North Wales, South "
                               "Wales); figures: computed")
    seed001 = perfcore.run(ROOT / "examples/gwent/plan-2020-21.toml").report.notes
    assert seed001[0].startswith(
        "MSG: most similar group of Gwent (illustrative): South Wales, Cleveland, "
        "Humberside, Lancashire, Nottinghamshire, Northumbria, Merseyside; ")
    for text in (*notes, *seed001):
        assert "msg_" not in text and "K04000001" not in text and "W92000004" not in text


# ------------------------------------------------------------ published figures shown


def test_seed002_published_changes_are_listed_as_published(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Seed 002 gives five changes without their counts (−0.8%, −5.1%, −10.6%, +38%, +31%):
    # each is shown as published, to the precision published, with its period and source.
    assert main(["report", str(ROOT / "examples/gwent/seed002-delivery-plan-2013-14.toml")]) == 0
    out = capsys.readouterr().out
    for line in ("Criminal Damage & Arson — Gwent, change, 12 months to December 2013: -0.8%",
                 "Household crime (domestic burglary) — Gwent, change, 12 months to "
                 "December 2013: -5.1%",
                 "ASB incidents — Gwent, change, 12 months to September 2013: -10.6%",
                 "Incidents flagged as domestic abuse — Gwent, change, 12 months to "
                 "September 2013: +38% (seed 002, Priority 4",
                 "Crime reports flagged as domestic abuse — Gwent, change, 12 months to "
                 "September 2013: +31% (seed 002"):
        assert f"      - {line}" in out, line


def test_an_own_published_figure_fills_the_cell_it_belongs_to(tmp_path: Path) -> None:
    # A change published for the reported period, with no counts to compute it from,
    # fills the change cell, marked § and explained in the notes.
    (tmp_path / "published.csv").write_text(textwrap.dedent("""\
        measure,group,period,figure,value,source
        all_crime,W15000002,2020-21,pct_change,-5.4,"the force's annual report"
        all_crime,W15000002,2019-20,pct_change,2.0,"the force's previous report"
        """), "utf-8")
    (tmp_path / "data.csv").write_text("measure,organisation,period,value\n"
                                       "other,Gwent,2020-21,1\n", "utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(textwrap.dedent("""\
        [plan]
        title = "Delivery plan"
        organisation = "Gwent"
        period = "2020-21"
        [[data]]
        path = "data.csv"
        [[data]]
        path = "published.csv"
        loader = "published"
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
    # The count itself is still not available, and perfcore says so.
    with pytest.warns(NotAvailableWarning, match="^1 figure not available for 2020-21"):
        report = perfcore.run(plan).report
    (row,) = report.rows()
    cell = row.cell("change")
    assert (cell.text, cell.value, cell.flags, cell.method) == (
        "-5.4%", -5.4, ("published",), "published")
    assert cell.source == "the force's annual report"
    assert [(p.who, p.period, p.text) for p in row.published] == [
        ("Gwent", "2019-20", "+2%")]
    assert report.notes[-1] == ("§ Published figure (the publication's own, not computed "
                                "from data: its counts were not given): All crime.")
    assert "-5.4%§" in pipeline.render(report, "text")


# ------------------------------------------------------ commentary in every format


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_qualitative_items_are_listed_with_their_update_text(
        fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Seed 000's Q3 update for Crime Prevention, as the seed prints it (one paragraph per
    # line), under the priority's table, not hidden in HTML details; no row of empty
    # figures for a qualitative item.
    plan = str(ROOT / "examples/gwent/seed000-priorities.toml")
    assert main(["report", plan, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "Q3 2021-22 update — Not assessed" in out
    assert "Offender Diversion Scheme is now live and post implementation review" in " ".join(
        out.split())
    assert not any(line.split()[:1] == ["Identify"] and "n/a" in line
                   for line in out.splitlines())
    bullets = [x.strip() for x in out.splitlines() if "Assurance Board chaired by DCC" in x]
    assert bullets == ["- Assurance Board chaired by DCC provided with 17 point Action Plan "
                       "about Preventing and" if fmt == "text" else
                       "- Assurance Board chaired by DCC provided with 17 point Action Plan "
                       "about Preventing and Deterring Crime, ASB and Vulnerability"]


# ------------------------------------------------------------- the national league


def test_the_league_ranks_every_force_with_its_interval(
        capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(ROOT / "examples/national/plan.toml")
    assert main(["report", plan, "--organisation", "all"]) == 0
    out = capsys.readouterr().out
    lines = [" ".join(x.split()) for x in out.splitlines()]
    # ONS year ending March 2019 against 2018: Cambridgeshire's −2.2% is the largest fall
    # of the 43 (64,752 from 66,194); Gwent (+19.9%, 48,823 → 58,536) is 38th; City of
    # London (+33.4%) last.
    table = lines[lines.index("Total recorded crime (excluding fraud) (ranked by change)")
                  + 2:][:43]
    assert table[0].startswith("1st of 43 Cambridgeshire 66,194 64,752 ")
    assert table[37].startswith("38th of 43 ▶ Gwent 48,823 58,536 58,063–59,012 +19.9%")
    assert table[42].startswith("43rd of 43 City of London 5,392 7,195")
    rates = lines[lines.index("Total recorded crime per 1,000 population (ranked by value)")
                  + 2:][:43]
    assert rates[0].startswith("1st of 43 Dyfed-Powys 49.9 54.0 53.4–54.7 +8.3%")


def test_the_league_in_html_and_json(tmp_path: Path) -> None:
    import json
    plan = str(ROOT / "examples/national/plan.toml")
    assert main(["report", plan, "--organisation", "all", "--format", "html",
                 "-o", str(tmp_path / "league.html")]) == 0
    page = (tmp_path / "league.html").read_text("utf-8")
    assert page.count('class="perfcore-chart funnel-plot"') == 1  # the one rate
    assert page.count('class="perfcore-chart peer-chart"') == 3  # the three counts
    assert page.count('<th scope="row"><strong>▶ Gwent</strong></th>') == 4  # per measure
    assert main(["report", plan, "--organisation", "all", "--format", "json",
                 "-o", str(tmp_path / "league.json")]) == 0
    doc = json.loads((tmp_path / "league.json").read_text("utf-8"))
    crime = doc["measures"][0]
    assert doc["kind"] == "league" and len(crime["forces"]) == 43
    gwent = next(f for f in crime["forces"] if f["code"] == "W15000002")
    assert gwent["rank"] == 38 and gwent["highlight"]
    assert gwent["figures"]["current"]["value"] == 58536


def test_several_organisations_give_a_section_each(
        capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(ROOT / "examples/national/plan.toml")
    assert main(["report", plan, "--organisation", "Gwent", "--organisation", "Kent"]) == 0
    out = capsys.readouterr().out
    first, second = out.split("\n" + "=" * 72 + "\n")
    assert "Gwent — financial year 2018-19" in first and "Wales change" in first
    assert "Kent — financial year 2018-19" in second and "Wales" not in second.replace(
        "England and Wales", "")
    assert main(["report", plan, "--organisation", "Gwent", "--organisation", "Kent",
                 "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("organisation,priority,")
    assert {r.split(",")[0] for r in rows[1:]} == {"W15000002", "E23000032"}


def test_all_goes_alone(capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(ROOT / "examples/national/plan.toml")
    assert main(["report", plan, "--organisation", "all", "--organisation", "Kent"]) == 1
    assert ("--organisation=['all', 'Kent']: 'all' asks for the league of every force: give "
            "it alone") in capsys.readouterr().err


def test_seed000_aims_without_measures_and_items_not_assessed(
        capsys: pytest.CaptureFixture[str]) -> None:
    # Seed 000's second overarching aim has no measures: it is still listed. Its
    # objectives were not given a status: the roll-ups count them "not assessed", not
    # "not tested" (no test was due).
    assert main(["report", str(ROOT / "examples/gwent/seed000-priorities.toml")]) == 0
    out = capsys.readouterr().out
    assert ("  Outcome: Deliver Medium Term Financial Plan\n"
            "    (the plan gives this outcome no measures)") in out
    assert "Crime Prevention  [Not assessed: both items]" in out
    assert "not tested" not in out.split("Notes")[0]


@pytest.mark.filterwarnings("ignore::perfcore.evaluation.NotAvailableWarning")
def test_seed000_priorities_name_the_boards_the_seed_names() -> None:
    # Seed 000 names a board in five priorities' updates (lines 65, 111, 248, 270/278, 308).
    report = perfcore.run(ROOT / "examples/gwent/seed000-priorities.toml").report
    boards = {s.id: s.board for s in report.sections if s.board}
    assert boards == {"crime_prevention": "Assurance Board", "edi": "Legitimacy Board",
                      "operating_model": "Service Improvement Board",
                      "wellbeing_and_people": "Workforce Resource Board; Culture Board",
                      "collaboration": "Service Improvement Board"}
