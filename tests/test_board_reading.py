"""The example reports read as a police force's performance board reads them (chief
officers, the PCC's office, lay members): no heading that says the same thing twice, no
period written as a code, no column of n/a or rank without a note saying what it means,
and the same finding said once rather than once per measure. Each test renders an example
and asserts the words a board member sees."""

from __future__ import annotations

import re
import shutil
import subprocess
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


@cache
def _league(format: str, lang: str = "en") -> str:
    from perfcore.pipeline import evaluate_plan, league_plan, load_data, load_plan, score_plan
    from perfcore.report.league_render import render_league
    plan = load_plan(ROOT / "examples/national/plan.toml")
    ev = evaluate_plan(plan, load_data(plan), organisation="all")
    return render_league(league_plan(plan, ev, score_plan(plan, ev), lang=lang), format)


def _text(plan: str, period: str | None = None, lang: str = "en", **kw: str) -> str:
    return _run(plan, period, lang, **kw).render("text")


def _html(plan: str, period: str | None = None, lang: str = "en", **kw: str) -> str:
    return _run(plan, period, lang, **kw).render("html")


# ------------------------------------------------------------------ roll-up headings

def test_a_roll_up_whose_measures_all_share_its_status_says_how_many_not_the_status_again(
        ) -> None:
    # "Green (2 green)", "Not tested (23 not tested)": the count repeated the status.
    text = _text("examples/gwent/plan-2020-21.toml")
    assert "Crime Reduction  [Green: both measures]" in text
    assert "2 green" not in text
    assert '<span class="counts">(both measures)</span>' in _html(
        "examples/gwent/plan-2020-21.toml")
    survey = _text("examples/gwent/seed003-victim-satisfaction.toml", "2019-20")
    assert "Supporting Victims  [Not tested: all 23 measures]" in survey
    assert "Outcome: Time of Arrival at Scene  [Not tested: 1 measure]" in survey
    # Qualitative items (objectives, updates) are items, not measures; a mixed roll-up
    # still counts each status.
    items = _text("examples/gwent/seed000-priorities.toml", "Q3 2021-22")
    assert "Crime Prevention  [Not assessed: both items]" in items
    assert "[Neutral: 1 neutral, 1 no data, 6 not assessed]" in items
    cy = _text("examples/gwent/plan-2020-21.toml", lang="cy")
    assert "Lleihau Troseddu  [Gwyrdd: y ddau fesur]" in cy


# ------------------------------------------------------------------ periods in words

def test_months_and_runs_of_months_are_named_in_column_headings_and_reasons() -> None:
    # "2020-06 | 2021-12" read as financial years beside a heading saying "December
    # 2021"; "2012-04 to 2012-12" beside "April–December 2013".
    dec = _text("examples/gwent/seed000-priorities.toml", "December 2021",
                previous="June 2020")
    assert "Gwent — December 2021\n" in dec
    assert "Measure                        June 2020  December 2021  18-month change" in dec
    assert "2021-12" not in dec and "2020-06" not in dec
    runs = _html("examples/gwent/seed002-delivery-plan-2013-14.toml",
                 "April 2013 - December 2013")
    assert '<th scope="col">April–December 2012</th>' in runs
    assert "change not tested: no figure for April–December 2012" in runs
    assert "2012-04" not in runs
    cy = _text("examples/gwent/seed000-priorities.toml", "December 2021", "cy",
               previous="June 2020")
    # A heading, capitalised as "Newid blynyddol" is (it read "newid dros 18 mis").
    assert "Mehefin 2020  Rhagfyr 2021  Newid dros 18 mis" in cy
    # So is the league's interval column (it read "cyfwng hyder 95%").
    assert "  Heddlu  " in _league("text", "cy") and "  Cyfwng hyder 95%  " in _league(
        "text", "cy")


