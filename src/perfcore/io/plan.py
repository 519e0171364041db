"""Plan files: a TOML description of a performance framework and how to report on it.

:func:`load_plan` reads one (the format is in ``docs/plan-files.md`` and the JSON Schema
``perfcore/data/plan.schema.json``) and returns a :class:`PlanFile`. The whole file is
checked before anything is returned: every problem — an unknown key, a measure id no
plugin defines, a bad polarity, a comparator naming an unknown force, a missing data file,
a scorer option the scorer does not take — is listed in one
:class:`~perfcore.errors.PlanValidationError`, each as ``file:line path: message``.

The allowed keys are read from the shipped JSON Schema, so the schema that editors use
and the loader cannot disagree.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from perfcore.errors import (
    PerfcoreError,
    PlanProblem,
    PlanSyntaxError,
    PlanValidationError,
    UnknownMeasureError,
)
from perfcore.model import ManualAssessment, Measure, Plan
from perfcore.organisations import ComparatorGroup, default_registry
from perfcore.periods import Period, parse_period

if TYPE_CHECKING:
    from perfcore.dataset import Dataset
    from perfcore.evaluate import Evaluation
    from perfcore.i18n import Fallback
    from perfcore.report.model import Report

__all__ = ["DataSource", "Display", "ManualAssessment", "PlanFile", "ReportSettings",
           "load_plan", "loads_plan", "plan_schema"]

FORMAT = "perfcore-plan/1"
ENGLISH = "en"
STATUSES = ("green", "amber", "red", "grey")
#: Measure kinds whose values are whole numbers by default: [display] decimals leaves them
#: alone (58577 must not become 58577.0) unless the measure sets its own decimals.
_WHOLE_KINDS = frozenset({"count", "money", "qualitative"})


@cache
def plan_schema() -> Mapping[str, Any]:
    """The JSON Schema of plan files (draft 2020-12), as shipped with perfcore."""
    text = resources.files("perfcore").joinpath("data/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _keys(definition: str | None) -> tuple[str, ...]:
    """Allowed keys of a table: the properties of a schema definition (None: the root)."""
    schema = plan_schema()
    node = schema if definition is None else schema["$defs"][definition]
    return tuple(node["properties"])


# --------------------------------------------------------------------------- values


@attrs.frozen(kw_only=True)
class DataSource:
    """One ``[[data]]`` entry: a file, the loader to read it with (None: chosen by the
    file's name) and the loader's options."""

    path: Path
    loader: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Display:
    """The ``[display]`` table: how figures are shown."""

    decimals: int | None = None
    change_decimals: int = 1
    thousands: bool = False
    history: tuple[Period, ...] = ()
    labels: Mapping[str, str] = attrs.field(factory=dict)

    def decimals_for(self, plan: Plan) -> dict[str, int]:
        """Display decimals per measure id: the measure's own, else ``decimals`` for
        measures shown with fractions (rates, proportions, means); counts and money stay
        whole unless the measure says otherwise."""
        out = {}
        for m in plan.measures():
            if m.decimals is not None:
                out[m.id] = m.decimals
            elif self.decimals is not None and m.kind.value not in _WHOLE_KINDS:
                out[m.id] = self.decimals
        return out


@attrs.frozen(kw_only=True)
class ReportSettings:
    """The ``[report]`` table: the period a report is for, by default."""

    period: Period | None = None
    previous: Period | None = None
    organisation: str | None = None


@attrs.frozen(kw_only=True)
class PlanFile:
    """Everything a plan file says. ``texts`` maps each language other than English to
    ``{English text: translation}``; ``scoring`` is a
    :class:`perfcore.scoring.ScoringConfig` when the scoring framework is installed
    (``scoring_data`` keeps the mapping it was built from)."""

    file: Path | None
    plan: Plan
    comparators: tuple[ComparatorGroup, ...] = ()
    data: tuple[DataSource, ...] = ()
    display: Display = Display()
    report: ReportSettings = ReportSettings()
    manual: Mapping[str, ManualAssessment] = attrs.field(factory=dict)
    texts: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    scoring: Any = None
    scoring_data: Mapping[str, Any] = attrs.field(factory=dict)
    lines: Mapping[str, int] = attrs.field(factory=dict, repr=False, eq=False)

    def line_of(self, path: str) -> int | None:
        """The line of the plan file where ``path`` (``priorities[0].title``) is set."""
        return _line_of(self.lines, path)

    def load_data(self, *, progress: Any = None) -> Dataset:
        """The plan's ``[[data]]`` files, each through its loader, as one Dataset, with
        the plan's plugin-derived measures added (:func:`perfcore.derive.derive_measures`).
        ``progress`` is called ``(done, total, file name)`` after each file."""
        from perfcore.dataset import Dataset
        from perfcore.errors import DataError
        from perfcore.io import load_data
        if not self.data:
            raise DataError(f"no data: the plan {self.file or ''} has no [[data]] entries",
                            path=None if self.file is None else str(self.file))
        parts = []
        for k, src in enumerate(self.data, start=1):
            parts.append(load_data(src.path, loader=src.loader, progress=False,
                                   **dict(src.options)))
            if progress and len(self.data) > 1:
                progress(k, len(self.data), src.path.name)
        dataset = parts[0] if len(parts) == 1 else Dataset.concat(parts)
        from perfcore.derive import derive_measures  # plugin-derived measures (issue 14)
        from perfcore.plugins import registry
        return derive_measures(self.plan, dataset, registry())

    def evaluate(self, dataset: Dataset, *, period: str | Period | None = None,
                 previous: str | Period | None = None, organisation: str | None = None,
                 measures: Sequence[str] | None = None) -> Evaluation:
        """Evaluate the plan on ``dataset`` against its comparators. The period, previous
        period and organisation default to the ``[report]`` table, then the plan's
        organisation."""
        from perfcore.errors import PeriodError
        from perfcore.evaluate import evaluate
        period = period or self.report.period
        if period is None:
            raise PeriodError(f"which period? give one, or set period in the [report] "
                              f"table of {self.file or 'the plan'}", text=None)
        return evaluate(self.plan, dataset, period=period,
                        previous=previous or self.report.previous,
                        organisation=(organisation or self.report.organisation
                                      or self.plan.organisation or None),
                        compare_with=list(self.comparators), measures=measures)

    def build_report(self, evaluation: Evaluation, *, dataset: Dataset | None = None,
                     scores: Any = None, lang: str = "en", fallback: Fallback = "error",
                     organisation: str | None = None) -> Report:
        """Lay out ``evaluation`` as the plan's ``[display]`` table says, with its texts
        in ``lang`` (``"cy"``, ``"en+cy"``). ``dataset`` supplies the history columns."""
        from perfcore.report.model import build_report
        d = self.display
        return build_report(evaluation, organisation=organisation, scores=scores,
                            decimals=d.decimals_for(self.plan),
                            change_decimals=d.change_decimals, thousands=d.thousands,
                            labels=d.labels, dataset=dataset,
                            history_periods=d.history if dataset is not None else (),
                            lang=lang, texts=self.texts, fallback=fallback)


# --------------------------------------------------------------------------- lines


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


def _line_of(lines: Mapping[str, int], path: str) -> int | None:
    """The line of ``path``, or of the nearest enclosing key or table that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


# --------------------------------------------------------------------------- loading


def load_plan(path: str | Path) -> PlanFile:
    """Read and validate a plan file. Relative data paths are relative to its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanValidationError.from_problems(
            [PlanProblem(f"cannot read the plan file: {exc.strerror or exc}", file=str(path))],
            file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise PlanValidationError.from_problems(
            [PlanProblem(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                         file=str(path))], file=str(path)) from exc
    return loads_plan(text, file=path, base_dir=path.parent)


def loads_plan(text: str, *, file: str | Path | None = None,
               base_dir: str | Path | None = None) -> PlanFile:
    """Validate a plan from TOML text; ``file`` names it in messages, ``base_dir`` is
    where relative data paths start (default: the current folder)."""
    name = None if file is None else str(file)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(where.group(1)) if where else None
        column = int(where.group(2)) if where else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if line is None and "end of document" in message:
            line = text.count("\n") + 1
        loc = ":".join(str(p) for p in (name, line, column) if p is not None)
        raise PlanSyntaxError(f"{loc}: not valid TOML: {reason}" if loc
                              else f"not valid TOML: {reason}",
                              file=name, line=line, column=column) from None
    builder = _Builder(raw, file=name, lines=toml_lines(text),
                       base_dir=Path(base_dir) if base_dir is not None else Path.cwd())
    plan_file = builder.build(None if file is None else Path(file))
    if builder.problems:
        problems = sorted(builder.problems,
                          key=lambda p: (p.line if p.line is not None else 0, p.path or ""))
        raise PlanValidationError.from_problems(problems, file=name)
    assert plan_file is not None
    return plan_file


class _Builder:
    """One pass over the parsed TOML, collecting problems instead of stopping at the
    first."""

    def __init__(self, raw: Mapping[str, Any], *, file: str | None, lines: Mapping[str, int],
                 base_dir: Path) -> None:
        self.raw = raw
        self.file = file
        self.lines = lines
        self.base_dir = base_dir
        self.problems: list[PlanProblem] = []
        self.texts: dict[str, dict[str, str]] = {}
        self._text_where: dict[tuple[str, str], str] = {}
        self.manual: dict[str, ManualAssessment] = {}
        self.scorers: dict[str, dict[str, Any]] = {}
        self.measure_paths: dict[str, str] = {}

    # ------------------------------------------------------------------ helpers

    def problem(self, path: str, message: str) -> None:
        self.problems.append(PlanProblem(message, file=self.file,
                                         line=_line_of(self.lines, path), path=path))

    def table(self, value: Any, path: str, definition: str | None,
              what: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(path, f"{what} must be a table, not {_type(value)}")
            return None
        allowed = _keys(definition)
        for key in value:
            if key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                self.problem(_join(path, key), f"unknown key {key!r} in {what}{hint} "
                             f"(allowed: {', '.join(allowed)})")
        return value

    def tables(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"must be an array of tables ([[{path}]]), not {_type(value)}")
            return []
        return value

    def text(self, value: Any, path: str, *, required: bool = False) -> str | None:
        """English text from a string or a ``{ en = ..., cy = ... }`` table; the other
        languages go to ``texts``."""
        if value is None:
            if required:
                self.problem(path, "is required")
            return None
        if isinstance(value, str):
            return value
        if not isinstance(value, Mapping):
            self.problem(path, f"must be text or a table of languages "
                         f"({{ en = \"...\", cy = \"...\" }}), not {_type(value)}")
            return None
        bad = [k for k in value if not re.fullmatch(r"[a-z]{2,3}", str(k))]
        for k in bad:
            self.problem(_join(path, k), f"{k!r} is not a language code (such as en or cy)")
        for k, v in value.items():
            if not isinstance(v, str):
                self.problem(_join(path, k), f"must be text, not {_type(v)}")
        if ENGLISH not in value:
            self.problem(path, "has no English text: give `en` (English is the source "
                         f"language; found {', '.join(sorted(map(str, value)))})")
            return None
        english = value[ENGLISH]
        if not isinstance(english, str):
            return None
        for lang, translation in value.items():
            if lang == ENGLISH or lang in bad or not isinstance(translation, str):
                continue
            known = self.texts.setdefault(lang, {})
            if english in known and known[english] != translation:
                first = self._text_where[(lang, english)]
                self.problem(path, f"{english!r} has two different {lang} translations "
                             f"({known[english]!r} at {first} and {translation!r} here); "
                             "one English text has one translation per language")
                continue
            known[english] = translation
            self._text_where.setdefault((lang, english), path)
        return english

    def period(self, value: Any, path: str) -> Period | None:
        if value is None:
            return None
        try:
            return parse_period(value)
        except PerfcoreError as exc:
            self.problem(path, str(exc))
            return None

    # ------------------------------------------------------------------ build

    def build(self, file: Path | None) -> PlanFile | None:
        raw = self.table(self.raw, "", None, "the plan file")
        if raw is None:
            return None
        fmt = raw.get("format", FORMAT)
        if fmt != FORMAT:
            self.problem("format", f"unknown format {fmt!r}; this perfcore reads {FORMAT!r}")
        if "plan" not in raw:
            self.problem("plan", "the file has no [plan] table (title, organisation, period)")
        plan = self.plan(raw.get("plan", {}), raw.get("priorities"))
        display = self.display(raw.get("display"))
        report = self.report(raw.get("report"))
        comparators = self.comparators(raw.get("comparators"))
        data = self.data(raw.get("data"))
        scoring, scoring_data = self.scoring(raw.get("scoring"), plan)
        if plan is None or self.problems:
            return None
        return PlanFile(file=file, plan=plan, comparators=comparators, data=data,
                        display=display, report=report, manual=dict(self.manual),
                        texts={k: dict(v) for k, v in self.texts.items()}, scoring=scoring,
                        scoring_data=scoring_data, lines=dict(self.lines))

    def plan(self, value: Any, priorities: Any) -> Plan | None:
        top = self.table(value, "plan", "plan", "[plan]")
        mapping: dict[str, Any] = {}
        if top is not None:
            mapping = {k: v for k, v in top.items() if k in _keys("plan")}
            if "title" in mapping:
                mapping["title"] = self.text(mapping["title"], "plan.title")
            elif "plan" in self.raw:
                self.problem("plan", "[plan] needs a title")
        plist = []
        for i, pdata in enumerate(self.tables(priorities, "priorities")):
            ppath = f"priorities[{i}]"
            p = self.table(pdata, ppath, "priority", "a priority")
            if p is None:
                continue
            pmap = self._texts(p, ppath, ("title", "lead", "board", "assessment_type"))
            outcomes = []
            for j, odata in enumerate(self.tables(p.get("outcomes"), f"{ppath}.outcomes")):
                opath = f"{ppath}.outcomes[{j}]"
                o = self.table(odata, opath, "outcome", "an outcome")
                if o is None:
                    continue
                omap = self._texts(o, opath, ("statement",))
                omap["measures"] = [
                    m for k, mdata in enumerate(self.tables(o.get("measures"),
                                                            f"{opath}.measures"))
                    if (m := self.measure(mdata, f"{opath}.measures[{k}]")) is not None]
                outcomes.append(omap)
            pmap["outcomes"] = outcomes
            plist.append(pmap)
        if any(p.path is not None and p.path.startswith(("plan", "priorities"))
               for p in self.problems):
            return None
        try:
            return Plan.from_mapping({**mapping, "priorities": plist}, file=self.file)
        except PlanValidationError as exc:
            for p in exc.fields.get("problems", ()):
                path = p.path or ""
                if not path.startswith("priorities"):
                    path = _join("plan", path)
                self.problem(path, p.message)
            return None

    def _texts(self, table: Mapping[str, Any], path: str,
               fields: Sequence[str]) -> dict[str, Any]:
        out = dict(table)
        for f in fields:
            if f in out:
                out[f] = self.text(out[f], _join(path, f))
        return out

    def measure(self, value: Any, path: str) -> dict[str, Any] | None:
        m = self.table(value, path, "measure", "a measure")
        if m is None:
            return None
        entry = self._texts(m, path, ("name", "unit", "description", "source"))
        manual: dict[str, Any] = {k: entry.pop(k)
                                  for k in ("status", "as_of", "commentary", "evidence")
                                  if k in entry}
        scorer = entry.pop("scorer", None)
        if "use" in entry:
            base = self.plugin_measure(entry.pop("use"), _join(path, "use"))
            if base is None:
                return None
            fields = {a.name: getattr(base, a.name) for a in attrs.fields(Measure)}
            fields["kind"], fields["polarity"] = base.kind.value, base.polarity.value
            entry = {**fields, **entry}
        ident = entry.get("id")
        if isinstance(ident, str):
            if ident in self.measure_paths:
                self.problem(_join(path, "id"), f"measure id {ident!r} is already used at "
                             f"{self.measure_paths[ident]}")
            self.measure_paths.setdefault(ident, path)
        try:
            Measure.from_mapping(entry)
        except PerfcoreError as exc:
            field = exc.fields.get("field")
            obj = str(exc.fields.get("obj", ""))
            sub = "target" if obj == "target" else field if isinstance(field, str) else ""
            if obj == "target" and field not in (None, "target"):
                sub = f"target.{field}"
            self.problem(_join(path, sub if sub != "measure" else ""), str(exc))
            return None
        kind = str(entry.get("kind", ""))
        if scorer is not None:
            if not isinstance(scorer, Mapping):
                self.problem(_join(path, "scorer"), "must be a table such as "
                             "{ scorer = \"comparator\", against = \"msg\" }")
            elif isinstance(ident, str):
                self.scorers[ident] = dict(scorer)
        if manual:
            self.assessment(manual, path, str(ident), kind)
        return entry

    def plugin_measure(self, use: Any, path: str) -> Measure | None:
        if not isinstance(use, str):
            self.problem(path, f"must be a measure id such as 'victims.x', not {_type(use)}")
            return None
        from perfcore.plugins import get_measure
        try:
            return get_measure(use)
        except UnknownMeasureError as exc:
            self.problem(path, f"{exc} (list them with `perfcore measures`)")
        except PerfcoreError as exc:
            self.problem(path, str(exc))
        return None

    def assessment(self, manual: Mapping[str, Any], path: str, ident: str,
                   kind: str) -> None:
        if kind != "qualitative":
            first = next(iter(manual))
            self.problem(_join(path, first), f"{first} is for qualitative items (kind = "
                         f"\"qualitative\"); measure {ident!r} is a {kind or '?'} measure, "
                         "scored from its figures")
            return
        status = manual.get("status", "grey")
        if status not in STATUSES:
            near = difflib.get_close_matches(str(status), STATUSES, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            self.problem(_join(path, "status"), f"status must be one of "
                         f"{', '.join(STATUSES)}, not {status!r}{hint}")
            return
        evidence = manual.get("evidence", [])
        if not isinstance(evidence, list):
            self.problem(_join(path, "evidence"), "must be a list of texts")
            evidence = []
        items = tuple(t for k, e in enumerate(evidence)
                      if (t := self.text(e, f"{path}.evidence[{k}]")) is not None)
        self.manual[ident] = ManualAssessment(
            status=status, as_of=self.period(manual.get("as_of"), _join(path, "as_of")),
            commentary=self.text(manual.get("commentary"), _join(path, "commentary")) or "",
            evidence=items)

    def display(self, value: Any) -> Display:
        if value is None:
            return Display()
        d = self.table(value, "display", "display", "[display]")
        if d is None:
            return Display()
        kwargs: dict[str, Any] = {}
        for key in ("decimals", "change_decimals"):
            if key in d:
                v = d[key]
                if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 6:
                    self.problem(f"display.{key}", f"must be a whole number from 0 to 6, "
                                 f"not {v!r}")
                else:
                    kwargs[key] = v
        if "thousands" in d:
            if isinstance(d["thousands"], bool):
                kwargs["thousands"] = d["thousands"]
            else:
                self.problem("display.thousands", "must be true or false")
        history = d.get("history", [])
        if isinstance(history, list):
            kwargs["history"] = tuple(p for k, h in enumerate(history)
                                      if (p := self.period(h, f"display.history[{k}]")))
        else:
            self.problem("display.history", "must be a list of periods such as "
                         "[\"2018-19\", \"2019-20\"]")
        labels = d.get("labels", {})
        if isinstance(labels, Mapping):
            kwargs["labels"] = {str(k): t for k, v in labels.items()
                                if (t := self.text(v, f"display.labels.{k}")) is not None}
        else:
            self.problem("display.labels", "must be a table of column key = heading")
        return Display(**kwargs)

    def report(self, value: Any) -> ReportSettings:
        if value is None:
            return ReportSettings()
        r = self.table(value, "report", "report", "[report]")
        if r is None:
            return ReportSettings()
        org = r.get("organisation")
        if org is not None and not isinstance(org, str):
            self.problem("report.organisation", "must be a force name or ONS code")
            org = None
        return ReportSettings(period=self.period(r.get("period"), "report.period"),
                              previous=self.period(r.get("previous"), "report.previous"),
                              organisation=org)

    def comparators(self, value: Any) -> tuple[ComparatorGroup, ...]:
        out = []
        registry = default_registry()
        for i, cdata in enumerate(self.tables(value, "comparators")):
            path = f"comparators[{i}]"
            c = self.table(cdata, path, "comparator", "a comparator")
            if c is None:
                continue
            try:
                if "msg" in c and "area" in c:
                    self.problem(path, "give either msg (a Most Similar Group) or area, "
                                 "not both")
                elif "msg" in c:
                    missing = [k for k in ("members", "version") if k not in c]
                    if missing:
                        self.problem(path, f"a Most Similar Group needs "
                                     f"{' and '.join(missing)} (membership is configuration, "
                                     "with the version of the published grouping)")
                        continue
                    if not isinstance(c["members"], list) or not c["members"]:
                        self.problem(_join(path, "members"), "must be a list of forces")
                        continue
                    out.append(ComparatorGroup.msg(
                        c["msg"], c["members"], version=str(c["version"]),
                        source=str(c.get("source", "")), as_of=str(c.get("as_of", "")),
                        illustrative=bool(c.get("illustrative", False)), registry=registry))
                elif "area" in c:
                    out.append(registry.group(c["area"]))
                else:
                    self.problem(path, "a comparator needs msg (the force whose Most Similar "
                                 "Group it is) or area (England and Wales, Wales, a region)")
            except PerfcoreError as exc:
                self.problem(_join(path, "members" if "msg" in c else "area"), str(exc))
        ids = [g.id for g in out]
        for gid in sorted({g for g in ids if ids.count(g) > 1}):
            self.problem("comparators", f"two comparators are the same group {gid!r}")
        return tuple(out)

    def data(self, value: Any) -> tuple[DataSource, ...]:
        out = []
        names: Sequence[str] | None = None
        for i, ddata in enumerate(self.tables(value, "data")):
            path = f"data[{i}]"
            d = self.table(ddata, path, "data", "a [[data]] entry")
            if d is None:
                continue
            if not isinstance(d.get("path"), str) or not d["path"]:
                self.problem(_join(path, "path"), "a [[data]] entry needs a path")
                continue
            file = (self.base_dir / d["path"]).resolve()
            if not file.is_file():
                self.problem(_join(path, "path"), f"no such data file: {file}")
            loader = d.get("loader")
            if loader is not None:
                if names is None:
                    from perfcore.plugins import loaders
                    names = [spec.name for spec in loaders()]
                if loader not in names:
                    near = difflib.get_close_matches(str(loader), names, n=1)
                    hint = f"; did you mean {near[0]!r}?" if near else ""
                    self.problem(_join(path, "loader"), f"no loader {loader!r}{hint} "
                                 f"(installed: {', '.join(sorted(names))})")
            options = d.get("options", {})
            if not isinstance(options, Mapping):
                self.problem(_join(path, "options"), "must be a table of loader options")
                options = {}
            out.append(DataSource(path=file, loader=loader,
                                  options={k: self._option_path(v) for k, v in options.items()}))
        return tuple(out)

    def _option_path(self, value: Any) -> Any:
        # A loader option naming a file next to the plan (ons_pfa's population table) is
        # resolved like [[data]] paths; anything else is passed through unchanged.
        if isinstance(value, str) and ("/" in value or value.endswith((".csv", ".ods"))):
            candidate = self.base_dir / value
            if candidate.is_file():
                return candidate.resolve()
        return value

    def scoring(self, value: Any, plan: Plan | None) -> tuple[Any, dict[str, Any]]:
        table: Mapping[str, Any] = {}
        if value is not None:
            checked = self.table(value, "scoring", "scoring", "[scoring]")
            table = checked if checked is not None else {}
        data: dict[str, Any] = {k: v for k, v in table.items()}
        measures = dict(data.get("measures", {}) or {})
        from_measure = set()
        for ident, choice in self.scorers.items():
            if ident in measures:
                self.problem(_join(self.measure_paths[ident], "scorer"),
                             f"measure {ident!r} also has a scorer in [scoring.measures]; "
                             "give it in one place")
            measures[ident] = choice
            from_measure.add(ident)
        if measures:
            data["measures"] = measures
        if self.manual:
            data["manual"] = {k: {"status": a.status,
                                  **({"as_of": str(a.as_of)} if a.as_of else {}),
                                  "commentary": a.commentary, "evidence": list(a.evidence)}
                              for k, a in self.manual.items()}
        if plan is None:
            return None, data
        try:
            from perfcore.scoring import ScoringConfig
        except ImportError:
            return None, data
        try:
            config = ScoringConfig.from_mapping(
                data, measure_ids=[m.id for m in plan.measures()],
                priority_ids=[p.id for p in plan.priorities], file=self.file)
        except PlanValidationError as exc:
            for p in exc.fields.get("problems", ()):
                self.problem(self._scoring_path(p.path or "", from_measure), p.message)
            return None, data
        return config, data

    def _scoring_path(self, path: str, from_measure: set[str]) -> str:
        """Where in the file a scoring problem is: the measure's own ``scorer`` table or
        qualitative fields when it came from there, else ``[scoring]``."""
        head, _, rest = path.partition(".")
        ident, _, tail = rest.partition(".")
        for known in sorted(self.measure_paths, key=len, reverse=True):
            # Measure ids may contain dots (victims.x): match the longest known id.
            if rest == known or rest.startswith(known + "."):
                ident, tail = known, rest[len(known) + 1:]
                break
        if head == "measures" and ident in from_measure:
            return _join(_join(self.measure_paths[ident], "scorer"), tail)
        if head == "manual" and ident in self.measure_paths:
            return _join(self.measure_paths[ident], tail or "status")
        return _join("scoring", path)


def _join(path: str, key: str) -> str:
    if not key:
        return path
    if not path:
        return key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def _type(value: Any) -> str:
    return {str: "text", bool: "true/false", int: "a number", float: "a number",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def iter_problem_lines(exc: PlanValidationError) -> Iterator[str]:
    """One line per problem, ``file:line path: message`` (for command-line output)."""
    for p in exc.fields.get("problems", ()):
        yield str(p)

