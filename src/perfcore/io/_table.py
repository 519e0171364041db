"""What every built-in loader shares: reading a CSV file into columns, collecting every
problem before failing, and parsing numbers, periods and organisations column-wise.

Cells are read with the :mod:`csv` module and transposed to one tuple of strings per
column (``zip(*rows)``, in C). Anything done per *value* (parsing a period, resolving a
force name, checking a measure id) is done once per distinct value and mapped back to the
rows with C-speed ``map``; numbers go through ``float`` in one ``np.fromiter`` pass, and
only a column that fails that pass is looked at cell by cell. Row numbers in messages are
spreadsheet rows: 1-based, the header is row 1.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from itertools import repeat
from operator import contains, itemgetter
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from perfcore.dataset import Dataset, broken_rules, factorize, written
from perfcore.errors import (
    DataFileError,
    DataProblem,
    DataValidationError,
    DuplicateObservationError,
    InvalidValueError,
    OptionError,
    PeriodError,
    UnknownOrganisationError,
    advise,
)
from perfcore.model import ID_PATTERN
from perfcore.organisations import OrganisationRegistry, default_registry
from perfcore.periods import Period, parse_period

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
RegistryOption = OrganisationRegistry | Literal[False] | None


def chosen_registry(registry: RegistryOption) -> OrganisationRegistry | None:
    """The registry a loader's ``registry`` option names: the default for ``None``,
    ``None`` (names kept as written) for ``False``."""
    return None if registry is False else (registry or default_registry())

#: Cells read as "no figure" in numeric columns (lower-cased): blank, and the markers
#: ONS and Home Office tables print for "not available", "not applicable", "suppressed".
MISSING = frozenset({"", "na", "n/a", "nan", "..", "[x]", "[z]", "[c]", "[u]", "[low]"})

_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_HEADER_RE = re.compile(r"[^a-z0-9]+")


def normalise_header(name: str) -> str:
    """``"Number of Offences"`` → ``"number_of_offences"``, ``"LSOA code"`` → ``"lsoa_code"``."""
    return _HEADER_RE.sub("_", name.strip().lower().lstrip("\ufeff")).strip("_")


def slug(label: str) -> str:
    """A measure-id segment from a published label: lower case, runs of anything but
    letters and digits become one underscore; a leading digit gets an ``x_`` prefix.
    ``"Investigation complete; no suspect identified"`` →
    ``"investigation_complete_no_suspect_identified"``."""
    s = _HEADER_RE.sub("_", label.lower()).strip("_")
    if not s:
        return "blank"
    return s if s[0].isalpha() else f"x_{s}"


def is_measure_id(text: str) -> bool:
    """Whether ``text`` can name a plan measure (``all_crime``, ``victims.x``)."""
    return bool(ID_PATTERN.match(text))


def label_key(label: str) -> str:
    """A category label compared case- and space-insensitively ("Theft  offences" is
    "theft offences")."""
    return " ".join(label.lower().split())


def label_mapping(measures: Mapping[str, str] | None) -> dict[str, str]:
    """A loader's ``measures`` option (category label → measure id), keyed by
    :func:`label_key`, every id checked."""
    out: dict[str, str] = {}
    for label, mid in (measures or {}).items():
        if not isinstance(mid, str) or not is_measure_id(mid):
            raise OptionError(option="measures", value={label: mid},
                              allowed="a measure id (lower-case letters, digits, "
                              "underscores; dots between a domain and its measure)")
        out[label_key(label)] = mid
    return out


class Problems:
    """Problems found in one file, each located by spreadsheet row and column."""

    def __init__(self, file: str, row_numbers: IntArray | None = None,
                 context: Callable[[int], dict[str, str]] | None = None) -> None:
        self.file = file
        #: What the problems are in, for the error's first line.
        self.what = f"data file {file}"
        self.items: list[DataProblem] = []
        self.row_numbers = row_numbers
        self._context = context

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, message: str, *, rows: Sequence[int] = (), column: str | None = None,
            measure: str | None = None, organisation: str | None = None,
            period: str | None = None) -> None:
        """A problem at spreadsheet ``rows`` (already numbered for the reader)."""
        self.items.append(DataProblem(message, file=self.file, rows=tuple(rows),
                                      column=column, measure=measure,
                                      organisation=organisation, period=period))

    def at(self, message: str, index: int | Sequence[int], *, column: str | None = None,
           with_context: bool = True) -> None:
        """A problem at data row ``index`` (0-based, or several), numbered and given the
        row's key cells as context."""
        idx = [index] if isinstance(index, int) else list(index)
        rows = ([int(self.row_numbers[i]) for i in idx] if self.row_numbers is not None
                else [i + 2 for i in idx])
        ctx = self._context(idx[0]) if (with_context and self._context and idx) else {}
        self.add(message, rows=rows, column=column, **ctx)

    def raise_if_any(self) -> None:
        if self.items:
            # Read top to bottom, as the file is; problems of one row keep their order.
            ordered = sorted(self.items, key=lambda p: p.row if p.row is not None else 0)
            raise DataValidationError.from_problems(ordered, self.file, what=self.what)


