"""The reference pages' code blocks run or are checked, as the tutorial's are: Python is
executed, ``>>>`` examples doctested, commands run with their output compared, plans and
fragments of plans read by perfcore's plan reader, the CSV samples loaded by the loader the
page names with the figures it states, and the commands of layouts checked against the
command line (tests/docblocks.py says how each kind of block is run). Every page of docs/
with code blocks is here but those that other tests run: the tutorial and how-to pages
(test_tutorial.py), errors.md (test_errors_docs.py), hooks.md (generated and run by
test_plugins_hooks.py) and computes.md (test_docs_computes.py). The README is here too: its
Gwent report is what perfcore prints, and its command lines are perfcore's."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docblocks import DOCS, FileCheck, PageRun, blocks, fresh_folder, json_matches, run_page

import perfcore
from perfcore.errors import MissingDependencyError
from perfcore.io import load_data
from perfcore.plugins.testing import registered

CHECKED_ELSEWHERE = {"tutorial.md", "howto", "errors.md", "hooks.md", "computes.md"}
PAGES = [*sorted(p for p in DOCS.rglob("*.md")
                if not CHECKED_ELSEWHERE & {p.name, p.parent.name} and blocks(p)),
         DOCS.parent / "README.md"]
# What the pages read besides examples/: a public edition's invented figures (reports.md)
# and a sample of police.uk's record files (data-formats.md).
COPIES = ("examples", "tests/data/public", "tests/data/police-uk")

# How many blocks each page leaves unrun on purpose (``<!-- docs: not run: REASON -->``).
NOT_RUN = {"data-formats.md": 1}  # on Spark


# --- what the pages state about their files -------------------------------------------------

def long_format_sample(path: Path) -> None:
    """data-formats.md's long-format sample, read by the ``csv`` loader (chosen by the
    name): one observation a row, blank cells absent, ``15.9%`` the fraction 0.159 and
    Gwent its ONS code."""
    gwent = "W15000002"
    assert load_data(path).to_records() == [
        {"measure": "all_crime", "organisation": gwent, "period": "2019-20",
         "value": 57116.0, "source": "seed 001"},
        {"measure": "all_crime", "organisation": gwent, "period": "2020-21",
         "value": 48618.0, "source": "seed 001"},
        {"measure": "all_crime_outcome_rate", "organisation": gwent, "period": "2020-21",
         "value": 0.159, "source": "seed 001", "percent": True},
        {"measure": "da_outcome16_rate", "organisation": gwent, "period": "2020-21",
         "numerator": 170.0, "denominator": 220.0, "source": "DA custody records"},
        {"measure": "victim_satisfaction", "organisation": gwent, "period": "Q3 2021-22",
         "value": 0.85, "sample_size": 412.0, "source": "victim survey"},
        {"measure": "all_crime_rate", "organisation": gwent, "period": "2020-21",
         "numerator": 48618.0, "population": 591200.0, "source": "ONS Table P1 and P3"}]


def published_sample(path: Path) -> None:
    """data-formats.md's published figures, read by the ``published`` loader (chosen by
    the name) into published figures only: seed 001's "MSG change -14.1%" and "E&W SR
    14.3%" (README's table), a % change in per cent, a proportion as a fraction."""
    ds = load_data(path)
    assert len(ds) == 0
    assert {(f.measure, f.group, str(f.period), f.figure): f.value for f in ds.published} == {
        ("all_crime", "msg_W15000002", "2020-21", "pct_change"): -14.1,
        ("all_crime", "K04000001", "2020-21", "pct_change"): -14.1,
        ("all_crime_outcome_rate", "msg_W15000002", "2020-21", "value"): 0.15,
        ("all_crime_outcome_rate", "K04000001", "2020-21", "value"): 0.143}


def roads_counts(path: Path) -> None:
    """plugins.md's roads.toml on these counts: the page's plugin (its module as the page
    last wrote it) derives the share the plan uses, 96 / 640 = 15%."""
    own_loaders = importlib.import_module("perfcore.io.builtin_loaders")
    with registered(importlib.import_module("perfcore_roads"), own_loaders):
        plan_file = perfcore.load_plan(path.with_name("roads.toml"))
        records = perfcore.load_data(plan_file).to_records()
    (share,) = [r for r in records if r["measure"] == "roads.ksi_share"]
    assert (share["value"], share["numerator"], share["denominator"]) == (0.15, 96, 640)


FILE_CHECKS: dict[str, dict[str, FileCheck]] = {
    "data-formats.md": {"observations.csv": long_format_sample,
                        "published.csv": published_sample},
    "plugins.md": {"roads.csv": roads_counts},
}


# --- what the pages state about their code --------------------------------------------------

def docx_renderer_says_what_to_install(run: PageRun) -> None:
    """plugins.md's docx renderer, without python-docx, names the plugin's extra."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "docx", None)  # importing it raises ImportError
        with pytest.raises(MissingDependencyError) as info:
            run.namespace["render_docx"](report=None)
    assert str(info.value) == ("the docx format needs python-docx, which is not installed: "
                               "install it with pip install 'perfcore-roads[docx]'")


AFTER: dict[str, Callable[[PageRun], None]] = {
    "plugins.md": docx_renderer_says_what_to_install,
}


# --- the pages ------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with fresh_folder(tmp_path, monkeypatch, COPIES) as path:
        yield path


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS.parent)) for p in PAGES])
def test_page_runs_as_written(page: Path, folder: Path) -> None:
    run = run_page(page, folder, FILE_CHECKS.get(page.name))
    assert len(run.not_run) == NOT_RUN.get(page.name, 0)
    assert all(b.note.removeprefix("not run: ").strip() for b in run.not_run)
    if page.name in AFTER:
        AFTER[page.name](run)


def test_json_output_matching() -> None:
    # The harness itself: a shown document is part of the printed one, in order.
    printed = {"a": 1, "b": [{"k": "x", "v": 1}, {"k": "y", "v": 2}], "t": "MSG: 7 forces"}
    assert json_matches({"b": [{"k": "y"}], "t": "MSG: ... forces"}, printed)
    assert json_matches({"b": [{"k": "x"}, {"k": "y"}]}, printed)
    assert not json_matches({"b": [{"k": "y"}, {"k": "x"}]}, printed)  # out of order
    assert not json_matches({"c": 1}, printed)
    assert not json_matches({"a": 1.0}, printed)  # 1.0 is not the integer 1
    assert not json_matches({"a": True}, printed)
    assert not json_matches({"t": "MSG: ..."}, {"t": 7})
