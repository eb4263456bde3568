"""Attendance marks between devices: a week's row merges session by session, and two schools marking the same
session of a dual-registered pupil meet as a conflict both devices show, never settled by a clock."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from casedesk.services.attendance.service import AttendanceService
from casedesk.store import attendance_repo
from tests.sync.harness import Server, make_device

MONDAY = date(2024, 10, 7)
TODAY = date(2025, 7, 1)


def _codes(db: object, child: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    with db.session() as session:  # type: ignore[attr-defined]
        return {(m.day.isoformat(), m.half): (m.code, m.school_id) for m in attendance_repo.marks_of(session, child)}


def test_two_schools_mark_one_week_of_a_dual_registered_pupil(server: Server, tmp_path: Path) -> None:
    school_a, school_b = server.org("Oakwood Academy"), server.org("Riverside Pupil Referral Unit")
    server.user(school_a, "ann")
    server.user(school_b, "bea")
    ann, bea = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "bea", server, "bea")
    child = ann.add_child("Kai", "Brennan", school_a)
    with ann.db.unit_of_work("ann") as uow:  # dual registration: the unit is involved too
        uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": school_b, "role": "senco", "start_date": date(2024, 9, 1)},
        )
    assert ann.sync().digest_ok and bea.sync().digest_ok

    at_a, at_b = AttendanceService(ann.db, "ann"), AttendanceService(bea.db, "bea")
    at_a.record_mark(child, MONDAY, "AM", "/", school_id=school_a, today=TODAY)  # both mark Monday morning
    at_a.record_mark(child, MONDAY, "PM", "\\", school_id=school_a, today=TODAY)
    at_b.record_mark(child, MONDAY, "AM", "/", school_id=school_b, today=TODAY)
    at_b.record_mark(child, date(2024, 10, 9), "AM", "D", school_id=school_b, today=TODAY)  # only B marks Wednesday

    assert ann.sync().conflicts == 0
    second = bea.sync()
    assert second.conflicts == 1
    ann.sync()

    for device in (ann, bea):
        codes = _codes(device.db, child)
        # merged by session: Monday PM from A and Wednesday from B are on both devices
        assert codes[("2024-10-07", "PM")] == ("\\", school_a)
        assert codes[("2024-10-09", "AM")] == ("D", school_b)
        # the session both marked keeps the first school's mark until a person decides
        assert codes[("2024-10-07", "AM")] == ("/", school_a)
        (conflict,) = device.service.conflicts()
        assert conflict.entity == "attendance_weeks" and conflict.field == "mon_am" and conflict.critical
        assert {c["value"] for c in conflict.candidates} == {f"/|{school_a}|typed", f"/|{school_b}|typed"}
        with device.db.session() as session:
            totals = attendance_repo.all_totals(session)[child]
        assert (totals.possible, totals.absent) == (2, 0)  # D is not a possible session

    (conflict,) = bea.service.conflicts()
    bea.service.resolve(conflict.conflict_id, f"/|{school_b}|typed", "bea")
    bea.sync(), ann.sync()
    assert _codes(ann.db, child)[("2024-10-07", "AM")] == ("/", school_b)
    assert ann.service.conflicts() == []


def test_a_school_that_stops_seeing_the_child_keeps_none_of_their_marks(server: Server, tmp_path: Path) -> None:
    school_a, school_b = server.org("Oakwood Academy"), server.org("Riverside Pupil Referral Unit")
    server.user(school_a, "ann")
    server.user(school_b, "bea")
    ann, bea = make_device(tmp_path, "ann", server, "ann"), make_device(tmp_path, "bea", server, "bea")
    child = ann.add_child("Kai", "Brennan", school_a)
    with ann.db.unit_of_work("ann") as uow:
        placement = uow.insert(
            "involvements",
            {"child_id": child, "organisation_id": school_b, "role": "senco", "start_date": date(2024, 9, 1)},
        )
    AttendanceService(ann.db, "ann").record_mark(child, MONDAY, "AM", "O", school_id=school_a, today=TODAY)
    ann.sync(), bea.sync()
    assert _codes(bea.db, child) == {("2024-10-07", "AM"): ("O", school_a)}
    bea.edit("involvements", placement, end_date=date.today() - timedelta(days=1))
    assert bea.sync().purged == [child]
    with bea.db.session() as session:
        assert attendance_repo.weeks_of(session, [child]) == {} and attendance_repo.all_totals(session) == {}
    assert _codes(ann.db, child) == {("2024-10-07", "AM"): ("O", school_a)}  # the school that still sees them
