from __future__ import annotations

import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from perfcore import errors


def _error_classes() -> list[type[errors.PerfcoreError]]:
    return [cls for name in errors.__all__
            if isinstance(cls := getattr(errors, name), type)
            and issubclass(cls, errors.PerfcoreError)]


_PROBLEM = errors.DataProblem("'57l16' is not a number", file="crime.csv", row=3,
                              column="value")

# One instance of every error class, built from its fields.
EXAMPLES: dict[type[errors.PerfcoreError], dict[str, Any]] = {
    errors.PerfcoreError: {},
    errors.OptionError: {"option": "confidence", "value": 1.5,
                         "allowed": "a level in (0, 1)"},
    errors.ShapeError: {"shapes": {"a": (3,), "b": (4,)}},
    errors.NotNumericError: {"argument": "current", "value": ["48618", "n/a"]},
    errors.KeywordArgumentError: {"function": "pct_change", "keywords": ("current", "previous"),
                                  "call": "pct_change(current=48618, previous=57116)"},
    errors.SeriesError: {"reason": "value 'x' is not a number", "series": "robbery",
                         "position": 2},
    errors.ModelError: {"reason": "per must be a positive whole number",
                        "obj": "measure 'all_crime'", "field": "per"},
    errors.DuplicateIdError: {"obj": "plan 'p'", "field": "measures", "id": "all_crime",
                              "places": ("a.o1", "b.o2")},
    errors.TargetPolarityError: {"reason": "the target asks for an increase",
                                 "obj": "measure 'all_crime'", "field": "target"},
    errors.PeriodError: {"text": "2019-13", "accepted": ("2019-20", "2019-04"),
                         "reason": "month 13 is not 1–12"},
    errors.PlanValidationError: {"problems": (errors.PlanProblem("title is required"),),
                                 "file": "plan.toml"},
    errors.PlanSyntaxError: {"reason": "Expected ']]'", "file": "plan.toml", "line": 3,
                             "column": 13},
    errors.UnknownMeasureError: {"measure": "all_crme", "where": "the plan",
                                 "suggestions": ("all_crime",)},
    errors.UnknownOrganisationError: {"organisation": "Gwnet", "suggestions": ("Gwent",),
                                      "group": "msg_W15000002"},
    errors.UnknownPeriodError: {"period": "2030-31", "covered": ("2019-20", "2020-21")},
    errors.UnknownCodeError: {"kind": "offence code", "codes": ("99Z",),
                              "where": "the severity weights", "suggestions": ("9Z",)},
    errors.DataError: {"reason": "'x' is not a number", "file": "crime.csv", "row": 3,
                       "column": "value", "measure": "all_crime", "period": "2019-20"},
    errors.DuplicateObservationError: {"key": ("all_crime", "Gwent", "2019-20"),
                                       "rows": (2, 5), "file": "crime.csv", "count": 1},
    errors.InvalidValueError: {"reason": "is not a valid proportion", "value": "150%",
                               "allowed": "from 0 to 1", "file": "crime.csv", "row": 5,
                               "column": "value", "measure": "outcome_rate",
                               "kind": "proportion"},
    errors.NotCoveredError: {"period": "2030-31", "covered": ("2019-20", "2020-21")},
    errors.DataValidationError: {"problems": (_PROBLEM,), "file": "crime.csv"},
    errors.DataFileError: {"path": "x.csv", "reason": "it does not exist"},
    errors.LoaderSelectionError: {"path": "data/x.txt", "candidates": (),
                                  "patterns": {"csv": ("*.csv",)}},
    errors.MissingDependencyError: {"package": "pandas", "extra": "pandas",
                                    "purpose": "to_frame()"},
    errors.PluginError: {},
    errors.PluginLoadError: {"plugin": "x", "failure": "could not be imported",
                             "reason": "ModuleNotFoundError: No module named 'nope'",
                             "distribution": "perfcore-x", "version": "1.0",
                             "entry_point": "x = nope"},
    errors.PluginResultError: {"kind": "loader", "name": "csv", "expected": "Dataset",
                               "got": "list", "plugin": "acme"},
    errors.PluginCallError: {"kind": "renderer", "name": "docx",
                             "reason": "ZeroDivisionError: division by zero", "plugin": "docx",
                             "distribution": "acme-docx", "version": "1.0",
                             "entry_point": "docx = acme_docx.plugin",
                             "hook": "perfcore_register_renderers"},
    errors.DuplicateNameError: {"kind": "scorer", "name": "rag", "plugins": ("a", "b"),
                                "distributions": ("acme", None),
                                "sources": ("plugin 'a' (acme 1.0)",
                                            "plugin 'b' (registered directly)")},
    errors.OutputError: {"path": "out.html", "reason": "Permission denied"},
    errors.OutputFormatError: {"option": "--format", "value": "json",
                               "reason": "--format json does not match the output file "
                                         "r.html", "path": "r.html", "format": "json",
                               "extension": ".html", "extension_formats": ("html",)},
    errors.MissingTranslationError: {"lang": "cy", "missing": (("All crime",
                                                                "measure 'x' name"),)},
}


