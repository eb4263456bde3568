"""Stored push answers are kept whole until the device says it has recorded them, then only their status (issue
14: server size). A retried push is answered exactly as before until then; a change sent again afterwards is
still never applied twice; a device cannot compact another's answers; a device from before keeps every answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from casedesk import config
from casedesk.domain.ids import new_id
from casedesk.server.db import applied_changes, feed, recorded_changes
from casedesk.server.db.answers import STATUSES
from tests.server.storage_steps import alembic_step
from tests.sync.harness import CHILD, Peer, Server, make_device


def _stored(server: Server) -> dict[str, Any]:
    """Every stored answer: whole ones, and recorded ones as the status they keep."""
    with server.store.engine.connect() as conn:
        whole = dict(conn.execute(sa.select(applied_changes.c.change_id, applied_changes.c.result)).all())
        marked = conn.execute(sa.select(recorded_changes.c.change_id, recorded_changes.c.status)).all()
    assert not whole.keys() & {change_id for change_id, _ in marked}  # an answer is whole or recorded, never both
    return whole | {change_id: {"status": STATUSES[status]} for change_id, status in marked}


def _feed_end(server: Server) -> int:
    with server.store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(feed.c.seq))).scalar_one())


def _push(peer: Peer, changes: list[dict[str, Any]], recorded: list[str] | None = None) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"changes": changes}
    if recorded is not None:
        body["recorded"] = recorded
    response = peer.client.post("/v1/push", headers=peer.headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_answers_are_kept_whole_until_recorded_then_only_their_status(any_server: Server) -> None:
    org = any_server.org("Riverside Academy")
    any_server.user(org, "ann")
    peer = Peer(any_server, "ann")
    child = new_id()
    insert = peer.change("children", child, "insert", CHILD)
    edit = peer.change("children", child, "update", {"preferred_name": "Addie"})
    first = _push(peer, [insert, edit])
    assert [r["status"] for r in first] == ["applied", "applied"]
    assert _push(peer, [insert, edit]) == first  # retried, not yet recorded: the same answers
    end = _feed_end(any_server)

    later = peer.change("children", child, "update", {"town": "Leeds"})
    (answer,) = _push(peer, [later], recorded=[insert["change_id"]])
    assert answer["status"] == "applied"
    stored = _stored(any_server)
    assert stored[insert["change_id"]] == {"status": "applied"}  # recorded: its status alone
    assert stored[edit["change_id"]] != {"status": "applied"}  # not said to be recorded: whole
    assert _push(peer, [edit]) == [first[1]]

    again = _push(peer, [insert])  # sent again after it was recorded (a device restored from an old backup)
    assert again == [{"change_id": insert["change_id"], "status": "applied", "versions": {}, "reason": None}]
    assert _feed_end(any_server) == end + 1  # only the later edit was applied: nothing twice
    _push(peer, [], recorded=[insert["change_id"], edit["change_id"], later["change_id"]])  # said twice: harmless
    assert all(v == {"status": "applied"} for v in _stored(any_server).values())
    peer.close()


def test_a_device_cannot_compact_another_devices_answers(any_server: Server) -> None:
    org = any_server.org("Riverside Academy")
    any_server.user(org, "ann")
    any_server.user(org, "ben")
    ann, ben = Peer(any_server, "ann"), Peer(any_server, "ben")
    insert = ann.change("children", new_id(), "insert", CHILD)
    first = _push(ann, [insert])
    _push(ben, [], recorded=[insert["change_id"]])
    assert _push(ann, [insert]) == first  # still whole
    ann.close(), ben.close()


def test_the_app_says_which_answers_it_recorded_in_its_next_push(any_server: Server, tmp_path: Path) -> None:
    org = any_server.org("Riverside Academy")
    any_server.user(org, "ann")
    a = make_device(tmp_path, "a", any_server, "ann")
    child = a.add_child("Ada", "Okafor", org)
    assert a.sync().digest_ok
    sent = a.db.get(config.RECORDED_UNTOLD)  # the round's answers, recorded: told with the next push
    assert len(sent) == 2 and all(v != {"status": "applied"} for k, v in _stored(any_server).items() if k in sent)
    a.edit("children", child, preferred_name="Addie")
    assert a.sync().digest_ok
    stored = _stored(any_server)
    assert all(stored[change_id] == {"status": "applied"} for change_id in sent)
    (latest,) = a.db.get(config.RECORDED_UNTOLD)
    assert stored[latest] != {"status": "applied"}
    a.close()


def test_a_recorded_answer_keeps_its_status_and_owner_in_a_few_bytes_and_migrates_both_ways(
    any_server: Server,
) -> None:
    """Migration 0017 moves recorded answers out of `applied_changes` (and back); either way a change sent again
    is answered with its status and applied nothing twice, and another device's reuse of its id is refused."""
    org = any_server.org("Riverside Academy")
    any_server.user(org, "ann")
    any_server.user(org, "ben")
    ann, ben = Peer(any_server, "ann"), Peer(any_server, "ben")
    child = new_id()
    insert = ann.change("children", child, "insert", CHILD)
    edit = ann.change("children", child, "update", {"preferred_name": "Addie"})
    first = _push(ann, [insert, edit])
    _push(ann, [], recorded=[insert["change_id"]])
    end = _feed_end(any_server)
    if any_server.store.is_sqlite:
        with any_server.store.engine.connect() as conn:
            held = conn.execute(sa.text("select typeof(change_id), length(change_id), status from recorded_changes"))
            assert held.all() == [("blob", 16, 0)]  # the id's 16 bytes; "applied" as 0

    alembic_step(any_server, "downgrade", "0016")
    with any_server.store.engine.connect() as conn:
        answers = {r.change_id: (r.device_id, r.result) for r in conn.execute(sa.text("select * from applied_changes"))}
    assert {k: (d, json.loads(r) if isinstance(r, str) else r) for k, (d, r) in answers.items()} == {
        insert["change_id"]: (ann.device_id, {"status": "applied"}),
        edit["change_id"]: (ann.device_id, {"status": "applied", "versions": [[end, ["preferred_name"]]]}),
    }
    alembic_step(any_server, "upgrade", "head")
    assert _stored(any_server)[insert["change_id"]] == {"status": "applied"}
    again = _push(ann, [insert, edit])
    assert again == [{"change_id": insert["change_id"], "status": "applied", "versions": {}, "reason": None}, first[1]]
    (reused,) = _push(ben, [ben.change("children", child, "update", {"town": "York"}, change_id=insert["change_id"])])
    assert reused["status"] == "rejected" and "another device" in reused["reason"]
    assert _feed_end(any_server) == end  # nothing applied twice
    ann.close(), ben.close()
