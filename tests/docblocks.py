"""The code blocks of a documentation page, run in order in a fresh folder: the machinery
of tests/test_tutorial.py (the tutorial and how-to pages) and tests/test_docs_pages.py
(the reference pages). A page shows nothing that is not run or checked.

The blocks, by their fence:

- ```` ```toml title="plan.toml" ```` (any language, with a ``title``): a file the reader
  creates; the test writes it. ``title="plan.toml (add to the end)"`` appends to it;
  ``title="examples/x/plan.toml (excerpt)"`` quotes a file of the repository, whose
  lines must appear in it as shown (indentation and all). A Python module written is
  imported at once (a later block's import gets the new text) and, if it has hooks,
  registered with perfcore as strictly as a plugin's own tests would; a ``pyproject.toml``
  must advertise, in perfcore's entry-point group, modules the page wrote, which register
  the same way.
- ```` ```python ````: run in one namespace per page. Every ``test_*`` function it defines
  is called, as pytest would (a ``tmp_path`` argument gets a fresh folder), and the
  functions it marks ``@hookimpl`` are registered as one plugin.
- ```` ```pycon ````: ``>>>`` examples, run in the same namespace with doctest, their
  output compared (``...`` matches anything).
- ```` ```console ```` and ```` ```sh ````: ``$ perfcore ...`` (or ``$ python -m
  perfcore ...``) runs the command line in-process; the lines up to the next ``$`` are
  what it must print (standard output, then standard error; a line ``...`` stands for
  any number of lines) and its exit code must be 0, or N where the command ends with
  ``# exits N``. When a block's last command shows no output and the next block is an
  untitled ```` ```text ```` or ```` ```json ```` block, that block is what it prints
  (JSON: every key, item and value shown must be in the document printed, in order;
  ``...`` in a text stands for any text). ``$ python -m pip install ...`` is not run:
  each thing it installs must exist, with the extras it names.
- ```` ```toml ```` without a title: a plan, read with perfcore's plan reader (the data
  files it names are the reader's own: empty ones stand in for those missing), or, without
  ``[plan]``, a fragment of one, read in the Gwent example plan (``BASE_PLAN``; at its end,
  or at its top if the fragment starts with keys). Every problem fails, so a misspelt key
  or an option that no longer exists does.
- ```` ``` ```` with no language: a diagram or a layout, not run. Each ``perfcore ...``
  line in it (with the indented lines after it) must name a command and options that
  perfcore has, and one without ``[ ] | ...`` (not a synopsis) must be accepted by the
  command line's parser (it is not run: its files are the reader's); a ``python
  script.py ...`` line names a script of the repository and options it takes.
- ``<!-- docs: not run: REASON -->`` on the line above a fence: the block is not run
  (Python is compiled); the reason says why.

Any other block fails the test.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import inspect
import io
import json
import re
import shlex
import shutil
import sys
import tomllib
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from perfcore.cli import _parser, main
from perfcore.pipeline import loads_plan
from perfcore.plugins import ENTRY_POINT_GROUP
from perfcore.plugins.testing import plugin_manager

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# A fence may be indented (in a list item); its body then is too.
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)(?P<attrs>[^\n]*)\n(?P<body>.*?)"
                   r"^(?P=indent)```[ \t]*$", re.MULTILINE | re.DOTALL)
TITLE = re.compile(r'title="([^"]+)"')
NOTE = re.compile(r"<!-- docs: (.+?) -->\s*\Z")
APPEND, EXCERPT, NOT_RUN = " (add to the end)", " (excerpt)", "not run: "
EXITS = re.compile(r"#\s*exits (\d+)\s*$")
OUTPUT_LANGS = ("text", "json")

# The plan a fragment of a plan is read in (a path in the page's folder): the priority,
# outcome and measures the pages' fragments refer to are the Gwent delivery plan's.
BASE_PLAN = Path("examples/gwent/plan-2020-21.toml")


@attrs.frozen
class Block:
    lang: str
    title: str
    body: str
    line: int
    note: str = ""  # the ``<!-- docs: ... -->`` comment on the line above the fence

    @property
    def where(self) -> str:
        return f"line {self.line}"


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        title = TITLE.search(m["attrs"])
        note = NOTE.search(text, 0, m.start())
        body = re.sub(f"(?m)^{m['indent']}", "", m["body"])
        out.append(Block(m["lang"], title[1] if title else "", body,
                         text.count("\n", 0, m.start()) + 1, note[1] if note else ""))
    return out


@contextlib.contextmanager
def fresh_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 copies: tuple[str, ...] = ("examples",)) -> Iterator[Path]:
    """An empty folder as the current one, with the repository's ``copies`` copied in (a
    plan may read data only inside its own project: a link out of the folder would be
    refused), and it and its ``src`` on ``sys.path`` (for the modules a page writes);
    those modules are forgotten after."""
    for name in copies:
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    try:
        yield tmp_path
    finally:
        for name in set(sys.modules) - before:
            forget_module(name, tmp_path)


def forget_module(name: str, folder: Path) -> None:
    module = sys.modules.get(name)
    if module is not None and str(getattr(module, "__file__", "") or "").startswith(
            str(folder)):
        del sys.modules[name]


# --- files ----------------------------------------------------------------------------------

def write_file(block: Block, folder: Path) -> Path:
    name = block.title.removesuffix(APPEND)
    path = folder / name
    if block.title.endswith(APPEND):
        assert path.exists(), f"{block.where}: {name} must be created before adding to it"
        with path.open("a", encoding="utf-8") as f:
            f.write("\n" + block.body)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block.body, encoding="utf-8")
    return path


def check_excerpt(block: Block) -> None:
    name = block.title.removesuffix(EXCERPT)
    source = (ROOT / name).read_text(encoding="utf-8")
    assert block.body in source, f"{block.where}: this excerpt is not in {name} as shown"


def register_hooks(*plugins: object) -> None:
    """Register ``plugins`` as perfcore registers an installed plugin, strictly: a hook
    misspelt, raising or returning a bad record fails."""
    plugin_manager(*plugins).registry()


def import_written(path: Path, folder: Path) -> None:
    """Import a Python module the page wrote (forgetting an earlier version of it) and
    register it if it has hooks."""
    parts = path.relative_to(folder).with_suffix("").parts
    parts = parts[1:] if parts[0] == "src" else parts
    name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    for loaded in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
        forget_module(loaded, folder)
    importlib.invalidate_caches()
    module = importlib.import_module(name)
    if any(hasattr(f, "perfcore_impl") for f in vars(module).values()):
        register_hooks(module)


def check_pyproject(path: Path, folder: Path) -> None:
    """Each entry point in perfcore's group names a module the page wrote."""
    declared = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    entry_points = declared.get("entry-points", {}).get(ENTRY_POINT_GROUP)
    assert entry_points, f"{path.name}: no [project.entry-points.{ENTRY_POINT_GROUP}]"
    for module_name in entry_points.values():
        module = sys.modules.get(module_name) or importlib.import_module(module_name)
        assert str(module.__file__).startswith(str(folder)), (
            f"{path.name}: {module_name} is not a module the page wrote")
        register_hooks(module)


