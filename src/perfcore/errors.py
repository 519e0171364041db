"""The perfcore exception and warning hierarchy.

Every error perfcore raises derives from :class:`PerfcoreError`. Concrete errors also
derive from the built-in that describes them (``ValueError``, ``KeyError``, ``TypeError``)
so callers that already catch those keep working.

Each error class declares its fields (the file, line, measure, period, option ... it is
about) as typed class attributes, is constructed from them by keyword
(``UnknownMeasureError(measure="all_crme", where="the plan")``; an unknown or missing
field is a ``TypeError``) and builds its own message from them, so every message names
its file, row, measure and period the same way. The fields are attributes
(``err.measure``) and are listed in ``err.fields``; every error pickles, so errors
survive being raised in a worker process.

Suggestions ("did you mean ...?") come from one place: :func:`near_matches` and
:func:`did_you_mean`.

Warnings derive from :class:`PerfcoreWarning` (a ``UserWarning``).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from types import ModuleType
from typing import Any, ClassVar, Literal, dataclass_transform

__all__ = [
    "BrokenPluginWarning",
    "DataError",
    "DataFileError",
    "DataProblem",
    "DataValidationError",
    "DuplicateIdError",
    "DuplicateNameError",
    "DuplicateObservationError",
    "InvalidInputWarning",
    "InvalidValueError",
    "KeywordArgumentError",
    "LoaderSelectionError",
    "MissingDependencyError",
    "MissingTranslationError",
    "ModelError",
    "NotCoveredError",
    "NotNumericError",
    "OptionError",
    "OutputError",
    "OutputFormatError",
    "PerfcoreError",
    "PerfcoreWarning",
    "PeriodError",
    "PlanProblem",
    "PlanSyntaxError",
    "PlanValidationError",
    "PluginCallError",
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
    "advise",
    "audience",
    "did_you_mean",
    "near_matches",
]


# --- suggestions ---------------------------------------------------------------------

def near_matches(word: str, choices: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """The choices closest to a misspelt ``word`` (at most ``n``, best first)."""
    import difflib
    return tuple(difflib.get_close_matches(str(word), list(choices), n=n))


def _suggest(suggestions: Sequence[object]) -> str:
    return (f"; did you mean {' or '.join(repr(x) for x in suggestions)}?"
            if suggestions else "")


def _advised(text: str, suggestions: Sequence[object], hint: str) -> str:
    """``text``, then ``"; did you mean 'x'?"``, then ``" (hint)"``."""
    return text + _suggest(suggestions) + (f" ({hint})" if hint else "")


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str:
    """``"; did you mean 'x'?"`` (or ``'x' or 'y'``) for a misspelt ``word``, or ``""``
    when nothing is close: the one place error messages get their suggestions."""
    return _suggest(near_matches(word, choices, n))


# --- whose words: Python, a plan file or the command line ----------------------------

#: Where the input being worked on came from, innermost last: ``()`` for Python calls;
#: the command line adds ``"cli"``, reading a plan's ``[[data]]`` files adds ``"plan"``.
_AUDIENCE: ContextVar[tuple[str, ...]] = ContextVar("perfcore_audience", default=())


@contextlib.contextmanager
def audience(who: Literal["plan", "cli"]) -> Iterator[None]:
    """Within this block, advice in messages (:func:`advise`) names plan keys
    (``"plan"``: the input came from a plan file) or command-line flags (``"cli"``)
    rather than Python arguments. The command line and the pipeline's reading of a
    plan's data set it; blocks nest (a plan run from the command line is both)."""
    token = _AUDIENCE.set((*_AUDIENCE.get(), who))
    try:
        yield
    finally:
        _AUDIENCE.reset(token)


def advise(*, python: str, plan: str | None = None, cli: str | None = None) -> str:
    """How to give a setting, in the words of whoever gave perfcore its input: the plan
    key (``options = { organisation = "Gwent" }``) where the input came from a plan, the
    command-line flag (``--data-root DIR``) and the plan key on the command line (which
    runs plans), each where the setting has one, else the Python argument
    (``organisation='Gwent'``). ``""`` for a form says there is nothing to add in those
    words. The one place messages choose between them."""
    where = _AUDIENCE.get()
    # From a plan, its key first; on the command line (which runs plans), the flag, then
    # the plan key.
    cli_too = cli if "cli" in where else None
    order = (plan, cli_too) if "plan" in where else (cli, plan) if "cli" in where else ()
    forms = list(dict.fromkeys(f for f in order if f is not None))
    return " or ".join(f for f in forms if f) if forms else python


# --- how messages name places --------------------------------------------------------

def _quoted(items: Iterable[object]) -> str:
    return ", ".join(repr(x) for x in items)


def _in_data(reason: str, *, file: str | None = None, row: int | None = None,
             rows: Sequence[int] = (), column: str | None = None,
             measure: str | None = None, organisation: str | None = None,
             period: str | None = None) -> str:
    """``"crime.csv, row 3, column 'value': reason (measure 'x', period '2019-20')"``:
    how a data problem or error says where it is (``rows`` beyond the first are listed
    after it)."""
    first = row if row is not None else (rows[0] if rows else None)
    where = [p for p in (file, None if first is None else f"row {first}",
                         None if not column else f"column {column!r}") if p]
    text = f"{', '.join(where)}: {reason}" if where else reason
    context = [f"{k} {v!r}" for k, v in (("measure", measure), ("organisation", organisation),
                                          ("period", period)) if v]
    if context:
        text += f" ({', '.join(context)})"
    also = [r for r in rows if r != first]
    if also:
        shown = ", ".join(str(r) for r in also[:5])
        more = f" and {len(also) - 5} more" if len(also) > 5 else ""
        text += f" [also row{'s' if len(also) > 1 else ''} {shown}{more}]"
    return text


