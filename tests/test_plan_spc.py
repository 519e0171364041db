"""SPC settings in plans (a measure's spc table, the [spc] defaults), how the evaluation
charts with them (months, rule profile, rebases), [[data]] aggregate, and the police_uk
loader's explicit crime-type mapping."""

from __future__ import annotations

import csv
import pickle
import statistics
import warnings
from pathlib import Path

import numpy as np
import pytest

import perfcore.scoring.builtin as builtin
from perfcore.calc.spc import PROFILES, xmr
from perfcore.codes import Status
from perfcore.dataset import AGGREGATIONS, Dataset
from perfcore.errors import (
    ModelError,
    OptionError,
    PlanValidationError,
    TrialLimitsWarning,
    UnknownCategoryWarning,
)
from perfcore.evaluation import EvaluationOptions, evaluate
from perfcore.io.plan import plan_schema
from perfcore.io.police_uk import load_police_uk
from perfcore.model import Measure, Outcome, Plan, Priority, Rebase, SpcSettings
from perfcore.periods import Month
from perfcore.pipeline import evaluate_plan, load_data, loads_plan

ROOT = Path(__file__).resolve().parents[1]
POLICEUK = ROOT / "examples" / "data" / "policeuk-gwent"
STREET = POLICEUK / "street_counts_by_month_crime_type.csv"

PLAN = """\
format = "perfcore-plan/1"

[plan]
title = "Monthly"
organisation = "Gwent"
period = "12 months to June 2025"
{top}
[[priorities]]
title = "Crime"

  [[priorities.outcomes]]
  statement = "Less crime"

    [[priorities.outcomes.measures]]
    id = "all_crime"
    name = "All crime"
    kind = "count"
    polarity = "lower"

    [[priorities.outcomes.measures]]
    id = "burglary"
    name = "Burglary"
    kind = "count"
    polarity = "lower"
{spc}
"""


def plan_text(spc: str = "", top: str = "") -> str:
    return PLAN.format(spc=spc, top=top)


def problems(text: str) -> list:
    with pytest.raises(PlanValidationError) as info:
        loads_plan(text, file="monthly.toml")
    return list(info.value.problems)


def line_with(text: str, needle: str) -> int:
    """The 1-based line of the (first) line containing ``needle``."""
    return next(k for k, line in enumerate(text.splitlines(), start=1) if needle in line)


FIRST = Month(2022, 7)  # the first month of the police.uk files


def monthly(counts: dict[str, list[float]], first: Month = FIRST) -> Dataset:
    return Dataset.from_records(
        [{"measure": mid, "organisation": "Gwent", "period": str(first.shift(k)), "value": v}
         for mid, values in counts.items() for k, v in enumerate(values)])


def one_measure_plan(*measures: Measure) -> Plan:
    return Plan(id="p", title="P", priorities=[Priority(id="c", title="C", outcomes=[
        Outcome(id="o", statement="S", measures=list(measures))])])


def street_series(crime_type: str) -> list[int]:
    with open(STREET, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["crime_type"] == crime_type]
    return [int(r["count"]) for r in sorted(rows, key=lambda r: r["month"])]


# ------------------------------------------------------------------ plan files


def test_measure_spc_table_and_plan_defaults_are_read() -> None:
    text = plan_text(top='\n[spc]\nrules = "mdc_v5"\npoints = 30\n', spc='''\
      [priorities.outcomes.measures.spc]
      points = 36
      rules = "nhsr"
      rebase = ["2023-04", { month = "October 2023", note = { en = "Step", cy = "Cam" } }]
''')
    pf = loads_plan(text, file="monthly.toml")
    assert pf.spc == SpcSettings(rules="mdc_v5", points=30)
    burglary = pf.plan.measure("burglary")
    assert burglary.spc == SpcSettings(rules="nhsr", points=36, rebase=(
        Rebase(month="2023-04"), Rebase(month=Month(2023, 10), note="Step")))
    assert pf.plan.measure("all_crime").spc == SpcSettings()
    assert pf.texts["cy"]["Step"] == "Cam"  # the note is a plan text like any other
    assert pickle.loads(pickle.dumps(pf)) == pf


def test_a_bad_rebase_month_names_file_line_and_measure() -> None:
    text = plan_text(spc='''\
      [[priorities.outcomes.measures.spc.rebase]]
      month = "2023-13"
      note = "a step"
''')
    (p,) = problems(text)
    assert p.file == "monthly.toml"
    assert p.line == line_with(text, 'month = "2023-13"')
    assert p.path == "priorities[0].outcomes[0].measures[1].spc.rebase[0].month"
    assert "measure 'burglary'" in p.message and "'2023-13' is not a month" in p.message
    assert str(p).startswith(f"monthly.toml:{p.line} priorities[0]")


