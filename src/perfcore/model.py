"""The plan model: inert, frozen definitions of a performance framework.

``Plan`` → ``Priority`` (title, lead, board, assessment type) → ``Outcome`` (statement)
→ ``Measure`` (id, name, kind, polarity, unit, ...), with an optional ``Target`` per
measure and its ``SpcSettings`` (the rules, length and ``Rebase`` points of its monthly
chart). Definitions hold no data and no reference to plugins, so they pickle and compare
by value. Build them directly (keyword arguments) or from mappings with the named
constructors (``Plan.from_mapping``), which validate the whole plan and report every
problem at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from perfcore.calc.spc import MIN_POINTS
from perfcore.codes import MeasureKind, Polarity, Status
from perfcore.errors import (
    DuplicateIdError,
    ModelError,
    OptionError,
    PeriodError,
    PlanProblem,
    PlanValidationError,
    TargetPolarityError,
    UnknownMeasureError,
    did_you_mean,
)
from perfcore.i18n import counted, plural
from perfcore.periods import Month, Period, parse_period

__all__ = [
    "Display",
    "ManualAssessment",
    "Measure",
    "MeasureKind",
    "Outcome",
    "Plan",
    "Polarity",
    "Priority",
    "Rebase",
    "SpcSettings",
    "Target",
]

#: What a plan id looks like: lower-case words, with a dot after a domain prefix.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s if s and s[0].isalpha() else f"x_{s}"


def _nonblank(obj: str, field: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ModelError(reason=f"{field} is required and must be non-empty text (got "
                             f"{value!r})", obj=_describe(instance, obj), field=field)
    return check


def _text(obj: str, field: str, what: str = "text") -> Any:
    """An optional text field: text (perhaps empty), never a number, list or table."""
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str):
            raise ModelError(reason=f"{field} must be {what}, not {type(value).__name__} "
                             f"{value!r}", obj=_describe(instance, obj), field=field)
    return check


def _describe(instance: Any, obj: str) -> str:
    ident = getattr(instance, "id", None)
    return f"{obj} {ident!r}" if isinstance(ident, str) and ident else obj


def _valid_id(obj: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            raise ModelError(
                reason="the id is not valid: use lower-case letters, digits and "
                "underscores, starting with a letter (a domain prefix may be added with a "
                "dot, e.g. 'victims.satisfaction_whole_experience')",
                obj=f"{obj} {value!r}", field="id")
    return check


def _to_polarity(value: Any) -> Polarity:
    try:
        return Polarity.parse(value)
    except OptionError as exc:
        raise ModelError(reason=str(exc), obj="measure", field="polarity") from exc


def _to_kind(value: Any) -> MeasureKind:
    try:
        return MeasureKind.parse(value)
    except OptionError as exc:
        raise ModelError(reason=str(exc), obj="measure", field="kind") from exc


def _period_of(value: Any, field: str) -> Period | None:
    if value is None or isinstance(value, Period):
        return value
    try:
        return parse_period(value)
    except PeriodError as exc:
        raise ModelError(reason=str(exc), obj="target", field=field) from exc


def _to_period(value: Any) -> Period | None:
    # A plan's period and an assessment's date (their errors said "target: ... by" before
    # targets had converters of their own; kept for the messages' readers).
    return _period_of(value, "by")


def _to_baseline(value: Any) -> Period | None:
    return _period_of(value, "baseline")


def _to_by(value: Any) -> Period | None:
    return _period_of(value, "by")


_VERB_RE = re.compile(r"^(?P<verb>reduce|cut|lower|increase|raise)\s+by\s+(?P<rest>.+)$",
                      re.IGNORECASE)
_CHANGE_RE = re.compile(
    r"^(?P<num>[+-]?\d+(?:\.\d+)?)\s*(?P<unit>%|pp|percentage points?)?\s*"
    r"(?P<word>reduction|decrease|fall|increase|rise|improvement)?$")


@attrs.frozen(kw_only=True, repr=False)
class Target:
    """A target for a measure: either a ``value`` to reach, or a ``change`` from a baseline.

    ``change`` is relative for counts and amounts (``-0.20`` = a 20% reduction) and in
    percentage points for proportions (``+2.0`` = up 2 pp); ``change_unit`` says which.
    ``by`` is the period by which it should be met; ``baseline`` the period the change is
    measured from. Example: "20% reduction in crime over the current parliament" is
    ``Target(change=-0.20, baseline="2019-20", by="2024-25")``.
    """

    value: float | None = attrs.field(default=None)
    change: float | None = attrs.field(default=None)
    change_unit: str = attrs.field(default="relative",
                                   validator=attrs.validators.in_(("relative", "pp")))
    baseline: Period | None = attrs.field(default=None, converter=_to_baseline)
    by: Period | None = attrs.field(default=None, converter=_to_by)
    description: str = attrs.field(default="")

    def __attrs_post_init__(self) -> None:
        problems = _target_problems(self.value, self.change, self.baseline, self.by,
                                    self.description)
        if problems:
            raise problems[0]

    @classmethod
    def problems(cls, data: Any) -> tuple[ModelError, ...]:
        """Every problem of a target as a plan gives it (a table or a phrase), each naming
        its field (``value``, ``change``, ``baseline``, ``by``, an unknown key, or
        ``target`` for the whole); empty when :meth:`from_mapping` reads it."""
        if isinstance(data, str):
            try:
                cls.from_text(data)
            except ModelError as exc:
                return (exc,)
            return ()
        if not isinstance(data, Mapping):
            return (ModelError(reason=f"must be a table or text, not {type(data).__name__}",
                               obj="target", field="target"),)
        out = [ModelError(reason=f"unknown field {key!r}{did_you_mean(str(key), _TARGET_KEYS)}"
                          f"; allowed: {', '.join(_TARGET_KEYS)}", obj="target",
                          field=str(key)) for key in data if key not in _TARGET_KEYS]
        change, unreadable = data.get("change"), False
        if isinstance(change, str):
            try:
                change, _unit = _parse_change(change)
            except ModelError as exc:
                out.append(exc)
                unreadable = True  # given, if unreadable: not "missing"
        periods: dict[str, Period | None] = {}
        for name in ("baseline", "by"):
            try:
                periods[name] = _period_of(data.get(name), name)
            except ModelError as exc:
                out.append(exc)
                periods[name] = None
        out += _target_problems(data.get("value"), change, periods["baseline"],
                                periods["by"], data.get("description", ""),
                                unreadable=unreadable)
        return tuple(out)

    @property
    def direction(self) -> int:
        """+1 for a target to increase, -1 to decrease, 0 for a value target."""
        if self.change is None:
            return 0
        return 1 if self.change > 0 else -1

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | str) -> Target:
        """From a mapping (``{"change": "-20%", "baseline": "2019-20", "by": "2024-25"}``,
        ``{"value": 0.85}``) or a phrase (``"20% reduction by 2024-25"``)."""
        if isinstance(data, str):
            return cls.from_text(data)
        if not isinstance(data, Mapping):
            raise ModelError(reason=f"must be a table or text, not {type(data).__name__}",
                             obj="target", field="target")
        problems = cls.problems(data)
        if problems:
            raise problems[0]
        kwargs = dict(data)
        change = kwargs.get("change")
        if isinstance(change, str):
            kwargs["change"], kwargs["change_unit"] = _parse_change(change)
        return cls(**kwargs)

    @classmethod
    def from_text(cls, text: str) -> Target:
        """Parse ``"20% reduction by 2024-25"``, ``"+2 pp by 2022-23"``, ``"reduce by 10%
        from 2019-20"`` and similar."""
        body, sign = text.strip(), 0
        verb = _VERB_RE.match(body)
        if verb:
            body = verb["rest"]
            sign = 1 if verb["verb"].lower() in ("increase", "raise") else -1
        head, _, by = body.partition(" by ")
        head, _, base = head.partition(" from ")
        change, unit = _parse_change(head)
        if sign:
            change = sign * abs(change)
        return cls(change=change, change_unit=unit, by=by.strip() or None,
                   baseline=base.strip() or None, description=text)

    def __repr__(self) -> str:
        if self.value is not None:
            what = f"value={self.value!r}"
        elif self.change_unit == "pp":
            what = f"change={self.change:+g} pp"
        else:
            what = f"change={self.change:+.1%}"
        parts = [what]
        if self.baseline is not None:
            parts.append(f"from {self.baseline}")
        if self.by is not None:
            parts.append(f"by {self.by}")
        return f"Target({', '.join(parts)})"


