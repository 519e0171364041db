"""Comparison of each organisation with its comparator groups: a force's Most Similar
Group (slot ``"msg"``) and area groups (England and Wales, a country, a region; the slot
is the group's id).

For each slot and cell: the group's value and change, the difference from the force, the
force's rank among the group's members and the significance label (the group's figure
outside the force's own interval: Fingertips), all vectorised over measures and forces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc import FloatArray, Reason, compare_to_benchmark, group_average, rank_in_group
from perfcore.codes import ComparatorSource, MeasureKind
from perfcore.dataset import Dataset
from perfcore.errors import OptionError
from perfcore.evaluation.figures import Headline
from perfcore.evaluation.options import EvaluationOptions
from perfcore.evaluation.records import Comparison
from perfcore.evaluation.values import MeasureValues
from perfcore.model import Measure
from perfcore.organisations import ComparatorGroup
from perfcore.periods import Period

__all__ = ["comparator_slots", "compare"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def comparator_slots(compare_with: Sequence[ComparatorGroup] | ComparatorGroup
                     ) -> dict[str, list[ComparatorGroup]]:
    """Groups by slot: every MSG in ``"msg"`` (one per force), each area group alone."""
    groups = [compare_with] if isinstance(compare_with, ComparatorGroup) else list(compare_with)
    slots: dict[str, list[ComparatorGroup]] = {}
    focals: set[str | None] = set()  # of the MSGs so far (one per force)
    for g in groups:
        if not isinstance(g, ComparatorGroup):
            raise OptionError(option="compare_with", value=g,
                              allowed="ComparatorGroup objects")
        slot = "msg" if g.kind == "msg" else g.id
        if slot == "msg":
            if g.focal in focals:
                raise OptionError(reason=f"a second MSG for {g.focal}",
                                  option="compare_with", value=g.id,
                                  allowed="one MSG per force", hint="give one MSG per force")
            focals.add(g.focal)
        slots.setdefault(slot, []).append(g)
    return slots


@attrs.frozen(kw_only=True)
class ComparisonInputs:
    """What every slot's comparison reads: the measures, all organisations of the
    dataset, their values (previous, current) and headline figures."""

    measures: tuple[Measure, ...]
    organisations: tuple[str, ...]
    values: MeasureValues
    population: FloatArray
    headline: Headline
    dataset: Dataset
    period: Period
    options: EvaluationOptions


@attrs.frozen
class _Layout:
    """Who is in whose group for one slot (organisations × organisations)."""

    members: BoolArray  # members[i, j]: j is in i's group
    members_avg: BoolArray  # the members averaged (the force itself only if it counts)
    group_of: tuple[str, ...]
    declared: FloatArray  # members the group declares (coverage is judged against these)
    include_self: bool
    ranked_size: IntArray  # the group's declared members and the force: a rank's "of n"

    @property
    def has_group(self) -> BoolArray:
        return np.array([bool(x) for x in self.group_of])


def _layout(groups: Sequence[ComparatorGroup], orgs: Sequence[str],
            include_self: bool) -> _Layout:
    no = len(orgs)
    index = {o: i for i, o in enumerate(orgs)}
    members = np.zeros((no, no), dtype=bool)
    group_of = [""] * no
    declared = np.zeros(no)
    ranked_size = np.zeros(no, dtype=np.int64)
    area_group = groups[0].kind != "msg"
    self_in = include_self or area_group
    for g in groups:
        member_idx = [index[mb] for mb in g.members if mb in index]
        if g.kind == "msg":
            if g.focal is None or g.focal not in index:
                continue
            targets = [index[g.focal]]
        else:
            # An area group compares its own member forces with it (not, say, a region
            # row that happens to be in the dataset).
            targets = member_idx
        for t in targets:
            members[t, member_idx] = True
            group_of[t] = g.id
            declared[t] = len(g.members) - (0 if self_in or orgs[t] not in g.members else 1)
            ranked_size[t] = len({*g.members, orgs[t]})
    members_avg = members.copy() if self_in else members & ~np.eye(no, dtype=bool)
    return _Layout(members=members, members_avg=members_avg, group_of=tuple(group_of),
                   declared=declared, include_self=self_in, ranked_size=ranked_size)


def compare(slot: str, groups: Sequence[ComparatorGroup], inputs: ComparisonInputs
            ) -> Comparison:
    """One slot's comparison for every measure × organisation of ``inputs``."""
    layout = _layout(groups, inputs.organisations, inputs.options.include_self)
    value, previous, source, used = _group_values(layout, inputs)
    value, previous, source = _own_rows(layout, inputs, value, previous, source)
    pct = np.array([not m.kind.uses_pp_change for m in inputs.measures])[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(pct, (value - previous) / previous * 100, (value - previous) * 100)
    _published(layout, inputs, value, change, source)
    cur = inputs.headline.current
    difference = np.where(pct, cur - value, (cur - value) * 100)
    rank, size = _ranks(layout, inputs)
    rank_source = _published_ranks(layout, inputs, rank, size)
    relation, assessment = _labels(inputs, value, change)
    reasons = np.where(np.isnan(value) & np.isnan(change), np.uint16(Reason.MISSING),
                       np.uint16(0)).astype(np.uint16)
    return Comparison(
        slot=slot, method=inputs.options.group_method, include_self=layout.include_self,
        group=layout.group_of, value=value, previous=previous, change=change,
        difference=difference, rank=rank, group_size=size, relation=relation,
        assessment=assessment, source=source, members_used=used.astype(np.int64),
        members_declared=np.broadcast_to(layout.declared.astype(np.int64), used.shape),
        reasons=reasons, members=_ranked_among(layout, inputs.organisations),
        groups=tuple(groups), rank_source=rank_source)


def _ranked_among(layout: _Layout, orgs: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each organisation's group members and itself (none where it has no group)."""
    ranked = layout.members | np.eye(len(orgs), dtype=bool)
    rows, cols = np.nonzero(ranked)  # once for all, row by row
    bounds = np.searchsorted(rows, np.arange(len(orgs) + 1)).tolist()
    names = [orgs[k] for k in cols.tolist()]
    return tuple(tuple(names[bounds[j]:bounds[j + 1]]) if layout.group_of[j] else ()
                 for j in range(len(orgs)))


def _group_values(layout: _Layout, inputs: ComparisonInputs
                  ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int8], FloatArray]:
    """The group's value in each period, like for like: from the members with data in
    both periods only, so that a member missing from one period cannot make a change.

    Where enough members have data (``min_coverage`` of those the group declares) the
    figure is the group's (``COMPUTED``); where fewer do because some member has data in
    one period only, it is computed from the members present in both (``PARTIAL``, the
    members counted in ``used``); otherwise it is not available here."""
    kinds = [m.kind for m in inputs.measures]
    count_rows = np.array([k is MeasureKind.COUNT for k in kinds])[:, None]
    rate_rows = np.array([k is MeasureKind.RATE for k in kinds])[:, None]
    mean_rows = ~(count_rows | rate_rows
                  | np.array([k is MeasureKind.PROPORTION for k in kinds])[:, None])
    per = np.array([m.rate_per for m in inputs.measures], dtype=float)[:, None]
    has = ~np.isnan(inputs.values.value)
    both = has.all(axis=2)
    v = inputs.values
    out = []
    for idx in (0, 1):
        values = np.where(both, v.value[..., idx], np.nan)
        if inputs.options.group_method == "pooled":
            # Counts pool to a group total; rates and proportions to Σx/Σn.
            n = np.where(count_rows, 1.0, np.where(both, v.n[..., idx], np.nan))
            avg = _average(layout, numerator=np.where(both, v.x[..., idx], np.nan),
                           denominator=n, method="pooled")
            # Counts: Σx/Σ1 is a mean; times the members used it is the total.
            g_val = np.where(rate_rows, avg.value * per,
                             np.where(count_rows, avg.value * avg.n_used, avg.value))
            if mean_rows.any():
                g_val = np.where(mean_rows, _average(layout, values=values,
                                                     method="mean").value, g_val)
        else:
            avg = _average(layout, values=values, method=inputs.options.group_method,
                           population=inputs.population[..., idx])
            g_val = avg.value
        out.append(g_val)
    used = avg.n_used.astype(float)
    declared = layout.declared
    enough = (used >= np.ceil(inputs.options.min_coverage * declared)) & (declared > 0)
    # Members with data in one period only: their group's own figures are not like for like.
    one_sided = (has[..., 0] ^ has[..., 1]).astype(float) @ layout.members_avg.T.astype(float)
    partial = ~enough & (used > 0) & (one_sided > 0)
    keep = layout.has_group[None, :] & (enough | partial)
    source = np.select([keep & enough, keep & partial],
                       [ComparatorSource.COMPUTED, ComparatorSource.PARTIAL],
                       ComparatorSource.NOT_AVAILABLE).astype(np.int8)
    return (np.where(keep, out[1], np.nan), np.where(keep, out[0], np.nan), source,
            np.where(keep, used, 0.0))


def _average(layout: _Layout, **kwargs: Any) -> Any:
    no = layout.members.shape[0]
    return group_average(members=layout.members_avg, self_index=np.arange(no),
                         include_self=layout.include_self, **kwargs)


def _own_rows(layout: _Layout, inputs: ComparisonInputs, value: FloatArray,
              previous: FloatArray, source: npt.NDArray[np.int8]
              ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int8]]:
    """Where members had no data, the group's own data row (e.g. an E&W row)."""
    group_of = np.array(layout.group_of, dtype=object)
    for gid in sorted(set(layout.group_of) - {""}):
        if gid not in inputs.organisations:
            continue
        row = inputs.organisations.index(gid)
        own_cur = inputs.values.value[:, row:row + 1, 1]
        own_prev = inputs.values.value[:, row:row + 1, 0]
        use = (group_of == gid)[None, :] & np.isnan(value) & ~np.isnan(own_cur)
        value = np.where(use, own_cur, value)
        previous = np.where(use, own_prev, previous)
        source = np.where(use, ComparatorSource.DATASET_ROW, source).astype(np.int8)
    return value, previous, source


