"""perfcore.io.records: reading record-level files for plugin loaders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from perfcore.errors import DataValidationError, OptionError, SkippedRowsWarning
from perfcore.io.records import read_records

SPELLS = """\
Organisation,Person,Start,Days
Gwent,p1,2023-03-31,2
Gwent Police,p1,01/04/2023,3.5
Dyfed-Powys,p2,2023-07-15T09:30,1

Gwent,p3,,4
"""


def _file(tmp_path: Path, text: str = SPELLS) -> Path:
    path = tmp_path / "absence-spells.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_are_parsed_and_organisations_resolved(tmp_path: Path) -> None:
    recs = read_records(_file(tmp_path), dates=["start"], numbers=["days"], text=["person"],
                        columns={"Organisation": "organisation"}, registry=None)
    assert len(recs) == 4
    # The blank line keeps the spreadsheet numbering of the rows after it.
    assert recs.rows.tolist() == [2, 3, 4, 6]
    assert recs.organisations == ("W15000002", "W15000004")
    assert recs.organisation_code.tolist() == [0, 0, 1, 0]
    assert recs.dates["start"].tolist()[:3] == [np.datetime64("2023-03-31", "D").item(),
                                                np.datetime64("2023-04-01", "D").item(),
                                                np.datetime64("2023-07-15", "D").item()]
    assert np.isnat(recs.dates["start"][3])
    assert recs.numbers["days"].tolist() == [2.0, 3.5, 1.0, 4.0]
    assert recs.text["person"] == ("p1", "p1", "p2", "p3")


@pytest.mark.parametrize(("period", "expected"), [
    ("financial_year", (["2022-23", "2023-24"], [0, 1, 1, -1])),
    ("quarter", (["Q4 2022-23", "Q1 2023-24", "Q2 2023-24"], [0, 1, 2, -1])),
    ("month", (["2023-03", "2023-04", "2023-07"], [0, 1, 2, -1])),
    ("calendar_year", (["2023"], [0, 0, 0, -1])),
])
def test_dates_are_counted_into_periods(tmp_path: Path, period: str,
                                        expected: tuple[list[str], list[int]]) -> None:
    recs = read_records(_file(tmp_path), dates=["start"], numbers=["days"], text=["person"])
    periods, codes = recs.periods("start", period=period)  # type: ignore[arg-type]
    assert ([str(p) for p in periods], codes.tolist()) == expected
    cells = recs.cells(codes, len(periods))
    assert cells[3] == -1
    assert cells[2] == 1 * len(periods) + codes[2]  # Dyfed-Powys is organisation 1
    with pytest.raises(OptionError, match="'financial_year', 'quarter'"):
        recs.periods("start", period="week")  # type: ignore[arg-type]


def test_left_out_rows_are_reported_with_counts(tmp_path: Path) -> None:
    recs = read_records(_file(tmp_path), dates=["start"], numbers=["days"], text=["person"])
    with pytest.warns(SkippedRowsWarning, match=r"^absence-spells.csv: 1 row left out: "
                      r"no start date \(row 6\)$"):
        recs.skip(np.isnat(recs.dates["start"]), "no start date")
    recs.skip(np.zeros(len(recs), dtype=bool), "nothing")  # no rows, no warning


def test_every_bad_cell_is_listed(tmp_path: Path) -> None:
    path = _file(tmp_path, "organisation,person,start,days\nGwent,p1,31/02/2023,x\n"
                           "Nowhere,p2,2023-01-01,1\n")
    with pytest.raises(DataValidationError) as info:
        read_records(path, dates=["start"], numbers=["days"], text=["person"])
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 3
    assert "absence-spells.csv, row 2, column 'start': '31/02/2023' is not a date" \
        in problems[0]
    assert "column 'days': 'x' is not a number" in problems[1]
    assert "row 3, column 'organisation'" in problems[2]
    with pytest.raises(DataValidationError, match="missing required column days"):
        read_records(_file(tmp_path, "organisation,start\nGwent,2023-01-01\n"),
                     dates=["start"], numbers=["days"])
    # Optional columns may be absent.
    recs = read_records(_file(tmp_path, "organisation,start\nGwent,2023-01-01\n"),
                        dates=["start"], numbers=["days"], optional=["days"])
    assert "days" not in recs.numbers
