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

``measures`` maps crime types (street files) or outcome types (outcomes files), as
written, to measure ids of your own (mapping several to one id adds them up), and
``total_measure`` names the total: the mapping is then explicit in the plan. A category
police.uk does not list is never dropped: it is loaded (under the loader's id unless
``measures`` maps it) and counted in the total, and when ``measures`` does not name it,
an :class:`~perfcore.errors.UnknownCategoryWarning` names it and its rows.

The counts are police.uk's, not the Home Office recorded crime statistics (police.uk leaves
some offences out), hence the ``police_uk.`` prefix: ``police_uk.street.all_crime`` is not
``all_crime``. Outcome files count outcomes *given in the month*, whatever month their
crime was recorded in. Months are calendar months; aggregate them to financial years with
:meth:`perfcore.dataset.Dataset.aggregate`.

Force: the ``Falls within`` column of record-level files ("Gwent Police" is Gwent);
counted files name no force, so pass ``organisation="Gwent"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, cast

import attrs
import numpy as np

from perfcore.data import POLICEUK_OUTCOME_GROUPS
from perfcore.dataset import Dataset, factorize
from perfcore.errors import OptionError, UnknownCategoryWarning, advise
from perfcore.i18n import counted
from perfcore.io._table import (
    FloatArray,
    IntArray,
    Observations,
    RegistryOption,
    Table,
    check_counts,
    check_mapped_labels,
    check_unique_rows,
    chosen_registry,
    factorize_text,
    is_measure_id,
    label_key,
    label_mapping,
    parse_numbers,
    parse_periods,
    read_header,
    read_table,
    resolve_organisations,
    slug,
)
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


@attrs.frozen(kw_only=True)
class _Layout:
    """What a police.uk file holds, told from its header: street crimes or outcomes,
    one row per record or already counted (a ``count`` column), and the second category
    counted with the first, if any (``breakdown``)."""

    kind: Literal["street", "outcomes"]
    record_level: bool
    required: tuple[str, ...]
    breakdown: str | None = None

    @property
    def month(self) -> str:
        return "month" if "month" in self.required else "outcome_month"

    @property
    def category(self) -> str:
        return "crime_type" if self.kind == "street" else "outcome_type"

    @property
    def prefix(self) -> str:
        return f"police_uk.{self.kind}"

    @property
    def name(self) -> str:
        return f"police.uk {self.kind}{'' if self.record_level else ' counts'}"


def _layout(header: set[str], last_outcome: bool) -> _Layout:
    """The layout of a file with this (normalised) header; a header fitting none is
    taken for a street file, for read_table to name the columns it lacks."""
    if {"outcome_type"} <= header and "count" not in header:
        return _Layout(kind="outcomes", record_level=True, required=_OUTCOMES_RAW)
    if {"crime_type", "last_outcome_category"} <= header and "count" not in header:
        return _Layout(kind="street", record_level=True, required=_STREET_RAW,
                       breakdown="last_outcome_category" if last_outcome else None)
    if {"outcome_month", "outcome_type", "count"} <= header:
        return _Layout(kind="outcomes", record_level=False,
                       required=("outcome_month", "outcome_type", "count"),
                       breakdown="crime_type" if "crime_type" in header else None)
    if {"month", "crime_type", "count"} <= header:
        return _Layout(kind="street", record_level=False,
                       required=("month", "crime_type", "count"),
                       breakdown=("last_outcome_category"
                                  if "last_outcome_category" in header else None))
    return _Layout(kind="street", record_level=True, required=_STREET_RAW)


