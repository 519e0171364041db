"""JSON and CSV renderers: every figure with its unrounded value, display text, method and
source. The JSON layout is versioned (``schema_version``) and documented in docs/reports.md.

In a bilingual report (``lang="en+cy"``) every text field of the JSON (titles, names,
headings, display texts, labels, notes) is an object keyed by language in display order,
``{"cy": "...", "en": "..."}``, and ``"languages"`` lists the languages; ids, codes,
methods and numbers are shared. The CSV repeats each text column once per language
(``priority_cy``, ``priority_en`` ...)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import attrs

from perfcore.codes import Code
from perfcore.i18n import N_, translator
from perfcore.report.model import Cell, Report, Rolled

__all__ = ["FigureTable", "TableValue", "figure_table", "render_csv", "render_json",
           "report_to_dict"]


#: Digits kept beyond a figure's display precision in JSON and CSV: enough for any
#: further calculation, none of the binary noise (4.1000000000000005 is written 4.1).
EXTRA_DIGITS = 4


def _num(v: float | None, precision: int | None = None) -> float | None:
    """A number for JSON and CSV: None for NaN; rounded to its display precision plus
    :data:`EXTRA_DIGITS` (12 significant digits when it has none)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if math.isinf(v):
        return v
    if precision is None:
        return float(f"{v:.12g}")
    return round(float(v), precision + EXTRA_DIGITS) + 0.0


def _code(code: Code | None) -> str | None:
    return None if code is None else str(code)


def _rolled(r: Rolled) -> dict[str, Any]:
    """A roll-up's status, what it rests on when it has no colour, and its counts."""
    return {"status": _code(r.status), "status_basis": _code(r.basis),
            "status_counts": dict(r.counts), "status_basis_counts": dict(r.basis_counts),
            "status_summary": r.words}


def _disclosure(report: Report) -> dict[str, Any] | None:
    """A public edition's threshold, symbol and what it withheld (None: internal)."""
    d = report.disclosure
    return None if d is None else {"threshold": d.threshold, "symbol": d.symbol,
                                   "withheld": dict(d.withheld), "charts": d.charts}


