"""Report renderers: turn calculated results into text, Markdown, HTML, JSON, CSV and SVG."""
