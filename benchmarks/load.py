"""Benchmark: loading a long-format CSV file, perfcore's ``csv`` loader against
``pandas.read_csv`` (issue 18, item 3).

The file is generated (numpy, fixed seed) in perfcore's long format: measure × force ×
month, every force of England and Wales by name, months from April 2012, half the
measures counts (``value``) and half proportions (``numerator``, ``denominator``, blank
``value``). Default 1,000,000 rows; the issue's size is ``--rows 10000000`` (about 440 MB).
The file is written to a temporary folder and deleted afterwards (``--keep DIR`` keeps it
there; ``--file PATH`` measures an existing file).

Each load runs in a fresh Python process that imports pandas, pyarrow and perfcore and
loads the file's first 200 lines the same way (untimed, so that code imported on first use
is imported) before the clock starts, so that time and peak memory (peak resident set size
of the process, ``VmHWM``: benchmarks/benchmark_memory.py; the part above what the imports
took is shown too) are compared like for like; the two loaders alternate, and each one's
figures are the best of ``--repeats`` runs. The CPU time each used (user + system, all
threads: pyarrow reads with every core, pandas with one) is shown too; on a shared machine
it varies less than the wall-clock time the bar is about. Before anything is timed, the
agreement check loads the file both ways in this process and compares the row count, the
distinct keys and the sum and missing count of every numeric column; up to
``--exact-upto`` rows it also checks that the fast path's dataset is identical to
perfcore's own parser's.

The bar (issue 18): perfcore within 2x ``pandas.read_csv``'s time and 1.5x its peak
memory, measured in the same run.

    python benchmarks/load.py                      # readable table
    python benchmarks/load.py --rows 10000000 --json
    python benchmarks/load.py --with-python-parser # also time perfcore's own parser
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
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

TARGET_TIME_RATIO = 2.0
TARGET_MEMORY_RATIO = 1.5
LOADERS = ("pandas", "perfcore", "perfcore-python")


def generate(path: Path, rows: int, seed: int = 1) -> int:
    """Write a long-format CSV of about ``rows`` rows; returns the exact count."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from perfcore.organisations import default_registry
    forces = [o.name for o in default_registry().forces()]
    months = [f"{2012 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(144)]
    nf, nt = len(forces), len(months)
    nm = max(1, round(rows / (nf * nt)))
    n = nm * nf * nt
    rng = np.random.default_rng(seed)
    mi = np.repeat(np.arange(nm, dtype=np.int32), nf * nt)
    fi = np.tile(np.repeat(np.arange(nf, dtype=np.int32), nt), nm)
    ti = np.tile(np.arange(nt, dtype=np.int32), nm * nf)
    count = mi % 2 == 0
    den = rng.integers(50, 5000, n)
    table = pa.table({
        "measure": pa.DictionaryArray.from_arrays(
            mi, [f"bench.measure_{i:04d}" for i in range(nm)]).cast(pa.string()),
        "organisation": pa.DictionaryArray.from_arrays(fi, forces).cast(pa.string()),
        "period": pa.DictionaryArray.from_arrays(ti, months).cast(pa.string()),
        "value": pa.array(rng.integers(0, 20000, n), mask=~count),
        "numerator": pa.array(rng.binomial(den, 0.3), mask=count),
        "denominator": pa.array(den, mask=count),
    })
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="none"))
    return n


def measure_one(loader: str, path: str) -> dict[str, float]:
    """Load ``path`` once (in this process: run it in a fresh one), timing it."""
    # Both sides import everything either uses before the clock starts.
    import pandas as pd
    import pyarrow.compute
    import pyarrow.csv  # noqa: F401

    import perfcore.io.long_csv
    from perfcore.io.long_csv import load_long_csv
    # pyarrow is imported before the clock starts, so the fast path is timed at any size
    # (the loader leaves small files to its own parser only to spare that import).
    perfcore.io.long_csv.FAST_PATH_MIN_BYTES = 0
    warm_up(loader, path)
    before = peak_mib()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if loader == "pandas":
        rows = len(pd.read_csv(path))
    else:
        rows = len(load_long_csv(path, engine="python" if loader == "perfcore-python"
                                 else "auto", prefer="month"))
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
    return {"seconds": seconds, "cpu_seconds": used, "peak_mib": peak_mib(),
            "imports_mib": before, "rows": rows}


def warm_up(loader: str, path: str) -> None:
    """Load the file's first lines the same way, untimed: each side then has imported
    whatever it imports on first use (pandas' parser modules come with ``import pandas``;
    perfcore imports its Arrow reader, Dataset and checks when first asked), so the clock
    measures reading the file, not importing the code."""
    import pandas as pd

    from perfcore.io.long_csv import load_long_csv
    with Path(path).open("rb") as f:
        head = b"".join(f.readline() for _ in range(200))
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "head.csv"
        small.write_bytes(head)
        if loader == "pandas":
            pd.read_csv(small)
        else:
            load_long_csv(small, engine="python" if loader == "perfcore-python" else "auto",
                          prefer="month")


