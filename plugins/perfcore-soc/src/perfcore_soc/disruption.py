"""SOC disruption calculations: the 4P mix and its balance, and a severity-weighted
disruption index.

**4P mix.** OCG management plans set actions under Pursue, Prevent, Protect and Prepare
(seed 003). ``pillar_mix`` gives each pillar's share of disruptions and a *balance* score:
the Shannon entropy of the shares divided by log 4, so 1 means disruptions are spread
evenly over the four pillars and 0 means they all fall under one (typically Pursue).
Rows with no disruptions give NaN shares and NaN balance, never 0.

**Disruption index.** Disruptions are assessed as major, moderate or minor. The index is
the weighted sum ``w_major·major + w_moderate·moderate + w_minor·minor``. The default
weights (3, 2, 1) are a local convention, not a national standard: forces and regional
organised crime units weight differently, so ``weights`` is an option and reports should
state the weights used. ``per_ocg=`` divides by the number of mapped OCGs to compare
periods or forces with different numbers of groups.

All functions take array-likes and broadcast: the category is the last axis.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.errors import OptionError, ShapeError
from perfcore_soc.measures import PILLARS

__all__ = ["PillarMix", "disruption_index", "pillar_mix"]

FloatArray = npt.NDArray[np.float64]


@attrs.frozen(kw_only=True)
class PillarMix:
    """Shares of disruptions by pillar (last axis in ``PILLARS`` order) and balance."""

    shares: FloatArray = attrs.field(eq=False)
    balance: FloatArray | float = attrs.field(eq=False)
    total: FloatArray | float = attrs.field(eq=False)

    def share(self, pillar: str) -> FloatArray | float:
        """The share of one pillar (``"pursue"`` ...)."""
        if pillar not in PILLARS:
            raise OptionError.for_choice("pillar", pillar, PILLARS)
        out = self.shares[..., PILLARS.index(pillar)]
        return float(out) if np.ndim(out) == 0 else np.asarray(out)


def _counts(name: str, value: npt.ArrayLike, width: int) -> FloatArray:
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != width:
        raise ShapeError(reason=f"{name} must have {width} values along its last axis",
                         shapes={name: a.shape})
    return a


def _scalar(a: FloatArray) -> FloatArray | float:
    return float(a) if np.ndim(a) == 0 else a


def pillar_mix(counts: npt.ArrayLike) -> PillarMix:
    """4P mix of disruption ``counts`` given as (pursue, prevent, protect, prepare)."""
    c = _counts("counts", counts, len(PILLARS))
    total = c.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(total[..., None] > 0, c / total[..., None], np.nan)
        logs = np.where(shares > 0, np.log(np.where(shares > 0, shares, 1.0)), 0.0)
    entropy = -(np.nan_to_num(shares) * logs).sum(axis=-1)
    balance = np.where(total > 0, entropy / np.log(len(PILLARS)), np.nan)
    return PillarMix(shares=shares, balance=_scalar(balance), total=_scalar(total))


def disruption_index(counts: npt.ArrayLike, *,
                     weights: tuple[float, float, float] = (3.0, 2.0, 1.0),
                     per_ocg: npt.ArrayLike | None = None) -> FloatArray | float:
    """Severity-weighted disruptions from ``counts`` given as (major, moderate, minor).

    With ``per_ocg`` (number of mapped OCGs) the index is divided by it; 0 OCGs gives NaN.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (3,) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise OptionError(option="weights", value=weights,
                          allowed="three non-negative numbers (major, moderate, minor)")
    index = _counts("counts", counts, 3) @ w
    if per_ocg is not None:
        n = np.asarray(per_ocg, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = np.where(n > 0, index / np.where(n > 0, n, 1.0), np.nan)
    return _scalar(np.asarray(index, dtype=np.float64))