class Table:
    """The data rows of a CSV file as columns of strings, keyed by normalised header.

    ``row_numbers[i]`` is the spreadsheet row of data row ``i`` (blank rows are not data
    and are left out, keeping the numbering of the rest). ``names`` maps each normalised
    column name to the header as written, for messages.
    """

    def __init__(self, file: str, columns: dict[str, tuple[str, ...]], names: dict[str, str],
                 row_numbers: IntArray, context_columns: Mapping[str, str]) -> None:
        self.file = file
        self.columns = columns
        self.names = names
        self.row_numbers = row_numbers
        self.context_columns = dict(context_columns)
        self.problems = Problems(file, row_numbers, self.context)

    def __len__(self) -> int:
        return int(self.row_numbers.shape[0])

    def __contains__(self, column: str) -> bool:
        return column in self.columns

    def __getitem__(self, column: str) -> tuple[str, ...]:
        return self.columns[column]

    def name(self, column: str) -> str:
        """The column's header as written in the file."""
        return self.names.get(column, column)

    def context(self, index: int) -> dict[str, str]:
        """The key cells of data row ``index`` (measure, organisation, period), as written."""
        out: dict[str, str] = {}
        for field, column in self.context_columns.items():
            if column in self.columns:
                cell = self.columns[column][index].strip()
                if cell:
                    out[field] = cell
        return out


# Columns that mark each built-in loader's layout, to say which loader a file is for.
_SIGNATURES = (
    ("csv", {"measure", "organisation", "period"}),
    ("published", {"measure", "group", "figure"}),
    ("home_office_prc", {"force_name", "offence_group", "number_of_offences"}),
    ("ons_pfa", {"period_end", "area_code"}),
    ("police_uk", {"crime_type"}),
    ("police_uk", {"outcome_type"}),
)


def _looks_like(columns: set[str]) -> str:
    for loader, signature in _SIGNATURES:
        if signature <= columns:
            choose = advise(python=f"pass loader={loader!r}",
                            plan=f'set loader = "{loader}" in its [[data]] table',
                            cli=f"give --loader {loader}")
            return f" (it looks like a file for the {loader!r} loader: {choose})"
    return ""


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Reading a large file makes millions of strings and lists that hold no reference
    cycles; pausing the cyclic collector meanwhile saves it walking them again and again
    (a third of the reading time on a national file)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_rows(path: str | Path, *, encoding: str = "utf-8-sig") -> list[list[str]]:
    """Every CSV record of ``path`` (blank lines as empty lists), or a clear error."""
    p = Path(path)
    if "\x00" in str(path):
        raise DataFileError(reason="its name holds a NUL character (\\x00), which no file "
                            "name can", path=repr(str(path)))
    try:
        codecs.lookup(encoding)
    except (LookupError, ValueError) as exc:
        raise DataFileError(reason=f"unknown encoding {encoding!r}", path=str(path),
                            encoding=encoding) from exc
    try:
        with p.open(newline="", encoding=encoding) as f, _no_gc():
            reader = csv.reader(f)
            try:
                return list(reader)
            except csv.Error as exc:
                raise DataValidationError.from_problems(
                    [DataProblem(f"not readable as CSV: {exc}", file=str(path),
                                 row=reader.line_num)], str(path)) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(
            reason=f"it is not {encoding} text ({exc.reason} at byte {exc.start}); if it was "
            "saved from Excel, " + advise(
                python="pass encoding='cp1252'",
                plan="""add encoding = "cp1252" to its [[data]] table's options"""),
            path=str(path),
            encoding=encoding) from exc
    except UnicodeError as exc:  # e.g. utf-16 without a byte-order mark
        raise DataFileError(
            reason=f"it is not {encoding} text ({exc}); give the encoding it was saved in "
            "(for UTF-16 without a byte-order mark, 'utf-16-le' or 'utf-16-be')",
            path=str(path), encoding=encoding) from exc
    except LookupError as exc:
        raise DataFileError(reason=f"unknown encoding {encoding!r}", path=str(path),
                            encoding=encoding) from exc
    except OSError as exc:
        raise DataFileError(reason=str(exc.strerror or exc), path=str(path)) from exc


