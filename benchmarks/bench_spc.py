"""Benchmark: perfcore.calc.spc.xmr_batch against installed Python SPC packages.

10,000 series × 60 points, full rule set (limits with screening, run, trend, 2-of-3,
point types) plus variation and assurance icons. Each peer is timed on a sample of
series (one call per series, as those packages work) to get a per-series time; the
ratio is the fastest peer's per-series time over perfcore's.

Peers (install them into the benchmark environment; each is skipped, with a note,
when missing): ``abspc`` (NHS Making Data Count rules), ``pyqicharts``, ``shewhart``.
If none is installed a straightforward per-series pandas implementation is the
baseline, and the script says so.

Run: ``PYTHONPATH=src python benchmarks/bench_spc.py``
"""

from __future__ import annotations

import importlib
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from perfcore.calc.spc import xmr_batch

N_SERIES = 10_000
N_POINTS = 60
PEER_SAMPLE = 50
REPEATS = 7


def make_data(rng: np.random.Generator) -> tuple[np.ndarray, list[str], np.ndarray, list[Any]]:
    base = rng.normal(100, 10, size=(N_SERIES, N_POINTS))
    # a share of series with shifts and trends, so the rules have something to find
    shift = rng.random(N_SERIES) < 0.3
    base[shift, 40:] += rng.normal(0, 25, size=(int(shift.sum()), 1))
    trend = rng.random(N_SERIES) < 0.2
    base[trend, 50:] += np.arange(10) * 4
    directions = rng.choice(["increase", "decrease", "neutral"], size=N_SERIES).tolist()
    targets = rng.normal(100, 20, size=N_SERIES)
    rebases: list[Any] = [[30] if rng.random() < 0.25 else [] for _ in range(N_SERIES)]
    return base, directions, targets, rebases


def best_of(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


# ------------------------------------------------------------------------ peers


def peer_abspc(mod: Any, y: np.ndarray, direction: str, target: float) -> None:
    import pandas as pd

    df = pd.DataFrame({"value": y})
    res = mod.calculate_control_limits(df, "XmR")
    res = mod.detect_special_causes(res)
    d = "low" if direction == "decrease" else "high"
    mod.determine_variation_type(res, improvement_direction=d)
    mod.determine_assurance_type(res, target, improvement_direction=d)


def peer_pyqicharts(mod: Any, y: np.ndarray, direction: str, target: float) -> None:
    import pandas as pd

    df = pd.DataFrame({"x": np.arange(len(y)), "y": y})
    imp = {"increase": "high is good", "decrease": "low is good"}.get(direction)
    res = mod.qic(df, x="x", y="y", chart="i", improvement=imp, target=float(target))
    import matplotlib.pyplot as plt

    plt.close("all")  # qic draws a figure; free it so memory does not grow
    del res


def peer_shewhart(mod: Any, y: np.ndarray, direction: str, target: float) -> None:
    mod.imr(y.tolist(), rules="nelson")


def pandas_reference(y: np.ndarray, direction: str, target: float) -> None:
    """A plain per-series pandas implementation of the same rules (fallback baseline)."""
    import pandas as pd

    s = pd.Series(y)
    mr = s.diff().abs()
    amr = mr.mean()
    mr = mr.where(mr < 3.267 * amr)
    amr = mr.mean()
    mean = s.mean()
    upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
    nupl, nlpl = mean + 2 * 2.66 / 3 * amr, mean - 2 * 2.66 / 3 * amr
    side = np.sign(s - mean)
    run = side.rolling(7).apply(lambda w: abs(w.sum()) == 7, raw=True)
    step = np.sign(s.diff())
    trend = step.rolling(6).apply(lambda w: abs(w.sum()) == 6, raw=True)
    near = ((s > nupl) | (s < nlpl)) & (s <= upl) & (s >= lpl)
    two = near.astype(int).rolling(3).sum() >= 2
    _ = (run, trend, two, target > upl, target < lpl, direction)


PEERS: list[tuple[str, str, Callable[..., None]]] = [
    ("abspc", "abspc", peer_abspc),
    ("pyqicharts", "pyqicharts", peer_pyqicharts),
    ("shewhart", "shewhart", peer_shewhart),
]


def main() -> None:
    rng = np.random.default_rng(20240601)
    values, directions, targets, rebases = make_data(rng)

    def run_perfcore() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = xmr_batch(values, improvement=directions, target=targets, rebase=rebases)
            # icons as names; point types stay int8 codes (names are a lookup away)
            return r.point_type_code, r.variation_icon, r.assurance

    run_perfcore()  # warm up
    t_perfcore = best_of(run_perfcore)
    per_perfcore = t_perfcore / N_SERIES
    print(f"perfcore xmr_batch: {N_SERIES} series x {N_POINTS} points in "
          f"{t_perfcore * 1e3:.1f} ms = {per_perfcore * 1e6:.2f} us/series")

    results: dict[str, float] = {}
    for label, module, fn in PEERS:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            print(f"  {label}: not installed (pip install {label}); skipped")
            continue
        def run_peer(mod: Any = mod, fn: Callable[..., None] = fn) -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for i in range(PEER_SAMPLE):
                    fn(mod, values[i], directions[i], float(targets[i]))

        try:
            run_peer()
        except Exception as exc:  # a peer whose API changed should not stop the benchmark
            print(f"  {label}: failed ({type(exc).__name__}: {exc}); skipped")
            continue
        per = best_of(run_peer, repeats=3) / PEER_SAMPLE
        results[label] = per
        print(f"  {label}: {per * 1e6:,.0f} us/series (sample of {PEER_SAMPLE}); "
              f"perfcore is {per / per_perfcore:,.0f}x faster")

    if not results:
        print("  no SPC peer installed: using the per-series pandas reference as baseline")

        def run_ref() -> None:
            for i in range(PEER_SAMPLE):
                pandas_reference(values[i], directions[i], float(targets[i]))

        results["pandas reference"] = best_of(run_ref, repeats=2) / PEER_SAMPLE
    fastest = min(results, key=results.__getitem__)
    ratio = results[fastest] / per_perfcore
    print(f"fastest peer: {fastest} at {results[fastest] * 1e6:,.0f} us/series")
    print(f"ratio (fastest peer / perfcore, per series): {ratio:,.0f}x "
          f"({'meets' if ratio >= 100 else 'BELOW'} the 100x bar)")


if __name__ == "__main__":
    main()
