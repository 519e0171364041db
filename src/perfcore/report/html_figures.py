"""The charts of a measure in an HTML report, each beside its data table: the monthly XmR
chart (Making Data Count style), a peer chart per small comparator group, a funnel plot
across the forces of a national group. Shown, not hidden: only the data tables sit behind a
"Data" switch (shown when printed)."""

from __future__ import annotations

from collections.abc import Sequence

from perfcore.codes import MeasureKind
from perfcore.i18n import Translator
from perfcore.report.charts import (
    funnel_plot_svg,
    funnel_table_html,
    peer_chart_svg,
    peer_table_html,
    render_xmr_svg,
    sparkline_svg,
    xmr_table_html,
)
from perfcore.report.charts.svg import chart_id
from perfcore.report.escape import html_text as _e
from perfcore.report.model import FunnelChart, PeerChart, Row

__all__ = ["funnel_html", "measure_figures", "peers_html", "sparkline"]



def _scale(row: Row) -> float:
    return 100.0 if row.measure.kind is MeasureKind.PROPORTION else 1.0


def sparkline(row: Row, lang: str) -> str:
    """The row's sparkline, on the scale its cells show (per cent for proportions)."""
    if not row.history:
        return ""
    scale = _scale(row)
    return sparkline_svg([v * scale for v in row.history], name=row.measure.name,
                         labels=list(row.history_labels) or None, lang=lang,
                         decimals=row.decimals, thousands=row.thousands)


def _data(title: str, table: str, _: Translator) -> str:
    """A chart's data table behind a "Data" switch: a checkbox and its label, no script
    (the page runs none); printing shows every table."""
    ident = chart_id("data", title, table)
    return (f'<div class="data-toggle"><input type="checkbox" class="show-data" '
            f'id="{ident}"><label for="{ident}">{_e(_("Data: {chart}").format(chart=title))}'
            f'</label><div class="chart-data">{table}</div></div>')


def _spc(row: Row, lang: str, _: Translator) -> str:
    """The XmR chart, its rebases marked on it ("Rebased 2023-10") and each rebase's note
    in full beneath it (a plan's reasons run longer than a chart has room for)."""
    if row.spc is None:
        return ""
    labels = list(row.spc_labels) or None
    svg = render_xmr_svg(row.spc, title=row.spc_title, labels=labels, lang=lang)
    notes = "".join(
        f"<li>{_e(_('Rebased {label}').format(label=row.spc_labels[k]))}: {_e(note)}</li>"
        for k, note in sorted(row.spc_notes.items()) if note and k < len(row.spc_labels))
    table = xmr_table_html(row.spc, title=row.spc_title, labels=labels, lang=lang,
                           rebase_notes=dict(row.spc_notes) or None)
    return (f'<div class="chart">{svg}'
            + (f'<ul class="notes rebase-notes">{notes}</ul>' if notes else "")
            + f"{_data(row.spc_title, table, _)}</div>")


def peers_html(chart: PeerChart, lang: str, _: Translator) -> str:
    args = dict(highlight=chart.highlight, title=chart.title, lower=list(chart.lower),
                upper=list(chart.upper), polarity=chart.polarity, decimals=chart.decimals,
                lang=lang)
    svg = peer_chart_svg(list(chart.names), list(chart.values), average=chart.average,
                         average_label=chart.average_label, rank=chart.rank,
                         size=chart.size, **args)  # type: ignore[arg-type]
    table = peer_table_html(list(chart.names), list(chart.values), **args)  # type: ignore[arg-type]
    return f'<div class="chart">{svg}{_data(chart.title, table, _)}</div>'


def funnel_html(chart: FunnelChart, lang: str, _: Translator) -> str:
    args = dict(highlight=chart.highlight, title=chart.title, statistic=chart.statistic,
                multiplier=chart.multiplier, baseline=chart.baseline, adjust=chart.adjust,
                decimals=chart.decimals, lang=lang)
    svg = funnel_plot_svg(list(chart.names), list(chart.numerators),
                          list(chart.denominators), polarity=chart.polarity,
                          centre_label=chart.centre_label, y_label=chart.y_label,
                          **args)  # type: ignore[arg-type]
    table = funnel_table_html(list(chart.names), list(chart.numerators),
                              list(chart.denominators), **args)  # type: ignore[arg-type]
    return f'<div class="chart">{svg}{_data(chart.title, table, _)}</div>'


def measure_figures(rows: Sequence[Row], lang: str, _: Translator) -> list[str]:
    """The blocks under an outcome's table, one per measure: why it has its status, then
    its charts (none when it has neither). Measures with no chart and the same reasons
    ("change not tested: no figure for 2018-19" for a whole table) share one block,
    where the first of them is: a board reads the reason once, with every measure it
    applies to."""
    # Each block: the measures it names, their reasons, their charts, in table order.
    blocks: list[tuple[list[str], tuple[str, ...], list[str]]] = []
    shared: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        charts = [c for c in (_spc(row, lang, _), *(peers_html(p, lang, _) for p in row.peers),
                              funnel_html(row.funnel, lang, _) if row.funnel is not None
                              else "") if c]
        if charts:
            blocks.append(([row.measure.name], row.status_reasons, charts))
        elif row.status_reasons in shared:
            shared[row.status_reasons].append(row.measure.name)
        elif row.status_reasons:
            shared[row.status_reasons] = [row.measure.name]
            blocks.append((shared[row.status_reasons], row.status_reasons, []))
    return [_measure_block(names, len(rows), why, charts, _) for names, why, charts in blocks]


def _measure_block(names: Sequence[str], table: int, reasons: Sequence[str],
                   charts: Sequence[str], _: Translator) -> str:
    """One block: the measures it is about (every one of its table's, counted), why they
    have their status, their charts."""
    heading = (_("All {n} measures").format(n=table) if len(names) == table > 1
               else ", ".join(names))
    items = "".join(f"<li>{_e(x)}</li>" for x in reasons)
    why = _("Why this status") if len(names) == 1 else _("Why these statuses")
    why_html = (f'<p class="why">{_e(why)}:</p><ul class="reasons">{items}</ul>'
                if items else "")
    return (f'<div class="measure-figures"><h4>{_e(heading)}</h4>{why_html}'
            f'<div class="charts">{"".join(charts)}</div></div>')
