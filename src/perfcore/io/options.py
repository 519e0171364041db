"""A loader's options checked against the types its ``load`` function declares.

Options reach a loader from Python (``load_data(path, columns={...})``) and from a plan's
``[[data]] options`` table, where any TOML value can be written. Each loader's signature
already says what it takes (``columns: Mapping[str, str] | None``, ``registry:
OrganisationRegistry | Literal[False] | None``, ``prefer: Literal["financial_year",
"month"] | None``), so one check serves every loader, perfcore's and plugins' alike: an
option the loader does not take, or a value of the wrong type (``columns = 5``,
``registry = "yes"``), is an :class:`~perfcore.errors.OptionError` naming the loader,
the option, the value as written and what would be valid — before any file is read.

Types the check does not know (a class of the plugin's own, ``Any``) accept any value; a
loader whose annotations cannot be read, or that takes ``**options``, is left to check
its own.
"""

from __future__ import annotations

import datetime
import inspect
import os
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any, Literal

from perfcore.errors import OptionError, near_matches
from perfcore.plugins.calls import unwrapped
from perfcore.plugins.specs import LoaderSpec

__all__ = ["check_option", "check_options", "option_types", "path_options"]

def option_types(spec: LoaderSpec) -> dict[str, Any] | None:
    """Each option ``spec``'s loader takes, with its declared type (:data:`typing.Any`
    where none is declared or it cannot be read); ``None`` when the loader takes any
    option (``**options``) or its signature cannot be read."""
    try:
        params = inspect.signature(spec.load).parameters
    except (TypeError, ValueError):  # a callable inspect cannot read: let it decide
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    try:
        hints = typing.get_type_hints(unwrapped(spec.load))
    except Exception:  # a plugin's annotation that does not resolve
        hints = {}
    names = [n for n, p in params.items()
             if p.kind in (inspect.Parameter.KEYWORD_ONLY,
                           inspect.Parameter.POSITIONAL_OR_KEYWORD)][1:]  # not the path
    return {n: hints.get(n, Any) for n in names}


def check_option(spec: LoaderSpec, name: str, value: Any,
                 types_: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`~perfcore.errors.OptionError` if ``spec``'s loader does not take
    option ``name``, or ``value`` is not of its declared type."""
    known = option_types(spec) if types_ is None else types_
    if known is None:
        return
    if name not in known:
        accepted = list(known)
        raise OptionError(
            reason=f"no such option; its options are: {', '.join(accepted) or 'none'}",
            option=name, value=value, allowed=tuple(accepted), loader=spec.name,
            suggestions=near_matches(name, accepted, n=1))
    expected = known[name]
    if not _conforms(value, expected):
        raise OptionError(option=name, value=value, allowed=describe(expected),
                          loader=spec.name)


def check_options(spec: LoaderSpec, options: Mapping[str, Any]) -> None:
    """:func:`check_option` for each option, the first problem raised."""
    if not options:
        return
    known = option_types(spec)
    for name, value in options.items():
        check_option(spec, name, value, known)


def path_options(spec: LoaderSpec) -> tuple[str, ...]:
    """The options of ``spec``'s loader that name a file (declared as a ``Path``): a plan
    resolves them against its folder, as it does ``[[data]] path``."""
    known = option_types(spec) or {}
    return tuple(n for n, t in known.items() if _mentions_path(t))


# --------------------------------------------------------------------------- types


def _args(tp: Any) -> tuple[Any, ...]:
    return typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _mentions_path(tp: Any) -> bool:
    if _is_union(tp):
        return any(_mentions_path(a) for a in _args(tp))
    return isinstance(tp, type) and issubclass(tp, PurePath)


def _conforms(value: Any, tp: Any) -> bool:
    if tp is Any or tp is object or isinstance(tp, typing.TypeVar):
        return True
    if _is_union(tp):
        return any(_conforms(value, a) for a in _args(tp))
    origin = typing.get_origin(tp)
    if origin is Literal:
        return any(type(value) is type(a) and value == a for a in _args(tp))
    if tp is None or tp is type(None):
        return value is None
    if origin is not None:
        return _conforms_generic(value, origin, _args(tp))
    if not isinstance(tp, type):
        return True  # a construct the check does not know
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if issubclass(tp, PurePath):
        return isinstance(value, (str, os.PathLike))
    return isinstance(value, tp)


def _conforms_generic(value: Any, origin: Any, args: tuple[Any, ...]) -> bool:
    if origin is type or origin is Callable or not isinstance(origin, type):
        return True
    if issubclass(origin, Mapping):
        if not isinstance(value, Mapping):
            return False
        key, item = (*args, Any, Any)[:2]
        return all(_conforms(k, key) and _conforms(v, item) for k, v in value.items())
    if issubclass(origin, (Sequence, Collection, Iterable)) and not issubclass(origin, str):
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple,
                                                                              set, frozenset)):
            return False
        one_type = len(args) == 1 or (len(args) == 2 and args[1] is Ellipsis)
        item = args[0] if one_type else Any
        return all(_conforms(v, item) for v in value)
    return isinstance(value, origin)


def describe(tp: Any) -> str:
    """A type as an option's allowed values: ``"text or a list of text"``."""
    if tp is Any or tp is object:
        return "any value"
    if _is_union(tp):
        members = [a for a in _args(tp) if a is not type(None)]
        if any(_mentions_path(a) for a in members):  # str | Path: a file name
            members = [a for a in members if a is not str]
        parts = [describe(a) for a in members]
        return " or ".join(dict.fromkeys(p for p in parts if p)) + (
            " (or left out)" if type(None) in _args(tp) else "")
    origin = typing.get_origin(tp)
    if origin is Literal:
        shown = [str(a).lower() if isinstance(a, bool) else repr(a) for a in _args(tp)]
        return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)
    if origin is not None and isinstance(origin, type):
        args = _args(tp)
        if issubclass(origin, Mapping):
            key, item = (*args, Any, Any)[:2]
            return f"a table of {describe(key)} = {describe(item)}"
        return f"a list of {describe(args[0]) if args else 'values'}"
    words = {str: "text", bool: "true or false", int: "a whole number", float: "a number",
             datetime.date: "a date (2023-04-01)"}
    if tp in words:
        return words[tp]
    if isinstance(tp, type) and issubclass(tp, PurePath):
        return "a file name"
    if isinstance(tp, type):
        article = "an" if tp.__name__[:1] in "AEIOU" else "a"
        return f"{article} {tp.__name__} (in Python)"
    return str(tp)

