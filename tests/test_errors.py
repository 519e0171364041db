from __future__ import annotations

import pickle

import pytest

from perfcore import errors


def test_every_error_is_a_perfcore_error_and_a_builtin() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type) and issubclass(cls, Exception) and cls is not errors.PerfcoreError:
            if issubclass(cls, Warning):
                assert issubclass(cls, errors.PerfcoreWarning)
                continue
            assert issubclass(cls, errors.PerfcoreError), name
            if cls not in (errors.PluginError,):
                builtins = (ValueError, LookupError, TypeError, ImportError, OSError)
                assert issubclass(cls, builtins), name


def test_fields_are_attributes_and_survive_pickling() -> None:
    err = errors.UnknownMeasureError("no measure 'all_crme'; did you mean 'all_crime'?",
                                     measure="all_crme", suggestions=("all_crime",))
    assert err.measure == "all_crme"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is errors.UnknownMeasureError
    assert again.suggestions == ("all_crime",)
    # KeyError's str() would quote the message; ours reads as written.
    assert str(again) == "no measure 'all_crme'; did you mean 'all_crime'?"


def test_option_error_lists_allowed_values() -> None:
    err = errors.OptionError.for_choice("method", "wald", ["wilson", "exact"])
    assert isinstance(err, ValueError)
    assert "'wilson', 'exact'" in str(err)
    assert err.allowed == ("wilson", "exact")


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
            raise errors.PluginLoadError("plugin 'x' failed", entry_point="x",
                                         distribution="perfcore-x", version="1.0") from exc

    with pytest.raises(errors.PluginLoadError) as info:
        load()
    assert isinstance(info.value.__cause__, ModuleNotFoundError)
    assert info.value.distribution == "perfcore-x"


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
        e = cls("boom", path="x.csv")
        assert pickle.loads(pickle.dumps(e)).fields == {"path": "x.csv"}
