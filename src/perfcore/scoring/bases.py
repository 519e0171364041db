"""The evidence a status can rest on, each judged on its own: the test of the change, the
comparison with a peer group, the target and the SPC chart.

Each function returns a :class:`~perfcore.scoring.ScoreBlock` for its rows × every
organisation. Where its evidence decides, the status is red, amber or green with that
basis; where it cannot (nothing was tested, no target, no chart, a neutral measure, no
data) the status is grey and the basis says which, with a reason naming what is missing.
No status is ever drawn from the sign of an untested change or from figures compared
without a test. The default scorer (:mod:`.evidence`) takes the first basis that decides,
in an order a plan can set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from perfcore.calc.spc import MIN_POINTS
from perfcore.codes import (
    Assessment,
    AssuranceIcon,
    MeasureKind,
    Relation,
    Status,
    StatusBasis,
    TargetStatus,
    UntestedReason,
    VariationIcon,
)
from perfcore.errors import OptionError
from perfcore.evaluation import Evaluation
from perfcore.i18n import N_, Translator, translator
from perfcore.labels import (
    ASSURANCE_WORDS,
    METHOD_NAMES,
    UNTESTED_WORDS,
    VARIATION_WORDS,
    change_text,
    comparator_name,
    gap_text,
    label,
    level_text,
    short_value_text,
    signed,
    target_text,
)
from perfcore.scoring.protocol import ScoreBlock

__all__ = ["change", "comparator", "grey_basis", "min_points_problems", "spc",
           "spc_min_points", "target"]

Rows = npt.NDArray[np.intp]
Codes = npt.NDArray[np.int8]


def _nan(shape: tuple[int, ...]) -> npt.NDArray[np.float64]:
    return np.full(shape, np.nan)


def _signs(ev: Evaluation, rows: Rows) -> Codes:
    """The rows' polarity signs (+1, -1, 0 neutral), as a column against organisations."""
    return np.array([ev.measures[i].polarity.sign for i in rows.tolist()],
                    dtype=np.int8)[:, None]


def grey_basis(ev: Evaluation, rows: Rows) -> Codes:
    """Why a cell has no evidence-based status when no basis decides: no data, a neutral
    measure, or not tested."""
    missing = np.isnan(ev.current[rows])
    neutral = _signs(ev, rows) == 0
    return np.select([missing, neutral], [StatusBasis.NO_DATA, StatusBasis.NEUTRAL],
                     StatusBasis.NOT_TESTED).astype(np.int8)


def _change_words(ev: Evaluation, i: int, j: int, _: Translator) -> str:
    return change_text(ev.measures[i], float(ev.change.value[i, j]), 1, _)


def untested_reason(ev: Evaluation, i: int, j: int, _: Translator, lang: str = "en") -> str:
    """"not tested: no sample size" — naming what a test would need; a missing value
    by its period ("no figure for 2018-19"), which a reader can look for."""
    why = UntestedReason(int(ev.test.untested[i, j]))
    if why is UntestedReason.NO_DATA:
        gaps = [p.display(lang) for p, v in ((ev.previous_period, ev.previous),
                                              (ev.period, ev.current)) if np.isnan(v[i, j])]
        if len(gaps) == 1:
            return _("change not tested: no figure for {period}").format(period=gaps[0])
        if gaps:
            return _("change not tested: no figures for {previous} or {current}").format(
                previous=gaps[0], current=gaps[1])
    return _("change not tested: {why}").format(why=_(UNTESTED_WORDS.get(why.code,
                                                                          why.code)))


# --------------------------------------------------------------------------- change


