"""The tutorial and the how-to pages run as written: every code block on each page is
executed, in order, in a fresh folder, and every output a page shows is what perfcore
prints (tests/docblocks.py says how each kind of block is run). The how-to pages use the
repository's ``examples/`` folder, which the test copies into the fresh folder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docblocks import DOCS, ROOT, blocks, fresh_folder, matches, run_page

PAGES = [DOCS / "tutorial.md", *sorted((DOCS / "howto").glob("*.md"))]


# --- the pages -------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with fresh_folder(tmp_path, monkeypatch) as path:
        yield path


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_runs_as_written(page: Path, folder: Path) -> None:
    assert run_page(page, folder).not_run == [], "the tutorial and how-to pages run every block"


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
