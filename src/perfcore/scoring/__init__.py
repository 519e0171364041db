"""Scoring: a RAG status (and a 0–100 value) for every measure, with reasons, rolled up to
outcomes, priorities and the plan.

A *scorer* turns the figures of an :class:`~perfcore.evaluate.Evaluation` into statuses
for a block of measures × every organisation at once (vectorised over forces). Built-in
scorers — ``direction``, ``comparator``, ``target``, ``spc`` and ``composite`` — are
registered through the ``perfcore_register_scorers`` hook exactly as third-party ones are.
:func:`score` applies the scorer each measure is configured with and rolls statuses up by
the configured rule (``worst``, ``majority``, ``mean``, ``threshold``).

Statuses are ordered grey (not assessed) < green < amber < red; grey never makes a roll-up
worse: a group of grey statuses is grey, otherwise grey members are left out.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.errors import PerfcoreError, PlanProblem, PlanValidationError, UnknownMeasureError
from perfcore.i18n import N_, translator
from perfcore.model import ManualAssessment

__all__ = ["AMBER", "GREEN", "GREY", "RED", "STATUS_NAMES", "ExceptionItem", "RollupRule",
           "Score", "ScoreBlock", "Scorer", "Scores", "ScoringConfig", "report_scores",
           "rollup", "score", "status_code"]

GREY, GREEN, AMBER, RED = 0, 1, 2, 3
STATUS_NAMES = ("grey", "green", "amber", "red")
#: The 0–100 value a status stands for when a scorer gives no finer value.
STATUS_VALUES = np.array([np.nan, 100.0, 50.0, 0.0])
DEFAULT_SCORER = "composite"
DEFAULT_RULE = "worst"

StatusArray = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]
#: ``reasons(k, j)`` or, for translatable reasons, ``reasons(k, j, _)``.
Reasons = Callable[..., tuple[str, ...]]
Inputs = Callable[[int, int], Mapping[str, Any]]


def status_code(name: str) -> int:
    """``"amber"`` → 2."""
    return STATUS_NAMES.index(name)


# --------------------------------------------------------------------------- protocol


@attrs.frozen(kw_only=True)
class ScoreBlock:
    """What a scorer returns for ``rows`` (measure indices) × every organisation:
    ``status`` codes, ``value`` 0–100 (NaN: none), and functions giving one cell's
    ``reasons`` and ``inputs`` when asked (so scoring 43 forces builds no strings)."""

    status: StatusArray
    value: FloatArray
    reasons: Reasons
    inputs: Inputs


class Scorer(Protocol):
    """``scorer(evaluation, rows, **options) -> ScoreBlock``. ``rows`` indexes
    ``evaluation.measures``; the block is ``len(rows)`` × ``len(evaluation.organisations)``.
    Unknown options must raise :class:`TypeError` (so configuration errors name them)."""

    def __call__(self, evaluation: Any, rows: npt.NDArray[np.intp],
                 **options: Any) -> ScoreBlock: ...


@attrs.frozen(kw_only=True)
class Score:
    """One measure's score for one organisation."""

    measure: str
    organisation: str
    status: str
    value: float
    reasons: tuple[str, ...]
    inputs: Mapping[str, Any]
    scorer: str

    def __str__(self) -> str:
        why = "; ".join(self.reasons)
        return f"{self.measure} / {self.organisation}: {self.status}" + (f" ({why})" if why
                                                                          else "")


@attrs.frozen(kw_only=True)
class ExceptionItem:
    """A measure a board should look at: a ``red_red`` (worse than the comparator and
    deteriorating) or a ``status_change`` since the previous period."""

    kind: str
    measure: str
    organisation: str
    detail: str
    before: str | None = None
    after: str | None = None


# --------------------------------------------------------------------------- roll-up rules


