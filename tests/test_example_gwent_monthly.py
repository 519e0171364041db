"""The monthly example (examples/gwent-monthly): police.uk street-level crime for Gwent,
July 2022 – June 2025, as rolling 12-month figures with monthly XmR charts rebased at the
steps of the published series.

Every expected value is computed here from the CSV with the csv module, independently of
perfcore's loader, aggregation and charts.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

import perfcore
from perfcore.calc.spc import xmr
from perfcore.cli import main
from perfcore.errors import TrialLimitsWarning
from perfcore.periods import Month

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "gwent-monthly"
PLAN = EXAMPLE / "plan.toml"
CSV = ROOT / "examples" / "data" / "policeuk-gwent" / "street_counts_by_month_crime_type.csv"
ASB = "Anti-social behaviour"
MONTHS = [f"{y}-{m:02d}" for y in (2022, 2023, 2024, 2025) for m in range(1, 13)
          if "2022-07" <= f"{y}-{m:02d}" <= "2025-06"]


def by_type() -> dict[str, dict[str, int]]:
    """{crime type: {month: count}} straight from the CSV, plus the total without ASB."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    with open(CSV, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out[r["crime_type"]][r["month"]] = int(r["count"])
            if r["crime_type"] != ASB:
                total = out["(all but ASB)"]
                total[r["month"]] = total.get(r["month"], 0) + int(r["count"])
    return out


DATA = by_type()


def months(first: str, last: str) -> list[str]:
    return [m for m in MONTHS if first <= m <= last]


def series(crime_type: str, first: str = "2022-07", last: str = "2025-06") -> list[int]:
    return [DATA[crime_type][m] for m in months(first, last)]


@pytest.fixture(scope="module")
def result() -> perfcore.pipeline.Run:
    return perfcore.run(PLAN)


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# ------------------------------------------------------------------ the data as published


def test_the_csv_is_the_36_months_the_example_describes() -> None:
    assert len(MONTHS) == 36
    assert sorted(DATA[ASB]) == MONTHS
    assert len(DATA) == 15  # 14 police.uk crime types and the total


def test_the_steps_the_plan_and_source_describe_are_in_the_data() -> None:
    # The rebase notes and SOURCE.md quote these figures: they must be the CSV's.
    burglary, damage = DATA["Burglary"], DATA["Criminal damage and arson"]
    total = DATA["(all but ASB)"]
    assert (burglary["2023-03"], burglary["2023-04"]) == (132, 61)
    assert (burglary["2023-09"], burglary["2023-10"]) == (68, 176)
    assert (damage["2023-09"], damage["2023-10"]) == (41, 667)
    assert (total["2023-09"], total["2023-10"]) == (4182, 5042)
    assert damage["2023-10"] - damage["2023-09"] == 626
    assert burglary["2023-10"] - burglary["2023-09"] == 108
    # Ranges quoted in SOURCE.md: each group sits apart from its neighbours.
    assert (min(series("Burglary", "2022-07", "2023-03")),
            max(series("Burglary", "2022-07", "2023-03"))) == (116, 177)
    assert (min(series("Burglary", "2023-04", "2023-09")),
            max(series("Burglary", "2023-04", "2023-09"))) == (61, 90)
    assert (min(series("Burglary", "2023-10")), max(series("Burglary", "2023-10"))) == (158, 239)
    assert (min(series("Criminal damage and arson", "2022-07", "2023-09")),
            max(series("Criminal damage and arson", "2022-07", "2023-09"))) == (34, 68)
    assert (min(series("Criminal damage and arson", "2023-10")),
            max(series("Criminal damage and arson", "2023-10"))) == (500, 667)


