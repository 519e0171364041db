"""The documentation site: Sphinx roles in docstrings become links (docs/sphinx_roles.py),
the built site shows no raw role and copies no generator script, and it builds with
``mkdocs build --strict``; the methods reference is in the repository and cited there.

The site build takes several seconds, so it runs once per session (``built_site``) and its
tests are marked ``slow``; they are skipped, saying why, where mkdocs, mkdocs-material or
mkdocstrings is not installed (``pip install --group docs``)."""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_ROLE = re.compile(r":(?:func|class|mod|meth|attr|data|exc):")


def _docs_tools_missing() -> str | None:
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python",
                   "griffe"):
        if importlib.util.find_spec(module) is None:
            return (f"{module} is not installed: the docs site cannot be built here "
                    "(install the docs dependency group)")
    return None


_MISSING = _docs_tools_missing()
needs_docs_tools = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")


@pytest.fixture(scope="module")
def roles() -> ModuleType:
    """docs/sphinx_roles.py, imported from its file as mkdocstrings does."""
    spec = importlib.util.spec_from_file_location("sphinx_roles", ROOT / "docs" /
                                                  "sphinx_roles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fixed(path: str | None, known: bool = True):  # type: ignore[no-untyped-def]
    return lambda name: (path, known)


# --- the Griffe extension ------------------------------------------------------------------

@needs_docs_tools
@pytest.mark.parametrize(("text", "path", "expected"), [
    (":func:`~perfcore.calc.pct_change`", "perfcore.calc.change.pct_change",
     '<autoref identifier="perfcore.calc.change.pct_change" optional>'
     "<code>pct_change()</code></autoref>"),
    (":class:`perfcore.dataset.Dataset`", "perfcore.dataset.Dataset",
     '<autoref identifier="perfcore.dataset.Dataset" optional>'
     "<code>perfcore.dataset.Dataset</code></autoref>"),
    (":meth:`Dataset.cube`", "perfcore.dataset.Dataset.cube",
     '<autoref identifier="perfcore.dataset.Dataset.cube" optional>'
     "<code>Dataset.cube()</code></autoref>"),
    (":mod:`.records`", "perfcore.evaluation.records",
     '<autoref identifier="perfcore.evaluation.records" optional>'
     "<code>records</code></autoref>"),
    (":func:`the rounding <perfcore.calc.round_half_away>`",
     "perfcore.calc.rounding.round_half_away",
     '<autoref identifier="perfcore.calc.rounding.round_half_away" optional>'
     "<code>the rounding</code></autoref>"),
    # Private and outside objects are code, not links.
    (":func:`~perfcore.io._table.label_key`", "perfcore.io._table.label_key",
     "`label_key()`"),
    (":func:`numpy.round`", None, "`numpy.round()`"),
    (":exc:`ValueError` raised", None, "`ValueError` raised"),
])
def test_a_role_becomes_a_reference_or_code(roles: ModuleType, text: str, path: str | None,
                                            expected: str) -> None:
    assert roles.rewrite(text, _fixed(path)) == expected


@needs_docs_tools
def test_a_role_naming_nothing_is_a_warning(roles: ModuleType,
                                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        out = roles.rewrite("see :func:`pct_chnage`", _fixed(None, known=False),
                            where="perfcore.calc.change")
    assert out == "see `pct_chnage()`"
    assert "perfcore.calc.change: cross-reference :func:`pct_chnage` names nothing" in (
        caplog.text)


@needs_docs_tools
def test_every_role_in_perfcore_resolves_to_its_canonical_path(
        roles: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    import griffe

    loader = griffe.GriffeLoader(search_paths=[str(ROOT / "src")],
                                 extensions=griffe.load_extensions(roles.SphinxRoles()))
    with caplog.at_level(logging.WARNING):
        pkg = loader.load("perfcore")
    assert not [r.getMessage() for r in caplog.records if "cross-reference" in r.getMessage()]
    left = [o.path for o in roles._objects(pkg)
            if o.docstring is not None and RAW_ROLE.search(o.docstring.value)]
    assert left == []
    # Re-exports resolve to where the object is defined (the anchor the API page has);
    # relative module names to the package's submodule.
    change = pkg["calc.direction"].docstring.value
    assert '<autoref identifier="perfcore.calc.direction.trend_test" optional>' in change
    evaluation = pkg["evaluation"].docstring.value
    assert '<autoref identifier="perfcore.evaluation.records" optional>' in evaluation


# --- the methods reference ---------------------------------------------------------------

# Spelt in two halves so that this file does not match itself.
OUTSIDE = ("METHODS" + ".md", ".." + "/shared")
CITED = ("src", "plugins", "docs", "tests", "examples", "benchmarks", "README.md")
CITATION = re.compile(r"docs/([\w-]+\.md) (§\d+b?)")


def _files(*tops: str) -> list[Path]:
    found: list[Path] = []
    for top in tops:
        path = ROOT / top
        found += [path] if path.is_file() else [
            p for p in sorted(path.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return found


def test_the_project_cites_no_file_outside_itself() -> None:
    hits = [f"{p.relative_to(ROOT)}: {needle}" for p in _files(*CITED)
            for needle in OUTSIDE if needle.encode() in p.read_bytes()]
    assert hits == [], "cite docs/methodology.md (the methods reference) instead"


def test_every_methods_citation_names_a_section_of_its_page() -> None:
    cited = {(m[1], m[2]) for p in _files("src", "plugins", "tests", "benchmarks", "examples")
             if p.suffix == ".py" for m in CITATION.finditer(p.read_text("utf-8"))}
    assert len(cited) >= 7  # §1 to §8 but §4b are cited from the code
    for page, section in sorted(cited):
        headings = [line for line in (ROOT / "docs" / page).read_text("utf-8").splitlines()
                    if line.startswith("#")]
        assert any(re.search(rf"{section}\b", h) for h in headings), (page, section)


def _formula(function: str) -> str:
    """The formula column of the methodology §1 table's row for ``function``."""
    page = (ROOT / "docs" / "methodology.md").read_text("utf-8")
    (row,) = [line for line in page.splitlines()
              if line.startswith("|") and f"`{function}(" in line]
    return row.split("|")[3].strip()


@pytest.mark.parametrize(("function", "inputs"), [
    ("cagr", {"first": 100.0, "last": 164.3032, "years": 3.0}),
    ("cagr", {"first": 57116.0, "last": 48618.0, "years": 2.0}),
    ("pct_change", {"current": 48618.0, "previous": 57116.0}),
])
def test_the_methodology_formula_is_what_the_function_computes(
        function: str, inputs: dict[str, float]) -> None:
    import perfcore.calc

    formula = _formula(function)
    python = formula.replace("×", "*").replace("−", "-").replace("^", "**")
    assert re.fullmatch(r"[\w\s()/*+.-]+", python), formula
    by_the_page = eval(python, {"__builtins__": {}}, inputs)
    by_the_code = float(getattr(perfcore.calc, function)(**inputs).value)
    assert by_the_code == pytest.approx(by_the_page, rel=1e-12)


# --- one quick start ------------------------------------------------------------------------

def _readme_quick_start() -> list[str]:
    """The commands of the README's quick start (what .ci/run runs the second of)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```\n", 2)[1].splitlines()


def test_the_docs_home_page_includes_the_readme_quick_start() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    start, end = "<!-- --8<-- [start:quick-start] -->", "<!-- --8<-- [end:quick-start] -->"
    included = readme.split(start, 1)[1].split(end, 1)[0]
    commands = _readme_quick_start()
    assert len(commands) == 2 and commands[0].startswith("python -m pip install -e . ")
    assert "\n".join(commands) in included
    index = (ROOT / "docs" / "index.md").read_text("utf-8")
    quick_start = index.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    assert '--8<-- "README.md:quick-start"' in quick_start
    assert "pip install" not in quick_start  # no second, diverging copy


# --- the built site --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``mkdocs build --strict`` into a temporary directory, once per session."""
    if _MISSING is not None:
        pytest.skip(_MISSING)
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert done.returncode == 0 and not warnings, done.stderr[-3000:]
    return site


@pytest.mark.slow
def test_built_site_shows_no_raw_sphinx_role(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20
    raw = {str(p.relative_to(built_site)): sorted(set(RAW_ROLE.findall(p.read_text("utf-8"))))
           for p in pages if RAW_ROLE.search(p.read_text("utf-8"))}
    assert raw == {}
    # ... and the roles became links: the calc page links pct_change's docstring to pp_change.
    calc = (built_site / "api" / "calc" / "index.html").read_text("utf-8")
    assert 'href="#perfcore.calc.change.pp_change"><code>pp_change()</code></a>' in calc


@pytest.mark.slow
def test_built_home_page_shows_the_readme_quick_start(built_site: Path) -> None:
    import html

    page = html.unescape((built_site / "index.html").read_text("utf-8"))
    for command in _readme_quick_start():
        assert command in page
    assert "--8<--" not in page


@pytest.mark.slow
def test_built_site_copies_no_script(built_site: Path) -> None:
    assert sorted(str(p.relative_to(built_site)) for p in built_site.rglob("*.py")) == []
    assert (built_site / "hooks" / "index.html").exists()
