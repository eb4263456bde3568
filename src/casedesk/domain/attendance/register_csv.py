"""Reading attendance registers exported by school systems, in either of the two layouts they export.

- **Long**: a row per session — `upn`, `date`, `session` (AM/PM), `code`, optionally the pupil's names and date of
  birth (to match a pupil without a UPN) and `school_urn`.
- **Wide** (the register layout): a row per pupil — `upn`, names, date of birth, optionally `school_urn`, then a
  column per session headed with its date and AM/PM (`2024-09-02 AM`, `02/09/2024 PM`, `Mon 02/09/2024 AM`). An
  empty cell is a session not marked.

Column names are matched ignoring case, spaces and underscores, with the names school systems use
(`Surname`, `Forename`, `DOB`, `Mark`…). Every problem is collected with its row (the header is row 1) and column
before anything is written: unknown codes, dates that are not dates (cells and session headers), weekend sessions,
a session marked twice for one pupil, pupils with no way to be matched. Withdrawn codes (`H`, `J`, `Y`) are
accepted and reported. This module only reads: matching pupils to children is the service's.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from casedesk.domain.attendance.codes import lookup
from casedesk.domain.attendance.week import session_field

MAX_ROWS = 1_000_000

_ALIASES = {
    "upn": ("upn", "uniquepupilnumber"),
    "given_name": ("givenname", "forename", "firstname", "legalforename", "forenames"),
    "family_name": ("familyname", "surname", "lastname", "legalsurname"),
    "date_of_birth": ("dateofbirth", "dob", "birthdate"),
    "date": ("date", "sessiondate"),
    "session": ("session", "ampm", "sessiontype"),
    "code": ("code", "mark", "attendancecode"),
    "school_urn": ("schoolurn", "urn"),
}
_SESSION_HEADER = re.compile(
    r"^(?:[A-Za-z]{3,9}\.?\s+)?(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})\s*[\s:_-]?\s*(AM|PM)$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Pupil:
    """How a row names its pupil."""

    upn: str | None
    given_name: str | None
    family_name: str | None
    date_of_birth: date | None

    @property
    def key(self) -> tuple[str, ...]:
        if self.upn:
            return ("upn", self.upn)
        return (
            "name",
            (self.given_name or "").casefold(),
            (self.family_name or "").casefold(),
            str(self.date_of_birth),
        )

    def describe(self) -> str:
        name = " ".join(p for p in (self.given_name, self.family_name) if p)
        parts = [
            f"UPN {self.upn}" if self.upn else "",
            name,
            self.date_of_birth.isoformat() if self.date_of_birth else "",
        ]
        return ", ".join(p for p in parts if p) or "a pupil with no UPN, name or date of birth"


@dataclass(frozen=True, slots=True)
class RegisterMark:
    row: int
    column: str
    pupil: Pupil
    day: date
    half: str  # "AM" / "PM"
    code: str
    school_urn: str | None


@dataclass
class Register:
    layout: str  # "long" or "wide"
    marks: list[RegisterMark] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # ("row N column", message)
    withdrawn: list[str] = field(default_factory=list)  # "row N column: code H is withdrawn …"
    pupil_rows: dict[tuple[str, ...], tuple[int, Pupil]] = field(default_factory=dict)  # first row naming each


def parse_date(text: str) -> date | None:
    """ISO (2024-09-02) or the UK day/month/year school systems write (02/09/2024)."""
    text = text.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).casefold()


def read(text: str, name: str = "file") -> Register:
    """Parse a register; raises ValueError when it is not a register at all (no usable header)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValueError(f"{name} is empty: the first line must name the columns.")
    header = [cell.strip() for cell in rows[0]]
    if len(header) == 1 and ";" in header[0]:
        raise ValueError(f"{name} looks semicolon-separated; save it comma-separated (CSV UTF-8) and import it again.")
    if len(rows) - 1 > MAX_ROWS:
        raise ValueError(f"{name}: more than {MAX_ROWS:,} rows; split the file.")
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        for wanted, aliases in _ALIASES.items():
            if _norm(cell) in aliases and wanted not in columns:
                columns[wanted] = index
    sessions = [(i, m) for i, cell in enumerate(header) if (m := _SESSION_HEADER.match(cell))]
    if {"date", "session", "code"} <= columns.keys():
        register = Register("long")
        _read_long(rows, header, columns, register)
    elif sessions:
        register = Register("wide")
        _read_wide(rows, header, columns, sessions, register)
    else:
        raise ValueError(
            f"{name} is not an attendance register: expected either date, session and code columns (a row per "
            "session) or a column per session headed like '2024-09-02 AM' (a row per pupil)."
        )
    if "upn" not in columns and not {"given_name", "family_name", "date_of_birth"} <= columns.keys():
        register.problems.insert(
            0, ("row 1", "names no upn column, nor given name, family name and date of birth to match pupils by")
        )
    if len(rows) < 2:
        register.problems.append(("row 2", "the file has a header but no rows"))
    return register


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _pupil(number: int, row: list[str], header: list[str], columns: dict[str, int], register: Register) -> Pupil | None:
    dob_text = _cell(row, columns.get("date_of_birth"))
    dob = parse_date(dob_text) if dob_text else None
    if dob_text and dob is None:
        register.problems.append((f"row {number} {header[columns['date_of_birth']]}", f"{dob_text!r} is not a date"))
        return None
    pupil = Pupil(
        _cell(row, columns.get("upn")).upper() or None,
        _cell(row, columns.get("given_name")) or None,
        _cell(row, columns.get("family_name")) or None,
        dob,
    )
    if not pupil.upn and not (pupil.given_name and pupil.family_name and pupil.date_of_birth):
        register.problems.append((f"row {number}", "no UPN, and not both names and the date of birth"))
        return None
    register.pupil_rows.setdefault(pupil.key, (number, pupil))
    return pupil