def change(evaluation: Evaluation, rows: Rows, /, *, no_change: str = "amber") -> ScoreBlock:
    """The test of the change: a significant improvement is green, a significant
    deterioration red, a change tested and found not significant ``no_change`` (amber).
    A change that could not be tested gives no status (not tested, with the missing
    input named); a neutral measure's change is reported, never coloured."""
    ev = evaluation
    sign = _signs(ev, rows)
    tested, significant = ev.test.tested[rows], ev.test.significant[rows]
    moved = np.sign(np.nan_to_num(ev.change.value[rows]))
    better = moved * sign > 0
    judged = tested & (sign != 0)
    status = np.select([judged & significant & better, judged & significant & ~better,
                        judged & ~significant],
                       [Status.GREEN, Status.RED, Status.parse(no_change)],
                       Status.GREY).astype(np.int8)
    basis = np.where(judged, StatusBasis.CHANGE_SIGNIFICANT,
                     grey_basis(ev, rows)).astype(np.int8)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        _ = translator(lang)
        i = int(rows[k])
        if np.isnan(ev.current[i, j]):
            return (_("no data for {period}").format(period=ev.period.display(lang)),)
        if not tested[k, j]:
            return (untested_reason(ev, i, j, _, lang),)
        words = (_("significant at {confidence}") if significant[k, j]
                 else _("not significant at {confidence}")).format(
            confidence=level_text(ev.options.confidence))
        if sign[k, 0] == 0:
            template = N_("neutral measure: {change}, {test}")
        elif not significant[k, j]:
            # "no significant change (-12.9%, not significant at 95%)" said it twice.
            template = N_("no significant change at {confidence} ({change})")
        else:
            template = (N_("improving ({change}, {test})") if better[k, j]
                        else N_("deteriorating ({change}, {test})"))
        return (_(template).format(change=_change_words(ev, i, j, _), test=words,
                                   confidence=level_text(ev.options.confidence)),)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        i = int(rows[k])
        return {"change": float(ev.change.value[i, j]), "tested": bool(tested[k, j]),
                "significant": bool(significant[k, j]),
                "pvalue": float(ev.test.pvalue[i, j]),
                "untested": UntestedReason(int(ev.test.untested[i, j])).code}

    return ScoreBlock(status=status, basis=basis, value=_nan(status.shape), reasons=reasons,
                      inputs=inputs)


# --------------------------------------------------------------------------- comparator


def default_slot(ev: Evaluation) -> str | None:
    """The comparator a scorer uses unless told: the MSG, else the first."""
    slots = list(ev.comparisons)
    if "msg" in slots:
        return "msg"
    return slots[0] if slots else None


def comparator(evaluation: Evaluation, rows: Rows, /, *, against: str | None = None,
               similar: str = "amber") -> ScoreBlock:
    """Better / similar / worse than a comparator (``against``: a slot such as ``"msg"``
    or ``"K04000001"``; default the MSG, else the first), by the Fingertips test: the
    group's figure outside the force's own confidence interval. A figure that cannot be
    tested (no interval for the force) is shown in the report but gives no status."""
    ev = evaluation
    slot = against or default_slot(ev)
    shape = (len(rows), len(ev.organisations))
    if slot is None:
        def none(k: int, j: int, lang: str) -> tuple[str, ...]:
            return (translator(lang)("no comparator"),)

        return ScoreBlock(status=np.zeros(shape, dtype=np.int8), basis=grey_basis(ev, rows),
                          value=_nan(shape), reasons=none, inputs=lambda k, j: {})
    c = ev.comparisons[slot]
    a, rel = c.assessment[rows], c.relation[rows]
    tested = rel != Relation.NOT_COMPARED
    neutral = (a == Assessment.HIGHER) | (a == Assessment.LOWER) | (_signs(ev, rows) == 0)
    status = np.select([a == Assessment.BETTER, a == Assessment.WORSE,
                        a == Assessment.SIMILAR],
                       [Status.GREEN, Status.RED, Status.parse(similar)],
                       Status.GREY).astype(np.int8)
    status = np.where(neutral, Status.GREY, status).astype(np.int8)
    basis = np.where(tested & ~neutral, StatusBasis.COMPARATOR_SIGNIFICANT,
                     grey_basis(ev, rows)).astype(np.int8)
    basis = np.where(tested & neutral, StatusBasis.NEUTRAL, basis).astype(np.int8)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        return (comparison_reason(ev, slot, int(rows[k]), j, translator(lang)),)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        i = int(rows[k])
        return {"against": slot, "group": c.group[j], "value": float(ev.current[i, j]),
                "group_value": float(c.value[i, j]), "group_change": float(c.change[i, j]),
                "difference": float(c.difference[i, j]), "tested": bool(tested[k, j]),
                "assessment": Assessment(int(a[k, j])).code}

    return ScoreBlock(status=status, basis=basis, value=_nan(shape), reasons=reasons,
                      inputs=inputs)


