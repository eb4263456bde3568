"""Lists for the command line: every child, needs check or referral with the id a script needs to name it.

Admins and scripts need ids the app never shows (`casedesk export chronology --child ID`). Each list is one row
per record — id, name, date, status — newest first where records have a date that matters, and is recorded in the
audit log as a view, because a list of children's names is itself personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from casedesk.config import DATABASE_ID
from casedesk.domain.referrals.workflow import ReferralStatus
from casedesk.domain.vocab import StatusKind
from casedesk.services.referrals.service import ReferralService
from casedesk.store import referral_repo, triage_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database


@dataclass(frozen=True, slots=True)
class ListRow:
    id: str
    name: str
    date: date | None
    status: str


def list_children(db: Database, today: date) -> list[ListRow]:
    """Every child by name: date of birth, and current statuses (or "no current status")."""
    with db.session() as session:
        children = repo.list_children(session)
        current: dict[str, list[str]] = {}
        for period in repo.current_status_periods(session, today):
            current.setdefault(period.child_id, []).append(StatusKind(period.kind).label)
    rows = [
        ListRow(c.id, c.display_name, c.date_of_birth, ", ".join(sorted(current.get(c.id, []))) or "no current status")
        for c in children
    ]
    return sorted(rows, key=lambda r: (r.name.lower(), r.id))


def list_needs_checks(db: Database, today: date) -> list[ListRow]:
    """Every Presenting Needs Check, newest first: the child's name, the date, and its level or "draft"."""
    with db.session() as session:
        results = triage_repo.all_results(session)
        names = referral_repo.child_names(session, sorted({r.child_id for r in results}))
    rows = []
    for result in results:
        when = (result.completed_at or result.started_at).astimezone().date()
        outcome = result.outcome or {}
        if result.is_complete:
            status = f"level {result.level}" + (f" ({outcome['level_name']})" if outcome.get("level_name") else "")
            status += ", stop" if outcome.get("stop") else ""
        else:
            status = "draft"
        rows.append(ListRow(result.id, names.get(result.child_id, "(child not held)"), when, status))
    return rows


def list_referrals(db: Database, today: date) -> list[ListRow]:
    """Every referral, newest first: child → service, the date sent (or drafted), and where it stands."""
    rows = []
    for item in ReferralService(db, actor="").listing(today):  # a read: nothing is signed
        r = item.referral
        when = r.dated.astimezone().date()
        status = ReferralStatus(r.status).label.lower() + (", acknowledgement overdue" if item.overdue else "")
        rows.append(ListRow(r.id, f"{item.child_name} → {r.service_name}", when, status))
    return sorted(rows, key=lambda row: (row.date or date.min, row.id), reverse=True)


LISTS: dict[str, Callable[[Database, date], list[ListRow]]] = {
    "children": list_children,
    "needs-checks": list_needs_checks,
    "referrals": list_referrals,
}


def list_records(db: Database, what: str, actor: str, today: date | None = None) -> list[ListRow]:
    """One of LISTS, recorded in the audit log as a view by `actor`."""
    rows = LISTS[what](db, today or date.today())
    with db.unit_of_work(actor, journal=False) as uow:
        uow.note("view", "database", db.get(DATABASE_ID), reason=f"listed {what} ({len(rows)} rows)")
    return rows
