"""The report stage: an evaluation (and its scores) laid out for a board
(:func:`build_report` → :class:`Report`), its public edition (:func:`public_edition`:
small numbers withheld, internal fields dropped), and the renderers that write it as text,
Markdown, HTML, JSON and CSV (:mod:`perfcore.report.builtin_renderers`)."""

from perfcore.report.build import build_report
from perfcore.report.model import (
    Cell,
    Column,
    Disclosure,
    FlagNote,
    Outcome,
    Report,
    Row,
    Section,
)
from perfcore.report.public import public_edition

__all__ = ["Cell", "Column", "Disclosure", "FlagNote", "Outcome", "Report", "Row", "Section",
           "build_report", "public_edition"]
