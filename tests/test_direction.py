"""Tests for perfcore.calc.direction: arrows, assessments and Fingertips-style trends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.calc import Reason, direction_of_travel, trend_test
from perfcore.calc.direction import TREND_LABEL, TREND_LABELS
from perfcore.codes import Direction, TrendMarker
from perfcore.errors import OptionError
from perfcore.i18n import translator
from perfcore.labels import direction_phrase

EN = translator("en")


def test_seed_001_directions() -> None:
    # DOMAIN.md / seed 001: all crime 57,116 -> 48,618 is ↓ and improving (lower is better);
    # outcome rate 11.8% -> 15.9% is ↑ and improving (higher is better).
    crime = direction_of_travel(current=48618, previous=57116, polarity="lower_is_better")
    assert (str(crime.arrow), str(crime.assessment)) == ("↓", "improving")
    assert float(crime.change) == -8498
    rate = direction_of_travel(current=15.9, previous=11.8, polarity="higher_is_better")
    assert (str(rate.arrow), str(rate.assessment), int(rate.code)) == ("↑", "improving", 1)


def test_methods_and_signal() -> None:
    cur, prev = [15.9, 12.0, 11.8, 11.0], [11.8, 11.8, 11.8, 11.8]
    sign = direction_of_travel(current=cur, previous=prev, polarity="higher")
    assert sign.arrow.tolist() == ["↑", "↑", "→", "↓"]
    assert sign.assessment.tolist() == ["improving", "improving", "no_change", "deteriorating"]
    thr = direction_of_travel(current=cur, previous=prev, polarity="higher", method="threshold",
                              tolerance=0.5)
    assert thr.assessment.tolist() == ["improving", "no_change", "no_change", "deteriorating"]
    sig = direction_of_travel(current=cur, previous=prev, polarity="higher", method="significance",
                              significant=[True, False, False, True])
    assert sig.arrow.tolist() == ["↑", "↑", "→", "↓"]  # arrow = sign even if not significant
    assert sig.assessment.tolist() == ["improving", "no_change", "no_change", "deteriorating"]
    assert direction_phrase(sig, EN).tolist() == ["improving", "no significant change",
                                                  "no significant change", "deteriorating"]
    assert sig.method == "significance"


def test_neutral_and_missing() -> None:
    r = direction_of_travel(current=[120.0, 100.0, np.nan], previous=[100.0, 100.0, 100.0],
                            polarity="neutral")
    assert r.arrow.tolist() == ["↑", "→", ""]
    assert r.assessment.tolist() == ["not_assessed", "no_change", "not_assessed"]
    assert direction_phrase(r, EN).tolist() == ["increased", "no change", "not assessed"]
    assert r.reasons[2] == Reason.MISSING


def test_bad_options() -> None:
    with pytest.raises(OptionError, match="'sign', 'threshold', 'significance', 'trend'"):
        direction_of_travel(current=1, previous=2, polarity="higher", method="vibes")
    with pytest.raises(OptionError):
        direction_of_travel(current=1, previous=2, polarity="higher", method="threshold")
    with pytest.raises(OptionError):
        direction_of_travel(current=1, previous=2, polarity="sideways")


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.sampled_from(["higher", "lower"]))
def test_swapping_flips_arrow(a: float, b: float, pol: str) -> None:
    fwd = direction_of_travel(current=a, previous=b, polarity=pol)
    back = direction_of_travel(current=b, previous=a, polarity=pol)
    assert int(fwd.code) == -int(back.code)
    if a != b:
        assert {str(fwd.assessment), str(back.assessment)} == {"improving", "deteriorating"}


def test_chi_square_trend_matches_r_example() -> None:
    # R stats ?prop.trend.test example: smokers <- c(83, 90, 129, 70);
    # patients <- c(86, 93, 136, 82); prop.trend.test(smokers, patients)
    # -> X-squared = 8.2249, df = 1.
    r = trend_test(numerator=[83, 90, 129, 70], denominator=[86, 93, 136, 82], points=4,
                   leave_one_out="off")
    assert float(r.statistic) == pytest.approx(8.2249, abs=5e-5)
    assert str(r.label) == "no_significant_change"  # below 9.5495


def test_chi_square_trend_equals_n_r_squared() -> None:
    # Independent check: the Cochran-Armitage X² (variance p̄(1-p̄)) equals N·r², r the
    # Pearson correlation between the 0/1 outcome and period over all N individuals.
    x = np.array([12, 15, 19, 25, 31])
    n = np.array([100, 100, 100, 100, 100])
    t = np.repeat(np.arange(1, 6), n)
    y = np.concatenate([np.r_[np.ones(k), np.zeros(m - k)] for k, m in zip(x, n, strict=True)])
    r = np.corrcoef(t, y)[0, 1]
    res = trend_test(numerator=x, denominator=n, polarity="higher", leave_one_out="off")
    assert float(res.statistic) == pytest.approx(n.sum() * r**2, rel=1e-12)
    assert str(res.label) == "increasing_and_getting_better"


def test_weighted_regression_matches_statsmodels() -> None:
    sm = pytest.importorskip("statsmodels.api")
    y = np.array([[50.0, 48.0, 45.0, 41.0, 40.0], [50.0, 51.0, 49.0, 50.0, 50.5]])
    half = np.array([[2.0, 2.5, 1.5, 2.0, 3.0], [2.0, 2.0, 2.0, 2.0, 2.0]])
    t = np.arange(1.0, 6.0)
    # Fingertips (fingertips-open TrendMarkerCalculator.IsSignificant) takes
    # SE = (UpperCI95 - LowerCI95) / 3.92, i.e. half / 1.96; the "weighted_p" rule (the
    # one perfcore used before) divides by 2z with the exact z = 1.959963984540054.
    for slopes, z in (("fingertips", 1.96), ("weighted_p", 1.959963984540054)):
        res = trend_test(y, lower=y - half, upper=y + half, polarity="lower", slopes=slopes)
        for i in range(2):
            w = 1 / (half[i] / z) ** 2
            fit = sm.WLS(y[i], sm.add_constant(t), weights=w).fit(cov_type="fixed scale")
            assert res.slope[i] == pytest.approx(fit.params[1], rel=1e-10)
            assert res.statistic[i] == pytest.approx((fit.params[1] / fit.bse[1]) ** 2,
                                                     rel=1e-10)
        assert res.label.tolist() == ["decreasing_and_getting_better", "no_significant_change"]


def test_trend_leave_one_out_and_missing() -> None:
    # A single jump in the last point makes X² large, but dropping that point removes
    # the rise: the "significance" guard refuses the trend, "off" reports it.
    x, n = [100, 100, 100, 100, 300], [1000] * 5
    assert str(trend_test(numerator=x, denominator=n, leave_one_out="off").label) == \
        "increasing"
    assert str(trend_test(numerator=x, denominator=n, leave_one_out="significance").label) \
        == "no_significant_change"
    r = trend_test(numerator=[[1, 2, np.nan, 4, 5]], denominator=[[10] * 5])
    assert r.label.tolist() == ["could_not_be_calculated"]
    assert r.reasons[0] & Reason.MISSING
    short = trend_test(numerator=[1, 2, 3], denominator=[10, 10, 10])
    assert str(short.label) == "could_not_be_calculated"
    assert short.reasons & Reason.TOO_FEW
    d = direction_of_travel(polarity="lower", method="trend",
                            numerator=[10, 20, 30, 40, 50], denominator=[100] * 5)
    assert (str(d.arrow), str(d.assessment)) == ("↑", "deteriorating")
    assert str(d.trend.label) == "increasing_and_getting_worse"  # type: ignore[union-attr]


def test_results_store_codes_and_derive_names() -> None:
    # The assessment and trend marker are Code values (one byte each); the names are
    # the codes' names, so the strings above and the codes always agree.
    r = direction_of_travel(current=[15.9, 11.8, 11.0, np.nan], previous=[11.8] * 4,
                            polarity="higher")
    assert r.assessment_code.dtype == np.int8
    assert r.assessment_code.tolist() == [Direction.IMPROVING, Direction.NO_CHANGE,
                                          Direction.DETERIORATING, Direction.NOT_ASSESSED]
    assert r.assessment.tolist() == [str(Direction(c)) for c in r.assessment_code]
    t = trend_test(numerator=[[10, 20, 30, 40, 50], [10, 10, 10, 10, 10]],
                   denominator=[[100] * 5] * 2, polarity="lower")
    assert t.label_code.dtype == np.int8
    assert t.label_code.tolist() == [TrendMarker.INCREASING_AND_GETTING_WORSE,
                                     TrendMarker.NO_SIGNIFICANT_CHANGE]
    assert TrendMarker.names() == TREND_LABELS
    assert np.dtype(TREND_LABEL).itemsize >= t.label.dtype.itemsize


@pytest.mark.parametrize("level", [(0.95, 0.998), [0.95], "x", 0.0, 100.0])
def test_trend_ci_confidence_is_one_level(level: object) -> None:
    # Found by the thorough hypothesis profile: a tuple of levels reached the normal
    # quantile and failed with a bare TypeError. One level is meant; anything else is an
    # OptionError naming the option.
    with pytest.raises(OptionError, match="ci_confidence="):
        trend_test(numerator=[28, 13, 13, 14, 8], denominator=[48, 40, 90, 76, 23],
                        slopes="weighted_p", ci_confidence=level)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="ci_confidence="):
        direction_of_travel(numerator=[28, 13, 13, 14, 8],
                            denominator=[48, 40, 90, 76, 23], polarity="higher",
                            method="trend", ci_confidence=level)  # type: ignore[arg-type]


def test_trend_ci_confidence_as_a_percentage_is_the_fraction() -> None:
    kw = dict(numerator=[28, 13, 13, 14, 8], denominator=[48, 40, 90, 76, 23],
              slopes="weighted_p")
    a = trend_test(ci_confidence=99.8, **kw)  # type: ignore[arg-type]
    b = trend_test(ci_confidence=0.998, **kw)  # type: ignore[arg-type]
    assert str(a.label) == str(b.label) and float(a.statistic) == float(b.statistic)
