"""Dataset: builders, round trip, duplicate keys, bad cells, cubes, monthly aggregation,
and checks against the real ONS police force area tables shipped in examples/data."""

from __future__ import annotations

import csv
import math
import random
import warnings
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from perfcore import dataset as dataset_module
from perfcore.dataset import FIELDS, Dataset, IncompletePeriodWarning, PublishedFigure, factorize
from perfcore.errors import (
    DataError,
    DuplicateObservationError,
    OptionError,
    UnknownMeasureError,
    UnknownOrganisationError,
    UnknownPeriodError,
)
from perfcore.periods import (
    CalendarYear,
    FinancialQuarter,
    FinancialYear,
    Month,
    Rolling,
    parse_period,
)

PRC = Path(__file__).parents[1] / "examples" / "data" / "prc-pfa"
TOTAL = "Total recorded crime (excluding fraud)"


def monthly(months: list[tuple[int, int]]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for y, m in months:
        out.append({"measure": "all_crime", "organisation": "Gwent", "period": f"{y}-{m:02d}",
                    "value": 1000 + m, "population": 590_000 + m})
        out.append({"measure": "outcome_rate", "organisation": "Gwent",
                    "period": f"{y}-{m:02d}", "numerator": 100 + m, "denominator": 1000})
    return out


FY23 = [(2023, m) for m in range(4, 13)] + [(2024, m) for m in range(1, 4)]
JUL22_TO_MAR23 = [(2022, m) for m in range(7, 13)] + [(2023, m) for m in range(1, 4)]


def test_round_trip_records() -> None:
    recs = monthly(FY23)
    recs[0]["source"] = "police.uk"
    ds = Dataset.from_records(recs)
    assert len(ds) == 24
    assert ds.organisations == ("W15000002",)  # names resolved to ONS codes
    again = Dataset.from_records(ds.to_records())
    assert again == ds
    assert ds.to_records()[0] == {"measure": "all_crime", "organisation": "W15000002",
                                  "period": "2023-04", "value": 1004.0,
                                  "population": 590004.0, "source": "police.uk"}


def test_aggregate_to_financial_year_sums_counts_and_takes_ratio_of_proportions() -> None:
    ds = Dataset.from_records(monthly(FY23)).aggregate("financial_year")
    assert ds.periods == (FinancialYear(2023),)
    recs = {r["measure"]: r for r in ds.to_records()}
    assert recs["all_crime"]["value"] == sum(1000 + m for m in range(1, 13))
    assert recs["all_crime"]["population"] == 590_003  # the last month's (March)
    assert recs["outcome_rate"]["numerator"] == sum(100 + m for m in range(1, 13))
    assert recs["outcome_rate"]["value"] == pytest.approx(1278 / 12000)


def test_aggregate_excludes_incomplete_periods_and_says_so() -> None:
    months = JUL22_TO_MAR23 + FY23
    with pytest.warns(IncompletePeriodWarning, match="2 measure × organisation × period"):
        ds = Dataset.from_records(monthly(months)).aggregate("financial_year")
    assert ds.periods == (FinancialYear(2023),)
    with pytest.raises(DataError, match="lack some months"):
        Dataset.from_records(monthly(months)).aggregate("financial_year", partial="error")


def test_aggregate_rolling_and_quarters() -> None:
    months = JUL22_TO_MAR23 + FY23
    roll = Dataset.from_records(monthly(months)).aggregate("rolling12")
    assert roll.periods[0] == Rolling(Month(2023, 6)) and len(roll.periods) == 10
    first = roll.cube("value", measures=["all_crime"], periods=["12 months to June 2023"])
    assert first.item() == sum(1000 + m for m in range(1, 13))
    q = Dataset.from_records(monthly(months)).aggregate("quarter")
    assert [str(p) for p in q.periods][:2] == ["Q2 2022-23", "Q3 2022-23"]
    with pytest.raises(OptionError):
        Dataset.from_records(monthly(months)).aggregate("fortnight")  # type: ignore[arg-type]


def test_duplicate_observation_names_the_key() -> None:
    recs = monthly(FY23)
    with pytest.raises(DuplicateObservationError) as info:
        Dataset.from_records([*recs, dict(recs[3])])
    assert info.value.key == ("outcome_rate", "W15000002", "2023-05")


def test_bad_cells_are_all_reported() -> None:
    recs = [{"measure": "m", "organisation": "Gwent", "period": "2020-21", "value": v}
            for v in ("12", "1,234", "x1", "", "nan?")]
    for i, r in enumerate(recs):
        r["period"] = f"{2015 + i}-{(16 + i) % 100:02d}"
    with pytest.raises(DataError) as info:
        Dataset.from_records(recs)
    assert info.value.rows == (2, 4) and info.value.column == "value"


def test_an_organisation_not_in_the_data_is_explained() -> None:
    ds = Dataset.from_records([
        {"measure": "m", "organisation": o, "period": "2020-21", "value": 1}
        for o in ("Gwent", "South Wales")])
    assert ds.organisation_index("gwent") == ds.organisation_index("W15000002")
    # A misspelling: the closest the data have, and what they have (a short list).
    with pytest.raises(UnknownOrganisationError) as info:
        ds.organisation_index("Gwnt")
    assert str(info.value) == ("no organisation 'Gwnt' in the dataset; did you mean "
                               "'Gwent'? (the data have Gwent, South Wales)")
    assert info.value.suggestions == ("Gwent",)
    # A force spelt right that the data lack: said to be known, no spelling suggested.
    with pytest.raises(UnknownOrganisationError) as info:
        ds.organisation_index("Dyfed Powys")
    assert str(info.value) == (
        "no organisation 'Dyfed Powys' in the dataset (Dyfed-Powys (W15000004) is known, "
        "but the data have no figures for it; the data have Gwent, South Wales)")


def test_unknown_keys_are_errors_not_silence() -> None:
    with pytest.raises(DataError, match="unknown field"):
        Dataset.from_records([{"measure": "m", "organisation": "Gwent", "period": "2020-21",
                               "vlaue": 3}])
    with pytest.raises(UnknownOrganisationError, match="Gwnet"):
        Dataset.from_records([{"measure": "m", "organisation": "Gwnet", "period": "2020-21"}])
    with pytest.raises(DataError, match="period"):
        Dataset.from_records([{"measure": "m", "organisation": "Gwent", "period": "2011-12"}])
    ds = Dataset.from_records(monthly(FY23))
    with pytest.raises(UnknownMeasureError, match="did you mean 'all_crime'"):
        ds.cube("value", measures=["all_crim"])
    with pytest.raises(UnknownPeriodError):
        ds.cube("value", periods=["2019-20"])


def test_registry_can_be_switched_off_for_local_units() -> None:
    ds = Dataset.from_records([{"measure": "m", "organisation": "Newport BCU",
                                "period": "2020-21", "value": 1}], registry=False)
    assert ds.organisations == ("Newport BCU",)


def test_published_figures_are_kept_and_marked() -> None:
    # seed 001: "MSG change % -14.1%" and "E & W SR % 14.3%" for 2020-21
    pub = [PublishedFigure(measure="all_crime", group="msg_W15000002", period="2020-21",
                           figure="pct_change", value=-14.1, source="seed 001"),
           PublishedFigure(measure="outcome_rate", group="K04000001", period="2020-21",
                           figure="value", value=0.143, source="seed 001")]
    ds = Dataset.from_records([{"measure": "all_crime", "organisation": "Gwent",
                                "period": "2020-21", "value": 48618}], published=pub)
    f = ds.published_figure("all_crime", "msg_W15000002", "2020/21", "pct_change")
    assert f is not None and f.value == -14.1
    assert ds.published_figure("all_crime", "K04000001", "2020-21", "pct_change") is None


# --- real data: ONS police force area tables (examples/data/prc-pfa/SOURCE.md) -----------

def load_prc() -> tuple[Dataset, dict[tuple[str, str], float]]:
    recs = []
    published_rate: dict[tuple[str, str], float] = {}
    pops = {}
    with open(PRC / "ons_pfa_p3_population.csv", newline="") as f:
        for r in csv.DictReader(f):
            pops[(r["period_end"], r["area_code"])] = r["population"]
            published_rate[(r["period_end"], r["area_code"])] = float(
                r["total_recorded_crime_excl_fraud_per_1000_published"] or "nan")
    with open(PRC / "ons_pfa_p1_offences.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["offence_group"] != TOTAL:
                continue
            end = r["period_end"]
            recs.append({"measure": "total_recorded_crime", "organisation": r["area_code"],
                         "period": f"12 months to {end[:7]}",
                         "value": r["number_of_offences"],
                         "population": pops[(end, r["area_code"])],
                         "source": r["source_file"]})
    return Dataset.from_records(recs), published_rate


def test_gwent_rate_per_1000_matches_published_within_rounding() -> None:
    ds, published = load_prc()
    count = ds.cube("value", measures=["total_recorded_crime"], organisations=["Gwent"],
                    periods=["year ending March 2019"]).item()
    pop = ds.cube("population", measures=["total_recorded_crime"], organisations=["Gwent"],
                  periods=["year ending March 2019"]).item()
    assert count == 58_536  # ONS Table P1, year ending March 2019
    rate = count / pop * 1000
    # ONS used the unrounded population; ours is rounded to 100 (±50 people).
    tolerance = count / (pop - 50) * 1000 - rate + 0.005
    assert abs(rate - published[("2019-03-31", "W15000002")]) <= tolerance
    assert published[("2019-03-31", "W15000002")] == pytest.approx(99.59, abs=0.005)


def test_sum_of_43_forces_is_england_and_wales_less_btp() -> None:
    ds, _ = load_prc()
    from perfcore.organisations import default_registry
    forces = [o.code for o in default_registry().forces()]
    cube = ds.cube("value", measures=["total_recorded_crime"], organisations=forces,
                   periods=["year ending March 2018"])
    ew = ds.cube("value", measures=["total_recorded_crime"], organisations=["K04000001"],
                 periods=["year ending March 2018"]).item()
    assert not np.isnan(cube).any()
    # The E&W row includes British Transport Police (Table P1 footnote 6): 59,785 in YE Mar 2018.
    assert cube.sum() == 4_816_497
    assert ew - cube.sum() == 59_785


def test_missing_published_figures_stay_missing() -> None:
    # Greater Manchester supplied no data for the releases of late 2019 (blank in Table P1):
    # the dataset holds NaN, never 0.
    ds, _ = load_prc()
    gmp = ds.cube("value", measures=["total_recorded_crime"], organisations=["Greater Manchester"],
                  periods=["year ending September 2019"]).item()
    assert np.isnan(gmp)


def test_from_columns_merges_spellings_and_names_the_first_bad_row() -> None:
    # Key columns are parsed once per distinct value: spellings of one organisation or
    # period still meet in one category, and errors still name the first offending row.
    ds = Dataset.from_columns(measure=["a", "b", "a", "b"],
                              organisation=["Gwent", "W15000002", "gwent", "Gwent"],
                              period=["2020-21", FinancialYear(2020), "2021-22", "fy 2021/22"],
                              value=[1, 2, 3, 4])
    assert ds.organisations == ("W15000002",)
    assert ds.periods == (FinancialYear(2020), FinancialYear(2021))
    assert ds.period_code.tolist() == [0, 0, 1, 1]
    with pytest.raises(DataError) as bad_period:
        Dataset.from_columns(measure=["a"] * 4, organisation=["Gwent"] * 4,
                             period=["2020-21", "bogus", "2021-22", "bogus"], value=[1] * 4)
    assert bad_period.value.row == 1
    with pytest.raises(UnknownOrganisationError, match="row 2"):
        Dataset.from_columns(measure=["a"] * 3, organisation=["Gwent", "Gwent", "Gwnet"],
                             period=["2020-21", "2021-22", "2022-23"], value=[1] * 3)
    with pytest.raises(DataError, match="row 1, column 'measure': must be a non-empty id"):
        Dataset.from_columns(measure=["a", ["x"], "a"], organisation=["Gwent"] * 3,
                             period=["2020-21", "2021-22", "2022-23"], value=[1] * 3)


@pytest.mark.parametrize("to", ["financial_year", "rolling12"])
def test_a_missing_month_leaves_later_periods_whole(to: str) -> None:
    # A month with no value makes only the periods containing it incomplete; the running
    # sums must not carry it into later windows.
    months = [f"{2018 + (k + 3) // 12}-{(k + 3) % 12 + 1:02d}" for k in range(24)]
    records = [{"measure": "crime", "organisation": "Gwent", "period": mo,
                "value": float("nan") if k == 1 else 100.0 + k}
               for k, mo in enumerate(months)]
    annual = Dataset.from_records(records).aggregate(to)  # type: ignore[arg-type]
    first = "2018-19" if to == "financial_year" else "12 months to March 2019"
    last = "2019-20" if to == "financial_year" else "12 months to March 2020"
    got = annual.cube("value", measures=["crime"], periods=[first, last])[0, 0]
    assert np.isnan(got[0])  # the year holding the missing month has no total
    assert got[1] == sum(100.0 + k for k in range(12, 24))


# Keys drawn from a small space, so that dense and sparse key spaces, sorted and unsorted
# rows, and duplicates all occur (each takes a different path in the unique-key check).
_key_rows = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 11)),
                     min_size=0, max_size=60)


