"""Figures from more than the two periods compared: Fingertips trend markers over the
last periods, targets against their baseline, XmR charts of monthly series, and the
values of earlier periods a report shows.

Each reads its periods with :func:`.values.gather` and derives the values with
:func:`.values.measure_values`, like the headline figures.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from perfcore.calc import TrendResult, count_ci, rate_ci, trend_test
from perfcore.calc.spc import XmrBatchResult
from perfcore.codes import AssuranceIcon, MeasureKind, TargetStatus, TrendMarker, VariationIcon
from perfcore.dataset import Dataset
from perfcore.errors import InvalidInputWarning, TrialLimitsWarning
from perfcore.evaluation.records import History, Spc, SpcRebase, Targets, Trend
from perfcore.evaluation.values import gather, measure_values
from perfcore.model import Measure
from perfcore.periods import Month, Period

__all__ = ["baseline_values", "history", "history_span", "spc_charts", "targets",
           "trend_markers", "trend_window"]


def _values_in(dataset: Dataset, measures: Sequence[Measure], periods: Sequence[Period],
               orgs: Sequence[str]) -> npt.NDArray[np.float64]:
    obs = gather(dataset, measures, periods, orgs, warn=False)
    return measure_values(obs, measures, organisations=orgs, periods=periods).value


def trend_window(period: Period, points: int) -> list[Period]:
    """The ``points`` periods ending with ``period``, oldest first: a trend marker's."""
    periods = [period]
    for _ in range(points - 1):
        periods.insert(0, periods[0].previous())
    return periods


def trend_markers(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
                  period: Period, *, points: int, confidence: float) -> Trend:
    """Fingertips trend markers over the ``points`` periods ending with ``period``: one
    call per kind of measure, over all its measures and every organisation."""
    periods = trend_window(period, points)
    nm, no = len(measures), len(orgs)
    out = np.full((nm, no), TrendMarker.COULD_NOT_BE_CALCULATED, dtype=np.int8)
    if not all(p in dataset.periods for p in periods):
        return Trend(marker=out, points=points)
    obs = gather(dataset, measures, periods, orgs, warn=False)
    v = measure_values(obs, measures, organisations=orgs, periods=periods)
    pol = np.array([m.polarity.sign for m in measures], dtype=np.int8)[:, None]
    kind = np.array([m.kind.value for m in measures])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InvalidInputWarning)
        rows = np.flatnonzero(kind == MeasureKind.PROPORTION.value)
        if rows.size:
            out[rows] = _marker(trend_test(polarity=pol[rows], numerator=v.x[rows],
                                           denominator=v.n[rows], points=points))
        rows = np.flatnonzero(kind == MeasureKind.COUNT.value)
        if rows.size:
            ci = count_ci(v.x[rows], confidence=confidence)
            out[rows] = _marker(trend_test(v.value[rows], polarity=pol[rows], lower=ci.lower,
                                           upper=ci.upper, ci_confidence=confidence,
                                           points=points))
        rows = np.flatnonzero(kind == MeasureKind.RATE.value)
        if rows.size:
            # The interval is linear in the rate's base, so one call serves every base.
            per = np.array([float(measures[int(i)].rate_per) for i in rows])[:, None, None]
            ci = rate_ci(v.x[rows], v.n[rows], per=1.0, confidence=confidence)
            out[rows] = _marker(trend_test(v.value[rows], polarity=pol[rows],
                                           lower=ci.lower * per, upper=ci.upper * per,
                                           ci_confidence=confidence, points=points))
    return Trend(marker=out, points=points)


def _marker(result: TrendResult) -> npt.NDArray[np.int8]:
    return np.asarray(result.label_code, dtype=np.int8)


def baseline_values(dataset: Dataset, measure: Measure, orgs: Sequence[str]
                    ) -> tuple[npt.NDArray[np.float64], ...] | None:
    """A change target's baseline: its value, count and base for each organisation (NaN
    where the data have none), or None when the target has no baseline or the data no
    such period."""
    t = measure.target
    if t is None or t.baseline is None or t.baseline not in dataset.periods:
        return None
    obs = gather(dataset, [measure], [t.baseline], orgs, warn=False)
    v = measure_values(obs, [measure], organisations=orgs, periods=[t.baseline])
    return v.value[0, :, 0], v.x[0, :, 0], v.n[0, :, 0]


