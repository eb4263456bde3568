"""Administering information-sharing agreements on the server, and making a change of policy take effect.

Every change of what one organisation shares with another — an agreement added or ended, the area's default
changed, an agreement's start or end date passing (the daily sweep) — is applied in the same transaction by
`rescope`: for every child an affected organisation sees, what each of its views receives is counted under the
old and the new policy; where it differs, the organisation gets a `leave` then an `enter` for the child in the
feed (its devices purge the child — after pushing anything waiting — and receive it again as the new policy
allows), and its kept digest moves by the difference. Children whose view did not change are not touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Connection, insert, select, update

from casedesk.domain import agreements as model
from casedesk.domain import sharing
from casedesk.domain.ids import new_id
from casedesk.domain.tally import Tally
from casedesk.server.db import ServerDB, agreements, feed, org_scope, orgs, policies, records, tallies
from casedesk.server.db.accounts import AdminError
from casedesk.server.db.cache import held_rows, next_seq
from casedesk.server.db.compact import pack_versions, pack_writes
from casedesk.server.db.rules import check_values
from casedesk.sync.entities import ENTITIES

ENTITY = "sharing_agreements"


def _publish(conn: Connection, agreement: model.Agreement) -> None:
    """Write the agreement as a synced directory record (every device holds every agreement, read-only), with its
    feed item and the directory's digest tally, as an organisation is written."""
    spec = ENTITIES[ENTITY]
    fields = check_values(spec, ENTITY, {k: v for k, v in agreement.to_json().items() if k in spec.fields})
    query = select(records).where(records.c.entity == ENTITY, records.c.row_id == agreement.id)
    held = next(iter(held_rows(conn, conn.execute(query), {})), None)
    hlc = f"{int(datetime.now(UTC).timestamp() * 1000):013d}-000000-server"
    seq = next_seq(conn)
    conn.execute(
        insert(feed).values(
            seq=seq, kind="row", entity=ENTITY, row_id=agreement.id, child_id=None, fields=fields, hlc=hlc
        )
    )
    before = None if held is None else (held["data"], bool(held["deleted"]))
    tallies.apply(conn, tallies.Changes(rows=[(ENTITY, agreement.id, None, None, before, (fields, False))]))
    if held is None:
        conn.execute(
            insert(records).values(
                entity=ENTITY,
                row_id=agreement.id,
                child_id=None,
                created_by_org=None,
                created_seq=seq,
                data=fields,
                versions=seq if fields else {},  # one write: every field holds its version (`compact.pack_versions`)
                writes="server",  # one write, its clock its feed item's: the author alone (`clocks.lend`)
                deleted=False,
            )
        )
    else:
        changed = [k for k, v in fields.items() if held["data"].get(k) != v]
        hlcs, authors = held["hlcs"], held["authors"]
        versions = {**held["versions"], **dict.fromkeys(changed, seq)}
        conn.execute(
            update(records)
            .where(records.c.entity == ENTITY, records.c.row_id == agreement.id)
            .values(
                data=fields,
                versions=pack_versions(versions, fields),
                writes=pack_writes(
                    versions, {**hlcs, **dict.fromkeys(changed, hlc)}, {**authors, **dict.fromkeys(changed, "server")}
                ),
            )
        )


def _known_org(conn: Connection) -> Callable[[str], bool]:
    def known(org_id: str) -> bool:
        found = conn.execute(select(orgs.c.id).where(orgs.c.id == org_id)).first()
        if found is None:
            found = conn.execute(
                select(records.c.row_id).where(records.c.entity == "organisations", records.c.row_id == org_id)
            ).first()
        return found is not None

    return known


def add(
    store: ServerDB,
    *,
    title: str,
    party_a: str,
    party_b: str,
    a_to_b: str,
    b_to_a: str,
    article_6: str,
    article_9: str | None = None,
    article_10: str | None = None,
    start: str | None = None,
    end: str | None = None,
    review: str | None = None,
    signed_by: Iterable[str] = (),
) -> tuple[model.Agreement, int]:
    """Record an agreement (validated whole: nothing is stored when anything is wrong) and apply it; returns it
    and how many (organisation, child) views it changed."""
    with store.write(ordered=True) as conn:
        try:
            agreement = model.build(
                agreement_id=new_id(),
                title=title,
                party_a=party_a,
                party_b=party_b,
                a_to_b=a_to_b,
                b_to_a=b_to_a,
                article_6=article_6,
                article_9=article_9,
                article_10=article_10,
                start=start,
                end=end,
                review=review,
                signed_by=signed_by,
                known_org=_known_org(conn),
            )
        except model.AgreementInvalid as exc:
            raise AdminError(f"Agreement not recorded: {exc}.") from None
        before = policies.load(conn)
        now = datetime.now(UTC)
        conn.execute(
            insert(agreements).values(id=agreement.id, data=agreement.to_json(), created_at=now, updated_at=now)
        )
        _publish(conn, agreement)
        changed = rescope(conn, before, policies.load(conn), parties=[agreement])
    return agreement, changed


