"""Reporting periods as police performance reports speak of them.

Financial years (1 April – 31 March, ``2019-20``), quarters of the financial year
(``Q3 2021-22`` = October–December 2021), calendar months (``2020-06``), calendar years
(``2020``), rolling windows ("12 months to June 2020", "year to March 2020") and explicit
month ranges ("April 2013 – January 2014").

Every period is a frozen value covering a contiguous run of whole months. A month is
identified internally by its *month index* ``year * 12 + (month - 1)``, which makes
period arithmetic and aggregation of monthly data plain integer work.

Parse with :func:`parse_period` (any spelling) or ``Kind.parse`` (one kind only); format
with ``str(period)`` (the canonical spelling, which parses back to the same period).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
from collections.abc import Iterable
from typing import ClassVar, Literal

import attrs

from perfcore.errors import OptionError, PeriodError
from perfcore.i18n import N_, translator

__all__ = [
    "CalendarYear",
    "FinancialQuarter",
    "FinancialYear",
    "Month",
    "MonthRange",
    "Period",
    "Rolling",
    "month_index",
    "parse_period",
]

#: English month names (never the process locale's), marked for the catalogue.
MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
          N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
          N_("December"))
_MONTH_NAMES = {name.lower(): i for i, name in enumerate(MONTHS, start=1)}
_MONTH_ABBR = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH_ABBR["sept"] = 9
_MONTHS_RE = "|".join(sorted((*_MONTH_NAMES, *_MONTH_ABBR), key=len, reverse=True))

ACCEPTED_FORMS = (
    "financial year: 2019-20, 2019/20, FY2019/20, FY 2019-20, 2019-2020, FY19/20",
    "quarter: Q3 2021-22, Q3 2021/22, 2021-22 Q3",
    "month: 2020-06, June 2020, Jun 2020",
    "calendar year: 2020, CY2020",
    "rolling 12 months: 12 months to June 2020, year to March 2020, year ending Dec 2019",
    "month range: April 2013 - January 2014, 2013-04 to 2014-01",
)


def month_index(year: int, month: int) -> int:
    """The month index ``year * 12 + month - 1`` used throughout perfcore."""
    return year * 12 + month - 1


def _year_month(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def _last_month_index(period: Period | _dt.date) -> int:
    if isinstance(period, _dt.date):
        return month_index(period.year, period.month)
    return period.last


def _check_year(year: int, text: object = None) -> int:
    if not 1900 <= year <= 2200:
        raise PeriodError(reason=f"year {year} is out of range (1900–2200)",
                          text=text, accepted=ACCEPTED_FORMS)
    return year


@functools.total_ordering
class Period:
    """A contiguous run of whole months. Subclasses are frozen attrs classes.

    Ordering is total over all kinds: by last month, then first month, then kind, so a
    table of mixed periods sorts chronologically.
    """

    _kind_order: ClassVar[int] = 0

    @property
    def first(self) -> int:
        """Month index of the first month covered."""
        raise NotImplementedError

    @property
    def last(self) -> int:
        """Month index of the last month covered."""
        raise NotImplementedError

    @property
    def length(self) -> int:
        """Number of months covered."""
        return self.last - self.first + 1

    @property
    def start(self) -> _dt.date:
        """The first day of the period."""
        y, m = _year_month(self.first)
        return _dt.date(y, m, 1)

    @property
    def end(self) -> _dt.date:
        """The last day of the period."""
        y, m = _year_month(self.last)
        return _dt.date(y, m, calendar.monthrange(y, m)[1])

    def months(self) -> tuple[Month, ...]:
        """The calendar months the period covers, in order."""
        return tuple(Month.from_index(i) for i in range(self.first, self.last + 1))

    def month_indices(self) -> range:
        """Month indices covered (for slicing monthly arrays)."""
        return range(self.first, self.last + 1)

    def contains(self, other: Period) -> bool:
        """True if every month of ``other`` lies within this period."""
        return self.first <= other.first and other.last <= self.last

    def shift(self, months: int) -> Period:
        """The same kind of period moved by a number of months (a multiple of its step)."""
        raise NotImplementedError

    def next(self) -> Period:
        """The following period of the same kind (non-overlapping, adjacent)."""
        return self.shift(self.length)

    def previous(self) -> Period:
        """The preceding period of the same kind (non-overlapping, adjacent)."""
        return self.shift(-self.length)

    def same_period_last_year(self) -> Period:
        """The same period twelve months earlier (year-on-year comparison)."""
        return self.shift(-12)

    def label(self, lang: str = "en") -> str:
        """A longer description in ``lang``, e.g. ``"Q3 2021-22 (October–December 2021)"``
        or, in Welsh, ``"Ch3 2021-22 (Hydref–Rhagfyr 2021)"``."""
        return self.display(lang)

    def display(self, lang: str = "en") -> str:
        """The short name in ``lang`` (a column heading): ``str(self)`` in English."""
        return str(self)

    def _key(self) -> tuple[int, int, int]:
        return (self.last, self.first, self._kind_order)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse a spelling of this kind of period (``Period.parse`` accepts any kind)."""
        period = parse_period(text, prefer=None if cls is Period else cls)
        if cls is not Period and not isinstance(period, cls):
            raise PeriodError(
                reason=f"it is a {type(period).__name__}, not a {cls.__name__}",
                text=text, accepted=ACCEPTED_FORMS)
        return period


