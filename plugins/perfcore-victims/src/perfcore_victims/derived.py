"""The victims domain's derived measures (``perfcore_register_derived_measures``).

Each ``derive`` receives every organisation and period at once (organisations × periods
arrays, see :mod:`perfcore.derive`) and returns arrays of the same shape:

``da_arrest_rate``
    domestic abuse arrests / domestic abuse crimes recorded, with the counts kept as
    numerator and denominator (seed 003: 2,293 arrests, 27.2% in 2019-20);
``marac_referrals_average_growth``
    average annual growth of MARAC referrals over the :data:`GROWTH_YEARS` years to each
    yearly period, by :func:`perfcore_victims.growth.average_annual_growth` (geometric;
    seed 004: "Since 2019, MARAC referrals have increased on average by 18% each year").
"""

from __future__ import annotations

import numpy as np

from perfcore import DerivedMeasureSpec, DerivedValues, DeriveInputs
from perfcore_victims.growth import average_annual_growth

__all__ = ["DERIVED", "GROWTH_YEARS", "da_arrest_rate", "marac_average_growth"]

#: Years of growth averaged: seed 004 (2023-24) reads "since 2019", 2019-20 → 2022-23.
GROWTH_YEARS = 3


def da_arrest_rate(inputs: DeriveInputs) -> DerivedValues:
    """Arrests / crimes recorded; undefined (NaN) where no crime is recorded."""
    arrests, crimes = inputs.value("da_arrests"), inputs.value("da_crimes")
    rate = np.where(crimes > 0, arrests / np.where(crimes > 0, crimes, 1.0), np.nan)
    return DerivedValues(value=rate, numerator=arrests, denominator=crimes)


def yearly_series(values: np.ndarray, inputs: DeriveInputs, years: int) -> np.ndarray:
    """For each period (a yearly one: a financial or calendar year, a rolling 12 months),
    the values of it and of the ``years`` years before, oldest first: organisations ×
    periods × (years + 1), NaN where a year is absent or the period is not yearly."""
    where = {p: i for i, p in enumerate(inputs.periods)}
    index = np.array([[where.get(p.shift(-12 * j), -1) if p.length == 12 else -1
                       for j in range(years, -1, -1)] for p in inputs.periods],
                     dtype=np.intp).reshape(len(inputs.periods), years + 1)
    gathered = values[:, np.maximum(index, 0)]
    return np.where(index >= 0, gathered, np.nan)


def marac_average_growth(inputs: DeriveInputs) -> DerivedValues:
    """Geometric average annual growth over the :data:`GROWTH_YEARS` years to each
    period, as a fraction (0.18 for 18% a year); NaN without all the years."""
    series = yearly_series(inputs.value("marac_referrals"), inputs, GROWTH_YEARS)
    growth = average_annual_growth(series) if series.size else np.empty(inputs.shape)
    return DerivedValues(value=np.asarray(growth, dtype=np.float64).reshape(inputs.shape))


DERIVED: tuple[DerivedMeasureSpec, ...] = (
    DerivedMeasureSpec(
        measure="da_arrest_rate", inputs=("da_arrests", "da_crimes"), derive=da_arrest_rate,
        description="domestic abuse arrests / domestic abuse crimes recorded"),
    DerivedMeasureSpec(
        measure="marac_referrals_average_growth", inputs=("marac_referrals",),
        derive=marac_average_growth,
        description=f"geometric average annual growth of MARAC referrals over the "
                    f"{GROWTH_YEARS} years to the period ((last / first)^(1/{GROWTH_YEARS})"
                    " − 1)"),
)