def _prefixed(where: Iterable[str | None], reason: str) -> str:
    """``"where, where: reason"`` from the parts that are set."""
    parts = [p for p in where if p]
    return f"{', '.join(parts)}: {reason}" if parts else reason


# --- the base class ------------------------------------------------------------------

class _Required:
    def __repr__(self) -> str:
        return "<required>"


_REQUIRED: Any = _Required()


def _rebuild(cls: type[PerfcoreError], fields: dict[str, Any]) -> PerfcoreError:
    return cls(**fields)


@dataclass_transform(kw_only_default=True, eq_default=False)
class PerfcoreError(Exception):
    """Root of every error perfcore raises.

    A subclass declares its fields as annotated class attributes, with a default where
    the field is optional::

        class UnknownMeasureError(PerfcoreError, KeyError):
            measure: str
            suggestions: tuple[str, ...] = ()

    The constructor takes exactly those fields, by keyword (an unknown or missing field
    is a ``TypeError``, and type checkers check them), and the class builds its message
    from them in ``_message()``. ``err.fields`` is a dict of them.
    """

    _fields: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: dict[str, Any] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(base.__dict__.get("_fields", {}))
        for name, annotation in inspect.get_annotations(cls).items():
            if name.startswith("_") or str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            taken = [b.__name__ for b in cls.__mro__
                     if (b.__module__ == "builtins" or b is PerfcoreError)
                     and hasattr(b, name)]
            if taken:
                raise TypeError(f"{cls.__name__}.{name} would hide {taken[0]}.{name}")
            fields[name] = cls.__dict__.get(name, _REQUIRED)
        cls._fields = fields

    def __init__(self, **fields: Any) -> None:
        cls = type(self)
        unknown = sorted(set(fields) - set(cls._fields))
        if unknown:
            raise TypeError(f"{cls.__name__} has no field{'s' if len(unknown) > 1 else ''} "
                            f"{', '.join(unknown)}; its "
                            f"fields are: {', '.join(cls._fields) or 'none'}")
        missing = [n for n, d in cls._fields.items() if d is _REQUIRED and n not in fields]
        if missing:
            raise TypeError(f"{cls.__name__} needs the field{'s' if len(missing) > 1 else ''} "
                            f"{', '.join(missing)}")
        for name, default in cls._fields.items():
            setattr(self, name, fields.get(name, default))
        # Advice is worded for where the input came from when the error was raised,
        # whenever the message is read (the command line reads it after the block ends).
        self._audience = _AUDIENCE.get()
        super().__init__(self._message())

    @property
    def fields(self) -> dict[str, Any]:
        """The error's fields, by name (for tools: ``{"measure": "all_crme", ...}``)."""
        return {name: getattr(self, name) for name in type(self)._fields}

    def _message(self) -> str:
        return (type(self).__doc__ or type(self).__name__).strip().split("\n")[0]

    def __str__(self) -> str:
        # Built from the fields (KeyError would otherwise repr() the message).
        token = _AUDIENCE.set(getattr(self, "_audience", ()))
        try:
            return self._message()
        finally:
            _AUDIENCE.reset(token)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        extra = {k: v for k, v in self.__dict__.items() if k not in type(self)._fields}
        return (_rebuild, (type(self), self.fields), extra or None)


# --- options and arrays --------------------------------------------------------------

class OptionError(PerfcoreError, ValueError):
    """A keyword option has a value perfcore does not accept.

    The message reads ``"min_coverage=1.5 is not allowed; use a value in (0, 1]"``: the
    allowed values listed when ``allowed`` is a tuple (use :meth:`for_choice`, which adds
    a suggestion), or ``allowed`` itself when it is a description. When the value is
    fine but something else is wrong, ``reason`` says what instead:
    ``"method='pooled': needs numerator and denominator"``.

    Attributes
    ----------
    option : str
        The option's name (``"confidence"``, ``"--format"``).
    value : object
        The value given (``None`` when it was left out).
    allowed : tuple or str
        The accepted values, or a description of them (``"a value in (0, 1]"``).
    reason : str
        What is wrong, when it is not that the value is outside ``allowed``.
    hint : str
        What to do about it, when more can be said.
    suggestions : tuple of str
        Allowed values close to a misspelt one.
    loader : str or None
        The loader the option was given to.
    series : str, int or None
        The series (of a batch) the option was given for.
    """

    option: str
    value: object = None
    allowed: tuple[object, ...] | str = ()
    reason: str = ""
    hint: str = ""
    suggestions: tuple[str, ...] = ()
    loader: str | None = None
    series: str | int | None = None

    @classmethod
    def for_choice(cls, option: str, value: object, allowed: Iterable[object], *,
                   hint: str = "") -> OptionError:
        """``option=value`` is not one of ``allowed``; suggests the closest one."""
        allowed_t = tuple(allowed)
        near = (near_matches(value, [a for a in allowed_t if isinstance(a, str)], n=1)
                if isinstance(value, str) else ())
        return cls(option=option, value=value, allowed=allowed_t, hint=hint,
                   suggestions=near)

    def _message(self) -> str:
        shown = repr(self.value)
        head = (self.option if self.value is None  # left out: no "=None" in a plan's words
                else f"{self.option}={shown if len(shown) <= 80 else shown[:76] + ' ...'}")
        if self.reason:
            text = f"{head}: {self.reason}"
        else:
            text = f"{head} is not allowed"
            if isinstance(self.allowed, str):
                text += f"; use {self.allowed}"
            elif self.allowed:
                text += f"; use one of: {_quoted(self.allowed)}"
        text = _advised(text, self.suggestions, self.hint)
        where = (None if self.loader is None else f"loader {self.loader!r}",
                 None if self.series is None else f"series {self.series!r}")
        return _prefixed(where, text)


