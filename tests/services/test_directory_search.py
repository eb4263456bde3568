"""Directory search and filters over the sample directory, table-driven."""

from __future__ import annotations

from dataclasses import replace

import pytest

from casedesk.domain.directory.model import CostOption, Schedule, Service, ServiceArea
from casedesk.domain.directory.oruk import sample_services
from casedesk.services.directory.service import Attendance, Cost, DirectoryFilter, attendance_modes, search_services

SAMPLE = sample_services()
BARE = Service(id="bare", name="Bare service")  # states nothing: no levels, ages, area, cost or attendance


def names(text: str = "", **filters: object) -> set[str]:
    return {s.name for s in search_services(SAMPLE, text, DirectoryFilter(**filters))}  # type: ignore[arg-type]


def test_no_text_no_filters_is_everything_in_order() -> None:
    assert [s.name for s in search_services(SAMPLE)] == [s.name for s in SAMPLE]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("attendance advice", "Attendance Advice Line"),
        ("ATTENDANCE ADVICE", "Attendance Advice Line"),
        ("school nurse", "School Nursing Drop-in"),  # a tag
        ("children's health", "School Nursing Drop-in"),  # the organisation
    ],
)
def test_text_search(text: str, expected: str) -> None:
    assert expected in [s.name for s in search_services(SAMPLE, text)]


def test_expectation_cards_are_not_searched() -> None:
    assert "School Nursing Drop-in" not in [s.name for s in search_services(SAMPLE, "puberty")]


def test_names_come_before_descriptions() -> None:
    found = search_services(SAMPLE, "attendance")
    named = [i for i, s in enumerate(found) if "attendance" in s.name.lower()]
    assert named == list(range(len(named))) and len(found) > len(named)


@pytest.mark.parametrize(
    ("filters", "rule"),
    [
        ({"domain": "semh"}, lambda s: "semh" in s.need_domains),
        ({"level": 4}, lambda s: 4 in s.levels),
        ({"level": 1}, lambda s: 1 in s.levels),
        ({"age": 3}, lambda s: (s.minimum_age or 0) <= 3 <= (s.maximum_age or 99)),
        ({"district": "ls6 2aa"}, lambda s: "LS6" in s.postcode_districts),
        ({"attendance": Attendance.PHONE}, lambda s: Attendance.PHONE in attendance_modes(s)),
        ({"attendance": Attendance.ONLINE}, lambda s: Attendance.ONLINE in attendance_modes(s)),
        ({"cost": Cost.FREE}, lambda s: s.is_free),
        ({"cost": Cost.PAID}, lambda s: not s.is_free),
    ],
)
def test_each_filter(filters: dict[str, object], rule) -> None:  # type: ignore[no-untyped-def]
    expected = {s.name for s in SAMPLE if rule(s)}
    assert names(**filters) == expected
    assert expected != {s.name for s in SAMPLE} or filters.get("cost") is Cost.FREE


def test_filters_combine() -> None:
    found = search_services(SAMPLE, "", DirectoryFilter(domain="attendance", level=2, age=8))
    assert found and all("attendance" in s.need_domains and 2 in s.levels for s in found)
    assert all((s.minimum_age or 0) <= 8 <= (s.maximum_age or 99) for s in found)


@pytest.mark.parametrize(
    "filters",
    [
        DirectoryFilter(level=3),
        DirectoryFilter(age=40),
        DirectoryFilter(district="BD1"),
        DirectoryFilter(attendance=Attendance.ONLINE),
    ],
)
def test_what_a_service_does_not_state_is_not_filtered_out(filters: DirectoryFilter) -> None:
    assert search_services([BARE], "", filters) == [BARE]


def test_domain_filter_needs_the_domain_stated() -> None:
    assert search_services([BARE], "", DirectoryFilter(domain="semh")) == []


def test_paid_and_attendance_words() -> None:
    paid = replace(BARE, cost_options=(CostOption("c", "Per session", 5.0),))
    assert search_services([paid, BARE], "", DirectoryFilter(cost=Cost.PAID)) == [paid]
    mixed = replace(BARE, schedules=(Schedule("s", attending_type="In-person or remotely via video"),))
    assert attendance_modes(mixed) == {Attendance.IN_PERSON, Attendance.ONLINE}
    locally = replace(BARE, schedules=(Schedule("s", attending_type="Run locally by appointment"),))
    assert attendance_modes(locally) == frozenset()
    area = replace(BARE, service_areas=(ServiceArea("a", "Leeds LS1-LS9"),))
    assert search_services([area], "", DirectoryFilter(district="LS10")) == []