def record_all(store: ServerDB, made: Iterable[model.Agreement]) -> tuple[int, int]:
    """Record ready-made agreements (the demo's), skipping any already held by id; returns how many were
    recorded and how many (organisation, child) views they changed."""
    with store.write(ordered=True) as conn:
        before = policies.load(conn)
        held = set(conn.execute(select(agreements.c.id)).scalars())
        fresh = [a for a in made if a.id not in held]
        now = datetime.now(UTC)
        for agreement in fresh:
            conn.execute(
                insert(agreements).values(id=agreement.id, data=agreement.to_json(), created_at=now, updated_at=now)
            )
            _publish(conn, agreement)
        changed = rescope(conn, before, policies.load(conn), parties=fresh) if fresh else 0
    return len(fresh), changed


def find(conn: Connection, agreement_id: str) -> model.Agreement:
    row = conn.execute(select(agreements.c.data).where(agreements.c.id == agreement_id)).first()
    if row is None:
        raise AdminError(f"No agreement with id {agreement_id}.")
    return model.Agreement.from_json(row.data)


def show(store: ServerDB, agreement_id: str) -> model.Agreement:
    with store.read() as conn:
        return find(conn, agreement_id)


def list_all(store: ServerDB) -> list[model.Agreement]:
    with store.read() as conn:
        return policies.all_agreements(conn)


def end(store: ServerDB, agreement_id: str, reason: str) -> tuple[model.Agreement, int]:
    """End an agreement now (it stays on record, marked ended with the reason) and apply the change."""
    if not reason.strip():
        raise AdminError("Give the reason the agreement ends (--reason).")
    with store.write(ordered=True) as conn:
        agreement = find(conn, agreement_id)
        if agreement.ended_at is not None:
            raise AdminError(f"Agreement {agreement_id} already ended on {agreement.ended_at}.")
        before = policies.load(conn)
        ended = model.Agreement.from_json(
            {**agreement.to_json(), "ended_at": datetime.now(UTC).isoformat(), "ended_reason": reason.strip()}
        )
        conn.execute(
            update(agreements)
            .where(agreements.c.id == agreement_id)
            .values(data=ended.to_json(), updated_at=datetime.now(UTC))
        )
        _publish(conn, ended)
        changed = rescope(conn, before, policies.load(conn), parties=[agreement])
    return ended, changed


def set_default(store: ServerDB, value: str) -> int:
    """Set what organisations with no agreement between them share (`open` or `closed`), and apply it."""
    if value not in sharing.DEFAULTS:
        raise AdminError(f"The default must be one of {', '.join(sharing.DEFAULTS)}.")
    with store.write(ordered=True) as conn:
        before = policies.load(conn)
        policies.set_default(conn, value)
        return rescope(conn, before, policies.load(conn))


def sweep_dates(conn: Connection, last: date | None, on: date) -> int:
    """Agreements that started or ended by the calendar between the last sweep and `on`: apply them."""
    if last is None or last >= on:
        return 0
    before, after = policies.load(conn, on=last), policies.load(conn, on=on)
    moved = [a for a in after.agreements if a.in_force(last) != a.in_force(on)]
    return rescope(conn, before, after, parties=moved) if moved else 0


def rescope(
    conn: Connection,
    before: sharing.Policy,
    after: sharing.Policy,
    parties: list[model.Agreement] | None = None,
    children: set[str] | None = None,
) -> int:
    """Make a change of policy take effect (see the module's description). `parties`: only organisations these
    agreements name can be affected; `children`: only these children (None: all). Returns the number of
    (organisation, child) views rescoped."""
    query = select(org_scope.c.org_id, org_scope.c.child_id).where(org_scope.c.visible.is_(True))
    pairs = [(o, c) for o, c in conn.execute(query) if children is None or c in children]
    if parties is not None:
        named: dict[str, bool] = {}
        for org_id in {o for o, _ in pairs}:
            info = after.orgs(org_id) or model.OrgInfo(org_id)
            named[org_id] = any(a.party_a.matches(info) or a.party_b.matches(info) for a in parties)
        pairs = [(o, c) for o, c in pairs if named[o]]
    if not pairs:
        return 0
    stored = tallies.stored_rows(conn, {c for _, c in pairs})
    org_delta: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    changed: list[tuple[str, str]] = []
    for org_id, child_id in sorted(pairs):
        rows = stored.get(child_id, [])
        differs = False
        for view in policies.views(after, org_id):
            old = tallies.child_tallies(before, org_id, view, rows)
            new = tallies.child_tallies(after, org_id, view, rows)
            if old != new:
                differs = True
                for entity, t in old.items():
                    org_delta[(org_id, view, entity)].merge(t, -1)
                for entity, t in new.items():
                    org_delta[(org_id, view, entity)].merge(t)
        if differs:
            changed.append((org_id, child_id))
    seq = next_seq(conn)
    items: list[dict[str, object]] = []
    for org_id, child_id in changed:
        for kind in ("leave", "enter"):
            items.append(
                {
                    "seq": seq,
                    "kind": kind,
                    "entity": "children",
                    "row_id": child_id,
                    "child_id": child_id,
                    "audience_org": org_id,
                    "fields": {},
                    "deleted": False,
                    "hlc": "",
                }
            )
            seq += 1
        conn.execute(
            update(org_scope)
            .where(org_scope.c.org_id == org_id, org_scope.c.child_id == child_id)
            .values(since_seq=seq - 1)
        )
    if items:
        conn.execute(insert(feed), items)
    tallies.move_orgs(conn, org_delta)
    return len(changed)
