"""The plan model: construction, named constructors, validation of every field, pickling."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from perfcore.errors import (
    DuplicateIdError,
    ModelError,
    PlanValidationError,
    TargetPolarityError,
    UnknownMeasureError,
)
from perfcore.model import Measure, MeasureKind, Outcome, Plan, Polarity, Priority, Target
from perfcore.periods import FinancialYear


def all_crime(**over: Any) -> Measure:
    kw: dict[str, Any] = dict(id="all_crime", name="All crime", kind="count", polarity="lower")
    kw.update(over)
    return Measure(**kw)


# Seed 001 ("Chief Constables Delivery Plan 2020/21"): the two measures of its tables.
SEED_001 = {
    "title": "Chief Constable's Delivery Plan 2020/21",
    "organisation": "Gwent Police",
    "period": "2020/21",
    "priorities": [{
        "title": "Crime Reduction",
        "lead": "Assistant Chief Constable",
        "board": "Operational Performance Board",
        "assessment_type": "Operational",
        "outcomes": [{
            "statement": "People of Gwent are less affected by crime",
            "measures": [
                {"id": "all_crime", "name": "All crime", "kind": "count",
                 "polarity": "lower is better", "unit": "crimes"},
                {"id": "all_crime_outcome_rate", "name": "All crime outcome rate",
                 "kind": "percentage", "polarity": "higher", "unit": "%"},
            ],
        }],
    }],
}


def test_seed_001_plan_from_mapping() -> None:
    plan = Plan.from_mapping(SEED_001)
    assert plan.id == "chief_constable_s_delivery_plan_2020_21"
    assert plan.period == FinancialYear(2020)
    assert [m.id for m in plan.measures()] == ["all_crime", "all_crime_outcome_rate"]
    rate = plan.measure("all_crime_outcome_rate")
    assert rate.kind is MeasureKind.PROPORTION and rate.kind.uses_pp_change
    assert rate.polarity is Polarity.HIGHER_IS_BETTER and rate.polarity.sign == 1
    assert plan.measure("all_crime").polarity.sign == -1
    assert plan.priorities[0].assessment_type == "Operational"
    assert repr(plan) == ("Plan(\"Chief Constable's Delivery Plan 2020/21\", 1 priority, "
                          "2 measures)")
    assert repr(rate) == ("Measure('all_crime_outcome_rate', 'All crime outcome rate', "
                          "proportion, higher_is_better)")


def test_equality_and_pickling() -> None:
    a, b = Plan.from_mapping(SEED_001), Plan.from_mapping(SEED_001)
    assert a == b and hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == a


def test_target_from_text_and_mapping() -> None:
    # seed 000: "20% reduction in crime over the course of the current parliament"
    t = Target.from_text("20% reduction from 2019-20 by 2024-25")
    assert t.change == pytest.approx(-0.20) and t.change_unit == "relative"
    assert t.baseline == FinancialYear(2019) and t.by == FinancialYear(2024)
    assert t.direction == -1
    assert repr(t) == "Target(change=-20.0%, from 2019-20, by 2024-25)"
    pp = Target.from_mapping({"change": "+2 pp", "by": "2022-23"})
    assert pp.change == 2.0 and pp.change_unit == "pp" and pp.direction == 1
    assert Target.from_mapping({"value": 0.051}).direction == 0  # seed 000: 5.1% benchmark
    m = all_crime(target=t)
    assert m.target is t


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"id": "All Crime"}, "id"),
        ({"id": ""}, "id"),
        ({"id": 3}, "id"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"kind": "cnt"}, "kind"),
        ({"polarity": "sideways"}, "polarity"),
        ({"unit": 5}, None),
        ({"per": 1000}, "per"),  # per only for rates
        ({"kind": "rate", "per": 0}, "per"),
        ({"decimals": 9}, "decimals"),
        ({"decimals": True}, "decimals"),
        ({"kind": "qualitative", "target": Target(value=1.0)}, "target"),
        ({"kind": "proportion", "target": Target(change=-0.1)}, "target"),
    ],
)
def test_invalid_measure_fields_rejected(over: dict[str, Any], field: str | None) -> None:
    with pytest.raises((ModelError, TypeError)) as info:
        all_crime(**over)
    if field is not None:
        assert isinstance(info.value, ModelError)
        assert info.value.field == field
        assert field in str(info.value) or "id" in str(info.value)


def test_target_contradicting_polarity() -> None:
    with pytest.raises(TargetPolarityError) as info:
        all_crime(target=Target(change=0.2))
    assert info.value.obj == "measure 'all_crime'" and info.value.field == "target"
    assert "asks for an increase" in str(info.value)
    with pytest.raises(TargetPolarityError, match="neutral"):
        all_crime(polarity="neutral", target=Target(change=-0.1))


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"value": 1.0, "change": -0.1}, {"change": 0}, {"value": "high"}, {"value": float("nan")},
     {"change": -0.1, "by": "2023-25"}],
)
def test_invalid_targets(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ModelError):
        Target(**kwargs)


def test_target_phrase_errors() -> None:
    with pytest.raises(ModelError, match="cannot read change"):
        Target.from_text("lots fewer crimes")
    with pytest.raises(ModelError, match="unknown field"):
        Target.from_mapping({"change": "-10%", "deadline": "2024-25"})


def test_priority_without_title() -> None:
    with pytest.raises(ModelError) as info:
        Priority(id="crime", title="")
    assert info.value.field == "title" and "priority 'crime'" in str(info.value)


def test_duplicate_measure_ids_name_both_places() -> None:
    m = all_crime()
    with pytest.raises(DuplicateIdError) as info:
        Plan(id="p", title="P", priorities=[
            Priority(id="a", title="A", outcomes=[Outcome(id="o1", statement="S", measures=[m])]),
            Priority(id="b", title="B", outcomes=[Outcome(id="o2", statement="S", measures=[m])]),
        ])
    assert info.value.id == "all_crime"
    assert "a.o1" in str(info.value) and "b.o2" in str(info.value)
    with pytest.raises(DuplicateIdError):
        Outcome(id="o", statement="S", measures=[m, m])


def test_unknown_measure_suggests_nearest() -> None:
    plan = Plan.from_mapping(SEED_001)
    with pytest.raises(UnknownMeasureError) as info:
        plan.measure("all_crme")
    assert info.value.suggestions[0] == "all_crime"
    assert isinstance(info.value, KeyError)
    assert "did you mean 'all_crime'" in str(info.value)


def test_plan_validation_lists_every_problem_with_its_path() -> None:
    bad = {
        "title": "Broken",
        "colour": "blue",
        "priorities": [
            {"title": "", "outcomes": [{"statement": "S", "measures": [
                {"id": "a", "name": "A", "kind": "cnt", "polarity": "lower"},
                {"id": "b", "name": "B", "kind": "count", "polarity": "up",
                 "target": "20% reduction"},
                {"name": "C", "kind": "count", "polarity": "lower"},
            ]}]},
            {"title": "Second", "outcomes": "not a list"},
        ],
    }
    with pytest.raises(PlanValidationError) as info:
        Plan.from_mapping(bad, file="plan.toml")
    paths = [p.path for p in info.value.problems]
    assert paths == [
        "colour",
        "priorities[0].outcomes[0].measures[0]",
        "priorities[0].outcomes[0].measures[1]",
        "priorities[0].outcomes[0].measures[2]",
        "priorities[0]",
        "priorities[1].outcomes",
    ]
    text = str(info.value)
    assert text.startswith("6 problems in plan plan.toml:")
    assert "kind='cnt' is not allowed" in text
    assert "asks for a reduction" in text
    assert "missing required field id" in text
    assert all(p.file == "plan.toml" for p in info.value.problems)
