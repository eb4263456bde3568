"""Push rules a careless or hostile device must not get round, against the real app served on 127.0.0.1
(SQLite and PostgreSQL): scope first, one wording for hidden and missing, change ids bound to their device,
no invented base versions, no silently dropped resolution, cursors checked."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from casedesk.domain.ids import new_id
from casedesk.server.db.rules import NOT_VISIBLE
from tests.sync.harness import CHILD, Peer, Server


def _note(child_id: str, summary: str = "Seen at school") -> dict[str, Any]:
    moment = "2025-01-06T10:00:00+00:00"
    return {
        "child_id": child_id,
        "kind": "note",
        "occurred_at": moment,
        "recorded_at": moment,
        "author": "tester",
        "summary": summary,
    }


@pytest.fixture
def world(any_server: Server):
    """Two devices of a school, one of social care; the school records a child with a note."""
    school, social_care = any_server.org("Riverside Academy"), any_server.org("Children's Services")
    any_server.user(school, "ann"), any_server.user(social_care, "sam")
    a1, a2, s = Peer(any_server, "ann"), Peer(any_server, "ann"), Peer(any_server, "sam")
    child, note = new_id(), new_id()
    results = a1.push(a1.change("children", child, "insert", CHILD), a1.change("events", note, "append", _note(child)))
    assert [r["status"] for r in results] == ["applied", "applied"]
    yield any_server, (a1, a2, s), child, note
    for peer in (a1, a2, s):
        peer.close()


def _feed(server: Server) -> int:
    with server.store.read() as conn:
        return int(conn.execute(text("select count(*) from feed")).scalar())


def test_a_forged_append_to_a_hidden_child_is_refused_before_anything_is_revealed(world) -> None:
    server, (_a1, _a2, s), child, note = world
    before = _feed(server)
    replayed, fresh = s.push(
        s.change("events", note, "append", _note(child)),  # the hidden note's own id
        s.change("events", new_id(), "append", _note(child)),
    )
    for result in (replayed, fresh):
        assert result["status"] == "rejected" and result["reason"] == NOT_VISIBLE
        assert result["versions"] == {}  # nothing about the hidden record's fields or versions
    assert _feed(server) == before


def test_hidden_and_missing_records_are_refused_in_the_same_words(world) -> None:
    _server, (_a1, _a2, s), child, note = world
    missing_child, missing_note = new_id(), new_id()
    pairs = [
        (s.change("children", child, "update", {"gender": "x"}), s.change("children", missing_child, "update", {})),
        (s.change("events", note, "delete", {}), s.change("events", missing_note, "delete", {})),
        (
            s.change("involvements", new_id(), "insert", {"child_id": child, "organisation_id": "x", "role": "r"}),
            s.change("involvements", new_id(), "insert", {"child_id": missing_child, "organisation_id": "x"}),
        ),
    ]
    for hidden, missing in pairs:
        first, second = s.push(hidden, missing)
        assert first["status"] == second["status"] == "rejected"
        assert first["reason"] == second["reason"] == NOT_VISIBLE
    referring = s.push(
        s.change("events", new_id(), "append", {**_note(child), "amends_id": note}),
    )
    assert referring[0]["reason"] == NOT_VISIBLE


def test_an_append_already_held_with_other_content_is_not_answered_applied(world) -> None:
    server, (a1, _a2, _s), child, note = world
    (same,) = a1.push(a1.change("events", note, "append", _note(child)))
    assert same["status"] == "applied"
    (other,) = a1.push(a1.change("events", note, "append", _note(child, "Something else entirely")))
    assert other["status"] == "rejected" and "already has this id" in other["reason"]
    with server.store.read() as conn:
        stored = conn.execute(text("select data from records where row_id = :id"), {"id": note}).scalar()
    assert "Something else" not in str(stored)


def test_a_change_id_belongs_to_the_device_that_used_it_first(world) -> None:
    server, (a1, a2, _s), child, _note_id = world
    mine = a1.change("children", child, "update", {"preferred_name": "Addie"})
    (first,) = a1.push(mine)
    assert first["status"] == "applied"
    theirs = a2.change("children", child, "update", {"gender": "female"}, change_id=mine["change_id"])
    (second,) = a2.push(theirs)
    assert second["status"] == "rejected" and "another device" in second["reason"]
    (again,) = a1.push(mine)  # the owner's retry is still answered as before
    assert again == first
    with server.store.read() as conn:
        owner = conn.execute(
            text("select device_id from applied_changes where change_id = :c"), {"c": mine["change_id"]}
        ).scalar()
    assert owner == a1.device_id


def test_a_base_version_the_server_never_issued_is_refused(world) -> None:
    server, (a1, a2, _s), child, _note_id = world
    (held,) = a1.push(a1.change("children", child, "update", {"town": "Leeds"}))
    forged = a2.change("children", child, "update", {"town": "York"}, base_versions={"town": 10**12})
    (result,) = a2.push(forged)
    assert result["status"] == "rejected" and "never issued" in result["reason"]
    with server.store.read() as conn:
        stored = conn.execute(text("select data from records where row_id = :id"), {"id": child}).scalar()
    assert "Leeds" in str(stored) and "York" not in str(stored)
    # an honest stale base still meets conflict detection
    stale = a2.change("children", child, "update", {"town": "York"}, base_versions={"town": 1})
    assert a2.push(stale)[0]["status"] == "conflict" and held["status"] == "applied"


def test_a_second_different_resolution_becomes_a_new_conflict(world) -> None:
    server, (a1, a2, _s), child, _note_id = world
    (first,) = a1.push(a1.change("children", child, "update", {"upn_unknown_reason": "UN1"}))
    (clash,) = a2.push(a2.change("children", child, "update", {"upn_unknown_reason": "UN2"}))
    assert first["status"] == "applied" and clash["status"] == "conflict"
    with server.store.read() as conn:
        conflict_id = conn.execute(text("select id from conflicts")).scalar()
    (decided,) = a1.push(a1.change("conflicts", conflict_id, "resolve", {"value": "UN1"}))
    (agreeing,) = a2.push(a2.change("conflicts", conflict_id, "resolve", {"value": "UN1"}))
    (differing,) = a2.push(a2.change("conflicts", conflict_id, "resolve", {"value": "UN2"}))
    assert decided["status"] == agreeing["status"] == "applied"
    assert differing["status"] == "conflict"
    with server.store.read() as conn:
        rows = conn.execute(text("select id, state, candidates from conflicts order by created_at")).all()
    assert [r.state for r in rows] == ["resolved", "open"]
    assert sorted(c["value"] for c in _json(rows[1].candidates)) == ["UN1", "UN2"]
    items = a2.pull().json()["items"]
    assert any(i["kind"] == "conflict" and i["conflict"]["state"] == "open" for i in items)


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


@pytest.mark.parametrize("cursor", [-1, 2**63, 2**70])
def test_a_cursor_out_of_range_is_a_400_with_a_reason(world, cursor: int) -> None:
    _server, (a1, _a2, _s), _child, _note_id = world
    response = a1.pull(cursor)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor" and "cursor" in response.json()["detail"]
    assert a1.pull(2**63 - 1).status_code == 200


def test_an_append_sent_again_in_another_spelling_of_the_same_values_is_the_same_row(world) -> None:
    _server, (a1, _a2, _s), child, note = world
    same_moment = {**_note(child), "occurred_at": "2025-01-06T11:00:00+01:00", "recorded_at": "2025-01-06T10:00Z"}
    (again,) = a1.push(a1.change("events", note, "append", same_moment))
    assert again["status"] == "applied"


@pytest.mark.parametrize(
    "where",
    ["change_id", "row_id", "author", "reference"],
)
def test_a_nul_character_anywhere_in_a_change_is_refused_not_a_server_error(world, where: str) -> None:
    """PostgreSQL cannot hold NUL in text: a change carrying one must be refused before it reaches a query."""
    server, (a1, _a2, _s), child, _note_id = world
    before = _feed(server)
    change = a1.change("events", new_id(), "append", _note(child))
    if where == "reference":
        change["fields"]["child_id"] = child[:-1] + "\x00"
    elif where in ("change_id", "row_id"):
        change[where] = change[where][:-1] + "\x00"
    else:
        change[where] = "tes\x00ter"
    (result,) = a1.push(change)
    assert result["status"] == "rejected"
    assert _feed(server) == before
