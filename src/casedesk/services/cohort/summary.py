"""The cohort's counts, as they may leave the device: suppressed by the shared disclosure control.

Two tables, both by school: children with each indicator (a child counts under every indicator they have, so only
the schools add up: the table has a total row and no total column), and children by where they stand — on the
cliff edge, with several indicators and statutory support, or with fewer indicators (each child once, so both
rows and columns add up and secondary suppression protects both ways).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from casedesk.domain.disclosure import ProtectedTable, protect
from casedesk.services.cohort.model import Cohort, CohortRow

STANDING = ("On the cliff edge", "Several indicators, with statutory support", "Fewer indicators")


@dataclass(frozen=True)
class CohortSummary:
    by_indicator: ProtectedTable
    by_standing: ProtectedTable

    def tables(self) -> list[tuple[str, ProtectedTable]]:
        return [
            ("Children with each indicator, by school", self.by_indicator),
            ("Children by standing, by school", self.by_standing),
        ]


def _standing(row: CohortRow, min_indicators: int) -> int:
    if row.cliff_edge:
        return 0
    return 1 if row.count >= min_indicators else 2


def summarise(cohort: Cohort, rows: list[CohortRow]) -> CohortSummary:
    schools = sorted({row.school or "No current school" for row in rows})
    indicators = cohort.config.indicators
    per_indicator: Counter[tuple[str, str]] = Counter()
    per_standing: Counter[tuple[str, int]] = Counter()
    rule = cohort.config.cliff_edge.min_indicators
    for row in rows:
        school = row.school or "No current school"
        for ind in row.indicators:
            per_indicator[(school, ind)] += 1
        per_standing[(school, _standing(row, rule))] += 1
    by_indicator = protect(
        [[per_indicator[(s, i.id)] for i in indicators] for s in schools],
        schools,
        [i.short for i in indicators],
        row_totals=False,
    )
    by_standing = protect(
        [[per_standing[(s, k)] for k in range(len(STANDING))] for s in schools],
        schools,
        list(STANDING),
        total_label="All with an indicator",
    )
    return CohortSummary(by_indicator, by_standing)