def comparison_reason(ev: Evaluation, slot: str, i: int, j: int, _: Translator) -> str:
    """"similar to MSG (change -14.9% vs -14.1%; pooled, 95% CI)" — or why the two were
    not compared."""
    c = ev.comparisons[slot]
    m = ev.measures[i]
    group = comparator_name(slot, _)
    a = Assessment(int(c.assessment[i, j]))
    if np.isnan(c.value[i, j]) and np.isnan(c.change[i, j]):
        return _("not compared with {group} (no comparator figure)").format(group=group)
    if m.kind.uses_pp_change or m.kind is MeasureKind.RATE:
        figs = _("{value} vs {group_value}").format(
            value=short_value_text(m, float(ev.current[i, j])),
            group_value=short_value_text(m, float(c.value[i, j])))
    else:
        figs = _("change {change} vs {group_change}").format(
            change=_change_words(ev, i, j, _), group_change=signed(float(c.change[i, j]), "%"))
    if Relation(int(c.relation[i, j])) is Relation.NOT_COMPARED:
        return _("not tested against {group} ({figures}): no confidence interval for the "
                 "force's figure").format(group=group, figures=figs)
    how = _("{method}, {confidence} CI").format(
        method=_(METHOD_NAMES.get(c.method, c.method)),
        confidence=level_text(ev.options.confidence))
    template = {Assessment.BETTER: N_("better than {group} ({figures}; {how})"),
                Assessment.WORSE: N_("worse than {group} ({figures}; {how})"),
                Assessment.SIMILAR: N_("similar to {group} ({figures}; {how})"),
                Assessment.HIGHER: N_("higher than {group} ({figures}; {how})"),
                Assessment.LOWER: N_("lower than {group} ({figures}; {how})")}[a]
    return _(template).format(group=group, figures=figs, how=how)


# --------------------------------------------------------------------------- target


def _target_colours(ev: Evaluation, rows: Rows, tolerance: float) -> Codes:
    """The colour each target status gives: met or on trajectory green; not yet met
    before a deadline, or on track without one, amber; behind trajectory, or not met
    once due, amber within ``tolerance`` and red beyond it; off track red. Tolerance is
    a fraction for changes and proportions (0.02: two points of a % change, or 2 pp) and
    in the measure's units for other value targets."""
    tg = ev.targets
    status = tg.status[rows]
    sign = _signs(ev, rows)
    sign = np.where(sign == 0, 1, sign)  # a neutral measure's gap read as higher-is-better
    change = np.array([(m := ev.measures[i]).target is not None and m.target.change
                       is not None for i in rows.tolist()])[:, None]
    scale = np.array([100.0 if ev.measures[i].kind is MeasureKind.PROPORTION else 1.0
                      for i in rows.tolist()])[:, None]
    # How far short, in the units tolerance is read in: a change target by its change
    # against the change needed (the whole change once due), a value target by its gap.
    trajectory = change & ~np.isnan(tg.required[rows])
    short = np.where(trajectory, (tg.achieved[rows] - tg.required[rows]) * sign / 100,
                     tg.gap[rows] / scale)
    near = short >= -tolerance
    behind = (status == TargetStatus.OFF_TRAJECTORY) | (status == TargetStatus.NOT_MET)
    return np.select(
        [(status == TargetStatus.MET) | (status == TargetStatus.ON_TRAJECTORY),
         (status == TargetStatus.NOT_YET_MET) | (status == TargetStatus.ON_TRACK)
         | (behind & near), behind | (status == TargetStatus.OFF_TRACK)],
        [Status.GREEN, Status.AMBER, Status.RED], Status.GREY).astype(np.int8)


