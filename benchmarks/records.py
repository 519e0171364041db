"""Benchmark: street-level crime records aggregated to force × month × crime type, perfcore's
record engine (Ibis on DuckDB) against pandas ``groupby`` (issue 18, item 4).

The records are generated (numpy, fixed seed) in data.police.uk's street-level layout —
``Crime ID`` (64 hex digits; blank for anti-social behaviour), ``Month``, ``Reported by``,
``Falls within``, ``Longitude``, ``Latitude``, ``Location``, ``LSOA code``, ``LSOA name``,
``Crime type``, ``Last outcome category``, ``Context`` — for the 43 forces over 36 months
(about 550,000 records a month at the issue's size, as England and Wales have), and
written as one Parquet file (``--format csv`` for CSV). Default 2,000,000 records; the
issue's size is ``--records 20000000``.

Each side runs in a fresh Python process, timed from the file to the counts:

* perfcore: ``aggregate_records(path)``: an Ibis expression run on an in-memory DuckDB
  database, the counts turned into a Dataset (every crime type of every force × month,
  zeros included, and the all-crime total);
* pandas: ``read_parquet`` (or ``read_csv``) of the three columns needed, then
  ``groupby(["Falls within", "Month", "Crime type"]).size()``.

Time and peak resident memory (``VmHWM``) of each; both sides' counts are compared (every
force × month × crime type) before the timings are reported. Best of ``--repeats``.

    python benchmarks/records.py
    python benchmarks/records.py --records 20000000 --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# benchmarks/ is on sys.path when this runs as a script, not when the tests load it by path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from benchmark_memory import peak_mib
finally:
    sys.path.pop(0)

COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
           "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category",
           "Context"]
KEYS = ["Falls within", "Month", "Crime type"]
MONTHS = [f"{2021 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(36)]
HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def forces() -> list[tuple[str, str]]:
    """(name as police.uk writes it, ONS code) of every force."""
    from perfcore.organisations import default_registry
    return [(f"{o.name} Police", o.code) for o in default_registry().forces()]


def generate(path: Path, n: int, fmt: str, seed: int = 11, batch: int = 1_000_000) -> None:
    """Write ``n`` records in batches (bounded memory)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from perfcore.io.police_uk import CRIME_TYPES, LAST_OUTCOMES
    rng = np.random.default_rng(seed)
    names = np.array([f for f, _ in forces()])
    crimes = np.array(CRIME_TYPES)
    weights = np.array([30, 1, 4, 6, 2, 1, 5, 1, 8, 1, 5, 1, 5, 30], dtype=float)
    outcomes = np.array(LAST_OUTCOMES[:14])
    writer: Any = None
    for start in range(0, n, batch):
        k = min(batch, n - start)
        crime = rng.choice(crimes, k, p=weights / weights.sum())
        asb = crime == "Anti-social behaviour"
        digits = HEX[rng.integers(0, 16, (k, 64), dtype=np.uint8)]
        ids = pa.array(digits.view("S64").reshape(-1)).cast(pa.string())
        force = rng.choice(names, k)
        table = pa.table({
            "Crime ID": pa.compute.if_else(pa.array(asb), "", ids),
            "Month": pa.DictionaryArray.from_arrays(
                rng.integers(0, len(MONTHS), k).astype(np.int32), MONTHS).cast(pa.string()),
            "Reported by": force, "Falls within": force,
            "Longitude": rng.uniform(-5.7, 1.7, k).round(6),
            "Latitude": rng.uniform(50.0, 55.8, k).round(6),
            "Location": pa.array(["On or near Parking Area"] * k),
            "LSOA code": pa.array([f"E0100{i:04d}" for i in range(k % 9000)] +
                                  ["E01000001"] * (k - k % 9000)),
            "LSOA name": pa.array(["Cardiff 001A"] * k),
            "Crime type": crime,
            "Last outcome category": np.where(asb, "", rng.choice(outcomes, k)),
            "Context": pa.array([""] * k),
        })
        if fmt == "parquet":
            writer = writer or pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
        else:
            options = pacsv.WriteOptions(include_header=start == 0, quoting_style="needed")
            with path.open("ab") as f:
                pacsv.write_csv(table, f, write_options=options)
    if writer is not None:
        writer.close()


def measure_one(side: str, path: str, out: str) -> dict[str, Any]:
    """One side, in this (fresh) process; its counts go to ``out`` (JSON)."""
    import ibis  # noqa: F401 - both sides import everything before the clock starts
    import pandas as pd
    import pyarrow.parquet  # noqa: F401

    from perfcore.io.records import aggregate_records
    before = peak_mib()
    start = time.perf_counter()
    if side == "pandas":
        if path.endswith(".parquet"):
            frame = pd.read_parquet(path, columns=KEYS)
        else:
            frame = pd.read_csv(path, usecols=KEYS)
        counts = frame.groupby(KEYS).size()
        seconds = time.perf_counter() - start
        result = [[f, m, c, int(n)] for (f, m, c), n in counts.items()]
    else:
        ds = aggregate_records(path)
        seconds = time.perf_counter() - start
        result = [[ds.organisations[o], str(ds.periods[p]), ds.measures[m], float(v)]
                  for m, o, p, v in zip(ds.measure_code.tolist(), ds.organisation_code.tolist(),
                                        ds.period_code.tolist(), ds.value.tolist(),
                                        strict=True)]
        result.append(["source", ds.sources[0], "", 0])
    Path(out).write_text(json.dumps(result))
    return {"seconds": seconds, "peak_mib": peak_mib(), "imports_mib": before}


