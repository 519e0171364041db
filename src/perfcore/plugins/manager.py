"""The plugin manager: discovery from entry points, registration, the collected registry.

Operators control discovery with environment variables, read when the manager is first
built (embedding tools pass the same settings as keyword arguments to
:func:`get_plugin_manager`, which win over the environment):

``PERFCORE_DISABLE_PLUGIN_AUTOLOAD=1``
    load no entry points at all (plugins can still be registered in code);
``PERFCORE_PLUGINS=victims,soc``
    allow-list: load only these plugins (entry-point or distribution names);
``PERFCORE_BLOCK_PLUGINS=soc``
    block-list: never load these;
``PERFCORE_STRICT_PLUGINS=1``
    a broken plugin is an error (:class:`~perfcore.errors.PluginLoadError`), not a
    warning;
``PERFCORE_TRACE_HOOKS=1``
    write pluggy's hook-call trace to stderr.

A broken plugin — one that cannot be imported (an exception, ``SystemExit``), has a hook
with a bad signature or a misspelt name, whose hook raises or returns the wrong type, or
that registers a name another plugin already has — is skipped with a
:class:`~perfcore.errors.BrokenPluginWarning` naming it (distribution, version, entry
point, hook) and saying why; the other plugins keep working, and the registry lists it
in :attr:`Registry.broken` (``perfcore plugins`` shows it). ``KeyboardInterrupt`` is
never caught. With ``strict=True`` the failure raises instead (the testing helpers in
:mod:`perfcore.plugins.testing` are strict, so a plugin's own tests see its errors).

When two plugins register one name, the one that keeps it is perfcore's own (the
``perfcore`` distribution) if either is, else the one registered first (entry points are
registered in name order, then plugins registered in code, in their order); the other is
skipped, and the warning says to block *it* to silence the warning.

Every callable a plugin registers is wrapped in a
:class:`~perfcore.plugins.calls.PluginCallable`, so that a loader, renderer or scorer
that fails when called raises :class:`~perfcore.errors.PluginCallError` naming its
plugin and hook rather than a bare exception.
"""

from __future__ import annotations

import gettext
import importlib.metadata
import logging
import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs
import pluggy

from perfcore.errors import (
    BrokenPluginWarning,
    DuplicateNameError,
    ModelError,
    OptionError,
    PluginCallError,
    PluginLoadError,
    UnknownMeasureError,
    near_matches,
)
from perfcore.i18n import counted, plural
from perfcore.model import Measure
from perfcore.output import format_for
from perfcore.plugins import hookspecs
from perfcore.plugins.calls import PASS_THROUGH, PluginCallable
from perfcore.plugins.specs import (
    CatalogueSpec,
    DerivedMeasureSpec,
    DomainSpec,
    LoaderSpec,
    RendererSpec,
    ScorerSpec,
)

__all__ = [
    "CORE_DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "ENV_ALLOW",
    "ENV_BLOCK",
    "ENV_DISABLE_AUTOLOAD",
    "ENV_STRICT",
    "ENV_TRACE",
    "KINDS",
    "BrokenPlugin",
    "PerfcorePluginManager",
    "PluginInfo",
    "PluginSettings",
    "Registry",
    "build_plugin_manager",
    "get_plugin_manager",
    "reset_plugin_manager",
    "set_plugin_manager",
]

logger = logging.getLogger("perfcore.plugins")

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME
ENV_DISABLE_AUTOLOAD = "PERFCORE_DISABLE_PLUGIN_AUTOLOAD"
ENV_ALLOW = "PERFCORE_PLUGINS"
ENV_BLOCK = "PERFCORE_BLOCK_PLUGINS"
ENV_TRACE = "PERFCORE_TRACE_HOOKS"
ENV_STRICT = "PERFCORE_STRICT_PLUGINS"
#: perfcore's own distribution: its plugins keep their names when another plugin
#: registers one of them too.
CORE_DISTRIBUTION = "perfcore"

_TRUE = frozenset({"1", "true", "yes", "on"})


