"""The wellbeing domain: published measures, Bradford Factor, representation, uplift."""

from __future__ import annotations

import math

import numpy as np
import pytest
from perfcore_wellbeing import examples, plugin
from perfcore_wellbeing.absence import (
    bradford_distribution,
    bradford_factor,
    bradford_from_spells,
    days_lost_per_fte,
)
from perfcore_wellbeing.measures import MEASURES
from perfcore_wellbeing.workforce import representation, uplift

import perfcore.plugins
from perfcore import MeasureKind, Polarity
from perfcore.errors import OptionError, ShapeError
from perfcore.plugins.testing import registered


def test_measures_are_published_under_wellbeing() -> None:
    with registered(plugin):
        ids = {m.id for m in perfcore.plugins.measures()}
        rep = perfcore.plugins.get_measure("wellbeing.officers_ethnic_minority")
        wdl = perfcore.plugins.get_measure("wellbeing.working_days_lost_per_fte")
    assert len(ids) == len(MEASURES) == 24
    assert rep.target is not None
    assert rep.target.value == examples.REPRESENTATION_BENCHMARK == 0.051
    assert (wdl.kind, wdl.polarity) == (MeasureKind.MEAN, Polarity.LOWER_IS_BETTER)


def test_bradford_factor_textbook_examples() -> None:
    # The standard illustration: 10 one-day spells → 10² × 10 = 1000;
    # one ten-day spell → 1² × 10 = 10; five two-day spells → 25 × 10 = 250.
    assert bradford_factor([10, 1, 5], [10, 10, 10]).tolist() == [1000, 10, 250]
    out = bradford_factor([2, -1, np.nan], [3, 3, 3])
    assert out[0] == 12
    assert np.isnan(out[1:]).all()
    with pytest.raises(ShapeError):
        bradford_factor([1, 2], [1, 2, 3])


def test_bradford_from_spell_records() -> None:
    staff = ["b", "a", "b", "c", "b"]
    days = [1, 10, 2, 0.5, 1]
    ids, factors = bradford_from_spells(staff, days)
    assert ids.tolist() == ["a", "b", "c"]
    assert factors.tolist() == [10.0, 9 * 4.0, 0.5]


def test_bradford_distribution_at_default_and_custom_triggers() -> None:
    factors = [0, 50, 51, 124, 125, 250, 499, 500, 1000, np.nan]
    dist = bradford_distribution(factors)
    assert dist.triggers == (51, 125, 250, 500)
    assert dist.assessed == 9
    assert dist.counts == (7, 5, 4, 2)
    assert dist.share_at(51) == pytest.approx(7 / 9)
    custom = bradford_distribution(factors, triggers=(200, 400))
    assert custom.counts == (4, 3)
    with pytest.raises(OptionError):
        bradford_distribution(factors, triggers=(125, 51))
    with pytest.raises(OptionError):
        dist.share_at(52)
    assert math.isnan(bradford_distribution([]).shares[0])


def test_days_lost_per_fte() -> None:
    assert days_lost_per_fte([900, 10, 5], [100, 0, -1]).tolist()[0] == 9.0
    assert np.isnan(days_lost_per_fte([900, 10, 5], [100, 0, -1])[1:]).all()


def test_representation_against_the_seed_benchmark() -> None:
    # Seed 000: 2.97% against 5.1% → 2.13 pp short, 58% of the benchmark.
    r = representation(examples.ETHNIC_MINORITY_OFFICERS["December 2021"],
                       examples.REPRESENTATION_BENCHMARK)
    assert r.gap_pp == pytest.approx(-2.13)
    assert r.ratio == pytest.approx(0.0297 / 0.051)
    assert math.isnan(float(r.additional_needed))
    # With an illustrative 1,000 officers: 30 in post, 51 needed → 21 more.
    assert representation(0.03, 0.051, headcount=1000).additional_needed == 21
    assert representation(0.06, 0.051, headcount=1000).additional_needed == 0
    # Progress since June 2020 (2.5%): +0.47 pp.
    change = (examples.ETHNIC_MINORITY_OFFICERS["December 2021"]
              - examples.ETHNIC_MINORITY_OFFICERS["June 2020"])
    assert round(change * 100, 2) == 0.47


def test_uplift_progress_and_shortfall() -> None:
    u = uplift([70, 120], [100, 100])
    assert isinstance(u.progress, np.ndarray)
    assert u.progress.tolist() == [0.7, 1.2]
    assert isinstance(u.shortfall, np.ndarray)
    assert u.shortfall.tolist() == [30, 0]
    assert math.isnan(float(uplift(5, 0).progress))