def read_header(path: str | Path, encoding: str) -> set[str]:
    """The normalised column names of ``path``'s first row, for a loader to tell its
    layout from; empty if it cannot be read (:func:`read_table` then says why)."""
    try:
        with Path(path).open(newline="", encoding=encoding) as f:
            return {normalise_header(h) for h in next(csv.reader(f), [])}
    except (OSError, UnicodeError, LookupError, ValueError):  # read_table says why
        return set()


def read_table(path: str | Path, *, required: Collection[str], optional: Collection[str] = (),
               extra: Literal["error", "ignore"] = "error",
               ignore: Collection[str] = (), rename: Mapping[str, str] | None = None,
               encoding: str = "utf-8-sig", layout: str = "",
               context: Mapping[str, str] | None = None) -> Table:
    """Read ``path`` and check its header: every ``required`` column present, and (when
    ``extra="error"``) no column outside ``required``, ``optional`` and ``ignore``;
    with ``extra="ignore"`` other columns are allowed and not read. Only ``required`` and
    ``optional`` columns are taken into the table. Header
    names are matched after :func:`normalise_header`; ``rename`` maps a header as written
    (or normalised) to the column it stands for. Header problems are raised together;
    ragged rows are collected in the returned table's ``problems``.
    """
    file = str(path)
    rows = read_rows(path, encoding=encoding)
    problems = Problems(file)
    what = f" for the {layout} layout" if layout else ""
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.add(f"the file is empty: expected a header row{what} with columns "
                     f"{', '.join(sorted(required))}", rows=(1,))
        problems.raise_if_any()
    header = _Header(rows[0], rename, problems)
    allowed = set(required) | set(optional)
    header.check(required=required, allowed=allowed,
                 ignored={normalise_header(c) for c in ignore}, extra=extra, what=what)
    problems.raise_if_any()
    data, numbers = _data_rows(rows[1:], problems, what)
    _check_row_widths(data, numbers, len(header.written), problems)
    _check_unnamed(data, header.unnamed, problems)
    # Only the columns a loader reads are taken out of the rows (each in one C pass).
    with _no_gc():
        columns = {k: tuple(map(itemgetter(pos), data)) for k, pos in header.positions.items()
                   if k in allowed}
    return Table(file, columns, header.names, numbers, context or {})


class _Header:
    """A file's header row: where each (normalised, renamed) column is, the header as
    written for each, and the positions of columns with no name. A column named twice is
    a problem, recorded in ``problems``."""

    def __init__(self, written: list[str], rename: Mapping[str, str] | None,
                 problems: Problems) -> None:
        self.written = written
        self.problems = problems
        renames = {normalise_header(k): v for k, v in (rename or {}).items()}
        keys = [renames.get(normalise_header(h), normalise_header(h)) for h in written]
        self.names: dict[str, str] = {}
        self.positions: dict[str, int] = {}
        self.unnamed: list[int] = []
        for pos, (key, name) in enumerate(zip(keys, written, strict=True)):
            if not key:
                self.unnamed.append(pos)
                continue
            if key in self.positions:
                problems.add(f"column {name!r} appears twice (columns "
                             f"{self.positions[key] + 1} and {pos + 1})", rows=(1,),
                             column=name)
                continue
            self.positions[key] = pos
            self.names[key] = name

    def check(self, *, required: Collection[str], allowed: set[str], ignored: set[str],
              extra: Literal["error", "ignore"], what: str) -> None:
        """Record a missing required column, and (``extra="error"``) unknown ones. A first
        row that names none of the layout's columns (nor another loader's) is not quoted:
        the file may not be data at all, and an error must not show its contents."""
        hint = _looks_like(set(self.positions))
        if not hint and not any(k in allowed or k in ignored for k in self.positions):
            self.problems.add(
                f"the first row names none of the columns{what} ({', '.join(sorted(required))}"
                " ...): is it the right file, a CSV file with a header row?", rows=(1,))
            return
        missing = [c for c in sorted(required) if c not in self.positions]
        if missing:
            self.problems.add(f"missing required column{'s' if len(missing) > 1 else ''} "
                              f"{', '.join(missing)}{what}; the header has: "
                              f"{', '.join(_shown(h) for h in self.written)}{hint}", rows=(1,))
        unknown = [self.names[k] for k in self.positions
                   if k not in allowed and k not in ignored]
        if unknown and extra == "error":
            self.problems.add(
                f"unknown column{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(_shown(u) for u in unknown)}{what}; known columns are "
                f"{', '.join(sorted(allowed))} ("
                + advise(python="pass ignore_columns=[...] to accept extra columns, or "
                         "columns={'Header': 'field'} to rename one",
                         plan="add ignore_columns = [...] to the [[data]] table's options to "
                         'accept extra columns, or columns = { "Header" = "field" } to rename '
                         "one") + ")", rows=(1,))


