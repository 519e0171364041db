"""JSON and CSV renderers: every figure with its unrounded value, display text, method and
source. The JSON layout is versioned (``schema_version``) and documented in docs/reports.md."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from perfcore.report.model import Report

__all__ = ["render_csv", "render_json", "report_to_dict"]


def _num(v: float | None) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain data (what ``render_json`` serialises)."""
    return {
        "schema_version": report.schema_version,
        "title": report.title,
        "organisation": {"code": report.organisation, "name": report.organisation_name},
        "period": report.period,
        "previous_period": report.previous_period,
        "lang": report.lang,
        "columns": [{"key": c.key, "heading": c.heading} for c in report.columns],
        "comparators": dict(report.comparators),
        "sections": [{
            "id": s.id, "title": s.title, "lead": s.lead, "board": s.board,
            "assessment_type": s.assessment_type, "status": s.status,
            "outcomes": [{
                "statement": statement,
                "measures": [{
                    "id": r.measure.id, "name": r.measure.name, "kind": r.measure.kind.value,
                    "polarity": r.measure.polarity.value, "unit": r.measure.unit,
                    "status": r.status, "status_reasons": list(r.status_reasons),
                    "figures": {c.key: {"value": _num(c.value), "display": c.text,
                                        "label": c.label, "method": c.method,
                                        "source": c.source, "reasons": list(c.reasons)}
                                for c in r.cells},
                } for r in rows],
            } for statement, rows in s.outcomes],
        } for s in report.sections],
        "notes": list(report.notes),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


def render_csv(report: Report) -> str:
    """One row per measure × figure: tidy, for spreadsheets and other tools."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["priority", "outcome", "measure", "figure", "value", "display", "method",
                "source"])
    for s in report.sections:
        for statement, rows in s.outcomes:
            for r in rows:
                for c in r.cells:
                    v = _num(c.value)
                    w.writerow([s.title, statement, r.measure.id, c.key,
                                "" if v is None else repr(v), c.text, c.method, c.source])
    return buf.getvalue()