def test_the_other_figures_source_md_quotes_are_in_the_data() -> None:
    data = ROOT / "examples" / "data"
    outcomes: dict[str, int] = defaultdict(int)
    with open(data / "policeuk-gwent" / "outcomes_counts_by_month_outcome_type_crime_type.csv",
              newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["crime_type"] == "Criminal damage and arson":
                outcomes[r["outcome_month"]] += int(r["count"])
    assert (outcomes["2023-09"], outcomes["2023-10"]) == (55, 405)
    home_office: dict[str, float] = defaultdict(float)
    with open(data / "home-office" / "prc-pfa-2019-20-wales.csv", newline="",
              encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["Force Name"] == "Gwent":
                home_office[r["Offence Group"]] += float(r["Number of Offences"])
                home_office[r["Offence Subgroup"]] += float(r["Number of Offences"])
    assert home_office["Criminal damage and arson"] == 8545
    assert (home_office["Domestic burglary"], home_office["Non-domestic burglary"]) == (2501,
                                                                                       1096)
    # Public order falls over several months, not in one step: not rebased.
    assert round(statistics.fmean(series("Public order", "2022-07", "2022-12"))) == 892
    assert round(statistics.fmean(series("Public order", "2023-07", "2023-12"))) == 598
    def largest_step(crime_type: str) -> float:
        x = np.array(series(crime_type), dtype=float)
        return float((np.abs(np.diff(x)) / x[:-1]).max())

    # Month on month, public order never moves by 30%; the rebased series do, by 54% or more.
    assert largest_step("Public order") < 0.3
    assert largest_step("Burglary") > 1.5 and largest_step("Criminal damage and arson") > 15
    assert DATA["Burglary"]["2023-04"] / DATA["Burglary"]["2023-03"] < 0.5
    # The data folder's headline totals (FY 2023/24 and 2024/25, excluding ASB).
    assert sum(series("(all but ASB)", "2023-04", "2024-03")) == 53_538
    assert sum(series("(all but ASB)", "2024-04", "2025-03")) == 60_239


# ------------------------------------------------------------------ rolling 12 months


@pytest.mark.parametrize(("measure", "crime_type"), [
    ("burglary", "Burglary"),
    ("crime_excl_asb", "(all but ASB)"),
    ("anti_social_behaviour", ASB),
    ("criminal_damage_arson", "Criminal damage and arson"),
    ("shoplifting", "Shoplifting"),
])
def test_rolling_12_month_figures_are_the_sums_of_the_months(
        result: perfcore.pipeline.Run, measure: str, crime_type: str) -> None:
    ev = result.evaluation
    assert str(ev.period) == "12 months to June 2025"
    assert str(ev.previous_period) == "12 months to June 2024"
    current = sum(series(crime_type, "2024-07", "2025-06"))
    previous = sum(series(crime_type, "2023-07", "2024-06"))
    assert ev.figure(measure, "current") == current
    assert ev.figure(measure, "previous") == previous
    assert ev.figure(measure, "change") == pytest.approx((current - previous) / previous * 100)
    # The history column is the 12 months to June 2023.
    k = ev.history.periods.index(perfcore.periods.parse_period("12 months to June 2023"))
    assert ev.history.values[ev.measure_index(measure), 0, k] == sum(
        series(crime_type, "2022-07", "2023-06"))


def test_the_change_source_md_warns_about(result: perfcore.pipeline.Run) -> None:
    ev = result.evaluation
    assert (ev.figure("criminal_damage_arson", "previous"),
            ev.figure("criminal_damage_arson", "current")) == (5460, 7010)
    assert round(ev.figure("criminal_damage_arson", "change"), 1) == 28.4
    assert "not like for like" in ev.plan.measure("criminal_damage_arson").description


def test_burglary_12_months_to_june_2025_by_hand(result: perfcore.pipeline.Run) -> None:
    # 193+226+158+175+170+208+174+159+170+177+168+166 (July 2024 – June 2025 in the CSV)
    assert sum(series("Burglary", "2024-07", "2025-06")) == 2144
    assert result.evaluation.figure("burglary", "current") == 2144


# ------------------------------------------------------------------ the charts


def test_every_measure_is_charted_over_the_36_months(result: perfcore.pipeline.Run) -> None:
    ev = result.evaluation
    assert ev.spc.months[0] == Month(2022, 7) and ev.spc.months[-1] == Month(2025, 6)
    assert ev.spc.charted.all()
    assert set(ev.spc.rules) == {"nhsr"}
    for m in ev.measures:
        chart = ev.spc_chart(m.id)
        assert chart is not None and chart.values.shape == (36,)


def test_criminal_damage_rebase_splits_the_mean_at_october_2023(
        result: perfcore.pipeline.Run) -> None:
    ev = result.evaluation
    chart = ev.spc_chart("criminal_damage_arson")
    assert chart is not None
    before = statistics.fmean(series("Criminal damage and arson", "2022-07", "2023-09"))
    after = statistics.fmean(series("Criminal damage and arson", "2023-10", "2025-06"))
    assert chart.mean[:15] == pytest.approx([before] * 15)
    assert chart.mean[15:] == pytest.approx([after] * 21)
    assert chart.group.tolist() == [0] * 15 + [1] * 21
    (rebase,) = ev.spc_rebases("criminal_damage_arson")
    assert rebase.month == Month(2023, 10) and rebase.position == 15 and rebase.applied
    assert "41 in September 2023, 667 in October 2023" in rebase.note


def test_burglary_has_three_groups_with_their_own_means(result: perfcore.pipeline.Run) -> None:
    ev = result.evaluation
    chart = ev.spc_chart("burglary")
    assert chart is not None
    for first, last, rows in (("2022-07", "2023-03", slice(0, 9)),
                              ("2023-04", "2023-09", slice(9, 15)),
                              ("2023-10", "2025-06", slice(15, 36))):
        expected = statistics.fmean(series("Burglary", first, last))
        assert chart.mean[rows] == pytest.approx([expected] * (rows.stop - rows.start))
    assert [r.position for r in ev.spc_rebases("burglary")] == [9, 15]
    # The two short groups (9 and 6 months) have trial limits, flagged on the chart.
    assert chart.trial_limits and chart.trial[:15].all() and not chart.trial[15:].any()
    # The same limits as charting the months directly with the same rebase positions.
    with pytest.warns(TrialLimitsWarning):
        direct = xmr(series("Burglary"), improvement="decrease", rebase=[9, 15])
    assert np.array_equal(chart.upl, direct.upl) and np.array_equal(chart.lpl, direct.lpl)
    assert chart.variation_icon == direct.variation_icon


def test_without_the_rebase_the_step_would_be_read_as_special_cause(
        result: perfcore.pipeline.Run) -> None:
    # Why the rebase matters: one mean over the step puts the last 21 months above the
    # limits of a process that changed how it is published, not how crime changed.
    plain = xmr(series("Criminal damage and arson"), improvement="decrease")
    assert plain.variation_icon == "concern_high"
    chart = result.evaluation.spc_chart("criminal_damage_arson")
    assert chart is not None and chart.variation_icon == "common_cause"


def test_unstepped_measures_have_one_group_and_no_rebase(result: perfcore.pipeline.Run) -> None:
    ev = result.evaluation
    chart = ev.spc_chart("shoplifting")
    assert chart is not None
    assert ev.spc_rebases("shoplifting") == ()
    assert chart.mean == pytest.approx([statistics.fmean(series("Shoplifting"))] * 36)


def test_explain_names_the_months_rules_and_rebases(result: perfcore.pipeline.Run) -> None:
    e = result.evaluation.explain("burglary", "spc_variation")
    assert e.inputs["months"] == "2022-07 to 2025-06" and e.inputs["points"] == 36
    assert e.inputs["rules"] == "nhsr"
    assert e.inputs["rebase 2023-04"].startswith("new group from point 9; Step in")


def test_the_report_labels_each_chart_with_its_months(result: perfcore.pipeline.Run) -> None:
    row = next(r for s in result.report.sections for o in s.outcomes for r in o.rows
               if r.measure.id == "burglary")
    assert row.spc is not None
    assert row.spc_labels[0] == "2022-07" and row.spc_labels[-1] == "2025-06"
    assert len(row.spc_labels) == 36


# ------------------------------------------------------------------ runs with no flags


def test_report_runs_with_no_flags_in_every_format_and_in_welsh() -> None:
    code, text, err = run_cli("report", str(PLAN))
    assert code == 0, err
    assert err == ""
    assert "12 months to June 2025" in text and "2,144" in text and "58,832" in text
    code, html, err = run_cli("report", str(PLAN), "--format", "html")
    assert code == 0, err
    assert html.count("<svg") >= 15
    code, raw, err = run_cli("report", str(PLAN), "--format", "json")
    assert code == 0, err
    doc = json.loads(raw)
    assert "Burglary" in raw and doc
    code, welsh, err = run_cli("report", str(PLAN), "--lang", "cy")
    assert code == 0, err
    assert "Byrgleriaeth" in welsh and "Difrod troseddol a llosgi bwriadol" in welsh
    code, out, err = run_cli("validate", str(PLAN))
    assert code == 0, err
    assert "15 measures" in out and "0 problems" in out


def test_every_crime_type_of_the_file_is_mapped_to_a_measure(
        result: perfcore.pipeline.Run) -> None:
    (source,) = result.plan_file.data
    mapped = source.options["measures"]
    assert set(mapped) == set(DATA) - {"(all but ASB)"}
    plan_ids = {m.id for m in result.plan_file.plan.measures()}
    assert set(mapped.values()) | {source.options["total_measure"]} == plan_ids
    # Nothing of the file is left under the loader's own ids.
    assert not [m for m in result.dataset.measures if m.startswith("police_uk.")]