def _shown(header: str, limit: int = 40) -> str:
    """A column's header as messages quote it: at most ``limit`` characters."""
    return repr(header if len(header) <= limit else header[:limit - 1] + "…")


def _data_rows(data: list[list[str]], problems: Problems, what: str,
               ) -> tuple[list[list[str]], IntArray]:
    """The rows holding data, and the spreadsheet row of each: numbering survives
    dropping blank rows (they hold no data). Raises when no row is left."""
    # Both checks run in C (map over builtins) unless the file has blank rows.
    filled = list(map(any, data))
    if all(filled):
        numbers = np.arange(2, len(data) + 2, dtype=np.int64)
    else:
        keep = [i for i, r in enumerate(data) if filled[i] and any(c.strip() for c in r)]
        numbers = np.asarray(keep, dtype=np.int64) + 2
        data = [data[i] for i in keep]
    if not data:
        problems.add(f"the file has a header but no data rows{what}", rows=(1,))
        problems.raise_if_any()
    return data, numbers


def _check_row_widths(data: list[list[str]], numbers: IntArray, width: int,
                      problems: Problems) -> None:
    """Raise for rows with fewer cells than the header has columns, or with values
    beyond them (checked in C unless some row is ragged)."""
    if set(map(len, data)) == {width}:
        return
    for i, r in enumerate(data):
        if len(r) < width:
            problems.add(f"has {len(r)} cells but the header has {width} columns",
                         rows=(int(numbers[i]),))
        elif len(r) > width and any(c.strip() for c in r[width:]):
            problems.add(f"has {len(r)} cells but the header has {width} columns "
                         f"(extra cells: {', '.join(repr(c) for c in r[width:] if c)})",
                         rows=(int(numbers[i]),))
    problems.raise_if_any()


def _check_unnamed(data: list[list[str]], unnamed: Sequence[int], problems: Problems) -> None:
    """Raise for a column with no header that holds values."""
    for pos in unnamed:
        if any(c.strip() for c in map(itemgetter(pos), data)):
            problems.add(f"column {pos + 1} has values but no header", rows=(1,))
    problems.raise_if_any()


# --- numbers ---------------------------------------------------------------------------


def _special_number(text: str) -> tuple[float, float] | None:
    """Spellings ``float`` rejects but published tables use: missing markers, thousands
    separators, a Unicode minus, a trailing ``%``. Returns the number (without its ``%``)
    and, for a percentage, the fraction it stands for (else NaN); ``None`` if the cell is
    not a number."""
    s = text.strip().replace("\u2212", "-")
    if s.lower() in MISSING:
        return np.nan, np.nan
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    if _THOUSANDS_RE.match(s):
        s = s.replace(",", "")
    try:
        # "11.8e-2" is read as the nearest double to 0.118, where 11.8 / 100 is not.
        return _float(s), (_float(s + "e-2") if percent else np.nan)
    except ValueError:
        return None


def _not_a_number(cell: str) -> str:
    if _special_number(cell.replace("_", "")) is not None or any(
            c.isdigit() and not c.isascii() for c in cell):
        return (f"{cell!r} is not a number: write numbers with the digits 0-9 and no "
                "underscores (48618 or 48,618)")
    return f"{cell!r} is not a number"


def _plain_cells(cells: Sequence[str]) -> bool:
    """Whether every cell is ASCII without an underscore (checked in C)."""
    return all(map(str.isascii, cells)) and not any(map(contains, cells, repeat("_")))


def _float(text: str) -> float:
    """``float(text)`` for a number as tables write it: ASCII digits, no underscores."""
    if not text.isascii() or "_" in text:
        raise ValueError(text)
    return float(text)


