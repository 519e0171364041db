"""Seed 001 (Gwent Police, Chief Constable's Delivery Plan 2020/21): build the plan, load its
published figures, evaluate them and print the two comparison tables as the seed prints them.

Run:  python examples/seed001_plan.py

Every number printed is computed by perfcore (change, pp change, arrows, assessments), except
the MSG and E&W columns, which seed 001 publishes and perfcore carries as published figures.
"""

from __future__ import annotations

import csv
from pathlib import Path

from perfcore.calc import round_half_away
from perfcore.codes import Direction
from perfcore.dataset import Dataset, PublishedFigure
from perfcore.evaluation import Evaluation, evaluate
from perfcore.model import Measure, Outcome, Plan, Priority
from perfcore.organisations import ComparatorGroup, default_registry

PLAN = Plan(
    id="gwent_delivery_plan_2020_21",
    title="Chief Constable's Delivery Plan 2020/21",
    organisation="Gwent Police",
    period="2020/21",
    priorities=[
        Priority(
            id="crime_reduction",
            title="Crime Reduction",
            lead="Assistant Chief Constable",
            board="Operational Performance Board",
            assessment_type="Operational",
            outcomes=[
                Outcome(
                    id="less_crime",
                    statement="People of Gwent are less affected by crime",
                    measures=[
                        Measure(id="all_crime", name="All Crime Trend", kind="count",
                                polarity="lower", unit="crimes",
                                source="Home Office police recorded crime (excluding fraud)"),
                        Measure(id="all_crime_outcome_rate", name="All Crime Outcome Rates",
                                kind="proportion", polarity="higher", unit="%",
                                description="Positive (solved) outcomes / crimes recorded"),
                    ],
                )
            ],
        )
    ],
)

YEARS = ("2018-19", "2019-20", "2020-21")

# Seed 001, "Chief Constables Delivery Plan 2020/21 - Delivered": the figures as transcribed
# in examples/gwent/data (each row cites the seed; see examples/gwent/SOURCE.md).
DATA = Path(__file__).parent / "gwent" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


FIGURES = {
    m: tuple(float(r["value"]) for p in YEARS for r in _rows("seed001-delivered.csv")
             if r["measure"] == m and r["period"] == p)
    for m in ("all_crime", "all_crime_outcome_rate")
}
MSG_ID = "msg_W15000002"
EW_ID = "K04000001"
PUBLISHED = [
    PublishedFigure(measure=r["measure"], group=r["group"], period=r["period"],
                    figure=r["figure"], value=float(r["value"]), source=r["source"])
    for r in _rows("seed001-published.csv")
]
# Gwent's MSG membership is not published in the seed: this one is illustrative, and only
# its published figures are used here.
MSG = ComparatorGroup.msg("Gwent", ["South Wales", "Cleveland", "Humberside", "Lancashire",
                                    "Nottinghamshire", "Northumbria", "Merseyside"],
                          version="illustrative", illustrative=True)


def dataset() -> Dataset:
    # The outcome rate's base is the year's recorded crime (outcomes over crimes).
    bases = dict(zip(YEARS, FIGURES["all_crime"], strict=True))
    records = [{"measure": m, "organisation": "Gwent", "period": p, "value": v,
                **({"denominator": bases[p]} if m == "all_crime_outcome_rate" else {}),
                "source": "seed 001 (examples/gwent/data/seed001-delivered.csv)"}
               for m, values in FIGURES.items() for p, v in zip(YEARS, values, strict=True)]
    return Dataset.from_records(records, published=PUBLISHED)


def fmt(value: float, decimals: int, suffix: str = "", sign: bool = False) -> str:
    shown = float(round_half_away(value, decimals))
    text = f"{shown:+.{decimals}f}" if sign else f"{shown:.{decimals}f}"
    return text + suffix


def table(ev: Evaluation, history: dict[str, tuple[float, ...]]) -> str:
    lines = []
    for i, m in enumerate(ev.measures):
        pct = m.kind.uses_pp_change
        msg, ew = ev.comparisons["msg"], ev.comparisons[EW_ID]
        if pct:
            head = [*YEARS, "Annual change %", "DOT", "MSG % SR", "E & W SR %"]
            cells = [fmt(v * 100, 1, "%") for v in history[m.id]]
            cells += [fmt(ev.change.value[i, 0], 1, " pp", sign=True),
                      str(ev.direction.arrow[i, 0]),
                      fmt(msg.value[i, 0] * 100, 1, "%"), fmt(ew.value[i, 0] * 100, 1, "%")]
        else:
            head = [*YEARS, "Annual change %", "DOT", "MSG change %", "E & W change %"]
            cells = [f"{v:.0f}" for v in history[m.id]]
            cells += [fmt(ev.change.value[i, 0], 1, "%"), str(ev.direction.arrow[i, 0]),
                      fmt(msg.change[i, 0], 1, "%"), fmt(ew.change[i, 0], 1, "%")]
        widths = [max(len(h), len(c)) for h, c in zip(head, cells, strict=True)]
        direction = Direction(int(ev.direction.assessment[i, 0]))
        lines.append(f"\n{m.name}  ({direction}, {m.polarity.value.replace('_', ' ')})")
        lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip())
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return "\n".join(lines)


def main() -> None:
    ev = evaluate(PLAN, dataset(), period="2020-21", organisation="Gwent",
                  compare_with=[MSG, default_registry().group("England and Wales")])
    print(f"{PLAN.title} — {PLAN.organisation}")
    for priority in PLAN.priorities:
        print(f"{priority.title} (lead: {priority.lead}; {priority.board}; "
              f"{priority.assessment_type} assessment)")
    print(table(ev, FIGURES))
    print("\n" + str(ev.explain("all_crime", "change")))


if __name__ == "__main__":
    main()