def test_a_period_keeps_its_code_where_programs_read_it() -> None:
    from perfcore.periods import Month, MonthRange, parse_period
    run = parse_period("April 2013 - December 2013")
    assert str(run) == "2013-04 to 2013-12" and parse_period(str(run)) == run
    assert isinstance(run, MonthRange) and run.display("cy") == "Ebrill–Rhagfyr 2013"
    assert str(Month(2021, 12)) == "2021-12" and Month(2021, 12).display() == "December 2021"
    json = _run("examples/gwent/seed000-priorities.toml", "December 2021",
                previous="June 2020").render("json")
    assert '"period": "2021-12"' in json and '"previous_period": "2020-06"' in json


# ------------------------------------------------------------------ notes

def test_a_rank_column_is_explained_in_the_notes() -> None:
    # "E&W rank 38th of 43": is 1st the best or the worst, and of what? The league said;
    # a force's report did not. Gwent's total crime is 38th by its change (+19.9%; the
    # league, ranked by change, puts it 38th too), its rate 33rd by value (99.6 per 1,000).
    text = _text("examples/national/plan.toml")
    assert "38th of 43" in text and "33rd of 43" in text
    assert ("  - Rank: 1st is the best in the group (the lowest where lower is better); a "
            "count is ranked by its change, other measures by their value; ties share a "
            "rank.\n") in text
    assert "Rank:" not in _text("examples/gwent/plan-2020-21.toml")  # no rank column
    assert "  - Safle: y 1af yw'r gorau yn y grŵp" in _text("examples/national/plan.toml",
                                                            lang="cy")


