"""The example reports read as a police force's performance board reads them (chief
officers, the PCC's office, lay members): no heading that says the same thing twice, no
period written as a code, no column of n/a or rank without a note saying what it means,
and the same finding said once rather than once per measure. Each test renders an example
and asserts the words a board member sees."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import perfcore

ROOT = Path(__file__).parents[1]
GWENT = ROOT / "examples" / "gwent"


#: The seed plans name periods without data for some measures: warned, and shown as n/a.
pytestmark = pytest.mark.filterwarnings("ignore::perfcore.errors.PerfcoreWarning")


@cache
def _run(plan: str, period: str | None = None, lang: str = "en",
         previous: str | None = None) -> perfcore.Run:
    return perfcore.run(ROOT / plan, period=period, previous=previous, lang=lang)


def _text(plan: str, period: str | None = None, lang: str = "en", **kw: str) -> str:
    return _run(plan, period, lang, **kw).render("text")


def _html(plan: str, period: str | None = None, lang: str = "en", **kw: str) -> str:
    return _run(plan, period, lang, **kw).render("html")


# ------------------------------------------------------------------ roll-up headings

def test_a_roll_up_whose_measures_all_share_its_status_says_how_many_not_the_status_again(
        ) -> None:
    # "Green (2 green)", "Not tested (23 not tested)": the count repeated the status.
    text = _text("examples/gwent/plan-2020-21.toml")
    assert "Crime Reduction  [Green: all 2 measures]" in text
    assert "2 green" not in text
    assert '<span class="counts">(all 2 measures)</span>' in _html(
        "examples/gwent/plan-2020-21.toml")
    survey = _text("examples/gwent/seed003-victim-satisfaction.toml", "2019-20")
    assert "Supporting Victims  [Not tested: all 23 measures]" in survey
    assert "Outcome: Time of Arrival at Scene  [Not tested: 1 measure]" in survey
    # Qualitative items (objectives, updates) are items, not measures; a mixed roll-up
    # still counts each status.
    items = _text("examples/gwent/seed000-priorities.toml", "Q3 2021-22")
    assert "Crime Prevention  [Not assessed: all 2 items]" in items
    assert "[Neutral: 1 neutral, 1 no data, 6 not assessed]" in items
    cy = _text("examples/gwent/plan-2020-21.toml", lang="cy")
    assert "Lleihau Troseddu  [Gwyrdd: pob un o'r 2 mesur]" in cy
