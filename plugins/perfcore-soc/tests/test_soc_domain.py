"""The SOC domain: published measures, the seed's MSHT table, the 4P mix and index."""

from __future__ import annotations

import math

import numpy as np
import pytest
from perfcore_soc import examples, plugin
from perfcore_soc.disruption import disruption_index, pillar_mix
from perfcore_soc.measures import MEASURES

import perfcore.plugins
from perfcore import MeasureKind, Polarity
from perfcore.errors import OptionError, ShapeError
from perfcore.plugins.testing import registered


def test_measures_are_published_under_soc() -> None:
    with registered(plugin):
        ids = [m.id for m in perfcore.plugins.measures()]
        cash = perfcore.plugins.get_measure("soc.cash_seized")
    assert len(ids) == len(MEASURES) == 23  # 2 OCG + 8 + 3 disruption + 7 MSHT + 3 others
    assert {"soc.disruptions_pursue", "soc.disruptions_prepare", "soc.disruptions_major",
            "soc.county_lines_closed", "soc.msht_nrm_referrals"} <= set(ids)
    assert (cash.kind, cash.polarity, cash.unit) == (
        MeasureKind.MONEY, Polarity.HIGHER_IS_BETTER, "£")


def test_msht_table_rows_sum_to_the_published_totals() -> None:
    # Seed 003's table: Total 272, 513, 425.
    sums = tuple(int(x) for x in np.sum(list(examples.MSHT_TABLE.values()), axis=0))
    assert sums == examples.MSHT_TOTALS == (272, 513, 425)
    local = {m.id for m in MEASURES}
    assert set(examples.MSHT_TABLE) <= local
    assert set(examples.OCGS_APRIL_2020) <= local


def test_pillar_mix_shares_and_balance() -> None:
    mix = pillar_mix([6, 2, 1, 1])
    assert mix.shares.tolist() == [0.6, 0.2, 0.1, 0.1]
    assert mix.share("pursue") == 0.6
    expected = -(0.6 * math.log(0.6) + 0.2 * math.log(0.2) + 2 * 0.1 * math.log(0.1))
    assert mix.balance == pytest.approx(expected / math.log(4))
    assert mix.total == 10.0


def test_pillar_mix_extremes_and_empty_rows() -> None:
    mix = pillar_mix([[5, 5, 5, 5], [9, 0, 0, 0], [0, 0, 0, 0]])
    assert isinstance(mix.balance, np.ndarray)
    assert mix.balance[0] == pytest.approx(1.0)
    assert mix.balance[1] == 0.0
    assert math.isnan(mix.balance[2])
    assert np.isnan(mix.shares[2]).all()
    with pytest.raises(OptionError):
        mix.share("protection")
    with pytest.raises(ShapeError):
        pillar_mix([1, 2, 3])


def test_disruption_index_weights_and_per_ocg() -> None:
    assert disruption_index([2, 3, 4]) == 3 * 2 + 2 * 3 + 4
    assert disruption_index([2, 3, 4], weights=(5, 1, 0)) == 13
    # Per mapped OCG (seed 003: 31 OCGs): 16 / 31.
    assert disruption_index([2, 3, 4], per_ocg=31) == pytest.approx(16 / 31)
    out = disruption_index([[1, 0, 0], [0, 0, 1]], per_ocg=[0, 2])
    assert isinstance(out, np.ndarray)
    assert math.isnan(out[0])
    assert out[1] == 0.5
    with pytest.raises(OptionError):
        disruption_index([1, 1, 1], weights=(1, -1, 1))