def run_child(loader: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--measure", loader, str(path)],
                         check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def agreement(path: Path, rows: int, exact_upto: int) -> dict[str, Any]:
    """perfcore (its fast path) against pandas on the same file; and, for files of up to
    ``exact_upto`` rows, the fast path against perfcore's own parser, exactly."""
    import pandas as pd

    from perfcore.io.arrow import read_long_csv_fast
    from perfcore.io.long_csv import load_long_csv
    ds = read_long_csv_fast(path, prefer="month")
    if ds is None:
        return {"agree": False, "why": "the fast path handed the file back to the parser"}
    df = pd.read_csv(path)
    checks: dict[str, bool] = {
        "rows": len(ds) == len(df) == rows,
        "measures": len(ds.measures) == df["measure"].nunique(),
        "organisations": len(ds.organisations) == df["organisation"].nunique(),
        "periods": len(ds.periods) == df["period"].nunique(),
    }
    for field in ("value", "numerator", "denominator"):
        ours, theirs = getattr(ds, field), df[field].to_numpy(dtype=np.float64)
        checks[f"{field} sum"] = bool(np.nansum(ours) == np.nansum(theirs))
        checks[f"{field} missing"] = int(np.isnan(ours).sum()) == int(np.isnan(theirs).sum())
    if rows <= exact_upto:
        checks["identical to perfcore's parser"] = (
            ds == load_long_csv(path, engine="python", prefer="month"))
    return {"agree": all(checks.values()), "checks": checks}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="rows to generate")
    p.add_argument("--file", type=Path, default=None, help="measure this file instead")
    p.add_argument("--keep", type=Path, default=None, help="write the file here, keep it")
    p.add_argument("--repeats", type=int, default=3, help="runs of each loader (best kept)")
    p.add_argument("--exact-upto", type=int, default=2_000_000,
                   help="compare with perfcore's own parser exactly up to this many rows")
    p.add_argument("--with-python-parser", action="store_true",
                   help="also time perfcore's own parser (slow: 27 s for 10M rows)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if the loaders disagree or the bar is missed")
    p.add_argument("--measure", nargs=2, metavar=("LOADER", "FILE"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        print(json.dumps(measure_one(*args.measure)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.file is not None:
            path = args.file
            rows = sum(1 for _ in path.open("rb")) - 1
        else:
            path = folder / f"long-{args.rows}.csv"
            rows = generate(path, args.rows)
        result = benchmark(path, rows, args)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    ok = result["agreement"]["agree"] and result["meets_time"] and result["meets_memory"]
    return 0 if ok or not args.check else 1


def benchmark(path: Path, rows: int, args: argparse.Namespace) -> dict[str, Any]:
    check = agreement(path, rows, args.exact_upto)
    loaders = LOADERS if args.with_python_parser else LOADERS[:2]
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in loaders}
    for _ in range(args.repeats):
        for name in loaders:  # alternating, so that both see the same machine
            runs[name].append(run_child(name, path))
    best = {name: {"seconds": min(r["seconds"] for r in rs),
                   "cpu_seconds": min(r["cpu_seconds"] for r in rs),
                   "peak_mib": min(r["peak_mib"] for r in rs),
                   "imports_mib": min(r["imports_mib"] for r in rs),
                   "runs_seconds": [round(r["seconds"], 3) for r in rs]}
            for name, rs in runs.items()}
    time_ratio = best["perfcore"]["seconds"] / best["pandas"]["seconds"]
    memory_ratio = best["perfcore"]["peak_mib"] / best["pandas"]["peak_mib"]
    import pandas as pd
    import pyarrow as pa
    return {
        "rows": rows, "file_mib": round(path.stat().st_size / 2**20, 1),
        "agreement": check, "loaders": best,
        "time_ratio": round(time_ratio, 3), "memory_ratio": round(memory_ratio, 3),
        "target": {"time_ratio": TARGET_TIME_RATIO, "memory_ratio": TARGET_MEMORY_RATIO},
        "meets_time": time_ratio <= TARGET_TIME_RATIO,
        "meets_memory": memory_ratio <= TARGET_MEMORY_RATIO,
        "environment": {"python": platform.python_version(), "numpy": np.__version__,
                        "pandas": pd.__version__, "pyarrow": pa.__version__,
                        "cpus": os.cpu_count(), "machine": platform.machine()},
    }


def print_table(r: dict[str, Any]) -> None:
    print(f"long-format CSV: {r['rows']:,} rows, {r['file_mib']} MiB")
    print(f"{'loader':<20}{'seconds':>10}{'CPU s':>8}{'peak MiB':>10}{'above imports':>15}"
          "   runs")
    for name, v in r["loaders"].items():
        print(f"{name:<20}{v['seconds']:>10.2f}{v['cpu_seconds']:>8.2f}{v['peak_mib']:>10.0f}"
              f"{v['peak_mib'] - v['imports_mib']:>15.0f}"
              f"   {', '.join(f'{t:.2f}' for t in v['runs_seconds'])}")
    mark = {True: "met", False: "MISSED"}
    print(f"perfcore / pandas: time {r['time_ratio']:.2f}x (bar <= {TARGET_TIME_RATIO:g}x "
          f"{mark[r['meets_time']]}), peak memory {r['memory_ratio']:.2f}x (bar <= "
          f"{TARGET_MEMORY_RATIO:g}x {mark[r['meets_memory']]})")
    a = r["agreement"]
    print("agreement: " + ("all checks agree" if a["agree"] else f"DISAGREE: {a}"))


if __name__ == "__main__":
    sys.exit(main())
