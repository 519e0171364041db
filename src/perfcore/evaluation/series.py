"""Figures from more than the two periods compared: Fingertips trend markers over the
last periods, targets against their baseline, XmR charts of monthly series, and the
values of earlier periods a report shows.

Each reads its periods with :func:`.values.gather` and derives the values with
:func:`.values.measure_values`, like the headline figures.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

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

__all__ = ["history", "history_span", "spc_charts", "targets", "trend_markers"]


def _values_in(dataset: Dataset, measures: Sequence[Measure], periods: Sequence[Period],
               orgs: Sequence[str]) -> npt.NDArray[np.float64]:
    obs = gather(dataset, measures, periods, orgs, warn=False)
    return measure_values(obs, measures, organisations=orgs, periods=periods).value


def trend_markers(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
                  period: Period, *, points: int, confidence: float) -> Trend:
    """Fingertips trend markers over the ``points`` periods ending with ``period``: one
    call per kind of measure, over all its measures and every organisation."""
    periods = [period]
    for _ in range(points - 1):
        periods.insert(0, periods[0].previous())
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


def targets(dataset: Dataset, measures: Sequence[Measure], orgs: Sequence[str],
            current: npt.NDArray[np.float64]) -> Targets:
    """Each measure's position against its target: met / not met (with the gap, in the
    measure's units, positive when the target is beaten) / not available."""
    nm, no = current.shape
    status = np.full((nm, no), TargetStatus.NO_TARGET, dtype=np.int8)
    gap = np.full((nm, no), np.nan)
    for i, m in enumerate(measures):
        t = m.target
        if t is None:
            continue
        sign = m.polarity.sign
        if t.value is not None:
            g = (current[i] - t.value) * (sign if sign else 1)
        else:
            if t.baseline is None or t.baseline not in dataset.periods:
                status[i] = TargetStatus.NOT_AVAILABLE
                continue
            base = _values_in(dataset, [m], [t.baseline], orgs)[0, :, 0]
            with np.errstate(divide="ignore", invalid="ignore"):
                achieved = ((current[i] - base) * 100 if t.change_unit == "pp"
                            else (current[i] - base) / base)
            assert t.change is not None
            g = (achieved - t.change) * sign
        gap[i] = g
        status[i] = np.where(np.isnan(g), TargetStatus.NOT_AVAILABLE,
                             np.where(g >= 0, TargetStatus.MET, TargetStatus.NOT_MET))
    return Targets(status=status, gap=gap)


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