_TARGET_KEYS = ("value", "change", "baseline", "by", "description")


def _target_problems(value: Any, change: Any, baseline: Period | None, by: Period | None,
                     description: Any, *, unreadable: bool = False) -> list[ModelError]:
    """The problems of a target's fields once read (``unreadable``: a change phrase that
    could not be read, already a problem)."""
    out = []
    if value is None and change is None:
        out.append(ModelError(reason="give a value to reach or a change from a baseline",
                              obj="target", field="value"))
    elif value is not None and change is not None:
        out.append(ModelError(reason="give one of value or change, not both", obj="target",
                              field="change"))
    for name, v in (("value", value), ("change", None if unreadable else change)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                              or not math.isfinite(v)):
            out.append(ModelError(reason=f"{name} must be a finite number, not {v!r}",
                                  obj="target", field=name))
        elif name == "change" and v == 0:
            out.append(ModelError(reason="a change of 0 is not a target", obj="target",
                                  field="change"))
    if value is not None and change is None and baseline is not None:
        out.append(ModelError(reason="a baseline applies to a change target only: a value "
                              "is reached, not measured from a baseline", obj="target",
                              field="baseline"))
    if baseline is not None and by is not None and by.last <= baseline.last:
        out.append(ModelError(reason=f"the deadline {by} must come after the baseline "
                              f"{baseline}", obj="target", field="by"))
    if not isinstance(description, str):
        out.append(ModelError(reason=f"description must be text, not "
                              f"{type(description).__name__}", obj="target",
                              field="description"))
    return out


