"""The ``home_office_prc`` loader: the Home Office police recorded crime open-data tables.

The layout is the Home Office's "Police recorded crime and outcomes open data tables"
(``prc-pfa-mar2013-onwards-tables``, one sheet per financial year, saved as CSV): one row
per force × quarter × offence code, with columns ``Financial Year`` (``2019/20``),
``Financial Quarter`` (1 = April–June), ``Force Name``, ``Offence Description``,
``Offence Group``, ``Offence Subgroup``, ``Offence Code`` and ``Number of Offences``.
Other columns are not read.

Rows are summed into counts by force × period × measure. ``by`` chooses the measures:

* ``"total"`` (default): every offence, as measure ``all_crime`` ("total recorded crime
  excluding fraud", the figure ONS and forces publish);
* ``"offence_group"``, ``"offence_subgroup"``, ``"offence"``: one measure per offence
  group, subgroup or offence description, with ids ``prc.offence_group.<label>``,
  ``prc.offence_subgroup.<label>``, ``prc.offence.<label>`` (labels made into ids by
  :func:`perfcore.io.measure_slug`; the Home Office's "Miscellaneous crimes" group takes
  the name ONS gives it, "Miscellaneous crimes against society", so that both sources give
  the same id);

or several levels at once (``by=("total", "offence_group")``). ``measures`` maps labels
(an offence group, subgroup or description as written, or ``"total"``) to measure ids of
your own; mapping several labels to one id adds them up (``{"Domestic burglary":
"burglary", "Non-domestic burglary": "burglary"}``).

Rows for the national fraud bodies (Action Fraud, CIFAS, UK Finance) are not loaded, and
force rows in the "Fraud offences" group count in no total: fraud is recorded centrally,
and force totals exclude it. Both are reported in a
:class:`~perfcore.errors.SkippedRowsWarning` with counts. Negative counts (the tables'
adjustments) are kept: they are part of the published totals; a count that is not a whole
number is an error. A force × quarter × offence row given twice raises
:class:`~perfcore.errors.DuplicateObservationError` naming both rows: summed, it would
count the offences twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import attrs
import numpy as np

from perfcore.dataset import Dataset, factorize
from perfcore.errors import OptionError, advise
from perfcore.i18n import counted
from perfcore.io._table import (
    BoolArray,
    FloatArray,
    IntArray,
    Observations,
    RegistryOption,
    Table,
    check_counts,
    check_mapped_labels,
    check_unique_rows,
    factorize_text,
    group_sum,
    is_measure_id,
    label_key,
    label_mapping,
    parse_numbers,
    parse_periods,
    read_table,
    resolve_organisations,
    rows_of,
    slug,
    warn_skipped,
)
from perfcore.organisations import organisation_name
from perfcore.periods import FinancialQuarter, FinancialYear

__all__ = ["FRAUD_BODIES", "LEVELS", "load_home_office_prc", "offence_measure_id"]

#: Level → the column its labels are read from (``None``: one total).
LEVELS: dict[str, str | None] = {"total": None, "offence_group": "offence_group",
                                 "offence_subgroup": "offence_subgroup",
                                 "offence": "offence_description"}

#: "Force names" in the tables that are not forces: the central fraud recording bodies.
FRAUD_BODIES = ("Action Fraud", "CIFAS", "UK Finance")

# Home Office spellings → the ONS label, so that both sources give one measure id.
_SAME_AS_ONS = {"miscellaneous crimes": "Miscellaneous crimes against society"}

_FRAUD_GROUP = "fraud offences"

_QUARTER = re.compile(r"([1-4])(?:\.0*)?")


def offence_measure_id(level: str, label: str) -> str:
    """The measure id the ``home_office_prc`` and ``ons_pfa`` loaders give an offence
    category: ``offence_measure_id("offence_group", "Theft offences")`` →
    ``"prc.offence_group.theft_offences"``."""
    label = _SAME_AS_ONS.get(label_key(label), label)
    return f"prc.{level}.{slug(label)}"


def _levels(by: str | Sequence[str]) -> tuple[str, ...]:
    chosen = (by,) if isinstance(by, str) else tuple(by)
    for level in chosen:
        if level not in LEVELS:
            raise OptionError.for_choice("by", level, tuple(LEVELS))
    if not chosen:
        raise OptionError(reason="names no level; use one or more of: " + ", ".join(LEVELS),
                          option="by", value=by, allowed=tuple(LEVELS))
    return tuple(dict.fromkeys(chosen))


def _quarters(table: Table) -> tuple[list[int], IntArray]:
    distinct, codes = factorize([c.strip() for c in table["financial_quarter"]])
    out: list[int] = []
    for k, text in enumerate(distinct):
        # "1", or "1.0" as a spreadsheet may save it; not "inf", "nan" or other digits.
        q = _QUARTER.fullmatch(text)
        if q is None:
            table.problems.at(f"financial quarter {text!r} is not 1, 2, 3 or 4",
                              rows_of(codes, k), column=table.name("financial_quarter"))
        out.append(0 if q is None else int(q.group(1)))
    return out, codes


def load_home_office_prc(path: str | Path, *, by: str | Sequence[str] = "total",
                         measures: Mapping[str, str] | None = None,
                         total_measure: str = "all_crime",
                         period: Literal["financial_year", "quarter", "both"] = "financial_year",
                         registry: RegistryOption = None,
                         encoding: str = "utf-8-sig") -> Dataset:
    """Read a Home Office police recorded crime open-data CSV into counts by force ×
    period × measure (see the module docs for ``by`` and ``measures``).

    ``period`` is ``"financial_year"`` (default: the four quarters summed, for forces with
    all four in the file; others are left out with an
    :class:`~perfcore.dataset.IncompletePeriodWarning`), ``"quarter"`` (financial
    quarters, ``Q1 2019-20``) or ``"both"``. ``total_measure`` names the ``"total"``
    measure (default ``all_crime``).
    """
    levels, mapping = _options(by, measures, period, total_measure)
    rows = _read(path, registry, encoding)
    parts, seen_labels = _measure_parts(rows, levels, mapping, total_measure)
    check_mapped_labels(mapping, seen_labels, what=f"{' or '.join(levels)} labels",
                        file=rows.table.file, allowed=sorted(seen_labels))
    _warn_not_loaded(rows, parts)
    return _sum(rows, parts, period).dataset(
        source=f"Home Office police recorded crime open data ({Path(path).name})")


def _options(by: str | Sequence[str], measures: Mapping[str, str] | None, period: str,
             total_measure: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """The levels to load and the label mapping, every option checked."""
    levels = _levels(by)
    mapping = label_mapping(measures)
    if period not in ("financial_year", "quarter", "both"):
        raise OptionError.for_choice("period", period, ("financial_year", "quarter", "both"))
    if not is_measure_id(total_measure):
        raise OptionError(option="total_measure", value=total_measure,
                          allowed="a measure id (lower-case letters, digits, underscores; "
                          "dots between a domain and its measure)")
    return levels, mapping


@attrs.frozen(kw_only=True, eq=False)
class _Rows:
    """A table's rows, validated, as codes: row ``i`` is force ``forces[force[i]]``
    (``None``: a national fraud body, and ``is_force[i]`` is false), year
    ``years[year[i]]``, quarter ``quarter[i]`` (1-4), ``count[i]`` offences."""

    table: Table
    forces: list[str | None]
    force: IntArray
    is_force: BoolArray
    years: list[FinancialYear]
    year: IntArray
    quarter: IntArray
    count: FloatArray


def _read(path: str | Path, registry: RegistryOption, encoding: str) -> _Rows:
    """Read the table and parse its key and count columns; every problem is raised."""
    table = read_table(
        path, required=("financial_year", "financial_quarter", "force_name",
                        "offence_group", "offence_subgroup", "offence_description",
                        "number_of_offences"),
        optional=("offence_code",), extra="ignore", encoding=encoding,
        layout="Home Office police recorded crime open data",
        context={"organisation": "force_name", "period": "financial_year",
                 "measure": "offence_description"})
    forces, f_codes = resolve_organisations(table, "force_name", registry, skip=FRAUD_BODIES)
    years, y_codes = parse_periods(table, "financial_year", prefer="financial_year")
    quarters, q_codes = _quarters(table)
    # A blank count is "not available": it makes its sums NaN (not available) rather than
    # quietly smaller.
    count, _ = parse_numbers(table, "number_of_offences")
    check_counts(table, "number_of_offences", count, negative=True)
    for k, year in enumerate(years):
        if year is not None and not isinstance(year, FinancialYear):
            table.problems.at(f"{year} is not a financial year (write e.g. 2019/20)",
                              rows_of(y_codes, k), column=table.name("financial_year"))
    table.problems.raise_if_any()
    is_force = np.array([f is not None for f in forces], dtype=bool)[f_codes]
    _check_one_row_each(table, [f_codes, y_codes, q_codes], np.flatnonzero(is_force))
    return _Rows(table=table, forces=forces, force=f_codes, is_force=is_force,
                 years=[y for y in years if isinstance(y, FinancialYear)],  # all, now checked
                 year=y_codes, quarter=np.array(quarters, dtype=np.int64)[q_codes],
                 count=count)


#: The columns naming an offence: a row is one force × quarter × offence.
_OFFENCE = ("offence_code", "offence_description", "offence_subgroup", "offence_group")


def _check_one_row_each(table: Table, keys: list[IntArray], rows: IntArray) -> None:
    """A force × quarter × offence row given twice is an error: its offences would be
    counted twice."""
    offence = [factorize_text(table[c])[1] for c in _OFFENCE if c in table]

    def key(i: int) -> tuple[str, str, str]:
        code = f" ({table['offence_code'][i].strip()})" if "offence_code" in table else ""
        return (f"{table['offence_description'][i].strip()}{code}",
                table["force_name"][i].strip(),
                f"{table['financial_year'][i].strip()} quarter "
                f"{table['financial_quarter'][i].strip()}")

    check_unique_rows(table, [*keys, *offence], rows=rows, key=key,
                      unit="force × quarter × offence", labels=("offence", "force", ""))


@attrs.frozen(kw_only=True, eq=False)
class _Part:
    """The rows one level sums (``rows``), and each one's measure: ``ids[measure[j]]``
    for row ``rows[j]``."""

    ids: list[str]
    measure: IntArray
    rows: IntArray


def _measure_parts(rows: _Rows, levels: Sequence[str], mapping: Mapping[str, str],
                   total_measure: str) -> tuple[list[_Part], set[str]]:
    """Each level's measures and the rows it sums, and every label seen (keyed by
    :func:`label_key`, ``"total"`` for the total)."""
    table = rows.table
    group_labels, g_codes = factorize([label_key(c) for c in table["offence_group"]])
    fraud_k = group_labels.index(_FRAUD_GROUP) if _FRAUD_GROUP in group_labels else -1
    is_force = rows.is_force
    parts: list[_Part] = []
    seen_labels: set[str] = set()
    for level in levels:
        column = LEVELS[level]
        if column is None:
            seen_labels.add("total")
            ids = [mapping.get("total", total_measure)]
            m_codes = np.zeros(len(table), dtype=np.int64)
            keep = is_force & (g_codes != fraud_k)
        else:
            labels, m_codes = factorize([c.strip() for c in table[column]])
            seen_labels.update(label_key(lab) for lab in labels)
            ids = [mapping.get(label_key(lab), offence_measure_id(level, lab)) for lab in labels]
            # Mapping several labels to one id sums them: recode by id.
            ids, id_of_label = factorize(ids)
            m_codes = id_of_label[m_codes]
            keep = is_force
        kept = np.flatnonzero(keep)
        parts.append(_Part(ids=ids, measure=m_codes[kept], rows=kept))
    return parts, seen_labels


def _warn_not_loaded(rows: _Rows, parts: Sequence[_Part]) -> None:
    """One warning for the rows no level sums, and why (fraud is recorded centrally)."""
    used = np.zeros(len(rows.table), dtype=bool)
    for part in parts:
        used[part.rows] = True
    skipped = int((~used).sum())
    if not skipped:
        return
    n_bodies = int((~rows.is_force).sum())
    why = []
    if n_bodies:
        why.append(f"{n_bodies} of the national fraud bodies ({', '.join(FRAUD_BODIES)})")
    if skipped - n_bodies:
        why.append(f"{skipped - n_bodies} force rows in the Fraud offences group")
    warn_skipped(f"{rows.table.file}: {skipped} rows not loaded ({'; '.join(why)}): force "
                 "totals exclude fraud, which is recorded centrally", stacklevel=3)


def _names(rows: _Rows) -> list[str]:
    # None is a fraud body, none of whose rows are summed.
    return [f or "" for f in rows.forces]


def _sum(rows: _Rows, parts: Sequence[_Part], period: str) -> Observations:
    """Each part's counts summed by measure × force × financial quarter and/or year,
    part by part. Years are summed for the force-years with all four quarters in the
    file; the others are left out with a warning."""
    observations = Observations()
    have = _quarters_present(rows)
    incomplete: set[tuple[int, int]] = set()
    for part in parts:
        if period in ("quarter", "both"):
            _sum_quarters(observations, rows, part)
        if period in ("financial_year", "both"):
            incomplete |= _sum_years(observations, rows, part, have)
    if incomplete:
        import warnings

        from perfcore.dataset import IncompletePeriodWarning
        first_o, first_y = sorted(incomplete)[0]
        one = len(incomplete) == 1
        warnings.warn(f"{rows.table.file}: {counted(len(incomplete), 'force × financial year')} "
                      f"{'lacks' if one else 'lack'} some quarters and "
                      f"{'was' if one else 'were'} not summed to the year (first: "
                      f"{organisation_name(rows.forces[first_o] or '')} {rows.years[first_y]}); "
                      + advise(python="pass period='quarter'",
                               plan="""add period = "quarter" to the [[data]] table's """
                               "options") + " to load the quarters",
                      IncompletePeriodWarning, stacklevel=3)
    return observations


