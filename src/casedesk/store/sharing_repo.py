"""The device's side of information sharing: the agreements it holds, a child's consent records, and the notice
of rows the server withheld from it (category, owner and why — never content).

Withheld notices arrive on pull (`PullItem(kind="withheld")`, under an opaque id) and go when the child is purged
or the row is deleted on the server; a change of agreement purges the child and sends it again, notices and all.
Each pulled row of a child names the organisation that wrote it; the device keeps the owner of rows another
organisation wrote (`row_owners`), so a pack or export passes them on under that owner's agreements.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from casedesk import config
from casedesk.domain.agreements import Agreement
from casedesk.store import settings
from casedesk.store.database import Database
from casedesk.store.journal import tallies
from casedesk.store.models import ConsentRow, RowOwnerRow, SharingAgreementRow, WithheldRow
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


def note_owners(conn: Connection, items: Iterable[Any]) -> None:
    """Keep the owner of each pulled row another organisation wrote (this device's organisation's rows: none)."""
    own = settings.read(conn, config.ORGANISATION_ID)
    owned = {i.row_id: i.owner for i in items if i.kind == "row" and getattr(i, "owner", None) not in (None, "", own)}
    if owned:
        hold_owners(conn, owned)


def hold_owners(conn: Connection, owners: dict[str, str]) -> None:
    """Rows' owners by row id, as a pull keeps them (the demo's too)."""
    table = mapped_table(RowOwnerRow)
    rows = [{"row_id": row_id, "owner_org": owner} for row_id, owner in owners.items()]
    conn.execute(insert(table).prefix_with("OR REPLACE"), rows)


def owners(session: Session, row_ids: Collection[str]) -> dict[str, str]:
    """The owners kept for these rows (a row not named was written by this device's organisation)."""
    table = mapped_table(RowOwnerRow)
    ids = sorted(set(row_ids))
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        query = select(table.c.row_id, table.c.owner_org).where(table.c.row_id.in_(ids[start : start + 500]))
        out.update({r.row_id: r.owner_org for r in session.execute(query)})
    return out


def hold_withheld(conn: Connection, notices: Iterable[dict[str, Any]]) -> None:
    """Notices as plain values (`key`, `entity`, `child_id`, `category`, `owner_org`, `reason`, `agreements`)."""
    table = mapped_table(WithheldRow)
    for notice in notices:
        conn.execute(delete(table).where(table.c.row_id == notice["key"]))
        values = {k: v for k, v in notice.items() if k != "key"}
        conn.execute(insert(table).values(row_id=notice["key"], **values))


def hold_agreements(conn: Connection, agreements: Iterable[Agreement]) -> None:
    """Agreements held as a pull would hold them (not journaled: a device never sends agreements)."""
    table = mapped_table(SharingAgreementRow)
    now = datetime.now(UTC)
    for agreement in agreements:
        data = agreement.to_json()
        conn.execute(delete(table).where(table.c.id == agreement.id))
        values = {k: v for k, v in data.items() if k in table.c and k != "id"}
        values["start_date"], values["review_date"] = agreement.start_date, agreement.review_date
        values["end_date"] = agreement.end_date
        values["ended_at"] = datetime.fromisoformat(agreement.ended_at) if agreement.ended_at else None
        conn.execute(
            insert(table).values(id=agreement.id, created_at=now, updated_at=now, deleted=False, versions={}, **values)
        )


def hold(db: Database, agreements: Iterable[Agreement], notices: Iterable[dict[str, Any]]) -> None:
    """Agreements and withheld notices written as a pull writes them, in one transaction (the demo's)."""
    agreements = list(agreements)
    with db._write_lock, db.engine.begin() as conn:
        with tallies.moving(conn, "sharing_agreements", [a.id for a in agreements]):  # as a pull moves them
            hold_agreements(conn, agreements)
        hold_withheld(conn, notices)


def forget_child(conn: Connection, child_id: str, row_ids: Collection[str] = ()) -> None:
    table = mapped_table(WithheldRow)
    conn.execute(delete(table).where(table.c.child_id == child_id))
    owners = mapped_table(RowOwnerRow)
    ids = sorted(set(row_ids))
    for start in range(0, len(ids), 500):
        conn.execute(delete(owners).where(owners.c.row_id.in_(ids[start : start + 500])))


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