@attrs.frozen(kw_only=True)
class RollupRule:
    """A roll-up rule with its options: ``worst`` (the worst assessed status),
    ``majority`` (the status of the middle item by severity: the majority's status when
    there is one, the worse of the two on a tie), ``mean`` (weighted mean of 0–100
    values, green from ``green`` and amber from ``amber``), ``threshold`` (red when at
    least ``red_at`` reds, amber when at least ``amber_at`` reds or more ambers than
    greens: "any red → amber")."""

    rule: str = DEFAULT_RULE
    green: float = 66.7
    amber: float = 33.3
    red_at: int = 2
    amber_at: int = 1
    weights: Mapping[str, float] = attrs.field(factory=dict)


_RULE_OPTIONS = {"worst": (), "majority": (), "mean": ("green", "amber", "weights"),
                 "threshold": ("red_at", "amber_at")}


def rollup(status: StatusArray, value: FloatArray | None = None, *,
           rule: RollupRule | str = DEFAULT_RULE,
           weights: Sequence[float] | None = None) -> tuple[StatusArray, FloatArray]:
    """Roll ``status`` (items × organisations) up to one status per organisation.

    Returns the statuses and the 0–100 values (the weighted mean of the assessed items'
    values; NaN where none is assessed)."""
    r = rule if isinstance(rule, RollupRule) else RollupRule(rule=rule)
    status = np.asarray(status, dtype=np.int8)
    if status.ndim == 1:
        status = status[:, None]
    n, no = status.shape
    vals = (STATUS_VALUES[status] if value is None
            else np.where(np.isnan(value), STATUS_VALUES[status], value))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    assessed = status != GREY
    wa = np.where(assessed, w[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(wa.sum(0) > 0, np.nansum(np.where(assessed, vals, 0.0) * wa, 0)
                        / wa.sum(0), np.nan)
    counts = np.stack([(status == c).sum(0) for c in (GREEN, AMBER, RED)])  # 3 × orgs
    if n == 0:
        return np.zeros(no, dtype=np.int8), np.full(no, np.nan)
    if r.rule == "worst":
        out = status.max(0)
    elif r.rule == "majority":
        # The upper median by severity: the majority's status when there is one, the worse
        # on a tie, and — unlike "the commonest" — never worse when one item improves.
        ordered = np.sort(status, axis=0)  # grey (0) first, then green, amber, red
        n_assessed = assessed.sum(0)
        pick = (n - n_assessed) + n_assessed // 2
        out = np.where(n_assessed > 0,
                       np.take_along_axis(ordered, np.minimum(pick, n - 1)[None, :], 0)[0],
                       GREY)
    elif r.rule == "mean":
        out = np.where(np.isnan(mean), GREY,
                       np.where(mean >= r.green, GREEN, np.where(mean >= r.amber, AMBER, RED)))
    elif r.rule == "threshold":
        reds, ambers, greens = counts[2], counts[1], counts[0]
        out = np.where(counts.sum(0) == 0, GREY,
                       np.where(reds >= r.red_at, RED,
                                np.where((reds >= r.amber_at) | (ambers > greens), AMBER,
                                         GREEN)))
    else:
        raise PlanValidationError.from_problems(
            [PlanProblem(f"unknown roll-up rule {r.rule!r}", path="rollup.rule")])
    return np.asarray(out, dtype=np.int8), mean


# --------------------------------------------------------------------------- configuration


@attrs.frozen(kw_only=True)
class ScorerChoice:
    name: str
    options: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class ScoringConfig:
    """Which scorer scores each measure and how statuses roll up (from a plan file's
    ``[scoring]`` table, its measures' ``scorer`` tables and qualitative items)."""

    default: ScorerChoice | None = None
    rollup: RollupRule = RollupRule()
    priorities: Mapping[str, RollupRule] = attrs.field(factory=dict)
    measures: Mapping[str, ScorerChoice] = attrs.field(factory=dict)
    manual: Mapping[str, ManualAssessment] = attrs.field(factory=dict)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, *,
                     measure_ids: Iterable[str] = (), priority_ids: Iterable[str] = (),
                     file: str | None = None) -> ScoringConfig:
        """Build and validate a configuration; every problem is reported at once in a
        :class:`PlanValidationError` with paths such as ``measures.all_crime.against``."""
        from perfcore.plugins import scorers
        data = data or {}
        problems: list[PlanProblem] = []
        known = {s.name: s for s in scorers()}
        mids, pids = list(measure_ids), list(priority_ids)

        def problem(path: str, message: str) -> None:
            problems.append(PlanProblem(message, file=file, path=path))

        def hint(word: str, choices: Iterable[str]) -> str:
            near = difflib.get_close_matches(word, list(choices), n=1)
            return f"; did you mean {near[0]!r}?" if near else ""

        def choice(value: Any, path: str) -> ScorerChoice | None:
            if not isinstance(value, Mapping) or not isinstance(value.get("scorer"), str):
                problem(path, "must be a table naming a scorer, e.g. "
                        "{ scorer = \"comparator\", against = \"msg\" }")
                return None
            name = value["scorer"]
            options = {k: v for k, v in value.items() if k != "scorer"}
            if name not in known:
                problem(f"{path}.scorer", f"unknown scorer {name!r}{hint(name, known)} "
                        f"(installed: {', '.join(sorted(known))})")
                return None
            for key, message in _check_options(known[name].scorer, options):
                problem(f"{path}.{key}", message)
            return ScorerChoice(name=name, options=options)

        def rule(value: Any, path: str) -> RollupRule | None:
            if not isinstance(value, Mapping) or not isinstance(value.get("rule"), str):
                problem(path, "must be a table naming a rule, e.g. { rule = \"worst\" }")
                return None
            name = value["rule"]
            if name not in _RULE_OPTIONS:
                problem(f"{path}.rule", f"unknown roll-up rule {name!r}"
                        f"{hint(name, _RULE_OPTIONS)} (rules: {', '.join(_RULE_OPTIONS)})")
                return None
            options = {k: v for k, v in value.items() if k != "rule"}
            ok = True
            for key, v in options.items():
                if key not in _RULE_OPTIONS[name]:
                    allowed = ", ".join(_RULE_OPTIONS[name]) or "none"
                    problem(f"{path}.{key}", f"rule {name!r} has no option {key!r} "
                            f"(its options: {allowed})")
                    ok = False
                elif key == "weights":
                    if not isinstance(v, Mapping) or not all(
                            isinstance(x, (int, float)) and not isinstance(x, bool) and x >= 0
                            for x in v.values()):
                        problem(f"{path}.weights", "must be a table of measure id = "
                                "non-negative number")
                        ok = False
                    else:
                        for mid in v:
                            if mid not in mids:
                                problem(f"{path}.weights.{mid}", f"no measure {mid!r} in the "
                                        f"plan{hint(mid, mids)}")
                                ok = False
                elif isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                    problem(f"{path}.{key}", f"must be a non-negative number, not {v!r}")
                    ok = False
            if ok and name == "mean" and options.get("amber", 33.3) > options.get("green",
                                                                                  66.7):
                problem(path, "amber must not be above green")
                ok = False
            return RollupRule(rule=name, **options) if ok else None

        allowed = ("default", "rollup", "priorities", "measures", "manual")
        for key in data:
            if key not in allowed:
                problem(key, f"unknown scoring key {key!r}{hint(key, allowed)}")
        default = choice(data["default"], "default") if "default" in data else None
        top = rule(data["rollup"], "rollup") if "rollup" in data else RollupRule()
        prios: dict[str, RollupRule] = {}
        for pid, value in (data.get("priorities") or {}).items():
            if pid not in pids:
                problem(f"priorities.{pid}", f"no priority {pid!r} in the plan"
                        f"{hint(pid, pids)}")
                continue
            r = rule(value, f"priorities.{pid}")
            if r is not None:
                prios[pid] = r
        measures: dict[str, ScorerChoice] = {}
        for mid, value in (data.get("measures") or {}).items():
            if mid not in mids:
                problem(f"measures.{mid}", f"no measure {mid!r} in the plan{hint(mid, mids)}")
                continue
            c = choice(value, f"measures.{mid}")
            if c is not None:
                measures[mid] = c
        manual: dict[str, ManualAssessment] = {}
        for mid, value in (data.get("manual") or {}).items():
            if mid not in mids:
                problem(f"manual.{mid}", f"no measure {mid!r} in the plan{hint(mid, mids)}")
                continue
            status = value.get("status", "grey")
            if status not in STATUS_NAMES:
                problem(f"manual.{mid}.status", f"status must be one of "
                        f"{', '.join(STATUS_NAMES)}, not {status!r}")
                continue
            try:
                manual[mid] = ManualAssessment(
                    status=status, as_of=value.get("as_of") or None,
                    commentary=str(value.get("commentary", "")),
                    evidence=tuple(map(str, value.get("evidence", ()))))
            except PerfcoreError as exc:
                problem(f"manual.{mid}.as_of", str(exc))
        if problems:
            raise PlanValidationError.from_problems(problems, file=file)
        return cls(default=default, rollup=top or RollupRule(), priorities=prios,
                   measures=measures, manual=manual)

    def scorer_for(self, measure_id: str) -> ScorerChoice:
        """The measure's scorer: its own, else its domain's default, else the plan's,
        else ``composite``."""
        if measure_id in self.measures:
            return self.measures[measure_id]
        if "." in measure_id:
            from perfcore.plugins import domains
            for d in domains():
                name = d.default_scorer(measure_id) if measure_id.startswith(d.name + ".") \
                    else None
                if name is not None:
                    return ScorerChoice(name=name)
        return self.default or ScorerChoice(name=DEFAULT_SCORER)

    def rule_for(self, priority_id: str | None) -> RollupRule:
        if priority_id is not None and priority_id in self.priorities:
            return self.priorities[priority_id]
        return self.rollup


def _check_options(scorer: Callable[..., Any], options: Mapping[str, Any]
                   ) -> list[tuple[str, str]]:
    """Problems with a scorer's options, found by binding them to its signature and by
    its own ``check_options`` when it has one."""
    import inspect
    out: list[tuple[str, str]] = []
    params = inspect.signature(scorer).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    names = [n for n, p in params.items() if p.kind is p.KEYWORD_ONLY]
    for key in options:
        if not takes_any and key not in names:
            near = difflib.get_close_matches(key, names, n=1)
            h = f"; did you mean {near[0]!r}?" if near else ""
            out.append((key, f"unknown option {key!r}{h} (options: {', '.join(names) or 'none'})"))
    check = getattr(scorer, "check_options", None)
    if check is not None and not out:
        out += list(check(options))
    return out


# --------------------------------------------------------------------------- scores


@attrs.frozen(kw_only=True)
class Scores:
    """Statuses for ``evaluation.measures`` × ``evaluation.organisations``, their roll-ups
    to outcomes, priorities and the plan, and the reasons behind each."""

    evaluation: Any = attrs.field(repr=False)
    config: ScoringConfig
    status: StatusArray = attrs.field(eq=False, repr=False)
    value: FloatArray = attrs.field(eq=False, repr=False)
    scorer: tuple[str, ...]
    outcome_status: Mapping[str, StatusArray] = attrs.field(eq=False, repr=False)
    priority_status: Mapping[str, StatusArray] = attrs.field(eq=False, repr=False)
    plan_status: StatusArray = attrs.field(eq=False, repr=False)
    _blocks: tuple[tuple[npt.NDArray[np.intp], ScoreBlock], ...] = attrs.field(
        eq=False, repr=False, alias="blocks")

    def _ij(self, measure_id: str, organisation: str | None) -> tuple[int, int]:
        ev = self.evaluation
        ids = [m.id for m in ev.measures]
        if measure_id not in ids:
            near = tuple(difflib.get_close_matches(measure_id, ids, n=3))
            raise UnknownMeasureError(f"no scored measure {measure_id!r}", measure=measure_id,
                                      suggestions=near)
        return ids.index(measure_id), self._org(organisation)

    def _org(self, organisation: str | None) -> int:
        orgs = list(self.evaluation.organisations)
        if organisation is None:
            return 0
        if organisation in orgs:
            return orgs.index(organisation)
        from perfcore.organisations import default_registry
        return orgs.index(default_registry().code(organisation))

    def score(self, measure_id: str, organisation: str | None = None, *,
              lang: str = "en") -> Score:
        """One measure's score for one organisation, with reasons (in ``lang``) and
        inputs."""
        i, j = self._ij(measure_id, organisation)
        for rows, block in self._blocks:
            hit = np.flatnonzero(rows == i)
            if hit.size:
                k = int(hit[0])
                return Score(measure=measure_id, organisation=self.evaluation.organisations[j],
                             status=STATUS_NAMES[int(self.status[i, j])],
                             value=float(self.value[i, j]),
                             reasons=_reasons(block, k, j, lang),
                             inputs=block.inputs(k, j), scorer=self.scorer[i])
        raise AssertionError("every measure is in a block")  # pragma: no cover

    def status_of(self, measure_id: str, organisation: str | None = None, *,
                  lang: str = "en") -> tuple[str, tuple[str, ...]]:
        s = self.score(measure_id, organisation, lang=lang)
        return s.status, s.reasons

    def rollup_of(self, priority_id: str, organisation: str | None = None) -> str:
        return STATUS_NAMES[int(self.priority_status[priority_id][self._org(organisation)])]

    def outcome_of(self, outcome_id: str, organisation: str | None = None) -> str:
        return STATUS_NAMES[int(self.outcome_status[outcome_id][self._org(organisation)])]

    def plan_of(self, organisation: str | None = None) -> str:
        return STATUS_NAMES[int(self.plan_status[self._org(organisation)])]

    def exceptions(self, previous: Scores | None = None, *,
                   against: str | None = None) -> list[ExceptionItem]:
        """Red-reds (worse than the comparator ``against`` — default the MSG, else the
        first — and deteriorating) and, given the previous period's scores, every status
        that changed."""
        ev = self.evaluation
        out: list[ExceptionItem] = []
        slot = against or _default_slot(ev)
        if slot is not None:
            c = ev.comparisons[slot]
            worse = _comparator_codes(ev, c, untested="compare", similar_within=0.0)[0] == RED
            red_red = worse & (ev.direction == "deteriorating")
            for i, j in zip(*np.nonzero(red_red), strict=True):
                out.append(ExceptionItem(
                    kind="red_red", measure=ev.measures[i].id,
                    organisation=ev.organisations[j],
                    detail=f"worse than {_slot_name(slot)} and deteriorating"))
        if previous is not None:
            pids = [m.id for m in previous.evaluation.measures]
            porgs = list(previous.evaluation.organisations)
            for i, m in enumerate(ev.measures):
                if m.id not in pids:
                    continue
                pi = pids.index(m.id)
                for j, org in enumerate(ev.organisations):
                    if org not in porgs:
                        continue
                    before = int(previous.status[pi, porgs.index(org)])
                    after = int(self.status[i, j])
                    if before != after:
                        out.append(ExceptionItem(
                            kind="status_change", measure=m.id, organisation=org,
                            detail=f"{STATUS_NAMES[before]} → {STATUS_NAMES[after]}",
                            before=STATUS_NAMES[before], after=STATUS_NAMES[after]))
        return out


def _reasons(block: ScoreBlock, k: int, j: int, lang: str) -> tuple[str, ...]:
    """A cell's reasons in ``lang``: built-in scorers take the translator as a third
    argument; a third-party scorer's two-argument reasons are used as they are."""
    import inspect
    if len(inspect.signature(block.reasons).parameters) >= 3:
        return tuple(block.reasons(k, j, translator(lang)))
    return tuple(block.reasons(k, j))


def score(evaluation: Any, config: ScoringConfig | None = None) -> Scores:
    """Score every measure of ``evaluation`` for every organisation and roll up."""
    from perfcore.plugins import scorers
    config = config or ScoringConfig()
    ev = evaluation
    known = {s.name: s.scorer for s in scorers()}
    nm, no = len(ev.measures), len(ev.organisations)
    chosen: list[tuple[str, tuple[tuple[str, Any], ...]]] = []
    for m in ev.measures:
        if m.kind.value == "qualitative":
            chosen.append(("manual", ()))
            continue
        c = config.scorer_for(m.id)
        chosen.append((c.name, tuple(sorted(c.options.items(), key=lambda kv: kv[0]))))
    status = np.zeros((nm, no), dtype=np.int8)
    value = np.full((nm, no), np.nan)
    blocks = []
    # One call per distinct (scorer, options): all measures sharing them, all forces.
    groups: dict[tuple[str, tuple[tuple[str, Any], ...]], list[int]] = {}
    for i, key in enumerate(chosen):
        groups.setdefault(_hashable(key), []).append(i)
    for idx in groups.values():
        rows = np.asarray(idx, dtype=np.intp)
        name = chosen[idx[0]][0]
        options = dict(chosen[idx[0]][1])
        if name == "manual":
            block = _manual_block(ev, rows, config)
        else:
            if name not in known:
                raise PlanValidationError.from_problems([PlanProblem(
                    f"unknown scorer {name!r} (installed: {', '.join(sorted(known))})",
                    path=f"measures.{ev.measures[idx[0]].id}.scorer")])
            block = known[name](ev, rows, **options)
        status[rows] = block.status
        value[rows] = np.where(np.isnan(block.value), STATUS_VALUES[block.status], block.value)
        blocks.append((rows, block))
    index = {m.id: i for i, m in enumerate(ev.measures)}
    outcome_status: dict[str, StatusArray] = {}
    priority_status: dict[str, StatusArray] = {}
    priority_value: list[FloatArray] = []
    for p in ev.plan.priorities:
        r = config.rule_for(p.id)
        o_status, o_value = [], []
        for o in p.outcomes:
            rows = np.asarray([index[m.id] for m in o.measures if m.id in index], dtype=np.intp)
            weights = [r.weights.get(ev.measures[i].id, 1.0) for i in rows]
            s, v = rollup(status[rows], value[rows], rule=r, weights=weights)
            outcome_status[o.id] = s
            o_status.append(s)
            o_value.append(v)
        s, v = (rollup(np.stack(o_status), np.stack(o_value), rule=r) if o_status
                else (np.zeros(no, dtype=np.int8), np.full(no, np.nan)))
        priority_status[p.id] = s
        priority_value.append(v)
    plan_status = (rollup(np.stack(list(priority_status.values())), np.stack(priority_value),
                          rule=config.rollup)[0] if priority_status
                   else np.zeros(no, dtype=np.int8))
    return Scores(evaluation=ev, config=config, status=status, value=value,
                  scorer=tuple(c[0] for c in chosen), outcome_status=outcome_status,
                  priority_status=priority_status, plan_status=plan_status,
                  blocks=tuple(blocks))


def _hashable(key: Any) -> Any:
    try:
        hash(key)
        return key
    except TypeError:
        return repr(key)


def report_scores(evaluation: Any, plan_file: Any) -> Scores:
    """Scores for a report of a plan file (its ``scoring`` configuration, if any)."""
    config = getattr(plan_file, "scoring", None)
    if config is None:
        data = getattr(plan_file, "scoring_data", None)
        plan = evaluation.plan
        config = ScoringConfig.from_mapping(
            data or {}, measure_ids=[m.id for m in plan.measures()],
            priority_ids=[p.id for p in plan.priorities])
    return score(evaluation, config)


def _manual_block(ev: Any, rows: npt.NDArray[np.intp], config: ScoringConfig) -> ScoreBlock:
    no = len(ev.organisations)
    codes = np.array([status_code(config.manual[ev.measures[i].id].status)
                      if ev.measures[i].id in config.manual else GREY for i in rows],
                     dtype=np.int8)

    def reasons(k: int, j: int, _: Callable[[str], str] = str) -> tuple[str, ...]:
        a = config.manual.get(ev.measures[rows[k]].id)
        if a is None:
            return (_("not assessed: no manual assessment"),)
        head = (_("manual assessment ({as_of})").format(as_of=a.as_of) if a.as_of
                else _("manual assessment"))
        return tuple(x for x in (head, a.commentary, *a.evidence) if x)

    def inputs(k: int, j: int) -> Mapping[str, Any]:
        a = config.manual.get(ev.measures[rows[k]].id)
        return {} if a is None else attrs.asdict(a)

    return ScoreBlock(status=np.repeat(codes[:, None], no, axis=1),
                      value=np.full((len(rows), no), np.nan), reasons=reasons, inputs=inputs)


# --------------------------------------------------------------------------- shared helpers


def _default_slot(ev: Any) -> str | None:
    slots = list(ev.comparisons)
    if "msg" in slots:
        return "msg"
    return slots[0] if slots else None


_SLOT_NAMES = {"msg": N_("MSG"), "K04000001": N_("England and Wales"),
               "W92000004": N_("Wales"), "E92000001": N_("England")}


def _slot_name(slot: str) -> str:
    return _SLOT_NAMES.get(slot, slot)


def _comparator_codes(ev: Any, c: Any, *, untested: str, similar_within: float
                      ) -> tuple[StatusArray, npt.NDArray[np.bool_], FloatArray]:
    """Status codes from a comparison: its significance-tested assessment where there is
    one; otherwise (``untested="compare"``) the plain difference by polarity, with
    ``similar_within`` as the band counted similar. Returns codes, which were tested, and
    the difference used (better positive)."""
    from perfcore.calc import polarity_signs
    assessment = np.asarray(c.assessment)
    sign = np.asarray(polarity_signs([m.polarity for m in ev.measures]),
                      dtype=float).reshape(-1, 1)
    uses_value = np.array([m.kind.uses_pp_change or m.kind.value == "rate"
                           for m in ev.measures])[:, None]
    with np.errstate(invalid="ignore"):
        # The group difference is in pp for proportions already; counts compare changes.
        diff = np.where(uses_value, c.difference, ev.change - c.change) * sign
    tested = np.isin(assessment, ("better", "worse", "similar"))
    codes = np.select([assessment == "better", assessment == "worse",
                       assessment == "similar"], [GREEN, RED, AMBER], GREY).astype(np.int8)
    if untested == "compare":
        plain = np.where(np.isnan(diff) | (sign == 0), GREY,
                         np.where(diff > similar_within, GREEN,
                                  np.where(diff < -similar_within, RED, AMBER)))
        codes = np.where(tested, codes, plain).astype(np.int8)
    return codes, tested, diff


def _fmt(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    from perfcore.calc.rounding import round_half_away
    shown = float(round_half_away(value, 1))
    return f"{shown:+.1f}{unit}"


def _value_text(m: Any, v: float) -> str:
    if math.isnan(v):
        return "n/a"
    from perfcore.calc.rounding import round_half_away
    if m.kind.uses_pp_change:
        return f"{float(round_half_away(v * 100, 1)):.1f}%"
    return f"{float(round_half_away(v, 1)):,.1f}".removesuffix(".0")


def _change_text(ev: Any, i: int, j: int, _: Callable[[str], str] = str) -> str:
    m = ev.measures[i]
    if m.kind.uses_pp_change:
        return _("{change} pp").format(change=_fmt(float(ev.change[i, j]), ""))
    return _fmt(float(ev.change[i, j]), "%")
