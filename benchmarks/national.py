"""Benchmark: a national evaluation, perfcore against pandas + statsmodels (issue 5).

Workload (defaults): 43 forces x 150 measures x 150 months of synthetic monthly data, half
counts and half proportions, each force with a 7-force Most Similar Group. For every force
and measure: annual totals for the latest financial year and the one before, % change
(counts) or pp change (proportions), confidence intervals, significance of the change,
direction of travel, pooled MSG and England & Wales figures with ranks and significance
labels, and an XmR chart of the monthly series.

The bar: perfcore does all of it in under 1 second on a 2-core machine, and at least 50x
faster than a straightforward pandas + statsmodels version of the same figures (also in
this file). Both paths are checked to agree before anything is timed.

Both start from the same long table held in memory, in one of two forms (``--keys``):

- ``codes`` (the headline): key columns already factorised, as perfcore's file loaders
  hand them to ``Dataset.from_codes`` and as a pandas analyst holds them (categoricals).
- ``text``: key columns as lists of Python strings, as a CSV reader produces them;
  perfcore factorises them in ``Dataset.from_columns``, pandas hashes them in its
  groupbys, and both pay for it here.

By default both are measured and reported (the text figures under ``text_keys``).
perfcore uses the machine's cores where numpy can (``xmr_batch`` charts large batches in
threads, ``workers=``); the pandas version, written as an analyst would, runs in one.

Run from a clone::

    pip install -e . pandas statsmodels      # or: PYTHONPATH=src python benchmarks/...
    python benchmarks/national.py            # readable table
    python benchmarks/national.py --json     # one JSON object
    python benchmarks/national.py --forces 20 --measures 40 --months 60 --baseline-sample 0.2
    python benchmarks/national.py --keys text    # only the string-keyed form

The data are synthetic (numpy, fixed seed) and the MSGs are illustrative, not the official
groupings. Timings are wall-clock on whatever else the machine is doing: each side's time is
the best of its runs (``--repeats``, ``--baseline-repeats``), each stage timed inside that
run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

try:
    import pandas as pd
    import statsmodels
    from scipy import stats
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.stderr.write(
        f"benchmarks/national.py needs pandas and statsmodels for its baseline ({exc}).\n"
        "Install them with:  pip install pandas statsmodels   "
        "(they are perfcore's 'benchmark' dependency group)\n")
    sys.exit(2)

try:
    from perfcore import Polarity
    from perfcore.calc.spc import xmr_batch
    from perfcore.codes import Direction, Relation
    from perfcore.dataset import Dataset, IncompletePeriodWarning
    from perfcore.evaluation import Evaluation, evaluate, periods_read
    from perfcore.model import Measure, MeasureKind, Outcome, Plan, Priority
    from perfcore.organisations import (
        ComparatorGroup,
        Organisation,
        OrganisationRegistry,
        default_registry,
    )
    from perfcore.periods import FinancialYear, Month
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.stderr.write(f"benchmarks/national.py cannot import perfcore ({exc}).\n"
                     "Run `pip install -e .` in the clone, or run with PYTHONPATH=src.\n")
    sys.exit(2)

def _beside(name: str) -> Any:
    """A module of benchmarks/ by file (this file may be loaded by path, as the tests do,
    with benchmarks/ not on sys.path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"perfcore_benchmark_{name}", os.path.join(os.path.dirname(__file__), f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


floor = _beside("floor")  # the floor: the same figures in plain numpy

FloatArray = npt.NDArray[np.float64]

#: The bar set by issue 5.
TARGET_SECONDS = 1.0
TARGET_RATIO = 50.0
#: The bars set by issue 18: at most this many times the floor's time (benchmarks/floor.py),
#: and this peak memory beyond the input per measure x force x month cell.
TARGET_FLOOR_RATIO = 2.5
TARGET_BYTES_PER_CELL = 100
#: The last month of the synthetic data: the end of financial year 2023-24, so that the
#: evaluation compares two complete financial years.
LAST_MONTH = Month(2024, 3)
CONFIDENCE = 0.95
MSG_SIZE = 7
#: XmR constants (docs/spc.md §5), written out again for the baseline.
XMR_LIMIT, XMR_SCREEN, XMR_RUN = 2.66, 3.267, 7
#: Poisson counts below this get an exact interval, Byar's otherwise (PHE's rule, as
#: perfcore's count_ci(method="auto")).
EXACT_BELOW = 10


# ----------------------------------------------------------------------------- workload


@dataclass
class Workload:
    """Synthetic national data as long columns, plus the plan and comparator groups."""

    forces: list[str]
    registry: OrganisationRegistry | None  # None: synthetic force codes (registry=False)
    peers: list[list[int]]  # MSG members of each force, as force indices
    msgs: list[ComparatorGroup]
    national: ComparatorGroup
    plan: Plan
    measures: list[Measure]
    is_count: npt.NDArray[np.bool_]
    months: list[Month]
    period: FinancialYear
    # Long columns, one row per measure x force x month (measure-major, then force).
    measure_col: list[str]
    force_col: list[str]
    period_col: list[str]
    # The same keys factorised: one code per row into measures, forces and months.
    measure_code: npt.NDArray[np.int32]
    force_code: npt.NDArray[np.int32]
    month_code: npt.NDArray[np.int32]
    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.measures), len(self.forces), len(self.months)

    def rows_for(self, measure_idx: Sequence[int]) -> npt.NDArray[np.intp]:
        """Row numbers of the long columns belonging to some measures."""
        _, nf, nt = self.shape
        block = nf * nt
        return np.concatenate([np.arange(i * block, (i + 1) * block) for i in measure_idx])


def _synthetic_registry(n: int) -> OrganisationRegistry:
    orgs = [Organisation(code=f"X{i:08d}", name=f"Synthetic force {i}",
                         type="police_force_area") for i in range(1, n + 1)]
    orgs.append(Organisation(code="K04000001", name="England and Wales",
                             type="england_and_wales"))
    return OrganisationRegistry(orgs)


def make_workload(n_forces: int, n_measures: int, n_months: int, seed: int) -> Workload:
    """Deterministic synthetic data: Poisson counts around force-specific levels with
    seasonality and a gentle trend; binomial proportions around force-specific rates."""
    rng = np.random.default_rng(seed)
    real = default_registry()
    if n_forces <= len(real.forces()):
        registry: OrganisationRegistry | None = real
        forces = [o.code for o in real.forces()][:n_forces]
        reg_for_groups = real
    else:
        registry = None
        reg_for_groups = _synthetic_registry(n_forces)
        forces = [o.code for o in reg_for_groups.forces()]
    nf, nm, nt = n_forces, n_measures, n_months

    # MSGs: the 7 forces nearest on a synthetic "demography" score (ties by position), so
    # groups overlap and are one-way, like the real ones. Force size correlates with it.
    demography = rng.normal(size=nf)
    size = np.exp(0.5 * demography + rng.normal(0.0, 0.4, size=nf))
    k = min(MSG_SIZE, nf - 1)
    peers: list[list[int]] = []
    for i in range(nf):
        dist = np.abs(demography - demography[i])
        dist[i] = np.inf
        peers.append(sorted(np.argsort(dist, kind="stable")[:k].tolist()))
    msgs = [ComparatorGroup.msg(forces[i], [forces[j] for j in peers[i]],
                                version="synthetic", source="benchmarks/national.py",
                                illustrative=True, registry=reg_for_groups)
            for i in range(nf)]
    if nf == len(real.forces()) or registry is None:
        national = reg_for_groups.group("England and Wales")
    else:
        # A subset of the 43: "England and Wales" would miss members and give no figure.
        national = ComparatorGroup(id="K04000001", name="England and Wales (subset)",
                                   kind="national", members=tuple(forces),
                                   source="benchmark subset")

    # Measures alternate count / proportion; polarity mostly "lower" for counts (crime)
    # and "higher" for proportions (outcome rates), with every third flipped.
    measures: list[Measure] = []
    for j in range(nm):
        count = j % 2 == 0
        flip = (j // 2) % 3 == 2
        polarity = ("higher" if flip else "lower") if count else ("lower" if flip else "higher")
        measures.append(Measure(id=f"m{j:04d}_{'count' if count else 'prop'}",
                                name=f"Synthetic {'count' if count else 'proportion'} {j}",
                                kind="count" if count else "proportion", polarity=polarity))
    is_count = np.array([j % 2 == 0 for j in range(nm)])
    plan = Plan(id="national_benchmark", title="Synthetic national workload", priorities=[
        Priority(id="all", title="Every measure", outcomes=[
            Outcome(id="all", statement="Every measure", measures=measures)])])

    first = LAST_MONTH.first - nt + 1
    months = [Month.from_index(first + t) for t in range(nt)]
    month_of_year = np.array([m.month for m in months])
    t_years = (np.arange(nt) - nt + 1) / 12.0
    season = np.sin(2 * np.pi * month_of_year / 12)[None, None, :]
    phase = np.cos(2 * np.pi * month_of_year / 12)[None, None, :]

    # Levels span small (a few a month: exact intervals) to large (thousands).
    base = rng.lognormal(np.log(60.0), 1.3, size=(nm, 1, 1))
    force_effect = rng.lognormal(0.0, 0.25, size=(nm, nf, 1))
    amp = rng.uniform(0.0, 0.25, size=(nm, 1, 1))
    amp2 = rng.uniform(-0.1, 0.1, size=(nm, 1, 1))
    trend = rng.normal(0.0, 0.04, size=(nm, nf, 1))
    level = (base * size[None, :, None] * force_effect
             * (1 + amp * season + amp2 * phase) * np.exp(trend * t_years[None, None, :]))
    counts = rng.poisson(level).astype(np.float64)
    # Proportions: denominators like counts (at least 1 a month, so every monthly rate
    # exists), numerators binomial around a force-specific rate.
    p_base = rng.uniform(-2.5, 1.0, size=(nm, 1, 1)) + rng.normal(0.0, 0.3, size=(nm, nf, 1))
    logit = p_base + 0.1 * season + trend * t_years[None, None, :]
    p = 1.0 / (1.0 + np.exp(-logit))
    den = 1.0 + rng.poisson(level * 2)
    num = rng.binomial(den.astype(np.int64), np.broadcast_to(p, den.shape)).astype(np.float64)

    c = is_count[:, None, None]
    value = np.where(c, counts, np.nan).ravel()
    numerator = np.where(c, np.nan, num).ravel()
    denominator = np.where(c, np.nan, den).ravel()
    # Key columns as plain lists of text, as read from a CSV extract. Months are ISO
    # dates ("2011-12-01"): "2011-12" alone could be a financial year.
    m_ids = [m.id for m in measures]
    month_text = [f"{m.year:04d}-{m.month:02d}-01" for m in months]
    measure_col = [mid for mid in m_ids for _ in range(nf * nt)]
    force_col = [f for f in forces for _ in range(nt)] * nm
    period_col = month_text * (nm * nf)
    measure_code = np.repeat(np.arange(nm, dtype=np.int32), nf * nt)
    force_code = np.tile(np.repeat(np.arange(nf, dtype=np.int32), nt), nm)
    month_code = np.tile(np.arange(nt, dtype=np.int32), nm * nf)
    return Workload(
        forces=forces, registry=registry, peers=peers, msgs=msgs, national=national,
        plan=plan, measures=measures, is_count=is_count, months=months,
        period=FinancialYear.containing(LAST_MONTH), measure_col=measure_col,
        force_col=force_col, period_col=period_col, measure_code=measure_code,
        force_code=force_code, month_code=month_code, value=value, numerator=numerator,
        denominator=denominator)


# ----------------------------------------------------------------------------- perfcore


@dataclass
class Results:
    """The figures both paths produce, as measures x forces arrays in workload order
    (SPC per series: measures x forces x months)."""

    current: FloatArray
    change: FloatArray
    lower: FloatArray
    upper: FloatArray
    significant: FloatArray
    direction: npt.NDArray[Any]
    msg_value: FloatArray
    msg_change: FloatArray
    msg_rank: FloatArray
    msg_relation: npt.NDArray[Any]
    ew_value: FloatArray
    ew_rank: FloatArray
    ew_relation: npt.NDArray[Any]
    spc_mean: FloatArray
    spc_upl: FloatArray
    spc_lpl: FloatArray
    spc_outside: npt.NDArray[np.bool_]
    spc_run: npt.NDArray[np.bool_]
    spc_trend: npt.NDArray[np.bool_] | None = None  # perfcore's only (the floor checks it)
    stages: dict[str, float] = field(default_factory=dict)


class _Stages:
    """Wall-clock time of consecutive stages."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = now - self._t
        self._t = now


def run_perfcore(w: Workload, keys: str) -> tuple[Evaluation, Any, dict[str, float]]:
    """The timed perfcore path: long columns → Dataset → financial years → evaluate →
    XmR charts of every monthly series."""
    clock = _Stages()
    if keys == "codes":
        ds = Dataset.from_codes(
            measures=[m.id for m in w.measures], measure_code=w.measure_code,
            organisations=w.forces, organisation_code=w.force_code,
            periods=w.months, period_code=w.month_code,
            value=w.value, numerator=w.numerator, denominator=w.denominator)
        clock.lap("from_codes")
    else:
        ds = Dataset.from_columns(
            measure=w.measure_col, organisation=w.force_col, period=w.period_col,
            value=w.value, numerator=w.numerator, denominator=w.denominator,
            registry=w.registry if w.registry is not None else False)
        clock.lap("from_columns")
    with warnings.catch_warnings():
        # The first financial year is partial (the data start mid-year); perfcore leaves
        # it out and says so. Expected here.
        warnings.simplefilter("ignore", IncompletePeriodWarning)
        # Only the years evaluate reads (the period, the previous one, the trend window).
        annual = ds.aggregate("financial_year", periods=periods_read(w.period))
    clock.lap("aggregate")
    ev = evaluate(w.plan, annual, period=w.period, organisation=None,
                  compare_with=[*w.msgs, w.national])
    clock.lap("evaluate")
    series = monthly_series(w, ds)
    nm, nf, nt = series.shape
    improvement = np.repeat(["decrease" if m.polarity is Polarity.LOWER_IS_BETTER
                             else "increase" for m in w.measures], nf)
    spc = xmr_batch(series.reshape(nm * nf, nt), improvement=improvement)
    clock.lap("spc")
    return ev, spc, clock.times


def monthly_series(w: Workload, ds: Dataset) -> FloatArray:
    """Every monthly series, measures x organisations x months: counts as they are,
    proportions as numerator / denominator."""
    counts = [m.id for m in w.measures if m.kind is MeasureKind.COUNT]
    props = [m.id for m in w.measures if m.kind is MeasureKind.PROPORTION]
    parts = ds.cubes(("numerator", "denominator"), measures=props)
    nm, nf, nt = len(w.measures), len(ds.organisations), len(ds.periods)
    series = np.empty((nm, nf, nt))
    series[w.is_count] = ds.cube("value", measures=counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        series[~w.is_count] = parts["numerator"] / parts["denominator"]
    return series


def perfcore_results(w: Workload, ev: Evaluation, spc: Any) -> Results:
    nm, nf, nt = w.shape
    # The evaluation's organisations are the dataset's (sorted codes): put them back in
    # workload order. Its measures are in plan order, which is workload order.
    pos = [ev.organisations.index(f) for f in w.forces]
    msg, ew = ev.comparisons["msg"], ev.comparisons[w.national.id]
    org_order = sorted(w.forces)
    spc_pos = [org_order.index(f) for f in w.forces]

    def cols(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.asarray(a)[:, pos]

    def series(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.asarray(a).reshape(nm, nf, nt)[:, spc_pos]

    return Results(
        current=cols(ev.current), change=cols(ev.change.value),
        lower=cols(ev.interval.lower), upper=cols(ev.interval.upper),
        significant=cols(np.where(ev.test.tested, ev.test.significant, np.nan)),
        direction=cols(Direction.name_array(ev.direction.assessment)),
        msg_value=cols(msg.value), msg_change=cols(msg.change),
        msg_rank=cols(msg.rank).astype(float), msg_relation=cols(Relation.name_array(msg.relation)),
        ew_value=cols(ew.value), ew_rank=cols(ew.rank).astype(float),
        ew_relation=cols(Relation.name_array(ew.relation)),
        spc_mean=series(spc.mean), spc_upl=series(spc.upl), spc_lpl=series(spc.lpl),
        spc_outside=series(spc.outside_limits), spc_run=series(spc.run),
        spc_trend=series(spc.trend))


# ----------------------------------------------------------------------------- baseline


def _poisson_ci(x: pd.Series, alpha: float) -> tuple[pd.Series, pd.Series]:
    """Exact Poisson interval (chi-squared) below EXACT_BELOW, Byar's above (PHE)."""
    z = stats.norm.ppf(1 - alpha / 2)
    exact_lo = pd.Series(stats.chi2.ppf(alpha / 2, 2 * x) / 2, index=x.index).fillna(0.0)
    exact_hi = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    byar_lo = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    x1 = x + 1
    byar_hi = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    small = x < EXACT_BELOW
    return exact_lo.where(small, byar_lo), pd.Series(exact_hi, index=x.index).where(small,
                                                                                   byar_hi)


def _xmr_series(y: pd.Series) -> pd.DataFrame:
    """One XmR chart the pandas way (docs/spc.md §5: screening on, outside limits and a
    run of 7)."""
    mean = y.mean()
    mr = y.diff().abs()
    amr = mr.mean()
    if amr > 0:
        amr = mr[mr < XMR_SCREEN * amr].mean()
    upl, lpl = mean + XMR_LIMIT * amr, mean - XMR_LIMIT * amr
    side = np.sign(y - mean)
    run_id = (side != side.shift()).cumsum()
    run_len = side.groupby(run_id).transform("size")
    return pd.DataFrame({"mean": mean, "upl": upl, "lpl": lpl,
                         "outside": (y > upl) | (y < lpl),
                         "run": (run_len >= XMR_RUN) & (side != 0)}, index=y.index)


def baseline_columns(w: Workload, measure_idx: Sequence[int], keys: str) -> dict[str, Any]:
    """The long columns of some measures (the baseline's input; not timed): key columns
    as categoricals (``codes``) or as lists of strings (``text``)."""
    rows = w.rows_for(measure_idx)
    numbers = {"value": w.value[rows], "numerator": w.numerator[rows],
               "denominator": w.denominator[rows]}
    if keys == "codes":
        month_text = [f"{m.year:04d}-{m.month:02d}-01" for m in w.months]
        return {"measure": pd.Categorical.from_codes(w.measure_code[rows],
                                                     [m.id for m in w.measures]),
                "force": pd.Categorical.from_codes(w.force_code[rows], w.forces),
                "period": pd.Categorical.from_codes(w.month_code[rows], month_text),
                **numbers}
    return {"measure": [w.measure_col[i] for i in rows],
            "force": [w.force_col[i] for i in rows],
            "period": [w.period_col[i] for i in rows], **numbers}


def run_baseline(w: Workload, columns: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                 dict[str, float]]:
    """The same figures with pandas + statsmodels, from the same long columns.

    Written as an analyst would: one long DataFrame, groupby for annual totals, column
    arithmetic, statsmodels intervals, merges for the MSGs, groupby-apply for XmR.
    """
    clock = _Stages()
    alpha = 1 - CONFIDENCE
    df = pd.DataFrame(columns)
    df["month"] = pd.to_datetime(df["period"], format="%Y-%m-%d")
    df["fy"] = df["month"].dt.year - (df["month"].dt.month < 4)
    meta = pd.DataFrame({
        "measure": [m.id for m in w.measures],
        "kind": [m.kind.value for m in w.measures],
        "sign": [1 if m.polarity is Polarity.HIGHER_IS_BETTER else -1 for m in w.measures]})
    clock.lap("load")

    # Annual totals; a financial year counts only with all 12 months.
    annual = df.groupby(["measure", "force", "fy"], observed=True).agg(
        value=("value", "sum"), numerator=("numerator", "sum"),
        denominator=("denominator", "sum"), months=("month", "size"))
    annual = annual[annual["months"] == 12].reset_index()
    cur_fy = w.period.start_year
    cur = annual[annual["fy"] == cur_fy].drop(columns=["fy", "months"])
    prev = annual[annual["fy"] == cur_fy - 1].drop(columns=["fy", "months"])
    tab = cur.merge(prev, on=["measure", "force"], suffixes=("", "_prev"))
    tab = tab.merge(meta, on="measure")
    clock.lap("aggregate")

    # Counts: % change, Poisson interval, exact conditional test of the ratio.
    c = tab[tab["kind"] == "count"].copy()
    x1, x2 = c["value_prev"], c["value"]
    c["current"] = x2
    c["change"] = ((x2 - x1) / x1 * 100).where(x1 != 0)
    c["lower"], c["upper"] = _poisson_ci(x2, alpha)
    lo_p, hi_p = proportion_confint(x2, x1 + x2, alpha=alpha, method="beta")
    c["significant"] = ((lo_p > 0.5) | (hi_p < 0.5)).astype(float)
    c["ratio"], c["ratio_lower"], c["ratio_upper"] = x2 / x1, lo_p / (1 - lo_p), \
        hi_p / (1 - hi_p)
    c["x"], c["n"], c["x_prev"], c["n_prev"] = x2, 1.0, x1, 1.0

    # Proportions: pp change, Wilson interval, Newcombe's interval for the change.
    p = tab[tab["kind"] == "proportion"].copy()
    p["current"] = p["numerator"] / p["denominator"]
    previous = p["numerator_prev"] / p["denominator_prev"]
    p["change"] = (p["current"] - previous) * 100
    p["lower"], p["upper"] = proportion_confint(p["numerator"], p["denominator"],
                                                alpha=alpha, method="wilson")
    d_lo, d_hi = confint_proportions_2indep(p["numerator"], p["denominator"],
                                            p["numerator_prev"], p["denominator_prev"],
                                            method="newcomb", compare="diff", alpha=alpha)
    p["significant"] = ((d_lo > 0) | (d_hi < 0)).astype(float)
    p["x"], p["n"] = p["numerator"], p["denominator"]
    p["x_prev"], p["n_prev"] = p["numerator_prev"], p["denominator_prev"]

    res = pd.concat([c, p], ignore_index=True)
    arrow = np.sign(res["change"].fillna(0))
    good = arrow * res["sign"]
    res["direction"] = np.where(
        (res["significant"] == 1) & (arrow != 0),
        np.where(good > 0, "improving", "deteriorating"), "no_change")
    clock.lap("change_ci_dot")

    # Comparator groups: pooled sums over members (Σx for counts, Σx/Σn for proportions).
    is_prop = res["kind"] == "proportion"
    # Counts are ranked on their change, proportions on their value (see evaluate()).
    res["score"] = np.where(is_prop, res["current"], res["change"]) * res["sign"]
    # Counts are compared on change: the group's ratio against the force's ratio CI.
    res["cmp_lower"] = np.where(is_prop, res["lower"], res["ratio_lower"])
    res["cmp_upper"] = np.where(is_prop, res["upper"], res["ratio_upper"])
    links = pd.DataFrame([(w.forces[i], w.forces[j]) for i in range(len(w.forces))
                          for j in w.peers[i]], columns=["focal", "force"])
    sums = (links.merge(res[["measure", "force", "x", "n", "x_prev", "n_prev"]], on="force")
            .groupby(["measure", "focal"], observed=True)[["x", "n", "x_prev", "n_prev"]].sum()
            .rename_axis(["measure", "force"]).reset_index())
    ew = (res.groupby("measure", observed=True)[["x", "n", "x_prev", "n_prev"]].sum()
          .reset_index())
    out = res
    for slot, grp in (("msg", sums), ("ew", ew)):
        grp = grp.merge(meta, on="measure")
        gp = grp["kind"] == "proportion"
        value = np.where(gp, grp["x"] / grp["n"], grp["x"])
        before = np.where(gp, grp["x_prev"] / grp["n_prev"], grp["x_prev"])
        grp[f"{slot}_value"] = value
        grp[f"{slot}_change"] = np.where(gp, (value - before) * 100,
                                         (value - before) / before * 100)
        keys = ["measure", "force"] if slot == "msg" else ["measure"]
        out = out.merge(grp[[*keys, f"{slot}_value", f"{slot}_change"]], on=keys)
        bench = np.where(out["kind"] == "proportion", out[f"{slot}_value"],
                         1 + out[f"{slot}_change"] / 100)
        out[f"{slot}_relation"] = np.where(
            bench < out["cmp_lower"], "higher",
            np.where(bench > out["cmp_upper"], "lower", "similar"))
    # Ranks: 1 = best by polarity, ties share the better rank; MSG = peers + the force.
    with_self = pd.concat([links, pd.DataFrame({"focal": w.forces, "force": w.forces})])
    ranked = with_self.merge(out[["measure", "force", "score"]], on="force")
    ranked["rank"] = ranked.groupby(["measure", "focal"], observed=True)["score"].rank(
        method="min", ascending=False)
    own = ranked[ranked["focal"] == ranked["force"]][["measure", "force", "rank"]]
    out = out.merge(own.rename(columns={"rank": "msg_rank"}), on=["measure", "force"])
    out["ew_rank"] = out.groupby("measure", observed=True)["score"].rank(method="min",
                                                                     ascending=False)
    clock.lap("compare")

    # XmR on each monthly series.
    monthly = df.sort_values(["measure", "force", "month"])
    monthly["y"] = monthly["value"].where(monthly["value"].notna(),
                                          monthly["numerator"] / monthly["denominator"])
    charts = monthly.groupby(["measure", "force"], sort=False, observed=True)["y"].apply(
        _xmr_series)
    charts = charts.reset_index(level=["measure", "force"])
    charts["month"] = monthly.loc[charts.index, "month"]
    clock.lap("spc")
    return out, charts, clock.times


def baseline_results(w: Workload, out: pd.DataFrame, charts: pd.DataFrame,
                     measure_idx: Sequence[int]) -> Results:
    ids = [w.measures[i].id for i in measure_idx]
    nt = len(w.months)

    def grid(col: str) -> npt.NDArray[Any]:
        t = out.set_index(["measure", "force"])[col].unstack("force")
        return np.asarray(t.reindex(index=ids, columns=w.forces).to_numpy())

    def series(col: str) -> npt.NDArray[Any]:
        t = charts.set_index(["measure", "force", "month"])[col]
        t = t.reindex(pd.MultiIndex.from_product(
            [ids, w.forces, pd.to_datetime([f"{m.year}-{m.month:02d}-01" for m in w.months])]))
        return np.asarray(t.to_numpy()).reshape(len(ids), len(w.forces), nt)

    return Results(
        current=grid("current").astype(float), change=grid("change").astype(float),
        lower=grid("lower").astype(float), upper=grid("upper").astype(float),
        significant=grid("significant").astype(float), direction=grid("direction"),
        msg_value=grid("msg_value").astype(float), msg_change=grid("msg_change").astype(float),
        msg_rank=grid("msg_rank").astype(float), msg_relation=grid("msg_relation"),
        ew_value=grid("ew_value").astype(float), ew_rank=grid("ew_rank").astype(float),
        ew_relation=grid("ew_relation"), spc_mean=series("mean").astype(float),
        spc_upl=series("upl").astype(float), spc_lpl=series("lpl").astype(float),
        spc_outside=series("outside").astype(bool), spc_run=series("run").astype(bool))


# ---------------------------------------------------------------------------- agreement


def agreement(pc: Results, bl: Results, measure_idx: Sequence[int],
              rtol: float = 1e-9) -> dict[str, dict[str, Any]]:
    """Compare every figure the baseline computed with perfcore's: numbers to a relative
    tolerance (the two use different but equivalent formulas), labels and ranks exactly."""
    idx = list(measure_idx)
    checks: dict[str, dict[str, Any]] = {}
    for name in ("current", "change", "lower", "upper", "significant", "msg_value",
                 "msg_change", "ew_value", "spc_mean", "spc_upl", "spc_lpl"):
        a, b = getattr(pc, name)[idx], getattr(bl, name)
        both_nan = np.isnan(a) & np.isnan(b)
        close = np.isclose(a, b, rtol=rtol, atol=1e-12) | both_nan
        with np.errstate(invalid="ignore"):
            diff = np.where(both_nan, 0.0, np.abs(a - b))
        checks[name] = {"compared": int(a.size), "mismatches": int((~close).sum()),
                        "max_abs_diff": float(np.nanmax(diff)) if diff.size else 0.0}
    for name in ("direction", "msg_rank", "msg_relation", "ew_rank", "ew_relation",
                 "spc_outside", "spc_run"):
        a, b = getattr(pc, name)[idx], getattr(bl, name)
        same = np.asarray(a == b)
        checks[name] = {"compared": int(a.size), "mismatches": int((~same).sum())}
    return checks


# -------------------------------------------------------------------------------- main


def _best(fn: Callable[[], dict[str, float]], repeats: int) -> tuple[dict[str, float],
                                                                      list[float]]:
    """Run ``fn`` ``repeats`` times; the stage times of the fastest run, and every total."""
    best: dict[str, float] | None = None
    totals: list[float] = []
    for _ in range(repeats):
        gc.collect()  # do not bill one run for the previous run's garbage
        stages = fn()
        total = sum(stages.values())
        totals.append(total)
        if best is None or total < sum(best.values()):
            best = stages
    assert best is not None
    return best, totals


def _sample(w: Workload, fraction: float) -> list[int]:
    """Measures the baseline is run on: the first of each kind, half counts and half
    proportions, so that its time scales to the full set."""
    nm = len(w.measures)
    k = max(2, min(nm, round(fraction * nm)))
    counts = [i for i in range(nm) if w.is_count[i]]
    props = [i for i in range(nm) if not w.is_count[i]]
    take_c = min(len(counts), (k + 1) // 2)
    take_p = min(len(props), k - take_c)
    return sorted(counts[:take_c] + props[:take_p])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forces", type=int, default=43,
                    help="forces (default 43; more than 43 get synthetic codes)")
    ap.add_argument("--measures", type=int, default=150, help="measures (default 150)")
    ap.add_argument("--months", type=int, default=150,
                    help="months of data ending March 2024 (default 150; at least 24)")
    ap.add_argument("--seed", type=int, default=2024, help="data seed (default 2024)")
    ap.add_argument("--repeats", type=int, default=5,
                    help="perfcore runs; the fastest is reported (default 5)")
    ap.add_argument("--baseline-repeats", type=int, default=3,
                    help="baseline runs; the fastest is reported (default 3)")
    ap.add_argument("--baseline-sample", type=float, default=1.0,
                    help="time the baseline on this fraction of the measures and scale "
                         "linearly (default 1.0: all of them)")
    ap.add_argument("--keys", choices=("both", "codes", "text"), default="both",
                    help="form of the key columns both paths start from: factorised codes "
                         "(the headline figures), lists of strings, or both (default)")
    ap.add_argument("--no-baseline", action="store_true",
                    help="leave out the pandas + statsmodels baseline (perfcore and the "
                         "floor only)")
    ap.add_argument("--memory", action="store_true",
                    help="also measure peak memory per cell of perfcore and the floor, each "
                         "in a fresh process")
    ap.add_argument("--memory-probe", choices=("perfcore", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if the figures disagree or the bar is missed")
    args = ap.parse_args(argv)
    if args.forces < 2 or args.measures < 2 or args.months < 24:
        ap.error("need at least 2 forces, 2 measures and 24 months (two financial years)")
    if not 0 < args.baseline_sample <= 1:
        ap.error("--baseline-sample must be in (0, 1]")
    if args.repeats < 1 or args.baseline_repeats < 1:
        ap.error("repeats must be at least 1")
    return args


def measure_floor(w: Workload, args: argparse.Namespace) -> dict[str, Any]:
    """Check perfcore agrees with the floor (benchmarks/floor.py), then time the two in
    turns, run after run, so that both see the same state of a shared machine; the ratio
    is of the best runs, with the range of the ratios of each pair of runs."""
    ev, spc, _ = run_perfcore(w, "codes")
    checks = floor.agreement(perfcore_results(w, ev, spc), floor.run_floor(w)[0], w.is_count)
    del ev, spc
    pc_runs: list[dict[str, float]] = []
    fl_runs: list[dict[str, float]] = []
    # CPU time of each run too: on a shared machine other processes stretch wall-clock
    # times (the longer run more often), not the CPU time a run takes. The calling
    # thread's only: both paths compute in it (see xmr_batch's workers), while BLAS
    # helper threads, woken by the small matrix products of group sums, spin on.
    pc_cpu: list[float] = []
    fl_cpu: list[float] = []
    for _ in range(args.repeats):
        gc.collect()
        t = time.thread_time()
        pc_runs.append(run_perfcore(w, "codes")[2])
        pc_cpu.append(time.thread_time() - t)
        gc.collect()
        t = time.thread_time()
        fl_runs.append(floor.run_floor(w)[1])
        fl_cpu.append(time.thread_time() - t)
    pc_t = [sum(r.values()) for r in pc_runs]
    fl_t = [sum(r.values()) for r in fl_runs]
    pairs = [a / b for a, b in zip(pc_t, fl_t, strict=True)]
    best_pc, best_fl = min(pc_t), min(fl_t)
    return {
        "perfcore_seconds": round(best_pc, 4),
        "perfcore_stages": {k: round(v, 4) for k, v in pc_runs[pc_t.index(best_pc)].items()},
        "perfcore_runs": [round(t, 4) for t in pc_t],
        "floor_seconds": round(best_fl, 4),
        "floor_stages": {k: round(v, 4) for k, v in fl_runs[fl_t.index(best_fl)].items()},
        "floor_runs": [round(t, 4) for t in fl_t],
        "ratio": round(best_pc / best_fl, 2),
        "ratio_of_pairs": [round(min(pairs), 2), round(max(pairs), 2)],
        "perfcore_cpu_seconds": round(min(pc_cpu), 4), "floor_cpu_seconds": round(min(fl_cpu), 4),
        "cpu_ratio": round(min(pc_cpu) / min(fl_cpu), 2),
        "target_ratio": TARGET_FLOOR_RATIO, "meets_ratio": best_pc / best_fl <= TARGET_FLOOR_RATIO,
        "agree": all(c["mismatches"] == 0 for c in checks.values()), "agreement": checks,
    }


def memory_probe(args: argparse.Namespace) -> dict[str, Any]:
    """Peak memory of one perfcore or floor run (``--memory-probe``), in this process:
    what the run allocates beyond its input (traced by tracemalloc, which sees numpy's
    arrays), after one untraced run has done the imports and filled the caches."""
    import tracemalloc

    w = make_workload(args.forces, args.measures, args.months, args.seed)
    cells = w.value.size
    if args.memory_probe == "perfcore":
        def once() -> Any:
            return run_perfcore(w, "codes")
    else:
        def once() -> Any:
            return floor.run_floor(w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        once()
        gc.collect()
        tracemalloc.start()
        start, _ = tracemalloc.get_traced_memory()
        kept = once()
        end, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    del kept
    # The input: three key codes (int32) and three value columns (float64).
    inputs = sum(a.nbytes for a in (w.measure_code, w.force_code, w.month_code, w.value,
                                    w.numerator, w.denominator))
    return {"path": args.memory_probe, "cells": cells,
            "peak_bytes_per_cell": round((peak - start) / cells, 1),
            "kept_bytes_per_cell": round((end - start) / cells, 1),
            "input_bytes_per_cell": round(inputs / cells, 1)}


def measure_memory(args: argparse.Namespace) -> dict[str, Any]:
    """:func:`memory_probe` of perfcore and of the floor, each in a fresh process."""
    import subprocess

    out: dict[str, Any] = {}
    for path in ("perfcore", "floor"):
        cmd = [sys.executable, __file__, "--forces", str(args.forces), "--measures",
               str(args.measures), "--months", str(args.months), "--seed", str(args.seed),
               "--memory-probe", path]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        out[path] = json.loads(done.stdout)
    out["target_peak_bytes_per_cell"] = TARGET_BYTES_PER_CELL
    out["meets_peak"] = out["perfcore"]["peak_bytes_per_cell"] <= TARGET_BYTES_PER_CELL
    return out


def measure_keys(w: Workload, keys: str, sample: Sequence[int],
                 args: argparse.Namespace) -> dict[str, Any]:
    """Check both paths agree, then time them, for one form of the key columns."""
    nm = len(w.measures)
    # Same answers first (untimed runs, which also warm up imports and caches).
    ev, spc, _ = run_perfcore(w, keys)
    pc = perfcore_results(w, ev, spc)
    if args.no_baseline:
        del ev, spc, pc
        pc_stages, pc_totals = _best(lambda: run_perfcore(w, keys)[2], args.repeats)
        return {"keys": keys, "perfcore_seconds": round(sum(pc_stages.values()), 4),
                "perfcore_stages": {k: round(v, 4) for k, v in pc_stages.items()},
                "perfcore_runs": [round(t, 4) for t in pc_totals]}
    bl_columns = baseline_columns(w, sample, keys)
    out, charts, _ = run_baseline(w, bl_columns)
    bl = baseline_results(w, out, charts, sample)
    checks = agreement(pc, bl, sample)
    del ev, spc, pc, out, charts, bl

    pc_stages, pc_totals = _best(lambda: run_perfcore(w, keys)[2], args.repeats)
    bl_stages, _ = _best(lambda: run_baseline(w, bl_columns)[2], args.baseline_repeats)
    t_pc = sum(pc_stages.values())
    scale = nm / len(sample)
    t_bl_measured = sum(bl_stages.values())
    t_bl = t_bl_measured * scale
    return {
        "keys": keys,
        "perfcore_seconds": round(t_pc, 4),
        "perfcore_stages": {k: round(v, 4) for k, v in pc_stages.items()},
        "perfcore_runs": [round(t, 4) for t in pc_totals],
        "baseline_seconds": round(t_bl, 3),
        "baseline_measured_seconds": round(t_bl_measured, 3),
        "baseline_stages": {k: round(v * scale, 3) for k, v in bl_stages.items()},
        "baseline_scaled_from": ({"measures": len(sample), "of": nm, "factor": round(scale, 3)}
                                 if len(sample) < nm else None),
        "ratio": round(t_bl / t_pc, 1),
        "meets_seconds": t_pc < TARGET_SECONDS, "meets_ratio": t_bl / t_pc >= TARGET_RATIO,
        "agree": all(c["mismatches"] == 0 for c in checks.values()), "agreement": checks,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memory_probe:
        print(json.dumps(memory_probe(args)))
        return 0
    w = make_workload(args.forces, args.measures, args.months, args.seed)
    nm, nf, nt = w.shape
    sample = _sample(w, args.baseline_sample)
    forms = ["codes", "text"] if args.keys == "both" else [args.keys]
    runs = {keys: measure_keys(w, keys, sample, args) for keys in forms}
    near_floor = measure_floor(w, args)
    memory = measure_memory(args) if args.memory else None
    result: dict[str, Any] = {
        "forces": nf, "measures": nm, "months": nt, "seed": args.seed,
        "observations": nm * nf * nt, "series": nm * nf,
        "period": str(w.period), "msg_size": min(MSG_SIZE, nf - 1),
        **runs[forms[0]],
        "floor": near_floor,
        **({"memory": memory} if memory is not None else {}),
        "target": {"seconds": TARGET_SECONDS, "ratio": TARGET_RATIO,
                   "floor_ratio": TARGET_FLOOR_RATIO,
                   "peak_bytes_per_cell": TARGET_BYTES_PER_CELL},
        "environment": {"python": platform.python_version(), "numpy": np.__version__,
                        "pandas": pd.__version__, "statsmodels": statsmodels.__version__,
                        "cpus": os.cpu_count(), "machine": platform.machine()},
    }
    if "text" in runs and forms[0] != "text":
        result["text_keys"] = runs["text"]
    if args.json:
        print(json.dumps(result))
    else:
        _print_table(result)
        if "text_keys" in result:
            print()
            _print_times(result["text_keys"])
        print()
        _print_floor(near_floor)
        if memory is not None:
            _print_memory(memory)
    # Every form measured must agree; the bars are for the headline form.
    head = runs[forms[0]]
    ok = (all(r.get("agree", True) for r in runs.values()) and near_floor["agree"]
          and near_floor["meets_ratio"] and (memory is None or memory["meets_peak"]))
    if not args.no_baseline:
        ok = ok and head["meets_seconds"] and head["meets_ratio"]
    return 0 if ok or not args.check else 1


def _print_table(r: dict[str, Any]) -> None:
    print(f"National workload: {r['forces']} forces x {r['measures']} measures x "
          f"{r['months']} months = {r['observations']:,} observations, "
          f"{r['series']:,} monthly series; evaluating {r['period']} "
          f"with {r['msg_size']}-force MSGs and England & Wales")
    print()
    _print_times(r)


def _print_stages(title: str, stages: dict[str, float], best: float,
                  runs: list[float]) -> None:
    print(f"{title:<24}{'seconds':>10}")
    for k, v in stages.items():
        print(f"  {k:<22}{v:>10.4f}")
    print(f"  {'total (best of ' + str(len(runs)) + ')':<22}{best:>10.4f}   all runs: "
          + ", ".join(f"{t:.3f}" for t in runs))


def _print_floor(f: dict[str, Any]) -> None:
    print("perfcore against the floor (plain numpy, benchmarks/floor.py), runs in turns")
    _print_stages("perfcore stage", f["perfcore_stages"], f["perfcore_seconds"],
                  f["perfcore_runs"])
    _print_stages("floor stage", f["floor_stages"], f["floor_seconds"], f["floor_runs"])
    lo, hi = f["ratio_of_pairs"]
    mark = "met" if f["meets_ratio"] else "MISSED"
    print(f"ratio (perfcore / floor): {f['ratio']:.2f}x best against best "
          f"({lo:.2f}-{hi:.2f}x run by run); bar <= {f['target_ratio']:g}x {mark}")
    print(f"CPU time, best: perfcore {f['perfcore_cpu_seconds']:.4f} s, floor "
          f"{f['floor_cpu_seconds']:.4f} s: {f['cpu_ratio']:.2f}x")
    _print_agreement(f["agreement"], "the floor")


def _print_memory(m: dict[str, Any]) -> None:
    for path in ("perfcore", "floor"):
        r = m[path]
        print(f"peak memory, {path}: {r['peak_bytes_per_cell']:.1f} bytes per cell beyond "
              f"the input ({r['input_bytes_per_cell']:.0f}), {r['kept_bytes_per_cell']:.1f} "
              "kept in the results")
    mark = "met" if m["meets_peak"] else "MISSED"
    print(f"bar: perfcore <= {m['target_peak_bytes_per_cell']} bytes per cell {mark}")


def _print_agreement(checks: dict[str, dict[str, Any]], other: str) -> None:
    bad = {k: v for k, v in checks.items() if v["mismatches"]}
    n = sum(v["compared"] for v in checks.values())
    if not bad:
        print(f"agreement with {other}: all {n:,} compared figures agree "
              f"({', '.join(checks)})")
    else:
        print(f"agreement with {other}: DISAGREE on " + "; ".join(
            f"{k} ({v['mismatches']} of {v['compared']})" for k, v in bad.items()))


def _print_times(r: dict[str, Any]) -> None:
    print(f"key columns as {r['keys']}")
    _print_stages("perfcore stage", r["perfcore_stages"], r["perfcore_seconds"],
                  r["perfcore_runs"])
    print()
    if "baseline_seconds" not in r:
        return
    scaled = r["baseline_scaled_from"]
    note = (f"  (timed on {scaled['measures']} of {scaled['of']} measures, scaled "
            f"x{scaled['factor']})" if scaled else "")
    print(f"{'pandas + statsmodels':<24}{'seconds':>10}{note}")
    for k, v in r["baseline_stages"].items():
        print(f"  {k:<22}{v:>10.3f}")
    print(f"  {'total':<22}{r['baseline_seconds']:>10.3f}")
    print()
    print(f"ratio (baseline / perfcore): {r['ratio']:.1f}x")
    mark = {True: "met", False: "MISSED"}
    print(f"bar: < {TARGET_SECONDS:g} s {mark[r['meets_seconds']]}, "
          f">= {TARGET_RATIO:g}x {mark[r['meets_ratio']]}")
    _print_agreement(r["agreement"], "the baseline")


if __name__ == "__main__":
    sys.exit(main())
