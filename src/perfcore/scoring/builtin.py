"""perfcore's own scorers, registered through the ``perfcore`` entry-point group exactly as
a third-party plugin's are (entry point ``perfcore-scorers``).

Each takes the evaluation, the measure rows it scores and its options, and returns a
:class:`~perfcore.scoring.ScoreBlock` for those rows × every organisation, computed on
whole arrays. Reasons cite the figures behind each status, in the language asked for, and
are only built when a cell is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from perfcore.codes import (
    Assessment,
    AssuranceIcon,
    Direction,
    MeasureKind,
    Status,
    TargetStatus,
    VariationIcon,
)
from perfcore.evaluation import Evaluation
from perfcore.i18n import N_, Translator, translator
from perfcore.labels import (
    ASSURANCE_WORDS,
    METHOD_NAMES,
    VARIATION_WORDS,
    change_text,
    comparator_name,
    label,
    short_value_text,
    signed,
)
from perfcore.model import Measure
from perfcore.plugins.hookspecs import hookimpl
from perfcore.plugins.specs import ScorerSpec
from perfcore.scoring.protocol import ScoreBlock
from perfcore.scoring.rollup import RollupRule, rollup
from perfcore.scoring.scores import comparator_status, default_slot

__all__ = ["comparator", "composite", "direction", "spc", "target"]

Rows = npt.NDArray[np.intp]
Problems = Iterable[tuple[str, str]]


def _nan(shape: tuple[int, ...]) -> npt.NDArray[np.float64]:
    return np.full(shape, np.nan)


def _status_option(name: str, value: Any) -> list[tuple[str, str]]:
    try:
        Status.parse(value)
    except ValueError:
        return [(name, f"must be one of {', '.join(Status.names())}, not {value!r}")]
    return []


def _change(ev: Evaluation, i: int, j: int, _: Translator) -> str:
    """The change as reasons cite it: one decimal, "+4.1 pp" or "-14.9%"."""
    return change_text(ev.measures[i], float(ev.change.value[i, j]), 1, _)


def _unit(value: float, pp: bool, _: Translator) -> str:
    return _("{change} pp").format(change=signed(value, "")) if pp else signed(value, "%")


# --------------------------------------------------------------------------- direction


def direction(evaluation: Evaluation, rows: Rows, /, *,
              no_change: str = "amber") -> ScoreBlock:
    """Direction of travel by the evaluation's recorded method: improving → green,
    deteriorating → red, no change → ``no_change`` (amber), not assessed → grey."""
    ev = evaluation
    d = ev.direction.assessment[rows]
    codes = np.select([d == Direction.IMPROVING, d == Direction.DETERIORATING,
                       d == Direction.NO_CHANGE],
                      [Status.GREEN, Status.RED, Status.parse(no_change)],
                      Status.GREY).astype(np.int8)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        _ = translator(lang)
        i = int(rows[k])
        test = (_("not tested") if not ev.test.tested[i, j] else _("significant")
                if ev.test.significant[i, j] else _("not significant"))
        method = ev.direction.method
        return (_("{direction} ({change}, {test}; {method})").format(
            direction=label(Direction(int(d[k, j])), _), change=_change(ev, i, j, _),
            test=test, method=_(METHOD_NAMES.get(method, method))),)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        i = int(rows[k])
        return {"direction": Direction(int(d[k, j])).code,
                "change": float(ev.change.value[i, j]),
                "tested": bool(ev.test.tested[i, j]),
                "significant": bool(ev.test.significant[i, j]),
                "method": ev.direction.method}

    return ScoreBlock(status=codes, value=_nan(codes.shape), reasons=reasons, inputs=inputs)


def _check_direction(options: Mapping[str, Any]) -> Problems:
    return _status_option("no_change", options.get("no_change", "amber"))


# --------------------------------------------------------------------------- comparator


def comparator(evaluation: Evaluation, rows: Rows, /, *, against: str | None = None,
               similar: str = "amber", untested: str = "compare",
               similar_within: float = 0.0) -> ScoreBlock:
    """Better / similar / worse than a comparator (``against``: a slot such as ``"msg"``
    or ``"K04000001"``; default the MSG, else the first). The significance-tested
    assessment is used where there is one; where the comparator figure cannot be tested
    (a published figure without its data) ``untested="compare"`` compares the figures by
    polarity (similar within ``similar_within`` of the measure's change unit) and says
    so, ``untested="grey"`` leaves it not assessed."""
    ev = evaluation
    slot = against or default_slot(ev)
    shape = (len(rows), len(ev.organisations))
    if slot is None:
        def none(k: int, j: int, lang: str) -> tuple[str, ...]:
            return (translator(lang)("not assessed: no comparator"),)

        return ScoreBlock(status=np.zeros(shape, dtype=np.int8), value=_nan(shape),
                          reasons=none, inputs=lambda k, j: {})
    c = ev.comparisons[slot]
    all_codes, tested, diff = comparator_status(ev, slot, untested=untested,
                                                similar_within=similar_within)
    codes = all_codes[rows].copy()
    codes[codes == Status.AMBER] = Status.parse(similar)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        _ = translator(lang)
        i = int(rows[k])
        m = ev.measures[i]
        template = {Status.GREEN: N_("better than {group} ({figures}; {how})"),
                    Status.RED: N_("worse than {group} ({figures}; {how})"),
                    Status.AMBER: N_("similar to {group} ({figures}; {how})")}.get(
            Status(int(all_codes[i, j])))
        group = comparator_name(slot, _)
        if template is None:
            return (_("not compared with {group} (no comparator figure)").format(group=group),)
        if m.kind.uses_pp_change or m.kind is MeasureKind.RATE:
            figs = _("{value} vs {group_value}").format(
                value=short_value_text(m, float(ev.current[i, j])),
                group_value=short_value_text(m, float(c.value[i, j])))
        else:
            figs = _("change {change} vs {group_change}").format(
                change=_change(ev, i, j, _), group_change=signed(float(c.change[i, j]), "%"))
        how = (_("{method}, {confidence} CI").format(
            method=_(METHOD_NAMES.get(c.method, c.method)),
            confidence=f"{ev.options.confidence:.0%}") if tested[i, j]
            else _("not tested for significance"))
        return (_(template).format(group=group, figures=figs, how=how),)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        i = int(rows[k])
        return {"against": slot, "group": c.group[j], "value": float(ev.current[i, j]),
                "group_value": float(c.value[i, j]), "group_change": float(c.change[i, j]),
                "difference": float(diff[i, j]), "tested": bool(tested[i, j]),
                "assessment": Assessment(int(c.assessment[i, j])).code}

    return ScoreBlock(status=codes, value=_nan(shape), reasons=reasons, inputs=inputs)


def _check_comparator(options: Mapping[str, Any]) -> Problems:
    out = _status_option("similar", options.get("similar", "amber"))
    if options.get("untested", "compare") not in ("compare", "grey"):
        out.append(("untested", f"must be 'compare' or 'grey', not {options['untested']!r}"))
    w = options.get("similar_within", 0.0)
    if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
        out.append(("similar_within", f"must be a non-negative number, not {w!r}"))
    return out


# --------------------------------------------------------------------------- target


def _target_text(m: Measure, lang: str, _: Translator) -> str:
    """A target in words from its numbers (its plan description is plan text, shown by the
    report where the plan gives it)."""
    t = m.target
    assert t is not None
    if t.value is not None:
        return short_value_text(m, float(t.value))
    assert t.change is not None
    change = _unit(t.change * (1 if t.change_unit == "pp" else 100), t.change_unit == "pp", _)
    if t.baseline is not None and t.by is not None:
        return _("{change} from {baseline} by {by}").format(
            change=change, baseline=t.baseline.display(lang), by=t.by.display(lang))
    if t.by is not None:
        return _("{change} by {by}").format(change=change, by=t.by.display(lang))
    return change


def target(evaluation: Evaluation, rows: Rows, /, *, tolerance: float = 0.0) -> ScoreBlock:
    """Met → green; not met but on the straight-line trajectory from the target's
    baseline to its deadline → green ("on trajectory"); off trajectory by no more than
    ``tolerance`` (in the target's units) → amber; further off → red; no target or no
    figure → grey. A value target with no baseline has no trajectory: not met before its
    deadline is amber, after it red."""
    ev = evaluation
    t = _TargetArrays.build(ev, rows, tolerance)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        _ = translator(lang)
        m = ev.measures[int(rows[k])]
        tg = m.target
        if tg is None:
            return (_("not assessed: no target"),)
        text = _("target {target}: {status}").format(target=_target_text(m, lang, _),
                                                    status=_(str(t.labels[k, j])))
        if not np.isnan(t.required[k, j]):
            scale = 1.0 if tg.change_unit == "pp" else 100.0
            text += _(" ({achieved} since {baseline}, {required} needed by now)").format(
                achieved=_unit(t.achieved[k, j] * scale, tg.change_unit == "pp", _),
                baseline=tg.baseline.display(lang) if tg.baseline else "",
                required=_unit(t.required[k, j] * scale, tg.change_unit == "pp", _))
        elif not np.isnan(t.gap[k, j]):
            g = float(t.gap[k, j])
            text += _(" (gap {gap})").format(
                gap=_unit(g * 100, True, _) if m.kind.uses_pp_change else f"{g:+,.3g}")
        return (text,)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {"target_status": TargetStatus(int(t.status[k, j])).code,
                "gap": float(t.gap[k, j]), "achieved": float(t.achieved[k, j]),
                "required_by_now": float(t.required[k, j]), "label": str(t.labels[k, j])}

    return ScoreBlock(status=t.codes, value=_nan(t.codes.shape), reasons=reasons,
                      inputs=inputs)


class _TargetArrays:
    """The target scorer's per-cell figures: status, trajectory and labels."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.codes = np.full(shape, Status.GREY, dtype=np.int8)
        self.required = _nan(shape)
        self.achieved = _nan(shape)
        self.labels = np.full(shape, "no target", dtype=object)
        self.status: npt.NDArray[np.int8] = np.zeros(shape, dtype=np.int8)
        self.gap = _nan(shape)

    @classmethod
    def build(cls, ev: Evaluation, rows: Rows, tolerance: float) -> _TargetArrays:
        out = cls((len(rows), len(ev.organisations)))
        out.status, out.gap = ev.targets.status[rows], ev.targets.gap[rows]
        for k, i in enumerate(rows.tolist()):
            m = ev.measures[i]
            if m.target is not None:
                out.row(k, m, ev.period.last, tolerance)
        return out

    def row(self, k: int, m: Measure, end: int, tolerance: float) -> None:
        t = m.target
        assert t is not None
        sign = m.polarity.sign or 1
        met, not_met = self.status[k] == TargetStatus.MET, self.status[k] == TargetStatus.NOT_MET
        due = t.by is None or end >= t.by.last
        if t.change is not None and t.baseline is not None and t.by is not None:
            span = t.by.last - t.baseline.last
            frac = min(max((end - t.baseline.last) / span, 0.0), 1.0) if span > 0 else 1.0
            got = self.gap[k] * sign + t.change  # what has been achieved since the baseline
            need = t.change * frac
            off = (got - need) * sign  # ≥ 0: on or ahead of the trajectory
            self.achieved[k], self.required[k] = got, need
            on_track = not_met & (off >= 0)
            near = not_met & (off < 0) & (off >= -tolerance)
            self.codes[k] = np.select([met, on_track, near, not_met],
                                      [Status.GREEN, Status.GREEN, Status.AMBER, Status.RED],
                                      Status.GREY)
            self.labels[k] = np.select([met, on_track, near | not_met],
                                       [N_("met"), N_("on trajectory"), N_("off trajectory")],
                                       N_("not available"))
        else:
            late = Status.RED if due else Status.AMBER
            near = not_met & (self.gap[k] >= -tolerance)
            self.codes[k] = np.select([met, near, not_met], [Status.GREEN, Status.AMBER, late],
                                      Status.GREY)
            self.labels[k] = np.select([met, not_met], [N_("met"), N_("not met") if due else
                                                        N_("not yet met")], N_("not available"))


# --------------------------------------------------------------------------- SPC


#: Making Data Count reads a chart by its variation icon first (special cause concern or
#: improvement), then its assurance icon. MDC does not prescribe RAG colours; this mapping
#: is perfcore's reading of its guidance (docs/scoring.md).
_BY_VARIATION = np.full(len(VariationIcon), -1, dtype=np.int8)
_BY_VARIATION[[VariationIcon.IMPROVEMENT_HIGH, VariationIcon.IMPROVEMENT_LOW]] = Status.GREEN
_BY_VARIATION[[VariationIcon.CONCERN_HIGH, VariationIcon.CONCERN_LOW]] = Status.RED
_BY_ASSURANCE = np.array([-1, Status.GREEN, Status.RED, Status.AMBER], dtype=np.int8)
assert len(_BY_ASSURANCE) == len(AssuranceIcon)


def spc(evaluation: Evaluation, rows: Rows, /, *, common_cause: str = "amber") -> ScoreBlock:
    """Special cause concern → red; special cause improvement → green; otherwise the
    assurance icon against the target (consistently passing → green, failing → red,
    hit and miss → amber); common cause with no target → ``common_cause`` (amber)."""
    ev = evaluation
    variation = ev.spc.variation[rows]
    assurance = ev.spc.assurance[rows]
    charted = ev.spc.charted[rows] & (variation != VariationIcon.NONE)
    by_var, by_ass = _BY_VARIATION[variation], _BY_ASSURANCE[assurance]
    codes = np.where(~charted, Status.GREY,
                     np.where(by_var >= 0, by_var,
                              np.where(by_ass >= 0, by_ass, Status.parse(common_cause))))
    codes = codes.astype(np.int8)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        _ = translator(lang)
        if not charted[k, j]:
            return (_("not assessed: no monthly SPC chart"),)
        v = VariationIcon(int(variation[k, j])).code
        a = AssuranceIcon(int(assurance[k, j])).code
        text = _("SPC: {variation}").format(variation=_(VARIATION_WORDS.get(v, v)))
        if a in ASSURANCE_WORDS:
            text += "; " + _(ASSURANCE_WORDS[a])
        return (text,)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {"variation": VariationIcon(int(variation[k, j])).code,
                "assurance": AssuranceIcon(int(assurance[k, j])).code}

    return ScoreBlock(status=codes, value=_nan(codes.shape), reasons=reasons, inputs=inputs)


def _check_spc(options: Mapping[str, Any]) -> Problems:
    return _status_option("common_cause", options.get("common_cause", "amber"))


# --------------------------------------------------------------------------- composite


_PARTS: dict[str, Callable[..., ScoreBlock]] = {"direction": direction, "comparator": comparator,
                                                "target": target, "spc": spc}


def composite(evaluation: Evaluation, rows: Rows, /, *, scorers: list[str] | None = None,
              rule: str = "matrix", against: str | None = None,
              similar: str = "amber") -> ScoreBlock:
    """Combine other scorers. ``rule="matrix"`` (the default, with the comparator and
    direction scorers) is the classic board matrix: worse than the comparator and
    deteriorating → red ("red-red"); better or similar and improving, or better and not
    deteriorating → green; otherwise amber; either part alone when the other is not
    assessed. ``rule`` may also be ``worst``, ``majority`` or ``mean`` over ``scorers``
    (default: comparator and direction)."""
    names = scorers or ["comparator", "direction"]
    parts = [comparator(evaluation, rows, against=against, similar=similar)
             if n == "comparator" else _PARTS[n](evaluation, rows) for n in names]
    stacked = np.stack([p.status for p in parts])
    if rule == "matrix":
        codes = _matrix(stacked[names.index("comparator")], stacked[names.index("direction")])
    else:
        out, _values = rollup(stacked.reshape(len(parts), -1), rule=RollupRule(rule=rule))
        codes = out.reshape(stacked.shape[1:]).astype(np.int8)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        return tuple(r for p in parts for r in p.reasons(k, j, lang))

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {n: {"status": Status(int(p.status[k, j])).code, **p.inputs(k, j)}
                for n, p in zip(names, parts, strict=True)}

    return ScoreBlock(status=codes, value=_nan(codes.shape), reasons=reasons, inputs=inputs)


def _matrix(comp: npt.NDArray[np.int8], dirn: npt.NDArray[np.int8]) -> npt.NDArray[np.int8]:
    red, green, grey = Status.RED, Status.GREEN, Status.GREY
    codes = np.where(
        comp == grey, dirn, np.where(
            dirn == grey, comp, np.where(
                (comp == red) & (dirn == red), red, np.where(
                    ((comp != red) & (dirn == green)) | ((comp == green) & (dirn != red)),
                    green, Status.AMBER))))
    return codes.astype(np.int8)


def _check_composite(options: Mapping[str, Any]) -> Problems:
    out: list[tuple[str, str]] = []
    names = options.get("scorers", ["comparator", "direction"])
    if not isinstance(names, list) or not names or any(n not in _PARTS for n in names):
        out.append(("scorers", f"must be a list of {', '.join(_PARTS)}, not {names!r}"))
        return out
    rule = options.get("rule", "matrix")
    if rule not in ("matrix", "worst", "majority", "mean"):
        out.append(("rule", f"must be matrix, worst, majority or mean, not {rule!r}"))
    elif rule == "matrix" and not {"comparator", "direction"} <= set(names):
        out.append(("rule", "the matrix rule needs the comparator and direction scorers"))
    out += _status_option("similar", options.get("similar", "amber"))
    return out


@hookimpl
def perfcore_register_scorers() -> list[ScorerSpec]:
    return [
        ScorerSpec(name="comparator", scorer=comparator, check_options=_check_comparator,
                   description="better / similar / worse than the MSG or England & Wales"),
        ScorerSpec(name="composite", scorer=composite, check_options=_check_composite,
                   description="comparator × direction of travel matrix (red-red), or "
                               "other scorers combined by a rule"),
        ScorerSpec(name="direction", scorer=direction, check_options=_check_direction,
                   description="direction of travel with polarity, by the recorded method"),
        ScorerSpec(name="spc", scorer=spc, check_options=_check_spc,
                   description="Making Data Count variation and assurance icons"),
        ScorerSpec(name="target", scorer=target,
                   description="target met, on trajectory or off trajectory"),
    ]
