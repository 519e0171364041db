"""The calc API is hard to misuse (issue 19, item 3).

- Two-period calculations take their periods by keyword only: swapped positional
  arguments would flip a change's sign silently.
- Per cents given where fractions are taken raise an error that says so.
- One polarity vocabulary (``Polarity.parse``) for plans, SPC, direction of travel and
  benchmark comparisons.
- Scalar inputs give Python numbers, array inputs arrays, in every result field.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore import calc
from perfcore.calc.spc import xmr, xmr_batch
from perfcore.codes import Polarity
from perfcore.errors import (
    InvalidInputWarning,
    KeywordArgumentError,
    OptionError,
    SeriesError,
    TrialLimitsWarning,
)

# --------------------------------------------------------------------------- keywords

#: Each two-period calculation, its keyword-only periods, and a call by position as the
#: old positional signatures took it.
TWO_PERIOD: list[tuple[Callable[..., Any], tuple[str, ...], tuple[Any, ...]]] = [
    (calc.pct_change, ("current", "previous"), (48618, 57116)),
    (calc.pp_change, ("current", "previous"), (0.159, 0.118)),
    (calc.cagr, ("first", "last", "years"), (100, 164.3032, 3)),
    (calc.direction_of_travel, ("current", "previous"), (48618, 57116)),
    (calc.rate_ratio_ci, ("previous", "current"), (57116, 48618)),
    (calc.pp_change_ci, ("previous", "previous_n", "current", "current_n"),
     (6740, 57116, 7730, 48618)),
    (calc.mean_change_test,
     ("previous", "previous_sd", "previous_n", "current", "current_sd", "current_n"),
     (20.82, 2.8049, 15, 22.9867, 1.9526, 15)),
]


def test_pct_change_by_position_shows_the_keyword_form() -> None:
    with pytest.raises(TypeError) as e:
        calc.pct_change(48618, 57116)  # type: ignore[misc]
    assert isinstance(e.value, KeywordArgumentError)
    assert str(e.value) == ("pct_change takes current= and previous= by keyword: "
                            "pct_change(current=48618, previous=57116)")
    # Written as the message says, the call gives seed 001's −14.9%.
    assert round(calc.pct_change(current=48618, previous=57116).value, 1) == -14.9


@pytest.mark.parametrize(("fn", "keywords", "args"), TWO_PERIOD,
                         ids=[f.__name__ for f, _, _ in TWO_PERIOD])
def test_two_period_functions_take_their_periods_by_keyword(
        fn: Callable[..., Any], keywords: tuple[str, ...], args: tuple[Any, ...]) -> None:
    params = inspect.signature(fn).parameters  # introspectable through the wrapper
    for name in keywords:
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY, name
    extra = {"polarity": "lower"} if fn is calc.direction_of_travel else {}
    with pytest.raises(KeywordArgumentError) as e:
        fn(*args, **extra)
    shown = ", ".join(f"{k}={v!r}" for k, v in zip(keywords, args, strict=True))
    assert e.value.keywords == keywords
    assert e.value.call.startswith(f"{fn.__name__}({shown}")
    # The call the message shows works.
    fn(**dict(zip(keywords, args, strict=True)), **extra)


def test_the_keyword_form_gives_the_published_figures() -> None:
    # Seed 001: 11.8% (6,740 of 57,116) → 15.9% (7,730 of 48,618): +4.1 pp, significant.
    d = calc.pp_change_ci(current=7730, current_n=48618, previous=6740, previous_n=57116)
    assert round(d.value, 1) == 4.1 and d.significant is True
    # 57,116 → 48,618 crimes: a ratio of 0.851 (−14.9%).
    r = calc.rate_ratio_ci(current=48618, previous=57116)
    assert round(r.ratio, 3) == 0.851 and round(r.pct_change, 1) == -14.9
    # Welch's t-test, Wikipedia example 1: t = 2.46 for the current mean above the previous.
    m = calc.mean_change_test(current=22.9867, current_sd=1.9526, current_n=15,
                              previous=20.82, previous_sd=2.8049, previous_n=15)
    assert round(m.statistic, 2) == 2.46
    assert calc.direction_of_travel(current=48618, previous=57116,
                                    polarity="lower").assessment == "improving"


# --------------------------------------------------------------------------- per cents


def test_per_cents_for_a_fraction_raise_a_clear_error() -> None:
    with pytest.raises(OptionError) as e:
        calc.pp_change(current=15.9, previous=11.8)
    assert isinstance(e.value, ValueError)
    message = str(e.value)
    assert "per cents" in message and "fractions from 0 to 1" in message
    assert "divide by 100: 15.9 → 0.159" in message
    # Either argument on its own, and arrays wholly in (1, 100].
    with pytest.raises(OptionError, match="previous="):
        calc.pp_change(current=0.159, previous=11.8)
    with pytest.raises(OptionError, match="per cents"):
        calc.pp_change(current=[15.9, 78.9, np.nan], previous=[0.118, 0.822, 0.5])
    with pytest.raises(OptionError, match="funnel_limits takes proportions as fractions"):
        calc.funnel_limits([100, 200], statistic="proportion", baseline=14.3)


def test_a_stray_value_above_1_stays_a_per_element_reason() -> None:
    # Some values are fractions: the one above 1 is a data error, NaN with X_GT_N.
    with pytest.warns(InvalidInputWarning, match="1 element"):
        r = calc.pp_change(current=[0.159, 15.9], previous=[0.118, 0.118])
    assert round(float(r.value[0]), 1) == 4.1
    assert np.isnan(r.value[1]) and r.flag(calc.Reason.X_GT_N)[1]
    # 1 is a fraction (100%), and above 100 is not a per cent.
    assert calc.pp_change(current=1.0, previous=0.5).value == 50.0
    with pytest.warns(InvalidInputWarning):
        assert np.isnan(calc.pp_change(current=150.0, previous=0.5).value)


# --------------------------------------------------------------------------- polarity

SERIES = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]


@pytest.mark.parametrize("spelling", Polarity.spellings())
def test_one_polarity_vocabulary_everywhere(spelling: str) -> None:
    sign = Polarity.parse(spelling).sign
    name = {1: "increase", -1: "decrease", 0: "neutral"}[sign]
    assert xmr(SERIES, improvement=spelling).improvement == name
    assert xmr(SERIES, polarity=spelling).improvement == name
    assert xmr_batch([SERIES], improvement=[spelling]).improvement.tolist() == [sign]
    # Crime falls from 57,116 to 48,618.
    dot = calc.direction_of_travel(current=48618, previous=57116, polarity=spelling)
    assert dot.assessment == {1: "deteriorating", -1: "improving", 0: "not_assessed"}[sign]
    # An outcome rate of 15.9% (interval 15.2–16.6) against England and Wales' 14.3%.
    cmp = calc.compare_to_benchmark(15.9, 15.2, 16.6, 14.3, polarity=spelling)
    assert cmp.assessment == {1: "better", -1: "worse", 0: "higher"}[sign]


def test_xmr_points_to_its_own_option_names() -> None:
    with pytest.raises(OptionError) as e:
        xmr(SERIES, rules="mdc_v5")
    assert e.value.option == "rules" and "profile=" in str(e.value)
    assert "mdc_v5" in str(e.value)
    with pytest.raises(OptionError, match="improvement= or polarity="):
        xmr(SERIES, improvement="lower", polarity="lower")
    with pytest.raises(OptionError) as e:
        xmr(SERIES, improvement="sideways")
    assert e.value.option == "improvement" and "lower" in e.value.allowed


# --------------------------------------------------------------------------- scalars

#: Every calc function whose results are figures, with scalar arguments (and a factory
#: for the keyword arguments that are arrays for the array case).
SCALAR_CALLS: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
    ("pct_change", calc.pct_change, {"current": 48618, "previous": 57116}),
    ("pp_change", calc.pp_change, {"current": 0.159, "previous": 0.118}),
    ("cagr", calc.cagr, {"first": 100, "last": 164.3032, "years": 3}),
    ("proportion_ci", calc.proportion_ci, {"x": 7730, "n": 48618}),
    ("count_ci", calc.count_ci, {"x": 48618}),
    ("rate_ci", calc.rate_ci, {"x": 48618, "population": 600_000}),
    ("mean_ci", calc.mean_ci, {"mean": 10.0, "sd": 2.0, "n": 30}),
    ("pp_change_ci", calc.pp_change_ci,
     {"current": 7730, "current_n": 48618, "previous": 6740, "previous_n": 57116}),
    ("rate_ratio_ci", calc.rate_ratio_ci, {"current": 48618, "previous": 57116}),
    ("mean_change_test", calc.mean_change_test,
     {"current": 12.0, "current_sd": 3.0, "current_n": 40, "previous": 10.0,
      "previous_sd": 2.0, "previous_n": 30}),
    ("direction_of_travel", calc.direction_of_travel,
     {"current": 48618, "previous": 57116, "polarity": "lower"}),
    ("compare_to_benchmark", calc.compare_to_benchmark,
     {"value": 15.9, "lower": 15.2, "upper": 16.6, "benchmark": 14.3, "polarity": "higher"}),
    ("funnel_limits", calc.funnel_limits,
     {"size": 48618, "statistic": "proportion", "baseline": 0.143}),
]
_NOT_ARRAYS = {"polarity", "statistic"}


def _figures(result: Any) -> dict[str, Any]:
    """The result's numeric fields (names, methods and tuples of levels aside)."""
    out = {}
    for f in attrs.fields(type(result)):
        v = getattr(result, f.name)
        if (isinstance(v, np.ndarray) and v.dtype.kind in "biuf") or isinstance(
                v, (np.generic, float, int)):
            out[f.name] = v
    return out


