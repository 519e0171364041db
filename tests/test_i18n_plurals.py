"""Counted messages: "1 change", "2 changes" in English, the six Welsh forms, and the
catalogue tools that extract, merge, compile and check plural entries.

The Welsh rule is the Unicode CLDR cardinal rule for cy (zero: 0, one: 1, two: 2, few: 3,
many: 6, other), as the catalogue's Plural-Forms header writes it for gettext.
"""

from __future__ import annotations

import gettext
import io
import string
import sys
import zipfile
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfcore.evaluation import evaluate
from perfcore.i18n import counted, plural, plural_translator
from perfcore.model import Outcome, Plan, Priority
from perfcore.organisations import default_registry
from perfcore.plugins import i18n_tools as tools
from perfcore.report import build_report
from perfcore.report.data import render_csv, render_json
from perfcore.report.html import render_html
from perfcore.report.markdown import render_markdown
from perfcore.report.text import render_text
from perfcore.report.xlsx import render_xlsx

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
import seed001_plan
from test_i18n import SEED_TEXTS

CY_PO = tools.LOCALE_DIR / "cy" / "LC_MESSAGES" / "perfcore.po"
TESTED = ("Tested for significance at {conf}: {n} change ({methods}); direction of "
          "travel by {method}.",
          "Tested for significance at {conf}: {n} changes ({methods}); direction of "
          "travel by {method}.")
WELSH_RULE = ("nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : "
              "(n==6) ? 4 : 5;")


def _tested(lang: str, n: int) -> str:
    return plural_translator(lang)(*TESTED, n).format(conf="95%", n=n, methods="M",
                                                       method="D")


def _header(rule: str | None = WELSH_RULE) -> tools.Message:
    return tools.header("cy", extra=(("Plural-Forms", rule),) if rule else ())


def _entry(*forms: str, msgid: str = "{n} change", msgid_plural: str = "{n} changes"
           ) -> tools.Message:
    return tools.Message(msgid=msgid, msgid_plural=msgid_plural, msgstr_plural=forms)


SIX = ("{n} dim", "{n} un", "{n} dau", "{n} tri", "{n} chwech", "{n} arall")


# --- English --------------------------------------------------------------------------


def test_english_counts_take_the_singular_only_for_one() -> None:
    assert [_tested("en", n) for n in (0, 1, 2)] == [
        "Tested for significance at 95%: 0 changes (M); direction of travel by D.",
        "Tested for significance at 95%: 1 change (M); direction of travel by D.",
        "Tested for significance at 95%: 2 changes (M); direction of travel by D."]
    assert [counted(n, "measure") for n in (0, 1, 2)] == ["0 measures", "1 measure",
                                                          "2 measures"]
    assert counted(1, "person", "people") == "1 person"
    assert counted(4, "person", "people") == "4 people"
    assert (plural(1, "field"), plural(3, "field")) == ("field", "fields")


def _one_measure_report(lang: str) -> str:
    # Seed 001 with its count measure only: one change is tested.
    crimes = seed001_plan.PLAN.measure("all_crime")
    plan = Plan(id="one", title="Crime Reduction", priorities=[Priority(
        id="p", title="Crime Reduction", outcomes=[Outcome(
            id="o", statement="People of Gwent are less affected by crime",
            measures=[crimes])])])
    ev = evaluate(plan, seed001_plan.dataset(), period="2020-21", organisation="Gwent",
                  compare_with=[default_registry().group("England and Wales")])
    texts = {"cy": {"Crime Reduction": "Lleihau Troseddu", "All Crime Trend":
                    "Tuedd Pob Trosedd", "crimes": "troseddau",
                    "People of Gwent are less affected by crime":
                    "Mae troseddu'n effeithio llai ar bobl Gwent"}}
    return render_text(build_report(ev, lang=lang, texts=texts))


def test_a_report_that_tested_one_change_says_so_in_english_and_welsh() -> None:
    assert ("Tested for significance at 95%: 1 change (conditional exact test of two "
            "counts)") in _one_measure_report("en")
    assert "Wedi'i brofi am arwyddocâd ar 95%: 1 newid (" in _one_measure_report("cy")


@pytest.mark.parametrize("lang", ["en", "cy", "en+cy"])
def test_no_renderer_writes_a_parenthesised_plural(lang: str) -> None:
    ev = evaluate(seed001_plan.PLAN, seed001_plan.dataset(), period="2020-21",
                  organisation="Gwent", compare_with=[
                      seed001_plan.MSG, default_registry().group("England and Wales")])
    report = build_report(ev, lang=lang, texts=SEED_TEXTS)
    outputs = [render_text(report), render_markdown(report), render_html(report),
               render_csv(report), render_json(report)]
    for out in outputs:
        assert "(s)" not in out
    assert "2 changes (" in outputs[0] if lang != "cy" else ": 2 newid (" in outputs[0]
    pytest.importorskip("openpyxl")
    with zipfile.ZipFile(io.BytesIO(render_xlsx(report))) as book:
        sheets = "".join(book.read(n).decode("utf-8") for n in book.namelist()
                         if n.endswith(".xml"))
    assert "(s)" not in sheets
    assert ("2 changes (" if lang != "cy" else ": 2 newid (") in sheets


