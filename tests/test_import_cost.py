"""What starting perfcore imports (issue 18: startup). Each check runs in a fresh
interpreter and looks at ``sys.modules``; how long it takes is measured by
``benchmarks/startup.py``, never here.

scipy (about 0.2 s to import, with the numpy.f2py, numpy.testing and charset_normalizer
modules its array-API layer pulls in) is imported only by the calculations that need it.
``import perfcore``, ``perfcore --help`` and the commands that calculate nothing
(``plugins``, ``measures``) never import it, nor does rendering a report. The Gwent text
report does calculate with it: its significance tests — the conditional exact test of two
counts (the regularised incomplete beta function and its inverse) and Newcombe's interval
of a change in a proportion (normal quantiles) — need ``scipy.special``, so for
``perfcore report`` (and ``perfcore validate``, which runs every stage of a report but
rendering) the test checks that scipy is first imported from inside ``perfcore.calc`` and
nowhere else."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GWENT = ROOT / "examples" / "gwent" / "plan-2020-21.toml"

# Records who imports scipy first: the files of the stack at that moment.
_SPY = textwrap.dedent("""
    import sys, traceback

    class Spy:
        stack = None

        def find_spec(self, name, path=None, target=None):
            if name == "scipy" and self.stack is None:
                self.stack = [f.filename for f in traceback.extract_stack()]
            return None

    spy = Spy()
    sys.meta_path.insert(0, spy)
""")


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", _SPY + textwrap.dedent(code)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_perfcore_does_not_import_scipy() -> None:
    assert _python("""
        import perfcore, perfcore.calc, perfcore.calc.funnel, perfcore.calc.means
        import perfcore.pipeline, perfcore.cli
        print(spy.stack is None, "scipy" in sys.modules)
    """) == "True False"


def test_perfcore_help_does_not_import_scipy() -> None:
    assert _python("""
        from perfcore.cli import main
        try:
            main(["--help"])
        except SystemExit as exit:
            assert exit.code == 0
        print("scipy" in sys.modules)
    """).endswith("False")


@pytest.mark.parametrize("argv", [["plugins"], ["measures"], ["--help"]],
                         ids=["plugins", "measures", "help"])
def test_commands_that_calculate_nothing_do_not_import_scipy(argv: list[str]) -> None:
    assert _python(f"""
        import io
        from perfcore.cli import main
        try:
            main({argv!r}, stdout=io.StringIO())
        except SystemExit:  # --help
            pass
        print("scipy" in sys.modules)
    """).endswith("False")


def test_rendering_the_gwent_text_report_does_not_import_scipy(tmp_path: Path) -> None:
    # The report model of the Gwent plan, computed (with scipy) in another process ...
    report = tmp_path / "gwent.pickle"
    _python(f"""
        import pickle, perfcore
        result = perfcore.run({str(GWENT)!r})
        open({str(report)!r}, "wb").write(pickle.dumps(result.report))
    """)
    # ... rendered as text in a fresh one.
    out = _python(f"""
        import pickle
        from perfcore.pipeline import render
        text = render(pickle.load(open({str(report)!r}, "rb")), "text")
        print("scipy" in sys.modules)
        print(text.splitlines()[0])
    """)
    assert out == "False\nChief Constable's Delivery Plan 2020/21"


@pytest.mark.parametrize("command", ["report", "validate"])
def test_the_gwent_report_imports_scipy_only_for_its_calculations(command: str) -> None:
    # validate runs every stage of a report short of rendering it, calculations included.
    out = _python(f"""
        import io
        from perfcore.cli import main
        main([{command!r}, {str(GWENT)!r}], stdout=io.StringIO())
        ours = [f for f in spy.stack if "perfcore" in f.replace("\\\\", "/").split("/")]
        print(ours[-1].replace("\\\\", "/").split("/perfcore/", 1)[1])
    """)
    # The first import of scipy comes from a calculation (today calc/_common.py's
    # z_value, for the 95% intervals and tests).
    assert out.startswith("calc/"), out


# The modules of perfcore's loaders and renderers, and the first-party plugins' loaders.
_FORMATS = ([f"perfcore.io.{m}" for m in ("long_csv", "published", "home_office", "ons_pfa",
                                          "police_uk")]
            + [f"perfcore.report.{m}" for m in ("text", "markdown", "html", "data", "xlsx")]
            + ["perfcore_victims.dvds_cases", "perfcore_wellbeing.absence_spells"])


def test_loaders_and_renderers_are_imported_only_when_chosen() -> None:
    # The Gwent plan's data are long CSV and published figures, its report text: the
    # other formats' modules stay unimported although their plugins are registered.
    out = _python(f"""
        import io
        from perfcore.cli import main
        main(["report", {str(GWENT)!r}], stdout=io.StringIO())
        from perfcore.plugins import registry
        print(sorted(s.name for s in registry().loaders))
        print(sorted(s.name for s in registry().renderers))
        print(sorted(m for m in {_FORMATS!r} if m in sys.modules))
    """)
    loaders, renderers, imported = out.splitlines()
    assert "police_uk" in loaders and "dvds_cases" in loaders and "xlsx" in renderers
    assert imported == "['perfcore.io.long_csv', 'perfcore.io.published', 'perfcore.report.text']"


def test_a_small_plans_report_imports_no_columnar_engine() -> None:
    # The long-CSV loader's pyarrow fast path is for large files: importing pyarrow (and
    # pandas with it) costs more than parsing the Gwent plan's 1 kB of data.
    assert _python(f"""
        import io
        from perfcore.cli import main
        main(["report", {str(GWENT)!r}], stdout=io.StringIO())
        print([m for m in ("pyarrow", "pandas", "polars", "duckdb", "ibis")
               if m in sys.modules])
    """) == "[]"
