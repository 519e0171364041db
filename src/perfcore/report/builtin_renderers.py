"""perfcore's own report renderers, registered through the ``perfcore`` entry-point group
exactly as a third-party plugin's would be (entry point ``perfcore-renderers``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from perfcore.plugins.hookspecs import hookimpl
from perfcore.plugins.specs import RendererSpec


def _text(report: Any, **options: Any) -> str:
    from perfcore.report.text import render_text
    return render_text(report, **options)


def _markdown(report: Any, **options: Any) -> str:
    from perfcore.report.markdown import render_markdown
    return render_markdown(report, **options)


def _html(report: Any, **options: Any) -> str:
    from perfcore.report.html import render_html
    return render_html(report, **options)


def _json(report: Any, **options: Any) -> str:
    from perfcore.report.data import render_json
    return render_json(report, **options)


def _csv(report: Any, **options: Any) -> str:
    from perfcore.report.data import render_csv
    return render_csv(report, **options)


def _xlsx(report: Any, **options: Any) -> bytes:
    from perfcore.report.xlsx import render_xlsx
    return render_xlsx(report, **options)


@hookimpl
def perfcore_register_renderers() -> Iterable[RendererSpec]:
    return [
        RendererSpec(name="text", description="Aligned plain-text tables (terminal)",
                     extension=".txt", media_type="text/plain", render=_text),
        RendererSpec(name="markdown", description="Markdown tables",
                     extension=".md", extensions=(".md", ".markdown"),
                     media_type="text/markdown", render=_markdown),
        RendererSpec(name="html", description="One self-contained, accessible HTML file",
                     extension=".html", extensions=(".html", ".htm"),
                     media_type="text/html", render=_html),
        RendererSpec(name="json", description="Every figure with value, display and method "
                     "(versioned schema)", extension=".json", media_type="application/json",
                     render=_json),
        RendererSpec(name="csv", description="One row per measure and figure",
                     extension=".csv", media_type="text/csv", render=_csv),
        RendererSpec(name="xlsx", description="Excel workbook: a sheet per priority, "
                     "data and notes (the excel extra)",
                     extension=".xlsx",
                     media_type="application/vnd.openxmlformats-officedocument."
                                "spreadsheetml.sheet",
                     render=_xlsx, binary=True),
    ]
