"""A report laid out as a workbook: what each sheet holds, independent of the file format.

:func:`workbook_layout` turns a :class:`~perfcore.report.model.Report` into sheets of
typed cells, which :mod:`perfcore.report.xlsx` writes with openpyxl (so the layout is
tested, and could be written by another library, without it):

- one sheet per priority (per language, Welsh first, in a bilingual report): its title
  and roll-up, then a table per outcome as the text report lays it out. A figure is a
  number — the unrounded value — with a number format that shows it as the report does
  (``0.0%`` for a proportion's 0.159, ``0.0"%"`` for a change of -14.878 %, the words
  of a judgement and the mark of a flag as literal text: ``0.0"% (similar)"``); words
  are text;
- a data sheet: one row per measure × figure, the columns of the CSV renderer;
- a notes sheet: the report's title, organisation, period and notes.

A public edition's withheld figure is its symbol as text: its value is not in the
report to write.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Sequence

import attrs

from perfcore.calc.rounding import round_half_away
from perfcore.codes import Status
from perfcore.i18n import Translator, translator
from perfcore.report.data import TableValue, figure_table
from perfcore.report.model import (
    Cell,
    Column,
    Outcome,
    Report,
    Section,
    cell_text,
    item_text,
    measured,
    published_text_lines,
    qualitative,
    rolled_text,
    status_words,
)

__all__ = ["Look", "Sheet", "SheetCell", "WorkbookLayout", "number_format", "sheet_names",
           "workbook_layout"]

#: Excel's limits on a sheet's name: its length, the characters it cannot hold, and a name
#: Excel keeps for itself.
SHEET_NAME_LENGTH = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED_SHEET_NAMES = frozenset({"history"})

#: Excel reads at most this many characters of a number format.
_FORMAT_LENGTH = 255

# The first number in a display text: "-14.9%", "48,618", "£2,300,000", "5th of 8".
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


class Look(enum.Enum):
    """How a cell looks: the writer's styles, chosen by what the cell is."""

    PLAIN = "plain"
    TITLE = "title"        # a sheet's title: bold and larger
    HEADING = "heading"    # a column heading: bold, wrapped
    GROUP = "group"        # an outcome's line: bold
    DETAIL = "detail"      # commentary and published figures under a table: indented
    NOTE = "note"          # a note: wrapped in its wide column


@attrs.frozen(kw_only=True)
class SheetCell:
    """One cell: ``value`` a number or text (None: empty), ``number_format`` how Excel
    shows a number, ``shown`` the text the report shows (what the column is sized for),
    ``status`` the RAG status a status cell is filled by (its words are its value);
    ``right``: aligned right, as a figure column is, words and symbols too."""

    value: str | float | None = None
    number_format: str = "General"
    shown: str = ""
    look: Look = Look.PLAIN
    status: Status | None = None
    right: bool = False


@attrs.frozen(kw_only=True)
class Sheet:
    """One sheet: ``rows`` of cells from the first row, the 1-based ``header_row`` of
    column headings (the rows up to it stay on screen; with ``freeze_columns`` the first
    columns too), column ``widths`` in characters, and ``autofilter`` over the table
    from the header row."""

    name: str
    rows: tuple[tuple[SheetCell, ...], ...]
    header_row: int
    widths: tuple[float, ...] = ()
    freeze_columns: int = 0
    autofilter: bool = False

    def row_lines(self) -> tuple[int, ...]:
        """The lines each row takes: its tallest wrapped cell (a heading, a note) in its
        column's width."""
        return tuple(max((_wrapped_lines(c.shown, w) for c, w in
                          zip(row, self.widths, strict=False)
                          if c.look in (Look.HEADING, Look.NOTE)), default=1)
                     for row in self.rows)


def _wrapped_lines(text: str, width: float) -> int:
    # Bold headings are wider than the character widths Excel counts in: leave a margin.
    room, lines, used = width - 2, 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return lines


@attrs.frozen(kw_only=True)
class WorkbookLayout:
    """The sheets of a report's workbook, in order, and its title and language(s)."""

    title: str
    lang: str
    sheets: tuple[Sheet, ...]


def workbook_layout(report: Report) -> WorkbookLayout:
    """The report as sheets: a sheet per priority (per language), data, notes."""
    versions = report.versions()
    wanted = [s.title for v in versions for s in v.sections]
    wanted.append(_in_each(versions, lambda _: _("Data")))
    wanted.append(_in_each(versions, lambda _: _("Notes")))
    names = iter(sheet_names(wanted))
    sheets = [priority_sheet(v, s, name=next(names)) for v in versions for s in v.sections]
    sheets.append(data_sheet(report, name=next(names)))
    sheets.append(notes_sheet(report, name=next(names)))
    return WorkbookLayout(title=report.title, lang="+".join(report.languages),
                          sheets=tuple(sheets))


def _in_each(versions: Sequence[Report], word: Callable[[Translator], str]) -> str:
    """A word in each language of the report, each once ("Nodiadau – Notes", "Data")."""
    return " – ".join(dict.fromkeys(word(translator(v.lang)) for v in versions))


