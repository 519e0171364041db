"""Plan files: perfcore.io.plan reads TOML plans, validates them whole and says where each
problem is (file, line and path)."""

from __future__ import annotations

import pickle
import textwrap
import tomllib
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.cli import main
from perfcore.codes import _ALIASES, _KIND_ALIASES, Status
from perfcore.errors import PerfcoreError, PlanSyntaxError, PlanValidationError
from perfcore.io.plan import plan_schema, toml_lines
from perfcore.model import Display, ManualAssessment, Measure
from perfcore.periods import parse_period
from perfcore.pipeline import load_plan, loads_plan

ROOT = Path(__file__).parents[1]
GWENT = ROOT / "examples" / "gwent"
EXAMPLE_PLANS = sorted(p for p in ROOT.glob("examples/**/*.toml")
                       if "plugin-template" not in p.parts)

MINIMAL = """\
[plan]
title = "Delivery plan"
organisation = "Gwent"

[[priorities]]
title = "Crime"

  [[priorities.outcomes]]
  statement = "Less crime"

    [[priorities.outcomes.measures]]
    id = "all_crime"
    name = "All crime"
    kind = "count"
    polarity = "lower"
"""


def problems_of(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(PlanValidationError) as info:
        loads_plan(textwrap.dedent(text), file="plan.toml", **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


# ------------------------------------------------------------------ the example plans


def test_seed001_plan_file_reads_whole() -> None:
    pf = load_plan(GWENT / "plan-2020-21.toml")
    assert pf.plan.id == "gwent_delivery_plan_2020_21"
    assert pf.plan.title == "Chief Constable's Delivery Plan 2020/21"
    assert pf.plan.period == parse_period("2020-21")
    (priority,) = pf.plan.priorities
    assert (priority.lead, priority.board, priority.assessment_type) == (
        "Assistant Chief Constable", "Operational Performance Board", "Operational")
    assert [m.id for m in pf.plan.measures()] == ["all_crime", "all_crime_outcome_rate"]
    msg, ew = pf.comparators
    assert (msg.kind, msg.focal, msg.version, msg.illustrative) == (
        "msg", "W15000002", "illustrative", True)
    assert len(msg.members) == 7 and ew.id == "K04000001" and len(ew.members) == 43
    # Data paths are relative to the plan file, whatever the working folder.
    assert [(d.path, d.loader) for d in pf.data] == [
        (GWENT / "data" / "seed001-delivered.csv", "csv"),
        (GWENT / "data" / "seed001-published.csv", "published")]
    assert pf.display.history == (parse_period("2018-19"),)
    assert pf.display.labels["change"] == "Annual change %"
    assert pf.texts["cy"]["Crime Reduction"] == "Lleihau Troseddu"
    assert pf.report.period == parse_period("2020-21")
    assert pf.line_of("priorities[0].outcomes[0].measures[1].polarity") is not None


@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: p.name)
def test_every_example_plan_loads_and_matches_the_schema(path: Path) -> None:
    pf = load_plan(path)
    assert sum(1 for _ in pf.plan.measures()) > 0
    jsonschema.validate(tomllib.loads(path.read_text("utf-8")), plan_schema())


def test_plan_file_pickles() -> None:
    pf = load_plan(GWENT / "seed004-peel-afis.toml")
    assert pickle.loads(pickle.dumps(pf)) == pf


def test_qualitative_items_carry_their_assessment() -> None:
    # Seed 004's seven PEEL areas for improvement, tracked with their evidence.
    pf = load_plan(GWENT / "seed004-peel-afis.toml")
    afis = {k: a for k, a in pf.manual.items()}
    assert len(afis) == 7
    assert all(isinstance(a, ManualAssessment) and a.status == Status.GREY and a.evidence
               for a in afis.values())
    assert pf.scoring_data["manual"].keys() == afis.keys()


# ------------------------------------------------------------------ the schema


def test_schema_lists_every_measure_field_and_the_accepted_spellings() -> None:
    measure = plan_schema()["$defs"]["measure"]["properties"]
    assert {a.name for a in attrs.fields(Measure)} <= set(measure)
    assert set(measure["polarity"]["enum"]) == set(_ALIASES)
    assert set(measure["kind"]["enum"]) == set(_KIND_ALIASES)


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = plan_schema()
    bad = [
        {"plan": {"title": "x", "colour": "blue"}},
        {"plan": {"title": {"cy": "Cynllun"}}},
        {"plan": {"title": "x"}, "comparators": [{"msg": "Gwent"}]},
        {"plan": {"title": "x"}, "priorities": [{"title": "p", "outcomes": [
            {"statement": "s", "measures": [{"id": "a", "name": "A", "kind": "count",
                                             "polarity": "sideways"}]}]}]},
    ]
    for doc in bad:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, schema)


