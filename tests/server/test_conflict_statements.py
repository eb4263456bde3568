"""A round's conflicts cost a few statements whatever their number (issue 14: rounds on PostgreSQL, where every
statement is a round trip): pushing many same-field clashes and pulling them both read and write conflicts in
bulk, and every conflict is still recorded and delivered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from casedesk.server.db import conflicts
from tests.sync.harness import Server, make_device

CLASHES = 12


@contextmanager
def conflict_statements(server: Server) -> Iterator[list[str]]:
    """The statements naming the conflicts table run while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "conflicts" in statement:
            seen.append(statement)

    event.listen(server.store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(server.store.engine, "before_cursor_execute", count)


def test_many_conflicts_are_recorded_and_pulled_in_a_few_statements(any_server: Server, tmp_path: Path) -> None:
    org = any_server.org("Riverside Academy")
    any_server.user(org, "ann")
    any_server.user(org, "ben")
    a = make_device(tmp_path, "a", any_server, "ann")
    children = [a.add_child(f"Child{i}", "Okafor", org) for i in range(CLASHES)]
    assert a.sync().digest_ok
    b = make_device(tmp_path, "b", any_server, "ben")
    for child in children:
        a.edit("children", child, preferred_name="From A")
        b.edit("children", child, preferred_name="From B")
    assert a.sync().digest_ok
    with conflict_statements(any_server) as pushed:
        report = b.sync()
    assert report.conflicts == CLASHES
    with conflict_statements(any_server) as pulled:
        report = a.sync()
    assert report.pulled_conflicts == CLASHES
    with any_server.store.engine.connect() as conn:
        recorded = conn.execute(sa.select(conflicts.c.row_id, conflicts.c.state)).all()
    assert sorted(recorded) == sorted((child, "open") for child in children)
    # one read and one write for the push, one read for the page: not one or two per conflict
    assert len(pushed) <= 3, pushed
    assert len(pulled) <= 2, pulled
    a.close(), b.close()
