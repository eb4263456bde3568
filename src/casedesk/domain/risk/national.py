"""The national rate beside an indicator: how much likelier the DfE's figures say pupils with that
characteristic are to be suspended than all pupils, with the year shown.

From the DfE's "Permanent and fixed-period exclusions in England" by pupil characteristic, England, all schools,
as shipped (`resources/reference/dfe_statistics/exclusion_natcharacteristics_201617.csv`, the 2016/17 rows of
the published file: the newest year we hold). The relative rate is the group's rate over the rate for all pupils.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from casedesk.errors import ValidationError
from casedesk.paths import resource_path

FOLDER = ("reference", "dfe_statistics")


@dataclass(frozen=True)
class RelativeRate:
    group: str  # "pupils on SEN support (no statement or EHC plan)"
    year: str  # "2016/17"
    rate: float  # % of the group (e.g. with one or more suspensions)
    everyone: float  # % of all pupils
    describes: str  # "had one or more suspensions"
    source: str

    @property
    def ratio(self) -> float:
        return self.rate / self.everyone

    def short(self) -> str:
        """ "2.7 times the national rate (DfE, England 2016/17)" """
        return f"{self.ratio:.1f} times the national rate for all pupils (DfE, England {self.year})"

    def sentence(self) -> str:
        """ "Nationally (DfE, England 2016/17), 6.2% of pupils on SEN support had one or more suspensions against
        2.3% of all pupils: 2.7 times as likely." """
        return (
            f"Nationally (England {self.year}), {self.rate:.1f}% of {self.group} {self.describes}, against "
            f"{self.everyone:.1f}% of all pupils: {self.ratio:.1f} times as likely."
        )


@dataclass(frozen=True)
class NationalFigures:
    year: str
    rates: dict[str, float]  # characteristic → the measure's %
    everyone: float

    @staticmethod
    def load(file: str, measure: str) -> NationalFigures:
        return _load(file, measure)

    def rate(self, characteristic: str) -> float | None:
        return self.rates.get(characteristic)

    def relative(self, characteristic: str, group: str, describes: str, source: str) -> RelativeRate | None:
        rate = self.rate(characteristic)
        if rate is None or self.everyone <= 0:
            return None
        return RelativeRate(group, self.year, rate, self.everyone, describes, source)


@cache
def _load(file: str, measure: str) -> NationalFigures:
    path = resource_path(*FOLDER, file)
    if not path.is_file():
        raise ValidationError(f"No national figures file {file} is shipped.")
    newest: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["school_type"] != "Total" or row["characteristic_2"] != "Total":
                continue
            try:
                value = float(row[measure])
            except ValueError:  # "x" suppressed, "." not applicable
                continue
            newest.setdefault(row["year"], {})[row["characteristic_1"]] = value
    if not newest:
        raise ValidationError(f"{file} holds no national rows.")
    year = max(newest)
    rates = newest[year]
    if "Total" not in rates:
        raise ValidationError(f"{file} has no figure for all pupils in {year}.")
    return NationalFigures(f"{year[:4]}/{year[4:]}", rates, rates["Total"])
