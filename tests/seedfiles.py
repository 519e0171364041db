"""TEMPORARY glue: read the example plan files and CSVs until ``perfcore.io`` lands.

``perfcore.io.plan.load_plan`` and ``perfcore.io.load_data`` are being written on other
branches. Until they are on main, this module reads ``examples/**/*.toml`` (the format of
docs/plan-files.md) and their long-format CSVs with the standard library, so that
tests/test_seeds.py can check the seeds now. When ``perfcore.io`` exists, :func:`load`
uses it instead, and this module's readers are to be deleted.
"""

from __future__ import annotations

import csv
import tomllib
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfcore.dataset import Dataset, PublishedFigure
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


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _ons_pfa(file: Path, options: Mapping[str, Any]) -> list[dict[str, Any]]:
    """ONS Table P1 (with P3 for rates), as the ``ons_pfa`` loader of perfcore.io reads it:
    the total as ``all_crime``, mapped offence groups, and ``<id>_rate`` with the count as
    numerator and the population (blank counts are not available)."""
    import datetime as dt

    def period(end: str) -> str:
        day = dt.date.fromisoformat(end)
        month = day.strftime("%B %Y")
        return (f"{day.year - 1}-{day.year % 100:02d}" if day.month == 3
                else f"12 months to {month}")

    mapping = dict(options.get("measures", {}))
    pop_file = options.get("population")
    population = {}
    if pop_file:
        for r in _rows(Path(pop_file)):
            population[(r["area_code"], r["period_end"])] = r
    out: list[dict[str, Any]] = []
    for r in _rows(file):
        if r["parent_group"].strip():
            measure = mapping.get(r["offence_group"].strip())
            if measure is None:
                continue
        else:
            measure = "all_crime"
        count = r["number_of_offences"].strip() or None
        key = {"organisation": r["area_code"], "period": period(r["period_end"]),
               "source": f"ONS police force area data tables ({r['source_file']})"}
        out.append({"measure": measure, "value": count, **key})
        pop = population.get((r["area_code"], r["period_end"]))
        if pop is not None and count is not None and pop["population"].strip():
            out.append({"measure": f"{measure}_rate", "numerator": count,
                        "population": pop["population"], **key})
    return out


def load_data(pf: PlanFile) -> Dataset:
    records: list[dict[str, Any]] = []
    published: list[PublishedFigure] = []
    for entry in pf.data:
        file = pf.path.parent / entry["path"]
        if entry.get("loader") == "ons_pfa":
            # Paths in options are taken relative to the plan file's folder.
            options = dict(entry.get("options", {}))
            if "population" in options:
                options["population"] = str(pf.path.parent / options["population"])
            records += _ons_pfa(file, options)
        elif entry.get("loader") == "published":
            published += [PublishedFigure(measure=r["measure"], group=r["group"],
                                          period=r["period"], figure=r["figure"],
                                          value=float(r["value"]), source=r["source"])
                          for r in _rows(file)]
        else:
            records += [{k: (v if v != "" else None) for k, v in r.items()}
                        for r in _rows(file)]
    return Dataset.from_records(records, published=published)


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
