"""The push reads the outbox through the driver's cursor (issue 14): the changes it sends are the ones the outbox's
column types read, whatever the stored JSON holds, in order and from the given position."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select, text

from casedesk.store.database import Database
from casedesk.store.journal import outbox
from casedesk.store.models import OutboxRow
from casedesk.store.tables import mapped_table

WIRE = ("change_id", "entity", "row_id", "op", "fields", "base_versions", "hlc", "device_id", "author")


def _wire_dict(row: Any) -> dict[str, Any]:
    """A change as the outbox's column types read it (SQLAlchemy's way, the reference)."""
    return {name: getattr(row, name) for name in WIRE}


ODD_JSON = '{"given_name": "\\ud800 lone", "n": 1208925819614629174706176, "x": NaN, "y": -0.0, "z": 1e400}'


def test_pending_changes_read_as_the_column_types_read_them(db: Database) -> None:
    with db.unit_of_work("ann") as uow:
        children = [
            uow.insert("children", {"given_name": name, "family_name": "Obi", "date_of_birth": date(2015, 1, 2)})
            for name in ("Ada", "Bea", "Cal")
        ]
    with db.engine.begin() as conn:
        conn.execute(text("update outbox set fields = :odd where row_id = :id"), {"odd": ODD_JSON, "id": children[1]})
    table = mapped_table(OutboxRow)
    with db.engine.connect() as conn:
        typed = [_wire_dict(r) for r in conn.execute(select(table).order_by(table.c.seq))]
    read, last = outbox.pending_after(db, 500, 0)
    assert json.dumps(read) == json.dumps(typed) and [c["row_id"] for c in read] == children
    assert read[1]["fields"]["given_name"] == "\ud800 lone" and read[1]["fields"]["n"] == 2**80
    first, after = outbox.pending_after(db, 1, 0)
    rest, end = outbox.pending_after(db, 500, after)
    assert first + rest == read and end == last and outbox.pending_after(db, 500, end) == ([], end)
