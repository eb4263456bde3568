"""Care and the virtual school: child in need, child protection and looked-after periods with the allocated social
worker, and personal education plans (PEPs) for looked-after children with when the next is due.

Care periods are status periods (so the caseload's badges and the sharing rules treat them like any status); the
category of abuse of a child protection plan is its `detail`, from the CIN census code list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casedesk.domain.casework import care as rules
from casedesk.domain.casework.records import Pep
from casedesk.domain.coherence import Period, pep_warnings
from casedesk.domain.records import Changes, StatusPeriod
from casedesk.domain.schema import STATUS_CATEGORIES, Category
from casedesk.domain.vocab import EventKind, Significance, StatusKind
from casedesk.domain.working_days import WorkingDays
from casedesk.services.casework.checks import known, not_future, raise_if, worker_name
from casedesk.services.casework.chronicle import chronicle
from casedesk.store import calendar, casework_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

_SIGNIFICANCE = {
    StatusKind.CHILD_IN_NEED: Significance.NOTABLE,
    StatusKind.CHILD_PROTECTION_PLAN: Significance.SIGNIFICANT,
    StatusKind.LOOKED_AFTER: Significance.SIGNIFICANT,
}


@dataclass(frozen=True)
class PepState:
    """Where a looked-after child's PEPs stand today (None fields: not looked after now)."""

    looked_after_since: date | None
    latest: Pep | None
    due: date | None
    overdue: bool


