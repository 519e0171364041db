"""Plugin isolation: deliberately broken plugins are named (distribution, version, entry
point, hook) and skipped with a warning while the others keep working; callables that
fail when called raise perfcore's plugin errors naming the plugin, never a traceback.

Broken plugins are built two ways: as fake installed distributions (a ``*.dist-info``
folder and a module on ``sys.path``, through ``perfcore.plugins.testing.fake_distribution``)
where discovery itself is under test, and as in-memory modules registered directly where
only their hooks matter."""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import perfcore
import perfcore.plugins as plugins
from perfcore import (
    CatalogueSpec,
    DerivedMeasureSpec,
    DomainSpec,
    LoaderSpec,
    RendererSpec,
    ScoreBlock,
    ScorerSpec,
    hookimpl,
)
from perfcore.cli import main
from perfcore.codes import Status, StatusBasis
from perfcore.dataset import Dataset
from perfcore.errors import (
    BrokenPluginWarning,
    DataError,
    DuplicateNameError,
    PluginCallError,
    PluginLoadError,
    PluginResultError,
)
from perfcore.io import builtin_loaders, load_data
from perfcore.model import Measure
from perfcore.pipeline import render, run
from perfcore.plugins.calls import LazyCallable
from perfcore.plugins.manager import KINDS, Registry
from perfcore.plugins.testing import fake_distribution, plugin_manager, registered
from perfcore.report import builtin_renderers
from perfcore.scoring import ScoringConfig, score
from perfcore.scoring import builtin as builtin_scorers

ROOT = Path(__file__).resolve().parent.parent
GWENT = ROOT / "examples" / "gwent" / "plan-2020-21.toml"
BUILTINS = (builtin_loaders, builtin_renderers, builtin_scorers)

_GOOD = """
from perfcore import DomainSpec, hookimpl
from perfcore.model import Measure

@hookimpl
def perfcore_register_domains():
    return [DomainSpec(name={domain!r}, title="Fake {domain}",
                       measures=[Measure(id="alpha", name="Alpha", kind="count",
                                         polarity="lower", unit="crimes")])]
"""

_HOOK = "from perfcore import hookimpl\n@hookimpl\ndef {hook}():\n    {body}\n"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in (plugins.ENV_ALLOW, plugins.ENV_BLOCK, plugins.ENV_DISABLE_AUTOLOAD,
                plugins.ENV_TRACE, plugins.ENV_STRICT):
        monkeypatch.delenv(var, raising=False)
    plugins.reset_plugin_manager()
    yield
    plugins.reset_plugin_manager()


Install = Callable[..., Path]


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            request: pytest.FixtureRequest) -> Install:
    """Install a fake distribution whose entry point names a module written to tmp."""

    def _install(dist: str, ep: str, source: str, *, version: str = "1.2.3") -> Path:
        module = f"fakeiso_{dist.replace('-', '_')}_{ep}"
        where = fake_distribution(tmp_path / dist, dist, version, {ep: module},
                                  {f"{module}.py": source})
        monkeypatch.syspath_prepend(str(where))
        request.addfinalizer(lambda: sys.modules.pop(module, None))
        return where

    return _install


def only(*names: str) -> Registry:
    """The registry of the allow-listed plugins, the warnings of skipped ones caught."""
    return plugins.get_plugin_manager(allow=names).registry()


_serial = itertools.count(1)


def _plugin(**hooks: Any) -> ModuleType:
    module = ModuleType(f"iso_plugin_{next(_serial)}")
    for name, fn in hooks.items():
        setattr(module, name, hookimpl(fn))
    return module


# --- broken at import --------------------------------------------------------------

class _Custom(BaseException):
    """A BaseException that is neither SystemExit nor KeyboardInterrupt."""


