"""Qualitative items are scored by the status typed into the plan: the scorer the
framework applies to every qualitative measure (it is not registered: no plan chooses it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from perfcore.codes import Status, StatusBasis
from perfcore.evaluation import Evaluation
from perfcore.i18n import translator
from perfcore.model import ManualAssessment
from perfcore.scoring.protocol import Rows, ScoreBlock

__all__ = ["manual"]


def manual(evaluation: Evaluation, rows: Rows, /, *,
           assessments: Mapping[str, ManualAssessment]) -> ScoreBlock:
    """Qualitative items: the status typed in the plan, with its commentary and evidence
    (grey where the plan gives none). Not registered: the framework applies it to every
    qualitative measure."""
    ev = evaluation
    no = len(ev.organisations)
    found = [assessments.get(ev.measures[i].id) for i in rows.tolist()]
    codes = np.array([a.status if a is not None else Status.GREY for a in found],
                     dtype=np.int8)
    # A typed-in red, amber or green rests on the assessment; a grey one (or none) is an
    # item not yet assessed.
    basis = np.where(codes != Status.GREY, StatusBasis.MANUAL, StatusBasis.NOT_TESTED)

    def reasons(k: int, j: int, lang: str) -> tuple[str, ...]:
        _ = translator(lang)
        a = found[k]
        if a is None:
            return (_("not assessed: no manual assessment"),)
        head = (_("manual assessment ({as_of})").format(as_of=a.as_of) if a.as_of
                else _("manual assessment"))
        return tuple(x for x in (head, a.commentary, *a.evidence) if x)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        a = found[k]
        return {} if a is None else {"status": a.status.code, "as_of": str(a.as_of or ""),
                                     "commentary": a.commentary, "evidence": a.evidence,
                                     "commentary_internal": a.commentary_internal}

    return ScoreBlock(status=np.repeat(codes[:, None], no, axis=1),
                      basis=np.repeat(basis[:, None], no, axis=1).astype(np.int8),
                      value=np.full((len(rows), no), np.nan), reasons=reasons, inputs=inputs)
