"""benchmarks/national.py at a small size: its JSON contract (issue 5), and every figure
perfcore computes agreeing with the independent pandas + statsmodels version in the same
file, from both forms of the key columns, and with the plain numpy floor
(benchmarks/floor.py, issue 18). Speed itself is measured by the benchmark, not here."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("pandas")
pytest.importorskip("statsmodels")

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "national.py"


def test_small_national_benchmark_agrees_and_keeps_its_contract(
        capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("national_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    try:
        spec.loader.exec_module(module)
        code = module.main(["--json", "--forces", "8", "--measures", "6", "--months", "30",
                            "--repeats", "1", "--baseline-repeats", "1"])
    finally:
        del sys.modules[spec.name]
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert {"forces", "measures", "months", "perfcore_seconds", "baseline_seconds",
            "ratio"} <= set(result)
    assert (result["forces"], result["measures"], result["months"]) == (8, 6, 30)
    for run in (result, result["text_keys"]):
        assert run["agree"], {k: v for k, v in run["agreement"].items() if v["mismatches"]}
        # 6 measures x 8 forces for each figure; SPC flags per point of every series.
        assert run["agreement"]["msg_rank"]["compared"] == 48
        assert run["agreement"]["spc_outside"]["compared"] == 48 * 30
    assert result["keys"] == "codes" and result["text_keys"]["keys"] == "text"
    # The floor (benchmarks/floor.py, plain numpy) computes the figures they share in its
    # own way: they must agree too, and the ratio is reported (issue 18).
    floor = result["floor"]
    assert floor["agree"], {k: v for k, v in floor["agreement"].items() if v["mismatches"]}
    assert floor["agreement"]["ew_rank"]["compared"] == 48
    assert floor["agreement"]["spc_trend"]["compared"] == 48 * 30
    assert floor["ratio"] > 0 and floor["floor_seconds"] > 0