@pytest.mark.parametrize(("source", "reason"), [
    ("import does_not_exist_anywhere\n",
     "ModuleNotFoundError: No module named 'does_not_exist_anywhere'"),
    ("raise ValueError('bad config')\n", "ValueError: bad config"),
    ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
    ("import sys\nsys.exit()\n", "SystemExit"),
    (f"from {__name__} import _Custom\nraise _Custom('odd')\n", "_Custom: odd"),
], ids=["import-error", "exception", "sys-exit-3", "sys-exit", "base-exception"])
def test_a_plugin_that_fails_at_import_is_named_and_skipped(install: Install, source: str,
                                                            reason: str) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("acme-broken", "broken", source, version="0.0.1")
    with pytest.warns(BrokenPluginWarning) as caught:
        reg = only("lanes", "broken")
    assert [d.name for d in reg.domains] == ["lanes"]  # the others keep working
    (b,) = reg.broken
    assert (b.name, b.distribution, b.version, b.entry_point, b.hook, b.failure, b.reason) == (
        "broken", "acme-broken", "0.0.1", "broken = fakeiso_acme_broken_broken", None,
        "could not be imported", reason)
    (w,) = caught
    assert str(w.message) == (
        "plugin 'broken' (acme-broken 0.0.1, entry point broken = fakeiso_acme_broken_broken)"
        f" could not be imported: {reason}; skipped")


def test_keyboard_interrupt_at_import_is_not_swallowed(install: Install) -> None:
    install("acme-broken", "broken", "raise KeyboardInterrupt\n")
    with pytest.raises(KeyboardInterrupt):
        only("broken")