# --- Welsh ----------------------------------------------------------------------------


def test_welsh_rule_gives_cldr_categories() -> None:
    cat = gettext.translation("perfcore", localedir=str(tools.LOCALE_DIR), languages=["cy"])
    # zero, one, two, few, many, other (CLDR cy): 0, 1, 2, 3, 6, and 7 as "other".
    assert [cat.plural(n) for n in (0, 1, 2, 3, 6, 7, 4, 5, 100)] == [0, 1, 2, 3, 4, 5, 5,
                                                                       5, 5]


def test_welsh_forms_of_the_significance_note() -> None:
    # A numeral takes the singular noun ("2 newid"); "newid" keeps its n after dau, tri
    # and chwe. One change is "wedi'i brofi" (masculine singular), any other count
    # "wedi'u profi".
    rest = "am arwyddocâd ar 95%: {n} newid (M); cyfeiriad y newid yn ôl D."
    assert {n: _tested("cy", n) for n in (0, 1, 2, 3, 6, 7)} == {
        0: "Wedi'u profi " + rest.format(n=0),
        1: "Wedi'i brofi " + rest.format(n=1),
        2: "Wedi'u profi " + rest.format(n=2),
        3: "Wedi'u profi " + rest.format(n=3),
        6: "Wedi'u profi " + rest.format(n=6),
        7: "Wedi'u profi " + rest.format(n=7)}


def test_welsh_point_count_mutates_after_two_three_and_six() -> None:
    # "pwynt" is masculine: soft mutation after dau (bwynt), aspirate after tri and chwe
    # (phwynt), the radical otherwise; English has "1 point", "2 points".
    pair = ("{title}: XmR chart of {n} point.", "{title}: XmR chart of {n} points.")
    welsh = {n: plural_translator("cy")(*pair, n).format(title="T", n=n)
             for n in (0, 1, 2, 3, 6, 7)}
    assert welsh == {0: "T: siart XmR o 0 pwynt.", 1: "T: siart XmR o 1 pwynt.",
                     2: "T: siart XmR o 2 bwynt.", 3: "T: siart XmR o 3 phwynt.",
                     6: "T: siart XmR o 6 phwynt.", 7: "T: siart XmR o 7 pwynt."}
    english = [plural_translator("en")(*pair, n).format(title="T", n=n) for n in (0, 1, 2)]
    assert english == ["T: XmR chart of 0 points.", "T: XmR chart of 1 point.",
                       "T: XmR chart of 2 points."]


def test_a_compiled_catalogue_picks_each_of_the_six_welsh_forms() -> None:
    mo = tools.compile_mo([_header(), _entry(*SIX)])
    cat = gettext.GNUTranslations(io.BytesIO(mo))
    got = [cat.ngettext("{n} change", "{n} changes", n).format(n=n) for n in (0, 1, 2, 3, 6, 7)]
    assert got == ["0 dim", "1 un", "2 dau", "3 tri", "6 chwech", "7 arall"]


_SHIPPED = [m for m in tools.read_po(CY_PO) if m.plural]
_RULE = gettext.c2py(tools.plural_forms(tools.read_po(CY_PO))[1])  # type: ignore[index]


def test_the_shipped_catalogue_has_plural_entries() -> None:
    assert {m.msgid for m in _SHIPPED} >= {TESTED[0], "{name} ({n} force: {members})"}


@given(st.integers(0, 100))
def test_every_plural_entry_gives_its_welsh_form_for_any_count(n: int) -> None:
    ngettext = plural_translator("cy")
    for m in _SHIPPED:
        got = ngettext(m.msgid, m.msgid_plural, n)
        # From the compiled .mo, the form the .po gives for n: translated, never empty.
        assert got.strip() and got == m.msgstr_plural[_RULE(n)], (m.msgid, n)
        names = {f for _, f, _, _ in string.Formatter().parse(m.msgid_plural) if f}
        filled = got.format_map(dict.fromkeys(names, 0.5))
        assert filled.strip()


# --- the catalogue tools --------------------------------------------------------------


def test_check_fails_on_a_plural_entry_with_a_form_missing() -> None:
    po = [_header(), _entry(*SIX[:5])]
    assert tools.check_catalogue(po, ["{n} change"]) == [
        "missing plural form msgstr[5]: '{n} change'"]
    po = [_header(), _entry(*SIX[:2], "", *SIX[3:])]
    assert tools.check_catalogue(po, ["{n} change"]) == [
        "untranslated plural form msgstr[2]: '{n} change'"]
    assert tools.check_catalogue([_header(), _entry(*SIX)], ["{n} change"]) == []


