"""The tutorial and the how-to pages run as written: every code block on each page is
executed, in order, in a fresh folder, and every output a page shows is what perfcore
prints.

The blocks, by their fence:

- ```` ```toml title="plan.toml" ```` (any language, with a ``title``): a file the reader
  creates; the test writes it. ``title="plan.toml (add to the end)"`` appends to it;
  ``title="examples/x/plan.toml (excerpt)"`` quotes a file of the repository, whose
  lines must appear in it as shown (indentation and all).
- ```` ```python ````: run in one namespace per page.
- ```` ```pycon ````: ``>>>`` examples, run in the same namespace with doctest, their
  output compared (``...`` matches anything).
- ```` ```console ```` and ```` ```sh ````: ``$ perfcore ...`` (or ``$ python -m
  perfcore ...``) runs the command line in-process; the lines up to the next ``$`` are
  what it must print (standard output, then standard error; a line ``...`` stands for
  any number of lines) and its exit code must be 0. ``$ python -m pip install ...`` is
  not run: each thing it installs must exist, with the extras it names.

Any other block fails the test: a page shows nothing that is not run. The how-to pages
use the repository's ``examples/`` folder, which the test copies into the fresh folder.
"""

from __future__ import annotations

import csv
import doctest
import io
import re
import shlex
import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from perfcore.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [DOCS / "tutorial.md", *sorted((DOCS / "howto").glob("*.md"))]
FENCE = re.compile(r"^```(?P<lang>[\w+-]*)(?P<attrs>[^\n]*)\n(?P<body>.*?)^```[ \t]*$",
                   re.MULTILINE | re.DOTALL)
TITLE = re.compile(r'title="([^"]+)"')
APPEND, EXCERPT = " (add to the end)", " (excerpt)"


@attrs.frozen
class Block:
    lang: str
    title: str
    body: str
    line: int

    @property
    def where(self) -> str:
        return f"line {self.line}"


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        title = TITLE.search(m["attrs"])
        out.append(Block(m["lang"], title[1] if title else "", m["body"],
                         text.count("\n", 0, m.start()) + 1))
    return out


# --- the kinds of block ----------------------------------------------------------------------

def write_file(block: Block, folder: Path) -> None:
    name = block.title.removesuffix(APPEND)
    path = folder / name
    if block.title.endswith(APPEND):
        assert path.exists(), f"{block.where}: {name} must be created before adding to it"
        with path.open("a", encoding="utf-8") as f:
            f.write("\n" + block.body)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block.body, encoding="utf-8")


def check_excerpt(block: Block) -> None:
    name = block.title.removesuffix(EXCERPT)
    source = (ROOT / name).read_text(encoding="utf-8")
    assert block.body in source, f"{block.where}: this excerpt is not in {name} as shown"


