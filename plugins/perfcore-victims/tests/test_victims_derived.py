"""The victims plugin's derived measures (DA arrest rate, MARAC growth) and its DVDS case
loader, through perfcore's derive stage and load_data."""

from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from perfcore_victims import plugin
from perfcore_victims.deadlines import Status, dvds_compliance
from perfcore_victims.dvds_cases import CONTACT, DISCLOSURE, load_dvds_cases

import perfcore.plugins
from perfcore.calc import round_half_away
from perfcore.dataset import Dataset
from perfcore.derive import derive
from perfcore.errors import DataValidationError, OptionError, SkippedRowsWarning
from perfcore.io import builtin_loaders, choose_loader, load_data
from perfcore.plugins.testing import plugin_manager, registered


def _records(rows: list[tuple[str, str, str, float]]) -> Dataset:
    return Dataset.from_records([{"measure": m, "organisation": o, "period": p, "value": v}
                                 for m, o, p, v in rows])


def test_derived_measures_are_registered() -> None:
    with registered(plugin):
        got = {d.measure: d.inputs for d in perfcore.plugins.derived_measures()}
    assert got == {"victims.da_arrest_rate": ("victims.da_arrests", "victims.da_crimes"),
                   "victims.marac_referrals_average_growth": ("victims.marac_referrals",)}


def test_da_arrest_rate_from_counts() -> None:
    # Seed 003, "4 Supporting Victims", Domestic Abuse: "In 2019-20, we made 2293 arrests
    # ... an arrest rate of 27.2%"; crimes recorded "an average of ... 703 in 2019-20" a
    # month, 12 × 703 = 8,436. The second force and year are made up for the shape.
    data = _records([("victims.da_arrests", "Gwent", "2019-20", 2293),
                     ("victims.da_crimes", "Gwent", "2019-20", 8436),
                     ("victims.da_arrests", "Gwent", "2018-19", 10),
                     ("victims.da_crimes", "Gwent", "2018-19", 0),
                     ("victims.da_arrests", "Dyfed-Powys", "2019-20", 50),
                     ("victims.da_crimes", "Dyfed-Powys", "2019-20", 200)])
    out = derive(["victims.da_arrest_rate"], data, plugin_manager(plugin).registry())
    rates = {(r["organisation"], r["period"]): r for r in out.dataset.to_records()
             if r["measure"] == "victims.da_arrest_rate"}
    gwent = rates[("W15000002", "2019-20")]
    assert float(round_half_away(gwent["value"] * 100, 1)) == 27.2
    assert (gwent["numerator"], gwent["denominator"]) == (2293, 8436)
    assert rates[("W15000004", "2019-20")]["value"] == 0.25
    # No crimes recorded: no rate (never 0, never infinite).
    assert ("W15000002", "2018-19") not in rates
    assert out.measures[0].undefined == 1
    assert gwent["source"].startswith(
        "derived by plugin 'perfcore_victims.plugin' from victims.da_arrests, "
        "victims.da_crimes: domestic abuse arrests / domestic abuse crimes recorded")


def test_marac_growth_over_three_years() -> None:
    # Seed 004: "Since 2019, MARAC referrals have increased on average by 18% each year."
    # The seed gives no counts: these grow 18% a year from 2019-20 to 2022-23 for one
    # force, and +50% then +0.5% (seed 004's 2022-23 figure) for another.
    years = ["2019-20", "2020-21", "2021-22", "2022-23"]
    counts = 1000 * 1.18 ** np.arange(4)
    rows = [("victims.marac_referrals", "Gwent", y, c) for y, c in zip(years, counts,
                                                                        strict=True)]
    rows += [("victims.marac_referrals", "Dyfed-Powys", y, c)
             for y, c in zip(years, [100, 150, 150.75, 151.50375], strict=True)]
    rows += [("victims.marac_referrals", "Gwent", "Q1 2023-24", 300)]  # not yearly
    out = derive(["victims.marac_referrals_average_growth"], _records(rows),
                 plugin_manager(plugin).registry())
    growth = {(r["organisation"], r["period"]): r["value"] for r in out.dataset.to_records()
              if r["measure"] == "victims.marac_referrals_average_growth"}
    # Only 2022-23 has the three years before it.
    assert set(growth) == {("W15000002", "2022-23"), ("W15000004", "2022-23")}
    assert growth[("W15000002", "2022-23")] == pytest.approx(0.18)
    assert growth[("W15000004", "2022-23")] == pytest.approx(1.51503750 ** (1 / 3) - 1)
    (rec,) = out.measures
    assert rec.undefined == 7  # 3 + 3 early years and the quarter


