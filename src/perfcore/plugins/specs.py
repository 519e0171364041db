"""The records plugins return from the registration hooks.

Each is a small frozen attrs value that validates itself on construction, so a plugin
that builds a bad record fails inside its own hook, where the traceback points at the
plugin's code; the plugin manager then skips the plugin with a
:class:`~perfcore.errors.BrokenPluginWarning` naming it (in strict mode it raises a
:class:`~perfcore.errors.PluginLoadError`).

Records are inert: they hold names, text, :class:`~perfcore.model.Measure` definitions
and plain callables, never the plugin manager or loaded data, so they pickle (callables
by reference) and compare by value.

Every callable field (a loader's ``load``, a renderer's ``render``, a scorer's ``scorer``
and ``check_options``, a derived measure's ``derive``) also takes
``"package.module:function"``: the module is then imported the first time the callable
is used, not when the plugin registers it (:class:`~perfcore.plugins.calls.LazyCallable`),
so a plugin whose formats are costly to import does not slow every command down.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from perfcore.errors import DuplicateIdError, ModelError
from perfcore.i18n import counted
from perfcore.model import Measure
from perfcore.plugins.calls import reference

__all__ = ["CatalogueSpec", "DerivedMeasureSpec", "DomainSpec", "LoaderSpec", "RendererSpec",
           "ScorerSpec"]

# Registered names end up in measure ids ("victims.x"), file names and CLI options, so
# they are restricted to the same alphabet as plan ids, without dots.
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# A measure a plugin derives: a local id ("da_arrest_rate") or a qualified one
# ("victims.da_arrest_rate"), never deeper.
_MEASURE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")


def _name(what: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not _NAME_RE.match(value):
            raise ModelError(
                reason="the name is not valid: use lower-case letters, digits and "
                "underscores, starting with a letter (no dots; the core adds the domain "
                "prefix)", obj=f"{what} {value!r}", field="name")
    return check


def _text(what: str, field: str, *, required: bool = False) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or (required and not value.strip()):
            need = "non-empty text" if required else "text"
            me = f"{what} {getattr(instance, 'name', '?')!r}"
            raise ModelError(reason=f"{field} must be {need}, not {value!r}", obj=me,
                             field=field)
    return check


def _callable(what: str, field: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not callable(value):
            me = f"{what} {getattr(instance, 'name', '?')!r}"
            raise ModelError(reason=f"{field} must be callable, not {type(value).__name__}",
                             obj=me, field=field)
    return check


def _str_tuple(value: Any) -> tuple[str, ...]:
    # A lone string is almost always a mistake for a one-element tuple ("*.csv").
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _measures(value: Any) -> tuple[Measure, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ModelError(reason="measures must be a sequence of Measure objects",
                         obj="domain", field="measures")
    out = tuple(value)
    for m in out:
        if not isinstance(m, Measure):
            raise ModelError(reason="measures must be Measure objects, not "
                             f"{type(m).__name__}", obj="domain", field="measures")
    return out


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    # Sorted so that two specs built from equal mappings compare equal.
    return tuple(sorted((str(k), str(v)) for k, v in items))


@attrs.frozen(kw_only=True, repr=False)
class DomainSpec:
    """A domain of measures a plugin adds (victims, serious and organised crime, ...).

    ``measures`` carry *local* ids (``"satisfaction_whole_experience"``); the core
    publishes them under ``"<name>.<local id>"`` (``"victims.satisfaction_whole_experience"``),
    which is how plans refer to them. ``default_scorers`` maps a local measure id to the
    name of the scorer that should score it unless a plan says otherwise; the names are
    resolved by the scoring framework, not checked here, because scorers may come from
    another plugin.
    """

    name: str = attrs.field(validator=_name("domain"))
    title: str = attrs.field(validator=_text("domain", "title", required=True))
    measures: tuple[Measure, ...] = attrs.field(default=(), converter=_measures)
    version: str = attrs.field(default="", validator=_text("domain", "version"))
    description: str = attrs.field(default="", validator=_text("domain", "description"))
    default_scorers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)

    def __attrs_post_init__(self) -> None:
        me = f"domain {self.name!r}"
        seen: set[str] = set()
        for m in self.measures:
            if "." in m.id:
                raise ModelError(reason=f"measure id {m.id!r} must be local (no dots); the "
                                 f"core publishes it as {self.name!r}.<id>", obj=me,
                                 field="measures")
            if m.id in seen:
                raise DuplicateIdError(obj=me, field="measures", id=m.id)
            seen.add(m.id)
        for local, scorer in self.default_scorers:
            if local not in seen:
                raise ModelError(reason=f"default_scorers names measure {local!r}, which the "
                                 "domain does not define", obj=me, field="default_scorers")
            if not _NAME_RE.match(scorer):
                raise ModelError(reason=f"default scorer {scorer!r} for {local!r} is not a "
                                 "valid scorer name", obj=me, field="default_scorers")

    def qualified_id(self, local_id: str) -> str:
        """``"victims"`` + ``"x"`` → ``"victims.x"``."""
        return f"{self.name}.{local_id}"

    def qualified_measures(self) -> tuple[Measure, ...]:
        """The measures with their published, domain-prefixed ids."""
        return tuple(attrs.evolve(m, id=self.qualified_id(m.id)) for m in self.measures)

    def default_scorer(self, measure_id: str) -> str | None:
        """The default scorer name for a local or qualified measure id, or ``None``."""
        local = measure_id.removeprefix(self.name + ".")
        return dict(self.default_scorers).get(local)

    def __repr__(self) -> str:
        return (f"DomainSpec({self.name!r}, {self.title!r}, "
                f"{counted(len(self.measures), 'measure')})")


@attrs.frozen(kw_only=True)
class ScorerSpec:
    """A named scorer.

    ``scorer`` follows :class:`perfcore.scoring.Scorer`: ``scorer(evaluation, rows,
    **options) -> ScoreBlock``, its options keyword-only. ``check_options``, when given,
    is called with a plan's options for the scorer (after their names were checked
    against the signature) and returns ``(option, message)`` pairs for the values it
    rejects, so a plan's mistakes are reported with their line before anything is
    scored."""

    name: str = attrs.field(validator=_name("scorer"))
    description: str = attrs.field(validator=_text("scorer", "description", required=True))
    scorer: Callable[..., Any] = attrs.field(converter=reference,
                                             validator=_callable("scorer", "scorer"))
    check_options: Callable[[Mapping[str, Any]], Iterable[tuple[str, str]]] | None = (
        attrs.field(default=None, converter=reference, validator=attrs.validators.optional(
            _callable("scorer", "check_options"))))


@attrs.frozen(kw_only=True)
class LoaderSpec:
    """A data loader: ``load(path, **options)`` reads a file matching one of
    ``patterns`` (glob patterns such as ``"*.csv"`` or ``"prc-*.ods"``)."""

    name: str = attrs.field(validator=_name("loader"))
    description: str = attrs.field(validator=_text("loader", "description", required=True))
    patterns: tuple[str, ...] = attrs.field(converter=_str_tuple)
    load: Callable[..., Any] = attrs.field(converter=reference,
                                           validator=_callable("loader", "load"))

    def __attrs_post_init__(self) -> None:
        if not self.patterns or not all(isinstance(p, str) and p for p in self.patterns):
            me = f"loader {self.name!r}"
            raise ModelError(reason="patterns must be one or more non-empty glob patterns",
                             obj=me, field="patterns")


def _extensions(value: Any) -> tuple[str, ...]:
    # ".HTML" and ".html" name one format; a file's suffix is compared lower-cased.
    return tuple(str(e).lower() for e in _str_tuple(value))


@attrs.frozen(kw_only=True)
class RendererSpec:
    """A report renderer writing one format.

    ``extension`` is the suffix a file of the format gets (``".md"``) and
    ``extensions`` every suffix that means the format (``(".md", ".markdown")``; by
    default ``extension`` alone): ``perfcore report -o FILE`` chooses the renderer by
    them. ``media_type`` is the IANA media type (``"text/markdown"``). ``render(report,
    **options)`` returns ``str``, or ``bytes`` for a ``binary`` format (a spreadsheet,
    a word-processor file), which is written to files only, never to a terminal."""

    name: str = attrs.field(validator=_name("renderer"))
    description: str = attrs.field(validator=_text("renderer", "description", required=True))
    extension: str = attrs.field(validator=_text("renderer", "extension", required=True))
    media_type: str = attrs.field(validator=_text("renderer", "media_type", required=True))
    render: Callable[..., Any] = attrs.field(converter=reference,
                                             validator=_callable("renderer", "render"))
    extensions: tuple[str, ...] = attrs.field(
        default=attrs.Factory(lambda self: (self.extension.lower(),), takes_self=True),
        converter=_extensions)
    binary: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def __attrs_post_init__(self) -> None:
        me = f"renderer {self.name!r}"
        for ext in (self.extension, *self.extensions):
            if not ext.startswith(".") or len(ext) < 2:
                raise ModelError(reason=f"an extension must start with a dot, e.g. '.md', "
                                 f"not {ext!r}", obj=me, field="extension")
        if self.extension.lower() not in self.extensions:
            raise ModelError(reason=f"extensions {self.extensions!r} must include its "
                             f"extension {self.extension!r}", obj=me, field="extensions")
        if self.media_type.count("/") != 1:
            raise ModelError(reason=f"media_type must look like 'text/markdown', not "
                             f"{self.media_type!r}", obj=me, field="media_type")


@attrs.frozen(kw_only=True)
class CatalogueSpec:
    """A gettext message catalogue a plugin ships, translating its own texts (measure
    names, domain titles, units) into other languages.

    ``name`` is the gettext domain: the catalogue for language ``cy`` is
    ``<locale>/cy/LC_MESSAGES/<name>.mo``. ``<locale>`` is ``localedir`` when given,
    otherwise the ``locale`` folder inside the importable package ``package``. Nothing is
    read until a report needs a translation, so a registration never fails on files.
    """

    name: str = attrs.field(validator=_name("catalogue"))
    package: str = attrs.field(default="", validator=_text("catalogue", "package"))
    localedir: str = attrs.field(default="", converter=str)
    description: str = attrs.field(default="", validator=_text("catalogue", "description"))

    def __attrs_post_init__(self) -> None:
        if not (self.package or self.localedir):
            me = f"catalogue {self.name!r}"
            raise ModelError(reason="give package= (its 'locale' folder holds the catalogue) "
                             "or localedir=", obj=me, field="package")

    def locale_dir(self) -> Path:
        """Where the ``<lang>/LC_MESSAGES/<name>.mo`` files are."""
        if self.localedir:
            return Path(self.localedir)
        from importlib import resources
        return Path(str(resources.files(self.package).joinpath("locale")))

    def languages(self) -> tuple[str, ...]:
        """The languages this catalogue has a compiled ``.mo`` for."""
        root = self.locale_dir()
        if not root.is_dir():
            return ()
        return tuple(sorted(p.name for p in root.iterdir()
                            if (p / "LC_MESSAGES" / f"{self.name}.mo").is_file()))

    def translations(self, lang: str) -> gettext.NullTranslations | None:
        """The ``lang`` catalogue, or ``None`` when the plugin has none for it."""
        if lang not in self.languages():
            return None
        return gettext.translation(self.name, localedir=str(self.locale_dir()),
                                   languages=[lang])


def _measure_id(value: Any, me: str, field: str) -> None:
    if not isinstance(value, str) or not _MEASURE_RE.match(value):
        raise ModelError(reason=f"{field} {value!r} is not a measure id: give the local id "
                         "('da_arrest_rate') or the qualified one ('victims.da_arrest_rate')",
                         obj=me, field=field)


def _check_measure(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _measure_id(value, f"derived measure {value!r}", "measure")


def _check_inputs(instance: DerivedMeasureSpec, attribute: attrs.Attribute[Any],
                  value: tuple[str, ...]) -> None:
    me = f"derived measure {instance.measure!r}"
    if not value:
        raise ModelError(reason="inputs must name one or more measures it is computed from",
                         obj=me, field="inputs")
    for ident in value:
        _measure_id(ident, me, "input")
    # A local and a qualified id can only be compared once the domain is known
    # (DerivedMeasureSpec.qualified checks again).
    if instance.measure in value:
        raise ModelError(reason="a measure cannot be one of its own inputs", obj=me,
                         field="inputs")
    twice = sorted({i for i in value if value.count(i) > 1})
    if twice:
        raise ModelError(reason=f"inputs name {', '.join(map(repr, twice))} more than once",
                         obj=me, field="inputs")


@attrs.frozen(kw_only=True)
class DerivedMeasureSpec:
    """A measure whose observations a plugin computes from other measures' observations.

    ``measure`` is the measure produced: a measure of a domain the same plugin registers
    (so it has a definition: kind, polarity, unit), given by its local id (when the
    plugin registers one domain) or its qualified id. ``inputs`` are the measures it is
    computed from: local ids are in the same domain, qualified ids may name any domain.
    ``derive(inputs)`` receives a :class:`perfcore.derive.DeriveInputs` (each input's
    fields as organisations × periods arrays) and returns a
    :class:`perfcore.derive.DerivedValues` of the same shape; the derive stage
    (:func:`perfcore.derive.derive_measures`) calls it once for every organisation and
    period at once. ``description`` says how the figure is computed, in words a report
    reader can check ("domestic abuse arrests / domestic abuse crimes recorded"); it
    becomes part of each derived observation's ``source``.

    The registry stores the record with qualified ids (:meth:`qualified`); the
    ``name`` under which duplicates are refused is the qualified measure id.
    """

    measure: str = attrs.field(validator=_check_measure)
    inputs: tuple[str, ...] = attrs.field(converter=_str_tuple, validator=_check_inputs)
    derive: Callable[..., Any] = attrs.field(converter=reference,
                                             validator=_callable("derived measure", "derive"))
    description: str = attrs.field(validator=_text("derived measure", "description",
                                                   required=True))

    @property
    def name(self) -> str:
        """The measure produced (the registry's key for this record)."""
        return self.measure

    @property
    def domain(self) -> str | None:
        """The domain prefix of ``measure``, or ``None`` while it is local."""
        prefix, dot, _ = self.measure.partition(".")
        return prefix if dot else None

    def qualified(self, domain: str) -> DerivedMeasureSpec:
        """The record with ``measure`` and local inputs qualified with ``domain`` (a
        qualified ``measure`` must already be in ``domain``)."""
        me = f"derived measure {self.measure!r}"
        if self.domain not in (None, domain):
            raise ModelError(reason=f"is not a measure of domain {domain!r}", obj=me,
                             field="measure")

        def q(ident: str) -> str:
            return ident if "." in ident else f"{domain}.{ident}"
        # evolve validates again: an input that names the measure itself, or the same
        # input spelt locally and qualified, is refused now that both are qualified.
        return attrs.evolve(self, measure=q(self.measure),
                            inputs=tuple(q(i) for i in self.inputs))

    def __repr__(self) -> str:
        return (f"DerivedMeasureSpec({self.measure!r} from "
                f"{', '.join(self.inputs)})")