class _Checker(doctest.OutputChecker):
    """doctest's checker with trailing spaces ignored (a page keeps none; pandas pads)."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        def strip(text: str) -> str:
            return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
        return super().check_output(strip(want), strip(got), optionflags)


def run_doctest(block: Block, namespace: dict[str, Any], page: Path) -> None:
    test = doctest.DocTestParser().get_doctest(block.body, namespace, page.name,
                                               str(page), block.line)
    out = io.StringIO()
    runner = doctest.DocTestRunner(checker=_Checker(), optionflags=doctest.ELLIPSIS,
                                   verbose=False)
    runner.run(test, out=out.write, clear_globs=False)
    namespace.update(test.globs)  # the DocTest ran on a copy of the namespace
    assert runner.failures == 0, f"{page.name} {block.where}:\n{out.getvalue()}"


def commands(body: str) -> Iterator[tuple[str, list[str]]]:
    """Each ``$ command`` of a console block with the lines shown after it."""
    command: str | None = None
    shown: list[str] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, shown
            command, shown = line[2:], []
        elif command is None:
            raise AssertionError(f"output before any command: {line!r}")
        else:
            shown.append(line)
    if command is not None:
        yield command, shown


def matches(shown: list[str], printed: list[str]) -> bool:
    """``shown`` equals ``printed`` line for line, a ``...`` line standing for any lines."""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(matches(shown[1:], printed[k:]) for k in range(len(printed) + 1))
    return bool(printed) and shown[0] == printed[0] and matches(shown[1:], printed[1:])


def check_install(argv: list[str], block: Block) -> None:
    for arg in argv[3:]:
        if arg.startswith("-"):
            continue
        target, _, extras = arg.partition("[")
        project = ROOT / target
        assert (project / "pyproject.toml").exists(), f"{block.where}: no project at {target}"
        declared = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        offered = declared["project"].get("optional-dependencies", {})
        for extra in filter(None, extras.rstrip("]").split(",")):
            assert extra in offered, f"{block.where}: {target} has no extra {extra!r}"


def run_console(block: Block, page: Path) -> None:
    for command, shown in commands(block.body):
        argv = shlex.split(command, comments=True)
        where = f"{page.name} {block.where}: $ {command}"
        if argv[:4] == ["python", "-m", "pip", "install"]:
            check_install(argv[1:], block)
            continue
        if argv[:3] == ["python", "-m", "perfcore"]:
            argv = argv[2:]
        assert argv[0] == "perfcore", f"{where}: the test runs only perfcore commands"
        out, err = io.StringIO(), io.StringIO()
        code = main(argv[1:], stdout=out, stderr=err)
        printed = [line.rstrip() for line in (out.getvalue() + err.getvalue()).splitlines()]
        assert code == 0, f"{where}: exit code {code}\n" + "\n".join(printed)
        assert matches([line.rstrip() for line in shown], printed), (
            f"{where}: perfcore printed\n" + "\n".join(printed))


# --- the pages -------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty folder as the current one, with the repository's examples copied in (a
    plan may read data only inside its own project: a link out of the folder would be
    refused) and on ``sys.path`` (for the modules a page writes); those modules are
    forgotten after."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        module = sys.modules[name]
        if str(getattr(module, "__file__", "") or "").startswith(str(tmp_path)):
            del sys.modules[name]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_runs_as_written(page: Path, folder: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    found = blocks(page)
    assert found, f"{page.name} has no code blocks"
    for block in found:
        if block.title.endswith(EXCERPT):
            check_excerpt(block)
        elif block.title:
            write_file(block, folder)
        elif block.lang == "python":
            exec(compile(block.body, f"{page.name}:{block.line}", "exec"), namespace)
        elif block.lang == "pycon":
            run_doctest(block, namespace, page)
        elif block.lang in ("console", "sh"):
            run_console(block, page)
        else:
            pytest.fail(f"{page.name} {block.where}: a ```{block.lang} block the test "
                        "does not run; give it a title (a file) or make it runnable")


def test_tutorial_figures_are_the_published_ones() -> None:
    """The tutorial's CSV: 2017-18 and 2018-19 are the ONS tables' figures in
    examples/data/prc-pfa (Table P1 counts, Table P3 populations); in every year the count,
    the rate's numerator and the share's denominator are one figure."""
    (block,) = [b for b in blocks(DOCS / "tutorial.md") if b.title == "crime.csv"]
    rows = list(csv.DictReader(io.StringIO(block.body)))
    data = ROOT / "examples" / "data" / "prc-pfa"
    with (data / "ons_pfa_p1_offences.csv").open(encoding="utf-8") as f:
        # ONS printed no figures for Greater Manchester in two releases: blank cells.
        p1 = {(r["period_end"], r["area_name"], r["offence_group"]):
              int(r["number_of_offences"]) for r in csv.DictReader(f)
              if r["number_of_offences"]}
    with (data / "ons_pfa_p3_population.csv").open(encoding="utf-8") as f:
        p3 = {(r["period_end"], r["area_name"]): int(r["population"])
              for r in csv.DictReader(f) if r["population"]}
    total, violence = "Total recorded crime (excluding fraud)", "Violence against the person"
    ends = {"2017-18": "2018-03-31", "2018-19": "2019-03-31"}
    by_key = {(r["measure"], r["organisation"], r["period"]): r for r in rows}
    checked = 0
    for (measure, force, period), r in by_key.items():
        count = int(by_key["all_crime", force, period]["value"])
        if measure == "crime_rate":
            assert int(r["numerator"]) == count
        if measure == "violence_share":
            assert int(r["denominator"]) == count
        if period not in ends:
            continue
        end = ends[period]
        expected = {"all_crime": {"value": p1[end, force, total]},
                    "crime_rate": {"numerator": p1[end, force, total],
                                   "population": p3[end, force]},
                    "violence_share": {"numerator": p1[end, force, violence],
                                       "denominator": p1[end, force, total]}}[measure]
        assert {k: int(r[k]) for k in expected} == expected, (measure, force, period)
        checked += 1
    assert checked == 3 * 4 * 2  # three measures, four forces, two years
    assert len(rows) == 3 * 4 * 3


def test_every_page_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        assert str(page.relative_to(DOCS)) in nav, f"{page.name} is not in mkdocs.yml's nav"


def test_matching_of_shown_output() -> None:
    # The harness itself: "..." stands for any lines, and nothing else is loose.
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["a"], ["a", "b"])
    assert not matches(["a", "..."], ["b"])
