"""The perfcore exception and warning hierarchy.

Every error perfcore raises derives from :class:`PerfcoreError`. Concrete errors also
derive from the built-in that describes them (``ValueError``, ``KeyError``, ``TypeError``)
so callers that already catch those keep working. Each carries structured fields (the
file, line, measure, period, option ... it is about) as attributes, and each pickles,
so errors survive being raised in a worker process.

Warnings derive from :class:`PerfcoreWarning` (a ``UserWarning``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "DataError",
    "DataFileError",
    "DataProblem",
    "DataValidationError",
    "DuplicateIdError",
    "DuplicateNameError",
    "DuplicateObservationError",
    "InvalidInputWarning",
    "LoaderSelectionError",
    "MissingDependencyError",
    "MissingTranslationError",
    "ModelError",
    "NotCoveredError",
    "OptionError",
    "OutputError",
    "OutputFormatError",
    "PerfcoreError",
    "PerfcoreWarning",
    "PeriodError",
    "PlanProblem",
    "PlanSyntaxError",
    "PlanValidationError",
    "PluginError",
    "PluginLoadError",
    "PluginResultError",
    "SeriesError",
    "ShapeError",
    "SkippedRowsWarning",
    "TargetPolarityError",
    "TrialLimitsWarning",
    "UnknownCategoryWarning",
    "UnknownCodeError",
    "UnknownMeasureError",
    "UnknownOrganisationError",
    "UnknownPeriodError",
    "did_you_mean",
    "near_matches",
]


def near_matches(word: str, choices: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """The choices closest to a misspelt ``word`` (at most ``n``, best first)."""
    import difflib
    return tuple(difflib.get_close_matches(str(word), list(choices), n=n))


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """``"; did you mean 'x'?"`` (or ``'x' or 'y'``) for a misspelt ``word``, or ``""``
    when nothing is close: the one place error messages get their suggestions."""
    near = near_matches(word, choices, n)
    return f"; did you mean {' or '.join(repr(x) for x in near)}?" if near else ""


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


class OutputFormatError(OptionError):
    """The format of an output file cannot be told from its name, or the format asked
    for is not the one its name says.

    Fields: ``path`` (the output file, None for standard output), ``format`` (the format
    asked for, None when it was to be inferred), ``extension`` (the file name's suffix,
    "" when it has none), ``extension_formats`` (the formats that suffix means: empty
    when none does, several when more than one renderer claims it) and ``known`` (each
    known suffix with its formats); ``option``, ``value`` and ``allowed`` as for any
    :class:`OptionError`.
    """

    @classmethod
    def mismatch(cls, path: str, format: str, extension: str,
                 extension_formats: Sequence[str],
                 format_extensions: Sequence[str] = ()) -> OutputFormatError:
        means = " or ".join(repr(f) for f in extension_formats)
        rename = (f"name the file {' or '.join(format_extensions)} for {format!r}"
                  if format_extensions else f"name the file for {format!r}")
        return cls(
            f"--format {format} does not match the output file {path}, whose extension "
            f"{extension} is for {means}: drop --format to write {means}, or {rename}",
            option="--format", value=format, allowed=tuple(extension_formats), path=path,
            format=format, extension=extension, extension_formats=tuple(extension_formats),
            known={})

    @classmethod
    def unknown_extension(cls, path: str, extension: str,
                          known: Mapping[str, Sequence[str]]) -> OutputFormatError:
        listed = ", ".join(sorted(known))
        what = f"its extension {extension}" if extension else "a name with no extension"
        return cls(
            f"cannot tell the format of the output file {path} from {what}: name it with "
            f"one of {listed}, or give --format",
            option="-o", value=path, allowed=tuple(sorted(known)), path=path, format=None,
            extension=extension, extension_formats=(),
            known={k: tuple(v) for k, v in known.items()})

    @classmethod
    def ambiguous(cls, path: str, extension: str,
                  extension_formats: Sequence[str]) -> OutputFormatError:
        shown = ", ".join(repr(f) for f in extension_formats)
        return cls(
            f"the output file {path}: {extension} is written by more than one format "
            f"({shown}); give --format",
            option="--format", value=None, allowed=tuple(extension_formats), path=path,
            format=None, extension=extension, extension_formats=tuple(extension_formats),
            known={})

    @classmethod
    def binary_to_terminal(cls, format: str, extension: str) -> OutputFormatError:
        return cls(
            f"{format} is a binary format and cannot be written to a terminal: give an "
            f"output file with -o FILE (e.g. -o report{extension})",
            option="-o", value=None, allowed=("a file name",), path=None, format=format,
            extension="", extension_formats=(), known={})


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


class PlanSyntaxError(PerfcoreError, ValueError):
    """A plan file is not valid TOML. Fields: ``file``, ``line``, ``column``."""


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


class DataProblem:
    """One problem found while validating a data file: where it is and what is wrong.

    ``row`` is the spreadsheet row number (1-based; the header is row 1) of the first row
    with the problem; ``rows`` holds every row it applies to (a misspelt force repeated
    on 500 rows is one problem). ``measure``, ``organisation`` and ``period`` are the
    row's key cells as written, where known, so the problem can be found in the source.
    """

    __slots__ = ("column", "file", "measure", "message", "organisation", "period", "row",
                 "rows")

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, rows: Sequence[int] = (),
                 measure: str | None = None, organisation: str | None = None,
                 period: str | None = None) -> None:
        self.message = message
        self.file = file
        self.rows = tuple(rows) if rows else ((row,) if row is not None else ())
        self.row = row if row is not None else (self.rows[0] if self.rows else None)
        self.column = column
        self.measure = measure
        self.organisation = organisation
        self.period = period

    def _fields(self) -> tuple[Any, ...]:
        return (self.message, self.file, self.row, self.column, self.rows, self.measure,
                self.organisation, self.period)

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        context = [f"{k} {v!r}" for k, v in (("measure", self.measure),
                                              ("organisation", self.organisation),
                                              ("period", self.period)) if v]
        if context:
            text += f" ({', '.join(context)})"
        extra = len(self.rows) - 1
        if extra > 0:
            shown = ", ".join(str(r) for r in self.rows[1:6])
            more = f" and {extra - 5} more" if extra > 5 else ""
            text += f" [also row{'s' if extra > 1 else ''} {shown}{more}]"
        return text

    def __repr__(self) -> str:
        return f"DataProblem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DataProblem):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_data_problem, self._fields())


def _data_problem(message: str, file: str | None, row: int | None, column: str | None,
                  rows: tuple[int, ...], measure: str | None, organisation: str | None,
                  period: str | None) -> DataProblem:
    return DataProblem(message, file=file, row=row, column=column, rows=rows,
                       measure=measure, organisation=organisation, period=period)


class DataValidationError(DataError):
    """A data file was validated whole and has one or more problems (``problems``, every
    one of them; the message shows the first ``shown``). Fields: ``problems``, ``file``."""

    @classmethod
    def from_problems(cls, problems: Sequence[DataProblem], file: str | None = None, *,
                      shown: int = 20, what: str | None = None) -> DataValidationError:
        n = len(problems)
        where = what or (f"data file {file}" if file else "the data")
        head = f"{n} problem{'s' if n != 1 else ''} in {where}"
        lines = [f"  - {p}" for p in problems[:shown]]
        if n > shown:
            lines.append(f"  ... and {n - shown} more (every problem is in the error's "
                         "`problems`)")
        return cls(f"{head}:\n" + "\n".join(lines), problems=tuple(problems), file=file)


class DataFileError(PerfcoreError, OSError):
    """A data file could not be opened or decoded. Field: ``path``."""

    def __init__(self, message: str, **fields: Any) -> None:
        PerfcoreError.__init__(self, message, **fields)


class LoaderSelectionError(PerfcoreError, ValueError):
    """No registered loader, or more than one equally specific loader, matches a file name.

    Fields: ``path``, ``candidates`` (the loader names that matched, if any) and
    ``patterns`` (loader name -> its glob patterns).
    """


class MissingDependencyError(PerfcoreError, ImportError):
    """An optional dependency is not installed. Fields: ``package``, ``extra`` (the
    perfcore extra that installs it)."""

    def __init__(self, message: str, **fields: Any) -> None:
        PerfcoreError.__init__(self, message, **fields)


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


class PluginResultError(PluginError, TypeError):
    """A plugin's callable (a loader, renderer or scorer) returned the wrong kind of thing.

    Fields: ``kind``, ``name``, ``expected``, ``got``.
    """


class DuplicateNameError(PluginError, ValueError):
    """Two plugins register the same name. Fields: ``kind``, ``name``, ``plugins``."""


class PerfcoreWarning(UserWarning):
    """Root of every warning perfcore emits."""


class InvalidInputWarning(PerfcoreWarning):
    """Some input elements were invalid (negative, non-finite, x > n ...) and became NaN.

    The result's per-element reason flags say which and why.
    """


class SkippedRowsWarning(PerfcoreWarning):
    """A loader deliberately left rows out (totals rows, fraud bodies ...); the message says
    which and how many, so nothing is dropped silently."""


class UnknownCategoryWarning(PerfcoreWarning):
    """A file holds categories its loader does not know (a crime type police.uk did not
    list when the loader was written); they were loaded under ids made from their labels
    and counted in the totals, never dropped, and the message names them."""


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
