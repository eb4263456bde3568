"""The education summary of one child: what the Overview's education and home-education cards show, and the
Education tabs read (`EducationView`). Qt-free; computed from the records in one trip to the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from casedesk.domain.education.records import Enrolment
from casedesk.domain.education.rules import (
    SuspensionCounts,
    ehe_flags,
    national_curriculum_year,
    provision_flags,
    suspension_counts,
    year_label,
)
from casedesk.domain.education.vocab import EheStatus, EheVisitOutcome, LeavingReason, MoveOutcome, ProvisionKind
from casedesk.domain.records import Child, ChronologyEvent, Organisation, Worker
from casedesk.domain.schema import Category
from casedesk.domain.vocab import StatusKind, label_of
from casedesk.store import education_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.education_repo import EducationRecords


@dataclass(frozen=True)
class EducationView:
    """A child's education records with the names they point at."""

    child: Child
    records: EducationRecords
    organisations: dict[str, Organisation]
    workers: dict[str, Worker]
    home_educated: bool  # an elective home education status in force today
    last_entry: ChronologyEvent | None  # the newest education chronology entry (who recorded what, when)

    def school(self, org_id: str | None) -> str:
        return self.organisations[org_id].name if org_id in self.organisations else "—"


@dataclass(frozen=True)
class EducationSummary:
    school: str  # the current school's name, or why there is none
    year: str  # "Year 9"
    on_roll_since: date | None
    moves: int  # schools left (any reason) plus managed moves started
    moves_text: list[str]  # newest first: "Left Oak High (permanent exclusion), 3 Mar 2026"
    suspensions: SuspensionCounts
    provision: list[str]  # current alternative provision and part-time timetables, with flags
    home_education: str | None  # None when never home educated
    missing_education: str | None
    flags: list[str] = field(default_factory=list)
    recorded_by: str | None = None
    recorded_at: datetime | None = None


def load_view(db: Database, child_id: str, today: date | None = None) -> EducationView:
    today = today or date.today()
    with db.session() as session:
        child = repo.get_child(session, child_id)
        records = education_repo.records_for_child(session, child_id)
        statuses = repo.statuses_for_child(session, child_id)
        events = [e for e in repo.events_for_child(session, child_id) if e.category == Category.EDUCATION]
        orgs = repo.organisations(session)
        people = repo.workers(session)
    home = any(s.kind == StatusKind.ELECTIVE_HOME_EDUCATION and s.is_current(today) for s in statuses)
    last = max(events, key=lambda e: e.recorded_at) if events else None
    return EducationView(child, records, orgs, people, home, last)


def view_from_record(
    db: Database,
    child: Child,
    statuses: list[Any],
    events: list[ChronologyEvent],
    orgs: dict[str, Organisation],
    people: dict[str, Worker],
    today: date,
) -> EducationView:
    """The education view from a child's record already loaded (the child page's): only the education records
    are read, so the Overview costs one more trip, not a second reading of the chronology."""
    with db.session() as session:
        records = education_repo.records_for_child(session, child.id)
    home = any(s.kind == StatusKind.ELECTIVE_HOME_EDUCATION and s.is_current(today) for s in statuses)
    education = [e for e in events if e.category == Category.EDUCATION]
    last = max(education, key=lambda e: e.recorded_at) if education else None
    return EducationView(child, records, orgs, people, home, last)


def summarise(view: EducationView, today: date | None = None) -> EducationSummary:
    today = today or date.today()
    r, child = view.records, view.child
    current = [e for e in r.enrolments if e.is_current(today)]
    on_roll = next((e for e in current if e.school_id == child.current_school_id), current[0] if current else None)
    if child.current_school_id:
        school = view.school(child.current_school_id)
    elif view.home_educated:
        school = "No school: electively home educated"
    else:
        school = "No current school"
    moves = _moves(view, r.enrolments)
    flags: list[str] = []
    provision = []
    for p in r.provisions:
        if p.is_current(today):
            found = provision_flags(p, today)
            flags.extend(found)
            until = f" until {p.planned_end_date:%d %b %Y}" if p.planned_end_date else ""
            text = f"{label_of(ProvisionKind, p.kind)}: {p.provider}, {p.sessions_per_week} sessions a week{until}"
            provision.append(text + (f" — {'; '.join(found)}" if found else ""))
    for m in r.moves:
        if not m.outcome:
            trial = f" (trial until {m.trial_end_date:%d %b %Y})" if m.trial_end_date else ""
            provision.append(f"Managed move to {view.school(m.host_school_id)}{trial}")
            if m.trial_end_date and m.trial_end_date < today:
                flags.append("Managed move trial past its end date with no outcome")
    home = None
    if r.ehe_cases:
        case = r.ehe_cases[-1]
        officer = view.workers[case.officer_id].name if case.officer_id in view.workers else "no officer named"
        if case.closed_on is None:
            contact = (
                f"first contact {case.first_contact_on:%d %b %Y}"
                if case.first_contact_on
                else f"first contact due {case.first_contact_due:%d %b %Y}"
            )
            home = f"{label_of(EheStatus, case.status)} since {case.notified_on:%d %b %Y} ({officer}); {contact}"
            visits = [v for v in r.ehe_visits if v.case_id == case.id]
            if visits:
                outcome = label_of(EheVisitOutcome, visits[-1].outcome).lower()
                home += f"; last visit {visits[-1].visited_on:%d %b %Y}: {outcome}"
        else:
            ended = label_of(EheStatus, case.status).lower()
            home = f"Home educated {case.notified_on:%d %b %Y} – {case.closed_on:%d %b %Y} ({ended})"
        flags.extend(ehe_flags(case, today))
    missing = None
    if r.cme_enquiries:
        enquiry = r.cme_enquiries[-1]
        steps = [s for s in r.cme_steps if s.enquiry_id == enquiry.id]
        if enquiry.closed_on is None:
            missing = f"Missing education enquiry open since {enquiry.opened_on:%d %b %Y}, {len(steps)} step(s) taken"
            flags.append("Missing education: enquiry open")
        else:
            missing = f"Missing education enquiry closed {enquiry.closed_on:%d %b %Y}"
    last = view.last_entry
    return EducationSummary(
        school=school,
        year=year_label(national_curriculum_year(child.date_of_birth, today)),
        on_roll_since=on_roll.start_date if on_roll else None,
        moves=len(moves),
        moves_text=moves,
        suspensions=suspension_counts(r.exclusions, today),
        provision=provision,
        home_education=home,
        missing_education=missing,
        flags=flags,
        recorded_by=last.author if last else None,
        recorded_at=last.recorded_at if last else None,
    )


def _moves(view: EducationView, enrolments: list[Enrolment]) -> list[str]:
    """Every school the child left, and every managed move, newest first (off-rolling included, by name)."""
    dated: list[tuple[date, str]] = []
    for e in enrolments:
        if e.end_date and e.leaving_reason != LeavingReason.MANAGED_MOVE:
            reason = label_of(LeavingReason, e.leaving_reason) if e.leaving_reason else "reason not recorded"
            dated.append((e.end_date, f"Left {view.school(e.school_id)} ({reason.lower()}), {e.end_date:%d %b %Y}"))
    for m in view.records.moves:
        outcome = label_of(MoveOutcome, m.outcome).lower() if m.outcome else "trial running"
        dated.append(
            (m.start_date, f"Managed move to {view.school(m.host_school_id)} ({outcome}), {m.start_date:%d %b %Y}")
        )
    return [text for _, text in sorted(dated, reverse=True)]
