"""Reports in Welsh and bilingually: the catalogue, plan texts, periods and every renderer.

Welsh terms are cited in src/perfcore/locale/cy/LC_MESSAGES/perfcore.po; these tests check
that every fixed text goes through it and that the layouts follow the Welsh Language
Standards (Welsh first in bilingual reports, ``lang`` attributes for screen readers).
"""

from __future__ import annotations

import gettext
import io
import json
import pickle
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from perfcore.calc.spc import xmr
from perfcore.errors import MissingTranslationError, OptionError, TrialLimitsWarning
from perfcore.evaluation import Evaluation, evaluate
from perfcore.i18n import TextTranslator, parse_languages, translator
from perfcore.organisations import default_registry
from perfcore.periods import parse_period
from perfcore.plugins import i18n_tools as tools
from perfcore.report import Report, build_report
from perfcore.report.charts.spc import render_xmr_svg
from perfcore.report.data import render_csv, render_json
from perfcore.report.html import render_html
from perfcore.report.markdown import render_markdown
from perfcore.report.text import render_text

sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
import seed001_plan

CY_PO = tools.LOCALE_DIR / "cy" / "LC_MESSAGES" / "perfcore.po"

# What a plan file with `title = { en = "...", cy = "..." }` tables gives as
# PlanFile.texts. "Prif Gwnstabl Cynorthwyol" is North Wales PCC's published Welsh for
# Assistant Chief Constable; the other plan texts are this test's own.
SEED_TEXTS = {"cy": {
    "Chief Constable's Delivery Plan 2020/21": "Cynllun Cyflawni'r Prif Gwnstabl 2020/21",
    "Crime Reduction": "Lleihau Troseddu",
    "Assistant Chief Constable": "Prif Gwnstabl Cynorthwyol",
    "Operational Performance Board": "Bwrdd Perfformiad Gweithredol",
    "Operational": "Gweithredol",
    "People of Gwent are less affected by crime": "Mae troseddu'n effeithio llai ar bobl Gwent",
    "All Crime Trend": "Tuedd Pob Trosedd",
    "All Crime Outcome Rates": "Cyfraddau Canlyniadau Pob Trosedd",
    "crimes": "troseddau",
}}


def seed_evaluation() -> Evaluation:
    return evaluate(seed001_plan.PLAN, seed001_plan.dataset(), period="2020-21",
                    organisation="Gwent",
                    compare_with=[seed001_plan.MSG,
                                  default_registry().group("England and Wales")])


def seed_report(lang: str, **options: Any) -> Report:
    options.setdefault("texts", SEED_TEXTS)
    return build_report(seed_evaluation(), lang=lang, **options)


# --- the catalogue -------------------------------------------------------------------


def test_every_message_in_the_source_is_translated_into_welsh() -> None:
    msgids = [m.msgid for m in tools.extract()]
    assert len(msgids) > 80
    assert {"Annual change", "Direction of travel", "MSG", "E&W", "improving", "Green", "June",
            "financial year {year}", "{n} months to {month} {year}",
            "common cause variation", "{change} pp"} <= set(msgids)
    po = tools.read_po(CY_PO)
    assert tools.check_catalogue(po, msgids) == []


def test_shipped_mo_and_template_match_the_sources() -> None:
    # Edit the .po, then run `python -m perfcore.plugins.i18n_tools update`.
    po = tools.read_po(CY_PO)
    assert CY_PO.with_suffix(".mo").read_bytes() == tools.compile_mo(po)
    pot = tools.read_po(tools.LOCALE_DIR / "perfcore.pot")
    assert [m.msgid for m in pot if m.msgid] == [m.msgid for m in tools.extract()]


def test_key_terms_and_their_cited_sources() -> None:
    po = {m.msgid: m for m in tools.read_po(CY_PO)}
    expected = {"E&W": "Cymru a Lloegr", "improving": "yn gwella",
                "deteriorating": "yn dirywio", "Green": "Gwyrdd", "Amber": "Ambr",
                "Red": "Coch", "financial year {year}": "blwyddyn ariannol {year}",
                "{change} pp": "{change} pwynt canran", "Not assessed": "Heb ei asesu"}
    for msgid, msgstr in expected.items():
        assert po[msgid].msgstr == msgstr
        assert any(c.startswith("Source:") for c in po[msgid].auto_comments), msgid
    assert any("UNCERTAIN" in c for c in po["MSG"].auto_comments)


