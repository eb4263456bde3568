"""`casedesk demo`: write realistic synthetic children through the unit of work, like any other data.

Going through the unit of work (not raw SQL) means demo data is journaled, audited and syncs exactly as real
records would, so the benchmarks and the later features exercise the real paths. Children are written in
batches, each batch one transaction, so memory stays flat for large demos.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from casedesk.config import DEMO_SEEDS, PROFILE, Profile
from casedesk.services import policy
from casedesk.services.demo.data import DemoData, generate_demo
from casedesk.services.profile import has_profile
from casedesk.store import repositories as repo
from casedesk.store.database import Database

DEMO_AUTHOR = "casedesk-demo"
BATCH_CHILDREN = 500
_CHILD_TABLES = (
    "status_periods",
    "involvements",
    "ehc_plans",
    "peps",
    "youth_justice_outcomes",
    "enrolments",
    "exclusions",
    "managed_moves",
    "provisions",
    "ehe_cases",
    "ehe_visits",
    "cme_enquiries",
    "cme_steps",
    "events",
)


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    workers: int
    children: int
    status_periods: int
    involvements: int
    events: int
    services: int = 0  # sample directory services added (none when the database already had a directory)
    referrals: int = 0
    triage_results: int = 0  # recorded Presenting Needs Checks
    triage_drafts: int = 0
    attendance_marks: int = 0  # session marks over the last year, for every child at school

    def __str__(self) -> str:
        return (
            f"{self.children:,} children, {self.events:,} chronology events, {self.status_periods:,} status periods, "
            f"{self.involvements:,} involvements across {self.organisations:,} organisations"
            + (f", {self.services} sample directory services" if self.services else "")
            + (f", {self.referrals} referrals" if self.referrals else "")
            + (f", {self.triage_results} needs checks ({self.triage_drafts} drafts)" if self.triage_results else "")
            + (f", {self.attendance_marks:,} attendance marks" if self.attendance_marks else "")
        )


def _demo_profile(db: Database, data: DemoData) -> None:
    """A database the demo made from nothing gets a user: the first demo school's safeguarding lead, so the app
    opens as a named person at an organisation (a profile set at first run is kept)."""
    if has_profile(db):
        return
    school = next(o for o in data.organisations if o["kind"] == "school")
    dsl = next(w for w in data.workers if w["organisation_id"] == school["id"])
    profile = Profile(
        name=dsl["name"],
        role=dsl["role"],
        organisation=school["name"],
        organisation_kind="school",
        email=dsl.get("email") or "",
        phone=dsl.get("phone") or "",
    )
    db.put(PROFILE, profile)


def seed_demo(
    db: Database,
    children: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    attendance: bool = True,
    year_of_activity: bool = False,
) -> DemoSummary:
    """Demo data through the unit of work; `attendance` adds a year of marks per child at school (about 40 week
    rows each: leave it out for very large demos); `year_of_activity` the year of needs checks and referrals the
    dashboards show (`year`: the demo people explore has it)."""
    policy.require_demo_data(db)
    if children < 1 or children > 200_000:
        from casedesk.errors import ValidationError

        raise ValidationError("The number of demo children must be between 1 and 200,000.")
    data = generate_demo(children, seed=seed, today=today)
    # The generated ids depend on the day (they are time-ordered), so the guard also remembers, per seed, the
    # first organisation it wrote: re-running on another day is refused too, while a run that failed before
    # writing anything may be repeated.
    loaded = db.get(DEMO_SEEDS)
    first_org: str = data.organisations[0]["id"]
    with db.session() as session:
        held = repo.organisations(session, [first_org, loaded.get(str(seed), first_org)])
    if held:
        from casedesk.errors import ValidationError

        raise ValidationError(f"This database already holds the demo data for seed {seed}; use another --seed.")
    db.put(DEMO_SEEDS, {**loaded, str(seed): first_org})
    write_demo_data(db, data, progress)
    _demo_profile(db, data)
    from casedesk.services.demo.attendance import seed_demo_attendance

    marks = seed_demo_attendance(db, data, seed, today or date.today(), DEMO_AUTHOR) if attendance else 0
    from casedesk.services.directory.service import DirectoryService

    services, _ = DirectoryService(db, DEMO_AUTHOR).load_sample()
    from casedesk.services.demo.reviews import set_demo_review_dates
    from casedesk.services.guidance.service import load_sample_guidance

    set_demo_review_dates(db, today or date.today(), DEMO_AUTHOR)
    load_sample_guidance(db, DEMO_AUTHOR)
    from casedesk.services.demo.triage import seed_demo_triage

    triage_results, triage_drafts = seed_demo_triage(db, seed, today or date.today(), DEMO_AUTHOR)
    from casedesk.services.demo.year import seed_demo_year

    year = seed_demo_year(db, seed, today or date.today(), DEMO_AUTHOR) if year_of_activity else (0, 0)
    from casedesk.services.demo.referrals import seed_demo_referrals

    referral_count = seed_demo_referrals(db, seed, today or date.today(), DEMO_AUTHOR)
    from casedesk.services.demo.activity import seed_demo_searches

    seed_demo_searches(db, seed, today or date.today(), DEMO_AUTHOR, finds=year_of_activity)  # for the dashboards
    from casedesk.services.demo.meetings import seed_demo_meetings

    seed_demo_meetings(db, seed, today or date.today(), DEMO_AUTHOR)
    from casedesk.services.demo.alerts import seed_demo_alert_patterns

    seed_demo_alert_patterns(db, data, today or date.today(), DEMO_AUTHOR)
    from casedesk.services.demo.sharing import seed_demo_sharing

    seed_demo_sharing(db, data, seed)  # the area's agreements, and what they keep from the demo school
    from casedesk.services.demo.sharing import seed_demo_override

    seed_demo_override(db, data, seed, datetime.combine(today or date.today(), time(9), UTC))  # in the Audit tab
    return DemoSummary(
        services=services,
        referrals=referral_count + year[1],
        triage_results=triage_results + year[0],
        triage_drafts=triage_drafts,
        attendance_marks=marks,
        organisations=len(data.organisations),
        workers=len(data.workers),
        children=len(data.children),
        status_periods=len(data.status_periods),
        involvements=len(data.involvements),
        events=len(data.events),
    )


def write_demo_data(db: Database, data: DemoData, progress: Callable[[int, int], None] | None = None) -> None:
    """The generated rows through the unit of work, a batch of children per transaction (also the benchmark's)."""
    related: dict[str, dict[str, list[dict[str, Any]]]] = {t: defaultdict(list) for t in _CHILD_TABLES}
    for table in _CHILD_TABLES:
        for row in getattr(data, table):
            related[table][row["child_id"]].append(row)
    with db.unit_of_work(DEMO_AUTHOR) as uow:
        for row in data.organisations:
            uow.insert("organisations", row)
        for row in data.workers:
            uow.insert("workers", row)
    written = 0
    for start in range(0, len(data.children), BATCH_CHILDREN):
        batch = data.children[start : start + BATCH_CHILDREN]
        with db.unit_of_work(DEMO_AUTHOR) as uow:
            for child in batch:
                uow.insert("children", child)
                for table in _CHILD_TABLES:
                    for row in related[table].get(child["id"], ()):
                        uow.insert(table, row)
        written += len(batch)
        if progress:
            progress(written, len(data.children))
