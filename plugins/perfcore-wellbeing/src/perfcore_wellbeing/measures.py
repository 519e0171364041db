"""Definitions of the wellbeing domain's measures (local ids; ``wellbeing.<id>``).

Proportions are stored as fractions (0.0297 for 2.97%), as everywhere in perfcore.
"""

from __future__ import annotations

from perfcore.model import Measure, Target

__all__ = ["MEASURES"]

MEASURES: tuple[Measure, ...] = (
    # --- counts that other measures are derived from (perfcore_wellbeing.derived) ---
    Measure(id="working_days_lost", name="Working days lost to sickness", kind="count",
            polarity="lower", unit="days",
            description="Working days lost to sickness absence in the period (the "
                        "absence_spells loader adds up the spells that start in it)."),
    Measure(id="fte_strength", name="Full-time-equivalent strength", kind="count",
            polarity="neutral", unit="FTE",
            description="Full-time-equivalent officers and staff over the period."),
    Measure(id="workforce_headcount", name="Workforce headcount", kind="count",
            polarity="neutral", unit="people",
            description="Officers and staff in post (people, not FTE)."),
    Measure(id="eap_users", name="Employee assistance programme users", kind="count",
            polarity="higher", unit="people",
            description="People who used the employee assistance programme in the year."),
    Measure(id="staff_over_bradford_trigger", name="Staff at or over the Bradford trigger",
            kind="count", polarity="lower", unit="people",
            description="People whose Bradford Factor (S² × D over the absence spells that "
                        "start in the period) is at or over the first trigger point (51 by "
                        "default); counted by the absence_spells loader."),
    Measure(id="officers_ethnic_minority_count", name="Officers from an ethnic minority "
            "(number)", kind="count", polarity="higher", unit="officers",
            description="Police officers who declared an ethnic minority background."),
    Measure(id="officers_ethnicity_declared", name="Officers who declared their ethnicity",
            kind="count", polarity="neutral", unit="officers",
            description="Police officers who declared their ethnicity (the denominator of "
                        "officers_ethnic_minority)."),
    Measure(id="community_ethnic_minority_share", name="Community from an ethnic minority",
            kind="proportion", polarity="neutral", unit="%",
            description="The ethnic minority share of the force area's population (the "
                        "representation benchmark; seed 000: 5.1% for Gwent)."),
    Measure(id="officers_ethnic_minority_shortfall",
            name="Officers from an ethnic minority needed to match the community",
            kind="count", polarity="lower", unit="officers",
            description="How many more officers from an ethnic minority the force would "
                        "need, at its current number of officers declaring their ethnicity, "
                        "to match the community share (rounded up, never negative; "
                        "perfcore_wellbeing.workforce.representation); derived."),
    Measure(id="working_days_lost_per_fte", name="Working days lost per FTE",
            kind="mean", polarity="lower", unit="days per FTE",
            description="Working days lost to sickness absence in the period divided by "
                        "full-time-equivalent strength (perfcore_wellbeing.absence); derived "
                        "from working_days_lost and fte_strength."),
    Measure(id="working_days_lost_long_term_per_fte",
            name="Working days lost per FTE: long-term", kind="mean", polarity="lower",
            unit="days per FTE",
            description="As working_days_lost_per_fte, for absences of 28 calendar days or "
                        "more (the usual long-term threshold)."),
    Measure(id="working_days_lost_short_term_per_fte",
            name="Working days lost per FTE: short-term", kind="mean", polarity="lower",
            unit="days per FTE",
            description="As working_days_lost_per_fte, for absences under 28 days."),
    Measure(id="sickness_hours_lost_pct", name="Hours lost to sickness", kind="proportion",
            polarity="lower", unit="%",
            description="Hours lost to sickness absence as a proportion of contracted "
                        "hours."),
    Measure(id="stress_related_absences", name="Stress-related sickness absences",
            kind="count", polarity="lower", unit="absences",
            description="Sickness absence spells recorded with a stress, anxiety or "
                        "depression reason (seed 003 reports their number and length)."),
    Measure(id="attendance_rate", name="Attendance rate", kind="proportion",
            polarity="higher", unit="%",
            description="Contracted hours worked (not lost to sickness) as a proportion of "
                        "contracted hours (seed 002: officers 95.7%, staff 95.9%)."),
    Measure(id="bradford_over_trigger", name="Staff over the first Bradford trigger",
            kind="proportion", polarity="lower", unit="%",
            description="Share of staff whose Bradford Factor (S²×D over a rolling 52 "
                        "weeks) is at or above the force's first trigger point (51 by "
                        "default; configurable, perfcore_wellbeing.absence); derived from "
                        "staff_over_bradford_trigger and workforce_headcount."),
    Measure(id="occupational_health_referrals", name="Occupational health referrals",
            kind="count", polarity="neutral", unit="referrals",
            description="Management and self referrals to Occupational Health. Neutral: "
                        "early referral is encouraged."),
    Measure(id="eap_usage_rate", name="Employee assistance programme usage",
            kind="proportion", polarity="higher", unit="%",
            description="Annual users of the confidential employee assistance programme "
                        "against headcount (seed 003: 1.72%, 'working to improve awareness'"
                        ", so higher is better); derived from eap_users and "
                        "workforce_headcount."),
    Measure(id="trim_referrals", name="TRiM referrals", kind="count", polarity="neutral",
            unit="referrals",
            description="Trauma Risk Management (TRiM) referrals after traumatic incidents."),
    Measure(id="trim_practitioners", name="TRiM practitioners", kind="count",
            polarity="higher", unit="practitioners",
            description="Trauma Risk Management (TRiM, PolTRiM) practitioners trained to "
                        "support officers and staff after traumatic incidents (seed 003: "
                        "90)."),
    Measure(id="trim_helpful", name="TRiM found helpful", kind="proportion",
            polarity="higher", unit="%",
            description="Respondents who felt the TRiM process was helpful (seed 003: 64%); "
                        "denominator = survey respondents."),
    Measure(id="officers_ethnic_minority", name="Officers from an ethnic minority",
            kind="proportion", polarity="higher", unit="%",
            target=Target(value=0.051, description="community representation of 5.1% "
                                                   "(seed 000)"),
            description="Police officers from an ethnic minority background as a share of "
                        "officers who declared their ethnicity; the target is the community "
                        "benchmark (perfcore_wellbeing.workforce.representation); derived "
                        "from officers_ethnic_minority_count and "
                        "officers_ethnicity_declared."),
    Measure(id="officer_headcount", name="Police officer headcount", kind="count",
            polarity="neutral", unit="officers",
            description="Police officers in post at the period end."),
    Measure(id="uplift_progress", name="Officer uplift against target", kind="proportion",
            polarity="higher", unit="%",
            description="Additional officers recruited under Operation Uplift as a share "
                        "of the force's allocation (perfcore_wellbeing.workforce.uplift)."),
)
