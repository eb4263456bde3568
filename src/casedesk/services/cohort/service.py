"""`col.cohort`: the risk-of-exclusion cohort for a safeguarding lead or the local authority.

Loading works set-based: one grouped statement finds every indicator for every child (`risk_repo.present`), one
finds the statutory support held today, one reads the children; rows are made only for children with an
indicator. Every look at the cohort and every export is written to the audit trail (who, when, which filters,
how many children; an export also which file and, when it lists children, which ones).
"""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime
from pathlib import Path

from casedesk.domain import roles
from casedesk.domain.education.rules import national_curriculum_year
from casedesk.domain.risk.config import RiskConfig
from casedesk.domain.risk.explain import Finding, is_cliff_edge
from casedesk.domain.vocab import StatusKind
from casedesk.services import policy
from casedesk.services.alerts import access
from casedesk.services.cohort import export, indicators
from casedesk.services.cohort.findings import child_findings
from casedesk.services.cohort.model import Cohort, CohortFilter, CohortRow
from casedesk.services.cohort.summary import CohortSummary, summarise
from casedesk.site_profile import ExportKind
from casedesk.store import risk_repo
from casedesk.store.database import Database

_SUPPORT_ORDER = [k.value for k in StatusKind]


def load_cohort(db: Database, today: date, config: RiskConfig) -> Cohort:
    with db.session() as session:
        present = risk_repo.present(session, config.indicators, today)
        support = risk_repo.statutory_support(session, config.cliff_edge.statutory_support, today)
        children = risk_repo.children_basics(session)
    order = {ind.id: index for index, ind in enumerate(config.indicators)}
    years: dict[str, int] = {}
    rows: list[CohortRow] = []
    schools: dict[str, str] = {}
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of small objects and no cycles: the cyclic collector only slows this down
    try:
        for child in children:
            found = present.get(child.id)
            if not found:
                continue
            year = years.get(child.date_of_birth)
            if year is None:
                year = years[child.date_of_birth] = national_curriculum_year(
                    date.fromisoformat(child.date_of_birth), today
                )
            held = tuple(sorted(support.get(child.id, ()), key=_SUPPORT_ORDER.index))
            ids = tuple(sorted(found, key=order.__getitem__))
            if child.school_id and child.school:
                schools[child.school_id] = child.school
            rows.append(
                CohortRow(
                    child.id,
                    child.name,
                    child.school_id,
                    child.school or "",
                    year,
                    ids,
                    held,
                    is_cliff_edge(config.cliff_edge, ids, held),
                )
            )
        rows.sort(key=lambda r: (-r.count, r.name.casefold()))
    finally:
        if enabled:
            gc.enable()
    return Cohort(config, today, rows, len(children), schools)


class CohortService:
    def __init__(self, db: Database, actor: str, config: RiskConfig | None = None) -> None:
        self.db = db
        self.actor = actor
        self._config = config

    @property
    def config(self) -> RiskConfig:
        """The indicators given, else those in effect now (the area's once received: they can arrive at any sync)."""
        return self._config or indicators.in_effect(self.db)

    def may_view(self) -> bool:
        """Whether this user's role may view and export the cohort (the page hides itself otherwise)."""
        return access.may(self.db, roles.Action.VIEW_COHORT)

    def load(self, today: date | None = None, filters: CohortFilter | None = None) -> Cohort:
        """The cohort, and an audit entry saying who looked and with which filters (refused, unread, to a role
        that may not see it)."""
        access.require(self.db, roles.Action.VIEW_COHORT)
        cohort = load_cohort(self.db, today or date.today(), self.config)
        self.record_view(cohort, filters or CohortFilter())
        return cohort

    def record_view(self, cohort: Cohort, filters: CohortFilter) -> None:
        """Changing a filter on the page is a new look at different children: audited too."""
        access.require(self.db, roles.Action.VIEW_COHORT)
        shown = cohort.filtered(filters)
        with self.db.unit_of_work(self.actor) as uow:
            uow.note("view", "cohort", "risk-of-exclusion", reason=filters.describe(cohort), children=len(shown))

    def findings(self, child_id: str, today: date | None = None) -> list[Finding]:
        return child_findings(self.db, child_id, today or date.today(), self.config)

    def summary(self, cohort: Cohort, filters: CohortFilter) -> CohortSummary:
        return summarise(cohort, cohort.filtered(filters))

    def export(self, cohort: Cohort, filters: CohortFilter, out: Path, *, list_children: bool = False) -> CohortSummary:
        """Write the cohort to `out` (.csv or .pdf): the suppressed counts, and the children themselves only when
        asked. Audited with the file's name, the filters and the children it names."""
        access.require(self.db, roles.Action.VIEW_COHORT)
        if out.suffix.lower() == ".pdf":
            policy.require_printing(self.db)
        else:
            policy.require_export(self.db, ExportKind.SPREADSHEET)
        rows = cohort.filtered(filters)
        summary = summarise(cohort, rows)
        listed = rows if list_children else []
        if out.suffix.lower() == ".pdf":
            export.write_pdf(out, cohort, filters, summary, listed, self.actor, datetime.now(UTC))
        else:
            export.write_csv(out, cohort, filters, summary, listed)
        with self.db.unit_of_work(self.actor) as uow:
            uow.note(
                "export",
                "cohort",
                "risk-of-exclusion",
                reason=f"cohort {out.suffix.lower().lstrip('.') or 'csv'} export: {filters.describe(cohort)}",
                file=out.name,
                children=len(rows),
                children_listed=[r.child_id for r in listed],
            )
        return summary
