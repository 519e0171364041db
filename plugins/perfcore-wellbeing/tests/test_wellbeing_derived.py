"""The wellbeing plugin's derived measures and its absence spell loader, through
perfcore's derive stage and load_data."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from perfcore_wellbeing import plugin
from perfcore_wellbeing.absence import bradford_from_spells
from perfcore_wellbeing.absence_spells import DAYS_LOST, OVER_TRIGGER, load_absence_spells

import perfcore.plugins
from perfcore.calc import round_half_away
from perfcore.dataset import Dataset
from perfcore.derive import derive
from perfcore.errors import DataValidationError, OptionError, SkippedRowsWarning
from perfcore.io import builtin_loaders, load_data
from perfcore.plugins.testing import plugin_manager, registered


def _data(rows: list[tuple[str, str, str, float]]) -> Dataset:
    return Dataset.from_records([{"measure": f"wellbeing.{m}", "organisation": o,
                                  "period": p, "value": v} for m, o, p, v in rows])


def _derive(data: Dataset, *measures: str) -> dict[tuple[str, str, str], dict[str, float]]:
    out = derive([f"wellbeing.{m}" for m in measures], data,
                 plugin_manager(plugin).registry())
    return {(r["measure"].removeprefix("wellbeing."), r["organisation"], r["period"]): r
            for r in out.dataset.to_records()
            if r["measure"].removeprefix("wellbeing.") in measures}


def test_derived_measures_are_registered() -> None:
    with registered(plugin):
        got = [d.measure for d in perfcore.plugins.derived_measures()]
    assert got == ["wellbeing.bradford_over_trigger", "wellbeing.eap_usage_rate",
                   "wellbeing.officers_ethnic_minority",
                   "wellbeing.officers_ethnic_minority_shortfall",
                   "wellbeing.working_days_lost_per_fte"]


def test_shares_and_days_per_fte() -> None:
    # Seed 003 ("Wellbeing") publishes EAP usage of 1.72% "against headcount" without
    # the counts; 43 users of a headcount of 2,500 (made up) give 1.72%.
    got = _derive(_data([("eap_users", "Gwent", "2019-20", 43),
                         ("workforce_headcount", "Gwent", "2019-20", 2500),
                         ("workforce_headcount", "Dyfed-Powys", "2019-20", 0),
                         ("eap_users", "Dyfed-Powys", "2019-20", 3),
                         ("working_days_lost", "Gwent", "2019-20", 20_000),
                         ("fte_strength", "Gwent", "2019-20", 2400.5)]),
                  "eap_usage_rate", "working_days_lost_per_fte")
    eap = got[("eap_usage_rate", "W15000002", "2019-20")]
    assert (eap["numerator"], eap["denominator"]) == (43, 2500)
    assert float(round_half_away(eap["value"] * 100, 2)) == 1.72
    assert ("eap_usage_rate", "W15000004", "2019-20") not in got  # no headcount: undefined
    assert got[("working_days_lost_per_fte", "W15000002", "2019-20")]["value"] == \
        pytest.approx(20_000 / 2400.5)


def test_representation_and_shortfall() -> None:
    # Seed 000: officers from an ethnic minority 2.97% in December 2021 against a
    # community share of 5.1%. The counts are not published: 30 of 1,000 officers (made
    # up, as in test_wellbeing_domain) → 3.0%, and 51 − 30 = 21 more officers needed.
    got = _derive(_data([("officers_ethnic_minority_count", "Gwent", "December 2021", 30),
                         ("officers_ethnicity_declared", "Gwent", "December 2021", 1000),
                         ("community_ethnic_minority_share", "Gwent", "December 2021",
                          0.051)]),
                  "officers_ethnic_minority", "officers_ethnic_minority_shortfall")
    share = got[("officers_ethnic_minority", "W15000002", "2021-12")]
    assert (share["value"], share["numerator"], share["denominator"]) == (0.03, 30, 1000)
    assert got[("officers_ethnic_minority_shortfall", "W15000002",
                "2021-12")]["value"] == 21


SPELLS = textwrap.dedent("""\
    organisation,person,start,days,reason
    Gwent,b,2023-04-03,1,cold
    Gwent,a,2023-05-01,10,surgery
    Gwent,b,2023-06-12,2,
    Gwent,c,2023-07-03,0.5,
    Gwent,b,2023-09-04,1,
    Gwent,d,2024-03-28,3,
    Gwent,e,,2,
    Gwent,,2023-05-02,1,
    Dyfed-Powys,x,2023-04-10,4,
    """)


def _spells(tmp_path: Path, text: str = SPELLS) -> Path:
    path = tmp_path / "absence-spells-2023-24.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_absence_spells_are_counted_per_period(tmp_path: Path) -> None:
    with pytest.warns(SkippedRowsWarning) as caught:
        data = load_absence_spells(_spells(tmp_path), ignore_columns=["reason"])
    assert [str(w.message) for w in caught] == [
        "absence-spells-2023-24.csv: 1 row left out: no start date (a spell counts in the "
        "period it starts in) (row 8)",
        "absence-spells-2023-24.csv: 1 row left out: no person (the Bradford Factor is "
        "per person) (row 9)"]
    recs = {(r["measure"], r["organisation"], r["period"]): r for r in data.to_records()}
    # Gwent 2023-24: b has 3 spells of 4 days (B = 36), a 1 of 10 (10), c 1 of 0.5, d 1 of
    # 3: nobody reaches 51. Days lost 1 + 10 + 2 + 0.5 + 1 + 3 = 17.5.
    assert recs[(DAYS_LOST, "W15000002", "2023-24")]["value"] == 17.5
    assert recs[(OVER_TRIGGER, "W15000002", "2023-24")]["value"] == 0
    assert recs[(DAYS_LOST, "W15000004", "2023-24")]["value"] == 4
    assert recs[(DAYS_LOST, "W15000002", "2023-24")]["source"] == (
        "absence-spells-2023-24.csv: 6 absence spells of 4 people starting in the period; "
        "Bradford Factor S² × D ≥ 51 over those spells")
    # The same factors as bradford_from_spells on Gwent's spells.
    ids, factors = bradford_from_spells(["b", "a", "b", "c", "b", "d"], [1, 10, 2, 0.5, 1, 3])
    assert dict(zip(ids.tolist(), factors.tolist(), strict=True)) == {
        "a": 10.0, "b": 36.0, "c": 0.5, "d": 3.0}
    # A trigger of 30 counts b; by quarter, b's spells fall in different quarters.
    with pytest.warns(SkippedRowsWarning):
        low = load_absence_spells(_spells(tmp_path), ignore_columns=["reason"], trigger=30)
    assert {r["organisation"]: r["value"] for r in low.to_records()
            if r["measure"] == OVER_TRIGGER} == {"W15000002": 1, "W15000004": 0}
    with pytest.warns(SkippedRowsWarning):
        quarters = load_absence_spells(_spells(tmp_path), ignore_columns=["reason"],
                                       period="quarter", trigger=1)
    over = {r["period"]: r["value"] for r in quarters.to_records()
            if r["measure"] == OVER_TRIGGER and r["organisation"] == "W15000002"}
    # Q1: a (10), b (2 spells, 3 days: 12); Q2: c (0.5), b (1); Q4: d (3).
    assert over == {"Q1 2023-24": 2, "Q2 2023-24": 1, "Q4 2023-24": 1}


def test_absence_spells_errors(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"row 3, column 'days': days -2 is "
                       r"negative"):
        load_absence_spells(_spells(tmp_path, "organisation,person,start,days\n"
                                              "Gwent,a,2023-04-03,1\nGwent,b,2023-04-03,-2\n"))
    with pytest.raises(OptionError, match="trigger"):
        load_absence_spells(_spells(tmp_path), trigger=-1)
    with pytest.raises(DataValidationError, match="unknown column 'reason'"):
        load_absence_spells(_spells(tmp_path))


def test_spells_to_days_per_fte_and_bradford_share(tmp_path: Path) -> None:
    # Records → counts (loader) → derived measures, as a plan's data load does.
    (tmp_path / "absence-spells.csv").write_text(textwrap.dedent("""\
        organisation,person,start,days
        Gwent,a,2023-04-03,20
        Gwent,a,2023-05-03,20
        Gwent,b,2023-06-03,2
        """), encoding="utf-8")
    (tmp_path / "strength.csv").write_text(textwrap.dedent("""\
        measure,organisation,period,value,source
        wellbeing.fte_strength,Gwent,2023-24,3.5,HR
        wellbeing.workforce_headcount,Gwent,2023-24,4,HR
        """), encoding="utf-8")
    with registered(plugin, builtin_loaders) as pm:
        data = load_data([tmp_path / "absence-spells.csv", tmp_path / "strength.csv"],
                         progress=False)
        out = derive(["wellbeing.working_days_lost_per_fte",
                      "wellbeing.bradford_over_trigger"], data, pm.registry())
    got = {r["measure"]: r for r in out.dataset.to_records()}
    assert got["wellbeing.working_days_lost_per_fte"]["value"] == pytest.approx(42 / 3.5)
    # a: 2 spells, 40 days → 160 ≥ 51; b: 2. One of a headcount of 4.
    share = got["wellbeing.bradford_over_trigger"]
    assert (share["value"], share["numerator"], share["denominator"]) == (0.25, 1, 4)
    assert "[wellbeing.staff_over_bradford_trigger: absence-spells.csv: 3 absence " \
           "spells of 2 people" in share["source"]
    assert np.isfinite(share["value"])