class OutputFormatError(OptionError):
    """The format of an output file cannot be told from its name, or the format asked
    for is not the one its name says. The message is the ``reason`` alone (it names the
    file, the format and what to do).

    Attributes
    ----------
    path : str or None
        The output file (None for standard output).
    format : str or None
        The format asked for (None when it was to be inferred).
    extension : str
        The file name's suffix ("" when it has none).
    extension_formats : tuple of str
        The formats that suffix means: empty when none does, several when more than one
        renderer claims it.
    known : dict of str to tuple of str
        Each known suffix with its formats.
    """

    path: str | None = None
    format: str | None = None
    extension: str = ""
    extension_formats: tuple[str, ...] = ()
    known: Mapping[str, tuple[str, ...]] | None = None

    def _message(self) -> str:
        return self.reason

    @classmethod
    def mismatch(cls, path: str, format: str, extension: str,
                 extension_formats: Sequence[str],
                 format_extensions: Sequence[str] = ()) -> OutputFormatError:
        means = " or ".join(repr(f) for f in extension_formats)
        rename = (f"name the file {' or '.join(format_extensions)} for {format!r}"
                  if format_extensions else f"name the file for {format!r}")
        return cls(
            reason=f"--format {format} does not match the output file {path}, whose "
                   f"extension {extension} is for {means}: drop --format to write {means}, "
                   f"or {rename}",
            option="--format", value=format, allowed=tuple(extension_formats), path=path,
            format=format, extension=extension, extension_formats=tuple(extension_formats))

    @classmethod
    def unknown_extension(cls, path: str, extension: str,
                          known: Mapping[str, Sequence[str]]) -> OutputFormatError:
        listed = ", ".join(sorted(known))
        what = f"its extension {extension}" if extension else "a name with no extension"
        return cls(
            reason=f"cannot tell the format of the output file {path} from {what}: name "
                   f"it with one of {listed}, or give --format",
            option="-o", value=path, allowed=tuple(sorted(known)), path=path,
            extension=extension, known={k: tuple(v) for k, v in known.items()})

    @classmethod
    def ambiguous(cls, path: str, extension: str,
                  extension_formats: Sequence[str]) -> OutputFormatError:
        shown = ", ".join(repr(f) for f in extension_formats)
        return cls(
            reason=f"the output file {path}: {extension} is written by more than one "
                   f"format ({shown}); give --format",
            option="--format", allowed=tuple(extension_formats), path=path,
            extension=extension, extension_formats=tuple(extension_formats))

    @classmethod
    def binary_to_terminal(cls, format: str, extension: str) -> OutputFormatError:
        return cls(
            reason=f"{format} is a binary format and cannot be written to a terminal: give "
                   f"an output file with -o FILE (e.g. -o report{extension})",
            option="-o", allowed="a file name", format=format)


class ShapeError(PerfcoreError, ValueError):
    """Array arguments have shapes that do not fit together.

    The message is the reason followed by the shapes:
    ``"arguments cannot be broadcast together: a (3,), b (4,)"``.

    Attributes
    ----------
    shapes : dict of str to tuple of int
        Each argument's shape, by name.
    reason : str
        What the shapes should be.
    argument : str or None
        The argument at fault, when one is.
    """

    shapes: Mapping[str, tuple[int, ...]]
    reason: str = "arguments cannot be broadcast together"
    argument: str | None = None

    def _message(self) -> str:
        shown = ", ".join(f"{k} {tuple(s)}" for k, s in self.shapes.items())
        return f"{self.reason}: {shown}" if shown else self.reason


class NotNumericError(PerfcoreError, TypeError, ValueError):
    """An array argument of a calculation holds something that is not a number.

    The message names the argument and shows what it got: ``"current must be a number or
    an array-like of numbers; got str 'abc'"``. It is a ``TypeError``, and a
    ``ValueError`` as numpy's own conversion error is.

    Attributes
    ----------
    argument : str
        The argument's name (``"current"``).
    value : object
        What it was given.
    """

    argument: str
    value: object

    def _message(self) -> str:
        shown = repr(self.value.tolist() if hasattr(self.value, "tolist") else self.value)
        shown = shown if len(shown) <= 80 else shown[:76] + " ..."
        return (f"{self.argument} must be a number or an array-like of numbers; got "
                f"{type(self.value).__name__} {shown}")


