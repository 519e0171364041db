"""Tests for perfcore.calc.groups: MSG averages, ranks and descriptive bands."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import (
    Reason,
    descriptive_band,
    group_average,
    rank_in_group,
)
from perfcore.errors import OptionError, ShapeError
from perfcore.i18n import translator
from perfcore.labels import rank_text

EN = translator("en")

# --- group averages ---------------------------------------------------------------------

def test_msg_pooled_average_excludes_self() -> None:
    # Outcome rate style: force 0 and 3 peers; pooled Σx/Σn, self excluded by default.
    num = np.array([[159.0, 150, 140, 160]])
    den = np.array([[1000.0, 1000, 1000, 1000]])
    members = np.ones((4, 4), dtype=bool)  # one MSG for everyone
    excl = group_average(numerator=num, denominator=den, members=members, multiplier=100)
    incl = group_average(numerator=num, denominator=den, members=members, multiplier=100,
                         include_self=True)
    assert excl.value[0, 0] == pytest.approx(15.0)        # (150+140+160)/3000
    assert incl.value[0, 0] == pytest.approx(15.225)      # 609/4000
    assert excl.n_members[0, 0] == 3
    assert incl.n_members[0, 0] == 4
    mean = group_average([[15.9, 15.0, 14.0, 16.0]], members=members, method="mean")
    assert mean.value[0, 0] == pytest.approx(15.0)
    pw = group_average([[10.0, 20.0, 30.0]], population=[[1.0, 1.0, 3.0]],
                       members=[[0, 1, 2]], self_index=[0], method="population_weighted")
    assert pw.value[0, 0] == pytest.approx((20 + 90) / 4)


def test_group_average_reports_missing_members() -> None:
    members = np.ones((3, 3), dtype=bool)
    r = group_average(numerator=[[1.0, np.nan, 3.0]], denominator=[[10.0, 10, 10]],
                      members=members)
    assert r.n_used.tolist() == [[1, 2, 1]]
    assert r.n_missing.tolist() == [[1, 0, 1]]
    assert r.reasons[0, 0] & Reason.MISSING
    assert not r.reasons[0, 1] & Reason.MISSING
    assert r.value[0, 0] == pytest.approx(0.3)
    lonely = group_average(numerator=[[1.0, np.nan]], denominator=[[10.0, 10]],
                           members=np.ones((2, 2), bool))
    assert np.isnan(lonely.value[0, 0])
    assert lonely.reasons[0, 0] & Reason.TOO_FEW


def test_group_average_bad_options() -> None:
    with pytest.raises(OptionError, match="'pooled', 'mean', 'population_weighted'"):
        group_average([[1.0]], members=[[True]], method="median")
    with pytest.raises(ShapeError):
        group_average(numerator=np.ones((2, 43)), denominator=np.ones((2, 43)),
                      members=np.ones((43, 42), dtype=bool))


# --- ranks ------------------------------------------------------------------------------

def test_rank_fifth_of_eight() -> None:
    # Seed 003: "Gwent had the 5th (out of 8) largest crime reduction (in %)" in its MSG.
    change = np.array([-9.0, -7.5, -6.1, -5.8, -5.4, -4.0, -3.2, -1.0])  # Gwent last-but-3
    r = rank_in_group(change, polarity="lower", members=[np.arange(8)], self_index=[4])
    assert r.rank.tolist() == [5]
    assert r.group_size.tolist() == [8]
    assert rank_text(r.rank, r.group_size, EN, style="out_of").tolist() == ["5th (out of 8)"]
    ties = rank_in_group([3.0, 1.0, 1.0, 2.0, np.nan], polarity="lower")
    assert ties.rank.tolist() == [4, 1, 1, 3, 0]
    assert ties.group_size.tolist() == [4, 4, 4, 4, 4]
    assert rank_text(ties.rank, ties.group_size, EN).tolist()[:2] == ["4th of 4", "1st of 4"]
    assert ties.reasons[4] == Reason.MISSING


def test_rank_within_each_msg_vectorised() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(size=(5, 43))
    members = np.zeros((43, 43), dtype=bool)
    for i in range(43):  # test fixture only: a random 7-peer MSG per force
        members[i, rng.choice(np.delete(np.arange(43), i), 7, replace=False)] = True
    r = rank_in_group(values, polarity="higher", members=members)
    assert r.rank.shape == (5, 43)
    assert np.all(r.group_size == 8)
    for m in range(5):
        for i in (0, 17, 42):
            peers = values[m, members[i] | (np.arange(43) == i)]
            assert r.rank[m, i] == 1 + np.sum(peers > values[m, i])


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=12),
       st.sampled_from(["higher", "lower"]))
def test_rank_respects_order_and_polarity(vals: list[int], pol: str) -> None:
    v = np.array(vals, dtype=float)
    r = rank_in_group(v, polarity=pol).rank
    flipped = rank_in_group(v, polarity="lower" if pol == "higher" else "higher").rank
    sign = 1 if pol == "higher" else -1
    for i in range(len(v)):
        for j in range(len(v)):
            if sign * v[i] > sign * v[j]:
                assert r[i] < r[j]
                assert flipped[i] > flipped[j]
            elif v[i] == v[j]:
                assert r[i] == r[j]
    perm = np.random.default_rng(len(vals)).permutation(len(v))
    np.testing.assert_array_equal(rank_in_group(v[perm], polarity=pol).rank, r[perm])


# --- descriptive band -------------------------------------------------------------------

def test_descriptive_band() -> None:
    vals = np.array([[20.0, 10, 12, 14, 16, 18]])
    members = np.ones((6, 6), dtype=bool)
    b = descriptive_band(vals, members=members)
    peers = vals[0, 1:]
    assert b.mean[0, 0] == pytest.approx(peers.mean())
    assert b.sd[0, 0] == pytest.approx(peers.std(ddof=1))
    assert b.position[0, 0] == "above"
    assert b.position[0, 3] == "within"
    assert "significant" not in " ".join(b.position.ravel().tolist())