def test_every_error_is_a_perfcore_error_and_a_builtin() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type) and issubclass(cls, Exception) and cls is not errors.PerfcoreError:
            if issubclass(cls, Warning):
                assert issubclass(cls, errors.PerfcoreWarning)
                continue
            assert issubclass(cls, errors.PerfcoreError), name
            if cls not in (errors.PluginError,):
                builtins = (ValueError, LookupError, TypeError, ImportError, OSError,
                            RuntimeError)
                assert issubclass(cls, builtins), name


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_every_error_is_built_from_its_fields_and_pickles(cls: type[errors.PerfcoreError]
                                                          ) -> None:
    fields = EXAMPLES[cls]
    err = cls(**fields)
    assert {k: err.fields[k] for k in fields} == fields
    for k, v in fields.items():
        assert getattr(err, k) == v
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is cls
    assert again.fields == err.fields
    assert str(again) == str(err) and str(err)
    assert err.args == (str(err),)


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_fields_are_declared_and_checked(cls: type[errors.PerfcoreError]) -> None:
    with pytest.raises(TypeError, match="has no field"):
        cls(**EXAMPLES[cls], no_such_field=1)
    required = [n for n in cls._fields if cls._fields[n] is errors._REQUIRED]
    for name in required:
        with pytest.raises(TypeError, match=f"needs the field.*{name}"):
            cls(**{k: v for k, v in EXAMPLES[cls].items() if k != name})


def test_a_field_cannot_hide_a_builtin_attribute() -> None:
    with pytest.raises(TypeError, match="would hide"):
        class Bad(errors.PerfcoreError, OSError):
            errno: int

    with pytest.raises(TypeError, match="would hide"):
        class Bad2(errors.PerfcoreError, ImportError):
            name: str


def test_fields_are_attributes_and_survive_pickling() -> None:
    err = errors.UnknownMeasureError.near("all_crme", ["all_crime", "burglary"],
                                          where="the plan")
    assert err.measure == "all_crme"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is errors.UnknownMeasureError
    assert again.suggestions == ("all_crime",)
    # KeyError's str() would quote the message; ours reads as written.
    assert str(again) == "no measure 'all_crme' in the plan; did you mean 'all_crime'?"


def test_notes_survive_pickling() -> None:
    err = errors.OutputError(path="out.html", reason="Permission denied")
    err.add_note("while writing the board report")
    again = pickle.loads(pickle.dumps(err))
    assert again.__notes__ == ["while writing the board report"]


def test_option_error_lists_allowed_values() -> None:
    err = errors.OptionError.for_choice("method", "wald", ["wilson", "exact"])
    assert isinstance(err, ValueError)
    assert "'wilson', 'exact'" in str(err)
    assert err.allowed == ("wilson", "exact")
    assert str(errors.OptionError.for_choice("method", "wilsn", ["wilson", "exact"])) == (
        "method='wilsn' is not allowed; use one of: 'wilson', 'exact'; did you mean "
        "'wilson'?")
    assert str(errors.OptionError(option="min_coverage", value=1.5,
                                  allowed="a value in (0, 1]")) == (
        "min_coverage=1.5 is not allowed; use a value in (0, 1]")
    assert str(errors.OptionError(option="method", value="pooled",
                                  allowed=("mean", "pooled"),
                                  reason="needs numerator and denominator")) == (
        "method='pooled': needs numerator and denominator")
    assert str(errors.OptionError(option="baseline", value=11, allowed="an integer >= 12",
                                  series=2)) == (
        "series 2: baseline=11 is not allowed; use an integer >= 12")


