"""Words for perfcore's codes, in the report's language: the one place a code becomes text.

Scoring (for its reasons) and the report stage (for cells, headings and notes) take their
words from here; renderers pick colours and icons from the codes themselves. Every phrase
is a catalogue message (marked with :func:`~perfcore.i18n.N_`), translated by the
translator of the report's language that callers pass in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from perfcore.calc import round_half_away
from perfcore.codes import Code, MeasureKind
from perfcore.i18n import N_, Translator
from perfcore.model import Measure

__all__ = [
    "ASSURANCE_WORDS",
    "CODE_WORDS",
    "COMPARATOR_NAMES",
    "COMPARATOR_SOURCE_WORDS",
    "METHOD_NAMES",
    "POINT_WORDS",
    "VARIATION_WORDS",
    "change_text",
    "comparator_name",
    "format_number",
    "label",
    "short_value_text",
    "signed",
    "value_text",
]

#: Words for the codes of results and statuses (a code absent here is shown with its
#: underscores as spaces).
CODE_WORDS: Mapping[str, str] = {
    "improving": N_("improving"), "deteriorating": N_("deteriorating"),
    "no_change": N_("no change"), "not_assessed": N_("not assessed"),
    "better": N_("better"), "worse": N_("worse"), "similar": N_("similar"),
    "higher": N_("higher"), "lower": N_("lower"), "not_compared": N_("not compared"),
    "green": N_("Green"), "amber": N_("Amber"), "red": N_("Red"),
    "grey": N_("Not assessed"), "met": N_("met"), "not_met": N_("not met"),
    "no_target": N_("no target"), "not_available": N_("not available"),
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
    "published": N_("published figure"), "not_available": N_("not available")}

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


def label(code: Code | str, _: Translator) -> str:
    """Display words for a result code (a :class:`~perfcore.codes.Code` member or its
    name), in the language of the translator ``_``."""
    key = str(code)
    return _(CODE_WORDS.get(key, key.replace("_", " ")))


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


def change_text(m: Measure, value: float, decimals: int, _: Translator) -> str:
    """A change as a report shows it: "+4.1 pp" for proportions, "-14.9%" otherwise."""
    if m.kind.uses_pp_change:
        shown = format_number(value, decimals, sign=True, na=_("n/a"))
        return shown if _nan(value) else _("{change} pp").format(change=shown)
    return format_number(value, decimals, sign=value > 0, suffix="%", na=_("n/a"))


def signed(value: float, unit: str) -> str:
    """A signed one-decimal figure with its unit, as reasons cite them ("+0.9%")."""
    return format_number(value, 1, sign=True, suffix=unit)


def short_value_text(m: Measure, value: float) -> str:
    """A value as reasons cite it: one decimal (none when whole), per cent for
    proportions ("15.9%", "48,618")."""
    if _nan(value):
        return "n/a"
    if m.kind.uses_pp_change:
        return f"{float(round_half_away(value * 100, 1)):.1f}%"
    return f"{float(round_half_away(value, 1)):,.1f}".removesuffix(".0")