class CareService:
    def __init__(self, db: Database, author: str) -> None:
        self.db = db
        self.author = author

    # -- care periods ----------------------------------------------------------------------------------------
    def start_period(
        self,
        child_id: str,
        kind: str,
        start: date,
        worker_id: str | None = None,
        category: str | None = None,
        today: date | None = None,
    ) -> tuple[str, Changes]:
        """A child in need, child protection or looked-after period from `start`, with its allocated social worker."""
        errors: list[tuple[str, str]] = []
        if kind not in {k.value for k in rules.CARE_STATUSES}:
            errors.append(("kind", "Not a care status."))
        if kind == StatusKind.CHILD_PROTECTION_PLAN and category not in rules.abuse_categories():
            errors.append(("detail", "Give the category of abuse."))
        if kind != StatusKind.CHILD_PROTECTION_PLAN and category is not None:
            errors.append(("detail", "Only a child protection plan has a category of abuse."))
        not_future(errors, today or date.today(), start_date=start)
        known(self.db, errors, workers={"worker_id": worker_id}, orgs={})
        raise_if(errors, "Please correct the care period.")
        status = StatusKind(kind)
        words = status.label
        if category:
            words += f" (category: {rules.abuse_categories()[category].lower()})"
        name = worker_name(self.db, worker_id)
        with self.db.unit_of_work(self.author) as uow:
            row_id = uow.insert(
                "status_periods",
                {"child_id": child_id, "kind": kind, "start_date": start, "detail": category, "worker_id": worker_id},
            )
            chronicle(
                uow,
                self.author,
                child_id,
                kind=EventKind.STATUS_CHANGE,
                category=STATUS_CATEGORIES[status].value,
                summary=f"{words} from {start:%d %b %Y}",
                on=start,
                related_id=row_id,
                significance=_SIGNIFICANCE[status],
                body=f"Allocated social worker: {name}." if name else None,
            )
        return row_id, uow.changes

    def allocate_worker(self, period_id: str, worker_id: str, on: date | None = None) -> Changes:
        """Name another allocated social worker for a care period (a chronology entry says who and when)."""
        errors: list[tuple[str, str]] = []
        known(self.db, errors, workers={"worker_id": worker_id}, orgs={})
        raise_if(errors, "Choose a known worker.")
        with self.db.session() as session:
            period = repo.get_status(session, period_id)
        status = StatusKind(period.kind)
        with self.db.unit_of_work(self.author) as uow:
            uow.update("status_periods", period.id, {"worker_id": worker_id})
            chronicle(
                uow,
                self.author,
                period.child_id,
                kind=EventKind.STATUS_CHANGE,
                category=STATUS_CATEGORIES[status].value,
                on=on or date.today(),
                related_id=period.id,
                summary=f"Social worker allocated ({status.label}): {worker_name(self.db, worker_id)}",
            )
        return uow.changes

    # -- PEPs ------------------------------------------------------------------------------------------------
    def peps(self, child_id: str) -> list[Pep]:
        with self.db.session() as session:
            return casework_repo.for_child(session, Pep, child_id)

    def pep_warnings(self, child_id: str, held_on: date) -> list[str]:
        """What the app asks the user to confirm before recording a PEP (domain/coherence.py)."""
        with self.db.session() as session:
            periods = [Period(p.kind, p.start_date, p.end_date) for p in repo.statuses_for_child(session, child_id)]
        return pep_warnings(periods, [held_on])

    def add_pep(
        self,
        child_id: str,
        held_on: date,
        *,
        next_due_on: date | None = None,
        school_id: str | None = None,
        designated_teacher: str | None = None,
        officer_id: str | None = None,
        targets: str | None = None,
        progress: str | None = None,
        today: date | None = None,
    ) -> tuple[str, Changes]:
        """Record a PEP meeting; the next is due by the end of the following term unless another date is given."""
        errors: list[tuple[str, str]] = []
        not_future(errors, today or date.today(), held_on=held_on)
        due = next_due_on or rules.next_pep_due(held_on)
        if due <= held_on:
            errors.append(("next_due_on", "On or before the meeting."))
        known(self.db, errors, workers={"officer_id": officer_id}, orgs={"school_id": school_id})
        raise_if(errors, "Please correct the PEP.")
        values = {
            "child_id": child_id,
            "held_on": held_on,
            "next_due_on": due,
            "school_id": school_id,
            "designated_teacher": (designated_teacher or "").strip() or None,
            "officer_id": officer_id,
            "targets": (targets or "").strip() or None,
            "progress": (progress or "").strip() or None,
        }
        body = "\n".join(
            line
            for line in (
                f"Designated teacher: {values['designated_teacher']}." if values["designated_teacher"] else "",
                f"Virtual-school officer: {worker_name(self.db, officer_id)}." if officer_id else "",
                f"Targets: {values['targets']}" if values["targets"] else "",
                f"Progress: {values['progress']}" if values["progress"] else "",
            )
            if line
        )
        with self.db.unit_of_work(self.author) as uow:
            row_id = uow.insert("peps", values)
            chronicle(
                uow,
                self.author,
                child_id,
                kind=EventKind.PEP,
                category=Category.SOCIAL_CARE,
                on=held_on,
                summary=f"Personal education plan (PEP) meeting; next due by {due:%d %b %Y}",
                body=body or None,
                related_id=row_id,
                organisation_id=school_id,
            )
        return row_id, uow.changes

    def pep_state(self, child_id: str, today: date | None = None) -> PepState:
        today = today or date.today()
        with self.db.session() as session:
            statuses = repo.statuses_for_child(session, child_id)
            peps = casework_repo.for_child(session, Pep, child_id)
        return pep_state(statuses, peps, today, calendar.working_days(self.db))


def pep_state(statuses: list[StatusPeriod], peps: list[Pep], today: date, days: WorkingDays) -> PepState:
    """The PEP position of a child from their status periods and PEPs (also used by the Overview)."""
    current = [p for p in statuses if p.kind == StatusKind.LOOKED_AFTER and p.is_current(today)]
    if not current:
        return PepState(None, peps[-1] if peps else None, None, False)
    since = min(p.start_date for p in current)
    latest = max(peps, key=lambda p: p.held_on) if peps else None
    due = rules.pep_due(since, latest.held_on if latest else None, latest.next_due_on if latest else None, days)
    return PepState(since, latest, due, today > due)
