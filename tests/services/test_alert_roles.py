"""Who may set the alert rules and look at the cohort, by the role the server gave the account: refused in the
service with the roles that may named, and nothing stored, read or audited when refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casedesk import config
from casedesk.domain.alerts.load import sample_rules
from casedesk.services.alerts.rules import AREA, SAMPLE, in_effect, store_rules
from casedesk.services.cohort.model import CohortFilter
from casedesk.services.cohort.service import CohortService, load_cohort
from casedesk.services.policy import NotAllowed
from casedesk.store import audit
from casedesk.store.database import Database

RULES = dict(sample_rules().document, id="area-rules", title="Area alert rules", version="1", sample=False)


def _audit_count(db: Database) -> int:
    with db.session() as session:
        return audit.chain_tip(session)[0]


@pytest.mark.parametrize(
    ("role", "rules", "cohort"),
    [
        ("", True, True),  # never told a role: keeps what it had
        ("safeguarding_lead", True, True),
        ("manager", True, True),
        ("administrator", True, False),
        ("practitioner", False, False),
        ("auditor", False, False),
    ],
)
def test_roles_decide_rules_and_cohort(db: Database, tmp_path: Path, role: str, rules: bool, cohort: bool) -> None:
    db.put(config.ROLE, role)
    service = CohortService(db, "tester")
    assert service.may_view() is cohort
    before = _audit_count(db)
    if rules:
        store_rules(db, RULES, "tester")
        assert in_effect(db).origin == AREA
    else:
        with pytest.raises(NotAllowed, match="alert rules and risk indicators is for a safeguarding lead, manager"):
            store_rules(db, RULES, "tester")
        assert in_effect(db).origin == SAMPLE and _audit_count(db) == before
    before = _audit_count(db)
    if cohort:
        service.load(date(2025, 11, 28))
        assert _audit_count(db) == before + 1
    else:
        with pytest.raises(NotAllowed, match=r"cohort .* is for a safeguarding lead or manager"):
            service.load(date(2025, 11, 28))
        held = load_cohort(db, date(2025, 11, 28), service.config)  # as if loaded before the role changed
        for refused in (
            lambda: service.record_view(held, CohortFilter()),
            lambda: service.export(held, CohortFilter(), tmp_path / "cohort.csv"),
        ):
            with pytest.raises(NotAllowed):
                refused()
        assert _audit_count(db) == before and not (tmp_path / "cohort.csv").exists()
