"""The example plugin's test: register it for one test and look its measure up."""

from __future__ import annotations

import perfcore_roads

from perfcore import Polarity, get_measure
from perfcore.plugins.testing import registered


def test_roads_measure_is_published() -> None:
    with registered(perfcore_roads):
        measure = get_measure("roads.ksi_casualties")
    assert measure.polarity is Polarity.LOWER_IS_BETTER
    assert measure.unit == "casualties"
