"""pandas interop: from_dataframe / to_dataframe round trips and validation."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.dataset import Dataset, PublishedFigure
from perfcore.errors import DataValidationError, MissingDependencyError
from perfcore.io.ons_pfa import load_ons_pfa

pd = pytest.importorskip("pandas")

from perfcore.io.pandas import (  # noqa: E402  (after the skip: pandas is optional)
    from_dataframe,
    published_to_dataframe,
    to_dataframe,
)

ROOT = Path(__file__).resolve().parents[1]

SEED_001 = Dataset.from_records(
    [{"measure": "all_crime", "organisation": "Gwent", "period": p, "value": v,
      "source": "seed 001"}
     for p, v in (("2018-19", 58577), ("2019-20", 57116), ("2020-21", 48618))]
    + [{"measure": "all_crime_outcome_rate", "organisation": "Gwent", "period": "2020-21",
        "numerator": 159.0, "denominator": 1000.0}],
    published=[PublishedFigure(measure="all_crime", group="K04000001", period="2020-21",
                               figure="pct_change", value=-14.1, source="seed 001")])


def test_to_dataframe_columns_and_types() -> None:
    df = to_dataframe(SEED_001)
    assert list(df.columns) == ["measure", "organisation", "period", "value", "numerator",
                                "denominator", "sample_size", "population", "sd", "source"]
    assert df["value"].dtype == np.float64
    assert df.loc[df["period"] == "2019-20", "value"].item() == 57116
    # Periods sort in time order, not alphabetically.
    assert df["period"].cat.ordered
    assert df.sort_values("period")["period"].iloc[0] == "2018-19"
    pub = published_to_dataframe(SEED_001)
    assert pub.to_dict("records") == [{"measure": "all_crime", "group": "K04000001",
                                       "period": "2020-21", "figure": "pct_change",
                                       "value": -14.1, "source": "seed 001"}]


def test_round_trip_with_published_figures() -> None:
    back = from_dataframe(to_dataframe(SEED_001), published=published_to_dataframe(SEED_001))
    assert back == SEED_001
    assert from_dataframe(to_dataframe(SEED_001), published=SEED_001.published) == SEED_001


def test_round_trip_of_the_ons_tables() -> None:
    ds = load_ons_pfa(ROOT / "examples/data/prc-pfa/ons_pfa_p1_offences.csv")
    df = to_dataframe(ds)
    assert len(df) == 4400
    gwent = df[(df["organisation"] == "W15000002") & (df["measure"] == "all_crime")
               & (df["period"] == "2018-19")]
    assert gwent["value"].item() == 58536  # ONS Table P1, year ending March 2019
    assert from_dataframe(df) == ds


_ROWS = st.lists(st.tuples(
    st.sampled_from(["all_crime", "victims.satisfaction", "outcome_rate"]),
    st.sampled_from(["Gwent", "South Wales", "W15000004", "England and Wales"]),
    st.sampled_from(["2019-20", "2020-21", "Q2 2020-21", "2020-06"]),
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    st.one_of(st.none(), st.integers(0, 10**7)),
), min_size=1, max_size=30, unique_by=lambda r: (r[0], r[1], r[2]))


@given(rows=_ROWS)
def test_round_trip_property(rows: list[tuple]) -> None:
    records = [{"measure": m, "organisation": o, "period": p,
                **({"value": v} if v is not None else {}),
                **({"population": float(n)} if n is not None else {})}
               for m, o, p, v, n in rows]
    try:
        ds = Dataset.from_records(records)
    except Exception:  # "South Wales" and "W15000003" etc. may collide: not this test's job
        return
    assert from_dataframe(to_dataframe(ds)) == ds


def test_text_numbers_datetimes_renames_and_problems() -> None:
    df = pd.DataFrame({
        "metric": ["all_crime", "all_crime", "rate"],
        "force": ["Gwent", "Gwent", "Gwent"],
        "period": pd.to_datetime(["2020-04-01", "2020-05-31", "2020-06-15"]),
        "value": ["1,234", 5, "15.9%"],
    })
    ds = from_dataframe(df, columns={"metric": "measure", "force": "organisation"})
    assert [r["period"] for r in ds.to_records()] == ["2020-04", "2020-05", "2020-06"]
    assert ds.cube("value", measures=["rate"], periods=["2020-06"]).item() == 0.159
    monthly = pd.DataFrame({"measure": ["x", "x"], "organisation": ["Gwent", "Gwent"],
                            "period": pd.period_range("2020-01", periods=2, freq="M"),
                            "value": [1, 2]})
    assert [r["period"] for r in from_dataframe(monthly).to_records()] == ["2020-01",
                                                                            "2020-02"]
    bad = pd.DataFrame({"measure": ["x", "x", "Bad Id"], "organisation": ["Gwent", "Gwnt", "Gwent"],
                        "period": ["2020-21", "2021-22", "2022-2x"],
                        "value": [1.0, np.inf, 3.0], "extra": [1, 2, 3]})
    with pytest.raises(DataValidationError, match="unknown column 'extra'"):
        from_dataframe(bad)
    with pytest.raises(DataValidationError) as info:
        from_dataframe(bad, ignore_columns=["extra"])
    assert {(p.row, p.column) for p in info.value.problems} == {
        (1, "organisation"), (1, "value"), (2, "measure"), (2, "period")}
    assert str(info.value).startswith("4 problems in the DataFrame (rows are iloc positions")


def test_missing_pandas_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'perfcore\[pandas\]'") as e:
        to_dataframe(SEED_001)
    assert isinstance(e.value, ImportError)
    assert e.value.extra == "pandas"
