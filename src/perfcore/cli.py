"""The ``perfcore`` command: reports, validation, explanations, plugins, measures, SPC charts.

Exit codes: 0 success; 1 the input has problems (plan, data, period, output path: each
problem is listed on stderr), or perfcore failed unexpectedly (one line asks for a bug
report; ``perfcore --debug COMMAND ...`` shows the traceback); 2 the command line itself
is wrong (argparse's usage error); 130 interrupted (Ctrl-C). Nothing here calculates: it
loads, calls the library and writes.
"""

from __future__ import annotations

import argparse
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from perfcore.codes import Polarity
from perfcore.errors import (
    DataError,
    DataValidationError,
    OptionError,
    OutputError,
    OutputFormatError,
    PerfcoreError,
    PerfcoreWarning,
    PlanValidationError,
    PluginCallError,
    audience,
)
from perfcore.i18n import available_languages, counted, parse_languages

__all__ = ["ISSUE_TRACKER", "main"]

#: Where bugs are reported (the ``Issues`` URL of the project's metadata).
ISSUE_TRACKER = "https://github.com/perfcore/perfcore/issues"

EXAMPLES = {
    "report": """examples:
  perfcore report examples/gwent/plan-2020-21.toml --period 2020-21
  perfcore report plan.toml --data crime.csv --period 2020-21 -o report.html
  perfcore report plan.toml --period 2020-21 -o board-pack.xlsx   # pip install 'perfcore[excel]'
  perfcore report plan.toml --period "12 months to June 2020" --format json
  perfcore report plan.toml --period 2020-21 --lang cy --format html -o adroddiad.html
  perfcore report plan.toml --period 2020-21 --lang en+cy     # bilingual, Welsh first
  perfcore report plan.toml --public --format html -o public.html   # for publication
  perfcore report examples/national/plan.toml --organisation all  # league of 43 forces
  perfcore report examples/national/plan.toml --organisation Gwent --organisation Kent""",
    "validate": """examples:
  perfcore validate examples/gwent/plan-2020-21.toml
  perfcore validate plan.toml --data crime.csv outcomes.csv
  perfcore validate plan.toml --period 2021-22 --organisation Gwent   # as that report""",
    "explain": """examples:
  perfcore explain examples/gwent/plan-2020-21.toml --period 2020-21 \\
      --measure all_crime --figure change
  perfcore explain examples/gwent/plan-2020-21.toml --measure all_crime_outcome_rate \\
      --figure msg.value
  perfcore explain examples/gwent/plan-2020-21.toml --measure all_crime --figure status""",
    "plugins": "examples:\n  perfcore plugins",
    "aggregate": """examples:
  perfcore aggregate street/*-street.csv -o observations.parquet
  perfcore aggregate street/*.csv --plan plan.toml --shares -o observations.parquet
  perfcore aggregate street.parquet --population population.csv -o observations.csv
  perfcore aggregate street/*.csv --backend pyspark -o observations.parquet
Then: perfcore report plan.toml --data observations.parquet""",
    "measures": "examples:\n  perfcore measures\n  perfcore measures --domain victims",
    "spc": """examples:
  perfcore spc monthly.csv --improvement decrease -o chart.svg
  perfcore spc monthly.csv --column count --target 4000 -o chart.html
  perfcore spc burglary.csv --rebase "2023-10=Rebased October 2023: recording change"
-o chooses SVG or HTML by the file's extension. The CSV needs a header; the first
column labels the points (e.g. months) and --column names the values (default: the
second column). --rebase LABEL[=NOTE] starts new limits at the point labelled LABEL
(repeatable); the chart shows NOTE there.""",
    "catalogue": """examples:
  perfcore catalogue domain victims > perfcore_victims.pot   # start a plugin's catalogue
  perfcore catalogue compile src/my_plugin/locale/cy/LC_MESSAGES/my_plugin.po
  perfcore catalogue check        # perfcore's own catalogues (for contributors)""",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="perfcore",
        description="Police force performance frameworks: reports, figures and SPC charts.",
        epilog="Exit codes: 0 success, 1 problems with the input (all listed) or an "
               "internal error (a bug: --debug shows its traceback), 2 command-line usage "
               "error. Run 'perfcore COMMAND --help' for examples.")
    from perfcore import __version__
    p.add_argument("--version", action="version", version=f"perfcore {__version__}")
    p.add_argument("--debug", action="store_true",
                   help="on an error, show the full traceback (for a bug report)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_, description=help_, epilog=EXAMPLES[name],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        # Also after the command; SUPPRESS keeps `perfcore --debug report` working.
        c.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help=argparse.SUPPRESS)
        return c

    def period_args(c: argparse.ArgumentParser, *, several: bool = False) -> None:
        c.add_argument("--period", default=None,
                       help='period to report on, e.g. 2020-21, "Q3 2021-22", '
                            '"12 months to June 2020" (default: the plan\'s [report] period)')
        c.add_argument("--previous", default=None,
                       help="comparison period (default: the same period a year earlier)")
        if several:
            c.add_argument("--organisation", action="append", default=None,
                           help="organisation (default: the plan's organisation); repeat "
                                "it for a section per force, or give 'all' for the league "
                                "of every force")
        else:
            c.add_argument("--organisation", default=None,
                           help="organisation (default: the plan's organisation)")

    c = command("report", "Evaluate a plan on its data and render a report.")
    _plan_and_data_args(c)
    period_args(c, several=True)
    _report_args(c)

    c = command("validate", "Check a plan and its data as a report would; list every problem.")
    _plan_and_data_args(c)
    period_args(c, several=True)
    c.add_argument("--strict", action="store_true",
                   help="count measures with no observations in the data, and change "
                        "targets with no baseline or no baseline figure, as problems (by "
                        "default they are listed as notes: their reports say 'no data' or "
                        "'not available')")

    c = command("explain", "Show one figure's inputs, formula and method.")
    _plan_and_data_args(c)
    period_args(c)
    c.add_argument("--measure", required=True, help="measure id")
    c.add_argument("--figure", default="change",
                   help="current, previous, change, absolute_change, lower, upper, "
                        "significant, pvalue, direction, trend, target_status, target_level, "
                        "target_gap, "
                        "spc_variation, spc_assurance, SLOT.FIELD such as msg.value, or "
                        "status (the chain from the figures to the status)")

    command("plugins", "List installed plugins and what they register.")
    _aggregate_args(command("aggregate", "Aggregate record-level police.uk files into "
                            "observations on a query engine (DuckDB, Spark)."))

    c = command("catalogue", "Translation catalogues: a plugin's template, .po to .mo.")
    c.add_argument("action", choices=("domain", "compile", "check", "update"),
                   help="domain NAME: print a template of an installed domain's texts; "
                        "compile [PO ...]: write .mo files beside .po files; check / "
                        "update: perfcore's own catalogues")
    c.add_argument("names", nargs="*", metavar="ARG",
                   help="the domain name (domain) or .po files (compile)")

    c = command("measures", "List the measures that installed domain plugins provide.")
    c.add_argument("--domain", default=None, help="only this domain")

    _spc_args(command("spc", "Chart one series as an XmR chart (SVG or HTML)."))
    return p


