"""Read side of the service directory: stored services as plain rows (never ORM objects).

A service's whole ORUK 3.0 record lives in `document`; the other columns exist to find a service (by its id in
the directory it came from, by name) without decoding every document. Turning documents back into `Service`
records is the services layer's job, so the store stays ignorant of ORUK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from casedesk.errors import NotFound
from casedesk.store.models import ServiceRow
from casedesk.store.repositories import to_record
from casedesk.store.tables import mapped_table


@dataclass(frozen=True)
class StoredService:
    """One `services` row: the columns, and the ORUK 3.0 document they were taken from."""

    id: str
    external_id: str
    name: str
    organisation_name: str | None
    document: dict[str, Any]
    last_reviewed: date | None
    source: str | None
    deleted: bool = False


def _table() -> Table:
    return mapped_table(ServiceRow)


def list_services(session: Session) -> list[StoredService]:
    """Every live service, by name (case-insensitive, so "after-school" sits with "After School")."""
    table = _table()
    query = select(table).where(table.c.deleted.is_(False)).order_by(func.lower(table.c.name), table.c.id)
    return [to_record(StoredService, row) for row in session.execute(query)]


def get_service(session: Session, service_id: str) -> StoredService:
    table = _table()
    row = session.execute(select(table).where(table.c.id == service_id, table.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No directory service with id {service_id}.")
    return to_record(StoredService, row)


def find_by_external_ids(session: Session, external_ids: list[str]) -> dict[str, StoredService]:
    """Live services by their directory id, in chunks (an area's directory may hold thousands)."""
    table = _table()
    found: dict[str, StoredService] = {}
    unique = sorted(set(external_ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        query = select(table).where(table.c.external_id.in_(chunk), table.c.deleted.is_(False))
        for row in session.execute(query):
            stored = to_record(StoredService, row)
            found.setdefault(stored.external_id, stored)
    return found


def find_by_external_id(session: Session, external_id: str) -> StoredService | None:
    return find_by_external_ids(session, [external_id]).get(external_id)


def existing_ids(session: Session, ids: list[str]) -> set[str]:
    """Which of these row ids are taken, deleted or not (a tombstone still holds its id)."""
    table = _table()
    taken: set[str] = set()
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        query = select(table.c.id).where(table.c.id.in_(unique[start : start + 500]))
        taken.update(session.execute(query).scalars())
    return taken


def service_count(session: Session) -> int:
    table = _table()
    return int(session.execute(select(func.count()).select_from(table).where(table.c.deleted.is_(False))).scalar_one())
