"""The report model: what a report shows, independent of how it is rendered.

A :class:`Report` is sections (priorities) of outcomes of rows (measures) of cells. Every
cell keeps its unrounded value, its display text, an accessible label, the method behind
it and — for judgements — its code (:mod:`perfcore.codes`), from which renderers pick
colours and icons; words are already in the report's language. Charts travel as data
(the XmR chart, the history values), drawn by each renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import attrs

from perfcore.calc.spc import XmrResult
from perfcore.codes import Code, MeasureKind, Status, StatusBasis, SuppressionReason
from perfcore.model import Measure

__all__ = ["SCHEMA_VERSION", "WORD_CELLS", "Cell", "Column", "Disclosure", "FlagNote",
           "FunnelChart", "Outcome", "PeerChart", "Published", "Report", "Rolled", "Row",
           "Section", "cell_text", "item_text", "measured", "published_text_lines",
           "qualitative", "rolled_text", "status_words", "text_table"]

SCHEMA_VERSION = "2.2"

#: The mark a flagged cell carries, explained in the report's notes.
FLAG_MARKS = {"small_base": "†", "low_count": "‡", "published": "§"}


@attrs.frozen(kw_only=True)
class Cell:
    """One figure as shown: ``text`` for the eye, ``label`` for a screen reader,
    ``value`` unrounded (None for words), ``method`` and ``source`` for provenance;
    ``code`` the judgement a cell shows (a direction, a comparator assessment, a status
    — or, for a status that rests on no evidence, the :class:`~perfcore.codes.StatusBasis`
    saying why) and ``note`` its words in the report's language; ``flags`` caveats a
    reader must see (``"small_base"``: a % change from a small previous value;
    ``"low_count"``: a figure resting on few events); ``precision`` the decimals ``value``
    is shown to, in its own units (a proportion shown as 15.9% has precision 3), from
    which JSON and CSV round away binary noise. ``count`` and ``base`` are the
    events behind a recorded figure (the count itself, or a rate's or proportion's
    numerator) and its denominator, population or sample size, for disclosure control;
    ``suppressed`` says why a public edition withholds the figure (its ``text`` is then
    the suppression symbol and its ``value`` None)."""

    key: str
    text: str
    value: float | None = None
    label: str = ""
    method: str = ""
    source: str = ""
    code: Code | None = None
    note: str = ""
    flags: tuple[str, ...] = ()
    precision: int | None = None
    count: float | None = None
    base: float | None = None
    suppressed: SuppressionReason | None = None


@attrs.frozen(kw_only=True)
class Published:
    """A figure a publication gives for a measure that no cell shows (another period, or
    beside perfcore's own figure): ``who`` it describes (the organisation or a group),
    ``figure`` what it is (``value``, ``pct_change``, ``pp_change``, ``rank``) and
    ``what`` that in words, its ``period``, ``value`` and display ``text``, and its
    ``source``."""

    who: str
    figure: str
    what: str
    period: str
    value: float
    text: str
    source: str = ""


@attrs.frozen(kw_only=True)
class PeerChart:
    """A force among its comparator group on one measure, as a peer chart draws it:
    each member's ``values`` (the figure the group is compared on: a rate or proportion
    in the units shown, a count's % change) with its confidence interval, the force
    (``highlight``), the group's ``average`` and the force's ``rank`` of ``size``."""

    slot: str
    title: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    highlight: str
    average: float | None = None
    average_label: str = ""
    rank: int | None = None
    size: int | None = None
    polarity: str = "neutral"
    decimals: int | None = None


@attrs.frozen(kw_only=True)
class FunnelChart:
    """One measure across all the forces of a national group, as a funnel plot draws it:
    each force's count (``numerators``) and base (``denominators``), the centre line
    (``baseline``: the group's own figure) and the limits' overdispersion ``adjust``."""

    title: str
    names: tuple[str, ...]
    numerators: tuple[float, ...]
    denominators: tuple[float, ...]
    highlight: str
    statistic: str
    multiplier: float
    baseline: float | None = None
    centre_label: str = ""
    polarity: str = "neutral"
    adjust: str = "additive"
    y_label: str = ""
    decimals: int | None = None


@attrs.frozen(kw_only=True)
class Column:
    key: str
    heading: str


@attrs.frozen(kw_only=True)
class Row:
    """One measure's line: its cells, its status with reasons, and its charts' data
    (``history``: its values over the series of the reported period's kind, oldest first,
    labelled by ``history_labels``, when 3 or more are known; ``decimals`` those its
    values are shown with, and ``thousands`` whether with thousands separators; ``spc``:
    the monthly XmR chart with its month labels and the notes of its rebases by position;
    ``peers``: a peer chart per comparator group of a few members; ``funnel``: the
    measure across a national group's forces; ``published``: the measure's published
    figures no cell shows). ``internal`` holds the reasons for internal editions only
    (commentary the plan marks ``commentary_internal``), which a public edition drops."""

    measure: Measure
    cells: tuple[Cell, ...]
    history: tuple[float, ...] = ()
    history_labels: tuple[str, ...] = ()
    decimals: int | None = None
    thousands: bool = True
    status: Status | None = None
    status_basis: StatusBasis | None = None
    status_reasons: tuple[str, ...] = ()
    spc: XmrResult | None = attrs.field(default=None, eq=False)
    spc_labels: tuple[str, ...] = ()
    spc_title: str = ""
    spc_notes: Mapping[int, str] = attrs.field(factory=dict)
    peers: tuple[PeerChart, ...] = ()
    funnel: FunnelChart | None = None
    published: tuple[Published, ...] = ()
    internal: tuple[str, ...] = ()

    def cell(self, key: str) -> Cell:
        for c in self.cells:
            if c.key == key:
                return c
        from perfcore.errors import OptionError
        raise OptionError.for_choice("cell", key, [c.key for c in self.cells])

    def get(self, key: str) -> Cell | None:
        """The cell, or None where the row has none (a count has no "MSG rate")."""
        return next((c for c in self.cells if c.key == key), None)


@attrs.frozen(kw_only=True)
class Rolled:
    """A roll-up as a report shows it: the status (None: not scored), what it rests on when
    grey (``basis``: not tested, neutral, no data), and what it is made of (``counts`` by
    red, amber, green, not tested, neutral, no data, not assessed; ``words``: "2 red, 1 green, 3 not
    tested" in the report's language)."""

    status: Status | None = None
    basis: StatusBasis | None = None
    counts: Mapping[str, int] = attrs.field(factory=dict)
    basis_counts: Mapping[str, int] = attrs.field(factory=dict)
    words: str = ""

    @property
    def shown(self) -> Status | StatusBasis | None:
        """The code a report marks the roll-up with: what a grey one rests on where that
        is known, else its status (None: not scored)."""
        return self.status if self.basis is None else self.basis


@attrs.frozen(kw_only=True)
class Outcome:
    """An outcome's statement (and the plan's id for it), its roll-up, its rows and the
    columns its table shows (empty: all the report's columns)."""

    statement: str
    rows: tuple[Row, ...]
    rolled: Rolled = attrs.field(factory=Rolled)
    columns: tuple[Column, ...] = ()
    id: str = ""

    @property
    def status(self) -> Status | None:
        return self.rolled.status


@attrs.frozen(kw_only=True)
class Section:
    """A priority of the plan with its outcomes."""

    id: str
    title: str
    lead: str
    board: str
    assessment_type: str
    outcomes: tuple[Outcome, ...]
    rolled: Rolled = attrs.field(factory=Rolled)

    @property
    def status(self) -> Status | None:
        return self.rolled.status


@attrs.frozen(kw_only=True)
class Disclosure:
    """What a public edition withholds: figures resting on counts below ``threshold``,
    shown as ``symbol`` (``"<n"``: a count below the threshold as "<5", any other
    figure withheld as "*"), counted by :class:`~perfcore.codes.SuppressionReason`
    (``withheld``: ``{"primary": 2, "secondary": 1, "derived": 3}``), and the charts
    left out (``charts``)."""

    threshold: float
    symbol: str
    withheld: Mapping[str, int] = attrs.field(factory=dict)
    charts: int = 0


@attrs.frozen(kw_only=True)
class FlagNote:
    """A note saying what a flag's mark means (``flag``: a key of :data:`FLAG_MARKS`) and
    which measures' cells carry it (``measures``, named in the report's language):
    ``words`` is the note in the report's language with ``{measures}`` where their names
    go, ``values`` its other fields (``{"n": 10}``). Its :attr:`text` is one of the
    report's notes; a public edition drops the measures it withholds figures of by id
    (:meth:`without`) and writes the note again from those left."""

    flag: str = attrs.field(validator=attrs.validators.in_(FLAG_MARKS))
    words: str
    measures: tuple[Measure, ...]
    values: Mapping[str, float] = attrs.field(factory=dict)

    @property
    def text(self) -> str:
        return self.words.format(**self.values,
                                 measures=", ".join(m.name for m in self.measures))

    def without(self, measures: Collection[str]) -> FlagNote | None:
        """The note naming only the measures whose ids are not in ``measures``; None when
        it would name none."""
        kept = tuple(m for m in self.measures if m.id not in measures)
        return attrs.evolve(self, measures=kept) if kept else None


@attrs.frozen(kw_only=True)
class Report:
    """One organisation's report for one period, in one language (``translations`` hold
    the other languages of a bilingual report, in display order). ``flag_notes`` are
    those of its ``notes`` that say what a flagged cell's mark means, with the measures
    they name as data. ``disclosure`` is set on a public edition
    (:func:`perfcore.report.public.public_edition`)."""

    title: str
    organisation: str
    organisation_name: str
    period: str
    period_label: str
    previous_period: str
    columns: tuple[Column, ...]
    sections: tuple[Section, ...]
    comparators: Mapping[str, str]
    notes: tuple[str, ...]
    flag_notes: tuple[FlagNote, ...] = ()
    lang: str = "en"
    schema_version: str = SCHEMA_VERSION
    translations: tuple[Report, ...] = ()
    disclosure: Disclosure | None = None

    def rows(self) -> list[Row]:
        return [r for s in self.sections for o in s.outcomes for r in o.rows]

    def versions(self) -> tuple[Report, ...]:
        """This report and its translations, in the order a bilingual layout shows them."""
        return (self, *self.translations)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(v.lang for v in self.versions())

    def records(self) -> list[dict[str, object]]:
        """One record per measure × figure shown: the organisation (code and name), the
        priority, the outcome (id and statement), the measure, codes, values and display
        text."""
        return [{"organisation": self.organisation, "organisation_name": self.organisation_name,
                 "priority": s.id, "outcome": o.id, "statement": o.statement,
                 "measure": r.measure.id,
                 "figure": c.key, "value": c.value, "display": c.text,
                 "code": "" if c.code is None else str(c.code), "method": c.method,
                 "source": c.source,
                 "suppressed": "" if c.suppressed is None else str(c.suppressed)}
                for s in self.sections for o in s.outcomes for r in o.rows for c in r.cells]

    def to_frame(self) -> object:
        """:meth:`records` as a pandas DataFrame (needs the ``pandas`` extra)."""
        from perfcore.evaluation.result import frame
        return frame(self.records())

    def _repr_html_(self) -> str:
        # A notebook shows the report as the html renderer draws it (found through the
        # registry, so the model does not depend on a renderer).
        from perfcore.plugins import renderers
        html = next(r for r in renderers() if r.name == "html")
        return str(html.render(self))


#: Cells whose text is the words of their code (a status, a target status): shown once.
WORD_CELLS = frozenset({"status", "target_status"})


def cell_text(cell: Cell, note: Callable[[Cell], str] | None = None) -> str:
    """A cell as plain text: its text, with a judgement's words after it ("↓ improving",
    "-14.1% (similar)"); ``note`` may decorate the words (a terminal's colour). A flagged
    cell carries its mark ("-33.3%†")."""
    text = cell.text + "".join(FLAG_MARKS.get(f, "") for f in cell.flags)
    if cell.code is None or cell.key in WORD_CELLS:
        return text
    words = note(cell) if note is not None else cell.note
    return f"{text} {words}" if cell.key == "dot" else f"{text} ({words})"


def status_words(_: Callable[[str], str]) -> Callable[[Status | StatusBasis], str]:
    """Words for a status ("Green") or for why there is none ("Not tested")."""
    from perfcore.labels import BASIS_WORDS, label

    def words(code: Status | StatusBasis) -> str:
        return _(BASIS_WORDS[code.code]) if isinstance(code, StatusBasis) else label(code, _)
    return words


def rolled_text(rolled: Rolled, words: Callable[[Status | StatusBasis], str]) -> str:
    """"Red: 2 red, 1 green, 3 not tested" — a roll-up's status and what it is made of
    ("" when not scored)."""
    shown = rolled.shown
    if shown is None:
        return ""
    return f"{words(shown)}: {rolled.words}" if rolled.words else words(shown)


def published_text_lines(outcome: Outcome, _: Callable[[str], str]) -> list[str]:
    """The published figures of an outcome's measures that no cell shows, one line each
    ("All crime — Wales, change, 12 months to June 2020: -3.9% (seed 003 ...)"), for
    the text and Markdown renderers to print under its table."""
    return [_("{measure} — {who}, {what}, {period}: {value}").format(
                measure=r.measure.name, who=p.who, what=p.what, period=p.period,
                value=p.text) + (f" ({p.source})" if p.source else "")
            for r in outcome.rows for p in r.published]


def measured(outcome: Outcome) -> list[Row]:
    """The rows an outcome's table shows: its measures with figures."""
    return [r for r in outcome.rows if r.measure.kind is not MeasureKind.QUALITATIVE]


def qualitative(outcome: Outcome) -> list[Row]:
    """An outcome's qualitative items (objectives, updates, areas for improvement), which
    renderers list under its table with their status and commentary, not as table rows
    of empty figures."""
    return [r for r in outcome.rows if r.measure.kind is MeasureKind.QUALITATIVE]


def item_text(row: Row, words: Callable[[Status | StatusBasis], str]) -> tuple[str, list[str]]:
    """A qualitative item as text: "name — status" and its commentary and evidence, one
    paragraph per line of the plan's text (the assessment's own heading line, "manual
    assessment (Q3 2021-22)", is left to the status)."""
    cell = row.get("status")
    status = cell.text if cell is not None else ""
    head = f"{row.measure.name} — {status}" if status else row.measure.name
    paragraphs = [p.strip() for text in row.status_reasons[1:] for p in text.splitlines()]
    return head, [p for p in paragraphs if p]


def text_table(report: Report, outcome: Outcome, measure_heading: str,
               note: Callable[[Cell], str] | None = None) -> list[list[str]]:
    """An outcome's table as text: the headings, then a row of cells per measure (what the
    text and Markdown renderers lay out)."""
    columns = outcome.columns or report.columns
    rows = [[measure_heading, *(c.heading for c in columns)]]
    rows += [[r.measure.name, *("" if (cell := r.get(c.key)) is None else cell_text(cell, note)
                                for c in columns)]
             for r in measured(outcome)]
    return rows
