"""Read side: queries that take the caller's session and return plain domain records (never ORM objects)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy import Table, func, or_, select
from sqlalchemy import text as text_sql
from sqlalchemy.orm import Session

from casedesk.domain.records import (
    AuditEntry,
    Child,
    ChronologyEvent,
    Involvement,
    Organisation,
    StatusPeriod,
    Worker,
)
from casedesk.errors import NotFound
from casedesk.store.models import (
    SYNCED_TABLES,
    AuditRow,
    ChildRow,
    EventRow,
    InvolvementRow,
    OrganisationRow,
    OutboxRow,
    StatusPeriodRow,
    WorkerRow,
)
from casedesk.store.tables import mapped_table

R = TypeVar("R")
_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(record_type: type) -> tuple[str, ...]:
    names = _FIELDS.get(record_type)
    if names is None:
        names = _FIELDS[record_type] = tuple(f.name for f in fields(record_type))
    return names


def to_record(record_type: type[R], row: Any) -> R:
    """Build a frozen record from a row mapping, taking only the record's own fields."""
    names = _field_names(record_type)
    mapping = row._mapping if hasattr(row, "_mapping") else row
    return record_type(**{name: mapping[name] for name in names})


def _table(model: type) -> Table:
    return mapped_table(model)


def _records(session: Session, record_type: type[R], model: type, *where: Any, order: Sequence[Any] = ()) -> list[R]:
    table = _table(model)
    # Only the record's own columns, in field order: bookkeeping (versions JSON, timestamps) costs a parse a row.
    columns = [table.c[name] for name in _field_names(record_type)]
    query = select(*columns).where(table.c.deleted.is_(False), *where).order_by(*order)
    return [record_type(*row) for row in session.execute(query).all()]


