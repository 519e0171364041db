"""Periods: every spelling found in the seed documents, arithmetic across year ends, and
hypothesis properties (format∘parse is identity, previous∘next is identity, total order)."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.errors import PeriodError
from perfcore.periods import (
    CalendarYear,
    FinancialQuarter,
    FinancialYear,
    Month,
    MonthRange,
    Period,
    Rolling,
    month_index,
    parse_period,
    periods_covering,
)

# Spellings as they appear in the seed documents (tests/data/seeds, file noted), and what
# they mean.
SEED_SPELLINGS = [
    ("2019-20", FinancialYear(2019)),  # seed 001 table header
    ("2020-21", FinancialYear(2020)),  # seed 001
    ("2020/21", FinancialYear(2020)),  # seed 001 title "Delivery Plan 2020/21"
    ("2013/14", FinancialYear(2013)),  # seed 002
    ("2019-2020", FinancialYear(2019)),  # seed 003
    ("2019/2020", FinancialYear(2019)),  # seed 003
    ("FY2019/20", FinancialYear(2019)),  # issue text
    ("Q3 2021-22", FinancialQuarter(2021, 3)),  # seed 000: "Q3 Performance Report January 2022"
    ("March 2022", Month(2022, 3)),  # seed 000
    ("June 2020", Month(2020, 6)),  # seed 000 "2.5% in June 2020"
    ("Year to Dec 2019", Rolling(Month(2019, 12))),  # seed 003 CSEW table
    ("Year to March 2020", Rolling(Month(2020, 3))),  # seed 003 CSEW table
    ("12 months to April 2020", Rolling(Month(2020, 4))),  # seed 003
    ("12 months to June 2020", Rolling(Month(2020, 6))),  # DOMAIN.md
    ("April 2013 – January 2014", MonthRange(Month(2013, 4), Month(2014, 1))),  # seed 002
    ("December 2013", Month(2013, 12)),  # seed 002 "December 2012 vs December 2013"
]


@pytest.mark.parametrize(("text", "expected"), SEED_SPELLINGS)
def test_seed_spellings(text: str, expected: Period) -> None:
    assert parse_period(text) == expected
    assert parse_period(str(expected)) == expected


def test_canonical_formats() -> None:
    assert str(FinancialYear(2019)) == "2019-20"
    assert str(FinancialYear(1999)) == "1999-00"
    assert str(FinancialQuarter(2021, 3)) == "Q3 2021-22"
    assert str(Month(2020, 6)) == "2020-06"
    assert str(CalendarYear(2020)) == "2020"
    assert str(Rolling(Month(2020, 6))) == "12 months to June 2020"
    assert FinancialQuarter(2021, 3).label() == "Q3 2021-22 (October–December 2021)"
    assert Rolling(Month(2020, 6)).label() == "12 months to June 2020 (July 2019 – June 2020)"


def test_financial_year_spans_april_to_march() -> None:
    fy = FinancialYear(2019)
    assert fy.start == dt.date(2019, 4, 1)
    assert fy.end == dt.date(2020, 3, 31)
    assert [str(m) for m in fy.months()][:2] == ["2019-04", "2019-05"]
    assert str(fy.months()[-1]) == "2020-03"
    assert len(fy.months()) == 12


def test_q4_is_january_to_march_of_the_following_calendar_year() -> None:
    q4 = FinancialQuarter(2021, 4)
    assert q4.months() == (Month(2022, 1), Month(2022, 2), Month(2022, 3))
    assert q4.start == dt.date(2022, 1, 1) and q4.end == dt.date(2022, 3, 31)
    assert FinancialQuarter.containing(Month(2022, 2)) == q4
    assert FinancialQuarter.containing(Month(2021, 4)) == FinancialQuarter(2021, 1)
    assert FinancialYear.containing(Month(2022, 3)) == FinancialYear(2021)
    assert FinancialYear.containing(dt.date(2022, 4, 1)) == FinancialYear(2022)


def test_arithmetic_across_year_ends() -> None:
    assert Month(2019, 12).next() == Month(2020, 1)
    assert Month(2020, 1).previous() == Month(2019, 12)
    assert FinancialQuarter(2021, 4).next() == FinancialQuarter(2022, 1)
    assert FinancialQuarter(2022, 1).previous() == FinancialQuarter(2021, 4)
    assert FinancialYear(2020).previous() == FinancialYear(2019)
    assert FinancialQuarter(2021, 3).same_period_last_year() == FinancialQuarter(2020, 3)
    # "12 months to June 2020" compared with "12 months to June 2019" (DOMAIN.md)
    assert Rolling(Month(2020, 6)).same_period_last_year() == Rolling(Month(2019, 6))
    assert Rolling(Month(2020, 6)).previous() == Rolling(Month(2019, 6))
    assert Month(2020, 2).same_period_last_year() == Month(2019, 2)


def test_rolling_window_months() -> None:
    r = Rolling(Month(2020, 3))
    assert r.months() == FinancialYear(2019).months()
    assert r != FinancialYear(2019)  # same months, different kind of period
    assert r.contains(FinancialQuarter(2019, 4))
    assert not r.contains(FinancialQuarter(2020, 1))
    assert Rolling(Month(2020, 3), 3).months() == FinancialQuarter(2019, 4).months()


def test_periods_covering_groups_monthly_data() -> None:
    months = [Month(2020, m) for m in range(1, 13)]
    assert periods_covering(months, FinancialYear) == (FinancialYear(2019), FinancialYear(2020))
    assert [str(q) for q in periods_covering(months, FinancialQuarter)] == [
        "Q4 2019-20", "Q1 2020-21", "Q2 2020-21", "Q3 2020-21"]


def test_month_index_slices_monthly_arrays() -> None:
    fy = FinancialYear(2020)
    assert fy.month_indices() == range(month_index(2020, 4), month_index(2021, 3) + 1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2011-12", "ambiguous"),  # December 2011 or financial year 2011-12?
        ("2023-25", "multi-year"),  # seed 004's plan span is not one period
        ("2019-21", "second year must follow"),
        ("Q5 2020-21", "accepted forms"),
        ("19/20", "accepted forms"),
        ("2020-13", "not a financial year"),
        ("Smarch 2020", "accepted forms"),
        ("", "accepted forms"),
    ],
)
def test_invalid_spellings_raise_period_error(text: str, fragment: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert fragment in str(info.value)
    assert info.value.text == text
    assert any("financial year" in form for form in info.value.accepted)


def test_ambiguous_spelling_resolved_by_prefer() -> None:
    assert parse_period("2011-12", prefer="month") == Month(2011, 12)
    assert parse_period("2011-12", prefer=FinancialYear) == FinancialYear(2011)
    assert Month.parse("2011-12") == Month(2011, 12)
    assert FinancialYear.parse("2011-12") == FinancialYear(2011)


def test_kind_specific_parse_rejects_other_kinds() -> None:
    with pytest.raises(PeriodError, match="is a Month, not a FinancialYear"):
        FinancialYear.parse("2020-06")


def test_bad_shift_and_bad_construction() -> None:
    with pytest.raises(PeriodError):
        FinancialYear(2019).shift(3)
    with pytest.raises(PeriodError):
        Month(2020, 13)
    with pytest.raises(PeriodError):
        FinancialQuarter(2020, 0)
    with pytest.raises(PeriodError):
        MonthRange(Month(2020, 5), Month(2020, 1))


def test_periods_pickle_and_hash() -> None:
    ps = [FinancialYear(2019), FinancialQuarter(2019, 2), Month(2019, 5), CalendarYear(2019),
          Rolling(Month(2019, 6)), MonthRange(Month(2019, 1), Month(2019, 4))]
    assert pickle.loads(pickle.dumps(ps)) == ps
    assert len(set(ps + ps)) == len(ps)


# --- properties ---------------------------------------------------------------------------

years = st.integers(1990, 2100)
months_st = st.builds(Month, years, st.integers(1, 12))
periods = st.one_of(
    st.builds(FinancialYear, years),
    st.builds(FinancialQuarter, years, st.integers(1, 4)),
    months_st,
    st.builds(CalendarYear, years),
    st.builds(Rolling, months_st, st.sampled_from([3, 6, 12, 24])),
    st.builds(lambda m, n: MonthRange(m, m.shift(n)), months_st, st.integers(0, 30)),
)


@given(periods)
def test_format_then_parse_is_identity(p: Period) -> None:
    kind = type(p) if isinstance(p, (Month, FinancialYear)) else None
    assert parse_period(str(p), prefer=kind) == p


@given(periods)
def test_previous_of_next_is_identity(p: Period) -> None:
    assert p.next().previous() == p
    assert p.previous().next() == p
    assert p.next().first == p.last + 1


@given(periods, periods, periods)
def test_ordering_is_total(a: Period, b: Period, c: Period) -> None:
    assert sum([a < b, a == b, b < a]) == 1
    if a <= b and b <= c:
        assert a <= c
    assert sorted([a, b, c]) == sorted([c, b, a])


@given(periods)
def test_months_are_contiguous(p: Period) -> None:
    ms = p.months()
    assert len(ms) == p.length
    assert all(b == a.next() for a, b in itertools.pairwise(ms))
    assert ms[0].start == p.start and ms[-1].end == p.end