@given(rows=_key_rows, sort=st.booleans())
def test_duplicate_keys_are_found_whatever_the_row_order(
        rows: list[tuple[int, int, int]], sort: bool) -> None:
    if sort:
        rows = sorted(rows)
    cols = {"measure": [f"m{m}" for m, _, _ in rows],
            "organisation": [f"org{o}" for _, o, _ in rows],
            "period": [f"2023-{p + 1:02d}" for _, _, p in rows]}
    if len(set(rows)) == len(rows):
        ds = Dataset.from_columns(**cols, value=np.arange(len(rows), dtype=float),
                                  registry=False)
        assert len(ds) == len(rows)
        return
    with pytest.raises(DuplicateObservationError) as info:
        Dataset.from_columns(**cols, value=np.zeros(len(rows)), registry=False)
    i, j = info.value.rows
    assert i < j and rows[i] == rows[j]
    assert info.value.count == len(rows) - len(set(rows))


def _aggregate_by_hand(rows: list[tuple[str, str, Month, dict[str, float]]],
                       to: str) -> dict[tuple[str, str, str], dict[str, float]]:
    """Dataset.aggregate's rules written out one period at a time (the reference)."""
    nan = float("nan")
    first = min(r[2].first for r in rows)
    last = max(r[2].first for r in rows)
    windows: dict[str, tuple[int, int]] = {}
    for idx in range(first, last + 1):
        mo = Month.from_index(idx)
        if to == "rolling12":
            if idx - 11 >= first:
                windows[str(Rolling(mo))] = (idx - 11, 12)
        else:
            p = FinancialYear.containing(mo) if to == "financial_year" else \
                FinancialQuarter.containing(mo)
            windows[str(p)] = (p.first, p.length)
    by_key = {(m, o, mo.first): f for m, o, mo, f in rows}
    out: dict[tuple[str, str, str], dict[str, float]] = {}
    for m, o in sorted({(m, o) for m, o, _, _ in rows}):
        for name, (start, length) in windows.items():
            months = [by_key.get((m, o, start + k)) for k in range(length)]
            if any(x is None for x in months):
                continue
            got = {f: sum(x.get(f, nan) for x in months)  # type: ignore[union-attr]
                   for f in ("value", "numerator", "denominator")}
            if not (math.isnan(got["numerator"]) or math.isnan(got["denominator"])):
                got["value"] = (got["numerator"] / got["denominator"]
                                if got["denominator"] != 0 else nan)
            got["population"] = months[-1].get("population", nan)  # type: ignore[union-attr]
            out[(m, o, name)] = got
    return out


