"""The ``csv`` loader (perfcore's long format) and the ``published`` loader."""

from __future__ import annotations

import csv
import math
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.dataset import Dataset, PublishedFigure
from perfcore.errors import (
    DataFileError,
    DataValidationError,
    DuplicateObservationError,
)
from perfcore.io.long_csv import load_long_csv
from perfcore.io.published import load_published
from perfcore.periods import FinancialYear, Month

SEED_001 = """\
measure,organisation,period,value,source
all_crime,Gwent,2018-19,58577,seed 001
all_crime,Gwent,2019-20,57116,seed 001
all_crime,Gwent,2020-21,48618,seed 001
all_crime_outcome_rate,Gwent,2018-19,11.4%,seed 001
all_crime_outcome_rate,Gwent,2019-20,11.8%,seed 001
all_crime_outcome_rate,Gwent,2020-21,15.9%,seed 001
"""


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_seed_001_figures_load_as_published(tmp_path: Path) -> None:
    # Seed 001's comparison table: all crime 58,577 / 57,116 / 48,618 and outcome rates
    # 11.4% / 11.8% / 15.9% (proportions are held as fractions).
    ds = load_long_csv(write(tmp_path, SEED_001))
    assert ds.measures == ("all_crime", "all_crime_outcome_rate")
    assert ds.organisations == ("W15000002",)  # Gwent's ONS code
    assert ds.periods == (FinancialYear(2018), FinancialYear(2019), FinancialYear(2020))
    assert ds.cube("value", measures=["all_crime"]).ravel().tolist() == [58577, 57116, 48618]
    assert ds.cube("value", measures=["all_crime_outcome_rate"]).ravel().tolist() == [
        0.114, 0.118, 0.159]  # exactly the doubles nearest 0.114 ..., not 11.4 / 100
    assert ds.sources == ("seed 001",)


def test_optional_columns_blank_cells_and_published_spellings(tmp_path: Path) -> None:
    text = ("Measure,Organisation,Period,Value,Numerator,Denominator,Sample size,Population\n"
            'all_crime,W15000002,2019/20,"57,116",,,,\n'
            "outcome_rate,Gwent,Q3 2021-22,,170,220,,\n"
            "satisfaction,Gwent,2020-06,85%,,,412,\n"
            "crime_rate,Gwent,2020,..,48618,,,591200\n"
            "debt,Gwent,2020,\u22121.5,,,,\n")
    ds = load_long_csv(write(tmp_path, text))
    recs = {r["measure"]: r for r in ds.to_records()}
    assert recs["all_crime"]["value"] == 57116
    assert recs["outcome_rate"] == {"measure": "outcome_rate", "organisation": "W15000002",
                                    "period": "Q3 2021-22", "numerator": 170.0,
                                    "denominator": 220.0, "source": "data.csv"}
    assert recs["satisfaction"]["value"] == 0.85
    assert recs["satisfaction"]["sample_size"] == 412
    assert "value" not in recs["crime_rate"]  # ".." is "not available", kept as NaN
    assert recs["crime_rate"]["population"] == 591200
    assert recs["debt"]["value"] == -1.5  # a Unicode minus, as publications print it
    assert recs["satisfaction"]["period"] == str(Month(2020, 6))


def test_every_bad_cell_is_listed_with_row_and_column(tmp_path: Path) -> None:
    text = ("measure,organisation,period,value,numerator\n"
            "all_crime,Gwent,2018-19,58577,\n"        # row 2: fine
            "all_crime,Gwent,2019-20,57l16,\n"        # row 3: letter l for a one
            "\n"                                      # row 4: blank, not data
            "All Crime,Gwnet,2020-21,48618,\n"        # row 5: bad id, misspelt force
            "all_crime,Gwent,2021-2x,1,2%\n"          # row 6: bad period, % numerator
            "all_crime,Gwnet,2022-23,inf,\n")         # row 7: same force again, infinite
    with pytest.raises(DataValidationError) as info:
        load_long_csv(write(tmp_path, text))
    err = info.value
    found = {(p.row, p.column) for p in err.problems}
    assert found == {(3, "value"), (5, "measure"), (5, "organisation"), (6, "period"),
                     (6, "numerator"), (7, "value")}
    gwnet = next(p for p in err.problems if p.column == "organisation")
    assert gwnet.rows == (5, 7)  # one problem for the misspelling, naming every row
    assert "did you mean 'Gwent'" in gwnet.message
    value = next(p for p in err.problems if p.row == 3)
    assert (value.measure, value.organisation, value.period) == ("all_crime", "Gwent",
                                                                  "2019-20")
    text_ = str(err)
    assert text_.startswith(f"6 problems in data file {tmp_path / 'data.csv'}:")
    assert "row 3, column 'value': '57l16' is not a number (measure 'all_crime'" in text_
    assert "perhaps 'all_crime'" in text_
    # Problems are listed top to bottom, as the file reads.
    assert [p.row for p in err.problems] == sorted(p.row for p in err.problems)
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == err.problems


