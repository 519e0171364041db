"""Output safety: texts a plan or a data file supplies (titles, names, statements, leads,
boards, commentary, evidence, units, sources, organisation names as written) are made
harmless for the format they are written in, so that a report never carries a live
spreadsheet formula, a Markdown link or image, or a terminal escape sequence.

- **Terminals** (text output, messages): control characters other than newline and tab —
  C0, DEL, C1 (``ESC``, the 8-bit ``CSI`` ...), line and paragraph separators and the
  bidirectional overrides that can reorder what a line shows — are written as visible
  escapes (``\\x1b``, ``\\u202e``), so an ANSI or OSC sequence in a plan cannot recolour,
  retitle or rewrite the terminal.
- **Spreadsheets** (CSV): a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is a formula to Excel and LibreOffice, so it gets a leading ``'``
  (OWASP's advice for CSV injection) — except a figure as perfcore displays it (a signed
  number with thousands commas and decimals, then ``%`` or a unit in words: ``-14.9%``,
  ``+4.1 pp``, ``+4.1 pwynt canran``), which a spreadsheet reads as a number or as
  harmless text and which must stay readable. The rule looks at the cell, not its column,
  so it holds for any text a plan manages to put in any column.
- **Markdown**: a text is one line (line breaks become spaces, so it cannot start a
  heading or a list); the characters that open links, images, emphasis, code and tables
  (``\\ ` * _ [ ] | ~``) are backslash-escaped and ``< >`` written as entities (no HTML,
  no autolinks); a text that starts a block (a list item, a heading) has a leading block
  marker (``#``, ``>``, ``-``, ``+``, ``=``, ``1.``) escaped.
- **JSON** keeps every text exactly (it is data), with the characters a terminal or a
  JavaScript parser could act on written as ``\\uXXXX`` escapes, which decode to the same
  text.

- **HTML**: every text is escaped, quotes included (:func:`html_text`), in the report,
  its figures and the league alike.

The xlsx writer stores every text as a string, never a formula.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

__all__ = ["html_text", "json_text", "markdown_block", "markdown_inline",
           "spreadsheet_cell", "terminal_text"]

# C0 but newline and tab, DEL, C1, the line and paragraph separators and the bidi
# embeddings, overrides and isolates ("Trojan Source").
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str, *, keep: tuple[str, ...] = ()) -> str:
    """``text`` with every control character but newline and tab written as a visible
    escape (``"\\x1b[2J"`` → ``"\\\\x1b[2J"``); the exact sequences in ``keep`` (the
    colours perfcore itself writes) are left alone."""
    if not keep:
        return _UNSAFE_RE.sub(_visible, text)
    kept = "|".join(re.escape(k) for k in keep)
    return re.sub(f"({kept})|[{_UNSAFE}]",
                  lambda m: m.group(1) if m.group(1) else _visible(m), text)


#: What Excel and LibreOffice read as the start of a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# A figure as perfcore displays it: "-14.9%", "+4.1 pp", "-1,234.5", "+4.1 pwynt canran",
# and a gap to a target: "-£500,000", "-2,925 crimes", "-0.4 per 1,000".
_FIGURE_RE = re.compile(r"[+-]?[£$€]?\d[\d,]*(?:\.\d+)?(?:%|(?: [^\W\d_]+)+(?: \d[\d,]*)?)?")


def spreadsheet_cell(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet will run: a leading ``'`` when it would start
    a formula, unless it is a figure as perfcore displays it (see the module docs)."""
    if text.startswith(FORMULA_START) and not _FIGURE_RE.fullmatch(text):
        return "'" + text
    return text


# Every line break Python's str.splitlines knows (Markdown has fewer, but a viewer may
# not), and the characters that open inline Markdown.
_LINE_BREAK_RE = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_MARKDOWN_RE = re.compile(r"([\\`*_\[\]|~])")
_BLOCK_START_RE = re.compile(r"^(\s*|\s*\d{1,9})((?<=\d)[.)](?=\s|$)|(?<!\d)(?:[#+=-](?=\s|$)|>))")


def markdown_inline(text: str) -> str:
    """``text`` as Markdown that shows it literally, on one line, inside a paragraph,
    heading or table cell (see the module docs)."""
    one_line = terminal_text(_LINE_BREAK_RE.sub(" ", text))
    return (_MARKDOWN_RE.sub(r"\\\1", one_line).replace("<", "&lt;")
            .replace(">", "&gt;"))


def markdown_block(text: str) -> str:
    """:func:`markdown_inline`, for a text that starts a block (a list item, a heading,
    a paragraph): a leading ``#``, ``>``, ``-``, ``+``, ``=`` or ``1.`` cannot start
    a heading, quote, list or rule."""
    return _BLOCK_START_RE.sub(r"\1\\\2", markdown_inline(text), count=1)


# json.dumps(ensure_ascii=False) escapes C0 only; these it would write raw.
_JSON_RAW_RE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(data: Any) -> str:
    """``data`` as indented JSON (non-ASCII text as itself), with DEL, C1, the line and
    paragraph separators and bidi controls escaped as ``\\uXXXX`` (only strings can hold
    them, so the JSON decodes to the same data)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_RAW_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def html_text(text: object) -> str:
    """``text`` as HTML text or an attribute value: ``& < > " '`` escaped."""
    return html.escape(str(text), quote=True)
