"""perfcore: police force performance frameworks, computed the same way everywhere.

The workflow::

    plan file + data ──► Dataset ──► Evaluation ──► Scores ──► Report ──► text / HTML / JSON
      load_plan()       load_data()   evaluate()      score()    build_report()  render()

``run(plan)`` does every step (:mod:`perfcore.pipeline`). Plugin authors need
``hookimpl`` and the ``*Spec`` records. Everything here loads on first use, so that
``import perfcore`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from perfcore.codes import MeasureKind, Polarity, Status, StatusBasis
from perfcore.errors import PerfcoreError, PerfcoreWarning

__version__ = "0.1.0.dev0"

# name -> module it lives in; loaded on first attribute access.
_LAZY: dict[str, str] = {
    # the workflow
    "load_plan": "perfcore.pipeline",
    "loads_plan": "perfcore.pipeline",
    "load_data": "perfcore.pipeline",
    "run": "perfcore.pipeline",
    "render": "perfcore.pipeline",
    "evaluate": "perfcore.evaluation",
    "score": "perfcore.scoring",
    "build_report": "perfcore.report",
    # the values it passes along
    "Plan": "perfcore.model",
    "Priority": "perfcore.model",
    "Outcome": "perfcore.model",
    "Measure": "perfcore.model",
    "Target": "perfcore.model",
    "Dataset": "perfcore.dataset",
    "Evaluation": "perfcore.evaluation",
    "Scores": "perfcore.scoring",
    "Report": "perfcore.report",
    "PlanFile": "perfcore.io.plan",
    "parse_period": "perfcore.periods",
    # modules
    "calc": "perfcore.calc",
    "codes": "perfcore.codes",
    "periods": "perfcore.periods",
    "model": "perfcore.model",
    "plugins": "perfcore.plugins",
    "hookspecs": "perfcore.plugins.hookspecs",
    # for plugin authors: `from perfcore import hookimpl, DomainSpec`
    "hookimpl": "perfcore.plugins.hookspecs",
    "CatalogueSpec": "perfcore.plugins.specs",
    "DerivedMeasureSpec": "perfcore.plugins.specs",
    "DomainSpec": "perfcore.plugins.specs",
    "LoaderSpec": "perfcore.plugins.specs",
    "RendererSpec": "perfcore.plugins.specs",
    "ScorerSpec": "perfcore.plugins.specs",
    "ScoreBlock": "perfcore.scoring",
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
    "Status",
    "StatusBasis",
    "__version__",
    *_LAZY,
]

if TYPE_CHECKING:
    # "import X as X" marks explicit re-exports for type checkers (mypy --strict).
    from perfcore import calc as calc
    from perfcore import codes as codes
    from perfcore import model as model
    from perfcore import periods as periods
    from perfcore import plugins as plugins
    from perfcore.dataset import Dataset as Dataset
    from perfcore.derive import DerivedValues as DerivedValues
    from perfcore.derive import DeriveInputs as DeriveInputs
    from perfcore.evaluation import Evaluation as Evaluation
    from perfcore.evaluation import evaluate as evaluate
    from perfcore.io.plan import PlanFile as PlanFile
    from perfcore.model import Measure as Measure
    from perfcore.model import Outcome as Outcome
    from perfcore.model import Plan as Plan
    from perfcore.model import Priority as Priority
    from perfcore.model import Target as Target
    from perfcore.periods import parse_period as parse_period
    from perfcore.pipeline import load_data as load_data
    from perfcore.pipeline import load_plan as load_plan
    from perfcore.pipeline import loads_plan as loads_plan
    from perfcore.pipeline import render as render
    from perfcore.pipeline import run as run
    from perfcore.plugins import get_measure as get_measure
    from perfcore.plugins import hookspecs as hookspecs
    from perfcore.plugins.hookspecs import hookimpl as hookimpl
    from perfcore.plugins.specs import CatalogueSpec as CatalogueSpec
    from perfcore.plugins.specs import DerivedMeasureSpec as DerivedMeasureSpec
    from perfcore.plugins.specs import DomainSpec as DomainSpec
    from perfcore.plugins.specs import LoaderSpec as LoaderSpec
    from perfcore.plugins.specs import RendererSpec as RendererSpec
    from perfcore.plugins.specs import ScorerSpec as ScorerSpec
    from perfcore.report import Report as Report
    from perfcore.report import build_report as build_report
    from perfcore.scoring import ScoreBlock as ScoreBlock
    from perfcore.scoring import Scores as Scores
    from perfcore.scoring import score as score


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
