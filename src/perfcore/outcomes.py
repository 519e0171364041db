"""Home Office crime outcomes: the outcome types 1–22 as data, a configurable set of
"positive" outcomes, and outcome rates on the two bases used in practice.

* **Crimes recorded in the period** (the Home Office outcomes tables' basis): outcomes
  assigned, so far, to the crimes recorded in the period ÷ crimes recorded in the period.
  Named ``outcome_rate`` with ``basis="crimes_recorded_in_period"``.
* **Outcomes given in the period**: outcomes given in the period (whenever their crime was
  recorded) ÷ crimes recorded in the period. A different figure — it can even exceed 100% —
  so it is named differently: ``basis="outcomes_given_in_period"``, labelled "outcomes
  given per crime recorded". police.uk outcome files give this basis.

The default positive set is charge/summons (types 1 and 1A), as METHODS.md §6 says.
"""

from __future__ import annotations

import csv
import enum
import functools
import io
from collections.abc import Iterable, Sequence
from importlib import resources

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc._common import FlagArray, FloatArray, Reason, broadcast, warn_invalid
from perfcore.errors import OptionError, ShapeError, UnknownCodeError

__all__ = [
    "DEFAULT_POSITIVE",
    "POLICEUK_OUTCOME_GROUPS",
    "OutcomeBasis",
    "OutcomeRate",
    "OutcomeType",
    "outcome_rate",
    "outcome_type",
    "outcome_types",
]

#: Charge/summons, the default positive outcome set (METHODS.md §6).
DEFAULT_POSITIVE: tuple[str, ...] = ("1", "1A")


@attrs.frozen(kw_only=True)
class OutcomeType:
    """A Home Office outcome type: its code ("1" … "22", "1A"), name and group."""

    code: str
    name: str
    group: str
    positive_by_default: bool


@functools.cache
def outcome_types() -> tuple[OutcomeType, ...]:
    """The Home Office outcome types, in code order."""
    text = resources.files("perfcore.data").joinpath("outcome_types.csv").read_text("utf-8")
    return tuple(OutcomeType(code=r["code"], name=r["name"], group=r["group"],
                             positive_by_default=r["positive"] == "1")
                 for r in csv.DictReader(io.StringIO(text)))


def outcome_type(code: str | int) -> OutcomeType:
    """The outcome type with this code (``16`` or ``"16"``)."""
    key = str(code).strip().upper().removeprefix("OUTCOME").strip()
    for t in outcome_types():
        if t.code == key:
            return t
    raise UnknownCodeError(f"unknown Home Office outcome type {code!r}; codes are 1, 1A, 2–22",
                           kind="outcome type", codes=(str(code),), suggestions=())


class OutcomeBasis(enum.Enum):
    """Which outcomes are counted against the crimes recorded in a period."""

    CRIMES_RECORDED_IN_PERIOD = "crimes_recorded_in_period"
    OUTCOMES_GIVEN_IN_PERIOD = "outcomes_given_in_period"

    @property
    def label(self) -> str:
        if self is OutcomeBasis.CRIMES_RECORDED_IN_PERIOD:
            return "outcome rate (outcomes of crimes recorded in the period)"
        return "outcomes given in the period per crime recorded in the period"


#: police.uk outcome categories → Home Office outcome group. police.uk does not say which
#: numbered type an outcome was, and court results and status updates have no group (None).
POLICEUK_OUTCOME_GROUPS: dict[str, str | None] = {
    "Suspect charged": "Charged/Summonsed",
    "Suspect charged as part of another case": "Charged/Summonsed",
    "Offender given a caution": "Out-of-court (formal)",
    "Offender given penalty notice": "Out-of-court (formal)",
    "Offender given a drugs possession warning": "Out-of-court (formal)",
    "Local resolution": "Out-of-court (informal)",
    "Investigation complete; no suspect identified":
        "Investigation complete - no suspect identified",
    "Unable to prosecute suspect": None,  # spans types 14–16 (evidential difficulties)
    "Formal action is not in the public interest":
        "Prosecution prevented or not in the public interest",
    "Further investigation is not in the public interest":
        "Further investigation not in the public interest",
    "Further action is not in the public interest":
        "Prosecution prevented or not in the public interest",
    "Action to be taken by another organisation": "Action undertaken by another body/agency",
}


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
        Which outcomes were counted; ``basis.label`` names the figure.
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
    positive: Iterable[str | int] = DEFAULT_POSITIVE,
) -> OutcomeRate:
    """Positive outcome rate from outcome counts by type.

    ``counts`` has outcome types on its last axis, in the order of ``codes``; ``crimes``
    broadcasts against the remaining axes. ``basis`` must be given: the two bases are
    different figures (see the module docstring). Zero crimes give NaN with
    ``ZERO_DENOMINATOR``; on the recorded-in-period basis more positive outcomes than
    crimes is impossible and gives NaN with ``X_GT_N``.
    """
    b = _basis(basis)
    code_list = [outcome_type(c).code for c in codes]
    pos = tuple(sorted({outcome_type(c).code for c in positive},
                       key=lambda c: (int(c.rstrip("A")), c)))
    arr = np.asarray(counts, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != len(code_list):
        raise ShapeError(f"counts must have the {len(code_list)} outcome types of `codes` on "
                         f"its last axis; it has shape {arr.shape}",
                         shapes={"counts": arr.shape})
    mask = np.array([c in pos for c in code_list])
    numerator = arr[..., mask].sum(axis=-1)
    num, den = broadcast(numerator=numerator, crimes=crimes)
    reasons = np.zeros(num.shape, dtype=np.uint16)
    reasons[np.isnan(num) | np.isnan(den)] |= np.uint16(Reason.MISSING)
    reasons[(num < 0) | (den < 0)] |= np.uint16(Reason.NEGATIVE)
    reasons[den == 0] |= np.uint16(Reason.ZERO_DENOMINATOR)
    if b is OutcomeBasis.CRIMES_RECORDED_IN_PERIOD:
        reasons[num > den] |= np.uint16(Reason.X_GT_N)
    bad = reasons != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(bad, np.nan, num / np.where(den == 0, 1, den))
    warn_invalid(reasons, "outcome_rate")
    return OutcomeRate(rate=rate, numerator=num, denominator=den, basis=b, positive=pos,
                       reasons=reasons)
