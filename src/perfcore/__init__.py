"""perfcore: police force performance frameworks, computed the same way everywhere.

The public API is re-exported here. Heavy submodules load on first use so that
``import perfcore`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from perfcore.codes import MeasureKind, Polarity
from perfcore.errors import PerfcoreError, PerfcoreWarning

__version__ = "0.1.0.dev0"

# name -> module it lives in; loaded on first attribute access.
_LAZY: dict[str, str] = {
    "calc": "perfcore.calc",
    "periods": "perfcore.periods",
    "model": "perfcore.model",
    # Plugin authors write `from perfcore import hookimpl, DomainSpec`; loading them
    # lazily keeps pluggy (and everything plugin-related) out of `import perfcore`.
    "hookimpl": "perfcore.plugins.hookspecs",
    "hookspecs": "perfcore.plugins.hookspecs",
    "plugins": "perfcore.plugins",
    "CatalogueSpec": "perfcore.plugins.specs",
    "DerivedMeasureSpec": "perfcore.plugins.specs",
    "DomainSpec": "perfcore.plugins.specs",
    "LoaderSpec": "perfcore.plugins.specs",
    "RendererSpec": "perfcore.plugins.specs",
    "ScorerSpec": "perfcore.plugins.specs",
    "get_measure": "perfcore.plugins",
    # What a derived measure's `derive` callable receives and returns.
    "DeriveInputs": "perfcore.derive",
    "DerivedValues": "perfcore.derive",
}

__all__ = [
    "MeasureKind",
    "PerfcoreError",
    "PerfcoreWarning",
    "Polarity",
    "__version__",
    *_LAZY,
]

if TYPE_CHECKING:
    # "import X as X" marks explicit re-exports for type checkers (mypy --strict).
    from perfcore import calc as calc
    from perfcore import model as model
    from perfcore import periods as periods
    from perfcore import plugins as plugins
    from perfcore.derive import DerivedValues as DerivedValues
    from perfcore.derive import DeriveInputs as DeriveInputs
    from perfcore.plugins import get_measure as get_measure
    from perfcore.plugins import hookspecs as hookspecs
    from perfcore.plugins.hookspecs import hookimpl as hookimpl
    from perfcore.plugins.specs import CatalogueSpec as CatalogueSpec
    from perfcore.plugins.specs import DerivedMeasureSpec as DerivedMeasureSpec
    from perfcore.plugins.specs import DomainSpec as DomainSpec
    from perfcore.plugins.specs import LoaderSpec as LoaderSpec
    from perfcore.plugins.specs import RendererSpec as RendererSpec
    from perfcore.plugins.specs import ScorerSpec as ScorerSpec


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'perfcore' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = mod if module.endswith("." + name) else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
