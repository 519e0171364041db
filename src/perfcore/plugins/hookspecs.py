"""The perfcore hook specifications and the markers plugins use.

A plugin is a module (or object) with functions marked ``@perfcore.hookimpl`` whose
names match the hooks below, advertised through the ``perfcore`` entry-point group of
its distribution. ``docs/hooks.md`` is generated from this module's docstrings
(``python docs/gen_hooks.py``); a test keeps the two in step.

Every hook is a *registration* hook: it takes no arguments, is called once per plugin
when the registry is first needed, and returns an iterable of frozen records (or
``None`` for nothing). Later versions may pass arguments; pluggy lets existing
implementations ignore arguments they do not declare, so adding one is compatible.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from perfcore.plugins.specs import (
        CatalogueSpec,
        DerivedMeasureSpec,
        DomainSpec,
        LoaderSpec,
        RendererSpec,
        ScorerSpec,
    )

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

#: The pluggy project name; also the entry-point group plugins are advertised in.
PROJECT_NAME = "perfcore"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def perfcore_register_domains() -> Iterable[DomainSpec] | None:
    """Register domains of measures.

    **When it is called:** once per plugin, the first time anything asks the registry
    for domains or measures (`perfcore.plugins.domains()`, `perfcore.get_measure()`,
    `python -m perfcore plugins`).

    **What to return:** an iterable of `perfcore.DomainSpec`, or `None`. Give measures
    *local* ids; perfcore publishes each as `"<domain>.<local id>"`. Domain names must be
    unique across all installed plugins.

    **Example:**

    ```python
    from perfcore import DomainSpec, hookimpl
    from perfcore.model import Measure


    @hookimpl
    def perfcore_register_domains():
        return [
            DomainSpec(
                name="roads",
                title="Roads policing",
                measures=(
                    Measure(id="ksi_casualties", name="Killed or seriously injured",
                            kind="count", polarity="lower", unit="casualties",
                            description="People killed or seriously injured in collisions."),
                ),
            )
        ]
    ```

    Plans then refer to `roads.ksi_casualties`.

    *Added in version 0.1.*
    """


@hookspec
def perfcore_register_derived_measures() -> Iterable[DerivedMeasureSpec] | None:
    """Register derived measures: measures whose observations the plugin computes from
    other measures' observations (a rate from two counts, a growth from a yearly series,
    an index from counts by category).

    **When it is called:** once per plugin, the first time the registry is asked for
    derived measures (`perfcore.plugins.registry().derived_measures`,
    `python -m perfcore plugins`). The derive stage,
    `perfcore.derive.derive_measures(plan, dataset, registry)`, runs after the data are
    loaded (`PlanFile.load_data`, `perfcore report`): for every measure of the plan that a
    registered record derives, it reads the inputs from the dataset, calls `derive` once
    for all organisations and periods together, and adds the observations the dataset
    does not already hold, each with a `source` naming the plugin, the inputs and the
    inputs' own sources. Figures given in the data always win over derived ones.

    **What to return:** an iterable of `perfcore.DerivedMeasureSpec`, or `None`: the
    measure produced (a measure of one of the plugin's own domains, so it has a kind, a
    polarity and a unit; local or qualified id), its `inputs` (local ids are in the same
    domain), the `derive` callable and a `description` of the formula in words, which
    becomes part of each derived observation's source. A measure can be derived by one
    plugin only.

    **The `derive` contract:** `derive(inputs)` gets a `perfcore.DeriveInputs`:
    `inputs.value(id)` (and `inputs.field(id, "numerator")` ... for `numerator`,
    `denominator`, `sample_size`, `population`) is a float array of shape
    `(len(inputs.organisations), len(inputs.periods))`, NaN where the dataset has no
    figure; `inputs.periods` are the dataset's periods, oldest first, for calculations
    across periods. It returns a `perfcore.DerivedValues` whose `value` (required) and
    optional `numerator`, `denominator`, `sample_size` and `population` have that same
    shape. Give `numerator` and `denominator` for a proportion so that perfcore can
    compute its confidence interval. NaN (or ±inf: `derive` runs with numpy's division
    warnings off) means "undefined here" (a zero denominator, too short a series): no
    observation is added for that cell, and the stage's record counts it. An observation
    is added only where every input has a figure; where some inputs have one and others
    not, a `perfcore.derive.MissingInputsWarning` says which. A `derive` that raises or
    returns the wrong shape raises `perfcore.errors.PluginResultError` naming the plugin
    and the measure.

    **Records rather than measures:** some figures start from case records (one row per
    application or absence spell), not from measures. Those are read by a *loader*
    (`perfcore_register_loaders`) that turns a record file into observations
    (measure × organisation × period, with counts as numerator and denominator and a
    source), which derived measures can then use as inputs. `derive` itself only ever
    sees measure × organisation × period arrays: one vectorised shape for every
    calculation, record-level (often personal) data kept at the edge where it is read,
    validated and accounted for row by row, and the counts behind a rate kept for its
    confidence interval.

    **Example:**

    ```python
    from perfcore import DerivedMeasureSpec, DerivedValues, DomainSpec, hookimpl
    from perfcore.model import Measure


    def ksi_share(inputs):
        ksi = inputs.value("ksi_casualties")
        casualties = inputs.value("casualties")
        return DerivedValues(value=ksi / casualties, numerator=ksi,
                             denominator=casualties)


    @hookimpl
    def perfcore_register_domains():
        return [DomainSpec(name="roads", title="Roads policing", measures=(
            Measure(id="ksi_casualties", name="Killed or seriously injured",
                    kind="count", polarity="lower", unit="casualties"),
            Measure(id="casualties", name="Road casualties", kind="count",
                    polarity="lower", unit="casualties"),
            Measure(id="ksi_share", name="Casualties killed or seriously injured",
                    kind="proportion", polarity="lower", unit="%"),
        ))]


    @hookimpl
    def perfcore_register_derived_measures():
        return [DerivedMeasureSpec(
            measure="ksi_share", inputs=("ksi_casualties", "casualties"),
            derive=ksi_share,
            description="casualties killed or seriously injured / all casualties")]
    ```

    A plan that uses `roads.ksi_share` then gets it wherever its data hold
    `roads.ksi_casualties` and `roads.casualties`.

    *Added in version 0.1.*
    """


@hookspec
def perfcore_register_scorers() -> Iterable[ScorerSpec] | None:
    """Register scorers that turn an evaluated measure into a status (RAG) with reasons.

    **When it is called:** once per plugin, the first time the registry is asked for
    scorers (`perfcore.plugins.scorers()`, loading a plan, `perfcore plugins`).

    **What to return:** an iterable of `perfcore.ScorerSpec`, or `None`. The `scorer`
    follows `perfcore.scoring.Scorer`: `scorer(evaluation, rows, /, **options)` is called
    once for all the measures (`rows`, indices into `evaluation.measures`) that a plan
    scores with it, over every organisation at once, and returns a `perfcore.ScoreBlock`:
    `status` (`perfcore.Status` codes, `len(rows)` × organisations), `value` (0–100 or
    NaN), `reasons(k, j, lang)` (the reasons of row `k`, organisation `j`, in the
    language `lang`) and `inputs(k, j)` (the figures behind the status, as data). A plan
    chooses it by name (`scorer = { scorer = "above_value", value = 0.5 }`); its options
    are keyword-only and are checked against its signature, then by the spec's optional
    `check_options(options)`, which returns `(option, message)` pairs, before anything is
    scored. Scorer names must be unique across all installed plugins. A scorer (or its
    `check_options`, or the block's `reasons` and `inputs`) that raises anything but
    perfcore's own errors raises `perfcore.errors.PluginCallError` naming the plugin;
    one that returns anything but a `ScoreBlock` of `len(rows)` × organisations raises
    `PluginResultError`.

    **Example:**

    ```python
    import numpy as np

    from perfcore import ScoreBlock, ScorerSpec, Status, StatusBasis, hookimpl


    def above_value(evaluation, rows, /, *, value=0.0):
        # Green above `value`, red at or below it (a target met or missed: evidence),
        # grey without a figure (no data).
        current = evaluation.current[rows]
        status = np.select([current > value, current <= value],
                           [Status.GREEN, Status.RED], Status.GREY).astype(np.int8)
        basis = np.where(status != Status.GREY, StatusBasis.TARGET, StatusBasis.NO_DATA)

        def reasons(k, j, lang):
            return (f"{current[k, j]:g} against {value:g}",)

        return ScoreBlock(status=status, basis=basis.astype(np.int8),
                          value=np.full(status.shape, np.nan),
                          reasons=reasons,
                          inputs=lambda k, j: {"current": float(current[k, j])})


    def check(options):
        v = options.get("value", 0.0)
        return [] if isinstance(v, (int, float)) else [("value", "must be a number")]


    @hookimpl
    def perfcore_register_scorers():
        return [ScorerSpec(name="above_value", description="Green above a value.",
                           scorer=above_value, check_options=check)]
    ```

    *Added in version 0.1.*
    """


@hookspec
def perfcore_register_loaders() -> Iterable[LoaderSpec] | None:
    """Register data loaders for file formats perfcore does not read itself.

    **When it is called:** once per plugin, the first time the registry is asked for
    loaders (`perfcore.plugins.loaders()`, `python -m perfcore plugins`).

    **What to return:** an iterable of `perfcore.LoaderSpec`, or `None`: a name, a
    description, the glob patterns of the files it reads and the callable that reads one
    — or its name, `"package.module:function"`, so that the module is imported only when
    a file is loaded with it. Loader names must be unique across all installed plugins.
    A loader that raises anything but perfcore's own errors (`DataError` for bad input)
    raises `perfcore.errors.PluginCallError` naming the plugin.

    **Example:**

    ```python
    from perfcore import LoaderSpec, hookimpl


    def load_niche(path, **options):
        ...


    @hookimpl
    def perfcore_register_loaders():
        return [LoaderSpec(name="niche_export", description="NICHE RMS CSV export.",
                           patterns=("niche-*.csv",), load=load_niche)]
    ```

    *Added in version 0.1.*
    """


@hookspec
def perfcore_register_renderers() -> Iterable[RendererSpec] | None:
    """Register report renderers for further output formats.

    **When it is called:** once per plugin, the first time the registry is asked for
    renderers (`perfcore.plugins.renderers()`, `python -m perfcore plugins`).

    **What to return:** an iterable of `perfcore.RendererSpec`, or `None`: a name, a
    description, the file extension, the media type and the callable that renders a
    report. `extensions` lists every file suffix that means the format (default: the
    `extension` alone): `perfcore report -o paper.docx` picks the renderer by them, and
    refuses a `--format` the file name contradicts. `render(report, **options)` returns
    `str`; a renderer with `binary=True` returns `bytes` instead, which perfcore writes
    to files (or a pipe), never to a terminal. `render` may be given by name,
    `"package.module:function"`, so that the module is imported only when a report is
    rendered in the format. Renderer names must be unique across all installed plugins;
    when two renderers claim one extension, `-o` asks for `--format`. A renderer that
    raises (or returns the wrong type) raises `perfcore.errors.PluginCallError` (or
    `PluginResultError`) naming the plugin.

    **Example:**

    ```python
    import io

    from perfcore import RendererSpec, hookimpl


    def render_docx(report, **options):
        buf = io.BytesIO()
        ...  # write the board paper into buf
        return buf.getvalue()


    @hookimpl
    def perfcore_register_renderers():
        return [RendererSpec(name="docx", description="Word board paper.",
                             extension=".docx",
                             media_type="application/vnd.openxmlformats-"
                                        "officedocument.wordprocessingml.document",
                             render=render_docx, binary=True)]
    ```

    *Added in version 0.1.*
    """


@hookspec
def perfcore_register_catalogues() -> Iterable[CatalogueSpec] | None:
    """Register gettext message catalogues that translate a plugin's own texts.

    **When it is called:** once per plugin, the first time a report in a language other
    than English needs a text (a measure name, a domain title) that the plan itself does
    not translate (`perfcore.plugins.catalogues()`, `perfcore report --lang cy`).

    **What to return:** an iterable of `perfcore.CatalogueSpec`, or `None`: the gettext
    domain (`name`) and the package whose `locale` folder holds
    `<lang>/LC_MESSAGES/<name>.mo` (or an explicit `localedir`). The English texts are the
    message ids, so a measure named "Killed or seriously injured" needs an entry with that
    `msgid`. Ship both the `.po` and the compiled `.mo` in the package data;
    `python -m perfcore.plugins.i18n_tools compile` writes the `.mo`. Catalogue names must be
    unique across all installed plugins. See [Languages](languages.md).

    **Example:**

    ```python
    from perfcore import CatalogueSpec, hookimpl


    @hookimpl
    def perfcore_register_catalogues():
        # perfcore_roads/locale/cy/LC_MESSAGES/perfcore_roads.mo
        return [CatalogueSpec(name="perfcore_roads", package="perfcore_roads",
                              description="Welsh names of the roads measures.")]
    ```

    *Added in version 0.1.*
    """
