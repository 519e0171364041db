"""Plugin discovery through the ``perfcore`` entry-point group, tested with fake
distributions (``*.dist-info`` folders on a monkeypatched ``sys.path``), the operator
switches, broken plugins, duplicates and the ``python -m perfcore plugins`` listing."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pluggy
import pytest

import perfcore
import perfcore.plugins as plugins
from perfcore.__main__ import main
from perfcore.errors import (
    BrokenPluginWarning,
    DuplicateNameError,
    PluginLoadError,
    UnknownMeasureError,
)
from perfcore.plugins.testing import fake_distribution, registered

_GOOD = """
from perfcore import DomainSpec, hookimpl
from perfcore.model import Measure

@hookimpl
def perfcore_register_domains():
    return [DomainSpec(name={domain!r}, title="Fake {domain}", version="9.9",
                       measures=[Measure(id="alpha", name="Alpha", kind="count",
                                         polarity="lower", unit="crimes"),
                                 Measure(id="beta_rate", name="Beta rate",
                                         kind="proportion", polarity="higher", unit="%")])]
"""


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in (plugins.ENV_ALLOW, plugins.ENV_BLOCK, plugins.ENV_DISABLE_AUTOLOAD,
                plugins.ENV_TRACE):
        monkeypatch.delenv(var, raising=False)
    plugins.reset_plugin_manager()
    yield
    plugins.reset_plugin_manager()


Install = Callable[..., Path]


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            request: pytest.FixtureRequest) -> Install:
    """Install a fake distribution whose entry point names a module written to tmp."""

    def _install(dist: str, ep: str, source: str, *, version: str = "1.2.3",
                 target: str | None = None) -> Path:
        module = f"fakeplug_{dist.replace('-', '_')}_{ep}"
        where = fake_distribution(tmp_path / dist, dist, version,
                                  {ep: target or module}, {f"{module}.py": source})
        monkeypatch.syspath_prepend(str(where))
        # The module is imported during the test; forget it afterwards.
        request.addfinalizer(lambda: sys.modules.pop(module, None))
        return where

    return _install


def only(*names: str, strict: bool = False) -> plugins.PerfcorePluginManager:
    # Allow-list the fakes so that really installed plugins do not interfere.
    return plugins.get_plugin_manager(allow=names, strict=strict)


def test_import_perfcore_loads_no_plugin_machinery() -> None:
    code = textwrap.dedent("""
        import sys, perfcore
        assert "pluggy" not in sys.modules, "pluggy imported"
        assert "perfcore.plugins" not in sys.modules
        from perfcore import hookimpl, DomainSpec
        assert "perfcore.plugins.manager" not in sys.modules, "manager module imported"
        assert not [m for m in sys.modules if m.startswith("perfcore_")], "plugin imported"
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ok"


def test_fake_distribution_is_discovered_and_its_measures_published(install: Install) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    only("lanes")
    m = perfcore.get_measure("lanes.alpha")
    assert (m.id, m.kind.value, m.polarity.value, m.unit) == (
        "lanes.alpha", "count", "lower_is_better", "crimes")
    assert [x.id for x in plugins.measures()] == ["lanes.alpha", "lanes.beta_rate"]
    (info,) = plugins.plugin_info()
    assert info == plugins.PluginInfo(
        name="lanes", distribution="acme-lanes", version="1.2.3",
        entry_point="lanes = fakeplug_acme_lanes_lanes", domains=("lanes",))


def test_uninstalling_a_distribution_removes_only_its_measures(
        install: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    rail = install("acme-rail", "rail", _GOOD.format(domain="rail"))
    only("lanes", "rail")
    assert {m.id for m in plugins.measures()} == {
        "rail.alpha", "rail.beta_rate", "lanes.alpha", "lanes.beta_rate"}
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(rail)])
    plugins.reset_plugin_manager()
    only("lanes", "rail")
    assert {m.id for m in plugins.measures()} == {"lanes.alpha", "lanes.beta_rate"}


