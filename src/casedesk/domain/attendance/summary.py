"""Attendance summaries by the DfE's method ("Pupil absence in schools in England", methodology).

- Possible sessions are the sessions whose code counts in possible sessions: `D`, `X`, `Q`, `Y1`–`Y7` (and the
  withdrawn `Y`) and the administrative `Z` and `#` are not possible sessions. A pupil who joins mid-term has no
  marks (or `Z`) before joining, so their possible sessions start when they do.
- Attendance is present plus approved educational activity; absence is authorised plus unauthorised; the overall
  absence rate is absence over possible sessions.
- Persistent absence: missing 10% or more of the pupil's own possible sessions; severe absence: 50% or more.

Periods: the academic year runs 1 September to 31 August; terms are autumn (September to December), spring
(January to the day before Easter Sunday) and summer (Easter Sunday to August) — term dates differ between
schools, and Easter holidays have no marks, so a split at Easter counts every school's sessions in the right
term. "Last four weeks" is the 28 days ending on the latest marked day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from casedesk.domain.attendance.codes import Category, codes, lookup
from casedesk.domain.attendance.week import Mark

PERSISTENT_DIVISOR = 10  # one in ten possible sessions missed
SEVERE_DIVISOR = 2  # one in two


def is_persistent(absent: int, possible: int) -> bool:
    """Missed 10% or more of possible sessions (in whole numbers: 38 of 380 is persistent, 37 is not)."""
    return possible > 0 and absent * PERSISTENT_DIVISOR >= possible


def is_severe(absent: int, possible: int) -> bool:
    """Missed 50% or more of possible sessions."""
    return possible > 0 and absent * SEVERE_DIVISOR >= possible


@dataclass(frozen=True)
class Summary:
    """Session counts and rates over one period."""

    label: str
    start: date
    end: date
    present: int = 0
    approved: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_counted: int = 0
    withdrawn: dict[str, int] = field(default_factory=dict)  # withdrawn codes met, with how often

    @property
    def possible(self) -> int:
        return self.present + self.approved + self.authorised + self.unauthorised

    @property
    def attended(self) -> int:
        return self.present + self.approved

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    def _rate(self, count: int) -> float | None:
        return None if self.possible == 0 else 100.0 * count / self.possible

    @property
    def attendance_rate(self) -> float | None:
        return self._rate(self.attended)

    @property
    def absence_rate(self) -> float | None:
        return self._rate(self.absent)

    @property
    def authorised_rate(self) -> float | None:
        return self._rate(self.authorised)

    @property
    def unauthorised_rate(self) -> float | None:
        return self._rate(self.unauthorised)

    @property
    def persistent(self) -> bool:
        return is_persistent(self.absent, self.possible)

    @property
    def severe(self) -> bool:
        return is_severe(self.absent, self.possible)


def summarise(marks: Iterable[Mark], label: str, start: date, end: date) -> Summary:
    """Counts of the marks falling in [start, end]."""
    counts: Counter[Category] = Counter()
    withdrawn: Counter[str] = Counter()
    for mark in marks:
        if not start <= mark.day <= end:
            continue
        code = lookup(mark.code)
        if code is None:
            continue  # never stored: imports and typing refuse unknown codes
        counts[code.category] += 1
        if code.withdrawn:
            withdrawn[code.code] += 1
    return Summary(
        label,
        start,
        end,
        present=counts[Category.PRESENT],
        approved=counts[Category.APPROVED],
        authorised=counts[Category.AUTHORISED],
        unauthorised=counts[Category.UNAUTHORISED],
        not_counted=counts[Category.NOT_COUNTED] + counts[Category.ADMINISTRATIVE],
        withdrawn=dict(sorted(withdrawn.items())),
    )


# -- periods -----------------------------------------------------------------------------------------------------
def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm in Meeus, *Astronomical Algorithms*)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    return date(year, month, (h + ell - 7 * m + 114) % 31 + 1)


def academic_year_of(day: date) -> int:
    """The calendar year the academic year containing `day` starts in (2024 for 2024/25)."""
    return day.year if day.month >= 9 else day.year - 1


def year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class Term:
    name: str
    start: date
    end: date


def terms(start_year: int) -> list[Term]:
    """Autumn, spring and summer of the academic year starting in September of `start_year`."""
    easter = easter_sunday(start_year + 1)
    return [
        Term("Autumn", date(start_year, 9, 1), date(start_year, 12, 31)),
        Term("Spring", date(start_year + 1, 1, 1), easter - timedelta(days=1)),
        Term("Summer", easter, date(start_year + 1, 8, 31)),
    ]


@dataclass(frozen=True)
class ChildSummaries:
    """What the Attendance tab, the caseload and the printed summary show for one academic year."""

    year: Summary
    terms: list[Summary]
    last_four_weeks: Summary | None
    latest: date | None


def summaries(marks: list[Mark], start_year: int | None = None, today: date | None = None) -> ChildSummaries:
    """The year, each term and the last four weeks, for the academic year of the latest mark (or `start_year`)."""
    today = today or date.today()
    known = [m for m in marks if m.day <= today]
    latest = max((m.day for m in known), default=None)
    if start_year is None:
        start_year = academic_year_of(latest or today)
    year_start, year_end = date(start_year, 9, 1), date(start_year + 1, 8, 31)
    in_year = [m for m in known if year_start <= m.day <= year_end]
    year = summarise(in_year, year_label(start_year), year_start, year_end)
    per_term = [summarise(in_year, t.name, t.start, t.end) for t in terms(start_year)]
    last_day = max((m.day for m in in_year), default=None)
    recent = None
    if last_day is not None:
        recent = summarise(in_year, "Last four weeks", last_day - timedelta(days=27), last_day)
    return ChildSummaries(year, per_term, recent, last_day)


def weekly(marks: list[Mark], start: date, end: date) -> list[Summary]:
    """One summary per school week (Monday to Friday) that holds marks between `start` and `end`, in order."""
    weeks: dict[date, list[Mark]] = {}
    for mark in marks:
        if start <= mark.day <= end:
            weeks.setdefault(mark.day - timedelta(days=mark.day.weekday()), []).append(mark)
    return [
        summarise(weeks[monday], f"w/c {monday:%d %b}", monday, monday + timedelta(days=4)) for monday in sorted(weeks)
    ]


@dataclass(frozen=True)
class YearCounts:
    """The caseload's figures for a child: the academic year of their latest mark."""

    start_year: int
    possible: int
    absent: int
    latest: date


def year_counts(codes: list[tuple[date, str]]) -> YearCounts | None:
    """Possible and missed sessions in the academic year of the latest of these (day, code) marks."""
    if not codes:
        return None
    latest = max(day for day, _ in codes)
    start_year = academic_year_of(latest)
    first = date(start_year, 9, 1)
    weights = _weights()
    possible = absent = 0
    for day, code in codes:
        if day >= first:
            counted, missed = weights.get(code, (0, 0))
            possible += counted
            absent += missed
    return YearCounts(start_year, possible, absent, latest)


@cache
def _weights() -> dict[str, tuple[int, int]]:
    """Per code, (1 if a possible session, 1 if an absence): the caseload's counts run over whole registers."""
    return {code: (int(c.category.counted), int(c.category.absent)) for code, c in codes().items()}
