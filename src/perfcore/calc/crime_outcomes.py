"""Home Office crime outcomes (docs/methodology.md §6): outcome rates on the two bases used in
practice, with a configurable set of "positive" outcomes.

* **Crimes recorded in the period** (the Home Office outcomes tables' basis): outcomes
  assigned, so far, to the crimes recorded in the period ÷ crimes recorded in the period.
  ``basis="crimes_recorded_in_period"``.
* **Outcomes given in the period**: outcomes given in the period (whenever their crime was
  recorded) ÷ crimes recorded in the period. A different figure — it can even exceed 100% —
  so it has its own basis, ``"outcomes_given_in_period"`` (worded "outcomes given per crime
  recorded" by :func:`perfcore.labels.outcome_basis_name`). police.uk outcome files give
  this basis.

The outcome types 1–22 are a table passed in (:func:`perfcore.data.outcome_types` reads the
one shipped with perfcore; calc reads no files). The default positive set is charge/summons
(types 1 and 1A), as docs/methodology.md §6 says.

Examples
--------
>>> from perfcore.data import outcome_types
>>> r = outcome_rate([[30, 5, 55]], 200, codes=["1", "1A", "18"],
...                  basis="crimes_recorded_in_period", types=outcome_types())
>>> float(r.rate[0])
0.175
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import (
    FlagArray,
    FloatArray,
    blank_overflow,
    broadcast,
    ratio_reasons,
    warn_invalid,
)
from perfcore.errors import OptionError, ShapeError, UnknownCodeError

__all__ = [
    "DEFAULT_POSITIVE",
    "OutcomeBasis",
    "OutcomeRate",
    "OutcomeType",
    "find_outcome_type",
    "outcome_rate",
]

#: Charge/summons, the default positive outcome set (docs/methodology.md §6).
DEFAULT_POSITIVE: tuple[str, ...] = ("1", "1A")


@attrs.frozen(kw_only=True)
class OutcomeType:
    """A Home Office outcome type: its code ("1" … "22", "1A"), name and group."""

    code: str
    name: str
    group: str
    positive_by_default: bool


def find_outcome_type(code: str | int, types: Sequence[OutcomeType]) -> OutcomeType:
    """The outcome type of ``types`` with this code (``16``, ``"16"`` or ``"Outcome 16"``).

    Raises :class:`~perfcore.errors.UnknownCodeError` for a code not in ``types``.
    """
    key = str(code).strip().upper().removeprefix("OUTCOME").strip()
    for t in types:
        if t.code == key:
            return t
    raise UnknownCodeError(kind="Home Office outcome type", codes=(str(code),),
                           hint="codes are 1, 1A, 2–22")


class OutcomeBasis(enum.Enum):
    """Which outcomes are counted against the crimes recorded in a period
    (:func:`perfcore.labels.outcome_basis_name` names the figure each gives)."""

    CRIMES_RECORDED_IN_PERIOD = "crimes_recorded_in_period"
    OUTCOMES_GIVEN_IN_PERIOD = "outcomes_given_in_period"


@attrs.frozen(kw_only=True)
class OutcomeRate:
    """Result of :func:`outcome_rate`.

    Attributes
    ----------
    rate : ndarray
        Positive outcomes ÷ crimes (a fraction), NaN where undefined (see ``reasons``).
    numerator : ndarray
        Positive outcomes counted.
    denominator : ndarray
        Crimes recorded in the period.
    basis : OutcomeBasis
        Which outcomes were counted.
    positive : tuple of str
        The outcome codes counted as positive.
    reasons : ndarray of uint16
        :class:`perfcore.calc.Reason` bits per element.
    """

    rate: FloatArray = attrs.field(eq=False)
    numerator: FloatArray = attrs.field(eq=False)
    denominator: FloatArray = attrs.field(eq=False)
    basis: OutcomeBasis
    positive: tuple[str, ...]
    reasons: FlagArray = attrs.field(eq=False)


def _basis(value: OutcomeBasis | str) -> OutcomeBasis:
    if isinstance(value, OutcomeBasis):
        return value
    for b in OutcomeBasis:
        if b.value == value:
            return b
    raise OptionError.for_choice("basis", value, [b.value for b in OutcomeBasis])


def outcome_rate(
    counts: npt.ArrayLike,
    crimes: npt.ArrayLike,
    *,
    codes: Sequence[str | int],
    basis: OutcomeBasis | str,
    types: Sequence[OutcomeType],
    positive: Iterable[str | int] = DEFAULT_POSITIVE,
) -> OutcomeRate:
    """Positive outcome rate from outcome counts by type.

    Parameters
    ----------
    counts : array_like, shape (..., len(codes))
        Outcomes by type, in the order of ``codes``.
    crimes : array_like
        Crimes recorded in the period; broadcasts against the leading axes of ``counts``.
    codes : sequence of str or int
        The outcome type of each column (``1``, ``"1A"``, ``"Outcome 16"``).
    basis : OutcomeBasis or str
        Must be given: the two bases are different figures (see the module docstring).
    types : sequence of OutcomeType
        The outcome types codes are checked against: :func:`perfcore.data.outcome_types`.
    positive : iterable of str or int, default ``DEFAULT_POSITIVE``
        The outcome types counted as positive.

    Returns
    -------
    OutcomeRate
        Zero crimes give NaN with ``ZERO_DENOMINATOR``; on the recorded-in-period basis
        more positive outcomes than crimes is impossible and gives NaN with ``X_GT_N``.
    """
    b = _basis(basis)
    code_list = [find_outcome_type(c, types).code for c in codes]
    pos = tuple(sorted({find_outcome_type(c, types).code for c in positive},
                       key=lambda c: (int(c.rstrip("A")), c)))
    arr = np.asarray(counts, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != len(code_list):
        raise ShapeError(reason=f"counts must have the {len(code_list)} outcome types of "
                         "`codes` on its last axis", shapes={"counts": arr.shape})
    mask = np.array([c in pos for c in code_list])
    num, den = broadcast(numerator=arr[..., mask].sum(axis=-1), crimes=crimes)
    reasons = ratio_reasons(num, den,
                            proportion=b is OutcomeBasis.CRIMES_RECORDED_IN_PERIOD)
    bad = reasons != 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = np.where(bad, np.nan, num / np.where(den == 0, 1, den))
    # A denominator near the smallest float (5e-324) sends a rate beyond a float.
    reasons, rate = blank_overflow(reasons, rate)
    warn_invalid(reasons, "outcome_rate")
    return OutcomeRate(rate=rate, numerator=num, denominator=den, basis=b, positive=pos,
                       reasons=reasons)
