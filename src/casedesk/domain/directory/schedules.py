"""Opening times as people type and read them, and as ORUK 3.0 stores them.

ORUK keeps a schedule's days as iCal codes (`byday` "MO,TU,WE,TH,FR", with `freq` WEEKLY) and its hours as
`opens_at` / `closes_at` times. A directory editor types "Mon-Fri" and "9:30", and a reader wants "Monday to
Friday, 9:30am to 5pm": these functions turn one into the other, and say what is wrong with what cannot be read,
so the editor can name the problem instead of storing a schedule no feed reader understands.
"""

from __future__ import annotations

import re

from casedesk.domain.directory.model import Schedule

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True))
_WORDS = {name[:2].upper(): code for code, name in DAY_NAMES.items()}
_SPANS = {"weekdays": "MO-FR", "weekday": "MO-FR", "weekends": "SA-SU", "weekend": "SA-SU", "daily": "MO-SU"}
_SPANS["every day"] = "MO-SU"
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_STORED_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?([Zz]|[+-]\d{2}:\d{2})?$")
_STORED_DAYS = re.compile(r"^(-?[1-5]?(MO|TU|WE|TH|FR|SA|SU))(,-?[1-5]?(MO|TU|WE|TH|FR|SA|SU))*$")


def _code(word: str) -> str | None:
    """'Mon', 'monday', 'MO', 'tues' → 'MO' / 'TU'; anything else → None."""
    typed = word.strip().rstrip(".").lower()
    if len(typed) < 2:
        return None
    return next((code for code, name in DAY_NAMES.items() if name.lower().startswith(typed)), None)


def parse_days(text: str) -> str | None:
    """Typed days as ORUK `byday`: "Mon-Fri" → "MO,TU,WE,TH,FR"; "Mon, Wed and Fri" → "MO,WE,FR"; "weekdays";
    "MO,TU" as it is. '' → ''. None when a part is not a day (the caller names the problem)."""
    lowered = text.strip().lower()
    if not lowered:
        return ""
    stored = re.sub(r"\s+", "", text).upper()
    if _STORED_DAYS.match(stored):  # already ORUK's codes, "2MO" (a month's second Monday) included
        return stored
    for words, span in _SPANS.items():
        lowered = lowered.replace(words, span.lower())
    parts = [p for p in re.split(r"\s*(?:,|;|&|\band\b|/)\s*", lowered) if p.strip()]
    found: list[str] = []
    for part in parts:
        ends = re.split(r"\s*(?:-|–|\bto\b)\s*", part.strip())
        if len(ends) == 1:
            code = _code(ends[0])
            if code is None:
                return None
            found.append(code)
        elif len(ends) == 2:
            first, last = _code(ends[0]), _code(ends[1])
            if first is None or last is None or DAYS.index(first) > DAYS.index(last):
                return None
            found += DAYS[DAYS.index(first) : DAYS.index(last) + 1]
        else:
            return None
    ordered = [code for code in DAYS if code in found]
    return ",".join(ordered)


def parse_time(text: str) -> str | None:
    """A typed time as ORUK stores it: "9" / "9am" / "09:00" → "09:00:00", "5:30pm" → "17:30:00". '' → ''.
    None when it is not a time of day."""
    match = _TIME.match(text.strip())
    if not text.strip():
        return ""
    if match is None:
        return None
    hours, minutes, seconds, half = int(match[1]), int(match[2] or 0), int(match[3] or 0), (match[4] or "").lower()
    if half:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half == "pm" else 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def clock(value: str | None) -> str:
    """ "09:00:00" → "9am", "13:30:00" → "1:30pm": a stored time as a family would say it."""
    if not value or not _STORED_TIME.match(value):
        return value or ""
    hours, minutes = (int(p) for p in value[:5].split(":"))
    suffix = "am" if hours < 12 else "pm"
    shown = hours % 12 or 12
    return f"{shown}:{minutes:02d}{suffix}" if minutes else f"{shown}{suffix}"


def days_text(byday: str | None) -> str:
    """ "MO,TU,WE,TH,FR" → "Monday to Friday"; days that are not a run are listed ("Monday and Wednesday")."""
    codes = [d.strip().upper() for d in (byday or "").split(",") if d.strip()]
    names = [DAY_NAMES.get(c, c) for c in codes]
    if len(codes) > 2 and all(c in DAYS for c in codes):
        at = [DAYS.index(c) for c in codes]
        if at == list(range(at[0], at[0] + len(at))):
            return f"{names[0]} to {names[-1]}"
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


def short_days(byday: str | None) -> str:
    """ "MO,TU,WE,TH,FR" → "Mon–Fri", for an editor's cell (read back by `parse_days`)."""
    codes = [d.strip().upper() for d in (byday or "").split(",") if d.strip()]
    if not all(c in DAYS for c in codes):
        return byday or ""
    short = [DAY_NAMES[c][:3] for c in codes]
    at = [DAYS.index(c) for c in codes]
    if len(codes) > 2 and at == list(range(at[0], at[0] + len(at))):
        return f"{short[0]}-{short[-1]}"
    return ", ".join(short)


def schedule_text(schedule: Schedule) -> str:
    """One line for a reader: the schedule's own words where it has them, else its days and hours; how it is
    attended after a dot ("Monday to Friday, 9am to 5pm · By phone")."""
    text = schedule.description.strip()
    if not text:
        hours = " to ".join(t for t in (clock(schedule.opens_at), clock(schedule.closes_at)) if t)
        text = ", ".join(p for p in (days_text(schedule.byday), hours) if p)
    return " · ".join(p for p in (text, schedule.attending_type.strip()) if p)


def schedule_problems(schedule: Schedule) -> list[str]:
    """What is wrong with a schedule as stored (empty when nothing is)."""
    problems: list[str] = []
    if schedule.byday and not _STORED_DAYS.match(schedule.byday):
        problems.append(f"'{schedule.byday}' are not days of the week (try Mon-Fri, or Mon, Wed).")
    for name, value in (("opens", schedule.opens_at), ("closes", schedule.closes_at)):
        if value and not _STORED_TIME.match(value):
            problems.append(f"'{value}' is not a time it {name} (try 9:00 or 5:30pm).")
    opens, closes = schedule.opens_at, schedule.closes_at
    if opens and closes and _STORED_TIME.match(opens) and _STORED_TIME.match(closes) and closes[:5] <= opens[:5]:
        problems.append(f"It closes ({clock(closes)}) before it opens ({clock(opens)}).")
    if schedule.freq not in (None, "WEEKLY", "MONTHLY"):
        problems.append(f"'{schedule.freq}' is not WEEKLY or MONTHLY.")
    if not (schedule.description.strip() or schedule.byday or opens or closes or schedule.attending_type.strip()):
        problems.append("An opening time needs days, hours or a description.")
    return problems
