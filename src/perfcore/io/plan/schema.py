"""The JSON Schema of plan files (``perfcore/data/plan.schema.json``): editors use it, and
the plan parser reads the allowed keys of each table from it, so the two cannot disagree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["FORMAT", "plan_schema", "table_keys"]

#: The plan-file format this perfcore reads (the ``format`` key).
FORMAT = "perfcore-plan/1"


@cache
def plan_schema() -> Mapping[str, Any]:
    """The JSON Schema of plan files (draft 2020-12), as shipped with perfcore."""
    text = resources.files("perfcore").joinpath("data/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def table_keys(definition: str | None) -> tuple[str, ...]:
    """Allowed keys of a table: the properties of a schema definition (None: the root)."""
    schema = plan_schema()
    node = schema if definition is None else schema["$defs"][definition]
    return tuple(node["properties"])
