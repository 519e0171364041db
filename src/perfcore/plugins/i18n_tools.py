"""Catalogue maintenance: extract messages, read and write ``.po``, compile ``.mo``.

A small pure-Python subset of GNU gettext's tools (xgettext, msgmerge, msgfmt), enough
for perfcore's catalogues and plugins' catalogues, so that neither development nor the
tests need gettext or Babel installed:

``python -m perfcore.plugins.i18n_tools update``
    extract every ``_("...")``, ``N_("...")`` and ``ngettext("...", "...", n)`` message
    from ``src/perfcore`` into
    ``locale/perfcore.pot``, merge new messages into each ``locale/<lang>/LC_MESSAGES/
    perfcore.po`` (with an empty ``msgstr`` for a translator to fill) and compile the
    ``.mo`` files (a new plural entry gets as many empty ``msgstr[k]`` as the
    catalogue's ``Plural-Forms`` header says the language has);
``python -m perfcore.plugins.i18n_tools compile [PO ...]``
    compile ``.po`` files (default: perfcore's) to ``.mo`` beside them;
``python -m perfcore.plugins.i18n_tools check``
    list messages that are untranslated, fuzzy or out of date, and plural entries with a
    form missing or empty (exit status 1 if any);
``python -m perfcore.plugins.i18n_tools domain NAME``
    print a template (``.pot``) of the texts an installed domain plugin shows in reports
    (its title, measure names and worded units), to start that plugin's catalogue.

Supported: ``msgid``/``msgstr`` with translator (``#``), extracted (``#.``), reference
(``#:``) and flag (``#,``) comments and multi-line strings, and plural entries
(``msgid``/``msgid_plural``/``msgstr[0]``, ``msgstr[1]`` ...) chosen by the catalogue's
``Plural-Forms`` header, compiled to ``.mo`` the way msgfmt does (the key is singular NUL
plural, the value the forms separated by NUL) so :meth:`gettext.GNUTranslations.ngettext`
reads them. Not supported (perfcore does not use it): ``msgctxt``.
"""

from __future__ import annotations

import ast
import gettext
import re
import struct
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from perfcore.plugins.specs import DomainSpec

__all__ = ["Message", "check_catalogue", "compile_mo", "domain_messages", "extract", "merge",
           "plural_forms", "read_po", "write_po"]