def targets(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
            current: npt.NDArray[np.float64], change: npt.NDArray[np.float64],
            period: Period) -> Targets:
    """Each measure's position against its target in ``period`` (see
    :class:`~.records.Targets`): the level it asks for, the gap to it in the measure's
    units, the change achieved since its baseline against the change needed by now, and
    the status those give — ``change`` (the change since the previous period) says
    whether a target without a deadline is being moved towards."""
    nm, no = current.shape
    status = np.full((nm, no), TargetStatus.NO_TARGET, dtype=np.int8)
    out = {k: np.full((nm, no), np.nan) for k in ("gap", "level", "achieved", "required",
                                                  "baseline", "baseline_count",
                                                  "baseline_base")}
    for i, m in enumerate(measures):
        if m.target is None:
            continue
        base = baseline_values(dataset, m, orgs)
        if base is not None:
            out["baseline"][i], out["baseline_count"][i], out["baseline_base"][i] = base
        row = _target_row(m, None if base is None else base[0], current[i], change[i],
                          period)
        status[i] = row[0]
        for k, v in zip(("level", "gap", "achieved", "required"), row[1:], strict=True):
            out[k][i] = v
    return Targets(status=status, **out)


def _target_row(m: Measure, base: npt.NDArray[np.float64] | None,
                current: npt.NDArray[np.float64], change: npt.NDArray[np.float64],
                period: Period) -> tuple[npt.NDArray[Any], ...]:
    """One measure's target figures over the organisations: status codes, level, gap,
    achieved and required."""
    t = m.target
    assert t is not None
    sign = m.polarity.sign or 1
    nan = np.full(current.shape, np.nan)
    achieved, required = nan, nan
    if t.value is not None:
        level = np.full(current.shape, float(t.value))
    elif base is None:
        return (np.full(current.shape, TargetStatus.NOT_AVAILABLE, dtype=np.int8), nan, nan,
                nan, nan)
    else:
        assert t.change is not None
        pp = t.change_unit == "pp"
        with np.errstate(divide="ignore", invalid="ignore"):
            # A % change from a baseline of 0 is undefined: so is the level it asks for.
            level = base + t.change / 100 if pp else np.where(base == 0, np.nan,
                                                              base * (1 + t.change))
            achieved = (current - base) * 100 if pp else (current - base) / base * 100
        if t.by is not None and t.baseline is not None:
            span = t.by.last - t.baseline.last
            elapsed = min(max((period.last - t.baseline.last) / span, 0.0), 1.0)
            required = np.full(current.shape, t.change * (1 if pp else 100) * elapsed)
    scale = 100.0 if m.kind is MeasureKind.PROPORTION else 1.0
    gap = (current - level) * sign * scale
    # A target met exactly must not miss by binary noise (90 against 100 × 0.9).
    gap = np.where(np.abs(gap) <= 1e-9 * np.maximum(1.0, np.abs(level * scale)), 0.0, gap)
    short: npt.NDArray[np.int8] | TargetStatus
    if t.by is not None and period.last >= t.by.last:
        short = TargetStatus.NOT_MET
    elif t.by is None:
        towards = np.sign(np.nan_to_num(change)) * sign > 0
        short = np.where(towards, TargetStatus.ON_TRACK, TargetStatus.OFF_TRACK)
    elif t.change is not None:
        short = np.where((achieved - required) * sign >= 0, TargetStatus.ON_TRAJECTORY,
                         TargetStatus.OFF_TRAJECTORY)
    else:
        short = TargetStatus.NOT_YET_MET
    status = np.select([np.isnan(gap), gap >= 0],
                       [TargetStatus.NOT_AVAILABLE, TargetStatus.MET], short)
    return status.astype(np.int8), level, gap, achieved, required


def spc_charts(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
               period: Period, *, points: int | None, rules: str = "nhsr") -> Spc:
    """XmR charts of the months ending with the period's last month, for every measure ×
    organisation whose monthly series is complete there: ``points`` months with the
    ``rules`` profile unless a measure's ``spc`` settings say otherwise, split at the
    measure's rebases that fall inside its chart (one batch per rule profile)."""
    nm, no = len(measures), len(orgs)
    lengths = np.array([0 if m.kind is MeasureKind.QUALITATIVE else m.spc.points or points or 0
                        for m in measures], dtype=np.int64)
    profiles = np.array([m.spc.rules or rules for m in measures], dtype=object)
    if not any(isinstance(p, Month) for p in dataset.periods):
        lengths[:] = 0  # no monthly data: no chart has any month
    width = int(lengths.max()) if nm else 0
    months = tuple(Month.from_index(i) for i in range(period.last - width + 1,
                                                      period.last + 1))
    rebases = tuple(_placed(m, months[width - n:] if n and width else ())
                    for m, n in zip(measures, lengths.tolist(), strict=True))
    batch, row = np.full((nm, no), -1, dtype=np.int64), np.full((nm, no), -1, dtype=np.int64)
    variation = np.full((nm, no), VariationIcon.NONE, dtype=np.int8)
    assurance = np.full((nm, no), AssuranceIcon.NONE, dtype=np.int8)
    batches: list[XmrBatchResult] = []
    if width:
        value = _values_in(dataset, measures, months, orgs)
        # A measure's chart is its last lengths[i] months; a month missing there stops it.
        in_chart = np.arange(width)[None, :] >= (width - lengths)[:, None]
        chartable = ~(np.isnan(value) & in_chart[:, None, :]).any(axis=2)
        chartable &= (lengths > 0)[:, None]
        for profile in dict.fromkeys(profiles.tolist()):
            mi, oi = np.nonzero(chartable & (profiles == profile)[:, None])
            if mi.size == 0:
                continue
            charts = _chart_cells(value[mi, oi], mi, oi, lengths, measures, orgs, rebases,
                                  profile)
            batch[mi, oi], row[mi, oi] = len(batches), np.arange(mi.size)
            variation[mi, oi] = charts.variation_code
            assurance[mi, oi] = charts.assurance_code
            batches.append(charts)
    return Spc(batches=tuple(batches), batch=batch, row=row, months=months, points=lengths,
               rules=tuple(profiles.tolist()), rebases=rebases, variation=variation,
               assurance=assurance)


