"""`server/db/push.py` case by case: one table of (who pushes, what change) → (status, reason), each row run
against the same small world through the real `Pusher` on a real SQLite server database.

The world: a school (devices a1 and a2 of one user) holds a child and a note about them; social care (device s1)
sees neither. Rows may push earlier changes first (`before`), e.g. an edit that makes another's base stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from casedesk.domain.ids import new_id
from casedesk.server.db import accounts
from casedesk.server.db.push import Pusher
from casedesk.server.db.rules import NOT_VISIBLE
from tests.sync.harness import CHILD, PASSWORD, Server, wire_change

NOTE = {"kind": "note", "author": "tester", "summary": "Seen at school"}
MOMENT = "2025-01-06T10:00:00+00:00"


@dataclass
class World:
    server: Server
    devices: dict[str, tuple[str, str]]  # name -> (device id, organisation id)
    child: str
    note: str
    versions: dict[str, int] = field(default_factory=dict)  # the child's field versions after it was recorded

    def change(self, device: str, entity: str, row_id: str, op: str, fields: dict[str, Any], **extra: Any):
        return wire_change(self.devices[device][0], entity, row_id, op, fields, **extra)

    def push(self, device: str, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        device_id, org_id = self.devices[device]
        with self.server.store.write(ordered=True) as conn:
            return [r.model_dump() for r in Pusher(conn, device_id, org_id).push(list(changes))]


@pytest.fixture
def world(server: Server) -> World:
    school, social_care = server.org("Riverside Academy"), server.org("Children's Services")
    server.user(school, "ann"), server.user(social_care, "sam")
    devices = {}
    for name, user, org in (("a1", "ann", school), ("a2", "ann", school), ("s1", "sam", social_care)):
        device_id = new_id()
        code = server.code(user)
        with server.store.write() as conn:
            accounts.enrol(conn, user, PASSWORD, code, device_id, name)
        devices[name] = (device_id, org)
    w = World(server, devices, child=new_id(), note=new_id())
    first = w.push(
        "a1",
        w.change("a1", "children", w.child, "insert", CHILD),
        w.change("a1", "events", w.note, "append", _note(w.child)),
    )
    assert [r["status"] for r in first] == ["applied", "applied"], first
    w.versions = first[0]["versions"]
    return w


def _note(child_id: str, **extra: Any) -> dict[str, Any]:
    return {**NOTE, "child_id": child_id, "occurred_at": MOMENT, "recorded_at": MOMENT, **extra}


# (id, device, the change built from the world, expected status, words the reason must contain)
CASES: list[tuple[str, str, Any, str, str | None]] = [
    ("a new child", "a1", lambda w: w.change("a1", "children", new_id(), "insert", CHILD), "applied", None),
    (
        "an unknown kind of record",
        "a1",
        lambda w: w.change("a1", "pets", new_id(), "insert", {"name": "Rex"}),
        "rejected",
        "unknown kind of record",
    ),
    (
        "a malformed clock",
        "a1",
        lambda w: w.change("a1", "children", new_id(), "insert", CHILD, hlc="yesterday"),
        "rejected",
        "malformed clock value",
    ),
    (
        "a change naming another device",
        "a1",
        lambda w: w.change("a2", "children", new_id(), "insert", CHILD),
        "rejected",
        "names another device",
    ),
    (
        "a change with no operation",
        "a1",
        lambda w: {k: v for k, v in w.change("a1", "children", new_id(), "insert", CHILD).items() if k != "op"},
        "rejected",
        "malformed change",
    ),
    (
        "a child missing a required field",
        "a1",
        lambda w: w.change("a1", "children", new_id(), "insert", {"given_name": "Ada"}),
        "rejected",
        "missing",
    ),
    (
        "an edit of a child nobody recorded",
        "a1",
        lambda w: w.change("a1", "children", new_id(), "update", {"family_name": "Obi"}),
        "rejected",
        NOT_VISIBLE,
    ),
    (
        "an edit of a child another organisation holds",
        "s1",
        lambda w: w.change("s1", "children", w.child, "update", {"family_name": "Obi"}),
        "rejected",
        NOT_VISIBLE,
    ),
    (
        "a note about a child another organisation holds",
        "s1",
        lambda w: w.change("s1", "events", new_id(), "append", _note(w.child)),
        "rejected",
        NOT_VISIBLE,
    ),
    (
        "an edit of a note (append-only)",
        "a1",
        lambda w: w.change("a1", "events", w.note, "update", {"summary": "Changed"}),
        "rejected",
        "append-only",
    ),
    (
        "the same note sent again",
        "a2",
        lambda w: w.change("a2", "events", w.note, "append", _note(w.child)),
        "applied",
        None,
    ),
    (
        "a different note under a used id",
        "a2",
        lambda w: w.change("a2", "events", w.note, "append", _note(w.child, summary="Another")),
        "rejected",
        "already has this id",
    ),
    (
        "an edit from the version the server holds",
        "a2",
        lambda w: w.change("a2", "children", w.child, "update", {"family_name": "Obi"}, base_versions=w.versions),
        "applied",
        None,
    ),
    (
        "a base version the server never issued",
        "a1",
        lambda w: w.change(
            "a1", "children", w.child, "update", {"family_name": "Obi"}, base_versions={"family_name": 10**9}
        ),
        "rejected",
        "never issued",
    ),
]


@pytest.mark.parametrize(("device", "make", "status", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_change(world: World, device: str, make: Any, status: str, reason: str | None) -> None:
    [result] = world.push(device, make(world))
    assert result["status"] == status, result
    if reason is None:
        assert not result.get("reason"), result
    else:
        assert reason in (result.get("reason") or ""), result


# Two edits of a child, the second from the base the first replaced: (fields of each) → the second's status.
MERGES = [
    ("different fields merge", {"family_name": "Obi"}, {"given_name": "Adaeze"}, "applied"),
    ("the same field to the same value", {"family_name": "Obi"}, {"family_name": "Obi"}, "applied"),
    ("the same field to different values", {"family_name": "Obi"}, {"family_name": "Eze"}, "conflict"),
]


@pytest.mark.parametrize(("first", "second", "status"), [m[1:] for m in MERGES], ids=[m[0] for m in MERGES])
def test_a_second_edit_from_the_same_base(world: World, first: dict, second: dict, status: str) -> None:  # type: ignore[type-arg]
    bases = {name: world.versions[name] for name in {*first, *second}}
    [one] = world.push("a1", world.change("a1", "children", world.child, "update", first, base_versions=bases))
    assert one["status"] == "applied", one
    [two] = world.push("a2", world.change("a2", "children", world.child, "update", second, base_versions=bases))
    assert two["status"] == status, two


def test_a_retried_change_is_answered_as_before_and_applied_once(world: World) -> None:
    change = world.change("a1", "events", new_id(), "append", _note(world.child, summary="Once"))
    first = world.push("a1", change)
    again = world.push("a1", change)
    assert first == again and first[0]["status"] == "applied"
    [stolen] = world.push("a2", {**change, "device_id": world.devices["a2"][0]})
    assert stolen["status"] == "rejected" and "another device" in stolen["reason"]