def _report_args(c: argparse.ArgumentParser) -> None:
    _output_args(c, "text, markdown, html, json, csv, xlsx, or a plugin renderer", "text",
                 ".txt, .md, .html, .json, .csv, .xlsx ...")
    c.add_argument("--lang", default="en",
                   help="report language: en, cy, or en+cy for a bilingual report with "
                        "Welsh first (default en)")
    c.add_argument("--translation-fallback", choices=("error", "mark"), default="error",
                   help="a plan text with no translation: stop with an error listing them "
                        "all (default), or show it in English behind a visible marker")
    c.add_argument("--colour", choices=("auto", "always", "never"), default="auto",
                   help="colour in text reports (default: only on a terminal)")
    _public_args(c)


def _spc_args(c: argparse.ArgumentParser) -> None:
    c.add_argument("csv", type=Path, help="CSV file: label column, then values")
    c.add_argument("--column", default=None, help="values column (default: the second)")
    c.add_argument("--improvement", choices=Polarity.spellings(), default="increase",
                   metavar="POLARITY",
                   help="which direction is improvement, as in plans: increase/higher/up, "
                   "decrease/lower/down or neutral (default increase)")
    c.add_argument("--target", type=float, default=None, help="target for assurance")
    c.add_argument("--title", default=None, help="chart title (default: the file name)")
    c.add_argument("--rebase", action="append", default=[], metavar="LABEL[=NOTE]",
                   help="recalculate the mean and limits from the point LABEL, with a note")
    _output_args(c, "svg or html", "svg", ".svg, .html")
    c.add_argument("--lang", default="en", help="language of the chart's words: en or cy "
                   "(default en)")