def test_open_ended_errors_say_where() -> None:
    assert str(errors.DataError(reason="'x' is not a number", file="crime.csv", row=3,
                                column="value", measure="all_crime", period="2019-20")) == (
        "crime.csv, row 3, column 'value': 'x' is not a number (measure 'all_crime', "
        "period '2019-20')")
    assert str(errors.ModelError(reason="per must be a positive whole number",
                                 obj="measure 'all_crime'", field="per")) == (
        "measure 'all_crime': per must be a positive whole number")
    assert str(errors.SeriesError(reason="value is missing", series="b", position=12)) == (
        "series 'b', position 12: value is missing")
    assert str(errors.PeriodError(text="2019-13", reason="month 13 is not 1–12")) == (
        "period '2019-13': month 13 is not 1–12")
    assert str(errors.PeriodError(text="soon", accepted=("2019-20", "2019-04"))) == (
        "period 'soon': cannot be read as a period; accepted forms are:\n  2019-20\n  2019-04")


def test_structured_errors_build_their_whole_message() -> None:
    assert str(errors.ShapeError(shapes={"a": (3,), "b": (4,)})) == (
        "arguments cannot be broadcast together: a (3,), b (4,)")
    assert str(errors.DuplicateIdError(obj="plan 'p'", field="measures", id="all_crime",
                                       places=("a.o1", "b.o2"))) == (
        "plan 'p': two measures have id 'all_crime' (in a.o1 and b.o2)")
    assert str(errors.UnknownCodeError(kind="offence code", codes=("99Z", "12X"))) == (
        "unknown offence codes '99Z', '12X'")
    assert str(errors.PlanSyntaxError(reason="Expected ']]'", file="plan.toml", line=3,
                                      column=13)) == (
        "plan.toml:3:13: not valid TOML: Expected ']]'")
    assert str(errors.PluginResultError(kind="loader", name="csv", expected="a Dataset",
                                        got="a list", plugin="acme")) == (
        "loader 'csv' of plugin 'acme': returned a list; it must return a Dataset")


def test_plan_validation_error_lists_every_problem() -> None:
    problems = [
        errors.PlanProblem("title is required", file="plan.toml", line=3, path="priorities[0]"),
        errors.PlanProblem("unknown kind 'cnt'", file="plan.toml", line=9,
                           path="priorities[0].outcomes[0].measures[1]"),
    ]
    err = errors.PlanValidationError.from_problems(problems, file="plan.toml")
    text = str(err)
    assert text.startswith("2 problems in plan plan.toml:")
    assert "plan.toml:3 priorities[0]: title is required" in text
    assert "plan.toml:9 priorities[0].outcomes[0].measures[1]: unknown kind 'cnt'" in text
    assert pickle.loads(pickle.dumps(err)).problems == tuple(problems)


def test_plugin_load_error_chains_cause() -> None:
    def load() -> None:
        try:
            raise ModuleNotFoundError("No module named 'nope'")
        except ModuleNotFoundError as exc:
            raise errors.PluginLoadError(plugin="x", failure="could not be imported",
                                         reason=f"{type(exc).__name__}: {exc}",
                                         entry_point="x = nope",
                                         distribution="perfcore-x", version="1.0") from exc

    with pytest.raises(errors.PluginLoadError) as info:
        load()
    assert isinstance(info.value.__cause__, ModuleNotFoundError)
    assert info.value.distribution == "perfcore-x"
    assert str(info.value) == ("plugin 'x' (perfcore-x 1.0, entry point x = nope) could not "
                               "be imported: ModuleNotFoundError: No module named 'nope'")


