"""Output that behaves: ``-o FILE`` chooses the format by the file's extension, a
``--format`` the name contradicts is refused, and the xlsx workbook holds numbers as
numbers, shown as the report shows them (issue #16 item 6)."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

import perfcore
from perfcore.cli import main
from perfcore.errors import (
    MissingDependencyError,
    ModelError,
    OptionError,
    OutputFormatError,
    PluginResultError,
)
from perfcore.pipeline import render
from perfcore.plugins import registry
from perfcore.plugins.manager import Registry
from perfcore.plugins.specs import RendererSpec
from perfcore.report.workbook import SHEET_NAME_LENGTH, number_format, sheet_names

ROOT = Path(__file__).parents[1]
GWENT = ROOT / "examples" / "gwent" / "plan-2020-21.toml"
PUBLIC = ROOT / "tests" / "data" / "public" / "plan.toml"
MDC = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]
KNOWN = ".csv, .htm, .html, .json, .markdown, .md, .txt, .xlsx"


def run(*argv: str, stdout: Any = None) -> tuple[int, str, str]:
    out, err = stdout if stdout is not None else io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _is_html(path: Path) -> bool:
    return path.read_text("utf-8").startswith("<!DOCTYPE html>")


def _is_markdown(path: Path) -> bool:
    return path.read_text("utf-8").startswith("# Chief Constable's Delivery Plan")


def _is_json(path: Path) -> bool:
    return json.loads(path.read_text("utf-8"))["schema_version"] == "2.2"


def _is_csv(path: Path) -> bool:
    return path.read_text("utf-8").startswith(
        "priority,outcome,measure,figure,value,display,method,source\n")


def _is_text(path: Path) -> bool:
    text = path.read_text("utf-8")
    return text.startswith("Chief Constable's Delivery Plan") and "\033[" not in text


def _is_xlsx(path: Path) -> bool:
    openpyxl = pytest.importorskip("openpyxl", reason="the xlsx tests need openpyxl "
                                   "(pip install 'perfcore[excel]')")
    return path.read_bytes()[:2] == b"PK" and "Data" in openpyxl.load_workbook(path).sheetnames


# ---------------------------------------------------------------- -o chooses the format


@pytest.mark.parametrize(("name", "looks_right"), [
    ("report.html", _is_html), ("report.htm", _is_html), ("REPORT.HTML", _is_html),
    ("report.md", _is_markdown), ("report.markdown", _is_markdown),
    ("report.json", _is_json), ("report.csv", _is_csv), ("report.txt", _is_text),
    ("report.xlsx", _is_xlsx)])
def test_the_output_file_extension_chooses_the_format(tmp_path: Path, name: str,
                                                      looks_right: Any) -> None:
    out = tmp_path / name
    code, stdout, err = run("report", str(GWENT), "-o", str(out))
    assert (code, stdout, err) == (0, "", f"wrote {out}\n")
    assert looks_right(out)


def test_a_format_that_matches_the_file_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "page.htm"
    assert run("report", str(GWENT), "--format", "html", "-o", str(out))[0] == 0
    assert _is_html(out)


def test_a_format_the_file_name_contradicts_is_an_error(tmp_path: Path) -> None:
    # Before: `--format text -o report.html` wrote plain text into report.html.
    out = tmp_path / "report.html"
    code, _out, err = run("report", str(GWENT), "--format", "text", "-o", str(out))
    assert code == 1
    assert err == (f"perfcore report: error: --format text does not match the output file "
                   f"{out}, whose extension .html is for 'html': drop --format to write "
                   "'html', or name the file .txt for 'text'\n")
    assert not out.exists()


def test_the_mismatch_error_names_path_format_and_extension_format() -> None:
    with pytest.raises(OutputFormatError) as info:
        registry().renderer_for("board/report.csv", format="json")
    err = info.value
    assert isinstance(err, OptionError) and isinstance(err, ValueError)
    assert (err.path, err.format, err.extension, err.extension_formats) == (
        "board/report.csv", "json", ".csv", ("csv",))


def test_an_unknown_extension_is_an_error_listing_the_known_ones(tmp_path: Path) -> None:
    # Before: `-o x.xlsx` was accepted and written as text.
    for name in ("report.docx", "report"):
        out = tmp_path / name
        code, _out, err = run("report", str(GWENT), "-o", str(out))
        assert code == 1
        assert f"cannot tell the format of the output file {out}" in err
        assert f"name it with one of {KNOWN}, or give --format" in err
        assert not out.exists()
    with pytest.raises(OutputFormatError) as info:
        registry().renderer_for("report.docx")
    assert info.value.extension == ".docx" and info.value.format is None
    assert info.value.known[".htm"] == ("html",)


def test_an_explicit_format_may_write_a_name_no_format_claims(tmp_path: Path) -> None:
    out = tmp_path / "figures.out"
    assert run("report", str(GWENT), "--format", "json", "-o", str(out))[0] == 0
    assert _is_json(out)


def test_an_unknown_format_lists_the_formats(tmp_path: Path) -> None:
    code, _out, err = run("report", str(GWENT), "--format", "docx")
    assert code == 1
    assert "--format='docx' is not allowed; use one of: 'csv', 'html', 'json'" in err


def test_no_output_file_means_text_on_standard_output() -> None:
    code, out, _err = run("report", str(GWENT))
    assert code == 0 and out.startswith("Chief Constable's Delivery Plan 2020/21\n")


@pytest.mark.parametrize(("name", "start"), [("chart.svg", "<svg"),
                                             ("chart.html", "<!DOCTYPE html>"),
                                             ("chart.htm", "<!DOCTYPE html>")])
def test_spc_chooses_svg_or_html_by_extension(tmp_path: Path, name: str, start: str) -> None:
    series = tmp_path / "series.csv"
    series.write_text("week,count\n" + "".join(f"w{i},{v}\n" for i, v in enumerate(MDC, 1)))
    out = tmp_path / name
    assert run("spc", str(series), "-o", str(out))[0] == 0
    assert out.read_text("utf-8").lstrip().startswith(start)


def test_spc_refuses_a_format_the_name_contradicts(tmp_path: Path) -> None:
    series = tmp_path / "series.csv"
    series.write_text("week,count\n" + "".join(f"w{i},{v}\n" for i, v in enumerate(MDC, 1)))
    code, _out, err = run("spc", str(series), "--format", "svg", "-o",
                          str(tmp_path / "chart.html"))
    assert code == 1 and "--format svg does not match the output file" in err
    code, _out, err = run("spc", str(series), "-o", str(tmp_path / "chart.png"))
    assert code == 1 and "name it with one of .htm, .html, .svg, or give --format" in err
    code, out, _err = run("spc", str(series))
    assert code == 0 and out.lstrip().startswith("<svg")


# ---------------------------------------------------------------- renderers declare them


def _render(report: object, **options: object) -> str:
    return "rendered"


def _bytes(report: object, **options: object) -> bytes:
    return b"\x00binary"


def test_a_renderer_spec_declares_its_extensions_and_whether_it_is_binary() -> None:
    plain = RendererSpec(name="docx", description="Word.", extension=".DOCX",
                         media_type="application/x-word", render=_render)
    assert plain.extensions == (".docx",) and plain.binary is False
    both = RendererSpec(name="md", description="M.", extension=".md",
                        extensions=(".md", ".MARKDOWN"), media_type="text/markdown",
                        render=_render)
    assert both.extensions == (".md", ".markdown")
    with pytest.raises(ModelError, match=r"must include its extension '\.md'"):
        RendererSpec(name="md", description="M.", extension=".md", extensions=(".mkd",),
                     media_type="text/markdown", render=_render)
    with pytest.raises(ModelError, match="start with a dot"):
        RendererSpec(name="md", description="M.", extension=".md", extensions=(".md", "mkd"),
                     media_type="text/markdown", render=_render)


def test_a_plugin_renderers_extensions_choose_it() -> None:
    docx = RendererSpec(name="docx", description="Word.", extension=".docx",
                        media_type="application/x-word", render=_bytes, binary=True)
    other = RendererSpec(name="board_doc", description="Also Word.", extension=".docx",
                         media_type="application/x-word", render=_bytes, binary=True)
    reg = Registry(renderers=(docx,))
    assert reg.renderer_for("paper.docx") is docx
    assert reg.renderer_for(None, format="docx") is docx
    with pytest.raises(OutputFormatError, match=r"\.docx is written by more than one format "
                       r"\('board_doc', 'docx'\); give --format"):
        Registry(renderers=(other, docx)).renderer_for("paper.docx")
    assert Registry(renderers=(other, docx)).renderer_for("p.docx", format="docx") is docx


def test_render_checks_that_a_renderer_returns_what_its_spec_says() -> None:
    report = perfcore.run(GWENT).report
    wrong = Registry(renderers=(
        RendererSpec(name="bin", description="B.", extension=".bin",
                     media_type="application/octet-stream", render=_render, binary=True),
        RendererSpec(name="txt", description="T.", extension=".txt",
                     media_type="text/plain", render=_bytes)))
    with pytest.raises(PluginResultError, match="renderer 'bin': returned str, not bytes"):
        render(report, "bin", registry=wrong)
    with pytest.raises(PluginResultError, match="renderer 'txt': returned bytes, not str"):
        render(report, "txt", registry=wrong)


def test_xlsx_is_registered_through_the_builtin_renderers_entry_point() -> None:
    spec = registry().renderer("xlsx")
    assert spec.binary and spec.extensions == (".xlsx",)
    assert spec.media_type == ("application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet")
    provider = registry().provider("renderer", "xlsx")
    assert provider is not None and provider.entry_point is not None
    assert "perfcore.report.builtin_renderers" in provider.entry_point


# ---------------------------------------------------------------- binary output


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_binary_format_is_never_written_to_a_terminal() -> None:
    code, out, err = run("report", str(GWENT), "--format", "xlsx", stdout=_Terminal())
    assert code == 1 and out == ""
    assert err == ("perfcore report: error: xlsx is a binary format and cannot be written to "
                   "a terminal: give an output file with -o FILE (e.g. -o report.xlsx)\n")


def test_a_binary_format_may_go_down_a_pipe(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    pytest.importorskip("openpyxl", reason="the xlsx tests need openpyxl")
    assert main(["report", str(GWENT), "--format", "xlsx"]) == 0
    assert capsysbinary.readouterr().out[:2] == b"PK"


def test_without_openpyxl_xlsx_names_the_extra(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    report = perfcore.run(GWENT).report
    with pytest.raises(MissingDependencyError) as info:
        render(report, "xlsx")
    assert (info.value.package, info.value.extra) == ("openpyxl", "excel")
    assert "pip install 'perfcore[excel]'" in str(info.value)
    code, _out, err = run("report", str(GWENT), "-o", str(tmp_path / "r.xlsx"))
    assert code == 1 and "pip install 'perfcore[excel]'" in err
    assert not (tmp_path / "r.xlsx").exists()


# ---------------------------------------------------------------- number formats


@pytest.mark.parametrize(("value", "text", "expected"), [
    (0.159, "15.9%", "0.0%"),                                 # a proportion: Excel's %
    (-14.878492891659079, "-14.9%", '0.0"%"'),                # a % change, held in per cent
    (4.100000000000002, "+4.1 pp", '+0.0" pp";-0.0" pp";0.0" pp"'),
    (0.0, "+0.0 pp", '+0.0" pp";-0.0" pp";+0.0" pp"'),
    (-14.1, "-14.1% (similar)", '0.0"% (similar)"'),          # a judgement's words
    (0.15, "15.0% (better)", '0.0%" (better)"'),
    (48618.0, "48618", "0"), (48618.0, "48,618", "#,##0"),
    (1.497504159733777, "1.5", "0.0"), (7.0, "7‡", '0"‡"'),   # a flag's mark
    (2300000.0, "£2,300,000", '"£"#,##0'), (-500.0, "£-500", '"£"0'),
    (5.0, "5th of 8", '0"th of 8"'), (5.0, "5ed o 8", '0"ed o 8"'),
    (3.0, 'a "3"', '"a "\\"0\\"'),                              # a quote in the words
])
def test_number_format_shows_the_value_as_the_report_does(value: float, text: str,
                                                           expected: str) -> None:
    assert number_format(value, text) == expected


@pytest.mark.parametrize(("value", "text"), [
    (-14.878492891659079, "-14.1%"),   # another number
    (2.0, "*"), (2.0, "<5"),           # a withheld figure's symbol
    (math.nan, "n/a"), (1.0, "n/a"), (-3.0, "3"), (3.0, "-3"),
])
def test_number_format_refuses_a_text_that_does_not_show_the_value(value: float,
                                                                   text: str) -> None:
    assert number_format(value, text) is None


def test_sheet_names_are_valid_distinct_and_short() -> None:
    titles = ["Crime: [Reduction]/Prevention*?\\", "A" * 40, "A" * 40, "a" * 40, "History",
              "'Quoted'", "", "Data", "data"]
    names = sheet_names(titles)
    assert names[0] == "Crime Reduction Prevention"
    assert names[1] == "A" * 31 and names[2] == "A" * 27 + " (2)" and names[3] == "a" * 27 + " (3)"
    assert names[4] == "History (2)"  # Excel keeps "History" for itself
    assert names[5] == "Quoted" and names[6] == "Sheet" and names[8] == "data (2)"
    assert len({n.casefold() for n in names}) == len(names)
    for n in names:
        assert 0 < len(n) <= SHEET_NAME_LENGTH and not set(n) & set("[]:*?/\\")


# ---------------------------------------------------------------- the workbook


@pytest.fixture(scope="module")
def openpyxl() -> Any:
    return pytest.importorskip("openpyxl", reason="the xlsx tests need openpyxl "
                               "(pip install 'perfcore[excel]')")


def _workbook(openpyxl: Any, tmp: Path, *argv: str) -> Any:
    out = tmp / "report.xlsx"
    code, _out, err = run("report", *argv, "-o", str(out))
    assert code == 0, err
    return openpyxl.load_workbook(out)


def _rows(ws: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _measure_row(ws: Any, name: str) -> dict[str, Any]:
    """A measure's cells on a priority sheet, by column heading (row 4)."""
    headings = [c.value for c in ws[4]]
    row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == name)
    return {h: c for h, c in zip(headings, row, strict=False) if h}


