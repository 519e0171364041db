"""The same record aggregation on Spark (Ibis' pyspark backend) as on DuckDB: identical
observations. Not in the default run (Spark needs a Java 17 runtime and takes seconds to
start): ``nox -s spark`` installs pyspark and runs this with ``PERFCORE_SPARK=1``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

if not os.environ.get("PERFCORE_SPARK"):
    pytest.skip("Spark checks run in `nox -s spark` (set PERFCORE_SPARK=1 to run them here)",
                allow_module_level=True)
pytest.importorskip("pyspark", reason="the Spark check needs pyspark (nox -s spark)")
pytest.importorskip("ibis", reason="the Spark check needs Ibis")

from test_io_records_engine import street_records, write_csv

from perfcore.dataset import FIELDS, Dataset
from perfcore.io.records import aggregate_records
from perfcore.io.records.engine import engine_warnings

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def assert_identical(a: Dataset, b: Dataset) -> None:
    assert (a.measures, a.organisations, a.periods) == (b.measures, b.organisations, b.periods)
    for name in ("measure_code", "organisation_code", "period_code", *FIELDS):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


@pytest.fixture(scope="module")
def spark() -> object:
    import ibis
    from pyspark.sql import SparkSession
    session = (SparkSession.builder.master("local[2]").appName("perfcore-tests")
               .config("spark.ui.enabled", "false").getOrCreate())
    yield ibis.pyspark.connect(session)
    session.stop()


def test_spark_gives_the_observations_duckdb_gives(tmp_path: Path, spark: object) -> None:
    files = [write_csv(tmp_path / f"{k}-street.csv", street_records(20_000, seed=k))
             for k in range(3)]
    options = {"last_outcome": True, "shares": True,
               "population": {"Gwent": 600_000, "Dyfed-Powys": 520_000,
                              "North Wales": 700_000, "South Wales": 1_300_000}}
    on_duckdb = aggregate_records(files, **options)
    on_spark = aggregate_records(files, backend=spark, **options)
    assert_identical(on_spark, on_duckdb)
    assert on_spark.sources == ("aggregated from 60,000 records of 3 files (0-street.csv …) "
                                "on pyspark",)
    # A table Spark read itself (as on a cluster), aggregated by the same expression.
    with engine_warnings():
        table = spark.read_csv([str(f) for f in files], inferSchema=False)  # type: ignore[attr-defined]
    assert_identical(aggregate_records(table, **options), on_duckdb)


def test_spark_by_name_csv_and_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = write_csv(tmp_path / "w-street.csv", street_records(2_000))
    assert_identical(aggregate_records(path, backend="pyspark"), aggregate_records(path))
    parts = [tmp_path / f"{k}-street.parquet" for k in range(2)]
    for k, part in enumerate(parts):
        pq.write_table(pa.table(street_records(3_000, seed=10 + k)), part)
    assert_identical(aggregate_records(parts, backend="pyspark", last_outcome=True),
                     aggregate_records(parts, last_outcome=True))
