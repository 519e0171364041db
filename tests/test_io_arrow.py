"""Columnar input: the ``csv`` loader's pyarrow fast path (identical datasets and errors to
perfcore's own parser), ``Dataset.from_arrow`` / ``to_arrow`` and the ``parquet`` loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow", reason="columnar input needs pyarrow (the arrow extra)")
pq = pytest.importorskip("pyarrow.parquet", reason="the parquet loader needs pyarrow")

from perfcore.dataset import FIELDS, Dataset  # noqa: E402
from perfcore.errors import (  # noqa: E402
    DataError,
    DataValidationError,
    DuplicateObservationError,
    UnknownOrganisationError,
)
from perfcore.io import load_data  # noqa: E402
from perfcore.io.arrow import load_parquet, read_long_csv_fast, write_parquet  # noqa: E402
from perfcore.io.long_csv import load_long_csv  # noqa: E402
from perfcore.periods import Month  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="module")
def _fast_path_for_small_files() -> object:
    # The csv loader leaves files under FAST_PATH_MIN_BYTES to its own parser (importing
    # pyarrow costs more than parsing them); these tests' files are small, and are meant
    # for the fast path.
    import perfcore.io.long_csv as long_csv
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(long_csv, "FAST_PATH_MIN_BYTES", 0)
        yield


def assert_identical(a: Dataset, b: Dataset) -> None:
    """The same observations in the same row order: keys, every field (NaN where NaN),
    sources."""
    assert (a.measures, a.organisations, a.periods) == (b.measures, b.organisations, b.periods)
    for name in ("measure_code", "organisation_code", "period_code"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert [a.sources[c] for c in a.source_code] == [b.sources[c] for c in b.source_code]
    assert a == b


def long_csvs() -> list[Path]:
    """Every shipped CSV file the ``csv`` loader reads."""
    out = []
    for path in sorted((ROOT / "examples").rglob("*.csv")):
        try:
            load_long_csv(path, engine="python")
        except DataError:
            continue
        out.append(path)
    return out


def test_fast_path_reads_every_shipped_example_identically() -> None:
    paths = long_csvs()
    assert len(paths) >= 5
    fast = 0
    for path in paths:
        got = read_long_csv_fast(path)
        if got is not None:
            fast += 1
            assert_identical(got, load_long_csv(path, engine="python"))
        assert_identical(load_long_csv(path), load_long_csv(path, engine="python"))
    assert fast >= 5


def test_load_long_csv_uses_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    path = tmp_path / "d.csv"
    path.write_text("measure,organisation,period,value\nall_crime,Gwent,2019-20,57116\n")
    import perfcore.io._table as table
    monkeypatch.setattr(table, "read_rows", lambda *a, **k: pytest.fail("slow path used"))
    assert load_long_csv(path).to_records()[0]["value"] == 57116


@pytest.mark.parametrize("text", [
    # What the fast path leaves to perfcore's parser: each gives that parser's answer.
    "measure,organisation,period,value\nrate,Gwent,2019-20,15.9%\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,\"48,618\"\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,  \n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,−3\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,1_000\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,inf\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,nan(1)\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,57l16\n",
    "measure,organisation,period,value\nAll Crime,Gwnet,2019-2x,1\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,1\nall_crime,W15000002,2019-20,2\n",
    "measure,organisation,period,value\nall_crime,Gwent,2011-12,1\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,1,\n",
    "measure,organisation,period,value\nall_crime,Gwent,2019-20,1,2\n",
    "measure,organisation,period,value\nall_crime,Gwent\n",
    "measure,organisation,period,value\n",
    "measure,organisation,period\nall_crime,Gwent,2019-20\n",
    "measure,organisation,period,value,numerater\nall_crime,Gwent,2019-20,1,2\n",
    "measure,organisation,period,value,\nall_crime,Gwent,2019-20,1,x\n",
    "\"measure\nx\",organisation,period,value\nall_crime,Gwent,2019-20,1\n",
    "measure,organisation,period,value\n,,,\n  ,  ,  ,  \nall_crime,Gwent,2019-20,1\n",
    "",
    "measure,organisation,period,value,source\nall_crime,Gwent,2019-20,1,\"two\nlines\"\n",
])
def test_fast_path_falls_back_with_the_same_result(tmp_path: Path, text: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    assert_same_outcome(path)


def assert_same_outcome(path: Path, **options: object) -> None:
    """``load_long_csv`` gives the same dataset, or the same error, either way."""
    def outcome(engine: str) -> Dataset | tuple[type, str]:
        try:
            return load_long_csv(path, engine=engine, **options)  # type: ignore[arg-type]
        except Exception as exc:
            return type(exc), str(exc)
    slow, auto = outcome("python"), outcome("auto")
    if isinstance(slow, Dataset):
        assert isinstance(auto, Dataset), auto
        assert_identical(auto, slow)
    else:
        assert auto == slow


def test_fast_path_not_utf8_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes("measure,organisation,period,value,source\n"
                     "all_crime,Gwent,2019-20,1,Ynys Môn\n".encode("cp1252"))
    assert read_long_csv_fast(path) is None
    assert_same_outcome(path)
    assert_same_outcome(path, encoding="cp1252")


def test_fast_path_options(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("\ufeffMeasure,Force,Period,Value,Notes,Source\n"
                    "all_crime, Gwent ,2011-12,1,x,\n"
                    "all_crime,Dyfed-Powys,2011-12,2,y, seed \n", encoding="utf-8")
    options = {"columns": {"Force": "organisation"}, "ignore_columns": ["notes"],
               "prefer": "financial_year", "source": "mine"}
    fast = read_long_csv_fast(path, **options)  # type: ignore[arg-type]
    assert fast is not None
    assert_identical(fast, load_long_csv(path, engine="python", **options))  # type: ignore[arg-type]
    assert sorted(fast.sources) == ["mine", "seed"]
    assert_same_outcome(path, columns={"Force": "organisation"}, prefer="month")


def test_fast_path_generated_file(tmp_path: Path) -> None:
    """A generated national-style file (every force, 36 months, counts and proportions,
    quoted cells, missing markers, CRLF) reads the same both ways."""
    from perfcore.organisations import default_registry
    rng = np.random.default_rng(7)
    forces = [o.name for o in default_registry().forces()]
    lines = ["measure,organisation,period,value,numerator,denominator,source"]
    for m in range(12):
        for f in forces:
            for t in range(36):
                month = f"{2016 + (t + 3) // 12}-{(t + 3) % 12 + 1:02d}"
                if m % 2:
                    num, den = rng.integers(0, 50), rng.integers(50, 100)
                    lines.append(f"m.p{m},\"{f}\",{month},,{num},{den},")
                else:
                    value = ["NA", "[x]", "..", "", str(rng.integers(0, 9999)),
                             f"{rng.random() * 100:.3f}"][int(rng.integers(0, 6))]
                    lines.append(f"m.c{m},{f},{month},{value},,,{'src' if t % 5 else ''}")
    path = tmp_path / "national.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    fast = read_long_csv_fast(path)
    assert fast is not None and len(fast) == 12 * len(forces) * 36
    assert_identical(fast, load_long_csv(path, engine="python"))


_CELL = st.sampled_from([
    "1", "0", "-2.5", "+.5", "1.", "1e3", "1E-2", " 7 ", "\t8", "12345678901234567890",
    "0.1234567890123456789", "", "NA", "na", "N/A", "..", "[x]", "[X]", "[low]", "nan", "NaN",
    "-nan", "inf", "-Infinity", "1e999", "15.9%", "1,234", "\"1,234\"", "1_0", "x", "  ",
    "−1", "0x10", "\"3\"", "'4'", "1e", "--1",
])
_KEY = st.sampled_from([
    ("all_crime", "Gwent", "2019-20"), ("all_crime", "W15000002", "2020-21"),
    ("m.x", "Dyfed-Powys", "2020-06"), ("m.x", " Gwent", "June 2020"),
    ("m.x", "North Wales", "2011-12"), ("Bad Id", "Gwent", "2019-20"),
    ("all_crime", "Gwnet", "2019-20"), ("all_crime", "Gwent", "2019-2x"),
    ("\"m.q\"", "\"South Wales\"", "Q3 2021-22"), ("", "Gwent", "2020"),
])


@given(rows=st.lists(st.tuples(_KEY, _CELL, _CELL), min_size=1, max_size=8),
       prefer=st.sampled_from([None, "month"]))
@example(rows=[(("all_crime", "Gwent", "2019-20"), "1", "")], prefer=None)
def test_fast_path_matches_the_parser_on_generated_cells(
        tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[tuple[str, str, str], str,
                                                                     str]],
        prefer: str | None) -> None:
    path = tmp_path_factory.mktemp("gen") / "g.csv"
    text = "measure,organisation,period,value,numerator\n" + "".join(
        f"{m},{o},{p},{v},{n}\n" for (m, o, p), v, n in rows)
    path.write_text(text, encoding="utf-8")
    assert_same_outcome(path, prefer=prefer)


# --- Dataset.from_arrow / to_arrow --------------------------------------------------------


def table() -> pa.Table:
    return pa.table({
        "measure": ["all_crime", "all_crime", "m.rate"],
        "organisation": ["Gwent", "Gwent", "Dyfed-Powys"],
        "period": ["2019-20", "2020-21", "2020-06"],
        "value": [57116.0, None, None],
        "numerator": [None, None, 5],
        "population": [None, None, 500000],
        "source": ["seed 001", "", None],
    })


def expected() -> Dataset:
    return Dataset.from_columns(
        measure=["all_crime", "all_crime", "m.rate"], organisation=["Gwent", "Gwent",
                                                                     "Dyfed-Powys"],
        period=["2019-20", "2020-21", "2020-06"], value=[57116.0, None, None],
        numerator=[None, None, 5], population=[None, None, 500000],
        source=["seed 001", "x", "x"])


def test_from_arrow_table_batches_and_reader() -> None:
    t = table()
    want = expected()
    assert Dataset.from_arrow(t, source="x") == want
    assert Dataset.from_arrow(t.to_batches(max_chunksize=1), source="x") == want
    assert Dataset.from_arrow(pa.RecordBatchReader.from_batches(
        t.schema, t.to_batches(max_chunksize=2)), source="x") == want
    assert Dataset.from_arrow(t.to_batches()[0], source="x") == want


def test_from_arrow_dictionary_dates_and_text_numbers() -> None:
    t = pa.table({
        "Measure": pa.array(["a", "a", "b"]).dictionary_encode(),
        "organisation": ["W15000002"] * 3,
        "period": pa.array([dt.date(2011, 12, 5), dt.date(2012, 1, 1),
                            dt.datetime(2011, 12, 31, 23)]),
        "value": ["1,000", "", " 2.5 "],
    })
    ds = Dataset.from_arrow(t, columns={"Measure": "measure"})
    assert ds.periods == (Month(2011, 12), Month(2012, 1))
    assert [r.get("value") for r in ds.to_records()] == [1000.0, None, 2.5]
    assert Dataset.from_arrow(ds.to_arrow(), registry=False) == ds
    assert ds.to_arrow().column("period").to_pylist()[0] == "December 2011"


def test_from_arrow_polars_and_duckdb() -> None:
    pl = pytest.importorskip("polars", reason="Polars input needs polars")
    duckdb = pytest.importorskip("duckdb", reason="DuckDB input needs duckdb")
    want = expected()
    frame = pl.from_arrow(table())
    assert Dataset.from_arrow(frame, source="x") == want
    frame = frame.with_columns(pl.col("measure").cast(pl.Categorical))
    assert Dataset.from_arrow(frame, source="x") == want
    t = table()  # noqa: F841 - read by DuckDB's replacement scan
    assert Dataset.from_arrow(duckdb.sql("select * from t"), source="x") == want


def test_from_arrow_errors_name_the_first_row() -> None:
    base = {"measure": ["a", "a"], "organisation": ["Gwent", "Gwent"],
            "period": ["2020-04", "2020-05"], "value": [1.0, 2.0]}
    with pytest.raises(UnknownOrganisationError, match="row 1: unknown organisation 'Gwnet'"):
        Dataset.from_arrow(pa.table({**base, "organisation": ["Gwent", "Gwnet"]}))
    with pytest.raises(DataError,
                       match="row 1, column 'period': period '2020-13': not a financial year"):
        Dataset.from_arrow(pa.table({**base, "period": ["2020-04", "2020-13"]}))
    with pytest.raises(DataError, match="row 1, column 'measure': must be a non-empty id"):
        Dataset.from_arrow(pa.table({**base, "measure": ["a", None]}))
    with pytest.raises(DataError, match="row 1, column 'value': 'x' is not a number"):
        Dataset.from_arrow(pa.table({**base, "value": ["1", "x"]}))
    with pytest.raises(DataError, match=r"unknown column.*'valu'"):
        Dataset.from_arrow(pa.table({**base, "valu": [1, 2]}))
    with pytest.raises(DataError, match=r"missing column.*period"):
        Dataset.from_arrow(pa.table({"measure": ["a"], "organisation": ["Gwent"]}))
    with pytest.raises(DuplicateObservationError):
        Dataset.from_arrow(pa.table({**base, "period": ["2020-04", "2020-04"]}))
    with pytest.raises(DataError, match="cannot read a dict as Arrow data"):
        Dataset.from_arrow(base)


def test_to_arrow_round_trip_of_a_loaded_example() -> None:
    ds = load_long_csv(ROOT / "examples/gwent/data/seed003-outturn-2019-20.csv")
    back = Dataset.from_arrow(ds.to_arrow(), registry=False)
    assert_identical(back, ds)


# --- the parquet loader -------------------------------------------------------------------


def test_parquet_round_trip_through_load_data(tmp_path: Path) -> None:
    ds = load_long_csv(ROOT / "examples/gwent/data/seed003-outturn-2019-20.csv")
    path = write_parquet(ds, tmp_path / "observations.parquet")
    assert_identical(load_data(path), ds)
    assert_identical(load_parquet(path), ds)


def test_parquet_text_columns_read_as_the_csv_loader(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({
        "Measure": ["rate", "all_crime"], "organisation": ["Gwent", "Gwent"],
        "period": ["2019-20", "2019-20"], "value": ["15.9%", "48,618"],
        "notes": ["a", "b"]}), path)
    ds = load_parquet(path, ignore_columns=["notes"])
    assert sorted(r["value"] for r in ds.to_records()) == [0.159, 48618.0]
    assert ds.sources == ("d.parquet",)


def test_parquet_problems_are_listed_with_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({
        "measure": ["all_crime", "All Crime", "all_crime", "all_crime"],
        "organisation": ["Gwent", "Gwent", "Gwnet", "Gwent"],
        "period": ["2019-20", "2019-20", "2019-20", "2019-2x"],
        "value": [1.0, 2.0, float("inf"), 4.0]}), path)
    with pytest.raises(DataValidationError) as info:
        load_parquet(path)
    text = str(info.value)
    assert "rows are positions in the file, from 0" in text
    for wanted in ("row 1, column 'measure'", "row 2, column 'organisation'",
                   "row 3, column 'period'", "row 2, column 'value'"):
        assert wanted in text
    pq.write_table(pa.table({"measure": ["a", "a"], "organisation": ["Gwent", "W15000002"],
                             "period": ["2019-20", "2019-20"], "value": [1.0, 2.0]}), path)
    with pytest.raises(DuplicateObservationError, match="rows 0 and 1"):
        load_parquet(path)
    pq.write_table(pa.table({"measure": ["a"], "organisation": ["Gwent"],
                             "period": ["2019-20"], "valeu": [1.0]}), path)
    with pytest.raises(DataValidationError, match="unknown column 'valeu'"):
        load_parquet(path)


def test_parquet_missing_pyarrow_says_which_extra(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    import sys

    from perfcore.errors import MissingDependencyError
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingDependencyError, match=r"perfcore\[arrow\]"):
        load_parquet(tmp_path / "x.parquet")
