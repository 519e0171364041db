"""Roll-up rules: many statuses (measures of an outcome, outcomes of a priority) to one.

Statuses are :class:`~perfcore.codes.Status` codes ordered grey (no judgement) < green <
amber < red; grey never makes a roll-up worse: a group of grey statuses is grey, otherwise
grey members are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.codes import Status
from perfcore.errors import OptionError

__all__ = ["DEFAULT_RULE", "RULE_OPTIONS", "STATUS_VALUES", "RollupRule", "rollup"]

StatusArray = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]

DEFAULT_RULE = "worst"
#: The 0–100 value a status stands for when a scorer gives no finer value (by code).
STATUS_VALUES = np.array([np.nan, 100.0, 50.0, 0.0])
#: Each rule and the options it takes.
RULE_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "worst": (), "majority": (), "mean": ("green", "amber", "weights"),
    "threshold": ("red_at", "amber_at")}


@attrs.frozen(kw_only=True)
class RollupRule:
    """A roll-up rule with its options: ``worst`` (the worst assessed status),
    ``majority`` (the status of the middle item by severity: the majority's status when
    there is one, the worse of the two on a tie), ``mean`` (weighted mean of 0–100
    values, green from ``green`` and amber from ``amber``), ``threshold`` (red when at
    least ``red_at`` reds, amber when at least ``amber_at`` reds or more ambers than
    greens: "any red → amber")."""

    rule: str = attrs.field(default=DEFAULT_RULE)
    green: float = 66.7
    amber: float = 33.3
    red_at: int = 2
    amber_at: int = 1
    weights: Mapping[str, float] = attrs.field(factory=dict)

    @rule.validator
    def _known(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in RULE_OPTIONS:
            raise OptionError.for_choice("rule", value, tuple(RULE_OPTIONS))


def rollup(status: StatusArray, value: FloatArray | None = None, *,
           rule: RollupRule | str = DEFAULT_RULE,
           weights: Sequence[float] | None = None) -> tuple[StatusArray, FloatArray]:
    """Roll ``status`` (items × organisations) up to one status per organisation.

    Returns the statuses and the 0–100 values (the weighted mean of the assessed items'
    values; NaN where none is assessed)."""
    r = rule if isinstance(rule, RollupRule) else RollupRule(rule=rule)
    status = np.asarray(status, dtype=np.int8)
    if status.ndim == 1:
        status = status[:, None]
    n, no = status.shape
    if n == 0:
        return np.zeros(no, dtype=np.int8), np.full(no, np.nan)
    vals = (STATUS_VALUES[status] if value is None
            else np.where(np.isnan(value), STATUS_VALUES[status], value))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    assessed = status != Status.GREY
    wa = np.where(assessed, w[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean: FloatArray = np.where(wa.sum(0) > 0, np.nansum(
            np.where(assessed, vals, 0.0) * wa, 0) / wa.sum(0), np.nan)
    out: StatusArray = np.asarray(_RULES[r.rule](status, mean, r), dtype=np.int8)
    return out, mean


def _worst(status: StatusArray, mean: FloatArray, r: RollupRule) -> StatusArray:
    out: StatusArray = np.max(status, axis=0)
    return out


def _majority(status: StatusArray, mean: FloatArray, r: RollupRule) -> StatusArray:
    # The upper median by severity: the majority's status when there is one, the worse on
    # a tie, and — unlike "the commonest" — never worse when one item improves.
    n = status.shape[0]
    ordered = np.sort(status, axis=0)  # grey (0) first, then green, amber, red
    n_assessed = (status != Status.GREY).sum(0)
    pick = (n - n_assessed) + n_assessed // 2
    return np.where(n_assessed > 0,
                    np.take_along_axis(ordered, np.minimum(pick, n - 1)[None, :], 0)[0],
                    Status.GREY)


def _mean(status: StatusArray, mean: FloatArray, r: RollupRule) -> StatusArray:
    return np.where(np.isnan(mean), Status.GREY,
                    np.where(mean >= r.green, Status.GREEN,
                             np.where(mean >= r.amber, Status.AMBER, Status.RED)))


def _threshold(status: StatusArray, mean: FloatArray, r: RollupRule) -> StatusArray:
    greens, ambers, reds = ((status == c).sum(0) for c in (Status.GREEN, Status.AMBER,
                                                             Status.RED))
    return np.where(greens + ambers + reds == 0, Status.GREY,
                    np.where(reds >= r.red_at, Status.RED,
                             np.where((reds >= r.amber_at) | (ambers > greens), Status.AMBER,
                                      Status.GREEN)))


_RULES = {"worst": _worst, "majority": _majority, "mean": _mean, "threshold": _threshold}