def parse_numbers(table: Table, column: str, *,
                  percent: Literal["fraction", "strip", "flag", "error"] = "error",
                  rows: npt.NDArray[np.bool_] | None = None,
                  ) -> tuple[FloatArray, BoolArray]:
    """The column as floats (NaN where blank or marked missing) and which cells carried a
    ``%``. ``percent`` says what a ``%`` means: ``"fraction"`` divides by 100
    (``15.9%`` → 0.159, a proportion), ``"strip"`` drops the sign (a % change), ``"flag"``
    leaves it to the caller, ``"error"`` makes it a problem. Bad and infinite cells are
    recorded in ``table.problems`` with their row and column."""
    cells = table[column]
    n = len(cells)
    no_pct = np.zeros(n, dtype=bool)
    if not any(cells):
        return np.full(n, np.nan), no_pct
    try:
        # float() also reads "48_618" and digits of other scripts ("٤٨٦١٨"), which no
        # published table writes: such a column goes the slow way, cell by cell.
        if not _plain_cells(cells):
            raise ValueError
        values = np.fromiter(map(float, cells), dtype=np.float64, count=n)
        pct = no_pct
    except ValueError:
        parsed: dict[str, tuple[float, float] | None] = {}
        for cell in dict.fromkeys(cells):
            try:
                parsed[cell] = (_float(cell), np.nan)
            except ValueError:
                parsed[cell] = _special_number(cell)
        bad_cells = {c for c, v in parsed.items() if v is None}
        pct_cells = {c: v[1] for c, v in parsed.items() if v is not None and v[1] == v[1]}
        if percent == "fraction":
            number = {c: (np.nan if v is None else pct_cells.get(c, v[0]))
                      for c, v in parsed.items()}
        else:
            number = {c: (np.nan if v is None else v[0]) for c, v in parsed.items()}
        values = np.fromiter(map(number.__getitem__, cells), dtype=np.float64, count=n)
        pct = (np.fromiter(map(pct_cells.__contains__, cells), dtype=bool, count=n)
               if pct_cells else no_pct)
        if bad_cells:
            bad = np.fromiter(map(bad_cells.__contains__, cells), dtype=bool, count=n)
            for i in np.flatnonzero(bad).tolist():
                table.problems.at(_not_a_number(cells[i]), i, column=table.name(column))
        if pct_cells and percent == "error":
            for i in np.flatnonzero(pct).tolist():
                table.problems.at(f"{cells[i]!r}: a percentage is not allowed here (give "
                                  "the number itself)", i, column=table.name(column))
    infinite = np.flatnonzero(np.isinf(values))
    for i in infinite.tolist():
        table.problems.at(f"{cells[i]!r} is not a finite number", i, column=table.name(column))
    return values, pct


# --- keys ------------------------------------------------------------------------------


def factorize_text(cells: Sequence[str]) -> tuple[list[str], IntArray]:
    """As :func:`factorize`, with cells compared stripped of surrounding spaces (stripped
    once per distinct cell, not once per row)."""
    raw, codes = factorize(cells)
    stripped = [c.strip() for c in raw]
    if stripped == raw:
        return raw, codes
    distinct, remap = factorize(stripped)
    return distinct, remap[codes]


def rows_of(codes: IntArray, k: int) -> list[int]:
    return np.flatnonzero(codes == k).tolist()


def parse_periods(table: Table, column: str, *,
                  parse: Callable[[str], Period] | None = None,
                  prefer: str | None = None) -> tuple[list[Period | None], IntArray]:
    """Each distinct cell of ``column`` parsed once (by ``parse``, default
    :func:`parse_period`), and each row's index into them. Unreadable periods are problems
    naming every row they occur on; their slot is ``None``."""
    distinct, codes = factorize_text(table[column])
    out: list[Period | None] = []
    for k, text in enumerate(distinct):
        try:
            if parse is not None:
                out.append(parse(text))
            else:
                out.append(parse_period(text, prefer=prefer))  # type: ignore[arg-type]
        except Exception as exc:
            named = isinstance(exc, PeriodError) and exc.text is not None  # names the text
            message = str(exc) if named else f"period {text!r}: {exc}"
            message = message.split("\n")[0]
            if message.endswith(":"):
                message = (message.removesuffix("; accepted forms are:") + " (write e.g. "
                           "2019-20, Q3 2021-22, 2020-06, 2020, 12 months to June 2020)")
            if not text:
                message = "the period is blank"
            table.problems.at(message, rows_of(codes, k), column=table.name(column))
            out.append(None)
    return out, codes


_FORCE_SUFFIXES = (" police service", " constabulary", " police")


