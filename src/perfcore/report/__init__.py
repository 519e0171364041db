"""The report stage: an evaluation (and its scores) laid out for a board
(:func:`build_report` → :class:`Report`), and the renderers that write it as text,
Markdown, HTML, JSON and CSV (:mod:`perfcore.report.builtin_renderers`)."""

from perfcore.report.build import build_report
from perfcore.report.model import Cell, Column, Outcome, Report, Row, Section

__all__ = ["Cell", "Column", "Outcome", "Report", "Row", "Section", "build_report"]
