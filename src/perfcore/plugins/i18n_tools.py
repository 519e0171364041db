"""Catalogue maintenance: extract messages, read and write ``.po``, compile ``.mo``.

A small pure-Python subset of GNU gettext's tools (xgettext, msgmerge, msgfmt), enough
for perfcore's catalogues and plugins' catalogues, so that neither development nor the
tests need gettext or Babel installed:

``python -m perfcore.plugins.i18n_tools update``
    extract every ``_("...")`` and ``N_("...")`` message from ``src/perfcore`` into
    ``locale/perfcore.pot``, merge new messages into each ``locale/<lang>/LC_MESSAGES/
    perfcore.po`` (with an empty ``msgstr`` for a translator to fill) and compile the
    ``.mo`` files;
``python -m perfcore.plugins.i18n_tools compile [PO ...]``
    compile ``.po`` files (default: perfcore's) to ``.mo`` beside them;
``python -m perfcore.plugins.i18n_tools check``
    list messages that are untranslated, fuzzy or out of date (exit status 1 if any);
``python -m perfcore.plugins.i18n_tools domain NAME``
    print a template (``.pot``) of the texts an installed domain plugin shows in reports
    (its title, measure names and worded units), to start that plugin's catalogue.

Supported: ``msgid``/``msgstr`` with translator (``#``), extracted (``#.``), reference
(``#:``) and flag (``#,``) comments and multi-line strings. Not supported (perfcore does
not use them): ``msgctxt`` and plural forms; messages are phrased to avoid plurals.
"""

from __future__ import annotations

import ast
import struct
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from perfcore.plugins.specs import DomainSpec

