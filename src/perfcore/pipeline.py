"""The pipeline: plan file + data → Dataset → Evaluation → Scores → Report → rendered text.

This is the only module that runs the stages in order; each stage knows nothing of the
ones after it. The plugin registry (domains, scorers, loaders, renderers, catalogues) is
resolved once — the installed plugins' unless one is given — and passed to each stage.

In a notebook::

    import perfcore
    plan = perfcore.load_plan("examples/gwent/plan-2020-21.toml")
    result = perfcore.run(plan)               # data, evaluation, scores and report
    result.evaluation.explain("all_crime", "change")
    print(result.render("text"))

or step by step: :func:`load_data`, :func:`evaluate_plan`, :func:`score_plan`,
:func:`report_plan`, :func:`render`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from perfcore.calc.disclosure import DEFAULT_THRESHOLD
from perfcore.dataset import Aggregation, Dataset
from perfcore.derive import derive_measures
from perfcore.errors import (
    DataError,
    OptionError,
    PerfcoreWarning,
    PeriodError,
    PlanProblem,
    PlanValidationError,
    PluginResultError,
    UnknownOrganisationError,
    advise,
    audience,
)
from perfcore.evaluation import Evaluation, evaluate
from perfcore.evaluation.series import baseline_values
from perfcore.i18n import ENGLISH, Fallback, translator
from perfcore.io import ProgressCallback
from perfcore.io import load_data as load_files
from perfcore.io.plan import PlanFile, read_plan, read_plan_text
from perfcore.labels import target_text
from perfcore.organisations import organisation_name
from perfcore.periods import Period
from perfcore.plugins.calls import plugin_fields
from perfcore.plugins.manager import Registry
from perfcore.report import Report, build_report, public_edition
from perfcore.report.league import League, build_league
from perfcore.scoring import Scores, ScoringConfig, score

__all__ = ["ALL", "Run", "check_plan", "evaluate_plan", "league_plan", "load_data",
           "load_plan", "loads_plan", "render", "report_plan", "run", "score_plan",
           "target_problems"]

PathLike = str | os.PathLike[str]

#: The organisation that asks for every force: a league.
ALL = "all"


def _registry(registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    from perfcore.plugins import registry as installed
    return installed()


def _scoring_check(registry: Registry) -> Any:
    def check(plan_file: PlanFile) -> tuple[ScoringConfig | None, Sequence[PlanProblem]]:
        plan = plan_file.plan
        try:
            config = ScoringConfig.from_mapping(
                plan_file.scoring_data, scorers=registry.scorers,
                measure_ids=[m.id for m in plan.measures()],
                priority_ids=[p.id for p in plan.priorities])
        except PlanValidationError as exc:
            return None, exc.problems
        return config, ()
    return check


def load_plan(path: PathLike, *, registry: Registry | None = None,
              data_root: PathLike | None = None) -> PlanFile:
    """Read and validate a plan file with the installed plugins (or ``registry``): its
    structure, plugin measures, loaders and their options, comparators and scoring table.
    Every problem is listed at once in a :class:`~perfcore.errors.PlanValidationError`.
    The plan's data files must lie inside ``data_root`` (default: the plan's project,
    :mod:`perfcore.io.plan.paths`)."""
    reg = _registry(registry)
    return read_plan(Path(path), registry=reg, check_scoring=_scoring_check(reg),
                     data_root=None if data_root is None else Path(data_root))


def loads_plan(text: str, *, file: PathLike | None = None, base_dir: PathLike | None = None,
               registry: Registry | None = None,
               data_root: PathLike | None = None) -> PlanFile:
    """:func:`load_plan` from TOML text (``file`` names it in messages; relative data
    paths start at ``base_dir``, default the current folder, and must lie inside
    ``data_root``, default ``base_dir``'s project)."""
    reg = _registry(registry)
    return read_plan_text(text, file=None if file is None else str(file),
                          base_dir=None if base_dir is None else Path(base_dir), registry=reg,
                          check_scoring=_scoring_check(reg),
                          data_root=None if data_root is None else Path(data_root))


def load_data(plan_file: PlanFile, *, files: Sequence[PathLike] | None = None,
              loader: str | None = None, progress: ProgressCallback | bool | None = False,
              registry: Registry | None = None) -> Dataset:
    """The plan's data: its ``[[data]]`` files, each through its loader and options, or
    ``files`` instead (with ``loader``, default chosen by file name), as one Dataset with
    the plan's plugin-derived measures added (:func:`perfcore.derive.derive_measures`).
    ``progress`` is called ``(done, total, file name)`` after each file."""
    reg = _registry(registry)
    return derive_measures(plan_file.plan, _files(plan_file, files, loader, progress, reg),
                           reg)


def _files(plan_file: PlanFile, files: Sequence[PathLike] | None, loader: str | None,
           progress: ProgressCallback | bool | None, reg: Registry) -> Dataset:
    specs = reg.loaders
    if files:
        return load_files(list(files), loader=loader, progress=progress, specs=specs)
    if not plan_file.data:
        raise DataError(reason="no data: the plan has no [[data]] entries; add one, or give "
                        "the data files", file=None if plan_file.file is None
                        else str(plan_file.file))
    with audience("plan"):  # the loaders and their options are the plan's
        parts = [_aggregated(load_files(src.path, loader=src.loader, progress=False,
                                        specs=specs, **dict(src.options)), src.aggregate)
                 for src in plan_file.data]
    if callable(progress) and len(parts) > 1:
        for k, src in enumerate(plan_file.data, start=1):
            progress(k, len(parts), src.path.name)
    return parts[0] if len(parts) == 1 else Dataset.concat(parts)


def _aggregated(dataset: Dataset, periods: Sequence[Aggregation]) -> Dataset:
    """The dataset with the periods a ``[[data]]`` entry asks for (``aggregate``) added,
    summed from its monthly figures; the months stay, for SPC charts."""
    if not periods:
        return dataset
    return Dataset.concat([dataset, *(dataset.aggregate(to) for to in periods)])


def _period(plan_file: PlanFile, dataset: Dataset, period: str | Period | None
            ) -> str | Period:
    chosen = period or plan_file.report.period or plan_file.plan.period
    if chosen is not None:
        return chosen
    if not dataset.periods:
        raise PeriodError(reason=f"which period? the data of {plan_file.file or 'the plan'} "
                          "cover no periods; give one: " + advise(
                              python="period='2020-21'", cli="--period 2020-21",
                              plan='period = "2020-21" in the plan\'s [report] table'))
    latest = latest_period(dataset.periods)
    covered = ", ".join(str(p) for p in sorted(dataset.periods)[-8:])
    given = advise(python="period=", cli="--period")
    warnings.warn(f"no period given ({given}) or set in the plan's [report] or [plan] "
                  f"table: reporting {latest}, the latest the data cover (they cover "
                  f"{covered})", PerfcoreWarning, stacklevel=3)
    return latest


def latest_period(periods: Sequence[Period]) -> Period:
    """The period a report defaults to: the one ending latest, the longest of those (a
    quarter's figures rather than its last month's)."""
    return max(periods, key=lambda p: (p.last, p.last - p.first))


def evaluate_plan(plan_file: PlanFile, dataset: Dataset, *, period: str | Period | None = None,
                  previous: str | Period | None = None,
                  organisation: str | Sequence[str] | None = None,
                  measures: Sequence[str] | None = None) -> Evaluation:
    """Evaluate the plan on ``dataset`` against its comparators, with the earlier periods
    its ``[display] history`` shows and the SPC defaults of its ``[spc]`` table. The
    period, previous period and organisation default to the ``[report]`` table, then the
    ``[plan]`` table; ``organisation="all"`` evaluates every organisation of the data
    (for a league), a list several."""
    spc: dict[str, Any] = {name: v for name, v in (("spc_rules", plan_file.spc.rules),
                                                   ("spc_points", plan_file.spc.points))
                           if v is not None}
    return evaluate(plan_file.plan, dataset, period=_period(plan_file, dataset, period),
                    previous=previous or plan_file.report.previous,
                    organisation=None if organisation == ALL else
                    organisation or plan_file.organisation,
                    compare_with=list(plan_file.comparators), measures=measures,
                    history_periods=plan_file.display.history, **spc)


def score_plan(plan_file: PlanFile, evaluation: Evaluation, *,
               registry: Registry | None = None) -> Scores:
    """Score the evaluation by the plan's scoring configuration."""
    reg = _registry(registry)
    config = plan_file.scoring
    if config is None:
        plan = plan_file.plan
        config = ScoringConfig.from_mapping(
            plan_file.scoring_data, scorers=reg.scorers,
            measure_ids=[m.id for m in plan.measures()],
            priority_ids=[p.id for p in plan.priorities], file=_name(plan_file))
    return score(evaluation, config, scorers=reg.scorers, domains=reg.domains)


def _name(plan_file: PlanFile) -> str | None:
    return None if plan_file.file is None else str(plan_file.file)


def report_plan(plan_file: PlanFile, evaluation: Evaluation, scores: Scores | None = None, *,
                lang: str = ENGLISH, fallback: Fallback = "error",
                organisation: str | None = None, registry: Registry | None = None,
                public: bool | None = None, threshold: int | None = None,
                symbol: str | None = None) -> Report:
    """Lay the evaluation (and scores) out as the plan's ``[display]`` table says, with its
    texts in ``lang`` (``"cy"``, ``"en+cy"``).

    ``public`` (default: the plan's ``[report] public``) makes it a public edition
    (:func:`perfcore.report.public_edition`): counts below ``threshold`` withheld, shown
    as ``symbol``, with the plan's ``[report] totals`` (both default to the plan's, else
    5 and ``"*"``)."""
    reg = _registry(registry)
    report = build_report(evaluation, scores, organisation=organisation,
                          display=plan_file.display, lang=lang, texts=plan_file.texts,
                          fallback=fallback, catalogues=reg.translations)
    settings = plan_file.report
    if not (settings.public if public is None else public):
        if threshold is not None or symbol is not None:
            raise OptionError(reason="a threshold or symbol applies to a public edition "
                              "only: ask for one (" + advise(
                                  python="public=True", cli="--public",
                                  plan="public = true in the plan's [report] table") + ")",
                              option="public",
                              value=public, allowed=(True,))
        return report
    return public_edition(report, threshold=threshold or settings.threshold
                          or DEFAULT_THRESHOLD, symbol=symbol or settings.symbol or "*",
                          totals=settings.totals)


def league_plan(plan_file: PlanFile, evaluation: Evaluation, scores: Scores | None = None, *,
                lang: str = ENGLISH, fallback: Fallback = "error",
                highlight: str | None = None, registry: Registry | None = None) -> League:
    """Every force's figures as one ranked table per measure (the evaluation must cover
    the forces: ``evaluate_plan(..., organisation="all")``), the plan's organisation (or
    ``highlight``) marked."""
    reg = _registry(registry)
    return build_league(evaluation, scores, display=plan_file.display, lang=lang,
                        highlight=highlight or plan_file.organisation, texts=plan_file.texts,
                        fallback=fallback, catalogues=reg.translations)


def check_plan(plan_file: PlanFile, dataset: Dataset, *, period: str | Period | None = None,
               previous: str | Period | None = None,
               organisation: str | Sequence[str] | None = None,
               registry: Registry | None = None) -> Scores:
    """Every stage of a report short of rendering it: evaluate, score and lay out the
    report of each organisation (``"all"``: the league), as :func:`run` and ``perfcore
    report`` would, so that whatever would stop a report (an organisation or period the
    data do not cover, a proportion with no denominator, a value its kind cannot have)
    is raised now. ``perfcore validate`` runs it; returns the scores."""
    reg = _registry(registry)
    wanted: list[str | None] = ([organisation] if organisation is None
                                or isinstance(organisation, str) else list(organisation))
    if ALL in wanted:
        ev = evaluate_plan(plan_file, dataset, period=period, previous=previous,
                           organisation=ALL)
        scores = score_plan(plan_file, ev, registry=reg)
        league_plan(plan_file, ev, scores, registry=reg)
        return scores
    several = [w for w in wanted if w is not None]
    ev = evaluate_plan(plan_file, dataset, period=period, previous=previous,
                       organisation=several if len(several) > 1 else wanted[0])
    scores = score_plan(plan_file, ev, registry=reg)
    for org in wanted:
        report_plan(plan_file, ev, scores, organisation=org, registry=reg)
    return scores


def target_problems(plan_file: PlanFile, dataset: Dataset, *,
                    organisation: str | Sequence[str] | None = None) -> tuple[PlanProblem, ...]:
    """The change targets that cannot be measured, each with the plan file, line and path
    of its target, the measure and the period: one with no baseline declared, and one whose
    baseline period has no figure in the data for each organisation reported (default:
    the plan's; ``"all"``: every organisation of the data). A measure with no observations
    at all is left to the note that says so. Each would leave its target status "not
    available"; ``perfcore validate`` lists them."""
    wanted = organisation if organisation is not None else plan_file.organisation
    if wanted is None or wanted == ALL:
        orgs = list(dataset.organisations)
    else:
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        # An organisation the data do not hold is a problem of its own, said already.
        orgs = [o for o in dataset.organisations
                if any(_holds(dataset, name, o) for name in names)]
    file = None if plan_file.file is None else str(plan_file.file)
    out = []
    for m in plan_file.plan.measures():
        t = m.target
        if t is None or t.change is None or m.id not in dataset.measures:
            continue
        where = plan_file.path_of(m.id) or ""
        words = target_text(m, ENGLISH, translator(ENGLISH))
        if t.baseline is None:
            path = f"{where}.target"
            out.append(PlanProblem(
                f"measure {m.id!r}: its change target ({words}) has no baseline, so there is "
                "nothing to measure the change from and its status is not available; give "
                "the period it is measured from, e.g. baseline = \"2019-20\"",
                file=file, line=plan_file.line_of(path), path=path))
            continue
        base = baseline_values(dataset, m, orgs)
        missing = [o for k, o in enumerate(orgs) if base is None or np.isnan(base[0][k])]
        if missing:
            path = f"{where}.target.baseline" if plan_file.line_of(
                f"{where}.target.baseline") is not None else f"{where}.target"
            shown = ", ".join(organisation_name(o) for o in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            out.append(PlanProblem(
                f"measure {m.id!r}: the baseline of its change target ({words}), period "
                f"{t.baseline}, has no figure in the data for {shown}{more}, so its target "
                "status is not available; add the baseline figure or change the baseline",
                file=file, line=plan_file.line_of(path), path=path))
    return tuple(out)


def _holds(dataset: Dataset, name: str, code: str) -> bool:
    try:
        return dataset.organisations[dataset.organisation_index(name)] == code
    except UnknownOrganisationError:
        return False


def render(report: Report, format: str = "text", *, registry: Registry | None = None,
           **options: Any) -> str | bytes:
    """The report in a registered format (``text``, ``markdown``, ``html``, ``json``,
    ``csv``, ``xlsx`` or a plugin's); ``options`` go to the renderer (``colour=True`` for
    text). Text formats give ``str``; binary ones (``xlsx``: the renderer's ``binary``)
    give ``bytes``, for a file opened ``"wb"``."""
    spec = _registry(registry).renderer(format)
    out = spec.render(report, **options)
    expected = bytes if spec.binary else str
    if not isinstance(out, expected):
        raise PluginResultError(
            kind="renderer", name=format, expected=expected.__name__,
            got=type(out).__name__,
            reason=f"returned {type(out).__name__}, not {expected.__name__}"
            + (" (a binary renderer returns bytes)" if spec.binary else
               " (a renderer returns str unless its spec says binary=True)"),
            **plugin_fields(spec.render))
    return out


@attrs.frozen(kw_only=True)
class Run:
    """Everything one run of the pipeline produced."""

    plan_file: PlanFile
    dataset: Dataset = attrs.field(repr=False)
    evaluation: Evaluation
    scores: Scores
    report: Report = attrs.field(repr=False)
    registry: Registry = attrs.field(repr=False, eq=False)

    def render(self, format: str = "text", **options: Any) -> str | bytes:
        return render(self.report, format, registry=self.registry, **options)


def run(plan: PlanFile | PathLike, *, files: Sequence[PathLike] | None = None,
        loader: str | None = None, period: str | Period | None = None,
        previous: str | Period | None = None, organisation: str | None = None,
        lang: str = ENGLISH, fallback: Fallback = "error",
        progress: ProgressCallback | bool | None = False,
        registry: Registry | None = None, public: bool | None = None) -> Run:
    """Every stage, in order: load the plan (when given a path) and its data, evaluate,
    score and lay out the report (a public edition when ``public``, or when the plan's
    ``[report]`` table says so)."""
    reg = _registry(registry)
    plan_file = plan if isinstance(plan, PlanFile) else load_plan(plan, registry=reg)
    dataset = load_data(plan_file, files=files, loader=loader, progress=progress,
                        registry=reg)
    ev = evaluate_plan(plan_file, dataset, period=period, previous=previous,
                       organisation=organisation)
    scores = score_plan(plan_file, ev, registry=reg)
    report = report_plan(plan_file, ev, scores, lang=lang, fallback=fallback,
                         organisation=organisation, registry=reg, public=public)
    return Run(plan_file=plan_file, dataset=dataset, evaluation=ev, scores=scores,
               report=report, registry=reg)

