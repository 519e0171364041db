"""The ``dvds_cases`` loader: DVDS compliance from one row per application.

A ``dvds-cases*.csv`` file has one row per Domestic Violence Disclosure Scheme
application::

    organisation,requested,contacted,disclosed
    Gwent,2023-01-02,2023-01-12,2023-01-30
    Gwent,2023-01-20,,

``requested`` is the date of the request; ``contacted`` the first contact with the
requester and ``disclosed`` the disclosure (or the decision not to disclose), each blank
while it has not happened. Dates are ISO (``2023-01-31``) or UK (``31/01/2023``). Other
columns (a reference, notes) are accepted with ``ignore_columns=[...]``.

The loader counts each organisation's applications by the period of their request
(``period=``: ``financial_year`` by default, ``quarter``, ``month``) and returns two
observations per organisation × period, as proportions with their counts:

- ``victims.dvds_contact_within_10_days``: contact within 10 days of the request;
- ``victims.dvds_disclosure_within_28_days``: disclosure within 28 days of the request;

numerator = applications that met the deadline, denominator = applications whose
outcome is known (met or late; :func:`perfcore_victims.deadlines.dvds_compliance`).
``as_of`` (required: the date the records were extracted) decides whether an open
application is already late. Every row is accounted for: each observation's ``source``
gives its counts, including applications still pending, and rows that cannot be used
(no request date; a step dated before the request; a period where nothing has reached
its deadline yet) are reported in a :class:`~perfcore.errors.SkippedRowsWarning` with
their rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from perfcore.dataset import Dataset
from perfcore.errors import OptionError
from perfcore.i18n import counted
from perfcore.io.records import PeriodKind, Records, read_records
from perfcore.organisations import OrganisationRegistry
from perfcore_victims.deadlines import (
    DeadlineCompliance,
    Status,
    dvds_compliance,
)

__all__ = ["CONTACT", "DISCLOSURE", "load_dvds_cases"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CONTACT = "victims.dvds_contact_within_10_days"
DISCLOSURE = "victims.dvds_disclosure_within_28_days"


def load_dvds_cases(path: str | Path, *, as_of: str | datetime.date | np.datetime64 | None = None,
                    period: PeriodKind = "financial_year", business_days: bool = False,
                    registry: OrganisationRegistry | Literal[False] | None = None,
                    ignore_columns: Collection[str] = (),
                    columns: Mapping[str, str] | None = None,
                    encoding: str = "utf-8-sig") -> Dataset:
    """Read a DVDS case file into compliance observations (see the module docs)."""
    if as_of is None:
        raise OptionError(
            reason="the dvds_cases loader needs as_of, the date the records were extracted (an "
            "open application is late only if its deadline passed by then): in a plan, "
            "options = { as_of = \"2023-04-01\" }", option="as_of", value=None,
            allowed="a date")
    recs = read_records(path, dates=("requested", "contacted", "disclosed"),
                        registry=registry, ignore_columns=ignore_columns, columns=columns,
                        layout="DVDS cases", encoding=encoding)
    periods, p_code = recs.periods("requested", period=period)
    dated = p_code >= 0
    recs.skip(~dated, "no request date (an application counts in the period of its "
                      "request)")
    result = dvds_compliance(recs.dates["requested"], recs.dates["contacted"],
                             recs.dates["disclosed"], as_of=as_of,
                             business_days=business_days)
    size = len(recs.organisations) * len(periods)
    cell = recs.cells(p_code, len(periods))
    requests = np.bincount(cell[dated], minlength=size)
    when = str(np.datetime64(as_of, "D"))
    parts = [_observations(recs, cell, dated, requests, check, what=what, k=k, as_of=when)
             for k, (what, check) in enumerate((("contact", result.contact),
                                               ("disclosure", result.disclosure)))]
    m_code, o_code, p_cells, value, met, known, sources = (
        np.concatenate([p[i] for p in parts]) for i in range(7))
    texts = list(dict.fromkeys(sources.tolist()))
    lookup = {t: i for i, t in enumerate(texts)}
    return Dataset.from_codes(
        measures=[CONTACT, DISCLOSURE], measure_code=m_code,
        organisations=recs.organisations, organisation_code=o_code,
        periods=periods, period_code=p_cells, value=value, numerator=met, denominator=known,
        sources=texts or [""],
        source_code=np.fromiter(map(lookup.__getitem__, sources.tolist()), dtype=np.int64,
                                count=sources.size))


def _observations(recs: Records, cell: IntArray, dated: BoolArray, requests: IntArray,
                  check: DeadlineCompliance, *, what: str, k: int,
                  as_of: str) -> tuple[npt.NDArray[Any], ...]:
    """One deadline's observations: measure code, organisation, period, value, met,
    known (met + late) and source text per organisation × period with a known outcome."""
    days, status, size = check.days, check.status, requests.size
    invalid = dated & (status == Status.INVALID)
    recs.skip(invalid, f"the {what} date is before the request date (left out of the "
                       f"{days}-day {what} rate)")

    def count(rows: BoolArray) -> IntArray:
        return np.bincount(cell[rows], minlength=size)

    met, late = count(dated & (status == Status.MET)), count(dated & (status == Status.BREACHED))
    pending, wrong = count(dated & (status == Status.PENDING)), count(invalid)
    known = met + late
    unrated = dated & (status == Status.PENDING)
    unrated[unrated] = (known == 0)[cell[unrated]]
    recs.skip(unrated, "pending: no application of its organisation and period had reached "
                       f"the {days}-day {what} deadline by {as_of}, so there is no {what} rate "
                       "for it")
    keep = np.flatnonzero(known > 0)
    org, per = np.divmod(keep, max(size // max(len(recs.organisations), 1), 1))
    sources = np.array([
        f"{recs.file}: {counted(int(requests[c]), 'DVDS application')}; {what} within "
        f"{days} days: "
        f"{met[c]} met, {late[c]} late, {pending[c]} pending as of {as_of}"
        + (f", {wrong[c]} dated before the request" if wrong[c] else "")
        for c in keep.tolist()], dtype=object)
    return (np.full(keep.size, k, dtype=np.int64), org, per, met[keep] / known[keep],
            met[keep].astype(np.float64), known[keep].astype(np.float64), sources)
