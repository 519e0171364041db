"""Helpers for testing perfcore plugins.

``plugin_manager(*plugins)`` gives a fresh manager with exactly those plugins and no
entry points; ``registered(*plugins)`` installs such a manager as perfcore's own for the
duration of a ``with`` block, so the façade (``perfcore.plugins.measures()``,
``get_measure()`` ...) sees them; ``fake_distribution(...)`` writes an installed-looking
``*.dist-info`` folder so that discovery itself can be tested.

Example (a pytest test of your plugin)::

    import perfcore.plugins
    from perfcore.plugins.testing import registered

    import my_plugin

    def test_my_measure_is_published():
        with registered(my_plugin):
            m = perfcore.plugins.get_measure("roads.ksi_casualties")
        assert m.polarity.value == "lower_is_better"
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

from perfcore.plugins.manager import PerfcorePluginManager, PluginSettings, set_plugin_manager

__all__ = ["fake_distribution", "plugin_manager", "registered"]


def plugin_manager(*plugins: object, strict: bool = True) -> PerfcorePluginManager:
    """A fresh manager with ``plugins`` registered (named after their ``__name__``) and
    entry-point autoloading off. Strict by default, so that a broken plugin raises
    ``PluginLoadError`` (or ``DuplicateNameError``) in its own tests rather than being
    skipped with a warning as installed plugins are; ``strict=False`` tests the
    skipping."""
    pm = PerfcorePluginManager(PluginSettings(autoload=False, strict=strict))
    for plugin in plugins:
        pm.add_plugin(plugin)
    return pm


@contextlib.contextmanager
def registered(*plugins: object, strict: bool = True) -> Iterator[PerfcorePluginManager]:
    """Make a fresh manager holding only ``plugins`` perfcore's manager inside the block,
    restoring the previous one afterwards."""
    pm = plugin_manager(*plugins, strict=strict)
    previous = set_plugin_manager(pm)
    try:
        yield pm
    finally:
        set_plugin_manager(previous)


def fake_distribution(directory: Path, name: str, version: str,
                      entry_points: Mapping[str, str],
                      modules: Mapping[str, str] | None = None) -> Path:
    """Write ``<name>-<version>.dist-info`` with ``METADATA`` and ``entry_points.txt``
    (group ``perfcore``) into ``directory``, plus any ``modules`` (file name → source).

    Put ``directory`` on ``sys.path`` (``monkeypatch.syspath_prepend``) and
    ``importlib.metadata`` will report it as installed. Returns ``directory``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    info = directory / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    lines = ["[perfcore]", *(f"{k} = {v}" for k, v in entry_points.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for filename, source in (modules or {}).items():
        path = directory / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return directory