def _csv_figure_rows(plan: Path, *options: str) -> int:
    text = perfcore.pipeline.render(perfcore.run(plan, **_run_options(options)).report, "csv")
    assert isinstance(text, str)
    rows = list(csv.DictReader(io.StringIO(text)))
    return sum(1 for r in rows if r["figure"] != "note")


def _run_options(options: tuple[str, ...]) -> dict[str, Any]:
    return {"public": True} if "--public" in options else {}


@pytest.fixture(scope="module")
def gwent_book(openpyxl: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _workbook(openpyxl, tmp_path_factory.mktemp("gwent"), str(GWENT))


def test_workbook_has_a_sheet_per_priority_then_data_and_notes(gwent_book: Any) -> None:
    assert gwent_book.sheetnames == ["Crime Reduction", "Data", "Notes"]


def test_figures_are_unrounded_numbers_shown_as_the_report_shows_them(gwent_book: Any) -> None:
    # Seed 001 (examples/gwent): all crime 57,116 → 48,618, -14.878...%; the outcome
    # rate 11.8% → 15.9%, +4.1 pp.
    ws = gwent_book["Crime Reduction"]
    crime = _measure_row(ws, "All Crime Trend")
    current = crime["2020-21"]
    assert current.value == 48618 and current.data_type == "n"
    change = crime["Annual change %"]
    assert change.data_type == "n"
    assert change.value == pytest.approx(-14.878492891659079, rel=1e-12)
    assert change.number_format == '0.0"%"'  # one decimal: "-14.9%"
    assert crime["MSG change %"].value == pytest.approx(-14.1)
    assert crime["MSG change %"].number_format == '0.0"% (similar)"'
    assert (crime["DOT"].value, crime["DOT"].data_type) == ("↓ improving", "s")
    assert crime["Status"].value == "Green"
    assert crime["Status"].fill.fgColor.rgb.endswith("C6EFCE")
    rate = _measure_row(ws, "All Crime Outcome Rates")["2020-21"]
    assert rate.value == pytest.approx(0.159) and rate.number_format == "0.0%"
    pp = _measure_row(ws, "All Crime Outcome Rates")["Annual change %"]
    assert pp.value == pytest.approx(4.1) and pp.number_format.startswith('+0.0" pp"')


def test_headings_are_bold_frozen_and_columns_sized(gwent_book: Any) -> None:
    ws = gwent_book["Crime Reduction"]
    assert ws["A1"].value == "Crime Reduction — Green: both measures" and ws["A1"].font.b
    assert [c.value for c in ws[4]][:4] == ["Measure", "2018-19", "2019-20", "2020-21"]
    assert all(c.font.b for c in ws[4])
    assert ws.freeze_panes == "B5"   # the headings and the measure names stay on screen
    assert ws.column_dimensions["A"].width >= len("All Crime Outcome Rates")
    assert all(ws.column_dimensions[k].width >= 8 for k in "BCDEFGHIJK")
    data = gwent_book["Data"]
    assert data.freeze_panes == "A2" and data.auto_filter.ref.startswith("A1:")
    assert all(c.font.b for c in data[1])


def test_data_sheet_holds_the_csv_renderers_rows(gwent_book: Any) -> None:
    rows = _rows(gwent_book["Data"])
    assert rows[0] == ["priority", "outcome", "measure", "figure", "value", "display",
                       "method", "source"]
    assert len(rows) - 1 == _csv_figure_rows(GWENT)
    change = next(r for r in rows if r[2] == "all_crime" and r[3] == "change")
    # One decimal shown, kept to 1 + 4 decimals (no binary noise).
    assert change[4] == -14.87849
    assert change[5] == "-14.9%"
    dot = next(r for r in rows if r[2] == "all_crime" and r[3] == "dot")
    assert dot[4] is None and dot[5] == "↓"


def test_notes_sheet_has_the_title_and_notes(gwent_book: Any) -> None:
    rows = _rows(gwent_book["Notes"])
    assert rows[0] == ["Chief Constable's Delivery Plan 2020/21"]
    assert rows[3] == ["Notes"]
    assert any(str(r[0]).startswith("DOT: direction of travel") for r in rows)


def test_bilingual_workbook_has_each_language(openpyxl: Any, tmp_path: Path) -> None:
    book = _workbook(openpyxl, tmp_path, str(GWENT), "--lang", "en+cy")
    assert book.sheetnames == ["Lleihau Troseddu", "Crime Reduction", "Data",
                               "Nodiadau – Notes"]
    cy = _measure_row(book["Lleihau Troseddu"], "Tuedd Pob Trosedd")
    assert cy["2020-21"].value == 48618 and cy["Statws"].value == "Gwyrdd"
    assert cy["Newid % y Grŵp Mwyaf Tebyg"].number_format == '0.0"% (tebyg)"'
    assert _measure_row(book["Crime Reduction"], "All Crime Trend")["2020-21"].value == 48618
    data = _rows(book["Data"])
    assert data[0][:4] == ["blaenoriaeth_cy", "priority_en", "canlyniad_cy", "outcome_en"]
    assert len(data) - 1 == _csv_figure_rows(GWENT)
    notes = _rows(book["Nodiadau – Notes"])
    assert notes[3] == ["Nodiadau", "Notes"]


def test_public_edition_workbook_shows_the_symbol_never_the_value(openpyxl: Any,
                                                                  tmp_path: Path) -> None:
    # tests/data/public: homicide is below the threshold of 5 in every year.
    book = _workbook(openpyxl, tmp_path, str(PUBLIC), "--public", "--symbol", "<n")
    ws = book["Serious violence"]
    homicide = _measure_row(ws, "Homicide")
    assert [homicide[h].value for h in ("2018-19", "2019-20", "2020-21", "Annual change")] \
        == ["<5", "<5", "<5", "*"]
    assert all(c.data_type == "s" for c in homicide.values())
    knife = _measure_row(ws, "Knife crime")
    assert knife["2019-20"].value == 18 and knife["2020-21"].value == "<5"
    data = _rows(book["Data"])
    header = data[0]
    assert header[-1] == "suppressed"
    withheld = [r for r in data[1:] if r[-1]]
    assert withheld and all(r[header.index("value")] is None for r in withheld)
    assert {r[header.index("display")] for r in withheld} == {"*", "<5"}
    assert len(data) - 1 == _csv_figure_rows(PUBLIC, "--public")
    notes = " ".join(str(r[0]) for r in _rows(book["Notes"]))
    assert "Public edition: counts below 5 are withheld" in notes


def test_text_that_looks_like_a_formula_stays_text(openpyxl: Any) -> None:
    import attrs

    from perfcore.report.xlsx import render_xlsx

    report = perfcore.run(GWENT).report
    section = attrs.evolve(report.sections[0], title="=HYPERLINK(\"http://x\")\x07")
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(
        attrs.evolve(report, sections=(section,)))))
    cell = book.worksheets[0]["A1"]
    assert cell.data_type == "s" and cell.value.startswith('=HYPERLINK("http://x") — ')
