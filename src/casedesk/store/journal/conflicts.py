"""Conflicts as the device holds them, and a person's resolution of one.

The server sends each conflict (both values, who and when, which one it kept for now) to every device holding
the record. They are kept as device-local settings rows (`sync.conflict:<id>`), inside the encrypted database,
so no schema change was needed. Resolving one writes the chosen value locally (audited, not journaled as an
ordinary edit) and journals a `resolve` change: the server applies it as the decision and tells every device.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from casedesk import config
from casedesk.domain.ids import new_id
from casedesk.domain.records import Changes
from casedesk.errors import NotFound, ValidationError
from casedesk.store import settings
from casedesk.store.database import Database
from casedesk.store.journal.apply import refresh_derived
from casedesk.store.journal.pulled_rows import from_wire, table_of
from casedesk.store.journal.wire_values import to_json_value
from casedesk.store.models import OutboxRow
from casedesk.store.tables import mapped_table


@dataclass(frozen=True, slots=True)
class ConflictView:
    """What the Sync page shows: the record, the field, every candidate value, and what is kept for now."""

    conflict_id: str
    entity: str
    row_id: str
    child_id: str | None
    field: str
    critical: bool
    kept: Any
    candidates: list[dict[str, Any]]
    state: str
    resolution: Any


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A resolved field's row, in the shape `refresh_derived` reads pulled rows in."""

    entity: str
    row_id: str
    kind: str = "row"
    fields: dict[str, Any] = field(default_factory=dict)  # none: the row's child is looked up


def _view(value: dict[str, Any]) -> ConflictView:
    return ConflictView(
        value["conflict_id"],
        value["entity"],
        value["row_id"],
        value.get("child_id"),
        value["field"],
        bool(value["critical"]),
        value.get("kept"),
        list(value["candidates"]),
        value["state"],
        value.get("resolution"),
    )


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[ConflictView]:
    views = [_view(v) for v in db.members(config.CONFLICTS).values()]
    views = [v for v in views if include_resolved or v.state == "open"]
    return sorted(views, key=lambda v: (v.entity, v.row_id, v.field))


def resolve(db: Database, conflict_id: str, value: Any, author: str) -> Changes:
    """Keep `value` (one of the candidates, or a new value a person typed) for the conflicted field."""
    held = db.member(config.CONFLICTS, conflict_id)
    if held is None:
        raise NotFound(f"No conflict with id {conflict_id}.")
    if held["state"] != "open":
        raise ValidationError("That conflict has already been resolved.")
    table = table_of(held["entity"])
    chosen = from_wire(table, held["field"], to_json_value(value))
    with db.unit_of_work(author, journal=False) as uow:
        uow.update(held["entity"], held["row_id"], {held["field"]: chosen})
        uow.note(
            "resolve-conflict",
            held["entity"],
            held["row_id"],
            reason=f"conflict on {held['field']}",
            conflict_id=conflict_id,
            chosen=to_json_value(chosen),
        )
        uow.session.execute(
            insert(mapped_table(OutboxRow)),
            [
                {
                    "change_id": new_id(),
                    "entity": "conflicts",
                    "row_id": conflict_id,
                    "op": "resolve",
                    "fields": {"value": to_json_value(chosen)},
                    "base_versions": {},
                    "hlc": uow.clock.now(),
                    "device_id": uow.device_id,
                    "author": author,
                    "created_at": datetime.now(UTC),
                    "state": "pending",
                    "attempts": 0,
                }
            ],
        )
        resolved = {**held, "state": "resolved", "resolution": to_json_value(chosen)}
        settings.write_member(uow.session.connection(), config.CONFLICTS, conflict_id, resolved)
        uow.flush()
        refresh_derived(uow.session, [_Resolved(held["entity"], held["row_id"])])
    return Changes(frozenset({held["entity"]}), frozenset({held["row_id"]}))