def _names(value: Iterable[str] | str | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(_norm(v) for v in value if v.strip())


def _block_names(value: Iterable[str] | str | None) -> frozenset[str]:
    return _names(value) or frozenset()


def _norm(name: str) -> str:
    # Distribution names compare case- and separator-insensitively (PEP 503), so
    # "perfcore_victims" in an allow-list matches the distribution "perfcore-victims".
    return name.strip().lower().replace("_", "-").replace(".", "-")


@attrs.frozen(kw_only=True)
class PluginSettings:
    """How plugins are discovered. ``allow=None`` means every installed plugin;
    names match an entry-point name or a distribution name. ``strict`` makes a broken
    plugin an error instead of a warning."""

    autoload: bool = True
    allow: frozenset[str] | None = attrs.field(default=None, converter=_names)
    block: frozenset[str] = attrs.field(default=frozenset(), converter=_block_names)
    trace: bool = False
    strict: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PluginSettings:
        """Read the ``PERFCORE_*`` switches (``os.environ`` unless given). An empty
        ``PERFCORE_PLUGINS`` counts as unset, not as "allow nothing"."""
        env = os.environ if environ is None else environ
        allow = env.get(ENV_ALLOW, "").strip()
        return cls(
            autoload=env.get(ENV_DISABLE_AUTOLOAD, "").strip().lower() not in _TRUE,
            allow=allow or None,
            block=env.get(ENV_BLOCK, ""),
            trace=env.get(ENV_TRACE, "").strip().lower() in _TRUE,
            strict=env.get(ENV_STRICT, "").strip().lower() in _TRUE,
        )

    def permits(self, *names: str | None) -> bool:
        """Whether a plugin known by any of ``names`` may load."""
        normed = {_norm(n) for n in names if n}
        if normed & self.block:
            return False
        return self.allow is None or bool(normed & self.allow)


@attrs.frozen(kw_only=True)
class PluginInfo:
    """One registered plugin: where it came from and what it registers."""

    name: str
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    domains: tuple[str, ...] = ()
    derived_measures: tuple[str, ...] = ()
    scorers: tuple[str, ...] = ()
    loaders: tuple[str, ...] = ()
    renderers: tuple[str, ...] = ()
    catalogues: tuple[str, ...] = ()

    def describe(self) -> str:
        """``"plugin 'victims' (perfcore-victims 0.1.0, entry point victims = m)"``."""
        if self.distribution is None:
            return f"plugin {self.name!r} (registered directly)"
        where = f"{self.distribution} {self.version or '?'}"
        if self.entry_point:
            where += f", entry point {self.entry_point}"
        return f"plugin {self.name!r} ({where})"


@attrs.frozen(kw_only=True)
class BrokenPlugin:
    """A plugin that was skipped: where it came from, the hook it failed in (``None``:
    before any hook ran: importing or registering it), and why."""

    name: str
    failure: str
    reason: str
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    hook: str | None = None

    def error(self) -> PluginLoadError:
        """The failure as the error strict mode raises."""
        return PluginLoadError(**attrs.asdict(self, filter=lambda a, _: a.name != "name"),
                               plugin=self.name)

    def describe(self) -> str:
        """``"plugin 'x' (acme 1.0, entry point x = m) could not be imported: ..."``."""
        return str(self.error())


@attrs.frozen(kw_only=True)
class Registry:
    """Everything the installed plugins register, each kind sorted by name."""

    plugins: tuple[PluginInfo, ...] = ()
    domains: tuple[DomainSpec, ...] = ()
    #: Derived measures with qualified ids, sorted by the measure they produce.
    derived_measures: tuple[DerivedMeasureSpec, ...] = ()
    scorers: tuple[ScorerSpec, ...] = ()
    loaders: tuple[LoaderSpec, ...] = ()
    renderers: tuple[RendererSpec, ...] = ()
    catalogues: tuple[CatalogueSpec, ...] = ()
    measures: tuple[Measure, ...] = ()
    #: Plugins that were skipped because they are broken, by name.
    broken: tuple[BrokenPlugin, ...] = ()

    def get_measure(self, measure_id: str) -> Measure:
        """The measure published as ``measure_id`` (``"victims.x"``)."""
        for m in self.measures:
            if m.id == measure_id:
                return m
        ids = [m.id for m in self.measures]
        # A bare local id ("satisfaction_whole_experience") is the commonest slip; offer
        # the qualified ids it could mean before the close matches.
        near = [i for i in ids if i.endswith("." + measure_id)]
        near += [i for i in near_matches(measure_id, ids) if i not in near]
        hint = "" if ids else ("no plugin registers any measures: is a domain plugin "
                               f"installed, or is autoload disabled with {ENV_DISABLE_AUTOLOAD}?")
        if self.broken:
            names = ", ".join(repr(b.name) for b in self.broken)
            hint = (f"{hint}; " if hint else "") + (
                f"broken {plural(len(self.broken), 'plugin')} {names} "
                f"{'was' if len(self.broken) == 1 else 'were'} skipped: `perfcore plugins` "
                "says why")
        raise UnknownMeasureError(measure=measure_id, where="the installed domains",
                                  suggestions=tuple(near[:3]), hint=hint)

    def derived_measure(self, measure_id: str) -> DerivedMeasureSpec | None:
        """The record that derives ``measure_id`` (qualified), or ``None``."""
        for spec in self.derived_measures:
            if spec.measure == measure_id:
                return spec
        return None

    def provider(self, kind: str, name: str) -> PluginInfo | None:
        """The plugin that registers the ``kind`` record called ``name`` (``"domain"``,
        ``"derived_measure"`` ...: the keys of :data:`KINDS`), or ``None``."""
        for p in self.plugins:
            if name in getattr(p, f"{kind}s", ()):
                return p
        return None

    def translations(self, lang: str) -> tuple[gettext.NullTranslations, ...]:
        """The ``lang`` message catalogues the plugins register, in catalogue-name order
        (catalogues without one for ``lang`` are skipped)."""
        found = (self._catalogue(spec, lang) for spec in self.catalogues)
        return tuple(cat for cat in found if cat is not None)

    def _catalogue(self, spec: CatalogueSpec, lang: str) -> gettext.NullTranslations | None:
        # A plugin's catalogue files are read here, when a report first needs them: an
        # unreadable or corrupt one names its plugin, like any other plugin failure.
        try:
            return spec.translations(lang)
        except PASS_THROUGH:
            raise
        except Exception as exc:
            p = self.provider("catalogue", spec.name)
            where: dict[str, Any] = {} if p is None else {
                "plugin": p.name, "distribution": p.distribution, "version": p.version,
                "entry_point": p.entry_point}
            raise PluginCallError(kind="catalogue", name=spec.name,
                                  reason=f"{type(exc).__name__}: {exc}",
                                  hook=KINDS["catalogue"][0], **where) from exc

    def renderer(self, name: str) -> RendererSpec:
        """The renderer of the format ``name`` (``OptionError`` listing the formats if
        none is registered)."""
        for r in self.renderers:
            if r.name == name:
                return r
        raise OptionError.for_choice("format", name, [r.name for r in self.renderers])

    def renderer_for(self, path: str | os.PathLike[str] | None, *,
                     format: str | None = None) -> RendererSpec:
        """The renderer to write ``path`` with: ``format``'s, which ``path``'s extension
        must not contradict, or else the one whose ``extensions`` hold it; ``text`` for
        standard output (``path`` None). See :func:`perfcore.output.format_for`."""
        formats = {r.name: r.extensions for r in self.renderers}
        return self.renderer(format_for(path, formats, format=format, default="text"))

    def domain(self, name: str) -> DomainSpec:
        """The domain called ``name``."""
        for d in self.domains:
            if d.name == name:
                return d
        raise UnknownMeasureError.near(name, [d.name for d in self.domains],
                                       where="the installed plugins", kind="domain")


_T = TypeVar("_T", DomainSpec, DerivedMeasureSpec, ScorerSpec, LoaderSpec, RendererSpec,
             CatalogueSpec)

# kind -> (hook name, record class); the order is the order of the report sections.
KINDS: dict[str, tuple[str, type[Any]]] = {
    "domain": ("perfcore_register_domains", DomainSpec),
    "derived_measure": ("perfcore_register_derived_measures", DerivedMeasureSpec),
    "scorer": ("perfcore_register_scorers", ScorerSpec),
    "loader": ("perfcore_register_loaders", LoaderSpec),
    "renderer": ("perfcore_register_renderers", RendererSpec),
    "catalogue": ("perfcore_register_catalogues", CatalogueSpec),
}


@attrs.frozen
class _Origin:
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None


class _Broken(Exception):
    """A plugin failed while its records were collected: ``failure`` in ``hook``."""

    def __init__(self, failure: str, hook: str, cause: BaseException) -> None:
        super().__init__(failure)
        self.failure, self.hook, self.cause = failure, hook, cause


#: The callable fields of each kind of record, wrapped so that failures name the plugin.
_CALLABLES: dict[str, tuple[str, ...]] = {
    "derived_measure": ("derive",), "scorer": ("scorer", "check_options"),
    "loader": ("load",), "renderer": ("render",)}


class PerfcorePluginManager(pluggy.PluginManager):
    """A pluggy manager for the ``perfcore`` project that remembers where each plugin
    came from (so errors can name its distribution), skips broken plugins (see the
    module docs) and caches the collected registry until a plugin is registered or
    unregistered."""

    def __init__(self, settings: PluginSettings | None = None) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.settings = settings if settings is not None else PluginSettings()
        self.add_hookspecs(hookspecs)
        self._origins: dict[str, _Origin] = {}
        self._order: dict[str, int] = {}
        # Plugins that failed before collection (import, registration, duplicate entry
        # points): they are not registered, so they are remembered here.
        self._load_failures: list[BrokenPlugin] = []
        self._registry: Registry | None = None
        for name in sorted(self.settings.block):
            self.set_blocked(name)
        if self.settings.trace:
            self.trace.root.setwriter(_write_trace)
            self.enable_tracing()

    # --- registration -------------------------------------------------------------
    def register(self, plugin: object, name: str | None = None) -> str | None:
        self._registry = None
        registered = super().register(plugin, name)
        if registered is not None:
            self._order.setdefault(registered, len(self._order))
        return registered

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any:
        self._registry = None
        return super().unregister(plugin, name)

    def add_plugin(self, plugin: object, name: str | None = None, *,
                   distribution: str | None = None, version: str | None = None,
                   entry_point: str | None = None) -> str | None:
        """Register ``plugin`` and check its hooks; a broken one (a hook with a bad
        signature or an unknown name) is skipped with a warning, or raises
        :class:`PluginLoadError` when strict. Returns its name, or ``None`` when it was
        skipped or is blocked."""
        origin = _Origin(distribution, version, entry_point)
        label = name or getattr(plugin, "__name__", None) or repr(plugin)
        try:
            registered = self.register(plugin, name)
            # Earlier plugins already passed, so a pending (unknown) hook is this one's.
            self.check_pending()
        except (pluggy.PluginValidationError, ValueError) as exc:
            if self.is_registered(plugin):
                self.unregister(plugin)
            hook = re.search(r"hook '(\w+)'", str(exc))
            self._skip(BrokenPlugin(name=label, failure="could not be registered",
                                    reason=_reason(exc), hook=hook and hook.group(1),
                                    **attrs.asdict(origin)), exc, before_collection=True)
            return None
        if registered is not None:
            self._origins[registered] = origin
        return registered

    def load_entry_points(self) -> list[str]:
        """Load and register every permitted plugin of the ``perfcore`` entry-point
        group, in name order. Returns the names registered."""
        found = sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
                       key=lambda ep: (ep.name, ep.value))
        groups: dict[str, list[tuple[importlib.metadata.EntryPoint, _Origin]]] = {}
        for ep in found:
            dist = ep.dist
            dist_name = dist.metadata["Name"] if dist is not None else None
            if not self.settings.permits(ep.name, dist_name) or self.is_blocked(ep.name):
                logger.debug("perfcore plugin %r from %s is not permitted; skipped",
                             ep.name, dist_name)
                continue
            origin = _Origin(dist_name, dist.version if dist is not None else None,
                             f"{ep.name} = {ep.value}")
            groups.setdefault(ep.name, []).append((ep, origin))
        loaded: list[str] = []
        for name, candidates in groups.items():
            # Two distributions advertising one name: perfcore's own wins, else the first.
            (ep, origin), *others = sorted(
                candidates, key=lambda c: c[1].distribution != CORE_DISTRIBUTION)
            for _, other in others:
                self._skip_entry_point(name, origin, other)
            registered = self._load(ep, origin)
            if registered is not None:
                loaded.append(registered)
        self._warn_missing(found)
        return loaded

    def _load(self, ep: importlib.metadata.EntryPoint, origin: _Origin) -> str | None:
        try:
            plugin = ep.load()
        except PASS_THROUGH:
            raise
        except BaseException as exc:  # SystemExit too: a plugin must not end perfcore
            self._skip(BrokenPlugin(name=ep.name, failure="could not be imported",
                                    reason=_reason(exc), **attrs.asdict(origin)), exc,
                       before_collection=True)
            return None
        return self.add_plugin(plugin, ep.name, distribution=origin.distribution,
                               version=origin.version, entry_point=origin.entry_point)

    def _skip_entry_point(self, name: str, kept: _Origin, other: _Origin) -> None:
        error = DuplicateNameError(
            kind="plugin", name=name, plugins=(name, name),
            distributions=(kept.distribution, other.distribution),
            sources=(f"{kept.distribution} {kept.version}",
                     f"{other.distribution} {other.version}"),
            hint=f"{other.distribution}'s was not loaded: uninstall one of them, or block "
                 f"{other.distribution} ({ENV_BLOCK}={other.distribution}) to keep "
                 f"{kept.distribution}'s")
        self._skip(BrokenPlugin(name=name, failure="has a name another plugin has",
                                reason=str(error), **attrs.asdict(other)), None,
                   error=error, before_collection=True)

    def _warn_missing(self, found: list[importlib.metadata.EntryPoint]) -> None:
        if self.settings.allow is None:
            return
        known = {_norm(ep.name) for ep in found} | {
            _norm(ep.dist.metadata["Name"]) for ep in found if ep.dist is not None}
        missing = sorted(self.settings.allow - known)
        if missing:
            logger.warning("%s names %s not installed: %s", ENV_ALLOW,
                           "a plugin that is" if len(missing) == 1 else "plugins that are",
                           ", ".join(missing))

    def _skip(self, broken: BrokenPlugin, cause: BaseException | None, *,
              error: PluginLoadError | DuplicateNameError | None = None,
              before_collection: bool = False) -> None:
        """Raise ``error`` (default: the broken plugin's) when strict; otherwise warn
        that the plugin is skipped, and remember it if it was never registered."""
        if self.settings.strict:
            raise (error if error is not None else broken.error()) from cause
        if before_collection:
            self._load_failures.append(broken)
        warnings.warn(f"{broken.describe()}; skipped", BrokenPluginWarning, stacklevel=2)

    # --- collection ---------------------------------------------------------------
    def registry(self) -> Registry:
        """Collect every plugin's records (cached until the plugins change)."""
        if self._registry is None:
            self._registry = self._collect()
        return self._registry

    def _collect(self) -> Registry:
        plugins = sorted(((self.get_name(p) or "", p) for p in self.get_plugins()),
                         key=lambda item: item[0])
        everyone = [p for _, p in plugins]
        per_plugin: dict[str, dict[str, list[Any]]] = {}
        broken = list(self._load_failures)
        for name, plugin in plugins:
            origin = self._origins.get(name, _Origin())
            try:
                per_plugin[name] = self._records(
                    name, origin, [p for p in everyone if p is not plugin])
            except _Broken as b:
                record = BrokenPlugin(name=name, failure=b.failure, reason=_reason(b.cause),
                                      hook=b.hook, **attrs.asdict(origin))
                self._skip(record, b.cause)
                broken.append(record)
        broken += self._drop_duplicates(per_plugin)
        out: dict[str, list[Any]] = {kind: [] for kind in KINDS}
        infos = []
        for name, records in per_plugin.items():
            origin = self._origins.get(name, _Origin())
            for kind, items in records.items():
                out[kind] += items
            registers: dict[str, Any] = {
                f"{kind}s": tuple(sorted(i.name for i in records[kind])) for kind in KINDS}
            infos.append(PluginInfo(name=name, **attrs.asdict(origin), **registers))
        sorted_domains = tuple(sorted(out["domain"], key=lambda d: d.name))
        all_measures = tuple(sorted((m for d in sorted_domains for m in d.qualified_measures()),
                                    key=lambda m: m.id))
        return Registry(
            plugins=tuple(infos),
            domains=sorted_domains,
            derived_measures=tuple(sorted(out["derived_measure"], key=lambda s: s.measure)),
            scorers=tuple(sorted(out["scorer"], key=lambda s: s.name)),
            loaders=tuple(sorted(out["loader"], key=lambda s: s.name)),
            renderers=tuple(sorted(out["renderer"], key=lambda s: s.name)),
            catalogues=tuple(sorted(out["catalogue"], key=lambda s: s.name)),
            measures=all_measures,
            broken=tuple(sorted(broken, key=lambda b: (b.name, b.distribution or ""))),
        )

    def _records(self, name: str, origin: _Origin, others: list[object],
                 ) -> dict[str, list[Any]]:
        """One plugin's records of every kind, checked, with their callables guarded;
        :class:`_Broken` if a hook fails or returns the wrong thing."""
        records: dict[str, list[Any]] = {}
        for kind, (hook_name, cls) in KINDS.items():
            # A subset caller keeps pluggy's tracing and monitoring while telling us
            # which plugin returned what, so bad records can be blamed precisely.
            caller = self.subset_hook_caller(hook_name, remove_plugins=others)
            try:
                records[kind] = _check_records(caller(), cls, hook_name)
            except PASS_THROUGH:
                raise
            except BaseException as exc:
                raise _Broken(f"failed in {hook_name}", hook_name, exc) from exc
        hook = KINDS["derived_measure"][0]
        try:
            records["derived_measure"] = _qualify_derived(records["derived_measure"],
                                                          records["domain"])
        except ModelError as exc:
            raise _Broken("registers a derived measure it cannot define", hook, exc) from exc
        return {kind: [_guard(item, kind, name, origin) for item in items]
                for kind, items in records.items()}

    def _drop_duplicates(self, per_plugin: dict[str, dict[str, list[Any]]],
                         ) -> list[BrokenPlugin]:
        """Skip each plugin that registers a name an earlier one has (perfcore's own
        first, then in registration order); returns them as broken."""
        def precedence(name: str) -> tuple[bool, int]:
            origin = self._origins.get(name, _Origin())
            return origin.distribution != CORE_DISTRIBUTION, self._order.get(name, sys.maxsize)

        owners: dict[tuple[str, str], str] = {}
        dropped = []
        for name in sorted(per_plugin, key=precedence):
            mine: dict[tuple[str, str], str] = {}
            clash = None
            for kind, items in per_plugin[name].items():
                for item in items:
                    key = (kind, item.name)
                    if key in owners or key in mine:
                        clash = clash or (kind, item.name, owners.get(key, name))
                    mine[key] = name
            if clash is None:
                owners.update(mine)
                continue
            kind, item_name, first = clash
            error = self._duplicate(kind, item_name, first, name)
            origin = self._origins.get(name, _Origin())
            record = BrokenPlugin(name=name, failure="registers a name another plugin has"
                                  if first != name else "registers one name twice",
                                  reason=str(error), hook=KINDS[kind][0],
                                  **attrs.asdict(origin))
            self._skip(record, None, error=error)
            dropped.append(record)
            del per_plugin[name]
        return dropped

    def _duplicate(self, kind: str, name: str, first: str, second: str) -> DuplicateNameError:
        a = PluginInfo(name=first, **attrs.asdict(self._origins.get(first, _Origin())))
        b = PluginInfo(name=second, **attrs.asdict(self._origins.get(second, _Origin())))
        hint = ("a bug in the plugin: report it to its maintainers" if first == second else
                f"uninstall one of them, or block {second!r} ({ENV_BLOCK}={second}) to keep "
                f"{first!r}'s")
        return DuplicateNameError(
            kind=kind, name=name, plugins=(first, second),
            distributions=(a.distribution, b.distribution),
            sources=(a.describe(), b.describe()), hint=hint)