def _plan_and_data_args(c: argparse.ArgumentParser) -> None:
    c.add_argument("plan", type=Path, help="plan file (TOML)")
    c.add_argument("--data", type=Path, nargs="+", default=None, metavar="FILE",
                   help="data files (default: the [[data]] entries of the plan)")
    c.add_argument("--loader", default=None,
                   help="data loader name (default: chosen by file name)")
    c.add_argument("--data-root", type=Path, default=None, metavar="DIR",
                   help="the folder the plan's data files must be in (default: the plan's "
                        "project, the nearest folder above the plan with a pyproject.toml "
                        "or .git, else the plan's folder)")


def _output_args(c: argparse.ArgumentParser, formats: str, default: str,
                 extensions: str) -> None:
    c.add_argument("--format", default=None,
                   help=f"{formats} (default: from the -o file's extension, else {default})")
    c.add_argument("-o", "--output", type=Path, default=None,
                   help=f"write to this file: {extensions} (default: standard output)")


def _public_args(c: argparse.ArgumentParser) -> None:
    c.add_argument("--public", action=argparse.BooleanOptionalAction, default=None,
                   help="a public edition: counts below the threshold withheld, with the "
                        "figures that would reveal them; no internal commentary or sources "
                        "(default: the plan's [report] public)")
    c.add_argument("--threshold", type=int, default=None, metavar="N",
                   help="with --public: withhold counts below N (default: the plan's, "
                        "else 5)")
    c.add_argument("--symbol", choices=("*", "<n"), default=None,
                   help="with --public: a withheld figure as * (default), or a count "
                        "below the threshold as <5")


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    args = _parser().parse_args(argv)
    handler = {"report": _report, "validate": _validate, "explain": _explain,
               "plugins": _plugins, "measures": _measures, "spc": _spc,
               "catalogue": _catalogue, "aggregate": _aggregate}[args.command]
    caught: list[warnings.WarningMessage] = []
    try:
        with audience("cli"), warnings.catch_warnings(record=True) as caught:
            # perfcore's warnings (figures not available, incomplete periods, skipped
            # rows, broken plugins) are part of the answer: say them once each, plainly,
            # on stderr — before the error, if there is one, since they may explain it.
            warnings.simplefilter("always", PerfcoreWarning)
            code = handler(args, out, err)
    except BaseException as exc:
        _say_warnings(caught, args.command, err)
        return _failed(exc, args, err)
    _say_warnings(caught, args.command, err)
    return code


