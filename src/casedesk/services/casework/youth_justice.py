"""Youth justice: out-of-court disposals and court orders with their case manager, and police contact or arrest.

A police contact or an arrest is a chronology entry of its own (youth justice category), which the child's school
sees through the chronology (and, once alerts exist, is told about by one).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from casedesk.domain.casework.records import YouthJusticeOutcome
from casedesk.domain.casework.youth_justice import ORDERS, OutcomeKind, PoliceContact
from casedesk.domain.records import Changes
from casedesk.domain.schema import Category
from casedesk.domain.vocab import EventKind, Significance
from casedesk.errors import ValidationError
from casedesk.services.casework.checks import known, not_future, raise_if, worker_name
from casedesk.services.casework.chronicle import chronicle
from casedesk.store import casework_repo
from casedesk.store.database import Database


def _significance(kind: OutcomeKind) -> Significance:
    if kind.custody:
        return Significance.CRITICAL
    return Significance.SIGNIFICANT if kind.in_court else Significance.NOTABLE


class YouthJusticeService:
    def __init__(self, db: Database, author: str) -> None:
        self.db = db
        self.author = author

    def outcomes(self, child_id: str) -> list[YouthJusticeOutcome]:
        with self.db.session() as session:
            return casework_repo.for_child(session, YouthJusticeOutcome, child_id)

    def add_outcome(
        self,
        child_id: str,
        kind: str,
        outcome_on: date,
        *,
        end_date: date | None = None,
        organisation_id: str | None = None,
        case_manager_id: str | None = None,
        offence: str | None = None,
        notes: str | None = None,
        today: date | None = None,
    ) -> tuple[str, Changes]:
        errors: list[tuple[str, str]] = []
        if kind not in {k.value for k in OutcomeKind}:
            errors.append(("kind", "Unknown outcome."))
        not_future(errors, today or date.today(), outcome_on=outcome_on)
        if end_date is not None and end_date < outcome_on:
            errors.append(("end_date", "Before the outcome."))
        if offence is not None and len(offence) > 300:
            errors.append(("offence", "At most 300 characters."))
        known(self.db, errors, workers={"case_manager_id": case_manager_id}, orgs={"organisation_id": organisation_id})
        raise_if(errors, "Please correct the youth justice outcome.")
        outcome = OutcomeKind(kind)
        values = {
            "child_id": child_id,
            "kind": kind,
            "outcome_on": outcome_on,
            "end_date": end_date,
            "organisation_id": organisation_id,
            "case_manager_id": case_manager_id,
            "offence": (offence or "").strip() or None,
            "notes": (notes or "").strip() or None,
        }
        manager = worker_name(self.db, case_manager_id)
        lines: list[str] = [
            f"Offence: {values['offence']}." if values["offence"] else "",
            f"Until {end_date:%d %b %Y}." if end_date and outcome in ORDERS else "",
            f"Case manager: {manager}." if manager else "",
            str(values["notes"] or ""),
        ]
        with self.db.unit_of_work(self.author) as uow:
            row_id = uow.insert("youth_justice_outcomes", values)
            chronicle(
                uow,
                self.author,
                child_id,
                kind=EventKind.YOUTH_JUSTICE_OUTCOME,
                category=Category.YOUTH_JUSTICE,
                summary=outcome.label,
                on=outcome_on,
                body="\n".join(x for x in lines if x) or None,
                significance=_significance(outcome),
                organisation_id=organisation_id,
                related_id=row_id,
            )
        return row_id, uow.changes

    def end_outcome(self, outcome_id: str, end: date) -> Changes:
        with self.db.session() as session:
            current = casework_repo.get(session, YouthJusticeOutcome, outcome_id)
        if end < current.outcome_on:
            raise ValidationError("An order cannot end before it starts.", [("end_date", "Before the start.")])
        with self.db.unit_of_work(self.author) as uow:
            uow.update("youth_justice_outcomes", outcome_id, {"end_date": end})
            chronicle(
                uow,
                self.author,
                current.child_id,
                kind=EventKind.YOUTH_JUSTICE_OUTCOME,
                category=Category.YOUTH_JUSTICE,
                summary=f"{OutcomeKind(current.kind).label} ended",
                on=end,
                organisation_id=current.organisation_id,
                related_id=outcome_id,
            )
        return uow.changes

    def record_police_contact(
        self,
        child_id: str,
        kind: str,
        occurred_at: datetime,
        summary: str,
        body: str | None = None,
        organisation_id: str | None = None,
    ) -> tuple[str, Changes]:
        """A police contact or arrest, as a youth-justice chronology entry (an arrest is significant)."""
        errors: list[tuple[str, str]] = []
        if kind not in {k.value for k in PoliceContact}:
            errors.append(("kind", "Police contact or arrest."))
        if not summary.strip():
            errors.append(("summary", "Required."))
        if occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        if occurred_at > datetime.now(UTC) + timedelta(minutes=5):
            errors.append(("occurred_at", "In the future."))
        known(self.db, errors, workers={}, orgs={"organisation_id": organisation_id})
        raise_if(errors, "Please correct the police contact.")
        contact = PoliceContact(kind)
        significance = Significance.SIGNIFICANT if contact is PoliceContact.ARREST else Significance.NOTABLE
        with self.db.unit_of_work(self.author) as uow:
            event_id = chronicle(
                uow,
                self.author,
                child_id,
                kind=contact.value,
                category=Category.YOUTH_JUSTICE,
                summary=f"{contact.label}: {summary.strip()}",
                on=occurred_at,
                body=(body or "").strip() or None,
                significance=significance,
                organisation_id=organisation_id,
            )
        return event_id, uow.changes
