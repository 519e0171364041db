"""Crime outcomes (docs/methodology.md §6) and the Crime Severity Score (§7), on real data."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from perfcore.calc import Reason
from perfcore.calc.crime_outcomes import DEFAULT_POSITIVE, OutcomeBasis
from perfcore.calc.crime_outcomes import outcome_rate as calc_outcome_rate
from perfcore.calc.severity import crime_severity_score as calc_crime_severity_score
from perfcore.data import POLICEUK_OUTCOME_GROUPS, css_weights, outcome_type, outcome_types
from perfcore.errors import InvalidInputWarning, OptionError, ShapeError, UnknownCodeError
from perfcore.i18n import translator
from perfcore.labels import outcome_basis_name

DATA = Path(__file__).parents[1] / "examples" / "data"


def outcome_rate(*args: Any, **kwargs: Any) -> Any:
    """calc's outcome_rate with the outcome types shipped with perfcore."""
    return calc_outcome_rate(*args, types=outcome_types(), **kwargs)


def crime_severity_score(*args: Any, **kwargs: Any) -> Any:
    """calc's crime_severity_score with the ONS weights shipped with perfcore."""
    return calc_crime_severity_score(*args, weights=css_weights(), **kwargs)
FY2024 = {f"2024-{m:02d}" for m in range(4, 13)} | {f"2025-{m:02d}" for m in range(1, 4)}


def test_outcome_types_are_the_home_office_list() -> None:
    codes = [t.code for t in outcome_types()]
    assert codes[:2] == ["1", "1A"] and codes[-1] == "22" and len(codes) == 23
    assert outcome_type(16).name.startswith("Evidential difficulties")
    assert outcome_type("Outcome 16").code == "16"
    assert DEFAULT_POSITIVE == ("1", "1A")
    with pytest.raises(UnknownCodeError):
        outcome_type(23)
    groups = {t.group for t in outcome_types()}
    assert set(POLICEUK_OUTCOME_GROUPS.values()) - {None} <= groups


def test_outcome_rate_needs_an_explicit_basis() -> None:
    with pytest.raises(OptionError, match="crimes_recorded_in_period"):
        outcome_rate([1, 2], 10, codes=["1", "18"], basis="cohort")
    with pytest.raises(ShapeError):
        outcome_rate([1, 2, 3], 10, codes=["1", "18"], basis="crimes_recorded_in_period")


def test_outcome_rate_bases_and_positive_sets() -> None:
    counts = np.array([[30, 5, 10, 55], [0, 0, 0, 0]])  # codes 1, 1A, 8, 18
    crimes = np.array([200, 0])
    r = outcome_rate(counts, crimes, codes=["1", "1A", "8", "18"],
                     basis=OutcomeBasis.CRIMES_RECORDED_IN_PERIOD)
    assert r.rate[0] == pytest.approx(35 / 200)
    assert np.isnan(r.rate[1]) and r.reasons[1] & Reason.ZERO_DENOMINATOR
    wider = outcome_rate(counts, crimes, codes=["1", "1A", "8", "18"], positive=["1", "1A", 8],
                         basis="crimes_recorded_in_period")
    assert wider.rate[0] == pytest.approx(45 / 200) and wider.positive == ("1", "1A", "8")
    # More positive outcomes than crimes is impossible on the recorded basis, possible on
    # the given-in-period basis (outcomes for crimes recorded earlier).
    with pytest.warns(InvalidInputWarning):
        rec = outcome_rate([[250]], 200, codes=["1"], basis="crimes_recorded_in_period")
    assert np.isnan(rec.rate[0]) and rec.reasons[0] & Reason.X_GT_N
    given = outcome_rate([[250]], 200, codes=["1"], basis="outcomes_given_in_period")
    assert given.rate[0] == pytest.approx(1.25)


def test_gwent_charge_rate_from_policeuk_outcomes_2024_25() -> None:
    # examples/data/policeuk-gwent (data.police.uk, OGL): SOURCE.md headline numbers:
    # crimes excl. ASB FY 2024/25 60,239; outcomes given 55,242, "Suspect charged" 4,561 (8.26%).
    crimes = 0
    with open(DATA / "policeuk-gwent" / "street_counts_by_month_crime_type.csv") as f:
        for r in csv.DictReader(f):
            if r["month"] in FY2024 and r["crime_type"] != "Anti-social behaviour":
                crimes += int(r["count"])
    by_group: dict[str | None, int] = defaultdict(int)
    total_outcomes = 0
    with open(DATA / "policeuk-gwent" / "outcomes_counts_by_month_outcome_type.csv") as f:
        for r in csv.DictReader(f):
            if r["outcome_month"] in FY2024:
                total_outcomes += int(r["count"])
                if r["outcome_type"] == "Suspect charged":
                    by_group["charged_only"] += int(r["count"])
    assert crimes == 60_239 and total_outcomes == 55_242 and by_group["charged_only"] == 4_561
    r = outcome_rate([[by_group["charged_only"]]], crimes, codes=["1"],
                     basis="outcomes_given_in_period")
    assert round(float(r.rate[0]) * 100, 2) == 7.57  # charges given per crime recorded
    assert round(by_group["charged_only"] / total_outcomes * 100, 2) == 8.26  # share of outcomes


