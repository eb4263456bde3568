"""Opening times as people type them and as ORUK stores them: days, times, the reader's line, and the checks that
name what cannot be read."""

from __future__ import annotations

import pytest

from casedesk.domain.directory.model import Schedule
from casedesk.domain.directory.schedules import (
    days_text,
    parse_days,
    parse_time,
    schedule_problems,
    schedule_text,
    short_days,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Mon-Fri", "MO,TU,WE,TH,FR"),
        ("mon, wed and fri", "MO,WE,FR"),
        ("Tues to Thurs", "TU,WE,TH"),
        ("weekdays", "MO,TU,WE,TH,FR"),
        ("weekends", "SA,SU"),
        ("Saturday", "SA"),
        ("MO,TU", "MO,TU"),
        ("2MO", "2MO"),  # a month's second Monday, as an ORUK feed writes it, kept
        ("", ""),
        ("banana", None),
        ("Fri-Mon", None),  # a run backwards is not read as a week wrapping round
    ],
)
def test_typed_days_become_ical_codes(typed: str, stored: str | None) -> None:
    assert parse_days(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9", "09:00:00"),
        ("9am", "09:00:00"),
        ("09:30", "09:30:00"),
        ("5:30pm", "17:30:00"),
        ("12pm", "12:00:00"),
        ("12am", "00:00:00"),
        ("", ""),
        ("25:00", None),
        ("13pm", None),
        ("soon", None),
    ],
)
def test_typed_times_become_oruk_times(typed: str, stored: str | None) -> None:
    assert parse_time(typed) == stored


def test_a_schedule_reads_as_a_family_would_say_it() -> None:
    weekdays = Schedule(
        "s", byday="MO,TU,WE,TH,FR", opens_at="09:00:00", closes_at="17:30:00", attending_type="By phone"
    )
    assert schedule_text(weekdays) == "Monday to Friday, 9am to 5:30pm · By phone"
    assert schedule_text(Schedule("s", description="Term time only", byday="MO")) == "Term time only"
    assert days_text("MO,WE") == "Monday and Wednesday" and days_text("MO,WE,FR") == "Monday, Wednesday and Friday"
    assert short_days("MO,TU,WE,TH,FR") == "Mon-Fri" and parse_days(short_days("MO,WE")) == "MO,WE"


def test_what_cannot_be_read_is_named() -> None:
    assert schedule_problems(Schedule("s", byday="MO", opens_at="09:00:00", closes_at="17:00:00")) == []
    problems = schedule_problems(Schedule("s", byday="Mondays-ish", opens_at="17:00:00", closes_at="09:00:00"))
    assert any("are not days of the week" in p for p in problems)
    assert any("closes (9am) before it opens (5pm)" in p for p in problems)
    assert schedule_problems(Schedule("s", opens_at="soon")) == ["'soon' is not a time it opens (try 9:00 or 5:30pm)."]
    assert schedule_problems(Schedule("s")) == ["An opening time needs days, hours or a description."]