class KeywordArgumentError(PerfcoreError, TypeError):
    """A calculation that takes its periods by keyword was given them by position.

    Swapping the current and the previous value silently flips a change's sign, so the
    two-period calculations take them by keyword only. The message shows the call as it
    should be written: ``"pct_change takes current= and previous= by keyword:
    pct_change(current=48618, previous=57116)"``.

    Attributes
    ----------
    function : str
        The calculation (``"pct_change"``).
    keywords : tuple of str
        The arguments it takes by keyword only (``("current", "previous")``).
    call : str
        The call with the arguments given, written with keywords.
    """

    function: str
    keywords: tuple[str, ...]
    call: str

    def _message(self) -> str:
        names = [f"{k}=" for k in self.keywords]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"{self.function} takes {listed} by keyword: {self.call}"


class SeriesError(PerfcoreError, ValueError):
    """A series cannot be charted or analysed.

    The message names the series and position: ``"series 'burglary', position 4: ..."``.

    Attributes
    ----------
    reason : str
        What is wrong.
    series : str, int or None
        The series' id (or its index in a batch).
    position : int or None
        The position within the series.
    """

    reason: str
    series: str | int | None = None
    position: int | None = None

    def _message(self) -> str:
        return _prefixed((None if self.series is None else f"series {self.series!r}",
                          None if self.position is None else f"position {self.position}"),
                         self.reason)


# --- plans and periods ---------------------------------------------------------------

class ModelError(PerfcoreError, ValueError):
    """A plan object (measure, outcome, priority, plan, target) is invalid.

    The message is ``"<obj>: <reason>"``, e.g. ``"measure 'all_crime': per must be a
    positive whole number (e.g. 1000), not 0"``.

    Attributes
    ----------
    reason : str
        What is wrong.
    obj : str
        What kind of object and its id, e.g. ``"measure 'all_crime'"``.
    field : str or None
        The offending field's name.
    """

    reason: str
    obj: str = ""
    field: str | None = None

    def _message(self) -> str:
        return _prefixed((self.obj,), self.reason)


class DuplicateIdError(ModelError):
    """Two objects in one plan share an id.

    Attributes
    ----------
    id : str
        The repeated id.
    places : tuple of str
        Where it appears (``("a.o1", "b.o2")``), when it is in different places.
    """

    id: str
    places: tuple[str, ...] = ()
    reason: str = ""

    def _message(self) -> str:
        reason = self.reason or f"two {self.field} have id {self.id!r}"
        if self.places:
            reason += f" (in {' and '.join(self.places)})"
        return _prefixed((self.obj,), reason)


class TargetPolarityError(ModelError):
    """A target asks for movement in the direction the measure's polarity calls worse."""


class PeriodError(PerfcoreError, ValueError):
    """A period spelling could not be parsed, or period arithmetic is undefined.

    The message is ``"period '<text>': <reason>"``; with no ``reason``, that the text cannot be
    read as a period, followed by the accepted forms.

    Attributes
    ----------
    text : object
        The offending text (or value), or ``None``.
    accepted : tuple of str
        The accepted forms.
    reason : str
        What is wrong with it.
    """

    text: object = None
    accepted: tuple[str, ...] = ()
    reason: str = ""

    def _message(self) -> str:
        reason = self.reason or ("cannot be read as a period; accepted forms are:\n  "
                                 + "\n  ".join(self.accepted))
        return _prefixed((None if self.text is None else f"period {self.text!r}",), reason)


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
    """A plan was validated whole and has one or more problems.

    Build it with :meth:`from_problems`.

    Attributes
    ----------
    problems : tuple of PlanProblem
        Every problem found.
    file : str or None
        The plan file.
    """

    problems: tuple[PlanProblem, ...]
    file: str | None = None

    @classmethod
    def from_problems(cls, problems: Sequence[PlanProblem],
                      file: str | None = None) -> PlanValidationError:
        """The error for ``problems`` found in ``file``."""
        return cls(problems=tuple(problems), file=file)

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in plan"
        if self.file:
            head += f" {self.file}"
        body = "\n".join(f"  - {p}" for p in self.problems)
        return f"{head}:\n{body}"


class PlanSyntaxError(PerfcoreError, ValueError):
    """A plan file is not valid TOML: ``"plan.toml:3:13: not valid TOML: <reason>"``.

    Attributes
    ----------
    reason : str
        The TOML parser's complaint.
    file : str or None
        The plan file.
    line, column : int or None
        Where in the file (1-based).
    """

    reason: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def _message(self) -> str:
        loc = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        return _prefixed((loc,), f"not valid TOML: {self.reason}")


# --- names that are not known --------------------------------------------------------

class UnknownMeasureError(PerfcoreError, KeyError):
    """A measure id is not defined.

    The message reads ``"no measure 'all_crme' in the plan; did you mean 'all_crime'?"``
    (``"unknown measure ..."`` when ``where`` is not given); build it with :meth:`near`.

    Attributes
    ----------
    measure : str
        The id asked for.
    where : str
        Where it was looked for (``"plan 'pcp'"``, ``"the dataset"``).
    suggestions : tuple of str
        Known ids close to it.
    hint : str
        What to do about it.
    kind : str
        What sort of id it is, if not a measure's (``"domain"``).
    """

    measure: str
    where: str = ""
    suggestions: tuple[str, ...] = ()
    hint: str = ""
    kind: str = "measure"

    @classmethod
    def near(cls, measure: str, candidates: Iterable[str], where: str = "",
             *, hint: str = "", kind: str = "measure") -> UnknownMeasureError:
        """The error for ``measure``, suggesting the ``candidates`` closest to it."""
        return cls(measure=measure, where=where, hint=hint, kind=kind,
                   suggestions=near_matches(measure, candidates))

    def _message(self) -> str:
        text = (f"no {self.kind} {self.measure!r} in {self.where}" if self.where
                else f"unknown {self.kind} {self.measure!r}")
        return _advised(text, self.suggestions, self.hint)


