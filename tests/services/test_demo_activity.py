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
