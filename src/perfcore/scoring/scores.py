"""Scoring an evaluation: the scorer protocol, the scores and their roll-ups.

A *scorer* turns the figures of an :class:`~perfcore.evaluation.Evaluation` into
:class:`~perfcore.codes.Status` codes for a block of measures × every organisation at once
(vectorised over forces). :func:`score` applies the scorer each measure is configured with
and rolls statuses up to outcomes, priorities and the plan by the configured rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.codes import Assessment, Direction, MeasureKind, Status, StatusBasis
from perfcore.errors import (
    PlanProblem,
    PlanValidationError,
    PluginResultError,
    UnknownMeasureError,
    did_you_mean,
)
from perfcore.evaluation import Evaluation
from perfcore.i18n import ENGLISH, counted
from perfcore.plugins.calls import PluginCallable, plugin_fields
from perfcore.plugins.specs import DomainSpec, ScorerSpec
from perfcore.scoring.bases import default_slot
from perfcore.scoring.config import ScoringConfig
from perfcore.scoring.manual import manual
from perfcore.scoring.protocol import Rows, ScoreBlock
from perfcore.scoring.rollup import STATUS_VALUES, rollup

__all__ = ["ExceptionItem", "Rollup", "Score", "Scores", "score"]

StatusArray = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]


@attrs.frozen(kw_only=True)
class Score:
    """One measure's score for one organisation."""

    measure: str
    organisation: str
    status: Status
    basis: StatusBasis
    value: float
    reasons: tuple[str, ...]
    inputs: Mapping[str, Any]
    scorer: str

    def __str__(self) -> str:
        why = "; ".join(self.reasons)
        return (f"{self.measure} / {self.organisation}: {self.status} [{self.basis}]"
                + (f" ({why})" if why else ""))

    def explain(self) -> str:
        """The chain from the figures to the status, for ``perfcore explain --figure
        status``: the scorer, each basis it read in order with what that basis found,
        which one decided, and the reasons."""
        from perfcore.organisations import default_registry
        name = default_registry().name_of(self.organisation)
        org = (f"{name} ({self.organisation})" if name and name != self.organisation
               else self.organisation)
        lines = [f"{self.measure} / {org} / status = {self.status} (basis: {self.basis})",
                 f"  scorer: {self.scorer}"]
        order = self.inputs.get("order")
        if order:
            lines.append(f"  order of precedence: {', '.join(order)}; decided by: "
                         f"{self.inputs.get('decided_by') or 'none (no evidence)'}")
            for name in order:
                part = dict(self.inputs.get(name, {}))
                status, basis = part.pop("status", "?"), part.pop("basis", "?")
                shown = ", ".join(f"{k} = {_figure(v)}" for k, v in part.items())
                lines.append(f"  - {name}: {status} ({basis}){': ' + shown if shown else ''}")
        else:
            shown = ", ".join(f"{k} = {_figure(v)}" for k, v in self.inputs.items())
            lines.append(f"  inputs: {shown}")
        lines += [f"  reason: {r}" for r in self.reasons]
        return "\n".join(lines)


def _figure(v: Any) -> Any:
    """A figure as ``explain`` shows it: floats to 12 significant digits (the figure,
    not its binary noise: -14.8784928917, not -14.878492891659079)."""
    return f"{v:.12g}" if isinstance(v, (float, np.floating)) else v


@attrs.frozen(kw_only=True)
class ExceptionItem:
    """A measure a board should look at: a ``red_red`` (worse than the comparator and
    deteriorating) or a ``status_change`` since the previous period."""

    kind: str
    measure: str
    organisation: str
    slot: str = ""
    before: Status | None = None
    after: Status | None = None


#: What a roll-up counts, per organisation: the measures' red, amber and green statuses,
#: and those without one by why (their basis).
ROLLUP_CATEGORIES = ("red", "amber", "green", "not_tested", "neutral", "no_data",
                     "not_assessed")


