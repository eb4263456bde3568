"""The national rates the education dashboard sets beside local ones, from the DfE files we ship (always with their
year): pupils with one or more suspensions, and pupils persistently absent, by characteristic."""

from __future__ import annotations

import csv
from functools import cache

from casedesk.domain.attendance.national import FILE as ABSENCE_FILE
from casedesk.domain.risk.national import NationalFigures
from casedesk.paths import resource_path

EXCLUSION_FILE = "exclusion_natcharacteristics_201617.csv"
# our characteristic → (the exclusion file's characteristic_1, the absence file's characteristic)
CHARACTERISTICS: dict[str, tuple[str, str]] = {
    "All children": ("Total", "Total"),
    "Boys": ("Gender_male", "Gender_male"),
    "Girls": ("Gender_female", "Gender_female"),
    "Free school meals": ("FSM_Eligible", "FSM_eligible"),
    "SEN support": ("SEN_provision_SEN_without_statement", "SEN_provision_SEN_Support"),
    "EHC plan": ("SEN_provision_SEN_with_statement_EHC", "SEN_provision_Statement_or_EHCP"),
    "Child in need": ("", ""),
    "Child protection plan": ("", ""),
    "Looked after": ("", ""),
}


def suspension_rates() -> tuple[str, dict[str, float]]:
    """(year, characteristic → % of pupils with one or more suspensions)."""
    figures = NationalFigures.load(EXCLUSION_FILE, "one_plus_fixed_rate")
    return figures.year, {
        ours: figures.rates[theirs] for ours, (theirs, _) in CHARACTERISTICS.items() if theirs in figures.rates
    }


@cache
def persistent_absence_rates() -> tuple[str, dict[str, float]]:
    """(year, characteristic → % of enrolments persistently absent), from the newest year in the file."""
    rows: dict[str, dict[str, float]] = {}
    with resource_path(*ABSENCE_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["school_type"] == "Total" and row["level"] == "National":
                try:
                    rows.setdefault(row["year"], {})[row["characteristic"]] = float(
                        row["enrolments_pa_10_exact_percent"]
                    )
                except ValueError:
                    continue
    year = max(rows)
    wanted = {ours: rows[year][theirs] for ours, (_, theirs) in CHARACTERISTICS.items() if theirs in rows[year]}
    return f"{year[:4]}/{year[4:]}", wanted