# --- Python ---------------------------------------------------------------------------------

class _Checker(doctest.OutputChecker):
    """doctest's checker with trailing spaces ignored (a page keeps none; pandas pads)."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        def strip(text: str) -> str:
            return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
        return super().check_output(strip(want), strip(got), optionflags)


def run_doctest(block: Block, namespace: dict[str, Any], page: Path) -> None:
    test = doctest.DocTestParser().get_doctest(block.body, namespace, page.name,
                                               str(page), block.line)
    out = io.StringIO()
    runner = doctest.DocTestRunner(checker=_Checker(), optionflags=doctest.ELLIPSIS,
                                   verbose=False)
    runner.run(test, out=out.write, clear_globs=False)
    namespace.update(test.globs)  # the DocTest ran on a copy of the namespace
    assert runner.failures == 0, f"{page.name} {block.where}:\n{out.getvalue()}"


def run_python(block: Block, namespace: dict[str, Any], page: Path, folder: Path) -> None:
    """Run the block; call the tests it defines; register the hooks it defines."""
    before = dict(namespace)
    exec(compile(block.body, f"{page.name}:{block.line}", "exec"), namespace)
    new = {k: v for k, v in namespace.items() if before.get(k) is not v}
    hooks = {k: f for k, f in new.items() if hasattr(f, "perfcore_impl")}
    if hooks:
        plugin = types.ModuleType(f"{page.stem}_line_{block.line}")
        vars(plugin).update(hooks)
        register_hooks(plugin)
    for name, test in new.items():
        if name.startswith("test_") and inspect.isfunction(test):
            kwargs = {}
            if "tmp_path" in inspect.signature(test).parameters:
                kwargs["tmp_path"] = folder / f"{name}_tmp"
                kwargs["tmp_path"].mkdir()
            test(**kwargs)


# --- the command line -----------------------------------------------------------------------

def commands(body: str) -> Iterator[tuple[str, list[str]]]:
    """Each ``$ command`` of a console block with the lines shown after it."""
    command: str | None = None
    shown: list[str] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, shown
            command, shown = line[2:], []
        elif command is None:
            raise AssertionError(f"output before any command: {line!r}")
        else:
            shown.append(line)
    if command is not None:
        yield command, shown


def matches(shown: list[str], printed: list[str]) -> bool:
    """``shown`` equals ``printed`` line for line, a ``...`` line standing for any lines."""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(matches(shown[1:], printed[k:]) for k in range(len(printed) + 1))
    return bool(printed) and shown[0] == printed[0] and matches(shown[1:], printed[1:])


def json_matches(shown: Any, printed: Any) -> bool:
    """``shown`` is part of ``printed``: every key of a shown object is in the printed one
    with a matching value, a shown list's items match printed items in order, and a shown
    text's ``...`` stands for any text."""
    if isinstance(shown, dict):
        return isinstance(printed, dict) and all(
            k in printed and json_matches(v, printed[k]) for k, v in shown.items())
    if isinstance(shown, list):
        rest = iter(printed) if isinstance(printed, list) else iter(())
        return all(any(json_matches(item, p) for p in rest) for item in shown)
    if isinstance(shown, str) and "..." in shown:
        pattern = ".*".join(map(re.escape, shown.split("...")))
        return isinstance(printed, str) and re.fullmatch(pattern, printed, re.S) is not None
    return bool(shown == printed and type(shown) is type(printed))


