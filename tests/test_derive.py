"""The derive stage (perfcore.derive): derived measures computed from a dataset's inputs,
vectorised over organisations × periods, with provenance, warnings and plugin errors."""

from __future__ import annotations

import itertools
import math
import textwrap
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore import DerivedMeasureSpec, DerivedValues, DomainSpec, hookimpl
from perfcore.dataset import Dataset
from perfcore.derive import MissingInputsWarning, derive, derive_measures
from perfcore.errors import DataError, InvalidValueError, PluginCallError, PluginResultError
from perfcore.model import Measure, Outcome, Plan, Priority
from perfcore.plugins.manager import Registry
from perfcore.plugins.testing import plugin_manager, registered

_serial = itertools.count(1)


def _rate(inputs: Any) -> DerivedValues:
    a, b = inputs.value("arrests"), inputs.value("crimes")
    return DerivedValues(value=a / b, numerator=a, denominator=b)


def _domain_plugin(*specs: DerivedMeasureSpec, name: str = "da") -> ModuleType:
    module = ModuleType(f"plugin_{next(_serial)}")

    def domains() -> list[DomainSpec]:
        return [DomainSpec(name=name, title="Domestic abuse", measures=(
            Measure(id="arrests", name="Arrests", kind="count", polarity="higher"),
            Measure(id="crimes", name="Crimes", kind="count", polarity="neutral"),
            Measure(id="arrest_rate", name="Arrest rate", kind="proportion",
                    polarity="higher"),
            Measure(id="arrest_rate_pct", name="Arrest rate (%)", kind="rate",
                    polarity="higher"),
        ))]

    module.perfcore_register_domains = hookimpl(domains)  # type: ignore[attr-defined]
    module.perfcore_register_derived_measures = hookimpl(  # type: ignore[attr-defined]
        lambda: list(specs))
    return module


RATE = DerivedMeasureSpec(measure="arrest_rate", inputs=("arrests", "crimes"), derive=_rate,
                          description="arrests / crimes recorded")


def _registry(*specs: DerivedMeasureSpec) -> Registry:
    return plugin_manager(_domain_plugin(*specs)).registry()


def _data(rows: list[tuple[str, str, str, float]], source: str = "") -> Dataset:
    return Dataset.from_records([
        {"measure": m, "organisation": o, "period": p, "value": v,
         "source": source or f"table {m}"} for m, o, p, v in rows])


def test_rate_from_counts_for_every_organisation_and_period() -> None:
    # Seed 003 (4 Supporting Victims, Domestic Abuse): 2,293 arrests; 12 × the monthly
    # average of 703 recorded offences = 8,436 → 27.18%, published as 27.2%.
    data = _data([("da.arrests", "Gwent", "2019-20", 2293),
                  ("da.crimes", "Gwent", "2019-20", 8436),
                  ("da.arrests", "Dyfed-Powys", "2019-20", 100),
                  ("da.crimes", "Dyfed-Powys", "2019-20", 400),
                  ("da.arrests", "Dyfed-Powys", "2018-19", 90),
                  ("da.crimes", "Dyfed-Powys", "2018-19", 300)])
    out = derive(["da.arrest_rate"], data, _registry(RATE))
    got = {(r["organisation"], r["period"]): r for r in out.dataset.to_records()
           if r["measure"] == "da.arrest_rate"}
    assert sorted(got) == [("W15000002", "2019-20"), ("W15000004", "2018-19"),
                           ("W15000004", "2019-20")]
    gwent = got[("W15000002", "2019-20")]
    assert gwent["value"] == pytest.approx(2293 / 8436)
    assert round(gwent["value"] * 100, 1) == 27.2
    assert (gwent["numerator"], gwent["denominator"]) == (2293, 8436)
    assert got[("W15000004", "2018-19")]["value"] == pytest.approx(0.3)
    assert gwent["source"].startswith("derived by plugin 'plugin_")
    assert gwent["source"].endswith(
        "from da.arrests, da.crimes: arrests / crimes recorded "
        "[da.arrests: table da.arrests; da.crimes: table da.crimes]")
    (rec,) = out.measures
    assert (rec.measure, rec.added, rec.held, rec.missing_inputs, rec.undefined) == (
        "da.arrest_rate", 3, 0, 0, 0)
    # The input observations are all still there, unchanged.
    assert len(out.dataset) == len(data) + 3
    assert all(r in out.dataset.to_records() for r in data.to_records())


