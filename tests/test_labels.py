"""Tests for perfcore.labels: the words made from calculation results (ordinals, ranks,
directions of travel) in each report language."""

from __future__ import annotations

import numpy as np
import pytest

from perfcore.calc import direction_of_travel, rank_in_group
from perfcore.errors import OptionError
from perfcore.i18n import translator
from perfcore.labels import change_text, direction_phrase, ordinal, published_text, rank_text
from perfcore.model import Measure

EN = translator("en")
CY = translator("cy")


def no_ordinals(text: str) -> str:
    """A translator for a language whose catalogue names no ordinal rule."""
    return {"ordinal-rule:en": "ordinal-rule:none", "{rank} of {size}": "{rank} sur {size}",
            "{rank} (out of {size})": "{rank} (sur {size})",
            "not ranked": "non classé"}.get(text, text)


def test_ordinal() -> None:
    got = [ordinal(k, EN) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)]
    assert got == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd",
                   "23rd", "101st", "111th", "112th"]
    assert ordinal(0, EN) == ""
    assert ordinal(np.array([[1, 0], [3, 12]]), EN).tolist() == [["1st", ""], ["3rd", "12th"]]


def test_welsh_ordinals() -> None:
    # Welsh ordinals in figures, 1 to 20 (the forms the brief for issue 14 lists; the
    # suffixes are those of the spelt ordinals cyntaf, ail, trydydd, pedwerydd, pumed,
    # chweched, seithfed, wythfed, nawfed, degfed, unfed ar ddeg, deuddegfed ...).
    expected = ["1af", "2il", "3ydd", "4ydd", "5ed", "6ed", "7fed", "8fed", "9fed", "10fed",
                "11eg", "12fed", "13eg", "14eg", "15fed", "16eg", "17eg", "18fed", "19eg",
                "20fed"]
    assert [ordinal(k, CY) for k in range(1, 21)] == expected
    # Beyond 20 the Welsh forms are not written in figures: "number 21".
    assert [ordinal(k, CY) for k in (21, 43, 100)] == ["rhif 21", "rhif 43", "rhif 100"]
    assert ordinal(-1, CY) == ""


def test_rank_text_in_english_and_welsh() -> None:
    # Seed 003: "Gwent had the 5th (out of 8) largest crime reduction (in %)" in its MSG.
    r = rank_in_group(np.array([-9.0, -7.5, -6.1, -5.8, -5.4, -4.0, -3.2, -1.0]),
                      polarity="lower", members=[np.arange(8)], self_index=[4])
    assert rank_text(r.rank, r.group_size, EN, style="out_of").tolist() == ["5th (out of 8)"]
    assert rank_text(r.rank, r.group_size, CY, style="out_of").tolist() == ["5ed (allan o 8)"]
    assert rank_text(r.rank, r.group_size, CY).tolist() == ["5ed o 8"]
    assert rank_text([1, 0, 22], 43, EN).tolist() == ["1st of 43", "not ranked", "22nd of 43"]
    assert rank_text([[1, 0]], [[8, 8]], CY).tolist() == [["1af o 8", "heb ei restru"]]
    with pytest.raises(OptionError, match="'of', 'out_of'"):
        rank_text(1, 8, EN, style="among")


def test_language_without_an_ordinal_rule_uses_rank_of_size() -> None:
    assert ordinal(5, no_ordinals) == "5"
    assert rank_text([5, 0], [8, 8], no_ordinals).tolist() == ["5 sur 8", "non classé"]
    assert rank_text(5, 8, no_ordinals, style="out_of").tolist() == "5 (sur 8)"


def test_direction_phrases_never_claim_an_unsignalled_change() -> None:
    cur, prev = [15.9, 12.0, 11.8, 11.0], [11.8, 11.8, 11.8, 11.8]
    sig = direction_of_travel(current=cur, previous=prev, polarity="higher", method="significance",
                              significant=[True, False, False, True])
    assert direction_phrase(sig, EN).tolist() == ["improving", "no significant change",
                                                  "no significant change", "deteriorating"]
    assert direction_phrase(sig, CY).tolist() == ["yn gwella", "dim newid arwyddocaol",
                                                  "dim newid arwyddocaol", "yn dirywio"]
    neutral = direction_of_travel(current=[120.0, 100.0, 80.0, np.nan], previous=[100.0] * 4,
                                  polarity="neutral")
    assert direction_phrase(neutral, EN).tolist() == ["increased", "no change", "decreased",
                                                      "not assessed"]
    assert direction_phrase(neutral, CY).tolist() == ["wedi cynyddu", "dim newid",
                                                      "wedi gostwng", "heb ei asesu"]
    trend = direction_of_travel(polarity="lower", method="trend",
                                numerator=[[10, 10, 10, 10, 10]], denominator=[[100] * 5])
    assert direction_phrase(trend, EN).tolist() == ["no significant change"]


COUNT = Measure(id="all_crime", name="All Crime", kind="count", polarity="lower")
RATE = Measure(id="outcome_rate", name="Outcome rate", kind="proportion", polarity="higher")


def test_a_published_change_is_written_by_change_text_in_the_publications_unit() -> None:
    # Seed 001: All Crime -14.9%, the outcome rate +4.1 pp. A published figure keeps the
    # publication's unit (a count's change published in pp is shown in pp), and a
    # missing pp change reads "n/a" as every other change does, not "n/a pp".
    for lang in (EN, CY):
        for m in (COUNT, RATE):
            for value in (-14.9, 4.1, 0.0, float("nan")):
                assert published_text(m, "pct_change", value, 1, True, lang) == change_text(
                    m, value, 1, lang, pp=False)
                assert published_text(m, "pp_change", value, 1, True, lang) == change_text(
                    m, value, 1, lang, pp=True)
    assert published_text(COUNT, "pct_change", -14.9, 1, True, EN) == "-14.9%"
    assert published_text(COUNT, "pp_change", 4.1, 1, True, EN) == "+4.1 pp"
    assert published_text(RATE, "pp_change", float("nan"), 1, True, EN) == "n/a"
    assert change_text(RATE, 4.1, 1, EN) == "+4.1 pp"
    assert change_text(COUNT, -14.9, 1, EN) == "-14.9%"
