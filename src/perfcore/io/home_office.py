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
adjustments) are kept: they are part of the published totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from perfcore.dataset import Dataset, factorize
from perfcore.errors import OptionError
from perfcore.io._table import (
    IntArray,
    Observations,
    RegistryOption,
    Table,
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
        raise OptionError("by= names no level; use one or more of: "
                          + ", ".join(LEVELS), option="by", value=by, allowed=tuple(LEVELS))
    return tuple(dict.fromkeys(chosen))


def _quarters(table: Table) -> tuple[list[int], IntArray]:
    distinct, codes = factorize([c.strip() for c in table["financial_quarter"]])
    out: list[int] = []
    for k, text in enumerate(distinct):
        try:
            q = float(text)
        except ValueError:
            q = 0
        if q not in (1, 2, 3, 4):
            table.problems.at(f"financial quarter {text!r} is not 1, 2, 3 or 4",
                              rows_of(codes, k), column=table.name("financial_quarter"))
        out.append(int(q))
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
    levels = _levels(by)
    mapping = label_mapping(measures)
    if period not in ("financial_year", "quarter", "both"):
        raise OptionError.for_choice("period", period, ("financial_year", "quarter", "both"))
    if not is_measure_id(total_measure):
        raise OptionError(f"total_measure={total_measure!r} is not a valid measure id",
                          option="total_measure", value=total_measure, allowed="measure ids")
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
    for k, year in enumerate(years):
        if year is not None and not isinstance(year, FinancialYear):
            table.problems.at(f"{year} is not a financial year (write e.g. 2019/20)",
                              rows_of(y_codes, k), column=table.name("financial_year"))
    table.problems.raise_if_any()
    fys = [y for y in years if isinstance(y, FinancialYear)]  # all of them, now checked

    is_force = np.array([f is not None for f in forces], dtype=bool)[f_codes]
    n_bodies = int((~is_force).sum())
    group_labels, g_codes = factorize([label_key(c) for c in table["offence_group"]])
    fraud_k = group_labels.index(_FRAUD_GROUP) if _FRAUD_GROUP in group_labels else -1
    is_fraud = g_codes == fraud_k
    used = np.zeros(len(table), dtype=bool)

    # Each row's financial year and quarter as codes; the quarter is 1-4.
    qnum = np.array(quarters, dtype=np.int64)[q_codes]
    org_codes = f_codes
    parts: list[tuple[list[str], IntArray, IntArray, IntArray, np.ndarray]] = []
    seen_labels: set[str] = set()
    for level in levels:
        column = LEVELS[level]
        if column is None:
            seen_labels.add("total")
            ids = [mapping.get("total", total_measure)]
            m_codes = np.zeros(len(table), dtype=np.int64)
            keep = is_force & ~is_fraud
        else:
            labels_, m_codes = factorize([c.strip() for c in table[column]])
            seen_labels.update(label_key(lab) for lab in labels_)
            ids = [mapping.get(label_key(lab), offence_measure_id(level, lab)) for lab in labels_]
            # Mapping several labels to one id sums them: recode by id.
            ids_distinct, id_of_label = factorize(ids)
            ids, m_codes = ids_distinct, id_of_label[m_codes]
            keep = is_force
        used |= keep
        rows = np.flatnonzero(keep)
        parts.append((ids, m_codes[rows], org_codes[rows], y_codes[rows], rows))

    unknown = [lab for lab in mapping if lab not in seen_labels]
    if unknown:
        raise OptionError(
            f"measures maps {', '.join(repr(u) for u in unknown)}, which "
            f"{'is' if len(unknown) == 1 else 'are'} not {' or '.join(levels)} label(s) in "
            f"{table.file}", option="measures", value=tuple(unknown),
            allowed=tuple(sorted(seen_labels)))
    skipped = int((~used).sum())
    if skipped:
        why = []
        if n_bodies:
            why.append(f"{n_bodies} of the national fraud bodies ({', '.join(FRAUD_BODIES)})")
        if skipped - n_bodies:
            why.append(f"{skipped - n_bodies} force rows in the Fraud offences group")
        warn_skipped(f"{table.file}: {skipped} rows not loaded ({'; '.join(why)}): force "
                     "totals exclude fraud, which is recorded centrally")

    # Quarters each force-year has any rows for: a year is complete with all four.
    no, ny = len(forces), len(years)
    have = np.zeros(no * ny, dtype=np.int64)
    force_rows = np.flatnonzero(is_force)
    np.bitwise_or.at(have, org_codes[force_rows] * ny + y_codes[force_rows],
                     np.left_shift(1, qnum[force_rows] - 1))
    names = [f or "" for f in forces]  # None: a fraud body, none of whose rows are summed
    fqs = [FinancialQuarter(fy.start_year, q) for fy in fys for q in (1, 2, 3, 4)]
    observations = Observations()
    incomplete: set[tuple[int, int]] = set()
    for ids, m_c, o_c, y_c, rows in parts:
        w = count[rows]
        if period in ("quarter", "both"):
            (mc, oc, yc, qc), sums = group_sum([m_c, o_c, y_c, qnum[rows] - 1],
                                               [len(ids), no, ny, 4], w)
            observations.add(ids, mc, names, oc, fqs, yc * 4 + qc, sums)
        if period in ("financial_year", "both"):
            (mc, oc, yc), sums = group_sum([m_c, o_c, y_c], [len(ids), no, ny], w)
            complete = have[oc * ny + yc] == 0b1111
            incomplete.update(zip(oc[~complete].tolist(), yc[~complete].tolist(),
                                  strict=True))
            observations.add(ids, mc[complete], names, oc[complete], fys, yc[complete],
                             sums[complete])
    if incomplete:
        import warnings

        from perfcore.dataset import IncompletePeriodWarning
        first_o, first_y = sorted(incomplete)[0]
        warnings.warn(f"{table.file}: {len(incomplete)} force × financial year(s) lack some "
                      f"quarters and were not summed to the year (first: {forces[first_o]} "
                      f"{fys[first_y]}); pass period='quarter' to load the quarters",
                      IncompletePeriodWarning, stacklevel=2)
    return observations.dataset(
        source=f"Home Office police recorded crime open data ({Path(path).name})")
