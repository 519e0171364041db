"""The loaders of published data: Home Office PRC open data, ONS police force area tables,
police.uk street and outcome files. Reference counts are read from the copied files in
examples/data (see each folder's SOURCE.md) and tests/data/police-uk (SOURCE.md)."""

from __future__ import annotations

import collections
import csv
import math
from pathlib import Path

import numpy as np
import pytest

from perfcore.dataset import Dataset, IncompletePeriodWarning
from perfcore.errors import DataValidationError, OptionError, SkippedRowsWarning
from perfcore.io import load_data
from perfcore.io.home_office import load_home_office_prc, offence_measure_id
from perfcore.io.ons_pfa import load_ons_pfa
from perfcore.io.police_uk import CRIME_TYPES, load_police_uk
from perfcore.periods import FinancialQuarter, FinancialYear, Month, Rolling

ROOT = Path(__file__).resolve().parents[1]
HOME_OFFICE = ROOT / "examples/data/home-office/prc-pfa-2019-20-wales.csv"
P1 = ROOT / "examples/data/prc-pfa/ons_pfa_p1_offences.csv"
P3 = ROOT / "examples/data/prc-pfa/ons_pfa_p3_population.csv"
TIDY = ROOT / "examples/data/policeuk-gwent"
RAW = ROOT / "tests/data/police-uk"
GWENT, EW = "W15000002", "K04000001"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def value(ds: Dataset, measure: str, organisation: str, period: object) -> float:
    return float(ds.cube("value", measures=[measure], organisations=[organisation],
                         periods=[period])[0, 0, 0])  # type: ignore[list-item]


# --- Home Office -------------------------------------------------------------------------

def test_home_office_gwent_2019_20() -> None:
    # examples/data/home-office/SOURCE.md: Gwent 2019/20 total 56,698 in this vintage;
    # Q1 14,539, Q2 14,803, Q3 13,981, Q4 13,375 (the shared data's SOURCE.md).
    ds = load_home_office_prc(HOME_OFFICE, period="both")
    assert value(ds, "all_crime", "Gwent", "2019-20") == 56698
    quarters = [value(ds, "all_crime", "Gwent", FinancialQuarter(2019, q)) for q in (1, 2, 3, 4)]
    assert quarters == [14539, 14803, 13981, 13375]
    assert ds.organisations == ("W15000001", "W15000002", "W15000003", "W15000004")
    assert ds.sources == ("Home Office police recorded crime open data "
                          "(prc-pfa-2019-20-wales.csv)",)


def test_home_office_offence_levels_add_up() -> None:
    ds = load_home_office_prc(HOME_OFFICE, by=("total", "offence_group", "offence_subgroup"))
    groups = [m for m in ds.measures if m.startswith("prc.offence_group.")]
    assert len(groups) == 9
    # The Home Office's "Miscellaneous crimes" takes ONS's name, so both give one id.
    assert offence_measure_id("offence_group", "Miscellaneous crimes") in groups
    cube = ds.cube("value", measures=groups)
    np.testing.assert_array_equal(cube.sum(axis=0), ds.cube("value", measures=["all_crime"])[0])
    subs = [m for m in ds.measures if m.startswith("prc.offence_subgroup.")]
    np.testing.assert_array_equal(np.nansum(ds.cube("value", measures=subs), axis=0),
                                  ds.cube("value", measures=["all_crime"])[0])


def test_home_office_measure_mapping_sums_labels() -> None:
    mapping = {"Domestic burglary": "burglary", "Non-domestic burglary": "burglary",
               "total": "total_crime"}
    ds = load_home_office_prc(HOME_OFFICE, by=("total", "offence_subgroup"),
                              measures=mapping)
    rows = read(HOME_OFFICE)
    expected = sum(float(r["Number of Offences"]) for r in rows if r["Force Name"] == "Gwent"
                   and r["Offence Subgroup"] in ("Domestic burglary", "Non-domestic burglary"))
    assert value(ds, "burglary", "Gwent", "2019-20") == expected
    assert value(ds, "total_crime", "Gwent", "2019-20") == 56698
    with pytest.raises(OptionError, match="'domestic burglry'"):
        load_home_office_prc(HOME_OFFICE, by="offence_subgroup",
                             measures={"Domestic burglry": "burglary"})
    with pytest.raises(OptionError, match="use one of: 'total', 'offence_group'"):
        load_home_office_prc(HOME_OFFICE, by="offence_groups")