def test_an_unknown_rule_profile_names_file_line_measure_and_the_profiles() -> None:
    text = plan_text(spc='    spc = { rules = "mdc_v6", points = 36 }\n')
    (p,) = problems(text)
    assert (p.file, p.line) == ("monthly.toml", line_with(text, "mdc_v6"))
    assert p.path == "priorities[0].outcomes[0].measures[1].spc.rules"
    assert "measure 'burglary'" in p.message
    assert "did you mean 'mdc_v5'?" in p.message and "nhsr, mdc_sql_2_5, mdc_v5" in p.message


@pytest.mark.parametrize(("spc", "where", "words"), [
    ('    spc = { points = 1 }\n', "spc.points", "whole number of months ≥ 2"),
    ('    spc = { rebase = ["2023-10", "Oct 2023"] }\n', "spc.rebase[1].month",
     "2023-10 is given twice"),
    ('    spc = { rebase = "2023-10" }\n', "spc.rebase", "must be a list"),
    ('    spc = { rebase = [{ note = "why" }] }\n', "spc.rebase[0].month", "month is required"),
    ('    spc = { rebase = [{ month = "2023-10", why = "x" }] }\n', "spc.rebase[0].why",
     "unknown field ['why']"),
    ('    spc = { rebases = ["2023-10"] }\n', "spc.rebases", "did you mean 'rebase'?"),
])
def test_other_spc_problems_point_at_their_key(spc: str, where: str, words: str) -> None:
    text = plan_text(spc=spc)
    (p,) = problems(text)
    assert p.path == f"priorities[0].outcomes[0].measures[1].{where}"
    assert p.line == line_with(text, "spc = ")
    assert words in p.message


def test_every_problem_of_an_spc_table_is_listed_with_the_measures_others() -> None:
    # A plan is validated whole: a misspelt profile used to hide the rebase problems
    # beside it (and one spc problem the measure's other problems), one fix at a time.
    text = plan_text(spc='''\
      [priorities.outcomes.measures.spc]
      rules = "mdc_v6"
      points = 1

      [[priorities.outcomes.measures.spc.rebase]]
      month = "2023-13"

      [[priorities.outcomes.measures.spc.rebase]]
      month = "2023-10"

      [[priorities.outcomes.measures.spc.rebase]]
      month = "October 2023"
''').replace('"lower"\n      [priorities', '"sideways"\n      [priorities')
    found = {p.path.removeprefix("priorities[0].outcomes[0].measures[1]."): p
             for p in problems(text)}
    assert sorted(found) == ["polarity", "spc.points", "spc.rebase[0].month",
                             "spc.rebase[2].month", "spc.rules"]
    assert found["spc.rules"].line == line_with(text, 'rules = "mdc_v6"')
    assert found["spc.points"].line == line_with(text, "points = 1")
    assert found["spc.rebase[0].month"].line == line_with(text, '"2023-13"')
    assert "'2023-13' is not a month" in found["spc.rebase[0].month"].message
    assert "2023-10 is given twice" in found["spc.rebase[2].month"].message
    assert all("measure 'burglary'" in p.message for p in found.values())
    assert SpcSettings.problems({"rules": "nhsr", "points": 24, "rebase": ["2023-10"]}) == ()


def test_plan_spc_defaults_are_checked() -> None:
    text = plan_text(top='\n[spc]\nrules = "nhrs"\nrebase = ["2023-10"]\n')
    found = {p.path: p for p in problems(text)}
    assert found["spc.rebase"].line == line_with(text, "rebase = ")
    assert "unknown key 'rebase' in [spc]" in found["spc.rebase"].message
    assert found["spc.rules"].line == line_with(text, 'rules = "nhrs"')
    assert "did you mean 'nhsr'?" in found["spc.rules"].message


def test_a_qualitative_item_takes_no_spc_settings() -> None:
    with pytest.raises(ModelError, match="no monthly series to chart"):
        Measure(id="q", name="Q", kind="qualitative", polarity="neutral",
                spc={"points": 12})


def test_the_schema_knows_the_profiles_and_aggregations() -> None:
    defs = plan_schema()["$defs"]
    assert tuple(defs["rule_profile"]["enum"]) == tuple(PROFILES)
    assert tuple(defs["data"]["properties"]["aggregate"]["items"]["enum"]) == AGGREGATIONS
    assert set(defs["spc"]["properties"]) == {"rules", "points", "rebase"}
    assert set(defs["spc_defaults"]["properties"]) == {"rules", "points"}


# ------------------------------------------------------------------ [[data]] aggregate