class UnknownOrganisationError(PerfcoreError, KeyError):
    """An organisation code or name is not known.

    The message reads ``"unknown organisation 'Gwnet'; did you mean 'Gwent'?"`` (or
    ``"no organisation ... in <where>"``), or gives ``reason`` instead when the name
    is known but cannot be used (it is ambiguous, or not an area); it is prefixed with
    the comparator group or row it is from.

    Attributes
    ----------
    organisation : str or None
        The name or code asked for (``None``: none was named).
    where : str
        Where it was looked for (``"the dataset"``).
    reason : str
        What is wrong, when the organisation is not simply unknown.
    suggestions : tuple of str
        Known names or codes close to it.
    hint : str
        What to do about it.
    group : str or None
        The comparator group that names it.
    role : str
        What the group names it as (``"focal force"``), if not a member.
    row : int or None
        The row of the data it is on.
    """

    organisation: str | None
    where: str = ""
    reason: str = ""
    suggestions: tuple[str, ...] = ()
    hint: str = ""
    group: str | None = None
    role: str = "organisation"
    row: int | None = None

    @classmethod
    def near(cls, organisation: str, candidates: Iterable[str], where: str = "",
             *, hint: str = "") -> UnknownOrganisationError:
        """The error for ``organisation``, suggesting the ``candidates`` closest to it."""
        return cls(organisation=organisation, where=where, hint=hint,
                   suggestions=near_matches(organisation, candidates))

    def _message(self) -> str:
        if self.reason:
            text = self.reason
        elif self.where:
            text = f"no {self.role} {self.organisation!r} in {self.where}"
        else:
            text = f"unknown {self.role} {self.organisation!r}"
        text = _advised(text, self.suggestions, self.hint)
        return _prefixed((None if self.group is None else f"comparator group {self.group!r}",
                          None if self.row is None else f"row {self.row}"), text)


class UnknownPeriodError(PerfcoreError, KeyError):
    """A period is not present.

    Attributes
    ----------
    period : str
        The period asked for.
    where : str
        Where it was looked for.
    covered : tuple of str
        The periods that are there (the message shows the first six).
    """

    period: str
    where: str = "the dataset"
    covered: tuple[str, ...] = ()

    def _message(self) -> str:
        text = f"{self.where} has no observations for period {self.period}"
        if self.covered:
            more = " ..." if len(self.covered) > 6 else ""
            text += f" (it has {', '.join(self.covered[:6])}{more})"
        return text


class UnknownCodeError(PerfcoreError, KeyError):
    """A code (Home Office outcome type, offence code ...) is not known.

    Attributes
    ----------
    kind : str
        What sort of code (``"offence code"``).
    codes : tuple of str
        The unknown ones.
    where : str
        Where they were looked for (``"the severity weights"``).
    suggestions : tuple of str
        Known codes close to them.
    hint : str
        What to do about it (``"codes are 1, 1A, 2–22"``).
    """

    kind: str
    codes: tuple[str, ...]
    where: str = ""
    suggestions: tuple[str, ...] = ()
    hint: str = ""

    def _message(self) -> str:
        kind = self.kind + ("s" if len(self.codes) != 1 else "")
        text = (f"no {kind} {_quoted(self.codes)} in {self.where}" if self.where
                else f"unknown {kind} {_quoted(self.codes)}")
        return _advised(text, self.suggestions, self.hint)


# --- data ----------------------------------------------------------------------------

class DataError(PerfcoreError, ValueError):
    """Observations are inconsistent or incomplete (e.g. a proportion with no denominator).

    The message says where, as a line of a :class:`DataValidationError` does:
    ``"crime.csv, row 3, column 'value': <reason> (measure 'all_crime', period
    '2019-20')"``.

    Attributes
    ----------
    reason : str
        What is wrong.
    file : str or None
        The data file.
    row : int or None
        The row (of the file, or of the records given) it is on.
    rows : tuple of int
        Every row it is on.
    column : str or None
        The column.
    measure, organisation, period : str or None
        The observation's key, where known.
    count : int or None
        How many observations it affects, where counted.
    """

    reason: str
    file: str | None = None
    row: int | None = None
    rows: tuple[int, ...] = ()
    column: str | None = None
    measure: str | None = None
    organisation: str | None = None
    period: str | None = None
    count: int | None = None

    def _reason(self) -> str:
        return self.reason

    def _message(self) -> str:
        return _in_data(self._reason(), file=self.file, row=self.row, rows=self.rows,
                        column=self.column, measure=self.measure,
                        organisation=self.organisation, period=self.period)


