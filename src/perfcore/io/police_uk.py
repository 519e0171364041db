"""The ``police_uk`` loader: data.police.uk street-level crime and outcome files.

data.police.uk publishes, per force and month, ``YYYY-MM-<force>-street.csv`` (one row per
crime or anti-social behaviour incident: ``Crime ID``, ``Month``, ``Reported by``,
``Falls within``, ``Longitude``, ``Latitude``, ``Location``, ``LSOA code``, ``LSOA name``,
``Crime type``, ``Last outcome category``, ``Context``) and ``YYYY-MM-<force>-outcomes.csv``
(one row per outcome given: ``Crime ID``, ``Month``, ``Reported by``, ``Falls within``,
location columns, ``Outcome type``). This loader counts their rows by month × force ×
category; it also reads files already counted that way (``month, crime_type[,
last_outcome_category], count`` and ``outcome_month, outcome_type[, crime_type], count``).
The layout is told from the header.

Measure ids:

* street files: ``police_uk.street.<crime type>`` (``police_uk.street.burglary``), and
  ``police_uk.street.all_crime``: every crime type except anti-social behaviour (which
  keeps its own ``police_uk.street.anti_social_behaviour``);
* with ``last_outcome=True``, or from a counted file with a last outcome column:
  ``police_uk.street.<crime type>.<last outcome>`` (a blank last outcome, as anti-social
  behaviour has, is ``not_recorded``);
* outcome files: ``police_uk.outcomes.<outcome type>`` and
  ``police_uk.outcomes.all_outcomes``; from a counted file with a crime type column,
  ``police_uk.outcomes.<outcome type>.<crime type>``.

The counts are police.uk's, not the Home Office recorded crime statistics (police.uk leaves
some offences out), hence the ``police_uk.`` prefix: ``police_uk.street.all_crime`` is not
``all_crime``. Outcome files count outcomes *given in the month*, whatever month their
crime was recorded in. Months are calendar months; aggregate them to financial years with
:meth:`perfcore.dataset.Dataset.aggregate`.

Force: the ``Falls within`` column of record-level files ("Gwent Police" is Gwent);
counted files name no force, so pass ``organisation="Gwent"``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import cast

import numpy as np

from perfcore.dataset import Dataset
from perfcore.errors import OptionError
from perfcore.io._table import (
    FloatArray,
    IntArray,
    Observations,
    RegistryOption,
    factorize_text,
    normalise_header,
    parse_numbers,
    parse_periods,
    read_table,
    resolve_organisations,
    slug,
)
from perfcore.outcomes import POLICEUK_OUTCOME_GROUPS
from perfcore.periods import Month, Period, parse_period

__all__ = ["CRIME_TYPES", "LAST_OUTCOMES", "OUTCOME_TYPES", "load_police_uk"]

ASB = "Anti-social behaviour"

#: police.uk's crime types (the ``Crime type`` column of street files).
CRIME_TYPES = (
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson",
    "Drugs", "Other crime", "Other theft", "Possession of weapons", "Public order",
    "Robbery", "Shoplifting", "Theft from the person", "Vehicle crime",
    "Violence and sexual offences",
)
#: The ``Outcome type`` values of outcomes files.
OUTCOME_TYPES = tuple(POLICEUK_OUTCOME_GROUPS)
#: The ``Last outcome category`` values of street files: outcome types, court results
#: and status updates.
LAST_OUTCOMES = (*OUTCOME_TYPES, "Under investigation", "Awaiting court outcome",
                 "Court result unavailable", "Status update unavailable",
                 "Court case unable to proceed", "Defendant found not guilty",
                 "Defendant sent to Crown Court", "Offender sent to prison",
                 "Offender given suspended prison sentence",
                 "Offender given community sentence", "Offender fined",
                 "Offender given conditional discharge", "Offender given absolute discharge",
                 "Offender ordered to pay compensation", "Offender deprived of property",
                 "Offender otherwise dealt with")
_STREET_RAW = ("month", "falls_within", "crime_type", "last_outcome_category")
_OUTCOMES_RAW = ("month", "falls_within", "outcome_type")


def _month(text: str) -> Period:
    p = parse_period(text, prefer="month")
    if not isinstance(p, Month):
        raise ValueError(f"{text!r} is not a month (write e.g. 2024-04)")
    return p


def _layout(header: set[str]) -> tuple[str, bool, tuple[str, ...]]:
    """(table kind, record level?, required columns) from the normalised header."""
    if {"outcome_type"} <= header and "count" not in header:
        return "outcomes", True, _OUTCOMES_RAW
    if {"crime_type", "last_outcome_category"} <= header and "count" not in header:
        return "street", True, _STREET_RAW
    if {"outcome_month", "outcome_type", "count"} <= header:
        return "outcomes", False, ("outcome_month", "outcome_type", "count")
    if {"month", "crime_type", "count"} <= header:
        return "street", False, ("month", "crime_type", "count")
    return "", False, ()


def _peek(path: str | Path, encoding: str) -> set[str]:
    try:
        with Path(path).open(newline="", encoding=encoding) as f:
            return {normalise_header(h) for h in next(csv.reader(f), [])}
    except (OSError, UnicodeDecodeError, LookupError):
        return set()  # read_table reports it properly


def load_police_uk(path: str | Path, *, organisation: str | None = None,
                   last_outcome: bool = False, registry: RegistryOption = None,
                   encoding: str = "utf-8-sig") -> Dataset:
    """Count a police.uk street or outcomes file (record-level or already counted) by
    month × force × category (see the module docs for the measure ids).

    ``organisation`` names the force of a counted file (which has no force column), or
    overrides ``Falls within``; ``last_outcome=True`` also counts street crimes by their
    last outcome (files without a last outcome ignore it).
    """
    header = _peek(path, encoding)
    kind, record_level, required = _layout(header)
    if not kind:
        # read_table names the columns a street file needs and what the file has.
        required = _STREET_RAW
        kind, record_level = "street", True
    month_col = "month" if "month" in required else "outcome_month"
    category = "crime_type" if kind == "street" else "outcome_type"
    breakdown = None
    if kind == "street" and "last_outcome_category" in header and (
            last_outcome or not record_level):
        breakdown = "last_outcome_category"
    elif kind == "outcomes" and not record_level and "crime_type" in header:
        breakdown = "crime_type"
    optional = tuple(c for c in (breakdown, "falls_within") if c)
    table = read_table(path, required=required, optional=optional, extra="ignore",
                       encoding=encoding,
                       layout=f"police.uk {kind}{'' if record_level else ' counts'}",
                       context={"period": month_col, "measure": category})
    if organisation is not None:
        forces: list[str | None] = [_one_force(organisation, registry)]
        f_codes = np.zeros(len(table), dtype=np.int64)
    elif "falls_within" in table:
        forces, f_codes = resolve_organisations(table, "falls_within", registry,
                                                strip_force_suffix=True)
    else:
        raise OptionError(f"{table.file} is a police.uk file of counts, which names no "
                          "force: pass organisation='<force>' (e.g. organisation='Gwent')",
                          option="organisation", value=None, allowed="a force name or code")
    months, m_codes = parse_periods(table, month_col, parse=_month)
    cats, c_codes = factorize_text(table[category])
    for k, c in enumerate(cats):
        if not c:
            table.problems.at(f"the {table.name(category)} is blank",
                              np.flatnonzero(c_codes == k).tolist(),
                              column=table.name(category))
    if record_level:
        weight: FloatArray | None = None
    else:
        weight, _ = parse_numbers(table, "count")
        for i in np.flatnonzero(np.isnan(weight)).tolist():
            table.problems.at("the count is blank", i, column=table.name("count"))
    table.problems.raise_if_any()

    # Month × force combinations the file covers; each gets every known category, with a
    # zero where the file has no row for it (zero crimes, not a missing figure), so that
    # months aggregate into years whatever happened to occur in each.
    nf = len(forces)
    mf_distinct, mf_codes = np.unique(m_codes * nf + f_codes, return_inverse=True)
    mf_codes = mf_codes.reshape(-1)
    n_mf = len(mf_distinct)
    mf_month, mf_force = mf_distinct // nf, mf_distinct % nf
    names = [f or "" for f in forces]
    periods = cast(list[Period], months)  # every month is valid: problems were raised
    prefix = f"police_uk.{kind}"
    known = CRIME_TYPES if kind == "street" else OUTCOME_TYPES
    observations = Observations()

    def emit(ids: list[str], index: IntArray) -> FloatArray:
        n = len(ids)
        dense = np.bincount(mf_codes * n + index, weights=weight,
                            minlength=n_mf * n).reshape(n_mf, n).astype(np.float64)
        observations.add(ids, np.tile(np.arange(n), n_mf), names, np.repeat(mf_force, n),
                         periods, np.repeat(mf_month, n), dense.reshape(-1))
        return dense

    if breakdown is None or record_level:
        full = _union(known, cats)
        at = {c.lower(): i for i, c in enumerate(full)}
        index = np.array([at[c.lower()] for c in cats], dtype=np.int64)[c_codes]
        dense = emit([f"{prefix}.{slug(c)}" for c in full], index)
        # The total: every crime type but anti-social behaviour; every outcome.
        counted = np.array([not (kind == "street" and c.lower() == ASB.lower())
                            for c in full], dtype=bool)
        total = "all_crime" if kind == "street" else "all_outcomes"
        observations.add([f"{prefix}.{total}"], np.zeros(n_mf, dtype=np.int64), names,
                         mf_force, periods, mf_month, dense[:, counted].sum(axis=1))
    if breakdown is not None:
        subs, s_codes = factorize_text(table[breakdown])
        pairs = _pairs(kind, cats, subs)
        at2 = {(a.lower(), b.lower()): i for i, (a, b) in enumerate(pairs)}
        lookup = np.array([[at2[(c.lower(), s.lower())] for s in subs] for c in cats],
                          dtype=np.int64)
        ids = [f"{prefix}.{slug(a)}.{slug(b) if b else 'not_recorded'}" for a, b in pairs]
        emit(ids, lookup[c_codes, s_codes])
    return observations.dataset(source=f"data.police.uk ({Path(path).name})")


def _union(known: tuple[str, ...], seen: list[str]) -> list[str]:
    have = {k.lower() for k in known}
    return [*known, *sorted({s for s in seen if s.lower() not in have})]


def _pairs(kind: str, cats: list[str], subs: list[str]) -> list[tuple[str, str]]:
    """Every (category, breakdown) pair a file of this kind can hold: the known ones,
    and any the file has beyond them."""
    if kind == "street":
        # Anti-social behaviour has no outcome, and crimes not yet one, but the files
        # hold exceptions: every pair is kept, so that months add up the same way.
        outcomes = ["", *(o for o in _union(LAST_OUTCOMES, subs) if o)]
        known = [(c, o) for c in _union(CRIME_TYPES, cats) for o in outcomes]
    else:
        crimes = [c for c in _union(CRIME_TYPES, subs) if c.lower() != ASB.lower()]
        known = [(o, c) for o in _union(OUTCOME_TYPES, cats) for c in crimes]
    have = {(a.lower(), b.lower()) for a, b in known}
    extra = sorted({(c, s) for c in cats for s in subs
                    if (c.lower(), s.lower()) not in have})
    return [*known, *extra]


def _one_force(name: str, registry: RegistryOption) -> str:
    if registry is False:
        return name
    from perfcore.organisations import default_registry
    return (registry or default_registry()).code(name)
