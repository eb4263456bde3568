"""Use cases for a child's record: create (with the duplicate check), view, edit, statuses, involvements, notes.

Each method owns its unit of work and returns `(result, Changes)`, so the UI can refresh exactly what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from casedesk.domain.casework.records import EhcPlan, Pep, YouthJusticeOutcome
from casedesk.domain.records import (
    Changes,
    Child,
    ChronologyEvent,
    Involvement,
    Organisation,
    StatusPeriod,
    Worker,
)
from casedesk.domain.validation import normalise_child, validate_child
from casedesk.domain.vocab import InvolvementRole
from casedesk.domain.working_days import WEEKDAYS, WorkingDays
from casedesk.errors import Conflict, ValidationError
from casedesk.services import export
from casedesk.services.caseload import CaseloadData, indexed_matches, load_caseload_data
from casedesk.services.casework.chronicle import chronicle_involvement, chronicle_status
from casedesk.services.import_children import ImportReport, import_children_op
from casedesk.store import calendar, casework_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database

SIMILAR_NAME_SCORE = 85
CLOSE_BIRTH_DAYS = 31


class DuplicateChild(Conflict):
    """The same UPN or NHS number is already held: the user must open the existing record instead."""

    def __init__(self, existing: list[Child]) -> None:
        names = ", ".join(c.full_name for c in existing)
        super().__init__(f"This child is already recorded (same UPN or NHS number): {names}.")
        self.existing = existing


class PossibleDuplicate(Conflict):
    """Children with a similar name and the same or a close date of birth: the user must decide."""

    def __init__(self, candidates: list[Child]) -> None:
        super().__init__(f"{len(candidates)} child(ren) with a similar name and date of birth are already recorded.")
        self.candidates = candidates


@dataclass(frozen=True)
class ChildView:
    """Everything the single view of a child shows."""

    child: Child
    statuses: list[StatusPeriod]
    involvements: list[Involvement]
    events: list[ChronologyEvent]
    organisations: dict[str, Organisation]
    workers: dict[str, Worker]
    amended_ids: frozenset[str] = field(default_factory=frozenset)
    ehc_plans: list[EhcPlan] = field(default_factory=list)
    peps: list[Pep] = field(default_factory=list)
    youth_justice: list[YouthJusticeOutcome] = field(default_factory=list)
    calendar: WorkingDays = WEEKDAYS  # the working days due dates are counted in (bank holidays the server gave)


class ChildrenService:
    def __init__(self, db: Database, author: str) -> None:
        self.db = db
        self.author = author

    # -- creating ----------------------------------------------------------------------------------------------
    def import_csv(self, path: Path, stop: Callable[[], bool] | None = None) -> tuple[ImportReport, Changes]:
        """Children from a CSV file, all or nothing (`stop` cancels and keeps nothing), with what views refresh."""
        return import_children_op(self.db, path, self.author, stop)

    def check_new_child(self, values: dict[str, Any], today: date | None = None) -> tuple[dict[str, Any], list[Child]]:
        """Normalise and validate; raise on errors or a hard duplicate; return (values, similar children)."""
        today = today or date.today()
        values = normalise_child(values)
        report = validate_child(values, today)
        if report.errors:
            raise ValidationError("Please correct the highlighted details.", list(report.errors))
        with self.db.session() as session:
            same_id = repo.find_children_by_identifier(session, values.get("upn"), values.get("nhs_number"))
            if same_id:
                raise DuplicateChild(same_id)
            dob: date = values["date_of_birth"]
            window = timedelta(days=CLOSE_BIRTH_DAYS)
            nearby = repo.children_born_between(session, dob - window, dob + window)
        wanted = f"{values['given_name']} {values['family_name']}".lower()
        similar = [
            c
            for c in nearby
            if max(
                fuzz.token_sort_ratio(wanted, c.full_name.lower()),
                fuzz.token_sort_ratio(wanted, f"{c.preferred_name or ''} {c.family_name}".lower()),
            )
            >= SIMILAR_NAME_SCORE
        ]
        return values, similar

    def create_child(
        self,
        values: dict[str, Any],
        *,
        different_from: list[str] | None = None,
        reason: str | None = None,
        today: date | None = None,
    ) -> tuple[Child, Changes]:
        """Create a child. Similar existing children block unless the user confirms, with a reason, it is not them."""
        values, similar = self.check_new_child(values, today)
        unconfirmed = [c for c in similar if c.id not in set(different_from or [])]
        if unconfirmed:
            raise PossibleDuplicate(unconfirmed)
        if similar and not (reason and reason.strip()):
            raise ValidationError("Say why this is a different child.", [("reason", "A reason is required.")])
        with self.db.unit_of_work(self.author) as uow:
            child_id = uow.insert("children", {k: v for k, v in values.items() if v is not None})
            for other in similar:
                uow.note("different-child", "children", child_id, reason=reason, other_child_id=other.id)
        with self.db.session() as session:
            return repo.get_child(session, child_id), uow.changes

    # -- reading -----------------------------------------------------------------------------------------------
    def view(self, child_id: str) -> ChildView:
        with self.db.session() as session:
            child = repo.get_child(session, child_id)
            statuses = repo.statuses_for_child(session, child_id)
            involvements = repo.involvements_for_child(session, child_id)
            events = repo.events_for_child(session, child_id)
            orgs = repo.organisations(session)
            people = repo.workers(session)
            plans = casework_repo.for_child(session, EhcPlan, child_id)
            peps = casework_repo.for_child(session, Pep, child_id)
            outcomes = casework_repo.for_child(session, YouthJusticeOutcome, child_id)
        amended = frozenset(e.amends_id for e in events if e.amends_id)
        days = calendar.working_days(self.db)
        return ChildView(child, statuses, involvements, events, orgs, people, amended, plans, peps, outcomes, days)

    def caseload(self) -> CaseloadData:
        """Every child with badges and named workers, and the filter lists, for the Caseload page."""
        return load_caseload_data(self.db)

    def indexed_matches(self, text: str) -> list[str] | None:
        """Child ids from the full-text index for what was typed (None when too short to look up)."""
        return indexed_matches(self.db, text)

    # -- disclosing (audited) ------------------------------------------------------------------------------------
    def export_json(self, child_id: str, out: Path) -> Path:
        """The child's whole record as JSON (a subject access export)."""
        export.write_export(self.db, out, self.author, child_id)  # audited only once the file is complete
        return out

    def write_chronology_pdf(self, child_id: str, out: Path, now: datetime | None = None) -> Path:
        export.write_chronology_pdf(self.db, child_id, self.author, out, now or datetime.now(UTC))
        return out

    # -- editing -----------------------------------------------------------------------------------------------
    def update_child(self, child_id: str, changes: dict[str, Any], today: date | None = None) -> tuple[Child, Changes]:
        with self.db.session() as session:
            current = repo.get_child(session, child_id)
        unknown = set(changes) - set(_as_dict(current)) | ({"id"} & set(changes))
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        merged = normalise_child({**_as_dict(current), **changes})
        report = validate_child(merged, today or date.today())
        if report.errors:
            raise ValidationError("Please correct the highlighted details.", list(report.errors))
        updates = {k: merged[k] for k in changes if k in merged}
        with self.db.unit_of_work(self.author) as uow:
            uow.update("children", child_id, updates)
        with self.db.session() as session:
            return repo.get_child(session, child_id), uow.changes

    def add_event(
        self,
        child_id: str,
        *,
        kind: str,
        summary: str,
        occurred_at: datetime,
        category: str = "general",
        significance: str = "routine",
        body: str | None = None,
        organisation_id: str | None = None,
        amends_id: str | None = None,
        restricted: bool = False,
    ) -> tuple[str, Changes]:
        """A chronology entry; `restricted` (third-party information) keeps it within this organisation."""
        if not summary.strip():
            raise ValidationError("A chronology entry needs a summary.", [("summary", "Required.")])
        if occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        now = datetime.now(UTC)
        if occurred_at > now + timedelta(minutes=5):
            raise ValidationError("An event cannot have happened in the future.", [("occurred_at", "In the future.")])
        with self.db.unit_of_work(self.author) as uow:
            event_id = uow.insert(
                "events",
                {
                    "child_id": child_id,
                    "kind": kind,
                    "summary": summary.strip(),
                    "body": (body or "").strip() or None,
                    "occurred_at": occurred_at,
                    "recorded_at": now,
                    "author": self.author,
                    "category": category,
                    "significance": significance,
                    "organisation_id": organisation_id,
                    "amends_id": amends_id,
                    "restricted": True if restricted else None,
                },
            )
        return event_id, uow.changes

    def amend_event(self, event_id: str, *, summary: str, body: str | None, reason: str) -> tuple[str, Changes]:
        """An amendment is a new entry pointing at the original, which stays as it was."""
        if not reason.strip():
            raise ValidationError("Say why the entry is amended.", [("reason", "Required.")])
        with self.db.session() as session:
            original = repo.get_event(session, event_id)
        text = (body or "").strip()
        return self.add_event(
            original.child_id,
            kind=original.kind,
            summary=summary,
            occurred_at=original.occurred_at,
            category=original.category,
            significance=original.significance,
            body=f"{text}\n\nAmendment reason: {reason.strip()}" if text else f"Amendment reason: {reason.strip()}",
            organisation_id=original.organisation_id,
            amends_id=original.id,
            restricted=bool(original.restricted),  # an amendment of restricted information is restricted too
        )

    def add_status(
        self, child_id: str, kind: str, start: date, detail: str | None = None, end: date | None = None
    ) -> tuple[str, Changes]:
        if end is not None and end < start:
            raise ValidationError("A status cannot end before it starts.", [("end_date", "Before the start.")])
        with self.db.unit_of_work(self.author) as uow:
            row_id = uow.insert(
                "status_periods",
                {"child_id": child_id, "kind": kind, "start_date": start, "end_date": end, "detail": detail},
            )
            chronicle_status(uow, self.author, child_id, kind, row_id, f"from {start:%d %b %Y}", start)
        return row_id, uow.changes

    def end_status(self, status_id: str, end: date) -> Changes:
        with self.db.session() as session:
            current = repo.get_status(session, status_id)
        if end < current.start_date:
            raise ValidationError("A status cannot end before it starts.", [("end_date", "Before the start.")])
        with self.db.unit_of_work(self.author) as uow:
            uow.update("status_periods", status_id, {"end_date": end})
            chronicle_status(uow, self.author, current.child_id, current.kind, status_id, f"ended {end:%d %b %Y}", end)
        return uow.changes

    def add_involvement(
        self,
        child_id: str,
        organisation_id: str,
        role: str,
        start: date,
        worker_id: str | None = None,
        end: date | None = None,
    ) -> tuple[str, Changes]:
        """Name an agency (and, when known, its worker) as involved with the child from `start`."""
        values = self._checked_involvement(organisation_id, role, start, worker_id, end)
        with self.db.unit_of_work(self.author) as uow:
            row_id = uow.insert("involvements", {"child_id": child_id, **values})
            chronicle_involvement(self.db, uow, self.author, child_id, row_id, values, "started", start)
        return row_id, uow.changes

    def update_involvement(
        self,
        involvement_id: str,
        organisation_id: str,
        role: str,
        start: date,
        worker_id: str | None = None,
        end: date | None = None,
    ) -> Changes:
        """Correct an involvement: another worker named, a role or the dates put right."""
        values = self._checked_involvement(organisation_id, role, start, worker_id, end)
        with self.db.session() as session:
            current = repo.get_involvement(session, involvement_id)
        with self.db.unit_of_work(self.author) as uow:
            changed = uow.update("involvements", involvement_id, values)
            if changed:
                chronicle_involvement(
                    self.db, uow, self.author, current.child_id, involvement_id, values, "changed", date.today()
                )
        return uow.changes

    def end_involvement(self, involvement_id: str, end: date) -> Changes:
        with self.db.session() as session:
            current = repo.get_involvement(session, involvement_id)
        if end < current.start_date:
            raise ValidationError("An involvement cannot end before it starts.", [("end_date", "Before the start.")])
        with self.db.unit_of_work(self.author) as uow:
            uow.update("involvements", involvement_id, {"end_date": end})
            values = {"organisation_id": current.organisation_id, "worker_id": current.worker_id, "role": current.role}
            chronicle_involvement(self.db, uow, self.author, current.child_id, involvement_id, values, "ended", end)
        return uow.changes

    def _checked_involvement(
        self, organisation_id: str, role: str, start: date, worker_id: str | None, end: date | None
    ) -> dict[str, Any]:
        """The columns of an involvement, refusing an unknown role, a worker of another agency or reversed dates."""
        errors: list[tuple[str, str]] = []
        if role not in {r.value for r in InvolvementRole}:
            errors.append(("role", "Unknown role."))
        if end is not None and end < start:
            errors.append(("end_date", "Before the start."))
        with self.db.session() as session:
            if organisation_id not in repo.organisations(session):
                errors.append(("organisation_id", "Unknown organisation."))
            worker = repo.workers(session).get(worker_id or "") if worker_id else None
        if worker_id and (worker is None or worker.organisation_id != organisation_id):
            errors.append(("worker_id", "Not a worker of that organisation."))
        if errors:
            raise ValidationError("Please correct the involvement.", errors)
        return {
            "organisation_id": organisation_id,
            "role": role,
            "start_date": start,
            "worker_id": worker_id,
            "end_date": end,
        }


def _as_dict(child: Child) -> dict[str, Any]:
    return asdict(child)
