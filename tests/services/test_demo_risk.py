"""The demo shows what the cohort view is for: suspensions concentrate among children with social-care contact or
an SEMH need (as Social Finance found: 15% of pupils, 58% of multiple suspensions), worked out here from the
records the demo wrote, through the same indicator queries the cohort uses — not read from a constant."""

from __future__ import annotations

from datetime import date

from casedesk.domain.risk.config import bundled_config
from casedesk.services.cohort.service import load_cohort
from casedesk.services.demo.load import seed_demo
from casedesk.store import education_repo, risk_repo
from casedesk.store.database import Database

TODAY = date(2026, 11, 30)


def test_multiple_suspensions_concentrate_among_children_with_social_care_contact_or_semh(db: Database) -> None:
    seed_demo(db, children=300, seed=1, today=TODAY, attendance=False)
    config = bundled_config()
    with db.session() as session:
        present = risk_repo.present(session, config.indicators, TODAY)
        suspensions = education_repo.suspensions_since(session, date(2000, 1, 1), TODAY)
        children = len(risk_repo.children_basics(session))
    group = {child for child, found in present.items() if {"social_care", "semh"} & set(found)}
    multiple = {child for child, n in suspensions.items() if n >= 2}
    share_of_children = len(group) / children
    share_of_multiple = len(multiple & group) / len(multiple)
    assert len(multiple) >= 20, "the demo should hold enough children suspended more than once to show a pattern"
    assert share_of_multiple > 0.5 and share_of_multiple >= 1.8 * share_of_children, (
        share_of_children,
        share_of_multiple,
    )
    cohort = load_cohort(db, TODAY, config)
    cliff = [row for row in cohort.rows if row.cliff_edge]
    assert len(cliff) >= 10, "the demo should show children on the cliff edge"
    assert all(row.count >= config.cliff_edge.min_indicators and not row.support for row in cliff)
