"""The ``perfcore`` command: reports, validation, explanations, plugins, measures, SPC charts.

Exit codes: 0 success; 1 the input has problems (plan, data, period, output path: each
problem is listed on stderr); 2 the command line itself is wrong (argparse's usage
error). Nothing here calculates: it loads, calls the library and writes.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from perfcore.errors import PerfcoreError, PerfcoreWarning

__all__ = ["main"]

EXAMPLES = {
    "report": """examples:
  perfcore report examples/gwent/plan-2020-21.toml --period 2020-21
  perfcore report plan.toml --data crime.csv --period 2020-21 --format html -o report.html
  perfcore report plan.toml --period "12 months to June 2020" --format json
  perfcore report plan.toml --period 2020-21 --lang cy --format html -o adroddiad.html
  perfcore report plan.toml --period 2020-21 --lang en+cy     # bilingual, Welsh first""",
    "validate": """examples:
  perfcore validate examples/gwent/plan-2020-21.toml
  perfcore validate plan.toml --data crime.csv outcomes.csv""",
    "explain": """examples:
  perfcore explain examples/gwent/plan-2020-21.toml --period 2020-21 \\
      --measure all_crime --figure change
  perfcore explain plan.toml --period 2020-21 --measure outcome_rate --figure msg.value
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
  perfcore spc monthly.csv --column count --target 4000 --format html -o chart.html
The CSV needs a header; the first column labels the points (e.g. months) and
--column names the values (default: the second column).""",
    "catalogue": """examples:
  perfcore catalogue domain victims > perfcore_victims.pot   # start a plugin's catalogue
  perfcore catalogue compile src/my_plugin/locale/cy/LC_MESSAGES/my_plugin.po
  perfcore catalogue check        # perfcore's own catalogues (for contributors)""",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="perfcore",
        description="Police force performance frameworks: reports, figures and SPC charts.",
        epilog="Exit codes: 0 success, 1 problems with the input (all listed), "
               "2 command-line usage error. Run 'perfcore COMMAND --help' for examples.")
    from perfcore import __version__
    p.add_argument("--version", action="version", version=f"perfcore {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_, description=help_, epilog=EXAMPLES[name],
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    def plan_and_data(c: argparse.ArgumentParser) -> None:
        c.add_argument("plan", type=Path, help="plan file (TOML)")
        c.add_argument("--data", type=Path, nargs="+", default=None, metavar="FILE",
                       help="data files (default: the [[data]] entries of the plan)")
        c.add_argument("--loader", default=None,
                       help="data loader name (default: chosen by file name)")

    def period_args(c: argparse.ArgumentParser) -> None:
        c.add_argument("--period", default=None,
                       help='period to report on, e.g. 2020-21, "Q3 2021-22", '
                            '"12 months to June 2020" (default: the plan\'s [report] period)')
        c.add_argument("--previous", default=None,
                       help="comparison period (default: the same period a year earlier)")
        c.add_argument("--organisation", default=None,
                       help="organisation (default: the plan's organisation)")

    c = command("report", "Evaluate a plan on its data and render a report.")
    plan_and_data(c)
    period_args(c)
    c.add_argument("--format", default="text",
                   help="text, markdown, html, json, csv, or a plugin renderer (default text)")
    c.add_argument("-o", "--output", type=Path, default=None,
                   help="write to this file (default: standard output)")
    c.add_argument("--lang", default="en",
                   help="report language: en, cy, or en+cy for a bilingual report with "
                        "Welsh first (default en)")
    c.add_argument("--translation-fallback", choices=("error", "mark"), default="error",
                   help="a plan text with no translation: stop with an error listing them "
                        "all (default), or show it in English behind a visible marker")
    c.add_argument("--colour", choices=("auto", "always", "never"), default="auto",
                   help="colour in text reports (default: only on a terminal)")

    c = command("validate", "Check a plan (and its data) and list every problem.")
    plan_and_data(c)

    c = command("explain", "Show one figure's inputs, formula and method.")
    plan_and_data(c)
    period_args(c)
    c.add_argument("--measure", required=True, help="measure id")
    c.add_argument("--figure", default="change",
                   help="current, previous, change, absolute_change, lower, upper, "
                        "significant, pvalue, direction, trend, target_status, target_gap, "
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

    c = command("spc", "Chart one series as an XmR chart (SVG or HTML).")
    c.add_argument("csv", type=Path, help="CSV file: label column, then values")
    c.add_argument("--column", default=None, help="values column (default: the second)")
    c.add_argument("--improvement", choices=("increase", "decrease", "neutral"),
                   default="increase", help="which direction is improvement")
    c.add_argument("--target", type=float, default=None, help="target for assurance")
    c.add_argument("--title", default=None, help="chart title (default: the file name)")
    c.add_argument("--format", choices=("svg", "html"), default="svg")
    c.add_argument("--lang", default="en", help="language of the chart's words: en or cy "
                   "(default en)")
    c.add_argument("-o", "--output", type=Path, default=None)
    return p


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    args = _parser().parse_args(argv)
    handler = {"report": _report, "validate": _validate, "explain": _explain,
               "plugins": _plugins, "measures": _measures, "spc": _spc,
               "catalogue": _catalogue, "aggregate": _aggregate}[args.command]
    try:
        with warnings.catch_warnings(record=True) as caught:
            # perfcore's warnings (figures not available, incomplete periods, skipped
            # rows) are part of the answer: say them once each, plainly, on stderr.
            warnings.simplefilter("always", PerfcoreWarning)
            code = handler(args, out, err)
        for w in _unique(caught):
            if issubclass(w.category, PerfcoreWarning):
                err.write(f"perfcore {args.command}: warning: {w.message}\n")
            else:
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        return code
    except PerfcoreError as exc:
        err.write(f"perfcore {args.command}: error: {exc}\n")
        return 1
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


# --------------------------------------------------------------------------- helpers


def _unique(caught: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    seen: set[tuple[type[Warning], str]] = set()
    out = []
    for w in caught:
        key = (w.category, str(w.message))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def _write(text: str, path: Path | None, out: TextIO) -> None:
    if path is None:
        out.write(text)
        return
    from perfcore.errors import OutputError
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}", path=str(path)) from exc


def _load(args: argparse.Namespace, err: TextIO) -> tuple[Any, Any]:
    from perfcore.io import StderrProgress
    from perfcore.pipeline import load_data, load_plan
    plan_file = load_plan(args.plan)
    # Drawn only when stderr is a terminal, and only for more than one file.
    progress = StderrProgress(err)
    dataset = load_data(plan_file, files=args.data, loader=args.loader, progress=progress)
    return plan_file, dataset


def _evaluate(args: argparse.Namespace, plan_file: Any, dataset: Any) -> Any:
    from perfcore.pipeline import evaluate_plan
    return evaluate_plan(plan_file, dataset, period=args.period, previous=args.previous,
                         organisation=args.organisation)


def _report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from perfcore.i18n import parse_languages
    from perfcore.pipeline import render, report_plan, score_plan
    from perfcore.plugins import renderers
    by_name = {r.name: r for r in renderers()}
    if args.format not in by_name:
        from perfcore.errors import OptionError
        raise OptionError.for_choice("--format", args.format, sorted(by_name))
    parse_languages(args.lang, option="--lang")  # before any loading: fail fast
    plan_file, dataset = _load(args, err)
    ev = _evaluate(args, plan_file, dataset)
    scores = score_plan(plan_file, ev)
    report = report_plan(plan_file, ev, scores, lang=args.lang,
                         fallback=args.translation_fallback, organisation=args.organisation)
    options: dict[str, Any] = {}
    if args.format == "text":
        tty = args.output is None and out.isatty()
        options["colour"] = args.colour == "always" or (args.colour == "auto" and tty)
    _write(render(report, args.format, **options), args.output, out)
    if args.output is not None:
        err.write(f"wrote {args.output}\n")
    return 0


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from perfcore.errors import PlanValidationError
    try:
        plan_file, dataset = _load(args, err)
    except PlanValidationError as exc:
        problems = exc.fields.get("problems", ())
        for p in problems:
            err.write(f"{p}\n")
        out.write(f"{args.plan}: {len(problems)} problem(s)\n")
        return 1
    plan = plan_file.plan
    problems = [f"measure {m.id!r} has no observations in the data"
                for m in plan.measures()
                if m.kind.value != "qualitative" and m.id not in dataset.measures]
    for p in problems:
        err.write(f"{args.plan}: {p}\n")
    n = sum(1 for _ in plan.measures())
    out.write(f"{args.plan}: {n} measures in {len(plan.priorities)} priorities; "
              f"{len(dataset)} observations; {len(problems)} problem(s)\n")
    return 1 if problems else 0


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    plan_file, dataset = _load(args, err)
    ev = _evaluate(args, plan_file, dataset)
    organisation = args.organisation or plan_file.organisation
    if args.figure == "status":
        from perfcore.pipeline import score_plan
        score = score_plan(plan_file, ev).score(args.measure, organisation)
        out.write(score.explain() + "\n")
        return 0
    out.write(str(ev.explain(args.measure, args.figure, organisation)) + "\n")
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
        from perfcore.errors import OptionError
        raise OptionError("catalogue domain needs one domain name, e.g. "
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
        from perfcore.errors import OptionError
        raise OptionError.for_choice("--domain", args.domain, [d.name for d in domains()])
    return 0


def _spc(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import csv

    from perfcore.calc.spc import xmr
    from perfcore.errors import DataError, OptionError
    from perfcore.i18n import available_languages
    from perfcore.report.charts.spc import render_xmr_svg
    if args.lang not in available_languages():  # one chart, one language
        raise OptionError.for_choice("--lang", args.lang, available_languages())
    try:
        with args.csv.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except OSError as exc:
        raise DataError(f"cannot read {args.csv}: {exc.strerror or exc}",
                        path=str(args.csv)) from exc
    if len(rows) < 2 or len(rows[0]) < 2:
        raise DataError(f"{args.csv}: need a header and at least one row of label,value",
                        path=str(args.csv))
    header = rows[0]
    col = 1 if args.column is None else (header.index(args.column)
                                         if args.column in header else -1)
    if col < 0:
        raise DataError(f"{args.csv}: no column {args.column!r}; columns are {header}",
                        path=str(args.csv))
    labels, values, bad = [], [], []
    for n, row in enumerate(rows[1:], start=2):
        labels.append(row[0])
        try:
            values.append(float(row[col].replace(",", "")))
        except (ValueError, IndexError):
            bad.append(f"row {n}: {row[col] if col < len(row) else ''!r}")
    if bad:
        raise DataError(f"{args.csv}: {len(bad)} value(s) are not numbers: " + "; ".join(bad),
                        path=str(args.csv))
    chart = xmr(values, improvement=args.improvement, target=args.target,
                series_id=args.csv.name)
    title = args.title or args.csv.stem
    svg = render_xmr_svg(chart, title=title, labels=labels, lang=args.lang)
    if args.format == "html":
        import html
        svg = (f'<!DOCTYPE html>\n<html lang="{args.lang}">\n<head><meta charset="utf-8">'
               f"<title>{html.escape(title)}</title></head>\n<body>\n{svg}\n</body>\n</html>\n")
    _write(svg, args.output, out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