@st.composite
def _month_rows(draw: st.DrawFn) -> list[tuple[str, str, int, float | None, int, int | None]]:
    """Monthly series of two measures for two forces: each a run of months with a few
    holes, some values missing or NaN, populations on some months."""
    rows = []
    for measure in ("crime", "rate"):
        for org in ("Gwent", "Dyfed-Powys"):
            start = draw(st.integers(0, 14))
            length = draw(st.integers(0, 30))
            holes = draw(st.sets(st.integers(0, 35), max_size=2))
            for t in range(start, min(start + length, 36)):
                if t in holes:
                    continue
                value = draw(st.one_of(st.integers(0, 50).map(float), st.none(),
                                       st.just(float("nan"))) if t % 7 == 0
                             else st.integers(0, 50).map(float))
                rows.append((measure, org, t, value, draw(st.integers(0, 5)),
                             draw(st.one_of(st.none(), st.integers(1000, 2000)))))
    return rows


@given(rows=_month_rows(), to=st.sampled_from(["financial_year", "quarter", "rolling12"]))
def test_aggregate_agrees_with_period_by_period_sums(
        rows: list[tuple[str, str, int, float | None, int, int | None]], to: str) -> None:
    assume(rows)
    start = Month(2022, 1).first
    recs: list[dict[str, object]] = []
    ref_rows: list[tuple[str, str, Month, dict[str, float]]] = []
    for measure, org, t, v, extra, pop in rows:
        mo = Month.from_index(start + t)
        fields: dict[str, float] = ({"value": v} if measure == "crime" and v is not None
                                    else {"numerator": float(extra), "denominator": 5.0}
                                    if measure == "rate" else {})
        if pop is not None:
            fields["population"] = float(pop)
        recs.append({"measure": measure, "organisation": org, "period": str(mo), **fields})
        ref_rows.append((measure, "W15000002" if org == "Gwent" else "W15000004", mo, fields))
    expected = _aggregate_by_hand(ref_rows, to)
    ds = Dataset.from_records(recs)
    if not expected:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IncompletePeriodWarning)
            try:
                got_ds = ds.aggregate(to)  # type: ignore[arg-type]
            except DataError:
                return
        assert len(got_ds) == 0
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompletePeriodWarning)
        got_ds = ds.aggregate(to)  # type: ignore[arg-type]
    got = {(r["measure"], r["organisation"], r["period"]): r for r in got_ds.to_records()}
    assert set(got) == set(expected)
    for key, want in expected.items():
        for f, x in want.items():
            y = got[key].get(f, float("nan"))
            assert (math.isnan(x) and math.isnan(y)) or x == y, (key, f, x, y)


