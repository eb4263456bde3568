"""Elective home education and children missing education.

Removing a child from a school's roll to be educated at home ends the enrolment with that reason, clears the
current school, starts the EHE status and opens an EHE case for the local authority's EHE officer (first contact
due within `FIRST_CONTACT_WORKING_DAYS`), naming their team as involved so its devices receive the child. Visits
record whether the education is suitable; the case may go down the school attendance order route, or close
when the child returns to school (which ends the EHE status and enrols them).

A child missing education has an enquiry: the steps taken to find them, then how it closed.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from casedesk.domain.education.records import CmeEnquiry, EheCase, Enrolment
from casedesk.domain.education.rules import FIRST_CONTACT_WORKING_DAYS
from casedesk.domain.education.vocab import (
    CmeOutcome,
    CmeReason,
    CmeStepKind,
    EheStatus,
    EheVisitOutcome,
    LeavingReason,
)
from casedesk.domain.records import Changes
from casedesk.domain.vocab import EventKind, InvolvementRole, Significance, StatusKind, label_of
from casedesk.errors import ValidationError
from casedesk.services.education import schools
from casedesk.services.education.base import clean, require
from casedesk.services.education.chronicle import chronicle
from casedesk.services.education.school import SchoolHistory
from casedesk.services.education.summary import EducationSummary, EducationView, load_view, summarise
from casedesk.store import calendar, education_repo
from casedesk.store import repositories as repo


class HomeEducation(SchoolHistory):
    # -- elective home education -------------------------------------------------------------------------------
    def remove_to_home_education(
        self,
        child_id: str,
        last_day: date,
        *,
        notified_on: date | None = None,
        officer_id: str | None = None,
        note: str | None = None,
    ) -> tuple[str, Changes]:
        """Off the roll to home education: returns the new EHE case's id."""
        notified = notified_on or last_day
        with self.db.session() as session:
            child = repo.get_child(session, child_id)
            on_roll = self._current_enrolments(session, child_id, last_day)
            officer = repo.workers(session, [officer_id]).get(officer_id) if officer_id else None
            involved = repo.involvements_for_child(session, child_id)
            open_cases = [c for c in education_repo.for_child(session, EheCase, child_id) if c.closed_on is None]
            statuses = repo.statuses_for_child(session, child_id)
        errors: list[tuple[str, str]] = []
        if officer_id and officer is None:
            errors.append(("officer_id", "Unknown worker."))
        if open_cases:
            errors.append(("child_id", "The child already has an open home education case."))
        if notified < last_day - timedelta(days=60):
            errors.append(("notified_on", "Long before the last day on roll."))
        require(errors)
        previous = child.current_school_id or (on_roll[0].school_id if on_roll else None)
        with self.db.unit_of_work(self.actor) as uow:
            for enrolment in on_roll:
                self._leave(uow, enrolment, last_day, LeavingReason.ELECTIVE_HOME_EDUCATION, child.current_school_id)
            if child.current_school_id and not any(e.school_id == child.current_school_id for e in on_roll):
                uow.update("children", child_id, {"current_school_id": None})
            if not any(s.kind == StatusKind.ELECTIVE_HOME_EDUCATION and s.is_current(last_day) for s in statuses):
                uow.insert(
                    "status_periods",
                    {
                        "child_id": child_id,
                        "kind": StatusKind.ELECTIVE_HOME_EDUCATION.value,
                        "start_date": last_day + timedelta(days=1),
                    },
                )
            case_id = uow.insert(
                "ehe_cases",
                {
                    "child_id": child_id,
                    "organisation_id": officer.organisation_id if officer else None,
                    "officer_id": officer_id,
                    "previous_school_id": previous,
                    "notified_on": notified,
                    "first_contact_due": calendar.working_days(self.db).after(notified, FIRST_CONTACT_WORKING_DAYS),
                    "status": EheStatus.OPEN.value,
                    "note": clean(note),
                },
            )
            if officer and not any(
                i.organisation_id == officer.organisation_id and i.end_date is None for i in involved
            ):
                uow.insert(
                    "involvements",
                    {
                        "child_id": child_id,
                        "organisation_id": officer.organisation_id,
                        "worker_id": officer.id,
                        "role": InvolvementRole.EHE_OFFICER.value,
                        "start_date": notified,
                    },
                )
            school = repo.organisations(uow.session, [previous]).get(previous) if previous else None
            chronicle(
                uow,
                child_id,
                EventKind.REMOVED_FROM_ROLL,
                last_day,
                f"Removed from roll{f' at {school.name}' if school else ''} for elective home education",
                related_id=case_id,
                body=note,
                organisation_id=previous,
                significance=Significance.SIGNIFICANT,
            )
        return case_id, uow.changes

    def add_ehe_visit(
        self, case_id: str, visited_on: date, outcome: str, note: str | None = None
    ) -> tuple[str, Changes]:
        """A visit or meeting with the family; the first one is the case's first contact."""
        if outcome not in {o.value for o in EheVisitOutcome}:
            raise ValidationError("Choose the visit's outcome.", [("outcome", "Unknown outcome.")])
        with self.db.session() as session:
            case = education_repo.get(session, EheCase, case_id)
        if visited_on < case.notified_on:
            raise ValidationError("The visit is before the notification.", [("visited_on", "Too early.")])
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert(
                "ehe_visits",
                {
                    "case_id": case_id,
                    "child_id": case.child_id,
                    "visited_on": visited_on,
                    "outcome": outcome,
                    "note": clean(note),
                },
            )
            if case.first_contact_on is None:
                uow.update("ehe_cases", case_id, {"first_contact_on": visited_on})
            chronicle(
                uow,
                case.child_id,
                EventKind.HOME_EDUCATION,
                visited_on,
                f"Home education visit: {label_of(EheVisitOutcome, outcome).lower()}",
                related_id=row_id,
                body=note,
                organisation_id=case.organisation_id,
                significance=Significance.SIGNIFICANT
                if outcome == EheVisitOutcome.NOT_SUITABLE
                else Significance.ROUTINE,
            )
        return row_id, uow.changes

    def ehe_attendance_order(self, case_id: str, on: date, note: str | None = None) -> Changes:
        """Education not shown to be suitable: the case goes down the school attendance order route."""
        with self.db.session() as session:
            case = education_repo.get(session, EheCase, case_id)
        if case.closed_on is not None:
            raise ValidationError("This case is closed.", [("status", "Closed.")])
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("ehe_cases", case_id, {"status": EheStatus.SCHOOL_ATTENDANCE_ORDER.value})
            chronicle(
                uow,
                case.child_id,
                EventKind.HOME_EDUCATION,
                on,
                "Home education: school attendance order route started",
                related_id=case_id,
                body=note,
                organisation_id=case.organisation_id,
                significance=Significance.SIGNIFICANT,
            )
        return uow.changes

    def ehe_return_to_school(self, case_id: str, school_id: str, start: date) -> Changes:
        """Back to school: the case closes, the EHE status ends the day before and the child is enrolled."""
        with self.db.session() as session:
            case = education_repo.get(session, EheCase, case_id)
            self._school_name(session, school_id)
            statuses = repo.statuses_for_child(session, case.child_id)
        if case.closed_on is not None:
            raise ValidationError("This case is closed.", [("status", "Closed.")])
        if start < case.notified_on:
            raise ValidationError("Before the case began.", [("start_date", "Too early.")])
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("ehe_cases", case_id, {"status": EheStatus.RETURNED_TO_SCHOOL.value, "closed_on": start})
            for period in statuses:
                if period.kind == StatusKind.ELECTIVE_HOME_EDUCATION and period.end_date is None:
                    uow.update(
                        "status_periods", period.id, {"end_date": max(period.start_date, start - timedelta(days=1))}
                    )
        changes = uow.changes
        _, more = self.enrol(case.child_id, school_id, start, note="Returned from elective home education")
        return changes | more

    def close_ehe_case(self, case_id: str, on: date, note: str | None = None) -> Changes:
        with self.db.session() as session:
            case = education_repo.get(session, EheCase, case_id)
        if case.closed_on is not None:
            raise ValidationError("This case is already closed.", [("status", "Closed.")])
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("ehe_cases", case_id, {"status": EheStatus.CLOSED.value, "closed_on": on})
            chronicle(
                uow,
                case.child_id,
                EventKind.HOME_EDUCATION,
                on,
                "Home education case closed",
                related_id=case_id,
                body=note,
                organisation_id=case.organisation_id,
            )
        return uow.changes

    # -- children missing education ------------------------------------------------------------------------
    def open_cme_enquiry(
        self, child_id: str, opened_on: date, reason: str, note: str | None = None
    ) -> tuple[str, Changes]:
        if reason not in {r.value for r in CmeReason}:
            raise ValidationError("Choose why the child is missing education.", [("reason", "Unknown reason.")])
        with self.db.session() as session:
            repo.get_child(session, child_id)
            open_ones = [e for e in education_repo.for_child(session, CmeEnquiry, child_id) if e.closed_on is None]
        if open_ones:
            raise ValidationError("An enquiry is already open for this child.", [("child_id", "Already open.")])
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert(
                "cme_enquiries", {"child_id": child_id, "opened_on": opened_on, "reason": reason, "note": clean(note)}
            )
            chronicle(
                uow,
                child_id,
                EventKind.MISSING_EDUCATION,
                opened_on,
                f"Missing education enquiry opened: {label_of(CmeReason, reason).lower()}",
                related_id=row_id,
                body=note,
                significance=Significance.SIGNIFICANT,
            )
        return row_id, uow.changes

    def add_cme_step(self, enquiry_id: str, done_on: date, step: str, note: str | None = None) -> tuple[str, Changes]:
        if step not in {s.value for s in CmeStepKind}:
            raise ValidationError("Choose the step taken.", [("step", "Unknown step.")])
        with self.db.session() as session:
            enquiry = education_repo.get(session, CmeEnquiry, enquiry_id)
        errors: list[tuple[str, str]] = []
        if enquiry.closed_on is not None:
            errors.append(("enquiry_id", "This enquiry is closed."))
        if done_on < enquiry.opened_on:
            errors.append(("done_on", "Before the enquiry opened."))
        require(errors)
        with self.db.unit_of_work(self.actor) as uow:
            row_id = uow.insert(
                "cme_steps",
                {
                    "enquiry_id": enquiry_id,
                    "child_id": enquiry.child_id,
                    "done_on": done_on,
                    "step": step,
                    "note": clean(note),
                },
            )
            chronicle(
                uow,
                enquiry.child_id,
                EventKind.MISSING_EDUCATION,
                done_on,
                f"Missing education enquiry: {label_of(CmeStepKind, step).lower()}",
                related_id=row_id,
                body=note,
                significance=Significance.ROUTINE,
            )
        return row_id, uow.changes

    def close_cme_enquiry(self, enquiry_id: str, on: date, outcome: str, note: str | None = None) -> Changes:
        if outcome not in {o.value for o in CmeOutcome}:
            raise ValidationError("Choose how the enquiry ended.", [("outcome", "Unknown outcome.")])
        with self.db.session() as session:
            enquiry = education_repo.get(session, CmeEnquiry, enquiry_id)
        if enquiry.closed_on is not None or on < enquiry.opened_on:
            raise ValidationError("This enquiry cannot close on that day.", [("closed_on", "Closed or too early.")])
        with self.db.unit_of_work(self.actor) as uow:
            uow.update("cme_enquiries", enquiry_id, {"outcome": outcome, "closed_on": on})
            chronicle(
                uow,
                enquiry.child_id,
                EventKind.MISSING_EDUCATION,
                on,
                f"Missing education enquiry closed: {label_of(CmeOutcome, outcome).lower()}",
                related_id=enquiry_id,
                body=note,
            )
        return uow.changes


class EducationService(HomeEducation):
    """Every education use case (`col.education`): recording, the summary, and the schools register."""

    def enrolments(self, child_id: str) -> list[Enrolment]:
        with self.db.session() as session:
            return education_repo.for_child(session, Enrolment, child_id)

    def view(self, child_id: str, today: date | None = None) -> EducationView:
        return load_view(self.db, child_id, today)

    def view_and_summary(self, child_id: str, today: date | None = None) -> tuple[EducationView, EducationSummary]:
        """What the School, Suspensions and Home education tabs show, in one trip to the database."""
        view = load_view(self.db, child_id, today)
        return view, summarise(view, today)

    def summary(self, child_id: str, today: date | None = None) -> EducationSummary:
        """What the Overview's education and home-education cards show."""
        return summarise(load_view(self.db, child_id, today), today)

    def search_schools(self, text: str, limit: int = 50) -> list[dict[str, Any]]:
        return schools.search_schools(self.db, text, limit)

    def import_schools(self, path: Path) -> tuple[schools.SchoolsImport, Changes]:
        return schools.import_schools_file(self.db, path, self.actor)
