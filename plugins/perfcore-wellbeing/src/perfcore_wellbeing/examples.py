"""Published Gwent wellbeing and workforce figures, from the seed documents.

Seed 000: 2021-22 quarterly performance report; seed 002: 2013-14 delivery plan update;
seed 003: Gwent Police annual report 2019/20 ("Wellbeing").
"""

from __future__ import annotations

__all__ = ["ATTENDANCE_APR2013_JAN2014", "EAP_USAGE_2019_20", "ETHNIC_MINORITY_OFFICERS",
           "REPRESENTATION_BENCHMARK", "TRIM_HELPFUL", "TRIM_PRACTITIONERS",
           "UPLIFT_YEAR2_PROBATIONERS"]

#: Seed 000: "Police officers from an ethnic minority has risen from 2.5% in June 2020 to
#: 2.97% at the end of December 2021 ... our community representation of 5.1%".
ETHNIC_MINORITY_OFFICERS = {"June 2020": 0.025, "December 2021": 0.0297}
REPRESENTATION_BENCHMARK = 0.051

#: Seed 000: "Operation uplift for year 2 is successfully on track with 70 Probationers".
UPLIFT_YEAR2_PROBATIONERS = 70

#: Seed 002: "Between April 2013 and January 2014 attendance rates were: Police Officers
#: 95.7% Police Staff 95.9%".
ATTENDANCE_APR2013_JAN2014 = {"officers": 0.957, "staff": 0.959}

#: Seed 003: "Against headcount, the current annual usage for this service is 1.72%".
EAP_USAGE_2019_20 = 0.0172

#: Seed 003: "64% of respondents felt that the TRiM process was helpful"; "trained 90
#: Trauma Resilience Management (PolTRiM) practitioners".
TRIM_HELPFUL = 0.64
TRIM_PRACTITIONERS = 90