@pytest.mark.parametrize(("name", "fn", "kwargs"), SCALAR_CALLS,
                         ids=[n for n, _, _ in SCALAR_CALLS])
def test_scalar_inputs_give_python_numbers(name: str, fn: Callable[..., Any],
                                           kwargs: dict[str, Any]) -> None:
    figures = _figures(fn(**kwargs))
    assert figures, name
    for field, v in figures.items():
        assert type(v) in (float, int, bool), f"{name}.{field} is {type(v).__name__}"


@pytest.mark.parametrize(("name", "fn", "kwargs"), SCALAR_CALLS,
                         ids=[n for n, _, _ in SCALAR_CALLS])
def test_array_inputs_give_arrays_with_the_same_figures(name: str, fn: Callable[..., Any],
                                                        kwargs: dict[str, Any]) -> None:
    scalar = _figures(fn(**kwargs))
    arrays = {k: (v if k in _NOT_ARRAYS else [v, v]) for k, v in kwargs.items()}
    result = _figures(fn(**arrays))
    for field, v in result.items():
        if type(v) in (float, int, bool):  # an option echoed (multiplier), not a figure
            assert v == scalar[field]
            continue
        assert isinstance(v, np.ndarray) and v.shape[-1] == 2, f"{name}.{field}"
        np.testing.assert_array_equal(v[..., 0], scalar[field], err_msg=f"{name}.{field}")


