"""The ``published`` loader: comparator figures taken from a publication.

Seed 001 prints "MSG change −14.1%" and "E&W SR 14.3%" beside Gwent's own figures;
perfcore carries such numbers as :class:`~perfcore.dataset.PublishedFigure` records,
marked published rather than computed. One row per figure:

======  ========  ======================================================================
column  required  meaning
======  ========  ======================================================================
measure  yes      the plan's measure id
group    yes      an area (``England and Wales``, ``Wales``, a region or force, by name or
                  ONS code), a force's Most Similar Group (``Gwent MSG`` or
                  ``msg_W15000002``), or the id of a group the plan defines
period   yes      the period the figure is for (the report's current period)
figure   yes      ``value``, ``pct_change``, ``pp_change`` or ``rank``
value    yes      the figure: for ``value`` of a proportion a fraction (``0.143``) or a
                  percentage (``14.3%``); ``pct_change`` in % (``-14.1`` or ``-14.1%``);
                  ``pp_change`` in percentage points (``4.1``); ``rank`` a position
source   no       the publication (default: the file name)
======  ========  ======================================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from perfcore.dataset import FIGURES, Dataset, PublishedFigure, factorize
from perfcore.errors import UnknownOrganisationError
from perfcore.io._table import (
    RegistryOption,
    Table,
    _special_number,
    check_measure_ids,
    chosen_registry,
    parse_numbers,
    parse_periods,
    read_table,
    rows_of,
    sources_column,
)
from perfcore.periods import Kind

__all__ = ["PUBLISHED_COLUMNS", "load_published", "published_from_table"]

PUBLISHED_COLUMNS = ("measure", "group", "period", "figure", "value")
PUBLISHED_CONTEXT = {"measure": "measure", "organisation": "group", "period": "period"}

_MSG_RE = re.compile(r"^(?:msg[_:\s]+(?P<a>.+)|(?P<b>.+?)\s+msg)$", re.IGNORECASE)
_GROUP_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _groups(table: Table, registry: RegistryOption) -> tuple[list[str | None], np.ndarray]:
    distinct, codes = factorize([c.strip() for c in table["group"]])
    reg = chosen_registry(registry)
    out: list[str | None] = []
    for k, text in enumerate(distinct):
        resolved: str | None = None
        problem = ""
        msg = _MSG_RE.match(text)
        if not text:
            problem = "the group is blank"
        elif reg is None:
            resolved = text
        elif msg:
            focal = (msg["a"] or msg["b"]).strip()
            try:
                resolved = f"msg_{reg.code(focal)}"
            except UnknownOrganisationError as exc:
                problem = f"group {text!r} names an MSG of an unknown force: {exc}"
        else:
            try:
                resolved = reg.code(text)
            except UnknownOrganisationError as exc:
                if _GROUP_ID_RE.match(text):
                    resolved = text  # a comparator group the plan itself defines
                else:
                    problem = (f"{exc}; a group is an area or force (name or ONS code), "
                               "'<force> MSG', or the id of a group the plan defines")
        if problem:
            table.problems.at(problem, rows_of(codes, k), column=table.name("group"))
        out.append(resolved)
    return out, codes


def load_published(path: str | Path, *, columns: Mapping[str, str] | None = None,
                   registry: RegistryOption = None, prefer: Kind | None = None,
                   source: str | None = None, encoding: str = "utf-8-sig") -> Dataset:
    """Read a CSV of published comparator figures into a dataset holding only
    :attr:`~perfcore.dataset.Dataset.published` figures (no observations); join it to the
    observations with :func:`perfcore.io.load_data` or :meth:`Dataset.concat`.

    ``columns``, ``registry``, ``prefer``, ``source`` and ``encoding`` are as for the
    ``csv`` loader. Every problem in the file is listed in one
    :class:`~perfcore.errors.DataValidationError`, including a figure given twice.
    """
    table = read_table(path, required=PUBLISHED_COLUMNS, optional=("source",),
                       rename=columns, encoding=encoding, layout="published figures",
                       context=PUBLISHED_CONTEXT)
    return Dataset.from_columns(measure=[], organisation=[], period=[], registry=False,
                                published=published_from_table(
                                    table, registry=registry, prefer=prefer,
                                    source=source or Path(path).name))


def published_from_table(table: Table, *, registry: RegistryOption, prefer: str | None,
                         source: str) -> list[PublishedFigure]:
    """The published figures in a table (a CSV file's or a DataFrame's), validated whole."""
    measures, m_codes = check_measure_ids(table, "measure")
    groups, g_codes = _groups(table, registry)
    periods, p_codes = parse_periods(table, "period", prefer=prefer)
    figures, f_codes = factorize([c.strip().lower() for c in table["figure"]])
    for k, fig in enumerate(figures):
        if fig not in FIGURES:
            table.problems.at(f"figure {fig!r} is not one of {', '.join(FIGURES)}",
                              rows_of(f_codes, k), column=table.name("figure"))
    value, pct = parse_numbers(table, "value", percent="fraction")
    is_value = np.array([f == "value" for f in figures], dtype=bool)[f_codes]
    # "14.3%" as a group's value is the fraction 0.143; as a % change, -14.1 is itself.
    cells = table["value"]
    for i in np.flatnonzero(pct & ~is_value).tolist():
        number = _special_number(cells[i])
        value[i] = number[0] if number is not None else np.nan
    for i in np.flatnonzero(np.isnan(value)).tolist():
        table.problems.at("the figure's value is blank", i, column=table.name("value"))
    sources = sources_column(table, "source", source)
    # Keys compare as resolved: "E&W" and "K04000001" are the same group.
    resolved_g = factorize([g or f"\0{k}" for k, g in enumerate(groups)])[1][g_codes]
    key = np.stack([m_codes, resolved_g, p_codes, f_codes], axis=1)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    for i in np.flatnonzero(first[inverse] != np.arange(len(table))).tolist():
        j = int(first[inverse[i]])
        table.problems.at(f"the same figure is given again (first on row "
                          f"{int(table.row_numbers[j])})", i, column=table.name("figure"))
    table.problems.raise_if_any()
    return [
        PublishedFigure(measure=measures[m], group=groups[g] or "", period=periods[p],
                        figure=figures[f], value=float(v),
                        source=sources if isinstance(sources, str) else sources[i])
        for i, (m, g, p, f, v) in enumerate(zip(m_codes.tolist(), g_codes.tolist(),
                                               p_codes.tolist(), f_codes.tolist(),
                                               value.tolist(), strict=True))]
