"""The scorer protocol: what a scorer is called with and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.codes import Status, StatusBasis
from perfcore.evaluation import Evaluation

__all__ = ["Inputs", "Reasons", "Rows", "ScoreBlock", "Scorer"]

Rows = npt.NDArray[np.intp]
#: ``reasons(k, j, lang)``: the reasons of row ``k`` of a block, organisation ``j``, in the
#: language ``lang`` (``"en"``, ``"cy"``).
Reasons = Callable[[int, int, str], tuple[str, ...]]
#: ``inputs(k, j)``: the figures a cell's status was decided from, as data.
Inputs = Callable[[int, int], Mapping[str, Any]]


@attrs.frozen(kw_only=True)
class ScoreBlock:
    """What a scorer returns for ``rows`` (measure indices) × every organisation:
    ``status`` (:class:`~perfcore.codes.Status` codes), ``basis`` (the
    :class:`~perfcore.codes.StatusBasis` each status rests on: a red, amber or green needs
    an evidence basis; a grey says why there is none), ``value`` 0–100 (NaN: none), and
    functions giving one cell's ``reasons`` (in a language) and ``inputs`` when asked (so
    scoring 43 forces builds no strings)."""

    status: npt.NDArray[np.int8]
    basis: npt.NDArray[np.int8]
    value: npt.NDArray[np.float64]
    reasons: Reasons
    inputs: Inputs

    def __attrs_post_init__(self) -> None:
        # No judgement without evidence: a colour on a non-evidence basis is a scorer bug.
        coloured = self.status != Status.GREY
        if (coloured & (self.basis < StatusBasis.CHANGE_SIGNIFICANT)).any():
            from perfcore.errors import PluginResultError
            raise PluginResultError(
                reason="a scorer gave a red, amber or green status on no evidence basis (its "
                "ScoreBlock.basis must be change_significant, spc, target, "
                "comparator_significant or manual wherever the status is not grey)",
                kind="scorer", name="", expected="an evidence basis", got="none")


class Scorer(Protocol):
    """``scorer(evaluation, rows, **options) -> ScoreBlock``: what the framework calls.

    ``rows`` indexes ``evaluation.measures``; the block is ``len(rows)`` ×
    ``len(evaluation.organisations)``. Options are keyword-only; a plan's options are
    checked against the signature (and the scorer spec's ``check_options``) before any
    scoring."""

    def __call__(self, evaluation: Evaluation, rows: Rows, /,
                 **options: Any) -> ScoreBlock: ...