def test_a_neutral_measures_rank_says_the_highest_is_first() -> None:
    import warnings

    from perfcore import Dataset, Measure, Outcome, Plan, Priority, evaluate, score
    from perfcore.evaluation import NotAvailableWarning
    from perfcore.organisations import default_registry
    from perfcore.report import build_report
    from perfcore.report.text import render_text
    plan = Plan(id="p", title="P", priorities=[Priority(id="pr", title="Pr", outcomes=[
        Outcome(id="o", statement="O", measures=[
            Measure(id="calls", name="Calls", kind="count", polarity="neutral")])])])
    # Gwent's calls rise 20%, the other Welsh forces' fall: Gwent ranks 1st of 4, highest.
    data = {"Gwent": (10000, 12000), "South Wales": (30000, 27000),
            "North Wales": (15000, 14000), "Dyfed-Powys": (8000, 7600)}
    records = [{"measure": "calls", "organisation": org, "period": p, "value": v}
               for org, pair in data.items()
               for p, v in zip(("2019-20", "2020-21"), pair, strict=True)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        ev = evaluate(plan, Dataset.from_records(records), period="2020-21",
                      compare_with=[default_registry().group("Wales")])
    text = render_text(build_report(ev, score(ev), organisation="Gwent"))
    assert "1st of 4" in text
    assert "  - Rank: 1st is the best in the group" in text
    assert "  - Rank of a neutral measure: 1st is the highest.\n" in text


def test_the_exceptions_are_one_note_naming_the_comparator() -> None:
    # Three notes said "Exception: X is worse than its comparator and deteriorating",
    # without saying which comparator (E&W: Gwent +19.9% against +7.8%, +19.3% per
    # 1,000 against E&W's 88.4, violence +36.0% against +19.8%).
    text = _text("examples/national/plan.toml")
    assert ("  - Exceptions, worse than E&W and deteriorating: Total recorded crime "
            "(excluding fraud), Total recorded crime per 1,000 population, Violence "
            "against the person.\n") in text
    assert text.count("Exception") == 1
    cy = _text("examples/national/plan.toml", lang="cy")
    assert "  - Eithriadau, yn waeth na'r grŵp cymharu (Cymru a Lloegr) ac yn dirywio: " in cy


def test_a_period_column_without_a_figure_for_any_measure_is_explained_once() -> None:
    # Seed 003's survey gives 2019-20 only: the 2018-19 and change columns were n/a in
    # all 23 rows, and the text report said nothing of why.
    text = _text("examples/gwent/seed003-victim-satisfaction.toml", "2019-20")
    assert text.count("  - 2018-19: no figure for any measure, so no change could be "
                      "worked out.\n") == 1
    html = _html("examples/gwent/seed003-victim-satisfaction.toml", "2019-20")
    assert "<li>2018-19: no figure for any measure, so no change could be worked out.</li>" \
        in html
    # Seed 002's April-December 2013 report: the 2012 months are in no measure's data.
    runs = _text("examples/gwent/seed002-delivery-plan-2013-14.toml",
                 "April 2013 - December 2013")
    assert "  - April–December 2012: no figure for any measure, so no change" in runs
    # A column with one figure (seed 003's 2018-19 arrest rate, 29.8%) needs no note.
    derived = _text("examples/gwent/seed003-derived.toml", "2019-20")
    assert "29.8%" in derived and "no figure for any measure" not in derived
    assert "no figure for any measure" not in _text("examples/gwent/plan-2020-21.toml")
    cy = _text("examples/gwent/seed003-victim-satisfaction.toml", "2019-20", "cy")
    assert "  - 2018-19: dim ffigur ar gyfer unrhyw fesur, felly ni ellid cyfrifo newid.\n" in cy


def test_an_earlier_period_without_any_figure_is_noted_without_the_change() -> None:
    from perfcore import Dataset, Measure, Outcome, Plan, Priority, evaluate, score
    from perfcore.report import build_report
    from perfcore.report.text import render_text
    plan = Plan(id="p", title="P", priorities=[Priority(id="pr", title="Pr", outcomes=[
        Outcome(id="o", statement="O", measures=[
            Measure(id="crime", name="Crime", kind="count", polarity="lower")])])])
    records = [{"measure": "crime", "organisation": "Gwent", "period": p, "value": v}
               for p, v in (("2019-20", 57116), ("2020-21", 48618))]
    ev = evaluate(plan, Dataset.from_records(records), period="2020-21",
                  history_periods=["2018-19"])
    text = render_text(build_report(ev, score(ev)))
    assert "2018-19  2019-20  2020-21" in text and "-14.9%" in text
    assert "  - 2018-19: no figure for any measure.\n" in text
    assert "2019-20: no figure" not in text


def test_a_reason_every_measure_shares_counts_them_instead_of_listing_each() -> None:
    # Seed 003's CSEW table: the note listed all eight measures by name after saying
    # why none was tested; a reason some share still names them.
    text = _text("examples/gwent/seed003-csew-confidence.toml")
    assert ("  - Not tested (the two periods overlap, so they are not independent samples): "
            "all 8 measures.\n") in text
    assert "Community understanding, Confidence" not in text
    some = _text("examples/gwent/seed002-delivery-plan-2013-14.toml", "12 months to Dec 2013")
    assert ("  - Not tested (no denominator or sample size): Victim satisfaction: crime, "
            "Victim satisfaction with being kept informed: crime, Victim satisfaction: ASB, "
            "Being Kept Informed: ASB.\n") in some
    cy = _text("examples/gwent/seed003-csew-confidence.toml", lang="cy")
    assert "): pob un o'r 8 mesur.\n" in cy


def test_an_outcome_without_measures_is_not_read_as_a_plan_without_measures() -> None:
    # "Deliver Medium Term Financial Plan (no measures in the plan)" read as the
    # financial plan having no measures.
    q3 = "Q3 2021-22"
    html = _html("examples/gwent/seed000-priorities.toml", q3)
    assert ("Deliver Medium Term Financial Plan</h3>\n"
            '<p class="meta">(the plan gives this outcome no measures)</p>') in html
    assert "(nid yw'r cynllun yn rhoi mesurau i'r canlyniad hwn)" in _text(
        "examples/gwent/seed000-priorities.toml", q3, "cy")


# ------------------------------------------------------------------ charts

def test_a_peer_chart_of_changes_is_titled_as_the_table_names_the_change_with_its_unit(
        ) -> None:
    # "change on the year" beside a column headed "Annual change", and bars marked 19.9
    # for the table's "+19.9%": the unit was nowhere on the chart.
    page = _html("examples/national/plan.toml")
    assert ('class="peer-heading">Total recorded crime (excluding fraud): Annual change (%) '
            "— Wales</text>") in page
    assert "change on the year" not in page
    assert ">Total recorded crime (excluding fraud): Annual change (%)</text>" in _league(
        "html")
    cy = _html("examples/national/plan.toml", lang="cy")
    assert ">Cyfanswm y troseddau a gofnodwyd (ac eithrio twyll): Newid blynyddol (%) — " \
        "Cymru</text>" in cy


def test_a_peer_chart_of_proportions_says_they_are_per_cent() -> None:
    import warnings

    from perfcore import Dataset, Measure, Outcome, Plan, Priority, evaluate
    from perfcore.evaluation import NotAvailableWarning
    from perfcore.organisations import default_registry
    from perfcore.report import build_report
    plan = Plan(id="p", title="P", priorities=[Priority(id="pr", title="Pr", outcomes=[
        Outcome(id="o", statement="O", measures=[
            Measure(id="solved", name="Solved", kind="proportion", polarity="higher")])])])
    shares = {"Gwent": (120, 1000), "South Wales": (300, 3000), "North Wales": (140, 1000),
              "Dyfed-Powys": (90, 800)}
    records = [{"measure": "solved", "organisation": org, "period": p, "numerator": n,
                "denominator": d} for org, (n, d) in shares.items()
               for p in ("2019-20", "2020-21")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotAvailableWarning)
        ev = evaluate(plan, Dataset.from_records(records), period="2020-21",
                      compare_with=[default_registry().group("Wales")])
    (chart,) = build_report(ev, organisation="Gwent").rows()[0].peers
    assert chart.title == "Solved (%) — Wales"
    assert sorted(round(v, 1) for v in chart.values) == [10.0, 11.2, 12.0, 14.0]


def test_a_negative_bars_value_is_written_after_the_bar_not_over_it() -> None:
    # Theft offences in Wales (national example): South Wales -1.5%, interval to -0.3%;
    # its label was placed after the interval's end, over the bar, its minus sign lost in
    # the bar's grey.
    from perfcore.report.charts import peer_chart_svg
    svg = peer_chart_svg(["South Wales", "Gwent"], [-1.5, -0.4], highlight="Gwent", title="T",
                         lower=[-3.3, -2.6], upper=[-0.3, 1.7], decimals=1)
    bars = {t: (float(x), float(w)) for x, w, t in re.findall(
        r'<rect class="peer-bar[^"]*" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*>'
        r"<title>([^:]*):", svg)}
    labels = {v: float(x) for x, v in re.findall(
        r'<text x="([\d.]+)"[^>]*class="peer-value"[^>]*>([^<]*)<', svg)}
    x, width = bars["South Wales"]
    assert labels["-1.5"] >= x + width + 5  # after zero, where the bar ends
    gx, gw = bars["Gwent"]
    assert labels["-0.4"] > gx + gw + 20  # after its interval, which reaches +1.7


def test_the_group_average_line_passes_behind_the_members_values() -> None:
    # Welsh forces' changes to December 2019: South Wales's 3.6 sat on the group
    # average's dashed line (5.3), which was drawn over it.
    from perfcore.report.charts import peer_chart_svg
    svg = peer_chart_svg(["Gwent", "South Wales", "North Wales", "Dyfed-Powys"],
                         [2.6, 3.6, 5.2, 18.6], highlight="Gwent", title="T",
                         lower=[1.4, 2.7, 3.9, 16.6], upper=[3.8, 4.6, 6.5, 20.6],
                         average=5.3, decimals=1)
    line = svg.index('class="peer-average"')
    values = [m.start() for m in re.finditer('class="peer-value"', svg)]
    bars = [m.start() for m in re.finditer('class="peer-bar', svg)]
    assert len(values) == 4 and min(values) > line > max(bars)


def test_a_sparkline_writes_its_numbers_as_the_table_beside_it_does() -> None:
    # Seed 001 prints 58577 ([display] thousands = false); its Trend sparkline said
    # "58,577" in the same row.
    page = _html("examples/gwent/plan-2020-21.toml")
    assert '<th scope="row">All Crime Trend</th><td><span class="nw">58577</span>' in page
    assert 'class="spark-max">58577</text>' in page
    assert "All Crime Trend: 58577 in 2018-19 to 48618 in 2020-21" in page
    assert "58,577" not in page
    # A report with separators keeps them (the monthly example's 60,300 crimes in the
    # 12 months to its busiest month).
    assert 'class="spark-max">60,300</text>' in _html("examples/gwent-monthly/plan.toml")


def test_the_monthly_examples_rebase_notes_point_to_nothing_a_board_cannot_see() -> None:
    # "The data do not say why (see SOURCE.md)": a file of the example's folder, not of
    # the board pack.
    for lang, why in (("en", "The data do not say why."), ("cy", "Nid yw'r data'n dweud pam.")):
        page = _html("examples/gwent-monthly/plan.toml", lang=lang)
        assert "SOURCE.md" not in page
        # Burglary twice, criminal damage once.
        assert page.count(f"{why}</li>".replace("'", "&#x27;")) == 3


# ------------------------------------------------------------------ in a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _measure(page: str, script: str, tmp_path: Path) -> str:
    """What ``script`` writes into ``document.body``'s ``data-out`` once Chromium has laid
    the page out 1280 pixels wide."""
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", f"<script>{script}</script></body>"), "utf-8")
    dom = subprocess.run([CHROMIUM or "chromium", "--headless", "--no-sandbox",
                          "--disable-gpu", "--window-size=1280,1800", "--dump-dom",
                          path.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'data-out="([^"]*)"', dom)
    assert found, "Chromium did not lay the page out"
    return found.group(1)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package "
                    "'chromium'): the browser layout check needs it")
def test_a_roll_ups_counts_stay_on_one_line_and_the_leagues_force_heading_sits_over_names(
        tmp_path: Path) -> None:
    # Seed 002's long priority heading broke its counts "(1 not tested, 3 no | data)";
    # the league's "Force" heading stood right-aligned over left-aligned names.
    page = _html("examples/gwent/seed002-delivery-plan-2013-14.toml", "2013-14")
    lines = _measure(page, """document.body.setAttribute("data-out", Math.max(
        ...[...document.querySelectorAll(".counts")].map(e => e.getClientRects().length)));
        """, tmp_path)
    assert page.count('class="counts"') >= 10 and lines == "1"
    league = _league("html")
    aligns = _measure(league, """const t = document.querySelector(".league table");
        document.body.setAttribute("data-out", [t.querySelector("thead th:nth-child(2)"),
          t.querySelector("tbody th")].map(e => getComputedStyle(e).textAlign).join(","));
        """, tmp_path)
    assert aligns == "left,left"


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package "
                    "'chromium'): the browser layout check needs it")
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_national_report_for_another_period_fits_a_1280_pixel_window(
        lang: str, tmp_path: Path) -> None:
    # The plan's header names "12 months to December 2019": its table of thirteen
    # columns ran 4 pixels (English) and 20 (Welsh) past its wrapper, the Trend column
    # cut at the edge.
    page = _html("examples/national/plan.toml", "12 months to December 2019", lang)
    over = _measure(page, """const w = [...document.querySelectorAll(".table-wrap")];
        document.body.setAttribute("data-out", Math.max(0, ...w.map(
          e => e.scrollWidth - e.clientWidth)));""", tmp_path)
    assert over == "0"