def _reason(exc: BaseException) -> str:
    """``"ModuleNotFoundError: No module named 'x'"``, on one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _guard(item: Any, kind: str, plugin: str, origin: _Origin) -> Any:
    """``item`` with its callables wrapped so that their failures name ``plugin``."""
    changes = {
        field: PluginCallable(fn, kind=kind, name=item.name, plugin=plugin,
                              hook=KINDS[kind][0], **attrs.asdict(origin))
        for field in _CALLABLES.get(kind, ())
        if (fn := getattr(item, field)) is not None and not isinstance(fn, PluginCallable)}
    return attrs.evolve(item, **changes) if changes else item


def _qualify_derived(specs: list[DerivedMeasureSpec], domains: list[DomainSpec],
                     ) -> list[DerivedMeasureSpec]:
    """Each derived measure with qualified ids, checked against the plugin's own domains:
    the measure must be one of them, and inputs in them must exist (inputs in other
    plugins' domains are looked for when deriving, since that plugin may be absent)."""
    own = {d.name: {m.id for m in d.measures} for d in domains}
    out = []
    for spec in specs:
        me = f"derived measure {spec.measure!r}"
        domain = spec.domain
        if domain is None:
            if len(own) != 1:
                raise ModelError(
                    reason=f"give its qualified id ('<domain>.{spec.measure}'): the plugin "
                    f"registers {counted(len(own), 'domain')} "
                    f"({', '.join(sorted(own)) or 'none'})",
                    obj=me, field="measure")
            (domain,) = own
        if domain not in own:
            raise ModelError(reason="a plugin can derive only measures of its own domains "
                             f"({', '.join(sorted(own)) or 'none'}), so that the measure "
                             "has a definition", obj=me, field="measure")
        q = spec.qualified(domain)
        for ident in (q.measure, *q.inputs):
            dom, _, local = ident.partition(".")
            if dom in own and local not in own[dom]:
                what = "measure" if ident == q.measure else "input"
                raise ModelError(reason=f"{what} {ident!r} is not a measure of domain "
                                 f"{dom!r}; add it to the domain's measures", obj=me,
                                 field="measure" if what == "measure" else "inputs")
        out.append(q)
    return out


def _check_records(results: list[Any], cls: type[_T], hook: str) -> list[_T]:
    out: list[_T] = []
    for result in results:  # one result per implementation; pluggy drops None
        if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Iterable):
            raise TypeError(f"{hook} must return an iterable of {cls.__name__} (or None), "
                            f"not {type(result).__name__}")
        for item in result:
            if not isinstance(item, cls):
                raise TypeError(f"{hook} returned a {type(item).__name__} where a "
                                f"{cls.__name__} was expected")
            out.append(item)
    return out


