"""The attendance use cases the app and the command line call (`col.attendance`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from casedesk.domain.attendance import national
from casedesk.domain.attendance.codes import lookup
from casedesk.domain.attendance.national import NationalFigure
from casedesk.domain.attendance.summary import ChildSummaries, Summary, academic_year_of, summaries, weekly
from casedesk.domain.attendance.week import SOURCES, Mark, session_field
from casedesk.domain.records import Changes, ChronologyEvent
from casedesk.domain.vocab import EventKind, StatusKind
from casedesk.errors import ValidationError
from casedesk.services.attendance.importer import AttendanceImport, import_register
from casedesk.services.attendance.marks import write_marks
from casedesk.store import attendance_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database


@dataclass(frozen=True)
class ChildAttendance:
    """Everything the Attendance tab and the printed summary show for one child."""

    marks: list[Mark]
    summaries: ChildSummaries
    national: list[NationalFigure]
    corrections: list[ChronologyEvent]
    withdrawn: dict[str, int]  # withdrawn codes among all the child's marks
    schools: dict[str, str]  # id → name of the schools that took the registers
    weeks: list[Summary]  # each school week of the academic year shown
    years: list[int]  # the academic years (start years) with marks, newest first


class AttendanceService:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def import_file(
        self, path: Path, *, school_urn: str | None = None, skip_unmatched: bool = False, today: date | None = None
    ) -> tuple[AttendanceImport, Changes]:
        return import_register(
            self.db, path, self.actor, school_urn=school_urn, skip_unmatched=skip_unmatched, today=today
        )

    def record_mark(
        self,
        child_id: str,
        day: date,
        half: str,
        code: str,
        *,
        school_id: str | None = None,
        reason: str = "",
        today: date | None = None,
    ) -> tuple[Mark, Changes]:
        """Type one mark; replacing a different mark needs a reason and keeps the original."""
        found = lookup(code)
        problems = []
        if found is None:
            problems.append(("code", f"{code!r} is not an attendance code"))
        try:
            session_field(day, half)
        except ValueError as exc:
            problems.append(("session", str(exc)))
        if day > (today or date.today()):
            problems.append(("date", "a register is not marked in advance"))
        if problems or found is None:
            raise ValidationError("The mark was not recorded.", problems)
        mark = Mark(day, half.upper(), found.code, school_id, SOURCES[1])
        with self.db.unit_of_work(self.actor) as uow:
            repo.get_child(uow.session, child_id)
            held = {(m.day, m.half): m for m in attendance_repo.marks_of(uow.session, child_id)}
            was = held.get((day, mark.half))
            if was is not None and was.encode() != mark.encode() and not reason.strip():
                raise ValidationError(
                    f"{day.isoformat()} {mark.half} already holds {was.code}: give a reason for the correction.",
                    [("reason", "Required to correct a mark.")],
                )
            write_marks(uow, [(child_id, mark)], reason=reason.strip() or "typed", today=today)
        return mark, uow.changes

    def child(self, child_id: str, start_year: int | None = None, today: date | None = None) -> ChildAttendance:
        today = today or date.today()
        with self.db.session() as session:
            child = repo.get_child(session, child_id)
            marks = attendance_repo.marks_of(session, child_id)
            statuses = [
                s for s in repo.statuses_for_child(session, child_id) if s.end_date is None or s.end_date >= today
            ]
            school_ids = {m.school_id for m in marks if m.school_id}
            schools = {o.id: o.name for o in repo.organisations(session, school_ids).values()}
            corrections = [
                e for e in repo.events_for_child(session, child_id) if e.kind == EventKind.ATTENDANCE_CORRECTION.value
            ]
        result = summaries(marks, start_year, today)
        kinds = {s.kind for s in statuses}
        sen = (
            "ehc_plan" if StatusKind.EHC_PLAN in kinds else ("sen_support" if StatusKind.SEN_SUPPORT in kinds else None)
        )
        figures = national.figures_for(
            child.date_of_birth,
            result.latest or today,
            child.sex,
            free_school_meals=StatusKind.FREE_SCHOOL_MEALS in kinds,
            sen=sen,
        )
        withdrawn: dict[str, int] = {}
        for mark in marks:
            code = lookup(mark.code)
            if code is not None and code.withdrawn:
                withdrawn[code.code] = withdrawn.get(code.code, 0) + 1
        year = result.year
        return ChildAttendance(
            marks,
            result,
            figures,
            corrections,
            withdrawn,
            schools,
            weekly(marks, year.start, min(year.end, today)),
            sorted({academic_year_of(m.day) for m in marks}, reverse=True),
        )

    def totals(self) -> dict[str, attendance_repo.Totals]:
        with self.db.session() as session:
            return attendance_repo.all_totals(session)
