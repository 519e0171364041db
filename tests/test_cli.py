"""The perfcore command line."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from perfcore.cli import main

MDC = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for command in ("report", "validate", "explain", "plugins", "measures", "spc",
                    "catalogue"):
        assert command in text
    assert "Exit codes: 0 success, 1 problems with the input" in text


@pytest.mark.parametrize("command", ["report", "validate", "explain", "spc", "measures",
                                     "catalogue"])
def test_each_command_has_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "examples:" in capsys.readouterr().out


def test_catalogue_template_of_a_plugin_domain(capsys: pytest.CaptureFixture[str]) -> None:
    # A plugin author starts a catalogue from the texts their domain shows in reports.
    assert main(["catalogue", "domain", "victims"]) == 0
    out = capsys.readouterr().out
    assert 'msgid "Supporting victims"' in out and 'msgid "MARAC referrals"' in out
    assert main(["catalogue", "domain"]) == 1
    assert "needs one domain name" in capsys.readouterr().err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["report"])
    assert info.value.code == 2


def test_spc_chart_of_the_mdc_example(tmp_path: Path) -> None:
    csv = tmp_path / "series.csv"
    csv.write_text("week,count\n" + "".join(f"w{i},{v}\n" for i, v in enumerate(MDC, 1)))
    out_file = tmp_path / "chart.svg"
    code, _out, _err = run("spc", str(csv), "--column", "count", "-o", str(out_file))
    assert code == 0
    root = ET.fromstring(out_file.read_text())
    assert root.tag.endswith("svg")
    assert "series" in out_file.read_text()


def test_spc_rebase_with_a_note_and_html_data_table(tmp_path: Path) -> None:
    # Gwent burglary (police.uk): recording steps up in October 2023.
    src = (Path(__file__).resolve().parents[1] / "examples" / "data" / "policeuk-gwent"
           / "street_counts_by_month_crime_type.csv")
    rows = [line.split(",") for line in src.read_text().splitlines()[1:]]
    csv = tmp_path / "burglary.csv"
    csv.write_text("month,count\n" + "".join(f"{m},{c}\n" for m, t, c in rows
                                              if t == "Burglary"))
    out_file = tmp_path / "chart.html"
    code, _out, err = run("spc", str(csv), "--improvement", "decrease", "--format", "html",
                          "--rebase", "2023-10=Rebased October 2023: recording change",
                          "-o", str(out_file))
    assert code == 0, err
    page = out_file.read_text()
    assert page.count('class="spc-rebase"') == 1
    assert "Rebased October 2023: recording change</text>" in page
    assert '<table class="chart-data spc-data">' in page
    code, _out, err = run("spc", str(csv), "--rebase", "2023-13")
    assert code == 1 and "--rebase='2023-13' is not allowed" in err


def test_spc_reports_every_bad_value(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("month,value\n2020-01,5\n2020-02,x\n2020-03,\n")
    code, _out, err = run("spc", str(csv))
    assert code == 1
    assert "2 values are not numbers" in err and "row 3: 'x'" in err and "row 4: ''" in err


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    csv = tmp_path / "s.csv"
    csv.write_text("m,v\n" + "".join(f"{i},{v}\n" for i, v in enumerate(MDC)))
    code, _out, err = run("spc", str(csv), "-o", str(tmp_path / "no" / "such" / "dir.svg"))
    assert code == 1
    assert "cannot write" in err


def test_measures_lists_domain_measures() -> None:
    code, out, _err = run("measures", "--domain", "victims")
    assert code == 0
    assert "victims.satisfaction_whole_experience" in out
    code, _out, err = run("measures", "--domain", "nope")
    assert code == 1 and "'victims'" in err