def test_data_aggregate_adds_rolling_years_and_keeps_the_months(tmp_path: Path) -> None:
    text = plan_text(top=f'''
[[data]]
path = "{STREET.as_posix()}"
loader = "police_uk"
aggregate = ["rolling12"]
  [data.options]
  organisation = "Gwent"
  total_measure = "all_crime"
  measures = {{ "Burglary" = "burglary" }}
''')
    pf = loads_plan(text, file="monthly.toml")
    assert pf.data[0].aggregate == ("rolling12",)
    ds = load_data(pf)
    burglary = street_series("Burglary")
    assert ds.cube("value", measures=["burglary"], periods=["12 months to June 2025"])[
        0, 0, 0] == sum(burglary[-12:])
    assert ds.cube("value", measures=["burglary"], periods=["2025-06"])[0, 0, 0] == burglary[-1]
    ev = evaluate_plan(pf, ds)
    assert ev.figure("burglary", "previous") == sum(burglary[-24:-12])


def test_data_aggregate_rejects_an_unknown_period() -> None:
    text = plan_text(top=f'''
[[data]]
path = "{STREET.as_posix()}"
aggregate = ["rolling_12"]
''')
    (p,) = problems(text)
    assert p.path == "data[0].aggregate[0]" and p.line == line_with(text, "aggregate")
    assert "did you mean 'rolling12'?" in p.message


# ------------------------------------------------------------------ evaluation


