"""Which scorer scores each measure, with which options, and how statuses roll up: a
plan file's ``[scoring]`` table, its measures' ``scorer`` tables and its qualitative
items' assessments, validated whole against the installed scorers."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from perfcore.codes import Status
from perfcore.errors import (
    OptionError,
    PerfcoreError,
    PlanProblem,
    PlanValidationError,
    PluginCallError,
    PluginResultError,
    did_you_mean,
)
from perfcore.model import ManualAssessment
from perfcore.plugins.calls import plugin_fields
from perfcore.plugins.specs import DomainSpec, ScorerSpec
from perfcore.scoring.rollup import RULE_OPTIONS, RollupRule

__all__ = ["DEFAULT_SCORER", "ScorerChoice", "ScoringConfig", "option_problems"]

DEFAULT_SCORER = "evidence"


@attrs.frozen(kw_only=True)
class ScorerChoice:
    """A scorer by name, with the options it is called with."""

    name: str
    options: Mapping[str, Any] = attrs.field(factory=dict)


def option_problems(spec: ScorerSpec, options: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems with a scorer's options, as ``(option, message)``: options its signature
    does not take, then whatever its spec's ``check_options`` finds."""
    out: list[tuple[str, str]] = []
    params = inspect.signature(spec.scorer).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    names = [n for n, p in params.items() if p.kind is p.KEYWORD_ONLY]
    for key in options:
        if not takes_any and key not in names:
            out.append((key, f"unknown option {key!r}{did_you_mean(key, names)} (options: "
                             f"{', '.join(names) or 'none'})"))
    if spec.check_options is not None and not out:
        out += _checked_problems(spec, spec.check_options(options))
    return out


def _checked_problems(spec: ScorerSpec, found: Any) -> list[tuple[str, str]]:
    """What a scorer's ``check_options`` returned, if it is ``(option, message)`` pairs."""
    where = plugin_fields(spec.check_options)
    try:
        pairs = [] if found is None else list(found)
    except TypeError:  # not iterable
        pairs, ok = [], False
    except PerfcoreError:
        raise
    except Exception as exc:  # a generator's own code failed
        if not where:
            raise
        raise PluginCallError(kind="scorer", name=spec.name,
                              reason=f"{type(exc).__name__}: {exc}", **where) from exc
    else:
        ok = all(isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, str) for x in p)
                 for p in pairs)
    if not ok:
        raise PluginResultError(kind="scorer", name=spec.name,
                                expected="(option, message) pairs", got=type(found).__name__,
                                reason="check_options must return (option, message) pairs "
                                f"of text, not {found!r:.60}", **where)
    return pairs