# ------------------------------------------------------------------ problems


def test_all_problems_are_listed_with_file_line_and_path(tmp_path: Path) -> None:
    found = problems_of("""\
        [plan]
        title = { cy = "Cynllun" }
        colour = "blue"

        [display]
        decimals = 9

        [[comparators]]
        msg = "Gwent"
        members = ["South Wales", "Atlantis"]
        version = "2019"

        [[data]]
        path = "missing.csv"
        loader = "csvv"

        [[priorities]]
        title = "Crime"

          [[priorities.outcomes]]
          statement = "Less crime"

            [[priorities.outcomes.measures]]
            id = "all_crime"
            name = "All crime"
            kind = "count"
            polarity = "sideways"

            [[priorities.outcomes.measures]]
            use = "victims.satisfaction_whole_experiense"

            [[priorities.outcomes.measures]]
            id = "afi"
            name = "AFI"
            kind = "qualitative"
            polarity = "neutral"
            status = "ambr"
        """, base_dir=tmp_path)
    assert found[0] == ("plan.toml:2 plan.title: has no English text: give `en` (English "
                        "is the source language; found cy)")
    assert found[1].startswith("plan.toml:3 plan.colour: unknown key 'colour' in [plan]")
    assert found[2] == "plan.toml:6 display.decimals: must be a whole number from 0 to 6, not 9"
    assert found[3].startswith("plan.toml:10 comparators[0].members: ")
    assert "'Atlantis'" in found[3]
    assert found[4] == f"plan.toml:14 data[0].path: no such data file: {tmp_path / 'missing.csv'}"
    assert found[5].startswith("plan.toml:15 data[0].loader: no loader 'csvv'; did you mean "
                               "'csv'?")
    assert found[6].startswith("plan.toml:27 priorities[0].outcomes[0].measures[0].polarity: "
                               "measure 'all_crime': polarity='sideways' is not allowed")
    assert found[7].startswith("plan.toml:30 priorities[0].outcomes[0].measures[1].use: no "
                               "measure 'victims.satisfaction_whole_experiense' in the "
                               "installed domains; did you mean "
                               "'victims.satisfaction_whole_experience'")
    assert found[8] == ("plan.toml:37 priorities[0].outcomes[0].measures[2].status: status "
                        "must be one of grey, green, amber, red, not 'ambr'; did you mean "
                        "'amber'?")
    assert len(found) == 9


def test_malformed_toml_names_line_and_column() -> None:
    with pytest.raises(PlanSyntaxError) as info:
        loads_plan('[plan]\ntitle = "x"\n[[priorities]\n', file="plan.toml")
    assert (info.value.line, info.value.column) == (3, 13)
    assert str(info.value) == ("plan.toml:3:13: not valid TOML: Expected ']]' at the end of "
                               "an array declaration")
    assert isinstance(info.value, PerfcoreError) and isinstance(info.value, ValueError)


def test_a_missing_plan_file_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanValidationError, match="cannot read the plan file"):
        load_plan(tmp_path / "nope.toml")


def test_model_problems_keep_their_field_path() -> None:
    found = problems_of(MINIMAL.replace('kind = "count"', 'kind = "count"\nper = 1000')
                        .replace('polarity = "lower"', 'polarity = "lower"\n'
                                 'target = "20% reduction by 2024-25x"'))
    # Both problems are listed: the target is checked on its own, so its problem does not
    # hide the measure's.
    assert len(found) == 2
    assert found[0].startswith("plan.toml:15 priorities[0].outcomes[0].measures[0].per: "
                               "measure 'all_crime': per applies only to rate measures")
    assert found[1].startswith("plan.toml:17 priorities[0].outcomes[0].measures[0].target.by: "
                               "measure 'all_crime' target: period '2024-25x': cannot be "
                               "read as a period")


def test_duplicate_measure_ids_say_where_both_are() -> None:
    text = MINIMAL + textwrap.dedent("""\
            [[priorities.outcomes.measures]]
            id = "all_crime"
            name = "All crime again"
            kind = "count"
            polarity = "lower"
        """)
    (found,) = problems_of(text)
    assert found == ("plan.toml:17 priorities[0].outcomes[0].measures[1].id: measure id "
                     "'all_crime' is already used at priorities[0].outcomes[0].measures[0]")


def test_manual_status_is_only_for_qualitative_items() -> None:
    (found,) = problems_of(MINIMAL + '    status = "green"\n')
    assert found.startswith("plan.toml:16 priorities[0].outcomes[0].measures[0].status: "
                            "status is for qualitative items")