@given(rows=_month_rows(), to=st.sampled_from(["financial_year", "quarter", "rolling12"]),
       pick=st.randoms(use_true_random=False))
def test_aggregate_to_some_periods_is_the_full_aggregate_cut_to_them(
        rows: list[tuple[str, str, int, float | None, int, int | None]], to: str,
        pick: random.Random) -> None:
    # Asking for some periods (issue 18: an evaluation reads the last few years) gives
    # exactly those periods of the full aggregate, and says less about incomplete ones.
    start = Month(2022, 1).first
    recs = [{"measure": measure, "organisation": org, "period": str(Month.from_index(start + t)),
             **({"value": v} if measure == "crime" and v is not None
                else {"numerator": float(extra), "denominator": 5.0} if measure == "rate"
                else {}), **({"population": float(pop)} if pop is not None else {})}
            for measure, org, t, v, extra, pop in rows]
    assume(recs)
    ds = Dataset.from_records(recs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompletePeriodWarning)
        try:
            full = ds.aggregate(to)  # type: ignore[arg-type]
        except DataError:
            return
    assume(full.periods)
    wanted = pick.sample(list(full.periods), pick.randint(1, len(full.periods)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        part = ds.aggregate(to, periods=[str(p) for p in wanted])  # type: ignore[arg-type]
    assert set(part.periods) == set(wanted)
    keep = {str(p) for p in wanted}
    assert part.to_records() == [r for r in full.to_records() if r["period"] in keep]
    for w in caught:  # only the periods asked for are counted
        assert issubclass(w.category, IncompletePeriodWarning)
        assert any(str(p) in str(w.message) for p in wanted)


@given(data=st.data(), to=st.sampled_from(["financial_year", "quarter", "calendar_year"]))
def test_aggregate_of_every_cell_adds_in_row_order_whatever_the_order(
        data: st.DataObject, to: str) -> None:
    # With every measure × organisation × month present, aggregate reads the cells of the
    # months it sums rather than every row (issue 18), but adds each period's months in
    # the order of the rows, as summing row by row does: the same sums to the bit, with
    # decimals, NaNs and rows in any order.
    nm, no = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    start = data.draw(st.integers(0, 11))
    nt = data.draw(st.integers(1, 40))
    number = st.one_of(st.integers(0, 500).map(float),
                       st.floats(0, 1000).map(lambda x: round(x, 2)), st.just(float("nan")))
    cells = [(m, o, t) for m in range(nm) for o in range(no) for t in range(nt)]
    value = data.draw(st.lists(number, min_size=len(cells), max_size=len(cells)))
    positive = st.one_of(st.integers(1, 500).map(float),  # a population is more than 0
                         st.floats(1, 1000).map(lambda x: round(x, 2)), st.just(float("nan")))
    pop = data.draw(st.lists(positive, min_size=len(cells), max_size=len(cells)))
    order = list(range(len(cells)))
    how = data.draw(st.sampled_from(["sorted", "series", "any"]))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    if how == "series":  # each series' months in order, series shuffled
        blocks = [order[k:k + nt] for k in range(0, len(order), nt)]
        rng.shuffle(blocks)
        order = [i for b in blocks for i in b]
    elif how == "any":
        rng.shuffle(order)
    months = [Month.from_index(Month(2020, 1).first + start + t) for t in range(nt)]
    ds = Dataset.from_codes(
        measures=[f"m{m}" for m in range(nm)], measure_code=[cells[i][0] for i in order],
        organisations=[f"o{o}" for o in range(no)], organisation_code=[cells[i][1] for i in order],
        periods=months, period_code=[cells[i][2] for i in order],
        value=[value[i] for i in order], population=[pop[i] for i in order])
    # Cubes read the same cells whatever the row order (whole series one after another,
    # or not), for any choice of measures, organisations and periods.
    pick_m = data.draw(st.lists(st.integers(0, nm - 1), min_size=1, max_size=3))
    pick_o = data.draw(st.lists(st.integers(0, no - 1), min_size=1, max_size=3))
    pick_t = data.draw(st.one_of(st.none(), st.lists(st.integers(0, nt - 1), min_size=1,
                                                     max_size=4)))
    cube = ds.cube("value", measures=[f"m{m}" for m in pick_m],
                   organisations=[f"o{o}" for o in pick_o],
                   periods=None if pick_t is None else [months[t] for t in pick_t])
    ts = range(nt) if pick_t is None else pick_t
    want = [[[value[cells.index((m, o, t))] for t in ts] for o in pick_o] for m in pick_m]
    assert np.array_equal(cube, np.array(want), equal_nan=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompletePeriodWarning)
        try:
            got = ds.aggregate(to)  # type: ignore[arg-type]
        except DataError:
            return
    containing = {"financial_year": FinancialYear.containing,
                  "quarter": FinancialQuarter.containing,
                  "calendar_year": lambda mo: CalendarYear(mo.year)}[to]
    expected: dict[tuple[str, str, str], list[float]] = {}
    for i in order:  # row order
        m, o, t = cells[i]
        p = containing(months[t])
        if months[0].first <= p.first and p.last <= months[-1].first:
            expected.setdefault((f"m{m}", f"o{o}", str(p)), []).append(value[i])
    records = {(r["measure"], r["organisation"], r["period"]): r for r in got.to_records()}
    assert set(records) == set(expected)
    for k, xs in expected.items():
        total = 0.0
        for x in xs:
            total += x
        y = records[k].get("value", float("nan"))
        assert (math.isnan(total) and math.isnan(y)) or total == y, (k, xs, total, y)
        period = parse_period(k[2])
        last = next(pop[cells.index((int(k[0][1:]), int(k[1][1:]), t))] for t in range(nt)
                    if months[t].first == period.last)
        got_pop = records[k].get("population", float("nan"))
        assert (math.isnan(last) and math.isnan(got_pop)) or last == got_pop


def _bits(a: np.ndarray) -> np.ndarray:
    """Floats as their bits: equal only if the same to the bit (-0.0 is not 0.0)."""
    return np.asarray(a, dtype=np.float64).view(np.int64)


@given(data=st.data(), to=st.sampled_from(["financial_year", "quarter", "calendar_year"]))
def test_aggregate_reading_cells_is_summing_rows_to_the_bit(data: st.DataObject,
                                                            to: str) -> None:
    # With every cell present, aggregate reads each window's months from the cells
    # (whole series one after another as a series × months slab; other orders through
    # each cell's row) instead of summing every row with bincount. Both must give the
    # same figures to the bit: the same data with one observation of another period kind
    # beside them makes aggregate sum the rows, and the results are compared, for any
    # layout, any months (partial years at either end), any periods asked for, signed
    # zeros, decimals, NaN and percent marks.
    nm, no = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2))
    nt = data.draw(st.integers(1, 36))
    start = Month(2019, 1).first + data.draw(st.integers(0, 11))
    cells = [(m, o, t) for m in range(nm) for o in range(no) for t in range(nt)]
    # (Sums of 0.1, 0.2 and 0.3, or of 1e16 and 1, differ with the order they are added
    # in: a sum added in another order than the rows' shows.)
    signed = st.one_of(st.integers(-500, 500).map(float), st.sampled_from([-0.0, 0.0]),
                       st.floats(-1000, 1000).map(lambda x: round(x, 3)),
                       st.sampled_from([0.1, 0.2, 0.3, 1e16, -1e16, 1.0]),
                       st.just(float("nan")))
    column = st.lists(signed, min_size=len(cells), max_size=len(cells))
    value, sample = data.draw(column), data.draw(column)
    den = data.draw(st.lists(st.integers(1, 50).map(float), min_size=len(cells),
                             max_size=len(cells)))
    share = data.draw(st.lists(st.floats(0, 1), min_size=len(cells), max_size=len(cells)))
    num = [float(int(d * f)) for d, f in zip(den, share, strict=True)]  # 0 to den
    pop = data.draw(st.lists(st.floats(1, 1e6).map(lambda x: round(x, 1)),
                             min_size=len(cells), max_size=len(cells)))
    percent = data.draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    order = list(range(len(cells)))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    how = data.draw(st.sampled_from(["sorted", "series", "by_month", "any"]))
    if how == "series":  # each series' months in order, series shuffled
        blocks = [order[k:k + nt] for k in range(0, len(order), nt)]
        rng.shuffle(blocks)
        order = [i for b in blocks for i in b]
    elif how == "by_month":  # month by month: series interleaved, months in row order
        order.sort(key=lambda i: (cells[i][2], rng.random()))
    elif how == "any":
        rng.shuffle(order)
    months = [Month.from_index(start + t) for t in range(nt)]
    sample = [abs(x) + 1.0 if not math.isnan(x) else x for x in sample]  # more than 0

    def dataset(other_kind: bool) -> Dataset:
        extra = [len(cells)] if other_kind else []  # a yearly row of measure "z"
        rows = order + extra

        def pick(col: list[Any], fill: Any) -> list[Any]:
            return [col[i] if i < len(cells) else fill for i in rows]

        return Dataset.from_codes(
            measures=[*(f"m{m}" for m in range(nm)), *(["z"] if other_kind else [])],
            measure_code=[cells[i][0] if i < len(cells) else nm for i in rows],
            organisations=[f"o{o}" for o in range(no)],
            organisation_code=[cells[i][1] if i < len(cells) else 0 for i in rows],
            periods=[*months, *([FinancialYear(2019)] if other_kind else [])],
            period_code=[cells[i][2] if i < len(cells) else nt for i in rows],
            value=pick(value, 1.0), numerator=pick(num, 1.0), denominator=pick(den, 2.0),
            sample_size=pick(sample, 1.0), population=pick(pop, 1.0),
            percent=pick(percent, False))

    every = [p for p in dict.fromkeys(
        {"financial_year": FinancialYear.containing, "quarter": FinancialQuarter.containing,
         "calendar_year": lambda mo: CalendarYear(mo.year)}[to](mo) for mo in months)]
    asked = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(every), min_size=1,
                                                    unique=True)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompletePeriodWarning)
        try:
            cells_read = dataset(False).aggregate(to, periods=asked)  # type: ignore[arg-type]
        except DataError:
            return
        rows_summed = dataset(True).aggregate(to, periods=asked)  # type: ignore[arg-type]
    assert (cells_read.measures, cells_read.organisations, cells_read.periods) == (
        rows_summed.measures, rows_summed.organisations, rows_summed.periods)
    for name in ("measure_code", "organisation_code", "period_code"):
        assert np.array_equal(getattr(cells_read, name), getattr(rows_summed, name))
    for name in FIELDS:
        assert np.array_equal(_bits(getattr(cells_read, name)),
                              _bits(getattr(rows_summed, name))), name
    assert np.array_equal(cells_read.percent, rows_summed.percent)  # type: ignore[arg-type]


