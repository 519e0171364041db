"""The victims domain: its published measures and its calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from perfcore_victims import examples, plugin
from perfcore_victims.deadlines import (
    DeadlineCompliance,
    Status,
    deadline_compliance,
    dvds_compliance,
)
from perfcore_victims.growth import annual_growth, average_annual_growth
from perfcore_victims.measures import MEASURES

import perfcore.plugins
from perfcore import MeasureKind, Polarity
from perfcore.errors import OptionError, ShapeError
from perfcore.plugins.testing import registered


def test_measures_are_published_under_the_domain_prefix() -> None:
    with registered(plugin):
        m = perfcore.plugins.get_measure("victims.satisfaction_whole_experience")
        ids = {x.id for x in perfcore.plugins.measures()}
    assert m.kind is MeasureKind.PROPORTION
    assert m.polarity is Polarity.HIGHER_IS_BETTER
    assert {f"victims.satisfaction_{s}" for s in (
        "ease_of_contact", "time_of_arrival", "treatment", "actions_taken",
        "kept_informed", "whole_experience")} <= ids
    assert len(ids) == len(MEASURES) == 16


@pytest.mark.parametrize(("local", "polarity"), [
    ("repeat_victimisation_rate", Polarity.LOWER_IS_BETTER),
    ("da_outcome16_rate", Polarity.LOWER_IS_BETTER),
    ("da_arrest_rate", Polarity.HIGHER_IS_BETTER),
    ("dvds_disclosure_within_28_days", Polarity.HIGHER_IS_BETTER),
    ("marac_referrals", Polarity.NEUTRAL),
])
def test_polarities(local: str, polarity: Polarity) -> None:
    assert {m.id: m for m in MEASURES}[local].polarity is polarity


def test_example_ids_are_measures_of_the_domain() -> None:
    local = {m.id for m in MEASURES}
    assert set(examples.SATISFACTION_2019_20) <= local
    # Seed 003: whole experience 75%, kept informed 46% (the weakest strand).
    assert examples.SATISFACTION_2019_20["satisfaction_whole_experience"] == 0.75
    assert min(examples.SATISFACTION_2019_20.values()) == 0.46


def test_seed_da_arrest_figures_reconcile() -> None:
    # Seed 003: 2,293 arrests, down 8.1% → implied 2018-19 arrests ≈ 2,495.
    implied_previous = examples.DA_ARRESTS_2019_20 / (1 + examples.DA_ARREST_CHANGE_2019_20)
    assert round(implied_previous) == 2495
    assert round((2293 / 2495 - 1) * 100, 1) == -8.1
    # The arrest rate fell 2.6 pp (29.8% → 27.2%).
    rates = examples.DA_ARREST_RATE
    assert rates["2019-20"] - rates["2018-19"] == pytest.approx(-0.026)


def test_seed_outcome16_counts_do_not_give_the_published_rate() -> None:
    o = examples.DA_OUTCOME16_DECEMBER
    assert o["nfa"] / o["custody_records"] == pytest.approx(0.7727, abs=5e-5)
    assert o["published_rate"] == 0.583  # kept as published; see the module note


# --- DVDS deadlines --------------------------------------------------------------------
REQ = ["2023-01-02", "2023-01-02", "2023-01-02", "2023-01-20", "NaT", "2023-01-10"]
CONTACT = ["2023-01-12", "2023-01-13", "NaT", "NaT", "2023-01-05", "2023-01-09"]
DISCLOSE = ["2023-01-30", "2023-02-15", "NaT", "NaT", "NaT", "2023-01-31"]


def test_dvds_statuses_by_hand() -> None:
    r = dvds_compliance(REQ, CONTACT, DISCLOSE, as_of="2023-02-01")
    # Contact: day 10 met; day 11 breached; open 30 days breached; open 12 days (req
    # 20 Jan → 1 Feb) breached (> 10); no request → invalid; before request → invalid.
    assert r.contact.status.tolist() == [Status.MET, Status.BREACHED, Status.BREACHED,
                                         Status.BREACHED, Status.INVALID, Status.INVALID]
    assert (r.contact.met, r.contact.breached, r.contact.invalid) == (1, 3, 2)
    assert r.contact.rate == 0.25
    # Disclosure: 28 days met; 44 days breached; open 30 days breached; open 12 days
    # pending (can still be met); no request invalid; 21 days met.
    assert r.disclosure.status.tolist() == [Status.MET, Status.BREACHED, Status.BREACHED,
                                            Status.PENDING, Status.INVALID, Status.MET]
    assert (r.disclosure.met, r.disclosure.assessed, r.disclosure.pending) == (2, 4, 1)
    assert r.disclosure.rate == 0.5


def test_dvds_business_days_are_stricter_over_weekends() -> None:
    # Request Fri 6 Jan 2023, contact Fri 20 Jan: 14 calendar days, 10 working days.
    cal = dvds_compliance(["2023-01-06"], ["2023-01-20"], ["NaT"], as_of="2023-01-25")
    work = dvds_compliance(["2023-01-06"], ["2023-01-20"], ["NaT"], as_of="2023-01-25",
                           business_days=True)
    assert cal.contact.status.tolist() == [Status.BREACHED]
    assert work.contact.status.tolist() == [Status.MET]


def _compliance(met: int, breached: int, pending: int = 0) -> DeadlineCompliance:
    # Cases with those outcomes against a 10-day deadline, as of 1 March 2023.
    start = ["2023-01-01"] * (met + breached + pending)
    end = (["2023-01-05"] * met + ["2023-01-20"] * breached + ["NaT"] * pending)
    if pending:
        start[-pending:] = ["2023-02-27"] * pending
    return deadline_compliance(start, end, days=10, as_of="2023-03-01")


def test_wilson_interval_matches_published_reference() -> None:
    # Wilson 95% for 1/4, independently from scipy.stats.binomtest(1, 4)
    # .proportion_ci(method="wilson"): (0.0455873, 0.6993582). The plugin's own Wilson
    # formula (before perfcore.calc.proportion_ci replaced it) gave the same bounds to
    # 1e-7 for this and the edge cases below.
    r = dvds_compliance(REQ, CONTACT, DISCLOSE, as_of="2023-02-01")
    assert (r.contact.lower, r.contact.upper) == pytest.approx((0.0455873, 0.6993582),
                                                               abs=1e-7)
    assert _compliance(0, 5).lower == 0.0
    assert _compliance(5, 0).upper == 1.0
    # Nothing has reached its deadline yet: no rate and no interval, and no warning.
    open_only = _compliance(0, 0, pending=3)
    assert open_only.pending == 3
    assert all(math.isnan(v) for v in (open_only.rate, open_only.lower, open_only.upper))


def test_dvds_rejects_bad_options() -> None:
    with pytest.raises(ShapeError):
        dvds_compliance(["2023-01-01"], [], [], as_of="2023-02-01")
    with pytest.raises(OptionError):
        dvds_compliance(["not a date"], ["NaT"], ["NaT"], as_of="2023-02-01")


def test_dvds_large_arrays_are_vectorised() -> None:
    rng = np.random.default_rng(3)
    req = np.datetime64("2023-01-01") + rng.integers(0, 300, 100_000).astype("timedelta64[D]")
    contact = req + rng.integers(0, 20, req.size).astype("timedelta64[D]")
    r = dvds_compliance(req, contact, contact, as_of="2024-01-01")
    expected = np.count_nonzero((contact - req).astype(int) <= 10) / req.size
    assert r.contact.rate == pytest.approx(expected)
    assert r.disclosure.rate == 1.0


# --- MARAC growth ---------------------------------------------------------------------
def test_average_growth_recovers_a_constant_rate() -> None:
    # 18% a year for four years (seed 004's "on average by 18% each year").
    counts = 1000 * 1.18 ** np.arange(5)
    assert average_annual_growth(counts) == pytest.approx(0.18)
    assert average_annual_growth(counts, method="arithmetic") == pytest.approx(0.18)


def test_geometric_and_arithmetic_differ_when_growth_varies() -> None:
    counts = [100, 150, 150.75]  # +50% then +0.5% (cf. seed 004's 0.5% in 2022-23)
    assert average_annual_growth(counts) == pytest.approx(math.sqrt(1.5075) - 1)
    assert average_annual_growth(counts, method="arithmetic") == pytest.approx(0.2525)
    assert annual_growth(counts) == pytest.approx([0.5, 0.005])


def test_growth_from_zero_is_nan_row_by_row() -> None:
    out = average_annual_growth([[0, 5, 10], [100, 110, 121]])
    assert isinstance(out, np.ndarray)
    assert math.isnan(out[0])
    assert out[1] == pytest.approx(0.10)
    with pytest.raises(OptionError):
        average_annual_growth([1, 2], method="mean")
    with pytest.raises(OptionError):
        average_annual_growth([1])


def test_welsh_catalogue_names_every_measure() -> None:
    # The shipped catalogue covers every text a report shows, and its .mo is compiled
    # from its .po (a stale .mo would show old names).
    from pathlib import Path

    from perfcore_victims import __file__ as package_file

    from perfcore.plugins.i18n_tools import check_catalogue, compile_mo, domain_messages, read_po

    spec = plugin.perfcore_register_domains()[0]
    po_path = (Path(package_file).parent / "locale" / "cy" / "LC_MESSAGES"
               / "perfcore_victims.po")
    po = read_po(po_path)
    assert check_catalogue(po, [m.msgid for m in domain_messages(spec)]) == []
    assert po_path.with_suffix(".mo").read_bytes() == compile_mo(po)
    with registered(plugin):
        (catalogue,) = perfcore.plugins.catalogues()
        cy = catalogue.translations("cy")
    assert catalogue.languages() == ("cy",)
    assert cy is not None
    assert cy.gettext("Satisfaction: whole experience") == "Boddhad: y profiad cyfan"
    assert cy.gettext("MARAC referrals") == "Atgyfeiriadau MARAC"


def test_welsh_report_names_victims_measures_from_the_plugin_catalogue() -> None:
    # A plan using a plugin measure gets its Welsh name from the plugin, not the plan.
    from perfcore.dataset import Dataset
    from perfcore.evaluation import evaluate
    from perfcore.model import Outcome, Plan, Priority
    from perfcore.report import build_report
    from perfcore.report.markdown import render_markdown

    with registered(plugin):
        m = perfcore.plugins.get_measure("victims.marac_referrals")
        plan = Plan(id="p", title="Plan", priorities=[Priority(id="v", title="Victims",
                    outcomes=[Outcome(id="o", statement="Victims are supported",
                                      measures=[m])])])
        data = Dataset.from_records([
            {"measure": m.id, "organisation": "Gwent", "period": p, "value": v}
            for p, v in (("2019-20", 1180), ("2020-21", 1262))])
        ev = evaluate(plan, data, period="2020-21", organisation="Gwent")
        texts = {"cy": {"Plan": "Cynllun", "Victims": "Dioddefwyr",
                        "Victims are supported": "Mae dioddefwyr yn cael eu cefnogi"}}
        md = render_markdown(build_report(ev, lang="cy", texts=texts))
    assert "| Atgyfeiriadau MARAC | 1180 | 1262 | +6.9% |" in md
    assert "MARAC referrals" not in md