def resolve_organisations(table: Table, column: str, registry: RegistryOption, *,
                          strip_force_suffix: bool = False,
                          skip: Collection[str] = ()) -> tuple[list[str | None], IntArray]:
    """Each distinct organisation cell resolved to its ONS code through ``registry`` (the
    shipped one by default; ``False`` keeps cells as written), and each row's index into
    them. Unknown names are problems naming every row and the nearest known names.
    Cells in ``skip`` (compared case-insensitively) resolve to ``None`` without a problem.
    ``strip_force_suffix`` also tries the name without " Police"/" Constabulary"
    (police.uk writes "Gwent Police")."""
    if not (registry is None or registry is False or isinstance(registry, OrganisationRegistry)):
        raise OptionError(option="registry", value=registry,
                          allowed="an OrganisationRegistry, or false to keep names as written")
    distinct, codes = factorize_text(table[column])
    skipped = {s.lower() for s in skip}
    reg = chosen_registry(registry)
    out: list[str | None] = []
    for k, name in enumerate(distinct):
        if name.lower() in skipped:
            out.append(None)
            continue
        if not name:
            table.problems.at("the organisation is blank", rows_of(codes, k),
                              column=table.name(column))
            out.append(None)
            continue
        if reg is None:
            out.append(name)
            continue
        try:
            out.append(reg.code(name))
            continue
        except UnknownOrganisationError as exc:
            error = exc
        if strip_force_suffix:
            low = name.lower()
            for suffix in _FORCE_SUFFIXES:
                if low.endswith(suffix):
                    try:
                        out.append(reg.code(name[: -len(suffix)]))
                        break
                    except UnknownOrganisationError:
                        pass
            else:
                suffix = ""
            if suffix:
                continue
        keep = advise(python="pass registry=False to keep organisation names as written",
                      plan="add registry = false to the [[data]] table's options to keep "
                      "organisation names as written")
        table.problems.at(f"{error} ({keep})", rows_of(codes, k), column=table.name(column))
        out.append(None)
    return out, codes


def check_measure_ids(table: Table, column: str) -> tuple[list[str], IntArray]:
    """Distinct measure ids (each must be a valid plan measure id) and row codes."""
    distinct, codes = factorize_text(table[column])
    for k, m in enumerate(distinct):
        if not is_measure_id(m):
            hint = f"; perhaps {slug(m)!r}" if m else ""
            what = "the measure is blank" if not m else (
                f"measure {m!r} is not a valid measure id (lower-case letters, digits and "
                f"underscores, dots between a domain and its measure{hint})")
            table.problems.at(what, rows_of(codes, k), column=table.name(column))
    return distinct, codes


def expand(values: Sequence[Any], codes: IntArray) -> list[Any]:
    """Per-row values from per-distinct ``values`` and row ``codes`` (fancy indexing)."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    out: list[Any] = arr[codes].tolist()
    return out


def duplicate_error(exc: DuplicateObservationError, file: str,
                    row_numbers: IntArray | Sequence[int]) -> DuplicateObservationError:
    """A dataset's duplicate-key error re-worded with the file's spreadsheet rows."""
    i, j = exc.rows
    ri, rj = int(row_numbers[i]), int(row_numbers[j])
    return DuplicateObservationError(key=exc.key, rows=(ri, rj), file=file, count=exc.count)


def invalid_value_error(exc: InvalidValueError, table: Table) -> InvalidValueError:
    """A dataset's broken-rule error re-worded with the table's file, spreadsheet rows,
    header and cell as written, and the row's key cells."""
    rows = tuple(int(table.row_numbers[i]) for i in exc.rows)
    i = exc.rows[0] if exc.rows else None
    column = exc.column or ""
    value = exc.value
    context: dict[str, str] = {}
    if i is not None:
        context = table.context(i)
        if column in table and table[column][i].strip():
            value = table[column][i].strip()
    return InvalidValueError(**{**exc.fields, "file": table.file, "row": rows[0] if rows
                                else None, "rows": rows, "value": value,
                                "column": table.name(column) if column else None,
                                **context})


@contextlib.contextmanager
def dataset_errors_by_row(table: Table) -> Iterator[None]:
    """Building a dataset from ``table`` inside, a duplicate key or a broken field rule is
    reported with the table's file and spreadsheet rows (see :func:`duplicate_error`)."""
    try:
        yield
    except DuplicateObservationError as exc:
        raise duplicate_error(exc, table.file, table.row_numbers) from None
    except InvalidValueError as exc:
        raise invalid_value_error(exc, table) from None


#: How many cells breaking one rule are listed one by one; the rest are one problem.
SHOWN_PER_RULE = 50