@given(parts=st.lists(st.lists(st.tuples(st.sampled_from(["b", "a", "c"]),
                                          st.sampled_from(["Gwent", "X1", "W15000004"]),
                                          st.sampled_from(["2023-05", "2022-23", "2023-04"]),
                                          st.sampled_from(["", "s1", "s0"]),
                                          st.one_of(st.none(), st.floats(-5, 5))),
                                max_size=6), min_size=1, max_size=3))
def test_concat_is_the_rows_of_each_dataset_in_turn(
        parts: list[list[tuple[str, str, str, str, float | None]]]) -> None:
    # Issue 18: concat joins codes rather than a Python object per row; the result is
    # what building from all the rows gives (categories, codes, columns, sources).
    parts = [list({r[:3]: r for r in rows}.values()) for rows in parts]  # unique in each
    datasets = [Dataset.from_columns(measure=[r[0] for r in rows],
                                     organisation=[r[1] for r in rows],
                                     period=[r[2] for r in rows], source=[r[3] for r in rows],
                                     value=[r[4] for r in rows], registry=False)
                for rows in parts]
    rows = [r for p in parts for r in p]
    columns = {"measure": [r[0] for r in rows], "organisation": [r[1] for r in rows],
               "period": [r[2] for r in rows], "source": [r[3] for r in rows],
               "value": [r[4] for r in rows]}
    if len({r[:3] for r in rows}) < len(rows):  # the same key in two datasets
        with pytest.raises(DuplicateObservationError) as want:
            Dataset.from_columns(**columns, registry=False)
        with pytest.raises(DuplicateObservationError) as got:
            Dataset.concat(datasets)
        assert got.value.rows == want.value.rows
        return
    expected = Dataset.from_columns(**columns, registry=False)
    got_ds = Dataset.concat(datasets)
    for name in ("measures", "organisations", "periods", "sources"):
        assert getattr(got_ds, name) == getattr(expected, name), name
    for name in ("measure_code", "organisation_code", "period_code", "source_code"):
        assert np.array_equal(getattr(got_ds, name), getattr(expected, name)), name
    for name in FIELDS:
        assert np.array_equal(getattr(got_ds, name), getattr(expected, name), equal_nan=True)


