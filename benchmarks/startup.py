"""How long ``perfcore report`` on the Gwent plan takes as a whole process, next to
``python -c "import numpy"`` measured in the same run.

Run: ``PYTHONPATH=src python benchmarks/startup.py [--repeats N]`` (or ``nox -s
benchmarks``). Each command runs in a fresh interpreter, the commands interleaved round by
round so that a busy machine slows them alike; the best of ``N`` rounds is reported (the
least disturbed run: the others measure the machine's other work). The goal (issue 18) is
the Gwent report within 2× ``import numpy``.

The rows besides the goal say where the time goes: the interpreter alone; numpy with
scipy.special, the floor of any run that needs scipy (the Gwent report's significance
tests do: the exact test of two counts uses the incomplete beta function and its inverse,
Newcombe's interval normal quantiles); ``import perfcore``, ``perfcore --help`` and
``perfcore plugins``, which import no scipy; ``perfcore validate``, which runs every stage
of the report but rendering. Every process runs
with the environment this script runs with, so put the sources to measure on
``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GWENT = ROOT / "examples" / "gwent" / "plan-2020-21.toml"
GOAL = 2.0

BASELINE = "import numpy (baseline)"
FLOOR = "import numpy, scipy.special"
REPORT = "perfcore report (Gwent, text)"
COMMANDS: dict[str, list[str]] = {
    "python (nothing imported)": ["-c", "pass"],
    BASELINE: ["-c", "import numpy"],
    FLOOR: ["-c", "import numpy, scipy.special"],
    "import perfcore": ["-c", "import perfcore"],
    "perfcore --help": ["-m", "perfcore", "--help"],
    "perfcore plugins": ["-m", "perfcore", "plugins"],
    "perfcore validate (Gwent)": ["-m", "perfcore", "validate", str(GWENT)],
    REPORT: ["-m", "perfcore", "report", str(GWENT)],
}


def once(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, cwd=ROOT, env=env)
    return time.perf_counter() - start


def measure(repeats: int) -> dict[str, float]:
    best = dict.fromkeys(COMMANDS, float("inf"))
    with tempfile.TemporaryDirectory() as cache:
        # Compiled bytecode, as an installed perfcore has (pip compiles it at install):
        # written by the first, uncounted round to a cache of this run's own, even where
        # PYTHONDONTWRITEBYTECODE is set, so that compiling sources is not timed.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for args in COMMANDS.values():
            once(args, env)
        for _ in range(repeats):
            for name, args in COMMANDS.items():
                best[name] = min(best[name], once(args, env))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15,
                        help="rounds; the best of them is reported (default 15)")
    args = parser.parse_args(argv)
    best = measure(args.repeats)
    numpy = best[BASELINE]
    print(f"startup, best of {args.repeats} fresh processes each "
          f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    for name, seconds in best.items():
        print(f"  {name:<32} {seconds * 1e3:7.0f} ms   {seconds / numpy:5.2f}× import numpy")
    ratio = best[REPORT] / numpy
    verdict = "within" if ratio <= GOAL else "OVER"
    print(f"perfcore report / import numpy = {ratio:.2f} ({verdict} the goal of {GOAL:g}×)")
    # What perfcore adds to the modules the report's significance tests cannot do without.
    own = best[REPORT] - best[FLOOR]
    print(f"perfcore report beyond import numpy, scipy.special = {own * 1e3:.0f} ms "
          f"({own / numpy:.2f}× import numpy; numpy + scipy.special alone are "
          f"{best[FLOOR] / numpy:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
