"""Statutory-deadline compliance, as for the Domestic Violence Disclosure Scheme (DVDS).

DVDS guidance sets two milestones from the date of the request: initial contact with
the requester within **10 days** and the disclosure (or the decision not to disclose)
within **28 days** (seed 004, PEEL AFI update: "At 10 days with initial contact with the
'requester' and 28 days with the disclosure").

For each case and deadline the status is one of:

``MET``      the step happened within the deadline (elapsed ≤ days);
``BREACHED`` it happened late, or has not happened and the deadline passed by ``as_of``;
``PENDING``  it has not happened and the deadline has not yet passed (excluded from the
             rate: it can still be met);
``INVALID``  no request date, or the step is dated before the request (excluded, and
             counted, so data problems are visible rather than silently dropped).

The compliance rate is MET / (MET + BREACHED) with a Wilson score interval (no
continuity correction; perfcore METHODS §2), from :func:`perfcore.calc.proportion_ci`.

Days are calendar days by default. ``business_days=True`` counts working days
(Monday–Friday, excluding ``holidays``) with :func:`numpy.busday_count`, for forces that
read the guidance as working days.
"""

from __future__ import annotations

import enum

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc import proportion_ci
from perfcore.errors import OptionError, ShapeError

__all__ = ["DeadlineCompliance", "DvdsCompliance", "Status", "deadline_compliance",
           "dvds_compliance"]

DVDS_CONTACT_DAYS = 10
DVDS_DISCLOSURE_DAYS = 28


class Status(enum.IntEnum):
    """Per-case deadline status (see the module docstring)."""

    MET = 0
    BREACHED = 1
    PENDING = 2
    INVALID = 3


@attrs.frozen(kw_only=True)
class DeadlineCompliance:
    """Compliance with one deadline. ``status`` holds a :class:`Status` per case;
    ``rate`` is NaN when no case has reached its deadline."""

    days: int
    met: int
    breached: int
    pending: int
    invalid: int
    rate: float
    lower: float
    upper: float
    confidence: float
    status: npt.NDArray[np.int8] = attrs.field(eq=False, repr=False)

    @property
    def assessed(self) -> int:
        """Cases whose outcome against the deadline is known (the rate's denominator)."""
        return self.met + self.breached


@attrs.frozen(kw_only=True)
class DvdsCompliance:
    """DVDS compliance with the contact (10-day) and disclosure (28-day) deadlines."""

    contact: DeadlineCompliance
    disclosure: DeadlineCompliance


def _dates(name: str, value: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    # Day resolution: deadlines are counted in whole days, whatever the time of day.
    try:
        return np.asarray(value, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise OptionError(reason="must be dates (ISO text, datetime64 or date objects; "
                          f"NaT/None for not yet happened): {exc}", option=name, value=value,
                          allowed="dates") from exc


def deadline_compliance(start: npt.ArrayLike, end: npt.ArrayLike, *, days: int,
                        as_of: str | np.datetime64, business_days: bool = False,
                        holidays: npt.ArrayLike = (), confidence: float = 0.95,
                        ) -> DeadlineCompliance:
    """Compliance with "``end`` within ``days`` of ``start``" over arrays of cases.

    ``end`` is NaT (or None) where the step has not happened yet; ``as_of`` is the date
    the data were extracted, used to decide whether an open case is already late.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise OptionError(option="days", value=days, allowed="a whole number of days ≥ 0")
    if not 0 < confidence < 1:
        raise OptionError(option="confidence", value=confidence,
                          allowed="a number between 0 and 1")
    s, e = _dates("start", start), _dates("end", end)
    if s.shape != e.shape:
        raise ShapeError(reason="start and end must have the same shape",
                         shapes={"start": s.shape, "end": e.shape})
    today = _dates("as_of", as_of)
    holi = _dates("holidays", holidays)
    s_ok = ~np.isnat(s)
    happened = ~np.isnat(e)
    # Fill NaT before counting so busday_count never sees it; those cases are masked.
    s_f = np.where(s_ok, s, today)
    e_f = np.where(happened, e, today)

    def elapsed(a: npt.NDArray[np.datetime64], b: npt.NDArray[np.datetime64],
                ) -> npt.NDArray[np.int64]:
        if business_days:
            return np.busday_count(a, b, holidays=holi).astype(np.int64)
        return (b - a).astype(np.int64)

    taken = elapsed(s_f, e_f)
    so_far = elapsed(s_f, np.full_like(s_f, today))
    status = np.full(s.shape, Status.PENDING, dtype=np.int8)
    status[happened & (taken <= days)] = Status.MET
    status[(happened & (taken > days)) | (~happened & (so_far > days))] = Status.BREACHED
    status[~s_ok | (happened & (taken < 0))] = Status.INVALID
    met = int(np.count_nonzero(status == Status.MET))
    breached = int(np.count_nonzero(status == Status.BREACHED))
    n = met + breached
    # n = 0 (no case has reached its deadline): NaN rate and bounds, no warning.
    ci = proportion_ci(met, n, confidence=confidence)
    return DeadlineCompliance(
        days=days, met=met, breached=breached,
        pending=int(np.count_nonzero(status == Status.PENDING)),
        invalid=int(np.count_nonzero(status == Status.INVALID)),
        rate=float(ci.value), lower=float(ci.lower), upper=float(ci.upper),
        confidence=confidence, status=status)


def dvds_compliance(requested: npt.ArrayLike, contacted: npt.ArrayLike,
                    disclosed: npt.ArrayLike, *, as_of: str | np.datetime64,
                    contact_days: int = DVDS_CONTACT_DAYS,
                    disclosure_days: int = DVDS_DISCLOSURE_DAYS,
                    business_days: bool = False, holidays: npt.ArrayLike = (),
                    confidence: float = 0.95) -> DvdsCompliance:
    """DVDS compliance from per-application dates: request, first contact with the
    requester, and disclosure (or decision not to disclose), each NaT when not yet done.

    Both deadlines run from the request date (not from contact).
    """
    def check(done: npt.ArrayLike, days: int) -> DeadlineCompliance:
        return deadline_compliance(requested, done, days=days, as_of=as_of,
                                   business_days=business_days, holidays=holidays,
                                   confidence=confidence)

    return DvdsCompliance(contact=check(contacted, contact_days),
                          disclosure=check(disclosed, disclosure_days))
