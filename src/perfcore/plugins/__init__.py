"""perfcore's plugins: discovery, the registry, and the typed façade over the hooks.

Plugins are advertised in the ``perfcore`` entry-point group of their distribution and
loaded the first time something needs them, never at ``import perfcore``. The façade
functions here (:func:`registry`, :func:`domains`, :func:`measures`, :func:`get_measure`,
:func:`derived_measures`, :func:`scorers`, :func:`loaders`, :func:`renderers`, :func:`catalogues`,
:func:`plugin_info`, :func:`broken_plugins`) read the installed plugins' :class:`Registry`;
the pipeline passes a registry explicitly to the stages that need one, with this one as
the default. A broken plugin is skipped with a warning and listed in
:attr:`Registry.broken` (see :mod:`perfcore.plugins.manager`).

- :mod:`perfcore.plugins.hookspecs` -- the hooks and the ``hookimpl`` marker;
- :mod:`perfcore.plugins.specs` -- the records plugins register;
- :mod:`perfcore.plugins.manager` -- the plugin manager, its settings and cache;
- :mod:`perfcore.plugins.calls` -- lazily imported callables and the guard that names a
  failing plugin;
- :mod:`perfcore.plugins.testing` -- helpers for testing a plugin;
- :mod:`perfcore.plugins.i18n_tools` -- message catalogues for plugin authors.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from perfcore.model import Measure
    from perfcore.plugins.manager import (
        ENTRY_POINT_GROUP,
        ENV_ALLOW,
        ENV_BLOCK,
        ENV_DISABLE_AUTOLOAD,
        ENV_STRICT,
        ENV_TRACE,
        BrokenPlugin,
        PerfcorePluginManager,
        PluginInfo,
        PluginSettings,
        Registry,
        build_plugin_manager,
        get_plugin_manager,
        reset_plugin_manager,
        set_plugin_manager,
    )
    from perfcore.plugins.specs import (
        CatalogueSpec,
        DerivedMeasureSpec,
        DomainSpec,
        LoaderSpec,
        RendererSpec,
        ScorerSpec,
    )

#: Names re-exported from :mod:`perfcore.plugins.manager`, imported on first use so that
#: ``from perfcore import hookimpl`` does not build (or import) the manager.
_FROM_MANAGER = frozenset({
    "ENTRY_POINT_GROUP", "ENV_ALLOW", "ENV_BLOCK", "ENV_DISABLE_AUTOLOAD", "ENV_STRICT",
    "ENV_TRACE", "BrokenPlugin", "PerfcorePluginManager", "PluginInfo", "PluginSettings",
    "Registry", "build_plugin_manager", "get_plugin_manager", "reset_plugin_manager",
    "set_plugin_manager"})


def __getattr__(name: str) -> Any:
    if name in _FROM_MANAGER:
        value = getattr(importlib.import_module("perfcore.plugins.manager"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'perfcore.plugins' has no attribute {name!r}")


__all__ = [
    "ENTRY_POINT_GROUP",
    "ENV_ALLOW",
    "ENV_BLOCK",
    "ENV_DISABLE_AUTOLOAD",
    "ENV_STRICT",
    "ENV_TRACE",
    "BrokenPlugin",
    "PerfcorePluginManager",
    "PluginInfo",
    "PluginSettings",
    "Registry",
    "broken_plugins",
    "build_plugin_manager",
    "catalogues",
    "derived_measures",
    "describe_plugins",
    "domains",
    "get_measure",
    "get_plugin_manager",
    "loaders",
    "measures",
    "plugin_info",
    "registry",
    "renderers",
    "reset_plugin_manager",
    "run_plugins_command",
    "scorers",
    "set_plugin_manager",
]


# --- the façade ----------------------------------------------------------------------
def registry() -> Registry:
    """Everything the installed plugins register (the default registry the pipeline
    passes to its stages)."""
    from perfcore.plugins.manager import get_plugin_manager
    return get_plugin_manager().registry()


def domains() -> tuple[DomainSpec, ...]:
    """Registered domains, sorted by name."""
    return registry().domains


def measures() -> tuple[Measure, ...]:
    """Every domain's measures with their qualified ids, sorted by id."""
    return registry().measures


def get_measure(measure_id: str) -> Measure:
    """The measure published as ``measure_id``, e.g.
    ``get_measure("victims.satisfaction_whole_experience")``. Unknown ids raise
    :class:`~perfcore.errors.UnknownMeasureError` suggesting the nearest ids."""
    return registry().get_measure(measure_id)


def derived_measures() -> tuple[DerivedMeasureSpec, ...]:
    """Registered derived measures (qualified ids), sorted by the measure they produce."""
    return registry().derived_measures


