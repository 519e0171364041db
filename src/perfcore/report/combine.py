"""Several organisations' reports as one output, a section per force
(``perfcore report PLAN --organisation Gwent --organisation "Dyfed-Powys"``): each report
is rendered as it would be alone, then joined in the way its format allows."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Sequence

from perfcore.errors import OptionError
from perfcore.report.escape import json_text, spreadsheet_cell
from perfcore.report.model import Report

__all__ = ["COMBINABLE", "combine_rendered"]

_RULE = "\n" + "=" * 72 + "\n\n"


def _text(reports: Sequence[Report], parts: Sequence[str]) -> str:
    return _RULE.join(parts)


def _markdown(reports: Sequence[Report], parts: Sequence[str]) -> str:
    return "\n---\n\n".join(parts)


def _json(reports: Sequence[Report], parts: Sequence[str]) -> str:
    return json_text([json.loads(p) for p in parts])


def _csv(reports: Sequence[Report], parts: Sequence[str]) -> str:
    """One table: an ``organisation`` column (the code) before each report's own."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for k, (report, part) in enumerate(zip(reports, parts, strict=True)):
        rows = list(csv.reader(io.StringIO(part)))
        if k == 0:
            w.writerow(["organisation", *rows[0]])
        # Each part's cells are safe already; the organisation code is added here.
        w.writerows([spreadsheet_cell(report.organisation), *row] for row in rows[1:])
    return buf.getvalue()


def _html(reports: Sequence[Report], parts: Sequence[str]) -> str:
    """One document: the first page's head, a link to each force's section, and each
    page's body in its own ``<section>``."""
    head = parts[0].split("<body>", 1)[0]
    links = " · ".join(f'<a href="#org-{html.escape(r.organisation)}">'
                       f"{html.escape(r.organisation_name)}</a>" for r in reports)
    bodies = [f'<section class="organisation" id="org-{html.escape(r.organisation)}">'
              + p.split("<body>", 1)[1].rsplit("</body>", 1)[0] + "</section>"
              for r, p in zip(reports, parts, strict=True)]
    return f"{head}<body>\n<nav>{links}</nav>\n" + "\n".join(bodies) + "\n</body>\n</html>\n"


#: The formats whose outputs join, and how.
COMBINABLE: dict[str, Callable[[Sequence[Report], Sequence[str]], str]] = {
    "text": _text, "markdown": _markdown, "json": _json, "csv": _csv, "html": _html}


def combine_rendered(format: str, reports: Sequence[Report], parts: Sequence[str]) -> str:
    """Join the rendered reports of several organisations (``parts``, in the order of
    ``reports``) into one output of ``format``."""
    if format not in COMBINABLE:
        raise OptionError(option="format", value=format,
                          reason="this format cannot hold several organisations' reports "
                                 "in one output",
                          hint=f"use one of {sorted(COMBINABLE)}, or one --organisation "
                               "per run")
    return COMBINABLE[format](reports, parts)
