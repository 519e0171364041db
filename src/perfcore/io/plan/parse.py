"""Reading a plan file: TOML text → :class:`~perfcore.io.plan.PlanFile`, validated whole.

:func:`read_plan` checks the whole file before anything is returned: every problem — an
unknown key, a measure id no plugin defines, a bad polarity, a comparator naming an
unknown force, a missing data file, a scorer option the scorer does not take — is listed
in one :class:`~perfcore.errors.PlanValidationError`, each as ``file:line path: message``.
The allowed keys come from the shipped JSON Schema (:mod:`.schema`).

Parsing only: the plugin registry (for plugin measures and loader names) is passed in, and
checks that belong to later stages (the scoring table against the installed scorers) come
in as a callback, so that this module imports no later stage.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs

from perfcore.codes import MeasureKind, Status
from perfcore.dataset import AGGREGATIONS, Aggregation
from perfcore.errors import (
    LoaderSelectionError,
    ModelError,
    OptionError,
    PerfcoreError,
    PlanProblem,
    PlanSyntaxError,
    PlanValidationError,
    UnknownMeasureError,
    did_you_mean,
)
from perfcore.io import choose_loader
from perfcore.io.options import check_option, option_types, path_options
from perfcore.io.plan.lines import line_of, toml_lines
from perfcore.io.plan.paths import data_root as plan_data_root
from perfcore.io.plan.paths import resolve_data_path
from perfcore.io.plan.records import DataSource, PlanFile, ReportSettings
from perfcore.io.plan.schema import FORMAT, table_keys
from perfcore.labels import SUPPRESSION_SYMBOLS
from perfcore.model import Display, ManualAssessment, Measure, Plan, SpcSettings, Target
from perfcore.organisations import ComparatorGroup, default_registry
from perfcore.periods import Period, parse_period
from perfcore.plugins.specs import LoaderSpec

__all__ = ["PlanRegistry", "ScoringCheck", "iter_problem_lines", "read_plan", "read_plan_text"]

ENGLISH = "en"


class PlanRegistry(Protocol):
    """What the parser asks of the plugin registry (:class:`perfcore.plugins.Registry`)."""

    def get_measure(self, measure_id: str) -> Measure: ...

    @property
    def loaders(self) -> Sequence[Any]: ...


#: Checks the plan's scoring table (``PlanFile.scoring_data``) once the plan is built;
#: returns the configuration built from it and the problems found, with paths inside the
#: scoring table (``"measures.all_crime.against"``).
ScoringCheck = Callable[[PlanFile], tuple[Any, Sequence[PlanProblem]]]


# --------------------------------------------------------------------------- loading


def read_plan(path: str | Path, *, registry: PlanRegistry,
              check_scoring: ScoringCheck | None = None,
              data_root: str | Path | None = None) -> PlanFile:
    """Read and validate a plan file (UTF-8, with or without a byte-order mark). Relative
    data paths are relative to its folder, and every data path must lie inside
    ``data_root`` (default: the plan's project, see :mod:`.paths`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PlanValidationError.from_problems(
            [PlanProblem(f"cannot read the plan file: {exc.strerror or exc}", file=str(path))],
            file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise PlanValidationError.from_problems(
            [PlanProblem(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                         file=str(path))], file=str(path)) from exc
    return read_plan_text(text, file=path, base_dir=path.parent, registry=registry,
                          check_scoring=check_scoring, data_root=data_root)


def read_plan_text(text: str, *, registry: PlanRegistry, file: str | Path | None = None,
                   base_dir: str | Path | None = None,
                   check_scoring: ScoringCheck | None = None,
                   data_root: str | Path | None = None) -> PlanFile:
    """Validate a plan from TOML text; ``file`` names it in messages, ``base_dir`` is
    where relative data paths start (default: the current folder), ``data_root`` the
    folder every data path must lie in (default: ``base_dir``'s project, see
    :mod:`.paths`)."""
    name = None if file is None else str(file)
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors save
    try:
        raw = tomllib.loads(text)
    except RecursionError:
        raise PlanSyntaxError(reason="values are nested too deeply to read (tables or lists "
                              "inside one another hundreds of levels deep)",
                              file=name) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(where.group(1)) if where else None
        column = int(where.group(2)) if where else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if line is None and "end of document" in message:
            line = text.count("\n") + 1
        raise PlanSyntaxError(reason=reason, file=name, line=line, column=column) from None
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    builder = _Builder(raw, file=name, lines=toml_lines(text), base_dir=base,
                       registry=registry, data_root=data_root)
    plan_file = builder.build(None if file is None else Path(file))
    if plan_file is not None and check_scoring is not None:
        plan_file = builder.check_scoring(plan_file, check_scoring)
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
                 base_dir: Path, registry: PlanRegistry,
                 data_root: str | Path | None = None) -> None:
        self.raw = raw
        self.registry = registry
        self.file = file
        self.lines = lines
        self.base_dir = base_dir
        self.root_chosen = data_root is not None
        self.root = (Path(data_root).resolve() if data_root is not None
                     else plan_data_root(base_dir))
        self.problems: list[PlanProblem] = []
        self.texts: dict[str, dict[str, str]] = {}
        self._text_where: dict[tuple[str, str], str] = {}
        self.manual: dict[str, ManualAssessment] = {}
        self.scorers: dict[str, dict[str, Any]] = {}
        self.measure_paths: dict[str, str] = {}
        self.from_measure: set[str] = set()

    # ------------------------------------------------------------------ helpers

    def problem(self, path: str, message: str) -> None:
        self.problems.append(PlanProblem(message, file=self.file,
                                         line=line_of(self.lines, path), path=path))

    def table(self, value: Any, path: str, definition: str | None,
              what: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(path, f"{what} must be a table, not {_type(value)}")
            return None
        allowed = table_keys(definition)
        for key in value:
            if key not in allowed:
                self.problem(_join(path, key), f"unknown key {key!r} in {what}"
                             f"{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)})")
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
                         f"({{ en = \"...\", cy = \"...\" }}), not {_type(value)}: {_shown(value)}")
            return None
        bad = [k for k in value if not re.fullmatch(r"[a-z]{2,3}", str(k))]
        for k in bad:
            self.problem(_join(path, k), f"{k!r} is not a language code (such as en or cy)")
        for k, v in value.items():
            if not isinstance(v, str):
                self.problem(_join(path, k), f"must be text, not {_type(v)}: {_shown(v)}")
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
        spc = self.spc_defaults(raw.get("spc"))
        report = self.report(raw.get("report"), plan)
        comparators = self.comparators(raw.get("comparators"))
        data = self.data(raw.get("data"))
        scoring_data = self.scoring(raw.get("scoring"))
        if plan is None or self.problems:
            return None
        return PlanFile(file=file, plan=plan, comparators=comparators, data=data,
                        display=display, spc=spc, report=report, manual=dict(self.manual),
                        texts={k: dict(v) for k, v in self.texts.items()},
                        scoring_data=scoring_data, lines=dict(self.lines),
                        measure_paths=dict(self.measure_paths))

    def plan(self, value: Any, priorities: Any) -> Plan | None:
        top = self.table(value, "plan", "plan", "[plan]")
        mapping: dict[str, Any] = {}
        if top is not None:
            mapping = {k: v for k, v in top.items() if k in table_keys("plan")}
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
            for problem in exc.problems:
                path = problem.path or ""
                if not path.startswith("priorities"):
                    path = _join("plan", path)
                self.problem(path, problem.message)
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
        texts = ("name", "unit", "description", "source")
        entry = self._texts(m, path, texts)
        # A text that is not text is a problem already: left out, it is not one again.
        bad_texts = {f for f in texts if f in m and entry.get(f) is None}
        entry = {k: v for k, v in entry.items() if k not in bad_texts}
        if "spc" in entry:
            entry["spc"] = self.spc_table(entry["spc"], _join(path, "spc"))
            if entry["spc"] is None:
                return None
        manual: dict[str, Any] = {k: entry.pop(k)
                                  for k in ("status", "as_of", "commentary", "evidence",
                                            "commentary_internal")
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
        # The target is checked on its own, every problem at once, so that its problems
        # and the measure's other fields' are all listed.
        target_ok, spc_ok = self.target(entry, path), self.spc(entry, path)
        apart = {"target"} if spc_ok else {"target", "spc"}  # their problems are recorded
        try:
            measure = Measure.from_mapping({k: v for k, v in entry.items() if k not in apart})
        except PerfcoreError as exc:
            field = exc.fields.get("field")
            if field in bad_texts:
                return None
            self.problem(_join(path, field if isinstance(field, str) and field != "measure"
                               else ""), str(exc))
            return None
        if not (target_ok and spc_ok):
            return None
        given = entry.get("target")
        if given is not None:
            fits = measure.target_problems(given if isinstance(given, Target)
                                           else Target.from_mapping(given))
            for misfit in fits:
                self.problem(_join(path, "target"), str(misfit))
            if fits:
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

    def target(self, entry: Mapping[str, Any], path: str) -> bool:
        """Record every problem of a measure's target, each at its own path
        (``...measures[2].target.value``); True when it has none (or no target)."""
        if entry.get("target") is None or isinstance(entry["target"], Target):
            return True  # none, or a plugin measure's own
        problems = Target.problems(entry["target"])
        for exc in problems:
            field = exc.fields.get("field")
            sub = "target" if field in (None, "target") else f"target.{field}"
            named = ModelError(reason=exc.fields["reason"],
                               obj=f"measure {entry.get('id', '?')!r} target")
            self.problem(_join(path, sub), str(named))
        return not problems

    def spc(self, entry: Mapping[str, Any], path: str) -> bool:
        """Record every problem of a measure's spc table, each at its own path
        (``...measures[1].spc.rebase[0].month``); True when it has none (or no table)."""
        problems = SpcSettings.problems(entry.get("spc", SpcSettings()))
        for exc in problems:
            field = exc.fields.get("field")
            named = ModelError(reason=str(exc), obj=f"measure {entry.get('id', '?')!r}")
            self.problem(_join(path, f"spc.{field}" if field else "spc"), str(named))
        return not problems

    def plugin_measure(self, use: Any, path: str) -> Measure | None:
        if not isinstance(use, str):
            self.problem(path, f"must be a measure id such as 'victims.x', not {_type(use)}")
            return None
        try:
            return self.registry.get_measure(use)
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
        try:
            status = Status.parse(manual.get("status", "grey"))
        except OptionError:
            given = manual.get("status")
            self.problem(_join(path, "status"), f"status must be one of "
                         f"{', '.join(Status.names())}, not {given!r}"
                         f"{did_you_mean(str(given), Status.names())}")
            return
        evidence = manual.get("evidence", [])
        if not isinstance(evidence, list):
            self.problem(_join(path, "evidence"), "must be a list of texts")
            evidence = []
        items = tuple(t for k, e in enumerate(evidence)
                      if (t := self.text(e, f"{path}.evidence[{k}]")) is not None)
        internal = manual.get("commentary_internal", False)
        if not isinstance(internal, bool):
            self.problem(_join(path, "commentary_internal"), f"must be true or false, not "
                         f"{_type(internal)}")
        self.manual[ident] = ManualAssessment(
            status=status, as_of=self.period(manual.get("as_of"), _join(path, "as_of")),
            commentary=self.text(manual.get("commentary"), _join(path, "commentary")) or "",
            evidence=items, commentary_internal=internal is True)

    def spc_table(self, value: Any, path: str) -> dict[str, Any] | None:
        """A measure's ``spc`` table, its keys checked and its rebase notes' translations
        taken out (:class:`~perfcore.model.SpcSettings` checks the values)."""
        t = self.table(value, path, "spc", "an spc table")
        if t is None:
            return None
        out = {k: v for k, v in t.items() if k in table_keys("spc")}
        rebase = out.get("rebase")
        if isinstance(rebase, list):
            out["rebase"] = [self._rebase_note(r, f"{path}.rebase[{k}]")
                             for k, r in enumerate(rebase)]
        return out

    def _rebase_note(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping) or "note" not in value:
            return value
        # A note in several languages: English here, the others to the translations.
        return {**value, "note": self.text(value["note"], _join(path, "note")) or ""}

    def spc_defaults(self, value: Any) -> SpcSettings:
        """The ``[spc]`` table: every measure's chart defaults (rules, points)."""
        if value is None:
            return SpcSettings()
        t = self.table(value, "spc", "spc_defaults", "[spc]")
        if t is None:
            return SpcSettings()
        given = {k: v for k, v in t.items() if k in table_keys("spc_defaults")}
        problems = SpcSettings.problems(given)
        for exc in problems:
            self.problem(_join("spc", str(exc.fields.get("field") or "")), f"[spc] {exc}")
        return SpcSettings() if problems else SpcSettings.from_mapping(given)

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
            kwargs["labels"] = {col: t for k, v in labels.items()
                                if (col := self.label_key(str(k))) is not None
                                and (t := self.text(v, f"display.labels.{k}")) is not None}
        else:
            self.problem("display.labels", "must be a table of column key = heading")
        return Display(**kwargs)

    def label_key(self, key: str) -> str | None:
        """A ``[display] labels`` key, checked: a column key (``change``,
        ``history:2018-19``, ``msg.value``) or a comparator slot (``msg``, an area's
        code); ``None`` (and a problem) for anything else."""
        path = f"display.labels.{key}"
        if key in _COLUMN_KEYS:
            return key
        if key.startswith("history:"):
            period = self.period(key.removeprefix("history:"), path)
            return None if period is None else f"history:{period}"
        slot, dot, figure = key.partition(".")
        areas = _area_codes()
        if dot and figure not in _COMPARATOR_FIGURES:
            self.problem(path, f"{figure!r} is not a comparator column: use {slot}.change, "
                         f"{slot}.value or {slot}.rank")
        elif slot == "msg" or slot in areas:
            return key
        else:
            try:
                code = default_registry().code(slot)
            except PerfcoreError:
                code = None
            allowed = [*_COLUMN_KEYS, "history:<period>", "msg", "an area's code such as "
                       "K04000001 (England and Wales)", "<slot>.change", "<slot>.value",
                       "<slot>.rank"]
            hint = (f"; a comparator's slot is its code: {code!r}" if code in areas else
                    did_you_mean(key, [*_COLUMN_KEYS, "msg", *areas]))
            self.problem(path, f"unknown column or comparator {key!r}{hint} (labels keys "
                         f"are: {', '.join(allowed)})")
        return None

    def report(self, value: Any, plan: Plan | None) -> ReportSettings:
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
                              organisation=org, **self.disclosure(r, plan))

    def disclosure(self, r: Mapping[str, Any], plan: Plan | None) -> dict[str, Any]:
        """The ``[report]`` table's public-edition settings, checked."""
        out: dict[str, Any] = {}
        public = r.get("public", False)
        if isinstance(public, bool):
            out["public"] = public
        else:
            self.problem("report.public", f"must be true or false, not {_type(public)}")
        threshold = r.get("threshold")
        if threshold is not None:
            if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
                self.problem("report.threshold", f"must be a whole number of at least 1 "
                             f"(counts below it are withheld), not {threshold!r}")
            else:
                out["threshold"] = threshold
        symbol = r.get("symbol")
        if symbol is not None:
            if symbol in SUPPRESSION_SYMBOLS:
                out["symbol"] = symbol
            else:
                self.problem("report.symbol", f"must be one of "
                             f"{', '.join(SUPPRESSION_SYMBOLS)}, not {symbol!r}")
        if "totals" in r:
            out["totals"] = self.totals(r["totals"], plan)
        return out

    def totals(self, value: Any, plan: Plan | None) -> dict[str, tuple[str, ...]]:
        """``{total: [parts]}``: count measures of the plan, each total with two or more
        parts."""
        if not isinstance(value, Mapping):
            self.problem("report.totals", "must be a table of total = [part, part, ...] "
                         "measure ids")
            return {}
        kinds = {} if plan is None else {m.id: m.kind for m in plan.measures()}
        out: dict[str, tuple[str, ...]] = {}
        for total, parts in value.items():
            path = f"report.totals.{total}"
            if not isinstance(parts, list) or len(parts) < 2:
                self.problem(path, "must be a list of two or more part measure ids")
                continue
            bad = [self._count_measure(x, kinds) for x in (total, *parts)]
            for problem in filter(None, bad):
                self.problem(path, problem)
            if not any(bad):
                out[str(total)] = tuple(map(str, parts))
        return out

    def _count_measure(self, ident: Any, kinds: Mapping[str, MeasureKind]) -> str | None:
        if not isinstance(ident, str) or ident not in kinds:
            return (f"no measure {ident!r} in the plan"
                    f"{did_you_mean(str(ident), list(kinds))}" if kinds else "")
        if kinds[ident] is not MeasureKind.COUNT:
            return (f"measure {ident!r} is a {kinds[ident].value} measure: totals add up "
                    "counts")
        return None

    def comparators(self, value: Any) -> tuple[ComparatorGroup, ...]:
        out = []
        for i, cdata in enumerate(self.tables(value, "comparators")):
            path = f"comparators[{i}]"
            c = self.table(cdata, path, "comparator", "a comparator")
            if c is not None and (group := self.comparator(c, path)) is not None:
                out.append(group)
        ids = [g.id for g in out]
        for gid in sorted({g for g in ids if ids.count(g) > 1}):
            self.problem("comparators", f"two comparators are the same group {gid!r}")
        return tuple(out)

    def comparator(self, c: Mapping[str, Any], path: str) -> ComparatorGroup | None:
        """One ``[[comparators]]`` entry: a Most Similar Group or an area."""
        if "msg" in c and "area" in c:
            self.problem(path, "give either msg (a Most Similar Group) or area, not both")
            return None
        if "msg" not in c and "area" not in c:
            self.problem(path, "a comparator needs msg (the force whose Most Similar Group "
                         "it is) or area (England and Wales, Wales, a region)")
            return None
        wrong = [k for k in ("msg", "area", "version", "source", "as_of")
                 if k in c and not isinstance(c[k], str)]
        for k in wrong:
            self.problem(_join(path, k), f"must be text (a force name, an ONS code or a "
                         f"label), not {_type(c[k])}: {_shown(c[k])}")
        illustrative = c.get("illustrative", False)
        if not isinstance(illustrative, bool):
            self.problem(_join(path, "illustrative"),
                         f"must be true or false, not {_type(illustrative)}: "
                         f"{_shown(illustrative)}")
        if wrong or not isinstance(illustrative, bool):
            return None
        registry = default_registry()
        try:
            if "area" in c:
                return registry.group(c["area"])
            missing = [k for k in ("members", "version") if k not in c]
            if missing:
                self.problem(path, f"a Most Similar Group needs {' and '.join(missing)} "
                             "(membership is configuration, with the version of the "
                             "published grouping)")
                return None
            members = c["members"]
            if (not isinstance(members, list) or not members
                    or not all(isinstance(m, str) for m in members)):
                self.problem(_join(path, "members"), f"must be a list of forces (names or "
                             f"ONS codes as text), not {_shown(members)}")
                return None
            return ComparatorGroup.msg(
                c["msg"], members, version=c["version"], source=c.get("source", ""),
                as_of=c.get("as_of", ""), illustrative=illustrative, registry=registry)
        except PerfcoreError as exc:
            key = ("area" if "area" in c else
                   "msg" if exc.fields.get("organisation") == c["msg"] else "members")
            self.problem(_join(path, key), str(exc))
            return None

    def data(self, value: Any) -> tuple[DataSource, ...]:
        out = []
        for i, ddata in enumerate(self.tables(value, "data")):
            path = f"data[{i}]"
            d = self.table(ddata, path, "data", "a [[data]] entry")
            if d is None:
                continue
            file = self.data_file(d.get("path"), _join(path, "path"))
            if file is None:
                continue
            loader = d.get("loader")
            options = d.get("options", {})
            if not isinstance(options, Mapping):
                self.problem(_join(path, "options"), "must be a table of loader options")
                options = {}
            spec = self.loader_spec(loader, file, path, needed=bool(options))
            out.append(DataSource(path=file, loader=loader,
                                  options=self.loader_options(spec, options,
                                                              _join(path, "options")),
                                  aggregate=self._aggregate(d.get("aggregate", []),
                                                            _join(path, "aggregate"))))
        return tuple(out)

    def data_file(self, value: Any, path: str, *, what: str = "data file") -> Path | None:
        """A file the plan names, resolved against its folder and kept inside its data
        root (:mod:`.paths`)."""
        if not isinstance(value, str) or not value:
            self.problem(path, f"a [[data]] entry needs a path (text), not {_type(value)}"
                         if value is not None else "a [[data]] entry needs a path")
            return None
        found = resolve_data_path(value, base_dir=self.base_dir, root=self.root,
                                  chosen=self.root_chosen)
        if isinstance(found, str):
            self.problem(path, found)
            return None
        if not found.is_file():
            self.problem(path, f"no such {what}: {found}")
        return found

    def loader_spec(self, loader: Any, file: Path, path: str, *,
                    needed: bool) -> LoaderSpec | None:
        """The loader a ``[[data]]`` entry names (checked), or, when its options are to
        be checked, the one its file name chooses."""
        specs: list[LoaderSpec] = list(self.registry.loaders)
        if loader is None:
            if not needed:
                return None
            try:
                return choose_loader(file, specs)
            except LoaderSelectionError as exc:
                self.problem(_join(path, "path"), str(exc))
                return None
        names = [spec.name for spec in specs]
        if loader not in names:
            self.problem(_join(path, "loader"), f"no loader {loader!r}"
                         f"{did_you_mean(str(loader), names)} (installed: "
                         f"{', '.join(sorted(names))})")
            return None
        return specs[names.index(loader)]

    def loader_options(self, spec: LoaderSpec | None, options: Mapping[str, Any],
                       path: str) -> dict[str, Any]:
        """A ``[[data]]`` entry's options, each checked against the type its loader
        declares; options naming a file are resolved like ``path``."""
        known = None if spec is None else option_types(spec)
        files = () if spec is None else path_options(spec)
        out: dict[str, Any] = {}
        for key, value in options.items():
            where = _join(path, str(key))
            if spec is not None:
                try:
                    check_option(spec, str(key), value, known)
                except OptionError as exc:
                    self.problem(where, str(exc))
                    continue
            if key in files and isinstance(value, str):
                value = self.data_file(value, where, what="file")
                if value is None:
                    continue
            else:
                value = self._option_path(value, where)
            out[str(key)] = value
        return out

    def _aggregate(self, value: Any, path: str) -> tuple[Aggregation, ...]:
        """The periods a ``[[data]]`` entry adds from its monthly figures."""
        if not isinstance(value, list):
            self.problem(path, f"must be a list such as [\"rolling12\"] (of "
                         f"{', '.join(AGGREGATIONS)}), not {_type(value)}")
            return ()
        for k, to in enumerate(value):
            if to not in AGGREGATIONS:
                self.problem(f"{path}[{k}]", f"cannot aggregate to {to!r}"
                             f"{did_you_mean(str(to), AGGREGATIONS)} (periods: "
                             f"{', '.join(AGGREGATIONS)})")
        return tuple(dict.fromkeys(a for a in AGGREGATIONS if a in value))

    def _option_path(self, value: Any, path: str) -> Any:
        # A loader that does not declare a file option as a Path: an option naming a file
        # beside the plan is resolved (and kept inside the data root) all the same; any
        # other value is passed through unchanged.
        if isinstance(value, str) and ("/" in value or value.endswith((".csv", ".ods"))):
            candidate = self.base_dir / value
            if "\x00" not in value and candidate.is_file():
                return self.data_file(value, path, what="file")
        return value

    def scoring(self, value: Any) -> dict[str, Any]:
        """The scoring table, with the measures' own ``scorer`` tables and qualitative
        items' assessments merged in (checked later, against the installed scorers)."""
        table: Mapping[str, Any] = {}
        if value is not None:
            checked = self.table(value, "scoring", "scoring", "[scoring]")
            table = checked if checked is not None else {}
        data: dict[str, Any] = dict(table)
        measures = dict(data.get("measures", {}) or {})
        for ident, choice in self.scorers.items():
            if ident in measures:
                self.problem(_join(self.measure_paths[ident], "scorer"),
                             f"measure {ident!r} also has a scorer in [scoring.measures]; "
                             "give it in one place")
            measures[ident] = choice
            self.from_measure.add(ident)
        if measures:
            data["measures"] = measures
        if self.manual:
            data["manual"] = {k: {"status": a.status.code,
                                  **({"as_of": str(a.as_of)} if a.as_of else {}),
                                  "commentary": a.commentary, "evidence": list(a.evidence),
                                  "commentary_internal": a.commentary_internal}
                              for k, a in self.manual.items()}
        return data

    def check_scoring(self, plan_file: PlanFile, check: ScoringCheck) -> PlanFile | None:
        """Run the later stage's check of the scoring table; its problems are listed with
        the plan's own, at the line where each is set."""
        config, problems = check(plan_file)
        for p in problems:
            self.problem(self._scoring_path(p.path or ""), p.message)
        return None if problems else attrs.evolve(plan_file, scoring=config)

    def _scoring_path(self, path: str) -> str:
        """Where in the file a scoring problem is: the measure's own ``scorer`` table or
        qualitative fields when it came from there, else ``[scoring]``."""
        head, _, rest = path.partition(".")
        ident, _, tail = rest.partition(".")
        for known in sorted(self.measure_paths, key=len, reverse=True):
            # Measure ids may contain dots (victims.x): match the longest known id.
            if rest == known or rest.startswith(known + "."):
                ident, tail = known, rest[len(known) + 1:]
                break
        if head == "measures" and ident in self.from_measure:
            return _join(_join(self.measure_paths[ident], "scorer"), tail)
        if head == "manual" and ident in self.measure_paths:
            return _join(self.measure_paths[ident], tail or "status")
        return _join("scoring", path)


#: The report's own columns, and a comparator slot's figures (``msg.change``), that
#: ``[display] labels`` can rename.
_COLUMN_KEYS = ("previous", "current", "change", "dot", "status")
_COMPARATOR_FIGURES = ("change", "value", "rank")


def _area_codes() -> frozenset[str]:
    """The codes of the areas that can be comparators (England and Wales, the countries,
    the English regions): the slots of their columns."""
    return frozenset(o.code for o in default_registry()
                     if o.type in ("england_and_wales", "country", "english_region"))


def _join(path: str, key: str) -> str:
    if not key:
        return path
    if not path:
        return key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def _shown(value: Any, limit: int = 60) -> str:
    """A value as written, as a message quotes it: its repr, cut to ``limit``
    characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + " ..."


def _type(value: Any) -> str:
    return {str: "text", bool: "true/false", int: "a number", float: "a number",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def iter_problem_lines(exc: PlanValidationError) -> Iterator[str]:
    """One line per problem, ``file:line path: message`` (for command-line output)."""
    for p in exc.problems:
        yield str(p)

