"""Output files: the format a file's name asks for.

Each format declares the file extensions it writes (a renderer's
:attr:`~perfcore.plugins.specs.RendererSpec.extensions`, the chart formats of
``perfcore spc``), so ``-o report.html`` means HTML without ``--format html``, and a
``--format`` that the name contradicts (``--format text -o report.html``) is refused
rather than writing a file that its name misdescribes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from perfcore.errors import OptionError, OutputFormatError

__all__ = ["extension_formats", "format_for"]


def extension_formats(formats: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Each extension with the formats that write it, from each format's extensions
    (``{"html": (".html", ".htm")}`` → ``{".html": ("html",), ".htm": ("html",)}``)."""
    out: dict[str, tuple[str, ...]] = {}
    for name, extensions in formats.items():
        for ext in extensions:
            out[ext.lower()] = (*out.get(ext.lower(), ()), name)
    return out


def format_for(path: str | os.PathLike[str] | None, formats: Mapping[str, Sequence[str]],
               *, format: str | None = None, default: str | None = None) -> str:
    """The format to write ``path`` in.

    ``formats`` maps each format to its file extensions (``{"html": (".html", ".htm"),
    ...}``). With ``format`` given, it must be one of them, and a ``path`` whose
    extension belongs to other formats only is an error; an extension no format claims
    is the caller's choice. Without ``format``, the extension decides; no extension, or
    one no format (or more than one) claims, is an error listing the known extensions.
    Without a ``path`` (standard output), ``format`` or else ``default``.

    Raises
    ------
    OptionError
        ``format`` is not one of ``formats``.
    OutputFormatError
        The name contradicts ``format``, or the format cannot be told from it.
    """
    if format is not None and format not in formats:
        raise OptionError.for_choice("--format", format, sorted(formats))
    if path is None:
        if format is None and default is None:
            raise OptionError(option="--format", allowed=tuple(sorted(formats)),
                              reason="give --format or an output file to tell the format")
        return format if format is not None else str(default)
    shown = os.fspath(path)
    suffix = Path(shown).suffix.lower()
    by_extension = extension_formats(formats)
    claimed = by_extension.get(suffix, ())
    if format is not None:
        own = tuple(e.lower() for e in formats[format])
        if not claimed or suffix in own:
            return format
        raise OutputFormatError.mismatch(shown, format, suffix, claimed, own)
    if not claimed:
        raise OutputFormatError.unknown_extension(shown, suffix, by_extension)
    if len(claimed) > 1:
        raise OutputFormatError.ambiguous(shown, suffix, claimed)
    return claimed[0]
