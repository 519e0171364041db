"""perfcore.io.records.engine: record-level police.uk data aggregated through Ibis on DuckDB
(the default engine), checked against the ``police_uk`` loader on the same files and
against an independent pandas count of generated records."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("ibis", reason="record aggregation needs Ibis (the records extra)")
pytest.importorskip("duckdb", reason="record aggregation runs on DuckDB by default")
pa = pytest.importorskip("pyarrow", reason="the engine returns its counts as Arrow")
pd = pytest.importorskip("pandas", reason="the independent count uses pandas")

from perfcore.cli import main  # noqa: E402
from perfcore.dataset import FIELDS, Dataset  # noqa: E402
from perfcore.errors import DataValidationError, SkippedRowsWarning  # noqa: E402
from perfcore.io import load_data  # noqa: E402
from perfcore.io.police_uk import CRIME_TYPES, LAST_OUTCOMES, load_police_uk  # noqa: E402
from perfcore.io.records import aggregate_records, count_query  # noqa: E402
from perfcore.io.records.engine import engine_warnings  # noqa: E402
from perfcore.periods import Month  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POLICE_UK = ROOT / "tests" / "data" / "police-uk"
HEADER = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
          "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category",
          "Context"]
FORCES = ["Gwent Police", "Dyfed-Powys Police", "North Wales Police", "South Wales Police"]


def street_records(n: int, *, seed: int = 3, months: int = 3) -> dict[str, list[Any]]:
    """``n`` street-level records in police.uk's layout: forces, months from April 2024,
    crime types and last outcomes at random; anti-social behaviour has no crime ID and
    no outcome, as in the real files."""
    rng = np.random.default_rng(seed)
    crime = rng.choice(np.array(CRIME_TYPES), n)
    asb = crime == "Anti-social behaviour"
    outcome = np.where(asb, "", rng.choice(np.array(LAST_OUTCOMES[:12]), n))
    return {
        "Crime ID": np.where(asb, "", [f"{i:064x}" for i in range(n)]).tolist(),
        "Month": [f"2024-{4 + m:02d}" for m in rng.integers(0, months, n)],
        "Reported by": rng.choice(np.array(FORCES), n).tolist(),
        "Falls within": rng.choice(np.array(FORCES), n).tolist(),
        "Longitude": rng.uniform(-5, -2.6, n).round(6).tolist(),
        "Latitude": rng.uniform(51.3, 53.4, n).round(6).tolist(),
        "Location": ["On or near Parking Area"] * n,
        "LSOA code": [f"W0100{i % 1900:04d}" for i in range(n)],
        "LSOA name": ["Blaenau Gwent 001A"] * n,
        "Crime type": crime.tolist(), "Last outcome category": outcome.tolist(),
        "Context": [""] * n,
    }


def write_csv(path: Path, records: dict[str, list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(zip(*(records[h] for h in HEADER), strict=True))
    return path


def without_source(ds: Dataset) -> list[tuple[tuple[str, Any], ...]]:
    return sorted(tuple(sorted((k, v) for k, v in r.items() if k != "source"))
                  for r in ds.to_records())


@pytest.mark.parametrize("name", ["2024-04/2024-04-gwent-street.csv",
                                  "2024-05/2024-05-gwent-street.csv",
                                  "2024-04/2024-04-gwent-outcomes.csv"])
@pytest.mark.parametrize("last_outcome", [False, True])
def test_same_counts_as_the_police_uk_loader(name: str, last_outcome: bool) -> None:
    path = POLICE_UK / name
    ours = aggregate_records(path, last_outcome=last_outcome)
    assert without_source(ours) == without_source(load_police_uk(path,
                                                                  last_outcome=last_outcome))
    assert ours.sources == (f"aggregated from 20 records of {path.name} on duckdb",) or \
        "outcomes" in name


def test_generated_records_match_an_independent_pandas_count(tmp_path: Path) -> None:
    records = street_records(20_000)
    path = write_csv(tmp_path / "2024-wales-street.csv", records)
    ours = aggregate_records(path, last_outcome=True)
    assert without_source(ours) == without_source(load_police_uk(path, last_outcome=True))
    frame = pd.DataFrame(records)
    counts = frame.groupby(["Falls within", "Month", "Crime type"]).size()
    codes = {"Gwent Police": "W15000002", "Dyfed-Powys Police": "W15000004",
             "North Wales Police": "W15000001", "South Wales Police": "W15000003"}
    for (force, month, crime), n in counts.items():
        measure = "police_uk.street." + crime.lower().replace(" ", "_").replace(
            "-", "_")
        cube = ours.cube("value", measures=[measure], organisations=[codes[force]],
                         periods=[month])
        assert cube.item() == n
    assert ours.sources[0] == ("aggregated from 20,000 records of 2024-wales-street.csv "
                               "on duckdb")


def test_parquet_records_and_arrow_data_give_the_same_observations(tmp_path: Path) -> None:
    import pyarrow.parquet as pq
    records = street_records(5_000)
    table = pa.table(records)
    csv_path = write_csv(tmp_path / "r-street.csv", records)
    pq.write_table(table, tmp_path / "r-street.parquet")
    want = without_source(aggregate_records(csv_path))
    assert without_source(aggregate_records(tmp_path / "r-street.parquet")) == want
    assert without_source(aggregate_records(table)) == want
    pl = pytest.importorskip("polars", reason="Polars input needs polars")
    assert without_source(aggregate_records(pl.from_arrow(table))) == want
    # The records loader, chosen by name, and by load_data from the file name.
    assert without_source(load_data(tmp_path / "r-street.parquet")) == want
    assert without_source(load_data(csv_path, loader="records")) == want


def test_an_ibis_table_on_its_own_backend(tmp_path: Path) -> None:
    import ibis
    con = ibis.duckdb.connect()
    path = write_csv(tmp_path / "a-street.csv", street_records(1_000))
    with engine_warnings():  # Ibis 12 calls DuckDB 2's deprecated API
        table = con.read_csv(str(path), all_varchar=True)
    query = count_query(table, last_outcome=True)
    assert set(query.columns) == {"month", "falls_within", "crime_type",
                                  "last_outcome_category", "n"}
    assert "GROUP BY" in str(ibis.to_sql(query)).upper()
    assert without_source(aggregate_records(table)) == without_source(
        aggregate_records(path))
    assert aggregate_records(table).sources[0].endswith("of an Ibis table on duckdb")


def test_dates_for_months(tmp_path: Path) -> None:
    import datetime as dt
    records = street_records(500)
    table = pa.table({**records, "Month": [dt.date(int(m[:4]), int(m[5:]), 15)
                                           for m in records["Month"]]})
    assert without_source(aggregate_records(table)) == without_source(
        aggregate_records(pa.table(records)))


def test_outcome_shares(tmp_path: Path) -> None:
    records = street_records(10_000)
    ds = aggregate_records(pa.table(records), shares=True)
    frame = pd.DataFrame(records)
    gwent = frame[(frame["Falls within"] == "Gwent Police") & (frame["Month"] == "2024-04")]
    burglary = gwent[gwent["Crime type"] == "Burglary"]
    share = "police_uk.street.burglary.unable_to_prosecute_suspect_share"
    cubes = ds.cubes(("value", "numerator", "denominator"), measures=[share],
                     organisations=["W15000002"], periods=["2024-04"])
    n = (burglary["Last outcome category"] == "Unable to prosecute suspect").sum()
    assert cubes["numerator"].item() == n
    assert cubes["denominator"].item() == len(burglary)
    assert cubes["value"].item() == pytest.approx(n / len(burglary))
    crimes = gwent[gwent["Crime type"] != "Anti-social behaviour"]
    total = ds.cubes(("numerator", "denominator"),
                     measures=["police_uk.street.all_crime.suspect_charged_share"],
                     organisations=["W15000002"], periods=["2024-04"])
    assert total["numerator"].item() == (crimes["Last outcome category"]
                                         == "Suspect charged").sum()
    assert total["denominator"].item() == len(crimes)
    all_crime = ds.cube("value", measures=["police_uk.street.all_crime"],
                        organisations=["W15000002"], periods=["2024-04"])
    assert all_crime.item() == len(crimes)
    assert not any(m.startswith("police_uk.street.anti_social_behaviour.")
                   and m.endswith("_share") for m in ds.measures)


def test_rates_from_a_mapping_and_a_population_file(tmp_path: Path) -> None:
    records = street_records(3_000)
    forces = {"Gwent": 600_000, "Dyfed-Powys": 520_000, "North Wales": 700_000,
              "South Wales": 1_300_000}
    ds = aggregate_records(pa.table(records), population=forces)
    cubes = ds.cubes(("value", "numerator", "population"),
                     measures=["police_uk.street.all_crime_rate"],
                     organisations=["W15000002"], periods=["2024-05"])
    count = ds.cube("value", measures=["police_uk.street.all_crime"],
                    organisations=["W15000002"], periods=["2024-05"]).item()
    assert cubes["numerator"].item() == count
    assert cubes["population"].item() == 600_000
    assert cubes["value"].item() == pytest.approx(count / 600_000 * 1000)
    pop = tmp_path / "population.csv"
    pop.write_text("measure,organisation,period,population\n"
                   "population,Gwent,2024-25,600000\npopulation,Gwent,2024-05,601000\n")
    with pytest.warns(SkippedRowsWarning, match="no population"):
        by_file = aggregate_records(pa.table(records), population=pop)
    p = by_file.cube("population", measures=["police_uk.street.all_crime_rate"],
                     organisations=["W15000002"], periods=["2024-04", "2024-05"])
    assert p.tolist() == [[[600_000.0, 601_000.0]]]  # the shortest period holding the month
    assert "W15000004" not in {by_file.organisations[c] for c in by_file.organisation_code
                               if by_file.measures[0].endswith("_rate")}


def test_bad_values_are_listed_with_their_record_counts() -> None:
    records = street_records(300)
    records["Falls within"][:7] = ["Gwnet Police"] * 7
    records["Month"][10:12] = ["2024-13", "2024-13"]
    records["Crime type"][20] = ""
    with pytest.raises(DataValidationError) as info:
        aggregate_records(pa.table(records))
    text = str(info.value)
    assert "unknown organisation 'Gwnet Police'" in text and "(7 records)" in text
    assert "period '2024-13'" in text and "(2 records)" in text
    assert "the Crime type is blank (1 record)" in text
    with pytest.raises(DataValidationError, match="missing column crime_type"):
        aggregate_records(pa.table({"Month": ["2024-04"], "Falls within": ["Gwent"],
                                    "Crime": ["Drugs"]}), layout="street")
    renamed = aggregate_records(pa.table({"Month": ["2024-04"], "Force": ["Gwent"],
                                          "Crime": ["Drugs"]}),
                                columns={"Force": "falls_within", "Crime": "crime_type"})
    assert renamed.cube("value", measures=["police_uk.street.drugs"]).item() == 1


def test_organisation_option_replaces_falls_within() -> None:
    records = street_records(200)
    ds = aggregate_records(pa.table(records), organisation="Gwent")
    assert ds.organisations == ("W15000002",)
    assert ds.cube("value", measures=["police_uk.street.all_crime"]).sum() == sum(
        1 for c in records["Crime type"] if c != "Anti-social behaviour")


def test_aggregate_command_writes_observations_the_loaders_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(POLICE_UK.glob("*/*-street.csv"))
    out = tmp_path / "observations.parquet"
    assert main(["aggregate", *map(str, files), "--shares", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    want = aggregate_records(files, shares=True)
    got = load_data(out)
    assert got == want
    out_csv = tmp_path / "observations.csv"
    assert main(["aggregate", *map(str, files), "-o", str(out_csv)]) == 0
    assert without_source(load_data(out_csv)) == without_source(aggregate_records(files))
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN)
    kept = tmp_path / "kept.parquet"
    assert main(["aggregate", *map(str, files), "--plan", str(plan), "-o", str(kept)]) == 0
    assert "the plan's 2 of 15" in capsys.readouterr().err
    assert load_data(kept).measures == ("police_uk.street.all_crime",
                                        "police_uk.street.burglary")
    assert main(["aggregate", str(files[0]), "-o", str(tmp_path / "x.json")]) == 1
    assert "observations are written to a .parquet or .csv file" in capsys.readouterr().err


PLAN = """\
format = "perfcore-plan/1"

