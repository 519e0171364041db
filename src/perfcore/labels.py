"""Words for perfcore's codes, in the report's language: the one place a code becomes text.

Scoring (for its reasons) and the report stage (for cells, headings and notes) take their
words from here; renderers pick colours and icons from the codes themselves. Every phrase
is a catalogue message (marked with :func:`~perfcore.i18n.N_`), translated by the
translator of the report's language that callers pass in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from perfcore.calc import round_half_away
from perfcore.codes import Code, Direction, MeasureKind
from perfcore.errors import OptionError
from perfcore.i18n import N_, Translator
from perfcore.model import Measure

if TYPE_CHECKING:
    from perfcore.calc.crime_outcomes import OutcomeBasis
    from perfcore.calc.direction import DirectionResult

__all__ = [
    "ASSURANCE_WORDS",
    "BASIS_WORDS",
    "CODE_WORDS",
    "COMPARATOR_NAMES",
    "COMPARATOR_SOURCE_WORDS",
    "METHOD_NAMES",
    "OUTCOME_BASIS_WORDS",
    "POINT_WORDS",
    "SUPPRESSION_SYMBOLS",
    "SUPPRESSION_WORDS",
    "UNTESTED_WORDS",
    "VARIATION_WORDS",
    "change_text",
    "comparator_name",
    "direction_phrase",
    "format_number",
    "gap_text",
    "label",
    "ordinal",
    "outcome_basis_name",
    "published_text",
    "rank_text",
    "short_value_text",
    "signed",
    "suppressed_text",
    "target_text",
    "value_text",
]

#: Words for the codes of results and statuses (a code absent here is shown with its
#: underscores as spaces).
CODE_WORDS: Mapping[str, str] = {
    "improving": N_("improving"), "deteriorating": N_("deteriorating"),
    "no_change": N_("no change"), "not_assessed": N_("not assessed"),
    "not_tested": N_("not tested"), "increased": N_("increased"),
    "decreased": N_("decreased"),
    "better": N_("better"), "worse": N_("worse"), "similar": N_("similar"),
    "higher": N_("higher"), "lower": N_("lower"), "not_compared": N_("not compared"),
    "green": N_("Green"), "amber": N_("Amber"), "red": N_("Red"),
    "grey": N_("Not assessed"), "met": N_("met"), "not_met": N_("not met"),
    "no_target": N_("no target"), "not_available": N_("not available"),
    "on_trajectory": N_("on trajectory (final target not yet due)"),
    "off_trajectory": N_("behind trajectory (final target not yet due)"),
    "not_yet_met": N_("not yet met (not yet due)"),
    "on_track": N_("not yet met, on track"), "off_track": N_("not yet met, off track"),
}

#: Why a change was not tested (:class:`perfcore.codes.UntestedReason`).
UNTESTED_WORDS: Mapping[str, str] = {
    "no_data": N_("a value is missing"),
    "no_base": N_("no denominator or sample size"),
    "no_count": N_("no count behind the rate"),
    "no_population": N_("no population"),
    "no_sd": N_("no standard deviation and number of values"),
    "not_a_sample": N_("an amount, not a sample: no sampling error to test"),
    "overlapping": N_("the two periods overlap, so they are not independent samples"),
    "invalid": N_("a zero or invalid base"),
}

#: Words for the evidence a status rests on (:class:`perfcore.codes.StatusBasis`).
BASIS_WORDS: Mapping[str, str] = {
    "no_data": N_("No data"), "not_tested": N_("Not tested"), "neutral": N_("Neutral"),
    "change_significant": N_("test of the change"), "spc": N_("SPC chart"),
    "target": N_("target"), "comparator_significant": N_("comparison with peers"),
    "manual": N_("assessment"),
}

#: Words for the method codes reasons and notes name (group averages, direction of travel).
METHOD_NAMES: Mapping[str, str] = {
    "pooled": N_("pooled"), "mean": N_("mean"),
    "population_weighted": N_("population weighted"), "published": N_("published"),
    "significance": N_("significance"), "sign": N_("sign"),
}

#: Short names of the comparator slots a report and its reasons use.
COMPARATOR_NAMES: Mapping[str, str] = {
    "msg": N_("MSG"), "K04000001": N_("England and Wales"), "W92000004": N_("Wales"),
    "E92000001": N_("England")}

#: Where a comparator group's figure came from (:class:`perfcore.codes.ComparatorSource`).
COMPARATOR_SOURCE_WORDS: Mapping[str, str] = {
    "computed": N_("computed from member data"), "dataset_row": N_("the group's own row"),
    "published": N_("published figure"), "not_available": N_("not available"),
    "partial": N_("computed from the members with data in both periods")}

#: The name of the figure each outcome basis gives
#: (:class:`perfcore.calc.crime_outcomes.OutcomeBasis`).
OUTCOME_BASIS_WORDS: Mapping[str, str] = {
    "crimes_recorded_in_period": N_("outcome rate (outcomes of crimes recorded in the period)"),
    "outcomes_given_in_period": N_("outcomes given in the period per crime recorded in the "
                                   "period"),
}

#: Words for each Making Data Count variation icon (:class:`perfcore.codes.VariationIcon`).
VARIATION_WORDS: Mapping[str, str] = {
    "common_cause": N_("common cause variation"),
    "improvement_high": N_("special cause variation, improvement (higher values)"),
    "improvement_low": N_("special cause variation, improvement (lower values)"),
    "concern_high": N_("special cause variation, concern (higher values)"),
    "concern_low": N_("special cause variation, concern (lower values)"),
    "neutral_high": N_("special cause variation, neither improvement nor concern (higher)"),
    "neutral_low": N_("special cause variation, neither improvement nor concern (lower)"),
    "none": N_("no points to assess"),
}

#: Words for each assurance icon (:class:`perfcore.codes.AssuranceIcon`; none has none).
ASSURANCE_WORDS: Mapping[str, str] = {
    "consistent_pass": N_("the process will consistently pass the target"),
    "consistent_fail": N_("the process will consistently fail the target"),
    "inconsistent": N_("the process will inconsistently pass and fail the target"),
}

#: Words for each SPC point type (:class:`perfcore.codes.PointType`).
POINT_WORDS: Mapping[str, str] = {
    "common_cause": N_("common cause"),
    "special_cause_improvement": N_("special cause improvement"),
    "special_cause_concern": N_("special cause concern"),
    "special_cause_neutral_high": N_("special cause neutral high"),
    "special_cause_neutral_low": N_("special cause neutral low"),
}

#: Why a public edition withholds a figure (:class:`perfcore.codes.SuppressionReason`).
SUPPRESSION_WORDS: Mapping[str, str] = {
    "primary": N_("a count below {threshold}"),
    "secondary": N_("withheld so that a total cannot reveal a count below {threshold}"),
    "derived": N_("computed from a count withheld"),
}

#: How a public edition may show a withheld figure: ``"*"`` for every one, or ``"<n"``
#: for a count below the threshold as "<5" (and any other withheld figure as "*").
SUPPRESSION_SYMBOLS = ("*", "<n")


def label(code: Code | str, _: Translator) -> str:
    """Display words for a result code (a :class:`~perfcore.codes.Code` member or its
    name), in the language of the translator ``_``."""
    key = str(code)
    return _(CODE_WORDS.get(key, key.replace("_", " ")))


def suppressed_text(reason: Code, symbol: str, threshold: float) -> str:
    """What a withheld figure shows: ``"*"``, or with symbol ``"<n"`` a count below the
    threshold as "<5"."""
    if symbol not in SUPPRESSION_SYMBOLS:
        raise OptionError.for_choice("symbol", symbol, SUPPRESSION_SYMBOLS)
    primary = str(reason) == "primary"
    return f"<{threshold:g}" if symbol == "<n" and primary else "*"


def outcome_basis_name(basis: OutcomeBasis | str, _: Translator) -> str:
    """The name of the figure an outcome basis gives ("outcomes given in the period per
    crime recorded in the period"), translated."""
    key = basis if isinstance(basis, str) else basis.value
    return _(OUTCOME_BASIS_WORDS[key])


def comparator_name(slot: str, _: Translator) -> str:
    """The name of a comparator slot (``"msg"`` → "MSG"), translated; an unknown slot is
    shown as it is."""
    name = COMPARATOR_NAMES.get(slot)
    return _(name) if name is not None else slot


# --------------------------------------------------------------------------- numbers
# Welsh writes numbers as English does (decimal point, comma thousands separator), so only
# the words around numbers change with the language. Rounding is half away from zero, as
# published statistics round.


def _nan(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float, decimals: int, *, thousands: bool = False,
                  sign: bool = False, suffix: str = "", prefix: str = "",
                  na: str = "n/a") -> str:
    """Display text for one number: rounded half away from zero, NaN as ``na``."""
    if _nan(value):
        return na
    shown = float(round_half_away(value, decimals))
    spec = f"{'+' if sign else ''}{',' if thousands else ''}.{decimals}f"
    return f"{prefix}{shown:{spec}}{suffix}"


def value_text(m: Measure, value: float, decimals: int, thousands: bool,
               _: Translator) -> str:
    """A measure's value as a report cell shows it: proportions in per cent, money with
    its currency, others as numbers."""
    na = _("n/a")
    if m.kind is MeasureKind.PROPORTION:
        return format_number(value * 100, decimals, suffix="%", na=na)
    if m.kind is MeasureKind.MONEY:
        return format_number(value, decimals, thousands=True, prefix=m.unit or "£", na=na)
    return format_number(value, decimals, thousands=thousands, na=na)


def change_text(m: Measure, value: float, decimals: int, _: Translator, *,
                pp: bool | None = None) -> str:
    """A change as a report shows it: "+4.1 pp" in percentage points, "-14.9%" as a per
    cent change. ``pp`` says which (default: as the measure's kind is changed, pp for
    proportions)."""
    if m.kind.uses_pp_change if pp is None else pp:
        shown = format_number(value, decimals, sign=True, na=_("n/a"))
        return shown if _nan(value) else _("{change} pp").format(change=shown)
    return format_number(value, decimals, sign=value > 0, suffix="%", na=_("n/a"))


def published_text(m: Measure, figure: str, value: float, decimals: int, thousands: bool,
                   _: Translator) -> str:
    """A published figure as the publication gives it: a value as the measure's values
    are shown, a % or pp change, a rank as an ordinal ("5th")."""
    if figure == "value":
        return value_text(m, value, decimals, thousands, _)
    if figure == "rank":
        return str(ordinal(int(value), _))
    # The publication's unit, not the measure's: a count's change may be published in pp.
    return change_text(m, value, decimals, _, pp=figure == "pp_change")


def signed(value: float, unit: str) -> str:
    """A signed one-decimal figure with its unit, as reasons cite them ("+0.9%")."""
    return format_number(value, 1, sign=True, suffix=unit)


def short_value_text(m: Measure, value: float, *, sign: bool = False) -> str:
    """A value as reasons cite it: with the measure's display ``decimals`` where the plan
    sets them ("0.42" for an index of 2 decimals), else one decimal (none when whole);
    per cent for proportions, the currency for money ("15.9%", "48,618", "£2,300,000");
    ``sign`` shows + or − (a gap: "-£500,000")."""
    if _nan(value):
        return "n/a"
    lead = ("+" if value > 0 else "-" if value < 0 else "") if sign else ""
    v = abs(value) if sign else value
    d = 1 if m.decimals is None else m.decimals
    if m.kind.uses_pp_change:
        return f"{lead}{float(round_half_away(v * 100, d)):.{d}f}%"
    text = f"{float(round_half_away(v, d)):,.{d}f}"
    if m.decimals is None:
        text = text.removesuffix(".0")
    return f"{lead}{m.unit or '£'}{text}" if m.kind is MeasureKind.MONEY else lead + text


# --------------------------------------------------------------------------- targets


def gap_text(m: Measure, gap: float, decimals: int, thousands: bool, _: Translator) -> str:
    """A gap to a target in the measure's units and display decimals, signed (positive:
    beaten): "-3.2 pp" for a proportion, "-£500,000", "+410 crimes" for a count whose
    unit is a word, "-0.4 per 1,000" for a rate."""
    na = _("n/a")
    if _nan(gap):
        return na
    if m.kind is MeasureKind.PROPORTION:
        return _("{change} pp").format(change=format_number(gap, decimals, sign=True))
    if m.kind is MeasureKind.MONEY:
        lead = "+" if gap > 0 else "-" if gap < 0 else ""
        return lead + format_number(abs(gap), decimals, thousands=True, prefix=m.unit or "£")
    text = format_number(gap, decimals, sign=True, thousands=thousands)
    if m.kind is MeasureKind.RATE:
        return _("{value} per {base}").format(value=text, base=f"{m.rate_per:,}")
    worded = any(ch.isalpha() for ch in m.unit)
    return f"{text} {m.unit}" if worded else text


def target_text(m: Measure, lang: str, _: Translator) -> str:
    """A target as a board paper words it, from its numbers: a level ("at least 5.1%",
    "at most 45,000 by 2024-25") or a change ("20% reduction from 2019-20 by 2024-25",
    "2 pp increase"). Its plan description is plan text, shown where the plan gives it."""
    t = m.target
    if t is None:
        return ""
    if t.value is not None:
        value = short_value_text(m, float(t.value))
        what = (value if m.polarity.sign == 0 else
                (_("at least {value}") if m.polarity.sign > 0 else _("at most {value}"))
                .format(value=value))
    else:
        assert t.change is not None
        size = abs(t.change) * (1 if t.change_unit == "pp" else 100)
        shown = f"{float(round_half_away(size, 1)):g}"
        amount = _("{change} pp").format(change=shown) if t.change_unit == "pp" else f"{shown}%"
        what = (_("{amount} increase") if t.change > 0 else _("{amount} reduction")).format(
            amount=amount)
        if t.baseline is not None:
            what = _("{target} from {baseline}").format(target=what,
                                                      baseline=t.baseline.display(lang))
    if t.by is not None:
        what = _("{target} by {by}").format(target=what, by=t.by.display(lang))
    return what


# --------------------------------------------------------------------------- direction

#: Phrases for a direction of travel (:func:`direction_phrase`), by index.
_DIRECTION_PHRASES = (N_("not assessed"), N_("improving"), N_("deteriorating"),
                      N_("no change"), N_("no significant change"), N_("increased"),
                      N_("decreased"))
_NOT_ASSESSED, _IMPROVING, _DETERIORATING, _NO_CHANGE, _NOT_SIGNIFICANT, _UP, _DOWN = range(7)


def direction_phrase(result: DirectionResult, _: Translator) -> npt.NDArray[np.str_]:
    """Words for each element of a direction of travel that never claim a change without
    a signal: "improving", "deteriorating"; "increased" / "decreased" for a signalled
    movement of a neutral measure; "no significant change" where the ``significance`` or
    ``trend`` method found none, "no change" where ``sign`` or ``threshold`` did; "not
    assessed" where nothing could be said (missing inputs).

    Parameters
    ----------
    result : DirectionResult
        From :func:`perfcore.calc.direction_of_travel`.
    _ : Translator
        The report language's translator (:func:`perfcore.i18n.translator`).

    Returns
    -------
    ndarray of str
        The phrases, in the shape of ``result.assessment_code``.
    """
    quiet = _NOT_SIGNIFICANT if result.method in ("significance", "trend") else _NO_CHANGE
    assessment = np.asarray(result.assessment_code)
    moved = np.where(result.code > 0, _UP, np.where(result.code < 0, _DOWN, quiet))
    index = np.select(
        [assessment == Direction.IMPROVING, assessment == Direction.DETERIORATING,
         assessment == Direction.NO_CHANGE, np.asarray(result.signal)],
        [_IMPROVING, _DETERIORATING, quiet, moved], _NOT_ASSESSED)
    words: npt.NDArray[np.str_] = np.asarray([_(w) for w in _DIRECTION_PHRASES])[index]
    return words


# --------------------------------------------------------------------------- ranks

# Translators: do not translate the words. Write "ordinal-rule:" and then the code of the
# rule perfcore uses to write ordinal numbers ("5th") in your language: "en" (English:
# 1st, 2nd, 3rd, 4th ...) or "cy" (Welsh: 1af, 2il, 3ydd ...). For a language with no rule
# here, write "ordinal-rule:none": ranks are then shown as "{rank} of {size}", in cardinal
# numbers, with your translation of that message.
_ORDINAL_RULE = N_("ordinal-rule:en")
_ENGLISH_SUFFIX = {1: "st", 2: "nd", 3: "rd"}
#: Welsh ordinal suffixes of the numbers written in figures (1af, 2il ... 20fed).
_WELSH_SUFFIX = {1: "af", 2: "il", 3: "ydd", 4: "ydd", 5: "ed", 6: "ed", 7: "fed", 8: "fed",
                 9: "fed", 10: "fed", 11: "eg", 12: "fed", 13: "eg", 14: "eg", 15: "fed",
                 16: "eg", 17: "eg", 18: "fed", 19: "eg", 20: "fed"}


def _english_ordinal(k: int, _: Translator) -> str:
    suffix = "th" if 11 <= k % 100 <= 13 else _ENGLISH_SUFFIX.get(k % 10, "th")
    return f"{k}{suffix}"


def _welsh_ordinal(k: int, _: Translator) -> str:
    # Beyond 20 the written ordinals follow the traditional vigesimal forms (unfit for
    # figures), so larger ranks are written as "number 21".
    if k in _WELSH_SUFFIX:
        return f"{k}{_WELSH_SUFFIX[k]}"
    return _("number {n}").format(n=k)


#: The ordinal rule of each language perfcore can write ordinals in.
_ORDINAL_RULES: Mapping[str, Callable[[int, Translator], str]] = {
    "en": _english_ordinal, "cy": _welsh_ordinal}


def _ordinal_rule(_: Translator) -> Callable[[int, Translator], str] | None:
    """The ordinal rule the translator's catalogue names (None: the language has none)."""
    return _ORDINAL_RULES.get(_(_ORDINAL_RULE).removeprefix("ordinal-rule:").strip())


def ordinal(n: int | npt.ArrayLike, _: Translator) -> Any:
    """An ordinal number in the translator's language: English 1 -> "1st", 22 -> "22nd";
    Welsh 1 -> "1af", 2 -> "2il", 20 -> "20fed", beyond 20 "rhif 21" (number 21).

    Accepts an int (returns str) or an array of ints (returns an array of str). Ranks of 0
    or less (not ranked) give ``""``. A language whose catalogue names no ordinal rule gets
    the number itself ("5"); :func:`rank_text` then uses its "{rank} of {size}" wording.
    """
    rule = _ordinal_rule(_)

    def one(k: int) -> str:
        if k <= 0:
            return ""
        return rule(k, _) if rule is not None else str(k)

    if isinstance(n, (int, np.integer)):
        return one(int(n))
    arr = np.asarray(n, dtype=np.int64)
    return np.asarray([one(k) for k in arr.ravel().tolist()], dtype=np.str_).reshape(arr.shape)


#: Rank phrases by style: with an ordinal ("5th of 8"), and for languages without an
#: ordinal rule, with the rank as a cardinal number ("5 of 8").
_RANK_TEMPLATES = {"of": (N_("{ordinal} of {size}"), N_("{rank} of {size}")),
                   "out_of": (N_("{ordinal} (out of {size})"), N_("{rank} (out of {size})"))}


def rank_text(rank: npt.ArrayLike, size: npt.ArrayLike, _: Translator, *,
              style: str = "of") -> npt.NDArray[np.str_]:
    """Rank phrases in the translator's language: "5th of 8" (style ``"of"``) or "5th
    (out of 8)" (style ``"out_of"``, as seed 003 words it); "not ranked" where the rank is
    0 (see :class:`perfcore.calc.GroupRank`). A language without an ordinal rule gets its
    translation of "{rank} of {size}" ("5 of 8").

    Parameters
    ----------
    rank, size : array_like of int
        ``GroupRank.rank`` and ``GroupRank.group_size``; they broadcast.
    _ : Translator
    style : {"of", "out_of"}
    """
    if style not in _RANK_TEMPLATES:
        raise OptionError.for_choice("style", style, tuple(_RANK_TEMPLATES))
    ranks, sizes = np.broadcast_arrays(np.asarray(rank, dtype=np.int64),
                                       np.asarray(size, dtype=np.int64))
    with_ordinal, with_rank = _RANK_TEMPLATES[style]
    template = _(with_ordinal) if _ordinal_rule(_) is not None else _(with_rank)
    ords = ordinal(ranks, _)
    not_ranked = _("not ranked")
    out = [template.format(ordinal=o, rank=r, size=s) if r > 0 else not_ranked
           for o, r, s in zip(np.ravel(ords).tolist(), ranks.ravel().tolist(),
                              sizes.ravel().tolist(), strict=True)]
    return np.asarray(out, dtype=np.str_).reshape(ranks.shape)
