"""Regenerate the example charts in docs/img/charts from the data in examples/data:
``python docs/gen_charts.py``.

Gwent burglary (police.uk, July 2022 to June 2025) as an XmR chart rebased at October
2023 and as a sparkline; total recorded crime per 1,000 people, year ending March 2019
(ONS tables P1 and P3), as a peer chart of Gwent's illustrative Most Similar Group
(``examples/gwent/plan-2020-21.toml``) and as funnel plots of the 43 forces.
"""

from __future__ import annotations

import csv
from pathlib import Path

from perfcore.calc import rate_ci
from perfcore.calc.spc import xmr
from perfcore.report.charts import (
    assurance_icon_svg,
    funnel_plot_svg,
    peer_chart_svg,
    render_xmr_svg,
    sparkline_svg,
    variation_icon_svg,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "data"
OUT = Path(__file__).with_name("img") / "charts"
MSG = ["Gwent", "South Wales", "Cleveland", "Humberside", "Lancashire", "Nottinghamshire",
       "Northumbria", "Merseyside"]


def burglary() -> tuple[list[str], list[float]]:
    with (DATA / "policeuk-gwent" / "street_counts_by_month_crime_type.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["crime_type"] == "Burglary"]
    return [r["month"] for r in rows], [float(r["count"]) for r in rows]


def forces() -> dict[str, tuple[float, float]]:
    def read(name: str) -> list[dict[str, str]]:
        with (DATA / "prc-pfa" / name).open() as f:
            return [r for r in csv.DictReader(f) if r["area_type"] == "police_force_area"
                    and r["period_end"] == "2019-03-31"]
    crimes = {r["area_name"]: float(r["number_of_offences"]) for r in read(
        "ons_pfa_p1_offences.csv") if r["offence_group"].startswith("Total recorded crime")}
    pop = {r["area_name"]: float(r["population"]) for r in read("ons_pfa_p3_population.csv")}
    return {k: (crimes[k], pop[k]) for k in sorted(crimes)}


def charts() -> dict[str, str]:
    labels, values = burglary()
    spc = xmr(values, improvement="decrease", target=150, rebase=[15])
    data = forces()
    names = list(data)
    crimes, pops = [data[n][0] for n in names], [data[n][1] for n in names]
    m_crimes, m_pops = [data[n][0] for n in MSG], [data[n][1] for n in MSG]
    ci = rate_ci(m_crimes, m_pops, per=1000)
    peers = [i for i, n in enumerate(MSG) if n != "Gwent"]
    title = "Recorded crime per 1,000 people, year ending March 2019"
    return {
        "spc-burglary.svg": render_xmr_svg(
            spc, title="Burglary, Gwent (police.uk, monthly)", labels=labels,
            rebase_notes={15: "Rebased October 2023: recording change"},
            y_label="Crimes a month", chart_id="doc-spc"),
        "sparkline-burglary.svg": sparkline_svg(values, name="Burglary", labels=labels,
                                                chart_id="doc-spark"),
        "peers-msg.svg": peer_chart_svg(
            MSG, [c / p * 1000 for c, p in zip(m_crimes, m_pops, strict=True)],
            highlight="Gwent", lower=ci.lower.tolist(), upper=ci.upper.tolist(),
            average=sum(m_crimes[i] for i in peers) / sum(m_pops[i] for i in peers) * 1000,
            average_label="MSG average", polarity="lower_is_better",
            title=f"{title}: Gwent and its most similar group", chart_id="doc-peers"),
        "funnel-forces.svg": funnel_plot_svg(
            names, crimes, pops, highlight="Gwent", polarity="lower_is_better", title=title,
            y_label="Crimes per 1,000 people", chart_id="doc-funnel"),
        "funnel-forces-adjusted.svg": funnel_plot_svg(
            names, crimes, pops, highlight="Gwent", polarity="lower_is_better",
            title=f"{title} (limits adjusted for overdispersion)", adjust="additive",
            y_label="Crimes per 1,000 people", chart_id="doc-funnel-od"),
        **{f"icon-{icon}.svg": variation_icon_svg(icon, size=48) for icon in (
            "common_cause", "improvement_high", "improvement_low", "concern_high",
            "concern_low", "neutral_high", "neutral_low")},
        **{f"icon-{icon}.svg": assurance_icon_svg(icon, size=48) for icon in (
            "consistent_pass", "consistent_fail", "inconsistent")},
    }


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, svg in charts().items():
        (OUT / name).write_text(svg + "\n", encoding="utf-8")
        print(f"wrote {OUT / name}")