def target_reason(ev: Evaluation, i: int, j: int, lang: str) -> str:
    """"target 20% reduction from 2019-20 by 2024-25: on trajectory (final target not
    yet due); -14.9% since 2019-20, -4.0% needed by now; gap -2,925 crimes"."""
    _ = translator(lang)
    m, tg = ev.measures[i], ev.targets
    if m.target is None:
        return _("no target")
    code = TargetStatus(int(tg.status[i, j]))
    t = m.target
    status = label(code, _)
    if code is TargetStatus.NOT_AVAILABLE:  # "not available" alone does not say what to find
        missing = (ev.period if np.isnan(ev.current[i, j])
                   else t.baseline if t.value is None else None)
        if missing is not None:
            status = _("no figure for {period}").format(period=missing.display(lang))
    parts = [_("target {target}: {status}").format(target=target_text(m, lang, _),
                                                   status=status)]
    if not np.isnan(tg.required[i, j]) and t.baseline is not None:
        parts.append(_("{achieved} since {baseline}, {required} needed by now").format(
            achieved=change_text(m, float(tg.achieved[i, j]), 1, _),
            baseline=t.baseline.display(lang),
            required=change_text(m, float(tg.required[i, j]), 1, _)))
    if not np.isnan(tg.gap[i, j]):
        parts.append(_("gap {gap}").format(
            gap=gap_text(m, float(tg.gap[i, j]), m.display_decimals, True, _)))
    return "; ".join(parts)


def target(evaluation: Evaluation, rows: Rows, /, *, tolerance: float = 0.0) -> ScoreBlock:
    """Met → green; not met but on the straight-line trajectory from the target's
    baseline to its deadline → green ("on trajectory", the final target not yet due);
    behind it by no more than ``tolerance`` → amber; further behind → red. Once the
    deadline comes a target not met is never green: amber within ``tolerance``, red
    beyond. A value target not yet met before its deadline → amber. A target without a
    deadline is never due: not yet met while moving towards it amber ("on track"),
    otherwise red ("off track"). No target or no figure → no status. The status words
    are the evaluation's target status (:class:`~perfcore.codes.TargetStatus`), so a
    report's target column and the status agree."""
    ev = evaluation
    codes = _target_colours(ev, rows, tolerance)
    basis = np.where(codes != Status.GREY, StatusBasis.TARGET,
                     grey_basis(ev, rows)).astype(np.int8)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        return (target_reason(ev, int(rows[k]), j, lang),)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        i, tg = int(rows[k]), ev.targets
        # Twelve significant digits: the figures, without the binary noise of a
        # subtraction (-2925.2, not -2925.199999999997).
        return {"target_status": TargetStatus(int(tg.status[i, j])).code,
                **{name: float(f"{float(a[i, j]):.12g}") for name, a in (
                    ("gap", tg.gap), ("achieved", tg.achieved),
                    ("required_by_now", tg.required))}}

    return ScoreBlock(status=codes, basis=basis, value=_nan(codes.shape),
                      reasons=reasons, inputs=inputs)


# --------------------------------------------------------------------------- SPC


#: Making Data Count reads a chart by its variation icon first (special cause concern or
#: improvement), then its assurance icon. MDC does not prescribe RAG colours; this mapping
#: is perfcore's reading of its guidance (docs/scoring.md).
_BY_VARIATION = np.full(len(VariationIcon), -1, dtype=np.int8)
_BY_VARIATION[[VariationIcon.IMPROVEMENT_HIGH, VariationIcon.IMPROVEMENT_LOW]] = Status.GREEN
_BY_VARIATION[[VariationIcon.CONCERN_HIGH, VariationIcon.CONCERN_LOW]] = Status.RED
_BY_ASSURANCE = np.array([-1, Status.GREEN, Status.RED, Status.AMBER], dtype=np.int8)
_NEUTRAL_ICONS = (VariationIcon.NEUTRAL_HIGH, VariationIcon.NEUTRAL_LOW)


