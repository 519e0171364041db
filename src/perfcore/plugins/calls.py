"""Calling what plugins register: callables imported on first use, and the guard that
names the plugin when one fails.

A registered callable can be given as ``"package.module:function"`` (the syntax of entry
points): the record then holds a :class:`LazyCallable`, and the module is imported the
first time the callable is used, so that listing the installed loaders, renderers and
scorers imports none of them.

The plugin manager wraps every callable a plugin registers in a :class:`PluginCallable`,
which knows the plugin (name, distribution, version, entry point) and the hook that
registered it. An exception that is not one of perfcore's own — including ``SystemExit``
and a failed import of a lazy callable — becomes a
:class:`~perfcore.errors.PluginCallError` naming them, the original chained; perfcore's
own errors (a loader's ``DataError``) pass through unchanged, because that is how a
plugin reports bad input. ``KeyboardInterrupt`` is never caught.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Callable
from typing import Any

import attrs

from perfcore.errors import ModelError, PerfcoreError, PluginCallError, PluginResultError

__all__ = ["PASS_THROUGH", "LazyCallable", "PluginCallable", "plugin_fields", "reference"]

#: Exceptions a plugin's failure never swallows: the user pressing Ctrl-C, and a
#: generator being closed.
PASS_THROUGH: tuple[type[BaseException], ...] = (KeyboardInterrupt, GeneratorExit)

_TARGET = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


class _SignatureOf:
    """``obj.__signature__``: the signature of what ``obj`` calls (read on demand, so
    that ``inspect.signature`` sees through the wrapper); ``None`` on the class."""

    def __get__(self, obj: Any, owner: type | None = None) -> inspect.Signature | None:
        if obj is None:
            return None
        sig: inspect.Signature = obj.signature()
        return sig


@functools.cache
def _resolve(target: str) -> Callable[..., Any]:
    module, _, qualname = target.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not callable(found):
        raise TypeError(f"{target} is a {type(found).__name__}, not a callable")
    return found  # type: ignore[no-any-return]


@attrs.frozen
class LazyCallable:
    """A callable named by ``"package.module:function"``, imported on first call.

    Pickles and compares as its name; ``inspect.signature`` gives the target's signature
    (importing it)."""

    target: str

    def __attrs_post_init__(self) -> None:
        if not _TARGET.match(self.target):
            raise ModelError(reason=f"{self.target!r} does not name a callable: give "
                             "'package.module:function'", obj="callable", field="target")

    __signature__ = _SignatureOf()

    def resolve(self) -> Callable[..., Any]:
        """The callable itself (importing its module the first time)."""
        return _resolve(self.target)

    def signature(self) -> inspect.Signature:
        return inspect.signature(self.resolve())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)


def unwrapped(function: Any) -> Any:
    """The function a plugin's callable stands for, through perfcore's wrappers (a
    :class:`PluginCallable`, a :class:`LazyCallable`, which this imports): what its type
    annotations are read from."""
    while True:
        if isinstance(function, PluginCallable):
            function = function.function
        elif isinstance(function, LazyCallable):
            function = function.resolve()
        else:
            return function


def reference(value: Any) -> Any:
    """A record's converter: ``"module:function"`` → :class:`LazyCallable`; anything else
    unchanged (the record's validator then checks it is callable)."""
    return LazyCallable(value) if isinstance(value, str) else value


@attrs.frozen
class PluginCallable:
    """A plugin's callable, wrapped so that its failures name the plugin and the hook.

    Calling it calls ``function``; see the module docs for what is caught. ``kind`` and
    ``name`` say what it is (``"renderer"``, ``"docx"``)."""

    function: Callable[..., Any]
    kind: str
    name: str
    plugin: str
    hook: str
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None

    __signature__ = _SignatureOf()

    def signature(self) -> inspect.Signature:
        sig: inspect.Signature = self._guarded(inspect.signature, self.function)
        return sig

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._guarded(self.function, *args, **kwargs)

    def _guarded(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PASS_THROUGH:
            raise
        except PluginResultError as exc:
            # A record the plugin built refused itself (a ScoreBlock with a colour on no
            # evidence): say whose it is.
            if exc.plugin is not None:
                raise
            raise PluginResultError(**{**exc.fields, **self.fields(),
                                       "name": exc.name or self.name}) from exc
        except PerfcoreError:
            raise
        except BaseException as exc:
            raise PluginCallError(reason=f"{type(exc).__name__}: {exc}", kind=self.kind,
                                  name=self.name, **self.fields()) from exc

    def fields(self) -> dict[str, Any]:
        """The plugin's fields, as perfcore's plugin errors take them."""
        return {"plugin": self.plugin, "distribution": self.distribution,
                "version": self.version, "entry_point": self.entry_point, "hook": self.hook}


def plugin_fields(function: Any) -> dict[str, Any]:
    """The plugin fields (``plugin``, ``distribution`` ...) of a registered callable, for
    a :class:`~perfcore.errors.PluginResultError` about what it returned; ``{}`` when it
    was not registered through the plugin manager."""
    return function.fields() if isinstance(function, PluginCallable) else {}
