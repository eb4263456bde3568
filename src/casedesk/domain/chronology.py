"""A chronology read as one list of entries: each original with the amendments that replaced it.

Chronology entries are append-only, so an amendment is a new event naming the one it amends. The PDF and the
child's record both show one row per entry — the newest version, with what it originally said and who changed it
when — so they are grouped here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from casedesk.domain.records import ChronologyEvent


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    """What one chronology row shows: the newest version of an event, plus the versions it replaced."""

    current: ChronologyEvent
    original: ChronologyEvent
    amendments: tuple[ChronologyEvent, ...]
    orphan: bool = False  # amends an entry that is not in the list (not held, or filtered out of a report)

    @property
    def versions(self) -> tuple[ChronologyEvent, ...]:
        """Every version, the original first."""
        return (self.original, *self.amendments)


def collapse_amendments(events: Iterable[ChronologyEvent]) -> list[ChronologyEntry]:
    """Group each original with its amendments (following chains) and sort by when the newest version happened."""
    by_id = {e.id: e for e in events}
    chains: dict[str, list[ChronologyEvent]] = {}
    orphans: set[str] = set()
    for event in by_id.values():
        root, seen = event, {event.id}
        while root.amends_id and root.amends_id in by_id and root.amends_id not in seen:
            root = by_id[root.amends_id]
            seen.add(root.id)
        if root.amends_id and root.amends_id not in by_id:
            orphans.add(root.id)
        chains.setdefault(root.id, []).append(event)
    entries = []
    for root_id, chain in chains.items():
        chain.sort(key=lambda e: (e.id != root_id, e.recorded_at))
        entries.append(ChronologyEntry(chain[-1], chain[0], tuple(chain[1:]), orphan=root_id in orphans))
    entries.sort(key=lambda x: (x.current.occurred_at, x.original.recorded_at))
    return entries


def day(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def amendment_note(entry: ChronologyEntry) -> str:
    """ "amended on 12 Mar 2026 by Sam Patel; original: …", naming earlier amendments too."""
    if not entry.amendments:
        return ""
    latest = entry.current
    note = f"amended on {day(latest.recorded_at.date())} by {latest.author}; original: {entry.original.summary}"
    if len(entry.amendments) > 1:
        earlier = "; ".join(f"{day(a.recorded_at.date())} by {a.author}" for a in entry.amendments[:-1])
        note += f" (also amended {earlier})"
    return note
