"""Message catalogues for the fixed text perfcore renders, and translation of plan texts.

Renderers never hold English literals: they call the translator of the report's language,
``_("Annual change")``. English is the source language, so the English translator is the
identity; other languages load a gettext catalogue from ``perfcore/locale/<lang>/LC_MESSAGES/
perfcore.mo``. A language with no catalogue raises :class:`~perfcore.errors.OptionError`
listing the languages there are, rather than silently printing English.

A message that holds a count has a singular and a plural (``"{n} change"``, ``"{n}
changes"``): it is translated by :func:`plural_translator`, gettext's ``ngettext``, which
picks the form the language's ``Plural-Forms`` rule gives for the count (English has two
forms, Welsh six: 0, 1, 2, 3, 6 and any other number). Never write ``"change(s)"``: a
board paper reads "1 change", "2 changes". Messages only ever shown in English (warnings,
reprs, error messages) use :func:`counted`.

Words kept in tables (result codes, month names, SPC icon names) are marked with
:func:`N_` where they are defined, so the extractor (:mod:`perfcore.plugins.i18n_tools`) finds
them, and translated with ``_()`` where they are shown.

Texts that do not come from perfcore (plan titles, measure names, outcome statements ...)
are translated by :class:`TextTranslator`: first through the plan's own translations
(``PlanFile.texts``), then through the catalogues it is given (the report stage passes the
catalogues plugins register, :func:`perfcore.plugins.hookspecs.perfcore_register_catalogues`;
this module never looks plugins up itself). A text with neither raises
:class:`~perfcore.errors.MissingTranslationError`, or, when the caller asks for
``fallback="mark"``, is shown in English behind a visible marker ("[yn Saesneg] ...").

Both ``.po`` (the source translators edit) and ``.mo`` (what :mod:`gettext` reads) are
committed: the standard library reads ``.mo`` without extra dependencies, and a test
compiles each ``.po`` with :func:`perfcore.plugins.i18n_tools.compile_mo` and checks it equals the
shipped ``.mo``, so the two cannot drift.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from typing import Literal

from perfcore.errors import MissingTranslationError, OptionError

__all__ = [
    "DOMAIN",
    "ENGLISH",
    "LANGUAGE_NAMES",
    "N_",
    "Fallback",
    "PluralTranslator",
    "TextTranslator",
    "Translator",
    "available_languages",
    "counted",
    "language_choices",
    "parse_languages",
    "plural",
    "plural_translator",
    "translator",
]

DOMAIN = "perfcore"
ENGLISH = "en"
Translator = Callable[[str], str]
#: ``ngettext(singular, plural, n)``: the form of a counted message for ``n``.
PluralTranslator = Callable[[str, str, int], str]
Fallback = Literal["error", "mark"]

#: Each language's name in that language (autonyms are not translated: a reader looks for
#: their own language's name, whatever the language around it).
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def N_(message: str) -> str:  # the gettext name for "mark now, translate later"
    """Mark a message for the catalogue without translating it here."""
    return message


def _locale_dir() -> str:
    return str(resources.files("perfcore").joinpath("locale"))


def available_languages() -> tuple[str, ...]:
    """English plus every language with a compiled catalogue shipped in perfcore."""
    root = resources.files("perfcore").joinpath("locale")
    found = {p.name for p in root.iterdir()
             if p.joinpath("LC_MESSAGES", f"{DOMAIN}.mo").is_file()} if root.is_dir() else set()
    return (ENGLISH, *sorted(found - {ENGLISH}))


def language_choices() -> tuple[str, ...]:
    """Every accepted ``lang`` value: each language alone, then each with English
    (``"en+cy"``, a bilingual report)."""
    langs = available_languages()
    return (*langs, *(f"{ENGLISH}+{x}" for x in langs if x != ENGLISH))


def parse_languages(spec: str, *, option: str = "lang") -> tuple[str, ...]:
    """The languages of a ``lang`` value, in the order a report shows them.

    ``"cy"`` → ``("cy",)``; ``"en+cy"`` (or ``"cy+en"``) → ``("cy", "en")``: in a
    bilingual report Welsh comes first, as the Welsh Language Standards prefer for
    bilingual layouts (the other language before English, in general). Unknown languages
    raise :class:`~perfcore.errors.OptionError` listing the accepted values.
    """
    parts = [p.strip().lower() for p in str(spec).split("+")]
    known = available_languages()
    if not all(parts) or any(p not in known for p in parts) or len(set(parts)) != len(parts):
        raise OptionError.for_choice(option, spec, language_choices())
    return tuple(p for p in parts if p != ENGLISH) + ((ENGLISH,) if ENGLISH in parts else ())


@functools.cache
def translator(lang: str = ENGLISH) -> Translator:
    """The translation function for ``lang`` (``"en"``, ``"cy"`` ...)."""
    if lang == ENGLISH:
        return _identity
    if lang not in available_languages():
        raise OptionError.for_choice("lang", lang, available_languages())
    return gettext.translation(DOMAIN, localedir=_locale_dir(), languages=[lang]).gettext


def _identity(text: str) -> str:
    return text


@functools.cache
def plural_translator(lang: str = ENGLISH) -> PluralTranslator:
    """The ``ngettext`` of ``lang``: ``ngettext("{n} change", "{n} changes", n)`` gives
    the form for ``n`` (the caller then fills in ``{n}``).

    Both English texts are in the source, so the extractor puts the pair in the
    catalogue as one plural entry (``msgid``/``msgid_plural``/``msgstr[0..]``); the
    catalogue's ``Plural-Forms`` header says how many forms the language has and which
    one each count takes.

    >>> ngettext = plural_translator("en")
    >>> tuple(ngettext("{n} change", "{n} changes", n).format(n=n) for n in (0, 1, 2))
    ('0 changes', '1 change', '2 changes')
    """
    if lang == ENGLISH:
        return _english_plural
    if lang not in available_languages():
        raise OptionError.for_choice("lang", lang, available_languages())
    return gettext.translation(DOMAIN, localedir=_locale_dir(), languages=[lang]).ngettext


def _english_plural(singular: str, plural: str, n: int) -> str:
    # English's Plural-Forms rule, nplurals=2; plural=(n != 1): "0 changes", "1 change".
    return singular if n == 1 else plural


def plural(n: int, one: str, many: str | None = None) -> str:
    """The English noun for ``n`` of a thing, without the count: ``"unknown " +
    plural(len(names), "field")`` (``many`` as for :func:`counted`)."""
    return _english_plural(one, many or one + "s", n)


def counted(n: int, one: str, many: str | None = None) -> str:
    """``"1 change"``, ``"2 changes"``: a count with its English noun, for text that is
    only ever in English (warnings, reprs, error messages). ``many`` defaults to ``one``
    with an "s" (give it for "priority"/"priorities", "person"/"people").

    >>> counted(1, "measure"), counted(0, "measure"), counted(2, "priority", "priorities")
    ('1 measure', '0 measures', '2 priorities')
    """
    return f"{n} {plural(n, one, many)}"


class TextTranslator:
    """Translates texts from outside perfcore's catalogue into one language.

    ``texts`` has the shape of ``PlanFile.texts``: ``{language: {English text:
    translation}}``. ``catalogues`` are gettext translations to try next, or a callable
    returning them (called only when a text is not in ``texts``, so catalogue files are
    read only when needed). Call the object with
    the English text and where the report uses it; missing translations are collected so
    that :meth:`raise_missing` can name them all at once. With ``fallback="mark"`` a
    missing text is returned as ``"[in English] text"`` (translated marker) instead.

    ``required=False`` is for proper names (organisations): kept as written when no
    translation is given.
    """

    def __init__(self, lang: str, texts: Mapping[str, Mapping[str, str]] | None = None, *,
                 fallback: Fallback = "error",
                 catalogues: Iterable[gettext.NullTranslations]
                 | Callable[[], Iterable[gettext.NullTranslations]] = ()) -> None:
        if fallback not in ("error", "mark"):
            raise OptionError.for_choice("fallback", fallback, ("error", "mark"))
        self.lang = lang
        self.fallback = fallback
        self._texts = dict((texts or {}).get(lang, {}))
        self._catalogues: tuple[gettext.NullTranslations, ...] | None = (
            None if callable(catalogues) else tuple(catalogues))
        self._load_catalogues = catalogues if callable(catalogues) else None
        self.missing: list[tuple[str, str]] = []

    def __call__(self, text: str, where: str, *, required: bool = True) -> str:
        if self.lang == ENGLISH or not text:
            return text
        found = self._texts.get(text)
        if found:
            return found
        for cat in self._catalogue_list():
            got = cat.gettext(text)
            if got != text:
                return got
        if not required:
            return text
        if self.fallback == "mark":
            return translator(self.lang)("[in English] {text}").format(text=text)
        if (text, where) not in self.missing:
            self.missing.append((text, where))
        return text

    def _catalogue_list(self) -> tuple[gettext.NullTranslations, ...]:
        if self._catalogues is None:
            assert self._load_catalogues is not None
            self._catalogues = tuple(self._load_catalogues())
        return self._catalogues

    def raise_missing(self) -> None:
        """Raise :class:`MissingTranslationError` naming every text that had none."""
        if self.missing:
            raise MissingTranslationError.for_texts(self.lang, self.missing)