def _quarters_present(rows: _Rows) -> IntArray:
    """Per force × year (``force * n_years + year``), a bit for each quarter with rows."""
    ny = len(rows.years)
    have = np.zeros(len(rows.forces) * ny, dtype=np.int64)
    force_rows = np.flatnonzero(rows.is_force)
    np.bitwise_or.at(have, rows.force[force_rows] * ny + rows.year[force_rows],
                     np.left_shift(1, rows.quarter[force_rows] - 1))
    return have


def _sum_quarters(observations: Observations, rows: _Rows, part: _Part) -> None:
    r = part.rows
    (mc, oc, yc, qc), sums = group_sum(
        [part.measure, rows.force[r], rows.year[r], rows.quarter[r] - 1],
        [len(part.ids), len(rows.forces), len(rows.years), 4], rows.count[r])
    quarters = [FinancialQuarter(fy.start_year, q) for fy in rows.years for q in (1, 2, 3, 4)]
    observations.add(part.ids, mc, _names(rows), oc, quarters, yc * 4 + qc, sums)


def _sum_years(observations: Observations, rows: _Rows, part: _Part, have: IntArray,
               ) -> set[tuple[int, int]]:
    """Add the sums of complete force-years (all four bits in ``have``); return the
    incomplete ones (force, year)."""
    r, ny = part.rows, len(rows.years)
    (mc, oc, yc), sums = group_sum([part.measure, rows.force[r], rows.year[r]],
                                   [len(part.ids), len(rows.forces), ny], rows.count[r])
    complete = have[oc * ny + yc] == 0b1111
    observations.add(part.ids, mc[complete], _names(rows), oc[complete], rows.years,
                     yc[complete], sums[complete])
    return set(zip(oc[~complete].tolist(), yc[~complete].tolist(), strict=True))
