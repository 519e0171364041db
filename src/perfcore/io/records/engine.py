"""Record-level tables aggregated into observations by a query engine, through Ibis.

Forces and national hubs hold crimes, incidents and outcomes as records: police.uk's
street-level files alone are about half a million rows a month for England and Wales.
:func:`aggregate_records` turns such a table into perfcore observations without holding a
Python object per record: one Ibis expression (:func:`count_query`) counts the records
by month × force × category (and last outcome) on the engine, and only those counts —
thousands of rows, not millions — come back to Python, where they become

* **counts**: the ``police_uk`` loader's measures, with its ids and zeros
  (``police_uk.street.burglary``, ``police_uk.street.all_crime``,
  ``police_uk.street.<crime type>.<last outcome>`` with ``last_outcome=True``;
  ``police_uk.outcomes.<outcome type>``, ``police_uk.outcomes.all_outcomes``);
* **outcome-type proportions** (``shares=True``): the share of a crime type's crimes
  (or of all crime) whose last outcome is each outcome,
  ``police_uk.street.<crime type>.<last outcome>_share`` and
  ``police_uk.street.all_crime.<last outcome>_share``, with numerator and denominator;
* **rates** (``population=...``): ``<count id>_rate``, the count as numerator over the
  month's population (its ``value`` per ``rate_per``, 1,000 by default).

The same expression runs unchanged on DuckDB (the default: an in-memory database, the
``records`` extra), on Spark (Ibis' ``pyspark`` backend) or on a warehouse Ibis reaches,
and gives the same observations; the dataset's ``source`` says how many records of what
were aggregated, on which engine.

Columns are police.uk's (``Month``, ``Falls within``, ``Crime type``, ``Last outcome
category``; or ``Outcome type`` for outcome records), matched ignoring case, spaces and
punctuation; ``columns={"Force": "falls_within"}`` renames others. ``Month`` may be text
(``2024-04``) or a date.
"""

from __future__ import annotations

import contextlib
import csv
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import numpy as np

from perfcore._arrow import KeyEncoder, float_array, pyarrow, record_batches, unambiguous
from perfcore.dataset import Dataset
from perfcore.errors import (
    DataError,
    DataFileError,
    DataProblem,
    DataValidationError,
    MissingDependencyError,
    OptionError,
    OutputError,
    SkippedRowsWarning,
)
from perfcore.i18n import counted, plural
from perfcore.io._table import (
    FloatArray,
    IntArray,
    RegistryOption,
    Table,
    chosen_registry,
    factorize_text,
    normalise_header,
    parse_periods,
    resolve_organisations,
    slug,
)
from perfcore.io.police_uk import (
    ASB,
    CRIME_TYPES,
    LAST_OUTCOMES,
    count_records,
    force_code,
    with_unlisted,
)
from perfcore.periods import Month, Period, parse_period

__all__ = ["RECORD_LAYOUTS", "aggregate_records", "count_query", "engine_warnings",
           "load_records", "write_observations"]

#: The record layouts: police.uk street-level crimes and outcomes.
RECORD_LAYOUTS = ("street", "outcomes")
Layout = Literal["street", "outcomes"]
_CATEGORY = {"street": "crime_type", "outcomes": "outcome_type"}
_OUTCOME = "last_outcome_category"


def _ibis() -> ModuleType:
    return MissingDependencyError.require("ibis", package="ibis-framework", extra="records",
                                          purpose="aggregating record-level data")


