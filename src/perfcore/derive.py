"""The derive stage: plugin-computed (derived) measures added to a dataset.

A plugin registers a :class:`~perfcore.plugins.specs.DerivedMeasureSpec` for a measure it
computes from other measures (``perfcore_register_derived_measures``). After the data are
loaded, :func:`derive_measures` computes every measure of the plan that a registered record
derives, wherever the dataset lacks it, and returns the dataset with the derived
observations added::

    dataset = derive_measures(plan, dataset, perfcore.plugins.registry())

**The contract of ``derive``.** ``spec.derive(inputs)`` is called once per derived measure
with a :class:`DeriveInputs`: every input measure's fields as float arrays of shape
``(organisations, periods)`` over all of the dataset's organisations and periods (NaN
where there is no figure). It returns a :class:`DerivedValues` whose ``value`` (and
optional ``numerator``, ``denominator``, ``sample_size``, ``population``, ``sd``) have that
shape.
It runs with numpy's floating-point warnings off, so ``x / 0`` may be written plainly:
NaN and ±inf both mean "undefined in this cell".

**Which cells become observations.** A cell (organisation × period) gets a derived
observation when (1) the dataset has no observation of the measure there (figures in the
data win), (2) every input has a figure there, and (3) ``derive`` gave a finite value.
Cells where some inputs have a figure and others do not are reported in one
:class:`MissingInputsWarning` per measure (nothing is dropped silently), and so is a plan
measure whose inputs are nowhere in the data; cells where ``derive`` gave no finite value
(a zero denominator, too short a series) are counted in the :class:`DerivedMeasure`
record that :func:`derive` returns. Each derived observation's ``source`` reads like
``"derived by plugin 'victims' from victims.da_arrests, victims.da_crimes: <description>
[victims.da_arrests: <its source>; victims.da_crimes: <its source>]"``.

Derived measures may use other derived measures as inputs; they are computed in
dependency order. A ``derive`` that raises, or returns anything but a
:class:`DerivedValues` of the right shape, raises
:class:`~perfcore.errors.PluginResultError` naming the plugin and the measure.

This stage lives in its own module because :mod:`perfcore.dataset` must not depend on the
plugin registry: the registry is passed in, and :func:`perfcore.plugins.registry` is the
default a caller supplies.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt

from perfcore.dataset import FIELDS, Dataset
from perfcore.errors import (
    DataError,
    InvalidValueError,
    PerfcoreWarning,
    PluginError,
    PluginResultError,
    UnknownMeasureError,
)
from perfcore.i18n import counted
from perfcore.model import Plan
from perfcore.organisations import organisation_name
from perfcore.periods import Period

if TYPE_CHECKING:
    from perfcore.plugins.manager import Registry
    from perfcore.plugins.specs import DerivedMeasureSpec

__all__ = [
    "Derivation",
    "DeriveInputs",
    "DerivedMeasure",
    "DerivedValues",
    "MissingInputsWarning",
    "derive",
    "derive_measures",
]

FloatArray = npt.NDArray[np.float64]


class MissingInputsWarning(PerfcoreWarning):
    """A derived measure could not be computed for some organisations and periods
    because some of its inputs have no figure there."""


@attrs.frozen(kw_only=True)
class DeriveInputs:
    """What a ``derive`` callable receives: the inputs of one derived measure.

    Attributes
    ----------
    measure : str
        The measure being derived (qualified id, ``"victims.da_arrest_rate"``).
    inputs : tuple of str
        Its inputs (qualified ids), as the record declares them.
    organisations : tuple of str
        The rows of every array (the dataset's organisations, sorted).
    periods : tuple of Period
        The columns of every array (the dataset's periods, oldest first).
    """

    measure: str
    inputs: tuple[str, ...]
    organisations: tuple[str, ...]
    periods: tuple[Period, ...]
    cubes: Mapping[str, Mapping[str, FloatArray]] = attrs.field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(organisations, periods)``: the shape of every array in and out."""
        return (len(self.organisations), len(self.periods))

    def field(self, measure: str, field: str = "value") -> FloatArray:
        """One field (``value``, ``numerator``, ``denominator``, ``sample_size`` or
        ``population``) of an input, organisations × periods, NaN where absent. A local
        id (``"da_arrests"``) is in the derived measure's domain."""
        ident = measure if "." in measure else f"{self.measure.partition('.')[0]}.{measure}"
        if ident not in self.cubes:
            raise UnknownMeasureError(
                measure=ident, where=f"the inputs of derived measure {self.measure!r}",
                suggestions=self.inputs, hint="declare it in the record's inputs")
        if field not in FIELDS:
            from perfcore.errors import OptionError
            raise OptionError.for_choice("field", field, FIELDS)
        return self.cubes[ident][field]

    def value(self, measure: str) -> FloatArray:
        """The ``value`` field of an input (see :meth:`field`)."""
        return self.field(measure, "value")


@attrs.frozen(kw_only=True)
class DerivedValues:
    """What a ``derive`` callable returns: the derived measure's observation fields, each
    an organisations × periods array (``None``: no such field). NaN or ±inf in ``value``
    means undefined there (no observation)."""

    value: npt.ArrayLike
    numerator: npt.ArrayLike | None = None
    denominator: npt.ArrayLike | None = None
    sample_size: npt.ArrayLike | None = None
    population: npt.ArrayLike | None = None
    sd: npt.ArrayLike | None = None


@attrs.frozen(kw_only=True)
class DerivedMeasure:
    """What the stage did for one derived measure.

    ``added`` observations were added; ``held`` cells already had a figure in the data;
    ``missing_inputs`` cells had some inputs but not all; ``undefined`` cells had every
    input but ``derive`` gave no finite value.
    """

    measure: str
    plugin: str
    inputs: tuple[str, ...]
    added: int
    held: int
    missing_inputs: int
    undefined: int


@attrs.frozen(kw_only=True)
class Derivation:
    """The dataset with derived observations added, and a record per derived measure."""

    dataset: Dataset
    measures: tuple[DerivedMeasure, ...] = ()


def derive_measures(plan: Plan, dataset: Dataset, registry: Registry) -> Dataset:
    """``dataset`` with the plan's derived measures added (see the module docs); the
    dataset itself when there is nothing to add."""
    return derive(plan, dataset, registry).dataset


def derive(plan: Plan | Iterable[str], dataset: Dataset, registry: Registry) -> Derivation:
    """Compute the derived measures that ``plan`` uses (or the measure ids given) and
    return the enlarged dataset with a record of each."""
    wanted = [m.id for m in plan.measures()] if isinstance(plan, Plan) else list(plan)
    order = _order(wanted, registry)
    if not order:
        return Derivation(dataset=dataset)
    shape = (len(dataset.organisations), len(dataset.periods))
    sources = _SourceTable(dataset)
    computed: dict[str, dict[str, FloatArray]] = {}
    keep: dict[str, npt.NDArray[np.bool_]] = {}
    records = []
    for spec in order:
        plugin = registry.provider("derived_measure", spec.measure)
        name = plugin.name if plugin is not None else "?"
        cubes = {}
        for ident in spec.inputs:
            cubes[ident] = _given(dataset, ident, shape)
            if ident in computed:  # a derived input: its derived cells fill the gaps
                cubes[ident] = {f: np.where(keep[ident], computed[ident][f], c)
                                for f, c in cubes[ident].items()}
        has = np.stack([_has_figure(cubes[i]) for i in spec.inputs])
        complete = has.all(axis=0)
        held = _has_figure(_given(dataset, spec.measure, shape))
        out = _call(spec, name, DeriveInputs(
            measure=spec.measure, inputs=spec.inputs, organisations=dataset.organisations,
            periods=dataset.periods, cubes=cubes), shape)
        defined = np.isfinite(out["value"])
        new = complete & ~held & defined
        partial = has.any(axis=0) & ~complete & ~held
        _warn_missing(spec, name, dataset, has, partial, held, in_plan=spec.measure in wanted)
        computed[spec.measure], keep[spec.measure] = out, new
        sources.add_derived(spec, name, new)
        records.append(DerivedMeasure(
            measure=spec.measure, plugin=name, inputs=spec.inputs, added=int(new.sum()),
            held=int(held.sum()), missing_inputs=int(partial.sum()),
            undefined=int((complete & ~held & ~defined).sum())))
    added = _assemble(dataset, computed, keep, sources)
    if added is None:
        return Derivation(dataset=dataset, measures=tuple(records))
    return Derivation(dataset=Dataset.concat([dataset, added]), measures=tuple(records))


# --------------------------------------------------------------------------- helpers


def _order(wanted: Iterable[str], registry: Registry) -> list[DerivedMeasureSpec]:
    """The records to run, each after the derived measures it takes as inputs. A derived
    input is computed only where the dataset lacks it, like any derived measure."""
    order: list[DerivedMeasureSpec] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(ident: str, path: tuple[str, ...]) -> None:
        spec = registry.derived_measure(ident)
        if spec is None or state.get(ident) == 2:
            return
        if state.get(ident) == 1:
            cycle = " -> ".join((*path[path.index(ident):], ident))
            raise DataError(reason=f"derived measures depend on each other in a cycle: {cycle}",
                            measure=ident)
        state[ident] = 1
        for i in spec.inputs:
            visit(i, (*path, ident))
        state[ident] = 2
        order.append(spec)

    for ident in dict.fromkeys(wanted):
        visit(ident, ())
    return order


def _given(dataset: Dataset, measure: str, shape: tuple[int, int]) -> dict[str, FloatArray]:
    """The dataset's own fields of ``measure``, organisations × periods (NaN if absent)."""
    if measure not in dataset.measures:
        return {f: np.full(shape, np.nan) for f in FIELDS}
    return {f: c[0] for f, c in dataset.cubes(FIELDS, measures=[measure]).items()}


def _has_figure(fields: Mapping[str, FloatArray]) -> npt.NDArray[np.bool_]:
    """Cells where any field has a figure (a row exists and says something)."""
    out: npt.NDArray[np.bool_] = np.zeros(fields["value"].shape, dtype=bool)
    for f in FIELDS:
        out |= ~np.isnan(fields[f])
    return out


def _call(spec: DerivedMeasureSpec, plugin: str, inputs: DeriveInputs,
          shape: tuple[int, int]) -> dict[str, FloatArray]:
    """Run ``spec.derive`` and check what it returns: every field as a float array of
    ``shape`` (absent fields NaN), ±inf turned into NaN (undefined)."""
    try:
        with np.errstate(all="ignore"):
            result = spec.derive(inputs)
    except PluginError:  # the plugin manager's guard already named the plugin
        raise
    except Exception as exc:
        raise PluginResultError(
            reason=f"derive raised {type(exc).__name__}: {exc}", kind="derived_measure",
            name=spec.measure, plugin=plugin, measure=spec.measure,
            expected="DerivedValues", got=type(exc).__name__) from exc
    if not isinstance(result, DerivedValues):
        raise PluginResultError(
            reason="derive must return a perfcore.DerivedValues, not "
            f"{type(result).__name__}", kind="derived_measure", name=spec.measure,
            plugin=plugin, measure=spec.measure, expected="DerivedValues",
            got=type(result).__name__)
    out: dict[str, FloatArray] = {}
    for f in FIELDS:
        given = getattr(result, f)
        if given is None:
            out[f] = np.full(shape, np.nan)
            continue
        try:
            arr = np.array(given, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise PluginResultError(
                reason=f"{f} is not numeric: {exc}", kind="derived_measure",
                name=spec.measure, plugin=plugin, measure=spec.measure,
                expected="float array", got=type(given).__name__) from exc
        if arr.shape != shape:
            raise PluginResultError(
                reason=f"{f} has shape {arr.shape}, but derive must return arrays of shape "
                f"{shape} (organisations × periods, as its inputs)", kind="derived_measure",
                name=spec.measure, plugin=plugin, measure=spec.measure,
                expected=shape, got=arr.shape)
        arr[np.isinf(arr)] = np.nan
        out[f] = arr
    return out


def _warn_missing(spec: DerivedMeasureSpec, plugin: str, dataset: Dataset,
                  has: npt.NDArray[np.bool_], partial: npt.NDArray[np.bool_],
                  held: npt.NDArray[np.bool_], *, in_plan: bool) -> None:
    me = f"derived measure {spec.measure!r} (plugin {plugin!r})"
    if in_plan and not has.any() and not held.any():
        warnings.warn(
            f"{me} has no data: the data hold none of its inputs "
            f"({', '.join(spec.inputs)}) and no figures of it", MissingInputsWarning,
            stacklevel=4)
        return
    n = int(partial.sum())
    if not n:
        return
    o, p = (int(x[0]) for x in np.nonzero(partial))
    lacking = [i for i, h in zip(spec.inputs, has[:, o, p], strict=True) if not h]
    warnings.warn(
        f"{me} was not derived for {counted(n, 'organisation × period combination')} "
        "where some of "
        f"its inputs have figures and others do not (first: "
        f"{organisation_name(dataset.organisations[o])} "
        f"{dataset.periods[p]}, lacking {', '.join(lacking)})", MissingInputsWarning,
        stacklevel=4)


class _SourceTable:
    """Source texts of input and derived cells, as codes into one list of texts."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.texts: list[str] = list(dataset.sources)
        self.lookup: dict[str, int] = {t: i for i, t in enumerate(self.texts)}
        self.derived: dict[str, npt.NDArray[np.int64]] = {}

    def code(self, text: str) -> int:
        if text not in self.lookup:
            self.lookup[text] = len(self.texts)
            self.texts.append(text)
        return self.lookup[text]

    def cube(self, measure: str) -> npt.NDArray[np.int64]:
        """Each cell's source code of ``measure`` (-1 where it has no observation): the
        data's own, and derived ones where it was derived."""
        ds = self.dataset
        out = np.full((len(ds.organisations), len(ds.periods)), -1, dtype=np.int64)
        if measure in ds.measures:
            rows = ds.measure_code == ds.measures.index(measure)
            out[ds.organisation_code[rows], ds.period_code[rows]] = ds.source_code[rows]
        if measure in self.derived:
            out = np.where(self.derived[measure] >= 0, self.derived[measure], out)
        return out

    def add_derived(self, spec: DerivedMeasureSpec, plugin: str,
                    new: npt.NDArray[np.bool_]) -> None:
        codes = np.full(new.shape, -1, dtype=np.int64)
        if new.any():
            inputs = np.stack([self.cube(i)[new] for i in spec.inputs])
            combos, which = np.unique(inputs, axis=1, return_inverse=True)
            head = (f"derived by plugin {plugin!r} from {', '.join(spec.inputs)}: "
                    f"{spec.description}")
            texts = []
            for combo in combos.T.tolist():
                parts = [f"{i}: {self.texts[c] or 'no source given'}"
                         for i, c in zip(spec.inputs, combo, strict=True)]
                texts.append(self.code(f"{head} [{'; '.join(parts)}]"))
            codes[new] = np.asarray(texts, dtype=np.int64)[np.ravel(which)]
        self.derived[spec.measure] = codes


def _assemble(dataset: Dataset, computed: Mapping[str, Mapping[str, FloatArray]],
              keep: Mapping[str, npt.NDArray[np.bool_]], sources: _SourceTable,
              ) -> Dataset | None:
    """The derived observations as one dataset (None when there are none)."""
    ids = [m for m in computed if keep[m].any()]
    if not ids:
        return None
    m_code, o_code, p_code = [], [], []
    columns: dict[str, list[FloatArray]] = {f: [] for f in FIELDS}
    s_code = []
    for k, m in enumerate(ids):
        o, p = np.nonzero(keep[m])
        m_code.append(np.full(o.size, k, dtype=np.int64))
        o_code.append(o)
        p_code.append(p)
        for f in FIELDS:
            columns[f].append(computed[m][f][o, p])
        s_code.append(sources.derived[m][o, p])
    try:
        return Dataset.from_codes(
            measures=ids, measure_code=np.concatenate(m_code),
            organisations=dataset.organisations, organisation_code=np.concatenate(o_code),
            periods=dataset.periods, period_code=np.concatenate(p_code),
            sources=sources.texts, source_code=np.concatenate(s_code),
            **{f: np.concatenate(c) for f, c in columns.items()})
    except InvalidValueError as exc:
        # Rows of the derived observations mean nothing to a reader; the source names
        # the plugin and the inputs the figure was derived from.
        raise InvalidValueError(**{**exc.fields, "row": None, "rows": (),
                                   "hint": "check the inputs it was derived from"}) from None