def test_message_is_capped_but_every_problem_is_kept(tmp_path: Path) -> None:
    rows = "".join(f"m,Gwent,{2000 + i}/{(i + 1) % 100:02d},bad{i}\n" for i in range(30))
    with pytest.raises(DataValidationError) as info:
        load_long_csv(write(tmp_path, "measure,organisation,period,value\n" + rows))
    assert len(info.value.problems) == 30
    assert "... and 10 more" in str(info.value)
    assert str(info.value).count("is not a number") == 20


def test_header_problems_are_listed_together(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as info:
        load_long_csv(write(tmp_path, "measure,period,value,numerater,notes\nx,2020,1,2,a\n"))
    text = str(info.value)
    assert "missing required column organisation" in text
    assert "unknown columns 'numerater', 'notes'" in text
    assert "ignore_columns" in text


def test_ignore_and_rename_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "Force,measure,period,value,notes\nGwent,x,2020,1,checked\n")
    ds = load_long_csv(path, columns={"Force": "organisation"}, ignore_columns=["notes"])
    assert ds.to_records() == [{"measure": "x", "organisation": "W15000002", "period": "2020",
                                "value": 1.0, "source": "data.csv"}]


def test_registry_false_keeps_names_as_written(tmp_path: Path) -> None:
    ds = load_long_csv(write(tmp_path, "measure,organisation,period,value\nx,Newport BCU,2020,1\n"),
                       registry=False)
    assert ds.organisations == ("Newport BCU",)


def test_ragged_rows_and_no_figure_columns(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as info:
        load_long_csv(write(tmp_path, "measure,organisation,period,value\nx,Gwent,2020\n"
                                      "x,Gwent,2021,1,2\n"))
    assert [(p.row, p.message[:7]) for p in info.value.problems] == [(2, "has 3 c"),
                                                                      (3, "has 5 c")]
    with pytest.raises(DataValidationError, match="no figure columns"):
        load_long_csv(write(tmp_path, "measure,organisation,period\nx,Gwent,2020\n"))


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="the file is empty"):
        load_long_csv(write(tmp_path, ""))
    with pytest.raises(DataValidationError, match="no data rows"):
        load_long_csv(write(tmp_path, "measure,organisation,period,value\n"))


def test_duplicate_keys_name_both_spreadsheet_rows(tmp_path: Path) -> None:
    # "Gwent" and "W15000002", "2018-19" and "2018/19" are the same key.
    text = ("measure,organisation,period,value\nall_crime,Gwent,2018-19,1\n\n"
            "all_crime,Gwent,2019-20,2\nall_crime,W15000002,2018/19,3\n")
    with pytest.raises(DuplicateObservationError) as info:
        load_long_csv(write(tmp_path, text))
    assert info.value.rows == (2, 5)  # the blank row 3 still counts as a row
    assert "on rows 2 and 5" in str(info.value)


def test_ambiguous_period_and_prefer(tmp_path: Path) -> None:
    path = write(tmp_path, "measure,organisation,period,value\nx,Gwent,2011-12,1\n")
    with pytest.raises(DataValidationError, match="ambiguous"):
        load_long_csv(path)
    assert load_long_csv(path, prefer="financial_year").periods == (FinancialYear(2011),)
    assert load_long_csv(path, prefer="month").periods == (Month(2011, 12),)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read data file"):
        load_long_csv(tmp_path / "missing.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes("measure,organisation,period,value,source\nx,Gwent,2020,1,\xa3\n"
                     .encode("cp1252"))
    with pytest.raises(DataFileError, match="encoding='cp1252'"):
        load_long_csv(path)
    assert load_long_csv(path, encoding="cp1252").sources == ("£",)


