"""`perfcore report` end to end, as the README walks an analyst through it: the Gwent
example in the terminal, as HTML and as JSON, and a figure changed in the CSV."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from perfcore.cli import main

ROOT = Path(__file__).parents[1]
GWENT = ROOT / "examples" / "gwent"


@pytest.fixture
def gwent(tmp_path: Path) -> Path:
    """A copy of the Gwent example the test may edit."""
    copy = tmp_path / "gwent"
    shutil.copytree(GWENT, copy)
    return copy / "plan-2020-21.toml"


def _row(text: str, name: str) -> list[str]:
    return next(line for line in text.splitlines() if line.strip().startswith(name)).split()


def test_changing_a_figure_in_the_csv_changes_the_report(
        gwent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(gwent)]) == 0
    # Seed 001: 57116 → 48618 is −14.9%, improving.
    assert _row(capsys.readouterr().out, "All Crime Trend")[3:8] == [
        "58577", "57116", "48618", "-14.9%", "↓"]
    data = gwent.parent / "data" / "seed001-delivered.csv"
    data.write_text(data.read_text("utf-8").replace("48618", "60000"), "utf-8")
    assert main(["report", str(gwent)]) == 0
    row = _row(capsys.readouterr().out, "All Crime Trend")
    # 60000 / 57116 − 1 = +5.05%: up, and worse for a lower-is-better count.
    assert row[3:9] == ["58577", "57116", "60000", "+5.0%", "↑", "deteriorating"]


def test_html_report_to_a_file(gwent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = gwent.parent / "gwent.html"
    assert main(["report", str(gwent), "--format", "html", "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"wrote {out}\n"
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")  # self-contained
    assert "All Crime Trend" in page and "-14.9%" in page


def test_json_for_another_tool(gwent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(gwent), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == "2.2"
    (section,) = doc["sections"]
    measures = {m["id"]: m for m in section["outcomes"][0]["measures"]}
    change = measures["all_crime_outcome_rate"]["figures"]["change"]
    assert (change["display"], change["method"]) == ("+4.1 pp", "pp_change")
    assert change["value"] == pytest.approx(4.1)  # 15.9% − 11.8%, unrounded
    # Recorded values carry the data's own source column as provenance.
    current = measures["all_crime"]["figures"]["current"]
    assert (current["value"], current["source"]) == (48618.0, (
        "seed 001, Chief Constables Delivery Plan 2020/21 - Delivered, All Crime Trend table"))
    msg = measures["all_crime"]["figures"]["msg.change"]
    assert (msg["value"], msg["source"]) == (-14.1, "published figure")
    assert section["status"] in ("green", "amber", "red", "grey")


def test_a_period_the_data_do_not_cover(gwent: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    assert main(["report", str(gwent), "--period", "2024-25"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("perfcore report: error: ") and "2024-25" in err


def test_a_report_that_cannot_be_written(gwent: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    target = gwent.parent / "no-such-folder" / "report.html"
    assert main(["report", str(gwent), "--format", "html", "-o", str(target)]) == 1
    assert f"cannot write {target}" in capsys.readouterr().err


def test_an_unknown_format_lists_the_renderers(gwent: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(gwent), "--format", "docx"]) == 1
    err = capsys.readouterr().err
    assert "--format='docx' is not allowed" in err and "'html'" in err


def test_explain_one_figure(gwent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(gwent), "--measure", "all_crime", "--figure", "change"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["all_crime / Gwent (W15000002) / change = -14.8784928917",
                                    "  formula: (current − previous) / previous × 100"]


def test_every_seed_plan_renders(capsys: pytest.CaptureFixture[str]) -> None:
    # Each example plan file states the command that renders it; the plain report of
    # every one must work from the command line.
    commands = {
        "seed003-csew-confidence.toml": ["--period", "Year to March 2020",
                                         "--previous", "Year to Dec 2019"],
        "seed002-delivery-plan-2013-14.toml": ["--period", "2013-14"],
    }
    for plan in sorted(GWENT.glob("*.toml")):
        text = plan.read_text("utf-8")
        line = next((x for x in text.splitlines() if x.startswith("#   perfcore report")),
                    None)
        assert line is not None, plan.name
        args = commands.get(plan.name)
        if args is None:
            import shlex
            args = shlex.split(line.removeprefix("#   perfcore report"))[1:]
            args = [a for a in args if not a.startswith("#")]
        code = main(["report", str(plan), *args])
        assert code == 0, (plan.name, capsys.readouterr().err)
        capsys.readouterr()


def test_warnings_are_said_plainly_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    # The CSEW plan has no figures for 2019-20 as a financial year: the report still
    # renders ("n/a"), and stderr says which figures are missing, once, naming the force
    # as a reader knows it (Gwent, not its ONS code W15000002).
    assert main(["report", str(GWENT / "seed003-csew-confidence.toml"),
                 "--period", "2019-20"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["perfcore report: warning: 8 figures not available for 2019-20 (first: "
                   "measure 'csew_community_understanding', organisation 'Gwent')"]


def test_explain_status_walks_from_the_figures_to_the_status(
        gwent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 15: `--figure status` says which basis decided, and what each basis found.
    assert main(["explain", str(gwent), "--measure", "all_crime", "--figure", "status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "all_crime / Gwent (W15000002) / status = green (basis: change_significant)"
    assert out[2] == ("  order of precedence: target, spc, change, comparator; decided by: "
                      "change")
    assert out[5].startswith("  - change: green (change_significant): change = -14.878")
    assert "  reason: improving (-14.9%, significant at 95%)" in out


EVIDENCE = {"change_significant", "spc", "target", "comparator_significant", "manual"}


def test_no_colour_without_evidence_in_any_example(capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    # Issue 15: in every shipped example, red, amber and green rest on an evidence basis;
    # everything else is grey and says why; roll-ups count only evidence and say so.
    runs = [(GWENT / "plan-2020-21.toml", []),
            (GWENT / "seed003-csew-confidence.toml", ["--period", "Year to March 2020",
                                                      "--previous", "Year to Dec 2019"]),
            (GWENT / "seed002-delivery-plan-2013-14.toml", ["--period", "2013-14"]),
            (GWENT / "seed002-delivery-plan-2013-14.toml",
             ["--period", "12 months to Dec 2013"]),
            *((p, ["--period", "2019-20"]) for p in sorted(GWENT.glob("seed003-*.toml"))
              if "csew" not in p.name),
            (GWENT / "seed004-peel-afis.toml", ["--period", "2023-24"]),
            (ROOT / "examples" / "national" / "plan.toml",
             ["--period", "12 months to December 2019"])]
    import json
    for plan, args in runs:
        assert main(["report", str(plan), *args, "--format", "json"]) == 0, plan.name
        doc = json.loads(capsys.readouterr().out)
        for s in doc["sections"]:
            for o in s["outcomes"]:
                for m in o["measures"]:
                    coloured = m["status"] in ("red", "amber", "green")
                    assert coloured == (m["status_basis"] in EVIDENCE), (plan.name, m["id"])
                    assert m["status_basis"] is not None, (plan.name, m["id"])
                evidence = sum(o["status_counts"].get(c, 0) for c in ("red", "amber", "green"))
                assert (o["status"] == "grey") == (evidence == 0), (plan.name, o["statement"])
                # Qualitative items not yet assessed roll up to grey "not assessed" (their
                # counts say so), with no basis to name.
                items_only = set(o["status_counts"]) == {"not_assessed"}
                assert (o["status_basis"] is None) == (evidence > 0 or items_only)
