"""Reading a Dataset for evaluation, and the one derivation of a measure's values.

:func:`gather` takes the observation fields of some measures × organisations × periods
out of a :class:`~perfcore.dataset.Dataset` as cubes; :func:`measure_values` turns them into
each measure's value and the count (x) and base (n) behind it, by the measure's kind. Every
figure of an evaluation — the headline values, trend markers, targets, SPC charts and the
history columns — takes its values from :func:`measure_values`, so they cannot disagree.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.calc import FloatArray
from perfcore.codes import MeasureKind
from perfcore.dataset import FIELDS, Dataset
from perfcore.errors import DataError, PerfcoreWarning
from perfcore.model import Measure
from perfcore.periods import Period

__all__ = ["MeasureValues", "NotAvailableWarning", "Observations", "gather", "measure_values"]


class NotAvailableWarning(PerfcoreWarning):
    """Some measures or organisations had no data for a period; their figures are NaN
    with reason ``missing`` ("not available"), never zero."""


@attrs.frozen
class Observations:
    """The observation fields as cubes: measures × organisations × periods."""

    value: FloatArray
    numerator: FloatArray
    denominator: FloatArray
    sample_size: FloatArray
    population: FloatArray
    sd: FloatArray


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
    if len(mi) == len(measures) and len(pi) == len(periods):
        out = dataset.cubes(FIELDS, measures=[m.id for m in measures],
                            organisations=organisations, periods=periods)
    else:
        out = {f: np.full(shape, np.nan) for f in FIELDS}
        if mi and pi:
            cubes = dataset.cubes(FIELDS, measures=[measures[i].id for i in mi],
                                  organisations=organisations,
                                  periods=[periods[i] for i in pi])
            for f in FIELDS:
                out[f][np.ix_(mi, range(len(organisations)), pi)] = cubes[f]
    # A measure with published figures only is shown by them (no counts were given).
    published = {f.measure for f in dataset.published}
    missing = [m.id for m in measures if m.id not in in_data and m.id not in published
               and m.kind is not MeasureKind.QUALITATIVE]
    if missing and warn:
        warnings.warn(f"no data at all for measure(s) {missing}: their figures are not "
                      "available", NotAvailableWarning, stacklevel=3)
    return Observations(**out)


def measure_values(obs: Observations, measures: Sequence[Measure], *,
                   organisations: Sequence[str] = (),
                   periods: Sequence[Period] = ()) -> MeasureValues:
    """The value of every cell by its measure's kind, and its count and base.

    - **count**: the recorded value (the count itself), else the numerator; x = that
      count, no base.
    - **rate**: numerator / population × the measure's base where both are there and the
      population is positive, else the recorded value; x = numerator, n = population.
    - **proportion**: x / n where n (the denominator, else the survey sample size) is
      positive, with x the numerator or value × n; else the recorded value. A numerator
      without a denominator or sample size is a :class:`~perfcore.errors.DataError`
      (``organisations`` and ``periods``, the cube's axes, name the cell in its message).
    - **mean**: the recorded value, with its sample standard deviation (``sd``) and
      sample size (``n``) where the data give them (Welch's test of a change needs both);
    - **money**: the recorded value; qualitative items have none.
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
            value[r] = np.where(n[r] > 0, x[r] / n[r], obs.value[r])
            survey[r] = np.isnan(obs.denominator[r]) & ~np.isnan(obs.sample_size[r])
        sd = np.full_like(value, np.nan)
        r = rows_of[MeasureKind.MEAN]
        if r.size:
            n[r], sd[r] = obs.sample_size[r], obs.sd[r]
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
    org = organisations[oi] if oi < len(organisations) else None
    period = str(periods[pi]) if pi < len(periods) else None
    raise DataError(
        reason="a proportion with a numerator but no denominator or sample size",
        measure=measure, organisation=org, period=period)
