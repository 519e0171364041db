"""The perfcore exception and warning hierarchy.

Every error perfcore raises derives from :class:`PerfcoreError`. Concrete errors also
derive from the built-in that describes them (``ValueError``, ``KeyError``, ``TypeError``)
so callers that already catch those keep working. Each carries structured fields (the
file, line, measure, period, option ... it is about) as attributes, and each pickles,
so errors survive being raised in a worker process.

Warnings derive from :class:`PerfcoreWarning` (a ``UserWarning``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "DataError",
    "DuplicateIdError",
    "DuplicateNameError",
    "DuplicateObservationError",
    "InvalidInputWarning",
    "MissingTranslationError",
    "ModelError",
    "NotCoveredError",
    "OptionError",
    "OutputError",
    "PerfcoreError",
    "PerfcoreWarning",
    "PeriodError",
    "PlanProblem",
    "PlanValidationError",
    "PluginError",
    "PluginLoadError",
    "SeriesError",
    "ShapeError",
    "TargetPolarityError",
    "TrialLimitsWarning",
    "UnknownCodeError",
    "UnknownMeasureError",
    "UnknownOrganisationError",
    "UnknownPeriodError",
]


def _rebuild(cls: type[PerfcoreError], message: str, fields: dict[str, Any]) -> PerfcoreError:
    return cls(message, **fields)


class PerfcoreError(Exception):
    """Root of every error perfcore raises.

    ``message`` is the full human-readable text; keyword arguments become attributes
    (``err.measure``, ``err.period`` ...) and are listed in ``err.fields``.
    """

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = dict(fields)

    def __getattr__(self, name: str) -> Any:
        # Structured fields read as attributes: err.measure, err.period ...
        fields = self.__dict__.get("fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def __str__(self) -> str:
        # KeyError would otherwise repr() the message, wrapping it in quotes.
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.fields))


class OptionError(PerfcoreError, ValueError):
    """A keyword option has a value perfcore does not accept.

    Fields: ``option``, ``value``, ``allowed`` (a tuple of accepted values, or a description).
    """

    @classmethod
    def for_choice(cls, option: str, value: object, allowed: Iterable[object]) -> OptionError:
        allowed_t = tuple(allowed)
        shown = ", ".join(repr(a) for a in allowed_t)
        return cls(
            f"{option}={value!r} is not allowed; use one of: {shown}",
            option=option,
            value=value,
            allowed=allowed_t,
        )


class ShapeError(PerfcoreError, ValueError):
    """Array arguments cannot be broadcast together. Fields: ``shapes`` (name -> shape)."""


class ModelError(PerfcoreError, ValueError):
    """A plan object (measure, outcome, priority, plan, target) is invalid.

    Fields: ``obj`` (what kind of object and its id, e.g. ``"measure 'all_crime'"``) and
    ``field`` (the offending field name).
    """


class DuplicateIdError(ModelError):
    """Two objects in one plan share an id. Fields: ``obj``, ``field``, ``id``."""


class TargetPolarityError(ModelError):
    """A target asks for movement in the direction the measure's polarity calls worse."""


class PeriodError(PerfcoreError, ValueError):
    """A period spelling could not be parsed, or period arithmetic is undefined.

    Fields: ``text`` (the offending text) and ``accepted`` (the accepted forms).
    """


class PlanProblem:
    """One problem found while validating a plan file: where it is and what is wrong."""

    __slots__ = ("file", "line", "message", "path")

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 path: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.path = path

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        loc = " ".join(p for p in (where, self.path) if p)
        return f"{loc}: {self.message}" if loc else self.message

    def __repr__(self) -> str:
        return f"PlanProblem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlanProblem):
            return NotImplemented
        return (self.message, self.file, self.line, self.path) == (
            other.message, other.file, other.line, other.path)

    def __hash__(self) -> int:
        return hash((self.message, self.file, self.line, self.path))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_plan_problem, (self.message, self.file, self.line, self.path))


