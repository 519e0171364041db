"""The scorer protocol: what a scorer is called with and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs
import numpy as np
import numpy.typing as npt

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
    ``status`` (:class:`~perfcore.codes.Status` codes), ``value`` 0–100 (NaN: none), and
    functions giving one cell's ``reasons`` (in a language) and ``inputs`` when asked (so
    scoring 43 forces builds no strings)."""

    status: npt.NDArray[np.int8]
    value: npt.NDArray[np.float64]
    reasons: Reasons
    inputs: Inputs


class Scorer(Protocol):
    """``scorer(evaluation, rows, **options) -> ScoreBlock``: what the framework calls.

    ``rows`` indexes ``evaluation.measures``; the block is ``len(rows)`` ×
    ``len(evaluation.organisations)``. Options are keyword-only; a plan's options are
    checked against the signature (and the scorer spec's ``check_options``) before any
    scoring."""

    def __call__(self, evaluation: Evaluation, rows: Rows, /,
                 **options: Any) -> ScoreBlock: ...
