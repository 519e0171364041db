"""Public editions of a report (`perfcore report --public`, `[report] public = true`):
small counts withheld with everything that would reveal them, internal commentary and
sources dropped, and the notes saying so in every format. The plan is
tests/data/public/plan.toml: serious violence (30, 28, 14) = homicide (2, 1, 3) + knife
crime (20, 18, 4) + gun crime (8, 9, 7), a robbery rate on 12, 9 and 3 robberies and a
hate crime outcome rate on 10/52, 8/47 and 2/40."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import perfcore
from perfcore.cli import main
from perfcore.codes import SuppressionReason
from perfcore.dataset import Dataset, IncompletePeriodWarning
from perfcore.errors import OptionError, PlanValidationError
from perfcore.evaluation import evaluate
from perfcore.model import Measure, Outcome, Plan, Priority
from perfcore.report import Report, build_report, public_edition
from perfcore.report.model import Row

PLAN = Path(__file__).parent / "data" / "public" / "plan.toml"
PARTS = ("homicide", "knife_crime", "gun_crime")
PERIODS = ("history:2018-19", "previous", "current")
FORMATS = ("text", "markdown", "html", "json", "csv")
COMMENTARY = "Operation Kestrel"
PRIMARY, SECONDARY, DERIVED = (SuppressionReason.PRIMARY, SuppressionReason.SECONDARY,
                               SuppressionReason.DERIVED)


@pytest.fixture(scope="module")
def internal() -> perfcore.pipeline.Run:
    return perfcore.run(PLAN)


@pytest.fixture(scope="module")
def public(internal: perfcore.pipeline.Run) -> Report:
    return perfcore.pipeline.report_plan(internal.plan_file, internal.evaluation,
                                         internal.scores, public=True)


def _rows(report: Report) -> dict[str, Row]:
    return {r.measure.id: r for r in report.rows()}


def _reasons(report: Report) -> dict[tuple[str, str], SuppressionReason]:
    return {(r.measure.id, c.key): c.suppressed for r in report.rows() for c in r.cells
            if c.suppressed is not None}


def test_primary_suppression_alone_would_leak_a_part_of_the_total(
        internal: perfcore.pipeline.Run) -> None:
    rows = _rows(internal.report)
    value = {(m, k): rows[m].cell(k).value for m in ("violence", *PARTS) for k in PERIODS}
    # 2018-19: homicide (2) is the only count below 5. Withheld alone, the total less
    # the parts shown gives it back.
    assert [value[(p, "history:2018-19")] for p in PARTS] == [2, 20, 8]
    assert value[("violence", "history:2018-19")] - 20 - 8 == 2
    # Knife crime this year (4): withheld alone, last year's 18 and the -77.8% change
    # give it back.
    change = rows["knife_crime"].cell("change").value
    assert change is not None and round(18 * (1 + change / 100)) == 4


def test_no_withheld_count_can_be_worked_out_in_the_public_edition(public: Report) -> None:
    rows, why = _rows(public), _reasons(public)
    for key in PERIODS:
        hidden = [p for p in PARTS if rows[p].cell(key).suppressed is not None]
        assert len(hidden) != 1  # the total less the parts shown is never one count
    # The homicide counts are primary; gun crime, the next smallest part, is withheld
    # with them in 2018-19 and 2019-20; this year knife crime (4) is primary too, so
    # gun crime (7) is shown.
    assert all(why[("homicide", k)] == PRIMARY for k in PERIODS)
    assert why[("gun_crime", "history:2018-19")] == why[("gun_crime", "previous")] == SECONDARY
    assert why[("knife_crime", "current")] == PRIMARY
    assert ("gun_crime", "current") not in why and ("violence", "current") not in why
    # A change is withheld with either of its values: current − change gives nothing.
    for m in PARTS:
        assert why[(m, "change")] == DERIVED
    assert ("violence", "change") not in why


def test_rates_and_proportions_on_small_counts_are_withheld(public: Report) -> None:
    why = _reasons(public)
    # 3 robberies and 2 positive outcomes this year: below 5; 12, 9, 10 and 8 are not.
    for m in ("robbery_rate", "hate_outcomes"):
        assert why[(m, "current")] == why[(m, "change")] == DERIVED
        assert (m, "previous") not in why and (m, "history:2018-19") not in why


def test_a_withheld_change_takes_its_arrow_and_caveats_with_it(
        internal: perfcore.pipeline.Run, public: Report) -> None:
    # Knife crime 18 -> 4: the change (-77.8%) is withheld, so its arrow (down) would still
    # give away the sign, and "‡ low count: Knife crime" would narrow the withheld 4.
    assert [(c.key, c.text) for c in _rows(internal.report)["knife_crime"].cells
            if c.key in ("change", "dot")] == [("change", "-77.8%"), ("dot", "↓")]
    cells = {c.key: c for c in _rows(public)["knife_crime"].cells}
    assert (cells["dot"].text, cells["dot"].suppressed) == ("*", DERIVED)
    assert all(c.flags == () for c in cells.values())
    # Violence (28 -> 14) keeps its figures and its arrow.
    assert [c.text for c in _rows(public)["violence"].cells if c.key == "dot"] == ["↓"]
    # The caveat notes named only measures that now have withheld figures: both go.
    assert any(n.startswith("‡") and "Knife crime" in n for n in internal.report.notes)
    assert not any(n.startswith(("†", "‡")) for n in public.notes)


def test_a_withheld_cell_has_no_value_and_says_why(public: Report) -> None:
    cell = _rows(public)["homicide"].cell("current")
    assert cell.text == "*" and cell.value is None and cell.count is None
    assert cell.label == "withheld: a count below 5" and cell.flags == ()
    row = _rows(public)["homicide"]
    assert row.history == () and row.status_reasons == (
        "reasons not shown: they cite withheld figures",)
    assert row.status is not None  # the judgement stays; the figures behind it do not


def test_the_symbol_can_say_less_than_the_threshold(
        internal: perfcore.pipeline.Run) -> None:
    report = public_edition(internal.report, symbol="<n",
                            totals=internal.plan_file.report.totals)
    rows = _rows(report)
    assert rows["homicide"].cell("current").text == "<5"
    # A complementary or derived figure is not below the threshold: it stays "*".
    assert rows["gun_crime"].cell("previous").text == "*"
    assert rows["hate_outcomes"].cell("current").text == "*"
    with pytest.raises(OptionError, match="symbol"):
        public_edition(internal.report, symbol="#")


def test_a_higher_threshold_withholds_more(internal: perfcore.pipeline.Run) -> None:
    report = public_edition(internal.report, threshold=10,
                            totals=internal.plan_file.report.totals)
    why = _reasons(report)
    assert why[("gun_crime", "current")] == PRIMARY  # 7 < 10
    assert report.disclosure is not None and report.disclosure.threshold == 10
    assert "counts below 10 are withheld" in " ".join(report.notes)


def test_a_public_edition_is_made_once(public: Report) -> None:
    with pytest.raises(OptionError, match="public edition already"):
        public_edition(public)


def test_the_notes_say_what_was_withheld_and_why(public: Report) -> None:
    notes = "\n".join(public.notes)
    assert "counts below 5 are withheld (*)" in notes
    assert ("Figures withheld: 18. Counts below 5 (primary): 4; complementary figures, so "
            "that a total cannot reveal them (secondary): 2; figures computed from a "
            "withheld count, such as a change, rate or proportion (derived): 12.") in notes
    assert ("Measures with figures withheld: Homicide, Knife crime, Gun crime, Robbery of "
            "business property per 100,000, Hate crime positive outcome rate.") in notes
    assert public.disclosure is not None
    assert dict(public.disclosure.withheld) == {"primary": 4, "secondary": 2, "derived": 12}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_symbol_and_the_notes_and_no_internal_field(
        internal: perfcore.pipeline.Run, public: Report, fmt: str) -> None:
    text = perfcore.render(public, fmt)
    assert "Figures withheld: 18." in text and "*" in text
    assert COMMENTARY not in text and "restricted/" not in text
    # The internal edition has them all.
    whole = perfcore.render(internal.report, fmt)
    if fmt in ("html", "json"):  # the formats that show status reasons
        assert COMMENTARY in whole
        assert "Review published in the annual report" in text  # evidence is public
    if fmt in ("json", "csv"):  # the formats that show sources
        assert "restricted/violence-extract.csv" in whole


def test_json_carries_the_reason_and_no_value(public: Report) -> None:
    doc = json.loads(perfcore.render(public, "json"))
    assert doc["schema_version"] == "2.2"
    assert doc["disclosure"] == {"threshold": 5, "symbol": "*", "charts": 5,
                                 "withheld": {"primary": 4, "secondary": 2, "derived": 12}}
    measures = {m["id"]: m for m in doc["sections"][0]["outcomes"][0]["measures"]}
    cell = measures["homicide"]["figures"]["current"]
    assert cell["suppressed"] == "primary" and cell["value"] is None
    assert cell["display"] == "*" and cell["source"] == ""
    assert measures["gun_crime"]["figures"]["previous"]["suppressed"] == "secondary"
    assert measures["violence"]["figures"]["current"] == {
        **measures["violence"]["figures"]["current"], "value": 14.0, "suppressed": None}


def test_csv_adds_the_reason_and_ends_with_the_notes(public: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(perfcore.render(public, "csv"))))
    cell = next(r for r in rows if r["measure"] == "homicide" and r["figure"] == "current")
    assert cell["suppressed"] == "primary" and cell["value"] == "" and cell["display"] == "*"
    notes = [r["display"] for r in rows if r["figure"] == "note"]
    assert notes == list(public.notes)


def test_a_bilingual_public_edition_withholds_the_same_cells_in_each_language(
        internal: perfcore.pipeline.Run) -> None:
    both = perfcore.pipeline.report_plan(internal.plan_file, internal.evaluation,
                                         internal.scores, lang="en+cy", fallback="mark",
                                         public=True)
    welsh, english = both.versions()
    assert _reasons(welsh) == _reasons(english)
    assert len(welsh.notes) == len(english.notes) and welsh.notes != english.notes
    doc = json.loads(perfcore.render(both, "json"))
    assert doc["notes"]["en"][-1] == english.notes[-1]
    assert doc["disclosure"]["withheld"] == {"primary": 4, "secondary": 2, "derived": 12}


# --------------------------------------------------------------------------- the plan


def test_the_plan_can_ask_for_a_public_edition(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.toml"
    text = PLAN.read_text("utf-8").replace('period = "2020-21"\ntotals',
                                           'period = "2020-21"\npublic = true\n'
                                           'threshold = 4\nsymbol = "<n"\ntotals')
    plan.write_text(text, "utf-8")
    (tmp_path / "data.csv").write_text((PLAN.parent / "data.csv").read_text("utf-8"))
    pf = perfcore.load_plan(plan)
    assert (pf.report.public, pf.report.threshold, pf.report.symbol) == (True, 4, "<n")
    assert main(["report", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "<4" in out and "counts below 4 are withheld (<4, *)" in out
    assert main(["report", str(plan), "--no-public"]) == 0
    assert "withheld" not in capsys.readouterr().out


@pytest.mark.parametrize(("setting", "message"), [
    ("public = 1", "report.public: must be true or false"),
    ("threshold = 0", "report.threshold: must be a whole number of at least 1"),
    ('symbol = "~"', "report.symbol: must be one of *, <n"),
    ('totals = { violence = ["homicide", "knife_crme"] }',
     "no measure 'knife_crme' in the plan; did you mean 'knife_crime'?"),
    ('totals = { violence = ["homicide", "robbery_rate"] }',
     "measure 'robbery_rate' is a rate measure: totals add up counts"),
    ('totals = { violence = ["homicide"] }', "two or more part measure ids"),
])
def test_public_settings_are_checked(setting: str, message: str) -> None:
    text = PLAN.read_text("utf-8").replace(
        'totals = { violence = ["homicide", "knife_crime", "gun_crime"] }', setting)
    with pytest.raises(PlanValidationError) as info:
        perfcore.loads_plan(text, base_dir=PLAN.parent)
    assert message in str(info.value)


def test_commentary_internal_is_for_qualitative_items_and_a_boolean() -> None:
    text = PLAN.read_text("utf-8").replace("commentary_internal = true",
                                           'commentary_internal = "yes"')
    with pytest.raises(PlanValidationError, match="commentary_internal: must be true or"):
        perfcore.loads_plan(text, base_dir=PLAN.parent)
    pf = perfcore.load_plan(PLAN)
    assert pf.manual["gang_review"].commentary_internal


# --------------------------------------------------------------------------- the command


def test_cli_public_prints_the_symbol_and_the_notes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(PLAN), "--public", "--symbol", "<n"]) == 0
    out = capsys.readouterr().out
    homicide = next(line for line in out.splitlines() if line.strip().startswith("Homicide"))
    assert homicide.split()[1:5] == ["<5", "<5", "<5", "*"]
    assert "Figures withheld: 18." in out and "counts below 5 are withheld (<5, *)" in out
    assert COMMENTARY not in out


def test_cli_threshold_without_a_public_edition_is_an_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(PLAN), "--threshold", "10"]) == 1
    assert "applies to a public edition only" in capsys.readouterr().err


# --------------------------------------------------------------------------- SPC charts


def test_caveat_notes_drop_a_withheld_measure_by_id_whatever_its_name_holds() -> None:
    # A name with ", " and ": " in it: the public edition once took the rendered note
    # apart at those, found no measure called "under 18s" or "with injury" among the
    # withheld, and so kept the note naming the knife crime whose 2 it withholds.
    knife = Measure(id="knife_crime", name="Knife crime: under 18s, with injury",
                    kind="count", polarity="lower")
    arson = Measure(id="arson", name="Arson", kind="count", polarity="lower")
    plan = Plan(id="p", title="Small numbers", priorities=[Priority(id="p", title="P", outcomes=[
        Outcome(id="o", statement="S", measures=[knife, arson])])])
    data = Dataset.from_records([
        {"measure": m, "organisation": "Gwent", "period": p, "value": v}
        for m, values in (("knife_crime", (8, 2)), ("arson", (6, 7)))
        for p, v in zip(("2019-20", "2020-21"), values, strict=True)])
    internal = build_report(evaluate(plan, data, period="2020-21"))
    # Both previous values are below 10 (small base, †) and both counts (‡).
    small = "† Small base (previous value below 10): the % change is unstable: "
    low = "‡ Low count (fewer than 10 events): the figure moves by chance: "
    names = "Knife crime: under 18s, with injury, Arson."
    assert {small + names, low + names} <= set(internal.notes)
    assert [(f.flag, [m.id for m in f.measures]) for f in internal.flag_notes] == [
        ("small_base", ["knife_crime", "arson"]), ("low_count", ["knife_crime", "arson"])]
    public = public_edition(internal)
    assert set(_reasons(public)) == {("knife_crime", "current"), ("knife_crime", "change"),
                                     ("knife_crime", "dot")}
    assert [n for n in public.notes if n.startswith(("†", "‡"))] == [small + "Arson.",
                                                                      low + "Arson."]
    assert [(f.flag, [m.id for m in f.measures], f.text) for f in public.flag_notes] == [
        ("small_base", ["arson"], small + "Arson."), ("low_count", ["arson"], low + "Arson.")]


def _monthly() -> tuple[Plan, Dataset]:
    """Two years of months: thefts (40-60 a month), arson (2-8 a month) and a proportion."""
    rng = np.random.default_rng(16)
    months = [f"{y}-{m:02d}" for y, m in
              [(2019 + (k + 3) // 12, (k + 3) % 12 + 1) for k in range(24)]]
    recs = []
    for month, theft, arson, solved in zip(months, rng.integers(40, 61, 24),
                                           rng.integers(2, 9, 24), rng.integers(5, 15, 24),
                                           strict=True):
        recs += [{"measure": "theft", "organisation": "Gwent", "period": month,
                  "value": float(theft)},
                 {"measure": "arson", "organisation": "Gwent", "period": month,
                  "value": float(arson)},
                 {"measure": "solved", "organisation": "Gwent", "period": month,
                  "numerator": float(solved), "denominator": 40.0}]
    monthly = Dataset.from_records(recs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompletePeriodWarning)
        data = Dataset.concat([monthly, monthly.aggregate("financial_year")])
    measures = [Measure(id="theft", name="Theft", kind="count", polarity="lower"),
                Measure(id="arson", name="Arson", kind="count", polarity="lower"),
                Measure(id="solved", name="Solved", kind="proportion", polarity="higher")]
    plan = Plan(id="p", title="Monthly", priorities=[Priority(id="p", title="P", outcomes=[
        Outcome(id="o", statement="S", measures=measures)])])
    return plan, data


def test_an_spc_chart_is_shown_only_when_every_month_passes() -> None:
    plan, data = _monthly()
    report = build_report(evaluate(plan, data, period="2020-21"))
    assert all(r.spc is not None for r in report.rows())
    rows = _rows(public_edition(report))
    # The year's counts are large, so nothing is withheld; but arson has months below 5,
    # and a proportion's monthly counts are not in the report to check.
    assert not _reasons(public_edition(report))
    assert rows["theft"].spc is not None and rows["theft"].spc_title
    assert rows["arson"].spc is None and rows["arson"].spc_title == ""
    assert rows["solved"].spc is None
    assert public_edition(report).disclosure.charts == 2  # type: ignore[union-attr]


NATIONAL = Path(__file__).parents[1] / "examples" / "national" / "plan.toml"


def test_funnel_and_peer_charts_do_not_carry_small_counts_into_a_public_edition() -> None:
    # The funnel's data table lists every force's count (City of London's 7,195 is the
    # smallest): a threshold above it must take the funnel out. Peer charts plot members'
    # rates and changes without the counts behind them, so no public edition shows them.
    run = perfcore.run(NATIONAL)
    rows = {r.measure.id: r for r in run.report.rows()}
    assert rows["all_crime_rate"].funnel is not None
    assert min(rows["all_crime_rate"].funnel.numerators) == 7195
    assert sum(len(r.peers) for r in rows.values()) == 4
    at5 = {r.measure.id: r for r in perfcore.pipeline.report_plan(
        run.plan_file, run.evaluation, run.scores, public=True).rows()}
    assert at5["all_crime_rate"].funnel is not None  # every count is at least 5
    assert all(r.peers == () for r in at5.values())
    high = perfcore.pipeline.report_plan(run.plan_file, run.evaluation, run.scores,
                                         public=True, threshold=10_000)
    assert all(r.funnel is None and r.peers == () for r in high.rows())
    html = perfcore.render(high, "html")
    assert "7,195" not in html and "7195" not in html


def test_a_total_less_the_strands_shown_is_not_a_small_count() -> None:
    # Seed 003's online hate crime, 2017-18: Total 19 = Racial 11 + Homophobic 6 +
    # Disability 1 + Religious 0 + Transphobic 1. The three strands below 5 are withheld,
    # and none can be worked out alone, but 19 - 11 - 6 = 2 would say the three together
    # are 2, a count below 5 itself: Homophobic's 6 is withheld too (secondary), so the
    # total less the strands shown is 8.
    root = Path(__file__).parents[1] / "examples" / "gwent"
    run = perfcore.run(root / "seed003-hate-crime-online.toml")
    report = perfcore.pipeline.report_plan(run.plan_file, run.evaluation, run.scores,
                                           public=True)
    reasons = _reasons(report)
    strands = ("racial", "homophobic", "disability", "religious", "transphobic")
    assert [reasons.get((f"online_hate_{s}", "history:2017-18")) for s in strands] == [
        None, SECONDARY, PRIMARY, PRIMARY, PRIMARY]
    rows, internal = _rows(report), _rows(run.report)
    for key in ("history:2017-18", "previous", "current"):
        total = rows["online_hate_total"].cell(key).value
        shown = sum(rows[f"online_hate_{s}"].cell(key).value or 0 for s in strands
                    if (f"online_hate_{s}", key) not in reasons)
        withheld = [internal[f"online_hate_{s}"].cell(key).value for s in strands
                    if (f"online_hate_{s}", key) in reasons]
        assert total is not None and total - shown == sum(withheld) >= 5, key
