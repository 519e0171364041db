"""The default scorer: a status only from evidence, in a documented order of precedence.

For each measure and organisation the bases of :mod:`.bases` are read in ``order``
(default: the target, the SPC chart, the test of the change, the comparison with peers);
the first that can judge decides the status and is recorded as its basis. Where none can,
the status is grey and the basis says why: no data, a neutral measure, or not tested —
with the missing input named. ``docs/scoring.md`` states the rules.

``peers`` settles a policy question a board should decide knowingly: a significant change
of a count that is in line with its comparator's (the group's change lies inside the
force's interval: a national effect, such as crime falling in a lockdown year) is still
credited (``"credit"``, the default: the reason says it is in line with peers) or shown
amber (``"in_line"``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from perfcore.codes import Assessment, MeasureKind, Status, StatusBasis
from perfcore.evaluation import Evaluation
from perfcore.i18n import translator
from perfcore.labels import comparator_name, signed
from perfcore.scoring.bases import (
    BASES,
    default_slot,
    grey_basis,
    min_points_problems,
    spc_min_points,
)
from perfcore.scoring.protocol import Rows, ScoreBlock

__all__ = ["DEFAULT_ORDER", "PEER_POLICIES", "check_evidence", "evidence"]

#: The default order of precedence among the bases.
DEFAULT_ORDER = ("target", "spc", "change", "comparator")
PEER_POLICIES = ("credit", "in_line")


def evidence(evaluation: Evaluation, rows: Rows, /, *,
             order: Sequence[str] = DEFAULT_ORDER, against: str | None = None,
             peers: str = "credit", tolerance: float = 0.0,
             min_points: int = 15) -> ScoreBlock:
    """The first basis in ``order`` that can judge decides (see the module docs).

    ``against`` is the comparator slot (default the MSG, else the first); ``tolerance``
    goes to the target basis, ``min_points`` (months) to the SPC basis."""
    min_points = spc_min_points(min_points)  # checked whether or not ``order`` has "spc"
    ev = evaluation
    options: dict[str, dict[str, Any]] = {
        "target": {"tolerance": tolerance}, "spc": {"min_points": min_points},
        "comparator": {"against": against}, "change": {}}
    blocks = {name: BASES[name](ev, rows, **options[name]) for name in order}
    shape = (len(rows), len(ev.organisations))
    status = np.full(shape, Status.GREY, dtype=np.int8)
    decided = np.full(shape, -1, dtype=np.int8)
    basis = grey_basis(ev, rows)
    for k, name in enumerate(order):
        b = blocks[name]
        take = (decided < 0) & (b.basis >= StatusBasis.CHANGE_SIGNIFICANT)
        status[take], basis[take], decided[take] = b.status[take], b.basis[take], k
        # A basis that found a neutral measure moved says so, if nothing decides.
        basis[(decided < 0) & (b.basis == StatusBasis.NEUTRAL)] = StatusBasis.NEUTRAL
    in_line = _in_line_with_peers(ev, rows, order, decided, against)
    if peers == "in_line":
        status[in_line & (status != Status.GREY)] = Status.AMBER

    has_target = np.array([ev.measures[i].target is not None for i in rows.tolist()])
    applies = {"target": np.broadcast_to(has_target[:, None], shape),
               "spc": ev.spc.charted[rows], "change": np.ones(shape, dtype=bool),
               "comparator": np.full(shape, bool(ev.comparisons))}

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        first = int(decided[k, j])
        chosen = [order[first]] if first >= 0 else []
        # The other bases' findings, where they apply (no "no target" noise).
        rest = [n for n in order if n not in chosen and applies[n][k, j]
                and blocks[n].basis[k, j] in _SAYS]
        out = [r for n in [*chosen, *rest] for r in blocks[n].reasons(k, j, lang)]
        if in_line[k, j]:
            out.insert(1, _peer_reason(ev, rows, k, j, against, lang))
        return tuple(out)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        first = int(decided[k, j])
        return {"basis": StatusBasis(int(basis[k, j])).code,
                "decided_by": order[first] if first >= 0 else None, "order": list(order),
                "in_line_with_peers": bool(in_line[k, j]),
                **{n: {"status": Status(int(b.status[k, j])).code,
                       "basis": StatusBasis(int(b.basis[k, j])).code, **b.inputs(k, j)}
                   for n, b in blocks.items()}}

    return ScoreBlock(status=status, basis=basis, value=np.full(shape, np.nan),
                      reasons=reasons, inputs=inputs)


#: The bases whose reasons are worth a reader's time even when they did not decide.
_SAYS = (StatusBasis.CHANGE_SIGNIFICANT, StatusBasis.COMPARATOR_SIGNIFICANT,
         StatusBasis.TARGET, StatusBasis.SPC, StatusBasis.NEUTRAL, StatusBasis.NOT_TESTED)


def _in_line_with_peers(ev: Evaluation, rows: Rows, order: Sequence[str],
                        decided: np.ndarray, against: str | None) -> np.ndarray:
    """Cells whose status was decided by a significant change of a count that its
    comparator's change matches (tested similar: the group's change lies inside the
    force's interval)."""
    shape = decided.shape
    if "change" not in order or (against is None and default_slot(ev) is None):
        return np.zeros(shape, dtype=bool)
    slot = against or default_slot(ev)
    assert slot is not None
    counts = np.array([ev.measures[i].kind is MeasureKind.COUNT for i in rows.tolist()])
    similar = ev.comparisons[slot].assessment[rows] == Assessment.SIMILAR
    by_change = decided == order.index("change")
    out: npt.NDArray[np.bool_] = by_change & ev.test.significant[rows] & similar & counts[:, None]
    return out


def _peer_reason(ev: Evaluation, rows: Rows, k: int, j: int, against: str | None,
                 lang: str) -> str:
    _ = translator(lang)
    slot = against or default_slot(ev)
    assert slot is not None
    i = int(rows[k])
    return _("in line with {group} ({group_change}): the change may be shared, not the "
             "force's own").format(group=comparator_name(slot, _),
                                   group_change=signed(float(
                                       ev.comparisons[slot].change[i, j]), "%"))


def check_evidence(options: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """A plan's options for the evidence scorer, checked before anything is scored."""
    out: list[tuple[str, str]] = []
    order = options.get("order", list(DEFAULT_ORDER))
    if (not isinstance(order, (list, tuple)) or not order or len(set(order)) != len(order)
            or any(n not in BASES for n in order)):
        out.append(("order", f"must list some of {', '.join(BASES)}, each once, not "
                             f"{order!r}"))
    if options.get("peers", "credit") not in PEER_POLICIES:
        out.append(("peers", f"must be 'credit' or 'in_line', not {options['peers']!r}"))
    v = options.get("tolerance", 0.0)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
        out.append(("tolerance", f"must be a number ≥ 0, not {v!r}"))
    return [*out, *min_points_problems(options)]

