"""Tests for perfcore.calc.funnel: funnel limits and significance, overdispersion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from perfcore.calc import (
    Reason,
    funnel_axis,
    funnel_limits,
    funnel_significance,
    overdispersion,
)
from perfcore.errors import InvalidInputWarning, OptionError

DATA = Path(__file__).parent / "data"


def _csv(name: str, cols: tuple[int, ...], dtype: type = float) -> np.ndarray:
    with open(DATA / name) as fh:
        skip = sum(1 for line in fh if line.startswith("#")) + 1
    return np.genfromtxt(DATA / name, delimiter=",", skip_header=skip, usecols=cols,
                         dtype=dtype, autostrip=True)


# --- funnels against PHEindicatormethods ------------------------------------------------

def test_proportion_funnel_significance_matches_phe() -> None:
    # ukhsa-collaboration/PHEindicatormethods tests/testthat/testFunnels.R,
    # "Significance for proportions calculates correctly" (data commit 3352ce5d).
    num, den = _csv("phe_funnel_prop_inputs.csv", (0, 1)).T
    expected = _csv("phe_funnel_prop_inputs.csv", (2,), str)
    r = funnel_significance(num, den, statistic="proportion")
    assert r.label.tolist() == expected.tolist()
    assert float(r.baseline) * 100 == pytest.approx(80.642448, abs=1e-6)


def test_proportion_funnel_limits_match_phe() -> None:
    # PHEindicatormethods testFunnels.R "confidence limits calculate correctly for
    # proportions" (testdata_funnel_prop_outputs.csv, commit 63894a99): axis and limits.
    num, den = _csv("phe_funnel_prop_inputs.csv", (0, 1)).T
    out = _csv("phe_funnel_prop_outputs.csv", (0, 1, 2, 3, 4, 5))
    axis = funnel_axis(den, statistic="proportion")
    np.testing.assert_array_equal(axis, out[:, 0])
    lim = funnel_limits(axis, statistic="proportion", baseline=num.sum() / den.sum(),
                        multiplier=100)
    for i, name in enumerate(["lower_2s", "upper_2s", "lower_3s", "upper_3s"], start=1):
        # The reference CSV is rounded to 6 decimals.
        np.testing.assert_allclose(getattr(lim, name), out[:, i], atol=1e-6, rtol=0)
    np.testing.assert_allclose(lim.baseline, 80.642448, atol=1e-6)


def test_ratio_funnel_significance_matches_phe() -> None:
    # PHEindicatormethods testFunnels.R "Significance for ratios calculates correctly"
    # (testdata_funnel_ratio_inputs.csv, commit b79d6448).
    obs, exp = _csv("phe_funnel_ratio_inputs.csv", (0, 1)).T
    expected = _csv("phe_funnel_ratio_inputs.csv", (2,), str)
    assert funnel_significance(obs, exp, statistic="ratio").label.tolist() == expected.tolist()


def test_ratio_funnel_limits_match_phe() -> None:
    # PHEindicatormethods testFunnels.R "confidence limits calculate correctly for ratios
    # (count)" and "(isr)", testdata_funnel_ratio_outputs.csv (commit 8ac28e54).
    out = _csv("phe_funnel_ratio_outputs.csv", tuple(range(13)))
    obs = out[:, 0]
    phe = funnel_limits(obs, statistic="ratio", ratio_type="count", poisson="phe_bisection")
    isr = funnel_limits(obs, statistic="ratio", ratio_type="isr", multiplier=100,
                        poisson="phe_bisection")
    for name, (x_col, count_col) in {"lower_2s": (1, 2), "upper_2s": (4, 5),
                                     "lower_3s": (7, 8), "upper_3s": (10, 11)}.items():
        np.testing.assert_allclose(getattr(phe, name + "_x"), out[:, x_col], rtol=1e-6)
        np.testing.assert_allclose(getattr(phe, name), out[:, count_col], rtol=1e-6)
        np.testing.assert_allclose(getattr(isr, name), out[:, count_col + 1], rtol=1e-6)
    # The exact (default) limits differ from PHE's bisection by at most its step:
    # |ΔE| <= (1 + O)·2⁻²³/(1 - v)², far below 1e-6 relative except at 1-2 events.
    exact = funnel_limits(obs, statistic="ratio", ratio_type="count")
    for name, x_col in {"lower_2s": 1, "upper_2s": 4, "lower_3s": 7, "upper_3s": 10}.items():
        np.testing.assert_allclose(getattr(exact, name + "_x"), out[:, x_col],
                                   rtol=5e-7, atol=2.5e-7)
    # Independent: P(X <= 1 | m) = 0.025 at m = 5.5716 (Poisson cdf by hand).
    m = exact.lower_2s_x[0]
    assert np.exp(-m) * (1 + m) == pytest.approx(0.025, rel=1e-10)


def test_rate_funnel_significance_matches_phe() -> None:
    # PHEindicatormethods testFunnels.R "Significance for rates ... crude per 100,000 with
    # 0" and "without 0" (testdata_funnel_rate_dsr_inputs.csv, commit 5adcb8c4).
    count, pop = _csv("phe_funnel_rate_inputs.csv", (0, 1)).T
    labels = _csv("phe_funnel_rate_inputs.csv", (3, 4), str)
    assert funnel_significance(count, pop, statistic="rate").label.tolist() == \
        labels[:, 0].tolist()
    assert funnel_significance(count[:-1], pop[:-1], statistic="rate").label.tolist() == \
        labels[:-1, 1].tolist()


def test_rate_funnel_limits_are_exact_poisson() -> None:
    # At each limit, the events sit exactly in the 0.025 tail of Poisson(baseline·pop).
    from scipy import stats
    lim = funnel_limits([20.0, 200.0], statistic="rate", baseline=7e-3, multiplier=1e5,
                        years_of_data=1)
    mean_low = 7e-3 * lim.lower_2s_x
    np.testing.assert_allclose(stats.poisson.cdf([20, 200], mean_low), 0.025, rtol=1e-9)
    np.testing.assert_allclose(lim.lower_2s, [20, 200] / lim.lower_2s_x * 1e5, rtol=1e-12)


def test_funnel_bad_input_and_options() -> None:
    with pytest.warns(InvalidInputWarning, match="1 element"):
        r = funnel_significance([5, 8, -1], [10, 10, 10], statistic="proportion")
    assert r.label.tolist()[2] == ""
    assert r.reasons[2] & Reason.NEGATIVE
    r = funnel_significance([5, 3], [10, 0], statistic="proportion")
    assert r.reasons[1] & Reason.ZERO_DENOMINATOR
    assert r.label[1] == ""
    with pytest.raises(OptionError, match="'proportion', 'ratio', 'rate'"):
        funnel_significance([1], [2], statistic="pop")
    with pytest.raises(OptionError):
        funnel_limits([10], statistic="proportion")  # no baseline
    # A trim of the wrong type is the OptionError a trim out of range is.
    for trim in ([0.1], True, "0.1"):
        with pytest.raises(OptionError, match="trim"):
            overdispersion([30, 45], [100, 120], statistic="proportion", trim=trim)


def test_overdispersion_additive() -> None:
    # Independent re-derivation of Spiegelhalter (2005) eqs. for a small set, by hand.
    x = np.array([30.0, 45, 60, 20, 90, 55, 40, 70, 35, 80])
    n = np.array([100.0, 120, 150, 90, 200, 130, 110, 160, 95, 170])
    od = overdispersion(x, n, statistic="proportion", trim=0.1)
    target = np.arcsin(np.sqrt(x.sum() / n.sum()))
    z = (np.arcsin(np.sqrt(x / n)) - target) * 2 * np.sqrt(n)
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    w = 4 * n
    tau2 = max(0.0, (10 * phi - 9) / (w.sum() - (w**2).sum() / w.sum()))
    assert float(od.phi) == pytest.approx(phi, rel=1e-12)
    assert float(od.tau2) == pytest.approx(tau2, rel=1e-12)
    assert tau2 > 0  # these data are overdispersed
    sig = funnel_significance(x, n, statistic="proportion", adjust="additive")
    plain = funnel_significance(x, n, statistic="proportion")
    # Allowing for overdispersion can only make fewer units significant.
    assert np.count_nonzero(sig.code) <= np.count_nonzero(plain.code)
    lim = funnel_limits(n, statistic="proportion", baseline=x.sum() / n.sum(), tau2=tau2)
    assert np.all(lim.upper_3s > lim.upper_2s)
    assert lim.method == "additive random effects"
