"""Importing registers from school systems: both layouts, matching, idempotence, corrections kept, and malformed
files refused with every problem named and nothing changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.domain.vocab import EventKind
from casedesk.errors import ValidationError
from casedesk.services.attendance.service import AttendanceService
from casedesk.store import attendance_repo
from casedesk.store import repositories as repo
from casedesk.store.database import Database
from casedesk.store.models import AuditRow, OutboxRow
from tests.factories import add_child

UPN_A, UPN_B = "B801200005001", "A801200005002"
TODAY = date(2025, 7, 1)


def _file(tmp_path: Path, text: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _state(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        weeks = session.execute(select(func.count()).select_from(attendance_repo.WEEKS)).scalar_one()
        outbox = session.execute(select(func.count()).select_from(OutboxRow)).scalar_one()
        audit = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    return weeks, outbox, audit


@pytest.fixture
def pupils(db: Database) -> tuple[str, str]:
    a = add_child(db, "Amara", "Osei", date(2012, 4, 5), upn=UPN_A)
    b = add_child(db, "Tom", "Hale", date(2013, 9, 30))  # no UPN: matched by name and date of birth
    return a, b


LONG = (
    "UPN,Surname,Forename,DOB,Date,Session,Mark\n"
    f"{UPN_A},Osei,Amara,05/04/2012,2024-10-07,AM,/\n"
    f"{UPN_A},Osei,Amara,05/04/2012,2024-10-07,PM,\\\n"
    f"{UPN_A},Osei,Amara,05/04/2012,2024-10-08,AM,I\n"
    f"{UPN_A},Osei,Amara,05/04/2012,2024-10-14,AM,O\n"
    ",Hale,Tom,30/09/2013,2024-10-07,AM,L\n"
    ",hale,TOM,2013-09-30,2024-10-07,PM,H\n"
)


def test_long_layout_imports_and_reimport_is_idempotent(db: Database, pupils: tuple[str, str], tmp_path: Path) -> None:
    service = AttendanceService(db, "tester")
    path = _file(tmp_path, LONG)
    report, changes = service.import_file(path, today=TODAY)
    assert report.layout == "long" and report.marks == 6 and report.added == 6 and report.children == 2
    assert report.withdrawn == ["row 7 Mark: code H is withdrawn (Authorised holiday (withdrawn Aug 2024; use C))"]
    assert "attendance_weeks" in changes.entities
    a, b = pupils
    with db.session() as session:
        marks = attendance_repo.marks_of(session, a)
        totals = attendance_repo.all_totals(session)
    assert [(m.day.isoformat(), m.half, m.code) for m in marks] == [
        ("2024-10-07", "AM", "/"),
        ("2024-10-07", "PM", "\\"),
        ("2024-10-08", "AM", "I"),
        ("2024-10-14", "AM", "O"),
    ]
    assert totals[a].possible == 4 and totals[a].absent == 2 and totals[a].severe
    assert totals[b].possible == 2 and totals[b].absent == 1  # L present, H authorised
    before = _state(db)
    assert before[0] == 3  # two weeks for Amara, one for Tom
    again, _ = service.import_file(path, today=TODAY)
    assert (again.added, again.unchanged, again.corrected) == (0, 6, 0)
    weeks, outbox, audit = _state(db)
    assert (weeks, outbox) == before[:2]  # nothing journaled: nothing to sync
    assert audit == before[2] + 1  # only the import itself is recorded


def test_wide_layout_with_empty_cells(db: Database, pupils: tuple[str, str], tmp_path: Path) -> None:
    text = (
        "UPN,Legal Surname,Legal Forename,DOB,Mon 07/10/2024 AM,Mon 07/10/2024 PM,2024-10-08 AM,2024-10-08 PM\n"
        f"{UPN_A},Osei,Amara,2012-04-05,/,\\,C1,\n"
        ",Hale,Tom,2013-09-30,D,D,/,N\n"
    )
    report, _ = AttendanceService(db, "tester").import_file(_file(tmp_path, text), today=TODAY)
    assert report.layout == "wide" and report.marks == 7
    a, b = pupils
    with db.session() as session:
        totals = attendance_repo.all_totals(session)
    assert (totals[a].possible, totals[a].absent) == (3, 1)
    assert (totals[b].possible, totals[b].absent) == (2, 1)  # D is not a possible session


def test_a_changed_mark_supersedes_and_keeps_the_original(
    db: Database, pupils: tuple[str, str], tmp_path: Path
) -> None:
    service = AttendanceService(db, "tester")
    service.import_file(_file(tmp_path, LONG), today=TODAY)
    corrected = LONG.replace("2024-10-14,AM,O", "2024-10-14,AM,M")
    report, _ = service.import_file(_file(tmp_path, corrected, "corrected.csv"), today=TODAY)
    assert (report.added, report.corrected) == (0, 1)
    a, _ = pupils
    with db.session() as session:
        marks = attendance_repo.marks_of(session, a)
        events = [e for e in repo.events_for_child(session, a) if e.kind == EventKind.ATTENDANCE_CORRECTION.value]
        audit = (
            session.execute(select(AuditRow).where(AuditRow.entity == "attendance_weeks", AuditRow.action == "update"))
            .scalars()
            .all()
        )
    assert marks[-1].code == "M"
    assert len(events) == 1 and "O → M" in (events[0].body or "") and "corrected.csv" in (events[0].body or "")
    assert audit[-1].before == {"mon_am": "O||import"} and audit[-1].after == {"mon_am": "M||import"}


def test_malformed_file_is_refused_with_every_problem_and_nothing_changed(
    db: Database, pupils: tuple[str, str], tmp_path: Path
) -> None:
    text = (
        "UPN,Surname,Forename,DOB,Date,Session,Mark\n"
        f"{UPN_A},Osei,Amara,2012-04-05,2024-10-07,AM,/\n"
        f"{UPN_A},Osei,Amara,2012-04-05,2024-10-07,AM,I\n"  # the same session again
        f"{UPN_A},Osei,Amara,2012-04-05,2024-13-40,AM,/\n"  # not a date
        f"{UPN_A},Osei,Amara,2012-04-05,2024-10-08,AM,QQ\n"  # not a code
        f"{UPN_A},Osei,Amara,2012-04-05,2024-10-12,AM,/\n"  # a Saturday
        f"{UPN_B},Nobody,Known,2012-01-01,2024-10-08,AM,/\n"  # no such child
        f"{UPN_A},Osei,Amara,2012-04-05,2024-10-08,XM,/\n"  # no such session
    )
    before = _state(db)
    with pytest.raises(ValidationError) as caught:
        AttendanceService(db, "tester").import_file(_file(tmp_path, text), today=TODAY)
    problems = dict(caught.value.problems)
    assert "also on row 2" in problems["row 3 Date"]
    assert "is not a date" in problems["row 4 Date"]
    assert "'QQ' is not an attendance code" in problems["row 5 Mark"]
    assert "Saturday" in problems["row 6 Date"]
    assert "no child matches UPN A801200005002" in problems["row 7 upn"]
    assert "neither AM nor PM" in problems["row 8 Session"]
    assert _state(db) == before


def test_wide_layout_problems_name_header_cells(db: Database, pupils: tuple[str, str], tmp_path: Path) -> None:
    text = f"UPN,Surname,Forename,DOB,2024-10-07 AM,2024-02-30 AM,07/10/2024 AM\n{UPN_A},Osei,Amara,2012-04-05,/,/,Z9\n"
    before = _state(db)
    with pytest.raises(ValidationError) as caught:
        AttendanceService(db, "tester").import_file(_file(tmp_path, text), today=TODAY)
    problems = dict(caught.value.problems)
    assert "is not a date" in problems["row 1 2024-02-30 AM"]
    assert "same session" in problems["row 1 07/10/2024 AM"]
    assert _state(db) == before


def test_unmatched_pupils_can_be_skipped_and_listed(db: Database, pupils: tuple[str, str], tmp_path: Path) -> None:
    text = LONG + f"{UPN_B},Nobody,Known,2012-01-01,2024-10-08,AM,/\n"
    report, _ = AttendanceService(db, "tester").import_file(_file(tmp_path, text), skip_unmatched=True, today=TODAY)
    assert report.marks == 6 and report.unmatched == ["row 8: UPN A801200005002, Known Nobody, 2012-01-01"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("UPN;Date;Session;Mark\n", "semicolon"),
        ("name,age\nA,3\n", "not an attendance register"),
    ],
)
def test_files_that_are_not_registers(db: Database, tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AttendanceService(db, "tester").import_file(_file(tmp_path, text), today=TODAY)


def test_typed_mark_and_correction_needs_a_reason(db: Database, pupils: tuple[str, str]) -> None:
    service = AttendanceService(db, "tester")
    a, _ = pupils
    service.record_mark(a, date(2024, 10, 7), "AM", "N", today=TODAY)
    with pytest.raises(ValidationError, match="give a reason"):
        service.record_mark(a, date(2024, 10, 7), "AM", "I", today=TODAY)
    with pytest.raises(ValidationError):
        service.record_mark(a, date(2024, 10, 7), "AM", "ZZ", today=TODAY)
    service.record_mark(a, date(2024, 10, 7), "AM", "I", reason="parent rang: ill", today=TODAY)
    view = service.child(a, today=TODAY)
    assert [m.code for m in view.marks] == ["I"] and view.marks[0].source == "typed"
    assert len(view.corrections) == 1 and "parent rang: ill" in (view.corrections[0].body or "")
    assert view.summaries.year.authorised == 1
    assert view.national[0].label == "All pupils" and view.national[0].year == "2016/17"


def test_printed_chronology_carries_the_attendance_summary(
    db: Database, pupils: tuple[str, str], tmp_path: Path
) -> None:
    import shutil
    import subprocess
    from datetime import UTC, datetime

    from casedesk.services.export import export_child, write_chronology_pdf

    service = AttendanceService(db, "tester")
    service.import_file(_file(tmp_path, LONG), today=TODAY)
    a, _ = pupils
    bundle = export_child(db, a, "tester")["children"][0]
    assert [str(w["week_start"]) for w in bundle["attendance_weeks"]] == ["2024-10-07", "2024-10-14"]
    assert bundle["attendance_weeks"][0]["mon_am"] == "/||import"
    out = tmp_path / "chronology.pdf"
    write_chronology_pdf(db, a, "tester", out, datetime(2025, 7, 1, 12, tzinfo=UTC))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    printed = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(printed.split())
    assert "Attendance 2024/25" in text and "Severe absence: 50.0% of possible sessions missed" in text
    assert "2016/17" in text and "All pupils 4.7% absence" in text


def test_command_line_import(
    db: Database, db_path: Path, pupils: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from casedesk.cli.main import main
    from tests.factories import PASSPHRASE

    db.close()
    monkeypatch.setenv("CASEDESK_PASSPHRASE", PASSPHRASE)
    good, bad = _file(tmp_path, LONG), _file(tmp_path, LONG.replace(",O\n", ",QQ\n"), "bad.csv")
    assert main(["import", "attendance", str(bad), "--db", str(db_path)]) == 1
    assert "row 5 Mark: 'QQ' is not an attendance code" in capsys.readouterr().err
    assert main(["import", "attendance", str(good), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "long layout: 6 marks for 2 children — 6 new" in out and "code H is withdrawn" in out
    assert main(["import", "attendance", str(good), "--school", "999999", "--db", str(db_path)]) == 1
    assert "no school with URN '999999'" in capsys.readouterr().err


def test_counts_leave_out_sessions_after_today(db: Database, pupils: tuple[str, str], tmp_path: Path) -> None:
    AttendanceService(db, "tester").import_file(_file(tmp_path, LONG), today=TODAY)
    a, _ = pupils
    for today, possible, absent in ((date(2024, 10, 7), 2, 0), (date(2024, 10, 8), 3, 1), (TODAY, 4, 2)):
        with db.engine.begin() as conn:
            attendance_repo.refresh_totals(conn, [a], today=today)
        with db.session() as session:
            totals = attendance_repo.all_totals(session)[a]
        assert (totals.possible, totals.absent) == (possible, absent), today
