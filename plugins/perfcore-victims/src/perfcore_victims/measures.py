"""Definitions of the victims domain's measures (local ids; published as ``victims.<id>``).

Satisfaction measures are survey proportions: the numerator is respondents satisfied
(for example "completely, very or fairly satisfied"), the denominator the number of
respondents to that question, so the survey's sample size is the denominator and
intervals are Wilson intervals on it. Seed 003 ("Supporting Victims", 2019/20) lists the
survey's strands: ease of contact, time of arrival, treatment, actions taken, kept
informed and the whole experience ("happy with the service that they received").
"""

from __future__ import annotations

from perfcore.model import Measure

__all__ = ["MEASURES"]

_SURVEY = ("Proportion of surveyed victims satisfied with {what}; denominator = survey "
           "respondents answering the question (the sample size).")

MEASURES: tuple[Measure, ...] = (
    Measure(id="satisfaction_ease_of_contact", name="Satisfaction: ease of contact",
            kind="proportion", polarity="higher", unit="%",
            description=_SURVEY.format(what="how easy it was to contact the police")),
    Measure(id="satisfaction_time_of_arrival", name="Satisfaction: time of arrival",
            kind="proportion", polarity="higher", unit="%",
            description=_SURVEY.format(what="the time officers took to arrive at the scene")),
    Measure(id="satisfaction_treatment", name="Satisfaction: treatment",
            kind="proportion", polarity="higher", unit="%",
            description=_SURVEY.format(what="the way they were treated by officers and staff")),
    Measure(id="satisfaction_actions_taken", name="Satisfaction: actions taken",
            kind="proportion", polarity="higher", unit="%",
            description=_SURVEY.format(what="the actions taken on their behalf")),
    Measure(id="satisfaction_kept_informed", name="Satisfaction: kept informed",
            kind="proportion", polarity="higher", unit="%",
            description=_SURVEY.format(what="being kept informed of progress")),
    Measure(id="satisfaction_whole_experience", name="Satisfaction: whole experience",
            kind="proportion", polarity="higher", unit="%",
            description=_SURVEY.format(what="the service they received overall")),
    Measure(id="victims_code_compliance", name="Victims' Code compliance",
            kind="proportion", polarity="higher", unit="%",
            description="Proportion of audited crimes in which the victim received every "
                        "entitlement of the Code of Practice for Victims of Crime that applied "
                        "(needs assessment, updates, victim personal statement offered); "
                        "denominator = crimes audited."),
    Measure(id="repeat_victimisation_rate", name="Repeat victimisation rate",
            kind="proportion", polarity="lower", unit="%",
            description="Proportion of victims in the period who were also victims within "
                        "the previous rolling 12 months; denominator = distinct victims."),
    Measure(id="da_arrests", name="Domestic abuse arrests",
            kind="count", polarity="higher", unit="arrests",
            description="Arrests relating to domestic abuse occurrences (seed 003: 2,293 in "
                        "2019-20). Higher is better: the seed reads a fall as a decline in "
                        "using arrest powers to protect victims."),
    Measure(id="da_crimes", name="Domestic abuse crimes recorded",
            kind="count", polarity="neutral", unit="crimes",
            description="Crimes recorded with a domestic abuse flag. Neutral: seed 003 "
                        "attributes rises mostly to better reporting and recording."),
    Measure(id="da_arrest_rate", name="Domestic abuse arrest rate",
            kind="proportion", polarity="higher", unit="%",
            description="Arrests for domestic abuse offences as a proportion of domestic "
                        "abuse crimes recorded (2019-20: 2,293 arrests, 27.2%); derived "
                        "from da_arrests and da_crimes (perfcore_victims.derived)."),
    Measure(id="da_outcome16_rate", name="Domestic abuse Outcome 16 rate",
            kind="proportion", polarity="lower", unit="%",
            description="Proportion of domestic abuse outcomes that are Home Office Outcome "
                        "16 (evidential difficulties: victim does not support further "
                        "action); lower is better because each is a victim lost to the "
                        "justice process."),
    Measure(id="dvds_contact_within_10_days", name="DVDS: contact within 10 days",
            kind="proportion", polarity="higher", unit="%",
            description="Domestic Violence Disclosure Scheme applications where the applicant "
                        "was first contacted within 10 days of the request; denominator = "
                        "applications whose deadline has passed. See "
                        "perfcore_victims.deadlines.dvds_compliance."),
    Measure(id="dvds_disclosure_within_28_days", name="DVDS: disclosure within 28 days",
            kind="proportion", polarity="higher", unit="%",
            description="DVDS applications where the disclosure (or the decision not to "
                        "disclose) was made within 28 days of the request; denominator = "
                        "applications whose deadline has passed."),
    Measure(id="marac_referrals", name="MARAC referrals",
            kind="count", polarity="neutral", unit="referrals",
            description="High-risk domestic abuse cases referred to a Multi-Agency Risk "
                        "Assessment Conference. Neutral: a rise may mean better risk "
                        "identification as much as more harm."),
    Measure(id="marac_referrals_average_growth", name="MARAC referrals: average annual growth",
            kind="proportion", polarity="neutral", unit="% a year",
            description="Geometric mean annual growth of MARAC referrals over the three "
                        "years to the period ((last/first)^(1/3) − 1 from four yearly counts;"
                        " perfcore_victims.growth), derived from marac_referrals. Its change "
                        "is in percentage points and it has no sampling interval."),
)
