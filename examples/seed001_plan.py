"""Build the plan of seed 001 (Gwent Police, Chief Constable's Delivery Plan 2020/21) and
print it.

Run:  python examples/seed001_plan.py
"""

from __future__ import annotations

from perfcore.model import Measure, Outcome, Plan, Priority

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
                        Measure(id="all_crime", name="All crime", kind="count",
                                polarity="lower", unit="crimes",
                                source="Home Office police recorded crime (excluding fraud)"),
                        Measure(id="all_crime_outcome_rate", name="All crime outcome rate",
                                kind="proportion", polarity="higher", unit="%",
                                description="Positive (solved) outcomes / crimes recorded"),
                    ],
                )
            ],
        )
    ],
)


def main() -> None:
    plan = PLAN
    print(f"{plan.title} — {plan.organisation}, {plan.period.label() if plan.period else ''}")
    for priority in plan.priorities:
        print(f"\n{priority.title}  (lead: {priority.lead}; board: {priority.board}; "
              f"{priority.assessment_type} assessment)")
        for outcome in priority.outcomes:
            print(f"  Outcome: {outcome.statement}")
            for m in outcome.measures:
                print(f"    - {m.name} [{m.id}]: {m.kind.value}, {m.polarity.value}")


if __name__ == "__main__":
    main()