@contextlib.contextmanager
def engine_warnings() -> Iterator[None]:
    """Calls into Ibis and its backends, with the deprecation warnings they raise at each
    other (Ibis 12 calls DuckDB 2's deprecated ``fetch_arrow_table``) kept out of the
    caller's way: they are for those projects, not for perfcore's users."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning,
                                module=r"(ibis|duckdb|pyspark|sqlglot)(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning,
                                module=r"(ibis|duckdb|pyspark|sqlglot)(\.|$)")
        yield


# --- the query ----------------------------------------------------------------------------


def count_query(table: Any, *, layout: Layout | None = None, last_outcome: bool = False,
                by_force: bool = True, columns: Mapping[str, str] | None = None) -> Any:
    """The Ibis expression counting the records of ``table`` (an Ibis table, on any
    backend) by month, force (``Falls within``; not with ``by_force=False``) and
    category (``Crime type``, or ``Outcome type`` for outcome records), and by last
    outcome with ``last_outcome=True``: columns ``month``, ``falls_within``,
    ``crime_type`` / ``outcome_type``, ``last_outcome_category`` and ``n``.

    ``layout`` is told from the columns when not given (a ``Crime type`` column is
    street records). Nothing runs until the expression is executed (``.to_pyarrow()``),
    on the table's own backend: ``ibis.to_sql(count_query(t))`` shows the SQL.
    """
    names = _column_names(table.columns, columns)
    layout = layout or ("street" if "crime_type" in names else "outcomes")
    if layout not in RECORD_LAYOUTS:
        raise OptionError.for_choice("layout", layout, RECORD_LAYOUTS)
    keys = ["month", *(["falls_within"] if by_force else []), _CATEGORY[layout]]
    if last_outcome and layout == "street":
        keys.append(_OUTCOME)
    missing = [k for k in keys if k not in names]
    if missing:
        raise DataValidationError.from_problems([DataProblem(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} for "
            f"police.uk {layout} records; the table has: "
            f"{', '.join(repr(c) for c in table.columns)} (rename with "
            "columns={'Header': 'column'})")], what="the records")
    keyed = table.select(**{k: table[names[k]] for k in keys})
    return keyed.group_by(keys).aggregate(n=keyed.count())


def _column_names(written: Iterable[str], rename: Mapping[str, str] | None
                  ) -> dict[str, str]:
    """Normalised (or renamed) column → column as written."""
    renames = {normalise_header(k): v for k, v in (rename or {}).items()}
    out: dict[str, str] = {}
    for name in written:
        key = renames.get(normalise_header(name), normalise_header(name))
        out.setdefault(key, name)
    return out


def _connect(backend: Any) -> Any:
    """An Ibis backend: ``None`` or ``"duckdb"`` for a new in-memory DuckDB database,
    another backend's name for its default connection, or a connection as it is."""
    ibis = _ibis()
    if backend is None or backend == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET enable_progress_bar = false")  # no bar drawn over perfcore's output
        return con
    if backend == "pyspark":  # a local Spark, as ``spark-submit`` would give
        from pyspark.sql import SparkSession
        session = (SparkSession.builder.master("local[*]").appName("perfcore")
                   .config("spark.ui.enabled", "false").getOrCreate())
        return ibis.pyspark.connect(session)
    if isinstance(backend, str):
        try:
            return getattr(ibis, backend).connect()
        except AttributeError:
            raise OptionError(option="backend", value=backend,
                              reason="Ibis has no such backend",
                              allowed="an Ibis backend name") from None
    return backend


def _read(con: Any, paths: Sequence[Path]) -> Any:
    """The record files as one Ibis table on ``con``: CSV files (every column as text)
    or Parquet files, not both."""
    kinds = {p.suffix.lower() for p in paths}
    for p in paths:
        if not p.exists():
            raise DataFileError(path=str(p), reason="it does not exist")
    files = [str(p) for p in paths]
    if kinds == {".parquet"}:
        reader, options = con.read_parquet, {}
    elif kinds <= {".csv", ".gz"}:
        text = {"duckdb": {"all_varchar": True}, "pyspark": {"inferSchema": False}}
        reader, options = con.read_csv, text.get(con.name, {})
    else:
        raise OptionError(option="records", value=files,
                          reason=f"record files must all be CSV or all Parquet, not "
                                 f"{sorted(kinds)}")
    if con.name == "duckdb":  # reads a list of files as one table
        return reader(files, **options)
    # Other backends read one path at a time (Spark's read_parquet takes one).
    tables = [reader(f, **options) for f in files]
    return tables[0].union(*tables[1:]) if len(tables) > 1 else tables[0]


# --- aggregation ----------------------------------------------------------------------------