def test_whole_series_given_twice_are_duplicates() -> None:
    # Rows in whole series, periods in order, fill the cube's size — but one series twice
    # and another missing: still duplicates, named by their rows.
    months = [Month(2023, m) for m in range(1, 4)]
    ds_args = {"measures": ["a", "b"], "organisations": ["o"], "periods": months,
               "period_code": [0, 1, 2] * 2, "value": np.arange(6.0)}
    with pytest.raises(DuplicateObservationError) as info:
        Dataset.from_codes(measure_code=[1, 1, 1, 1, 1, 1], organisation_code=[0] * 6,
                           **ds_args)  # type: ignore[arg-type]
    assert info.value.rows == (0, 3)
    ds = Dataset.from_codes(measure_code=[1, 1, 1, 0, 0, 0], organisation_code=[0] * 6,
                            **ds_args)  # type: ignore[arg-type]
    assert ds.cube("value").tolist() == [[[3.0, 4.0, 5.0]], [[0.0, 1.0, 2.0]]]


def test_aggregate_refuses_periods_of_another_kind() -> None:
    ds = Dataset.from_records(monthly(FY23))
    with pytest.raises(OptionError, match="periods"):
        ds.aggregate("financial_year", periods=["Q1 2023-24"])
    with pytest.raises(OptionError, match="periods"):
        ds.aggregate("quarter", periods=[FinancialYear(2023)])
    # A year the months do not reach is simply not there, as without periods.
    with pytest.raises(DataError, match="asked for"):
        ds.aggregate("financial_year", periods=["2019-20"])
    only = ds.aggregate("financial_year", periods=["2023-24", "2019-20"])
    assert only.periods == (FinancialYear(2023),)


