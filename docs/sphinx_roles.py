"""A Griffe extension: Sphinx cross-reference roles in docstrings become links on the site.

perfcore's docstrings follow numpydoc, which writes cross-references as Sphinx roles
(``:func:`~perfcore.calc.pct_change```). ``help()``, IDEs and Sphinx read them as they are;
mkdocstrings does not interpret reStructuredText roles, so without this extension they
showed as literal text on the API pages. Each role is rewritten, for the site only, into
a mkdocs-autorefs reference to the object's canonical path, the name resolved as Sphinx
resolves it: the enclosing class, then the module (including what it imports), then a full
dotted path; a leading dot is relative to the package; last, a unique dotted suffix
(``Dataset.cube``) of a perfcore object.

- A public perfcore object becomes a link where the API pages show it, and its name as
  code (with the full path as its title) where they do not (an attribute without a
  docstring, a submodule not rendered).
- A private object (a ``_name`` anywhere in its path) or an object outside perfcore
  (``numpy.round``, ``warnings.warn``, built-ins) becomes code.
- A role naming nothing perfcore defines is reported as a warning (so ``--strict`` fails)
  and shown as code: a misspelt reference does not go unnoticed.

Configured in mkdocs.yml (``extensions:`` of the mkdocstrings Python handler).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterator
from typing import Any

import griffe

__all__ = ["ROLE", "SphinxRoles", "rewrite"]

#: A Sphinx Python-domain role: ``:func:`name```, ``:class:`~a.b.C```, ``:py:meth:`...```,
#: with an optional explicit title (``:func:`title <target>```).
ROLE = re.compile(
    r":(?:py:)?(?P<role>func|class|mod|meth|attr|data|exc|obj):"
    r"`(?P<tilde>~)?(?:(?P<title>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<name>[^`]+))`")

_CALLABLE_ROLES = frozenset({"func", "meth"})
_LOOKUP_ERRORS = (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError)

# A resolver maps a role's target as written to the path of the perfcore object it names
# (None: not a perfcore object), and says whether the name is known at all.
Resolver = Callable[[str], tuple[str | None, bool]]


def rewrite(text: str, resolve: Resolver, *, where: str = "") -> str:
    """Rewrite every Sphinx role in ``text``; ``resolve`` finds each target's path."""

    def replace(match: re.Match[str]) -> str:
        target = (match["target"] or match["name"]).strip()
        if match["title"]:
            shown = match["title"]
        else:
            bare = target.lstrip(".")
            shown = bare.rsplit(".", 1)[-1] if match["tilde"] else bare
            if match["role"] in _CALLABLE_ROLES:
                shown += "()"
        path, known = resolve(target)
        if not known:
            griffe.logger.warning("%s: cross-reference %s names nothing perfcore defines",
                                  where or "docstring", match[0])
        if path is None or _is_private(path):
            return f"`{shown}`"
        # autorefs' own reference element, as mkdocstrings writes for signatures: a link
        # where the API pages show the object, its name as code (titled with the full
        # path) where they do not, such as an attribute without a docstring.
        return f'<autoref identifier="{path}" optional><code>{shown}</code></autoref>'

    return ROLE.sub(replace, text)


def _is_private(path: str) -> bool:
    return any(part.startswith("_") and not part.endswith("__") for part in path.split("."))


class SphinxRoles(griffe.Extension):
    """Rewrite the roles of every docstring of a package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader,
                   **kwargs: Any) -> None:
        suffixes = _suffix_index(pkg)
        for obj in _objects(pkg):
            if obj.docstring is None or ":" not in obj.docstring.value:
                continue
            scope = obj if obj.is_module or obj.is_class else obj.parent
            assert scope is not None  # only the package itself has no parent
            resolver = _resolver(scope, loader.modules_collection, pkg.name, suffixes)
            obj.docstring.value = rewrite(obj.docstring.value, resolver, where=obj.path)


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            assert isinstance(member, griffe.Object)
            yield from _objects(member)


def _suffix_index(pkg: griffe.Module) -> dict[str, list[str]]:
    """Every object of the package under each of its dotted suffixes (``Dataset.cube``)."""
    index: dict[str, list[str]] = {}
    for obj in _objects(pkg):
        parts = obj.path.split(".")
        for start in range(1, len(parts)):
            index.setdefault(".".join(parts[start:]), []).append(obj.path)
    return index


def _resolver(scope: griffe.Object, collection: griffe.ModulesCollection, package: str,
              suffixes: dict[str, list[str]]) -> Resolver:
    def resolve(name: str) -> tuple[str | None, bool]:
        for candidate in _candidates(scope, name):
            found = _lookup(collection, candidate)
            if found is not None:
                return found, True
        matches = suffixes.get(name.lstrip("."), [])
        if len(matches) == 1:
            return _lookup(collection, matches[0]), True
        head = name.lstrip(".").split(".", 1)[0]
        # Outside perfcore: the standard library, numpy, scipy, built-ins.
        outside = (head != package and not name.startswith(".")
                   and (hasattr(builtins, head) or _importable(head)))
        return None, outside

    return resolve


def _candidates(scope: griffe.Object, name: str) -> Iterator[str]:
    if name.startswith("."):
        module = scope.module
        package = module if module.is_init_module else module.parent
        if package is not None:
            yield package.path + name
        return
    head, dot, rest = name.partition(".")
    try:
        scoped = scope.resolve(head) + dot + rest
    except griffe.NameResolutionError:
        scoped = None
    if scoped is not None:
        yield scoped
    yield name


def _lookup(collection: griffe.ModulesCollection, path: str) -> str | None:
    """The canonical path of the perfcore object at ``path``, or None."""
    try:
        obj = collection[path]
        if obj.is_alias:
            obj = obj.final_target
        return str(obj.canonical_path)
    except _LOOKUP_ERRORS:
        return None


def _importable(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