def _placed(measure: Measure, months: Sequence[Month]) -> tuple[SpcRebase, ...]:
    """The measure's rebases with their place in a chart of ``months`` (None where one
    splits nothing: at or before the first month, or after the last)."""
    first = months[0].first if months else 0
    out = []
    for r in measure.spc.rebase:
        position = r.month.first - first
        inside = bool(months) and 0 < position < len(months)
        out.append(SpcRebase(month=r.month, note=r.note, position=position if inside else None))
    return tuple(out)


def _chart_cells(series: npt.NDArray[np.float64], mi: npt.NDArray[np.intp],
                 oi: npt.NDArray[np.intp], lengths: npt.NDArray[np.int64],
                 measures: Sequence[Measure], orgs: Sequence[str],
                 rebases: Sequence[tuple[SpcRebase, ...]], profile: str) -> XmrBatchResult:
    """One batch: the series of cells ``(mi, oi)`` (measures × months, the longest chart's
    months), each moved to start at its own chart's first month."""
    from perfcore.calc.spc import xmr_batch
    width = series.shape[1]
    n = lengths[mi]
    cols = np.minimum(np.arange(width)[None, :] + (width - n)[:, None], width - 1)
    aligned = np.take_along_axis(series, cols, axis=1)  # the rest is padding, never read
    signs = np.array([m.polarity.sign for m in measures], dtype=np.int64)
    improvement = np.array(["decrease", "neutral", "increase"])[signs[mi] + 1]
    target = np.array([m.target.value if m.target is not None and m.target.value is not None
                       else np.nan for m in measures])[mi]
    rebase = ([[r.position for r in rebases[a] if r.applied] for a in mi.tolist()]
              if any(r.applied for a in set(mi.tolist()) for r in rebases[a]) else None)
    with warnings.catch_warnings():
        # Short series are flagged on the result (``trial``), not warned about per series.
        warnings.simplefilter("ignore", TrialLimitsWarning)
        return xmr_batch(aligned, lengths=n, improvement=improvement, target=target,
                         rebase=rebase, profile=profile,
                         series_ids=[f"{measures[a].id} / {orgs[b]}"
                                     for a, b in zip(mi.tolist(), oi.tolist(), strict=True)])


def history_span(dataset: Dataset, period: Period, previous: Period,
                 shown: Sequence[Period], *, points: int
                 ) -> tuple[tuple[Period, ...], tuple[Period, ...]]:
    """The earlier periods a report shows as columns (those of ``shown`` before the
    previous period: a column never repeats the previous one) and the series of the
    current period's kind and length in the data, last ``points`` ending with it."""
    series = sorted(p for p in dataset.periods if type(p) is type(period)
                    and p.length == period.length and p.last <= period.last)[-points:]
    if period not in series:
        series.append(period)
    return tuple(sorted({p for p in shown if p < previous})), tuple(series)


def history(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
            shown: Sequence[Period], series: Sequence[Period], previous: Period,
            period: Period) -> History:
    """The values of the earlier periods a report shows beside the two compared and of
    the series a sparkline draws, with the counts and bases behind them and the recorded
    source of each observation."""
    periods = tuple(sorted({*shown, *series, previous, period}))
    obs = gather(dataset, measures, periods, orgs, warn=False)
    v = measure_values(obs, measures, organisations=orgs, periods=periods)
    sources, codes = dataset.source_cube([m.id for m in measures], orgs, periods)
    return History(periods=periods, values=v.value, numerator=v.x, denominator=v.n,
                   source=codes, sources=sources, shown=tuple(shown), series=tuple(series))