@given(rows=_key_rows, rng=st.randoms(use_true_random=False), complete=st.booleans(),
       shuffle=st.booleans(), subset=st.booleans())
def test_cube_places_every_observation_and_nan_elsewhere(
        rows: list[tuple[int, int, int]], rng: random.Random, complete: bool, shuffle: bool,
        subset: bool) -> None:
    keys = sorted(set(rows))
    if complete:  # every cell of the grid: in cube order, the cube is a reshape of the rows
        keys = [(m, o, p) for m in range(2) for o in range(2) for p in range(3)]
    if shuffle:
        rng.shuffle(keys)
    assume(keys)
    ds = Dataset.from_columns(measure=[f"m{m}" for m, _, _ in keys],
                              organisation=[f"org{o}" for _, o, _ in keys],
                              period=[f"2023-{p + 1:02d}" for _, _, p in keys],
                              value=[100.0 * m + 10.0 * o + p for m, o, p in keys],
                              registry=False)
    measures = list(ds.measures[::-1]) if subset else None
    cube = ds.cube("value", measures=measures)
    for i, m in enumerate(measures or ds.measures):
        for j, o in enumerate(ds.organisations):
            for k, p in enumerate(ds.periods):
                key = (int(m[1:]), int(o[3:]), p.month - 1)  # type: ignore[attr-defined]
                want = 100.0 * key[0] + 10.0 * key[1] + key[2] if key in keys else None
                assert (np.isnan(cube[i, j, k]) if want is None else cube[i, j, k] == want)


