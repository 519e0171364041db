"""Charting: :func:`xmr_batch` charts many series at once, block by block, each block in
named steps (groups, moving ranges, centre lines, rule flags, labels, trial limits,
icons); :func:`xmr` charts one series through the same code."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from perfcore.calc._common import BoolArray, FloatArray, Int8Array, IntArray
from perfcore.calc._exact import RowSums, mean_of, row_sums, without
from perfcore.calc.spc._inputs import (
    baselines,
    check_points,
    improvement_signs,
    read_values,
    rebase_starts,
    row_floats,
    series_name,
    targets,
)
from perfcore.calc.spc.icons import assurance_codes, variation_codes
from perfcore.calc.spc.result import XmrBatchResult, XmrResult
from perfcore.calc.spc.rules import (
    LIMIT,
    MR_SCREEN,
    NEAR_LIMIT,
    SpcRules,
    limit_line,
    point_type_codes,
    resolve_rules,
    rule_codes,
    run_flags,
    trend_steps,
    two_of_three_flags,
    value_step_signs,
)
from perfcore.codes import PointType
from perfcore.errors import OptionError, TrialLimitsWarning

__all__ = ["xmr", "xmr_batch"]

GroupArray = npt.NDArray[np.int32]

#: Points charted per block (see xmr_batch): a block's arrays stay within the 2 MB
#: second-level cache of a core, a step at a time, and per-call overhead is small.
#: Measured (issue 18, CPU time, 6,450 series of 150 points and 38,700 of 24): 200,000
#: to 500,000 points are best, 7-10% faster than 100,000 and 15-25% faster than 50,000
#: (the exact means' per-chunk steps and each block's few hundred numpy calls cost less
#: in fewer blocks); the whole batch at once (1,000,000) is 10% slower again.
_BLOCK_POINTS: Final = 250_000
#: With threads, blocks are one per thread up to this size: numpy releases the GIL
#: within each operation, so large blocks keep the threads busy rather than waiting on
#: each other, while each block's temporaries stay under about 100 MB.
_THREAD_BLOCK_POINTS: Final = 500_000
#: Threads are used by default only with this many CPUs or more, one per two CPUs: on 2
#: cores two threads chart 6,450 series of 150 points no faster than one (30.2 ms
#: against 31.1 ms at best; issue 18 measured 91-108 ms against 61-63 ms on a busy
#: machine): the blocks are memory-bound numpy steps that contend for the same caches.
_THREAD_FROM_CPUS: Final = 4
#: Fewer points than this are charted in the calling thread only, whatever ``workers``.
_THREAD_FROM_POINTS: Final = 200_000
#: Outputs written block by block: dtype, and whether there is one per point (else one
#: per series). _BLOCK_LEVELS are assembled separately.
_BLOCK_OUTPUTS: Final[Mapping[str, tuple[Any, bool]]] = {
    "values": (np.float64, True), "valid": (np.bool_, True),
    "moving_range": (np.float64, True), "mr_screened": (np.bool_, True),
    "outside_limits": (np.bool_, True), "trend": (np.bool_, True),
    "two_of_three": (np.bool_, True), "run": (np.bool_, True), "rule_code": (np.int8, True),
    "point_type_code": (np.int8, True), "trial": (np.bool_, True),
    "trial_limits": (np.bool_, False), "variation_code": (np.int8, False),
    "assurance_code": (np.int8, False)}
#: Outputs that may come back one column per series.
_BLOCK_LEVELS: Final = ("group", "mean", "mr_mean")


# --------------------------------------------------------------------------- public


def xmr_batch(values: Any, *, lengths: Any = None, mask: Any = None,
              improvement: Any = None, target: Any = None, rebase: Any = None,
              baseline: Any = None, profile: str = "nhsr",
              series_ids: Sequence[Any] | None = None, allow_gaps: bool = False,
              is_rolling_sum: Any = False, force: bool = False,
              workers: int | None = None, **switches: Any) -> XmrBatchResult:
    """XmR charts with Making Data Count rules for many series at once.

    Parameters
    ----------
    values : array-like, shape (n_series, n_points), or a list of sequences
        One series per row, oldest first. A list of sequences of different lengths is
        padded; otherwise ``lengths`` or ``mask`` say where each row ends.
    lengths : array-like of int, optional
        Points in each row; the rest is padding.
    mask : array-like of bool, optional
        True where a row has a point; must be a prefix of each row (use NaN with
        ``allow_gaps`` for gaps inside a series).
    improvement : str or Polarity, or one per series; default "increase"
        Which direction is improvement, in the plans' polarity vocabulary:
        ``"increase"``/``"higher"``/``"up"``, ``"decrease"``/``"lower"``/``"down"``,
        ``"neutral"`` (see :meth:`perfcore.codes.Polarity.parse`). ``polarity=`` is
        taken as another name for it.
    target : float or one per series, optional
        Target for the assurance icon (None/NaN: no target).
    rebase : list of position lists (one per series) or bool mask, optional
        Positions where a new group (recalculated mean and limits) starts.
    baseline : int or one per series, optional
        Fix each group's mean and limits from its first ``baseline`` points (≥ 12).
    profile : {"nhsr", "mdc_sql_2_5", "mdc_v5"}
        Rule profile; ``**switches`` (see :data:`SWITCHES`) override single settings.
    series_ids : sequence, optional
        Names used in errors and kept on the result.
    allow_gaps : bool
        Accept NaN inside a series as a gap (see docs/spc.md); otherwise a SeriesError.
    is_rolling_sum : bool or one per series
        The values are rolling sums (e.g. rolling 12 months): refused unless ``force``.
    force : bool
        Chart rolling sums anyway.
    workers : int, optional
        Threads charting blocks of series at once (default: with 4 or more CPUs, one
        per two CPUs, at most 4, for batches of 500,000 points a thread or more; else
        1, which charts everything in the calling thread: on 2 cores threads were
        measured no faster). The charts are the same whatever the number.

    Returns
    -------
    XmrBatchResult

    Raises
    ------
    SeriesError
        Non-numeric or non-finite values, NaN without ``allow_gaps``, a rebase position
        out of range, a rolling sum without ``force``; names the series and position.
    OptionError
        Unknown profile, switch or improvement; a baseline shorter than 12 points.
    """
    improvement = _improvement(improvement, switches)
    rules = resolve_rules(profile, **switches)
    ids = list(series_ids) if series_ids is not None else None
    y, lens = read_values(values, ids, lengths=lengths, mask=mask)
    n, width = y.shape
    inside = (np.ones(y.shape, dtype=bool) if bool((lens == width).all())
              else np.arange(width) < lens[:, None])
    missing = check_points(y, inside, ids, allow_gaps=allow_gaps, rolling=is_rolling_sum,
                           force=force)
    signs = improvement_signs(improvement, n)
    goals = targets(target, n)
    fix = baselines(baseline, n, ids)
    starts = rebase_starts(rebase, (n, width), lens, ids)
    out = _chart_blocks(y, inside, missing, starts, fix, signs, goals, rules, workers)
    trial_limits = out["trial_limits"]
    if trial_limits.any():
        k = int(trial_limits.sum())
        warnings.warn(
            f"{k} series ha{'s' if k == 1 else 've'} a group with fewer than "
            f"{rules.short_group} points: their limits are trial limits and will move as "
            "points are added (see result.trial)", TrialLimitsWarning, stacklevel=2)
    for v in out.values():
        v.flags.writeable = False  # a frozen result, as its repeated columns must be
    return XmrBatchResult(
        lengths=lens, improvement=signs, target=goals,
        series_ids=tuple(ids) if ids is not None else tuple(range(n)), rules=rules, **out)


def _improvement(improvement: Any, switches: dict[str, Any]) -> Any:
    """``improvement``, or ``polarity=`` (its other name, taken out of ``switches``);
    "increase" when neither is given."""
    if "polarity" not in switches:
        return "increase" if improvement is None else improvement
    polarity = switches.pop("polarity")
    if improvement is not None:
        raise OptionError(option="polarity", value=polarity,
                          reason="give improvement= or polarity= (another name for it), "
                          "not both")
    return polarity


def xmr(values: Any, *, improvement: Any = None, target: float | None = None,
        rebase: Sequence[int] | None = None, baseline: int | None = None,
        profile: str = "nhsr", series_id: Any = None, allow_gaps: bool = False,
        is_rolling_sum: bool = False, force: bool = False, **switches: Any) -> XmrResult:
    """An XmR chart of one series with Making Data Count rules.

    Parameters are those of :func:`xmr_batch` for one series: ``values`` is 1-D,
    ``rebase`` a sequence of positions that start a new group (or a boolean array of the
    series' length), ``series_id`` names the series in errors. The result is the one
    series of a batch (:meth:`XmrBatchResult.series`).

    Examples
    --------
    >>> r = xmr([20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18],
    ...         screen_outliers=False)
    >>> round(float(r.mean[0]), 2), round(float(r.upl[0]), 2), round(float(r.lpl[0]), 2)
    (23.2, 37.64, 8.76)
    """
    ids = None if series_id is None else [series_id]
    row = row_floats(values, series_name(ids, 0))
    if rebase is not None:
        rb = np.asarray(rebase)
        rebase_b: Any = ([np.flatnonzero(rb).tolist()] if rb.dtype == np.bool_
                         else [list(rebase)])
    else:
        rebase_b = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = xmr_batch(
            [row], improvement=improvement, target=target, rebase=rebase_b,
            baseline=baseline, profile=profile, series_ids=ids, allow_gaps=allow_gaps,
            is_rolling_sum=is_rolling_sum, force=force, **switches)
    for w in caught:  # re-emit so the warning points at the caller of xmr
        msg = str(w.message)
        if issubclass(w.category, TrialLimitsWarning):
            msg = (f"series {batch.series_ids[0]!r} has a group with fewer than "
                   f"{batch.rules.short_group} points: its limits are trial limits and "
                   "will move as points are added (see result.trial)")
        warnings.warn(msg, w.category, stacklevel=2)
    return batch.series(0)


# --------------------------------------------------------------------------- blocks


def _chart_blocks(y: FloatArray, inside: BoolArray, missing: BoolArray, starts: BoolArray,
                  fix: IntArray, signs: Int8Array, goals: FloatArray, rules: SpcRules,
                  workers: int | None) -> dict[str, npt.NDArray[Any]]:
    """Chart blocks of series at a time and assemble the outputs.

    Every step is numpy work across the block, and a block's arrays stay in cache.
    Blocks are independent, each writing its own rows of the outputs, so with several
    threads numpy's work on large blocks runs in parallel.
    """
    n, width = y.shape
    threads = _threads(workers, n * width)  # checked whether or not threads are used
    if n * width < _THREAD_FROM_POINTS:
        threads = 1
    rows = max(1, _BLOCK_POINTS // width)
    if threads > 1:
        rows = max(rows, min(-(-n // threads), _THREAD_BLOCK_POINTS // width))
    blocks = [slice(a, a + rows) for a in range(0, max(n, 1), rows)]
    out = {name: np.empty((n, width) if per_point else (n,), dtype=dtype)
           for name, (dtype, per_point) in _BLOCK_OUTPUTS.items()}

    def chart(b: slice) -> dict[str, npt.NDArray[Any]]:
        # Each block writes its rows of the outputs itself: no copies of block results.
        return _chart_block(y[b], inside[b], missing[b], starts[b], fix[b], signs[b],
                            goals[b], rules, {name: out[name][b] for name in _BLOCK_OUTPUTS})

    if threads > 1 and len(blocks) > 1:
        from concurrent.futures import ThreadPoolExecutor  # only for large batches

        with ThreadPoolExecutor(min(threads, len(blocks))) as pool:
            parts = list(pool.map(chart, blocks))
    else:
        parts = [chart(b) for b in blocks]
    # Groups, centre lines and MR̄ come back one column per series where a block has one
    # group (and, for the levels, no padding); spread over the points only if some block
    # needs that.
    for name in _BLOCK_LEVELS:
        levels = [p[name] for p in parts]
        if all(v.shape[1] == 1 for v in levels):
            # Read-only, like the one column it repeats.
            out[name] = np.broadcast_to(np.concatenate(levels), (n, width))
        else:
            out[name] = np.concatenate([np.broadcast_to(v, (v.shape[0], width))
                                        for v in levels])
    return out


def _threads(workers: int | None, points: int) -> int:
    """Threads for charting ``points``: ``workers``, or by default one per two of the
    CPUs this process may run on when there are :data:`_THREAD_FROM_CPUS` or more (at
    most 4, beyond which memory bandwidth rather than cores limits the charting), each
    with a block of :data:`_THREAD_BLOCK_POINTS`; otherwise the calling thread alone."""
    if workers is not None:
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise OptionError(option="workers", value=workers,
                              allowed="a whole number of threads ≥ 1, or None")
        return workers
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    if cpus < _THREAD_FROM_CPUS:
        return 1
    return max(1, min(cpus // 2, 4, points // _THREAD_BLOCK_POINTS))


# --------------------------------------------------------------------------- one block


def _chart_block(y_in: FloatArray, inside: BoolArray, missing: BoolArray, starts: BoolArray,
                 fix: IntArray, signs: Int8Array, goals: FloatArray, rules: SpcRules,
                 o: dict[str, npt.NDArray[Any]]) -> dict[str, npt.NDArray[Any]]:
    """The vectorised XmR core for a block of validated series, written into the block's
    rows of the outputs ``o`` (:data:`_BLOCK_OUTPUTS`); returns the :data:`_BLOCK_LEVELS`,
    which may be one column per series."""
    valid = np.greater(inside, missing, out=o["valid"])  # inside and not missing
    y = o["values"]
    np.copyto(y, y_in)
    if not valid.all():
        np.copyto(y, np.nan, where=~valid)
    group, n_groups, same_group, base = _groups(starts, fix, valid)
    mr_base = _moving_ranges(y, same_group, base, n_groups, o["moving_range"])
    mean, amr, n_base = _centre_lines(y, o["moving_range"], base, mr_base, group, n_groups,
                                      rules, o["mr_screened"])
    # mean and amr are (series, 1) without rebasing: so are the limits. Padding needs no
    # masking here, as y is NaN there and compares False with any limit.
    lpl, upl = limit_line(mean, amr, -LIMIT), limit_line(mean, amr, LIMIT)
    f = _rule_flags(y, mean, amr, lpl, upl, same_group, rules, o)
    rule_codes(f.outside, f.trend, f.two_of_three, f.run, out=o["rule_code"])
    point_type_codes(
        o["rule_code"], f.trend, f.step, f.trend_linked, f.side, signs, valid,
        trend_length=rules.trend_length if rules.trend_side_from_trend else None,
        out=o["point_type_code"])
    # Trial limits: groups with fewer points than rules.short_group.
    n_valid = n_base if not fix.any() else _group_count(valid, group, n_groups)
    # (no group counts more points than an int64 holds: a larger short_group, 10**400,
    # which numpy cannot compare with, makes every group short, as this does)
    short = min(rules.short_group, np.iinfo(np.int64).max)
    trial = np.logical_and(inside, n_valid < short, out=o["trial"])
    o["trial_limits"][...] = trial.any(axis=1)
    o["variation_code"][...], o["assurance_code"][...] = _icons(
        o["point_type_code"], valid, signs, goals, upl, lpl, rules)
    if mean.shape[1] != 1 or not inside.all():  # per point, NaN in padding
        mean, amr = np.where(inside, mean, np.nan), np.where(inside, amr, np.nan)
    return {"group": group, "mean": mean, "mr_mean": amr}


def _groups(starts: BoolArray, fix: IntArray,
            valid: BoolArray) -> tuple[GroupArray, int, BoolArray, BoolArray]:
    """Rebase groups, contiguous and numbered from 0 within each series; whether each
    point continues its predecessor's group; the points each group's limits come from
    (its first ``fix`` points with a fixed baseline, else all)."""
    n, width = starts.shape
    t_idx = np.arange(width)
    if starts.any():
        group: GroupArray = np.cumsum(starts, axis=1, dtype=np.int32)
        n_groups = int(group[:, -1].max()) + 1
    else:  # one group: one column of zeros, like the one-column means below
        group, n_groups = np.zeros((n, 1), dtype=np.int32), 1
    same_group = ~starts
    same_group[:, :1] = False
    if fix.any():
        group_start = np.maximum.accumulate(np.where(starts, t_idx, 0), axis=1)
        base = valid & ((fix[:, None] == 0) | (t_idx - group_start < fix[:, None]))
    else:
        base = valid
    return group, n_groups, same_group, base


def _moving_ranges(y: FloatArray, same_group: BoolArray, base: BoolArray, n_groups: int,
                   mr: FloatArray) -> BoolArray:
    """Moving ranges within a group (NaN at a group's first point and next to gaps),
    written into ``mr``, and the moving ranges the baseline counts. (The steps' signs,
    which make trends, are read from the values: see :func:`value_step_signs`.)"""
    # Along the flattened block (contiguous, much faster than row by row); each series'
    # first step, taken from the series before, is then cleared. Made in ``mr`` itself:
    # no array of differences to allocate and read again.
    yf, mrf = y.reshape(-1), mr.reshape(-1)
    np.subtract(yf[1:], yf[:-1], out=mrf[1:])
    mr[:, :1] = np.nan
    np.abs(mr, out=mr)
    if n_groups > 1:  # rebased: each group's first point has no moving range either
        np.copyto(mr, np.nan, where=~same_group)
    mr_base = same_group & base
    mr_base.reshape(-1)[1:] &= base.reshape(-1)[:-1]  # (False at each series' first point)
    return mr_base


def _centre_lines(y: FloatArray, mr: FloatArray, base: BoolArray, mr_base: BoolArray,
                  group: GroupArray, n_groups: int, rules: SpcRules,
                  screened: BoolArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each group's mean and MR̄ (after screening), the number of baseline points per
    group; which moving ranges were screened out is written into ``screened``."""
    sums = _group_sums((y, mr), (base, mr_base), group, n_groups)
    mean, amr, n_base = _group_means(sums, group)
    screened[...] = False
    if rules.screen_outliers:
        # NHSRplotthedots keeps MR < 3.267·MR̄. When MR̄ = 0 (a constant group) that keeps
        # nothing and its limits become NaN; we keep every MR instead so limits = mean.
        with np.errstate(invalid="ignore"):
            np.less(mr, MR_SCREEN * amr, out=screened)
        np.logical_not(screened, out=screened)
        screened &= mr_base
        screened &= amr > 0
        if screened.any():
            # The screened values are taken out of the sums already made, exactly.
            amr = _group_means(_dropping(sums, 1, screened), group)[0]
            if rules.screen_recomputes_mean:
                mean = _group_means(_dropping(sums, 0, screened), group)[0]
    # A group with no moving range (one point, or only gaps between points) has no
    # measured variation: limits collapse onto the mean rather than becoming NaN.
    amr = np.where(np.isnan(amr) & ~np.isnan(mean), 0.0, amr)
    return mean, amr, n_base


class _Flags(NamedTuple):
    """What the rules found, per point (see :func:`_rule_flags`)."""

    outside: BoolArray
    side: Int8Array
    run: BoolArray
    trend: BoolArray
    step: Int8Array
    two_of_three: BoolArray
    trend_linked: BoolArray


def _rule_flags(y: FloatArray, mean: FloatArray, amr: FloatArray,
                lpl: FloatArray, upl: FloatArray, same_group: BoolArray, rules: SpcRules,
                o: dict[str, npt.NDArray[Any]]) -> _Flags:
    """Each rule's flags, written into the outputs ``o``: outside the limits, runs,
    trends and 2-of-3 (with each point's side of the mean, its step from the previous
    point, and which points trends link)."""
    nlpl, nupl = limit_line(mean, amr, -NEAR_LIMIT), limit_line(mean, amr, NEAR_LIMIT)
    outside = o["outside_limits"]
    with np.errstate(invalid="ignore"):
        np.greater(y, upl, out=outside)  # NaN compares False: gaps are never outside
        outside |= y < lpl
        side = np.greater(y, mean).view(np.int8)
        side -= np.less(y, mean).view(np.int8)
        beyond_near = y < nlpl
        beyond_near |= y > nupl
    across = np.ones(y.shape, dtype=bool)
    run_linked = across if rules.runs_cross_rebase else same_group
    trend_linked = across if rules.trends_cross_rebase else same_group
    run_flags(side, run_linked, rules.run_length, out=o["run"])
    step = value_step_signs(y, trend_linked)
    trend_steps(step, rules.trend_length, out=o["trend"])
    near = beyond_near if rules.two_of_three_counts_beyond else beyond_near & ~outside
    two_of_three_flags(near, side, run_linked, out=o["two_of_three"])
    return _Flags(outside=outside, side=side, run=o["run"], trend=o["trend"], step=step,
                  two_of_three=o["two_of_three"], trend_linked=trend_linked)


def _icons(point_type: Int8Array, valid: BoolArray, signs: Int8Array, goals: FloatArray,
           upl: FloatArray, lpl: FloatArray, rules: SpcRules) -> tuple[Int8Array, Int8Array]:
    """Variation and assurance icon codes per series, from the last charted point (gaps
    and padding skipped) and its group's process limits."""
    n, width = valid.shape
    if width and valid[:, -1].all():  # every series ends with a point: the usual case
        any_valid, last = np.ones(n, dtype=bool), np.full(n, width - 1)
    else:
        any_valid = np.asarray(valid.any(axis=1), dtype=bool)
        last = (np.where(any_valid, width - 1 - np.argmax(valid[:, ::-1], axis=1), 0)
                if width else np.zeros(n, dtype=np.int64))
    rows = np.arange(n)
    last_type = (point_type[rows, last] if width
                 else np.full(n, PointType.MISSING, np.int8))
    variation = variation_codes(last_type, signs, any_valid)
    upl_last = np.broadcast_to(upl, valid.shape)[rows, last] if width else goals
    lpl_last = np.broadcast_to(lpl, valid.shape)[rows, last] if width else goals
    assurance = assurance_codes(goals, signs, upl_last, lpl_last, rules.assurance_inclusive,
                                any_valid)
    return variation, assurance


class _GroupSums(NamedTuple):
    """One rebase group's exact sums (:func:`perfcore.calc._exact.row_sums`) of some
    arrays, the arrays, the masks of the values summed, and whether the series have a
    single group."""

    sums: RowSums
    xs: tuple[FloatArray, ...]
    uses: tuple[BoolArray, ...]
    single: bool


def _group_sums(xs: tuple[FloatArray, ...], uses: tuple[BoolArray, ...], group: GroupArray,
                n_groups: int) -> list[_GroupSums]:
    """The exact sums of each of ``xs`` over its ``uses`` in each rebase group: one entry
    per group number, each over all series (a loop over group number, rarely more than
    2 or 3)."""
    if n_groups == 1:
        return [_GroupSums(row_sums(xs, uses), xs, uses, True)]
    out = []
    for k in range(n_groups):
        in_k = group == k
        masks = tuple(u & in_k for u in uses)
        out.append(_GroupSums(row_sums(xs, masks), xs, masks, False))
    return out


def _dropping(sums: list[_GroupSums], i: int, drop: BoolArray) -> list[_GroupSums]:
    """The sums of the ``i``-th array alone, with the values at ``drop`` left out
    (exactly)."""
    return [_GroupSums(without(g.sums.part(i), g.xs[i], drop & g.uses[i]), (g.xs[i],),
                       (g.uses[i] & ~drop,), g.single) for g in sums]


def _group_means(sums: list[_GroupSums], group: GroupArray) -> list[FloatArray]:
    """Each point's group mean of each array summed, correctly rounded — the double
    nearest the exact mean (:mod:`perfcore.calc._exact`), as R's ``mean`` gives it — then
    the group's count of the first array's values.

    With one group (no rebase) each is one column, (series, 1), which broadcasts against
    the points: nothing is spread over every point until an output needs it. With
    several, each is per point. A constant group's mean is its value exactly, and limits
    agree with NHSRplotthedots' to the bit.
    """
    if sums[0].single:
        g = sums[0]
        return [*mean_of(g.sums, g.xs, g.uses)[..., None], g.sums.n[0][:, None]]
    shape = group.shape
    out = [np.empty(shape) for _ in range(len(sums[0].xs) + 1)]
    for k, g in enumerate(sums):
        in_k = group == k
        for target, value in zip(out, (*mean_of(g.sums, g.xs, g.uses), g.sums.n[0]),
                                 strict=True):
            np.copyto(target, value[:, None], where=in_k)
    return out


def _group_count(use: BoolArray, group: GroupArray, n_groups: int) -> FloatArray:
    """Each point's number of ``use`` points in its rebase group (one column without
    rebasing)."""
    if n_groups == 1:
        one: FloatArray = np.count_nonzero(use, axis=1).astype(np.float64)[:, None]
        return one
    count = np.empty(use.shape)
    for k in range(n_groups):
        in_k = group == k
        n = np.count_nonzero(use & in_k, axis=1).astype(np.float64)
        np.copyto(count, n[:, None], where=in_k)
    return count
