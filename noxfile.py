"""Developer tasks. ``nox`` runs the tests; ``nox -s lint docs benchmarks floor fuzz`` the
rest."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.default_venv_backend = "venv"

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
PLUGINS = sorted(str(p) for p in (ROOT / "plugins").glob("perfcore-*")
                 if (p / "pyproject.toml").exists())


def _install_project(session: nox.Session, *groups: str) -> None:
    session.install("-e", ".", *[a for p in PLUGINS for a in ("-e", p)])
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (the same tests as the README command)."""
    _install_project(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Property tests of every calc function and loader at 10,000 examples each."""
    _install_project(session, "test")
    session.run("pytest", "-p", "no:cacheprovider", "tests/test_fuzz_calc.py",
                "tests/test_fuzz_loaders.py", *session.posargs,
                env={"HYPOTHESIS_PROFILE": "fuzz"})


@nox.session
def plugin_template(session: nox.Session) -> None:
    """Install the example third-party plugin next to perfcore, run its test and list it."""
    session.install("-e", ".", "-e", "examples/plugin-template[test]")
    session.run("pytest", "examples/plugin-template/tests")
    session.run("python", "-m", "perfcore", "plugins")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over everything, mypy --strict over src/, and the docs site with --strict."""
    _install_project(session, "lint", "test", "docs")
    session.run("ruff", "check", "src", "tests", "plugins", "benchmarks", "examples",
                "noxfile.py")
    session.run("mypy")
    _build_docs(session, "--site-dir", session.create_tmp() + "/site")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation with ``mkdocs build --strict`` (into site/)."""
    _install_project(session, "docs")
    _build_docs(session, *session.posargs)


def _build_docs(session: nox.Session, *args: str) -> None:
    # Never with -q: mkdocs --quiet hides the warnings --strict would fail on, and passes.
    session.run("mkdocs", "build", "--strict", *args, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def spark(session: nox.Session) -> None:
    """Aggregate generated police.uk records on Spark and on DuckDB and check that the
    observations are identical (installs pyspark; needs a Java 17 runtime)."""
    session.run("java", "-version", external=True)
    _install_project(session, "test", "spark")
    session.run("pytest", "tests/test_records_spark.py", *session.posargs,
                env={"PERFCORE_SPARK": "1"})


@nox.session
def benchmarks(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/ and print ratios against in-run baselines
    (load.py and records.py at their modest default sizes; pass e.g. ``-- --rows
    10000000`` to the scripts by hand for the issue's sizes)."""
    _install_project(session, "benchmark")
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py")) + sorted(
        (ROOT / "benchmarks").glob("national.py")) + [
        ROOT / "benchmarks" / "load.py", ROOT / "benchmarks" / "records.py",
        ROOT / "benchmarks" / "startup.py"]
    if not scripts:
        session.error("no benchmarks found")
    for script in scripts:
        session.run("python", str(script), *session.posargs)


@nox.session
def floor(session: nox.Session) -> None:
    """perfcore against the plain-numpy floor on the national workload (issue 18): time
    ratio in wall-clock and CPU time, and peak memory per cell, each path in a fresh
    process (``nox -s floor -- --check`` fails when a bar is missed)."""
    _install_project(session, "benchmark")
    session.run("python", str(ROOT / "benchmarks" / "national.py"), "--no-baseline",
                "--memory", *session.posargs)