def test_check_names_every_other_plural_problem() -> None:
    def check(po: list[tools.Message], *want: str | tools.Message) -> list[str]:
        return tools.check_catalogue(po, want or ["{n} change"])

    assert check([_header(None), _entry(*SIX)]) == [
        "no Plural-Forms header, so gettext cannot choose a plural form"]
    assert check([_header(), _entry(*SIX, "{n} eto")]) == [
        "extra plural form msgstr[6] (the language has 6): '{n} change'"]
    assert check([_header(), _entry(*SIX[:5], "{nifer} arall")]) == [
        "placeholders differ: '{n} change' msgstr[5] -> '{nifer} arall'"]
    assert check([_header(), _entry(*SIX)],
                 tools.Message(msgid="{n} change", msgid_plural="{n} alterations")) == [
        "plural differs: '{n} change' has msgid_plural '{n} alterations' in the source "
        "and '{n} changes' in the catalogue"]
    assert check([_header("nplurals=6; plural=n != 1;"), _entry(*SIX)]) == [
        "Plural-Forms: plural='n != 1' picks forms [0, 1] for 0..1000, not each of 0..5"]
    assert check([_header(), attrs.evolve(_entry(*SIX), flags=("fuzzy",))]) == [
        "fuzzy: '{n} change'"]


def test_check_command_fails_on_the_catalogue_with_a_form_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    po = tools.read_po(CY_PO)
    cut = [attrs.evolve(m, msgstr_plural=m.msgstr_plural[:-1]) if m.msgid == TESTED[0]
           else m for m in po]
    path = tmp_path / "cy" / "LC_MESSAGES" / "perfcore.po"
    path.parent.mkdir(parents=True)
    path.write_text(tools.write_po(cut), encoding="utf-8")
    monkeypatch.setattr(tools, "po_files", lambda *a, **k: [path])
    assert tools.main(["check"]) == 1
    assert capsys.readouterr().out == f"{path}: missing plural form msgstr[5]: {TESTED[0]!r}\n"


def test_plural_entries_round_trip_and_compile_as_msgfmt_does() -> None:
    entry = attrs.evolve(_entry(*SIX), comments=("translator",),
                         auto_comments=("UNCERTAIN: x",), references=("a.py",),
                         flags=("python-brace-format",))
    messages = [_header(), entry, tools.Message(msgid="Trend", msgstr="Tuedd")]
    text = tools.write_po(messages)
    assert 'msgid_plural "{n} changes"\nmsgstr[0] "{n} dim"\n' in text
    assert 'msgstr[5] "{n} arall"\n' in text
    assert tools.parse_po(text) == messages
    # msgfmt's layout: key "singular NUL plural", value the forms joined by NUL.
    mo = tools.compile_mo(messages)
    assert b"{n} change\0{n} changes\0" in mo
    assert "\0".join(SIX).encode() in mo
    # An entry with an empty form is left out, so gettext falls back to the English.
    cat = gettext.GNUTranslations(io.BytesIO(tools.compile_mo(
        [_header(), _entry(*SIX[:5], "")])))
    assert cat.ngettext("{n} change", "{n} changes", 7) == "{n} changes"


def test_extract_finds_plural_pairs_and_refuses_a_clash(tmp_path: Path) -> None:
    src = tmp_path / "mod.py"
    src.write_text(
        'ngettext("{n} change", "{n} changes", n)\n'
        '# Translators: the count of forces.\n'
        'self.ngettext("{n} force", "{n} forces", k)\n'
        'plural_translator(lang)("{n} point", "{n} points", k)\n'
        '_("Trend")\n', encoding="utf-8")
    got = tools.extract([src], root=tmp_path)
    assert [(m.msgid, m.msgid_plural, m.msgstr_plural) for m in got] == [
        ("{n} change", "{n} changes", ("", "")), ("{n} force", "{n} forces", ("", "")),
        ("{n} point", "{n} points", ("", "")), ("Trend", "", ())]
    assert got[1].auto_comments == ("Translators: the count of forces.",)
    assert got[0].flags == ("python-brace-format",)
    src.write_text('ngettext("{n} change", "{n} changes", n)\n_("{n} change")\n',
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"mod.py:2: '\{n\} change' is marked"):
        tools.extract([src], root=tmp_path)


def test_merge_gives_a_new_plural_entry_one_empty_form_per_welsh_form() -> None:
    old = [_header(), _entry(*SIX), tools.Message(msgid="{n} point", msgstr="{n} pwynt")]
    pot = [_entry("", ""), _entry("", "", msgid="{n} point", msgid_plural="{n} points"),
           _entry("", "", msgid="{n} force", msgid_plural="{n} forces")]
    merged = tools.merge(old, pot)
    assert [m.msgstr_plural for m in merged[1:]] == [SIX, ("",) * 6, ("",) * 6]
    assert merged[2].msgstr == ""
    # An English plural changed: its old forms no longer apply.
    changed = tools.merge(old, [_entry("", "", msgid_plural="{n} alterations")])
    assert changed[1].msgstr_plural == ("",) * 6
