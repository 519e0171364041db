"""The shipped examples run and print the seed figures exactly as published."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "examples"


def test_seed_001_tables_reproduced_line_by_line() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLES / "seed001_plan.py")], check=True,
                         capture_output=True, text=True).stdout
    lines = [" ".join(line.split()) for line in out.splitlines()]
    # Seed 001, "Chief Constables Delivery Plan 2020/21 - Delivered": the two tables.
    assert "58577 57116 48618 -14.9% ↓ -14.1% -14.1%" in lines
    assert "11.4% 11.8% 15.9% +4.1 pp ↑ 15.0% 14.3%" in lines
    assert "All Crime Trend (improving, lower is better)" in lines
    assert "All Crime Outcome Rates (improving, higher is better)" in lines