def test_sys_exit_at_import_no_longer_ends_every_command(tmp_path: Path) -> None:
    # The whole process: a plugin calling sys.exit() at import used to make every command
    # exit 0 with no output.
    where = fake_distribution(tmp_path, "acme-exit", "0.1", {"exits": "fakeiso_exits"},
                              {"fakeiso_exits.py": "import sys\nsys.exit(0)\n"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(where), *sys.path])}
    env.pop(plugins.ENV_ALLOW, None)
    done = subprocess.run([sys.executable, "-m", "perfcore", "measures", "--domain", "victims"],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("victims: Supporting victims\n")
    assert done.stderr == (
        "perfcore measures: warning: plugin 'exits' (acme-exit 0.1, entry point exits = "
        "fakeiso_exits) could not be imported: SystemExit: 0; skipped\n")


# --- broken at registration (pluggy's validation) ---------------------------------

@pytest.mark.parametrize(("source", "hook", "says"), [
    (_HOOK.format(hook="perfcore_register_domain", body="return []"),
     "perfcore_register_domain", "unknown hook 'perfcore_register_domain'"),
    ("from perfcore import hookimpl\n@hookimpl\ndef perfcore_register_renderers(pm):\n"
     "    return []\n", "perfcore_register_renderers", "Argument(s) {'pm'} are declared"),
], ids=["misspelt-hook", "bad-signature"])
def test_hook_name_typos_and_bad_signatures_are_named(install: Install, source: str,
                                                      hook: str, says: str) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("acme-typo", "typo", source)
    with pytest.warns(BrokenPluginWarning, match="could not be registered"):
        reg = only("lanes", "typo")
    assert [d.name for d in reg.domains] == ["lanes"]
    (b,) = reg.broken
    assert (b.name, b.distribution, b.hook) == ("typo", "acme-typo", hook)
    assert b.reason.startswith("PluginValidationError: ") and says in b.reason


# --- broken hooks ------------------------------------------------------------------

_HOOKS = [hook for hook, _cls in KINDS.values()]


@pytest.mark.parametrize("hook", _HOOKS)
@pytest.mark.parametrize(("body", "reason"), [
    ("raise RuntimeError('boom')", "RuntimeError: boom"),
    ("raise SystemExit(2)", "SystemExit: 2"),
    ("return {'name': 'x'}", "TypeError: {hook} must return an iterable of {cls} (or None), "
                             "not dict"),
    ("return 'x'", "TypeError: {hook} must return an iterable of {cls} (or None), not str"),
    ("return [object()]", "TypeError: {hook} returned a object where a {cls} was expected"),
], ids=["raises", "sys-exit", "mapping", "string", "wrong-record"])
def test_a_hook_that_raises_or_returns_the_wrong_type_is_named(
        install: Install, hook: str, body: str, reason: str) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("acme-bad", "bad", _HOOK.format(hook=hook, body=body))
    cls = next(c for h, c in KINDS.values() if h == hook).__name__
    with pytest.warns(BrokenPluginWarning, match=f"failed in {hook}"):
        reg = only("lanes", "bad")
    assert [p.name for p in reg.plugins] == ["lanes"]
    (b,) = reg.broken
    assert (b.name, b.hook, b.failure) == ("bad", hook, f"failed in {hook}")
    assert b.reason == reason.format(hook=hook, cls=cls)


def test_a_derived_measure_the_plugin_cannot_define_is_named(install: Install) -> None:
    install("acme-bad", "bad", textwrap.dedent("""
        from perfcore import DerivedMeasureSpec, hookimpl

        @hookimpl
        def perfcore_register_derived_measures():
            return [DerivedMeasureSpec(measure="x_rate", inputs=("x",), derive=len,
                                       description="d")]
    """))
    with pytest.warns(BrokenPluginWarning, match="cannot define"):
        reg = only("bad")
    assert reg.broken[0].hook == "perfcore_register_derived_measures"
    assert "registers 0 domains" in reg.broken[0].reason


def test_a_measure_of_a_broken_domain_says_why_it_is_missing(install: Install) -> None:
    install("acme-bad", "bad", _HOOK.format(hook="perfcore_register_domains",
                                            body="raise RuntimeError('boom')"))
    with pytest.warns(BrokenPluginWarning):
        reg = only("bad")
    with pytest.raises(KeyError, match=r"broken plugin 'bad' was skipped"):
        reg.get_measure("bad.alpha")


def test_strict_mode_raises_and_is_read_from_the_environment(
        install: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install("acme-broken", "broken", "import sys\nsys.exit(1)\n")
    monkeypatch.setenv(plugins.ENV_STRICT, "1")
    with pytest.raises(PluginLoadError, match="could not be imported: SystemExit: 1") as info:
        plugins.get_plugin_manager(allow="broken")
    assert isinstance(info.value.__cause__, SystemExit)


# --- duplicate names: which one is skipped, and the hint names it --------------------

def _renderer_plugin(name: str, render: Any = lambda report, **o: "x") -> str:
    return textwrap.dedent(f"""
        from perfcore import RendererSpec, hookimpl

        @hookimpl
        def perfcore_register_renderers():
            return [RendererSpec(name={name!r}, description="Mine", extension=".mine",
                                 media_type="text/plain", render=lambda report, **o: "x")]
    """)


def test_perfcores_own_plugin_keeps_its_name(install: Install) -> None:
    # "aaa" sorts (and so registers) before "perfcore-renderers": still, perfcore's own
    # text renderer is kept and the third-party plugin is the one to block.
    install("acme-text", "aaa", _renderer_plugin("text"))
    with pytest.warns(BrokenPluginWarning) as caught:
        reg = only("aaa", "perfcore-renderers")
    assert reg.renderer("text").render.distribution == "perfcore"  # type: ignore[attr-defined]
    (b,) = reg.broken
    assert (b.name, b.distribution, b.hook) == ("aaa", "acme-text",
                                                "perfcore_register_renderers")
    message = str(caught[0].message)
    assert message.startswith("plugin 'aaa' (acme-text 1.2.3, entry point aaa = "
                              "fakeiso_acme_text_aaa) registers a name another plugin has: "
                              "renderer 'text' is registered by plugin 'perfcore-renderers' (")
    assert message.endswith("; uninstall one of them, or block 'aaa' "
                            "(PERFCORE_BLOCK_PLUGINS=aaa) to keep 'perfcore-renderers''s; "
                            "skipped")


def test_between_third_party_plugins_the_second_registered_is_skipped(
        install: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install("acme-one", "one", _renderer_plugin("mine"))
    install("acme-two", "two", _renderer_plugin("mine"))
    with pytest.warns(BrokenPluginWarning, match=r"PERFCORE_BLOCK_PLUGINS=two\) to keep "
                      "'one''s"):
        reg = only("one", "two")
    assert [p.name for p in reg.plugins] == ["one"]
    assert [b.name for b in reg.broken] == ["two"]
    # Following the hint silences the warning and keeps the same renderer.
    plugins.reset_plugin_manager()
    monkeypatch.setenv(plugins.ENV_BLOCK, "two")
    reg = only("one", "two")  # filterwarnings=error: any warning would fail here
    assert (reg.broken, [p.name for p in reg.plugins]) == ((), ["one"])


def test_a_plugin_registering_one_name_twice_is_skipped(install: Install) -> None:
    install("acme-twice", "twice", _HOOK.format(
        hook="perfcore_register_domains",
        body="from perfcore import DomainSpec\n    return [DomainSpec(name='d', title='D'), "
             "DomainSpec(name='d', title='E')]"))
    with pytest.warns(BrokenPluginWarning, match="registers one name twice: domain 'd'"):
        reg = only("twice")
    assert reg.domains == ()


def test_two_distributions_with_one_entry_point_name_skip_the_second(
        install: Install) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("other-lanes", "lanes", _GOOD.format(domain="lanes"))
    with pytest.warns(BrokenPluginWarning, match=r"block other-lanes "
                      r"\(PERFCORE_BLOCK_PLUGINS=other-lanes\) to keep acme-lanes's"):
        reg = only("lanes")
    assert [(p.name, p.distribution) for p in reg.plugins] == [("lanes", "acme-lanes")]
    assert [(b.name, b.distribution) for b in reg.broken] == [("lanes", "other-lanes")]


def test_duplicates_raise_when_strict() -> None:
    a = _plugin(perfcore_register_domains=lambda: [DomainSpec(name="d", title="D")])
    b = _plugin(perfcore_register_domains=lambda: [DomainSpec(name="d", title="D")])
    with pytest.raises(DuplicateNameError) as info:
        plugin_manager(a, b).registry()
    assert info.value.plugins == (a.__name__, b.__name__)
    assert f"block {b.__name__!r}" in str(info.value)


# --- `perfcore plugins` and the other commands -----------------------------------

def test_plugins_command_lists_the_broken_plugin_with_its_reason(
        install: Install, capsys: pytest.CaptureFixture[str]) -> None:
    install("acme-lanes", "lanes", _GOOD.format(domain="lanes"))
    install("acme-bad", "bad", _HOOK.format(hook="perfcore_register_scorers",
                                            body="raise RuntimeError('boom')"), version="0.3")
    plugins.get_plugin_manager(allow=("lanes", "bad"))
    assert main(["plugins"]) == 1  # a broken plugin is a problem worth an exit code
    out, err = capsys.readouterr()
    assert out.startswith(textwrap.dedent(f"""\
        perfcore {perfcore.__version__}: 1 plugin, 1 broken (skipped)

        bad  acme-bad 0.3  BROKEN, skipped
          entry point: bad = fakeiso_acme_bad_bad
          hook: perfcore_register_scorers
          failed in perfcore_register_scorers: RuntimeError: boom

        lanes  acme-lanes 1.2.3
          entry point: lanes = fakeiso_acme_lanes_lanes
          domains: lanes
        """))
    assert err == ("perfcore plugins: warning: plugin 'bad' (acme-bad 0.3, entry point bad = "
                   "fakeiso_acme_bad_bad) failed in perfcore_register_scorers: RuntimeError: "
                   "boom; skipped\n")
    # Every other command keeps working.
    assert main(["measures"]) == 0
    assert capsys.readouterr().out == (
        "lanes: Fake lanes\n  lanes.alpha                                   count       "
        "lower_is_better   Alpha\n")


# --- callables that fail when called -----------------------------------------------

def _origin(err: PluginCallError | PluginResultError, plugin: ModuleType, hook: str) -> None:
    assert (err.plugin, err.hook, err.distribution) == (plugin.__name__, hook, None)


@pytest.fixture(scope="module")
def gwent() -> Any:
    reg = plugin_manager(*BUILTINS).registry()
    return run(GWENT, registry=reg)


def _with(*extra: ModuleType) -> Registry:
    return plugin_manager(*BUILTINS, *extra).registry()


def _renderer(render: Any, *, binary: bool = False) -> ModuleType:
    return _plugin(perfcore_register_renderers=lambda: [RendererSpec(
        name="boom", description="Fails", extension=".boom", media_type="text/plain",
        render=render, binary=binary)])


def _exit(*args: Any, **kwargs: Any) -> Any:
    sys.exit(4)


@pytest.mark.parametrize(("render_fn", "reason"), [
    (lambda report, **o: 1 / 0, "ZeroDivisionError: division by zero"),
    (_exit, "SystemExit: 4"),
    (LazyCallable("no_such_module_anywhere:render"),
     "ModuleNotFoundError: No module named 'no_such_module_anywhere'"),
], ids=["raises", "sys-exit", "cannot-import"])
def test_a_renderer_that_raises_names_plugin_and_hook(gwent: Any, render_fn: Any,
                                                      reason: str) -> None:
    p = _renderer(render_fn)
    with pytest.raises(PluginCallError) as info:
        render(gwent.report, "boom", registry=_with(p))
    err = info.value
    _origin(err, p, "perfcore_register_renderers")
    assert (err.kind, err.name, err.reason) == ("renderer", "boom", reason)
    assert str(err) == (f"renderer 'boom' of plugin {p.__name__!r} "
                        f"(perfcore_register_renderers) failed: {reason}; this is a bug in "
                        "the plugin: report it to its maintainers")


@pytest.mark.parametrize(("render_fn", "binary", "says"), [
    (lambda report, **o: 42, False, "returned int, not str"),
    (lambda report, **o: "text", True, "returned str, not bytes"),
])
def test_a_renderer_returning_the_wrong_type_names_its_plugin(
        gwent: Any, render_fn: Any, binary: bool, says: str) -> None:
    p = _renderer(render_fn, binary=binary)
    with pytest.raises(PluginResultError, match=says) as info:
        render(gwent.report, "boom", registry=_with(p))
    _origin(info.value, p, "perfcore_register_renderers")
    assert str(info.value).startswith(f"renderer 'boom' of plugin {p.__name__!r} "
                                      "(perfcore_register_renderers): ")


def test_the_cli_says_which_plugin_failed_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    p = _renderer(lambda report, **o: 1 / 0)
    with registered(*BUILTINS, p):
        assert main(["report", str(GWENT), "--format", "boom"]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (f"perfcore report: error: renderer 'boom' of plugin {p.__name__!r} "
                       "(perfcore_register_renderers) failed: ZeroDivisionError: division by "
                       "zero; this is a bug in the plugin: report it to its maintainers\n"
                       "perfcore report: the plugin's traceback: perfcore --debug report ...\n")
        assert main(["--debug", "report", str(GWENT), "--format", "boom"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError: division by zero" in err
    assert "The above exception was the direct cause of the following exception" in err


def _scorer(fn: Any, check: Any = None) -> ModuleType:
    return _plugin(perfcore_register_scorers=lambda: [ScorerSpec(
        name="boom", description="Fails", scorer=fn, check_options=check)])


def _score_with(gwent: Any, p: ModuleType, **options: Any) -> Any:
    reg = _with(p)
    config = ScoringConfig.from_mapping({"default": {"scorer": "boom", **options}},
                                        scorers=reg.scorers)
    return score(gwent.evaluation, config, scorers=reg.scorers, domains=reg.domains)


def _block(evaluation: Any, rows: Any, *, reasons: Any = None) -> ScoreBlock:
    shape = (len(rows), len(evaluation.organisations))
    return ScoreBlock(status=np.full(shape, Status.GREY, dtype=np.int8),
                      basis=np.full(shape, StatusBasis.NO_DATA, dtype=np.int8),
                      value=np.full(shape, np.nan),
                      reasons=reasons or (lambda k, j, lang: ("none",)),
                      inputs=lambda k, j: {})


def test_a_scorer_that_raises_names_plugin_and_hook(gwent: Any) -> None:
    p = _scorer(lambda ev, rows: {}["missing"])
    with pytest.raises(PluginCallError, match="failed: KeyError: 'missing'") as info:
        _score_with(gwent, p)
    _origin(info.value, p, "perfcore_register_scorers")
    assert (info.value.kind, info.value.name) == ("scorer", "boom")


@pytest.mark.parametrize(("fn", "says"), [
    (lambda ev, rows: "green", "returned a str; a scorer must return a perfcore.ScoreBlock"),
    (lambda ev, rows: _block(ev, rows[:1]), r"ScoreBlock.status has shape \(1, 1\); it must "
                                            r"have shape \(2, 1\)"),
    (lambda ev, rows: ScoreBlock(status=np.full((2, 1), Status.GREEN, dtype=np.int8),
                                 basis=np.zeros((2, 1), dtype=np.int8),
                                 value=np.zeros((2, 1)), reasons=lambda k, j, lang: (),
                                 inputs=lambda k, j: {}),
     "gave a red, amber or green status on no evidence basis"),
], ids=["not-a-block", "wrong-shape", "no-evidence"])
def test_a_scorer_returning_the_wrong_thing_names_its_plugin(gwent: Any, fn: Any,
                                                             says: str) -> None:
    p = _scorer(fn)
    with pytest.raises(PluginResultError, match=says) as info:
        _score_with(gwent, p)
    _origin(info.value, p, "perfcore_register_scorers")
    assert str(info.value).startswith(f"scorer 'boom' of plugin {p.__name__!r} ")


def test_a_scorers_reasons_that_raise_name_the_plugin_when_asked_for(gwent: Any) -> None:
    p = _scorer(lambda ev, rows: _block(ev, rows, reasons=lambda k, j, lang: 1 / 0))
    scores = _score_with(gwent, p)
    with pytest.raises(PluginCallError, match=r"scorer 'boom' of plugin .* failed: "
                       "ZeroDivisionError"):
        scores.score("all_crime").reasons  # noqa: B018


@pytest.mark.parametrize(("check", "cls", "says"), [
    (lambda options: 1 / 0, PluginCallError, "failed: ZeroDivisionError"),
    (lambda options: (x for x in [1 / 0]), PluginCallError, "failed: ZeroDivisionError"),
    (lambda options: 5, PluginResultError, "check_options must return"),
    (lambda options: ["not a pair"], PluginResultError, "check_options must return"),
], ids=["raises", "generator-raises", "not-iterable", "not-pairs"])
def test_a_scorers_option_check_that_fails_names_the_plugin(
        gwent: Any, check: Any, cls: type[Exception], says: str) -> None:
    p = _scorer(lambda ev, rows, *, level=0: _block(ev, rows), check=check)
    with pytest.raises(cls, match=says) as info:
        _score_with(gwent, p, level=1)
    assert info.value.plugin == p.__name__  # type: ignore[attr-defined]


def _loader(load: Any) -> ModuleType:
    return _plugin(perfcore_register_loaders=lambda: [LoaderSpec(
        name="boom", description="Fails", patterns="*.boom", load=load)])


def test_a_loader_that_raises_names_plugin_and_hook(tmp_path: Path) -> None:
    p = _loader(lambda path: int("x"))
    (tmp_path / "a.boom").write_text("x")
    with registered(p), pytest.raises(PluginCallError, match=r"loader 'boom' of plugin .* "
                                      "failed: ValueError: invalid literal") as info:
        load_data(tmp_path / "a.boom")
    _origin(info.value, p, "perfcore_register_loaders")


def test_perfcore_errors_from_a_plugin_pass_through(tmp_path: Path) -> None:
    # How a loader reports bad input: the error is the plugin's, with its file and row.
    def load(path: Path) -> Dataset:
        raise DataError(reason="not a number", file=str(path), row=2)

    (tmp_path / "a.boom").write_text("x")
    with registered(_loader(load)), pytest.raises(DataError, match=r"a\.boom, row 2: not a"):
        load_data(tmp_path / "a.boom")


def test_a_lazy_loader_is_imported_only_when_used(tmp_path: Path) -> None:
    module = tmp_path / "fakeiso_lazy_loader.py"
    module.write_text("import sys\nLOADED = True\n"
                      "def load(path, *, scale=1):\n    raise SystemExit('no')\n")
    sys.path.insert(0, str(tmp_path))
    try:
        p = _loader("fakeiso_lazy_loader:load")
        with registered(p):
            (spec,) = plugins.loaders()
            assert spec.load.function == LazyCallable(  # type: ignore[attr-defined]
                "fakeiso_lazy_loader:load")
            assert "fakeiso_lazy_loader" not in sys.modules
            # Its options are checked against its signature, which imports it.
            with pytest.raises(PluginCallError, match="failed: SystemExit: no"):
                load_data(module, loader="boom", scale=2)
            assert "fakeiso_lazy_loader" in sys.modules
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fakeiso_lazy_loader", None)


def test_a_catalogue_that_cannot_be_read_names_its_plugin(tmp_path: Path) -> None:
    mo = tmp_path / "cy" / "LC_MESSAGES" / "broken.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(b"not a catalogue")
    p = _plugin(perfcore_register_catalogues=lambda: [
        CatalogueSpec(name="broken", localedir=str(tmp_path))])
    with pytest.raises(PluginCallError, match=r"catalogue 'broken' of plugin .* failed: "
                       "OSError") as info:
        plugin_manager(p).registry().translations("cy")
    _origin(info.value, p, "perfcore_register_catalogues")


def test_a_derive_that_exits_names_plugin_and_hook() -> None:
    from perfcore.derive import derive

    p = _plugin(
        perfcore_register_domains=lambda: [DomainSpec(name="da", title="DA", measures=[
            Measure(id="x", name="X", kind="count", polarity="lower"),
            Measure(id="y", name="Y", kind="count", polarity="lower")])],
        perfcore_register_derived_measures=lambda: [DerivedMeasureSpec(
            measure="y", inputs=("x",), derive=_exit, description="d")])
    data = Dataset.from_records([{"measure": "da.x", "organisation": "Gwent",
                                  "period": "2019-20", "value": 1.0}])
    with pytest.raises(PluginCallError, match="SystemExit: 4") as info:
        derive(["da.y"], data, plugin_manager(p).registry())
    _origin(info.value, p, "perfcore_register_derived_measures")
    assert (info.value.kind, info.value.name) == ("derived_measure", "da.y")


# --- unexpected internal errors in the CLI ----------------------------------------

def test_an_internal_error_prints_one_line_asking_for_a_bug_report(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import perfcore.pipeline

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("something perfcore did not expect")

    monkeypatch.setattr(perfcore.pipeline, "evaluate_plan", broken)
    out, err = io.StringIO(), io.StringIO()
    with registered(*BUILTINS):
        assert main(["report", str(GWENT)], stdout=out, stderr=err) == 1
    assert out.getvalue() == ""
    assert err.getvalue() == (
        "perfcore report: internal error (RuntimeError: something perfcore did not expect); "
        "this is a bug in perfcore: please report it at "
        "https://github.com/perfcore/perfcore/issues with the command you ran "
        "(perfcore --debug report ... shows the traceback)\n")
    for argv in (["--debug", "report", str(GWENT)], ["report", str(GWENT), "--debug"]):
        err = io.StringIO()
        with registered(*BUILTINS):
            assert main(argv, stdout=io.StringIO(), stderr=err) == 1
        text = err.getvalue()
        assert text.startswith("Traceback (most recent call last):\n")
        assert 'raise RuntimeError("something perfcore did not expect")' in text
        assert text.endswith("(perfcore --debug report ... shows the traceback)\n")


def test_the_bug_tracker_is_the_projects(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    from perfcore.cli import ISSUE_TRACKER
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Issues"] == ISSUE_TRACKER


def test_ctrl_c_is_a_quiet_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import perfcore.cli

    def interrupted(*args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(perfcore.cli, "_measures", interrupted)
    err = io.StringIO()
    assert main(["measures"], stdout=io.StringIO(), stderr=err) == 130
    assert err.getvalue() == "perfcore measures: interrupted\n"