def scorers() -> tuple[ScorerSpec, ...]:
    """Registered scorers, sorted by name."""
    return registry().scorers


def loaders() -> tuple[LoaderSpec, ...]:
    """Registered data loaders, sorted by name."""
    return registry().loaders


def renderers() -> tuple[RendererSpec, ...]:
    """Registered report renderers, sorted by name."""
    return registry().renderers


def catalogues() -> tuple[CatalogueSpec, ...]:
    """Registered message catalogues, sorted by name."""
    return registry().catalogues


def plugin_info() -> tuple[PluginInfo, ...]:
    """Every registered plugin with its distribution, version and registrations."""
    return registry().plugins


def broken_plugins() -> tuple[BrokenPlugin, ...]:
    """Plugins that were skipped because they are broken, with the reason."""
    return registry().broken


# --- `python -m perfcore plugins` ----------------------------------------------------
def describe_plugins(reg: Registry | None = None) -> str:
    """The text ``python -m perfcore plugins`` prints: each plugin with what it
    registers, broken ones with the reason they were skipped, then each kind of record."""
    from perfcore import __version__
    from perfcore.i18n import counted

    reg = reg if reg is not None else registry()
    broken = f", {len(reg.broken)} broken (skipped)" if reg.broken else ""
    lines = [f"perfcore {__version__}: {counted(len(reg.plugins), 'plugin')}{broken}"]
    entries: list[tuple[str, list[str]]] = [(p.name, _describe_plugin(p)) for p in reg.plugins]
    entries += [(b.name, _describe_broken(b)) for b in reg.broken]
    for _, text in sorted(entries, key=lambda e: e[0]):
        lines += ["", *text]

    def section(title: str, rows: list[tuple[str, ...]]) -> None:
        lines.append("")
        lines.append(f"{title} ({len(rows)}):" if rows else f"{title}: none")
        if rows:
            widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
            for r in rows:
                cells = [c.ljust(w) for c, w in zip(r, widths, strict=False)] + [r[-1]]
                lines.append("  " + "  ".join(cells).rstrip())

    section("Domains", [(d.name, d.version or "-", counted(len(d.measures), "measure"), d.title)
                        for d in reg.domains])
    section("Measures", [(m.id, m.kind.value, m.polarity.value, m.unit or "-", m.name)
                         for m in reg.measures])
    section("Derived measures", [(d.measure, "from " + ", ".join(d.inputs), d.description)
                                 for d in reg.derived_measures])
    section("Scorers", [(s.name, s.description) for s in reg.scorers])
    section("Loaders", [(s.name, ", ".join(s.patterns), s.description) for s in reg.loaders])
    section("Renderers", [(s.name, ", ".join(s.extensions), s.media_type,
                           s.description + (" (binary)" if s.binary else ""))
                          for s in reg.renderers])
    section("Catalogues", [(s.name, ", ".join(s.languages()) or "-", s.description or "-")
                           for s in reg.catalogues])
    return "\n".join(lines) + "\n"


def _describe_plugin(p: PluginInfo) -> list[str]:
    from perfcore.plugins.manager import KINDS

    lines = [f"{p.name}  {p.distribution or '(registered directly)'}"
             f"{' ' + p.version if p.version else ''}"]
    if p.entry_point:
        lines.append(f"  entry point: {p.entry_point}")
    for kind in KINDS:
        names: tuple[str, ...] = getattr(p, f"{kind}s")
        if names:
            lines.append(f"  {kind.replace('_', ' ')}s: {', '.join(names)}")
    return lines


def _describe_broken(b: BrokenPlugin) -> list[str]:
    lines = [f"{b.name}  {b.distribution or '(registered directly)'}"
             f"{' ' + b.version if b.version else ''}  BROKEN, skipped"]
    if b.entry_point:
        lines.append(f"  entry point: {b.entry_point}")
    if b.hook:
        lines.append(f"  hook: {b.hook}")
    lines.append(f"  {b.failure}: {b.reason}")
    return lines


def run_plugins_command(*, out: TextIO | None = None, err: TextIO | None = None,
                        reg: Registry | None = None) -> int:
    """Print the plugin listing of ``reg`` (default: the installed plugins'). Returns 1
    when a plugin is broken (the listing says which and why; in strict mode, where a
    broken plugin is an error, the error is printed instead), else 0."""
    from perfcore.errors import PluginError

    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        reg = reg if reg is not None else registry()
    except PluginError as exc:
        err.write(f"perfcore: error: {exc}\n")
        cause = exc.__cause__
        if cause is not None:
            err.write(f"  caused by {type(cause).__name__}: {cause}\n")
        return 1
    out.write(describe_plugins(reg))
    return 1 if reg.broken else 0