@attrs.frozen(kw_only=True)
class Rollup:
    """An outcome's, priority's or the plan's status per organisation, and what it is made
    of: ``counts`` of the measures beneath it by :data:`ROLLUP_CATEGORIES` (rows) and
    ``basis_counts`` by :class:`~perfcore.codes.StatusBasis` (rows). The status comes
    from the evidence-based measures only; with none it is grey, and :meth:`basis` says
    why."""

    status: StatusArray = attrs.field(eq=False)
    counts: npt.NDArray[np.int64] = attrs.field(eq=False)
    basis_counts: npt.NDArray[np.int64] = attrs.field(eq=False)

    def of(self, j: int) -> Status:
        return Status(int(self.status[j]))

    def basis(self, j: int) -> StatusBasis | None:
        """None where the roll-up rests on evidence, or on qualitative items not yet
        assessed only (its grey status says "not assessed"); else the commonest reason why
        not (not tested before neutral before no data)."""
        if self.status[j] != Status.GREY or self.counts[:3, j].any():
            return None
        for name in ("not_tested", "neutral", "no_data"):
            if self.counts[ROLLUP_CATEGORIES.index(name), j]:
                return StatusBasis.parse(name)
        if self.counts[ROLLUP_CATEGORIES.index("not_assessed"), j]:
            return None
        return StatusBasis.NO_DATA

    def summary(self, j: int) -> dict[str, int]:
        """``{"red": 2, "green": 1, "not_tested": 3}``: the non-zero counts."""
        return {c: int(n) for c, n in zip(ROLLUP_CATEGORIES, self.counts[:, j], strict=True)
                if n}

    def basis_summary(self, j: int) -> dict[str, int]:
        """The non-zero counts of the measures' bases."""
        return {b: int(n) for b, n in zip(StatusBasis.names(), self.basis_counts[:, j],
                                          strict=True) if n}


