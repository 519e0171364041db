"""Reading data into perfcore: :func:`load_data` and the registered loaders.

A *loader* reads one file into a :class:`~perfcore.dataset.Dataset`. Loaders are plugins
(:class:`~perfcore.plugins.specs.LoaderSpec` records returned from the
``perfcore_register_loaders`` hook), perfcore's own included, so a force can add one for
its records system's export. :func:`load_data` picks a loader for each file, by name or
from the file name, loads the files and joins them into one dataset.

Loader choice from a file name: every registered loader lists glob patterns
(``"*.csv"``, ``"*-street.csv"``); among the loaders with a pattern matching the file's
name (ignoring case), the one whose matching pattern is the most specific (has the most
characters other than wildcards, as freedesktop.org's MIME glob rules decide) wins, so
``2024-04-gwent-street.csv`` goes to ``police_uk`` (``*-street.csv``) rather than ``csv``
(``*.csv``). No match, or a tie between loaders, raises
:class:`~perfcore.errors.LoaderSelectionError` listing every loader and its patterns.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from perfcore.dataset import Dataset
from perfcore.errors import (
    DataFileError,
    DuplicateObservationError,
    LoaderSelectionError,
    OptionError,
    PluginResultError,
)
from perfcore.io._table import slug as measure_slug
from perfcore.io.options import check_options
from perfcore.plugins.calls import plugin_fields
from perfcore.plugins.specs import LoaderSpec

__all__ = [
    "ProgressCallback",
    "StderrProgress",
    "choose_loader",
    "get_loader",
    "load_data",
    "loaders",
    "measure_slug",
]

#: ``progress(done, total, label)``: called after each file with the number of files
#: loaded so far, the number to load and the file just loaded.
ProgressCallback = Callable[[int, int, str], None]

PathLike = str | os.PathLike[str]


def loaders() -> tuple[LoaderSpec, ...]:
    """Every registered loader (perfcore's own and installed plugins'), sorted by name."""
    from perfcore.plugins import loaders as registered
    return registered()


def get_loader(name: str, specs: Sequence[LoaderSpec] | None = None) -> LoaderSpec:
    """The loader called ``name`` among ``specs`` (default: the registered ones); an
    unknown name raises :class:`~perfcore.errors.OptionError` listing them."""
    specs = loaders() if specs is None else specs
    for spec in specs:
        if spec.name == name:
            return spec
    raise OptionError.for_choice("loader", name, [s.name for s in specs])


def _specificity(pattern: str) -> int:
    return sum(1 for ch in pattern if ch not in "*?[]")


def choose_loader(path: PathLike, specs: Sequence[LoaderSpec] | None = None) -> LoaderSpec:
    """The loader for ``path``, chosen from its file name (see the module docs)."""
    specs = loaders() if specs is None else specs
    name = Path(path).name.lower()
    best: dict[str, int] = {}
    for spec in specs:
        scores = [_specificity(p) for p in spec.patterns
                  if fnmatch.fnmatchcase(name, p.lower())]
        if scores:
            best[spec.name] = max(scores)
    if not best:
        raise LoaderSelectionError(path=str(path), candidates=(),
                                   patterns={s.name: s.patterns for s in specs})
    top = max(best.values())
    winners = sorted(n for n, score in best.items() if score == top)
    if len(winners) > 1:
        raise LoaderSelectionError(path=str(path), candidates=tuple(winners),
                                   patterns={s.name: s.patterns for s in specs})
    return next(s for s in specs if s.name == winners[0])


class StderrProgress:
    """A :data:`ProgressCallback` drawing one self-overwriting line on standard error
    (``perfcore: loaded 3/12 files (2024-06-gwent-street.csv)``), and only when standard
    error is a terminal, so logs and pipes stay clean. ``stream`` defaults to
    ``sys.stderr`` as it is at each call (so redirections are honoured)."""

    def __init__(self, stream: TextIO | None = None, *, what: str = "files") -> None:
        self._stream = stream
        self._what = what
        self._width = 0

    def __call__(self, done: int, total: int, label: str) -> None:
        stream = self._stream if self._stream is not None else sys.stderr
        try:
            if not stream.isatty():
                return
        except (AttributeError, ValueError):  # closed or not a real stream
            return
        name = label if len(label) <= 40 else "…" + label[-39:]
        line = f"perfcore: loaded {done}/{total} {self._what} ({name})"
        self._width = max(self._width, len(line))
        stream.write("\r" + line.ljust(self._width))
        if done >= total:
            stream.write("\n")
            self._width = 0
        stream.flush()


def _as_paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    """The files to load, every one checked to exist (and not be a folder)."""
    if isinstance(paths, (str, os.PathLike)):
        out = [Path(paths)]
    else:
        out = [Path(p) for p in paths]
        if not out:
            raise DataFileError(path=None, reason="no data files given")
    for path in out:
        if not path.exists():
            raise DataFileError(path=str(path), reason="it does not exist")
        if path.is_dir():
            raise DataFileError(path=str(path), reason="it is a folder: pass the data files "
                                f"in it (e.g. {path / '*.csv'} in a shell, or Path.glob)")
    return out


def _reporter(progress: ProgressCallback | bool | None, n_files: int,
              ) -> ProgressCallback | None:
    """What reports progress (see :func:`load_data`'s ``progress``)."""
    if progress is None:
        return StderrProgress() if n_files > 1 else None
    if progress is False or progress is True:
        return StderrProgress() if progress else None
    return progress


def load_data(paths: PathLike | Iterable[PathLike], *, loader: str | None = None,
              progress: ProgressCallback | bool | None = None,
              specs: Sequence[LoaderSpec] | None = None, **options: Any) -> Dataset:
    """Load one or more data files into one :class:`~perfcore.dataset.Dataset`.

    Every file is checked to exist before any is read. Files are joined with
    ``Dataset.concat``; the same observation in two files raises
    :class:`~perfcore.errors.DuplicateObservationError` naming both files.

    Parameters
    ----------
    paths
        A file or a list of files (e.g. twelve monthly police.uk files).
    loader
        A registered loader name (``"csv"``, ``"police_uk"`` ...) for every file; by
        default each file's loader is chosen from its name (see the module docs).
    progress
        A :data:`ProgressCallback`; ``None`` (default) draws a progress line on standard
        error when there is more than one file and standard error is a terminal;
        ``False`` never reports.
    specs
        The loaders to choose from (default: every registered loader; the pipeline
        passes its registry's).
    **options
        Passed to the loader of every file (e.g. ``organisation="Gwent"``); an option the
        loader does not take, or a value not of the type its loader declares, raises
        :class:`~perfcore.errors.OptionError` (:mod:`perfcore.io.options`).
    """
    files = _as_paths(paths)
    available = loaders() if specs is None else specs
    chosen = ([get_loader(loader, available)] * len(files) if loader is not None
              else [choose_loader(p, available) for p in files])
    for spec in {s.name: s for s in chosen}.values():
        # Unknown options and values of the wrong type fail before any file is read.
        check_options(spec, options)
    report = _reporter(progress, len(files))
    parts: list[Dataset] = []
    for done, (path, spec) in enumerate(zip(files, chosen, strict=True), start=1):
        result = spec.load(path, **options)
        if not isinstance(result, Dataset):
            raise PluginResultError(
                reason=f"returned a {type(result).__name__} for {path}; a loader must return "
                "a perfcore.dataset.Dataset", kind="loader", name=spec.name,
                expected="Dataset", got=type(result).__name__, **plugin_fields(spec.load))
        parts.append(result)
        if report is not None:
            report(done, len(files), path.name)
    if len(parts) == 1:
        return parts[0]
    try:
        return Dataset.concat(parts)
    except DuplicateObservationError as exc:
        raise _which_files(exc, parts, files) from None


def _which_files(exc: DuplicateObservationError, parts: Sequence[Dataset],
                 files: Sequence[Path]) -> DuplicateObservationError:
    if not exc.rows:  # a published figure given twice: its message says what and where
        return exc
    ends = list(_cumulative(len(p) for p in parts))
    where = [next(k for k, end in enumerate(ends) if r < end) for r in exc.rows]
    a, b = (files[k] for k in where)
    return DuplicateObservationError(key=exc.key, files=(str(a), str(b)), count=exc.count)


def _cumulative(sizes: Iterable[int]) -> Iterable[int]:
    total = 0
    for s in sizes:
        total += s
        yield total
