"""Property tests for every registered loader, fed mutated copies of the shipped files.

Each example takes a file shipped with perfcore (examples/data, examples/gwent/data,
tests/data; the plugin loaders' sample files from their tests), keeps its header and a
sample of its rows, and mutates it: bad values injected into cells, columns swapped,
lines truncated, duplicated or dropped, header cells changed, random bytes replaced.
Whatever the file holds, loading it through :func:`perfcore.load_data` either gives a
Dataset or raises a :class:`~perfcore.errors.PerfcoreError`: never another exception, and
no warning but perfcore's own.

The default run uses the short hypothesis profile (tests/conftest.py); ``nox -s fuzz``
(``HYPOTHESIS_PROFILE=fuzz``) runs it at 10,000 examples.
"""

from __future__ import annotations

import csv
import io
import tempfile
import textwrap
import warnings
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from perfcore.dataset import Dataset
from perfcore.errors import PerfcoreError, PerfcoreWarning
from perfcore.io import load_data, loaders

ROOT = Path(__file__).resolve().parents[1]

# The plugin loaders ship no data files: these are the samples of their own tests
# (plugins/perfcore-victims/tests/test_victims_derived.py, plugins/perfcore-wellbeing/
# tests/test_wellbeing_derived.py).
DVDS_CASES = textwrap.dedent("""\
    organisation,requested,contacted,disclosed,reference
    Gwent,2023-01-02,2023-01-12,2023-01-30,A1
    Gwent,02/01/2023,13/01/2023,15/02/2023,A2
    Gwent,2023-01-02,,,A3
    Gwent,2023-01-20,,,A4
    Gwent,,2023-01-05,,A5
    Gwent,2023-01-10,2023-01-09,2023-01-31,A6
    Dyfed-Powys,2022-06-01,2022-06-03,2022-06-20,B1
    """)
ABSENCE_SPELLS = textwrap.dedent("""\
    organisation,person,start,days,reason
    Gwent,b,2023-04-03,1,cold
    Gwent,a,2023-05-01,10,surgery
    Gwent,b,2023-06-12,2,
    Gwent,c,2023-07-03,0.5,
    Gwent,b,2023-09-04,1,
    Gwent,d,2024-03-28,3,
    Gwent,e,,2,
    Gwent,,2023-05-02,1,
    Dyfed-Powys,x,2023-04-10,4,
    """)


def _shipped(folder: str, pattern: str, loader: str, **options: Any) -> list[tuple[Any, ...]]:
    return [(p.name, p.read_text(encoding="utf-8-sig"), loader, options)
            for p in sorted((ROOT / folder).glob(pattern))]


#: (file name, text, loader, options) for every shipped data file.
SEEDS: list[tuple[Any, ...]] = [
    *_shipped("examples/data/home-office", "prc-pfa-*.csv", "home_office_prc"),
    *_shipped("examples/data/policeuk-gwent", "*.csv", "police_uk", organisation="Gwent"),
    *_shipped("examples/data/prc-pfa", "ons_pfa_*.csv", "ons_pfa"),
    *_shipped("examples/data/prc-pfa", "gwent_published_totals.csv", "csv"),
    *_shipped("examples/gwent/data", "*-published.csv", "published"),
    *[s for s in _shipped("examples/gwent/data", "*.csv", "csv")
      if not s[0].endswith("-published.csv")],
    *_shipped("tests/data/public", "*.csv", "csv"),
    *_shipped("tests/data/police-uk", "*/*.csv", "police_uk"),
    ("dvds-cases-2023.csv", DVDS_CASES, "dvds_cases",
     {"as_of": "2023-02-01", "ignore_columns": ["reference"]}),
    ("absence-spells-2023-24.csv", ABSENCE_SPELLS, "absence_spells",
     {"ignore_columns": ["reason"]}),
]