def test_marac_growth_needs_every_year() -> None:
    rows = [("victims.marac_referrals", "Gwent", y, 100)
            for y in ("2019-20", "2021-22", "2022-23")]  # 2020-21 missing
    out = derive(["victims.marac_referrals_average_growth"], _records(rows),
                 plugin_manager(plugin).registry())
    assert out.measures[0].added == 0


# --- the DVDS case loader ------------------------------------------------------------
# The cases of test_victims_domain's hand-worked DVDS example, one row each, plus a
# Dyfed-Powys case in another year.
CASES = textwrap.dedent("""\
    organisation,requested,contacted,disclosed,reference
    Gwent,2023-01-02,2023-01-12,2023-01-30,A1
    Gwent,02/01/2023,13/01/2023,15/02/2023,A2
    Gwent,2023-01-02,,,A3
    Gwent,2023-01-20,,,A4
    Gwent,,2023-01-05,,A5
    Gwent,2023-01-10,2023-01-09,2023-01-31,A6
    Dyfed-Powys,2022-06-01,2022-06-03,2022-06-20,B1
    """)


def _write(tmp_path: Path, text: str = CASES, name: str = "dvds-cases-2023.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dvds_loader_counts_cases_into_compliance(tmp_path: Path) -> None:
    path = _write(tmp_path)
    with pytest.warns(SkippedRowsWarning) as caught:
        data = load_dvds_cases(path, as_of="2023-02-01", ignore_columns=["reference"])
    messages = [str(w.message) for w in caught]
    assert messages == [
        "dvds-cases-2023.csv: 1 row left out: no request date (an application counts in "
        "the period of its request) (row 6)",
        "dvds-cases-2023.csv: 1 row left out: the contact date is before the request "
        "date (left out of the 10-day contact rate) (row 7)"]
    recs = {(r["measure"], r["organisation"], r["period"]): r for r in data.to_records()}
    # As the hand-worked example: contact 1 of 4 met; disclosure 2 of 4, 1 pending.
    contact = recs[(CONTACT, "W15000002", "2022-23")]
    assert (contact["numerator"], contact["denominator"], contact["value"]) == (1, 4, 0.25)
    disclosure = recs[(DISCLOSURE, "W15000002", "2022-23")]
    assert (disclosure["numerator"], disclosure["denominator"]) == (2, 4)
    assert disclosure["source"] == (
        "dvds-cases-2023.csv: 5 DVDS applications; disclosure within 28 days: 2 met, "
        "2 late, 1 pending as of 2023-02-01")
    assert contact["source"].endswith("0 pending as of 2023-02-01, 1 dated before the "
                                      "request")
    # Each application is counted in the financial year of its request.
    assert recs[(CONTACT, "W15000004", "2022-23")]["value"] == 1.0
    assert len(recs) == 4


def test_dvds_loader_by_quarter_and_pending_periods(tmp_path: Path) -> None:
    path = _write(tmp_path, textwrap.dedent("""\
        organisation,requested,contacted,disclosed
        Gwent,2023-01-02,2023-01-05,2023-01-20
        Gwent,2023-04-03,2023-04-04,
        """))
    with pytest.warns(SkippedRowsWarning, match=r"pending: no application .* 28-day "
                      r"disclosure deadline by 2023-04-10, .* \(row 3\)"):
        data = load_dvds_cases(path, as_of=np.datetime64("2023-04-10"), period="quarter")
    got = {(r["measure"], r["period"]): r["value"] for r in data.to_records()}
    assert got == {(CONTACT, "Q4 2022-23"): 1.0, (DISCLOSURE, "Q4 2022-23"): 1.0,
                   (CONTACT, "Q1 2023-24"): 1.0}


def test_dvds_loader_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, "organisation,requested,contacted,disclosed\n"
                            "Gwent,2023-13-01,,\nGwnet,2023-01-01,,\n")
    with pytest.raises(OptionError, match="needs as_of"):
        load_dvds_cases(path)
    with pytest.raises(DataValidationError) as info:
        load_dvds_cases(path, as_of="2023-02-01")
    text = str(info.value)
    assert "row 2, column 'requested': '2023-13-01' is not a date" in text
    assert "row 3, column 'organisation'" in text and "Gwnet" in text
    with pytest.raises(DataValidationError, match="missing required column disclosed"):
        load_dvds_cases(_write(tmp_path, "organisation,requested,contacted\nGwent,,\n",
                               name="dvds-cases-b.csv"), as_of="2023-02-01")


