"""The demo's year of activity for the dashboards: hundreds of needs checks and referrals by default, spread over
the year's months and the demo's schools, every referral a path the workflow allows with a chronology entry for
each step and the fields the referral service writes; its directory searches keep what the directory's own search
found for them, and some services opened."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

from sqlalchemy import text

from casedesk.domain.referrals.workflow import INAPPROPRIATE_REASONS, ReferralStatus, check_transition
from casedesk.services.demo import year
from casedesk.services.demo.load import seed_demo
from casedesk.services.directory.search import DirectoryFilter, search_services
from casedesk.services.directory.service import DirectoryService
from casedesk.store import referral_repo
from casedesk.store.database import Database

TODAY = date(2026, 6, 30)


def test_the_year_spreads_checks_and_referrals_over_months_and_schools(db: Database) -> None:
    summary = seed_demo(db, 60, seed=3, today=TODAY, attendance=False, year_of_activity=True)
    assert summary.triage_results >= 60 * year.CHECKS_PER_CHILD and summary.referrals >= 60 * year.REFERRALS_PER_CHILD
    with db.engine.connect() as conn:
        checks = conn.execute(
            text(
                "SELECT substr(t.completed_at, 1, 7), c.current_school_id FROM triage_results t "
                "JOIN children c ON c.id = t.child_id WHERE t.state = 'complete'"
            )
        ).all()
        referrals = conn.execute(
            text(
                "SELECT r.id, r.status, r.sent_at, r.acknowledged_at, r.inappropriate, r.decline_reason, "
                "c.current_school_id FROM referrals r JOIN children c ON c.id = r.child_id"
            )
        ).all()
    assert len({month for month, _ in checks}) >= 11 and len({school for _, school in checks}) >= 3
    sent = [r for r in referrals if r.sent_at]
    assert len(sent) >= 60 and len({r.current_school_id for r in sent}) >= 3
    with db.session() as session:
        for r in referrals:
            assert referral_repo.referral_timeline(session, r.id)  # every referral has its chronology
            statuses = referral_repo.referral_steps(session).get(r.id, [])
            for now, then in itertools.pairwise(statuses):
                check_transition(now, then)  # raises on a step the workflow does not allow
            assert not statuses or statuses[-1] == ReferralStatus(r.status)
            if r.acknowledged_at:
                assert r.sent_at and r.acknowledged_at >= r.sent_at
            assert bool(r.inappropriate) == (
                r.status in ("declined", "closed") and r.decline_reason in INAPPROPRIATE_REASONS
            )


def test_the_demo_searches_keep_what_they_found(db: Database) -> None:
    seed_demo(db, 40, seed=2, today=TODAY, attendance=False, year_of_activity=True)
    directory = DirectoryService(db, "tester").services()
    with db.engine.connect() as conn:
        kept = [
            json.loads(c) if isinstance(c, str) else c
            for (c,) in conn.execute(text("SELECT criteria FROM directory_searches"))
        ]
    searches = [c for c in kept if c["source"] == "directory"]
    opened = [c for c in kept if c["source"] == "opened"]
    assert searches and opened and all("found" in c for c in kept if c["source"] != "opened")
    for c in searches:  # what the directory's own search finds for those criteria
        asked = DirectoryFilter(domain=c.get("need"), level=c.get("level"), district=c.get("district"))
        ids = [s.id for s in search_services(directory, "", asked)]
        assert c["found"] == len(ids) and c["services"] == ids[:10]
    listed = {s for c in searches for s in c["services"][:3]}
    assert {c["service"] for c in opened} <= listed


def test_no_referral_step_happens_after_today_and_support_takes_weeks(db: Database) -> None:
    """A referral drafted days ago is still on its way, not sent, accepted and closed in the same minute."""
    seed_demo(db, 60, seed=3, today=TODAY, attendance=False, year_of_activity=True)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, status, sent_at, status_changed_at FROM referrals")).all()
    with db.session() as session:
        latest = max(e.occurred_at for r in rows for e in referral_repo.referral_timeline(session, r.id))
    assert latest.date() <= TODAY
    closed = [r for r in rows if r.status == ReferralStatus.CLOSED]
    assert closed, "a year of referrals closes some"
    for r in closed:
        assert str(r.status_changed_at)[:10] >= str(date.fromisoformat(str(r.sent_at)[:10]) + timedelta(days=28))