def load_police_uk(path: str | Path, *, organisation: str | None = None,
                   last_outcome: bool = False, measures: Mapping[str, str] | None = None,
                   total_measure: str | None = None, registry: RegistryOption = None,
                   encoding: str = "utf-8-sig") -> Dataset:
    """Count a police.uk street or outcomes file (record-level or already counted) by
    month × force × category (see the module docs for the measure ids).

    ``organisation`` names the force of a counted file (which has no force column), or
    overrides ``Falls within``; ``last_outcome=True`` also counts street crimes by their
    last outcome (files without a last outcome ignore it). ``measures`` maps categories
    as written (``{"Burglary": "burglary"}``) to measure ids of your own, and
    ``total_measure`` names the total (default ``police_uk.street.all_crime`` or
    ``police_uk.outcomes.all_outcomes``).
    """
    ids = _Ids(mapping=label_mapping(measures), total=_total_id(total_measure))
    layout = _layout(read_header(path, encoding), last_outcome)
    table = read_table(path, required=layout.required,
                       optional=tuple(c for c in (layout.breakdown, "falls_within") if c),
                       extra="ignore", encoding=encoding, layout=layout.name,
                       context={"period": layout.month, "measure": layout.category})
    forces, f_codes = _forces(table, organisation, registry)
    months, m_codes = parse_periods(table, layout.month, parse=_month)
    cats, c_codes = _categories(table, layout.category)
    weight = None if layout.record_level else _counts(table)
    table.problems.raise_if_any()
    if not layout.record_level:
        _check_one_row_each(table, layout, [m_codes, f_codes, c_codes])
    by_category = layout.breakdown is None or layout.record_level
    ids.check(layout, cats, table.file, by_category)
    _warn_unknown(table, layout, cats, c_codes, ids)
    counter = _Counter(months, m_codes, forces, f_codes, weight)
    if by_category:
        _count_categories(counter, layout, cats, c_codes, ids)
    if layout.breakdown is not None:
        subs, s_codes = factorize_text(table[layout.breakdown])
        _count_pairs(counter, layout, cats, c_codes, subs, s_codes)
    return counter.observations.dataset(source=f"data.police.uk ({Path(path).name})")


def _total_id(total_measure: str | None) -> str | None:
    if total_measure is not None and not is_measure_id(total_measure):
        raise OptionError(option="total_measure", value=total_measure,
                          allowed="a measure id (lower-case letters, digits, underscores; "
                          "dots between a domain and its measure)")
    return total_measure


@attrs.frozen(kw_only=True)
class _Ids:
    """The measure ids of a file's counts: ``mapping`` (a category's
    :func:`~perfcore.io._table.label_key` → id) or the loader's ids, and ``total``."""

    mapping: Mapping[str, str]
    total: str | None

    def category(self, layout: _Layout, label: str) -> str:
        return self.mapping.get(label_key(label), f"{layout.prefix}.{slug(label)}")

    def total_of(self, layout: _Layout) -> str:
        word = "all_crime" if layout.kind == "street" else "all_outcomes"
        return self.total or f"{layout.prefix}.{word}"

    def check(self, layout: _Layout, cats: list[str], file: str, by_category: bool) -> None:
        """The mapping names categories this kind of file has, counted by category, and
        the total is none of their ids."""
        if not self.mapping and self.total is None:
            return
        if not by_category:
            raise OptionError(reason=f"{file} counts {layout.category.replace('_', ' ')}s only by "
                              f"{layout.breakdown}: measures and total_measure apply to "
                              "counts by category alone", option="measures",
                              value=tuple(self.mapping), allowed=())
        known = with_unlisted(CRIME_TYPES if layout.kind == "street" else OUTCOME_TYPES, cats)
        check_mapped_labels(self.mapping, {label_key(c) for c in known},
                            what=f"{layout.category.replace('_', ' ')} labels", file=file,
                            allowed=known)
        total = self.total_of(layout)
        if total in self.mapping.values():
            raise OptionError(reason="measures maps a category to the total's id; give the "
                              "total another id", option="total_measure", value=total,
                              allowed="another id")


def _warn_unknown(table: Table, layout: _Layout, cats: list[str], c_codes: IntArray,
                  ids: _Ids) -> None:
    """Name the categories police.uk does not list that the mapping does not name either,
    and where they went: their own measures and the total, never nowhere."""
    have = {c.lower() for c in (CRIME_TYPES if layout.kind == "street" else OUTCOME_TYPES)}
    rows = np.bincount(c_codes, minlength=len(cats))
    unknown = [(c, int(rows[k])) for k, c in enumerate(cats)
               if c.lower() not in have and label_key(c) not in ids.mapping]
    if not unknown:
        return
    import warnings
    what = layout.category.replace("_", " ")
    listed = ", ".join(f"{c!r} ({counted(n, 'row')}) as "
                       f"{ids.category(layout, c)}" for c, n in unknown)
    warnings.warn(f"{table.file}: {counted(len(unknown), what)} police.uk does not list, "
                  "loaded and counted in "
                  f"{ids.total_of(layout)}: {listed}", UnknownCategoryWarning, stacklevel=3)


