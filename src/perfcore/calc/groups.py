"""Peer groups: membership, group averages, ranks within a group and descriptive bands.

Methods: docs/methodology-comparison.md §3. Every function is vectorised: organisations
lie along the **last axis** of the data arrays, and any leading axes (measures, periods)
broadcast through. A group (e.g. a force's Most Similar Group) is a row of a (groups x
organisations) membership matrix; averages over many groups at once are one matrix
product.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    BoolArray,
    FlagArray,
    FloatArray,
    IntArray,
    Reason,
    StrArray,
    as_float,
    blank_overflow,
    broadcast,
    broadcast_signs,
    check_choice,
    input_reasons,
    positive_option,
    ratio_reasons,
    scalar_fields,
    set_reason,
    warn_invalid,
)
from perfcore.errors import OptionError, ShapeError

__all__ = [
    "DescriptiveBand",
    "GroupAverage",
    "GroupRank",
    "descriptive_band",
    "group_average",
    "membership_matrix",
    "rank_in_group",
]

_NOT_COMPARED = "not_compared"
_AVERAGE_METHODS = ("pooled", "mean", "population_weighted")


def membership_matrix(members: Any, n_organisations: int | None = None) -> BoolArray:
    """A boolean (groups x organisations) matrix from a matrix or a list of index arrays."""
    if n_organisations is not None and (
            isinstance(n_organisations, bool)
            or not isinstance(n_organisations, (int, np.integer)) or n_organisations < 0):
        raise OptionError(option="n_organisations", value=n_organisations,
                          allowed="a whole number of organisations, at least 0")
    if isinstance(members, np.ndarray) and members.dtype == np.bool_:
        mat = members
    elif (isinstance(members, (list, tuple)) and members
          and not isinstance(members[0], (bool, np.bool_))
          and all(np.ndim(g) == 1 for g in members)
          and not all(len(g) and isinstance(g[0], (bool, np.bool_)) for g in members)):
        if n_organisations is None:
            raise ShapeError(reason="index-array members need the number of organisations",
                             shapes={"members": (len(members),)})
        mat = np.zeros((len(members), n_organisations), dtype=np.bool_)
        for i, g in enumerate(members):  # one pass per group to build the mask only
            idx = np.asarray(g, dtype=np.int64)
            if idx.size and (idx.min() < -n_organisations or idx.max() >= n_organisations):
                raise ShapeError(reason=f"members[{i}] indexes outside 0..{n_organisations - 1}",
                                 shapes={"members": (len(members),)})
            mat[i, idx] = True
    else:
        mat = np.asarray(members).astype(np.bool_)
    if mat.ndim != 2:
        raise ShapeError(reason="members must be a (groups x organisations) matrix",
                         shapes={"members": mat.shape})
    if n_organisations is not None and mat.shape[1] != n_organisations:
        raise ShapeError(
            reason=f"members has {mat.shape[1]} organisation columns but the data has "
            f"{n_organisations} organisations (last axis)",
            shapes={"members": mat.shape, "organisations": (n_organisations,)})
    return mat


def _self_index(mat: BoolArray, self_index: npt.ArrayLike | None) -> IntArray | None:
    if self_index is None:
        return np.arange(mat.shape[0]) if mat.shape[0] == mat.shape[1] else None
    idx = np.asarray(self_index, dtype=np.int64).reshape(-1)
    if idx.shape[0] != mat.shape[0]:
        raise ShapeError(reason=f"self_index has {idx.shape[0]} entries for {mat.shape[0]} groups",
                         shapes={"self_index": idx.shape, "members": mat.shape})
    if idx.size and (idx.min() < 0 or idx.max() >= mat.shape[1]):
        raise ShapeError(reason="self_index points outside the organisations",
                         shapes={"self_index": idx.shape, "members": mat.shape})
    return idx


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class GroupAverage:
    """Average of each peer group (e.g. each force's MSG), one per group.

    Attributes
    ----------
    value : ndarray
        Shape (..., groups). NaN where no member had usable data (reason ``too_few``)
        or the pooled denominator is 0 (``zero_denominator``).
    method : str
        ``"pooled"`` (Σx/Σn x multiplier), ``"mean"`` (unweighted mean of member
        values) or ``"population_weighted"`` (Σ value·pop / Σ pop).
    include_self : bool
        Whether each group's own force counted in its average.
    n_members : ndarray of int
        Members counted in each group's average (after excluding self).
    n_used : ndarray of int
        Members with usable data.
    n_missing : ndarray of int
        Members whose data were missing or invalid (never silently dropped; reason
        ``missing`` is set on the group when this is non-zero).
    reasons : ndarray of uint16
    """

    value: FloatArray = attrs.field(eq=False)
    method: str
    include_self: bool
    n_members: IntArray = attrs.field(eq=False)
    n_used: IntArray = attrs.field(eq=False)
    n_missing: IntArray = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)


def group_average(
    values: npt.ArrayLike | None = None,
    *,
    numerator: npt.ArrayLike | None = None,
    denominator: npt.ArrayLike | None = None,
    population: npt.ArrayLike | None = None,
    members: Any,
    self_index: npt.ArrayLike | None = None,
    method: str = "pooled",
    include_self: bool = False,
    multiplier: float = 1.0,
) -> GroupAverage:
    """Average over each peer group, for many groups at once (a matrix product).

    Parameters
    ----------
    values : array_like, optional
        Member values (rates, proportions ...), organisations on the last axis; needed
        for ``"mean"`` (or give numerator/denominator) and ``"population_weighted"``.
    numerator, denominator : array_like, optional
        Needed for ``"pooled"``: the average is Σx/Σn x multiplier over members with
        both present.
    population : array_like, optional
        Weights for ``"population_weighted"``.
    members : bool matrix (groups x organisations) or sequence of index arrays
        Who belongs to each group. A square matrix is read as "group i is organisation
        i's MSG".
    self_index : array_like of int, optional
        The organisation each group belongs to. Defaults to ``arange(groups)`` for a
        square matrix; otherwise no organisation is excluded (e.g. a national group).
    method : {"pooled", "mean", "population_weighted"}
    include_self : bool
        Count the group's own force in its average (default False: MSG averages
        exclude the force being compared).
    multiplier : float
        Scale for the pooled/mean-of-ratios value (100 for a percentage).
    """
    check_choice("method", method, _AVERAGE_METHODS)
    multiplier = positive_option("multiplier", multiplier)
    a, b, reasons_in = _average_terms(method, values, numerator, denominator, population,
                                      multiplier)
    if a.ndim == 0:
        raise ShapeError(reason="group_average needs organisations on the last axis",
                         shapes={"values": a.shape})
    mask, _ = _peer_mask(members, a.shape[-1], self_index, include_self)
    w = mask.T.astype(np.float64)  # (organisations x groups)
    usable = reasons_in == 0
    n_used = (usable.astype(np.float64) @ w).astype(np.int64)
    n_members = np.broadcast_to(mask.sum(1), n_used.shape).astype(np.int64)
    n_missing = n_members - n_used
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        sum_a = np.where(usable, a, 0.0) @ w
        sum_b = np.where(usable, b, 0.0) @ w
        value = sum_a / sum_b
        if method == "pooled":
            value = value * multiplier
    reasons = np.zeros(value.shape, dtype=np.uint16)
    reasons |= np.where(n_missing > 0, np.uint16(Reason.MISSING), np.uint16(0))
    reasons |= np.where(n_used == 0, np.uint16(Reason.TOO_FEW), np.uint16(0))
    reasons |= np.where((n_used > 0) & (sum_b == 0), np.uint16(Reason.ZERO_DENOMINATOR),
                        np.uint16(0))
    value = np.where((n_used == 0) | (sum_b == 0), np.nan, value)
    # Sums too large for a float (members' values of 1e308): no average.
    reasons, value = blank_overflow(reasons, value, usable=(n_used > 0) & (sum_b != 0))
    warn_invalid(reasons_in, "group_average")
    return GroupAverage(value=value, method=method, include_self=include_self,
                        n_members=n_members, n_used=n_used, n_missing=n_missing,
                        reasons=reasons)


def _average_terms(method: str, values: npt.ArrayLike | None, numerator: npt.ArrayLike | None,
                   denominator: npt.ArrayLike | None, population: npt.ArrayLike | None,
                   multiplier: float) -> tuple[FloatArray, FloatArray, FlagArray]:
    """The terms of a group average, value = Σa / Σb over the usable members, and the
    reasons that make a member unusable."""
    if method == "pooled":
        if numerator is None or denominator is None:
            raise OptionError(reason="needs numerator and denominator",
                              option="method", value=method, allowed=_AVERAGE_METHODS)
        num, den = broadcast(numerator=numerator, denominator=denominator)
        reasons = ratio_reasons(num, den, proportion=False)
        reasons &= ~np.uint16(Reason.ZERO_DENOMINATOR)  # a zero member still pools
        return num, den, reasons
    if method == "mean":
        if values is None:
            if numerator is None or denominator is None:
                raise OptionError(reason="needs values, or numerator and denominator",
                                  option="method", value=method, allowed=_AVERAGE_METHODS)
            num, den = broadcast(numerator=numerator, denominator=denominator)
            reasons = ratio_reasons(num, den, proportion=False)
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                a = num / den * multiplier
            reasons |= np.where((reasons == 0) & ~np.isfinite(a), np.uint16(Reason.OVERFLOW),
                                np.uint16(0))
        else:
            a = as_float(values, "values")
            reasons = input_reasons(a)
        return a, np.ones_like(a), reasons
    if values is None or population is None:
        raise OptionError(reason="needs values and population",
                          option="method", value=method, allowed=_AVERAGE_METHODS)
    v, pop = broadcast(values=values, population=population)
    reasons = input_reasons(v, pop)
    set_reason(reasons, np.isfinite(pop) & (pop < 0), Reason.NEGATIVE)
    with np.errstate(invalid="ignore", over="ignore"):
        weighted = v * pop
    set_reason(reasons, (reasons == 0) & ~np.isfinite(weighted), Reason.OVERFLOW)
    return weighted, pop, reasons


def _peer_mask(members: Any, n_organisations: int, self_index: npt.ArrayLike | None,
               include_self: bool) -> tuple[BoolArray, IntArray | None]:
    """The (groups x organisations) mask of the members each group's figure counts, and
    each group's own organisation (None when it cannot be known: a non-square matrix
    without ``self_index``), left out of the mask unless ``include_self``."""
    mat = membership_matrix(members, n_organisations)
    own = _self_index(mat, self_index)
    mask = mat.copy()
    if own is not None and not include_self:
        mask[np.arange(mat.shape[0]), own] = False
    return mask, own


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class GroupRank:
    """Rank of each force within its group, 1 = best by polarity.

    :func:`perfcore.labels.rank_text` words a rank ("5th of 8") in a report's language.

    Attributes
    ----------
    rank : ndarray of int
        1 = best; ties share the best (minimum) rank ("competition" ranking, 1, 2, 2,
        4). **0 = not ranked** (the force's own value is missing; reason ``missing``).
    group_size : ndarray of int
        Members with usable values, including the force itself when ranked ("of 8").
    order : str
        ``"higher_is_better"``, ``"lower_is_better"``; neutral measures are ranked
        highest-first and recorded as ``"descending"``.
    reasons : ndarray of uint16
    """

    rank: IntArray = attrs.field(eq=False)
    group_size: IntArray = attrs.field(eq=False)
    order: Any = attrs.field(eq=False)
    reasons: FlagArray = attrs.field(eq=False)


def rank_in_group(
    values: npt.ArrayLike,
    *,
    polarity: Any,
    members: Any = None,
    self_index: npt.ArrayLike | None = None,
) -> GroupRank:
    """Rank forces by polarity, nationally or within each force's group.

    Parameters
    ----------
    values : array_like
        Organisations along the last axis (e.g. measures x 43 forces).
    polarity : Polarity, str, int or array_like
        One per leading row (broadcasts with ``values[..., 0]``). Neutral ranks the
        highest value first.
    members : optional
        ``None`` ranks every organisation among all of them (result (..., orgs)). A
        (groups x organisations) matrix or index arrays ranks each group's own force
        (``self_index``, default ``arange`` for a square matrix) among that group's
        members plus itself (result (..., groups)).
    """
    v = as_float(values, "values")
    if v.ndim == 0:
        raise ShapeError(reason="rank_in_group needs organisations on the last axis",
                         shapes={"values": v.shape})
    n_org = v.shape[-1]
    if members is None:
        mat = np.ones((n_org, n_org), dtype=np.bool_)
        own = np.arange(n_org)
    else:
        mat = membership_matrix(members, n_org).copy()
        own_opt = _self_index(mat, self_index)
        if own_opt is None:
            raise ShapeError(reason="a non-square members matrix needs self_index (whose rank?)",
                             shapes={"members": mat.shape})
        own = own_opt
        mat[np.arange(mat.shape[0]), own] = True
    sign_b = broadcast_signs(polarity, v.shape[:-1],
                             f"the leading axes {v.shape[:-1]}").astype(np.float64)
    # Neutral: rank highest first, so that "1st" is still well defined.
    eff = np.where(sign_b == 0, 1.0, sign_b)[..., None]
    score = v * eff
    reasons_in = input_reasons(v)
    valid = np.isfinite(v)
    mine = score[..., own]  # (..., groups)
    mine_ok = valid[..., own]
    eligible = mat & valid[..., None, :]
    with np.errstate(invalid="ignore"):
        better = (score[..., None, :] > mine[..., :, None]) & eligible
    size = np.count_nonzero(eligible, axis=-1)
    rank = np.where(mine_ok, np.count_nonzero(better, axis=-1) + 1, 0).astype(np.int64)
    reasons = np.where(mine_ok, np.uint16(0), np.uint16(Reason.MISSING)).astype(np.uint16)
    reasons |= reasons_in[..., own] & np.uint16(Reason.NON_FINITE)
    warn_invalid(reasons_in, "rank_in_group")
    order = np.where(sign_b > 0, "higher_is_better",
                     np.where(sign_b < 0, "lower_is_better", "descending"))
    order_out: Any = str(order) if order.ndim == 0 else order
    return GroupRank(rank=rank, group_size=size.astype(np.int64), order=order_out,
                     reasons=reasons)


@attrs.frozen(kw_only=True, field_transformer=scalar_fields)
class DescriptiveBand:
    """iQuanta-style band: peer mean ± k standard deviations. **Descriptive only.**

    Not a significance test: positions are ``"above"``, ``"within"`` or ``"below"`` the
    band (``"not_compared"`` when the force's value or the band is missing), never
    "significantly" anything.

    Attributes
    ----------
    mean, sd, lower, upper : ndarray
        Peer mean, standard deviation (``ddof``), and mean ∓ k·sd; shape (..., groups).
    position : ndarray of str
    value : ndarray
        Each group's own force's value.
    n_used : ndarray of int
    k : float
    ddof : int
    reasons : ndarray of uint16
    """

    mean: FloatArray = attrs.field(eq=False)
    sd: FloatArray = attrs.field(eq=False)
    lower: FloatArray = attrs.field(eq=False)
    upper: FloatArray = attrs.field(eq=False)
    position: StrArray = attrs.field(eq=False)
    value: FloatArray = attrs.field(eq=False)
    n_used: IntArray = attrs.field(eq=False)
    k: float
    ddof: int
    reasons: FlagArray = attrs.field(eq=False)


def descriptive_band(
    values: npt.ArrayLike,
    *,
    members: Any,
    self_index: npt.ArrayLike | None = None,
    include_self: bool = False,
    k: float = 1.0,
    ddof: int = 1,
) -> DescriptiveBand:
    """Peer mean ± k SD of member values (iQuanta style) and where each force sits.

    Defaults: k = 1, sample SD (ddof = 1), the force excluded from its own band.
    Groups with fewer than ddof + 1 usable peers get NaN bounds (reason ``too_few``).
    """
    k = positive_option("k", k, allow_zero=True)
    if isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)) or ddof < 0:
        raise OptionError(option="ddof", value=ddof, allowed="a whole number, at least 0")
    v = as_float(values, "values")
    if v.ndim == 0:
        raise ShapeError(reason="descriptive_band needs organisations on the last axis",
                         shapes={"values": v.shape})
    mask, own = _peer_mask(members, v.shape[-1], self_index, include_self)
    if own is None:
        raise ShapeError(reason="a non-square members matrix needs self_index",
                         shapes={"members": mask.shape})
    w = mask.T.astype(np.float64)
    ok = np.isfinite(v)
    v0 = np.where(ok, v, 0.0)
    n = (ok.astype(np.float64) @ w)
    # No group has more peers than there are organisations: a larger ddof (10**400, which
    # is no float) leaves every group too few, as it is.
    dd = min(int(ddof), v.shape[-1])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mean = (v0 @ w) / n
        # Deviations about each group's mean (not Σv² - n·mean², which cancels badly).
        dev = np.where(mask & ok[..., None, :], v0[..., None, :] - mean[..., :, None], 0.0)
        sd = np.sqrt((dev**2).sum(-1) / (n - dd))
        few = n <= dd
        mean = np.where(n == 0, np.nan, mean)
        sd = np.where(few, np.nan, sd)
        lower, upper = mean - k * sd, mean + k * sd
    # Peers' values so large that their sum or spread overflows: no band.
    over = (n > 0) & ~(np.isfinite(mean) & (few | (np.isfinite(lower) & np.isfinite(upper))))
    mean, sd, lower, upper = (np.where(over, np.nan, a) for a in (mean, sd, lower, upper))
    mine = v[..., own]
    with np.errstate(invalid="ignore"):
        pos = np.where(mine > upper, "above", np.where(mine < lower, "below", "within"))
    pos = np.where(np.isfinite(mine) & np.isfinite(lower), pos, _NOT_COMPARED).astype("<U12")
    reasons = np.where(few, np.uint16(Reason.TOO_FEW), np.uint16(0)).astype(np.uint16)
    reasons |= np.where(np.isfinite(mine), np.uint16(0), np.uint16(Reason.MISSING))
    reasons |= np.where(over, np.uint16(Reason.OVERFLOW), np.uint16(0))
    return DescriptiveBand(mean=mean, sd=sd, lower=lower, upper=upper, position=pos,
                           value=mine, n_used=n.astype(np.int64), k=float(k), ddof=int(ddof),
                           reasons=reasons)
