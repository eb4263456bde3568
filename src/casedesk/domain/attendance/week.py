"""A week of marks: the unit attendance is stored and synced in.

One row per child per school week (Monday to Friday, ten sessions), one field per session. Sync merges by field,
so two devices marking different sessions of a week both keep theirs, and two marks of the *same* session from
different schools (a dual-registered pupil) or different corrections meet as a conflict for a person, never a
silent overwrite. The row id follows from the child and the week (a name-based UUID), so every device that marks
a week of a child writes the same row.

A session's value is `CODE|SCHOOL|SOURCE`: the DfE code, the id of the school that took the register (may be
empty when unknown) and where the mark came from (`import` or `typed`). Equal marks from two roads are equal
values, so importing the same register on two devices never conflicts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from casedesk.domain.attendance.codes import Category, category_of

DAYS = ("mon", "tue", "wed", "thu", "fri")
SESSIONS: tuple[str, ...] = tuple(f"{d}_{half}" for d in DAYS for half in ("am", "pm"))
SOURCES = ("import", "typed")
MARK_LENGTH = 60  # code (≤ 2) + school id (36) + source (6) + separators
_NAMESPACE = uuid.UUID("6c1d4d1e-8f2b-5a47-9a39-0c3c0d2a7e11")


def week_start(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def week_id(child_id: str, monday: date) -> str:
    """The one row id every device uses for this child's week."""
    return str(uuid.uuid5(_NAMESPACE, f"{child_id}:{monday.isoformat()}"))


def session_field(day: date, half: str) -> str:
    """The field of a week row holding `day`'s AM or PM session; weekends have none."""
    if day.weekday() > 4:
        raise ValueError(f"{day.isoformat()} is a {day.strftime('%A')}: registers here hold Monday to Friday")
    half = half.strip().lower()
    if half not in ("am", "pm"):
        raise ValueError(f"session {half!r} is neither AM nor PM")
    return f"{DAYS[day.weekday()]}_{half}"


def session_day(monday: date, field: str) -> tuple[date, str]:
    """(day, "AM"/"PM") of a week row's session field."""
    name, half = field.split("_")
    return monday + timedelta(days=DAYS.index(name)), half.upper()


@dataclass(frozen=True, slots=True)
class Mark:
    """One session's mark for one child."""

    day: date
    half: str  # "AM" or "PM"
    code: str
    school_id: str | None = None
    source: str = "import"

    @property
    def category(self) -> Category:
        return category_of(self.code)

    def encode(self) -> str:
        return f"{self.code}|{self.school_id or ''}|{self.source}"

    @property
    def field(self) -> str:
        return session_field(self.day, self.half)


def decode(day: date, half: str, value: str) -> Mark:
    code, _, rest = value.partition("|")
    school, _, source = rest.partition("|")
    return Mark(day, half, code, school or None, source or "import")


def week_marks(monday: date, sessions: dict[str, str | None]) -> list[Mark]:
    """The marks a week row holds, in session order."""
    out = []
    for name in SESSIONS:
        value = sessions.get(name)
        if value:
            day, half = session_day(monday, name)
            out.append(decode(day, half, value))
    return out