PACKAGE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = PACKAGE_DIR / "locale"
KEYWORDS = ("_", "N_")
PLURAL_KEYWORDS = ("ngettext",)
HEADER_FIELDS = (
    ("Project-Id-Version", "perfcore"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
)


@attrs.frozen(kw_only=True)
class Message:
    """One catalogue entry. ``msgid == ""`` is the header, whose ``msgstr`` holds the
    metadata lines (``Content-Type: ...``). A plural entry has ``msgid_plural`` and its
    translations in ``msgstr_plural`` (form 0, 1 ... in the order of the language's
    ``Plural-Forms`` rule); its ``msgstr`` is unused."""

    msgid: str
    msgstr: str = ""
    msgid_plural: str = ""
    msgstr_plural: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()        # "# ..." translator comments
    auto_comments: tuple[str, ...] = ()   # "#. ..." extracted comments (sources of terms)
    references: tuple[str, ...] = ()      # "#: file" where the message is used
    flags: tuple[str, ...] = ()           # "#, fuzzy, python-brace-format"

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def plural(self) -> bool:
        return bool(self.msgid_plural)

    @property
    def translated(self) -> bool:
        """Every form translated (a plural entry with one form empty is not)."""
        if self.plural:
            return bool(self.msgstr_plural) and all(f.strip() for f in self.msgstr_plural)
        return bool(self.msgstr.strip())


# --------------------------------------------------------------------------- extraction


def extract(paths: Iterable[Path] | None = None, *, root: Path | None = None) -> list[Message]:
    """Every message marked ``_("...")``, ``N_("...")`` or ``translator(lang)("...")``, and
    every plural pair marked ``ngettext("...", "...", n)`` or
    ``plural_translator(lang)("...", "...", n)``, in the given Python files
    (default: every module of perfcore), in order of first use, with file references
    relative to ``root``. Comments starting ``# Translators:`` on the lines just above a
    call become extracted comments. Calls whose argument is not a literal are skipped:
    their messages must be marked with ``N_`` where they are defined. A singular used
    with two different plurals (or also alone) raises :class:`ValueError` naming the
    file and line: gettext keys an entry by its singular, so the two would collide."""
    root = root if root is not None else PACKAGE_DIR.parent
    files = sorted(paths) if paths is not None else sorted(PACKAGE_DIR.rglob("*.py"))
    found: dict[str, tuple[str, list[str], list[str]]] = {}
    for path in files:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        ref = path.resolve().relative_to(root.resolve()).as_posix()
        calls = [(node, texts) for node in ast.walk(ast.parse(source, str(path)))
                 if isinstance(node, ast.Call) and (texts := _marked_texts(node))]
        for node, (msgid, plural) in sorted(calls, key=lambda c: (c[0].lineno,
                                                                    c[0].col_offset)):
            seen, refs, notes = found.setdefault(msgid, (plural, [], []))
            if seen != plural:
                raise ValueError(f"{ref}:{node.lineno}: {msgid!r} is marked with the plural "
                                 f"{plural!r} here and {seen!r} elsewhere ('' = none); "
                                 "word one of them differently")
            if ref not in refs:
                refs.append(ref)
            for note in _translator_notes(lines, node.lineno):
                if note not in notes:
                    notes.append(note)
    # A plural entry of the template has English's two empty forms, as xgettext writes.
    return [Message(msgid=m, msgid_plural=plural, msgstr_plural=("", "") if plural else (),
                    references=tuple(r), auto_comments=tuple(n),
                    flags=("python-brace-format",) if "{" in m + plural else ())
            for m, (plural, r, n) in found.items()]


def domain_messages(domain: DomainSpec) -> list[Message]:
    """The texts of a domain plugin that reports show: its title, each measure's name and
    each worded unit (symbols such as "%" are the same in every language)."""
    texts = [domain.title, *(m.name for m in domain.measures),
             *(m.unit for m in domain.measures if any(ch.isalpha() for ch in m.unit))]
    return [Message(msgid=t, references=(f"domain {domain.name}",))
            for t in dict.fromkeys(t for t in texts if t)]


def _marked_texts(node: ast.Call) -> tuple[str, str] | None:
    """``(msgid, msgid_plural)`` of a marked call with literal texts (``msgid_plural`` is
    "" for a message without a plural); None for any other call."""
    texts: list[str] = []
    for arg in node.args[:2]:  # the literal texts the call starts with
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            break
        texts.append(arg.value)
    if _is_marker(node.func, KEYWORDS, "translator") and texts and texts[0]:
        return texts[0], ""
    if (_is_marker(node.func, PLURAL_KEYWORDS, "plural_translator") and len(texts) == 2
            and all(texts)):
        return texts[0], texts[1]
    return None


def _is_marker(func: ast.expr, keywords: tuple[str, ...], factory: str) -> bool:
    # _("..."), N_("..."), self._("...") and translator(lang)("..."); the same shapes
    # with ngettext and plural_translator(lang) for plurals.
    if isinstance(func, ast.Name):
        return func.id in keywords
    if isinstance(func, ast.Attribute):
        return func.attr in keywords
    return (isinstance(func, ast.Call) and isinstance(func.func, ast.Name)
            and func.func.id == factory)


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


_FORM_KEY = re.compile(r"msgstr\[\d+\]")


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
            # A form left out (msgstr[0], msgstr[2]) reads as empty, so check names it.
            last = max((int(k[7:-1]) for k in fields if k.startswith("msgstr[")), default=-1)
            messages.append(Message(
                msgid="".join(fields["msgid"]), msgstr="".join(fields.get("msgstr", [])),
                msgid_plural="".join(fields.get("msgid_plural", [])),
                msgstr_plural=tuple("".join(fields.get(f"msgstr[{k}]", []))
                                    for k in range(last + 1)),
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
        if key in ("msgid", "msgid_plural", "msgstr") or _FORM_KEY.fullmatch(key):
            if key == "msgid" and "msgid" in fields:
                flush()
            current = key
            fields[key] = [_unquote(rest)]
        elif line.startswith('"') and current is not None:
            fields[current].append(_unquote(line))
        else:
            raise ValueError(f"line {n}: cannot read {raw!r} (msgctxt is not supported)")
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
        entries = ([("msgid", m.msgid), ("msgid_plural", m.msgid_plural),
                    *((f"msgstr[{k}]", form) for k, form in enumerate(m.msgstr_plural))]
                   if m.plural else [("msgid", m.msgid), ("msgstr", m.msgstr)])
        for key, value in entries:
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
    rule = plural_forms(po)
    empty_forms = ("",) * (rule[0] if rule else 2)
    merged = []
    for t in pot:
        if not t.msgid:
            continue
        prev = old.get(t.msgid)
        # Notes a translator added as "#." (sources of terms) are kept after the
        # extracted ones.
        notes = tuple(dict.fromkeys((*t.auto_comments, *(prev.auto_comments if prev else ()))))
        # A plural entry keeps its forms only while its English plural is unchanged; a
        # new one gets one empty form for each form the language has.
        forms = (prev.msgstr_plural if prev and prev.plural and prev.msgid_plural
                 == t.msgid_plural else empty_forms) if t.plural else ()
        merged.append(attrs.evolve(t, msgstr=prev.msgstr if prev and not t.plural else "",
                                   msgstr_plural=forms,
                                   comments=prev.comments if prev else (),
                                   auto_comments=notes,
                                   flags=tuple(dict.fromkeys(
                                       (*t.flags, *(prev.flags if prev else ()))))))
    return head + merged


def compile_mo(messages: Iterable[Message]) -> bytes:
    """GNU ``.mo`` bytes for the translated, non-fuzzy messages (and the header), in the
    layout msgfmt writes: little-endian, keys sorted, no hash table. A plural entry is
    stored as msgfmt stores it, key ``singular NUL plural`` and value the forms joined by
    NUL, and only when every form is translated (otherwise gettext falls back to the
    English pair rather than showing an empty form)."""
    def key(m: Message) -> str:
        return f"{m.msgid}\0{m.msgid_plural}" if m.plural else m.msgid

    def value(m: Message) -> str:
        return "\0".join(m.msgstr_plural) if m.plural else m.msgstr

    table = {key(m).encode("utf-8"): value(m).encode("utf-8") for m in messages
             if (m.translated and not m.fuzzy) or not m.msgid}
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


_PLURAL_FORMS = re.compile(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+);?\s*$")


def plural_forms(po: Iterable[Message]) -> tuple[int, str] | None:
    """``(nplurals, plural expression)`` from a catalogue's ``Plural-Forms`` header, or
    None when it has none. A malformed header raises :class:`ValueError`."""
    head = next((m.msgstr for m in po if not m.msgid), "")
    for line in head.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            found = _PLURAL_FORMS.match(value.strip())
            if found is None:
                raise ValueError(f"Plural-Forms header {value.strip()!r} is not "
                                 "'nplurals=N; plural=EXPRESSION;'")
            return int(found[1]), found[2].strip()
    return None


def _plural_rule_problems(po: Sequence[Message]) -> tuple[int | None, list[str]]:
    # The number of forms the catalogue's rule has, and what is wrong with the rule: it
    # must parse (gettext reads it as C), pick a form in range for every count and use
    # every form (a form no count reaches is a miscounted nplurals).
    try:
        rule = plural_forms(po)
    except ValueError as exc:
        return None, [str(exc)]
    if rule is None:
        return None, (["no Plural-Forms header, so gettext cannot choose a plural form"]
                      if any(m.plural for m in po) else [])
    nplurals, expression = rule
    try:
        pick = gettext.c2py(expression)
    except ValueError as exc:
        return nplurals, [f"Plural-Forms: plural={expression!r} does not parse ({exc})"]
    chosen = {pick(n) for n in range(1001)}
    if not chosen <= set(range(nplurals)) or len(chosen) != nplurals:
        return nplurals, [f"Plural-Forms: plural={expression!r} picks forms "
                          f"{sorted(chosen)} for 0..1000, not each of 0..{nplurals - 1}"]
    return nplurals, []


def _fields(text: str) -> set[str]:
    import string
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def check_catalogue(po: Sequence[Message], expected: Iterable[str | Message]) -> list[str]:
    """Problems that keep a catalogue from covering ``expected`` (msgids, or messages as
    :func:`extract` gives them, whose plurals are then checked too): missing, empty or
    fuzzy translations, ``{placeholders}`` that differ between msgid and msgstr, a plural
    entry whose English plural differs from the source's, has a form missing or empty (as
    many as the ``Plural-Forms`` header's ``nplurals``) or a form whose placeholders
    differ, and a missing or broken ``Plural-Forms`` header."""
    nplurals, problems = _plural_rule_problems(po)
    have = {m.msgid: m for m in po}
    for want in expected:
        msgid, plural = (want.msgid, want.msgid_plural) if isinstance(want, Message) else (
            want, None)
        m = have.get(msgid)
        if m is None:
            problems.append(f"missing: {msgid!r}")
        elif plural is not None and m.msgid_plural != plural:
            problems.append(f"plural differs: {msgid!r} has msgid_plural {plural!r} in the "
                            f"source and {m.msgid_plural!r} in the catalogue")
        elif m.plural:
            problems += _plural_problems(m, nplurals)
        elif not m.msgstr.strip():
            problems.append(f"untranslated: {msgid!r}")
        elif m.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif _fields(m.msgid) != _fields(m.msgstr):
            problems.append(f"placeholders differ: {msgid!r} -> {m.msgstr!r}")
    return problems


def _plural_problems(m: Message, nplurals: int | None) -> list[str]:
    forms = m.msgstr_plural
    wanted = nplurals if nplurals is not None else len(forms)
    out = [f"missing plural form msgstr[{k}]: {m.msgid!r}"
           for k in range(len(forms), wanted)]
    out += [f"extra plural form msgstr[{k}] (the language has {wanted}): {m.msgid!r}"
            for k in range(wanted, len(forms))]
    out += [f"untranslated plural form msgstr[{k}]: {m.msgid!r}"
            for k, form in enumerate(forms) if not form.strip()]
    if m.fuzzy:
        out.append(f"fuzzy: {m.msgid!r}")
    # Every form keeps every placeholder: a form without {n} would hide the count, and
    # one with a name the English lacks fails when it is filled in.
    names = _fields(m.msgid) | _fields(m.msgid_plural)
    out += [f"placeholders differ: {m.msgid!r} msgstr[{k}] -> {form!r}"
            for k, form in enumerate(forms) if form.strip() and _fields(form) != names]
    return out


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
        messages = extract()
        bad = 0
        for path in po_files():
            for problem in check_catalogue(read_po(path), messages):
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
