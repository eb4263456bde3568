"""National absence figures to set beside a child's own: the DfE's "Pupil absence in schools in England" by pupil
characteristic, as shipped (`resources/reference/dfe_statistics/absence_natcharacteristics_201617.csv`,
England, six half terms, 2012/13 to 2016/17).

A child is compared with all pupils, pupils of their national curriculum year, of their sex, eligible for free
school meals (when they are) and with their SEN provision (EHC plan or SEN support), each from the newest year the
file holds, and always with that year shown: these are 2016/17 figures, older than any register being read.
Rates are worked out from the exact session counts, not the file's rounded percentages.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache

from casedesk.domain.attendance.summary import academic_year_of
from casedesk.paths import resource_path

FILE = ("reference", "dfe_statistics", "absence_natcharacteristics_201617.csv")
SOURCE = "DfE, Pupil absence in schools in England (all schools, six half terms)"


@dataclass(frozen=True)
class NationalFigure:
    label: str  # "All pupils", "Year 9", "Boys", …
    year: str  # "2016/17"
    absence_rate: float  # % of possible sessions missed
    persistent_rate: float  # % of enrolments persistently absent (10% or more)


@cache
def _rows() -> dict[tuple[str, str], dict[str, str]]:
    """(year, characteristic) → the all-schools row; only the newest year is kept by `figures_for`."""
    out = {}
    with resource_path(*FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["school_type"] == "Total" and row["level"] == "National":
                out[(row["year"], row["characteristic"])] = row
    return out


def newest_year() -> str:
    return max(year for year, _ in _rows())


def _figure(label: str, characteristic: str) -> NationalFigure | None:
    year = newest_year()
    row = _rows().get((year, characteristic))
    if row is None:
        return None
    possible, missed = int(row["sess_possible"]), int(row["sess_overall"])
    return NationalFigure(
        label,
        f"{year[:4]}/{year[4:]}",
        round(100.0 * missed / possible, 1),
        float(row["enrolments_pa_10_exact_percent"]),
    )


def curriculum_year(date_of_birth: date, on: date) -> int:
    """National curriculum year on `on` (0 is Reception): a child starts Reception in the September after turning 4."""
    cohort = academic_year_of(date_of_birth)  # children born September to August share a year group
    return academic_year_of(on) - cohort - 5


def _year_characteristic(year: int) -> str:
    if year <= 1:
        return "NC_Year_1_and_below"
    if year >= 12:
        return "NC_Year_12_and_above"
    return f"NC_Year_{year}"


def figures_for(
    date_of_birth: date | None,
    on: date,
    sex: str | None = None,
    *,
    free_school_meals: bool = False,
    sen: str | None = None,  # "ehc_plan" or "sen_support"
) -> list[NationalFigure]:
    """The national figures for children like this one, most general first."""
    wanted: list[tuple[str, str]] = [("All pupils", "Total")]
    if date_of_birth is not None:
        year = curriculum_year(date_of_birth, on)
        if 0 <= year <= 14:
            label = "Reception and Year 1" if year <= 1 else ("Year 12 and above" if year >= 12 else f"Year {year}")
            wanted.append((label, _year_characteristic(year)))
    if sex == "M":
        wanted.append(("Boys", "Gender_male"))
    elif sex == "F":
        wanted.append(("Girls", "Gender_female"))
    if free_school_meals:
        wanted.append(("Eligible for free school meals", "FSM_eligible"))
    if sen == "ehc_plan":
        wanted.append(("With an EHC plan or statement", "SEN_provision_Statement_or_EHCP"))
    elif sen == "sen_support":
        wanted.append(("On SEN support", "SEN_provision_SEN_Support"))
    return [f for f in (_figure(label, c) for label, c in wanted) if f is not None]
