"""What a plan file says, as inert records: the plan itself, its comparators, data sources,
display and report settings, texts in other languages and its scoring table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from perfcore.dataset import Aggregation
from perfcore.io.plan.lines import line_of
from perfcore.model import Display, ManualAssessment, Plan, SpcSettings
from perfcore.organisations import ComparatorGroup
from perfcore.periods import Period

__all__ = ["DataSource", "PlanFile", "ReportSettings"]


@attrs.frozen(kw_only=True)
class DataSource:
    """One ``[[data]]`` entry: a file, the loader to read it with (None: chosen by the
    file's name), the loader's options, and the periods to add by aggregating its monthly
    figures (``aggregate``: ``"rolling12"``, ``"financial_year"`` ...; the months are
    kept)."""

    path: Path
    loader: str | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    aggregate: tuple[Aggregation, ...] = ()


@attrs.frozen(kw_only=True)
class ReportSettings:
    """The ``[report]`` table: the period, comparison period and organisation a report is
    for, by default; whether it is a ``public`` edition, with its disclosure
    ``threshold`` and ``symbol`` (None: the defaults), and the ``totals``: count measures
    that are the sum of others (``{total id: part ids}``)."""

    period: Period | None = None
    previous: Period | None = None
    organisation: str | None = None
    public: bool = False
    threshold: int | None = None
    symbol: str | None = None
    totals: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class PlanFile:
    """Everything a plan file says.

    ``spc`` holds the ``[spc]`` table's defaults for every measure's monthly chart (rule
    profile and months charted; each measure's own ``spc`` table overrides them).
    ``texts`` maps each language other than English to ``{English text: translation}``;
    ``scoring_data`` is the plan's scoring table (with the measures' own ``scorer``
    tables and qualitative items' assessments merged in) and ``scoring`` the validated
    configuration built from it (a :class:`perfcore.scoring.ScoringConfig`, set when the
    plan is loaded through :func:`perfcore.load_plan`). Run it with
    :func:`perfcore.pipeline.run` or step by step with the functions of
    :mod:`perfcore.pipeline`. ``lines`` maps each path of the file to its line and
    ``measure_paths`` each measure id to its path, for messages about them.
    """

    file: Path | None
    plan: Plan
    comparators: tuple[ComparatorGroup, ...] = ()
    data: tuple[DataSource, ...] = ()
    display: Display = attrs.field(factory=Display)
    spc: SpcSettings = attrs.field(factory=SpcSettings)
    report: ReportSettings = attrs.field(factory=ReportSettings)
    manual: Mapping[str, ManualAssessment] = attrs.field(factory=dict)
    texts: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    scoring: Any = None
    scoring_data: Mapping[str, Any] = attrs.field(factory=dict)
    lines: Mapping[str, int] = attrs.field(factory=dict, repr=False, eq=False)
    measure_paths: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)

    def line_of(self, path: str) -> int | None:
        """The line of the plan file where ``path`` (``priorities[0].title``) is set."""
        return line_of(self.lines, path)

    def path_of(self, measure: str) -> str | None:
        """Where a measure is in the plan file (``priorities[0].outcomes[1].measures[2]``)."""
        return self.measure_paths.get(measure)

    @property
    def organisation(self) -> str | None:
        """The organisation a report is for by default: the ``[report]`` table's, else the
        plan's."""
        return self.report.organisation or self.plan.organisation or None
