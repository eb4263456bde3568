"""The device's side of information sharing: the agreements it holds, a child's consent records, and the notice
of rows the server withheld from it (category, owner and why — never content).

Withheld notices arrive on pull (`PullItem(kind="withheld")`, under an opaque id) and go when the child is purged
or the row is deleted on the server; a change of agreement purges the child and sends it again, notices and all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from casedesk.domain.agreements import Agreement
from casedesk.store.models import ConsentRow, SharingAgreementRow, WithheldRow
from casedesk.store.tables import mapped_table


@dataclass(frozen=True)
class Withheld:
    """One row of a child the server did not send this device."""

    entity: str
    category: str
    owner_org: str | None
    reason: str  # agreement | default | consent | role
    agreements: tuple[str, ...]


@dataclass(frozen=True)
class ConsentRecord:
    id: str
    child_id: str
    category: str
    decision: str
    organisation_id: str | None
    decided_on: date
    given_by: str
    recorded_by: str
    recorded_at: datetime
    ended_on: date | None
    note: str | None


def note_withheld(conn: Connection, items: Iterable[Any]) -> None:
    """Store (or, for a row deleted on the server, drop) the withheld notices of one pulled page."""
    table = mapped_table(WithheldRow)
    for item in items:
        conn.execute(delete(table).where(table.c.row_id == item.row_id))
        if item.deleted:
            continue
        fields = item.fields
        conn.execute(
            insert(table).values(
                row_id=item.row_id,
                entity=item.entity,
                child_id=str(fields.get("child_id") or ""),
                category=str(fields.get("category") or ""),
                owner_org=fields.get("owner_org"),
                reason=str(fields.get("reason") or "agreement"),
                agreements=list(fields.get("agreements") or []),
            )
        )


def forget_child(conn: Connection, child_id: str) -> None:
    table = mapped_table(WithheldRow)
    conn.execute(delete(table).where(table.c.child_id == child_id))


def withheld_for_child(session: Session, child_id: str) -> list[Withheld]:
    table = mapped_table(WithheldRow)
    rows = session.execute(select(table).where(table.c.child_id == child_id).order_by(table.c.category))
    return [Withheld(r.entity, r.category, r.owner_org, r.reason, tuple(r.agreements or ())) for r in rows]


def agreements(session: Session) -> list[Agreement]:
    """Every agreement this device holds, as the domain reads them."""
    table = mapped_table(SharingAgreementRow)
    out = []
    for row in session.execute(select(table).where(table.c.deleted.is_(False)).order_by(table.c.start_date)):
        data = dict(row._mapping)
        data["ended_at"] = row.ended_at.isoformat() if row.ended_at else None
        out.append(Agreement.from_json(data))
    return out


def consents_for_child(session: Session, child_id: str) -> list[ConsentRecord]:
    table = mapped_table(ConsentRow)
    query = select(table).where(table.c.child_id == child_id, table.c.deleted.is_(False)).order_by(table.c.decided_on)
    names = ConsentRecord.__dataclass_fields__
    return [ConsentRecord(**{k: v for k, v in row._mapping.items() if k in names}) for row in session.execute(query)]


def consent(session: Session, consent_id: str) -> ConsentRecord | None:
    table = mapped_table(ConsentRow)
    row = session.execute(select(table).where(table.c.id == consent_id, table.c.deleted.is_(False))).first()
    names = ConsentRecord.__dataclass_fields__
    return None if row is None else ConsentRecord(**{k: v for k, v in row._mapping.items() if k in names})
