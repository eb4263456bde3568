"""Acknowledged changes are compacted (issue 14): the entry stays, its values go; refused ones keep everything."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from tests.sync.harness import Server, make_device


def outbox(device: object) -> dict[str, tuple[str, dict[str, object], dict[str, int]]]:
    with device.db.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(text("select change_id, state, fields, base_versions from outbox")).all()
    return {r.change_id: (r.state, json.loads(r.fields), json.loads(r.base_versions)) for r in rows}


def test_acknowledged_changes_lose_their_values_and_set_aside_ones_keep_them(server: Server, tmp_path: Path) -> None:
    org = server.org("Riverside Academy")
    server.user(org, "ann")
    a = make_device(tmp_path, "ann", server, "ann")
    child = a.add_child("Ada", "Okafor", org)
    a.sync()
    a.edit("children", child, preferred_name="Addie")
    broken = a.add_child("Bea", "Brown")
    with a.db.engine.begin() as conn:  # a change the server will refuse
        conn.execute(
            text("update outbox set fields = json_set(fields, '$.date_of_birth', 'soon') where row_id = :id"),
            {"id": broken},
        )
    waiting = [e for e in outbox(a).values() if e[0] == "pending"]
    assert len(waiting) == 2 and all(fields for _, fields, _ in waiting)  # before the push, the values are there
    report = a.sync()
    assert report.pushed == 1 and report.set_aside == 1 and report.digest_ok
    entries = outbox(a)
    acknowledged = [e for e in entries.values() if e[0] == "applied"]
    (refused,) = [e for e in entries.values() if e[0] == "rejected"]
    assert len(acknowledged) == 3 and all(fields == {} and base == {} for _, fields, base in acknowledged)
    assert refused[1]["given_name"] == "Bea"  # shown to a person with what was refused
    assert a.export()["children"][0]["child"]["preferred_name"] == "Addie"
    a.close()
