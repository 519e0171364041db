"""Every example plan in Welsh and bilingually: all its texts translated, in every format.

The Welsh of the example plans is perfcore's own, not checked by a Welsh speaker (each
plan says so); these tests check that it is complete and used, not that it is good Welsh.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import perfcore
from perfcore.errors import MissingTranslationError


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
