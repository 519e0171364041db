"""Definitions of the wellbeing domain's measures (local ids; ``wellbeing.<id>``).

Proportions are stored as fractions (0.0297 for 2.97%), as everywhere in perfcore.
"""

from __future__ import annotations

from perfcore.model import Measure, Target

__all__ = ["MEASURES"]

MEASURES: tuple[Measure, ...] = (
    Measure(id="working_days_lost_per_fte", name="Working days lost per FTE",
            kind="mean", polarity="lower", unit="days per FTE",
            description="Working days lost to sickness absence in the period divided by "
                        "full-time-equivalent strength (perfcore_wellbeing.absence)."),
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
                        "default; configurable, perfcore_wellbeing.absence)."),
    Measure(id="occupational_health_referrals", name="Occupational health referrals",
            kind="count", polarity="neutral", unit="referrals",
            description="Management and self referrals to Occupational Health. Neutral: "
                        "early referral is encouraged."),
    Measure(id="eap_usage_rate", name="Employee assistance programme usage",
            kind="proportion", polarity="higher", unit="%",
            description="Annual users of the confidential employee assistance programme "
                        "against headcount (seed 003: 1.72%, 'working to improve awareness'"
                        ", so higher is better)."),
    Measure(id="trim_referrals", name="TRiM referrals", kind="count", polarity="neutral",
            unit="referrals",
            description="Trauma Risk Management (TRiM) referrals after traumatic incidents."),
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
                        "benchmark (perfcore_wellbeing.workforce.representation)."),
    Measure(id="officer_headcount", name="Police officer headcount", kind="count",
            polarity="neutral", unit="officers",
            description="Police officers in post at the period end."),
    Measure(id="uplift_progress", name="Officer uplift against target", kind="proportion",
            polarity="higher", unit="%",
            description="Additional officers recruited under Operation Uplift as a share "
                        "of the force's allocation (perfcore_wellbeing.workforce.uplift)."),
)
