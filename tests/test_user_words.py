"""Errors and explanations in the user's language (issue 19, item 5).

Advice names the Python argument when the input came from Python, the plan key when it
came from a plan, the flag (and the plan key) on the command line; ``validate`` counts
its problems in English; every ``explain --figure`` value its ``--help`` documents works.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import re
import shlex
from pathlib import Path

import pytest

import perfcore
from perfcore.cli import main
from perfcore.errors import OptionError, UnknownOrganisationError, advise, audience
from perfcore.evaluation.result import COMPARISON_FIGURES, FIGURES
from perfcore.io import load_data

ROOT = Path(__file__).parents[1]
GWENT = ROOT / "examples" / "gwent" / "plan-2020-21.toml"
MONTHLY = ROOT / "examples" / "gwent-monthly" / "plan.toml"
COUNTS = ROOT / "examples" / "data" / "policeuk-gwent" / "street_counts_by_month_crime_type.csv"


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- advice


def test_advice_is_in_the_words_of_where_the_input_came_from() -> None:
    forms = {"python": "organisation='Gwent'", "cli": "--organisation Gwent",
             "plan": 'organisation = "Gwent" in the plan\'s [plan] table'}
    assert advise(**forms) == "organisation='Gwent'"
    with audience("plan"):
        assert advise(**forms) == forms["plan"]
    with audience("cli"):
        assert advise(**forms) == f"{forms['cli']} or {forms['plan']}"
        assert advise(python="data_root=DIR", cli="--data-root DIR") == "--data-root DIR"
        with audience("plan"):  # a plan's [[data]] read on the command line
            assert advise(**forms) == f"{forms['plan']} or {forms['cli']}"
    assert advise(**forms) == "organisation='Gwent'"  # the block is left


def test_an_error_keeps_the_words_of_where_it_was_raised() -> None:
    with audience("plan"):
        err = OptionError(option="organisation", reason="which force?",
                          hint=advise(python="pass organisation='Gwent'",
                                      plan='options = { organisation = "Gwent" }'))
    assert str(err) == 'organisation: which force? (options = { organisation = "Gwent" })'
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err)


@pytest.fixture
def unnamed_counts(tmp_path: Path) -> Path:
    """The Gwent monthly plan with the organisation taken out of its police.uk counts'
    options (the counted file names no force)."""
    data = tmp_path / "data" / "policeuk-gwent"
    data.mkdir(parents=True)
    data.joinpath(COUNTS.name).write_bytes(COUNTS.read_bytes())
    text = MONTHLY.read_text("utf-8").replace("../data/", "data/")
    text = re.sub(r'(?m)^\s*organisation = "Gwent".*$', "", text)
    plan = tmp_path / "plan.toml"
    plan.write_text(text, "utf-8")
    return plan


def test_a_police_uk_file_without_a_force_names_the_plan_key(unnamed_counts: Path) -> None:
    from_plan = 'in the plan\'s [[data]] table: options = { organisation = "Gwent" }'
    # From a plan, run from Python or on the command line: the plan's words.
    with pytest.raises(OptionError) as e:
        perfcore.run(unnamed_counts)
    assert str(e.value).endswith(f"which names no force: say which force it is ({from_plan})")
    assert "organisation='Gwent'" not in str(e.value)
    code, _, err = cli("report", str(unnamed_counts))
    assert code == 1 and from_plan in err and "organisation=None" not in err
    # From Python: the argument.
    with pytest.raises(OptionError) as e:
        load_data(COUNTS, loader="police_uk")
    assert str(e.value).endswith("(pass organisation='Gwent')")


def test_an_unnamed_organisation_names_the_flag_and_the_plan_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    src = ROOT / "examples" / "gwent" / "data"
    data.joinpath("seed001-published.csv").write_bytes(
        src.joinpath("seed001-published.csv").read_bytes())
    rows = src.joinpath("seed001-delivered.csv").read_text("utf-8")
    extra = "".join(line.replace(",Gwent,", ",Dyfed-Powys,") + "\n"
                    for line in rows.splitlines()[1:])
    data.joinpath("two.csv").write_text(rows + extra, "utf-8")
    text = GWENT.read_text("utf-8").replace('organisation = "Gwent"\n', "", 1)
    text = re.sub(r'path = "data/seed001-delivered.csv"', 'path = "data/two.csv"', text)
    plan = tmp_path / "plan.toml"
    plan.write_text(text, "utf-8")
    code, _, err = cli("report", str(plan))
    assert code == 1
    assert ("name the organisation to report on: the data cover 2 (Gwent, Dyfed-Powys) "
            "(--organisation Gwent or organisation = \"Gwent\" in the plan's [plan] table)"
            ) in err
    with pytest.raises(UnknownOrganisationError, match=r"\(organisation='Gwent'\)$"):
        perfcore.run(plan)
    # validate finds it too, and counts in English.
    code, out, err = cli("validate", str(plan))
    assert code == 1 and out.endswith("; 1 problem\n")
    assert "--organisation Gwent" in err


# --------------------------------------------------------------------------- validate


def test_validate_reports_a_period_nobody_chose(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    src = ROOT / "examples" / "gwent" / "data"
    for name in ("seed001-delivered.csv", "seed001-published.csv"):
        data.joinpath(name).write_bytes(src.joinpath(name).read_bytes())
    text = GWENT.read_text("utf-8").replace('period = "2020-21"', "")
    plan = tmp_path / "plan.toml"
    plan.write_text(text, "utf-8")
    # The report is usable (the latest period the data cover) but moves with the next
    # data: a note, and a problem with --strict.
    code, out, err = cli("validate", str(plan))
    assert code == 0
    assert out == f"{plan}: 2 measures in 1 priority; 6 observations; 0 problems; 1 note\n"
    assert (f"{plan}: note: no period: the plan sets none and none was given, so the report "
            "is of 2020-21, the latest the data cover, and will move with the next data; set "
            'period = "2020-21" in the plan\'s [report] table, or give --period') in err
    code, out, _ = cli("validate", str(plan), "--strict")
    assert code == 1 and out.endswith("; 1 problem\n")
    code, out, _ = cli("validate", str(plan), "--period", "2020-21")
    assert code == 0 and out.endswith("; 0 problems\n")


# --------------------------------------------------------------------------- explain


def _help() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["explain", "--help"])
    return out.getvalue()


def test_the_help_lists_every_figure_explain_knows() -> None:
    text = " ".join(_help().split())
    listed = re.search(r"--figure FIGURE (.*?), SLOT\.FIELD", text)
    assert listed is not None
    assert tuple(listed.group(1).split(", ")) == FIGURES
    assert "such as msg.value, or status" in text


@pytest.mark.parametrize("command", [
    shlex.split(c.replace("\\\n", " ").strip())
    for c in re.findall(r"perfcore (explain .*?)(?=\n  perfcore|\Z)",
                        "\n".join(_help().split("examples:\n", 1)[1].splitlines()), re.S)])
def test_every_help_example_explains_a_figure(command: list[str]) -> None:
    command = [str(ROOT / a) if a.endswith(".toml") else a for a in command]
    code, out, err = cli(*command)
    assert code == 0, err
    first = out.splitlines()[0]
    assert "nan" not in first
    assert first.startswith(("all_crime / Gwent (W15000002) / ",
                             "all_crime_outcome_rate / Gwent (W15000002) / "))


@pytest.mark.parametrize("figure", [*FIGURES, *(f"{s}.{f}" for s in ("msg", "K04000001")
                                                for f in COMPARISON_FIGURES), "status"])
@pytest.mark.parametrize("measure", ["all_crime", "all_crime_outcome_rate"])
def test_every_documented_figure_works(measure: str, figure: str) -> None:
    code, out, err = cli("explain", str(GWENT), "--measure", measure, "--figure", figure)
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith(f"{measure} / Gwent (W15000002) / {figure}")
    # A figure, a code, or why there is none: never a bare nan.
    assert re.search(r"(= \S+|: no .+: .+)", first), first
    assert "= nan" not in first


def test_explain_says_why_there_is_no_figure_and_shows_12_digits() -> None:
    # Seed 001 publishes the MSG's change of all crime (-14.1%), not its value.
    _, out, _ = cli("explain", str(GWENT), "--measure", "all_crime", "--figure", "msg.value")
    assert out.splitlines()[0] == (
        "all_crime / Gwent (W15000002) / msg.value: no MSG figure: the group's figures for "
        "2020-21 are published ones, and the publication gives no value (it gives the "
        "change)")
    _, out, _ = cli("explain", str(GWENT), "--measure", "all_crime", "--figure", "change")
    # (48618 − 57116) / 57116 × 100 = −14.878492891659...: 12 significant digits.
    assert out.splitlines()[0] == "all_crime / Gwent (W15000002) / change = -14.8784928917"
    _, out, _ = cli("explain", str(GWENT), "--measure", "all_crime", "--figure", "status")
    assert "change = -14.8784928917, tested = True" in out
    assert "-14.878492891659079" not in out