def _forces(table: Table, organisation: str | None, registry: RegistryOption,
            ) -> tuple[list[str | None], IntArray]:
    """Each row's force: ``organisation`` if given, else its ``Falls within`` cell."""
    if organisation is not None:
        return [force_code(organisation, registry)], np.zeros(len(table), dtype=np.int64)
    if "falls_within" in table:
        return resolve_organisations(table, "falls_within", registry,
                                     strip_force_suffix=True)
    raise OptionError(
        option="organisation", value=None, allowed="a force name or code",
        reason=f"{table.file} is a police.uk file of counts, which names no force: say "
        "which force it is",
        hint=advise(python="pass organisation='Gwent'",
                    plan="in the plan's [[data]] table: options = { organisation = "
                    '"Gwent" }'))


def _categories(table: Table, column: str) -> tuple[list[str], IntArray]:
    """The distinct categories of ``column`` and each row's code; a blank is a problem."""
    cats, c_codes = factorize_text(table[column])
    for k, c in enumerate(cats):
        if not c:
            table.problems.at(f"the {table.name(column)} is blank",
                              np.flatnonzero(c_codes == k).tolist(),
                              column=table.name(column))
    return cats, c_codes


def _counts(table: Table) -> FloatArray:
    """The ``count`` column of a counted file; a blank, a negative count or a fraction is
    a problem."""
    weight, _ = parse_numbers(table, "count")
    for i in np.flatnonzero(np.isnan(weight)).tolist():
        table.problems.at("the count is blank", i, column=table.name("count"))
    check_counts(table, "count", weight)
    return weight


def _check_one_row_each(table: Table, layout: _Layout, keys: list[IntArray]) -> None:
    """A counted file gives each month × force × category (× breakdown) once: a repeated
    row would be counted twice."""
    if layout.breakdown is not None:
        keys = [*keys, factorize_text(table[layout.breakdown])[1]]
    labels = (layout.category.replace("_", " "), "force", "month")

    def key(i: int) -> tuple[str, str, str]:
        category = table[layout.category][i].strip()
        if layout.breakdown is not None:
            category += f" / {table[layout.breakdown][i].strip() or 'blank'}"
        force = table["falls_within"][i].strip() if "falls_within" in table else ""
        return category, force, table[layout.month][i].strip()

    unit = " × ".join(["month", "force", layout.category.replace("_", " "),
                       *([layout.breakdown.replace("_", " ")] if layout.breakdown else [])])
    check_unique_rows(table, keys, key=key, unit=unit, labels=labels)


class _Counter:
    """Counts rows (or sums their ``weight``) by month × force × category into
    ``observations``. Every month × force the file covers gets every category, with a
    zero where the file has no row for it (zero crimes, not a missing figure), so that
    months aggregate into years whatever happened to occur in each."""

    def __init__(self, months: list[Period | None], month_code: IntArray,
                 forces: list[str | None], force_code: IntArray,
                 weight: FloatArray | None) -> None:
        nf = len(forces)
        cells, cell_code = np.unique(month_code * nf + force_code, return_inverse=True)
        self.cell_code = cell_code.reshape(-1)
        self.n_cells = len(cells)
        self.month, self.force = cells // nf, cells % nf
        self.months = cast(list[Period], months)  # every month is valid: problems were raised
        self.forces = [f or "" for f in forces]
        self.weight = weight
        self.observations = Observations()

    def tally(self, index: IntArray, n: int) -> FloatArray:
        """Each row counted as column ``index[i]`` of ``n``: the counts, cells × n."""
        flat = np.bincount(self.cell_code * n + index, weights=self.weight,
                           minlength=self.n_cells * n)
        return flat.reshape(self.n_cells, n).astype(np.float64)

    def add(self, ids: list[str], dense: FloatArray) -> None:
        """Measures ``ids``, one per column of ``dense`` (cells × ids)."""
        n = len(ids)
        self.observations.add(ids, np.tile(np.arange(n), self.n_cells), self.forces,
                              np.repeat(self.force, n), self.months,
                              np.repeat(self.month, n), dense.reshape(-1))


