"""Working days: Monday to Friday, less England's bank holidays, for when a referral must be acknowledged, a home
educator first contacted or a first PEP held, and for how long services took to acknowledge.

A referral sent on a Friday and acknowledged on the Monday took one working day, not three calendar days; over
Christmas the bank holidays do not count either. The holidays come from GOV.UK's list (`parse_govuk` reads its
JSON, https://www.gov.uk/bank-holidays.json); the server keeps the newest one it was given and falls back to the
list bundled with the sector's library (`casedesk.server.reports.holidays`), and devices keep the list the server
gives them (`casedesk.store.calendar`). A device that has never been given one counts Monday to Friday only.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DIVISION = "england-and-wales"  # England's bank holidays (GOV.UK lists England and Wales together)


@dataclass(frozen=True)
class WorkingDays:
    holidays: frozenset[date]
    _sorted: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sorted", tuple(sorted(self.holidays)))

    @staticmethod
    def of(holidays: Iterable[date]) -> WorkingDays:
        return WorkingDays(frozenset(holidays))

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def after(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (0: `start` itself): two working days after a Friday is the
        Tuesday, or the Wednesday when the Monday is a bank holiday."""
        day = start
        while days > 0:
            day += timedelta(days=1)
            if self.is_working(day):
                days -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`: the same day is 0, Friday to Monday is 1.
        Negative when `end` is before `start`."""
        if end < start:
            return -self.between(end, start)
        return self._weekdays_to(end) - self._weekdays_to(start) - self._holidays_in(start, end)

    @staticmethod
    def _weekdays_to(day: date) -> int:
        """Weekdays from a fixed Monday up to and including `day` (only differences are used)."""
        days = (day - date(2000, 1, 3)).days
        weeks, rest = divmod(days, 7)
        return weeks * 5 + min(rest + 1, 5)

    def _holidays_in(self, start: date, end: date) -> int:
        """Holidays on a weekday after `start`, up to and including `end`."""
        low, high = bisect_right(self._sorted, start), bisect_right(self._sorted, end)
        return sum(1 for day in self._sorted[low:high] if day.weekday() < 5)


WEEKDAYS = WorkingDays(frozenset())  # Monday to Friday, before a device has been given the bank holidays


def parse_govuk(document: Mapping[str, Any]) -> frozenset[date]:
    """England's bank holidays from GOV.UK's bank-holidays JSON; ValueError saying what is wrong otherwise."""
    division = document.get(DIVISION) if isinstance(document, Mapping) else None
    events = division.get("events") if isinstance(division, Mapping) else None
    if not isinstance(events, list) or not events:
        raise ValueError(
            f'not GOV.UK\'s bank holidays: no "{DIVISION}" events (see https://www.gov.uk/bank-holidays.json)'
        )
    out = set()
    for i, event in enumerate(events):
        text = event.get("date") if isinstance(event, Mapping) else None
        try:
            out.add(date.fromisoformat(str(text)))
        except ValueError:
            raise ValueError(f"{DIVISION} event {i + 1} has no date written YYYY-MM-DD (found {text!r})") from None
    return frozenset(out)