def _failed(exc: BaseException, args: argparse.Namespace, err: TextIO) -> int:
    """Report an exception that ended a command, in one line; the exit code."""
    me = f"perfcore {args.command}"
    if isinstance(exc, KeyboardInterrupt):
        err.write(f"{me}: interrupted\n")
        return 130
    if isinstance(exc, BrokenPipeError):
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    if not isinstance(exc, Exception):  # SystemExit, GeneratorExit: not ours to report
        raise exc
    if args.debug:
        traceback.print_exception(exc, file=err)
    if isinstance(exc, PerfcoreError):
        err.write(_safe(f"{me}: error: {exc}\n"))
        if isinstance(exc, PluginCallError) and not args.debug:
            err.write(f"{me}: the plugin's traceback: perfcore --debug {args.command} ...\n")
        return 1
    # Anything else is perfcore's own bug: no traceback unless asked for, one line saying
    # what happened and where to report it.
    what = " ".join(f"{type(exc).__name__}: {exc}".split())
    err.write(f"{me}: internal error ({what}); this is a bug in perfcore: please report it "
              f"at {ISSUE_TRACKER} with the command you ran (perfcore --debug "
              f"{args.command} ... shows the traceback)\n")
    return 1


# --------------------------------------------------------------------------- helpers


def _say_warnings(caught: list[warnings.WarningMessage], command: str, err: TextIO) -> None:
    for w in _unique(caught):
        if issubclass(w.category, PerfcoreWarning):
            err.write(_safe(f"perfcore {command}: warning: {w.message}\n"))
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _unique(caught: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    seen: set[tuple[type[Warning], str]] = set()
    out = []
    for w in caught:
        key = (w.category, str(w.message))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def _safe(text: str) -> str:
    """A message as a terminal may show it: the plan's and data's texts it quotes cannot
    carry escape sequences (control characters are written as visible escapes)."""
    from perfcore.report.escape import terminal_text
    return terminal_text(text)


def _write(content: str | bytes, path: Path | None, out: TextIO) -> None:
    if path is None:
        if isinstance(content, bytes):
            out.flush()  # text already written must come first
            out.buffer.write(content)  # _takes_bytes checked there is one
            out.buffer.flush()
        else:
            out.write(_for_terminal(content, out))
        return
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise OutputError(path=str(path), reason=str(exc.strerror or exc)) from exc


def _for_terminal(content: str, out: TextIO) -> str:
    """Any format written to a terminal (CSV, HTML ... as well as text) shows a plan's or
    data file's control characters as visible escapes; only the text renderer's colours
    pass. A file or pipe gets the output exactly."""
    if not out.isatty():
        return content
    from perfcore.report.escape import terminal_text
    from perfcore.report.text import TERMINAL_COLOURS
    return terminal_text(content, keep=TERMINAL_COLOURS)


def _takes_bytes(out: TextIO) -> bool:
    """Whether binary output may go to ``out``: a file or pipe, never a terminal."""
    return not out.isatty() and hasattr(out, "buffer")


def _load(args: argparse.Namespace, err: TextIO) -> tuple[Any, Any]:
    from perfcore.io import StderrProgress
    from perfcore.pipeline import load_data, load_plan
    plan_file = load_plan(args.plan, data_root=args.data_root)
    # Drawn only when stderr is a terminal, and only for more than one file.
    progress = StderrProgress(err)
    dataset = load_data(plan_file, files=args.data, loader=args.loader, progress=progress)
    return plan_file, dataset


def _evaluate(args: argparse.Namespace, plan_file: Any, dataset: Any,
              organisation: Any = None) -> Any:
    from perfcore.pipeline import evaluate_plan
    return evaluate_plan(plan_file, dataset, period=args.period, previous=args.previous,
                         organisation=organisation if organisation is not None
                         else args.organisation)


def _report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from perfcore.pipeline import ALL, render, report_plan, score_plan
    from perfcore.plugins import registry
    from perfcore.report.combine import combine_rendered
    # Before any loading, so that a wrong format or file name fails fast.
    spec = registry().renderer_for(args.output, format=args.format)
    if spec.binary and args.output is None and not _takes_bytes(out):
        raise OutputFormatError.binary_to_terminal(spec.name, spec.extension)
    parse_languages(args.lang, option="--lang")
    plan_file, dataset = _load(args, err)
    wanted = args.organisation or [None]
    if ALL in wanted:
        return _league(args, plan_file, dataset, out, err, spec.name)
    ev = _evaluate(args, plan_file, dataset, organisation=wanted if len(wanted) > 1
                   else wanted[0])
    scores = score_plan(plan_file, ev)
    reports = [report_plan(plan_file, ev, scores, lang=args.lang,
                           fallback=args.translation_fallback, organisation=org,
                           public=args.public, threshold=args.threshold, symbol=args.symbol)
               for org in wanted]
    options: dict[str, Any] = {}
    if spec.name == "text":
        tty = args.output is None and out.isatty()
        options["colour"] = args.colour == "always" or (args.colour == "auto" and tty)
    parts = [render(r, spec.name, **options) for r in reports]
    text = parts[0] if len(parts) == 1 else combine_rendered(
        spec.name, reports, [p if isinstance(p, str) else "" for p in parts])
    _write(text, args.output, out)
    if args.output is not None:
        err.write(f"wrote {args.output}\n")
    return 0


def _league(args: argparse.Namespace, plan_file: Any, dataset: Any, out: TextIO,
            err: TextIO, format: str) -> int:
    """``--organisation all``: every force ranked, a table per measure."""
    from perfcore.pipeline import ALL, league_plan, score_plan
    from perfcore.report.league_render import render_league
    if args.organisation != [ALL]:
        raise OptionError(option="--organisation", value=args.organisation,
                          reason="'all' asks for the league of every force: give it alone, "
                                 "not with other organisations")
    if args.public:
        raise OptionError(option="--public", value=True,
                          reason="a league has no public edition yet",
                          hint="publish each force's report (--public with one "
                               "--organisation)")
    ev = _evaluate(args, plan_file, dataset, organisation=ALL)
    league = league_plan(plan_file, ev, score_plan(plan_file, ev), lang=args.lang,
                         fallback=args.translation_fallback)
    _write(render_league(league, format), args.output, out)
    if args.output is not None:
        err.write(f"wrote {args.output}\n")
    return 0


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The plan, its data and every stage of its report short of rendering: each problem
    on stderr, a summary on stdout; exit 1 if there is any problem."""
    from perfcore.pipeline import target_problems
    try:
        plan_file, dataset = _load(args, err)
    except PlanValidationError as exc:
        for p in exc.problems:
            err.write(_safe(f"{p}\n"))
        out.write(f"{args.plan}: {counted(len(exc.problems), 'problem')}\n")
        return 1
    except DataValidationError as exc:
        for d in exc.problems:
            err.write(_safe(f"{args.plan}: problem: {d}\n"))
        out.write(f"{args.plan}: {counted(len(exc.problems), 'problem')} in its data\n")
        return 1
    except PerfcoreError as exc:
        err.write(_safe(f"{args.plan}: problem: {exc}\n"))
        out.write(f"{args.plan}: 1 problem in its data\n")
        return 1
    found = _report_problems(args, plan_file, dataset)
    for problem in found:
        err.write(_safe(f"{args.plan}: problem: {problem}\n"))
    kind = "problem" if args.strict else "note"
    unset = _unset_period(args, plan_file, dataset)
    for u in unset:
        err.write(_safe(f"{args.plan}: {kind}: {u}\n"))
    plan = plan_file.plan
    published = {f.measure for f in dataset.published}
    missing = [m.id for m in plan.measures()
               if m.kind.value != "qualitative" and m.id not in dataset.measures]
    for m in missing:
        shown = ("its report shows the published figures only" if m in published
                 else "its report cells say 'no data'")
        err.write(f"{args.plan}: {kind}: measure {m!r} has no observations in the data; "
                  f"{shown}\n")
    targets = target_problems(plan_file, dataset, organisation=args.organisation)
    for t in targets:
        where = ":".join(str(p) for p in (t.file or args.plan, t.line) if p is not None)
        err.write(_safe(f"{where} {t.path}: {kind}: {t.message}\n"))
    problems = [*found, *((*missing, *targets, *unset) if args.strict else ())]
    n = sum(1 for _ in plan.measures())
    noted = len(missing) + len(targets) + len(unset)
    notes = "" if args.strict or not noted else f"; {counted(noted, 'note')}"
    out.write(f"{args.plan}: {counted(n, 'measure')} in "
              f"{counted(len(plan.priorities), 'priority', 'priorities')}; "
              f"{counted(len(dataset), 'observation')}; "
              f"{counted(len(problems), 'problem')}{notes}\n")
    return 1 if problems else 0


def _unset_period(args: argparse.Namespace, plan_file: Any, dataset: Any) -> list[str]:
    """A period nobody chose: the report takes the latest the data cover, so it is usable,
    but it moves with the next data (a note; a problem with --strict)."""
    from perfcore.pipeline import latest_period
    if args.period or plan_file.report.period or plan_file.plan.period or not dataset.periods:
        return []
    period = latest_period(dataset.periods)
    return [f"no period: the plan sets none and none was given, so the report is of "
            f"{period}, the latest the data cover, and will move with the next data; set "
            f'period = "{period}" in the plan\'s [report] table, or give --period']


def _report_problems(args: argparse.Namespace, plan_file: Any, dataset: Any) -> list[str]:
    """What would stop the report: whatever its stages raise (an empty plan, an
    organisation not named where the data cover several ...), for the period the report
    would be of."""
    from perfcore.pipeline import check_plan, latest_period
    period = args.period or plan_file.report.period or plan_file.plan.period
    if period is None and dataset.periods:
        period = latest_period(dataset.periods)
    try:
        check_plan(plan_file, dataset, period=period, previous=args.previous,
                   organisation=args.organisation)
    except PerfcoreError as exc:
        return [str(exc)]
    return []


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    plan_file, dataset = _load(args, err)
    ev = _evaluate(args, plan_file, dataset)
    organisation = args.organisation or plan_file.organisation
    if args.figure == "status":
        from perfcore.pipeline import score_plan
        score = score_plan(plan_file, ev).score(args.measure, organisation)
        out.write(_safe(score.explain() + "\n"))
        return 0
    out.write(_safe(str(ev.explain(args.measure, args.figure, organisation)) + "\n"))
    return 0


def _plugins(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from perfcore.plugins import run_plugins_command
    return run_plugins_command(out=out, err=err)


def _aggregate_args(c: argparse.ArgumentParser) -> None:
    c.add_argument("records", type=Path, nargs="+", metavar="RECORDS",
                   help="record files: police.uk street or outcome CSV files, or Parquet")
    c.add_argument("-o", "--output", type=Path, required=True,
                   help="observations file to write: .parquet or .csv (long format)")
    c.add_argument("--plan", type=Path, default=None,
                   help="keep only the measures this plan uses")
    c.add_argument("--last-outcome", action="store_true",
                   help="also count each crime type by last outcome")
    c.add_argument("--shares", action="store_true",
                   help="also each crime type's crimes by last outcome, as proportions")
    c.add_argument("--population", type=Path, default=None,
                   help="long-format file with organisations' population: adds rates")
    c.add_argument("--organisation", default=None,
                   help="the force of every record (default: the Falls within column)")
    c.add_argument("--backend", default="duckdb",
                   help="Ibis backend: duckdb (default) or pyspark")


def _aggregate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from perfcore.io.records.engine import write_observations
    keep = None
    if args.plan is not None:
        from perfcore.pipeline import load_plan
        keep = [m.id for m in load_plan(args.plan).plan.measures()]
    message = write_observations(
        args.records, args.output, measures=keep, backend=args.backend,
        last_outcome=args.last_outcome, shares=args.shares, population=args.population,
        organisation=args.organisation)
    err.write(message + "\n")
    return 0


def _catalogue(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from contextlib import redirect_stdout

    from perfcore.plugins import i18n_tools
    if args.action == "domain" and len(args.names) != 1:
        raise OptionError(reason="catalogue domain needs one domain name, e.g. "
                          "`perfcore catalogue domain victims`", option="ARG",
                          value=args.names, allowed="one installed domain")
    with redirect_stdout(out):
        return i18n_tools.main([args.action, *args.names])


def _measures(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from perfcore.plugins import domains
    found = False
    for d in domains():
        if args.domain and d.name != args.domain:
            continue
        found = True
        out.write(f"{d.name}: {d.title}\n")
        for m in d.qualified_measures():
            out.write(f"  {m.id:<45} {m.kind.value:<11} {m.polarity.value:<17} {m.name}\n")
    if args.domain and not found:
        raise OptionError.for_choice("--domain", args.domain, [d.name for d in domains()])
    return 0


def _spc(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import csv

    from perfcore.calc.spc import xmr
    from perfcore.output import format_for
    from perfcore.report.charts.spc import XMR_FORMATS, render_xmr_svg
    chart_format = format_for(args.output, XMR_FORMATS, format=args.format, default="svg")
    if args.lang not in available_languages():  # one chart, one language
        raise OptionError.for_choice("--lang", args.lang, available_languages())
    try:
        with args.csv.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except OSError as exc:
        raise DataError(reason=f"cannot be read: {exc.strerror or exc}",
                        file=str(args.csv)) from exc
    if len(rows) < 2 or len(rows[0]) < 2:
        raise DataError(reason="need a header and at least one row of label,value",
                        file=str(args.csv))
    header = rows[0]
    col = 1 if args.column is None else (header.index(args.column)
                                         if args.column in header else -1)
    if col < 0:
        raise DataError(reason=f"no column {args.column!r}; columns are {header}",
                        file=str(args.csv))
    labels, values, bad = [], [], []
    for n, row in enumerate(rows[1:], start=2):
        labels.append(row[0])
        try:
            values.append(float(row[col].replace(",", "")))
        except (ValueError, IndexError):
            bad.append(f"row {n}: {row[col] if col < len(row) else ''!r}")
    if bad:
        raise DataError(reason=f"{counted(len(bad), 'value')} "
                        f"{'is not a number' if len(bad) == 1 else 'are not numbers'}: "
                        + "; ".join(bad),
                        file=str(args.csv))
    notes = _rebase_notes(args.rebase, labels)
    chart = xmr(values, improvement=args.improvement, target=args.target,
                rebase=sorted(notes) or None, series_id=args.csv.name)
    title = args.title or args.csv.stem
    svg = render_xmr_svg(chart, title=title, labels=labels, lang=args.lang,
                         rebase_notes=notes)
    if chart_format == "html":
        import html

        from perfcore.report.charts.spc import xmr_table_html
        table = xmr_table_html(chart, title=title, labels=labels, lang=args.lang,
                               rebase_notes=notes)
        style = ("body{font-family:Arial,Helvetica,sans-serif;margin:1rem}svg{max-width:100%;"
                 "height:auto}table{border-collapse:collapse;margin-top:1rem}th,td{padding:"
                 ".2rem .6rem;border-bottom:1px solid #ddd;text-align:left;white-space:nowrap}"
                 "td.num{text-align:right}caption{text-align:left;font-weight:bold}")
        svg = (f'<!DOCTYPE html>\n<html lang="{args.lang}">\n<head><meta charset="utf-8">'
               f"<title>{html.escape(title)}</title><style>{style}</style></head>\n<body>\n"
               f"{svg}\n{table}\n</body>\n</html>\n")
    _write(svg, args.output, out)
    return 0


def _rebase_notes(specs: Sequence[str], labels: Sequence[str]) -> dict[int, str]:
    """``--rebase LABEL[=NOTE]`` values as {position: note} ("" when no note is given)."""
    out: dict[int, str] = {}
    for spec in specs:
        label, _sep, note = spec.partition("=")
        if label.strip() not in labels:
            raise OptionError.for_choice("--rebase", label, labels)
        out[labels.index(label.strip())] = note.strip()
    return out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