class _Checker:
    """Collects the problems of one configuration mapping."""

    def __init__(self, scorers: Mapping[str, ScorerSpec], measure_ids: Sequence[str],
                 priority_ids: Sequence[str], file: str | None) -> None:
        self.scorers, self.mids, self.pids = scorers, measure_ids, priority_ids
        self.file = file
        self.problems: list[PlanProblem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(PlanProblem(message, file=self.file, path=path))

    def choice(self, value: Any, path: str) -> ScorerChoice | None:
        if not isinstance(value, Mapping) or not isinstance(value.get("scorer"), str):
            self.problem(path, "must be a table naming a scorer, e.g. "
                         "{ scorer = \"comparator\", against = \"msg\" }")
            return None
        name = value["scorer"]
        options = {k: v for k, v in value.items() if k != "scorer"}
        if name not in self.scorers:
            self.problem(f"{path}.scorer", f"unknown scorer {name!r}"
                         f"{did_you_mean(name, self.scorers)} (installed: "
                         f"{', '.join(sorted(self.scorers))})")
            return None
        for key, message in option_problems(self.scorers[name], options):
            self.problem(f"{path}.{key}", message)
        return ScorerChoice(name=name, options=options)

    def rule(self, value: Any, path: str) -> RollupRule | None:
        if not isinstance(value, Mapping) or not isinstance(value.get("rule"), str):
            self.problem(path, "must be a table naming a rule, e.g. { rule = \"worst\" }")
            return None
        name = value["rule"]
        if name not in RULE_OPTIONS:
            self.problem(f"{path}.rule", f"unknown roll-up rule {name!r}"
                         f"{did_you_mean(name, RULE_OPTIONS)} (rules: "
                         f"{', '.join(RULE_OPTIONS)})")
            return None
        options = {k: v for k, v in value.items() if k != "rule"}
        ok = all([self.rule_option(name, key, v, path) for key, v in options.items()])
        if ok and name == "mean" and options.get("amber", 33.3) > options.get("green", 66.7):
            self.problem(path, "amber must not be above green")
            ok = False
        return RollupRule(rule=name, **options) if ok else None

    def rule_option(self, name: str, key: str, v: Any, path: str) -> bool:
        if key not in RULE_OPTIONS[name]:
            allowed = ", ".join(RULE_OPTIONS[name]) or "none"
            self.problem(f"{path}.{key}", f"rule {name!r} has no option {key!r} (its "
                         f"options: {allowed})")
            return False
        if key == "weights":
            if not isinstance(v, Mapping) or not all(
                    isinstance(x, (int, float)) and not isinstance(x, bool) and x >= 0
                    for x in v.values()):
                self.problem(f"{path}.weights", "must be a table of measure id = "
                             "non-negative number")
                return False
            return all([self.known_measure(mid, f"{path}.weights.{mid}") for mid in v])
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            self.problem(f"{path}.{key}", f"must be a non-negative number, not {v!r}")
            return False
        return True

    def known_measure(self, mid: str, path: str) -> bool:
        if mid in self.mids:
            return True
        self.problem(path, f"no measure {mid!r} in the plan{did_you_mean(mid, self.mids)}")
        return False

    def manual(self, mid: str, value: Any, path: str) -> ManualAssessment | None:
        if not isinstance(value, Mapping):
            self.problem(path, "must be a table with a status (green, amber, red or grey)")
            return None
        try:
            status = Status.parse(value.get("status", "grey"))
        except OptionError:
            self.problem(f"{path}.status", f"status must be one of "
                         f"{', '.join(Status.names())}, not {value.get('status')!r}")
            return None
        try:
            return ManualAssessment(status=status, as_of=value.get("as_of") or None,
                                    commentary=str(value.get("commentary", "")),
                                    evidence=tuple(map(str, value.get("evidence", ()))),
                                    commentary_internal=value.get("commentary_internal")
                                    is True)
        except PerfcoreError as exc:
            self.problem(f"{path}.as_of", str(exc))
            return None


@attrs.frozen(kw_only=True)
class ScoringConfig:
    """Which scorer scores each measure and how statuses roll up (from a plan file's
    ``[scoring]`` table, its measures' ``scorer`` tables and qualitative items)."""

    default: ScorerChoice | None = None
    rollup: RollupRule = attrs.field(factory=RollupRule)
    priorities: Mapping[str, RollupRule] = attrs.field(factory=dict)
    measures: Mapping[str, ScorerChoice] = attrs.field(factory=dict)
    manual: Mapping[str, ManualAssessment] = attrs.field(factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, *, scorers: Iterable[ScorerSpec],
                     measure_ids: Iterable[str] = (), priority_ids: Iterable[str] = (),
                     file: str | None = None) -> ScoringConfig:
        """Build and validate a configuration against the installed ``scorers`` (the
        registry's); every problem is reported at once in a :class:`PlanValidationError`
        with paths such as ``measures.all_crime.against``."""
        data = data or {}
        c = _Checker({s.name: s for s in scorers}, list(measure_ids), list(priority_ids),
                     file)
        allowed = ("default", "rollup", "priorities", "measures", "manual")
        for key in data:
            if key not in allowed:
                c.problem(key, f"unknown scoring key {key!r}{did_you_mean(key, allowed)}")
        default = c.choice(data["default"], "default") if "default" in data else None
        top = c.rule(data["rollup"], "rollup") if "rollup" in data else RollupRule()
        prios: dict[str, RollupRule] = {}
        for pid, value in (data.get("priorities") or {}).items():
            if pid not in c.pids:
                c.problem(f"priorities.{pid}", f"no priority {pid!r} in the plan"
                          f"{did_you_mean(pid, c.pids)}")
            elif (r := c.rule(value, f"priorities.{pid}")) is not None:
                prios[pid] = r
        measures: dict[str, ScorerChoice] = {}
        for mid, value in (data.get("measures") or {}).items():
            if c.known_measure(mid, f"measures.{mid}") and (
                    choice := c.choice(value, f"measures.{mid}")) is not None:
                measures[mid] = choice
        manual: dict[str, ManualAssessment] = {}
        for mid, value in (data.get("manual") or {}).items():
            if c.known_measure(mid, f"manual.{mid}") and (
                    a := c.manual(mid, value, f"manual.{mid}")) is not None:
                manual[mid] = a
        if c.problems:
            raise PlanValidationError.from_problems(c.problems, file=file)
        return cls(default=default, rollup=top or RollupRule(), priorities=prios,
                   measures=measures, manual=manual)

    def scorer_for(self, measure_id: str, domains: Iterable[DomainSpec] = ()) -> ScorerChoice:
        """The measure's scorer: its own, else its domain's default (from ``domains``),
        else the plan's, else ``evidence``."""
        if measure_id in self.measures:
            return self.measures[measure_id]
        for d in domains:
            if measure_id.startswith(d.name + "."):
                name = d.default_scorer(measure_id)
                if name is not None:
                    return ScorerChoice(name=name)
        return self.default or ScorerChoice(name=DEFAULT_SCORER)

    def rule_for(self, priority_id: str | None) -> RollupRule:
        if priority_id is not None and priority_id in self.priorities:
            return self.priorities[priority_id]
        return self.rollup