def _write_trace(text: str) -> None:
    # Looked up on each call so that redirected stderr (pytest's capsys) is honoured.
    sys.stderr.write(text)


# --- the cached manager --------------------------------------------------------------
_manager: PerfcorePluginManager | None = None


def build_plugin_manager(settings: PluginSettings | None = None) -> PerfcorePluginManager:
    """A new, uncached manager with plugins loaded as ``settings`` say (default: from
    the environment)."""
    settings = settings if settings is not None else PluginSettings.from_env()
    pm = PerfcorePluginManager(settings)
    if settings.autoload:
        pm.load_entry_points()
    return pm


def get_plugin_manager(settings: PluginSettings | None = None, *,
                       autoload: bool | None = None,
                       allow: Iterable[str] | str | None = None,
                       block: Iterable[str] | str | None = None,
                       trace: bool | None = None,
                       strict: bool | None = None) -> PerfcorePluginManager:
    """The process-wide plugin manager, built on first use and then cached.

    With no arguments, returns the cached manager (building it from the environment the
    first time). Given ``settings`` or keyword overrides (which win over the
    environment), rebuilds and caches a manager if the resulting settings differ from
    the cached one's.
    """
    global _manager
    overrides: dict[str, Any] = {k: v for k, v in (("autoload", autoload), ("allow", allow),
                                   ("block", block), ("trace", trace),
                                   ("strict", strict)) if v is not None}
    if _manager is not None and settings is None and not overrides:
        return _manager
    base = settings if settings is not None else PluginSettings.from_env()
    wanted = attrs.evolve(base, **overrides)
    if _manager is None or _manager.settings != wanted:
        _manager = build_plugin_manager(wanted)
    return _manager


def reset_plugin_manager() -> None:
    """Forget the cached manager; the next use builds a new one (for tests)."""
    global _manager
    _manager = None


def set_plugin_manager(pm: PerfcorePluginManager | None) -> PerfcorePluginManager | None:
    """Make ``pm`` the process-wide manager (``None``: build one on next use) and return
    the previous one, so that a test or an embedding tool can restore it
    (:func:`perfcore.plugins.testing.registered` does this around a ``with`` block)."""
    global _manager
    previous, _manager = _manager, pm
    return previous
