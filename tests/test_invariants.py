"""Issue 17, bad input never becomes a figure: the rules of the observation fields (kept
at the Dataset boundary, by every builder and loader), the rules of each measure kind
(kept where the plan's kinds meet the data), one row per key in the loaders that add rows
up, periods compared the right way round, and ``perfcore validate`` running every check
``perfcore report`` runs short of rendering.

Each case was a wrong figure with exit 0 (or a silent sum) before: the comments say what
perfcore showed."""

from __future__ import annotations

import math
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore import pipeline
from perfcore.calc import Reason, pct_change
from perfcore.cli import main
from perfcore.dataset import FIELD_RULES, Dataset
from perfcore.errors import (
    DataValidationError,
    DuplicateObservationError,
    InvalidValueError,
    ModelError,
    NotCoveredError,
    OptionError,
    PerfcoreError,
    PeriodError,
    UnknownOrganisationError,
)
from perfcore.evaluation import NotAvailableWarning, evaluate
from perfcore.io import load_data
from perfcore.io.home_office import load_home_office_prc
from perfcore.io.long_csv import load_long_csv
from perfcore.io.police_uk import load_police_uk
from perfcore.model import Measure, Outcome, Plan, Priority

HEADER = "measure,organisation,period,value,numerator,denominator,sample_size\n"

MEASURES = """\
    [[priorities.outcomes.measures]]
    id = "all_crime"
    name = "All crime"
    kind = "count"
    polarity = "lower"
    [[priorities.outcomes.measures]]
    id = "outcome_rate"
    name = "Outcome rate"
    kind = "proportion"
    polarity = "higher"
    [[priorities.outcomes.measures]]
    id = "confidence"
    name = "Public confidence work"
    kind = "qualitative"
    polarity = "higher"
"""


def write_plan(tmp_path: Path, rows: str, *, plan: str = "", options: str = "",
               measures: str = MEASURES, name: str = "plan.toml") -> Path:
    """A plan for Gwent, 2020-21, reading ``rows`` (long-format CSV lines under HEADER)."""
    (tmp_path / "data.csv").write_text(HEADER + textwrap.dedent(rows), "utf-8")
    head = plan or 'organisation = "Gwent"\nperiod = "2020-21"\n'
    text = (f'[plan]\ntitle = "Delivery plan"\n{head}\n[[data]]\npath = "data.csv"\n'
            f'{options}\n[[priorities]]\ntitle = "Crime"\n  [[priorities.outcomes]]\n'
            f'  statement = "Less crime"\n{measures}')
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


GOOD = """\
    all_crime,Gwent,2019-20,410,,,
    all_crime,Gwent,2020-21,380,,,
    outcome_rate,Gwent,2019-20,,30,100,
    outcome_rate,Gwent,2020-21,,40,100,
    """


def _records(**fields: float) -> list[dict[str, object]]:
    return [{"measure": "outcome_rate", "organisation": "Gwent", "period": "2020-21",
             **fields}]


# ------------------------------------------------------------- the Dataset boundary


@pytest.mark.parametrize(("fields", "column", "value", "reason"), [
    ({"numerator": -3, "denominator": 10}, "numerator", "-3", "is negative"),
    ({"numerator": 150, "denominator": 100}, "numerator", "150",
     "is more than its denominator, 100"),
    ({"numerator": 3, "denominator": 0}, "denominator", "0", "is not positive"),
    ({"value": 0.5, "sample_size": 0}, "sample_size", "0", "is not positive"),
    ({"numerator": 5, "population": -1}, "population", "-1", "is not positive"),
    ({"value": 3.2, "sd": -0.5, "sample_size": 40}, "sd", "-0.5", "is negative"),
])
def test_the_dataset_refuses_fields_breaking_their_rules(
        fields: dict[str, float], column: str, value: str, reason: str) -> None:
    # Before: a sample size of 0, a numerator above its denominator and the rest were
    # accepted, and became figures (150.0% "improving").
    with pytest.raises(InvalidValueError) as info:
        Dataset.from_records(_records(**fields))
    err = info.value
    assert (err.column, err.value, err.row, err.count) == (column, value, 0, 1)
    assert (err.measure, err.organisation, err.period) == ("outcome_rate", "Gwent", "2020-21")
    assert err.reason == reason
    assert str(err).startswith(f"row 0, column {column!r}: {value!r} {reason} (")