def test_a_dataset_is_read_only_and_leaves_the_callers_arrays_alone() -> None:
    value = np.array([1.0, 2.0])
    codes = np.array([0, 1], dtype=np.int32)
    ds = Dataset.from_codes(measures=["m"], measure_code=np.zeros(2, np.int32),
                            organisations=["a", "b"], organisation_code=codes,
                            periods=[Month(2023, 4)], period_code=np.zeros(2, np.int32),
                            value=value)
    for name in ("value", "numerator", "organisation_code"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(ds, name)[0] = 5
    value[0] = codes[0] = 7  # the caller's arrays are still theirs to change
    assert ds.value.tolist() == [1.0, 2.0] and np.isnan(ds.numerator).all()
    assert ds.cube("value").tolist() == [[[1.0], [2.0]]]
    cube = ds.cube("value")
    cube[0, 0, 0] = -1.0  # a cube is the caller's own copy
    assert ds.cube("value")[0, 0, 0] == 1.0


def test_a_read_only_view_of_the_callers_writeable_array_is_copied() -> None:
    # A read-only view is not read-only memory: the caller's array under it can still
    # change, and the dataset with it (found in review). Only memory no one can change is
    # shared: a read-only array that owns its data, or Arrow's, read zero-copy.
    value = np.array([1.0, 2.0])
    view = value.view()
    view.flags.writeable = False
    codes = {"measures": ["m"], "measure_code": np.zeros(2, np.int32),
             "organisations": ["a", "b"], "organisation_code": np.array([0, 1], np.int32),
             "periods": [Month(2023, 4)], "period_code": np.zeros(2, np.int32)}
    ds = Dataset.from_codes(**codes, value=view)
    value[0] = 99.0
    assert ds.value.tolist() == [1.0, 2.0] and ds.value is not view
    owned = np.array([1.0, 2.0])
    owned.flags.writeable = False
    assert Dataset.from_codes(**codes, value=owned).value is owned
    pa = pytest.importorskip("pyarrow")
    arrow = pa.array([1.0, 2.0]).to_numpy(zero_copy_only=True)
    assert Dataset.from_codes(**codes, value=arrow).value is arrow


@given(data=st.data(), dtype=st.sampled_from(["float64", "float32", "int64", "int32",
                                              "uint8", "bool"]),
       read_only=st.booleans(), n=st.integers(0, 40))
def test_numbers_are_copied_and_checked_a_chunk_at_a_time(
        data: st.DataObject, dtype: str, read_only: bool, n: int) -> None:
    # A column is copied and checked for infinities a chunk at a time (issue 18: the
    # check reads the chunk just copied from cache). Chunks of 7 here, so that columns
    # span several and end part-way through one: the column kept is the column given as
    # float64 to the bit (a read-only float64 one is kept as it is), every infinity is
    # found wherever it is, and the caller's array stays the caller's.
    kind = np.dtype(dtype).kind
    element = (st.floats(allow_nan=True, allow_infinity=False, width=32) if kind == "f"
               else st.booleans() if kind == "b" else st.integers(0, 200))
    values = np.array(data.draw(st.lists(element, min_size=n, max_size=n)), dtype=dtype)
    if kind == "f" and n:  # an infinity or two anywhere, or none
        for i in data.draw(st.lists(st.integers(0, n - 1), max_size=2)):
            values[i] = data.draw(st.sampled_from([np.inf, -np.inf]))
    values.flags.writeable = not read_only
    keys = {"measures": ["m"], "measure_code": np.zeros(n, np.int32),
            "organisations": [f"o{i}" for i in range(max(n, 1))],
            "organisation_code": np.arange(n, dtype=np.int32),
            "periods": [Month(2023, 4)], "period_code": np.zeros(n, np.int32)}
    infinite = np.flatnonzero(np.isinf(values.astype(np.float64))).tolist()
    with mock.patch.object(dataset_module, "_CHECK_CHUNK", 7):
        if infinite:
            with pytest.raises(DataError, match="infinite value") as info:
                Dataset.from_codes(value=values, **keys)  # type: ignore[arg-type]
            assert list(info.value.rows) == infinite
            return
        ds = Dataset.from_codes(value=values, **keys)  # type: ignore[arg-type]
    want = values.astype(np.float64)
    assert np.array_equal(ds.value.view(np.int64), want.view(np.int64))
    assert (ds.value is values) == (read_only and dtype == "float64")
    if n and not read_only:  # the caller changes every value: the dataset's stay
        values[...] = 0 if want.any() else 1
        assert np.array_equal(ds.value.view(np.int64), want.view(np.int64))


@pytest.mark.parametrize(("column", "codes", "message"), [
    ("organisation_code", [0, 2], "row 1, column 'organisation_code': 2 is not a code into the 2"),
    ("organisation_code", [0, -1], "row 1, column 'organisation_code': -1 is not a code"),
    ("period_code", [0.0, 0.0], "must hold integer codes"),
    ("period_code", [0, 0, 0], r"one code per row \(2 rows\)"),
])
def test_from_codes_names_a_bad_code(column: str, codes: list[float], message: str) -> None:
    keys = {"measure_code": [0, 0], "organisation_code": [0, 1], "period_code": [0, 0],
            column: codes}
    with pytest.raises(DataError, match=message) as info:
        Dataset.from_codes(measures=["m"], organisations=["a", "b"], periods=[Month(2023, 4)],
                           value=[1.0, 2.0], **keys)  # type: ignore[arg-type]
    assert info.value.column == column


@given(runs=st.lists(st.tuples(st.sampled_from(["a", "b", "c", 1, 2.5, None, ("t", 1)]),
                               st.integers(1, 400)), max_size=40),
       short=st.booleans())
def test_factorize_gives_first_seen_codes_whether_or_not_values_come_in_runs(
        runs: list[tuple[object, int]], short: bool) -> None:
    values = [v for v, k in runs for _ in range(1 if short else k)]
    distinct, codes = factorize(values)
    naive: list[object] = []
    for v in values:
        if v not in naive:
            naive.append(v)
    assert distinct == naive
    assert [distinct[c] for c in codes.tolist()] == values


def test_factorize_gives_up_runs_midway_without_losing_order() -> None:
    # Long runs first, then values that change every row: the run reading stops part way
    # and the column is read again value by value, codes still in first-seen order.
    values = ["x"] * 5000 + ["y"] * 5000 + [f"v{i % 7}" for i in range(20_000)]
    distinct, codes = factorize(values)
    assert distinct == ["x", "y", *[f"v{i}" for i in range(7)]]
    assert codes[:3].tolist() == [0, 0, 0] and codes[10_000:10_008].tolist() == [
        2, 3, 4, 5, 6, 7, 8, 2]


def test_an_array_in_a_long_key_column_is_named_not_a_numpy_error() -> None:
    n = 5000
    measure: list[object] = ["m"] * n
    measure[4321] = np.array([1, 2])
    with pytest.raises(DataError, match="row 4321, column 'measure': must be a non-empty id"):
        Dataset.from_columns(measure=measure,  # type: ignore[arg-type]
                             organisation=[f"bcu{i}" for i in range(n)], period=["2023-24"] * n,
                             value=np.zeros(n), registry=False)


def test_from_codes_needs_a_column_of_codes_not_one_code() -> None:
    with pytest.raises(DataError, match="must hold one code per row, not an array of shape"):
        Dataset.from_codes(measures=["m"], measure_code=0,  # type: ignore[arg-type]
                           organisations=["a"], organisation_code=[0],
                           periods=[Month(2023, 4)], period_code=[0], value=[1.0])
