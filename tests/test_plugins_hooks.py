"""Each hook, exercised through the façade; the spec records' validation; and the hook
documentation (every hook documented with an example and a version note, tested, and
docs/hooks.md generated from hookspecs.py)."""

from __future__ import annotations

import inspect
import itertools
import pickle
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import perfcore.plugins as plugins
from perfcore import (
    CatalogueSpec,
    DerivedMeasureSpec,
    DerivedValues,
    DomainSpec,
    LoaderSpec,
    RendererSpec,
    ScorerSpec,
    hookimpl,
    hookspecs,
)
from perfcore.errors import DuplicateIdError, DuplicateNameError, ModelError, PluginLoadError
from perfcore.model import Measure
from perfcore.plugins.hookdocs import hook_names, render_hooks_markdown
from perfcore.plugins.manager import KINDS
from perfcore.plugins.testing import plugin_manager, registered

ROOT = Path(__file__).resolve().parent.parent


_serial = itertools.count(1)


def _plugin(**hooks: Any) -> ModuleType:
    # A plugin is usually a module with marked functions; build one in memory.
    module = ModuleType(f"plugin_{next(_serial)}")
    for name, fn in hooks.items():
        setattr(module, name, hookimpl(fn))
    return module


def _measure(local: str, kind: str = "count", polarity: str = "lower") -> Measure:
    return Measure(id=local, name=local.replace("_", " ").title(), kind=kind,
                   polarity=polarity)


def _score(*args: Any) -> str:
    return "green"


def test_hook_perfcore_register_domains() -> None:
    a = _plugin(perfcore_register_domains=lambda: [
        DomainSpec(name="zeta", title="Z", measures=[_measure("b"), _measure("a")],
                   default_scorers={"a": "msg_significance"})])
    b = _plugin(perfcore_register_domains=lambda: (
        DomainSpec(name="alpha", title="A", measures=[_measure("x", "proportion", "up")]),))
    nothing = _plugin(perfcore_register_domains=lambda: None)
    with registered(a, b, nothing):
        assert [d.name for d in plugins.domains()] == ["alpha", "zeta"]
        assert [m.id for m in plugins.measures()] == ["alpha.x", "zeta.a", "zeta.b"]
        zeta = plugins.registry().domain("zeta")
    assert zeta.default_scorer("zeta.a") == "msg_significance"
    assert zeta.default_scorer("a") == "msg_significance"
    assert zeta.default_scorer("b") is None


def _ratio(inputs: Any) -> DerivedValues:
    a, b = inputs.value("a"), inputs.value("b")
    return DerivedValues(value=a / b, numerator=a, denominator=b)


def _domain(name: str, *local: str) -> DomainSpec:
    return DomainSpec(name=name, title=name.title(),
                      measures=[_measure(x, "proportion" if x.endswith("rate") else "count")
                                for x in local])


def test_hook_perfcore_register_derived_measures() -> None:
    p = _plugin(
        perfcore_register_domains=lambda: [_domain("zeta", "a", "b", "a_rate", "b_rate")],
        perfcore_register_derived_measures=lambda: [
            DerivedMeasureSpec(measure="b_rate", inputs=("b", "zeta.a"), derive=_ratio,
                               description="b over a"),
            DerivedMeasureSpec(measure="zeta.a_rate", inputs=["a", "b"], derive=_ratio,
                               description="a over b")])
    with registered(p):
        got = plugins.derived_measures()
        reg = plugins.registry()
        (info,) = plugins.plugin_info()
        listing = plugins.describe_plugins()
    # Stored with qualified ids, sorted by measure; local inputs are in the same domain.
    assert [(d.measure, d.inputs) for d in got] == [
        ("zeta.a_rate", ("zeta.a", "zeta.b")), ("zeta.b_rate", ("zeta.b", "zeta.a"))]
    assert reg.derived_measure("zeta.a_rate") is got[0]
    assert reg.derived_measure("zeta.a") is None
    assert info.derived_measures == ("zeta.a_rate", "zeta.b_rate")
    assert reg.provider("derived_measure", "zeta.b_rate") == info
    assert "  derived measures: zeta.a_rate, zeta.b_rate" in listing
    assert "Derived measures (2):\n  zeta.a_rate  from zeta.a, zeta.b  a over b" in listing


