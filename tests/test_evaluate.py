"""evaluate(): seed 001's figures, and all 43 forces on the real ONS recorded-crime tables."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import perfcore
import perfcore.pipeline
from perfcore.codes import (
    Direction,
    IntervalMethod,
    Relation,
    TargetStatus,
    TrendMarker,
    VariationIcon,
)
from perfcore.dataset import Dataset, PublishedFigure
from perfcore.errors import (
    DataError,
    NotCoveredError,
    OptionError,
    UnknownMeasureError,
    UnknownOrganisationError,
)
from perfcore.evaluation import NotAvailableWarning, evaluate
from perfcore.model import Measure, Outcome, Plan, Priority, Target
from perfcore.organisations import ComparatorGroup, default_registry
from perfcore.periods import Month

PRC = Path(__file__).parents[1] / "examples" / "data" / "prc-pfa"
TOTAL = "Total recorded crime (excluding fraud)"

ALL_CRIME = Measure(id="all_crime", name="All crime", kind="count", polarity="lower")
OUTCOME_RATE = Measure(id="all_crime_outcome_rate", name="All crime outcome rate",
                       kind="proportion", polarity="higher")
PLAN = Plan(id="seed_001", title="Chief Constable's Delivery Plan 2020/21", priorities=[
    Priority(id="crime_reduction", title="Crime Reduction", outcomes=[
        Outcome(id="less_crime", statement="Less crime", measures=[ALL_CRIME, OUTCOME_RATE])])])

# Illustrative only: NOT Gwent's official Most Similar Group.
ILLUSTRATIVE_PEERS = ["South Wales", "Cleveland", "Humberside", "Lancashire",
                      "Nottinghamshire", "Northumbria", "Merseyside"]


def msg() -> ComparatorGroup:
    return ComparatorGroup.msg("Gwent", ILLUSTRATIVE_PEERS, version="illustrative",
                               illustrative=True, source="test fixture")


def seed_001_dataset() -> Dataset:
    # Seed 001, "All Crime Trend" and "All Crime Outcome Rates" tables (Gwent, 2018-19 to
    # 2020-21) with the published MSG and E&W columns.
    recs = [{"measure": "all_crime", "organisation": "Gwent", "period": p, "value": v}
            for p, v in (("2018-19", 58577), ("2019-20", 57116), ("2020-21", 48618))]
    recs += [{"measure": "all_crime_outcome_rate", "organisation": "Gwent", "period": p,
              "value": v} for p, v in (("2018-19", 0.114), ("2019-20", 0.118),
                                       ("2020-21", 0.159))]
    pub = [
        PublishedFigure(measure="all_crime", group="msg_W15000002", period="2020-21",
                        figure="pct_change", value=-14.1, source="seed 001"),
        PublishedFigure(measure="all_crime", group="K04000001", period="2020-21",
                        figure="pct_change", value=-14.1, source="seed 001"),
        PublishedFigure(measure="all_crime_outcome_rate", group="msg_W15000002",
                        period="2020-21", figure="value", value=0.150, source="seed 001"),
        PublishedFigure(measure="all_crime_outcome_rate", group="K04000001",
                        period="2020-21", figure="value", value=0.143, source="seed 001"),
    ]
    return Dataset.from_records(recs, published=pub)


def test_seed_001_figures() -> None:
    ew = default_registry().group("England and Wales")
    ev = evaluate(PLAN, seed_001_dataset(), period="2020-21", organisation="Gwent",
                  compare_with=[msg(), ew])
    assert ev.previous_period.label() == "financial year 2019-20"
    # -14.9% and +4.1 pp as printed in seed 001
    assert round(ev.figure("all_crime", "change"), 1) == -14.9
    assert round(ev.figure("all_crime_outcome_rate", "change"), 1) == 4.1
    assert ev.change.unit == ("%", "pp")
    assert ev.figure("all_crime", "absolute_change") == -8498
    assert ev.direction.arrow.tolist() == [["↓"], ["↑"]]
    # 48,618 vs 57,116 is far beyond chance (exact conditional test); the outcome rate has
    # no denominator in the seed, so its change cannot be tested: the sign is reported.
    assert ev.test.tested[0, 0] and ev.test.significant[0, 0]
    assert not ev.test.tested[1, 0] and np.isnan(ev.figure("all_crime_outcome_rate",
                                                           "significant"))
    # Untested, the outcome rate's +4.1 pp is not called improving on its sign alone.
    assert Direction.name_array(ev.direction.assessment).tolist() == [["improving"],
                                                                      ["not_tested"]]
    # Published comparator figures are used and marked as published.
    assert ev.figure("all_crime", "msg.change") == -14.1
    assert ev.figure("all_crime_outcome_rate", "K04000001.value") == 0.143
    e = ev.explain("all_crime_outcome_rate", "msg.value")
    assert e.inputs["group_source"] == "published figure"
    assert ev.figure("all_crime_outcome_rate", "msg.difference") == pytest.approx(0.9)
    # Gwent's change (ratio 0.851, 95% CI about 0.841–0.862) is similar to the groups'
    # published -14.1% (ratio 0.859): the ● in seed 001.
    assert ev.comparisons["msg"].relation[0, 0] == Relation.SIMILAR
    # Without a base the outcome rate has no CI, so it is not compared (never guessed).
    assert ev.comparisons["msg"].relation[1, 0] == Relation.NOT_COMPARED


def test_explain_gives_formula_inputs_and_method() -> None:
    ev = evaluate(PLAN, seed_001_dataset(), period="2020-21", organisation="Gwent")
    e = ev.explain("all_crime", "change")
    assert e.formula == "(current − previous) / previous × 100"
    assert e.method == "pct_change"
    assert e.inputs["current"] == 48618 and e.inputs["previous"] == 57116
    assert "all_crime / Gwent (W15000002) / change = -14.8784928917" in str(e)
    assert ev.explain("all_crime_outcome_rate", "change").method == "pp_change"
    with pytest.raises(OptionError):
        ev.explain("all_crime", "colour")
    with pytest.raises(UnknownMeasureError):
        ev.explain("crime", "change")


def test_bad_requests() -> None:
    ds = seed_001_dataset()
    with pytest.raises(NotCoveredError, match="2021-22"):
        evaluate(PLAN, ds, period="2021-22")
    with pytest.raises(UnknownMeasureError):
        evaluate(PLAN, ds, period="2020-21", measures=["al_crime"])
    with pytest.raises(UnknownOrganisationError):
        evaluate(PLAN, ds, period="2020-21", organisation="Kent")
    with pytest.raises(OptionError):
        evaluate(PLAN, ds, period="2020-21", dot_method="vibes")  # type: ignore[arg-type]


def test_proportion_without_denominator_is_an_error() -> None:
    ds = Dataset.from_records([
        {"measure": "all_crime_outcome_rate", "organisation": "Gwent", "period": p,
         "numerator": 100} for p in ("2019-20", "2020-21")])
    with pytest.raises(DataError, match="no denominator"):
        evaluate(PLAN, ds, period="2020-21", measures=["all_crime_outcome_rate"])


def test_proportion_with_counts_gets_interval_and_test() -> None:
    ds = Dataset.from_records([
        {"measure": "all_crime_outcome_rate", "organisation": "Gwent", "period": p,
         "numerator": x, "denominator": n}
        for p, x, n in (("2019-20", 6740, 57116), ("2020-21", 7730, 48618))])
    ev = evaluate(PLAN, ds, period="2020-21", measures=["all_crime_outcome_rate"])
    assert ev.figure("all_crime_outcome_rate", "current") == pytest.approx(7730 / 48618)
    lo, hi = ev.interval.lower[0, 0], ev.interval.upper[0, 0]
    assert lo < 7730 / 48618 < hi and hi - lo < 0.01
    assert ev.test.significant[0, 0] and ev.direction.assessment[0, 0] == Direction.IMPROVING
    assert ev.interval.method[0, 0] == IntervalMethod.WILSON


# --- all 43 forces, real data --------------------------------------------------------------

def national_dataset() -> Dataset:
    recs = []
    with open(PRC / "ons_pfa_p1_offences.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["offence_group"] == TOTAL:
                recs.append({"measure": "total_recorded_crime", "organisation": r["area_code"],
                             "period": f"12 months to {r['period_end'][:7]}",
                             "value": r["number_of_offences"]})
    return Dataset.from_records(recs)


TRC = Measure(id="total_recorded_crime", name="Total recorded crime (excluding fraud)",
              kind="count", polarity="lower")
NATIONAL = Plan(id="national", title="National", priorities=[Priority(
    id="p", title="Crime", outcomes=[Outcome(id="o", statement="Less crime", measures=[TRC])])])


def test_all_43_forces_ranked_on_change_in_one_call() -> None:
    reg = default_registry()
    forces = [o.code for o in reg.forces()]
    ev = evaluate(NATIONAL, national_dataset(), period="year ending March 2019",
                  organisation=forces, compare_with=[reg.group("England and Wales"), msg()])
    change = ev.change.value[0]
    rank = ev.comparisons["K04000001"].rank[0]
    size = ev.comparisons["K04000001"].group_size[0]
    assert sorted(rank.tolist()) == list(range(1, 44)) and set(size.tolist()) == {43}
    # Rank 1 = the largest fall (lower is better); independent check with a plain sort.
    order = np.argsort(change, kind="stable")
    assert rank[order].tolist() == list(range(1, 44))
    gwent = forces.index("W15000002")
    # Gwent, ONS Table P1: 48,823 (YE Mar 2018) → 58,536 (YE Mar 2019)
    assert ev.current[0, gwent] == 58_536 and ev.previous[0, gwent] == 48_823
    assert round(change[gwent], 1) == 19.9
    # The E&W figure is computed from the 43 forces (so it excludes BTP): 4,816,497 in
    # YE Mar 2018 (examples/data/prc-pfa/SOURCE.md).
    assert ev.comparisons["K04000001"].previous[0, gwent] == 4_816_497
    # The illustrative MSG gives Gwent the pooled change of its 7 peers.
    peers = [reg.code(p) for p in ILLUSTRATIVE_PEERS]
    idx = [forces.index(p) for p in peers]
    pooled = (ev.current[0, idx].sum() / ev.previous[0, idx].sum() - 1) * 100
    assert ev.figure("total_recorded_crime", "msg.change", "Gwent") == pytest.approx(pooled)
    assert ev.comparisons["msg"].group_size[0, gwent] == 8
    assert ev.comparisons["msg"].group[gwent] == "msg_W15000002"
    others = [i for i in range(43) if i != gwent]
    assert (ev.comparisons["msg"].rank[0, others] == 0).all()  # no MSG configured for them


def test_missing_force_is_not_available_and_group_not_guessed() -> None:
    reg = default_registry()
    forces = [o.code for o in reg.forces()]
    # Greater Manchester supplied no data for the year ending September 2019.
    with pytest.warns(NotAvailableWarning, match="1 figure"):
        ev = evaluate(NATIONAL, national_dataset(), period="year ending September 2019",
                      organisation=forces, compare_with=[reg.group("England and Wales")])
    gmp = forces.index("E23000005")
    assert np.isnan(ev.current[0, gmp])
    assert "missing" in ev.explain("total_recorded_crime", "current", "E23000005").reasons
    assert ev.comparisons["K04000001"].rank[0, gmp] == 0
    # With a member missing from one period, neither the 43-force sum nor the E&W row of
    # the tables (which lost Greater Manchester in one year only) is like for like: the
    # group's figures come from the 42 forces with data in both periods, and say so.
    gwent = forces.index("W15000002")
    ew = ev.comparisons["K04000001"]
    e = ev.explain("total_recorded_crime", "K04000001.value", "Gwent")
    assert e.inputs["group_source"] == "computed from the members with data in both periods"
    assert (ew.members_used[0, gwent], ew.members_declared[0, gwent]) == (42, 43)
    assert ew.group_size[0, gwent] == 42 and 1 <= ew.rank[0, gwent] <= 42
    ev2 = evaluate(NATIONAL, national_dataset(), period="year ending September 2019",
                   organisation=[f for f in forces if f != "E23000005"],
                   compare_with=[reg.group("England and Wales")], min_coverage=0.95)
    assert ev2.comparisons["K04000001"].group_size[0].max() == 42


def test_rate_per_1000_population_with_interval() -> None:
    # ONS Table P3: Gwent YE Mar 2019 58,536 offences, population 587,700 (mid-2017),
    # published rate 99.59 per 1,000 (computed by ONS from the unrounded population).
    rate = Measure(id="crime_rate", name="Crimes per 1,000 population", kind="rate",
                   polarity="lower", per=1000)
    plan = Plan(id="r", title="R", priorities=[Priority(id="p", title="P", outcomes=[
        Outcome(id="o", statement="S", measures=[rate])])])
    ds = Dataset.from_records([
        {"measure": "crime_rate", "organisation": "Gwent", "period": "year ending March 2018",
         "numerator": 48_823, "population": 587_700},
        {"measure": "crime_rate", "organisation": "Gwent", "period": "year ending March 2019",
         "numerator": 58_536, "population": 587_700}])
    ev = evaluate(plan, ds, period="year ending March 2019")
    assert round(ev.figure("crime_rate", "current"), 2) == 99.60
    assert ev.interval.lower[0, 0] < 99.6 < ev.interval.upper[0, 0]
    assert ev.interval.method[0, 0] == IntervalMethod.BYAR
    assert ev.test.significant[0, 0]
    assert ev.direction.assessment[0, 0] == Direction.DETERIORATING


# --- monthly data: SPC, trend markers and targets -------------------------------------------

POLICEUK = Path(__file__).parents[1] / "examples" / "data" / "policeuk-gwent"
PUK = Measure(id="policeuk_crimes", name="Crimes on police.uk (excluding ASB)", kind="count",
              polarity="lower")
PUK_PLAN = Plan(id="puk", title="police.uk", priorities=[Priority(id="p", title="P", outcomes=[
    Outcome(id="o", statement="S", measures=[PUK])])])


def policeuk_monthly() -> Dataset:
    totals: dict[str, int] = {}
    with open(POLICEUK / "street_counts_by_month_crime_type.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["crime_type"] != "Anti-social behaviour":
                totals[r["month"]] = totals.get(r["month"], 0) + int(r["count"])
    return Dataset.from_records([{"measure": "policeuk_crimes", "organisation": "Gwent",
                                  "period": m, "value": v} for m, v in sorted(totals.items())])


def test_monthly_data_gives_year_figures_and_an_spc_chart() -> None:
    from perfcore.calc.spc import xmr
    from perfcore.dataset import IncompletePeriodWarning
    monthly = policeuk_monthly()
    with pytest.warns(IncompletePeriodWarning):  # FY 2022-23 and 2025-26 are partial
        years = monthly.aggregate("financial_year")
    ev = evaluate(PUK_PLAN, Dataset.concat([monthly, years]), period="2024-25")
    # examples/data/policeuk-gwent/SOURCE.md: FY 2023/24 53,538; FY 2024/25 60,239 (+12.5%)
    assert ev.figure("policeuk_crimes", "previous") == 53_538
    assert ev.figure("policeuk_crimes", "current") == 60_239
    assert round(ev.figure("policeuk_crimes", "change"), 1) == 12.5
    assert ev.direction.assessment[0, 0] == Direction.DETERIORATING
    # The XmR chart is of the 24 months to March 2025 and equals a direct xmr() call.
    assert ev.spc.months[0].label() == "April 2023" and ev.spc.months[-1].label() == "March 2025"
    values = monthly.cube("value", periods=list(ev.spc.months))[0, 0]
    direct = xmr(values, improvement="decrease")
    chart = ev.spc_chart("policeuk_crimes")
    assert chart is not None
    assert np.array_equal(chart.upl, direct.upl)
    assert VariationIcon(int(ev.spc.variation[0, 0])).code == direct.variation_icon
    # Only two complete financial years: no trend marker.
    assert ev.trend.marker[0, 0] == TrendMarker.COULD_NOT_BE_CALCULATED


def test_the_years_evaluate_reads_give_the_same_figures() -> None:
    # Issue 18: aggregating monthly data to only the years evaluate reads (the period,
    # the one before and the trend window) changes no figure but the sparkline series.
    from perfcore.evaluation import periods_read
    rng = np.random.default_rng(18)
    forces = ["Gwent", "Dyfed-Powys", "South Wales", "North Wales"]
    months = [Month.from_index(Month(2015, 4).first + k) for k in range(9 * 12)]
    recs = [{"measure": m.id, "organisation": f, "period": str(mo),
             **({"value": float(rng.poisson(900))} if m is ALL_CRIME else
                {"numerator": float(rng.binomial(900, 0.2)), "denominator": 900.0})}
            for m in (ALL_CRIME, OUTCOME_RATE) for f in forces for mo in months]
    monthly = Dataset.from_records(recs)
    assert [str(p) for p in periods_read("2023-24")] == [
        "2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    wales = ComparatorGroup(id="wales", name="Wales", kind="country",
                            members=tuple(default_registry().code(f) for f in forces))
    full, part = (evaluate(PLAN, monthly.aggregate("financial_year", periods=periods),
                           period="2023-24", compare_with=[wales])
                  for periods in (None, periods_read("2023-24")))
    for a, b in ((full.current, part.current), (full.change.value, part.change.value),
                 (full.interval.lower, part.interval.lower), (full.test.pvalue, part.test.pvalue),
                 (full.direction.assessment, part.direction.assessment),
                 (full.trend.marker, part.trend.marker),
                 (full.comparisons["wales"].rank, part.comparisons["wales"].rank)):
        assert np.array_equal(a, b, equal_nan=True)
    assert (full.trend.marker != TrendMarker.COULD_NOT_BE_CALCULATED).all()
    assert len(full.history.series) == 9 and len(part.history.series) == 5


def test_two_msgs_for_one_force_are_refused() -> None:
    group = msg()
    with pytest.raises(OptionError, match="a second MSG for W15000002"):
        evaluate(PLAN, seed_001_dataset(), period="2020-21", organisation="Gwent",
                 compare_with=[group, group])


def test_trend_marker_over_five_years() -> None:
    # A steady rise in a proportion with large bases is a significant increasing trend.
    recs = [{"measure": "all_crime_outcome_rate", "organisation": "Gwent", "period": p,
             "numerator": x, "denominator": 50_000}
            for p, x in (("2016-17", 5000), ("2017-18", 5400), ("2018-19", 5800),
                         ("2019-20", 6300), ("2020-21", 6900))]
    ev = evaluate(PLAN, Dataset.from_records(recs), period="2020-21",
                  measures=["all_crime_outcome_rate"])
    marker = TrendMarker(int(ev.trend.marker[0, 0])).code
    assert marker.startswith("increasing")
    assert "better" in marker


def test_target_status() -> None:
    from perfcore.model import Target
    # Seed 000: "20% reduction in crime over the course of the current parliament". From
    # 58,577 (2018-19) to 48,618 (2020-21) is -17.0%: not yet met, 3.0 points short.
    crime = Measure(id="all_crime", name="All crime", kind="count", polarity="lower",
                    target=Target(change=-0.20, baseline="2018-19", by="2024-25"))
    rate = Measure(id="all_crime_outcome_rate", name="Outcome rate", kind="proportion",
                   polarity="higher", target=Target(value=0.15))
    plan = Plan(id="t", title="T", priorities=[Priority(id="p", title="P", outcomes=[
        Outcome(id="o", statement="S", measures=[crime, rate])])])
    ev = evaluate(plan, seed_001_dataset(), period="2020-21")
    # Two years of the six from 2018-19 to 2024-25 have passed: a third of the 20% is
    # needed by now (-6.7%), and -17.0% is ahead of that line. The final target is not
    # due, so the status is "on trajectory", not "not met".
    tg = ev.targets
    assert TargetStatus.name_array(tg.status).tolist() == [["on_trajectory"], ["met"]]
    assert tg.baseline[0, 0] == 58577
    assert tg.level[0, 0] == pytest.approx(58577 * 0.8)  # 46,861.6 crimes
    # The gap is in the measure's units: 1,756.4 crimes short of the final target.
    assert tg.gap[0, 0] == pytest.approx(-(48618 - 58577 * 0.8))
    assert round(tg.gap[0, 0], 1) == -1756.4
    assert tg.achieved[0, 0] == pytest.approx((48618 / 58577 - 1) * 100)  # -17.0%
    assert tg.required[0, 0] == pytest.approx(-20 / 3)
    # A proportion's gap is in percentage points: 15.9% against 15% beats it by 0.9 pp.
    assert tg.level[1, 0] == 0.15
    assert tg.gap[1, 0] == pytest.approx(0.9)
    assert np.isnan(tg.achieved[1, 0]) and np.isnan(tg.required[1, 0])


def test_target_status_once_due_and_behind_trajectory() -> None:
    from perfcore.model import Target

    def status(target: Target, period: str = "2020-21") -> tuple[str, float, float]:
        m = Measure(id="all_crime", name="All crime", kind="count", polarity="lower",
                    target=target)
        plan = Plan(id="t", title="T", priorities=[Priority(id="p", title="P", outcomes=[
            Outcome(id="o", statement="S", measures=[m])])])
        tg = evaluate(plan, seed_001_dataset(), period=period).targets
        return (TargetStatus(int(tg.status[0, 0])).code, float(tg.gap[0, 0]),
                float(tg.required[0, 0]))

    # Due in 2020-21: 48,618 against 57,116 × 0.8 = 45,692.8 is not met, 2,925.2 short.
    code, gap, required = status(Target(change=-0.20, baseline="2019-20", by="2020-21"))
    assert (code, round(gap, 1), required) == ("not_met", -2925.2, pytest.approx(-20.0))
    # A -30% target by 2021-22 needs -15.0% by 2020-21 (half way): -14.9% is behind.
    code, gap, required = status(Target(change=-0.30, baseline="2019-20", by="2021-22"))
    assert (code, round(gap, 1)) == ("off_trajectory", -8636.8)
    assert required == pytest.approx(-15.0)
    # Without a deadline the target is never due: crime fell, so it is on track.
    code, gap, required = status(Target(change=-0.20, baseline="2019-20"))
    assert (code, round(gap, 1)) == ("on_track", -2925.2) and np.isnan(required)
    # A change target with no baseline has nothing to be measured from.
    assert status(Target(change=-0.20, by="2024-25"))[0] == "not_available"
    # A value target before its deadline is not yet met; at it, not met.
    assert status(Target(value=40000, by="2021-22"))[:2] == ("not_yet_met", -8618)
    assert status(Target(value=40000, by="2020-21"))[:2] == ("not_met", -8618)


def test_trend_markers_are_computed_for_all_measures_at_once_as_one_by_one() -> None:
    # evaluate() tests the trend of each kind of measure in one call over every measure
    # and organisation; the markers must be those of trend_test called measure by measure.
    from perfcore.calc import count_ci, rate_ci, trend_test
    rng = np.random.default_rng(7)
    years = ["2015-16", "2016-17", "2017-18", "2018-19", "2019-20"]
    orgs = ["Gwent", "South Wales", "Dyfed-Powys", "North Wales"]
    measures = [Measure(id=f"c{k}", name=f"C{k}", kind="count", polarity="lower")
                for k in range(3)]
    measures += [Measure(id=f"r{k}", name=f"R{k}", kind="rate", polarity="lower",
                         per=per) for k, per in enumerate((1000, 100000))]
    measures += [Measure(id=f"p{k}", name=f"P{k}", kind="proportion", polarity="higher")
                 for k in range(2)]
    records = []
    for m in measures:
        for org in orgs:
            base, slope = rng.uniform(200, 5000), rng.normal(0, 0.08)
            for t, year in enumerate(years):
                x = float(rng.poisson(base * (1 + slope) ** t))
                row = {"measure": m.id, "organisation": org, "period": year}
                if m.kind.value == "count":
                    row["value"] = x
                elif m.kind.value == "rate":
                    row |= {"numerator": x, "population": 600000.0}
                else:
                    row |= {"numerator": x, "denominator": 2 * base}
                records.append(row)
    plan = Plan(id="p", title="P", priorities=[Priority(id="a", title="A", outcomes=[
        Outcome(id="o", statement="O", measures=measures)])])
    ds = Dataset.from_records(records)
    ev = evaluate(plan, ds, period="2019-20", compare_with=[])
    for i, m in enumerate(ev.measures):
        def cube(field: str, mid: str = m.id) -> Any:
            return ds.cube(field, measures=[mid], organisations=list(ev.organisations),
                           periods=years)[0]
        if m.kind.value == "count":
            x = cube("value")
            ci = count_ci(x)
            t = trend_test(x, polarity=m.polarity, lower=ci.lower, upper=ci.upper)
        elif m.kind.value == "rate":
            x, pop = cube("numerator"), cube("population")
            ci = rate_ci(x, pop, per=m.rate_per)
            t = trend_test(x / pop * m.rate_per, polarity=m.polarity, lower=ci.lower,
                           upper=ci.upper)
        else:
            t = trend_test(polarity=m.polarity, numerator=cube("numerator"),
                           denominator=cube("denominator"))
        assert TrendMarker.name_array(ev.trend.marker[i]).tolist() == t.label.tolist(), m.id
    assert len(set(ev.trend.marker.ravel())) >= 3


def test_one_derivation_of_values_for_every_figure() -> None:
    # Issue 14: a count whose rows carry both value and numerator. The headline read the
    # value and the target's baseline the numerator, giving a target gap of 0.45 for a
    # 10% reduction met exactly (100 → 90; numerator 200 → 180). Every figure now reads the
    # same values, so the gap is 0 and the target is met.
    m = Measure(id="crime", name="Crime", kind="count", polarity="lower",
                target=Target(change=-0.10, baseline="2019-20", by="2020-21"))
    plan = Plan(id="p", title="P", priorities=[Priority(id="q", title="Q", outcomes=[
        Outcome(id="o", statement="O", measures=[m])])])
    data = Dataset.from_records([
        {"measure": "crime", "organisation": "Gwent", "period": p, "value": v,
         "numerator": x} for p, v, x in (("2019-20", 100, 200), ("2020-21", 90, 180))])
    ev = evaluate(plan, data, period="2020-21", history_periods=[])
    assert ev.current[0, 0] == 90 and ev.previous[0, 0] == 100
    assert ev.targets.gap[0, 0] == pytest.approx(0.0, abs=1e-12)
    assert ev.targets.status[0, 0] == TargetStatus.MET
    assert ev.history.values[0, 0].tolist() == [100, 90]


def test_published_figures_are_looked_up_by_measure_as_a_scan_finds_them() -> None:
    # The Gwent example (seed 001) publishes its MSG and E&W columns
    # (examples/gwent/data/seed001-published.csv): All Crime Trend -14.1% for both, All
    # Crime Outcome Rates 15.0% (MSG) and 14.3% (E&W), all for 2020-21.
    examples = Path(__file__).parents[1] / "examples" / "gwent"
    plan_file = perfcore.load_plan(examples / "plan-2020-21.toml")
    ev = perfcore.pipeline.evaluate_plan(plan_file, perfcore.load_data(plan_file))
    by_hand = {m.id: [f for f in ev.published if f.measure == m.id] for m in ev.measures}
    assert {m: [(f.group, str(f.period), f.figure, f.value) for f in figures]
            for m, figures in by_hand.items()} == {
        "all_crime": [("msg_W15000002", "2020-21", "pct_change", -14.1),
                      ("K04000001", "2020-21", "pct_change", -14.1)],
        "all_crime_outcome_rate": [("msg_W15000002", "2020-21", "value", 0.150),
                                   ("K04000001", "2020-21", "value", 0.143)]}
    for m in ev.measures:
        assert list(ev.published_of(m.id)) == by_hand[m.id]
        for period in (ev.period, ev.previous_period):
            assert list(ev.published_of(m.id, period)) == [
                f for f in by_hand[m.id] if f.period == period]
    assert ev.published_of("all_crime", ev.previous_period) == ()
    with pytest.raises(UnknownMeasureError, match="all_crimes"):
        ev.published_of("all_crimes")