def _parse_change(text: str) -> tuple[float, str]:
    m = _CHANGE_RE.match(text.strip().lower())
    if not m:
        raise ModelError(reason=f"cannot read change {text!r}; write e.g. '-20%', "
                         "'20% reduction', '+2 pp'", obj="target", field="change")
    num = float(m["num"])
    word = m["word"]
    if word in ("reduction", "decrease", "fall"):
        num = -abs(num)
    unit = "pp" if m["unit"] and m["unit"].startswith("p") else "relative"
    if unit == "relative":
        num /= 100
    return num, unit


def _to_month(value: Any) -> Month:
    if isinstance(value, Month):
        return value
    try:
        month = parse_period(value, prefer="month")
    except PeriodError:
        month = None
    if not isinstance(month, Month):
        raise ModelError(reason=f"{value!r} is not a month: write the first month of the new "
                         "level, e.g. '2023-10' or 'October 2023'", obj="rebase",
                         field="month")
    return month


@attrs.frozen(kw_only=True)
class Rebase:
    """Where a measure's monthly series steps to a new level for a reason outside the
    process it measures (a change in how crimes are recorded, categorised or
    published): its XmR chart starts a new group, with its own mean and limits, at
    ``month``. ``note`` says why, for a report to show beside the chart's marker."""

    month: Month = attrs.field(converter=_to_month)
    note: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    @classmethod
    def from_value(cls, value: Any) -> Rebase:
        """From a month (``"2023-10"``) or a table (``{"month": "2023-10", "note": ...}``)."""
        if isinstance(value, Rebase):
            return value
        if isinstance(value, str):
            return cls(month=value)
        if not isinstance(value, Mapping):
            raise ModelError(reason="must be a month such as '2023-10' or a table "
                             f"{{ month = ..., note = ... }}, not {type(value).__name__}",
                             obj="rebase", field="")
        unknown = sorted(set(value) - {"month", "note"})
        if unknown:
            raise ModelError(reason=f"unknown {plural(len(unknown), 'field')} {unknown}; "
                             "allowed: month, note",
                             obj="rebase", field=unknown[0])
        if "month" not in value:
            raise ModelError(reason="the month is required (the first month of the new "
                             "level)", obj="rebase", field="month")
        if not isinstance(value.get("note", ""), str):
            raise ModelError(reason="note must be text", obj="rebase", field="note")
        return cls(**value)