def spc_min_points(value: Any) -> int:
    """``min_points``, the months the SPC basis wants charted, checked for every scorer
    that takes it: a whole number (not a bool) of at least the
    :data:`~perfcore.calc.spc.MIN_POINTS` a chart is read from; else
    :class:`~perfcore.errors.OptionError` naming the option."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < MIN_POINTS:
        raise OptionError(option="min_points", value=value,
                          allowed=f"a whole number of months ≥ {MIN_POINTS}")
    return int(value)


def min_points_problems(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    """:func:`spc_min_points` on a plan's options for a scorer, as the ``(option,
    message)`` pairs a ``check_options`` returns."""
    if "min_points" not in options:
        return []
    try:
        spc_min_points(options["min_points"])
    except OptionError as err:
        return [(err.option, f"must be {err.allowed}, not {err.value!r}")]
    return []


def spc(evaluation: Evaluation, rows: Rows, /, *, common_cause: str = "amber",
        min_points: int = 15) -> ScoreBlock:
    """A monthly XmR chart of at least ``min_points`` months: special cause concern →
    red; special cause improvement → green; otherwise the assurance icon against the
    target (consistently passing → green, failing → red, hit and miss → amber); common
    cause with no target → ``common_cause`` (amber: no signal). A neutral measure's chart
    is reported, never coloured. No chart → no status."""
    min_points = spc_min_points(min_points)
    ev = evaluation
    variation, assurance = ev.spc.variation[rows], ev.spc.assurance[rows]
    months = np.asarray(ev.spc.points)[rows]  # each measure's chart has its own length
    enough = (months >= min_points)[:, None]
    charted = ev.spc.charted[rows] & (variation != VariationIcon.NONE) & enough
    neutral = np.isin(variation, _NEUTRAL_ICONS) | (_signs(ev, rows) == 0)
    by_var, by_ass = _BY_VARIATION[variation], _BY_ASSURANCE[assurance]
    status = np.where(~charted | neutral, Status.GREY,
                      np.where(by_var >= 0, by_var,
                               np.where(by_ass >= 0, by_ass, Status.parse(common_cause))))
    status = status.astype(np.int8)
    basis = np.select([charted & neutral, charted], [StatusBasis.NEUTRAL, StatusBasis.SPC],
                      grey_basis(ev, rows)).astype(np.int8)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        _ = translator(lang)
        if not charted[k, j]:
            return (_("no monthly SPC chart of {points} or more months").format(
                points=min_points),)
        v = VariationIcon(int(variation[k, j])).code
        a = AssuranceIcon(int(assurance[k, j])).code
        # The icons read the chart's last month: earlier special-cause points on the
        # chart do not contradict "common cause" there, if the reason says where it looks.
        text = _("SPC, {month}: {variation}").format(
            month=ev.spc.months[-1].display(lang), variation=_(VARIATION_WORDS.get(v, v)))
        if a in ASSURANCE_WORDS:
            text += "; " + _(ASSURANCE_WORDS[a])
        return (text,)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {"variation": VariationIcon(int(variation[k, j])).code,
                "assurance": AssuranceIcon(int(assurance[k, j])).code,
                "months": int(months[k])}

    return ScoreBlock(status=status, basis=basis, value=_nan(status.shape), reasons=reasons,
                      inputs=inputs)


#: The bases by name, as plans order them.
BASES: Mapping[str, Callable[..., ScoreBlock]] = {"target": target, "spc": spc,
                                                  "change": change, "comparator": comparator}
