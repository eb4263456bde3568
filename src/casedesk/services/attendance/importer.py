"""`casedesk import attendance FILE.csv` and the app's import: a school system's register, long or wide layout.

All or nothing: the file is read (`casedesk.domain.attendance.register_csv`), every pupil matched to a child — by
UPN, then by names and date of birth — and every school URN to a school in the register; only when nothing is
wrong are the marks written, in one unit of work. Each problem is named with its row and column; pupils who match
no child are listed (with `skip_unmatched` their rows are left out and listed instead, for a school's whole
register of which CaseDesk holds a few children). Re-importing a period writes nothing new; a mark that differs
from the one held supersedes it and keeps the original (`marks.write_marks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from casedesk.domain.attendance import register_csv
from casedesk.domain.attendance.register_csv import Pupil, Register
from casedesk.domain.attendance.week import Mark
from casedesk.domain.records import Changes
from casedesk.errors import ValidationError
from casedesk.services.attendance.marks import write_marks
from casedesk.store import attendance_repo
from casedesk.store.database import Database


@dataclass
class AttendanceImport:
    layout: str
    marks: int = 0  # marks in the file that were written or already held
    added: int = 0
    unchanged: int = 0
    corrected: int = 0
    children: int = 0
    withdrawn: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{self.layout} layout: {self.marks:,} marks for {self.children:,} children — {self.added:,} new, "
            f"{self.unchanged:,} already held, {self.corrected:,} corrected (originals kept in the chronology)"
        ]
        out += [f"withdrawn code: {w}" for w in self.withdrawn]
        out += [f"not imported (no such child): {u}" for u in self.unmatched]
        return out


class _Children:
    """Children by UPN and by (given name, family name, date of birth), and schools by URN."""

    def __init__(self, db: Database) -> None:
        with db.session() as session:
            rows, schools = attendance_repo.pupils(session)
        self.by_upn = {r.upn.upper(): r.id for r in rows if r.upn}
        self.by_name: dict[tuple[str, str, date], list[str]] = {}
        for r in rows:
            self.by_name.setdefault((r.given_name.casefold(), r.family_name.casefold(), r.date_of_birth), []).append(
                r.id
            )
        self.school_of = {r.id: r.current_school_id for r in rows}
        self.schools = {str(urn): org_id for urn, org_id in schools}

    def match(self, pupil: Pupil) -> str | None:
        if pupil.upn and pupil.upn in self.by_upn:
            return self.by_upn[pupil.upn]
        if pupil.given_name and pupil.family_name and pupil.date_of_birth:
            found = self.by_name.get(
                (pupil.given_name.casefold(), pupil.family_name.casefold(), pupil.date_of_birth), []
            )
            if len(found) == 1:
                return found[0]
        return None


def read_file(path: Path) -> Register:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name} is not UTF-8 text (save it as CSV UTF-8).") from exc
    except OSError as exc:
        raise ValidationError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    try:
        return register_csv.read(text, path.name)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def import_register(
    db: Database,
    path: Path,
    author: str,
    *,
    school_urn: str | None = None,
    skip_unmatched: bool = False,
    today: date | None = None,
) -> tuple[AttendanceImport, Changes]:
    register = read_file(path)
    problems = list(register.problems)
    children = _Children(db)
    report = AttendanceImport(register.layout, withdrawn=list(register.withdrawn))
    default_school = None
    if school_urn:
        default_school = children.schools.get(school_urn.strip())
        if default_school is None:
            problems.insert(0, ("school", f"no school with URN {school_urn!r} in the register"))
    matched: dict[tuple[str, ...], str | None] = {}
    for key, (number, pupil) in register.pupil_rows.items():
        child_id = matched[key] = children.match(pupil)
        if child_id is None:
            where = "upn" if pupil.upn else "date_of_birth"
            if skip_unmatched:
                report.unmatched.append(f"row {number}: {pupil.describe()}")
            else:
                problems.append((f"row {number} {where}", f"no child matches {pupil.describe()}"))
    pairs: list[tuple[str, Mark]] = []
    bad_urns: set[str] = set()
    for mark in register.marks:
        child_id = matched.get(mark.pupil.key)
        if child_id is None:
            continue
        school = default_school
        if mark.school_urn:
            school = children.schools.get(mark.school_urn)
            if school is None and mark.school_urn not in bad_urns:
                bad_urns.add(mark.school_urn)
                problems.append(
                    (f"row {mark.row} school_urn", f"no school with URN {mark.school_urn!r} in the register")
                )
        pairs.append((child_id, Mark(mark.day, mark.half, mark.code, school or children.school_of.get(child_id))))
    if problems:
        raise ValidationError(f"{path.name}: {len(problems)} problem(s); nothing was imported", problems)
    with db.unit_of_work(author) as uow:
        written = write_marks(uow, pairs, reason=f"imported from {path.name}", today=today)
        uow.note("import", "attendance_weeks", "-", file=path.name, marks=len(pairs), layout=register.layout)
    report.marks = len(pairs)
    report.added, report.unchanged, report.corrected = written.added, written.unchanged, len(written.corrected)
    report.children = len({child for child, _ in pairs})
    return report, uow.changes
