"""perfcore's own report renderers, registered through the ``perfcore`` entry-point group
exactly as a third-party plugin's would be (entry point ``perfcore-renderers``)."""

from __future__ import annotations

from collections.abc import Iterable

from perfcore.plugins.hookspecs import hookimpl
from perfcore.plugins.specs import RendererSpec


@hookimpl
def perfcore_register_renderers() -> Iterable[RendererSpec]:
    # Each renderer's module is named, not imported: it is imported the first time a
    # report is rendered in its format (perfcore.plugins.calls.LazyCallable).
    return [
        RendererSpec(name="text", description="Aligned plain-text tables (terminal)",
                     extension=".txt", media_type="text/plain",
                     render="perfcore.report.text:render_text"),
        RendererSpec(name="markdown", description="Markdown tables",
                     extension=".md", extensions=(".md", ".markdown"),
                     media_type="text/markdown",
                     render="perfcore.report.markdown:render_markdown"),
        RendererSpec(name="html", description="One self-contained, accessible HTML file",
                     extension=".html", extensions=(".html", ".htm"),
                     media_type="text/html", render="perfcore.report.html:render_html"),
        RendererSpec(name="json", description="Every figure with value, display and method "
                     "(versioned schema)", extension=".json", media_type="application/json",
                     render="perfcore.report.data:render_json"),
        RendererSpec(name="csv", description="One row per measure and figure",
                     extension=".csv", media_type="text/csv",
                     render="perfcore.report.data:render_csv"),
        RendererSpec(name="xlsx", description="Excel workbook: a sheet per priority, "
                     "data and notes (the excel extra)",
                     extension=".xlsx",
                     media_type="application/vnd.openxmlformats-officedocument."
                                "spreadsheetml.sheet",
                     render="perfcore.report.xlsx:render_xlsx", binary=True),
    ]