def test_every_field_rule_is_tested_above() -> None:
    assert {(r.field, r.reason.split(",")[0]) for r in FIELD_RULES} == {
        ("numerator", "is negative"), ("numerator", "is more than its denominator"),
        ("denominator", "is not positive"), ("sample_size", "is not positive"),
        ("population", "is not positive"), ("sd", "is negative")}


_FIELD_VALUE = st.sampled_from([0.0, -0.0, 1.0, 2.5, -1.0, -0.5, 5e-324, float("nan")])


@given(denominator=st.lists(_FIELD_VALUE, min_size=1, max_size=30), data=st.data())
def test_the_denominator_rule_finds_exactly_the_rows_its_words_say(
        denominator: list[float], data: st.DataObject) -> None:
    # The rule reads the numerators only where a denominator is 0 or less (issue 18:
    # the usual data have none, and the national benchmark's validation did five passes
    # over every row for it). The rows it finds are still exactly those with a
    # denominator below 0, or of 0 with a numerator other than 0 (NaN is not 0).
    numerator = data.draw(st.lists(_FIELD_VALUE, min_size=len(denominator),
                                   max_size=len(denominator)))
    d, n = np.array(denominator), np.array(numerator)
    rule = next(r for r in FIELD_RULES if r.field == "denominator")
    want = [(x < 0) or (x == 0 and y != 0) for x, y in zip(denominator, numerator,
                                                                  strict=True)]
    with np.errstate(invalid="ignore"):
        got = rule.broken({"denominator": d, "numerator": n})
    assert got.tolist() == want


def test_none_of_zero_is_no_cases_and_not_available(tmp_path: Path) -> None:
    # 0 of 0: no cases in the period. Kept (monthly figures still add up), and its
    # proportion is not available rather than the recorded value or an error.
    ds = Dataset.from_records(_records(numerator=0, denominator=0, value=0.5))
    plan = Plan(id="p", title="P", priorities=[Priority(id="c", title="C", outcomes=[
        Outcome(id="o", statement="S", measures=[
            Measure(id="outcome_rate", name="Rate", kind="proportion", polarity="higher")])])])
    ds = Dataset.concat([ds, Dataset.from_records([{**_records(numerator=1, denominator=4)[0],
                                                    "period": "2019-20"}])])
    with pytest.warns(NotAvailableWarning, match="organisation 'Gwent'"):
        ev = evaluate(plan, ds, period="2020-21", organisation="Gwent")
    assert math.isnan(ev.current[0, 0])
    assert ev.previous[0, 0] == 0.25


def test_the_dataset_counts_every_row_breaking_a_rule() -> None:
    rows = [{**_records(numerator=n, denominator=10)[0], "period": p}
            for n, p in ((3, "2018-19"), (-1, "2019-20"), (-2, "2020-21"))]
    with pytest.raises(InvalidValueError) as info:
        Dataset.from_records(rows)
    assert info.value.rows == (1, 2) and info.value.count == 2
    assert info.value.period == "2019-20"


def test_percent_marks_survive_records_concat_and_aggregation() -> None:
    rows = [{"measure": "m", "organisation": "Gwent", "period": f"2020-{k:02d}",
             "value": 0.5, "percent": k == 6} for k in range(4, 16) if k <= 12] + [
        {"measure": "m", "organisation": "Gwent", "period": f"2021-{k:02d}", "value": 0.5}
        for k in range(1, 4)]
    ds = Dataset.from_records(rows)
    assert ds.percent is not None and int(ds.percent.sum()) == 1
    assert Dataset.from_records(ds.to_records()) == ds
    assert ds != Dataset.from_records([{k: v for k, v in r.items() if k != "percent"}
                                       for r in rows])
    year = ds.aggregate("financial_year")
    assert year.percent is not None and year.percent.tolist() == [True]
    both = Dataset.concat([ds, Dataset.from_records([{"measure": "n", "organisation": "Gwent",
                                                      "period": "2020-21", "value": 1}])])
    assert both.percent is not None and int(both.percent.sum()) == 1


# ------------------------------------------------------------- the long CSV loader