def aggregate_records(records: Any, *, backend: Any = None, layout: Layout | None = None,
                      last_outcome: bool = False, shares: bool = False,
                      population: Any = None, rate_per: int = 1000,
                      organisation: str | None = None, registry: RegistryOption = None,
                      columns: Mapping[str, str] | None = None,
                      source: str | None = None) -> Dataset:
    """Aggregate record-level police.uk data into a :class:`~perfcore.dataset.Dataset`
    (see the module docs for the measures).

    Parameters
    ----------
    records
        Record files (a path or paths: CSV or Parquet, read by ``backend``), an Ibis
        table on any backend (e.g. one read by Spark), or Arrow data (a pyarrow table, a
        Polars or pandas frame) run on DuckDB.
    backend
        For files: ``None`` or ``"duckdb"`` (an in-memory DuckDB database), another
        Ibis backend's name (``"pyspark"``) or connection (``ibis.pyspark.connect(spark)``).
    layout
        ``"street"`` or ``"outcomes"``; told from the columns when not given.
    last_outcome
        Street records: also count each crime type by last outcome.
    shares
        Street records: the share of each crime type's crimes (and of all crime) with
        each last outcome, as proportions (numerator and denominator).
    population
        For rates: a mapping of organisation → population (every month), or a dataset
        or long-format file whose ``population`` field gives organisations' populations
        by period (a month takes the population of the shortest period holding it).
    rate_per
        The base of a rate's ``value`` (per 1,000 by default).
    organisation
        The force of every record, instead of the ``Falls within`` column.
    registry, columns
        As for the ``police_uk`` loader; ``columns`` renames (header → column).
    source
        What the records are, for the dataset's source (default: the file names).

    Raises
    ------
    DataValidationError
        Listing every bad value found in the records (an unknown force, a month that is
        not a month, a blank crime type), each with the number of records holding it.
    """
    with engine_warnings():
        table, label, con = _records_table(records, backend)
        query = count_query(table, layout=layout, last_outcome=last_outcome or shares,
                            by_force=organisation is None, columns=columns)
        con = con or _backend_of(query)
        engine = str(con.name)
        counts = con.to_pyarrow(query)
    # Engines return groups in any order: sorted, the observations come out the same.
    counts = counts.sort_by([(c, "ascending") for c in counts.column_names if c != "n"])
    layout = layout or ("street" if "crime_type" in query.columns else "outcomes")
    total = int(counts.column("n").to_numpy().sum()) if counts.num_rows else 0
    what = f"aggregated from {total:,} records of {source or label} on {engine}"
    groups = _Groups(counts, layout, label=source or label)
    groups.check(organisation=organisation, registry=registry)
    out = [count_records(kind=layout, months=groups.months, month_code=groups.month_code,
                         forces=groups.forces, force_code=groups.force_code,
                         categories=groups.categories, category_code=groups.category_code,
                         breakdown=groups.outcomes if last_outcome else None,
                         weight=groups.n, source=what)]
    if shares and layout == "street":
        out.append(_shares(groups, what))
    if population is not None:
        out.append(_rates(out[0], population, rate_per, registry, what))
    return out[0] if len(out) == 1 else _join(out, what)


def _join(parts: Sequence[Dataset], source: str) -> Dataset:
    """Datasets of different measures (counts, shares, rates) as one, joined through
    their codes (``Dataset.concat`` would make a Python object per observation, and
    shares are many: 450 a force-month)."""
    organisations = sorted({o for d in parts for o in d.organisations})
    periods = sorted({p for d in parts for p in d.periods})
    o_at = {o: i for i, o in enumerate(organisations)}
    p_at = {p: i for i, p in enumerate(periods)}
    offsets = np.cumsum([0, *(len(d.measures) for d in parts)])
    fields = ("value", "numerator", "denominator", "sample_size", "population", "sd")
    return Dataset.from_codes(
        measures=[m for d in parts for m in d.measures],
        measure_code=np.concatenate(
            [d.measure_code + k for d, k in zip(parts, offsets[:-1], strict=True)]),
        organisations=organisations,
        organisation_code=np.concatenate(
            [np.array([o_at[o] for o in d.organisations], dtype=np.int32)[d.organisation_code]
             for d in parts]),
        periods=periods,
        period_code=np.concatenate(
            [np.array([p_at[p] for p in d.periods], dtype=np.int32)[d.period_code]
             for d in parts]),
        sources=(source,),
        **{f: np.concatenate([np.asarray(getattr(d, f)) for d in parts]) for f in fields})


def load_records(path: str | Path, *, backend: str | None = None, layout: Layout | None = None,
                 last_outcome: bool = False, shares: bool = False,
                 population: Mapping[str, float] | Dataset | str | Path | None = None,
                 rate_per: int = 1000, organisation: str | None = None,
                 registry: RegistryOption = None, columns: Mapping[str, str] | None = None,
                 source: str | None = None) -> Dataset:
    """The ``records`` loader: one record file aggregated by :func:`aggregate_records`
    (whose options it takes; ``backend`` by name, ``population`` may name a file). The
    types are declared for the check every loader's options get
    (:mod:`perfcore.io.options`); a connection goes to :func:`aggregate_records`."""
    return aggregate_records([Path(path)], backend=backend, layout=layout,
                             last_outcome=last_outcome, shares=shares, population=population,
                             rate_per=rate_per, organisation=organisation, registry=registry,
                             columns=columns, source=source)