[plan]
id = "policeuk_counts"
title = "Police.uk counts"
organisation = "Gwent"

[[priorities]]
id = "crime"
title = "Crime"

  [[priorities.outcomes]]
  id = "less_crime"
  statement = "Less crime"

    [[priorities.outcomes.measures]]
    id = "police_uk.street.all_crime"
    name = "Crimes (police.uk)"
    kind = "count"
    polarity = "lower"

    [[priorities.outcomes.measures]]
    id = "police_uk.street.burglary"
    name = "Burglaries (police.uk)"
    kind = "count"
    polarity = "lower"
"""


def test_identical_arrays_whatever_the_input_order() -> None:
    records = street_records(2_000)
    shuffled = {k: list(np.array(v, dtype=object)[::-1]) for k, v in records.items()}
    a, b = aggregate_records(pa.table(records)), aggregate_records(pa.table(shuffled))
    for f in ("measure_code", "organisation_code", "period_code", *FIELDS):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert a.periods == (Month(2024, 4), Month(2024, 5), Month(2024, 6))
    json.dumps(a.sources)


def test_a_plan_data_entry_with_the_records_loader(tmp_path: Path) -> None:
    from perfcore.pipeline import load_data as load_plan_data
    from perfcore.pipeline import load_plan
    street = POLICE_UK / "2024-04" / "2024-04-gwent-street.csv"
    population = tmp_path / "population.csv"
    population.write_text("measure,organisation,period,population\n"
                          "population,Gwent,2024-25,600000\n")
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN.replace('[[priorities]]', f'''[[data]]
path = "{street.as_posix()}"
loader = "records"
options = {{ shares = true, population = "population.csv" }}

[[priorities]]''', 1))
    ds = load_plan_data(load_plan(plan), progress=False)
    assert "police_uk.street.all_crime_rate" in ds.measures
    assert "police_uk.street.burglary.suspect_charged_share" in ds.measures
    assert without_source(ds) == without_source(aggregate_records(
        street, shares=True, population={"Gwent": 600_000}))


def test_without_ibis_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from perfcore.errors import MissingDependencyError
    monkeypatch.setitem(sys.modules, "ibis", None)
    with pytest.raises(MissingDependencyError, match=r"perfcore\[records\]"):
        aggregate_records(POLICE_UK / "2024-04" / "2024-04-gwent-street.csv")
