"""Tests for perfcore.calc.benchmark: the Fingertips benchmark rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import Reason, compare_to_benchmark
from perfcore.codes import Assessment, Relation
from perfcore.errors import ShapeError

# --- compare_to_benchmark ---------------------------------------------------------------

def test_benchmark_rule_labels() -> None:
    # Fingertips rule: benchmark outside the force's own CI -> higher/lower, else similar;
    # limits inclusive (a benchmark equal to a limit is "similar").
    r = compare_to_benchmark([15.9, 15.9, 15.9, 15.9, 15.9],
                             [15.0, 15.0, 15.0, 15.0, np.nan],
                             [16.8, 16.8, 16.8, 16.8, 16.8],
                             [14.3, 17.0, 15.5, 15.0, 14.3], polarity="higher")
    assert r.relation.tolist() == ["higher", "lower", "similar", "similar", "not_compared"]
    assert r.assessment.tolist() == ["better", "worse", "similar", "similar", "not_compared"]
    assert r.code.tolist() == [1, -1, 0, 0, 0]
    assert r.reasons[4] == Reason.MISSING
    low = compare_to_benchmark(48618, 48000, 49000, 50000, polarity="lower_is_better")
    assert (str(low.relation), str(low.assessment)) == ("lower", "better")
    neutral = compare_to_benchmark([10, 10], [9, 9], [11, 11], [5, 10], polarity="neutral")
    assert neutral.assessment.tolist() == ["higher", "similar"]


def test_benchmark_several_confidence_levels() -> None:
    lower = [[14.9], [14.5]]   # 95% and 99.8% limits
    upper = [[16.9], [17.3]]
    r = compare_to_benchmark(15.9, lower, upper, 14.7, polarity="higher", confidence=(95, 99.8))
    assert r.confidence == (0.95, 0.998)
    assert r.assessment[:, 0].tolist() == ["better", "similar"]
    with pytest.raises(ShapeError):
        compare_to_benchmark(15.9, 15, 17, 14, polarity="higher", confidence=(95, 99.8))


@given(st.floats(-1e3, 1e3), st.floats(0, 100), st.floats(0, 100), st.floats(0, 100),
       st.floats(-1e3, 1e3), st.sampled_from(["higher", "lower", "neutral"]))
def test_widening_ci_never_creates_a_difference(v: float, a: float, b: float, widen: float,
                                                bm: float, pol: str) -> None:
    narrow = compare_to_benchmark(v, v - a, v + b, bm, polarity=pol)
    wide = compare_to_benchmark(v, v - a - widen, v + b + widen, bm, polarity=pol)
    if str(narrow.relation) == "similar":
        assert str(wide.relation) == "similar"


def test_benchmark_stores_codes_and_derives_names() -> None:
    r = compare_to_benchmark([15.9, 15.9, 15.9, 10.0], [15.0, 15.0, np.nan, 9.0],
                             [16.8, 16.8, 16.8, 11.0], [14.3, 17.0, 15.5, 5.0],
                             polarity=["lower", "lower", "lower", "neutral"])
    assert (r.relation_code.dtype, r.assessment_code.dtype) == (np.int8, np.int8)
    assert r.relation_code.tolist() == [Relation.HIGHER, Relation.LOWER,
                                        Relation.NOT_COMPARED, Relation.HIGHER]
    assert r.assessment_code.tolist() == [Assessment.WORSE, Assessment.BETTER,
                                          Assessment.NOT_COMPARED, Assessment.HIGHER]
    assert r.relation.tolist() == ["higher", "lower", "not_compared", "higher"]
    assert r.assessment.tolist() == ["worse", "better", "not_compared", "higher"]
