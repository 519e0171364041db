"""The ``absence_spells`` loader: sickness absence counts from one row per absence spell.

An ``absence-spells*.csv`` file has one row per spell of sickness absence::

    organisation,person,start,days
    Gwent,P0001,2023-04-03,2
    Gwent,P0001,2023-05-10,1

``person`` is any identifier of the member of staff (a payroll number; it is only
compared, never shown); ``start`` the first day of the spell (ISO ``2023-04-03`` or UK
``03/04/2023``); ``days`` the working days lost in the spell. Other columns are
accepted with ``ignore_columns=[...]``.

Each spell counts in the period its first day falls in (``period=``: ``financial_year``
by default, ``quarter``, ``month``), and the loader returns per organisation × period:

- ``wellbeing.working_days_lost``: the days of its spells added up;
- ``wellbeing.staff_over_bradford_trigger``: the people whose Bradford Factor, S² × D
  over their spells in the period (:func:`perfcore_wellbeing.absence.bradford_factor`), is
  at or over ``trigger`` (51 by default). A financial year stands in for the usual
  rolling 52 weeks.

The derived measures then give ``working_days_lost_per_fte`` (with ``fte_strength``) and
``bradford_over_trigger`` (with ``workforce_headcount``). Rows without a start date,
person or days are left out and reported in a
:class:`~perfcore.errors.SkippedRowsWarning` with their rows; negative days are an error.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal

import numpy as np

from perfcore.dataset import Dataset, factorize
from perfcore.errors import DataProblem, DataValidationError, OptionError
from perfcore.i18n import counted
from perfcore.io.records import PeriodKind, read_records
from perfcore.organisations import OrganisationRegistry
from perfcore_wellbeing.absence import DEFAULT_TRIGGERS, bradford_factor

__all__ = ["DAYS_LOST", "OVER_TRIGGER", "load_absence_spells"]

DAYS_LOST = "wellbeing.working_days_lost"
OVER_TRIGGER = "wellbeing.staff_over_bradford_trigger"


def load_absence_spells(path: str | Path, *, period: PeriodKind = "financial_year",
                        trigger: float = DEFAULT_TRIGGERS[0],
                        registry: OrganisationRegistry | Literal[False] | None = None,
                        ignore_columns: Collection[str] = (),
                        columns: Mapping[str, str] | None = None,
                        encoding: str = "utf-8-sig") -> Dataset:
    """Read an absence spell file into working days lost and people over the Bradford
    trigger (see the module docs)."""
    if isinstance(trigger, bool) or not isinstance(trigger, (int, float)) or trigger < 0:
        raise OptionError(option="trigger", value=trigger,
                          allowed="a Bradford Factor ≥ 0, e.g. 51")
    recs = read_records(path, dates=("start",), numbers=("days",), text=("person",),
                        registry=registry, ignore_columns=ignore_columns, columns=columns,
                        layout="absence spells", encoding=encoding)
    days, person = recs.numbers["days"], np.asarray(recs.text["person"], dtype=object)
    negative = np.flatnonzero(days < 0)
    if negative.size:
        raise DataValidationError.from_problems(
            [DataProblem(f"days {days[i]:g} is negative (working days lost in the spell)",
                         file=recs.file, row=int(recs.rows[i]), column="days")
             for i in negative.tolist()], recs.file)
    periods, p_code = recs.periods("start", period=period)
    recs.skip(p_code < 0, "no start date (a spell counts in the period it starts in)")
    recs.skip((p_code >= 0) & (person == ""), "no person (the Bradford Factor is per "
                                              "person)")
    recs.skip((p_code >= 0) & (person != "") & np.isnan(days), "no days lost")
    used = (p_code >= 0) & (person != "") & ~np.isnan(days)
    n_cells = len(recs.organisations) * len(periods)
    cell = recs.cells(p_code, len(periods))[used]
    spell_days = days[used]
    lost = np.bincount(cell, weights=spell_days, minlength=n_cells)
    spells = np.bincount(cell, minlength=n_cells)
    # Per person and cell: S spells, D days → B = S² × D.
    people, who = factorize(person[used].tolist())
    key = cell * max(len(people), 1) + who
    pairs, inverse = np.unique(key, return_inverse=True)
    inverse = np.ravel(inverse)
    factor = bradford_factor(np.bincount(inverse), np.bincount(inverse, weights=spell_days))
    pair_cell = pairs // max(len(people), 1)
    over = np.bincount(pair_cell[factor >= trigger], minlength=n_cells)
    staff = np.bincount(pair_cell, minlength=n_cells)
    keep = np.flatnonzero(spells > 0)
    org, per = np.divmod(keep, max(len(periods), 1))
    texts = [f"{recs.file}: {counted(int(spells[c]), 'absence spell')} of "
             f"{counted(int(staff[c]), 'person', 'people')} starting in "
             f"the period; Bradford Factor S² × D ≥ {trigger:g} over those spells"
             for c in keep.tolist()]
    k = keep.size
    return Dataset.from_codes(
        measures=[DAYS_LOST, OVER_TRIGGER],
        measure_code=np.repeat(np.array([0, 1]), k),
        organisations=recs.organisations, organisation_code=np.tile(org, 2),
        periods=periods, period_code=np.tile(per, 2),
        value=np.concatenate([lost[keep], over[keep].astype(np.float64)]),
        sources=texts or [""], source_code=np.tile(np.arange(k), 2))