def _published(layout: _Layout, inputs: ComparisonInputs, value: FloatArray,
               change: FloatArray, source: npt.NDArray[np.int8]) -> None:
    """Then a published figure of the group for the period (filled in place)."""
    ids = [m.id for m in inputs.measures]
    group_of = np.array(layout.group_of, dtype=object)
    for fig in inputs.dataset.published:
        if fig.group not in layout.group_of or fig.period != inputs.period:
            continue
        if fig.measure not in ids:
            continue
        mi = ids.index(fig.measure)
        cols = group_of == fig.group
        if fig.figure == "value":
            use = cols & np.isnan(value[mi])
            value[mi] = np.where(use, fig.value, value[mi])
            source[mi] = np.where(use, ComparatorSource.PUBLISHED, source[mi])
        elif fig.figure in ("pct_change", "pp_change"):
            use = cols & np.isnan(change[mi])
            change[mi] = np.where(use, fig.value, change[mi])
            source[mi] = np.where(use & (source[mi] == ComparatorSource.NOT_AVAILABLE),
                                  ComparatorSource.PUBLISHED, source[mi])


def _published_ranks(layout: _Layout, inputs: ComparisonInputs, rank: IntArray,
                     size: IntArray) -> npt.NDArray[np.int8]:
    """Where a force could not be ranked from its members' figures, a rank its group's
    publication gives for the period ("5th (out of 8)"), out of the group's declared
    members and the force (filled in place); the source of every rank."""
    ids = [m.id for m in inputs.measures]
    group_of = np.array(layout.group_of, dtype=object)
    source = np.where(rank > 0, ComparatorSource.COMPUTED,
                      ComparatorSource.NOT_AVAILABLE).astype(np.int8)
    for fig in inputs.dataset.published:
        if (fig.figure != "rank" or fig.group not in layout.group_of
                or fig.period != inputs.period or fig.measure not in ids):
            continue
        mi = ids.index(fig.measure)
        use = (group_of == fig.group) & (rank[mi] == 0)
        rank[mi] = np.where(use, int(fig.value), rank[mi])
        size[mi] = np.where(use, layout.ranked_size, size[mi])
        source[mi] = np.where(use, ComparatorSource.PUBLISHED, source[mi])
    return source