def test_a_plugin_measure_can_be_used_and_overridden() -> None:
    pf = loads_plan(MINIMAL + textwrap.dedent("""\
            [[priorities.outcomes.measures]]
            use = "victims.satisfaction_whole_experience"
            target = { value = 0.85 }
        """))
    m = pf.plan.measure("victims.satisfaction_whole_experience")
    assert m.kind.value == "proportion" and m.target is not None and m.target.value == 0.85


# ------------------------------------------------------------------ texts in two languages


def test_bilingual_texts_give_english_to_the_model_and_welsh_to_texts() -> None:
    pf = loads_plan(MINIMAL.replace('title = "Crime"',
                                    'title = { en = "Crime", cy = "Troseddu" }'))
    assert pf.plan.priorities[0].title == "Crime"
    assert pf.texts == {"cy": {"Crime": "Troseddu"}}


def test_one_english_text_cannot_have_two_welsh_translations() -> None:
    text = MINIMAL.replace('title = "Delivery plan"',
                           'title = { en = "Crime", cy = "Troseddu" }').replace(
        'title = "Crime"', 'title = { en = "Crime", cy = "Trosedd" }')
    (found,) = problems_of(text)
    assert found.startswith("plan.toml:6 priorities[0].title: 'Crime' has two different cy "
                            "translations ('Troseddu' at plan.title and 'Trosedd' here)")


def test_language_codes_are_checked() -> None:
    found = problems_of(MINIMAL.replace('title = "Crime"',
                                        'title = { en = "Crime", Welsh = "Troseddu" }'))
    assert found == ["plan.toml:6 priorities[0].title.Welsh: 'Welsh' is not a language code "
                     "(such as en or cy)"]


# ------------------------------------------------------------------ display and lines


def test_display_decimals_leave_whole_numbers_whole() -> None:
    pf = load_plan(GWENT / "plan-2020-21.toml")
    shown = {m.id: Display(decimals=2).decimals_for(m) for m in pf.plan.measures()}
    assert shown == {"all_crime": 0, "all_crime_outcome_rate": 2}


def test_toml_lines_numbers_arrays_of_tables_as_tomllib_does() -> None:
    text = textwrap.dedent("""\
        [plan]
        title = "x"
        [[priorities]]
        id = "a"
          [[priorities.outcomes]]
          id = "o1"
          [[priorities.outcomes]]
          id = "o2"
            [[priorities.outcomes.measures]]
            id = "m"
            target = { value = 1 }
        [[priorities]]
        id = "b"
          [[priorities.outcomes]]
          notes = '''
        fake = 1
        '''
          id = "o3"
        """)
    lines = toml_lines(text)
    assert lines["plan.title"] == 2
    assert lines["priorities[0].outcomes[1].id"] == 8
    assert lines["priorities[0].outcomes[1].measures[0].target"] == 11
    assert lines["priorities[1].outcomes[0]"] == 14
    assert lines["priorities[1].outcomes[0].id"] == 18
    assert "fake" not in str(lines)


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=6))
def test_toml_lines_finds_every_outcome(counts: list[int]) -> None:
    parts = ['[plan]\ntitle = "x"\n']
    for i, n in enumerate(counts):
        parts.append(f'[[priorities]]\ntitle = "p{i}"\n')
        parts += [f'  [[priorities.outcomes]]\n  statement = "s{i}_{j}"\n' for j in range(n)]
    text = "".join(parts)
    lines = toml_lines(text)
    source = text.splitlines()
    for i, n in enumerate(counts):
        for j in range(n):
            line = lines[f"priorities[{i}].outcomes[{j}].statement"]
            assert source[line - 1] == f'  statement = "s{i}_{j}"'


# ------------------------------------------------------------------ the command line


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(MINIMAL.replace('polarity = "lower"', 'polarity = "up-ish"')
                    .replace('title = "Crime"', 'title = "Crime"\nboss = "x"'), "utf-8")
    assert main(["validate", str(plan)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{plan}: 2 problems\n"
    assert err.splitlines() == [
        f"{plan}:7 priorities[0].boss: unknown key 'boss' in a priority (allowed: id, title, "
        "lead, board, assessment_type, outcomes)",
        f"{plan}:16 priorities[0].outcomes[0].measures[0].polarity: measure 'all_crime': "
        "polarity='up-ish' is not allowed; use one of: 'decrease', 'down', 'higher', "
        "'higher_is_better', 'increase', 'lower', 'lower_is_better', 'neutral', 'none', 'up'"]


def test_validate_a_good_plan_and_its_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(GWENT / "plan-2020-21.toml")]) == 0
    out = capsys.readouterr().out
    assert out.endswith("2 measures in 1 priority; 6 observations; 0 problems\n")


def test_report_period_defaults_to_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(GWENT / "plan-2020-21.toml")]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "All Crime Trend" in x)
    assert line.split()[4:8] == ["57116", "48618", "-14.9%", "↓"]