def test_block_and_allow_lists_from_the_environment(
        install: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("acme-rail", "rail", _GOOD.format(domain="rail"))
    monkeypatch.setenv(plugins.ENV_ALLOW, "lanes, acme-rail")  # ep name or distribution
    assert [d.name for d in plugins.domains()] == ["lanes", "rail"]
    plugins.reset_plugin_manager()
    monkeypatch.setenv(plugins.ENV_BLOCK, "acme_rail")  # normalised like pip does
    assert [d.name for d in plugins.domains()] == ["lanes"]
    assert plugins.get_plugin_manager().is_blocked("acme-rail")
    plugins.reset_plugin_manager()
    monkeypatch.setenv(plugins.ENV_DISABLE_AUTOLOAD, "1")
    assert plugins.domains() == ()


def test_keyword_settings_override_the_environment(
        install: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    monkeypatch.setenv(plugins.ENV_DISABLE_AUTOLOAD, "1")
    pm = plugins.get_plugin_manager(autoload=True, allow="lanes", block=())
    assert [d.name for d in plugins.domains()] == ["lanes"]
    assert plugins.get_plugin_manager() is pm  # cached
    assert plugins.get_plugin_manager(allow="lanes", autoload=True) is pm  # same settings
    assert plugins.get_plugin_manager(autoload=False) is not pm
    assert plugins.domains() == ()


def test_allow_list_naming_a_missing_plugin_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="perfcore.plugins"):
        only("no_such_plugin")
    assert "not installed: no-such-plugin" in caplog.text


@pytest.mark.parametrize(("source", "cause"), [
    ("import does_not_exist_anywhere\n", ModuleNotFoundError),
    ("from perfcore import hookimpl\n@hookimpl\ndef perfcore_register_domains(pm):\n"
     "    return []\n", pluggy.PluginValidationError),  # argument not in the spec
    ("from perfcore import hookimpl\n@hookimpl\ndef perfcore_register_domain():\n"
     "    return []\n", pluggy.PluginValidationError),  # misspelt: check_pending()
], ids=["import-error", "bad-signature", "unknown-hook"])
def test_broken_plugin_raises_named_error_when_strict(install: Install, source: str,
                                                      cause: type[BaseException]) -> None:
    install("acme-broken", "broken", source, version="0.0.1")
    with pytest.raises(PluginLoadError) as info:
        only("broken", strict=True)
    err = info.value
    assert (err.entry_point, err.distribution, err.version) == (
        "broken = fakeplug_acme_broken_broken", "acme-broken", "0.0.1")
    assert "plugin 'broken' (acme-broken 0.0.1, entry point broken = " in str(err)
    assert isinstance(err.__cause__, cause)
    assert isinstance(err, ImportError)  # PluginLoadError is also an ImportError


def test_misspelt_hook_message_names_the_hook(install: Install) -> None:
    install("acme-broken", "broken", "from perfcore import hookimpl\n@hookimpl\n"
            "def perfcore_register_domain():\n    return []\n")
    with pytest.raises(PluginLoadError, match="unknown hook 'perfcore_register_domain'"):
        only("broken", strict=True)


def test_invalid_record_raises_named_error_at_collection(install: Install) -> None:
    install("acme-bad", "bad", textwrap.dedent("""
        from perfcore import DomainSpec, hookimpl
        from perfcore.model import Measure

        @hookimpl
        def perfcore_register_domains():
            return [DomainSpec(name="bad", title="Bad", measures=[
                Measure(id="bad.dotted", name="x", kind="count", polarity="lower")])]
    """))
    only("bad", strict=True)  # registering is fine; the record is built when collected
    with pytest.raises(PluginLoadError, match="failed in perfcore_register_domains") as info:
        plugins.measures()
    assert info.value.distribution == "acme-bad"
    assert "must be local (no dots)" in str(info.value.__cause__)


def test_wrong_return_type_is_a_load_error(install: Install) -> None:
    install("acme-bad", "bad", "from perfcore import hookimpl\n@hookimpl\n"
            "def perfcore_register_domains():\n    return {'name': 'bad'}\n")
    only("bad", strict=True)
    with pytest.raises(PluginLoadError, match="must return an iterable of DomainSpec"):
        plugins.domains()


def test_broken_plugins_are_skipped_with_a_warning(install: Install) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("acme-broken", "broken", "import does_not_exist_anywhere\n")
    install("acme-bad", "bad", "from perfcore import hookimpl\n@hookimpl\n"
            "def perfcore_register_domains():\n    raise RuntimeError('boom')\n")
    with pytest.warns(BrokenPluginWarning) as caught:
        plugins.get_plugin_manager(allow=("lanes", "broken", "bad")).registry()
    assert [d.name for d in plugins.domains()] == ["lanes"]
    assert [p.name for p in plugins.plugin_info()] == ["lanes"]
    assert [b.name for b in plugins.broken_plugins()] == ["bad", "broken"]
    text = "\n".join(str(w.message) for w in caught)
    assert "plugin 'broken' (acme-broken 1.2.3" in text
    assert "could not be imported" in text
    assert "plugin 'bad' (acme-bad 1.2.3" in text
    assert "RuntimeError: boom" in text


def test_duplicate_domain_names_both_plugins_and_distributions(install: Install) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="traffic"))
    install("other-lanes", "lanes2", _GOOD.format(domain="traffic"))
    only("lanes", "lanes2", strict=True)
    with pytest.raises(DuplicateNameError) as info:
        plugins.domains()
    err = info.value
    assert (err.kind, err.name, err.plugins) == ("domain", "traffic", ("lanes", "lanes2"))
    assert err.distributions == ("acme-lanes", "other-lanes")
    assert "acme-lanes 1.2.3" in str(err)
    assert "other-lanes 1.2.3" in str(err)