def test_po_files_round_trip_and_compile_for_gettext() -> None:
    messages = [tools.header("cy"),
                tools.Message(msgid='say "hi"\\now', msgstr="dweud\n\"helo\"",
                              comments=("translator",), auto_comments=("Source: x",),
                              references=("a.py", "b.py"), flags=("fuzzy",)),
                tools.Message(msgid="Trend", msgstr="Tuedd")]
    text = tools.write_po(messages)
    assert tools.parse_po(text) == messages
    cat = gettext.GNUTranslations(io.BytesIO(tools.compile_mo(messages)))
    assert cat.gettext("Trend") == "Tuedd"
    assert cat.gettext('say "hi"\\now') == 'say "hi"\\now'  # fuzzy: left out of the .mo
    assert cat.info()["language"] == "cy"


def test_merge_keeps_translations_and_notes_and_adds_new_messages() -> None:
    old = [tools.header("cy"),
           tools.Message(msgid="Trend", msgstr="Tuedd", auto_comments=("Source: S",)),
           tools.Message(msgid="Gone", msgstr="Wedi mynd")]
    pot = [tools.Message(msgid="Trend", references=("x.py",)),
           tools.Message(msgid="New", references=("y.py",))]
    merged = tools.merge(old, pot)
    assert [m.msgid for m in merged] == ["", "Trend", "New"]
    assert merged[1].msgstr == "Tuedd" and merged[1].auto_comments == ("Source: S",)
    assert merged[1].references == ("x.py",)
    assert tools.check_catalogue(merged, ["Trend", "New"]) == ["untranslated: 'New'"]


def test_check_catalogue_catches_changed_placeholders() -> None:
    po = [tools.Message(msgid="{n} points", msgstr="{nifer} pwynt")]
    assert tools.check_catalogue(po, ["{n} points"]) == [
        "placeholders differ: '{n} points' -> '{nifer} pwynt'"]


# --- languages and periods -----------------------------------------------------------


def test_language_values() -> None:
    assert parse_languages("cy") == ("cy",)
    assert parse_languages("en+cy") == ("cy", "en")  # Welsh first
    assert parse_languages("cy+en") == ("cy", "en")
    for bad in ("fr", "en+en", "", "cy+"):
        with pytest.raises(OptionError) as info:
            parse_languages(bad)
        assert info.value.allowed == ("en", "cy", "en+cy")
    with pytest.raises(OptionError, match="'en', 'cy'"):
        translator("fr")


@pytest.mark.parametrize(("text", "english", "welsh"), [
    ("2019-20", "financial year 2019-20", "blwyddyn ariannol 2019-20"),
    ("Q3 2021-22", "Q3 2021-22 (October–December 2021)", "Ch3 2021-22 (Hydref–Rhagfyr 2021)"),
    ("June 2020", "June 2020", "Mehefin 2020"),
    ("CY2020", "calendar year 2020", "blwyddyn galendr 2020"),
    ("12 months to June 2020", "12 months to June 2020 (July 2019 – June 2020)",
     "12 mis hyd at fis Mehefin 2020 (Gorffennaf 2019 – Mehefin 2020)"),
    ("April 2013 - January 2014", "April 2013 – January 2014", "Ebrill 2013 – Ionawr 2014"),
])
def test_period_labels_in_welsh(text: str, english: str, welsh: str) -> None:
    period = parse_period(text)
    assert period.label() == english  # existing callers are unchanged
    assert period.label(lang="cy") == welsh


def test_short_period_names_in_welsh() -> None:
    assert parse_period("12 months to March 2020").display("cy") == "12 mis hyd at fis Mawrth 2020"
    assert str(parse_period("12 months to March 2020")) == "12 months to March 2020"
    assert parse_period("Q1 2020-21").display("cy") == "Ch1 2020-21"
    assert parse_period("2020-21").display("cy") == "2020-21"
    # A run of months by name, as its heading is written (it read "2013-04 i 2014-01").
    assert parse_period("2013-04 to 2014-01").display("cy") == "Ebrill 2013 – Ionawr 2014"


