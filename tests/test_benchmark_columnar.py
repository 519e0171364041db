"""benchmarks/load.py and benchmarks/records.py at a tiny size: their JSON contract, and
perfcore agreeing with pandas on the same generated file. Speed itself is measured by the
benchmarks, not here."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("pandas", reason="the benchmarks' baseline is pandas")
pytest.importorskip("pyarrow", reason="the benchmarks generate files with pyarrow")

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_load_benchmark_agrees_and_keeps_its_contract(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert script("load").main(["--json", "--rows", "20000", "--repeats", "1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["agreement"]["agree"], result["agreement"]
    assert result["agreement"]["checks"]["identical to perfcore's parser"]
    assert {"pandas", "perfcore"} <= set(result["loaders"])
    for side in result["loaders"].values():
        assert side["seconds"] > 0 and side["peak_mib"] > 0
    assert {"time_ratio", "memory_ratio", "meets_time", "meets_memory"} <= set(result)


def test_records_benchmark_agrees_and_keeps_its_contract(
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("ibis", reason="the records benchmark runs Ibis on DuckDB")
    assert script("records").main(["--json", "--records", "30000", "--repeats", "1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["agreement"]["agree"], result["agreement"]
    assert result["records"] == 30000
    assert {"pandas", "perfcore"} == set(result["sides"])


def test_both_benchmarks_measure_memory_with_one_function() -> None:
    # One peak_mib for both (benchmarks/benchmark_memory.py), importable when the scripts
    # are loaded by path as here, with benchmarks/ left off sys.path afterwards.
    path = sys.path.copy()
    load, records = script("load"), script("records")
    assert load.peak_mib is records.peak_mib
    assert load.peak_mib.__module__ == "benchmark_memory"
    assert sys.path == path
    assert load.peak_mib() > 0
