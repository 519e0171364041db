"""Sickness absence calculations: the Bradford Factor and its distribution, and working
days lost per FTE.

**Bradford Factor.** B = S² × D, where S is the number of separate absence spells and D
the total days absent, both over a rolling period (usually 52 weeks). Squaring S makes
frequent short absences weigh more than one long one: 10 one-day spells give 1,000,
one ten-day spell gives 10.

**Trigger points.** Policies act when B reaches a trigger. The defaults here, 51, 125,
250 and 500, are common published points (e.g. 51 informal review, 125 first formal
stage, 250 second, 500 final), but they are *force policy, not a standard*, so
``triggers`` is an option. A person is counted against a trigger when B ≥ trigger.

All functions take array-likes and broadcast; a negative or missing input gives NaN for
that person and the person is left out of the shares (the reported ``assessed`` count
says how many were used).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.errors import OptionError, ShapeError

__all__ = ["BradfordDistribution", "bradford_distribution", "bradford_factor",
           "bradford_from_spells", "days_lost_per_fte"]

FloatArray = npt.NDArray[np.float64]
DEFAULT_TRIGGERS = (51, 125, 250, 500)


def bradford_factor(spells: npt.ArrayLike, days: npt.ArrayLike) -> FloatArray:
    """S² × D per person (NaN where an input is negative or missing)."""
    s = np.asarray(spells, dtype=np.float64)
    d = np.asarray(days, dtype=np.float64)
    try:
        s, d = np.broadcast_arrays(s, d)
    except ValueError as exc:
        raise ShapeError(reason="spells and days cannot be broadcast together",
                         shapes={"spells": s.shape, "days": d.shape}) from exc
    ok = (s >= 0) & (d >= 0)  # False for NaN too
    return np.where(ok, s * s * d, np.nan)


def bradford_from_spells(staff: npt.ArrayLike, spell_days: npt.ArrayLike,
                         ) -> tuple[npt.NDArray[np.generic], FloatArray]:
    """Bradford Factors from spell records: one row per absence spell with the person's
    id and the spell's length in days. Returns (ids, factors), ids sorted."""
    ids = np.asarray(staff)
    days = np.asarray(spell_days, dtype=np.float64)
    if ids.shape != days.shape or ids.ndim != 1:
        raise ShapeError(reason="staff and spell_days must be 1-D and the same length",
                         shapes={"staff": ids.shape, "spell_days": days.shape})
    people, which = np.unique(ids, return_inverse=True)
    spells = np.bincount(which, minlength=people.size).astype(np.float64)
    total = np.bincount(which, weights=days, minlength=people.size)
    return people, bradford_factor(spells, total)


@attrs.frozen(kw_only=True)
class BradfordDistribution:
    """People at or above each trigger: ``counts[i]`` and ``shares[i]`` for
    ``triggers[i]``, out of ``assessed`` people with a valid factor."""

    triggers: tuple[float, ...]
    counts: tuple[int, ...]
    shares: tuple[float, ...]
    assessed: int

    def share_at(self, trigger: float) -> float:
        """The share at or above one of the triggers."""
        if trigger not in self.triggers:
            raise OptionError.for_choice("trigger", trigger, self.triggers)
        return self.shares[self.triggers.index(trigger)]


def bradford_distribution(factors: npt.ArrayLike, *,
                          triggers: Sequence[float] = DEFAULT_TRIGGERS,
                          ) -> BradfordDistribution:
    """How many people, and what share, are at or above each trigger point."""
    t = tuple(float(x) for x in triggers)
    if not t or any(b <= a for a, b in itertools.pairwise(t)) or t[0] < 0:
        raise OptionError(option="triggers", value=t, allowed="increasing non-negative "
                          "numbers, e.g. (51, 125, 250, 500)")
    f = np.asarray(factors, dtype=np.float64).ravel()
    f = f[np.isfinite(f)]
    counts = tuple(int(np.count_nonzero(f >= x)) for x in t)
    n = int(f.size)
    shares = tuple(c / n if n else float("nan") for c in counts)
    return BradfordDistribution(triggers=t, counts=counts, shares=shares, assessed=n)


def days_lost_per_fte(days_lost: npt.ArrayLike, fte: npt.ArrayLike) -> FloatArray:
    """Working days lost per full-time equivalent (NaN where FTE ≤ 0 or days < 0)."""
    d = np.asarray(days_lost, dtype=np.float64)
    f = np.asarray(fte, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((f > 0) & (d >= 0), d / np.where(f > 0, f, 1.0), np.nan)