def _month_name(month: int, lang: str) -> str:
    return translator(lang)(MONTHS[month - 1])


def _range_label(first: int, last: int, lang: str = "en") -> str:
    # A dash, not "to": Welsh "i" (to) would mutate the month after it (i Fehefin).
    fy, fm = _year_month(first)
    ly, lm = _year_month(last)
    if fy == ly:
        return f"{_month_name(fm, lang)}–{_month_name(lm, lang)} {ly}"
    return f"{_month_name(fm, lang)} {fy} – {_month_name(lm, lang)} {ly}"


@attrs.frozen(order=False)
class Month(Period):
    """A calendar month, written ``2020-06`` (shown to a reader as "June 2020")."""

    year: int = attrs.field(validator=attrs.validators.instance_of(int))
    month: int = attrs.field(validator=attrs.validators.instance_of(int))
    _kind_order: ClassVar[int] = 1

    def __attrs_post_init__(self) -> None:
        _check_year(self.year)
        if not 1 <= self.month <= 12:
            raise PeriodError(reason=f"month {self.month} is not 1–12",
                              text=f"{self.year}-{self.month}", accepted=ACCEPTED_FORMS)

    @classmethod
    def from_index(cls, index: int) -> Month:
        """The month with the given month index."""
        return cls(*_year_month(index))

    @classmethod
    def from_date(cls, date: _dt.date) -> Month:
        """The month containing a date."""
        return cls(date.year, date.month)

    @property
    def first(self) -> int:
        return month_index(self.year, self.month)

    @property
    def last(self) -> int:
        return self.first

    def shift(self, months: int) -> Month:
        return Month.from_index(self.first + months)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __repr__(self) -> str:
        return f"Month({self.year}, {self.month})"

    def display(self, lang: str = "en") -> str:
        # A board reads "2021-12" beside "2020-06" as a financial year: name the month.
        return self.label(lang)

    def label(self, lang: str = "en") -> str:
        return f"{_month_name(self.month, lang)} {self.year}"


