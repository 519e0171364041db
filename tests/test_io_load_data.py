"""load_data: loader choice by name and file pattern, plugins, progress, joining files."""

from __future__ import annotations

import io
import types
from pathlib import Path
from typing import Any

import pytest

import perfcore.plugins
from perfcore import LoaderSpec, hookimpl
from perfcore.dataset import Dataset
from perfcore.errors import (
    DataFileError,
    DuplicateObservationError,
    LoaderSelectionError,
    OptionError,
    PluginResultError,
)
from perfcore.io import (
    StderrProgress,
    builtin_loaders,
    choose_loader,
    get_loader,
    load_data,
    loaders,
)
from perfcore.plugins.testing import registered

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = {"csv", "home_office_prc", "ons_pfa", "parquet", "police_uk", "published",
           "records"}


def loader_plugin(name: str, **spec: Any) -> types.ModuleType:
    """A plugin module registering one loader (plugins are usually modules)."""
    module = types.ModuleType(f"plugin_{name}")
    record = LoaderSpec(name=name, **spec)
    module.perfcore_register_loaders = hookimpl(lambda: [record])  # type: ignore[attr-defined]
    return module


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_loaders_are_registered_through_the_entry_point() -> None:
    perfcore.plugins.reset_plugin_manager()
    names = {s.name for s in loaders()}
    assert names >= BUILTIN
    info = next(p for p in perfcore.plugins.plugin_info() if set(p.loaders) == BUILTIN)
    assert info.entry_point == "perfcore-loaders = perfcore.io.builtin_loaders"


@pytest.mark.parametrize(("name", "loader"), [
    ("gwent.csv", "csv"),
    ("GWENT.CSV", "csv"),
    ("published.csv", "published"),
    ("seed001_published.csv", "published"),
    ("prc-pfa-mar2013-onwards-tables.csv", "home_office_prc"),
    ("ons_pfa_p1_offences.csv", "ons_pfa"),
    ("2024-04-gwent-street.csv", "police_uk"),
    ("2024-04-gwent-outcomes.csv", "police_uk"),
    ("street_counts_by_month_crime_type.csv", "police_uk"),
])
def test_loader_chosen_by_most_specific_pattern(name: str, loader: str) -> None:
    with registered(builtin_loaders):
        assert choose_loader(name).name == loader


def test_no_loader_or_a_tie_lists_every_loader_and_pattern() -> None:
    with registered(builtin_loaders):
        with pytest.raises(LoaderSelectionError) as info:
            choose_loader("data.xlsx")
        assert "police_uk: *-street.csv" in str(info.value)
        assert info.value.candidates == ()
        assert info.value.patterns["csv"] == ("*.csv",)
    rival = loader_plugin("rival", description="Also *-street.csv",
                          patterns=("*-street.csv",), load=lambda path: None)
    with registered(builtin_loaders, rival):
        with pytest.raises(LoaderSelectionError, match=r"more than one loader \(police_uk, "
                           r"rival\)") as info:
            choose_loader("2024-04-gwent-street.csv")
        assert info.value.candidates == ("police_uk", "rival")


def test_unknown_loader_name_and_option() -> None:
    with registered(builtin_loaders):
        with pytest.raises(OptionError, match="loader='cvs' is not allowed; use one of: 'csv'"):
            get_loader("cvs")
        with pytest.raises(OptionError, match="loader 'csv': organisaton='Gwent': no such "
                           "option; its options are: columns, ignore_columns, registry"):
            load_data(ROOT / "examples/data/home-office/prc-pfa-2019-20-wales.csv",
                      loader="csv", organisaton="Gwent")


def test_missing_files_and_folders_fail_before_any_is_read(tmp_path: Path) -> None:
    good = write(tmp_path / "a.csv", "measure,organisation,period,value\nx,Gwent,2020,1\n")
    with pytest.raises(DataFileError, match="does not exist"):
        load_data([good, tmp_path / "missing.csv"])
    with pytest.raises(DataFileError, match="is a folder"):
        load_data(tmp_path)
    with pytest.raises(DataFileError, match="no data files"):
        load_data([])


NICHE = """\
Offence,Force,Month,Crimes
Burglary,Gwent,2024-04,12
Burglary,Gwent,2024-05,9
"""


def load_niche(path: Path, *, measure_prefix: str = "niche") -> Dataset:
    """A force's own loader: a made-up Niche RMS export, counts by offence and month."""
    import csv
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return Dataset.from_columns(
        measure=[f"{measure_prefix}.{r['Offence'].lower()}" for r in rows],
        organisation=[r["Force"] for r in rows], period=[r["Month"] for r in rows],
        value=[float(r["Crimes"]) for r in rows], source="Niche RMS export")


