"""Records written straight into a server database for the dashboard tests and benchmark: each as a synced record
with a feed entry, as a push leaves them (the dashboards read only `records`, `feed` and `orgs`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from casedesk.server.db import ServerDB, feed, orgs, records


class Rows:
    def __init__(self, store: ServerDB) -> None:
        self.store = store
        self.pending: list[dict[str, Any]] = []

    def org(self, name: str, kind: str) -> str:
        org_id = str(uuid.uuid4())
        with self.store.write() as conn:
            conn.execute(insert(orgs).values(id=org_id, name=name, kind=kind, created_at=datetime.now(UTC)))
        self.add("organisations", {"name": name, "kind": kind}, row_id=org_id, org=org_id)
        return org_id

    def add(
        self,
        entity: str,
        data: dict[str, Any],
        *,
        child: str | None = None,
        org: str | None = None,
        row_id: str | None = None,
    ) -> str:
        row_id = row_id or str(uuid.uuid4())
        if entity == "children":
            child = row_id
        self.pending.append(
            {"entity": entity, "row_id": row_id, "child_id": child, "created_by_org": org, "data": data}
        )
        return row_id

    def flush(self) -> None:
        with self.store.write(ordered=True) as conn:
            seq = int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one())
            rows, items = [], []
            for i, row in enumerate(self.pending, start=seq + 1):
                rows.append({**row, "created_seq": i, "versions": {}, "writes": {}, "deleted": False})
                items.append(
                    {
                        "seq": i,
                        "kind": "row",
                        "entity": row["entity"],
                        "row_id": row["row_id"],
                        "child_id": row["child_id"],
                        "audience_org": None,
                        "fields": {},
                        "deleted": False,
                        "hlc": f"{i:013d}-000000-test",
                    }
                )
            for start in range(0, len(rows), 5000):
                conn.execute(insert(records), rows[start : start + 5000])
                conn.execute(insert(feed), items[start : start + 5000])
        self.pending = []

    def change(self, entity: str, row_id: str, data: dict[str, Any], *, deleted: bool = False) -> None:
        """Rewrite a record's fields (or delete it) with a feed entry, as a later push does."""
        with self.store.write(ordered=True) as conn:
            seq = int(conn.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one()) + 1
            where = (records.c.entity == entity) & (records.c.row_id == row_id)
            conn.execute(update(records).where(where).values(data=data, deleted=deleted))
            conn.execute(
                insert(feed).values(
                    seq=seq,
                    kind="row",
                    entity=entity,
                    row_id=row_id,
                    child_id=None,
                    audience_org=None,
                    fields={},
                    deleted=deleted,
                    hlc=f"{seq:013d}-0-t",
                )
            )
