"""Reference tables shipped with perfcore (see ``SOURCE.md``), read once on first use.

The calculations in :mod:`perfcore.calc` read no files: they take these tables as
arguments, e.g. ``crime_severity_score(..., weights=css_weights())`` and
``outcome_rate(..., types=outcome_types())``.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

from perfcore.calc.crime_outcomes import OutcomeType, find_outcome_type

__all__ = ["POLICEUK_OUTCOME_GROUPS", "css_weights", "outcome_type", "outcome_types"]


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("perfcore.data").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def css_weights() -> Mapping[str, float]:
    """ONS Crime Severity Score weight by Home Office offence code (``css_weights.csv``,
    one vintage of the ONS experimental statistics): ``"1"`` homicide 7,973.39."""
    return MappingProxyType({r["ho_offence_code"]: float(r["css_weight"])
                             for r in _read("css_weights.csv")})


@functools.cache
def outcome_types() -> tuple[OutcomeType, ...]:
    """The Home Office outcome types 1–22 (and 1A), in code order (``outcome_types.csv``)."""
    return tuple(OutcomeType(code=r["code"], name=r["name"], group=r["group"],
                             positive_by_default=r["positive"] == "1")
                 for r in _read("outcome_types.csv"))


def outcome_type(code: str | int) -> OutcomeType:
    """The Home Office outcome type with this code (``16``, ``"16"`` or ``"Outcome 16"``)."""
    return find_outcome_type(code, outcome_types())


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