__all__ = ["Message", "check_catalogue", "compile_mo", "domain_messages", "extract", "merge",
           "read_po", "write_po"]

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PACKAGE_DIR / "locale"
KEYWORDS = ("_", "N_")
HEADER_FIELDS = (
    ("Project-Id-Version", "perfcore"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
)


@attrs.frozen(kw_only=True)
class Message:
    """One catalogue entry. ``msgid == ""`` is the header, whose ``msgstr`` holds the
    metadata lines (``Content-Type: ...``)."""

    msgid: str
    msgstr: str = ""
    comments: tuple[str, ...] = ()        # "# ..." translator comments
    auto_comments: tuple[str, ...] = ()   # "#. ..." extracted comments (sources of terms)
    references: tuple[str, ...] = ()      # "#: file" where the message is used
    flags: tuple[str, ...] = ()           # "#, fuzzy, python-brace-format"

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


# --------------------------------------------------------------------------- extraction


def extract(paths: Iterable[Path] | None = None, *, root: Path | None = None) -> list[Message]:
    """Every message marked ``_("...")``, ``N_("...")`` or ``translator(lang)("...")`` in
    the given Python files
    (default: every module of perfcore), in order of first use, with file references
    relative to ``root``. Comments starting ``# Translators:`` on the lines just above a
    call become extracted comments. Calls whose argument is not a literal are skipped:
    their messages must be marked with ``N_`` where they are defined."""
    root = root if root is not None else PACKAGE_DIR.parent
    files = sorted(paths) if paths is not None else sorted(PACKAGE_DIR.rglob("*.py"))
    found: dict[str, tuple[list[str], list[str]]] = {}
    for path in files:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        ref = path.resolve().relative_to(root.resolve()).as_posix()
        calls = [node for node in ast.walk(ast.parse(source, str(path)))
                 if isinstance(node, ast.Call) and _is_marker(node.func) and node.args
                 and isinstance(node.args[0], ast.Constant)
                 and isinstance(node.args[0].value, str)]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            msgid = node.args[0].value  # type: ignore[attr-defined]
            if not msgid:
                continue
            refs, notes = found.setdefault(msgid, ([], []))
            if ref not in refs:
                refs.append(ref)
            for note in _translator_notes(lines, node.lineno):
                if note not in notes:
                    notes.append(note)
    return [Message(msgid=m, references=tuple(r), auto_comments=tuple(n),
                    flags=("python-brace-format",) if "{" in m else ())
            for m, (r, n) in found.items()]


def domain_messages(domain: DomainSpec) -> list[Message]:
    """The texts of a domain plugin that reports show: its title, each measure's name and
    each worded unit (symbols such as "%" are the same in every language)."""
    texts = [domain.title, *(m.name for m in domain.measures),
             *(m.unit for m in domain.measures if any(ch.isalpha() for ch in m.unit))]
    return [Message(msgid=t, references=(f"domain {domain.name}",))
            for t in dict.fromkeys(t for t in texts if t)]


def _is_marker(func: ast.expr) -> bool:
    # _("..."), N_("..."), self._("...") and translator(lang)("...").
    if isinstance(func, ast.Name):
        return func.id in KEYWORDS
    if isinstance(func, ast.Attribute):
        return func.attr in KEYWORDS
    return (isinstance(func, ast.Call) and isinstance(func.func, ast.Name)
            and func.func.id == "translator")


def _translator_notes(lines: Sequence[str], lineno: int) -> list[str]:
    # The comment block just above the call, from its "Translators:" line on.
    block: list[str] = []
    k = lineno - 2
    while k >= 0 and lines[k].strip().startswith("#"):
        block.insert(0, lines[k].strip().lstrip("#").strip())
        k -= 1
    starts = [i for i, text in enumerate(block) if text.startswith("Translators:")]
    return [" ".join(block[starts[0]:])] if starts else []


# --------------------------------------------------------------------------- .po files


def _unquote(text: str) -> str:
    body = text.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted PO string: {text!r}")
    out, i, s = [], 0, body[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(escapes.get(s[i + 1], s[i + 1]))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _quote(text: str) -> str:
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
                  .replace("\r", "\\r").replace("\n", "\\n")) + '"'


def read_po(path: Path | str) -> list[Message]:
    """The messages of a ``.po`` file (the header first, as ``msgid ""``)."""
    return parse_po(Path(path).read_text(encoding="utf-8"))


def parse_po(text: str) -> list[Message]:
    messages: list[Message] = []
    fields: dict[str, list[str]] = {}
    comments: list[str] = []
    auto: list[str] = []
    refs: list[str] = []
    flags: list[str] = []
    current: str | None = None

    def flush() -> None:
        nonlocal fields, comments, auto, refs, flags, current
        if "msgid" in fields:
            messages.append(Message(
                msgid="".join(fields["msgid"]), msgstr="".join(fields.get("msgstr", [])),
                comments=tuple(comments), auto_comments=tuple(auto),
                references=tuple(refs), flags=tuple(flags)))
        fields, comments, auto, refs, flags, current = {}, [], [], [], [], None

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not messages
        if line.startswith("#"):
            if "msgid" in fields:
                flush()
            if line.startswith("#."):
                auto.append(line[2:].strip())
            elif line.startswith("#:"):
                refs.extend(line[2:].split())
            elif line.startswith("#,"):
                flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
            else:
                comments.append(line[1:].strip())
            continue
        key, _, rest = line.partition(" ")
        if key in ("msgid", "msgstr"):
            if key == "msgid" and "msgid" in fields:
                flush()
            current = key
            fields[key] = [_unquote(rest)]
        elif line.startswith('"') and current is not None:
            fields[current].append(_unquote(line))
        else:
            raise ValueError(f"line {n}: cannot read {raw!r} (msgctxt and plurals are not "
                             "supported)")
    flush()
    return messages


def write_po(messages: Sequence[Message]) -> str:
    """The text of a ``.po`` (or ``.pot``) file for ``messages``."""
    out: list[str] = []
    for m in messages:
        out += [f"# {c}" if c else "#" for c in m.comments]
        out += [f"#. {c}" for c in m.auto_comments]
        out += [f"#: {r}" for r in m.references]
        if m.flags:
            out.append("#, " + ", ".join(m.flags))
        for key, value in (("msgid", m.msgid), ("msgstr", m.msgstr)):
            if "\n" in value.rstrip("\n") or (not m.msgid and value):
                out.append(f'{key} ""')
                out += [_quote(part) for part in value.splitlines(keepends=True)]
            else:
                out.append(f"{key} {_quote(value)}")
        out.append("")
    return "\n".join(out)


def header(language: str = "", *, extra: Sequence[tuple[str, str]] = ()) -> Message:
    fields = [*HEADER_FIELDS, *((("Language", language),) if language else ()), *extra]
    return Message(msgid="", msgstr="".join(f"{k}: {v}\n" for k, v in fields))


def merge(po: Sequence[Message], pot: Sequence[Message]) -> list[Message]:
    """``po`` brought up to date with the template ``pot`` (as msgmerge): every template
    message in template order, keeping existing translations and translator comments;
    messages no longer in the template are dropped. Extracted comments are the template's
    followed by any the catalogue added (where a term comes from)."""
    old = {m.msgid: m for m in po}
    head = [old[""]] if "" in old else []
    merged = []
    for t in pot:
        if not t.msgid:
            continue
        prev = old.get(t.msgid)
        # Notes a translator added as "#." (sources of terms) are kept after the
        # extracted ones.
        notes = tuple(dict.fromkeys((*t.auto_comments, *(prev.auto_comments if prev else ()))))
        merged.append(attrs.evolve(t, msgstr=prev.msgstr if prev else "",
                                   comments=prev.comments if prev else (),
                                   auto_comments=notes,
                                   flags=tuple(dict.fromkeys(
                                       (*t.flags, *(prev.flags if prev else ()))))))
    return head + merged


def compile_mo(messages: Iterable[Message]) -> bytes:
    """GNU ``.mo`` bytes for the translated, non-fuzzy messages (and the header), in the
    layout msgfmt writes: little-endian, keys sorted, no hash table."""
    table = {m.msgid.encode("utf-8"): m.msgstr.encode("utf-8") for m in messages
             if (m.msgstr and not m.fuzzy) or not m.msgid}
    keys = sorted(table)
    ids = strs = b""
    spans = []
    for k in keys:
        spans.append((len(ids), len(k), len(strs), len(table[k])))
        ids += k + b"\0"
        strs += table[k] + b"\0"
    n = len(keys)
    key_start = 7 * 4 + 16 * n
    value_start = key_start + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in spans:
        koffsets += [l1, o1 + key_start]
        voffsets += [l2, o2 + value_start]
    head = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return head + struct.pack(f"<{4 * n}I", *koffsets, *voffsets) + ids + strs


# --------------------------------------------------------------------------- checks


def check_catalogue(po: Sequence[Message], msgids: Iterable[str]) -> list[str]:
    """Problems that keep a catalogue from covering ``msgids``: missing, empty or fuzzy
    translations, and ``{placeholders}`` that differ between msgid and msgstr."""
    import string

    have = {m.msgid: m for m in po}
    problems = []
    for msgid in msgids:
        m = have.get(msgid)
        if m is None:
            problems.append(f"missing: {msgid!r}")
        elif not m.msgstr.strip():
            problems.append(f"untranslated: {msgid!r}")
        elif m.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        else:
            def fields(s: str) -> set[str]:
                return {f for _, f, _, _ in string.Formatter().parse(s) if f is not None}
            if fields(m.msgid) != fields(m.msgstr):
                problems.append(f"placeholders differ: {msgid!r} -> {m.msgstr!r}")
    return problems


def po_files(locale_dir: Path = LOCALE_DIR, domain: str = "perfcore") -> list[Path]:
    return sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.po"))


def update(locale_dir: Path = LOCALE_DIR) -> None:
    """Regenerate the template, merge it into every language and compile."""
    pot = [header(), *extract()]
    (locale_dir / "perfcore.pot").write_text(write_po(pot), encoding="utf-8")
    for path in po_files(locale_dir):
        merged = merge(read_po(path), pot)
        path.write_text(write_po(merged), encoding="utf-8")
        path.with_suffix(".mo").write_bytes(compile_mo(merged))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "check"
    if command == "update":
        update()
        return 0
    if command == "compile":
        for path in [Path(a) for a in args] or po_files():
            path.with_suffix(".mo").write_bytes(compile_mo(read_po(path)))
            print(f"wrote {path.with_suffix('.mo')}")
        return 0
    if command == "check":
        msgids = [m.msgid for m in extract()]
        bad = 0
        for path in po_files():
            for problem in check_catalogue(read_po(path), msgids):
                print(f"{path}: {problem}")
                bad += 1
        return 1 if bad else 0
    if command == "domain" and args:
        from perfcore.plugins import registry
        sys.stdout.write(write_po([header(), *domain_messages(registry().domain(args[0]))]))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