def test_derived_measure_must_belong_to_the_plugins_domain() -> None:
    def plugin_deriving(measure: str, *inputs: str, domains: Any = None) -> ModuleType:
        return _plugin(
            perfcore_register_domains=lambda: domains if domains is not None
            else [_domain("zeta", "a", "b", "a_rate")],
            perfcore_register_derived_measures=lambda: [DerivedMeasureSpec(
                measure=measure, inputs=inputs or ("a",), derive=_ratio, description="d")])
    cases = [
        (plugin_deriving("other.a_rate"), "only measures of its own domains"),
        (plugin_deriving("nope"), "'zeta.nope' is not a measure of domain 'zeta'"),
        (plugin_deriving("a_rate", "a", "c"), "input 'zeta.c' is not a measure"),
        (plugin_deriving("a_rate", "a", "zeta.a_rate"), "cannot be one of its own inputs"),
        (plugin_deriving("a_rate", domains=[_domain("x", "a_rate"), _domain("y", "a")]),
         "give its qualified id"),
    ]
    for plugin, message in cases:
        with pytest.raises(PluginLoadError, match="cannot define") as info:
            plugin_manager(plugin).registry()
        assert message in str(info.value.__cause__), message
    # Inputs of another plugin's domain are looked for when deriving, not at registration.
    ok = plugin_manager(plugin_deriving("a_rate", "a", "other.b")).registry()
    assert ok.derived_measures[0].inputs == ("zeta.a", "other.b")


def test_duplicate_derived_measures_across_plugins() -> None:
    def make() -> list[DerivedMeasureSpec]:
        return [DerivedMeasureSpec(measure="zeta.a_rate", inputs=("a", "b"), derive=_ratio,
                                   description="a over b")]
    one = _plugin(perfcore_register_domains=lambda: [_domain("zeta", "a", "b", "a_rate")],
                  perfcore_register_derived_measures=make)
    # A second plugin cannot derive zeta's measure (not its domain) ...
    two = _plugin(perfcore_register_domains=lambda: [_domain("zeta2", "a")],
                  perfcore_register_derived_measures=make)
    with pytest.raises(PluginLoadError, match="cannot define"):
        plugin_manager(one, two).registry()
    # ... and two derivations of one measure (local and qualified spelling) are refused,
    # naming the plugin.
    twice = _plugin(perfcore_register_domains=lambda: [_domain("zeta", "a", "b", "a_rate")],
                    perfcore_register_derived_measures=lambda: [
                        *make(), DerivedMeasureSpec(measure="a_rate", inputs=("b",),
                                                    derive=_ratio, description="b")])
    with pytest.raises(DuplicateNameError,
                       match=r"derived measure 'zeta\.a_rate' is registered by plugin"):
        plugin_manager(twice).registry()


def test_hook_perfcore_register_scorers() -> None:
    p = _plugin(perfcore_register_scorers=lambda: [
        ScorerSpec(name="rag_vs_msg", description="RAG against the MSG.", scorer=_score),
        ScorerSpec(name="on_target", description="Met the target.", scorer=_score)])
    with registered(p):
        got = plugins.scorers()
        (info,) = plugins.plugin_info()
    assert [s.name for s in got] == ["on_target", "rag_vs_msg"]
    assert got[0].scorer() == "green"
    assert info.scorers == ("on_target", "rag_vs_msg")


def test_hook_perfcore_register_loaders() -> None:
    p = _plugin(perfcore_register_loaders=lambda: [
        LoaderSpec(name="niche", description="NICHE export.", patterns="niche-*.csv",
                   load=_score)])
    with registered(p):
        (loader,) = plugins.loaders()
    assert loader.patterns == ("niche-*.csv",)


def test_hook_perfcore_register_renderers() -> None:
    p = _plugin(perfcore_register_renderers=lambda: [
        RendererSpec(name="markdown", description="Markdown.", extension=".md",
                     media_type="text/markdown", render=_score)])
    with registered(p):
        (r,) = plugins.renderers()
    assert (r.name, r.extension, r.media_type) == ("markdown", ".md", "text/markdown")


def test_hook_perfcore_register_catalogues(tmp_path: Path) -> None:
    from perfcore.plugins.i18n_tools import Message, compile_mo

    mo = tmp_path / "cy" / "LC_MESSAGES" / "roads.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(compile_mo([Message(msgid="Killed or seriously injured",
                                       msgstr="Wedi'u lladd neu eu hanafu'n ddifrifol")]))
    a = _plugin(perfcore_register_catalogues=lambda: [
        CatalogueSpec(name="roads", localedir=str(tmp_path))])
    b = _plugin(perfcore_register_catalogues=lambda: [
        CatalogueSpec(name="abc", package="perfcore", description="none shipped")])
    with registered(a, b):
        found = plugins.catalogues()
        assert [c.name for c in found] == ["abc", "roads"]
        info = {p.catalogues for p in plugins.plugin_info()}
    assert info == {("abc",), ("roads",)}
    roads = found[1]
    assert roads.languages() == ("cy",)
    assert found[0].languages() == ()  # perfcore ships no "abc" domain
    cat = roads.translations("cy")
    assert cat is not None
    assert cat.gettext("Killed or seriously injured") == "Wedi'u lladd neu eu hanafu'n ddifrifol"
    assert roads.translations("fr") is None
    with pytest.raises(ModelError, match="package="):
        CatalogueSpec(name="x")