def check_fields(table: Table, values: Mapping[str, FloatArray]) -> None:
    """Record each cell of ``values`` (observation fields by name, parsed from
    ``table``) that breaks one of the Dataset's field rules
    (:data:`perfcore.dataset.FIELD_RULES`) as a problem, with the cell as written: a
    loader lists them all, where the Dataset would stop at the first."""
    for rule, rows in broken_rules(values):
        column = table.name(rule.field)

        def cell(field: str, i: int) -> str:
            text = table[field][i].strip() if field in table else ""
            return text or written(float(values[field][i]))

        for i in rows[:SHOWN_PER_RULE].tolist():
            other = cell(rule.other, i) if rule.other else ""
            table.problems.at(f"{cell(rule.field, i)!r} {rule.reason.format(other=other)} "
                              f"({rule.allowed})", i, column=column)
        rest = rows[SHOWN_PER_RULE:]
        if rest.size:
            table.problems.at(f"{rest.size} more cells {rule.reason.format(other='its')} "
                              f"({rule.allowed})", rest.tolist(), column=column,
                              with_context=False)


def check_counts(table: Table, column: str, counts: FloatArray, *,
                 negative: bool = False) -> None:
    """Record each cell of a count ``column`` that is not a whole number (or, unless
    ``negative``, is below 0) as a problem: figures a loader adds up must be counts.
    Blank cells are left to the loader ("not available", or a problem of its own)."""
    with np.errstate(invalid="ignore"):
        # Blank cells (NaN) are "not available", not bad counts.
        bad = ~np.isnan(counts) & ((counts != np.floor(counts))
                                   | (~np.bool_(negative) & (counts < 0)))
    cells = table[column]
    allowed = "a count is a whole number" + ("" if negative else " of 0 or more")
    for i in np.flatnonzero(bad)[:SHOWN_PER_RULE].tolist():
        what = "is not a whole number" if counts[i] != np.floor(counts[i]) else "is negative"
        table.problems.at(f"{cells[i].strip()!r} {what} ({allowed})", i,
                          column=table.name(column))
    if np.count_nonzero(bad) > SHOWN_PER_RULE:
        rest = np.flatnonzero(bad)[SHOWN_PER_RULE:]
        table.problems.at(f"{rest.size} more cells are not counts ({allowed})",
                          rest.tolist(), column=table.name(column), with_context=False)


def check_unique_rows(table: Table, codes: Sequence[IntArray], *,
                      rows: IntArray | None = None,
                      key: Callable[[int], tuple[str, str, str]], unit: str,
                      labels: tuple[str, str, str] = ("measure", "organisation", "")) -> None:
    """Raise :class:`~perfcore.errors.DuplicateObservationError` naming the file and both
    rows when two of ``rows`` (default: every row) have the same key: the same code in
    each of ``codes`` (one array of per-row codes per key column). A loader that adds rows
    up must refuse a repeated row, which it would otherwise count twice. ``key(i)`` is
    row ``i``'s (measure, organisation, period) as written, ``labels`` what the message
    calls each (``""``: the value alone), and ``unit`` what one row is (``"force ×
    quarter × offence"``)."""
    idx = np.arange(len(table)) if rows is None else rows
    if idx.size < 2:
        return
    columns = [np.asarray(c)[idx] for c in codes]
    # Sorted by every key column (the first most significant), then equal neighbours.
    order = np.lexsort(columns[::-1])
    same_all = np.ones(idx.size - 1, dtype=bool)
    for c in columns:
        same_all &= c[order][1:] == c[order][:-1]
    same = np.flatnonzero(same_all)
    if not same.size:
        return
    i, j = int(idx[order[same[0]]]), int(idx[order[same[0] + 1]])
    ri, rj = int(table.row_numbers[i]), int(table.row_numbers[j])
    first = key(i)
    shown = ", ".join(f"{label} {v!r}" if label else v
                      for label, v in zip(labels, first, strict=True) if v)
    n = int(same.size)
    raise DuplicateObservationError(
        key=first, file=table.file, count=n, rows=(ri, rj),
        reason=f"{n} repeated row{'s' if n != 1 else ''}; first: row {rj} repeats row {ri} "
        f"({shown}): each {unit} may appear once, or its figures would be counted twice")


def sources_column(table: Table, column: str, default: str) -> list[str] | str:
    """The source of each row: its ``column`` cell, or ``default`` where blank/absent."""
    distinct, codes = source_codes(table, column, default)
    return distinct[0] if codes is None else expand(distinct, codes)