def _plan_problem(message: str, file: str | None, line: int | None,
                  path: str | None) -> PlanProblem:
    return PlanProblem(message, file=file, line=line, path=path)


class PlanValidationError(PerfcoreError, ValueError):
    """A plan was validated whole and has one or more problems (``problems``)."""

    @classmethod
    def from_problems(cls, problems: Sequence[PlanProblem],
                      file: str | None = None) -> PlanValidationError:
        head = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in plan"
        if file:
            head += f" {file}"
        body = "\n".join(f"  - {p}" for p in problems)
        return cls(f"{head}:\n{body}", problems=tuple(problems), file=file)


class UnknownMeasureError(PerfcoreError, KeyError):
    """A measure id is not defined. Fields: ``measure``, ``suggestions``."""


class UnknownOrganisationError(PerfcoreError, KeyError):
    """An organisation code or name is not known. Fields: ``organisation``, ``suggestions``."""


class UnknownPeriodError(PerfcoreError, KeyError):
    """A period is not present. Fields: ``period``."""


class DataError(PerfcoreError, ValueError):
    """Observations are inconsistent or incomplete (e.g. a proportion with no denominator)."""


class DuplicateObservationError(DataError):
    """Two observations share one measure × organisation × period key. Field: ``key``."""


class NotCoveredError(DataError):
    """A requested period is not covered by the data. Fields: ``period``, ``measure``."""


class SeriesError(PerfcoreError, ValueError):
    """A series cannot be charted or analysed. Fields: ``series`` (id or index), ``position``."""


class PluginError(PerfcoreError):
    """Root of plugin-system errors."""


class PluginLoadError(PluginError, ImportError):
    """A plugin could not be loaded or registered.

    Fields: ``entry_point``, ``distribution``, ``version``. The cause is chained.
    """

    def __init__(self, message: str, **fields: Any) -> None:
        PerfcoreError.__init__(self, message, **fields)


class DuplicateNameError(PluginError, ValueError):
    """Two plugins register the same name. Fields: ``kind``, ``name``, ``plugins``."""


class PerfcoreWarning(UserWarning):
    """Root of every warning perfcore emits."""


class InvalidInputWarning(PerfcoreWarning):
    """Some input elements were invalid (negative, non-finite, x > n ...) and became NaN.

    The result's per-element reason flags say which and why.
    """


class TrialLimitsWarning(PerfcoreWarning):
    """SPC limits were computed from fewer points than recommended (trial limits)."""


class UnknownCodeError(PerfcoreError, KeyError):
    """A code (Home Office outcome type, offence code ...) is not known.

    Fields: ``kind`` (what sort of code), ``codes`` (the unknown ones), ``suggestions``.
    """


class OutputError(PerfcoreError, OSError):
    """A report or chart could not be written. Field: ``path``."""

    def __init__(self, message: str, **fields: Any) -> None:
        PerfcoreError.__init__(self, message, **fields)


class MissingTranslationError(PerfcoreError, LookupError):
    """A report was asked for in a language that some of its texts are not translated into.

    Fields: ``lang`` (the language code, e.g. ``"cy"``), ``missing`` (a tuple of
    ``(text, where)`` pairs: the English text and where the report uses it, such as
    ``"priority 'crime_reduction' title"``), and ``text`` / ``where`` for the first one.
    """

    @classmethod
    def for_texts(cls, lang: str, missing: Sequence[tuple[str, str]]) -> MissingTranslationError:
        pairs = tuple((str(t), str(w)) for t, w in missing)
        body = "\n".join(f"  - {w}: {t!r}" for t, w in pairs)
        return cls(
            f"{len(pairs)} text{'s have' if len(pairs) != 1 else ' has'} no {lang!r} "
            f"translation:\n{body}\nAdd them to the plan file (e.g. "
            f"title = {{ en = \"...\", {lang} = \"...\" }}) or pass texts=; or ask for a "
            "visible marker instead (fallback=\"mark\", --translation-fallback mark).",
            lang=lang, missing=pairs, text=pairs[0][0] if pairs else None,
            where=pairs[0][1] if pairs else None)