def test_dvds_loader_is_chosen_by_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "organisation,requested,contacted,disclosed\n"
                            "Gwent,2023-01-02,2023-01-05,2023-01-20\n")
    with registered(plugin, builtin_loaders):
        assert choose_loader(path).name == "dvds_cases"
        data = load_data(path, as_of="2023-03-01", progress=False)
    assert sorted(data.measures) == [CONTACT, DISCLOSURE]


# Every row is accounted for: each row is either counted in exactly one observation's
# denominator, pending (in an observation's source), or reported as left out.
day = st.integers(0, 400)
case = st.tuples(st.booleans(), day, st.one_of(st.none(), st.integers(-3, 40)),
                 st.one_of(st.none(), st.integers(-3, 60)),
                 st.sampled_from(["Gwent", "Dyfed-Powys"]))
_LEFT_OUT = re.compile(r": (\d+) rows? left out: (.*) \(rows? [\d, and more]+\)$")
_PENDING = re.compile(r"(\d+) pending as of")


@settings(max_examples=40)
@given(st.lists(case, min_size=1, max_size=25))
def test_every_row_is_accounted_for(tmp_path_factory: pytest.TempPathFactory,
                                    cases: list[tuple[bool, int, int | None, int | None, str]],
                                    ) -> None:
    start = np.datetime64("2022-01-01")
    lines = ["organisation,requested,contacted,disclosed"]
    for has_request, d, c, x, org in cases:
        req = start + d
        lines.append(",".join([org, str(req) if has_request else "",
                               "" if c is None else str(req + c),
                               "" if x is None else str(req + x)]))
    path = tmp_path_factory.mktemp("dvds") / "dvds-cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = load_dvds_cases(path, as_of="2023-03-01")
    assert all(issubclass(w.category, SkippedRowsWarning) for w in caught)
    left_out: dict[str, int] = {}
    for w in caught:
        match = _LEFT_OUT.search(str(w.message))
        assert match is not None, str(w.message)
        left_out[match.group(2)] = int(match.group(1))
    recs = data.to_records()
    no_request = sum(1 for c in cases if not c[0])
    assert left_out.pop("no request date (an application counts in the period of its "
                        "request)", 0) == no_request
    for measure, what in ((CONTACT, "contact"), (DISCLOSURE, "disclosure")):
        mine = [r for r in recs if r["measure"] == measure]
        known = sum(r["denominator"] for r in mine)
        pending = sum(int(m.group(1)) for r in mine if (m := _PENDING.search(r["source"])))
        other = sum(n for reason, n in left_out.items() if f" {what} " in reason)
        assert known + pending + other + no_request == len(cases), what
    # And the figures agree with dvds_compliance run on all the dated rows at once.
    dated = [c for c in cases if c[0]]
    req = [start + d for _, d, _, _, _ in dated]
    contacted = ["NaT" if c is None else q + c for (_, _, c, _, _), q in zip(dated, req,
                                                                              strict=True)]
    r = dvds_compliance(req, contacted, contacted, as_of="2023-03-01")
    met = sum(rec["numerator"] for rec in recs if rec["measure"] == CONTACT)
    assert met == np.count_nonzero(r.contact.status == Status.MET)