def test_figures_in_the_data_win_over_derived_ones() -> None:
    # Seed 003 publishes 29.8% for 2018-19 without the counts behind it.
    data = _data([("da.arrests", "Gwent", "2019-20", 2293),
                  ("da.crimes", "Gwent", "2019-20", 8436),
                  ("da.arrests", "Gwent", "2018-19", 2495),
                  ("da.crimes", "Gwent", "2018-19", 8000),
                  ("da.arrest_rate", "Gwent", "2018-19", 0.298)])
    out = derive(["da.arrest_rate"], data, _registry(RATE))
    rates = {r["period"]: r["value"] for r in out.dataset.to_records()
             if r["measure"] == "da.arrest_rate"}
    assert rates == {"2018-19": 0.298, "2019-20": pytest.approx(2293 / 8436)}
    assert (out.measures[0].added, out.measures[0].held) == (1, 1)


def test_nothing_to_derive_returns_the_same_dataset() -> None:
    data = _data([("da.arrests", "Gwent", "2019-20", 2293)])
    assert derive_measures(Plan(id="p", title="P"), data, _registry(RATE)) is data
    # A measure nobody derives is left to the data.
    assert derive(["da.crimes"], data, _registry(RATE)).dataset is data


def test_missing_inputs_are_warned_about_not_dropped() -> None:
    data = _data([("da.arrests", "Gwent", "2019-20", 2293),
                  ("da.crimes", "Gwent", "2019-20", 8436),
                  ("da.arrests", "Gwent", "2018-19", 2495)])
    with pytest.warns(MissingInputsWarning, match=r"'da.arrest_rate' \(plugin 'plugin_\d+'\) "
                      r"was not derived for 1 organisation × period combination where .*"
                      r"first: Gwent 2018-19, lacking da.crimes"):
        out = derive(["da.arrest_rate"], data, _registry(RATE))
    assert out.measures[0].missing_inputs == 1
    assert out.measures[0].added == 1


def test_a_plan_measure_whose_inputs_are_absent_is_warned_about() -> None:
    data = _data([("other", "Gwent", "2019-20", 1)])
    with pytest.warns(MissingInputsWarning, match="has no data: the data hold none of its "
                      r"inputs \(da.arrests, da.crimes\)"):
        out = derive(["da.arrest_rate"], data, _registry(RATE))
    assert out.dataset is data


def test_undefined_cells_give_no_observation_and_are_counted() -> None:
    # 0 / 0 and 5 / 0: no rate (NaN and inf both mean undefined); never a numpy warning.
    data = _data([("da.arrests", "Gwent", "2019-20", 0), ("da.crimes", "Gwent", "2019-20", 0),
                  ("da.arrests", "Gwent", "2018-19", 5), ("da.crimes", "Gwent", "2018-19", 0),
                  ("da.arrests", "Gwent", "2017-18", 5), ("da.crimes", "Gwent", "2017-18", 10)])
    out = derive(["da.arrest_rate"], data, _registry(RATE))
    assert [r["period"] for r in out.dataset.to_records()
            if r["measure"] == "da.arrest_rate"] == ["2017-18"]
    assert (out.measures[0].added, out.measures[0].undefined) == (1, 2)


def test_derived_inputs_are_derived_first() -> None:
    pct = DerivedMeasureSpec(
        measure="arrest_rate_pct", inputs=("arrest_rate",),
        derive=lambda i: DerivedValues(value=i.value("arrest_rate") * 100),
        description="the arrest rate in per cent")
    data = _data([("da.arrests", "Gwent", "2019-20", 30), ("da.crimes", "Gwent", "2019-20", 120)])
    out = derive(["da.arrest_rate_pct"], data, _registry(RATE, pct))
    recs = {r["measure"]: r for r in out.dataset.to_records()}
    assert recs["da.arrest_rate_pct"]["value"] == 25.0
    assert recs["da.arrest_rate"]["value"] == 0.25  # needed, so added too
    # Provenance chains: the input's source is the derived rate's own.
    assert recs["da.arrest_rate_pct"]["source"].startswith(
        "derived by plugin 'plugin_")
    assert "[da.arrest_rate: derived by plugin" in recs["da.arrest_rate_pct"]["source"]
    assert [m.measure for m in out.measures] == ["da.arrest_rate", "da.arrest_rate_pct"]