@given(st.floats(0, 1e6), st.floats(1, 1e6))
def test_pct_change_of_scalars_is_a_float(current: float, previous: float) -> None:
    r = calc.pct_change(current=current, previous=previous)
    assert type(r.value) is float and type(r.absolute) is float
    assert r.value == pytest.approx((current - previous) / previous * 100, rel=1e-12)
    assert r.absolute == current - previous


# ------------------------------------------------------------- ints beyond a float

#: An int no float can hold: float(HUGE) and np.asarray(HUGE, float) raise OverflowError.
HUGE = 10**400


@pytest.mark.parametrize("call", [
    lambda: calc.proportion_ci(2, 10, confidence=HUGE),
    lambda: calc.rate_ratio_ci(current=5, previous=4, confidence=(0.95, -HUGE)),
    lambda: calc.compare_to_benchmark(1, 0.5, 1.5, 1, polarity="higher", confidence=HUGE),
    lambda: calc.trend_test([[1.0, 2, 3, 4, 5]], lower=[[0.5] * 5], upper=[[6.0] * 5],
                            ci_confidence=HUGE),
], ids=["proportion_ci", "rate_ratio_ci", "compare_to_benchmark", "trend_test"])
def test_a_level_too_large_for_a_float_is_the_usual_option_error(call: Callable[[], Any]
                                                                 ) -> None:
    with pytest.raises(OptionError, match=r"confidence=-?\d+ \.\.\.: not a level") as info:
        call()
    assert abs(info.value.value) == HUGE  # type: ignore[arg-type]


