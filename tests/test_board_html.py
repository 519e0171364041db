"""Issue 16, tested as a person would read the board pack: every example's HTML report has
its charts (a sparkline for each measure with a history, XmR charts with a legend and
rebase markers, peer charts with the rank, a funnel plot), shows no internal code and
fetches nothing; where Chromium is installed, the pages render without sideways scrolling
at 1280 px."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import perfcore
from perfcore.codes import MeasureKind

ROOT = Path(__file__).parents[1]
EXAMPLE_PLANS = sorted(p for p in ROOT.glob("examples/**/*.toml")
                       if "plugin-template" not in p.parts)
#: Codes that are identifiers for programs, never text for a board.
INTERNAL = re.compile(r"msg_|K04000001|W92000004|E92000001|W1500000\d|E2300\d{4}")


class _Page(HTMLParser):
    """The visible text of a page (no style, no attribute values) and every attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += attrs
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _html(plan: Path, **options: object) -> tuple[perfcore.Run, str]:
    run = perfcore.run(plan, **options)  # type: ignore[arg-type]
    return run, run.render("html")


@pytest.mark.filterwarnings("ignore::perfcore.errors.PerfcoreWarning")
@pytest.mark.parametrize("path", EXAMPLE_PLANS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_page_has_its_charts_and_no_codes_or_urls(path: Path) -> None:
    run, page = _html(path)
    parsed = _Page()
    parsed.feed(page)
    visible = " ".join(parsed.text)
    assert INTERNAL.search(visible) is None, INTERNAL.search(visible)
    assert not any(v and v.startswith(("http:", "https:", "//")) for k, v in parsed.attrs
                   if not k.startswith("xmlns"))
    rows = [r for r in run.report.rows() if r.measure.kind is not MeasureKind.QUALITATIVE]
    with_history = [r for r in rows if r.history]
    assert page.count('class="perfcore-chart sparkline"') == len(with_history)
    charted = [r for r in rows if r.spc is not None]
    assert page.count('class="perfcore-chart spc-chart"') == len(charted)
    assert page.count('class="perfcore-chart peer-chart"') == sum(len(r.peers) for r in rows)
    assert page.count('class="perfcore-chart funnel-plot"') == sum(
        r.funnel is not None for r in rows)


def test_the_monthly_example_shows_an_xmr_chart_per_measure_with_its_rebases() -> None:
    run, page = _html(ROOT / "examples/gwent-monthly/plan.toml")
    rows = run.report.rows()
    assert len(rows) == 15 and all(r.spc is not None and r.history for r in rows)
    assert page.count('class="perfcore-chart spc-chart"') == 15
    # Every chart has its legend; burglary is rebased twice (April and October 2023),
    # criminal damage and all crime once: four markers, each note written beneath.
    assert page.count("spc-legend") >= 15 or page.count('class="legend-text"') >= 15
    assert page.count('class="spc-rebase"') == 4
    assert "Rebased 2023-04: " in page and page.count("Rebased 2023-10: ") == 3
    # The MDC variation icon is drawn (a ring with its dots), not a letter standing in.
    assert page.count('class="mdc-icon spc-variation-icon"') == 15


def test_measures_with_the_same_reason_and_no_chart_share_one_block() -> None:
    # Seed 003 gives 2019-20 only: every measure is untested for the same reason. The
    # reason is said once per table, naming the period, not 23 times (one measure:
    # its name; all of a table's: counted).
    _, page = _html(ROOT / "examples/gwent/seed003-victim-satisfaction.toml")
    headings = re.findall(r'<div class="measure-figures"><h4>(.*?)</h4>', page)
    assert headings == ["All 4 measures", "Time of Arrival at Scene", "All 10 measures",
                        "All 4 measures", "All 2 measures", "All 2 measures"]
    assert page.count("change not tested: no figure for 2018-19") == 6
    assert page.count("Why these statuses:") == 5 and page.count("Why this status:") == 1


def test_the_national_example_has_peer_charts_with_the_rank_and_a_funnel() -> None:
    run, page = _html(ROOT / "examples/national/plan.toml")
    row = next(r for r in run.report.rows() if r.measure.id == "all_crime_rate")
    (wales,) = row.peers
    assert sorted(wales.names) == ["Dyfed-Powys", "Gwent", "North Wales", "South Wales"]
    assert wales.rank == 4 and wales.size == 4
    gwent = wales.values[wales.names.index("Gwent")]
    assert gwent == pytest.approx(99.6, abs=0.05)  # per 1,000 (the table's 99.6)
    assert "Gwent: 4th of 4 (1st is the lowest value)" in page
    assert row.funnel is not None and len(row.funnel.names) == 43
    assert row.funnel.baseline == pytest.approx(88.4 / 1000, abs=5e-5)  # E&W 88.4
    assert 'class="perfcore-chart funnel-plot"' in page


@pytest.mark.filterwarnings("ignore::perfcore.errors.PerfcoreWarning")
def test_a_peer_chart_of_changes_is_titled_with_the_reports_change_heading() -> None:
    # Compared with six months before, the change is no "change on the year": the chart
    # says what the table's change column says, in each language, and so does a league's,
    # with its unit (a bar marked 19.9 is the table's +19.9%).
    from perfcore.pipeline import evaluate_plan, league_plan, load_data, load_plan

    plan = ROOT / "examples/national/plan.toml"
    periods = {"period": "12 months to December 2019", "previous": "12 months to June 2019"}
    titles = {lang: {r.measure.id: [p.title for p in r.peers]
                     for r in perfcore.run(plan, lang=lang, **periods).report.rows()}
              for lang in ("en", "cy")}
    assert titles["en"]["theft_offences"] == ["Theft offences: 6-month change (%) — Wales"]
    assert titles["cy"]["theft_offences"] == ["Troseddau dwyn: Newid dros 6 mis (%) — Cymru"]
    # A rate's chart shows values, not changes: no change in its title.
    assert titles["en"]["all_crime_rate"] == ["Total recorded crime per 1,000 population — "
                                              "Wales"]
    pf = load_plan(plan)
    league = league_plan(pf, evaluate_plan(pf, load_data(pf), organisation="all", **periods))
    assert [t.peers.title for t in league.tables if t.peers] == [
        "Total recorded crime (excluding fraud): 6-month change (%)",
        "Violence against the person: 6-month change (%)",
        "Theft offences: 6-month change (%)"]
    # A year apart, the heading is the annual one.
    annual = perfcore.run(plan).report.rows()
    assert [p.title for r in annual if r.measure.id == "all_crime" for p in r.peers] == [
        "Total recorded crime (excluding fraud): Annual change (%) — Wales"]


# ------------------------------------------------------------ in a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _overflow(page: str, tmp_path: Path, width: int) -> tuple[int, int]:
    """How far the page, and the widest table within its scrolling wrapper, run past the
    window when Chromium lays the page out ``width`` pixels wide (a script added to a
    copy of the page writes both into the DOM Chromium dumps). A table wider than its
    wrapper would scroll sideways, its last columns out of sight in print and on screen."""
    probe = page.replace("</body>", """<script>
const wraps = [...document.querySelectorAll(".table-wrap")];
document.body.setAttribute("data-page", document.documentElement.scrollWidth);
document.body.setAttribute("data-table", Math.max(0, ...wraps.map(
  w => w.scrollWidth - w.clientWidth)));
</script></body>""")
    path = tmp_path / "page.html"
    path.write_text(probe, "utf-8")
    dom = subprocess.run([CHROMIUM or "chromium", "--headless", "--no-sandbox",
                          "--disable-gpu", f"--window-size={width},1800", "--dump-dom",
                          path.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'data-page="(\d+)" data-table="(\d+)"', dom)
    assert found, "Chromium did not lay the page out"
    return max(0, int(found.group(1)) - width), int(found.group(2))


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package "
                    "'chromium'): the browser layout check needs it")
@pytest.mark.parametrize(("plan", "lang"), [("examples/gwent/plan-2020-21.toml", "en"),
                                            ("examples/gwent-monthly/plan.toml", "en"),
                                            ("examples/national/plan.toml", "cy")])
def test_reports_fit_a_1280_pixel_window(plan: str, lang: str, tmp_path: Path) -> None:
    _run, page = _html(ROOT / plan, lang=lang)
    assert _overflow(page, tmp_path, 1280) == (0, 0)
    shot = tmp_path / "page.png"
    (tmp_path / "shot.html").write_text(page, "utf-8")
    subprocess.run([CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=1280,1800", f"--screenshot={shot}",
                    (tmp_path / "shot.html").as_uri()], capture_output=True, timeout=120,
                   check=True)
    assert shot.stat().st_size > 20_000  # a page with tables and charts, not a blank one


def test_a_figure_or_n_a_is_never_split_but_a_target_in_words_may_wrap() -> None:
    # Welsh "n/a" is three words ("dim ar gael"): in a narrow period column it broke over
    # two lines. Figures, ranks and n/a stay whole; the target's words wrap.
    from perfcore.report.html import cell_html
    from perfcore.report.model import Cell
    assert cell_html(Cell(key="previous", text="dim ar gael")) == (
        '<span class="nw">dim ar gael</span>')
    assert cell_html(Cell(key="msg.rank", text="5th of 8")) == '<span class="nw">5th of 8</span>'
    assert cell_html(Cell(key="target", text="at least £2,300,000 by 2013-14")) == (
        "at least £2,300,000 by 2013-14")