def _ranks(layout: _Layout, inputs: ComparisonInputs
           ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """1 = best by polarity among the members with a figure and the force; counts rank
    by their change ("5th of 8 largest reduction"), others by value. 0 where not ranked
    (the force has no figure, or no member has one)."""
    count_rows = np.array([m.kind is MeasureKind.COUNT for m in inputs.measures])[:, None]
    rank_values = np.where(count_rows, inputs.headline.change.value, inputs.headline.current)
    no = rank_values.shape[1]
    signs = np.array([m.polarity.sign for m in inputs.measures], dtype=np.int8)
    rk = rank_in_group(rank_values, polarity=signs, members=layout.members | np.eye(no,
                                                                                    dtype=bool),
                       self_index=np.arange(no))
    ranked = layout.has_group[None, :] & ~np.isnan(rank_values) & (rk.group_size > 1)
    return (np.where(ranked, rk.rank, 0).astype(np.int64),
            np.where(ranked, rk.group_size, 0).astype(np.int64))


def _labels(inputs: ComparisonInputs, value: FloatArray, change: FloatArray
            ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """The group's figure outside the force's own interval → higher/lower, else similar.
    For counts the comparison is of change: the group's ratio against the force's ratio
    interval."""
    count_rows = np.array([m.kind is MeasureKind.COUNT for m in inputs.measures])[:, None]
    signs = np.array([m.polarity.sign for m in inputs.measures], dtype=np.int8)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        bench = np.where(count_rows, 1 + change / 100, value)
    own, lower, upper = inputs.headline.compared
    lab = compare_to_benchmark(own, lower, upper, bench, polarity=signs)
    return (np.asarray(lab.relation_code, dtype=np.int8),
            np.asarray(lab.assessment_code, dtype=np.int8))
