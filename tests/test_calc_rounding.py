"""round_half_away: display rounding as published statistics print it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import round_half_away


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (-14.88, 1, -14.9),  # seed 001: (48618 − 57116) / 57116 = −14.88% printed −14.9%
        (0.05, 1, 0.1),
        (-0.05, 1, -0.1),
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (0.5, 0, 1.0),
        (1.5, 0, 2.0),  # banker's rounding would also give 2; 2.5 and 0.5 are the tell
        (2.675, 2, 2.68),  # stored as 2.67499999999999982…; printed statistics say 2.68
        (1.005, 2, 1.01),  # stored as 1.00499999999999989…
        (0.125, 2, 0.13),  # exactly representable half: half-even would give 0.12
        (58.25, 1, 58.3),
        (4.1000000000000005, 1, 4.1),  # 0.159 − 0.118 in binary, ×100
        (-3.299999999999992, 1, -3.3),  # 0.789 − 0.822 in binary, ×100 (seed 002)
        (1234.5, -1, 1230.0),
        (1235.0, -1, 1240.0),
        (-1235.0, -1, -1240.0),
        (0.0, 2, 0.0),
    ],
)
def test_published_rounding(x: float, decimals: int, expected: float) -> None:
    assert round_half_away(x, decimals) == expected


def test_scalar_in_scalar_out_and_array_shape_kept() -> None:
    assert isinstance(round_half_away(2.5), float)
    out = round_half_away(np.array([[0.05, -0.05], [2.675, 1.005]]), 2)
    assert out.shape == (2, 2)
    np.testing.assert_array_equal(out, [[0.05, -0.05], [2.68, 1.01]])


def test_non_finite_pass_through_and_no_negative_zero() -> None:
    out = round_half_away([np.nan, np.inf, -np.inf, -0.04, -0.0, 5e-324, -1e-120], 1)
    assert np.isnan(out[0])
    assert out[1] == np.inf
    assert out[2] == -np.inf
    # "-0.0" must never reach a report.
    assert not np.signbit(out[3:]).any()
    np.testing.assert_array_equal(out[3:], 0.0)


@given(st.integers(-10**9, 10**9), st.integers(0, 4))
def test_written_halves_round_away_from_zero(units: int, decimals: int) -> None:
    # Build x = units.5 × 10^-decimals as its shortest decimal repr; Decimal is the oracle.
    text = f"{units}5e-{decimals + 1}"
    x = float(text)
    expected = float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    assert round_half_away(x, decimals) == expected


@given(st.integers(-10**13, 10**13), st.integers(0, 8), st.integers(0, 4))
def test_agrees_with_decimal_rounding_of_the_written_value(mantissa: int, scale: int,
                                                            decimals: int) -> None:
    # Any decimal of up to 14 significant digits, as a reader would write it; the oracle
    # is Decimal half-up (away from zero) on that text. Values with more digits than a
    # double holds faithfully (15) are out of scope: the function deliberately reads
    # 2.67499999999999982 as the 2.675 it was written as.
    text = f"{mantissa}e-{scale}"
    expected = float(Decimal(text).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    got = round_half_away(float(text), decimals)
    assert got == expected or (got == 0 and expected == 0)