def _records_table(records: Any, backend: Any) -> tuple[Any, str, Any]:
    """The records as an Ibis table, what they are (for messages and the source), and
    the backend to run on (``None``: the table's own)."""
    ibis = _ibis()
    if isinstance(records, ibis.expr.types.Table):
        return records, "an Ibis table", None if backend is None else _connect(backend)
    if isinstance(records, (str, Path)):
        records = [records]
    if isinstance(records, (list, tuple)) and records and all(
            isinstance(p, (str, Path)) for p in records):
        paths = [Path(p) for p in records]
        label = (paths[0].name if len(paths) == 1 else
                 f"{len(paths)} files ({paths[0].name} …)")
        con = _connect(backend)
        return _read(con, paths), label, con
    try:
        arrow = _as_arrow(records)
    except DataError:
        raise
    except Exception as exc:
        raise DataError(reason=f"cannot aggregate a {type(records).__name__}: give record "
                        "files, an Ibis table, or Arrow data (a pyarrow table, a Polars or "
                        f"pandas frame) ({exc})") from exc
    return ibis.memtable(arrow), "in-memory records", None if backend is None else \
        _connect(backend)


def _as_arrow(data: Any) -> Any:
    schema, batches = record_batches(data)
    return pyarrow().Table.from_batches(list(batches), schema=schema)


def _backend_of(expr: Any) -> Any:
    """The backend an expression runs on: its tables', else a new DuckDB database."""
    try:
        return expr.get_backend()
    except Exception:  # only in-memory tables: any backend can run it
        return _connect(None)


class _Groups:
    """The engine's counts (one row per month × force × category [× outcome]): each key
    column's distinct values and codes, checked as the ``police_uk`` loader checks them,
    with problems counted in records rather than located in rows."""

    def __init__(self, counts: Any, layout: Layout, *, label: str) -> None:
        self.label = label
        self.layout = layout
        self.n: FloatArray = float_array(counts.column("n"))
        self._keys = {name: KeyEncoder() for name in counts.column_names if name != "n"}
        for name, encoder in self._keys.items():
            encoder.add(counts.column(name))
        self.problems: list[DataProblem] = []

    def check(self, *, organisation: str | None, registry: RegistryOption) -> None:
        self.months, self.month_code = self._check("month", "Month", _parse_months)
        if organisation is None:
            self.forces, self.force_code = self._check(
                "falls_within", "Falls within",
                lambda t, c: resolve_organisations(t, c, registry, strip_force_suffix=True))
        else:
            self.forces = [force_code(organisation, registry)]
            self.force_code = np.zeros(len(self.n), dtype=np.int64)
        category = _CATEGORY[self.layout]
        self.categories, self.category_code = self._check(
            category, category.replace("_", " ").capitalize(), _blank_is_a_problem)
        self.outcomes: tuple[list[str], IntArray] | None = None
        if _OUTCOME in self._keys:
            self.outcomes = self._check(_OUTCOME, "Last outcome category",
                                        lambda t, c: _distinct(t, c))
        if self.problems:
            raise DataValidationError.from_problems(
                self.problems, what=f"the records of {self.label}")

    def _check(self, column: str, header: str, check: Any) -> tuple[list[Any], IntArray]:
        encoder = self._keys[column]
        distinct = encoder.distinct
        codes = encoder.codes()
        if distinct and all(isinstance(c, Month) for c in distinct):  # a date column
            return distinct, codes.astype(np.int64)
        cells = ["" if v is None else str(v) for v in distinct]
        table = Table(self.label, {column: tuple(cells)}, {column: header},
                      np.arange(len(cells), dtype=np.int64), {})
        values, merged = check(table, column)
        if table.problems:
            # Rows of that table are distinct values: say how many records hold each.
            records = np.bincount(codes, weights=self.n, minlength=len(cells))
            for p in table.problems.items:
                n = int(records[list(p.rows)].sum()) if p.rows else 0
                self.problems.append(DataProblem(
                    f"{p.message} ({n:,} record{'s' if n != 1 else ''})", file=self.label,
                    column=header))
        return values, np.asarray(merged, dtype=np.int64)[codes]