def test_duplicate_scorer_names_across_plugins() -> None:
    def make() -> list[ScorerSpec]:
        return [ScorerSpec(name="same", description="d", scorer=_score)]
    pm = plugin_manager(_plugin(perfcore_register_scorers=make),
                        _plugin(perfcore_register_scorers=make))
    with pytest.raises(DuplicateNameError, match="scorer 'same' is registered by") as info:
        pm.registry()
    assert info.value.kind == "scorer"
    assert info.value.distributions == (None, None)  # registered directly, no distribution


def test_registry_cache_is_dropped_when_plugins_change() -> None:
    pm = plugin_manager()
    assert pm.registry().domains == ()
    pm.add_plugin(_plugin(perfcore_register_domains=lambda: [DomainSpec(name="d", title="D")]))
    assert [d.name for d in pm.registry().domains] == ["d"]


# --- records ------------------------------------------------------------------------
def test_domain_spec_validation() -> None:
    with pytest.raises(ModelError, match="domain 'Victims': the name is not valid"):
        DomainSpec(name="Victims", title="x")
    with pytest.raises(ModelError, match="title must be non-empty"):
        DomainSpec(name="v", title=" ")
    with pytest.raises(ModelError, match="must be local"):
        DomainSpec(name="v", title="V", measures=[_measure("v.a")])
    with pytest.raises(DuplicateIdError):
        DomainSpec(name="v", title="V", measures=[_measure("a"), _measure("a")])
    with pytest.raises(ModelError, match="does not define"):
        DomainSpec(name="v", title="V", measures=[_measure("a")],
                   default_scorers={"b": "x"})
    with pytest.raises(ModelError, match="Measure objects"):
        DomainSpec(name="v", title="V", measures=[{"id": "a"}])


def test_other_spec_validation() -> None:
    with pytest.raises(ModelError, match="must be callable"):
        ScorerSpec(name="s", description="d", scorer=5)  # type: ignore[arg-type]
    # A string names a callable to import on first use ("module:function").
    with pytest.raises(ModelError, match="does not name a callable"):
        ScorerSpec(name="s", description="d", scorer="not callable")
    with pytest.raises(ModelError, match="patterns"):
        LoaderSpec(name="l", description="d", patterns=(), load=_score)
    with pytest.raises(ModelError, match="start with a dot"):
        RendererSpec(name="r", description="d", extension="md", media_type="text/markdown",
                     render=_score)
    with pytest.raises(ModelError, match="media_type"):
        RendererSpec(name="r", description="d", extension=".md", media_type="markdown",
                     render=_score)


def test_derived_measure_spec_validation() -> None:
    with pytest.raises(ModelError, match="is not a measure id"):
        DerivedMeasureSpec(measure="A-rate", inputs=("a",), derive=_ratio, description="d")
    with pytest.raises(ModelError, match="is not a measure id"):
        DerivedMeasureSpec(measure="a.b.c", inputs=("a",), derive=_ratio, description="d")
    with pytest.raises(ModelError, match="one or more measures"):
        DerivedMeasureSpec(measure="r", inputs=(), derive=_ratio, description="d")
    with pytest.raises(ModelError, match="input 'B'"):
        DerivedMeasureSpec(measure="r", inputs=("a", "B"), derive=_ratio, description="d")
    with pytest.raises(ModelError, match="more than once"):
        DerivedMeasureSpec(measure="r", inputs=("a", "a"), derive=_ratio, description="d")
    with pytest.raises(ModelError, match="its own inputs"):
        DerivedMeasureSpec(measure="r", inputs=("a", "r"), derive=_ratio, description="d")
    with pytest.raises(ModelError, match="must be callable"):
        DerivedMeasureSpec(measure="r", inputs="a", derive=None,  # type: ignore[arg-type]
                           description="d")
    with pytest.raises(ModelError, match="description must be non-empty"):
        DerivedMeasureSpec(measure="r", inputs="a", derive=_ratio, description="")
    spec = DerivedMeasureSpec(measure="r", inputs="a", derive=_ratio, description="d")
    assert spec.inputs == ("a",)  # a lone string is one input
    assert (spec.name, spec.domain) == ("r", None)
    q = spec.qualified("zeta")
    assert (q.measure, q.inputs, q.domain) == ("zeta.r", ("zeta.a",), "zeta")
    assert pickle.loads(pickle.dumps(q)) == q
    with pytest.raises(ModelError, match="its own inputs"):
        DerivedMeasureSpec(measure="r", inputs="zeta.r", derive=_ratio,
                           description="d").qualified("zeta")
    with pytest.raises(ModelError, match="not a measure of domain 'other'"):
        q.qualified("other")