class DuplicateObservationError(DataError):
    """Two observations share one measure × organisation × period key.

    Attributes
    ----------
    key : tuple of str
        The first duplicated ``(measure, organisation, period)``.
    files : tuple of str
        The two files it is loaded from, when it is in two files.
    figure : str or None
        The published figure, for a duplicated published figure.
    """

    key: tuple[str, str, str]
    files: tuple[str, ...] = ()
    figure: str | None = None
    reason: str = ""
    count: int | None = 1

    def _reason(self) -> str:
        if self.reason:
            return self.reason
        n = self.count or 1
        dups = f"{n} duplicate observation{'s' if n != 1 else ''}"
        m, o, p = self.key
        if len(self.files) == 2:
            a, b = self.files
            return (f"measure {m!r}, organisation {o!r}, period {p!r} is loaded from both "
                    f"{a} and {b}{' (twice)' if a == b else ''} ({dups} in all); is a file "
                    "listed twice, or do two files cover the same months?")
        text = f"{dups}; first: measure {m!r}, organisation {o!r}, period {p!r}"
        if len(self.rows) == 2:
            text += f" on rows {self.rows[0]} and {self.rows[1]}"
        return text + " (each measure × organisation × period may appear once)"

    def _message(self) -> str:
        return _in_data(self._reason(), file=self.file)


class InvalidValueError(DataError):
    """A figure breaks a rule of its field or of its measure's kind: a proportion outside
    0 to 1, a negative count, a numerator above its denominator, a sample size of 0, a
    percentage where a count belongs.

    The message reads ``"data.csv, row 5, column 'value': '150%' is not a valid
    proportion (a proportion is from 0 to 1: a fraction such as 0.159, or 15.9%)
    (measure 'outcome_rate', organisation 'Gwent', period '2020-21')"``; ``rows`` and
    ``count`` give the other observations breaking the same rule.

    Attributes
    ----------
    value : str
        The value as written (the cell's text, where it was read from a file).
    allowed : str
        What would be valid.
    hint : str
        What to do about it, when more can be said.
    kind : str or None
        The measure kind whose rule it breaks (``None``: a rule of the field itself).
    source : str or None
        The observation's recorded source, where no file is known.
    """

    value: str
    allowed: str = ""
    hint: str = ""
    kind: str | None = None
    source: str | None = None

    def _reason(self) -> str:
        text = f"{self.value!r} {self.reason}"
        if self.allowed:
            text += f" ({self.allowed})"
        if self.count is not None and self.count > 1 and not self.rows:
            text += f"; {self.count} observations break this rule"
        if self.hint:
            text += f"; {self.hint}"
        if self.source and not self.file:
            text += f" [source: {self.source}]"
        return text


class NotCoveredError(DataError):
    """A requested period is not covered by the data.

    Attributes
    ----------
    covered : tuple of str
        The periods the data cover (the message shows the latest six).
    """

    period: str | None
    covered: tuple[str, ...] = ()
    reason: str = ""

    def _reason(self) -> str:
        text = self.reason or f"the data do not cover {self.period}"
        if self.covered:
            text += f" (latest periods: {', '.join(self.covered[-6:])})"
        return text


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
        return _in_data(self.message, file=self.file, row=self.row, rows=self.rows,
                        column=self.column, measure=self.measure,
                        organisation=self.organisation, period=self.period)

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
    """A data file was validated whole and has one or more problems.

    Build it with :meth:`from_problems`; the message lists the first ``shown``.

    Attributes
    ----------
    problems : tuple of DataProblem
        Every problem found.
    what : str or None
        What was read, if not ``"data file <file>"`` (``"the DataFrame"``).
    shown : int
        How many problems the message lists.
    """

    problems: tuple[DataProblem, ...]
    what: str | None = None
    shown: int = 20
    reason: str = ""

    @classmethod
    def from_problems(cls, problems: Sequence[DataProblem], file: str | None = None, *,
                      shown: int = 20, what: str | None = None) -> DataValidationError:
        """The error for ``problems`` found in ``file`` (or in ``what``)."""
        return cls(problems=tuple(problems), file=file, shown=shown, what=what)

    def _message(self) -> str:
        n, shown = len(self.problems), self.shown
        where = self.what or (f"data file {self.file}" if self.file else "the data")
        head = f"{n} problem{'s' if n != 1 else ''} in {where}"
        lines = [f"  - {p}" for p in self.problems[:shown]]
        if n > shown:
            lines.append(f"  ... and {n - shown} more (every problem is in the error's "
                         "`problems`)")
        return f"{head}:\n" + "\n".join(lines)


class DataFileError(PerfcoreError, OSError):
    """A data file could not be found, opened or decoded.

    The message reads ``"cannot read data file <path>: <reason>"``.

    Attributes
    ----------
    path : str or None
        The file (``None`` when no file was given).
    reason : str
        Why it cannot be read, and what to do.
    encoding : str or None
        The text encoding tried, for a file that could not be decoded.
    """

    path: str | None
    reason: str
    encoding: str | None = None

    def _message(self) -> str:
        return (self.reason if self.path is None
                else f"cannot read data file {self.path}: {self.reason}")