def test_each_measure_charts_its_own_months_and_rules() -> None:
    a = Measure(id="a", name="A", kind="count", polarity="lower",
                spc={"points": 12, "rules": "mdc_v5"})
    b = Measure(id="b", name="B", kind="count", polarity="higher")
    rng = np.random.default_rng(7)
    ds = monthly({"a": rng.poisson(50, 36).tolist(), "b": rng.poisson(80, 36).tolist()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        ev = evaluate(one_measure_plan(a, b), ds, period="2025-06", previous="2025-05",
                      options=EvaluationOptions(spc_points=24))
    assert ev.spc.points.tolist() == [12, 24]
    assert ev.spc.rules == ("mdc_v5", "nhsr")
    assert ev.spc.months_of(0) == tuple(Month(2024, 7).shift(k) for k in range(12))
    assert ev.spc.months_of(1)[0] == Month(2023, 7) and len(ev.spc.months_of(1)) == 24
    assert len(ev.spc.batches) == 2
    chart_a, chart_b = ev.spc_chart("a"), ev.spc_chart("b")
    assert chart_a is not None and chart_b is not None
    assert chart_a.rules.run_length == 6 and chart_b.rules.run_length == 7
    assert ev.explain("a", "spc_variation").inputs["rules"] == "mdc_v5"
    assert ev.explain("a", "spc_variation").inputs["months"] == "2024-07 to 2025-06"
    values = ds.cube("value", measures=["a"], periods=list(ev.spc.months_of(0)))[0, 0]
    with pytest.warns(TrialLimitsWarning):
        direct = xmr(values, improvement="decrease", profile="mdc_v5")
    assert np.array_equal(chart_a.values, direct.values)
    assert np.array_equal(chart_a.upl, direct.upl)


def test_the_plan_default_rules_reach_the_charts() -> None:
    m = Measure(id="a", name="A", kind="count", polarity="lower")
    ds = monthly({"a": street_series("Burglary")})
    ev = evaluate(one_measure_plan(m), ds, period="2025-06", previous="2025-05",
                  spc_rules="mdc_sql_2_5", spc_points=36)
    chart = ev.spc_chart("a")
    assert chart is not None and chart.rules == PROFILES["mdc_sql_2_5"]
    with pytest.raises(OptionError, match="spc_rules='mdc'"):
        EvaluationOptions(spc_rules="mdc")


def test_a_rebase_outside_the_chart_splits_nothing_and_is_kept_with_its_note() -> None:
    # Decision: the months charted move with the period reported, so a step before them
    # (or after them, for an earlier period) is not an error; it is listed, unapplied.
    m = Measure(id="d", name="D", kind="count", polarity="lower", spc={
        "points": 12, "rebase": [{"month": "2023-10", "note": "step"}, "2024-07",
                                 "2025-06", "2025-09"]})
    ds = monthly({"d": street_series("Criminal damage and arson")})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        ev = evaluate(one_measure_plan(m), ds, period="2025-06", previous="2025-05")
    placed = ev.spc_rebases("d")
    assert [(str(r.month), r.position, r.applied) for r in placed] == [
        ("2023-10", None, False),   # before July 2024, the first month charted
        ("2024-07", None, False),   # the first month charted: nothing before it to split
        ("2025-06", 11, True),      # the last month: a one-point group
        ("2025-09", None, False)]   # after the period
    assert placed[0].note == "step"
    chart = ev.spc_chart("d")
    assert chart is not None and chart.group.tolist() == [0] * 11 + [1]
    explained = ev.explain("d", "spc_variation").inputs
    assert explained["rebase 2023-10"] == "outside the months charted: not applied; step"
    assert explained["rebase 2025-06"] == "new group from point 11"


def test_rebase_splits_the_means_of_a_24_month_chart() -> None:
    m = Measure(id="d", name="D", kind="count", polarity="lower", spc={"rebase": ["2023-10"]})
    values = street_series("Criminal damage and arson")  # July 2022 – June 2025
    ev = evaluate(one_measure_plan(m), monthly({"d": values}), period="2025-06",
                  previous="2025-05")
    chart = ev.spc_chart("d")  # 24 months: July 2023 – June 2025, split after 3
    assert chart is not None
    assert chart.mean[:3] == pytest.approx([statistics.fmean(values[12:15])] * 3)
    assert chart.mean[3:] == pytest.approx([statistics.fmean(values[15:])] * 21)
    assert chart.trial[:3].all()


def test_the_spc_scorer_reads_each_measures_chart_length() -> None:
    short = Measure(id="s", name="S", kind="count", polarity="lower", spc={"points": 12})
    long = Measure(id="l", name="L", kind="count", polarity="lower", spc={"points": 36})
    values = street_series("Robbery")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        ev = evaluate(one_measure_plan(short, long), monthly({"s": values, "l": values}),
                      period="2025-06", previous="2025-05")
    block = builtin.spc(ev, np.arange(2))
    assert block.status[0, 0] == Status.GREY  # 12 months: too short to read
    assert block.reasons(0, 0, "en") == ("no monthly SPC chart of 15 or more months",)
    assert block.status[1, 0] == Status.RED  # June 2025's 48 robberies: above the limit
    assert block.inputs(1, 0)["months"] == 36


# ------------------------------------------------------------------ police_uk mapping


def test_police_uk_measures_mapping_sums_labels_to_one_id() -> None:
    ds = load_police_uk(STREET, organisation="Gwent", total_measure="crimes",
                        measures={"Other theft": "theft", "Theft from the person": "theft",
                                  "burglary": "burglary"})
    theft = np.add(street_series("Other theft"), street_series("Theft from the person"))
    assert ds.cube("value", measures=["theft"])[0, 0].tolist() == theft.tolist()
    assert ds.cube("value", measures=["burglary"])[0, 0].tolist() == street_series("Burglary")
    assert "police_uk.street.all_crime" not in ds.measures
    assert ds.cube("value", measures=["crimes"], periods=["2023-10"])[0, 0, 0] == 5042


def test_police_uk_mapping_of_a_category_the_file_cannot_hold_is_an_error() -> None:
    with pytest.raises(OptionError, match="'burglry', which is not among the crime type labels"):
        load_police_uk(STREET, organisation="Gwent", measures={"Burglry": "burglary"})
    with pytest.raises(OptionError, match="the total's id"):
        load_police_uk(STREET, organisation="Gwent", measures={"Drugs": "crimes"},
                       total_measure="crimes")


def test_police_uk_unknown_crime_type_is_reported_never_dropped(tmp_path: Path) -> None:
    path = tmp_path / "street_counts_by_month_crime_type.csv"
    path.write_text("month,crime_type,count\n2025-06,Burglary,166\n2025-06,Fraud,4\n"
                    "2025-06,Anti-social behaviour,1125\n", encoding="utf-8")
    with pytest.warns(UnknownCategoryWarning) as caught:
        ds = load_police_uk(path, organisation="Gwent", measures={"Burglary": "burglary"})
    (w,) = caught
    assert "counted in police_uk.street.all_crime: 'Fraud' (1 row) as police_uk.street.fraud" in (
        str(w.message))
    assert ds.cube("value", measures=["police_uk.street.fraud"])[0, 0, 0] == 4
    assert ds.cube("value", measures=["police_uk.street.all_crime"])[0, 0, 0] == 170
    # Mapped by the plan, it is the plan's choice: loaded under its id, no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = load_police_uk(path, organisation="Gwent", measures={"Fraud": "fraud"},
                            total_measure="crimes")
    assert ds.cube("value", measures=["fraud", "crimes"])[:, 0, 0].tolist() == [4, 170]


def test_without_monthly_data_nothing_is_charted_and_no_rebase_applies() -> None:
    m = Measure(id="a", name="A", kind="count", polarity="lower",
                spc={"points": 12, "rebase": ["2023-10"]})
    ds = Dataset.from_records([{"measure": "a", "organisation": "Gwent", "period": p,
                                "value": v} for p, v in (("2023-24", 100), ("2024-25", 90))])
    ev = evaluate(one_measure_plan(m), ds, period="2024-25")
    assert ev.spc.months == () and ev.spc.points.tolist() == [0]
    assert ev.spc_chart("a") is None and not ev.spc.charted.any()
    assert [r.applied for r in ev.spc_rebases("a")] == [False]