def _count_categories(counter: _Counter, layout: _Layout, cats: list[str],
                      c_codes: IntArray, ids: _Ids) -> None:
    """Counts by crime or outcome type (the known ones, then any others in the file),
    each under its id (categories sharing an id summed), and the total: every crime
    type but anti-social behaviour; every outcome."""
    full = with_unlisted(CRIME_TYPES if layout.kind == "street" else OUTCOME_TYPES, cats)
    at = {c.lower(): i for i, c in enumerate(full)}
    index = np.array([at[c.lower()] for c in cats], dtype=np.int64)[c_codes]
    dense = counter.tally(index, len(full))
    names, id_of = factorize([ids.category(layout, c) for c in full])
    merge = np.zeros((len(full), len(names)))
    merge[np.arange(len(full)), id_of] = 1.0
    counter.add(names, dense @ merge)
    counted = np.array([not (layout.kind == "street" and c.lower() == ASB.lower())
                        for c in full], dtype=bool)
    counter.add([ids.total_of(layout)], dense[:, counted].sum(axis=1, keepdims=True))


def _count_pairs(counter: _Counter, layout: _Layout, cats: list[str], c_codes: IntArray,
                 subs: list[str], s_codes: IntArray) -> None:
    """Counts by category × breakdown (crime type × last outcome, outcome type × crime
    type), every pair the file's kind can hold (see :func:`_pairs`)."""
    pairs = _pairs(layout.kind, cats, subs)
    at = {(a.lower(), b.lower()): i for i, (a, b) in enumerate(pairs)}
    lookup = np.array([[at[(c.lower(), s.lower())] for s in subs] for c in cats],
                      dtype=np.int64)
    ids = [f"{layout.prefix}.{slug(a)}.{slug(b) if b else 'not_recorded'}" for a, b in pairs]
    counter.add(ids, counter.tally(lookup[c_codes, s_codes], len(ids)))


def with_unlisted(known: Sequence[str], seen: Sequence[str]) -> list[str]:
    """The categories police.uk lists (``known``), then the others ``seen``, sorted."""
    have = {k.lower() for k in known}
    return [*known, *sorted({s for s in seen if s.lower() not in have})]


def _pairs(kind: str, cats: list[str], subs: list[str]) -> list[tuple[str, str]]:
    """Every (category, breakdown) pair a file of this kind can hold: the known ones,
    and any the file has beyond them."""
    if kind == "street":
        # Anti-social behaviour has no outcome, and crimes not yet one, but the files
        # hold exceptions: every pair is kept, so that months add up the same way.
        outcomes = ["", *(o for o in with_unlisted(LAST_OUTCOMES, subs) if o)]
        known = [(c, o) for c in with_unlisted(CRIME_TYPES, cats) for o in outcomes]
    else:
        crimes = [c for c in with_unlisted(CRIME_TYPES, subs) if c.lower() != ASB.lower()]
        known = [(o, c) for o in with_unlisted(OUTCOME_TYPES, cats) for c in crimes]
    have = {(a.lower(), b.lower()) for a, b in known}
    extra = sorted({(c, s) for c in cats for s in subs
                    if (c.lower(), s.lower()) not in have})
    return [*known, *extra]


def force_code(name: str, registry: RegistryOption) -> str:
    """The force ``name`` as the loader keeps it: its code in ``registry``, or as written
    with ``registry=False``."""
    reg = chosen_registry(registry)
    return name if reg is None else reg.code(name)


def count_records(*, kind: Literal["street", "outcomes"], months: list[Period],
                  month_code: IntArray, forces: list[str], force_code: IntArray,
                  categories: list[str], category_code: IntArray,
                  breakdown: tuple[list[str], IntArray] | None = None,
                  weight: FloatArray | None = None, source: str) -> Dataset:
    """The counts :func:`load_police_uk` makes of record-level rows, from rows given as
    codes into valid distinct values (months, forces as kept, crime or outcome types,
    and last outcomes for ``breakdown``), each row counted ``weight`` times (an engine's
    group counts; default once). The same measure ids, and the same zeros for every
    category of every month × force present."""
    layout = _Layout(kind=kind, record_level=True, required=(),
                     breakdown="last_outcome_category" if breakdown is not None else None)
    counter = _Counter(cast(list[Period | None], months), month_code,
                       cast(list[str | None], forces), force_code, weight)
    _count_categories(counter, layout, categories, category_code,
                      _Ids(mapping=label_mapping(None), total=_total_id(None)))
    if breakdown is not None:
        _count_pairs(counter, layout, categories, category_code, *breakdown)
    return counter.observations.dataset(source=source)
