"""Benchmark: MSG ranks and pooled MSG averages for 43 forces x 150 measures, 7-peer MSGs.

perfcore (one vectorised call each) against a straightforward pandas groupby version.
Run: ``PYTHONPATH=src python benchmarks/bench_compare.py``. Needs pandas (benchmark group).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from perfcore.calc import group_average, rank_in_group

try:
    import pandas as pd
except ImportError:  # pragma: no cover - benchmark dependency
    sys.exit("bench_compare needs pandas (pip install pandas); it is in the 'benchmark' group")

N_FORCES, N_MEASURES, N_PEERS = 43, 150, 7


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2024)
    den = rng.integers(5_000, 60_000, size=(N_MEASURES, N_FORCES)).astype(float)
    num = rng.binomial(den.astype(int), 0.15).astype(float)
    members = np.zeros((N_FORCES, N_FORCES), dtype=bool)
    for i in range(N_FORCES):  # fixture: a random 7-peer MSG per force
        members[i, rng.choice(np.delete(np.arange(N_FORCES), i), N_PEERS, replace=False)] = True
    return num, den, members


def perfcore_version(num: np.ndarray, den: np.ndarray, members: np.ndarray) -> np.ndarray:
    avg = group_average(numerator=num, denominator=den, members=members, multiplier=100)
    rank = rank_in_group(num / den, polarity="higher", members=members)
    return np.stack([avg.value, rank.rank.astype(float)])


def pandas_version(num: np.ndarray, den: np.ndarray, members: np.ndarray) -> np.ndarray:
    # Long table: one row per (msg owner, member, measure), then groupby.
    owner, member = np.nonzero(members | np.eye(N_FORCES, dtype=bool))
    links = pd.DataFrame({"owner": owner, "member": member})
    obs = pd.DataFrame({
        "measure": np.repeat(np.arange(N_MEASURES), N_FORCES),
        "member": np.tile(np.arange(N_FORCES), N_MEASURES),
        "num": num.ravel(), "den": den.ravel(),
    })
    obs["rate"] = obs["num"] / obs["den"]
    long = links.merge(obs, on="member")
    peers = long[long["owner"] != long["member"]]
    sums = peers.groupby(["measure", "owner"])[["num", "den"]].sum()
    avg = (sums["num"] / sums["den"] * 100).unstack().to_numpy()
    long["rank"] = long.groupby(["measure", "owner"])["rate"].rank(method="min",
                                                                    ascending=False)
    own = long[long["owner"] == long["member"]].set_index(["measure", "owner"])["rank"]
    return np.stack([avg, own.unstack().to_numpy()])


def _best(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    num, den, members = _data()
    a = perfcore_version(num, den, members)
    b = pandas_version(num, den, members)
    np.testing.assert_allclose(a, b, rtol=1e-12)  # same answers before timing
    t_pc = _best(lambda: perfcore_version(num, den, members))
    t_pd = _best(lambda: pandas_version(num, den, members))
    print(f"{N_FORCES} forces x {N_MEASURES} measures, {N_PEERS}-peer MSGs "
          "(pooled MSG average + rank in MSG)")
    print(f"perfcore: {t_pc * 1e3:8.2f} ms")
    print(f"pandas  : {t_pd * 1e3:8.2f} ms")
    print(f"ratio (pandas / perfcore): {t_pd / t_pc:.1f}x")


if __name__ == "__main__":
    main()