def test_data_validation_error_lists_problems_and_pickles() -> None:
    problems = [
        errors.DataProblem("'57l16' is not a number", file="crime.csv", row=3,
                           column="value", measure="all_crime", organisation="Gwent",
                           period="2019-20"),
        errors.DataProblem("unknown organisation 'Gwnet'", file="crime.csv",
                           rows=(5, 7, 9), column="organisation"),
    ]
    err = errors.DataValidationError.from_problems(problems, file="crime.csv")
    assert isinstance(err, errors.DataError)
    assert str(err) == (
        "2 problems in data file crime.csv:\n"
        "  - crime.csv, row 3, column 'value': '57l16' is not a number (measure "
        "'all_crime', organisation 'Gwent', period '2019-20')\n"
        "  - crime.csv, row 5, column 'organisation': unknown organisation 'Gwnet' "
        "[also rows 7, 9]")
    again = pickle.loads(pickle.dumps(err))
    assert again.problems == tuple(problems)
    assert again.problems[1].rows == (5, 7, 9)
    for cls in (errors.DataFileError, errors.MissingDependencyError):
        e = cls(**EXAMPLES[cls])
        assert pickle.loads(pickle.dumps(e)).fields == e.fields


def test_a_missing_dependency_names_the_distribution_that_installs_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # perfcore's own extras by default; a plugin names its distribution (and its extra,
    # if any), so that the message never sends a user to a perfcore extra that is not one.
    own = errors.MissingDependencyError(package="openpyxl", extra="excel",
                                        purpose="the xlsx format")
    assert str(own).endswith("install it with pip install 'perfcore[excel]'")
    monkeypatch.setitem(sys.modules, "docx", None)  # importing it raises ImportError
    with pytest.raises(errors.MissingDependencyError) as info:
        errors.MissingDependencyError.require("docx", package="python-docx", extra="docx",
                                              purpose="the docx format",
                                              distribution="perfcore-word")
    assert str(info.value) == ("the docx format needs python-docx, which is not installed: "
                               "install it with pip install 'perfcore-word[docx]'")
    assert isinstance(info.value.__cause__, ImportError)
    bare = errors.MissingDependencyError(package="python-docx", extra="",
                                         distribution="perfcore-word")
    assert str(bare).endswith("install it with pip install 'perfcore-word'")


def test_a_message_cannot_be_passed_in() -> None:
    with pytest.raises(TypeError):
        errors.OptionError("confidence must be in (0, 1)")  # type: ignore[call-arg]


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_the_docstring_lists_the_fields(cls: type[errors.PerfcoreError]) -> None:
    inherited = {n for base in cls.__mro__[1:] for n in base.__dict__.get("_fields", {})}
    own = [n for n in cls._fields if n not in inherited]
    doc = cls.__doc__ or ""
    if own:
        assert "Attributes\n    ----------" in doc, cls.__name__
        section = doc.split("Attributes\n    ----------")[1]
        for name in own:
            assert re.search(rf"^    (\w+, )*{name}(, \w+)* : ", section, re.M), (
                f"{cls.__name__}.{name}")


ROOT = Path(__file__).parents[1]
SOURCES = [*(ROOT / "src").rglob("*.py"), *ROOT.glob("plugins/*/src/**/*.py")]


def test_one_suggestion_helper() -> None:
    # "did you mean" comes from errors.did_you_mean / near_matches (and the classes that
    # use them), never from difflib or a hand-built message elsewhere.
    found = [str(p.relative_to(ROOT)) for p in SOURCES if p.name != "errors.py"
             and re.search(r"difflib|get_close_matches|did you mean", p.read_text("utf-8"))]
    assert found == []


def test_importing_errors_is_light() -> None:
    path = ROOT / "src" / "perfcore" / "errors.py"
    code = ("import importlib.util, sys\n"
            f"spec = importlib.util.spec_from_file_location('errors_alone', {str(path)!r})\n"
            "module = importlib.util.module_from_spec(spec)\n"
            "spec.loader.exec_module(module)\n"
            "heavy = {'numpy', 'attrs', 'pandas', 'scipy', 'difflib'} & set(sys.modules)\n"
            "print(sorted(heavy))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
