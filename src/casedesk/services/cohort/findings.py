"""One child's risk-of-exclusion indicators with the records that show each (the Overview card)."""

from __future__ import annotations

from datetime import date

from casedesk.domain.risk.config import RiskConfig
from casedesk.domain.risk.explain import Finding, finding
from casedesk.services.cohort.indicators import in_effect
from casedesk.store import risk_repo
from casedesk.store.database import Database


def child_findings(db: Database, child_id: str, today: date, config: RiskConfig | None = None) -> list[Finding]:
    """The indicators present for this child, in the configured order, each with exactly its evidence."""
    config = config or in_effect(db)
    with db.session() as session:
        rows = risk_repo.evidence(session, config.indicators, child_id, today)
    return [finding(config, ind, rows[ind.id], today) for ind in config.indicators if ind.id in rows]