HO_HEADER = ("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,"
             "Offence Subgroup,Offence Code,Number of Offences\n")


def test_home_office_fraud_bodies_and_incomplete_years(tmp_path: Path) -> None:
    path = tmp_path / "prc-pfa-test.csv"
    lines = [f"2019/20,{q},Gwent,Murder,Violence against the person,Homicide,1,{q}.0"
             for q in (1, 2, 3, 4)]
    lines += ["2019/20,1,Action Fraud,Fraud,Fraud offences,Fraud,53A,100.0",
              "2019/20,1,CIFAS,Fraud,Fraud offences,Fraud,53B,50.0",
              "2019/20,1,Dyfed-Powys,Murder,Violence against the person,Homicide,1,1.0"]
    path.write_text(HO_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.warns(SkippedRowsWarning, match="2 rows not loaded .2 of the national fraud"), \
            pytest.warns(IncompletePeriodWarning, match="1 force × financial year"):
        ds = load_home_office_prc(path)
    assert ds.to_records() == [{"measure": "all_crime", "organisation": GWENT,
                                "period": "2019-20", "value": 10.0,
                                "source": "Home Office police recorded crime open data "
                                          "(prc-pfa-test.csv)"}]


def test_home_office_bad_rows_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "prc-pfa-bad.csv"
    path.write_text(HO_HEADER + "2019/20,5,Gwent,Murder,VAP,Homicide,1,1.0\n"
                    "2019/20,1,Gwnet,Murder,VAP,Homicide,1,x\n"
                    "2019,1,Gwent,Murder,VAP,Homicide,1,1\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_home_office_prc(path)
    assert {(p.row, p.column) for p in info.value.problems} == {
        (2, "Financial Quarter"), (3, "Force Name"), (3, "Number of Offences"),
        (4, "Financial Year")}


# --- ONS police force area tables ------------------------------------------------------------

def test_ons_p1_gwent_and_england_and_wales() -> None:
    # examples/data/prc-pfa/SOURCE.md and the shared SOURCE.md: Gwent 48,823 (YE Mar 2018),
    # 58,536 (YE Mar 2019, also quoted by the Gwent OPCC), 57,976 (YE Dec 2019); England
    # and Wales YE Mar 2018 4,876,282 (including British Transport Police).
    ds = load_ons_pfa(P1)
    assert value(ds, "all_crime", "Gwent", "2017-18") == 48823
    assert value(ds, "all_crime", "Gwent", "2018-19") == 58536
    assert value(ds, "all_crime", "Gwent", Rolling(Month(2019, 12))) == 57976
    assert value(ds, "all_crime", EW, "2017-18") == 4876282
    groups = [m for m in ds.measures if m.startswith("prc.offence_group.")]
    np.testing.assert_array_equal(np.sum(ds.cube("value", measures=groups), axis=0),
                                  ds.cube("value", measures=["all_crime"])[0])
    # Greater Manchester: no figures published for the years ending Sep and Dec 2019.
    assert math.isnan(value(ds, "all_crime", "Greater Manchester", Rolling(Month(2019, 9))))
    assert len(ds) == 4400  # every row of the file: nothing dropped


def test_ons_periods_can_stay_rolling() -> None:
    ds = load_ons_pfa(P1, year_ending_march="rolling")
    assert Rolling(Month(2019, 3)) in ds.periods
    assert not any(isinstance(p, FinancialYear) for p in ds.periods)
    assert value(ds, "all_crime", "Gwent", "12 months to March 2019") == 58536


def test_ons_p3_rates_and_the_population_join() -> None:
    # Shared SOURCE.md: Gwent YE Mar 2019 rate 99.59 per 1,000 (population 587,700 as
    # printed, rounded to 100; ONS divided by the unrounded one).
    p3 = load_ons_pfa(P3)
    assert p3.measures == ("all_crime_rate",)
    assert value(p3, "all_crime_rate", "Gwent", "2018-19") == pytest.approx(99.5946)
    assert ("ONS police force area data tables (policeforceareatablesyeendingmarch2019.xlsx); "
            "population: mid-2017 ONS mid-year estimate, rounded to 100") in p3.sources
    both = load_ons_pfa(P1, population=P3)
    rate = both.cube("numerator", measures=["all_crime_rate"], organisations=["Gwent"],
                     periods=["2018-19"])
    assert rate.item() == 58536
    assert both.cube("population", measures=["all_crime_rate"], organisations=["Gwent"],
                     periods=["2018-19"]).item() == 587700
    assert value(both, "all_crime_rate", "Gwent", "2018-19") == pytest.approx(99.5946)
    robbery = value(both, "prc.offence_group.robbery_rate", "Gwent", "2018-19")
    assert robbery == pytest.approx(301 / 587700 * 1000)  # 301 robberies (Table P1)
    with pytest.raises(OptionError, match="Table P3"):
        load_ons_pfa(P3, population=P3)


def test_ons_bad_dates(tmp_path: Path) -> None:
    path = tmp_path / "ons_pfa_bad.csv"
    path.write_text("period_end,area_code,offence_group,parent_group,number_of_offences\n"
                    "2019-03-30,W15000002,Total,,1\n2019-13-31,W15000002,Total,,1\n",
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_ons_pfa(path)
    messages = [p.message for p in info.value.problems]
    assert "not the last day of a month" in messages[0]
    assert "not an ISO date" in messages[1]


# --- police.uk ----------------------------------------------------------------------------

def _hand_count(path: Path, column: str) -> collections.Counter[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return collections.Counter(r[column] for r in csv.DictReader(f))


def test_police_uk_street_file_counted_by_crime_type() -> None:
    path = RAW / "2024-04/2024-04-gwent-street.csv"
    ds = load_police_uk(path)
    assert ds.organisations == (GWENT,) and ds.periods == (Month(2024, 4),)
    # tests/data/police-uk/SOURCE.md: 20 rows, 1 anti-social behaviour, 19 crimes, of
    # which violence and sexual offences 5, burglary 3.
    assert value(ds, "police_uk.street.all_crime", GWENT, "2024-04") == 19
    assert value(ds, "police_uk.street.anti_social_behaviour", GWENT, "2024-04") == 1
    assert value(ds, "police_uk.street.violence_and_sexual_offences", GWENT, "2024-04") == 5
    assert value(ds, "police_uk.street.burglary", GWENT, "2024-04") == 3
    # Crime types with no row are zero, not missing (so months add up to years).
    assert value(ds, "police_uk.street.robbery", GWENT, "2024-04") == 0
    assert len(ds) == len(CRIME_TYPES) + 1
    for crime_type, n in _hand_count(path, "Crime type").items():
        slug = crime_type.lower().replace(" ", "_").replace("-", "_")
        assert value(ds, f"police_uk.street.{slug}", GWENT, "2024-04") == n


def test_police_uk_last_outcome_breakdown() -> None:
    path = RAW / "2024-04/2024-04-gwent-street.csv"
    ds = load_police_uk(path, last_outcome=True)
    with path.open(encoding="utf-8", newline="") as f:
        pairs = collections.Counter((r["Crime type"], r["Last outcome category"])
                                    for r in csv.DictReader(f))
    assert pairs[("Violence and sexual offences", "Unable to prosecute suspect")] == 2
    assert value(ds, "police_uk.street.violence_and_sexual_offences.unable_to_prosecute_suspect",
                 GWENT, "2024-04") == 2
    assert value(ds, "police_uk.street.anti_social_behaviour.not_recorded", GWENT,
                 "2024-04") == 1
    breakdown = [m for m in ds.measures if m.count(".") == 3]
    assert ds.cube("value", measures=breakdown).sum() == 20  # every row, once


def test_police_uk_many_monthly_files_with_progress() -> None:
    files = sorted(RAW.glob("*/*.csv"))
    seen: list[tuple[int, int, str]] = []
    ds = load_data(files, progress=lambda done, total, label: seen.append((done, total, label)))
    assert [s[:2] for s in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert seen[0][2] == "2024-04-gwent-outcomes.csv"
    assert value(ds, "police_uk.street.all_crime", GWENT, "2024-05") == 16
    assert value(ds, "police_uk.outcomes.all_outcomes", GWENT, "2024-04") == 12
    assert value(ds, "police_uk.outcomes.suspect_charged", GWENT, "2024-05") == 2
    assert value(ds, "police_uk.outcomes.unable_to_prosecute_suspect", GWENT, "2024-05") == 5


def test_police_uk_counted_files_reproduce_the_headline_numbers() -> None:
    # examples/data/policeuk-gwent/SOURCE.md: crimes excluding anti-social behaviour
    # FY 2023/24 53,538, FY 2024/25 60,239; outcomes given in FY 2024/25 55,242, of which
    # "Suspect charged" 4,561.
    street = load_police_uk(TIDY / "street_counts_by_month_crime_type.csv",
                            organisation="Gwent")
    outcomes = load_police_uk(TIDY / "outcomes_counts_by_month_outcome_type.csv",
                              organisation="Gwent")
    with pytest.warns(IncompletePeriodWarning):  # July 2022 start, June 2025 end
        years = Dataset.concat([street, outcomes]).aggregate("financial_year")
    assert value(years, "police_uk.street.all_crime", GWENT, "2023-24") == 53538
    assert value(years, "police_uk.street.all_crime", GWENT, "2024-25") == 60239
    assert value(years, "police_uk.outcomes.all_outcomes", GWENT, "2024-25") == 55242
    assert value(years, "police_uk.outcomes.suspect_charged", GWENT, "2024-25") == 4561


def test_police_uk_counted_breakdown_files() -> None:
    ds = load_data([TIDY / "street_counts_by_month_crime_type.csv",
                    TIDY / "street_counts_by_month_crime_type_last_outcome.csv",
                    TIDY / "outcomes_counts_by_month_outcome_type_crime_type.csv"],
                   organisation="Gwent")
    rows = read(TIDY / "street_counts_by_month_crime_type_last_outcome.csv")
    first = rows[1]  # 2022-07, Bicycle theft, Court result unavailable, 1
    assert value(ds, "police_uk.street.bicycle_theft.court_result_unavailable", GWENT,
                 first["month"]) == float(first["count"]) == 1
    by_crime = read(TIDY / "outcomes_counts_by_month_outcome_type_crime_type.csv")
    assert value(ds, "police_uk.outcomes.suspect_charged.burglary", GWENT, "2024-04") == sum(
        float(r["count"]) for r in by_crime
        if (r["outcome_month"], r["outcome_type"], r["crime_type"]) ==
        ("2024-04", "Suspect charged", "Burglary"))


def test_police_uk_counted_files_need_a_force() -> None:
    with pytest.raises(OptionError, match="organisation='Gwent'"):
        load_police_uk(TIDY / "street_counts_by_month_crime_type.csv")


def test_police_uk_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "2024-04-test-street.csv"
    src = (RAW / "2024-04/2024-04-gwent-street.csv").read_text(encoding="utf-8").splitlines()
    src[2] = src[2].replace("2024-04", "2024-4x")
    src[3] = src[3].replace("Gwent Police,Gwent Police", "Gwent Police,Gwnet Police")
    path.write_text("\n".join(src) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_police_uk(path)
    assert {(p.row, p.column) for p in info.value.problems} == {(3, "Month"),
                                                                 (4, "Falls within")}
