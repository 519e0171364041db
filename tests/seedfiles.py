"""TEMPORARY glue: read the example plan files until ``perfcore.io.plan`` lands.

``perfcore.io.plan.load_plan`` is being written on another branch. Until it is on main,
this module reads ``examples/**/*.toml`` (the format of docs/plan-files.md) with tomllib
and :meth:`perfcore.model.Plan.from_mapping`, so that tests/test_seeds.py can check the
seeds now; the data are read by the real loaders (:func:`perfcore.io.load_data`). When
``load_plan`` exists, this module is to be deleted.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfcore.dataset import Dataset
from perfcore.evaluate import Evaluation, NotAvailableWarning, evaluate
from perfcore.model import Measure, Plan
from perfcore.organisations import ComparatorGroup, default_registry
from perfcore.report.model import Column, Report, build_report

#: Fields of a qualitative measure's manual assessment (docs/plan-files.md); kept aside
#: because perfcore.model.Measure does not hold them.
ASSESSMENT_FIELDS = ("status", "as_of", "commentary", "evidence")


@attrs.frozen(kw_only=True)
class PlanFile:
    path: Path
    plan: Plan
    display: Mapping[str, Any]
    comparators: tuple[ComparatorGroup, ...]
    data: tuple[Mapping[str, Any], ...]
    assessments: Mapping[str, Mapping[str, Any]]
    raw: Mapping[str, Any]


def _measure(entry: Mapping[str, Any], assessments: dict[str, dict[str, Any]]
             ) -> dict[str, Any]:
    entry = dict(entry)
    manual = {k: entry.pop(k) for k in ASSESSMENT_FIELDS if k in entry}
    if "use" in entry:
        from perfcore.plugins import get_measure
        base = get_measure(entry.pop("use"))
        if base.target is not None and "target" not in entry:
            raise NotImplementedError("plugin measures with their own targets")
        fields = {a.name: getattr(base, a.name) for a in attrs.fields(Measure)}
        fields["kind"], fields["polarity"] = base.kind.value, base.polarity.value
        entry = {**fields, **entry}
    if manual:
        assessments[entry["id"]] = manual
    return entry


def load_plan(path: str | Path) -> PlanFile:
    path = Path(path)
    raw = tomllib.loads(path.read_text("utf-8"))
    assessments: dict[str, dict[str, Any]] = {}
    priorities = [
        {**p, "outcomes": [{**o, "measures": [_measure(m, assessments)
                                              for m in o.get("measures", [])]}
                           for o in p.get("outcomes", [])]}
        for p in raw.get("priorities", [])]
    plan = Plan.from_mapping({**raw["plan"], "priorities": priorities}, file=str(path))
    comparators = []
    reg = default_registry()
    for c in raw.get("comparators", []):
        if "msg" in c:
            comparators.append(ComparatorGroup.msg(
                c["msg"], c["members"], version=c.get("version", ""),
                source=c.get("source", ""), illustrative=c.get("illustrative", False)))
        else:
            comparators.append(reg.group(c["area"]))
    return PlanFile(path=path, plan=plan, display=raw.get("display", {}),
                    comparators=tuple(comparators), data=tuple(raw.get("data", [])),
                    assessments=assessments, raw=raw)


def load_data(pf: PlanFile) -> Dataset:
    """The plan's ``[[data]]`` files through :func:`perfcore.io.load_data`, joined.

    Paths, and paths given as loader options (the ``ons_pfa`` loader's ``population``),
    are taken relative to the plan file's folder."""
    from perfcore.io import load_data as load

    parts = []
    for entry in pf.data:
        options = dict(entry.get("options", {}))
        if "population" in options:
            options["population"] = pf.path.parent / options["population"]
        parts.append(load(pf.path.parent / entry["path"], loader=entry.get("loader"),
                          progress=False, **options))
    return parts[0] if len(parts) == 1 else Dataset.concat(parts)


def evaluate_file(pf: PlanFile, dataset: Dataset, *, period: str,
                  previous: str | None = None,
                  measures: Sequence[str] | None = None) -> Evaluation:
    with warnings.catch_warnings():
        # Measures the seed gives no figures for are reported as "n/a", as perfcore does.
        warnings.simplefilter("ignore", NotAvailableWarning)
        return evaluate(pf.plan, dataset, period=period, previous=previous,
                        organisation=pf.plan.organisation or None,
                        compare_with=list(pf.comparators), measures=measures)


class ManualStatuses:
    """The manual statuses of qualitative items, through build_report's ``scores``
    interface (no scoring of the numeric measures and no roll-up: that is the scoring
    work's)."""

    def __init__(self, assessments: Mapping[str, Mapping[str, Any]]) -> None:
        self.assessments = assessments

    def status_of(self, measure: str, organisation: str) -> tuple[str | None, tuple[str, ...]]:
        a = self.assessments.get(measure)
        if a is None:
            return None, ()
        return a.get("status"), tuple(x for x in [a.get("commentary", ""),
                                                  *a.get("evidence", ())] if x)

    def rollup_of(self, priority: str, organisation: str) -> None:
        return None


def report(pf: PlanFile, dataset: Dataset, ev: Evaluation) -> Report:
    display = pf.display
    default = display.get("decimals")
    decimals = ({m.id: m.decimals if m.decimals is not None else default
                 for m in pf.plan.measures()} if default is not None else None)
    rep = build_report(ev, dataset=dataset, history_periods=display.get("history", ()),
                       decimals=decimals, change_decimals=display.get("change_decimals", 1),
                       thousands=display.get("thousands", False),
                       scores=ManualStatuses(pf.assessments) if pf.assessments else None)
    labels = display.get("labels", {})
    columns = tuple(Column(key=c.key, heading=labels.get(c.key, labels.get(
        c.key.removesuffix(".figure"), c.heading))) for c in rep.columns)
    return attrs.evolve(rep, columns=columns)