def _rebase_problems(value: Any) -> list[ModelError]:
    """Every problem of an spc table's rebase list, each naming its field (``rebase``,
    ``rebase[1].month`` ...)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return [ModelError(reason="rebase must be a list of months or { month, note } "
                           f"tables, not {type(value).__name__}", obj="spc", field="rebase")]
    out: list[ModelError] = []
    months: list[Month] = []
    for k, item in enumerate(value):
        try:
            rebase = Rebase.from_value(item)
        except ModelError as exc:
            sub = exc.field or ""
            out.append(ModelError(reason=exc.reason, obj=f"spc {exc.obj}",
                                  field=f"rebase[{k}].{sub}" if sub else f"rebase[{k}]"))
            continue
        if rebase.month in months:
            out.append(ModelError(reason=f"{rebase.month} is given twice", obj="spc rebase",
                                  field=f"rebase[{k}].month"))
        months.append(rebase.month)
    return out


def _rebases(value: Any) -> tuple[Rebase, ...]:
    problems = _rebase_problems(value)
    if problems:
        raise problems[0]
    # Month order, whatever order the plan lists them in: groups follow one another.
    return tuple(sorted(map(Rebase.from_value, value), key=lambda r: r.month.first))


def _rules_problem(value: Any) -> ModelError | None:
    if value is None:
        return None
    # The profiles are the calculation's; imported here so that plans without SPC
    # settings never load the calculations.
    from perfcore.calc.spc.rules import PROFILES
    if not isinstance(value, str) or value not in PROFILES:
        return ModelError(reason=f"rules {value!r} is not a rule profile"
                          f"{did_you_mean(str(value), PROFILES)} (profiles: "
                          f"{', '.join(PROFILES)})", obj="spc", field="rules")
    return None


def _points_problem(value: Any) -> ModelError | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < MIN_POINTS):
        return ModelError(reason=f"points must be a whole number of months ≥ {MIN_POINTS}, "
                          f"not {value!r}", obj="spc", field="points")
    return None


def _rule_profile(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    problem = _rules_problem(value)
    if problem is not None:
        raise problem


def _chart_points(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    problem = _points_problem(value)
    if problem is not None:
        raise problem


@attrs.frozen(kw_only=True)
class SpcSettings:
    """How a measure's monthly XmR chart is drawn (a plan's ``spc`` table).

    ``rules`` is the rule profile (``nhsr``, ``mdc_sql_2_5``, ``mdc_v5``; None: the
    evaluation's); ``points`` the months charted, ending with the period's last month
    (None: the evaluation's); ``rebase`` the steps of the series (:class:`Rebase`, in
    month order). A plan's ``[spc]`` table gives the defaults (rules and points only: a
    step belongs to one series).
    """

    rules: str | None = attrs.field(default=None, validator=_rule_profile)
    points: int | None = attrs.field(default=None, validator=_chart_points)
    rebase: tuple[Rebase, ...] = attrs.field(default=(), converter=_rebases)

    @classmethod
    def problems(cls, data: Any) -> tuple[ModelError, ...]:
        """Every problem of an spc table as a plan gives it, each naming its field
        (``rules``, ``points``, ``rebase[0].month``, an unknown key, or ``""`` for the
        whole); empty when :meth:`from_mapping` reads it."""
        if isinstance(data, SpcSettings):
            return ()
        if not isinstance(data, Mapping):
            return (ModelError(reason="must be a table (rules, points, rebase), not "
                               f"{type(data).__name__}", obj="spc", field=""),)
        allowed = [a.name for a in attrs.fields(cls)]
        unknown = sorted(set(data) - set(allowed))
        out = [ModelError(reason=f"unknown {plural(len(unknown), 'field')} {unknown}; "
                          f"allowed: {', '.join(allowed)}", obj="spc", field=unknown[0])
               ] if unknown else []
        out += [p for p in (_rules_problem(data.get("rules")),
                            _points_problem(data.get("points"))) if p is not None]
        if "rebase" in data:
            out += _rebase_problems(data["rebase"])
        return tuple(out)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | SpcSettings) -> SpcSettings:
        """From a mapping such as ``{"rules": "mdc_v5", "points": 36, "rebase":
        ["2023-10", {"month": "2024-04", "note": "..."}]}``; raises the first of its
        :meth:`problems`."""
        if isinstance(data, SpcSettings):
            return data
        problems = cls.problems(data)
        if problems:
            raise problems[0]
        return cls(**data)


def _to_spc(value: Any) -> SpcSettings:
    try:
        return SpcSettings.from_mapping(value)
    except ModelError as exc:
        sub = exc.field or ""
        raise ModelError(reason=str(exc), obj="measure",
                         field=f"spc.{sub}" if sub else "spc") from exc


@attrs.frozen(kw_only=True, repr=False)
class Measure:
    """One measure of performance.

    ``per`` is the population base for rates (crimes per 1,000 population by default).
    ``decimals`` is the display precision (default: 0 for counts and money, 1 otherwise).
    ``spc`` says how its monthly XmR chart is drawn (:class:`SpcSettings`).
    """

    id: str = attrs.field(validator=_valid_id("measure"))
    name: str = attrs.field(validator=_nonblank("measure", "name"))
    kind: MeasureKind = attrs.field(converter=_to_kind)
    polarity: Polarity = attrs.field(converter=_to_polarity)
    unit: str = attrs.field(default="", validator=_text("measure", "unit"))
    per: int | None = attrs.field(default=None)
    description: str = attrs.field(default="", validator=_text("measure", "description"))
    source: str = attrs.field(default="", validator=_text("measure", "source"))
    target: Target | None = attrs.field(default=None)
    decimals: int | None = attrs.field(default=None)
    spc: SpcSettings = attrs.field(factory=SpcSettings, converter=_to_spc)

    def __attrs_post_init__(self) -> None:
        me = f"measure {self.id!r}"
        if self.kind is MeasureKind.QUALITATIVE and self.spc != SpcSettings():
            raise ModelError(reason="a qualitative measure has no monthly series to chart, "
                             "so no spc settings", obj=me, field="spc")
        if self.per is not None and (isinstance(self.per, bool) or not isinstance(self.per, int)
                                     or self.per <= 0):
            raise ModelError(reason="per must be a positive whole number (e.g. 1000), not "
                             f"{self.per!r}", obj=me, field="per")
        if self.per is not None and self.kind is not MeasureKind.RATE:
            raise ModelError(reason=f"per applies only to rate measures, not {self.kind.value}",
                             obj=me, field="per")
        if self.decimals is not None and (isinstance(self.decimals, bool)
                                          or not isinstance(self.decimals, int)
                                          or not 0 <= self.decimals <= 6):
            raise ModelError(reason="decimals must be a whole number from 0 to 6, not "
                             f"{self.decimals!r}", obj=me, field="decimals")
        if self.target is not None:
            if not isinstance(self.target, Target):
                raise ModelError(reason="target must be a Target", obj=me, field="target")
            self._check_target(me, self.target)

    def _check_target(self, me: str, target: Target) -> None:
        problems = self.target_problems(target)
        if problems:
            raise problems[0]

    def target_problems(self, target: Target) -> tuple[ModelError, ...]:
        """Every way ``target`` does not fit this measure: a qualitative measure; a change
        against the polarity (or of a neutral measure); a change in per cent for a
        proportion, or in points for another kind."""
        me = f"measure {self.id!r}"
        if self.kind is MeasureKind.QUALITATIVE:
            return (ModelError(reason="a qualitative measure cannot have a numeric target",
                               obj=me, field="target"),)
        if target.change is None:
            return ()
        out: list[ModelError] = []
        if self.polarity is Polarity.NEUTRAL:
            out.append(TargetPolarityError(
                reason="polarity is neutral, so a target to "
                f"{'increase' if target.direction > 0 else 'reduce'} it contradicts it; "
                "set the polarity or give a value target", obj=me, field="target"))
        elif target.direction != self.polarity.sign:
            wanted = "an increase" if target.direction > 0 else "a reduction"
            out.append(TargetPolarityError(
                reason=f"the target asks for {wanted} but the measure's polarity is "
                f"{self.polarity.value}; fix the sign of the target or the polarity",
                obj=me, field="target"))
        pp = self.kind is MeasureKind.PROPORTION
        if pp != (target.change_unit == "pp"):
            out.append(ModelError(
                reason=f"a {self.kind.value} measure's target change must be in "
                f"{'percentage points (pp)' if pp else 'per cent'}", obj=me, field="target"))
        return tuple(out)

    @property
    def rate_per(self) -> int:
        """Population base for rates (1,000 unless set)."""
        return self.per if self.per is not None else 1000

    @property
    def display_decimals(self) -> int:
        if self.decimals is not None:
            return self.decimals
        return 0 if self.kind in (MeasureKind.COUNT, MeasureKind.MONEY) else 1

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Measure:
        """From a mapping such as one ``[[...measures]]`` table of a plan file."""
        if not isinstance(data, Mapping):
            raise ModelError(reason=f"must be a table, not {type(data).__name__}",
                             obj="measure", field="measure")
        fields = {a.name for a in attrs.fields(cls)}
        unknown = set(data) - fields
        ident = data.get("id", "?")
        if unknown:
            raise ModelError(reason=f"unknown {plural(len(unknown), 'field')} "
                             f"{sorted(unknown)}; allowed: {', '.join(sorted(fields))}",
                             obj=f"measure {ident!r}",
                             field=sorted(unknown)[0])
        missing = [f for f in ("id", "name", "kind", "polarity") if f not in data]
        if missing:
            raise ModelError(reason=f"missing required {plural(len(missing), 'field')} "
                             f"{', '.join(missing)}",
                             obj=f"measure {ident!r}", field=missing[0])
        kwargs = dict(data)
        if "target" in kwargs and kwargs["target"] is not None:
            kwargs["target"] = Target.from_mapping(kwargs["target"])
        try:
            return cls(**kwargs)
        except ModelError as exc:
            # Converters run before the id is known to them; say which measure it was.
            if exc.obj == "measure":
                raise type(exc)(**{**exc.fields, "obj": f"measure {ident!r}"}) from exc
            raise

    def __repr__(self) -> str:
        return (f"Measure({self.id!r}, {self.name!r}, {self.kind.value}, "
                f"{self.polarity.value}{', ' + repr(self.target) if self.target else ''})")


def _tuple_of(value: Any, cls: type[Any], what: str) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ModelError(reason=f"must be a list of {cls.__name__} objects", obj=what, field=what)
    out = tuple(value)
    for v in out:
        if not isinstance(v, cls):
            raise ModelError(reason=f"must contain {cls.__name__} objects, not "
                             f"{type(v).__name__}", obj=what, field=what)
    return out


def _measures(value: Any) -> tuple[Measure, ...]:
    return _tuple_of(value, Measure, "measures")


def _outcomes(value: Any) -> tuple[Outcome, ...]:
    return _tuple_of(value, Outcome, "outcomes")


def _priorities(value: Any) -> tuple[Priority, ...]:
    return _tuple_of(value, Priority, "priorities")


@attrs.frozen(kw_only=True, repr=False)
class Outcome:
    """An outcome a priority seeks, e.g. "People of Gwent are less affected by crime"."""

    id: str = attrs.field(validator=_valid_id("outcome"))
    statement: str = attrs.field(validator=_nonblank("outcome", "statement"))
    measures: tuple[Measure, ...] = attrs.field(default=(),
                                                converter=_measures)

    def __attrs_post_init__(self) -> None:
        _check_unique(self.measures, f"outcome {self.id!r}", "measures")

    def __repr__(self) -> str:
        return f"Outcome({self.id!r}, {counted(len(self.measures), 'measure')})"


@attrs.frozen(kw_only=True, repr=False)
class Priority:
    """A priority of the plan, with its lead, governance board and assessment type."""

    id: str = attrs.field(validator=_valid_id("priority"))
    title: str = attrs.field(validator=_nonblank("priority", "title"))
    lead: str = attrs.field(default="", validator=_text("priority", "lead"))
    board: str = attrs.field(default="", validator=_text("priority", "board"))
    assessment_type: str = attrs.field(default="",
                                       validator=_text("priority", "assessment_type"))
    outcomes: tuple[Outcome, ...] = attrs.field(default=(),
                                                converter=_outcomes)

    def __attrs_post_init__(self) -> None:
        _check_unique(self.outcomes, f"priority {self.id!r}", "outcomes")

    def measures(self) -> Iterator[Measure]:
        for outcome in self.outcomes:
            yield from outcome.measures

    def __repr__(self) -> str:
        return (f"Priority({self.id!r}, {self.title!r}, "
                f"{counted(len(self.outcomes), 'outcome')})")


def _check_unique(items: Sequence[Any], owner: str, what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise DuplicateIdError(obj=owner, field=what, id=item.id)
        seen.add(item.id)


@attrs.frozen(kw_only=True, repr=False)
class Plan:
    """A performance framework: priorities → outcomes → measures.

    Measure ids are unique across the whole plan, as are outcome and priority ids.
    """

    id: str = attrs.field(validator=_valid_id("plan"))
    title: str = attrs.field(validator=_nonblank("plan", "title"))
    organisation: str = attrs.field(
        default="", validator=_text("plan", "organisation", "one force's name or ONS code "
                                    "as text (e.g. \"Gwent\")"))
    period: Period | None = attrs.field(default=None, converter=_to_period)
    priorities: tuple[Priority, ...] = attrs.field(default=(),
                                                   converter=_priorities)

    def __attrs_post_init__(self) -> None:
        _check_unique(self.priorities, f"plan {self.id!r}", "priorities")
        for what, items in (("outcome", [o for p in self.priorities for o in p.outcomes]),
                            ("measure", list(self.measures()))):
            where: dict[str, str] = {}
            for p in self.priorities:
                for o in p.outcomes:
                    if what == "outcome":
                        if o.id in where:
                            raise DuplicateIdError(
                                obj=f"plan {self.id!r}", field="outcomes", id=o.id,
                                places=(f"priority {where[o.id]!r}", f"priority {p.id!r}"))
                        where[o.id] = p.id
                    else:
                        for m in o.measures:
                            if m.id in where:
                                raise DuplicateIdError(
                                    obj=f"plan {self.id!r}", field="measures", id=m.id,
                                    places=(where[m.id], f"{p.id}.{o.id}"))
                            where[m.id] = f"{p.id}.{o.id}"
            del items

    def measures(self) -> Iterator[Measure]:
        """Every measure of the plan, in plan order."""
        for p in self.priorities:
            yield from p.measures()

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id; unknown ids raise :class:`UnknownMeasureError` with the
        nearest names as suggestions."""
        for m in self.measures():
            if m.id == measure_id:
                return m
        raise UnknownMeasureError.near(measure_id, [m.id for m in self.measures()],
                                       where=f"plan {self.id!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, file: str | None = None) -> Plan:
        """Build and validate a whole plan from nested mappings (e.g. a parsed TOML file).

        Every problem is collected and reported together in one
        :class:`PlanValidationError`, each with its ``priorities[0].outcomes[1].measures[2]``
        path. Ids may be omitted for priorities and outcomes (derived from title/statement).
        """
        problems: list[PlanProblem] = []

        def problem(path: str, exc: Exception) -> None:
            problems.append(PlanProblem(str(exc), file=file, path=path))

        def build(path: str, factory: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return factory(*args, **kwargs)
            except (ModelError, TypeError) as exc:
                # A plan field's problem is listed at the field (its line in a plan file).
                field = exc.field if type(exc) is ModelError and not path else None
                problem(field or path, exc)
                return None

        if not isinstance(data, Mapping):
            raise PlanValidationError.from_problems(
                [PlanProblem("a plan must be a table", file=file)], file=file)
        plan_fields = {"id", "title", "organisation", "period", "priorities"}
        for key in sorted(set(data) - plan_fields):
            problems.append(PlanProblem(f"unknown plan field {key!r}; allowed: "
                                        f"{', '.join(sorted(plan_fields))}", file=file,
                                        path=key))
        priorities = []
        for i, pdata in enumerate(_list(data.get("priorities", []), "priorities", problems, file)):
            ppath = f"priorities[{i}]"
            if not isinstance(pdata, Mapping):
                problems.append(PlanProblem("a priority must be a table", file=file, path=ppath))
                continue
            outcomes = []
            for j, odata in enumerate(_list(pdata.get("outcomes", []), f"{ppath}.outcomes",
                                            problems, file)):
                opath = f"{ppath}.outcomes[{j}]"
                if not isinstance(odata, Mapping):
                    problems.append(PlanProblem("an outcome must be a table", file=file,
                                                path=opath))
                    continue
                measures = []
                for k, mdata in enumerate(_list(odata.get("measures", []), f"{opath}.measures",
                                                problems, file)):
                    m = build(f"{opath}.measures[{k}]", Measure.from_mapping, mdata)
                    if m is not None:
                        measures.append(m)
                ofields = {k: v for k, v in odata.items() if k != "measures"}
                ofields.setdefault("id", _slug(str(ofields.get("statement") or f"outcome_{j + 1}")))
                o = build(opath, Outcome, measures=measures, **ofields)
                if o is not None:
                    outcomes.append(o)
            pfields = {k: v for k, v in pdata.items() if k != "outcomes"}
            pfields.setdefault("id", _slug(str(pfields.get("title") or f"priority_{i + 1}")))
            p = build(ppath, Priority, outcomes=outcomes, **pfields)
            if p is not None:
                priorities.append(p)
        top = {k: v for k, v in data.items() if k in plan_fields - {"priorities"}}
        top.setdefault("id", _slug(str(top.get("title", "plan"))))
        plan = None
        if not problems:
            plan = build("", cls, priorities=priorities, **top)
        else:
            # Still check the plan-level fields so their problems are listed too.
            build("", cls, priorities=[], **top)
        if problems or not isinstance(plan, Plan):
            raise PlanValidationError.from_problems(problems, file=file)
        return plan

    def __repr__(self) -> str:
        n_measures = sum(1 for _ in self.measures())
        return (f"Plan({self.title!r}, "
                f"{counted(len(self.priorities), 'priority', 'priorities')}, "
                f"{counted(n_measures, 'measure')})")


def _list(value: Any, path: str, problems: list[PlanProblem], file: str | None) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    problems.append(PlanProblem(f"must be a list of tables, not {type(value).__name__}",
                                file=file, path=path))
    return []


def _to_status(value: Any) -> Status:
    try:
        return Status.parse(value)
    except OptionError as exc:
        raise ModelError(reason=str(exc), obj="assessment", field="status") from exc


@attrs.frozen(kw_only=True)
class ManualAssessment:
    """The manually assessed status of a qualitative item (green, amber, red or grey for
    not assessed), as of a period, with its commentary and evidence;
    ``commentary_internal``: the commentary is for internal editions only (a public
    edition leaves it out)."""

    status: Status = attrs.field(default=Status.GREY, converter=_to_status)
    as_of: Period | None = attrs.field(default=None, converter=_to_period)
    commentary: str = ""
    evidence: tuple[str, ...] = ()
    commentary_internal: bool = False


#: Measure kinds whose values are whole numbers by default: a plan's ``[display] decimals``
#: leaves them alone (58577 must not become 58577.0) unless the measure sets its own.
_WHOLE_KINDS = frozenset({MeasureKind.COUNT, MeasureKind.MONEY, MeasureKind.QUALITATIVE})


@attrs.frozen(kw_only=True)
class Display:
    """How a report shows figures (a plan file's ``[display]`` table): ``decimals`` for
    measures shown with fractions, ``change_decimals`` for changes, ``thousands``
    separators, ``history`` (earlier periods shown before the two compared) and
    ``labels`` (column headings renamed: keys are column keys such as ``"change"`` or
    comparator slots such as ``"msg"``)."""

    decimals: int | None = None
    change_decimals: int = 1
    thousands: bool = False
    history: tuple[Period, ...] = ()
    labels: Mapping[str, str] = attrs.field(factory=dict)

    def decimals_for(self, measure: Measure) -> int:
        """A measure's display decimals: its own, else ``decimals`` for measures shown
        with fractions (rates, proportions, means), else its kind's default."""
        if measure.decimals is not None:
            return measure.decimals
        if self.decimals is not None and measure.kind not in _WHOLE_KINDS:
            return self.decimals
        return measure.display_decimals
