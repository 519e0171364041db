"""Definitions of the SOC domain's measures (local ids; published as ``soc.<id>``).

Polarity follows how the seed documents read the figures: more disruptions, arrests,
seizures and closed lines are better; identification measures (OCGs mapped, modern
slavery offences, NRM referrals, victims) are *neutral*, because a rise usually reflects
better identification and recording (seed 003 attributes its MSHT increases to training
and awareness) rather than more harm.
"""

from __future__ import annotations

from perfcore.model import Measure

__all__ = ["MEASURES", "PILLARS", "SEVERITIES"]

#: The 4P framework of the UK SOC strategy, in its usual order.
PILLARS = ("pursue", "prevent", "protect", "prepare")
#: Disruption severity as recorded against mapped OCGs.
SEVERITIES = ("major", "moderate", "minor")

_PILLAR_TEXT = {
    "pursue": "prosecuting and disrupting people engaged in serious and organised crime",
    "prevent": "preventing people from engaging in serious and organised crime",
    "protect": "increasing protection against serious and organised crime",
    "prepare": "reducing the impact of serious and organised crime where it takes place",
}


def _count(local: str, name: str, polarity: str, unit: str, description: str) -> Measure:
    return Measure(id=local, name=name, kind="count", polarity=polarity, unit=unit,
                   description=description)


MEASURES: tuple[Measure, ...] = (
    _count("ocgs_mapped", "Organised crime groups mapped", "neutral", "groups",
           "Organised crime groups (OCGs) mapped and managed at the period end (seed 003: "
           "31 in April 2020). Neutral: mapping more groups is better intelligence."),
    _count("ocg_nominals", "OCG nominals", "neutral", "people",
           "People (nominals) linked to mapped OCGs (seed 003: 252 in April 2020)."),
    _count("disruptions", "SOC disruptions", "higher", "disruptions",
           "Recorded disruptions of mapped OCGs, all pillars and severities."),
    *(_count(f"disruptions_{p}", f"Disruptions: {p}", "higher", "disruptions",
             f"Disruptions recorded under the {p.title()} pillar ({_PILLAR_TEXT[p]}).")
      for p in PILLARS),
    *(_count(f"disruptions_{s}", f"Disruptions: {s}", "higher", "disruptions",
             f"Disruptions assessed as {s} in their impact on the OCG.")
      for s in SEVERITIES),
    Measure(id="disruption_balance", name="Disruptions: 4P balance", kind="mean",
            polarity="higher", unit="index (0-1)", decimals=2,
            description="How evenly disruptions are spread over Pursue, Prevent, Protect "
                        "and Prepare: the Shannon entropy of the four pillars' shares over "
                        "log 4 (1 = even, 0 = all under one pillar); derived from the "
                        "disruptions by pillar (perfcore_soc.disruption.pillar_mix). "
                        "Descriptive: no sampling interval."),
    Measure(id="disruption_index", name="Disruption index", kind="mean", polarity="higher",
            unit="weighted disruptions", decimals=0,
            description="Disruptions weighted by severity, 3 × major + 2 × moderate + 1 × "
                        "minor (a local convention, not a national standard); derived from "
                        "the disruptions by severity (perfcore_soc.disruption)."),
    Measure(id="disruption_index_per_ocg", name="Disruption index per mapped OCG",
            kind="mean", polarity="higher", unit="weighted disruptions per OCG", decimals=2,
            description="The disruption index divided by the number of OCGs mapped, to "
                        "compare periods or forces with different numbers of groups."),
    _count("msht_offences", "Modern slavery offences", "neutral", "offences",
           "Modern slavery and human trafficking (MSHT) offences recorded."),
    _count("msht_nrm_referrals", "MSHT: NRM referrals", "neutral", "referrals",
           "Potential victims referred to the National Referral Mechanism (NRM)."),
    _count("msht_ms1_referrals", "MSHT: MS1 duty-to-notify forms", "neutral", "forms",
           "MS1 forms: the duty to notify the Home Office of adult potential victims who "
           "do not consent to an NRM referral."),
    _count("msht_intelligence_logs", "MSHT: intelligence logs", "higher", "logs",
           "Intelligence logs submitted about modern slavery and human trafficking."),
    _count("msht_arrests", "MSHT: arrests", "higher", "arrests",
           "Arrests for modern slavery and human trafficking offences."),
    _count("msht_victims", "MSHT: victims identified", "neutral", "victims",
           "Victims of MSHT identified and supported (seed 003: 52 in 2019-20)."),
    _count("msht_marac_referrals", "MSHT: MARAC referrals", "neutral", "referrals",
           "Cases referred to the modern slavery multi-agency risk assessment conference."),
    Measure(id="cash_seized", name="Cash seized", kind="money", polarity="higher", unit="£",
            description="Cash seized in SOC operations (e.g. Operation Divide: £341,000)."),
    Measure(id="drugs_seized_value", name="Drugs seized (estimated street value)",
            kind="money", polarity="higher", unit="£",
            description="Estimated street value of controlled drugs seized in SOC "
                        "operations."),
    _count("county_lines_closed", "County lines closed", "higher", "lines",
           "County lines (deal lines) closed, i.e. the line's phone number put out of use "
           "by arrest of the line holder or a closure order."),
)
