"""Small-number disclosure control (methodology §8): primary suppression of counts below
the threshold, derived suppression of figures computed from them, and secondary
(complementary) suppression so that no withheld count can be worked out from a total or
a change."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import (
    AdditiveStructure,
    primary_suppression,
    recoverable,
    secondary_suppression,
)
from perfcore.codes import SuppressionReason
from perfcore.errors import OptionError, PerfcoreError, ShapeError

PRIMARY, SECONDARY, DERIVED = (SuppressionReason.PRIMARY, SuppressionReason.SECONDARY,
                               SuppressionReason.DERIVED)


def test_counts_below_the_threshold_are_withheld_zero_included_missing_not() -> None:
    assert primary_suppression([0, 1, 4, 5, 12, np.nan]).tolist() == [
        True, True, True, False, False, False]
    assert primary_suppression([4, 9, 10], threshold=10).tolist() == [True, True, False]


@pytest.mark.parametrize("threshold", [0, -1, float("nan"), "five"])
def test_a_threshold_must_be_a_positive_number(threshold: object) -> None:
    with pytest.raises(OptionError, match="threshold") as info:
        primary_suppression([1, 2], threshold=threshold)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError) and isinstance(info.value, PerfcoreError)


def test_a_structure_naming_cells_outside_the_table_is_a_shape_error() -> None:
    with pytest.raises(ShapeError, match="cell 7"):
        AdditiveStructure.of(4, totals=[(0, [1, 7])])
    s = AdditiveStructure.of(3, totals=[(0, [1, 2])])
    with pytest.raises(ShapeError, match="4 cells"):
        secondary_suppression([1, 2, 3, 4], [False] * 4, s)


# --------------------------------------------------------------------------- a table
# A total and three parts in two periods, with the change of each: cells 0-3 the previous
# period (total, a, b, c), 4-7 the current one, 8-11 the changes (current − previous).
PREVIOUS, CURRENT, CHANGE = np.arange(4), np.arange(4, 8), np.arange(8, 12)
TABLE = AdditiveStructure.of(
    12, totals=[(0, [1, 2, 3]), (4, [5, 6, 7])],
    changes=[(int(p), int(c), int(d)) for p, c, d in zip(PREVIOUS, CURRENT, CHANGE,
                                                         strict=True)])


def _table(previous: list[float], current: list[float]) -> np.ndarray:
    prev, cur = np.asarray(previous, float), np.asarray(current, float)
    return np.concatenate([prev, cur, cur - prev])


def test_primary_suppression_alone_leaks_and_secondary_suppression_does_not() -> None:
    # Part a is 3 this period: below 5, so it is withheld.
    values = _table([30, 10, 12, 8], [25, 3, 12, 10])
    primary = primary_suppression(np.where(np.arange(12) < 8, values, np.nan))
    assert np.flatnonzero(primary).tolist() == [5]
    shown = ~primary
    # Withheld alone, it is given back twice: by the total less the parts shown, and by
    # the current value less its change.
    parts_shown = [k for k in (6, 7) if shown[k]]
    assert values[4] - values[parts_shown].sum() == values[5] == 3
    assert values[1] + values[9] == values[5]  # previous + change (current − change ↔)
    assert recoverable(values, primary, TABLE).tolist() == primary.tolist()

    result = secondary_suppression(values, primary, TABLE)
    hidden = result.mask
    # The next smallest part (c, 10) is withheld with it, and the changes of both.
    assert result.reason[5] == PRIMARY and result.reason[7] == SECONDARY
    assert result.reason[9] == DERIVED and result.reason[11] == DERIVED
    assert np.count_nonzero(hidden) == 4
    assert not recoverable(values, hidden, TABLE).any()
    # The total less the parts shown is now a + c together, not a.
    rest = values[4] - values[[k for k in (5, 6, 7) if not hidden[k]]].sum()
    assert rest == values[5] + values[7] != values[5]


def test_a_withheld_previous_value_withholds_the_change() -> None:
    values = _table([6, 2, 2, 2], [30, 10, 10, 10])
    result = secondary_suppression(values, primary_suppression(
        np.where(np.arange(12) < 8, values, np.nan)), TABLE)
    # Every previous part is below 5 (primary), so their changes are derived; the total
    # (6) needs no complement: three unknown parts share it.
    assert result.reason[[1, 2, 3]].tolist() == [PRIMARY] * 3
    assert result.reason[[9, 10, 11]].tolist() == [DERIVED] * 3
    assert result.count(SECONDARY) == 0 and not result.mask[[0, 4, 8]].any()
    assert not recoverable(values, result.mask, TABLE).any()


def test_a_rate_on_a_small_count_is_withheld_and_so_is_its_change() -> None:
    # A rate measure: previous, current, change; its count behind the current rate is 2.
    structure = AdditiveStructure.of(3, changes=[(0, 1, 2)])
    counts, bases = np.array([40.0, 2.0]), np.array([90_000.0, 91_000.0])
    rates = counts / bases * 1000
    derived = np.r_[primary_suppression(counts) | primary_suppression(bases), False]
    result = secondary_suppression(np.r_[rates, rates[1] - rates[0]], [False] * 3,
                                   structure, derived=derived)
    assert [SuppressionReason(c) for c in result.reason] == [
        SuppressionReason.NONE, DERIVED, DERIVED]
    assert result.count(DERIVED) == 2 and result.count(PRIMARY) == 0


def test_a_count_determined_only_by_several_totals_together_is_found_and_protected() -> None:
    # a + b = 9, a + c = 8, b + c = 7 (three totals shown): each total has two unknown
    # parts, yet a = (9 + 8 − 7) / 2 = 5.
    values = np.array([9.0, 8.0, 7.0, 5.0, 4.0, 3.0])
    structure = AdditiveStructure.of(6, totals=[(0, [3, 4]), (1, [3, 5]), (2, [4, 5])])
    hidden = np.array([False, False, False, True, True, True])
    assert recoverable(values, hidden, structure).tolist() == hidden.tolist()
    result = secondary_suppression(values, hidden, structure)
    assert result.count(SECONDARY) >= 1
    assert not recoverable(values, result.mask, structure).any()


def test_missing_values_protect_like_withheld_ones() -> None:
    # Part c is not available: the total less the parts shown is a + c, not a.
    values = _table([30, 10, 12, 8], [25, 3, 12, np.nan])
    primary = primary_suppression(values[:8])
    result = secondary_suppression(values, np.r_[primary, [False] * 4], TABLE)
    assert result.count(SECONDARY) == 0


# --------------------------------------------------------------------------- invariants


@st.composite
def tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, AdditiveStructure]:
    """Groups of a total and its parts over two periods, with each row's change; some
    counts small, some missing."""
    n_groups = draw(st.integers(1, 3))
    sizes = [draw(st.integers(2, 5)) for _ in range(n_groups)]
    counts = st.one_of(st.integers(0, 6), st.integers(0, 60))
    rows = []
    for size in sizes:
        parts = np.array([[draw(counts), draw(counts)] for _ in range(size)], float)
        rows.append(np.vstack([parts.sum(axis=0), parts]))
    grid = np.vstack(rows)                                  # rows × (previous, current)
    missing = draw(st.lists(st.booleans(), min_size=grid.size, max_size=grid.size))
    grid[np.asarray(missing).reshape(grid.shape) & (draw(st.integers(0, 4)) == 0)] = np.nan
    n = len(grid)
    values = np.concatenate([grid[:, 0], grid[:, 1], grid[:, 1] - grid[:, 0]])
    totals, start = [], 0
    for size in sizes:
        for period in (0, n):
            totals.append((start + period, [start + period + 1 + k for k in range(size)]))
        start += size + 1
    structure = AdditiveStructure.of(
        3 * n, totals=totals, changes=[(r, n + r, 2 * n + r) for r in range(n)])
    primary = np.r_[primary_suppression(values[:2 * n]), np.zeros(n, bool)]
    return values, primary, structure


@given(tables())
def test_no_withheld_cell_can_be_worked_out(
        table: tuple[np.ndarray, np.ndarray, AdditiveStructure]) -> None:
    values, primary, structure = table
    result = secondary_suppression(values, primary, structure)
    hidden = result.mask
    unknown = hidden | np.isnan(values)
    assert (result.reason[primary] == PRIMARY).all()
    # Not as a total less the parts shown ...
    for row in structure.sums:
        members = np.flatnonzero(row)
        if hidden[members].any():
            assert unknown[members].sum() >= 2
    # ... nor as current − change or previous + change ...
    for previous, current, change in structure.changes:
        if hidden[previous] or hidden[current]:
            assert hidden[change]
    # ... nor by any combination of the totals.
    assert not recoverable(values, hidden, structure).any()


@given(tables())
def test_suppression_only_adds_and_stops(
        table: tuple[np.ndarray, np.ndarray, AdditiveStructure]) -> None:
    values, primary, structure = table
    result = secondary_suppression(values, primary, structure)
    again = secondary_suppression(values, result.mask, structure)
    assert (again.mask == result.mask).all()  # the result is already safe: nothing to add
    assert result.mask[primary].all()


def test_a_total_less_the_parts_shown_is_not_left_a_small_count() -> None:
    # Total 20 of 1, 1, 10 and 8: the two 1s are withheld, and neither can be worked out
    # alone, but 20 - 10 - 8 = 2 says the two together are 2, itself a count below 5.
    # Given the threshold, the smallest part shown (8) is withheld too: then 10.
    s = AdditiveStructure.of(5, totals=[(0, [1, 2, 3, 4])])
    values, primary = [20, 1, 1, 10, 8], primary_suppression([20, 1, 1, 10, 8], threshold=5)
    plain = secondary_suppression(values, primary, s)
    assert [str(SuppressionReason(c)) for c in plain.reason] == [
        "none", "primary", "primary", "none", "none"]
    r = secondary_suppression(values, primary, s, threshold=5)
    assert [str(SuppressionReason(c)) for c in r.reason] == [
        "none", "primary", "primary", "none", "secondary"]
    # Withheld parts that already add up to the threshold need nothing more (4 + 1).
    r = secondary_suppression([25, 4, 1, 10, 10], primary_suppression(
        [25, 4, 1, 10, 10], threshold=5), s, threshold=5)
    assert r.count(SuppressionReason.SECONDARY) == 0
    # A total withheld, or a part not available, keeps the sum unknown to the reader.
    nan = float("nan")
    for vals in ([20, 1, 1, 10, nan], [3, 1, 1, 1, 0]):
        r = secondary_suppression(vals, primary_suppression(vals, threshold=5), s,
                                  threshold=5)
        assert r.count(SuppressionReason.SECONDARY) == 0, vals


@given(tables(), st.sampled_from([5, 10]))
def test_no_total_shown_gives_a_small_sum_of_withheld_parts(
        table: tuple[np.ndarray, np.ndarray, AdditiveStructure], threshold: int) -> None:
    values, _, structure = table
    primary = np.r_[primary_suppression(values[:2 * (len(values) // 3)],
                                        threshold=threshold),
                    np.zeros(len(values) // 3, bool)]
    result = secondary_suppression(values, primary, structure, threshold=threshold)
    hidden = result.mask
    for row in structure.sums:
        parts, total = np.flatnonzero(row > 0), int(np.flatnonzero(row < 0)[0])
        if hidden[total] or np.isnan(values[total]) or np.isnan(values[parts]).any():
            continue  # the reader cannot take the parts shown from the total
        withheld = parts[hidden[parts]]
        if withheld.size and (~hidden[parts]).any():
            assert values[withheld].sum() >= threshold
    assert not recoverable(values, hidden, structure).any()
