"""A year of directory searches for the demo, so the dashboards' prevalence figures have something to show.

Each recorded needs check is followed, the same day, by the search "Find services" makes from it (its level, the
domains it flagged, the child's age band and postcode district: what `services.directory.usage` keeps, never the
child), and practitioners search the directory page on other days too — mostly for the commoner needs, each with
a level and a district some of the time. Written as usage records through the unit of work, like real searches.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from casedesk.domain.directory.model import NeedDomain
from casedesk.services.directory.usage import age_band, needs_check_criteria
from casedesk.store import repositories as repo
from casedesk.store import triage_repo
from casedesk.store.database import Database

PAGE_SEARCHES_PER_CHECK = 1.5
NEED_WEIGHTS = {
    NeedDomain.SEMH: 8,
    NeedDomain.ATTENDANCE: 6,
    NeedDomain.BEHAVIOUR: 5,
    NeedDomain.FAMILY: 4,
    NeedDomain.LEARNING_SEND: 3,
    NeedDomain.SAFEGUARDING: 2,
    NeedDomain.HOUSING_MONEY: 2,
    NeedDomain.HEALTH: 1,
    NeedDomain.YOUTH_JUSTICE: 1,
}


def _district(postcode: str | None) -> str | None:
    text = " ".join((postcode or "").upper().split())
    return text.split(" ")[0] if " " in text else None


def seed_demo_searches(
    db: Database, seed: int, today: date, author: str = "casedesk-demo", *, finds: bool = False
) -> int:
    """Write the searches (with what each found and the services opened, when `finds`: `finds.py`); returns how
    many."""
    rng = random.Random(seed * 15_485_863)
    with db.session() as session:
        children = {c.id: c for c in repo.list_children(session)}
        checks = [r for r in triage_repo.all_results(session) if r.is_complete and r.completed_at is not None]
    districts = sorted({d for c in children.values() if (d := _district(c.postcode))})
    rows = []
    for check in sorted(checks, key=lambda r: (r.completed_at, r.id)):
        child = children.get(check.child_id)
        outcome = check.outcome or {}
        domains = {str(d["id"]): int(d.get("score") or 0) for d in outcome.get("domains", ())}
        day = check.completed_at.date() if check.completed_at else today
        age = child.age_on(day) if child is not None else None
        rows.append(
            (day, needs_check_criteria(check.level or 1, domains, None, age, child.postcode if child else None))
        )
    names, weights = zip(*NEED_WEIGHTS.items(), strict=True)
    for _ in range(round(len(checks) * PAGE_SEARCHES_PER_CHECK)):
        day = today - timedelta(days=rng.randint(0, 364))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        asked: dict[str, Any] = {"source": "directory", "need": rng.choices(names, weights)[0].value}
        if rng.random() < 0.6:
            asked["level"] = rng.choice((1, 2, 2, 3, 3, 4))
        if districts and rng.random() < 0.7:
            asked["district"] = rng.choice(districts)
        if rng.random() < 0.4:
            asked["age_band"] = age_band(rng.randint(5, 16))
        rows.append((day, asked))
    if finds:
        from casedesk.services.demo.finds import add_finds

        rows = add_finds(db, rows, seed)
    rows.sort(key=lambda row: row[0])
    for start in range(0, len(rows), 500):
        with db.unit_of_work(author) as uow:
            for day, criteria in rows[start : start + 500]:
                uow.insert("directory_searches", {"criteria": criteria, "searched_on": day})
    return len(rows)