@attrs.frozen(kw_only=True, repr=False)
class Scores:
    """Statuses for ``evaluation.measures`` × ``evaluation.organisations``, their roll-ups
    to outcomes, priorities and the plan, and the reasons behind each."""

    evaluation: Evaluation
    config: ScoringConfig
    status: StatusArray = attrs.field(eq=False)
    basis: StatusArray = attrs.field(eq=False)
    value: FloatArray = attrs.field(eq=False)
    scorer: tuple[str, ...]
    outcomes: Mapping[str, Rollup] = attrs.field(eq=False)
    priorities: Mapping[str, Rollup] = attrs.field(eq=False)
    plan: Rollup = attrs.field(eq=False)
    blocks: tuple[tuple[Rows, ScoreBlock], ...] = attrs.field(eq=False)

    def __repr__(self) -> str:
        counts = {s.code: int((self.status == s).sum()) for s in Status}
        shown = ", ".join(f"{n} {c}" for c, n in counts.items() if n)
        return (f"<Scores of {counted(len(self.evaluation.measures), 'measure')} × "
                f"{counted(len(self.evaluation.organisations), 'organisation')}: "
                f"{shown or 'none'}>")

    def _ij(self, measure_id: str, organisation: str | None) -> tuple[int, int]:
        ev = self.evaluation
        return ev.measure_index(measure_id), self._org(organisation)

    def _org(self, organisation: str | None) -> int:
        if organisation is None:
            return 0
        return self.evaluation.organisation_index(organisation)

    def score(self, measure_id: str, organisation: str | None = None, *,
              lang: str = ENGLISH) -> Score:
        """One measure's score for one organisation, with reasons (in ``lang``) and
        inputs."""
        i, j = self._ij(measure_id, organisation)
        for rows, block in self.blocks:
            hit = np.flatnonzero(rows == i)
            if hit.size:
                k = int(hit[0])
                return Score(measure=measure_id, organisation=self.evaluation.organisations[j],
                             status=Status(int(self.status[i, j])),
                             basis=StatusBasis(int(self.basis[i, j])),
                             value=float(self.value[i, j]),
                             reasons=tuple(block.reasons(k, j, lang)),
                             inputs=block.inputs(k, j), scorer=self.scorer[i])
        raise UnknownMeasureError(measure=measure_id, where="the scores")

    def status_of(self, measure_id: str, organisation: str | None = None, *,
                  lang: str = ENGLISH) -> tuple[Status, tuple[str, ...]]:
        s = self.score(measure_id, organisation, lang=lang)
        return s.status, s.reasons

    def basis_of(self, measure_id: str, organisation: str | None = None) -> StatusBasis:
        """What a measure's status rests on (or why it has none)."""
        i, j = self._ij(measure_id, organisation)
        return StatusBasis(int(self.basis[i, j]))

    def rollup_of(self, priority_id: str, organisation: str | None = None) -> Status:
        return self.priorities[priority_id].of(self._org(organisation))

    def outcome_of(self, outcome_id: str, organisation: str | None = None) -> Status:
        return self.outcomes[outcome_id].of(self._org(organisation))

    def plan_of(self, organisation: str | None = None) -> Status:
        return self.plan.of(self._org(organisation))

    def exceptions(self, previous: Scores | None = None, *,
                   against: str | None = None) -> list[ExceptionItem]:
        """Red-reds (significantly worse than the comparator ``against`` — default the
        MSG, else the first — and deteriorating) and, given the previous period's scores,
        every status that changed."""
        ev = self.evaluation
        out: list[ExceptionItem] = []
        slot = against or default_slot(ev)
        if slot is not None:
            # Both tested: significantly worse than the group and deteriorating.
            worse = ev.comparisons[slot].assessment == Assessment.WORSE
            red_red = worse & (ev.direction.assessment == Direction.DETERIORATING)
            out += [ExceptionItem(kind="red_red", measure=ev.measures[i].id,
                                  organisation=ev.organisations[j], slot=slot)
                    for i, j in zip(*np.nonzero(red_red), strict=True)]
        if previous is not None:
            out += self._changes(previous)
        return out

    def _changes(self, previous: Scores) -> list[ExceptionItem]:
        ev, pev = self.evaluation, previous.evaluation
        pids = {m.id: k for k, m in enumerate(pev.measures)}
        porgs = {o: k for k, o in enumerate(pev.organisations)}
        out = []
        for i, m in enumerate(ev.measures):
            for j, org in enumerate(ev.organisations):
                if m.id not in pids or org not in porgs:
                    continue
                before = Status(int(previous.status[pids[m.id], porgs[org]]))
                after = Status(int(self.status[i, j]))
                if before != after:
                    out.append(ExceptionItem(kind="status_change", measure=m.id,
                                             organisation=org, before=before, after=after))
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One record per measure × organisation (its code and name): status code, value,
        scorer and reasons (English)."""
        ev = self.evaluation
        names = {org: ev.organisation_name(org) for org in ev.organisations}
        return [{"measure": m.id, "organisation": org, "organisation_name": names[org],
                 "status": Status(int(self.status[i, j])).code,
                 "basis": StatusBasis(int(self.basis[i, j])).code,
                 "value": float(self.value[i, j]), "scorer": self.scorer[i],
                 "reasons": "; ".join(self.score(m.id, org).reasons)}
                for i, m in enumerate(ev.measures) for j, org in enumerate(ev.organisations)]

    def to_frame(self) -> Any:
        """:meth:`rows` as a pandas DataFrame (needs the ``pandas`` extra)."""
        from perfcore.evaluation.result import frame
        return frame(self.rows())


def score(evaluation: Evaluation, config: ScoringConfig | None = None, *,
          scorers: Iterable[ScorerSpec] | None = None,
          domains: Iterable[DomainSpec] | None = None) -> Scores:
    """Score every measure of ``evaluation`` for every organisation and roll up.

    ``scorers`` and ``domains`` (for domains' default scorers) default to the installed
    plugins' registry; the pipeline passes the registry it was given."""
    if scorers is None or domains is None:
        from perfcore.plugins import registry
        reg = registry()
        scorers = reg.scorers if scorers is None else scorers
        domains = reg.domains if domains is None else domains
    config = config or ScoringConfig()
    ev = evaluation
    known = {s.name: s.scorer for s in scorers}
    domain_list = tuple(domains)
    chosen = [("manual", ()) if m.kind is MeasureKind.QUALITATIVE else _key(
        config.scorer_for(m.id, domain_list)) for m in ev.measures]
    nm, no = len(ev.measures), len(ev.organisations)
    status = np.zeros((nm, no), dtype=np.int8)
    basis = np.zeros((nm, no), dtype=np.int8)
    value = np.full((nm, no), np.nan)
    blocks = []
    # One call per distinct (scorer, options): all measures sharing them, all forces.
    groups: dict[Any, list[int]] = {}
    for i, key in enumerate(chosen):
        groups.setdefault(_hashable(key), []).append(i)
    for idx in groups.values():
        rows = np.asarray(idx, dtype=np.intp)
        name, options = chosen[idx[0]][0], dict(chosen[idx[0]][1])
        if name == "manual":
            block = manual(ev, rows, assessments=config.manual)
        elif name not in known:
            raise PlanValidationError.from_problems([PlanProblem(
                f"unknown scorer {name!r}{did_you_mean(name, known)} (installed: "
                f"{', '.join(sorted(known))})", path=f"measures.{ev.measures[idx[0]].id}"
                                                     ".scorer")])
        else:
            block = _checked(known[name](ev, rows, **options), name, known[name], (len(rows), no))
        status[rows], basis[rows] = block.status, block.basis
        value[rows] = np.where(np.isnan(block.value), STATUS_VALUES[block.status], block.value)
        blocks.append((rows, block))
    outcomes, priorities, plan = _rollups(ev, config, status, basis, value)
    return Scores(evaluation=ev, config=config, status=status, basis=basis, value=value,
                  scorer=tuple(c[0] for c in chosen), outcomes=outcomes,
                  priorities=priorities, plan=plan, blocks=tuple(blocks))


def _checked(block: Any, name: str, scorer: Any, shape: tuple[int, int]) -> ScoreBlock:
    """What scorer ``name`` returned, if it is a ScoreBlock of ``shape`` (the measures
    scored × organisations), with its ``reasons`` and ``inputs`` made to name the plugin
    if they fail when a report asks for them."""
    where = plugin_fields(scorer)
    if not isinstance(block, ScoreBlock):
        raise PluginResultError(kind="scorer", name=name, expected="ScoreBlock",
                                got=type(block).__name__, reason=f"returned a "
                                f"{type(block).__name__}; a scorer must return a "
                                "perfcore.ScoreBlock", **where)
    for field in ("status", "basis", "value"):
        got = np.shape(getattr(block, field))
        if got != shape:
            raise PluginResultError(kind="scorer", name=name, expected=shape, got=got,
                                    reason=f"ScoreBlock.{field} has shape {got}; it must "
                                    f"have shape {shape} (the measures scored × "
                                    "organisations)", **where)
    if not where:
        return block
    return attrs.evolve(block,
                        reasons=PluginCallable(block.reasons, kind="scorer", name=name, **where),
                        inputs=PluginCallable(block.inputs, kind="scorer", name=name, **where))


def _key(choice: Any) -> tuple[str, tuple[tuple[str, Any], ...]]:
    return choice.name, tuple(sorted(choice.options.items(), key=lambda kv: kv[0]))


def _hashable(key: Any) -> Any:
    try:
        hash(key)
        return key
    except TypeError:
        return repr(key)


def _counts(status: StatusArray, basis: StatusArray, qualitative: npt.NDArray[np.bool_]
            ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Counts by roll-up category and by basis (rows) per organisation (columns): a grey
    measure by why it has no colour; a grey qualitative item is "not assessed"."""
    grey_item = (status == Status.GREY) & qualitative[:, None]
    category = np.select(
        [status == Status.RED, status == Status.AMBER, status == Status.GREEN, grey_item,
         basis == StatusBasis.NEUTRAL, basis == StatusBasis.NO_DATA], [0, 1, 2, 6, 4, 5], 3)
    counts = np.stack([(category == c).sum(0) for c in range(len(ROLLUP_CATEGORIES))])
    by_basis = np.stack([(basis == b).sum(0) for b in StatusBasis])
    return counts.astype(np.int64), by_basis.astype(np.int64)


def _rollups(ev: Evaluation, config: ScoringConfig, status: StatusArray, basis: StatusArray,
             value: FloatArray) -> tuple[dict[str, Rollup], dict[str, Rollup], Rollup]:
    """Measures to outcomes to priorities to the plan, each by its configured rule (grey
    measures, with no evidence, never count towards a colour)."""
    no = len(ev.organisations)
    index = {m.id: i for i, m in enumerate(ev.measures)}
    qualitative = np.array([m.kind is MeasureKind.QUALITATIVE for m in ev.measures],
                           dtype=bool)
    outcomes: dict[str, Rollup] = {}
    priorities: dict[str, Rollup] = {}
    priority_value: list[FloatArray] = []
    for p in ev.plan.priorities:
        r = config.rule_for(p.id)
        o_status, o_value, p_rows = [], [], []
        for o in p.outcomes:
            rows = np.asarray([index[m.id] for m in o.measures if m.id in index], dtype=np.intp)
            weights: Sequence[float] = [r.weights.get(ev.measures[i].id, 1.0) for i in rows]
            s, v = rollup(status[rows], value[rows], rule=r, weights=weights)
            counts, by_basis = _counts(status[rows], basis[rows], qualitative[rows])
            outcomes[o.id] = Rollup(status=s, counts=counts, basis_counts=by_basis)
            o_status.append(s)
            o_value.append(v)
            p_rows.extend(rows.tolist())
        s, v = (rollup(np.stack(o_status), np.stack(o_value), rule=r) if o_status
                else (np.zeros(no, dtype=np.int8), np.full(no, np.nan)))
        rows = np.asarray(p_rows, dtype=np.intp)
        counts, by_basis = _counts(status[rows], basis[rows], qualitative[rows])
        priorities[p.id] = Rollup(status=s, counts=counts, basis_counts=by_basis)
        priority_value.append(v)
    plan_status = (rollup(np.stack([x.status for x in priorities.values()]),
                          np.stack(priority_value), rule=config.rollup)[0] if priorities
                   else np.zeros(no, dtype=np.int8))
    counts, by_basis = _counts(status, basis, qualitative)
    return outcomes, priorities, Rollup(status=plan_status, counts=counts,
                                        basis_counts=by_basis)
