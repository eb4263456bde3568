"""Finding services in the directory: full text over names, descriptions and tags, plus the page's filters.

Filters exclude only what matching would exclude: a service that does not state its ages, levels, area or how it
is attended stays in the list (it may well fit; the detail view says "not stated"), because hiding it would make
staff think the area has no such service. Search needs no database: it runs over the `Service` records the
page already holds, so typing never waits on a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from casedesk.domain.directory.model import Service, normalise_district


class Cost(StrEnum):
    FREE = "free"
    PAID = "paid"

    @property
    def label(self) -> str:
        return {"free": "Free", "paid": "Has a cost"}[self.value]


class Attendance(StrEnum):
    """How a service is attended, read from ORUK's free-text `attending_type` (feeds word it many ways)."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "online": "Online", "phone": "By phone"}[self.value]


_MODE_WORDS = {
    Attendance.ONLINE: re.compile(r"\b(online|video|virtual|remote(ly)?|web|webchat|zoom|teams)\b"),
    Attendance.PHONE: re.compile(r"\b(phone|telephone|by phone|call|helpline)\b"),
    Attendance.IN_PERSON: re.compile(r"\b(in.?person|visits?|school|face.to.face|venue|drop.in|centre|clinic|group)\b"),
}


def attendance_modes(service: Service) -> frozenset[Attendance]:
    """The ways a service can be attended; empty when the feed does not say."""
    modes: set[Attendance] = set()
    for text in service.attending_types:
        words = text.lower()
        modes.update(mode for mode, pattern in _MODE_WORDS.items() if pattern.search(words))
    return frozenset(modes)


@dataclass(frozen=True)
class DirectoryFilter:
    """What the directory page's filters ask; None means "any"."""

    domain: str | None = None
    level: int | None = None
    age: int | None = None
    district: str | None = None
    cost: Cost | None = None
    attendance: Attendance | None = None


def passes(service: Service, filters: DirectoryFilter) -> bool:
    """Whether a service survives the filters (unknowns pass: see the module docstring)."""
    f = filters
    if f.domain and f.domain not in service.need_domains:
        return False
    if f.level is not None and service.levels and f.level not in service.levels:
        return False
    if f.age is not None:
        if service.minimum_age is not None and f.age < service.minimum_age:
            return False
        if service.maximum_age is not None and f.age > service.maximum_age:
            return False
    district = normalise_district(f.district)
    if district and service.postcode_districts and district not in service.postcode_districts:
        return False
    if f.cost is Cost.FREE and not service.is_free:
        return False
    if f.cost is Cost.PAID and service.is_free:
        return False
    if f.attendance is not None:
        modes = attendance_modes(service)
        if modes and f.attendance not in modes:
            return False
    return True


def search_services(
    services: Iterable[Service], text: str = "", filters: DirectoryFilter | None = None
) -> list[Service]:
    """Services holding every word of `text` that pass `filters`; those named by the words come first.

    Otherwise the given order is kept (the directory's order, by name), so results do not jump as you type.
    """
    words = text.lower().split()
    named: list[Service] = []
    described: list[Service] = []
    for service in services:
        if filters is not None and not passes(service, filters):
            continue
        haystack = service.search_text
        if not all(word in haystack for word in words):
            continue
        name = service.name.lower()
        (named if words and all(word in name for word in words) else described).append(service)
    return named + described
