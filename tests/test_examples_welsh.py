"""Every example plan in Welsh and bilingually: all its texts translated, in every format.

The Welsh of the example plans is perfcore's own, not checked by a Welsh speaker (each
plan says so); these tests check that it is complete and used, not that it is good Welsh.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import perfcore
from perfcore.errors import MissingTranslationError
from perfcore.plugins import renderers
from perfcore.report import Report

EXAMPLES = Path(__file__).parents[1] / "examples"
# Every example plan (the plugin template is a package, not a plan).
PLANS = sorted(p for p in EXAMPLES.glob("*/*.toml") if p.parent.name != "plugin-template")
UNCERTAIN = "Welsh: perfcore's own translation, not checked by a Welsh speaker (UNCERTAIN)"

# Each plan's title in Welsh, as the reports must show it.
WELSH_TITLES = {
    "gwent/plan-2020-21.toml": "Cynllun Cyflawni'r Prif Gwnstabl 2020/21",
    "gwent/seed000-priorities.toml": "Cyflawni Cynllun y Prif Gwnstabl",
    "gwent/seed002-delivery-plan-2013-14.toml": "Cynllun Cyflawni'r Heddlu 2013/14",
    "gwent/seed003-csew-confidence.toml":
        "Adroddiad Alldro'r Cynllun Cyflawni Gweithredol 2019 | 2020",
    "gwent/seed003-derived.toml": "Adroddiad Alldro'r Cynllun Cyflawni Gweithredol 2019 | 2020",
    "gwent/seed003-hate-crime-online.toml":
        "Adroddiad Alldro'r Cynllun Cyflawni Gweithredol 2019 | 2020",
    "gwent/seed003-hate-crime.toml":
        "Adroddiad Alldro'r Cynllun Cyflawni Gweithredol 2019 | 2020",
    "gwent/seed003-modern-slavery.toml":
        "Adroddiad Alldro'r Cynllun Cyflawni Gweithredol 2019 | 2020",
    "gwent/seed003-response-grades.toml":
        "Adroddiad Alldro'r Cynllun Cyflawni Gweithredol 2019 | 2020",
    "gwent/seed003-victim-satisfaction.toml":
        "Adroddiad Alldro'r Cynllun Cyflawni Gweithredol 2019 | 2020",
    "gwent/seed004-peel-afis.toml":
        "Meysydd i'w gwella PEEL 2021-22: y wybodaeth ddiweddaraf am y cynnydd",
    "gwent-monthly/plan.toml": "Troseddu ar lefel stryd yng Ngwent, fis wrth fis",
    "national/plan.toml": "Troseddau a gofnodwyd gan yr heddlu: 43 heddlu Cymru a Lloegr",
}
# A sample of other Welsh texts each report must show (names, statements, updates).
WELSH_SAMPLES = {
    "gwent/seed000-priorities.toml": ["Diweddariad Ch3 2021-22", "Op Draco"],
    "gwent/seed002-delivery-plan-2013-14.toml": ["Asesiad ansoddol parhaus"],
    "gwent/seed003-hate-crime.toml": ["Troseddau Casineb yn ôl Llinyn", "Homoffobig"],
    "gwent/seed003-modern-slavery.toml": ["Caethwasiaeth Fodern a Masnachu Pobl (MSHT)"],
    "gwent/seed003-csew-confidence.toml": ["Blwyddyn hyd at fis Mawrth 2020"],
    "gwent/seed004-peel-afis.toml": ["Cynllun Datgelu Trais Domestig (DVDS)",
                                     "Cynllun Ariannol Tymor Canolig"],
    "national/plan.toml": ["Trais yn erbyn yr unigolyn"],
}

# Ordinary English words that no Welsh text may contain ("a", "i", "o", "at", "is" and
# "am" are Welsh words too, and are left out).
ENGLISH_WORDS = frozenset({
    "the", "and", "of", "to", "in", "for", "with", "are", "was", "were", "has", "have", "by",
    "on", "from", "our", "their", "this", "that", "will", "should", "not", "all", "more",
    "through", "against", "within", "crime", "crimes", "victims", "victim", "police", "people",
    "offences", "improvement", "service", "update", "reduction", "arrests", "incidents",
    "satisfaction", "survey", "recorded", "public", "plan", "officers", "force", "total",
    "rate", "report", "board", "assessment", "areas", "been", "being", "which", "where",
    "there", "review", "training", "demand", "strategy", "justice", "domestic", "abuse",
})
# Proper names that keep their English: projects, systems, flags, organisations.
PROPER_NAMES = ("We Don’t Buy Crime", "Breaking the Cycle", "Online Watch Link", "Notify if",
                "Right Care Right Person", "Hampton Trust", "Phoenix Domestic Abuse Services",
                "Good Sam", "Co-pilot")


def _qualitative_plan(tmp_path: Path, commentary: str, evidence: str) -> Path:
    (tmp_path / "data.csv").write_text(
        "organisation,measure,period,value\nGwent,all_crime,2019-20,100\n"
        "Gwent,all_crime,2020-21,90\n", "utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(textwrap.dedent(f"""\
        [plan]
        title = {{ en = "Plan", cy = "Cynllun" }}
        organisation = "Gwent"
        period = "2020-21"

        [[data]]
        path = "data.csv"

        [[priorities]]
        id = "p"
        title = {{ en = "Crime Reduction", cy = "Lleihau Troseddu" }}

          [[priorities.outcomes]]
          id = "o"
          statement = {{ en = "Less crime", cy = "Llai o droseddu" }}

            [[priorities.outcomes.measures]]
            id = "all_crime"
            name = {{ en = "All crime", cy = "Pob trosedd" }}
            kind = "count"
            polarity = "lower"
            unit = {{ en = "crimes", cy = "troseddau" }}

            [[priorities.outcomes.measures]]
            id = "update"
            name = {{ en = "Update", cy = "Diweddariad" }}
            kind = "qualitative"
            polarity = "neutral"
            status = "amber"
            as_of = "2020-21"
            commentary = {commentary}
            evidence = [{evidence}]
        """), "utf-8")
    return plan


def test_commentary_and_evidence_are_plan_texts_in_the_report_language(
        tmp_path: Path) -> None:
    plan = _qualitative_plan(
        tmp_path, '{ en = "Audit due in Q3.", cy = "Archwiliad i ddod yn Ch3." }',
        '{ en = "Force audit May 2020", cy = "Archwiliad yr heddlu Mai 2020" }')
    both = perfcore.run(plan, lang="en+cy").report
    welsh, english = both.versions()
    (row,) = [r for r in welsh.rows() if r.measure.id == "update"]
    assert row.status_reasons[1:] == ("Archwiliad i ddod yn Ch3.",
                                      "Archwiliad yr heddlu Mai 2020")
    (row,) = [r for r in english.rows() if r.measure.id == "update"]
    assert row.status_reasons[1:] == ("Audit due in Q3.", "Force audit May 2020")
    assert "Archwiliad i ddod yn Ch3." in perfcore.render(both, "text")


def test_untranslated_commentary_and_evidence_are_missing_translations(
        tmp_path: Path) -> None:
    # English is never mixed silently into a Welsh report: an update written in English
    # only is named like any other plan text, or shown behind the marker when asked.
    plan = _qualitative_plan(tmp_path, '"Audit due in Q3."', '"Force audit May 2020"')
    with pytest.raises(MissingTranslationError) as err:
        perfcore.run(plan, lang="cy")
    assert "measure 'update' commentary: 'Audit due in Q3.'" in str(err.value)
    assert "measure 'update' evidence: 'Force audit May 2020'" in str(err.value)
    marked = perfcore.run(plan, lang="cy", fallback="mark").report
    assert "[yn Saesneg] Audit due in Q3." in perfcore.render(marked, "text")


# ------------------------------------------------------------------ the example plans


def _name(plan: Path) -> str:
    return plan.relative_to(EXAMPLES).as_posix()


def test_every_example_plan_is_covered() -> None:
    assert {_name(p) for p in PLANS} == set(WELSH_TITLES)


@pytest.fixture(scope="module", params=PLANS, ids=_name)
def runs(request: pytest.FixtureRequest) -> dict[str, Report]:
    plan = request.param
    with warnings.catch_warnings():
        # Figures some example plans have no data for are warned about (tested elsewhere).
        warnings.simplefilter("ignore")
        return {lang: perfcore.run(plan, lang=lang).report for lang in ("cy", "en+cy")}


def test_every_format_renders_in_welsh_and_bilingually(runs: dict[str, Report]) -> None:
    for lang, report in runs.items():
        for spec in renderers():
            out = perfcore.render(report, spec.name)
            assert out.strip(), (lang, spec.name)


def test_the_welsh_report_shows_the_welsh_texts(
        request: pytest.FixtureRequest, runs: dict[str, Report]) -> None:
    name = request.node.callspec.id
    welsh = WELSH_TITLES[name]
    cy, both = runs["cy"], runs["en+cy"]
    assert cy.lang == "cy" and cy.title == welsh
    assert [r.lang for r in both.versions()] == ["cy", "en"]
    assert both.versions()[0].title == welsh
    text = _flat(perfcore.render(cy, "text"))
    assert welsh in text
    for sample in WELSH_SAMPLES.get(name, ()):
        assert sample in text, sample
    html = perfcore.render(both, "html")
    assert html.startswith("<!DOCTYPE html>") and 'lang="cy"' in html


def _flat(text: str) -> str:
    return " ".join(text.split())


def _plan_texts(report: Report) -> Iterator[tuple[str, str]]:
    """Every text of the report that comes from the plan, with where it is used."""
    yield "plan title", report.title
    for c in report.columns:
        yield f"column {c.key}", c.heading
    for s in report.sections:
        for f in ("title", "lead", "board", "assessment_type"):
            yield f"priority {s.id} {f}", getattr(s, f)
        for o in s.outcomes:
            yield f"priority {s.id} statement", o.statement
            for c in o.columns:
                yield f"column {c.key}", c.heading
            for r in o.rows:
                yield f"measure {r.measure.id} name", r.measure.name
                yield f"measure {r.measure.id} unit", r.measure.unit
                if r.measure.kind.value == "qualitative":
                    for t in r.status_reasons[1:]:
                        yield f"measure {r.measure.id} commentary", t
                for t in r.spc_notes.values():
                    yield f"measure {r.measure.id} rebase note", t


def _english_words(text: str) -> set[str]:
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH_WORDS}


def test_no_plan_text_is_left_in_english(runs: dict[str, Report]) -> None:
    cy = runs["cy"]
    english = {where: sorted(words) for where, text in _plan_texts(cy)
               if (words := _english_words(text))}
    assert english == {}
    # The whole Welsh text report, less the published figures' citations (the English
    # documents they come from, quoted as data).
    text = _flat(perfcore.render(cy, "text"))
    for row in cy.rows():
        for p in row.published:
            text = text.replace(_flat(p.source), "")
    assert _english_words(text) == set()


# ------------------------------------------------------------------ the plan files


def _texts(raw: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every text field of a plan file as written (a string or a table of languages)."""
    yield "plan.title", raw["plan"]["title"]
    for key, label in raw.get("display", {}).get("labels", {}).items():
        yield f"display.labels.{key}", label
    for i, p in enumerate(raw.get("priorities", [])):
        for f in ("title", "lead", "board", "assessment_type"):
            if f in p:
                yield f"priorities[{i}].{f}", p[f]
        for j, o in enumerate(p.get("outcomes", [])):
            if "statement" in o:
                yield f"priorities[{i}].outcomes[{j}].statement", o["statement"]
            for k, m in enumerate(o.get("measures", [])):
                where = f"priorities[{i}].outcomes[{j}].measures[{k}]"
                for f in ("name", "unit", "description", "source", "commentary"):
                    if f in m:
                        yield f"{where}.{f}", m[f]
                for n, e in enumerate(m.get("evidence", [])):
                    yield f"{where}.evidence[{n}]", e
                for n, r in enumerate(m.get("spc", {}).get("rebase", [])):
                    if isinstance(r, dict) and "note" in r:
                        yield f"{where}.spc.rebase[{n}].note", r["note"]


