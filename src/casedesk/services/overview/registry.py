"""The card registry: what a card is, what its builder reads, and how the Overview is put together."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from casedesk.domain.records import ChronologyEvent
from casedesk.services.children import ChildView
from casedesk.store.database import Database


@dataclass(frozen=True)
class Card:
    """One card of the Overview. `tab` names the child-page tab it opens ("send", "care", "chronology"…)."""

    key: str
    title: str
    lines: tuple[str, ...]
    tab: str
    recorded_by: str | None = None
    recorded_at: datetime | None = None
    flags: tuple[str, ...] = ()
    empty: bool = False  # nothing recorded: the card says so in its one line

    @property
    def provenance(self) -> str:
        """ "Recorded by Sam Patel, 03 Mar 2026" (empty when nothing is recorded: the card's line says so)."""
        if self.recorded_by and self.recorded_at:
            return f"Recorded by {self.recorded_by}, {self.recorded_at:%d %b %Y}"
        return ""


@dataclass
class OverviewSource:
    """What card builders read: the child's record (loaded once, for the page) and the database for anything else.

    Builders share its cached lookups, so the Overview costs one extra trip or two beyond the record itself.
    """

    db: Database
    view: ChildView
    today: date
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def child_id(self) -> str:
        return self.view.child.id

    @cached_property
    def latest_by_category(self) -> dict[str, ChronologyEvent]:
        """The newest chronology entry (by when it was recorded) of each data category."""
        latest: dict[str, ChronologyEvent] = {}
        for event in self.view.events:
            held = latest.get(event.category)
            if held is None or event.recorded_at > held.recorded_at:
                latest[event.category] = event
        return latest

    def latest_of(self, categories: Iterable[str]) -> ChronologyEvent | None:
        found = [self.latest_by_category[c] for c in categories if c in self.latest_by_category]
        return max(found, key=lambda e: e.recorded_at) if found else None

    def worker(self, worker_id: str | None) -> str | None:
        worker = self.view.workers.get(worker_id or "")
        return worker.name if worker else None

    def organisation(self, org_id: str | None) -> str | None:
        org = self.view.organisations.get(org_id or "")
        return org.name if org else None


CardBuilder = Callable[[OverviewSource], Card | None]


@dataclass(frozen=True)
class CardSpec:
    key: str
    order: int  # cards show in this order
    build: CardBuilder


_REGISTRY: dict[str, CardSpec] = {}


def register(key: str, order: int) -> Callable[[CardBuilder], CardBuilder]:
    """Add a card to the Overview: `@register("send", 20)` over a builder. A key registered again replaces it."""

    def add(build: CardBuilder) -> CardBuilder:
        _REGISTRY[key] = CardSpec(key, order, build)
        return build

    return add


def registered() -> list[CardSpec]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))