@pytest.mark.parametrize(("call", "option"), [
    (lambda: calc.pct_change(current=2, previous=1, small_base=HUGE), "small_base"),
    (lambda: calc.descriptive_band([1.0, 2, 3], members=np.ones((3, 3), bool), k=HUGE), "k"),
    (lambda: calc.trend_test([[1.0, 2, 3, 4, 5]], lower=[[0.5] * 5], upper=[[6.0] * 5],
                             critical_value=HUGE), "critical_value"),
    (lambda: calc.funnel_axis([10, 100], statistic="proportion", points=HUGE), "points"),
    (lambda: calc.round_half_away(1.5, float("inf")), "decimals"),  # type: ignore[arg-type]
    (lambda: calc.round_half_away(1.5, 2.7), "decimals"),  # type: ignore[arg-type]
], ids=["small_base", "k", "critical_value", "points", "decimals_inf", "decimals_fraction"])
def test_an_option_beyond_a_float_is_an_option_error(call: Callable[[], Any], option: str
                                                     ) -> None:
    with pytest.raises(OptionError) as info:
        call()
    assert info.value.option == option


def test_an_element_beyond_a_float_is_non_finite_input_like_1e400() -> None:
    # numpy reads the text "1e400" as inf; an int as large is the same input: NaN with
    # NON_FINITE and one warning, the other elements computed, not a bare OverflowError.
    with pytest.warns(InvalidInputWarning):
        r = calc.pct_change(current=[HUGE, 48618, -HUGE], previous=57116)
    with pytest.warns(InvalidInputWarning):
        as_text = calc.pct_change(current=["1e400", 48618, "-1e400"], previous=57116)
    np.testing.assert_array_equal(r.reasons, as_text.reasons)
    assert [bool(x) for x in r.flag(calc.Reason.NON_FINITE)] == [True, False, True]
    assert np.isnan(r.value[[0, 2]]).all()
    assert round(float(r.value[1]), 1) == -14.9  # seed 001's All Crime change


def test_descriptive_band_ddof_beyond_a_float_leaves_every_group_too_few() -> None:
    members = np.ones((3, 3), bool)
    huge = calc.descriptive_band([1.0, 2, 3], members=members, ddof=HUGE)
    as_many = calc.descriptive_band([1.0, 2, 3], members=members, ddof=3)
    assert huge.ddof == HUGE
    assert np.isnan(huge.lower).all() and (huge.reasons == as_many.reasons).all()
    assert all(r & calc.Reason.TOO_FEW for r in huge.reasons.tolist())


def test_spc_options_and_values_beyond_a_float() -> None:
    values = [float(v) for v in range(1, 25)]
    with pytest.raises(SeriesError, match="value inf is not finite") as info:
        xmr([*values[:3], HUGE, *values[4:]])
    assert info.value.position == 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrialLimitsWarning)
        assert xmr(values, short_group=HUGE).trial.all()
    # A baseline longer than the series is every point, whatever its size.
    longest = xmr(values, baseline=len(values))
    np.testing.assert_array_equal(xmr(values, baseline=HUGE).mean, longest.mean)
    # A target beyond a float is +inf, as a target of float("inf") is.
    beyond = xmr(values, target=HUGE)
    assert beyond.target == float("inf")
    assert beyond.assurance == xmr(values, target=float("inf")).assurance
