"""The data of a row's peer chart and funnel plot, from the evaluation's figures of every
organisation (:class:`~perfcore.evaluation.Peers`): who is in the force's group, their
figures on the scale the report shows, the group's average and the force's rank.

A group of a few members (a most similar group, a country, a region) gets a peer chart;
a national group of all the forces gets a funnel plot for a rate or proportion (its
counts and bases are what a funnel needs) — a chart of 43 bars says less than a funnel.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from perfcore.codes import MeasureKind
from perfcore.evaluation import Evaluation
from perfcore.i18n import Translator
from perfcore.model import Measure
from perfcore.report.model import FunnelChart, PeerChart

__all__ = ["change_title", "funnel_chart", "peer_charts"]

#: Groups with more members than this are drawn as a funnel plot, not a peer chart.
PEER_CHART_MEMBERS = 12


def _scale(m: Measure) -> float:
    # Proportions are shown in per cent; counts are compared by % change already.
    return 100.0 if m.kind is MeasureKind.PROPORTION else 1.0


def change_title(measure: str, change_heading: str, _: Translator) -> str:
    """A chart of a measure's % changes titled with the report's name for the change and
    its unit: "All Crime: Annual change (%)", "All Crime: 18-month change (%)" (the bars
    are marked 19.9 for the table's +19.9%)."""
    return _("{measure}: {change} (%)").format(measure=measure, change=change_heading)


def peer_charts(ev: Evaluation, i: int, j: int, m: Measure, name: Callable[[str], str],
                group_name: Callable[[str], str], decimals: int, change_decimals: int,
                _: Translator, *, change_heading: str) -> tuple[PeerChart, ...]:
    """A peer chart per comparator group of at most :data:`PEER_CHART_MEMBERS` members of
    which at least two have a figure (the force among them). A chart of changes is titled
    with ``change_heading``, the report's name for the change ("Annual change", "18-month
    change")."""
    peers = ev.peers
    if peers is None or m.kind is MeasureKind.QUALITATIVE:
        return ()
    by_change = not (m.kind.uses_pp_change or m.kind is MeasureKind.RATE)
    if by_change and m.kind is not MeasureKind.COUNT:
        return ()
    scale = 1.0 if by_change else _scale(m)
    out = []
    for slot, c in ev.comparisons.items():
        members = c.members[j] if c.members else ()
        if not c.group[j] or len(members) > PEER_CHART_MEMBERS:
            continue
        k = peers.index(members)
        values = peers.estimate[i, k] * scale
        if np.isfinite(values).sum() < 2:
            continue
        lower, upper = peers.lower[i, k] * scale, peers.upper[i, k] * scale
        average = float(c.change[i, j] if by_change else c.value[i, j] * scale)
        rank = int(c.rank[i, j])
        what = (change_title(m.name, change_heading, _) if by_change
                else _("{measure} (%)").format(measure=m.name) if scale == 100.0
                else m.name)
        out.append(PeerChart(
            slot=slot, title=f"{what} — {group_name(slot)}",
            names=tuple(name(o) for o in members), values=tuple(values.tolist()),
            lower=tuple(lower.tolist()), upper=tuple(upper.tolist()),
            highlight=name(ev.organisations[j]),
            average=average if math.isfinite(average) else None,
            average_label=_("Group average"), rank=rank or None,
            size=int(c.group_size[i, j]) or None, polarity=m.polarity.value,
            decimals=change_decimals if by_change else decimals))
    return tuple(out)


def funnel_chart(ev: Evaluation, i: int, j: int, m: Measure, name: Callable[[str], str],
                 group_name: Callable[[str], str], decimals: int,
                 _: Translator) -> FunnelChart | None:
    """A funnel plot of a rate or proportion across the members of the organisation's
    national group (more than :data:`PEER_CHART_MEMBERS` members, with counts and bases),
    centred on the group's own figure."""
    peers = ev.peers
    if peers is None or not (m.kind is MeasureKind.RATE or m.kind is MeasureKind.PROPORTION):
        return None
    for slot, c in ev.comparisons.items():
        members = c.members[j] if c.members else ()
        if len(members) <= PEER_CHART_MEMBERS:
            continue
        k = peers.index(members)
        num, den = peers.numerator[i, k], peers.denominator[i, k]
        if (np.isfinite(num) & np.isfinite(den) & (den > 0)).sum() < 3:
            continue
        rate = m.kind is MeasureKind.RATE
        baseline = float(c.value[i, j]) / (m.rate_per if rate else 1.0)
        return FunnelChart(
            title=f"{m.name} — {group_name(slot)}", names=tuple(name(o) for o in members),
            numerators=tuple(num.tolist()), denominators=tuple(den.tolist()),
            highlight=name(ev.organisations[j]),
            statistic="rate" if rate else "proportion",
            multiplier=float(m.rate_per) if rate else 100.0,
            baseline=baseline if math.isfinite(baseline) else None,
            centre_label=group_name(slot), polarity=m.polarity.value,
            y_label=m.unit if rate else "%", decimals=decimals)
    return None