def test_specs_are_frozen_and_pickle() -> None:
    d = DomainSpec(name="v", title="V", measures=[_measure("a")], default_scorers={"a": "s"})
    assert pickle.loads(pickle.dumps(d)) == d
    assert d.qualified_measures()[0].id == "v.a"
    assert d.measures[0].id == "a"  # the record itself keeps local ids
    with pytest.raises(AttributeError):
        d.name = "w"  # type: ignore[misc]


# --- documentation ------------------------------------------------------------------
def test_every_hook_is_documented_with_example_and_version() -> None:
    names = hook_names()
    assert names == ["perfcore_register_domains", "perfcore_register_derived_measures",
                     "perfcore_register_scorers",
                     "perfcore_register_loaders", "perfcore_register_renderers",
                     "perfcore_register_catalogues"]
    for name in names:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "**When it is called:**" in doc, name
        assert "**What to return:**" in doc, name
        assert "```python" in doc, name
        assert "@hookimpl" in doc, name
        assert "*Added in version " in doc, name


def test_every_hook_has_a_test() -> None:
    # As datasette's tests/test_docs.py: a test called test_hook_<name> must exist.
    tested = {n.removeprefix("test_hook_") for n in globals() if n.startswith("test_hook_")}
    assert set(hook_names()) <= tested


@pytest.mark.parametrize("name", hook_names())
def test_hook_doc_examples_run(name: str) -> None:
    # Run each documented example and register it: the docs cannot show broken code.
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    code = doc.split("```python", 1)[1].split("```", 1)[0]
    ns: dict[str, Any] = {}
    exec(compile(code, f"<{name} example>", "exec"), ns)
    example = ModuleType("example")
    # Every hook the example implements (a derived measure needs its domain too).
    for hook in hook_names():
        if hook in ns:
            setattr(example, hook, ns[hook])
    pm = plugin_manager(example)
    reg = pm.registry()
    kind = next(k for k, (hook, _) in KINDS.items() if hook == name)
    assert len(getattr(reg, f"{kind}s")) == 1
    if name == "perfcore_register_derived_measures":
        _run_derived_example(reg)
    if name == "perfcore_register_scorers":
        _run_scorer_example(reg)


def _run_scorer_example(reg: Any) -> None:
    # The example scores real figures through the framework, options checked first.
    from perfcore.codes import Status
    from perfcore.dataset import Dataset
    from perfcore.errors import PlanValidationError
    from perfcore.evaluation import evaluate
    from perfcore.model import Outcome, Plan, Priority
    from perfcore.scoring import ScoringConfig, score

    rate = Measure(id="rate", name="Rate", kind="proportion", polarity="higher")
    plan = Plan(id="p", title="P", priorities=[Priority(id="q", title="Q", outcomes=[
        Outcome(id="o", statement="O", measures=[rate])])])
    data = Dataset.from_records([
        {"measure": "rate", "organisation": org, "period": p, "value": v}
        for org, v in (("Gwent", 0.6), ("Dyfed-Powys", 0.4)) for p in ("2019-20", "2020-21")])
    ev = evaluate(plan, data, period="2020-21")
    config = ScoringConfig.from_mapping({"default": {"scorer": "above_value", "value": 0.5}},
                                        scorers=reg.scorers, measure_ids=["rate"])
    s = score(ev, config, scorers=reg.scorers, domains=())
    assert [s.status_of("rate", org) for org in ("Gwent", "Dyfed-Powys")] == [
        (Status.GREEN, ("0.6 against 0.5",)), (Status.RED, ("0.4 against 0.5",))]
    with pytest.raises(PlanValidationError, match=r"default\.value: must be a number"):
        ScoringConfig.from_mapping({"default": {"scorer": "above_value", "value": "x"}},
                                   scorers=reg.scorers, measure_ids=["rate"])


def _run_derived_example(reg: Any) -> None:
    # The example's derive runs on data: 12 of 80 casualties KSI is 15%.
    from perfcore.dataset import Dataset
    from perfcore.derive import derive

    data = Dataset.from_records([
        {"measure": "roads.ksi_casualties", "organisation": "Gwent", "period": "2023-24",
         "value": 12},
        {"measure": "roads.casualties", "organisation": "Gwent", "period": "2023-24",
         "value": 80}])
    out = derive(["roads.ksi_share"], data, reg)
    (rec,) = out.dataset.to_records()[-1:]
    assert (rec["measure"], rec["value"], rec["numerator"], rec["denominator"]) == (
        "roads.ksi_share", 0.15, 12, 80)
    assert rec["source"].startswith("derived by plugin 'example' from roads.ksi_casualties")


def test_committed_hooks_page_is_generated_from_hookspecs() -> None:
    committed = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    assert committed == render_hooks_markdown(), "run: python docs/gen_hooks.py"