def test_two_distributions_with_one_entry_point_name(install: Install) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("other-lanes", "lanes", _GOOD.format(domain="lanes"))
    with pytest.raises(DuplicateNameError, match="two distributions advertise") as info:
        only("lanes", strict=True)
    assert info.value.kind == "plugin"
    assert set(info.value.distributions) == {"acme-lanes", "other-lanes"}


def test_unknown_measure_suggests_nearest_ids(install: Install) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    only("lanes")
    with pytest.raises(UnknownMeasureError) as info:
        perfcore.get_measure("beta_rate")  # the local id, without its domain
    assert info.value.suggestions == ("lanes.beta_rate",)
    assert "did you mean 'lanes.beta_rate'?" in str(info.value)
    with pytest.raises(UnknownMeasureError) as info:
        perfcore.get_measure("lanes.alpah")
    assert info.value.suggestions[0] == "lanes.alpha"
    assert isinstance(info.value, KeyError)


def test_unknown_measure_with_no_plugins_says_why() -> None:
    plugins.get_plugin_manager(autoload=False)
    with pytest.raises(UnknownMeasureError, match="no plugin registers any measures"):
        perfcore.get_measure("victims.satisfaction_whole_experience")


def test_trace_writes_hook_calls_to_stderr(install: Install,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    monkeypatch.setenv(plugins.ENV_TRACE, "1")
    monkeypatch.setenv(plugins.ENV_ALLOW, "lanes")
    plugins.domains()
    err = capsys.readouterr().err
    assert "perfcore_register_domains" in err
    assert "finish perfcore_register_domains" in err


def test_plugins_command_lists_everything(install: Install,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    only("lanes")
    assert main(["plugins"]) == 0
    assert capsys.readouterr().out == textwrap.dedent(f"""\
        perfcore {perfcore.__version__}: 1 plugin

        lanes  acme-lanes 1.2.3
          entry point: lanes = fakeplug_acme_lanes_lanes
          domains: lanes

        Domains (1):
          lanes  9.9  2 measures  Fake lanes

        Measures (2):
          lanes.alpha      count       lower_is_better   crimes  Alpha
          lanes.beta_rate  proportion  higher_is_better  %       Beta rate

        Derived measures: none

        Scorers: none

        Loaders: none

        Renderers: none

        Catalogues: none
        """)


def test_plugins_command_reports_a_broken_plugin_when_strict(
        install: Install, capsys: pytest.CaptureFixture[str]) -> None:
    install("acme-bad", "bad", "from perfcore import hookimpl\n@hookimpl\n"
            "def perfcore_register_domains():\n    raise RuntimeError('boom')\n")
    only("bad", strict=True)
    assert main(["plugins"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("perfcore: error: plugin 'bad' (acme-bad 1.2.3")
    assert "caused by RuntimeError: boom" in err


def test_python_dash_m_perfcore_plugins_runs(tmp_path: Path) -> None:
    # End to end in a subprocess with autoload off: the command itself works (from the
    # sources under test: a PYTHONPATH pointing at a checkout is passed on).
    path = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
    out = subprocess.run([sys.executable, "-m", "perfcore", "plugins"], capture_output=True,
                         text=True, check=True,
                         env={"PERFCORE_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": "", **path})
    assert out.stdout.startswith(f"perfcore {perfcore.__version__}: 0 plugins\n")


def test_registered_context_restores_the_previous_manager() -> None:
    before = plugins.get_plugin_manager(autoload=False)
    with registered() as pm:
        assert plugins.get_plugin_manager() is pm
    assert plugins.get_plugin_manager() is before