def sheet_names(wanted: Sequence[str]) -> tuple[str, ...]:
    """Valid, distinct sheet names for ``wanted`` titles, in order: characters Excel
    refuses (``[]:*?/\\``) become spaces, leading and trailing apostrophes go, names are
    cut to 31 characters, and a name already taken (case aside, as Excel compares
    them) gets a number: "Crime Reduction (2)"."""
    taken = set(_RESERVED_SHEET_NAMES)
    out = []
    for title in wanted:
        base = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", title).split()).strip("'").strip()
        base = base or "Sheet"
        name, n = base[:SHEET_NAME_LENGTH].rstrip(), 1
        while name.casefold() in taken:
            n += 1
            tail = f" ({n})"
            name = base[:SHEET_NAME_LENGTH - len(tail)].rstrip() + tail
        taken.add(name.casefold())
        out.append(name)
    return tuple(out)


# --------------------------------------------------------------------------- numbers


def number_format(value: float, text: str) -> str | None:
    """The Excel number format that shows ``value`` as ``text`` shows it, or None when
    ``text`` does not show ``value`` (words, a withheld figure, another number).

    The number in ``text`` gives the decimals and the thousands separator; a ``%`` after
    a number 100 times ``value`` makes a per cent format; the text around the number
    stays as literal text, and a ``+`` sign as a sign for positive values:

    >>> number_format(0.159, "15.9%")
    '0.0%'
    >>> number_format(-14.878492891659079, "-14.9%")
    '0.0"%"'
    >>> number_format(-14.1, "-14.1% (similar)")
    '0.0"% (similar)"'
    >>> number_format(-14.878492891659079, "-14.1%") is None
    True
    >>> number_format(4.1, "+4.1 pp")
    '+0.0" pp";-0.0" pp";0.0" pp"'
    >>> number_format(2300000.0, "£2,300,000")
    '"£"#,##0'
    """
    found = _NUMBER.search(text)
    if found is None or not math.isfinite(value):
        return None
    token = found.group()
    before, after = text[:found.start()], text[found.end():]
    sign = ""
    if before[-1:] in ("+", "-") or before[:1] in ("+", "-"):
        sign = before[-1] if before[-1:] in ("+", "-") else before[0]
        before = before[:-1] if before[-1:] == sign else before[1:]
    if (sign == "-") != (value < 0) and not (sign == "+" and value == 0):
        return None
    decimals = len(token.partition(".")[2])
    digits = ("#,##0" if "," in token else "0") + ("." + "0" * decimals if decimals else "")
    shown = float(token.replace(",", ""))
    if after.startswith("%") and _rounds_to(abs(value) * 100, decimals, shown):
        digits, after = digits + "%", after[1:]
    elif not _rounds_to(abs(value), decimals, shown):
        return None
    body = _literal(before) + digits + _literal(after)
    fmt = f"+{body};-{body};{'+' if value == 0 else ''}{body}" if sign == "+" else body
    return fmt if len(fmt) <= _FORMAT_LENGTH else None


def _rounds_to(value: float, decimals: int, shown: float) -> bool:
    return math.isclose(float(round_half_away(value, decimals)), shown, rel_tol=1e-12,
                        abs_tol=1e-12)


def _literal(text: str) -> str:
    # Quoted text in a number format cannot hold a quote: it goes between the quoted
    # parts, escaped.
    if not text:
        return ""
    return '\\"'.join(f'"{part}"' if part else "" for part in text.split('"'))


def figure_cell(cell: Cell) -> SheetCell:
    """A report cell as the report shows it: its value with a number format that shows
    its text, judgement words and flag marks; text when it has no value (words, "n/a")
    or is withheld (the symbol: the value is never written)."""
    text = cell_text(cell)
    status = cell.code if cell.key == "status" and isinstance(cell.code, Status) else None
    if cell.value is not None and cell.suppressed is None:
        value = float(cell.value)
        fmt = number_format(value, text)
        if fmt is not None:
            return SheetCell(value=value, number_format=fmt, shown=text, status=status,
                             right=True)
    return SheetCell(value=text, number_format="@", shown=text, status=status, right=True)


# --------------------------------------------------------------------------- sheets


def _text(text: str, look: Look = Look.PLAIN, *, right: bool = False) -> SheetCell:
    return SheetCell(value=text, number_format="@", shown=text, look=look, right=right)