#: Cells that have broken loaders before, or sit on an edge of one.
BAD_CELLS = ["", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309", "-5", "-0",
             "0", "1.5", "150%", "-20%", "50 %", "1,000", "1_000", "48_618", "0x10", "１２",
             "١٢", "½", "5e-324", "1e308", "abc", '"', "'", ",", "\n", "\r", "\t", "\x00",
             "\ufeff", "\u2212" + "3", "=1+2", "..", "[x]", "2019-20", "2019/20", "Q5 2019-20",
             "2020-13", "13/2020", "99999-00", "2019-2020", "Gwent", "Narnia", "W15000002",
             "all_crime", "All Crime", "x" * 300, "Ω≈ç√", "None", "null", "TRUE"]


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes, str, dict[str, Any]]:
    """A shipped file, cut to its header and a sample of its rows, then mutated."""
    name, text, loader, options = draw(st.sampled_from(SEEDS))
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[:1], rows[1:]
    if len(body) > 30:  # a sample of the rows keeps each example quick
        keep = draw(st.lists(st.integers(0, len(body) - 1), min_size=1, max_size=30,
                             unique=True))
        body = [body[i] for i in sorted(keep)]
    rows = header + body
    for _ in range(draw(st.integers(0, 4))):
        rows = _mutate_rows(draw, rows)
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    data = out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
                                 errors="replace")
    for _ in range(draw(st.integers(0, 2))):
        data = _mutate_bytes(draw, data)
    return name, data, loader, options


def _mutate_rows(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    if not rows:
        return [[draw(st.sampled_from(BAD_CELLS))]]
    kind = draw(st.sampled_from(["cell", "cell", "cell", "header", "swap", "truncate",
                                 "drop", "duplicate", "ragged", "blank"]))
    i = draw(st.integers(0, len(rows) - 1))
    row = list(rows[i])
    rows = [list(r) for r in rows]
    if kind in ("cell", "header") and row:
        i = 0 if kind == "header" else i
        row = list(rows[i])
        if row:
            j = draw(st.integers(0, len(row) - 1))
            row[j] = draw(st.one_of(st.sampled_from(BAD_CELLS), st.text(max_size=8)))
        rows[i] = row
    elif kind == "swap" and len(rows[0]) > 1:
        a, b = draw(st.lists(st.integers(0, len(rows[0]) - 1), min_size=2, max_size=2,
                             unique=True))
        for r in rows:
            if len(r) > max(a, b):
                r[a], r[b] = r[b], r[a]
    elif kind == "truncate" and row:
        rows[i] = row[:draw(st.integers(0, len(row) - 1))]
    elif kind == "drop":
        del rows[i]
    elif kind == "duplicate":
        rows.insert(i, row)
    elif kind == "ragged":
        rows[i] = [*row, draw(st.sampled_from(BAD_CELLS))]
    elif kind == "blank":
        rows.insert(i, [])
    return rows


def _mutate_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    kind = draw(st.sampled_from(["replace", "cut", "insert"]))
    if kind == "cut":  # the file ends early, mid-line
        return data[:at]
    byte = draw(st.one_of(st.sampled_from([b"\x00", b"\xff", b'"', b",", b"\n", b"\r",
                                           b"\xe2\x88\x92", b"\xef\xbb\xbf"]),
                          st.binary(min_size=1, max_size=2)))
    return data[:at] + byte + data[at + (kind == "replace"):]


#: Loaders of binary or in-memory inputs, not fuzzed here (no CSV to mutate).
NOT_CSV = {"parquet", "records"}


def test_every_loader_has_a_seed() -> None:
    assert {s.name for s in loaders()} - NOT_CSV <= {s[2] for s in SEEDS}


@given(mutated_files())
def test_loaders_answer_bad_files_with_perfcore_errors(case: tuple[Any, ...]) -> None:
    name, data, loader, options = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.simplefilter("ignore", PerfcoreWarning)
            try:
                result = load_data(path, loader=loader, progress=False, **options)
            except PerfcoreError:
                return
    assert isinstance(result, Dataset)