class NichePlugin:
    @staticmethod
    @hookimpl
    def perfcore_register_loaders() -> list[LoaderSpec]:
        return [LoaderSpec(name="niche_export", description="Niche RMS crime export",
                           patterns=("niche-*.csv",), load=load_niche)]


def test_a_third_party_loader_is_chosen_and_joined(tmp_path: Path) -> None:
    niche = write(tmp_path / "niche-2024.csv", NICHE)
    long = write(tmp_path / "targets.csv", "measure,organisation,period,value\n"
                                           "niche.burglary,Gwent,2024-06,10\n")
    with registered(builtin_loaders, NichePlugin()):
        assert choose_loader(niche).name == "niche_export"  # beats csv's *.csv
        ds = load_data([niche, long])
        assert ds.cube("value", organisations=["Gwent"]).ravel().tolist() == [12, 9, 10]
        assert ds.sources == ("Niche RMS export", "targets.csv")
        assert load_data(niche, measure_prefix="rms").measures == ("rms.burglary",)
        # Options go to every file's loader: one the csv loader lacks fails up front.
        with pytest.raises(OptionError, match="loader 'csv': measure_prefix='rms': no such option"):
            load_data([niche, long], measure_prefix="rms")


def test_a_loader_returning_something_else_is_named() -> None:
    bad = loader_plugin("broken", description="Returns rows", patterns=("*.rows",),
                        load=lambda path, **options: [1, 2])
    with registered(bad), pytest.raises(PluginResultError, match=r"loader 'broken' of plugin "
                                        r"'plugin_broken' \(perfcore_register_loaders\): "
                                        "returned a list"):
        load_data(ROOT / "README.md", loader="broken")


def test_the_same_observation_in_two_files_names_both(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "measure,organisation,period,value\nx,Gwent,2020,1\n")
    b = write(tmp_path / "b.csv", "measure,organisation,period,value\nx,W15000002,2020,2\n")
    with registered(builtin_loaders), pytest.raises(DuplicateObservationError) as info:
        load_data([a, b])
    assert info.value.files == (str(a), str(b))
    assert "is loaded from both" in str(info.value)


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_draws_only_on_a_terminal() -> None:
    tty, pipe = FakeTerminal(True), FakeTerminal(False)
    for stream in (tty, pipe):
        report = StderrProgress(stream)
        report(1, 2, "2024-04-gwent-street.csv")
        report(2, 2, "2024-05-gwent-street.csv")
    assert pipe.getvalue() == ""
    assert tty.getvalue() == ("\rperfcore: loaded 1/2 files (2024-04-gwent-street.csv)"
                              "\rperfcore: loaded 2/2 files (2024-05-gwent-street.csv)\n")


def test_load_data_reports_progress_on_stderr_only_when_it_is_a_terminal(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted((ROOT / "tests/data/police-uk").glob("*/*-street.csv"))
    with registered(builtin_loaders):
        load_data(files)
        assert capsys.readouterr().err == ""  # captured stderr is not a terminal
        fake = FakeTerminal(True)
        monkeypatch.setattr("sys.stderr", fake)
        load_data(files)
        load_data(files[0])  # one file: no progress line
        load_data(files, progress=False)
    assert fake.getvalue().count("perfcore: loaded") == 2
    assert fake.getvalue().endswith("loaded 2/2 files (2024-05-gwent-street.csv)\n")


def test_options_go_to_every_file(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def load(path: Path, **options: Any) -> Dataset:
        calls.append(options)
        return Dataset.from_columns(measure=["x"], organisation=["Gwent"],
                                    period=[path.stem], value=[1.0])

    plugin = loader_plugin("any", description="Anything", patterns=("*.any",), load=load)
    paths = [write(tmp_path / f"{y}.any", "") for y in (2020, 2021)]
    with registered(plugin):
        ds = load_data(paths, colour="blue")
    assert calls == [{"colour": "blue"}, {"colour": "blue"}]
    assert len(ds) == 2


def test_the_wrong_loader_says_which_one_fits() -> None:
    from perfcore.errors import DataValidationError
    with registered(builtin_loaders), pytest.raises(
            DataValidationError, match="looks like a file for the 'home_office_prc' loader"):
        load_data(ROOT / "examples/data/home-office/prc-pfa-2019-20-wales.csv", loader="csv")
