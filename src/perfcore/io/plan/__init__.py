"""Plan files: a TOML description of a performance framework and how to report on it.

The format is in ``docs/plan-files.md`` and the JSON Schema
``perfcore/data/plan.schema.json``. This package only parses and validates:
:func:`read_plan` gives a :class:`PlanFile` (inert records); :func:`perfcore.load_plan`
reads one with the installed plugins and the scoring checks, and :mod:`perfcore.pipeline`
runs it.
"""

from perfcore.io.plan.lines import line_of, toml_lines
from perfcore.io.plan.parse import (
    PlanRegistry,
    ScoringCheck,
    iter_problem_lines,
    read_plan,
    read_plan_text,
)
from perfcore.io.plan.records import DataSource, PlanFile, ReportSettings
from perfcore.io.plan.schema import FORMAT, plan_schema, table_keys

__all__ = ["FORMAT", "DataSource", "PlanFile", "PlanRegistry", "ReportSettings",
           "ScoringCheck", "iter_problem_lines", "line_of", "plan_schema", "read_plan",
           "read_plan_text", "table_keys", "toml_lines"]