# --- seed 001 in Welsh -----------------------------------------------------------------

class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.langs: list[tuple[str, str]] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_style = tag == "style"
        for k, v in attrs:
            if k == "lang" and v:
                self.langs.append((tag, v))

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style:  # CSS is not text a reader sees
            self.parts.append(data)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-zÀ-ÿŵŷŴŶ']+", text))


def _json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        # Ids, keys and codes are identifiers for programs, not text for readers.
        return [s for k, v in value.items() if k not in ("id", "key", "code")
                for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def _visible(fmt: str, report: Report) -> str:
    if fmt == "text":
        return render_text(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        parser = _Text()
        parser.feed(render_html(report))
        return " ".join(parser.parts)
    data = json.loads(render_json(report))
    # Methods and codes are identifiers for programs, documented as not translated.
    for section in data["sections"]:
        for outcome in section["outcomes"]:
            for m in outcome["measures"]:
                for f in m["figures"].values():
                    # A recorded value's source is the data's own provenance text, shown
                    # as the data file gives it.
                    if f["method"] == "as recorded":
                        del f["source"]
                    del f["method"], f["reasons"]
                del m["kind"], m["polarity"]
    return " ".join(_json_strings(data))


# Proper names and data values that a Welsh report keeps as they are.
_KEPT = {"Gwent", "msg", "W", "K",  # "msg_W15000002", "K04000001": group ids
         "a",  # Welsh for "and" ("cyfrifon, cyfraddau a symiau")
         # English forces in the MSG note keep their names in Welsh text.
         "Cleveland", "Humberside", "Lancashire", "Merseyside", "Northumbria",
         "Nottinghamshire"}


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_seed_001_in_welsh_has_no_english_left(fmt: str) -> None:
    welsh = _visible(fmt, seed_report("cy"))
    english = _visible(fmt, seed_report("en"))
    # Every English word of the English report, less proper names and data values, must
    # be gone from the Welsh one: the fixed labels and the plan texts are all translated.
    left = (_words(english) - _KEPT) & _words(welsh)
    assert left == set(), f"English left in the {fmt} report: {sorted(left)}"
    for phrase in ("Newid blynyddol", "Cyfeiriad y newid", "Cymru a Lloegr", "yn gwella",
                   "blwyddyn ariannol 2020-21", "Tuedd Pob Trosedd", "Lleihau Troseddu",
                   "Nodiadau" if fmt != "json" else "pwyntiau canran"):
        assert phrase in welsh, (fmt, phrase)


def test_seed_001_welsh_figures_are_the_english_figures() -> None:
    rows = [" ".join(line.split()) for line in render_text(seed_report("cy")).splitlines()]
    # seed 001: 57116 → 48618, -14.9%, ↓; MSG and E&W -14.1% (similar: "tebyg")
    assert ("Tuedd Pob Trosedd 57116 48618 -14.9% ↓ yn gwella -14.1% (tebyg) "
            "-14.1% (tebyg)") in rows
    # The outcome rate, tested on its base (the year's crimes), is better than both groups.
    assert ("Cyfraddau Canlyniadau Pob Trosedd 11.8% 15.9% +4.1 pwynt canran ↑ yn gwella "
            "15.0% (gwell) 14.3% (gwell)") in rows


def test_welsh_html_declares_its_language() -> None:
    page = render_html(seed_report("cy"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="cy">')
    assert "<h1>Cynllun Cyflawni&#x27;r Prif Gwnstabl 2020/21</h1>" in page


# --- bilingual reports -----------------------------------------------------------------


def test_bilingual_text_and_markdown_put_welsh_first() -> None:
    report = seed_report("en+cy")
    assert report.languages == ("cy", "en")
    for out in (render_text(report), render_markdown(report)):
        assert out.index("Lleihau Troseddu") < out.index("Crime Reduction")
        assert out.index("Newid blynyddol") < out.index("Annual change")
        assert out.count("57116") == 2


def test_bilingual_html_marks_each_language() -> None:
    page = render_html(seed_report("en+cy"))
    parser = _Text()
    parser.feed(page)
    assert parser.langs[0] == ("html", "cy")
    divs = [v for tag, v in parser.langs if tag == "div"]
    assert divs == ["cy", "en"]
    assert page.index('<div lang="cy"') < page.index("Lleihau Troseddu") \
        < page.index('<div lang="en"') < page.index("Crime Reduction")
    assert '<a href="#lang-en" lang="en" hreflang="en">English</a>' in page
    assert '<a href="#lang-cy" lang="cy" hreflang="cy">Cymraeg</a>' in page


def test_bilingual_json_has_labels_in_both_languages() -> None:
    data = json.loads(render_json(seed_report("en+cy")))
    assert data["languages"] == ["cy", "en"] and data["lang"] == "cy+en"
    assert data["title"] == {"cy": "Cynllun Cyflawni'r Prif Gwnstabl 2020/21",
                             "en": "Chief Constable's Delivery Plan 2020/21"}
    assert list(data["title"]) == ["cy", "en"]  # Welsh first here too
    change = next(c for c in data["columns"] if c["key"] == "change")
    assert change["heading"] == {"cy": "Newid blynyddol", "en": "Annual change"}
    m = data["sections"][0]["outcomes"][0]["measures"][1]
    assert m["name"] == {"cy": "Cyfraddau Canlyniadau Pob Trosedd",
                         "en": "All Crime Outcome Rates"}
    fig = m["figures"]["change"]
    assert fig["display"] == {"cy": "+4.1 pwynt canran", "en": "+4.1 pp"}
    assert fig["value"] == pytest.approx(4.1) and fig["method"] == "pp_change"
    assert m["figures"]["dot"]["label"] == {"cy": "yn gwella", "en": "improving"}
    assert data["period_label"] == {"cy": "blwyddyn ariannol 2020-21",
                                    "en": "financial year 2020-21"}
    single = json.loads(render_json(seed_report("cy")))
    assert single["languages"] == ["cy"] and single["title"].startswith("Cynllun")


def test_bilingual_csv_repeats_text_columns_per_language() -> None:
    # Headings in each language, suffixed with its code; shared columns in the first's.
    lines = render_csv(seed_report("en+cy")).splitlines()
    assert lines[0] == ("blaenoriaeth_cy,priority_en,canlyniad_cy,outcome_en,mesur,ffigur,"
                        "gwerth,dangos_cy,display_en,dull,ffynhonnell_cy,source_en")
    assert render_csv(seed_report("cy")).splitlines()[0] == (
        "blaenoriaeth,canlyniad,mesur,ffigur,gwerth,dangos,dull,ffynhonnell")
    assert any(line.startswith("Lleihau Troseddu,Crime Reduction,") and
               ",+4.1 pwynt canran,+4.1 pp," in line for line in lines)


# --- plan texts: missing translations ----------------------------------------------------


def test_missing_translation_raises_a_named_error_listing_every_text() -> None:
    texts = {"cy": {k: v for k, v in SEED_TEXTS["cy"].items()
                    if k not in ("All Crime Trend", "Crime Reduction")}}
    with pytest.raises(MissingTranslationError) as info:
        seed_report("en+cy", texts=texts)
    err = info.value
    assert isinstance(err, LookupError)
    assert err.lang == "cy"
    assert err.missing == (("Crime Reduction", "priority 'crime_reduction' title"),
                           ("All Crime Trend", "measure 'all_crime' name"))
    assert "measure 'all_crime' name: 'All Crime Trend'" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert again.missing == err.missing and str(again) == str(err)
    with pytest.raises(MissingTranslationError):
        seed_report("cy", texts=None)
    seed_report("en", texts=None)  # English needs no translations


def test_fallback_marker_is_visible() -> None:
    texts = {"cy": {k: v for k, v in SEED_TEXTS["cy"].items() if k != "All Crime Trend"}}
    out = render_text(seed_report("cy", texts=texts, fallback="mark"))
    assert "[yn Saesneg] All Crime Trend" in out
    both = render_text(seed_report("en+cy", texts=texts, fallback="mark"))
    assert both.count("All Crime Trend") == 2  # marked in Welsh, plain in English
    assert "[in English]" not in both
    with pytest.raises(OptionError):
        seed_report("cy", fallback="silent")  # type: ignore[arg-type]


def test_plan_texts_then_plugin_catalogues() -> None:
    cat = gettext.GNUTranslations(io.BytesIO(tools.compile_mo(
        [tools.header("cy"), tools.Message(msgid="MARAC referrals",
                                           msgstr="Atgyfeiriadau MARAC"),
         tools.Message(msgid="Plan", msgstr="o'r catalog")])))
    tr = TextTranslator("cy", {"cy": {"Plan": "Cynllun"}}, catalogues=[cat])
    assert tr("Plan", "plan title") == "Cynllun"  # the plan's own translation wins
    assert tr("MARAC referrals", "measure name") == "Atgyfeiriadau MARAC"
    assert tr("South Wales", "organisation name", required=False) == "South Wales"
    assert tr("", "lead") == ""
    assert tr("Other", "board") == "Other"
    assert tr.missing == [("Other", "board")]


# --- SPC charts ----------------------------------------------------------------------------


def test_spc_chart_words_in_welsh() -> None:
    values = [10, 11, 9, 10, 12, 11, 10, 9, 11, 10, 30, 10]
    # 12 points are trial limits (NHSRplotthedots 0.2.2: n() < 13, see test_spc.py).
    with pytest.warns(TrialLimitsWarning):
        chart = xmr(values, improvement="decrease", target=12.0)
    svg = render_xmr_svg(chart, title="Teitl",
                         labels=[f"2020-{m:02d}" for m in range(1, 13)], lang="cy")
    assert "Amrywiad: " in svg and "Sicrwydd" in svg and "Targed 12" in svg
    assert "siart XmR o 12 pwynt o 2020-01 i 2020-12." in svg
    text = _Text()
    text.feed(svg)
    assert not {"Variation", "Assurance", "Target", "points", "cause", "mean"} & _words(
        " ".join(text.parts))
    english = render_xmr_svg(chart, title="T")
    assert "Variation: " in english and "Target 12" in english


# --- the command line ------------------------------------------------------------------


def test_cli_rejects_an_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    from perfcore.cli import main
    assert main(["report", "plan.toml", "--period", "2020-21", "--lang", "fr"]) == 1
    err = capsys.readouterr().err
    assert "--lang='fr' is not allowed; use one of: 'en', 'cy', 'en+cy'" in err


def test_cli_report_in_welsh_uses_the_plan_texts(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from perfcore.cli import main
    gwent = Path(__file__).parents[1] / "examples" / "gwent"
    plan = gwent / "plan-2020-21.toml"  # gives its texts in English and Welsh
    assert main(["report", str(plan), "--lang", "en+cy", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.index("# Cynllun Cyflawni'r Prif Gwnstabl") < out.index("# Chief Constable")
    # The same plan with its texts in English only: a Welsh report names what is missing,
    # or shows it behind the visible marker when asked to.
    english = tmp_path / "plan.toml"
    text = plan.read_text("utf-8")
    text = re.sub(r'\{ en = ("[^"]*"), cy = "[^"]*" \}', r"\1", text)
    english.write_text(text, "utf-8")
    # Its data beside it: a plan reads data from its own folder (or project) only.
    shutil.copytree(gwent / "data", tmp_path / "data")
    assert main(["report", str(english), "--lang", "cy"]) == 1
    assert "have no 'cy' translation" in capsys.readouterr().err
    assert main(["report", str(english), "--lang", "cy", "--translation-fallback",
                 "mark"]) == 0
    assert "[yn Saesneg] All Crime Trend" in capsys.readouterr().out


def test_cli_spc_chart_in_welsh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from perfcore.cli import main
    csv = tmp_path / "series.csv"
    csv.write_text("month,count\n" + "".join(f"2020-{m:02d},{10 + m % 3}\n"
                                            for m in range(1, 13)))
    assert main(["spc", str(csv), "--format", "html", "--lang", "cy"]) == 0
    page = capsys.readouterr().out
    assert page.startswith('<!DOCTYPE html>\n<html lang="cy">') and "Amrywiad: " in page
    assert main(["spc", str(csv), "--lang", "en+cy"]) == 1
    assert "--lang='en+cy' is not allowed; use one of: 'en', 'cy'" in capsys.readouterr().err
