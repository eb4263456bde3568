"""`store/journal/apply.py` case by case: the device side of applying pulled changes. One table of (what the
server sends) → (what the device then holds), each row run against the same small world through the real
`apply_page` on a real encrypted database.

The world: this device already pulled a child (family name at version 3, the other fields at version 1) and a
note about them. Rows may first do something on the device (`before`), e.g. an edit still waiting to be pushed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from casedesk import config
from casedesk.domain.ids import new_id
from casedesk.services.children import ChildrenService
from casedesk.store.database import Database
from casedesk.store.journal import unapplied
from casedesk.store.journal.apply import PageStats, apply_page, table_of
from casedesk.sync.wire import Candidate, ConflictInfo, PullItem

CHILD = {"given_name": "Ada", "family_name": "Okafor", "date_of_birth": "2012-05-01"}
MOMENT = "2025-01-06T10:00:00+00:00"
NOTE = {"kind": "note", "author": "tester", "summary": "Seen at school", "occurred_at": MOMENT, "recorded_at": MOMENT}
SERVER_DEVICE = "0195f0c0-0000-7000-8000-000000000001"
_ticks = iter(range(1, 1_000_000))


def _hlc() -> str:
    return f"{1_900_000_000_000 + next(_ticks):013d}-000000-{SERVER_DEVICE}"


def row(entity: str, row_id: str, fields: dict[str, Any], versions: dict[str, int] | None = None, **extra: Any):
    return PullItem(
        kind="row",
        entity=entity,
        row_id=row_id,
        fields=fields,
        versions=versions if versions is not None else dict.fromkeys(fields, 1),
        hlc=_hlc(),
        **extra,
    )


@dataclass
class World:
    db: Database
    child: str
    note: str
    other: str  # an id the device has never seen

    def held(self, entity: str, row_id: str) -> dict[str, Any] | None:
        table = table_of(entity)
        with self.db.engine.connect() as conn:
            found = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
        return dict(found) if found else None

    def conflict(self, state: str = "open") -> PullItem:
        candidates = [
            Candidate(value=name, hlc=_hlc(), device_id=SERVER_DEVICE, author="sam") for name in ("Obi", "Okafor")
        ]
        info = ConflictInfo(
            conflict_id="c-1",
            entity="children",
            row_id=self.child,
            child_id=self.child,
            field="family_name",
            critical=True,
            kept="Okafor",
            candidates=candidates,
            state=state,  # type: ignore[arg-type]
        )
        return PullItem(kind="conflict", conflict=info, hlc=_hlc())

    def edit_here(self) -> None:
        """A local edit of the family name, still waiting in the outbox."""
        ChildrenService(self.db, "ann").update_child(self.child, {"family_name": "Okafor-Obi"}, date(2026, 1, 1))


@pytest.fixture
def world(db: Database) -> World:
    w = World(db, child=new_id(), note=new_id(), other=new_id())
    versions = {**dict.fromkeys(CHILD, 1), "family_name": 3}
    apply_page(db, [row("children", w.child, CHILD, versions), row("events", w.note, {**NOTE, "child_id": w.child})], 1)
    assert w.held("children", w.child) and w.held("events", w.note)
    return w


def _child(w: World) -> dict[str, Any] | None:
    return w.held("children", w.child)


def _fields(**wanted: Any) -> Callable[[dict[str, Any] | None], bool]:
    return lambda held: held is not None and all(held[k] == v for k, v in wanted.items())


def _absent(held: dict[str, Any] | None) -> bool:
    return held is None


def _versions(**wanted: int) -> Callable[[dict[str, Any] | None], bool]:
    return lambda held: held is not None and all(held["versions"].get(k) == v for k, v in wanted.items())


@dataclass(frozen=True)
class Case:
    id: str
    page: Callable[[World], list[PullItem]]
    which: Callable[[World], tuple[str, str]]  # the row to look at afterwards
    holds: Callable[[dict[str, Any] | None], bool]  # what it must then hold
    stats: dict[str, Any]  # PageStats fields: an int, or for lists their length
    before: Callable[[World], None] | None = None


CHILD_ROW: Callable[[World], tuple[str, str]] = lambda w: ("children", w.child)  # noqa: E731
OTHER_ROW: Callable[[World], tuple[str, str]] = lambda w: ("children", w.other)  # noqa: E731
NOTE_ROW: Callable[[World], tuple[str, str]] = lambda w: ("events", w.note)  # noqa: E731

CASES = [
    Case(
        "a row the device lacks is inserted whole",
        lambda w: [row("children", w.other, {**CHILD, "given_name": "Ben"})],
        OTHER_ROW,
        lambda held: _fields(given_name="Ben", deleted=False)(held) and _versions(given_name=1)(held),
        {"rows": 1},
    ),
    Case(
        "a newer version of one field changes that field only",
        lambda w: [row("children", w.child, {"family_name": "Obi"}, {"family_name": 4})],
        CHILD_ROW,
        lambda held: (
            _fields(family_name="Obi", given_name="Ada")(held) and _versions(family_name=4, given_name=1)(held)
        ),
        {"rows": 1},
    ),
    Case(
        "the version the device holds already changes nothing",
        lambda w: [row("children", w.child, {"family_name": "Obi"}, {"family_name": 3})],
        CHILD_ROW,
        _fields(family_name="Okafor"),
        {"rows": 0},
    ),
    Case(
        "an older version loses",
        lambda w: [row("children", w.child, {"family_name": "Obi"}, {"family_name": 2})],
        CHILD_ROW,
        lambda held: _fields(family_name="Okafor")(held) and _versions(family_name=3)(held),
        {"rows": 0},
    ),
    Case(
        "each field is weighed on its own",
        lambda w: [
            row("children", w.child, {"given_name": "Ade", "family_name": "Obi"}, {"given_name": 2, "family_name": 2})
        ],
        CHILD_ROW,
        lambda held: (
            _fields(given_name="Ade", family_name="Okafor")(held) and _versions(given_name=2, family_name=3)(held)
        ),
        {"rows": 1},
    ),
    Case(
        "a field edited here and not yet pushed is left for the push",
        lambda w: [
            row("children", w.child, {"family_name": "Obi", "given_name": "Ade"}, {"family_name": 9, "given_name": 2})
        ],
        CHILD_ROW,
        _fields(family_name="Okafor-Obi", given_name="Ade"),
        {"rows": 1},
        before=World.edit_here,
    ),
    Case(
        "a tombstone marks the row deleted",
        lambda w: [row("children", w.child, {}, {"deleted": 4}, deleted=True)],
        CHILD_ROW,
        lambda held: _fields(deleted=True, given_name="Ada")(held) and _versions(deleted=4)(held),
        {"rows": 1},
    ),
    Case(
        "a tombstone for a row never held arrives deleted",
        lambda w: [row("children", w.other, CHILD, {**dict.fromkeys(CHILD, 1), "deleted": 2}, deleted=True)],
        OTHER_ROW,
        _fields(deleted=True),
        {"rows": 1},
    ),
    Case(
        "a field from a newer version of the app is ignored",
        lambda w: [
            row(
                "children",
                w.child,
                {"favourite_colour": "red", "given_name": "Ade"},
                {"favourite_colour": 5, "given_name": 2},
            )
        ],
        CHILD_ROW,
        _fields(given_name="Ade"),
        {"rows": 1},
    ),
    Case(
        "part of a row the device never held is skipped (it arrives whole later)",
        lambda w: [row("children", w.other, {"family_name": "Obi"})],
        OTHER_ROW,
        _absent,
        {"rows": 0},
    ),
    Case(
        "an append-only record never changes once written",
        lambda w: [row("events", w.note, {"summary": "Rewritten"}, {"summary": 7})],
        NOTE_ROW,
        _fields(summary="Seen at school"),
        {"rows": 0},
    ),
    Case(
        "a value the device cannot store is set aside and the rest of the page applies",
        lambda w: [
            row("children", w.other, {**CHILD, "date_of_birth": "the first of May"}),
            row("children", w.child, {"family_name": "Obi"}, {"family_name": 4}),
        ],
        CHILD_ROW,
        _fields(family_name="Obi"),
        {"rows": 1, "set_aside": 1},
    ),
    Case(
        "a row pointing at a row set aside waits with it",
        lambda w: [
            row("children", w.other, {**CHILD, "date_of_birth": "the first of May"}),
            row("events", w.note + "-2", {**NOTE, "child_id": w.other}),
        ],
        lambda w: ("events", w.note + "-2"),
        _absent,
        {"rows": 0, "set_aside": 2},
    ),
    Case(
        "a record type this version does not know is skipped",
        lambda w: [
            row("pets", w.other, {"name": "Rex"}),
            row("children", w.child, {"given_name": "Ade"}, {"given_name": 2}),
        ],
        CHILD_ROW,
        _fields(given_name="Ade"),
        {"rows": 1, "set_aside": 0},
    ),
    Case(
        "a conflict the server reports is recorded",
        lambda w: [w.conflict()],
        CHILD_ROW,
        _fields(family_name="Okafor"),
        {"conflicts": 1, "rows": 0},
    ),
    Case(
        "a purge removes the child and everything recorded under it",
        lambda w: [PullItem(kind="purge", entity="children", row_id=w.child)],
        NOTE_ROW,
        _absent,
        {"purged": 1, "deferred": 0},
    ),
    Case(
        "a purge waits while an edit of the child is still to be pushed",
        lambda w: [PullItem(kind="purge", entity="children", row_id=w.child)],
        NOTE_ROW,
        _fields(summary="Seen at school"),
        {"purged": 0, "deferred": 1},
        before=World.edit_here,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_apply_page(world: World, case: Case) -> None:
    if case.before:
        case.before(world)
    page = case.page(world)
    stats = apply_page(world.db, page, 42)
    entity, row_id = case.which(world)
    held = world.held(entity, row_id)
    assert case.holds(held), held
    for name, wanted in case.stats.items():
        got = getattr(stats, name)
        assert (len(got) if isinstance(got, list) else got) == wanted, (name, stats)
    assert world.db.get(config.CURSOR) == 42  # the page and its cursor commit together
    aside = {(r.entity, r.row_id) for r in stats.set_aside}
    latest = max((i.hlc for i in page if (i.entity, i.row_id) not in aside), default="")
    assert world.db.get(config.HLC) >= latest  # the clock never falls behind what it applied


def test_a_conflict_resolved_here_stays_resolved_while_the_server_still_reports_it_open(world: World) -> None:
    world.db.put_member(config.CONFLICTS, "c-1", {"state": "resolved", "resolution": {"value": "Obi"}})
    apply_page(world.db, [world.conflict("open")], 43)
    held = world.db.member(config.CONFLICTS, "c-1")
    assert held["state"] == "resolved" and held["resolution"] == {"value": "Obi"} and held["field"] == "family_name"


def test_a_deferred_purge_is_remembered_and_a_set_aside_row_names_its_reason(world: World) -> None:
    world.edit_here()
    apply_page(world.db, [PullItem(kind="purge", entity="children", row_id=world.child)], 44)
    assert world.db.get(config.DEFERRED_PURGES) == [world.child]
    stats: PageStats = apply_page(world.db, [row("children", world.other, {**CHILD, "date_of_birth": "soon"})], 45)
    (aside,) = stats.set_aside
    assert aside.field == "date_of_birth" and "cannot be stored" in aside.reason
    with world.db.engine.connect() as conn:
        assert set(unapplied.held(conn)) == {("children", world.other)}
    assert world.held("children", world.other) is None and world.db.get(config.CURSOR) == 45
