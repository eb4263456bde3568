"""The demo's year of directory searches and referrals, for the dashboards: searches keep criteria only (no child,
no name, no free text), each needs check is followed by its search on the same day, and referrals span the year
with fewer declined as not fitting the service as it goes on."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from casedesk.services.demo.load import seed_demo
from casedesk.store.database import Database

TODAY = date(2026, 6, 30)


def test_the_demo_searches_and_referrals_span_the_year(db: Database) -> None:
    seed_demo(db, 600, seed=3, today=TODAY, attendance=False)
    with db.engine.connect() as conn:
        searches = conn.execute(text("SELECT criteria, searched_on FROM directory_searches")).all()
        checks = conn.execute(
            text("SELECT substr(completed_at, 1, 10) FROM triage_results WHERE state = 'complete'")
        ).all()
        names = {n for (n,) in conn.execute(text("SELECT family_name FROM children"))}
        referrals = conn.execute(text("SELECT sent_at, inappropriate FROM referrals WHERE sent_at IS NOT NULL")).all()
    criteria = [json.loads(c) if isinstance(c, str) else c for c, _ in searches]
    from_checks = [c for c in criteria if c["source"] == "needs_check"]
    assert len(from_checks) == len(checks) and len(criteria) > 2 * len(checks)
    check_days = sorted(day for (day,) in checks)
    assert sorted(str(d) for (c, d) in searches if "needs_check" in str(c)) == check_days
    allowed = {"source", "need", "level", "district", "age_band", "domains", "needs"}
    assert all(set(c) <= allowed for c in criteria)
    assert not any(name in json.dumps(c) for c in criteria for name in names)
    days = sorted((TODAY - date.fromisoformat(str(sent)[:10])).days for sent, _ in referrals)
    assert days[0] >= 0 and days[-1] > 270  # a year of referrals, not six months
    older = [bad for sent, bad in referrals if (TODAY - date.fromisoformat(str(sent)[:10])).days > 180]
    newer = [bad for sent, bad in referrals if (TODAY - date.fromisoformat(str(sent)[:10])).days <= 180]
    assert sum(older) / len(older) > sum(newer) / len(newer)  # the rate falls over the year


def test_no_demo_referral_moves_after_the_demos_today(db: Database) -> None:
    """A referral drafted last week is still waiting: none is sent, answered or closed after "today" (a demo made
    for a day in the past included), where steps that would have fallen later were all stamped with the moment
    the demo was made."""
    seed_demo(db, 200, seed=5, today=TODAY, attendance=False)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT status, status_changed_at, sent_at, acknowledged_at FROM referrals WHERE deleted = 0")
        ).all()
    assert {status for status, *_ in rows} >= {"draft", "sent", "acknowledged", "accepted", "declined", "closed"}
    latest = f"{TODAY.isoformat()} 17:00:00"
    for status, *moments in rows:
        for moment in moments:
            assert moment is None or str(moment)[:19].replace("T", " ") <= latest, (status, moment)