def test_a_derived_input_given_in_some_cells_is_used_there() -> None:
    # 2018-19's rate is given (seed 003 publishes 29.8% without counts); 2019-20's is
    # derived from counts. The percentage uses both, each with its own provenance.
    pct = DerivedMeasureSpec(
        measure="arrest_rate_pct", inputs=("arrest_rate",),
        derive=lambda i: DerivedValues(value=i.value("arrest_rate") * 100),
        description="the arrest rate in per cent")
    data = _data([("da.arrests", "Gwent", "2019-20", 2293),
                  ("da.crimes", "Gwent", "2019-20", 8436),
                  ("da.arrest_rate", "Gwent", "2018-19", 0.298)], source="seed 003")
    out = derive(["da.arrest_rate_pct"], data, _registry(RATE, pct))
    got = {r["period"]: r for r in out.dataset.to_records()
           if r["measure"] == "da.arrest_rate_pct"}
    assert got["2018-19"]["value"] == pytest.approx(29.8)
    assert got["2019-20"]["value"] == pytest.approx(2293 / 8436 * 100)
    assert got["2018-19"]["source"].endswith("[da.arrest_rate: seed 003]")
    assert "[da.arrest_rate: derived by plugin" in got["2019-20"]["source"]


def test_a_cycle_of_derived_measures_is_an_error() -> None:
    a = DerivedMeasureSpec(measure="arrest_rate", inputs=("arrest_rate_pct",),
                           derive=_rate, description="a")
    b = DerivedMeasureSpec(measure="arrest_rate_pct", inputs=("arrest_rate",),
                           derive=_rate, description="b")
    data = _data([("da.arrests", "Gwent", "2019-20", 1)])
    with pytest.raises(DataError, match=r"cycle: da\.arrest_rate -> da\.arrest_rate_pct -> "
                       r"da\.arrest_rate"):
        derive(["da.arrest_rate"], data, _registry(a, b))


def test_a_derive_that_raises_names_plugin_hook_and_measure() -> None:
    spec = DerivedMeasureSpec(measure="arrest_rate", inputs=("arrests", "crimes"),
                              derive=lambda i: 1 / 0, description="d")
    data = _data([("da.arrests", "Gwent", "2019-20", 1), ("da.crimes", "Gwent", "2019-20", 2)])
    with pytest.raises(PluginCallError, match="failed: ZeroDivisionError") as info:
        derive(["da.arrest_rate"], data, _registry(spec))
    err = info.value
    assert str(err).startswith("derived measure 'da.arrest_rate' of plugin 'plugin_")
    assert (err.kind, err.name, err.hook) == ("derived_measure", "da.arrest_rate",
                                              "perfcore_register_derived_measures")
    assert isinstance(err.__cause__, ZeroDivisionError)


@pytest.mark.parametrize(("derive_fn", "message"), [
    (lambda i: {"value": i.value("arrests")}, "must return a perfcore.DerivedValues, not dict"),
    (lambda i: DerivedValues(value=i.value("arrests")[:, :1]),
     r"value has shape \(1, 1\), but derive must return arrays of shape \(1, 2\)"),
    (lambda i: DerivedValues(value=i.value("arrests"), numerator="x"),
     "numerator is not numeric"),
    (lambda i: DerivedValues(value=i.value("victims")),
     "no measure 'da.victims' in the inputs of derived measure"),
])
def test_a_broken_derive_raises_naming_plugin_and_measure(derive_fn: Any, message: str
                                                          ) -> None:
    spec = DerivedMeasureSpec(measure="arrest_rate", inputs=("arrests", "crimes"),
                              derive=derive_fn, description="d")
    data = _data([("da.arrests", "Gwent", "2019-20", 1), ("da.crimes", "Gwent", "2019-20", 2),
                  ("da.crimes", "Gwent", "2018-19", 2), ("da.arrests", "Gwent", "2018-19", 2)])
    with pytest.raises(PluginResultError, match=message) as info:
        derive(["da.arrest_rate"], data, _registry(spec))
    err = info.value
    assert str(err).startswith("derived measure 'da.arrest_rate' of plugin 'plugin_")
    assert (err.measure, err.kind) == ("da.arrest_rate", "derived_measure")
    assert err.plugin.startswith("plugin_")


