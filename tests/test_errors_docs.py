"""docs/errors.md: every error and warning class of perfcore.errors is there, with an
example message and the fix, and the examples are the messages the classes build."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from docblocks import blocks

from perfcore import errors
from perfcore.errors import (
    DataError,
    DataFileError,
    DataProblem,
    DataValidationError,
    DuplicateIdError,
    DuplicateNameError,
    DuplicateObservationError,
    InvalidValueError,
    KeywordArgumentError,
    LoaderSelectionError,
    MissingDependencyError,
    MissingTranslationError,
    ModelError,
    NotCoveredError,
    NotNumericError,
    OptionError,
    OutputError,
    OutputFormatError,
    PerfcoreError,
    PerfcoreWarning,
    PeriodError,
    PlanProblem,
    PlanSyntaxError,
    PlanValidationError,
    PluginCallError,
    PluginLoadError,
    PluginResultError,
    SeriesError,
    ShapeError,
    TargetPolarityError,
    UnknownCodeError,
    UnknownMeasureError,
    UnknownOrganisationError,
    UnknownPeriodError,
)

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "errors.md"

CLASSES = sorted(n for n, c in inspect.getmembers(errors, inspect.isclass)
                 if c.__module__ == "perfcore.errors"
                 and issubclass(c, (PerfcoreError, PerfcoreWarning)))


def sections() -> dict[str, str]:
    """Each ``##``/``###`` heading that names a class, with the text under it."""
    parts = re.split(r"^#{2,3} (\w+)\n", DOC.read_text("utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_error_and_warning_class_is_documented() -> None:
    documented = sections()
    assert len(CLASSES) >= 30
    assert [c for c in CLASSES if c not in documented] == []
    # No section for a class that is not there (renamed or removed).
    assert [h for h in documented if h.endswith(("Error", "Warning")) and h not in CLASSES
            ] == []
    for name in CLASSES:
        assert "**Fix:**" in documented[name], name
    # Every concrete class shows a message (the roots only introduce their families).
    roots = {"PerfcoreError", "PluginError", "PerfcoreWarning"}
    assert [c for c in CLASSES if c not in roots and "```text\n" not in documented[c]] == []


def test_the_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The page's Python example, run on a plan with a misspelt key: it prints the
    problem's line, path and message."""
    (block,) = [b for b in blocks(DOC) if b.lang == "python"]
    (tmp_path / "plan.toml").write_text('[plan]\ntitle = "Crime"\norganisation = "Gwent"\n'
                                        'colour = "blue"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(block.body, f"{DOC.name}:{block.line}", "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out.splitlines() == [
        "4 plan.colour unknown key 'colour' in [plan] (allowed: id, title, organisation, "
        "period)"]


def test_the_page_is_in_the_site() -> None:
    nav = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert "errors.md" in nav


# The examples of docs/errors.md, built from the classes' fields: a change to how a class
# words its message shows here.
EXAMPLES: dict[str, PerfcoreError] = {
    "OptionError": OptionError(option="columns", value=5, loader="csv",
                               allowed="a table of text = text (or left out)"),
    "OutputFormatError": OutputFormatError.mismatch("report.html", "csv", ".html", ["html"],
                                                    [".csv"]),
    "ShapeError": ShapeError(shapes={"numerator": (3,), "denominator": (4,)}),
    "NotNumericError": NotNumericError(argument="current", value=["48618", "n/a"]),
    "KeywordArgumentError": KeywordArgumentError(
        function="pct_change", keywords=("current", "previous"),
        call="pct_change(current=48618, previous=57116)"),
    "SeriesError": SeriesError(reason="needs at least 2 points, got 1", series="burglary"),
    "ModelError": ModelError(reason="per must be a positive whole number (e.g. 1000), not 0",
                             obj="measure 'robbery_rate'", field="per"),
    "DuplicateIdError": DuplicateIdError(obj="plan 'p'", field="measures", id="all_crime",
                                         places=("crime.less", "crime.more")),
    "TargetPolarityError": TargetPolarityError(
        reason="the target asks for a reduction but the measure's polarity is higher; fix "
        "the sign of the target or the polarity", obj="measure 'outcome_rate'",
        field="target"),
    "PeriodError": PeriodError(text="2019-21", reason="not a financial year: the second "
                               "year must follow the first (e.g. 2019-20); multi-year spans "
                               "are not single periods"),
    "PlanSyntaxError": PlanSyntaxError(reason="Expected '=' after a key in a key/value pair",
                                       file="plan.toml", line=12, column=7),
    "PlanValidationError": PlanValidationError.from_problems(
        [PlanProblem("unknown key 'colour' in [display]; did you mean 'decimals'?",
                     file="plan.toml", line=27, path="display.colour")], file="plan.toml"),
    "UnknownMeasureError": UnknownMeasureError.near("all_crme", ["all_crime", "burglary"],
                                                    where="plan 'gwent'"),
    "UnknownOrganisationError": UnknownOrganisationError.near("Gwnet", ["Gwent", "Kent"]),
    "UnknownPeriodError": UnknownPeriodError(period="2021-22",
                                             covered=("2018-19", "2019-20", "2020-21")),
    "UnknownCodeError": UnknownCodeError(kind="offence code", codes=("99Z",),
                                         where="the severity weights",
                                         hint="codes are 1, 1A, 2–22 ..."),
    "DataError": DataError(reason="a proportion needs a denominator", file="crime.csv", row=4,
                           column="denominator", measure="outcome_rate", period="2020-21"),
    "DuplicateObservationError": DuplicateObservationError(
        key=("all_crime", "W15000002", "2020-21"), file="crime.csv", rows=(3, 9)),
    "InvalidValueError": InvalidValueError(
        reason="is not a proportion", value="150%", kind="proportion",
        allowed="a proportion is from 0 to 1: a fraction such as 0.159, or 15.9%",
        file="crime.csv", row=4, column="value", measure="outcome_rate", organisation="Gwent",
        period="2020-21"),
    "NotCoveredError": NotCoveredError(period="2021-22",
                                       covered=("2018-19", "2019-20", "2020-21")),
    "DataValidationError": DataValidationError.from_problems([DataProblem(
        "'48_618' is not a number: write numbers with the digits 0-9 and no underscores "
        "(48618 or 48,618)", file="crime.csv", row=3, column="value", measure="all_crime",
        organisation="Gwent", period="2020-21")], "crime.csv"),
    "DataFileError": DataFileError(
        path="crime.csv", encoding="utf-8-sig", reason="it is not utf-8-sig text (invalid "
        "start byte at byte 1021); if it was saved from Excel, pass encoding='cp1252'"),
    "LoaderSelectionError": LoaderSelectionError(
        path="figures.xlsx", candidates=(),
        patterns={"csv": ("*.csv",), "police_uk": ("*-street.csv",)}),
    "MissingDependencyError": MissingDependencyError(package="openpyxl", extra="excel",
                                                     purpose="the xlsx format"),
    "PluginLoadError": PluginLoadError(
        plugin="acme", failure="could not be imported",
        reason="ModuleNotFoundError: No module named 'acme_perf'",
        distribution="perfcore-acme", version="1.0", entry_point="acme = acme_perf.plugin"),
    "PluginCallError": PluginCallError(
        kind="renderer", name="docx", plugin="acme", reason="ValueError: bad table",
        distribution="perfcore-acme", version="1.0", entry_point="acme = acme_perf.plugin",
        hook="perfcore_register_renderers"),
    "PluginResultError": PluginResultError(kind="loader", name="acme_csv", plugin="acme",
                                           expected="Dataset", got="list"),
    "DuplicateNameError": DuplicateNameError(
        kind="scorer", name="rag", plugins=("a", "b"),
        distributions=("perfcore-a", "perfcore-b"),
        sources=("plugin 'a' (perfcore-a 1.0)", "plugin 'b' (perfcore-b 2.0)")),
    "OutputError": OutputError(path="out/report.html", reason="No such file or directory"),
    "MissingTranslationError": MissingTranslationError.for_texts(
        "cy", [("All Crime Trend", "measure 'all_crime' name")]),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_is_the_message_its_class_builds(name: str) -> None:
    example = re.search(r"```text\n(.*?)\n```", sections()[name], re.S)
    assert example is not None
    assert type(EXAMPLES[name]).__name__ == name
    assert example.group(1) == str(EXAMPLES[name])
