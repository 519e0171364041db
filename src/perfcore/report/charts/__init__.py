"""Charts a board reads, as standalone, accessible SVG strings (no plotting dependency,
nothing fetched): pure functions of plain data — numbers, labels, codes and words
already in the report's language — each with an HTML data table to go beside it.

- :func:`~perfcore.report.charts.sparkline.sparkline_svg`: a measure's history in a
  table cell;
- :func:`~perfcore.report.charts.spc.render_xmr_svg` (and
  :func:`~perfcore.report.charts.spc.xmr_table_html`): an XmR chart in the Making Data
  Count style, with its variation and assurance icons
  (:mod:`~perfcore.report.charts.icons`);
- :func:`~perfcore.report.charts.peers.peer_chart_svg` (and
  :func:`~perfcore.report.charts.peers.peer_table_html`): a force among its group;
- :func:`~perfcore.report.charts.funnel.funnel_plot_svg` (and
  :func:`~perfcore.report.charts.funnel.funnel_table_html`): a measure across forces
  with 95% and 99.8% control limits.

Every chart has ``role="img"``, a ``<title>`` and a ``<desc>``, a ``viewBox`` (it
scales) and round axis ticks (:func:`~perfcore.report.charts.axes.nice_ticks`); colour
is never the only signal. See ``docs/reports.md`` for how to read each chart.
"""

from perfcore.report.charts.axes import Ticks, nice_ticks
from perfcore.report.charts.funnel import funnel_plot_svg, funnel_table_html
from perfcore.report.charts.icons import assurance_icon_svg, variation_icon_svg
from perfcore.report.charts.peers import peer_chart_svg, peer_table_html
from perfcore.report.charts.sparkline import sparkline_svg
from perfcore.report.charts.spc import render_xmr_svg, xmr_table_html

__all__ = [
    "Ticks",
    "assurance_icon_svg",
    "funnel_plot_svg",
    "funnel_table_html",
    "nice_ticks",
    "peer_chart_svg",
    "peer_table_html",
    "render_xmr_svg",
    "sparkline_svg",
    "variation_icon_svg",
    "xmr_table_html",
]
