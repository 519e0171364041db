"""Lookups on an evaluation's records answer an unknown key with perfcore's own errors
(a KeyError and a ValueError from list.index reached users bare)."""

from __future__ import annotations

from pathlib import Path

import pytest

import perfcore
from perfcore.errors import UnknownOrganisationError, UnknownPeriodError
from perfcore.periods import FinancialYear

NATIONAL = Path(__file__).parents[1] / "examples" / "national" / "plan.toml"


def test_history_and_peers_lookups_name_what_is_missing() -> None:
    ev = perfcore.run(NATIONAL).evaluation
    assert ev.history.at(FinancialYear(2018)) == 1  # the plan's 2017-18 and 2018-19
    with pytest.raises(UnknownPeriodError, match="no observations for period 2010-11 "
                       r"\(it has 2017-18, 2018-19\)"):
        ev.history.at(FinancialYear(2010))
    peers = ev.peers
    assert peers.index([peers.organisations[1], peers.organisations[0]]) == [1, 0]
    with pytest.raises(UnknownOrganisationError, match="no organisation 'Gwnet' in the "
                       "comparator's members"):
        peers.index(["Gwnet"])
