"""Where a plan may read data from.

A plan names files — its ``[[data]]`` paths and loader options that name a file (the
``ons_pfa`` loader's ``population``) — and a plan may come from someone else. So a plan's
files must lie inside its **data root**:

- the plan's *project*: the nearest folder, from the plan's own folder upwards, that
  holds a ``pyproject.toml`` or a ``.git`` (a repository of plans and data, such as
  perfcore's own, whose ``examples/national/plan.toml`` reads ``../data/...``);
- else the plan's own folder and the folders below it.

A path is resolved first — ``..`` and symbolic links followed — so neither
``../../etc/passwd`` nor a link pointing out of the root gets out. The one who runs
the plan, never the plan itself, can choose another root: ``perfcore report
--data-root DIR`` or ``load_plan(..., data_root=DIR)`` (a service running others'
plans should pin it to their upload's folder). A path that cannot be resolved (a NUL
character, a loop of symbolic links) is a problem of the plan too.
"""

from __future__ import annotations

from pathlib import Path

from perfcore.errors import advise

__all__ = ["PROJECT_MARKERS", "data_root", "resolve_data_path"]

#: What marks a project's top folder.
PROJECT_MARKERS = ("pyproject.toml", ".git")


def data_root(base_dir: Path) -> Path:
    """The folder a plan whose relative paths start at ``base_dir`` may read data from
    (see the module docs)."""
    base = base_dir.resolve()
    for folder in (base, *base.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return base


def resolve_data_path(value: str, *, base_dir: Path, root: Path,
                      chosen: bool = False) -> Path | str:
    """``value`` (relative to ``base_dir``) resolved, or what is wrong with it: a NUL
    character, a path that cannot be followed, or one outside ``root`` (``chosen``: a
    root the caller gave, not the plan's own)."""
    if "\x00" in value:
        return f"{value!r}: the path holds a NUL character (\\x00), which no file name can"
    try:
        path = (base_dir / value).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a symlink loop
        return f"the path cannot be followed: {exc}"
    if not path.is_relative_to(root):
        why = (advise(python="given by data_root=", cli="given by --data-root") if chosen
               else "the plan's project: the nearest folder above the plan with a "
               "pyproject.toml or .git, else the plan's own folder")
        return (f"{value!r} is outside {root}, the folder this plan may read data from "
                f"({why}); move the file into it, or choose the folder with "
                + advise(python="data_root=DIR", cli="--data-root DIR"))
    return path
