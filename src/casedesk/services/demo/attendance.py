"""A year of attendance marks for every demo child at school, with the patterns a caseload shows.

Deterministic for a seed (its own random stream, so the rest of the demo is unchanged). The year is the 52 weeks
up to the demo's day, school holidays left unmarked and a few planned closures (`#`) per school. Patterns:
most children miss under 5% of sessions (illness, appointments, the odd late mark); a persistent-absence cohort
near the national rate (about one in nine) misses 10–40%; a few miss half or more (severe absence); some families
take a week's holiday in term time (`G`, or `C` where the head agreed); and some children suspended during the
year (always at least one) are seen falling away in the weeks before it, then marked `E` on the days of the
suspension. Marks come as a school system's export would bring them (source `import`, the child's school).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from casedesk.domain.attendance.summary import easter_sunday
from casedesk.domain.attendance.week import Mark
from casedesk.domain.vocab import EventKind
from casedesk.services.attendance.marks import write_marks
from casedesk.store.database import Database

BATCH_CHILDREN = 250
# Share of children in each pattern, and the share of possible sessions they miss.
PATTERNS: tuple[tuple[str, float, tuple[float, float]], ...] = (
    ("good", 0.64, (0.0, 0.04)),
    ("middling", 0.23, (0.04, 0.08)),
    ("persistent", 0.11, (0.10, 0.40)),
    ("severe", 0.02, (0.50, 0.80)),
)
TERM_TIME_HOLIDAY = 0.08
FALLS_AWAY = 0.25  # of children suspended in the year, those seen falling away before it (always at least one)
_AUTHORISED = ("I", "I", "I", "I", "M", "C", "R")
_UNAUTHORISED = ("O", "O", "N", "U", "G")


def is_holiday(day: date) -> bool:
    """English school holidays, near enough for demo registers: summer, Christmas, Easter and the half terms."""
    summer = (day.month == 7 and day.day >= 23) or day.month == 8 or (day.month == 9 and day.day <= 2)
    christmas = (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3)
    easter = easter_sunday(day.year)
    spring_break = easter - timedelta(days=2) <= day <= easter + timedelta(days=8)
    half_terms = any(
        _same_week(day, anchor) for anchor in (date(day.year, 10, 28), date(day.year, 2, 17), date(day.year, 5, 29))
    )
    return summer or christmas or spring_break or half_terms


def _same_week(day: date, anchor: date) -> bool:
    return day - timedelta(days=day.weekday()) == anchor - timedelta(days=anchor.weekday())


def school_days(today: date) -> list[date]:
    first = today - timedelta(days=364)
    days = (first + timedelta(days=n) for n in range(365))
    return [d for d in days if d.weekday() < 5 and not is_holiday(d)]


@dataclass
class _Plan:
    """One child's year: how much they miss, and the days that are not ordinary."""

    rate: float
    unauthorised_share: float
    closures: set[date]
    holiday: set[date] = field(default_factory=set)
    holiday_code: str = "G"
    excluded: set[date] = field(default_factory=set)
    decline: tuple[date, date] | None = None  # (from, until): attendance falling away before a suspension


def _plan(
    rng: random.Random, days: list[date], closures: set[date], suspended: list[date], *, falls_away: bool
) -> _Plan:
    name, _, (low, high) = rng.choices(PATTERNS, [p[1] for p in PATTERNS])[0]
    unauthorised = {"good": 0.1, "middling": 0.3, "persistent": 0.55, "severe": 0.75}[name]
    plan = _Plan(rng.uniform(low, high), unauthorised, closures)
    if rng.random() < TERM_TIME_HOLIDAY:
        start = rng.randrange(max(1, len(days) - 5))
        plan.holiday = set(days[start : start + 5])
        plan.holiday_code = "G" if rng.random() < 0.8 else "C"
    for day in suspended:
        length = rng.randint(1, 5)
        plan.excluded.update(d for d in days if day <= d < day + timedelta(days=length))
    if suspended and falls_away:
        first = min(suspended)
        plan.decline = (first - timedelta(days=42), first)
    return plan


def _code(rng: random.Random, plan: _Plan, day: date, half: str) -> str:
    present = "/" if half == "AM" else "\\"
    if day in plan.closures:
        return "#"
    if day in plan.excluded:
        return "E"
    if day in plan.holiday:
        return plan.holiday_code
    if plan.decline is not None and plan.decline[0] <= day < plan.decline[1]:
        # falling away: absence climbing from the child's usual rate towards most sessions missed
        progress = (day - plan.decline[0]).days / 42
        if rng.random() < plan.rate + (0.6 - plan.rate) * progress:
            return rng.choice(("O", "N", "O", "U", "I"))
        return present
    roll = rng.random()
    if roll < plan.rate:
        return rng.choice(_UNAUTHORISED) if rng.random() < plan.unauthorised_share else rng.choice(_AUTHORISED)
    if roll < plan.rate + 0.01:
        return "L" if half == "AM" else present
    if roll < plan.rate + 0.013:
        return rng.choice(("V", "P", "B"))
    return present


def seed_demo_attendance(db: Database, data: Any, seed: int, today: date, author: str) -> int:
    """Write the year of marks for the demo's children who have a school; returns how many marks."""
    rng = random.Random(seed * 7_919 + 16)
    days = school_days(today)
    closures_by_school: dict[str, set[date]] = {}
    for org in data.organisations:
        if org["kind"] == "school":
            closures_by_school[org["id"]] = set(rng.sample(days, 3)) if len(days) > 3 else set()
    suspensions: dict[str, list[date]] = {}
    for event in data.events:
        if event["kind"] == EventKind.SUSPENSION.value and event.get("amends_id") is None:
            day = event["occurred_at"].date()
            if days and days[0] + timedelta(days=42) <= day <= today:
                suspensions.setdefault(event["child_id"], []).append(day)
    pupils = [c for c in data.children if c.get("current_school_id")]
    written = declined = 0
    for start in range(0, len(pupils), BATCH_CHILDREN):
        pairs: list[tuple[str, Mark]] = []
        for child in pupils[start : start + BATCH_CHILDREN]:
            school = child["current_school_id"]
            suspended = suspensions.get(child["id"], [])
            falls_away = bool(suspended) and (not declined or rng.random() < FALLS_AWAY)
            declined += falls_away
            plan = _plan(rng, days, closures_by_school.get(school, set()), suspended, falls_away=falls_away)
            pairs += (
                (child["id"], Mark(day, half, _code(rng, plan, day, half), school, "import"))
                for day in days
                for half in ("AM", "PM")
            )
        with db.unit_of_work(author) as uow:
            write_marks(uow, pairs, reason="demo", today=today)
        written += len(pairs)
    return written
