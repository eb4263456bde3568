"""What the education use cases share: the database, the acting user, and small checks on the register."""

from __future__ import annotations

from datetime import date
from typing import Any

from casedesk.domain.education.records import Enrolment
from casedesk.errors import ValidationError
from casedesk.store import education_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.uow import UnitOfWork


class EducationBase:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def _school_name(self, session: Any, school_id: str, field: str = "school_id") -> str:
        """The school's name, refusing an id that is not a school of the register."""
        school = repo.organisations(session, [school_id]).get(school_id)
        if school is None or school.kind != "school":
            raise ValidationError("Choose a school from the register.", [(field, "Not a school.")])
        return school.name

    @staticmethod
    def _current_enrolments(session: Any, child_id: str, on: date) -> list[Enrolment]:
        return [e for e in education_repo.for_child(session, Enrolment, child_id) if e.is_current(on)]

    @staticmethod
    def _leave(
        uow: UnitOfWork, enrolment: Enrolment, last_day: date, reason: str, current_school_id: str | None
    ) -> None:
        """End an enrolment; the child's current school is cleared when it was this one."""
        uow.update("enrolments", enrolment.id, {"end_date": last_day, "leaving_reason": reason})
        if current_school_id == enrolment.school_id:
            uow.update("children", enrolment.child_id, {"current_school_id": None})


def require(errors: list[tuple[str, str]], message: str = "Please correct the highlighted details.") -> None:
    if errors:
        raise ValidationError(message, errors)


def ordered(errors: list[tuple[str, str]], first: date | None, later: date | None, field: str, what: str) -> None:
    if first is not None and later is not None and later < first:
        errors.append((field, f"{what} is before the start."))


def clean(text: Any) -> str | None:
    return (str(text).strip() or None) if text is not None else None