def _parse_months(table: Table, column: str) -> tuple[list[Period | None], IntArray]:
    return parse_periods(table, column, parse=_month)


def _month(text: str) -> Period:
    p = parse_period(text, prefer="month")
    if not isinstance(p, Month):
        raise ValueError(f"{text!r} is not a month (write e.g. 2024-04)")
    return p


def _distinct(table: Table, column: str) -> tuple[list[str], IntArray]:
    return factorize_text(table[column])


def _blank_is_a_problem(table: Table, column: str) -> tuple[list[str], IntArray]:
    values, codes = _distinct(table, column)
    for k, v in enumerate(values):
        if not v:
            table.problems.at(f"the {table.name(column)} is blank",
                              np.flatnonzero(codes == k).tolist(), column=table.name(column))
    return values, codes


# --- outcome shares and rates ---------------------------------------------------------------


def _shares(groups: _Groups, source: str) -> Dataset:
    """Each crime type's (and all crime's) crimes by last outcome, as proportions."""
    assert groups.outcomes is not None
    outcomes, o_codes = groups.outcomes
    crimes = with_unlisted(CRIME_TYPES, groups.categories)
    crimes = [c for c in crimes if c.lower() != ASB.lower()]
    known = ["", *(o for o in with_unlisted(LAST_OUTCOMES, outcomes) if o)]
    c_at = {c.lower(): i for i, c in enumerate(crimes)}
    o_at = {o.lower(): i for i, o in enumerate(known)}
    c_index = np.array([c_at.get(c.lower(), -1) for c in groups.categories], dtype=np.int64)
    o_index = np.array([o_at[o.lower()] for o in outcomes], dtype=np.int64)
    crime, outcome = c_index[groups.category_code], o_index[o_codes]
    keep = crime >= 0  # anti-social behaviour has no outcomes to share
    nf = len(groups.forces)
    cells, cell = np.unique((groups.month_code * nf + groups.force_code)[keep],
                            return_inverse=True)
    shape = (len(cells), len(crimes) + 1, len(known))
    flat = np.bincount((cell.reshape(-1) * shape[1] + crime[keep]) * shape[2] + outcome[keep],
                       weights=groups.n[keep], minlength=int(np.prod(shape)))
    dense = flat.reshape(shape)
    dense[:, -1, :] = dense[:, :-1, :].sum(axis=1)  # all crime
    numerator = dense.reshape(len(cells), -1)
    denominator = np.repeat(dense.sum(axis=2), len(known), axis=1)
    ids = [f"police_uk.street.{slug(c)}.{slug(o) if o else 'not_recorded'}_share"
           for c in [*crimes, "all_crime"] for o in known]
    n_ids = len(ids)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, numerator / denominator, np.nan)
    return Dataset.from_codes(
        measures=ids, measure_code=np.tile(np.arange(n_ids), len(cells)),
        organisations=groups.forces, organisation_code=np.repeat(cells % nf, n_ids),
        periods=groups.months, period_code=np.repeat(cells // nf, n_ids),
        value=value.reshape(-1), numerator=numerator.reshape(-1),
        denominator=denominator.reshape(-1), sources=(source,))


def _rates(counts: Dataset, population: Any, rate_per: int, registry: RegistryOption,
           source: str) -> Dataset:
    """``<count id>_rate`` for every count of a month × force with a population."""
    lookup = _population(population, registry)
    org_month = [(o, p) for o in counts.organisations for p in counts.periods]
    pop_of = np.array([lookup(o, p) for o, p in org_month], dtype=np.float64)
    pop = pop_of[counts.organisation_code.astype(np.int64) * len(counts.periods)
                 + counts.period_code]
    has = ~np.isnan(pop)
    if not has.all():
        warnings.warn(f"{int((~has).sum()):,} counts of month × force with no population "
                      "got no rate", SkippedRowsWarning, stacklevel=3)
    rows = np.flatnonzero(has)
    count = counts.value[rows]
    return Dataset.from_codes(
        measures=[f"{m}_rate" for m in counts.measures], measure_code=counts.measure_code[rows],
        organisations=counts.organisations, organisation_code=counts.organisation_code[rows],
        periods=counts.periods, period_code=counts.period_code[rows],
        value=count / pop[rows] * rate_per, numerator=count, population=pop[rows],
        sources=(source,))


def _population(population: Any, registry: RegistryOption) -> Any:
    """``lookup(organisation code, month)`` → population (NaN where none)."""
    reg = chosen_registry(registry)

    def code(name: str) -> str:
        return name if reg is None else reg.code(name)

    if isinstance(population, Mapping):
        flat = {code(str(k)): float(v) for k, v in population.items()}
        return lambda org, month: flat.get(org, np.nan)
    if not isinstance(population, Dataset):
        from perfcore.io import load_data
        population = load_data(population, progress=False)
    by_month: dict[tuple[str, Period], tuple[int, float]] = {}
    rows = np.flatnonzero(~np.isnan(population.population))
    for i in rows.tolist():  # one per organisation × period: a small table
        org = population.organisations[population.organisation_code[i]]
        period = population.periods[population.period_code[i]]
        for index in range(period.first, period.first + period.length):
            key = (org, Month.from_index(index))
            if key not in by_month or by_month[key][0] > period.length:
                by_month[key] = (period.length, float(population.population[i]))
    return lambda org, month: by_month.get((org, month), (0, np.nan))[1]


# --- the command line ----------------------------------------------------------------------


def write_observations(records: Sequence[str | Path], output: str | Path, *,
                       measures: Collection[str] | None = None, **options: Any) -> str:
    """Aggregate ``records`` (:func:`aggregate_records` with ``options``) and write the
    observations to ``output``: Parquet (``.parquet``, read by the ``parquet`` loader) or
    long-format CSV (``.csv``, read by the ``csv`` loader). ``measures`` keeps only those
    (a plan's); keeping none of them is an error. Returns what was written, in words."""
    out = Path(output)
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise OptionError(option="--output", value=str(out),
                          reason="observations are written to a .parquet or .csv file",
                          allowed=(".parquet", ".csv"))
    ds = aggregate_records([Path(p) for p in records], **options)
    produced = len(ds.measures)
    if measures is not None:
        ds = _keep(ds, set(measures))
    if out.suffix.lower() == ".parquet":
        from perfcore.io.arrow import write_parquet
        write_parquet(ds, out)
    else:
        _write_csv(ds, out)
    kept = "" if measures is None else f" (the plan's {len(ds.measures)} of {produced})"
    return (f"wrote {out}: {len(ds):,} {plural(len(ds), 'observation')} of "
            f"{counted(len(ds.measures), 'measure')}{kept}, "
            f"{ds.sources[0] if ds.sources else ''}")


def _keep(ds: Dataset, wanted: set[str]) -> Dataset:
    codes = [i for i, m in enumerate(ds.measures) if m in wanted]
    if not codes:
        raise DataError(reason="the plan uses none of the measures aggregated from the "
                        f"records (they are {', '.join(ds.measures[:5])}"
                        f"{' …' if len(ds.measures) > 5 else ''})")
    rows = np.flatnonzero(np.isin(ds.measure_code, codes))
    recode = np.full(len(ds.measures), -1, dtype=np.int64)
    recode[codes] = np.arange(len(codes))
    return Dataset.from_codes(
        measures=[ds.measures[i] for i in codes], measure_code=recode[ds.measure_code[rows]],
        organisations=ds.organisations, organisation_code=ds.organisation_code[rows],
        periods=ds.periods, period_code=ds.period_code[rows], sources=ds.sources,
        source_code=ds.source_code[rows],
        **{f: getattr(ds, f)[rows] for f in ("value", "numerator", "denominator",
                                             "sample_size", "population", "sd")})


def _write_csv(ds: Dataset, path: Path) -> None:
    """The observations as the ``csv`` loader's long format (a month that would read as a
    financial year is written ``December 2011``)."""
    fields = ("value", "numerator", "denominator", "sample_size", "population")
    used = [f for f in fields if not np.isnan(getattr(ds, f)).all()]
    periods = [unambiguous(p) for p in ds.periods]
    try:
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["measure", "organisation", "period", *used, "source"])
            columns = [getattr(ds, c) for c in used]
            for i in range(len(ds)):  # aggregated observations: thousands, not millions
                writer.writerow([ds.measures[ds.measure_code[i]],
                                 ds.organisations[ds.organisation_code[i]],
                                 periods[ds.period_code[i]],
                                 *("" if c[i] != c[i] else repr(float(c[i])) for c in columns),
                                 ds.sources[ds.source_code[i]]])
    except OSError as exc:
        raise OutputError(path=str(path), reason=str(exc.strerror or exc)) from exc