@attrs.frozen(order=False)
class FinancialYear(Period):
    """A financial year, 1 April to 31 March, written ``2019-20``. ``start_year`` is 2019."""

    start_year: int = attrs.field(validator=attrs.validators.instance_of(int))
    _kind_order: ClassVar[int] = 4

    def __attrs_post_init__(self) -> None:
        _check_year(self.start_year)

    @classmethod
    def containing(cls, period: Period | _dt.date) -> FinancialYear:
        """The financial year containing a month, date or the *last* month of a period."""
        y, m = _year_month(_last_month_index(period))
        return cls(y if m >= 4 else y - 1)

    @property
    def first(self) -> int:
        return month_index(self.start_year, 4)

    @property
    def last(self) -> int:
        return month_index(self.start_year + 1, 3)

    def quarters(self) -> tuple[FinancialQuarter, ...]:
        """Q1 (April–June) to Q4 (January–March of the following calendar year)."""
        return tuple(FinancialQuarter(self.start_year, q) for q in (1, 2, 3, 4))

    def shift(self, months: int) -> FinancialYear:
        if months % 12:
            raise PeriodError(reason=f"cannot shift a financial year by {months} months",
                              text=str(self), accepted=ACCEPTED_FORMS)
        return FinancialYear(self.start_year + months // 12)

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def __repr__(self) -> str:
        return f"FinancialYear({self.start_year})"

    def label(self, lang: str = "en") -> str:
        return translator(lang)("financial year {year}").format(year=self)


@attrs.frozen(order=False)
class FinancialQuarter(Period):
    """A quarter of a financial year: Q1 = April–June … Q4 = January–March."""

    start_year: int = attrs.field(validator=attrs.validators.instance_of(int))
    quarter: int = attrs.field(validator=attrs.validators.instance_of(int))
    _kind_order: ClassVar[int] = 2

    def __attrs_post_init__(self) -> None:
        _check_year(self.start_year)
        if self.quarter not in (1, 2, 3, 4):
            raise PeriodError(reason=f"quarter {self.quarter} is not 1–4",
                              text=f"Q{self.quarter}", accepted=ACCEPTED_FORMS)

    @classmethod
    def containing(cls, period: Period | _dt.date) -> FinancialQuarter:
        """The quarter containing a month, date or the *last* month of a period."""
        idx = _last_month_index(period)
        fy = FinancialYear.containing(Month.from_index(idx))
        return cls(fy.start_year, (idx - fy.first) // 3 + 1)

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.start_year)

    @property
    def first(self) -> int:
        return month_index(self.start_year, 4) + 3 * (self.quarter - 1)

    @property
    def last(self) -> int:
        return self.first + 2

    def shift(self, months: int) -> FinancialQuarter:
        if months % 3:
            raise PeriodError(reason=f"cannot shift a quarter by {months} months",
                              text=str(self), accepted=ACCEPTED_FORMS)
        n = self.start_year * 4 + self.quarter - 1 + months // 3
        return FinancialQuarter(n // 4, n % 4 + 1)

    def __str__(self) -> str:
        return f"Q{self.quarter} {self.financial_year}"

    def __repr__(self) -> str:
        return f"FinancialQuarter({self.start_year}, {self.quarter})"

    def display(self, lang: str = "en") -> str:
        return translator(lang)("Q{quarter} {year}").format(quarter=self.quarter,
                                                            year=self.financial_year)

    def label(self, lang: str = "en") -> str:
        return f"{self.display(lang)} ({_range_label(self.first, self.last, lang)})"


@attrs.frozen(order=False)
class CalendarYear(Period):
    """A calendar year, January–December, written ``2020``."""

    year: int = attrs.field(validator=attrs.validators.instance_of(int))
    _kind_order: ClassVar[int] = 5

    def __attrs_post_init__(self) -> None:
        _check_year(self.year)

    @property
    def first(self) -> int:
        return month_index(self.year, 1)

    @property
    def last(self) -> int:
        return month_index(self.year, 12)

    def shift(self, months: int) -> CalendarYear:
        if months % 12:
            raise PeriodError(reason=f"cannot shift a calendar year by {months} months",
                              text=str(self), accepted=ACCEPTED_FORMS)
        return CalendarYear(self.year + months // 12)

    def __str__(self) -> str:
        return f"{self.year:04d}"

    def __repr__(self) -> str:
        return f"CalendarYear({self.year})"

    def label(self, lang: str = "en") -> str:
        return translator(lang)("calendar year {year}").format(year=self)


@attrs.frozen(order=False)
class Rolling(Period):
    """A rolling window of ``length`` months ending with month ``end``.

    "12 months to June 2020" is ``Rolling(Month(2020, 6))``. Its ``previous()`` is the
    12 months to June 2019 (windows step by their own length, so they never overlap).
    """

    end_month: Month = attrs.field(validator=attrs.validators.instance_of(Month))
    months_long: int = attrs.field(default=12, validator=attrs.validators.instance_of(int))
    _kind_order: ClassVar[int] = 3

    def __attrs_post_init__(self) -> None:
        if self.months_long < 1:
            raise PeriodError(reason="a rolling window needs at least one month",
                              text=str(self.months_long), accepted=ACCEPTED_FORMS)

    @property
    def first(self) -> int:
        return self.end_month.first - self.months_long + 1

    @property
    def last(self) -> int:
        return self.end_month.first

    def shift(self, months: int) -> Rolling:
        return Rolling(self.end_month.shift(months), self.months_long)

    def __str__(self) -> str:
        return self.display()

    def __repr__(self) -> str:
        return f"Rolling({self.end_month!r}, months_long={self.months_long})"

    def display(self, lang: str = "en") -> str:
        # Translators: Welsh "hyd at fis Mehefin": "mis" takes the mutation after "at",
        # so the month name itself never mutates.
        return translator(lang)("{n} months to {month} {year}").format(
            n=self.months_long, month=_month_name(self.end_month.month, lang),
            year=self.end_month.year)

    def label(self, lang: str = "en") -> str:
        return f"{self.display(lang)} ({_range_label(self.first, self.last, lang)})"


@attrs.frozen(order=False)
class MonthRange(Period):
    """An explicit run of months, e.g. "April 2013 – January 2014" (inclusive)."""

    first_month: Month = attrs.field(validator=attrs.validators.instance_of(Month))
    last_month: Month = attrs.field(validator=attrs.validators.instance_of(Month))
    _kind_order: ClassVar[int] = 6

    def __attrs_post_init__(self) -> None:
        if self.last_month.first < self.first_month.first:
            raise PeriodError(reason=f"month range ends ({self.last_month}) before it starts "
                              f"({self.first_month})",
                              text=f"{self.first_month} to {self.last_month}",
                              accepted=ACCEPTED_FORMS)

    @property
    def first(self) -> int:
        return self.first_month.first

    @property
    def last(self) -> int:
        return self.last_month.first

    def shift(self, months: int) -> MonthRange:
        return MonthRange(self.first_month.shift(months), self.last_month.shift(months))

    def __str__(self) -> str:
        return f"{self.first_month} to {self.last_month}"

    def __repr__(self) -> str:
        return f"MonthRange({self.first_month!r}, {self.last_month!r})"

    def display(self, lang: str = "en") -> str:
        # The months by name ("April–December 2013"), as the report's heading gives them,
        # not "2013-04 to 2013-12".
        return self.label(lang)

    def label(self, lang: str = "en") -> str:
        return _range_label(self.first, self.last, lang)


# --- parsing -------------------------------------------------------------------------------

# re.ASCII: \d is 0-9 only (Python's \d also reads "٢٠١٩" and "２０１９" as years).
_FY_RE = re.compile(
    r"^(?:(?:fy|financial\s+year)\s*)?(?P<y1>\d{4}|\d{2})\s*[-/–]\s*(?P<y2>\d{4}|\d{2})"
    r"(?:\s+financial\s+year)?$", re.ASCII)
_Q_RE = re.compile(
    r"^(?:q(?P<q1>[1-4])\s+(?P<fy1>.+)|(?P<fy2>.+?)\s+q(?P<q2>[1-4]))$")
_MONTH_ISO_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})(?:-01)?$", re.ASCII)
_MONTH_NAME_RE = re.compile(rf"^(?P<name>{_MONTHS_RE})\.?,?\s+(?P<y>\d{{4}})$", re.ASCII)
_CY_RE = re.compile(r"^(?:cy|calendar\s+year)?\s*(?P<y>\d{4})$", re.ASCII)
_ROLLING_RE = re.compile(
    r"^(?:(?P<n>\d{1,3})\s+months?|(?:the\s+)?year|ye|r(?P<n2>\d{1,3}))\s+"
    r"(?:to|ending|ended|end(?:ing)?\s+in)?\s*(?P<end>.+)$", re.ASCII)
_RANGE_RE = re.compile(r"^(?:from\s+)?(?P<a>.+?)\s*(?:\s[-–—]\s|\bto\b|–|—)\s*(?P<b>.+)$")

Kind = Literal["financial_year", "month"]


def _parse_month(text: str) -> Month | None:
    m = _MONTH_ISO_RE.match(text)
    if m:
        month = int(m["m"])
        if 1 <= month <= 12:
            return Month(_check_year(int(m["y"]), text), month)
        return None
    m = _MONTH_NAME_RE.match(text)
    if m:
        name = m["name"]
        num = _MONTH_NAMES.get(name) or _MONTH_ABBR[name]
        return Month(_check_year(int(m["y"]), text), num)
    return None


def _parse_fy(text: str, original: str) -> FinancialYear | None:
    m = _FY_RE.match(text)
    if not m:
        return None
    y1s, y2s = m["y1"], m["y2"]
    if len(y1s) == 2:
        if not text.startswith(("fy", "financial")):
            return None  # "19/20" alone is too ambiguous to guess
        y1 = 2000 + int(y1s)
    else:
        y1 = int(y1s)
    y2 = int(y2s)
    expected = (y1 + 1) % 100 if len(y2s) == 2 else y1 + 1
    if y2 != expected:
        raise PeriodError(
            reason="not a financial year: the second year must follow the first "
            f"(e.g. {y1}-{(y1 + 1) % 100:02d}); multi-year spans are not single periods",
            text=original, accepted=ACCEPTED_FORMS)
    return FinancialYear(_check_year(y1, original))


def _periods_from_iso_ambiguity(text: str) -> tuple[Month, FinancialYear] | None:
    """``2011-12`` is both December 2011 and the financial year 2011-12."""
    m = re.match(r"^(\d{4})-(\d{2})$", text, re.ASCII)
    if not m:
        return None
    y, mm = int(m[1]), int(m[2])
    if 1 <= mm <= 12 and mm == (y + 1) % 100:
        return Month(y, mm), FinancialYear(y)
    return None


def parse_period(text: str | Period, *, prefer: type[Period] | Kind | None = None) -> Period:
    """Parse any accepted spelling of a period.

    ``2011-12`` could be December 2011 or the financial year 2011-12; such spellings raise
    :class:`PeriodError` unless ``prefer`` says which kind is meant (``"financial_year"`` or
    ``"month"``, or the class). Unknown spellings raise :class:`PeriodError` listing the
    accepted forms.
    """
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise PeriodError(reason=f"a period must be text or a Period, not {type(text).__name__}",
                          text=text, accepted=ACCEPTED_FORMS)
    norm = " ".join(text.strip().lower().replace("\u2013", "–").split())
    if prefer in ("month", Month):
        prefer_cls: type[Period] | None = Month
    elif prefer in ("financial_year", FinancialYear):
        prefer_cls = FinancialYear
    elif prefer is None:
        prefer_cls = None
    else:
        raise OptionError.for_choice("prefer", prefer, ("financial_year", "month"))

    both = _periods_from_iso_ambiguity(norm)
    if both is not None:
        if prefer_cls is Month:
            return both[0]
        if prefer_cls is FinancialYear:
            return both[1]
        raise PeriodError(
            reason=f"ambiguous: it could be {both[0].label()} or financial year "
            f"{both[1]}; write '{both[1].start_year}/{str(both[1])[-2:]}' for the financial "
            f"year or '{both[0].label()}' for the month, or pass prefer=",
            text=text, accepted=ACCEPTED_FORMS)

    result = _parse_any(norm, text)
    if result is None:
        raise PeriodError(text=text, accepted=ACCEPTED_FORMS)
    return result


def _parse_any(norm: str, original: str) -> Period | None:
    month = _parse_month(norm)
    if month is not None:
        return month
    m = _CY_RE.match(norm)
    if m:
        return CalendarYear(_check_year(int(m["y"]), original))
    fy = _parse_fy(norm, original)
    if fy is not None:
        return fy
    m = _Q_RE.match(norm)
    if m:
        q = int(m["q1"] or m["q2"])
        fy_text = (m["fy1"] or m["fy2"]).strip()
        fy = _parse_fy(fy_text, original)
        if fy is None:
            return None
        return FinancialQuarter(fy.start_year, q)
    m = _ROLLING_RE.match(norm)
    if m:
        end = _parse_month(m["end"].strip())
        if end is None:
            return None
        n = int(m["n"] or m["n2"] or 12)
        return Rolling(end, n)
    m = _RANGE_RE.match(norm)
    if m:
        a, b = _parse_month(m["a"].strip()), _parse_month(m["b"].strip())
        if a is not None and b is not None:
            return MonthRange(a, b)
    return None


def periods_covering(months: Iterable[Month], kind: type[Period]) -> tuple[Period, ...]:
    """The distinct periods of ``kind`` (FinancialYear, FinancialQuarter, CalendarYear or
    Month) that the given months fall in, in order."""
    found: set[Period] = set()
    for mo in months:
        if kind is FinancialYear:
            found.add(FinancialYear.containing(mo))
        elif kind is FinancialQuarter:
            found.add(FinancialQuarter.containing(mo))
        elif kind is CalendarYear:
            found.add(CalendarYear(mo.year))
        elif kind is Month:
            found.add(mo)
        else:
            raise PeriodError(reason="cannot group months into this kind of period",
                              text=kind.__name__,
                              accepted=("FinancialYear", "FinancialQuarter", "CalendarYear",
                                        "Month"))
    return tuple(sorted(found))