def test_the_csv_loader_lists_every_cell_breaking_a_rule_as_written(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(HEADER + "outcome_rate,Gwent,2019-20,,150,100,\n"
                    "outcome_rate,Gwent,2020-21,,\u22123,100,\n"
                    "satisfaction,Gwent,2020-21,0.8,,,0\n", "utf-8")
    with pytest.raises(DataValidationError) as info:
        load_long_csv(path)
    got = [(p.row, p.column, p.message.split(" (")[0], p.organisation, p.period)
           for p in info.value.problems]
    assert got == [
        (2, "numerator", "'150' is more than its denominator, 100", "Gwent", "2019-20"),
        (3, "numerator", "'\u22123' is negative", "Gwent", "2020-21"),
        (4, "sample_size", "'0' is not positive", "Gwent", "2020-21")]
    assert all(p.file == str(path) for p in info.value.problems)


def test_a_percentage_outside_0_to_100_is_refused_where_it_is_read(tmp_path: Path) -> None:
    # Before: "150%" became 1.5 and was shown as 150.0%, improving, Green.
    path = tmp_path / "data.csv"
    path.write_text(HEADER + "outcome_rate,Gwent,2020-21,150%,,,\n"
                    "outcome_rate,Gwent,2019-20,-20%,,,\n", "utf-8")
    with pytest.raises(DataValidationError) as info:
        load_long_csv(path)
    assert [(p.row, p.message.split(":")[0]) for p in info.value.problems] == [
        (2, "'150%' is not a percentage from 0% to 100%"),
        (3, "'-20%' is not a percentage from 0% to 100%")]


def test_values_declared_in_per_cent_are_fractions(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    plan = write_plan(tmp_path, """\
        outcome_rate,Gwent,2019-20,11.8,,,
        outcome_rate,Gwent,2020-21,15.9%,,,
        all_crime,Gwent,2019-20,410,,,
        all_crime,Gwent,2020-21,380,,,
        """, options='options = { percent = ["outcome_rate"] }')
    ds = pipeline.load_data(pipeline.load_plan(plan))
    cube = ds.cube("value", measures=["outcome_rate"], organisations=["Gwent"],
                   periods=["2019-20", "2020-21"])
    assert cube[0, 0].tolist() == pytest.approx([0.118, 0.159])
    assert main(["report", str(plan)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Outcome rate" in x)
    assert line.split()[2:5] == ["11.8%", "15.9%", "+4.1"]
    (tmp_path / "data.csv").write_text(HEADER + "outcome_rate,Gwent,2020-21,159,,,\n", "utf-8")
    with pytest.raises(DataValidationError, match=r"row 2, column 'value': '159' is not a "
                       r"percentage from 0% to 100% \(its measure's values are declared in "
                       r"per cent\)"):
        load_long_csv(tmp_path / "data.csv", percent=["outcome_rate"])


def test_the_percent_option_is_a_list_of_ids(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(HEADER + "outcome_rate,Gwent,2020-21,15,,,\n", "utf-8")
    with pytest.raises(OptionError, match="percent='outcome_rate' is not allowed; use a list "
                       "of measure ids"):
        load_long_csv(path, percent="outcome_rate")


# ---------------------------------------------------- loaders that add rows up


HO_HEADER = ("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
             "Offence Subgroup,Offence Code,Number of Offences\n")


def _ho_row(quarter: int, count: str) -> str:
    return (f"2019/20,{quarter},Gwent,Burglary - residential,Theft offences,"
            f"Domestic burglary,28E,{count}\n")


def test_home_office_refuses_a_repeated_row(tmp_path: Path) -> None:
    # Before: the repeated Q1 row was added in: 511 instead of 410.
    path = tmp_path / "prc-pfa-test.csv"
    rows = [_ho_row(q, n) for q, n in ((1, "101"), (2, "102"), (3, "103"), (4, "104"))]
    path.write_text(HO_HEADER + "".join(rows), "utf-8")
    assert load_home_office_prc(path).cube("value", measures=["all_crime"])[0, 0, 0] == 410
    path.write_text(HO_HEADER + "".join(rows) + rows[0], "utf-8")
    with pytest.raises(DuplicateObservationError) as info:
        load_home_office_prc(path)
    err = info.value
    assert (err.file, err.rows, err.count) == (str(path), (2, 6), 1)
    assert err.key == ("Burglary - residential (28E)", "Gwent", "2019/20 quarter 1")
    assert str(err) == (f"{path}: 1 repeated row; first: row 6 repeats row 2 (offence "
                        "'Burglary - residential (28E)', force 'Gwent', 2019/20 quarter 1): "
                        "each force × quarter × offence may appear once, or its figures "
                        "would be counted twice")


def test_home_office_counts_are_whole_numbers(tmp_path: Path) -> None:
    path = tmp_path / "prc-pfa-test.csv"
    path.write_text(HO_HEADER + _ho_row(1, "10.5") + _ho_row(2, "-3") + _ho_row(3, "1")
                    + _ho_row(4, "1"), "utf-8")
    with pytest.raises(DataValidationError) as info:
        load_home_office_prc(path)
    # A negative count is one of the tables' adjustments, and is kept.
    assert [(p.row, p.message) for p in info.value.problems] == [
        (2, "'10.5' is not a whole number (a count is a whole number)")]


def test_police_uk_counted_files_refuse_a_repeated_row(tmp_path: Path) -> None:
    # Before: two Burglary rows for one month were added: 100 instead of 50.
    path = tmp_path / "street_counts_by_month_crime_type.csv"
    path.write_text("month,crime_type,count\n2024-04,Burglary,50\n2024-04,Robbery,7\n"
                    "2024-04,Burglary,50\n", "utf-8")
    with pytest.raises(DuplicateObservationError) as info:
        load_police_uk(path, organisation="Gwent")
    assert (info.value.file, info.value.rows) == (str(path), (2, 4))
    assert "row 4 repeats row 2 (crime type 'Burglary', month '2024-04'): each month × " \
           "force × crime type may appear once" in str(info.value)
    path.write_text("month,crime_type,count\n2024-04,Burglary,50\n2024-05,Burglary,50\n",
                    "utf-8")
    ds = load_police_uk(path, organisation="Gwent")
    assert ds.cube("value", measures=["police_uk.street.burglary"])[0, 0].tolist() == [50, 50]


def test_police_uk_counts_are_whole_and_not_negative(tmp_path: Path) -> None:
    path = tmp_path / "street_counts_by_month_crime_type.csv"
    path.write_text("month,crime_type,count\n2024-04,Burglary,-5\n2024-04,Robbery,2.5\n",
                    "utf-8")
    with pytest.raises(DataValidationError) as info:
        load_police_uk(path, organisation="Gwent")
    assert [(p.row, p.message.split(" (")[0]) for p in info.value.problems] == [
        (2, "'-5' is negative"), (3, "'2.5' is not a whole number")]


# ------------------------------------------------- where the plan's kinds meet the data


def _error(tmp_path: Path, rows: str, **kwargs: str) -> InvalidValueError:
    plan = write_plan(tmp_path, rows, **kwargs)
    plan_file = pipeline.load_plan(plan)
    with pytest.raises(InvalidValueError) as info:
        pipeline.evaluate_plan(plan_file, pipeline.load_data(plan_file))
    return info.value


def test_a_proportion_above_one_is_an_error_not_a_figure(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    # Before: 1.5 was shown as 150.0%, direction "improving", status Green.
    rows = GOOD.replace(",,40,100,", ",1.5,,,")
    err = _error(tmp_path, rows)
    assert (err.value, err.kind, err.measure, err.organisation, err.period) == (
        "1.5", "proportion", "outcome_rate", "Gwent", "2020-21")
    assert err.source == "data.csv"
    assert 'say so: percent = ["outcome_rate"]' in err.hint
    assert main(["report", str(tmp_path / "plan.toml")]) == 1
    out, stderr = capsys.readouterr()
    assert out == ""
    assert stderr.startswith("perfcore report: error: column 'value': '1.5' is not a "
                             "proportion (a proportion is from 0 to 1")


def test_a_survey_numerator_above_its_sample_size_is_an_error(tmp_path: Path) -> None:
    # Before: x > n made calc's figures NaN and evaluate fell back to the recorded
    # value: 150.0%, improving.
    err = _error(tmp_path, GOOD.replace(",,40,100,", ",1.5,150,,100"))
    assert (err.value, err.reason) == ("1.5", "is not a proportion")


def test_a_negative_proportion_is_an_error(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD.replace(",,30,100,", ",-0.2,,,"))
    assert (err.value, err.period) == ("-0.2", "2019-20")


def test_a_negative_count_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    # Before: -85 crimes scored a change of -185.0%, improving.
    err = _error(tmp_path, GOOD.replace("2020-21,380", "2020-21,-85"))
    assert (err.value, err.kind, err.reason) == ("-85", "count", "is a negative count")
    assert main(["report", str(tmp_path / "plan.toml")]) == 1
    assert "'-85' is a negative count (a count is 0 or more)" in capsys.readouterr().err


def test_a_percentage_in_a_count_is_an_error(tmp_path: Path) -> None:
    # Before: "50%" became 0.5 crimes, a fall of -100%, improving, Green.
    err = _error(tmp_path, GOOD.replace("2020-21,380", "2020-21,50%"))
    assert (err.value, err.kind) == ("50%", "count")
    assert err.reason == "is a percentage, but the measure is a count"
    # "100%" would be a whole count of 1: refused for being a percentage, not for its value.
    err = _error(tmp_path, GOOD.replace("2020-21,380", "2020-21,100%"))
    assert err.value == "100%"


def test_a_count_declared_in_per_cent_is_an_error(tmp_path: Path) -> None:
    # Declaring a count's values in per cent makes them fractions: the plan says it is a
    # count, so the evaluation refuses them.
    err = _error(tmp_path, GOOD.replace("410", "41").replace("380", "38"),
                 options='options = { percent = ["all_crime"] }')
    assert (err.value, err.measure, err.period) == ("41%", "all_crime", "2019-20")
    assert err.reason == "is a percentage, but the measure is a count"


def test_a_published_proportion_above_one_is_an_error(tmp_path: Path) -> None:
    # Before: an E&W proportion published as 7.5 was shown as 750.0%.
    (tmp_path / "published.csv").write_text(
        "measure,group,period,figure,value\n"
        "outcome_rate,England and Wales,2020-21,value,7.5\n", "utf-8")
    plan = write_plan(tmp_path, GOOD, options='[[data]]\npath = "published.csv"')
    plan_file = pipeline.load_plan(plan)
    with pytest.raises(InvalidValueError) as info:
        pipeline.evaluate_plan(plan_file, pipeline.load_data(plan_file))
    err = info.value
    assert (err.value, err.organisation, err.measure) == ("7.5", "England and Wales",
                                                          "outcome_rate")
    assert err.hint == "write a proportion as a fraction (0.075) or with a % sign (7.5%)"


def test_a_subnormal_previous_value_has_no_percent_change(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: "+inf%", and numpy's RuntimeWarning (overflow) on stderr.
    result = pct_change(current=[121, 1e308], previous=[5e-324, 1e-10])
    assert np.isnan(result.value).all()
    assert result.flag(Reason.ZERO_BASE).all()
    plan = write_plan(tmp_path, GOOD.replace("2019-20,410", "2019-20,5e-324"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may escape
        assert main(["report", str(plan)]) == 0
    out, err = capsys.readouterr()
    assert "inf" not in out and "RuntimeWarning" not in err
    line = next(x for x in out.splitlines() if "All crime" in x)
    assert line.split()[2:5] == ["0", "380", "n/a"]


@pytest.mark.parametrize("previous", ["2020-21", "2021-22"])
def test_the_previous_period_must_come_before_the_period(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], previous: str) -> None:
    # --previous equal to --period gave "0.0% no change"; a later one was accepted.
    plan = write_plan(tmp_path, GOOD)
    assert main(["report", str(plan), "--previous", previous]) == 1
    assert capsys.readouterr().err == (
        f"perfcore report: error: period {previous!r}: the comparison period is not "
        "before the period 2020-21\n")
    plan_file = pipeline.load_plan(plan)
    with pytest.raises(PeriodError) as info:
        pipeline.run(plan_file, previous=previous)
    assert info.value.text == previous
    write_plan(tmp_path, GOOD, plan=f'organisation = "Gwent"\n[report]\nperiod = "2020-21"\n'
               f'previous = "{previous}"\n')
    with pytest.raises(PeriodError):
        pipeline.run(plan)
    assert main(["validate", str(plan)]) == 1


def test_an_empty_plan_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                   ) -> None:
    plan = write_plan(tmp_path, GOOD, measures="")
    text = plan.read_text("utf-8")
    plan.write_text(text[:text.index("[[priorities]]")], "utf-8")
    with pytest.raises(ModelError, match="has no measures to evaluate"):
        pipeline.run(plan)
    assert main(["report", str(plan)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_qualitative_items_are_never_figures_not_available(tmp_path: Path) -> None:
    plan = write_plan(tmp_path, GOOD)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NotAvailableWarning)
        pipeline.run(plan)


# ------------------------------------------------------- validate runs every check


@pytest.mark.parametrize(("plan_head", "rows", "args", "problem"), [
    ('organisation = "Kent"\nperiod = "2020-21"\n', GOOD, [],
     "no organisation 'Kent' in the dataset"),
    ('organisation = "Gwent"\n[report]\nperiod = "2022-23"\n', GOOD, [],
     "the data do not cover 2022-23"),
    ('organisation = "Gwent"\nperiod = "2020-21"\n', GOOD.replace(",,40,100,", ",,40,,"), [],
     "a proportion with a numerator but no denominator or sample size (measure "
     "'outcome_rate', organisation 'Gwent', period '2020-21')"),
    ('organisation = "Gwent"\nperiod = "2020-21"\n', GOOD, ["--period", "2021-22"],
     "the data do not cover 2021-22"),
    ('period = "2020-21"\n', GOOD + "    all_crime,Kent,2020-21,7,,,\n", [],
     "name the organisation to report on"),
    ('organisation = "Gwent"\nperiod = "2020-21"\n', GOOD.replace("2020-21,380", "2020-21,-1"),
     [], "'-1' is a negative count"),
    ('organisation = "Gwent"\nperiod = "2020-21"\n', GOOD, ["--previous", "2020-21"],
     "the comparison period is not before the period 2020-21"),
])
def test_validate_finds_what_report_would_stop_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], plan_head: str, rows: str,
        args: list[str], problem: str) -> None:
    # Before: "0 problems", and then report failed.
    plan = write_plan(tmp_path, rows, plan=plan_head)
    assert main(["report", str(plan), *args]) == 1
    report_error = capsys.readouterr().err
    assert problem in report_error
    assert main(["validate", str(plan), *args]) == 1
    out, err = capsys.readouterr()
    assert out == f"{plan}: 3 measures in 1 priority; {rows.count(chr(10))} " \
                  "observations; 1 problem\n"
    assert f"{plan}: problem: " in err and problem in err


def test_validate_an_empty_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = write_plan(tmp_path, GOOD, measures="")
    text = plan.read_text("utf-8")
    plan.write_text(text[:text.index("[[priorities]]")], "utf-8")
    assert main(["validate", str(plan)]) == 1
    out, err = capsys.readouterr()
    assert out.endswith("0 measures in 0 priorities; 4 observations; 1 problem\n")
    assert "has no measures to evaluate" in err


def test_validate_lists_the_problems_of_the_data(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    plan = write_plan(tmp_path, GOOD.replace(",,30,100,", ",,300,100,").replace(
        ",,40,100,", ",,40,100,0"))
    assert main(["validate", str(plan)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{plan}: 2 problems in its data\n"
    assert err.splitlines()[0].startswith(
        f"{plan}: problem: {tmp_path / 'data.csv'}, row 4, column 'numerator': '300' is "
        "more than its denominator")


def test_validate_a_good_plan_with_period_and_organisation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = write_plan(tmp_path, GOOD)
    assert main(["validate", str(plan), "--period", "2020-21", "--organisation", "Gwent"]) == 0
    assert capsys.readouterr().out.endswith("; 0 problems\n")
    scores = pipeline.check_plan(pipeline.load_plan(plan),
                                 pipeline.load_data(pipeline.load_plan(plan)))
    assert scores is not None
    with pytest.raises(UnknownOrganisationError):
        pipeline.check_plan(pipeline.load_plan(plan),
                            pipeline.load_data(pipeline.load_plan(plan)), organisation="Kent")
    with pytest.raises(NotCoveredError):
        pipeline.check_plan(pipeline.load_plan(plan),
                            pipeline.load_data(pipeline.load_plan(plan)), period="2024-25")


# ------------------------------------------------------------------ the invariant


_VALUE = st.one_of(
    st.floats(-0.5, 1.5, allow_nan=False).map(lambda v: f"{v:.3g}"),  # fractions, some out
    st.floats(-2, 200, allow_nan=False).map(lambda v: f"{v:.3g}"),  # per cents, or not
    st.floats(-50, 250, allow_nan=False).map(lambda v: f"{v:.3g}%"),
)
_WHOLE = st.integers(-5, 400).map(str)
# A row gives a value, a numerator and denominator, a value and sample size, a numerator
# and sample size, or cells at random; every number may be valid or not.
_ROW = st.one_of(
    st.tuples(_VALUE, st.just(""), st.just(""), st.just("")),
    st.tuples(st.just(""), _WHOLE, _WHOLE, st.just("")),
    st.tuples(_VALUE, st.just(""), st.just(""), _WHOLE),
    st.tuples(st.just(""), _WHOLE, st.just(""), _WHOLE),
    st.tuples(*[st.one_of(st.just(""), _WHOLE, _VALUE)] * 4),
)


@given(rows=st.lists(_ROW, min_size=2, max_size=2), declared=st.booleans())
def test_a_proportion_is_an_error_or_a_figure_from_0_to_1(
        tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str, str]],
        declared: bool) -> None:
    """Whatever a data file gives for a proportion (values, percentages, numerators,
    denominators, sample sizes, valid or not), perfcore either raises one of its own
    errors or shows a figure from 0 to 1 (or none: not available)."""
    folder = tmp_path_factory.mktemp("p")
    path = folder / "data.csv"
    lines = [f"outcome_rate,Gwent,{p},{v},{x},{n},{s}"
             for p, (v, x, n, s) in zip(("2019-20", "2020-21"), rows, strict=True)]
    path.write_text(HEADER + "\n".join(lines) + "\n", "utf-8")
    plan = Plan(id="p", title="P", priorities=[Priority(id="c", title="C", outcomes=[
        Outcome(id="o", statement="S", measures=[
            Measure(id="outcome_rate", name="Rate", kind="proportion", polarity="higher")])])])
    try:
        ds = load_data(path, **({"percent": ["outcome_rate"]} if declared else {}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotAvailableWarning)
            ev = evaluate(plan, ds, period="2020-21", organisation="Gwent")
    except PerfcoreError:
        return
    for figure in (ev.current, ev.previous, ev.interval.lower, ev.interval.upper):
        shown = figure[~np.isnan(figure)]
        assert ((shown >= 0) & (shown <= 1)).all(), (lines, figure)


def test_percent_marks_survive_a_dataframe() -> None:
    pytest.importorskip("pandas")
    import pandas as pd

    from perfcore.io.pandas import from_dataframe, to_dataframe
    df = pd.DataFrame({"measure": ["outcome_rate", "all_crime"],
                       "organisation": ["Gwent", "Gwent"], "period": ["2020-21", "2020-21"],
                       "value": ["15.9%", "410"]})
    ds = from_dataframe(df)
    assert ds.percent is not None and ds.percent.tolist() == [True, False]  # file order
    assert from_dataframe(to_dataframe(ds)) == ds
    declared = from_dataframe(df.assign(value=[15.9, 410.0]).iloc[:1],
                              percent=["outcome_rate"])
    assert declared.value.tolist() == pytest.approx([0.159])


# ------------------------------------------------- the columnar paths keep the rules


@pytest.mark.parametrize("engine", ["auto", "python"])
def test_the_csv_fast_path_gives_the_same_errors(tmp_path: Path, engine: str) -> None:
    # Plain numbers the pyarrow fast path reads itself: the Dataset refuses the broken
    # rule, and the exact parser lists the cell with its spreadsheet row.
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.csv"
    path.write_text(HEADER + "outcome_rate,Gwent,2019-20,,30,100,\n"
                    "outcome_rate,Gwent,2020-21,,150,100,\n", "utf-8")
    with pytest.raises(DataValidationError) as info:
        load_long_csv(path, engine=engine)  # type: ignore[arg-type]
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (3, "numerator")
    assert problem.message.startswith("'150' is more than its denominator, 100")


def test_parquet_keeps_the_rules_and_the_percent_marks(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from perfcore.io.arrow import load_parquet
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"measure": ["outcome_rate"], "organisation": ["Gwent"],
                             "period": ["2020-21"], "numerator": [150.0],
                             "denominator": [100.0]}), path)
    with pytest.raises(InvalidValueError) as info:
        load_parquet(path)
    assert (info.value.file, info.value.row, info.value.value) == (str(path), 0, "150")
    pq.write_table(pa.table({"measure": ["all_crime", "outcome_rate"],
                             "organisation": ["Gwent", "Gwent"],
                             "period": ["2020-21", "2020-21"],
                             "value": ["50%", "15.9%"]}), path)
    ds = load_parquet(path)
    assert ds.percent is not None and ds.percent.tolist() == [True, True]