def priority_sheet(report: Report, section: Section, *, name: str) -> Sheet:
    """A priority's sheet: its title and roll-up, the organisation and period, its lead,
    board and assessment type, then each outcome's table as the report shows it."""
    _ = translator(report.lang)
    words = status_words(_)
    title = section.title
    if section.status is not None:
        title += f" — {rolled_text(section.rolled, words)}"
    meta = " · ".join(x for x in (section.lead, section.board, section.assessment_type) if x)
    columns = _section_columns(report, section)
    rows: list[tuple[SheetCell, ...]] = [
        (_text(title, Look.TITLE),),
        (_text(f"{report.organisation_name} — {report.period_label}"),),
        (_text(meta),) if meta else (),
        (_text(_("Measure"), Look.HEADING),
         *(_text(c.heading, Look.HEADING, right=True) for c in columns)),
    ]
    header_row = len(rows)
    for n, outcome in enumerate(section.outcomes):
        rows += [()] if n else []
        rows += _outcome_rows(report, outcome, columns)
    return Sheet(name=name, rows=tuple(rows), header_row=header_row,
                 widths=_widths(rows[header_row - 1:], first=(12, 45), rest=(8, 22)),
                 freeze_columns=1)


def _section_columns(report: Report, section: Section) -> tuple[Column, ...]:
    """The columns any of a priority's tables shows, in the report's order."""
    keys = {c.key for o in section.outcomes if measured(o)
            for c in (o.columns or report.columns)}
    return tuple(c for c in report.columns if c.key in keys)


def _outcome_rows(report: Report, outcome: Outcome,
                  columns: Sequence[Column]) -> list[tuple[SheetCell, ...]]:
    _ = translator(report.lang)
    words = status_words(_)
    head = f"{_('Outcome')}: {outcome.statement}"
    if outcome.status is not None:
        head += f" — {rolled_text(outcome.rolled, words)}"
    rows: list[tuple[SheetCell, ...]] = [(_text(head, Look.GROUP),)]
    for r in measured(outcome):
        cells = [None if (c := r.get(col.key)) is None else figure_cell(c) for col in columns]
        rows.append((_text(r.measure.name), *(c or SheetCell() for c in cells)))
    published = published_text_lines(outcome, _)
    if published:
        rows.append((_text(f"{_('Published figures')}:", Look.DETAIL),))
        rows += [(_text(p, Look.DETAIL),) for p in published]
    for r in qualitative(outcome):
        item, paragraphs = item_text(r, words)
        rows.append((_text(item),))
        rows += [(_text(p, Look.DETAIL),) for p in paragraphs]
    return rows


def data_sheet(report: Report, *, name: str) -> Sheet:
    """Every figure, one row per measure × figure, with the CSV renderer's columns: the
    value a number (empty when not available or withheld) shown as its display text."""
    table = figure_table(report)
    value_at = table.keys.index("value")
    display_at = next(i for i, h in enumerate(table.keys) if h.startswith("display"))
    rows: list[tuple[SheetCell, ...]] = [tuple(_text(h, Look.HEADING) for h in table.header)]
    rows += [tuple(_data_cell(v, row[display_at], is_value=i == value_at)
                   for i, v in enumerate(row)) for row in table.rows]
    return Sheet(name=name, rows=tuple(rows), header_row=1,
                 widths=_widths(rows, first=(10, 30), rest=(10, 40)), autofilter=True)


def _data_cell(value: TableValue, display: TableValue, *, is_value: bool) -> SheetCell:
    if not is_value:
        return _text("" if value is None else str(value))
    if value is None or isinstance(value, str):
        return SheetCell()
    fmt = number_format(value, str(display)) or "General"
    return SheetCell(value=value, number_format=fmt, shown=str(display))


def notes_sheet(report: Report, *, name: str) -> Sheet:
    """The report's title, organisation and period, then its notes (in a bilingual
    report a column per language), among them what a public edition withholds."""
    versions = report.versions()
    heads = [translator(v.lang)("Notes") for v in versions]
    rows: list[tuple[SheetCell, ...]] = [
        tuple(_text(v.title, Look.TITLE) for v in versions),
        tuple(_text(f"{v.organisation_name} — {v.period_label}") for v in versions),
        (),
        tuple(_text(h, Look.HEADING) for h in heads),
    ]
    longest = max(len(v.notes) for v in versions)
    rows += [tuple(_text(v.notes[k] if k < len(v.notes) else "", Look.NOTE)
                   for v in versions) for k in range(longest)]
    return Sheet(name=name, rows=tuple(rows), header_row=4,
                 widths=tuple(100.0 for _ in versions))


def _widths(rows: Sequence[tuple[SheetCell, ...]], *, first: tuple[int, int],
            rest: tuple[int, int]) -> tuple[float, ...]:
    """Column widths in characters: the longest text shown in each column (a heading's
    longest word: headings wrap), within ``first``'s bounds for the first column and
    ``rest``'s for the others. Lines under a table (an outcome, commentary) run on
    into the empty cells beside them, so they do not widen the first column."""
    count = max((len(r) for r in rows), default=0)
    out = []
    for k in range(count):
        lo, hi = first if k == 0 else rest
        sizes = [max(map(len, c.shown.split()), default=0) if c.look is Look.HEADING
                 else len(c.shown) for r in rows if k < len(r) and (c := r[k]).look
                 in (Look.PLAIN, Look.HEADING)]
        out.append(float(min(max(max(sizes, default=0) + 2, lo), hi)))
    return tuple(out)
