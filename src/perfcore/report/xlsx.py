"""Excel renderer: the report's workbook (:mod:`perfcore.report.workbook`) written with
openpyxl, the optional ``excel`` extra (``pip install 'perfcore[excel]'``).

Numbers are numbers with a number format that shows them as the report does, text is
text — stored as a string even when it starts with ``=``, so a name in a plan can never
become a formula; control characters XML cannot hold are dropped from every text, the
number formats and the workbook's title, so a plan's text cannot make the file
unreadable — column headings are bold with the rows above them frozen, columns are
sized to what they show, and a status is filled with its RAG colour beside its words.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from perfcore.codes import Status
from perfcore.errors import MissingDependencyError
from perfcore.report.model import Report
from perfcore.report.workbook import Look, Sheet, SheetCell, workbook_layout

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["render_xlsx"]

#: Fill and font colours of a status, as Excel's own "Good", "Neutral" and "Bad" styles
#: (the words are in the cell too: colour is never the only signal).
_STATUS_COLOURS = {Status.GREEN: ("C6EFCE", "006100"), Status.AMBER: ("FFEB9C", "9C5700"),
                   Status.RED: ("FFC7CE", "9C0006"), Status.GREY: ("EDEDED", "3A3A3A")}


#: openpyxl's default font: a cell given a font of its own keeps it.
_FONT = "Calibri"


def _openpyxl() -> Any:
    return MissingDependencyError.require("openpyxl", extra="excel", purpose="the xlsx format")


def render_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook (``.xlsx`` bytes): a sheet per priority, a data
    sheet of every figure and a notes sheet.

    Raises
    ------
    MissingDependencyError
        openpyxl is not installed (the ``excel`` extra).
    """
    openpyxl = _openpyxl()
    layout = workbook_layout(report)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in layout.sheets:
        _write_sheet(book.create_sheet(sheet.name), sheet)
    book.properties.title = _xml_text(layout.title)
    book.properties.language = layout.lang
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    for r, row in enumerate(sheet.rows, start=1):
        for c, cell in enumerate(row, start=1):
            _write_cell(ws, r, c, cell)
    for k, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
    for r, lines in enumerate(sheet.row_lines(), start=1):
        if lines > 1:
            # Excel sizes a wrapped row when it opens the file; other readers do not.
            ws.row_dimensions[r].height = 15.0 * lines
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{sheet.header_row + 1}"
    # Printed, a sheet fits the page's width, landscape, its headings on every page.
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{sheet.header_row}:{sheet.header_row}"
    if sheet.autofilter and sheet.rows:
        last = get_column_letter(max(len(r) for r in sheet.rows))
        ws.auto_filter.ref = f"A{sheet.header_row}:{last}{len(sheet.rows)}"


def _xml_text(text: str) -> str:
    """``text`` without the control characters an XML file cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def _write_cell(ws: Worksheet, row: int, column: int, cell: SheetCell) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    if cell.value is None:
        return
    target = ws.cell(row=row, column=column)
    if isinstance(cell.value, str):
        # "=..." must stay text, not a formula.
        target.value = _xml_text(cell.value)
        target.data_type = "s"
    else:
        target.value = cell.value
    # A unit written around a number is part of its format.
    target.number_format = _xml_text(cell.number_format)
    if cell.look is Look.TITLE:
        target.font = Font(name=_FONT, size=14, bold=True)
    elif cell.look in (Look.HEADING, Look.GROUP):
        target.font = Font(name=_FONT, size=11, bold=True)
    wrap = cell.look in (Look.HEADING, Look.NOTE)
    if wrap or cell.right or cell.look is Look.DETAIL:
        target.alignment = Alignment(
            wrap_text=wrap, vertical="top" if cell.look is Look.NOTE else "bottom",
            horizontal="right" if cell.right else "left" if cell.look is Look.DETAIL else None,
            indent=1 if cell.look is Look.DETAIL else 0)
    if cell.status is not None:
        fill, ink = _STATUS_COLOURS[cell.status]
        target.fill = PatternFill(fill_type="solid", start_color=fill, end_color=fill)
        target.font = Font(name=_FONT, size=11, color=ink)