_IDS = st.sampled_from(["all_crime", "outcome_rate", "victims.satisfaction", "x1"])
_ORGS = st.sampled_from(["W15000002", "W15000003", "E23000001", "K04000001"])
_PERIODS = st.sampled_from(["2019-20", "2020-21", "Q1 2020-21", "2020-06", "2021",
                            "12 months to June 2020"])
_NUMBER = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False,
                                         min_value=-1e12, max_value=1e12))
_COUNT = st.one_of(st.none(), st.floats(min_value=0, max_value=1e12))
_POSITIVE = st.one_of(st.none(), st.floats(min_value=0, max_value=1e12, exclude_min=True))


def _valid(numbers: tuple[float | None, ...]) -> tuple[float | None, ...]:
    # The fields keep the Dataset's rules: a numerator at most its denominator.
    value, numerator, denominator, *rest = numbers
    if numerator is not None and denominator is not None and numerator > denominator:
        numerator, denominator = denominator, numerator
    return (value, numerator, denominator, *rest)


_FIGURES = st.tuples(_NUMBER, _COUNT, _POSITIVE, _POSITIVE, _POSITIVE).map(_valid)


@given(rows=st.dictionaries(st.tuples(_IDS, _ORGS, _PERIODS),
                            st.tuples(_FIGURES,
                                      st.sampled_from(["", "seed 001", "ONS, table P1"])),
                            min_size=1, max_size=25))
def test_round_trip_through_the_long_format(tmp_path_factory: pytest.TempPathFactory,
                                            rows: dict[tuple[str, str, str], tuple]) -> None:
    path = tmp_path_factory.mktemp("rt") / "data.csv"
    fields = ("value", "numerator", "denominator", "sample_size", "population")
    records = []
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["measure", "organisation", "period", *fields, "source"])
        for (m, o, p), (numbers, source) in rows.items():
            w.writerow([m, o, p, *("" if v is None else repr(v) for v in numbers), source])
            rec = {"measure": m, "organisation": o, "period": p, "source": source or "data.csv"}
            rec.update({k: v for k, v in zip(fields, numbers, strict=True) if v is not None})
            records.append(rec)
    loaded = load_long_csv(path)
    assert loaded == Dataset.from_records(records)
    # And back out: to_records gives what was written (floats exactly, via repr).
    again = {(r["measure"], r["organisation"], r["period"]): r for r in loaded.to_records()}
    for rec in records:
        got = again[(rec["measure"], rec["organisation"], str(Dataset.from_records([rec])
                                                               .periods[0]))]
        for k in fields:
            assert (k in got) == (k in rec)
            if k in rec:
                assert got[k] == rec[k] or (math.isnan(got[k]) and math.isnan(rec[k]))


# --- published ------------------------------------------------------------------------

PUBLISHED_001 = """\
measure,group,period,figure,value,source
all_crime,Gwent MSG,2020-21,pct_change,\u221214.1%,seed 001
all_crime,England and Wales,2020-21,pct_change,-14.1,seed 001
all_crime_outcome_rate,msg_W15000002,2020-21,value,15.0%,seed 001
all_crime_outcome_rate,E&W,2020-21,value,0.143,seed 001
"""


def test_published_figures_of_seed_001(tmp_path: Path) -> None:
    # Seed 001: MSG change -14.1%, E&W change -14.1%; MSG SR 15.0%, E&W SR 14.3%.
    ds = load_published(write(tmp_path, PUBLISHED_001, "published.csv"))
    assert len(ds) == 0
    assert set(ds.published) == {
        PublishedFigure(measure="all_crime", group="msg_W15000002", period="2020-21",
                        figure="pct_change", value=-14.1, source="seed 001"),
        PublishedFigure(measure="all_crime", group="K04000001", period="2020-21",
                        figure="pct_change", value=-14.1, source="seed 001"),
        PublishedFigure(measure="all_crime_outcome_rate", group="msg_W15000002",
                        period="2020-21", figure="value", value=0.15, source="seed 001"),
        PublishedFigure(measure="all_crime_outcome_rate", group="K04000001",
                        period="2020-21", figure="value", value=0.143, source="seed 001"),
    }
    # The MSG id is the one ComparatorGroup.msg gives Gwent's MSG.
    from perfcore.organisations import ComparatorGroup
    assert ComparatorGroup.msg("Gwent", ["South Wales"], version="x").id == "msg_W15000002"
    observations = load_long_csv(write(tmp_path, SEED_001))
    both = Dataset.concat([observations, ds])
    assert both.published_figure("all_crime", "K04000001", "2020-21",
                                 "pct_change").value == -14.1  # type: ignore[union-attr]
    assert len(both) == 6