def test_plan_file_load_data_derives(tmp_path: Path) -> None:
    # The wiring: a plan's data come back with its derived measures.
    (tmp_path / "data.csv").write_text(textwrap.dedent("""\
        measure,organisation,period,value,source
        da.arrests,Gwent,2019-20,2293,"seed 003, Domestic Abuse"
        da.crimes,Gwent,2019-20,8436,"seed 003, Domestic Abuse (12 x 703)"
        """), encoding="utf-8")
    (tmp_path / "plan.toml").write_text(textwrap.dedent("""\
        format = "perfcore-plan/1"
        [plan]
        title = "P"
        organisation = "Gwent"
        [[priorities]]
        id = "victims"
        title = "Supporting victims"
          [[priorities.outcomes]]
          id = "da"
          statement = "Domestic abuse"
            [[priorities.outcomes.measures]]
            use = "da.arrest_rate"
        [[data]]
        path = "data.csv"
        """), encoding="utf-8")
    from perfcore.io import builtin_loaders
    from perfcore.pipeline import load_data, load_plan

    with registered(_domain_plugin(RATE), builtin_loaders):
        pf = load_plan(tmp_path / "plan.toml")
        data = load_data(pf)
    (rate,) = [r for r in data.to_records() if r["measure"] == "da.arrest_rate"]
    assert rate["value"] == pytest.approx(2293 / 8436)
    assert "[da.arrests: seed 003, Domestic Abuse; da.crimes: seed 003, Domestic Abuse " \
           "(12 x 703)]" in rate["source"]


def test_sources_of_reports_the_derivation() -> None:
    data = _data([("da.arrests", "Gwent", "2019-20", 3), ("da.crimes", "Gwent", "2019-20", 4)],
                 source="seed")
    out = derive_measures(
        Plan(id="p", title="P", priorities=[Priority(id="v", title="V", outcomes=[
            Outcome(id="o", statement="S", measures=[
                Measure(id="da.arrest_rate", name="Rate", kind="proportion",
                        polarity="higher")])])]),
        data, _registry(RATE))
    src = out.sources_of("Gwent", ["da.arrest_rate"], ["2019-20"])
    assert src[("da.arrest_rate", "2019-20")].endswith(
        "arrests / crimes recorded [da.arrests: seed; da.crimes: seed]")


# Invariant: the derived observations are exactly the cells where every input has a
# figure, the data do not already hold the measure and the rate is defined; every input
# row is kept as it was.
cell = st.tuples(st.booleans(), st.booleans(), st.booleans(), st.integers(0, 5),
                 st.integers(0, 5))


@given(st.lists(cell, min_size=6, max_size=6))
def test_derived_cells_are_exactly_the_complete_undefined_free_gaps(
        cells: list[tuple[bool, bool, bool, int, int]]) -> None:
    orgs = ["Gwent", "Dyfed-Powys", "South Wales"]
    periods = ["2018-19", "2019-20"]
    rows = [("da.other", "Gwent", "2018-19", 1.0)]
    expected = set()
    for (o, p), (has_a, has_b, held, a, b) in zip(itertools.product(orgs, periods), cells,
                                                   strict=True):
        if has_a:
            rows.append(("da.arrests", o, p, a))
        if has_b:
            rows.append(("da.crimes", o, p, b))
        if held:
            rows.append(("da.arrest_rate", o, p, 0.5))
        elif has_a and has_b and b > 0:
            expected.add((o, p, a / b))
    data = _data(rows)
    partial = any(ha != hb and not held for ha, hb, held, _, _ in cells)
    nothing = not any(ha or hb or held for ha, hb, held, _, _ in cells)
    if any(v > 1 for _, _, v in expected):
        # More arrests than crimes: a derived proportion breaking the Dataset's rules is
        # refused, naming the plugin and the inputs, never kept as a figure.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingInputsWarning)
            with pytest.raises(InvalidValueError, match=r"is more than its denominator.*"
                               r"derived by plugin"):
                derive(["da.arrest_rate"], data, _registry(RATE))
        return
    if partial or nothing:
        with pytest.warns(MissingInputsWarning):
            out = derive(["da.arrest_rate"], data, _registry(RATE))
    else:
        out = derive(["da.arrest_rate"], data, _registry(RATE))
    derived = {(r["organisation"], r["period"], r["value"]) for r in out.dataset.to_records()
               if r.get("source", "").startswith("derived")}
    names = {"W15000002": "Gwent", "W15000004": "Dyfed-Powys", "W15000003": "South Wales"}
    assert {(names[o], p, v) for o, p, v in derived} == expected
    before = data.to_records()
    after = out.dataset.to_records()
    assert all(r in after for r in before)
    assert len(after) == len(before) + len(expected)
    assert all(not math.isnan(v) for _, _, v in derived)
    assert np.all(np.isfinite([v for _, _, v in derived]))