class LoaderSelectionError(PerfcoreError, ValueError):
    """No registered loader, or more than one equally specific loader, matches a file name.

    Attributes
    ----------
    path : str
        The file.
    candidates : tuple of str
        The loaders whose patterns match equally well (empty: none matched).
    patterns : dict of str to tuple of str
        Each loader's glob patterns, by loader name.
    """

    path: str
    candidates: tuple[str, ...]
    patterns: Mapping[str, tuple[str, ...]]

    def _message(self) -> str:
        name = self.path.replace("\\", "/").rsplit("/", 1)[-1]
        listing = "; ".join(f"{n}: {', '.join(p)}" for n, p in self.patterns.items()) or "none"
        choose = advise(python="pass loader='NAME'", plan='set loader = "NAME" in its [[data]] '
                        "table", cli="give --loader NAME")
        if not self.candidates:
            return (f"no loader reads {name!r}: its name matches no loader's patterns "
                    f"(loaders: {listing}); {choose} to choose one")
        return (f"{name!r} matches the patterns of more than one loader "
                f"({', '.join(self.candidates)}), equally specifically; {choose} "
                f"to choose (loaders: {listing})")


class MissingDependencyError(PerfcoreError, ImportError):
    """An optional dependency is not installed.

    The message reads ``"to_frame() needs pandas, which is not installed: install it with
    pip install 'perfcore[pandas]'"``; a plugin names its own distribution
    (``distribution="perfcore-word"``, ``extra="docx"``: ``pip install
    'perfcore-word[docx]'``).

    Attributes
    ----------
    package : str
        The package that is missing.
    extra : str
        The extra of ``distribution`` that installs it (``""``: the distribution itself
        does).
    purpose : str
        What needs it.
    distribution : str
        The distribution whose extra installs it: perfcore, or the plugin's.
    """

    package: str
    extra: str
    purpose: str = ""
    distribution: str = "perfcore"

    def _message(self) -> str:
        install = f"{self.distribution}[{self.extra}]" if self.extra else self.distribution
        return (f"{self.purpose or 'this'} needs {self.package}, which is not installed: "
                f"install it with pip install '{install}'")

    @classmethod
    def require(cls, module: str, *, extra: str, purpose: str, package: str | None = None,
                distribution: str = "perfcore") -> ModuleType:
        """``module`` imported (on first use: optional dependencies stay out of import
        time), or this error naming the extra of ``distribution`` that installs
        ``package`` (default: the module's name)."""
        import importlib
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            raise cls(package=package or module, extra=extra, purpose=purpose,
                      distribution=distribution) from exc


# --- plugins -------------------------------------------------------------------------

class PluginError(PerfcoreError):
    """Root of plugin-system errors."""


def _describe_plugin(plugin: str, distribution: str | None, version: str | None,
                     entry_point: str | None) -> str:
    if distribution is None:
        return f"plugin {plugin!r} (registered directly)"
    where = f"{distribution} {version or '?'}"
    if entry_point:
        where += f", entry point {entry_point}"
    return f"plugin {plugin!r} ({where})"


def _plugin_source(plugin: str, distribution: str | None, version: str | None,
                   entry_point: str | None, hook: str | None) -> str:
    """``"plugin 'x' (acme 1.0, entry point x = m; perfcore_register_loaders)"``."""
    where = [f"{distribution} {version or '?'}" if distribution is not None else None,
             f"entry point {entry_point}" if entry_point else None]
    shown = ", ".join(w for w in where if w)
    if hook:
        shown = f"{shown}; {hook}" if shown else hook
    return f"plugin {plugin!r}" + (f" ({shown})" if shown else "")


class PluginLoadError(PluginError, ImportError):
    """A plugin could not be loaded or registered; the cause is chained.

    The message reads ``"plugin 'x' (perfcore-x 1.0, entry point x = m) could not be
    imported: ModuleNotFoundError: ..."``.

    Attributes
    ----------
    plugin : str
        The plugin's name.
    failure : str
        What failed (``"could not be imported"``).
    reason : str
        The error it failed with.
    distribution, version, entry_point : str or None
        Where the plugin comes from (``None``: registered directly).
    hook : str or None
        The hook it failed in (``None``: it failed before any hook was called).
    """

    plugin: str
    failure: str
    reason: str
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    hook: str | None = None

    def _message(self) -> str:
        who = _describe_plugin(self.plugin, self.distribution, self.version,
                               self.entry_point)
        return f"{who} {self.failure}: {self.reason}"


class PluginResultError(PluginError, TypeError):
    """A plugin's callable (a loader, renderer or scorer) returned the wrong kind of thing.

    The message reads ``"loader 'x' of plugin 'p': returned a list; it must return a
    Dataset"``, or gives ``reason`` after the loader's name.

    Attributes
    ----------
    kind : str
        What the callable is (``"loader"``, ``"derived_measure"``, ``"scorer"``).
    name : str
        Its name (``""``: not known, and the message is ``reason`` alone).
    expected : object
        What it should return.
    got : object
        What it returned (its type's name, or a shape).
    reason : str
        What is wrong, if not just that.
    plugin : str or None
        The plugin it is from.
    measure : str or None
        The measure it was computing.
    distribution, version, entry_point : str or None
        Where the plugin comes from (``None``: not known, or registered directly).
    hook : str or None
        The hook that registered the callable (``"perfcore_register_loaders"``).
    """

    kind: str
    name: str
    expected: object
    got: object
    reason: str = ""
    plugin: str | None = None
    measure: str | None = None
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    hook: str | None = None

    def _message(self) -> str:
        who = f"{self.kind.replace('_', ' ')} {self.name!r}" if self.name else ""
        if who and self.plugin is not None:
            who += " of " + _plugin_source(self.plugin, self.distribution, self.version,
                                           self.entry_point, self.hook)
        return _prefixed((who,), self.reason or
                         f"returned {self.got}; it must return {self.expected}")


