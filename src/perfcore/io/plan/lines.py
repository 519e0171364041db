"""Where each key of a TOML document is: the line numbers plan problems are reported with.

tomllib gives values but not positions, so this reads the text once more, table headers and
keys only, and maps each dotted path (``priorities[1].outcomes[0].measures[2].polarity``) to
its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["line_of", "toml_lines"]


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
                  r"""(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(key: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*"
                                                    r"[^\"']*$)", key)]


def toml_lines(text: str) -> dict[str, int]:
    """Map each table and key of a TOML document to its (1-based) line.

    Paths look like ``priorities[1].outcomes[0].measures[2].polarity``: arrays of tables
    are numbered as tomllib numbers them. Keys inside multi-line strings are ignored.
    """
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the first line
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    latest: dict[str, str] = {}  # dotted name of an array of tables → its current element
    table = ""
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(line)
        if header is not None:
            parts = _split_key(header.group(2))
            concrete: list[str] = []
            for k in range(len(parts)):
                name = ".".join(parts[:k + 1])
                if k < len(parts) - 1:
                    concrete.append(latest.get(name, parts[k]).rsplit(".", 1)[-1])
                    continue
                parent = ".".join(concrete)
                if header.group(1) == "[[":
                    slot = f"{parent}.{parts[k]}" if parent else parts[k]
                    index = counts.get(slot, 0)
                    counts[slot] = index + 1
                    concrete.append(f"{parts[k]}[{index}]")
                    latest[name] = ".".join(concrete)
                else:
                    concrete.append(parts[k])
            table = ".".join(concrete)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key is not None:
            path = ".".join([*([table] if table else []), *_split_key(key.group(1))])
            lines.setdefault(path, number)
            rest = line[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_string = quote
    return lines


def line_of(lines: Mapping[str, int], path: str) -> int | None:
    """The line of ``path``, or of the nearest enclosing key or table that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None
