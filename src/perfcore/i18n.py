"""Message catalogues for the fixed text perfcore renders.

Renderers never hold English literals: they call the translator of the report's language,
``_("Annual change")``. English is the source language, so the English translator is the
identity; other languages load a gettext catalogue from ``perfcore/locale/<lang>/LC_MESSAGES/
perfcore.mo``. A language with no catalogue raises :class:`UnknownLanguageError` rather
than silently printing English.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from importlib import resources

from perfcore.errors import OptionError

__all__ = ["DOMAIN", "Translator", "available_languages", "translator"]

DOMAIN = "perfcore"
Translator = Callable[[str], str]


def _locale_dir() -> str:
    return str(resources.files("perfcore").joinpath("locale"))


def available_languages() -> tuple[str, ...]:
    """English plus every language with a compiled catalogue shipped in perfcore."""
    root = resources.files("perfcore").joinpath("locale")
    found = {p.name for p in root.iterdir()
             if p.joinpath("LC_MESSAGES", f"{DOMAIN}.mo").is_file()} if root.is_dir() else set()
    return ("en", *sorted(found - {"en"}))


@functools.cache
def translator(lang: str = "en") -> Translator:
    """The translation function for ``lang`` (``"en"``, ``"cy"`` ...)."""
    if lang == "en":
        return _identity
    if lang not in available_languages():
        raise OptionError.for_choice("lang", lang, available_languages())
    return gettext.translation(DOMAIN, localedir=_locale_dir(), languages=[lang]).gettext


def _identity(text: str) -> str:
    return text
