"""Published Gwent figures for this domain, from the seed documents.

Seed 003 is the Gwent Police annual report for 2019/20 ("Supporting Victims"); seed 000 a
2021-22 quarterly performance report; seed 004 the force's 2023 update on HMICFRS PEEL
areas for improvement. Percentages are as published (rounded to whole per cent); the
documents do not publish the survey sample sizes, so none are given here.
"""

from __future__ import annotations

__all__ = [
    "DA_ARRESTS_2019_20",
    "DA_ARREST_CHANGE_2019_20",
    "DA_ARREST_RATE",
    "DA_OUTCOME16_DECEMBER",
    "EASE_OF_CONTACT_2019_20",
    "MARAC_AVERAGE_GROWTH_SINCE_2019",
    "MARAC_GROWTH_2022_23",
    "SATISFACTION_2019_20",
]

#: Victim satisfaction 2019/20, headline figure of each strand (seed 003, "Supporting
#: Victims"). Ease of contact is published by crime type only; the others are overall.
SATISFACTION_2019_20: dict[str, float] = {
    "satisfaction_time_of_arrival": 0.87,  # "Time of Arrival at Scene: 87%"
    "satisfaction_treatment": 0.85,  # "satisfied with the way they were treated ... 85%"
    "satisfaction_actions_taken": 0.76,  # "satisfied with the actions taken ... 76%"
    "satisfaction_kept_informed": 0.46,  # "satisfied with being kept informed ... 46%"
    "satisfaction_whole_experience": 0.75,  # "happy with the service ... received 75%"
}

#: Ease of contact by crime type, 2019/20 (seed 003).
EASE_OF_CONTACT_2019_20: dict[str, float] = {
    "burglary": 0.95, "violent_crime": 0.95, "vehicle_crime": 0.88, "harassment": 1.00,
}

#: Domestic abuse arrests (seed 003: "2293 arrests ... a decrease of 8.1% from 2018-19").
DA_ARRESTS_2019_20 = 2293
DA_ARREST_CHANGE_2019_20 = -0.081
#: DA arrest rate by year (seed 003: "27.2% ... 2018-19, where the arrest rate totalled 29.8%").
DA_ARREST_RATE: dict[str, float] = {"2018-19": 0.298, "2019-20": 0.272}

#: DA Outcome 16, December (seed 000): "170 No Further Actions from 220 DA Custody Records,
#: resulting in a 58.3% Outcome 16 rate". NB 170 / 220 = 77.3%, so the published rate is
#: not 170/220; its denominator is not stated. Kept as published, with both counts.
DA_OUTCOME16_DECEMBER: dict[str, float] = {"nfa": 170, "custody_records": 220,
                                           "published_rate": 0.583}

#: MARAC referrals (seed 004): "Since 2019, MARAC referrals have increased on average by
#: 18% each year. However, in the year 2022 – 2023 the increase was just 0.5%."
MARAC_AVERAGE_GROWTH_SINCE_2019 = 0.18
MARAC_GROWTH_2022_23 = 0.005
