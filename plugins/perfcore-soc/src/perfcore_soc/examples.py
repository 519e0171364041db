"""Published Gwent SOC figures (seed 003: Gwent Police annual report 2019/20,
"Serious and Organised Crime" and "Modern Day Slavery and Human Trafficking")."""

from __future__ import annotations

__all__ = ["MSHT_TABLE", "MSHT_TOTALS", "OCGS_APRIL_2020", "OPERATION_DIVIDE", "YEARS"]

YEARS = ("2017-18", "2018-19", "2019-20")

#: The MSHT table, measure local id → figures for YEARS.
MSHT_TABLE: dict[str, tuple[int, int, int]] = {
    "msht_offences": (27, 57, 40),
    "msht_nrm_referrals": (36, 68, 36),
    "msht_ms1_referrals": (8, 12, 16),
    "msht_intelligence_logs": (158, 278, 242),
    "msht_arrests": (9, 6, 10),
    "msht_victims": (25, 54, 52),
    "msht_marac_referrals": (9, 38, 29),
}
#: The table's published "Total" row.
MSHT_TOTALS = (272, 513, 425)

#: "as of April 2020 there were 31 mapped Organised Crime Groups in Gwent, comprising of
#: 252 nominals".
OCGS_APRIL_2020 = {"ocgs_mapped": 31, "ocg_nominals": 252}

#: Operation Divide: "29 premises were searched and 23 people arrested ... 51 kilos of
#: Amphetamine ... £341,000 in cash ... 14 people were charged".
OPERATION_DIVIDE = {"premises_searched": 29, "arrests": 23, "charged": 14,
                    "amphetamine_kg": 51, "cash_seized": 341_000}