def run_child(side: str, path: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--measure", side, str(path), str(out)],
                          check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def agreement(pandas_out: Path, perfcore_out: Path, n: int) -> dict[str, Any]:
    """Every force × month × crime type count of pandas is perfcore's, and perfcore's
    other counts of those cells are zeros; the source names the records."""
    from perfcore.io import measure_slug
    code = dict(forces())
    theirs = {(code[f], m, f"police_uk.street.{measure_slug(c)}"): n_
              for f, m, c, n_ in json.loads(pandas_out.read_text())}
    ours_rows = json.loads(perfcore_out.read_text())
    source = ours_rows.pop()[1]
    ours = {(o, p, m): v for o, p, m, v in ours_rows if not m.endswith(".all_crime")}
    checks = {
        "every pandas count equal": all(ours.get(k) == v for k, v in theirs.items()),
        "other counts are zero": all(v == 0 for k, v in ours.items() if k not in theirs),
        "records counted": sum(theirs.values()) == n,
        "source": source.startswith(f"aggregated from {n:,} records"),
    }
    return {"agree": all(checks.values()), "checks": checks, "cells": len(theirs),
            "observations": len(ours_rows)}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=2_000_000)
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p.add_argument("--file", type=Path, default=None, help="measure this file instead")
    p.add_argument("--keep", type=Path, default=None, help="write the file here, keep it")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--check", action="store_true", help="exit 1 if the counts disagree")
    p.add_argument("--measure", nargs=3, metavar=("SIDE", "FILE", "OUT"),
                   help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        print(json.dumps(measure_one(*args.measure)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = args.file or folder / f"street-{args.records}.{args.format}"
        if args.file is None and not path.exists():
            generate(path, args.records, args.format)
        n = _count(path) if args.file else args.records
        result = benchmark(path, n, Path(tmp), args.repeats)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 0 if result["agreement"]["agree"] or not args.check else 1


def _count(path: Path) -> int:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq
        return int(pq.ParquetFile(path).metadata.num_rows)
    return sum(1 for _ in path.open("rb")) - 1


def benchmark(path: Path, n: int, tmp: Path, repeats: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {"pandas": [], "perfcore": []}
    outs = {side: tmp / f"{side}.json" for side in runs}
    for _ in range(repeats):
        for side in runs:  # alternating, so that both see the same machine
            runs[side].append(run_child(side, path, outs[side]))
    check = agreement(outs["pandas"], outs["perfcore"], n)
    best = {side: {"seconds": min(r["seconds"] for r in rs),
                   "peak_mib": min(r["peak_mib"] for r in rs),
                   "imports_mib": min(r["imports_mib"] for r in rs),
                   "runs_seconds": [round(r["seconds"], 3) for r in rs]}
            for side, rs in runs.items()}
    import duckdb
    import ibis
    import pandas as pd
    return {
        "records": n, "file": path.suffix[1:], "file_mib": round(path.stat().st_size / 2**20),
        "agreement": check, "sides": best,
        "time_ratio": round(best["perfcore"]["seconds"] / best["pandas"]["seconds"], 3),
        "memory_ratio": round(best["perfcore"]["peak_mib"] / best["pandas"]["peak_mib"], 3),
        "environment": {"python": platform.python_version(), "pandas": pd.__version__,
                        "duckdb": duckdb.__version__, "ibis": ibis.__version__,
                        "cpus": os.cpu_count(), "machine": platform.machine()},
    }


def print_table(r: dict[str, Any]) -> None:
    print(f"{r['records']:,} street-level records ({r['file']}, {r['file_mib']} MiB) → "
          f"force × month × crime type")
    print(f"{'side':<12}{'seconds':>10}{'peak MiB':>10}{'above imports':>15}   runs")
    for side, v in r["sides"].items():
        print(f"{side:<12}{v['seconds']:>10.2f}{v['peak_mib']:>10.0f}"
              f"{v['peak_mib'] - v['imports_mib']:>15.0f}"
              f"   {', '.join(f'{t:.2f}' for t in v['runs_seconds'])}")
    print(f"perfcore (DuckDB) / pandas: time {r['time_ratio']:.2f}x, peak memory "
          f"{r['memory_ratio']:.2f}x")
    a = r["agreement"]
    print(f"agreement: {'all ' + str(a['cells']) + ' counts agree' if a['agree'] else a}")


if __name__ == "__main__":
    sys.exit(main())