def test_css_weights_published_values() -> None:
    w = css_weights()
    # ONS CSS weights (src/perfcore/data/css_weights.csv; source in data/SOURCE.md): homicide
    # 7,973.39; rape of a female aged 16 and
    # over 2,952.94; possession of cannabis 1.77.
    for code in ("1", "4.1", "4.2", "4.10"):
        assert round(w[code], 2) == 7973.39
    assert round(w["19C"], 2) == 2952.94
    assert round(w["92E"], 2) == 1.77


def test_css_arithmetic_by_hand() -> None:
    w = css_weights()
    s = crime_severity_score([[2, 100], [0, 0]], ["1", "92E"], [500_000, 250_000])
    expected = (2 * w["1"] + 100 * w["92E"]) / 500_000 * 1000
    assert s.score[0] == pytest.approx(expected, rel=1e-12)
    assert s.score[1] == 0.0
    with pytest.raises(UnknownCodeError) as info:
        crime_severity_score([[1]], ["99Z"], 1000)
    assert info.value.codes == ("99Z",)
    missing = crime_severity_score([[np.nan, 3]], ["1", "92E"], 1000)
    assert np.isnan(missing.score[0]) and missing.reasons[0] & Reason.MISSING


def test_css_for_gwent_2019_20_from_home_office_data() -> None:
    # Home Office PRC open data 2019/20 (examples/data/home-office, OGL): every offence code
    # Gwent recorded has a weight, and the vectorised score equals a row-by-row sum.
    counts: dict[str, float] = defaultdict(float)
    with open(DATA / "home-office" / "prc-pfa-2019-20-wales.csv") as f:
        for r in csv.DictReader(f):
            if r["Force Name"] == "Gwent":
                counts[r["Offence Code"]] += float(r["Number of Offences"])
    assert sum(counts.values()) == 56_698  # Gwent 2019/20, Oct 2020 vintage (SOURCE.md)
    codes = sorted(counts)
    population = 591_200  # ONS P3, Gwent, year ending December 2019 (mid-2018 estimate)
    s = crime_severity_score([counts[c] for c in codes], codes, population)
    by_rows = sum(counts[c] * css_weights()[c] for c in codes) / population * 1000
    assert float(s.score) == pytest.approx(by_rows, rel=1e-12)


def test_calc_takes_its_tables_as_arguments() -> None:
    # calc reads no files: the weights and outcome types are passed in, and any table
    # of the same shape will do.
    s = calc_crime_severity_score([[3, 1]], ["A", "B"], 1000, weights={"A": 2.0, "B": 10.0})
    assert float(s.score[0]) == pytest.approx((3 * 2 + 10) / 1000 * 1000)
    with pytest.raises(UnknownCodeError):
        calc_crime_severity_score([[1]], ["1"], 1000, weights={"A": 2.0})
    # Tables of the wrong type are perfcore's OptionError naming the argument, not a
    # bare "'int' object is not iterable"; a tuple of codes is as good as a list.
    with pytest.raises(OptionError, match="codes"):
        calc_crime_severity_score([[3, 1]], "AB", 1000, weights={"A": 2.0, "B": 10.0})
    with pytest.raises(OptionError, match="codes"):
        calc_crime_severity_score([[3, 1]], 5, 1000, weights={"A": 2.0})  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="weights"):
        calc_crime_severity_score([[3, 1]], ["A", "B"], 1000, weights=3)  # type: ignore[arg-type]
    assert calc_crime_severity_score([[3, 1]], ("A", "B"), 1000,
                                     weights={"A": 2.0, "B": 10.0}).score[0] == s.score[0]
    with pytest.raises(UnknownCodeError):
        calc_outcome_rate([[1]], 10, codes=["1"], basis="outcomes_given_in_period",
                          types=outcome_types()[2:])


def test_outcome_basis_names() -> None:
    en, cy = translator("en"), translator("cy")
    assert outcome_basis_name(OutcomeBasis.OUTCOMES_GIVEN_IN_PERIOD, en) == (
        "outcomes given in the period per crime recorded in the period")
    assert outcome_basis_name("crimes_recorded_in_period", en).startswith("outcome rate")
    assert outcome_basis_name("crimes_recorded_in_period", cy) != outcome_basis_name(
        "crimes_recorded_in_period", en)


def test_infinite_inputs_are_non_finite_never_inf() -> None:
    # One reason convention in calc: an infinite count is NON_FINITE and its figure NaN.
    with pytest.warns(InvalidInputWarning):
        r = outcome_rate([[np.inf]], 10, codes=["1"], basis="outcomes_given_in_period")
    assert np.isnan(r.rate[0]) and r.reasons[0] & Reason.NON_FINITE
    with pytest.warns(InvalidInputWarning):
        s = crime_severity_score([[np.inf, 1]], ["1", "92E"], 1000)
    assert np.isnan(s.score[0]) and s.reasons[0] & Reason.NON_FINITE
