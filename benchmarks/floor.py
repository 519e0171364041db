"""The floor for the national evaluation (issue 18): the same workload as
``benchmarks/national.py`` computed in plain vectorised numpy, as short as it can be.

It starts from the same long columns as perfcore (factorised keys and three value
columns) and computes the figures the two share: annual totals of the latest two financial
years, % and pp change, Byar (counts) and Wilson (proportions) intervals, direction of
travel on the sign of the change, pooled MSG and England & Wales values and changes with
ranks, and an XmR chart of every monthly series with moving-range screening, limits and
the outside-limits, run and trend rules. It validates nothing, tests no change for
significance, has no exact intervals below 10, no 2-of-3 rule, point types or icons,
and no correctly rounded means: what perfcore does on top is its extra work. The figures
are checked against perfcore's where they overlap (:func:`agreement`) before anything is
timed.

``national.py`` times this in the same run as perfcore and reports the ratio. Run alone::

    python benchmarks/floor.py            # = national.py --no-baseline
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # national.py imports this module; the types only are needed here
    from national import Results, Workload

FloatArray = npt.NDArray[np.float64]
#: XmR constants (docs/spc.md §5): limits, moving-range screen, run and trend length.
LIMIT, SCREEN, RUN = 2.66, 3.267, 7
Z95 = 1.959963984540054


def _windows(flags: npt.NDArray[np.bool_], links: int) -> npt.NDArray[np.bool_]:
    """Points of every window of ``links + 1`` points whose ``links`` links all hold
    (``flags[:, t]``: point t continues point t-1)."""
    end = flags.copy()
    for j in range(1, links):
        end[:, j:] &= flags[:, :-j]
    end[:, :links] = False
    out = end.copy()
    for j in range(1, links + 1):
        out[:, :-j] |= end[:, j:]
    return out


def run_floor(w: Workload) -> tuple[dict[str, Any], dict[str, float]]:
    """The floor: every figure as a measures x forces array in workload order (SPC per
    series: measures x forces x months), and the wall-clock time of each stage."""
    t0 = time.perf_counter()
    nm, nf, nt = w.shape
    cell = (w.measure_code.astype(np.int64) * nf + w.force_code) * nt + w.month_code
    if cell[0] == 0 and np.all(cell[1:] - cell[:-1] == 1) and cell.size == nm * nf * nt:
        cube = [c.reshape(nm, nf, nt) for c in (w.value, w.numerator, w.denominator)]
    else:  # rows in another order (or missing): scatter into NaN-filled cubes
        cube = [np.full(nm * nf * nt, np.nan) for _ in range(3)]
        for c, col in zip(cube, (w.value, w.numerator, w.denominator), strict=True):
            c[cell] = col
        cube = [c.reshape(nm, nf, nt) for c in cube]
    t = [m.first for m in w.months].index(w.period.first)  # the current year's first month
    # Annual totals (current, previous) of x (counts, numerators) and n (denominators).
    prop = ~w.is_count[:, None]
    years = slice(t - 12, t + 12)
    x_of = np.where(prop[..., None], cube[1][..., years], cube[0][..., years])
    x2, x1 = x_of[..., 12:].sum(-1), x_of[..., :12].sum(-1)
    n2, n1 = cube[2][..., t:t + 12].sum(-1), cube[2][..., t - 12:t].sum(-1)
    n2, n1 = np.where(prop, n2, 1.0), np.where(prop, n1, 1.0)
    t1 = time.perf_counter()

    cur, prev = x2 / n2, x1 / n1
    change = np.where(prop, (cur - prev) * 100, (x2 - x1) / x1 * 100)
    z, x1p = Z95, x2 + 1
    b_lo = 1 - 1 / (9 * x2) - z / (3 * np.sqrt(x2))
    b_hi = 1 - 1 / (9 * x1p) + z / (3 * np.sqrt(x1p))
    with np.errstate(invalid="ignore"):  # the Wilson terms of counts are thrown away
        h = z * np.sqrt(z * z + 4 * x2 * (n2 - x2) / n2)
    lower = np.where(prop, (2 * x2 + z * z - h) / (2 * (n2 + z * z)), x2 * b_lo * b_lo * b_lo)
    upper = np.where(prop, (2 * x2 + z * z + h) / (2 * (n2 + z * z)), x1p * b_hi * b_hi * b_hi)
    sign = np.array([float(m.polarity.sign) for m in w.measures])[:, None]
    direction = np.select([np.sign(change) * sign > 0, np.sign(change) * sign < 0],
                          ["improving", "deteriorating"], "no_change")
    t2 = time.perf_counter()

    peers = np.zeros((nf, nf))
    for i, group in enumerate(w.peers):
        peers[i, group] = 1.0
    score = np.where(prop, cur, change) * sign
    beats = score[:, None, :] > score[:, :, None]  # [m, f, j]: j scores better than f
    out: dict[str, Any] = {"current": cur, "change": change, "lower": lower, "upper": upper,
                           "direction": direction}
    for slot, members in (("msg", peers), ("ew", np.ones((nf, nf)))):
        gx2, gx1, gn2, gn1 = (a @ members.T for a in (x2, x1, n2, n1))
        value, before = np.where(prop, gx2 / gn2, gx2), np.where(prop, gx1 / gn1, gx1)
        out[f"{slot}_value"] = value
        out[f"{slot}_change"] = np.where(prop, (value - before) * 100,
                                         (value - before) / before * 100)
        ranked = np.maximum(members, np.eye(nf))  # a force ranks among its group and itself
        out[f"{slot}_rank"] = 1.0 + np.einsum("mfj,fj->mf", beats, ranked)
    t3 = time.perf_counter()

    # XmR: counts as they are, proportions as numerator / denominator.
    y = np.where(prop[..., None], cube[1] / cube[2], cube[0]).reshape(nm * nf, nt)
    mean = y.mean(1, keepdims=True)
    diff = np.diff(y, axis=1)
    mr = np.abs(diff)
    amr = mr.mean(1, keepdims=True)
    keep = (mr < SCREEN * amr) | (amr == 0)
    amr = (mr * keep).sum(1, keepdims=True) / keep.sum(1, keepdims=True)
    upl, lpl = mean + LIMIT * amr, mean - LIMIT * amr
    side = np.sign(y - mean)
    same = np.zeros(y.shape, dtype=bool)
    same[:, 1:] = (side[:, 1:] == side[:, :-1]) & (side[:, 1:] != 0)
    rise = np.zeros(y.shape, dtype=bool)
    fall = np.zeros(y.shape, dtype=bool)
    np.greater(diff, 0, out=rise[:, 1:])
    np.less(diff, 0, out=fall[:, 1:])
    shape = (nm, nf, nt)
    out.update(  # centre lines and limits one per series (nm x nf x 1)
        spc_mean=mean.reshape(nm, nf, 1), spc_upl=upl.reshape(nm, nf, 1),
        spc_lpl=lpl.reshape(nm, nf, 1),
        spc_outside=((y > upl) | (y < lpl)).reshape(shape),
        spc_run=_windows(same, RUN - 1).reshape(shape),
        spc_trend=(_windows(rise, RUN - 1) | _windows(fall, RUN - 1)).reshape(shape))
    t4 = time.perf_counter()
    return out, {"cube_annual": t1 - t0, "change_ci_dot": t2 - t1, "compare": t3 - t2,
                 "spc": t4 - t3}


def agreement(pc: Results, fl: dict[str, Any], is_count: npt.NDArray[np.bool_],
              rtol: float = 1e-9) -> dict[str, dict[str, Any]]:
    """Compare the floor's figures with perfcore's where both compute them: numbers to a
    relative tolerance (different but equivalent formulas), ranks and flags exactly.
    Count intervals are compared where perfcore uses Byar's (counts of 10 or more), and
    direction where perfcore found a significant change (the floor tests nothing: it
    must then point the same way) or none at all (no change: so must the floor)."""
    checks: dict[str, dict[str, Any]] = {}
    byar = ~is_count[:, None] | (pc.current >= 10)
    for name in ("current", "change", "lower", "upper", "msg_value", "msg_change",
                 "ew_value", "spc_mean", "spc_upl", "spc_lpl"):
        a, b = getattr(pc, name), fl[name]
        where = np.broadcast_to(byar, a.shape) if name in ("lower", "upper") else \
            np.ones(a.shape, dtype=bool)
        close = np.isclose(a, b, rtol=rtol, atol=1e-12) | (np.isnan(a) & np.isnan(b))
        checks[name] = {"compared": int(where.sum()), "mismatches": int((~close & where).sum())}
    for name in ("msg_rank", "ew_rank", "spc_outside", "spc_run", "spc_trend"):
        a = getattr(pc, name)
        same = np.asarray(a == fl[name])
        checks[name] = {"compared": int(same.size), "mismatches": int((~same).sum())}
    judged = np.isin(pc.direction, ("improving", "deteriorating")) | (pc.change == 0)
    same = np.asarray(pc.direction == fl["direction"]) | ~judged
    checks["direction"] = {"compared": int(judged.sum()), "mismatches": int((~same).sum())}
    return checks


if __name__ == "__main__":
    import national  # the workload and the harness live there

    sys.exit(national.main(["--no-baseline", *sys.argv[1:]]))
