"""Reading a Dataset for evaluation, and the one derivation of a measure's values.

:func:`gather` takes the observation fields of some measures × organisations × periods
out of a :class:`~perfcore.dataset.Dataset` as cubes; :func:`measure_values` turns them into
each measure's value and the count (x) and base (n) behind it, by the measure's kind. Every
figure of an evaluation — the headline values, trend markers, targets, SPC charts and the
history columns — takes its values from :func:`measure_values`, so they cannot disagree.

This is where the plan's kinds meet the data, so it is where each kind's rules are kept
(:data:`KIND_RULES`; the rules of the fields themselves are kept by the Dataset): a
proportion from 0 to 1, no negative count or rate, a percentage only as a proportion's
value. A value breaking one raises :class:`~perfcore.errors.InvalidValueError`: it never
becomes a figure, and no status is drawn from it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc import FloatArray
from perfcore.codes import MeasureKind
from perfcore.dataset import FIELDS, Dataset, PublishedFigure, written
from perfcore.errors import DataError, InvalidValueError, PerfcoreWarning
from perfcore.i18n import plural
from perfcore.model import Measure
from perfcore.organisations import organisation_name
from perfcore.periods import Period

__all__ = ["KIND_RULES", "KindRule", "MeasureValues", "NotAvailableWarning", "Observations",
           "check_published", "gather", "measure_values"]


class NotAvailableWarning(PerfcoreWarning):
    """Some measures or organisations had no data for a period; their figures are NaN
    with reason ``missing`` ("not available"), never zero."""


@attrs.frozen
class Observations:
    """The observation fields as cubes: measures × organisations × periods; ``percent``
    is true where the value was written as a percentage (``None``: nowhere), and
    ``dataset`` the dataset they were gathered from (for messages)."""

    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray
    sample_size: FloatArray
    population: FloatArray
    sd: FloatArray
    percent: npt.NDArray[np.bool_] | None = attrs.field(default=None, kw_only=True)
    dataset: Dataset | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)


@attrs.frozen
class MeasureValues:
    """Each cell's value by its measure's kind, with the count (``x``) and base (``n``)
    the statistics use (NaN where the kind has none); ``survey`` is True where ``n`` is
    a survey's sample size rather than a denominator; ``sd`` a mean's sample standard
    deviation (its ``n`` the sample size)."""

    value: FloatArray
    x: FloatArray
    n: FloatArray
    survey: npt.NDArray[np.bool_]
    sd: FloatArray | None = None


def gather(dataset: Dataset, measures: Sequence[Measure], periods: Sequence[Period],
           organisations: Sequence[str], *, warn: bool = True) -> Observations:
    """Cubes of every observation field (NaN where the dataset has no observation).

    A measure with no data at all is reported once with a :class:`NotAvailableWarning`
    (``warn=False`` for the extra periods trend, target and SPC figures look at);
    qualitative items, and measures with published figures only, are exempt: having no
    observations is expected of them."""
    in_data, periods_in_data = set(dataset.measures), set(dataset.periods)
    mi = [i for i, m in enumerate(measures) if m.id in in_data]
    pi = [i for i, p in enumerate(periods) if p in periods_in_data]
    shape = (len(measures), len(organisations), len(periods))
    fields = (*FIELDS, "percent") if dataset.percent is not None else FIELDS
    if len(mi) == len(measures) and len(pi) == len(periods):
        out = dataset.cubes(fields, measures=[m.id for m in measures],
                            organisations=organisations, periods=periods)
    else:
        out = {f: np.full(shape, np.nan) for f in fields}
        if mi and pi:
            cubes = dataset.cubes(fields, measures=[measures[i].id for i in mi],
                                  organisations=organisations,
                                  periods=[periods[i] for i in pi])
            for f in fields:
                out[f][np.ix_(mi, range(len(organisations)), pi)] = cubes[f]
    # A measure with published figures only is shown by them (no counts were given).
    published = {f.measure for f in dataset.published}
    missing = [m.id for m in measures if m.id not in in_data and m.id not in published
               and m.kind is not MeasureKind.QUALITATIVE]
    if missing and warn:
        its = "its figures are" if len(missing) == 1 else "their figures are"
        warnings.warn(f"no data at all for {plural(len(missing), 'measure')} {missing}: {its} "
                      "not available", NotAvailableWarning, stacklevel=3)
    percent = out.pop("percent", None)
    return Observations(**out, percent=None if percent is None else percent == 1.0,
                        dataset=dataset)


def measure_values(obs: Observations, measures: Sequence[Measure], *,
                   organisations: Sequence[str] = (),
                   periods: Sequence[Period] = ()) -> MeasureValues:
    """The value of every cell by its measure's kind, and its count and base.

    - **count**: the recorded value (the count itself), else the numerator; x = that
      count, no base.
    - **rate**: numerator / population × the measure's base where both are there and the
      population is positive, else the recorded value; x = numerator, n = population.
    - **proportion**: x / n where n (the denominator, else the survey sample size) is
      positive, with x the numerator or value × n; not available (NaN) where n is 0 ("0
      of 0": no cases); else the recorded value. A numerator without a denominator or
      sample size is a :class:`~perfcore.errors.DataError` (``organisations`` and
      ``periods``, the cube's axes, name the cell in its message).
    - **mean**: the recorded value, with its sample standard deviation (``sd``) and
      sample size (``n``) where the data give them (Welch's test of a change needs both);
    - **money**: the recorded value; qualitative items have none.

    A value breaking its kind's rules (:data:`KIND_RULES`) raises
    :class:`~perfcore.errors.InvalidValueError` naming the measure, organisation, period
    and value.
    """
    value = obs.value.copy()
    x = np.full_like(value, np.nan)
    n = np.full_like(value, np.nan)
    survey = np.zeros(value.shape, dtype=bool)
    rows_of = _rows_by_kind(measures)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = rows_of[MeasureKind.COUNT]
        if r.size:
            value[r] = np.where(np.isnan(obs.value[r]), obs.numerator[r], obs.value[r])
            x[r] = value[r]
        r = rows_of[MeasureKind.RATE]
        if r.size:
            per = np.array([float(measures[i].rate_per) for i in r])[:, None, None]
            x[r], n[r] = obs.numerator[r], obs.population[r]
            computed = ~np.isnan(x[r]) & (n[r] > 0)
            value[r] = np.where(computed, x[r] / n[r] * per, obs.value[r])
        r = rows_of[MeasureKind.PROPORTION]
        if r.size:
            _check_proportion_bases(obs, r, measures, organisations, periods)
            n[r] = np.where(np.isnan(obs.denominator[r]), obs.sample_size[r],
                            obs.denominator[r])
            x[r] = np.where(np.isnan(obs.numerator[r]), obs.value[r] * n[r],
                            obs.numerator[r])
            value[r] = np.where(n[r] > 0, x[r] / n[r],
                                np.where(n[r] == 0, np.nan, obs.value[r]))
            survey[r] = np.isnan(obs.denominator[r]) & ~np.isnan(obs.sample_size[r])
        sd = np.full_like(value, np.nan)
        r = rows_of[MeasureKind.MEAN]
        if r.size:
            n[r], sd[r] = obs.sample_size[r], obs.sd[r]
    _check_kinds(obs, value, measures, organisations, periods)
    return MeasureValues(value=value, x=x, n=n, survey=survey, sd=sd)


def _rows_by_kind(measures: Sequence[Measure]) -> dict[MeasureKind, np.ndarray]:
    kinds = [m.kind for m in measures]
    return {k: np.array([i for i, mk in enumerate(kinds) if mk is k], dtype=np.intp)
            for k in MeasureKind}


def _check_proportion_bases(obs: Observations, rows: np.ndarray,
                            measures: Sequence[Measure], organisations: Sequence[str],
                            periods: Sequence[Period]) -> None:
    no_base = (~np.isnan(obs.numerator[rows]) & np.isnan(obs.denominator[rows])
               & np.isnan(obs.sample_size[rows]))
    if not no_base.any():
        return
    mi, oi, pi = (int(a[0]) for a in np.nonzero(no_base))
    measure = measures[int(rows[mi])].id
    org = organisation_name(organisations[oi]) if oi < len(organisations) else None
    period = str(periods[pi]) if pi < len(periods) else None
    raise DataError(
        reason="a proportion with a numerator but no denominator or sample size",
        measure=measure, organisation=org, period=period)


@attrs.frozen(kw_only=True)
class KindRule:
    """A rule of the values of some measure kinds: ``broken(value, percent)`` says where
    (``value`` the cells' values by :func:`measure_values`, ``percent`` where they were
    written as percentages); ``reason`` what is wrong (``{kind}``: the measure's kind),
    ``allowed`` what would be valid."""

    kinds: frozenset[MeasureKind]
    reason: str
    allowed: str
    broken: Callable[[FloatArray, npt.NDArray[np.bool_]], npt.NDArray[np.bool_]]


_NUMERIC = frozenset(MeasureKind) - {MeasureKind.QUALITATIVE}

#: The rules of each kind's values, checked where the plan's kinds meet the data.
KIND_RULES: tuple[KindRule, ...] = (
    KindRule(kinds=_NUMERIC - {MeasureKind.PROPORTION},
             reason="is a percentage, but the measure is a {kind}",
             allowed="only a proportion's value may be written as a percentage; give the "
                     "{kind} itself",
             broken=lambda v, pct: pct & ~np.isnan(v)),
    KindRule(kinds=frozenset({MeasureKind.COUNT}), reason="is a negative count",
             allowed="a count is 0 or more", broken=lambda v, pct: v < 0),
    KindRule(kinds=frozenset({MeasureKind.RATE}), reason="is a negative rate",
             allowed="a rate is 0 or more", broken=lambda v, pct: v < 0),
    KindRule(kinds=frozenset({MeasureKind.PROPORTION}), reason="is not a proportion",
             allowed="a proportion is from 0 to 1: a fraction such as 0.159, or 15.9%",
             broken=lambda v, pct: (v < 0) | (v > 1)),
)


def _check_kinds(obs: Observations, value: FloatArray, measures: Sequence[Measure],
                 organisations: Sequence[str], periods: Sequence[Period]) -> None:
    """Raise for the first rule of :data:`KIND_RULES` that some cell breaks."""
    pct = (obs.percent if obs.percent is not None
           else np.zeros(value.shape, dtype=bool))
    kinds = [m.kind for m in measures]
    for rule in KIND_RULES:
        rows = np.array([i for i, k in enumerate(kinds) if k in rule.kinds], dtype=np.intp)
        if not rows.size:
            continue
        with np.errstate(invalid="ignore"):
            bad = rule.broken(value[rows], pct[rows])
        if bad.any():
            mi, oi, pi = (int(a[0]) for a in np.nonzero(bad))
            _raise_broken(rule, obs, value, pct, measures[int(rows[mi])],
                          (int(rows[mi]), oi, pi), int(np.count_nonzero(bad)),
                          organisations, periods)


def _raise_broken(rule: KindRule, obs: Observations, value: FloatArray,
                  pct: npt.NDArray[np.bool_], measure: Measure, cell: tuple[int, int, int],
                  count: int, organisations: Sequence[str], periods: Sequence[Period]
                  ) -> None:
    m, o, p = cell
    org = organisations[o] if o < len(organisations) else None
    period = periods[p] if p < len(periods) else None
    v = float(value[m, o, p])
    hint = ""
    if measure.kind is MeasureKind.PROPORTION and 1 < v <= 100 and not pct[m, o, p]:
        hint = (f"if the data give {measure.id!r} in per cent, say so: percent = "
                f"[\"{measure.id}\"] in the options of its [[data]] entry (or of the csv "
                "loader)")
    source = None
    if obs.dataset is not None and org is not None and period is not None:
        source = obs.dataset.sources_of(org, [measure.id], [period]).get(
            (measure.id, str(period)))
    kind = measure.kind.value
    raise InvalidValueError(
        reason=rule.reason.format(kind=kind), value=written(v, percent=bool(pct[m, o, p])),
        allowed=rule.allowed.format(kind=kind), hint=hint, kind=kind, count=count,
        column="value", measure=measure.id,
        organisation=None if org is None else organisation_name(org),
        period=None if period is None else str(period), source=source or None)


def check_published(published: Iterable[PublishedFigure], measures: Sequence[Measure]
                    ) -> None:
    """Raise :class:`~perfcore.errors.InvalidValueError` for a published figure of one
    of ``measures`` that its kind cannot have: a proportion's value outside 0 to 1, a
    count's or rate's value below 0 or its % change below -100, a pp change beyond ±100
    points, a rank that is not a whole number from 1."""
    kinds = {m.id: m.kind for m in measures}
    for f in published:
        kind = kinds.get(f.measure)
        if kind is None or kind is MeasureKind.QUALITATIVE:
            continue
        broken = _published_rule(kind, f.figure, f.value)
        if broken is None:
            continue
        reason, allowed, hint = broken
        raise InvalidValueError(
            reason=reason, value=written(f.value), allowed=allowed, hint=hint,
            kind=kind.value, column="value", measure=f.measure,
            organisation=organisation_name(f.group), period=str(f.period),
            source=f.source or None)


def _published_rule(kind: MeasureKind, figure: str, v: float
                    ) -> tuple[str, str, str] | None:
    """(what is wrong, what is allowed, what to do) for a published figure breaking its
    kind's rules; None if it keeps them."""
    counted = kind in (MeasureKind.COUNT, MeasureKind.RATE)
    if figure == "value" and kind is MeasureKind.PROPORTION and not 0 <= v <= 1:
        hint = (f"write a proportion as a fraction ({v / 100:g}) or with a % sign "
                f"({v:g}%)" if 1 < v <= 100 else "")
        return ("is not a proportion (published group value)",
                "a proportion is from 0 to 1: a fraction such as 0.159, or 15.9%", hint)
    if figure == "value" and counted and v < 0:
        return (f"is a negative {kind.value} (published group value)",
                f"a {kind.value} is 0 or more", "")
    if figure == "pct_change" and counted and v < -100:
        return ("is a fall of more than 100% (published % change)",
                f"a {kind.value} cannot fall by more than all of it: -100 or more", "")
    if figure == "pp_change" and not -100 <= v <= 100:
        return ("is more than 100 percentage points (published pp change)",
                "a change in percentage points is from -100 to 100", "")
    if figure == "rank" and (v < 1 or v != int(v)):
        return ("is not a rank (published rank)", "a rank is a whole number from 1", "")
    return None
