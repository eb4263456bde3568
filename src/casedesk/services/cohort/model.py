"""The cohort as plain data: one row per child with an indicator, the filters, and what the filters keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from casedesk.domain.education.rules import year_label
from casedesk.domain.risk.config import RiskConfig
from casedesk.domain.vocab import StatusKind


@dataclass(frozen=True, slots=True)
class CohortRow:
    child_id: str
    name: str
    school_id: str | None
    school: str
    year: int  # national curriculum year (0 Reception)
    indicators: tuple[str, ...]  # indicator ids present, in the configured order
    support: tuple[str, ...]  # statutory support held today (StatusKind values)
    cliff_edge: bool

    @property
    def year_group(self) -> str:
        return year_label(self.year)

    @property
    def count(self) -> int:
        return len(self.indicators)

    def support_text(self) -> str:
        return ", ".join(StatusKind(s).badge for s in self.support) or "None"


@dataclass(frozen=True)
class CohortFilter:
    school_id: str | None = None
    year: int | None = None
    indicator: str | None = None
    cliff_edge_only: bool = False

    def keeps(self, row: CohortRow) -> bool:
        return (
            (self.school_id is None or row.school_id == self.school_id)
            and (self.year is None or row.year == self.year)
            and (self.indicator is None or self.indicator in row.indicators)
            and (not self.cliff_edge_only or row.cliff_edge)
        )

    def describe(self, cohort: Cohort) -> str:
        """The filters in words, for the audit, the export's heading and the page."""
        parts = []
        if self.school_id is not None:
            parts.append(cohort.schools.get(self.school_id, "an unknown school"))
        if self.year is not None:
            parts.append(year_label(self.year))
        if self.indicator is not None:
            parts.append(cohort.config.indicator(self.indicator).label)
        if self.cliff_edge_only:
            parts.append("cliff edge only")
        return "; ".join(parts) or "all children with an indicator"


@dataclass(frozen=True)
class Cohort:
    config: RiskConfig
    today: date
    rows: list[CohortRow]  # ranked: most indicators first, then by name
    children: int  # live children held (with or without an indicator)
    schools: dict[str, str] = field(default_factory=dict)  # school id → name, the schools rows name

    def filtered(self, f: CohortFilter) -> list[CohortRow]:
        return [row for row in self.rows if f.keeps(row)]

    def labels(self) -> dict[str, str]:
        return {i.id: i.label for i in self.config.indicators}

    def shorts(self) -> dict[str, str]:
        """Indicator id → its short name, for tables."""
        return {i.id: i.short for i in self.config.indicators}

    def key(self) -> str:
        """The short names in words: what a table's headings stand for."""
        return "; ".join(f"{i.short}: {i.label}" for i in self.config.indicators if i.short != i.label)