def _reasons(cell: Cell) -> list[str]:
    # Schema 1.1 carried a comparator cell's assessment code here; kept for its readers.
    return [str(cell.code)] if cell.code is not None and "." in cell.key else []


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain data (what ``render_json`` serialises)."""
    versions = report.versions()
    data = _one_to_dict(report)
    if len(versions) > 1:
        data = _merge([_one_to_dict(v) for v in versions], [v.lang for v in versions])
        data["lang"] = "+".join(report.languages)
    data["languages"] = list(report.languages)
    return data


# Fields whose text differs by language; everything else must agree across versions.
_TEXT_KEYS = frozenset({"title", "name", "heading", "statement", "lead", "board",
                        "assessment_type", "display", "label", "source", "notes",
                        "status_reasons", "unit", "period_label", "status_summary"})


def _merge(items: list[Any], langs: list[str], key: str = "") -> Any:
    first = items[0]
    if key in _TEXT_KEYS and not isinstance(first, dict):
        return {lang: item for lang, item in zip(langs, items, strict=True)}
    if isinstance(first, dict):
        return {k: _merge([i[k] for i in items], langs, k) for k in first}
    if isinstance(first, list):
        return [_merge(list(parts), langs, key) for parts in zip(*items, strict=True)]
    return first


def _one_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": report.schema_version,
        "title": report.title,
        "organisation": {"code": report.organisation, "name": report.organisation_name},
        "period": report.period,
        "period_label": report.period_label,
        "previous_period": report.previous_period,
        "lang": report.lang,
        "columns": [{"key": c.key, "heading": c.heading} for c in report.columns],
        "comparators": dict(report.comparators),
        "sections": [{
            "id": s.id, "title": s.title, "lead": s.lead, "board": s.board,
            "assessment_type": s.assessment_type, **_rolled(s.rolled),
            "outcomes": [{
                "statement": o.statement, **_rolled(o.rolled),
                "columns": [{"key": c.key} for c in (o.columns or report.columns)],
                "measures": [{
                    "id": r.measure.id, "name": r.measure.name, "kind": r.measure.kind.value,
                    "polarity": r.measure.polarity.value, "unit": r.measure.unit,
                    "status": _code(r.status), "status_basis": _code(r.status_basis),
                    "status_reasons": list(r.status_reasons),
                    "figures": {c.key: {"value": _num(c.value, c.precision),
                                        "display": c.text,
                                        "label": c.label, "method": c.method,
                                        "source": c.source, "code": _code(c.code),
                                        "flags": list(c.flags), "reasons": _reasons(c),
                                        "suppressed": _code(c.suppressed)}
                                for c in r.cells},
                    "published": [{"who": p.who, "figure": p.figure, "what": p.what,
                                   "period": p.period, "value": _num(p.value),
                                   "display": p.text, "source": p.source}
                                  for p in r.published],
                } for r in o.rows],
            } for o in s.outcomes],
        } for s in report.sections],
        "notes": list(report.notes),
        "disclosure": _disclosure(report),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


#: A figure table's cell: text, or the unrounded value (None: not available or withheld).
TableValue = str | float | None


@attrs.frozen(kw_only=True)
class FigureTable:
    """A report's figures as a tidy table, one row per measure × figure: what the CSV
    renderer writes and a workbook's data sheet holds. ``keys`` names the columns for
    programs (``priority``, ``outcome``, ``measure``, ``figure``, ``value``,
    ``display``, ``method``, ``source``, and ``suppressed`` in a public edition; in a
    bilingual report each text column once per language, ``priority_cy``,
    ``priority_en`` ...), ``header`` for readers, in the report's language
    (``blaenoriaeth_cy``); in each row ``value`` is the unrounded number or None, every
    other cell text."""

    header: tuple[str, ...]
    rows: tuple[tuple[TableValue, ...], ...]
    keys: tuple[str, ...] = ()


#: The tidy table's column headings, in the report's language (a bilingual table's
#: language columns carry their language's word and code: "blaenoriaeth_cy", "priority_en").
_TABLE_HEADERS = {"priority": N_("priority"), "outcome": N_("outcome"),
                  "measure": N_("measure"), "figure": N_("figure"), "value": N_("value"),
                  "display": N_("display"), "method": N_("method"), "source": N_("source"),
                  "suppressed": N_("suppressed")}


def figure_table(report: Report) -> FigureTable:
    """The report's figures as a :class:`FigureTable` (every language's texts)."""
    versions = report.versions()
    bilingual = len(versions) > 1
    public = report.disclosure is not None

    def word(name: str, lang: str) -> str:
        return translator(lang)(_TABLE_HEADERS[name])

    def head(name: str) -> list[str]:
        return ([f"{word(name, v.lang)}_{v.lang}" for v in versions] if bilingual
                else [word(name, report.lang)])

    def heads(name: str) -> list[str]:
        return [f"{name}_{v.lang}" for v in versions] if bilingual else [name]

    keys = (*heads("priority"), *heads("outcome"), "measure", "figure", "value",
            *heads("display"), "method", *heads("source"), *(["suppressed"] * public))
    header = (*head("priority"), *head("outcome"),
              *(word(n, report.lang) for n in ("measure", "figure", "value")),
              *head("display"), word("method", report.lang), *head("source"),
              *([word("suppressed", report.lang)] * public))
    tables = [_figure_rows(v) for v in versions]
    rows = tuple(_merged(parts, public=public) for parts in zip(*tables, strict=True))
    return FigureTable(header=header, rows=rows, keys=keys)


def _merged(parts: tuple[tuple[TableValue, ...], ...], *,
            public: bool) -> tuple[TableValue, ...]:
    """One row from each language's version of it: texts per language, the rest shared."""
    first = parts[0]
    return (*(p[0] for p in parts), *(p[1] for p in parts), first[2], first[3], first[4],
            *(p[5] for p in parts), first[6], *(p[7] for p in parts),
            *first[8:9 if public else 8])


def render_csv(report: Report) -> str:
    """One row per measure × figure: tidy, for spreadsheets and other tools. A public
    edition adds a ``suppressed`` column (why a figure is withheld) and ends with its
    notes, one row each (figure ``note``), so the file says what it withholds."""
    table = figure_table(report)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.header)
    w.writerows([_csv_cell(v) for v in row] for row in table.rows)
    if report.disclosure is not None:
        notes = [[("", "", "", "note", "", n, "", "", "") for n in v.notes]
                 for v in report.versions()]
        w.writerows(_merged(parts, public=True) for parts in zip(*notes, strict=True))
    return buf.getvalue()


def _csv_cell(value: TableValue) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else repr(value)


def _figure_rows(report: Report) -> list[tuple[TableValue, ...]]:
    return [(s.title, o.statement, r.measure.id, c.key, _num(c.value, c.precision), c.text,
             c.method,
             c.source, _code(c.suppressed) or "")
            for s in report.sections for o in s.outcomes for r in o.rows for c in r.cells]