def check_install(argv: list[str], block: Block) -> None:
    for arg in argv[3:]:
        if arg.startswith("-"):
            continue
        target, _, extras = arg.partition("[")
        project = ROOT / target
        assert (project / "pyproject.toml").exists(), f"{block.where}: no project at {target}"
        declared = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        offered = declared["project"].get("optional-dependencies", {})
        for extra in filter(None, extras.rstrip("]").split(",")):
            assert extra in offered, f"{block.where}: {target} has no extra {extra!r}"


def perfcore_argv(command: str) -> list[str] | None:
    """The arguments of a ``perfcore`` (or ``python -m perfcore``) command, else None."""
    argv = shlex.split(command, comments=True)
    if argv[:3] == ["python", "-m", "perfcore"]:
        argv = argv[2:]
    return argv[1:] if argv[:1] == ["perfcore"] else None


@attrs.frozen
class Printed:
    """What a command printed."""

    where: str
    stdout: str
    lines: list[str]  # standard output, then standard error, without trailing spaces


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """The exit code, standard output and standard error of the command line."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:  # argparse writes usage errors and help to sys.stdout/stderr and exits
            code = main(argv, stdout=out, stderr=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def run_console(block: Block, page: Path) -> Printed | None:
    """Run each command; the output of the last if the block shows none of it."""
    last: Printed | None = None
    for command, shown in commands(block.body):
        where = f"{page.name} {block.where}: $ {command}"
        if shlex.split(command)[:4] == ["python", "-m", "pip", "install"]:
            check_install(shlex.split(command, comments=True)[1:], block)
            continue
        argv = perfcore_argv(command)
        assert argv is not None, f"{where}: the test runs only perfcore commands"
        code, stdout, stderr = run_cli(argv)
        printed = [line.rstrip() for line in (stdout + stderr).splitlines()]
        expected = EXITS.search(command)
        assert code == (int(expected[1]) if expected else 0), (
            f"{where}: exit code {code}\n" + "\n".join(printed))
        last = Printed(where, stdout, printed) if not shown else None
        if shown:
            assert matches([line.rstrip() for line in shown], printed), (
                f"{where}: perfcore printed\n" + "\n".join(printed))
    return last


def check_printed(printed: Printed, block: Block | None) -> None:
    """A command's output, shown in ``block`` (None: no block shows it: it printed
    nothing)."""
    if block is None:
        assert not printed.lines, f"{printed.where}: perfcore printed\n" + "\n".join(
            printed.lines)
    elif block.lang == "json":
        assert json_matches(json.loads(block.body), json.loads(printed.stdout)), (
            f"{printed.where}: the JSON at {block.where} is not in what perfcore printed\n"
            + printed.stdout)
    else:
        assert matches([line.rstrip() for line in block.body.splitlines()], printed.lines), (
            f"{printed.where}: perfcore printed\n" + "\n".join(printed.lines))


COMMAND = re.compile(r"^(?:python -m )?perfcore\s")
SCRIPT = re.compile(r"^python (\S+\.py)\b")
OPTION = re.compile(r"(?:^|[\s\[|])(--?[A-Za-z][\w-]*)")


def command_lines(body: str) -> Iterator[str]:
    """The commands of a layout (``perfcore ...``, ``python script.py ...``), each with its
    indented continuation lines, without comments."""
    command = ""
    for line in body.splitlines():
        if command and line.startswith(" ") and not line.lstrip().startswith("#"):
            command += " " + line.split("#")[0].strip()
            continue
        if command:
            yield command
        command = line.split("  #")[0].strip() if COMMAND.match(line) or SCRIPT.match(
            line) else ""
    if command:
        yield command


def options_of(command: str) -> set[str]:
    """The options of ``perfcore`` and of its ``command``, from their help."""
    return set(OPTION.findall(run_cli(["--help"])[1] + run_cli([command, "--help"])[1]))


def check_layout_commands(block: Block, page: Path) -> None:
    for command in command_lines(block.body):
        where = f"{page.name} {block.where}: {command}"
        script = SCRIPT.match(command)
        if script:  # the repository's script, which must take the options named
            source = (ROOT / script[1]).read_text(encoding="utf-8")
            unknown = {o for o in OPTION.findall(command) if f'"{o}"' not in source}
            assert not unknown, f"{where}: {script[1]} takes no {sorted(unknown)}"
            continue
        words = COMMAND.sub("", command).split()
        name = next(w for w in words if not w.startswith("-"))
        unknown = set(OPTION.findall(command)) - options_of(name)
        assert not unknown, f"{where}: perfcore {name} has no {sorted(unknown)}"
        if not re.search(r"[\[\]|]|\.\.\.", command):  # not a synopsis: it must parse
            refused = io.StringIO()
            with contextlib.redirect_stderr(refused), contextlib.suppress(SystemExit):
                _parser().parse_args(perfcore_argv(command))
            assert not refused.getvalue(), (
                f"{where}: the command line refuses it:\n{refused.getvalue()}")


# --- plans ----------------------------------------------------------------------------------

def check_plan(block: Block, page: Path, folder: Path) -> None:
    """A plan or a fragment of one, as perfcore reads it: no problem."""
    if "plan" in tomllib.loads(block.body):
        text, base_dir = block.body, folder
        for data in tomllib.loads(text).get("data", []):
            path = folder / data["path"]
            if not path.exists():  # the reader's own file: an empty one stands in
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
    else:
        base_dir = folder / BASE_PLAN.parent
        base = (folder / BASE_PLAN).read_text(encoding="utf-8")
        starts_with_keys = not re.match(r"\s*\[", re.sub(r"(?m)^\s*#.*\n", "", block.body))
        text = f"{block.body}\n{base}" if starts_with_keys else f"{base}\n{block.body}"
    try:
        loads_plan(text, file="plan.toml", base_dir=base_dir, data_root=folder)
    except Exception as exc:
        read_as = "" if base_dir == folder else f" (read in {BASE_PLAN})"
        raise AssertionError(f"{page.name} {block.where}{read_as}: {exc}") from exc


# --- a page ---------------------------------------------------------------------------------

FileCheck = Callable[[Path], None]


@attrs.frozen
class PageRun:
    """What running a page left: the blocks not run, and its Python namespace."""

    not_run: list[Block]
    namespace: dict[str, Any]


def run_page(page: Path, folder: Path,
             file_checks: Mapping[str, FileCheck] | None = None) -> PageRun:
    """Run every block of ``page`` in ``folder``; ``file_checks`` check the files written
    (by title)."""
    run = PageRun([], {"__name__": "__main__"})
    found = blocks(page)
    assert found, f"{page.name} has no code blocks"
    printed: Printed | None = None
    for block in found:
        if printed is not None:
            shows_it = block.lang in OUTPUT_LANGS and not block.title
            check_printed(printed, block if shows_it else None)
            printed = None
            if shows_it:
                continue
        if block.note.startswith(NOT_RUN):
            run.not_run.append(block)
            if block.lang == "python":
                compile(block.body, f"{page.name}:{block.line}", "exec")
            continue
        assert not block.note, f"{page.name} {block.where}: unknown note {block.note!r}"
        printed = run_block(block, page, folder, run.namespace, file_checks or {})
    if printed is not None:
        check_printed(printed, None)
    return run


def run_block(block: Block, page: Path, folder: Path, namespace: dict[str, Any],
              file_checks: Mapping[str, FileCheck]) -> Printed | None:
    if block.title.endswith(EXCERPT):
        check_excerpt(block)
    elif block.title:
        path = write_file(block, folder)
        if path.suffix == ".py":
            import_written(path, folder)
        elif path.name == "pyproject.toml":
            check_pyproject(path, folder)
        if block.title in file_checks:
            file_checks[block.title](path)
    elif block.lang == "python":
        run_python(block, namespace, page, folder)
    elif block.lang == "pycon":
        run_doctest(block, namespace, page)
    elif block.lang in ("console", "sh"):
        return run_console(block, page)
    elif block.lang == "toml":
        check_plan(block, page, folder)
    elif block.lang == "":
        check_layout_commands(block, page)
    else:
        pytest.fail(f"{page.name} {block.where}: a ```{block.lang} block the test does not "
                    "run; give it a title (a file), show the command that prints it, or "
                    "make it runnable")
    return None
