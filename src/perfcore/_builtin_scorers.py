"""perfcore's own scorers, registered through the same hook as third-party ones.

Each takes the evaluation, the measure rows it scores and its options, and returns a
:class:`~perfcore.scoring.ScoreBlock` for those rows × every organisation, computed on
whole arrays. Reasons cite the figures behind each status and are only built when a cell
is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from perfcore.i18n import N_, Translator
from perfcore.plugins.hookspecs import hookimpl
from perfcore.plugins.specs import ScorerSpec
from perfcore.report.model import METHOD_NAMES, label
from perfcore.scoring import (
    AMBER,
    GREEN,
    GREY,
    RED,
    STATUS_NAMES,
    ScoreBlock,
    _change_text,
    _comparator_codes,
    _default_slot,
    _fmt,
    _slot_name,
    _value_text,
    status_code,
)

Rows = npt.NDArray[np.intp]


def _same(text: str) -> str:
    return text


def _lang(_: Translator) -> str:
    # The translator's language, for period names: a Welsh translator turns "June" into
    # "Mehefin".
    return "cy" if _("June") != "June" else "en"


def _unit(value: float, pp: bool, _: Translator) -> str:
    return _("{change} pp").format(change=_fmt(value, "")) if pp else _fmt(value, "%")


def _target_text(m: Any, _: Translator) -> str:
    """A target in words from its numbers (its plan description is plan text, shown by the
    report where the plan gives it)."""
    t = m.target
    if t.value is not None:
        return _value_text(m, float(t.value))
    change = _unit(t.change * (1 if t.change_unit == "pp" else 100), t.change_unit == "pp", _)
    lang = _lang(_)
    if t.baseline is not None and t.by is not None:
        return _("{change} from {baseline} by {by}").format(
            change=change, baseline=t.baseline.display(lang), by=t.by.display(lang))
    if t.by is not None:
        return _("{change} by {by}").format(change=change, by=t.by.display(lang))
    return change


def _status_option(name: str, value: Any) -> list[tuple[str, str]]:
    if value not in STATUS_NAMES:
        return [(name, f"must be one of {', '.join(STATUS_NAMES)}, not {value!r}")]
    return []


def _nan(shape: tuple[int, int]) -> npt.NDArray[np.float64]:
    return np.full(shape, np.nan)


# --------------------------------------------------------------------------- direction


def direction(evaluation: Any, rows: Rows, *, no_change: str = "amber") -> ScoreBlock:
    """Direction of travel by the evaluation's recorded method: improving → green,
    deteriorating → red, no change → ``no_change`` (amber), not assessed → grey."""
    ev = evaluation
    d = np.asarray(ev.direction)[rows]
    codes = np.select([d == "improving", d == "deteriorating", d == "no_change"],
                      [GREEN, RED, status_code(no_change)], GREY).astype(np.int8)

    def reasons(k: int, j: int, _: Translator = _same) -> tuple[str, ...]:
        i = int(rows[k])
        sig = ev.significant[i, j]
        test = (_("significant") if sig == 1 else _("not significant") if sig == 0
                else _("not tested"))
        return (_("{direction} ({change}, {test}; {method})").format(
            direction=label(str(d[k, j]), _), change=_change_text(ev, i, j, _), test=test,
            method=_(METHOD_NAMES.get(ev.dot_method, ev.dot_method))),)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        i = int(rows[k])
        return {"direction": str(d[k, j]), "change": float(ev.change[i, j]),
                "significant": float(ev.significant[i, j]), "method": ev.dot_method}

    return ScoreBlock(status=codes, value=_nan(codes.shape), reasons=reasons, inputs=inputs)


def _check_direction(options: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    return _status_option("no_change", options.get("no_change", "amber"))


direction.check_options = _check_direction  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- comparator


def comparator(evaluation: Any, rows: Rows, *, against: str | None = None,
               similar: str = "amber", untested: str = "compare",
               similar_within: float = 0.0) -> ScoreBlock:
    """Better / similar / worse than a comparator (``against``: a slot such as ``"msg"``
    or ``"K04000001"``; default the MSG, else the first). The significance-tested
    assessment is used where there is one; where the comparator figure cannot be tested
    (a published figure without its data) ``untested="compare"`` compares the figures by
    polarity (similar within ``similar_within`` of the measure's change unit) and says
    so, ``untested="grey"`` leaves it not assessed."""
    ev = evaluation
    slot = against or _default_slot(ev)
    shape = (len(rows), len(ev.organisations))
    if slot is None:
        codes = np.zeros(shape, dtype=np.int8)

        def none(k: int, j: int, _: Translator = _same) -> tuple[str, ...]:
            return (_("not assessed: no comparator"),)

        return ScoreBlock(status=codes, value=_nan(shape), reasons=none,
                          inputs=lambda k, j: {})
    c = ev.comparisons[slot]
    all_codes, tested, diff = _comparator_codes(ev, c, untested=untested,
                                                similar_within=similar_within)
    codes = all_codes[rows].copy()
    codes[codes == AMBER] = status_code(similar)
    name = _slot_name(slot)

    def reasons(k: int, j: int, _: Translator = _same) -> tuple[str, ...]:
        i = int(rows[k])
        m = ev.measures[i]
        template = {GREEN: N_("better than {group} ({figures}; {how})"),
                    RED: N_("worse than {group} ({figures}; {how})"),
                    AMBER: N_("similar to {group} ({figures}; {how})")}.get(
            int(all_codes[i, j]))
        group = _(name)
        if template is None:
            return (_("not compared with {group} (no comparator figure)").format(group=group),)
        if m.kind.uses_pp_change or m.kind.value == "rate":
            figs = _("{value} vs {group_value}").format(
                value=_value_text(m, float(ev.current[i, j])),
                group_value=_value_text(m, float(c.value[i, j])))
        else:
            figs = _("change {change} vs {group_change}").format(
                change=_change_text(ev, i, j, _),
                group_change=_fmt(float(c.change[i, j]), "%"))
        how = (_("{method}, {confidence} CI").format(
            method=_(METHOD_NAMES.get(c.method, c.method)),
            confidence=f"{ev.confidence:.0%}") if tested[i, j]
            else _("not tested for significance"))
        return (_(template).format(group=group, figures=figs, how=how),)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        i = int(rows[k])
        return {"against": slot, "group": c.group[j], "value": float(ev.current[i, j]),
                "group_value": float(c.value[i, j]), "group_change": float(c.change[i, j]),
                "difference": float(diff[i, j]), "tested": bool(tested[i, j]),
                "assessment": str(c.assessment[i, j])}

    return ScoreBlock(status=codes, value=_nan(shape), reasons=reasons, inputs=inputs)


def _check_comparator(options: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    out = _status_option("similar", options.get("similar", "amber"))
    if options.get("untested", "compare") not in ("compare", "grey"):
        out.append(("untested", f"must be 'compare' or 'grey', not {options['untested']!r}"))
    w = options.get("similar_within", 0.0)
    if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
        out.append(("similar_within", f"must be a non-negative number, not {w!r}"))
    return out


comparator.check_options = _check_comparator  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- target


def target(evaluation: Any, rows: Rows, *, tolerance: float = 0.0) -> ScoreBlock:
    """Met → green; not met but on the straight-line trajectory from the target's
    baseline to its deadline → green ("on trajectory"); off trajectory by no more than
    ``tolerance`` (in the target's units) → amber; further off → red; no target or no
    figure → grey. A value target with no baseline has no trajectory: not met before its
    deadline is amber, after it red."""
    ev = evaluation
    shape = (len(rows), len(ev.organisations))
    status = np.asarray(ev.target_status)[rows]
    gap = np.asarray(ev.target_gap)[rows]
    codes = np.full(shape, GREY, dtype=np.int8)
    required = np.full(shape, np.nan)
    achieved = np.full(shape, np.nan)
    labels = np.full(shape, "no target", dtype=object)
    end = ev.period.last
    for k, i in enumerate(rows):
        m = ev.measures[int(i)]
        t = m.target
        if t is None:
            continue
        sign = m.polarity.sign or 1
        met = status[k] == "met"
        not_met = status[k] == "not_met"
        due = t.by is None or end >= t.by.last
        if t.change is not None and t.baseline is not None and t.by is not None:
            span = t.by.last - t.baseline.last
            frac = min(max((end - t.baseline.last) / span, 0.0), 1.0) if span > 0 else 1.0
            got = gap[k] * sign + t.change  # what has been achieved since the baseline
            need = t.change * frac
            off = (got - need) * sign  # ≥ 0: on or ahead of the trajectory
            achieved[k], required[k] = got, need
            on_track = not_met & (off >= 0)
            near = not_met & (off < 0) & (off >= -tolerance)
            codes[k] = np.select([met, on_track, near, not_met], [GREEN, GREEN, AMBER, RED],
                                 GREY)
            labels[k] = np.select([met, on_track, near | not_met],
                                  [N_("met"), N_("on trajectory"), N_("off trajectory")],
                                  N_("not available"))
        else:
            late = RED if due else AMBER
            near = not_met & (gap[k] >= -tolerance)
            codes[k] = np.select([met, near, not_met], [GREEN, AMBER, late], GREY)
            labels[k] = np.select([met, not_met], [N_("met"), N_("not met") if due else
                                                   N_("not yet met")], N_("not available"))

    def reasons(k: int, j: int, _: Translator = _same) -> tuple[str, ...]:
        m = ev.measures[int(rows[k])]
        t = m.target
        if t is None:
            return (_("not assessed: no target"),)
        text = _("target {target}: {status}").format(target=_target_text(m, _),
                                                    status=_(str(labels[k, j])))
        if not np.isnan(required[k, j]):
            scale = 1.0 if t.change_unit == "pp" else 100.0
            text += _(" ({achieved} since {baseline}, {required} needed by now)").format(
                achieved=_unit(achieved[k, j] * scale, t.change_unit == "pp", _),
                baseline=t.baseline.display(_lang(_)) if t.baseline else "",
                required=_unit(required[k, j] * scale, t.change_unit == "pp", _))
        elif not np.isnan(gap[k, j]):
            g = float(gap[k, j])
            text += _(" (gap {gap})").format(
                gap=_unit(g * 100, True, _) if m.kind.uses_pp_change else f"{g:+,.3g}")
        return (text,)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {"target_status": str(status[k, j]), "gap": float(gap[k, j]),
                "achieved": float(achieved[k, j]), "required_by_now": float(required[k, j]),
                "label": str(labels[k, j])}

    return ScoreBlock(status=codes, value=_nan(shape), reasons=reasons, inputs=inputs)


# --------------------------------------------------------------------------- SPC


#: Making Data Count reads a chart by its variation icon first (special cause concern or
#: improvement), then its assurance icon. MDC does not prescribe RAG colours; this mapping
#: is perfcore's reading of its guidance (docs/scoring.md).
_VARIATION = {"improvement_high": GREEN, "improvement_low": GREEN, "concern_high": RED,
              "concern_low": RED}
_ASSURANCE = {"consistent_pass": GREEN, "consistent_fail": RED, "inconsistent": AMBER}


def spc(evaluation: Any, rows: Rows, *, common_cause: str = "amber") -> ScoreBlock:
    """Special cause concern → red; special cause improvement → green; otherwise the
    assurance icon against the target (consistently passing → green, failing → red,
    hit and miss → amber); common cause with no target → ``common_cause`` (amber)."""
    ev = evaluation
    variation = np.asarray(ev.spc_variation)[rows]
    assurance = np.asarray(ev.spc_assurance)[rows]
    by_var = np.vectorize(lambda v: _VARIATION.get(v, -1), otypes=[np.int8])(variation) \
        if variation.size else np.zeros(variation.shape, dtype=np.int8)
    by_ass = np.vectorize(lambda a: _ASSURANCE.get(a, -1), otypes=[np.int8])(assurance) \
        if assurance.size else np.zeros(assurance.shape, dtype=np.int8)
    charted = (variation != "") & (variation != "none")
    codes = np.where(~charted, GREY,
                     np.where(by_var >= 0, by_var,
                              np.where(by_ass >= 0, by_ass, status_code(common_cause))))
    codes = codes.astype(np.int8)

    def reasons(k: int, j: int, _: Translator = _same) -> tuple[str, ...]:
        from perfcore.report.spc_svg import ASSURANCE_WORDS, VARIATION_WORDS
        if not charted[k, j]:
            return (_("not assessed: no monthly SPC chart"),)
        v, a = str(variation[k, j]), str(assurance[k, j])
        text = _("SPC: {variation}").format(variation=_(VARIATION_WORDS.get(v, v)))
        if a in ASSURANCE_WORDS:
            text += "; " + _(ASSURANCE_WORDS[a])
        return (text,)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {"variation": str(variation[k, j]), "assurance": str(assurance[k, j])}

    return ScoreBlock(status=codes, value=_nan(codes.shape), reasons=reasons, inputs=inputs)


def _check_spc(options: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    return _status_option("common_cause", options.get("common_cause", "amber"))


spc.check_options = _check_spc  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- composite


_PARTS: dict[str, Callable[..., ScoreBlock]] = {"direction": direction, "comparator": comparator,
                                                "target": target, "spc": spc}


def composite(evaluation: Any, rows: Rows, *, scorers: list[str] | None = None,
              rule: str = "matrix", against: str | None = None,
              similar: str = "amber") -> ScoreBlock:
    """Combine other scorers. ``rule="matrix"`` (the default, with the comparator and
    direction scorers) is the classic board matrix: worse than the comparator and
    deteriorating → red ("red-red"); better or similar and improving, or better and not
    deteriorating → green; otherwise amber; either part alone when the other is not
    assessed. ``rule`` may also be ``worst``, ``majority`` or ``mean`` over ``scorers``
    (default: comparator and direction)."""
    from perfcore.scoring import RollupRule, rollup
    names = scorers or ["comparator", "direction"]
    parts = []
    for n in names:
        if n == "comparator":
            parts.append(comparator(evaluation, rows, against=against, similar=similar))
        else:
            parts.append(_PARTS[n](evaluation, rows))
    stacked = np.stack([p.status for p in parts])
    if rule == "matrix":
        comp, dirn = stacked[names.index("comparator")], stacked[names.index("direction")]
        codes = np.where(
            comp == GREY, dirn, np.where(
                dirn == GREY, comp, np.where(
                    (comp == RED) & (dirn == RED), RED, np.where(
                        ((comp != RED) & (dirn == GREEN)) | ((comp == GREEN) & (dirn != RED)),
                        GREEN, AMBER))))
        codes = codes.astype(np.int8)
    else:
        flat = stacked.reshape(len(parts), -1)
        out, _ = rollup(flat, rule=RollupRule(rule=rule))
        codes = out.reshape(stacked.shape[1:]).astype(np.int8)

    def reasons(k: int, j: int, _: Translator = _same) -> tuple[str, ...]:
        return tuple(r for p in parts for r in p.reasons(k, j, _))

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {n: {"status": STATUS_NAMES[int(p.status[k, j])], **p.inputs(k, j)}
                for n, p in zip(names, parts, strict=True)}

    return ScoreBlock(status=codes, value=_nan(codes.shape), reasons=reasons, inputs=inputs)


def _check_composite(options: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
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


composite.check_options = _check_composite  # type: ignore[attr-defined]


@hookimpl
def perfcore_register_scorers() -> list[ScorerSpec]:
    return [
        ScorerSpec(name="comparator", scorer=comparator,
                   description="better / similar / worse than the MSG or England & Wales"),
        ScorerSpec(name="composite", scorer=composite,
                   description="comparator × direction of travel matrix (red-red), or "
                               "other scorers combined by a rule"),
        ScorerSpec(name="direction", scorer=direction,
                   description="direction of travel with polarity, by the recorded method"),
        ScorerSpec(name="spc", scorer=spc,
                   description="Making Data Count variation and assurance icons"),
        ScorerSpec(name="target", scorer=target,
                   description="target met, on trajectory or off trajectory"),
    ]