def get_child(session: Session, child_id: str) -> Child:
    table = _table(ChildRow)
    row = session.execute(select(table).where(table.c.id == child_id, table.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No child with id {child_id}.")
    return to_record(Child, row)


def list_children(session: Session) -> list[Child]:
    table = _table(ChildRow)
    return _records(session, Child, ChildRow, order=(table.c.family_name, table.c.given_name))


def child_ids(session: Session) -> list[str]:
    table = _table(ChildRow)
    return list(session.execute(select(table.c.id).where(table.c.deleted.is_(False))).scalars())


def child_ids_page(session: Session, after: str | None, limit: int) -> list[str]:
    """Up to `limit` live children's ids in id order, after `after`: a whole caseload read in bounded pages."""
    table = _table(ChildRow)
    query = select(table.c.id).where(table.c.deleted.is_(False))
    if after is not None:
        query = query.where(table.c.id > after)
    return list(session.execute(query.order_by(table.c.id).limit(limit)).scalars())


def find_children_by_identifier(session: Session, upn: str | None, nhs_number: str | None) -> list[Child]:
    table = _table(ChildRow)
    conditions = []
    if upn:
        conditions.append(table.c.upn == upn)
    if nhs_number:
        conditions.append(table.c.nhs_number == nhs_number)
    if not conditions:
        return []
    return _records(session, Child, ChildRow, or_(*conditions))


def children_born_between(session: Session, first: Any, last: Any) -> list[Child]:
    table = _table(ChildRow)
    return _records(session, Child, ChildRow, table.c.date_of_birth.between(first, last))


def statuses_for_child(session: Session, child_id: str) -> list[StatusPeriod]:
    table = _table(StatusPeriodRow)
    return _records(session, StatusPeriod, StatusPeriodRow, table.c.child_id == child_id, order=(table.c.start_date,))


def involvements_for_child(session: Session, child_id: str) -> list[Involvement]:
    table = _table(InvolvementRow)
    return _records(session, Involvement, InvolvementRow, table.c.child_id == child_id, order=(table.c.start_date,))


def events_for_child(session: Session, child_id: str) -> list[ChronologyEvent]:
    """Every chronology entry, originals and amendments alike, oldest first."""
    table = _table(EventRow)
    return _records(
        session, ChronologyEvent, EventRow, table.c.child_id == child_id, order=(table.c.occurred_at, table.c.id)
    )


def organisations(session: Session, ids: Iterable[str] | None = None) -> dict[str, Organisation]:
    table = _table(OrganisationRow)
    where = [] if ids is None else [table.c.id.in_(list(ids))]
    return {o.id: o for o in _records(session, Organisation, OrganisationRow, *where, order=(table.c.name,))}


def workers(session: Session, ids: Iterable[str] | None = None) -> dict[str, Worker]:
    table = _table(WorkerRow)
    where = [] if ids is None else [table.c.id.in_(list(ids))]
    return {w.id: w for w in _records(session, Worker, WorkerRow, *where, order=(table.c.name,))}


def audit_entries_for(session: Session, row_ids: Iterable[str]) -> list[AuditEntry]:
    table = _table(AuditRow)
    query = select(table).where(table.c.row_id.in_(list(row_ids))).order_by(table.c.seq)
    return [to_record(AuditEntry, row) for row in session.execute(query)]


def row_counts(session: Session) -> dict[str, int]:
    """Live (not deleted) records per synced table."""
    counts = {}
    for name, model in SYNCED_TABLES.items():
        table = _table(model)
        counts[name] = session.execute(
            select(func.count()).select_from(table).where(table.c.deleted.is_(False))
        ).scalar_one()
    return counts


def pending_change_count(session: Session) -> int:
    table = _table(OutboxRow)
    return session.execute(select(func.count()).select_from(table).where(table.c.state == "pending")).scalar_one()


def current_status_periods(session: Session, day: Any) -> list[StatusPeriod]:
    """Every status period in force on `day`, for all children (the caseload's badges)."""
    table = _table(StatusPeriodRow)
    return _records(
        session,
        StatusPeriod,
        StatusPeriodRow,
        table.c.start_date <= day,
        or_(table.c.end_date.is_(None), table.c.end_date >= day),
    )


def current_involvements(session: Session, day: Any) -> list[Involvement]:
    table = _table(InvolvementRow)
    return _records(
        session,
        Involvement,
        InvolvementRow,
        table.c.start_date <= day,
        or_(table.c.end_date.is_(None), table.c.end_date >= day),
    )


def get_event(session: Session, event_id: str) -> ChronologyEvent:
    table = _table(EventRow)
    row = session.execute(select(table).where(table.c.id == event_id, table.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No chronology entry with id {event_id}.")
    return to_record(ChronologyEvent, row)


def get_status(session: Session, status_id: str) -> StatusPeriod:
    table = _table(StatusPeriodRow)
    row = session.execute(select(table).where(table.c.id == status_id, table.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No status period with id {status_id}.")
    return to_record(StatusPeriod, row)


def get_involvement(session: Session, involvement_id: str) -> Involvement:
    table = _table(InvolvementRow)
    row = session.execute(select(table).where(table.c.id == involvement_id, table.c.deleted.is_(False))).first()
    if row is None:
        raise NotFound(f"No involvement with id {involvement_id}.")
    return to_record(Involvement, row)


def search_child_ids(session: Session, text: str, limit: int = 2000) -> list[str] | None:
    """Children whose names, identifiers or date of birth contain every typed piece of 3+ characters, best first.

    Uses the FTS5 trigram index (migration 0004). Returns None when nothing typed is long enough to look up, so the
    caller can fall back to matching in memory.
    """
    pieces = [p for p in text.lower().split() if len(p) >= 3]
    if not pieces:
        return None
    query = " ".join('"' + p.replace('"', '""') + '"' for p in pieces)
    rows = session.execute(
        text_sql(
            "SELECT c.id FROM child_search JOIN children AS c ON c.rowid = child_search.rowid "
            "WHERE child_search MATCH :query AND c.deleted = 0 ORDER BY child_search.rank LIMIT :limit"
        ),
        {"query": query, "limit": limit},
    )
    return [row[0] for row in rows]