def source_codes(table: Table, column: str, default: str) -> tuple[list[str], IntArray | None]:
    """Distinct sources and each row's code (``None``: every row has ``default``)."""
    if column not in table or not any(table[column]):
        return [default], None
    distinct, codes = factorize_text(table[column])
    return [d or default for d in distinct], codes



def group_sum(codes: Sequence[IntArray], sizes: Sequence[int],
              weights: FloatArray | None = None) -> tuple[list[IntArray], FloatArray]:
    """Sum ``weights`` (or count rows) over every distinct combination of ``codes``
    (``codes[k]`` indexes a category of ``sizes[k]``). Returns the codes of each
    combination present and its sum, in key order; one mixed-radix integer key and one
    ``bincount``, so millions of rows cost a sort."""
    key = np.zeros(codes[0].shape[0], dtype=np.int64)
    for c, size in zip(codes, sizes, strict=True):
        key = key * max(size, 1) + c
    uniq, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse.reshape(-1), weights=weights, minlength=uniq.size)
    out: list[IntArray] = []
    rest = uniq
    for size in reversed(sizes):
        out.append(rest % max(size, 1))
        rest = rest // max(size, 1)
    return out[::-1], sums.astype(np.float64)


class Observations:
    """Figures a loader has summed, gathered block by block and built into one
    :class:`~perfcore.dataset.Dataset` at the end. Each block comes as the distinct keys
    it uses and one code per figure into each (as :func:`group_sum` returns them), so no
    Python object is made per figure; only keys some figure uses become categories."""

    def __init__(self) -> None:
        self._keys: tuple[list[str], list[str], list[Period]] = ([], [], [])
        self._codes: list[tuple[IntArray, IntArray, IntArray]] = []
        self._values: list[FloatArray] = []

    def add(self, measures: Sequence[str], measure_code: IntArray,
            organisations: Sequence[str], organisation_code: IntArray,
            periods: Sequence[Period], period_code: IntArray, value: FloatArray) -> None:
        """Figure ``i`` of the block is ``value[i]``, for measure
        ``measures[measure_code[i]]``, organisation ``organisations[organisation_code[i]]``
        and period ``periods[period_code[i]]``."""
        m, o, p = self._keys
        self._codes.append((measure_code + len(m), organisation_code + len(o),
                            period_code + len(p)))
        m.extend(measures)
        o.extend(organisations)
        p.extend(periods)
        self._values.append(value)

    def dataset(self, *, source: str) -> Dataset:
        """Every block's figures, in the order added, as one dataset."""
        m_all, o_all, p_all = ([np.concatenate(c) for c in zip(*self._codes, strict=True)]
                               or [np.zeros(0, dtype=np.int64)] * 3)
        measures, m_code = _in_use(self._keys[0], m_all)
        orgs, o_code = _in_use(self._keys[1], o_all)
        periods, p_code = _in_use(self._keys[2], p_all)
        value = np.concatenate(self._values) if self._values else np.zeros(0)
        return Dataset.from_codes(measures=measures, measure_code=m_code,
                                  organisations=orgs, organisation_code=o_code,
                                  periods=periods, period_code=p_code, value=value,
                                  sources=(source,))


def _in_use(keys: Sequence[Any], codes: IntArray) -> tuple[list[Any], IntArray]:
    """The keys ``codes`` use, and the codes renumbered into them."""
    used, inverse = np.unique(codes, return_inverse=True)
    return [keys[k] for k in used.tolist()], inverse.reshape(-1)


def check_mapped_labels(mapping: Mapping[str, str], labels: Collection[str], *, what: str,
                        file: str, allowed: Sequence[str]) -> None:
    """Raise :class:`~perfcore.errors.OptionError` if a loader's ``measures`` option
    (keyed by :func:`label_key`) maps a label not among the file's ``labels``; ``what``
    names those labels ("offence groups")."""
    unknown = [lab for lab in mapping if lab not in labels]
    if unknown:
        raise OptionError(
            reason=f"maps {', '.join(repr(u) for u in unknown)}, which "
            f"{'is' if len(unknown) == 1 else 'are'} not among the {what} in {file}",
            option="measures", value={u: mapping[u] for u in unknown}, allowed=tuple(allowed))


def warn_skipped(message: str, *, stacklevel: int = 2) -> None:
    """A :class:`~perfcore.errors.SkippedRowsWarning`; ``stacklevel`` as for
    :func:`warnings.warn`, counted from the caller (default: the caller's caller)."""
    import warnings

    from perfcore.errors import SkippedRowsWarning
    warnings.warn(message, SkippedRowsWarning, stacklevel=stacklevel + 1)
