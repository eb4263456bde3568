"""Import a case-transfer package: a new child, or merged into the one this area already holds.

The receiving organisation's rows are written through the server's ordinary push path (`Pusher`), as if one of
its devices had recorded them, so scope, the feed, conflicts and the digest tallies all hold; the whole import is
one transaction, so a refused row leaves nothing behind. Ids are derived from the package and the original row,
so importing the same package again changes nothing.

Matching uses the duplicate finder against every child held here: one certain or probable match is merged into;
none makes a new child; anything else is refused until an administrator says `--into CHILD` or `--new`. Every
received chronology entry says it was received and from whom; one entry more records the transfer itself, who was
involved in the sending area, the child's school history, meetings and attendance there, and what the agreements
there withheld.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select

from casedesk.domain.duplicates import Person, duplicates_of
from casedesk.domain.hlc import format_hlc
from casedesk.domain.schema import CATALOGUE
from casedesk.server.db import records
from casedesk.server.db.push import Pusher
from casedesk.server.transfer.export import TRANSFERRED, TransferError
from casedesk.server.transfer.history import describe

NAMESPACE = uuid.UUID("0f6a2d8e-5b1c-4c39-9a3e-1e9b8b7c4d21")
DEVICE = "transfer"
AUTHOR = "case transfer"


@dataclass(frozen=True)
class Imported:
    child_id: str
    merged: bool
    rows: int
    already: bool  # the same package was imported before: nothing changed


def _id(package_id: str, row_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{package_id}/{row_id}"))


def match(conn: Connection, identity: dict[str, Any]) -> list[Any]:
    """The children held here that may be the one in the package, strongest first."""
    held = conn.execute(
        select(records.c.row_id, records.c.data).where(records.c.entity == "children", records.c.deleted.is_(False))
    ).all()
    me = Person.of({**identity, "id": "package"})
    return duplicates_of(me, [Person.of(data, row_id=row_id) for row_id, data in held])


def _exists(conn: Connection, entity: str, row_id: str) -> bool:
    query = select(records.c.row_id).where(records.c.entity == entity, records.c.row_id == row_id)
    return conn.execute(query).first() is not None


def _received(values: dict[str, Any], area: str, org: str, when: date) -> dict[str, Any]:
    """A chronology entry as received: marked so in its summary, with who recorded it where in its body."""
    limit = CATALOGUE["events"].by_name["summary"].max_length or 300
    summary = f"Received from {area}: {values.get('summary') or ''}"[:limit]
    origin = f"Recorded by {org or 'an organisation'} in {area}; received in a case transfer on {when:%d/%m/%Y}."
    body = f"{values['body']}\n\n{origin}" if values.get("body") else origin
    return {**values, "summary": summary, "body": body, "organisation_id": None}


def import_payload(
    conn: Connection,
    header: dict[str, Any],
    payload: dict[str, Any],
    into_org: str,
    *,
    into_child: str | None = None,
    new: bool = False,
    today: date | None = None,
) -> Imported:
    """Write the package's record for `into_org`; `TransferError` (nothing written) when it cannot."""
    today = today or datetime.now(UTC).date()
    package_id, area = str(header["package_id"]), str(header.get("from_area") or payload.get("from_area") or "")
    rows = [r for r in payload.get("rows", []) if r.get("entity") in TRANSFERRED]
    identity = next((r["values"] for r in rows if r["entity"] == "children"), None)
    if identity is None:
        raise TransferError("The package holds no child.")
    if into_child:
        if not _exists(conn, "children", into_child):
            raise TransferError(f"No child with id {into_child} here.")
        target, merged = into_child, True
    elif new:
        target, merged = _id(package_id, str(payload.get("child_id"))), False
    else:
        found = match(conn, identity)
        strong = [c for c in found if c.strength in ("certain", "probable")]
        if len(strong) == 1 and len(found) == 1:
            target, merged = strong[0].other("package"), True
        elif not found:
            target, merged = _id(package_id, str(payload.get("child_id"))), False
        else:
            listed = "; ".join(f"{c.other('package')} ({c.strength}, {c.score:.2f})" for c in found)
            raise TransferError(f"More than one possible match, or only a weak one: {listed}. Choose --into or --new.")
    already = _exists(conn, "events", _id(package_id, "transfer"))
    orgs = payload.get("organisations", {})
    ids = {str(r["row_id"]): _id(package_id, str(r["row_id"])) for r in rows}
    ids[str(payload.get("child_id"))] = target
    clock = iter(range(10**6))
    millis = int(datetime.now(UTC).timestamp() * 1000)
    changes = []

    def change(entity: str, row_id: str, fields: dict[str, Any]) -> None:
        op = "append" if CATALOGUE[entity].append_only else "insert"
        changes.append(
            {
                "change_id": _id(package_id, f"change/{row_id}"),
                "entity": entity,
                "row_id": row_id,
                "op": op,
                "fields": fields,
                "hlc": format_hlc(millis, next(clock), DEVICE),
                "device_id": DEVICE,
                "author": AUTHOR,
            }
        )

    for r in rows:
        entity, values = r["entity"], dict(r["values"])
        if entity == "children":
            if merged:
                continue
            values["current_school_id"] = None  # a school in the other area
            change(entity, target, values)
            continue
        spec = CATALOGUE[entity]
        values["child_id"] = target
        for name, ref in spec.references.items():  # ids of the other area mean nothing here
            if name == "child_id" or values.get(name) is None:
                continue
            values[name] = ids.get(str(values[name])) if ref in TRANSFERRED else None
        if any(values.get(name) is None for name in spec.required):
            continue  # a record that needs something only the other area has
        if entity == "events":
            values = _received(values, area, orgs.get(str(r.get("owner_org") or ""), ""), today)
        change(entity, ids[str(r["row_id"])], values)
    involved = [
        f"{i.get('organisation') or 'an organisation'}"
        + (f" ({i['worker']})" if i.get("worker") else "")
        + f": {str(i.get('role') or '').replace('_', ' ')} from {i.get('start_date')}"
        + (f" to {i['end_date']}" if i.get("end_date") else "")
        for i in payload.get("involved", [])
    ]
    withheld = payload.get("withheld") or {}
    body = [f"Package {package_id}, exported {payload.get('exported_at')}."]
    if merged:
        body.append(
            "Merged into this child's record. The package named: "
            f"{identity.get('given_name')} {identity.get('family_name')}, born {identity.get('date_of_birth')}"
            + (f", UPN {identity['upn']}" if identity.get("upn") else "")
            + (f", NHS number {identity['nhs_number']}" if identity.get("nhs_number") else "")
            + "."
        )
    if involved:
        body.append("Involved in " + area + ": " + "; ".join(involved) + ".")
    body.extend(describe(payload, area))
    if withheld:
        body.append(
            "Not shared under the agreements: " + ", ".join(f"{n} {c} record(s)" for c, n in sorted(withheld.items()))
        )
    now = datetime.now(UTC).isoformat()
    change(
        "events",
        _id(package_id, "transfer"),
        {
            "child_id": target,
            "kind": "record_review",
            "occurred_at": now,
            "recorded_at": now,
            "author": AUTHOR,
            "summary": f"Case transfer received from {area}: {len(changes)} record(s)",
            "body": "\n".join(body),
            "category": "general",
        },
    )
    results = Pusher(conn, DEVICE, into_org).push(changes)
    refused = [r for r in results if r.status == "rejected"]
    if refused:
        raise TransferError("The package could not be imported: " + "; ".join(str(r.reason) for r in refused[:5]))
    return Imported(target, merged, len(changes), already)
