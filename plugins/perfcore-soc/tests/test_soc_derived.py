"""The SOC plugin's derived measures through perfcore's derive stage: totals, the 4P
balance and the severity-weighted disruption index, for every force and period at once."""

from __future__ import annotations

import math

import pytest
from perfcore_soc import plugin
from perfcore_soc.disruption import disruption_index, pillar_mix

import perfcore.plugins
from perfcore.dataset import Dataset
from perfcore.derive import MissingInputsWarning, derive
from perfcore.plugins.testing import plugin_manager, registered

# Seed 003 publishes no disruption counts (only "31 mapped Organised Crime Groups ...
# comprising of 252 nominals" as of April 2020), so the counts below are made up; the
# 31 OCGs are the seed's.
PILLARS = {("Gwent", "2019-20"): (6, 2, 1, 1), ("Gwent", "2020-21"): (5, 5, 5, 5),
           ("Dyfed-Powys", "2019-20"): (9, 0, 0, 0)}
SEVERITY = {("Gwent", "2019-20"): (2, 3, 4), ("Dyfed-Powys", "2019-20"): (0, 1, 1)}
OCGS = {("Gwent", "2019-20"): 31, ("Dyfed-Powys", "2019-20"): 0}
CODE = {"Gwent": "W15000002", "Dyfed-Powys": "W15000004"}


def _data() -> Dataset:
    rows = []
    for (org, year), counts in PILLARS.items():
        rows += [{"measure": f"soc.disruptions_{p}", "organisation": org, "period": year,
                  "value": c} for p, c in zip(("pursue", "prevent", "protect", "prepare"),
                                             counts, strict=True)]
    for (org, year), counts in SEVERITY.items():
        rows += [{"measure": f"soc.disruptions_{s}", "organisation": org, "period": year,
                  "value": c} for s, c in zip(("major", "moderate", "minor"), counts,
                                             strict=True)]
    rows += [{"measure": "soc.ocgs_mapped", "organisation": org, "period": year, "value": n}
             for (org, year), n in OCGS.items()]
    return Dataset.from_records(rows)


def _derived(*measures: str) -> dict[tuple[str, str, str], float]:
    out = derive(list(measures), _data(), plugin_manager(plugin).registry())
    return {(r["measure"], r["organisation"], r["period"]): r["value"]
            for r in out.dataset.to_records() if r["measure"] in measures}


def test_derived_measures_are_registered() -> None:
    with registered(plugin):
        got = [d.measure for d in perfcore.plugins.derived_measures()]
    assert got == ["soc.disruption_balance", "soc.disruption_index",
                   "soc.disruption_index_per_ocg", "soc.disruptions"]


def test_total_and_balance_match_pillar_mix() -> None:
    got = _derived("soc.disruptions", "soc.disruption_balance")
    for (org, year), counts in PILLARS.items():
        mix = pillar_mix(counts)
        assert got[("soc.disruptions", CODE[org], year)] == sum(counts)
        assert got[("soc.disruption_balance", CODE[org], year)] == pytest.approx(mix.balance)
    assert got[("soc.disruption_balance", "W15000002", "2020-21")] == pytest.approx(1.0)
    assert got[("soc.disruption_balance", "W15000004", "2019-20")] == 0.0


def test_index_and_index_per_ocg() -> None:
    got = _derived("soc.disruption_index", "soc.disruption_index_per_ocg")
    assert got[("soc.disruption_index", "W15000002", "2019-20")] == 3 * 2 + 2 * 3 + 4
    # Seed 003's 31 mapped OCGs: 16 / 31 per OCG.
    assert got[("soc.disruption_index_per_ocg", "W15000002", "2019-20")] == pytest.approx(
        disruption_index((2, 3, 4), per_ocg=31))
    # No OCGs mapped: no per-OCG figure (undefined, not 0 and not infinite).
    assert ("soc.disruption_index_per_ocg", "W15000004", "2019-20") not in got
    assert got[("soc.disruption_index", "W15000004", "2019-20")] == 3
    assert not any(math.isnan(v) for v in got.values())


def test_a_force_without_severity_counts_is_reported() -> None:
    # OCGs mapped but no disruptions by severity: no per-OCG index there, and a warning.
    data = Dataset.concat([_data(), Dataset.from_records([
        {"measure": "soc.ocgs_mapped", "organisation": "South Wales", "period": "2019-20",
         "value": 40}])])
    with pytest.warns(MissingInputsWarning, match=r"'soc\.disruption_index_per_ocg'.*first: "
                      r"South Wales 2019-20, lacking soc\.disruptions_major, "
                      r"soc\.disruptions_moderate, soc\.disruptions_minor\)"):
        out = derive(["soc.disruption_index_per_ocg"], data,
                     plugin_manager(plugin).registry())
    assert (out.measures[0].added, out.measures[0].missing_inputs) == (1, 1)
