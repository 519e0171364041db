"""perfcore's own scorers, registered through the ``perfcore`` entry-point group exactly as
a third-party plugin's are (entry point ``perfcore-scorers``).

``evidence`` (the default) takes the first basis that can judge, in a plan's order of
precedence (:mod:`.evidence`); ``change``, ``comparator``, ``target`` and ``spc`` are the
bases alone (:mod:`.bases`); ``composite`` combines bases by a rule (the classic board
matrix of the comparison and the change, or a roll-up rule). Every status rests on
evidence: a basis that cannot judge leaves the measure grey and says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from perfcore.codes import Status, StatusBasis
from perfcore.evaluation import Evaluation
from perfcore.plugins.hookspecs import hookimpl
from perfcore.plugins.specs import ScorerSpec
from perfcore.scoring.bases import (
    BASES,
    change,
    comparator,
    grey_basis,
    min_points_problems,
    spc,
    target,
)
from perfcore.scoring.evidence import check_evidence, evidence
from perfcore.scoring.protocol import ScoreBlock
from perfcore.scoring.rollup import RollupRule, rollup

__all__ = ["change", "comparator", "composite", "evidence", "spc", "target"]

Rows = npt.NDArray[np.intp]
Problems = Iterable[tuple[str, str]]


def _status_option(name: str, value: Any) -> list[tuple[str, str]]:
    try:
        Status.parse(value)
    except ValueError:
        return [(name, f"must be one of {', '.join(Status.names())}, not {value!r}")]
    return []


def _check_change(options: Mapping[str, Any]) -> Problems:
    return _status_option("no_change", options.get("no_change", "amber"))


def _check_comparator(options: Mapping[str, Any]) -> Problems:
    return _status_option("similar", options.get("similar", "amber"))


def _check_target(options: Mapping[str, Any]) -> Problems:
    t = options.get("tolerance", 0.0)
    if isinstance(t, bool) or not isinstance(t, (int, float)) or t < 0:
        return [("tolerance", f"must be a non-negative number, not {t!r}")]
    return []


def _check_spc(options: Mapping[str, Any]) -> Problems:
    return [*_status_option("common_cause", options.get("common_cause", "amber")),
            *min_points_problems(options)]


# --------------------------------------------------------------------------- composite


def composite(evaluation: Evaluation, rows: Rows, /, *, scorers: list[str] | None = None,
              rule: str = "matrix", against: str | None = None,
              similar: str = "amber") -> ScoreBlock:
    """Combine bases. ``rule="matrix"`` (with the comparator and change bases, the
    default) is the classic board matrix: worse than the comparator and deteriorating →
    red ("red-red"); better or similar and improving, or better and not deteriorating →
    green; otherwise amber; either part alone when the other cannot judge. ``rule`` may
    also be ``worst``, ``majority`` or ``mean`` over ``scorers`` (basis names). Grey parts
    (no evidence) never count; the basis recorded is the first part, in ``scorers``
    order, that judged."""
    names = scorers or ["comparator", "change"]
    parts = [comparator(evaluation, rows, against=against, similar=similar)
             if n == "comparator" else BASES[n](evaluation, rows) for n in names]
    stacked = np.stack([p.status for p in parts])
    if rule == "matrix":
        codes = _matrix(stacked[names.index("comparator")], stacked[names.index("change")])
    else:
        out, _values = rollup(stacked.reshape(len(parts), -1), rule=RollupRule(rule=rule))
        codes = out.reshape(stacked.shape[1:]).astype(np.int8)
    grey = grey_basis(evaluation, rows)
    basis = grey
    for p in reversed(parts):
        basis = np.where(p.basis >= StatusBasis.CHANGE_SIGNIFICANT, p.basis, basis)
    basis = np.where(codes == Status.GREY, grey, basis)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        return tuple(r for p in parts for r in p.reasons(k, j, lang))

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        return {n: {"status": Status(int(p.status[k, j])).code, **p.inputs(k, j)}
                for n, p in zip(names, parts, strict=True)}

    return ScoreBlock(status=codes, basis=basis.astype(np.int8),
                      value=np.full(codes.shape, np.nan), reasons=reasons, inputs=inputs)


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
    names = options.get("scorers", ["comparator", "change"])
    if not isinstance(names, list) or not names or any(n not in BASES for n in names):
        out.append(("scorers", f"must be a list of {', '.join(BASES)}, not {names!r}"))
        return out
    rule = options.get("rule", "matrix")
    if rule not in ("matrix", "worst", "majority", "mean"):
        out.append(("rule", f"must be matrix, worst, majority or mean, not {rule!r}"))
    elif rule == "matrix" and not {"comparator", "change"} <= set(names):
        out.append(("rule", "the matrix rule needs the comparator and change bases"))
    out += _status_option("similar", options.get("similar", "amber"))
    return out


@hookimpl
def perfcore_register_scorers() -> list[ScorerSpec]:
    return [
        ScorerSpec(name="evidence", scorer=evidence, check_options=check_evidence,
                   description="the first basis with evidence, in order: target, SPC, "
                               "test of the change, comparison with peers (default)"),
        ScorerSpec(name="change", scorer=change, check_options=_check_change,
                   description="the test of the change: significant improvement or "
                               "deterioration, or no significant change"),
        ScorerSpec(name="comparator", scorer=comparator, check_options=_check_comparator,
                   description="significantly better / similar / worse than the MSG or "
                               "England & Wales"),
        ScorerSpec(name="composite", scorer=composite, check_options=_check_composite,
                   description="bases combined: the comparator × change matrix "
                               "(red-red), or a roll-up rule"),
        ScorerSpec(name="spc", scorer=spc, check_options=_check_spc,
                   description="Making Data Count variation and assurance icons"),
        ScorerSpec(name="target", scorer=target, check_options=_check_target,
                   description="target met, on trajectory or on track"),
    ]
