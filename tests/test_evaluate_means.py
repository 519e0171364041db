"""A change in a mean (e.g. the average time to attend an emergency) is tested by Welch's
t-test where the data give each period's standard deviation and sample size, and says
which input is missing where they do not (issue 15: no judgement without a test)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from perfcore.codes import Direction, UntestedReason
from perfcore.dataset import Dataset
from perfcore.evaluation import Evaluation, evaluate
from perfcore.model import Measure, Outcome, Plan, Priority

PLAN = Plan(id="p", title="Response", priorities=[Priority(
    id="response", title="Response", outcomes=[Outcome(id="o", statement="Quicker response",
                                                       measures=[Measure(
        id="attend_minutes", name="Average time to attend (minutes)", kind="mean",
        polarity="lower")])])])


def _evaluation(**fields: list[float]) -> Evaluation:
    rows = {"measure": ["attend_minutes"] * 2, "organisation": ["Gwent"] * 2,
            "period": ["2019-20", "2020-21"], **fields}
    return evaluate(PLAN, Dataset.from_columns(**rows), period="2020-21")  # type: ignore[arg-type]


def test_a_mean_is_tested_by_welch_as_scipy_computes_it() -> None:
    ev = _evaluation(value=[14.2, 13.1], sd=[9.8, 9.1], sample_size=[1820.0, 1945.0])
    welch = stats.ttest_ind_from_stats(13.1, 9.1, 1945, 14.2, 9.8, 1820, equal_var=False)
    assert ev.test.method == ("welch",)
    assert bool(ev.test.tested[0, 0])
    assert float(ev.test.pvalue[0, 0]) == pytest.approx(welch.pvalue, rel=1e-12)
    assert bool(ev.test.significant[0, 0]) is bool(welch.pvalue < 0.05) is True
    # 1.1 minutes quicker, significant: improving, lower being better.
    assert ev.direction.assessment[0, 0] == Direction.IMPROVING
    # The current mean's interval is Student's t: 13.1 ± t(0.975; 1944) · 9.1 / √1945.
    half = stats.t.ppf(0.975, 1944) * 9.1 / np.sqrt(1945)
    assert float(ev.interval.lower[0, 0]) == pytest.approx(13.1 - half, rel=1e-12)
    assert float(ev.interval.upper[0, 0]) == pytest.approx(13.1 + half, rel=1e-12)


@pytest.mark.parametrize(("fields", "why"), [
    ({"value": [14.2, 13.1]}, UntestedReason.NO_SD),
    ({"value": [14.2, 13.1], "sd": [9.8, 9.1]}, UntestedReason.NO_BASE),
    ({"value": [14.2, 13.1], "sample_size": [1820.0, 1945.0]}, UntestedReason.NO_SD),
])
def test_an_untested_mean_says_which_input_is_missing(fields: dict[str, list[float]],
                                                      why: UntestedReason) -> None:
    ev = _evaluation(**fields)
    assert not ev.test.tested[0, 0]
    assert ev.test.untested[0, 0] == why
    assert ev.direction.assessment[0, 0] != Direction.IMPROVING


def test_explain_names_welchs_test_for_a_mean() -> None:
    # It named the conditional exact test of two counts, which a mean is never tested by.
    ev = _evaluation(value=[14.2, 13.1], sd=[9.8, 9.1], sample_size=[1820.0, 1945.0])
    for figure in ("significant", "pvalue"):
        explained = ev.explain("attend_minutes", figure)
        assert explained.method == "mean_change_test"
    assert "Welch" in ev.explain("attend_minutes", "significant").formula