@pytest.mark.parametrize("plan", PLANS, ids=_name)
def test_every_text_of_the_plan_file_has_its_welsh(plan: Path) -> None:
    source = plan.read_text("utf-8")
    raw = tomllib.loads(source)
    untranslated = [where for where, text in _texts(raw)
                    if not (isinstance(text, dict) and text.get("cy"))
                    and re.search(r"[A-Za-z]", text if isinstance(text, str) else "x")]
    assert untranslated == []
    for where, text in _texts(raw):
        if isinstance(text, dict):
            # Long texts keep their line structure: one paragraph per line in both.
            assert text["cy"].count("\n") == text["en"].count("\n"), where
            assert text["cy"] != text["en"] or not _english_words(text["en"]), where
    # ... and says that its Welsh is unchecked (gwent-monthly words it its own way).
    assert UNCERTAIN in source or "Welsh (cy) texts: UNCERTAIN" in source


def test_one_english_text_has_one_welsh_translation_across_the_examples() -> None:
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for plan in PLANS:
        for english, welsh in perfcore.load_plan(plan).texts.get("cy", {}).items():
            first = seen.setdefault(english, (welsh, _name(plan)))
            if first[0] != welsh:
                clashes.append((english, first, (welsh, _name(plan))))
    assert clashes == []