def _code(number: int, column: str, text: str, register: Register) -> str | None:
    found = lookup(text)
    if found is None:
        register.problems.append((f"row {number} {column}", f"{text!r} is not an attendance code"))
        return None
    if found.withdrawn:
        register.withdrawn.append(f"row {number} {column}: code {found.code} is withdrawn ({found.description})")
    return found.code


def _session(number: int, column: str, day: date, half: str, register: Register) -> bool:
    try:
        session_field(day, half)
    except ValueError as exc:
        register.problems.append((f"row {number} {column}", str(exc)))
        return False
    return True


def _read_long(rows: list[list[str]], header: list[str], columns: dict[str, int], register: Register) -> None:
    seen: dict[tuple[object, ...], int] = {}
    date_col, session_col, code_col = (header[columns[c]] for c in ("date", "session", "code"))
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        pupil = _pupil(number, row, header, columns, register)
        day_text, half = _cell(row, columns["date"]), _cell(row, columns["session"]).upper()
        day = parse_date(day_text)
        if day is None:
            register.problems.append((f"row {number} {date_col}", f"{day_text!r} is not a date"))
            continue
        if half not in ("AM", "PM"):
            register.problems.append((f"row {number} {session_col}", f"{half!r} is neither AM nor PM"))
            continue
        text = _cell(row, columns["code"])
        code = _code(number, code_col, text, register) if text else None
        if not text:
            register.problems.append((f"row {number} {code_col}", "no code"))
        if pupil is None or code is None or not _session(number, date_col, day, half, register):
            continue
        key = (pupil.key, day, half)
        if key in seen:
            register.problems.append(
                (
                    f"row {number} {date_col}",
                    f"{day.isoformat()} {half} for {pupil.describe()} is also on row {seen[key]}",
                )
            )
            continue
        seen[key] = number
        urn = _cell(row, columns.get("school_urn")) or None
        register.marks.append(RegisterMark(number, code_col, pupil, day, half, code, urn))


def _read_wide(
    rows: list[list[str]],
    header: list[str],
    columns: dict[str, int],
    sessions: list[tuple[int, re.Match[str]]],
    register: Register,
) -> None:
    slots: list[tuple[int, str, date, str]] = []
    seen_headers: dict[tuple[date, str], str] = {}
    for index, match in sessions:
        day = parse_date(match.group(1))
        half = match.group(2).upper()
        column = header[index]
        if day is None:
            register.problems.append((f"row 1 {column}", f"{match.group(1)!r} is not a date"))
            continue
        if not _session(1, column, day, half, register):
            continue
        if (day, half) in seen_headers:
            register.problems.append((f"row 1 {column}", f"the same session as column {seen_headers[(day, half)]!r}"))
            continue
        seen_headers[(day, half)] = column
        slots.append((index, column, day, half))
    pupils_seen: dict[tuple[str, ...], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            register.problems.append((f"row {number}", f"has {len(row) - len(header)} cell(s) more than the header"))
            continue
        pupil = _pupil(number, row, header, columns, register)
        if pupil is None:
            continue
        if pupil.key in pupils_seen:
            register.problems.append((f"row {number}", f"{pupil.describe()} is also on row {pupils_seen[pupil.key]}"))
            continue
        pupils_seen[pupil.key] = number
        urn = _cell(row, columns.get("school_urn")) or None
        for index, column, day, half in slots:
            text = _cell(row, index)
            if not text:
                continue
            code = _code(number, column, text, register)
            if code is not None:
                register.marks.append(RegisterMark(number, column, pupil, day, half, code, urn))