def test_published_problems_are_listed_together(tmp_path: Path) -> None:
    text = ("measure,group,period,figure,value\n"
            "all_crime,Gwnt MSG,2020-21,pct_change,-14.1\n"
            "all_crime,Englnd and Wales,2020-21,change,-14.1\n"
            "all_crime,England and Wales,2020-21,pct_change,\n"
            "all_crime,K04000001,2020-21,pct_change,-14\n"
            "all_crime,my_peers,2020-21,rank,5\n")
    with pytest.raises(DataValidationError) as info:
        load_published(write(tmp_path, text, "published.csv"))
    by_row = {(p.row, p.column): p.message for p in info.value.problems}
    assert set(by_row) == {(2, "group"), (3, "group"), (3, "figure"), (4, "value"),
                           (5, "figure")}
    assert "did you mean 'Gwent'" in by_row[(2, "group")]
    assert by_row[(5, "figure")] == "the same figure is given again (first on row 4)"


def test_conflicting_published_figures_across_files(tmp_path: Path) -> None:
    a = load_published(write(tmp_path, PUBLISHED_001, "a-published.csv"))
    b = load_published(write(tmp_path, PUBLISHED_001.replace("0.143", "0.150"),
                             "b-published.csv"))
    assert len(Dataset.concat([a, a]).published) == 4  # the same figure twice: kept once
    with pytest.raises(DuplicateObservationError, match=r"0\.143 \(seed 001\) and 0\.15"):
        Dataset.concat([a, b])


def test_dataset_from_codes_matches_from_columns() -> None:
    # Loaders hand over keys already factorised; two spellings resolved to one code merge.
    ds = Dataset.from_codes(
        measures=["b", "a"], measure_code=[0, 1, 1],
        organisations=["W15000002", "W15000002"], organisation_code=[0, 1, 0],
        periods=[FinancialYear(2020), FinancialYear(2019)], period_code=[0, 0, 1],
        value=[1.0, 2.0, 3.0], sources=["x", "y"], source_code=[0, 1, 1])
    assert ds == Dataset.from_columns(measure=["b", "a", "a"], organisation=["Gwent"] * 3,
                                      period=["2020-21", "2020-21", "2019-20"],
                                      value=[1, 2, 3], source=["x", "y", "y"])
    assert ds.measures == ("a", "b") and ds.organisations == ("W15000002",)
    with pytest.raises(DuplicateObservationError) as info:
        Dataset.from_codes(measures=["a"], measure_code=[0, 0], organisations=["G", "G"],
                           organisation_code=[0, 1], periods=[FinancialYear(2020)],
                           period_code=[0, 0])
    assert info.value.rows == (0, 1)


def test_seed_001_table_from_csv_files(tmp_path: Path) -> None:
    # The two files of seed 001 (Gwent's own figures and the published MSG and E&W
    # figures) loaded and evaluated give the seed's comparison columns.
    import sys

    from perfcore.io import load_data
    from perfcore.organisations import default_registry
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    try:
        import seed001_plan as seed
    finally:
        sys.path.pop(0)
    from perfcore.evaluation import evaluate
    ds = load_data([write(tmp_path, SEED_001, "gwent.csv"),
                    write(tmp_path, PUBLISHED_001, "published.csv")])
    ev = evaluate(seed.PLAN, ds, period="2020-21", organisation="Gwent",
                  compare_with=[seed.MSG, default_registry().group("England and Wales")])
    msg, ew = ev.comparisons["msg"], ev.comparisons["K04000001"]
    assert round(float(ev.change.value[0, 0]), 1) == -14.9  # (48618 - 57116) / 57116
    assert float(msg.change[0, 0]) == -14.1 and float(ew.change[0, 0]) == -14.1
    assert float(msg.value[1, 0]) == 0.150 and float(ew.value[1, 0]) == 0.143