class PluginCallError(PluginError, RuntimeError):
    """A callable a plugin registered (a loader, renderer, scorer, derived measure's
    ``derive``, a scorer's ``check_options``, a catalogue) raised an exception that is
    not one of perfcore's own, or could not be imported; the cause is chained.

    The message reads ``"renderer 'docx' of plugin 'docx' (acme-docx 1.0, entry point
    docx = acme_docx.plugin; perfcore_register_renderers) failed: ZeroDivisionError:
    division by zero; this is a bug in the plugin: report it to its maintainers"``.

    Attributes
    ----------
    kind : str
        What the callable is (``"renderer"``, ``"loader"``, ``"scorer"``,
        ``"derived_measure"``, ``"catalogue"``).
    name : str
        The name it is registered under.
    reason : str
        The exception it raised (``"ZeroDivisionError: division by zero"``).
    plugin : str or None
        The plugin that registered it (``None``: not known).
    distribution, version, entry_point : str or None
        Where the plugin comes from (``None``: registered directly).
    hook : str or None
        The hook that registered it (``"perfcore_register_renderers"``).
    """

    kind: str
    name: str
    reason: str
    plugin: str | None = None
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    hook: str | None = None

    def _message(self) -> str:
        who = f"{self.kind.replace('_', ' ')} {self.name!r}"
        if self.plugin is None:
            return f"{who} failed: {self.reason}"
        source = _plugin_source(self.plugin, self.distribution, self.version,
                                self.entry_point, self.hook)
        return (f"{who} of {source} failed: {self.reason}; this is a bug in the plugin: "
                f"report it to its maintainers")


class DuplicateNameError(PluginError, ValueError):
    """Two plugins register the same name.

    Attributes
    ----------
    kind : str
        What is registered twice (``"scorer"``, ``"plugin"``).
    name : str
        The name.
    plugins : tuple of str
        The two plugins.
    distributions : tuple of str or None
        Their distributions (``None``: registered directly).
    sources : tuple of str
        How the message describes the two (``"plugin 'a' (acme 1.0)"``).
    hint : str
        What to do about it.
    """

    kind: str
    name: str
    plugins: tuple[str, ...]
    distributions: tuple[str | None, ...]
    sources: tuple[str, ...]
    hint: str = ""

    def _message(self) -> str:
        first, second = self.sources[0], self.sources[-1]
        text = (f"two distributions advertise a perfcore plugin called {self.name!r}: "
                f"{first} and {second}" if self.kind == "plugin" else
                f"{self.kind.replace('_', ' ')} {self.name!r} is registered by {first} and by "
                f"{second}")
        return text + (f"; {self.hint}" if self.hint else "")


# --- output --------------------------------------------------------------------------

class OutputError(PerfcoreError, OSError):
    """A report or chart could not be written: ``"cannot write <path>: <reason>"``.

    Attributes
    ----------
    path : str
        The file.
    reason : str
        Why not.
    """

    path: str
    reason: str

    def _message(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


class MissingTranslationError(PerfcoreError, LookupError):
    """A report was asked for in a language that some of its texts are not translated into.

    Build it with :meth:`for_texts`; ``text`` and ``where`` are the first missing pair.

    Attributes
    ----------
    lang : str
        The language code, e.g. ``"cy"``.
    missing : tuple of (str, str)
        ``(text, where)`` pairs: the English text and where the report uses it, such as
        ``"priority 'crime_reduction' title"``.
    """

    lang: str
    missing: tuple[tuple[str, str], ...]

    @classmethod
    def for_texts(cls, lang: str, missing: Sequence[tuple[str, str]]) -> MissingTranslationError:
        """The error for the untranslated ``(text, where)`` pairs."""
        return cls(lang=lang, missing=tuple((str(t), str(w)) for t, w in missing))

    @property
    def text(self) -> str | None:
        """The first missing text."""
        return self.missing[0][0] if self.missing else None

    @property
    def where(self) -> str | None:
        """Where the report uses the first missing text."""
        return self.missing[0][1] if self.missing else None

    def _message(self) -> str:
        n, lang = len(self.missing), self.lang
        body = "\n".join(f"  - {w}: {t!r}" for t, w in self.missing)
        marker = advise(python='fallback="mark"', cli="--translation-fallback mark")
        texts = advise(python=" or pass texts=", plan="", cli="")
        return (f"{n} text{'s have' if n != 1 else ' has'} no {lang!r} translation:\n{body}\n"
                f"Add them to the plan file (e.g. title = {{ en = \"...\", {lang} = \"...\" }})"
                f"{texts}; or ask for a visible marker instead ({marker}).")


# --- warnings ------------------------------------------------------------------------

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


class BrokenPluginWarning(PerfcoreWarning):
    """A plugin could not be imported, registered or collected (or registers a name
    another plugin has) and was skipped; the message names it (distribution, version,
    entry point, hook) and says why. The other plugins keep working, and
    ``perfcore plugins`` lists it as broken."""


class TrialLimitsWarning(PerfcoreWarning):
    """SPC limits were computed from fewer points than recommended (trial limits)."""
